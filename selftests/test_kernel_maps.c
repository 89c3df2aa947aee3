// SPDX-License-Identifier: GPL-2.0
/*
 * test_kernel_maps: the kernel's own map selftests as a conformance suite
 * for extmap's types (Documentation/conformance.md).
 *
 * The tests are the kernel's, built from Debian's linux-source-6.12 by
 * selftests/kshim/kshim.mk: test_lpm_map.c, the hash and array tests of
 * test_maps.c, map_tests/{array,htab,lpm_trie}_map_batch_ops.c and
 * map_tests/lpm_trie_map_get_next_key.c, unmodified, in two runners that
 * run one of their tests at a time (kshim/kmaps_test_*.c).  Each test runs
 * twice, in a child process of its own:
 *   - "kernel NAME": as it is, on the kernel's HASH, ARRAY and LPM_TRIE;
 *   - "extmap NAME": with LD_PRELOAD=kshim/extmap_shim.so, which makes every
 *     HASH, ARRAY and LPM_TRIE creation an extmap hash, array or lpm one
 *     (or passes it through, and says why, when it asks for what extmap
 *     does not have).  The shim logs each creation; a run in which no map
 *     was made extmap's is no test of extmap and fails.
 * A run passes when the kernel's test returned and the process exited 0.
 * A run that fails is "not ok", unless expected[] below lists it for this
 * kernel with the output it must show: then it is "not ok ... # TODO
 * reason" (which scripts/tap-summary counts as a skip, never as a pass),
 * and Documentation/conformance.md names the assertion and the reason.  An
 * expected failure that passes is reported "ok ... # TODO" with a
 * diagnostic asking for the table to be updated.
 *
 * Time: under TCG some kernel tests (test_map_parallel's 100 processes,
 * test_map_stress's 600) take minutes.  The binary keeps within
 * EXTMAP_TEST_TIMEOUT (vm-run's limit per binary, default 300 s), less a
 * margin, and each run within EXTMAP_KMAPS_RUN_TIMEOUT (default: what is
 * left).  A kernel run that does not finish in its time skips both runs
 * (no reference); an extmap run that does not finish in 3 times the
 * kernel's run, plus 30 s, fails; one cut short by the binary's time left
 * is skipped, with the figures, and so is any run for which no time is
 * left.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "util.h"

#define OUT_MAX		(256 * 1024)
#define MARGIN_S	20

/*
 * Which binary runs a test: test_kernel_maps, or for the slow ones a link
 * to it of their own (test_kernel_maps_stress, ..._parallel, ..._lpm: the
 * whole of test_lpm_map.c's main(), as the kernel runs it), so that each
 * gets the whole time vm-run gives a binary.
 */
#define G_MAIN		""
#define G_STRESS	"_stress"
#define G_PARALLEL	"_parallel"
#define G_LPM		"_lpm"

struct kcase {
	const char *runner;	/* in build/selftests/kshim/ */
	const char *test;	/* the runner's test name */
	bool no_maps;		/* it creates no map: nothing to convert */
	const char *group;	/* G_*: the binary's name after test_kernel_maps */
};

/* In each binary, quick ones first: the slow ones get what time is left. */
static const struct kcase cases[] = {
	/* These two check test_lpm_map.c's own reference, tlpm, only. */
	{ "kmaps_test_lpm_map", "lpm_basic", true, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_order", true, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_ipaddr", false, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_delete", false, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_get_next_key", false, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_multi_thread", false, G_MAIN },
	{ "kmaps_test_lpm_map", "lpm_map", false, G_MAIN },
	{ "kmaps_test_maps", "hashmap", false, G_MAIN },
	{ "kmaps_test_maps", "hashmap_sizes", false, G_MAIN },
	{ "kmaps_test_maps", "hashmap_walk", false, G_MAIN },
	{ "kmaps_test_maps", "hashmap_zero_seed", false, G_MAIN },
	{ "kmaps_test_maps", "arraymap", false, G_MAIN },
	{ "kmaps_test_maps", "map_large", false, G_MAIN },
	{ "kmaps_test_maps", "map_rdonly", false, G_MAIN },
	{ "kmaps_test_maps", "map_wronly", false, G_MAIN },
	{ "kmaps_test_maps", "array_map_batch_ops", false, G_MAIN },
	{ "kmaps_test_maps", "htab_map_batch_ops", false, G_MAIN },
	{ "kmaps_test_maps", "lpm_trie_map_batch_ops", false, G_MAIN },
	{ "kmaps_test_maps", "lpm_trie_map_get_next_key", false, G_MAIN },
	{ "kmaps_test_maps", "map_stress", false, G_STRESS },
	{ "kmaps_test_maps", "map_parallel", false, G_PARALLEL },
	{ "kmaps_test_lpm_map", "all", false, G_LPM },
};

enum mode { KERNEL, EXTMAP };
static const char *const mode_name[] = { "kernel", "extmap" };

/*
 * Expected failures: @test fails in mode @mode on kernel series @series (NULL:
 * every kernel), and its output shows @match (the assertion that fails).
 * Each has its line in Documentation/conformance.md.
 */
struct expected {
	const char *test;
	enum mode mode;
	const char *series;
	const char *match;
	const char *reason;
};

static const struct expected expected[] = {
	/* Which assertion depends on the hash order, random per map. */
	{ "lpm_get_next_key", EXTMAP, NULL,
	  "test_lpm_get_next_key: Assertion `",
	  "extmap lpm's get_next_key order is not LPM_TRIE's post-order yet (issue 14, item 8)" },
	{ "all", EXTMAP, NULL,
	  "test_lpm_get_next_key: Assertion `",
	  "test_lpm_map.c's main() runs lpm_get_next_key: see there" },
	{ "map_stress", EXTMAP, NULL,
	  "test_hashmap: Assertion `bpf_map_lookup_and_delete_elem(fd, &key, &value) == 0",
	  "it runs test_hashmap in 100 processes: see hashmap" },
	{ "hashmap", EXTMAP, NULL,
	  "test_hashmap: Assertion `bpf_map_lookup_and_delete_elem(fd, &key, &value) == 0",
	  "bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM) is ENOTSUPP for any map_type but the kernel's hashes, queue and stack" },
};

struct run {
	int status;		/* from waitpid() */
	bool timed_out;
	bool returned;		/* the runner printed "kmaps: NAME returned" */
	double secs;
	char *out;		/* stdout and stderr */
	int n_extmap, n_error, n_pass;
	char counts[160];	/* per type */
	char pass_why[256];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char series[32];

static void kernel_series(void)
{
	struct utsname u;
	int maj, min;

	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &maj, &min) == 2)
		snprintf(series, sizeof(series), "%d.%d", maj, min);
	else
		snprintf(series, sizeof(series), "?");
}

static char *slurp(const char *path)
{
	char *buf = calloc(1, OUT_MAX + 1);
	ssize_t n, used = 0;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	while (used < OUT_MAX && (n = read(fd, buf + used, OUT_MAX - used)) > 0)
		used += n;
	close(fd);
	return buf;
}

/* The shim's log: counts per outcome and per type, pass-through reasons. */
static void read_shim_log(const char *path, struct run *r)
{
	static const char *const types[] = { "hash", "array", "lpm" };
	int per[3] = { 0, 0, 0 };
	char line[256], what[16], type[16];
	size_t used = 0;
	FILE *f;
	int i;

	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %15s", what, type) != 2)
			continue;
		if (!strcmp(what, "extmap"))
			r->n_extmap++;
		else if (!strcmp(what, "error"))
			r->n_error++;
		else if (!strcmp(what, "pass"))
			r->n_pass++;
		if (strcmp(what, "pass")) {
			for (i = 0; i < 3; i++)
				if (!strcmp(type, types[i]))
					per[i]++;
		} else if (used + 2 < sizeof(r->pass_why) &&
			   !strstr(r->pass_why, line + 5)) {
			line[strcspn(line, "\n")] = '\0';
			used += snprintf(r->pass_why + used,
					 sizeof(r->pass_why) - used, "%s%s",
					 used ? "; " : "", line + 5);
			if (used >= sizeof(r->pass_why))
				used = sizeof(r->pass_why) - 1;
		}
	}
	fclose(f);
	snprintf(r->counts, sizeof(r->counts), "hash %d, array %d, lpm %d",
		 per[0], per[1], per[2]);
}

/* Run @c in mode @m for at most @limit seconds. */
static void run_one(const struct kcase *c, enum mode m, double limit,
		    struct run *r)
{
	char runner[4096], shim[4096], outpath[] = "/tmp/kmaps-out.XXXXXX";
	char logpath[] = "/tmp/kmaps-shim.XXXXXX";
	char want[128];
	double start, deadline;
	int outfd, logfd;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	snprintf(runner, sizeof(runner), "%s/kshim/%s", selftest_dir(),
		 c->runner);
	snprintf(shim, sizeof(shim), "%s/kshim/extmap_shim.so",
		 selftest_dir());
	outfd = mkstemp(outpath);
	logfd = mkstemp(logpath);
	if (outfd < 0 || logfd < 0)
		tap_bail("mkstemp: %s", strerror(errno));
	close(logfd);

	fflush(stdout);
	start = now();
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		char *argv[3];

		argv[0] = runner;
		argv[1] = (char *)c->test;
		argv[2] = NULL;
		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(outfd, 1);
		dup2(outfd, 2);
		if (m == EXTMAP) {
			setenv("LD_PRELOAD", shim, 1);
			setenv("EXTMAP_SHIM_LOG", logpath, 1);
		} else {
			unsetenv("LD_PRELOAD");
			unsetenv("EXTMAP_SHIM_LOG");
		}
		execv(runner, argv);
		dprintf(2, "kmaps: exec %s: %s\n", runner, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(outfd);
	deadline = start + limit;
	for (;;) {
		pid_t w = waitpid(pid, &r->status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			tap_bail("waitpid: %s", strerror(errno));
		if (now() >= deadline) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &r->status, 0);
			break;
		}
		usleep(50000);
	}
	/* Whatever the test forked and left behind. */
	kill(-pid, SIGKILL);
	r->secs = now() - start;
	r->out = slurp(outpath);
	unlink(outpath);
	read_shim_log(logpath, r);
	unlink(logpath);
	snprintf(want, sizeof(want), "kmaps: %s returned\n", c->test);
	r->returned = r->out && strstr(r->out, want);
}

static bool run_passed(const struct run *r)
{
	return !r->timed_out && WIFEXITED(r->status) &&
	       WEXITSTATUS(r->status) == 0 && r->returned;
}

static void describe_exit(const struct run *r, char *buf, size_t sz)
{
	if (r->timed_out)
		snprintf(buf, sz, "killed after %.0f s", r->secs);
	else if (WIFSIGNALED(r->status))
		snprintf(buf, sz, "killed by signal %d (%s)",
			 WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	else
		snprintf(buf, sz, "exit status %d", WEXITSTATUS(r->status));
}

/*
 * The last @n lines of the run's output, as diagnostics, a run of equal
 * lines (100 processes failing alike) shown once with its count.
 */
static void show_tail(const struct run *r, int n)
{
	const char *p, *end, *line, *prev = NULL;
	size_t len, prev_len = 0;
	const char *lines[64];
	size_t lens[64];
	int counts[64];
	int k = 0, i;

	if (!r->out || !*r->out)
		return;
	if (n > 64)
		n = 64;
	end = r->out + strlen(r->out);
	while (end > r->out && end[-1] == '\n')
		end--;
	while (end > r->out) {
		for (p = end; p > r->out && p[-1] != '\n'; p--)
			;
		line = p;
		len = end - p;
		if (prev && len == prev_len && !memcmp(line, prev, len)) {
			counts[k - 1]++;
		} else {
			if (k == n)
				break;
			lines[k] = line;
			lens[k] = len;
			counts[k++] = 1;
		}
		prev = line;
		prev_len = len;
		end = p > r->out ? p - 1 : p;
	}
	tap_diag("output (last %d different lines):", k);
	for (i = k - 1; i >= 0; i--) {
		int w = lens[i] > 400 ? 400 : (int)lens[i];

		if (counts[i] > 1)
			printf("#   %.*s%s [%d times]\n", w, lines[i],
			       w < (int)lens[i] ? "..." : "", counts[i]);
		else
			printf("#   %.*s%s\n", w, lines[i],
			       w < (int)lens[i] ? "..." : "");
	}
	fflush(stdout);
}

static const struct expected *find_expected(const char *test, enum mode m)
{
	size_t i;

	for (i = 0; i < TAP_ARRAY_SIZE(expected); i++) {
		const struct expected *e = &expected[i];

		if (!strcmp(e->test, test) && e->mode == m &&
		    (!e->series || !strcmp(e->series, series)))
			return e;
	}
	return NULL;
}

static int tapn, nfail;

static void result(bool ok, const char *name, const char *directive,
		   const char *why)
{
	tapn++;
	printf("%s %d - %s%s%s%s%s\n", ok ? "ok" : "not ok", tapn, name,
	       directive ? " # " : "", directive ? directive : "",
	       why ? " " : "", why ? why : "");
	fflush(stdout);
}

/* Judge one run and print its TAP line. */
static void report(const struct kcase *c, enum mode m, const struct run *r)
{
	const struct expected *e = find_expected(c->test, m);
	char name[128], how[96];
	bool ok = run_passed(r);
	const char *bad = NULL;

	snprintf(name, sizeof(name), "%s %s", mode_name[m], c->test);
	describe_exit(r, how, sizeof(how));
	if (m == EXTMAP) {
		tap_diag("%s: %s in %.1f s; shim: %d maps made extmap's, %d refused by extmap (%s), %d passed through%s%s",
			 name, how, r->secs, r->n_extmap, r->n_error,
			 r->counts[0] ? r->counts : "none", r->n_pass,
			 r->n_pass ? ": " : "", r->pass_why);
		if (r->n_extmap + r->n_error == 0 && ok && c->no_maps) {
			result(true, name, "SKIP",
			       "the kernel's test creates no map (it checks test_lpm_map.c's reference implementation)");
			return;
		}
		if (r->n_extmap + r->n_error == 0)
			bad = "the shim made no map extmap's: no test of extmap";
	} else {
		tap_diag("%s: %s in %.1f s", name, how, r->secs);
	}

	if (ok && !bad) {
		if (e) {
			tap_diag("%s passed, but expected[] lists it as failing (%s): update expected[] and Documentation/conformance.md",
				 name, e->reason);
			result(true, name, "TODO", "expected to fail, passed");
		} else {
			result(true, name, NULL, NULL);
		}
		return;
	}
	if (bad) {
		tap_diag("%s: %s", name, bad);
	} else if (e && r->out && strstr(r->out, e->match)) {
		show_tail(r, 6);
		result(false, name, "TODO", e->reason);
		return;
	} else if (e) {
		tap_diag("%s: expected to fail showing \"%s\" (%s), failed otherwise",
			 name, e->match, e->reason);
	}
	show_tail(r, 15);
	result(false, name, NULL, NULL);
	nfail++;
}

int main(int argc, char **argv)
{
	const char *s = getenv("EXTMAP_TEST_TIMEOUT");
	double budget = (s ? atof(s) : 300) - MARGIN_S, run_limit, t0;
	const char *me = strrchr(argv[0], '/'), *group;
	size_t i, n = 0;
	char path[4096];

	me = me ? me + 1 : argv[0];
	if (argc != 1 || strncmp(me, "test_kernel_maps", 16))
		tap_bail("usage: test_kernel_maps[_stress|_parallel|_lpm], no arguments");
	group = me + 16;
	for (i = 0; i < TAP_ARRAY_SIZE(cases); i++)
		n += !strcmp(cases[i].group, group);
	if (!n)
		tap_bail("%s: no tests in group \"%s\"", me, group);

	setvbuf(stdout, NULL, _IOLBF, 0);
	require_root_and_module();
	kernel_series();
	snprintf(path, sizeof(path), "%s/kshim/extmap_shim.so",
		 selftest_dir());
	if (access(path, R_OK))
		tap_bail("%s: %s (built by selftests/kshim/kshim.mk)", path,
			 strerror(errno));
	s = getenv("EXTMAP_KMAPS_RUN_TIMEOUT");
	run_limit = s ? atof(s) : 0;

	printf("TAP version 13\n1..%zu\n", 2 * n);
	tap_diag("kernel series %s; time for the whole binary %.0f s", series,
		 budget);
	t0 = now();
	for (i = 0; i < TAP_ARRAY_SIZE(cases); i++) {
		const struct kcase *c = &cases[i];
		double left = budget - (now() - t0), limit;
		char name[128], why[160];
		struct run k, x;

		if (strcmp(c->group, group))
			continue;
		memset(&k, 0, sizeof(k));
		memset(&x, 0, sizeof(x));
		if (left < 2) {
			snprintf(why, sizeof(why),
				 "no time left of the binary's %.0f s (EXTMAP_TEST_TIMEOUT less %d s)",
				 budget, MARGIN_S);
			snprintf(name, sizeof(name), "kernel %s", c->test);
			result(true, name, "SKIP", why);
			snprintf(name, sizeof(name), "extmap %s", c->test);
			result(true, name, "SKIP", why);
			continue;
		}
		/* Keep at least as much for the extmap run as for this one. */
		limit = left / 2;
		if (run_limit > 0 && run_limit < limit)
			limit = run_limit;
		run_one(c, KERNEL, limit, &k);
		if (k.timed_out) {
			snprintf(why, sizeof(why),
				 "did not finish in %.0f s on the kernel's own maps (the time this binary had left)",
				 k.secs);
			snprintf(name, sizeof(name), "kernel %s", c->test);
			tap_diag("%s: killed after %.0f s", name, k.secs);
			result(true, name, "SKIP", why);
			snprintf(name, sizeof(name), "extmap %s", c->test);
			result(true, name, "SKIP",
			       "no reference: the kernel's run did not finish");
			free(k.out);
			continue;
		}
		report(c, KERNEL, &k);

		left = budget - (now() - t0);
		limit = 3 * k.secs + 30;
		if (run_limit > 0 && run_limit < limit)
			limit = run_limit;
		if (limit > left)
			limit = left > 1 ? left : 1;
		run_one(c, EXTMAP, limit, &x);
		snprintf(name, sizeof(name), "extmap %s", c->test);
		if (x.timed_out && limit < 3 * k.secs + 30) {
			snprintf(why, sizeof(why),
				 "cut short after %.0f s by the binary's time left (the kernel's run took %.1f s)",
				 x.secs, k.secs);
			result(true, name, "SKIP", why);
		} else {
			report(c, EXTMAP, &x);
		}
		free(k.out);
		free(x.out);
	}
	if (nfail)
		tap_diag("%d of %zu runs failed", nfail, 2 * n);
	return nfail ? KSFT_FAIL : KSFT_PASS;
}
