// SPDX-License-Identifier: GPL-2.0
/*
 * test_parity: an extmap hash behaves exactly like BPF_MAP_TYPE_HASH, an
 * extmap array exactly like BPF_MAP_TYPE_ARRAY, through bpf(2).
 *
 * Each case creates an extmap map and a kernel map with the same
 * attributes and runs the same sequence of operations on both, checking at
 * every step that return codes, errnos and values are identical, and where
 * the kernel's behaviour is fixed, that they are what the kernel documents.
 * Hash iteration order is the implementation's own, so iterations are
 * compared as sets; array iteration is compared in order.  The last cases
 * run a long pseudo-random sequence with a fixed seed, and one checks that
 * an extmap hash stays consistent under concurrent use from several threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "libextmap.h"
#include "util.h"

#define SENTINEL	0xcc
#define MAX_KEY		512
#define MAX_VALUE	256
#define MISMATCH	(-100000)	/* result of a step where both differ */

struct pair {
	const char *kind;	/* "hash" or "array" */
	__u32 ks, vs, max;
	int ext, ker;
};

static void pair_close(struct pair *p)
{
	if (p->ext >= 0)
		close(p->ext);
	if (p->ker >= 0)
		close(p->ker);
	p->ext = p->ker = -1;
}

#define AUTO_PAIR __attribute__((cleanup(pair_close))) struct pair

static int pair_open(struct pair *p, bool hash, __u32 ks, __u32 vs, __u32 max)
{
	memset(p, 0, sizeof(*p));
	p->kind = hash ? "hash" : "array";
	p->ks = ks;
	p->vs = vs;
	p->max = max;
	p->ext = ext_create(hash ? EXTMAP_MAP_TYPE_HASH : EXTMAP_MAP_TYPE_ARRAY,
			    ks, vs, max, 0, "parity");
	if (p->ext < 0) {
		tap_diag("extmap %s k%u v%u max %u: %s", p->kind, ks, vs, max,
			 tap_errname(errno));
		p->ker = -1;
		return -1;
	}
	p->ker = bpf_map_create(hash ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_ARRAY,
				"parity", ks, vs, max, NULL);
	if (p->ker < 0) {
		tap_diag("kernel %s k%u v%u max %u: %s", p->kind, ks, vs, max,
			 tap_errname(errno));
		return -1;
	}
	return 0;
}

/* Key number @i as @ks bytes: i in the first bytes, a fixed pattern after. */
static void key_of(const struct pair *p, unsigned int i, void *buf)
{
	unsigned char *b = buf;
	__u32 j;

	for (j = 0; j < p->ks; j++)
		b[j] = (unsigned char)(0x5a ^ (j * 13));
	for (j = 0; j < p->ks && j < 4; j++)
		b[j] = (unsigned char)(i >> (8 * j));
}

static void val_of(const struct pair *p, uint64_t seed, void *buf)
{
	fill_pattern(buf, p->vs, seed);
}

/* Both results must agree; returns the common result (0 or -errno). */
static int agree(const struct pair *p, const char *op, const void *key,
		 int r_ext, int e_ext, int r_ker, int e_ker)
{
	int a = r_ext < 0 ? -e_ext : r_ext;
	int b = r_ker < 0 ? -e_ker : r_ker;

	if (a != b) {
		tap_diag("%s k%u v%u: %s key [%s]: extmap %d (%s), kernel %d (%s)",
			 p->kind, p->ks, p->vs, op, key ? hexstr(key, p->ks) : "NULL",
			 a, tap_errname(-a), b, tap_errname(-b));
		return MISMATCH;
	}
	return a;
}

static int p_update(const struct pair *p, const void *key, const void *val,
		    __u64 flags)
{
	int r1, e1, r2, e2;
	char op[48];

	errno = 0;
	r1 = bpf_map_update_elem(p->ext, key, val, flags);
	e1 = errno;
	errno = 0;
	r2 = bpf_map_update_elem(p->ker, key, val, flags);
	e2 = errno;
	snprintf(op, sizeof(op), "update flags %#llx", (unsigned long long)flags);
	return agree(p, op, key, r1, e1, r2, e2);
}

static int p_delete(const struct pair *p, const void *key)
{
	int r1, e1, r2, e2;

	errno = 0;
	r1 = bpf_map_delete_elem(p->ext, key);
	e1 = errno;
	errno = 0;
	r2 = bpf_map_delete_elem(p->ker, key);
	e2 = errno;
	return agree(p, "delete", key, r1, e1, r2, e2);
}

/*
 * Lookup on both: same result, same value, and neither wrote a byte past
 * value_size.  The value found goes to @out if not NULL.
 */
static int p_lookup_flags(const struct pair *p, const void *key, void *out,
			  __u64 flags)
{
	unsigned char v1[MAX_VALUE + 16], v2[MAX_VALUE + 16];
	int r1, e1, r2, e2, r;
	__u32 i;

	memset(v1, SENTINEL, sizeof(v1));
	memset(v2, SENTINEL, sizeof(v2));
	errno = 0;
	r1 = bpf_map_lookup_elem_flags(p->ext, key, v1, flags);
	e1 = errno;
	errno = 0;
	r2 = bpf_map_lookup_elem_flags(p->ker, key, v2, flags);
	e2 = errno;
	r = agree(p, flags ? "lookup with flags" : "lookup", key, r1, e1, r2, e2);
	if (r == MISMATCH)
		return r;
	for (i = p->vs; i < p->vs + 16; i++) {
		if (v1[i] != SENTINEL) {
			tap_diag("%s k%u v%u: extmap lookup wrote past value_size at byte %u",
				 p->kind, p->ks, p->vs, i);
			return MISMATCH;
		}
	}
	if (r == 0 && memcmp(v1, v2, p->vs)) {
		tap_diag("%s k%u v%u: lookup [%s]: extmap value %s, kernel %s",
			 p->kind, p->ks, p->vs, hexstr(key, p->ks),
			 hexstr(v1, p->vs), hexstr(v2, p->vs));
		return MISMATCH;
	}
	if (r == 0 && out)
		memcpy(out, v1, p->vs);
	return r;
}

static int p_lookup(const struct pair *p, const void *key, void *out)
{
	return p_lookup_flags(p, key, out, 0);
}

/* get_next_key on an array: same result and same next key. */
static int p_next_array(const struct pair *p, const void *key, __u32 *next)
{
	__u32 n1 = 0xdeadbeef, n2 = 0xdeadbeef;
	int r1, e1, r2, e2, r;

	errno = 0;
	r1 = bpf_map_get_next_key(p->ext, key, &n1);
	e1 = errno;
	errno = 0;
	r2 = bpf_map_get_next_key(p->ker, key, &n2);
	e2 = errno;
	r = agree(p, "get_next_key", key, r1, e1, r2, e2);
	if (r == 0 && n1 != n2) {
		tap_diag("array: get_next_key [%s]: extmap %u, kernel %u",
			 key ? hexstr(key, 4) : "NULL", n1, n2);
		return MISMATCH;
	}
	if (r == 0 && next)
		*next = n1;
	return r;
}

/*
 * get_next_key on a hash with NULL or a key absent from both maps: both
 * return their first key, or both ENOENT when empty.  The first keys need
 * not be the same key, but each must be in its map, and NULL and an absent
 * key must give the same one.
 */
static int p_first_hash(const struct pair *p, const void *absent)
{
	unsigned char a[MAX_KEY], b[MAX_KEY], c[MAX_KEY], v[MAX_VALUE];
	int fds[2] = { p->ext, p->ker };
	const char *who[2] = { "extmap", "kernel" };
	int r[2], e[2], i;

	for (i = 0; i < 2; i++) {
		errno = 0;
		r[i] = bpf_map_get_next_key(fds[i], NULL, a);
		e[i] = errno;
		if (r[i] == 0) {
			if (bpf_map_lookup_elem(fds[i], a, v)) {
				tap_diag("%s hash: first key [%s] not found",
					 who[i], hexstr(a, p->ks));
				return MISMATCH;
			}
			if (absent) {
				if (bpf_map_get_next_key(fds[i], absent, b)) {
					tap_diag("%s hash: get_next_key(absent): %s",
						 who[i], tap_errname(errno));
					return MISMATCH;
				}
				if (memcmp(a, b, p->ks)) {
					tap_diag("%s hash: first key [%s], after absent key [%s]",
						 who[i], hexstr(a, p->ks), hexstr(b, p->ks));
					return MISMATCH;
				}
			}
		} else if (absent) {
			errno = 0;
			if (bpf_map_get_next_key(fds[i], absent, c) != r[i] ||
			    errno != e[i]) {
				tap_diag("%s hash: get_next_key(absent) %s, (NULL) %s",
					 who[i], tap_errname(errno), tap_errname(e[i]));
				return MISMATCH;
			}
		}
	}
	return agree(p, "get_next_key(NULL)", NULL, r[0], e[0], r[1], e[1]);
}

static int key_cmp_len;

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, key_cmp_len);
}

/* Walk a hash with get_next_key; keys sorted into @keys, count returned,
 * -1 if a key was visited twice or the walk did not end in ENOENT.
 */
static int walk_hash(const struct pair *p, int fd, const char *who,
		     unsigned char *keys, unsigned int room)
{
	unsigned char cur[MAX_KEY];
	unsigned int n = 0, i;
	int r;

	r = bpf_map_get_next_key(fd, NULL, cur);
	while (r == 0) {
		if (n == room) {
			tap_diag("%s hash: iteration visits more than %u keys",
				 who, room);
			return -1;
		}
		memcpy(keys + (size_t)n * p->ks, cur, p->ks);
		n++;
		r = bpf_map_get_next_key(fd, keys + (size_t)(n - 1) * p->ks, cur);
	}
	if (errno != ENOENT) {
		tap_diag("%s hash: iteration ended with %s", who, tap_errname(errno));
		return -1;
	}
	key_cmp_len = (int)p->ks;
	qsort(keys, n, p->ks, key_cmp);
	for (i = 1; i < n; i++) {
		if (!memcmp(keys + (size_t)(i - 1) * p->ks, keys + (size_t)i * p->ks, p->ks)) {
			tap_diag("%s hash: key [%s] visited twice", who,
				 hexstr(keys + (size_t)i * p->ks, p->ks));
			return -1;
		}
	}
	return (int)n;
}

/*
 * Full comparison: iteration (as sets for hash, in order for array) and
 * every value.  Returns the number of keys, or MISMATCH.
 */
static int p_compare_all(const struct pair *p)
{
	if (!strcmp(p->kind, "hash")) {
		unsigned int room = p->max + 8;
		unsigned char *k1 = calloc(room, p->ks), *k2 = calloc(room, p->ks);
		int n1, n2, i, r = MISMATCH;

		if (!k1 || !k2)
			goto out;
		n1 = walk_hash(p, p->ext, "extmap", k1, room);
		n2 = walk_hash(p, p->ker, "kernel", k2, room);
		if (n1 < 0 || n2 < 0)
			goto out;
		if (n1 != n2 || memcmp(k1, k2, (size_t)n1 * p->ks)) {
			tap_diag("hash k%u v%u: iteration gives %d keys on extmap, %d on kernel, or different keys",
				 p->ks, p->vs, n1, n2);
			goto out;
		}
		for (i = 0; i < n1; i++)
			if (p_lookup(p, k1 + (size_t)i * p->ks, NULL) != 0)
				goto out;
		r = n1;
out:
		free(k1);
		free(k2);
		return r;
	} else {
		__u32 cur, next, n = 0;
		int r = p_next_array(p, NULL, &next);

		while (r == 0) {
			if (n++ > p->max) {
				tap_diag("array: iteration runs past max_entries");
				return MISMATCH;
			}
			cur = next;
			if (p_lookup(p, &cur, NULL) != 0)
				return MISMATCH;
			r = p_next_array(p, &cur, &next);
		}
		if (r != -ENOENT)
			return MISMATCH;
		if (n != p->max) {
			tap_diag("array: iteration visits %u of %u indexes", n, p->max);
			return MISMATCH;
		}
		return (int)n;
	}
}

/* Expect a step's common result. */
#define STEP(expr, want)						\
	do {								\
		int __s = (expr);					\
		if (__s != (want)) {					\
			tap_diag("%s:%d: %s = %d (%s), want %d (%s)",	\
				 __FILE__, __LINE__, #expr, __s,	\
				 __s == MISMATCH ? "extmap and kernel differ" \
						 : tap_errname(-__s),	\
				 (want), tap_errname(-(want)));		\
			return TAP_FAIL;				\
		}							\
	} while (0)

/* ---- hash ---- */

struct sizes {
	__u32 ks, vs;
};

static const struct sizes hash_sizes[] = {
	{ 4, 8 }, { 1, 4 }, { 3, 1 }, { 7, 13 }, { 13, 3 }, { 64, 100 },
	{ 8, 256 }, { 512, 7 },
};

#define HASH_MAX	8

/* Run @fn on a fresh pair for each hash key/value size. */
static int for_hash_sizes(int (*fn)(struct pair *))
{
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(hash_sizes); i++) {
		AUTO_PAIR p;

		if (pair_open(&p, true, hash_sizes[i].ks, hash_sizes[i].vs, HASH_MAX))
			return TAP_FAIL;
		if (fn(&p) != TAP_PASS) {
			tap_diag("... with key_size %u value_size %u",
				 p.ks, p.vs);
			return TAP_FAIL;
		}
	}
	return TAP_PASS;
}

static int h_empty(struct pair *p)
{
	unsigned char k[MAX_KEY], v[MAX_VALUE];

	key_of(p, 1, k);
	val_of(p, 1, v);
	STEP(p_lookup(p, k, NULL), -ENOENT);
	STEP(p_delete(p, k), -ENOENT);
	STEP(p_first_hash(p, k), -ENOENT);
	STEP(p_update(p, k, v, BPF_EXIST), -ENOENT);
	STEP(p_compare_all(p), 0);
	return TAP_PASS;
}

static int hash_empty_map(void)
{
	return for_hash_sizes(h_empty);
}

static int h_update_flags(struct pair *p)
{
	unsigned char k[MAX_KEY], k2[MAX_KEY], v1[MAX_VALUE], v2[MAX_VALUE],
		      v3[MAX_VALUE], out[MAX_VALUE];

	key_of(p, 7, k);
	key_of(p, 8, k2);
	val_of(p, 100, v1);
	val_of(p, 200, v2);
	val_of(p, 300, v3);
	STEP(p_update(p, k, v1, BPF_ANY), 0);
	STEP(p_lookup(p, k, out), 0);
	ASSERT(!memcmp(out, v1, p->vs), "value %s", hexstr(out, p->vs));
	STEP(p_update(p, k, v2, BPF_NOEXIST), -EEXIST);
	STEP(p_lookup(p, k, out), 0);
	ASSERT(!memcmp(out, v1, p->vs), "NOEXIST failure changed the value");
	STEP(p_update(p, k, v2, BPF_EXIST), 0);
	STEP(p_lookup(p, k, out), 0);
	ASSERT(!memcmp(out, v2, p->vs), "EXIST did not replace the value");
	STEP(p_update(p, k, v3, BPF_ANY), 0);
	STEP(p_lookup(p, k, out), 0);
	ASSERT(!memcmp(out, v3, p->vs), "ANY did not replace the value");
	STEP(p_update(p, k2, v1, BPF_NOEXIST), 0);
	STEP(p_update(p, k2, v2, BPF_EXIST), 0);
	STEP(p_compare_all(p), 2);
	return TAP_PASS;
}

static int hash_update_flags(void)
{
	return for_hash_sizes(h_update_flags);
}

static int h_bad_flags(struct pair *p)
{
	static const __u64 bad[] = { 3, BPF_F_LOCK, BPF_F_LOCK | BPF_EXIST, 8,
				     0x10, 1ull << 31, 1ull << 32, ~0ull };
	unsigned char k[MAX_KEY], k2[MAX_KEY], v[MAX_VALUE];
	size_t i;

	key_of(p, 1, k);
	key_of(p, 2, k2);
	val_of(p, 1, v);
	STEP(p_update(p, k, v, BPF_ANY), 0);
	for (i = 0; i < TAP_ARRAY_SIZE(bad); i++) {
		STEP(p_update(p, k, v, bad[i]), -EINVAL);	/* present */
		STEP(p_update(p, k2, v, bad[i]), -EINVAL);	/* absent */
		STEP(p_lookup_flags(p, k, NULL, bad[i]), -EINVAL);
	}
	STEP(p_compare_all(p), 1);
	return TAP_PASS;
}

static int hash_bad_flags(void)
{
	return for_hash_sizes(h_bad_flags);
}

static int h_fill(struct pair *p)
{
	unsigned char k[MAX_KEY], v[MAX_VALUE], out[MAX_VALUE];
	unsigned int i;

	for (i = 0; i < p->max; i++) {
		key_of(p, i, k);
		val_of(p, i, v);
		STEP(p_update(p, k, v, BPF_NOEXIST), 0);
	}
	STEP(p_compare_all(p), (int)p->max);
	key_of(p, p->max, k);
	STEP(p_update(p, k, v, BPF_ANY), -E2BIG);
	STEP(p_update(p, k, v, BPF_NOEXIST), -E2BIG);
	STEP(p_update(p, k, v, BPF_EXIST), -ENOENT);
	STEP(p_lookup(p, k, NULL), -ENOENT);
	/* Replacing an existing key still works when full. */
	key_of(p, 3 % p->max, k);
	val_of(p, 999, v);
	STEP(p_update(p, k, v, BPF_ANY), 0);
	STEP(p_update(p, k, v, BPF_EXIST), 0);
	STEP(p_update(p, k, v, BPF_NOEXIST), -EEXIST);
	STEP(p_lookup(p, k, out), 0);
	ASSERT(!memcmp(out, v, p->vs), "replaced value %s", hexstr(out, p->vs));
	STEP(p_compare_all(p), (int)p->max);
	return TAP_PASS;
}

static int hash_fill_to_max_and_one_more(void)
{
	return for_hash_sizes(h_fill);
}

static int h_delete_readd(struct pair *p)
{
	unsigned char k[MAX_KEY], v[MAX_VALUE];
	unsigned int i, round;

	for (i = 0; i < p->max; i++) {
		key_of(p, i, k);
		val_of(p, i, v);
		STEP(p_update(p, k, v, BPF_ANY), 0);
	}
	key_of(p, 0, k);
	STEP(p_delete(p, k), 0);
	STEP(p_delete(p, k), -ENOENT);
	STEP(p_lookup(p, k, NULL), -ENOENT);
	STEP(p_compare_all(p), (int)p->max - 1);
	key_of(p, 1000, k);
	STEP(p_update(p, k, v, BPF_NOEXIST), 0);	/* the freed slot */
	key_of(p, 0, k);
	STEP(p_update(p, k, v, BPF_ANY), -E2BIG);	/* full again */
	STEP(p_compare_all(p), (int)p->max);
	/* Empty it and fill it again, a few times over. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < p->max; i++) {
			key_of(p, i == 0 ? 1000 : i, k);
			if (round)
				key_of(p, 2000 * round + i, k);
			STEP(p_delete(p, k), 0);
		}
		STEP(p_compare_all(p), 0);
		STEP(p_first_hash(p, k), -ENOENT);
		for (i = 0; i < p->max; i++) {
			key_of(p, 2000 * (round + 1) + i, k);
			val_of(p, round * 100 + i, v);
			STEP(p_update(p, k, v, BPF_NOEXIST), 0);
		}
		STEP(p_compare_all(p), (int)p->max);
	}
	return TAP_PASS;
}

static int hash_delete_and_readd(void)
{
	return for_hash_sizes(h_delete_readd);
}

static int h_iterate(struct pair *p)
{
	unsigned char k[MAX_KEY], absent[MAX_KEY], v[MAX_VALUE];
	unsigned int i;

	key_of(p, 4242, absent);
	for (i = 0; i < p->max; i++) {
		key_of(p, i * 37 + 5, k);
		val_of(p, i, v);
		STEP(p_update(p, k, v, BPF_ANY), 0);
		/* After every insertion: same set, each key visited once,
		 * NULL and an unknown key both start at the first key.
		 */
		STEP(p_compare_all(p), (int)i + 1);
		STEP(p_first_hash(p, absent), 0);
	}
	/* And while removing them again. */
	for (i = 0; i < p->max; i += 2) {
		key_of(p, i * 37 + 5, k);
		STEP(p_delete(p, k), 0);
		STEP(p_compare_all(p), (int)(p->max - i / 2 - 1));
		STEP(p_first_hash(p, absent), 0);
	}
	return TAP_PASS;
}

static int hash_get_next_key_iteration(void)
{
	return for_hash_sizes(h_iterate);
}

/* The last key of each map's own iteration order gives ENOENT. */
static int hash_next_after_last_enoent(void)
{
	unsigned char k[8], v[8], cur[8], nxt[8];
	int fds[2], i;
	AUTO_PAIR p;
	unsigned int j;

	if (pair_open(&p, true, 4, 8, 16))
		return TAP_FAIL;
	for (j = 0; j < 10; j++) {
		key_of(&p, j, k);
		val_of(&p, j, v);
		STEP(p_update(&p, k, v, BPF_ANY), 0);
	}
	fds[0] = p.ext;
	fds[1] = p.ker;
	for (i = 0; i < 2; i++) {
		ASSERT_OK(bpf_map_get_next_key(fds[i], NULL, cur));
		for (j = 0; j < 9; j++) {
			ASSERT_OK(bpf_map_get_next_key(fds[i], cur, nxt));
			memcpy(cur, nxt, 4);
		}
		ASSERT_ERRNO(bpf_map_get_next_key(fds[i], cur, nxt), ENOENT);
	}
	return TAP_PASS;
}

/* ---- array ---- */

static const __u32 array_vsizes[] = { 8, 1, 3, 4, 13, 100, 256 };

#define ARRAY_MAX	8

static int for_array_sizes(int (*fn)(struct pair *))
{
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(array_vsizes); i++) {
		AUTO_PAIR p;

		if (pair_open(&p, false, 4, array_vsizes[i], ARRAY_MAX))
			return TAP_FAIL;
		if (fn(&p) != TAP_PASS) {
			tap_diag("... with value_size %u", p.vs);
			return TAP_FAIL;
		}
	}
	return TAP_PASS;
}

static int a_fresh(struct pair *p)
{
	static const __u32 out_of_range[] = { ARRAY_MAX, ARRAY_MAX + 1, 0x7fffffff,
					      0x80000000, 0xffffffff };
	unsigned char zero[MAX_VALUE] = { 0 }, out[MAX_VALUE];
	__u32 i;

	for (i = 0; i < p->max; i++) {
		STEP(p_lookup(p, &i, out), 0);
		ASSERT(!memcmp(out, zero, p->vs), "index %u not zeroed: %s", i,
		      hexstr(out, p->vs));
	}
	for (i = 0; i < TAP_ARRAY_SIZE(out_of_range); i++)
		STEP(p_lookup(p, &out_of_range[i], NULL), -ENOENT);
	STEP(p_compare_all(p), (int)p->max);
	return TAP_PASS;
}

static int array_elements_exist_zeroed(void)
{
	return for_array_sizes(a_fresh);
}

static int a_update_flags(struct pair *p)
{
	static const __u64 bad[] = { 3, BPF_F_LOCK, BPF_F_LOCK | BPF_EXIST, 8,
				     1ull << 31, ~0ull };
	unsigned char v1[MAX_VALUE], v2[MAX_VALUE], out[MAX_VALUE];
	__u32 k = 5, far = ARRAY_MAX, huge = 0xffffffff;
	size_t i;

	val_of(p, 1, v1);
	val_of(p, 2, v2);
	STEP(p_update(p, &k, v1, BPF_ANY), 0);
	STEP(p_lookup(p, &k, out), 0);
	ASSERT(!memcmp(out, v1, p->vs), "value %s", hexstr(out, p->vs));
	STEP(p_update(p, &k, v2, BPF_NOEXIST), -EEXIST);
	STEP(p_lookup(p, &k, out), 0);
	ASSERT(!memcmp(out, v1, p->vs), "NOEXIST failure changed the value");
	STEP(p_update(p, &k, v2, BPF_EXIST), 0);
	STEP(p_lookup(p, &k, out), 0);
	ASSERT(!memcmp(out, v2, p->vs), "EXIST did not replace the value");
	k = 0;
	STEP(p_update(p, &k, v1, BPF_EXIST), 0);	/* elements always exist */
	STEP(p_update(p, &k, v1, BPF_NOEXIST), -EEXIST);
	STEP(p_update(p, &far, v1, BPF_ANY), -E2BIG);
	STEP(p_update(p, &far, v1, BPF_EXIST), -E2BIG);
	STEP(p_update(p, &far, v1, BPF_NOEXIST), -E2BIG);
	STEP(p_update(p, &huge, v1, BPF_ANY), -E2BIG);
	for (i = 0; i < TAP_ARRAY_SIZE(bad); i++) {
		STEP(p_update(p, &k, v2, bad[i]), -EINVAL);
		STEP(p_update(p, &far, v2, bad[i]), -EINVAL);
		STEP(p_lookup_flags(p, &k, NULL, bad[i]), -EINVAL);
	}
	STEP(p_lookup(p, &k, out), 0);
	ASSERT(!memcmp(out, v1, p->vs), "a refused update changed the value");
	STEP(p_compare_all(p), (int)p->max);
	return TAP_PASS;
}

static int array_update_flags(void)
{
	return for_array_sizes(a_update_flags);
}

static int a_delete(struct pair *p)
{
	__u32 keys[] = { 0, 3, ARRAY_MAX - 1, ARRAY_MAX, 0xffffffff };
	unsigned char v[MAX_VALUE];
	size_t i;

	val_of(p, 3, v);
	STEP(p_update(p, &keys[1], v, BPF_ANY), 0);
	for (i = 0; i < TAP_ARRAY_SIZE(keys); i++)
		STEP(p_delete(p, &keys[i]), -EINVAL);
	STEP(p_compare_all(p), (int)p->max);
	return TAP_PASS;
}

static int array_delete_einval(void)
{
	return for_array_sizes(a_delete);
}

static int a_next(struct pair *p)
{
	__u32 k, next;

	STEP(p_next_array(p, NULL, &next), 0);
	ASSERT(next == 0, "first key %u", next);
	for (k = 0; k + 1 < p->max; k++) {
		STEP(p_next_array(p, &k, &next), 0);
		ASSERT(next == k + 1, "after %u comes %u", k, next);
	}
	k = p->max - 1;
	STEP(p_next_array(p, &k, NULL), -ENOENT);
	k = p->max;		/* out of range: restart at 0 */
	STEP(p_next_array(p, &k, &next), 0);
	ASSERT(next == 0, "after %u comes %u", k, next);
	k = 0xffffffff;
	STEP(p_next_array(p, &k, &next), 0);
	ASSERT(next == 0, "after %u comes %u", k, next);
	STEP(p_compare_all(p), (int)p->max);
	return TAP_PASS;
}

static int array_get_next_key_iteration(void)
{
	return for_array_sizes(a_next);
}

static int a_values(struct pair *p)
{
	unsigned char v[MAX_VALUE], out[MAX_VALUE];
	__u32 k;
	int round;

	for (round = 0; round < 3; round++) {
		for (k = 0; k < p->max; k++) {
			val_of(p, round * 1000 + k, v);
			STEP(p_update(p, &k, v, round == 1 ? BPF_EXIST : BPF_ANY), 0);
		}
		for (k = 0; k < p->max; k++) {
			val_of(p, round * 1000 + k, v);
			STEP(p_lookup(p, &k, out), 0);
			ASSERT(!memcmp(out, v, p->vs), "index %u: %s", k,
			      hexstr(out, p->vs));
		}
		STEP(p_compare_all(p), (int)p->max);
	}
	return TAP_PASS;
}

static int array_values_roundtrip(void)
{
	return for_array_sizes(a_values);
}

/* A one-element array. */
static int array_single_element(void)
{
	unsigned char v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	__u32 k = 0, one = 1, next;
	AUTO_PAIR p;

	if (pair_open(&p, false, 4, 8, 1))
		return TAP_FAIL;
	STEP(p_update(&p, &k, v, BPF_ANY), 0);
	STEP(p_update(&p, &one, v, BPF_ANY), -E2BIG);
	STEP(p_next_array(&p, NULL, &next), 0);
	STEP(p_next_array(&p, &k, NULL), -ENOENT);
	STEP(p_next_array(&p, &one, &next), 0);
	STEP(p_compare_all(&p), 1);
	return TAP_PASS;
}

/* ---- randomized ---- */

#define RANDOM_OPS	5000
#define RANDOM_SEED	0x5eed0f3e7a11ULL

static __u64 random_flags(uint64_t *s)
{
	unsigned int r = (unsigned int)(prng_next(s) % 100);

	if (r < 40)
		return BPF_ANY;
	if (r < 65)
		return BPF_NOEXIST;
	if (r < 90)
		return BPF_EXIST;
	if (r < 95)
		return 3;
	return BPF_F_LOCK;
}

/*
 * @keyspace distinct keys, half again max_entries: with updates well ahead
 * of deletes the hash keeps filling up; for arrays indexes past the end (and 0xffffffff) come up too.
 */
static int run_random(bool hash, __u32 ks, __u32 vs, __u32 max,
		      unsigned int keyspace, uint64_t seed)
{
	unsigned char k[MAX_KEY], v[MAX_VALUE];
	unsigned int i, full = 0, e2big = 0, found = 0;
	uint64_t s = seed;
	AUTO_PAIR p;
	int r;

	if (pair_open(&p, hash, ks, vs, max))
		return TAP_FAIL;
	tap_diag("%s k%u v%u max %u, %u keys, seed %#llx, %d ops", p.kind, ks,
		 vs, max, keyspace, (unsigned long long)seed, RANDOM_OPS);
	for (i = 0; i < RANDOM_OPS; i++) {
		unsigned int op = (unsigned int)(prng_next(&s) % 100);
		unsigned int kn = (unsigned int)(prng_next(&s) % keyspace);

		if (hash) {
			key_of(&p, kn, k);
		} else {
			__u32 idx = kn == keyspace - 1 ? 0xffffffff : kn;

			memcpy(k, &idx, 4);
		}
		if (op < 45) {
			__u64 fl = random_flags(&s);

			val_of(&p, prng_next(&s), v);
			r = p_update(&p, k, v, fl);
			e2big += r == -E2BIG;
		} else if (op < 73) {
			r = p_lookup(&p, k, NULL);
			found += r == 0;
		} else if (op < 85) {
			r = p_delete(&p, k);
		} else if (op < 97) {
			if (hash) {
				/* Order-independent checks only: NULL or an
				 * absent key give the first key.
				 */
				r = p_lookup(&p, k, NULL);
				if (r == -ENOENT)
					r = p_first_hash(&p, k);
				else if (r == 0)
					r = p_first_hash(&p, NULL);
			} else {
				r = p_next_array(&p, (prng_next(&s) & 7) ? k : NULL,
						 NULL);
			}
		} else {
			r = p_compare_all(&p);
			full++;
		}
		if (r == MISMATCH) {
			tap_diag("... at op %u of the sequence (seed %#llx)", i,
				 (unsigned long long)seed);
			return TAP_FAIL;
		}
	}
	r = p_compare_all(&p);
	ASSERT(r != MISMATCH, "final comparison");
	tap_diag("%u lookups found a key, %u updates hit E2BIG, %u full comparisons; %d keys at the end",
		 found, e2big, full, r);
	return TAP_PASS;
}

static int random_hash_k4_v8(void)
{
	return run_random(true, 4, 8, 16, 24, RANDOM_SEED);
}

static int random_hash_k13_v3(void)
{
	return run_random(true, 13, 3, 64, 96, RANDOM_SEED + 1);
}

static int random_hash_k3_v100(void)
{
	return run_random(true, 3, 100, 32, 48, RANDOM_SEED + 2);
}

static int random_hash_k64_v1_big(void)
{
	return run_random(true, 64, 1, 200, 300, RANDOM_SEED + 3);
}

static int random_array_v8(void)
{
	return run_random(false, 4, 8, 16, 21, RANDOM_SEED + 4);
}

static int random_array_v13(void)
{
	return run_random(false, 4, 13, 33, 40, RANDOM_SEED + 5);
}

/* ---- concurrency: not parity, but consistency ---- */

#define CONC_THREADS	4
#define CONC_OPS	20000
#define CONC_MAX	32
#define CONC_KEYS	48

struct conc_arg {
	int fd;
	uint64_t seed;
	unsigned int bad;	/* results no hash may give */
};

static void *conc_worker(void *p)
{
	struct conc_arg *a = p;
	uint64_t s = a->seed;
	int i;

	for (i = 0; i < CONC_OPS; i++) {
		__u32 k = (__u32)(prng_next(&s) % CONC_KEYS);
		__u64 v[2] = { k, ~(__u64)k }, out[2];
		unsigned int op = (unsigned int)(prng_next(&s) % 4);
		int r;

		errno = 0;
		if (op == 0 || op == 1) {
			r = bpf_map_update_elem(a->fd, &k, v, op == 0 ? BPF_ANY : BPF_NOEXIST);
			if (r && errno != E2BIG && errno != EEXIST)
				a->bad++;
		} else if (op == 2) {
			r = bpf_map_delete_elem(a->fd, &k);
			if (r && errno != ENOENT)
				a->bad++;
		} else {
			/*
			 * Only the result is checked: like the kernel's
			 * preallocated HASH, an element deleted during the
			 * copy may be recycled for another key at once.
			 */
			r = bpf_map_lookup_elem(a->fd, &k, out);
			if (r && errno != ENOENT)
				a->bad++;
		}
	}
	return NULL;
}

/*
 * Threads hammering one extmap hash with updates, deletes and lookups:
 * no unexpected errors, and afterwards a consistent map:
 * iteration visits each key once, no more than max_entries keys, and
 * exactly the keys that lookups find.
 */
static int hash_concurrent_ops_consistent(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 16, CONC_MAX, 0, "conc");
	struct conc_arg args[CONC_THREADS];
	pthread_t th[CONC_THREADS];
	unsigned char seen[CONC_KEYS] = { 0 };
	unsigned int n = 0, found = 0, i;
	__u32 k, next;
	__u64 v[2];
	int r;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	for (i = 0; i < CONC_THREADS; i++) {
		args[i] = (struct conc_arg){ .fd = fd, .seed = RANDOM_SEED * (i + 7) };
		ASSERT(pthread_create(&th[i], NULL, conc_worker, &args[i]) == 0,
		      "pthread_create");
	}
	for (i = 0; i < CONC_THREADS; i++) {
		pthread_join(th[i], NULL);
		ASSERT(args[i].bad == 0, "thread %u: %u unexpected results", i, args[i].bad);
	}
	r = bpf_map_get_next_key(fd, NULL, &next);
	while (r == 0) {
		ASSERT(next < CONC_KEYS, "iteration gives key %u never inserted", next);
		ASSERT(!seen[next], "key %u visited twice", next);
		seen[next] = 1;
		ASSERT(++n <= CONC_MAX, "more than %u keys", CONC_MAX);
		k = next;
		r = bpf_map_get_next_key(fd, &k, &next);
	}
	ASSERT(errno == ENOENT, "iteration ended with %s", tap_errname(errno));
	for (k = 0; k < CONC_KEYS; k++) {
		r = bpf_map_lookup_elem(fd, &k, v);
		ASSERT(r == 0 ? seen[k] : (errno == ENOENT && !seen[k]),
		      "key %u: lookup %s, iteration %s", k,
		      r ? tap_errname(errno) : "found", seen[k] ? "visits it" : "does not");
		found += r == 0;
	}
	tap_diag("%d threads x %d ops; %u keys at the end", CONC_THREADS, CONC_OPS, found);
	/* Still usable: empty it and fill it to exactly max_entries. */
	for (k = 0; k < CONC_KEYS; k++)
		bpf_map_delete_elem(fd, &k);
	for (k = 0; k < CONC_MAX; k++) {
		v[0] = k;
		ASSERT_OK(bpf_map_update_elem(fd, &k, v, BPF_NOEXIST));
	}
	ASSERT_ERRNO(bpf_map_update_elem(fd, &k, v, BPF_NOEXIST), E2BIG);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(hash_empty_map),
	TAP_CASE(hash_update_flags),
	TAP_CASE(hash_bad_flags),
	TAP_CASE(hash_fill_to_max_and_one_more),
	TAP_CASE(hash_delete_and_readd),
	TAP_CASE(hash_get_next_key_iteration),
	TAP_CASE(hash_next_after_last_enoent),
	TAP_CASE(array_elements_exist_zeroed),
	TAP_CASE(array_update_flags),
	TAP_CASE(array_delete_einval),
	TAP_CASE(array_get_next_key_iteration),
	TAP_CASE(array_values_roundtrip),
	TAP_CASE(array_single_element),
	TAP_CASE(random_hash_k4_v8),
	TAP_CASE(random_hash_k13_v3),
	TAP_CASE(random_hash_k3_v100),
	TAP_CASE(random_hash_k64_v1_big),
	TAP_CASE(random_array_v8),
	TAP_CASE(random_array_v13),
	TAP_CASE(hash_concurrent_ops_consistent),
};

int main(void)
{
	require_root_and_module();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
