/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of the kernel map test runners (kmaps_test_maps,
 * kmaps_test_lpm_map): each is one of the kernel's test sources, compiled
 * unmodified with its main() renamed, plus a table of its test functions,
 * so that test_kernel_maps can run one at a time.
 *
 *	RUNNER            list the tests, one name a line
 *	RUNNER NAME...    run them in order; exit 0 when all returned
 *
 * A failing kernel test ends the process itself (assert() aborts, CHECK()
 * exits with -1), as in the kernel's own runner.
 */
#ifndef KMAPS_RUN_H
#define KMAPS_RUN_H

#include <stdio.h>
#include <string.h>

struct kmaps_test {
	const char *name;
	void (*fn)(void);
};

static inline int kmaps_run(const struct kmaps_test *tests, size_t n,
			    void (*setup)(void), int argc, char **argv)
{
	size_t i;
	int a;

	if (argc < 2) {
		for (i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	for (a = 1; a < argc; a++) {
		for (i = 0; i < n; i++)
			if (!strcmp(tests[i].name, argv[a]))
				break;
		if (i == n) {
			fprintf(stderr, "%s: no test %s\n", argv[0], argv[a]);
			return 2;
		}
	}
	for (a = 1; a < argc; a++) {
		for (i = 0; i < n; i++)
			if (!strcmp(tests[i].name, argv[a]))
				break;
		if (setup)
			setup();
		printf("kmaps: running %s\n", tests[i].name);
		fflush(stdout);
		tests[i].fn();
		printf("kmaps: %s returned\n", tests[i].name);
		fflush(stdout);
	}
	return 0;
}

#endif /* KMAPS_RUN_H */
