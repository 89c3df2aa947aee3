/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels extmap builds for, all in one place.
 * Kbuild detects each feature in the target kernel's headers and defines
 * the EXTMAP_* macros tested here; the comments name the release that
 * brought the change upstream.
 */
#ifndef _EXTMAP_COMPAT_H
#define _EXTMAP_COMPAT_H

#include <linux/bpf.h>
#include <linux/module.h>

/* kern_sys_bpf() sits in the BPF_INTERNAL namespace on newer kernels. */
#ifdef EXTMAP_IMPORT_BPF_INTERNAL
#define EXTMAP_IMPORT_NS() MODULE_INFO(import_ns, "BPF_INTERNAL")
#else
#define EXTMAP_IMPORT_NS()
#endif

/*
 * Exported for light skeletons since 5.18, but declared in no kernel
 * header; this is its definition's prototype in kernel/bpf/syscall.c.
 */
int kern_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/* 6.4: bpf_map_ops element operations return long instead of int. */
#ifdef EXTMAP_LONG_ELEM_OPS
#define extmap_ret_t long
#else
#define extmap_ret_t int
#endif

/*
 * 6.3: ->map_update_batch() also gets the map's file (for maps of fds);
 * extmap's maps do not use it.
 */
#ifdef EXTMAP_UPDATE_BATCH_FILE
#define EXTMAP_UPDATE_BATCH_FILE_ARG	struct file *map_file,
#else
#define EXTMAP_UPDATE_BATCH_FILE_ARG
#endif

/* 6.4: ->map_for_each_callback() returns long instead of int. */
#ifdef EXTMAP_LONG_FOR_EACH
#define extmap_for_each_ret_t long
#else
#define extmap_for_each_ret_t int
#endif

/* 6.6: ->map_mem_usage() reports a map's memory; mandatory since. */
static inline bool extmap_has_mem_usage(const struct bpf_map_ops *ops)
{
#ifdef EXTMAP_HAVE_MEM_USAGE
	return ops->map_mem_usage;
#else
	return true;
#endif
}

/*
 * The special fields of a map's values, as EXTMAP_FIELD_* bits, plus
 * EXTMAP_FIELD_UNKNOWN for any the core does not know.  Before 6.2 the
 * kernel kept them as offsets in struct bpf_map (valid when >= 0) and a
 * table of kptrs; since, in map->record, NULL or an error when there are
 * none.
 */
#define EXTMAP_FIELD_UNKNOWN	BIT(31)

static inline u32 extmap_map_btf_fields(const struct bpf_map *map)
{
	u32 fields = 0;

#ifdef EXTMAP_HAVE_SPIN_LOCK_OFF
	if (map_value_has_spin_lock(map))
		fields |= EXTMAP_FIELD_SPIN_LOCK;
	if (map_value_has_timer(map) || map_value_has_kptrs(map))
		fields |= EXTMAP_FIELD_UNKNOWN;
#else
	if (IS_ERR_OR_NULL(map->record))
		return 0;
	if (map->record->field_mask & BPF_SPIN_LOCK)
		fields |= EXTMAP_FIELD_SPIN_LOCK;
	if (map->record->field_mask & ~BPF_SPIN_LOCK)
		fields |= EXTMAP_FIELD_UNKNOWN;
#endif
	return fields;
}

/* Where a value's struct bpf_spin_lock is; the map must have one. */
static inline u32 extmap_spin_lock_off(const struct bpf_map *map)
{
#ifdef EXTMAP_HAVE_SPIN_LOCK_OFF
	return map->spin_lock_off;
#else
	return map->record->spin_lock_off;
#endif
}

/*
 * The kernel function whose entry the core probes to make a new map the
 * type's (core.c): called by map_create() once the map is complete, before
 * it gets an id or an fd.  Renamed in 6.9, when BPF tokens came.
 */
#ifdef EXTMAP_HAVE_SECURITY_BPF_MAP_CREATE
#define EXTMAP_CLAIM_SYMBOL	"security_bpf_map_create"
#else
#define EXTMAP_CLAIM_SYMBOL	"security_bpf_map_alloc"
#endif

#endif /* _EXTMAP_COMPAT_H */
