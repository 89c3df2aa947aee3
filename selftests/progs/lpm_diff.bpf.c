// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the extmap lpm type from BPF: the same updates,
 * deletes and lookups on an extmap lpm map and a BPF_MAP_TYPE_LPM_TRIE,
 * results recorded side by side for userspace to compare.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

#include "lpm_common.h"

struct {
	__uint(type, EXTMAP_MAP_TYPE_LPM);
	__uint(max_entries, LPM_DIFF_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key4);
	__type(value, __u64);
} ext_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LPM_DIFF_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key4);
	__type(value, __u64);
} kern_lpm SEC(".maps");

/* Filled by userspace before each run. */
struct lpm_op ops[LPM_DIFF_OPS];
__u32 n_ops;

/* Per op: the update/delete result, or the value found (~0 for none). */
__s64 ext_res[LPM_DIFF_OPS];
__s64 kern_res[LPM_DIFF_OPS];

static __s64 apply(void *map, struct lpm_op *op)
{
	__u64 *value;

	switch (op->op) {
	case LPM_OP_UPDATE:
		return bpf_map_update_elem(map, &op->key, &op->value,
					   op->flags);
	case LPM_OP_DELETE:
		return bpf_map_delete_elem(map, &op->key);
	default:
		value = bpf_map_lookup_elem(map, &op->key);
		return value ? (__s64)*value : LPM_NOT_FOUND;
	}
}

SEC("xdp")
int lpm_diff(struct xdp_md *ctx)
{
	__u32 i;

	for (i = 0; i < LPM_DIFF_OPS && i < n_ops; i++) {
		ext_res[i] = apply(&ext_lpm, &ops[i]);
		kern_res[i] = apply(&kern_lpm, &ops[i]);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
