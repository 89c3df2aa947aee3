/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the extmap selftests. */
#ifndef EXTMAP_SELFTEST_UTIL_H
#define EXTMAP_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/extmap.h>

#include "tap.h"

#define EXTMAP_DEV	"/dev/extmap"
#define BPFFS		"/sys/fs/bpf"
#define MODULE_NAME	"extmap"

#ifndef CAP_BPF
#define CAP_BPF		39
#endif

/* The kernel's ENOTSUPP, which bpf(2) returns as is: libc has no name. */
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

/* Closes the fd on scope exit: `AUTO_FD fd = -1;` */
void util_close_fdp(int *fd);
#define AUTO_FD __attribute__((cleanup(util_close_fdp))) int

/* Root of the extmap tree: $EXTMAP_ROOT, else two levels above the binary. */
const char *extmap_root(void);
/* Directory holding this test binary (and the *.bpf.o it uses). */
const char *selftest_dir(void);

/* Bail out unless running as root with /dev/extmap present. */
void require_root_and_module(void);

/* EXTMAP_IOC_CREATE on a fresh /dev/extmap fd: map fd, or -1 and errno. */
int ext_ioctl_create(const struct extmap_create *c);
/* EXTMAP_IOC_CREATE with a struct of @size bytes at @c. */
int ext_ioctl_create_size(const void *c, size_t size);
/* The same with the common attributes; @name may be NULL. */
int ext_create(__u32 type, __u32 key_size, __u32 value_size,
	       __u32 max_entries, __u32 map_flags, const char *name);
/* EXTMAP_IOC_TYPES: 0, or -1 and errno. */
int ext_ioctl_types(struct extmap_types *t);

/* bpf_obj_get_info_by_fd for a map: 0, or -1 and errno. */
int map_info(int fd, struct bpf_map_info *info);

/* A field of /proc/self/fdinfo/@fd ("key_size" ...): 0, or -1 if absent. */
int fdinfo_field(int fd, const char *field, unsigned long long *val);

/*
 * Run @fn(@arg) in a forked child; returns its exit status (0..255), or -1
 * if it did not exit normally.  stdout is flushed before the fork.
 */
int run_child(int (*fn)(void *), void *arg);

/* Set effective and permitted capabilities to @caps (a bit mask), drop
 * inheritable and ambient ones.  0, or -1 and errno.
 */
int caps_set(uint64_t caps);

/*
 * Run a shell command, capturing stdout and stderr (into @out, NUL-terminated,
 * truncated to @outsz).  Returns the exit status, or -1 if it could not run.
 * The command line is printed as a diagnostic.
 */
int run_cmd(char *out, size_t outsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True if the running kernel's release is @major.@minor or later. */
bool kernel_at_least(int major, int minor);

/* True if the program @name is found in $PATH. */
bool have_program(const char *name);

/* True if a bpffs is mounted at /sys/fs/bpf. */
bool bpffs_mounted(void);
/* Create a private directory under /sys/fs/bpf for pins: 0 or -1. */
int pin_dir_create(char *path, size_t sz, const char *test);
/* Remove it and everything in it. */
void pin_dir_remove(const char *path);

/*
 * perf_event_open() of a sampling event on @cpu, for all tasks, enabled:
 * an fd to attach a perf_event program to, or -1 and errno.
 */
int perf_open(__u32 type, __u64 config, __u64 period, int cpu);

/* Fill @buf with @len bytes derived from @seed. */
void fill_pattern(void *buf, size_t len, uint64_t seed);

/* A small deterministic PRNG (xorshift64*). */
static inline uint64_t prng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Route libbpf's warnings to TAP diagnostics ("# libbpf: ..."). */
void libbpf_to_tap(void);
/* Silence libbpf for loads that are meant to fail. */
void libbpf_mute(bool mute);

/* Hex dump of up to 32 bytes of @buf into a static string (diagnostics). */
const char *hexstr(const void *buf, size_t len);

/*
 * A measured figure: printed as a TAP diagnostic ("# figure: NAME = VALUE")
 * and, when $EXTMAP_OUTDIR is set (scripts/vm-run sets it), appended to
 * $EXTMAP_OUTDIR/figures.tsv as "TEST<TAB>KERNEL RELEASE<TAB>NAME<TAB>VALUE".
 */
void tap_figure(const char *test, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The extmap array (u32 keys) and hash (u64 keys) of struct ext_val
 * (progs/ext_common.h) that the program tests use, named ext_arr and
 * ext_hash as in their BPF objects: 0, or -1 with a diagnostic.
 */
int ext_val_maps_create(int *arr, int *hash);

#endif /* EXTMAP_SELFTEST_UTIL_H */
