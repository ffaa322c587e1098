// SPDX-License-Identifier: GPL-2.0
/* l2sec.ko generic netlink client for the daemon, on lib/gnl.h and lib/obj.h. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datapath/kern.h"
#include "l2sec.h"
#include "core/log.h"
#include "gnl.h"
#include "obj.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
/*
 * nlctrl's one multicast group, "notify", has the id GENL_ID_CTRL: the
 * kernel gives it that fixed id (genetlink.c, genl_validate_assign_mc_groups).
 */
#define NLCTRL_NOTIFY_GROUP GENL_ID_CTRL

struct kern {
	struct gnl g;			/* requests, one at a time (lib/gnl.h) */
	struct mnl_socket *watch;	/* nlctrl's notify group and SOCK_NTF_DEL */
	uint32_t sock_grp;		/* L2SEC_MCGRP_SOCK, else L2SEC_MCGRP_EVENTS; 0: none */
};

/* What a reply says, by the family's one policy (lib/obj.h). */
struct reply {
	struct obj o;
	bool parsed;
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	char why[96];

	if (obj_parse(nlh, &r->o, why, sizeof(why)) < 0) {
		log_err("kernel: malformed reply: %s", why);
		return -EBADMSG;
	}
	r->parsed = true;
	return 0;
}

/* Send one request and read until its ack; -1 with errno (logged) on error. */
static int exchange(struct kern *k, struct nlmsghdr *nlh, struct reply *r, const char *what)
{
	int err = gnl_request(&k->g, nlh, reply_cb, r);

	if (!err)
		return 0;
	errno = -err;
	log_err("kernel: %s: %s%s%s", what, strerror(errno),
		k->g.extack[0] ? ": " : "", k->g.extack);
	return -1;
}

static int watch_open(struct kern *k);

struct kern *kern_open(void)
{
	struct kern *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return NULL;
	err = gnl_open(&k->g, L2SEC_GENL_NAME);
	if (err) {
		/* no l2sec family (ENOENT): the caller decides how loud that is */
		if (err != -ENOENT)
			log_err("kernel: resolve family l2sec: %s%s%s", strerror(-err),
				k->g.extack[0] ? ": " : "", k->g.extack);
		errno = -err;
		goto err;
	}
	/*
	 * "sock" carries SOCK_NTF_DEL alone; "events", all a module before it
	 * had, every change too: 3 notifications a setup to read and drop.
	 */
	if (gnl_group_id(&k->g, L2SEC_MCGRP_SOCK, &k->sock_grp) < 0 &&
	    gnl_group_id(&k->g, L2SEC_MCGRP_EVENTS, &k->sock_grp) < 0)
		k->sock_grp = 0;
	if (watch_open(k) < 0)
		goto err;
	return k;
err:
	kern_close(k);
	return NULL;
}

/* --- l2sec.ko going away ------------------------------------------------------ */

static int watch_open(struct kern *k)
{
	int grp = NLCTRL_NOTIFY_GROUP;

	k->watch = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!k->watch || mnl_socket_bind(k->watch, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(k->watch, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		log_err("kernel: cannot watch generic netlink families: %s", strerror(errno));
		return -1;
	}
	/*
	 * SOCK_NTF_DEL says a socket was taken from the module.  Without it (a
	 * module without the groups, or the join refused) only an rmmod is
	 * noticed, and the log says so.
	 */
	grp = (int)k->sock_grp;
	if (!grp || mnl_socket_setsockopt(k->watch, NETLINK_ADD_MEMBERSHIP, &grp,
					  sizeof(grp)) < 0)
		log_err("kernel: cannot join l2sec's sock group (%s): a socket taken "
			"from the module will not be noticed", grp ? strerror(errno) : "not found");
	return 0;
}

int kern_watch_fd(const struct kern *k)
{
	return mnl_socket_get_fd(k->watch);
}

/* A CTRL_CMD_DELFAMILY of the family we use? */
static bool is_our_delfamily(const struct kern *k, const struct nlmsghdr *m)
{
	const struct genlmsghdr *g;
	struct gnl_family f;

	if (m->nlmsg_type != GENL_ID_CTRL || mnl_nlmsg_get_payload_len(m) < sizeof(*g))
		return false;
	g = mnl_nlmsg_get_payload(m);
	return g->cmd == CTRL_CMD_DELFAMILY && gnl_parse_family(m, &f) == 0 &&
	       f.id == k->g.family_id;
}

/* A SOCK_NTF_DEL of one of @ids? */
static bool is_our_sock_del(const struct kern *k, const struct nlmsghdr *m,
			    const uint32_t *ids, unsigned int n)
{
	struct obj o;
	char why[96];

	if (m->nlmsg_type != k->g.family_id ||
	    obj_parse(m, &o, why, sizeof(why)) < 0 || o.cmd != L2SEC_CMD_SOCK_NTF_DEL ||
	    !obj_has(&o, L2SEC_A_SOCK_ID))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (o.u[L2SEC_A_SOCK_ID] == ids[i])
			return true;
	return false;
}

int kern_watch_lost(struct kern *k, const uint32_t *ids, unsigned int n)
{
	char buf[8192];
	int lost = 0;

	for (;;) {
		ssize_t got = recv(mnl_socket_get_fd(k->watch), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;
		int len = (int)got;

		if (got < 0 && errno == ENOBUFS) {
			/* notifications were lost: ask the module itself */
			if (!kern_family_present(k))
				lost |= KERN_LOST_FAMILY;
			for (unsigned int i = 0; !lost && i < n; i++)
				if (kern_sock_held(k, ids[i]) == 0)
					lost |= KERN_LOST_SOCK;
			continue;
		}
		if (got <= 0)
			return lost;
		for (; gnl_msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (is_our_delfamily(k, m))
				lost |= KERN_LOST_FAMILY;
			if (is_our_sock_del(k, m, ids, n))
				lost |= KERN_LOST_SOCK;
		}
	}
}

bool kern_family_present(struct kern *k)
{
	struct gnl_family f;

	return gnl_family_get(&k->g, L2SEC_GENL_NAME, &f) == 0 && f.id == k->g.family_id;
}

int kern_sock_attached(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_UDP, UDP_ENCAP, &type, &len) < 0)
		return -1;
	return type == UDP_ENCAP_L2TPINUDP;
}

void kern_close(struct kern *k)
{
	int saved = errno;

	if (!k)
		return;
	gnl_close(&k->g);
	if (k->watch)
		mnl_socket_close(k->watch);
	free(k);
	errno = saved;
}

static struct nlmsghdr *l2sec_msg(struct kern *k, uint8_t cmd)
{
	return gnl_msg(&k->g, cmd, L2SEC_GENL_VERSION, 0);
}

int kern_sock_add(struct kern *k, int fd, bool require_ipsec, uint32_t *sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_ADD);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_FD, (uint32_t)fd);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, require_ipsec);
	if (exchange(k, nlh, &r, "socket add") < 0)
		return -1;
	if (!r.parsed || !obj_has(&r.o, L2SEC_A_SOCK_ID)) {
		log_err("kernel: socket add: the reply has no socket id");
		errno = EBADMSG;
		return -1;
	}
	*sock_id = (uint32_t)r.o.u[L2SEC_A_SOCK_ID];
	return 0;
}

int kern_sock_held(struct kern *k, uint32_t sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_GET);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, sock_id);
	if (exchange(k, nlh, &r, "socket get") == 0)
		return r.parsed && obj_has(&r.o, L2SEC_A_SOCK_ID) &&
		       r.o.u[L2SEC_A_SOCK_ID] == sock_id;
	return errno == ENOENT ? 0 : -1;
}

int kern_sock_del(struct kern *k, uint32_t sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_DEL);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, sock_id);
	return exchange(k, nlh, &r, "socket delete");
}

/* sa's address as a4 (IPv4) or a6 (IPv6); *port its port (network order), 0: neither. */
static void put_addr(struct nlmsghdr *nlh, const union sa46 *sa, uint16_t a4, uint16_t a6,
		     uint16_t *port)
{
	uint8_t a[16];

	*port = 0;
	switch (sa46_key(sa, a, port)) {
	case AF_INET:
		mnl_attr_put(nlh, a4, 4, a);
		break;
	case AF_INET6:
		mnl_attr_put(nlh, a6, 16, a);
		break;
	default:
		break;
	}
}

/* The tunnel @r names: by handle (and id), by id alone from an older module. */
static void put_tref(struct nlmsghdr *nlh, struct kern_tref r)
{
	if (r.handle)
		mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_HANDLE, r.handle);
	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, r.tid);
}

/* The SA of a tunnel reply into @sa. */
static void reply_sa(const struct reply *r, struct kern_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (!r->parsed || !obj_has(&r->o, L2SEC_A_SA))
		return;
	sa->present = true;
	sa->mark = r->o.sa.mark;
	sa->spi = r->o.sa.spi;
	sa->reqid = r->o.sa.reqid;
	sa->encap_sport = r->o.sa.sport;
	sa->encap_dport = r->o.sa.dport;
}

int kern_tunnel_add(struct kern *k, const struct kern_tunnel *t, uint32_t *handle,
		    struct kern_sa *sa)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_NEW);
	struct reply r = { 0 };
	uint16_t port, lport;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, t->tid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, t->peer_tid);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, t->sock_id);
	put_addr(nlh, &t->peer, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, &port);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, ntohs(port));
	put_addr(nlh, &t->local, L2SEC_A_LOCAL_ADDR4, L2SEC_A_LOCAL_ADDR6, &lport);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, t->require_ipsec);
	if (t->mark) {
		/* charon mark_in = mark_out = %unique, set_mark_in = %same: one value */
		mnl_attr_put_u32(nlh, L2SEC_A_BIND_MARK, t->mark);
		mnl_attr_put_u32(nlh, L2SEC_A_OUT_MARK, t->mark);
		/* the mark alone names a restarted charon's SA too */
		if (t->reqid)
			mnl_attr_put_u32(nlh, L2SEC_A_BIND_REQID, t->reqid);
	}
	if (exchange(k, nlh, &r, "tunnel add") < 0)
		return -1;
	/* the reply is the tunnel's: its handle (none from an older module), its SA */
	*handle = r.parsed && obj_has(&r.o, L2SEC_A_TUNNEL_HANDLE) ?
		  (uint32_t)r.o.u[L2SEC_A_TUNNEL_HANDLE] : 0;
	reply_sa(&r, sa);
	return 0;
}

int kern_tunnel_del(struct kern *k, struct kern_tref tr)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_DEL);
	struct reply r = { 0 };

	put_tref(nlh, tr);
	return exchange(k, nlh, &r, "tunnel delete");
}

int kern_tunnel_sa(struct kern *k, struct kern_tref tr, struct kern_sa *sa)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_GET);
	struct reply r = { 0 };

	memset(sa, 0, sizeof(*sa));
	put_tref(nlh, tr);
	if (exchange(k, nlh, &r, "tunnel get") < 0)
		return -1;
	reply_sa(&r, sa);
	return 0;
}

int kern_session_add(struct kern *k, struct kern_tref tr, uint16_t sid, uint16_t peer_sid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_NEW);
	struct reply r = { 0 };

	put_tref(nlh, tr);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, peer_sid);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_DOWN);
	return exchange(k, nlh, &r, "session add");
}

int kern_session_up(struct kern *k, struct kern_tref tr, uint16_t sid,
		    const struct in_addr *ipv4, const struct in6_addr *pfx64, const uint64_t *ifid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_SET);
	struct reply r = { 0 };
	struct nlattr *nest;

	put_tref(nlh, tr);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_UP);
	if (ipv4)
		mnl_attr_put(nlh, L2SEC_A_IPV4, 4, ipv4);
	if (pfx64) {
		nest = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
		mnl_attr_put(nlh, L2SEC_PFX_A_ADDR, 16, pfx64);
		mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 64);
		mnl_attr_nest_end(nlh, nest);
	}
	if (ifid) {
		uint8_t b[8];

		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(*ifid >> (56 - 8 * i));
		mnl_attr_put(nlh, L2SEC_A_IPV6_IFID, sizeof(b), b);
	}
	return exchange(k, nlh, &r, "session up");
}

int kern_session_stats(struct kern *k, struct kern_tref tr, uint16_t sid,
		       struct kern_session_stats *st)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_GET);
	struct reply r = { 0 };
	const struct obj_stats *os = &r.o.stats;

	memset(st, 0, sizeof(*st));
	put_tref(nlh, tr);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	if (exchange(k, nlh, &r, "session get") < 0)
		return -1;
	if (!r.parsed || !obj_has(&r.o, L2SEC_A_STATS)) {
		errno = EBADMSG;
		return -1;
	}
	st->rx_packets = os->v[L2SEC_STATS_A_RX_PACKETS];
	st->rx_bytes = os->v[L2SEC_STATS_A_RX_BYTES];
	st->tx_packets = os->v[L2SEC_STATS_A_TX_PACKETS];
	st->tx_bytes = os->v[L2SEC_STATS_A_TX_BYTES];
	return 0;
}

int kern_session_del(struct kern *k, struct kern_tref tr, uint16_t sid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_DEL);
	struct reply r = { 0 };

	put_tref(nlh, tr);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	return exchange(k, nlh, &r, "session delete");
}
