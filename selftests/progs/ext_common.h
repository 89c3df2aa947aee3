/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the BPF programs of the extmap selftests and their loaders. */
#ifndef EXTMAP_SELFTEST_EXT_COMMON_H
#define EXTMAP_SELFTEST_EXT_COMMON_H

#include <linux/types.h>

/* Value of every map the test programs use. */
struct ext_val {
	__u64 counter;	/* the program adds 'add' to it */
	__u64 seen;	/* the program stores the counter it read */
	__u64 marker;	/* the program stores 'marker' */
};

#define EXT_ARR_ENTRIES		8
#define EXT_HASH_ENTRIES	32

/* What pin_xdp stores in the marker field. */
#define PIN_XDP_MARKER		0x50494e4e45440001ULL

#endif
