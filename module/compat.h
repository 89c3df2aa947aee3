/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels extmap builds for, all in one place.
 * Each entry names the release that changed what extmap relies on.
 */
#ifndef _EXTMAP_COMPAT_H
#define _EXTMAP_COMPAT_H

#include <linux/bpf.h>
#include <linux/module.h>
#include <linux/version.h>

/*
 * kern_sys_bpf() is exported into the BPF_INTERNAL namespace on some
 * kernels; Kbuild reads the target's Module.symvers to tell.
 */
#ifdef EXTMAP_IMPORT_BPF_INTERNAL
MODULE_INFO(import_ns, "BPF_INTERNAL");
#endif

/*
 * Exported for light skeletons since 5.18, but declared in no kernel
 * header; this is its definition's prototype in kernel/bpf/syscall.c.
 */
int kern_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/* 6.4: bpf_map_ops element operations return long instead of int. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
typedef long extmap_ret_t;
#else
typedef int extmap_ret_t;
#endif

/* 6.6: ->map_mem_usage() reports a map's memory; mandatory since. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define EXTMAP_HAVE_MEM_USAGE 1
#define extmap_has_mem_usage(ops) ((ops)->map_mem_usage != NULL)
#else
#define EXTMAP_HAVE_MEM_USAGE 0
#define extmap_has_mem_usage(ops) true
#endif

/*
 * Before 6.2 the offsets of a bpf_spin_lock and a bpf_timer in the value
 * were fields of struct bpf_map, valid when >= 0.  A zeroed map would claim
 * a spin lock at offset 0: the verifier would then demand bpf_spin_lock()
 * discipline and bpf(2) would skip copying those bytes.  Since 6.2 a NULL
 * map->record means "no special fields".
 */
static inline void extmap_compat_map_init(struct bpf_map *map)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	map->spin_lock_off = -EINVAL;
	map->timer_off = -EINVAL;
#endif
}

#endif /* _EXTMAP_COMPAT_H */
