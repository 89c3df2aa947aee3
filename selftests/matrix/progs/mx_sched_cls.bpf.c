// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_SCHED_CLS programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(sched_cls, "tc", 0)
