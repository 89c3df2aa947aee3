// SPDX-License-Identifier: GPL-2.0
/*
 * Map operations in NMI context: a raw tracepoint program on extmap_test.ko's
 * extmap_test_nmi, which its NMI handler fires (see selftests/kmod/).  Each
 * firing looks up, updates and deletes in an extmap map of every type and
 * reports what it got.  An fentry program on the allocator, attached by the
 * test to the function extmap.ko calls, counts allocations made on this
 * CPU while the NMI program is inside a map update.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "lpm_common.h"
#include "nmi_common.h"

char LICENSE[] SEC("license") = "GPL";

/* The fixture's struct extmap_test_nmi_ctx. */
struct nmi_ctx {
	__u64 seq;
	__u32 in_nmi;
	__u32 cpu;
};

struct {
	__uint(type, EXTMAP_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} nmi_array SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} nmi_hash SEC(".maps");

struct {
	__uint(type, EXTMAP_MAP_TYPE_LPM);
	__uint(max_entries, 8);
	__type(key, struct lpm_key4);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} nmi_lpm SEC(".maps");

/* Reported to userspace. */
__u64 fired;		/* firings seen */
__u64 in_nmi;		/* of those, in NMI context */
__u64 last_seq;
struct nmi_result result[NMI_TYPES];
__u64 allocs;		/* allocator calls during an update in NMI */

/* Which CPU's allocations count, and whether they count now. */
__u32 watch_cpu;
__u32 watching;

static __always_inline void lookup(void *map, void *key, struct nmi_result *r)
{
	__u64 *v = bpf_map_lookup_elem(map, key);

	r->found = !!v;
	r->seen = v ? *v : 0;
}

static __always_inline void update(void *map, void *key, __u64 value,
				   struct nmi_result *r)
{
	watch_cpu = bpf_get_smp_processor_id();
	watching = 1;
	r->update = bpf_map_update_elem(map, key, &value, BPF_ANY);
	watching = 0;
}

SEC("raw_tp")
int BPF_PROG(nmi_ops, struct nmi_ctx *nc)
{
	__u32 key = NMI_KEY, other = NMI_OTHER_KEY;
	struct lpm_key4 lkey = { 32, { 10, 0, 0, NMI_KEY } };
	struct lpm_key4 lother = { 32, { 10, 0, 0, NMI_OTHER_KEY } };
	__u64 seq = 0;
	__u32 nmi = 0;

	bpf_probe_read_kernel(&nmi, sizeof(nmi), &nc->in_nmi);
	bpf_probe_read_kernel(&seq, sizeof(seq), &nc->seq);
	fired++;
	in_nmi += nmi;
	last_seq = seq;

	lookup(&nmi_array, &key, &result[NMI_ARRAY]);
	lookup(&nmi_hash, &key, &result[NMI_HASH]);
	lookup(&nmi_lpm, &lkey, &result[NMI_LPM]);

	update(&nmi_array, &key, seq, &result[NMI_ARRAY]);
	update(&nmi_hash, &key, seq, &result[NMI_HASH]);
	update(&nmi_lpm, &lkey, seq, &result[NMI_LPM]);

	result[NMI_HASH].delete = bpf_map_delete_elem(&nmi_hash, &other);
	result[NMI_LPM].delete = bpf_map_delete_elem(&nmi_lpm, &lother);
	return 0;
}

/* Attached by the test to the kmalloc function of the running kernel. */
SEC("fentry")
int BPF_PROG(count_alloc)
{
	if (watching && bpf_get_smp_processor_id() == watch_cpu)
		allocs++;
	return 0;
}
