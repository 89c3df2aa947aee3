// SPDX-License-Identifier: GPL-2.0
/*
 * extmap batch: BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
 * BPF_MAP_UPDATE_BATCH and BPF_MAP_DELETE_BATCH for every type, built on
 * the type's element operations.
 *
 * The kernel's generic batch functions (kernel/bpf/syscall.c) are not
 * exported, so the core has its own, with their results: attr->batch is
 * read as bpf(2) documents it, and every error is the kernel's.
 *
 *  - elem_flags may only hold BPF_F_LOCK, and only for values with a
 *    bpf_spin_lock (EINVAL); flags must be 0 (EINVAL, as BPF_MAP_TYPE_HASH's
 *    lookup batches answer; the kernel's generic functions, which all the
 *    other batches of ARRAY, HASH and LPM_TRIE are, ignore it).
 *  - count 0 does nothing and returns 0; otherwise count is set to 0
 *    first (EFAULT if it cannot be), and to the number of elements done
 *    when the command ends, whether it succeeds or fails part way.
 *  - Lookups walk the map with ->map_get_next_key(): in_batch (NULL for
 *    the first call) and out_batch are keys, map->key_size bytes, and
 *    out_batch is the last key returned (written when count is not 0).
 *    A walk that reaches the end of the map before count is full returns
 *    ENOENT, with the elements found before it; a full count returns 0,
 *    and the next call ENOENT with count 0.  A key that goes away between the walk
 *    and its lookup is skipped.
 *  - Lookup-and-delete takes each key's successor before deleting it, so
 *    that the walk goes on from there; the next call's in_batch, a
 *    deleted key, then restarts the walk from the first key, which is
 *    the first one left.  Each element is copied out before it is
 *    deleted: a fault loses none.
 *  - Updates are BPF_ANY (| BPF_F_LOCK); each element's error, as the
 *    type's update gives it, ends the command.  So does a delete's
 *    (ENOENT for a missing key).
 *
 * bpf(2) calls these in process context; between elements they may
 * sleep, and they reschedule.  Element operations run as the kernel's
 * syscall runs them, in an RCU read-side section.
 */
#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/extmap.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "batch.h"
#include "compat.h"

/* The checks every batch command makes first, in the kernel's order. */
static int extmap_batch_check(struct bpf_map *map, const union bpf_attr *attr)
{
	u64 elem_flags = attr->batch.elem_flags;

	if (elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	if ((elem_flags & BPF_F_LOCK) &&
	    !(extmap_map_btf_fields(map) & EXTMAP_FIELD_SPIN_LOCK))
		return -EINVAL;
	if (attr->batch.flags)
		return -EINVAL;
	return 0;
}

/* Report @cp elements done; -EFAULT if count cannot be written. */
static int extmap_batch_put_count(union bpf_attr __user *uattr, u32 cp)
{
	return copy_to_user(&uattr->batch.count, &cp, sizeof(cp)) ? -EFAULT : 0;
}

static int extmap_batch_next_key(struct bpf_map *map, void *key, void *next)
{
	int err;

	rcu_read_lock();
	err = map->ops->map_get_next_key(map, key, next);
	rcu_read_unlock();
	return err;
}

/* The value of @key into @value, as a bpf(2) lookup copies it. */
static int extmap_batch_copy_value(struct bpf_map *map, void *key,
				   void *value, u64 elem_flags)
{
	void *ptr;
	int err = 0;

	rcu_read_lock();
	ptr = map->ops->map_lookup_elem(map, key);
	if (IS_ERR(ptr))
		err = PTR_ERR(ptr);
	else if (!ptr)
		err = -ENOENT;
	else
		extmap_value_read(map, value, ptr, elem_flags);
	rcu_read_unlock();
	return err;
}

static int extmap_batch_delete(struct bpf_map *map, void *key)
{
	int err;

	rcu_read_lock();
	err = map->ops->map_delete_elem(map, key);
	rcu_read_unlock();
	return err;
}

static int extmap_batch_lookup(struct bpf_map *map, const union bpf_attr *attr,
			       union bpf_attr __user *uattr, bool do_delete)
{
	void __user *in_batch = u64_to_user_ptr(attr->batch.in_batch);
	void __user *out_batch = u64_to_user_ptr(attr->batch.out_batch);
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	void __user *values = u64_to_user_ptr(attr->batch.values);
	u64 elem_flags = attr->batch.elem_flags;
	u32 key_size = map->key_size, value_size = map->value_size;
	void *buf, *prev, *key, *next, *value, *tmp;
	u32 max_count, cp = 0;
	int err, next_err;

	err = extmap_batch_check(map, attr);
	if (err)
		return err;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;

	buf = kvmalloc(3 * (size_t)key_size + value_size,
		       GFP_USER | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	prev = buf;
	key = prev + key_size;
	next = key + key_size;
	value = next + key_size;

	if (in_batch && copy_from_user(prev, in_batch, key_size)) {
		err = -EFAULT;
		goto out;
	}
	err = extmap_batch_next_key(map, in_batch ? prev : NULL, key);
	while (!err) {
		/* Before @key may go: a deleted key restarts the walk. */
		next_err = extmap_batch_next_key(map, key, next);

		err = extmap_batch_copy_value(map, key, value, elem_flags);
		if (err == -ENOENT)
			goto next;	/* deleted since the walk found it */
		if (err)
			break;
		if (copy_to_user(keys + (u64)cp * key_size, key, key_size) ||
		    copy_to_user(values + (u64)cp * value_size, value,
				 value_size)) {
			err = -EFAULT;
			break;
		}
		if (do_delete) {
			err = extmap_batch_delete(map, key);
			if (err == -ENOENT)
				goto next;	/* someone else's now */
			if (err)
				break;
		}
		cp++;
next:
		/* prev <- key <- next, and the old prev is the next scratch. */
		tmp = prev;
		prev = key;
		key = next;
		next = tmp;
		/* As the kernel's: a full count is success, even at the end. */
		if (cp == max_count)
			break;
		err = next_err;
		cond_resched();
	}

	if (extmap_batch_put_count(uattr, cp) ||
	    (cp && copy_to_user(out_batch, prev, key_size)))
		err = -EFAULT;
out:
	kvfree(buf);
	return err;
}

static int extmap_map_lookup_batch(struct bpf_map *map,
				   const union bpf_attr *attr,
				   union bpf_attr __user *uattr)
{
	return extmap_batch_lookup(map, attr, uattr, false);
}

static int extmap_map_lookup_and_delete_batch(struct bpf_map *map,
					      const union bpf_attr *attr,
					      union bpf_attr __user *uattr)
{
	return extmap_batch_lookup(map, attr, uattr, true);
}

static int extmap_map_update_batch(struct bpf_map *map,
				   EXTMAP_UPDATE_BATCH_FILE_ARG
				   const union bpf_attr *attr,
				   union bpf_attr __user *uattr)
{
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	void __user *values = u64_to_user_ptr(attr->batch.values);
	u64 elem_flags = attr->batch.elem_flags;
	u32 key_size = map->key_size, value_size = map->value_size;
	u32 max_count, cp;
	void *key, *value;
	int err;

	err = extmap_batch_check(map, attr);
	if (err)
		return err;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;

	key = kvmalloc((size_t)key_size + value_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;
	value = key + key_size;

	for (cp = 0; cp < max_count; cp++) {
		if (copy_from_user(key, keys + (u64)cp * key_size, key_size) ||
		    copy_from_user(value, values + (u64)cp * value_size,
				   value_size)) {
			err = -EFAULT;
			break;
		}
		rcu_read_lock();
		err = map->ops->map_update_elem(map, key, value, elem_flags);
		rcu_read_unlock();
		if (err)
			break;
		cond_resched();
	}

	if (extmap_batch_put_count(uattr, cp))
		err = -EFAULT;
	kvfree(key);
	return err;
}

static int extmap_map_delete_batch(struct bpf_map *map,
				   const union bpf_attr *attr,
				   union bpf_attr __user *uattr)
{
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 key_size = map->key_size;
	u32 max_count, cp;
	void *key;
	int err;

	err = extmap_batch_check(map, attr);
	if (err)
		return err;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;

	key = kvmalloc(key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;

	for (cp = 0; cp < max_count; cp++) {
		if (copy_from_user(key, keys + (u64)cp * key_size, key_size)) {
			err = -EFAULT;
			break;
		}
		err = extmap_batch_delete(map, key);
		if (err)
			break;
		cond_resched();
	}

	if (extmap_batch_put_count(uattr, cp))
		err = -EFAULT;
	kvfree(key);
	return err;
}

/**
 * extmap_batch_set_ops - give a map's ops the batch commands
 * @ops: the map's table (struct extmap_map's), a copy of @type's ops
 * @type: the map's type
 *
 * What @type sets itself stays.  A type with @no_delete gets no delete
 * nor lookup-and-delete batch: bpf(2) answers ENOTSUPP, as for
 * BPF_MAP_TYPE_ARRAY.
 */
void extmap_batch_set_ops(struct bpf_map_ops *ops,
			  const struct extmap_type *type)
{
	if (!ops->map_lookup_batch)
		ops->map_lookup_batch = extmap_map_lookup_batch;
	if (!ops->map_update_batch)
		ops->map_update_batch = extmap_map_update_batch;
	if (type->no_delete)
		return;
	if (!ops->map_lookup_and_delete_batch)
		ops->map_lookup_and_delete_batch =
			extmap_map_lookup_and_delete_batch;
	if (!ops->map_delete_batch)
		ops->map_delete_batch = extmap_map_delete_batch;
}
