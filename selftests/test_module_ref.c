// SPDX-License-Identifier: GPL-2.0
/*
 * test_module_ref: a live extmap map pins the module.
 *
 * While a map lives, held by (a) an open fd, (b) only a bpffs pin, or
 * (c) only a loaded BPF program, delete_module("extmap", O_NONBLOCK) fails
 * with EWOULDBLOCK and the map keeps working.  Once the last user is gone
 * the module unloads; the test then loads it again from
 * $EXTMAP_ROOT/build/$(uname -r)/extmap.ko, since later tests need it.
 *
 * A map type in a module of its own, the benchmark's floor type
 * (build/<release>/bench/extmap_floor.ko), works the same way: its map
 * holds that module, which holds extmap.ko, and once the map is gone the
 * module unloads and its type is no longer listed.
 *
 * The program in (c) is assembled here: a socket filter that looks up
 * index 0 of the map, adds 1 to the u64 there and returns the new value,
 * so that BPF_PROG_TEST_RUN shows the map still works with no fd to it.
 */
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>

#include "libextmap.h"
#include "util.h"

static char pindir[256];

static void cleanup_pins(void)
{
	if (pindir[0])
		pin_dir_remove(pindir);
}

/* The benchmark's floor type (bench/kmod/): a map type in its own module. */
#define TYPE_MODULE	"extmap_floor"
#define TYPE_NAME	"bench_floor"

static bool module_loaded(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static long module_refcnt(const char *name)
{
	char path[PATH_MAX], buf[32] = "";
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			n = strtol(buf, NULL, 10);
		fclose(f);
	}
	return n;
}

static int try_unload(const char *name)
{
	return (int)syscall(SYS_delete_module, name, O_NONBLOCK);
}

/* The module must refuse to go, and still be there afterwards. */
static int check_unload_refused(void)
{
	tap_diag("module refcnt %ld", module_refcnt(MODULE_NAME));
	ASSERT_ERRNO(try_unload(MODULE_NAME), EWOULDBLOCK);
	ASSERT(module_loaded(MODULE_NAME), "module gone after a refused unload");
	ASSERT(access(EXTMAP_DEV, F_OK) == 0, "%s gone", EXTMAP_DEV);
	return TAP_PASS;
}

static int check_map_works(int fd, __u64 expect_at_0)
{
	__u64 v = 0;
	__u32 k = 0;

	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &v));
	ASSERT(v == expect_at_0, "index 0 holds %llu, want %llu",
	      (unsigned long long)v, (unsigned long long)expect_at_0);
	v++;
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_EXIST));
	return TAP_PASS;
}

static int held_by_fd(void)
{
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 2, 0, "ref_fd");
	AUTO_FD hfd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 2, 0, "ref_fd_h");
	__u32 k = 0;
	__u64 v = 5;

	ASSERT(fd >= 0 && hfd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	ASSERT_OK(bpf_map_update_elem(hfd, &k, &v, BPF_ANY));
	if (check_unload_refused())
		return TAP_FAIL;
	if (check_map_works(fd, 5) || check_map_works(hfd, 5))
		return TAP_FAIL;
	/* Only the hash left. */
	close(fd);
	fd = -1;
	if (check_unload_refused() || check_map_works(hfd, 6))
		return TAP_FAIL;
	return TAP_PASS;
}

static int held_by_pin(void)
{
	char path[PATH_MAX];
	AUTO_FD fd = -1;
	__u32 k = 0;
	__u64 v = 17;

	if (!bpffs_mounted())
		return tap_skip_reason("no bpffs mounted at %s", BPFFS);
	snprintf(path, sizeof(path), "%s/ref_pin", pindir);
	fd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, 0, "ref_pin");
	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	ASSERT_OK(bpf_obj_pin(fd, path));
	close(fd);
	fd = -1;
	if (check_unload_refused())
		return TAP_FAIL;
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get: %s", tap_errname(errno));
	if (check_map_works(fd, 17))
		return TAP_FAIL;
	close(fd);
	fd = -1;
	ASSERT_OK(unlink(path));
	return TAP_PASS;
}

/* ---- a hand-assembled program ---- */

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src,
			      .off = off, .imm = imm };
	return i;
}

static int load_counter_prog(int map_fd)
{
	struct bpf_insn p[] = {
		/* *(u32 *)(r10 - 4) = 0: the key */
		insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		/* r2 = r10 - 4 */
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		/* r1 = the map (a two-slot load of its fd) */
		insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		insn(0, 0, 0, 0, 0),
		/* r0 = bpf_map_lookup_elem(r1, r2) */
		insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		/* if (r0 != NULL) goto +2 */
		insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0),
		/* return 0xdead */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0xdead),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* r1 = *(u64 *)r0 + 1; *(u64 *)r0 = r1; return r1 */
		insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_0, 0, 0),
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, 1),
		insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_0, BPF_REG_1, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static char log[8192];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log),
		    .log_level = 0);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "extmap_ref", "GPL", p,
			   TAP_ARRAY_SIZE(p), &o);
	if (fd < 0) {
		int e = errno;

		o.log_level = 1;
		log[0] = '\0';
		bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "extmap_ref", "GPL", p,
			      TAP_ARRAY_SIZE(p), &o);
		tap_diag("bpf_prog_load: %s; verifier log:\n%s", tap_errname(e), log);
		errno = e;
	}
	return fd;
}

/* Run the program once: its return value, or -1. */
static long run_counter_prog(int prog_fd)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));

	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		tap_diag("test run: %s", tap_errname(errno));
		return -1;
	}
	return o.retval;
}

static int held_by_prog(void)
{
	AUTO_FD map = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 1, 0, "ref_prog");
	AUTO_FD prog = -1;
	__u32 k = 0;
	__u64 v = 41;
	long r;

	ASSERT(map >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(map, &k, &v, BPF_ANY));
	prog = load_counter_prog(map);
	ASSERT(prog >= 0, "program load failed");
	r = run_counter_prog(prog);
	ASSERT(r == 42, "program returned %ld, want 42", r);
	ASSERT_OK(bpf_map_lookup_elem(map, &k, &v));
	ASSERT(v == 42, "map holds %llu after one run", (unsigned long long)v);
	/* Now only the program holds the map. */
	close(map);
	map = -1;
	if (check_unload_refused())
		return TAP_FAIL;
	r = run_counter_prog(prog);
	ASSERT(r == 43, "program returned %ld with only it holding the map", r);
	r = run_counter_prog(prog);
	ASSERT(r == 44, "program returned %ld on the next run", r);
	if (check_unload_refused())
		return TAP_FAIL;
	return TAP_PASS;
}

/* ---- unload and reload ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Unload @name once its last user is gone: maps and programs are freed
 * from workqueues and RCU callbacks after their last reference, so give
 * that up to 15 s.
 */
static int unload_when_unused(const char *name)
{
	int i, err, e;

	ASSERT(module_loaded(name), "%s not loaded before unloading", name);
	for (i = 1; (err = try_unload(name)) && errno == EWOULDBLOCK && i < 150;
	     i++)
		sleep_ms(100);
	e = errno;
	ASSERT(!err, "delete_module(%s): %s after %d tries (refcnt %ld); a map or program of this or an earlier test may still be alive",
	      name, tap_errname(e), i, module_refcnt(name));
	tap_diag("%s unloaded after %d tries", name, i);
	ASSERT(!module_loaded(name), "/sys/module/%s still there", name);
	return TAP_PASS;
}

/* Load build/<release>/@rel_path with @params; -errno, or 0. */
static int load_module_params(const char *rel_path, const char *params)
{
	char ko[PATH_MAX];
	struct utsname u;
	AUTO_FD fd = -1;

	if (uname(&u))
		return -errno;
	snprintf(ko, sizeof(ko), "%s/build/%s/%s", extmap_root(), u.release,
		 rel_path);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0))
		return -errno;
	return 0;
}

static int load_module(const char *rel_path)
{
	return load_module_params(rel_path, "");
}

static int unloads_after_last_user(void)
{
	return unload_when_unused(MODULE_NAME);
}

static int reload_module(void)
{
	int i, err;

	if (module_loaded(MODULE_NAME))
		return tap_skip_reason("module still loaded: not unloaded above");
	err = load_module("extmap.ko");
	if (err) {
		tap_diag("!!! COULD NOT RELOAD THE MODULE (%s): every later test will fail !!!",
			 strerror(-err));
		return TAP_FAIL;
	}
	/* devtmpfs creates the node asynchronously. */
	for (i = 0; i < 50 && access(EXTMAP_DEV, F_OK); i++)
		sleep_ms(100);
	ASSERT(access(EXTMAP_DEV, F_OK) == 0, "%s missing after reload", EXTMAP_DEV);
	return TAP_PASS;
}

static int works_after_reload(void)
{
	AUTO_FD fd = -1;
	__u64 v = 3;
	__u32 k = 1;

	if (!module_loaded(MODULE_NAME))
		return tap_skip_reason("module not loaded");
	fd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 8, 4, 0, "after_reload");
	ASSERT(fd >= 0, "create after reload: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	v = 0;
	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &v));
	ASSERT(v == 3, "read back %llu", (unsigned long long)v);
	/* And this map pins the new instance too. */
	return check_unload_refused();
}

/* ---- a map type in a module of its own ---- */

static int floor_fd = -1;

/* An IPv4 LPM key, the floor type's layout. */
struct floor_key {
	__u32 prefixlen;
	__u8 addr[4];
};

static int type_module_registers(void)
{
	__u32 id;
	int err;

	err = load_module("bench/" TYPE_MODULE ".ko");
	if (err == -ENOENT)
		return tap_skip_reason("build/<release>/bench/%s.ko not built",
				       TYPE_MODULE);
	ASSERT(!err, "load %s.ko: %s", TYPE_MODULE, strerror(-err));
	ASSERT_OK(extmap_type_id(EXTMAP_DEV, TYPE_NAME, &id));
	tap_diag("%s registered as type %#x", TYPE_NAME, id);
	return TAP_PASS;
}

/* Its map holds the type's module, which holds extmap.ko. */
static int type_module_held_by_map(void)
{
	struct floor_key k = { 24, { 10, 1, 2, 0 } };
	__u64 v = 7;
	__u32 id;

	if (!module_loaded(TYPE_MODULE))
		return tap_skip_reason("%s not loaded (above)", TYPE_MODULE);
	ASSERT_OK(extmap_type_id(EXTMAP_DEV, TYPE_NAME, &id));
	floor_fd = ext_create(id, sizeof(k), sizeof(v), 16, 0, "ref_floor");
	ASSERT(floor_fd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(floor_fd, &k, &v, BPF_ANY));
	k.prefixlen = 32;
	k.addr[3] = 3;
	v = 0;
	ASSERT_OK(bpf_map_lookup_elem(floor_fd, &k, &v));
	ASSERT(v == 7, "lookup of 10.1.2.3 gave %llu, want 7",
	      (unsigned long long)v);
	tap_diag("%s refcnt %ld", TYPE_MODULE, module_refcnt(TYPE_MODULE));
	ASSERT_ERRNO(try_unload(TYPE_MODULE), EWOULDBLOCK);
	ASSERT_ERRNO(try_unload(MODULE_NAME), EWOULDBLOCK);
	ASSERT(module_loaded(TYPE_MODULE) && module_loaded(MODULE_NAME),
	      "a module went away after a refused unload");
	return TAP_PASS;
}

/* Once its last map is gone, the type's module unloads and the type goes. */
static int type_module_unloads(void)
{
	__u32 id;

	if (!module_loaded(TYPE_MODULE))
		return tap_skip_reason("%s not loaded (above)", TYPE_MODULE);
	if (floor_fd >= 0)
		close(floor_fd);
	floor_fd = -1;
	if (unload_when_unused(TYPE_MODULE))
		return TAP_FAIL;
	ASSERT(extmap_type_id(EXTMAP_DEV, TYPE_NAME, &id) == -ENOENT,
	      "type %s still listed", TYPE_NAME);
	return TAP_PASS;
}

/*
 * The core takes ids up to EXTMAP_MAP_TYPE_MAX, and libextmap calls every
 * id it takes an extmap type: a type at the top of the range is created
 * and recognised, one above it is refused (EINVAL) and never listed.
 */
static int type_id_range(void)
{
	char params[32];
	struct bpf_map_info info = {};
	AUTO_FD fd = -1;
	__u32 id = 0;
	int err;

	if (module_loaded(TYPE_MODULE))
		return tap_skip_reason("%s still loaded (above)", TYPE_MODULE);
	snprintf(params, sizeof(params), "type_id=%#x", EXTMAP_MAP_TYPE_MAX + 1);
	err = load_module_params("bench/" TYPE_MODULE ".ko", params);
	if (err == -ENOENT)
		return tap_skip_reason("build/<release>/bench/%s.ko not built",
				       TYPE_MODULE);
	if (!err)
		unload_when_unused(TYPE_MODULE);
	ASSERT(err == -EINVAL, "load with %s: %s, expected EINVAL", params,
	      tap_errname(-err));

	snprintf(params, sizeof(params), "type_id=%#x", EXTMAP_MAP_TYPE_MAX);
	err = load_module_params("bench/" TYPE_MODULE ".ko", params);
	ASSERT(!err, "load with %s: %s, expected 0", params, tap_errname(-err));
	err = extmap_type_id(EXTMAP_DEV, TYPE_NAME, &id);
	if (!err) {
		fd = ext_create(id, sizeof(struct floor_key), sizeof(__u64), 16,
				0, "top_id");
		err = fd < 0 || map_info(fd, &info) ? -errno : 0;
	}
	if (fd >= 0)
		close(fd);
	fd = -1;
	if (unload_when_unused(TYPE_MODULE))
		return TAP_FAIL;
	ASSERT(!err, "type %s at %#x: %s", TYPE_NAME, EXTMAP_MAP_TYPE_MAX,
	      tap_errname(-err));
	ASSERT(id == EXTMAP_MAP_TYPE_MAX && info.type == EXTMAP_MAP_TYPE_MAX,
	      "listed as %#x, map type %#x; expected %#x", id, info.type,
	      EXTMAP_MAP_TYPE_MAX);
	ASSERT(extmap_is_extmap_type(info.type),
	      "extmap_is_extmap_type(%#x) is false", info.type);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(held_by_fd),
	TAP_CASE(held_by_pin),
	TAP_CASE(held_by_prog),
	TAP_CASE(type_module_registers),
	TAP_CASE(type_module_held_by_map),
	TAP_CASE(type_module_unloads),
	TAP_CASE(type_id_range),
	TAP_CASE(unloads_after_last_user),
	TAP_CASE(reload_module),
	TAP_CASE(works_after_reload),
};

int main(void)
{
	require_root_and_module();
	if (!module_loaded(MODULE_NAME))
		tap_bail("%s exists but /sys/module/%s does not", EXTMAP_DEV, MODULE_NAME);
	if (bpffs_mounted()) {
		if (pin_dir_create(pindir, sizeof(pindir), "module_ref"))
			tap_bail("mkdir %s: %s", pindir, strerror(errno));
		atexit(cleanup_pins);
	}
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
