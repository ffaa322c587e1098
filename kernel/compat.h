/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels l2sec.ko supports (Debian 6.1 and
 * 6.12) lives in this file, nowhere else.
 */
#ifndef L2SEC_COMPAT_H
#define L2SEC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

/* get_unaligned_be16(): <linux/unaligned.h> since 6.12, asm/ before. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Lockless transmit: a feature bit up to 6.11, a net_device field since
 * 6.12 (NETIF_F_LLTX is gone there).
 */
static inline void l2sec_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/* The device must not move to another namespace: l2sec_net points at it. */
static inline void l2sec_compat_set_netns_local(struct net_device *dev)
{
#ifdef NETIF_F_NETNS_LOCAL
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
	dev->netns_local = true;
#endif
}

/* The parsed attributes of a dump request. */
static inline struct nlattr **l2sec_compat_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * GRO through a UDP tunnel (gro.c).  Before 6.9 (napi_gro_cb's
 * network_offsets), the inner inet_gro_receive moves the skb's network header
 * to the inner IP header, and udp4_gro_complete then looks the socket up with
 * the inner addresses: found only for a wildcard-bound socket (VXLAN's), not
 * for ours, and the merged packet becomes UDP GSO that udp_rcv drops.  There,
 * the outer network header is put back after the inner receive, and the inner
 * one set again for the inner gro_complete (which reads ip_hdr()).  Since
 * 6.9 GRO keeps both offsets itself.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
static inline void l2sec_gro_set_nh(struct sk_buff *skb, u16 network_header)
{
	skb->network_header = network_header;
}

static inline void l2sec_gro_inner_nh(struct sk_buff *skb, int nhoff)
{
	skb_set_network_header(skb, nhoff);
}
#else
static inline void l2sec_gro_set_nh(struct sk_buff *skb, u16 network_header)
{
}

static inline void l2sec_gro_inner_nh(struct sk_buff *skb, int nhoff)
{
}
#endif

/*
 * Forwarded TCP gets frag_list GRO on a device with rx-gro-list on since 6.10
 * (tcp4_check_fraglist_gro); gro.c does not merge it there.
 */
#define L2SEC_COMPAT_TCP_FRAGLIST_GRO \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0))

/*
 * A multicast group only CAP_NET_ADMIN (in the user namespace owning the
 * network namespace) may join: mainline 6.7, and in 6.1 since 6.1.70 (every
 * Debian 6.1.0 kernel l2sec supports).  An older kernel has no such flag and
 * no way for a family to refuse a join: there any local user may listen.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define L2SEC_COMPAT_MCGRP_ADMIN(_name) \
	{ .name = (_name), .flags = GENL_MCAST_CAP_NET_ADMIN }
#else
#define L2SEC_COMPAT_MCGRP_ADMIN(_name) { .name = (_name) }
#endif

#endif /* L2SEC_COMPAT_H */
