// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_map_lookup_elem matrix: the target of the BPF_PROG_TYPE_EXT programs
 * (mx_ext.bpf.c).  An XDP program that calls a global function, mx_sub(),
 * which they replace (freplace).  Standalone: no maps.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Global and not inlined: verified on its own, replaceable. */
__noinline int mx_sub(struct xdp_md *ctx)
{
	/* Reads the context: the call cannot be folded away. */
	return ctx->data_end > ctx->data ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int mx_target(struct xdp_md *ctx)
{
	return mx_sub(ctx);
}

char LICENSE[] SEC("license") = "GPL";
