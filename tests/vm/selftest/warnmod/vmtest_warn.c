// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test only: a module whose init triggers a kernel WARNING, so the
 * test harness can show that a warning in the guest fails the test that caused it.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init vmtest_warn_init(void)
{
	WARN(1, "vmtest_warn: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit vmtest_warn_exit(void)
{
}

module_init(vmtest_warn_init);
module_exit(vmtest_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("l2sec test harness self-test: warns on load");
