# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own map selftests, built from Debian's linux-source-6.12 for
# test_kernel_maps (Documentation/conformance.md), included by
# selftests/Makefile.  Nothing of the kernel's is kept in this repository:
# the sources are unpacked from the tarball into $(BUILD)/ksrc/ at build
# time, like scripts/lint does for checkpatch.pl.
#
#   $(KSHIM_OUT)/extmap_shim.so        LD_PRELOAD shim: HASH, ARRAY and
#                                      LPM_TRIE creations become extmap's
#   $(KSHIM_OUT)/kmaps_test_maps       test_maps.c's hash and array tests and
#                                      map_tests/ (see kmaps_test_maps.c)
#   $(KSHIM_OUT)/kmaps_test_lpm_map    test_lpm_map.c
#
# The tests need a newer libbpf than Debian 12's 1.1 (test_maps.c calls
# bpf_map_get_info_by_fd(), from 1.2), so they are linked statically with
# the tarball's own tools/lib/bpf, built into $(KSHIM_OUT)/libbpf/.  The
# static libbpf still calls syscall(3) through the PLT, which the shim
# interposes.

KSRC_TAR   ?= /usr/src/linux-source-6.12.tar.xz
KSRC       := $(BUILD)/ksrc/linux-source-6.12
KSELF      := $(KSRC)/tools/testing/selftests/bpf
KSHIM_DIR  := $(SELFDIR)/kshim
KSHIM_OUT  := $(OUT)/kshim
KLIBBPF    := $(KSHIM_OUT)/libbpf/libbpf.a

# What the build needs of the tarball: the tests, their headers, libbpf and
# what its Makefile includes, and bpf_doc.py, which makes its helper header.
KSRC_MEMBERS := tools/include tools/lib/bpf tools/scripts tools/build \
	tools/arch/x86/include scripts/bpf_doc.py include/uapi/linux/bpf.h \
	tools/testing/selftests/bpf/map_tests \
	tools/testing/selftests/bpf/test_maps.c \
	tools/testing/selftests/bpf/test_maps.h \
	tools/testing/selftests/bpf/test_lpm_map.c \
	tools/testing/selftests/bpf/bpf_util.h \
	tools/testing/selftests/bpf/testing_helpers.h

# The map_tests/ built in (test_maps.c's main() calls each through the
# generated map_tests/tests.h, as the kernel's Makefile generates it).
KMAP_TESTS := array_map_batch_ops htab_map_batch_ops lpm_trie_map_batch_ops \
	      lpm_trie_map_get_next_key

KCFLAGS := -g -O2 -Wall -I$(KSHIM_OUT) -I$(KSELF) \
	   -I$(KSRC)/tools/lib -I$(KSRC)/tools/include \
	   -I$(KSRC)/tools/include/uapi -I$(KSHIM_DIR)
KLDLIBS := $(KLIBBPF) -lelf -lz -lpthread

KSHIM_BINS := $(KSHIM_OUT)/extmap_shim.so $(KSHIM_OUT)/kmaps_test_maps \
	      $(KSHIM_OUT)/kmaps_test_lpm_map

$(KSRC)/.unpacked: $(KSRC_TAR)
	rm -rf $(KSRC)
	mkdir -p $(BUILD)/ksrc
	nice tar -xf $< -C $(BUILD)/ksrc \
		$(addprefix linux-source-6.12/,$(KSRC_MEMBERS))
	touch $@

$(KSHIM_OUT):
	mkdir -p $@

$(KLIBBPF): $(KSRC)/.unpacked | $(KSHIM_OUT)
	mkdir -p $(KSHIM_OUT)/libbpf
	env -u CFLAGS -u LDFLAGS $(MAKE) -s -C $(KSRC)/tools/lib/bpf \
		OUTPUT=$(KSHIM_OUT)/libbpf/ BUILD_STATIC_ONLY=1 $@

$(KSHIM_OUT)/map_tests/tests.h: $(KSHIM_DIR)/kshim.mk | $(KSHIM_OUT)
	mkdir -p $(dir $@)
	for t in $(KMAP_TESTS); do echo "DEFINE_TEST($$t)"; done > $@

$(KSHIM_OUT)/extmap_shim.so: $(KSHIM_DIR)/extmap_shim.c $(SRCTREE)/include/uapi/linux/extmap.h | $(KSHIM_OUT)
	$(CC) $(CFLAGS) -fPIC -shared $< -ldl -o $@

$(KSHIM_OUT)/kmaps_test_maps: $(KSHIM_DIR)/kmaps_test_maps.c $(KSHIM_DIR)/kmaps_run.h $(KSHIM_OUT)/map_tests/tests.h $(KLIBBPF)
	$(CC) $(KCFLAGS) $< $(addprefix $(KSELF)/map_tests/,$(addsuffix .c,$(KMAP_TESTS))) $(KLDLIBS) -o $@

$(KSHIM_OUT)/kmaps_test_lpm_map: $(KSHIM_DIR)/kmaps_test_lpm_map.c $(KSHIM_DIR)/kmaps_run.h $(KLIBBPF)
	$(CC) $(KCFLAGS) $< $(KLDLIBS) -o $@

$(OUT)/test_kernel_maps: $(KSHIM_BINS)

# The slow tests' binaries: test_kernel_maps itself, which picks its tests
# by the name it is run as.
$(OUT)/test_kernel_maps_stress $(OUT)/test_kernel_maps_parallel \
	$(OUT)/test_kernel_maps_lpm: $(OUT)/test_kernel_maps
	ln -f $< $@

.PHONY: kshim-clean
kshim-clean:
	rm -rf $(KSHIM_OUT) $(BUILD)/ksrc
