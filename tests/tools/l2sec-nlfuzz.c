// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec-nlfuzz: sends random and mutated generic netlink messages to l2sec.ko
 * (issue 16 item 9; guest test 25-nlfuzz, docs/SECURITY.md).
 *
 *   l2sec-nlfuzz [-s SEED] [-t SECONDS] [-n COUNT] [-U] [-l ADDR [-P PEER] [-i INNER4]] [-v]
 *
 * Every command of uapi/l2sec.h (and ids that are none), their attributes
 * with values drawn from pools of live and dead object ids, random attributes
 * and nesting, wrong lengths, truncated attributes and messages, batches,
 * abandoned dumps; between them it opens, hands over and closes UDP sockets of
 * its own (some unusable: unbound, TCP, already encapsulated) and sends L2TP
 * datagrams to them, so that mutated commands hit real sockets, tunnels and
 * sessions under traffic.  The seed is printed first; the same seed gives the
 * same sequence of requests (the kernel's answers may still differ).
 *
 * -l ADDR keeps a base set alive for an outside traffic source: a socket bound
 * to ADDR:1701 (no IPsec), tunnel 7 (peer tunnel 70, PEER:1701, default
 * 192.0.2.2) and session 7 (peer 77, up, INNER4, default 10.99.0.2); the
 * fuzzer deletes and mutates them like anything else and rebuilds them.
 *
 * -U: the caller has no CAP_NET_ADMIN over this namespace; every request to
 * the family must be refused, and so must joining the events group.  Any
 * request granted makes the exit status 1.
 *
 * Any reply or notification that is not well-formed netlink also makes the
 * exit status 1.  The last line is "nlfuzz ..." with the counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "l2sec.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define NLF_MAX_SOCKS	12
#define NLF_POOL	16
#define NLF_BUF		8192
#define NLF_SEQ_RING	1024
#define NLF_BASE_PORT	1701
#define NLF_BASE_TID	7
#define NLF_BASE_SID	7

/* --- seeded generator (xorshift64*): one stream for the whole run ----------------- */

static uint64_t nlf_state;

static uint64_t nlf_rand64(void)
{
	nlf_state ^= nlf_state >> 12;
	nlf_state ^= nlf_state << 25;
	nlf_state ^= nlf_state >> 27;
	return nlf_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t nlf_below(uint32_t n)
{
	return n ? (uint32_t)(nlf_rand64() % n) : 0;
}

/* true with probability PCT percent */
static bool nlf_pct(unsigned int pct)
{
	return nlf_below(100) < pct;
}

static void nlf_fill(void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = (uint8_t)nlf_rand64();
}

/* --- state ---------------------------------------------------------------------------- */

struct nlf_pool {
	uint32_t v[NLF_POOL];
	unsigned int n;
};

struct nlf_sock {
	int fd;
	uint16_t port;
	bool v6;
};

struct nlf_counters {
	unsigned long ops, msgs, batches, mutated, acks, ok, replies, dumps, intr;
	unsigned long abandoned, ntf, granted, refused, malformed, socks_opened;
	unsigned long socks_closed, datagrams, builds, base_rebuilds, base_fail, nl_reopen;
	unsigned long err[160];
};

static struct mnl_socket *nl, *nl_mon;
static uint16_t family_id;
static uint32_t mcgrp_id;
static uint32_t seq;
static bool unpriv, verbose;
static struct nlf_counters cnt;
static struct nlf_pool sock_ids, tunnel_ids, tunnel_handles, session_ids;
static struct nlf_sock socks[NLF_MAX_SOCKS];
static int tx_fd4 = -1, tx_fd6 = -1;
static struct in_addr base_addr, base_peer, base_inner;
static bool have_base;
static int base_fd = -1;
static uint32_t base_sock_id;
/* SOCK_ID of the reply to the request being waited for (not of notifications). */
static uint32_t reply_sock_id;
static bool reply_has_sock_id;
static volatile sig_atomic_t stop;

static void nlf_pool_add(struct nlf_pool *p, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->v[i] == v)
			return;
	if (p->n < NLF_POOL)
		p->v[p->n++] = v;
	else
		p->v[nlf_below(NLF_POOL)] = v;
}

/* A value for an id: a live one, a small one (likely to exist or collide), an edge. */
static uint32_t nlf_pick_id(const struct nlf_pool *p, uint32_t max)
{
	static const uint32_t edge[] = { 0, 1, 0xffff, 0x10000, 0xffffffff, 0x7fffffff };
	uint32_t r = nlf_below(100);

	if (r < 55 && p->n)
		return p->v[nlf_below(p->n)];
	if (r < 85)
		return 1 + nlf_below(8);
	if (r < 95)
		return edge[nlf_below(sizeof(edge) / sizeof(edge[0]))] & max;
	return (uint32_t)nlf_rand64() & max;
}

/* --- netlink plumbing -------------------------------------------------------------------- */

static struct nlmsghdr *nlf_start(char *buf, uint16_t type, uint8_t cmd, uint16_t flags,
				  uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int nlf_ctrl_grp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(attr) <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static int nlf_ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *grp;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
		family_id = mnl_attr_get_u16(attr);
	if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(grp, attr) {
		const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };

		mnl_attr_parse_nested(grp, nlf_ctrl_grp_cb, g);
		if (g[CTRL_ATTR_MCAST_GRP_NAME] && g[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]), L2SEC_MCGRP_EVENTS))
			mcgrp_id = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

/* Learns ids from a reply or notification; false if its attributes are malformed. */
static int nlf_learn_cb(const struct nlattr *attr, void *data)
{
	switch (mnl_attr_get_type(attr)) {
	case L2SEC_A_SOCK_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		nlf_pool_add(&sock_ids, mnl_attr_get_u32(attr));
		if (data) {
			reply_sock_id = mnl_attr_get_u32(attr);
			reply_has_sock_id = true;
		}
		break;
	case L2SEC_A_TUNNEL_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		nlf_pool_add(&tunnel_ids, mnl_attr_get_u16(attr));
		break;
	case L2SEC_A_TUNNEL_HANDLE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		nlf_pool_add(&tunnel_handles, mnl_attr_get_u32(attr));
		break;
	case L2SEC_A_SESSION_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		nlf_pool_add(&session_ids, mnl_attr_get_u16(attr));
		break;
	}
	return MNL_CB_OK;
}

static void nlf_malformed(const char *what, const struct nlmsghdr *h)
{
	cnt.malformed++;
	fprintf(stderr, "nlfuzz: malformed %s: type %u len %u seq %u\n", what,
		h->nlmsg_type, h->nlmsg_len, h->nlmsg_seq);
}

/*
 * One message from the kernel.  Returns the error of the ack for @want (0 or
 * -errno), 1 if it was the ack/done of @want without error, 2 otherwise.
 */
static int nlf_handle(const struct nlmsghdr *h, uint32_t want)
{
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			nlf_malformed("ack", h);
			return 2;
		}
		cnt.acks++;
		if (!e->error)
			cnt.ok++;
		else if (e->error < 0 && e->error > -(int)(sizeof(cnt.err) / sizeof(cnt.err[0])))
			cnt.err[-e->error]++;
		if (e->msg.nlmsg_type == family_id) {
			if (!e->error && unpriv) {
				cnt.granted++;
				fprintf(stderr, "nlfuzz: granted without CAP_NET_ADMIN: cmd %u\n",
					((const struct genlmsghdr *)(&e->msg + 1))->cmd);
			} else if (e->error == -EPERM) {
				cnt.refused++;
			}
		}
		if (h->nlmsg_seq == want)
			return e->error ? e->error : 1;
		return 2;
	}
	if (h->nlmsg_type == NLMSG_DONE)
		return h->nlmsg_seq == want ? 1 : 2;
	if (h->nlmsg_type != family_id)
		return 2;
	cnt.replies++;
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		cnt.intr++;
	if (unpriv) {
		cnt.granted++;
		fprintf(stderr, "nlfuzz: reply without CAP_NET_ADMIN\n");
	}
	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    mnl_attr_parse(h, GENL_HDRLEN, nlf_learn_cb,
			   h->nlmsg_seq == want ? &reply_sock_id : NULL) < 0)
		nlf_malformed("reply", h);
	return 2;
}

/*
 * Reads what the kernel queued on @s.  With @want, until its ack or done
 * (returns its error, 0 for success); else until nothing is left, or after
 * @max_reads reads (a dump left unread).  -EAGAIN if @want never came.
 */
static int nlf_drain(struct mnl_socket *s, uint32_t want, int max_reads)
{
	static char buf[65536];
	int reads = 0, ret = -EAGAIN;

	while (max_reads < 0 || reads < max_reads) {
		struct nlmsghdr *h;
		ssize_t n;
		int len;

		n = recv(mnl_socket_get_fd(s), buf, sizeof(buf), want ? 0 : MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS)
			continue;	/* notifications lost: not a defect */
		if (n <= 0)
			break;
		reads++;
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			int r = nlf_handle(h, want);

			if (r != 2 && want) {
				ret = r == 1 ? 0 : r;
				want = 0;
			}
		}
		if (len > 0)
			nlf_malformed("batch", (struct nlmsghdr *)buf);
		if (want == 0 && ret != -EAGAIN)
			break;
	}
	return ret;
}

/* Sends one request and waits for its answer: 0 or -errno. */
static int nlf_transact(struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	cnt.msgs++;
	return nlf_drain(nl, nlh->nlmsg_seq, -1);
}

static int nlf_resolve(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlf_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, 1);
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2SEC_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
	if (n < 0)
		return -errno;
	nlh = (struct nlmsghdr *)rbuf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
	mnl_attr_parse(nlh, GENL_HDRLEN, nlf_ctrl_attr_cb, NULL);
	nlf_drain(nl, 0, -1);
	return family_id ? 0 : -ENOENT;
}

static struct mnl_socket *nlf_open(void)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_GENERIC);
	struct timeval tmo = { .tv_sec = 5 };
	int one = 1, rcv = 1 << 20;

	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlfuzz: netlink socket");
		exit(2);
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	if (nlf_pct(50))
		mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	/* an ack that never comes is reported by the counters, not a hang */
	setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	return s;
}

/* --- the fuzzer's own UDP sockets --------------------------------------------------------- */

static void nlf_sock_close(struct nlf_sock *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	cnt.socks_closed++;
}

/* A UDP socket bound to an ephemeral port (sometimes not bound, sometimes already encapsulated). */
static void nlf_sock_open(struct nlf_sock *s)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, encap = UDP_ENCAP_ESPINUDP;
	socklen_t len;

	nlf_sock_close(s);
	s->v6 = nlf_pct(30);
	s->port = 0;
	s->fd = socket(s->v6 ? AF_INET6 : AF_INET,
		       (nlf_pct(5) ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return;
	cnt.socks_opened++;
	if (!s->v6 && have_base && nlf_pct(40))
		a4.sin_addr = base_addr;
	if (nlf_pct(5))
		setsockopt(s->fd, SOL_UDP, UDP_ENCAP, &encap, sizeof(encap));
	if (nlf_pct(10))
		setsockopt(s->fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	if (nlf_pct(5))
		return;		/* unbound */
	if (s->v6 ? bind(s->fd, (struct sockaddr *)&a6, sizeof(a6)) :
		    bind(s->fd, (struct sockaddr *)&a4, sizeof(a4)))
		return;
	len = s->v6 ? sizeof(a6) : sizeof(a4);
	getsockname(s->fd, s->v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4, &len);
	s->port = ntohs(s->v6 ? a6.sin6_port : a4.sin_port);
}

/* An fd for SOCK_ADD: mostly one of ours, else anything else an fd can be. */
static uint32_t nlf_pick_fd(void)
{
	struct nlf_sock *s = &socks[nlf_below(NLF_MAX_SOCKS)];
	uint32_t r = nlf_below(100);

	if (r < 80) {
		if (s->fd < 0 || nlf_pct(30))
			nlf_sock_open(s);
		return (uint32_t)s->fd;
	}
	if (r < 85)
		return (uint32_t)mnl_socket_get_fd(nl);
	if (r < 90)
		return have_base && base_fd >= 0 ? (uint32_t)base_fd : 0;
	if (r < 95)
		return (uint32_t)tx_fd4;
	return (uint32_t)nlf_rand64();
}

/* Received data on our sockets is read and thrown away (the module left it to the daemon). */
static void nlf_socks_drain(void)
{
	char buf[2048];
	int i, n;

	for (i = 0; i < NLF_MAX_SOCKS; i++)
		for (n = 0; socks[i].fd >= 0 && n < 64; n++)
			if (recv(socks[i].fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
				break;
	for (n = 0; base_fd >= 0 && n < 256; n++)
		if (recv(base_fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
}

/* An L2TP data (sometimes control or garbage) datagram to one of our sockets. */
static void nlf_send_datagram(void)
{
	struct nlf_sock *s = &socks[nlf_below(NLF_MAX_SOCKS)];
	uint8_t pkt[96];
	size_t len = 6 + 4 + 20 + nlf_below(40);
	uint16_t tid = (uint16_t)nlf_pick_id(&tunnel_ids, 0xffff);
	uint16_t sid = (uint16_t)nlf_pick_id(&session_ids, 0xffff);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	if (s->fd < 0 || !s->port)
		return;
	nlf_fill(pkt, sizeof(pkt));
	pkt[0] = nlf_pct(90) ? 0x00 : pkt[0] & 0xcb;	/* data, or T/L/S/O bits */
	pkt[1] = nlf_pct(90) ? 0x02 : pkt[1];
	pkt[2] = tid >> 8;
	pkt[3] = tid & 0xff;
	pkt[4] = sid >> 8;
	pkt[5] = sid & 0xff;
	if (nlf_pct(85)) {
		pkt[6] = 0xff;
		pkt[7] = 0x03;
		pkt[8] = 0x00;
		pkt[9] = nlf_pct(50) ? 0x21 : 0x57;
		pkt[10] = pkt[9] == 0x21 ? 0x45 : 0x60;
	}
	if (nlf_pct(10))
		len = nlf_below(12);
	a4.sin_port = a6.sin6_port = htons(s->port);
	if (s->v6)
		sendto(tx_fd6, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&a6, sizeof(a6));
	else
		sendto(tx_fd4, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&a4, sizeof(a4));
	cnt.datagrams++;
}

/* --- attribute values ------------------------------------------------------------------------ */

static const uint8_t nlf_v6_pool[][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2 },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2 },
	{ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ 0 },
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
};

static void nlf_put_addr4(struct nlmsghdr *nlh, uint16_t type)
{
	static const uint32_t pool[] = { 0x0a630002, 0x0a630003, 0x0a630004, 0x0a630009,
		0, 0xffffffff, 0x7f000001, 0xc0000202, 0xc0000201, 0xe0000001 };
	uint32_t v = nlf_pct(90) ? pool[nlf_below(sizeof(pool) / sizeof(pool[0]))] :
				   (uint32_t)nlf_rand64();

	/*
	 * The base session's address stays its own: a fuzz session holding it
	 * would keep the base set from being rebuilt, and the traffic from flowing.
	 */
	if (have_base && htonl(v) == base_inner.s_addr)
		v++;
	mnl_attr_put_u32(nlh, type, htonl(v));
}

static void nlf_put_addr6(struct nlmsghdr *nlh, uint16_t type)
{
	uint8_t a[16];
	unsigned int n = sizeof(nlf_v6_pool) / sizeof(nlf_v6_pool[0]);

	if (nlf_pct(85))
		memcpy(a, nlf_v6_pool[nlf_below(n)], sizeof(a));
	else
		nlf_fill(a, sizeof(a));
	mnl_attr_put(nlh, type, sizeof(a), a);
}

static void nlf_put_prefix(struct nlmsghdr *nlh)
{
	static const uint8_t lens[] = { 64, 128, 64, 128, 0, 1, 63, 129, 255 };
	struct nlattr *nest = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);

	if (nlf_pct(95))
		nlf_put_addr6(nlh, L2SEC_PFX_A_ADDR);
	if (nlf_pct(95))
		mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, lens[nlf_below(sizeof(lens))]);
	if (nlf_pct(5))
		mnl_attr_put_u32(nlh, (uint16_t)nlf_below(5), (uint32_t)nlf_rand64());
	mnl_attr_nest_end(nlh, nest);
}

/* An attribute of a random type, length and content, nested up to @depth deep. */
static void nlf_put_random(struct nlmsghdr *nlh, int depth)
{
	uint16_t type = (uint16_t)nlf_below(L2SEC_A_MAX + 4);
	uint8_t data[40];
	size_t len = nlf_below(sizeof(data) + 1);

	if (nlh->nlmsg_len > NLF_BUF - 256)
		return;		/* a message stays within NLF_BUF */
	if (nlf_pct(5))
		type |= nlf_pct(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	if (depth > 0 && nlf_pct(25)) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, type);
		int i, n = (int)nlf_below(5);

		for (i = 0; i < n; i++)
			nlf_put_random(nlh, depth - 1);
		mnl_attr_nest_end(nlh, nest);
		return;
	}
	if (nlf_pct(50))
		len = (size_t[]){ 0, 1, 2, 4, 8, 16 }[nlf_below(6)];
	nlf_fill(data, len);
	mnl_attr_put(nlh, type, len, data);
}

/* The attribute @type with a value of its kind (now and then of the wrong size). */
static void nlf_put_attr(struct nlmsghdr *nlh, uint16_t type)
{
	static const uint32_t marks[] = { 0, 1, 2, 0xffffffff, 0x100 };

	if (nlf_pct(4)) {
		uint8_t junk[24];
		size_t len = nlf_below(sizeof(junk) + 1);

		nlf_fill(junk, len);
		mnl_attr_put(nlh, type, len, junk);
		return;
	}
	switch (type) {
	case L2SEC_A_SOCK_FD:
		mnl_attr_put_u32(nlh, type, nlf_pick_fd());
		break;
	case L2SEC_A_SOCK_ID:
		mnl_attr_put_u32(nlh, type, nlf_pick_id(&sock_ids, 0xffffffff));
		break;
	case L2SEC_A_TUNNEL_HANDLE:
		mnl_attr_put_u32(nlh, type, nlf_pick_id(&tunnel_handles, 0xffffffff));
		break;
	case L2SEC_A_TUNNEL_ID:
	case L2SEC_A_PEER_TUNNEL_ID:
		mnl_attr_put_u16(nlh, type, (uint16_t)nlf_pick_id(&tunnel_ids, 0xffff));
		break;
	case L2SEC_A_SESSION_ID:
	case L2SEC_A_PEER_SESSION_ID:
		mnl_attr_put_u16(nlh, type, (uint16_t)nlf_pick_id(&session_ids, 0xffff));
		break;
	case L2SEC_A_PEER_PORT:
		mnl_attr_put_u16(nlh, type, nlf_pct(70) ? NLF_BASE_PORT : (uint16_t)nlf_rand64());
		break;
	case L2SEC_A_REQUIRE_IPSEC:
	case L2SEC_A_STATE:
		mnl_attr_put_u8(nlh, type, nlf_pct(90) ? (uint8_t)nlf_below(2) : (uint8_t)nlf_rand64());
		break;
	case L2SEC_A_UNBIND:
	case L2SEC_A_CLEAR_ADDRS:
		mnl_attr_put_u8(nlh, type, nlf_pct(90) ? 1 : (uint8_t)nlf_rand64());
		break;
	case L2SEC_A_BIND_MARK:
	case L2SEC_A_OUT_MARK:
		mnl_attr_put_u32(nlh, type, nlf_pct(80) ?
				 marks[nlf_below(sizeof(marks) / sizeof(marks[0]))] :
				 (uint32_t)nlf_rand64());
		break;
	case L2SEC_A_PEER_ADDR4:
	case L2SEC_A_LOCAL_ADDR4:
	case L2SEC_A_IPV4:
		nlf_put_addr4(nlh, type);
		break;
	case L2SEC_A_PEER_ADDR6:
	case L2SEC_A_LOCAL_ADDR6:
	case L2SEC_A_IPV6_ADDR:
		nlf_put_addr6(nlh, type);
		break;
	case L2SEC_A_IPV6_PREFIX:
		nlf_put_prefix(nlh);
		break;
	case L2SEC_A_IPV6_IFID: {
		uint8_t ifid[8];

		nlf_fill(ifid, sizeof(ifid));
		mnl_attr_put(nlh, type, sizeof(ifid), ifid);
		break;
	}
	default:
		nlf_put_random(nlh, 3);
	}
}

/* --- requests -------------------------------------------------------------------------------- */

/* The attributes each command takes (uapi/l2sec.h), 0-terminated. */
static const uint16_t nlf_cmd_attrs[L2SEC_CMD_STATS_GET + 1][12] = {
	[L2SEC_CMD_SOCK_ADD] = { L2SEC_A_SOCK_FD, L2SEC_A_REQUIRE_IPSEC },
	[L2SEC_CMD_SOCK_DEL] = { L2SEC_A_SOCK_ID },
	[L2SEC_CMD_SOCK_GET] = { L2SEC_A_SOCK_ID },
	[L2SEC_CMD_TUNNEL_NEW] = { L2SEC_A_TUNNEL_ID, L2SEC_A_PEER_TUNNEL_ID, L2SEC_A_SOCK_ID,
		L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, L2SEC_A_PEER_PORT, L2SEC_A_LOCAL_ADDR4,
		L2SEC_A_LOCAL_ADDR6, L2SEC_A_REQUIRE_IPSEC, L2SEC_A_BIND_MARK, L2SEC_A_OUT_MARK },
	[L2SEC_CMD_TUNNEL_SET] = { L2SEC_A_TUNNEL_ID, L2SEC_A_PEER_TUNNEL_ID, L2SEC_A_PEER_ADDR4,
		L2SEC_A_PEER_ADDR6, L2SEC_A_PEER_PORT, L2SEC_A_LOCAL_ADDR4, L2SEC_A_LOCAL_ADDR6,
		L2SEC_A_OUT_MARK, L2SEC_A_BIND_MARK, L2SEC_A_UNBIND, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_TUNNEL_DEL] = { L2SEC_A_TUNNEL_ID, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_TUNNEL_GET] = { L2SEC_A_TUNNEL_ID, L2SEC_A_SOCK_ID, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_SESSION_NEW] = { L2SEC_A_TUNNEL_ID, L2SEC_A_SESSION_ID, L2SEC_A_PEER_SESSION_ID,
		L2SEC_A_STATE, L2SEC_A_IPV4, L2SEC_A_IPV6_PREFIX, L2SEC_A_IPV6_PREFIX,
		L2SEC_A_IPV6_IFID, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_SESSION_SET] = { L2SEC_A_TUNNEL_ID, L2SEC_A_SESSION_ID, L2SEC_A_PEER_SESSION_ID,
		L2SEC_A_STATE, L2SEC_A_IPV4, L2SEC_A_IPV6_PREFIX, L2SEC_A_IPV6_IFID,
		L2SEC_A_CLEAR_ADDRS, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_SESSION_DEL] = { L2SEC_A_TUNNEL_ID, L2SEC_A_SESSION_ID, L2SEC_A_TUNNEL_HANDLE },
	/* and a dump's address filter (nlf_build) */
	[L2SEC_CMD_SESSION_GET] = { L2SEC_A_TUNNEL_ID, L2SEC_A_SESSION_ID, L2SEC_A_TUNNEL_HANDLE },
	[L2SEC_CMD_STATS_GET] = { 0 },
};

static uint8_t nlf_pick_cmd(void)
{
	uint32_t r = nlf_below(100);

	if (r < 85)
		return (uint8_t)(1 + nlf_below(L2SEC_CMD_STATS_GET));
	if (r < 95)
		return (uint8_t)nlf_below(L2SEC_CMD_MAX + 3);
	return (uint8_t)nlf_rand64();
}

/* One request into @buf: the command's attributes, or random ones, or both. */
static struct nlmsghdr *nlf_build(char *buf)
{
	uint8_t cmd = nlf_pick_cmd();
	uint16_t type = nlf_pct(96) ? family_id : nlf_pct(50) ? GENL_ID_CTRL : (uint16_t)nlf_rand64();
	uint16_t flags = nlf_pct(15) ? NLM_F_DUMP : 0;
	struct nlmsghdr *nlh;
	int i, n;

	if (nlf_pct(3))
		flags |= (uint16_t)nlf_rand64() & ~NLM_F_REQUEST;
	nlh = nlf_start(buf, type, cmd, flags, nlf_pct(95) ? L2SEC_GENL_VERSION : (uint8_t)nlf_rand64());
	if (cmd <= L2SEC_CMD_STATS_GET && nlf_pct(85)) {
		for (i = 0; i < 12 && nlf_cmd_attrs[cmd][i]; i++)
			if (nlf_pct(88))
				nlf_put_attr(nlh, nlf_cmd_attrs[cmd][i]);
		if (cmd == L2SEC_CMD_SESSION_NEW || cmd == L2SEC_CMD_SESSION_SET)
			for (n = (int)nlf_below(8) - 4; n > 0; n--)
				nlf_put_prefix(nlh);
		/* one address to filter a dump by, now and then both (refused) */
		n = cmd == L2SEC_CMD_SESSION_GET ? (int)nlf_below(10) : 9;
		if (n < 3 || n == 6)
			nlf_put_attr(nlh, L2SEC_A_IPV4);
		if (n >= 3 && n <= 6)
			nlf_put_attr(nlh, L2SEC_A_IPV6_ADDR);
		n = nlf_pct(20) ? 1 + (int)nlf_below(3) : 0;
	} else {
		n = (int)nlf_below(12);
	}
	for (i = 0; i < n && nlh->nlmsg_len < NLF_BUF - 512; i++) {
		if (nlf_pct(50))
			nlf_put_attr(nlh, (uint16_t)nlf_below(L2SEC_A_MAX + 2));
		else
			nlf_put_random(nlh, 4);
	}
	return nlh;
}

/*
 * Damages a built request; returns how many bytes to send (the message's
 * length may now be less or more than that).
 */
static size_t nlf_mutate(struct nlmsghdr *nlh)
{
	size_t len = nlh->nlmsg_len, hdr = NLMSG_LENGTH(GENL_HDRLEN), at;
	struct nlattr *a;

	cnt.mutated++;
	switch (nlf_below(6)) {
	case 0:		/* flip bytes of the attributes */
		for (int i = (int)nlf_below(4); i >= 0 && len > hdr; i--)
			((uint8_t *)nlh)[hdr + nlf_below((uint32_t)(len - hdr))] ^=
				(uint8_t)(1 + nlf_below(255));
		return len;
	case 1:		/* an attribute's length: too small, too big, odd */
		if (len <= hdr + 4)
			return len;
		at = hdr;
		for (int i = (int)nlf_below(4); i > 0; i--) {
			a = (struct nlattr *)((char *)nlh + at);
			if (at + NLA_ALIGN(a->nla_len) + 4 > len || a->nla_len < 4)
				break;
			at += NLA_ALIGN(a->nla_len);
		}
		a = (struct nlattr *)((char *)nlh + at);
		a->nla_len = (uint16_t[]){ 0, 1, 3, 4, 5, 0xffff, (uint16_t)(len - at + 4),
					    (uint16_t)nlf_rand64() }[nlf_below(8)];
		return len;
	case 2:		/* the message cut short, its header telling the truth */
		nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + nlf_below((uint32_t)(len - NLMSG_HDRLEN + 1)));
		return nlh->nlmsg_len;
	case 3:		/* the header claims more, or less, than is sent */
		nlh->nlmsg_len = nlf_pct(50) ? (uint32_t)(len + 1 + nlf_below(64)) :
					       (uint32_t)nlf_below((uint32_t)len);
		return len;
	case 4:		/* sent bytes cut short, header unchanged */
		return NLMSG_HDRLEN + nlf_below((uint32_t)(len - NLMSG_HDRLEN));
	default:	/* trailing garbage inside the message */
		at = nlf_below(7) + 1;
		nlf_fill((char *)nlh + len, at);
		nlh->nlmsg_len = (uint32_t)(len + at);
		return len + at;
	}
}

/* One fuzz request (or a batch of them), then whatever came back. */
static void nlf_op_request(void)
{
	static char buf[NLF_BUF * 4];
	size_t off = 0, sent;
	int i, n = nlf_pct(8) ? 2 + (int)nlf_below(3) : 1;
	bool dump = false;

	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = nlf_build(buf + off);
		size_t len = nlh->nlmsg_len;

		dump |= nlh->nlmsg_flags & NLM_F_DUMP;
		if (nlf_pct(12))
			len = nlf_mutate(nlh);
		off += NLMSG_ALIGN(len);
		if (len < NLMSG_ALIGN(len))
			memset((char *)nlh + len, 0, NLMSG_ALIGN(len) - len);
		if (len != NLMSG_ALIGN(len) || off > sizeof(buf) - NLF_BUF)
			break;
	}
	sent = off;
	if (n > 1)
		cnt.batches++;
	cnt.msgs += (unsigned long)n;
	if (sendto(mnl_socket_get_fd(nl), buf, sent, 0, NULL, 0) < 0 && verbose)
		fprintf(stderr, "nlfuzz: send: %s\n", strerror(errno));
	if (dump) {
		cnt.dumps++;
		if (nlf_pct(15)) {
			cnt.abandoned++;	/* the rest of the dump stays queued */
			nlf_drain(nl, 0, 1);
			return;
		}
	}
	nlf_drain(nl, 0, -1);
}

/* --- valid objects ------------------------------------------------------------------------------ */

static int nlf_sock_add(int fd, uint8_t ipsec, uint32_t *id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlf_start(buf, family_id, L2SEC_CMD_SOCK_ADD, 0, L2SEC_GENL_VERSION);
	int err;

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_FD, (uint32_t)fd);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, ipsec);
	reply_has_sock_id = false;
	err = nlf_transact(nlh);
	if (!err && id) {
		/* the id from this request's own reply, never a pooled guess */
		if (!reply_has_sock_id)
			return -ENOMSG;
		*id = reply_sock_id;
	}
	return err;
}

static int nlf_tunnel_new(uint16_t tid, uint16_t ptid, uint32_t sid, struct in_addr peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlf_start(buf, family_id, L2SEC_CMD_TUNNEL_NEW, 0, L2SEC_GENL_VERSION);

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, ptid);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, sid);
	mnl_attr_put(nlh, L2SEC_A_PEER_ADDR4, 4, &peer);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, NLF_BASE_PORT);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, 0);
	return nlf_transact(nlh);
}

static int nlf_session_new(uint16_t tid, uint16_t sid, uint16_t psid, struct in_addr ip4,
			   bool prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlf_start(buf, family_id, L2SEC_CMD_SESSION_NEW, 0,
					 L2SEC_GENL_VERSION);

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, tid);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, sid);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, psid);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_UP);
	if (ip4.s_addr)
		mnl_attr_put(nlh, L2SEC_A_IPV4, 4, &ip4);
	if (prefix)
		nlf_put_prefix(nlh);
	return nlf_transact(nlh);
}

static int nlf_simple(uint8_t cmd, uint16_t attr, uint32_t v, uint16_t attr2, uint16_t v2)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlf_start(buf, family_id, cmd, 0, L2SEC_GENL_VERSION);

	if (attr == L2SEC_A_SOCK_ID)
		mnl_attr_put_u32(nlh, attr, v);
	else
		mnl_attr_put_u16(nlh, attr, (uint16_t)v);
	if (attr2)
		mnl_attr_put_u16(nlh, attr2, v2);
	return nlf_transact(nlh);
}

/* A valid socket, tunnel and sessions, for the mutated requests to find. */
static void nlf_op_build(void)
{
	struct nlf_sock *s = &socks[nlf_below(NLF_MAX_SOCKS)];
	struct in_addr peer = { htonl(0x7f000001) }, ip4;
	uint16_t tid = (uint16_t)(1 + nlf_below(12));
	uint32_t id;
	int i;

	cnt.builds++;
	nlf_sock_open(s);
	if (s->fd < 0 || s->v6 || nlf_sock_add(s->fd, 0, &id))
		return;
	if (nlf_tunnel_new(tid, (uint16_t)(1 + nlf_below(0xfffe)), id, peer))
		return;
	for (i = 0; i < 1 + (int)nlf_below(3); i++) {
		ip4.s_addr = htonl(0x0a630003 + nlf_below(8));
		nlf_session_new(tid, (uint16_t)(1 + nlf_below(12)), (uint16_t)(1 + nlf_below(99)),
				ip4, nlf_pct(50));
	}
}

/* The base set of -l: socket ADDR:1701, tunnel 7, session 7; rebuilt when gone. */
static void nlf_op_base(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(NLF_BASE_PORT),
				 .sin_addr = base_addr };
	int one = 1, err;

	if (!have_base)
		return;
	if (base_fd >= 0 && !nlf_simple(L2SEC_CMD_SESSION_GET, L2SEC_A_TUNNEL_ID, NLF_BASE_TID,
					L2SEC_A_SESSION_ID, NLF_BASE_SID))
		return;
	cnt.base_rebuilds++;
	if (base_fd < 0 || nlf_simple(L2SEC_CMD_SOCK_GET, L2SEC_A_SOCK_ID, base_sock_id, 0, 0)) {
		if (base_fd >= 0)
			close(base_fd);
		base_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		setsockopt(base_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(base_fd, (struct sockaddr *)&a, sizeof(a)) ||
		    nlf_sock_add(base_fd, 0, &base_sock_id))
			goto fail;
	}
	nlf_simple(L2SEC_CMD_TUNNEL_DEL, L2SEC_A_TUNNEL_ID, NLF_BASE_TID, 0, 0);
	err = nlf_tunnel_new(NLF_BASE_TID, 70, base_sock_id, base_peer);
	if (!err)
		err = nlf_session_new(NLF_BASE_TID, NLF_BASE_SID, 77, base_inner, false);
	if (!err)
		return;
fail:
	cnt.base_fail++;
	if (verbose)
		fprintf(stderr, "nlfuzz: base set not rebuilt\n");
}

/* --- the run ---------------------------------------------------------------------------------------- */

static void nlf_monitor_open(void)
{
	int grp = (int)mcgrp_id, err;

	nl_mon = nlf_open();
	err = mnl_socket_setsockopt(nl_mon, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	if (unpriv && !err) {
		cnt.granted++;
		fprintf(stderr, "nlfuzz: events group joined without CAP_NET_ADMIN\n");
	} else if (unpriv) {
		cnt.refused++;
	} else if (err) {
		perror("nlfuzz: events group");
		exit(2);
	}
}

static void nlf_monitor_drain(void)
{
	static char buf[65536];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	while ((n = recv(mnl_socket_get_fd(nl_mon), buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n < 0)
			return;
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			cnt.ntf++;
			if (h->nlmsg_type != family_id || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
			    mnl_attr_parse(h, GENL_HDRLEN, nlf_learn_cb, NULL) < 0)
				nlf_malformed("notification", h);
		}
	}
}

static void nlf_step(void)
{
	uint32_t r = nlf_below(1000);

	cnt.ops++;
	if (r < 800) {
		nlf_op_request();
	} else if (r < 850) {
		nlf_op_build();
	} else if (r < 900) {
		nlf_send_datagram();
	} else if (r < 920) {
		nlf_sock_close(&socks[nlf_below(NLF_MAX_SOCKS)]);
	} else if (r < 925) {
		/* a new request socket: a dump left unread ends with the old one */
		mnl_socket_close(nl);
		nl = nlf_open();
		cnt.nl_reopen++;
	} else if (r < 940) {
		nlf_op_base();
	} else {
		nlf_socks_drain();
	}
	if (cnt.ops % 64 == 0)
		nlf_op_base();
	if (nl_mon && cnt.ops % 16 == 0)
		nlf_monitor_drain();
}

static void nlf_report(uint64_t seed)
{
	static const int errs[] = { EPERM, ENOENT, EBADF, EINVAL, EEXIST, ENOTSUP, EADDRINUSE,
		ENOTSOCK, EPROTONOSUPPORT, EAFNOSUPPORT, EBUSY, ERANGE, EMSGSIZE, EAGAIN };
	unsigned long other = 0;
	size_t i;

	for (i = 0; i < sizeof(cnt.err) / sizeof(cnt.err[0]); i++)
		other += cnt.err[i];
	printf("nlfuzz seed=%llu ops=%lu msgs=%lu batches=%lu mutated=%lu acks=%lu ok=%lu "
	       "replies=%lu dumps=%lu abandoned=%lu intr=%lu ntf=%lu builds=%lu "
	       "base_rebuilds=%lu base_fail=%lu socks_opened=%lu socks_closed=%lu datagrams=%lu "
	       "nl_reopen=%lu refused=%lu granted=%lu malformed=%lu",
	       (unsigned long long)seed, cnt.ops, cnt.msgs, cnt.batches, cnt.mutated, cnt.acks,
	       cnt.ok, cnt.replies, cnt.dumps, cnt.abandoned, cnt.intr, cnt.ntf, cnt.builds,
	       cnt.base_rebuilds, cnt.base_fail, cnt.socks_opened, cnt.socks_closed, cnt.datagrams,
	       cnt.nl_reopen, cnt.refused, cnt.granted, cnt.malformed);
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		printf(" %s=%lu", strerrorname_np(errs[i]), cnt.err[errs[i]]);
		other -= cnt.err[errs[i]];
	}
	printf(" other_err=%lu\n", other);
}

static void nlf_on_signal(int sig)
{
	stop = 1;
}

static double nlf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nlf_usage(void)
{
	fprintf(stderr, "usage: l2sec-nlfuzz [-s SEED] [-t SECONDS] [-n COUNT] [-U] "
		"[-l ADDR [-P PEER] [-i INNER4]] [-v]\n");
	exit(2);
}

static void nlf_parse_addr(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		nlf_usage();
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	double seconds = 10, end;
	unsigned long count = 0;
	bool have_seed = false;
	int c, i;

	nlf_parse_addr("192.0.2.2", &base_peer);
	nlf_parse_addr("10.99.0.2", &base_inner);
	while ((c = getopt(argc, argv, "s:t:n:Ul:P:i:v")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); have_seed = true; break;
		case 't': seconds = atof(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'U': unpriv = true; break;
		case 'l': nlf_parse_addr(optarg, &base_addr); have_base = true; break;
		case 'P': nlf_parse_addr(optarg, &base_peer); break;
		case 'i': nlf_parse_addr(optarg, &base_inner); break;
		case 'v': verbose = true; break;
		default: nlf_usage();
		}
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	}
	printf("nlfuzz seed=%llu (l2sec-nlfuzz -s %llu reproduces the requests)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	fflush(stdout);
	nlf_state = seed * 2 + 1;	/* xorshift needs a state other than 0 */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, nlf_on_signal);
	signal(SIGTERM, nlf_on_signal);
	for (i = 0; i < NLF_MAX_SOCKS; i++)
		socks[i].fd = -1;
	tx_fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx_fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	nl = nlf_open();
	if (nlf_resolve()) {
		fprintf(stderr, "nlfuzz: no generic netlink family %s\n", L2SEC_GENL_NAME);
		return 2;
	}
	nlf_monitor_open();
	nlf_op_base();
	end = nlf_now() + seconds;
	while (!stop && (count ? cnt.ops < count : nlf_now() < end))
		nlf_step();
	nlf_drain(nl, 0, -1);
	nlf_monitor_drain();
	nlf_report(seed);
	return cnt.granted || cnt.malformed ? 1 : 0;
}
