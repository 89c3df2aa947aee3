# SPDX-License-Identifier: GPL-2.0
#
# extmap: custom BPF map types from a loadable module.
#
#   make                 module for every installed test kernel, libextmap,
#                        extmapctl, BPF objects and selftests
#   make KDIR=<dir>      the module for one kernel build tree only
#   make check           build, then run the selftests in a VM per test kernel
#   make matrix          run only test_matrix on every test kernel; the
#                        bpf_map_lookup_elem matrices of clean runs go to
#                        build/matrix/ (emptied first)
#   make matrix-expected make them the expected matrices (selftests/matrix/),
#                        refusing fail cells and two releases of one series,
#                        and show the diff against the committed ones
#   make doc             regenerate Documentation/helpers/ from the expected
#                        matrices; make doc-check: fail if it is out of date
#   make check-debug     the same on our debug kernel (KASAN, lockdep,
#                        kmemleak, ...), built once per machine
#   make bench           time each extmap type against its kernel counterpart
#   make demo            the quick start, end to end, in a VM of the newest
#                        test kernel (or KREL=...): scripts/demo
#   make lint            checkpatch.pl on the kernel code (--strict) and on
#                        the userspace and BPF code; sparse on the modules
#   make install         the module for every built test kernel (then
#                        depmod), extmapctl and its manual, libextmap (.so,
#                        .a, headers, libextmap.pc) and the kit for map type
#                        modules; DESTDIR, PREFIX and the *DIR variables
#                        below move them.  make uninstall removes them.
#   make check-uninstall install into a scratch DESTDIR, uninstall, and fail
#                        if anything is left
#   make install-dkms-src the source tree DKMS builds from, in
#                        /usr/src/extmap-<version>/ (then dkms add/install)
#   make kmod-example    build examples/kmod/ against a kit installed into
#                        build/kit/ (as a third party would), per kernel
#   make deb             the Debian packages, into build/deb/
#   make check-install   install the packages in a fresh Debian 12 root and
#                        use them there (slow: debootstrap; scripts/check-install)
#   make clean
#
# Everything is built under build/: build/<kernel release>/extmap.ko (and
# the test and benchmark modules in kmod/ and bench/ beside it),
# build/lib/libextmap.a, build/extmapctl, build/selftests/, build/bench/.

SRCTREE  := $(CURDIR)
BUILD    := $(SRCTREE)/build
KERNELS  ?= $(shell $(SRCTREE)/scripts/kernels)

# The project's version: libextmap.pc, extmapctl --version and the kit's
# directory take it from here; dkms.conf and debian/changelog repeat it,
# and scripts/check-version fails when they differ.
EXTMAP_VERSION := 0.1.0

# Where make install puts things.  Modules go to the kernel's own tree, which
# modprobe searches, whatever PREFIX is; updates/ wins over the kernel's own
# modules and is where DKMS puts its too (updates/dkms/).
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
KITDIR     ?= $(PREFIX)/src/extmap-$(EXTMAP_VERSION)
MODDIR     ?= /lib/modules
DEPMOD     ?= depmod
INSTALL    ?= install

export SRCTREE BUILD EXTMAP_VERSION PREFIX SBINDIR LIBDIR INCLUDEDIR MANDIR KITDIR

.PHONY: all module lib extmapctl examples selftests bench-tools check check-debug bench clean FORCE
.PHONY: install uninstall install-module uninstall-module install-kit uninstall-kit
.PHONY: check-uninstall kmod-example deb check-install check-version

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

examples: lib
	$(MAKE) -C examples

selftests: lib
	$(MAKE) -C selftests

bench-tools: lib
	$(MAKE) -C bench

# Benchmarks, one VM boot per kernel: not a test, and never run by check.
bench: all
	@$(SRCTREE)/scripts/bench $(KERNELS)

.PHONY: demo
demo: all
	@$(SRCTREE)/scripts/demo $(KREL)

check: all doc-check
	@$(SRCTREE)/scripts/check $(KERNELS)

# The bpf_map_lookup_elem matrix (selftests/test_matrix) alone.  vm-run has
# the test write build/results/<krel>/matrix.tsv; build/matrix/ starts empty
# and gets a copy, <krel>.tsv, only from a clean run: every failure vmtest
# counted is a row of the matrix that differs from the expected one (that is
# what a deliberate change looks like; matrix-expected shows the difference).
# A run with any other failure (a kernel report, a crash, a failed race
# test, ...) or whose results predate this run keeps nothing and fails.
# A later 'make check' does not wipe build/matrix/.
MATRIX_ROW_RE := ^test_matrix: [A-Z0-9_]+ row matches the expected matrix$$
.PHONY: matrix matrix-expected
matrix: all
	@rm -rf $(BUILD)/matrix; mkdir -p $(BUILD)/matrix; rc=0; \
	stamp=$(BUILD)/matrix/.started; touch $$stamp; \
	for k in $(KERNELS); do \
		r=$(BUILD)/results/$$k; \
		$(SRCTREE)/scripts/vmtest $$k test_matrix || true; \
		if [ ! -f $$r/summary ] || [ ! $$r/summary -nt $$stamp ] || \
		   [ ! -f $$r/failures ] || [ ! -s $$r/matrix.tsv ]; then \
			echo "matrix: $$k: no results or no matrix.tsv from this run: nothing kept"; \
			rc=1; continue; \
		fi; \
		other=$$(grep -Ev '$(MATRIX_ROW_RE)' $$r/failures || true); \
		if [ -n "$$other" ]; then \
			echo "matrix: $$k: the run was not clean, its matrix.tsv is not kept:"; \
			echo "$$other" | sed 's/^/    FAIL /'; \
			rc=1; continue; \
		fi; \
		cp $$r/matrix.tsv $(BUILD)/matrix/$$k.tsv; \
		n=$$(grep -Ec '$(MATRIX_ROW_RE)' $$r/failures || true); \
		echo "matrix: $(BUILD)/matrix/$$k.tsv ($$n rows differ from the expected matrix)"; \
	done; rm -f $$stamp; exit $$rc

# Adopt the matrices of the last 'make matrix' as the expected ones, one per
# kernel series: <krel>.tsv becomes selftests/matrix/expected-<major.minor>.tsv,
# or expected-<major.minor>-debug.tsv for our debug kernel (a release with
# -extmap-debug), the file test_matrix reads on that kernel.  Refuses, and
# then copies nothing, when a TSV is malformed or has a "fail" cell (a broken
# promise or a harness failure is never expected), or when two releases map
# to one series.  Prints each file's diff against the committed one for
# review, then regenerates the helper page from the expected matrices.
matrix-expected:
	@set -e; dir=$(BUILD)/matrix; exp=$(SRCTREE)/selftests/matrix; \
	set -- $$dir/*.tsv; \
	[ -e "$$1" ] || { echo "matrix-expected: no $$dir/*.tsv: run 'make matrix' first" >&2; exit 1; }; \
	bad=0 seen=; \
	for f; do \
		k=$$(basename $$f .tsv); \
		s=$$(echo "$$k" | sed -nE 's/^([0-9]+\.[0-9]+)([^0-9].*)?$$/\1/p'); \
		if [ -z "$$s" ]; then \
			echo "matrix-expected: $$f: no kernel series in the release $$k" >&2; \
			bad=1; continue; \
		fi; \
		case $$k in *-extmap-debug*) s=$$s-debug ;; esac; \
		prob=$$(awk -F'\t' ' \
			NR == 1 { if ($$0 != "prog_type\tmap_type\tresult\tdetail") print "line 1: not the matrix header"; next } \
			NF != 4 || $$1 == "" || $$2 == "" { print "line " NR ": not 4 fields"; next } \
			$$3 == "fail" { print "line " NR ": fail cell: " $$1 " " $$2 ": " $$4; next } \
			$$3 !~ /^(pass|rejected|skip)$$/ { print "line " NR ": unknown result " $$3 } \
			END { if (NR < 2) print "no cells" }' $$f | head -n 20); \
		if [ -n "$$prob" ]; then \
			echo "matrix-expected: refusing $$f:" >&2; \
			echo "$$prob" | sed 's/^/    /' >&2; \
			bad=1; \
		fi; \
		for o in $$seen; do \
			if [ "$${o%%=*}" = "$$s" ]; then \
				echo "matrix-expected: refusing $$f: $$k and $${o#*=} both map to expected-$$s.tsv (keep one in $$dir)" >&2; \
				bad=1; \
			fi; \
		done; \
		seen="$$seen $$s=$$k"; \
	done; \
	[ $$bad = 0 ] || { echo "matrix-expected: nothing adopted" >&2; exit 1; }; \
	for f; do \
		k=$$(basename $$f .tsv); \
		s=$$(echo "$$k" | sed -nE 's/^([0-9]+\.[0-9]+)([^0-9].*)?$$/\1/p'); \
		case $$k in *-extmap-debug*) s=$$s-debug ;; esac; \
		t=selftests/matrix/expected-$$s.tsv; \
		git -C $(SRCTREE) show HEAD:$$t >$$dir/.committed 2>/dev/null || : >$$dir/.committed; \
		if cmp -s $$dir/.committed $$f; then \
			echo "matrix-expected: $$t <- $$f (as committed)"; \
		else \
			echo "matrix-expected: $$t <- $$f, changes against the committed file:"; \
			diff -u --label "committed $$t" --label "$$f" $$dir/.committed $$f || true; \
		fi; \
		rm -f $$dir/.committed; \
		cp $$f $$exp/expected-$$s.tsv; \
	done
	@$(SRCTREE)/scripts/gen-helper-doc

# scripts/lint: checkpatch.pl, and sparse on the module's build for each
# host test kernel, which it needs first (W=1 is part of every build).
.PHONY: lint
lint: module
	@$(SRCTREE)/scripts/lint

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
DEBUG_TEST_TIMEOUT ?= 1800
# The kernel's own map selftests (test_kernel_maps*) run for semantics,
# which the stock kernels check: here each run gets 2 minutes, so that the
# slow ones (100 and 600 processes) skip instead of taking an hour.
DEBUG_KMAPS_RUN_TIMEOUT ?= 120
check-debug: lib extmapctl examples selftests
	@set -e; kdir=$$($(SRCTREE)/scripts/build-debug-kernel); \
	$(SRCTREE)/scripts/build-module $$kdir; \
	krel=$$(bash -c '. "$$1"/scripts/lib.sh; uts_release "$$2"' - \
		$(SRCTREE) $$kdir); \
	VMTEST_IMAGE=$$kdir/arch/x86/boot/bzImage \
	VMTEST_TIMEOUT=$${VMTEST_TIMEOUT:-$(DEBUG_VM_TIMEOUT)} \
	EXTMAP_TEST_TIMEOUT=$${EXTMAP_TEST_TIMEOUT:-$(DEBUG_TEST_TIMEOUT)} \
	EXTMAP_KMAPS_RUN_TIMEOUT=$${EXTMAP_KMAPS_RUN_TIMEOUT:-$(DEBUG_KMAPS_RUN_TIMEOUT)} \
	$(SRCTREE)/scripts/check $$krel

# ---- install -------------------------------------------------------------
#
# The kit for modules that provide map types (README, "Map types of your
# own"): the kernel-side headers, compat.h and compat.kbuild as they are
# (with the tree's layout, which extmap.kbuild's -I flags expect), and
# extmap.kbuild, which a type module's Kbuild includes; install-module adds
# symvers/<release>/Module.symvers per kernel.  The extmap-dkms package's
# /usr/src/extmap-<version>/ is a kit too: the same files, DKMS's build
# leaving the symbols in its own tree (dkms.conf, POST_BUILD).
KIT_FILES := include/linux/extmap.h include/uapi/linux/extmap.h \
	     module/compat.h module/compat.kbuild
# extmap's own directories, which uninstall removes when they are empty
# (scripts/prune-dirs): anything else only inside a DESTDIR.
PRUNE = $(SRCTREE)/scripts/prune-dirs

install: install-module install-kit
	$(MAKE) -C lib install
	$(MAKE) -C extmapctl install

uninstall: uninstall-module uninstall-kit
	$(MAKE) -C lib uninstall
	$(MAKE) -C extmapctl uninstall

# Every test kernel the module is built for (make module; KERNELS= picks
# others).  depmod makes modprobe find it, and a type module's dependency on
# it; in a DESTDIR there is nothing to run depmod on yet: the packager's
# or the target system's depmod does it (as for the kernel's own
# modules_install, which runs depmod -b only when told where System.map is).
install-module: module install-kit
	@set -e; n=0; for k in $(KERNELS); do \
		b=$(BUILD)/$$k; \
		if [ ! -f $$b/extmap.ko ]; then \
			echo "install: $$k: extmap.ko not built (make KDIR= built another kernel only): skipped"; \
			continue; \
		fi; \
		d=$(DESTDIR)$(MODDIR)/$$k/updates/extmap; \
		s=$(DESTDIR)$(KITDIR)/symvers/$$k; \
		echo "  INSTALL $$d/extmap.ko"; \
		$(INSTALL) -d $$d $$s; \
		$(INSTALL) -m 644 $$b/extmap.ko $$d/; \
		$(INSTALL) -m 644 $$b/Module.symvers $$s/; \
		if [ -z "$(DESTDIR)" ]; then $(DEPMOD) -a $$k; fi; \
		n=$$((n + 1)); \
	done; [ $$n -gt 0 ] || { echo "install: extmap.ko is built for no test kernel (scripts/kernels)" >&2; exit 1; }

# By glob rather than by KERNELS: a kernel installed for earlier may be
# gone from the test kernels since.
uninstall-module:
	@set -e; for ko in $(DESTDIR)$(MODDIR)/*/updates/extmap/extmap.ko; do \
		[ -e "$$ko" ] || continue; \
		d=$${ko%/extmap.ko}; k=$${d%/updates/extmap}; k=$${k##*/}; \
		echo "  REMOVE  $$ko"; \
		rm -f $$ko; \
		$(PRUNE) $(if $(DESTDIR),$(DESTDIR),$$d/..) $$d; \
		if [ -z "$(DESTDIR)" ] && [ -e $(MODDIR)/$$k/modules.dep ]; then \
			$(DEPMOD) -a $$k; \
		fi; \
	done

install-kit:
	@set -e; for f in $(KIT_FILES); do \
		$(INSTALL) -D -m 644 $(SRCTREE)/$$f $(DESTDIR)$(KITDIR)/$$f; \
	done
	sed 's|@VERSION@|$(EXTMAP_VERSION)|' $(SRCTREE)/scripts/extmap.kbuild \
		>$(DESTDIR)$(KITDIR)/extmap.kbuild
	chmod 644 $(DESTDIR)$(KITDIR)/extmap.kbuild

uninstall-kit:
	rm -f $(addprefix $(DESTDIR)$(KITDIR)/,$(KIT_FILES) extmap.kbuild) \
		$(DESTDIR)$(KITDIR)/symvers/*/Module.symvers
	$(PRUNE) $(if $(DESTDIR),$(DESTDIR),$(dir $(KITDIR))) \
		$(DESTDIR)$(KITDIR)/include/linux $(DESTDIR)$(KITDIR)/include/uapi/linux \
		$(DESTDIR)$(KITDIR)/module $(wildcard $(DESTDIR)$(KITDIR)/symvers/*)

# The source tree DKMS builds from (dkms.conf), which the extmap-dkms
# package ships: the module's sources, the top-level Kbuild, dkms.conf and
# its POST_BUILD script, and the kit, so that /usr/src/extmap-<version>/ is
# also what a map type module builds against.  Then, from a checkout:
#	make install-dkms-src
#	dkms add extmap/$(EXTMAP_VERSION) && dkms install extmap/$(EXTMAP_VERSION)
DKMS_SRCDIR ?= /usr/src/extmap-$(EXTMAP_VERSION)
DKMS_FILES  := Kbuild dkms.conf module/Kbuild $(wildcard module/*.[ch])
.PHONY: install-dkms-src uninstall-dkms-src
install-dkms-src: check-version
	@$(MAKE) -s install-kit KITDIR=$(DKMS_SRCDIR)
	@set -e; for f in $(DKMS_FILES); do \
		$(INSTALL) -D -m 644 $(SRCTREE)/$$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; \
	done
	$(INSTALL) -D -m 755 $(SRCTREE)/scripts/dkms-post-build \
		$(DESTDIR)$(DKMS_SRCDIR)/scripts/dkms-post-build

uninstall-dkms-src:
	@$(MAKE) -s uninstall-kit KITDIR=$(DKMS_SRCDIR)
	rm -f $(addprefix $(DESTDIR)$(DKMS_SRCDIR)/,$(DKMS_FILES) scripts/dkms-post-build)
	$(PRUNE) $(if $(DESTDIR),$(DESTDIR),$(dir $(DKMS_SRCDIR))) \
		$(DESTDIR)$(DKMS_SRCDIR)/module $(DESTDIR)$(DKMS_SRCDIR)/scripts

# The Debian packages into build/deb/, checked with lintian (scripts/build-deb).
deb:
	@$(SRCTREE)/scripts/build-deb

# The packages installed into a fresh Debian 12 root and used from there
# (scripts/check-install): minutes, so not part of check.
check-install: deb
	@$(SRCTREE)/scripts/check-install

# The versions dkms.conf and debian/changelog repeat must be this one.
check-version:
	@$(SRCTREE)/scripts/check-version $(EXTMAP_VERSION)

# The sample map type module (examples/kmod/) built as a third party would:
# against a kit installed into build/kit/ rather than against the tree, for
# each test kernel whose build tree is on this machine, each in
# build/<release>/example/.  The 7.x kernel's tree builds only in its
# chroot, which this does not enter: skipped, saying so.
kmod-example: module
	@rm -rf $(BUILD)/kit
	@$(MAKE) -s install-kit DESTDIR= KITDIR=$(BUILD)/kit
	@set -e; for k in $(KERNELS); do \
		kdir=/lib/modules/$$k/build; \
		if [ ! -e $$kdir/Makefile ]; then \
			echo "kmod-example: $$k: skipped, its build tree is not on this machine (chroot)"; \
			continue; \
		fi; \
		mkdir -p $(BUILD)/kit/symvers/$$k $(BUILD)/$$k/example; \
		cp $(BUILD)/$$k/Module.symvers $(BUILD)/kit/symvers/$$k/; \
		ln -sf $(SRCTREE)/examples/kmod/extmap_zarray.c \
			$(SRCTREE)/examples/kmod/Kbuild $(BUILD)/$$k/example/; \
		env -u SRCTREE $(MAKE) -C $$kdir M=$(BUILD)/$$k/example \
			EXTMAP_KIT=$(BUILD)/kit W=1 modules; \
	done

# install then uninstall into a scratch DESTDIR: fails if uninstall leaves
# any file, link or directory behind, or if install put nothing.
check-uninstall: module lib extmapctl
	@$(SRCTREE)/scripts/check-uninstall

clean:
	rm -rf $(BUILD)
