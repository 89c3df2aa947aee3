// SPDX-License-Identifier: GPL-2.0
/*
 * test_stress: each extmap type (array, hash, lpm) under concurrent
 * lookups, updates and deletes from every kind of caller at once:
 *
 *  - XDP programs run with BPF_PROG_TEST_RUN by one thread per CPU (pinned
 *    with sched_setaffinity), the actor id in the packet;
 *  - a kprobe and a tracepoint program on getpgid(), fired by a syscall
 *    storm from ST_STORM other threads;
 *  - a perf_event program on the software cpu-clock event on every CPU
 *    (hrtimer interrupt), and on hardware cycles (NMI) where there is a PMU
 *    (under TCG there is none: said in a diagnostic);
 *  - a raw_tp program on extmap_test.ko's tracepoint extmap_test_nmi, which
 *    its NMI handler fires: a thread per CPU raises NMIs on its CPU by
 *    writing counts to /sys/kernel/debug/extmap_test/nmi.  The program must
 *    run in NMI every time; there array updates work, hash updates work or
 *    give EBUSY (inside an update of the map on that CPU, or while another
 *    CPU holds the lock the update needs: in NMI it only tries), and lpm
 *    refuses every update and delete with EBUSY (Documentation/maps/);
 *    lookups work (lpm: on keys put in the actor's range beforehand);
 *  - ST_USER threads doing the same operations through bpf(2).
 *
 * Every actor owns ST_RANGE keys and records what its successful operations
 * left there, and checks each result against that record as it goes (an
 * update with BPF_NOEXIST on a key it holds must give EEXIST, a lookup must
 * find exactly its value, ...).  At the end: no actor saw an unexpected
 * result or lookup; the map holds exactly the recorded keys and values (a
 * get_next_key walk, no lost, phantom or duplicate key, the count right);
 * EBUSY only for NMI actors (nothing else here can nest inside an update,
 * which runs with interrupts off); every actor of every kind ran; no thread
 * stayed stuck (ST_JOIN_SECONDS after the stop); a full hash refuses new
 * keys with E2BIG, a full lpm with ENOSPC, both take replacements and
 * recover after a delete.
 * The hash and lpm maps hold 3/4 of the active keys, so they also run full
 * during the stress.
 *
 * EXTMAP_STRESS_SECONDS sets the seconds per type (default 3).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util.h"
#include "progs/stress_common.h"
#include "stress.skel.h"

#define KNMI_FILE	"/sys/kernel/debug/extmap_test/nmi"
#define KNMI_BATCH	8	/* NMIs per write */
#define KNMI_PAUSE_US	100	/* between writes */
#define ST_JOIN_SECONDS	30

static int seconds = 3;
static int ncpu;
static atomic_int running;
static uint64_t seed;

/* What the userspace actors record, as the programs do in their .bss. */
static __u64 user_shadow[ST_KEYS];
static struct st_stats user_stats[ST_USER];

struct actor_thread {
	pthread_t th;
	int idx;
	int cpu;
	int kind;
	int map_fd;
	int prog_fd;
	__u32 *tid_slot;
	unsigned long long runs;	/* xdp: test_run calls; knmi: NMIs raised */
	int err;			/* the errno that stopped the thread */
	__u32 retval;			/* xdp: a return value not XDP_PASS */
	bool started;
};

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Start @t; false, with a diagnostic, if pthread_create failed. */
static bool start(struct actor_thread *t, void *(*fn)(void *), const char *what)
{
	int e = pthread_create(&t->th, NULL, fn, t);

	if (e) {
		tap_diag("pthread_create (%s thread %d): %s", what, t->idx,
			 tap_errname(e));
		return false;
	}
	t->started = true;
	return true;
}

/*
 * Join @t if it was started, waiting until @deadline at most: false if it
 * had not ended by then (a thread stuck in the kernel, a deadlock).
 */
static bool join(struct actor_thread *t, const struct timespec *deadline,
		 const char *what)
{
	int e;

	if (!t->started)
		return true;
	e = pthread_timedjoin_np(t->th, NULL, deadline);
	if (e) {
		tap_diag("%s thread %d (cpu %d) did not end within %d s of the stop: %s",
			 what, t->idx, t->cpu, ST_JOIN_SECONDS, tap_errname(e));
		return false;
	}
	t->started = false;
	return true;
}

static void key_of(__u32 k, int kind, void *key, bool lookup)
{
	if (kind == ST_LPM) {
		struct st_lpm_key *lk = key;

		memset(lk, 0, sizeof(*lk));
		lk->prefixlen = lookup ? 32 : (k & 1) ? 24 : 32;
		lk->data[0] = k >> 16;
		lk->data[1] = k >> 8;
		lk->data[2] = k;
	} else {
		memcpy(key, &k, sizeof(k));
	}
}

static void *xdp_thread(void *arg)
{
	struct actor_thread *t = arg;
	unsigned char pkt[64] = { 0 };
	__u32 actor = ST_XDP_BASE + t->cpu;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 32);

	memcpy(pkt, &actor, sizeof(actor));
	pin_cpu(t->cpu);
	while (atomic_load(&running)) {
		if (bpf_prog_test_run_opts(t->prog_fd, &opts)) {
			t->err = errno;
			break;
		}
		if (opts.retval != XDP_PASS) {
			t->retval = opts.retval;
			t->err = EPROTO;
			break;
		}
		t->runs++;
	}
	return NULL;
}

/* Raises KNMI_BATCH NMIs on its CPU per write, until the stop. */
static void *knmi_thread(void *arg)
{
	struct actor_thread *t = arg;
	char n[16];
	int fd, len;

	pin_cpu(t->cpu);
	fd = open(KNMI_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		t->err = errno;
		return NULL;
	}
	len = snprintf(n, sizeof(n), "%d", KNMI_BATCH);
	while (atomic_load(&running)) {
		if (sched_getcpu() != t->cpu) {
			t->err = EXDEV;	/* not where it was pinned */
			break;
		}
		if (write(fd, n, len) != len) {
			t->err = errno ? errno : EIO;
			break;
		}
		t->runs += KNMI_BATCH;
		/* Leave the CPU to the other actors too. */
		usleep(KNMI_PAUSE_US);
	}
	close(fd);
	return NULL;
}

static void *storm_thread(void *arg)
{
	struct actor_thread *t = arg;

	pin_cpu(t->cpu);
	__atomic_store_n(t->tid_slot, (__u32)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	while (atomic_load(&running)) {
		syscall(SYS_getpgid, 0);
		t->runs++;
	}
	return NULL;
}

static void user_result(struct st_stats *st, int r, int want, bool insert,
			int kind, __u64 *rec, __u64 newrec)
{
	if (r == want) {
		if (!r)
			*rec = newrec;
		st->ok++;
	} else if (r == -EBUSY) {
		st->busy++;
	} else if (insert && ((kind == ST_HASH && r == -E2BIG) ||
			      (kind == ST_LPM && r == -ENOSPC))) {
		st->full++;
	} else if (insert && kind == ST_LPM && r == -ENOMEM) {
		st->nomem++;
	} else {
		st->bad++;
		st->last_bad = (__u64)(__s64)r;
	}
}

static void *user_thread(void *arg)
{
	struct actor_thread *t = arg;
	__u32 actor = ST_USER_BASE + t->idx;
	struct st_stats *st = &user_stats[t->idx];
	__u64 s = seed ^ (0x51ed270b27c0ffeeULL * (actor + 1)), x, val, v, *rec;
	unsigned char key[8], lkey[8];
	int kind = t->kind, fd = t->map_fd, r;
	__u32 k, op;

	pin_cpu(t->cpu);
	while (atomic_load(&running)) {
		x = st_next(&s);
		k = actor * ST_RANGE + ((x >> 16) & (ST_RANGE - 1));
		rec = &user_shadow[k];
		op = x & 7;
		st->ops++;
		key_of(k, kind, key, false);
		key_of(k, kind, lkey, true);
		val = (__u64)(actor + 1) << 48 | (st->ops & 0xffffffffffffULL);
#define RES(expr) ((expr) ? -errno : 0)
		switch (op) {
		case 0: case 1: case 2:
			r = RES(bpf_map_update_elem(fd, key, &val, BPF_ANY));
			user_result(st, r, 0, !*rec, kind, rec, val);
			break;
		case 3:
			r = RES(bpf_map_update_elem(fd, key, &val, BPF_NOEXIST));
			user_result(st, r, (*rec || kind == ST_ARRAY) ? -EEXIST : 0,
				    !*rec, kind, rec, val);
			break;
		case 4:
			r = RES(bpf_map_update_elem(fd, key, &val, BPF_EXIST));
			user_result(st, r, (*rec || kind == ST_ARRAY) ? 0 : -ENOENT,
				    false, kind, rec, val);
			break;
		case 5:
			r = RES(bpf_map_delete_elem(fd, key));
			user_result(st, r, kind == ST_ARRAY ? -EINVAL :
					   *rec ? 0 : -ENOENT, false, kind, rec, 0);
			break;
		default:
			v = 0;
			r = RES(bpf_map_lookup_elem(fd, lkey, &v));
			if (kind == ST_ARRAY ? r || v != *rec :
			    (!r != !!*rec) || (!r && v != *rec))
				st->mismatch++;
			else
				st->ok++;
			break;
		}
#undef RES
	}
	return NULL;
}

static const char * const kind_name[] = { "array", "hash", "lpm" };

static int create_map(int kind, __u32 max)
{
	switch (kind) {
	case ST_ARRAY:
		return ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, max, 0, "st_arr");
	case ST_HASH:
		return ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, max, 0, "st_hash");
	default:
		return ext_create(EXTMAP_MAP_TYPE_LPM, sizeof(struct st_lpm_key),
				  8, max, 0, "st_lpm");
	}
}

/* Decode a key of the map back to its number; -1 if no key of ours. */
static long key_number(int kind, const void *key)
{
	if (kind == ST_LPM) {
		const struct st_lpm_key *lk = key;
		__u32 k = lk->data[0] << 16 | lk->data[1] << 8 | lk->data[2];

		if (lk->data[3] || lk->prefixlen != ((k & 1) ? 24u : 32u))
			return -1;
		return k;
	}
	return *(const __u32 *)key;
}

/*
 * Fill to the brim from userspace, with keys no actor owns; @present is a
 * key the map holds (from the final walk), replaced and deleted when the
 * map was full already and no key of our own could be added.
 */
static int check_full(int kind, int fd, __u32 max, __u32 count,
		      const void *present)
{
	int full_err = kind == ST_HASH ? E2BIG : ENOSPC;
	unsigned char key[8], old[8];
	__u64 val = 1, got;
	__u32 k = ST_KEYS, n = count, first = ST_KEYS;

	for (;; k++) {
		key_of(k, kind, key, false);
		if (bpf_map_update_elem(fd, key, &val, BPF_NOEXIST))
			break;
		n++;
		ASSERT(n <= max, "%u keys in a map of %u", n, max);
	}
	ASSERT(errno == full_err, "update of a new key with %u of %u: %s, expected %s",
	      n, max, tap_errname(errno), tap_errname(full_err));
	ASSERT(n == max, "refused a new key (%s) at %u of %u keys",
	      tap_errname(errno), n, max);
	tap_diag("full: %u keys added to the %u left by the stress", k - first, count);
	/* Replacing a key of the full map works; a new key still does not. */
	if (k > first) {
		key_of(first, kind, old, false);
	} else {
		ASSERT(present, "map full with no key found by the walk");
		memcpy(old, present, sizeof(old));
	}
	val = 0x2222;
	ASSERT_OK(bpf_map_update_elem(fd, old, &val, BPF_ANY));
	val = 0x3333;
	ASSERT_OK(bpf_map_update_elem(fd, old, &val, BPF_EXIST));
	got = 0;
	ASSERT_OK(bpf_map_lookup_elem(fd, old, &got));
	ASSERT(got == val, "replaced value %#llx, expected %#llx",
	      (unsigned long long)got, (unsigned long long)val);
	key_of(k, kind, key, false);
	ASSERT_ERRNO(bpf_map_update_elem(fd, key, &val, BPF_ANY), full_err);
	/* One delete makes room for one. */
	ASSERT_OK(bpf_map_delete_elem(fd, old));
	ASSERT_OK(bpf_map_update_elem(fd, key, &val, BPF_NOEXIST));
	key_of(k + 1, kind, key, false);
	ASSERT_ERRNO(bpf_map_update_elem(fd, key, &val, BPF_NOEXIST), full_err);
	return TAP_PASS;
}

/* The kind of an actor id, for diagnostics and the "ops by caller" line. */
enum { C_XDP, C_KPROBE, C_TP, C_PERF, C_PMU_NMI, C_KNMI, C_USER, C_KINDS };
static const char *const caller_name[C_KINDS] = {
	"xdp", "kprobe", "tracepoint", "perf_event (cpu-clock)",
	"perf_event (PMU NMI)", "extmap_test NMI", "bpf(2)",
};

static int caller_of(int i)
{
	return i < ST_KPROBE_BASE ? C_XDP : i < ST_TP_BASE ? C_KPROBE :
	       i < ST_PERF_BASE ? C_TP : i < ST_NMI_BASE ? C_PERF :
	       i < ST_KNMI_BASE ? C_PMU_NMI : i < ST_USER_BASE ? C_KNMI : C_USER;
}

/* Attach st_knmi to extmap_test_nmi, or extmap_test_nmi_tp (6.16 on). */
static int knmi_attach(struct stress *skel)
{
	static const char *const names[] = { "extmap_test_nmi", "extmap_test_nmi_tp" };
	int fd = -1, e = 0;
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(names) && fd < 0; i++) {
		fd = bpf_raw_tracepoint_open(names[i], bpf_program__fd(skel->progs.st_knmi));
		if (fd < 0 && !e)
			e = errno;
	}
	if (fd < 0)
		tap_diag("bpf_raw_tracepoint_open(extmap_test_nmi[_tp]): %s",
			 tap_errname(e));
	return fd;
}

static int run_type(int kind)
{
	struct actor_thread xdp[ST_MAX_CPUS] = {}, storm[ST_STORM] = {},
			    user[ST_USER] = {}, knmi[ST_MAX_CPUS] = {};
	int perf_fd[ST_MAX_CPUS], nmi_fd[ST_MAX_CPUS];
	struct bpf_link *links[2 + 2 * ST_MAX_CPUS];
	int nlinks = 0, i, active, ret = TAP_FAIL, nmi = 0;
	unsigned long long ops = 0, busy = 0, full = 0, nomem = 0, bad = 0,
			   mismatch = 0, xdp_runs = 0, storm_runs = 0,
			   knmi_raised = 0, by[C_KINDS] = { 0 };
	static __u64 expect[ST_KEYS];
	static bool seen[ST_KEYS];
	__u32 max, want = 0, n = 0, steps;
	unsigned char key[8], next[8], present[8];
	bool first, have_present = false, knmi_on, ok = true, stuck = false;
	bool pmu_on[ST_MAX_CPUS] = { false };
	struct stress *skel = NULL;
	AUTO_FD fd = -1, knmi_link = -1;
	struct timespec deadline;
	const char *knmi_why = NULL;
	__u64 v;
	char mapname[16];

	memset(user_shadow, 0, sizeof(user_shadow));
	memset(user_stats, 0, sizeof(user_stats));
	memset(perf_fd, -1, sizeof(perf_fd));
	memset(nmi_fd, -1, sizeof(nmi_fd));
	knmi_on = access(KNMI_FILE, W_OK) == 0;
	if (!knmi_on)
		knmi_why = "no " KNMI_FILE " (extmap_test.ko not loaded, or without NMIs)";

	skel = stress__open();
	ASSERT(skel, "stress__open: %s", tap_errname(errno));
	skel->rodata->kind = kind;
	/* Actors that run: XDP, kprobe and tracepoint, cpu-clock, NMI, bpf(2). */
	active = ncpu + 2 * ST_STORM + ncpu + ST_USER + (knmi_on ? ncpu : 0);
	max = kind == ST_ARRAY ? ST_KEYS : active * ST_RANGE * 3 / 4;
	fd = create_map(kind, max);
	if (fd < 0) {
		tap_diag("create %s: %s", kind_name[kind], tap_errname(errno));
		goto out;
	}
	snprintf(mapname, sizeof(mapname), "%s", kind == ST_ARRAY ? "m_arr" :
		 kind == ST_HASH ? "m_hash" : "m_lpm");
	if (bpf_map__reuse_fd(bpf_object__find_map_by_name(skel->obj, mapname), fd) ||
	    stress__load(skel)) {
		tap_diag("loading progs/stress.bpf.c for %s failed", kind_name[kind]);
		goto out;
	}
	for (i = 0; i < ST_ACTORS; i++)
		skel->bss->rng[i] = seed ^ (0x9E3779B97F4A7C15ULL * (i + 1));
	/*
	 * lpm in NMI only looks up (updates there give EBUSY): give those
	 * lookups keys to find, every other key of each NMI actor's range.
	 */
	if (kind == ST_LPM && knmi_on) {
		for (i = 0; i < ncpu; i++) {
			__u32 k, base = (ST_KNMI_BASE + i) * ST_RANGE;

			for (k = base; k < base + ST_RANGE; k += 2) {
				v = 0xabcdULL << 32 | k;
				key_of(k, kind, key, false);
				if (bpf_map_update_elem(fd, key, &v, BPF_NOEXIST)) {
					tap_diag("lpm: putting key %u for the NMI actor: %s",
						 k, tap_errname(errno));
					goto out;
				}
				skel->bss->shadow[k] = v;
			}
		}
	}

	links[nlinks] = bpf_program__attach(skel->progs.st_kprobe);
	if (!links[nlinks]) {
		tap_diag("attach kprobe: %s", tap_errname(errno));
		goto out;
	}
	nlinks++;
	links[nlinks] = bpf_program__attach(skel->progs.st_tp);
	if (!links[nlinks]) {
		tap_diag("attach tracepoint: %s", tap_errname(errno));
		goto out;
	}
	nlinks++;
	if (knmi_on) {
		knmi_link = knmi_attach(skel);
		if (knmi_link < 0)
			goto out;
	}
	for (i = 0; i < ncpu; i++) {
		perf_fd[i] = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK,
				       200000 /* ns */, i);
		if (perf_fd[i] < 0) {
			tap_diag("perf_event_open(cpu-clock, cpu %d): %s", i,
				 tap_errname(errno));
			goto out;
		}
		links[nlinks] = bpf_program__attach_perf_event(skel->progs.st_perf,
							       perf_fd[i]);
		if (!links[nlinks]) {
			tap_diag("attach perf_event: %s", tap_errname(errno));
			goto out;
		}
		nlinks++;
		nmi_fd[i] = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES,
				      2000000, i);
		if (nmi_fd[i] < 0) {
			if (i == 0)
				tap_diag("no hardware PMU (perf_event_open(cycles): %s; under TCG there is none): no PMU NMI, NMIs come from extmap_test.ko only",
					 tap_errname(errno));
			continue;
		}
		links[nlinks] = bpf_program__attach_perf_event(skel->progs.st_nmi,
							       nmi_fd[i]);
		if (!links[nlinks]) {
			tap_diag("attach perf_event (cycles, cpu %d): %s", i,
				 tap_errname(errno));
			goto out;
		}
		nlinks++;
		nmi++;
		pmu_on[i] = true;
	}

	atomic_store(&running, 1);
	for (i = 0; ok && i < ncpu; i++) {
		xdp[i] = (struct actor_thread){ .idx = i, .cpu = i, .prog_fd =
			bpf_program__fd(skel->progs.st_xdp) };
		ok = start(&xdp[i], xdp_thread, "xdp");
	}
	for (i = 0; ok && i < ST_STORM; i++) {
		storm[i] = (struct actor_thread){ .idx = i, .cpu = i % ncpu,
			.tid_slot = &skel->bss->storm_tid[i] };
		ok = start(&storm[i], storm_thread, "getpgid");
	}
	for (i = 0; ok && i < ST_USER; i++) {
		user[i] = (struct actor_thread){ .idx = i, .cpu = (i + 1) % ncpu,
			.kind = kind, .map_fd = fd };
		ok = start(&user[i], user_thread, "bpf(2)");
	}
	for (i = 0; ok && knmi_on && i < ncpu; i++) {
		knmi[i] = (struct actor_thread){ .idx = i, .cpu = i };
		ok = start(&knmi[i], knmi_thread, "NMI");
	}
	if (ok)
		sleep(seconds);
	/* Programs first: after this no actor starts another operation. */
	__atomic_store_n(&skel->bss->stop, 1, __ATOMIC_SEQ_CST);
	atomic_store(&running, 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ST_JOIN_SECONDS;
	for (i = 0; i < ncpu; i++) {
		stuck |= !join(&xdp[i], &deadline, "xdp");
		xdp_runs += xdp[i].runs;
		if (xdp[i].err == EPROTO) {
			tap_diag("xdp on cpu %d: the program returned %u, expected XDP_PASS (%u)",
				 i, xdp[i].retval, XDP_PASS);
			ok = false;
		} else if (xdp[i].err) {
			tap_diag("BPF_PROG_TEST_RUN on cpu %d: %s, expected success", i,
				 tap_errname(xdp[i].err));
			ok = false;
		}
	}
	for (i = 0; i < ST_STORM; i++) {
		stuck |= !join(&storm[i], &deadline, "getpgid");
		storm_runs += storm[i].runs;
	}
	for (i = 0; i < ST_USER; i++)
		stuck |= !join(&user[i], &deadline, "bpf(2)");
	for (i = 0; knmi_on && i < ncpu; i++) {
		stuck |= !join(&knmi[i], &deadline, "NMI");
		knmi_raised += knmi[i].runs;
		if (knmi[i].err) {
			tap_diag("NMI thread on cpu %d: %s (%s), after %llu NMIs", i,
				 knmi[i].err == EXDEV ? "not on its cpu" : "write " KNMI_FILE,
				 tap_errname(knmi[i].err), knmi[i].runs);
			ok = false;
		}
	}
	if (stuck) {
		/* Threads are still in the kernel: leave everything as it is. */
		tap_diag("deadlock or hang: threads did not end, giving up the case");
		return TAP_FAIL;
	}
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	if (knmi_link >= 0)
		close(knmi_link);
	knmi_link = -1;
	for (i = 0; i < ncpu; i++) {
		if (perf_fd[i] >= 0)
			close(perf_fd[i]);
		if (nmi_fd[i] >= 0)
			close(nmi_fd[i]);
		perf_fd[i] = nmi_fd[i] = -1;
	}

	/* Every actor's figures; any unexpected result fails. */
	ret = ok ? TAP_PASS : TAP_FAIL;
	for (i = 0; i < ST_ACTORS; i++) {
		bool is_user = i >= ST_USER_BASE;
		struct st_stats *st = is_user ? &user_stats[i - ST_USER_BASE] :
						&skel->bss->stats[i];
		int c = caller_of(i);
		/* EBUSY: PMU NMIs may land anywhere; see st_write() for the rest. */
		bool busy_ok = c == C_PMU_NMI || (c == C_KNMI && kind != ST_ARRAY);

		ops += st->ops;
		by[c] += st->ops;
		busy += st->busy;
		full += st->full;
		nomem += st->nomem;
		bad += st->bad;
		mismatch += st->mismatch;
		if (st->bad || st->mismatch || (st->busy && !busy_ok)) {
			tap_diag("actor %d (%s): %llu ops, %llu as recorded, %llu unexpected (last %lld), %llu lookups disagreeing, %llu EBUSY%s",
				 i, caller_name[c], (unsigned long long)st->ops,
				 (unsigned long long)st->ok,
				 (unsigned long long)st->bad, (long long)st->last_bad,
				 (unsigned long long)st->mismatch,
				 (unsigned long long)st->busy,
				 st->busy && !busy_ok ? " (not allowed here)" : "");
			ret = TAP_FAIL;
		}
	}
	/* Every actor of every kind ran. */
	for (i = 0; i < ST_ACTORS; i++) {
		int c = caller_of(i), slot = i - (c == C_XDP ? ST_XDP_BASE :
			c == C_PERF ? ST_PERF_BASE : c == C_PMU_NMI ? ST_NMI_BASE :
			c == C_KNMI ? ST_KNMI_BASE : 0);
		__u64 o = c == C_USER ? user_stats[i - ST_USER_BASE].ops :
					skel->bss->stats[i].ops;
		bool should = c == C_XDP || c == C_PERF ? slot < ncpu :
			      c == C_PMU_NMI ? slot < ncpu && pmu_on[slot] :
			      c == C_KNMI ? knmi_on && slot < ncpu : true;

		if (should && !o) {
			tap_diag("actor %d (%s%s%d) never ran", i, caller_name[c],
				 c == C_XDP || c == C_PERF || c == C_PMU_NMI || c == C_KNMI ?
				 ", cpu " : ", thread ", slot);
			ret = TAP_FAIL;
		}
	}
	/* NMIs from extmap_test.ko: every one ran the program, in NMI. */
	for (i = 0; knmi_on && i < ncpu; i++) {
		struct st_nmi_stats *ks = &skel->bss->knmi[i];

		tap_diag("%s: NMI on cpu %d: %llu raised, program ran %llu times, in NMI %llu, on another cpu %llu, hash EBUSY outside an update on this cpu (another cpu held the lock) %llu",
			 kind_name[kind], i, knmi[i].runs, (unsigned long long)ks->fired,
			 (unsigned long long)ks->in_nmi, (unsigned long long)ks->wrong_cpu,
			 (unsigned long long)ks->busy_alone);
		if (ks->fired != knmi[i].runs || ks->in_nmi != ks->fired ||
		    ks->wrong_cpu || !ks->fired) {
			tap_diag("NMI on cpu %d: expected the program to run once per NMI raised (%llu), every time in NMI on that cpu",
				 i, knmi[i].runs);
			ret = TAP_FAIL;
		}
	}
	if (knmi_on) {
		__u64 kb = 0, ko = 0;

		for (i = 0; i < ncpu; i++) {
			kb += skel->bss->stats[ST_KNMI_BASE + i].busy;
			ko += skel->bss->stats[ST_KNMI_BASE + i].ops;
		}
		tap_diag("%s: NMI actors: %llu ops, %llu EBUSY", kind_name[kind],
				 (unsigned long long)ko, (unsigned long long)kb);
		/* An array never locks; a hash only fails when contended. */
		if ((kind == ST_ARRAY && kb) || (kind == ST_HASH && kb >= ko)) {
			tap_diag("%s: %llu EBUSY of %llu ops in NMI, expected %s",
				 kind_name[kind], (unsigned long long)kb,
				 (unsigned long long)ko,
				 kind == ST_ARRAY ? "none" : "fewer than the ops");
			ret = TAP_FAIL;
		}
	}
	tap_diag("stress: %s: %llu ops, %llu busy, %llu full, %llu nomem in %d s (%llu test_run calls, %llu getpgid calls, %d cpus, %d PMU NMI events, %llu NMIs raised)",
		 kind_name[kind], ops, busy, full, nomem, seconds,
		 xdp_runs, storm_runs, ncpu, nmi, knmi_raised);
	tap_diag("stress: %s: ops by caller: xdp %llu, kprobe %llu, tracepoint %llu, perf_event %llu, PMU NMI %llu, extmap_test NMI %llu, bpf(2) %llu",
		 kind_name[kind], by[C_XDP], by[C_KPROBE], by[C_TP], by[C_PERF],
		 by[C_PMU_NMI], by[C_KNMI], by[C_USER]);
	tap_figure("test_stress", kind_name[kind], "%llu ops, %llu busy, %llu full, %llu NMI ops, %d s",
		   ops, busy, full, by[C_KNMI] + by[C_PMU_NMI], seconds);
	if (bad || mismatch)
		ret = TAP_FAIL;

	/* The map holds exactly what the actors recorded. */
	for (i = 0; i < ST_KEYS; i++) {
		expect[i] = i >= ST_USER_BASE * ST_RANGE ? user_shadow[i] :
							   skel->bss->shadow[i];
		seen[i] = false;
		if (expect[i])
			want++;
	}
	if (kind == ST_ARRAY)
		want = max;
	first = true;
	for (steps = 0; steps <= max + 1; steps++) {
		long k;

		if (bpf_map_get_next_key(fd, first ? NULL : key, next)) {
			if (errno != ENOENT) {
				tap_diag("get_next_key: %s", tap_errname(errno));
				ret = TAP_FAIL;
			}
			break;
		}
		first = false;
		memcpy(key, next, sizeof(key));
		k = key_number(kind, key);
		if (k < 0 || k >= ST_KEYS || (kind != ST_ARRAY && !expect[k]) || seen[k]) {
			tap_diag("phantom or repeated key %s (%ld)",
				 hexstr(key, kind == ST_LPM ? 8 : 4), k);
			ret = TAP_FAIL;
			continue;
		}
		seen[k] = true;
		n++;
		memcpy(present, key, sizeof(present));
		have_present = true;
		if (bpf_map_lookup_elem(fd, key, &v) || v != expect[k]) {
			tap_diag("key %ld: %s, value %#llx, recorded %#llx", k,
				 tap_errname(errno), (unsigned long long)v,
				 (unsigned long long)expect[k]);
			ret = TAP_FAIL;
		}
	}
	for (i = 0; i < ST_KEYS; i++) {
		if (expect[i] && !seen[i]) {
			tap_diag("lost key %d (value %#llx)", i,
				 (unsigned long long)expect[i]);
			ret = TAP_FAIL;
		}
	}
	if (n != want) {
		tap_diag("walk found %u keys, %u expected", n, want);
		ret = TAP_FAIL;
	}
	tap_diag("%s: %u keys at the end, of %u", kind_name[kind], n, max);
	if (ret == TAP_PASS && kind != ST_ARRAY)
		ret = check_full(kind, fd, max, n, have_present ? present : NULL);
	if (ret == TAP_PASS && !knmi_on)
		ret = tap_skip_reason("every other check passed, but %s: the NMI actor did not run",
				      knmi_why);
out:
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	for (i = 0; i < ncpu; i++) {
		if (perf_fd[i] >= 0)
			close(perf_fd[i]);
		if (nmi_fd[i] >= 0)
			close(nmi_fd[i]);
	}
	stress__destroy(skel);
	return ret;
}

static int stress_array(void) { return run_type(ST_ARRAY); }
static int stress_hash(void) { return run_type(ST_HASH); }
static int stress_lpm(void) { return run_type(ST_LPM); }

int main(void)
{
	static const struct tap_case cases[] = {
		TAP_CASE(stress_array),
		TAP_CASE(stress_hash),
		TAP_CASE(stress_lpm),
	};
	const char *env = getenv("EXTMAP_STRESS_SECONDS");

	require_root_and_module();
	libbpf_to_tap();
	if (env && atoi(env) > 0)
		seconds = atoi(env);
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu > ST_MAX_CPUS)
		ncpu = ST_MAX_CPUS;
	if (ncpu < 1)
		ncpu = 1;
	seed = getenv("EXTMAP_STRESS_SEED") ? strtoull(getenv("EXTMAP_STRESS_SEED"), NULL, 0) :
					     (uint64_t)time(NULL) * 2654435761u;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# stress: %d s per type (EXTMAP_STRESS_SECONDS), %d cpus, seed %#llx (EXTMAP_STRESS_SEED)\n",
	       seconds, ncpu, (unsigned long long)seed);
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
