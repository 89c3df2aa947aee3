// SPDX-License-Identifier: GPL-2.0
/*
 * test_nmi: lookups, updates and deletes of every extmap type from a BPF
 * program running in NMI context, without a PMU.
 *
 * extmap_test.ko raises NMIs on the writer's CPU through the local APIC
 * (/sys/kernel/debug/extmap_test/nmi) and fires a tracepoint from its NMI
 * handler; progs/nmi.bpf.c, attached to it, operates on an extmap array,
 * hash and lpm and reports what it got.  What the maps' pages
 * (Documentation/maps/) promise there: lookups work on every type; array
 * and hash updates and hash deletes work (a hash gives EBUSY only when the
 * NMI interrupted an update of the same map, or its bucket is contended);
 * lpm updates and deletes give EBUSY, and without touching the allocator.
 */
#include <fcntl.h>
#include <sched.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/lpm_common.h"
#include "progs/nmi_common.h"
#include "nmi.skel.h"

#define NMI_FILE	"/sys/kernel/debug/extmap_test/nmi"
#define NMI_CPU		0
#define NMI_MANY	1000

static const char *const type_names[NMI_TYPES] = { "array", "hash", "lpm" };

static struct nmi *skel;

/* The allocator extmap.ko's lpm calls for its elements, per kernel. */
static const char *kmalloc_func(void)
{
	static const char *const names[] = {
		"__kmalloc_node_noprof",	/* 6.10 on */
		"__kmalloc_node",
	};
	struct btf *btf = btf__load_vmlinux_btf();
	const char *found = NULL;
	size_t i;

	for (i = 0; btf && !found && i < TAP_ARRAY_SIZE(names); i++)
		if (btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC) >= 0)
			found = names[i];
	btf__free(btf);
	return found;
}

static int attach_nmi_tp(void)
{
	/* DECLARE_TRACE adds _tp to the name since 6.16. */
	static const char *const names[] = { "extmap_test_nmi", "extmap_test_nmi_tp" };
	struct bpf_link *link;
	size_t i;

	libbpf_mute(true);
	for (i = 0; i < TAP_ARRAY_SIZE(names); i++) {
		link = bpf_program__attach_raw_tracepoint(skel->progs.nmi_ops, names[i]);
		if (link) {
			skel->links.nmi_ops = link;
			break;
		}
	}
	libbpf_mute(false);
	return skel->links.nmi_ops ? 0 : -1;
}

static void fill(int fd, const void *key, __u64 value)
{
	if (bpf_map_update_elem(fd, key, &value, BPF_ANY))
		tap_bail("filling the maps: %s", tap_errname(errno));
}

/* The maps as every case starts from. */
static void reset(void)
{
	__u32 key = NMI_KEY, other = NMI_OTHER_KEY;
	struct lpm_key4 lkey = { 32, { 10, 0, 0, NMI_KEY } };
	struct lpm_key4 lother = { 32, { 10, 0, 0, NMI_OTHER_KEY } };

	fill(bpf_map__fd(skel->maps.nmi_array), &key, NMI_VALUE);
	fill(bpf_map__fd(skel->maps.nmi_hash), &key, NMI_VALUE);
	fill(bpf_map__fd(skel->maps.nmi_hash), &other, 1);
	fill(bpf_map__fd(skel->maps.nmi_lpm), &lkey, NMI_VALUE);
	fill(bpf_map__fd(skel->maps.nmi_lpm), &lother, 1);
	skel->bss->fired = 0;
	skel->bss->in_nmi = 0;
	skel->bss->allocs = 0;
	memset(skel->bss->result, 0, sizeof(skel->bss->result));
}

/* Raise @n NMIs on this thread's CPU; 0 or -errno. */
static int raise_nmis(unsigned int n)
{
	char buf[16];
	int fd, len, err = 0;

	fd = open(NMI_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u", n);
	if (write(fd, buf, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/*
 * What a helper returned, as an errno.  Before 6.4 the maps' element
 * operations return int, and the verifier calls them directly: programs
 * get the errno in the low 32 bits only, from the kernel's maps too.
 */
static int ret_errno(__s64 ret)
{
	return -(int)ret;
}

static __u64 value_at(int fd, const void *key, int *err)
{
	__u64 v = 0;

	*err = bpf_map_lookup_elem(fd, key, &v) ? -errno : 0;
	return v;
}

static int one_nmi(void)
{
	int err;

	reset();
	err = raise_nmis(1);
	ASSERT(!err, "raising an NMI: %s", tap_errname(-err));
	ASSERT_EQ(skel->bss->fired, 1, "program runs for one NMI");
	return TAP_PASS;
}

/* The handler fires the tracepoint in NMI context, every time. */
static int nmi_program_runs_in_nmi(void)
{
	int err;

	reset();
	err = raise_nmis(NMI_MANY);
	ASSERT(!err, "raising %d NMIs: %s", NMI_MANY, tap_errname(-err));
	ASSERT_EQ(skel->bss->fired, NMI_MANY, "program runs");
	ASSERT_EQ(skel->bss->in_nmi, NMI_MANY, "program runs in NMI context");
	return TAP_PASS;
}

static int nmi_lookups(void)
{
	int i;

	if (one_nmi() != TAP_PASS)
		return TAP_FAIL;
	for (i = 0; i < NMI_TYPES; i++) {
		struct nmi_result *r = &skel->bss->result[i];

		ASSERT(r->found && r->seen == NMI_VALUE,
		      "%s: found %u, value %#llx; expected 1, %#llx",
		      type_names[i], r->found, (unsigned long long)r->seen,
		      NMI_VALUE);
	}
	return TAP_PASS;
}

static int nmi_updates(void)
{
	struct lpm_key4 lkey = { 32, { 10, 0, 0, NMI_KEY } };
	struct nmi_result *r = skel->bss->result;
	__u32 key = NMI_KEY;
	__u64 seq, v;
	int err;

	if (one_nmi() != TAP_PASS)
		return TAP_FAIL;
	seq = skel->bss->last_seq;
	ASSERT(r[NMI_ARRAY].update == 0 && r[NMI_HASH].update == 0,
	      "array update %s, hash update %s; expected 0 and 0",
	      tap_errname(ret_errno(r[NMI_ARRAY].update)),
	      tap_errname(ret_errno(r[NMI_HASH].update)));
	ASSERT(ret_errno(r[NMI_LPM].update) == EBUSY,
	      "lpm update %s, expected EBUSY",
	      tap_errname(ret_errno(r[NMI_LPM].update)));

	v = value_at(bpf_map__fd(skel->maps.nmi_array), &key, &err);
	ASSERT(!err && v == seq, "array value %#llx (%s), expected %#llx",
	      (unsigned long long)v, tap_errname(-err), (unsigned long long)seq);
	v = value_at(bpf_map__fd(skel->maps.nmi_hash), &key, &err);
	ASSERT(!err && v == seq, "hash value %#llx (%s), expected %#llx",
	      (unsigned long long)v, tap_errname(-err), (unsigned long long)seq);
	v = value_at(bpf_map__fd(skel->maps.nmi_lpm), &lkey, &err);
	ASSERT(!err && v == NMI_VALUE, "lpm value %#llx (%s), expected %#llx",
	      (unsigned long long)v, tap_errname(-err), NMI_VALUE);
	return TAP_PASS;
}

static int nmi_deletes(void)
{
	struct lpm_key4 lother = { 32, { 10, 0, 0, NMI_OTHER_KEY } };
	struct nmi_result *r = skel->bss->result;
	__u32 other = NMI_OTHER_KEY;
	int err;

	if (one_nmi() != TAP_PASS)
		return TAP_FAIL;
	ASSERT(r[NMI_HASH].delete == 0, "hash delete %s, expected 0",
	      tap_errname(ret_errno(r[NMI_HASH].delete)));
	ASSERT(ret_errno(r[NMI_LPM].delete) == EBUSY,
	      "lpm delete %s, expected EBUSY",
	      tap_errname(ret_errno(r[NMI_LPM].delete)));
	value_at(bpf_map__fd(skel->maps.nmi_hash), &other, &err);
	ASSERT(err == -ENOENT, "hash lookup of the deleted key: %s, expected ENOENT",
	      tap_errname(-err));
	value_at(bpf_map__fd(skel->maps.nmi_lpm), &lother, &err);
	ASSERT(!err, "lpm lookup of the key kept: %s, expected 0", tap_errname(-err));
	return TAP_PASS;
}

/*
 * An update in NMI must refuse before it allocates: the NMI may have
 * interrupted the allocator itself.  First show that the counter sees the
 * allocation an lpm update makes outside NMI, on this CPU.
 */
static int nmi_lpm_update_allocates_nothing(void)
{
	struct lpm_key4 lnew = { 32, { 10, 0, 0, 9 } };
	int fd = bpf_map__fd(skel->maps.nmi_lpm);
	__u64 v = 9;

	if (!skel->links.count_alloc)
		return tap_skip_reason("no allocator function to attach to");
	reset();
	skel->bss->watch_cpu = NMI_CPU;
	skel->bss->watching = 1;
	ASSERT_OK(bpf_map_update_elem(fd, &lnew, &v, BPF_ANY));
	skel->bss->watching = 0;
	ASSERT_GE(skel->bss->allocs, 1, "allocations counted for an lpm update from bpf(2)");
	ASSERT_OK(bpf_map_delete_elem(fd, &lnew));

	if (one_nmi() != TAP_PASS)
		return TAP_FAIL;
	ASSERT_EQ(skel->bss->allocs, 0, "allocations during updates in NMI");
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(nmi_program_runs_in_nmi),
	TAP_CASE(nmi_lookups),
	TAP_CASE(nmi_updates),
	TAP_CASE(nmi_deletes),
	TAP_CASE(nmi_lpm_update_allocates_nothing),
};

static void load(void)
{
	const char *alloc = kmalloc_func();
	cpu_set_t set;
	int n;

	CPU_ZERO(&set);
	CPU_SET(NMI_CPU, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_bail("pinning to CPU %d: %s", NMI_CPU, tap_errname(errno));

	skel = nmi__open();
	if (!skel)
		tap_bail("nmi__open: %s", tap_errname(errno));
	if (alloc)
		bpf_program__set_attach_target(skel->progs.count_alloc, 0, alloc);
	else
		bpf_program__set_autoload(skel->progs.count_alloc, false);
	n = extmap_bpf_object_prepare(skel->obj, NULL);
	if (n != NMI_TYPES)
		tap_bail("extmap_bpf_object_prepare: %d, expected %d", n, NMI_TYPES);
	if (nmi__load(skel))
		tap_bail("nmi__load: %s", tap_errname(errno));
	if (attach_nmi_tp())
		tap_bail("attaching to the extmap_test_nmi tracepoint: %s",
			 tap_errname(errno));
	if (alloc) {
		skel->links.count_alloc = bpf_program__attach(skel->progs.count_alloc);
		if (!skel->links.count_alloc)
			tap_diag("fentry on %s: %s", alloc, tap_errname(errno));
	}
}

int main(void)
{
	int rc;

	require_root_and_module();
	if (access(NMI_FILE, W_OK))
		tap_skip_all("%s: %s (extmap_test.ko raises NMIs on x86 only)",
			     NMI_FILE, tap_errname(errno));
	libbpf_to_tap();
	load();
	rc = tap_main(cases, TAP_ARRAY_SIZE(cases));
	nmi__destroy(skel);
	return rc;
}
