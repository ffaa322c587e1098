// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cpu counters of the namespace, tunnels and sessions.  Updates run with
 * BH disabled (softirq receive, ndo_start_xmit), so this_cpu_ptr is stable
 * and one writer per cpu holds; readers fold all cpus under the seqcount.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "internal.h"

void l2sec_count_drop(struct l2sec_pcpu_stats __percpu *st,
		      enum l2sec_drop_reason r, unsigned int pkts, bool rx)
{
	struct l2sec_pcpu_stats *s = this_cpu_ptr(st);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->drops[r], pkts);
	u64_stats_add(rx ? &s->rx_drops : &s->tx_drops, pkts);
	u64_stats_update_end(&s->syncp);
}

void l2sec_count_pkt(struct l2sec_pcpu_stats __percpu *st, unsigned int pkts,
		     unsigned int len, bool rx)
{
	struct l2sec_pcpu_stats *s = this_cpu_ptr(st);

	u64_stats_update_begin(&s->syncp);
	if (rx) {
		u64_stats_add(&s->rx_packets, pkts);
		u64_stats_add(&s->rx_bytes, len);
	} else {
		u64_stats_add(&s->tx_packets, pkts);
		u64_stats_add(&s->tx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

/*
 * @t's drops by reason, allocated at its first drop (l2sec_tunnel.drops);
 * NULL if that allocation fails, tried again at the next drop.
 */
static atomic64_t *l2sec_tunnel_drops(struct l2sec_tunnel *t)
{
	atomic64_t *d = READ_ONCE(t->drops), *old;

	if (likely(d))
		return d;
	d = kcalloc(__L2SEC_DROP_MAX, sizeof(*d), GFP_ATOMIC | __GFP_NOWARN);
	if (!d)
		return NULL;
	/* full barrier: the zeroed array is seen before the pointer */
	old = cmpxchg(&t->drops, NULL, d);
	if (old) {
		kfree(d);
		return old;
	}
	return d;
}

void l2sec_tunnel_count_drop(struct l2sec_tunnel *t, enum l2sec_drop_reason r,
			     unsigned int pkts, bool rx)
{
	struct l2sec_pcpu_tstats *s = this_cpu_ptr(t->stats);
	atomic64_t *d = l2sec_tunnel_drops(t);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(rx ? &s->rx_drops : &s->tx_drops, pkts);
	u64_stats_update_end(&s->syncp);
	if (d)
		atomic64_add(pkts, &d[r]);
}

void l2sec_tunnel_count_pkt(struct l2sec_tunnel *t, unsigned int pkts,
			    unsigned int len, bool rx)
{
	struct l2sec_pcpu_tstats *s = this_cpu_ptr(t->stats);

	u64_stats_update_begin(&s->syncp);
	if (rx) {
		u64_stats_add(&s->rx_packets, pkts);
		u64_stats_add(&s->rx_bytes, len);
	} else {
		u64_stats_add(&s->tx_packets, pkts);
		u64_stats_add(&s->tx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

void l2sec_tunnel_count_to_daemon(struct l2sec_tunnel *t)
{
	struct l2sec_pcpu_tstats *s = this_cpu_ptr(t->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->to_daemon);
	u64_stats_update_end(&s->syncp);
}

/*
 * The kernel's drop reason for each of ours, for drop monitors and the
 * kfree_skb tracepoint (the counters give ours).
 */
static const enum skb_drop_reason l2sec_skb_reasons[__L2SEC_DROP_MAX] = {
	[L2SEC_DROP_MALFORMED] = SKB_DROP_REASON_INVALID_PROTO,
	[L2SEC_DROP_NO_IPSEC] = SKB_DROP_REASON_XFRM_POLICY,
	[L2SEC_DROP_WRONG_SA] = SKB_DROP_REASON_XFRM_POLICY,
	[L2SEC_DROP_NOT_UP] = SKB_DROP_REASON_NOT_SPECIFIED,
	[L2SEC_DROP_SPOOF] = SKB_DROP_REASON_IP_RPFILTER,
	[L2SEC_DROP_NO_DEVICE] = SKB_DROP_REASON_DEV_READY,
	[L2SEC_DROP_NO_SESSION] = SKB_DROP_REASON_NOT_SPECIFIED,
	[L2SEC_DROP_NO_ROUTE] = SKB_DROP_REASON_IP_OUTNOROUTES,
	[L2SEC_DROP_NO_XFRM_ROUTE] = SKB_DROP_REASON_IP_OUTNOROUTES,
	[L2SEC_DROP_NO_MEM] = SKB_DROP_REASON_NOMEM,
	[L2SEC_DROP_PROTO] = SKB_DROP_REASON_UNHANDLED_PROTO,
	[L2SEC_DROP_LOOP] = SKB_DROP_REASON_NOT_SPECIFIED,
	[L2SEC_DROP_SA_NO_MARK] = SKB_DROP_REASON_XFRM_POLICY,
	[L2SEC_DROP_TOO_BIG] = SKB_DROP_REASON_PKT_TOO_BIG,
};

/* Frees a packet dropped for @r (counted by the caller). */
void l2sec_kfree_skb(struct sk_buff *skb, enum l2sec_drop_reason r)
{
	kfree_skb_reason(skb, r < __L2SEC_DROP_MAX ? l2sec_skb_reasons[r] :
			 SKB_DROP_REASON_NOT_SPECIFIED);
}

void l2sec_count_to_daemon(struct l2sec_pcpu_stats __percpu *st)
{
	struct l2sec_pcpu_stats *s = this_cpu_ptr(st);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->to_daemon);
	u64_stats_update_end(&s->syncp);
}

void l2sec_scount_pkt(struct l2sec_pcpu_sstats __percpu *st, unsigned int pkts,
		      unsigned int len, bool rx)
{
	struct l2sec_pcpu_sstats *s = this_cpu_ptr(st);

	u64_stats_update_begin(&s->syncp);
	if (rx) {
		u64_stats_add(&s->rx_packets, pkts);
		u64_stats_add(&s->rx_bytes, len);
	} else {
		u64_stats_add(&s->tx_packets, pkts);
		u64_stats_add(&s->tx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

void l2sec_scount_drop(struct l2sec_pcpu_sstats __percpu *st, unsigned int pkts, bool rx)
{
	struct l2sec_pcpu_sstats *s = this_cpu_ptr(st);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(rx ? &s->rx_drops : &s->tx_drops, pkts);
	u64_stats_update_end(&s->syncp);
}

void l2sec_stats_fold(struct l2sec_pcpu_stats __percpu *st, struct l2sec_stats *out)
{
	int cpu, i;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct l2sec_pcpu_stats *s = per_cpu_ptr(st, cpu);
		struct l2sec_stats c;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c.rx_packets = u64_stats_read(&s->rx_packets);
			c.rx_bytes = u64_stats_read(&s->rx_bytes);
			c.tx_packets = u64_stats_read(&s->tx_packets);
			c.tx_bytes = u64_stats_read(&s->tx_bytes);
			c.to_daemon = u64_stats_read(&s->to_daemon);
			c.rx_drops = u64_stats_read(&s->rx_drops);
			c.tx_drops = u64_stats_read(&s->tx_drops);
			for (i = 0; i < __L2SEC_DROP_MAX; i++)
				c.drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		out->rx_packets += c.rx_packets;
		out->rx_bytes += c.rx_bytes;
		out->tx_packets += c.tx_packets;
		out->tx_bytes += c.tx_bytes;
		out->to_daemon += c.to_daemon;
		out->rx_drops += c.rx_drops;
		out->tx_drops += c.tx_drops;
		for (i = 0; i < __L2SEC_DROP_MAX; i++)
			out->drops[i] += c.drops[i];
	}
}

void l2sec_tstats_fold(const struct l2sec_tunnel *t, struct l2sec_stats *out)
{
	const atomic64_t *d = READ_ONCE(t->drops);
	int cpu, i;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct l2sec_pcpu_tstats *s = per_cpu_ptr(t->stats, cpu);
		struct l2sec_stats c;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c.rx_packets = u64_stats_read(&s->rx_packets);
			c.rx_bytes = u64_stats_read(&s->rx_bytes);
			c.tx_packets = u64_stats_read(&s->tx_packets);
			c.tx_bytes = u64_stats_read(&s->tx_bytes);
			c.to_daemon = u64_stats_read(&s->to_daemon);
			c.rx_drops = u64_stats_read(&s->rx_drops);
			c.tx_drops = u64_stats_read(&s->tx_drops);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		out->rx_packets += c.rx_packets;
		out->rx_bytes += c.rx_bytes;
		out->tx_packets += c.tx_packets;
		out->tx_bytes += c.tx_bytes;
		out->to_daemon += c.to_daemon;
		out->rx_drops += c.rx_drops;
		out->tx_drops += c.tx_drops;
	}
	for (i = 0; d && i < __L2SEC_DROP_MAX; i++)
		out->drops[i] = atomic64_read(&d[i]);
}

void l2sec_sstats_fold(struct l2sec_pcpu_sstats __percpu *st, struct l2sec_stats *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct l2sec_pcpu_sstats *s = per_cpu_ptr(st, cpu);
		u64 rxp, rxb, txp, txb, rxd, txd;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rxp = u64_stats_read(&s->rx_packets);
			rxb = u64_stats_read(&s->rx_bytes);
			txp = u64_stats_read(&s->tx_packets);
			txb = u64_stats_read(&s->tx_bytes);
			rxd = u64_stats_read(&s->rx_drops);
			txd = u64_stats_read(&s->tx_drops);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		out->rx_packets += rxp;
		out->rx_bytes += rxb;
		out->tx_packets += txp;
		out->tx_bytes += txb;
		out->rx_drops += rxd;
		out->tx_drops += txd;
	}
}

/* What l2sec_stats_put() takes at the most. */
size_t l2sec_stats_size(bool drops)
{
	size_t n = nla_total_size(0) +			/* A_STATS */
		   nla_total_size_64bit(sizeof(u64)) * 6;	/* packets, bytes, drops */

	if (drops)
		n += nla_total_size_64bit(sizeof(u64)) +	/* TO_DAEMON */
		     nla_total_size(0) +			/* DROPS */
		     nla_total_size_64bit(sizeof(u64)) * __L2SEC_DROP_MAX;
	return n;
}

/* Puts an L2SEC_A_STATS nest; per-reason drops only if @drops. */
int l2sec_stats_put(struct sk_buff *msg, const struct l2sec_stats *s, bool drops)
{
	struct nlattr *nest, *dnest;
	int i;

	nest = nla_nest_start(msg, L2SEC_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, L2SEC_STATS_A_RX_PACKETS, s->rx_packets,
			      L2SEC_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, L2SEC_STATS_A_RX_BYTES, s->rx_bytes,
			      L2SEC_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, L2SEC_STATS_A_TX_PACKETS, s->tx_packets,
			      L2SEC_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, L2SEC_STATS_A_TX_BYTES, s->tx_bytes,
			      L2SEC_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, L2SEC_STATS_A_RX_DROPS, s->rx_drops,
			      L2SEC_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, L2SEC_STATS_A_TX_DROPS, s->tx_drops,
			      L2SEC_STATS_A_PAD))
		goto err;
	if (drops) {
		if (nla_put_u64_64bit(msg, L2SEC_STATS_A_TO_DAEMON, s->to_daemon,
				      L2SEC_STATS_A_PAD))
			goto err;
		dnest = nla_nest_start(msg, L2SEC_STATS_A_DROPS);
		if (!dnest)
			goto err;
		for (i = 0; i < __L2SEC_DROP_MAX; i++)
			if (nla_put_u64_64bit(msg, i + L2SEC_DROPS_A_OFFSET,
					      s->drops[i], L2SEC_DROPS_A_PAD))
				goto err;
		nla_nest_end(msg, dnest);
	}
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}
