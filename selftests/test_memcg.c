// SPDX-License-Identifier: GPL-2.0
/*
 * test_memcg: an extmap map's memory is charged to the memory cgroup of
 * the task that created it, as the kernel's maps are: what creation
 * allocates (array and hash preallocate everything), and what updates
 * allocate later (lpm's elements and nodes), whoever makes the update.
 *
 * Each case creates its map from a cgroup of its own (so that no other
 * case's map, freed in the background, moves its figures), moves back to
 * the root cgroup, and reads that cgroup's memory.current around what it
 * measures.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/lpm_common.h"

#define CGROUP2_MAGIC	0x63677270
#define LPM_PREFIXES	50000
/* Less than any element takes (header, key, 8-byte value): 40 bytes. */
#define LPM_ELEM_MIN	32

static char root[64] = "/sys/fs/cgroup";
static char cg[128];	/* the current case's */
static int n_cgs;

static int write_str(const char *path, const char *s)
{
	AUTO_FD fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(s);

	if (fd < 0)
		return -errno;
	return write(fd, s, len) == len ? 0 : -errno;
}

static int move_to(const char *dir)
{
	char path[160], pid[16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_str(path, pid);
}

static long long memory_current(void)
{
	char path[160];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void cg_path(char *buf, size_t sz, int i)
{
	snprintf(buf, sz, "%s/extmap_memcg_%d", root, i);
}

/* Create a map from a new cgroup, then go back to the root. */
static int create_in_cg(__u32 type, __u32 key_size, __u32 value_size,
			__u32 max_entries, long long *charged)
{
	long long before;
	int fd, err;

	cg_path(cg, sizeof(cg), n_cgs++);
	if (mkdir(cg, 0755) && errno != EEXIST)
		return -errno;
	err = move_to(cg);
	if (err)
		return err;
	before = memory_current();
	if (before < 0) {
		move_to(root);
		return -EIO;
	}
	fd = ext_create(type, key_size, value_size, max_entries, 0, "memcg");
	err = fd < 0 ? -errno : 0;
	*charged = memory_current() - before;
	if (move_to(root) && !err) {
		close(fd);
		return -EIO;
	}
	return err ? err : fd;
}

static int check_creation_charged(__u32 type, const char *name)
{
	unsigned long long memlock = 0;
	long long charged;
	AUTO_FD fd = -1;

	fd = create_in_cg(type, 4, 64, 1 << 16, &charged);
	ASSERT(fd >= 0, "create %s: %s", name, tap_errname(-fd));
	ASSERT_OK(fdinfo_field(fd, "memlock", &memlock));
	tap_diag("%s: memlock %llu, charged to the creator's cgroup %lld",
		 name, memlock, charged);
	/* The values alone take 4 MiB. */
	ASSERT_GE(charged, 64 << 16, "bytes charged at creation");
	return TAP_PASS;
}

static int array_charged_at_creation(void)
{
	return check_creation_charged(EXTMAP_MAP_TYPE_ARRAY, "array");
}

static int hash_charged_at_creation(void)
{
	return check_creation_charged(EXTMAP_MAP_TYPE_HASH, "hash");
}

/* Updates from another cgroup are charged to the map's creator. */
static int lpm_updates_charged_to_creator(void)
{
	struct lpm_key4 k = { .prefixlen = 32 };
	long long charged, before, after;
	AUTO_FD fd = -1;
	__u64 v = 1;
	__u32 i;

	fd = create_in_cg(EXTMAP_MAP_TYPE_LPM, sizeof(k), sizeof(v),
			  LPM_PREFIXES, &charged);
	ASSERT(fd >= 0, "create lpm: %s", tap_errname(-fd));
	before = memory_current();
	for (i = 0; i < LPM_PREFIXES; i++) {
		k.data[0] = 10;
		k.data[1] = i >> 16;
		k.data[2] = i >> 8;
		k.data[3] = i;
		ASSERT_OK(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	}
	after = memory_current();
	tap_diag("lpm: %d prefixes inserted from the root cgroup; creator's cgroup %lld -> %lld",
		 LPM_PREFIXES, before, after);
	ASSERT_GE(after - before, (long long)LPM_PREFIXES * LPM_ELEM_MIN,
		  "bytes charged for the inserts");
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(array_charged_at_creation),
	TAP_CASE(hash_charged_at_creation),
	TAP_CASE(lpm_updates_charged_to_creator),
};

static void cleanup(void)
{
	char path[128];
	int i;

	move_to(root);
	for (i = 0; i < n_cgs; i++) {
		cg_path(path, sizeof(path), i);
		rmdir(path);
	}
}

int main(void)
{
	char path[96];
	struct statfs sfs;
	int err, rc;

	require_root_and_module();
	if (statfs(root, &sfs) || sfs.f_type != CGROUP2_MAGIC) {
		snprintf(root, sizeof(root), "/tmp/extmap-memcg-cgroup2");
		mkdir(root, 0755);
		if (mount("none", root, "cgroup2", 0, NULL))
			tap_skip_all("no cgroup2 hierarchy: mount: %s",
				     tap_errname(errno));
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	err = write_str(path, "+memory");
	if (err)
		tap_skip_all("no memory controller in %s: %s", root,
			     tap_errname(-err));
	atexit(cleanup);
	rc = tap_main(cases, TAP_ARRAY_SIZE(cases));
	return rc;
}
