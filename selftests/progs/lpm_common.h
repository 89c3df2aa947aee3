/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/lpm_diff.bpf.c and test_lpm.c. */
#ifndef EXTMAP_SELFTEST_LPM_COMMON_H
#define EXTMAP_SELFTEST_LPM_COMMON_H

#include <linux/types.h>

#define LPM_DIFF_ENTRIES	512
#define LPM_DIFF_OPS		256
#define LPM_NOT_FOUND		(-1000000)	/* below any errno */

/* The key layout of BPF_MAP_TYPE_LPM_TRIE, for IPv4. */
struct lpm_key4 {
	__u32 prefixlen;
	__u8 data[4];
};

enum {
	LPM_OP_LOOKUP,
	LPM_OP_UPDATE,
	LPM_OP_DELETE,
};

struct lpm_op {
	__u32 op;
	__u32 flags;
	struct lpm_key4 key;
	__u64 value;
};

/*
 * lpm_race.bpf.c: lookups interrupted by updates.  The map holds 10/8 and
 * 10.1.1/24 throughout.  The interrupt adds 10.1.128/17 and 10.1.0/18, or
 * takes them away again; 10.1.64.1 is in none of those but 10/8.  It also
 * swaps 10.2/16 for 10.2.3/24 (adding the /24 first), or back: 10.2.3.4
 * is always in one of them at least.
 */
#define LPM_RACE_VALUE_8	8	/* 10.0.0.0/8 */
#define LPM_RACE_VALUE_24	24	/* 10.1.1.0/24 */
#define LPM_RACE_VALUE_17	17	/* 10.1.128.0/17 */
#define LPM_RACE_VALUE_18	18	/* 10.1.0.0/18 */
#define LPM_RACE_VALUE_2_16	216	/* 10.2.0.0/16 */
#define LPM_RACE_VALUE_2_24	224	/* 10.2.3.0/24 */
#define LPM_RACE_LOOKUPS	256	/* per program run */

#endif
