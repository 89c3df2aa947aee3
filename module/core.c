// SPDX-License-Identifier: GPL-2.0
/*
 * extmap core: a registry of BPF map types provided by modules, and the
 * /dev/extmap device that creates maps of those types.
 *
 * The kernel's table of map types is static and offers modules no way in.
 * It does accept any struct bpf_map whose ->ops a module provides, though:
 * the verifier, the JIT and bpf(2) reach a map's behaviour only through
 * map->ops.  So the core lets the kernel create a map, of a kernel type
 * (the "shell"), and makes it the extmap type's before anyone else can
 * see it.  The kernel's map_create() then does for it all it does for its
 * own maps: id, cookie, LSM state, memory cgroup, BTF and the value's
 * special fields, the fd.  Documentation/design.md has the whole story.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/extmap.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "batch.h"
#include "compat.h"
#include "types.h"

static LIST_HEAD(extmap_types);
static DEFINE_MUTEX(extmap_types_mutex);

/*
 * Called by the kernel last, from a workqueue, once the map has no user
 * left; or by map_create() if it fails after the core made the map the
 * type's.  The type frees its object, then the map is given back to the
 * shell's own ->map_free() as the shell's type made it.  Every map holds
 * a reference on its type's module, taken at creation, so that neither
 * the type's operations nor its object can go away under a live map.
 */
static void extmap_map_free(struct bpf_map *map)
{
	struct extmap_map *em = extmap_map(map);
	struct extmap_shell shell = em->shell;
	struct extmap_type *type = em->type;
	struct module *owner = type->owner;

	type->free(em);
	map->ops = shell.ops;
	map->map_type = shell.map_type;
	map->key_size = shell.key_size;
	map->value_size = shell.value_size;
	map->max_entries = shell.max_entries;
	map->map_flags = shell.map_flags;
	map->map_extra = 0;
	shell.ops->map_free(map);
	module_put(owner);
}

static bool extmap_type_valid(const struct extmap_type *type)
{
	const struct bpf_map_ops *ops = type->ops;

	/*
	 * ->map_meta_equal() would let the kernel copy map->ops into the
	 * template of a map-in-map, which holds no reference on the map:
	 * the per-map table would be freed under it.
	 */
	return type->name && type->name[0] &&
	       strlen(type->name) < EXTMAP_TYPE_NAME_LEN &&
	       type->id > EXTMAP_MAP_TYPE_BASE &&
	       type->id <= EXTMAP_MAP_TYPE_MAX && type->alloc && type->free &&
	       !(type->btf_fields & ~EXTMAP_FIELD_SPIN_LOCK) && ops &&
	       !ops->map_alloc && !ops->map_free && !ops->map_meta_equal &&
	       ops->map_lookup_elem && ops->map_update_elem &&
	       ops->map_delete_elem && ops->map_get_next_key &&
	       extmap_has_mem_usage(ops);
}

/**
 * extmap_register_type - make a map type available through /dev/extmap
 * @type: the type; it must stay valid until extmap_unregister_type()
 *
 * Return: 0; -EINVAL if @type lacks a mandatory operation or has a bad
 * name or id; -EEXIST if its id or name is taken; or what @type->init()
 * returned.
 */
int extmap_register_type(struct extmap_type *type)
{
	struct extmap_type *t;
	int err = 0;

	if (!extmap_type_valid(type))
		return -EINVAL;

	mutex_lock(&extmap_types_mutex);
	list_for_each_entry(t, &extmap_types, list) {
		if (t->id == type->id || !strcmp(t->name, type->name)) {
			err = -EEXIST;
			goto out;
		}
	}
	if (type->init) {
		err = type->init();
		if (err)
			goto out;
	}
	list_add_tail(&type->list, &extmap_types);
out:
	mutex_unlock(&extmap_types_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(extmap_register_type);

/**
 * extmap_unregister_type - stop creating maps of a type
 * @type: a registered type
 *
 * Called from the exit of @type's module: maps hold a reference on that
 * module, so none of the type's maps is left, and @type->exit() may run.
 */
void extmap_unregister_type(struct extmap_type *type)
{
	mutex_lock(&extmap_types_mutex);
	list_del(&type->list);
	mutex_unlock(&extmap_types_mutex);
	if (type->exit)
		type->exit();
}
EXPORT_SYMBOL_GPL(extmap_unregister_type);

/**
 * extmap_area_alloc - allocate zeroed memory for a map
 * @size: bytes; more than EXTMAP_MAX_AREA_SIZE fails
 * @numa_node: preferred node, or NUMA_NO_NODE
 *
 * The memory is charged to the memory cgroup of the task creating the map,
 * as the kernel's maps are.  Failures are silent and never call the OOM
 * killer: the size comes from userspace, and ENOMEM is its answer.  Free
 * with kvfree().
 */
void *extmap_area_alloc(u64 size, int numa_node)
{
	if (size > EXTMAP_MAX_AREA_SIZE)
		return NULL;
	/*
	 * As bpf_map_area_alloc(): a map too large for the memory left gets
	 * ENOMEM rather than the OOM killer.
	 */
	return kvzalloc_node(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
			     __GFP_RETRY_MAYFAIL, numa_node);
}
EXPORT_SYMBOL_GPL(extmap_area_alloc);

/*
 * A struct bpf_spin_lock is what the kernel's bpf_spin_lock() makes of it
 * (kernel/bpf/helpers.c): an arch_spinlock_t, taken with interrupts off.
 * The core takes it the same way, so that bpf(2) and programs exclude
 * each other on one value.
 */
#if !defined(CONFIG_QUEUED_SPINLOCKS) && !defined(CONFIG_BPF_ARCH_SPINLOCK)
#error "bpf_spin_lock is not an arch_spinlock_t on this kernel"
#endif

/**
 * extmap_value_copy - store a value into a map, as the kernel's maps do
 * @map: the map
 * @dst: the value in the map
 * @src: the new value, from bpf(2) or a program
 * @flags: the update's flags: with BPF_F_LOCK, copy under @dst's lock
 *
 * The special fields of @dst (a bpf_spin_lock) keep what they hold.  The
 * caller has checked @flags with extmap_check_update_flags().
 */
void extmap_value_copy(struct bpf_map *map, void *dst, void *src, u64 flags)
{
	arch_spinlock_t *lock;
	unsigned long irqflags;

	if (!(flags & BPF_F_LOCK)) {
		copy_map_value(map, dst, src);
		return;
	}
	BUILD_BUG_ON(sizeof(arch_spinlock_t) != sizeof(struct bpf_spin_lock));
	lock = dst + extmap_spin_lock_off(map);
	local_irq_save(irqflags);
	arch_spin_lock(lock);
	copy_map_value(map, dst, src);
	arch_spin_unlock(lock);
	local_irq_restore(irqflags);
}
EXPORT_SYMBOL_GPL(extmap_value_copy);

/**
 * extmap_value_read - copy a value out of a map, as bpf(2) lookups do
 * @map: the map
 * @dst: a buffer of map->value_size bytes, for bpf(2) to copy out
 * @src: the value in the map
 * @flags: the lookup's flags: with BPF_F_LOCK, copy under @src's lock
 *
 * The special fields (a bpf_spin_lock) are not copied: they read as zero
 * in @dst, as in the kernel's lookups.  The caller has checked @flags.
 */
void extmap_value_read(struct bpf_map *map, void *dst, void *src, u64 flags)
{
	arch_spinlock_t *lock;
	unsigned long irqflags;

	if (!(flags & BPF_F_LOCK)) {
		copy_map_value(map, dst, src);
	} else {
		lock = src + extmap_spin_lock_off(map);
		local_irq_save(irqflags);
		arch_spin_lock(lock);
		copy_map_value(map, dst, src);
		arch_spin_unlock(lock);
		local_irq_restore(irqflags);
	}
	check_and_init_map_value(map, dst);
}
EXPORT_SYMBOL_GPL(extmap_value_read);

/**
 * extmap_value_init - clear the special fields of a value new to a map
 * @map: the map
 * @value: the value, whose other bytes extmap_value_copy() then fills
 */
void extmap_value_init(struct bpf_map *map, void *value)
{
	check_and_init_map_value(map, value);
}
EXPORT_SYMBOL_GPL(extmap_value_init);

/**
 * extmap_check_update_flags - the flags check of the kernel's updates
 * @map: the map
 * @flags: the update's flags
 *
 * Return: 0, or -EINVAL for an unknown flag, or for BPF_F_LOCK on a map
 * whose values have no bpf_spin_lock, as BPF_MAP_TYPE_HASH answers.
 */
int extmap_check_update_flags(struct bpf_map *map, u64 flags)
{
	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely((flags & BPF_F_LOCK) &&
		     !(extmap_map_btf_fields(map) & EXTMAP_FIELD_SPIN_LOCK)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(extmap_check_update_flags);

/* Find a type by id and pin its module; NULL if none or going away. */
static struct extmap_type *extmap_get_type(u32 id)
{
	struct extmap_type *type, *found = NULL;

	mutex_lock(&extmap_types_mutex);
	list_for_each_entry(type, &extmap_types, list) {
		if (type->id == id) {
			if (try_module_get(type->owner))
				found = type;
			break;
		}
	}
	mutex_unlock(&extmap_types_mutex);
	return found;
}

static bool extmap_name_char_valid(char c)
{
	return (isascii(c) && isalnum(c)) || c == '_' || c == '.';
}

/*
 * The map name rules of bpf(BPF_MAP_CREATE), but ASCII only: the kernel's
 * isalnum() also takes Latin-1 letters, which tools reading the name as
 * UTF-8 would mangle.
 */
static bool extmap_name_valid(const char *name)
{
	size_t i, len = strnlen(name, EXTMAP_NAME_LEN);

	if (len == EXTMAP_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!extmap_name_char_valid(name[i]))
			return false;
	return true;
}

/* Checks that do not depend on the type. */
static int extmap_check_request(const struct extmap_create *req)
{
	u32 flags = req->map_flags;

	if (req->reserved)
		return -EINVAL;
	/* No type uses map_extra yet; it is there to mirror bpf_attr. */
	if (req->map_extra)
		return -EINVAL;
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if ((flags & BPF_F_RDONLY_PROG) && (flags & BPF_F_WRONLY_PROG))
		return -EINVAL;
	if ((flags & BPF_F_NUMA_NODE) && (int)req->numa_node != NUMA_NO_NODE &&
	    (req->numa_node >= nr_node_ids || !node_online(req->numa_node)))
		return -EINVAL;
	if (!extmap_name_valid(req->name))
		return -EINVAL;
	return 0;
}

/* The attributes the type sees: those of the map it makes. */
static void extmap_attr_init(union bpf_attr *attr,
			     const struct extmap_create *req)
{
	memset(attr, 0, sizeof(*attr));
	attr->map_type = req->type;
	attr->key_size = req->key_size;
	attr->value_size = req->value_size;
	attr->max_entries = req->max_entries;
	attr->map_flags = req->map_flags;
	attr->map_extra = req->map_extra;
	if (req->map_flags & BPF_F_NUMA_NODE)
		attr->numa_node = req->numa_node;
	strscpy(attr->map_name, req->name, sizeof(attr->map_name));
	attr->btf_fd = req->btf_fd;
	attr->btf_key_type_id = req->btf_key_type_id;
	attr->btf_value_type_id = req->btf_value_type_id;
}

/*
 * Making a kernel map the type's
 *
 * The core asks bpf(BPF_MAP_CREATE) for the shell: a BPF_MAP_TYPE_HASH of
 * one entry, in the creator's context, so that the kernel charges it to
 * the creator's memory cgroup, gives it the creator's LSM label, and looks
 * the BTF fd up in the creator's fd table.  With BTF the shell has the
 * map's key and value sizes, for the kernel to check the BTF against them
 * and find the value's special fields (BPF_MAP_TYPE_HASH accepts them all:
 * the core then refuses those the type does not take); without, it has
 * the smallest.  The shell's own storage stays unused until the map is
 * freed.
 *
 * map_create() calls EXTMAP_CLAIM_SYMBOL (a security hook) once the map
 * is complete and before it has an id or an fd, and the core probes that
 * call: in the creating task, the probe makes the map the type's
 * (extmap_claim_map()).  Nobody else can reach the map yet, so plain
 * stores do, and nothing of the shell's type runs on it again until
 * extmap_map_free() gives it back for its ->map_free().  LSMs (SELinux,
 * BPF LSM programs) see the map as the type's, and if one of them, or
 * the id or fd allocation after it, fails, map_create() frees the map
 * through extmap_map_free() like any other.
 *
 * Creations take extmap_create_mutex around bpf(2): the probe then knows
 * which task's map_create() is the core's, and what it is for.
 */
struct extmap_claim {
	struct extmap_map *em;
	const struct extmap_create *req;
	bool seen;			/* the probe saw the map */
	bool taken;			/* the map is the type's */
};

static DEFINE_MUTEX(extmap_create_mutex);
/* The task in the core's bpf(2) call, or NULL; and what for. */
static struct task_struct *extmap_claim_task;
static struct extmap_claim extmap_claim;

/* Is the map the probe sees the shell the core asked for? */
static bool extmap_shell_valid(const struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_HASH && map->max_entries == 1;
}

static void extmap_claim_map(struct extmap_claim *claim, struct bpf_map *map)
{
	const struct extmap_create *req = claim->req;
	struct extmap_map *em = claim->em;

	em->shell = (struct extmap_shell) {
		.ops = map->ops,
		.map_type = map->map_type,
		.key_size = map->key_size,
		.value_size = map->value_size,
		.max_entries = map->max_entries,
		.map_flags = map->map_flags,
	};
	em->map = map;
	/*
	 * Programs may read the generic fields through the map pointer,
	 * typed as the shell's struct, which the map still is.
	 */
	if (!em->ops.map_btf_id)
		em->ops.map_btf_id = map->ops->map_btf_id;
	/*
	 * The verifier asks ->map_set_for_each_callback_args() to type the
	 * callback's arguments of bpf_for_each_map_elem(): the kernel's own
	 * (map_set_for_each_callback_args() in verifier.c) is not exported,
	 * but the shell, a BPF_MAP_TYPE_HASH, has it in its ops.  It types
	 * the key and value as the map's, whatever the map's type.
	 */
	if (em->ops.map_for_each_callback &&
	    !em->ops.map_set_for_each_callback_args)
		em->ops.map_set_for_each_callback_args =
			map->ops->map_set_for_each_callback_args;

	map->key_size = req->key_size;
	map->value_size = req->value_size;
	map->max_entries = req->max_entries;
	/* As in the kernel, the file's access mode stands for these two. */
	map->map_flags = req->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	map->map_extra = req->map_extra;
	map->map_type = req->type;
	map->ops = &em->ops;
	claim->taken = true;
}

static int extmap_claim_pre(struct kprobe *probe, struct pt_regs *regs)
{
	struct bpf_map *map = (void *)regs_get_kernel_argument(regs, 0);
	struct extmap_claim *claim = &extmap_claim;

	/* Written by this task before its bpf(2) call, or another's. */
	if (READ_ONCE(extmap_claim_task) != current || claim->seen)
		return 0;
	claim->seen = true;
	if (!extmap_shell_valid(map) ||
	    (extmap_map_btf_fields(map) & ~claim->em->type->btf_fields))
		return 0;
	extmap_claim_map(claim, map);
	return 0;
}

static struct kprobe extmap_claim_probe = {
	.symbol_name	= EXTMAP_CLAIM_SYMBOL,
	.pre_handler	= extmap_claim_pre,
};

static void extmap_shell_attr(union bpf_attr *attr,
			      const struct extmap_create *req)
{
	bool btf = req->btf_key_type_id || req->btf_value_type_id;

	memset(attr, 0, sizeof(*attr));
	attr->map_type = BPF_MAP_TYPE_HASH;
	attr->key_size = btf ? req->key_size : sizeof(u32);
	attr->value_size = btf ? req->value_size : sizeof(u32);
	attr->max_entries = 1;
	attr->map_flags = req->map_flags &
			  (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY);
	attr->numa_node = req->map_flags & BPF_F_NUMA_NODE ? req->numa_node : 0;
	strscpy(attr->map_name, req->name, sizeof(attr->map_name));
	attr->btf_fd = req->btf_fd;
	attr->btf_key_type_id = req->btf_key_type_id;
	attr->btf_value_type_id = req->btf_value_type_id;
}

/*
 * Have the kernel create the map, made @em's.  Return: the map's fd; or
 * an error, and then @em is the map's to free if *@taken, else still the
 * caller's.
 */
static int extmap_create_map(struct extmap_map *em,
			     const struct extmap_create *req, bool *taken)
{
	union bpf_attr attr;
	bool seen;
	int fd;

	extmap_shell_attr(&attr, req);
	mutex_lock(&extmap_create_mutex);
	extmap_claim = (struct extmap_claim) { .em = em, .req = req };
	WRITE_ONCE(extmap_claim_task, current);
	fd = kern_sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	WRITE_ONCE(extmap_claim_task, NULL);
	seen = extmap_claim.seen;
	*taken = extmap_claim.taken;
	mutex_unlock(&extmap_create_mutex);

	if (fd < 0 || *taken)
		return fd;
	/*
	 * The kernel made a map of its own: the probe did not fire (kprobes
	 * disabled?), or the value has special fields the type cannot hold.
	 * Nobody has used it for anything but a kernel hash map.
	 */
	close_fd(fd);
	if (!seen)
		pr_warn_once("the probe on %s did not fire: kprobes disabled?\n",
			     EXTMAP_CLAIM_SYMBOL);
	return -EOPNOTSUPP;
}

static long extmap_ioctl_create(struct extmap_create __user *ureq,
				size_t size)
{
	struct extmap_create req;
	struct extmap_type *type;
	struct extmap_map *em;
	union bpf_attr attr;
	bool taken;
	int err, fd;

	/* What bpf(BPF_MAP_CREATE) asks of all but a few map types. */
	if (!bpf_capable())
		return -EPERM;
	if (size < EXTMAP_CREATE_SIZE_VER0)
		return -EINVAL;
	err = copy_struct_from_user(&req, sizeof(req), ureq, size);
	if (err)
		return err;
	err = extmap_check_request(&req);
	if (err)
		return err;

	type = extmap_get_type(req.type);
	if (!type)
		return -ENOENT;

	err = -EINVAL;
	if (req.map_flags & ~(EXTMAP_GENERIC_MAP_FLAGS | type->map_flags))
		goto put_type;

	extmap_attr_init(&attr, &req);
	if (type->ops->map_alloc_check) {
		err = type->ops->map_alloc_check(&attr);
		if (err)
			goto put_type;
	}
	em = type->alloc(&attr);
	if (IS_ERR(em)) {
		err = PTR_ERR(em);
		goto put_type;
	}
	em->type = type;
	em->ops = *type->ops;
	em->ops.map_free = extmap_map_free;
	extmap_batch_set_ops(&em->ops, type);

	fd = extmap_create_map(em, &req, &taken);
	/* A map of the type keeps the module reference. */
	if (taken)
		return fd;
	type->free(em);
	err = fd;
put_type:
	module_put(type->owner);
	return err;
}

static long extmap_ioctl_types(struct extmap_types __user *ureq)
{
	struct extmap_type_info __user *uinfo;
	struct extmap_type_info info;
	struct extmap_types req;
	struct extmap_type *type;
	u32 n = 0;
	int err = 0;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	uinfo = u64_to_user_ptr(req.types);

	mutex_lock(&extmap_types_mutex);
	list_for_each_entry(type, &extmap_types, list) {
		if (n < req.count) {
			memset(&info, 0, sizeof(info));
			info.id = type->id;
			strscpy(info.name, type->name, sizeof(info.name));
			if (copy_to_user(&uinfo[n], &info, sizeof(info))) {
				err = -EFAULT;
				break;
			}
		}
		n++;
	}
	mutex_unlock(&extmap_types_mutex);

	if (!err && put_user(n, &ureq->count))
		err = -EFAULT;
	return err;
}

static long extmap_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The size of struct extmap_create is the caller's (uapi header). */
	if (cmd == EXTMAP_IOC_CREATE_SIZE(_IOC_SIZE(cmd)))
		return extmap_ioctl_create(uarg, _IOC_SIZE(cmd));

	switch (cmd) {
	case EXTMAP_IOC_TYPES:
		return extmap_ioctl_types(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations extmap_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= extmap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice extmap_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= EXTMAP_DEVICE_NAME,
	.fops	= &extmap_fops,
	.mode	= 0600,
};

static struct extmap_type *const extmap_builtin_types[] = {
	&extmap_array_type,
	&extmap_hash_type,
	&extmap_lpm_type,
};

static void extmap_unregister_builtin(unsigned int n)
{
	while (n--)
		extmap_unregister_type(extmap_builtin_types[n]);
}

static int __init extmap_init(void)
{
	unsigned int i;
	int err;

	err = register_kprobe(&extmap_claim_probe);
	if (err) {
		pr_err("cannot probe %s (%d): maps could not be made extmap's\n",
		       EXTMAP_CLAIM_SYMBOL, err);
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(extmap_builtin_types); i++) {
		err = extmap_register_type(extmap_builtin_types[i]);
		if (err)
			goto unregister;
	}
	err = misc_register(&extmap_dev);
	if (err)
		goto unregister;
	return 0;

unregister:
	extmap_unregister_builtin(i);
	unregister_kprobe(&extmap_claim_probe);
	return err;
}

static void __exit extmap_exit(void)
{
	misc_deregister(&extmap_dev);
	unregister_kprobe(&extmap_claim_probe);
	extmap_unregister_builtin(ARRAY_SIZE(extmap_builtin_types));
	/*
	 * extmap_map_free() drops a map's reference on this module as its
	 * last act, yet still has to return through this module's text.  An
	 * RCU Tasks grace period ends only once every task has scheduled
	 * voluntarily, which no task does between that module_put() and
	 * the return, so after it no task is left in this module.
	 */
	synchronize_rcu_tasks();
}

module_init(extmap_init);
module_exit(extmap_exit);

EXTMAP_IMPORT_NS();
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BPF map types provided by a module");
