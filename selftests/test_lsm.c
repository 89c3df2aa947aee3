// SPDX-License-Identifier: GPL-2.0
/*
 * test_lsm: extmap maps under the LSMs.
 *
 * The kernel creates every extmap map and runs its map-creation security
 * hook on it once it is already the extmap type's (Documentation/design.md):
 *   - a BPF LSM program on that hook sees the creation, with the extmap
 *     type id and the map's own sizes (needs "bpf" among the active LSMs);
 *   - with SELinux active, which keeps state for every map (make check
 *     boots each kernel once with lsm=...,selinux,...), maps of every type
 *     are created, used from bpf(2) and from a program, and freed.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"
#include "lsm_map.skel.h"
#include "xdp_ext.skel.h"

static const __u32 ext_types[] = {
	EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_LPM,
};

/* True if @name is among the active LSMs. */
static bool lsm_active(const char *name)
{
	char buf[512], *tok, *save;
	FILE *f = fopen("/sys/kernel/security/lsm", "re");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, ",\n", &save); tok;
		     tok = strtok_r(NULL, ",\n", &save))
			found |= !strcmp(tok, name);
	fclose(f);
	return found;
}

static int small_map(__u32 type)
{
	bool lpm = type == EXTMAP_MAP_TYPE_LPM;

	return ext_create(type, lpm ? 8 : 4, 16, 8, lpm ? BPF_F_NO_PREALLOC : 0,
			  "lsm");
}

/* A BPF LSM program on the creation hook sees the map as the type's. */
static int bpf_lsm_sees_creation(void)
{
	struct lsm_map *skel;
	unsigned int i;
	int err;

	if (!lsm_active("bpf"))
		return tap_skip_reason("the BPF LSM is not active (/sys/kernel/security/lsm)");
	skel = lsm_map__open();
	ASSERT(skel, "lsm_map__open: %s", tap_errname(errno));
	/* One of the two hooks exists, depending on the kernel. */
	bpf_program__set_autoload(skel->progs.lsm_map_create,
				  libbpf_find_vmlinux_btf_id("bpf_map_create",
							     BPF_LSM_MAC) > 0);
	bpf_program__set_autoload(skel->progs.lsm_map_alloc,
				  libbpf_find_vmlinux_btf_id("bpf_map_alloc_security",
							     BPF_LSM_MAC) > 0);
	skel->bss->pid = getpid();
	err = lsm_map__load(skel) ? : lsm_map__attach(skel);
	if (err) {
		lsm_map__destroy(skel);
		ASSERT(0, "load/attach: %d", err);
	}
	for (i = 0; i < TAP_ARRAY_SIZE(ext_types); i++) {
		__u32 before = skel->bss->seen;
		int fd = small_map(ext_types[i]);

		if (fd < 0) {
			lsm_map__destroy(skel);
			ASSERT(0, "create %#x: %s", ext_types[i], tap_errname(errno));
		}
		close(fd);
		if (skel->bss->seen != before + 1 ||
		    skel->bss->map_type != ext_types[i] ||
		    skel->bss->max_entries != 8 || skel->bss->value_size != 16) {
			tap_diag("type %#x: hook ran %u times, saw type %#x max_entries %u value_size %u",
				 ext_types[i], skel->bss->seen - before,
				 skel->bss->map_type, skel->bss->max_entries,
				 skel->bss->value_size);
			lsm_map__destroy(skel);
			return TAP_FAIL;
		}
	}
	lsm_map__destroy(skel);
	return TAP_PASS;
}

/* With SELinux active, maps of each type work from bpf(2)... */
static int selinux_maps_work(void)
{
	__u8 key[8] = { 32, 0, 0, 0, 10, 0, 0, 1 };
	__u8 val[16] = { 1, 2, 3 }, out[16];
	unsigned int i;

	if (!lsm_active("selinux"))
		return tap_skip_reason("SELinux is not active: make check boots with lsm=...,selinux,... for this");
	for (i = 0; i < TAP_ARRAY_SIZE(ext_types); i++) {
		AUTO_FD fd = small_map(ext_types[i]);

		/* array and hash: the first 4 key bytes, index or key 32. */
		if (ext_types[i] != EXTMAP_MAP_TYPE_LPM)
			key[0] = 3;
		ASSERT(fd >= 0, "create %#x under SELinux: %s", ext_types[i],
		       tap_errname(errno));
		ASSERT_OK(bpf_map_update_elem(fd, key, val, BPF_ANY));
		ASSERT_OK(bpf_map_lookup_elem(fd, key, out));
		ASSERT(!memcmp(out, val, sizeof(val)), "type %#x: read back other bytes",
		       ext_types[i]);
		key[0] = 32;
	}
	return TAP_PASS;
}

/* ...and from a program, through maps libextmap creates. */
static int selinux_prog_uses_maps(void)
{
	struct xdp_ext *skel;
	int err;

	if (!lsm_active("selinux"))
		return tap_skip_reason("SELinux is not active: make check boots with lsm=...,selinux,... for this");
	skel = xdp_ext__open();
	ASSERT(skel, "xdp_ext__open: %s", tap_errname(errno));
	err = extmap_bpf_object_prepare(skel->obj, NULL);
	if (err == 2)
		err = xdp_ext__load(skel);
	xdp_ext__destroy(skel);
	ASSERT(err == 0, "prepare (2 maps) and load: %d", err);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(bpf_lsm_sees_creation),
	TAP_CASE(selinux_maps_work),
	TAP_CASE(selinux_prog_uses_maps),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
