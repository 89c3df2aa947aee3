/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by progs/stress.bpf.c and test_stress.c. */
#ifndef EXTMAP_SELFTEST_STRESS_COMMON_H
#define EXTMAP_SELFTEST_STRESS_COMMON_H

/*
 * Actors: each owns the keys [id * ST_RANGE, (id + 1) * ST_RANGE) and is
 * never run twice at once, so the final content of its range is exactly
 * what its successful operations left there.
 */
#define ST_RANGE	64
#define ST_MAX_CPUS	8
#define ST_STORM	2			/* getpgid() storm threads */
#define ST_XDP_BASE	0			/* + CPU of the test_run thread */
#define ST_KPROBE_BASE	(ST_XDP_BASE + ST_MAX_CPUS)	/* + storm thread */
#define ST_TP_BASE	(ST_KPROBE_BASE + ST_STORM)	/* + storm thread */
#define ST_PERF_BASE	(ST_TP_BASE + ST_STORM)		/* + CPU, cpu-clock */
#define ST_NMI_BASE	(ST_PERF_BASE + ST_MAX_CPUS)	/* + CPU, hw cycles */
#define ST_KNMI_BASE	(ST_NMI_BASE + ST_MAX_CPUS)	/* + CPU, extmap_test NMI */
#define ST_USER_BASE	(ST_KNMI_BASE + ST_MAX_CPUS)	/* + bpf(2) thread */
#define ST_USER		2
#define ST_ACTORS	(ST_USER_BASE + ST_USER)
#define ST_KEYS		(ST_ACTORS * ST_RANGE)

enum st_kind { ST_ARRAY = 0, ST_HASH = 1, ST_LPM = 2 };

struct st_lpm_key {
	__u32 prefixlen;
	__u8 data[4];
};

/* Per actor, written only by that actor. */
struct st_stats {
	__u64 ops;
	__u64 ok;
	__u64 busy;	/* EBUSY */
	__u64 full;	/* E2BIG (hash) / ENOSPC (lpm) */
	__u64 nomem;	/* ENOMEM (lpm updates allocate with GFP_NOWAIT) */
	__u64 bad;	/* any other result not expected */
	__u64 mismatch;	/* a lookup disagreeing with the actor's record */
	__u64 last_bad;	/* the last unexpected result, for diagnostics */
};

/*
 * Per CPU, for the NMIs extmap_test.ko raises (its tracepoint
 * extmap_test_nmi): written only from NMI on that CPU.
 */
struct st_nmi_stats {
	__u64 fired;		/* times the program ran */
	__u64 in_nmi;		/* ... with the tracepoint's in_nmi == 1 */
	__u64 wrong_cpu;	/* ... with its cpu not the program's */
	__u64 busy_alone;	/* hash EBUSY, this CPU not in an update */
};

/* What the tracepoint passes (selftests/kmod/extmap_test_trace.h). */
struct st_knmi_ctx {
	__u64 seq;
	__u32 in_nmi;
	__u32 cpu;
};

/*
 * Key k is stored as: array and hash, the u32 k; lpm, data = (k << 8) big
 * endian with prefix length 32 for even k and 24 for odd k (distinct
 * prefixes that never cover each other's addresses).  Values are u64,
 * nonzero: (actor << 48 | sequence).  0 in the record means absent (array:
 * still zero).
 */
static inline __u64 st_next(__u64 *s)
{
	__u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
