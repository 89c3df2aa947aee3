/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extmap: the in-kernel interface for modules that provide BPF map types.
 *
 * A map type is a struct bpf_map_ops written as for a map type built into
 * the kernel, plus a name, a fixed id from <uapi/linux/extmap.h>, and an
 * allocator.  The kernel creates each map: the core asks bpf(2) for a
 * small kernel map, and before the kernel gives that map an id or an fd
 * the core makes it the type's (core.c says how), so the map has what
 * every BPF map has (an id, LSM state, memory cgroup, BTF and its special
 * fields) and the kernel calls the type's operations from then on.
 *
 * Rules for a type:
 *  - @alloc returns a zeroed object embedding struct extmap_map, set up
 *    from the attributes; @free frees it.  ->map_alloc and ->map_free of
 *    the ops are not used (the kernel's map is not the type's to allocate
 *    or free) and must be NULL.
 *  - Every operation gets the kernel's struct bpf_map, whose generic
 *    fields (key_size, value_size, max_entries, map_flags, map_extra,
 *    record, btf, ...) are the map's; extmap_map() finds the type's object
 *    from it.  ->map_gen_lookup() may embed the object's address in the
 *    program: the program holds the map, and the map holds the object.
 *  - ->map_lookup_elem(), ->map_update_elem(), ->map_delete_elem() and
 *    ->map_get_next_key() are mandatory (the kernel's syscall paths call
 *    them unconditionally), and so is ->map_mem_usage() on kernels that
 *    have it.
 *  - ->map_lookup_elem(), ->map_update_elem() and ->map_delete_elem() may
 *    be called by BPF programs in any context, NMI included.  An update
 *    that must lock refuses NMI (EBUSY) or only tries its locks there: in
 *    NMI it must never wait, nor enter the allocator, which the NMI may
 *    have interrupted.  struct extmap_busy keeps a CPU from entering a
 *    map's update side twice.
 *  - Values may hold the special fields in @btf_fields (a bpf_spin_lock):
 *    the core refuses a map whose value has any other (EOPNOTSUPP).  A
 *    type that takes them copies values with extmap_value_copy() and
 *    clears new values with extmap_value_init().
 *  - The batch commands of bpf(2) (BPF_MAP_*_BATCH) come from the core,
 *    built on the four element operations, unless the type sets its own
 *    ->map_*_batch().  A type that sets ->map_for_each_callback() for
 *    bpf_for_each_map_elem() gets the kernel's generic
 *    ->map_set_for_each_callback_args() from the core (a program's
 *    callback then sees the key and the value in the map).
 */
#ifndef _LINUX_EXTMAP_H
#define _LINUX_EXTMAP_H

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <uapi/linux/extmap.h>

/* Special fields of values, for struct extmap_type's @btf_fields. */
#define EXTMAP_FIELD_SPIN_LOCK	BIT(0)

struct extmap_map;

/**
 * struct extmap_type - a map type provided by a module
 * @name: unique name, shorter than EXTMAP_TYPE_NAME_LEN
 * @id: unique id, above EXTMAP_MAP_TYPE_BASE and at most
 *	EXTMAP_MAP_TYPE_MAX; types outside extmap take theirs from
 *	EXTMAP_MAP_TYPE_VENDOR_BASE up (see <uapi/linux/extmap.h>)
 * @ops: the type's operations
 * @alloc: make a map's object from @attr, whose map_type is @id, after
 *	->map_alloc_check() accepted @attr: in process context, the
 *	creator's, so GFP_KERNEL_ACCOUNT charges the creator's memory cgroup
 * @free: free what @alloc returned; called from a workqueue once the map
 *	has no user left, or by the core if the kernel refused the map
 * @map_flags: the type-specific BPF_F_* flags it accepts, on top of the
 *	generic ones every type accepts (EXTMAP_GENERIC_MAP_FLAGS)
 * @btf_fields: the EXTMAP_FIELD_* its values may hold
 * @no_delete: the type's keys cannot be deleted (its ->map_delete_elem()
 *	refuses every key, as an array's does): its maps get no delete nor
 *	lookup-and-delete batch, which bpf(2) then refuses with ENOTSUPP,
 *	as it does for BPF_MAP_TYPE_ARRAY
 * @owner: the module providing @ops, normally THIS_MODULE
 * @init: optional, what the type needs before its first map (a slab
 *	cache, say): called by extmap_register_type(), which fails with its
 *	error
 * @exit: optional, undoes @init: called by extmap_unregister_type(),
 *	which the owner calls from its module exit, when none of the type's
 *	maps is left (each holds a reference on @owner)
 * @list: private to the core
 */
struct extmap_type {
	const char *name;
	u32 id;
	const struct bpf_map_ops *ops;
	struct extmap_map *(*alloc)(union bpf_attr *attr);
	void (*free)(struct extmap_map *em);
	u32 map_flags;
	u32 btf_fields;
	bool no_delete;
	struct module *owner;
	int (*init)(void);
	void (*exit)(void);

	struct list_head list;
};

/*
 * What the kernel's map was made with, before the core made it the type's:
 * put back before the kernel's own ->map_free() runs on it.
 */
struct extmap_shell {
	const struct bpf_map_ops *ops;
	enum bpf_map_type map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
};

/**
 * struct extmap_map - the core's part of a map, embedded in the type's
 * @ops: the table the kernel's map->ops points at: the type's operations
 *	and the core's.  One per map, so that extmap_map() gets from the
 *	kernel's map to this object with the one load the call made anyway.
 * @map: the kernel's map, once the core has made it this map's
 * @type: private to the core
 * @shell: private to the core
 */
struct extmap_map {
	struct bpf_map_ops ops;
	struct bpf_map *map;
	struct extmap_type *type;
	struct extmap_shell shell;
};

/**
 * extmap_map - the type's object of a map
 * @map: a map of an extmap type, as the kernel passes it to an operation
 *
 * map->ops is written once, before the kernel publishes the map (core.c),
 * so a plain load is enough.
 */
static __always_inline struct extmap_map *extmap_map(const struct bpf_map *map)
{
	return container_of(map->ops, struct extmap_map, ops);
}

/**
 * extmap_gen_lookup_call - a ->map_gen_lookup() that calls the type directly
 * @obj: the type's object of the map
 * @fn: its lookup, taking @obj and the key, returning the value or NULL
 * @insn_buf: the verifier's buffer
 *
 * For a type whose lookup does not fit in a few instructions: the program
 * calls @fn(@obj, key) with @obj's address as a constant, where the call
 * the verifier would make, ->map_lookup_elem(map, key), first loads
 * map->ops to find @obj.  In: r1 = map, r2 = key; out: r0.
 *
 * Return: the number of instructions.
 */
static inline int extmap_gen_lookup_call(const void *obj,
					 void *(*fn)(void *obj, void *key),
					 struct bpf_insn *insn_buf)
{
	struct bpf_insn ld_obj[2] = {
		BPF_LD_IMM64(BPF_REG_1, (unsigned long)obj),
	};

	insn_buf[0] = ld_obj[0];
	insn_buf[1] = ld_obj[1];
	insn_buf[2] = BPF_EMIT_CALL(fn);
	return 3;
}

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

void extmap_value_copy(struct bpf_map *map, void *dst, void *src, u64 flags);
void extmap_value_read(struct bpf_map *map, void *dst, void *src, u64 flags);
void extmap_value_init(struct bpf_map *map, void *value);
int extmap_check_update_flags(struct bpf_map *map, u64 flags);

#endif /* _LINUX_EXTMAP_H */
