// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_TRACING programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(tracing, "fentry/bpf_fentry_test1", 0)
