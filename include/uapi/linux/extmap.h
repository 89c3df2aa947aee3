/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * extmap: BPF map types provided by a loadable module.
 *
 * Maps are created through ioctls on /dev/extmap and come back as ordinary
 * BPF map file descriptors: bpf(2), bpffs pinning, bpftool and libbpf all
 * work on them, and BPF programs use them with bpf_map_lookup_elem() and the
 * other map helpers.
 *
 * This header is usable from userspace C and from BPF C.  BPF programs built
 * against a bpftool-generated vmlinux.h get only the map type ids, since the
 * system headers below would clash with vmlinux.h.
 */
#ifndef _UAPI_LINUX_EXTMAP_H
#define _UAPI_LINUX_EXTMAP_H

/*
 * Map type ids.  They are what bpf_map_info.type reports for an extmap map
 * and what a BPF object puts in a map definition's 'type' field.  They sit
 * far above the kernel's own enum bpf_map_type so that they can never
 * collide with it: every id above EXTMAP_MAP_TYPE_BASE and at most
 * EXTMAP_MAP_TYPE_MAX is an extmap type, and the core registers no other.
 * extmap's own types take theirs from the bottom of the range; modules
 * elsewhere take theirs from EXTMAP_MAP_TYPE_VENDOR_BASE up, picking at
 * random within it and saying which they took, as for ioctl numbers.
 * Ids are stable ABI: never renumber, only append.
 */
#define EXTMAP_MAP_TYPE_BASE		0x10000
#define EXTMAP_MAP_TYPE_VENDOR_BASE	0x18000
#define EXTMAP_MAP_TYPE_MAX		0x1ffff
#define EXTMAP_MAP_TYPE_ARRAY	(EXTMAP_MAP_TYPE_BASE + 1)
#define EXTMAP_MAP_TYPE_HASH	(EXTMAP_MAP_TYPE_BASE + 2)
#define EXTMAP_MAP_TYPE_LPM	(EXTMAP_MAP_TYPE_BASE + 3)

#define EXTMAP_DEVICE_NAME	"extmap"
#define EXTMAP_NAME_LEN		16	/* BPF_OBJ_NAME_LEN */
#define EXTMAP_TYPE_NAME_LEN	32

#ifndef __VMLINUX_H__
#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct extmap_create - argument of EXTMAP_IOC_CREATE
 * @type: an EXTMAP_MAP_TYPE_* id
 * @key_size: size of a key in bytes
 * @value_size: size of a value in bytes
 * @max_entries: capacity of the map
 * @map_flags: BPF_F_* map flags; each type accepts its own subset
 * @numa_node: NUMA node for the map's memory, read only with BPF_F_NUMA_NODE
 * @name: map name, NUL-terminated, characters [A-Za-z0-9_.]
 * @map_extra: type-specific; must be 0 for types that do not use it
 * @btf_fd: a BTF object fd, read only when a BTF type id below is set
 * @btf_key_type_id: BTF type of the key in @btf_fd, or 0
 * @btf_value_type_id: BTF type of the value in @btf_fd, or 0
 * @reserved: must be 0
 *
 * The BTF fields are those of bpf(BPF_MAP_CREATE), checked as the kernel
 * checks them: sizes matching @key_size and @value_size, and the special
 * fields of the value (a struct bpf_spin_lock, say) found and accepted or
 * refused by the type.
 *
 * On success the ioctl returns a new BPF map file descriptor, opened
 * read-write (or as restricted by BPF_F_RDONLY / BPF_F_WRONLY) with
 * O_CLOEXEC set.
 *
 * The struct grows at its end only.  Its size is part of the ioctl number
 * (_IOC_SIZE()), and the core takes any size from EXTMAP_CREATE_SIZE_VER0
 * up: fields beyond what the caller passed read as 0, and a caller's
 * bytes beyond what the core knows must be 0 (E2BIG otherwise), as for
 * the kernel's extensible structs.
 */
struct extmap_create {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 numa_node;
	char name[EXTMAP_NAME_LEN];
	__aligned_u64 map_extra;
	__u32 btf_fd;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 reserved;
};

/* The first struct extmap_create, up to and including @map_extra. */
#define EXTMAP_CREATE_SIZE_VER0	48

/**
 * struct extmap_type_info - one registered map type
 * @id: its EXTMAP_MAP_TYPE_* id
 * @reserved: 0
 * @name: its name, NUL-terminated
 */
struct extmap_type_info {
	__u32 id;
	__u32 reserved;
	char name[EXTMAP_TYPE_NAME_LEN];
};

/**
 * struct extmap_types - argument of EXTMAP_IOC_TYPES
 * @count: in, how many entries @types has room for; out, how many types
 *	are registered (may exceed the room given: only that many are copied)
 * @reserved: must be 0
 * @types: user pointer to an array of struct extmap_type_info, or 0 with
 *	@count 0 to ask only for the number of types
 */
struct extmap_types {
	__u32 count;
	__u32 reserved;
	__aligned_u64 types;
};

#define EXTMAP_IOC_MAGIC	0xEB
#define EXTMAP_IOC_CREATE	_IOW(EXTMAP_IOC_MAGIC, 0x01, struct extmap_create)
/* EXTMAP_IOC_CREATE for a struct extmap_create of another size. */
#define EXTMAP_IOC_CREATE_SIZE(size)	_IOC(_IOC_WRITE, EXTMAP_IOC_MAGIC, 0x01, size)
#define EXTMAP_IOC_TYPES	_IOWR(EXTMAP_IOC_MAGIC, 0x02, struct extmap_types)

#endif /* __VMLINUX_H__ */
#endif /* _UAPI_LINUX_EXTMAP_H */
