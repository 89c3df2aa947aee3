// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's test_lpm_map.c, one test at a time (kmaps_run.h): compiled
 * as it is in linux-source-6.12 with its main() renamed.  Each test starts
 * from what main() sets up first: srand(0xf00ba1) and libbpf's strict mode;
 * "lpm_map" runs test_lpm_map() for every key size, 1 to 16 bytes, in
 * main()'s order, and "all" runs main() itself.
 */
#define main kernel_test_lpm_map_main
#include "test_lpm_map.c"
#undef main

#include "kmaps_run.h"

static void k_lpm_map(void)
{
	int i;

	for (i = 1; i <= 16; ++i)
		test_lpm_map(i);
}

static void k_all(void)
{
	kernel_test_lpm_map_main();
}

static const struct kmaps_test tests[] = {
	{ "lpm_basic", test_lpm_basic },
	{ "lpm_order", test_lpm_order },
	{ "lpm_map", k_lpm_map },
	{ "lpm_ipaddr", test_lpm_ipaddr },
	{ "lpm_delete", test_lpm_delete },
	{ "lpm_get_next_key", test_lpm_get_next_key },
	{ "lpm_multi_thread", test_lpm_multi_thread },
	{ "all", k_all },
};

static void setup(void)
{
	srand(0xf00ba1);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
}

int main(int argc, char **argv)
{
	return kmaps_run(tests, ARRAY_SIZE(tests), setup,
			 argc, argv);
}
