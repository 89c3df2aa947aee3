// SPDX-License-Identifier: GPL-2.0
/*
 * Times the freeing of one map, the one whose name userspace puts in
 * 'target_name' (not its id, which is gone before the free starts), and
 * the longest stretch the task freeing it ran without being switched out.
 *
 * The kernel frees a map from a workqueue once its last reference is gone:
 * bpf_map_free_deferred() calls the type's ->map_free().  fentry and fexit
 * on it give the start and end of the free and the kworker running it; a
 * sched_switch program adds up, for that kworker only, each stretch from
 * the start of the free or its being switched in to its being switched
 * out or the end of the free.  Userspace keeps a busy task runnable on
 * every CPU meanwhile, so that the kworker is switched out whenever the
 * scheduler wants the CPU back and the free code lets it (cond_resched(),
 * or any point under a preemptible kernel): 'longest' is then the longest
 * time the free held a CPU that another task was waiting for.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* The fields used, their offsets taken from the running kernel's BTF. */
struct work_struct___free {
	long data;
};

struct bpf_map___free {
	char name[16];
	struct work_struct___free work;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

char target_name[16];	/* set by userspace: the map to follow */

/* The free, once 'done' is set. */
__u32 done;
__u32 switches;		/* times the kworker was switched out */
__u64 start_ns, end_ns;
__u64 on_cpu_ns;	/* sum of the stretches */
__u64 longest_ns;	/* the longest one */

__u32 worker;		/* the kworker's pid while it frees the map */
__u64 in_ns;		/* when its current stretch began */

static void stretch_end(__u64 now)
{
	__u64 d = now - in_ns;

	on_cpu_ns += d;
	if (d > longest_ns)
		longest_ns = d;
}

SEC("fentry/bpf_map_free_deferred")
int BPF_PROG(free_enter, void *work)
{
	struct bpf_map___free *map;
	char name[16];
	int i;

	if (!target_name[0])
		return 0;
	map = (void *)work - bpf_core_field_offset(struct bpf_map___free, work);
	if (bpf_core_read(name, sizeof(name), &map->name))
		return 0;
	for (i = 0; i < sizeof(name); i++) {
		if (name[i] != target_name[i])
			return 0;
		if (!name[i])
			break;
	}
	switches = 0;
	on_cpu_ns = longest_ns = 0;
	start_ns = in_ns = bpf_ktime_get_ns();
	worker = (__u32)bpf_get_current_pid_tgid();
	return 0;
}

SEC("fexit/bpf_map_free_deferred")
int BPF_PROG(free_exit, void *work)
{
	__u64 now = bpf_ktime_get_ns();

	if (!worker || worker != (__u32)bpf_get_current_pid_tgid())
		return 0;
	stretch_end(now);
	end_ns = now;
	worker = 0;
	done = 1;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(free_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 w = worker;
	__u64 now;

	if (!w)
		return 0;
	now = bpf_ktime_get_ns();
	if (prev->pid == w) {
		stretch_end(now);
		switches++;
	}
	if (next->pid == w)
		in_ns = now;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
