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
__u32 which;
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

SEC("xdp")
int xdp_for_each(struct xdp_md *xdp)
{
	struct fe_ctx ctx = { 0 };

	(void)xdp;
	switch (which) {
	case FE_ARR:
		ret = bpf_for_each_map_elem(&fe_arr, fe_u32_cb, &ctx, flags);
		break;
	case FE_HASH:
		ret = bpf_for_each_map_elem(&fe_hash, fe_u32_cb, &ctx, flags);
		break;
	case FE_LPM:
		ret = bpf_for_each_map_elem(&fe_lpm, fe_lpm_cb, &ctx, flags);
		break;
	case FE_KARR:
		ret = bpf_for_each_map_elem(&fe_karr, fe_u32_cb, &ctx, flags);
		break;
	case FE_KHASH:
		ret = bpf_for_each_map_elem(&fe_khash, fe_u32_cb, &ctx, flags);
		break;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
