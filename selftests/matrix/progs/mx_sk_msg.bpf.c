// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_SK_MSG programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(sk_msg, "sk_msg", 1)
