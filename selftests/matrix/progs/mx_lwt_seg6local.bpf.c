// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_LWT_SEG6LOCAL programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(lwt_seg6local, "lwt_seg6local", 0)
