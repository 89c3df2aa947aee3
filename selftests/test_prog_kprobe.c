// SPDX-License-Identifier: GPL-2.0
/*
 * test_prog_kprobe: a kprobe program (progs/kprobe_ext.bpf.c) on getpgid()
 * entry uses an extmap array and an extmap hash through
 * bpf_map_lookup_elem().  It is attached with the skeleton, filtered to
 * this process, and fired by calling getpgid().  The maps are created with
 * libextmap and wired with bpf_map__reuse_fd(), or created from the
 * object's definitions by extmap_bpf_object_prepare().
 */
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"
#include "kprobe_ext.skel.h"

#define ARR_KEY		6u
#define HASH_KEY	0x1122334455667788ull

struct fixture {
	struct kprobe_ext *skel;
	int arr;
	int hash;
};

static void fixture_destroy(struct fixture *f)
{
	kprobe_ext__destroy(f->skel);
	if (f->arr >= 0)
		close(f->arr);
	if (f->hash >= 0)
		close(f->hash);
	f->skel = NULL;
	f->arr = f->hash = -1;
}

#define AUTO_FIXTURE __attribute__((cleanup(fixture_destroy))) struct fixture

static int attach(struct fixture *f)
{
	int err;

	f->skel->bss->target_tgid = (__u32)getpid();
	err = kprobe_ext__attach(f->skel);
	if (err) {
		tap_diag("kprobe_ext__attach: %s", tap_errname(-err));
		return -1;
	}
	return 0;
}

static int setup_reuse(struct fixture *f)
{
	int err;

	f->skel = kprobe_ext__open();
	if (!f->skel) {
		tap_diag("kprobe_ext__open: %s", tap_errname(errno));
		return -1;
	}
	if (ext_val_maps_create(&f->arr, &f->hash))
		return -1;
	err = bpf_map__reuse_fd(f->skel->maps.ext_arr, f->arr);
	if (!err)
		err = bpf_map__reuse_fd(f->skel->maps.ext_hash, f->hash);
	if (err) {
		tap_diag("bpf_map__reuse_fd: %s", tap_errname(-err));
		return -1;
	}
	err = kprobe_ext__load(f->skel);
	if (err) {
		tap_diag("kprobe_ext__load: %s", tap_errname(-err));
		return -1;
	}
	return attach(f);
}

static int setup_prepare(struct fixture *f)
{
	int err, n;

	f->skel = kprobe_ext__open();
	if (!f->skel) {
		tap_diag("kprobe_ext__open: %s", tap_errname(errno));
		return -1;
	}
	n = extmap_bpf_object_prepare(f->skel->obj, NULL);
	if (n != 2) {
		tap_diag("extmap_bpf_object_prepare: %d, want 2", n);
		return -1;
	}
	err = kprobe_ext__load(f->skel);
	if (err) {
		tap_diag("kprobe_ext__load: %s", tap_errname(-err));
		return -1;
	}
	f->arr = dup(bpf_map__fd(f->skel->maps.ext_arr));
	f->hash = dup(bpf_map__fd(f->skel->maps.ext_hash));
	if (f->arr < 0 || f->hash < 0)
		return -1;
	return attach(f);
}

static void fire(int times)
{
	while (times-- > 0)
		syscall(SYS_getpgid, 0);
}

static int populate(struct fixture *f, __u64 arr_counter, __u64 hash_counter)
{
	struct ext_val a = { .counter = arr_counter }, h = { .counter = hash_counter };
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	if (bpf_map_update_elem(f->arr, &ak, &a, BPF_ANY) ||
	    bpf_map_update_elem(f->hash, &hk, &h, BPF_ANY)) {
		tap_diag("populating the maps: %s", tap_errname(errno));
		return -1;
	}
	f->skel->bss->arr_key = ARR_KEY;
	f->skel->bss->hash_key = HASH_KEY;
	return 0;
}

static int check_value(int fd, const void *key, __u64 counter, __u64 seen,
		       __u64 marker, const char *what)
{
	struct ext_val v;

	memset(&v, 0xee, sizeof(v));
	ASSERT_OK(bpf_map_lookup_elem(fd, key, &v));
	ASSERT(v.counter == counter && v.seen == seen && v.marker == marker,
	      "%s value {%llu, %llu, %#llx}, want {%llu, %llu, %#llx}", what,
	      (unsigned long long)v.counter, (unsigned long long)v.seen,
	      (unsigned long long)v.marker, (unsigned long long)counter,
	      (unsigned long long)seen, (unsigned long long)marker);
	return TAP_PASS;
}

static int fires_once_per_call(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 0, 0) == 0, "populate");
	f.skel->bss->hits = 0;
	fire(5);
	ASSERT(f.skel->bss->hits == 5, "%u hits for 5 getpgid() calls", f.skel->bss->hits);
	return TAP_PASS;
}

static int child_getpgid(void *arg)
{
	(void)arg;
	fire(3);
	return 0;
}

static int other_process_filtered_out(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 7, 8) == 0, "populate");
	f.skel->bss->add = 1;
	f.skel->bss->hits = 0;
	ASSERT(run_child(child_getpgid, NULL) == 0, "child");
	ASSERT(f.skel->bss->hits == 0, "%u hits from another process", f.skel->bss->hits);
	if (check_value(f.arr, &ak, 7, 0, 0, "array") ||
	    check_value(f.hash, &hk, 8, 0, 0, "hash"))
		return TAP_FAIL;
	return TAP_PASS;
}

static int check_read_and_write(struct fixture *f)
{
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	ASSERT(populate(f, 300, 400) == 0, "populate");
	f->skel->bss->add = 2;
	f->skel->bss->marker = 0x6b70726f6265ull;
	f->skel->bss->hits = 0;
	fire(1);
	ASSERT(f->skel->bss->hits == 1, "hits %u", f->skel->bss->hits);
	ASSERT(f->skel->bss->arr_found == 1 && f->skel->bss->hash_found == 1,
	      "found: array %u, hash %u", f->skel->bss->arr_found,
	      f->skel->bss->hash_found);
	ASSERT(f->skel->bss->arr_seen == 300 && f->skel->bss->hash_seen == 400,
	      "program saw %llu and %llu", (unsigned long long)f->skel->bss->arr_seen,
	      (unsigned long long)f->skel->bss->hash_seen);
	if (check_value(f->arr, &ak, 302, 300, 0x6b70726f6265ull, "array") ||
	    check_value(f->hash, &hk, 402, 400, 0x6b70726f6265ull, "hash"))
		return TAP_FAIL;
	/* And again: the program's writes persisted. */
	fire(4);
	ASSERT(f->skel->bss->hits == 5, "hits %u", f->skel->bss->hits);
	ASSERT(f->skel->bss->arr_seen == 308 && f->skel->bss->hash_seen == 408,
	      "program saw %llu and %llu", (unsigned long long)f->skel->bss->arr_seen,
	      (unsigned long long)f->skel->bss->hash_seen);
	if (check_value(f->arr, &ak, 310, 308, 0x6b70726f6265ull, "array") ||
	    check_value(f->hash, &hk, 410, 408, 0x6b70726f6265ull, "hash"))
		return TAP_FAIL;
	return TAP_PASS;
}

static int reads_and_writes_values(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };

	ASSERT(setup_reuse(&f) == 0, "setup");
	return check_read_and_write(&f);
}

static int userspace_update_seen_by_prog(void)
{
	struct ext_val v = { .counter = 9000 };
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1, 1) == 0, "populate");
	fire(1);
	ASSERT_OK(bpf_map_update_elem(f.arr, &ak, &v, BPF_EXIST));
	v.counter = 9100;
	ASSERT_OK(bpf_map_update_elem(f.hash, &hk, &v, BPF_EXIST));
	fire(1);
	ASSERT(f.skel->bss->arr_seen == 9000 && f.skel->bss->hash_seen == 9100,
	      "program saw %llu and %llu", (unsigned long long)f.skel->bss->arr_seen,
	      (unsigned long long)f.skel->bss->hash_seen);
	return TAP_PASS;
}

static int missing_keys_give_null(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	struct ext_val v;
	__u64 hk = HASH_KEY + 1;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 1, 1) == 0, "populate");
	f.skel->bss->arr_key = EXT_ARR_ENTRIES;
	f.skel->bss->hash_key = HASH_KEY + 1;
	f.skel->bss->arr_found = 99;
	f.skel->bss->hash_found = 99;
	fire(1);
	ASSERT(f.skel->bss->hits == 1, "hits %u", f.skel->bss->hits);
	ASSERT(f.skel->bss->arr_found == 0, "out-of-range index gave a pointer");
	ASSERT(f.skel->bss->hash_found == 0, "absent hash key gave a pointer");
	ASSERT_ERRNO(bpf_map_lookup_elem(f.hash, &hk, &v), ENOENT);
	/* Deleted from userspace: gone for the program. */
	hk = HASH_KEY;
	ASSERT_OK(bpf_map_delete_elem(f.hash, &hk));
	f.skel->bss->hash_key = HASH_KEY;
	fire(1);
	ASSERT(f.skel->bss->hits == 2 && f.skel->bss->hash_found == 0,
	      "deleted key found (hits %u)", f.skel->bss->hits);
	return TAP_PASS;
}

static int prepare_path(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	struct bpf_map_info info;

	ASSERT(setup_prepare(&f) == 0, "setup");
	ASSERT_OK(map_info(f.arr, &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_ARRAY && info.max_entries == EXT_ARR_ENTRIES,
	      "ext_arr: type %#x, max_entries %u", info.type, info.max_entries);
	ASSERT_OK(map_info(f.hash, &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_HASH && info.max_entries == EXT_HASH_ENTRIES,
	      "ext_hash: type %#x, max_entries %u", info.type, info.max_entries);
	return check_read_and_write(&f);
}

static int detach_stops_updates(void)
{
	AUTO_FIXTURE f = { .arr = -1, .hash = -1 };
	__u32 ak = ARR_KEY;
	__u64 hk = HASH_KEY;

	ASSERT(setup_reuse(&f) == 0, "setup");
	ASSERT(populate(&f, 50, 60) == 0, "populate");
	f.skel->bss->add = 1;
	fire(1);
	kprobe_ext__detach(f.skel);
	fire(3);
	ASSERT(f.skel->bss->hits == 1, "hits %u after detaching", f.skel->bss->hits);
	if (check_value(f.arr, &ak, 51, 50, 0, "array") ||
	    check_value(f.hash, &hk, 61, 60, 0, "hash"))
		return TAP_FAIL;
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(fires_once_per_call),
	TAP_CASE(other_process_filtered_out),
	TAP_CASE(reads_and_writes_values),
	TAP_CASE(userspace_update_seen_by_prog),
	TAP_CASE(missing_keys_give_null),
	TAP_CASE(prepare_path),
	TAP_CASE(detach_stops_updates),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
