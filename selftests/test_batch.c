// SPDX-License-Identifier: GPL-2.0
/*
 * test_batch: the batch commands of bpf(2) and bpf_for_each_map_elem() on
 * every extmap type, against the kernel's counterpart: array against
 * BPF_MAP_TYPE_ARRAY, hash against BPF_MAP_TYPE_HASH, lpm against
 * BPF_MAP_TYPE_LPM_TRIE where the kernel's has the command, else against
 * what HASH does (LPM_TRIE has no lookup-and-delete batch nor for_each).
 *
 *   - update then lookup in batches of 1, 3 and all: every element once,
 *     ENOENT at the end, as the kernel's;
 *   - a full count is success, the next call ENOENT with count 0;
 *   - lookup-and-delete drains the map; arrays refuse it and delete
 *     batches with ENOTSUPP (524), as ARRAY does;
 *   - delete batches, and one stopping at a missing key: ENOENT with the
 *     keys deleted before it in count;
 *   - updates stopping part way (index out of range, map full): the
 *     kernel's errno and count;
 *   - bad input: elem_flags, flags, count 0, faulting pointers: the same
 *     errno and count as the kernel's map;
 *   - BPF_F_LOCK batches on values with a bpf_spin_lock: the lock word is
 *     neither written nor read, as on ARRAY and HASH;
 *   - an XDP program (progs/for_each.bpf.c) sums each map's values with
 *     bpf_for_each_map_elem(), stops early when its callback returns 1,
 *     gets EINVAL for flags, and deletes from inside the callback;
 *   - an iter/bpf_map_elem program attaches to ARRAY and HASH, not to an
 *     extmap map (EINVAL: the kernel checks map_type).
 */
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/for_each_common.h"
#include "for_each.skel.h"

#define N		FE_ENTRIES
#define VAL(i)		(1000ull + (i))
#define KEY_MAX		8

enum kind { K_ARR, K_HASH, K_LPM, K_NR };

static const char *const kind_names[K_NR] = { "array", "hash", "lpm" };
static const __u32 ext_types[K_NR] = {
	EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_LPM,
};
static const __u32 kernel_types[K_NR] = {
	BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LPM_TRIE,
};

static __u32 key_size(int kind)
{
	return kind == K_LPM ? sizeof(struct fe_lpm_key) : sizeof(__u32);
}

/* The key of element @i: index i, 100 + i, or (i + 1)/32. */
static void make_key(int kind, __u32 i, void *buf)
{
	struct fe_lpm_key *k = buf;

	memset(buf, 0, KEY_MAX);
	if (kind == K_LPM) {
		k->prefixlen = 32;
		k->addr = i + 1;
	} else {
		*(__u32 *)buf = kind == K_ARR ? i : 100 + i;
	}
}

static __u32 key_index(int kind, const void *buf)
{
	const struct fe_lpm_key *k = buf;

	if (kind == K_LPM)
		return k->addr - 1;
	return *(const __u32 *)buf - (kind == K_ARR ? 0 : 100);
}

/* A map of @kind, extmap's or the kernel's: an fd, or -1 and errno. */
static int create(int kind, bool ext, __u32 max_entries)
{
	__u32 flags = kind == K_LPM ? BPF_F_NO_PREALLOC : 0;
	LIBEXTMAP_OPTS(extmap_create_opts, opts, .map_flags = flags);
	LIBBPF_OPTS(bpf_map_create_opts, kopts, .map_flags = flags);
	int fd;

	if (!ext)
		return bpf_map_create(kernel_types[kind], NULL, key_size(kind),
				      sizeof(__u64), max_entries, &kopts);
	fd = extmap_create(ext_types[kind], key_size(kind), sizeof(__u64),
			   max_entries, &opts);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

static const char *who(bool ext)
{
	return ext ? "extmap" : "kernel";
}

/* Elements @from..@to - 1 with one update batch: 0 or -errno. */
static int fill(int fd, int kind, __u32 from, __u32 to, __u32 *count)
{
	char keys[(N + 2) * KEY_MAX];
	__u64 vals[N + 2];
	__u32 i, ks = key_size(kind);

	for (i = from; i < to; i++) {
		make_key(kind, i, keys + (i - from) * ks);
		vals[i - from] = VAL(i);
	}
	*count = to - from;
	return bpf_map_update_batch(fd, keys, vals, count, NULL) ? -errno : 0;
}

/*
 * Walk the map with lookup (or lookup-and-delete) batches of @step until
 * ENOENT, checking each value and that no key comes twice.  Return: the
 * number of elements, or -errno.  HASH answers ENOSPC when a bucket does
 * not fit in count: then the walk retries with a larger one, as the
 * kernel's selftests do.
 */
static int walk(int fd, int kind, bool del, __u32 step, bool seen[N])
{
	char keys[N * KEY_MAX], in[KEY_MAX], out[KEY_MAX];
	__u32 ks = key_size(kind), c, count, idx;
	void *inp = NULL;
	__u64 vals[N];
	int total = 0, iter, err;

	memset(seen, 0, N * sizeof(bool));
	for (iter = 0; iter < 4 * N; iter++) {
		count = step;
		if (del)
			err = bpf_map_lookup_and_delete_batch(fd, inp, out, keys,
							      vals, &count, NULL);
		else
			err = bpf_map_lookup_batch(fd, inp, out, keys, vals,
						   &count, NULL);
		err = err ? errno : 0;
		if (err == ENOSPC && step < N) {
			step = step * 2 > N ? N : step * 2;
			continue;
		}
		if (err && err != ENOENT)
			return -err;
		if (count > step) {
			tap_diag("count %u for a batch of %u", count, step);
			return -EOVERFLOW;
		}
		for (c = 0; c < count; c++) {
			idx = key_index(kind, keys + c * ks);
			if (idx >= N || seen[idx] || vals[c] != VAL(idx)) {
				tap_diag("element %u: key %s, value %llu", c,
					 hexstr(keys + c * ks, ks),
					 (unsigned long long)vals[c]);
				return -EBADMSG;
			}
			seen[idx] = true;
			total++;
		}
		if (err == ENOENT)
			return total;
		memcpy(in, out, sizeof(in));
		inp = in;
	}
	return -ELOOP;
}

static int map_empty(int fd)
{
	char key[KEY_MAX];

	return bpf_map_get_next_key(fd, NULL, key) && errno == ENOENT;
}

/* Update, then lookup in batches: each element once, ENOENT at the end. */
static int update_then_lookup(void)
{
	static const __u32 steps[] = { 1, 3, N };
	bool seen[N];
	__u32 count;
	int kind, e, s, n;

	for (kind = 0; kind < K_NR; kind++) {
		for (e = 0; e < 2; e++) {
			AUTO_FD fd = create(kind, e, N);

			ASSERT(fd >= 0, "%s %s: create: %s", who(e),
			       kind_names[kind], tap_errname(errno));
			ASSERT_OK(fill(fd, kind, 0, N, &count));
			ASSERT_EQ(count, N, "update batch count");
			for (s = 0; s < (int)TAP_ARRAY_SIZE(steps); s++) {
				n = walk(fd, kind, false, steps[s], seen);
				ASSERT(n == N, "%s %s, batches of %u: %d (%s)",
				       who(e), kind_names[kind], steps[s], n,
				       n < 0 ? tap_errname(-n) : "elements");
			}
		}
	}
	return TAP_PASS;
}

/* A batch that fills count returns 0; the next one ENOENT with count 0. */
static int full_count_then_enoent(void)
{
	char keys[N * KEY_MAX], out[KEY_MAX];
	__u64 vals[N];
	__u32 count;
	int kind, e;

	for (kind = 0; kind < K_NR; kind++) {
		for (e = 0; e < 2; e++) {
			AUTO_FD fd = create(kind, e, N);

			/* HASH's own batches stop at bucket ends. */
			if (!e && kind != K_ARR)
				continue;
			ASSERT(fd >= 0, "create: %s", tap_errname(errno));
			ASSERT_OK(fill(fd, kind, 0, N, &count));
			count = N;
			ASSERT_OK(bpf_map_lookup_batch(fd, NULL, out, keys, vals,
						       &count, NULL));
			ASSERT_EQ(count, N, "count of a full batch");
			ASSERT_ERRNO(bpf_map_lookup_batch(fd, out, out, keys,
							  vals, &count, NULL),
				     ENOENT);
			ASSERT_EQ(count, 0, "count after the end");
		}
	}
	return TAP_PASS;
}

/* Lookup-and-delete drains hash and lpm; arrays refuse it, as ARRAY. */
static int lookup_and_delete(void)
{
	static const __u32 steps[] = { 1, 3, N };
	char keys[N * KEY_MAX];
	__u64 vals[N];
	bool seen[N];
	__u32 count;
	int kind, e, s, n;

	for (kind = 0; kind < K_NR; kind++) {
		for (e = 0; e < 2; e++) {
			for (s = 0; s < (int)TAP_ARRAY_SIZE(steps); s++) {
				AUTO_FD fd = create(kind, e, N);

				ASSERT(fd >= 0, "create: %s", tap_errname(errno));
				ASSERT_OK(fill(fd, kind, 0, N, &count));
				if (kind == K_ARR) {
					count = N;
					ASSERT_ERRNO(bpf_map_lookup_and_delete_batch(fd,
						NULL, keys, keys, vals, &count, NULL),
						ENOTSUPP);
					count = 1;
					ASSERT_ERRNO(bpf_map_delete_batch(fd, keys,
						&count, NULL), ENOTSUPP);
					continue;
				}
				n = walk(fd, kind, true, steps[s], seen);
				if (!e && kind == K_LPM) {
					/* LPM_TRIE has none: say what it says. */
					ASSERT_EQ(n, -ENOTSUPP, "LPM_TRIE's answer");
					continue;
				}
				ASSERT(n == N, "%s %s, batches of %u: %d (%s)",
				       who(e), kind_names[kind], steps[s], n,
				       n < 0 ? tap_errname(-n) : "elements");
				ASSERT(map_empty(fd), "%s %s not empty",
				       who(e), kind_names[kind]);
			}
		}
	}
	return TAP_PASS;
}

/* Delete batches; one stopping at a missing key reports what it did. */
static int delete_batches(void)
{
	char keys[N * KEY_MAX], key[KEY_MAX];
	__u32 ks, count, i, order[4] = { 8, 9, 3, 10 };
	__u64 val;
	int kind, e, err;

	for (kind = K_HASH; kind < K_NR; kind++) {
		ks = key_size(kind);
		for (e = 0; e < 2; e++) {
			AUTO_FD fd = create(kind, e, N);

			ASSERT(fd >= 0, "create: %s", tap_errname(errno));
			ASSERT_OK(fill(fd, kind, 0, N, &count));
			for (i = 0; i < 8; i++)
				make_key(kind, i, keys + i * ks);
			count = 8;
			err = bpf_map_delete_batch(fd, keys, &count, NULL);
			ASSERT(!err, "%s %s: delete batch: %s", who(e),
			       kind_names[kind], tap_errname(errno));
			ASSERT_EQ(count, 8, "deleted");
			for (i = 0; i < N; i++) {
				make_key(kind, i, key);
				err = bpf_map_lookup_elem(fd, key, &val);
				ASSERT(i < 8 ? err && errno == ENOENT :
					       !err && val == VAL(i),
				       "%s %s: key %u after the delete",
				       who(e), kind_names[kind], i);
			}
			/* 3 is gone: the batch stops there, after 8 and 9. */
			for (i = 0; i < 4; i++)
				make_key(kind, order[i], keys + i * ks);
			count = 4;
			ASSERT_ERRNO(bpf_map_delete_batch(fd, keys, &count, NULL),
				     ENOENT);
			ASSERT_EQ(count, 2, "deleted before the missing key");
			make_key(kind, 10, key);
			ASSERT_OK(bpf_map_lookup_elem(fd, key, &val));
		}
	}
	return TAP_PASS;
}

/* Updates that stop part way: the kernel's errno, and count. */
static int update_partial(void)
{
	int kind, e, err[2];
	__u32 count[2];

	for (kind = 0; kind < K_NR; kind++) {
		for (e = 0; e < 2; e++) {
			AUTO_FD fd = create(kind, e, N);

			ASSERT(fd >= 0, "create: %s", tap_errname(errno));
			/* N + 2 keys: index N is past an array, or one too many. */
			err[e] = fill(fd, kind, 0, N + 2, &count[e]);
		}
		tap_diag("%s: extmap %s count %u, kernel %s count %u",
			 kind_names[kind], tap_errname(-err[1]), count[1],
			 tap_errname(-err[0]), count[0]);
		ASSERT(err[0] < 0, "the kernel's %s took %u keys",
		       kind_names[kind], N + 2);
		ASSERT_EQ(err[1], err[0], "errno, extmap against the kernel");
		ASSERT_EQ(count[1], count[0], "count, extmap against the kernel");
		ASSERT_EQ(count[1], N, "count");
	}
	return TAP_PASS;
}

/* One batch command's outcome. */
struct outcome {
	int err;	/* 0 or errno */
	__u32 count;
};

enum bad_case {
	BAD_ELEM_FLAGS, BAD_LOCK_NO_LOCK, BAD_FLAGS, COUNT_ZERO, NULL_KEYS,
	SECOND_FAULTS, BAD_IN_BATCH, BAD_OUT_BATCH, BAD_NR,
};

static const char *const bad_names[BAD_NR] = {
	"elem_flags 2", "BPF_F_LOCK without a lock", "flags 1", "count 0",
	"keys NULL", "second key faults", "in_batch faults",
	"out_batch faults",
};

enum batch_cmd { C_LOOKUP, C_LOOKUP_DELETE, C_UPDATE, C_DELETE, C_NR };

static const char *const cmd_names[C_NR] = {
	"lookup", "lookup_and_delete", "update", "delete",
};

/*
 * Run command @cmd on a map of @kind with N elements in it, in bad case
 * @bad.  @page is two pages, the second unmapped.
 */
static struct outcome run_bad(int kind, bool ext, int cmd, int bad, char *page)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	char keys[N * KEY_MAX], out[KEY_MAX];
	__u32 ks = key_size(kind), i;
	struct outcome o = { 0 };
	void *k = keys, *in = NULL, *outp = out;
	__u64 vals[N];
	AUTO_FD fd = create(kind, ext, N);
	long psz = sysconf(_SC_PAGESIZE);
	int r;

	if (fd < 0 || fill(fd, kind, 0, N, &o.count)) {
		o.err = -1;
		return o;
	}
	for (i = 0; i < N; i++) {
		make_key(kind, i, keys + i * ks);
		vals[i] = VAL(i);
	}
	/* Lookups ask for all: HASH's fail with ENOSPC for a bucket that
	 * does not fit in count.
	 */
	o.count = cmd == C_LOOKUP || cmd == C_LOOKUP_DELETE ? N : 2;
	switch (bad) {
	case BAD_ELEM_FLAGS:
		opts.elem_flags = 2;
		break;
	case BAD_LOCK_NO_LOCK:
		opts.elem_flags = BPF_F_LOCK;
		break;
	case BAD_FLAGS:
		opts.flags = 1;
		break;
	case COUNT_ZERO:
		o.count = 0;
		break;
	case NULL_KEYS:
		k = NULL;
		break;
	case SECOND_FAULTS:
		/* The first key at the end of the mapped page. */
		k = page + psz - ks;
		memcpy(k, keys + 5 * ks, ks);
		break;
	case BAD_IN_BATCH:
		in = page + psz;
		break;
	case BAD_OUT_BATCH:
		outp = page + psz;
		break;
	}
	switch (cmd) {
	case C_LOOKUP:
		r = bpf_map_lookup_batch(fd, in, outp, k, vals, &o.count, &opts);
		break;
	case C_LOOKUP_DELETE:
		r = bpf_map_lookup_and_delete_batch(fd, in, outp, k, vals,
						    &o.count, &opts);
		break;
	case C_UPDATE:
		r = bpf_map_update_batch(fd, k, vals, &o.count, &opts);
		break;
	default:
		r = bpf_map_delete_batch(fd, k, &o.count, &opts);
		break;
	}
	o.err = r ? errno : 0;
	return o;
}

/*
 * Bad input: the errno and count of the kernel's map.  Exceptions, each
 * said in Documentation/maps/: flags is EINVAL in every extmap batch, as
 * in HASH's lookup batches, where the kernel's other batches (all of
 * ARRAY's and LPM_TRIE's, HASH's updates and deletes) ignore it; a
 * lookup whose keys or values fault reports the elements copied before
 * in count, where the kernel's leaves it 0 (and HASH's, copying bucket by
 * bucket, may stop before the fault); LPM_TRIE has no
 * lookup-and-delete batch (ENOTSUPP), lpm has.
 */
static int bad_input(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct outcome ko, eo;
	int kind, cmd, bad;
	char *page;

	page = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(page != MAP_FAILED, "mmap: %s", tap_errname(errno));
	munmap(page + psz, psz);

	for (kind = 0; kind < K_NR; kind++) {
		for (cmd = 0; cmd < C_NR; cmd++) {
			for (bad = 0; bad < BAD_NR; bad++) {
				eo = run_bad(kind, true, cmd, bad, page);
				ko = run_bad(kind, false, cmd, bad, page);
				if (eo.err == ko.err && eo.count == ko.count)
					continue;
				tap_diag("%s %s, %s: extmap %s count %u, kernel %s count %u",
					 kind_names[kind], cmd_names[cmd],
					 bad_names[bad], tap_errname(eo.err),
					 eo.count, tap_errname(ko.err), ko.count);
				/* The kernel's look at flags only in HASH's lookups. */
				if (bad == BAD_FLAGS && eo.err == EINVAL &&
				    eo.count == ko.count && !ko.err)
					continue;
				if (kind == K_LPM && cmd == C_LOOKUP_DELETE &&
				    ko.err == ENOTSUPP)
					continue;
				/*
				 * A lookup reports what it copied before the
				 * fault; HASH's depends on its buckets.
				 */
				if ((bad == SECOND_FAULTS || bad == BAD_OUT_BATCH) &&
				    (cmd == C_LOOKUP || cmd == C_LOOKUP_DELETE) &&
				    eo.err == EFAULT &&
				    eo.count == (bad == SECOND_FAULTS ? 1 : N) &&
				    (ko.err == EFAULT || kind == K_HASH))
					continue;
				munmap(page, psz);
				ASSERT(0, "extmap differs from the kernel");
			}
		}
	}
	munmap(page, psz);
	return TAP_PASS;
}

/* A value with a bpf_spin_lock, as in progs/spin_lock_common.h. */
struct lk_val {
	__u32 count;
	__u32 lock;
	__u32 shadow;
	__u32 pad;
};

static struct btf *lock_btf(__u32 *key_id, __u32 *value_id)
{
	struct btf *btf = btf__new_empty();
	int u32_id, lock_id;

	if (!btf)
		return NULL;
	u32_id = btf__add_int(btf, "unsigned int", 4, 0);
	*key_id = u32_id;
	lock_id = btf__add_struct(btf, "bpf_spin_lock", 4);
	btf__add_field(btf, "val", u32_id, 0, 0);
	*value_id = btf__add_struct(btf, "lk_val", sizeof(struct lk_val));
	btf__add_field(btf, "count", u32_id, 0, 0);
	btf__add_field(btf, "lock", lock_id, 32, 0);
	btf__add_field(btf, "shadow", u32_id, 64, 0);
	btf__add_field(btf, "pad", u32_id, 96, 0);
	if (btf__load_into_kernel(btf)) {
		btf__free(btf);
		return NULL;
	}
	return btf;
}

/* BPF_F_LOCK batches: the lock word is neither written nor read back. */
static int lock_batches(void)
{
	struct lk_val vals[N], got[N];
	__u32 keys[N], gkeys[N], key_id, value_id, count, i, out;
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_F_LOCK);
	struct btf *btf = lock_btf(&key_id, &value_id);
	int kind, e, fd, err;

	ASSERT(btf, "loading the BTF failed");
	for (kind = K_ARR; kind <= K_HASH; kind++) {
		for (e = 0; e < 2; e++) {
			LIBEXTMAP_OPTS(extmap_create_opts, xo, .btf_fd = btf__fd(btf),
				       .btf_key_type_id = key_id,
				       .btf_value_type_id = value_id);
			LIBBPF_OPTS(bpf_map_create_opts, ko, .btf_fd = btf__fd(btf),
				    .btf_key_type_id = key_id,
				    .btf_value_type_id = value_id);

			fd = e ? extmap_create(ext_types[kind], 4, sizeof(vals[0]),
					       N, &xo) :
				 bpf_map_create(kernel_types[kind], NULL, 4,
						sizeof(vals[0]), N, &ko);
			if (fd < 0) {
				btf__free(btf);
				ASSERT(0, "%s %s: create: %d", who(e),
				       kind_names[kind], fd);
			}
			for (i = 0; i < N; i++) {
				keys[i] = kind == K_ARR ? i : 100 + i;
				vals[i] = (struct lk_val) { .count = i, .lock = 0xdead,
							    .shadow = i };
			}
			count = N;
			err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
			err = err ? errno : 0;
			if (!err) {
				count = N;
				memset(got, 0xff, sizeof(got));
				err = bpf_map_lookup_batch(fd, NULL, &out, gkeys,
							   got, &count, &opts);
				err = err && errno != ENOENT ? errno : 0;
			}
			close(fd);
			if (err || count != N) {
				btf__free(btf);
				ASSERT(0, "%s %s: %s, count %u", who(e),
				       kind_names[kind], tap_errname(err), count);
			}
			for (i = 0; i < N; i++) {
				if (got[i].lock || got[i].count != got[i].shadow) {
					btf__free(btf);
					ASSERT(0, "%s %s: element %u: lock %#x count %u shadow %u",
					       who(e), kind_names[kind], i,
					       got[i].lock, got[i].count,
					       got[i].shadow);
				}
			}
		}
	}
	btf__free(btf);
	return TAP_PASS;
}

/* The skeleton with its extmap maps created, each map filled. */
static struct for_each *fe_setup(void)
{
	struct for_each *skel = for_each__open();
	struct bpf_map *maps[FE_NR_MAPS];
	int m, kinds[FE_NR_MAPS] = { K_ARR, K_HASH, K_LPM, K_ARR, K_HASH };
	__u32 count;

	static char log[1 << 16];
	struct bpf_program *prog;
	size_t len;

	if (!skel)
		return NULL;
	/* The verifier's last words, which tap_diag() would cut off. */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_log_buf(prog, log, sizeof(log));
	log[0] = '\0';
	libbpf_mute(true);
	if (extmap_bpf_object_prepare(skel->obj, NULL) != 3 ||
	    for_each__load(skel)) {
		libbpf_mute(false);
		len = strlen(log);
		tap_diag("for_each: prepare or load failed; verifier: %s",
			 log + (len > 1000 ? len - 1000 : 0));
		for_each__destroy(skel);
		return NULL;
	}
	libbpf_mute(false);
	maps[FE_ARR] = skel->maps.fe_arr;
	maps[FE_HASH] = skel->maps.fe_hash;
	maps[FE_LPM] = skel->maps.fe_lpm;
	maps[FE_KARR] = skel->maps.fe_karr;
	maps[FE_KHASH] = skel->maps.fe_khash;
	for (m = 0; m < FE_NR_MAPS; m++) {
		if (fill(bpf_map__fd(maps[m]), kinds[m], 0, N, &count)) {
			tap_diag("fill map %d: %s", m, tap_errname(errno));
			for_each__destroy(skel);
			return NULL;
		}
	}
	return skel;
}

static void fe_destroy(struct for_each **skel)
{
	for_each__destroy(*skel);
}

#define AUTO_FE __attribute__((cleanup(fe_destroy))) struct for_each *

static int fe_run(struct for_each *skel, int which, __u32 stop_after,
		  __u64 flags, __u32 del)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt));

	struct bpf_program *progs[FE_NR_MAPS] = {
		skel->progs.xdp_fe_arr, skel->progs.xdp_fe_hash,
		skel->progs.xdp_fe_lpm, skel->progs.xdp_fe_karr,
		skel->progs.xdp_fe_khash,
	};

	skel->bss->stop_after = stop_after;
	skel->bss->flags = flags;
	skel->bss->delete = del;
	skel->bss->sum = 0;
	skel->bss->calls = 0;
	skel->bss->key_sum = 0;
	skel->bss->ret = -1;
	return bpf_prog_test_run_opts(bpf_program__fd(progs[which]), &o);
}

static const char * const fe_names[FE_NR_MAPS] = { "array", "hash", "lpm", "ARRAY", "HASH" };

/* Sum each map: all of it, stopping after 3, and flags 1 (EINVAL). */
static int each_elem_sum(void)
{
	AUTO_FE skel = fe_setup();
	__u64 want = 0;
	__u32 keys[FE_NR_MAPS] = { 0, 100, 1, 0, 100 };
	int m, i;

	ASSERT(skel, "setup failed");
	for (i = 0; i < N; i++)
		want += VAL(i);
	for (m = 0; m < FE_NR_MAPS; m++) {
		ASSERT_OK(fe_run(skel, m, 0, 0, 0));
		ASSERT(skel->bss->ret == N && skel->bss->calls == N &&
		       skel->bss->sum == want &&
		       skel->bss->key_sum == N * keys[m] + N * (N - 1) / 2,
		       "%s: ret %ld, calls %u, sum %llu, key sum %u",
		       fe_names[m], skel->bss->ret, skel->bss->calls,
		       (unsigned long long)skel->bss->sum, skel->bss->key_sum);

		ASSERT_OK(fe_run(skel, m, 3, 0, 0));
		ASSERT(skel->bss->ret == 3 && skel->bss->calls == 3,
		       "%s, stop after 3: ret %ld, calls %u", fe_names[m],
		       skel->bss->ret, skel->bss->calls);

		ASSERT_OK(fe_run(skel, m, 0, 1, 0));
		ASSERT(skel->bss->ret == -EINVAL && skel->bss->calls == 0,
		       "%s, flags 1: ret %ld, calls %u", fe_names[m],
		       skel->bss->ret, skel->bss->calls);
	}
	return TAP_PASS;
}

/* A callback deleting the element it is given empties hash and lpm. */
static int each_elem_delete(void)
{
	AUTO_FE skel = fe_setup();
	int maps[] = { FE_HASH, FE_LPM, FE_KHASH };
	int fds[FE_NR_MAPS];
	int m;

	ASSERT(skel, "setup failed");
	fds[FE_HASH] = bpf_map__fd(skel->maps.fe_hash);
	fds[FE_LPM] = bpf_map__fd(skel->maps.fe_lpm);
	fds[FE_KHASH] = bpf_map__fd(skel->maps.fe_khash);
	for (m = 0; m < (int)TAP_ARRAY_SIZE(maps); m++) {
		ASSERT_OK(fe_run(skel, maps[m], 0, 0, 1));
		ASSERT(skel->bss->ret == N && skel->bss->calls == N,
		       "%s: ret %ld, calls %u", fe_names[maps[m]],
		       skel->bss->ret, skel->bss->calls);
		ASSERT(map_empty(fds[maps[m]]), "%s not empty", fe_names[maps[m]]);
	}
	return TAP_PASS;
}

/*
 * iter/bpf_map_elem: the kernel attaches it only to its own HASH, LRU_HASH
 * and ARRAY types (and their per-CPU ones), by map_type: EINVAL for every
 * extmap type (Documentation/design.md).
 */
static int iter_refused(void)
{
	AUTO_FE skel = fe_setup();
	struct bpf_map *maps[FE_NR_MAPS];
	struct bpf_link *link;
	int m, err;

	ASSERT(skel, "setup failed");
	maps[FE_ARR] = skel->maps.fe_arr;
	maps[FE_HASH] = skel->maps.fe_hash;
	maps[FE_LPM] = skel->maps.fe_lpm;
	maps[FE_KARR] = skel->maps.fe_karr;
	maps[FE_KHASH] = skel->maps.fe_khash;
	for (m = 0; m < FE_NR_MAPS; m++) {
		DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, o);
		union bpf_iter_link_info info = {
			.map.map_fd = bpf_map__fd(maps[m]),
		};

		o.link_info = &info;
		o.link_info_len = sizeof(info);
		libbpf_mute(m < FE_KARR);
		link = bpf_program__attach_iter(skel->progs.iter_map_elem, &o);
		err = libbpf_get_error(link);
		libbpf_mute(false);
		if (!err)
			bpf_link__destroy(link);
		if (m < FE_KARR)
			ASSERT_EQ(err, -EINVAL, fe_names[m]);
		else
			ASSERT_EQ(err, 0, fe_names[m]);
	}
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(update_then_lookup),
	TAP_CASE(full_count_then_enoent),
	TAP_CASE(lookup_and_delete),
	TAP_CASE(delete_batches),
	TAP_CASE(update_partial),
	TAP_CASE(bad_input),
	TAP_CASE(lock_batches),
	TAP_CASE(each_elem_sum),
	TAP_CASE(each_elem_delete),
	TAP_CASE(iter_refused),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
