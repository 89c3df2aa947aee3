// SPDX-License-Identifier: GPL-2.0
/*
 * test_faults: allocation failures and module unload races.
 *
 * Where the kernel has fault injection (the debug kernel: failslab and
 * fail_page_alloc in debugfs; elsewhere these cases skip, saying so), with
 * task-filter and /proc/thread-self/make-it-fail set only around our own
 * calls, so that only the test's allocations fail:
 *
 *  create_faults: map creation of every type and of sizes that take kmalloc
 *    and vmalloc paths, at several failure probabilities, slab and page
 *    allocator: each attempt gives a working map or ENOMEM, nothing else;
 *  update_faults: random updates and deletes of an extmap array, hash and
 *    lpm (where updates allocate elements and trie nodes with GFP_NOWAIT /
 *    GFP_ATOMIC) under failures: every result is the kernel counterpart's
 *    for the same operation (which gets the operation only when extmap's
 *    did not fail with ENOMEM), and after the faults stop both maps hold
 *    the same keys and values and, for lpm, answer the same longest-prefix
 *    lookups: the content is exactly the successful operations.
 *  Leaks are for kmemleak, which scripts/vm-run scans after the tests.
 *
 * unload_race (every kernel): one thread calls delete_module("extmap",
 * O_NONBLOCK) in a loop (and loads the module again after a successful
 * unload) while others create maps, pin them, use them from a program and
 * drop them.  While a pinned map exists every unload must be refused; pins,
 * programs and bpf(2) on the maps must work (a map's fd holds the module);
 * the maps must have been used both ways; once the workers stop, an unload
 * must go through; no call may hang or crash; at the end the module is
 * loaded again
 * (finit_module on $EXTMAP_ROOT/build/$(uname -r)/extmap.ko) and its
 * reference count drops back to 0 once every map is gone.
 *
 * EXTMAP_FAULT_ITERATIONS: operations per map in update_faults (default 2000).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util.h"

#define DBG	"/sys/kernel/debug"

static uint64_t seed;
static long fault_iterations = 2000;
static int make_it_fail = -1;

static int knob(const char *attr, const char *file, const char *val)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), DBG "/%s/%s", attr, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return r;
}

static const char *no_faults_reason(void)
{
	static char why[200];

	if (access(DBG "/failslab/probability", W_OK))
		snprintf(why, sizeof(why), "no " DBG "/failslab (%s): the kernel has no CONFIG_FAILSLAB; only the debug kernel (make check-debug) does",
			 strerror(errno));
	else if (access(DBG "/fail_page_alloc/probability", W_OK))
		snprintf(why, sizeof(why), "no " DBG "/fail_page_alloc: no CONFIG_FAIL_PAGE_ALLOC in this kernel");
	else if (access("/proc/thread-self/make-it-fail", W_OK))
		snprintf(why, sizeof(why), "no /proc/thread-self/make-it-fail: no CONFIG_FAULT_INJECTION_DEBUG_FS");
	else
		return NULL;
	return why;
}

/*
 * Configure @attr to fail @prob percent of our task's allocations (for
 * fail_page_alloc, of order @min_order and up).
 */
static int faults_config(const char *attr, int prob, int min_order)
{
	char v[16], mo[16];

	snprintf(v, sizeof(v), "%d", prob);
	if (knob(attr, "verbose", "0") || knob(attr, "task-filter", "Y") ||
	    knob(attr, "interval", "1") || knob(attr, "times", "-1") ||
	    knob(attr, "space", "0") || knob(attr, "ignore-gfp-wait", "N") ||
	    knob(attr, "probability", v))
		return -1;
	if (!strcmp(attr, "fail_page_alloc"))
		if ((snprintf(mo, sizeof(mo), "%d", min_order), knob(attr, "min-order", mo)) ||
		    knob(attr, "ignore-gfp-highmem", "N"))
			return -1;
	return 0;
}

static void faults_off(void)
{
	knob("failslab", "probability", "0");
	knob("fail_page_alloc", "probability", "0");
	knob("failslab", "task-filter", "N");
	knob("fail_page_alloc", "task-filter", "N");
}

static void fail_on(bool on)
{
	/* The write itself does not allocate; retry anyway. */
	while (pwrite(make_it_fail, on ? "1" : "0", 1, 0) != 1 && errno == EINTR)
		;
}

static int map_create_kind(int kind, __u32 ks, __u32 vs, __u32 max)
{
	static const __u32 t[] = { EXTMAP_MAP_TYPE_ARRAY, EXTMAP_MAP_TYPE_HASH,
				   EXTMAP_MAP_TYPE_LPM };

	return ext_create(t[kind], ks, vs, max, 0, "flt");
}

static int create_faults(void)
{
	/*
	 * @vm: maps with an area over a page, which kvmalloc() may get from
	 * vmalloc.  Not under failslab: vmalloc registers a kmemleak scan
	 * area, whose allocation failslab fails too, and kmemleak then says
	 * so in the kernel log ("Cannot allocate a scan area"), which the
	 * harness takes for a kernel report.  For the same reason
	 * fail_page_alloc fails only allocations of order 2 and up here,
	 * sparing the slab pages of kmemleak's own caches: it hits the large
	 * areas, whose kvmalloc() then falls back to vmalloc.
	 */
	static const struct { int kind; __u32 ks, vs, max; bool vm; } cfg[] = {
		{ 0, 4, 8, 16, false }, { 0, 4, 64, 1 << 16, true },
		{ 1, 8, 16, 64, false }, { 1, 16, 64, 1 << 14, true },
		{ 2, 5, 8, 64, false },				/* 8-bit table */
		{ 2, 8, 8, 64, true }, { 2, 8, 8, 70000, true },	/* 16- and 20-bit */
		{ 2, 20, 16, 1000, true },
	};
	static const char * const attrs[] = { "failslab", "fail_page_alloc" };
	static const int probs[] = { 5, 20, 50, 100 };
	unsigned long made = 0, nomem = 0;
	const char *why = no_faults_reason();
	unsigned int a, c, p, n;

	if (why)
		return tap_skip_reason("%s", why);
	for (a = 0; a < 2; a++) {
		for (p = 0; p < TAP_ARRAY_SIZE(probs); p++) {
			ASSERT(!faults_config(attrs[a], probs[p], 2), "configure %s: %s",
			      attrs[a], strerror(errno));
			for (c = 0; c < TAP_ARRAY_SIZE(cfg); c++) {
				if (cfg[c].vm && a == 0)
					continue;
				for (n = 0; n < 8; n++) {
					/* array and hash: key 0; lpm: 10.0.0.0/8 (/4 for 1-byte keys) */
					unsigned char key[20] = { 0 };
					int fd, e;

					fail_on(true);
					fd = map_create_kind(cfg[c].kind, cfg[c].ks,
							     cfg[c].vs, cfg[c].max);
					e = errno;
					fail_on(false);
					if (fd < 0) {
						if (e != ENOMEM) {
							faults_off();
							tap_diag("%s %d%%: create kind %d %u/%u/%u: %s, expected ENOMEM",
								 attrs[a], probs[p],
								 cfg[c].kind, cfg[c].ks, cfg[c].vs,
								 cfg[c].max, tap_errname(e));
							return TAP_FAIL;
						}
						nomem++;
						continue;
					}
					made++;
					/* A map that was made works. */
					if (cfg[c].kind == 2) {
						key[0] = cfg[c].ks == 5 ? 4 : 8;	/* prefixlen */
						key[4] = 10;
					}
					{
						unsigned char val[64] = { 7 };
						unsigned char out[64] = { 0 };

						if (bpf_map_update_elem(fd, key, val, 0) ||
						    bpf_map_lookup_elem(fd, key, out) || out[0] != 7) {
							faults_off();
							tap_diag("map made under faults does not work: %s",
								 tap_errname(errno));
							close(fd);
							return TAP_FAIL;
						}
					}
					close(fd);
				}
			}
			knob(attrs[a], "probability", "0");
		}
	}
	faults_off();
	tap_diag("create: %lu maps made, %lu ENOMEM", made, nomem);
	tap_figure("test_faults", "create under faults", "%lu made, %lu ENOMEM", made, nomem);
	ASSERT(nomem > 0, "no creation failed: is fault injection reaching the module?");
	return TAP_PASS;
}

/* lpm keys: prefixlen then 4 data bytes, nested prefixes from a few roots. */
static void random_key(int kind, uint64_t *s, unsigned char *key, __u32 max)
{
	uint64_t x = prng_next(s);

	if (kind == 2) {
		static const __u32 lens[] = { 0, 4, 8, 12, 15, 16, 17, 20, 23, 24, 25,
					      28, 30, 31, 32 };
		__u32 plen = lens[x % TAP_ARRAY_SIZE(lens)];
		__u32 addr = (__u32)(x >> 20);

		/* Few roots, so that prefixes nest and split each other. */
		addr = (addr & 0x000fffff) | ((x >> 8) % 3) << 28 | 0x0a000000;
		memcpy(key, &plen, 4);
		key[4] = addr >> 24;
		key[5] = addr >> 16;
		key[6] = addr >> 8;
		key[7] = addr;
	} else {
		__u32 k = kind == 0 ? (__u32)(x % (max + 1)) : (__u32)(x % (2 * max));

		memcpy(key, &k, 4);
	}
}

static int compare_maps(int kind, int ext, int kern, __u32 max)
{
	unsigned char k[8], n[8];
	__u64 ve, vk;
	unsigned int ne = 0, nk = 0;
	bool first = true;
	uint64_t s = seed ^ 0xabcdef;
	int i;

	/* Every key of the kernel map, with its value, is in ours... */
	while (!bpf_map_get_next_key(kern, first ? NULL : k, n) && nk <= max) {
		first = false;
		memcpy(k, n, 8);
		nk++;
		ASSERT(!bpf_map_lookup_elem(kern, k, &vk), "kernel lookup");
		/* lpm: a key's own prefix answers a lookup of itself. */
		ASSERT(!bpf_map_lookup_elem(ext, k, &ve) && ve == vk,
		      "key %s: extmap %s %#llx, kernel %#llx", hexstr(k, 8),
		      tap_errname(errno), (unsigned long long)ve, (unsigned long long)vk);
	}
	/* ... and as many. */
	first = true;
	while (!bpf_map_get_next_key(ext, first ? NULL : k, n) && ne <= max) {
		first = false;
		memcpy(k, n, 8);
		ne++;
	}
	ASSERT(ne == nk, "extmap holds %u keys, kernel %u", ne, nk);
	/* lpm: the same longest-prefix answers. */
	for (i = 0; kind == 2 && i < 4000; i++) {
		int re, rk;

		random_key(2, &s, k, max);
		k[0] = 32;
		ve = vk = 0;
		re = bpf_map_lookup_elem(ext, k, &ve);
		rk = bpf_map_lookup_elem(kern, k, &vk);
		ASSERT(re == rk && ve == vk, "lookup %s: extmap %d %#llx, kernel %d %#llx",
		      hexstr(k, 8), re, (unsigned long long)ve, rk, (unsigned long long)vk);
	}
	return TAP_PASS;
}

static int update_faults(void)
{
	static const char * const attrs[] = { "failslab", "fail_page_alloc" };
	static const __u32 ktype[] = { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH,
				       BPF_MAP_TYPE_LPM_TRIE };
	unsigned long ops = 0, nomem = 0, agreed = 0;
	const char *why = no_faults_reason();
	int kind, a;

	if (why)
		return tap_skip_reason("%s", why);
	for (a = 0; a < 2; a++) {
		for (kind = 0; kind < 3; kind++) {
			LIBBPF_OPTS(bpf_map_create_opts, o,
				    .map_flags = kind == 2 ? BPF_F_NO_PREALLOC : 0);
			__u32 ks = kind == 2 ? 8 : 4, max = kind == 2 ? 1000 : 64;
			AUTO_FD ext = map_create_kind(kind, ks, 8, max);
			AUTO_FD kern = bpf_map_create(ktype[kind], "flt", ks, 8, max, &o);
			uint64_t s = seed + kind + 10 * a;
			long i;

			ASSERT(ext >= 0 && kern >= 0, "create: %s", tap_errname(errno));
			/* No vmalloc on these paths: every order may fail. */
			ASSERT(!faults_config(attrs[a], 10, 0), "configure %s", attrs[a]);
			for (i = 0; i < fault_iterations; i++) {
				unsigned char key[8];
				__u64 val = prng_next(&s) | 1, flags = prng_next(&s) % 3;
				int op = (int)(prng_next(&s) % 4), re, ee, rk, ek;

				random_key(kind, &s, key, max);
				fail_on(true);
				re = op ? bpf_map_update_elem(ext, key, &val, flags) :
					  bpf_map_delete_elem(ext, key);
				ee = re ? errno : 0;
				fail_on(false);
				ops++;
				if (ee == ENOMEM) {
					nomem++;
					continue;	/* nothing happened */
				}
				rk = op ? bpf_map_update_elem(kern, key, &val, flags) :
					  bpf_map_delete_elem(kern, key);
				ek = rk ? errno : 0;
				if (ee != ek) {
					faults_off();
					tap_diag("%s, kind %d, op %ld (seed %#llx): %s %s flags %llu: extmap %s, kernel %s",
						 attrs[a], kind, i,
						 (unsigned long long)seed, op ? "update" : "delete",
						 hexstr(key, ks), (unsigned long long)flags,
						 tap_errname(ee), tap_errname(ek));
					return TAP_FAIL;
				}
				agreed++;
			}
			knob(attrs[a], "probability", "0");
			if (compare_maps(kind, ext, kern, max) != TAP_PASS) {
				faults_off();
				tap_diag("%s, kind %d, seed %#llx", attrs[a], kind,
					 (unsigned long long)seed);
				return TAP_FAIL;
			}
		}
	}
	faults_off();
	tap_diag("updates: %lu operations under faults, %lu ENOMEM, %lu as the kernel's",
		 ops, nomem, agreed);
	tap_figure("test_faults", "updates under faults", "%lu ops, %lu ENOMEM", ops, nomem);
	ASSERT(nomem > 0, "no update failed: is fault injection reaching bpf(2)?");
	return TAP_PASS;
}

/* ---- module unload races (every kernel) ---- */

/* phase 1: a pinned map lives; 2: maps come and go; 3: workers idle */
static atomic_int stop, phase;
static atomic_long unloads, refused, reloads, created, used, gone, worker_err;
static atomic_long used_prog, used_syscall, pinned;
static char pin_dir[256], ko_path[512];

static int load_module(void)
{
	int fd = open(ko_path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return r;
}

static void *rmmod_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		int ph = atomic_load(&phase);

		if (syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) == 0) {
			atomic_fetch_add(&unloads, 1);
			if (ph == 1) {
				/* A pinned map holds a reference. */
				printf("# delete_module succeeded while a pinned map lived\n");
				atomic_fetch_add(&worker_err, 1);
			}
			usleep(2000);
			if (load_module()) {
				printf("# reload: %s\n", strerror(errno));
				atomic_fetch_add(&worker_err, 1);
			} else {
				atomic_fetch_add(&reloads, 1);
			}
		} else if (errno == EWOULDBLOCK || errno == EBUSY) {
			atomic_fetch_add(&refused, 1);
		} else {
			printf("# delete_module: %s\n", strerror(errno));
			atomic_fetch_add(&worker_err, 1);
			usleep(1000);
		}
	}
	return NULL;
}

static int xdp_prog_using(int map_fd)
{
	struct bpf_insn insns[] = {
		/* *(u32 *)(fp - 4) = 0 */
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4 },
		/* r1 = map */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = map_fd },
		{ 0 },
		/* r2 = fp - 4 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		/* return XDP_PASS */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "flt_xdp", "GPL", insns,
			     TAP_ARRAY_SIZE(insns), NULL);
}

static void *map_worker(void *arg)
{
	long id = (long)arg, n = 0;
	unsigned char pkt[64] = { 0 };

	while (!atomic_load(&stop)) {
		int kind = (int)(n++ % 3), fd, prog, e;

		if (atomic_load(&phase) == 3) {
			usleep(1000);
			continue;
		}
		/* Leave gaps in which no map of ours lives. */
		if (atomic_load(&phase) == 2)
			usleep(1000 * (n % 16));
		char pin[300];
		__u32 k = 0;
		__u64 v = 1;

		fd = kind == 2 ? map_create_kind(2, 8, 8, 16) : map_create_kind(kind, 4, 8, 16);
		if (fd < 0) {
			e = errno;
			/* Only while the module is away: no device, or it is going. */
			if (atomic_load(&phase) == 1 ||
			    (e != ENOENT && e != ENODEV && e != ENXIO)) {
				printf("# worker %ld: create in phase %d: %s\n", id,
				       atomic_load(&phase), tap_errname(e));
				atomic_fetch_add(&worker_err, 1);
			} else {
				atomic_fetch_add(&gone, 1);
			}
			usleep(500);
			continue;
		}
		atomic_fetch_add(&created, 1);
		snprintf(pin, sizeof(pin), "%s/m%ld", pin_dir, id);
		/* The fd holds the module: pin and get work in every phase. */
		if (kind != 2) {
			if (bpf_obj_pin(fd, pin)) {
				printf("# worker %ld: pin in phase %d: %s\n", id,
				       atomic_load(&phase), tap_errname(errno));
				atomic_fetch_add(&worker_err, 1);
				close(fd);
				continue;
			}
			close(fd);
			fd = bpf_obj_get(pin);
			e = errno;
			unlink(pin);
			if (fd < 0) {
				printf("# worker %ld: get %s: %s\n", id, pin, tap_errname(e));
				atomic_fetch_add(&worker_err, 1);
				continue;
			}
			atomic_fetch_add(&pinned, 1);
		}
		if (kind == 0) {
			prog = xdp_prog_using(fd);
			close(fd);	/* the program keeps the map */
			fd = -1;
			if (prog >= 0) {
				LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
					    .data_size_in = sizeof(pkt));

				/* The program holds the map, which holds the module. */
				if (bpf_prog_test_run_opts(prog, &o) || o.retval != 2) {
					printf("# worker %ld: test_run: %s, retval %u, expected success and XDP_PASS\n",
					       id, tap_errname(errno), o.retval);
					atomic_fetch_add(&worker_err, 1);
				} else {
					atomic_fetch_add(&used, 1);
					atomic_fetch_add(&used_prog, 1);
				}
				close(prog);
			} else {
				printf("# worker %ld: load: %s\n", id, tap_errname(errno));
				atomic_fetch_add(&worker_err, 1);
			}
		} else {
			unsigned char key[8] = { 8, 0, 0, 0, 10 };

			if (bpf_map_update_elem(fd, kind == 2 ? (void *)key : (void *)&k, &v, 0)) {
				printf("# worker %ld: update of a %s map: %s, expected success\n",
				       id, kind == 1 ? "hash" : "lpm", tap_errname(errno));
				atomic_fetch_add(&worker_err, 1);
			} else {
				atomic_fetch_add(&used, 1);
				atomic_fetch_add(&used_syscall, 1);
			}
			close(fd);
		}
	}
	return NULL;
}

static long module_refcnt(void)
{
	char buf[32] = { 0 };
	int fd = open("/sys/module/" MODULE_NAME "/refcnt", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atol(buf) : -1;
}

static int unload_race(void)
{
	pthread_t rm, w[3];
	struct utsname u;
	char witness[300];
	AUTO_FD wfd = -1;
	long i, refs = -1, before3, nw = 0;
	bool rm_on = false, unloaded3;
	int ret = TAP_PASS, e;

	ASSERT(!uname(&u), "uname");
	snprintf(ko_path, sizeof(ko_path), "%s/build/%s/extmap.ko", extmap_root(), u.release);
	if (access(ko_path, R_OK))
		return tap_skip_reason("no %s to load the module again", ko_path);
	if (!bpffs_mounted())
		return tap_skip_reason("no bpffs at " BPFFS);
	ASSERT(!pin_dir_create(pin_dir, sizeof(pin_dir), "faults"), "mkdir %s: %s",
	      pin_dir, strerror(errno));
	snprintf(witness, sizeof(witness), "%s/witness", pin_dir);
	wfd = ext_create(EXTMAP_MAP_TYPE_HASH, 4, 4, 4, 0, "witness");
	ASSERT(wfd >= 0, "create: %s", tap_errname(errno));
	ASSERT_OK(bpf_obj_pin(wfd, witness));
	close(wfd);
	wfd = -1;

	atomic_store(&phase, 1);
	e = pthread_create(&rm, NULL, rmmod_thread, NULL);
	if (e)
		tap_diag("pthread_create (unload thread): %s", tap_errname(e));
	rm_on = !e;
	for (i = 0; !e && i < 3; i++) {
		e = pthread_create(&w[i], NULL, map_worker, (void *)i);
		if (e)
			tap_diag("pthread_create (worker %ld): %s", i, tap_errname(e));
		else
			nw++;
	}
	if (!e) {
		sleep(2);
		/* Phase 2: nothing pins the module but the workers' maps. */
		unlink(witness);
		atomic_store(&phase, 2);
		sleep(3);
	}
	/* Phase 3: once the last map is freed, an unload must go through. */
	before3 = atomic_load(&unloads);
	atomic_store(&phase, 3);
	for (refs = 0; !e && refs < 100 && atomic_load(&unloads) == before3; refs++)
		usleep(100000);
	unloaded3 = atomic_load(&unloads) > before3;
	atomic_store(&stop, 1);
	if (rm_on)
		pthread_join(rm, NULL);
	for (i = 0; i < nw; i++)
		pthread_join(w[i], NULL);
	pin_dir_remove(pin_dir);
	ASSERT(!e, "could not start the threads");

	if (access(EXTMAP_DEV, F_OK)) {
		if (load_module()) {
			tap_diag("final reload of %s: %s", ko_path, strerror(errno));
			ret = TAP_FAIL;
		}
	}
	/* Maps go from a workqueue: give them time, then no reference is left. */
	for (i = 0; i < 100; i++) {
		refs = module_refcnt();
		if (refs == 0)
			break;
		usleep(100000);
	}
	tap_diag("unload race: %ld maps created, %ld pinned and got back, %ld used (%ld by a program, %ld by bpf(2)), %ld unloads refused, %ld unloads (%ld in phase 3), %ld reloads, %ld creations while unloaded",
		 atomic_load(&created), atomic_load(&pinned), atomic_load(&used),
		 atomic_load(&used_prog), atomic_load(&used_syscall),
		 atomic_load(&refused), atomic_load(&unloads),
		 atomic_load(&unloads) - before3, atomic_load(&reloads),
		 atomic_load(&gone));
	tap_figure("test_faults", "unload race", "%ld maps, %ld unloads refused, %ld unloads",
		   atomic_load(&created), atomic_load(&refused), atomic_load(&unloads));
	ASSERT(access(EXTMAP_DEV, F_OK) == 0, "module not loaded at the end");
	ASSERT(refs == 0, "module reference count %ld 10 s after the last map", refs);
	ASSERT(atomic_load(&worker_err) == 0, "%ld unexpected results (above)",
	      atomic_load(&worker_err));
	ASSERT(atomic_load(&refused) > 0 && atomic_load(&created) > 0,
	      "the race did not happen");
	ASSERT(atomic_load(&used_prog) > 0 && atomic_load(&used_syscall) > 0 &&
	      atomic_load(&pinned) > 0,
	      "maps used by a program %ld times, by bpf(2) %ld, pinned %ld: expected each > 0",
	      atomic_load(&used_prog), atomic_load(&used_syscall), atomic_load(&pinned));
	ASSERT(unloaded3, "no unload succeeded in phase 3 (10 s with the workers idle, %ld unloads before)",
	      before3);
	return ret;
}

int main(void)
{
	static const struct tap_case cases[] = {
		TAP_CASE(create_faults),
		TAP_CASE(update_faults),
		TAP_CASE(unload_race),
	};
	const char *s = getenv("EXTMAP_FAULT_SEED"), *it = getenv("EXTMAP_FAULT_ITERATIONS");
	int r;

	require_root_and_module();
	libbpf_to_tap();
	libbpf_mute(true);
	seed = s && s[0] ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) | 1;
	if (it && atol(it) > 0)
		fault_iterations = atol(it);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# faults: seed %#llx (EXTMAP_FAULT_SEED)\n", (unsigned long long)seed);
	make_it_fail = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	r = tap_main(cases, TAP_ARRAY_SIZE(cases));
	if (make_it_fail >= 0) {
		fail_on(false);
		faults_off();
	}
	return r;
}
