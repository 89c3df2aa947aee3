// SPDX-License-Identifier: GPL-2.0
/*
 * extmap_floor: the cost floor of an IPv4 longest-prefix lookup, for
 * make bench only.
 *
 * Its lookup reads one word, the slot of a flat table that the address's
 * first bits index, sized as the lpm type's table (16 bits, 20 for maps
 * of more than 64Ki entries), and returns the map's only value if some
 * prefix covers that slot: the answers of a table cut at its width, wrong
 * for every address under a longer prefix.  An lpm lookup starts with the
 * same read, so what this costs, next to LPM_TRIE in the same boot, is how
 * much faster than LPM_TRIE an lpm lookup could be, under the emulator
 * that runs the benchmark, if it did nothing else.
 *
 * It is also a map type in a module of its own, built against extmap.ko's
 * exported interface as any other would be; selftests/test_module_ref
 * loads it with other type_id values to test the core's id range.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <linux/module.h>

#include "bench_common.h"
#include "compat.h"

#define FLOOR_KEY_SIZE	8	/* struct bpf_lpm_trie_key_u8, IPv4 */

static uint type_id = BENCH_FLOOR_TYPE;
module_param(type_id, uint, 0444);
MODULE_PARM_DESC(type_id, "the type's id (default: bench_common.h's)");

struct floor_map {
	u64 *slots;		/* 1 << bits, nonzero where a prefix is */
	u32 bits;
	struct extmap_map em;
	u8 value[] __aligned(8);
};

static struct floor_map *floor_map(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct floor_map, em);
}

static int floor_map_alloc_check(union bpf_attr *attr)
{
	if (!attr->max_entries || attr->key_size != FLOOR_KEY_SIZE ||
	    !attr->value_size || attr->value_size > PAGE_SIZE)
		return -EINVAL;
	return 0;
}

static struct extmap_map *floor_map_alloc(union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	struct floor_map *f;

	f = extmap_area_alloc(sizeof(*f) + attr->value_size, numa_node);
	if (!f)
		return ERR_PTR(-ENOMEM);
	/* The lpm type's table width for IPv4: see lpm_direct_bits(). */
	f->bits = attr->max_entries > 65536 ? 20 : 16;
	f->slots = extmap_area_alloc(sizeof(*f->slots) << f->bits, numa_node);
	if (!f->slots) {
		kvfree(f);
		return ERR_PTR(-ENOMEM);
	}
	return &f->em;
}

static void floor_map_free(struct extmap_map *em)
{
	struct floor_map *f = container_of(em, struct floor_map, em);

	kvfree(f->slots);
	kvfree(f);
}

/* The address's bits, from a key that may be unaligned. */
static u32 floor_addr(const void *key)
{
	__be32 addr;

	memcpy(&addr, key + offsetof(struct bpf_lpm_trie_key_u8, data),
	       sizeof(addr));
	return be32_to_cpu(addr);
}

static void *floor_map_lookup_elem(struct bpf_map *map, void *key)
{
	struct floor_map *f = floor_map(map);

	return READ_ONCE(f->slots[floor_addr(key) >> (32 - f->bits)]) ?
	       f->value : NULL;
}

/* Marks the slots the prefix covers; the value is shared by all. */
static extmap_ret_t floor_map_update_elem(struct bpf_map *map, void *key,
					  void *value, u64 flags)
{
	struct floor_map *f = floor_map(map);
	u32 len, first, n, i;

	memcpy(&len, key, sizeof(len));
	if (flags > BPF_EXIST || len > 32)
		return -EINVAL;
	n = len < f->bits ? 1U << (f->bits - len) : 1;
	first = (floor_addr(key) >> (32 - f->bits)) & ~(n - 1);
	for (i = 0; i < n; i++)
		WRITE_ONCE(f->slots[first + i], 1);
	/* Torn values are fine here: lookups never read them. */
	memcpy(f->value, value, map->value_size);
	return 0;
}

/* A floor has no prefixes to delete or walk: only lookups are timed. */
static extmap_ret_t floor_map_delete_elem(struct bpf_map *map, void *key)
{
	return -EOPNOTSUPP;
}

static int floor_map_get_next_key(struct bpf_map *map, void *key,
				  void *next_key)
{
	return -EOPNOTSUPP;
}

#ifdef EXTMAP_HAVE_MEM_USAGE
static u64 floor_map_mem_usage(const struct bpf_map *map)
{
	const struct floor_map *f = floor_map(map);

	return sizeof(*f) + map->value_size + (sizeof(*f->slots) << f->bits);
}
#endif

static const struct bpf_map_ops floor_map_ops = {
	.map_alloc_check = floor_map_alloc_check,
	.map_lookup_elem = floor_map_lookup_elem,
	.map_update_elem = floor_map_update_elem,
	.map_delete_elem = floor_map_delete_elem,
	.map_get_next_key = floor_map_get_next_key,
#ifdef EXTMAP_HAVE_MEM_USAGE
	.map_mem_usage = floor_map_mem_usage,
#endif
};

static struct extmap_type floor_type = {
	.name = "bench_floor",
	.ops = &floor_map_ops,
	.alloc = floor_map_alloc,
	.free = floor_map_free,
	.owner = THIS_MODULE,
};

static int __init floor_init(void)
{
	floor_type.id = type_id;
	return extmap_register_type(&floor_type);
}

static void __exit floor_exit(void)
{
	extmap_unregister_type(&floor_type);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("extmap benchmark: the cost floor of an IPv4 lookup");
MODULE_LICENSE("GPL");
