// SPDX-License-Identifier: GPL-2.0
/*
 * A lookup that an interrupt's updates overtake (test_lpm's
 * lpm_cover_race).  lpm_race_reader looks up 10.1.64.1 in a loop, from
 * BPF_PROG_TEST_RUN on one CPU; lpm_race_writer, on the cpu-clock timer of
 * the same CPU, adds 10.1.128.0/17 and then 10.1.0.0/18, or deletes them
 * again, in turns.  Adding the /17 moves the tail 10.1.1.0/24 down into a
 * new node, and the /18 becomes its cover there; a lookup that read the
 * tail's slot before the interrupt must not answer with that cover.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <bpf/bpf_helpers.h>

#include "lpm_common.h"

struct {
	__uint(type, EXTMAP_MAP_TYPE_LPM);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key4);
	__type(value, __u64);
} race_lpm SEC(".maps");

__u64 lookups;
__u64 wrong;		/* answers other than 10/8's */
__u64 wrong_value;	/* the last of them, 0 for none found */
__u64 rounds;		/* the writer's turns */
__u64 write_errors;
__s64 write_error;	/* the last of them */

SEC("xdp")
int lpm_race_reader(struct xdp_md *ctx)
{
	struct lpm_key4 key = { .prefixlen = 32, .data = { 10, 1, 64, 1 } };
	__u64 *value;
	int i;

	for (i = 0; i < LPM_RACE_LOOKUPS; i++) {
		value = bpf_map_lookup_elem(&race_lpm, &key);
		lookups++;
		if (!value || *value != LPM_RACE_VALUE_8) {
			wrong++;
			wrong_value = value ? *value : 0;
		}
	}
	return XDP_PASS;
}

static void check(long err)
{
	if (err) {
		write_errors++;
		write_error = err;
	}
}

SEC("perf_event")
int lpm_race_writer(void *ctx)
{
	struct lpm_key4 k17 = { .prefixlen = 17, .data = { 10, 1, 128, 0 } };
	struct lpm_key4 k18 = { .prefixlen = 18, .data = { 10, 1, 0, 0 } };
	__u64 v17 = LPM_RACE_VALUE_17, v18 = LPM_RACE_VALUE_18;

	if (rounds++ % 2 == 0) {
		check(bpf_map_update_elem(&race_lpm, &k17, &v17, BPF_NOEXIST));
		check(bpf_map_update_elem(&race_lpm, &k18, &v18, BPF_NOEXIST));
	} else {
		check(bpf_map_delete_elem(&race_lpm, &k18));
		check(bpf_map_delete_elem(&race_lpm, &k17));
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
