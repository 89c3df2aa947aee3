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
 *  - ST_USER threads doing the same operations through bpf(2).
 *
 * Every actor owns ST_RANGE keys and records what its successful operations
 * left there, and checks each result against that record as it goes (an
 * update with BPF_NOEXIST on a key it holds must give EEXIST, a lookup must
 * find exactly its value, ...).  At the end: no actor saw an unexpected
 * result or lookup; the map holds exactly the recorded keys and values (a
 * get_next_key walk, no lost, phantom or duplicate key, the count right);
 * EBUSY only for NMI actors (nothing else here can nest inside an update,
 * which runs with interrupts off); a full hash refuses new keys with E2BIG,
 * a full lpm with ENOSPC, both take replacements and recover after a delete.
 * The hash and lpm maps hold 3/4 of the active keys, so they also run full
 * during the stress.
 *
 * EXTMAP_STRESS_SECONDS sets the seconds per type (default 3).
 */
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
	unsigned long long runs;
	int err;
};

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
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
		t->runs++;
	}
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

static const char *kind_name[] = { "array", "hash", "lpm" };

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

/* Fill to the brim from userspace, with keys no actor owns. */
static int check_full(int kind, int fd, __u32 max, __u32 count)
{
	int full_err = kind == ST_HASH ? E2BIG : ENOSPC;
	unsigned char key[8];
	__u64 val = 1;
	__u32 k = ST_KEYS, n = count, first = ST_KEYS;

	for (;; k++) {
		key_of(k, kind, key, false);
		if (bpf_map_update_elem(fd, key, &val, BPF_NOEXIST))
			break;
		n++;
		CHECK(n <= max, "%u keys in a map of %u", n, max);
	}
	CHECK(errno == full_err, "update of a new key with %u of %u: %s, expected %s",
	      n, max, tap_errname(errno), tap_errname(full_err));
	CHECK(n == max, "refused a new key (%s) at %u of %u keys",
	      tap_errname(errno), n, max);
	/* Replacing a key of a full map works; a new key still does not. */
	key_of(first, kind, key, false);
	if (k > first) {
		val = 2;
		CHECK_OK(bpf_map_update_elem(fd, key, &val, BPF_ANY));
		CHECK_OK(bpf_map_update_elem(fd, key, &val, BPF_EXIST));
	}
	key_of(k, kind, key, false);
	CHECK_ERRNO(bpf_map_update_elem(fd, key, &val, BPF_ANY), full_err);
	/* One delete makes room for one. */
	if (k > first) {
		key_of(first, kind, key, false);
		CHECK_OK(bpf_map_delete_elem(fd, key));
	} else {
		return TAP_PASS;	/* already full from the stress */
	}
	key_of(k, kind, key, false);
	CHECK_OK(bpf_map_update_elem(fd, key, &val, BPF_NOEXIST));
	key_of(k + 1, kind, key, false);
	CHECK_ERRNO(bpf_map_update_elem(fd, key, &val, BPF_NOEXIST), full_err);
	return TAP_PASS;
}

static int run_type(int kind)
{
	struct actor_thread xdp[ST_MAX_CPUS], storm[ST_STORM], user[ST_USER];
	int perf_fd[ST_MAX_CPUS], nmi_fd[ST_MAX_CPUS];
	struct bpf_link *links[2 + 2 * ST_MAX_CPUS];
	int nlinks = 0, i, active, ret = TAP_FAIL, nmi = 0;
	unsigned long long ops = 0, busy = 0, full = 0, nomem = 0, bad = 0,
			   mismatch = 0, xdp_runs = 0, storm_runs = 0;
	static __u64 expect[ST_KEYS];
	static bool seen[ST_KEYS];
	__u32 max, want = 0, n = 0, steps;
	unsigned char key[8], next[8];
	struct stress *skel = NULL;
	AUTO_FD fd = -1;
	bool first;
	__u64 v;
	char mapname[16];

	memset(user_shadow, 0, sizeof(user_shadow));
	memset(user_stats, 0, sizeof(user_stats));
	/* Actors that run: XDP, kprobe and tracepoint, cpu-clock, bpf(2). */
	active = ncpu + 2 * ST_STORM + ncpu + ST_USER;
	max = kind == ST_ARRAY ? ST_KEYS : active * ST_RANGE * 3 / 4;
	fd = create_map(kind, max);
	CHECK(fd >= 0, "create %s: %s", kind_name[kind], tap_errname(errno));

	skel = stress__open();
	CHECK(skel, "stress__open: %s", tap_errname(errno));
	skel->rodata->kind = kind;
	snprintf(mapname, sizeof(mapname), "%s", kind == ST_ARRAY ? "m_arr" :
		 kind == ST_HASH ? "m_hash" : "m_lpm");
	if (bpf_map__reuse_fd(bpf_object__find_map_by_name(skel->obj, mapname), fd) ||
	    stress__load(skel)) {
		tap_diag("loading progs/stress.bpf.c for %s failed", kind_name[kind]);
		goto out;
	}
	for (i = 0; i < ST_ACTORS; i++)
		skel->bss->rng[i] = seed ^ (0x9E3779B97F4A7C15ULL * (i + 1));

	memset(perf_fd, -1, sizeof(perf_fd));
	memset(nmi_fd, -1, sizeof(nmi_fd));
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
				tap_diag("no hardware PMU (perf_event_open(cycles): %s; under "
					 "TCG there is none): no NMI, the perf_event program "
					 "runs from the cpu-clock hrtimer only",
					 tap_errname(errno));
			continue;
		}
		links[nlinks] = bpf_program__attach_perf_event(skel->progs.st_nmi,
							       nmi_fd[i]);
		if (links[nlinks]) {
			nlinks++;
			nmi++;
		}
	}

	atomic_store(&running, 1);
	for (i = 0; i < ncpu; i++) {
		xdp[i] = (struct actor_thread){ .cpu = i, .prog_fd =
			bpf_program__fd(skel->progs.st_xdp) };
		pthread_create(&xdp[i].th, NULL, xdp_thread, &xdp[i]);
	}
	for (i = 0; i < ST_STORM; i++) {
		storm[i] = (struct actor_thread){ .cpu = i % ncpu,
			.tid_slot = &skel->bss->storm_tid[i] };
		pthread_create(&storm[i].th, NULL, storm_thread, &storm[i]);
	}
	for (i = 0; i < ST_USER; i++) {
		user[i] = (struct actor_thread){ .idx = i, .cpu = (i + 1) % ncpu,
			.kind = kind, .map_fd = fd };
		pthread_create(&user[i].th, NULL, user_thread, &user[i]);
	}
	sleep(seconds);
	/* Programs first: after this no actor starts another operation. */
	__atomic_store_n(&skel->bss->stop, 1, __ATOMIC_SEQ_CST);
	atomic_store(&running, 0);
	for (i = 0; i < ncpu; i++) {
		pthread_join(xdp[i].th, NULL);
		xdp_runs += xdp[i].runs;
		if (xdp[i].err)
			tap_diag("BPF_PROG_TEST_RUN on cpu %d: %s", i,
				 tap_errname(xdp[i].err));
	}
	for (i = 0; i < ST_STORM; i++) {
		pthread_join(storm[i].th, NULL);
		storm_runs += storm[i].runs;
	}
	for (i = 0; i < ST_USER; i++)
		pthread_join(user[i].th, NULL);
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	for (i = 0; i < ncpu; i++) {
		if (perf_fd[i] >= 0)
			close(perf_fd[i]);
		if (nmi_fd[i] >= 0)
			close(nmi_fd[i]);
	}

	/* Every actor's figures; any unexpected result fails. */
	ret = TAP_PASS;
	for (i = 0; i < ST_ACTORS; i++) {
		bool is_user = i >= ST_USER_BASE;
		struct st_stats *st = is_user ? &user_stats[i - ST_USER_BASE] :
						&skel->bss->stats[i];
		bool nmi_actor = i >= ST_NMI_BASE && i < ST_USER_BASE;

		if (!st->ops)
			continue;
		ops += st->ops;
		busy += st->busy;
		full += st->full;
		nomem += st->nomem;
		bad += st->bad;
		mismatch += st->mismatch;
		if (st->bad || st->mismatch || (st->busy && !nmi_actor)) {
			tap_diag("actor %d: %llu ops, %llu as recorded, %llu unexpected "
				 "(last %lld), %llu lookups disagreeing, %llu EBUSY%s",
				 i, (unsigned long long)st->ops,
				 (unsigned long long)st->ok,
				 (unsigned long long)st->bad, (long long)st->last_bad,
				 (unsigned long long)st->mismatch,
				 (unsigned long long)st->busy,
				 st->busy && !nmi_actor ? " (not nested: not allowed)" : "");
			ret = TAP_FAIL;
		}
	}
	tap_diag("stress: %s: %llu ops, %llu busy, %llu full, %llu nomem in %d s "
		 "(%llu test_run calls, %llu getpgid calls, %d cpus, %d NMI events)",
		 kind_name[kind], ops, busy, full, nomem, seconds, xdp_runs,
		 storm_runs, ncpu, nmi);
	{
		unsigned long long by[5] = { 0 };

		for (i = 0; i < ST_ACTORS; i++) {
			__u64 o = i >= ST_USER_BASE ? user_stats[i - ST_USER_BASE].ops :
						      skel->bss->stats[i].ops;

			by[i < ST_KPROBE_BASE ? 0 : i < ST_TP_BASE ? 1 :
			   i < ST_PERF_BASE ? 2 : i < ST_USER_BASE ? 3 : 4] += o;
		}
		tap_diag("stress: %s: ops by caller: xdp %llu, kprobe %llu, tracepoint %llu, "
			 "perf_event %llu, bpf(2) %llu", kind_name[kind], by[0], by[1],
			 by[2], by[3], by[4]);
	}
	tap_figure("test_stress", kind_name[kind], "%llu ops, %llu busy, %llu full, %d s",
		   ops, busy, full, seconds);
	if (!skel->bss->stats[ST_KPROBE_BASE].ops || !skel->bss->stats[ST_TP_BASE].ops ||
	    !skel->bss->stats[ST_PERF_BASE].ops || !skel->bss->stats[ST_XDP_BASE].ops ||
	    !user_stats[0].ops) {
		tap_diag("an actor kind never ran (xdp %llu, kprobe %llu, tracepoint "
			 "%llu, perf %llu, bpf(2) %llu ops)",
			 (unsigned long long)skel->bss->stats[ST_XDP_BASE].ops,
			 (unsigned long long)skel->bss->stats[ST_KPROBE_BASE].ops,
			 (unsigned long long)skel->bss->stats[ST_TP_BASE].ops,
			 (unsigned long long)skel->bss->stats[ST_PERF_BASE].ops,
			 (unsigned long long)user_stats[0].ops);
		ret = TAP_FAIL;
	}
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
		ret = check_full(kind, fd, max, n);
out:
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
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
	printf("# stress: %d s per type (EXTMAP_STRESS_SECONDS), %d cpus, seed %#llx "
	       "(EXTMAP_STRESS_SEED)\n", seconds, ncpu, (unsigned long long)seed);
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
