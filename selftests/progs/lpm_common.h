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

#endif
