// SPDX-License-Identifier: GPL-2.0
/*
 * extmap_shim.so: an LD_PRELOAD shim that makes a program's HASH, ARRAY and
 * LPM_TRIE maps extmap's hash, array and lpm maps, for running the kernel's
 * own map selftests on extmap types (test_kernel_maps, Documentation/
 * conformance.md).
 *
 * It interposes syscall(3): libbpf's sys_bpf() calls syscall(__NR_bpf, ...)
 * through the PLT, both from libbpf.so and from a static libbpf.a, and so do
 * tests that call bpf(2) themselves.  A BPF_MAP_CREATE of one of the three
 * types becomes EXTMAP_IOC_CREATE on /dev/extmap with the same attributes
 * (sizes, max_entries, map_flags, numa_node, name, map_extra, BTF fd and
 * type ids); its result (the map fd, or -1 and the module's errno) is what
 * the caller gets.  Every other call goes to the real syscall(), and so does
 * a creation that asks for what extmap does not have:
 *   - a map flag the extmap type refuses (the module is asked, see
 *     ext_flags_ok());
 *   - inner_map_fd, map_ifindex or btf_vmlinux_value_type_id set;
 *   - anything set beyond map_extra (value_type_btf_obj_fd, map_token_fd,
 *     later fields), which EXTMAP_IOC_CREATE has no room for.
 * Sizes are never a reason: a size extmap refuses is extmap's answer.
 *
 * With EXTMAP_SHIM_LOG=FILE, each creation of the three types appends one
 * line to FILE, so that the caller can tell how many maps were extmap's:
 *	extmap TYPE fd=N
 *	error TYPE errno=N
 *	pass TYPE REASON
 * (appended with O_APPEND in one write(), so forked tests may share FILE).
 * EXTMAP_SHIM_DEV sets the device, default /dev/extmap.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/extmap.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef offsetofend
#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#endif

static const struct {
	__u32 kernel_type;
	__u32 ext_type;
	const char *name;
	__u32 probe_key_size;	/* a key size the type takes */
} ext_types[] = {
	{ BPF_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_HASH, "hash", 4 },
	{ BPF_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_ARRAY, "array", 4 },
	/* struct bpf_lpm_trie_key_u8 with 4 data bytes */
	{ BPF_MAP_TYPE_LPM_TRIE, EXTMAP_MAP_TYPE_LPM, "lpm", 8 },
};

/*
 * The map flags each extmap type accepts, found out by asking the module,
 * one flag at a time and once per process: a map of the type with 4-byte
 * values, one entry and just that flag, created and closed.  So the shim
 * follows what module/ accepts without a list of its own.
 */
static __u32 flags_ok[ARRAY_SIZE(ext_types)];
static __u32 flags_bad[ARRAY_SIZE(ext_types)];

static bool ext_flags_ok(int devfd, unsigned int t, __u32 flags)
{
	__u32 bit;

	for (bit = 1; bit; bit <<= 1) {
		struct extmap_create c;
		int fd;

		if (!(flags & bit) || (flags_ok[t] & bit))
			continue;
		if (flags_bad[t] & bit)
			return false;
		memset(&c, 0, sizeof(c));
		c.type = ext_types[t].ext_type;
		c.key_size = ext_types[t].probe_key_size;
		c.value_size = 4;
		c.max_entries = 1;
		c.map_flags = bit;
		fd = ioctl(devfd, EXTMAP_IOC_CREATE, &c);
		if (fd < 0) {
			flags_bad[t] |= bit;
			return false;
		}
		close(fd);
		flags_ok[t] |= bit;
	}
	return true;
}

typedef long (*syscall_fn)(long nr, ...);

static long real_syscall(long nr, long a, long b, long c, long d, long e,
			 long f)
{
	static syscall_fn fn;

	if (!fn)
		fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	if (!fn)
		abort();	/* no libc under us: nothing can work */
	return fn(nr, a, b, c, d, e, f);
}

static void shim_log(const char *fmt, ...)
{
	const char *path = getenv("EXTMAP_SHIM_LOG");
	char line[160];
	int fd, n, saved = errno;
	va_list ap;

	if (!path || !*path)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		/* A lost line shows as a missing count: nowhere to say more. */
		n = write(fd, line, n);
		close(fd);
	}
out:
	errno = saved;
}

/*
 * BPF_MAP_CREATE: 1 and *@ret set if the shim handled it, 0 to pass it
 * through.
 */
static int shim_map_create(const void *uattr, unsigned long size, long *ret)
{
	const size_t known = offsetofend(union bpf_attr, map_extra);
	const char *dev = getenv("EXTMAP_SHIM_DEV");
	struct extmap_create c;
	union bpf_attr attr;
	const char *why = NULL;
	unsigned int i, t;
	int devfd, fd, err;

	if (!uattr || size < offsetofend(union bpf_attr, max_entries))
		return 0;
	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, uattr, size < sizeof(attr) ? size : sizeof(attr));
	for (t = 0; t < ARRAY_SIZE(ext_types); t++)
		if (ext_types[t].kernel_type == attr.map_type)
			break;
	if (t == ARRAY_SIZE(ext_types))
		return 0;

	devfd = open(dev && *dev ? dev : "/dev/" EXTMAP_DEVICE_NAME,
		     O_RDWR | O_CLOEXEC);
	if (devfd < 0) {
		err = errno;
		shim_log("error %s errno=%d (open /dev/extmap)\n",
			 ext_types[t].name, err);
		errno = err;
		*ret = -1;
		return 1;
	}

	for (i = known; i < size; i++)
		if (((const unsigned char *)uattr)[i]) {
			why = "attributes beyond map_extra";
			break;
		}
	if (!why && !ext_flags_ok(devfd, t, attr.map_flags))
		why = "map_flags";
	if (!why && attr.inner_map_fd)
		why = "inner_map_fd";
	if (!why && attr.map_ifindex)
		why = "map_ifindex";
	if (!why && attr.btf_vmlinux_value_type_id)
		why = "btf_vmlinux_value_type_id";
	if (why) {
		close(devfd);
		shim_log("pass %s %s (map_flags 0x%x)\n", ext_types[t].name,
			 why, attr.map_flags);
		return 0;
	}

	memset(&c, 0, sizeof(c));
	c.type = ext_types[t].ext_type;
	c.key_size = attr.key_size;
	c.value_size = attr.value_size;
	c.max_entries = attr.max_entries;
	c.map_flags = attr.map_flags;
	c.numa_node = attr.numa_node;
	memcpy(c.name, attr.map_name, sizeof(c.name));
	c.map_extra = attr.map_extra;
	c.btf_fd = attr.btf_fd;
	c.btf_key_type_id = attr.btf_key_type_id;
	c.btf_value_type_id = attr.btf_value_type_id;
	/* bpf(2) reads btf_fd only with a BTF type id: so does the ioctl. */

	fd = ioctl(devfd, EXTMAP_IOC_CREATE, &c);
	err = errno;
	close(devfd);
	if (fd < 0)
		shim_log("error %s errno=%d\n", ext_types[t].name, err);
	else
		shim_log("extmap %s fd=%d\n", ext_types[t].name, fd);
	errno = err;
	*ret = fd;
	return 1;
}

long syscall(long nr, ...)
{
	long a[6], ret;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (nr == __NR_bpf && a[0] == BPF_MAP_CREATE &&
	    shim_map_create((const void *)a[1], (unsigned long)a[2], &ret))
		return ret;
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
