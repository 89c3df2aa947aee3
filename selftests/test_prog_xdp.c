// SPDX-License-Identifier: GPL-2.0
/*
 * test_prog_xdp: an XDP program (progs/xdp_ext.bpf.c) uses an extmap array
 * and an extmap hash through bpf_map_lookup_elem(), run with
 * BPF_PROG_TEST_RUN.
 *
 * The maps are either created by the test with libextmap and handed to
 * libbpf with bpf_map__reuse_fd() before load, or created from the object's
 * own map definitions (type EXTMAP_MAP_TYPE_*) by extmap_bpf_object_prepare().
 * The program reports what it read through globals and its return value
 * (XDP_PASS: both keys found, XDP_DROP: not), and writes through the value
 * pointers; userspace checks both directions and that writes persist.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"
#include "xdp_ext.skel.h"

#define ARR_KEY		3u
#define HASH_KEY	0xfeedface00000001ull

struct fixture {
	struct xdp_ext *skel;
	int arr;	/* our own fds of the maps the program uses */
	int hash;
};

static void fixture_destroy(struct fixture *f)
{
	xdp_ext__destroy(f->skel);
	if (f->arr >= 0)
		close(f->arr);
	if (f->hash >= 0)
		close(f->hash);
	f->skel = NULL;
	f->arr = f->hash = -1;
}

#define AUTO_FIXTURE __attribute__((cleanup(fixture_destroy))) struct fixture

/* The same maps as kernel BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_HASH. */
static int create_kernel_maps(int *arr, int *hash)
{
	*arr = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ext_arr", sizeof(__u32),
			      sizeof(struct ext_val), EXT_ARR_ENTRIES, NULL);
	*hash = bpf_map_create(BPF_MAP_TYPE_HASH, "ext_hash", sizeof(__u64),
			       sizeof(struct ext_val), EXT_HASH_ENTRIES, NULL);
	if (*arr < 0 || *hash < 0) {
		tap_diag("bpf_map_create: %s", tap_errname(errno));
		return -1;
	}
	return 0;
}

/*
 * Open the skeleton, wire in maps we create ourselves (extmap maps, or with
 * @kernel the kernel's own types, for comparison), load.
 */
static int setup_maps(struct fixture *f, bool kernel)
{
	int err;

	f->arr = f->hash = -1;
	f->skel = xdp_ext__open();
	if (!f->skel) {
		tap_diag("xdp_ext__open: %s", tap_errname(errno));
		return -1;
	}
	if (kernel ? create_kernel_maps(&f->arr, &f->hash) :
		     ext_val_maps_create(&f->arr, &f->hash))
		return -1;
	err = bpf_map__reuse_fd(f->skel->maps.ext_arr, f->arr);
	if (!err)
		err = bpf_map__reuse_fd(f->skel->maps.ext_hash, f->hash);
	if (err) {
		tap_diag("bpf_map__reuse_fd: %s", tap_errname(-err));
		return -1;
	}
	err = xdp_ext__load(f->skel);
	if (err) {
		tap_diag("xdp_ext__load: %s (see libbpf output above)", tap_errname(-err));
		return -1;
	}
	return 0;
}

static int setup_reuse(struct fixture *f)
{
	return setup_maps(f, false);
}

/* Open the skeleton and let libextmap create its maps, then load. */
static int setup_prepare(struct fixture *f, int *created)
{
	int err;

	f->arr = f->hash = -1;
	f->skel = xdp_ext__open();
	if (!f->skel) {
		tap_diag("xdp_ext__open: %s", tap_errname(errno));
		return -1;
	}
	*created = extmap_bpf_object_prepare(f->skel->obj, NULL);
	if (*created < 0) {
		tap_diag("extmap_bpf_object_prepare: %s", tap_errname(-*created));
		return -1;
	}
	err = xdp_ext__load(f->skel);
	if (err) {
		tap_diag("xdp_ext__load: %s (see libbpf output above)", tap_errname(-err));
		return -1;
	}
	f->arr = dup(bpf_map__fd(f->skel->maps.ext_arr));
	f->hash = dup(bpf_map__fd(f->skel->maps.ext_hash));
	return f->arr >= 0 && f->hash >= 0 ? 0 : -1;
}

/* Run the program @repeat times; its return value goes to *@retval. */
static int run_prog(struct fixture *f, __u32 repeat, __u32 *retval)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = repeat);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.xdp_ext), &o);
	if (err) {
		tap_diag("bpf_prog_test_run_opts: %s", tap_errname(errno));
		return -1;
	}
	*retval = o.retval;
	return 0;
}

static int put(int fd, const void *key, __u64 counter, __u64 flags)
{
	struct ext_val v = { .counter = counter };

	return bpf_map_update_elem(fd, key, &v, flags);
}

/* Both maps populated; the program told which keys to look at. */
static int populate(struct fixture *f, __u64 arr_counter, __u64 hash_counter)
{
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	if (put(f->arr, &ak, arr_counter, BPF_ANY) ||
	    put(f->hash, &hk, hash_counter, BPF_NOEXIST)) {
		tap_diag("populating the maps: %s", tap_errname(errno));
		return -1;
	}
	f->skel->bss->arr_key = ARR_KEY;
	f->skel->bss->hash_key = HASH_KEY;
	f->skel->bss->add = 0;
	f->skel->bss->marker = 0;
	return 0;
}

static int get(int fd, const void *key, struct ext_val *v)
{
	memset(v, 0xee, sizeof(*v));
	return bpf_map_lookup_elem(fd, key, v);
}

static int reuse_fd_wires_our_maps(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	struct bpf_map_info info;
	struct ext_val v;
	__u32 ak = 1;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT_OK(map_info(bpf_map__fd(f.skel->maps.ext_arr), &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_ARRAY, "ext_arr type %#x", info.type);
	ASSERT_OK(map_info(bpf_map__fd(f.skel->maps.ext_hash), &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_HASH, "ext_hash type %#x", info.type);
	/* libbpf's fd is the map we created. */
	ASSERT_OK(put(f.arr, &ak, 4242, BPF_ANY));
	ASSERT_OK(get(bpf_map__fd(f.skel->maps.ext_arr), &ak, &v));
	ASSERT(v.counter == 4242, "counter %llu via libbpf's fd", (unsigned long long)v.counter);
	return TAP_PASS;
}

static int prog_reads_userspace_values(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ret;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1000, 77) == 0, "populate");
	ASSERT(run_prog(&f, 1, &ret) == 0, "run");
	ASSERT(ret == XDP_PASS, "retval %u, want XDP_PASS", ret);
	ASSERT(f.skel->bss->runs == 1, "runs %u", f.skel->bss->runs);
	ASSERT(f.skel->bss->arr_found == 1, "array lookup gave NULL");
	ASSERT(f.skel->bss->hash_found == 1, "hash lookup gave NULL");
	ASSERT(f.skel->bss->arr_seen == 1000, "array value seen %llu",
	      (unsigned long long)f.skel->bss->arr_seen);
	ASSERT(f.skel->bss->hash_seen == 77, "hash value seen %llu",
	      (unsigned long long)f.skel->bss->hash_seen);
	return TAP_PASS;
}

static int check_writes(struct fixture *f)
{
	struct ext_val v;
	__u32 ak = ARR_KEY, ret;
	__u64 hk = HASH_KEY;

	ASSERT(populate(f, 1000, 77) == 0, "populate");
	f->skel->bss->add = 5;
	f->skel->bss->marker = 0xabcdef0123ull;
	ASSERT(run_prog(f, 1, &ret) == 0 && ret == XDP_PASS, "run: retval %u", ret);
	ASSERT_OK(get(f->arr, &ak, &v));
	ASSERT(v.counter == 1005 && v.seen == 1000 && v.marker == 0xabcdef0123ull,
	      "array value {%llu, %llu, %#llx}", (unsigned long long)v.counter,
	      (unsigned long long)v.seen, (unsigned long long)v.marker);
	ASSERT_OK(get(f->hash, &hk, &v));
	ASSERT(v.counter == 82 && v.seen == 77 && v.marker == 0xabcdef0123ull,
	      "hash value {%llu, %llu, %#llx}", (unsigned long long)v.counter,
	      (unsigned long long)v.seen, (unsigned long long)v.marker);
	/* The other array elements are untouched. */
	ak = ARR_KEY + 1;
	ASSERT_OK(get(f->arr, &ak, &v));
	ASSERT(v.counter == 0 && v.seen == 0 && v.marker == 0, "index %u changed", ak);
	return TAP_PASS;
}

static int prog_writes_in_place(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };

	ASSERT(setup_reuse(&f) == 0, "setup");
	return check_writes(&f);
}

static int writes_persist_across_runs(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	struct ext_val v;
	__u32 ak = ARR_KEY, ret;
	__u64 hk = HASH_KEY;
	int i;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 10, 20) == 0, "populate");
	f.skel->bss->add = 1;
	for (i = 0; i < 3; i++) {
		ASSERT(run_prog(&f, 1, &ret) == 0 && ret == XDP_PASS, "run %d", i);
		ASSERT(f.skel->bss->arr_seen == 10ull + i, "run %d saw %llu", i,
		      (unsigned long long)f.skel->bss->arr_seen);
		ASSERT(f.skel->bss->hash_seen == 20ull + i, "run %d saw %llu", i,
		      (unsigned long long)f.skel->bss->hash_seen);
	}
	/* One test run executing the program 10 times over. */
	ASSERT(run_prog(&f, 10, &ret) == 0 && ret == XDP_PASS, "repeat run");
	ASSERT(f.skel->bss->runs == 13, "runs %u", f.skel->bss->runs);
	ASSERT_OK(get(f.arr, &ak, &v));
	ASSERT(v.counter == 23 && v.seen == 22, "array {%llu, %llu}",
	      (unsigned long long)v.counter, (unsigned long long)v.seen);
	ASSERT_OK(get(f.hash, &hk, &v));
	ASSERT(v.counter == 33 && v.seen == 32, "hash {%llu, %llu}",
	      (unsigned long long)v.counter, (unsigned long long)v.seen);
	return TAP_PASS;
}

static int userspace_update_seen_by_prog(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ak = ARR_KEY, ret;
	__u64 hk = HASH_KEY;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1, 2) == 0, "populate");
	f.skel->bss->add = 1;
	ASSERT(run_prog(&f, 1, &ret) == 0, "run");
	ASSERT_OK(put(f.arr, &ak, 500, BPF_EXIST));
	ASSERT_OK(put(f.hash, &hk, 600, BPF_EXIST));
	ASSERT(run_prog(&f, 1, &ret) == 0 && ret == XDP_PASS, "run");
	ASSERT(f.skel->bss->arr_seen == 500 && f.skel->bss->hash_seen == 600,
	      "program saw %llu and %llu", (unsigned long long)f.skel->bss->arr_seen,
	      (unsigned long long)f.skel->bss->hash_seen);
	return TAP_PASS;
}

static int missing_hash_key_gives_null(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	struct ext_val v;
	__u64 hk = HASH_KEY;
	__u32 ret;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1, 2) == 0, "populate");
	f.skel->bss->hash_key = HASH_KEY + 1;	/* never inserted */
	f.skel->bss->add = 1;
	ASSERT(run_prog(&f, 1, &ret) == 0, "run");
	ASSERT(ret == XDP_DROP, "retval %u, want XDP_DROP", ret);
	ASSERT(f.skel->bss->hash_found == 0, "lookup of an absent key gave a pointer");
	ASSERT(f.skel->bss->arr_found == 1, "array lookup gave NULL");
	/* Nothing was inserted by the lookup. */
	hk = HASH_KEY + 1;
	ASSERT_ERRNO(get(f.hash, &hk, &v), ENOENT);
	/* A key deleted from userspace is gone for the program too. */
	hk = HASH_KEY;
	f.skel->bss->hash_key = HASH_KEY;
	ASSERT(run_prog(&f, 1, &ret) == 0 && ret == XDP_PASS, "run: retval %u", ret);
	ASSERT_OK(bpf_map_delete_elem(f.hash, &hk));
	ASSERT(run_prog(&f, 1, &ret) == 0, "run");
	ASSERT(ret == XDP_DROP && f.skel->bss->hash_found == 0,
	      "deleted key still found (retval %u)", ret);
	return TAP_PASS;
}

static int array_index_out_of_range_gives_null(void)
{
	static const __u32 idx[] = { EXT_ARR_ENTRIES, EXT_ARR_ENTRIES + 1, 0xffffffff };
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ret;
	size_t i;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1, 2) == 0, "populate");
	for (i = 0; i < TAP_ARRAY_SIZE(idx); i++) {
		f.skel->bss->arr_key = idx[i];
		f.skel->bss->arr_found = 99;
		ASSERT(run_prog(&f, 1, &ret) == 0, "run");
		ASSERT(ret == XDP_DROP, "index %u: retval %u", idx[i], ret);
		ASSERT(f.skel->bss->arr_found == 0, "index %u gave a pointer", idx[i]);
	}
	/* Every in-range index gives a (zeroed) element. */
	for (i = 0; i < EXT_ARR_ENTRIES; i++) {
		f.skel->bss->arr_key = (__u32)i;
		ASSERT(run_prog(&f, 1, &ret) == 0, "run");
		ASSERT(f.skel->bss->arr_found == 1, "index %zu gave NULL", i);
	}
	return TAP_PASS;
}

/*
 * The program's instructions as the kernel rewrote them: *@n of them in
 * @insns, or -1.
 */
static int xlated(struct bpf_program *prog, struct bpf_insn *insns, __u32 *n)
{
	struct bpf_prog_info info = {
		.xlated_prog_len = *n * sizeof(*insns),
		.xlated_prog_insns = (__u64)(unsigned long)insns,
	};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
		tap_diag("bpf_obj_get_info_by_fd: %s", tap_errname(errno));
		return -1;
	}
	if (info.xlated_prog_len > *n * sizeof(*insns)) {
		tap_diag("%u bytes of instructions, room for %zu",
			 info.xlated_prog_len, *n * sizeof(*insns));
		return -1;
	}
	*n = info.xlated_prog_len / sizeof(*insns);
	return 0;
}

static bool has_call(const struct bpf_insn *insns, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (insns[i].code == (BPF_JMP | BPF_CALL))
			return true;
	return false;
}

/*
 * The extmap array's lookup is inlined by the verifier through its
 * ->map_gen_lookup(), as ARRAY's is: the program calls nothing, and its
 * code is ARRAY's but for at most one instruction, the Spectre v1 index
 * mask, which extmap emits always and ARRAY only for loaders without
 * CAP_PERFMON (bpf_bypass_spec_v1()).
 */
static int array_lookup_inlined(void)
{
	struct bpf_insn ext[64], kern[64];
	__u32 n_ext = 64, n_kern = 64;

	{
		AUTO_FIXTURE f = { 0 };

		ASSERT_OK(setup_maps(&f, false));
		ASSERT_OK(xlated(f.skel->progs.xdp_arr_lookup, ext, &n_ext));
	}
	{
		AUTO_FIXTURE f = { 0 };

		ASSERT_OK(setup_maps(&f, true));
		ASSERT_OK(xlated(f.skel->progs.xdp_arr_lookup, kern, &n_kern));
	}
	tap_diag("%u instructions with the extmap array, %u with ARRAY",
		 n_ext, n_kern);
	ASSERT(!has_call(ext, n_ext), "the extmap array's lookup is a call");
	ASSERT(!has_call(kern, n_kern), "ARRAY's lookup is a call");
	/*
	 * Ours loads the values' address as a 64-bit constant (two slots
	 * where ARRAY adds an offset to the map pointer) and always masks
	 * the index (ARRAY does not for a creator that may bypass Spectre
	 * v1 mitigations).
	 */
	ASSERT(n_ext >= n_kern && n_ext <= n_kern + 2,
	      "%u instructions with the extmap array, %u with ARRAY",
	      n_ext, n_kern);
	return TAP_PASS;
}

static int check_prepared(int fd, __u32 type, __u32 ks, __u32 max, const char *name)
{
	struct bpf_map_info info;

	ASSERT(fd >= 0, "%s has no fd", name);
	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == type, "%s: type %#x, want %#x", name, info.type, type);
	ASSERT(info.key_size == ks, "%s: key_size %u", name, info.key_size);
	ASSERT(info.value_size == sizeof(struct ext_val), "%s: value_size %u", name,
	      info.value_size);
	ASSERT(info.max_entries == max, "%s: max_entries %u", name, info.max_entries);
	ASSERT(!strcmp(info.name, name), "%s: named '%s'", name, info.name);
	return TAP_PASS;
}

static int prepare_creates_declared_maps(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	int created = -1;

	ASSERT(setup_prepare(&f, &created) == 0, "setup");
	ASSERT(created == 2, "extmap_bpf_object_prepare created %d maps, want 2", created);
	if (check_prepared(f.arr, EXTMAP_MAP_TYPE_ARRAY, 4, EXT_ARR_ENTRIES, "ext_arr") ||
	    check_prepared(f.hash, EXTMAP_MAP_TYPE_HASH, 8, EXT_HASH_ENTRIES, "ext_hash"))
		return TAP_FAIL;
	return TAP_PASS;
}

static int prepare_maps_used_by_prog(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	int created = -1;

	ASSERT(setup_prepare(&f, &created) == 0, "setup");
	return check_writes(&f);
}

static int prepare_skips_map_with_fd(void)
{
	LIBEXTMAP_OPTS(extmap_create_opts, ao, .name = "ext_arr");
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	AUTO_FD mine = -1;
	struct ext_val v;
	__u32 ak = ARR_KEY, ret;
	int created, err;

	f.skel = xdp_ext__open();
	ASSERT(f.skel, "xdp_ext__open: %s", tap_errname(errno));
	mine = extmap_create(EXTMAP_MAP_TYPE_ARRAY, 4, sizeof(struct ext_val),
			     EXT_ARR_ENTRIES, &ao);
	ASSERT(mine >= 0, "extmap_create: %s", tap_errname(-mine));
	err = bpf_map__reuse_fd(f.skel->maps.ext_arr, mine);
	ASSERT(!err, "bpf_map__reuse_fd: %s", tap_errname(-err));
	created = extmap_bpf_object_prepare(f.skel->obj, NULL);
	ASSERT(created == 1, "extmap_bpf_object_prepare: %d, want 1 (hash only)", created);
	err = xdp_ext__load(f.skel);
	ASSERT(!err, "load: %s", tap_errname(-err));
	f.hash = dup(bpf_map__fd(f.skel->maps.ext_hash));
	f.arr = dup(mine);
	ASSERT(populate(&f, 31, 41) == 0, "populate");
	f.skel->bss->add = 1;
	ASSERT(run_prog(&f, 1, &ret) == 0 && ret == XDP_PASS, "run: retval %u", ret);
	ASSERT(f.skel->bss->arr_seen == 31, "program read %llu from our array",
	      (unsigned long long)f.skel->bss->arr_seen);
	ASSERT_OK(get(mine, &ak, &v));
	ASSERT(v.counter == 32, "our array's counter %llu", (unsigned long long)v.counter);
	return TAP_PASS;
}

/* One step of xdp_ext_modify, and the helpers' expected results. */
struct modify_step {
	__u32 op;		/* 1 update, 2 delete */
	__u64 flags;
	__u32 arr_key;
	__u64 hash_key;
	__u64 counter;		/* value to write */
	long arr_ret, hash_ret;
};

static int run_modify(struct fixture *f, const struct modify_step *st,
		      long *arr_ret, long *hash_ret)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));

	f->skel->bss->op = st->op;
	f->skel->bss->op_flags = st->flags;
	f->skel->bss->arr_key = st->arr_key;
	f->skel->bss->hash_key = st->hash_key;
	f->skel->bss->op_val.counter = st->counter;
	f->skel->bss->arr_ret = f->skel->bss->hash_ret = 12345;
	if (bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.xdp_ext_modify), &o)) {
		tap_diag("test run: %s", tap_errname(errno));
		return -1;
	}
	*arr_ret = f->skel->bss->arr_ret;
	*hash_ret = f->skel->bss->hash_ret;
	return 0;
}

/* Same value (or same absence) under @key in both maps. */
static int same_entry(int fd1, int fd2, const void *key, const char *what)
{
	struct ext_val a, b;
	int r1, r2, e1, e2;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	errno = 0;
	r1 = bpf_map_lookup_elem(fd1, key, &a);
	e1 = errno;
	errno = 0;
	r2 = bpf_map_lookup_elem(fd2, key, &b);
	e2 = errno;
	ASSERT(r1 == r2 && (r1 == 0 || e1 == e2) && !memcmp(&a, &b, sizeof(a)),
	      "%s: extmap %d/%s counter %llu, kernel %d/%s counter %llu", what,
	      r1, tap_errname(e1), (unsigned long long)a.counter, r2,
	      tap_errname(e2), (unsigned long long)b.counter);
	return TAP_PASS;
}

/*
 * bpf_map_update_elem() and bpf_map_delete_elem() called by a program give
 * the kernel maps' results, step by step, and leave the same contents.
 */
static int prog_update_delete_like_kernel(void)
{
	static const struct modify_step steps[] = {
		{ 1, BPF_EXIST,   2, 100, 1, 0, -ENOENT },
		{ 1, BPF_NOEXIST, 2, 100, 2, -EEXIST, 0 },
		{ 1, BPF_NOEXIST, 2, 100, 3, -EEXIST, -EEXIST },
		{ 1, BPF_EXIST,   2, 100, 4, 0, 0 },
		{ 1, BPF_ANY,     3, 100, 5, 0, 0 },
		{ 1, 3,           3, 100, 6, -EINVAL, -EINVAL },
		{ 1, BPF_F_LOCK,  3, 100, 7, -EINVAL, -EINVAL },
		{ 1, BPF_ANY,     EXT_ARR_ENTRIES, 101, 8, -E2BIG, 0 },
		{ 1, BPF_ANY,     0xffffffff, 102, 9, -E2BIG, 0 },
		{ 2, 0,           3, 100, 0, -EINVAL, 0 },
		{ 2, 0,           3, 100, 0, -EINVAL, -ENOENT },
		{ 2, 0,           EXT_ARR_ENTRIES, 101, 0, -EINVAL, 0 },
		{ 1, BPF_NOEXIST, 7, 100, 10, -EEXIST, 0 },
	};
	AUTO_FIXTURE e = { .arr = -1, .hash = -1 };
	AUTO_FIXTURE k = { .arr = -1, .hash = -1 };
	struct ext_val v = { 0 };
	size_t i;
	__u64 hk;
	__u32 ak;

	ASSERT(setup_maps(&e, false) == 0, "setup with extmap maps");
	ASSERT(setup_maps(&k, true) == 0, "setup with kernel maps");
	for (i = 0; i < TAP_ARRAY_SIZE(steps); i++) {
		const struct modify_step *st = &steps[i];
		long ea, eh, ka, kh;

		ASSERT(run_modify(&e, st, &ea, &eh) == 0, "run");
		ASSERT(run_modify(&k, st, &ka, &kh) == 0, "run");
		ASSERT(ea == ka && eh == kh,
		      "step %zu (op %u flags %#llx): extmap array %ld hash %ld, kernel array %ld hash %ld",
		      i, st->op, (unsigned long long)st->flags, ea, eh, ka, kh);
		ASSERT(ka == st->arr_ret && kh == st->hash_ret,
		      "step %zu: kernel array %ld hash %ld, script expects %ld %ld",
		      i, ka, kh, st->arr_ret, st->hash_ret);
	}
	for (ak = 0; ak < EXT_ARR_ENTRIES; ak++)
		if (same_entry(e.arr, k.arr, &ak, "array index"))
			return TAP_FAIL;
	for (hk = 100; hk < 103; hk++)
		if (same_entry(e.hash, k.hash, &hk, "hash key"))
			return TAP_FAIL;
	/* Filled up from userspace: the program gets E2BIG for a new key. */
	for (hk = 1000; hk < 1000 + EXT_HASH_ENTRIES; hk++) {
		v.counter = hk;
		if (bpf_map_update_elem(e.hash, &hk, &v, BPF_NOEXIST) == 0 &&
		    bpf_map_update_elem(k.hash, &hk, &v, BPF_NOEXIST) == 0)
			continue;
		if (errno != EEXIST && errno != E2BIG)
			ASSERT(0, "filling: %s", tap_errname(errno));
	}
	{
		const struct modify_step full = { 1, BPF_ANY, 0, 5000, 11, 0, -E2BIG };
		long ea, eh, ka, kh;

		ASSERT(run_modify(&e, &full, &ea, &eh) == 0, "run");
		ASSERT(run_modify(&k, &full, &ka, &kh) == 0, "run");
		ASSERT(ea == ka && eh == kh && kh == -E2BIG,
		      "full: extmap %ld %ld, kernel %ld %ld", ea, eh, ka, kh);
	}
	return TAP_PASS;
}

/*
 * Load the program with an array of @type (extmap or kernel) created with
 * @flags in place of ext_arr: 0 or libbpf's negative errno.
 */
static int load_with_array(__u32 type, __u32 flags)
{
	struct xdp_ext *skel = xdp_ext__open();
	AUTO_FD arr = -1;
	AUTO_FD hash = -1;
	int err;

	if (!skel)
		return -errno;
	if (type == EXTMAP_MAP_TYPE_ARRAY) {
		arr = ext_create(type, 4, sizeof(struct ext_val), EXT_ARR_ENTRIES,
				 flags, "ext_arr");
	} else {
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);

		arr = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ext_arr", 4,
				     sizeof(struct ext_val), EXT_ARR_ENTRIES, &o);
	}
	hash = ext_create(EXTMAP_MAP_TYPE_HASH, 8, sizeof(struct ext_val),
			  EXT_HASH_ENTRIES, 0, "ext_hash");
	if (arr < 0 || hash < 0) {
		err = -errno;
		tap_diag("creating maps: %s", tap_errname(errno));
		xdp_ext__destroy(skel);
		return err;
	}
	err = bpf_map__reuse_fd(skel->maps.ext_arr, arr);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.ext_hash, hash);
	if (!err) {
		libbpf_mute(true);
		err = xdp_ext__load(skel);
		libbpf_mute(false);
	}
	xdp_ext__destroy(skel);
	return err;
}

/*
 * With @flags on the array, the verifier refuses the program's access
 * (it reads and writes the value) exactly as for a kernel map.
 */
static int prog_access_refused_like_kernel(__u32 flags)
{
	int e = load_with_array(EXTMAP_MAP_TYPE_ARRAY, flags);
	int k = load_with_array(BPF_MAP_TYPE_ARRAY, flags);

	ASSERT(k == -EACCES, "kernel array: load gave %d, expected -EACCES", k);
	ASSERT(e == k, "extmap array: load gave %d (%s), kernel array %d", e,
	      e ? tap_errname(-e) : "loaded", k);
	return TAP_PASS;
}

static int rdonly_prog_map_refuses_prog_writes(void)
{
	return prog_access_refused_like_kernel(BPF_F_RDONLY_PROG);
}

static int wronly_prog_map_refuses_prog_reads(void)
{
	return prog_access_refused_like_kernel(BPF_F_WRONLY_PROG);
}

static const struct tap_case cases[] = {
	TAP_CASE(reuse_fd_wires_our_maps),
	TAP_CASE(prog_reads_userspace_values),
	TAP_CASE(prog_writes_in_place),
	TAP_CASE(writes_persist_across_runs),
	TAP_CASE(userspace_update_seen_by_prog),
	TAP_CASE(missing_hash_key_gives_null),
	TAP_CASE(array_index_out_of_range_gives_null),
	TAP_CASE(array_lookup_inlined),
	TAP_CASE(prepare_creates_declared_maps),
	TAP_CASE(prepare_maps_used_by_prog),
	TAP_CASE(prepare_skips_map_with_fd),
	TAP_CASE(prog_update_delete_like_kernel),
	TAP_CASE(rdonly_prog_map_refuses_prog_writes),
	TAP_CASE(wronly_prog_map_refuses_prog_reads),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
