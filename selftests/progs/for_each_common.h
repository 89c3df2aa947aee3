/* SPDX-License-Identifier: GPL-2.0 */
/* What progs/for_each.bpf.c and test_batch share. */
#ifndef EXTMAP_SELFTEST_FOR_EACH_COMMON_H
#define EXTMAP_SELFTEST_FOR_EACH_COMMON_H

#include <linux/types.h>

#define FE_ENTRIES	16

/* The maps: each type, and the kernel's ARRAY and HASH. */
enum fe_map { FE_ARR, FE_HASH, FE_LPM, FE_KARR, FE_KHASH, FE_NR_MAPS };

struct fe_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

#endif /* EXTMAP_SELFTEST_FOR_EACH_COMMON_H */
