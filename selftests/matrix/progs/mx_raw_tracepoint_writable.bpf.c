// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(raw_tracepoint_writable, "raw_tp.w/mx_writable", 0)
