/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel modules without CAP_SYS_MODULE: l2secd loads none itself (its unit
 * runs modprobe before it starts, docs/SECURITY.md); what it uses the kernel
 * loads on demand, by alias: l2sec.ko when the l2sec generic netlink family is
 * resolved (kern_open), tun when /dev/net/tun is opened, xfrm_user for a
 * NETLINK_XFRM socket (xfrm_user_load).
 */
#ifndef L2SECD_KMOD_H
#define L2SECD_KMOD_H

/* How an operator loads l2sec.ko, for the log line that says it is missing. */
#define KMOD_HINT "load it with 'modprobe l2sec' (package l2sec-dkms builds it)"

/*
 * Has the kernel load xfrm_user (it compiles socket policies): opens and
 * closes a NETLINK_XFRM socket. 0, or -1 with errno.
 */
int xfrm_user_load(void);

#endif
