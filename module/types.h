/* SPDX-License-Identifier: GPL-2.0 */
/* The map types built into extmap.ko; each lives in its own file. */
#ifndef _EXTMAP_TYPES_H
#define _EXTMAP_TYPES_H

#include <linux/extmap.h>

extern struct extmap_type extmap_array_type;	/* array.c */
extern struct extmap_type extmap_hash_type;	/* hash.c */
extern struct extmap_type extmap_lpm_type;	/* lpm.c */

/* lpm.c keeps a slab cache of trie nodes for all its maps. */
int extmap_lpm_init(void);
void extmap_lpm_exit(void);

#endif /* _EXTMAP_TYPES_H */
