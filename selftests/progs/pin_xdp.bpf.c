// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for test_pin_tools, loaded by bpftool or libbpf with its map
 * replaced by a pinned extmap array.  It has no global data, so the pinned
 * map is its only map.  Key 0's value: counter += 1, seen = the counter it
 * read, marker = PIN_XDP_MARKER.  Returns XDP_PASS if key 0 was found,
 * XDP_ABORTED if not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/extmap.h>
#include "ext_common.h"


struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct ext_val);
} pin_arr SEC(".maps");

SEC("xdp")
int pin_xdp(struct xdp_md *ctx)
{
	struct ext_val *v;
	__u32 key = 0;

	(void)ctx;
	v = bpf_map_lookup_elem(&pin_arr, &key);
	if (!v)
		return XDP_ABORTED;
	v->seen = v->counter;
	v->counter += 1;
	v->marker = PIN_XDP_MARKER;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
