// SPDX-License-Identifier: GPL-2.0
/*
 * test_fuzz: a seeded random driver with a fixed budget.
 *
 * ioctl_fuzz: EXTMAP_IOC_CREATE and EXTMAP_IOC_TYPES with random structs
 * (sizes, flags, reserved words, names, type ids, NUMA nodes, huge values),
 * bad, unaligned and faulting pointers (NULL, a PROT_NONE page, a struct
 * running into one, a kernel address), wrong ioctl numbers and random fds.
 * Every call must return, with EFAULT for a faulting argument, ENOTTY for a
 * wrong number, an errno from the documented set otherwise, and a created
 * map must be what was asked for (bpf_map_info, file mode).  Requests that
 * the module would accept and that would allocate more than 64 MiB get a
 * smaller max_entries, and smaller key and value sizes when that is not
 * enough: the VM has 2 GiB.
 *
 * bpf_fuzz: bpf(2) commands on pairs of maps created with the same
 * attributes, an extmap map and its kernel counterpart (array/ARRAY,
 * hash/HASH, lpm/LPM_TRIE): lookup, update, delete, get_next_key, freeze,
 * the batch commands, lookup_and_delete and BPF_OBJ_GET_INFO_BY_FD, with odd
 * keys, bad flags, wrong fds, faulting pointers, trailing garbage in the
 * attribute, odd info_len.  Each call goes to both maps with the same
 * arguments; results must agree except for the documented differences:
 *
 *   - batch commands: the same result, except where the kernel's map has
 *     its own: HASH's lookup batches go bucket by bucket (ENOSPC for a
 *     bucket larger than count, ENOENT or 0 at other places than extmap's
 *     walk of the keys), so there both results must only be among 0,
 *     ENOENT, EFAULT (and ENOSPC for HASH); so too for lpm's lookup
 *     batches going on after in_batch, since LPM_TRIE's order differs
 *     (what is left after a key is not the same); LPM_TRIE has no
 *     lookup-and-delete batch (ENOTSUPP, 524), lpm has: any result of its
 *     op.  The keys and values past the first are the same zeros on both
 *     sides.
 *   - BPF_MAP_LOOKUP_AND_DELETE_ELEM: extmap maps give ENOTSUPP (524)
 *     where the kernel's map gets as far as the operation (bpf(2) offers
 *     it only to some map types; Documentation/design.md); the checks
 *     before it (attribute, fd, file mode, copying the key) must agree:
 *     the kernel's result must be one its op gives (the key readable, and
 *     0, ENOENT, or EFAULT from a value it cannot write).
 *   After either, the kernel map is made equal to the extmap map again.
 *   - get_next_key on hash and lpm: the order differs (a different hash, a
 *     trie walked in post order), so after a present key only "0 or ENOENT"
 *     is compared, and the next key only on array.
 *   - mmap: the fuzzed maps are not BPF_F_MMAPABLE, so it must fail; not
 *     compared with the kernel.
 *   - lpm refuses keys of more than 16 data bytes (creation: not fuzzed
 *     here; test_create covers it).
 *
 * unpriv: with every capability dropped (uid 0), and as uid 65534, every
 * EXTMAP_IOC_CREATE (random structs, through a /dev/extmap fd opened
 * before dropping) fails with EPERM, bpf(2) on inherited extmap map fds
 * fails as it does for kernel maps, and uid 65534 cannot open /dev/extmap.
 *
 * EXTMAP_FUZZ_SEED replays a run (the seed is printed first);
 * EXTMAP_FUZZ_ITERATIONS sets the calls per case (default 3000).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util.h"

#define PAGE		4096
#define KMALLOC_MAX	(4UL << 20)
#define BIG_ALLOC	(64ULL << 20)

static uint64_t seed, rs;
/* Drawn once per call, so that both sides of a comparison get one layout. */
static uint32_t straddle_draw;
static long iterations = 3000;
static long ncpus;

static uint64_t rnd(void) { return prng_next(&rs); }
static uint32_t rnd_below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

/* Two pages: RW then PROT_NONE, twice (one set per side of a comparison). */
static unsigned char *area[2];

static int areas_init(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		area[i] = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area[i] == MAP_FAILED)
			return -1;
		if (mprotect(area[i] + PAGE, PAGE, PROT_NONE))
			return -1;
	}
	return 0;
}

enum ptr_kind { P_GOOD, P_NULL, P_NONE, P_STRADDLE, P_KERNEL, P_UNALIGNED, P_KINDS };

static const char * const ptr_name[] = { "good", "NULL", "PROT_NONE", "straddling",
					 "kernel", "unaligned" };

static enum ptr_kind pick_ptr_kind(void)
{
	return rnd_below(10) < 6 ? P_GOOD : (enum ptr_kind)rnd_below(P_KINDS);
}

/*
 * A pointer to @len bytes of @data in side @side's area, of kind @k.
 * Slot @slot (0..3) keeps the buffers of one call apart (1 KiB each).
 */
static void *place(int side, int slot, enum ptr_kind k, const void *data, size_t len)
{
	unsigned char *base = area[side] + slot * 1024;

	switch (k) {
	case P_NULL:
		return NULL;
	case P_NONE:
		return area[side] + PAGE;
	case P_KERNEL:
		return (void *)0xffff888000001000ULL;
	case P_STRADDLE: {
		/* The first bytes readable, the rest in the PROT_NONE page. */
		size_t keep = len > 1 ? 1 + straddle_draw % (len - 1) : 0;
		unsigned char *p = area[side] + PAGE - keep;

		memcpy(p, data, keep);
		return p;
	}
	case P_UNALIGNED:
		memcpy(base + 3, data, len);
		return base + 3;
	default:
		memcpy(base + 8, data, len);
		return base + 8;
	}
}

static bool ptr_faults(enum ptr_kind k, size_t len)
{
	/* place() keeps at most len - 1 bytes of a straddling one readable. */
	return k == P_NULL || k == P_NONE || k == P_KERNEL ||
	       (k == P_STRADDLE && len > 0);
}

static uint32_t pick_u32(void)
{
	static const uint32_t interesting[] = {
		0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 20, 21, 32, 255, 256, 4096, 65536,
		65537, 1u << 20, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff8,
		1u << 31 | 1, 4194304, 4194304 - 64,
	};

	if (rnd_below(4) == 0)
		return (uint32_t)rnd();
	if (rnd_below(3) == 0)
		return rnd_below(64);
	return interesting[rnd_below(TAP_ARRAY_SIZE(interesting))];
}

static uint64_t roundup_pow2(uint64_t x)
{
	uint64_t r = 1;

	while (r < x)
		r <<= 1;
	return r;
}

#define R8(x) (((uint64_t)(x) + 7) & ~7ULL)

/*
 * What the module would allocate at creation for @c, if its type checks
 * let it through; 0 when they refuse it before allocating (mirrors the
 * map_alloc_check()s of module/{array,hash,lpm}.c).
 */
static uint64_t creation_bytes(const struct extmap_create *c)
{
	uint64_t max = c->max_entries, sz, elem;

	switch (c->type) {
	case EXTMAP_MAP_TYPE_ARRAY:
		if (c->key_size != 4 || !c->value_size || !max || c->value_size > 0x7fffffff)
			return 0;
		sz = roundup_pow2(max) * R8(c->value_size);
		return sz > 0x7fffffff ? 0 : sz;
	case EXTMAP_MAP_TYPE_HASH:
		if (!max || !c->key_size || !c->value_size)
			return 0;
		elem = 32 + R8(c->key_size) + R8(c->value_size);
		if (elem >= KMALLOC_MAX || max > 1ULL << 31)
			return 0;
		if (elem * (max + ncpus) > 0x7fffffff || roundup_pow2(max) * 16 > 0x7fffffff)
			return 0;
		return elem * (max + ncpus) + roundup_pow2(max) * 16;
	case EXTMAP_MAP_TYPE_LPM:
		if (!max || c->key_size <= 4 || c->key_size - 4 > 16 || !c->value_size ||
		    c->value_size > KMALLOC_MAX)
			return 0;
		sz = roundup_pow2(max / 2 ? max / 2 : 1) * 8;
		return sz > 0x7fffffff ? 0 : sz + (8ULL << 20);
	}
	return 0;
}

static void random_create(struct extmap_create *c)
{
	static const uint32_t types[] = {
		EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_LPM,
		EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH, EXTMAP_MAP_TYPE_LPM,
		0, 1, 2, 11, EXTMAP_MAP_TYPE_BASE, EXTMAP_MAP_TYPE_BASE + 4,
		EXTMAP_MAP_TYPE_BASE + 0xffff, 0xffffffff,
	};
	static const char okc[] = "abcXYZ019_.";
	int i, n;

	memset(c, 0, sizeof(*c));
	c->type = rnd_below(8) ? types[rnd_below(TAP_ARRAY_SIZE(types))] : (uint32_t)rnd();
	c->key_size = rnd_below(2) ? pick_u32() : (c->type == EXTMAP_MAP_TYPE_LPM ?
						   5 + rnd_below(16) : 4 + 4 * rnd_below(3));
	c->value_size = rnd_below(2) ? pick_u32() : 1 + rnd_below(64);
	c->max_entries = rnd_below(2) ? pick_u32() : 1 + rnd_below(1024);
	switch (rnd_below(4)) {
	case 0:
		c->map_flags = 0;
		break;
	case 1:
		c->map_flags = 1u << rnd_below(20);
		break;
	case 2:
		c->map_flags = (uint32_t)rnd() & 0x7ff;
		break;
	default:
		c->map_flags = (uint32_t)rnd();
		break;
	}
	c->numa_node = rnd_below(3) ? 0 : rnd_below(2) ? 0xffffffff : pick_u32();
	n = rnd_below(18);
	for (i = 0; i < n && i < EXTMAP_NAME_LEN; i++)
		c->name[i] = rnd_below(12) ? okc[rnd_below(sizeof(okc) - 1)] :
					     (char)rnd();
	if (rnd_below(12) == 0)
		c->map_extra = rnd() | 1;
	if (rnd_below(12) == 0)
		c->reserved = (uint32_t)rnd() | 1;
	/*
	 * Keep what would be created within reach of a 2 GiB VM.  A smaller
	 * max_entries is not always enough: a hash of elements just under
	 * KMALLOC_MAX (key or value of 4 MiB - 64) and a few hundred entries
	 * passes the type's checks with up to 2 GiB (the guest ran out of
	 * memory): then the sizes come down too, and the entries last.
	 */
	if (creation_bytes(c) > BIG_ALLOC) {
		c->max_entries = 1 + rnd_below(4096);
		while (creation_bytes(c) > BIG_ALLOC) {
			if (c->value_size > 4096)
				c->value_size = 1 + rnd_below(4096);
			else if (c->key_size > 4096)
				c->key_size = 1 + rnd_below(4096);
			else
				c->max_entries = c->max_entries / 2 + 1;
		}
	}
}

/* A map the ioctl made must be the one asked for. */
static int check_created(int fd, const struct extmap_create *c)
{
	struct bpf_map_info info;
	__u32 want_flags = c->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	int acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	int want_acc = (c->map_flags & BPF_F_RDONLY) ? O_RDONLY :
		       (c->map_flags & BPF_F_WRONLY) ? O_WRONLY : O_RDWR;

	ASSERT_OK(map_info(fd, &info));
	ASSERT(info.type == c->type && info.key_size == c->key_size &&
	      info.value_size == c->value_size && info.max_entries == c->max_entries &&
	      info.map_flags == want_flags && !strncmp(info.name, c->name, 16),
	      "asked type %#x %u/%u/%u flags %#x name '%.16s', got %#x %u/%u/%u flags %#x name '%s'",
	      c->type, c->key_size, c->value_size, c->max_entries, c->map_flags, c->name,
	      info.type, info.key_size, info.value_size, info.max_entries,
	      info.map_flags, info.name);
	ASSERT(acc == want_acc, "file mode %d, flags %#x", acc, c->map_flags);
	ASSERT((fcntl(fd, F_GETFD) & FD_CLOEXEC), "no O_CLOEXEC");
	return TAP_PASS;
}

static int ioctl_fuzz(void)
{
	AUTO_FD dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);
	AUTO_FD devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	unsigned long created = 0, refused = 0, faults = 0, badnr = 0, types_calls = 0;
	unsigned long by_errno[600] = { 0 };
	struct extmap_types t0 = { 0 };
	static const unsigned char zeros[64];
	__u32 ntypes;
	long i;

	ASSERT(dev >= 0, "open %s: %s", EXTMAP_DEV, tap_errname(errno));
	ASSERT_OK(ioctl(dev, EXTMAP_IOC_TYPES, &t0));
	ntypes = t0.count;
	ASSERT(ntypes >= 3, "%u types registered", ntypes);

	for (i = 0; i < iterations; i++) {
		uint32_t what = rnd_below(100);
		enum ptr_kind pk = rnd_below(10) ? P_GOOD : pick_ptr_kind();
		int fd = dev, r, e;

		straddle_draw = (uint32_t)rnd();
		if (what < 75) {
			struct extmap_create c;
			void *p;

			random_create(&c);
			p = place(0, 0, pk, &c, sizeof(c));
			if (rnd_below(50) == 0)
				fd = rnd_below(2) ? devnull : -1;
			errno = 0;
			r = ioctl(fd, EXTMAP_IOC_CREATE, p);
			e = errno;
			if (fd != dev) {
				ASSERT(r < 0 && (e == ENOTTY || e == EBADF),
				      "EXTMAP_IOC_CREATE on fd %d: %d, %s", fd, r, tap_errname(e));
				continue;
			}
			if (ptr_faults(pk, sizeof(c))) {
				faults++;
				ASSERT(r < 0 && e == EFAULT,
				      "iteration %ld: EXTMAP_IOC_CREATE with a %s pointer: %d, %s",
				      i, ptr_name[pk], r, tap_errname(e));
				continue;
			}
			if (r >= 0) {
				int ok = check_created(r, &c);

				close(r);
				if (ok != TAP_PASS) {
					tap_diag("iteration %ld (seed %#llx)", i,
						 (unsigned long long)seed);
					return TAP_FAIL;
				}
				created++;
				continue;
			}
			refused++;
			by_errno[e < 600 ? e : 0]++;
			ASSERT(e == EINVAL || e == E2BIG || e == ENOENT || e == ENOMEM,
			      "iteration %ld: EXTMAP_IOC_CREATE type %#x key %u value %u max %u flags %#x numa %u extra %#llx: %s (not a documented error)",
			      i, c.type, c.key_size, c.value_size, c.max_entries,
			      c.map_flags, c.numa_node, (unsigned long long)c.map_extra,
			      tap_errname(e));
		} else if (what < 88) {
			struct extmap_types t = { 0 };
			struct extmap_type_info *out;
			enum ptr_kind ok_kind = pick_ptr_kind();
			void *p;

			types_calls++;
			t.count = rnd_below(3) ? rnd_below(6) : pick_u32();
			if (t.count > 64)
				t.count = rnd_below(2) ? t.count : 64;
			if (rnd_below(10) == 0)
				t.reserved = (uint32_t)rnd() | 1;
			out = (struct extmap_type_info *)(area[1] + 8);
			t.types = ok_kind == P_GOOD ? (__u64)(unsigned long)out :
				  ok_kind == P_NULL ? 0 :
				  ok_kind == P_NONE ? (__u64)(unsigned long)(area[1] + PAGE) :
				  ok_kind == P_STRADDLE ?
					(__u64)(unsigned long)(area[1] + PAGE - 40) :
				  ok_kind == P_KERNEL ? 0xffff888000001000ULL :
					(__u64)(unsigned long)(area[1] + 3);
			/* Room for count entries (where the pointer is good). */
			if ((ok_kind == P_GOOD || ok_kind == P_UNALIGNED) &&
			    (uint64_t)(t.count < ntypes ? t.count : ntypes) * sizeof(*out) > PAGE - 8)
				t.count = 1;
			p = place(0, 0, pk, &t, sizeof(t));
			errno = 0;
			r = ioctl(dev, EXTMAP_IOC_TYPES, p);
			e = errno;
			if (ptr_faults(pk, sizeof(t))) {
				ASSERT(r < 0 && e == EFAULT, "TYPES with a %s pointer: %d, %s",
				      ptr_name[pk], r, tap_errname(e));
				continue;
			}
			if (t.reserved) {
				ASSERT(r < 0 && e == EINVAL, "TYPES with reserved %#x: %d, %s",
				      t.reserved, r, tap_errname(e));
				continue;
			}
			if (t.count && (ok_kind == P_NULL || ok_kind == P_NONE ||
					ok_kind == P_KERNEL ||
					(ok_kind == P_STRADDLE &&
					 t.count > 1 && ntypes > 1))) {
				ASSERT(r < 0 && e == EFAULT,
				      "TYPES count %u into a %s array: %d, %s",
				      t.count, ptr_name[ok_kind], r, tap_errname(e));
				continue;
			}
			ASSERT(r == 0, "TYPES count %u, %s array: %d, %s", t.count,
			      ptr_name[ok_kind], r, tap_errname(e));
			ASSERT(((struct extmap_types *)p)->count == ntypes,
			      "TYPES says %u types, %u before",
			      ((struct extmap_types *)p)->count, ntypes);
		} else {
			/* Wrong numbers: our magic, other numbers, sizes, directions. */
			unsigned long cmd;
			uint32_t nr = rnd_below(256);

			badnr++;
			switch (rnd_below(4)) {
			case 0:
				cmd = _IOC(rnd_below(4), EXTMAP_IOC_MAGIC, nr, rnd_below(1 << 14));
				/* A create of any size is a create. */
				if (cmd == EXTMAP_IOC_CREATE_SIZE(_IOC_SIZE(cmd)) ||
				    cmd == EXTMAP_IOC_TYPES)
					continue;
				break;
			case 1:
				cmd = _IOC(_IOC_READ | _IOC_WRITE, EXTMAP_IOC_MAGIC,
					   1 + rnd_below(2), sizeof(struct extmap_create) +
					   8 * (1 + rnd_below(4)));
				break;
			case 2:
				cmd = _IOW(EXTMAP_IOC_MAGIC, 3 + rnd_below(250), int);
				break;
			default:
				/* Random numbers: the VFS handles a few itself. */
				cmd = (uint32_t)rnd();
				errno = 0;
				r = ioctl(dev, cmd, place(0, 0, pk, zeros, 64));
				if (r >= 0 && (cmd == EXTMAP_IOC_CREATE))
					close(r);
				continue;
			}
			errno = 0;
			r = ioctl(dev, cmd, place(0, 0, pk, zeros, 64));
			e = errno;
			ASSERT(r < 0 && e == ENOTTY, "ioctl %#lx: %d, %s", cmd, r, tap_errname(e));
		}
	}
	tap_diag("ioctl: %ld calls: %lu maps created, %lu refused (EINVAL %lu, E2BIG %lu, ENOENT %lu, ENOMEM %lu), %lu faulting pointers, %lu TYPES, %lu wrong numbers",
		 iterations, created, refused, by_errno[EINVAL], by_errno[E2BIG],
		 by_errno[ENOENT], by_errno[ENOMEM], faults, types_calls, badnr);
	tap_figure("test_fuzz", "ioctl calls", "%ld (%lu maps created)", iterations, created);
	return TAP_PASS;
}

/* ---- bpf(2) on extmap maps against their kernel counterparts ---- */

enum { K_ARRAY, K_HASH, K_LPM };

struct pair {
	int kind;
	int fd[2];		/* [0] extmap, [1] kernel */
	__u32 ks, vs, max, flags;
	unsigned char pool[16][24];	/* keys to draw from, so that they hit */
	bool stale;		/* frozen or unusable: make a new pair */
};

static void pair_close(struct pair *p)
{
	if (p->fd[0] >= 0)
		close(p->fd[0]);
	if (p->fd[1] >= 0)
		close(p->fd[1]);
	p->fd[0] = p->fd[1] = -1;
}

static int pair_new(struct pair *p)
{
	static const __u32 ktype[] = { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH,
				       BPF_MAP_TYPE_LPM_TRIE };
	static const __u32 etype[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH,
				       EXTMAP_MAP_TYPE_LPM };
	LIBBPF_OPTS(bpf_map_create_opts, o);
	__u32 eflags;
	int i;

	pair_close(p);
	p->kind = rnd_below(3);
	p->ks = p->kind == K_ARRAY ? 4 : p->kind == K_HASH ? 1 + rnd_below(24) :
		4 + 1 + rnd_below(16);
	p->vs = 1 + rnd_below(40);
	p->max = 1 + rnd_below(12);
	p->flags = 0;
	switch (rnd_below(10)) {
	case 0:
		p->flags = BPF_F_RDONLY;
		break;
	case 1:
		p->flags = BPF_F_WRONLY;
		break;
	case 2:
		p->flags = BPF_F_RDONLY_PROG;
		break;
	}
	eflags = p->flags;
	o.map_flags = p->flags | (p->kind == K_LPM ? BPF_F_NO_PREALLOC : 0);
	if (p->kind == K_LPM && rnd_below(2))
		eflags |= BPF_F_NO_PREALLOC;
	p->fd[0] = ext_create(etype[p->kind], p->ks, p->vs, p->max, eflags, "fz");
	p->fd[1] = bpf_map_create(ktype[p->kind], "fz", p->ks, p->vs, p->max, &o);
	if (p->fd[0] < 0 || p->fd[1] < 0) {
		tap_diag("create pair kind %d key %u value %u max %u flags %#x: ext %d kernel %d, %s",
			 p->kind, p->ks, p->vs, p->max, p->flags, p->fd[0], p->fd[1],
			 tap_errname(errno));
		return -1;
	}
	for (i = 0; i < 16; i++) {
		fill_pattern(p->pool[i], sizeof(p->pool[i]), rnd());
		if (p->kind == K_ARRAY) {
			__u32 idx = rnd_below(4) ? rnd_below(p->max + 2) : pick_u32();

			memcpy(p->pool[i], &idx, 4);
		} else if (p->kind == K_LPM) {
			__u32 maxlen = (p->ks - 4) * 8;
			__u32 plen = rnd_below(8) ? rnd_below(maxlen + 1) :
				     rnd_below(2) ? maxlen + 1 + rnd_below(8) : pick_u32();

			memcpy(p->pool[i], &plen, 4);
			/* Nested prefixes: share leading bytes. */
			if (i && rnd_below(2))
				memcpy(p->pool[i] + 4, p->pool[rnd_below(i)] + 4, 1 + rnd_below(4));
		}
	}
	p->stale = false;
	return 0;
}

/* Keys of map @fd, by a get_next_key walk (at most 64). */
static int map_keys(int fd, __u32 ks, unsigned char keys[][24])
{
	unsigned char k[24], n[24];
	int cnt = 0;

	while (cnt < 64 && !bpf_map_get_next_key(fd, cnt ? k : NULL, n)) {
		memcpy(keys[cnt++], n, ks);
		memcpy(k, n, ks);
	}
	(void)ks;
	return cnt;
}

static bool lpm_same_prefix(const unsigned char *a, const unsigned char *b, __u32 ds)
{
	__u32 pa, pb, i;

	memcpy(&pa, a, 4);
	memcpy(&pb, b, 4);
	if (pa != pb || pa > ds * 8)
		return false;
	for (i = 0; i < pa; i++)
		if (((a[4 + i / 8] ^ b[4 + i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static bool key_present(const struct pair *p, const unsigned char *key)
{
	unsigned char keys[64][24];
	int n = map_keys(p->fd[1], p->ks, keys), i;

	for (i = 0; i < n; i++) {
		if (p->kind == K_LPM ? lpm_same_prefix(keys[i], key, p->ks - 4) :
				       !memcmp(keys[i], key, p->ks))
			return true;
	}
	return false;
}

/* Make the kernel map hold what the extmap map holds. */
static int pair_resync(struct pair *p)
{
	unsigned char keys[64][24], val[64];
	int n, i;

	if (p->flags & (BPF_F_RDONLY | BPF_F_WRONLY)) {
		p->stale = true;	/* cannot read or write them: start over */
		return 0;
	}
	if (p->kind != K_ARRAY) {
		n = map_keys(p->fd[1], p->ks, keys);
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(p->fd[1], keys[i]);
	}
	n = map_keys(p->fd[0], p->ks, keys);
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(p->fd[0], keys[i], val) ||
		    bpf_map_update_elem(p->fd[1], keys[i], val, BPF_ANY)) {
			p->stale = true;
			return 0;
		}
	}
	return 0;
}

static const char *cmd_name(int cmd)
{
	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM: return "LOOKUP_ELEM";
	case BPF_MAP_UPDATE_ELEM: return "UPDATE_ELEM";
	case BPF_MAP_DELETE_ELEM: return "DELETE_ELEM";
	case BPF_MAP_GET_NEXT_KEY: return "GET_NEXT_KEY";
	case BPF_MAP_FREEZE: return "FREEZE";
	case BPF_MAP_LOOKUP_BATCH: return "LOOKUP_BATCH";
	case BPF_MAP_UPDATE_BATCH: return "UPDATE_BATCH";
	case BPF_MAP_DELETE_BATCH: return "DELETE_BATCH";
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH: return "LOOKUP_AND_DELETE_BATCH";
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM: return "LOOKUP_AND_DELETE_ELEM";
	case BPF_OBJ_GET_INFO_BY_FD: return "OBJ_GET_INFO_BY_FD";
	}
	return "?";
}

/*
 * Whether a kernel hash's BPF_MAP_LOOKUP_AND_DELETE_ELEM result @r/@e is
 * the op's own: bpf(2) checks the flags, the fd, the file mode and copies
 * the key in before it, and copies the value out after.  With the key
 * read, the op gives 0 or ENOENT, or EFAULT when the value cannot be
 * written; any other errno (EINVAL, EPERM, EFAULT with a key that faults)
 * comes from a check before it, where extmap's map must agree.
 */
static bool lad_op_result(int r, int e, const union bpf_attr *sent,
			  unsigned int size, enum ptr_kind kk, enum ptr_kind vk,
			  const struct pair *p)
{
	union bpf_attr seen = {};
	bool key_in, value_faults;

	/* What the kernel reads: the first @size bytes, zeros after. */
	memcpy(&seen, sent, size < sizeof(seen) ? size : sizeof(seen));
	key_in = seen.key == sent->key && !ptr_faults(kk, p->ks);
	value_faults = seen.value != sent->value || ptr_faults(vk, p->vs);
	if (!key_in)
		return false;
	if (r == 0)
		return !value_faults;
	return e == ENOENT || (e == EFAULT && value_faults);
}

static bool is_batch(int cmd)
{
	return cmd == BPF_MAP_LOOKUP_BATCH || cmd == BPF_MAP_UPDATE_BATCH ||
	       cmd == BPF_MAP_DELETE_BATCH || cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
}

static int bpf_fuzz(void)
{
	static const int cmds[] = {
		BPF_MAP_LOOKUP_ELEM, BPF_MAP_LOOKUP_ELEM, BPF_MAP_LOOKUP_ELEM,
		BPF_MAP_UPDATE_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_UPDATE_ELEM,
		BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_DELETE_ELEM,
		BPF_MAP_GET_NEXT_KEY, BPF_MAP_GET_NEXT_KEY, BPF_MAP_LOOKUP_BATCH,
		BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH,
		BPF_MAP_LOOKUP_AND_DELETE_BATCH, BPF_MAP_LOOKUP_AND_DELETE_ELEM,
		BPF_OBJ_GET_INFO_BY_FD, BPF_OBJ_GET_INFO_BY_FD,
	};
	static const __u64 flag_set[] = { 0, 0, 0, BPF_NOEXIST, BPF_EXIST, 3, BPF_F_LOCK,
					  BPF_F_LOCK | BPF_EXIST, 8, 1ULL << 32 };
	struct pair p = { .fd = { -1, -1 } };
	AUTO_FD devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	unsigned long diffs = 0, documented = 0, same = 0, ok_both = 0;
	long i;

	ASSERT(devnull >= 0, "open /dev/null");
	for (i = 0; i < iterations; i++) {
		/* Zeros past the union: a larger size reads them. */
		static struct { union bpf_attr a; unsigned char pad[64]; } ab[2];
		union bpf_attr *a[2] = { &ab[0].a, &ab[1].a };
		int cmd, side, r[2], e[2], wrongfd = 0;
		enum ptr_kind kk = pick_ptr_kind(), vk = pick_ptr_kind();
		unsigned char key[24], val[64];
		__u64 flags = flag_set[rnd_below(TAP_ARRAY_SIZE(flag_set))];
		__u32 count = rnd_below(4);
		bool out_batch = rnd_below(4) == 0, in_batch = rnd_below(4) == 0;
		enum ptr_kind ik = pick_ptr_kind();
		unsigned int size = sizeof(union bpf_attr), garbage = 0;
		bool tolerated = false;
		__u32 ilen = 0;

		straddle_draw = (uint32_t)rnd();
		if (p.fd[0] < 0 || p.stale || rnd_below(200) == 0) {
			if (pair_new(&p)) {
				pair_close(&p);
				return TAP_FAIL;
			}
		}
		cmd = rnd_below(300) == 0 ? BPF_MAP_FREEZE : cmds[rnd_below(TAP_ARRAY_SIZE(cmds))];
		memcpy(key, p.pool[rnd_below(16)], sizeof(key));
		if (rnd_below(8) == 0)
			fill_pattern(key, sizeof(key), rnd());
		fill_pattern(val, sizeof(val), rnd());
		if (rnd_below(30) == 0)
			wrongfd = rnd_below(3) == 0 ? -1 : rnd_below(2) ? devnull : 4000;
		if (rnd_below(30) == 0)
			garbage = 64 + rnd_below(sizeof(union bpf_attr) - 64);
		if (rnd_below(40) == 0)
			size = rnd_below(sizeof(union bpf_attr) + 16);

		for (side = 0; side < 2; side++) {
			union bpf_attr *at = a[side];
			int fd = wrongfd ? wrongfd : p.fd[side];

			memset(&ab[side], 0, sizeof(ab[side]));
			/* A batch's keys and values past the first: zeros. */
			if (is_batch(cmd))
				memset(area[side], 0, 3072);
			switch (cmd) {
			case BPF_OBJ_GET_INFO_BY_FD: {
				static const __u32 lens[] = { 0, 1, 3, 4, 7, 8, 39, 40, 41, 63,
							      64, 79, 80, 88, 96, 104, 128, 150 };
				unsigned char *ib = area[side] + 3072 + 16;

				if (!side)
					ilen = lens[rnd_below(TAP_ARRAY_SIZE(lens))];
				memset(ib, 0, 152);
				/* A nonzero byte past the kernel's struct: E2BIG. */
				if (ilen > 120 && (vk & 1))
					ib[ilen - 1] = 1;
				at->info.bpf_fd = fd;
				at->info.info_len = ilen;
				at->info.info = (__u64)(unsigned long)
					(vk == P_GOOD || ilen == 0 ? ib :
					 place(side, 2, vk, ib, ilen));
				break;
			}
			case BPF_MAP_LOOKUP_BATCH:
			case BPF_MAP_UPDATE_BATCH:
			case BPF_MAP_DELETE_BATCH:
			case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
				at->batch.map_fd = fd;
				at->batch.keys = (__u64)(unsigned long)place(side, 0, kk, key, p.ks);
				at->batch.values = (__u64)(unsigned long)place(side, 1, vk, val, p.vs);
				at->batch.count = count;
				at->batch.elem_flags = flags;
				if (out_batch)
					at->batch.out_batch = (__u64)(unsigned long)
						place(side, 3, P_GOOD, key, 8);
				/* Go on after a key (or fault reading it). */
				if (in_batch)
					at->batch.in_batch = (__u64)(unsigned long)
						place(side, 2, ik, key, p.ks);
				break;
			default:
				at->map_fd = fd;
				at->key = (__u64)(unsigned long)place(side, 0, kk, key, p.ks);
				at->value = (__u64)(unsigned long)place(side, 1, vk, val, p.vs);
				at->flags = flags;
				break;
			}
			if (garbage)
				((unsigned char *)at)[garbage] = 0x5a;
		}
		/* get_next_key: is the key present (the order then matters)? */
		bool present = cmd == BPF_MAP_GET_NEXT_KEY &&
			       (kk == P_GOOD || kk == P_UNALIGNED) &&
			       !(p.flags & BPF_F_WRONLY) && key_present(&p, key);

		for (side = 0; side < 2; side++) {
			errno = 0;
			r[side] = (int)syscall(__NR_bpf, cmd, a[side], size);
			e[side] = r[side] < 0 ? errno : 0;
		}
		if (cmd == BPF_MAP_FREEZE && r[0] == 0)
			p.stale = true;

		if (r[0] == r[1] && e[0] == e[1]) {
			same++;
			if (!r[0])
				ok_both++;
			if (!r[0] && cmd == BPF_MAP_LOOKUP_ELEM &&
			    memcmp((void *)(unsigned long)a[0]->value,
				   (void *)(unsigned long)a[1]->value, p.vs)) {
				tap_diag("iteration %ld: LOOKUP_ELEM values differ: %s / %s", i,
					 hexstr((void *)(unsigned long)a[0]->value, p.vs),
					 hexstr((void *)(unsigned long)a[1]->value, p.vs));
				diffs++;
			}
			if (!r[0] && cmd == BPF_MAP_GET_NEXT_KEY && p.kind == K_ARRAY &&
			    memcmp((void *)(unsigned long)a[0]->next_key,
				   (void *)(unsigned long)a[1]->next_key, 4)) {
				tap_diag("iteration %ld: GET_NEXT_KEY next keys differ", i);
				diffs++;
			}
			if (cmd == BPF_OBJ_GET_INFO_BY_FD && a[0]->info.info_len != a[1]->info.info_len) {
				tap_diag("iteration %ld: info_len %u, kernel %u (asked %u)", i,
					 a[0]->info.info_len, a[1]->info.info_len, ilen);
				diffs++;
			}
		} else if (cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH && p.kind == K_LPM &&
			   e[1] == ENOTSUPP && !(garbage && garbage < size) && !wrongfd) {
			/* bpf(2) checks only the attribute's tail, the fd and
			 * the file mode before the op, which LPM_TRIE lacks:
			 * extmap's result is its op's.
			 */
			tolerated = true;
		} else if ((cmd == BPF_MAP_LOOKUP_BATCH ||
			    cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH) &&
			   (p.kind == K_HASH || (p.kind == K_LPM && in_batch)) &&
			   (e[0] == 0 || e[0] == ENOENT || e[0] == EFAULT) &&
			   (e[1] == 0 || e[1] == ENOENT || e[1] == EFAULT ||
			    (e[1] == ENOSPC && p.kind == K_HASH))) {
			/* HASH's own walk, bucket by bucket; the lpm walk
			 * after in_batch, in another order than LPM_TRIE's.
			 */
			tolerated = true;
		} else if (cmd == BPF_MAP_LOOKUP_AND_DELETE_ELEM && e[0] == ENOTSUPP &&
			   !(garbage && garbage < size) && !wrongfd &&
			   lad_op_result(r[1], e[1], a[1], size, kk, vk, &p)) {
			tolerated = true;
		} else if (cmd == BPF_MAP_GET_NEXT_KEY && p.kind != K_ARRAY && present &&
			   (e[0] == ENOENT) != (e[1] == ENOENT) &&
			   (e[0] == 0 || e[0] == ENOENT || e[0] == EFAULT) &&
			   (e[1] == 0 || e[1] == ENOENT || e[1] == EFAULT)) {
			/* Whether a next key exists after a present key (and
			 * so gets copied out, or faults) depends on the order.
			 */
			tolerated = true;
		} else {
			diffs++;
			if (diffs <= 20)
				tap_diag("iteration %ld (seed %#llx): %s on %s key %u value %u max %u flags %#x, key %s (%s), value %s, flags %#llx, attr size %u%s%s: extmap %d %s, kernel %d %s",
					 i, (unsigned long long)seed, cmd_name(cmd),
					 p.kind == K_ARRAY ? "array" : p.kind == K_HASH ? "hash" : "lpm",
					 p.ks, p.vs, p.max, p.flags, ptr_name[kk],
					 hexstr(key, p.ks), ptr_name[vk],
					 (unsigned long long)a[0]->flags, size,
					 garbage ? ", garbage in the tail" : "",
					 wrongfd ? ", wrong fd" : "",
					 r[0], tap_errname(e[0]), r[1], tap_errname(e[1]));
		}
		if (tolerated)
			documented++;
		/* A write that happened on one side only: start from equal maps. */
		if (tolerated || r[0] != r[1] || is_batch(cmd) ||
		    cmd == BPF_MAP_LOOKUP_AND_DELETE_ELEM)
			pair_resync(&p);
	}
	/* mmap of an extmap map that is not BPF_F_MMAPABLE fails. */
	if (p.fd[0] >= 0) {
		void *m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, p.fd[0], 0);

		if (m != MAP_FAILED) {
			munmap(m, PAGE);
			tap_diag("mmap of an extmap map succeeded");
			diffs++;
		}
	}
	pair_close(&p);
	tap_diag("bpf: %ld calls on both maps: %lu agreed (%lu succeeded on both), %lu documented differences, %lu differences",
		 iterations, same, ok_both, documented, diffs);
	tap_figure("test_fuzz", "bpf calls", "%ld (%lu agreed, %lu documented, %lu differ)",
		   iterations, same, documented, diffs);
	ASSERT(diffs == 0, "%lu undocumented differences from the kernel's maps (seed %#llx)",
	      diffs, (unsigned long long)seed);
	return TAP_PASS;
}

/* ---- unprivileged callers ---- */

struct unpriv_arg {
	int dev;	/* /dev/extmap, opened while privileged */
	int ext;	/* an extmap hash */
	int kern;	/* a kernel hash */
	bool nobody;
};

static int unpriv_child(void *argp)
{
	struct unpriv_arg *u = argp;
	__u64 k = 1, v = 2;
	int i, r, e;

	if (u->nobody) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
			printf("# setresuid(65534): %s\n", strerror(errno));
			return 2;
		}
		r = open(EXTMAP_DEV, O_RDWR);
		if (r >= 0 || errno != EACCES) {
			printf("# uid 65534 opened %s: %d, %s\n", EXTMAP_DEV, r,
			       tap_errname(errno));
			return 1;
		}
	} else if (caps_set(0)) {
		printf("# capset: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < iterations / 10 + 20; i++) {
		struct extmap_create c;
		enum ptr_kind pk = pick_ptr_kind();

		random_create(&c);
		if (i < 3) {	/* certainly valid ones too */
			memset(&c, 0, sizeof(c));
			c.type = EXTMAP_MAP_TYPE_ARRAY + i;
			c.key_size = i == 2 ? 8 : 4;
			c.value_size = 8;
			c.max_entries = 4;
			pk = P_GOOD;
		}
		errno = 0;
		r = ioctl(u->dev, EXTMAP_IOC_CREATE, place(0, 0, pk, &c, sizeof(c)));
		e = errno;
		if (r >= 0 || e != EPERM) {
			printf("# %s: EXTMAP_IOC_CREATE type %#x (%s pointer): %d, %s; "
			       "expected EPERM\n", u->nobody ? "uid 65534" : "no capabilities",
			       c.type, ptr_name[pk], r, tap_errname(e));
			return 1;
		}
	}
	/* bpf(2) on inherited map fds: as for a kernel map of the same kind. */
	for (i = 0; i < 4; i++) {
		int re, ee, rk, ek;

		errno = 0;
		re = i == 0 ? bpf_map_update_elem(u->ext, &k, &v, 0) :
		     i == 1 ? bpf_map_lookup_elem(u->ext, &k, &v) :
		     i == 2 ? bpf_map_delete_elem(u->ext, &k) :
			      bpf_map_get_next_key(u->ext, NULL, &k);
		ee = re ? errno : 0;
		errno = 0;
		rk = i == 0 ? bpf_map_update_elem(u->kern, &k, &v, 0) :
		     i == 1 ? bpf_map_lookup_elem(u->kern, &k, &v) :
		     i == 2 ? bpf_map_delete_elem(u->kern, &k) :
			      bpf_map_get_next_key(u->kern, NULL, &k);
		ek = rk ? errno : 0;
		if (ee != ek) {
			printf("# %s: bpf(2) op %d on an inherited fd: extmap %s, kernel %s\n",
			       u->nobody ? "uid 65534" : "no capabilities", i,
			       tap_errname(ee), tap_errname(ek));
			return 1;
		}
	}
	return 0;
}

static int unpriv(void)
{
	struct unpriv_arg u;
	AUTO_FD dev = open(EXTMAP_DEV, O_RDWR | O_CLOEXEC);
	AUTO_FD ext = ext_create(EXTMAP_MAP_TYPE_HASH, 8, 8, 4, 0, "fz_unpriv");
	AUTO_FD kern = bpf_map_create(BPF_MAP_TYPE_HASH, "fz_unpriv", 8, 8, 4, NULL);
	__u64 k = 1, v = 1;
	int st;

	ASSERT(dev >= 0 && ext >= 0 && kern >= 0, "setup: %s", tap_errname(errno));
	ASSERT_OK(bpf_map_update_elem(ext, &k, &v, 0));
	ASSERT_OK(bpf_map_update_elem(kern, &k, &v, 0));
	u = (struct unpriv_arg){ .dev = dev, .ext = ext, .kern = kern };
	st = run_child(unpriv_child, &u);
	ASSERT(st == 0, "without capabilities: child exit %d", st);
	u.nobody = true;
	st = run_child(unpriv_child, &u);
	ASSERT(st == 0, "as uid 65534: child exit %d", st);
	/* Both saw the same changes. */
	{
		__u64 vk = 0;
		int re = bpf_map_lookup_elem(ext, &k, &v), rk = bpf_map_lookup_elem(kern, &k, &vk);

		ASSERT(re == rk && (re || v == vk), "extmap %d/%llu, kernel %d/%llu", re,
		      (unsigned long long)v, rk, (unsigned long long)vk);
	}
	return TAP_PASS;
}

/* MemAvailable of /proc/meminfo in KiB, or -1: a diagnostic per case. */
static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

#define MEM_CASE(f)							\
	static int f##_mem(void)					\
	{								\
		long before = mem_available_kb(), after;		\
		int r = f();						\
									\
		after = mem_available_kb();				\
		tap_diag("%s: MemAvailable %ld kB before, %ld kB after", \
			 #f, before, after);				\
		return r;						\
	}
MEM_CASE(ioctl_fuzz)
MEM_CASE(bpf_fuzz)
MEM_CASE(unpriv)

int main(void)
{
	static const struct tap_case cases[] = {
		{ "ioctl_fuzz", ioctl_fuzz_mem },
		{ "bpf_fuzz", bpf_fuzz_mem },
		{ "unpriv", unpriv_mem },
	};
	const char *s = getenv("EXTMAP_FUZZ_SEED"), *it = getenv("EXTMAP_FUZZ_ITERATIONS");

	require_root_and_module();
	libbpf_to_tap();
	seed = s && s[0] ? strtoull(s, NULL, 0) :
			   ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid()) | 1;
	if (it && atol(it) > 0)
		iterations = atol(it);
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz: seed %#llx (EXTMAP_FUZZ_SEED to replay), %ld calls per case (EXTMAP_FUZZ_ITERATIONS)\n",
	       (unsigned long long)seed, iterations);
	if (areas_init())
		tap_bail("mmap: %s", strerror(errno));
	/* Every case starts from its own stream of the same seed. */
	rs = seed;
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
