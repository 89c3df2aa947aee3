// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_map_lookup_elem matrix: BPF_PROG_TYPE_NETFILTER programs (see
 * mx_body.h).  libbpf 1.1 predates the "netfilter" section name, so these
 * sit in "socket" sections and test_matrix sets their type and expected
 * attach type (BPF_NETFILTER) before load.  They return NF_ACCEPT.
 */
#include "mx_body.h"

MX_PROGS(netfilter, "socket", 1)
