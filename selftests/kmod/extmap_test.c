// SPDX-License-Identifier: GPL-2.0
/*
 * extmap_test: what the selftests need from the kernel that a stock kernel
 * does not offer.
 *
 * A writable tracepoint for BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE programs
 * (see extmap_test_trace.h).  Each write to
 * /sys/kernel/debug/extmap_test/fire fires it once, in the writer's context.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>

#define CREATE_TRACE_POINTS
#include "extmap_test_trace.h"

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

static int __init extmap_test_init(void)
{
	extmap_test_dir = debugfs_create_dir("extmap_test", NULL);
	debugfs_create_file("fire", 0200, extmap_test_dir, NULL,
			    &extmap_test_fire_fops);
	return 0;
}

static void __exit extmap_test_exit(void)
{
	debugfs_remove(extmap_test_dir);
}

module_init(extmap_test_init);
module_exit(extmap_test_exit);

MODULE_DESCRIPTION("extmap selftest fixtures: a writable tracepoint");
MODULE_LICENSE("GPL");
