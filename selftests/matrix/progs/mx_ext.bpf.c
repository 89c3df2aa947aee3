// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_map_lookup_elem matrix: BPF_PROG_TYPE_EXT programs (see mx_body.h).
 * Each replaces mx_sub() of the XDP program in mx_ext_target.bpf.c, so it
 * takes that function's argument, and returns XDP_PASS as it does.
 * test_matrix sets the target (bpf_program__set_attach_target) before load.
 */
#include "mx_body.h"

#define MX_EXT(body)							\
	SEC("freplace/mx_sub") int ext__##body(struct xdp_md *ctx)	\
	{								\
		body_##body();						\
		return XDP_PASS;					\
	}

MX_EXT(val)
MX_EXT(ro)
MX_EXT(inner)
MX_EXT(sock)
MX_EXT(xsk)

char LICENSE[] SEC("license") = "GPL";
