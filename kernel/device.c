// SPDX-License-Identifier: GPL-2.0
/*
 * The multipoint l2sec device: one per network namespace, carrying the
 * decapsulated IPv4/IPv6 packets of every session.  No link-layer header,
 * no ARP, no qdisc, lockless transmit (xmit.c), GRO on receive (recv.c
 * delivers through gro_cells).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/rtnetlink.h>

#include "internal.h"

static int l2sec_dev_init(struct net_device *dev)
{
	struct l2sec_dev *priv = netdev_priv(dev);

	return gro_cells_init(&priv->gro_cells, dev);
}

/* Called under RTNL after the device is closed and synchronize_net(). */
static void l2sec_dev_uninit(struct net_device *dev)
{
	struct l2sec_dev *priv = netdev_priv(dev);
	struct l2sec_net *ln = priv->ln;

	if (rtnl_dereference(ln->dev) == dev)
		RCU_INIT_POINTER(ln->dev, NULL);
	gro_cells_destroy(&priv->gro_cells);
}

static void l2sec_get_stats64(struct net_device *dev,
			      struct rtnl_link_stats64 *tot)
{
	struct l2sec_dev *priv = netdev_priv(dev);
	struct l2sec_stats s;

	l2sec_stats_fold(priv->ln->stats, &s);
	tot->rx_packets = s.rx_packets;
	tot->rx_bytes = s.rx_bytes;
	tot->tx_packets = s.tx_packets;
	tot->tx_bytes = s.tx_bytes;
	tot->rx_dropped = s.rx_drops;
	tot->tx_dropped = s.tx_drops;
}

static const struct net_device_ops l2sec_netdev_ops = {
	.ndo_init = l2sec_dev_init,
	.ndo_uninit = l2sec_dev_uninit,
	.ndo_start_xmit = l2sec_xmit,
	.ndo_get_stats64 = l2sec_get_stats64,
};

static struct rtnl_link_ops l2sec_link_ops;

static void l2sec_setup(struct net_device *dev)
{
	dev->netdev_ops = &l2sec_netdev_ops;
	dev->rtnl_link_ops = &l2sec_link_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = L2SEC_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - sizeof(struct ipv6hdr) - L2SEC_TX_HDR_LEN;
	/* outer IPv6 + our headers + NAT-T UDP + ESP header and IV */
	dev->needed_headroom = LL_MAX_HEADER + sizeof(struct ipv6hdr) +
			       L2SEC_TX_HDR_LEN + 8 + 8 + 16;
	dev->needed_tailroom = 16 + 2 + 32;	/* ESP padding, trailer, ICV */
	dev->needs_free_netdev = true;
	/*
	 * No GSO or checksum offload: the stack segments and checksums before
	 * ndo_start_xmit, so every skb we get is one inner packet.
	 */
	dev->features = NETIF_F_SG | NETIF_F_HIGHDMA;
	dev->hw_features = 0;
	/*
	 * Keep the inner route on the skb up to ndo_start_xmit (the core drops
	 * it by default): a packet too big for the path (xmit.c) lowers that
	 * route's PMTU, and IPv4's ICMP to the sender needs the route.
	 */
	netif_keep_dst(dev);
	l2sec_compat_set_lltx(dev);
	l2sec_compat_set_netns_local(dev);
}

static int l2sec_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG(extack, "l2sec devices have no link-layer address");
		return -EINVAL;
	}
	return 0;
}

static int l2sec_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct l2sec_net *ln = l2sec_pernet(dev_net(dev));
	struct l2sec_dev *priv = netdev_priv(dev);
	int err;

	if (rtnl_dereference(ln->dev)) {
		NL_SET_ERR_MSG(extack,
			       "this network namespace already has an l2sec device");
		return -EEXIST;
	}
	priv->dev = dev;
	priv->ln = ln;
	err = register_netdevice(dev);
	if (err)
		return err;
	rcu_assign_pointer(ln->dev, dev);
	return 0;
}

static struct rtnl_link_ops l2sec_link_ops __read_mostly = {
	.kind = L2SEC_LINK_KIND,
	.priv_size = sizeof(struct l2sec_dev),
	.setup = l2sec_setup,
	.validate = l2sec_validate,
	.newlink = l2sec_newlink,
	.dellink = unregister_netdevice_queue,
};

/* Under RTNL: queues the namespace's device on @devs for unregistering. */
void l2sec_dev_net_exit(struct l2sec_net *ln, struct list_head *devs)
{
	struct net_device *dev = rtnl_dereference(ln->dev);

	if (dev)
		unregister_netdevice_queue(dev, devs);
}

/* The device, and what its transmit needs (xmit.c: PMTU over IPv6 ESP). */
int l2sec_link_init(void)
{
	int err;

	err = l2sec_xmit_init();
	if (err)
		return err;
	err = rtnl_link_register(&l2sec_link_ops);
	if (err)
		l2sec_xmit_exit();
	return err;
}

void l2sec_link_exit(void)
{
	rtnl_link_unregister(&l2sec_link_ops);
	l2sec_xmit_exit();
}
