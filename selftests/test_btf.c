// SPDX-License-Identifier: GPL-2.0
/*
 * test_btf: extmap maps with BTF, and values holding a bpf_spin_lock.
 *
 * The kernel creates every extmap map (Documentation/design.md), so it
 * checks the BTF of keys and values against the sizes as for its own maps,
 * and finds the special fields of values.  What is checked here:
 *   - maps of each type created from BTF-defined declarations carry the
 *     object's BTF: bpf_map_info's btf_id and type ids;
 *   - an XDP program takes the bpf_spin_lock of a value of each extmap type,
 *     as it does on the kernel's HASH and ARRAY (progs/spin_lock.bpf.c);
 *   - bpf(2) lookups and updates with BPF_F_LOCK behave as on HASH: the
 *     lock is taken, the lock word itself is neither read nor written;
 *     BPF_F_LOCK on a map without a lock is EINVAL;
 *   - a value with a special field that extmap does not handle (bpf_timer)
 *     is refused with EOPNOTSUPP, where the kernel's HASH accepts it; BTF
 *     that does not match the sizes gets the kernel's errno.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/spin_lock_common.h"
#include "spin_lock.skel.h"

#define LK_KEY		1u
#define LK_RUNS		1000

static const char *const lk_names[LK_NR_MAPS] = {
	[LK_ARR] = "array", [LK_HASH] = "hash", [LK_LPM] = "lpm",
	[LK_KARR] = "ARRAY", [LK_KHASH] = "HASH",
};

static void skel_destroy(struct spin_lock **skel)
{
	spin_lock__destroy(*skel);
}

#define AUTO_SKEL __attribute__((cleanup(skel_destroy))) struct spin_lock *

static struct bpf_map *lk_map(struct spin_lock *skel, int which)
{
	struct bpf_map *maps[LK_NR_MAPS] = {
		[LK_ARR] = skel->maps.lk_arr, [LK_HASH] = skel->maps.lk_hash,
		[LK_LPM] = skel->maps.lk_lpm, [LK_KARR] = skel->maps.lk_karr,
		[LK_KHASH] = skel->maps.lk_khash,
	};

	return maps[which];
}

/* The key of LK_KEY in map @which, into @buf. */
static void *lk_key(int which, void *buf)
{
	struct lk_lpm_key *k = buf;

	if (which == LK_LPM) {
		k->prefixlen = 32;
		k->addr = LK_KEY;
	} else {
		*(__u32 *)buf = LK_KEY;
	}
	return buf;
}

/* Open, create the extmap maps, load, and put a zero value at LK_KEY. */
static struct spin_lock *lk_setup(void)
{
	struct lk_val zero = { 0 };
	struct spin_lock *skel;
	char key[8];
	int i, err;

	skel = spin_lock__open();
	if (!skel) {
		tap_diag("spin_lock__open: %s", tap_errname(errno));
		return NULL;
	}
	err = extmap_bpf_object_prepare(skel->obj, NULL);
	if (err != 3) {
		tap_diag("extmap_bpf_object_prepare: %d, want 3 maps", err);
		goto fail;
	}
	err = spin_lock__load(skel);
	if (err) {
		tap_diag("spin_lock__load: %d", err);
		goto fail;
	}
	for (i = 0; i < LK_NR_MAPS; i++) {
		if (bpf_map_update_elem(bpf_map__fd(lk_map(skel, i)),
					lk_key(i, key), &zero, BPF_ANY)) {
			tap_diag("%s: update: %s", lk_names[i], tap_errname(errno));
			goto fail;
		}
	}
	return skel;
fail:
	spin_lock__destroy(skel);
	return NULL;
}

static int lk_run(struct spin_lock *skel, int which, int runs)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = runs);

	skel->bss->which = which;
	skel->bss->key = LK_KEY;
	skel->bss->missed = 0;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_lock_inc), &o))
		return -errno;
	if (skel->bss->missed || o.retval != XDP_PASS) {
		tap_diag("%s: the program found no value (retval %u)",
			 lk_names[which], o.retval);
		return -ENOENT;
	}
	return 0;
}

/* Maps declared with key and value types carry the object's BTF. */
static int btf_ids_reported(void)
{
	AUTO_SKEL skel = lk_setup();
	struct bpf_map_info info;
	struct bpf_map *map;
	int i;

	ASSERT(skel, "setup failed");
	for (i = LK_ARR; i <= LK_LPM; i++) {
		map = lk_map(skel, i);
		ASSERT_OK(map_info(bpf_map__fd(map), &info));
		ASSERT(info.btf_id != 0, "%s: no btf_id", lk_names[i]);
		ASSERT_EQ(info.btf_key_type_id, bpf_map__btf_key_type_id(map),
			  "btf_key_type_id");
		ASSERT_EQ(info.btf_value_type_id, bpf_map__btf_value_type_id(map),
			  "btf_value_type_id");
		ASSERT(info.btf_value_type_id != 0, "%s: no value type", lk_names[i]);
	}
	return TAP_PASS;
}

/* LK_RUNS locked increments from the program, read back under the lock. */
static int prog_lock_counts(void)
{
	AUTO_SKEL skel = lk_setup();
	struct lk_val v;
	char key[8];
	int i;

	ASSERT(skel, "setup failed");
	for (i = 0; i < LK_NR_MAPS; i++) {
		ASSERT_OK(lk_run(skel, i, LK_RUNS));
		ASSERT_OK(bpf_map_lookup_elem_flags(bpf_map__fd(lk_map(skel, i)),
						    lk_key(i, key), &v, BPF_F_LOCK));
		ASSERT(v.count == LK_RUNS && v.shadow == LK_RUNS,
		       "%s: count %u shadow %u after %d runs", lk_names[i],
		       v.count, v.shadow, LK_RUNS);
		ASSERT(v.lock.val == 0, "%s: lookup copied the lock word %#x",
		       lk_names[i], v.lock.val);
	}
	return TAP_PASS;
}

/*
 * bpf(2) writes under the lock and never writes the lock word: a locked
 * update with garbage there leaves a lock the program can still take.
 */
static int syscall_lock_update(void)
{
	AUTO_SKEL skel = lk_setup();
	struct lk_val v = { .count = 7, .shadow = 7 };
	__u64 flags[] = { BPF_F_LOCK, BPF_F_LOCK | BPF_EXIST, BPF_ANY };
	char key[8];
	int i, j, fd;

	ASSERT(skel, "setup failed");
	for (i = 0; i < LK_NR_MAPS; i++) {
		fd = bpf_map__fd(lk_map(skel, i));
		for (j = 0; j < (int)TAP_ARRAY_SIZE(flags); j++) {
			v.count = v.shadow = 7;
			v.lock.val = 0xdeadbeef;
			ASSERT_OK(bpf_map_update_elem(fd, lk_key(i, key), &v, flags[j]));
			ASSERT_OK(lk_run(skel, i, 3));
			ASSERT_OK(bpf_map_lookup_elem_flags(fd, key, &v, BPF_F_LOCK));
			ASSERT(v.count == 10 && v.shadow == 10,
			       "%s, flags %#llx: count %u shadow %u, want 10",
			       lk_names[i], (unsigned long long)flags[j],
			       v.count, v.shadow);
		}
	}
	return TAP_PASS;
}

/* BPF_NOEXIST and BPF_EXIST keep their meaning beside BPF_F_LOCK. */
static int lock_flags_exist(void)
{
	AUTO_SKEL skel = lk_setup();
	struct lk_val v = { 0 };
	char key[8];
	int i, fd;

	ASSERT(skel, "setup failed");
	for (i = LK_HASH; i <= LK_LPM; i++) {
		fd = bpf_map__fd(lk_map(skel, i));
		ASSERT_ERRNO(bpf_map_update_elem(fd, lk_key(i, key), &v,
						 BPF_F_LOCK | BPF_NOEXIST), EEXIST);
		ASSERT_OK(bpf_map_delete_elem(fd, key));
		ASSERT_ERRNO(bpf_map_update_elem(fd, key, &v, BPF_F_LOCK | BPF_EXIST),
			     ENOENT);
		ASSERT_OK(bpf_map_update_elem(fd, key, &v, BPF_F_LOCK | BPF_NOEXIST));
		ASSERT_OK(bpf_map_lookup_elem_flags(fd, key, &v, BPF_F_LOCK));
	}
	return TAP_PASS;
}

/* Without a lock in the value, BPF_F_LOCK is EINVAL, as on HASH. */
static int lock_flag_without_lock_einval(void)
{
	__u32 types[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH };
	__u32 key = 0, val[2] = { 0 };
	int i, fd, kfd;

	kfd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 4, NULL);
	ASSERT(kfd >= 0, "HASH: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(kfd, &key, val, BPF_ANY));
	ASSERT_ERRNO(bpf_map_update_elem(kfd, &key, val, BPF_F_LOCK), EINVAL);
	close(kfd);
	for (i = 0; i < (int)TAP_ARRAY_SIZE(types); i++) {
		fd = extmap_create(types[i], 4, 8, 4, NULL);
		ASSERT(fd >= 0, "create %#x: %d", types[i], fd);
		ASSERT_OK(bpf_map_update_elem(fd, &key, val, BPF_ANY));
		ASSERT_ERRNO(bpf_map_update_elem(fd, &key, val, BPF_F_LOCK), EINVAL);
		ASSERT_ERRNO(bpf_map_lookup_elem_flags(fd, &key, val, BPF_F_LOCK),
			     EINVAL);
		close(fd);
	}
	return TAP_PASS;
}

/*
 * BTF of an int key and a value struct of @value_size bytes holding
 * @field ("bpf_timer" or "bpf_spin_lock", of @field_size bytes) at 0.
 * Returns the loaded BTF (its fd is btf__fd()), the value's id in *@value.
 */
static struct btf *value_btf(const char *field, __u32 field_size,
			     __u32 value_size, __u32 *key, __u32 *value)
{
	struct btf *btf = btf__new_empty();
	int u32_id, f_id, err;

	if (!btf)
		return NULL;
	*key = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u32_id = btf__add_int(btf, "unsigned int", 4, 0);
	f_id = btf__add_struct(btf, field, field_size);
	btf__add_field(btf, "word", u32_id, 0, 0);
	*value = btf__add_struct(btf, "val", value_size);
	btf__add_field(btf, "f", f_id, 0, 0);
	err = btf__load_into_kernel(btf);
	if (err) {
		tap_diag("loading BTF: %d", err);
		btf__free(btf);
		return NULL;
	}
	return btf;
}

static int create_with_btf(__u32 type, struct btf *btf, __u32 key_id,
			   __u32 value_id, __u32 value_size)
{
	LIBEXTMAP_OPTS(extmap_create_opts, opts, .btf_fd = btf__fd(btf),
		       .btf_key_type_id = key_id, .btf_value_type_id = value_id);
	LIBBPF_OPTS(bpf_map_create_opts, kopts, .btf_fd = btf__fd(btf),
		    .btf_key_type_id = key_id, .btf_value_type_id = value_id);
	int fd;

	if (type < EXTMAP_MAP_TYPE_BASE) {
		fd = bpf_map_create(type, NULL, 4, value_size, 4, &kopts);
		return fd < 0 ? -errno : fd;
	}
	return extmap_create(type, 4, value_size, 4, &opts);
}

/* A bpf_timer in the value: HASH takes it, extmap refuses it. */
static int timer_value_eopnotsupp(void)
{
	__u32 types[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH };
	__u32 key_id, value_id;
	struct btf *btf;
	int i, fd;

	/* struct bpf_timer is 16 bytes, 8-aligned. */
	btf = value_btf("bpf_timer", 16, 16, &key_id, &value_id);
	ASSERT(btf, "no BTF");
	fd = create_with_btf(BPF_MAP_TYPE_HASH, btf, key_id, value_id, 16);
	if (fd < 0) {
		btf__free(btf);
		return tap_skip_reason("the kernel's HASH refuses this timer: %s",
				       tap_errname(-fd));
	}
	close(fd);
	for (i = 0; i < (int)TAP_ARRAY_SIZE(types); i++) {
		fd = create_with_btf(types[i], btf, key_id, value_id, 16);
		if (fd >= 0)
			close(fd);
		ASSERT(fd == -EOPNOTSUPP, "type %#x with a bpf_timer: %d, want %d",
		       types[i], fd, -EOPNOTSUPP);
	}
	btf__free(btf);
	return TAP_PASS;
}

/* BTF that does not match the sizes: the kernel's answer, for both. */
static int btf_size_mismatch_same_errno(void)
{
	__u32 key_id, value_id;
	struct btf *btf;
	int kfd, fd;

	btf = value_btf("bpf_spin_lock", 4, 16, &key_id, &value_id);
	ASSERT(btf, "no BTF");
	kfd = create_with_btf(BPF_MAP_TYPE_HASH, btf, key_id, value_id, 8);
	fd = create_with_btf(EXTMAP_MAP_TYPE_HASH, btf, key_id, value_id, 8);
	btf__free(btf);
	if (kfd >= 0)
		close(kfd);
	if (fd >= 0)
		close(fd);
	ASSERT(kfd < 0, "HASH took a 16-byte value type for 8-byte values");
	ASSERT_EQ(fd, kfd, "errno of extmap hash against HASH's");
	return TAP_PASS;
}

/* A BTF type id with an fd that is not BTF: the kernel's errno too. */
static int btf_bad_fd_same_errno(void)
{
	LIBEXTMAP_OPTS(extmap_create_opts, opts, .btf_fd = -1,
		       .btf_value_type_id = 1);
	LIBBPF_OPTS(bpf_map_create_opts, kopts, .btf_fd = (__u32)-1,
		    .btf_value_type_id = 1);
	int kfd, fd;

	kfd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 4, &kopts);
	kfd = kfd < 0 ? -errno : kfd;
	fd = extmap_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, &opts);
	if (kfd >= 0)
		close(kfd);
	if (fd >= 0)
		close(fd);
	ASSERT(kfd < 0, "HASH took BTF fd -1");
	ASSERT_EQ(fd, kfd, "errno of extmap hash against HASH's");
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(btf_ids_reported),
	TAP_CASE(prog_lock_counts),
	TAP_CASE(syscall_lock_update),
	TAP_CASE(lock_flags_exist),
	TAP_CASE(lock_flag_without_lock_einval),
	TAP_CASE(timer_value_eopnotsupp),
	TAP_CASE(btf_size_mismatch_same_errno),
	TAP_CASE(btf_bad_fd_same_errno),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
