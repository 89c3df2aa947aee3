// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for test_batch: bpf_for_each_map_elem() over a map of each
 * extmap type and of its kernel counterpart (LPM_TRIE has no
 * ->map_for_each_callback: the verifier refuses it, so lpm has HASH for
 * one), summing the values.  The
 * callback stops the walk (returns 1) once it has seen stop_after
 * elements, if that is not 0, and with delete set it deletes each element
 * it is given.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

#include "for_each_common.h"

struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, FE_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} fe_arr SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_HASH);
	__uint(max_entries, FE_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} fe_hash SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_LPM);
	__uint(max_entries, FE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fe_lpm_key);
	__type(value, __u64);
} fe_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FE_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} fe_karr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FE_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} fe_khash SEC(".maps");

/* Set by userspace. */
__u32 stop_after;
__u32 delete;
__u64 flags;
/* Reported. */
__u64 sum;
__u32 calls;
__u32 key_sum;		/* of the u32 keys, or of the lpm keys' addresses */
long ret;

struct fe_ctx {
	__u32 seen;
};

static __u64 fe_visit(void *map, void *key, __u64 *val,
		      struct fe_ctx *ctx, __u32 key_word)
{
	sum += *val;
	calls++;
	key_sum += key_word;
	ctx->seen++;
	if (delete)
		bpf_map_delete_elem(map, key);
	return stop_after && ctx->seen >= stop_after;
}

static __u64 fe_u32_cb(void *map, __u32 *key, __u64 *val,
		       struct fe_ctx *ctx)
{
	return fe_visit(map, key, val, ctx, *key);
}

static __u64 fe_lpm_cb(void *map, struct fe_lpm_key *key,
		       __u64 *val, struct fe_ctx *ctx)
{
	return fe_visit(map, key, val, ctx, key->addr);
}

/*
 * One program per map: the 6.1 verifier refuses one call of
 * bpf_for_each_map_elem() reached with different maps ("tail_call
 * abusing map_ptr"), which is what clang makes of a switch.  The result
 * is truncated to int: on 6.1 ->map_for_each_callback() returns int, and
 * the call does not sign-extend it.
 */
#define FE_PROG(name, map, cb)						\
SEC("xdp")								\
int name(struct xdp_md *xdp)						\
{									\
	struct fe_ctx ctx = { 0 };					\
									\
	(void)xdp;							\
	ret = (int)bpf_for_each_map_elem(&map, cb, &ctx, flags);	\
	return XDP_PASS;						\
}

FE_PROG(xdp_fe_arr, fe_arr, fe_u32_cb)
FE_PROG(xdp_fe_hash, fe_hash, fe_u32_cb)
FE_PROG(xdp_fe_lpm, fe_lpm, fe_lpm_cb)
FE_PROG(xdp_fe_karr, fe_karr, fe_u32_cb)
FE_PROG(xdp_fe_khash, fe_khash, fe_u32_cb)

/* The kernel's context of iter/bpf_map_elem (kernel/bpf/map_iter.c). */
struct bpf_iter_meta;
struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	void *map;
	void *key;
	void *value;
};

/* For test_batch to show that the kernel refuses to attach it. */
SEC("iter/bpf_map_elem")
int iter_map_elem(struct bpf_iter__bpf_map_elem *ctx)
{
	__u64 *val = ctx->value;

	if (val)
		sum += *val;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
