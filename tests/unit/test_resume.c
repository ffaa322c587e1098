// SPDX-License-Identifier: GPL-2.0
/*
 * Resuming after the engine dies (issue 17 item 2): a client's tunnel,
 * session and PPP session brought up against a scripted LAC and PPP client
 * (l2tp_fake.h), every record the LNS's snap events and the PPP layer give
 * sent as the engine would send it (priv_state.h's wire form) into the
 * parent's store, checked there against a checker that saw the session's
 * requests. Then the engine dies: the LNS and the PPP engine are freed
 * without a word to the peer, the store hands its records back, and a fresh
 * LNS and PPP engine import them. The peer then carries on: a HELLO with its
 * next Ns is acknowledged with the right Nr, an LCP Echo-Request answered
 * with our magic number, our own echo sent, and its CDN and StopCCN handled
 * as for any session, and so are LCP Terminate-Requests both ways; the
 * user's name and address are intact. A tunnel
 * whose message was in flight at the death agrees on Ns again through a
 * HELLO.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf/users.h"
#include "core/log.h"
#include "core/util.h"
#include "l2tp/l2tp_snap.h"
#include "l2tp_fake.h"
#include "ppp/ppp.h"
#include "ppp/ppp_snap.h"
#include "priv/priv_check.h"
#include "priv/priv_state.h"

#define LAC_ADDR 0xc6336407	/* 198.51.100.7 */
#define LAC_PORT 1701
#define LAC_TID 77
#define LAC_SID 88
#define CLIENT_MAGIC 0x11223344u

enum { CONFREQ = 1, CONFACK, CONFNAK, CONFREJ, TERMREQ, TERMACK, CODEREJ, PROTREJ,
       ECHOREQ, ECHOREP };

static const char users_text[] = "alice  password wonderland\n";

/* The engine (LNS, PPP, the glue between them) and the parent (checker, store). */
struct rx {
	struct fake *f;
	struct lac lac;
	/* engine */
	struct ppp_config pcfg;
	struct ppp_session *ppp;
	struct l2tp_session *s;
	uint16_t lns_sid;
	bool ipcp_up, ppp_down;
	enum ppp_down_reason down_reason;
	struct in_addr addr;		/* the address the parent gave the session */
	uint32_t st_seq;		/* the engine's record numbering */
	unsigned int snaps[3];		/* by enum l2tp_snap_event */
	/* parent */
	struct users_db *users;
	struct priv_check *check;
	struct priv_state *store;
	uint32_t req_seq;
	uint32_t handle;		/* the checker's of the tunnel (TUNNEL_ADD's reply) */
	/* the hand-back, as the new engine receives it */
	uint8_t back[16][PRIV_MSG_MAX];
	size_t back_len[16];
	unsigned int n_back;
	/* the PPP client's view */
	unsigned int ppp_seen;		/* f->out entries read */
	uint32_t server_magic;
	uint8_t server_lcp_id;
};

static struct rx *x;

/* --- the engine's wiring: records to the parent ------------------------------------ */

static void to_parent(struct priv_state_msg *m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int len;

	m->seq = ++x->st_seq;
	m->handle = x->handle;	/* the one tunnel's, as the parent named it */
	len = priv_state_encode(m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(priv_state_datagram(x->store, buf, (size_t)len), PRIV_OK);
}

static void on_snap(void *env, enum l2tp_snap_event ev, struct l2tp_tunnel *t,
		    struct l2tp_session *s)
{
	struct priv_state_msg m = { 0 };

	(void)env;
	x->snaps[ev]++;
	if (ev == L2TP_SNAP_GONE) {
		m.type = PRIV_ST_GONE;
		m.gone.tid = t->tid;
		m.gone.sid = s ? s->sid : 0;
	} else if (s) {
		m.type = PRIV_ST_SESSION;
		assert_int_equal(l2tp_session_export(s, &m.session), 0);
	} else if (ev == L2TP_SNAP_UP) {
		m.type = PRIV_ST_TUNNEL;
		assert_int_equal(l2tp_tunnel_export(t, &m.tunnel), 0);
	} else {
		m.type = PRIV_ST_SEQ;
		assert_int_equal(l2tp_tunnel_export_seq(t, &m.seq_rec), 0);
	}
	to_parent(&m);
}

/* l2tp_fake.h's socket, kernel and randomness, and the records to the parent */
static struct l2tp_lns_ops resume_ops;

/* --- the engine's wiring: PPP over the L2TP session --------------------------------- */

static void p_send(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	assert_non_null(x->s);
	l2tp_session_send_ppp(x->s, frame, len);
}

static int p_secret(void *ctx, const char *user, struct ppp_secret *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	if (strcmp(user, "alice"))
		return -1;
	out->password = "wonderland";
	out->password_len = 10;
	mschap_nt_hash("wonderland", 10, out->nt_hash);
	return 0;
}

static int p_alloc(void *ctx, const char *user, struct in_addr hint, struct in_addr *out)
{
	(void)ctx;
	(void)user;
	(void)hint;
	*out = x->addr;
	return 0;
}

static void p_ipcp_up(void *ctx, const struct ppp_ipcp_info *info)
{
	struct priv_state_msg m = { .type = PRIV_ST_PPP };

	(void)ctx;
	assert_int_equal(info->peer.s_addr, x->addr.s_addr);
	x->ipcp_up = true;
	/* what the engine's sess.c does once an NCP opened */
	m.ppp.tid = x->s->tunnel->tid;
	m.ppp.sid = x->s->sid;
	assert_int_equal(ppp_export(x->ppp, &m.ppp.ppp), 0);
	to_parent(&m);
}

static void p_ipv6cp_up(void *ctx, uint64_t l, uint64_t p)
{
	(void)ctx;
	(void)l;
	(void)p;
}

static void p_down(void *ctx, enum ppp_down_reason r, const char *msg)
{
	(void)ctx;
	(void)msg;
	x->ppp_down = true;
	x->down_reason = r;
}

static void p_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)(fake_random(x->f) | 1);
}

static const struct ppp_ops pops = {
	.send = p_send,
	.get_secret = p_secret,
	.alloc_ipv4 = p_alloc,
	.ipcp_up = p_ipcp_up,
	.ipv6cp_up = p_ipv6cp_up,
	.down = p_down,
	.random = p_random,
};

static void s_established(void *arg, struct l2tp_session *s)
{
	(void)arg;
	x->s = s;
	x->ppp = ppp_new(&x->pcfg, &pops, x);
	assert_non_null(x->ppp);
	s->ppp = x->ppp;
	ppp_start(x->ppp, x->f->now);
}

static void s_input(void *arg, struct l2tp_session *s, uint8_t *frame, size_t len)
{
	(void)arg;
	assert_ptr_equal(s->ppp, x->ppp);
	ppp_input(x->ppp, x->f->now, frame, len);
}

static void s_closed(void *arg, struct l2tp_session *s)
{
	(void)arg;
	(void)s;
	ppp_lower_down(x->ppp, x->f->now);
	x->s = NULL;
}

static const struct l2tp_session_ops sops = {
	.established = s_established,
	.ppp_input = s_input,
	.closed = s_closed,
};

/* A fresh engine: a new LNS on the same fake socket, kernel and clock. */
static void engine_start(void)
{
	x->f->lns = l2tp_lns_new(x->f->loop, &x->f->cfg.l2tp, &resume_ops, x->f);
	assert_non_null(x->f->lns);
	l2tp_lns_set_session_ops(x->f->lns, &sops, x);
	x->st_seq = 0;
}

/* --- the parent ------------------------------------------------------------------- */

static struct priv_reply request(struct priv_msg *m)
{
	struct priv_reply out;

	m->seq = ++x->req_seq;
	assert_int_equal(priv_check_request(x->check, m, x->f->now, &out), PRIV_OK);
	return out;
}

/* What the engine asked of the parent for the session: add it, PAP, an address. */
static void parent_session(uint16_t tid, uint16_t sid)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD };
	struct priv_reply r;

	m.session_add.handle = x->handle;
	m.session_add.tid = tid;
	m.session_add.sid = sid;
	m.session_add.peer_sid = LAC_SID;
	request(&m);
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_AUTH_PAP;
	m.pap.who.handle = x->handle;
	m.pap.who.tid = tid;
	m.pap.who.sid = sid;
	m.pap.who.name.len = 5;
	strcpy(m.pap.who.name.s, "alice");
	m.pap.pw_len = 10;
	memcpy(m.pap.pw, "wonderland", 10);
	r = request(&m);
	assert_true(r.auth_ok);
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_ADDR_CLAIM;
	m.addr.handle = x->handle;
	m.addr.tid = tid;
	m.addr.sid = sid;
	m.addr.addr.family = 4;
	r = request(&m);
	assert_int_equal(r.addr.family, 4);
	x->addr = r.addr.v4;
}

static void parent_tunnel(uint16_t tid)
{
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	m.tunnel_add.tid = tid;
	m.tunnel_add.peer_tid = LAC_TID;
	m.tunnel_add.sock_id = 1;	/* the LNS's socket 0, as the parent numbers them */
	m.tunnel_add.peer.family = 4;
	m.tunnel_add.peer.v4.s_addr = htonl(LAC_ADDR);
	m.tunnel_add.peer_port = LAC_PORT;
	x->handle = request(&m).handle;
}

static int back_send(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	assert_true(x->n_back < ARRAY_SIZE(x->back));
	memcpy(x->back[x->n_back], buf, len);
	x->back_len[x->n_back++] = len;
	return 0;
}

/* --- the PPP client ----------------------------------------------------------------- */

static void client_frame(uint16_t proto, uint8_t code, uint8_t id, const void *data,
			 size_t len)
{
	uint8_t buf[256];

	put_be16(buf, L2TP_VERSION);
	put_be16(buf + 2, x->lac.lns_tid);
	put_be16(buf + 4, x->lns_sid);
	buf[6] = 0xff;
	buf[7] = 0x03;
	put_be16(buf + 8, proto);
	buf[10] = code;
	buf[11] = id;
	put_be16(buf + 12, (uint16_t)(len + 4));
	if (len)
		memcpy(buf + 14, data, len);
	l2tp_lns_input(x->f->lns, buf, 14 + len, &x->lac.peer);
}

struct pframe {
	uint16_t proto;
	uint8_t code, id;
	const uint8_t *data;
	size_t len;
};

/* The next PPP control frame the LNS sent the client; false when none. */
static bool client_recv(struct pframe *p)
{
	while (x->ppp_seen < x->f->n_out) {
		const struct fake_pkt *k = &x->f->out[x->ppp_seen++];
		const uint8_t *b = k->buf + 6;
		size_t n = k->len - 6;

		if (k->len < 6 || (get_be16(k->buf) & L2TP_HDR_T))
			continue;
		if (n >= 2 && b[0] == 0xff && b[1] == 0x03) {
			b += 2;
			n -= 2;
		}
		if (n >= 1 && (b[0] & 1)) {
			p->proto = b[0];
			b++;
			n--;
		} else {
			assert_true(n >= 2);
			p->proto = get_be16(b);
			b += 2;
			n -= 2;
		}
		assert_true(n >= 4);
		p->code = b[0];
		p->id = b[1];
		p->data = b + 4;
		p->len = get_be16(b + 2) - 4u;
		return true;
	}
	return false;
}

static struct pframe client_expect(uint16_t proto, uint8_t code)
{
	struct pframe p;

	for (;;) {
		assert_true(client_recv(&p));
		if (p.proto == proto && p.code == code)
			return p;
	}
}

/* LCP both ways (PFC, ACFC, the client's magic), PAP, IPCP with the parent's address. */
static void client_ppp_up(void)
{
	static const uint8_t lcp[] = { 5, 6, 0x11, 0x22, 0x33, 0x44, 7, 2, 8, 2 };
	uint8_t pap[32] = { 5, 'a', 'l', 'i', 'c', 'e', 10 };
	uint8_t ipcp[6] = { 3, 6, 0, 0, 0, 0 };
	struct pframe p;

	p = client_expect(PPP_LCP, CONFREQ);
	for (size_t i = 0; i + 2 <= p.len; i += p.data[i + 1])
		if (p.data[i] == 5)
			x->server_magic = get_be32(p.data + i + 2);
	assert_true(x->server_magic != 0);
	client_frame(PPP_LCP, CONFACK, p.id, p.data, p.len);
	client_frame(PPP_LCP, CONFREQ, 1, lcp, sizeof(lcp));
	client_expect(PPP_LCP, CONFACK);
	memcpy(pap + 7, "wonderland", 10);
	client_frame(PPP_PAP, 1, 1, pap, 17);
	client_expect(PPP_PAP, 2);
	p = client_expect(PPP_IPCP, CONFREQ);
	client_frame(PPP_IPCP, CONFACK, p.id, p.data, p.len);
	client_frame(PPP_IPCP, CONFREQ, 1, ipcp, sizeof(ipcp));
	p = client_expect(PPP_IPCP, CONFNAK);
	memcpy(ipcp + 2, p.data + 2, 4);
	client_frame(PPP_IPCP, CONFREQ, 2, ipcp, sizeof(ipcp));
	client_expect(PPP_IPCP, CONFACK);
	assert_true(x->ipcp_up);
}

/* --- setup ------------------------------------------------------------------------- */

static int setup(void **state)
{
	struct l2sec_config cfg;

	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	x = calloc(1, sizeof(*x));
	resume_ops = fake_ops;
	resume_ops.snap = on_snap;
	config_defaults(&cfg);
	strcpy(cfg.l2tp.hostname, "lns");
	cfg.l2tp.require_ipsec = false;
	inet_pton(AF_INET, "10.7.0.10", &cfg.pool[0].first);
	inet_pton(AF_INET, "10.7.0.20", &cfg.pool[0].last);
	cfg.n_pool = 1;
	x->f = fake_new(&cfg);
	l2tp_lns_free(x->f->lns);
	engine_start();
	ppp_config_init(&x->pcfg);
	x->pcfg.auth = PPP_AUTH_PAP;
	inet_pton(AF_INET, "10.7.0.1", &x->pcfg.local_ipv4);
	x->users = users_parse(users_text, sizeof(users_text) - 1, NULL, NULL);
	assert_non_null(x->users);
	x->check = priv_check_new(&x->f->cfg, x->users);
	assert_non_null(x->check);
	assert_int_equal(priv_check_sock_add(x->check, 1, 4), 0);
	x->store = priv_state_new(x->f->cfg.l2tp.max_tunnels, x->f->cfg.l2tp.max_sessions,
				  x->check);
	assert_non_null(x->store);
	lac_init(&x->lac, x->f, LAC_ADDR, LAC_PORT, 0, LAC_TID);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_free(x->f);	/* the LNS first: its sessions' PPP layer is told */
	ppp_free(x->ppp);
	priv_state_free(x->store);
	priv_check_free(x->check);
	users_free(x->users);
	free(x);
	return 0;
}

/* Tunnel, session and PPP up, each step known to the parent as the wiring will tell it. */
static void client_up(void)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_sccrq(&x->lac, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_SCCRP);
	x->lac.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	parent_tunnel(x->lac.lns_tid);		/* tunnel_add's request, before SCCCN's UP */
	lac_scccn(&x->lac, NULL);
	lac_icrq(&x->lac, LAC_SID);
	assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_ICRP);
	x->lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	parent_session(x->lac.lns_tid, x->lns_sid);
	x->ppp_seen = x->f->n_out;
	lac_iccn(&x->lac, x->lns_sid);
	client_ppp_up();
	fake_advance(x->f, 1000);	/* acknowledgements out */
	lac_zlb(&x->lac);
}

/* The engine dies: everything freed, nothing sent; the parent hands its records back. */
static void engine_dies(void)
{
	unsigned int out = x->f->n_out, tunnels, sessions;

	/* a dead engine's PPP layer hears nothing */
	l2tp_lns_set_session_ops(x->f->lns, NULL, NULL);
	l2tp_lns_free(x->f->lns);
	x->f->lns = NULL;
	ppp_free(x->ppp);
	x->ppp = NULL;
	x->s = NULL;
	assert_int_equal(x->f->n_out, out);
	priv_state_counts(x->store, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 1);
	x->n_back = 0;
	assert_int_equal(priv_state_hand_back(x->store, back_send, NULL), 4);
}

/* The new engine imports what the parent handed back, as its wiring will. */
static void engine_resumes(void)
{
	int adds = x->f->k_tunnel_adds + x->f->k_session_adds;
	unsigned int out;

	engine_start();
	out = x->f->n_out;
	for (unsigned int i = 0; i < x->n_back; i++) {
		struct priv_state_msg m;
		struct l2tp_tunnel *t;

		assert_int_equal(priv_state_decode(x->back[i], x->back_len[i], &m), PRIV_OK);
		assert_int_equal(m.seq, i + 1);
		switch (m.type) {
		case PRIV_ST_TUNNEL:
			assert_int_equal(m.handle, x->handle);
			t = l2tp_tunnel_import(x->f->lns, &m.tunnel);
			assert_non_null(t);
			t->dp_handle = m.handle;	/* privsep.c's resume_tunnel */
			break;
		case PRIV_ST_SESSION:
			t = l2tp_lns_tunnel_by_handle(x->f->lns, m.session.tid, m.handle);
			x->s = l2tp_session_import(x->f->lns, t, &m.session);
			assert_non_null(x->s);
			break;
		case PRIV_ST_PPP:
			assert_non_null(x->s);
			x->ppp = ppp_import(&x->pcfg, &pops, x, &m.ppp.ppp, x->f->now);
			assert_non_null(x->ppp);
			x->s->ppp = x->ppp;
			break;
		case PRIV_ST_END:
			assert_int_equal(m.end.n_tunnels, 1);
			assert_int_equal(m.end.n_sessions, 1);
			assert_int_equal(m.end.n_ppp, 1);
			break;
		default:
			fail();
		}
	}
	/* nothing to the peer, nothing asked of the kernel */
	assert_int_equal(x->f->n_out, out);
	assert_int_equal(x->f->k_tunnel_adds + x->f->k_session_adds, adds);
	x->ppp_seen = x->lac.seen = x->f->n_out;
}

/* The last ZLB the LNS sent the LAC: its Nr. */
static int last_zlb_nr(void)
{
	int nr = -1;
	struct l2tp_hdr h;

	while (x->lac.seen < x->f->n_out) {
		struct fake_pkt *p = &x->f->out[x->lac.seen++];

		if (l2tp_hdr_parse(p->buf, p->len, &h) == L2TP_HDR_OK && h.control &&
		    h.msg_len == h.hdr_len)
			nr = h.nr;
	}
	return nr;
}

static void hello_from_lac(void)
{
	uint8_t buf[64];
	struct l2tp_builder b;

	lac_begin(&x->lac, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	lac_send(&x->lac, &b);
}

/* A client up, the engine dead and resumed; the PPP record as it was. */
static struct ppp_rec resumed_client(void)
{
	struct ppp_rec rec;

	client_up();
	assert_int_equal(ppp_export(x->ppp, &rec), 0);
	engine_dies();
	engine_resumes();
	return rec;
}

static void test_round_trip(void **state)
{
	struct l2tp_tunnel *t;
	struct ppp_rec before, after;
	struct pframe p;
	uint8_t echo[8] = { 0x11, 0x22, 0x33, 0x44, 'p', 'i', 'n', 'g' };
	int k_sessions, k_tunnels;

	(void)state;
	before = resumed_client();
	assert_int_equal(x->snaps[L2TP_SNAP_UP], 2);
	assert_true(x->snaps[L2TP_SNAP_SEQ] > 0);
	assert_int_equal(x->snaps[L2TP_SNAP_GONE], 0);
	assert_string_equal(before.user, "alice");
	k_tunnels = x->f->k_tunnels;
	k_sessions = x->f->k_sessions;

	/* the same session: user, address, negotiated values */
	t = l2tp_lns_tunnel(x->f->lns, x->lac.lns_tid);
	assert_non_null(t);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(t->peer_tid, LAC_TID);
	assert_ptr_equal(l2tp_lns_session(x->f->lns, x->lac.lns_tid, x->lns_sid), x->s);
	assert_string_equal(ppp_user(x->ppp), "alice");
	assert_string_equal(ppp_auth_method_name(x->ppp), "pap");
	assert_true(ppp_is_up(x->ppp));
	assert_int_equal(ppp_export(x->ppp, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(after.peer4.s_addr, x->addr.s_addr);

	/* the peer's HELLO with its next Ns: taken, acknowledged with the next Nr */
	hello_from_lac();
	fake_advance(x->f, 1000);
	assert_int_equal(last_zlb_nr(), x->lac.ns);
	assert_int_equal(t->ctrl.stats.rx_msgs, 1);
	assert_int_equal(t->ctrl.stats.rx_duplicates + t->ctrl.stats.rx_out_of_window, 0);

	/* LCP echo: answered with our magic number, the peer's data echoed */
	client_frame(PPP_LCP, ECHOREQ, 42, echo, sizeof(echo));
	p = client_expect(PPP_LCP, ECHOREP);
	assert_int_equal(p.id, 42);
	assert_int_equal(p.len, sizeof(echo));
	assert_int_equal(get_be32(p.data), x->server_magic);
	assert_memory_equal(p.data + 4, "ping", 4);

	/* our own echo, one interval after the import, with our magic */
	x->f->now += x->pcfg.echo_interval_ms;
	ppp_timer(x->ppp, x->f->now);
	p = client_expect(PPP_LCP, ECHOREQ);
	assert_int_equal(get_be32(p.data), x->server_magic);
	assert_false(x->ppp_down);

	/* the peer hangs up the call: CDN handled as for any session */
	{
		uint8_t buf[128];
		struct l2tp_builder b;

		lac_begin(&x->lac, &b, buf, sizeof(buf), x->lns_sid, L2TP_CDN);
		l2tp_build_result(&b, CDN_GENERAL_ERROR, 0, "bye");
		l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, LAC_SID);
		lac_send(&x->lac, &b);
	}
	assert_true(x->ppp_down);
	assert_int_equal(x->down_reason, PPP_DOWN_PEER);
	assert_null(l2tp_lns_session(x->f->lns, x->lac.lns_tid, x->lns_sid));
	assert_int_equal(x->f->k_sessions, k_sessions - 1);
	fake_advance(x->f, 1000);
	assert_int_equal(last_zlb_nr(), x->lac.ns);

	/* and the tunnel: StopCCN acknowledged at once, the kernel's tunnel removed */
	{
		uint8_t buf[128];
		struct l2tp_builder b;

		lac_begin(&x->lac, &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
		l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, LAC_TID);
		l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
		lac_send(&x->lac, &b);
	}
	assert_int_equal(last_zlb_nr(), x->lac.ns);
	assert_int_equal(t->state, TUNNEL_CLOSING);
	assert_int_equal(x->f->k_tunnels, k_tunnels - 1);
}

/* Our HELLO was in flight when the engine died: a HELLO with its Ns agrees on Ns again. */
static void test_in_flight(void **state)
{
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t lost_ns;

	(void)state;
	client_up();
	/* an idle tunnel's HELLO: the LAC gets it, its ZLB never reaches the engine */
	x->lac.seen = x->f->n_out;
	fake_advance(x->f, x->f->cfg.l2tp.hello_interval_ms);
	assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_HELLO);
	lost_ns = h.ns;
	engine_dies();
	engine_resumes();
	t = l2tp_lns_tunnel(x->f->lns, x->lac.lns_tid);
	assert_non_null(t);

	fake_advance(x->f, 0);
	assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_HELLO);
	assert_int_equal(h.ns, lost_ns);
	/* the LAC had it: a duplicate, acknowledged; the engine's queue empties */
	assert_int_equal(x->lac.nr, (uint16_t)(lost_ns + 1));
	lac_zlb(&x->lac);
	assert_true(l2tp_ctrl_idle(&t->ctrl));
	assert_int_equal(t->ctrl.stats.rx_bad_nr, 0);
	assert_int_equal(l2tp_ctrl_una(&t->ctrl), (uint16_t)(lost_ns + 1));
	/* and the peer's messages still count from where they were */
	hello_from_lac();
	fake_advance(x->f, 1000);
	assert_int_equal(last_zlb_nr(), x->lac.ns);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
}

/* Import refuses what it cannot take, with nothing half done. */
static void test_import_refusals(void **state)
{
	struct l2tp_tunnel_rec tr;
	struct l2tp_session_rec sr;
	struct ppp_rec pr;
	struct l2tp_tunnel *t;

	(void)state;
	client_up();
	t = l2tp_lns_tunnel(x->f->lns, x->lac.lns_tid);
	assert_int_equal(l2tp_tunnel_export(t, &tr), 0);
	assert_int_equal(l2tp_session_export(x->s, &sr), 0);
	assert_int_equal(ppp_export(x->ppp, &pr), 0);

	/* the ID is taken in this LNS */
	assert_null(l2tp_tunnel_import(x->f->lns, &tr));
	assert_int_equal(errno, EEXIST);
	assert_null(l2tp_session_import(x->f->lns, t, &sr));
	assert_int_equal(errno, EEXIST);
	/* a session of no tunnel, or of another tunnel than the one named */
	assert_null(l2tp_session_import(x->f->lns, NULL, &sr));
	assert_int_equal(errno, ENOENT);
	sr.tid ^= 1;
	assert_null(l2tp_session_import(x->f->lns, t, &sr));
	assert_int_equal(errno, ENOENT);
	/* invalid records */
	tr.seq.tid ^= 1;
	tr.peer_host[sizeof(tr.peer_host) - 1] = 'x';
	assert_null(l2tp_tunnel_import(x->f->lns, &tr));
	assert_int_equal(errno, EINVAL);
	pr.magic = 0;
	assert_null(ppp_import(&x->pcfg, &pops, x, &pr, x->f->now));
	assert_int_equal(errno, EINVAL);
	/* an IPCP the configuration no longer runs */
	assert_int_equal(ppp_export(x->ppp, &pr), 0);
	x->pcfg.ipv4 = false;
	x->pcfg.ipv6 = true;
	assert_null(ppp_import(&x->pcfg, &pops, x, &pr, x->f->now));
	assert_int_equal(errno, EINVAL);
	/* nothing of a session still negotiating */
	lac_icrq(&x->lac, LAC_SID + 1);
	{
		struct l2tp_msg m;
		struct l2tp_hdr h;
		struct fake_pkt p;
		struct l2tp_session *s;

		assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_ICRP);
		s = l2tp_lns_session(x->f->lns, x->lac.lns_tid,
				     l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID));
		assert_non_null(s);
		assert_int_equal(l2tp_session_export(s, &sr), -1);
		assert_int_equal(errno, ENOENT);
	}
}

/*
 * A reload under privsep lowered the limits below what is up: the new engine
 * still imports every tunnel and session (a single l2secd keeps them too),
 * and they carry on; only new ones wait for room.
 */
static void test_import_over_limits(void **state)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	client_up();
	engine_dies();
	x->f->cfg.l2tp.max_tunnels = 0;
	x->f->cfg.l2tp.max_sessions = 0;
	x->f->cfg.l2tp.max_sessions_per_tunnel = 0;
	engine_resumes();	/* every record imported */
	assert_non_null(x->s);
	assert_int_equal(x->s->state, SESSION_ESTABLISHED);
	hello_from_lac();
	fake_advance(x->f, 1000);
	assert_int_equal(last_zlb_nr(), x->lac.ns);
	/* a new call on the tunnel is over the limits: refused */
	lac_icrq(&x->lac, LAC_SID + 1);
	assert_int_equal(lac_recv(&x->lac, &m, &h, &p), L2TP_CDN);
}

/* LCP Terminate both ways on a resumed session, its packet IDs going on from the record's. */
static void test_ppp_terminate(void **state)
{
	struct pframe p;

	(void)state;
	resumed_client();

	/* the peer's Terminate-Request: acknowledged, down after the Restart timer */
	client_frame(PPP_LCP, TERMREQ, 7, "bye", 3);
	p = client_expect(PPP_LCP, TERMACK);
	assert_int_equal(p.id, 7);
	assert_false(x->ppp_down);
	x->f->now += x->pcfg.restart_ms;
	ppp_timer(x->ppp, x->f->now);
	assert_true(x->ppp_down);
	assert_int_equal(x->down_reason, PPP_DOWN_PEER);
}

static void test_ppp_hangup(void **state)
{
	struct ppp_rec rec = resumed_client();
	struct pframe p;

	(void)state;

	/* ours: a Terminate-Request with the next LCP identifier, down on its Ack */
	ppp_close(x->ppp, x->f->now, "admin");
	p = client_expect(PPP_LCP, TERMREQ);
	assert_int_equal(p.id, (uint8_t)(rec.lcp_id + 1));
	assert_false(x->ppp_down);
	client_frame(PPP_LCP, TERMACK, p.id, NULL, 0);
	assert_true(x->ppp_down);
	assert_int_equal(x->down_reason, PPP_DOWN_ADMIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_over_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppp_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppp_hangup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
