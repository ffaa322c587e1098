// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel, session and address tables of a namespace (rules: internal.h).
 *
 * Fixed-size RCU hlist tables, allocated once per namespace:
 * - tunnels by local tunnel id (hash_32);
 * - sessions by (local tunnel id, local session id) for receive;
 * - addr4 by the client's IPv4 address (hash_32 of the /32) and addr6 by
 *   (prefix masked to its length, length) with jhash2, for transmit.  IPv6
 *   prefixes are /64 or /128; a transmit lookup tries the /128 first, then
 *   the /64 of the destination.  Two lookups, no longest-prefix trie: an
 *   L2TP client gets one address or one /64, nothing in between.
 * At 4096 buckets a gateway with 100k sessions walks ~25 entries per lookup;
 * rhashtable would be the next step if that shows up in profiles.
 */
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "internal.h"

/*
 * The tables are allocated by the namespace's first SOCK_ADD (a tunnel needs
 * a socket, a session a tunnel), so that a namespace where l2sec is never
 * used pays nothing for them, and freed with the namespace.
 */
int l2sec_tables_get(struct l2sec_net *ln)
{
	struct l2sec_tables *tb;

	lockdep_assert_held(&ln->lock);
	if (ln->tables)
		return 0;
	tb = kvzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	/* lockless readers (l2sec_tables()) see it initialized */
	smp_store_release(&ln->tables, tb);
	return 0;
}

void l2sec_tables_free(struct l2sec_net *ln)
{
	kvfree(ln->tables);
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

static u32 l2sec_tunnel_hash(u16 id)
{
	return hash_32(id, L2SEC_TUNNEL_HASH_BITS);
}

static u32 l2sec_session_hash(u16 tid, u16 sid)
{
	return hash_32(((u32)tid << 16) | sid, L2SEC_SESSION_HASH_BITS);
}

static u32 l2sec_addr4_hash(__be32 a)
{
	return hash_32((__force u32)a, L2SEC_ADDR_HASH_BITS);
}

static u32 l2sec_addr6_hash(const struct in6_addr *a, u8 plen)
{
	return jhash2((const u32 *)a->s6_addr32, 4, plen) &
	       ((1U << L2SEC_ADDR_HASH_BITS) - 1);
}

/* Under RCU or ln->lock. */
struct l2sec_tunnel *l2sec_tunnel_lookup(struct l2sec_net *ln, u16 id)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_tunnel *t;

	if (!tb)
		return NULL;
	hlist_for_each_entry_rcu(t, &tb->tunnels[l2sec_tunnel_hash(id)],
				 hnode, lockdep_is_held(&ln->lock))
		if (t->id == id)
			return t;
	return NULL;
}

/* Under RCU or ln->lock. */
struct l2sec_session *l2sec_session_lookup(struct l2sec_net *ln, u16 tid, u16 sid)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_session *s;
	struct hlist_head *h;

	if (!tb)
		return NULL;
	h = &tb->sessions[l2sec_session_hash(tid, sid)];
	hlist_for_each_entry_rcu(s, h, hnode, lockdep_is_held(&ln->lock))
		if (s->id == sid && s->tunnel->id == tid)
			return s;
	return NULL;
}

static struct l2sec_addr_node *l2sec_addr4_find(struct l2sec_net *ln, __be32 a)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_addr_node *n;

	if (!tb)
		return NULL;
	hlist_for_each_entry_rcu(n, &tb->addr4[l2sec_addr4_hash(a)], node,
				 lockdep_is_held(&ln->lock))
		if (n->addr.a4 == a)
			return n;
	return NULL;
}

/* @a must be masked to @plen already. */
static struct l2sec_addr_node *l2sec_addr6_find(struct l2sec_net *ln,
						const struct in6_addr *a, u8 plen)
{
	struct l2sec_tables *tb = l2sec_tables(ln);
	struct l2sec_addr_node *n;
	struct hlist_head *h;

	if (!tb)
		return NULL;
	h = &tb->addr6[l2sec_addr6_hash(a, plen)];
	hlist_for_each_entry_rcu(n, h, node, lockdep_is_held(&ln->lock))
		if (n->plen == plen && ipv6_addr_equal(&n->addr.a6, a))
			return n;
	return NULL;
}

/* Under RCU. */
struct l2sec_session *l2sec_session_by_addr4(struct l2sec_net *ln, __be32 daddr)
{
	struct l2sec_addr_node *n = l2sec_addr4_find(ln, daddr);

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

struct l2sec_tunnel *l2sec_tunnel_alloc(void)
{
	struct l2sec_tunnel *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->stats = netdev_alloc_pcpu_stats(struct l2sec_pcpu_stats);
	if (!t->stats) {
		kfree(t);
		return NULL;
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
	kfree(t);
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

void l2sec_tunnel_insert(struct l2sec_net *ln, struct l2sec_tunnel *t)
{
	lockdep_assert_held(&ln->lock);
	hlist_add_head_rcu(&t->hnode, &ln->tables->tunnels[l2sec_tunnel_hash(t->id)]);
	t->lsock->n_tunnels++;
	atomic_inc(&ln->n_tunnels);
	l2sec_bump_gen(ln);
}

void l2sec_tunnel_del(struct l2sec_net *ln, struct l2sec_tunnel *t, bool notify)
{
	struct l2sec_session *s, *tmp;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry_safe(s, tmp, &t->sessions, tnode)
		l2sec_session_del(ln, s, notify);
	hlist_del_rcu(&t->hnode);
	t->lsock->n_tunnels--;
	atomic_dec(&ln->n_tunnels);
	l2sec_bump_gen(ln);
	if (notify)	/* also stops a late TUNNEL_NTF_BOUND */
		l2sec_notify_tunnel(ln, t, L2SEC_CMD_TUNNEL_NTF_DEL, GFP_KERNEL);
	call_rcu(&t->rcu, l2sec_tunnel_free_rcu);
}

struct l2sec_session *l2sec_session_alloc(void)
{
	struct l2sec_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->stats = netdev_alloc_pcpu_stats(struct l2sec_pcpu_sstats);
	if (!s->stats) {
		kfree(s);
		return NULL;
	}
	INIT_LIST_HEAD(&s->tnode);
	atomic_inc(&l2sec_live_objects);
	return s;
}

/* A session never inserted, or after the grace period. */
void l2sec_session_free(struct l2sec_session *s)
{
	struct l2sec_addrs *a = rcu_dereference_protected(s->addrs, true);

	if (a) {
		kfree(a);
		atomic_dec(&l2sec_live_objects);
	}
	free_percpu(s->stats);
	kfree(s);
	atomic_dec(&l2sec_live_objects);
}

static void l2sec_session_free_rcu(struct rcu_head *head)
{
	l2sec_session_free(container_of(head, struct l2sec_session, rcu));
}

void l2sec_session_insert(struct l2sec_net *ln, struct l2sec_session *s)
{
	struct l2sec_tunnel *t = s->tunnel;

	lockdep_assert_held(&ln->lock);
	hlist_add_head_rcu(&s->hnode,
			   &ln->tables->sessions[l2sec_session_hash(t->id, s->id)]);
	list_add_tail(&s->tnode, &t->sessions);
	t->n_sessions++;
	atomic_inc(&ln->n_sessions);
	l2sec_bump_gen(ln);
}

static void l2sec_addrs_unhash(struct l2sec_addrs *a)
{
	int i;

	if (!a)
		return;
	if (a->has4)
		hlist_del_rcu(&a->a4.node);
	for (i = 0; i < a->n6; i++)
		hlist_del_rcu(&a->a6[i].node);
}

void l2sec_session_del(struct l2sec_net *ln, struct l2sec_session *s, bool notify)
{
	lockdep_assert_held(&ln->lock);
	l2sec_addrs_unhash(rcu_dereference_protected(s->addrs,
						     lockdep_is_held(&ln->lock)));
	hlist_del_rcu(&s->hnode);
	list_del(&s->tnode);
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
 * Replaces the session's address set by @addrs (NULL: none); takes
 * ownership of @addrs in every case.  Fails with -EADDRINUSE if another
 * session of the namespace holds one of the addresses.
 */
int l2sec_session_set_addrs(struct l2sec_net *ln, struct l2sec_session *s,
			    struct l2sec_addrs *addrs, struct netlink_ext_ack *extack)
{
	struct l2sec_addrs *old;
	struct l2sec_addr_node *n;
	int i, j;

	lockdep_assert_held(&ln->lock);
	if (addrs) {
		atomic_inc(&l2sec_live_objects);
		if (addrs->has4) {
			n = l2sec_addr4_find(ln, addrs->a4.addr.a4);
			if (n && n->session != s)
				goto in_use;
			addrs->a4.session = s;
			addrs->a4.plen = 32;
		}
		for (i = 0; i < addrs->n6; i++) {
			struct l2sec_addr_node *a6 = &addrs->a6[i];

			struct in6_addr full = a6->addr.a6;

			/* ipv6_addr_prefix() clears its output first: no aliasing */
			ipv6_addr_prefix(&a6->addr.a6, &full, a6->plen);
			for (j = 0; j < i; j++)
				if (addrs->a6[j].plen == a6->plen &&
				    ipv6_addr_equal(&addrs->a6[j].addr.a6, &a6->addr.a6)) {
					NL_SET_ERR_MSG(extack, "duplicate IPv6 prefix");
					kfree(addrs);
					atomic_dec(&l2sec_live_objects);
					return -EINVAL;
				}
			n = l2sec_addr6_find(ln, &a6->addr.a6, a6->plen);
			if (n && n->session != s)
				goto in_use;
			a6->session = s;
		}
	}
	old = rcu_dereference_protected(s->addrs, lockdep_is_held(&ln->lock));
	l2sec_addrs_unhash(old);
	if (addrs) {
		if (addrs->has4)
			hlist_add_head_rcu(&addrs->a4.node,
					   &ln->tables->addr4[l2sec_addr4_hash(addrs->a4.addr.a4)]);
		for (i = 0; i < addrs->n6; i++)
			hlist_add_head_rcu(&addrs->a6[i].node,
					   &ln->tables->addr6[l2sec_addr6_hash(&addrs->a6[i].addr.a6,
									       addrs->a6[i].plen)]);
	}
	rcu_assign_pointer(s->addrs, addrs);
	if (old)
		call_rcu(&old->rcu, l2sec_addrs_free_rcu);
	l2sec_bump_gen(ln);
	return 0;

in_use:
	NL_SET_ERR_MSG(extack, "address already belongs to another session");
	kfree(addrs);
	atomic_dec(&l2sec_live_objects);
	return -EADDRINUSE;
}
