/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the bpf_map_lookup_elem conformance matrix (test_matrix) and its
 * BPF programs (matrix/progs/mx_*.bpf.c): the state one program run leaves
 * for userspace in the object's .bss.
 */
#ifndef EXTMAP_MX_COMMON_H
#define EXTMAP_MX_COMMON_H

#include <linux/types.h>
#include <linux/bpf.h>

#define MX_KEY_MAX	64
/* What a program ORs into the value it found: a write userspace must see. */
#define MX_MARK		0xabcd000000000000ULL
/* st.cpu of programs that may not ask (MX_NO_CPU in mx_body.h). */
#define MX_CPU_UNKNOWN	0xffffffffU

struct mx_state {
	__u8 key[MX_KEY_MAX];	/* the key userspace stored a value under */
	__u8 miss[MX_KEY_MAX];	/* a key with no value */
	__u32 inner_key;	/* key in the inner map (map-in-map) */
	__u32 runs;		/* program runs */
	__u32 hits;		/* runs whose lookup of key gave a pointer */
	__u32 miss_res;		/* bit 0: lookup of miss gave NULL, bit 1: not NULL */
	__u32 cpu;		/* CPU of the first hit, or MX_CPU_UNKNOWN */
	__u32 pad;
	__u64 seen;		/* what the first hit read (value, family, ...) */
};

/*
 * The race (progs/mx_race.bpf.c): every CPU increments the same value, in
 * three ways.  A kernel array's value can hold a bpf_spin_lock (its BTF says
 * where); an extmap array's cannot: extmap maps have no BTF.
 */
struct race_val {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 locked;	/* incremented under lock */
	__u64 plain;	/* v->plain++ */
	__u64 atomic;	/* __sync_fetch_and_add */
};

struct race_ext_val {
	__u64 plain;
	__u64 atomic;
};

#endif
