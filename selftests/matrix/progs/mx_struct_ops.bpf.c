// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_map_lookup_elem matrix: BPF_PROG_TYPE_STRUCT_OPS programs (see
 * mx_body.h).  A TCP congestion control, "mx_ca", whose init callback does
 * the lookup: test_matrix registers it (bpf_map__attach_struct_ops) and
 * switches a loopback TCP connection to it (TCP_CONGESTION), which calls
 * init.  One struct_ops map per body; test_matrix creates the one whose
 * init it loads.  The other callbacks a congestion control must have
 * (ssthresh, undo_cwnd, cong_avoid) are shared and keep cwnd as it is.
 */
#include "mx_body.h"
#include <bpf/bpf_tracing.h>

/* Only what we use: libbpf matches members by name (CO-RE for tcp_sock). */
struct sock;

struct tcp_sock {
	__u32 snd_cwnd;
} __attribute__((preserve_access_index));

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
};

SEC("struct_ops")
__u32 BPF_PROG(mx_ca_ssthresh, struct sock *sk)
{
	__u32 half = ((struct tcp_sock *)sk)->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops")
void BPF_PROG(mx_ca_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(mx_ca_undo_cwnd, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

/* struct_ops__<body>: the init callbacks. */
MX_PROGS(struct_ops, "struct_ops", 0)

#define MX_CA(body)							\
	SEC(".struct_ops")						\
	struct tcp_congestion_ops ca__##body = {			\
		.ssthresh = (void *)mx_ca_ssthresh,			\
		.cong_avoid = (void *)mx_ca_cong_avoid,			\
		.undo_cwnd = (void *)mx_ca_undo_cwnd,			\
		.init = (void *)struct_ops__##body,			\
		.name = "mx_ca",					\
	};

MX_CA(val)
MX_CA(ro)
MX_CA(inner)
MX_CA(sock)
MX_CA(xsk)
