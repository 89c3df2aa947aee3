// SPDX-License-Identifier: GPL-2.0
/*
 * extmap_zarray: a sample map type in a module of its own, built against an
 * installed extmap kit as a third party would build one (README, "Map
 * types of your own"):
 *
 *	make -C /lib/modules/$(uname -r)/build M=$PWD \
 *		EXTMAP_KIT=$(pkg-config --variable=kitdir libextmap)
 *
 * The type, "zarray", is an array of u32 keys whose delete clears the value
 * rather than failing as BPF_MAP_TYPE_ARRAY's does: a tiny type that still
 * follows every rule of <linux/extmap.h>.  All its values are allocated
 * with the map, so no operation allocates, locks or waits, and all of them
 * may run in any context, NMI included; writers racing on one value tear
 * it, as with BPF_MAP_TYPE_ARRAY.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <linux/module.h>
#include <linux/nospec.h>

#include "compat.h"

/*
 * An id from the range kept for types outside extmap, picked at random
 * within it as <uapi/linux/extmap.h> asks; a real type says which it took.
 */
#define ZARRAY_TYPE_ID	(EXTMAP_MAP_TYPE_VENDOR_BASE + 0x3a7)

struct zarray {
	struct extmap_map em;	/* the core's part: see extmap_map() */
	u32 elem_size;		/* value_size rounded up to 8 */
	char values[] __aligned(8);
};

/* The kernel passes its struct bpf_map; the type's object is found from it. */
static struct zarray *zarray(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct zarray, em);
}

static u64 zarray_size(u32 value_size, u32 max_entries)
{
	return sizeof(struct zarray) +
	       (u64)max_entries * round_up((u64)value_size, 8);
}

static int zarray_alloc_check(union bpf_attr *attr)
{
	if (attr->key_size != sizeof(u32) || !attr->value_size ||
	    !attr->max_entries)
		return -EINVAL;
	/* The core's rule: E2BIG for what one allocation cannot hold. */
	if (zarray_size(attr->value_size, attr->max_entries) >
	    EXTMAP_MAX_AREA_SIZE)
		return -E2BIG;
	return 0;
}

/* Zeroed, charged to the creator's memory cgroup: extmap_area_alloc(). */
static struct extmap_map *zarray_alloc(union bpf_attr *attr)
{
	struct zarray *za;

	za = extmap_area_alloc(zarray_size(attr->value_size, attr->max_entries),
			       bpf_map_attr_numa_node(attr));
	if (!za)
		return ERR_PTR(-ENOMEM);
	za->elem_size = round_up(attr->value_size, 8);
	return &za->em;
}

static void zarray_free(struct extmap_map *em)
{
	kvfree(container_of(em, struct zarray, em));
}

/*
 * The value of @key, or NULL.  The index is clamped under speculation too,
 * so that a program cannot read past the values through a mispredicted
 * bounds check (Spectre v1).
 */
static void *zarray_value(struct bpf_map *map, const void *key)
{
	struct zarray *za = zarray(map);
	u32 index = *(const u32 *)key;

	if (index >= map->max_entries)
		return NULL;
	index = array_index_nospec(index, map->max_entries);
	return za->values + (u64)index * za->elem_size;
}

static void *zarray_lookup_elem(struct bpf_map *map, void *key)
{
	return zarray_value(map, key);
}

/* Every key has a value: BPF_NOEXIST can never succeed, as for arrays. */
static extmap_ret_t zarray_update_elem(struct bpf_map *map, void *key,
				       void *value, u64 flags)
{
	void *val;

	if (flags & ~(u64)BPF_EXIST)
		return flags == BPF_NOEXIST ? -EEXIST : -EINVAL;
	val = zarray_value(map, key);
	if (!val)
		return -E2BIG;
	memcpy(val, value, map->value_size);
	return 0;
}

/* What makes the type: a delete clears the value instead of failing. */
static extmap_ret_t zarray_delete_elem(struct bpf_map *map, void *key)
{
	void *val = zarray_value(map, key);

	if (!val)
		return -ENOENT;
	memset(val, 0, map->value_size);
	return 0;
}

static int zarray_get_next_key(struct bpf_map *map, void *key, void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	/* No key, or one out of range, starts from the first. */
	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

#ifdef EXTMAP_HAVE_MEM_USAGE
static u64 zarray_mem_usage(const struct bpf_map *map)
{
	return zarray_size(map->value_size, map->max_entries);
}
#endif

static const struct bpf_map_ops zarray_ops = {
	.map_alloc_check = zarray_alloc_check,
	.map_lookup_elem = zarray_lookup_elem,
	.map_update_elem = zarray_update_elem,
	.map_delete_elem = zarray_delete_elem,
	.map_get_next_key = zarray_get_next_key,
#ifdef EXTMAP_HAVE_MEM_USAGE
	.map_mem_usage = zarray_mem_usage,
#endif
};

static struct extmap_type zarray_type = {
	.name = "zarray",
	.id = ZARRAY_TYPE_ID,
	.ops = &zarray_ops,
	.alloc = zarray_alloc,
	.free = zarray_free,
	.owner = THIS_MODULE,
};

static int __init zarray_init(void)
{
	return extmap_register_type(&zarray_type);
}

/* Each map holds a reference on this module: none is left when this runs. */
static void __exit zarray_exit(void)
{
	extmap_unregister_type(&zarray_type);
}

module_init(zarray_init);
module_exit(zarray_exit);
MODULE_DESCRIPTION("extmap sample map type: an array whose delete clears");
MODULE_LICENSE("GPL");
