// SPDX-License-Identifier: GPL-2.0
/*
 * The README's quick start: an XDP program counting the packets it sees in
 * an extmap array, through the pointer bpf_map_lookup_elem() returns.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *packets;

	packets = bpf_map_lookup_elem(&counters, &key);
	if (packets)
		__sync_fetch_and_add(packets, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
