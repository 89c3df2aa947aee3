/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The batch commands of bpf(2) for every extmap type (batch.c).
 */
#ifndef _EXTMAP_BATCH_H
#define _EXTMAP_BATCH_H

#include <linux/extmap.h>

void extmap_batch_set_ops(struct bpf_map_ops *ops,
			  const struct extmap_type *type);

#endif /* _EXTMAP_BATCH_H */
