// SPDX-License-Identifier: GPL-2.0
/*
 * test_pin_tools: extmap maps in bpffs and in the standard tools.
 *
 * An extmap map pinned in bpffs comes back with bpf_obj_get() as the same
 * map; bpftool reads and writes it through its pin; extmapctl creates and
 * describes pinned maps; and a BPF program loaded by bpftool, or by libbpf
 * reusing the pin, uses the pinned map (progs/pin_xdp.bpf.c: key 0's value
 * gets counter += 1, seen = old counter, marker = PIN_XDP_MARKER).
 *
 * Everything is pinned under a private directory in /sys/fs/bpf, removed
 * at exit.
 */
#include <limits.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"
#include "pin_xdp.skel.h"

static char pindir[256];
static char out[16384];

static void cleanup_pins(void)
{
	if (pindir[0])
		pin_dir_remove(pindir);
}

static const char *pin_path(const char *name)
{
	static char p[4][PATH_MAX];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(p[slot], sizeof(p[slot]), "%s/%s", pindir, name);
	return p[slot];
}

static const char *extmapctl(void)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/build/extmapctl", extmap_root());
	return p;
}

static const char *pin_obj(void)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/pin_xdp.bpf.o", selftest_dir());
	return p;
}

/* Collapse runs of whitespace to one space, so output compares simply. */
static void squeeze(char *s)
{
	char *w = s;
	bool sp = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			if (!sp)
				*w++ = ' ';
			sp = true;
		} else {
			*w++ = *s;
			sp = false;
		}
	}
	*w = '\0';
}

#define ASSERT_OUT(needle)						\
	do {								\
		squeeze(out);						\
		if (!strstr(out, (needle))) {				\
			tap_diag("%s:%d: output lacks \"%s\"; it was:\n%s", \
				 __FILE__, __LINE__, (needle), out);	\
			return TAP_FAIL;				\
		}							\
	} while (0)

#define NEED_BPFTOOL()							\
	do {								\
		if (!have_program("bpftool"))				\
			return tap_skip_reason("bpftool not found in PATH"); \
	} while (0)

static int pin_new(__u32 type, __u32 ks, __u32 vs, __u32 max, const char *name,
		   const char *path)
{
	AUTO_FD fd = ext_create(type, ks, vs, max, 0, name);

	if (fd < 0) {
		tap_diag("create: %s", tap_errname(errno));
		return -1;
	}
	unlink(path);
	if (bpf_obj_pin(fd, path)) {
		tap_diag("bpf_obj_pin(%s): %s", path, tap_errname(errno));
		return -1;
	}
	return 0;
}

static int pin_and_obj_get(void)
{
	const char *path = pin_path("a1");
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, 0, "pin_a1");
	AUTO_FD fd2 = -1;
	struct bpf_map_info i1, i2;
	__u64 v = 111, r = 0;
	__u32 k = 1;
	struct stat st;

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	ASSERT_OK(bpf_obj_pin(fd, path));
	ASSERT(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	fd2 = bpf_obj_get(path);
	ASSERT(fd2 >= 0, "bpf_obj_get: %s", tap_errname(errno));
	ASSERT_OK(map_info(fd, &i1));
	ASSERT_OK(map_info(fd2, &i2));
	ASSERT(i2.type == EXTMAP_MAP_TYPE_ARRAY && i2.key_size == 4 &&
	      i2.value_size == 8 && i2.max_entries == 4 && !strcmp(i2.name, "pin_a1"),
	      "pinned map: type %#x k%u v%u max %u '%s'", i2.type, i2.key_size,
	      i2.value_size, i2.max_entries, i2.name);
	ASSERT(!memcmp(&i1, &i2, sizeof(i1)), "info differs between the two fds");
	/* Same map, both ways. */
	ASSERT_OK(bpf_map_lookup_elem(fd2, &k, &r));
	ASSERT(r == 111, "read %llu through the pin", (unsigned long long)r);
	k = 2;
	v = 222;
	ASSERT_OK(bpf_map_update_elem(fd2, &k, &v, BPF_ANY));
	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &r));
	ASSERT(r == 222, "read %llu through the original fd", (unsigned long long)r);
	ASSERT_OK(unlink(path));
	return TAP_PASS;
}

static int pin_outlives_fds(void)
{
	const char *path = pin_path("h1");
	AUTO_FD fd = ext_create(EXTMAP_MAP_TYPE_HASH, 8, 16, 32, 0, "pin_h1");
	AUTO_FD fd2 = -1;
	__u64 k, v[2], r[2];

	ASSERT(fd >= 0, "create: %s", tap_errname(errno));
	for (k = 0; k < 20; k++) {
		v[0] = k * 3;
		v[1] = ~k;
		ASSERT_OK(bpf_map_update_elem(fd, &k, v, BPF_NOEXIST));
	}
	ASSERT_OK(bpf_obj_pin(fd, path));
	close(fd);
	fd = -1;
	fd2 = bpf_obj_get(path);
	ASSERT(fd2 >= 0, "bpf_obj_get: %s", tap_errname(errno));
	for (k = 0; k < 20; k++) {
		ASSERT_OK(bpf_map_lookup_elem(fd2, &k, r));
		ASSERT(r[0] == k * 3 && r[1] == ~k, "key %llu: {%llu, %#llx}",
		      (unsigned long long)k, (unsigned long long)r[0],
		      (unsigned long long)r[1]);
	}
	ASSERT_ERRNO(bpf_map_lookup_elem(fd2, &k, r), ENOENT);
	ASSERT_OK(unlink(path));
	return TAP_PASS;
}

static int bpftool_map_update_lookup(void)
{
	const char *path = pin_path("bt_arr");
	AUTO_FD fd = -1;
	__u64 v = 0x0102030405060708ull, r = 0;
	__u32 k;
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, "bt_arr", path) == 0, "pin");
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 1 0 0 0 value 0x2a 0 0 0 0 0 0 0",
		     path);
	ASSERT(rc == 0, "bpftool map update: exit %d:\n%s", rc, out);
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get: %s", tap_errname(errno));
	k = 1;
	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &r));
	ASSERT(r == 42, "bpftool wrote %llu, want 42", (unsigned long long)r);
	k = 2;
	ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	rc = run_cmd(out, sizeof(out), "bpftool map lookup pinned %s key 2 0 0 0", path);
	ASSERT(rc == 0, "bpftool map lookup: exit %d:\n%s", rc, out);
	ASSERT_OUT("key: 02 00 00 00 value: 08 07 06 05 04 03 02 01");
	/* Out of range: ENOENT, which bpftool reports as "Not found". */
	rc = run_cmd(out, sizeof(out), "bpftool map lookup pinned %s key 4 0 0 0", path);
	ASSERT(rc != 0, "lookup of index 4 in a 4-entry array: exit 0, expected a failure (Not found):\n%s",
	      out);
	ASSERT_OUT("Not found");
	return TAP_PASS;
}

static int bpftool_map_dump_array(void)
{
	const char *path = pin_path("bt_dump");
	AUTO_FD fd = -1;
	__u64 v;
	__u32 k;
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_ARRAY, 4, 8, 4, "bt_dump", path) == 0, "pin");
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get: %s", tap_errname(errno));
	for (k = 0; k < 4; k++) {
		v = 0x11ull * (k + 1);
		ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	}
	rc = run_cmd(out, sizeof(out), "bpftool map dump pinned %s", path);
	ASSERT(rc == 0, "bpftool map dump: exit %d:\n%s", rc, out);
	ASSERT_OUT("key: 00 00 00 00 value: 11 00 00 00 00 00 00 00");
	ASSERT_OUT("key: 01 00 00 00 value: 22 00 00 00 00 00 00 00");
	ASSERT_OUT("key: 02 00 00 00 value: 33 00 00 00 00 00 00 00");
	ASSERT_OUT("key: 03 00 00 00 value: 44 00 00 00 00 00 00 00");
	ASSERT_OUT("Found 4 elements");
	return TAP_PASS;
}

static int bpftool_hash_update_delete_dump(void)
{
	const char *path = pin_path("bt_hash");
	AUTO_FD fd = -1;
	unsigned char k[3] = { 1, 2, 3 }, v[2];
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_HASH, 3, 2, 4, "bt_hash", path) == 0, "pin");
	rc = run_cmd(out, sizeof(out), "bpftool map dump pinned %s", path);
	ASSERT(rc == 0, "dump of the empty map: exit %d:\n%s", rc, out);
	ASSERT_OUT("Found 0 elements");
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 1 2 3 value 4 5 noexist",
		     path);
	ASSERT(rc == 0, "update noexist: exit %d:\n%s", rc, out);
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 1 2 3 value 6 7 noexist",
		     path);
	ASSERT(rc != 0, "second update noexist: exit 0, expected a failure with EEXIST:\n%s", out);
	ASSERT_OUT("update failed: File exists");
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 9 9 9 value 8 9 exist",
		     path);
	ASSERT(rc != 0, "update exist of an absent key: exit 0, expected a failure with ENOENT:\n%s",
	      out);
	ASSERT_OUT("update failed: No such file or directory");
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 7 7 7 value 0xaa 0xbb any",
		     path);
	ASSERT(rc == 0, "update any: exit %d:\n%s", rc, out);
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_lookup_elem(fd, k, v));
	ASSERT(v[0] == 4 && v[1] == 5, "value %s", hexstr(v, 2));
	rc = run_cmd(out, sizeof(out), "bpftool map dump pinned %s", path);
	ASSERT(rc == 0, "dump: exit %d:\n%s", rc, out);
	ASSERT_OUT("key: 01 02 03 value: 04 05");
	ASSERT_OUT("key: 07 07 07 value: aa bb");
	ASSERT_OUT("Found 2 elements");
	rc = run_cmd(out, sizeof(out), "bpftool map delete pinned %s key 1 2 3", path);
	ASSERT(rc == 0, "delete: exit %d:\n%s", rc, out);
	ASSERT_ERRNO(bpf_map_lookup_elem(fd, k, v), ENOENT);
	rc = run_cmd(out, sizeof(out), "bpftool map delete pinned %s key 1 2 3", path);
	ASSERT(rc != 0, "delete of a deleted key: exit 0, expected a failure with ENOENT:\n%s",
	      out);
	ASSERT_OUT("delete failed: No such file or directory");
	return TAP_PASS;
}

static int bpftool_map_show_pinned(void)
{
	const char *path = pin_path("bt_show");
	char want[64];
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_HASH, 4, 8, 16, "bt_show", path) == 0, "pin");
	rc = run_cmd(out, sizeof(out), "bpftool map show pinned %s", path);
	ASSERT(rc == 0, "bpftool map show: exit %d:\n%s", rc, out);
	snprintf(want, sizeof(want), "type %u ", EXTMAP_MAP_TYPE_HASH);
	ASSERT_OUT(want);
	ASSERT_OUT("name bt_show");
	ASSERT_OUT("key 4B value 8B max_entries 16");
	return TAP_PASS;
}

/* "label:   value" somewhere in @text, label at a line start. */
static bool has_field(const char *text, const char *label, const char *value)
{
	size_t ll = strlen(label);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, label, ll)) {
			const char *v = p + ll, *end = strchr(v, '\n');
			size_t vl = strlen(value);

			while (*v == ' ')
				v++;
			if (!strncmp(v, value, vl) &&
			    (v[vl] == '\n' || v[vl] == '\0' || v[vl] == ' ' ||
			     (end && v + vl == end)))
				return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

#define ASSERT_FIELD(label, value)					\
	ASSERT(has_field(out, label, value), "no \"%s %s\" line in:\n%s",	\
	      label, value, out)

static int extmapctl_types(void)
{
	int rc;

	ASSERT(access(extmapctl(), X_OK) == 0, "%s: %s", extmapctl(), strerror(errno));
	rc = run_cmd(out, sizeof(out), "%s types", extmapctl());
	ASSERT(rc == 0, "extmapctl types: exit %d:\n%s", rc, out);
	ASSERT_OUT("0x10001 65537 array");
	ASSERT_OUT("0x10002 65538 hash");
	return TAP_PASS;
}

static int extmapctl_create_and_info(void)
{
	const char *path = pin_path("ctl_arr");
	struct bpf_map_info info;
	AUTO_FD fd = -1;
	int rc;

	ASSERT(access(extmapctl(), X_OK) == 0, "%s: %s", extmapctl(), strerror(errno));
	rc = run_cmd(out, sizeof(out), "%s create array --key-size 4 --value-size 24 --max-entries 16 --name ctl_arr --pin %s",
		     extmapctl(), path);
	ASSERT(rc == 0, "extmapctl create: exit %d:\n%s", rc, out);
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get(%s): %s", path, tap_errname(errno));
	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_ARRAY && info.key_size == 4 &&
	      info.value_size == 24 && info.max_entries == 16 &&
	      info.map_flags == 0 && !strcmp(info.name, "ctl_arr"),
	      "created: type %#x k%u v%u max %u flags %#x '%s'", info.type,
	      info.key_size, info.value_size, info.max_entries, info.map_flags,
	      info.name);
	rc = run_cmd(out, sizeof(out), "%s info %s", extmapctl(), path);
	ASSERT(rc == 0, "extmapctl info: exit %d:\n%s", rc, out);
	ASSERT_FIELD("type:", "array (extmap type 0x10001)");
	ASSERT_FIELD("name:", "ctl_arr");
	ASSERT_FIELD("key size:", "4");
	ASSERT_FIELD("value size:", "24");
	ASSERT_FIELD("max entries:", "16");
	ASSERT_FIELD("flags:", "0x0");
	return TAP_PASS;
}

/*
 * --btf: the map carries the key and value types of a BPF object, and
 * bpftool prints its contents by them.
 */
static int extmapctl_create_with_btf(void)
{
	const char *path = pin_path("ctl_btf");
	char obj[PATH_MAX];
	struct bpf_map_info info;
	AUTO_FD fd = -1;
	__u32 k = 3, v[4] = { 77, 0, 77, 0 };
	int rc;

	NEED_BPFTOOL();
	snprintf(obj, sizeof(obj), "%s/spin_lock.bpf.o", selftest_dir());
	rc = run_cmd(out, sizeof(out), "%s create hash --key-size 4 --value-size 16 --max-entries 8 --btf %s --key-type __u32 --value-type 'struct lk_val' --pin %s",
		     extmapctl(), obj, path);
	ASSERT(rc == 0, "extmapctl create --btf: exit %d:\n%s", rc, out);
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get(%s): %s", path, tap_errname(errno));
	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.btf_id && info.btf_key_type_id && info.btf_value_type_id,
	       "btf_id %u key type %u value type %u", info.btf_id,
	       info.btf_key_type_id, info.btf_value_type_id);
	ASSERT_OK(bpf_map_update_elem(fd, &k, v, BPF_ANY));
	rc = run_cmd(out, sizeof(out), "bpftool map dump pinned %s", path);
	ASSERT(rc == 0, "bpftool map dump: exit %d:\n%s", rc, out);
	ASSERT_OUT("\"count\": 77");
	/* A type the object does not have: named in the error. */
	rc = run_cmd(out, sizeof(out), "%s create hash --key-size 4 --value-size 16 --max-entries 8 --btf %s --value-type 'struct no_such' --pin %s.x",
		     extmapctl(), obj, path);
	ASSERT(rc != 0, "extmapctl took a missing type");
	ASSERT_OUT("no type 'struct no_such'");
	return TAP_PASS;
}

static int extmapctl_hash_usable_by_bpf_and_bpftool(void)
{
	const char *path = pin_path("ctl_hash");
	struct bpf_map_info info;
	AUTO_FD fd = -1;
	__u32 k = 0x01020304, v = 0;
	int rc;

	ASSERT(access(extmapctl(), X_OK) == 0, "%s: %s", extmapctl(), strerror(errno));
	rc = run_cmd(out, sizeof(out), "%s create hash --key-size 4 --value-size 4 --max-entries 8 --flags %u --pin %s",
		     extmapctl(), BPF_F_RDONLY_PROG, path);
	ASSERT(rc == 0, "extmapctl create: exit %d:\n%s", rc, out);
	fd = bpf_obj_get(path);
	ASSERT(fd >= 0, "bpf_obj_get(%s): %s", path, tap_errname(errno));
	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == EXTMAP_MAP_TYPE_HASH && info.map_flags == BPF_F_RDONLY_PROG &&
	      info.max_entries == 8, "created: type %#x flags %#x max %u",
	      info.type, info.map_flags, info.max_entries);
	rc = run_cmd(out, sizeof(out), "%s info %s", extmapctl(), path);
	ASSERT(rc == 0, "extmapctl info: exit %d:\n%s", rc, out);
	ASSERT_FIELD("type:", "hash (extmap type 0x10002)");
	ASSERT_FIELD("flags:", "0x80");
	if (!have_program("bpftool"))
		return tap_skip_reason("extmapctl's half passed; bpftool not found in PATH: the update through bpftool not run");
	rc = run_cmd(out, sizeof(out), "bpftool map update pinned %s key 4 3 2 1 value 9 0 0 0",
		     path);
	ASSERT(rc == 0, "bpftool map update: exit %d:\n%s", rc, out);
	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &v));
	ASSERT(v == 9, "value %u", v);
	return TAP_PASS;
}

static int get_val(const char *path, struct ext_val *v)
{
	AUTO_FD fd = bpf_obj_get(path);
	__u32 k = 0;

	if (fd < 0)
		return -1;
	memset(v, 0xee, sizeof(*v));
	return bpf_map_lookup_elem(fd, &k, v);
}

static int put_counter(const char *path, __u64 counter)
{
	AUTO_FD fd = bpf_obj_get(path);
	struct ext_val v = { .counter = counter };
	__u32 k = 0;

	if (fd < 0)
		return -1;
	return bpf_map_update_elem(fd, &k, &v, BPF_ANY);
}

/* Run the XDP program pinned at @prog with bpftool; check it found key 0. */
static int bpftool_run(const char *prog)
{
	int rc = run_cmd(out, sizeof(out), "head -c 64 /dev/zero | bpftool prog run pinned %s data_in - repeat 1",
			 prog);

	ASSERT(rc == 0, "bpftool prog run: exit %d:\n%s", rc, out);
	ASSERT_OUT("Return value: 2,");	/* XDP_PASS: key 0 found */
	return TAP_PASS;
}

static int check_counter(const char *map, __u64 counter)
{
	struct ext_val v;

	ASSERT_OK(get_val(map, &v));
	ASSERT(v.counter == counter && v.seen == counter - 1 && v.marker == PIN_XDP_MARKER,
	      "value {%llu, %llu, %#llx}, want {%llu, %llu, %#llx}",
	      (unsigned long long)v.counter, (unsigned long long)v.seen,
	      (unsigned long long)v.marker, (unsigned long long)counter,
	      (unsigned long long)counter - 1, (unsigned long long)PIN_XDP_MARKER);
	return TAP_PASS;
}

static int bpftool_prog_load_uses_pinned_map(void)
{
	const char *map = pin_path("prog_map"), *prog = pin_path("prog");
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_ARRAY, 4, sizeof(struct ext_val), 4, "pin_arr",
		      map) == 0, "pin");
	ASSERT_OK(put_counter(map, 41));
	rc = run_cmd(out, sizeof(out), "bpftool prog load %s %s type xdp map name pin_arr pinned %s",
		     pin_obj(), prog, map);
	ASSERT(rc == 0, "bpftool prog load: exit %d:\n%s", rc, out);
	if (bpftool_run(prog) || check_counter(map, 42))
		return TAP_FAIL;
	if (bpftool_run(prog) || check_counter(map, 43))
		return TAP_FAIL;
	/* A write from userspace is what the program reads next. */
	ASSERT_OK(put_counter(map, 1000));
	if (bpftool_run(prog) || check_counter(map, 1001))
		return TAP_FAIL;
	ASSERT_OK(unlink(prog));
	return TAP_PASS;
}

static int bpftool_prog_loadall_uses_pinned_map(void)
{
	const char *map = pin_path("loadall_map"), *dir = pin_path("loadall");
	char prog[PATH_MAX];
	int rc;

	NEED_BPFTOOL();
	ASSERT(pin_new(EXTMAP_MAP_TYPE_ARRAY, 4, sizeof(struct ext_val), 4, "pin_arr",
		      map) == 0, "pin");
	ASSERT_OK(put_counter(map, 7));
	rc = run_cmd(out, sizeof(out), "bpftool prog loadall %s %s type xdp map name pin_arr pinned %s",
		     pin_obj(), dir, map);
	ASSERT(rc == 0, "bpftool prog loadall: exit %d:\n%s", rc, out);
	snprintf(prog, sizeof(prog), "%s/pin_xdp", dir);
	if (bpftool_run(prog) || check_counter(map, 8))
		return TAP_FAIL;
	return TAP_PASS;
}

static void pin_skel_destroy(struct pin_xdp **s)
{
	pin_xdp__destroy(*s);
}

static int libbpf_reuses_pinned_map(void)
{
	const char *map = pin_path("libbpf_map");
	__attribute__((cleanup(pin_skel_destroy))) struct pin_xdp *skel = NULL;
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	int err, created;

	ASSERT(pin_new(EXTMAP_MAP_TYPE_ARRAY, 4, sizeof(struct ext_val), 4, "pin_arr",
		      map) == 0, "pin");
	ASSERT_OK(put_counter(map, 99));
	skel = pin_xdp__open();
	ASSERT(skel, "pin_xdp__open: %s", tap_errname(errno));
	err = bpf_map__set_pin_path(skel->maps.pin_arr, map);
	ASSERT(!err, "bpf_map__set_pin_path: %s", tap_errname(-err));
	/* The pinned map is libbpf's to reuse: libextmap creates nothing. */
	created = extmap_bpf_object_prepare(skel->obj, NULL);
	ASSERT(created == 0, "extmap_bpf_object_prepare: %d, want 0", created);
	err = pin_xdp__load(skel);
	ASSERT(!err, "pin_xdp__load: %s", tap_errname(-err));
	ASSERT(bpf_map__is_pinned(skel->maps.pin_arr), "map not marked pinned");
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.pin_xdp), &o);
	ASSERT(!err, "test run: %s", tap_errname(errno));
	ASSERT(o.retval == XDP_PASS, "retval %u", o.retval);
	if (check_counter(map, 100))
		return TAP_FAIL;
	o.repeat = 5;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.pin_xdp), &o);
	ASSERT(!err && o.retval == XDP_PASS, "test run: %d, retval %u", err, o.retval);
	return check_counter(map, 105);
}

static const struct tap_case cases[] = {
	TAP_CASE(pin_and_obj_get),
	TAP_CASE(pin_outlives_fds),
	TAP_CASE(bpftool_map_update_lookup),
	TAP_CASE(bpftool_map_dump_array),
	TAP_CASE(bpftool_hash_update_delete_dump),
	TAP_CASE(bpftool_map_show_pinned),
	TAP_CASE(extmapctl_types),
	TAP_CASE(extmapctl_create_and_info),
	TAP_CASE(extmapctl_create_with_btf),
	TAP_CASE(extmapctl_hash_usable_by_bpf_and_bpftool),
	TAP_CASE(bpftool_prog_load_uses_pinned_map),
	TAP_CASE(bpftool_prog_loadall_uses_pinned_map),
	TAP_CASE(libbpf_reuses_pinned_map),
};

int main(void)
{
	require_root_and_module();
	if (!bpffs_mounted())
		tap_skip_all("no bpffs mounted at %s", BPFFS);
	if (pin_dir_create(pindir, sizeof(pindir), "pin_tools"))
		tap_bail("mkdir %s: %s", pindir, strerror(errno));
	atexit(cleanup_pins);
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
