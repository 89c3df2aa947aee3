// SPDX-License-Identifier: GPL-2.0
/* bpf_map_lookup_elem matrix: BPF_PROG_TYPE_CGROUP_SOCK programs (see mx_body.h). */
#include "mx_body.h"

MX_PROGS(cgroup_sock, "cgroup/sock_create", 1)
