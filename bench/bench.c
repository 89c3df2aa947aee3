// SPDX-License-Identifier: GPL-2.0
/*
 * extmap-bench: each extmap map type against its kernel counterpart, in
 * the same boot, on the same keys.
 *
 * For every workload, size and map type: load the map from userspace
 * (bpf(2) updates, timed), then time BPF_PROG_TEST_RUN runs of a program
 * doing BENCH_BATCH lookups (or updates) with random keys from a fixed
 * seed, minus a baseline run of the same loop without the map operation.
 * Each figure is the median of several runs.  Then, for every extmap
 * type and its counterpart, alternately, several times: load a map, close
 * its last fd and time its free (progs/map_free.bpf.c), with a busy task
 * on every CPU.  Writes three TSVs:
 *
 *   bench.tsv	workload  map_type  entries  ns_per_op
 *   mem.tsv	workload  map_type  entries  bytes  kernel_bytes
 *   free.tsv	workload  map_type  entries  free_ms  on_cpu_ms  longest_ms
 *		longest_max_ms  switches
 *
 * where bytes is what the map reports (fdinfo memlock) and kernel_bytes
 * how much MemFree dropped while it was created and loaded: what the map
 * really took, slab rounding and whatever its report leaves out included;
 * free_ms is the time from the start of the free to its end, on_cpu_ms
 * the part of it the freeing kworker ran, longest_ms the longest stretch
 * it ran without being switched out, switches how often it was (medians;
 * longest_max_ms the longest stretch of all runs).
 *
 * Absolute times under emulation mean little; the ratio between the two
 * map types of a workload, measured in one boot, is the result.
 */
#define _GNU_SOURCE	/* pthread_setaffinity_np() */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "progs/bench_common.h"
#include "bench.skel.h"
#include "map_free.skel.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RUNS		9	/* medians of this many */
#define FREE_RUNS	3	/* frees timed per map type and size */
#define LOAD_BATCH	4096	/* elements per BPF_MAP_UPDATE_BATCH */
#define REPEAT		32	/* program runs per BPF_PROG_TEST_RUN */

struct impl {
	const char *name;
	__u32 type;
	__u32 map_flags;
};

struct keyset {
	struct bench_key *insert;	/* what the map is loaded with */
	__u32 n_insert;
	struct bench_key *lookup;	/* what lookups ask for */
	__u32 n_lookup;
};

struct workload {
	const char *name;
	__u32 key_size;
	struct impl ext, kern;
	void (*gen)(struct keyset *ks, __u32 n, __u64 *seed);
	bool no_free;		/* frees not timed: no extmap type */
};

static __u64 rnd(__u64 *s)
{
	__u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void shuffle(struct bench_key *k, __u32 n, __u64 *seed)
{
	struct bench_key t;
	__u32 i, j;

	for (i = n - 1; i > 0; i--) {
		j = rnd(seed) % (i + 1);
		t = k[i];
		k[i] = k[j];
		k[j] = t;
	}
}

static void keyset_alloc(struct keyset *ks, __u32 n)
{
	ks->insert = calloc(n, sizeof(*ks->insert));
	ks->lookup = calloc(BENCH_KEYS, sizeof(*ks->lookup));
	if (!ks->insert || !ks->lookup) {
		perror("calloc");
		exit(1);
	}
	ks->n_insert = n;
	ks->n_lookup = BENCH_KEYS;
}

/* Every index, in random order; lookups at random indexes. */
static void gen_array(struct keyset *ks, __u32 n, __u64 *seed)
{
	__u32 i;

	keyset_alloc(ks, n);
	for (i = 0; i < n; i++)
		ks->insert[i].a = i;
	shuffle(ks->insert, n, seed);
	for (i = 0; i < ks->n_lookup; i++)
		ks->lookup[i].a = rnd(seed) % n;
}

/* Distinct random u32 keys; lookups of present keys. */
static void gen_hash(struct keyset *ks, __u32 n, __u64 *seed)
{
	__u32 salt = rnd(seed), i;

	keyset_alloc(ks, n);
	/* An odd multiplier is a bijection on u32: no duplicates. */
	for (i = 0; i < n; i++)
		ks->insert[i].a = (i * 2654435761u) ^ salt;
	for (i = 0; i < ks->n_lookup; i++)
		ks->lookup[i] = ks->insert[rnd(seed) % n];
}

/*
 * The kernel LPM benchmark's worst case: N distinct /32 prefixes over
 * [0, N), inserted in random order; lookups of random present addresses.
 */
static void gen_lpm32(struct keyset *ks, __u32 n, __u64 *seed)
{
	__u32 i;

	keyset_alloc(ks, n);
	for (i = 0; i < n; i++) {
		ks->insert[i].a = 32;
		ks->insert[i].b = htonl(i);
	}
	shuffle(ks->insert, n, seed);
	for (i = 0; i < ks->n_lookup; i++) {
		ks->lookup[i].a = 32;
		ks->lookup[i].b = htonl(rnd(seed) % n);
	}
}

/*
 * A routing table: prefix lengths distributed roughly like the public IPv4
 * table (mostly /24, then /22-/23, /16-/21, a few shorter), at random
 * places.  Lookups: half inside a random prefix of the table, half random
 * addresses, most of which match nothing or a short prefix.
 */
static __u32 route_len(__u64 *seed)
{
	static const struct { __u32 len, per_mille; } dist[] = {
		{ 24, 580 }, { 23, 100 }, { 22, 110 }, { 21, 50 }, { 20, 40 },
		{ 19, 30 }, { 18, 25 }, { 17, 15 }, { 16, 20 }, { 15, 10 },
		{ 14, 8 }, { 12, 6 }, { 10, 4 }, { 8, 2 },
	};
	__u32 r = rnd(seed) % 1000, i;

	for (i = 0; i < ARRAY_SIZE(dist); i++) {
		if (r < dist[i].per_mille)
			return dist[i].len;
		r -= dist[i].per_mille;
	}
	return 24;
}

static __u32 mask(__u32 len)
{
	return len ? ~0u << (32 - len) : 0;
}

static void gen_route(struct keyset *ks, __u32 n, __u64 *seed)
{
	__u32 i, addr;

	keyset_alloc(ks, n);
	for (i = 0; i < n; i++) {
		ks->insert[i].a = route_len(seed);
		ks->insert[i].b = htonl((__u32)rnd(seed) & mask(ks->insert[i].a));
	}
	for (i = 0; i < ks->n_lookup; i++) {
		const struct bench_key *p = &ks->insert[rnd(seed) % n];

		addr = rnd(seed);
		if (i % 2)
			addr = (ntohl(p->b) & mask(p->a)) | (addr & ~mask(p->a));
		ks->lookup[i].a = 32;
		ks->lookup[i].b = htonl(addr);
	}
}

#define IMPL(t)		{ #t, t, 0 }
#define LPM_TRIE	{ "BPF_MAP_TYPE_LPM_TRIE", BPF_MAP_TYPE_LPM_TRIE, \
			  BPF_F_NO_PREALLOC }

static const struct workload workloads[] = {
	{ "array", 4, IMPL(EXTMAP_MAP_TYPE_ARRAY), IMPL(BPF_MAP_TYPE_ARRAY),
	  gen_array, false },
	{ "hash", 4, IMPL(EXTMAP_MAP_TYPE_HASH), IMPL(BPF_MAP_TYPE_HASH),
	  gen_hash, false },
	{ "lpm32", 8, IMPL(EXTMAP_MAP_TYPE_LPM), LPM_TRIE, gen_lpm32, false },
	{ "route", 8, IMPL(EXTMAP_MAP_TYPE_LPM), LPM_TRIE, gen_route, false },
	/*
	 * Not one of extmap's map types: bench/kmod/extmap_floor.c reads the
	 * slot of a table as large as lpm's and nothing more, which bounds
	 * what an lpm lookup, which starts with that read, can gain on
	 * LPM_TRIE here.
	 */
	{ "floor", 8, { "EXTMAP_BENCH_FLOOR", BENCH_FLOOR_TYPE, 0 }, LPM_TRIE,
	  gen_route, true },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int create(const struct workload *w, const struct impl *impl, __u32 n,
		  const char *name)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = impl->map_flags);
	LIBEXTMAP_OPTS(extmap_create_opts, eopts, .map_flags = impl->map_flags,
		       .name = name);
	int fd;

	if (extmap_is_extmap_type(impl->type))
		return extmap_create(impl->type, w->key_size, sizeof(__u64), n,
				     &eopts);
	fd = bpf_map_create(impl->type, name, w->key_size, sizeof(__u64), n,
			    &opts);
	return fd < 0 ? -errno : fd;
}

/* Load @fd with @ks's keys from @from on, one by one; exits on failure. */
static void load_elems(int fd, const struct impl *impl,
		       const struct keyset *ks, __u32 from)
{
	__u64 value = 1;
	__u32 i;

	for (i = from; i < ks->n_insert; i++) {
		if (bpf_map_update_elem(fd, &ks->insert[i], &value, BPF_ANY)) {
			fprintf(stderr, "load %s: %s\n", impl->name, strerror(errno));
			exit(1);
		}
	}
}

/* Create a map and load it with @ks; exits on failure. */
static int create_loaded(const struct workload *w, const struct impl *impl,
			 const struct keyset *ks, __u32 n, const char *name,
			 double *ns_per_elem)
{
	double t0;
	int fd;

	fd = create(w, impl, n, name);
	if (fd < 0) {
		fprintf(stderr, "create %s: %s\n", impl->name, strerror(-fd));
		exit(1);
	}
	t0 = now_ns();
	load_elems(fd, impl, ks, 0);
	if (ns_per_elem)
		*ns_per_elem = (now_ns() - t0) / ks->n_insert;
	return fd;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Mean ns per program run, over one BPF_PROG_TEST_RUN of REPEAT runs. */
static double time_prog(struct bpf_program *prog)
{
	char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = REPEAT);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &run)) {
		perror("BPF_PROG_TEST_RUN");
		exit(1);
	}
	return run.duration;
}

static double median(double *t, int n)
{
	qsort(t, n, sizeof(t[0]), cmp_double);
	return t[n / 2];
}

static unsigned long long memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* MemFree in /proc/meminfo, in bytes; -1 if unreadable. */
static long long mem_free(void)
{
	long long kib = -1;
	char line[256];
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib << 10;
}

/*
 * MemFree once it holds still: what updates replace is freed after an RCU
 * grace period.  Two readings 200 ms apart within 256 KiB, or 5 s at most.
 * Pages on the per-CPU free lists do not count as free, so this resolves
 * a few MiB at best: enough for maps of a million entries.
 */
static long long mem_free_settled(void)
{
	long long prev = mem_free(), cur = prev;
	int i;

	for (i = 0; i < 25; i++) {
		usleep(200000);
		cur = mem_free();
		if (llabs(cur - prev) < 256 << 10)
			break;
		prev = cur;
	}
	return cur;
}

/*
 * After a pair's maps are gone: wait until MemFree is back to @before, so
 * that their freeing, from a workqueue after an RCU grace period, does not
 * overlap the next pair's readings; 5 s at most, as pages a small map
 * gave back may stay on the per-CPU lists.
 */
static void mem_free_wait(long long before)
{
	int i;

	for (i = 0; i < 50 && mem_free() < before - (1LL << 20); i++)
		usleep(100000);
}

static FILE *out_ops, *out_mem, *out_free;

static void report(const char *workload, const char *op, const char *type,
		   __u32 n, double ns)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%s", workload, op);
	fprintf(out_ops, "%s\t%s\t%u\t%.1f\n", name, type, n, ns);
	fprintf(stderr, "  %-14s %-24s %8u %10.1f ns\n", name, type, n, ns);
}

/* A map under test, loaded, with the benchmark programs using it. */
struct side {
	const struct impl *impl;
	struct bench *skel;
	double ns[RUNS];
};

static void side_open(struct side *sd, const struct workload *w,
		      const struct impl *impl, const struct keyset *ks, __u32 n)
{
	long long free0 = mem_free_settled();
	double load_ns;
	int fd;

	sd->impl = impl;
	fd = create_loaded(w, impl, ks, n, NULL, &load_ns);
	report(w->name, "load", impl->name, n, load_ns);
	fprintf(out_mem, "%s\t%s\t%u\t%llu\t%lld\n", w->name, impl->name, n,
		memlock(fd), free0 - mem_free_settled());

	sd->skel = bench__open();
	if (!sd->skel || bpf_map__reuse_fd(sd->skel->maps.target, fd) ||
	    bench__load(sd->skel)) {
		fprintf(stderr, "loading the program for %s failed\n", impl->name);
		exit(1);
	}
	close(fd);
}

/*
 * Time @op on both sides, alternating run by run, so that a change in the
 * host's load between runs weighs on both alike.
 */
static void time_both(struct side sd[2], const char *workload, const char *op,
		      __u32 n)
{
	double base;
	int r, i;

	for (r = 0; r < RUNS; r++) {
		for (i = 0; i < 2; i++) {
			struct bench *skel = sd[i].skel;
			struct bpf_program *prog = !strcmp(op, "lookup") ?
				skel->progs.lookup : skel->progs.update;

			base = time_prog(skel->progs.baseline);
			sd[i].ns[r] = (time_prog(prog) - base) / BENCH_BATCH;
		}
	}
	for (i = 0; i < 2; i++)
		report(workload, op, sd[i].impl->name, n, median(sd[i].ns, RUNS));
}

static void bench_pair(const struct workload *w, const struct keyset *ks,
		       __u32 n)
{
	long long free0 = mem_free();	/* what its maps must give back */
	struct side sd[2];
	int i;
	__u32 k;

	side_open(&sd[0], w, &w->ext, ks, n);
	side_open(&sd[1], w, &w->kern, ks, n);
	for (i = 0; i < 2; i++)
		memcpy(sd[i].skel->bss->keys, ks->lookup,
		       sizeof(sd[i].skel->bss->keys));
	time_both(sd, w->name, "lookup", n);
	/* Updates replace present keys, so that no map fills up. */
	for (i = 0; i < 2; i++)
		for (k = 0; k < BENCH_KEYS; k++)
			sd[i].skel->bss->keys[k] = ks->insert[k % ks->n_insert];
	time_both(sd, w->name, "update", n);
	for (i = 0; i < 2; i++)
		bench__destroy(sd[i].skel);
	mem_free_wait(free0);
}

/*
 * Freeing a map: the kernel frees it from a workqueue once its last
 * reference is gone, here its only fd.  progs/map_free.bpf.c times that
 * free and the stretches the kworker running it spends on a CPU between
 * being switched in and out.  A kworker is switched out only when the
 * scheduler wants its CPU for another task and the free lets it, at a
 * cond_resched() under a voluntary-preemption kernel: a busy task pinned
 * to every CPU, at the kworker's priority, keeps another task waiting all
 * along, so that the stretches are those another task would wait.
 */
static struct map_free *free_skel;
static volatile bool spin_stop;

static void *spin(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((long)arg, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!spin_stop)
		;
	return NULL;
}

/*
 * Load @fd with @ks with BPF_MAP_UPDATE_BATCH where the type has it,
 * which saves a system call per element, else element by element.
 */
#ifndef ENOTSUPP
#define ENOTSUPP	524	/* the kernel's, not in the uapi headers */
#endif

static void load_batch(int fd, const struct workload *w,
		       const struct impl *impl, const struct keyset *ks)
{
	static __u64 values[LOAD_BATCH];
	static __u32 idx[LOAD_BATCH];
	__u32 i, j, count;
	void *keys;

	for (i = 0; i < LOAD_BATCH; i++)
		values[i] = 1;
	for (i = 0; i < ks->n_insert; i += count) {
		count = ks->n_insert - i < LOAD_BATCH ? ks->n_insert - i :
							 LOAD_BATCH;
		keys = &ks->insert[i];
		if (w->key_size == sizeof(__u32)) {
			for (j = 0; j < count; j++)
				idx[j] = ks->insert[i + j].a;
			keys = idx;
		}
		if (bpf_map_update_batch(fd, keys, values, &count, NULL)) {
			if (i == 0 && (errno == ENOTSUPP || errno == EOPNOTSUPP ||
				       errno == EINVAL))
				break;
			fprintf(stderr, "batch load %s: %s\n", impl->name,
				strerror(errno));
			exit(1);
		}
	}
	load_elems(fd, impl, ks, i);
}

struct free_run {
	double free_ms, on_cpu_ms, longest_ms, switches;
};

static void free_one(const struct workload *w, const struct impl *impl,
		     const struct keyset *ks, __u32 n, struct free_run *r)
{
	static unsigned int gen;
	volatile struct map_free__bss *bss = free_skel->bss;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), c;
	long long free0 = mem_free();
	pthread_t spinner[64];
	char name[16];
	int fd, i;

	if (ncpu < 1 || ncpu > 64)
		ncpu = ncpu < 1 ? 1 : 64;
	/* A name no other map has: the free is found by it. */
	snprintf(name, sizeof(name), "bench_free%u", gen++ % 100000);
	fd = create(w, impl, n, name);
	if (fd < 0) {
		fprintf(stderr, "create %s: %s\n", impl->name, strerror(-fd));
		exit(1);
	}
	load_batch(fd, w, impl, ks);

	bss->done = 0;
	memcpy((char *)bss->target_name, name, sizeof(name));
	spin_stop = false;
	for (c = 0; c < ncpu; c++)
		if (pthread_create(&spinner[c], NULL, spin, (void *)c)) {
			perror("pthread_create");
			exit(1);
		}
	usleep(50000);		/* the busy tasks run */
	close(fd);
	for (i = 0; !bss->done; i++) {
		if (i == 60000) {
			fprintf(stderr, "free of %s not seen after 600 s\n",
				impl->name);
			exit(1);
		}
		usleep(10000);
	}
	spin_stop = true;
	for (c = 0; c < ncpu; c++)
		pthread_join(spinner[c], NULL);
	memset((char *)bss->target_name, 0, sizeof(name));

	r->free_ms = (bss->end_ns - bss->start_ns) / 1e6;
	r->on_cpu_ms = bss->on_cpu_ns / 1e6;
	r->longest_ms = bss->longest_ns / 1e6;
	r->switches = bss->switches;
	mem_free_wait(free0);
}

/* Time FREE_RUNS frees of each of @w's two types, alternately. */
static void free_pair(const struct workload *w, const struct keyset *ks,
		      __u32 n)
{
	struct free_run run[2][FREE_RUNS];
	double v[4][FREE_RUNS], longest_max;
	int r, i, k;

	for (r = 0; r < FREE_RUNS; r++)
		for (i = 0; i < 2; i++)
			free_one(w, i ? &w->kern : &w->ext, ks, n, &run[i][r]);
	for (i = 0; i < 2; i++) {
		const struct impl *impl = i ? &w->kern : &w->ext;

		longest_max = 0;
		for (r = 0; r < FREE_RUNS; r++) {
			v[0][r] = run[i][r].free_ms;
			v[1][r] = run[i][r].on_cpu_ms;
			v[2][r] = run[i][r].longest_ms;
			v[3][r] = run[i][r].switches;
			if (run[i][r].longest_ms > longest_max)
				longest_max = run[i][r].longest_ms;
		}
		for (k = 0; k < 4; k++)
			v[k][0] = median(v[k], FREE_RUNS);
		fprintf(out_free, "%s\t%s\t%u\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\n",
			w->name, impl->name, n, v[0][0], v[1][0], v[2][0],
			longest_max, v[3][0]);
		fprintf(stderr, "  %-14s %-24s %8u free %9.2f ms, on cpu %9.2f ms, longest %8.2f ms (max %8.2f), %4.0f switches\n",
			"free", impl->name, n, v[0][0], v[1][0], v[2][0],
			longest_max, v[3][0]);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-F] [-o DIR] [-s SIZE[,SIZE...]] [-w WORKLOAD[,...]]\n"
		"  -F       time only the frees: write DIR/free.tsv alone\n"
		"  -o DIR   write DIR/bench.tsv, DIR/mem.tsv and DIR/free.tsv\n"
		"           (default .)\n"
		"  -s       map sizes (default 1024,65536,1048576)\n"
		"  -w       workloads: array, hash, lpm32, route, floor (default\n"
		"           all; floor needs extmap_floor.ko)\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = ".", *sizes = "1024,65536,1048576", *only = NULL;
	char path[4096], list[256], *tok, *save;
	bool free_only = false;
	size_t wi;
	int opt;

	while ((opt = getopt(argc, argv, "Fo:s:w:h")) != -1) {
		switch (opt) {
		case 'F':
			free_only = true;
			break;
		case 'o':
			dir = optarg;
			break;
		case 's':
			sizes = optarg;
			break;
		case 'w':
			only = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!free_only) {
		snprintf(path, sizeof(path), "%s/bench.tsv", dir);
		out_ops = fopen(path, "w");
		snprintf(path, sizeof(path), "%s/mem.tsv", dir);
		out_mem = fopen(path, "w");
		if (!out_ops || !out_mem) {
			perror(path);
			return 1;
		}
		fprintf(out_ops, "workload\tmap_type\tentries\tns_per_op\n");
		fprintf(out_mem,
			"workload\tmap_type\tentries\tbytes\tkernel_bytes\n");
	}
	snprintf(path, sizeof(path), "%s/free.tsv", dir);
	out_free = fopen(path, "w");
	if (!out_free) {
		perror(path);
		return 1;
	}
	fprintf(out_free, "workload\tmap_type\tentries\tfree_ms\ton_cpu_ms\t"
		"longest_ms\tlongest_max_ms\tswitches\n");
	free_skel = map_free__open_and_load();
	if (!free_skel || map_free__attach(free_skel)) {
		/* The other figures do not depend on it. */
		fprintf(stderr, "map_free: cannot trace bpf_map_free_deferred(), frees not timed\n");
		map_free__destroy(free_skel);
		free_skel = NULL;
	}

	for (wi = 0; wi < ARRAY_SIZE(workloads); wi++) {
		const struct workload *w = &workloads[wi];

		if (only && !strstr(only, w->name))
			continue;
		snprintf(list, sizeof(list), "%s", sizes);
		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			__u32 n = strtoul(tok, NULL, 0);
			__u64 seed = 0x5eed0000 + n;
			struct keyset ks;

			w->gen(&ks, n, &seed);
			fprintf(stderr, "%s, %u entries\n", w->name, n);
			if (!free_only) {
				bench_pair(w, &ks, n);
				fflush(out_ops);
				fflush(out_mem);
			}
			if (free_skel && !w->no_free) {
				free_pair(w, &ks, n);
				fflush(out_free);
			}
			free(ks.insert);
			free(ks.lookup);
		}
	}
	if (!free_only) {
		fclose(out_ops);
		fclose(out_mem);
	}
	fclose(out_free);
	map_free__destroy(free_skel);
	return 0;
}
