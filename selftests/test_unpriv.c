// SPDX-License-Identifier: GPL-2.0
/*
 * test_unpriv: who may create extmap maps.
 *
 * /dev/extmap is a root-only (0600) misc character device.  A process of
 * uid 0 that has dropped every capability can open it but gets EPERM from
 * EXTMAP_IOC_CREATE; a process that kept only CAP_BPF, or only
 * CAP_SYS_ADMIN, may create maps; a process of uid 65534 cannot open the
 * device at all.  Each check runs in a forked child, which reports through
 * its exit status (0: as expected) and diagnostics.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/capability.h>

#include "libextmap.h"
#include "util.h"

#define MISC_MAJOR	10
#define NOBODY		65534

static int device_node(void)
{
	struct stat st;

	ASSERT_OK(stat(EXTMAP_DEV, &st));
	ASSERT(S_ISCHR(st.st_mode), "%s is not a character device (mode %#o)",
	      EXTMAP_DEV, st.st_mode);
	ASSERT(major(st.st_rdev) == MISC_MAJOR, "major %u, want %u (misc)",
	      major(st.st_rdev), MISC_MAJOR);
	ASSERT((st.st_mode & 07777) == 0600, "mode %#o, want 0600", st.st_mode & 07777);
	ASSERT(st.st_uid == 0, "owner uid %u, want 0", st.st_uid);
	tap_diag("%s: char %u:%u mode %#o uid %u gid %u", EXTMAP_DEV,
		 major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777,
		 st.st_uid, st.st_gid);
	return TAP_PASS;
}

/* In a child: create one map of @type through an fd opened now. */
static int child_create(__u32 type, int *err)
{
	struct extmap_create c;
	int dev, fd;

	memset(&c, 0, sizeof(c));
	c.type = type;
	c.key_size = 4;
	c.value_size = 8;
	c.max_entries = 4;
	dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		tap_diag("child: open %s: %s", EXTMAP_DEV, tap_errname(errno));
		return -2;
	}
	errno = 0;
	fd = ioctl(dev, EXTMAP_IOC_CREATE, &c);
	*err = errno;
	close(dev);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -1;
}

static int child_with_caps(uint64_t caps, bool expect_ok)
{
	static const __u32 types[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH };
	size_t i;

	if (caps_set(caps)) {
		tap_diag("child: capset(%#llx): %s", (unsigned long long)caps,
			 strerror(errno));
		return 10;
	}
	for (i = 0; i < TAP_ARRAY_SIZE(types); i++) {
		int err = 0, r = child_create(types[i], &err);

		if (r == -2)
			return 11;
		if (expect_ok && r != 0) {
			tap_diag("child with caps %#llx: create type %#x: %s",
				 (unsigned long long)caps, types[i], tap_errname(err));
			return 1;
		}
		if (!expect_ok && (r == 0 || err != EPERM)) {
			tap_diag("child with caps %#llx: create type %#x: %s, expected EPERM",
				 (unsigned long long)caps,
				 types[i], r == 0 ? "created" : tap_errname(err));
			return 2;
		}
	}
	return 0;
}

static int no_caps(void *arg)
{
	(void)arg;
	return child_with_caps(0, false);
}

static int only_cap_bpf(void *arg)
{
	(void)arg;
	return child_with_caps(1ull << CAP_BPF, true);
}

static int only_cap_sys_admin(void *arg)
{
	(void)arg;
	return child_with_caps(1ull << CAP_SYS_ADMIN, true);
}

/* Everything but CAP_BPF and CAP_SYS_ADMIN: still not allowed. */
static int all_but_bpf_and_sys_admin(void *arg)
{
	uint64_t all = (1ull << (CAP_LAST_CAP + 1)) - 1;

	(void)arg;
	return child_with_caps(all & ~(1ull << CAP_BPF) & ~(1ull << CAP_SYS_ADMIN),
			       false);
}

static int no_capabilities_eperm(void)
{
	int r = run_child(no_caps, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static int other_capabilities_eperm(void)
{
	int r = run_child(all_but_bpf_and_sys_admin, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static int cap_bpf_alone_creates(void)
{
	int r = run_child(only_cap_bpf, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static int cap_sys_admin_alone_creates(void)
{
	int r = run_child(only_cap_sys_admin, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static int as_nobody(void *arg)
{
	static const int modes[] = { O_RDWR, O_RDONLY, O_WRONLY };
	gid_t g = NOBODY;
	size_t i;

	(void)arg;
	if (setgroups(1, &g) || setgid(NOBODY) || setuid(NOBODY)) {
		tap_diag("child: dropping to uid %d: %s", NOBODY, strerror(errno));
		return 10;
	}
	for (i = 0; i < TAP_ARRAY_SIZE(modes); i++) {
		int fd;

		errno = 0;
		fd = open(EXTMAP_DEV, modes[i] | O_CLOEXEC);
		if (fd >= 0 || errno != EACCES) {
			tap_diag("uid %d: open %s with flags %#x: %s, expected EACCES",
				 NOBODY, EXTMAP_DEV, modes[i],
				 fd >= 0 ? "opened" : tap_errname(errno));
			return 1;
		}
	}
	return 0;
}

static int nobody_cannot_open(void)
{
	int r = run_child(as_nobody, NULL);

	ASSERT(r == 0, "child exited %d", r);
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(device_node),
	TAP_CASE(no_capabilities_eperm),
	TAP_CASE(other_capabilities_eperm),
	TAP_CASE(cap_bpf_alone_creates),
	TAP_CASE(cap_sys_admin_alone_creates),
	TAP_CASE(nobody_cannot_open),
};

int main(void)
{
	require_root_and_module();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
