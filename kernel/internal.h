/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2sec.ko internal declarations: per-namespace state, sockets, tunnels,
 * sessions, their locking and lifetime rules.
 *
 * Locking and lifetime (stated once, here):
 *
 * - struct l2sec_net::lock (a mutex) serializes every writer of the socket
 *   list, the tunnel, session and address hash tables, and the generation
 *   counter.  Writers are generic netlink handlers (process context), the
 *   socket's encap_destroy (process context, socket close) and netns exit.
 * - Readers (encap_rcv in softirq, ndo_start_xmit with BH disabled) use RCU
 *   only.  Objects are unlinked (rhashtable_remove_fast, list_del_rcu) under
 *   the mutex and freed after a grace period (call_rcu), never earlier.
 *   The tunnel handles (an xarray, tables->handles) are allocated, erased
 *   and looked up (netlink) under ln->lock only.
 * - The tables are rhashtables (table.c): they grow and shrink with their
 *   load in a worker of their own, which takes the table's own mutex, never
 *   ours; a lookup finds an entry during a resize.  Inserts and removals run
 *   under ln->lock (process context: an insert may allocate, GFP_ATOMIC, and
 *   can fail, which the caller reports); lookups run under RCU or ln->lock.
 * - A session is unlinked before its tunnel; a tunnel before its socket.
 *   Because each is freed by call_rcu after its own unlink, an RCU reader
 *   that found a session may follow session->tunnel->lsock->sk for the rest
 *   of its read-side section.
 * - struct l2sec_sock belongs to its socket from attach until the socket is
 *   freed (socket.c, top): the encap and GRO hooks are set once and never
 *   cleared; detaching only sets `detached`.  It holds no reference on the
 *   socket: the socket is freed after a grace period (SOCK_RCU_FREE), so an
 *   RCU reader that found a tunnel may use t->lsock->sk.  Each attached
 *   socket pins the module.
 * - A session's addresses are an immutable struct l2sec_addrs published by
 *   rcu_assign_pointer; SESSION_SET builds a new one and frees the old one
 *   after a grace period.  A transmit lookup that races with a change may
 *   miss (one dropped packet), never see freed memory.
 * - The namespace's device pointer (l2sec_net::dev) is written under RTNL
 *   (newlink/dellink) and read under RCU.
 * - A tunnel's receive key lives in one of its two key nodes (kn[kcur]); a
 *   rehash (TUNNEL_SET of mark or peer, under ln->lock) fills the other node,
 *   inserts it, then removes the old one, so a lookup finds one or the
 *   other.  A key node is written only while no reader can see it: it was
 *   removed at least one grace period ago (kn_gp, cond_synchronize_rcu).
 * - Tunnel binding (bind, sa) is written under tunnel->sa_lock (a spinlock,
 *   BH-safe: the first packet completes a binding from softirq), `bind`
 *   inside a write section of bind_seq; the fast path reads `bind` in a
 *   bind_seq read section (retrying), and sa_seen, sa_spi and sa_ports with
 *   READ_ONCE: it takes the lock only when the binding is incomplete or the
 *   packet's SA differs from the one recorded in `sa` (the first packet, a
 *   rekey's new SPI, a NAT's new port).
 * - Counters are per-cpu, updated with BH disabled (softirq receive,
 *   ndo_start_xmit) under u64_stats_sync; but a tunnel's drops by reason,
 *   which are atomic64 in an array allocated at its first drop
 *   (l2sec_tunnel.drops, stats.c).
 */
#ifndef L2SEC_INTERNAL_H
#define L2SEC_INTERNAL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/seqlock.h>
#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <linux/stddef.h>
#include <linux/u64_stats_sync.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/gro_cells.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>

#include "l2sec.h"	/* uapi/l2sec.h, found through ccflags-y -I uapi */
#include "compat.h"

/*
 * Default MTU of the device: what a 1500-byte path carries in the common
 * cases.  Per packet, our headers UDP 8 + L2TP 6 (no L/S/O) + PPP 4 = 18, the
 * outer IP header, and ESP: SPI + seq 8, IV, padding to the block and its 2
 * trailer bytes, ICV.
 *   IPv4, NAT-T (UDP 8), AES-CBC (IV 16, pad + trailer <= 17), HMAC-SHA2-512
 *     (ICV 32): 20 + 8 + 8 + 16 + 17 + 32 + 18 = 119 -> 1381
 *   IPv6 (no NAT-T there), AES-CBC, HMAC-SHA2-256 (ICV 16): 40 + 8 + 16 + 17
 *     + 16 + 18 = 115 -> 1385; AES-GCM-16 (IV 8, block 4, ICV 16): 95 -> 1405
 * A packet that does not fit, on a smaller path or with a costlier SA, is
 * not lost: xmit.c answers it with ICMP or fragments the outer packet.
 */
#define L2SEC_DEFAULT_MTU	1380
/* Headers we push on transmit before the IP layer: UDP + L2TP + PPP. */
#define L2SEC_TX_HDR_LEN	(8 + 6 + 4)

/* Per-cpu counters of the namespace. */
struct l2sec_pcpu_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t to_daemon;
	u64_stats_t rx_drops;
	u64_stats_t tx_drops;
	u64_stats_t drops[__L2SEC_DROP_MAX];
	struct u64_stats_sync syncp;
};

/* Per-cpu counters of a session: kept small, there may be 100k sessions. */
struct l2sec_pcpu_sstats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_drops;
	u64_stats_t tx_drops;
	struct u64_stats_sync syncp;
};

/*
 * Per-cpu counters of a tunnel: a gateway holds 100k tunnels, each with these
 * on every possible cpu, so its drops by reason are not here (15 more u64 a
 * cpu) but in l2sec_tunnel.drops.
 *
 * s0 holds the counters of the tunnel's first session (l2sec_tunnel.s0_taken):
 * a client's tunnel carries one session, and one per-cpu allocation for both
 * halves what a setup spends in pcpu_alloc (under its global mutex) for
 * them.  They are the session's own counters, updated and read through
 * l2sec_session.stats as any session's; they live and go with the tunnel,
 * which outlives its sessions (top of file).
 */
struct l2sec_pcpu_tstats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t to_daemon;
	u64_stats_t rx_drops;
	u64_stats_t tx_drops;
	struct u64_stats_sync syncp;
	struct l2sec_pcpu_sstats s0;
};

/* Folded totals, for netlink replies and ndo_get_stats64. */
struct l2sec_stats {
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes, to_daemon;
	u64 rx_drops, tx_drops;
	u64 drops[__L2SEC_DROP_MAX];
};

union l2sec_addr {
	__be32 a4;
	struct in6_addr a6;
};

/* What the sec_path showed of the SA that carried a tunnel's packet. */
struct l2sec_sa_info {
	u32 mark;		/* the SA's set-mark (output mark) value, 0: none */
	u32 spi;		/* host order */
	u32 reqid;
	u16 encap_sport;	/* host order, 0: no NAT-T encap */
	u16 encap_dport;
	u16 family;
	union l2sec_addr peer;
};

/*
 * The SA a require-IPsec tunnel is bound to, by what the xfrm_state says of
 * itself, never by skb->mark (a netfilter rule may rewrite that, and an SA
 * without a set-mark leaves it as it was): its set-mark value (charon's
 * %unique mark_in with set_mark_in=%same), its reqid, and its peer address.
 * Mark and reqid survive a CHILD_SA rekey while the SPI changes; a restarted
 * charon hands out marks (and reqids) from 1 again, to other clients, which
 * reqid and peer then tell apart.  `known` says which fields are set: the
 * daemon gives the mark (and the reqid if it knows it), the first packet
 * through an SA with that mark completes the rest (TUNNEL_NTF_BOUND).
 */
#define L2SEC_BIND_MARK		BIT(0)
#define L2SEC_BIND_REQID	BIT(1)
#define L2SEC_BIND_PEER		BIT(2)
#define L2SEC_BIND_ALL		(L2SEC_BIND_MARK | L2SEC_BIND_REQID | L2SEC_BIND_PEER)

struct l2sec_binding {
	u8 known;		/* L2SEC_BIND_*; 0: unbound */
	u16 family;		/* of peer */
	u32 mark;
	u32 reqid;
	union l2sec_addr peer;
};

/* Resizable: each grows with its load (table.c). */
struct l2sec_tables {
	struct rhashtable tunnels;	/* l2sec_tunnel_knode.node, key: its key */
	struct rhltable tunnel_ids;	/* l2sec_tunnel.idnode, key id (not unique) */
	struct rhashtable sessions;	/* l2sec_session.hnode, key (handle, sid) */
	struct rhashtable addr4;	/* l2sec_addr_node.node, key addr.a4 */
	struct rhashtable addr6;	/* l2sec_addr_node.node, key (addr.a6, plen) */
	struct xarray handles;		/* tunnels by handle, under ln->lock */
	u32 next_handle;		/* xa_alloc_cyclic's, under ln->lock */
};

/*
 * What a receive lookup finds a tunnel by (table.c): its local id and its
 * origin.  A require-IPsec tunnel the daemon bound to an SA's mark is
 * L2SEC_KEY_MARK (mark); any other L2SEC_KEY_PEER (family, peer, port).
 * Unused fields are zero: the key is hashed and compared as bytes.
 */
enum { L2SEC_KEY_PEER = 1, L2SEC_KEY_MARK };

struct l2sec_tunnel_key {
	u8 kind;			/* L2SEC_KEY_* */
	u8 family;			/* PEER: AF_INET, AF_INET6 */
	__be16 port;			/* PEER */
	u16 id;
	u16 zero;
	u32 mark;			/* MARK */
	union l2sec_addr peer;		/* PEER */
};

struct l2sec_tunnel_knode {
	struct rhash_head node;		/* in tables->tunnels */
	struct l2sec_tunnel_key key;	/* immutable while hashed */
	struct l2sec_tunnel *tunnel;
};

struct l2sec_net {
	struct net *net;
	struct mutex lock;		/* writers of everything below */
	struct l2sec_tables *tables;	/* at the first SOCK_ADD (table.c) */
	struct list_head socks;		/* l2sec_sock.node, RCU list */
	struct net_device __rcu *dev;	/* RTNL writes, RCU reads */
	u32 next_sock_id;		/* under lock */
	unsigned int gen;		/* bumped under lock on every change */
	atomic_t n_socks, n_tunnels, n_sessions;
	struct l2sec_pcpu_stats __percpu *stats;
};

struct l2sec_sock {
	struct list_head node;		/* in l2sec_net.socks */
	struct l2sec_net *ln;
	struct sock *sk;		/* owns us; no reference held */
	u32 id;
	u16 family;			/* sk->sk_family */
	bool require_ipsec;
	bool bypass;			/* we installed the input policy bypass */
	bool detached;			/* WRITE_ONCE under ln->lock, READ_ONCE */
	void (*sk_destruct)(struct sock *sk);	/* the socket's own, chained */
	unsigned int n_tunnels;		/* under ln->lock */
};

/*
 * Where and how a tunnel sends: immutable once published (but for the
 * cache), replaced as a whole by TUNNEL_SET, freed after a grace period
 * (l2sec_endpoint_free_rcu).  The route of the latest transmit (an xfrm
 * bundle with IPsec) is cached per CPU with the endpoint, so that a cached
 * route always belongs to the peer and mark it was looked up for;
 * dst_check drops it on route and policy changes and when its SA goes.
 */
struct l2sec_endpoint {
	struct rcu_head rcu;
	u16 family;			/* of peer and local */
	__be16 peer_port;
	union l2sec_addr peer;
	union l2sec_addr local;		/* zero: socket's or route's choice */
	bool has_local;
	u32 out_mark;			/* the outbound SA's mark */
	struct dst_cache dst_cache;
};

struct l2sec_tunnel {
	struct l2sec_tunnel_knode kn[2];	/* kn[kcur] hashed (top of file) */
	u8 kcur;			/* under ln->lock */
	/* three flags here, each with its own rule below, to fill the word */
	bool require_ipsec;		/* immutable */
	bool ntf_dead;			/* under ntf_lock: NTF_DEL sent */
	bool sa_seen;			/* WRITE_ONCE under sa_lock, READ_ONCE */
	/*
	 * Under ln->lock: a session took stats->s0 (once: a later session
	 * allocates its own, as s0 may hold a deleted session's counts)
	 */
	bool s0_taken;
	unsigned int n_sessions;	/* under ln->lock */
	unsigned long kn_gp;		/* kn[!kcur] unseen after this grace period
					 * (0: never hashed) */
	struct rhlist_head idnode;	/* in tables->tunnel_ids */
	struct list_head sessions;	/* l2sec_session.tnode, under ln->lock */
	/*
	 * Receive's shortcut: one of the tunnel's sessions (its first; a
	 * client's tunnel carries one), found without the sessions table.
	 * Assigned under ln->lock when a session is hashed, cleared or moved
	 * on before one is unhashed (the session freed a grace period later);
	 * read under RCU.  NULL: only the table knows.
	 */
	struct l2sec_session __rcu *first;
	struct rcu_head rcu;
	struct l2sec_sock *lsock;
	u32 handle;			/* netlink's name, 1..INT_MAX */
	u16 id;
	u16 peer_id;			/* written under lock, READ_ONCE */
	struct l2sec_endpoint __rcu *ep;	/* replaced as a whole */

	spinlock_t ntf_lock;		/* orders NTF_BOUND before NTF_DEL (ntf_dead) */

	spinlock_t sa_lock;		/* writers of bind, sa */
	seqcount_spinlock_t bind_seq;	/* around writes of bind, for readers */
	struct l2sec_binding bind;
	u32 sa_spi;			/* sa.spi and (encap sport << 16 | dport), */
	u32 sa_ports;			/* WRITE_ONCE under sa_lock, for the fast path */
	struct l2sec_sa_info sa;	/* the SA that carried the last packet */

	struct l2sec_pcpu_tstats __percpu *stats;
	/*
	 * Drops by reason, __L2SEC_DROP_MAX of them: NULL until the tunnel's
	 * first drop allocates them (GFP_ATOMIC; NULL again at the next drop if
	 * that failed: the per-cpu rx_drops/tx_drops and the namespace's reasons
	 * still count it), published once with cmpxchg, read with READ_ONCE,
	 * freed with the tunnel.  Atomic rather than per cpu: most tunnels never
	 * drop, and a tunnel's packets come in one flow, mostly on one cpu.
	 */
	atomic64_t *drops;
};

struct l2sec_addr_node {
	struct rhash_head node;		/* in tables->addr4 / addr6 */
	struct l2sec_session *session;
	/* the key of tables->addr6 (addr4's: addr.a4 alone) */
	struct_group_tagged(l2sec_addr_key, key,
		union l2sec_addr addr;	/* IPv6: masked to plen */
		u8 plen;		/* 32 for IPv4, 64 or 128 for IPv6 */
	);
};

/* Immutable once published; replaced as a whole (see top of file). */
struct l2sec_addrs {
	struct rcu_head rcu;
	bool has4;
	bool has_ifid;
	u8 ifid[8];			/* the client's IPv6CP interface identifier */
	u8 n6;
	struct l2sec_addr_node a4;
	/* n6 of them (<= L2SEC_MAX_IPV6_PREFIXES), allocated to fit */
	struct l2sec_addr_node a6[];
};

struct l2sec_session {
	struct rhash_head hnode;	/* in tables->sessions, key */
	struct list_head tnode;		/* in tunnel->sessions */
	struct rcu_head rcu;
	struct l2sec_tunnel *tunnel;
	u64 key;			/* tunnel->handle << 16 | id, before insert */
	u16 id;
	u16 peer_id;			/* READ_ONCE */
	u8 state;			/* enum l2sec_state, READ_ONCE */
	bool own_stats;			/* stats its own, not its tunnel's s0 */
	struct l2sec_addrs __rcu *addrs;
	struct l2sec_pcpu_sstats __percpu *stats;	/* set before insert */
};

struct l2sec_dev {
	struct net_device *dev;
	struct l2sec_net *ln;
	struct gro_cells gro_cells;
};

/* main.c */
extern unsigned int l2sec_net_id;
extern atomic_t l2sec_live_objects;
static inline struct l2sec_net *l2sec_pernet(const struct net *net)
{
	return net_generic(net, l2sec_net_id);
}

/* netlink.c */
int l2sec_genl_init(void);
void l2sec_genl_exit(void);
void l2sec_notify_sock_del(struct l2sec_net *ln, const struct l2sec_sock *ls);
void l2sec_notify_tunnel(struct l2sec_net *ln, struct l2sec_tunnel *t,
			 u8 cmd, gfp_t gfp);
void l2sec_notify_session(struct l2sec_net *ln, const struct l2sec_session *s,
			  u8 cmd);

/* device.c */
int l2sec_link_init(void);
void l2sec_link_exit(void);
void l2sec_dev_net_exit(struct l2sec_net *ln, struct list_head *devs);

/* socket.c */
struct l2sec_sock *l2sec_sock_add(struct l2sec_net *ln, int fd, bool require_ipsec,
				  struct netlink_ext_ack *extack);
struct l2sec_sock *l2sec_sock_find(struct l2sec_net *ln, u32 id);
void l2sec_sock_del(struct l2sec_sock *ls);
void l2sec_sock_del_all(struct l2sec_net *ln);

/* table.c */
int l2sec_table_init(void);
void l2sec_table_exit(void);
int l2sec_tables_get(struct l2sec_net *ln);
void l2sec_tables_free(struct l2sec_net *ln);
struct l2sec_tunnel *l2sec_tunnel_rx_lookup(struct l2sec_net *ln, u16 id, u32 mark,
					    struct sk_buff *skb);
struct l2sec_tunnel *l2sec_tunnel_rx_unmarked(struct l2sec_net *ln, u16 id);
struct l2sec_tunnel *l2sec_tunnel_by_handle(struct l2sec_net *ln, u32 handle);
struct l2sec_tunnel *l2sec_tunnel_by_id(struct l2sec_net *ln, u16 id, bool *ambiguous);
struct l2sec_tunnel *l2sec_tunnel_from(struct l2sec_net *ln, unsigned long handle);
u32 l2sec_tables_buckets(struct l2sec_net *ln);
struct l2sec_session *l2sec_session_rx_lookup(struct l2sec_net *ln,
					      const struct l2sec_tunnel *t, u16 sid);
struct l2sec_session *l2sec_session_lookup(struct l2sec_net *ln,
					   const struct l2sec_tunnel *t, u16 sid);
struct l2sec_session *l2sec_session_by_addr4(struct l2sec_net *ln, __be32 daddr);
struct l2sec_session *l2sec_session_by_addr6(struct l2sec_net *ln,
					     const struct in6_addr *daddr);
struct l2sec_session *l2sec_session_by_prefix6(struct l2sec_net *ln,
					       const struct in6_addr *a, u8 plen);
struct l2sec_endpoint *l2sec_endpoint_alloc(const struct l2sec_endpoint *from);
void l2sec_endpoint_free(struct l2sec_endpoint *ep);
void l2sec_endpoint_free_rcu(struct l2sec_endpoint *ep);
struct l2sec_tunnel *l2sec_tunnel_alloc(void);
void l2sec_tunnel_key(const struct l2sec_tunnel *t, const struct l2sec_endpoint *ep,
		      u32 bind_mark, struct l2sec_tunnel_key *k);
int l2sec_tunnel_insert(struct l2sec_net *ln, struct l2sec_tunnel *t);
int l2sec_tunnel_rehash(struct l2sec_net *ln, struct l2sec_tunnel *t,
			const struct l2sec_tunnel_key *k);
void l2sec_tunnel_del(struct l2sec_net *ln, struct l2sec_tunnel *t, bool notify);
void l2sec_tunnel_free(struct l2sec_tunnel *t);
void l2sec_tunnel_bind(struct l2sec_tunnel *t, const struct l2sec_binding *b);
struct l2sec_session *l2sec_session_alloc(void);
int l2sec_session_stats_init(struct l2sec_net *ln, struct l2sec_tunnel *t,
			     struct l2sec_session *s);
int l2sec_session_insert(struct l2sec_net *ln, struct l2sec_session *s);
void l2sec_session_del(struct l2sec_net *ln, struct l2sec_session *s, bool notify);
void l2sec_session_free(struct l2sec_session *s);
int l2sec_session_set_addrs(struct l2sec_net *ln, struct l2sec_session *s,
			    struct l2sec_addrs *addrs, struct netlink_ext_ack *extack);
void l2sec_bump_gen(struct l2sec_net *ln);

/* recv.c */
int l2sec_encap_rcv(struct sock *sk, struct sk_buff *skb);
const char *l2sec_drop_name(enum l2sec_drop_reason r);

/* gro.c: the socket's GRO callbacks (udp_tunnel_sock_cfg) */
struct sk_buff *l2sec_gro_receive(struct sock *sk, struct list_head *head,
				  struct sk_buff *skb);
int l2sec_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

/* xmit.c */
netdev_tx_t l2sec_xmit(struct sk_buff *skb, struct net_device *dev);
int l2sec_xmit_init(void);
void l2sec_xmit_exit(void);

/* stats.c */
void l2sec_tunnel_count_drop(struct l2sec_tunnel *t, enum l2sec_drop_reason r,
			     unsigned int pkts, bool rx);
void l2sec_tunnel_count_pkt(struct l2sec_tunnel *t, unsigned int pkts,
			    unsigned int len, bool rx);
void l2sec_tunnel_count_to_daemon(struct l2sec_tunnel *t);
void l2sec_tstats_fold(const struct l2sec_tunnel *t, struct l2sec_stats *out);
void l2sec_count_drop(struct l2sec_pcpu_stats __percpu *st, enum l2sec_drop_reason r,
		      unsigned int pkts, bool rx);
void l2sec_count_pkt(struct l2sec_pcpu_stats __percpu *st, unsigned int pkts,
		     unsigned int len, bool rx);
void l2sec_count_to_daemon(struct l2sec_pcpu_stats __percpu *st);
void l2sec_kfree_skb(struct sk_buff *skb, enum l2sec_drop_reason r);
void l2sec_scount_pkt(struct l2sec_pcpu_sstats __percpu *st, unsigned int pkts,
		      unsigned int len, bool rx);
void l2sec_scount_drop(struct l2sec_pcpu_sstats __percpu *st, unsigned int pkts, bool rx);
void l2sec_stats_fold(struct l2sec_pcpu_stats __percpu *st, struct l2sec_stats *out);
void l2sec_sstats_fold(struct l2sec_pcpu_sstats __percpu *st, struct l2sec_stats *out);
size_t l2sec_stats_size(bool drops);
int l2sec_stats_put(struct sk_buff *msg, const struct l2sec_stats *s, bool drops);

#endif /* L2SEC_INTERNAL_H */
