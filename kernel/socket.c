// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets handed over by the daemon: attach as UDP encapsulation socket
 * (encap_rcv = l2sec_encap_rcv, GRO through gro.c), install the input policy
 * bypass, detach.
 *
 * Lifetime: the module holds a reference on the struct sock, not on the
 * file.  Detach happens (under ln->lock) on SOCK_DEL, when the daemon closes
 * the socket (encap_destroy, process context, no socket lock held), and at
 * namespace exit / module unload.  Detach clears sk_user_data and the encap
 * callbacks, waits for a grace period (encap_rcv and GRO run under RCU), then
 * drops the reference.
 *
 * Known limit: udp_destroy_sock() reads encap_destroy and calls it without
 * RCU or a module reference; a socket closed at the very moment the module
 * is being unloaded could call into freed module text.  Mainline l2tp has the
 * same window.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
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
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG(extack, "socket is not bound");
		return -EINVAL;
	}
	return 0;
}

/* Makes @ls the encap user of its socket; -EBUSY if someone else is. */
static int l2sec_sock_attach(struct l2sec_sock *ls, struct socket *sock,
			     struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = ls,
		.encap_type = UDP_ENCAP_L2TPINUDP,
		.encap_rcv = l2sec_encap_rcv,
		.gro_receive = l2sec_gro_receive,
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
	} else {
		rcu_assign_sk_user_data(sk, ls);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	if (!err) {
		setup_udp_tunnel_sock(ls->ln->net, sock, &cfg);
		/*
		 * Inner UDP that gro.c merged comes as SKB_GSO_UDP_TUNNEL with
		 * SKB_GSO_UDP_L4: without this udp.c would cut it apart again
		 * before encap_rcv (udp_unexpected_gso).  GSO UDP without the
		 * tunnel bits is still cut apart: it did not come through
		 * gro.c.  Not frag_list GSO, which gro.c never makes.
		 */
		if (!udp_test_bit(ACCEPT_L4, sk)) {
			udp_set_bit(ACCEPT_L4, sk);
			ls->accept_l4 = true;
		}
	}
	release_sock(sk);
	return err;
}

static void l2sec_sock_detach(struct l2sec_sock *ls)
{
	struct sock *sk = ls->sk;

	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->gro_receive, NULL);
	WRITE_ONCE(udp_sk(sk)->gro_complete, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	if (ls->accept_l4)
		udp_clear_bit(ACCEPT_L4, sk);
	write_unlock_bh(&sk->sk_callback_lock);
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
	if (require_ipsec) {
		err = l2sec_sock_bypass(ls->sk, true);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "cannot install the socket's input policy bypass");
			l2sec_sock_detach(ls);
			synchronize_rcu();
			goto err_free;
		}
		ls->bypass = true;
	}
	sock_hold(ls->sk);
	ls->id = ln->next_sock_id++;
	if (!ls->id)	/* 0 is never an id */
		ls->id = ln->next_sock_id++;
	list_add_tail_rcu(&ls->node, &ln->socks);
	atomic_inc(&ln->n_socks);
	atomic_inc(&l2sec_live_objects);
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
	struct hlist_node *tmp;
	int i;

	lockdep_assert_held(&ln->lock);
	for (i = 0; i < ARRAY_SIZE(ln->tables->tunnels) && ls->n_tunnels; i++)
		hlist_for_each_entry_safe(t, tmp, &ln->tables->tunnels[i], hnode)
			if (t->lsock == ls)
				l2sec_tunnel_del(ln, t, true);
	list_del_rcu(&ls->node);
	atomic_dec(&ln->n_socks);
	l2sec_bump_gen(ln);
	l2sec_sock_detach(ls);
	if (ls->bypass && !closing)
		l2sec_sock_bypass(ls->sk, false);
	l2sec_notify_sock_del(ln, ls);
	/* encap_rcv and transmit run under RCU and may still hold ls or sk */
	synchronize_rcu();
	sock_put(ls->sk);
	kfree(ls);
	atomic_dec(&l2sec_live_objects);
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
	struct l2sec_sock *ls;

	mutex_lock(&ln->lock);
	list_for_each_entry(ls, &ln->socks, node) {
		if (ls->sk == sk) {
			__l2sec_sock_del(ls, true);
			break;
		}
	}
	mutex_unlock(&ln->lock);
}
