// SPDX-License-Identifier: GPL-2.0
/*
 * test_create: EXTMAP_IOC_CREATE and EXTMAP_IOC_TYPES.
 *
 * Maps of each type come back as real BPF map fds (info, fdinfo,
 * close-on-exec, RDONLY/WRONLY fd modes), and every attribute the module
 * must refuse is refused with its exact errno, one case each.  The ioctls
 * are issued directly so that the module, not libextmap, is what is tested;
 * a few cases at the end check libextmap's wrappers of them.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <limits.h>
#include <bpf/bpf.h>

#include "libextmap.h"
#include "util.h"

#define KMALLOC_MAX	(4u << 20)	/* KMALLOC_MAX_SIZE on x86-64, 4 KiB pages */

/* The flags every type accepts, and those only hash adds. */
#define COMMON_FLAGS	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
			 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define HASH_FLAGS	(COMMON_FLAGS | BPF_F_ZERO_SEED)
#define ARRAY_FLAGS	(COMMON_FLAGS | BPF_F_MMAPABLE)

static void create_init(struct extmap_create *c, __u32 type, __u32 ks,
			__u32 vs, __u32 max)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->key_size = ks;
	c->value_size = vs;
	c->max_entries = max;
}

/* A page that faults on any access: an invalid user pointer. */
static void *bad_page(void)
{
	static void *p;

	if (!p) {
		p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	return p;
}

/* ---- EXTMAP_IOC_TYPES ---- */

static int types_count_query(void)
{
	struct extmap_types t = { .count = 0, .types = 0 };

	ASSERT_OK(ext_ioctl_types(&t));
	ASSERT(t.count >= 2, "count %u, expected at least array and hash", t.count);
	tap_diag("%u map types registered", t.count);
	return TAP_PASS;
}

static int types_lists_array_and_hash(void)
{
	struct extmap_type_info info[16];
	struct extmap_types t;
	bool arr = false, hash = false;
	__u32 i, n;

	memset(info, 0xa5, sizeof(info));
	t = (struct extmap_types){ .count = 16, .types = (__u64)(unsigned long)info };
	ASSERT_OK(ext_ioctl_types(&t));
	n = t.count;
	ASSERT(n >= 2 && n <= 16, "count %u", n);
	for (i = 0; i < n; i++) {
		ASSERT(memchr(info[i].name, 0, sizeof(info[i].name)),
		      "type %u name not NUL-terminated", i);
		ASSERT(info[i].reserved == 0, "type %u reserved %u", i, info[i].reserved);
		tap_diag("type %#x %s", info[i].id, info[i].name);
		if (info[i].id == EXTMAP_MAP_TYPE_ARRAY) {
			ASSERT(!strcmp(info[i].name, "array"), "array named '%s'", info[i].name);
			arr = true;
		}
		if (info[i].id == EXTMAP_MAP_TYPE_HASH) {
			ASSERT(!strcmp(info[i].name, "hash"), "hash named '%s'", info[i].name);
			hash = true;
		}
	}
	ASSERT(arr && hash, "array listed %d, hash listed %d", arr, hash);
	/* Nothing written past the entries reported. */
	for (i = n; i < 16; i++)
		ASSERT(info[i].id == 0xa5a5a5a5, "entry %u beyond count written", i);
	return TAP_PASS;
}

static int types_small_buffer(void)
{
	struct extmap_types q = { 0 }, t;
	struct extmap_type_info info[2];

	ASSERT_OK(ext_ioctl_types(&q));
	memset(info, 0xa5, sizeof(info));
	t = (struct extmap_types){ .count = 1, .types = (__u64)(unsigned long)info };
	ASSERT_OK(ext_ioctl_types(&t));
	ASSERT(t.count == q.count, "count %u with room for 1, total %u", t.count, q.count);
	ASSERT(info[0].id > EXTMAP_MAP_TYPE_BASE && info[0].name[0],
	      "first entry not filled (id %#x)", info[0].id);
	ASSERT(info[1].id == 0xa5a5a5a5 && (unsigned char)info[1].name[0] == 0xa5,
	      "wrote a second entry with room for one");
	return TAP_PASS;
}

static int types_reserved_einval(void)
{
	struct extmap_types t = { .count = 0, .reserved = 1, .types = 0 };

	ASSERT_ERRNO(ext_ioctl_types(&t), EINVAL);
	return TAP_PASS;
}

static int types_bad_pointer_efault(void)
{
	struct extmap_types t = { .count = 4, .types = (__u64)(unsigned long)bad_page() };

	ASSERT(bad_page(), "mmap");
	ASSERT_ERRNO(ext_ioctl_types(&t), EFAULT);
	return TAP_PASS;
}

/* ---- successful creation ---- */

/* The map behind @fd has exactly these attributes. */
static int check_map(int fd, __u32 type, __u32 ks, __u32 vs, __u32 max,
		     __u32 flags, const char *name)
{
	struct bpf_map_info info;
	unsigned long long v;
	char path[64], link[64];
	int fdflags;
	ssize_t n;

	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == type, "type %#x, want %#x", info.type, type);
	ASSERT(info.key_size == ks, "key_size %u, want %u", info.key_size, ks);
	ASSERT(info.value_size == vs, "value_size %u, want %u", info.value_size, vs);
	ASSERT(info.max_entries == max, "max_entries %u, want %u", info.max_entries, max);
	ASSERT(info.map_flags == flags, "map_flags %#x, want %#x", info.map_flags, flags);
	ASSERT(!strcmp(info.name, name), "name '%s', want '%s'", info.name, name);
	/* The kernel made the map: it has an id, as every BPF map. */
	ASSERT(info.id != 0, "id 0: the kernel did not give the map an id");

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT(n > 0, "readlink %s: %s", path, strerror(errno));
	link[n] = '\0';
	ASSERT(!strcmp(link, "anon_inode:bpf-map"), "fd is '%s', not a BPF map", link);

	fdflags = fcntl(fd, F_GETFD);
	ASSERT(fdflags >= 0 && (fdflags & FD_CLOEXEC), "fd flags %#x: no FD_CLOEXEC", fdflags);

	ASSERT(fdinfo_field(fd, "map_type", &v) == 0, "no map_type in fdinfo");
	ASSERT(v == info.type, "fdinfo map_type %llu, info says %u", v, info.type);
	ASSERT(fdinfo_field(fd, "key_size", &v) == 0 && v == ks, "fdinfo key_size %llu", v);
	ASSERT(fdinfo_field(fd, "value_size", &v) == 0 && v == vs, "fdinfo value_size %llu", v);
	ASSERT(fdinfo_field(fd, "max_entries", &v) == 0 && v == max, "fdinfo max_entries %llu", v);
	ASSERT(fdinfo_field(fd, "map_flags", &v) == 0 && v == flags, "fdinfo map_flags %#llx", v);
	return TAP_PASS;
}

static int create_array(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 24, 10, 0, "sel_array");
	__u64 val[3] = { 1, 2, 3 }, out[3];
	__u32 key = 9;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	if (check_map(fd, EXTMAP_MAP_TYPE_ARRAY, 4, 24, 10, 0, "sel_array"))
		return TAP_FAIL;
	ASSERT_OK(bpf_map_update_elem(fd, &key, val, BPF_ANY));
	ASSERT_OK(bpf_map_lookup_elem(fd, &key, out));
	ASSERT(!memcmp(val, out, sizeof(val)), "read back %s", hexstr(out, sizeof(out)));
	return TAP_PASS;
}

static int create_hash(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_HASH, 12, 5, 100, 0, "sel.hash_1");
	char key[12] = "abcdefghijk", val[5] = "vwxy", out[5];

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	if (check_map(fd, EXTMAP_MAP_TYPE_HASH, 12, 5, 100, 0, "sel.hash_1"))
		return TAP_FAIL;
	ASSERT_OK(bpf_map_update_elem(fd, key, val, BPF_ANY));
	ASSERT_OK(bpf_map_lookup_elem(fd, key, out));
	ASSERT(!memcmp(val, out, sizeof(val)), "read back %s", hexstr(out, sizeof(out)));
	return TAP_PASS;
}

static int create_unnamed(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 4, 1, 0, NULL);

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	return check_map(fd, EXTMAP_MAP_TYPE_HASH, 4, 4, 1, 0, "");
}

static int create_name_15_chars(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 4, 1, 0, "ABCDEFGHIJ_.789");

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	return check_map(fd, EXTMAP_MAP_TYPE_ARRAY, 4, 4, 1, 0, "ABCDEFGHIJ_.789");
}

static int create_each_fd_distinct_map(void)
{
	AUTO_FD a = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 2, 0, "a");
	AUTO_FD b = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 2, 0, "b");
	__u64 v = 77, out = 1;
	__u32 k = 1;

	ASSERT(a >= 0 && b >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(a, &k, &v, BPF_ANY));
	ASSERT_OK(bpf_map_lookup_elem(b, &k, &out));
	ASSERT(out == 0, "second map sees %llu written to the first", (unsigned long long)out);
	return TAP_PASS;
}

/*
 * The map_flags an extmap map of @type reports for @flags must be what a
 * kernel map of @ktype reports for the same flags (the kernel does not keep
 * BPF_F_RDONLY/WRONLY in map_flags, for instance).
 */
static int kernel_flags_for(enum bpf_map_type ktype, __u32 flags, __u32 *out)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);
	struct bpf_map_info info;
	AUTO_FD fd = bpf_map_create(ktype, "kref", 4, 8, 4, &o);

	if (fd < 0 || map_info(fd, &info))
		return -1;
	*out = info.map_flags;
	return 0;
}

static int check_flag_accepted(__u32 type, __u32 flags)
{
	enum bpf_map_type ktype = type == EXTMAP_MAP_TYPE_ARRAY ?
				  BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_HASH;
	AUTO_FD fd = ext_create(type, 4, 8, 4, flags, "flagged");
	__u32 kflags;

	ASSERT(fd >= 0, "create with flags %#x: %s", flags, tap_errname(errno));
	ASSERT_OK(kernel_flags_for(ktype, flags, &kflags));
	return check_map(fd, type, 4, 8, 4, kflags, "flagged");
}

static int flag_rdonly_prog_array(void)
{
	return check_flag_accepted(EXTMAP_MAP_TYPE_ARRAY, BPF_F_RDONLY_PROG);
}

static int flag_rdonly_prog_hash(void)
{
	return check_flag_accepted(EXTMAP_MAP_TYPE_HASH, BPF_F_RDONLY_PROG);
}

static int flag_wronly_prog_array(void)
{
	return check_flag_accepted(EXTMAP_MAP_TYPE_ARRAY, BPF_F_WRONLY_PROG);
}

static int flag_wronly_prog_hash(void)
{
	return check_flag_accepted(EXTMAP_MAP_TYPE_HASH, BPF_F_WRONLY_PROG);
}

static int flag_zero_seed_hash_as_root(void)
{
	return check_flag_accepted(EXTMAP_MAP_TYPE_HASH, BPF_F_ZERO_SEED);
}

/* An fd of a BPF_F_RDONLY map: reads work, writes fail with EPERM. */
static int check_rdonly_fd(__u32 type)
{
	AUTO_FD fd = ext_create(type, 4, 8, 4, BPF_F_RDONLY, "ro");
	__u64 v = 5;
	__u32 k = 0, next;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	if (check_flag_accepted(type, BPF_F_RDONLY))
		return TAP_FAIL;
	ASSERT_ERRNO(bpf_map_update_elem(fd, &k, &v, BPF_ANY), EPERM);
	ASSERT_ERRNO(bpf_map_delete_elem(fd, &k), EPERM);
	if (type == EXTMAP_MAP_TYPE_ARRAY) {
		ASSERT_OK(bpf_map_lookup_elem(fd, &k, &v));
		ASSERT(v == 0, "fresh array element %llu", (unsigned long long)v);
		ASSERT_OK(bpf_map_get_next_key(fd, NULL, &next));
	} else {
		ASSERT_ERRNO(bpf_map_lookup_elem(fd, &k, &v), ENOENT);
		ASSERT_ERRNO(bpf_map_get_next_key(fd, NULL, &next), ENOENT);
	}
	return TAP_PASS;
}

/* An fd of a BPF_F_WRONLY map: writes work, reads fail with EPERM. */
static int check_wronly_fd(__u32 type)
{
	AUTO_FD fd = ext_create(type, 4, 8, 4, BPF_F_WRONLY, "wo");
	__u64 v = 5;
	__u32 k = 0, next;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	if (check_flag_accepted(type, BPF_F_WRONLY))
		return TAP_FAIL;
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	ASSERT_ERRNO(bpf_map_lookup_elem(fd, &k, &v), EPERM);
	ASSERT_ERRNO(bpf_map_get_next_key(fd, &k, &next), EPERM);
	if (type == EXTMAP_MAP_TYPE_HASH)
		ASSERT_OK(bpf_map_delete_elem(fd, &k));
	return TAP_PASS;
}

static int rdonly_fd_array(void)
{
	return check_rdonly_fd(EXTMAP_MAP_TYPE_ARRAY);
}

static int rdonly_fd_hash(void)
{
	return check_rdonly_fd(EXTMAP_MAP_TYPE_HASH);
}

static int wronly_fd_array(void)
{
	return check_wronly_fd(EXTMAP_MAP_TYPE_ARRAY);
}

static int wronly_fd_hash(void)
{
	return check_wronly_fd(EXTMAP_MAP_TYPE_HASH);
}

static int numa_node_0_accepted(void)
{
	struct extmap_create c;
	AUTO_FD a = -1;
	AUTO_FD h = -1;

	create_init(&c, EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4);
	c.map_flags = BPF_F_NUMA_NODE;
	c.numa_node = 0;
	a = ext_ioctl_create(&c);
	ASSERT(a >= 0, "array on node 0: %s", tap_errname(errno));
	c.type = EXTMAP_MAP_TYPE_HASH;
	h = ext_ioctl_create(&c);
	ASSERT(h >= 0, "hash on node 0: %s", tap_errname(errno));
	return TAP_PASS;
}

/* Number of possible NUMA nodes (nr_node_ids): highest in "possible" + 1. */
static int nr_nodes(void)
{
	char buf[256], *p;
	int hi = 0;
	FILE *f = fopen("/sys/devices/system/node/possible", "re");

	if (!f)
		return 1;	/* !CONFIG_NUMA: one node */
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (p = buf; *p; p++)
		if (*p >= '0' && *p <= '9') {
			int n = (int)strtol(p, &p, 10);

			if (n > hi)
				hi = n;
			if (!*p)
				break;
		}
	return hi + 1;
}

static int numa_node_out_of_range_einval(void)
{
	struct extmap_create c;
	int n = nr_nodes();

	tap_diag("%d possible NUMA node(s)", n);
	create_init(&c, EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4);
	c.map_flags = BPF_F_NUMA_NODE;
	c.numa_node = n;
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	c.type = EXTMAP_MAP_TYPE_HASH;
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	c.numa_node = 1000;
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	return TAP_PASS;
}

/* As bpf(2) does, BPF_F_NUMA_NODE with NUMA_NO_NODE means no preference. */
static int numa_node_none_accepted(void)
{
	struct extmap_create c = { .type = EXTMAP_MAP_TYPE_HASH, .key_size = 4,
				   .value_size = 8, .max_entries = 4,
				   .map_flags = BPF_F_NUMA_NODE,
				   .numa_node = 0xffffffff };
	AUTO_FD fd = ext_ioctl_create(&c);

	ASSERT(fd >= 0, "NUMA_NO_NODE refused: %s", tap_errname(errno));
	return TAP_PASS;
}

static int numa_node_ignored_without_flag(void)
{
	struct extmap_create c;
	AUTO_FD fd = -1;

	create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
	c.numa_node = 1000;
	fd = ext_ioctl_create(&c);
	ASSERT(fd >= 0, "numa_node without BPF_F_NUMA_NODE: %s", tap_errname(errno));
	return TAP_PASS;
}

/* ---- refused attributes ---- */

static int rdonly_and_wronly_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4,
			       BPF_F_RDONLY | BPF_F_WRONLY, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4,
			       BPF_F_RDONLY | BPF_F_WRONLY, NULL), EINVAL);
	return TAP_PASS;
}

static int rdonly_prog_and_wronly_prog_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4,
			       BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4,
			       BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, NULL), EINVAL);
	return TAP_PASS;
}

static int no_prealloc_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_NO_PREALLOC, NULL), EINVAL);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, BPF_F_NO_PREALLOC, NULL), EINVAL);
	return TAP_PASS;
}

/*
 * An extmap map as the inner map of a map-in-map: ENOTSUPP, whatever the
 * type (Documentation/design.md says why), where a HASH is taken.
 */
static int inner_map_enotsupp(void)
{
	__u32 types[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH };
	AUTO_FD k = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 4, NULL);
	unsigned int i;

	ASSERT(k >= 0, "HASH: %s", tap_errname(errno));
	{
		LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = k);
		AUTO_FD outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL,
					       4, 4, 2, &o);

		ASSERT(outer >= 0, "ARRAY_OF_MAPS of a HASH: %s", tap_errname(errno));
	}
	for (i = 0; i < TAP_ARRAY_SIZE(types); i++) {
		AUTO_FD inner = ext_create(types[i], 4, 8, 4, 0, NULL);
		LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = inner);

		ASSERT(inner >= 0, "create %#x: %s", types[i], tap_errname(errno));
		o.inner_map_fd = inner;
		ASSERT_ERRNO(bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 2,
					    &o), ENOTSUPP);
		ASSERT_ERRNO(bpf_map_create(BPF_MAP_TYPE_HASH_OF_MAPS, NULL, 4, 4, 2,
					    &o), ENOTSUPP);
	}
	return TAP_PASS;
}

/* As the kernel's: arrays may be mmapable, hashes not. */
static int mmapable_array_only(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_MMAPABLE, NULL);

	ASSERT(fd >= 0, "mmapable array: %s", tap_errname(errno));
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, BPF_F_MMAPABLE, NULL), EINVAL);
	return TAP_PASS;
}

static int zero_seed_array_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_ZERO_SEED, NULL), EINVAL);
	return TAP_PASS;
}

/* Every single flag bit outside the type's accepted set. */
static int check_other_flags(__u32 type, __u32 accepted)
{
	int bit;

	for (bit = 0; bit < 32; bit++) {
		__u32 f = 1u << bit;

		if (f & accepted)
			continue;
		errno = 0;
		if (ext_create(type, 4, 8, 4, f, NULL) >= 0 || errno != EINVAL) {
			tap_diag("flag %#x: %s, expected EINVAL",
				 f, errno ? tap_errname(errno) : "accepted");
			return TAP_FAIL;
		}
	}
	return TAP_PASS;
}

static int other_flags_einval_array(void)
{
	return check_other_flags(EXTMAP_MAP_TYPE_ARRAY, ARRAY_FLAGS);
}

static int other_flags_einval_hash(void)
{
	return check_other_flags(EXTMAP_MAP_TYPE_HASH, HASH_FLAGS);
}

static int zero_seed_child(void *arg)
{
	(void)arg;
	if (caps_set(1ull << CAP_BPF)) {
		tap_diag("capset: %s", strerror(errno));
		return 10;
	}
	errno = 0;
	if (ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, BPF_F_ZERO_SEED, NULL) >= 0) {
		tap_diag("CAP_BPF alone created a BPF_F_ZERO_SEED hash");
		return 1;
	}
	if (errno != EPERM) {
		tap_diag("BPF_F_ZERO_SEED with CAP_BPF alone: %s, expected EPERM",
			 tap_errname(errno));
		return 2;
	}
	/* The same without the flag works: CAP_BPF is enough for that. */
	if (ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, 0, NULL) < 0) {
		tap_diag("plain hash with CAP_BPF: %s", tap_errname(errno));
		return 3;
	}
	return 0;
}

static int zero_seed_without_sys_admin_eperm(void)
{
	int r = run_child(zero_seed_child, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static int reserved_nonzero_einval(void)
{
	struct extmap_create c;
	int i;

	for (i = 0; i < 4; i++) {
		create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
		c.reserved = 1u << (i * 8);
		ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
		c.type = EXTMAP_MAP_TYPE_ARRAY;
		ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	}
	return TAP_PASS;
}

/* The first struct extmap_create, without the BTF fields, still works. */
static int create_size_ver0_works(void)
{
	struct extmap_create c;
	int fd;

	create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
	fd = ext_ioctl_create_size(&c, EXTMAP_CREATE_SIZE_VER0);
	ASSERT(fd >= 0, "create with a %d-byte struct: %s",
	       EXTMAP_CREATE_SIZE_VER0, strerror(errno));
	close(fd);
	return TAP_PASS;
}

static int create_size_short_einval(void)
{
	struct extmap_create c;

	create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
	ASSERT_ERRNO(ext_ioctl_create_size(&c, EXTMAP_CREATE_SIZE_VER0 - 8), EINVAL);
	ASSERT_ERRNO(ext_ioctl_create_size(&c, 0), EINVAL);
	return TAP_PASS;
}

/* A newer caller's struct: zeroes beyond ours are fine, anything else not. */
static int create_size_long_tail(void)
{
	struct {
		struct extmap_create c;
		__u64 newer[2];
	} big;
	int fd;

	memset(&big, 0, sizeof(big));
	create_init(&big.c, EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4);
	fd = ext_ioctl_create_size(&big, sizeof(big));
	ASSERT(fd >= 0, "create with a %zu-byte struct of zeroes past ours: %s",
	       sizeof(big), strerror(errno));
	close(fd);
	big.newer[1] = 1;
	ASSERT_ERRNO(ext_ioctl_create_size(&big, sizeof(big)), E2BIG);
	return TAP_PASS;
}

static int map_extra_nonzero_einval(void)
{
	struct extmap_create c;

	create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
	c.map_extra = 1;
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	c.type = EXTMAP_MAP_TYPE_ARRAY;
	c.map_extra = 1ull << 40;
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	return TAP_PASS;
}

static int name_unterminated_einval(void)
{
	struct extmap_create c;

	create_init(&c, EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4);
	memset(c.name, 'a', sizeof(c.name));
	ASSERT_ERRNO(ext_ioctl_create(&c), EINVAL);
	return TAP_PASS;
}

static int check_name_bytes_refused(const char *bad, size_t n)
{
	struct extmap_create c;
	size_t i;

	for (i = 0; i < n; i++) {
		create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
		snprintf(c.name, sizeof(c.name), "ok%cname", bad[i]);
		errno = 0;
		if (ext_ioctl_create(&c) >= 0 || errno != EINVAL) {
			tap_diag("name with byte %#x: %s, expected EINVAL",
				 (unsigned char)bad[i],
				 errno ? tap_errname(errno) : "accepted");
			return TAP_FAIL;
		}
	}
	return TAP_PASS;
}

/* ASCII outside [A-Za-z0-9_.], and bytes 0x80-0xbf. */
static int name_bad_chars_einval(void)
{
	static const char bad[] = "-/ :!@*\t\x01\x7f\x80\xa0\xbf";

	return check_name_bytes_refused(bad, sizeof(bad) - 1);
}

/*
 * Latin-1 letters (0xc0-0xff but 0xd7 and 0xf7): the kernel's isalnum()
 * calls them alphanumeric, but the allowed set is [A-Za-z0-9_.].
 */
static int name_latin1_letters_einval(void)
{
	static const char bad[] = "\xc0\xc9\xdf\xe9\xff";

	return check_name_bytes_refused(bad, sizeof(bad) - 1);
}

static int unknown_type_enoent(void)
{
	/* Ids that are no registered type: 0, a kernel type id, the base,
	 * and ids far past the registered ones.
	 */
	static const __u32 ids[] = { 0, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY,
				     EXTMAP_MAP_TYPE_BASE, EXTMAP_MAP_TYPE_BASE + 0x100,
				     0x20000, 0xffffffff };
	struct extmap_type_info info[32];
	struct extmap_types t = { .count = 32, .types = (__u64)(unsigned long)info };
	size_t i;
	__u32 j;

	ASSERT_OK(ext_ioctl_types(&t));
	for (i = 0; i < TAP_ARRAY_SIZE(ids); i++) {
		for (j = 0; j < t.count && j < 32; j++)
			ASSERT(info[j].id != ids[i], "%#x is registered", ids[i]);
		errno = 0;
		if (ext_create(ids[i], 4, 8, 4, 0, NULL) >= 0 || errno != ENOENT) {
			tap_diag("type %#x: %s, expected ENOENT", ids[i],
				 errno ? tap_errname(errno) : "created");
			return TAP_FAIL;
		}
	}
	return TAP_PASS;
}

static int create_bad_pointer_efault(void)
{
	AUTO_FD dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);

	ASSERT(dev >= 0, "open: %s", strerror(errno));
	ASSERT(bad_page(), "mmap");
	ASSERT_ERRNO(ioctl(dev, EXTMAP_IOC_CREATE, bad_page()), EFAULT);
	ASSERT_ERRNO(ioctl(dev, EXTMAP_IOC_CREATE, NULL), EFAULT);
	ASSERT_ERRNO(ioctl(dev, EXTMAP_IOC_TYPES, NULL), EFAULT);
	return TAP_PASS;
}

static int unknown_ioctl_enotty(void)
{
	AUTO_FD dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);
	struct extmap_create c;

	ASSERT(dev >= 0, "open: %s", strerror(errno));
	create_init(&c, EXTMAP_MAP_TYPE_HASH, 4, 8, 4);
	ASSERT_ERRNO(ioctl(dev, _IO(EXTMAP_IOC_MAGIC, 0x03), &c), ENOTTY);
	ASSERT_ERRNO(ioctl(dev, _IOW(EXTMAP_IOC_MAGIC, 0x7f, struct extmap_create), &c), ENOTTY);
	/*
	 * Right number, wrong direction: not our ioctl either.  (Any size
	 * is EXTMAP_IOC_CREATE: see create_size_short_einval.)
	 */
	ASSERT_ERRNO(ioctl(dev, _IOR(EXTMAP_IOC_MAGIC, 0x01, struct extmap_create), &c), ENOTTY);
	ASSERT_ERRNO(ioctl(dev, _IOWR(EXTMAP_IOC_MAGIC, 0x01, struct extmap_create), &c), ENOTTY);
	ASSERT_ERRNO(ioctl(dev, _IOW('x', 0x01, struct extmap_create), &c), ENOTTY);
	ASSERT_ERRNO(ioctl(dev, 0, &c), ENOTTY);
	return TAP_PASS;
}

/* ---- array attributes ---- */

static int array_key_size_einval(void)
{
	static const __u32 sizes[] = { 0, 1, 2, 3, 5, 8, 64 };
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(sizes); i++)
		ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, sizes[i], 8, 4, 0, NULL), EINVAL);
	return TAP_PASS;
}

static int array_value_size_0_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 0, 4, 0, NULL), EINVAL);
	return TAP_PASS;
}

static int array_max_entries_0_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 0, 0, NULL), EINVAL);
	return TAP_PASS;
}

/* As for BPF_MAP_TYPE_ARRAY: a value above INT_MAX is refused. */
static int array_value_too_big_e2big(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, (__u32)INT_MAX + 1, 1, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 0xffffffff, 1, 0, NULL), E2BIG);
	return TAP_PASS;
}

/* As for BPF_MAP_TYPE_ARRAY: values beyond kmalloc's limit are fine. */
static int array_value_beyond_kmalloc_ok(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 2 * KMALLOC_MAX, 1, 0, NULL);

	ASSERT(fd >= 0, "value_size %u refused: %s", 2 * KMALLOC_MAX,
	      tap_errname(errno));
	return TAP_PASS;
}

static int array_total_too_big_e2big(void)
{
	/* 2 GiB, 4 GiB (0 in 32 bits: value 4 MiB x 1024), ~32 GiB. */
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 1u << 28, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, KMALLOC_MAX, 1024, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 0xffffffff, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 1, 0x80000000, 0, NULL), E2BIG);
	return TAP_PASS;
}

/* ---- hash attributes ---- */

static int hash_key_size_0_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 0, 8, 4, 0, NULL), EINVAL);
	return TAP_PASS;
}

static int hash_value_size_0_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 0, 4, 0, NULL), EINVAL);
	return TAP_PASS;
}

static int hash_max_entries_0_einval(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 0, 0, NULL), EINVAL);
	return TAP_PASS;
}

/*
 * As for BPF_MAP_TYPE_HASH: keys have no limit of their own, but a key and
 * a value together must fit the kmalloc() buffer bpf(2) copies them through.
 */
static int hash_key_too_big_e2big(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_HASH, 513, 8, 4, 0, NULL);

	ASSERT(fd >= 0, "key_size 513 refused: %s", tap_errname(errno));
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, KMALLOC_MAX, 8, 4, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 0xffffffff, 8, 4, 0, NULL), E2BIG);
	return TAP_PASS;
}

static int hash_value_too_big_e2big(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, KMALLOC_MAX, 1, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 0xffffffff, 1, 0, NULL), E2BIG);
	return TAP_PASS;
}

static int hash_max_entries_too_big_e2big(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 1, 1, 0x80000001, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 1, 1, 0xffffffff, 0, NULL), E2BIG);
	return TAP_PASS;
}

static int hash_total_too_big_e2big(void)
{
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 8, 8, 1u << 28, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 512, 4096, 1u << 20, 0, NULL), E2BIG);
	ASSERT_ERRNO(ext_create(EXTMAP_MAP_TYPE_HASH, 4, 1u << 20, 4096, 0, NULL), E2BIG);
	return TAP_PASS;
}

/* ---- libextmap's wrappers of the ioctls ---- */

static int lib_create_and_errors(void)
{
	LIBEXTMAP_OPTS(extmap_create_opts, o, .name = "libmap");
	LIBEXTMAP_OPTS(extmap_create_opts, nodev, .dev_path = "/nonexistent/extmap");
	AUTO_FD fd = extmap_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 16, &o);
	int r;

	ASSERT(fd >= 0, "extmap_create: %d", fd);
	if (check_map(fd, EXTMAP_MAP_TYPE_HASH, 4, 8, 16, 0, "libmap"))
		return TAP_FAIL;
	r = extmap_create(EXTMAP_MAP_TYPE_ARRAY, 8, 8, 16, NULL);
	ASSERT(r == -EINVAL, "array key_size 8: %d, want -EINVAL", r);
	r = extmap_create(EXTMAP_MAP_TYPE_BASE + 0x100, 4, 8, 16, NULL);
	ASSERT(r == -ENOENT, "unknown type: %d, want -ENOENT", r);
	r = extmap_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 0x80000001, NULL);
	ASSERT(r == -E2BIG, "hash max_entries 2^31+1: %d, want -E2BIG", r);
	r = extmap_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 16, &nodev);
	ASSERT(r == -ENOENT, "missing device: %d, want -ENOENT", r);
	return TAP_PASS;
}

static int lib_types(void)
{
	struct extmap_type_info info[16];
	__u32 n = 0, m = 16, id = 0;
	int r;

	r = extmap_get_types(NULL, NULL, &n);
	ASSERT(r == 0 && n >= 2, "count query: %d, count %u", r, n);
	r = extmap_get_types(NULL, info, &m);
	ASSERT(r == 0 && m == n, "list: %d, count %u (query said %u)", r, m, n);
	r = extmap_type_id(NULL, "array", &id);
	ASSERT(r == 0 && id == EXTMAP_MAP_TYPE_ARRAY, "'array': %d, id %#x", r, id);
	r = extmap_type_id(NULL, "hash", &id);
	ASSERT(r == 0 && id == EXTMAP_MAP_TYPE_HASH, "'hash': %d, id %#x", r, id);
	r = extmap_type_id(NULL, "no_such_type", &id);
	ASSERT(r == -ENOENT, "'no_such_type': %d, want -ENOENT", r);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(types_count_query),
	TAP_CASE(types_lists_array_and_hash),
	TAP_CASE(types_small_buffer),
	TAP_CASE(types_reserved_einval),
	TAP_CASE(types_bad_pointer_efault),
	TAP_CASE(create_array),
	TAP_CASE(create_hash),
	TAP_CASE(create_unnamed),
	TAP_CASE(create_name_15_chars),
	TAP_CASE(create_each_fd_distinct_map),
	TAP_CASE(flag_rdonly_prog_array),
	TAP_CASE(flag_rdonly_prog_hash),
	TAP_CASE(flag_wronly_prog_array),
	TAP_CASE(flag_wronly_prog_hash),
	TAP_CASE(flag_zero_seed_hash_as_root),
	TAP_CASE(rdonly_fd_array),
	TAP_CASE(rdonly_fd_hash),
	TAP_CASE(wronly_fd_array),
	TAP_CASE(wronly_fd_hash),
	TAP_CASE(numa_node_0_accepted),
	TAP_CASE(numa_node_out_of_range_einval),
	TAP_CASE(numa_node_none_accepted),
	TAP_CASE(numa_node_ignored_without_flag),
	TAP_CASE(rdonly_and_wronly_einval),
	TAP_CASE(rdonly_prog_and_wronly_prog_einval),
	TAP_CASE(no_prealloc_einval),
	TAP_CASE(mmapable_array_only),
	TAP_CASE(inner_map_enotsupp),
	TAP_CASE(zero_seed_array_einval),
	TAP_CASE(other_flags_einval_array),
	TAP_CASE(other_flags_einval_hash),
	TAP_CASE(zero_seed_without_sys_admin_eperm),
	TAP_CASE(reserved_nonzero_einval),
	TAP_CASE(create_size_ver0_works),
	TAP_CASE(create_size_short_einval),
	TAP_CASE(create_size_long_tail),
	TAP_CASE(map_extra_nonzero_einval),
	TAP_CASE(name_unterminated_einval),
	TAP_CASE(name_bad_chars_einval),
	TAP_CASE(name_latin1_letters_einval),
	TAP_CASE(unknown_type_enoent),
	TAP_CASE(create_bad_pointer_efault),
	TAP_CASE(unknown_ioctl_enotty),
	TAP_CASE(array_key_size_einval),
	TAP_CASE(array_value_size_0_einval),
	TAP_CASE(array_max_entries_0_einval),
	TAP_CASE(array_value_too_big_e2big),
	TAP_CASE(array_value_beyond_kmalloc_ok),
	TAP_CASE(array_total_too_big_e2big),
	TAP_CASE(hash_key_size_0_einval),
	TAP_CASE(hash_value_size_0_einval),
	TAP_CASE(hash_max_entries_0_einval),
	TAP_CASE(hash_key_too_big_e2big),
	TAP_CASE(hash_value_too_big_e2big),
	TAP_CASE(hash_max_entries_too_big_e2big),
	TAP_CASE(hash_total_too_big_e2big),
	TAP_CASE(lib_create_and_errors),
	TAP_CASE(lib_types),
};

int main(void)
{
	require_root_and_module();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
