// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for test_prog_xdp: looks up one key in an extmap array and
 * one in an extmap hash, reports what it read through globals and modifies
 * the values in place through the pointers bpf_map_lookup_elem() returned.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/extmap.h>
#include "ext_common.h"

struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, EXT_ARR_ENTRIES);
	__type(key, __u32);
	__type(value, struct ext_val);
} ext_arr SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_HASH);
	__uint(max_entries, EXT_HASH_ENTRIES);
	__type(key, __u64);
	__type(value, struct ext_val);
} ext_hash SEC(".maps");

/* Set by userspace. */
__u32 arr_key;
__u64 hash_key;
__u64 add;
__u64 marker;

/* Reported to userspace: found is 1 if the lookup gave a pointer, else 0. */
__u32 runs;
__u32 arr_found;
__u32 hash_found;
__u64 arr_seen;
__u64 hash_seen;

static __always_inline __u32 touch(struct ext_val *v, __u64 *seen)
{
	if (!v)
		return 0;
	*seen = v->counter;
	v->seen = v->counter;
	v->counter += add;
	v->marker = marker;
	return 1;
}

SEC("xdp")
int xdp_ext(struct xdp_md *ctx)
{
	(void)ctx;
	runs++;
	arr_found = touch(bpf_map_lookup_elem(&ext_arr, &arr_key), &arr_seen);
	hash_found = touch(bpf_map_lookup_elem(&ext_hash, &hash_key), &hash_seen);
	/* XDP_PASS when both keys were found, XDP_DROP otherwise. */
	return arr_found && hash_found ? XDP_PASS : XDP_DROP;
}

/*
 * xdp_ext_modify: the update and delete helpers on the same maps.  op 1:
 * bpf_map_update_elem(op_val, op_flags) on both keys; op 2:
 * bpf_map_delete_elem() on both.  The helpers' results go to arr_ret and
 * hash_ret, truncated to int: on 6.1 the verifier turns these helper calls
 * into direct calls of map ops that return int, so the upper 32 bits of
 * the result are not sign-extended.
 */
__u32 op;
__u64 op_flags;
struct ext_val op_val;
long arr_ret;
long hash_ret;

SEC("xdp")
int xdp_ext_modify(struct xdp_md *ctx)
{
	(void)ctx;
	if (op == 1) {
		arr_ret = (int)bpf_map_update_elem(&ext_arr, &arr_key, &op_val, op_flags);
		hash_ret = (int)bpf_map_update_elem(&ext_hash, &hash_key, &op_val, op_flags);
	} else if (op == 2) {
		arr_ret = (int)bpf_map_delete_elem(&ext_arr, &arr_key);
		hash_ret = (int)bpf_map_delete_elem(&ext_hash, &hash_key);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
