/* SPDX-License-Identifier: GPL-2.0 */
/* Loading a kernel module as modprobe does (libkmod). */
#ifndef L2SECD_KMOD_H
#define L2SECD_KMOD_H

/*
 * Make sure the module `name` is in the kernel: 0 when it is built in, was
 * already loaded (by name, also when insmod loaded it from outside
 * /lib/modules), or has been loaded now with its dependencies and install
 * commands. The blacklist applies only when `name` is an alias, as for
 * modprobe. -1 with errno and one log line: ENOENT when no module has that
 * name or alias, EPERM when blacklisted or without the right to load modules,
 * or the kernel's error from loading it. Logged as a warning: the caller
 * decides whether a missing module is an error (l2secd falls back to TUN).
 */
int kmod_ensure(const char *name);

#endif
