// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe program for test_prog_kprobe: on getpgid() entry from the test's
 * own process, looks up one key in an extmap array and one in an extmap
 * hash, reports what it read and modifies the values in place.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
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
__u32 target_tgid;
__u32 arr_key;
__u64 hash_key;
__u64 add;
__u64 marker;

/* Reported to userspace. */
__u32 hits;
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

SEC("kprobe/__x64_sys_getpgid")
int BPF_KPROBE(on_getpgid)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	hits++;
	arr_found = touch(bpf_map_lookup_elem(&ext_arr, &arr_key), &arr_seen);
	hash_found = touch(bpf_map_lookup_elem(&ext_hash, &hash_key), &hash_seen);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
