// SPDX-License-Identifier: GPL-2.0
/*
 * GRO through the tunnel: the UDP socket's gro_receive/gro_complete.
 *
 * A NIC's NAPI poll hands GRO a burst of L2TP/UDP packets.  udp.c finds our
 * socket and calls l2sec_gro_receive with the L2TP header at the GRO offset;
 * we pull the L2TP and PPP headers and hand the inner IPv4/IPv6 packet to its
 * own GRO handler, so that consecutive segments of one inner TCP flow in one
 * session become one packet: ip_rcv, udp_rcv, l2sec_encap_rcv and the
 * forwarding that follows run once for all of them (as VXLAN and Geneve do).
 * Mainline L2TP has no GRO at all.
 *
 * Only inner TCP (UDP where the device says so: l2sec_gro_mergeable), and
 * only what encap_rcv delivers on the device, is merged: data messages with
 * none of T, L, S, O (the common data header; the length and sequence fields
 * would differ from packet to packet) carrying PPP IPv4 or IPv6.  Packets are
 * merged only with packets of identical L2TP and PPP headers (same tunnel and
 * session) that came through the same SAs with the same mark: encap_rcv
 * checks the merged packet once, against the first packet's SA, so it must be
 * every packet's SA (no client may ride another's SA into its tunnel by
 * landing in the same GRO batch).  Session state, inner source address and
 * the rest are checked by encap_rcv on the merged packet: GRO merges only
 * packets with the same inner addresses.  A merged packet that encap_rcv
 * would hand to the daemon (unknown tunnel or session) is dropped there
 * instead.
 *
 * Runs in softirq under rcu_read_lock, as all of GRO.  The hooks stay on the
 * socket until it is freed (socket.c): gro_receive merges nothing once the
 * socket is detached; gro_complete reads nothing of ours, and completes what
 * gro_receive merged before.
 */
#include <linux/skbuff.h>
#include <linux/ppp_defs.h>
#include <linux/if_ether.h>
#include <net/gro.h>
#include <net/xfrm.h>

#include "internal.h"

/* Flags and version of the one data header GRO takes: none of T, L, S, O. */
#define L2SEC_GRO_FLAGS_MASK	0xca0f	/* T, L, S, O and the version */
#define L2SEC_GRO_FLAGS		0x0002
/*
 * L2TP flags, tunnel, session (6); PPP address, control (2); protocol (2);
 * then as far as the inner header's protocol (IPv4: 10, IPv6: 7 bytes).
 */
#define L2SEC_GRO_HLEN_MAX	10
#define L2SEC_GRO_PEEK		(L2SEC_GRO_HLEN_MAX + 10)
/*
 * And what the inner GRO handlers read next, an IPv6 and a TCP header, pulled
 * at once where the packet is that long: a NIC driver puts in the skb's head
 * only the headers the flow dissector knows (to the outer UDP header), and
 * each GRO layer pulling its own header from the page is a call more.
 */
#define L2SEC_GRO_PULL		(L2SEC_GRO_HLEN_MAX + 40 + 20)

/* Length of the L2TP+PPP headers at @h, and the inner type; 0 if not ours. */
static unsigned int l2sec_gro_hlen(const u8 *h, __be16 *type)
{
	unsigned int o = 6;
	u16 proto;

	if ((get_unaligned_be16(h) & L2SEC_GRO_FLAGS_MASK) != L2SEC_GRO_FLAGS)
		return 0;
	if (h[o] == PPP_ALLSTATIONS) {
		if (h[o + 1] != PPP_UI)
			return 0;
		o += 2;
	}
	if (h[o] & 1) {	/* protocol field compressed */
		proto = h[o];
		o += 1;
	} else {
		proto = h[o] << 8 | h[o + 1];
		o += 2;
	}
	if (proto == PPP_IP)
		*type = htons(ETH_P_IP);
	else if (proto == PPP_IPV6)
		*type = htons(ETH_P_IPV6);
	else
		return 0;
	return o;
}

/* Did @a and @b come through the same SAs, with the same mark? */
static bool l2sec_gro_same_sa(const struct sk_buff *a, const struct sk_buff *b)
{
	const struct sec_path *sa = skb_sec_path(a), *sb = skb_sec_path(b);
	int i, n = sa ? sa->len : 0;

	if (a->mark != b->mark || n != (sb ? sb->len : 0))
		return false;
	for (i = 0; i < n; i++)
		if (sa->xvec[i] != sb->xvec[i])
			return false;
	return true;
}

/*
 * Does the inner packet go through GRO?  TCP, unless the device has
 * rx-gro-list on where TCP has frag_list GRO too (compat.h).  UDP only where
 * the receiving device has GRO for forwarded UDP on (rx-udp-gro-forwarding,
 * off by default), as for UDP without a tunnel: then udp_gro_receive merges
 * datagrams of equal length into one SKB_GSO_UDP_L4 packet, cut up again on
 * the way out.  Never frag_list GRO (rx-gro-list, which forwarded packets
 * get): the list's members keep offsets that encap_rcv's decapsulation of
 * the head does not update, and that has not been made to work.  Anything
 * else would pay for a GRO pass, with a second UDP socket lookup, to come out
 * as it went in.
 */
static bool l2sec_gro_mergeable(const struct net_device *dev, u8 proto)
{
	bool fraglist = dev->features & NETIF_F_GRO_FRAGLIST;

	if (proto == IPPROTO_TCP)
		return !(fraglist && L2SEC_COMPAT_TCP_FRAGLIST_GRO);
	return proto == IPPROTO_UDP && !fraglist && (dev->features & NETIF_F_GRO_UDP_FWD);
}

struct sk_buff *l2sec_gro_receive(struct sock *sk, struct list_head *head,
				  struct sk_buff *skb)
{
	const struct packet_offload *ptype;
	unsigned int off, hlen;
	struct sk_buff *pp = NULL, *p;
	int flush = 1;
	__be16 type;
	const u8 *h;
	const struct l2sec_sock *ls;
	u16 nh;

	ls = rcu_dereference_sk_user_data(sk);
	if (!ls || READ_ONCE(ls->detached))
		goto out;
	off = skb_gro_offset(skb);
	h = skb_gro_header(skb, off + L2SEC_GRO_PULL, off);
	if (!h)		/* a short packet */
		h = skb_gro_header(skb, off + L2SEC_GRO_PEEK, off);
	if (!h)
		goto out;
	hlen = l2sec_gro_hlen(h, &type);
	if (!hlen)
		goto out;
	if (!l2sec_gro_mergeable(skb->dev,
				 type == htons(ETH_P_IP) ? h[hlen + 9] : h[hlen + 6]))
		goto out;
	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		if (memcmp(p->data + off, h, hlen) || !l2sec_gro_same_sa(p, skb))
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	ptype = gro_find_receive_by_type(type);
	if (!ptype)
		goto out;
	skb_gro_pull(skb, hlen);
	skb_gro_postpull_rcsum(skb, h, hlen);
	nh = skb->network_header;
	pp = call_gro_receive(ptype->callbacks.gro_receive, head, skb);
	l2sec_gro_set_nh(skb, nh);	/* the outer header again (compat.h) */
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/* Called for a merged packet only, with the L2TP header at @nhoff. */
int l2sec_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	const struct packet_offload *ptype;
	unsigned int hlen;
	__be16 type;

	hlen = l2sec_gro_hlen(skb->data + nhoff, &type);
	ptype = hlen ? gro_find_complete_by_type(type) : NULL;
	if (!ptype)
		return -ENOENT;
	/* inner_mac_header: where encap_rcv's pulling ends, as for VXLAN */
	skb_set_inner_mac_header(skb, nhoff + hlen);
	l2sec_gro_inner_nh(skb, nhoff + hlen);	/* compat.h */
	return ptype->callbacks.gro_complete(skb, nhoff + hlen);
}
