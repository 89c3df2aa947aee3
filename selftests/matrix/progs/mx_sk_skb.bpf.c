// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_SK_SKB programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(sk_skb, "sk_skb/stream_verdict", 1)
