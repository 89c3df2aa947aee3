// SPDX-License-Identifier: GPL-2.0
/*
 * extmap hash: keys of any size mapped to values, in preallocated elements.
 *
 * The counterpart of a preallocated BPF_MAP_TYPE_HASH, with its results for
 * every operation and flag.  Every element the map can ever need is
 * allocated at creation, so updates never allocate, and no element memory
 * is freed while the map lives.
 *
 * Lookups take no lock: buckets are RCU nulls lists.  An update builds the
 * new element off to the side and links it in before it unlinks the old
 * one, so a lookup sees the old value or the new, whole.  A deleted or
 * replaced element goes straight back to the free list, as it does in a
 * preallocated BPF_MAP_TYPE_HASH: a program still holding a pointer to it
 * reads valid memory, but that memory may be reused by a later update.
 * Each list ends in a nulls marker naming its bucket, so a lookup that
 * followed a recycled element into another bucket notices and restarts.
 *
 * Updates and deletes lock one bucket, and the free list inside it, with
 * interrupts off.  A program that fires inside an update on the same CPU
 * (from NMI, or a kprobe on a function the update calls) is told so by
 * struct extmap_busy and gets EBUSY instead of a deadlock, as from the
 * kernel's hash maps.  In NMI the locks are only tried: another CPU may
 * hold one for as long as its update takes, and an NMI must not wait
 * (lockdep reports any lock an NMI could wait for), so a contended update
 * in NMI gets EBUSY too.  The locks are raw spinlocks, spinning even on
 * PREEMPT_RT, and nothing is allocated under them.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist_nulls.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "types.h"

struct ext_hash_elem {
	/* Readers may still walk ->node.next after the element is freed. */
	struct hlist_nulls_node node;
	struct ext_hash_elem *free_next;
	u32 hash;
	/* The key, then the value at round_up(key_size, 8). */
	char key[] __aligned(8);
};

struct ext_hash_bucket {
	struct hlist_nulls_head head;
	raw_spinlock_t lock;
};

struct ext_hash {
	struct ext_hash_bucket *buckets;
	void *elems;
	struct ext_hash_elem *free_list;
	raw_spinlock_t free_lock;	/* nests inside a bucket lock */
	atomic_t count;			/* keys in the map */
	u32 n_buckets;			/* a power of two */
	u32 elem_size;
	u32 hashrnd;
	u32 key_size;
	struct extmap_busy busy;
	/* Distinct per map: a program may nest one map's update in another. */
	struct lock_class_key lockdep_key;
	struct extmap_map em;
};

static struct ext_hash *ext_hash(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct ext_hash, em);
}

static u64 ext_hash_elem_size(u32 key_size, u32 value_size)
{
	return sizeof(struct ext_hash_elem) + round_up((u64)key_size, 8) +
	       round_up((u64)value_size, 8);
}

/*
 * One spare element per CPU beyond max_entries: an update replacing a key
 * takes its new element before it frees the old one, and a CPU runs at
 * most one update of the map at a time (see struct extmap_busy).
 */
static u64 ext_hash_pool_size(u32 max_entries)
{
	return (u64)max_entries + num_possible_cpus();
}

static void *ext_hash_elem_value(const struct ext_hash *h,
				 struct ext_hash_elem *e)
{
	return e->key + round_up(h->key_size, 8);
}

/*
 * ext_hash_key() and ext_hash_find() are the lookup path: inlined into
 * it, since a call and its return (through a return thunk, on most
 * machines) cost about as much as either.
 */
static __always_inline u32 ext_hash_key(const struct ext_hash *h,
					const void *key)
{
	/* jhash2() takes whole words, and half the instructions. */
	if (likely(h->key_size % 4 == 0))
		return jhash2(key, h->key_size / 4, h->hashrnd);
	return jhash(key, h->key_size, h->hashrnd);
}

static struct ext_hash_bucket *ext_hash_bucket(struct ext_hash *h, u32 hash)
{
	return &h->buckets[hash & (h->n_buckets - 1)];
}

static __always_inline struct ext_hash_elem *ext_hash_find(struct ext_hash *h,
							   const void *key, u32 hash)
{
	u32 index = hash & (h->n_buckets - 1);
	struct hlist_nulls_node *n;
	struct ext_hash_elem *e;

again:
	hlist_nulls_for_each_entry_rcu(e, n, &h->buckets[index].head, node)
		if (e->hash == hash && !memcmp(e->key, key, h->key_size))
			return e;
	/* The walk ended in another bucket: an element was recycled. */
	if (unlikely(get_nulls_value(n) != index))
		goto again;
	return NULL;
}

/*
 * Lock a bucket or the free list; in NMI only try (see the top of the
 * file).  A macro, so that sparse sees the kernel's own conditional
 * acquire.
 */
#define ext_hash_lock(lock)						\
({									\
	raw_spinlock_t *__lock = (lock);				\
									\
	in_nmi() ? raw_spin_trylock(__lock) :				\
		   ({ raw_spin_lock(__lock); true; });			\
})

/*
 * Under the free list's lock.  Never empty inside extmap_busy_enter():
 * see ext_hash_pool_size().
 */
static struct ext_hash_elem *ext_hash_pop_free(struct ext_hash *h)
{
	struct ext_hash_elem *e = h->free_list;

	h->free_list = e->free_next;
	return e;
}

static void ext_hash_push_free(struct ext_hash *h, struct ext_hash_elem *e)
{
	e->free_next = h->free_list;
	h->free_list = e;
}

static int ext_hash_map_alloc_check(union bpf_attr *attr)
{
	u64 elem_size = ext_hash_elem_size(attr->key_size, attr->value_size);

	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!attr->max_entries || !attr->key_size || !attr->value_size)
		return -EINVAL;
	/* bpf(2) copies a key and a value through one kmalloc() buffer. */
	if (elem_size >= KMALLOC_MAX_SIZE)
		return -E2BIG;
	if (attr->max_entries > 1U << 31 ||
	    elem_size * ext_hash_pool_size(attr->max_entries) > EXTMAP_MAX_AREA_SIZE ||
	    sizeof(struct ext_hash_bucket) *
	    roundup_pow_of_two((u64)attr->max_entries) >
	    EXTMAP_MAX_AREA_SIZE)
		return -E2BIG;
	return 0;
}

static void ext_hash_free(struct extmap_map *em)
{
	struct ext_hash *h = container_of(em, struct ext_hash, em);

	extmap_busy_free(&h->busy);
	kvfree(h->elems);
	kvfree(h->buckets);
	lockdep_unregister_key(&h->lockdep_key);
	kvfree(h);
}

static void ext_hash_init_buckets(struct ext_hash *h)
{
	u32 i;

	for (i = 0; i < h->n_buckets; i++) {
		INIT_HLIST_NULLS_HEAD(&h->buckets[i].head, i);
		raw_spin_lock_init(&h->buckets[i].lock);
		lockdep_set_class(&h->buckets[i].lock, &h->lockdep_key);
		cond_resched();
	}
}

/* Nobody can see the map yet: the list is built without its lock. */
static void ext_hash_init_free_list(struct ext_hash *h, u64 n)
{
	struct ext_hash_elem *e;
	u64 i;

	raw_spin_lock_init(&h->free_lock);
	for (i = 0; i < n; i++) {
		e = h->elems + i * h->elem_size;
		e->free_next = h->free_list;
		h->free_list = e;
		cond_resched();
	}
}

static struct extmap_map *ext_hash_alloc(union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	u64 pool = ext_hash_pool_size(attr->max_entries);
	struct ext_hash *h;

	h = extmap_area_alloc(sizeof(*h), numa_node);
	if (!h)
		return ERR_PTR(-ENOMEM);
	lockdep_register_key(&h->lockdep_key);

	h->n_buckets = roundup_pow_of_two(attr->max_entries);
	h->key_size = attr->key_size;
	h->elem_size = ext_hash_elem_size(attr->key_size, attr->value_size);
	if (!(attr->map_flags & BPF_F_ZERO_SEED))
		h->hashrnd = get_random_u32();
	h->buckets = extmap_area_alloc((u64)h->n_buckets * sizeof(*h->buckets),
				       numa_node);
	h->elems = extmap_area_alloc(pool * h->elem_size, numa_node);
	if (!h->buckets || !h->elems || extmap_busy_init(&h->busy)) {
		ext_hash_free(&h->em);
		return ERR_PTR(-ENOMEM);
	}
	ext_hash_init_buckets(h);
	ext_hash_init_free_list(h, pool);
	return &h->em;
}

/* The lookup, from bpf(2) and from programs (ext_hash_map_gen_lookup()). */
static void *ext_hash_lookup(void *obj, void *key)
{
	struct ext_hash *h = obj;
	struct ext_hash_elem *e = ext_hash_find(h, key, ext_hash_key(h, key));

	return e ? ext_hash_elem_value(h, e) : NULL;
}

static void *ext_hash_map_lookup_elem(struct bpf_map *map, void *key)
{
	return ext_hash_lookup(ext_hash(map), key);
}

static int ext_hash_map_gen_lookup(struct bpf_map *map, struct bpf_insn *insn_buf)
{
	return extmap_gen_lookup_call(ext_hash(map), ext_hash_lookup, insn_buf);
}

/* Results and their order as BPF_MAP_TYPE_HASH gives them. */
static extmap_ret_t ext_hash_map_update_elem(struct bpf_map *map,
					     void *key, void *value,
					     u64 flags)
{
	struct ext_hash *h = ext_hash(map);
	struct ext_hash_elem *old, *new;
	struct ext_hash_bucket *b;
	unsigned long irqflags;
	int err = 0;
	u32 hash;

	err = extmap_check_update_flags(map, flags);
	if (unlikely(err))
		return err;

	hash = ext_hash_key(h, key);
	b = ext_hash_bucket(h, hash);
	if (!extmap_busy_enter(&h->busy, &irqflags))
		return -EBUSY;
	if (!ext_hash_lock(&b->lock)) {
		err = -EBUSY;
		goto exit;
	}

	old = ext_hash_find(h, key, hash);
	if (old && (flags & ~BPF_F_LOCK) == BPF_NOEXIST) {
		err = -EEXIST;
		goto unlock;
	}
	if (!old && (flags & ~BPF_F_LOCK) == BPF_EXIST) {
		err = -ENOENT;
		goto unlock;
	}
	/*
	 * As BPF_MAP_TYPE_HASH does: a locked update of a key that is there
	 * writes its value in place, under the value's lock, for programs
	 * that hold that lock to see the whole of it or none.
	 */
	if (old && (flags & BPF_F_LOCK)) {
		extmap_value_copy(map, ext_hash_elem_value(h, old), value,
				  flags);
		goto unlock;
	}
	/* The last check that can fail: nothing is undone after it. */
	if (!ext_hash_lock(&h->free_lock)) {
		err = -EBUSY;
		goto unlock;
	}
	if (!old && atomic_inc_return(&h->count) > map->max_entries) {
		atomic_dec(&h->count);
		raw_spin_unlock(&h->free_lock);
		err = -E2BIG;
		goto unlock;
	}

	new = ext_hash_pop_free(h);
	new->hash = hash;
	memcpy(new->key, key, map->key_size);
	extmap_value_init(map, ext_hash_elem_value(h, new));
	extmap_value_copy(map, ext_hash_elem_value(h, new), value, 0);
	hlist_nulls_add_head_rcu(&new->node, &b->head);
	if (old) {
		hlist_nulls_del_rcu(&old->node);
		ext_hash_push_free(h, old);
	}
	raw_spin_unlock(&h->free_lock);
unlock:
	raw_spin_unlock(&b->lock);
exit:
	extmap_busy_exit(&h->busy, irqflags);
	return err;
}

static extmap_ret_t ext_hash_map_delete_elem(struct bpf_map *map, void *key)
{
	struct ext_hash *h = ext_hash(map);
	u32 hash = ext_hash_key(h, key);
	struct ext_hash_bucket *b = ext_hash_bucket(h, hash);
	unsigned long irqflags;
	struct ext_hash_elem *e;
	int err = 0;

	if (!extmap_busy_enter(&h->busy, &irqflags))
		return -EBUSY;
	if (!ext_hash_lock(&b->lock)) {
		err = -EBUSY;
		goto exit;
	}
	e = ext_hash_find(h, key, hash);
	if (!e) {
		err = -ENOENT;
		goto unlock;
	}
	if (!ext_hash_lock(&h->free_lock)) {
		err = -EBUSY;
		goto unlock;
	}
	hlist_nulls_del_rcu(&e->node);
	ext_hash_push_free(h, e);
	raw_spin_unlock(&h->free_lock);
	atomic_dec(&h->count);
unlock:
	raw_spin_unlock(&b->lock);
exit:
	extmap_busy_exit(&h->busy, irqflags);
	return err;
}

static struct ext_hash_elem *ext_hash_first(struct ext_hash_bucket *b)
{
	struct hlist_nulls_node *n;

	n = rcu_dereference_check(hlist_nulls_first_rcu(&b->head),
				  rcu_read_lock_any_held());
	return hlist_nulls_entry_safe(n, struct ext_hash_elem, node);
}

static struct ext_hash_elem *ext_hash_next(struct ext_hash_elem *e)
{
	struct hlist_nulls_node *n;

	n = rcu_dereference_check(hlist_nulls_next_rcu(&e->node),
				  rcu_read_lock_any_held());
	return hlist_nulls_entry_safe(n, struct ext_hash_elem, node);
}

/*
 * Bucket order, then list order within a bucket.  A missing key restarts
 * from the first element, as BPF_MAP_TYPE_HASH does.
 */
static int ext_hash_map_get_next_key(struct bpf_map *map, void *key,
				     void *next_key)
{
	struct ext_hash *h = ext_hash(map);
	struct ext_hash_elem *e = NULL;
	u32 i = 0, hash;

	if (key) {
		hash = ext_hash_key(h, key);
		e = ext_hash_find(h, key, hash);
		if (e) {
			e = ext_hash_next(e);
			i = (hash & (h->n_buckets - 1)) + 1;
		}
	}
	for (; !e && i < h->n_buckets; i++)
		e = ext_hash_first(&h->buckets[i]);
	if (!e)
		return -ENOENT;
	memcpy(next_key, e->key, map->key_size);
	return 0;
}

/*
 * bpf_for_each_map_elem(): bucket order, as get_next_key, until the
 * callback returns 1.  The callback may delete the element it is given,
 * whose slot may then be reused at once: the walk takes the next element
 * before the call.  A walk that a recycled element led into another
 * bucket ends that bucket early, as it would in BPF_MAP_TYPE_HASH.
 * Return: the number of elements the callback saw.
 */
static extmap_for_each_ret_t ext_hash_map_visit_elems(struct bpf_map *map,
						      bpf_callback_t callback_fn,
						      void *callback_ctx, u64 flags)
{
	struct ext_hash *h = ext_hash(map);
	struct ext_hash_elem *e, *next;
	extmap_for_each_ret_t n = 0;
	u32 i;

	if (flags)
		return -EINVAL;
	rcu_read_lock();
	for (i = 0; i < h->n_buckets; i++) {
		for (e = ext_hash_first(&h->buckets[i]); e; e = next) {
			next = ext_hash_next(e);
			n++;
			if (callback_fn((u64)(long)map, (u64)(long)e->key,
					(u64)(long)ext_hash_elem_value(h, e),
					(u64)(long)callback_ctx, 0))
				goto out;
		}
	}
out:
	rcu_read_unlock();
	return n;
}

#ifdef EXTMAP_HAVE_MEM_USAGE
static u64 ext_hash_map_mem_usage(const struct bpf_map *map)
{
	const struct ext_hash *h = ext_hash(map);

	return sizeof(*h) + (u64)h->n_buckets * sizeof(*h->buckets) +
	       ext_hash_pool_size(map->max_entries) * h->elem_size +
	       extmap_busy_mem_usage();
}
#endif

static const struct bpf_map_ops ext_hash_map_ops = {
	.map_alloc_check = ext_hash_map_alloc_check,
	.map_lookup_elem = ext_hash_map_lookup_elem,
	.map_gen_lookup = ext_hash_map_gen_lookup,
	.map_update_elem = ext_hash_map_update_elem,
	.map_delete_elem = ext_hash_map_delete_elem,
	.map_get_next_key = ext_hash_map_get_next_key,
	.map_for_each_callback = ext_hash_map_visit_elems,
#ifdef EXTMAP_HAVE_MEM_USAGE
	.map_mem_usage = ext_hash_map_mem_usage,
#endif
};

struct extmap_type extmap_hash_type = {
	.name = "hash",
	.id = EXTMAP_MAP_TYPE_HASH,
	.ops = &ext_hash_map_ops,
	.alloc = ext_hash_alloc,
	.free = ext_hash_free,
	.map_flags = BPF_F_ZERO_SEED,
	.btf_fields = EXTMAP_FIELD_SPIN_LOCK,
	.owner = THIS_MODULE,
};
