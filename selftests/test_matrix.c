// SPDX-License-Identifier: GPL-2.0
/*
 * test_matrix: the bpf_map_lookup_elem() conformance matrix.
 *
 * For every program type (rows) and every map type (columns) the kernel
 * has, one cell: a BPF program of that type (matrix/progs/mx_<type>.bpf.c)
 * calls bpf_map_lookup_elem() on a map of that type, is loaded, attached the
 * way the type is used, and triggered (BPF_PROG_TEST_RUN where the kernel
 * has it for the type, else the real event).  A cell is
 *
 *   pass      loaded, ran, and bpf_map_lookup_elem kept its promises: the
 *             pointer reads what userspace stored, a missing key gives NULL,
 *             a write through the pointer is visible to userspace, a per-CPU
 *             map gives each CPU its own slot, a map-in-map gives an inner
 *             map a second lookup can use, a socket map gives a socket the
 *             program releases;
 *   fail      loaded but broke a promise, or the harness failed;
 *   rejected  the verifier refused the program (detail: its last message);
 *   skip      cannot run here (detail: why).
 *
 * The cells go to $EXTMAP_OUTDIR/matrix.tsv (scripts/vm-run sets it), and are
 * compared with selftests/matrix/expected-<major.minor>.tsv: one TAP case per
 * program type, failing with the cells that differ.  A second TAP case per
 * program type compares each extmap type's cell with its kernel counterpart's
 * (array/ARRAY, hash/HASH, lpm/LPM_TRIE): same verdict, same verifier
 * message, except the cells counterpart_exceptions[] names, with why.  Then
 * the race on a shared value from every CPU: plain increments, atomics,
 * bpf_spin_lock; that the atomic and locked counts are complete is asserted
 * on every run, that they stay complete under contention only where the
 * plain increments show there was contention (they lost some).
 */
/* The tables below leave trailing fields zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <sys/mount.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/perf_event.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/if_xdp.h>
#include <linux/ipv6.h>
#include <linux/lirc.h>
#include <linux/lwtunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "mx_common.h"
#include "mx_objects.h"
#include "mx_race.skel.h"

/* Newer than the userspace headers (linux-libc-dev 6.1). */
#define MX_MAP_TYPE_CGRP_STORAGE	32
#define MX_MAP_TYPE_ARENA		33
#define MX_MAP_TYPE_INSN_ARRAY		34
#define MX_MAP_TYPE_RHASH		35
#define MX_PROG_TYPE_NETFILTER		32
#define MX_ATTACH_NETFILTER		45
#ifndef BPF_F_MMAPABLE
#define BPF_F_MMAPABLE			(1U << 10)
#endif

#define LOG_SZ		(1u << 20)
#define STORED		0x1234ull	/* value stored under the key */
#define PERCPU_BASE	0x1000ull	/* per-CPU: PERCPU_BASE + cpu */

/* ------------------------------------------------------------------ */
/* Map types                                                           */

enum body { B_VAL, B_RO, B_INNER, B_SOCK, B_XSK };
static const char *const body_names[] = { "val", "ro", "inner", "sock", "xsk" };

enum mk { MK_PLAIN, MK_LPM, MK_OUTER, MK_BTF, MK_STRUCT_OPS, MK_EXTMAP, MK_EXTMAP_LPM };

struct mx_map {
	const char *name;	/* the kernel's spelling */
	__u32 type;
	enum body body;
	enum mk mk;
	__u32 key_size, value_size, max_entries, flags;
	bool percpu;
	__u32 ro_value;		/* B_RO: the u32 userspace stores */
};

#define M(t, ...) { "BPF_MAP_TYPE_" #t, BPF_MAP_TYPE_##t, __VA_ARGS__ }
#define MX(t, n, ...) { "BPF_MAP_TYPE_" #t, n, __VA_ARGS__ }
static const struct mx_map maps[] = {
	M(HASH, B_VAL, MK_PLAIN, 4, 8, 4, 0),
	M(ARRAY, B_VAL, MK_PLAIN, 4, 8, 4, 0),
	M(PROG_ARRAY, B_VAL, MK_PLAIN, 4, 4, 4, 0),
	M(PERF_EVENT_ARRAY, B_VAL, MK_PLAIN, 4, 4, 4, 0),
	M(PERCPU_HASH, B_VAL, MK_PLAIN, 4, 8, 4, 0, true),
	M(PERCPU_ARRAY, B_VAL, MK_PLAIN, 4, 8, 4, 0, true),
	M(STACK_TRACE, B_VAL, MK_PLAIN, 4, 8 * 16, 4, 0),
	M(CGROUP_ARRAY, B_VAL, MK_PLAIN, 4, 4, 4, 0),
	M(LRU_HASH, B_VAL, MK_PLAIN, 4, 8, 16, 0),
	M(LRU_PERCPU_HASH, B_VAL, MK_PLAIN, 4, 8, 16, 0, true),
	M(LPM_TRIE, B_VAL, MK_LPM, 8, 8, 16, BPF_F_NO_PREALLOC),
	M(ARRAY_OF_MAPS, B_INNER, MK_OUTER, 4, 4, 4, 0),
	M(HASH_OF_MAPS, B_INNER, MK_OUTER, 4, 4, 4, 0),
	M(DEVMAP, B_RO, MK_PLAIN, 4, 4, 4, 0, false, 1),
	M(SOCKMAP, B_SOCK, MK_PLAIN, 4, 4, 4, 0),
	M(CPUMAP, B_RO, MK_PLAIN, 4, 4, 2, 0, false, 192),
	M(XSKMAP, B_XSK, MK_PLAIN, 4, 4, 4, 0),
	M(SOCKHASH, B_SOCK, MK_PLAIN, 4, 4, 4, 0),
	M(CGROUP_STORAGE, B_VAL, MK_PLAIN, sizeof(struct bpf_cgroup_storage_key), 8, 0, 0),
	M(REUSEPORT_SOCKARRAY, B_VAL, MK_PLAIN, 4, 8, 4, 0),
	M(PERCPU_CGROUP_STORAGE, B_VAL, MK_PLAIN, sizeof(struct bpf_cgroup_storage_key), 8, 0, 0),
	M(QUEUE, B_VAL, MK_PLAIN, 0, 8, 4, 0),
	M(STACK, B_VAL, MK_PLAIN, 0, 8, 4, 0),
	M(SK_STORAGE, B_VAL, MK_BTF, 4, 8, 0, BPF_F_NO_PREALLOC),
	M(DEVMAP_HASH, B_RO, MK_PLAIN, 4, 4, 4, 0, false, 1),
	M(STRUCT_OPS, B_VAL, MK_STRUCT_OPS, 4, 0, 1, 0),
	M(RINGBUF, B_VAL, MK_PLAIN, 0, 0, 4096, 0),
	M(INODE_STORAGE, B_VAL, MK_BTF, 4, 8, 0, BPF_F_NO_PREALLOC),
	M(TASK_STORAGE, B_VAL, MK_BTF, 4, 8, 0, BPF_F_NO_PREALLOC),
	M(BLOOM_FILTER, B_VAL, MK_PLAIN, 0, 8, 16, 0),
	M(USER_RINGBUF, B_VAL, MK_PLAIN, 0, 0, 4096, 0),
	MX(CGRP_STORAGE, MX_MAP_TYPE_CGRP_STORAGE, B_VAL, MK_BTF, 4, 8, 0, BPF_F_NO_PREALLOC),
	MX(ARENA, MX_MAP_TYPE_ARENA, B_VAL, MK_PLAIN, 0, 0, 1, BPF_F_MMAPABLE),
	MX(INSN_ARRAY, MX_MAP_TYPE_INSN_ARRAY, B_VAL, MK_PLAIN, 4, 16, 1, 0),
	MX(RHASH, MX_MAP_TYPE_RHASH, B_VAL, MK_PLAIN, 4, 8, 16, BPF_F_NO_PREALLOC),
	{ "EXTMAP_MAP_TYPE_ARRAY", EXTMAP_MAP_TYPE_ARRAY, B_VAL, MK_EXTMAP, 4, 8, 4, 0 },
	{ "EXTMAP_MAP_TYPE_HASH", EXTMAP_MAP_TYPE_HASH, B_VAL, MK_EXTMAP, 4, 8, 4, 0 },
	{ "EXTMAP_MAP_TYPE_LPM", EXTMAP_MAP_TYPE_LPM, B_VAL, MK_EXTMAP_LPM, 8, 8, 16, BPF_F_NO_PREALLOC },
};
#define NMAPS TAP_ARRAY_SIZE(maps)

/*
 * An extmap type must get its kernel counterpart's verdict in every program
 * type: the same result, and the same detail (the verifier's message when
 * rejected), so that a load failure of an extmap map cannot pass for a
 * plausible "rejected".
 */
static const struct { const char *ext, *kernel, *name; } counterparts[] = {
	{ "EXTMAP_MAP_TYPE_ARRAY", "BPF_MAP_TYPE_ARRAY", "array" },
	{ "EXTMAP_MAP_TYPE_HASH", "BPF_MAP_TYPE_HASH", "hash" },
	{ "EXTMAP_MAP_TYPE_LPM", "BPF_MAP_TYPE_LPM_TRIE", "lpm" },
};

/*
 * The cells where it need not: there the extmap cell must have the verdict
 * given here (and a detail starting with the one given), whatever its
 * counterpart's.  ext NULL: all three types.  scripts/gen-helper-doc reads
 * this table (between the markers, one string per field) to check the
 * expected matrices and to list the exceptions on the helper's page.
 */
struct counterpart_exception {
	const char *prog, *ext, *result, *detail, *reason;
};
/* counterpart-exceptions-begin */
static const struct counterpart_exception counterpart_exceptions[] = {
	{ "BPF_PROG_TYPE_SYSCALL", NULL, "rejected", "Sleepable programs can only use ",
	  "SYSCALL programs are sleepable, and the verifier lets sleepable programs use only a fixed list of kernel map types, which a module's map type cannot join (Documentation/design.md); the counterpart passes where the kernel has it on that list" },
};
/* counterpart-exceptions-end */

/* ------------------------------------------------------------------ */
/* Program types                                                       */

struct cell;
typedef int (*trigger_fn)(struct cell *c);

struct mx_prog {
	const char *name;	/* the kernel's spelling */
	const char *obj;	/* its programs: mx_<obj>.bpf.o */
	trigger_fn trigger;
	__u32 attach;		/* attach type for cgroup/sockmap hooks */
};

struct cell {
	const struct mx_prog *p;
	const struct mx_map *mt;
	char result[16];
	char detail[512];
	int map_fd, inner_fd;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_object *target;	/* EXT: the program it replaces a function of */
	struct mx_state *st;
	size_t st_len;
	__u32 cpu;		/* LIRC_MODE2: the CPU the program was made to run on */
};

static int cell_set(struct cell *c, const char *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cell_set(struct cell *c, const char *res, const char *fmt, ...)
{
	va_list ap;
	char *s;

	snprintf(c->result, sizeof(c->result), "%s", res);
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	/* A TSV field: no tabs or newlines. */
	for (s = c->detail; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
	return -1;
}

/* ------------------------------------------------------------------ */
/* What this kernel has                                                */

static struct btf *vmlinux_btf;

/* True if enum @enum_name in the kernel's BTF has enumerator @val_name. */
static bool kernel_has_enumerator(const char *enum_name, const char *val_name)
{
	int id, i, n;
	const struct btf_type *t;
	const struct btf_enum *e;

	if (!vmlinux_btf)
		return true;
	id = btf__find_by_name_kind(vmlinux_btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return true;
	t = btf__type_by_id(vmlinux_btf, id);
	e = btf_enum(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++)
		if (!strcmp(btf__name_by_offset(vmlinux_btf, e[i].name_off), val_name))
			return true;
	return false;
}

static int ncpus;

/* ------------------------------------------------------------------ */
/* Fixtures: cgroup, sockets                                           */

static char cg_path[256];
static int cg_fd = -1;

static int cgroup_setup(void)
{
	struct statfs sfs;
	const char *root = "/sys/fs/cgroup";

	if (statfs(root, &sfs) || sfs.f_type != 0x63677270 /* CGROUP2 */) {
		root = "/tmp/extmap-mx-cgroup2";
		mkdir(root, 0755);
		if (statfs(root, &sfs) || sfs.f_type != 0x63677270) {
			if (mount("none", root, "cgroup2", 0, NULL)) {
				tap_diag("mount cgroup2 on %s: %s", root, tap_errname(errno));
				return -1;
			}
		}
	}
	snprintf(cg_path, sizeof(cg_path), "%s/extmap_matrix", root);
	if (mkdir(cg_path, 0755) && errno != EEXIST) {
		tap_diag("mkdir %s: %s", cg_path, tap_errname(errno));
		return -1;
	}
	cg_fd = open(cg_path, O_RDONLY | O_DIRECTORY);
	return cg_fd < 0 ? -1 : 0;
}

static void cgroup_teardown(void)
{
	if (cg_fd >= 0)
		close(cg_fd);
	if (cg_path[0])
		rmdir(cg_path);
}

/* A connected TCP pair on loopback: @fds[0] client, @fds[1] accepted. */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, one = 1;

	fds[0] = fds[1] = -1;
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 4) ||
	    getsockname(l, (void *)&a, &len))
		goto err;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (void *)&a, sizeof(a)))
		goto err;
	fds[1] = accept(l, NULL, NULL);
	if (fds[1] < 0)
		goto err;
	close(l);
	return 0;
err:
	close(l);
	if (fds[0] >= 0)
		close(fds[0]);
	return -1;
}

static int sock_fds[2] = { -1, -1 };	/* what socket maps hold */

/*
 * An AF_XDP socket for the xskmap: UMEM, fill and completion rings, an RX
 * ring, bound to queue 0 of lo in copy mode.  Nothing is ever received on it;
 * it only has to be in the map.  -1: none, and why in xsk_why.
 */
#define XSK_FRAMES	16
#define XSK_FRAME_SIZE	4096
static int xsk_fd = -1;
static void *xsk_umem;
static char xsk_why[128];

static int xsk_setup(void)
{
	struct xdp_umem_reg reg = { .len = XSK_FRAMES * XSK_FRAME_SIZE,
				    .chunk_size = XSK_FRAME_SIZE };
	struct sockaddr_xdp sx = { .sxdp_family = AF_XDP, .sxdp_queue_id = 0,
				   .sxdp_flags = XDP_COPY };
	int n = XSK_FRAMES, fd, e;
	const char *step;

	sx.sxdp_ifindex = if_nametoindex("lo");
	xsk_umem = mmap(NULL, reg.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (xsk_umem == MAP_FAILED) {
		xsk_umem = NULL;
		step = "mmap UMEM";
		goto err;
	}
	reg.addr = (__u64)(unsigned long)xsk_umem;
	step = "socket(AF_XDP)";
	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0)
		goto err;
	step = "XDP_UMEM_REG";
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
		goto err_close;
	step = "XDP_UMEM_FILL_RING";
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &n, sizeof(n)))
		goto err_close;
	step = "XDP_UMEM_COMPLETION_RING";
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &n, sizeof(n)))
		goto err_close;
	step = "XDP_RX_RING";
	if (setsockopt(fd, SOL_XDP, XDP_RX_RING, &n, sizeof(n)))
		goto err_close;
	step = "bind to lo queue 0";
	if (bind(fd, (void *)&sx, sizeof(sx)))
		goto err_close;
	xsk_fd = fd;
	return 0;
err_close:
	e = errno;
	close(fd);
	errno = e;
err:
	snprintf(xsk_why, sizeof(xsk_why), "%s: %s", step, tap_errname(errno));
	tap_diag("no AF_XDP socket for the xskmap: %s", xsk_why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Maps                                                                */

/* Key layouts: u32 1 / miss 0xffffffff; LPM: 10.0.0.0/8, lookup 10.1.2.3/32,
 * miss 192.168.0.1/32.  The key the program looks up, the missing one, the
 * key userspace stores under: each MX_KEY_MAX bytes, or NULL when not wanted.
 */
static void keys_for(const struct mx_map *mt, void *key, void *miss, void *stored)
{
	bool lpm = mt->mk == MK_LPM || mt->mk == MK_EXTMAP_LPM;
	__u8 k[8] = { 32, 0, 0, 0, 10, 1, 2, 3 };
	__u8 s[8] = { 8, 0, 0, 0, 10, 0, 0, 0 };
	__u8 x[8] = { 32, 0, 0, 0, 192, 168, 0, 1 };
	__u32 hit = 1, none = 0xffffffff;

	if (key) {
		memset(key, 0, MX_KEY_MAX);
		memcpy(key, lpm ? (void *)k : (void *)&hit, lpm ? 8 : 4);
	}
	if (miss) {
		memset(miss, 0, MX_KEY_MAX);
		memcpy(miss, lpm ? (void *)x : (void *)&none, lpm ? 8 : 4);
	}
	if (stored) {
		memset(stored, 0, MX_KEY_MAX);
		memcpy(stored, lpm ? (void *)s : (void *)&hit, lpm ? 8 : 4);
	}
}

static int btf_int_u64(void)
{
	struct btf *b = btf__new_empty();
	int fd;

	if (!b)
		return -1;
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);	/* id 1 */
	btf__add_int(b, "long long unsigned int", 8, 0);	/* id 2 */
	if (btf__load_into_kernel(b)) {
		btf__free(b);
		return -1;
	}
	fd = dup(btf__fd(b));
	btf__free(b);
	return fd;
}

/* Create the cell's map and store a value under its key; 0, or -1 with the
 * cell set.
 */
static int map_create(struct cell *c)
{
	const struct mx_map *mt = c->mt;
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = mt->flags);
	__u8 skey[MX_KEY_MAX];
	int btf_fd = -1, err = 0;
	__u32 vsize = mt->value_size;

	keys_for(mt, NULL, NULL, skey);

	switch (mt->mk) {
	case MK_EXTMAP:
	case MK_EXTMAP_LPM: {
		LIBEXTMAP_OPTS(extmap_create_opts, eo, .name = "mx_ext",
			       .map_flags = mt->flags);

		c->map_fd = extmap_create(mt->type, mt->key_size, mt->value_size,
					  mt->max_entries, &eo);
		if (c->map_fd < 0) {
			err = -c->map_fd;
			c->map_fd = -1;
			return cell_set(c, "fail", "extmap_create: %s", tap_errname(err));
		}
		break;
	}
	case MK_OUTER:
		c->inner_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mx_inner", 4, 8, 1, NULL);
		if (c->inner_fd < 0)
			return cell_set(c, "fail", "inner map: %s", tap_errname(errno));
		o.inner_map_fd = c->inner_fd;
		break;
	case MK_BTF:
		btf_fd = btf_int_u64();
		if (btf_fd < 0)
			return cell_set(c, "fail", "BTF for the map: %s", tap_errname(errno));
		o.btf_fd = btf_fd;
		o.btf_key_type_id = 1;
		o.btf_value_type_id = 2;
		break;
	case MK_STRUCT_OPS: {
		int id = vmlinux_btf ? btf__find_by_name_kind(vmlinux_btf,
				"bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT) : -1;

		if (id < 0)
			return cell_set(c, "skip", "no bpf_struct_ops_tcp_congestion_ops in the kernel BTF");
		o.btf_vmlinux_value_type_id = id;
		vsize = btf__resolve_size(vmlinux_btf, id);
		/* The kernel wants a BTF of our own with it (map_create() takes
		 * btf_fd even here): without one it reads fd 0 and fails with
		 * EINVAL.
		 */
		btf_fd = btf_int_u64();
		if (btf_fd < 0)
			return cell_set(c, "fail", "BTF for the map: %s", tap_errname(errno));
		o.btf_fd = btf_fd;
		break;
	}
	default:
		break;
	}
	if (c->map_fd < 0) {
		c->map_fd = bpf_map_create(mt->type, "mx_map", mt->key_size, vsize,
					   mt->max_entries, &o);
		err = errno;
	}
	if (btf_fd >= 0)
		close(btf_fd);
	if (c->map_fd < 0)
		return cell_set(c, "fail", "bpf_map_create: %s", tap_errname(err));
	err = 0;
	/* An arena's user address: map it. */
	if (mt->type == MX_MAP_TYPE_ARENA &&
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c->map_fd, 0) == MAP_FAILED)
		return cell_set(c, "fail", "mmap arena: %s", tap_errname(errno));

	/* Store what the program must find. */
	switch (mt->body) {
	case B_VAL:
		if (mt->percpu) {
			__u64 v[ncpus];
			int i;

			for (i = 0; i < ncpus; i++)
				v[i] = PERCPU_BASE + i;
			err = bpf_map_update_elem(c->map_fd, skey, v, BPF_ANY);
		} else if (mt->type == BPF_MAP_TYPE_HASH || mt->type == BPF_MAP_TYPE_ARRAY ||
			   mt->type == BPF_MAP_TYPE_LRU_HASH || mt->mk == MK_LPM ||
			   mt->mk == MK_EXTMAP || mt->mk == MK_EXTMAP_LPM ||
			   mt->type == MX_MAP_TYPE_RHASH) {
			__u64 v = STORED;

			err = bpf_map_update_elem(c->map_fd, skey, &v, BPF_ANY);
		}
		break;
	case B_RO: {
		__u32 v = mt->ro_value;

		err = bpf_map_update_elem(c->map_fd, skey, &v, BPF_ANY);
		break;
	}
	case B_INNER: {
		__u64 v = STORED;
		__u32 zero = 0, fd = c->inner_fd;

		err = bpf_map_update_elem(c->inner_fd, &zero, &v, BPF_ANY);
		if (!err)
			err = bpf_map_update_elem(c->map_fd, skey, &fd, BPF_ANY);
		break;
	}
	case B_SOCK: {
		__u32 fd = sock_fds[1];

		err = bpf_map_update_elem(c->map_fd, skey, &fd, BPF_ANY);
		break;
	}
	case B_XSK: {	/* the AF_XDP socket, if there is one */
		__u32 fd = xsk_fd;

		if (xsk_fd >= 0)
			err = bpf_map_update_elem(c->map_fd, skey, &fd, BPF_ANY);
		break;
	}
	}
	if (err)
		return cell_set(c, "fail", "storing the value: %s", tap_errname(errno));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/*
 * The verifier's last meaningful line.  From 7.x the verifier follows its
 * message with an explanation ("Verification failed: ..." and indented
 * sections): the message is the last line before it.
 */
static void last_log_line(const char *log, char *out, size_t sz)
{
	const char *p = log, *best = NULL, *end;
	size_t bestlen = 0;

	while (*p && strncmp(p, "Verification failed:", 20)) {
		size_t len;

		end = strchr(p, '\n');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17) &&
		    strncmp(p, "stack depth", 11) && strncmp(p, "-- END", 6) &&
		    strncmp(p, "mark_precise", 12) && strncmp(p, "Validating", 10) &&
		    strncmp(p, "Func#", 5)) {
			best = p;
			bestlen = len;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (!best) {
		snprintf(out, sz, "(empty verifier log)");
		return;
	}
	if (bestlen >= sz)
		bestlen = sz - 1;
	memcpy(out, best, bestlen);
	out[bestlen] = '\0';
}

typedef const void *(*elf_bytes_fn)(size_t *sz);
struct mx_objdef {
	const char *name;
	elf_bytes_fn bytes;
};
#define MX_OBJDEF(n) { #n, n##__elf_bytes },
static const struct mx_objdef objdefs[] = { MX_OBJECTS(MX_OBJDEF) };

static char logbuf[LOG_SZ];

static const struct mx_objdef *objdef(const char *name)
{
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(objdefs); i++)
		if (!strcmp(objdefs[i].name, name))
			return &objdefs[i];
	return NULL;
}

/* EXT: load the XDP program whose mx_sub() the cell's program replaces, and
 * make it the cell's program's target.
 */
static int ext_target_load(struct cell *c)
{
	const struct mx_objdef *od = objdef("mx_ext_target");
	struct bpf_program *tp;
	const void *bytes;
	size_t sz;
	int err;

	if (!od)
		return cell_set(c, "fail", "no object mx_ext_target");
	bytes = od->bytes(&sz);
	c->target = bpf_object__open_mem(bytes, sz, NULL);
	if (!c->target)
		return cell_set(c, "fail", "open mx_ext_target: %s", tap_errname(errno));
	err = bpf_object__load(c->target);
	if (err)
		return cell_set(c, "fail", "load mx_ext_target: %s", tap_errname(-err));
	tp = bpf_object__find_program_by_name(c->target, "mx_target");
	if (!tp)
		return cell_set(c, "fail", "no program mx_target");
	err = bpf_program__set_attach_target(c->prog, bpf_program__fd(tp), "mx_sub");
	if (err)
		return cell_set(c, "fail", "bpf_program__set_attach_target: %s", tap_errname(-err));
	return 0;
}

static int cell_load(struct cell *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	const struct mx_objdef *od;
	struct bpf_program *prog;
	struct bpf_map *map, *m = NULL, *bss = NULL;
	char want[128], objname[64];
	const void *bytes;
	size_t sz;
	int err;

	snprintf(objname, sizeof(objname), "mx_%s", c->p->obj);
	od = objdef(objname);
	if (!od)
		return cell_set(c, "fail", "no object %s", objname);
	bytes = od->bytes(&sz);
	oo.object_name = objname;
	c->obj = bpf_object__open_mem(bytes, sz, &oo);
	if (!c->obj)
		return cell_set(c, "fail", "open %s: %s", objname, tap_errname(errno));
	snprintf(want, sizeof(want), "%s__%s", c->p->obj, body_names[c->mt->body]);
	bpf_object__for_each_program(prog, c->obj) {
		bool me = !strcmp(bpf_program__name(prog), want);

		bpf_program__set_autoload(prog, me);
		if (me)
			c->prog = prog;
	}
	if (!c->prog)
		return cell_set(c, "fail", "no program %s", want);
	if (!strcmp(c->p->obj, "struct_ops")) {
		/* The congestion control's other callbacks, and its map. */
		bpf_object__for_each_program(prog, c->obj)
			if (!strncmp(bpf_program__name(prog), "mx_ca_", 6))
				bpf_program__set_autoload(prog, true);
		snprintf(want, sizeof(want), "ca__%s", body_names[c->mt->body]);
		bpf_object__for_each_map(map, c->obj)
			if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
				bpf_map__set_autocreate(map, !strcmp(bpf_map__name(map), want));
	}
	if (!strcmp(c->p->obj, "ext") && ext_target_load(c))
		return -1;
	if (!strcmp(c->p->obj, "netfilter")) {
		bpf_program__set_type(c->prog, MX_PROG_TYPE_NETFILTER);
		bpf_program__set_expected_attach_type(c->prog, MX_ATTACH_NETFILTER);
	}
	bpf_object__for_each_map(map, c->obj) {
		const char *n = bpf_map__name(map);

		if (!strcmp(n, "m"))
			m = map;
		else if (strstr(n, ".bss"))
			bss = map;
	}
	if (!m || !bss)
		return cell_set(c, "fail", "maps m/.bss not found");
	{
		struct mx_state st = { 0 };

		if (bpf_map__value_size(bss) != sizeof(st))
			return cell_set(c, "fail", ".bss is not struct mx_state");
		keys_for(c->mt, st.key, st.miss, NULL);
		if (bpf_map__set_initial_value(bss, &st, sizeof(st)))
			return cell_set(c, "fail", "setting .bss");
	}
	err = bpf_map__reuse_fd(m, c->map_fd);
	if (err)
		return cell_set(c, "fail", "bpf_map__reuse_fd: %s", tap_errname(-err));
	/* libbpf (1.1) takes a reused struct_ops map for one of the object's
	 * own and crashes filling it in (NULL st_ops) in bpf_object__load().
	 * Not measured, then: whether the verifier takes the lookup (its
	 * source says "bpf_struct_ops map cannot be used in prog").
	 */
	if (c->mt->mk == MK_STRUCT_OPS)
		return cell_set(c, "skip", "map created, program not loaded: libbpf 1.1 crashes loading an object with a reused struct_ops map");
	logbuf[0] = '\0';
	bpf_program__set_log_buf(c->prog, logbuf, sizeof(logbuf));
	libbpf_mute(true);
	err = bpf_object__load(c->obj);
	libbpf_mute(false);
	if (err) {
		char line[400];

		if (!logbuf[0])
			return cell_set(c, "fail", "load failed without a verifier log: %s",
					tap_errname(-err));
		last_log_line(logbuf, line, sizeof(line));
		return cell_set(c, "rejected", "%s", line);
	}
	c->st_len = bpf_map__value_size(bss);
	c->st = mmap(NULL, c->st_len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(bss), 0);
	if (c->st == MAP_FAILED) {
		c->st = NULL;
		return cell_set(c, "fail", "mmap .bss: %s", tap_errname(errno));
	}
	return 0;
}

static void cell_cleanup(struct cell *c)
{
	if (c->st)
		munmap(c->st, c->st_len);
	bpf_object__close(c->obj);
	bpf_object__close(c->target);
	if (c->map_fd >= 0)
		close(c->map_fd);
	if (c->inner_fd >= 0)
		close(c->inner_fd);
}

/* ------------------------------------------------------------------ */
/* Triggers                                                            */

static int prog_fd(struct cell *c)
{
	return bpf_program__fd(c->prog);
}

static int test_run(struct cell *c, struct bpf_test_run_opts *o)
{
	if (bpf_prog_test_run_opts(prog_fd(c), o))
		return cell_set(c, "fail", "BPF_PROG_TEST_RUN: %s", tap_errname(errno));
	return 0;
}

/* An Ethernet + IPv4 + UDP packet to 127.0.0.1. */
static size_t make_packet(unsigned char *buf, bool with_eth)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip;
	struct udphdr *udp;
	size_t off = 0;

	memset(buf, 0, 128);
	if (with_eth) {
		eth->h_proto = htons(ETH_P_IP);
		off = sizeof(*eth);
	}
	ip = (void *)(buf + off);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + 16);
	ip->saddr = htonl(INADDR_LOOPBACK);
	ip->daddr = htonl(INADDR_LOOPBACK);
	udp = (void *)(ip + 1);
	udp->source = htons(1234);
	udp->dest = htons(5678);
	udp->len = htons(sizeof(*udp) + 16);
	return off + sizeof(*ip) + sizeof(*udp) + 16;
}

static int trig_pkt(struct cell *c)
{
	unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .repeat = 1);

	o.data_size_in = make_packet(pkt, true);
	return test_run(c, &o);
}

static int trig_ip_pkt(struct cell *c)
{
	unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .repeat = 1);

	o.data_size_in = make_packet(pkt, false);
	return test_run(c, &o);
}

static int trig_ctx(struct cell *c)
{
	__u64 args[2] = { 0, 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args));

	return test_run(c, &o);
}

static int trig_noctx(struct cell *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o);

	return test_run(c, &o);
}

static int trig_sk_lookup(struct cell *c)
{
	struct bpf_sk_lookup ctx = {
		.family = AF_INET,
		.protocol = IPPROTO_TCP,
		.remote_ip4 = htonl(INADDR_LOOPBACK),
		.remote_port = htons(40000),
		.local_ip4 = htonl(INADDR_LOOPBACK),
		.local_port = 5678,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	return test_run(c, &o);
}

/* Attach with libbpf from the section name, then test-run (fentry on
 * bpf_fentry_test1, which BPF_PROG_TEST_RUN calls) or make the syscall.
 */
static int attach_sec(struct cell *c, struct bpf_link **l)
{
	libbpf_mute(true);
	*l = bpf_program__attach(c->prog);
	libbpf_mute(false);
	if (!*l)
		return cell_set(c, "fail", "attach: %s", tap_errname(errno));
	return 0;
}

static int trig_fentry(struct cell *c)
{
	struct bpf_link *l;
	int r;

	if (attach_sec(c, &l))
		return -1;
	r = trig_noctx(c);
	bpf_link__destroy(l);
	return r;
}

static int trig_getpgid(struct cell *c)
{
	struct bpf_link *l;

	if (attach_sec(c, &l))
		return -1;
	syscall(SYS_getpgid, 0);
	bpf_link__destroy(l);
	return 0;
}

static int trig_lsm(struct cell *c)
{
	char lsms[256] = "";
	struct bpf_link *l;
	int fd;

	fd = open("/sys/kernel/security/lsm", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, lsms, sizeof(lsms) - 1);

		lsms[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (!strstr(lsms, "bpf"))
		return cell_set(c, "skip", "BPF LSM not active (lsm list: %s)", lsms);
	if (attach_sec(c, &l))
		return -1;
	fd = open("/proc/self/stat", O_RDONLY);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(l);
	return 0;
}

static int trig_perf(struct cell *c)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 100000,	/* ns */
	};
	struct bpf_link *l;
	volatile unsigned long spin = 0;
	struct timespec t0, t;
	int pfd;

	pfd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return cell_set(c, "fail", "perf_event_open: %s", tap_errname(errno));
	l = bpf_program__attach_perf_event(c->prog, pfd);
	if (!l) {
		close(pfd);
		return cell_set(c, "fail", "attach perf event: %s", tap_errname(errno));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			spin++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!c->st->runs && t.tv_sec - t0.tv_sec < 5);
	bpf_link__destroy(l);
	close(pfd);
	return 0;
}

/* Cgroup hooks: attach to the test cgroup, act in a child inside it. */
static int child_in_cgroup(int (*act)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char p[300];
		int fd;

		snprintf(p, sizeof(p), "%s/cgroup.procs", cg_path);
		fd = open(p, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		close(fd);
		_exit(act());
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int act_socket(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	return s < 0 ? 1 : 0;
}

static int act_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	return s < 0 || connect(s, (void *)&a, sizeof(a)) ? 1 : 0;
}

static int act_sysctl(void)
{
	char buf[64];
	int fd = open("/proc/sys/kernel/ostype", O_RDONLY);

	return fd < 0 || read(fd, buf, sizeof(buf)) <= 0 ? 1 : 0;
}

static int act_getsockopt(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), v;
	socklen_t len = sizeof(v);

	return s < 0 || getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) ? 1 : 0;
}

static int act_open_dev(void)
{
	int fd = open("/dev/null", O_RDONLY);

	return fd < 0 ? 1 : 0;
}

static int act_tcp(void)
{
	int fds[2];

	return tcp_pair(fds) ? 1 : 0;
}

static int trig_cgroup(struct cell *c)
{
	static const struct { __u32 attach; int (*act)(void); } acts[] = {
		{ BPF_CGROUP_INET_SOCK_CREATE, act_socket },
		{ BPF_CGROUP_INET4_CONNECT, act_connect },
		{ BPF_CGROUP_SYSCTL, act_sysctl },
		{ BPF_CGROUP_GETSOCKOPT, act_getsockopt },
		{ BPF_CGROUP_DEVICE, act_open_dev },
		{ BPF_CGROUP_SOCK_OPS, act_tcp },
	};
	int (*act)(void) = NULL;
	size_t i;
	int r;

	for (i = 0; i < TAP_ARRAY_SIZE(acts); i++)
		if (acts[i].attach == c->p->attach)
			act = acts[i].act;
	if (cg_fd < 0)
		return cell_set(c, "fail", "no test cgroup");
	if (bpf_prog_attach(prog_fd(c), cg_fd, c->p->attach, 0))
		return cell_set(c, "fail", "attach to cgroup: %s", tap_errname(errno));
	r = child_in_cgroup(act);
	bpf_prog_detach2(prog_fd(c), cg_fd, c->p->attach);
	if (r)
		return cell_set(c, "fail", "the action in the cgroup failed (%d)", r);
	return 0;
}

/* sk_skb stream verdict / sk_msg verdict: on a sockmap of their own. */
static int trig_sockmap(struct cell *c)
{
	int host, fds[2], r = 0;
	__u32 k = 0, fd;
	char buf[8] = "ping";

	host = bpf_map_create(BPF_MAP_TYPE_SOCKMAP, "mx_host", 4, 4, 1, NULL);
	if (host < 0)
		return cell_set(c, "fail", "sockmap for the hook: %s", tap_errname(errno));
	if (bpf_prog_attach(prog_fd(c), host, c->p->attach, 0)) {
		close(host);
		return cell_set(c, "fail", "attach to sockmap: %s", tap_errname(errno));
	}
	if (tcp_pair(fds)) {
		r = cell_set(c, "fail", "TCP pair: %s", tap_errname(errno));
		goto out;
	}
	/* Verdict on receive: the receiving end; on sendmsg: the sender. */
	fd = c->p->attach == BPF_SK_MSG_VERDICT ? fds[0] : fds[1];
	if (bpf_map_update_elem(host, &k, &fd, BPF_ANY)) {
		r = cell_set(c, "fail", "socket into the hook's sockmap: %s", tap_errname(errno));
	} else if (send(fds[0], buf, 4, 0) != 4 || recv(fds[1], buf, 4, MSG_DONTWAIT) < 0) {
		/* recv may race the verdict: give it time */
		usleep(100000);
	}
	close(fds[0]);
	close(fds[1]);
out:
	bpf_prog_detach2(prog_fd(c), host, c->p->attach);
	close(host);
	return r;
}

static int trig_reuseport(struct cell *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s[2] = { -1, -1 }, tx = -1, one = 1, pfd = prog_fd(c), r = 0, i;
	char buf[4] = "ping";

	for (i = 0; i < 2; i++) {
		s[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (s[i] < 0 || setsockopt(s[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
			goto err;
		if (i == 0 && setsockopt(s[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF,
					 &pfd, sizeof(pfd)))
			goto err;
		if (bind(s[i], (void *)&a, sizeof(a)))
			goto err;
		if (i == 0 && getsockname(s[0], (void *)&a, &len))
			goto err;
	}
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (tx < 0 || sendto(tx, buf, 4, 0, (void *)&a, sizeof(a)) != 4)
		goto err;
	usleep(10000);
	goto out;
err:
	r = cell_set(c, "fail", "reuseport group: %s", tap_errname(errno));
out:
	for (i = 0; i < 2; i++)
		if (s[i] >= 0)
			close(s[i]);
	if (tx >= 0)
		close(tx);
	return r;
}

/* The writable tracepoint of extmap_test.ko (selftests/kmod/), fired by a
 * write to its debugfs file.  Its name gained a _tp suffix in 6.16.
 */
#define TP_FIRE "/sys/kernel/debug/extmap_test/fire"

static int trig_tp_writable(struct cell *c)
{
	static const char *const names[] = { "mx_writable", "mx_writable_tp" };
	int tfd = -1, fd, r = 0;
	size_t i;

	if (access(TP_FIRE, W_OK))
		return cell_set(c, "skip", "loads; no %s: extmap_test.ko not loaded", TP_FIRE);
	for (i = 0; i < TAP_ARRAY_SIZE(names) && tfd < 0; i++)
		tfd = bpf_raw_tracepoint_open(names[i], prog_fd(c));
	if (tfd < 0)
		return cell_set(c, "fail", "bpf_raw_tracepoint_open: %s", tap_errname(errno));
	fd = open(TP_FIRE, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		r = cell_set(c, "fail", "firing the tracepoint: %s", tap_errname(errno));
	if (fd >= 0)
		close(fd);
	close(tfd);
	return r;
}

/* EXT: replace mx_sub() in the target, run the target. */
static int trig_ext(struct cell *c)
{
	struct bpf_program *tp = bpf_object__find_program_by_name(c->target, "mx_target");
	unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .repeat = 1);
	struct bpf_link *l;
	int r = 0;

	l = bpf_program__attach_freplace(c->prog, bpf_program__fd(tp), "mx_sub");
	if (!l)
		return cell_set(c, "fail", "attach freplace: %s", tap_errname(errno));
	o.data_size_in = make_packet(pkt, true);
	if (bpf_prog_test_run_opts(bpf_program__fd(tp), &o))
		r = cell_set(c, "fail", "BPF_PROG_TEST_RUN of the target: %s", tap_errname(errno));
	else if (o.retval != XDP_PASS)
		r = cell_set(c, "fail", "the target returned %u", o.retval);
	bpf_link__destroy(l);
	return r;
}

/* struct_ops: register the congestion control, switch a loopback TCP
 * connection to it (its init runs), and send a little.
 */
static int trig_struct_ops(struct cell *c)
{
	char want[32], buf[64] = "ping";
	struct bpf_map *map;
	struct bpf_link *l;
	int fds[2], r = 0;

	snprintf(want, sizeof(want), "ca__%s", body_names[c->mt->body]);
	map = bpf_object__find_map_by_name(c->obj, want);
	if (!map)
		return cell_set(c, "fail", "no struct_ops map %s", want);
	l = bpf_map__attach_struct_ops(map);
	if (!l)
		return cell_set(c, "fail", "registering the congestion control: %s",
				tap_errname(errno));
	if (tcp_pair(fds)) {
		r = cell_set(c, "fail", "TCP pair: %s", tap_errname(errno));
	} else {
		if (setsockopt(fds[0], IPPROTO_TCP, TCP_CONGESTION, "mx_ca", 5))
			r = cell_set(c, "fail", "TCP_CONGESTION mx_ca: %s", tap_errname(errno));
		else if (send(fds[0], buf, 4, 0) != 4 || recv(fds[1], buf, sizeof(buf), 0) <= 0)
			r = cell_set(c, "fail", "TCP over mx_ca: %s", tap_errname(errno));
		close(fds[0]);
		close(fds[1]);
	}
	bpf_link__destroy(l);
	return r;
}

/*
 * seg6local End.BPF: in a network namespace of its own (a child), a route
 * to the SID fc00::100 with the program as its End.BPF endpoint, added over
 * rtnetlink (with the prog fd), and a UDP datagram with a segment routing
 * header whose one segment left is that SID.  The datagram crosses a veth
 * pair into the route's input, which runs the program.
 */
#define SEG6_SID	"fc00::100"

static void nl_attr(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct nlattr *a = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	char *p = (char *)a + NLA_HDRLEN;
	size_t i;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	for (i = 0; i < len; i++)	/* not memcpy: GCC thinks n is just a header */
		p[i] = ((const char *)data)[i];
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static struct nlattr *nl_nest(struct nlmsghdr *n, unsigned short type)
{
	struct nlattr *a = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	nl_attr(n, type | NLA_F_NESTED, NULL, 0);
	return a;
}

static void nl_nest_end(struct nlmsghdr *n, struct nlattr *a)
{
	a->nla_len = (char *)n + n->nlmsg_len - (char *)a;
}

/* 0, or the errno that adding the route failed with. */
static int seg6_route_add(int bpf_fd, __u32 oif)
{
	union {
		struct nlmsghdr n;
		char buf[1024];
	} req = { .n = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			 .nlmsg_type = RTM_NEWROUTE,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK } };
	struct rtmsg *r = NLMSG_DATA(&req.n);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr n;
		struct nlmsgerr e;
	} ack;
	struct in6_addr sid;
	__u32 action = SEG6_LOCAL_ACTION_END_BPF, fd = bpf_fd;
	__u16 encap = LWTUNNEL_ENCAP_SEG6_LOCAL;
	struct nlattr *e, *b;
	int s, err;

	*r = (struct rtmsg){ .rtm_family = AF_INET6, .rtm_dst_len = 128,
			     .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
			     .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	inet_pton(AF_INET6, SEG6_SID, &sid);
	nl_attr(&req.n, RTA_DST, &sid, sizeof(sid));
	nl_attr(&req.n, RTA_OIF, &oif, sizeof(oif));
	nl_attr(&req.n, RTA_ENCAP_TYPE, &encap, sizeof(encap));
	e = nl_nest(&req.n, RTA_ENCAP);
	nl_attr(&req.n, SEG6_LOCAL_ACTION, &action, sizeof(action));
	b = nl_nest(&req.n, SEG6_LOCAL_BPF);
	nl_attr(&req.n, SEG6_LOCAL_BPF_PROG, &fd, sizeof(fd));
	nl_attr(&req.n, SEG6_LOCAL_BPF_PROG_NAME, "mx", 3);
	nl_nest_end(&req.n, b);
	nl_nest_end(&req.n, e);

	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return errno;
	if (sendto(s, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0 ||
	    recv(s, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack))
		err = errno;
	else
		err = ack.n.nlmsg_type == NLMSG_ERROR ? -ack.e.error : EPROTO;
	close(s);
	return err;
}

/* The child: exit 0 when the datagram went out, else a step number, with the
 * errno in @errp (shared memory).
 */
static int seg6_child(int bpf_fd, int *errp)
{
	struct {
		struct ipv6_sr_hdr h;
		struct in6_addr seg[2];
	} srh = {
		.h = { .hdrlen = 4, .type = IPV6_SRCRT_TYPE_4, .segments_left = 1,
		       .first_segment = 1 },
	};
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_port = htons(9),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int s;

	if (unshare(CLONE_NEWNET))
		return *errp = errno, 1;
	/*
	 * A veth pair: the datagram leaves mxa (the route's device, to a
	 * neighbour entry that is mxb's address) and comes in on mxb, whose
	 * input is the route's.  Not lo: the kernel makes routes via lo reject
	 * routes.
	 */
	if (system("ip link set lo up && ip link add mxa type veth peer name mxb && ip link set mxb address 02:00:00:00:00:02 && ip link set mxa up && ip link set mxb up && ip -6 addr add fc00::1/64 dev mxa nodad && ip -6 neigh add " SEG6_SID " dev mxa nud permanent lladdr 02:00:00:00:00:02"))
		return *errp = EIO, 2;
	*errp = seg6_route_add(bpf_fd, if_nametoindex("mxa"));
	if (*errp)
		return 3;
	s = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s < 0)
		return *errp = errno, 4;
	/* segments[0] is the final destination (the kernel fills it in from
	 * sendto()); the datagram goes first to segments[1], the SID.
	 */
	inet_pton(AF_INET6, SEG6_SID, &srh.seg[1]);
	if (setsockopt(s, IPPROTO_IPV6, IPV6_RTHDR, &srh, sizeof(srh)))
		return *errp = errno, 4;
	if (sendto(s, "ping", 4, 0, (void *)&dst, sizeof(dst)) != 4)
		return *errp = errno, 5;
	usleep(100000);
	close(s);
	return 0;
}

static int trig_seg6local(struct cell *c)
{
	static const char *const steps[] = {
		"", "unshare(CLONE_NEWNET)", "setting up a veth pair with ip(8)",
		"adding the seg6local End.BPF route", "IPV6_RTHDR (SRH)", "sending the SRv6 datagram",
	};
	int *errp, st, rc;
	pid_t pid;

	errp = mmap(NULL, sizeof(*errp), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (errp == MAP_FAILED)
		return cell_set(c, "fail", "mmap: %s", tap_errname(errno));
	*errp = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(seg6_child(prog_fd(c), errp));
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		munmap(errp, sizeof(*errp));
		return cell_set(c, "fail", "the namespace child failed");
	}
	rc = WEXITSTATUS(st);
	if (rc) {
		int e = *errp;

		munmap(errp, sizeof(*errp));
		if (rc < (int)TAP_ARRAY_SIZE(steps))
			return cell_set(c, "fail", "%s: %s", steps[rc], tap_errname(e));
		return cell_set(c, "fail", "the namespace child exited %d", rc);
	}
	munmap(errp, sizeof(*errp));
	return 0;
}

/*
 * rc-core decodes raw IR samples, and runs the LIRC_MODE2 programs on them,
 * in a kernel thread per device named "rc<minor>" (ir_raw_event_thread).
 * LIRC_MODE2 programs may not call bpf_get_smp_processor_id(): pin every
 * such thread to @cpu, so that the CPU whose per-CPU slot the program must
 * get is known beforehand.  The number of threads pinned, or -errno.
 */
static int pin_rc_threads(int cpu)
{
	cpu_set_t set;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0, err = 0;

	if (!d)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	while ((de = readdir(d))) {
		char path[300], comm[32] = "";
		const char *q;
		FILE *f;

		if (!strspn(de->d_name, "0123456789"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		if (strncmp(comm, "rc", 2) || !comm[2])
			continue;
		for (q = comm + 2; *q >= '0' && *q <= '9'; q++)
			;
		if (*q)
			continue;
		if (sched_setaffinity(atoi(de->d_name), sizeof(set), &set))
			err = errno;
		else
			n++;
	}
	closedir(d);
	return err ? -err : n;
}

/*
 * LIRC_MODE2: the program runs for every raw IR sample /dev/lirc0 decodes.
 * The debug kernel's rc-loopback device feeds what it transmits back in as
 * such samples: write pulse, space, pulse (odd count, microseconds).
 */
static int trig_lirc(struct cell *c)
{
	__u32 mode = LIRC_MODE_PULSE, samples[3] = { 600, 600, 600 };
	ssize_t n;
	int fd, r;

	fd = open("/dev/lirc0", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cell_set(c, "skip", "loads; no /dev/lirc0 to attach to (%s; rc-loopback)",
				tap_errname(errno));
	if (c->mt->percpu) {
		/* The last CPU: not the one a thread would run on anyway. */
		r = pin_rc_threads(ncpus - 1);
		if (r <= 0) {
			cell_set(c, "skip", "loads; cannot pin rc-core's thread to CPU %d (%s), so no known CPU to check the per-CPU slot against",
				 ncpus - 1, r ? tap_errname(-r) : "no rc<N> thread");
			goto out;
		}
		c->cpu = ncpus - 1;
	}
	if (ioctl(fd, LIRC_SET_SEND_MODE, &mode)) {
		cell_set(c, "fail", "LIRC_SET_SEND_MODE pulse: %s", tap_errname(errno));
		goto out;
	}
	if (bpf_prog_attach(prog_fd(c), fd, BPF_LIRC_MODE2, 0)) {
		cell_set(c, "fail", "attach to /dev/lirc0: %s", tap_errname(errno));
		goto out;
	}
	n = write(fd, samples, sizeof(samples));
	if (n != (ssize_t)sizeof(samples))
		cell_set(c, "fail", "write to /dev/lirc0: %s",
			 n < 0 ? tap_errname(errno) : "short write");
	else	/* the samples are decoded in rc-core's thread: wait for a run */
		for (int i = 0; i < 200 && !__atomic_load_n(&c->st->runs, __ATOMIC_ACQUIRE); i++)
			usleep(10000);
	bpf_prog_detach2(prog_fd(c), fd, BPF_LIRC_MODE2);
	close(fd);
	return n == (ssize_t)sizeof(samples) ? 0 : -1;
out:
	close(fd);
	return -1;
}

#define P(t, o, trig, ...) { "BPF_PROG_TYPE_" #t, o, trig, __VA_ARGS__ }
static const struct mx_prog progs[] = {
	P(SOCKET_FILTER, "socket_filter", trig_pkt),
	P(KPROBE, "kprobe", trig_getpgid),
	P(SCHED_CLS, "sched_cls", trig_pkt),
	P(SCHED_ACT, "sched_act", trig_pkt),
	P(TRACEPOINT, "tracepoint", trig_getpgid),
	P(XDP, "xdp", trig_pkt),
	P(PERF_EVENT, "perf_event", trig_perf),
	P(CGROUP_SKB, "cgroup_skb", trig_pkt),
	P(CGROUP_SOCK, "cgroup_sock", trig_cgroup, BPF_CGROUP_INET_SOCK_CREATE),
	P(LWT_IN, "lwt_in", trig_pkt),
	P(LWT_OUT, "lwt_out", trig_pkt),
	P(LWT_XMIT, "lwt_xmit", trig_pkt),
	P(SOCK_OPS, "sock_ops", trig_cgroup, BPF_CGROUP_SOCK_OPS),
	P(SK_SKB, "sk_skb", trig_sockmap, BPF_SK_SKB_STREAM_VERDICT),
	P(CGROUP_DEVICE, "cgroup_device", trig_cgroup, BPF_CGROUP_DEVICE),
	P(SK_MSG, "sk_msg", trig_sockmap, BPF_SK_MSG_VERDICT),
	P(RAW_TRACEPOINT, "raw_tracepoint", trig_ctx),
	P(CGROUP_SOCK_ADDR, "cgroup_sock_addr", trig_cgroup, BPF_CGROUP_INET4_CONNECT),
	P(LWT_SEG6LOCAL, "lwt_seg6local", trig_seg6local),
	P(LIRC_MODE2, "lirc_mode2", trig_lirc),
	P(SK_REUSEPORT, "sk_reuseport", trig_reuseport),
	P(FLOW_DISSECTOR, "flow_dissector", trig_pkt),
	P(CGROUP_SYSCTL, "cgroup_sysctl", trig_cgroup, BPF_CGROUP_SYSCTL),
	P(RAW_TRACEPOINT_WRITABLE, "raw_tracepoint_writable", trig_tp_writable),
	P(CGROUP_SOCKOPT, "cgroup_sockopt", trig_cgroup, BPF_CGROUP_GETSOCKOPT),
	P(TRACING, "tracing", trig_fentry),
	P(STRUCT_OPS, "struct_ops", trig_struct_ops),
	P(EXT, "ext", trig_ext),
	P(LSM, "lsm", trig_lsm),
	P(SK_LOOKUP, "sk_lookup", trig_sk_lookup),
	P(SYSCALL, "syscall", trig_noctx),
	P(NETFILTER, "netfilter", trig_ip_pkt),
};
#define NPROGS TAP_ARRAY_SIZE(progs)

/* ------------------------------------------------------------------ */
/* Checking the promises                                               */

static int check_promises(struct cell *c)
{
	const struct mx_map *mt = c->mt;
	struct mx_state *st = c->st;
	__u8 skey[MX_KEY_MAX];

	keys_for(mt, NULL, NULL, skey);
	/* Socket hooks may run a moment later (softirq, workqueue). */
	for (int i = 0; i < 200 && !__atomic_load_n(&st->runs, __ATOMIC_ACQUIRE); i++)
		usleep(10000);
	if (!st->runs)
		return cell_set(c, "fail", "the program did not run");
	if (st->miss_res != 1)
		return cell_set(c, "fail", "lookup of a missing key gave a pointer");
	/* Without an AF_XDP socket the xskmap is empty: nothing to read. */
	if (mt->body == B_XSK && xsk_fd < 0) {
		if (st->hits)
			return cell_set(c, "fail", "empty xskmap gave a pointer");
		return cell_set(c, "skip", "loads and runs; no AF_XDP socket to store and look up (%s)",
				xsk_why);
	}
	if (!st->hits)
		return cell_set(c, "fail", "lookup of the stored key gave NULL");

	switch (mt->body) {
	case B_SOCK:
		if (st->seen != AF_INET)
			return cell_set(c, "fail", "socket family %llu, expected AF_INET",
					(unsigned long long)st->seen);
		return cell_set(c, "pass", "socket returned and released; missing key NULL");
	case B_XSK:
		if (st->seen != 0)
			return cell_set(c, "fail", "AF_XDP socket's queue_id %llu, bound to 0",
					(unsigned long long)st->seen);
		return cell_set(c, "pass", "AF_XDP socket returned (queue 0); missing key NULL");
	case B_RO:
		if (st->seen != mt->ro_value)
			return cell_set(c, "fail", "read %llu, stored %u",
					(unsigned long long)st->seen, mt->ro_value);
		return cell_set(c, "pass", "read-only value read; missing key NULL");
	case B_INNER: {
		__u64 v;
		__u32 zero = 0;

		if (st->seen != STORED)
			return cell_set(c, "fail", "inner value read 0x%llx, stored 0x%llx",
					(unsigned long long)st->seen, STORED);
		if (bpf_map_lookup_elem(c->inner_fd, &zero, &v) || v != (STORED | MX_MARK))
			return cell_set(c, "fail", "write through the inner pointer not visible");
		return cell_set(c, "pass", "inner map returned, looked up and written; missing key NULL");
	}
	case B_VAL:
		break;
	}

	if (mt->percpu) {
		__u64 v[ncpus];
		__u32 cpu = st->cpu;
		int i;

		if (bpf_map_lookup_elem(c->map_fd, skey, v))
			return cell_set(c, "fail", "reading back: %s", tap_errname(errno));
		/* A program that may not ask for its CPU (LIRC_MODE2): the CPU
		 * trig_lirc() pinned the thread that runs it to.
		 */
		if (cpu == MX_CPU_UNKNOWN)
			cpu = c->cpu;
		if (cpu >= (__u32)ncpus)
			return cell_set(c, "fail", "cpu %u out of range (%d CPUs)", cpu, ncpus);
		if (st->seen != PERCPU_BASE + cpu)
			return cell_set(c, "fail", "CPU %u read 0x%llx, its slot holds 0x%llx",
					cpu, (unsigned long long)st->seen, PERCPU_BASE + cpu);
		if (v[cpu] != ((PERCPU_BASE + cpu) | MX_MARK))
			return cell_set(c, "fail", "CPU %u's slot holds 0x%llx after the write through the pointer, expected 0x%llx",
					cpu,
					(unsigned long long)v[cpu], (PERCPU_BASE + cpu) | MX_MARK);
		for (i = 0; i < ncpus; i++)
			if ((v[i] & ~MX_MARK) != PERCPU_BASE + i)
				return cell_set(c, "fail", "slot of CPU %d changed to 0x%llx", i,
						(unsigned long long)v[i]);
		return cell_set(c, "pass", "own per-CPU slot read and written; missing key NULL");
	}
	{
		__u64 v = 0;

		if (st->seen != STORED)
			return cell_set(c, "fail", "read 0x%llx, stored 0x%llx",
					(unsigned long long)st->seen, STORED);
		if (bpf_map_lookup_elem(c->map_fd, skey, &v) || v != (STORED | MX_MARK))
			return cell_set(c, "fail", "write through the pointer not visible (0x%llx)",
					(unsigned long long)v);
		return cell_set(c, "pass", "value read and written back; missing key NULL");
	}
}

static bool extmap_loaded;

static void run_cell(struct cell *c)
{
	const struct mx_map *mt = c->mt;

	c->map_fd = c->inner_fd = -1;
	c->cpu = MX_CPU_UNKNOWN;
	if (mt->mk == MK_EXTMAP || mt->mk == MK_EXTMAP_LPM) {
		if (!extmap_loaded) {
			cell_set(c, "skip", "extmap module not loaded");
			return;
		}
	} else if (!kernel_has_enumerator("bpf_map_type", mt->name)) {
		cell_set(c, "skip", "map type not in this kernel");
		return;
	}
	if (!kernel_has_enumerator("bpf_prog_type", c->p->name)) {
		cell_set(c, "skip", "program type not in this kernel");
		return;
	}
	if (!strcmp(c->p->name, "BPF_PROG_TYPE_LIRC_MODE2") &&
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_LIRC_MODE2, NULL) != 1) {
		cell_set(c, "skip", "program type not built into this kernel (CONFIG_BPF_LIRC_MODE2 is not set)");
		return;
	}
	if (map_create(c))
		goto out;
	if (cell_load(c))
		goto out;
	if (c->p->trigger(c))
		goto out;
	check_promises(c);
out:
	cell_cleanup(c);
}

/* ------------------------------------------------------------------ */
/* The matrix, the TSV, the expectations                               */

static struct cell cells[NPROGS][NMAPS];

struct expect {
	char prog[64], map[64], result[16], detail[512];
};
static struct expect *expected;
static size_t nexpected;
static char expected_path[512];

static void load_expected(void)
{
	char series[32], line[1024];
	unsigned int maj, min;
	struct utsname u;
	FILE *f;

	uname(&u);
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		maj = min = 0;	/* no series 0.0: no expectations */
	/* Our debug kernel (make check-debug) builds in what Debian's leaves
	 * out (BPF_LIRC_MODE2, rc-loopback): a matrix of its own.
	 */
	snprintf(series, sizeof(series), "%u.%u%s", maj, min,
		 strstr(u.release, "-extmap-debug") ? "-debug" : "");
	snprintf(expected_path, sizeof(expected_path), "%s/selftests/matrix/expected-%s.tsv",
		 extmap_root(), series);
	f = fopen(expected_path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct expect e;
		char *s = line, *fld[4];
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#' || !strncmp(line, "prog_type\t", 10))
			continue;
		while (n < 4) {
			fld[n++] = s;
			s = strchr(s, '\t');
			if (!s)
				break;
			*s++ = '\0';
		}
		if (n < 3)
			continue;
		snprintf(e.prog, sizeof(e.prog), "%s", fld[0]);
		snprintf(e.map, sizeof(e.map), "%s", fld[1]);
		snprintf(e.result, sizeof(e.result), "%s", fld[2]);
		snprintf(e.detail, sizeof(e.detail), "%s", n > 3 ? fld[3] : "");
		expected = realloc(expected, (nexpected + 1) * sizeof(*expected));
		expected[nexpected++] = e;
	}
	fclose(f);
}

static const struct expect *find_expected(const char *prog, const char *map)
{
	size_t i;

	for (i = 0; i < nexpected; i++)
		if (!strcmp(expected[i].prog, prog) && !strcmp(expected[i].map, map))
			return &expected[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* extmap types against their counterparts                            */

static size_t map_index(const char *name)
{
	size_t j;

	for (j = 0; j < NMAPS && strcmp(maps[j].name, name); j++)
		;
	return j;
}

static const struct counterpart_exception *counterpart_exception(const char *prog,
								  const char *ext)
{
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(counterpart_exceptions); i++) {
		const struct counterpart_exception *x = &counterpart_exceptions[i];

		if (!strcmp(x->prog, prog) && (!x->ext || !strcmp(x->ext, ext)))
			return x;
	}
	return NULL;
}

/* Row @i: every extmap type's cell against its counterpart's. */
static int check_counterparts(size_t i)
{
	char line[512] = "";
	int compared = 0, bad = 0;
	const char *skipped = NULL;
	size_t k, len = 0;

	for (k = 0; k < TAP_ARRAY_SIZE(counterparts); k++) {
		const struct cell *e = &cells[i][map_index(counterparts[k].ext)];
		const struct cell *m = &cells[i][map_index(counterparts[k].kernel)];
		const struct counterpart_exception *x =
			counterpart_exception(progs[i].name, counterparts[k].ext);

		len += snprintf(line + len, sizeof(line) - len, "%s%s %s, %s %s%s",
				k ? "; " : "", counterparts[k].name, e->result,
				counterparts[k].kernel + 13, m->result, x ? " (exception)" : "");
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		/* Not run in either (not selected, program type missing, ...). */
		if (!strcmp(e->result, "skip") && !strcmp(m->result, "skip") &&
		    !strcmp(e->detail, m->detail)) {
			skipped = e->detail;
			continue;
		}
		if (x) {
			if (strcmp(e->result, x->result) ||
			    strncmp(e->detail, x->detail, strlen(x->detail))) {
				tap_diag("%s %s: got '%s: %s', expected '%s: %s...' (%s)",
					 progs[i].name, counterparts[k].ext, e->result, e->detail,
					 x->result, x->detail, x->reason);
				bad++;
			} else {
				compared++;
			}
			continue;
		}
		if (!strcmp(e->result, "fail") || !strcmp(m->result, "fail") ||
		    strcmp(e->result, m->result) || strcmp(e->detail, m->detail)) {
			tap_diag("%s: %s got '%s: %s', its counterpart %s '%s: %s'",
				 progs[i].name, counterparts[k].ext, e->result, e->detail,
				 counterparts[k].kernel, m->result, m->detail);
			bad++;
			continue;
		}
		compared++;
	}
	tap_diag("%s: %s", progs[i].name, line);
	if (bad)
		return TAP_FAIL;
	if (!compared)
		return tap_skip_reason("%s", skipped);
	return TAP_PASS;
}

static int write_tsv(void)
{
	const char *dir = getenv("EXTMAP_OUTDIR");
	char path[600];
	size_t i, j;
	FILE *f;

	if (!dir || !*dir)
		dir = ".";
	snprintf(path, sizeof(path), "%s/matrix.tsv", dir);
	f = fopen(path, "w");
	if (!f) {
		tap_diag("%s: %s", path, tap_errname(errno));
		return -1;
	}
	fprintf(f, "prog_type\tmap_type\tresult\tdetail\n");
	for (i = 0; i < NPROGS; i++)
		for (j = 0; j < NMAPS; j++)
			fprintf(f, "%s\t%s\t%s\t%s\n", progs[i].name, maps[j].name,
				cells[i][j].result, cells[i][j].detail);
	if (fclose(f)) {
		tap_diag("%s: %s", path, tap_errname(errno));
		return -1;
	}
	tap_diag("matrix written to %s", path);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The race                                                            */

struct racer {
	int prog_fd, cpu, err;
	__u32 repeat;
	pthread_barrier_t *start;	/* all threads run at once */
	struct timespec t0, t1;		/* when the run began and ended */
};

static void *race_thread(void *arg)
{
	struct racer *r = arg;
	unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .repeat = r->repeat);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	o.data_size_in = make_packet(pkt, true);
	pthread_barrier_wait(r->start);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->err = bpf_prog_test_run_opts(r->prog_fd, &o) ? errno : 0;
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return NULL;
}

static double ts_ms(const struct timespec *t)
{
	return t->tv_sec * 1e3 + t->tv_nsec / 1e6;
}

#define RACE_REPEAT	20000

/* What one race left: increments per kind; locked is the kernel array's only. */
struct race_result {
	bool ext;
	__u64 total, plain, atomic, locked;
};

/*
 * Run @prog from one thread per CPU, RACE_REPEAT times each, released
 * together.  Says how long the runs overlapped in time: that they did is
 * not contention (under single-threaded TCG the vCPUs take turns within
 * it), only its precondition.
 */
static int race_run(struct bpf_program *prog)
{
	pthread_t th[ncpus];
	struct racer r[ncpus];
	pthread_barrier_t start;
	double first_end = 0, last_start = 0;
	int i, err = 0;

	pthread_barrier_init(&start, NULL, ncpus);
	for (i = 0; i < ncpus; i++) {
		r[i] = (struct racer){ .prog_fd = bpf_program__fd(prog), .cpu = i,
				       .repeat = RACE_REPEAT, .start = &start };
		pthread_create(&th[i], NULL, race_thread, &r[i]);
	}
	for (i = 0; i < ncpus; i++) {
		pthread_join(th[i], NULL);
		if (r[i].err)
			err = r[i].err;
		if (!i || ts_ms(&r[i].t1) < first_end)
			first_end = ts_ms(&r[i].t1);
		if (!i || ts_ms(&r[i].t0) > last_start)
			last_start = ts_ms(&r[i].t0);
	}
	pthread_barrier_destroy(&start);
	if (err) {
		tap_diag("BPF_PROG_TEST_RUN: %s", tap_errname(err));
		return -1;
	}
	tap_diag("the %d CPUs' runs overlapped in time for %.1f ms", ncpus,
		 first_end > last_start ? first_end - last_start : 0.0);
	return 0;
}

/* Race on a kernel array (@ext false) or an extmap array; 0 with @res
 * filled in, or -1.
 */
static int race(bool ext, struct race_result *res)
{
	struct mx_race *s = mx_race__open();
	__u32 zero = 0;
	int fd = -1, r = -1;

	*res = (struct race_result){ .ext = ext, .total = (__u64)ncpus * RACE_REPEAT };
	if (!s) {
		tap_diag("mx_race__open: %s", tap_errname(errno));
		return -1;
	}
	bpf_program__set_autoload(ext ? s->progs.race_kernel : s->progs.race_ext, false);
	if (ext) {
		LIBEXTMAP_OPTS(extmap_create_opts, eo, .name = "mx_race");

		fd = extmap_create(EXTMAP_MAP_TYPE_ARRAY, 4, sizeof(struct race_ext_val), 1, &eo);
		if (fd < 0) {
			tap_diag("extmap_create: %s", tap_errname(-fd));
			goto out;
		}
		bpf_map__reuse_fd(s->maps.ext_val, fd);
	} else {
		bpf_map__set_autocreate(s->maps.ext_val, false);
	}
	if (mx_race__load(s)) {
		tap_diag("mx_race__load failed");
		goto out;
	}
	if (race_run(ext ? s->progs.race_ext : s->progs.race_kernel))
		goto out;
	if (ext) {
		struct race_ext_val ev;

		if (bpf_map_lookup_elem(fd, &zero, &ev)) {
			tap_diag("reading the extmap array: %s", tap_errname(errno));
			goto out;
		}
		res->plain = ev.plain;
		res->atomic = ev.atomic;
		tap_diag("extmap array, %d CPUs x %d runs = %llu increments: plain %llu (lost %llu), atomic %llu; bpf_spin_lock not possible (extmap maps have no BTF)",
			 ncpus, RACE_REPEAT, (unsigned long long)res->total,
			 (unsigned long long)ev.plain, (unsigned long long)(res->total - ev.plain),
			 (unsigned long long)ev.atomic);
	} else {
		struct race_val v;

		if (bpf_map_lookup_elem(bpf_map__fd(s->maps.kval), &zero, &v)) {
			tap_diag("reading the kernel array: %s", tap_errname(errno));
			goto out;
		}
		res->plain = v.plain;
		res->atomic = v.atomic;
		res->locked = v.locked;
		tap_diag("kernel array, %d CPUs x %d runs = %llu increments: plain %llu (lost %llu), atomic %llu, bpf_spin_lock %llu",
			 ncpus, RACE_REPEAT,
			 (unsigned long long)res->total, (unsigned long long)v.plain,
			 (unsigned long long)(res->total - v.plain), (unsigned long long)v.atomic,
			 (unsigned long long)v.locked);
	}
	r = 0;
out:
	mx_race__destroy(s);
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * Every increment counted: holds with contention or without, so it is
 * asserted on every run.  Plain increments can only lose updates, never
 * gain any.
 */
static int race_counts(const struct race_result *res)
{
	ASSERT(res->plain <= res->total, "plain increments %llu, more than the %llu made",
	      (unsigned long long)res->plain, (unsigned long long)res->total);
	ASSERT(res->atomic == res->total, "atomic increments %llu, expected %llu",
	      (unsigned long long)res->atomic, (unsigned long long)res->total);
	if (!res->ext)
		ASSERT(res->locked == res->total, "locked increments %llu, expected %llu",
		      (unsigned long long)res->locked, (unsigned long long)res->total);
	return TAP_PASS;
}

/*
 * That atomics (and the lock) keep every update where updates race needs
 * the race to have happened: the evidence is the plain read-modify-writes
 * losing some.  Under single-threaded TCG (vmtest's default) the vCPUs take
 * turns and none is lost: then this is a skip, not a pass.
 */
static int race_contended(const struct race_result *res, int counted)
{
	if (res->plain == res->total)
		return tap_skip_reason("no contention: the plain increments lost none of %llu, so no two CPUs' increments interleaved (expected under single-threaded TCG, whose vCPUs take turns)",
				       (unsigned long long)res->total);
	tap_diag("contention: the plain increments lost %llu of %llu",
		 (unsigned long long)(res->total - res->plain), (unsigned long long)res->total);
	return counted;
}

/* ------------------------------------------------------------------ */

static int tapn;

static void tap_result(int r, const char *name)
{
	tapn++;
	if (r == TAP_PASS)
		printf("ok %d - %s\n", tapn, name);
	else if (r == TAP_SKIP)
		printf("ok %d - %s # SKIP %s\n", tapn, name, tap__skip_why);
	else
		printf("not ok %d - %s\n", tapn, name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;	/* one program type */
	int failed = 0;
	size_t i, j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid())
		tap_skip_all("needs root");
	libbpf_to_tap();
	ncpus = libbpf_num_possible_cpus();
	vmlinux_btf = btf__load_vmlinux_btf();
	extmap_loaded = access(EXTMAP_DEV, F_OK) == 0;
	load_expected();

	printf("TAP version 13\n1..%zu\n", 2 * NPROGS + 5);
	if (cgroup_setup())
		tap_diag("no test cgroup: cgroup hooks will fail");
	if (tcp_pair(sock_fds))
		tap_diag("no TCP pair for the socket maps: %s", tap_errname(errno));
	xsk_setup();
	if (!nexpected)
		tap_diag("no expectations in %s: every row fails", expected_path);

	for (i = 0; i < NPROGS; i++) {
		int ndiff = 0, r;
		char name[128];

		for (j = 0; j < NMAPS; j++) {
			struct cell *c = &cells[i][j];
			const struct expect *e;

			c->p = &progs[i];
			c->mt = &maps[j];
			if (only && strcmp(only, progs[i].name))
				cell_set(c, "skip", "not selected");
			else
				run_cell(c);
			e = find_expected(c->p->name, c->mt->name);
			if (!e || strcmp(e->result, c->result) || strcmp(e->detail, c->detail)) {
				ndiff++;
				tap_diag("%s %s: got '%s: %s', expected '%s: %s'", c->p->name,
					 c->mt->name, c->result, c->detail,
					 e ? e->result : "(none)", e ? e->detail : "");
			}
		}
		snprintf(name, sizeof(name), "%s row matches the expected matrix", progs[i].name);
		tap_result(ndiff ? TAP_FAIL : TAP_PASS, name);
		failed += ndiff != 0;

		snprintf(name, sizeof(name), "%s: extmap types get their kernel counterparts' verdicts",
			 progs[i].name);
		r = extmap_loaded ? check_counterparts(i)
				  : tap_skip_reason("extmap module not loaded");
		tap_result(r, name);
		failed += r == TAP_FAIL;
	}
	{
		int r = write_tsv() ? TAP_FAIL : TAP_PASS;

		tap_result(r, "matrix.tsv written");
		failed += r == TAP_FAIL;
	}
	for (i = 0; i < 2; i++) {
		static const char *const what[] = {
			"race on a kernel array: every atomic and bpf_spin_lock increment counted",
			"race on a kernel array: atomics and bpf_spin_lock lose no update under contention",
			"race on an extmap array: every atomic increment counted",
			"race on an extmap array: atomics lose no update under contention",
		};
		struct race_result res;
		bool ran;
		int r;

		if (i == 1 && !extmap_loaded) {
			r = tap_skip_reason("extmap module not loaded");
			tap_result(r, what[2 * i]);
			tap_result(r, what[2 * i + 1]);
			continue;
		}
		ran = !race(i == 1, &res);
		r = ran ? race_counts(&res) : TAP_FAIL;
		tap_result(r, what[2 * i]);
		failed += r == TAP_FAIL;
		if (ran)
			r = race_contended(&res, r);
		tap_result(r, what[2 * i + 1]);
		failed += r == TAP_FAIL;
	}
	close(sock_fds[0]);
	close(sock_fds[1]);
	if (xsk_fd >= 0)
		close(xsk_fd);
	if (xsk_umem)
		munmap(xsk_umem, XSK_FRAMES * XSK_FRAME_SIZE);
	cgroup_teardown();
	return failed ? KSFT_FAIL : KSFT_PASS;
}
