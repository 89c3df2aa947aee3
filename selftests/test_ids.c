// SPDX-License-Identifier: GPL-2.0
/*
 * test_ids: extmap maps are found by id, as every BPF map.
 *
 * The kernel creates every extmap map (Documentation/design.md), so each
 * has a map id from the kernel's allocator: bpf_map_info.id, fdinfo's
 * map_id, BPF_MAP_GET_FD_BY_ID and BPF_MAP_GET_NEXT_ID reach it, programs
 * list it in their map_ids, and bpftool finds it with "map list",
 * "map show id" and "map dump id".  Each case creates its own maps.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"
#include "xdp_ext.skel.h"

static char out[65536];

static const __u32 ext_types[] = {
	EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_LPM,
};

/* A small map of @type: u32 keys (an IPv4 key for lpm), u64 values. */
static int small_map(__u32 type, const char *name)
{
	return ext_create(type, type == EXTMAP_MAP_TYPE_LPM ? 8 : 4, 8, 4,
			  type == EXTMAP_MAP_TYPE_LPM ? BPF_F_NO_PREALLOC : 0,
			  name);
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info;

	return map_info(fd, &info) ? 0 : info.id;
}

/* Every map has an id, distinct from every other map's. */
static int ids_nonzero_distinct(void)
{
	AUTO_FD k = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 4, NULL);
	__u32 ids[TAP_ARRAY_SIZE(ext_types) + 1];
	int fds[TAP_ARRAY_SIZE(ext_types)];
	int i, j, n = TAP_ARRAY_SIZE(ext_types);

	ASSERT(k >= 0, "HASH: %s", tap_errname(errno));
	for (i = 0; i < n; i++) {
		fds[i] = small_map(ext_types[i], "ids");
		ASSERT(fds[i] >= 0, "create %#x: %s", ext_types[i], tap_errname(errno));
		ids[i] = map_id(fds[i]);
	}
	ids[n] = map_id(k);
	for (i = 0; i < n; i++)
		close(fds[i]);
	for (i = 0; i <= n; i++) {
		ASSERT(ids[i] != 0, "map %d has id 0", i);
		for (j = 0; j < i; j++)
			ASSERT(ids[i] != ids[j], "maps %d and %d share id %u", i, j, ids[i]);
	}
	return TAP_PASS;
}

/* fdinfo says the same id. */
static int fdinfo_map_id(void)
{
	unsigned long long v;
	unsigned int i;

	for (i = 0; i < TAP_ARRAY_SIZE(ext_types); i++) {
		AUTO_FD fd = small_map(ext_types[i], "fdinfo");

		ASSERT(fd >= 0, "create: %s", tap_errname(errno));
		ASSERT_OK(fdinfo_field(fd, "map_id", &v));
		ASSERT_EQ(v, map_id(fd), "fdinfo map_id against bpf_map_info.id");
	}
	return TAP_PASS;
}

/* BPF_MAP_GET_FD_BY_ID gives the same map, which works through the new fd. */
static int get_fd_by_id_same_map(void)
{
	__u64 v = 0x1122334455667788ull, r = 0;
	__u32 k = 1;
	unsigned int i;

	for (i = 0; i < TAP_ARRAY_SIZE(ext_types); i++) {
		__u32 key[2] = { 32, k };	/* an lpm key; array/hash use key[0] */
		void *kp = ext_types[i] == EXTMAP_MAP_TYPE_LPM ? (void *)key : &k;
		AUTO_FD fd = small_map(ext_types[i], "by_id");
		struct bpf_map_info a, b;
		AUTO_FD fd2 = -1;

		ASSERT(fd >= 0, "create: %s", tap_errname(errno));
		ASSERT_OK(map_info(fd, &a));
		fd2 = bpf_map_get_fd_by_id(a.id);
		ASSERT(fd2 >= 0, "BPF_MAP_GET_FD_BY_ID %u: %s", a.id, tap_errname(errno));
		ASSERT_OK(map_info(fd2, &b));
		ASSERT_EQ(b.id, a.id, "id through the new fd");
		ASSERT_EQ(b.type, ext_types[i], "type through the new fd");
		ASSERT_OK(bpf_map_update_elem(fd2, kp, &v, BPF_ANY));
		ASSERT_OK(bpf_map_lookup_elem(fd, kp, &r));
		ASSERT(r == v, "read %#llx through the first fd, wrote %#llx",
		       (unsigned long long)r, (unsigned long long)v);
	}
	return TAP_PASS;
}

/* BPF_MAP_GET_NEXT_ID walks over it. */
static int next_id_finds_map(void)
{
	AUTO_FD fd = small_map(EXTMAP_MAP_TYPE_HASH, "next_id");
	__u32 id = 0, want;
	bool found = false;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	want = map_id(fd);
	while (!bpf_map_get_next_id(id, &id))
		if (id == want)
			found = true;
	ASSERT_EQ(errno, ENOENT, "errno at the end of the walk");
	ASSERT(found, "id %u not in the walk", want);
	return TAP_PASS;
}

/* A program that uses extmap maps lists their ids in map_ids. */
static int prog_map_ids(void)
{
	struct xdp_ext *skel = xdp_ext__open();
	struct bpf_prog_info info;
	__u32 ids[16], want[2], len = sizeof(info);
	int err, i, j;

	ASSERT(skel, "xdp_ext__open: %s", tap_errname(errno));
	err = extmap_bpf_object_prepare(skel->obj, NULL);
	if (err < 0 || xdp_ext__load(skel)) {
		xdp_ext__destroy(skel);
		ASSERT(0, "prepare %d, or load failed", err);
	}
	want[0] = map_id(bpf_map__fd(skel->maps.ext_arr));
	want[1] = map_id(bpf_map__fd(skel->maps.ext_hash));
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = TAP_ARRAY_SIZE(ids);
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xdp_ext), &info, &len);
	xdp_ext__destroy(skel);
	ASSERT_OK(err);
	for (i = 0; i < 2; i++) {
		bool found = false;

		ASSERT(want[i] != 0, "map %d has id 0", i);
		for (j = 0; j < (int)info.nr_map_ids && j < (int)TAP_ARRAY_SIZE(ids); j++)
			found |= ids[j] == want[i];
		ASSERT(found, "map id %u not among the program's %u map ids",
		       want[i], info.nr_map_ids);
	}
	return TAP_PASS;
}

#define NEED_BPFTOOL()							\
	do {								\
		if (!have_program("bpftool"))				\
			return tap_skip_reason("bpftool not found in PATH"); \
	} while (0)

/* "bpftool map list" shows the map with its id, extmap type id and name. */
static int bpftool_map_list(void)
{
	AUTO_FD fd = small_map(EXTMAP_MAP_TYPE_LPM, "list_me");
	char want[64];
	int rc;

	NEED_BPFTOOL();
	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	rc = run_cmd(out, sizeof(out), "bpftool map list");
	ASSERT(rc == 0, "bpftool map list: exit %d:\n%s", rc, out);
	/* bpftool prints an unknown type as its number. */
	snprintf(want, sizeof(want), "\n%u: type %u ", map_id(fd),
		 EXTMAP_MAP_TYPE_LPM);
	ASSERT(strstr(out, want + 1) == out || strstr(out, want),
	       "no \"%s\" in:\n%s", want + 1, out);
	ASSERT(strstr(out, " name list_me "), "no \"name list_me\" in:\n%s", out);
	return TAP_PASS;
}

/* "bpftool map show id" and "map dump id" name the map by its id. */
static int bpftool_by_id(void)
{
	AUTO_FD fd = small_map(EXTMAP_MAP_TYPE_HASH, "by_id");
	__u64 v = 0x42;
	__u32 k = 7;
	__u32 id;
	int rc;

	NEED_BPFTOOL();
	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	id = map_id(fd);
	rc = run_cmd(out, sizeof(out), "bpftool map show id %u", id);
	ASSERT(rc == 0, "bpftool map show id %u: exit %d:\n%s", id, rc, out);
	ASSERT(strstr(out, "name by_id"), "no name in:\n%s", out);
	rc = run_cmd(out, sizeof(out), "bpftool map dump id %u", id);
	ASSERT(rc == 0, "bpftool map dump id %u: exit %d:\n%s", id, rc, out);
	ASSERT(strstr(out, "key: 07 00 00 00  value: 42 00 00 00 00 00 00 00"),
	       "key 7 and its value not in:\n%s", out);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(ids_nonzero_distinct),
	TAP_CASE(fdinfo_map_id),
	TAP_CASE(get_fd_by_id_same_map),
	TAP_CASE(next_id_finds_map),
	TAP_CASE(prog_map_ids),
	TAP_CASE(bpftool_map_list),
	TAP_CASE(bpftool_by_id),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
