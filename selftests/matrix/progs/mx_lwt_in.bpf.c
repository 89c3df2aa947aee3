// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_LWT_IN programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(lwt_in, "lwt_in", 0)
