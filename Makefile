# SPDX-License-Identifier: GPL-2.0
#
# extmap: custom BPF map types from a loadable module.
#
#   make                 module for every installed test kernel, libextmap,
#                        extmapctl, BPF objects and selftests
#   make KDIR=<dir>      the module for one kernel build tree only
#   make check           build, then run the selftests in a VM per test kernel
#   make matrix          run only test_matrix on every test kernel; the
#                        bpf_map_lookup_elem matrices go to build/matrix/
#   make matrix-expected make them the expected matrices (selftests/matrix/)
#   make doc             regenerate Documentation/helpers/ from the expected
#                        matrices; make doc-check: fail if it is out of date
#   make check-debug     the same on our debug kernel (KASAN, lockdep,
#                        kmemleak, ...), built once per machine
#   make bench           time each extmap type against its kernel counterpart
#   make clean
#
# Everything is built under build/: build/<kernel release>/extmap.ko (and
# the test and benchmark modules in kmod/ and bench/ beside it),
# build/lib/libextmap.a, build/extmapctl, build/selftests/, build/bench/.

SRCTREE  := $(CURDIR)
BUILD    := $(SRCTREE)/build
KERNELS  ?= $(shell $(SRCTREE)/scripts/kernels)

export SRCTREE BUILD

.PHONY: all module lib extmapctl examples selftests bench-tools check check-debug bench clean FORCE

all: module lib extmapctl examples selftests bench-tools

# The module is built once per kernel, each in its own directory of links
# to module/, so that builds for different kernels never share objects.
# A kernel's build tree is in /lib/modules/<release>/build or, for the 7.x
# kernel, in the trixie build root (scripts/kernels --kdir says which).
ifneq ($(KDIR),)
module: FORCE
	@$(SRCTREE)/scripts/build-module $(KDIR)
else
module: FORCE
	@set -e; for k in $(KERNELS); do \
		kdir=$$($(SRCTREE)/scripts/kernels --kdir $$k); \
		$(SRCTREE)/scripts/build-module $$kdir; \
	done
endif

lib: FORCE
	$(MAKE) -C lib

extmapctl: lib
	$(MAKE) -C extmapctl

examples:
	$(MAKE) -C examples

selftests: lib
	$(MAKE) -C selftests

bench-tools: lib
	$(MAKE) -C bench

# Benchmarks, one VM boot per kernel: not a test, and never run by check.
bench: all
	@$(SRCTREE)/scripts/bench $(KERNELS)

check: all doc-check
	@$(SRCTREE)/scripts/check $(KERNELS)

# The bpf_map_lookup_elem matrix (selftests/test_matrix) alone.  vm-run has
# the test write build/results/<krel>/matrix.tsv; we keep a copy per kernel
# in build/matrix/, which a later 'make check' does not wipe.
matrix: all
	@mkdir -p $(BUILD)/matrix; rc=0; \
	for k in $(KERNELS); do \
		$(SRCTREE)/scripts/vmtest $$k test_matrix || rc=1; \
		if [ -f $(BUILD)/results/$$k/matrix.tsv ]; then \
			cp $(BUILD)/results/$$k/matrix.tsv $(BUILD)/matrix/$$k.tsv; \
			echo "matrix: $(BUILD)/matrix/$$k.tsv"; \
		else echo "matrix: no matrix.tsv from $$k"; rc=1; fi; \
	done; exit $$rc

# Adopt the matrices of the last 'make matrix' as the expected ones, one per
# kernel series (6.1, 6.12, ...), and regenerate the helper page from them.
matrix-expected:
	@set -e; for f in $(BUILD)/matrix/*.tsv; do \
		k=$$(basename $$f .tsv); s=$$(echo $$k | sed -E 's/^([0-9]+\.[0-9]+).*/\1/'); \
		cp $$f $(SRCTREE)/selftests/matrix/expected-$$s.tsv; \
		echo "selftests/matrix/expected-$$s.tsv <- $$f"; \
	done
	@$(SRCTREE)/scripts/gen-helper-doc

doc:
	@$(SRCTREE)/scripts/gen-helper-doc

doc-check:
	@$(SRCTREE)/scripts/gen-helper-doc --check

# The debug kernel: scripts/build-debug-kernel builds it from Debian's
# linux-source-6.12 with scripts/debug-kernel.config (about 20 minutes the
# first time, cached in /var/lib/extmap/debug-kernel) and prints its build tree,
# which is the KDIR for the module and holds the image vng boots (with the
# modules of that tree).  Everything runs several times slower under KASAN,
# lockdep and kmemleak, so the VM and each test get more time.
DEBUG_VM_TIMEOUT   ?= 5400
DEBUG_TEST_TIMEOUT ?= 1200
check-debug: lib extmapctl examples selftests
	@set -e; kdir=$$($(SRCTREE)/scripts/build-debug-kernel); \
	$(SRCTREE)/scripts/build-module $$kdir; \
	krel=$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$$kdir/include/generated/utsrelease.h); \
	VMTEST_IMAGE=$$kdir/arch/x86/boot/bzImage \
	VMTEST_TIMEOUT=$${VMTEST_TIMEOUT:-$(DEBUG_VM_TIMEOUT)} \
	EXTMAP_TEST_TIMEOUT=$${EXTMAP_TEST_TIMEOUT:-$(DEBUG_TEST_TIMEOUT)} \
	$(SRCTREE)/scripts/check $$krel

clean:
	rm -rf $(BUILD)
