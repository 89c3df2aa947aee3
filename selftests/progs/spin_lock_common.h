/* SPDX-License-Identifier: GPL-2.0 */
/* What progs/spin_lock.bpf.c and test_btf share. */
#ifndef EXTMAP_SELFTEST_SPIN_LOCK_COMMON_H
#define EXTMAP_SELFTEST_SPIN_LOCK_COMMON_H

#include <linux/bpf.h>
#include <linux/types.h>

#define LK_ENTRIES	4

enum lk_map { LK_ARR, LK_HASH, LK_LPM, LK_KARR, LK_KHASH, LK_NR_MAPS };

/* A value with a lock: count and shadow only ever change together. */
struct lk_val {
	__u32 count;
	struct bpf_spin_lock lock;
	__u32 shadow;
	__u32 pad;
};

struct lk_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

#endif /* EXTMAP_SELFTEST_SPIN_LOCK_COMMON_H */
