/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map types built into extmap.ko; each lives in its own file, and the
 * core registers them as it would a type from another module.
 */
#ifndef _EXTMAP_TYPES_H
#define _EXTMAP_TYPES_H

#include <linux/extmap.h>

extern struct extmap_type extmap_array_type;	/* array.c */
extern struct extmap_type extmap_hash_type;	/* hash.c */
extern struct extmap_type extmap_lpm_type;	/* lpm.c */

#endif /* _EXTMAP_TYPES_H */
