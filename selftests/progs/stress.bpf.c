// SPDX-License-Identifier: GPL-2.0
/*
 * Programs of test_stress: every one runs the same random operation on the
 * map under test (lookup, update with each flag, delete), as an actor that
 * owns a range of keys, records what its successful operations left in
 * shadow[] and checks every result against that record.  The map under
 * test is chosen by 'kind' (read-only, fixed at load: the verifier drops
 * the other branches); the other two maps stay unused kernel maps.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/extmap.h>
#include "stress_common.h"

#define EINVAL	22
#define ENOENT	2
#define EEXIST	17
#define EBUSY	16
#define E2BIG	7
#define ENOSPC	28
#define ENOMEM	12

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ST_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} m_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ST_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} m_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, ST_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct st_lpm_key);
	__type(value, __u64);
} m_lpm SEC(".maps");

const volatile __u32 kind;

/*
 * Sized to powers of two and indexed through a mask, which the compiler
 * cannot drop (the barrier hides the bound it knows): older verifiers
 * (6.1) lose the bounds of the index otherwise.
 */
#define ST_KEY_SLOTS	4096
#define ST_ACTOR_SLOTS	64
_Static_assert(ST_KEYS <= ST_KEY_SLOTS && ST_ACTORS <= ST_ACTOR_SLOTS, "slots");
__u64 shadow[ST_KEY_SLOTS];
struct st_stats stats[ST_ACTOR_SLOTS];
__u64 rng[ST_ACTOR_SLOTS];
__u32 storm_tid[ST_STORM];
__u32 stop;
struct st_nmi_stats knmi[ST_MAX_CPUS];
/*
 * Per CPU: updates and deletes of the other program actors in progress
 * (atomic: an interrupt's program may nest in a task's).  An NMI can only
 * come inside an update of the map on its CPU while this is nonzero: the
 * thread that raises it is in write(2), not in bpf(2), and an update runs
 * with interrupts off, so only a program in an interrupt that came before
 * the NMI (the cpu-clock one) can be inside one.
 */
__u32 in_update[ST_MAX_CPUS];

/* How st_op() runs. */
#define M_TASK	0	/* task or interrupt context: counts in in_update[] */
#define M_PMU	1	/* NMI from the PMU */
#define M_KNMI	2	/* NMI raised by extmap_test.ko */

static __always_inline void *st_lookup(__u32 *k, struct st_lpm_key *lk)
{
	if (kind == ST_ARRAY)
		return bpf_map_lookup_elem(&m_arr, k);
	if (kind == ST_HASH)
		return bpf_map_lookup_elem(&m_hash, k);
	return bpf_map_lookup_elem(&m_lpm, lk);
}

static __always_inline long st_update(__u32 *k, struct st_lpm_key *lk,
				      __u64 *v, __u64 flags)
{
	if (kind == ST_ARRAY)
		return bpf_map_update_elem(&m_arr, k, v, flags);
	if (kind == ST_HASH)
		return bpf_map_update_elem(&m_hash, k, v, flags);
	return bpf_map_update_elem(&m_lpm, lk, v, flags);
}

static __always_inline long st_delete(__u32 *k, struct st_lpm_key *lk)
{
	if (kind == ST_ARRAY)
		return bpf_map_delete_elem(&m_arr, k);
	if (kind == ST_HASH)
		return bpf_map_delete_elem(&m_hash, k);
	return bpf_map_delete_elem(&m_lpm, lk);
}

/*
 * Results compare as int: before 6.4 the map operations return int, and a
 * helper call the verifier turned into a direct call of one leaves the
 * upper half of r0 zero (-EINVAL reads 0xffffffea), for the kernel's own
 * maps as for extmap's.
 */
static __always_inline void st_result(struct st_stats *st, long r64, int want,
				      int insert, __u64 *rec, __u64 newrec)
{
	int r = (int)r64;

	if (r == want) {
		if (!r)
			*rec = newrec;
		st->ok++;
	} else if (r == -EBUSY) {
		st->busy++;
	} else if (insert && kind == ST_HASH && r == -E2BIG) {
		st->full++;
	} else if (insert && kind == ST_LPM && r == -ENOSPC) {
		st->full++;
	} else if (insert && kind == ST_LPM && r == -ENOMEM) {
		st->nomem++;
	} else {
		st->bad++;
		st->last_bad = (__u64)(long)r;
	}
}

/*
 * In NMI (M_KNMI): array updates work as anywhere; a hash update gets EBUSY
 * inside an update of the map on the same CPU, or when another CPU holds
 * the lock it needs (Documentation/maps/hash.md): EBUSY with in_update[cpu]
 * zero, the second kind, is counted in busy_alone, for the diagnostics;
 * lpm refuses every update and delete from NMI with EBUSY
 * (Documentation/maps/lpm.md), which is then the one expected result.
 */
static __always_inline long st_write(__u32 *k, struct st_lpm_key *lk, __u64 *v,
				     __u64 flags, int del, int mode, __u32 cpu)
{
	long r;

	if (mode == M_TASK)
		__sync_fetch_and_add(&in_update[cpu], 1);
	r = del ? st_delete(k, lk) : st_update(k, lk, v, flags);
	if (mode == M_TASK)
		__sync_fetch_and_add(&in_update[cpu], -1);
	if (mode == M_KNMI && kind == ST_HASH && (int)r == -EBUSY &&
	    !*(volatile __u32 *)&in_update[cpu])
		knmi[cpu].busy_alone++;
	return r;
}

static __always_inline int st_op(__u32 actor, int mode)
{
	struct st_lpm_key lk = {}, lq = {};
	struct st_stats *st;
	__u64 x, val, *rec, *v;
	__u32 k, op, cpu;
	long r;

	if (stop || actor >= ST_ACTORS)
		return 0;
	asm volatile("" : "+r"(actor));
	actor &= ST_ACTOR_SLOTS - 1;
	st = &stats[actor];
	x = st_next(&rng[actor]);
	k = actor * ST_RANGE + ((x >> 16) & (ST_RANGE - 1));
	if (k >= ST_KEYS)
		return 0;
	asm volatile("" : "+r"(k));
	k &= ST_KEY_SLOTS - 1;
	rec = &shadow[k];
	op = x & 7;
	st->ops++;
	lk.prefixlen = (k & 1) ? 24 : 32;
	lk.data[0] = k >> 16;
	lk.data[1] = k >> 8;
	lk.data[2] = k;
	lq = lk;
	lq.prefixlen = 32;
	val = (__u64)(actor + 1) << 48 | (st->ops & 0xffffffffffffULL);
	cpu = bpf_get_smp_processor_id() & (ST_MAX_CPUS - 1);

	if (mode == M_KNMI && kind == ST_LPM && op <= 5) {
		r = st_write(&k, &lk, &val, op == 3 ? BPF_NOEXIST :
			     op == 4 ? BPF_EXIST : BPF_ANY, op == 5, mode, cpu);
		if ((int)r == -EBUSY) {
			st->busy++;
			st->ok++;
		} else {
			st->bad++;
			st->last_bad = (__u64)(long)(int)r;
		}
		return 0;
	}
	switch (op) {
	case 0:
	case 1:
	case 2:
		r = st_write(&k, &lk, &val, BPF_ANY, 0, mode, cpu);
		st_result(st, r, 0, !*rec, rec, val);
		break;
	case 3:	/* NOEXIST: EEXIST if present (array: always) */
		r = st_write(&k, &lk, &val, BPF_NOEXIST, 0, mode, cpu);
		st_result(st, r, (*rec || kind == ST_ARRAY) ? -EEXIST : 0,
			  !*rec, rec, val);
		break;
	case 4:	/* EXIST: ENOENT if absent (array: never) */
		r = st_write(&k, &lk, &val, BPF_EXIST, 0, mode, cpu);
		st_result(st, r, (*rec || kind == ST_ARRAY) ? 0 : -ENOENT, 0,
			  rec, val);
		break;
	case 5:
		r = st_write(&k, &lk, NULL, 0, 1, mode, cpu);
		st_result(st, r, kind == ST_ARRAY ? -EINVAL : *rec ? 0 : -ENOENT,
			  0, rec, 0);
		break;
	default:
		v = st_lookup(&k, &lq);
		if (kind == ST_ARRAY ? !v || *v != *rec :
		    (!!v != !!*rec) || (v && *v != *rec))
			st->mismatch++;
		else
			st->ok++;
		break;
	}
	return 0;
}

SEC("xdp")
int st_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + sizeof(__u32) > end)
		return XDP_ABORTED;
	st_op(*(__u32 *)data, M_TASK);
	return XDP_PASS;
}

static __always_inline int st_storm(__u32 base)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	int i;

	for (i = 0; i < ST_STORM; i++)
		if (storm_tid[i] && storm_tid[i] == tid)
			return st_op(base + i, M_TASK);
	return 0;
}

SEC("kprobe/__x64_sys_getpgid")
int BPF_KPROBE(st_kprobe)
{
	return st_storm(ST_KPROBE_BASE);
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int st_tp(void *ctx)
{
	return st_storm(ST_TP_BASE);
}

/* Software cpu-clock: from the hrtimer interrupt. */
SEC("perf_event")
int st_perf(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu < ST_MAX_CPUS)
		st_op(ST_PERF_BASE + cpu, M_TASK);
	return 0;
}

/* Hardware cycles, where there is a PMU: from NMI. */
SEC("perf_event")
int st_nmi(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu < ST_MAX_CPUS)
		st_op(ST_NMI_BASE + cpu, M_PMU);
	return 0;
}

/*
 * NMIs raised by extmap_test.ko (a write to its debugfs file nmi): the
 * raw tracepoint extmap_test_nmi (extmap_test_nmi_tp from 6.16), fired
 * from its NMI handler with a struct st_knmi_ctx.  Attached by name from
 * test_stress.c, hence no name here.
 */
SEC("raw_tp")
int st_knmi(struct bpf_raw_tracepoint_args *ctx)
{
	struct st_knmi_ctx c = {};
	__u32 cpu = bpf_get_smp_processor_id();
	struct st_nmi_stats *s;

	if (cpu >= ST_MAX_CPUS)
		return 0;
	s = &knmi[cpu];
	s->fired++;
	if (bpf_probe_read_kernel(&c, sizeof(c), (void *)ctx->args[0]))
		c.in_nmi = 2;	/* neither 0 nor 1: counted as not in NMI */
	if (c.in_nmi == 1)
		s->in_nmi++;
	if (c.cpu != cpu)
		s->wrong_cpu++;
	st_op(ST_KNMI_BASE + cpu, M_KNMI);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
