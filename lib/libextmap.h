/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libextmap: create extmap maps and wire them into libbpf objects.
 *
 * Conventions follow libbpf: options structs carry their own size (use
 * LIBEXTMAP_OPTS() to declare them), functions return a negative errno on
 * failure, and the library keeps no global state.
 */
#ifndef __LIBEXTMAP_H
#define __LIBEXTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#include <linux/extmap.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bpf_object;

#define EXTMAP_DEFAULT_DEV	"/dev/" EXTMAP_DEVICE_NAME

/* Declare and zero an options struct, setting its size field. */
#define LIBEXTMAP_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE) {						\
			.sz = sizeof(struct TYPE),			\
			__VA_ARGS__					\
		};							\
	})

struct extmap_create_opts {
	size_t sz;		/* sizeof(struct extmap_create_opts) */
	const char *name;	/* map name, [A-Za-z0-9_.], < 16 chars */
	__u32 map_flags;	/* BPF_F_* flags the type accepts */
	__u32 numa_node;	/* used only with BPF_F_NUMA_NODE */
	const char *dev_path;	/* default EXTMAP_DEFAULT_DEV */
	__u64 map_extra;	/* type-specific, 0 for types without one */
	/*
	 * BTF of keys and values, as for bpf_map_create(): a BTF object fd
	 * and the type ids in it (0 for none); special fields of the value
	 * (a struct bpf_spin_lock) need the value's.
	 */
	int btf_fd;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	size_t:0;
};
#define extmap_create_opts__last_field btf_value_type_id

/*
 * Create a map of extmap type @type.  Returns a new BPF map fd (O_CLOEXEC),
 * or a negative errno: -ENOENT unknown type (or no /dev/extmap: module not
 * loaded), -EINVAL/-E2BIG bad attributes, -EPERM without CAP_BPF, -ENOMEM.
 */
int extmap_create(__u32 type, __u32 key_size, __u32 value_size,
		  __u32 max_entries, const struct extmap_create_opts *opts);

/*
 * Fill @types with up to *@count registered types; on return *@count holds
 * the number of registered types, which may exceed the room given.  Pass
 * @types NULL and *@count 0 to ask for the number only.  @dev_path may be
 * NULL for the default device.  Returns 0 or a negative errno.
 */
int extmap_get_types(const char *dev_path, struct extmap_type_info *types,
		     __u32 *count);

/*
 * Every registered type, in a malloc'ed array of *@count entries that the
 * caller frees with free().  Types registered while it runs make it ask
 * again, a few times; then -EAGAIN.  Returns 0 or a negative errno.
 */
int extmap_get_all_types(const char *dev_path, struct extmap_type_info **types,
			 __u32 *count);

/*
 * Resolve a type name ("array", "hash", ...) or a number (decimal, 0x hex or
 * 0 octal) to its id, asking the loaded module: a number must be the id of a
 * registered type.  Returns 0 and sets *@id, or -ENOENT for an unknown type;
 * errors opening the device come back as they are, which makes a missing
 * device -ENOENT too.
 */
int extmap_type_id(const char *dev_path, const char *name, __u32 *id);

/* True if @map_type is in the extmap id range (from bpf_map_info.type). */
static inline bool extmap_is_extmap_type(__u32 map_type)
{
	return map_type > EXTMAP_MAP_TYPE_BASE &&
	       map_type <= EXTMAP_MAP_TYPE_MAX;
}

struct extmap_object_opts {
	size_t sz;		/* sizeof(struct extmap_object_opts) */
	const char *dev_path;	/* default EXTMAP_DEFAULT_DEV */
	size_t:0;
};
#define extmap_object_opts__last_field dev_path

/*
 * Call between bpf_object__open*() (or a skeleton's __open()) and
 * bpf_object__load(): creates every map of @obj whose type is an extmap id,
 * with the key size, value size, max entries, flags, NUMA node, map_extra,
 * name (cut to 15 characters) and, for maps declared with __type(key, ...)
 * and __type(value, ...), the key and value BTF types (in a copy of the
 * object's BTF loaded for the maps) the object declares, and hands it to
 * libbpf with bpf_map__reuse_fd().  Maps already given an fd and maps with
 * autocreate off are skipped.  A map with a pin path (LIBBPF_PIN_BY_NAME or
 * bpf_map__set_pin_path()) where a pin exists is left to libbpf, which
 * reuses the pin at load after checking that its type, sizes, max entries,
 * flags and map_extra match; where no pin exists yet, the map is created
 * here and libbpf pins it at load.
 * Returns the number of maps created, or a negative errno; maps created
 * before a failure stay with @obj and are closed by bpf_object__close().
 *
 * What libbpf (checked with 1.1) does around this:
 * - Without this call, bpf_object__load() hands the extmap type id to
 *   bpf(BPF_MAP_CREATE), which fails: "map 'x': failed to create: Invalid
 *   argument(-22)", after a "Retrying without BTF" warning.
 * - bpf_map__reuse_fd() replaces the map's definition with what the kernel
 *   reports for the fd: bpf_map__type() stays the extmap id, the name is
 *   the kernel's (the full name is kept if it was only cut to 15
 *   characters), and the BTF key/value type ids are the map's.
 * - So resize or re-flag maps before this call.  Afterwards
 *   bpf_map__set_map_flags() and bpf_map__set_type() fail with -EBUSY, and
 *   bpf_map__set_max_entries() succeeds but only changes what libbpf
 *   reports, not the map.
 */
int extmap_bpf_object_prepare(struct bpf_object *obj,
			      const struct extmap_object_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* __LIBEXTMAP_H */
