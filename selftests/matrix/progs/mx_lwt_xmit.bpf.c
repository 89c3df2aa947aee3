// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_LWT_XMIT programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(lwt_xmit, "lwt_xmit", 0)
