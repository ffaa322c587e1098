// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: ndo_start_xmit of the l2sec device.  Lockless (LLTX, no qdisc):
 * runs with BH disabled, under RCU; no per-tunnel or per-socket lock.
 *
 * inner IPv4/IPv6 -> session by destination (/32, /128, /64; else by the
 * gateway of the skb's route: a network routed behind a client) -> push PPP
 * (FF 03 + 2-byte protocol: always legal, whatever the peer negotiated) and
 * the minimal L2TPv2 data header (no L, S or O) -> route and xfrm lookup
 * with the tunnel's out-mark, so each tunnel takes its own SA -> refuse a
 * require-IPsec tunnel's packet whose route has no xfrm bundle (it would
 * leave in cleartext) -> path MTU (l2sec_pmtu_check) -> UDP + IP by
 * udp_tunnel(6)_xmit_skb.
 *
 * The device advertises no GSO or checksum offload: the stack segments and
 * checksums before calling us, so every skb is exactly one inner packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/if_ether.h>
#include <linux/ppp_defs.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/ip6_route.h>
#include <net/udp_tunnel.h>
#include <net/inet_sock.h>
#include <net/xfrm.h>

#include "internal.h"

/* L2TPv2 data header, version 2, no optional fields. */
#define L2TP_HDR_MINIMAL	0x0002

static void l2sec_push_headers(struct sk_buff *skb, const struct l2sec_session *s,
			       u16 proto)
{
	u8 *ppp = skb_push(skb, 4);
	__be16 *l2tp;

	ppp[0] = PPP_ALLSTATIONS;
	ppp[1] = PPP_UI;
	put_unaligned_be16(proto, ppp + 2);
	l2tp = skb_push(skb, 6);
	put_unaligned_be16(L2TP_HDR_MINIMAL, &l2tp[0]);
	put_unaligned_be16(READ_ONCE(s->tunnel->peer_id), &l2tp[1]);
	put_unaligned_be16(READ_ONCE(s->peer_id), &l2tp[2]);
}

/*
 * An inner packet larger than the path to the client lets through, once
 * @ohlen bytes of outer IP header and ours are on it, is never dropped
 * unannounced.  @dst is the outer route; an xfrm bundle's MTU is already what
 * is left after ESP and its NAT-T UDP header (xfrm_state_mtu() of the SA's
 * algorithms), so the same arithmetic holds with and without IPsec.
 *
 * As ip_tunnel does: when the sender asked not to be fragmented (IPv4 with
 * DF, and IPv6, which only the source fragments), it is told the tunnel's
 * MTU (its route's PMTU, and ICMP Fragmentation Needed / Packet Too Big,
 * rate-limited by icmp(v6)_ndo_send) and the packet is dropped: returns
 * L2SEC_DROP_TOO_BIG.  Otherwise, and when that MTU is below what the inner
 * protocol must carry (576 is the least IPv4 needs, 1280 IPv6), the outer
 * packet is fragmented: *@frag asks for ignore_df, which IPv6 needs to
 * fragment what we send (ip6_fragment refuses, and sends its Packet Too Big
 * to ourselves, otherwise) and transport-mode ESP keeps on its packet.
 */
static enum l2sec_drop_reason l2sec_pmtu_check(struct sk_buff *skb,
					       const struct dst_entry *dst,
					       unsigned int ohlen, bool *frag)
{
	unsigned int pmtu = dst_mtu(dst);
	unsigned int mtu = pmtu > ohlen ? pmtu - ohlen : 0;

	*frag = false;
	if (skb->len <= mtu)
		return __L2SEC_DROP_MAX;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) || mtu < 576)
			goto frag;
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		return L2SEC_DROP_TOO_BIG;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (mtu >= IPV6_MIN_MTU) {
		skb_dst_update_pmtu_no_confirm(skb, mtu);
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
		return L2SEC_DROP_TOO_BIG;
	}
#endif
frag:
	*frag = true;
	return __L2SEC_DROP_MAX;
}

/*
 * No session has the destination: an address of a pool that the daemon routes
 * to l2sec0 whole, not handed out now.  Answered as a router answers for a
 * host it cannot reach (RFC 1812 5.2.7.1, RFC 4443 3.1), rate-limited by the
 * stack, then dropped: the packet never leaves l2sec0, so nothing routed
 * back to it can loop.  icmp(v6)_ndo_send sends no error about an ICMP error,
 * a multicast or broadcast, or a non-first fragment.
 */
static void l2sec_xmit_unreach(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
#endif
}

static enum l2sec_drop_reason l2sec_xmit4(struct sk_buff *skb, struct net_device *dev,
					  const struct l2sec_session *s,
					  struct l2sec_endpoint *ep, u16 proto)
{
	struct l2sec_tunnel *t = s->tunnel;
	struct sock *sk = t->lsock->sk;
	struct net *net = sock_net(sk);
	enum l2sec_drop_reason why;
	struct flowi4 fl4;
	struct rtable *rt;
	unsigned int headroom;
	bool frag;

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = ep->peer.a4;
	fl4.saddr = ep->has_local ? ep->local.a4 : inet_sk(sk)->inet_saddr;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_mark = ep->out_mark;
	fl4.flowi4_oif = READ_ONCE(sk->sk_bound_dev_if);
	fl4.fl4_sport = inet_sk(sk)->inet_sport;
	fl4.fl4_dport = ep->peer_port;
	rt = dst_cache_get_ip4(&ep->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_flow(net, &fl4, sk);
		if (IS_ERR(rt))
			return L2SEC_DROP_NO_ROUTE;
		if (t->require_ipsec && !rt->dst.xfrm) {
			ip_rt_put(rt);
			return L2SEC_DROP_NO_XFRM_ROUTE;
		}
		if (rt->dst.dev == dev) {
			ip_rt_put(rt);
			return L2SEC_DROP_LOOP;
		}
		/* only a route that passed the checks, which it need not again */
		dst_cache_set_ip4(&ep->dst_cache, &rt->dst, fl4.saddr);
	}
	why = l2sec_pmtu_check(skb, &rt->dst, sizeof(struct iphdr) + L2SEC_TX_HDR_LEN,
			       &frag);
	if (why != __L2SEC_DROP_MAX) {
		ip_rt_put(rt);
		return why;
	}
	headroom = LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
		   sizeof(struct iphdr) + L2SEC_TX_HDR_LEN;
	if (skb_cow_head(skb, headroom)) {
		ip_rt_put(rt);
		return L2SEC_DROP_NO_MEM;
	}
	skb_scrub_packet(skb, !net_eq(net, dev_net(dev)));
	/* frag needs nothing here: the outer header goes without DF (df 0) */
	l2sec_push_headers(skb, s, proto);
	skb->mark = fl4.flowi4_mark;
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, sk->sk_no_check_tx);
	return __L2SEC_DROP_MAX;
}

#if IS_ENABLED(CONFIG_IPV6)
static enum l2sec_drop_reason l2sec_xmit6(struct sk_buff *skb, struct net_device *dev,
					  const struct l2sec_session *s,
					  struct l2sec_endpoint *ep, u16 proto)
{
	struct l2sec_tunnel *t = s->tunnel;
	struct sock *sk = t->lsock->sk;
	struct net *net = sock_net(sk);
	enum l2sec_drop_reason why;
	struct dst_entry *dst;
	unsigned int headroom;
	struct flowi6 fl6;
	bool frag;

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = ep->peer.a6;
	fl6.saddr = ep->has_local ? ep->local.a6 : sk->sk_v6_rcv_saddr;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.flowi6_mark = ep->out_mark;
	fl6.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if);
	fl6.fl6_sport = inet_sk(sk)->inet_sport;
	fl6.fl6_dport = ep->peer_port;
	dst = dst_cache_get_ip6(&ep->dst_cache, &fl6.saddr);
	if (!dst) {
		dst = ip6_dst_lookup_flow(net, sk, &fl6, NULL);
		if (IS_ERR(dst))
			return L2SEC_DROP_NO_ROUTE;
		if (t->require_ipsec && !dst->xfrm) {
			dst_release(dst);
			return L2SEC_DROP_NO_XFRM_ROUTE;
		}
		if (dst->dev == dev) {
			dst_release(dst);
			return L2SEC_DROP_LOOP;
		}
		dst_cache_set_ip6(&ep->dst_cache, dst, &fl6.saddr);
	}
	why = l2sec_pmtu_check(skb, dst, sizeof(struct ipv6hdr) + L2SEC_TX_HDR_LEN,
			       &frag);
	if (why != __L2SEC_DROP_MAX) {
		dst_release(dst);
		return why;
	}
	headroom = LL_RESERVED_SPACE(dst->dev) + dst->header_len +
		   sizeof(struct ipv6hdr) + L2SEC_TX_HDR_LEN;
	if (skb_cow_head(skb, headroom)) {
		dst_release(dst);
		return L2SEC_DROP_NO_MEM;
	}
	skb_scrub_packet(skb, !net_eq(net, dev_net(dev)));
	/* after the scrub, which clears it: ip6_fragment may then split it */
	skb->ignore_df = frag;
	l2sec_push_headers(skb, s, proto);
	skb->mark = fl6.flowi6_mark;
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl6.fl6_sport, fl6.fl6_dport,
			     udp_get_no_check6_tx(sk));
	return __L2SEC_DROP_MAX;
}
#endif

#if IS_ENABLED(CONFIG_IPV6) && IS_ENABLED(CONFIG_XFRM)
/*
 * ICMPv6 Packet Too Big for the ESP a tunnel sends over IPv6.  esp6_err()
 * looks the SA up with the ICMP packet's mark, 0: an SA with charon's %unique
 * marks (every client's) is never found there, the route to the client never
 * learns the smaller MTU, and every packet larger than the path would be lost
 * (IPv6 routers do not fragment).  Ahead of esp6_err, find the SA by its SPI
 * and destination and lower the route's PMTU with the SA's mark; xmit then
 * sees it in dst_mtu() of the bundle (the dst_cache entry is invalidated).
 * Called in softirq with the quoted header pulled; the lookup takes and puts
 * a reference.  Never claims the error: esp6_err and others go on as ever.
 */
static int l2sec_esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt, u8 type,
			  u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *iph = (const struct ipv6hdr *)skb->data;
	const struct ip_esp_hdr *esph = (const struct ip_esp_hdr *)(skb->data + offset);
	struct net *net = dev_net(skb->dev);
	struct xfrm_state *x;

	if (type != ICMPV6_PKT_TOOBIG)
		return -1;
	x = xfrm_state_lookup_byspi(net, esph->spi, AF_INET6);
	if (!x)
		return -1;
	/* unmarked SAs are esp6_err's */
	if (x->id.proto == IPPROTO_ESP && x->mark.m &&
	    ipv6_addr_equal(&x->id.daddr.in6, &iph->daddr))
		ip6_update_pmtu(skb, net, info, 0, x->mark.v & x->mark.m,
				sock_net_uid(net, NULL));
	xfrm_state_put(x);
	return -1;
}

/* Receive and its callback are never ours: pass them on to esp6. */
static int l2sec_esp6_rcv(struct sk_buff *skb)
{
	return -EINVAL;
}

static int l2sec_esp6_input(struct sk_buff *skb, int nexthdr, __be32 spi, int encap_type)
{
	return -EINVAL;
}

static int l2sec_esp6_rcv_cb(struct sk_buff *skb, int err)
{
	return 1;
}

static struct xfrm6_protocol l2sec_esp6_protocol = {
	.handler = l2sec_esp6_rcv,
	.input_handler = l2sec_esp6_input,
	.cb_handler = l2sec_esp6_rcv_cb,
	.err_handler = l2sec_esp6_err,
	.priority = 50,		/* after vti6 (100), before esp6 (0) */
};

int l2sec_xmit_init(void)
{
	return xfrm6_protocol_register(&l2sec_esp6_protocol, IPPROTO_ESP);
}

void l2sec_xmit_exit(void)
{
	xfrm6_protocol_deregister(&l2sec_esp6_protocol, IPPROTO_ESP);
}
#else
int l2sec_xmit_init(void)
{
	return 0;
}

void l2sec_xmit_exit(void)
{
}
#endif

/*
 * A destination no session owns may be in a network routed behind a client
 * (RADIUS Framed-Route: l2secd's route "NET via CLIENT dev l2sec0 onlink"):
 * the route that brought the packet here names the client's address as its
 * gateway, and that address finds the session.  The route is the skb's own
 * (the device keeps it: netif_keep_dst), held by the skb; only a plain IPv4
 * route out of this device counts.  Reached only after the lookup by
 * destination failed: an ordinary client's packets never come here.
 */
static struct l2sec_session *l2sec_session_by_gw4(struct l2sec_net *ln,
						  const struct sk_buff *skb,
						  const struct net_device *dev)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct rtable *rt;

	if (!dst || dst->dev != dev || dst->ops->family != AF_INET || dst_xfrm(dst))
		return NULL;
	rt = container_of(dst, const struct rtable, dst);
	if (rt->rt_gw_family != AF_INET)
		return NULL;
	return l2sec_session_by_addr4(ln, rt->rt_gw4);
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * The same for IPv6 (RADIUS Framed-IPv6-Route: "PREFIX via CLIENT dev l2sec0
 * onlink"): a route with a gateway (RTF_GATEWAY; rt6i_gateway is otherwise
 * the destination itself), out of this device, plain (no xfrm bundle).  The
 * gateway finds the session as a destination would: its /128, or the /64
 * holding it (the session's address set, table.c).  Same rules as IPv4's.
 */
static struct l2sec_session *l2sec_session_by_gw6(struct l2sec_net *ln,
						  const struct sk_buff *skb,
						  const struct net_device *dev)
{
	const struct dst_entry *dst = skb_dst(skb);
	const struct rt6_info *rt;

	if (!dst || dst->dev != dev || dst->ops->family != AF_INET6 || dst_xfrm(dst))
		return NULL;
	rt = container_of(dst, const struct rt6_info, dst);
	if (!(rt->rt6i_flags & RTF_GATEWAY))
		return NULL;
	return l2sec_session_by_addr6(ln, &rt->rt6i_gateway);
}
#else
static struct l2sec_session *l2sec_session_by_gw6(struct l2sec_net *ln,
						  const struct sk_buff *skb,
						  const struct net_device *dev)
{
	return NULL;
}
#endif

/* The session owning the inner destination, or NULL; sets *@proto. */
static struct l2sec_session *l2sec_xmit_lookup(struct l2sec_net *ln,
					       struct net_device *dev,
					       struct sk_buff *skb, u16 *proto,
					       enum l2sec_drop_reason *why)
{
	struct l2sec_session *s = NULL;

	skb_reset_network_header(skb);
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		*proto = PPP_IP;
		if (!pskb_may_pull(skb, sizeof(struct iphdr)) || ip_hdr(skb)->version != 4) {
			*why = L2SEC_DROP_MALFORMED;
			return NULL;
		}
		s = l2sec_session_by_addr4(ln, ip_hdr(skb)->daddr);
		if (!s)
			s = l2sec_session_by_gw4(ln, skb, dev);
		break;
	case htons(ETH_P_IPV6):
		*proto = PPP_IPV6;
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6) {
			*why = L2SEC_DROP_MALFORMED;
			return NULL;
		}
		s = l2sec_session_by_addr6(ln, &ipv6_hdr(skb)->daddr);
		if (!s)
			s = l2sec_session_by_gw6(ln, skb, dev);
		break;
	default:
		*why = L2SEC_DROP_PROTO;
		return NULL;
	}
	if (!s)
		*why = L2SEC_DROP_NO_SESSION;
	return s;
}

netdev_tx_t l2sec_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct l2sec_dev *priv = netdev_priv(dev);
	struct l2sec_net *ln = priv->ln;
	struct l2sec_endpoint *ep;
	enum l2sec_drop_reason why;
	struct l2sec_session *s;
	struct l2sec_tunnel *t = NULL;
	unsigned int len = skb->len;
	u16 proto = 0;

	rcu_read_lock();
	s = l2sec_xmit_lookup(ln, dev, skb, &proto, &why);
	if (!s)
		goto drop;
	t = s->tunnel;
	if (READ_ONCE(s->state) != L2SEC_STATE_UP) {
		why = L2SEC_DROP_NOT_UP;
		goto drop;
	}
	ep = rcu_dereference(t->ep);
	why = L2SEC_DROP_PROTO;
	if (ep->family == AF_INET)
		why = l2sec_xmit4(skb, dev, s, ep, proto);
#if IS_ENABLED(CONFIG_IPV6)
	else
		why = l2sec_xmit6(skb, dev, s, ep, proto);
#endif
	if (why != __L2SEC_DROP_MAX)
		goto drop;
	l2sec_scount_pkt(s->stats, 1, len, false);
	l2sec_tunnel_count_pkt(t, 1, len, false);
	l2sec_count_pkt(ln->stats, 1, len, false);
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	if (why == L2SEC_DROP_NO_SESSION)
		l2sec_xmit_unreach(skb);
	if (s)
		l2sec_scount_drop(s->stats, 1, false);
	if (t)
		l2sec_tunnel_count_drop(t, why, 1, false);
	l2sec_count_drop(ln->stats, why, 1, false);
	net_dbg_ratelimited("tx drop (%s): tunnel %u session %u\n",
			    l2sec_drop_name(why), t ? t->id : 0, s ? s->id : 0);
	rcu_read_unlock();
	l2sec_kfree_skb(skb, why);
	return NETDEV_TX_OK;
}
