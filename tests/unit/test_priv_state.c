// SPDX-License-Identifier: GPL-2.0
/*
 * The parent's store of resume records (daemon/priv/priv_state.h) fed as a
 * compromised engine would feed it: each record type's wire form round
 * trip; malformed, oversized and non-canonical encodings refused by the
 * decoder; records out of order, beyond the store's bound, for tunnels and
 * sessions the checker does not know, with another SA's mark or peer, PPP
 * records of unauthenticated sessions or with an address the session does
 * not hold; each refusal counted by its reason, and the store's contents
 * (what a new engine gets back) unchanged by it.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/users.h"
#include "core/util.h"
#include "priv/priv_check.h"
#include "priv/priv_state.h"
#include "heap.h"
#include "priv_fx.h"

#define MARK 7
#define MARK2 8
#define PEER "198.51.100.7"
#define PEER2 "203.0.113.8"

static const char users_text[] = "bob    password s3cret\n";

struct fx {
	struct l2sec_config cfg;
	struct users_db *users;
	struct priv_check *c;
	struct priv_state *st;
	uint32_t req_seq, st_seq;
	struct in_addr addr[4];		/* by session ID */
	unsigned int handed;
	struct priv_state_msg back[16];
	uint32_t handle[16];			/* by tunnel ID: the checker's */
};

static struct fx *fx;

static void request(struct priv_msg *m)
{
	struct priv_reply out;

	m->seq = ++fx->req_seq;
	assert_int_equal(priv_check_request(fx->c, m, 1000, &out), PRIV_OK);
	if (m->type == PRIV_REQ_TUNNEL_ADD)
		fx->handle[m->tunnel_add.tid] = out.handle;
	if (m->type == PRIV_REQ_ADDR_CLAIM)
		fx->addr[m->addr.sid] = out.addr.v4;
}

/*
 * The checker's tunnel tid on the SA of mark (to peer); sessions 1..n_sess,
 * the first n_auth with an address. fx->handle[tid] is its handle after.
 */
static void checker_tunnel_on(uint16_t tid, uint32_t mark, const char *peer, unsigned int n_sess,
			      unsigned int n_auth)
{
	struct priv_msg m = priv_fx_tunnel_add(tid, 99, peer, mark);

	request(&m);
	for (uint16_t sid = 1; sid <= n_sess; sid++) {
		m = priv_fx_session_add(fx->handle[tid], tid, sid, (uint16_t)(sid + 100));
		request(&m);
		if (sid > n_auth)
			continue;
		m = priv_fx_pap(fx->handle[tid], tid, sid, "bob", "s3cret");
		request(&m);
		m = priv_fx_addr(PRIV_REQ_ADDR_CLAIM, fx->handle[tid], tid, sid,
				 a4("0.0.0.0"));
		request(&m);
	}
}

static void checker_tunnel(uint16_t tid, unsigned int n_sess, unsigned int n_auth)
{
	checker_tunnel_on(tid, MARK, PEER, n_sess, n_auth);
}

/* The checker's handle of tunnel tid, or one it never gave (a tunnel the engine did not create). */
static uint32_t handle_of(uint16_t tid)
{
	return fx->handle[tid] ? fx->handle[tid] : 0xdead0000u | tid;
}

static int setup(void **state)
{
	struct priv_addr peer;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	priv_fx_config(&fx->cfg, "10.9.0.1", "10.9.0.50");
	fx->cfg.l2tp.max_tunnels = 8;
	fx->cfg.l2tp.max_sessions = 16;
	fx->c = priv_fx_checker(&fx->cfg, users_text, &fx->users, MARK, PEER);
	peer = a4(PEER2);
	assert_int_equal(priv_check_sa_up(fx->c, MARK2, &peer), 0);
	/* the store's bound is smaller than the checker's: 2 tunnels, 3 sessions */
	fx->st = priv_state_new(2, 3, fx->c);
	assert_non_null(fx->st);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	priv_state_free(fx->st);
	priv_check_free(fx->c);
	users_free(fx->users);
	free(fx);
	return 0;
}

static struct priv_state_msg tunnel_rec(uint16_t tid)
{
	struct priv_state_msg m = { .type = PRIV_ST_TUNNEL, .handle = handle_of(tid) };
	struct l2tp_tunnel_rec *r = &m.tunnel;

	r->seq = (struct l2tp_seq_rec){ tid, 5, 9, false };
	r->peer_tid = 99;
	r->sock = 0;		/* the LNS's first socket: the checker's socket 1 */
	r->peer.family = 4;
	inet_pton(AF_INET, PEER, r->peer.addr);
	r->local.family = 4;
	inet_pton(AF_INET, "192.0.2.1", r->local.addr);
	r->peer_port = 1701;
	r->mark = MARK;
	r->peer_rws = 4;
	r->hello_ms = 60000;
	r->require_ipsec = true;
	r->in_kernel = true;
	r->peer_framing = 3;
	r->created_ms = 123456789;
	strcpy(r->peer_host, "laptop");
	strcpy(r->peer_vendor, "Microsoft");
	return m;
}

static struct priv_state_msg session_rec(uint16_t tid, uint16_t sid)
{
	struct priv_state_msg m = { .type = PRIV_ST_SESSION, .handle = handle_of(tid) };

	m.session = (struct l2tp_session_rec){ .tid = tid, .sid = sid,
					       .peer_sid = (uint16_t)(sid + 100),
					       .in_kernel = true, .tx_speed = 100000000,
					       .framing_type = 1, .created_ms = 42 };
	return m;
}

static struct priv_state_msg ppp_rec(uint16_t tid, uint16_t sid)
{
	struct priv_state_msg m = { .type = PRIV_ST_PPP, .handle = handle_of(tid) };
	struct ppp_rec *p = &m.ppp.ppp;

	m.ppp.tid = tid;
	m.ppp.sid = sid;
	p->req_mru = p->req_magic = true;
	p->mru = 1400;
	p->magic = 0xdeadbeef;
	p->peer_mru = 1400;
	p->peer_magic = 0x11223344;
	p->peer_pfc = p->peer_acfc = true;
	p->lcp_id = 3;
	p->echo_id = 9;
	p->auth = PPP_AUTH_PAP;
	strcpy(p->user, "bob");
	p->ipcp_open = true;
	p->ipcp_id = 2;
	inet_pton(AF_INET, "10.9.0.254", &p->local4);
	p->peer4 = fx->addr[sid];
	inet_pton(AF_INET, "192.0.2.53", &p->dns[0]);
	p->ipv6cp_open = true;
	p->local_id = 0x0200000000000001ull;
	p->peer_id = 0x0200000000000002ull;
	return m;
}

/* Encode with the next number and give it to the store. */
static enum priv_reason send_rec(struct priv_state_msg m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int len;

	m.seq = ++fx->st_seq;
	len = priv_state_encode(&m, buf, sizeof(buf));
	assert_true(len > 0);
	return priv_state_datagram(fx->st, buf, (size_t)len);
}

static uint64_t refused(enum priv_reason why)
{
	return priv_state_stats(fx->st)->refused[why];
}

static int collect(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	assert_true(fx->handed < ARRAY_SIZE(fx->back));
	assert_int_equal(priv_state_decode(buf, len, &fx->back[fx->handed]), PRIV_OK);
	fx->handed++;
	return 0;
}

static void hand_back(void)
{
	fx->handed = 0;
	assert_true(priv_state_hand_back(fx->st, collect, NULL) > 0);
	assert_int_equal(fx->back[fx->handed - 1].type, PRIV_ST_END);
	fx->st_seq = 0;
}

/* Every type encodes and decodes to the same record, one length per type. */
static void test_round_trip(void **state)
{
	struct priv_state_msg in[6], out;
	uint8_t buf[PRIV_MSG_MAX], again[PRIV_MSG_MAX];
	int len;

	(void)state;
	inet_pton(AF_INET, "10.9.0.7", &fx->addr[1]);
	in[0] = tunnel_rec(10);
	in[1] = (struct priv_state_msg){ .type = PRIV_ST_SEQ, .handle = handle_of(10),
					  .seq_rec = { 10, 6, 11, true } };
	in[2] = session_rec(10, 1);
	in[3] = ppp_rec(10, 1);
	in[3].ppp.has_pfx6 = true;
	inet_pton(AF_INET6, "2001:db8:100:1::", &in[3].ppp.pfx6);
	/* the session's RADIUS state: its accounting and its Class, the longest */
	strcpy(in[3].ppp.acct.id, "0badcafe-00000001-abcde");
	in[3].ppp.acct.class_len = PRIV_CLASS_MAX;
	memset(in[3].ppp.acct.class, 'c', PRIV_CLASS_MAX);
	in[3].ppp.acct.interim_s = 600;
	in[3].ppp.acct.start_ms = 123456789;
	in[3].ppp.acct.timeout_end_ms = 123456789 + 3600000;
	in[3].ppp.acct.radius_auth = true;
	in[4] = (struct priv_state_msg){ .type = PRIV_ST_GONE, .handle = handle_of(10),
					  .gone = { 10, 1 } };
	in[5] = (struct priv_state_msg){ .type = PRIV_ST_END, .end = { 1, 2, 3 } };
	for (unsigned int i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].seq = 1000 + i;
		in[i].handle = in[i].type == PRIV_ST_END ? 0 : 0x01020304u;
		len = priv_state_encode(&in[i], buf, sizeof(buf));
		assert_true(len > PRIV_ST_HDR_LEN);
		assert_int_equal(priv_state_decode(buf, (size_t)len, &out), PRIV_OK);
		assert_memory_equal(&in[i], &out, sizeof(out));
		assert_int_equal(priv_state_encode(&out, again, sizeof(again)), len);
		assert_memory_equal(buf, again, (size_t)len);
		/* no room: refused rather than cut */
		assert_int_equal(priv_state_encode(&in[i], buf, (size_t)len - 1), -1);
	}
	/* the sequence update is the small one */
	assert_int_equal(priv_state_encode(&in[1], buf, sizeof(buf)), PRIV_ST_HDR_LEN + 7);
	/* nothing the decoder would refuse goes out: a record of no tunnel handle, an END of one */
	in[1].handle = 0;
	assert_int_equal(priv_state_encode(&in[1], buf, sizeof(buf)), -1);
	in[5].handle = 1;
	assert_int_equal(priv_state_encode(&in[5], buf, sizeof(buf)), -1);
	in[0].tunnel.seq.tid = 0;
	assert_int_equal(priv_state_encode(&in[0], buf, sizeof(buf)), -1);
	/* a Class octet past its length: not canonical */
	in[3].ppp.acct.class_len = 4;
	assert_int_equal(priv_state_encode(&in[3], buf, sizeof(buf)), -1);
	memset(in[3].ppp.acct.class + 4, 0, PRIV_CLASS_MAX - 4);
	assert_true(priv_state_encode(&in[3], buf, sizeof(buf)) > 0);
	in[3].ppp.has_pfx6 = false;	/* a /64 it does not have */
	assert_int_equal(priv_state_encode(&in[3], buf, sizeof(buf)), -1);
	in[3].ppp.ppp.user[0] = '\0';
	assert_int_equal(priv_state_encode(&in[3], buf, sizeof(buf)), -1);
	in[2].type = 3;		/* priv_msg.h's, not ours */
	assert_int_equal(priv_state_encode(&in[2], buf, sizeof(buf)), -1);
	assert_false(priv_state_is_type(PRIV_TYPE_MAX - 1));
	assert_true(priv_state_is_type(PRIV_ST_TUNNEL));
}

/* A valid tunnel record's datagram, patched at off (-1: nothing). */
static enum priv_reason patched(size_t len_delta, int off, uint8_t val, size_t *plen)
{
	struct priv_state_msg m = tunnel_rec(10), out;
	uint8_t buf[PRIV_MSG_MAX + 8] = { 0 };
	int len;

	m.seq = 1;
	len = priv_state_encode(&m, buf, sizeof(buf));
	assert_true(len > 0);
	if (off >= 0)
		buf[off] = val;
	if (plen)
		*plen = (size_t)len;
	return priv_state_decode(buf, (size_t)len + len_delta, &out);
}

static void test_malformed(void **state)
{
	struct priv_state_msg m = tunnel_rec(10), out;
	uint8_t buf[PRIV_MSG_MAX + 8];
	size_t len, host;
	int n;

	(void)state;
	assert_int_equal(patched(0, -1, 0, &len), PRIV_OK);
	/* the peer's Host Name: its length octet, then the host name's octets */
	host = len - 2 * (L2TP_REC_NAME_MAX + 1);
	/* the version before records carried the tunnel's handle, and one not made yet */
	assert_int_equal(patched(0, 0, PRIV_STATE_VERSION - 1, NULL), PRIV_R_VERSION);
	assert_int_equal(patched(0, 0, PRIV_STATE_VERSION + 1, NULL), PRIV_R_VERSION);
	assert_int_equal(patched(0, 1, 0x7f, NULL), PRIV_R_TYPE);
	assert_int_equal(patched(0, 1, PRIV_ST_TYPE_END, NULL), PRIV_R_TYPE);
	assert_int_equal(patched(0, 3, (uint8_t)(len + 1), NULL), PRIV_R_LENGTH);
	assert_int_equal(patched(1, 3, (uint8_t)(len + 1), NULL), PRIV_R_LENGTH);	/* trailing */
	assert_int_equal(patched(0, 1, PRIV_ST_SEQ, NULL), PRIV_R_LENGTH);	/* another type's length */
	assert_int_equal(patched(0, PRIV_ST_HDR_LEN + 6, 2, NULL), PRIV_R_FIELD);	/* in_flight 2 */
	assert_int_equal(patched(0, (int)host, L2TP_REC_NAME_MAX + 1, NULL), PRIV_R_FIELD);
	assert_int_equal(patched(0, (int)host + 2, 0, NULL), PRIV_R_FIELD);	/* NUL inside */
	assert_int_equal(patched(0, (int)host + 8, 'x', NULL), PRIV_R_FIELD);	/* after the end */
	assert_int_equal(patched(0, (int)host + 1, 0x07, NULL), PRIV_R_FIELD);	/* not printable */
	assert_int_equal(patched(0, PRIV_ST_HDR_LEN + 1, 0, NULL), PRIV_R_FIELD);	/* tid 0 */
	assert_int_equal(patched(0, PRIV_ST_HDR_LEN + 13, 5, NULL), PRIV_R_FIELD);	/* family 5 */
	{
		struct priv_state_msg g = { .type = PRIV_ST_GONE, .seq = 1, .handle = 0x100,
					    .gone = { 10, 0 } };
		uint8_t b[PRIV_MSG_MAX];
		int gl = priv_state_encode(&g, b, sizeof(b));

		b[PRIV_HDR_LEN + 2] = 0;	/* handle 0: no tunnel's */
		assert_int_equal(priv_state_decode(b, (size_t)gl, &out), PRIV_R_FIELD);
	}
	/* short, header or body */
	m.seq = 1;
	n = priv_state_encode(&m, buf, sizeof(buf));
	assert_int_equal(priv_state_decode(buf, 3, &out), PRIV_R_TRUNCATED);
	put_be16(buf + 2, (uint16_t)(n - 1));
	assert_int_equal(priv_state_decode(buf, (size_t)n - 1, &out), PRIV_R_TRUNCATED);
	/* oversized: longer than any message, whatever its header says */
	memset(buf, 0, sizeof(buf));
	buf[0] = PRIV_STATE_VERSION;
	buf[1] = PRIV_ST_TUNNEL;
	put_be16(buf + 2, PRIV_MSG_MAX + 8);
	assert_int_equal(priv_state_decode(buf, PRIV_MSG_MAX + 8, &out), PRIV_R_LENGTH);

	/* the store counts what its decoder refused, and keeps nothing of it */
	checker_tunnel(10, 0, 0);
	assert_int_equal(priv_state_datagram(fx->st, buf, 3), PRIV_R_TRUNCATED);
	assert_int_equal(priv_state_datagram(fx->st, buf, PRIV_MSG_MAX + 8), PRIV_R_LENGTH);
	assert_int_equal(refused(PRIV_R_TRUNCATED), 1);
	assert_int_equal(refused(PRIV_R_LENGTH), 1);
	hand_back();
	assert_int_equal(fx->handed, 1);
}

static void test_checked_against_the_checker(void **state)
{
	struct priv_state_msg m;
	unsigned int t, s;

	(void)state;
	checker_tunnel(10, 3, 2);	/* sessions 1, 2 authenticated with an address; 3 not */
	/* nothing of a tunnel the engine did not create */
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_R_TUNNEL_UNKNOWN);
	/* another SA's mark, or a peer that is not the SA's */
	m = tunnel_rec(10);
	m.tunnel.mark = MARK + 1;
	assert_int_equal(send_rec(m), PRIV_R_SA_UNKNOWN);
	m = tunnel_rec(10);
	inet_pton(AF_INET, "203.0.113.9", m.tunnel.peer.addr);
	assert_int_equal(send_rec(m), PRIV_R_SA_PEER);
	/* not the tunnel TUNNEL_ADD made: another peer tunnel ID, port, policy or socket */
	m = tunnel_rec(10);
	m.tunnel.peer_tid = 98;
	assert_int_equal(send_rec(m), PRIV_R_TUNNEL_UNKNOWN);
	m = tunnel_rec(10);
	m.tunnel.peer_port = 4500;
	assert_int_equal(send_rec(m), PRIV_R_TUNNEL_UNKNOWN);
	m = tunnel_rec(10);
	m.tunnel.require_ipsec = false;
	assert_int_equal(send_rec(m), PRIV_R_TUNNEL_UNKNOWN);
	m = tunnel_rec(10);
	m.tunnel.sock = 1;			/* a socket the parent never handed over */
	assert_int_equal(send_rec(m), PRIV_R_SOCKET);
	/* a session before its tunnel's record, or one the checker does not know */
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 9)), PRIV_R_SESSION_UNKNOWN);
	m = session_rec(10, 1);
	m.session.peer_sid = 7;			/* not SESSION_ADD's */
	assert_int_equal(send_rec(m), PRIV_R_SESSION_UNKNOWN);
	/* PPP: of a session in the store, authenticated, with the address it holds */
	assert_int_equal(send_rec(ppp_rec(10, 1)), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 3)), PRIV_OK);
	m = ppp_rec(10, 3);
	m.ppp.ppp.peer4 = fx->addr[1];
	assert_int_equal(send_rec(m), PRIV_R_NOT_AUTHED);
	m = ppp_rec(10, 1);
	m.ppp.ppp.peer4 = fx->addr[2];		/* the other session's */
	assert_int_equal(send_rec(m), PRIV_R_ADDR_NOT_HELD);
	m = ppp_rec(10, 1);
	m.ppp.has_pfx6 = true;			/* a /64 the session was not given */
	inet_pton(AF_INET6, "2001:db8:100:1::", &m.ppp.pfx6);
	assert_int_equal(send_rec(m), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(send_rec(ppp_rec(10, 1)), PRIV_OK);
	/* updates and GONE only of what the store holds */
	m = (struct priv_state_msg){ .type = PRIV_ST_SEQ, .handle = handle_of(11),
					  .seq_rec = { 11, 1, 1, false } };
	assert_int_equal(send_rec(m), PRIV_R_TUNNEL_UNKNOWN);
	m = (struct priv_state_msg){ .type = PRIV_ST_GONE, .handle = handle_of(10),
					  .gone = { 10, 2 } };
	assert_int_equal(send_rec(m), PRIV_R_SESSION_UNKNOWN);
	/* ST_END is the parent's word */
	m = (struct priv_state_msg){ .type = PRIV_ST_END };
	assert_int_equal(send_rec(m), PRIV_R_TYPE);
	/* out of order: refused, its number not spent */
	m = (struct priv_state_msg){ .type = PRIV_ST_SEQ, .handle = handle_of(10),
					  .seq_rec = { 10, 7, 12, true } };
	fx->st_seq += 5;
	assert_int_equal(send_rec(m), PRIV_R_SEQ);
	fx->st_seq -= 6;
	assert_int_equal(send_rec(m), PRIV_OK);

	assert_int_equal(refused(PRIV_R_TUNNEL_UNKNOWN), 6);
	assert_int_equal(refused(PRIV_R_SESSION_UNKNOWN), 4);
	assert_int_equal(refused(PRIV_R_SOCKET), 1);
	assert_int_equal(refused(PRIV_R_SA_UNKNOWN), 1);
	assert_int_equal(refused(PRIV_R_SA_PEER), 1);
	assert_int_equal(refused(PRIV_R_NOT_AUTHED), 1);
	assert_int_equal(refused(PRIV_R_ADDR_NOT_HELD), 2);
	assert_int_equal(refused(PRIV_R_TYPE), 1);
	assert_int_equal(refused(PRIV_R_SEQ), 1);
	assert_int_equal(priv_state_stats(fx->st)->accepted[PRIV_ST_SEQ - PRIV_ST_BASE], 1);

	/* what a new engine gets: the tunnel with its last Ns/Nr, both sessions, one PPP */
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 1);
	assert_int_equal(s, 2);
	hand_back();
	assert_int_equal(fx->handed, 5);
	assert_int_equal(fx->back[0].type, PRIV_ST_TUNNEL);
	assert_int_equal(fx->back[0].tunnel.seq.ns, 7);
	assert_int_equal(fx->back[0].tunnel.seq.nr, 12);
	assert_true(fx->back[0].tunnel.seq.in_flight);
	assert_string_equal(fx->back[0].tunnel.peer_host, "laptop");
	for (unsigned int i = 0; i < fx->handed; i++)
		assert_int_equal(fx->back[i].seq, i + 1);
	assert_int_equal(fx->back[4].end.n_tunnels, 1);
	assert_int_equal(fx->back[4].end.n_sessions, 2);
	assert_int_equal(fx->back[4].end.n_ppp, 1);
	/* the new engine numbers from 1 again */
	m = (struct priv_state_msg){ .type = PRIV_ST_GONE, .handle = handle_of(10),
					  .gone = { 10, 3 } };
	assert_int_equal(send_rec(m), PRIV_OK);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(s, 1);
}

static void test_bounded(void **state)
{
	unsigned int t, s;

	(void)state;
	checker_tunnel(10, 2, 0);
	checker_tunnel(11, 2, 0);
	checker_tunnel(12, 0, 0);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(12)), PRIV_R_LIMIT);
	/* a tunnel's record again replaces it: no new entry */
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 2)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 1)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 2)), PRIV_R_LIMIT);
	assert_int_equal(refused(PRIV_R_LIMIT), 2);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 2);
	assert_int_equal(s, 3);
	/* a tunnel's GONE frees its sessions' places too */
	{
		struct priv_state_msg m = { .type = PRIV_ST_GONE, .handle = handle_of(10),
					    .gone = { 10, 0 } };

		assert_int_equal(send_rec(m), PRIV_OK);
	}
	assert_int_equal(send_rec(tunnel_rec(12)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 2)), PRIV_OK);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 2);
	assert_int_equal(s, 2);
}

/*
 * The store is sized by max-tunnels and max-sessions up front: what each
 * configured session costs before any client comes must stay small. A PPP
 * record (672 B) in every entry cost 752 B a configured session, 750 MB at
 * max-sessions = 1,000,000, and 59-scale's guest (max-sessions at that
 * bound) thrashed with privsep on. A PPP record is allocated when it comes.
 */
static void test_cost_per_configured_session(void **state)
{
	const unsigned int n = 100000;
	struct priv_state *st;
	size_t before, per;

	(void)state;
	before = heap_in_use();
	st = priv_state_new(1, n, fx->c);
	assert_non_null(st);
	per = (heap_in_use() - before) / n;
	print_message("the store: %zu B a configured session\n", per);
	assert_true(per <= 160);
	priv_state_free(st);
}

/*
 * And in memory the process holds: entries nobody used take none (a free list
 * built through all of them took 344 B a configured tunnel and session, 22 MB
 * of the parent's RSS at max-sessions = 65,535, before any client came).
 */
static void test_rss_per_configured_session(void **state)
{
	const unsigned int n = 200000;
	struct priv_state *st;
	long before, per;

	(void)state;
	before = rss_kb();
	st = priv_state_new(n, n, fx->c);
	assert_non_null(st);
	per = (rss_kb() - before) * 1024 / n;
	print_message("the store: %ld B of RSS a configured tunnel and session\n", per);
	assert_true(per <= 32);
	priv_state_free(st);
}

/*
 * A session's PPP record in the parent: kept packed, a typical one (a short
 * user name, no Class) takes a fraction of its 672 octets (all of them
 * before), and is handed back as it came, as the round trip checks for one
 * with a full Class.
 */
static void test_ppp_record_size(void **state)
{
	struct priv_state_msg m;
	size_t before;

	(void)state;
	checker_tunnel(10, 1, 1);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	m = ppp_rec(10, 1);
	before = heap_in_use();
	assert_int_equal(send_rec(m), PRIV_OK);
	print_message("a PPP record: %zu B of heap\n", heap_in_use() - before);
	assert_true(heap_in_use() - before <= 200);
	/* replaced: the same size again */
	before = heap_in_use();
	assert_int_equal(send_rec(m), PRIV_OK);
	assert_true(heap_in_use() <= before);
	hand_back();
	assert_int_equal(fx->handed, 4);
	assert_int_equal(fx->back[2].type, PRIV_ST_PPP);
	assert_memory_equal(&fx->back[2].ppp, &m.ppp, sizeof(m.ppp));
}

/*
 * All gone and released (priv_state_release, core/memtrim.h): the store takes
 * entries from its first again, within its bounds as before.
 */
static void test_release(void **state)
{
	unsigned int t, s;
	struct priv_state_msg m = { .type = PRIV_ST_GONE };

	(void)state;
	checker_tunnel(10, 2, 0);
	checker_tunnel(11, 2, 0);
	checker_tunnel(12, 0, 0);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 2)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 1)), PRIV_OK);
	priv_state_release(fx->st);	/* entries held: they stay */
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 2);
	assert_int_equal(s, 3);
	for (uint16_t tid = 10; tid <= 11; tid++) {
		m.handle = handle_of(tid);
		m.gone = (struct priv_state_ids){ tid, 0 };
		assert_int_equal(send_rec(m), PRIV_OK);
	}
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t + s, 0);
	priv_state_release(fx->st);
	assert_int_equal(send_rec(tunnel_rec(12)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_R_LIMIT);
	assert_int_equal(send_rec(session_rec(11, 1)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 2)), PRIV_OK);
	hand_back();
	assert_int_equal(fx->handed, 5);	/* two tunnels, two sessions, the end */
	assert_int_equal(fx->back[4].end.n_tunnels, 2);
	assert_int_equal(fx->back[4].end.n_sessions, 2);
}

/* What the parent forgot (the SA went) is not handed back. */
static void test_forgotten_not_handed_back(void **state)
{
	unsigned int t, s;

	(void)state;
	checker_tunnel(10, 1, 0);
	checker_tunnel(11, 1, 0);
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	assert_int_equal(send_rec(tunnel_rec(11)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(11, 1)), PRIV_OK);
	priv_check_session_gone(fx->c, fx->handle[11], 1);
	priv_state_forget(fx->st, fx->handle[10], 0);
	hand_back();
	assert_int_equal(fx->handed, 2);
	assert_int_equal(fx->back[0].tunnel.seq.tid, 11);
	assert_int_equal(fx->back[1].end.n_tunnels, 1);
	assert_int_equal(fx->back[1].end.n_sessions, 0);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 1);
	assert_int_equal(s, 0);
	/* and the SA going: nothing left */
	priv_check_sa_gone(fx->c, MARK, NULL, NULL);
	hand_back();
	assert_int_equal(fx->handed, 1);
}

/*
 * Tunnel IDs are unique per SA only: two SAs' tunnels with one ID, a session
 * 1 on each, are two tunnels to the store too. Each record names its tunnel
 * by the checker's handle, a record naming one's handle never reaches the
 * other, and the hand-back gives each tunnel with its own handle, sessions
 * and PPP records; one going leaves the other whole.
 */
static void test_same_tid_two_sas(void **state)
{
	struct priv_state_msg m;
	uint32_t h1, h2;
	unsigned int t, s, n_tun = 0, n_ppp = 0;

	(void)state;
	checker_tunnel_on(10, MARK, PEER, 1, 1);
	h1 = fx->handle[10];
	assert_int_equal(send_rec(tunnel_rec(10)), PRIV_OK);
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	assert_int_equal(send_rec(ppp_rec(10, 1)), PRIV_OK);
	checker_tunnel_on(10, MARK2, PEER2, 1, 1);	/* session 1: the next address */
	h2 = fx->handle[10];
	assert_int_not_equal(h1, h2);
	/* the second SA's tunnel 10 as h1 names it: not the checker's (mark, peer) */
	m = tunnel_rec(10);
	m.handle = h1;
	m.tunnel.mark = MARK2;
	inet_pton(AF_INET, PEER2, m.tunnel.peer.addr);
	assert_int_equal(send_rec(m), PRIV_R_SA_UNKNOWN);
	m.handle = h2;
	assert_int_equal(send_rec(m), PRIV_OK);
	/* h2's session 1 with h1's session's address: not the one it holds */
	assert_int_equal(send_rec(session_rec(10, 1)), PRIV_OK);
	m = ppp_rec(10, 1);
	inet_pton(AF_INET, "10.9.0.1", &m.ppp.ppp.peer4);	/* h1's */
	assert_int_equal(send_rec(m), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(send_rec(ppp_rec(10, 1)), PRIV_OK);
	assert_int_not_equal(fx->addr[1].s_addr, m.ppp.ppp.peer4.s_addr);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 2);
	assert_int_equal(s, 2);

	hand_back();
	assert_int_equal(fx->handed, 7);	/* 2 tunnels, 2 sessions, 2 PPP, END */
	for (unsigned int i = 0; i + 1 < fx->handed; i++) {
		const struct priv_state_msg *b = &fx->back[i];
		uint32_t mark = b->handle == h1 ? MARK : MARK2;
		struct in_addr a;

		assert_true(b->handle == h1 || b->handle == h2);
		if (b->type == PRIV_ST_TUNNEL) {
			assert_int_equal(b->tunnel.seq.tid, 10);
			assert_int_equal(b->tunnel.mark, mark);
			n_tun++;
		} else if (b->type == PRIV_ST_PPP) {
			inet_pton(AF_INET, b->handle == h1 ? "10.9.0.1" : "10.9.0.2", &a);
			assert_int_equal(b->ppp.ppp.peer4.s_addr, a.s_addr);
			n_ppp++;
		} else {
			assert_int_equal(b->type, PRIV_ST_SESSION);
			assert_int_equal(b->session.sid, 1);
		}
	}
	assert_int_equal(n_tun, 2);
	assert_int_equal(n_ppp, 2);

	/* h1's tunnel goes (its GONE, as the new engine numbers from 1): h2's stays whole */
	m = (struct priv_state_msg){ .type = PRIV_ST_GONE, .handle = h1, .gone = { 10, 0 } };
	assert_int_equal(send_rec(m), PRIV_OK);
	priv_state_counts(fx->st, &t, &s);
	assert_int_equal(t, 1);
	assert_int_equal(s, 1);
	/* the first SA goes in the parent: its tunnel's records were forgotten already */
	priv_check_sa_gone(fx->c, MARK, NULL, NULL);
	hand_back();
	assert_int_equal(fx->handed, 4);
	assert_int_equal(fx->back[0].handle, h2);
	assert_int_equal(fx->back[2].type, PRIV_ST_PPP);
	/* and the second SA going leaves nothing to resume */
	priv_check_sa_gone(fx->c, MARK2, NULL, NULL);
	hand_back();
	assert_int_equal(fx->handed, 1);
}

static size_t enc(struct priv_state_msg m, uint32_t seq, uint8_t *buf)
{
	int len;

	m.seq = seq;
	len = priv_state_encode(&m, buf, PRIV_MSG_MAX);
	assert_true(len > 0);
	return (size_t)len;
}

/*
 * Issue 19: what a held record becomes when a later one of the sender's
 * comes (priv_state_fold). A tunnel's ST_SEQ goes into its held ST_SEQ or
 * ST_TUNNEL: the tunnel record then decodes with the new Ns, Nr and
 * in-flight, all else and its number as they were (the tunnel's layout
 * starts with the ST_SEQ's fields). Another object's record is left alone;
 * an ST_GONE takes out its object's records and undoes the one that made it.
 */
static void test_fold(void **state)
{
	struct priv_state_msg t = tunnel_rec(3), q = { .type = PRIV_ST_SEQ, .handle = handle_of(3) };
	struct priv_state_msg g = { .type = PRIV_ST_GONE, .handle = handle_of(3) }, out;
	uint8_t held[PRIV_MSG_MAX], rec[PRIV_MSG_MAX], seq[PRIV_MSG_MAX];
	size_t hl = enc(t, 7, held), sl;

	(void)state;
	inet_pton(AF_INET, "10.9.0.5", &fx->addr[2]);	/* the PPP records' (not checked here) */
	q.seq_rec = (struct l2tp_seq_rec){ 3, 40000, 513, true };
	sl = enc(q, 8, seq);
	assert_int_equal(priv_state_fold(held, seq), PRIV_FOLD_INTO);
	assert_int_equal(priv_state_decode(held, hl, &out), PRIV_OK);
	assert_int_equal(out.seq, 7);
	assert_memory_equal(&out.tunnel.seq, &q.seq_rec, sizeof(q.seq_rec));
	t.tunnel.seq = q.seq_rec;
	t.seq = 7;
	assert_memory_equal(&out.tunnel, &t.tunnel, sizeof(t.tunnel));
	/* into a held ST_SEQ of its own, not another tunnel's (handle or ID) */
	memcpy(rec, seq, sl);
	q.seq_rec.nr = 514;
	enc(q, 9, seq);
	assert_int_equal(priv_state_fold(rec, seq), PRIV_FOLD_INTO);
	assert_int_equal(priv_state_decode(rec, sl, &out), PRIV_OK);
	assert_int_equal(out.seq, 8);
	assert_int_equal(out.seq_rec.nr, 514);
	q.handle = handle_of(4);
	enc(q, 9, seq);
	assert_int_equal(priv_state_fold(rec, seq), PRIV_FOLD_NONE);
	assert_int_equal(priv_state_fold(held, seq), PRIV_FOLD_NONE);
	q.handle = handle_of(3);
	q.seq_rec.tid = 4;
	enc(q, 9, seq);
	assert_int_equal(priv_state_fold(held, seq), PRIV_FOLD_NONE);
	/* a session's or PPP session's newer record replaces its own only */
	enc(session_rec(3, 2), 2, held);
	enc(session_rec(3, 3), 3, rec);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
	enc(ppp_rec(3, 2), 3, rec);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
	enc(ppp_rec(3, 2), 4, held);
	out = ppp_rec(3, 2);
	out.ppp.ppp.ipv6cp_open = false;
	out.ppp.ppp.local_id = out.ppp.ppp.peer_id = 0;
	sl = enc(out, 5, rec);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_INTO);
	assert_int_equal(priv_state_decode(held, sl, &out), PRIV_OK);
	assert_int_equal(out.seq, 4);
	assert_false(out.ppp.ppp.ipv6cp_open);
	/* ST_GONE: its session's PPP record is moot, its ST_SESSION undone, others stay */
	g.gone = (struct priv_state_ids){ 3, 2 };
	enc(g, 9, rec);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_DROP);
	enc(session_rec(3, 2), 2, held);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_BOTH);
	enc(session_rec(3, 3), 2, held);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
	enc(tunnel_rec(3), 2, held);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
	/* the tunnel's: every record of it moot, its ST_TUNNEL undone */
	g.gone.sid = 0;
	enc(g, 9, rec);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_BOTH);
	enc(session_rec(3, 3), 2, held);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_DROP);
	enc(session_rec(4, 3), 2, held);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
}

/*
 * Records of one type and object but of two lengths (a layout with a field of
 * its own length, were one added) are not folded: copying the newer over the
 * held one would write past it, or leave its tail.
 */
static void test_fold_lengths(void **state)
{
	uint8_t held[PRIV_MSG_MAX], rec[PRIV_MSG_MAX], before[PRIV_MSG_MAX];
	size_t hl = enc(session_rec(3, 2), 2, held);
	struct priv_state_msg out;

	(void)state;
	enc(session_rec(3, 2), 3, rec);
	memcpy(before, held, hl);
	held[2] = (uint8_t)((hl - 1) >> 8);	/* the held one said shorter */
	held[3] = (uint8_t)(hl - 1);
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_NONE);
	assert_memory_equal(held + 4, before + 4, hl - 4);	/* untouched */
	held[2] = before[2];
	held[3] = before[3];
	assert_int_equal(priv_state_fold(held, rec), PRIV_FOLD_INTO);
	assert_int_equal(priv_state_decode(held, hl, &out), PRIV_OK);
	assert_int_equal(out.seq, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checked_against_the_checker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cost_per_configured_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rss_per_configured_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppp_record_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forgotten_not_handed_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_tid_two_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_lengths, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
