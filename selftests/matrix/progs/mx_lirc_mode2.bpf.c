// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_LIRC_MODE2 programs (see mx_body.h). */
#define MX_NO_CPU	/* "cannot use helper bpf_get_smp_processor_id" */
#include "mx_body.h"

MX_PROGS(lirc_mode2, "lirc_mode2", 0)
