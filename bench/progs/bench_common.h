/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/bench.bpf.c and bench.c. */
#ifndef EXTMAP_BENCH_COMMON_H
#define EXTMAP_BENCH_COMMON_H

#include <linux/types.h>

#define BENCH_KEYS	16384	/* keys cycled through; a power of two */
#define BENCH_BATCH	256	/* operations per program run */

/*
 * Big enough for every map's key: array and hash take 'a' (a u32), lpm
 * takes the whole as struct bpf_lpm_trie_key_u8 with 4 data bytes.
 */
struct bench_key {
	__u32 a;
	__u32 b;
};

#endif
