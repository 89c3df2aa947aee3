/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP and kprobe test programs share: an extmap array and an
 * extmap hash of struct ext_val, the keys userspace sets, and a lookup of
 * both that reports what it read and modifies the values in place through
 * the pointers bpf_map_lookup_elem() returned.
 */
#ifndef EXTMAP_SELFTEST_EXT_MAPS_BPF_H
#define EXTMAP_SELFTEST_EXT_MAPS_BPF_H

#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

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

/* Look both keys up, read and modify what they point to. */
static __always_inline void touch_both(void)
{
	arr_found = touch(bpf_map_lookup_elem(&ext_arr, &arr_key), &arr_seen);
	hash_found = touch(bpf_map_lookup_elem(&ext_hash, &hash_key), &hash_seen);
}

#endif
