// SPDX-License-Identifier: GPL-2.0
/*
 * extmap array: u32 keys indexing preallocated, zeroed values.
 *
 * The counterpart of BPF_MAP_TYPE_ARRAY: same key rule, same results from
 * every operation, and a lookup that the verifier inlines into the program
 * through ->map_gen_lookup(), so it costs no call at all.  Values are never
 * freed while the map lives; writers racing on one value tear it, as with
 * BPF_MAP_TYPE_ARRAY.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <linux/filter.h>
#include <linux/log2.h>

#include "compat.h"
#include "types.h"

struct ext_array {
	struct extmap_map em;
	u32 elem_size;		/* value_size rounded up to 8 */
	/*
	 * Slots are allocated for the next power of two of max_entries, and
	 * every index is masked with this before use: an index that got
	 * past the bounds check only under speculation stays inside the
	 * allocation (Spectre v1).
	 */
	u32 index_mask;
	char values[] __aligned(8);
};

static struct ext_array *ext_array(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct ext_array, em);
}

static u64 ext_array_map_size(u32 value_size, u32 max_entries)
{
	u64 slots = roundup_pow_of_two((u64)max_entries);

	return sizeof(struct ext_array) + slots * round_up((u64)value_size, 8);
}

static int ext_array_map_alloc_check(union bpf_attr *attr)
{
	if (attr->key_size != sizeof(u32) || !attr->value_size ||
	    !attr->max_entries)
		return -EINVAL;
	/* Also keeps ext_array_map_size() from overflowing. */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	if (ext_array_map_size(attr->value_size, attr->max_entries) >
	    EXTMAP_MAX_AREA_SIZE)
		return -E2BIG;
	return 0;
}

static struct extmap_map *ext_array_alloc(union bpf_attr *attr)
{
	u64 size = ext_array_map_size(attr->value_size, attr->max_entries);
	struct ext_array *array;

	array = extmap_area_alloc(size, bpf_map_attr_numa_node(attr));
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->elem_size = round_up(attr->value_size, 8);
	array->index_mask = roundup_pow_of_two(attr->max_entries) - 1;
	return &array->em;
}

static void ext_array_free(struct extmap_map *em)
{
	kvfree(container_of(em, struct ext_array, em));
}

static void *ext_array_map_lookup_elem(struct bpf_map *map, void *key)
{
	struct ext_array *array = ext_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	return array->values + (u64)array->elem_size * (index & array->index_mask);
}

/*
 * The lookup above, in BPF instructions, patched into the program in place
 * of the helper call.  In: r1 = map, r2 = key; out: r0 = value or NULL.
 * The values' address goes into the program as a constant: the program
 * holds the map, which holds the array.  max_entries fits the signed
 * 32-bit immediate because ext_array_map_size() keeps the map below
 * EXTMAP_MAX_AREA_SIZE.
 */
static int ext_array_map_gen_lookup(struct bpf_map *map, struct bpf_insn *insn_buf)
{
	struct ext_array *array = ext_array(map);
	struct bpf_insn *insn = insn_buf;
	struct bpf_insn values[2] = {
		BPF_LD_IMM64(BPF_REG_1, (unsigned long)array->values),
	};

	*insn++ = values[0];
	*insn++ = values[1];
	*insn++ = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0);
	*insn++ = BPF_JMP_IMM(BPF_JGE, BPF_REG_0, map->max_entries, 4);
	*insn++ = BPF_ALU32_IMM(BPF_AND, BPF_REG_0, array->index_mask);
	if (is_power_of_2(array->elem_size))
		*insn++ = BPF_ALU64_IMM(BPF_LSH, BPF_REG_0,
					ilog2(array->elem_size));
	else
		*insn++ = BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, array->elem_size);
	*insn++ = BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1);
	*insn++ = BPF_JMP_IMM(BPF_JA, 0, 0, 1);
	*insn++ = BPF_MOV64_IMM(BPF_REG_0, 0);
	return insn - insn_buf;
}

/* Results and their order as BPF_MAP_TYPE_ARRAY gives them. */
static extmap_ret_t ext_array_map_update_elem(struct bpf_map *map,
					      void *key, void *value,
					      u64 flags)
{
	u32 index = *(u32 *)key;

	int err = extmap_check_update_flags(map, flags);

	if (unlikely(err))
		return err;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	extmap_value_copy(map, ext_array_map_lookup_elem(map, key), value,
			  flags);
	return 0;
}

static extmap_ret_t ext_array_map_delete_elem(struct bpf_map *map, void *key)
{
	return -EINVAL;
}

/* Index order; a missing or out-of-range key restarts from index 0. */
static int ext_array_map_get_next_key(struct bpf_map *map, void *key,
				      void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

/*
 * bpf_for_each_map_elem(): every index in order, as BPF_MAP_TYPE_ARRAY
 * does, until the callback returns 1.  Return: the number of elements
 * the callback saw.
 */
static extmap_for_each_ret_t ext_array_map_visit_elems(struct bpf_map *map,
						       bpf_callback_t callback_fn,
						       void *callback_ctx, u64 flags)
{
	u32 i, key;

	if (flags)
		return -EINVAL;
	for (i = 0; i < map->max_entries; i++) {
		key = i;
		if (callback_fn((u64)(long)map, (u64)(long)&key,
				(u64)(long)ext_array_map_lookup_elem(map, &key),
				(u64)(long)callback_ctx, 0))
			return (extmap_for_each_ret_t)i + 1;
	}
	return map->max_entries;
}

#ifdef EXTMAP_HAVE_MEM_USAGE
static u64 ext_array_map_mem_usage(const struct bpf_map *map)
{
	return ext_array_map_size(map->value_size, map->max_entries);
}
#endif

static const struct bpf_map_ops ext_array_map_ops = {
	.map_alloc_check = ext_array_map_alloc_check,
	.map_lookup_elem = ext_array_map_lookup_elem,
	.map_gen_lookup = ext_array_map_gen_lookup,
	.map_update_elem = ext_array_map_update_elem,
	.map_delete_elem = ext_array_map_delete_elem,
	.map_get_next_key = ext_array_map_get_next_key,
	.map_for_each_callback = ext_array_map_visit_elems,
#ifdef EXTMAP_HAVE_MEM_USAGE
	.map_mem_usage = ext_array_map_mem_usage,
#endif
};

struct extmap_type extmap_array_type = {
	.name = "array",
	.id = EXTMAP_MAP_TYPE_ARRAY,
	.ops = &ext_array_map_ops,
	.alloc = ext_array_alloc,
	.free = ext_array_free,
	.btf_fields = EXTMAP_FIELD_SPIN_LOCK,
	/* No delete: no delete batches, as for BPF_MAP_TYPE_ARRAY. */
	.no_delete = true,
	.owner = THIS_MODULE,
};
