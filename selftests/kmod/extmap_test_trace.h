/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoints of extmap_test.ko: mx_writable, writable, so that
 * BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE programs can attach to it and may
 * write into the buffer it passes; extmap_test_nmi, fired in NMI context.
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

/* What the NMI tracepoint passes (read-only for programs). */
struct extmap_test_nmi_ctx {
	u64 seq;	/* how many NMIs the fixture raised and handled */
	u32 in_nmi;	/* in_nmi() != 0 where the tracepoint fired */
	u32 cpu;
};

/*
 * Since DECLARE_TRACE_EVENT exists (6.16), DECLARE_TRACE adds _tp to the
 * tracepoint's name.
 */
#ifdef DECLARE_TRACE_EVENT
#define extmap_test_fire_tp(buf) trace_mx_writable_tp(buf)
#define extmap_test_nmi_tp(ctx) trace_extmap_test_nmi_tp(ctx)
#else
#define extmap_test_fire_tp(buf) trace_mx_writable(buf)
#define extmap_test_nmi_tp(ctx) trace_extmap_test_nmi(ctx)
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

/*
 * Fired from the fixture's NMI handler: programs attached to it run in
 * NMI context.  Named extmap_test_nmi, or extmap_test_nmi_tp as above.
 */
DECLARE_TRACE(extmap_test_nmi,
	      TP_PROTO(struct extmap_test_nmi_ctx *ctx),
	      TP_ARGS(ctx));

#endif /* _EXTMAP_TEST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE extmap_test_trace
#include <trace/define_trace.h>
