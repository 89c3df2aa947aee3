/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bodies of the matrix programs: one per kind of value
 * bpf_map_lookup_elem() can return.  Each mx_<type>.bpf.c instantiates all
 * of them for one program type with MX_PROGS(); test_matrix loads the one
 * that fits the map type of a cell and hands it map m (bpf_map__reuse_fd()).
 *
 * Each body looks up st.key (userspace stored a value there) and st.miss
 * (nothing there), records what it saw in st, and, where the value is
 * writable, ORs MX_MARK into it for userspace to find.  Programs may run
 * more than once (a tracepoint fires for every task): only the first hit
 * records, and the write is idempotent.
 */
#ifndef EXTMAP_MX_BODY_H
#define EXTMAP_MX_BODY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../mx_common.h"

/* The map under test; test_matrix replaces it with a map of the cell's type. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 1);
} m SEC(".maps");

struct mx_state st;

/*
 * The CPU the program runs on, for per-CPU maps.  LIRC_MODE2 programs may
 * not call bpf_get_smp_processor_id(): mx_lirc_mode2.bpf.c defines MX_NO_CPU,
 * and test_matrix finds the CPU from the slot the program marked.
 */
#ifdef MX_NO_CPU
#define mx_cpu()	MX_CPU_UNKNOWN
#else
#define mx_cpu()	bpf_get_smp_processor_id()
#endif

static __always_inline void mx_miss(void *p)
{
	st.miss_res |= p ? 2 : 1;
}

/* doc-example-begin */
/* A value: read it, write it back through the pointer. */
static __always_inline void body_val(void)
{
	__u64 *v;

	st.runs++;
	v = bpf_map_lookup_elem(&m, st.key);
	if (v) {				/* NULL: no such key */
		if (st.hits++ == 0) {
			st.seen = *v;		/* what userspace stored */
			st.cpu = mx_cpu();	/* bpf_get_smp_processor_id() */
		}
		*v |= MX_MARK;			/* stays in the map */
	}
	mx_miss(bpf_map_lookup_elem(&m, st.miss));
}
/* doc-example-end */

/* A value the program may only read (devmap, cpumap). */
static __always_inline void body_ro(void)
{
	__u32 *v;

	st.runs++;
	v = bpf_map_lookup_elem(&m, st.key);
	if (v && st.hits++ == 0) {
		st.seen = *v;
		st.cpu = mx_cpu();
	}
	mx_miss(bpf_map_lookup_elem(&m, st.miss));
}

/* An inner map (array or hash of maps): look up in it in turn. */
static __always_inline void body_inner(void)
{
	void *inner;
	__u64 *v;

	st.runs++;
	inner = bpf_map_lookup_elem(&m, st.key);
	if (inner) {
		v = bpf_map_lookup_elem(inner, &st.inner_key);
		if (v) {
			if (st.hits++ == 0) {
				st.seen = *v;
				st.cpu = mx_cpu();
			}
			*v |= MX_MARK;
		}
	}
	mx_miss(bpf_map_lookup_elem(&m, st.miss));
}

/* A socket (sockmap, sockhash): a reference the program must release. */
static __always_inline void body_sock(void)
{
	struct bpf_sock *sk;

	st.runs++;
	sk = bpf_map_lookup_elem(&m, st.key);
	if (sk) {
		if (st.hits++ == 0) {
			st.seen = sk->family;
			st.cpu = mx_cpu();
		}
		bpf_sk_release(sk);
	}
	sk = bpf_map_lookup_elem(&m, st.miss);
	if (sk) {
		st.miss_res |= 2;
		bpf_sk_release(sk);
	} else {
		st.miss_res |= 1;
	}
}

/* An AF_XDP socket (xskmap). */
static __always_inline void body_xsk(void)
{
	struct bpf_xdp_sock *xs;

	st.runs++;
	xs = bpf_map_lookup_elem(&m, st.key);
	if (xs && st.hits++ == 0) {
		st.seen = xs->queue_id;
		st.cpu = mx_cpu();
	}
	mx_miss(bpf_map_lookup_elem(&m, st.miss));
}

#define MX_PROG(name, body, sec, ret)					\
	SEC(sec) int name##__##body(void *ctx)				\
	{								\
		body_##body();						\
		return ret;						\
	}

#define MX_PROGS(name, sec, ret)					\
	MX_PROG(name, val, sec, ret)					\
	MX_PROG(name, ro, sec, ret)					\
	MX_PROG(name, inner, sec, ret)					\
	MX_PROG(name, sock, sec, ret)					\
	MX_PROG(name, xsk, sec, ret)					\
	char LICENSE[] SEC("license") = "GPL";

#endif
