/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LNS with sess.c's PPP layer on top, for the fuzz targets that need
 * live PPP sessions (fuzz_sess, fuzz_inform, fuzz_ctl): the fake socket,
 * clock and module of tests/unit/l2tp_fake.h, the real sessions layer, and
 * a scripted client that dials an L2TP tunnel and session and answers PPP.
 *
 * sess.c's calls into the kernel are replaced at link time (the Makefile
 * links these targets with -Wl,--wrap=SYMBOL for the symbols below): routes
 * and the module's session state are counted here (its counters made up), and the TUN device is
 * one end of a datagram socket pair whose other end the harness holds.
 * Functions are static inline so that each target takes what it uses; the
 * header also defines the targets' LLVMFuzzerInitialize.
 */
#ifndef L2SEC_FUZZ_SESS_FAKE_H
#define L2SEC_FUZZ_SESS_FAKE_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../unit/l2tp_fake.h"
#include "datapath/datapath.h"
#include "datapath/kern.h"
#include "ppp/mschap.h"
#include "core/log.h"
#include "datapath/netdev.h"
#include "route/froute.h"
#include "poolrt.h"
#include "ppp/ppp.h"
#include "sess.h"
#include "conf/users.h"

#define SF_REQS 24
#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* The users file of every harness: PAP-able plain passwords, one static address. */
static const char sf_users[] =
	"alice password secret\n"
	"bob password pw 192.168.42.77 routes=10.1.0.0/16,10.2.0.0/16 dns-domain=lab.example "
	"dns-search=a.example,b.example\n"
	"carol password x routes=\n";

struct sfake {
	struct fake *f;
	struct sessions *ss;
	struct datapath *dp;		/* the fake module's or the TUN device's */
	int tun[2];			/* [0]: the data path's TUN fd; [1]: the kernel's side */
	struct ev_io *tun_io;		/* the data path's io on tun[0] */
	bool kernel;			/* kernel data path (fake module) or TUN */
	bool fail_route, fail_kern;
	int routes4, routes6;		/* routes in the fake main table */
	int pool_routes;		/* the pools' (sessions_pool_routes) */
	struct poolrt prt;		/* ... as planned, all added: the oracle's */
	int kern_ups;
	struct lac lac;
	uint16_t lac_sid;		/* the client's next Assigned Session ID */
	struct sf_req {
		uint16_t sid, proto;	/* the client's session ID; LCP, IPCP, IPV6CP */
		size_t len;		/* 0: none (or answered) */
		uint8_t p[256];
	} reqs[SF_REQS];
	struct sf_chal {
		uint16_t sid;		/* the client's session ID */
		uint8_t alg;		/* LCP's CHAP algorithm asked for: 5 MD5, 0x81 MS-CHAPv2 */
		uint8_t id, len;	/* the newest Challenge; len 0: none */
		uint8_t v[64];
	} chal[SF_REQS];
};

static struct sfake *sf_cur;		/* the wrappers have no context argument */
static char sf_kern_dummy, sf_nd_dummy;	/* opaque handles sess.c only passes back */

int __wrap_netdev_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen);
int __wrap_netdev_route_del(struct netdev *nd, int family, const void *dst, unsigned int plen);
int __wrap_netdev_route_via(struct netdev *nd, bool add, struct in_addr net, unsigned int plen,
			    struct in_addr gw);
int __wrap_netdev_route_via6(struct netdev *nd, bool add, const struct in6_addr *net,
			     unsigned int plen, const struct in6_addr *gw);
int __wrap_netdev_pool_route_add(struct netdev *nd, int family, const void *dst,
				 unsigned int plen);
int __wrap_netdev_tun_fd(const struct netdev *nd);
int __wrap_kern_session_up(struct kern *k, struct kern_tref tr, uint16_t sid,
			   const struct in_addr *ipv4, const struct in6_addr *pfx64);
int __wrap_kern_session_stats(struct kern *k, struct kern_tref tr, uint16_t sid,
			      struct kern_session_stats *st);
int __wrap_evloop_add_io(struct evloop *loop, struct ev_io *io, int fd, uint32_t events,
			 void (*cb)(struct ev_io *io, uint32_t events));
int __real_evloop_add_io(struct evloop *loop, struct ev_io *io, int fd, uint32_t events,
			 void (*cb)(struct ev_io *io, uint32_t events));

int __wrap_netdev_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen)
{
	(void)dst;
	CHECK(nd == (struct netdev *)&sf_nd_dummy);
	CHECK(family == AF_INET ? plen == 32 : family == AF_INET6 && plen == 64);
	if (sf_cur->fail_route)
		return -1;
	if (family == AF_INET)
		sf_cur->routes4++;
	else
		sf_cur->routes6++;
	return 0;
}

int __wrap_netdev_route_del(struct netdev *nd, int family, const void *dst, unsigned int plen)
{
	(void)dst; (void)plen;
	CHECK(nd == (struct netdev *)&sf_nd_dummy);
	if (family == AF_INET)
		sf_cur->routes4--;
	else
		sf_cur->routes6--;
	/* only routes that were added are deleted */
	CHECK(sf_cur->routes4 >= 0 && sf_cur->routes6 >= 0);
	return 0;
}

/* Framed routes: checked and counted as the host routes are. */
int __wrap_netdev_route_via(struct netdev *nd, bool add, struct in_addr net, unsigned int plen,
			    struct in_addr gw)
{
	(void)net; (void)gw;
	CHECK(nd == (struct netdev *)&sf_nd_dummy);
	CHECK(plen >= 8 && plen <= 32);
	if (add && sf_cur->fail_route)
		return -1;
	sf_cur->routes4 += add ? 1 : -1;
	CHECK(sf_cur->routes4 >= 0);
	return 0;
}

int __wrap_netdev_route_via6(struct netdev *nd, bool add, const struct in6_addr *net,
			     unsigned int plen, const struct in6_addr *gw)
{
	(void)net; (void)gw;
	CHECK(nd == (struct netdev *)&sf_nd_dummy);
	CHECK(plen >= FROUTE_MIN_PLEN6 && plen <= 128);
	if (add && sf_cur->fail_route)
		return -1;
	sf_cur->routes6 += add ? 1 : -1;
	CHECK(sf_cur->routes6 >= 0);
	return 0;
}

int __wrap_netdev_pool_route_add(struct netdev *nd, int family, const void *dst,
				 unsigned int plen)
{
	(void)dst; (void)plen;
	CHECK(nd == (struct netdev *)&sf_nd_dummy);
	CHECK(family == AF_INET || family == AF_INET6);
	sf_cur->pool_routes++;
	return 0;
}

int __wrap_netdev_tun_fd(const struct netdev *nd)
{
	CHECK(nd == (const struct netdev *)&sf_nd_dummy);
	return sf_cur->tun[0];
}

int __wrap_kern_session_up(struct kern *k, struct kern_tref tr, uint16_t sid,
			   const struct in_addr *ipv4, const struct in6_addr *pfx64)
{
	uint16_t tid = tr.tid;
	struct l2tp_session *s = l2tp_lns_session(sf_cur->f->lns, tid, sid);

	(void)ipv4; (void)pfx64;
	CHECK(k == (struct kern *)&sf_kern_dummy && sf_cur->kernel);
	/* only for a session the LNS holds, established, in the fake module */
	CHECK(s && s->tunnel->tid == tid && s->state == SESSION_ESTABLISHED);
	if (sf_cur->fail_kern)
		return -1;
	sf_cur->kern_ups++;
	return 0;
}

int __wrap_kern_session_stats(struct kern *k, struct kern_tref tr, uint16_t sid,
			      struct kern_session_stats *st)
{
	(void)tr; (void)sid;
	CHECK(k == (struct kern *)&sf_kern_dummy && sf_cur->kernel);
	if (sf_cur->fail_kern)
		return -1;
	memset(st, 0, sizeof(*st));
	st->rx_packets = (uint64_t)sf_cur->kern_ups;	/* some value, the module's */
	return 0;
}

int __wrap_evloop_add_io(struct evloop *loop, struct ev_io *io, int fd, uint32_t events,
			 void (*cb)(struct ev_io *io, uint32_t events))
{
	/* a loop on a fake clock has no epoll: the harness calls the TUN io itself */
	if (!sf_cur || fd != sf_cur->tun[0])
		return __real_evloop_add_io(loop, io, fd, events, cb);
	io->fd = fd;
	io->cb = cb;
	sf_cur->tun_io = io;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* L2SEC_FUZZ_LOG set: the daemon's debug log, to follow one input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	log_setup(LOG_TARGET_STDERR, getenv("L2SEC_FUZZ_LOG") ? LOG_DEBUG : LOG_CRIT, "fuzz");
	return 0;
}

/* The harnesses' base configuration: defaults, no IPsec (no SA marks here), PAP. */
static inline void sf_config(struct l2sec_config *cfg)
{
	config_defaults(cfg);
	strcpy(cfg->l2tp.hostname, "lns");
	cfg->l2tp.require_ipsec = false;
	cfg->ppp_auth = PPP_AUTH_PAP;
}

/*
 * The LNS's programming of the data path: the fake module's on the kernel
 * data path (its calls counted by the fake), the TUN data path's switch
 * otherwise, as server.c programs it (the socket numbered 1...).
 */
static inline struct kern_tref sf_tref(const struct l2tp_tunnel *t)
{
	return datapath_tref(t->dp_handle, t->tid);
}

static inline int sf_tunnel_add(void *env, struct l2tp_tunnel *t)
{
	struct kern_tunnel kt = {
		.tid = t->tid, .peer_tid = t->peer_tid, .sock_id = (uint32_t)t->peer.sock + 1,
		.require_ipsec = t->require_ipsec, .mark = t->peer.mark,
	};

	kt.peer = t->peer.addr;
	kt.local = t->peer.local;
	if (sf_cur->kernel)
		return fake_tunnel_add(env, t);
	if (sf_cur->fail_kern)
		return -1;
	return datapath_tunnel_add(sf_cur->dp, &kt, &t->dp_handle);
}

static inline void sf_tunnel_del(void *env, struct l2tp_tunnel *t)
{
	if (sf_cur->kernel)
		fake_tunnel_del(env, t);
	else
		datapath_tunnel_del(sf_cur->dp, sf_tref(t));
}

static inline int sf_session_add(void *env, struct l2tp_session *s)
{
	if (sf_cur->kernel)
		return fake_session_add(env, s);
	if (sf_cur->fail_kern)
		return -1;
	return datapath_session_add(sf_cur->dp, sf_tref(s->tunnel), s->sid, s->peer_sid);
}

static inline void sf_session_del(void *env, struct l2tp_session *s)
{
	if (sf_cur->kernel)
		fake_session_del(env, s);
	else
		datapath_session_del(sf_cur->dp, sf_tref(s->tunnel), s->sid);
}

static const struct l2tp_lns_ops sf_ops = {
	.send = fake_send,
	.tunnel_add = sf_tunnel_add,
	.tunnel_del = sf_tunnel_del,
	.session_add = sf_session_add,
	.session_del = sf_session_del,
	.random = fake_random,
};

/* A packet the TUN data path's switch framed for a client: out of the fake socket. */
static inline int sf_output(void *ctx, const struct tunpump_to *to, const uint8_t *buf,
			    size_t len)
{
	struct sfake *sf = ctx;
	struct l2tp_peer peer = {
		.sock = (int)to->sock_id - 1, .mark = to->mark,
	};

	peer.addr = to->peer;
	peer.local = to->local;
	return fake_send(sf->f, &peer, NULL, 1, buf, len);
}

/* A datagram from peer: the data path's when it takes it, else the LNS's (server.c's order). */
static inline void sf_input(struct sfake *sf, uint8_t *dg, size_t n, const struct l2tp_peer *peer)
{
	struct tunpump_from from = {
		.sock_id = (uint32_t)peer->sock + 1, .peer = &peer->addr, .mark = peer->mark,
	};

	if (datapath_input(sf->dp, &from, dg, n) != DATAPATH_CARRIED)
		l2tp_lns_input(sf->f->lns, dg, n, peer);
}

/*
 * A harness on cfg (the caller's, taken as is); kernel: the module's data
 * path, else TUN. NULL only when the sessions layer refuses cfg.
 */
static inline struct sfake *sf_new(const struct l2sec_config *cfg, bool kernel)
{
	struct sfake *sf = calloc(1, sizeof(*sf));
	struct users_db *db;

	CHECK(sf);
	sf_cur = sf;
	sf->kernel = kernel;
	CHECK(!socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sf->tun));
	sf->f = fake_new(cfg);
	db = users_parse(sf_users, sizeof(sf_users) - 1, NULL, NULL);
	CHECK(db);
	sf->dp = kernel ? datapath_kernel(sf->f->loop, (struct kern *)&sf_kern_dummy,
					  (struct netdev *)&sf_nd_dummy) :
		datapath_tun(sf->f->loop, (struct netdev *)&sf_nd_dummy, 64, 64);
	CHECK(sf->dp);
	CHECK(datapath_set_output(sf->dp, sf_output, sf) == 0);
	l2tp_lns_free(sf->f->lns);
	sf->f->lns = l2tp_lns_new(sf->f->loop, &sf->f->cfg.l2tp, &sf_ops, sf->f);
	CHECK(sf->f->lns);
	sf->ss = sessions_new(sf->f->loop, &sf->f->cfg, db, sf->dp, (struct netdev *)&sf_nd_dummy);
	CHECK(sf->ss);
	CHECK(kernel || sf->tun_io);
	l2tp_lns_set_session_ops(sf->f->lns, &sessions_l2tp_ops, sf->ss);
	lac_init(&sf->lac, sf->f, 0x0a000001, 1701, 1, 1);
	sf->lac_sid = 1;
	return sf;
}

/* Tear it all down as the daemon does; every route and the TUN io are gone after. */
static inline void sf_free(struct sfake *sf)
{
	l2tp_lns_free(sf->f->lns);
	sf->f->lns = NULL;
	sessions_free(sf->ss);
	datapath_free(sf->dp);
	CHECK(sf->routes4 == 0 && sf->routes6 == 0);
	evloop_free(sf->f->loop);
	free(sf->f->out);
	free(sf->f);
	close(sf->tun[0]);
	close(sf->tun[1]);
	sf_cur = NULL;
	free(sf);
}

/* Follow what the LNS sent the client: its tunnel ID, and Nr. */
static inline void sf_drain_ctrl(struct sfake *sf)
{
	struct lac *l = &sf->lac;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t type;

	while ((type = lac_recv(l, &m, &h, &p)) != 0)
		if (type == L2TP_SCCRP && l2tp_msg_has(&m, AVP_ASSIGNED_TUNNEL_ID))
			l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
}

/* A tunnel (when the client has none up) and one more session in it. */
static inline void sf_dial(struct sfake *sf)
{
	struct lac *l = &sf->lac;
	struct l2tp_tunnel *t = l->lns_tid ? l2tp_lns_tunnel_of(sf->f->lns, &l->peer, l->lns_tid) :
					     NULL;
	unsigned int seen = sf->f->n_out;

	if (!t || t->state != TUNNEL_ESTABLISHED || !l2tp_peer_match(&t->peer, &l->peer)) {
		l->tid++;
		l->ns = l->nr = 0;
		l->lns_tid = 0;
		l->seen = sf->f->n_out;
		lac_sccrq(l, NULL, 0, 0x0100);
		sf_drain_ctrl(sf);
		if (!l->lns_tid)
			return;
		lac_scccn(l, NULL);
	}
	lac_icrq(l, sf->lac_sid);
	sf_drain_ctrl(sf);
	/* the ICRP's Assigned Session ID: the newest session of the tunnel from this client */
	for (unsigned int i = seen; i < sf->f->n_out; i++) {
		struct l2tp_hdr h;
		struct l2tp_msg m;
		struct fake_pkt *p = &sf->f->out[i];

		if (l2tp_hdr_parse(p->buf, p->len, &h) != L2TP_HDR_OK || !h.control ||
		    h.msg_len == h.hdr_len ||
		    l2tp_avp_decode(p->buf + h.hdr_len, h.msg_len - h.hdr_len,
				    sf->f->cfg.l2tp.secret, &m) != L2TP_DEC_OK)
			continue;
		if (m.type == L2TP_ICRP && l2tp_msg_has(&m, AVP_ASSIGNED_SESSION_ID) &&
		    h.session_id == sf->lac_sid) {
			lac_iccn(l, l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID));
			break;
		}
	}
	sf->lac_sid++;
	sf_drain_ctrl(sf);
}

/* The k-th established session of the LNS (modulo their number), or NULL. */
static inline struct l2tp_session *sf_session(struct sfake *sf, unsigned int k)
{
	unsigned int n = 0;

	for (struct l2tp_tunnel *t = sf->f->lns->tunnel_list; t; t = t->next)
		for (struct l2tp_session *s = t->sessions; s; s = s->next)
			if (s->state == SESSION_ESTABLISHED && n++ == k)
				return s;
	return n ? sf_session(sf, k % n) : NULL;
}

/*
 * A control message from the client: p is the session ID (2 octets) and
 * the AVP list; the header (the LNS's tunnel ID, Ns, Nr, length) is made
 * here. An SCCRQ goes to tunnel 0 and starts a new Ns (as fuzz_l2tp_fsm).
 */
static inline void sf_ctrl_in(struct sfake *sf, const uint8_t *p, size_t n)
{
	static uint8_t buf[L2TP_MAX_MSG];
	struct lac *l = &sf->lac;
	uint16_t sid = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
	size_t len;

	p += n >= 2 ? 2 : n;
	n -= n >= 2 ? 2 : n;
	if (n > L2TP_MAX_MSG - L2TP_CTRL_HDR_LEN)
		n = L2TP_MAX_MSG - L2TP_CTRL_HDR_LEN;
	len = L2TP_CTRL_HDR_LEN + n;
	l2tp_build_zlb(buf, l->lns_tid, l->ns, l->nr);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[6] = (uint8_t)(sid >> 8);
	buf[7] = (uint8_t)sid;
	memcpy(buf + L2TP_CTRL_HDR_LEN, p, n);
	if (n >= 8 && p[6] == 0 && p[7] == L2TP_SCCRQ) {
		buf[4] = buf[5] = 0;
		l->ns = 0;
		l->nr = 0;
		buf[8] = buf[9] = buf[10] = buf[11] = 0;
		l->lns_tid = 0;
	}
	if (n)
		l->ns++;
	sf_input(sf, buf, len, &l->peer);
}

/* A PPP frame from the client into session s, as an L2TP data message. */
static inline void sf_ppp_in(struct sfake *sf, struct l2tp_session *s, const uint8_t *frame,
			     size_t n)
{
	static uint8_t buf[L2TP_MAX_MSG];

	if (n > sizeof(buf) - 6)
		n = sizeof(buf) - 6;
	buf[0] = 0x00;
	buf[1] = 0x02;
	buf[2] = (uint8_t)(s->tunnel->tid >> 8);
	buf[3] = (uint8_t)s->tunnel->tid;
	buf[4] = (uint8_t)(s->sid >> 8);
	buf[5] = (uint8_t)s->sid;
	memcpy(buf + 6, frame, n);
	sf_input(sf, buf, n + 6, &s->tunnel->peer);
}

/* The PPP frame in an L2TP data message the LNS sent: protocol, body; false if none. */
static inline bool sf_ppp_frame(const struct fake_pkt *p, uint16_t *sid, uint16_t *proto,
			 const uint8_t **body, size_t *n)
{
	const uint8_t *q = p->buf + 6;
	size_t len;

	if (p->len < 10 || (p->buf[0] & 0x80) || p->buf[1] != 0x02)
		return false;
	*sid = (uint16_t)(p->buf[4] << 8 | p->buf[5]);
	len = p->len - 6;
	if (q[0] == 0xff && q[1] == 0x03) {
		q += 2;
		len -= 2;
	}
	if (len >= 1 && (q[0] & 1)) {
		*proto = q[0];
		q++;
		len--;
	} else if (len >= 2) {
		*proto = (uint16_t)(q[0] << 8 | q[1]);
		q += 2;
		len -= 2;
	} else {
		return false;
	}
	*body = q;
	*n = len;
	return true;
}

/* From the LNS's packets: the CHAP algorithm its LCP asks for, and its Challenges. */
static inline void sf_note_chap(struct sfake *sf, uint16_t sid, uint16_t proto, const uint8_t *q,
				size_t n)
{
	struct sf_chal *c = &sf->chal[sid % SF_REQS];

	if (c->sid != sid)
		memset(c, 0, sizeof(*c));
	c->sid = sid;
	if (proto == PPP_LCP) {
		for (size_t i = 4; i + 2 <= n && q[i + 1] >= 2 && i + q[i + 1] <= n; i += q[i + 1])
			if (q[i] == 3 && q[i + 1] == 5 && q[i + 2] == 0xc2 && q[i + 3] == 0x23)
				c->alg = q[i + 4];
	} else if (proto == PPP_CHAP && n >= 5 && q[4] >= 1 && q[4] <= sizeof(c->v) &&
		   5u + q[4] <= n) {
		c->id = q[1];
		c->len = q[4];
		memcpy(c->v, q + 5, c->len);
	}
}

/*
 * Between two steps: follow the control channel, keep the newest
 * Configure-Request of each NCP per session (for sf_ack), and empty the
 * fake socket so that it never drops what a step sent.
 */
static inline void sf_note(struct sfake *sf)
{
	sf_drain_ctrl(sf);
	for (unsigned int i = 0; i < sf->f->n_out; i++) {
		const uint8_t *q;
		uint16_t sid, proto;
		size_t n;
		struct sf_req *r;

		if (!sf_ppp_frame(&sf->f->out[i], &sid, &proto, &q, &n) || n < 4 || q[0] != 1 ||
		    n > sizeof(r->p))
			continue;
		sf_note_chap(sf, sid, proto, q, n);
		if (proto != PPP_LCP && proto != PPP_IPCP && proto != PPP_IPV6CP)
			continue;
		r = &sf->reqs[(sid * 3u + (proto == PPP_LCP ? 0 : proto == PPP_IPCP ? 1 : 2)) %
			      SF_REQS];
		r->sid = sid;
		r->proto = proto;
		r->len = n;
		memcpy(r->p, q, n);
	}
	sf->f->n_out = 0;
	sf->lac.seen = 0;
}

/* The client acknowledges the LNS's newest Configure-Requests to session s, as asked. */
static inline void sf_ack(struct sfake *sf, struct l2tp_session *s)
{
	sf_note(sf);
	for (unsigned int i = 0; i < SF_REQS; i++) {
		struct sf_req *r = &sf->reqs[i];
		uint8_t frame[4 + sizeof(r->p)];

		if (!r->len || r->sid != s->peer_sid)
			continue;
		frame[0] = 0xff;
		frame[1] = 0x03;
		frame[2] = (uint8_t)(r->proto >> 8);
		frame[3] = (uint8_t)r->proto;
		memcpy(frame + 4, r->p, r->len);
		frame[4] = 2;	/* Configure-Ack */
		sf_ppp_in(sf, s, frame, 4 + r->len);
		r->len = 0;
	}
}

/* A PAP Authenticate-Request with a user of sf_users (k picks which). */
static inline void sf_pap(struct sfake *sf, struct l2tp_session *s, unsigned int k)
{
	static const char *const who[][2] = {
		{ "alice", "secret" }, { "bob", "pw" }, { "carol", "x" }, { "alice", "wrong" },
	};
	const char *u = who[k % 4][0], *pw = who[k % 4][1];
	size_t ul = strlen(u), pl = strlen(pw), len = 4 + 1 + ul + 1 + pl;
	uint8_t frame[64];

	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0xc0;
	frame[3] = 0x23;
	frame[4] = 1;
	frame[5] = (uint8_t)k;
	frame[6] = (uint8_t)(len >> 8);
	frame[7] = (uint8_t)len;
	frame[8] = (uint8_t)ul;
	memcpy(frame + 9, u, ul);
	frame[9 + ul] = (uint8_t)pl;
	memcpy(frame + 10 + ul, pw, pl);
	sf_ppp_in(sf, s, frame, 4 + len);
}

/* A CHAP Response (MD5 or MS-CHAPv2, as LCP agreed) to the newest Challenge. */
static inline void sf_chap(struct sfake *sf, struct l2tp_session *s, unsigned int k)
{
	static const char *const who[][2] = {
		{ "alice", "secret" }, { "bob", "pw" }, { "carol", "x" }, { "alice", "wrong" },
	};
	struct sf_chal *c = &sf->chal[s->peer_sid % SF_REQS];
	const char *u = who[k % 4][0], *pw = who[k % 4][1];
	uint8_t frame[128], *v = frame + 9, hash[MSCHAP_NT_HASH_LEN];
	size_t vlen, ul = strlen(u), len;

	if (c->sid != s->peer_sid || !c->len)
		return;
	if (c->alg == 0x81 && c->len == MSCHAP_CHALLENGE_LEN) {
		vlen = 49;
		memset(v, 0, vlen);
		memset(v, 0x5a, MSCHAP_CHALLENGE_LEN);	/* the peer challenge */
		CHECK(!mschap_nt_hash(pw, strlen(pw), hash));
		mschap_nt_response(c->v, v, u, ul, hash, v + 24);
	} else {
		vlen = 16;
		mschap_md5_response(c->id, (const uint8_t *)pw, strlen(pw), c->v, c->len, v);
	}
	len = 4 + 1 + vlen + ul;
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0xc2;
	frame[3] = 0x23;
	frame[4] = 2;	/* Response */
	frame[5] = c->id;
	frame[6] = (uint8_t)(len >> 8);
	frame[7] = (uint8_t)len;
	frame[8] = (uint8_t)vlen;
	memcpy(v + vlen, u, ul);
	sf_ppp_in(sf, s, frame, 4 + len);
}

/* The IPv6 checksum of an ICMPv6 message in an IPv6 packet (into its bytes 2-3). */
static inline void sf_icmp6_sum(uint8_t *pkt, size_t len)
{
	uint32_t sum = 0;

	pkt[42] = pkt[43] = 0;
	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	sum += (uint32_t)(len - 40) + 58;
	for (size_t i = 40; i < len; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | (i + 1 < len ? pkt[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[42] = (uint8_t)(~sum >> 8);
	pkt[43] = (uint8_t)~sum;
}

/* A Router Solicitation from fe80::ifid to ff02::2, with the options in opt. */
static inline void sf_rs(struct sfake *sf, struct l2tp_session *s, uint64_t ifid,
			 const uint8_t *opt, size_t n)
{
	uint8_t frame[4 + 48 + 256], *ip = frame + 4;
	size_t len;

	n &= ~(size_t)7;
	if (n > 256)
		n = 256;
	len = 48 + n;
	memset(frame, 0, sizeof(frame));
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0x00;
	frame[3] = 0x57;
	ip[0] = 0x60;
	ip[4] = (uint8_t)((len - 40) >> 8);
	ip[5] = (uint8_t)(len - 40);
	ip[6] = 58;
	ip[7] = 255;
	ip[8] = 0xfe;
	ip[9] = 0x80;
	memcpy(ip + 16, &ifid, 8);
	ip[24] = 0xff;
	ip[25] = 0x02;
	ip[39] = 2;
	ip[40] = 133;
	memcpy(ip + 48, opt, n);
	sf_icmp6_sum(ip, len);
	sf_ppp_in(sf, s, frame, 4 + len);
}

/* A Configure-Request of protocol proto with the options in p (raw). */
static inline void sf_confreq(struct sfake *sf, struct l2tp_session *s, uint16_t proto, uint8_t id,
		       const uint8_t *p, size_t n)
{
	uint8_t frame[512];

	if (n > sizeof(frame) - 8)
		n = sizeof(frame) - 8;
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = (uint8_t)(proto >> 8);
	frame[3] = (uint8_t)proto;
	frame[4] = 1;
	frame[5] = id;
	frame[6] = (uint8_t)((n + 4) >> 8);
	frame[7] = (uint8_t)(n + 4);
	memcpy(frame + 8, p, n);
	sf_ppp_in(sf, s, frame, n + 8);
}

/*
 * The input's records [op][len hi][len lo][len octets] (a short last one
 * taken as it is), each to step(), then sf_note.
 */
static inline void sf_records(struct sfake *sf, const uint8_t *data, size_t size,
			      void (*step)(struct sfake *, uint8_t, const uint8_t *, size_t))
{
	while (size >= 3) {
		uint8_t op = data[0];
		size_t n = (size_t)(data[1] << 8 | data[2]);

		if (n > size - 3)
			n = size - 3;
		step(sf, op, data + 3, n);
		sf_note(sf);
		data += 3 + n;
		size -= 3 + n;
	}
}

/* Fire every timer due by ms from now. */
static inline void sf_advance(struct sfake *sf, uint64_t ms)
{
	fake_advance(sf->f, ms);
}

/*
 * Drive a session of the client to IPCP up with user k: dial, LCP, PAP or
 * CHAP (MD5 or MS-CHAPv2, as the LNS asks), IPCP (asking for 0.0.0.0,
 * then taking what the Nak offers), and IPv6CP when the LNS runs it.
 * Returns the session, or NULL when the LNS did not get that far.
 */
static inline struct l2tp_session *sf_bring_up(struct sfake *sf, unsigned int k)
{
	static const uint8_t lcp_opts[] = { 1, 4, 0x05, 0x78 };	/* MRU 1400 */
	uint8_t ipcp[6] = { 3, 6, 0, 0, 0, 0 };
	struct l2tp_session *s = NULL;
	uint16_t tid, sid;
	unsigned int from;

	sf_note(sf);
	sf_dial(sf);
	for (struct l2tp_tunnel *t = sf->f->lns->tunnel_list; t; t = t->next)
		for (struct l2tp_session *x = t->sessions; x; x = x->next)
			if (x->state == SESSION_ESTABLISHED && x->peer_sid == sf->lac_sid - 1 &&
			    l2tp_peer_match(&t->peer, &sf->lac.peer))
				s = x;
	if (!s)
		return NULL;
	tid = s->tunnel->tid;
	sid = s->sid;
	sf_confreq(sf, s, PPP_LCP, 1, lcp_opts, sizeof(lcp_opts));
	sf_ack(sf, s);
	sf_note(sf);
	if (sf->chal[s->peer_sid % SF_REQS].alg)
		sf_chap(sf, s, k);
	else
		sf_pap(sf, s, k);
	from = sf->f->n_out;
	sf_confreq(sf, s, PPP_IPCP, 1, ipcp, sizeof(ipcp));
	/* the Nak's address, asked for again */
	for (unsigned int i = from; i < sf->f->n_out; i++) {
		struct fake_pkt *p = &sf->f->out[i];

		if (p->len >= 6 + 4 + 4 + 6 && p->buf[6] == 0xff && p->buf[8] == 0x80 &&
		    p->buf[9] == 0x21 && p->buf[10] == 3 && p->buf[14] == 3)
			memcpy(ipcp + 2, p->buf + 16, 4);
	}
	sf_confreq(sf, s, PPP_IPCP, 2, ipcp, sizeof(ipcp));
	sf_ack(sf, s);
	if (sf->f->cfg.ipv6) {
		static const uint8_t ifid[] = { 1, 10, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };

		sf_confreq(sf, s, PPP_IPV6CP, 1, ifid, sizeof(ifid));
		sf_ack(sf, s);
	}
	return l2tp_lns_session(sf->f->lns, tid, sid) == s ? s : NULL;
}

#endif
