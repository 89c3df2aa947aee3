// SPDX-License-Identifier: GPL-2.0
/*
 * extmap_test: what the selftests need from the kernel that a stock kernel
 * does not offer.
 *
 *  - A writable tracepoint for BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
 *    programs (see extmap_test_trace.h).  Each write to
 *    /sys/kernel/debug/extmap_test/fire fires it once, in the writer's
 *    context.
 *  - NMIs without a PMU (x86).  Writing a count N to
 *    /sys/kernel/debug/extmap_test/nmi raises N NMIs on the writer's CPU,
 *    one at a time, each through the local APIC (a self-IPI with NMI
 *    delivery) and handled before the next is raised.  The handler fires
 *    the extmap_test_nmi tracepoint, so that programs attached to it (raw
 *    tracepoint, fentry on nothing else) run in NMI context, as perf_event
 *    programs on hardware counters do where there is a PMU; under QEMU's
 *    TCG there is none.  The write returns the count, or -ETIMEDOUT if an
 *    NMI was not handled within a second (it is then no longer expected,
 *    and a late one is reported by the kernel as unknown).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>
#endif

#define CREATE_TRACE_POINTS
#include "extmap_test_trace.h"

/* What one write to the nmi file may ask for. */
#define EXTMAP_TEST_NMI_MAX	100000

static struct dentry *extmap_test_dir;
static atomic64_t extmap_test_seq = ATOMIC64_INIT(0);

static ssize_t extmap_test_fire_write(struct file *file, const char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct extmap_test_tp_buf buf = {
		.seq = atomic64_inc_return(&extmap_test_seq),
	};

	extmap_test_fire_tp(&buf);
	return count;
}

static const struct file_operations extmap_test_fire_fops = {
	.owner = THIS_MODULE,
	.write = extmap_test_fire_write,
	.llseek = noop_llseek,
};

#ifdef CONFIG_X86_LOCAL_APIC
static atomic64_t extmap_test_nmi_seq = ATOMIC64_INIT(0);

/*
 * Set by the writer, with preemption off, just before it raises an NMI on
 * its CPU; cleared by the handler on that CPU, which claims only the NMIs
 * it was told of.  Both sides run on the same CPU: per-CPU operations,
 * which an NMI cannot tear, are enough.
 */
static DEFINE_PER_CPU(bool, extmap_test_nmi_pending);

static int extmap_test_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct extmap_test_nmi_ctx ctx;

	if (!this_cpu_read(extmap_test_nmi_pending))
		return NMI_DONE;
	ctx.seq = atomic64_inc_return(&extmap_test_nmi_seq);
	ctx.in_nmi = in_nmi() != 0;
	ctx.cpu = smp_processor_id();
	extmap_test_nmi_tp(&ctx);
	/* After the tracepoint: the writer waits for its programs too. */
	this_cpu_write(extmap_test_nmi_pending, false);
	return NMI_HANDLED;
}

/* Raise one NMI on this CPU and wait until it has been handled. */
static int extmap_test_nmi_raise(void)
{
	unsigned long deadline = jiffies + HZ;
	int err = 0;

	preempt_disable();
	this_cpu_write(extmap_test_nmi_pending, true);
	apic->send_IPI_mask(cpumask_of(smp_processor_id()), NMI_VECTOR);
	while (this_cpu_read(extmap_test_nmi_pending)) {
		if (time_after(jiffies, deadline)) {
			this_cpu_write(extmap_test_nmi_pending, false);
			err = -ETIMEDOUT;
			break;
		}
		cpu_relax();
	}
	preempt_enable();
	return err;
}

static ssize_t extmap_test_nmi_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &n);
	if (err)
		return err;
	if (n > EXTMAP_TEST_NMI_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		err = extmap_test_nmi_raise();
		if (err)
			return err;
		cond_resched();
	}
	return count;
}

static const struct file_operations extmap_test_nmi_fops = {
	.owner = THIS_MODULE,
	.write = extmap_test_nmi_write,
	.llseek = noop_llseek,
};

static int extmap_test_nmi_init(void)
{
	int err;

	err = register_nmi_handler(NMI_LOCAL, extmap_test_nmi_handler, 0,
				   "extmap_test");
	if (err)
		return err;
	debugfs_create_file("nmi", 0200, extmap_test_dir, NULL,
			    &extmap_test_nmi_fops);
	return 0;
}

static void extmap_test_nmi_exit(void)
{
	unregister_nmi_handler(NMI_LOCAL, "extmap_test");
}
#else
static int extmap_test_nmi_init(void)
{
	return 0;
}

static void extmap_test_nmi_exit(void)
{
}
#endif /* CONFIG_X86_LOCAL_APIC */

static int __init extmap_test_init(void)
{
	int err;

	extmap_test_dir = debugfs_create_dir("extmap_test", NULL);
	debugfs_create_file("fire", 0200, extmap_test_dir, NULL,
			    &extmap_test_fire_fops);
	err = extmap_test_nmi_init();
	if (err)
		debugfs_remove(extmap_test_dir);
	return err;
}

static void __exit extmap_test_exit(void)
{
	/* The files first: no write may raise an NMI after the handler went. */
	debugfs_remove(extmap_test_dir);
	extmap_test_nmi_exit();
}

module_init(extmap_test_init);
module_exit(extmap_test_exit);

MODULE_DESCRIPTION("extmap selftest fixtures: a writable tracepoint, NMIs without a PMU");
MODULE_LICENSE("GPL");
