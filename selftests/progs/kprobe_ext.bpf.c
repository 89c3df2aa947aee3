// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe program for test_prog_kprobe: on getpgid() entry from the test's
 * own process, looks up one key in an extmap array and one in an extmap
 * hash, reports what it read and modifies the values in place.
 */
#include <linux/ptrace.h>
#include <bpf/bpf_tracing.h>

#include "ext_maps.bpf.h"

/* Set by userspace. */
__u32 target_tgid;

/* Reported to userspace. */
__u32 hits;

SEC("kprobe/__x64_sys_getpgid")
int BPF_KPROBE(on_getpgid)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	hits++;
	touch_both();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
