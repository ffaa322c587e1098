// SPDX-License-Identifier: GPL-2.0
/* l2sec.ko generic netlink client for the daemon (libmnl). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datapath/kern.h"
#include "l2sec.h"
#include "core/log.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
/*
 * nlctrl's one multicast group, "notify", has the id GENL_ID_CTRL: the
 * kernel gives it that fixed id (genetlink.c, genl_validate_assign_mc_groups).
 */
#define NLCTRL_NOTIFY_GROUP GENL_ID_CTRL

struct kern {
	struct mnl_socket *nl;
	struct mnl_socket *watch;	/* nlctrl's notify group and the module's events */
	uint16_t family;
	uint32_t events_grp;		/* L2SEC_MCGRP_EVENTS, 0 if not found */
	uint32_t seq;
	uint32_t portid;
	char buf[16384];		/* one request or reply at a time */
};

/* What a reply callback extracts; one request in flight at a time. */
struct reply {
	uint16_t family;		/* CTRL_CMD_GETFAMILY */
	uint32_t events_grp;		/* CTRL_CMD_GETFAMILY: L2SEC_MCGRP_EVENTS's id */
	uint32_t sock_id;		/* SOCK_ADD */
	struct kern_sa *sa;		/* TUNNEL_GET */
};

static struct nlmsghdr *msg_start(struct kern *k, uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++k->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static const char *extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return NULL;	/* not the request we sent */
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

/* One CTRL_ATTR_MCAST_GRP_*: the events group's id, by its name. */
static int grp_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type == CTRL_ATTR_MCAST_GRP_NAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		tb[type] = a;
	else if (type == CTRL_ATTR_MCAST_GRP_ID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct reply *r = data;
	const struct nlattr *grp;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		r->family = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS ||
	    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(grp, a) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };

		if (mnl_attr_validate(grp, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(grp, grp_attr_cb, tb) < 0)
			continue;
		if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), L2SEC_MCGRP_EVENTS))
			r->events_grp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

static int sa_attr_cb(const struct nlattr *a, void *data)
{
	struct kern_sa *sa = data;

	switch (mnl_attr_get_type(a)) {
	case L2SEC_SA_A_MARK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			sa->mark = mnl_attr_get_u32(a);
		break;
	case L2SEC_SA_A_SPI:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			sa->spi = mnl_attr_get_u32(a);
		break;
	case L2SEC_SA_A_REQID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			sa->reqid = mnl_attr_get_u32(a);
		break;
	case L2SEC_SA_A_ENCAP_SPORT:
		if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			sa->encap_sport = mnl_attr_get_u16(a);
		break;
	case L2SEC_SA_A_ENCAP_DPORT:
		if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			sa->encap_dport = mnl_attr_get_u16(a);
		break;
	}
	return MNL_CB_OK;
}

static int l2sec_attr_cb(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case L2SEC_A_SOCK_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->sock_id = mnl_attr_get_u32(a);
		break;
	case L2SEC_A_SA:
		if (r->sa && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) {
			r->sa->present = true;
			mnl_attr_parse_nested(a, sa_attr_cb, r->sa);
		}
		break;
	}
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), l2sec_attr_cb, data);
}

/*
 * Is there a whole message at @m, @len bytes before the end of what was
 * received?  mnl_nlmsg_ok() compares (int)nlmsg_len, which a length of 2^31
 * or more passes as negative: compared unsigned here, before anything reads
 * the message (its payload, its attributes) or steps past it.
 */
static bool msg_ok(const struct nlmsghdr *m, int len)
{
	return len >= (int)sizeof(*m) && m->nlmsg_len >= sizeof(*m) &&
	       m->nlmsg_len <= (unsigned int)len;
}

/*
 * The errno of an ack: the kernel sends 0 or a -errno (netlink_ack); anything
 * else (INT_MIN, whose negation is undefined, a positive number) is EPROTO.
 */
static int ack_errno(int error)
{
	return error < 0 && error >= -4095 ? -error : EPROTO;
}

/* Send one request and read until its ack; -1 with errno on error. */
static int exchange(struct kern *k, struct nlmsghdr *nlh, struct reply *r, const char *what)
{
	uint32_t seq = nlh->nlmsg_seq;
	uint16_t req_type = nlh->nlmsg_type;	/* k->buf is reused for the reply */

	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0) {
		log_err("kernel: %s: send: %s", what, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(k->nl, k->buf, sizeof(k->buf));
		const struct nlmsghdr *m = (const struct nlmsghdr *)k->buf;
		int len = (int)n;

		if (n < 0) {
			log_err("kernel: %s: receive: %s", what, strerror(errno));
			return -1;
		}
		for (; msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				const char *ext;

				if (mnl_nlmsg_get_payload_len(m) < sizeof(*e)) {
					errno = EBADMSG;
					return -1;
				}
				if (!e->error)
					return 0;
				ext = extack_msg(m);
				errno = ack_errno(e->error);
				/* no l2sec family: the caller decides how loud that is */
				if (req_type == GENL_ID_CTRL &&
				    errno == ENOENT)
					return -1;
				log_err("kernel: %s: %s%s%s", what, strerror(errno),
					ext ? ": " : "", ext ? ext : "");
				return -1;
			}
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type >= NLMSG_MIN_TYPE)
				data_cb(m, r);
		}
	}
}

static int watch_open(struct kern *k);

struct kern *kern_open(void)
{
	struct kern *k = calloc(1, sizeof(*k));
	struct reply r = { 0 };
	struct nlmsghdr *nlh;
	int one = 1;

	if (!k)
		return NULL;
	k->seq = (uint32_t)time(NULL);
	k->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!k->nl || mnl_socket_bind(k->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	k->portid = mnl_socket_get_portid(k->nl);
	mnl_socket_setsockopt(k->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = msg_start(k, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2SEC_GENL_NAME);
	if (exchange(k, nlh, &r, "resolve family l2sec") < 0 || !r.family) {
		if (!errno)
			errno = ENOENT;
		goto err;
	}
	k->family = r.family;
	k->events_grp = r.events_grp;
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
	 * The module's events: SOCK_NTF_DEL says a socket was taken from it.
	 * Without them (a module without the group, or the join refused) only
	 * an rmmod is noticed, and the log says so.
	 */
	grp = (int)k->events_grp;
	if (!grp || mnl_socket_setsockopt(k->watch, NETLINK_ADD_MEMBERSHIP, &grp,
					  sizeof(grp)) < 0)
		log_err("kernel: cannot join l2sec's events group (%s): a socket taken "
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
	struct reply r = { 0 };

	if (m->nlmsg_type != GENL_ID_CTRL || mnl_nlmsg_get_payload_len(m) < sizeof(*g))
		return false;
	g = mnl_nlmsg_get_payload(m);
	if (g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	mnl_attr_parse(m, sizeof(*g), family_attr_cb, &r);
	return r.family == k->family;
}

/* A SOCK_NTF_DEL of one of @ids? */
static bool is_our_sock_del(const struct kern *k, const struct nlmsghdr *m,
			    const uint32_t *ids, unsigned int n)
{
	const struct genlmsghdr *g;
	struct reply r = { 0 };

	if (m->nlmsg_type != k->family || mnl_nlmsg_get_payload_len(m) < sizeof(*g))
		return false;
	g = mnl_nlmsg_get_payload(m);
	if (g->cmd != L2SEC_CMD_SOCK_NTF_DEL ||
	    mnl_attr_parse(m, sizeof(*g), l2sec_attr_cb, &r) < 0)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (r.sock_id == ids[i])
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
		for (; msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (is_our_delfamily(k, m))
				lost |= KERN_LOST_FAMILY;
			if (is_our_sock_del(k, m, ids, n))
				lost |= KERN_LOST_SOCK;
		}
	}
}

bool kern_family_present(struct kern *k)
{
	struct nlmsghdr *nlh = msg_start(k, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	struct reply r = { 0 };

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2SEC_GENL_NAME);
	return exchange(k, nlh, &r, "resolve family l2sec") == 0 && r.family == k->family;
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
	if (k->nl)
		mnl_socket_close(k->nl);
	if (k->watch)
		mnl_socket_close(k->watch);
	free(k);
	errno = saved;
}

static struct nlmsghdr *l2sec_msg(struct kern *k, uint8_t cmd)
{
	return msg_start(k, k->family, cmd, L2SEC_GENL_VERSION);
}

int kern_sock_add(struct kern *k, int fd, bool require_ipsec, uint32_t *sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_ADD);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_FD, (uint32_t)fd);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, require_ipsec);
	if (exchange(k, nlh, &r, "socket add") < 0)
		return -1;
	*sock_id = r.sock_id;
	return 0;
}

int kern_sock_held(struct kern *k, uint32_t sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_GET);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, sock_id);
	if (exchange(k, nlh, &r, "socket get") == 0)
		return r.sock_id == sock_id;
	return errno == ENOENT ? 0 : -1;
}

int kern_sock_del(struct kern *k, uint32_t sock_id)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SOCK_DEL);
	struct reply r = { 0 };

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, sock_id);
	return exchange(k, nlh, &r, "socket delete");
}

static void put_addr(struct nlmsghdr *nlh, const struct sockaddr_storage *ss,
		     uint16_t a4, uint16_t a6)
{
	if (ss->ss_family == AF_INET)
		mnl_attr_put(nlh, a4, 4, &((const struct sockaddr_in *)ss)->sin_addr);
	else if (ss->ss_family == AF_INET6)
		mnl_attr_put(nlh, a6, 16, &((const struct sockaddr_in6 *)ss)->sin6_addr);
}

int kern_tunnel_add(struct kern *k, const struct kern_tunnel *t)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_NEW);
	struct reply r = { 0 };
	uint16_t port = t->peer.ss_family == AF_INET ?
		((const struct sockaddr_in *)&t->peer)->sin_port :
		((const struct sockaddr_in6 *)&t->peer)->sin6_port;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, t->tid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, t->peer_tid);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, t->sock_id);
	put_addr(nlh, &t->peer, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, ntohs(port));
	put_addr(nlh, &t->local, L2SEC_A_LOCAL_ADDR4, L2SEC_A_LOCAL_ADDR6);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, t->require_ipsec);
	if (t->mark) {
		/* charon mark_in = mark_out = %unique, set_mark_in = %same: one value */
		mnl_attr_put_u32(nlh, L2SEC_A_BIND_MARK, t->mark);
		mnl_attr_put_u32(nlh, L2SEC_A_OUT_MARK, t->mark);
		/* the mark alone names a restarted charon's SA too */
		if (t->reqid)
			mnl_attr_put_u32(nlh, L2SEC_A_BIND_REQID, t->reqid);
	}
	return exchange(k, nlh, &r, "tunnel add");
}

int kern_tunnel_del(struct kern *k, uint16_t tid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_DEL);
	struct reply r = { 0 };

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	return exchange(k, nlh, &r, "tunnel delete");
}

int kern_tunnel_sa(struct kern *k, uint16_t tid, struct kern_sa *sa)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_TUNNEL_GET);
	struct reply r = { .sa = sa };

	memset(sa, 0, sizeof(*sa));
	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	return exchange(k, nlh, &r, "tunnel get");
}

int kern_session_add(struct kern *k, uint16_t tid, uint16_t sid, uint16_t peer_sid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_NEW);
	struct reply r = { 0 };

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, peer_sid);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_DOWN);
	return exchange(k, nlh, &r, "session add");
}

int kern_session_up(struct kern *k, uint16_t tid, uint16_t sid, const struct in_addr *ipv4,
		    const struct in6_addr *pfx64, const uint64_t *ifid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_SET);
	struct reply r = { 0 };
	struct nlattr *nest;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
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

int kern_session_del(struct kern *k, uint16_t tid, uint16_t sid)
{
	struct nlmsghdr *nlh = l2sec_msg(k, L2SEC_CMD_SESSION_DEL);
	struct reply r = { 0 };

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	return exchange(k, nlh, &r, "session delete");
}
