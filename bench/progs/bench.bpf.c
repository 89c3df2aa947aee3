// SPDX-License-Identifier: GPL-2.0
/*
 * The programs the benchmark times with BPF_PROG_TEST_RUN.  Each run does
 * BENCH_BATCH operations on the map 'target' (replaced by the map under
 * test before load) with keys taken in turn from 'keys', which userspace
 * fills; 'baseline' does all of it but the map operation, so that its cost
 * can be subtracted.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bench_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bench_key);
	__type(value, __u64);
} target SEC(".maps");

struct bench_key keys[BENCH_KEYS];
__u32 cursor;
__u64 hits;

SEC("xdp")
int baseline(struct xdp_md *ctx)
{
	__u32 base = cursor, i;

	for (i = 0; i < BENCH_BATCH; i++) {
		struct bench_key *k = &keys[(base + i) & (BENCH_KEYS - 1)];

		if (k->a == 0xffffffff)
			hits++;
	}
	cursor = base + BENCH_BATCH;
	return XDP_PASS;
}

SEC("xdp")
int lookup(struct xdp_md *ctx)
{
	__u32 base = cursor, i;

	for (i = 0; i < BENCH_BATCH; i++) {
		struct bench_key *k = &keys[(base + i) & (BENCH_KEYS - 1)];

		if (bpf_map_lookup_elem(&target, k))
			hits++;
	}
	cursor = base + BENCH_BATCH;
	return XDP_PASS;
}

SEC("xdp")
int update(struct xdp_md *ctx)
{
	__u32 base = cursor, i;
	__u64 value = base;

	for (i = 0; i < BENCH_BATCH; i++) {
		struct bench_key *k = &keys[(base + i) & (BENCH_KEYS - 1)];

		if (!bpf_map_update_elem(&target, k, &value, BPF_ANY))
			hits++;
	}
	cursor = base + BENCH_BATCH;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
