// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the extmap selftests. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <libgen.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"
#include "progs/ext_common.h"

void util_close_fdp(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
	*fd = -1;
}

const char *selftest_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), ".");
		return dir;
	}
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	return dir;
}

const char *extmap_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("EXTMAP_ROOT");
	char up[PATH_MAX];

	if (root[0])
		return root;
	if (env && env[0]) {
		snprintf(root, sizeof(root), "%s", env);
		return root;
	}
	/* build/selftests/test_x -> the tree two levels up. */
	snprintf(up, sizeof(up), "%s/../..", selftest_dir());
	if (!realpath(up, root))
		snprintf(root, sizeof(root), "%s", up);
	return root;
}

void require_root_and_module(void)
{
	if (geteuid() != 0)
		tap_skip_all("must run as root (euid %u)", (unsigned int)geteuid());
	if (access(EXTMAP_DEV, F_OK))
		tap_bail("%s missing (%s): the extmap module is not loaded",
			 EXTMAP_DEV, strerror(errno));
}

/* One ioctl on a fresh /dev/extmap fd: its result, or -1 and errno. */
static int ext_ioctl(unsigned long req, void *arg)
{
	int dev, r, e;

	dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	r = ioctl(dev, req, arg);
	e = errno;
	close(dev);
	errno = e;
	return r;
}

int ext_ioctl_create(const struct extmap_create *c)
{
	return ext_ioctl(EXTMAP_IOC_CREATE, (void *)c);
}

int ext_ioctl_create_size(const void *c, size_t size)
{
	return ext_ioctl(EXTMAP_IOC_CREATE_SIZE(size), (void *)c);
}

int ext_create(__u32 type, __u32 key_size, __u32 value_size,
	       __u32 max_entries, __u32 map_flags, const char *name)
{
	struct extmap_create c;

	memset(&c, 0, sizeof(c));
	c.type = type;
	c.key_size = key_size;
	c.value_size = value_size;
	c.max_entries = max_entries;
	c.map_flags = map_flags;
	if (name)
		snprintf(c.name, sizeof(c.name), "%s", name);
	return ext_ioctl_create(&c);
}

int ext_ioctl_types(struct extmap_types *t)
{
	return ext_ioctl(EXTMAP_IOC_TYPES, t);
}

int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -1 : 0;
}

int fdinfo_field(int fd, const char *field, unsigned long long *val)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	int found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			*val = strtoull(line + flen + 1, NULL, 0);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

int run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int r = fn(arg);

		fflush(stdout);
		_exit(r);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int caps_set(uint64_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (__u32)caps;
	data[1].effective = data[1].permitted = (__u32)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	/* No ambient capabilities either (PR_CAP_AMBIENT_CLEAR_ALL). */
	syscall(SYS_prctl, 47 /* PR_CAP_AMBIENT */, 4 /* CLEAR_ALL */, 0, 0, 0);
	return 0;
}

int run_cmd(char *out, size_t outsz, const char *fmt, ...)
{
	char cmd[4096], full[4200];
	size_t used = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	tap_diag("$ %s", cmd);
	snprintf(full, sizeof(full), "( %s ) 2>&1", cmd);
	fflush(stdout);
	p = popen(full, "r");
	if (!p)
		return -1;
	if (out && outsz) {
		size_t n;

		while (used + 1 < outsz &&
		       (n = fread(out + used, 1, outsz - 1 - used, p)) > 0)
			used += n;
		out[used] = '\0';
	}
	/* Drain whatever did not fit. */
	{
		char sink[512];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	char full[PATH_MAX];
	bool found = false;

	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	copy = strdup(path);
	if (!copy)
		return false;
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/%s", dir, name);
		found = access(full, X_OK) == 0;
	}
	free(copy);
	return found;
}

bool bpffs_mounted(void)
{
	struct statfs st;

	return statfs(BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

int pin_dir_create(char *path, size_t sz, const char *test)
{
	snprintf(path, sz, "%s/extmap_selftest_%s_%d", BPFFS, test, (int)getpid());
	pin_dir_remove(path);
	return mkdir(path, 0700);
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

void pin_dir_remove(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void fill_pattern(void *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 0x1234567;
	unsigned char *b = buf;
	size_t i;

	if (!s)
		s = 1;
	for (i = 0; i < len; i++)
		b[i] = (unsigned char)prng_next(&s);
}

const char *hexstr(const void *buf, size_t len)
{
	static char out[4][3 * 32 + 8];
	static int slot;
	const unsigned char *b = buf;
	char *o;
	size_t i;

	slot = (slot + 1) % 4;
	o = out[slot];
	for (i = 0; i < len && i < 32; i++)
		o += sprintf(o, "%02x%s", b[i], i + 1 < len ? " " : "");
	if (len > 32)
		sprintf(o, "...");
	return out[slot];
}

static bool libbpf_muted;

void libbpf_mute(bool mute)
{
	libbpf_muted = mute;
}

static int libbpf_print_tap(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	char buf[1024];

	if (level == LIBBPF_DEBUG || libbpf_muted)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	tap_diag("libbpf: %s", buf);
	return 0;
}

void libbpf_to_tap(void)
{
	libbpf_set_print(libbpf_print_tap);
}

void tap_figure(const char *test, const char *name, const char *fmt, ...)
{
	const char *dir = getenv("EXTMAP_OUTDIR");
	char val[256], path[PATH_MAX];
	struct utsname u;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	tap_diag("figure: %s = %s", name, val);
	if (!dir || !dir[0] || uname(&u))
		return;
	snprintf(path, sizeof(path), "%s/figures.tsv", dir);
	f = fopen(path, "ae");
	if (!f)
		return;
	fprintf(f, "%s\t%s\t%s\t%s\n", test, u.release, name, val);
	fclose(f);
}

int ext_val_maps_create(int *arr, int *hash)
{
	LIBEXTMAP_OPTS(extmap_create_opts, ao, .name = "ext_arr");
	LIBEXTMAP_OPTS(extmap_create_opts, ho, .name = "ext_hash");

	*arr = extmap_create(EXTMAP_MAP_TYPE_ARRAY, sizeof(__u32),
			     sizeof(struct ext_val), EXT_ARR_ENTRIES, &ao);
	*hash = extmap_create(EXTMAP_MAP_TYPE_HASH, sizeof(__u64),
			      sizeof(struct ext_val), EXT_HASH_ENTRIES, &ho);
	if (*arr < 0 || *hash < 0) {
		tap_diag("extmap_create: array %s, hash %s",
			 tap_errname(*arr < 0 ? -*arr : 0),
			 tap_errname(*hash < 0 ? -*hash : 0));
		return -1;
	}
	return 0;
}

int perf_open(__u32 type, __u64 config, __u64 period, int cpu)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.sample_period = period;
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}
