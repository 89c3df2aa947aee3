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
 * Before 6.2 the offsets of a bpf_spin_lock and a bpf_timer in the value
 * were fields of struct bpf_map, valid when >= 0.  A zeroed map would claim
 * a spin lock at offset 0: the verifier would then demand bpf_spin_lock()
 * discipline and bpf(2) would skip copying those bytes.  Since 6.2 a NULL
 * map->record means "no special fields".
 */
static inline void extmap_compat_map_init(struct bpf_map *map)
{
#ifdef EXTMAP_HAVE_SPIN_LOCK_OFF
	map->spin_lock_off = -EINVAL;
	map->timer_off = -EINVAL;
#endif
}

#endif /* _EXTMAP_COMPAT_H */
