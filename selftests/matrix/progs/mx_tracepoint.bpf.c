// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_TRACEPOINT programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(tracepoint, "tracepoint/syscalls/sys_enter_getpgid", 0)
