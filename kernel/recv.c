// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: encap_rcv of the daemon's UDP socket (softirq, under RCU).
 *
 * udp.c calls us with skb->data at the UDP header, the checksum verified,
 * and the socket's policy check done (the module's bypass policy lets all
 * through; see socket.c).  Returning > 0 hands the packet, unchanged, to the
 * socket as plain UDP (the daemon); returning 0 means we consumed it
 * (delivered on the l2sec device or dropped and counted).
 *
 * Order of checks, so that nothing unchecked reaches the daemon or the
 * device: socket require-IPsec -> L2TP header -> tunnel require-IPsec and
 * SA binding -> control messages and unknown sessions to the daemon ->
 * PPP -> a Router Solicitation with the session's source to the daemon ->
 * IPv4/IPv6 of an up session with its own source (or one of a network
 * routed through its address) -> device.
 * Every header read is preceded by pskb_may_pull of exactly that much; one
 * pull up front (l2sec_pull_headers) makes those of a usual packet free.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/if_ether.h>
#include <linux/ppp_defs.h>
#include <net/xfrm.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/ipv6_stubs.h>

#include "internal.h"

/* L2TPv2 header flags (RFC 2661 3.1) */
#define L2TP_F_TYPE	0x8000	/* T: control message */
#define L2TP_F_LENGTH	0x4000	/* L: length field present */
#define L2TP_F_SEQ	0x0800	/* S: Ns and Nr present */
#define L2TP_F_OFFSET	0x0200	/* O: offset size present */
#define L2TP_VER_MASK	0x000f
#define L2TP_VERSION	2

struct l2sec_rx {
	bool control;
	u16 tid;
	u16 sid;
	unsigned int off;	/* from the UDP header to the PPP frame */
};

static const char *const l2sec_drop_names[__L2SEC_DROP_MAX] = {
	[L2SEC_DROP_MALFORMED] = "malformed",
	[L2SEC_DROP_NO_IPSEC] = "no-ipsec",
	[L2SEC_DROP_WRONG_SA] = "wrong-sa",
	[L2SEC_DROP_NOT_UP] = "session-not-up",
	[L2SEC_DROP_SPOOF] = "spoofed-source",
	[L2SEC_DROP_NO_DEVICE] = "no-device",
	[L2SEC_DROP_NO_SESSION] = "no-session",
	[L2SEC_DROP_NO_ROUTE] = "no-route",
	[L2SEC_DROP_NO_XFRM_ROUTE] = "no-xfrm-route",
	[L2SEC_DROP_NO_MEM] = "no-memory",
	[L2SEC_DROP_PROTO] = "protocol",
	[L2SEC_DROP_LOOP] = "loop",
	[L2SEC_DROP_SA_NO_MARK] = "sa-no-mark",
	[L2SEC_DROP_TOO_BIG] = "too-big",
};

/*
 * The most the receive path reads of a data packet without an L2TP offset
 * pad: the UDP header, the L2TPv2 header with every optional field, the PPP
 * address, control and protocol fields, an IPv6 header and the ICMPv6 type
 * of a Router Solicitation (an IPv4 header is shorter).
 */
#define L2SEC_RX_PULL	(sizeof(struct udphdr) + 14 + 4 + sizeof(struct ipv6hdr) + 1)

/*
 * Pulls into the head, in one go, the headers the checks below read, where
 * they are not there yet: a NIC that splits after the outer UDP header, and
 * every packet ESP decrypted (its plaintext is in the page it came in), would
 * otherwise have each pskb_may_pull below copy its few bytes in a call of its
 * own (seven for an IPv4 packet in an uncompressed PPP frame).  It checks
 * nothing: the pulls of exactly what is read stay where they are, and a
 * packet shorter than this is pulled whole.  Not for a packet GRO merged,
 * whose head is its first segment's headers only, as GSO expects.
 */
static void l2sec_pull_headers(struct sk_buff *skb)
{
	if (skb_headlen(skb) < L2SEC_RX_PULL && !skb_is_gso(skb))
		pskb_may_pull(skb, min_t(unsigned int, skb->len, L2SEC_RX_PULL));
}

/*
 * Parses the L2TPv2 header.  Everything is validated against the UDP
 * payload length; the caller may then pull up to h->off.
 */
static int l2sec_parse_l2tp(struct sk_buff *skb, struct l2sec_rx *h)
{
	const unsigned int uh = sizeof(struct udphdr);
	unsigned int plen, need, hlen, osz = 0;
	const u8 *p;
	u16 flags;

	l2sec_pull_headers(skb);
	if (!pskb_may_pull(skb, uh + 2))
		return -EINVAL;
	plen = skb->len - uh;
	flags = get_unaligned_be16(skb->data + uh);
	if ((flags & L2TP_VER_MASK) != L2TP_VERSION)
		return -EINVAL;
	need = 2 + 4;
	if (flags & L2TP_F_LENGTH)
		need += 2;
	if (flags & L2TP_F_SEQ)
		need += 4;
	if (flags & L2TP_F_OFFSET)
		need += 2;
	if (need > plen || !pskb_may_pull(skb, uh + need))
		return -EINVAL;
	p = skb->data + uh + 2;
	if (flags & L2TP_F_LENGTH) {
		/* Length covers the whole message; UDP trimmed the skb to its
		 * own length already, so anything else is a lie. */
		if (get_unaligned_be16(p) != plen)
			return -EINVAL;
		p += 2;
	}
	h->tid = get_unaligned_be16(p);
	h->sid = get_unaligned_be16(p + 2);
	p += 4;
	if (flags & L2TP_F_SEQ)
		p += 4;	/* Ns, Nr: no reordering on the data path */
	if (flags & L2TP_F_OFFSET)
		osz = get_unaligned_be16(p);
	hlen = need + osz;
	if (hlen > plen)
		return -EINVAL;
	h->control = flags & L2TP_F_TYPE;
	h->off = uh + hlen;
	return 0;
}

/*
 * Fills @sa and returns true if the packet came through ESP transport mode.
 * Everything is the xfrm_state's own: the mark is the value its set-mark
 * puts on what it decrypts, not skb->mark, which netfilter may have
 * rewritten since (and which an SA without a set-mark leaves as it was).
 */
static bool l2sec_esp_transport(struct sk_buff *skb, struct l2sec_sa_info *sa)
{
	struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;

	if (!sp || !sp->len)
		return false;
	x = xfrm_input_state(skb);
	if (x->id.proto != IPPROTO_ESP || x->props.mode != XFRM_MODE_TRANSPORT)
		return false;
	/* what xfrm_smark_get() sets; 6.1 and 6.12 both keep it in props */
	sa->mark = x->props.smark.v & x->props.smark.m;
	sa->spi = ntohl(x->id.spi);
	sa->reqid = x->props.reqid;
	sa->encap_sport = x->encap ? ntohs(x->encap->encap_sport) : 0;
	sa->encap_dport = x->encap ? ntohs(x->encap->encap_dport) : 0;
	sa->family = x->props.family;
	memset(&sa->peer, 0, sizeof(sa->peer));
	if (sa->family == AF_INET)
		sa->peer.a4 = x->props.saddr.a4;
	else
		memcpy(&sa->peer.a6, &x->props.saddr.in6, sizeof(sa->peer.a6));
	return true;
}

/* Does the SA agree with every field of the binding that is known? */
static bool l2sec_bind_match(const struct l2sec_binding *b, const struct l2sec_sa_info *sa)
{
	if ((b->known & L2SEC_BIND_MARK) && b->mark != sa->mark)
		return false;
	if ((b->known & L2SEC_BIND_REQID) && b->reqid != sa->reqid)
		return false;
	if (b->known & L2SEC_BIND_PEER) {
		if (b->family != sa->family)
			return false;
		if (b->family == AF_INET ? b->peer.a4 != sa->peer.a4 :
		    !ipv6_addr_equal(&b->peer.a6, &sa->peer.a6))
			return false;
	}
	return true;
}

/* The fast path's copy of the binding, consistent (bind_seq, internal.h). */
static void l2sec_bind_read(const struct l2sec_tunnel *t, struct l2sec_binding *b)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&t->bind_seq);
		*b = t->bind;
	} while (read_seqcount_retry(&t->bind_seq, seq));
}

/*
 * Is the packet's SA the tunnel's?  The first packet through an SA that
 * agrees with what is known of the binding completes it (an unbound tunnel:
 * wholly), and the daemon is told (TUNNEL_NTF_BOUND).  The SA's details (for
 * `l2sec tunnel show`) follow the SA that carries the tunnel: a rekey's new
 * SPI, a NAT's new port.  Returns __L2SEC_DROP_MAX if it may pass.
 */
static enum l2sec_drop_reason l2sec_sa_check(struct l2sec_net *ln, struct l2sec_tunnel *t,
					     const struct l2sec_sa_info *sa)
{
	u32 ports = (u32)sa->encap_sport << 16 | sa->encap_dport;
	struct l2sec_binding b;
	bool ok, newly = false;

	if (!sa->mark)
		return L2SEC_DROP_SA_NO_MARK;
	l2sec_bind_read(t, &b);
	if (!l2sec_bind_match(&b, sa))
		return L2SEC_DROP_WRONG_SA;
	if (likely(b.known == L2SEC_BIND_ALL && READ_ONCE(t->sa_seen) &&
		   READ_ONCE(t->sa_spi) == sa->spi && READ_ONCE(t->sa_ports) == ports))
		return __L2SEC_DROP_MAX;

	spin_lock(&t->sa_lock);
	ok = l2sec_bind_match(&t->bind, sa);	/* rebound since? */
	if (ok && t->bind.known != L2SEC_BIND_ALL) {
		write_seqcount_begin(&t->bind_seq);
		t->bind.mark = sa->mark;
		t->bind.reqid = sa->reqid;
		t->bind.family = sa->family;
		t->bind.peer = sa->peer;
		t->bind.known = L2SEC_BIND_ALL;
		write_seqcount_end(&t->bind_seq);
		newly = true;
	}
	if (ok) {
		t->sa = *sa;
		WRITE_ONCE(t->sa_spi, sa->spi);
		WRITE_ONCE(t->sa_ports, ports);
		WRITE_ONCE(t->sa_seen, true);
	}
	spin_unlock(&t->sa_lock);
	if (newly)
		l2sec_notify_tunnel(ln, t, L2SEC_CMD_TUNNEL_NTF_BOUND, GFP_ATOMIC);
	return ok ? __L2SEC_DROP_MAX : L2SEC_DROP_WRONG_SA;
}

/* Pulls the PPP header at h->off; returns the protocol and advances off. */
static int l2sec_parse_ppp(struct sk_buff *skb, unsigned int *off, u16 *proto)
{
	unsigned int o = *off;
	const u8 *p;

	if (!pskb_may_pull(skb, o + 1))
		return -EINVAL;
	if (skb->data[o] == PPP_ALLSTATIONS) {
		if (!pskb_may_pull(skb, o + 2) || skb->data[o + 1] != PPP_UI)
			return -EINVAL;
		o += 2;
		if (!pskb_may_pull(skb, o + 1))
			return -EINVAL;
	}
	p = skb->data + o;
	if (p[0] & 1) {	/* protocol field compressed (RFC 1661 6.5) */
		*proto = p[0];
		o += 1;
	} else {
		if (!pskb_may_pull(skb, o + 2))
			return -EINVAL;
		p = skb->data + o;
		*proto = (p[0] << 8) | p[1];
		if (!(*proto & 1))
			return -EINVAL;	/* low byte of a protocol is odd */
		o += 2;
	}
	*off = o;
	return 0;
}

/*
 * Is @src the session's own link-local address?  With the interface
 * identifier IPv6CP gave the client (A_IPV6_IFID), only fe80::IFID; a session
 * without one accepts any link-local source (a daemon that does not pass it).
 */
static bool l2sec_linklocal_ok(const struct l2sec_addrs *a, const struct in6_addr *src)
{
	if (!a || !a->has_ifid)
		return true;
	return src->s6_addr32[0] == htonl(0xfe800000) && !src->s6_addr32[1] &&
	       !memcmp(&src->s6_addr[8], a->ifid, sizeof(a->ifid));
}

/*
 * Is @src in a network routed behind the client whose address is @own
 * (RADIUS Framed-Route: l2secd's route "NET via OWN dev l2sec0 onlink")?  As
 * rp_filter's strict mode: the FIB of the device's namespace, looked up for
 * @src, must send it out of l2sec0 through @own.  Only for a source that is
 * not the session's own address, so an ordinary client's packets never come
 * here.  Under the receive path's RCU read side: FIB_LOOKUP_NOREF takes no
 * reference, and the result is read before rcu_read_unlock.
 */
static bool l2sec_routed_src4(struct l2sec_net *ln, __be32 src, __be32 own)
{
	struct net_device *dev = rcu_dereference(ln->dev);
	struct fib_nh_common *nhc;
	struct fib_result res;
	struct flowi4 fl4 = {
		.daddr = src,
		.flowi4_iif = LOOPBACK_IFINDEX,
	};

	if (!dev || ipv4_is_zeronet(src) || ipv4_is_multicast(src) || ipv4_is_lbcast(src))
		return false;
	if (fib_lookup(ln->net, &fl4, &res, FIB_LOOKUP_NOREF) || res.type != RTN_UNICAST)
		return false;
	nhc = FIB_RES_NHC(res);
	return nhc->nhc_dev == dev && nhc->nhc_gw_family == AF_INET &&
	       nhc->nhc_gw.ipv4 == own;
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * The same for IPv6 (RADIUS Framed-IPv6-Route: "PREFIX via GW dev l2sec0
 * onlink", GW the client's address): the FIB of the device's namespace,
 * looked up for @src as an output route is (fib6 rules, then the tables),
 * must send it out of l2sec0 through a gateway that session @s owns, as the
 * transmit path finds the session of a routed destination.  Only for a
 * source no session owns.  ipv6_stub's fib6_lookup, as bpf_fib_lookup's:
 * under the receive path's RCU read side it takes no reference and
 * allocates nothing (ip6_route_lookup would make an rt6_info a packet); the
 * result (fib6_info, fib6_nh) is read before rcu_read_unlock.  Without IPv6
 * in the kernel the stub answers -EAFNOSUPPORT: nothing is routed.
 */
static bool l2sec_routed_src6(struct l2sec_net *ln, const struct in6_addr *src,
			      const struct l2sec_session *s)
{
	struct net_device *dev = rcu_dereference(ln->dev);
	struct net *net = ln->net;
	struct fib6_result res = {};
	const struct fib6_nh *nh;
	struct flowi6 fl6 = {
		.daddr = *src,
		.flowi6_iif = LOOPBACK_IFINDEX,
	};

	if (!dev || ipv6_stub->fib6_lookup(net, 0, &fl6, &res, 0))
		return false;
	if (IS_ERR_OR_NULL(res.f6i) || res.f6i == net->ipv6.fib6_null_entry ||
	    res.fib6_type != RTN_UNICAST)
		return false;
	nh = res.nh;
	return nh && nh->fib_nh_dev == dev && nh->fib_nh_gw_family == AF_INET6 &&
	       l2sec_session_by_addr6(ln, &nh->fib_nh_gw6) == s;
}
#else
static bool l2sec_routed_src6(struct l2sec_net *ln, const struct in6_addr *src,
			      const struct l2sec_session *s)
{
	return false;
}
#endif

/*
 * Checks the inner IP header at @off against the session's addresses.  An
 * IPv6 source must be in one of the session's prefixes, and no other session
 * may hold a longer one holding it: session addresses may nest (a /128 inside
 * another session's /64), and the source check is the transmit lookup's
 * longest match, so neither session can send as the other.  A source no
 * session holds may be of a prefix routed through the session's address
 * (l2sec_routed_src6); one another session holds never is.
 */
static enum l2sec_drop_reason l2sec_check_inner(struct l2sec_net *ln, struct sk_buff *skb,
						unsigned int off, u16 proto,
						const struct l2sec_session *s)
{
	const struct l2sec_addrs *a = rcu_dereference(s->addrs);

	if (proto == PPP_IP) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, off + sizeof(*iph)))
			return L2SEC_DROP_MALFORMED;
		iph = (const struct iphdr *)(skb->data + off);
		if (iph->version != 4 || iph->ihl < 5)
			return L2SEC_DROP_MALFORMED;
		if (!a || !a->has4)
			return L2SEC_DROP_SPOOF;
		if (iph->saddr != a->a4.addr.a4 &&
		    !l2sec_routed_src4(ln, iph->saddr, a->a4.addr.a4))
			return L2SEC_DROP_SPOOF;
	} else {
		const struct ipv6hdr *ip6h;
		int type;

		if (!pskb_may_pull(skb, off + sizeof(*ip6h)))
			return L2SEC_DROP_MALFORMED;
		ip6h = (const struct ipv6hdr *)(skb->data + off);
		if (ip6h->version != 6)
			return L2SEC_DROP_MALFORMED;
		/*
		 * Link-local sources: IPv6CP negotiates only the interface
		 * identifier, and router solicitations come from fe80::/64
		 * before a prefix is known.
		 */
		type = ipv6_addr_type(&ip6h->saddr);
		if (type & IPV6_ADDR_LINKLOCAL) {
			if (!l2sec_linklocal_ok(a, &ip6h->saddr))
				return L2SEC_DROP_SPOOF;
		} else {
			const struct l2sec_session *owner;

			if (!type || (type & IPV6_ADDR_MULTICAST) || !a)
				return L2SEC_DROP_SPOOF;
			owner = l2sec_session_by_addr6(ln, &ip6h->saddr);
			if (owner != s &&
			    (owner || !l2sec_routed_src6(ln, &ip6h->saddr, s)))
				return L2SEC_DROP_SPOOF;
		}
	}
	return __L2SEC_DROP_MAX;	/* no drop */
}

/*
 * Is the IPv6 packet at @off, its source already checked, a Router
 * Solicitation (ICMPv6 type 133 right after the fixed header)?  The daemon
 * answers those with the session's RA (the stack on l2sec0 is no router), so
 * they go to it as the session's PPP control frames do: a client that lost
 * the RAs sent as IPv6CP opened asks again and is answered.  The daemon
 * checks the rest (hop limit, checksum, options) and paces its answers.
 */
static bool l2sec_is_rs(struct sk_buff *skb, unsigned int off)
{
	const struct ipv6hdr *ip6h;

	if (!pskb_may_pull(skb, off + sizeof(*ip6h) + 1))
		return false;
	ip6h = (const struct ipv6hdr *)(skb->data + off);
	return ip6h->nexthdr == IPPROTO_ICMPV6 &&
	       skb->data[off + sizeof(*ip6h)] == NDISC_ROUTER_SOLICITATION;
}

/*
 * Nesting of l2sec_rx_now on this CPU, read and written only with bottom
 * halves off (softirq, or a caller that disabled them, as tun does), so
 * nothing else on this CPU runs between the increment and the decrement.
 */
static DEFINE_PER_CPU(u8, l2sec_rx_nest);

/*
 * Hands an inner packet that GRO cannot merge to the stack.  At once, as the
 * NIC's own packets go (netif_receive_skb: RPS, taps, tc and netfilter of
 * l2sec0 as ever), instead of by netif_rx, whose backlog queue, softirq
 * round and dequeue cost every packet as much as the module's own checks.
 * Only one level deep: an inner packet that is L2TP to us again (a tunnel in
 * the tunnel, which a client can send) nests the receive path in itself, so
 * from the second level on the backlog breaks the recursion, as before; and
 * only with bottom halves off (an async crypto completion in process context
 * goes by netif_rx, which handles that).
 */
static void l2sec_rx_now(struct sk_buff *skb)
{
	if (unlikely(!in_softirq() || __this_cpu_read(l2sec_rx_nest))) {
		netif_rx(skb);
		return;
	}
	__this_cpu_inc(l2sec_rx_nest);
	netif_receive_skb(skb);
	__this_cpu_dec(l2sec_rx_nest);
}

static void l2sec_deliver(struct net_device *dev, struct sk_buff *skb,
			  unsigned int off, u16 proto, bool ipsec)
{
	struct l2sec_dev *priv = netdev_priv(dev);

	/*
	 * Checksums.  A packet GRO merged through the tunnel (gro.c) is the
	 * inner packet's GSO from here on, CHECKSUM_PARTIAL at the inner TCP/UDP
	 * header; the tunnel's GSO bits go with its headers (the caller made
	 * the shared info ours).  A CHECKSUM_COMPLETE sum (the NIC's, or the one
	 * udp.c made verifying the outer checksum) covers the inner packet too,
	 * less the headers pulled here: GRO and the stack then verify the inner
	 * checksums without reading the payload again.  Not after ESP: NAT-T
	 * transport mode waives the UDP checksum (which the NAT may have made
	 * wrong), and udp.c turns a waived checksum of a tunnel socket into a
	 * COMPLETE sum it never verified.  Anything else (UNNECESSARY, a
	 * sender's PARTIAL across a veth) spoke of the outer UDP checksum only:
	 * the inner packet's own checksums are still to be verified.
	 */
	if (skb_is_gso(skb))
		skb_shinfo(skb)->gso_type &= ~(SKB_GSO_UDP_TUNNEL | SKB_GSO_UDP_TUNNEL_CSUM);
	else if (skb->ip_summed == CHECKSUM_COMPLETE && !ipsec)
		skb_postpull_rcsum(skb, skb->data, off);
	else
		skb->ip_summed = CHECKSUM_NONE;
	__skb_pull(skb, off);
	skb->csum_valid = 0;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	/* clears dst, conntrack, sec_path and the SA's mark */
	skb_scrub_packet(skb, true);
	skb->protocol = proto == PPP_IP ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb->encapsulation = 0;
	/*
	 * GRO (gro_cells) where it can merge: TCP not merged yet.  A merged
	 * packet is done, and anything else would pay a GRO pass (with a UDP
	 * socket lookup, as an encapsulation socket exists) for nothing.
	 */
	if (!skb_is_gso(skb) &&
	    (proto == PPP_IP ? ip_hdr(skb)->protocol : ipv6_hdr(skb)->nexthdr) == IPPROTO_TCP)
		gro_cells_receive(&priv->gro_cells, skb);
	else
		l2sec_rx_now(skb);
}

int l2sec_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct l2sec_session *s = NULL;
	struct l2sec_tunnel *t = NULL;
	enum l2sec_drop_reason why;
	struct l2sec_sa_info sa;
	struct net_device *dev;
	struct l2sec_sock *ls;
	struct l2sec_net *ln;
	struct l2sec_rx h;
	unsigned int len, segs;
	bool ipsec;
	u16 proto;

	ls = rcu_dereference_sk_user_data(sk);
	if (!ls)
		return 1;
	ln = ls->ln;
	if (unlikely(READ_ONCE(ls->detached))) {
		/* handed back (socket.c): plain UDP for its owner */
		if (!skb_is_gso(skb))
			return 1;
		why = L2SEC_DROP_NO_SESSION;	/* merged before the detach */
		goto drop;
	}

	ipsec = l2sec_esp_transport(skb, &sa);
	if (ls->require_ipsec && !ipsec) {
		why = L2SEC_DROP_NO_IPSEC;
		goto drop;
	}
	if (l2sec_parse_l2tp(skb, &h)) {
		why = L2SEC_DROP_MALFORMED;
		goto drop;
	}
	t = h.tid ? l2sec_tunnel_rx_lookup(ln, h.tid, ipsec ? sa.mark : 0, skb) : NULL;
	if (!t && h.tid && ipsec && !sa.mark)
		t = l2sec_tunnel_rx_unmarked(ln, h.tid);	/* dropped below: SA_NO_MARK */
	if (!t || t->lsock != ls) {
		t = NULL;	/* SCCRQ (tunnel 0) or not ours: the daemon decides */
		goto to_daemon;
	}
	if (t->require_ipsec) {
		if (!ipsec) {
			why = L2SEC_DROP_NO_IPSEC;
			goto drop;
		}
		why = l2sec_sa_check(ln, t, &sa);
		if (why != __L2SEC_DROP_MAX)
			goto drop;
	}
	if (h.control)
		goto to_daemon;
	s = l2sec_session_rx_lookup(ln, t, h.sid);
	if (!s)
		goto to_daemon;
	if (l2sec_parse_ppp(skb, &h.off, &proto)) {
		why = L2SEC_DROP_MALFORMED;
		goto drop;
	}
	if (proto != PPP_IP && proto != PPP_IPV6) {
		s = NULL;	/* LCP, IPCP, auth, CCP...: the daemon's */
		goto to_daemon;
	}
	if (proto == PPP_IPV6 && unlikely(l2sec_is_rs(skb, h.off))) {
		/*
		 * A Router Solicitation is the daemon's, in any state: a
		 * client solicits as its IPv6CP opens, which may be on its
		 * own Configure-Ack, before the daemon has read that Ack and
		 * set the session up; the socket keeps the two in order.
		 */
		why = l2sec_check_inner(ln, skb, h.off, proto, s);
		if (why != __L2SEC_DROP_MAX)
			goto drop;
		s = NULL;
		goto to_daemon;
	}
	if (READ_ONCE(s->state) != L2SEC_STATE_UP) {
		why = L2SEC_DROP_NOT_UP;
		goto drop;
	}
	why = l2sec_check_inner(ln, skb, h.off, proto, s);
	if (why != __L2SEC_DROP_MAX)
		goto drop;
	dev = rcu_dereference(ln->dev);
	if (!dev || !(dev->flags & IFF_UP)) {
		why = L2SEC_DROP_NO_DEVICE;
		goto drop;
	}
	if (skb_is_gso(skb) && skb_header_unclone(skb, GFP_ATOMIC)) {
		why = L2SEC_DROP_NO_MEM;
		goto drop;
	}
	len = skb->len - h.off;
	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	l2sec_scount_pkt(s->stats, segs, len, true);
	l2sec_tunnel_count_pkt(t, segs, len, true);
	l2sec_count_pkt(ln->stats, segs, len, true);
	l2sec_deliver(dev, skb, h.off, proto, ipsec);
	return 0;

to_daemon:
	if (unlikely(skb_is_gso(skb))) {
		/* merged by GRO for a session that has gone since: not a message */
		why = L2SEC_DROP_NO_SESSION;
		goto drop;
	}
	if (t)
		l2sec_tunnel_count_to_daemon(t);
	l2sec_count_to_daemon(ln->stats);
	return 1;

drop:
	/* a packet GRO merged: each segment the client sent is dropped */
	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	if (s)
		l2sec_scount_drop(s->stats, segs, true);
	if (t)
		l2sec_tunnel_count_drop(t, why, segs, true);
	l2sec_count_drop(ln->stats, why, segs, true);
	net_dbg_ratelimited("rx drop (%s): tunnel %u session %u\n",
			    l2sec_drop_names[why], t ? t->id : 0, s ? s->id : 0);
	l2sec_kfree_skb(skb, why);
	return 0;
}

const char *l2sec_drop_name(enum l2sec_drop_reason r)
{
	return r < __L2SEC_DROP_MAX ? l2sec_drop_names[r] : "?";
}
