// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets handed over by the daemon: attach as UDP encapsulation socket
 * (encap_rcv = l2sec_encap_rcv, GRO through gro.c), install the input policy
 * bypass, detach.
 *
 * Lifetime (why the hooks never change on a live socket): udp.c and
 * udp_offload.c read encap_rcv, gro_receive and gro_complete locklessly, some
 * twice (a test, then the call), in softirq on any CPU, for as long as socket
 * lookups can find the socket; and udp_destroy_sock() calls encap_destroy
 * before the socket is unhashed.  Clearing a hook on a hashed socket can make
 * NAPI call NULL, complete a held merged packet as plain UDP, or hand one to
 * the daemon as one datagram.  So:
 *
 * - Attach sets the hooks once (gro_complete before gro_receive) and they
 *   stay until the socket is freed.  struct l2sec_sock is the socket's
 *   sk_user_data for the same time: it belongs to the socket, not to the
 *   namespace's list.
 * - Detach (SOCK_DEL, encap_destroy at close, namespace exit) deletes the
 *   tunnels, takes the socket off ln->socks and sets ls->detached: from then
 *   on gro_receive merges nothing and encap_rcv passes plain datagrams to the
 *   socket's owner and drops (counted) what GRO merged before.  A detached
 *   socket cannot be handed over again.
 * - The socket is freed after an RCU grace period (UDP sockets are
 *   SOCK_RCU_FREE, checked at attach), and its destructor, which we chain,
 *   frees ls then.  No softirq can still be in a hook by then.
 * - Each attached socket holds a reference on this module, released in that
 *   destructor: rmmod fails while a socket has the hooks.  The destructor
 *   runs from an RCU callback, and module exit's rcu_barrier() waits for it
 *   to return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/xfrm.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/inet_sock.h>

#include "internal.h"

static void l2sec_encap_destroy(struct sock *sk);

/*
 * IP_XFRM_POLICY / IPV6_XFRM_POLICY "in, allow, no templates" on the socket:
 * udp.c's policy check then lets every packet reach encap_rcv, where the
 * module checks the SA itself (identical selectors of two clients behind
 * one NAT would otherwise make the second client's packets fail the check).
 * @install false removes the socket's policies again.  The setsockopt path
 * takes the socket lock itself, so the caller must not hold it.
 */
static int l2sec_sock_bypass(struct sock *sk, bool install)
{
	int level = sk->sk_family == AF_INET6 ? SOL_IPV6 : SOL_IP;
	int opt = sk->sk_family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;
	struct xfrm_userpolicy_info pol;
	int err;

	if (!install)
		return sk->sk_prot->setsockopt(sk, level, opt, KERNEL_SOCKPTR(NULL), 0);
	memset(&pol, 0, sizeof(pol));
	pol.sel.family = sk->sk_family;
	pol.dir = XFRM_POLICY_IN;
	pol.action = XFRM_POLICY_ALLOW;
	err = sk->sk_prot->setsockopt(sk, level, opt, KERNEL_SOCKPTR(&pol),
				      sizeof(pol));
	if (err == -EINVAL) {
		/* policies are compiled by xfrm_user; it may not be loaded yet */
		request_module("xfrm_user");
		err = sk->sk_prot->setsockopt(sk, level, opt, KERNEL_SOCKPTR(&pol),
					      sizeof(pol));
	}
	return err;
}

static int l2sec_sock_check(struct l2sec_net *ln, struct sock *sk,
			    struct netlink_ext_ack *extack)
{
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG(extack, "not a UDP socket");
		return -EPROTONOSUPPORT;
	}
	if (!net_eq(sock_net(sk), ln->net)) {
		NL_SET_ERR_MSG(extack, "socket belongs to another network namespace");
		return -EINVAL;
	}
	if (!inet_sk(sk)->inet_num || !sock_flag(sk, SOCK_RCU_FREE)) {
		NL_SET_ERR_MSG(extack, "socket is not bound");
		return -EINVAL;
	}
	return 0;
}

/*
 * The socket's destructor, from an RCU callback after the socket was unhashed
 * and closed (see the top of the file): no hook can run any more.
 */
static void l2sec_sk_destruct(struct sock *sk)
{
	struct l2sec_sock *ls = rcu_dereference_protected(__sk_user_data(sk), 1);

	ls->sk_destruct(sk);
	kfree(ls);
	atomic_dec(&l2sec_live_objects);
	module_put(THIS_MODULE);
}

/* Makes @ls the encap user of its socket; -EBUSY if someone else is. */
static int l2sec_sock_attach(struct l2sec_sock *ls, struct socket *sock,
			     struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = ls,
		.encap_type = UDP_ENCAP_L2TPINUDP,
		.encap_rcv = l2sec_encap_rcv,
		.gro_complete = l2sec_gro_complete,
		.encap_destroy = l2sec_encap_destroy,
	};
	struct sock *sk = sock->sk;
	int err = 0;

	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data || udp_sk(sk)->encap_type) {
		err = -EBUSY;
		NL_SET_ERR_MSG(extack, "socket is already in use by a UDP tunnel");
	} else if (!try_module_get(THIS_MODULE)) {
		err = -ENODEV;
	} else {
		atomic_inc(&l2sec_live_objects);
		rcu_assign_sk_user_data(sk, ls);
		ls->sk_destruct = sk->sk_destruct;
		sk->sk_destruct = l2sec_sk_destruct;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	if (!err) {
		setup_udp_tunnel_sock(ls->ln->net, sock, &cfg);
		/*
		 * Inner UDP that gro.c merged comes as SKB_GSO_UDP_TUNNEL with
		 * SKB_GSO_UDP_L4: without this udp.c would cut it apart again
		 * before encap_rcv (udp_unexpected_gso).  GSO UDP without the
		 * tunnel bits is still cut apart: it did not come through
		 * gro.c.  Not frag_list GSO, which gro.c never makes.  Set for
		 * the socket's life, as the hooks.
		 */
		udp_set_bit(ACCEPT_L4, sk);
		/*
		 * Last, so that what gro_receive merges finds gro_complete set
		 * (setup_udp_tunnel_sock would set gro_receive first).
		 */
		smp_store_release(&udp_sk(sk)->gro_receive, l2sec_gro_receive);
	}
	release_sock(sk);
	return err;
}

struct l2sec_sock *l2sec_sock_add(struct l2sec_net *ln, int fd, bool require_ipsec,
				  struct netlink_ext_ack *extack)
{
	struct l2sec_sock *ls;
	struct socket *sock;
	int err;

	lockdep_assert_held(&ln->lock);
	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "fd is not a socket");
		return ERR_PTR(err);
	}
	err = l2sec_sock_check(ln, sock->sk, extack);
	if (err)
		goto err_put;
	err = l2sec_tables_get(ln);
	if (err)
		goto err_put;
	err = -ENOMEM;
	ls = kzalloc(sizeof(*ls), GFP_KERNEL);
	if (!ls)
		goto err_put;
	ls->ln = ln;
	ls->sk = sock->sk;
	ls->family = sock->sk->sk_family;
	ls->require_ipsec = require_ipsec;
	err = l2sec_sock_attach(ls, sock, extack);
	if (err)
		goto err_free;
	/* from here on ls belongs to the socket (top of file) */
	if (require_ipsec) {
		err = l2sec_sock_bypass(ls->sk, true);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "cannot install the socket's input policy bypass");
			WRITE_ONCE(ls->detached, true);
			goto err_put;
		}
		ls->bypass = true;
	}
	ls->id = ln->next_sock_id++;
	if (!ls->id)	/* 0 is never an id */
		ls->id = ln->next_sock_id++;
	list_add_tail_rcu(&ls->node, &ln->socks);
	atomic_inc(&ln->n_socks);
	l2sec_bump_gen(ln);
	sockfd_put(sock);
	return ls;

err_free:
	kfree(ls);
err_put:
	sockfd_put(sock);
	return ERR_PTR(err);
}

struct l2sec_sock *l2sec_sock_find(struct l2sec_net *ln, u32 id)
{
	struct l2sec_sock *ls;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry(ls, &ln->socks, node)
		if (ls->id == id)
			return ls;
	return NULL;
}

/*
 * Deletes the socket's tunnels and sessions (with notifications) and gives
 * the socket back.  @closing: called from encap_destroy; the socket is going
 * away and its policies are freed with it.
 */
static void __l2sec_sock_del(struct l2sec_sock *ls, bool closing)
{
	struct l2sec_net *ln = ls->ln;
	struct l2sec_tunnel *t;
	unsigned long handle = 0;

	lockdep_assert_held(&ln->lock);
	while (ls->n_tunnels && (t = l2sec_tunnel_from(ln, handle))) {
		handle = t->handle + 1UL;
		if (t->lsock == ls)
			l2sec_tunnel_del(ln, t, true);
	}
	list_del_rcu(&ls->node);
	atomic_dec(&ln->n_socks);
	l2sec_bump_gen(ln);
	/* the hooks stay; ls is freed with the socket (top of file) */
	WRITE_ONCE(ls->detached, true);
	if (ls->bypass && !closing)
		l2sec_sock_bypass(ls->sk, false);
	l2sec_notify_sock_del(ln, ls);
}

void l2sec_sock_del(struct l2sec_sock *ls)
{
	__l2sec_sock_del(ls, false);
}

void l2sec_sock_del_all(struct l2sec_net *ln)
{
	struct l2sec_sock *ls, *tmp;

	lockdep_assert_held(&ln->lock);
	list_for_each_entry_safe(ls, tmp, &ln->socks, node)
		__l2sec_sock_del(ls, false);
}

/* udp_destroy_sock(): the daemon closed the socket (process context). */
static void l2sec_encap_destroy(struct sock *sk)
{
	struct l2sec_net *ln = l2sec_pernet(sock_net(sk));
	struct l2sec_sock *ls = rcu_dereference_protected(__sk_user_data(sk), 1);

	mutex_lock(&ln->lock);
	if (!ls->detached)
		__l2sec_sock_del(ls, true);
	mutex_unlock(&ln->lock);
}
