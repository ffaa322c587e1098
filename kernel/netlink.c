// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "l2sec" v1: the commands of uapi/l2sec.h.
 *
 * Every handler that reads or changes objects takes the namespace's
 * ln->lock (a mutex; generic netlink handlers and dumps run in process
 * context).  Each command has its own strict policy; attributes not listed
 * in it are rejected by the core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "internal.h"

static struct genl_family l2sec_family;

/*
 * "events" carries every notification; "sock" only SOCK_NTF_DEL, for a
 * daemon that needs to know when a socket went and nothing else (uapi).
 */
enum { L2SEC_MCGRP_EVENTS_ID, L2SEC_MCGRP_SOCK_ID };

/* Notifications carry what GET replies carry: CAP_NET_ADMIN to listen. */
static const struct genl_multicast_group l2sec_mcgrps[] = {
	[L2SEC_MCGRP_EVENTS_ID] = L2SEC_COMPAT_MCGRP_ADMIN(L2SEC_MCGRP_EVENTS),
	[L2SEC_MCGRP_SOCK_ID] = L2SEC_COMPAT_MCGRP_ADMIN(L2SEC_MCGRP_SOCK),
};

/* --- policies, one per command ------------------------------------------- */

static const struct nla_policy l2sec_pfx_policy[L2SEC_PFX_A_MAX + 1] = {
	[L2SEC_PFX_A_ADDR] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[L2SEC_PFX_A_LEN] = { .type = NLA_U8 },
};

#define L2SEC_POL_ID		NLA_POLICY_MIN(NLA_U16, 1)
#define L2SEC_POL_BOOL		NLA_POLICY_MAX(NLA_U8, 1)
#define L2SEC_POL_ONE		NLA_POLICY_RANGE(NLA_U8, 1, 1)
#define L2SEC_POL_ADDR4		NLA_POLICY_EXACT_LEN(sizeof(__be32))
#define L2SEC_POL_ADDR6		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr))
/* mark 0 is what an SA without a set-mark leaves: it names no SA */
#define L2SEC_POL_BIND		NLA_POLICY_MIN(NLA_U32, 1)
#define L2SEC_POL_HANDLE	NLA_POLICY_MIN(NLA_U32, 1)

static const struct nla_policy l2sec_sock_add_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_SOCK_FD] = { .type = NLA_U32 },
	[L2SEC_A_REQUIRE_IPSEC] = L2SEC_POL_BOOL,
};

static const struct nla_policy l2sec_sock_id_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_SOCK_ID] = { .type = NLA_U32 },
};

static const struct nla_policy l2sec_tunnel_new_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_PEER_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_SOCK_ID] = { .type = NLA_U32 },
	[L2SEC_A_PEER_ADDR4] = L2SEC_POL_ADDR4,
	[L2SEC_A_PEER_ADDR6] = L2SEC_POL_ADDR6,
	[L2SEC_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[L2SEC_A_LOCAL_ADDR4] = L2SEC_POL_ADDR4,
	[L2SEC_A_LOCAL_ADDR6] = L2SEC_POL_ADDR6,
	[L2SEC_A_REQUIRE_IPSEC] = L2SEC_POL_BOOL,
	[L2SEC_A_BIND_MARK] = L2SEC_POL_BIND,
	[L2SEC_A_BIND_REQID] = L2SEC_POL_BIND,
	[L2SEC_A_OUT_MARK] = { .type = NLA_U32 },
};

static const struct nla_policy l2sec_tunnel_set_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_PEER_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_PEER_ADDR4] = L2SEC_POL_ADDR4,
	[L2SEC_A_PEER_ADDR6] = L2SEC_POL_ADDR6,
	[L2SEC_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[L2SEC_A_LOCAL_ADDR4] = L2SEC_POL_ADDR4,
	[L2SEC_A_LOCAL_ADDR6] = L2SEC_POL_ADDR6,
	[L2SEC_A_BIND_MARK] = L2SEC_POL_BIND,
	[L2SEC_A_BIND_REQID] = L2SEC_POL_BIND,
	[L2SEC_A_UNBIND] = L2SEC_POL_ONE,
	[L2SEC_A_OUT_MARK] = { .type = NLA_U32 },
};

static const struct nla_policy l2sec_tunnel_id_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
};

static const struct nla_policy l2sec_tunnel_get_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_SOCK_ID] = { .type = NLA_U32 },
};

static const struct nla_policy l2sec_session_new_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_SESSION_ID] = L2SEC_POL_ID,
	[L2SEC_A_PEER_SESSION_ID] = L2SEC_POL_ID,
	[L2SEC_A_STATE] = L2SEC_POL_BOOL,
	[L2SEC_A_IPV4] = L2SEC_POL_ADDR4,
	[L2SEC_A_IPV6_PREFIX] = NLA_POLICY_NESTED(l2sec_pfx_policy),
	[L2SEC_A_IPV6_IFID] = NLA_POLICY_EXACT_LEN(8),
};

static const struct nla_policy l2sec_session_set_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_SESSION_ID] = L2SEC_POL_ID,
	[L2SEC_A_PEER_SESSION_ID] = L2SEC_POL_ID,
	[L2SEC_A_STATE] = L2SEC_POL_BOOL,
	[L2SEC_A_IPV4] = L2SEC_POL_ADDR4,
	[L2SEC_A_IPV6_PREFIX] = NLA_POLICY_NESTED(l2sec_pfx_policy),
	[L2SEC_A_IPV6_IFID] = NLA_POLICY_EXACT_LEN(8),
	[L2SEC_A_CLEAR_ADDRS] = L2SEC_POL_ONE,
};

static const struct nla_policy l2sec_session_id_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_SESSION_ID] = L2SEC_POL_ID,
};

/* GET's: the session's ids; a dump's filters (the tunnel, an address it holds) */
static const struct nla_policy l2sec_session_get_policy[L2SEC_A_MAX + 1] = {
	[L2SEC_A_TUNNEL_ID] = L2SEC_POL_ID,
	[L2SEC_A_TUNNEL_HANDLE] = L2SEC_POL_HANDLE,
	[L2SEC_A_SESSION_ID] = L2SEC_POL_ID,
	[L2SEC_A_IPV4] = L2SEC_POL_ADDR4,
	[L2SEC_A_IPV6_ADDR] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

/* STATS_GET takes no attributes: every attribute is "unsupported". */
static const struct nla_policy l2sec_empty_policy[L2SEC_A_MAX + 1] = {
};

/* --- message sizes ------------------------------------------------------- */

/*
 * What a message of each kind takes at the most: every optional attribute
 * present, addresses IPv6, a session with all its prefixes.  A reply or a
 * notification is allocated at that size (not NLMSG_GOODSIZE: 4 KiB to fill
 * with a few hundred bytes, then trimmed by a copy).  Were an estimate ever
 * short, the fill fails with -EMSGSIZE (l2sec_msg_fits also refuses a message
 * longer than its estimate that fitted only in the allocator's rounding, so
 * that a short estimate fails every time): the command then fails with
 * -EMSGSIZE, and a notification is reported lost to its listeners.
 */
#define L2SEC_ADDR_SIZE		nla_total_size(sizeof(struct in6_addr))

static size_t l2sec_sock_size(u8 cmd)
{
	size_t n = nla_total_size(sizeof(u32));		/* A_SOCK_ID */

	if (cmd == L2SEC_CMD_SOCK_NTF_DEL)
		return n;
	return n + nla_total_size(sizeof(u16)) +		/* A_FAMILY */
	       nla_total_size(sizeof(u16)) +		/* A_LOCAL_PORT */
	       nla_total_size(sizeof(u8)) +		/* A_REQUIRE_IPSEC */
	       nla_total_size(sizeof(u32)) +		/* A_TUNNEL_COUNT */
	       L2SEC_ADDR_SIZE;				/* A_LOCAL_ADDR4|6 */
}

static size_t l2sec_tunnel_size(u8 cmd, bool stats)
{
	size_t n = nla_total_size(sizeof(u32)) +	/* A_TUNNEL_HANDLE */
		   nla_total_size(sizeof(u16)) +	/* A_TUNNEL_ID */
		   nla_total_size(sizeof(u32));		/* A_SOCK_ID */

	if (cmd == L2SEC_CMD_TUNNEL_NTF_DEL)
		return n;
	n += nla_total_size(sizeof(u32)) +		/* A_BIND_MARK */
	     nla_total_size(sizeof(u32)) +		/* A_BIND_REQID */
	     L2SEC_ADDR_SIZE +				/* A_BIND_PEER4|6 */
	     nla_total_size(0) +			/* A_SA */
	     nla_total_size(sizeof(u32)) * 3 +		/*   MARK, SPI, REQID */
	     nla_total_size(sizeof(u16)) * 2 +		/*   ENCAP_SPORT, _DPORT */
	     L2SEC_ADDR_SIZE;				/*   PEER4|6 */
	if (cmd == L2SEC_CMD_TUNNEL_NTF_BOUND)
		return n;
	n += L2SEC_ADDR_SIZE +				/* A_PEER_ADDR4|6 */
	     nla_total_size(sizeof(u16)) +		/* A_PEER_PORT */
	     L2SEC_ADDR_SIZE +				/* A_LOCAL_ADDR4|6 */
	     nla_total_size(sizeof(u16)) +		/* A_PEER_TUNNEL_ID */
	     nla_total_size(sizeof(u8)) +		/* A_REQUIRE_IPSEC */
	     nla_total_size(sizeof(u32)) +		/* A_OUT_MARK */
	     nla_total_size(sizeof(u8)) +		/* A_BOUND */
	     nla_total_size(sizeof(u32));		/* A_SESSION_COUNT */
	return stats ? n + l2sec_stats_size(true) : n;
}

static size_t l2sec_session_size(u8 cmd, bool stats)
{
	size_t n = nla_total_size(sizeof(u32)) +	/* A_TUNNEL_HANDLE */
		   nla_total_size(sizeof(u16)) +	/* A_TUNNEL_ID */
		   nla_total_size(sizeof(u16));		/* A_SESSION_ID */

	if (cmd == L2SEC_CMD_SESSION_NTF_DEL)
		return n;
	n += nla_total_size(sizeof(u16)) +		/* A_PEER_TUNNEL_ID */
	     nla_total_size(sizeof(u16)) +		/* A_PEER_SESSION_ID */
	     nla_total_size(sizeof(u8)) +		/* A_STATE */
	     nla_total_size(sizeof(__be32)) +		/* A_IPV4 */
	     nla_total_size(8) +			/* A_IPV6_IFID */
	     L2SEC_MAX_IPV6_PREFIXES *			/* A_IPV6_PREFIX */
	     (nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) +
	      nla_total_size(sizeof(u8)));
	return stats ? n + l2sec_stats_size(false) : n;
}

static size_t l2sec_stats_get_size(void)
{
	return nla_total_size(sizeof(u32)) * 5 +	/* A_IFINDEX, the counts */
	       l2sec_stats_size(true);
}

/* A message filled up to @payload bytes of attributes, not beyond (above). */
static int l2sec_msg_fits(const struct sk_buff *msg, size_t payload)
{
	return msg->len > nlmsg_total_size(genlmsg_total_size(payload)) ? -EMSGSIZE : 0;
}

/* --- message builders ---------------------------------------------------- */

static void *l2sec_hdr(struct sk_buff *msg, u32 portid, u32 seq, int flags, u8 cmd)
{
	return genlmsg_put(msg, portid, seq, &l2sec_family, flags, cmd);
}

static int l2sec_put_addr(struct sk_buff *msg, int a4, int a6, u16 family,
			  const union l2sec_addr *a)
{
	if (family == AF_INET)
		return nla_put_in_addr(msg, a4, a->a4);
	return nla_put_in6_addr(msg, a6, &a->a6);
}

/* @cb: the dump in progress (marks the message if the tables changed). */
static void *l2sec_hdr_cb(struct sk_buff *msg, u32 portid, u32 seq, int flags,
			  u8 cmd, struct netlink_callback *cb)
{
	void *hdr = l2sec_hdr(msg, portid, seq, flags, cmd);

	if (hdr && cb)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

static int l2sec_fill_sock(struct sk_buff *msg, const struct l2sec_sock *ls,
			   u32 portid, u32 seq, int flags, u8 cmd,
			   struct netlink_callback *cb)
{
	const struct inet_sock *inet = inet_sk(ls->sk);
	void *hdr = l2sec_hdr_cb(msg, portid, seq, flags, cmd, cb);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2SEC_A_SOCK_ID, ls->id))
		goto err;
	if (cmd != L2SEC_CMD_SOCK_NTF_DEL) {
		if (nla_put_u16(msg, L2SEC_A_FAMILY, ls->family) ||
		    nla_put_u16(msg, L2SEC_A_LOCAL_PORT, ntohs(inet->inet_sport)) ||
		    nla_put_u8(msg, L2SEC_A_REQUIRE_IPSEC, ls->require_ipsec) ||
		    nla_put_u32(msg, L2SEC_A_TUNNEL_COUNT, ls->n_tunnels))
			goto err;
		if (ls->family == AF_INET &&
		    nla_put_in_addr(msg, L2SEC_A_LOCAL_ADDR4, inet->inet_rcv_saddr))
			goto err;
#if IS_ENABLED(CONFIG_IPV6)
		if (ls->family == AF_INET6 &&
		    nla_put_in6_addr(msg, L2SEC_A_LOCAL_ADDR6, &ls->sk->sk_v6_rcv_saddr))
			goto err;
#endif
	}
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int l2sec_put_sa(struct sk_buff *msg, const struct l2sec_sa_info *sa)
{
	struct nlattr *nest = nla_nest_start(msg, L2SEC_A_SA);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2SEC_SA_A_MARK, sa->mark) ||
	    nla_put_u32(msg, L2SEC_SA_A_SPI, sa->spi) ||
	    nla_put_u32(msg, L2SEC_SA_A_REQID, sa->reqid) ||
	    nla_put_u16(msg, L2SEC_SA_A_ENCAP_SPORT, sa->encap_sport) ||
	    nla_put_u16(msg, L2SEC_SA_A_ENCAP_DPORT, sa->encap_dport) ||
	    l2sec_put_addr(msg, L2SEC_SA_A_PEER4, L2SEC_SA_A_PEER6, sa->family,
			   &sa->peer)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int l2sec_put_binding(struct sk_buff *msg, const struct l2sec_binding *b)
{
	if ((b->known & L2SEC_BIND_MARK) && nla_put_u32(msg, L2SEC_A_BIND_MARK, b->mark))
		return -EMSGSIZE;
	if ((b->known & L2SEC_BIND_REQID) && nla_put_u32(msg, L2SEC_A_BIND_REQID, b->reqid))
		return -EMSGSIZE;
	if ((b->known & L2SEC_BIND_PEER) &&
	    l2sec_put_addr(msg, L2SEC_A_BIND_PEER4, L2SEC_A_BIND_PEER6, b->family, &b->peer))
		return -EMSGSIZE;
	return 0;
}

static int l2sec_fill_tunnel(struct sk_buff *msg, struct l2sec_tunnel *t,
			     u32 portid, u32 seq, int flags, u8 cmd, bool stats,
			     struct netlink_callback *cb)
{
	void *hdr = l2sec_hdr_cb(msg, portid, seq, flags, cmd, cb);
	const struct l2sec_endpoint *ep;
	struct l2sec_binding b;
	struct l2sec_sa_info sa;
	bool sa_seen;
	u32 out_mark;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2SEC_A_TUNNEL_HANDLE, t->handle) ||
	    nla_put_u16(msg, L2SEC_A_TUNNEL_ID, t->id) ||
	    nla_put_u32(msg, L2SEC_A_SOCK_ID, t->lsock->id))
		goto err;
	if (cmd == L2SEC_CMD_TUNNEL_NTF_DEL)
		goto end;

	spin_lock_bh(&t->sa_lock);
	b = t->bind;
	sa_seen = t->sa_seen;
	sa = t->sa;
	spin_unlock_bh(&t->sa_lock);

	if (l2sec_put_binding(msg, &b))
		goto err;
	if (sa_seen && l2sec_put_sa(msg, &sa))
		goto err;
	if (cmd == L2SEC_CMD_TUNNEL_NTF_BOUND)
		goto end;

	rcu_read_lock();
	ep = rcu_dereference(t->ep);
	if (l2sec_put_addr(msg, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, ep->family,
			   &ep->peer) ||
	    nla_put_u16(msg, L2SEC_A_PEER_PORT, ntohs(ep->peer_port)) ||
	    (ep->has_local &&
	     l2sec_put_addr(msg, L2SEC_A_LOCAL_ADDR4, L2SEC_A_LOCAL_ADDR6,
			    ep->family, &ep->local))) {
		rcu_read_unlock();
		goto err;
	}
	out_mark = ep->out_mark;
	rcu_read_unlock();
	if (nla_put_u16(msg, L2SEC_A_PEER_TUNNEL_ID, READ_ONCE(t->peer_id)) ||
	    nla_put_u8(msg, L2SEC_A_REQUIRE_IPSEC, t->require_ipsec) ||
	    nla_put_u32(msg, L2SEC_A_OUT_MARK, out_mark) ||
	    nla_put_u8(msg, L2SEC_A_BOUND, !!(b.known & L2SEC_BIND_MARK)) ||
	    nla_put_u32(msg, L2SEC_A_SESSION_COUNT, t->n_sessions))
		goto err;
	if (stats) {
		struct l2sec_stats st;

		l2sec_tstats_fold(t, &st);
		if (l2sec_stats_put(msg, &st, true))
			goto err;
	}
end:
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int l2sec_put_addrs(struct sk_buff *msg, const struct l2sec_addrs *a)
{
	struct nlattr *nest;
	int i;

	if (a->has4 && nla_put_in_addr(msg, L2SEC_A_IPV4, a->a4.addr.a4))
		return -EMSGSIZE;
	if (a->has_ifid && nla_put(msg, L2SEC_A_IPV6_IFID, sizeof(a->ifid), a->ifid))
		return -EMSGSIZE;
	for (i = 0; i < a->n6; i++) {
		nest = nla_nest_start(msg, L2SEC_A_IPV6_PREFIX);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_in6_addr(msg, L2SEC_PFX_A_ADDR, &a->a6[i].addr.a6) ||
		    nla_put_u8(msg, L2SEC_PFX_A_LEN, a->a6[i].plen))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

static int l2sec_fill_session(struct sk_buff *msg, const struct l2sec_session *s,
			      u32 portid, u32 seq, int flags, u8 cmd, bool stats,
			      struct netlink_callback *cb)
{
	void *hdr = l2sec_hdr_cb(msg, portid, seq, flags, cmd, cb);
	const struct l2sec_addrs *a;
	int err;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, L2SEC_A_TUNNEL_HANDLE, s->tunnel->handle) ||
	    nla_put_u16(msg, L2SEC_A_TUNNEL_ID, s->tunnel->id) ||
	    nla_put_u16(msg, L2SEC_A_SESSION_ID, s->id))
		goto err;
	if (cmd == L2SEC_CMD_SESSION_NTF_DEL)
		goto end;
	if (nla_put_u16(msg, L2SEC_A_PEER_TUNNEL_ID, READ_ONCE(s->tunnel->peer_id)) ||
	    nla_put_u16(msg, L2SEC_A_PEER_SESSION_ID, READ_ONCE(s->peer_id)) ||
	    nla_put_u8(msg, L2SEC_A_STATE, READ_ONCE(s->state)))
		goto err;
	rcu_read_lock();
	a = rcu_dereference(s->addrs);
	err = a ? l2sec_put_addrs(msg, a) : 0;
	rcu_read_unlock();
	if (err)
		goto err;
	if (stats) {
		struct l2sec_stats st;

		l2sec_sstats_fold(s->stats, &st);
		if (l2sec_stats_put(msg, &st, false))
			goto err;
	}
end:
	genlmsg_end(msg, hdr);
	return 0;
err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/* --- notifications ------------------------------------------------------- */

/*
 * Cleared before the family is unregistered at module exit: the namespace
 * teardown that follows must not multicast on group ids that are no longer
 * ours.
 */
static bool l2sec_genl_live __read_mostly;

/* Anyone in @group (L2SEC_MCGRP_*_ID) of @ln's namespace?  Else nothing is built. */
static bool l2sec_listeners(struct l2sec_net *ln, u32 group)
{
	return READ_ONCE(l2sec_genl_live) &&
	       genl_has_listeners(&l2sec_family, ln->net, group);
}

/*
 * A notification for @group that could not be built (no memory, or an
 * estimate short: "message sizes" above): its listeners learn that they lost
 * one as from an overrun, ENOBUFS on their socket, and ask for what they need.
 */
static void l2sec_notify_lost(struct l2sec_net *ln, u32 group)
{
	genl_set_err(&l2sec_family, ln->net, 0, group, -ENOBUFS);
}

/* Sends @msg to @group, or reports it lost if it is NULL. */
static void l2sec_multicast(struct l2sec_net *ln, struct sk_buff *msg, u32 group,
			    gfp_t gfp)
{
	if (msg)
		genlmsg_multicast_netns(&l2sec_family, ln->net, msg, 0, group, gfp);
	else
		l2sec_notify_lost(ln, group);
}

static struct sk_buff *l2sec_build_sock_del(const struct l2sec_sock *ls)
{
	size_t size = l2sec_sock_size(L2SEC_CMD_SOCK_NTF_DEL);
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (msg && (l2sec_fill_sock(msg, ls, 0, 0, 0, L2SEC_CMD_SOCK_NTF_DEL, NULL) ||
		    l2sec_msg_fits(msg, size))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* To both groups: "events" carries every notification, "sock" this one. */
void l2sec_notify_sock_del(struct l2sec_net *ln, const struct l2sec_sock *ls)
{
	if (l2sec_listeners(ln, L2SEC_MCGRP_EVENTS_ID))
		l2sec_multicast(ln, l2sec_build_sock_del(ls), L2SEC_MCGRP_EVENTS_ID,
				GFP_KERNEL);
	if (l2sec_listeners(ln, L2SEC_MCGRP_SOCK_ID))
		l2sec_multicast(ln, l2sec_build_sock_del(ls), L2SEC_MCGRP_SOCK_ID,
				GFP_KERNEL);
}

/* May run in softirq (TUNNEL_NTF_BOUND) with @gfp GFP_ATOMIC. */
void l2sec_notify_tunnel(struct l2sec_net *ln, struct l2sec_tunnel *t,
			 u8 cmd, gfp_t gfp)
{
	size_t size = l2sec_tunnel_size(cmd, false);
	bool listened = l2sec_listeners(ln, L2SEC_MCGRP_EVENTS_ID);
	struct sk_buff *msg = NULL;

	if (listened) {
		msg = genlmsg_new(size, gfp);
		if (msg && (l2sec_fill_tunnel(msg, t, 0, 0, 0, cmd, false, NULL) ||
			    l2sec_msg_fits(msg, size))) {
			nlmsg_free(msg);
			msg = NULL;
		}
	}
	if (cmd != L2SEC_CMD_TUNNEL_NTF_BOUND && cmd != L2SEC_CMD_TUNNEL_NTF_DEL) {
		if (listened)
			l2sec_multicast(ln, msg, L2SEC_MCGRP_EVENTS_ID, gfp);
		return;
	}
	/*
	 * A softirq's BOUND and the deleting handler's DEL of one tunnel are
	 * ordered by ntf_lock and ntf_dead: BOUND goes out before DEL, or not
	 * at all.
	 */
	spin_lock_bh(&t->ntf_lock);
	if (cmd == L2SEC_CMD_TUNNEL_NTF_DEL)
		t->ntf_dead = true;
	if (listened && !(cmd == L2SEC_CMD_TUNNEL_NTF_BOUND && t->ntf_dead)) {
		l2sec_multicast(ln, msg, L2SEC_MCGRP_EVENTS_ID, GFP_ATOMIC);
		msg = NULL;
	}
	spin_unlock_bh(&t->ntf_lock);
	nlmsg_free(msg);
}

void l2sec_notify_session(struct l2sec_net *ln, const struct l2sec_session *s,
			  u8 cmd)
{
	size_t size = l2sec_session_size(cmd, false);
	struct sk_buff *msg;

	if (!l2sec_listeners(ln, L2SEC_MCGRP_EVENTS_ID))
		return;
	msg = genlmsg_new(size, GFP_KERNEL);
	if (msg && (l2sec_fill_session(msg, s, 0, 0, 0, cmd, false, NULL) ||
		    l2sec_msg_fits(msg, size))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	l2sec_multicast(ln, msg, L2SEC_MCGRP_EVENTS_ID, GFP_KERNEL);
}

/* --- helpers ---------------------------------------------------------------- */

static struct l2sec_net *l2sec_info_ln(struct genl_info *info)
{
	return l2sec_pernet(genl_info_net(info));
}

/* Sends @msg, built for @size bytes of attributes with @err, as the reply. */
static int l2sec_reply(struct genl_info *info, struct sk_buff *msg, size_t size,
		       int err)
{
	if (!err)
		err = l2sec_msg_fits(msg, size);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int l2sec_reply_tunnel(struct genl_info *info, struct l2sec_tunnel *t,
			      u8 cmd)
{
	size_t size = l2sec_tunnel_size(cmd, true);
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	return l2sec_reply(info, msg, size,
			   l2sec_fill_tunnel(msg, t, info->snd_portid, info->snd_seq,
					     0, cmd, true, NULL));
}

static int l2sec_reply_session(struct genl_info *info,
			       const struct l2sec_session *s, u8 cmd)
{
	size_t size = l2sec_session_size(cmd, true);
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	return l2sec_reply(info, msg, size,
			   l2sec_fill_session(msg, s, info->snd_portid, info->snd_seq,
					      0, cmd, true, NULL));
}

static int l2sec_reply_sock(struct genl_info *info, const struct l2sec_sock *ls)
{
	size_t size = l2sec_sock_size(L2SEC_CMD_SOCK_GET);
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	return l2sec_reply(info, msg, size,
			   l2sec_fill_sock(msg, ls, info->snd_portid, info->snd_seq, 0,
					   L2SEC_CMD_SOCK_GET, NULL));
}

/*
 * Under ln->lock: the tunnel @a names, by A_TUNNEL_HANDLE, else by
 * A_TUNNEL_ID while one tunnel only holds that id.  ERR_PTR -ENOENT (none,
 * or handle and id disagree) or -EINVAL (the id alone is ambiguous).
 */
static struct l2sec_tunnel *l2sec_nl_tunnel(struct l2sec_net *ln, struct nlattr **a,
					    struct netlink_ext_ack *extack)
{
	struct nlattr *id = a[L2SEC_A_TUNNEL_ID], *h = a[L2SEC_A_TUNNEL_HANDLE];
	struct l2sec_tunnel *t;
	bool ambiguous;

	if (h) {
		t = l2sec_tunnel_by_handle(ln, nla_get_u32(h));
		if (t && id && t->id != nla_get_u16(id))
			t = NULL;
	} else {
		t = l2sec_tunnel_by_id(ln, nla_get_u16(id), &ambiguous);
		if (ambiguous) {
			NL_SET_ERR_MSG_ATTR(extack, id, "tunnel id is ambiguous: give its handle");
			return ERR_PTR(-EINVAL);
		}
	}
	if (!t) {
		NL_SET_ERR_MSG_ATTR(extack, h ? h : id, "no such tunnel");
		return ERR_PTR(-ENOENT);
	}
	return t;
}

static struct l2sec_tunnel *l2sec_nl_find_tunnel(struct l2sec_net *ln,
						 struct genl_info *info)
{
	return l2sec_nl_tunnel(ln, info->attrs, info->extack);
}

/* A request that names a tunnel: its handle or its id [req]. */
static bool l2sec_nl_no_tunnel(struct genl_info *info)
{
	if (info->attrs[L2SEC_A_TUNNEL_HANDLE] || info->attrs[L2SEC_A_TUNNEL_ID])
		return false;
	NL_SET_ERR_MSG(info->extack, "tunnel handle or id missing");
	return true;
}

/* --- sockets ---------------------------------------------------------------- */

static int l2sec_nl_sock_add(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	bool require_ipsec = true;
	struct l2sec_sock *ls;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, L2SEC_A_SOCK_FD))
		return -EINVAL;
	if (info->attrs[L2SEC_A_REQUIRE_IPSEC])
		require_ipsec = nla_get_u8(info->attrs[L2SEC_A_REQUIRE_IPSEC]);
	mutex_lock(&ln->lock);
	ls = l2sec_sock_add(ln, nla_get_u32(info->attrs[L2SEC_A_SOCK_FD]),
			    require_ipsec, info->extack);
	if (IS_ERR(ls)) {
		err = PTR_ERR(ls);
		goto out;
	}
	err = l2sec_reply_sock(info, ls);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l2sec_nl_sock_del(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_sock *ls;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, L2SEC_A_SOCK_ID))
		return -EINVAL;
	mutex_lock(&ln->lock);
	ls = l2sec_sock_find(ln, nla_get_u32(info->attrs[L2SEC_A_SOCK_ID]));
	if (!ls) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L2SEC_A_SOCK_ID],
				    "no such socket");
		err = -ENOENT;
	} else {
		l2sec_sock_del(ls);
	}
	mutex_unlock(&ln->lock);
	return err;
}

static int l2sec_nl_sock_get(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_sock *ls;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, L2SEC_A_SOCK_ID))
		return -EINVAL;
	mutex_lock(&ln->lock);
	ls = l2sec_sock_find(ln, nla_get_u32(info->attrs[L2SEC_A_SOCK_ID]));
	if (!ls) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L2SEC_A_SOCK_ID],
				    "no such socket");
		err = -ENOENT;
	} else {
		err = l2sec_reply_sock(info, ls);
	}
	mutex_unlock(&ln->lock);
	return err;
}

/* Dump state: cb->args[0] = objects already sent. */
static int l2sec_nl_sock_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct l2sec_net *ln = l2sec_pernet(sock_net(skb->sk));
	struct l2sec_sock *ls;
	long idx = 0;

	mutex_lock(&ln->lock);
	cb->seq = ln->gen + 1;
	list_for_each_entry(ls, &ln->socks, node) {
		if (idx++ < cb->args[0])
			continue;
		if (l2sec_fill_sock(skb, ls, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI,
				    L2SEC_CMD_SOCK_GET, cb))
			break;
		cb->args[0]++;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

/* --- tunnels ---------------------------------------------------------------- */

/* Parses peer/local endpoint attributes into @ep (family fixed by @family
 * if non-zero). */
static int l2sec_parse_endpoint(struct genl_info *info, struct l2sec_endpoint *ep,
				const struct l2sec_sock *ls)
{
	struct nlattr **a = info->attrs;

	if (a[L2SEC_A_PEER_ADDR4] && a[L2SEC_A_PEER_ADDR6]) {
		NL_SET_ERR_MSG(info->extack, "give one peer address, not two");
		return -EINVAL;
	}
	if (a[L2SEC_A_PEER_ADDR4]) {
		ep->family = AF_INET;
		ep->peer.a4 = nla_get_in_addr(a[L2SEC_A_PEER_ADDR4]);
		if (ipv4_is_multicast(ep->peer.a4) || ipv4_is_zeronet(ep->peer.a4) ||
		    ipv4_is_lbcast(ep->peer.a4)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_PEER_ADDR4],
					    "peer must be a unicast address");
			return -EINVAL;
		}
		/* an IPv6 socket reaches IPv4 peers only if dual-stack and bound
		 * to :: or to a v4-mapped address */
		if (ls->family == AF_INET6 &&
		    (ipv6_only_sock(ls->sk) ||
		     (!ipv6_addr_any(&ls->sk->sk_v6_rcv_saddr) &&
		      !ipv6_addr_v4mapped(&ls->sk->sk_v6_rcv_saddr)))) {
			NL_SET_ERR_MSG(info->extack, "IPv4 peer on an IPv6-only socket");
			return -EAFNOSUPPORT;
		}
	} else if (a[L2SEC_A_PEER_ADDR6]) {
		ep->family = AF_INET6;
		ep->peer.a6 = nla_get_in6_addr(a[L2SEC_A_PEER_ADDR6]);
		if (ipv6_addr_any(&ep->peer.a6) || ipv6_addr_is_multicast(&ep->peer.a6)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_PEER_ADDR6],
					    "peer must be a unicast address");
			return -EINVAL;
		}
		if (ls->family != AF_INET6) {
			NL_SET_ERR_MSG(info->extack, "IPv6 peer on an IPv4 socket");
			return -EAFNOSUPPORT;
		}
	}
	if (a[L2SEC_A_PEER_PORT])
		ep->peer_port = htons(nla_get_u16(a[L2SEC_A_PEER_PORT]));
	if (a[L2SEC_A_LOCAL_ADDR4] || a[L2SEC_A_LOCAL_ADDR6]) {
		if ((ep->family == AF_INET && !a[L2SEC_A_LOCAL_ADDR4]) ||
		    (ep->family == AF_INET6 && !a[L2SEC_A_LOCAL_ADDR6])) {
			NL_SET_ERR_MSG(info->extack,
				       "local address family differs from the peer's");
			return -EINVAL;
		}
		ep->has_local = true;
		if (ep->family == AF_INET)
			ep->local.a4 = nla_get_in_addr(a[L2SEC_A_LOCAL_ADDR4]);
		else
			ep->local.a6 = nla_get_in6_addr(a[L2SEC_A_LOCAL_ADDR6]);
	}
	return 0;
}

/* The binding the request gives (known 0: none); a reqid needs its mark. */
static int l2sec_parse_binding(struct genl_info *info, struct l2sec_binding *b)
{
	struct nlattr **a = info->attrs;

	memset(b, 0, sizeof(*b));
	if (a[L2SEC_A_BIND_REQID] && !a[L2SEC_A_BIND_MARK]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_BIND_REQID],
				    "a reqid binds only with the SA's mark");
		return -EINVAL;
	}
	if (a[L2SEC_A_BIND_MARK]) {
		b->known |= L2SEC_BIND_MARK;
		b->mark = nla_get_u32(a[L2SEC_A_BIND_MARK]);
	}
	if (a[L2SEC_A_BIND_REQID]) {
		b->known |= L2SEC_BIND_REQID;
		b->reqid = nla_get_u32(a[L2SEC_A_BIND_REQID]);
	}
	return 0;
}

/* Why a tunnel could not take its key (insert, rehash). */
static void l2sec_nl_key_err(struct genl_info *info, int err)
{
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L2SEC_A_TUNNEL_ID],
				    "tunnel id in use for this SA mark or peer");
	else if (err == -E2BIG)
		NL_SET_ERR_MSG(info->extack, "the tunnel table is full");
	else
		NL_SET_ERR_MSG(info->extack, "the tunnel table cannot grow");
}

static int l2sec_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct nlattr **a = info->attrs;
	struct l2sec_binding bind;
	struct l2sec_endpoint *ep;
	struct l2sec_tunnel *t;
	struct l2sec_sock *ls;
	u16 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, L2SEC_A_TUNNEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_PEER_TUNNEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_SOCK_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_PEER_PORT))
		return -EINVAL;
	if (!a[L2SEC_A_PEER_ADDR4] && !a[L2SEC_A_PEER_ADDR6]) {
		NL_SET_ERR_MSG(info->extack, "peer address missing");
		return -EINVAL;
	}
	err = l2sec_parse_binding(info, &bind);
	if (err)
		return err;
	id = nla_get_u16(a[L2SEC_A_TUNNEL_ID]);
	ep = l2sec_endpoint_alloc(NULL);
	t = l2sec_tunnel_alloc();
	if (!ep || !t) {
		l2sec_endpoint_free(ep);
		if (t)
			l2sec_tunnel_free(t);
		return -ENOMEM;
	}
	mutex_lock(&ln->lock);
	err = -ENOENT;
	ls = l2sec_sock_find(ln, nla_get_u32(a[L2SEC_A_SOCK_ID]));
	if (!ls) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_SOCK_ID], "no such socket");
		goto err;
	}
	err = l2sec_parse_endpoint(info, ep, ls);
	if (err)
		goto err;
	t->require_ipsec = ls->require_ipsec;
	if (a[L2SEC_A_REQUIRE_IPSEC])
		t->require_ipsec = nla_get_u8(a[L2SEC_A_REQUIRE_IPSEC]);
	if (ls->require_ipsec && !t->require_ipsec) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_REQUIRE_IPSEC],
				    "the socket requires IPsec for all its tunnels");
		err = -EINVAL;
		goto err;
	}
	t->id = id;
	t->peer_id = nla_get_u16(a[L2SEC_A_PEER_TUNNEL_ID]);
	t->lsock = ls;
	if (a[L2SEC_A_OUT_MARK])
		ep->out_mark = nla_get_u32(a[L2SEC_A_OUT_MARK]);
	l2sec_tunnel_key(t, ep, bind.mark, &t->kn[0].key);
	RCU_INIT_POINTER(t->ep, ep);
	ep = NULL;
	t->bind = bind;		/* not published yet */
	err = l2sec_tunnel_insert(ln, t);
	if (err) {
		l2sec_nl_key_err(info, err);
		goto err;
	}
	l2sec_notify_tunnel(ln, t, L2SEC_CMD_TUNNEL_NTF_NEW, GFP_KERNEL);
	err = l2sec_reply_tunnel(info, t, L2SEC_CMD_TUNNEL_GET);
	mutex_unlock(&ln->lock);
	return err;

err:
	mutex_unlock(&ln->lock);
	l2sec_endpoint_free(ep);	/* not kfree: its dst_cache is per-CPU memory */
	l2sec_tunnel_free(t);
	return err;
}


/*
 * The key tunnel @t takes with endpoint @ep and what TUNNEL_SET says of its
 * binding: a mark the daemon gives (not one the first packet completed).
 */
static void l2sec_nl_set_key(struct genl_info *info, const struct l2sec_tunnel *t,
			     const struct l2sec_endpoint *ep,
			     const struct l2sec_binding *bind, struct l2sec_tunnel_key *k)
{
	const struct l2sec_tunnel_key *cur = &t->kn[t->kcur].key;
	u32 mark = cur->kind == L2SEC_KEY_MARK ? cur->mark : 0;

	if (info->attrs[L2SEC_A_BIND_MARK] || info->attrs[L2SEC_A_UNBIND])
		mark = bind->mark;
	l2sec_tunnel_key(t, ep, mark, k);
}

static int l2sec_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct nlattr **a = info->attrs;
	struct l2sec_endpoint *ep = NULL, *old;
	struct l2sec_tunnel_key key;
	struct l2sec_binding bind;
	struct l2sec_tunnel *t;
	int err = 0;

	if (l2sec_nl_no_tunnel(info))
		return -EINVAL;
	if (a[L2SEC_A_BIND_MARK] && a[L2SEC_A_UNBIND]) {
		NL_SET_ERR_MSG(info->extack, "bind and unbind at once");
		return -EINVAL;
	}
	err = l2sec_parse_binding(info, &bind);
	if (err)
		return err;
	mutex_lock(&ln->lock);
	t = l2sec_nl_find_tunnel(ln, info);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out;
	}
	old = rcu_dereference_protected(t->ep, lockdep_is_held(&ln->lock));
	if (a[L2SEC_A_PEER_ADDR4] || a[L2SEC_A_PEER_ADDR6] || a[L2SEC_A_PEER_PORT] ||
	    a[L2SEC_A_LOCAL_ADDR4] || a[L2SEC_A_LOCAL_ADDR6] || a[L2SEC_A_OUT_MARK]) {
		/* start from the current endpoint, override what is given */
		err = -ENOMEM;
		ep = l2sec_endpoint_alloc(old);
		if (!ep)
			goto out;
		if (a[L2SEC_A_PEER_ADDR4] || a[L2SEC_A_PEER_ADDR6]) {
			ep->has_local = false;
			memset(&ep->local, 0, sizeof(ep->local));
		}
		err = l2sec_parse_endpoint(info, ep, t->lsock);
		if (err)
			goto out;
		if (a[L2SEC_A_OUT_MARK])
			ep->out_mark = nla_get_u32(a[L2SEC_A_OUT_MARK]);
	}
	/* a new peer or bind mark moves the tunnel to its new origin first */
	l2sec_nl_set_key(info, t, ep ? ep : old, &bind, &key);
	err = l2sec_tunnel_rehash(ln, t, &key);
	if (err) {
		l2sec_nl_key_err(info, err);
		goto out;
	}
	if (ep) {
		rcu_assign_pointer(t->ep, ep);
		l2sec_endpoint_free_rcu(old);
		ep = NULL;
	}
	if (a[L2SEC_A_PEER_TUNNEL_ID])
		WRITE_ONCE(t->peer_id, nla_get_u16(a[L2SEC_A_PEER_TUNNEL_ID]));
	if (a[L2SEC_A_BIND_MARK] || a[L2SEC_A_UNBIND])
		l2sec_tunnel_bind(t, &bind);
	l2sec_bump_gen(ln);
	l2sec_notify_tunnel(ln, t, L2SEC_CMD_TUNNEL_NTF_SET, GFP_KERNEL);
	err = l2sec_reply_tunnel(info, t, L2SEC_CMD_TUNNEL_GET);
out:
	mutex_unlock(&ln->lock);
	l2sec_endpoint_free(ep);
	return err;
}

static int l2sec_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_tunnel *t;
	int err = 0;

	if (l2sec_nl_no_tunnel(info))
		return -EINVAL;
	mutex_lock(&ln->lock);
	t = l2sec_nl_find_tunnel(ln, info);
	if (!IS_ERR(t))
		l2sec_tunnel_del(ln, t, true);
	else
		err = PTR_ERR(t);
	mutex_unlock(&ln->lock);
	return err;
}

static int l2sec_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_tunnel *t;
	int err;

	if (l2sec_nl_no_tunnel(info))
		return -EINVAL;
	mutex_lock(&ln->lock);
	t = l2sec_nl_find_tunnel(ln, info);
	err = IS_ERR(t) ? PTR_ERR(t) : l2sec_reply_tunnel(info, t, L2SEC_CMD_TUNNEL_GET);
	mutex_unlock(&ln->lock);
	return err;
}

/* Dump state: cb->args[0] = the handle to go on from (handles ascending). */
static int l2sec_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct l2sec_net *ln = l2sec_pernet(sock_net(skb->sk));
	struct nlattr **attrs = l2sec_compat_dump_attrs(cb);
	u32 sock_id = 0;
	struct l2sec_tunnel *t;

	if (attrs[L2SEC_A_SOCK_ID])
		sock_id = nla_get_u32(attrs[L2SEC_A_SOCK_ID]);
	mutex_lock(&ln->lock);
	cb->seq = ln->gen + 1;
	for (t = l2sec_tunnel_from(ln, cb->args[0]); t;
	     t = l2sec_tunnel_from(ln, t->handle + 1UL)) {
		if (sock_id && t->lsock->id != sock_id)
			continue;
		if (l2sec_fill_tunnel(skb, t, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      L2SEC_CMD_TUNNEL_GET, true, cb))
			break;
		cb->args[0] = t->handle + 1UL;
	}
	mutex_unlock(&ln->lock);
	return skb->len;
}

/* --- sessions --------------------------------------------------------------- */

/*
 * Builds the address set given by the request, or NULL with *@given false
 * when the request names no address.  ERR_PTR on invalid input.
 */
static struct l2sec_addrs *l2sec_parse_addrs(struct genl_info *info, bool *given)
{
	struct nlattr *tb[L2SEC_PFX_A_MAX + 1];
	struct l2sec_addrs *addrs;
	struct nlattr *nla;
	int rem, err, n6 = 0;

	*given = info->attrs[L2SEC_A_IPV4] || info->attrs[L2SEC_A_IPV6_PREFIX] ||
		 info->attrs[L2SEC_A_IPV6_IFID];
	if (!*given)
		return NULL;
	/*
	 * A_IPV6_PREFIX may repeat: walk the whole message, not info->attrs;
	 * first to size the set (most clients have one prefix or none).
	 */
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != L2SEC_A_IPV6_PREFIX)
			continue;
		if (n6 == L2SEC_MAX_IPV6_PREFIXES) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "too many IPv6 prefixes");
			return ERR_PTR(-E2BIG);
		}
		n6++;
	}
	addrs = kzalloc(struct_size(addrs, a6, n6), GFP_KERNEL);
	if (!addrs)
		return ERR_PTR(-ENOMEM);
	if (info->attrs[L2SEC_A_IPV4]) {
		addrs->has4 = true;
		addrs->a4.addr.a4 = nla_get_in_addr(info->attrs[L2SEC_A_IPV4]);
		if (ipv4_is_multicast(addrs->a4.addr.a4) ||
		    ipv4_is_zeronet(addrs->a4.addr.a4) ||
		    ipv4_is_lbcast(addrs->a4.addr.a4)) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L2SEC_A_IPV4],
					    "client address must be unicast");
			err = -EINVAL;
			goto err;
		}
	}
	if (info->attrs[L2SEC_A_IPV6_IFID]) {
		addrs->has_ifid = true;
		nla_memcpy(addrs->ifid, info->attrs[L2SEC_A_IPV6_IFID], sizeof(addrs->ifid));
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		struct l2sec_addr_node *n;

		if (nla_type(nla) != L2SEC_A_IPV6_PREFIX)
			continue;
		if (WARN_ON_ONCE(addrs->n6 == n6)) {
			err = -EINVAL;
			goto err;
		}
		err = nla_parse_nested(tb, L2SEC_PFX_A_MAX, nla, l2sec_pfx_policy,
				       info->extack);
		if (err)
			goto err;
		err = -EINVAL;
		if (!tb[L2SEC_PFX_A_ADDR] || !tb[L2SEC_PFX_A_LEN]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "IPv6 prefix needs address and length");
			goto err;
		}
		n = &addrs->a6[addrs->n6];
		n->plen = nla_get_u8(tb[L2SEC_PFX_A_LEN]);
		if (n->plen != 64 && n->plen != 128) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[L2SEC_PFX_A_LEN],
					    "IPv6 prefix length must be 64 or 128");
			goto err;
		}
		n->addr.a6 = nla_get_in6_addr(tb[L2SEC_PFX_A_ADDR]);
		if (ipv6_addr_any(&n->addr.a6) || ipv6_addr_is_multicast(&n->addr.a6)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[L2SEC_PFX_A_ADDR],
					    "IPv6 prefix must be unicast");
			goto err;
		}
		addrs->n6++;
	}
	return addrs;
err:
	kfree(addrs);
	return ERR_PTR(err);
}

static struct l2sec_session *l2sec_nl_find_session(struct l2sec_net *ln,
						   struct genl_info *info)
{
	struct l2sec_tunnel *t = l2sec_nl_find_tunnel(ln, info);
	struct l2sec_session *s;

	if (IS_ERR(t))
		return ERR_CAST(t);
	s = l2sec_session_lookup(ln, t, nla_get_u16(info->attrs[L2SEC_A_SESSION_ID]));
	if (!s) {
		NL_SET_ERR_MSG(info->extack, "no such session");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

static int l2sec_nl_session_new(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct nlattr **a = info->attrs;
	struct l2sec_addrs *addrs;
	struct l2sec_session *s;
	struct l2sec_tunnel *t;
	bool given;
	u16 sid;
	int err;

	if (l2sec_nl_no_tunnel(info) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_SESSION_ID) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_PEER_SESSION_ID))
		return -EINVAL;
	sid = nla_get_u16(a[L2SEC_A_SESSION_ID]);
	addrs = l2sec_parse_addrs(info, &given);
	if (IS_ERR(addrs))
		return PTR_ERR(addrs);
	s = l2sec_session_alloc();
	if (!s) {
		kfree(addrs);
		return -ENOMEM;
	}
	mutex_lock(&ln->lock);
	t = l2sec_nl_find_tunnel(ln, info);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto err;
	}
	if (l2sec_session_lookup(ln, t, sid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[L2SEC_A_SESSION_ID],
				    "session id in use in this tunnel");
		err = -EEXIST;
		goto err;
	}
	s->tunnel = t;
	s->id = sid;
	s->peer_id = nla_get_u16(a[L2SEC_A_PEER_SESSION_ID]);
	if (a[L2SEC_A_STATE])
		s->state = nla_get_u8(a[L2SEC_A_STATE]);
	err = l2sec_session_stats_init(ln, t, s);
	if (err)
		goto err;
	if (addrs) {
		err = l2sec_session_set_addrs(ln, s, addrs, info->extack);
		addrs = NULL;	/* owned by set_addrs */
		if (err)
			goto err;
	}
	err = l2sec_session_insert(ln, s);
	if (err) {	/* it freed @s after a grace period */
		NL_SET_ERR_MSG(info->extack, "the session table is full or cannot grow");
		mutex_unlock(&ln->lock);
		return err;
	}
	l2sec_notify_session(ln, s, L2SEC_CMD_SESSION_NTF_NEW);
	err = l2sec_reply_session(info, s, L2SEC_CMD_SESSION_GET);
	mutex_unlock(&ln->lock);
	return err;

err:
	/*
	 * Nothing was hashed (set_addrs hashes only when it succeeds): no
	 * packet was counted in the tunnel's s0 if @s took it, the next may.
	 */
	if (s->stats && !s->own_stats)
		s->tunnel->s0_taken = false;
	mutex_unlock(&ln->lock);
	kfree(addrs);
	l2sec_session_free(s);
	return err;
}

static int l2sec_nl_session_set(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct nlattr **a = info->attrs;
	struct l2sec_addrs *addrs;
	struct l2sec_session *s;
	bool given;
	int err = 0;

	if (l2sec_nl_no_tunnel(info) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_SESSION_ID))
		return -EINVAL;
	if (a[L2SEC_A_CLEAR_ADDRS] &&
	    (a[L2SEC_A_IPV4] || a[L2SEC_A_IPV6_PREFIX] || a[L2SEC_A_IPV6_IFID])) {
		NL_SET_ERR_MSG(info->extack, "clear and set addresses at once");
		return -EINVAL;
	}
	addrs = l2sec_parse_addrs(info, &given);
	if (IS_ERR(addrs))
		return PTR_ERR(addrs);
	mutex_lock(&ln->lock);
	s = l2sec_nl_find_session(ln, info);
	if (IS_ERR(s)) {
		kfree(addrs);
		err = PTR_ERR(s);
		goto out;
	}
	if (given || a[L2SEC_A_CLEAR_ADDRS]) {
		err = l2sec_session_set_addrs(ln, s, addrs, info->extack);
		if (err)
			goto out;
	}
	if (a[L2SEC_A_PEER_SESSION_ID])
		WRITE_ONCE(s->peer_id, nla_get_u16(a[L2SEC_A_PEER_SESSION_ID]));
	if (a[L2SEC_A_STATE])
		WRITE_ONCE(s->state, nla_get_u8(a[L2SEC_A_STATE]));
	l2sec_bump_gen(ln);
	l2sec_notify_session(ln, s, L2SEC_CMD_SESSION_NTF_SET);
	err = l2sec_reply_session(info, s, L2SEC_CMD_SESSION_GET);
out:
	mutex_unlock(&ln->lock);
	return err;
}

static int l2sec_nl_session_del(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_session *s;
	int err = 0;

	if (l2sec_nl_no_tunnel(info) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_SESSION_ID))
		return -EINVAL;
	mutex_lock(&ln->lock);
	s = l2sec_nl_find_session(ln, info);
	if (!IS_ERR(s))
		l2sec_session_del(ln, s, true);
	else
		err = PTR_ERR(s);
	mutex_unlock(&ln->lock);
	return err;
}

static int l2sec_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct l2sec_session *s;
	int err;

	if (l2sec_nl_no_tunnel(info) ||
	    GENL_REQ_ATTR_CHECK(info, L2SEC_A_SESSION_ID))
		return -EINVAL;
	mutex_lock(&ln->lock);
	s = l2sec_nl_find_session(ln, info);
	err = IS_ERR(s) ? PTR_ERR(s) : l2sec_reply_session(info, s, L2SEC_CMD_SESSION_GET);
	mutex_unlock(&ln->lock);
	return err;
}

/* One tunnel's sessions from the cb->args[1]th on; -EMSGSIZE when @skb is full. */
static int l2sec_dump_tunnel_sessions(struct sk_buff *skb, struct netlink_callback *cb,
				      struct l2sec_tunnel *t)
{
	struct l2sec_session *s;
	long idx = 0;

	list_for_each_entry(s, &t->sessions, tnode) {
		if (idx++ < cb->args[1])
			continue;
		if (l2sec_fill_session(skb, s, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       L2SEC_CMD_SESSION_GET, true, cb))
			return -EMSGSIZE;
		cb->args[1]++;
	}
	cb->args[0] = t->handle + 1UL;
	cb->args[1] = 0;
	return 0;
}

/*
 * The sessions holding the address a dump's filter names into @s (at most
 * two: for IPv6 its /128, and another's /64 holding it; none is NULL), of
 * tunnel @t only unless it is NULL.  Under ln->lock, which keeps them.
 */
static void l2sec_dump_addr_sessions(struct l2sec_net *ln, struct nlattr **attrs,
				     const struct l2sec_tunnel *t, struct l2sec_session *s[2])
{
	struct in6_addr a6;

	rcu_read_lock();
	if (attrs[L2SEC_A_IPV4]) {
		s[0] = l2sec_session_by_addr4(ln, nla_get_in_addr(attrs[L2SEC_A_IPV4]));
		s[1] = NULL;
	} else {
		a6 = nla_get_in6_addr(attrs[L2SEC_A_IPV6_ADDR]);
		s[0] = l2sec_session_by_prefix6(ln, &a6, 128);
		s[1] = l2sec_session_by_prefix6(ln, &a6, 64);
	}
	rcu_read_unlock();
	if (s[1] == s[0])
		s[1] = NULL;
	if (t && s[0] && s[0]->tunnel != t)
		s[0] = NULL;
	if (t && s[1] && s[1]->tunnel != t)
		s[1] = NULL;
}

/*
 * A dump by address: what l2sec_dump_addr_sessions finds, cb->args[2] =
 * how many of them were sent.  An O(1) answer to "who holds 10.64.3.7" at
 * any number of sessions.
 */
static void l2sec_dump_by_addr(struct sk_buff *skb, struct netlink_callback *cb,
			       struct l2sec_net *ln, struct nlattr **attrs,
			       const struct l2sec_tunnel *t)
{
	struct l2sec_session *s[2];

	l2sec_dump_addr_sessions(ln, attrs, t, s);
	for (; cb->args[2] < ARRAY_SIZE(s); cb->args[2]++) {
		if (s[cb->args[2]] &&
		    l2sec_fill_session(skb, s[cb->args[2]], NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       L2SEC_CMD_SESSION_GET, true, cb))
			return;
	}
}

/*
 * Dump state: cb->args[0] = the tunnel handle to go on from (ascending),
 * cb->args[1] = sessions passed in that tunnel's list.  With a tunnel
 * filter (handle or id), that tunnel only; with an address filter (A_IPV4
 * or A_IPV6_ADDR), the sessions that hold it (l2sec_dump_by_addr).
 */
static int l2sec_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct l2sec_net *ln = l2sec_pernet(sock_net(skb->sk));
	struct nlattr **attrs = l2sec_compat_dump_attrs(cb);
	bool by_addr = attrs[L2SEC_A_IPV4] || attrs[L2SEC_A_IPV6_ADDR];
	struct l2sec_tunnel *t = NULL;
	int err = 0;

	if (attrs[L2SEC_A_IPV4] && attrs[L2SEC_A_IPV6_ADDR]) {
		NL_SET_ERR_MSG(cb->extack, "one address to filter by");
		return -EINVAL;
	}
	mutex_lock(&ln->lock);
	cb->seq = ln->gen + 1;
	if (attrs[L2SEC_A_TUNNEL_ID] || attrs[L2SEC_A_TUNNEL_HANDLE]) {
		t = l2sec_nl_tunnel(ln, attrs, cb->extack);
		if (IS_ERR(t)) {	/* none: an empty dump, as for an empty tunnel */
			err = PTR_ERR(t) == -ENOENT ? 0 : PTR_ERR(t);
			goto out;
		}
		if (by_addr)
			l2sec_dump_by_addr(skb, cb, ln, attrs, t);
		else if (cb->args[0] <= t->handle)
			l2sec_dump_tunnel_sessions(skb, cb, t);
		goto out;
	}
	if (by_addr) {
		l2sec_dump_by_addr(skb, cb, ln, attrs, NULL);
		goto out;
	}
	for (t = l2sec_tunnel_from(ln, cb->args[0]); t;
	     t = l2sec_tunnel_from(ln, t->handle + 1UL))
		if (l2sec_dump_tunnel_sessions(skb, cb, t))
			break;
out:
	mutex_unlock(&ln->lock);
	return err ? err : skb->len;
}

/* --- namespace statistics ---------------------------------------------------- */

static int l2sec_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct l2sec_net *ln = l2sec_info_ln(info);
	struct net_device *dev;
	struct l2sec_stats st;
	struct sk_buff *msg;
	void *hdr;
	int ifindex;

	msg = genlmsg_new(l2sec_stats_get_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = l2sec_hdr(msg, info->snd_portid, info->snd_seq, 0, L2SEC_CMD_STATS_GET);
	if (!hdr)
		goto err;
	rcu_read_lock();
	dev = rcu_dereference(ln->dev);
	ifindex = dev ? dev->ifindex : 0;
	rcu_read_unlock();
	if (ifindex && nla_put_u32(msg, L2SEC_A_IFINDEX, ifindex))
		goto err;
	l2sec_stats_fold(ln->stats, &st);
	if (nla_put_u32(msg, L2SEC_A_SOCK_COUNT, atomic_read(&ln->n_socks)) ||
	    nla_put_u32(msg, L2SEC_A_TUNNEL_COUNT, atomic_read(&ln->n_tunnels)) ||
	    nla_put_u32(msg, L2SEC_A_SESSION_COUNT, atomic_read(&ln->n_sessions)) ||
	    nla_put_u32(msg, L2SEC_A_SESSION_BUCKETS, l2sec_tables_buckets(ln)) ||
	    l2sec_stats_put(msg, &st, true))
		goto err;
	genlmsg_end(msg, hdr);
	return l2sec_reply(info, msg, l2sec_stats_get_size(), 0);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* --- family ------------------------------------------------------------------ */

#define L2SEC_OP(_cmd, _doit, _dumpit, _policy, _flags) {	\
	.cmd = (_cmd),						\
	.doit = (_doit),					\
	.dumpit = (_dumpit),					\
	.policy = (_policy),					\
	.maxattr = L2SEC_A_MAX,					\
	.flags = (_flags),					\
}

/*
 * Every command, GET and dumps included, needs CAP_NET_ADMIN in the user
 * namespace owning the network namespace: replies name clients' addresses,
 * SAs and counters (as l2tp and WireGuard).
 */
static const struct genl_ops l2sec_ops[] = {
	L2SEC_OP(L2SEC_CMD_SOCK_ADD, l2sec_nl_sock_add, NULL,
		 l2sec_sock_add_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SOCK_DEL, l2sec_nl_sock_del, NULL,
		 l2sec_sock_id_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SOCK_GET, l2sec_nl_sock_get, l2sec_nl_sock_dump,
		 l2sec_sock_id_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_TUNNEL_NEW, l2sec_nl_tunnel_new, NULL,
		 l2sec_tunnel_new_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_TUNNEL_SET, l2sec_nl_tunnel_set, NULL,
		 l2sec_tunnel_set_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_TUNNEL_DEL, l2sec_nl_tunnel_del, NULL,
		 l2sec_tunnel_id_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_TUNNEL_GET, l2sec_nl_tunnel_get, l2sec_nl_tunnel_dump,
		 l2sec_tunnel_get_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SESSION_NEW, l2sec_nl_session_new, NULL,
		 l2sec_session_new_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SESSION_SET, l2sec_nl_session_set, NULL,
		 l2sec_session_set_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SESSION_DEL, l2sec_nl_session_del, NULL,
		 l2sec_session_id_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_SESSION_GET, l2sec_nl_session_get, l2sec_nl_session_dump,
		 l2sec_session_get_policy, GENL_UNS_ADMIN_PERM),
	L2SEC_OP(L2SEC_CMD_STATS_GET, l2sec_nl_stats_get, NULL,
		 l2sec_empty_policy, GENL_UNS_ADMIN_PERM),
};

static struct genl_family l2sec_family __ro_after_init = {
	.name = L2SEC_GENL_NAME,
	.version = L2SEC_GENL_VERSION,
	.maxattr = L2SEC_A_MAX,
	.netnsok = true,
	.parallel_ops = true,	/* ln->lock serializes, per namespace */
	.module = THIS_MODULE,
	.ops = l2sec_ops,
	.n_ops = ARRAY_SIZE(l2sec_ops),
	.resv_start_op = L2SEC_CMD_STATS_GET + 1,	/* strict for all */
	.mcgrps = l2sec_mcgrps,
	.n_mcgrps = ARRAY_SIZE(l2sec_mcgrps),
};

int __init l2sec_genl_init(void)
{
	int err = genl_register_family(&l2sec_family);

	if (!err)
		WRITE_ONCE(l2sec_genl_live, true);
	return err;
}

void l2sec_genl_exit(void)
{
	WRITE_ONCE(l2sec_genl_live, false);
	/* a softirq sending TUNNEL_NTF_BOUND runs under RCU */
	synchronize_rcu();
	genl_unregister_family(&l2sec_family);
}
