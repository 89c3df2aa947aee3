// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups that an interrupt's updates overtake (test_lpm's
 * lpm_lookup_interrupted).  lpm_race_reader looks up, in a loop, from
 * BPF_PROG_TEST_RUN on one CPU:
 *
 *  - 10.1.64.1, whose only prefix is 10/8, beside the tail 10.1.1.0/24.
 *    lpm_race_writer, on the cpu-clock timer of the same CPU, adds
 *    10.1.128.0/17 and then 10.1.0.0/18, or deletes them, in turns.  The
 *    /17 moves the tail down into a new node, where the /18 becomes its
 *    cover: a lookup that read the tail's slot before the interrupt must
 *    not answer with that cover;
 *  - 10.2.3.4 with prefix length 31, a lookup that probes one length
 *    after the other.  The writer swaps 10.2.0.0/16 for 10.2.3.0/24 or
 *    back, adding before deleting, so that one of them always holds the
 *    address: a lookup that probed /24 before the interrupt and /16 after
 *    it must not answer with 10/8.
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
__u64 wrong;		/* answers other than those above */
__u64 wrong_value;	/* the last of them, 0 for none found */
__u64 rounds;		/* the writer's turns */
__u64 write_errors;
__s64 write_error;	/* the last of them */

static void expect(struct lpm_key4 *key, __u64 a, __u64 b)
{
	__u64 *value = bpf_map_lookup_elem(&race_lpm, key);

	lookups++;
	if (!value || (*value != a && *value != b)) {
		wrong++;
		wrong_value = value ? *value : 0;
	}
}

SEC("xdp")
int lpm_race_reader(struct xdp_md *ctx)
{
	struct lpm_key4 cover = { .prefixlen = 32, .data = { 10, 1, 64, 1 } };
	struct lpm_key4 probe = { .prefixlen = 31, .data = { 10, 2, 3, 4 } };
	int i;

	for (i = 0; i < LPM_RACE_LOOKUPS; i++) {
		expect(&cover, LPM_RACE_VALUE_8, LPM_RACE_VALUE_8);
		expect(&probe, LPM_RACE_VALUE_2_16, LPM_RACE_VALUE_2_24);
	}
	return XDP_PASS;
}

static void note(long err)
{
	if (err) {
		write_errors++;
		write_error = err;
	}
}

static void add(struct lpm_key4 *key, __u64 value)
{
	note(bpf_map_update_elem(&race_lpm, key, &value, BPF_NOEXIST));
}

static void del(struct lpm_key4 *key)
{
	note(bpf_map_delete_elem(&race_lpm, key));
}

SEC("perf_event")
int lpm_race_writer(void *ctx)
{
	struct lpm_key4 k17 = { .prefixlen = 17, .data = { 10, 1, 128, 0 } };
	struct lpm_key4 k18 = { .prefixlen = 18, .data = { 10, 1, 0, 0 } };
	struct lpm_key4 k2_16 = { .prefixlen = 16, .data = { 10, 2, 0, 0 } };
	struct lpm_key4 k2_24 = { .prefixlen = 24, .data = { 10, 2, 3, 0 } };

	if (rounds++ % 2 == 0) {
		add(&k17, LPM_RACE_VALUE_17);
		add(&k18, LPM_RACE_VALUE_18);
		add(&k2_24, LPM_RACE_VALUE_2_24);
		del(&k2_16);
	} else {
		del(&k18);
		del(&k17);
		add(&k2_16, LPM_RACE_VALUE_2_16);
		del(&k2_24);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
