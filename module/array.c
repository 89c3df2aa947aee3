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
#include <linux/mm.h>
#include <linux/vmalloc.h>

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
	/* ->data, or with BPF_F_MMAPABLE ->pages, mapped where userspace can */
	char *values;
	struct page **pages;
	u32 n_pages;
	char data[] __aligned(8);
};

static struct ext_array *ext_array(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct ext_array, em);
}

static u64 ext_array_values_size(u32 value_size, u32 max_entries)
{
	return roundup_pow_of_two((u64)max_entries) * round_up((u64)value_size, 8);
}

static int ext_array_map_alloc_check(union bpf_attr *attr)
{
	if (attr->key_size != sizeof(u32) || !attr->value_size ||
	    !attr->max_entries)
		return -EINVAL;
	/* Also keeps ext_array_values_size() from overflowing. */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	if (ext_array_values_size(attr->value_size, attr->max_entries) >
	    EXTMAP_MAX_AREA_SIZE)
		return -E2BIG;
	return 0;
}

/*
 * Values that userspace may mmap(): zeroed pages charged to the creator,
 * as the element memory of every map, mapped together with VM_USERMAP so
 * that remap_vmalloc_range() takes them.
 */
static int ext_array_alloc_pages(struct ext_array *array, u64 size,
				 int numa_node)
{
	u32 i, n = PAGE_ALIGN(size) >> PAGE_SHIFT;

	array->pages = kvcalloc(n, sizeof(*array->pages),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!array->pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		array->pages[i] = alloc_pages_node(numa_node, GFP_KERNEL_ACCOUNT |
						   __GFP_ZERO | __GFP_NOWARN |
						   __GFP_RETRY_MAYFAIL, 0);
		if (!array->pages[i])
			return -ENOMEM;
		array->n_pages++;
		cond_resched();
	}
	array->values = vmap(array->pages, n, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	return array->values ? 0 : -ENOMEM;
}

static void ext_array_free(struct extmap_map *em)
{
	struct ext_array *array = container_of(em, struct ext_array, em);
	u32 i;

	if (array->pages) {
		if (array->values)
			vunmap(array->values);
		for (i = 0; i < array->n_pages; i++)
			__free_page(array->pages[i]);
		kvfree(array->pages);
	}
	kvfree(array);
}

static struct extmap_map *ext_array_alloc(union bpf_attr *attr)
{
	u64 values = ext_array_values_size(attr->value_size, attr->max_entries);
	bool mmapable = attr->map_flags & BPF_F_MMAPABLE;
	int numa_node = bpf_map_attr_numa_node(attr);
	struct ext_array *array;

	array = extmap_area_alloc(sizeof(*array) + (mmapable ? 0 : values),
				  numa_node);
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->elem_size = round_up(attr->value_size, 8);
	array->index_mask = roundup_pow_of_two(attr->max_entries) - 1;
	if (!mmapable) {
		array->values = array->data;
	} else if (ext_array_alloc_pages(array, values, numa_node)) {
		ext_array_free(&array->em);
		return ERR_PTR(-ENOMEM);
	}
	return &array->em;
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
 * A single-value array is what libbpf makes of global data: programs may
 * address its value directly (BPF_PSEUDO_MAP_VALUE), and the verifier reads
 * a frozen, program-read-only one as constants.
 */
static int ext_array_map_direct_value_addr(const struct bpf_map *map,
					   u64 *imm, u32 off)
{
	if (map->max_entries != 1)
		return -ENOTSUPP;
	if (off >= map->value_size)
		return -EINVAL;
	*imm = (unsigned long)ext_array(map)->values;
	return 0;
}

/* The other way, for the program dumps of bpf(2) and bpftool. */
static int ext_array_map_direct_value_meta(const struct bpf_map *map,
					   u64 imm, u32 *off)
{
	const struct ext_array *array = ext_array(map);
	u64 base = (unsigned long)array->values;

	if (map->max_entries != 1)
		return -ENOTSUPP;
	if (imm < base || imm >= base + array->elem_size)
		return -ENOENT;
	*off = imm - base;
	return 0;
}

/* mmap() of the map's fd: the values, in index order, elem_size apart. */
static int ext_array_map_mmap(struct bpf_map *map, struct vm_area_struct *vma)
{
	struct ext_array *array = ext_array(map);

	if (!(map->map_flags & BPF_F_MMAPABLE))
		return -EINVAL;
	if (vma->vm_pgoff * PAGE_SIZE + (vma->vm_end - vma->vm_start) >
	    PAGE_ALIGN((u64)map->max_entries * array->elem_size))
		return -EINVAL;
	return remap_vmalloc_range(vma, array->values, vma->vm_pgoff);
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
/* What the map takes; mmapable values have pages of their own. */
static u64 ext_array_map_size(u32 value_size, u32 max_entries, u32 flags)
{
	u64 values = ext_array_values_size(value_size, max_entries);

	if (!(flags & BPF_F_MMAPABLE))
		return sizeof(struct ext_array) + values;
	return sizeof(struct ext_array) + PAGE_ALIGN(values) +
	       (PAGE_ALIGN(values) >> PAGE_SHIFT) * sizeof(struct page *);
}

static u64 ext_array_map_mem_usage(const struct bpf_map *map)
{
	return ext_array_map_size(map->value_size, map->max_entries,
				  map->map_flags);
}
#endif

static const struct bpf_map_ops ext_array_map_ops = {
	.map_alloc_check = ext_array_map_alloc_check,
	.map_lookup_elem = ext_array_map_lookup_elem,
	.map_gen_lookup = ext_array_map_gen_lookup,
	.map_update_elem = ext_array_map_update_elem,
	.map_delete_elem = ext_array_map_delete_elem,
	.map_get_next_key = ext_array_map_get_next_key,
	.map_direct_value_addr = ext_array_map_direct_value_addr,
	.map_direct_value_meta = ext_array_map_direct_value_meta,
	.map_mmap = ext_array_map_mmap,
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
	.map_flags = BPF_F_MMAPABLE,
	.btf_fields = EXTMAP_FIELD_SPIN_LOCK,
	/* No delete: no delete batches, as for BPF_MAP_TYPE_ARRAY. */
	.no_delete = true,
	.owner = THIS_MODULE,
};
