// SPDX-License-Identifier: GPL-2.0
/*
 * The README's "use it in your own program": load xdp_count.bpf.o through
 * its skeleton, with extmap_bpf_object_prepare() between open and load,
 * run the program on a packet five times with BPF_PROG_TEST_RUN, and print
 * the counter its extmap array holds.  Built outside the tree with
 *
 *	bpftool gen skeleton xdp_count.bpf.o >xdp_count.skel.h
 *	cc xdp_count_user.c $(pkg-config --cflags --libs libextmap)
 *
 * Needs the extmap module loaded and CAP_BPF (root).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libextmap.h>

#include "xdp_count.skel.h"

/* The packet the program runs on: it only counts, so zeroes will do. */
static const char pkt[64];

int main(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 5);
	struct xdp_count *skel;
	__u64 packets = 0;
	__u32 key = 0;
	int err;

	skel = xdp_count__open();
	if (!skel) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 1;
	}
	/*
	 * libbpf cannot create maps of a type the kernel does not know: this
	 * creates them through /dev/extmap and hands them to libbpf.
	 */
	err = extmap_bpf_object_prepare(skel->obj, NULL);
	if (err < 0) {
		fprintf(stderr, "extmap_bpf_object_prepare: %s%s\n",
			strerror(-err),
			err == -ENOENT ? " (is the extmap module loaded?)" : "");
		goto out;
	}
	err = xdp_count__load(skel);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		goto out;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_count),
				     &run);
	if (err) {
		fprintf(stderr, "test run: %s\n", strerror(errno));
		goto out;
	}
	err = bpf_map_lookup_elem(bpf_map__fd(skel->maps.counters), &key,
				  &packets);
	if (err) {
		fprintf(stderr, "lookup: %s\n", strerror(errno));
		goto out;
	}
	printf("xdp_count saw %llu packets\n", (unsigned long long)packets);
out:
	xdp_count__destroy(skel);
	return err ? 1 : 0;
}
