// SPDX-License-Identifier: GPL-2.0
/*
 * SEND (priv/priv_msg.h): the engine has no CAP_NET_RAW, so what it sends
 * through an SA the parent sends with the SA's mark. A compromised engine
 * must not get a datagram out with another client's mark, to another peer,
 * or of another kind: the checker (priv_check.h) is fed SENDs for a tunnel
 * the engine did not create, to the wrong peer, port or socket, with the
 * wrong peer tunnel or session ID, not L2TP, oversized, and without a tunnel
 * with the mark of no SA or of another peer's; each refused with its counter,
 * the mark always the parent's own record. The parent's dispatch sends an
 * accepted one (never answering, a refusal not breaking the engine), and the
 * engine's side numbers SENDs with its requests and drops one the socketpair
 * does not take. A rough cost per SEND is printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "core/util.h"
#include "engine/engine_priv.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"
#include "priv/priv_parent.h"

#define SOCK_ID		1	/* IPv4 */
#define SOCK_ID6	2	/* IPv6 */
#define SOCK_ID_B	3	/* a second IPv4 socket */
#define MARK		7	/* the SA of PEER */
#define MARK2		8	/* the SA of PEER2 */
#define MARK3		9	/* a second SA of PEER: a second client behind its NAT */
#define PEER		"198.51.100.7"
#define PEER2		"203.0.113.9"

struct fx {
	struct l2sec_config cfg;
	struct priv_check *c;
	uint32_t seq;
	struct priv_msg reply;
	uint64_t now;
	uint32_t h1, h2, h3;	/* tunnel 1 (MARK), 2 (MARK2), 3 (MARK3, PEER too) */
};

static struct priv_addr a4(const char *s)
{
	struct priv_addr a = { .family = 4 };

	assert_int_equal(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static enum priv_reason req(struct fx *f, struct priv_msg *m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int n;

	m->seq = ++f->seq;
	n = priv_msg_encode(m, buf, sizeof(buf));
	assert_true(n >= PRIV_HDR_LEN);
	return priv_check_datagram(f->c, buf, (size_t)n, f->now, &f->reply);
}

static uint32_t tunnel_add(struct fx *f, uint16_t tid, uint32_t mark, const char *peer)
{
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	m.tunnel_add = (struct priv_tunnel_add){ tid, 100 + tid, SOCK_ID, a4(peer), 1701, true,
						 mark, { 0 } };
	assert_int_equal(req(f, &m), PRIV_OK);
	return f->reply.reply.handle;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct priv_addr p = a4(PEER), p2 = a4(PEER2);
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD };

	assert_non_null(f);
	config_defaults(&f->cfg);
	inet_pton(AF_INET, "10.9.0.1", &f->cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.3", &f->cfg.pool[0].last);
	f->cfg.n_pool = 1;
	f->c = priv_check_new(&f->cfg, NULL);
	assert_non_null(f->c);
	assert_int_equal(priv_check_sock_add(f->c, SOCK_ID, 4), 0);
	assert_int_equal(priv_check_sock_add(f->c, SOCK_ID6, 6), 0);
	assert_int_equal(priv_check_sock_add(f->c, SOCK_ID_B, 4), 0);
	assert_int_equal(priv_check_sa_up(f->c, MARK, &p), 0);
	assert_int_equal(priv_check_sa_up(f->c, MARK2, &p2), 0);
	assert_int_equal(priv_check_sa_up(f->c, MARK3, &p), 0);
	f->now = 1000;
	f->h1 = tunnel_add(f, 1, MARK, PEER);
	f->h2 = tunnel_add(f, 2, MARK2, PEER2);
	f->h3 = tunnel_add(f, 3, MARK3, PEER);
	/* session 5 of tunnel 1, the peer's session 205 */
	m.session_add = (struct priv_session_add){ f->h1, 1, 5, 205 };
	assert_int_equal(req(f, &m), PRIV_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	priv_check_free(f->c);
	free(f);
	return 0;
}

/* An L2TP control message (a ZLB: header only) to peer tunnel tid. */
static size_t ctrl(uint8_t *b, uint16_t tid, uint16_t sid)
{
	static const uint8_t zlb[12] = { 0xc8, 0x02, 0x00, 0x0c };

	memcpy(b, zlb, sizeof(zlb));
	put_be16(b + 4, tid);
	put_be16(b + 6, sid);
	return sizeof(zlb);
}

/* A data message with an LCP Echo-Request, as l2tp_session_send_ppp builds it. */
static size_t data(uint8_t *b, uint16_t tid, uint16_t sid)
{
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08,
				       0x12, 0x34, 0x56, 0x78 };

	put_be16(b, 0x0002);
	put_be16(b + 2, tid);
	put_be16(b + 4, sid);
	memcpy(b + 6, lcp, sizeof(lcp));
	return 6 + sizeof(lcp);
}

/* A SEND of a tunnel (handle, tid, sid) to PEER:1701 on SOCK_ID; the caller edits it. */
static struct priv_msg send_of(uint32_t handle, uint16_t tid, uint16_t sid, const uint8_t *b,
			       size_t len)
{
	struct priv_msg m = { .type = PRIV_REQ_SEND };

	m.send = (struct priv_send){ handle, tid, sid, SOCK_ID, a4(PEER), 1701, { 0 }, 0,
				     (uint16_t)len, b };
	return m;
}

static uint64_t refused(const struct fx *f, enum priv_reason r)
{
	return priv_check_stats(f->c)->refused[r];
}

/* A tunnel's datagrams go with the mark of the tunnel's SA, whatever the engine names. */
static void test_tunnel_send(void **state)
{
	struct fx *f = *state;
	uint8_t b[64];
	struct priv_msg m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));

	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.send_mark, MARK);
	/* the second client behind the same NAT: its own SA's mark, not the first's */
	m = send_of(f->h3, 3, 0, b, ctrl(b, 103, 0));
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.send_mark, MARK3);
	/* an ICRP or CDN names the peer's session: still a control message of the tunnel */
	m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 205));
	assert_int_equal(req(f, &m), PRIV_OK);
	/* PPP of session 5 (the peer's 205) */
	m = send_of(f->h1, 1, 5, b, data(b, 101, 205));
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.send_mark, MARK);
	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_SEND], 4);
}

/* Before its tunnel exists (SCCRP, a StopCCN): a control message, the SA's mark checked. */
static void test_untunneled_send(void **state)
{
	struct fx *f = *state;
	uint8_t b[64];
	struct priv_msg m = send_of(0, 0, 0, b, ctrl(b, 77, 0));

	m.send.mark = MARK;
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.send_mark, MARK);
	m.send.mark = 99;			/* no SA */
	assert_int_equal(req(f, &m), PRIV_R_SA_UNKNOWN);
	m.send.mark = MARK2;			/* PEER2's SA, to PEER */
	assert_int_equal(req(f, &m), PRIV_R_SA_PEER);
	m.send.mark = MARK;
	m.send.len = (uint16_t)data(b, 77, 205);	/* PPP without a tunnel */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	assert_int_equal(refused(f, PRIV_R_SA_UNKNOWN), 1);
	assert_int_equal(refused(f, PRIV_R_SA_PEER), 1);
	assert_int_equal(refused(f, PRIV_R_DATAGRAM), 1);
}

/* What a compromised engine may try with a tunnel: each refused, counted. */
static void test_tunnel_refusals(void **state)
{
	struct fx *f = *state;
	uint8_t b[64];
	struct priv_msg m = send_of(f->h2, 1, 0, b, ctrl(b, 101, 0));

	/* a foreign or unknown handle */
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_UNKNOWN);
	m = send_of(999, 1, 0, b, ctrl(b, 101, 0));
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_UNKNOWN);
	/* PEER2's tunnel (and mark) to PEER: another client's SA */
	m = send_of(f->h2, 2, 0, b, ctrl(b, 102, 0));
	assert_int_equal(req(f, &m), PRIV_R_PEER);
	/* the wrong port, the wrong socket of the family, an IPv6 socket */
	m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));
	m.send.peer_port = 1702;
	assert_int_equal(req(f, &m), PRIV_R_PEER);
	m.send.peer_port = 1701;
	m.send.sock_id = SOCK_ID_B;
	assert_int_equal(req(f, &m), PRIV_R_PEER);
	m.send.sock_id = SOCK_ID6;
	assert_int_equal(req(f, &m), PRIV_R_SOCKET);
	m.send.sock_id = 42;
	assert_int_equal(req(f, &m), PRIV_R_SOCKET);
	m.send.sock_id = SOCK_ID;
	/* another peer tunnel ID (another tunnel of that client's) */
	ctrl(b, 103, 0);
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	/* a control message naming a session, a data message naming none */
	m = send_of(f->h1, 1, 5, b, ctrl(b, 101, 205));
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	m = send_of(f->h1, 1, 0, b, data(b, 101, 205));
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	/* a session the engine did not add, the wrong peer session */
	m = send_of(f->h1, 1, 6, b, data(b, 101, 205));
	assert_int_equal(req(f, &m), PRIV_R_SESSION_UNKNOWN);
	m = send_of(f->h1, 1, 5, b, data(b, 101, 206));
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	assert_int_equal(refused(f, PRIV_R_TUNNEL_UNKNOWN), 2);
	assert_int_equal(refused(f, PRIV_R_PEER), 3);
	assert_int_equal(refused(f, PRIV_R_SOCKET), 2);
	assert_int_equal(refused(f, PRIV_R_SESSION_UNKNOWN), 1);
	assert_int_equal(refused(f, PRIV_R_DATAGRAM), 4);
	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_SEND], 0);
}

/* Not L2TP, or not as RFC 2661 has a control message. */
static void test_not_l2tp(void **state)
{
	struct fx *f = *state;
	uint8_t b[64];
	struct priv_msg m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));

	b[1] = 0x03;				/* L2TPv3 */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	ctrl(b, 101, 0);
	b[0] |= 0x02;				/* Offset in a control message */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	ctrl(b, 101, 0);
	b[0] &= (uint8_t)~0x08;			/* no Sequence */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	ctrl(b, 101, 0);
	b[3] = 13;				/* Length not the datagram's */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	ctrl(b, 101, 0);
	m.send.len = 5;				/* shorter than any header */
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	m.send.len = 8;				/* a control message without Ns, Nr */
	put_be16(b + 2, 8);
	assert_int_equal(req(f, &m), PRIV_R_DATAGRAM);
	assert_int_equal(refused(f, PRIV_R_DATAGRAM), 6);
}

/* The decoder: the fields' rules, and the size. */
static void test_decoder(void **state)
{
	static uint8_t big[PRIV_SEND_MAX + 1];
	uint8_t b[64], buf[PRIV_MSG_MAX];
	struct priv_msg m = send_of(9, 1, 0, b, ctrl(b, 101, 0)), out;
	int len;

	(void)state;
	assert_true(priv_msg_encode(&m, buf, sizeof(buf)) > 0);
	m.send.mark = MARK;			/* the engine never names a tunnel's mark */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.send.handle = 0;			/* no tunnel: IDs 0 ... */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.send.tid = 0;
	assert_true(priv_msg_encode(&m, buf, sizeof(buf)) > 0);
	m.send.sid = 5;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.send.sid = 0;
	m.send.mark = 0;			/* ... and a mark */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m = send_of(9, 0, 0, b, 12);		/* a tunnel's without its ID */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m = send_of(9, 1, 0, b, 12);
	m.send.local = (struct priv_addr){ .family = 6 };	/* another family's source */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m = send_of(9, 1, 0, b, 0);		/* empty */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m = send_of(9, 1, 0, big, sizeof(big));	/* oversized */
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* oversized on the wire: the length field says more than PRIV_SEND_MAX */
	m = send_of(9, 1, 0, big, PRIV_SEND_MAX);
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)len, &out), PRIV_OK);
	put_be16(buf + len - PRIV_SEND_MAX - 2, PRIV_SEND_MAX + 1);
	put_be16(buf + 2, (uint16_t)(len + 1));
	assert_int_equal(priv_msg_decode(buf, (size_t)len + 1, &out), PRIV_R_FIELD);
	/* a length past the datagram */
	m = send_of(9, 1, 0, b, 12);
	len = priv_msg_encode(&m, buf, sizeof(buf));
	put_be16(buf + len - 14, 13);
	assert_int_equal(priv_msg_decode(buf, (size_t)len, &out), PRIV_R_TRUNCATED);
}

static void test_rate(void **state)
{
	struct fx *f = *state;
	uint8_t b[64];
	struct priv_msg m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));

	for (unsigned int i = 0; i < PRIV_SEND_BURST; i++)
		assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_R_RATE);
	f->now += 1;				/* 1 ms: PRIV_SEND_RATE / 1000 more */
	for (unsigned int i = 0; i < PRIV_SEND_RATE / 1000; i++)
		assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_R_RATE);
}

/* --- the parent's dispatch ----------------------------------------------------------- */

struct sent {
	unsigned int n, failed;
	uint32_t mark;
	enum priv_reason why;
	struct priv_send last;
	uint8_t data[PRIV_SEND_MAX];
	int fail_errno;
};

static int x_send(void *ctx, const struct priv_send *s, uint32_t mark)
{
	struct sent *x = ctx;

	if (x->fail_errno) {
		errno = x->fail_errno;
		return -1;
	}
	x->n++;
	x->mark = mark;
	x->last = *s;
	memcpy(x->data, s->data, s->len);
	x->last.data = x->data;
	return 0;
}

static void x_send_failed(void *ctx, enum priv_reason why)
{
	struct sent *x = ctx;

	x->failed++;
	x->why = why;
}

static void put(struct fx *f, int fd, struct priv_msg *m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int n;

	m->seq = ++f->seq;
	n = priv_msg_encode(m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(send(fd, buf, (size_t)n, 0), n);
}

static void no_reply(int fd)
{
	uint8_t buf[16];

	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

/* Sent with the checker's mark, never answered; refused or failed: counted, the engine goes on. */
static void test_parent_dispatch(void **state)
{
	const struct priv_exec_ops ops = { .send = x_send, .send_failed = x_send_failed };
	const struct priv_exec_ops no_send = { 0 };
	struct fx *f = *state;
	struct sent x = { 0 };
	uint8_t b[64];
	struct priv_msg m = send_of(f->h3, 3, 0, b, ctrl(b, 103, 0));
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	put(f, sv[1], &m);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, &x, f->now), PRIV_PARENT_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.mark, MARK3);
	assert_int_equal(x.last.len, 12);
	assert_memory_equal(x.data, b, 12);
	assert_int_equal(x.last.peer.v4.s_addr, a4(PEER).v4.s_addr);
	no_reply(sv[1]);
	/* refused: not sent, told, no reply, not broken */
	m = send_of(f->h2, 2, 0, b, ctrl(b, 102, 0));
	put(f, sv[1], &m);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, &x, f->now), PRIV_PARENT_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.failed, 1);
	assert_int_equal(x.why, PRIV_R_PEER);
	no_reply(sv[1]);
	/* the socket refuses it: told with PRIV_OK */
	x.fail_errno = ENOBUFS;
	m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));
	put(f, sv[1], &m);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, &x, f->now), PRIV_PARENT_OK);
	assert_int_equal(x.failed, 2);
	assert_int_equal(x.why, PRIV_OK);
	/* the numbering is the requests': a replayed SEND breaks the protocol */
	f->seq--;
	put(f, sv[1], &m);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, &x, f->now), PRIV_PARENT_BROKEN);
	/* a parent without a send hook takes none */
	put(f, sv[1], &m);
	assert_int_equal(priv_parent_input(f->c, sv[0], &no_send, &x, f->now),
			 PRIV_PARENT_BROKEN);
	close(sv[0]);
	close(sv[1]);
}

/* --- the engine's side --------------------------------------------------------------- */

static void on_event(void *ctx, const struct priv_msg *ev)
{
	(void)ctx;
	(void)ev;
}

static void test_engine_send(void **state)
{
	union sa46 peer = { 0 }, local = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&peer;
	struct evloop *loop = evloop_new(NULL, NULL);
	struct engine_priv_send s = { .handle = 9, .tid = 1, .sock_id = SOCK_ID, .peer = &peer,
				      .local = &local, .mark = MARK };
	static uint8_t big[PRIV_SEND_MAX + 1];
	uint8_t b[64], buf[PRIV_MSG_MAX];
	struct engine_priv *ep;
	struct priv_msg out;
	unsigned int sent = 0;
	int sv[2], sndbuf = 4096;
	ssize_t n;

	(void)state;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1701);
	inet_pton(AF_INET, PEER, &sin->sin_addr);
	assert_non_null(loop);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)), 0);
	ep = engine_priv_new(loop, sv[1], on_event, NULL);
	assert_non_null(ep);
	/* a tunnel's: the mark stays the parent's */
	assert_int_equal(engine_priv_send(ep, &s, b, ctrl(b, 101, 0)), 0);
	n = recv(sv[0], buf, sizeof(buf), 0);
	assert_true(n > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_OK);
	assert_int_equal(out.type, PRIV_REQ_SEND);
	assert_int_equal(out.seq, 1);
	assert_int_equal(out.send.handle, 9);
	assert_int_equal(out.send.mark, 0);
	assert_int_equal(out.send.peer_port, 1701);
	assert_int_equal(out.send.local.family, 0);
	assert_memory_equal(out.send.data, b, 12);
	/* none: the SA's mark named */
	s.handle = 0;
	s.tid = 0;
	assert_int_equal(engine_priv_send(ep, &s, b, 12), 0);
	n = recv(sv[0], buf, sizeof(buf), 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_OK);
	assert_int_equal(out.seq, 2);
	assert_int_equal(out.send.mark, MARK);
	/* oversized: not sent */
	assert_int_equal(engine_priv_send(ep, &s, big, sizeof(big)), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* a full socketpair drops (EAGAIN), numbers nothing, and the engine goes on */
	while (engine_priv_send(ep, &s, b, 12) == 0)
		sent++;
	assert_int_equal(errno, EAGAIN);
	assert_true(sent > 0);
	assert_false(engine_priv_broken(ep));
	while (recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	assert_int_equal(engine_priv_send(ep, &s, b, 12), 0);
	n = recv(sv[0], buf, sizeof(buf), 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_OK);
	assert_int_equal(out.seq, 3 + sent);
	engine_priv_free(ep);
	close(sv[0]);
	evloop_free(loop);
}

/* What a SEND costs the two processes: encode, decode and judge (not the sendmsg). */
static void test_cost(void **state)
{
	struct fx *f = *state;
	uint8_t b[64], buf[PRIV_MSG_MAX];
	struct priv_msg m = send_of(f->h1, 1, 0, b, ctrl(b, 101, 0));
	struct timespec t0, t1;
	const unsigned int n = 10000;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < n; i++) {
		int len;

		f->now += 1;		/* under the rate */
		m.seq = ++f->seq;
		len = priv_msg_encode(&m, buf, sizeof(buf));
		assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &f->reply),
				 PRIV_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / n;
	print_message("SEND: %.0f ns a datagram to encode, decode and judge\n", ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tunnel_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untunneled_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_l2tp, setup, teardown),
		cmocka_unit_test(test_decoder),
		cmocka_unit_test_setup_teardown(test_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_dispatch, setup, teardown),
		cmocka_unit_test(test_engine_send),
		cmocka_unit_test_setup_teardown(test_cost, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
