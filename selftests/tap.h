/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h: a small TAP 13 producer for the extmap selftests.
 *
 * A test binary describes its cases in a table of struct tap_case and hands
 * it to tap_main().  Each case is a function returning TAP_PASS, TAP_FAIL or
 * TAP_SKIP; on a skip it says why with tap_skip_reason().  Output:
 *
 *	TAP version 13
 *	1..N
 *	ok 1 - name
 *	not ok 2 - name
 *	ok 3 - name # SKIP reason
 *	# diagnostic line
 *
 * Exit status follows kselftest: 0 when every case passed or was skipped,
 * 1 when any failed, 4 when the whole binary was skipped (plan "1..0 # SKIP").
 * "Bail out!" (exit 1) is for a broken precondition that makes every case
 * meaningless.
 */
#ifndef EXTMAP_SELFTEST_TAP_H
#define EXTMAP_SELFTEST_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

enum tap_result {
	TAP_PASS = 0,
	TAP_FAIL = 1,
	TAP_SKIP = 2,
};

struct tap_case {
	const char *name;
	int (*fn)(void);
};

#define TAP_CASE(f)	{ #f, f }
#define TAP_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char tap__skip_why[256];

/* One diagnostic line per line of the message, each prefixed "# ". */
static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	char buf[2048];
	char *line, *save = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

/* Called from a case about to return TAP_SKIP. */
static inline int __attribute__((format(printf, 1, 2)))
tap_skip_reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tap__skip_why, sizeof(tap__skip_why), fmt, ap);
	va_end(ap);
	return TAP_SKIP;
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
tap_skip_all(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("TAP version 13\n1..0 # SKIP %s\n", why);
	fflush(stdout);
	exit(KSFT_SKIP);
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
tap_bail(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", why);
	fflush(stdout);
	exit(KSFT_FAIL);
}

/* Run every case in order; returns the exit status for main(). */
static inline int tap_main(const struct tap_case *cases, int n)
{
	int i, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		int r;

		tap__skip_why[0] = '\0';
		fflush(stdout);
		r = cases[i].fn();
		if (r == TAP_PASS) {
			printf("ok %d - %s\n", i + 1, cases[i].name);
		} else if (r == TAP_SKIP) {
			const char *why = tap__skip_why[0] ? tap__skip_why : "no reason given";

			printf("ok %d - %s # SKIP %s\n", i + 1, cases[i].name, why);
		} else {
			printf("not ok %d - %s\n", i + 1, cases[i].name);
			failed++;
		}
		fflush(stdout);
	}
	if (failed)
		tap_diag("%d of %d cases failed", failed, n);
	return failed ? KSFT_FAIL : KSFT_PASS;
}

/*
 * Assertions for use inside a case, named as in the kernel's test_progs.h
 * (ASSERT(cond) holds when cond is true).  On failure they print where and
 * what, with the actual and the expected values where they have them, as
 * a diagnostic and return TAP_FAIL from the case; resources a case holds
 * are released by the cleanup attributes in util.h.
 */
#define ASSERT(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			tap_diag("%s:%d: %s: " fmt, __FILE__, __LINE__,	\
				 #cond, ##__VA_ARGS__);			\
			return TAP_FAIL;				\
		}							\
	} while (0)

/* Integers: @actual must compare with @expected as @op; prints both. */
#define ASSERT_CMP(actual, op, expected, what)				\
	do {								\
		long long __a = (long long)(actual);			\
		long long __x = (long long)(expected);			\
		if (!(__a op __x)) {					\
			tap_diag("%s:%d: %s: actual %lld, expected %s %lld", \
				 __FILE__, __LINE__, (what), __a, #op,	\
				 __x);					\
			return TAP_FAIL;				\
		}							\
	} while (0)
#define ASSERT_EQ(actual, expected, what)				\
	ASSERT_CMP(actual, ==, expected, what)
#define ASSERT_GE(actual, expected, what)				\
	ASSERT_CMP(actual, >=, expected, what)

/* @expr must return -1 (or a negative value) with errno == @err. */
#define ASSERT_ERRNO(expr, err)						\
	do {								\
		long __r;						\
		int __e;						\
		errno = 0;						\
		__r = (long)(expr);					\
		__e = errno;						\
		if (__r >= 0 || __e != (err)) {				\
			tap_diag("%s:%d: %s = %ld, errno %d (%s); "	\
				 "expected failure with %s",		\
				 __FILE__, __LINE__, #expr, __r, __e,	\
				 tap_errname(__e), tap_errname(err));	\
			return TAP_FAIL;				\
		}							\
	} while (0)

/* @expr must succeed (return >= 0). */
#define ASSERT_OK(expr)							\
	do {								\
		long __r;						\
		errno = 0;						\
		__r = (long)(expr);					\
		if (__r < 0) {						\
			int __e = errno;				\
			tap_diag("%s:%d: %s = %ld, errno %d (%s); "	\
				 "expected success", __FILE__, __LINE__,\
				 #expr, __r, __e, tap_errname(__e));	\
			return TAP_FAIL;				\
		}							\
	} while (0)

/* Name of an errno value ("EPERM"), or its number. */
static inline const char *tap_errname(int e)
{
	static char buf[4][24];
	static int slot;
	const char *n = e ? strerrorname_np(e) : "0";

	if (n)
		return n;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "errno %d", e);
	return buf[slot];
}

#endif /* EXTMAP_SELFTEST_TAP_H */
