# SPDX-License-Identifier: GPL-2.0
#
# extmap: custom BPF map types from a loadable module.
#
#   make                 module for every installed test kernel, libextmap,
#                        extmapctl, BPF objects and selftests
#   make KDIR=<dir>      the module for one kernel build tree only
#   make check           build, then run the selftests in a VM per test kernel
#   make clean
#
# Everything is built under build/: build/<kernel release>/extmap.ko,
# build/lib/libextmap.a, build/extmapctl, build/selftests/.

SRCTREE  := $(CURDIR)
BUILD    := $(SRCTREE)/build
KERNELS  ?= $(shell $(SRCTREE)/scripts/kernels)

export SRCTREE BUILD

.PHONY: all module lib extmapctl examples selftests check clean FORCE

all: module lib extmapctl examples selftests

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

check: all
	@$(SRCTREE)/scripts/check $(KERNELS)

clean:
	rm -rf $(BUILD)
