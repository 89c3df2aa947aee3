// SPDX-License-Identifier: GPL-2.0
/*
 * test_lpm: the extmap lpm type against BPF_MAP_TYPE_LPM_TRIE.
 *
 * Each case drives an extmap lpm map and a kernel LPM_TRIE, created with
 * the same attributes, through the same operations and asserts the same
 * result every time: return codes and errnos of updates and deletes,
 * the value found (or none) by every lookup, and the set of keys that
 * get_next_key visits.  Prefix sets are random but seeded, overlapping,
 * of every length; lookups hit and miss.  Dense blocks (every address of a
 * range) exercise lpm's wide nodes, also under concurrent lookups; in one
 * case updates in a timer interrupt overtake lookups on the same CPU.  One
 * case runs the operations from a BPF program instead of bpf(2).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/lpm_common.h"
#include "lpm_diff.skel.h"
#include "lpm_race.skel.h"

#define MAX_DATA	16
#define LPM_KEY(ds)	(4 + (ds))

struct lpm_key {
	__u32 prefixlen;
	__u8 data[MAX_DATA];
};

/* The two maps under test, with the same attributes. */
struct pair {
	int ext;
	int kern;
	__u32 data_size;
	__u32 max_entries;
};

static void pair_close(struct pair *p)
{
	if (p->ext >= 0)
		close(p->ext);
	if (p->kern >= 0)
		close(p->kern);
	p->ext = p->kern = -1;
}

#define AUTO_PAIR __attribute__((cleanup(pair_close))) struct pair

static int pair_open(struct pair *p, __u32 data_size, __u32 max_entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);

	p->data_size = data_size;
	p->max_entries = max_entries;
	p->kern = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "kern_lpm",
				 LPM_KEY(data_size), sizeof(__u64),
				 max_entries, &opts);
	p->ext = ext_create(EXTMAP_MAP_TYPE_LPM, LPM_KEY(data_size),
			    sizeof(__u64), max_entries, BPF_F_NO_PREALLOC,
			    "ext_lpm");
	if (p->kern < 0 || p->ext < 0) {
		tap_diag("map creation failed: kern %d, ext %d: %s",
			 p->kern, p->ext, tap_errname(errno));
		return -1;
	}
	return 0;
}

/* Result of a bpf(2) call as 0 or -errno. */
static int res(int ret)
{
	return ret < 0 ? -errno : 0;
}

static int pair_update(struct pair *p, struct lpm_key *k, __u64 value,
		       __u64 flags, int *out)
{
	int e = res(bpf_map_update_elem(p->ext, k, &value, flags));
	int r = res(bpf_map_update_elem(p->kern, k, &value, flags));

	if (e != r) {
		tap_diag("update /%u %s flags %llu: extmap %s, LPM_TRIE %s",
			 k->prefixlen, hexstr(k->data, p->data_size),
			 (unsigned long long)flags, tap_errname(-e),
			 tap_errname(-r));
		return -1;
	}
	if (out)
		*out = r;
	return 0;
}

static int pair_delete(struct pair *p, struct lpm_key *k)
{
	int e = res(bpf_map_delete_elem(p->ext, k));
	int r = res(bpf_map_delete_elem(p->kern, k));

	if (e != r) {
		tap_diag("delete /%u %s: extmap %s, LPM_TRIE %s",
			 k->prefixlen, hexstr(k->data, p->data_size),
			 tap_errname(-e), tap_errname(-r));
		return -1;
	}
	return 0;
}

static int pair_lookup(struct pair *p, struct lpm_key *k)
{
	__u64 ve = 0, vr = 0;
	int e = res(bpf_map_lookup_elem(p->ext, k, &ve));
	int r = res(bpf_map_lookup_elem(p->kern, k, &vr));

	if (e != r || (!e && ve != vr)) {
		tap_diag("lookup /%u %s: extmap %s %llu, LPM_TRIE %s %llu",
			 k->prefixlen, hexstr(k->data, p->data_size),
			 tap_errname(-e), (unsigned long long)ve,
			 tap_errname(-r), (unsigned long long)vr);
		return -1;
	}
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct lpm_key));
}

/* Every key get_next_key visits, sorted; -1 if one repeats. */
static int collect_keys(int fd, __u32 data_size, struct lpm_key *keys,
			__u32 room, __u32 *n)
{
	struct lpm_key k, next;
	void *prev = NULL;
	__u32 i;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (*n == room) {
			tap_diag("get_next_key does not end");
			return -1;
		}
		memset((__u8 *)&next + LPM_KEY(data_size), 0,
		       sizeof(next) - LPM_KEY(data_size));
		keys[(*n)++] = next;
		k = next;
		prev = &k;
	}
	if (errno != ENOENT) {
		tap_diag("get_next_key: %s", tap_errname(errno));
		return -1;
	}
	qsort(keys, *n, sizeof(*keys), key_cmp);
	for (i = 1; i < *n; i++) {
		if (!key_cmp(&keys[i - 1], &keys[i])) {
			tap_diag("get_next_key visits /%u %s twice",
				 keys[i].prefixlen,
				 hexstr(keys[i].data, data_size));
			return -1;
		}
	}
	return 0;
}

static int pair_same_keys(struct pair *p)
{
	static struct lpm_key ke[8192], kr[8192];
	__u32 ne, nr;

	if (collect_keys(p->ext, p->data_size, ke, TAP_ARRAY_SIZE(ke), &ne) ||
	    collect_keys(p->kern, p->data_size, kr, TAP_ARRAY_SIZE(kr), &nr))
		return -1;
	if (ne != nr || memcmp(ke, kr, ne * sizeof(*ke))) {
		tap_diag("get_next_key: extmap visits %u keys, LPM_TRIE %u, or not the same ones",
			 ne, nr);
		return -1;
	}
	return 0;
}

/* Make @k's data start with @base's prefix, keeping its other bits. */
static void take_prefix(struct lpm_key *k, const struct lpm_key *base)
{
	__u32 keep = base->prefixlen;
	__u8 mask = 0xff00 >> (keep % 8);

	memcpy(k->data, base->data, keep / 8);
	if (keep % 8)
		k->data[keep / 8] = (base->data[keep / 8] & mask) |
				    (k->data[keep / 8] & ~mask);
}

/*
 * A random prefix: lengths spread over all of 0..max, more of the long
 * ones; its data unmasked beyond the length, as users may well pass it.
 * Half of the time it is carved out of an earlier prefix, so that prefixes
 * nest and share ranges.
 */
static void random_prefix(uint64_t *seed, __u32 data_size,
			  const struct lpm_key *earlier, __u32 n_earlier,
			  struct lpm_key *k)
{
	__u32 max = data_size * 8;

	memset(k, 0, sizeof(*k));
	fill_pattern(k->data, data_size, prng_next(seed));
	if (n_earlier && prng_next(seed) % 2)
		take_prefix(k, &earlier[prng_next(seed) % n_earlier]);
	if (prng_next(seed) % 4)
		k->prefixlen = max - prng_next(seed) % (max / 2 + 1);
	else
		k->prefixlen = prng_next(seed) % (max + 1);
}

/* An address: inside a known prefix, or anywhere. */
static void random_address(uint64_t *seed, __u32 data_size,
			   const struct lpm_key *known, __u32 n_known,
			   __u32 prefixlen, struct lpm_key *k)
{
	memset(k, 0, sizeof(*k));
	fill_pattern(k->data, data_size, prng_next(seed));
	if (n_known && prng_next(seed) % 4)
		take_prefix(k, &known[prng_next(seed) % n_known]);
	k->prefixlen = prefixlen;
}

static int lookups_agree(struct pair *p, uint64_t *seed,
			 const struct lpm_key *known, __u32 n_known, int n)
{
	__u32 max = p->data_size * 8;
	struct lpm_key k;
	int i;

	for (i = 0; i < n; i++) {
		/* Mostly full-length addresses, sometimes shorter keys. */
		__u32 len = prng_next(seed) % 8 ? max : prng_next(seed) % (max + 1);

		random_address(seed, p->data_size, known, n_known, len, &k);
		if (pair_lookup(p, &k))
			return -1;
	}
	return 0;
}

/*
 * Random inserts (@per_round a round), lookups, deletes and lookups again,
 * for one key size and capacity.
 */
static int random_rounds(__u32 data_size, __u32 max_entries, __u32 per_round,
			 int rounds, uint64_t seed)
{
	static struct lpm_key known[4096];
	AUTO_PAIR p = { .ext = -1, .kern = -1 };
	__u32 n_known = 0, i;
	struct lpm_key k;
	int r, ret;

	if (pair_open(&p, data_size, max_entries))
		return TAP_FAIL;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < per_round; i++) {
			random_prefix(&seed, data_size, known, n_known, &k);
			if (pair_update(&p, &k, prng_next(&seed), BPF_ANY, &ret))
				return TAP_FAIL;
			if (!ret && n_known < 4096)
				known[n_known++] = k;
		}
		if (lookups_agree(&p, &seed, known, n_known, 4000) ||
		    pair_same_keys(&p))
			return TAP_FAIL;
		for (i = 0; i < n_known; i++) {
			if (prng_next(&seed) % 2)
				continue;
			if (pair_delete(&p, &known[i]))
				return TAP_FAIL;
			known[i] = known[--n_known];
		}
		if (lookups_agree(&p, &seed, known, n_known, 4000) ||
		    pair_same_keys(&p))
			return TAP_FAIL;
	}
	tap_diag("%d rounds, %u prefixes left", rounds, n_known);
	return TAP_PASS;
}

static int lpm_random_ipv4(void)
{
	return random_rounds(4, 1024, 512, 4, 0x1234);
}

/* Large maps index 20 bits at the top instead of 16. */
static int lpm_random_ipv4_large_map(void)
{
	return random_rounds(4, 1 << 17, 512, 4, 0x4321);
}

static int lpm_random_ipv6(void)
{
	return random_rounds(16, 1024, 512, 4, 0x5678);
}

static int lpm_random_ipv6_large_map(void)
{
	return random_rounds(16, 1 << 17, 512, 4, 0x8765);
}

static int lpm_random_one_byte(void)
{
	return random_rounds(1, 64, 32, 8, 0x9abc);
}

static int lpm_random_three_bytes(void)
{
	return random_rounds(3, 1 << 17, 256, 4, 0xcdef);
}

static void shuffle_keys(struct lpm_key *keys, __u32 n, uint64_t *seed)
{
	struct lpm_key t;
	__u32 i, j;

	for (i = n - 1; i > 0; i--) {
		j = prng_next(seed) % (i + 1);
		t = keys[i];
		keys[i] = keys[j];
		keys[j] = t;
	}
}

/*
 * A dense block: every full-length address under one prefix 12 bits
 * shorter, and prefixes of the lengths between, in random order; lpm gives
 * such a block one wide node instead of three levels of small ones.  Then
 * deletes take it apart again, down to nothing.
 */
static int dense_block(__u32 data_size, __u32 max_entries, uint64_t seed)
{
	static struct lpm_key keys[4096 + 256];
	AUTO_PAIR p = { .ext = -1, .kern = -1 };
	__u32 max = data_size * 8, n = 0, keep, i, j;
	struct lpm_key base, k;
	int ret;

	if (pair_open(&p, data_size, max_entries))
		return TAP_FAIL;
	memset(&base, 0, sizeof(base));
	fill_pattern(base.data, data_size, prng_next(&seed));
	base.prefixlen = max - 12;
	for (i = 0; i < TAP_ARRAY_SIZE(keys); i++) {
		k = base;
		/* The block's addresses, then random ones and lengths. */
		j = i < 4096 ? i : prng_next(&seed) & 0xfff;
		k.data[data_size - 1] = j & 0xff;
		k.data[data_size - 2] = (k.data[data_size - 2] & 0xf0) | j >> 8;
		k.prefixlen = i < 4096 ? max : max - 12 + prng_next(&seed) % 12;
		keys[n++] = k;
	}
	shuffle_keys(keys, n, &seed);
	for (i = 0, j = 0; i < n; i++) {
		if (pair_update(&p, &keys[i], prng_next(&seed), BPF_ANY, &ret))
			return TAP_FAIL;
		if (!ret)
			keys[j++] = keys[i];
	}
	n = j;
	for (;;) {
		if (lookups_agree(&p, &seed, keys, n, 8000) ||
		    pair_same_keys(&p))
			return TAP_FAIL;
		if (!n)
			break;
		/* Delete half, or all but 8 when few are left, then all. */
		keep = n > 64 ? n / 2 : n > 8 ? 8 : 0;
		while (n > keep) {
			i = prng_next(&seed) % n;
			if (pair_delete(&p, &keys[i]))
				return TAP_FAIL;
			keys[i] = keys[--n];
		}
	}
	return TAP_PASS;
}

static int lpm_dense_ipv4(void)
{
	return dense_block(4, 8192, 0x2468);
}

static int lpm_dense_ipv4_large_map(void)
{
	return dense_block(4, 1 << 17, 0x1357);
}

static int lpm_dense_ipv6(void)
{
	return dense_block(16, 8192, 0x3579);
}

static struct lpm_key key4(__u32 prefixlen, __u8 a, __u8 b, __u8 c, __u8 d)
{
	struct lpm_key k = { .prefixlen = prefixlen, .data = { a, b, c, d } };

	return k;
}

/*
 * Lookups racing the build and the collapse of a wide node.  A writer
 * fills the block 10.1.0.0/20 with all its 4096 /32s in random order (the
 * insert that completes the block's 273 small nodes turns them into one
 * wide node), then deletes them all (the last delete turns the block back
 * into the /20 alone), RACE_ROUNDS times; a reader thread meanwhile looks
 * up random addresses of the block through bpf(2), the path programs take.
 * Each lookup must find the address's own /32 or the /20: never nothing,
 * never another address.  fdinfo's memlock (map_mem_usage, 6.6 on) shows each
 * build (the map takes less memory after more inserts) and each collapse
 * (deletes free the wide node), and that every round ends with the memory
 * it began with, as if the block had never been.
 */
#define RACE_ROUNDS	6
#define RACE_BLOCK	0x0a010000u	/* 10.1.0.0/20 */
#define RACE_COVER	0xc0ffeeULL	/* the /20's value */
#define RACE_WIDE_BYTES	32768		/* a wide node: 4096 8-byte slots */
#define RACE_SAMPLE	16		/* see race_write() */

struct race_reader {
	pthread_t th;
	int fd;
	uint64_t seed;
	atomic_int stop;
	atomic_int writing;		/* 1 from the writer's start to its end */
	unsigned long long lookups;
	unsigned long long during;	/* lookups wholly inside the writer's run */
	__u32 bad_addr;			/* the first wrong answer, if any */
	int bad_err;
	__u64 bad_value;
	bool bad;
};

static struct lpm_key race_key(__u32 prefixlen, __u32 addr)
{
	return key4(prefixlen, addr >> 24, addr >> 16, addr >> 8, addr);
}

/* The value of an address's /32: never the /20's. */
static __u64 race_value(const struct lpm_key *k)
{
	return 1ULL << 32 | (__u32)k->data[0] << 24 | k->data[1] << 16 |
	       k->data[2] << 8 | k->data[3];
}

static void *race_read(void *arg)
{
	struct race_reader *r = arg;

	while (!atomic_load(&r->stop)) {
		__u32 addr = RACE_BLOCK | (prng_next(&r->seed) & 0xfff);
		struct lpm_key k = race_key(32, addr);
		__u64 v = 0;
		int before = atomic_load(&r->writing), err;

		err = res(bpf_map_lookup_elem(r->fd, &k, &v));
		r->lookups++;
		if (before && atomic_load(&r->writing))
			r->during++;
		if (err || (v != RACE_COVER && v != race_value(&k))) {
			r->bad = true;
			r->bad_addr = addr;
			r->bad_err = err;
			r->bad_value = v;
			break;
		}
	}
	return NULL;
}

static unsigned long long race_memlock(int fd)
{
	unsigned long long v = 0;

	fdinfo_field(fd, "memlock", &v);
	return v;
}

/*
 * After operation @i: every RACE_SAMPLE operations, whether memlock fell by
 * @drop bytes or more since the last sample.  That many inserts add less
 * than the 6 KiB a wide node saves over its 273 small nodes, that many
 * deletes free less than its 32 KiB.
 */
static bool race_fell(int fd, __u32 i, unsigned long long *last,
		      unsigned long long drop)
{
	unsigned long long now;
	bool fell;

	if (i % RACE_SAMPLE != RACE_SAMPLE - 1)
		return false;
	now = race_memlock(fd);
	fell = now + drop <= *last;
	*last = now;
	return fell;
}

/* The writer's rounds; counts the builds and collapses memlock showed. */
static int race_write(int fd, uint64_t *seed, int *built, int *collapsed)
{
	static struct lpm_key keys[4096];
	unsigned long long empty = race_memlock(fd), last;
	bool widened, narrowed;
	__u64 v;
	__u32 i;
	int round;

	for (i = 0; i < 4096; i++)
		keys[i] = race_key(32, RACE_BLOCK | i);
	for (round = 0; round < RACE_ROUNDS; round++) {
		shuffle_keys(keys, 4096, seed);
		widened = false;
		last = race_memlock(fd);
		for (i = 0; i < 4096; i++) {
			v = race_value(&keys[i]);
			ASSERT_OK(bpf_map_update_elem(fd, &keys[i], &v, BPF_NOEXIST));
			widened |= race_fell(fd, i, &last, 1);
		}
		*built += widened;
		shuffle_keys(keys, 4096, seed);
		narrowed = false;
		for (i = 0; i < 4096; i++) {
			ASSERT_OK(bpf_map_delete_elem(fd, &keys[i]));
			narrowed |= race_fell(fd, i, &last, RACE_WIDE_BYTES);
		}
		*collapsed += narrowed;
		/* The /20 alone again: nothing of the round is left over. */
		ASSERT(last == empty, "round %d: memlock %llu, was %llu",
		      round, last, empty);
	}
	return TAP_PASS;
}

static struct {
	bool done;
	int built, collapsed;
	unsigned long long before, after;	/* memlock around one insert */
} wide_race;

static int lpm_wide_node_race(void)
{
	struct lpm_key cover = race_key(20, RACE_BLOCK);
	int built = 0, collapsed = 0, ret, e;
	struct race_reader r = {};
	unsigned long long before;
	__u64 v = RACE_COVER;
	uint64_t seed = 0x5eed;
	AUTO_FD fd = -1;

	fd = ext_create(EXTMAP_MAP_TYPE_LPM, LPM_KEY(4), sizeof(__u64), 8192,
			BPF_F_NO_PREALLOC, "race_lpm");
	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &cover, &v, BPF_NOEXIST));

	r.fd = fd;
	r.seed = 0x1000;
	e = pthread_create(&r.th, NULL, race_read, &r);
	ASSERT(!e, "pthread_create: %s", tap_errname(e));
	atomic_store(&r.writing, 1);
	ret = race_write(fd, &seed, &built, &collapsed);
	atomic_store(&r.writing, 0);
	atomic_store(&r.stop, 1);
	pthread_join(r.th, NULL);
	tap_diag("%llu lookups, %llu of them while the writer ran, during %d rounds; "
		 "memlock showed %d builds, %d collapses",
		 r.lookups, r.during, RACE_ROUNDS, built, collapsed);
	ASSERT(!r.bad, "lookup %#x: %s, value %#llx", r.bad_addr,
	      tap_errname(-r.bad_err), (unsigned long long)r.bad_value);
	if (ret != TAP_PASS)
		return ret;
	/*
	 * For lpm_wide_node_memlock: whether memlock follows an insert.
	 * Before 6.6 it is an estimate from the sizes that never moves.
	 */
	before = race_memlock(fd);
	cover.prefixlen = 32;
	v = race_value(&cover);
	ASSERT_OK(bpf_map_update_elem(fd, &cover, &v, BPF_NOEXIST));
	wide_race.before = before;
	wide_race.after = race_memlock(fd);
	wide_race.built = built;
	wide_race.collapsed = collapsed;
	wide_race.done = true;
	ASSERT(r.during > 0, "no lookup happened while the writer ran (%llu in all): no race was tried",
	      r.lookups);
	return TAP_PASS;
}

/*
 * What memlock showed in lpm_wide_node_race: from 6.6 on it is the map's
 * map_mem_usage(), which must follow its contents (a map_mem_usage that
 * does not would leave it still, and the builds and collapses unseen):
 * it moves on an insert, and every round built and collapsed the wide node.
 * Before 6.6 memlock is an estimate from the sizes: skipped, saying so.
 */
static int lpm_wide_node_memlock(void)
{
	if (!wide_race.done)
		return tap_skip_reason("lpm_wide_node_race did not get to the end");
	if (!kernel_at_least(6, 6)) {
		ASSERT(wide_race.after == wide_race.before,
		      "memlock moved (%llu to %llu) on a kernel without map_mem_usage",
		      wide_race.before, wide_race.after);
		return tap_skip_reason("no map_mem_usage before 6.6: memlock is an estimate from the sizes, builds and collapses of the wide node cannot be seen");
	}
	ASSERT(wide_race.after != wide_race.before,
	      "memlock stayed %llu after inserting a prefix: map_mem_usage does not follow the map (6.6 on, it must)",
	      wide_race.before);
	ASSERT(wide_race.built == RACE_ROUNDS && wide_race.collapsed == RACE_ROUNDS,
	      "%d rounds, %d wide node builds, %d collapses seen; expected %d of each",
	      RACE_ROUNDS, wide_race.built, wide_race.collapsed, RACE_ROUNDS);
	return TAP_PASS;
}

/*
 * Lookups overtaken by updates on their own CPU: lpm_race.bpf.c's reader
 * runs in a loop on CPU 0 and its writer in the cpu-clock timer interrupt
 * of CPU 0, every 50 us, inserting and deleting prefixes in turns.  An
 * interrupt that comes between two reads of one lookup (a tail's slot and
 * its cover; the probes of two prefix lengths) changes the map twice
 * under it (lpm_seq_bump() tells why that matters): every answer must
 * still be one the map gave before or after.
 */
#define INTR_SECONDS	6
#define INTR_PERIOD_NS	50000

static int lookup_interrupted_run(struct lpm_race *skel)
{
	LIBBPF_OPTS(bpf_test_run_opts, run, .repeat = 16);
	int ret = TAP_PASS, prog = bpf_program__fd(skel->progs.lpm_race_reader);
	struct bpf_link *link;
	char pkt[64] = {};
	AUTO_FD perf = -1;
	time_t end;

	run.data_in = pkt;
	run.data_size_in = sizeof(pkt);
	perf = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK,
			 INTR_PERIOD_NS, 0);
	ASSERT(perf >= 0, "perf_event_open(cpu-clock): %s", tap_errname(errno));
	link = bpf_program__attach_perf_event(skel->progs.lpm_race_writer, perf);
	ASSERT(link, "attach perf_event: %s", tap_errname(errno));
	end = time(NULL) + INTR_SECONDS;
	while (ret == TAP_PASS && time(NULL) < end) {
		if (bpf_prog_test_run_opts(prog, &run)) {
			tap_diag("test_run: %s", tap_errname(errno));
			ret = TAP_FAIL;
		}
	}
	bpf_link__destroy(link);
	return ret;
}

static int lpm_lookup_interrupted(void)
{
	struct lpm_key k8 = race_key(8, 0x0a000000);
	struct lpm_key k24 = race_key(24, 0x0a010100);
	struct lpm_key k2_16 = race_key(16, 0x0a020000);
	__u64 v8 = LPM_RACE_VALUE_8, v24 = LPM_RACE_VALUE_24;
	__u64 v2_16 = LPM_RACE_VALUE_2_16;
	cpu_set_t cpu0, saved;
	struct lpm_race *skel;
	int ret = TAP_FAIL, fd;

	skel = lpm_race__open();
	ASSERT(skel, "open: %s", tap_errname(errno));
	if (extmap_bpf_object_prepare(skel->obj, NULL) != 1 ||
	    lpm_race__load(skel)) {
		tap_diag("prepare or load failed: %s", tap_errname(errno));
		goto out;
	}
	fd = bpf_map__fd(skel->maps.race_lpm);
	if (bpf_map_update_elem(fd, &k8, &v8, BPF_NOEXIST) ||
	    bpf_map_update_elem(fd, &k24, &v24, BPF_NOEXIST) ||
	    bpf_map_update_elem(fd, &k2_16, &v2_16, BPF_NOEXIST)) {
		tap_diag("update: %s", tap_errname(errno));
		goto out;
	}
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_getaffinity(0, sizeof(saved), &saved) ||
	    sched_setaffinity(0, sizeof(cpu0), &cpu0)) {
		tap_diag("sched_setaffinity: %s", tap_errname(errno));
		goto out;
	}
	ret = lookup_interrupted_run(skel);
	sched_setaffinity(0, sizeof(saved), &saved);
	tap_diag("%llu lookups, %llu writer turns; %llu wrong answers (last %llu), %llu failed updates (last %lld)",
		 (unsigned long long)skel->bss->lookups,
		 (unsigned long long)skel->bss->rounds,
		 (unsigned long long)skel->bss->wrong,
		 (unsigned long long)skel->bss->wrong_value,
		 (unsigned long long)skel->bss->write_errors,
		 (long long)skel->bss->write_error);
	if (skel->bss->rounds < 100) {
		tap_diag("the writer ran too rarely for the case to tell anything");
		ret = TAP_FAIL;
	}
	if (skel->bss->wrong || skel->bss->write_errors)
		ret = TAP_FAIL;
out:
	lpm_race__destroy(skel);
	return ret;
}

/* Flags, bad keys and a full map: the same errnos as LPM_TRIE. */
static int lpm_errnos_match(void)
{
	AUTO_PAIR p = { .ext = -1, .kern = -1 };
	struct lpm_key k = key4(16, 10, 1, 0, 0);
	struct lpm_key bad = key4(33, 10, 1, 2, 3);
	int ret, i;

	if (pair_open(&p, 4, 4))
		return TAP_FAIL;
	if (pair_update(&p, &k, 1, BPF_EXIST, &ret) ||
	    pair_update(&p, &k, 1, BPF_NOEXIST, &ret) ||
	    pair_update(&p, &k, 2, BPF_NOEXIST, &ret) ||
	    pair_update(&p, &k, 3, BPF_EXIST, &ret) ||
	    pair_update(&p, &k, 4, BPF_EXIST + 1, &ret) ||
	    pair_update(&p, &k, 4, BPF_F_LOCK, &ret) ||
	    pair_update(&p, &bad, 5, BPF_ANY, &ret) ||
	    pair_delete(&p, &bad) || pair_lookup(&p, &bad))
		return TAP_FAIL;
	for (i = 0; i < 5; i++) {
		k = key4(24, 10, 2, i, 0);
		if (pair_update(&p, &k, 10 + i, BPF_ANY, &ret))
			return TAP_FAIL;
	}
	ASSERT(ret == -ENOSPC, "the fifth prefix got %s", tap_errname(-ret));
	k = key4(24, 10, 2, 0, 0);
	if (pair_update(&p, &k, 20, BPF_ANY, &ret) || pair_delete(&p, &k) ||
	    pair_delete(&p, &k) || pair_lookup(&p, &k))
		return TAP_FAIL;
	ASSERT_OK(ret);
	return pair_same_keys(&p) ? TAP_FAIL : TAP_PASS;
}

/* A prefix length of 0 (a default route) and of the full key. */
static int lpm_extreme_lengths(void)
{
	AUTO_PAIR p = { .ext = -1, .kern = -1 };
	struct lpm_key k;
	uint64_t seed = 42;
	struct lpm_key known[3] = {
		key4(0, 0, 0, 0, 0), key4(32, 192, 168, 1, 1),
		key4(8, 192, 0, 0, 0),
	};
	int i, ret;

	if (pair_open(&p, 4, 16))
		return TAP_FAIL;
	for (i = 0; i < 3; i++) {
		if (pair_update(&p, &known[i], i + 1, BPF_ANY, &ret) ||
		    lookups_agree(&p, &seed, known, 3, 500))
			return TAP_FAIL;
		ASSERT_OK(ret);
	}
	for (i = 0; i < 3; i++) {
		if (pair_delete(&p, &known[i]) ||
		    lookups_agree(&p, &seed, known, 3, 500))
			return TAP_FAIL;
	}
	k = key4(32, 192, 168, 1, 1);
	return pair_lookup(&p, &k) ? TAP_FAIL : TAP_PASS;
}

/* get_next_key from NULL, from a missing key and from a bad one. */
static int lpm_get_next_key_starts(void)
{
	AUTO_PAIR p = { .ext = -1, .kern = -1 };
	struct lpm_key k = key4(24, 10, 0, 1, 0), first, next;
	struct lpm_key missing = key4(24, 10, 0, 2, 0);
	struct lpm_key bad = key4(40, 10, 0, 1, 0);
	int ret;

	if (pair_open(&p, 4, 8))
		return TAP_FAIL;
	ASSERT_ERRNO(bpf_map_get_next_key(p.ext, NULL, &first), ENOENT);
	if (pair_update(&p, &k, 1, BPF_ANY, &ret))
		return TAP_FAIL;
	ASSERT_OK(bpf_map_get_next_key(p.ext, NULL, &first));
	ASSERT_OK(bpf_map_get_next_key(p.ext, &missing, &next));
	ASSERT(!memcmp(&first, &next, LPM_KEY(4)), "missing key: not the first");
	ASSERT_OK(bpf_map_get_next_key(p.ext, &bad, &next));
	ASSERT(!memcmp(&first, &next, LPM_KEY(4)), "bad key: not the first");
	ASSERT_ERRNO(bpf_map_get_next_key(p.ext, &first, &next), ENOENT);
	return TAP_PASS;
}

/* The same operations from an XDP program, on both map types. */
static int lpm_from_bpf(void)
{
	static struct lpm_key known[LPM_DIFF_ENTRIES];
	struct lpm_diff *skel;
	uint64_t seed = 0xbeef;
	__u32 n_known = 0, i;
	int round, ret = TAP_FAIL, err;
	LIBBPF_OPTS(bpf_test_run_opts, run);
	char pkt[64] = {};

	run.data_in = pkt;
	run.data_size_in = sizeof(pkt);
	skel = lpm_diff__open();
	ASSERT(skel, "open: %s", tap_errname(errno));
	err = extmap_bpf_object_prepare(skel->obj, NULL);
	if (err != 1 || lpm_diff__load(skel)) {
		tap_diag("prepare: %d, or load failed", err);
		goto out;
	}
	for (round = 0; round < 8; round++) {
		struct lpm_op *ops = skel->bss->ops;

		for (i = 0; i < LPM_DIFF_OPS; i++) {
			struct lpm_key k;
			__u32 what = prng_next(&seed) % 8;

			memset(&ops[i], 0, sizeof(ops[i]));
			if (what < 3) {
				random_prefix(&seed, 4, known, n_known, &k);
				ops[i].op = LPM_OP_UPDATE;
				ops[i].flags = prng_next(&seed) % 3;
				ops[i].value = prng_next(&seed) >> 1;
				if (n_known < LPM_DIFF_ENTRIES)
					known[n_known++] = k;
			} else if (what < 4 && n_known) {
				k = known[prng_next(&seed) % n_known];
				ops[i].op = LPM_OP_DELETE;
			} else {
				random_address(&seed, 4, known, n_known, 32, &k);
				ops[i].op = LPM_OP_LOOKUP;
			}
			ops[i].key.prefixlen = k.prefixlen;
			memcpy(ops[i].key.data, k.data, 4);
		}
		skel->bss->n_ops = LPM_DIFF_OPS;
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.lpm_diff),
					   &run)) {
			tap_diag("test_run: %s", tap_errname(errno));
			goto out;
		}
		for (i = 0; i < LPM_DIFF_OPS; i++) {
			if (skel->bss->ext_res[i] != skel->bss->kern_res[i]) {
				tap_diag("round %d op %u (%u on /%u %s): extmap %lld, LPM_TRIE %lld",
					 round, i, ops[i].op, ops[i].key.prefixlen,
					 hexstr(ops[i].key.data, 4),
					 (long long)skel->bss->ext_res[i],
					 (long long)skel->bss->kern_res[i]);
				goto out;
			}
		}
	}
	{
		struct pair p = {
			.ext = bpf_map__fd(skel->maps.ext_lpm),
			.kern = bpf_map__fd(skel->maps.kern_lpm),
			.data_size = 4,
		};

		if (pair_same_keys(&p))
			goto out;
	}
	ret = TAP_PASS;
out:
	lpm_diff__destroy(skel);
	return ret;
}

/* LPM_TRIE's creation rules, and the key sizes extmap does not take. */
static int lpm_create_errnos(void)
{
	struct bpf_map_info info;
	AUTO_FD fd = -1;

	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_LPM, 4, 8, 16, 0, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_LPM, 4 + 17, 8, 16, 0, NULL),
		    EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_LPM, 8, 0, 16, 0, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_LPM, 8, 8, 0, 0, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_LPM, 8, 8, 16, BPF_F_ZERO_SEED,
			       NULL), EINVAL);
	/* LPM_TRIE insists on BPF_F_NO_PREALLOC; extmap takes both. */
	fd = ext_create(EXTMAP_MAP_TYPE_LPM, 8, 8, 16, 0, "lpm");
	ASSERT_OK(fd);
	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_LPM, "type %#x", info.type);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(lpm_create_errnos),
	TAP_CASE(lpm_errnos_match),
	TAP_CASE(lpm_extreme_lengths),
	TAP_CASE(lpm_get_next_key_starts),
	TAP_CASE(lpm_random_ipv4),
	TAP_CASE(lpm_random_ipv4_large_map),
	TAP_CASE(lpm_random_ipv6),
	TAP_CASE(lpm_random_ipv6_large_map),
	TAP_CASE(lpm_random_one_byte),
	TAP_CASE(lpm_random_three_bytes),
	TAP_CASE(lpm_dense_ipv4),
	TAP_CASE(lpm_dense_ipv4_large_map),
	TAP_CASE(lpm_dense_ipv6),
	TAP_CASE(lpm_wide_node_race),
	TAP_CASE(lpm_wide_node_memlock),
	TAP_CASE(lpm_lookup_interrupted),
	TAP_CASE(lpm_from_bpf),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
