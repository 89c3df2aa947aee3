// SPDX-License-Identifier: GPL-2.0
/*
 * extmap core: a registry of BPF map types provided by modules, and the
 * /dev/extmap device that creates maps of those types.
 *
 * The kernel's table of map types is static and offers modules no way in.
 * It does accept any struct bpf_map that reaches it through a file of the
 * BPF map file type, though: the verifier, the JIT and bpf(2) reach a map's
 * behaviour only through map->ops.  So the core builds the struct bpf_map
 * as map_create() in kernel/bpf/syscall.c would and wraps it in an anon
 * inode file with the kernel's own BPF map file operations.  Those are not
 * exported; the core takes their address at load time from a map that it
 * asks the kernel to create.  Documentation/design.md has the whole story.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/extmap.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "types.h"

/* The kernel's BPF map file operations: what makes a file a BPF map. */
static const struct file_operations *kernel_map_fops;

static LIST_HEAD(extmap_types);
static DEFINE_MUTEX(extmap_types_mutex);

/*
 * Every map holds a reference on its type's module, taken at creation, so
 * that neither the type's operations nor its kernel_ops table can go away
 * under a live map.  The kernel calls this last, from a workqueue, once
 * the map has no user left.
 */
static void extmap_map_free(struct bpf_map *map)
{
	struct extmap_type *type = container_of(map->ops, struct extmap_type,
						kernel_ops);
	struct module *owner = type->owner;

	type->ops->map_free(map);
	module_put(owner);
}

static bool extmap_type_valid(const struct extmap_type *type)
{
	const struct bpf_map_ops *ops = type->ops;

	return type->name && type->name[0] &&
	       strlen(type->name) < EXTMAP_TYPE_NAME_LEN &&
	       type->id > EXTMAP_MAP_TYPE_BASE &&
	       type->id <= EXTMAP_MAP_TYPE_MAX && ops &&
	       ops->map_alloc && ops->map_free && ops->map_lookup_elem &&
	       ops->map_update_elem && ops->map_delete_elem &&
	       ops->map_get_next_key && extmap_has_mem_usage(ops);
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
	/*
	 * The kernel sees a copy of the type's operations whose ->map_free()
	 * runs in the core, so the module reference is dropped after the
	 * type's own code has returned.
	 */
	type->kernel_ops = *type->ops;
	type->kernel_ops.map_free = extmap_map_free;
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

	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)))
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

static void extmap_attr_init(union bpf_attr *attr,
			     const struct extmap_create *req)
{
	memset(attr, 0, sizeof(*attr));
	attr->map_type = req->type;
	attr->key_size = req->key_size;
	attr->value_size = req->value_size;
	attr->max_entries = req->max_entries;
	attr->map_flags = req->map_flags;
	if (req->map_flags & BPF_F_NUMA_NODE)
		attr->numa_node = req->numa_node;
	strscpy(attr->map_name, req->name, sizeof(attr->map_name));
}

/*
 * Set the generic fields as map_create() does.  Left zero on purpose:
 * ->id (the kernel's id allocator is private: such a map has no id),
 * ->btf and its type ids (no BTF), ->record (no special fields in values),
 * ->objcg (the type's memory is charged at allocation instead), ->security
 * (extmap refuses to load when an LSM would expect it set) and ->cookie.
 */
static void extmap_map_init(struct bpf_map *map, struct extmap_type *type,
			    const union bpf_attr *attr)
{
	map->ops = &type->kernel_ops;
	map->map_type = attr->map_type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	/* As in the kernel, the file's access mode stands for these two. */
	map->map_flags = attr->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	map->numa_node = bpf_map_attr_numa_node(attr);
	map->map_extra = attr->map_extra;
	strscpy(map->name, attr->map_name, sizeof(map->name));
	atomic64_set(&map->refcnt, 1);
	atomic64_set(&map->usercnt, 1);
	mutex_init(&map->freeze_mutex);
	spin_lock_init(&map->owner_lock);
	extmap_compat_map_init(map);
}

static int extmap_file_flags(u32 map_flags)
{
	if (map_flags & BPF_F_RDONLY)
		return O_RDONLY;
	if (map_flags & BPF_F_WRONLY)
		return O_WRONLY;
	return O_RDWR;
}

static long extmap_ioctl_create(struct extmap_create __user *ureq)
{
	struct extmap_create req;
	struct extmap_type *type;
	union bpf_attr attr;
	struct bpf_map *map;
	int err, fd;

	/* What bpf(BPF_MAP_CREATE) asks of all but a few map types. */
	if (!bpf_capable())
		return -EPERM;
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
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
	map = type->ops->map_alloc(&attr);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto put_type;
	}
	extmap_map_init(map, type, &attr);

	fd = anon_inode_getfd("bpf-map", kernel_map_fops, map,
			      extmap_file_flags(req.map_flags) | O_CLOEXEC);
	if (fd < 0) {
		/* Nobody else has seen the map: free it here and now. */
		type->ops->map_free(map);
		err = fd;
		goto put_type;
	}
	/* The map keeps the module reference; extmap_map_free() drops it. */
	return fd;

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

	switch (cmd) {
	case EXTMAP_IOC_CREATE:
		return extmap_ioctl_create(uarg);
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

/*
 * Learn the kernel's BPF map file operations from a map the kernel makes
 * for us, through the current (insmod) task's fd table.
 */
static int __init extmap_find_map_fops(void)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY,
		.key_size = sizeof(u32),
		.value_size = sizeof(u32),
		.max_entries = 1,
	};
	struct bpf_map *map;
	struct file *file;
	int fd, err = 0;

	fd = kern_sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return fd;
	file = fget(fd);
	close_fd(fd);
	if (!file)
		return -EBADF;

	map = file->private_data;
	kernel_map_fops = file->f_op;
#ifdef CONFIG_SECURITY
	/*
	 * An active LSM that keeps per-map state (SELinux does) would find
	 * none on extmap's maps: security_bpf_map_alloc() is not exported.
	 */
	if (map->security) {
		pr_err("an active LSM tracks BPF maps; extmap cannot create maps it would accept\n");
		err = -EOPNOTSUPP;
	}
#endif
	fput(file);
	return err;
}

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

	err = extmap_find_map_fops();
	if (err)
		return err;

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
	return err;
}

static void __exit extmap_exit(void)
{
	misc_deregister(&extmap_dev);
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
