// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libextmap: create extmap maps through /dev/extmap and hand them to libbpf.
 *
 * The library keeps no state between calls: every call opens the device,
 * issues one ioctl and closes it again, so it is safe from any thread and
 * never leaks a descriptor into the caller's process beyond the map fds it
 * returns.  Errors are returned as negative errnos and never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* Size of the part of an options struct that this library knows about. */
#define OPTS_KNOWN_SZ(TYPE) offsetofend(struct TYPE, TYPE##__last_field)

/* Whether the caller's options struct is big enough to contain FIELD. */
#define OPTS_HAS(opts, TYPE, FIELD) \
	((opts) && (opts)->sz >= offsetofend(struct TYPE, FIELD))

#define OPTS_GET(opts, TYPE, FIELD, DEFAULT) \
	(OPTS_HAS(opts, TYPE, FIELD) ? (opts)->FIELD : (DEFAULT))

/*
 * A program built against a newer header may pass a bigger options struct
 * than this library knows.  That is fine as long as the fields we do not
 * know are zero; otherwise the caller asked for something we would silently
 * ignore, so refuse it.  NULL options mean "all defaults".
 */
static bool opts_valid(const void *opts, size_t known_sz)
{
	const unsigned char *p = opts;
	size_t user_sz, i;

	if (!opts)
		return true;
	user_sz = *(const size_t *)opts;
	if (user_sz < sizeof(size_t))
		return false;
	for (i = known_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}

#define OPTS_VALID(opts, TYPE) opts_valid(opts, OPTS_KNOWN_SZ(TYPE))

static const char *dev_or_default(const char *dev_path)
{
	return dev_path ? dev_path : EXTMAP_DEFAULT_DEV;
}

/* Issue one ioctl on a freshly opened device; returns its result or -errno. */
static int dev_ioctl(const char *dev_path, int oflags, unsigned long req,
		     void *arg)
{
	int fd, ret, err;

	fd = open(dev_or_default(dev_path), oflags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, req, arg);
	err = errno;
	close(fd);
	return ret < 0 ? -err : ret;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/*
 * Check @name against the kernel's rules for BPF object names here, so that
 * a bad name gets the same -EINVAL whatever the module's version does.
 */
static int copy_map_name(char dst[EXTMAP_NAME_LEN], const char *name)
{
	size_t i;

	memset(dst, 0, EXTMAP_NAME_LEN);
	if (!name)
		return 0;
	for (i = 0; name[i]; i++) {
		if (i == EXTMAP_NAME_LEN - 1 || !name_char_ok(name[i]))
			return -EINVAL;
		dst[i] = name[i];
	}
	return 0;
}

int extmap_create(__u32 type, __u32 key_size, __u32 value_size,
		  __u32 max_entries, const struct extmap_create_opts *opts)
{
	struct extmap_create attr;
	int err;

	if (!OPTS_VALID(opts, extmap_create_opts))
		return -EINVAL;

	memset(&attr, 0, sizeof(attr));
	attr.type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = OPTS_GET(opts, extmap_create_opts, map_flags, 0);
	/* Like bpf(BPF_MAP_CREATE): the node means nothing without the flag. */
	if (attr.map_flags & BPF_F_NUMA_NODE)
		attr.numa_node = OPTS_GET(opts, extmap_create_opts, numa_node, 0);
	attr.map_extra = OPTS_GET(opts, extmap_create_opts, map_extra, 0);
	attr.btf_key_type_id = OPTS_GET(opts, extmap_create_opts,
					btf_key_type_id, 0);
	attr.btf_value_type_id = OPTS_GET(opts, extmap_create_opts,
					  btf_value_type_id, 0);
	if (attr.btf_key_type_id || attr.btf_value_type_id)
		attr.btf_fd = OPTS_GET(opts, extmap_create_opts, btf_fd, -1);
	err = copy_map_name(attr.name,
			    OPTS_GET(opts, extmap_create_opts, name, NULL));
	if (err)
		return err;

	return dev_ioctl(OPTS_GET(opts, extmap_create_opts, dev_path, NULL),
			 O_RDWR, EXTMAP_IOC_CREATE, &attr);
}

int extmap_get_types(const char *dev_path, struct extmap_type_info *types,
		     __u32 *count)
{
	struct extmap_types arg;
	int err;

	if (!count || (!types && *count))
		return -EINVAL;

	memset(&arg, 0, sizeof(arg));
	arg.count = *count;
	arg.types = (__u64)(uintptr_t)types;
	/* Listing types changes nothing: read access to the device is enough. */
	err = dev_ioctl(dev_path, O_RDONLY, EXTMAP_IOC_TYPES, &arg);
	if (err < 0)
		return err;
	*count = arg.count;
	return 0;
}

/*
 * Types registered between asking for the count and fetching the list make
 * the list come back short, so try again a few times before giving up.
 */
int extmap_get_all_types(const char *dev_path, struct extmap_type_info **out,
			 __u32 *n)
{
	struct extmap_type_info *types = NULL;
	__u32 room = 0, count = 0;
	int tries, err;

	for (tries = 0; tries < 8; tries++) {
		err = extmap_get_types(dev_path, types, &count);
		if (err)
			break;
		if (count <= room) {
			*out = types;
			*n = count;
			return 0;
		}
		free(types);
		room = count;
		types = calloc(room, sizeof(*types));
		if (!types)
			return -ENOMEM;
	}
	free(types);
	return err ? err : -EAGAIN;
}

/* Strict decimal/hex/octal parse: no sign, no blanks, no junk, no overflow. */
static bool parse_u32(const char *s, __u32 *val)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*val = v;
	return true;
}

static bool type_name_is(const struct extmap_type_info *t, const char *name)
{
	size_t len = strnlen(t->name, sizeof(t->name));

	return strlen(name) == len && !memcmp(t->name, name, len);
}

int extmap_type_id(const char *dev_path, const char *name, __u32 *id)
{
	struct extmap_type_info *types;
	__u32 n, i, num;
	bool is_num;
	int err;

	if (!name || !id)
		return -EINVAL;

	err = extmap_get_all_types(dev_path, &types, &n);
	if (err)
		return err;

	is_num = parse_u32(name, &num);
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		if (is_num ? types[i].id == num : type_name_is(&types[i], name)) {
			*id = types[i].id;
			err = 0;
			break;
		}
	}
	free(types);
	return err;
}

static bool map_needs_extmap(const struct bpf_map *map)
{
	const char *pin;

	if (!extmap_is_extmap_type(bpf_map__type(map)))
		return false;
	if (bpf_map__fd(map) >= 0 || !bpf_map__autocreate(map))
		return false;
	/*
	 * An existing pin is reused by libbpf at load time, after checking
	 * that its type and sizes match the declaration: leave it to libbpf.
	 * A pin path with nothing there yet gets a new map, which libbpf
	 * then pins.
	 */
	pin = bpf_map__pin_path(map);
	return !pin || access(pin, F_OK) != 0;
}

/*
 * The object's BTF in the kernel, for the maps declared with key and value
 * types.  libbpf loads the object's BTF itself later, after sanitizing it
 * for the kernel, and refuses a BTF that already has an fd: so the maps get
 * a copy of their own, with the same type ids.  Returns an fd or -errno.
 */
static int object_btf_fd(const struct bpf_object *obj, struct btf **copy)
{
	const void *raw;
	__u32 size;
	int err;

	if (*copy)
		return btf__fd(*copy);
	if (!bpf_object__btf(obj))
		return -ENOENT;
	raw = btf__raw_data(bpf_object__btf(obj), &size);
	if (!raw)
		return -errno;
	*copy = btf__new(raw, size);
	if (!*copy)
		return -errno;
	err = btf__load_into_kernel(*copy);
	if (err) {
		btf__free(*copy);
		*copy = NULL;
		return err;
	}
	return btf__fd(*copy);
}

static int create_for_map(const struct bpf_object *obj, struct bpf_map *map,
			  const char *dev_path, struct btf **btf)
{
	LIBEXTMAP_OPTS(extmap_create_opts, opts);
	const char *src = bpf_map__name(map);
	char name[EXTMAP_NAME_LEN];
	size_t len;
	int fd, err;

	/* Kernel map names are 15 chars at most; libbpf truncates the same. */
	len = strnlen(src, EXTMAP_NAME_LEN - 1);
	memcpy(name, src, len);
	name[len] = '\0';

	opts.name = name;
	opts.map_flags = bpf_map__map_flags(map);
	opts.numa_node = bpf_map__numa_node(map);
	opts.map_extra = bpf_map__map_extra(map);
	opts.dev_path = dev_path;
	opts.btf_key_type_id = bpf_map__btf_key_type_id(map);
	opts.btf_value_type_id = bpf_map__btf_value_type_id(map);
	if (opts.btf_key_type_id || opts.btf_value_type_id) {
		opts.btf_fd = object_btf_fd(obj, btf);
		if (opts.btf_fd < 0)
			return opts.btf_fd;
	}

	fd = extmap_create(bpf_map__type(map), bpf_map__key_size(map),
			   bpf_map__value_size(map), bpf_map__max_entries(map),
			   &opts);
	if (fd < 0)
		return fd;
	/* libbpf keeps a dup() of the fd, so ours is not needed any more. */
	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err;
}

int extmap_bpf_object_prepare(struct bpf_object *obj,
			      const struct extmap_object_opts *opts)
{
	struct btf *btf = NULL;
	const char *dev_path;
	struct bpf_map *map;
	int created = 0, err = 0;

	if (!obj || !OPTS_VALID(opts, extmap_object_opts))
		return -EINVAL;
	dev_path = OPTS_GET(opts, extmap_object_opts, dev_path, NULL);

	bpf_object__for_each_map(map, obj) {
		if (!map_needs_extmap(map))
			continue;
		err = create_for_map(obj, map, dev_path, &btf);
		if (err)
			break;
		created++;
	}
	/* The maps hold the kernel's BTF object: ours is not needed. */
	btf__free(btf);
	return err ? err : created;
}
