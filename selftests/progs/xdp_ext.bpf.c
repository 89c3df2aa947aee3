// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for test_prog_xdp: looks up one key in an extmap array and
 * one in an extmap hash, reports what it read through globals and modifies
 * the values in place through the pointers bpf_map_lookup_elem() returned.
 */
#include "ext_maps.bpf.h"

/* Reported to userspace. */
__u32 runs;

SEC("xdp")
int xdp_ext(struct xdp_md *ctx)
{
	(void)ctx;
	runs++;
	touch_both();
	/* XDP_PASS when both keys were found, XDP_DROP otherwise. */
	return arr_found && hash_found ? XDP_PASS : XDP_DROP;
}

/* The array lookup alone: test_prog_xdp reads back how it was compiled. */
SEC("xdp")
int xdp_arr_lookup(struct xdp_md *ctx)
{
	(void)ctx;
	return bpf_map_lookup_elem(&ext_arr, &arr_key) ? XDP_PASS : XDP_DROP;
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
