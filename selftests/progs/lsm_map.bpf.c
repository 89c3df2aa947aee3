// SPDX-License-Identifier: GPL-2.0
/*
 * BPF LSM programs for test_lsm, on the hook map_create() calls for every
 * new map (bpf_map_create since 6.9, bpf_map_alloc_security before; the
 * test loads the one the kernel has): they record what the last map
 * created by the test's process looked like to the LSM.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* The kernel's struct bpf_map, as far as read here (CO-RE). */
struct bpf_map {
	enum bpf_map_type map_type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
} __attribute__((preserve_access_index));

/* Set by userspace. */
__u32 pid;
/* Reported: maps seen, and the last one's fields. */
__u32 seen;
__u32 map_type;
__u32 key_size;
__u32 value_size;
__u32 max_entries;

static __always_inline void lsm_record(struct bpf_map *map)
{
	if ((bpf_get_current_pid_tgid() >> 32) != pid)
		return;
	seen++;
	map_type = map->map_type;
	key_size = map->key_size;
	value_size = map->value_size;
	max_entries = map->max_entries;
}

SEC("lsm/bpf_map_create")
int BPF_PROG(lsm_map_create, struct bpf_map *map, union bpf_attr *attr,
	     void *token)
{
	lsm_record(map);
	return 0;
}

SEC("lsm/bpf_map_alloc_security")
int BPF_PROG(lsm_map_alloc, struct bpf_map *map)
{
	lsm_record(map);
	return 0;
}
