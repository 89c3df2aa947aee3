// SPDX-License-Identifier: GPL-2.0
/*
 * The race of test_matrix: one shared value, incremented from every CPU
 * (BPF_PROG_TEST_RUN with repeat, one thread per CPU) with a plain
 * read-modify-write, with __sync_fetch_and_add, and under bpf_spin_lock.
 * race_kernel uses a kernel array (with BTF, so it may hold a spin lock);
 * race_ext an extmap array (no BTF: no spin lock).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../matrix/mx_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct race_val);
} kval SEC(".maps");

/* Replaced by an extmap array (bpf_map__reuse_fd) in the extmap case. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, 4);
	__uint(value_size, sizeof(struct race_ext_val));
} ext_val SEC(".maps");

SEC("xdp")
int race_kernel(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct race_val *v = bpf_map_lookup_elem(&kval, &zero);

	(void)ctx;
	if (!v)
		return XDP_ABORTED;
	v->plain++;
	__sync_fetch_and_add(&v->atomic, 1);
	bpf_spin_lock(&v->lock);
	v->locked++;
	bpf_spin_unlock(&v->lock);
	return XDP_PASS;
}

SEC("xdp")
int race_ext(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct race_ext_val *v = bpf_map_lookup_elem(&ext_val, &zero);

	(void)ctx;
	if (!v)
		return XDP_ABORTED;
	v->plain++;
	__sync_fetch_and_add(&v->atomic, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
