// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_CGROUP_DEVICE programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(cgroup_device, "cgroup/dev", 1)
