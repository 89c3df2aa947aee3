/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoint of extmap_test.ko: writable, so that
 * BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE programs can attach to it and may
 * write into the buffer it passes.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM extmap_test

/* Read once: define_trace.h reads the rest of this header several times. */
#ifndef _EXTMAP_TEST_TRACE_TYPES_H
#define _EXTMAP_TEST_TRACE_TYPES_H
#include <linux/tracepoint.h>
#include <linux/types.h>

/* What the tracepoint passes; BPF programs may write all of it. */
struct extmap_test_tp_buf {
	u64 seq;	/* how many times the tracepoint fired */
	u64 scratch;	/* for the program */
};

/*
 * Since DECLARE_TRACE_EVENT exists (6.16), DECLARE_TRACE adds _tp to the
 * tracepoint's name.
 */
#ifdef DECLARE_TRACE_EVENT
#define extmap_test_fire_tp(buf) trace_mx_writable_tp(buf)
#else
#define extmap_test_fire_tp(buf) trace_mx_writable(buf)
#endif
#endif

#if !defined(_EXTMAP_TEST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EXTMAP_TEST_TRACE_H

#include <linux/tracepoint.h>

/*
 * Named mx_writable, or mx_writable_tp on kernels whose DECLARE_TRACE adds
 * _tp.  Only include/trace/bpf_probe.h, in its pass over this header, knows
 * what is writable; for every other pass it is a plain tracepoint.
 */
#ifdef DECLARE_TRACE_WRITABLE
DECLARE_TRACE_WRITABLE(mx_writable,
		       TP_PROTO(struct extmap_test_tp_buf *buf),
		       TP_ARGS(buf),
		       sizeof(struct extmap_test_tp_buf));
#else
DECLARE_TRACE(mx_writable,
	      TP_PROTO(struct extmap_test_tp_buf *buf),
	      TP_ARGS(buf));
#endif

#endif /* _EXTMAP_TEST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE extmap_test_trace
#include <trace/define_trace.h>
