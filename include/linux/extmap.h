/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extmap: the in-kernel interface for modules that provide BPF map types.
 *
 * A map type is a struct bpf_map_ops written exactly as for a map type built
 * into the kernel, plus a name and a fixed id from <uapi/linux/extmap.h>.
 * The extmap core creates the maps: it validates the generic attributes,
 * calls ->map_alloc_check() and ->map_alloc() with a union bpf_attr whose
 * map_type is the extmap id, initialises every generic field of the
 * struct bpf_map that the kernel's own map creation sets, and hands
 * userspace a BPF map fd.  From there on the kernel calls the type's
 * operations directly: bpf(2), the verifier and the JIT see a BPF map.
 *
 * Rules for a type's operations:
 *  - ->map_alloc() returns a zeroed object embedding struct bpf_map; it need
 *    not set the generic fields (the core does, after it returns).
 *  - ->map_alloc(), ->map_free(), ->map_lookup_elem(), ->map_update_elem(),
 *    ->map_delete_elem() and ->map_get_next_key() are mandatory (the
 *    kernel's syscall paths call the last four unconditionally), and so is
 *    ->map_mem_usage() on kernels that have it.
 *  - ->map_lookup_elem() and ->map_update_elem() may be called by BPF
 *    programs in any context, NMI included.
 *  - Maps carry no BTF: no spin locks, timers or kptrs in values.
 */
#ifndef _LINUX_EXTMAP_H
#define _LINUX_EXTMAP_H

#include <linux/bpf.h>
#include <linux/list.h>
#include <linux/module.h>
#include <uapi/linux/extmap.h>

/**
 * struct extmap_type - a map type provided by a module
 * @name: unique name, shorter than EXTMAP_TYPE_NAME_LEN
 * @id: unique EXTMAP_MAP_TYPE_* id, above EXTMAP_MAP_TYPE_BASE
 * @ops: the type's operations
 * @map_flags: the type-specific BPF_F_* flags it accepts, on top of the
 *	generic ones every type accepts (EXTMAP_GENERIC_MAP_FLAGS)
 * @owner: the module providing @ops, normally THIS_MODULE
 * @list: private to the core
 * @kernel_ops: private to the core: the table the kernel sees
 */
struct extmap_type {
	const char *name;
	u32 id;
	const struct bpf_map_ops *ops;
	u32 map_flags;
	struct module *owner;

	struct list_head list;
	struct bpf_map_ops kernel_ops;
};

/* Flags the kernel handles for every map, whatever its type. */
#define EXTMAP_GENERIC_MAP_FLAGS						\
	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY |		\
	 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)

/*
 * Largest single allocation extmap_area_alloc() makes: kvmalloc() refuses
 * anything larger.  Types report E2BIG for maps that would need more.
 * Memory from extmap_area_alloc() is zeroed, charged to the creator's memory
 * cgroup, as the kernel's own maps are, and freed with kvfree().
 */
#define EXTMAP_MAX_AREA_SIZE	((u64)INT_MAX)

int extmap_register_type(struct extmap_type *type);
void extmap_unregister_type(struct extmap_type *type);

void *extmap_area_alloc(u64 size, int numa_node);

#endif /* _LINUX_EXTMAP_H */
