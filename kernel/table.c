// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel, session and address tables of a namespace (rules: internal.h).
 *
 * Resizable RCU hash tables (rhashtable), allocated with the namespace's
 * first socket; each grows and shrinks with its load, so that a lookup
 * walks a short chain at 10 sessions as at 1,000,000:
 * - tunnels by (kind, local tunnel id, origin) for receive: a require-IPsec
 *   tunnel bound to an SA by the SA's set-mark, any other by its peer's
 *   address and port (struct l2sec_tunnel_key), so that tunnel ids need to
 *   be unique only per SA or per peer; two tunnels behind one NAT arrive
 *   from one address and port, and only their SAs tell them apart;
 * - tunnels by local tunnel id alone (an rhltable: ids repeat), for netlink
 *   requests that name a tunnel by its id, and by handle (an xarray), for
 *   netlink's other requests and for dumps in handle order;
 * - sessions by (tunnel handle, local session id) for receive, which first
 *   tries the tunnel's `first` session (a client's tunnel carries one);
 * - addr4 by the client's IPv4 address and addr6 by (prefix masked to its
 *   length, length), for transmit.  IPv6 prefixes are /64 or /128; a
 *   transmit lookup tries the /128 first, then the /64 of the destination.
 *   Two lookups, no longest-prefix trie: an L2TP client gets one address or
 *   one /64, nothing in between.
 * Keys are unique in each table (inserts use rhashtable_lookup_insert_fast),
 * and the tables hash with a random seed, so that no client can choose ids
 * or addresses that collide into one chain.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "internal.h"

/*
 * Bounds: a table holds at most twice its max_size entries (rhashtable
 * refuses the insert with -E2BIG beyond), and its bucket array stays within
 * max_size pointers.  131,072 tunnels per namespace (the id table holds one
 * entry per distinct id, 65,535 at most); 4M sessions, each with one IPv4
 * address and up to L2SEC_MAX_IPV6_PREFIXES prefixes.
 */
#define L2SEC_TUNNELS_MAX_SIZE	(1U << 16)
#define L2SEC_SESSIONS_MAX_SIZE	(1U << 21)
#define L2SEC_ADDR6_MAX_SIZE	(1U << 22)

/*
 * The key's words that can be set: all seven for an IPv6 peer, else the
 * first four (kind to the IPv4 peer; an IPv4 or mark key leaves the rest
 * zero, and its family word differs from an IPv6 key's).  Hashing and
 * comparing only those is receive's common case: a third of the work.
 */
static inline u32 l2sec_tunnel_key_words(const struct l2sec_tunnel_key *k)
{
	return k->family == AF_INET6 ? sizeof(*k) / sizeof(u32) :
	       offsetofend(struct l2sec_tunnel_key, peer.a4) / sizeof(u32);
}

static u32 l2sec_tunnel_hashfn(const void *data, u32 len, u32 seed)
{
	return jhash2(data, l2sec_tunnel_key_words(data), seed);
}

static int l2sec_tunnel_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct l2sec_tunnel_knode *kn = obj;

	return memcmp(&kn->key, arg->key,
		      l2sec_tunnel_key_words(arg->key) * sizeof(u32));
}

/* The whole key, 28 bytes without padding (unused fields zero). */
static const struct rhashtable_params l2sec_tunnel_params = {
	.head_offset = offsetof(struct l2sec_tunnel_knode, node),
	.key_offset = offsetof(struct l2sec_tunnel_knode, key),
	.key_len = sizeof(struct l2sec_tunnel_key),
	.max_size = L2SEC_TUNNELS_MAX_SIZE,
	.automatic_shrinking = true,
	.hashfn = l2sec_tunnel_hashfn,
	.obj_cmpfn = l2sec_tunnel_cmpfn,
};

static const struct rhashtable_params l2sec_tunnel_id_params = {
	.head_offset = offsetof(struct l2sec_tunnel, idnode),
	.key_offset = offsetof(struct l2sec_tunnel, id),
	.key_len = sizeof_field(struct l2sec_tunnel, id),
	.max_size = L2SEC_TUNNELS_MAX_SIZE,
	.automatic_shrinking = true,
};

static const struct rhashtable_params l2sec_session_params = {
	.head_offset = offsetof(struct l2sec_session, hnode),
	.key_offset = offsetof(struct l2sec_session, key),
	.key_len = sizeof_field(struct l2sec_session, key),
	.max_size = L2SEC_SESSIONS_MAX_SIZE,
	.automatic_shrinking = true,
};

static const struct rhashtable_params l2sec_addr4_params = {
	.head_offset = offsetof(struct l2sec_addr_node, node),
	.key_offset = offsetof(struct l2sec_addr_node, addr.a4),
	.key_len = sizeof(__be32),
	.max_size = L2SEC_SESSIONS_MAX_SIZE,
	.automatic_shrinking = true,
};

/* The prefix and its length: 17 bytes of struct l2sec_addr_key, no padding. */
static const struct rhashtable_params l2sec_addr6_params = {
	.head_offset = offsetof(struct l2sec_addr_node, node),
	.key_offset = offsetof(struct l2sec_addr_node, key),
	.key_len = offsetofend(struct l2sec_addr_key, plen),
	.max_size = L2SEC_ADDR6_MAX_SIZE,
	.automatic_shrinking = true,
};

/*
 * The tables are allocated by the namespace's first SOCK_ADD (a tunnel needs
 * a socket, a session a tunnel), so that a namespace where l2sec is never
 * used pays nothing for them, and freed with the namespace.
 */
int l2sec_tables_get(struct l2sec_net *ln)
{
	struct l2sec_tables *tb;
	int err;

	BUILD_BUG_ON(offsetof(struct l2sec_addr_key, plen) != sizeof(struct in6_addr));
	BUILD_BUG_ON(sizeof(struct l2sec_tunnel_key) !=
		     offsetofend(struct l2sec_tunnel_key, peer));
	BUILD_BUG_ON(offsetofend(struct l2sec_tunnel_key, peer.a4) != 4 * sizeof(u32));
	lockdep_assert_held(&ln->lock);
	if (ln->tables)
		return 0;
	tb = kvzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	err = rhashtable_init(&tb->tunnels, &l2sec_tunnel_params);
	if (err)
		goto err_free;
	err = rhltable_init(&tb->tunnel_ids, &l2sec_tunnel_id_params);
	if (err)
		goto err_tunnels;
	err = rhashtable_init(&tb->sessions, &l2sec_session_params);
	if (err)
		goto err_ids;
	err = rhashtable_init(&tb->addr4, &l2sec_addr4_params);
	if (err)
		goto err_sessions;
	err = rhashtable_init(&tb->addr6, &l2sec_addr6_params);
	if (err)
		goto err_addr4;
	xa_init_flags(&tb->handles, XA_FLAGS_ALLOC1);
	/* lockless readers (l2sec_tables()) see it initialized */
	smp_store_release(&ln->tables, tb);
	return 0;

err_addr4:
	rhashtable_destroy(&tb->addr4);
err_sessions:
	rhashtable_destroy(&tb->sessions);
err_ids:
	rhltable_destroy(&tb->tunnel_ids);
err_tunnels:
	rhashtable_destroy(&tb->tunnels);
err_free:
	kvfree(tb);
	return err;
}

/* At namespace exit, after a grace period: no reader, every table empty. */
void l2sec_tables_free(struct l2sec_net *ln)
{
	struct l2sec_tables *tb = ln->tables;

	if (!tb)
		return;
	rhashtable_destroy(&tb->addr6);
	rhashtable_destroy(&tb->addr4);
	rhashtable_destroy(&tb->sessions);
	rhltable_destroy(&tb->tunnel_ids);
	rhashtable_destroy(&tb->tunnels);
	xa_destroy(&tb->handles);
	kvfree(tb);
	ln->tables = NULL;
}

/* For the lookups, under RCU or ln->lock: NULL before the first socket. */
static struct l2sec_tables *l2sec_tables(struct l2sec_net *ln)
{
	return smp_load_acquire(&ln->tables);
}

void l2sec_bump_gen(struct l2sec_net *ln)
{
	lockdep_assert_held(&ln->lock);
	WRITE_ONCE(ln->gen, ln->gen + 1);
}

/* The session table's buckets (0 before the first socket), for STATS_GET. */
u32 l2sec_tables_buckets(struct l2sec_net *ln)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	u32 n;

	if (!tb)
		return 0;
	rcu_read_lock();
	n = rcu_dereference(tb->sessions.tbl)->size;
	rcu_read_unlock();
	return n;
}

static struct l2sec_tunnel *l2sec_tunnel_find(struct l2sec_tables *tb,
					      const struct l2sec_tunnel_key *k)
{
	struct l2sec_tunnel_knode *kn;

	kn = rhashtable_lookup_fast(&tb->tunnels, k, l2sec_tunnel_params);
	return kn ? kn->tunnel : NULL;
}

/*
 * Under RCU (receive): the tunnel @id of the packet's origin.  A packet
 * through an SA with set-mark @mark claims the tunnel bound to that mark
 * first; then (and without an SA) the tunnel of its outer source address
 * and port.  Whether the packet's SA is the tunnel's is the binding's
 * check, after this (recv.c).
 */
struct l2sec_tunnel *l2sec_tunnel_rx_lookup(struct l2sec_net *ln, u16 id, u32 mark,
					    struct sk_buff *skb)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_tunnel_key k = { .id = id };
	struct l2sec_tunnel *t;

	if (!tb)
		return NULL;
	if (mark) {
		k.kind = L2SEC_KEY_MARK;
		k.mark = mark;
		t = l2sec_tunnel_find(tb, &k);
		if (t)
			return t;
		k.mark = 0;
	}
	k.kind = L2SEC_KEY_PEER;
	k.port = udp_hdr(skb)->source;
	if (ip_hdr(skb)->version == 4) {
		k.family = AF_INET;
		k.peer.a4 = ip_hdr(skb)->saddr;
	} else {
		k.family = AF_INET6;
		k.peer.a6 = ipv6_hdr(skb)->saddr;
	}
	return l2sec_tunnel_find(tb, &k);
}

/* Under ln->lock. */
struct l2sec_tunnel *l2sec_tunnel_by_handle(struct l2sec_net *ln, u32 handle)
{
	lockdep_assert_held(&ln->lock);
	return ln->tables ? xa_load(&ln->tables->handles, handle) : NULL;
}

/* The tunnel that alone holds @id, NULL if none or (*@ambiguous) several. */
static struct l2sec_tunnel *l2sec_tunnel_id_find(struct l2sec_tables *tb, u16 id,
						 bool *ambiguous)
{
	struct l2sec_tunnel *t, *found = NULL;
	struct rhlist_head *pos, *list;

	*ambiguous = false;
	if (!tb)
		return NULL;
	rcu_read_lock();
	list = rhltable_lookup(&tb->tunnel_ids, &id, l2sec_tunnel_id_params);
	rhl_for_each_entry_rcu(t, pos, list, idnode) {
		if (found) {
			*ambiguous = true;
			found = NULL;
			break;
		}
		found = t;
	}
	rcu_read_unlock();
	return found;
}

/*
 * Under ln->lock: the tunnel that holds @id, NULL if none, or if more than
 * one do (then *@ambiguous: only a handle names one of them).
 */
struct l2sec_tunnel *l2sec_tunnel_by_id(struct l2sec_net *ln, u16 id, bool *ambiguous)
{
	lockdep_assert_held(&ln->lock);
	return l2sec_tunnel_id_find(ln->tables, id, ambiguous);
}

/*
 * Under RCU (receive), for a packet through an SA without a set-mark, which
 * claims no tunnel bound to an SA by its key: the require-IPsec tunnel that
 * alone holds @id, on which it is then dropped (SA_NO_MARK), NULL if none.
 */
struct l2sec_tunnel *l2sec_tunnel_rx_unmarked(struct l2sec_net *ln, u16 id)
{
	struct l2sec_tunnel *t;
	bool ambiguous;

	t = l2sec_tunnel_id_find(l2sec_tables(ln), id, &ambiguous);
	return t && t->require_ipsec ? t : NULL;
}

/*
 * Under ln->lock: the tunnel with the lowest handle >= @handle, NULL if none.
 * Dumps resume from a handle with it, and a socket's deletion finds its
 * tunnels: in handle order, no duplicates across the tables' resizes (which
 * an rhashtable walk would give).
 */
struct l2sec_tunnel *l2sec_tunnel_from(struct l2sec_net *ln, unsigned long handle)
{
	lockdep_assert_held(&ln->lock);
	if (!ln->tables)
		return NULL;
	return xa_find(&ln->tables->handles, &handle, ULONG_MAX, XA_PRESENT);
}

/* Under RCU (receive): the tunnel's first session if it is @sid, else the table's. */
struct l2sec_session *l2sec_session_rx_lookup(struct l2sec_net *ln,
					      const struct l2sec_tunnel *t, u16 sid)
{
	struct l2sec_session *s = rcu_dereference(t->first);

	if (s && s->id == sid)
		return s;
	return l2sec_session_lookup(ln, t, sid);
}

/* Under RCU or ln->lock. */
struct l2sec_session *l2sec_session_lookup(struct l2sec_net *ln,
					   const struct l2sec_tunnel *t, u16 sid)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	u64 key = (u64)t->handle << 16 | sid;

	if (!tb)
		return NULL;
	return rhashtable_lookup_fast(&tb->sessions, &key, l2sec_session_params);
}

static struct l2sec_addr_node *l2sec_addr4_find(struct l2sec_net *ln, __be32 a)
{
	struct l2sec_tables *tb = l2sec_tables(ln);

	if (!tb)
		return NULL;
	return rhashtable_lookup_fast(&tb->addr4, &a, l2sec_addr4_params);
}

/* @a must be masked to @plen already. */
static struct l2sec_addr_node *l2sec_addr6_find(struct l2sec_net *ln,
						const struct in6_addr *a, u8 plen)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_addr_key k = { .addr.a6 = *a, .plen = plen };

	if (!tb)
		return NULL;
	return rhashtable_lookup_fast(&tb->addr6, &k, l2sec_addr6_params);
}

/* Under RCU. */
struct l2sec_session *l2sec_session_by_addr4(struct l2sec_net *ln, __be32 daddr)
{
	struct l2sec_addr_node *n = l2sec_addr4_find(ln, daddr);

	return n ? n->session : NULL;
}

/* Under RCU: the session holding @a as its /@plen (64 or 128: the module's lengths). */
struct l2sec_session *l2sec_session_by_prefix6(struct l2sec_net *ln,
					       const struct in6_addr *a, u8 plen)
{
	struct l2sec_addr_node *n;
	struct in6_addr p;

	ipv6_addr_prefix(&p, a, plen);
	n = l2sec_addr6_find(ln, &p, plen);
	return n ? n->session : NULL;
}

/* Under RCU: the /128, else the /64 holding @daddr. */
struct l2sec_session *l2sec_session_by_addr6(struct l2sec_net *ln,
					     const struct in6_addr *daddr)
{
	struct l2sec_addr_node *n;
	struct in6_addr p;

	n = l2sec_addr6_find(ln, daddr, 128);
	if (n)
		return n->session;
	ipv6_addr_prefix(&p, daddr, 64);
	n = l2sec_addr6_find(ln, &p, 64);
	return n ? n->session : NULL;
}

/* A new endpoint, a copy of @from's addresses and mark if given. */
struct l2sec_endpoint *l2sec_endpoint_alloc(const struct l2sec_endpoint *from)
{
	struct l2sec_endpoint *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	if (dst_cache_init(&ep->dst_cache, GFP_KERNEL)) {
		kfree(ep);
		return NULL;
	}
	if (from) {
		ep->family = from->family;
		ep->peer_port = from->peer_port;
		ep->peer = from->peer;
		ep->local = from->local;
		ep->has_local = from->has_local;
		ep->out_mark = from->out_mark;
	}
	atomic_inc(&l2sec_live_objects);
	return ep;
}

/* Never published, or after the grace period. */
void l2sec_endpoint_free(struct l2sec_endpoint *ep)
{
	if (!ep)
		return;
	dst_cache_destroy(&ep->dst_cache);
	kfree(ep);
	atomic_dec(&l2sec_live_objects);
}

static void l2sec_endpoint_free_cb(struct rcu_head *head)
{
	l2sec_endpoint_free(container_of(head, struct l2sec_endpoint, rcu));
}

/* Replaced: transmit may still use it for the rest of a grace period. */
void l2sec_endpoint_free_rcu(struct l2sec_endpoint *ep)
{
	call_rcu(&ep->rcu, l2sec_endpoint_free_cb);
}

/*
 * Tunnels come from a cache of their own: at ~300 bytes, kmalloc would round
 * each up to 512, and a gateway holds 100,000 of them.
 */
static struct kmem_cache *l2sec_tunnel_cache __ro_after_init;

int __init l2sec_table_init(void)
{
	l2sec_tunnel_cache = KMEM_CACHE(l2sec_tunnel, 0);
	return l2sec_tunnel_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): every tunnel freed. */
void l2sec_table_exit(void)
{
	kmem_cache_destroy(l2sec_tunnel_cache);
}

struct l2sec_tunnel *l2sec_tunnel_alloc(void)
{
	struct l2sec_tunnel *t = kmem_cache_zalloc(l2sec_tunnel_cache, GFP_KERNEL);
	int cpu;

	if (!t)
		return NULL;
	t->stats = alloc_percpu(struct l2sec_pcpu_tstats);
	if (!t->stats) {
		kmem_cache_free(l2sec_tunnel_cache, t);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		struct l2sec_pcpu_tstats *st = per_cpu_ptr(t->stats, cpu);

		u64_stats_init(&st->syncp);
		u64_stats_init(&st->s0.syncp);
	}
	INIT_LIST_HEAD(&t->sessions);
	spin_lock_init(&t->sa_lock);
	seqcount_spinlock_init(&t->bind_seq, &t->sa_lock);
	spin_lock_init(&t->ntf_lock);
	atomic_inc(&l2sec_live_objects);
	return t;
}

/* A tunnel never inserted, or after the grace period. */
void l2sec_tunnel_free(struct l2sec_tunnel *t)
{
	l2sec_endpoint_free(rcu_dereference_protected(t->ep, true));
	free_percpu(t->stats);
	kfree(t->drops);
	kmem_cache_free(l2sec_tunnel_cache, t);
	atomic_dec(&l2sec_live_objects);
}

/*
 * Replaces the tunnel's binding by @b (known 0: unbound); what @b leaves
 * unknown is learned again from the next packet, whose SA is recorded anew.
 */
void l2sec_tunnel_bind(struct l2sec_tunnel *t, const struct l2sec_binding *b)
{
	spin_lock_bh(&t->sa_lock);
	write_seqcount_begin(&t->bind_seq);
	t->bind = *b;
	write_seqcount_end(&t->bind_seq);
	WRITE_ONCE(t->sa_seen, false);
	spin_unlock_bh(&t->sa_lock);
}

static void l2sec_tunnel_free_rcu(struct rcu_head *head)
{
	l2sec_tunnel_free(container_of(head, struct l2sec_tunnel, rcu));
}

/*
 * The receive key of tunnel @t with endpoint @ep and the bind mark the
 * daemon gave (0: none); t->id and t->require_ipsec are set.
 */
void l2sec_tunnel_key(const struct l2sec_tunnel *t, const struct l2sec_endpoint *ep,
		      u32 bind_mark, struct l2sec_tunnel_key *k)
{
	memset(k, 0, sizeof(*k));
	k->id = t->id;
	if (t->require_ipsec && bind_mark) {
		k->kind = L2SEC_KEY_MARK;
		k->mark = bind_mark;
		return;
	}
	k->kind = L2SEC_KEY_PEER;
	k->family = ep->family;
	k->port = ep->peer_port;
	if (ep->family == AF_INET)
		k->peer.a4 = ep->peer.a4;
	else
		k->peer.a6 = ep->peer.a6;
}

/*
 * Gives @t a handle and hashes it with the key in t->kn[0].key.  Fails with
 * -EEXIST (a tunnel of the same origin holds its id), -E2BIG (the table is
 * full) or -ENOMEM, and @t was not inserted.  The receive table comes last:
 * before it, only netlink (under ln->lock) can see @t.
 */
int l2sec_tunnel_insert(struct l2sec_net *ln, struct l2sec_tunnel *t)
{
	struct l2sec_tables *tb = ln->tables;
	int err;

	lockdep_assert_held(&ln->lock);
	t->kn[0].tunnel = t;
	t->kn[1].tunnel = t;
	t->kcur = 0;
	err = xa_alloc_cyclic(&tb->handles, &t->handle, t, XA_LIMIT(1, INT_MAX),
			      &tb->next_handle, GFP_KERNEL);
	if (err < 0)	/* 1: it wrapped, fine */
		return err == -EBUSY ? -E2BIG : err;
	err = rhltable_insert(&tb->tunnel_ids, &t->idnode, l2sec_tunnel_id_params);
	if (err)
		goto err_handle;
	err = rhashtable_lookup_insert_fast(&tb->tunnels, &t->kn[0].node,
					    l2sec_tunnel_params);
	if (err)
		goto err_id;
	t->lsock->n_tunnels++;
	atomic_inc(&ln->n_tunnels);
	l2sec_bump_gen(ln);
	return 0;

err_id:
	WARN_ON(rhltable_remove(&tb->tunnel_ids, &t->idnode, l2sec_tunnel_id_params));
err_handle:
	xa_erase(&tb->handles, t->handle);
	return err;
}

/*
 * Under ln->lock: moves @t to key @k (TUNNEL_SET of bind mark or peer).  The
 * spare key node is hashed with @k before the current one is removed, so a
 * packet finds the tunnel by either meanwhile.  On failure (-EEXIST: a
 * tunnel of that origin holds the id; -E2BIG, -ENOMEM) @t keeps its key.
 */
int l2sec_tunnel_rehash(struct l2sec_net *ln, struct l2sec_tunnel *t,
			const struct l2sec_tunnel_key *k)
{
	struct l2sec_tunnel_knode *old = &t->kn[t->kcur], *new = &t->kn[!t->kcur];
	int err;

	lockdep_assert_held(&ln->lock);
	if (!memcmp(&old->key, k, sizeof(*k)))
		return 0;
	/* a reader may still walk the spare node if it left the table lately */
	if (t->kn_gp)
		cond_synchronize_rcu(t->kn_gp);
	new->key = *k;
	err = rhashtable_lookup_insert_fast(&ln->tables->tunnels, &new->node,
					    l2sec_tunnel_params);
	if (err)
		return err;
	WARN_ON(rhashtable_remove_fast(&ln->tables->tunnels, &old->node,
				       l2sec_tunnel_params));
	t->kn_gp = get_state_synchronize_rcu() ? : 1;
	t->kcur = !t->kcur;
	l2sec_bump_gen(ln);
	return 0;
}

void l2sec_tunnel_del(struct l2sec_net *ln, struct l2sec_tunnel *t, bool notify)
{
	struct l2sec_session *s, *tmp;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry_safe(s, tmp, &t->sessions, tnode)
		l2sec_session_del(ln, s, notify);
	WARN_ON(rhashtable_remove_fast(&ln->tables->tunnels, &t->kn[t->kcur].node,
				       l2sec_tunnel_params));
	WARN_ON(rhltable_remove(&ln->tables->tunnel_ids, &t->idnode,
				l2sec_tunnel_id_params));
	xa_erase(&ln->tables->handles, t->handle);
	t->lsock->n_tunnels--;
	atomic_dec(&ln->n_tunnels);
	l2sec_bump_gen(ln);
	if (notify)	/* also stops a late TUNNEL_NTF_BOUND */
		l2sec_notify_tunnel(ln, t, L2SEC_CMD_TUNNEL_NTF_DEL, GFP_KERNEL);
	call_rcu(&t->rcu, l2sec_tunnel_free_rcu);
}

/* Without counters: l2sec_session_stats_init() gives them, in its tunnel. */
struct l2sec_session *l2sec_session_alloc(void)
{
	struct l2sec_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	INIT_LIST_HEAD(&s->tnode);
	atomic_inc(&l2sec_live_objects);
	return s;
}

/*
 * Under ln->lock, before @s is inserted into @t: its counters, @t's s0 if no
 * session took them yet (a client's tunnel: its one session), else its own
 * (-ENOMEM if they cannot be had).
 */
int l2sec_session_stats_init(struct l2sec_net *ln, struct l2sec_tunnel *t,
			     struct l2sec_session *s)
{
	lockdep_assert_held(&ln->lock);
	if (!t->s0_taken) {
		t->s0_taken = true;
		s->stats = &t->stats->s0;
		return 0;
	}
	s->stats = netdev_alloc_pcpu_stats(struct l2sec_pcpu_sstats);
	if (!s->stats)
		return -ENOMEM;
	s->own_stats = true;
	return 0;
}

/* A session never inserted, or after the grace period. */
void l2sec_session_free(struct l2sec_session *s)
{
	struct l2sec_addrs *a = rcu_dereference_protected(s->addrs, true);

	if (a) {
		kfree(a);
		atomic_dec(&l2sec_live_objects);
	}
	if (s->own_stats)
		free_percpu(s->stats);
	kfree(s);
	atomic_dec(&l2sec_live_objects);
}

static void l2sec_session_free_rcu(struct rcu_head *head)
{
	l2sec_session_free(container_of(head, struct l2sec_session, rcu));
}

static void l2sec_addrs_unhash(struct l2sec_net *ln, struct l2sec_addrs *a);

/*
 * Hashes @s (its addresses are hashed already, by set_addrs).  On failure
 * (the table full, or no memory to grow it) the addresses are unhashed again
 * and @s is freed after a grace period: a transmit may have found it by
 * address.
 */
int l2sec_session_insert(struct l2sec_net *ln, struct l2sec_session *s)
{
	struct l2sec_tunnel *t = s->tunnel;
	int err;

	lockdep_assert_held(&ln->lock);
	s->key = (u64)t->handle << 16 | s->id;
	err = rhashtable_lookup_insert_fast(&ln->tables->sessions, &s->hnode,
					    l2sec_session_params);
	if (err) {
		l2sec_addrs_unhash(ln, rcu_dereference_protected(s->addrs,
							     lockdep_is_held(&ln->lock)));
		call_rcu(&s->rcu, l2sec_session_free_rcu);
		return err;
	}
	list_add_tail(&s->tnode, &t->sessions);
	if (!rcu_access_pointer(t->first))
		rcu_assign_pointer(t->first, s);
	t->n_sessions++;
	atomic_inc(&ln->n_sessions);
	l2sec_bump_gen(ln);
	return 0;
}

/* @n is in its table (never fails: a remove only fails for a missing entry). */
static void l2sec_addr_unhash(struct l2sec_net *ln, struct l2sec_addr_node *n)
{
	int err;

	if (n->plen == 32)
		err = rhashtable_remove_fast(&ln->tables->addr4, &n->node,
					     l2sec_addr4_params);
	else
		err = rhashtable_remove_fast(&ln->tables->addr6, &n->node,
					     l2sec_addr6_params);
	WARN_ON(err);
}

static int l2sec_addr_hash(struct l2sec_net *ln, struct l2sec_addr_node *n)
{
	if (n->plen == 32)
		return rhashtable_lookup_insert_fast(&ln->tables->addr4, &n->node,
						     l2sec_addr4_params);
	return rhashtable_lookup_insert_fast(&ln->tables->addr6, &n->node,
					     l2sec_addr6_params);
}

/* The node in the table with @n's key, NULL if none. */
static struct l2sec_addr_node *l2sec_addr_find(struct l2sec_net *ln,
					       const struct l2sec_addr_node *n)
{
	if (n->plen == 32)
		return l2sec_addr4_find(ln, n->addr.a4);
	return l2sec_addr6_find(ln, &n->addr.a6, n->plen);
}

/* Each node of @a, in its table; for the loops below. */
static struct l2sec_addr_node *l2sec_addrs_node(struct l2sec_addrs *a, int i)
{
	if (a->has4)
		return i ? &a->a6[i - 1] : &a->a4;
	return &a->a6[i];
}

static int l2sec_addrs_count(const struct l2sec_addrs *a)
{
	return a ? a->has4 + a->n6 : 0;
}

static void l2sec_addrs_unhash(struct l2sec_net *ln, struct l2sec_addrs *a)
{
	int i;

	for (i = 0; i < l2sec_addrs_count(a); i++)
		l2sec_addr_unhash(ln, l2sec_addrs_node(a, i));
}

void l2sec_session_del(struct l2sec_net *ln, struct l2sec_session *s, bool notify)
{
	lockdep_assert_held(&ln->lock);
	l2sec_addrs_unhash(ln, rcu_dereference_protected(s->addrs,
							 lockdep_is_held(&ln->lock)));
	list_del(&s->tnode);
	if (rcu_access_pointer(s->tunnel->first) == s)
		rcu_assign_pointer(s->tunnel->first,
				   list_first_entry_or_null(&s->tunnel->sessions,
							    struct l2sec_session, tnode));
	WARN_ON(rhashtable_remove_fast(&ln->tables->sessions, &s->hnode,
				       l2sec_session_params));
	s->tunnel->n_sessions--;
	atomic_dec(&ln->n_sessions);
	l2sec_bump_gen(ln);
	if (notify)
		l2sec_notify_session(ln, s, L2SEC_CMD_SESSION_NTF_DEL);
	call_rcu(&s->rcu, l2sec_session_free_rcu);
}

static void l2sec_addrs_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct l2sec_addrs, rcu));
	atomic_dec(&l2sec_live_objects);
}

/*
 * Checks and completes the nodes of @addrs for session @s: masks the IPv6
 * prefixes, refuses a prefix given twice (-EINVAL) and an address another
 * session holds (-EADDRINUSE).
 */
static int l2sec_addrs_prepare(struct l2sec_net *ln, struct l2sec_session *s,
			       struct l2sec_addrs *addrs, struct netlink_ext_ack *extack)
{
	struct l2sec_addr_node *n;
	int i, j;

	if (addrs->has4)
		addrs->a4.plen = 32;
	for (i = 0; i < addrs->n6; i++) {
		struct l2sec_addr_node *a6 = &addrs->a6[i];
		struct in6_addr full = a6->addr.a6;

		/* ipv6_addr_prefix() clears its output first: no aliasing */
		ipv6_addr_prefix(&a6->addr.a6, &full, a6->plen);
		for (j = 0; j < i; j++)
			if (addrs->a6[j].plen == a6->plen &&
			    ipv6_addr_equal(&addrs->a6[j].addr.a6, &a6->addr.a6)) {
				NL_SET_ERR_MSG(extack, "duplicate IPv6 prefix");
				return -EINVAL;
			}
	}
	for (i = 0; i < l2sec_addrs_count(addrs); i++) {
		n = l2sec_addrs_node(addrs, i);
		n->session = s;
		n = l2sec_addr_find(ln, n);
		if (n && n->session != s) {
			NL_SET_ERR_MSG(extack, "address already belongs to another session");
			return -EADDRINUSE;
		}
	}
	return 0;
}

/* The node of @a with @n's key, NULL if none. */
static struct l2sec_addr_node *l2sec_addrs_match(struct l2sec_addrs *a,
						 const struct l2sec_addr_node *n)
{
	struct l2sec_addr_node *o;
	int i;

	for (i = 0; i < l2sec_addrs_count(a); i++) {
		o = l2sec_addrs_node(a, i);
		if (o->plen == n->plen &&
		    (n->plen == 32 ? o->addr.a4 == n->addr.a4 :
				     ipv6_addr_equal(&o->addr.a6, &n->addr.a6)))
			return o;
	}
	return NULL;
}

static void l2sec_addr_replace(struct l2sec_net *ln, struct l2sec_addr_node *from,
			       struct l2sec_addr_node *to)
{
	int err;

	/* fails only if @from is not in the table */
	if (from->plen == 32)
		err = rhashtable_replace_fast(&ln->tables->addr4, &from->node, &to->node,
					      l2sec_addr4_params);
	else
		err = rhashtable_replace_fast(&ln->tables->addr6, &from->node, &to->node,
					      l2sec_addr6_params);
	WARN_ON(err);
}

/*
 * Hashes the nodes of @addrs, each in place of @old's node of the same key
 * if there is one (a lookup finds the one or the other, never nothing), else
 * as a new entry, then unhashes the rest of @old.  On failure (a table that
 * could not grow) the tables are as they were.
 */
static int l2sec_addrs_rehash(struct l2sec_net *ln, struct l2sec_addrs *old,
			      struct l2sec_addrs *addrs)
{
	struct l2sec_addr_node *n, *o;
	int i, err;

	for (i = 0; i < l2sec_addrs_count(addrs); i++) {
		n = l2sec_addrs_node(addrs, i);
		o = l2sec_addrs_match(old, n);
		if (o) {
			l2sec_addr_replace(ln, o, n);
			continue;
		}
		err = l2sec_addr_hash(ln, n);
		if (err)
			goto undo;
	}
	for (i = 0; i < l2sec_addrs_count(old); i++) {
		o = l2sec_addrs_node(old, i);
		if (!l2sec_addrs_match(addrs, o))
			l2sec_addr_unhash(ln, o);
	}
	return 0;

undo:
	while (i--) {
		n = l2sec_addrs_node(addrs, i);
		o = l2sec_addrs_match(old, n);
		if (o)
			l2sec_addr_replace(ln, n, o);
		else
			l2sec_addr_unhash(ln, n);
	}
	return err;
}

/*
 * Replaces the session's address set by @addrs (NULL: none); takes
 * ownership of @addrs in every case.  Fails with -EADDRINUSE if another
 * session of the namespace holds one of the addresses, with -E2BIG or
 * -ENOMEM if a table is full or could not grow; the old set stays then.
 */
int l2sec_session_set_addrs(struct l2sec_net *ln, struct l2sec_session *s,
			    struct l2sec_addrs *addrs, struct netlink_ext_ack *extack)
{
	struct l2sec_addrs *old;
	int err;

	lockdep_assert_held(&ln->lock);
	if (addrs) {
		atomic_inc(&l2sec_live_objects);
		err = l2sec_addrs_prepare(ln, s, addrs, extack);
		if (err)
			goto err;
	}
	old = rcu_dereference_protected(s->addrs, lockdep_is_held(&ln->lock));
	err = l2sec_addrs_rehash(ln, old, addrs);
	if (err) {
		NL_SET_ERR_MSG(extack, "an address table is full or cannot grow");
		goto err;
	}
	rcu_assign_pointer(s->addrs, addrs);
	if (old)
		call_rcu(&old->rcu, l2sec_addrs_free_rcu);
	l2sec_bump_gen(ln);
	return 0;

err:
	if (addrs) {
		kfree(addrs);
		atomic_dec(&l2sec_live_objects);
	}
	return err;
}
