// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_KPROBE programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(kprobe, "kprobe/__x64_sys_getpgid", 0)
