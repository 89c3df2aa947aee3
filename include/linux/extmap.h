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
 *  - ->map_lookup_elem(), ->map_update_elem() and ->map_delete_elem() may
 *    be called by BPF programs in any context, NMI included.  An update
 *    that must lock refuses NMI (EBUSY) or only tries its locks there: in
 *    NMI it must never wait, nor enter the allocator, which the NMI may
 *    have interrupted.  struct extmap_busy keeps a CPU from entering a
 *    map's update side twice.
 *  - Maps carry no BTF: no spin locks, timers or kptrs in values.
 */
#ifndef _LINUX_EXTMAP_H
#define _LINUX_EXTMAP_H

#include <linux/bpf.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <uapi/linux/extmap.h>

/**
 * struct extmap_type - a map type provided by a module
 * @name: unique name, shorter than EXTMAP_TYPE_NAME_LEN
 * @id: unique id, above EXTMAP_MAP_TYPE_BASE and at most
 *	EXTMAP_MAP_TYPE_MAX; types outside extmap take theirs from
 *	EXTMAP_MAP_TYPE_VENDOR_BASE up (see <uapi/linux/extmap.h>)
 * @ops: the type's operations
 * @map_flags: the type-specific BPF_F_* flags it accepts, on top of the
 *	generic ones every type accepts (EXTMAP_GENERIC_MAP_FLAGS)
 * @owner: the module providing @ops, normally THIS_MODULE
 * @init: optional, what the type needs before its first map (a slab
 *	cache, say): called by extmap_register_type(), which fails with its
 *	error
 * @exit: optional, undoes @init: called by extmap_unregister_type(),
 *	which the owner calls from its module exit, when none of the type's
 *	maps is left (each holds a reference on @owner)
 * @list: private to the core
 * @kernel_ops: private to the core: the table the kernel sees
 */
struct extmap_type {
	const char *name;
	u32 id;
	const struct bpf_map_ops *ops;
	u32 map_flags;
	struct module *owner;
	int (*init)(void);
	void (*exit)(void);

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

/**
 * struct extmap_busy - who is inside a map's update side, per CPU
 * @count: per-CPU count of writers, 0 or 1 outside extmap_busy_enter()
 *
 * A map's writers hold its locks with interrupts off, so on one CPU only
 * an NMI, or a program that fires inside an update (a kprobe on a function
 * it calls, say), can enter the update side again.  Such a nested writer
 * must fail with EBUSY rather than wait for a lock its own CPU holds, as
 * the kernel's hash maps do.  The count is per map, since a program may
 * update one map from inside another's update.
 */
struct extmap_busy {
	int __percpu *count;
};

static inline int extmap_busy_init(struct extmap_busy *busy)
{
	busy->count = alloc_percpu_gfp(int, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	return busy->count ? 0 : -ENOMEM;
}

static inline void extmap_busy_free(struct extmap_busy *busy)
{
	free_percpu(busy->count);
}

/* What extmap_busy_init() allocated, for ->map_mem_usage(). */
static inline u64 extmap_busy_mem_usage(void)
{
	return (u64)num_possible_cpus() * sizeof(int);
}

/*
 * Enter the update side with interrupts off; false if this CPU is inside
 * it already, and the caller must then fail with EBUSY.
 */
static inline bool extmap_busy_enter(struct extmap_busy *busy,
				     unsigned long *flags)
{
	local_irq_save(*flags);
	if (likely(__this_cpu_inc_return(*busy->count) == 1))
		return true;
	__this_cpu_dec(*busy->count);
	local_irq_restore(*flags);
	return false;
}

static inline void extmap_busy_exit(struct extmap_busy *busy,
				    unsigned long flags)
{
	__this_cpu_dec(*busy->count);
	local_irq_restore(flags);
}

int extmap_register_type(struct extmap_type *type);
void extmap_unregister_type(struct extmap_type *type);

void *extmap_area_alloc(u64 size, int numa_node);

#endif /* _LINUX_EXTMAP_H */
