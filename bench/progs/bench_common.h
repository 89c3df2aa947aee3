/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/bench.bpf.c, bench.c and kmod/extmap_floor.c. */
#ifndef EXTMAP_BENCH_COMMON_H
#define EXTMAP_BENCH_COMMON_H

#include <linux/types.h>

#define BENCH_KEYS	16384	/* keys cycled through; a power of two */
#define BENCH_BATCH	256	/* operations per program run */

/* bench/kmod/extmap_floor.c's map type: EXTMAP_MAP_TYPE_BASE + 0x100. */
#define BENCH_FLOOR_TYPE	0x10100

/*
 * Big enough for every map's key: array and hash take 'a' (a u32), lpm
 * takes the whole as struct bpf_lpm_trie_key_u8 with 4 data bytes.
 */
struct bench_key {
	__u32 a;
	__u32 b;
};

#endif
