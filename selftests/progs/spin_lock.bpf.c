// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for test_btf: takes the bpf_spin_lock in a value of one of
 * five maps, the three extmap types and the kernel's HASH and ARRAY, and
 * increments the count beside it.  The maps are declared with key and value
 * types, so libextmap creates the extmap ones with BTF: without it the
 * verifier would refuse bpf_spin_lock() on their values.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

#include "spin_lock_common.h"

struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, LK_ENTRIES);
	__type(key, __u32);
	__type(value, struct lk_val);
} lk_arr SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_HASH);
	__uint(max_entries, LK_ENTRIES);
	__type(key, __u32);
	__type(value, struct lk_val);
} lk_hash SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_LPM);
	__uint(max_entries, LK_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lk_lpm_key);
	__type(value, struct lk_val);
} lk_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LK_ENTRIES);
	__type(key, __u32);
	__type(value, struct lk_val);
} lk_karr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LK_ENTRIES);
	__type(key, __u32);
	__type(value, struct lk_val);
} lk_khash SEC(".maps");

/* Set by userspace: which map (enum lk_map), and the key. */
__u32 which;
__u32 key;
/* Reported: 1 if the lookup found nothing. */
__u32 missed;

static struct lk_val *lk_lookup(void)
{
	struct lk_lpm_key lpm_key = { .prefixlen = 32, .addr = key };

	switch (which) {
	case LK_ARR:
		return bpf_map_lookup_elem(&lk_arr, &key);
	case LK_HASH:
		return bpf_map_lookup_elem(&lk_hash, &key);
	case LK_LPM:
		return bpf_map_lookup_elem(&lk_lpm, &lpm_key);
	case LK_KARR:
		return bpf_map_lookup_elem(&lk_karr, &key);
	case LK_KHASH:
		return bpf_map_lookup_elem(&lk_khash, &key);
	}
	return NULL;
}

SEC("xdp")
int xdp_lock_inc(struct xdp_md *ctx)
{
	struct lk_val *v = lk_lookup();

	(void)ctx;
	if (!v) {
		missed = 1;
		return XDP_ABORTED;
	}
	bpf_spin_lock(&v->lock);
	v->count++;
	v->shadow = v->count;
	bpf_spin_unlock(&v->lock);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
