// SPDX-License-Identifier: GPL-2.0
/*
 * The hash and array tests of the kernel's test_maps.c, and the map_tests/
 * it links, one at a time (kmaps_run.h).  test_maps.c is compiled here as
 * it is in linux-source-6.12, with its main() renamed: its test functions
 * are static, so this file includes it.  Its main() runs every map type's
 * tests twice (map_flags 0, then BPF_F_NO_PREALLOC); the names below run
 * the map_flags 0 round, and "NAME:no_prealloc" the second one.
 */
#include <errno.h>
#include <time.h>

#define main kernel_test_maps_main
#include "test_maps.c"
#undef main

#include "kmaps_run.h"

/*
 * test_maps.c's socket map tests load BPF objects with testing_helpers.c's
 * bpf_prog_test_load(), which needs the whole test_progs framework; they
 * are not among the tests run here, and this stands in for it.
 */
int bpf_prog_test_load(const char *file, enum bpf_prog_type type,
		       struct bpf_object **pobj, int *prog_fd)
{
	fprintf(stderr, "kmaps: %s(%s) is not built in\n", __func__, file);
	errno = EOPNOTSUPP;
	return -EOPNOTSUPP;
}

static void k_hashmap(void) { test_hashmap(0, NULL); }
static void k_hashmap_sizes(void) { test_hashmap_sizes(0, NULL); }
static void k_hashmap_walk(void) { test_hashmap_walk(0, NULL); }
static void k_arraymap(void) { test_arraymap(0, NULL); }

static const struct kmaps_test tests[] = {
	{ "hashmap", k_hashmap },
	{ "hashmap:no_prealloc", k_hashmap },
	{ "hashmap_sizes", k_hashmap_sizes },
	{ "hashmap_sizes:no_prealloc", k_hashmap_sizes },
	{ "hashmap_walk", k_hashmap_walk },
	{ "hashmap_walk:no_prealloc", k_hashmap_walk },
	{ "hashmap_zero_seed", test_hashmap_zero_seed },
	{ "hashmap_zero_seed:no_prealloc", test_hashmap_zero_seed },
	{ "arraymap", k_arraymap },
	{ "arraymap:no_prealloc", k_arraymap },
	{ "map_large", test_map_large },
	{ "map_large:no_prealloc", test_map_large },
	{ "map_parallel", test_map_parallel },
	{ "map_parallel:no_prealloc", test_map_parallel },
	{ "map_stress", test_map_stress },
	{ "map_stress:no_prealloc", test_map_stress },
	{ "map_rdonly", test_map_rdonly },
	{ "map_rdonly:no_prealloc", test_map_rdonly },
	{ "map_wronly", test_map_wronly },
	{ "map_wronly:no_prealloc", test_map_wronly },
	{ "array_map_batch_ops", test_array_map_batch_ops },
	{ "htab_map_batch_ops", test_htab_map_batch_ops },
	{ "lpm_trie_map_batch_ops", test_lpm_trie_map_batch_ops },
	{ "lpm_trie_map_get_next_key", test_lpm_trie_map_get_next_key },
};

static const char *current;

/* What test_maps.c's main() does before its tests. */
static void setup(void)
{
	unsigned int seed = time(NULL);

	printf("kmaps: srand(%u)\n", seed);
	srand(seed);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	map_opts.map_flags = 0;
	if (current && strstr(current, ":no_prealloc"))
		map_opts.map_flags = BPF_F_NO_PREALLOC;
}

int main(int argc, char **argv)
{
	int a;

	/* One test per call, so that setup() knows which round. */
	for (a = 1; a < argc; a++) {
		char *one[3];
		int rc;

		one[0] = argv[0];
		one[1] = argv[a];
		one[2] = NULL;
		current = argv[a];
		rc = kmaps_run(tests, ARRAY_SIZE(tests), setup, 2, one);
		if (rc)
			return rc;
	}
	return argc < 2 ? kmaps_run(tests, ARRAY_SIZE(tests), NULL, argc,
				    argv) : 0;
}
