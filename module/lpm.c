// SPDX-License-Identifier: GPL-2.0
/*
 * extmap lpm: longest prefix match, a drop-in for BPF_MAP_TYPE_LPM_TRIE.
 *
 * Keys have LPM_TRIE's layout (struct bpf_lpm_trie_key_u8: a u32 prefix
 * length, then 1 to 16 data bytes, most significant bit first), and every
 * operation gives LPM_TRIE's results.  What differs is the lookup, which
 * walks a multibit trie instead of a binary one:
 *
 *  - the first 16 bits of the data index a flat table (20 bits for maps
 *    of more than 64Ki prefixes, 8 for 1-byte keys), then each node
 *    consumes 4 more bits and has 16 slots;
 *  - where three levels of nodes below one are full (a dense range, such
 *    as every address of a block), the 273 nodes become one wide node of
 *    4096 slots, consuming 12 bits: one read instead of three, and less
 *    memory;
 *  - the trie is leaf-pushed: every slot holds the longest prefix covering
 *    its whole range of addresses, so a lookup never backtracks;
 *  - a slot holds an element (or NULL), a node, or a tail: a range holding
 *    just one longer prefix gets no nodes but a tail, that prefix's element
 *    tagged, which also names the prefix covering the rest of the range
 *    (its ->cover); most tails also carry their prefix's last bits in the
 *    slot, so that a lookup reads the element only for that cover.
 *
 * An IPv4 lookup thus costs one table read and at most four node reads
 * (three in a large map, one below a wide node), against up to 32 nodes
 * for the binary trie.  Memory stays proportional to the number of
 * prefixes: tails keep sparse ranges from growing nodes, nodes that a
 * delete leaves with nothing to tell apart are freed, and a wide node
 * only replaces more memory than it takes (it stays until a delete
 * leaves it a single answer).
 *
 * Lookups take no lock.  Writers hold the map's lock and change the trie
 * one word at a time, each store taking one range from its old answer to
 * its new one; new nodes are filled in before they are linked in, and a
 * lookup that reads more than one changing thing starts again if the map
 * changed meanwhile (see ext_lpm_seq_bump()).  A lookup racing an update
 * therefore returns the old answer or the new one.
 * Elements and nodes are freed after an RCU grace period, so a program
 * holding a value keeps valid memory, never reused for another prefix.
 *
 * The map's lock is a raw spinlock, held with interrupts off: updates come
 * from BPF programs in any context but NMI (refused: see ext_lpm_enter()).
 * Nothing is allocated under it, since the allocator's own locks are not
 * raw (they sleep on PREEMPT_RT): an update allocates its element first,
 * an insert takes its nodes from spares that are refilled outside the
 * lock (see ext_lpm_spares_fill()), and a wide node's memory is allocated
 * between two turns of the lock (see ext_lpm_widen_after()).  What updates
 * allocate is charged to the memory cgroup of the map's creator, as the
 * kernel charges its own maps' updates.
 *
 * Exact-match operations (is this prefix present, delete, get_next_key,
 * lookups with a prefix length below the maximum) go through a hash table
 * of all prefixes instead, which also finds the prefix covering a given
 * one when a delete must put it back.
 *
 * An example: an IPv4 map with a 16-bit table, after inserting
 * A = 10.0.0.0/8, B = 10.1.0.0/16, C = 10.1.2.0/24, then D = 10.1.3.0/24.
 *
 *   After A and B:      table[10.0] .. table[10.255] = A, but
 *                       table[10.1] = B (the longest prefix covering it)
 *   After C:            table[10.1] = tail C, C->cover = B
 *                       10.1.2.9: the slot's tail matches: C
 *                       10.1.7.1: it does not: C->cover, B
 *   After D:            the tail splits into nodes telling C and D apart,
 *                       built aside and linked in with one store:
 *                       table[10.1] = node N1 (bits 16-19)
 *                         N1[0] = node N2 (bits 20-23), N1[1..15] = B
 *                           N2[2] = C, N2[3] = D, the others B
 *
 * Invariants, at every store a writer makes (lookups may see any of them):
 *  - every slot answers for its whole range: an element (or NULL) that is
 *    the longest prefix covering the range, a node that divides the range
 *    further, or a tail whose prefix is the range's only longer one and
 *    whose ->cover answers for the rest of the range;
 *  - a node is filled in before it is linked in, never changed after it is
 *    unlinked, and freed a grace period after; so is an element, of whose
 *    fields only a tail's ->cover changes while it is linked;
 *  - a wide node stands for three full levels of narrow nodes, and holds
 *    what their slots would;
 *  - ->seq moves before every change of a tail's cover and of the set of
 *    prefixes in the hash table;
 *  - the hash table holds exactly the map's prefixes, ->len_count[l] of
 *    length l, ->count in all;
 *  - at rest the map holds ->max_new spare nodes (fewer only after an
 *    allocation failed), enough for any one insert.
 */
#include <linux/bpf.h>
#include <linux/extmap.h>
#include <linux/gfp.h>
#include <linux/jhash.h>
#include <linux/llist.h>
#include <linux/lockdep.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "types.h"

#define LPM_DATA_SIZE_MAX	16	/* IPv6 */
#define LPM_MAX_PREFIXLEN	(LPM_DATA_SIZE_MAX * 8)
#define LPM_STRIDE		4	/* bits a node consumes */
#define LPM_FANOUT		BIT(LPM_STRIDE)
#define LPM_MAX_LEVELS		(LPM_MAX_PREFIXLEN / LPM_STRIDE)
#define LPM_WIDE_STRIDE		(3 * LPM_STRIDE)	/* ... a wide node */
#define LPM_WIDE_ORDER		get_order(sizeof(long) << LPM_WIDE_STRIDE)

/* What updates allocate, from any context but NMI, outside the lock. */
#define LPM_GFP			(GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT)

/*
 * Slot tags, in the low bits of element and node pointers: a node, a wide
 * node (both bits), or a tail.
 */
#define LPM_TAG_NODE		1UL
#define LPM_TAG_TAIL		2UL
#define LPM_TAG_WIDE		(LPM_TAG_NODE | LPM_TAG_TAIL)
#define LPM_TAGS		3UL

/* A packed tail's length and last 8 bits: see ext_lpm_tail_slot(). */
#define LPM_INFO_SHIFT		(BITS_PER_LONG - 16)
#define LPM_INFO_MASK		(~0UL << LPM_INFO_SHIFT)
#define LPM_INFO_PLAIN		0xffffU	/* what a kernel address has there */

struct ext_lpm_elem {
	struct ext_lpm_elem __rcu *hnext;	/* hash chain, walked by get_next_key */
	struct rcu_head rcu;
	/* While a tail: the answer in its range for addresses it misses. */
	struct ext_lpm_elem *cover;
	u32 prefixlen;
	u8 data[];			/* then the value, 8-byte aligned */
};

/* A wide node is its 4096 slots alone, in pages of its own. */
struct ext_lpm_node {
	union {
		unsigned long slots[LPM_FANOUT];
		struct llist_node spare;	/* while a spare */
	};
	struct rcu_head rcu;
};

/* All maps' nodes: 144 bytes would waste 48 in kmalloc's 192-byte slabs. */
static struct kmem_cache *ext_lpm_node_cache;

/* Do kernel addresses leave the top 16 bits of a tail's slot to pack? */
static bool ext_lpm_packed_tails __ro_after_init;

struct ext_lpm {
	unsigned long *direct;		/* 1 << direct_bits slots */
	u32 seq;			/* see ext_lpm_seq_bump() */
	struct ext_lpm_elem __rcu **buckets;
	raw_spinlock_t lock;
	struct extmap_busy busy;	/* see ext_lpm_enter() */
	/* Nodes for inserts: n_spare of them, max_new when the map rests. */
	struct llist_head spares;
	atomic_t n_spare;
	u32 max_new;			/* nodes one insert may add */
	struct mem_cgroup *memcg;	/* the creator's, charged for updates */
	u32 direct_bits;
	u32 data_size;
	u32 max_prefixlen;
	u32 elem_size;
	u32 value_off;			/* of the value in an element */
	u32 n_buckets;			/* a power of two */
	u32 hashrnd;
	u32 count;			/* prefixes in the map */
	u32 n_nodes;
	u32 n_wide;			/* wide nodes */
	int numa_node;
	u32 len_count[LPM_MAX_PREFIXLEN + 1];	/* prefixes per length */
	/* Distinct per map: a program may nest one map's update in another. */
	struct lock_class_key lockdep_key;
	struct extmap_map em;
};

static struct ext_lpm *ext_lpm(const struct bpf_map *map)
{
	return container_of(extmap_map(map), struct ext_lpm, em);
}

static bool ext_lpm_is_node(unsigned long slot)
{
	return slot & LPM_TAG_NODE;
}

static bool ext_lpm_is_tail(unsigned long slot)
{
	return (slot & LPM_TAGS) == LPM_TAG_TAIL;
}

static bool ext_lpm_is_wide(unsigned long slot)
{
	return (slot & LPM_TAGS) == LPM_TAG_WIDE;
}

/* A node's bits and slots, whichever its kind. */
static u32 ext_lpm_stride(unsigned long node)
{
	return ext_lpm_is_wide(node) ? LPM_WIDE_STRIDE : LPM_STRIDE;
}

static unsigned long *ext_lpm_slots(unsigned long node)
{
	return (unsigned long *)(node & ~LPM_TAGS);
}

static void *ext_lpm_ptr(unsigned long slot)
{
	if (ext_lpm_is_tail(slot) && ext_lpm_packed_tails)
		slot |= LPM_INFO_MASK;
	return (void *)(slot & ~LPM_TAGS);
}

static unsigned long ext_lpm_node_slot(struct ext_lpm_node *n)
{
	return (unsigned long)n | LPM_TAG_NODE;
}

/* Publish a slot to lockless lookups. */
static void ext_lpm_set(unsigned long *slotp, unsigned long slot)
{
	/* What it points to (a new node, a tail's cover) is filled in first. */
	smp_store_release(slotp, slot);
}

static void *ext_lpm_value(const struct ext_lpm *t, struct ext_lpm_elem *e)
{
	return (void *)e + t->value_off;
}

/* The @bits bits of @data from bit @pos on, both multiples of 4. */
static u32 ext_lpm_bits(const u8 *data, u32 pos, u32 bits)
{
	u32 end = pos + bits, v = 0, i;

	for (i = pos / 8; i < DIV_ROUND_UP(end, 8); i++)
		v = v << 8 | data[i];
	return (v >> (8 - end % 8) % 8) & (BIT(bits) - 1);
}

/* The 8 bits of @data that end at bit @len, 8 or more. */
static u32 ext_lpm_last8(const u8 *data, u32 len)
{
	u32 i = (len - 8) / 8;

	if (!(len % 8))
		return data[i];
	return ((data[i] << 8 | data[i + 1]) >> (8 - len % 8)) & 0xff;
}

/*
 * A tail's slot, where lookups have matched bits [0, @pos) on their way.
 * If the bits left to compare are among the prefix's last 8, the slot
 * also packs the prefix's length and those 8 bits into the top 16 bits of
 * the element's address, where every kernel address has ones (where not,
 * ext_lpm_packed_tails is off): a lookup then tells whether it falls under the
 * tail without reading the element, one random read less, and reads it
 * only for the cover when it does not.
 */
static unsigned long ext_lpm_tail_slot(struct ext_lpm_elem *e, u32 pos)
{
	unsigned long slot = (unsigned long)e | LPM_TAG_TAIL, info;

	if (!ext_lpm_packed_tails || e->prefixlen - pos > 8)
		return slot;
	info = e->prefixlen << 8 | ext_lpm_last8(e->data, e->prefixlen);
	return (slot & ~LPM_INFO_MASK) | info << LPM_INFO_SHIFT;
}

static u32 ext_lpm_direct_index(const struct ext_lpm *t, const u8 *data)
{
	switch (t->direct_bits) {
	case 20:
		return (u32)data[0] << 12 | (u32)data[1] << 4 | data[2] >> 4;
	case 16:
		return (u32)data[0] << 8 | data[1];
	default:
		return data[0];
	}
}

/*
 * The table's width: 16 bits cost 512 KiB, 20 bits 8 MiB, which only a
 * map meant for many prefixes spends, to save a level on every lookup.
 * Either leaves a multiple of the stride below it.
 */
static u32 ext_lpm_direct_bits(u32 max_prefixlen, u32 max_entries)
{
	if (max_prefixlen >= 24 && max_entries > 65536)
		return 20;
	return min_t(u32, 16, max_prefixlen);
}

/*
 * Do the first @bits bits of @a and @b agree?  Word by word: this is on
 * the lookup path, where a call to memcmp() would cost more than the rest.
 */
static bool ext_lpm_prefix_match(const u8 *a, const u8 *b, u32 bits)
{
	u32 bytes = bits / 8, rest = bits % 8, i, wa, wb;

	for (i = 0; i + 4 <= bytes; i += 4) {
		/* Fixed-size copies: single, possibly unaligned, loads. */
		memcpy(&wa, a + i, 4);
		memcpy(&wb, b + i, 4);
		if (wa != wb)
			return false;
	}
	for (; i < bytes; i++)
		if (a[i] != b[i])
			return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (0xff00 >> rest));
}

static __always_inline u32 ext_lpm_load_be32(const u8 *data)
{
	__be32 word;

	/* A fixed-size copy: a single, possibly unaligned, load. */
	memcpy(&word, data, sizeof(word));
	return be32_to_cpu(word);
}

/* Does @addr fall under the tail in @slot, element @e? */
static __always_inline bool ext_lpm_tail_match4(unsigned long slot,
						const struct ext_lpm_elem *e, u32 addr)
{
	u32 info = slot >> LPM_INFO_SHIFT;

	if (ext_lpm_packed_tails && info != LPM_INFO_PLAIN)
		return ((addr >> (32 - (info >> 8))) & 0xff) == (info & 0xff);
	/* A tail is longer than the table's width: never 0 bits long. */
	return !((ext_lpm_load_be32(e->data) ^ addr) >> (32 - e->prefixlen));
}

static bool ext_lpm_tail_match(unsigned long slot, const struct ext_lpm_elem *e,
			       const u8 *data)
{
	u32 info = slot >> LPM_INFO_SHIFT;

	if (ext_lpm_packed_tails && info != LPM_INFO_PLAIN)
		return ext_lpm_last8(data, info >> 8) == (info & 0xff);
	return ext_lpm_prefix_match(e->data, data, e->prefixlen);
}

/*
 * A lookup that reads more than one changing thing may see them at
 * different times, and two updates between its reads can give it an
 * answer that was never right:
 *
 *  - covers change in place: ext_lpm_replace() keeps a tail's answer around
 *    it right as prefixes come and go, for the range the tail has now.  A
 *    lookup that read the tail's slot earlier may hold it for a larger
 *    range: a split moves a tail down into a new node, keeping its cover,
 *    and a prefix that later covers only the new, smaller range becomes
 *    its cover, which is no answer for the rest of the old range;
 *  - a lookup with a prefix length below the maximum probes the hash table
 *    for one length after the other: a longer prefix added after its probe
 *    and a shorter one deleted before its probe leave it with a third.
 *
 * So every change of a cover or of the set of prefixes first moves
 * ->seq, and such a lookup starts again if the count moved since it
 * began.  Like a seqcount, except that a lookup never waits for an update
 * to end: it may have interrupted that update on its own CPU, where
 * nothing changes under it.
 */
static void ext_lpm_seq_bump(struct ext_lpm *t)
{
	/* A lookup that reads the new count sees what came before it ... */
	smp_wmb();
	WRITE_ONCE(t->seq, t->seq + 1);
	/* ... and it comes before the change: see ext_lpm_seq_moved(). */
	smp_wmb();
}

static __always_inline u32 ext_lpm_seq(const struct ext_lpm *t)
{
	/* Before what the lookup then reads. */
	return smp_load_acquire(&t->seq);
}

/* Did the map change since @seq was read? */
static __always_inline bool ext_lpm_seq_moved(const struct ext_lpm *t, u32 seq)
{
	/* A change read was counted: pairs with ext_lpm_seq_bump(). */
	smp_rmb();
	return unlikely(READ_ONCE(t->seq) != seq);
}

static void ext_lpm_set_cover(struct ext_lpm *t, struct ext_lpm_elem *e,
			      struct ext_lpm_elem *cover)
{
	ext_lpm_seq_bump(t);
	WRITE_ONCE(e->cover, cover);
}

/*
 * The lookup for 4-byte keys, IPv4's, the case this map type is for: the
 * address in a register, a shift and a mask per level, a single compare
 * for a tail.  Nothing else is on its path.
 */
static struct ext_lpm_elem *ext_lpm_find4(const struct ext_lpm *t,
					  const u8 *data)
{
	u32 addr = ext_lpm_load_be32(data), seq, shift;
	struct ext_lpm_elem *e, *cover;
	unsigned long slot;

again:
	seq = ext_lpm_seq(t);
	shift = 32 - t->direct_bits;
	/* Each slot read pairs with the store-release in ext_lpm_set(). */
	slot = READ_ONCE(t->direct[addr >> shift]);
	while (ext_lpm_is_node(slot)) {
		u32 bits = ext_lpm_stride(slot);

		shift -= bits;
		slot = READ_ONCE(ext_lpm_slots(slot)[(addr >> shift) &
						 (BIT(bits) - 1)]);
	}
	e = ext_lpm_ptr(slot);
	if (!ext_lpm_is_tail(slot) || ext_lpm_tail_match4(slot, e, addr))
		return e;
	/* Pairs with ext_lpm_set_cover(), or ext_lpm_set() for a new tail. */
	cover = READ_ONCE(e->cover);
	if (ext_lpm_seq_moved(t, seq))
		goto again;
	return cover;
}

/* The lookup proper: the longest prefix matching all of @data. */
static struct ext_lpm_elem *ext_lpm_find(const struct ext_lpm *t,
					 const u8 *data)
{
	struct ext_lpm_elem *e, *cover;
	unsigned long slot;
	u32 pos, seq;

again:
	seq = ext_lpm_seq(t);
	/* As in ext_lpm_find4(). */
	slot = READ_ONCE(t->direct[ext_lpm_direct_index(t, data)]);
	pos = t->direct_bits;
	while (ext_lpm_is_node(slot)) {
		u32 bits = ext_lpm_stride(slot);

		slot = READ_ONCE(ext_lpm_slots(slot)[ext_lpm_bits(data, pos, bits)]);
		pos += bits;
	}
	e = ext_lpm_ptr(slot);
	if (!ext_lpm_is_tail(slot) || ext_lpm_tail_match(slot, e, data))
		return e;
	cover = READ_ONCE(e->cover);
	if (ext_lpm_seq_moved(t, seq))
		goto again;
	return cover;
}

/*
 * The hash chains: lookups (BPF programs, bpf(2)) walk them under RCU in
 * some form, writers under the map's lock, and lockdep checks which.  The
 * stores they pair with are the rcu_assign_pointer()s below.
 */
#define ext_lpm_deref(t, p)						\
	rcu_dereference_check(p, rcu_read_lock_any_held() ||		\
			      lockdep_is_held(&(t)->lock))
#define ext_lpm_locked(t, p)						\
	rcu_dereference_protected(p, lockdep_is_held(&(t)->lock))

static u32 ext_lpm_hash(const struct ext_lpm *t, const u8 *data, u32 len)
{
	u32 hash = jhash(data, len / 8, t->hashrnd ^ len);

	if (len % 8)
		hash = jhash_1word(data[len / 8] & (0xff00 >> (len % 8)), hash);
	return hash;
}

static struct ext_lpm_elem __rcu **ext_lpm_bucket(const struct ext_lpm *t,
						  const u8 *data, u32 len)
{
	return &t->buckets[ext_lpm_hash(t, data, len) & (t->n_buckets - 1)];
}

/* The element for exactly prefix @data/@len, or NULL. */
static struct ext_lpm_elem *ext_lpm_find_exact(const struct ext_lpm *t,
					       const u8 *data, u32 len)
{
	struct ext_lpm_elem *e;

	for (e = ext_lpm_deref(t, *ext_lpm_bucket(t, data, len)); e;
	     e = ext_lpm_deref(t, e->hnext))
		if (e->prefixlen == len && ext_lpm_prefix_match(e->data, data, len))
			return e;
	return NULL;
}

/* The longest prefix of length @len or less matching @data. */
static struct ext_lpm_elem *ext_lpm_find_upto(const struct ext_lpm *t,
					      const u8 *data, int len)
{
	struct ext_lpm_elem *e = NULL;
	int l;
	u32 seq;

again:
	seq = ext_lpm_seq(t);
	/* Pairs with the WRITE_ONCE()s in ext_lpm_hash_add() and _replace(). */
	for (l = len; l >= 0 && !e; l--)
		if (READ_ONCE(t->len_count[l]))
			e = ext_lpm_find_exact(t, data, l);
	if (ext_lpm_seq_moved(t, seq)) {
		e = NULL;
		goto again;
	}
	return e;
}

static void ext_lpm_hash_add(struct ext_lpm *t, struct ext_lpm_elem *e)
{
	struct ext_lpm_elem __rcu **head = ext_lpm_bucket(t, e->data, e->prefixlen);

	RCU_INIT_POINTER(e->hnext, ext_lpm_locked(t, *head));
	ext_lpm_seq_bump(t);
	rcu_assign_pointer(*head, e);
	WRITE_ONCE(t->len_count[e->prefixlen], t->len_count[e->prefixlen] + 1);
	WRITE_ONCE(t->count, t->count + 1);
}

/* Put @new in @old's place in the hash chains, or just unlink @old. */
static void ext_lpm_hash_replace(struct ext_lpm *t, struct ext_lpm_elem *old,
				 struct ext_lpm_elem *new)
{
	struct ext_lpm_elem __rcu **link;
	struct ext_lpm_elem *next = ext_lpm_locked(t, old->hnext);

	link = ext_lpm_bucket(t, old->data, old->prefixlen);
	while (ext_lpm_locked(t, *link) != old)
		link = &ext_lpm_locked(t, *link)->hnext;
	ext_lpm_seq_bump(t);
	if (new) {
		RCU_INIT_POINTER(new->hnext, next);
		rcu_assign_pointer(*link, new);
	} else {
		rcu_assign_pointer(*link, next);
		WRITE_ONCE(t->len_count[old->prefixlen],
			   t->len_count[old->prefixlen] - 1);
		WRITE_ONCE(t->count, t->count - 1);
	}
}

static void ext_lpm_replace_range(struct ext_lpm *t, unsigned long *slots,
				  u32 n, struct ext_lpm_elem *from,
				  struct ext_lpm_elem *to);

/*
 * Below @slotp, make every answer @from into @to.  Used on the range of a
 * prefix P, where @from and @to are P and the prefix covering P, in one
 * order or the other: each store moves a range of addresses from one right
 * answer to the other.  Tails whose own element is @from are the caller's.
 */
static void ext_lpm_replace(struct ext_lpm *t, unsigned long *slotp,
			    struct ext_lpm_elem *from, struct ext_lpm_elem *to)
{
	unsigned long slot = *slotp;
	struct ext_lpm_elem *e = ext_lpm_ptr(slot);

	if (ext_lpm_is_node(slot)) {
		ext_lpm_replace_range(t, ext_lpm_slots(slot), BIT(ext_lpm_stride(slot)),
				      from, to);
	} else if (ext_lpm_is_tail(slot)) {
		if (e->cover == from)
			ext_lpm_set_cover(t, e, to);
	} else if (e == from) {
		ext_lpm_set(slotp, (unsigned long)to);
	}
}

static void ext_lpm_replace_range(struct ext_lpm *t, unsigned long *slots,
				  u32 n, struct ext_lpm_elem *from,
				  struct ext_lpm_elem *to)
{
	u32 i;

	for (i = 0; i < n; i++)
		ext_lpm_replace(t, &slots[i], from, to);
}

/*
 * Where a prefix lives: either its range @slots[0..@n), in the table or
 * node where its length ends, or the slot @tailp where it is (or, for a
 * new prefix, would become) a tail, at bit @pos.  @path[0..@depth) are
 * the slots of the nodes walked through, @start[] the bits where those
 * nodes start.
 */
struct ext_lpm_place {
	unsigned long *slots;
	u32 n;
	unsigned long *tailp;
	u32 pos;
	unsigned long *path[LPM_MAX_LEVELS];
	u32 start[LPM_MAX_LEVELS];
	u32 depth;
};

/* The first slot and the number of slots of @len's range in a stride. */
static unsigned long *ext_lpm_range(unsigned long *slots, u32 index, u32 bits,
				    u32 len_in_stride, u32 *n)
{
	u32 width = bits - len_in_stride;

	*n = 1U << width;
	return &slots[index & ~(*n - 1)];
}

static void ext_lpm_locate(struct ext_lpm *t, const u8 *data, u32 len,
			   struct ext_lpm_place *pl)
{
	unsigned long *slotp;
	u32 pos = t->direct_bits;

	pl->depth = 0;
	pl->tailp = NULL;
	if (len <= pos) {
		pl->slots = ext_lpm_range(t->direct, ext_lpm_direct_index(t, data),
					  pos, len, &pl->n);
		return;
	}
	slotp = &t->direct[ext_lpm_direct_index(t, data)];
	while (ext_lpm_is_node(*slotp)) {
		unsigned long *slots = ext_lpm_slots(*slotp);
		u32 bits = ext_lpm_stride(*slotp), index = ext_lpm_bits(data, pos, bits);

		pl->start[pl->depth] = pos;
		pl->path[pl->depth++] = slotp;
		if (len <= pos + bits) {
			pl->slots = ext_lpm_range(slots, index, bits, len - pos,
						  &pl->n);
			return;
		}
		slotp = &slots[index];
		pos += bits;
	}
	pl->tailp = slotp;
	pl->pos = pos;
}

/*
 * Fill the spares up to what one insert may need: before the lock, so that
 * an insert never allocates under it, and after an update, so that a map
 * at rest always holds the same.  Concurrent updates may leave a few more
 * (each fills from the count it read); inserts consume them first.
 */
static void ext_lpm_spares_fill(struct ext_lpm *t, gfp_t gfp)
{
	struct mem_cgroup *memcg;
	struct ext_lpm_node *n;

	if (atomic_read(&t->n_spare) >= t->max_new)
		return;
	memcg = set_active_memcg(t->memcg);
	while (atomic_read(&t->n_spare) < t->max_new) {
		n = kmem_cache_alloc_node(ext_lpm_node_cache, gfp, t->numa_node);
		if (!n)
			break;
		llist_add(&n->spare, &t->spares);
		atomic_inc(&t->n_spare);
	}
	set_active_memcg(memcg);
}

/* Under the lock: llist_del_first() wants its callers serialised. */
static struct ext_lpm_node *ext_lpm_spare_take(struct ext_lpm *t)
{
	struct llist_node *l = llist_del_first(&t->spares);

	if (!l)
		return NULL;
	atomic_dec(&t->n_spare);
	return llist_entry(l, struct ext_lpm_node, spare);
}

static void ext_lpm_spare_put(struct ext_lpm *t, struct ext_lpm_node *n)
{
	llist_add(&n->spare, &t->spares);
	atomic_inc(&t->n_spare);
}

/* Under the lock: a spare, filled with @fill; NULL if there is none left. */
static struct ext_lpm_node *ext_lpm_node_alloc(struct ext_lpm *t,
					       struct ext_lpm_elem *fill)
{
	struct ext_lpm_node *n;
	int i;

	n = ext_lpm_spare_take(t);
	if (!n)
		return NULL;
	for (i = 0; i < LPM_FANOUT; i++)
		n->slots[i] = (unsigned long)fill;
	WRITE_ONCE(t->n_nodes, t->n_nodes + 1);
	return n;
}

static void ext_lpm_node_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(ext_lpm_node_cache,
			container_of(head, struct ext_lpm_node, rcu));
}

static void ext_lpm_wide_free_rcu(struct rcu_head *head)
{
	__free_pages(container_of(head, struct page, rcu_head), LPM_WIDE_ORDER);
}

/* Free a node, narrow or wide, once lookups that may be in it are done. */
static void ext_lpm_node_free(struct ext_lpm *t, unsigned long node)
{
	if (ext_lpm_is_wide(node)) {
		WRITE_ONCE(t->n_wide, t->n_wide - 1);
		call_rcu(&virt_to_page(ext_lpm_slots(node))->rcu_head,
			 ext_lpm_wide_free_rcu);
	} else {
		WRITE_ONCE(t->n_nodes, t->n_nodes - 1);
		call_rcu(&((struct ext_lpm_node *)ext_lpm_ptr(node))->rcu,
			 ext_lpm_node_free_rcu);
	}
}

/*
 * Free nodes nobody can reach, or ever could: no grace period needed.
 * Under the lock (a split that ran out of spares: narrow nodes only) they
 * go back to the spares; from ->map_free(), to the allocator.
 */
static void ext_lpm_free_nodes(struct ext_lpm *t, unsigned long slot,
			       bool spare)
{
	u32 i;

	if (!ext_lpm_is_node(slot))
		return;
	for (i = 0; i < BIT(ext_lpm_stride(slot)); i++)
		ext_lpm_free_nodes(t, ext_lpm_slots(slot)[i], spare);
	if (ext_lpm_is_wide(slot)) {
		WRITE_ONCE(t->n_wide, t->n_wide - 1);
		free_pages((unsigned long)ext_lpm_slots(slot), LPM_WIDE_ORDER);
	} else {
		WRITE_ONCE(t->n_nodes, t->n_nodes - 1);
		if (spare)
			ext_lpm_spare_put(t, ext_lpm_ptr(slot));
		else
			kmem_cache_free(ext_lpm_node_cache, ext_lpm_ptr(slot));
	}
}

/*
 * Put @e into the fresh node @n at bit @pos, where every slot on its way
 * holds the same answer: as its range if its length ends in this stride,
 * else as a tail, or, with @deep, in new nodes down to its own stride.
 */
static int ext_lpm_fill(struct ext_lpm *t, struct ext_lpm_node *n, u32 pos,
			struct ext_lpm_elem *e, bool deep)
{
	struct ext_lpm_node *child;
	unsigned long *range;
	u32 nib, count, i;

	for (;; n = child, pos += LPM_STRIDE) {
		nib = ext_lpm_bits(e->data, pos, LPM_STRIDE);
		if (e->prefixlen <= pos + LPM_STRIDE) {
			range = ext_lpm_range(n->slots, nib, LPM_STRIDE,
					      e->prefixlen - pos, &count);
			for (i = 0; i < count; i++)
				range[i] = (unsigned long)e;
			return 0;
		}
		if (!deep) {
			n->slots[nib] = ext_lpm_tail_slot(e, pos + LPM_STRIDE);
			return 0;
		}
		child = ext_lpm_node_alloc(t, ext_lpm_ptr(n->slots[nib]));
		if (!child)
			return -ENOMEM;
		n->slots[nib] = ext_lpm_node_slot(child);
	}
}

/*
 * New prefix @p, whose covering prefix is @parent, falls into the range of
 * the tail at *@slotp, at bit @pos: give the range nodes that tell the two
 * apart, built aside and linked in with one store.  The old tail keeps its
 * cover, since a lookup that read the old slot may read it afterwards:
 * when its new, smaller range would lie inside @p's, where the answer is
 * @p, it goes down to its own stride instead of becoming a tail again.
 */
static int ext_lpm_split(struct ext_lpm *t, unsigned long *slotp, u32 pos,
			 struct ext_lpm_elem *p, struct ext_lpm_elem *parent)
{
	struct ext_lpm_elem *old = ext_lpm_ptr(*slotp);
	u32 nib_old, nib_p, count;
	unsigned long top = 0, *link = &top, *range;
	struct ext_lpm_node *n;
	int err = 0;

	for (;; link = &n->slots[nib_p], pos += LPM_STRIDE) {
		n = ext_lpm_node_alloc(t, old->cover);
		if (!n) {
			err = -ENOMEM;
			break;
		}
		*link = ext_lpm_node_slot(n);
		nib_old = ext_lpm_bits(old->data, pos, LPM_STRIDE);
		nib_p = ext_lpm_bits(p->data, pos, LPM_STRIDE);
		if (p->prefixlen <= pos + LPM_STRIDE) {
			range = ext_lpm_range(n->slots, nib_p, LPM_STRIDE,
					      p->prefixlen - pos, &count);
			err = ext_lpm_fill(t, n, pos, old,
					   &n->slots[nib_old] >= range &&
					   &n->slots[nib_old] < range + count);
			if (!err)
				ext_lpm_replace_range(t, range, count, parent, p);
			break;
		}
		if (old->prefixlen <= pos + LPM_STRIDE || nib_old != nib_p) {
			ext_lpm_fill(t, n, pos, old, false);
			p->cover = ext_lpm_ptr(n->slots[nib_p]);
			n->slots[nib_p] = ext_lpm_tail_slot(p, pos + LPM_STRIDE);
			break;
		}
	}
	if (err)
		ext_lpm_free_nodes(t, top, true);
	else
		ext_lpm_set(slotp, top);
	return err;
}

/*
 * The prefix covering new prefix @p, where it is to go: what the trie
 * answers there already, unless a longer prefix hides it.
 */
static struct ext_lpm_elem *ext_lpm_parent(struct ext_lpm *t,
					   struct ext_lpm_elem *p,
					   const struct ext_lpm_place *pl)
{
	unsigned long slot = pl->slots ? pl->slots[0] : *pl->tailp;
	struct ext_lpm_elem *e = ext_lpm_ptr(slot);

	if (!ext_lpm_is_node(slot) && !ext_lpm_is_tail(slot) &&
	    (!e || e->prefixlen < p->prefixlen))
		return e;
	/* Alone in its range, a tail's prefix covers @p or the range does. */
	if (!pl->slots && ext_lpm_is_tail(slot))
		return e->prefixlen < p->prefixlen &&
		       ext_lpm_prefix_match(e->data, p->data, e->prefixlen) ?
		       e : e->cover;
	return ext_lpm_find_upto(t, p->data, (int)p->prefixlen - 1);
}

/* Is @slot a narrow node, with no node below it if @leaf? */
static bool ext_lpm_is_narrow(unsigned long slot, bool leaf)
{
	unsigned long *slots = ext_lpm_slots(slot);
	u32 i;

	if (!ext_lpm_is_node(slot) || ext_lpm_is_wide(slot))
		return false;
	for (i = 0; leaf && i < LPM_FANOUT; i++)
		if (ext_lpm_is_node(slots[i]))
			return false;
	return true;
}

/*
 * Can the narrow node at *@slotp become wide?  It can if it has narrow
 * nodes in all its slots, and they in all theirs, with no nodes below.
 * Then, given the memory in *@wide, give its range one wide node instead:
 * one read where a lookup made three, and 32 KiB against 273 nodes' 38.
 * The wide node is filled in aside and linked in with one store; lookups
 * still in the old nodes get the same answers from them until a grace
 * period has passed.
 */
static bool ext_lpm_widen(struct ext_lpm *t, unsigned long *slotp,
			  unsigned long **wide)
{
	unsigned long top = *slotp, *mid;
	u32 i, j;

	for (i = 0; i < LPM_FANOUT; i++) {
		if (!ext_lpm_is_narrow(ext_lpm_slots(top)[i], false))
			return false;
		mid = ext_lpm_slots(ext_lpm_slots(top)[i]);
		for (j = 0; j < LPM_FANOUT; j++)
			if (!ext_lpm_is_narrow(mid[j], true))
				return false;
	}
	if (!*wide)
		return true;
	for (i = 0; i < LPM_FANOUT; i++) {
		mid = ext_lpm_slots(ext_lpm_slots(top)[i]);
		for (j = 0; j < LPM_FANOUT; j++)
			memcpy(&(*wide)[(i * LPM_FANOUT + j) * LPM_FANOUT],
			       ext_lpm_slots(mid[j]), LPM_FANOUT * sizeof(**wide));
	}
	WRITE_ONCE(t->n_wide, t->n_wide + 1);
	ext_lpm_set(slotp, (unsigned long)*wide | LPM_TAG_WIDE);
	*wide = NULL;
	for (i = 0; i < LPM_FANOUT; i++) {
		mid = ext_lpm_slots(ext_lpm_slots(top)[i]);
		for (j = 0; j < LPM_FANOUT; j++)
			ext_lpm_node_free(t, mid[j]);
		ext_lpm_node_free(t, ext_lpm_slots(top)[i]);
	}
	ext_lpm_node_free(t, top);
	return true;
}

/*
 * After an insert that added nodes: can the first node on the path of
 * prefix @data/@len that can become wide do so?  It does, given *@wide.
 * Wide nodes never overlap, and only a range that just got new nodes can
 * have become full.
 */
static bool ext_lpm_widen_path(struct ext_lpm *t, const u8 *data, u32 len,
			       unsigned long **wide)
{
	struct ext_lpm_place pl;
	u32 i;

	ext_lpm_locate(t, data, len, &pl);
	for (i = 0; i < pl.depth; i++)
		if (!ext_lpm_is_wide(*pl.path[i]) && ext_lpm_widen(t, pl.path[i], wide))
			return true;
	return false;
}

/* Return: 1 if the insert added nodes, 0 if not, or -ENOMEM. */
static int ext_lpm_insert(struct ext_lpm *t, struct ext_lpm_elem *p)
{
	u32 n_nodes = t->n_nodes;
	struct ext_lpm_elem *parent;
	struct ext_lpm_place pl;
	int err;

	ext_lpm_locate(t, p->data, p->prefixlen, &pl);
	parent = ext_lpm_parent(t, p, &pl);
	if (pl.slots) {
		ext_lpm_replace_range(t, pl.slots, pl.n, parent, p);
	} else if (ext_lpm_is_tail(*pl.tailp)) {
		err = ext_lpm_split(t, pl.tailp, pl.pos, p, parent);
		if (err)
			return err;
	} else {
		/* A slot without node or tail holds the covering prefix. */
		p->cover = parent;
		ext_lpm_set(pl.tailp, ext_lpm_tail_slot(p, pl.pos));
	}
	ext_lpm_hash_add(t, p);
	return t->n_nodes > n_nodes;
}

/* Give @new, for the same prefix, @old's place. */
static void ext_lpm_swap(struct ext_lpm *t, struct ext_lpm_elem *old,
			 struct ext_lpm_elem *new)
{
	struct ext_lpm_place pl;

	ext_lpm_locate(t, old->data, old->prefixlen, &pl);
	if (pl.slots) {
		ext_lpm_replace_range(t, pl.slots, pl.n, old, new);
	} else {
		new->cover = old->cover;
		ext_lpm_set(pl.tailp, ext_lpm_tail_slot(new, pl.pos));
	}
	ext_lpm_hash_replace(t, old, new);
	kfree_rcu(old, rcu);
}

/* A plain slot's prefix length; -1 for no prefix, shorter than any. */
static int ext_lpm_slot_len(unsigned long slot)
{
	struct ext_lpm_elem *e = ext_lpm_ptr(slot);

	return e ? e->prefixlen : -1;
}

/*
 * If node @n gives one answer only, whatever the address, set *@answer to
 * it: all its slots alike; or one prefix, a tail or in slots of its own,
 * with the answer around it, *@cover, in all the others.  That prefix
 * comes back as a tail, as it would have been had it come alone.
 */
static bool ext_lpm_node_single(unsigned long node, unsigned long *answer,
				struct ext_lpm_elem **cover)
{
	const unsigned long *slots = ext_lpm_slots(node);
	unsigned long a = slots[0], b = a;
	u32 n = BIT(ext_lpm_stride(node)), i;

	for (i = 0; i < n; i++) {
		if (ext_lpm_is_node(slots[i]))
			return false;
		if (slots[i] == a || slots[i] == b)
			continue;
		if (a != b)
			return false;		/* a third answer */
		b = slots[i];
	}
	*answer = a;
	if (a == b)
		return true;
	/* The prefix in @a, the answer around it in @b. */
	if (ext_lpm_is_tail(b) ||
	    (!ext_lpm_is_tail(a) && ext_lpm_slot_len(a) < ext_lpm_slot_len(b)))
		swap(a, b);
	if (ext_lpm_is_tail(b))
		return false;			/* two tails */
	*cover = ext_lpm_ptr(b);
	if (ext_lpm_is_tail(a)) {
		if (((struct ext_lpm_elem *)ext_lpm_ptr(a))->cover != *cover)
			return false;
	} else if (ext_lpm_slot_len(b) >= ext_lpm_slot_len(a)) {
		return false;			/* two halves */
	}
	*answer = (unsigned long)ext_lpm_ptr(a) | LPM_TAG_TAIL;
	return true;
}

/*
 * After a delete, free the nodes on its path, deepest first, that no
 * longer tell anything apart; the slot above takes their one answer (a
 * tail packed anew: fewer of its bits are matched on the way there).
 */
static void ext_lpm_collapse(struct ext_lpm *t, struct ext_lpm_place *pl)
{
	unsigned long answer, node;
	struct ext_lpm_elem *e, *cover = NULL;

	while (pl->depth--) {
		node = *pl->path[pl->depth];
		if (!ext_lpm_node_single(node, &answer, &cover))
			return;
		if (ext_lpm_is_tail(answer)) {
			e = ext_lpm_ptr(answer);
			if (e->cover != cover)
				ext_lpm_set_cover(t, e, cover);
			answer = ext_lpm_tail_slot(e, pl->start[pl->depth]);
		}
		ext_lpm_set(pl->path[pl->depth], answer);
		ext_lpm_node_free(t, node);
	}
}

static void ext_lpm_remove(struct ext_lpm *t, struct ext_lpm_elem *p)
{
	struct ext_lpm_elem *parent;
	struct ext_lpm_place pl;

	ext_lpm_hash_replace(t, p, NULL);
	parent = ext_lpm_find_upto(t, p->data, (int)p->prefixlen - 1);
	ext_lpm_locate(t, p->data, p->prefixlen, &pl);
	if (pl.slots)
		ext_lpm_replace_range(t, pl.slots, pl.n, p, parent);
	else
		ext_lpm_set(pl.tailp, (unsigned long)p->cover);
	ext_lpm_collapse(t, &pl);
	kfree_rcu(p, rcu);
}

/*
 * Writers run with interrupts off, one per map and CPU (struct
 * extmap_busy): a program that interrupts an update (from a kprobe inside
 * it, say) and updates the same map gets EBUSY rather than a deadlock.
 * NMI context is refused before anything else: an update allocates, and
 * the NMI may have interrupted the allocator itself.
 */
static bool ext_lpm_enter(struct ext_lpm *t, unsigned long *flags)
{
	if (in_nmi())
		return false;
	return extmap_busy_enter(&t->busy, flags);
}

static void ext_lpm_exit(struct ext_lpm *t, unsigned long flags)
{
	extmap_busy_exit(&t->busy, flags);
}

static u32 ext_lpm_data_size(const union bpf_attr *attr)
{
	return attr->key_size - offsetof(struct bpf_lpm_trie_key_u8, data);
}

static u64 ext_lpm_n_buckets(u32 max_entries)
{
	return roundup_pow_of_two(max_t(u32, max_entries / 2, 1));
}

/* LPM_TRIE's attribute rules, but for keys of 16 data bytes at most. */
static int ext_lpm_map_alloc_check(union bpf_attr *attr)
{
	u32 value_max = KMALLOC_MAX_SIZE - sizeof(struct ext_lpm_elem) -
			LPM_DATA_SIZE_MAX;

	if (!attr->max_entries ||
	    attr->key_size <= offsetof(struct bpf_lpm_trie_key_u8, data) ||
	    ext_lpm_data_size(attr) > LPM_DATA_SIZE_MAX ||
	    !attr->value_size || attr->value_size > value_max)
		return -EINVAL;
	if (ext_lpm_n_buckets(attr->max_entries) * sizeof(void *) >
	    EXTMAP_MAX_AREA_SIZE)
		return -E2BIG;
	return 0;
}

static void ext_lpm_free(struct extmap_map *em)
{
	struct ext_lpm *t = container_of(em, struct ext_lpm, em);
	struct ext_lpm_elem *e, *next;
	struct ext_lpm_node *n;
	u32 i;

	/*
	 * No lookups are left: everything goes at once, from a workqueue
	 * (or the creating task), rescheduling as it goes: a large map has
	 * millions of elements and nodes to free.
	 */
	if (t->direct) {
		for (i = 0; i < 1U << t->direct_bits; i++) {
			ext_lpm_free_nodes(t, t->direct[i], false);
			cond_resched();
		}
	}
	if (t->buckets) {
		for (i = 0; i < t->n_buckets; i++) {
			for (e = rcu_dereference_raw(t->buckets[i]); e; e = next) {
				next = rcu_dereference_raw(e->hnext);
				kfree(e);
			}
			cond_resched();
		}
	}
	while ((n = ext_lpm_spare_take(t)))
		kmem_cache_free(ext_lpm_node_cache, n);
	mem_cgroup_put(t->memcg);
	extmap_busy_free(&t->busy);
	kvfree(t->buckets);
	kvfree(t->direct);
	lockdep_unregister_key(&t->lockdep_key);
	kvfree(t);
}

static struct extmap_map *ext_lpm_alloc(union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	struct ext_lpm *t;

	t = extmap_area_alloc(sizeof(*t), numa_node);
	if (!t)
		return ERR_PTR(-ENOMEM);
	lockdep_register_key(&t->lockdep_key);
	raw_spin_lock_init(&t->lock);
	lockdep_set_class(&t->lock, &t->lockdep_key);

	t->numa_node = numa_node;
	t->data_size = ext_lpm_data_size(attr);
	t->max_prefixlen = t->data_size * 8;
	t->direct_bits = ext_lpm_direct_bits(t->max_prefixlen, attr->max_entries);
	/* The data right after the header, not after its tail padding. */
	t->value_off = round_up(offsetof(struct ext_lpm_elem, data) + t->data_size,
				8);
	t->elem_size = t->value_off + attr->value_size;
	t->n_buckets = ext_lpm_n_buckets(attr->max_entries);
	t->hashrnd = get_random_u32();
	t->direct = extmap_area_alloc(sizeof(*t->direct) << t->direct_bits,
				      numa_node);
	t->buckets = extmap_area_alloc((u64)t->n_buckets * sizeof(*t->buckets),
				       numa_node);
	t->memcg = get_mem_cgroup_from_mm(current->mm);
	/* One chain of nodes, from the first slot to the longest prefix. */
	t->max_new = DIV_ROUND_UP(t->max_prefixlen - t->direct_bits,
				  LPM_STRIDE);
	init_llist_head(&t->spares);
	ext_lpm_spares_fill(t, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!t->direct || !t->buckets || extmap_busy_init(&t->busy) ||
	    atomic_read(&t->n_spare) < t->max_new) {
		ext_lpm_free(&t->em);
		return ERR_PTR(-ENOMEM);
	}
	return &t->em;
}

/* The lookup, from bpf(2) and from programs (ext_lpm_map_gen_lookup()). */
static void *ext_lpm_lookup(void *obj, void *key)
{
	struct ext_lpm *t = obj;
	struct bpf_lpm_trie_key_u8 *k = key;
	struct ext_lpm_elem *e;

	if (likely(k->prefixlen == t->max_prefixlen))
		e = t->data_size == 4 ? ext_lpm_find4(t, k->data) :
					ext_lpm_find(t, k->data);
	else if (k->prefixlen < t->max_prefixlen)
		e = ext_lpm_find_upto(t, k->data, k->prefixlen);
	else
		return NULL;
	return e ? ext_lpm_value(t, e) : NULL;
}

static void *ext_lpm_map_lookup_elem(struct bpf_map *map, void *key)
{
	return ext_lpm_lookup(ext_lpm(map), key);
}

static int ext_lpm_map_gen_lookup(struct bpf_map *map, struct bpf_insn *insn_buf)
{
	return extmap_gen_lookup_call(ext_lpm(map), ext_lpm_lookup, insn_buf);
}

/*
 * After an insert that added nodes, where a node on its path can become
 * wide: allocate the wide node outside the lock, then take the lock again
 * to build it, if the trie still lets it.  Without memory for it, the
 * narrow nodes stay: right, only slower.
 */
static void ext_lpm_widen_after(struct ext_lpm *t,
				const struct bpf_lpm_trie_key_u8 *k)
{
	unsigned long irqflags, *wide;
	struct mem_cgroup *old;
	struct page *page;

	old = set_active_memcg(t->memcg);
	page = alloc_pages_node(t->numa_node, LPM_GFP, LPM_WIDE_ORDER);
	set_active_memcg(old);
	if (!page)
		return;
	wide = page_address(page);
	if (ext_lpm_enter(t, &irqflags)) {
		raw_spin_lock(&t->lock);
		ext_lpm_widen_path(t, k->data, k->prefixlen, &wide);
		raw_spin_unlock(&t->lock);
		ext_lpm_exit(t, irqflags);
	}
	if (wide)
		__free_pages(page, LPM_WIDE_ORDER);
}

/* Results and their order as BPF_MAP_TYPE_LPM_TRIE gives them. */
static extmap_ret_t ext_lpm_map_update_elem(struct bpf_map *map, void *key,
					    void *value, u64 flags)
{
	struct ext_lpm *t = ext_lpm(map);
	struct bpf_lpm_trie_key_u8 *k = key;
	unsigned long irqflags, *none = NULL;
	struct ext_lpm_elem *old, *new;
	bool widen = false, in_place = false;
	struct mem_cgroup *memcg;
	int err;

	err = extmap_check_update_flags(map, flags);
	if (unlikely(err))
		return err;
	if (k->prefixlen > t->max_prefixlen)
		return -EINVAL;
	/* Before allocating: see ext_lpm_enter(). */
	if (in_nmi())
		return -EBUSY;

	ext_lpm_spares_fill(t, LPM_GFP);
	memcg = set_active_memcg(t->memcg);
	new = kmalloc_node(t->elem_size, LPM_GFP, map->numa_node);
	set_active_memcg(memcg);
	if (!new)
		return -ENOMEM;
	new->prefixlen = k->prefixlen;
	memcpy(new->data, k->data, t->data_size);
	extmap_value_init(map, ext_lpm_value(t, new));
	extmap_value_copy(map, ext_lpm_value(t, new), value, 0);

	if (!ext_lpm_enter(t, &irqflags)) {
		kfree(new);
		return -EBUSY;
	}
	raw_spin_lock(&t->lock);
	old = ext_lpm_find_exact(t, k->data, k->prefixlen);
	if (old) {
		if ((flags & ~BPF_F_LOCK) == BPF_NOEXIST) {
			err = -EEXIST;
		} else if (flags & BPF_F_LOCK) {
			/* In place, under the value's lock, as for hash. */
			extmap_value_copy(map, ext_lpm_value(t, old), value,
					  flags);
			in_place = true;
		} else {
			ext_lpm_swap(t, old, new);
		}
	} else if ((flags & ~BPF_F_LOCK) == BPF_EXIST) {
		err = -ENOENT;
	} else if (t->count >= map->max_entries) {
		err = -ENOSPC;
	} else {
		err = ext_lpm_insert(t, new);
		if (err > 0)
			widen = ext_lpm_widen_path(t, k->data, k->prefixlen, &none);
	}
	raw_spin_unlock(&t->lock);
	ext_lpm_exit(t, irqflags);

	if (err < 0 || in_place) {
		kfree(new);
		return err < 0 ? err : 0;
	}
	if (widen)
		ext_lpm_widen_after(t, k);
	/* What the insert took, so that a map at rest holds max_new spares. */
	ext_lpm_spares_fill(t, LPM_GFP);
	return 0;
}

static extmap_ret_t ext_lpm_map_delete_elem(struct bpf_map *map, void *key)
{
	struct ext_lpm *t = ext_lpm(map);
	struct bpf_lpm_trie_key_u8 *k = key;
	unsigned long irqflags;
	struct ext_lpm_elem *e;

	if (k->prefixlen > t->max_prefixlen)
		return -EINVAL;
	if (!ext_lpm_enter(t, &irqflags))
		return -EBUSY;
	raw_spin_lock(&t->lock);
	e = ext_lpm_find_exact(t, k->data, k->prefixlen);
	if (e)
		ext_lpm_remove(t, e);
	raw_spin_unlock(&t->lock);
	ext_lpm_exit(t, irqflags);
	return e ? 0 : -ENOENT;
}

/*
 * Hash order: bucket by bucket, each chain newest first.  A missing or
 * invalid key restarts from the first prefix, as LPM_TRIE does.
 */
static int ext_lpm_map_get_next_key(struct bpf_map *map, void *key,
				    void *next_key)
{
	struct ext_lpm *t = ext_lpm(map);
	struct bpf_lpm_trie_key_u8 *k = key, *next = next_key;
	struct ext_lpm_elem *e = NULL;
	u32 i = 0;

	if (k && k->prefixlen <= t->max_prefixlen) {
		e = ext_lpm_find_exact(t, k->data, k->prefixlen);
		if (e) {
			i = (ext_lpm_hash(t, k->data, k->prefixlen) &
			     (t->n_buckets - 1)) + 1;
			e = ext_lpm_deref(t, e->hnext);
		}
	}
	for (; !e && i < t->n_buckets; i++)
		e = ext_lpm_deref(t, t->buckets[i]);
	if (!e)
		return -ENOENT;
	next->prefixlen = e->prefixlen;
	memcpy(next->data, e->data, t->data_size);
	return 0;
}

/*
 * bpf_for_each_map_elem(): in get_next_key's order, until the callback
 * returns 1.  An element's prefixlen and data are a key as the map takes
 * it, and that is what the callback sees.  Elements are freed a grace
 * period after their delete, so the walk goes on from one the callback
 * deleted.  Return: the number of elements the callback saw.
 */
static extmap_for_each_ret_t ext_lpm_map_visit_elems(struct bpf_map *map,
						     bpf_callback_t callback_fn,
						     void *callback_ctx, u64 flags)
{
	struct ext_lpm *t = ext_lpm(map);
	struct ext_lpm_elem *e, *next;
	extmap_for_each_ret_t n = 0;
	u32 i;

	BUILD_BUG_ON(offsetof(struct ext_lpm_elem, data) -
		     offsetof(struct ext_lpm_elem, prefixlen) !=
		     offsetof(struct bpf_lpm_trie_key_u8, data));
	if (flags)
		return -EINVAL;
	rcu_read_lock();
	for (i = 0; i < t->n_buckets; i++) {
		for (e = ext_lpm_deref(t, t->buckets[i]); e; e = next) {
			next = ext_lpm_deref(t, e->hnext);
			n++;
			if (callback_fn((u64)(long)map, (u64)(long)&e->prefixlen,
					(u64)(long)ext_lpm_value(t, e),
					(u64)(long)callback_ctx, 0))
				goto out;
		}
	}
out:
	rcu_read_unlock();
	return n;
}

#ifdef EXTMAP_HAVE_MEM_USAGE
/* Bytes asked for, as the kernel's maps report them, not slab sizes. */
static u64 ext_lpm_map_mem_usage(const struct bpf_map *map)
{
	const struct ext_lpm *t = ext_lpm(map);

	return sizeof(*t) + (sizeof(*t->direct) << t->direct_bits) +
	       (u64)t->n_buckets * sizeof(*t->buckets) +
	       ((u64)READ_ONCE(t->n_nodes) + atomic_read(&t->n_spare)) *
	       sizeof(struct ext_lpm_node) +
	       ((u64)READ_ONCE(t->n_wide) << (PAGE_SHIFT + LPM_WIDE_ORDER)) +
	       (u64)READ_ONCE(t->count) * t->elem_size +
	       extmap_busy_mem_usage();
}
#endif

static const struct bpf_map_ops ext_lpm_map_ops = {
	.map_alloc_check = ext_lpm_map_alloc_check,
	.map_lookup_elem = ext_lpm_map_lookup_elem,
	.map_gen_lookup = ext_lpm_map_gen_lookup,
	.map_update_elem = ext_lpm_map_update_elem,
	.map_delete_elem = ext_lpm_map_delete_elem,
	.map_get_next_key = ext_lpm_map_get_next_key,
	.map_for_each_callback = ext_lpm_map_visit_elems,
#ifdef EXTMAP_HAVE_MEM_USAGE
	.map_mem_usage = ext_lpm_map_mem_usage,
#endif
};

static int ext_lpm_type_init(void)
{
	/* The linear map, where all slab and page memory is, is that high. */
	ext_lpm_packed_tails = (PAGE_OFFSET & LPM_INFO_MASK) == LPM_INFO_MASK;
	ext_lpm_node_cache = KMEM_CACHE(ext_lpm_node, 0);
	return ext_lpm_node_cache ? 0 : -ENOMEM;
}

static void ext_lpm_type_exit(void)
{
	/* Nodes freed by updates may still wait for a grace period. */
	rcu_barrier();
	kmem_cache_destroy(ext_lpm_node_cache);
}

struct extmap_type extmap_lpm_type = {
	.name = "lpm",
	.id = EXTMAP_MAP_TYPE_LPM,
	.ops = &ext_lpm_map_ops,
	.alloc = ext_lpm_alloc,
	.free = ext_lpm_free,
	.btf_fields = EXTMAP_FIELD_SPIN_LOCK,
	/* Accepted, and meaningless, so that LPM_TRIE definitions carry over. */
	.map_flags = BPF_F_NO_PREALLOC,
	.owner = THIS_MODULE,
	.init = ext_lpm_type_init,
	.exit = ext_lpm_type_exit,
};
