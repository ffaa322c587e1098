/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel modules without CAP_SYS_MODULE: l2secd loads none itself (its unit
 * runs modprobe before it starts, docs/SECURITY.md); what it uses the kernel
 * loads on demand, by alias: l2sec.ko when the l2sec generic netlink family is
 * resolved (kern_open), tun for a link of kind "tun" (tun_load), xfrm_user for
 * a NETLINK_XFRM socket (xfrm_user_load).
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

/*
 * Has the kernel load tun when /dev/net/tun is missing (a system without
 * its static node, which would have the kernel load it on open): an
 * RTM_NEWLINK of kind "tun" makes rtnetlink ask for "rtnl-link-tun", tun's
 * alias (needs CAP_NET_ADMIN; tun refuses the link itself, nothing is
 * created). 0 when /dev/net/tun is there then, else -1 with errno.
 */
int tun_load(void);

#endif
