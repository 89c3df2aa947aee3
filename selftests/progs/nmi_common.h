/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/nmi.bpf.c and test_nmi.c. */
#ifndef EXTMAP_SELFTEST_NMI_COMMON_H
#define EXTMAP_SELFTEST_NMI_COMMON_H

#include <linux/types.h>

/* The maps' types, in the order of the results below. */
enum {
	NMI_ARRAY,
	NMI_HASH,
	NMI_LPM,
	NMI_TYPES,
};

/* What the program did to one map, in the last NMI. */
struct nmi_result {
	__u32 found;	/* the lookup gave a pointer */
	__u32 pad;
	__u64 seen;	/* the value it pointed to */
	__s64 update;	/* bpf_map_update_elem()'s return */
	__s64 delete;	/* bpf_map_delete_elem()'s, of another key (not array) */
};

#define NMI_KEY		3	/* looked up and updated */
#define NMI_OTHER_KEY	4	/* deleted */
#define NMI_VALUE	0x4e4d49ULL	/* "NMI": what userspace put at NMI_KEY */

#endif
