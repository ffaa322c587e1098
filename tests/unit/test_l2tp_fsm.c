// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS state machines driven by crafted message sequences from a scripted
 * LAC (l2tp_fake.h): tunnel and session setup and teardown both ways, tunnel
 * authentication right and wrong, limits, unknown AVPs, wrong states, an
 * SCCRQ flood, HELLO and its timeout, shutdown, and PPP frames both ways; the
 * closed API the rest of l2secd uses (lookup, iteration, close by SA mark, counts).
 * What is asserted is what a peer or an operator would see: the messages on
 * the wire, their result codes, and the kernel's tunnel and session counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_secret.h"
#include "l2tp_fake.h"
#include "core/log.h"
#include "datapath/datapath.h"

static struct fake *f;

static int setup(void **state)
{
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_free(f);
	return 0;
}

static void expect_result(const struct l2tp_msg *m, uint16_t result, uint16_t error)
{
	const struct l2tp_avp_val *rc = &m->avp[AVP_RESULT_CODE];

	assert_true(l2tp_msg_has(m, AVP_RESULT_CODE));
	assert_int_equal(l2tp_msg_u16(m, AVP_RESULT_CODE), result);
	assert_true(rc->len >= 4);
	assert_int_equal(rc->p[2] << 8 | rc->p[3], error);
}

/* SCCRQ -> SCCRP -> SCCCN; returns with the tunnel established. */
static void establish(struct lac *l)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_sccrq(l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_SCCRP);
	assert_int_equal(h.tunnel_id, l->tid);
	assert_int_equal(h.ns, 0);
	assert_int_equal(h.nr, 1);
	assert_int_equal(l2tp_msg_u16(&m, AVP_PROTOCOL_VERSION), 0x0100);
	assert_true(l2tp_msg_has(&m, AVP_HOST_NAME));
	assert_true(l2tp_msg_has(&m, AVP_FRAMING_CAP));
	l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	assert_int_not_equal(l->lns_tid, 0);
	lac_scccn(l, NULL);
}

/* ICRQ -> ICRP -> ICCN; returns the LNS's session ID. */
static uint16_t open_session(struct lac *l, uint16_t sid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t lns_sid;

	lac_icrq(l, sid);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_ICRP);
	assert_int_equal(h.session_id, sid);
	lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	assert_int_not_equal(lns_sid, 0);
	lac_iccn(l, lns_sid);
	return lns_sid;
}

static void test_tunnel_and_session_lifecycle(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t buf[128];
	struct l2tp_builder b;
	uint16_t lns_sid;

	(void)state;
	lac_init(&l, f, 0x0a000002, 1701, 0x2, 0x1111);
	establish(&l);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(f->k_last_mark, 0x2);	/* bound to the SCCRQ's SA */
	assert_int_equal(f->lns->stats.tunnels_established, 1);
	/* the SCCCN is acknowledged by a ZLB after the ack delay */
	fake_advance(f, 300);
	assert_int_equal(lac_zlbs(&l), 1);

	lns_sid = open_session(&l, 0x2222);
	assert_int_equal(f->k_sessions, 1);
	assert_int_equal(f->ppp_up, 1);
	assert_int_equal(f->lns->n_sessions, 1);

	/* CDN from the LAC: the session leaves the kernel and PPP is told */
	lac_begin(&l, &b, buf, sizeof(buf), lns_sid, L2TP_CDN);
	l2tp_build_result(&b, CDN_ADMIN, 0, NULL);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, 0x2222);
	lac_send(&l, &b);
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(f->ppp_closed, 1);
	assert_int_equal(f->lns->n_sessions, 0);

	/* StopCCN from the LAC: acknowledged at once, tunnel out of the kernel */
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, l.tid);
	l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
	lac_send(&l, &b);
	assert_int_equal(lac_zlbs(&l), 1);
	assert_int_equal(f->k_tunnels, 0);
	assert_int_equal(f->lns->n_tunnels, 1);	/* lingers for retransmissions */
	fake_advance(f, 32000);
	assert_int_equal(f->lns->n_tunnels, 0);
	(void)m; (void)h; (void)p;
}

static void test_challenge(void **state, bool right, bool send_resp)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t chal[16], want[16], resp[16];

	(void)state;
	strcpy(f->cfg.l2tp.secret, "s3cret");
	memset(chal, 0x5a, sizeof(chal));
	lac_init(&l, f, 0x0a000003, 1701, 0, 0x3333);
	lac_sccrq(&l, chal, sizeof(chal), 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_SCCRP);
	l.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	/* the LNS proves it knows the secret ... */
	l2tp_challenge_response(want, L2TP_SCCRP, "s3cret", chal, sizeof(chal));
	assert_int_equal(m.avp[AVP_CHALLENGE_RESPONSE].len, 16);
	assert_memory_equal(m.avp[AVP_CHALLENGE_RESPONSE].p, want, 16);
	/* ... and challenges the LAC */
	assert_true(l2tp_msg_has(&m, AVP_CHALLENGE));
	l2tp_challenge_response(resp, L2TP_SCCCN, right ? "s3cret" : "wrong",
				m.avp[AVP_CHALLENGE].p, m.avp[AVP_CHALLENGE].len);
	lac_scccn(&l, send_resp ? resp : NULL);
	if (right) {
		assert_int_equal(f->k_tunnels, 1);
		assert_int_equal(lac_recv(&l, &m, &h, &p), 0);
		return;
	}
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_NOT_AUTHORIZED, 0);
	assert_int_equal(f->k_tunnel_adds, 0);
	assert_int_equal(f->lns->stats.tunnels_auth_failed, 1);
}

static void test_challenge_right(void **state)
{
	test_challenge(state, true, true);
}

static void test_challenge_wrong(void **state)
{
	test_challenge(state, false, true);
}

static void test_challenge_missing(void **state)
{
	test_challenge(state, false, false);
}

static void test_peer_challenge_without_secret(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t chal[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	lac_init(&l, f, 0x0a000004, 1701, 0, 0x4444);
	lac_sccrq(&l, chal, sizeof(chal), 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	assert_int_equal(h.tunnel_id, 0x4444);
	expect_result(&m, STOPCCN_NOT_AUTHORIZED, 0);
	assert_int_equal(f->lns->n_tunnels, 0);
}

/* SCCRQ with a challenge; checks the SCCRP's response with secret, returns our challenge. */
static void sccrq_expect_secret(struct lac *l, const char *secret, uint8_t our_chal[16])
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t chal[16], want[16];

	memset(chal, 0xa5, sizeof(chal));
	lac_sccrq(l, chal, sizeof(chal), 0x0100);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_SCCRP);
	l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	l2tp_challenge_response(want, L2TP_SCCRP, secret, chal, sizeof(chal));
	assert_int_equal(m.avp[AVP_CHALLENGE_RESPONSE].len, 16);
	assert_memory_equal(m.avp[AVP_CHALLENGE_RESPONSE].p, want, 16);
	assert_int_equal(m.avp[AVP_CHALLENGE].len, 16);
	memcpy(our_chal, m.avp[AVP_CHALLENGE].p, 16);
}

/*
 * Tunnels started under one secret share one copy of it; a reload that
 * changes the secret leaves theirs alone (a tunnel half-way through its
 * setup still authenticates with the old one) while new tunnels take the new
 * one; the copy goes with its last holder. No secret: no copy at all.
 */
static void test_secret_shared_and_reload(void **state)
{
	struct lac a, b, c, d;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t chal_a[16], chal_b[16], chal_c[16], resp[16];
	struct l2tp_tunnel *ta, *tb, *tc, *td;
	struct l2tp_secret *old;

	(void)state;
	strcpy(f->cfg.l2tp.secret, "s3cret");
	lac_init(&a, f, 0x0a000011, 1701, 0, 0x1111);
	lac_init(&b, f, 0x0a000012, 1701, 0, 0x2222);
	sccrq_expect_secret(&a, "s3cret", chal_a);
	sccrq_expect_secret(&b, "s3cret", chal_b);
	ta = l2tp_lns_tunnel(f->lns, a.lns_tid);
	tb = l2tp_lns_tunnel(f->lns, b.lns_tid);
	assert_non_null(ta);
	assert_non_null(tb);
	assert_ptr_equal(ta->secret, tb->secret);
	old = l2tp_secret_get(ta->secret);	/* the test's own reference */
	assert_int_equal(old->refs, 4);		/* the LNS, two tunnels, the test */

	/* reload with another secret */
	strcpy(f->cfg.l2tp.secret, "n3w-secret");
	l2tp_lns_set_config(f->lns, &f->cfg.l2tp);
	assert_int_equal(old->refs, 3);		/* the LNS let go of it */
	assert_string_equal(l2tp_secret_str(ta->secret), "s3cret");

	/* a tunnel started before the reload answers with the old secret */
	l2tp_challenge_response(resp, L2TP_SCCCN, "s3cret", chal_a, sizeof(chal_a));
	lac_scccn(&a, resp);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(lac_recv(&a, &m, &h, &p), 0);

	/* a new one is challenged with the new secret, and proves it knows it */
	lac_init(&c, f, 0x0a000013, 1701, 0, 0x3333);
	sccrq_expect_secret(&c, "n3w-secret", chal_c);
	tc = l2tp_lns_tunnel(f->lns, c.lns_tid);
	assert_non_null(tc);
	assert_ptr_not_equal(tc->secret, old);
	l2tp_challenge_response(resp, L2TP_SCCCN, "s3cret", chal_c, sizeof(chal_c));
	lac_scccn(&c, resp);			/* the old secret no longer opens one */
	assert_int_equal(lac_recv(&c, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_NOT_AUTHORIZED, 0);
	assert_int_equal(f->k_tunnels, 1);

	/* the old tunnels go: the copy with the last of them (the test's aside) */
	l2tp_tunnel_close(ta, true, STOPCCN_GENERAL_ERROR, 0, "test");
	l2tp_tunnel_close(tb, true, STOPCCN_GENERAL_ERROR, 0, "test");
	fake_advance(f, 120000);
	assert_null(l2tp_lns_tunnel(f->lns, a.lns_tid));
	assert_null(l2tp_lns_tunnel(f->lns, b.lns_tid));
	assert_int_equal(old->refs, 1);
	assert_true(l2tp_secret_put(old));	/* the last reference: wiped and freed */

	/* no secret configured: none held */
	f->cfg.l2tp.secret[0] = '\0';
	l2tp_lns_set_config(f->lns, &f->cfg.l2tp);
	lac_init(&d, f, 0x0a000014, 1701, 0, 0x4444);
	lac_establish(&d);
	td = l2tp_lns_tunnel(f->lns, d.lns_tid);
	assert_non_null(td);
	assert_null(td->secret);
	assert_null(f->lns->secret);
	assert_int_equal(f->k_tunnels, 1);
	(void)chal_b;
}

/* One reference per get, the last put frees (ASan: no leak, no use after free). */
static void test_secret_refs(void **state)
{
	struct l2tp_secret *s = l2tp_secret_new("abc");

	(void)state;
	assert_non_null(s);
	assert_string_equal(l2tp_secret_str(s), "abc");
	assert_string_equal(l2tp_secret_str(NULL), "");
	assert_ptr_equal(l2tp_secret_get(s), s);
	assert_null(l2tp_secret_get(NULL));
	assert_false(l2tp_secret_put(s));
	assert_true(l2tp_secret_put(s));
	assert_false(l2tp_secret_put(NULL));
}

static void test_bad_version(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	lac_init(&l, f, 0x0a000005, 1701, 0, 0x5555);
	lac_sccrq(&l, NULL, 0, 0x0200);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_BAD_VERSION, 0x0100);
	assert_int_equal(f->lns->n_tunnels, 0);
}

static void test_tunnel_limit(void **state)
{
	struct lac l[3];
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.max_tunnels = 2;
	for (int i = 0; i < 3; i++) {
		lac_init(&l[i], f, 0x0a000010 + (uint32_t)i, 1701, 0, (uint16_t)(100 + i));
		lac_sccrq(&l[i], NULL, 0, 0x0100);
	}
	assert_int_equal(lac_recv(&l[0], &m, &h, &p), L2TP_SCCRP);
	assert_int_equal(lac_recv(&l[1], &m, &h, &p), L2TP_SCCRP);
	assert_int_equal(lac_recv(&l[2], &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_GENERAL_ERROR, L2TP_ERR_RESOURCES);
	assert_int_equal(f->lns->n_tunnels, 2);
	assert_int_equal(f->lns->stats.sccrq_refused, 1);
}

static void test_session_limits(void **state)
{
	struct lac l, l2;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.max_sessions_per_tunnel = 1;
	f->cfg.l2tp.max_sessions = 2;
	lac_init(&l, f, 0x0a000020, 1701, 0, 0x20);
	establish(&l);
	open_session(&l, 1);
	lac_icrq(&l, 2);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.session_id, 2);
	expect_result(&m, CDN_NO_RESOURCES_TEMP, 0);

	/* the total: a second tunnel gets one session, then max-sessions is reached */
	f->cfg.l2tp.max_sessions_per_tunnel = 5;
	lac_init(&l2, f, 0x0a000021, 1701, 0, 0x21);
	establish(&l2);
	open_session(&l2, 1);
	lac_icrq(&l2, 2);
	assert_int_equal(lac_recv(&l2, &m, &h, &p), L2TP_CDN);
	expect_result(&m, CDN_NO_RESOURCES_TEMP, 0);
	assert_int_equal(f->k_sessions, 2);
	assert_int_equal(f->lns->stats.sessions_refused, 2);
	/* the same peer session ID twice in one tunnel */
	lac_icrq(&l2, 1);
	assert_int_equal(lac_recv(&l2, &m, &h, &p), L2TP_CDN);
	expect_result(&m, CDN_GENERAL_ERROR, L2TP_ERR_SESSION_ID);
}

static void test_unknown_avps(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t buf[128];
	struct l2tp_builder b;
	uint8_t vendor_avp_m[] = { 0x80, 0x08, 0x01, 0x37, 0x00, 0x01, 0, 0 };
	uint16_t lns_sid;

	(void)state;
	lac_init(&l, f, 0x0a000030, 1701, 0, 0x30);
	establish(&l);

	/* unknown optional AVP in a HELLO: ignored, tunnel stays */
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	l2tp_build_avp(&b, false, 0x7f, "x", 1);
	lac_send(&l, &b);
	assert_int_equal(lac_recv(&l, &m, &h, &p), 0);

	/* unknown mandatory AVP in an ICRQ: that call is refused with CDN 2/8 */
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_ICRQ);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, 9);
	l2tp_build_u32(&b, true, AVP_CALL_SERIAL, 1);
	memcpy(b.buf + b.len, vendor_avp_m, sizeof(vendor_avp_m));
	b.len += sizeof(vendor_avp_m);
	lac_send(&l, &b);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.session_id, 9);
	expect_result(&m, CDN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP);
	assert_int_equal(f->k_tunnels, 1);

	/* in the ICCN of an existing session: that session ends */
	lns_sid = open_session(&l, 10);
	assert_int_equal(f->k_sessions, 1);
	lac_begin(&l, &b, buf, sizeof(buf), lns_sid, L2TP_WEN);
	memcpy(b.buf + b.len, vendor_avp_m, sizeof(vendor_avp_m));
	b.len += sizeof(vendor_avp_m);
	lac_send(&l, &b);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.session_id, 10);
	expect_result(&m, CDN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP);
	assert_int_equal(f->k_sessions, 0);

	/* in a HELLO: the whole tunnel ends with StopCCN 2/8 */
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	memcpy(b.buf + b.len, vendor_avp_m, sizeof(vendor_avp_m));
	b.len += sizeof(vendor_avp_m);
	lac_send(&l, &b);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP);
	assert_int_equal(l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID), l.lns_tid);
	assert_int_equal(f->k_tunnels, 0);
}

static void test_wrong_state(void **state)
{
	struct lac l, l2;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	/* ICRQ before SCCCN */
	lac_init(&l, f, 0x0a000040, 1701, 0, 0x40);
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_SCCRP);
	l.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_icrq(&l, 1);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_FSM_ERROR, 0);
	assert_int_equal(f->k_tunnel_adds, 0);

	/* SCCRQ inside an established tunnel */
	lac_init(&l2, f, 0x0a000041, 1701, 0, 0x41);
	establish(&l2);
	{
		uint8_t buf[256];
		struct l2tp_builder b;

		l2tp_build_init(&b, buf, sizeof(buf), l2.lns_tid, 0, L2TP_SCCRQ);
		l2tp_build_u16(&b, true, AVP_PROTOCOL_VERSION, 0x0100);
		l2tp_build_u32(&b, true, AVP_FRAMING_CAP, 3);
		l2tp_build_avp(&b, true, AVP_HOST_NAME, "lac", 3);
		l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, 0x41);
		lac_send(&l2, &b);
	}
	assert_int_equal(lac_recv(&l2, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_FSM_ERROR, 0);
	assert_int_equal(f->k_tunnels, 0);
	/* an ICCN for a session nobody opened: counted and ignored */
	lac_init(&l, f, 0x0a000042, 1701, 0, 0x42);
	establish(&l);
	lac_iccn(&l, 777);
	assert_int_equal(lac_recv(&l, &m, &h, &p), 0);
	assert_int_equal(f->lns->stats.rx_wrong_state, 3);
}

static void test_sccrq_flood(void **state)
{
	struct lac l;

	(void)state;
	/* 20/s: a burst of 100 SCCRQs from 100 addresses makes 20 tunnels */
	f->cfg.l2tp.sccrq_rate = 20;
	for (int i = 0; i < 100; i++) {
		lac_init(&l, f, 0x0b000000 + (uint32_t)i, 1701, 0, (uint16_t)(1 + i));
		lac_sccrq(&l, NULL, 0, 0x0100);
	}
	assert_int_equal(f->lns->n_tunnels, 20);
	assert_int_equal(f->lns->stats.sccrq_rate_limited, 80);
	/* a second later, 20 more; half-open tunnels stop at max-half-open */
	f->cfg.l2tp.max_half_open = 30;
	fake_advance(f, 1000);
	for (int i = 100; i < 200; i++) {
		lac_init(&l, f, 0x0b000000 + (uint32_t)i, 1701, 0, (uint16_t)(1 + i));
		lac_sccrq(&l, NULL, 0, 0x0100);
	}
	/* the newest displace the oldest that never answered their SCCRP */
	assert_int_equal(f->lns->n_half_open, 30);
	assert_int_equal(l2tp_admit_stats(f->lns->admit)->half_open_displaced, 10);
	assert_int_equal(f->lns->stats.sccrq_refused, 0);
	/* half-open tunnels that never send SCCCN go away on their own, at setup-timeout */
	fake_advance(f, f->cfg.l2tp.setup_timeout_ms + 100);
	assert_int_equal(f->lns->n_tunnels, 0);
	assert_int_equal(f->lns->n_half_open, 0);
}

static void test_duplicate_sccrq(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	lac_init(&l, f, 0x0a000050, 1701, 0, 0x50);
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_SCCRP);
	l.ns = 0;		/* the LAC did not see our SCCRP and resends */
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(f->lns->n_tunnels, 1);
	assert_int_equal(lac_zlbs(&l), 1);
	/* the same tunnel ID from another SA is another tunnel */
	lac_init(&l, f, 0x0a000050, 1701, 7, 0x50);
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(f->lns->n_tunnels, 2);
}

/* The LAC at an IPv6 address and port (lac_init's is IPv4). */
static void lac_at6(struct lac *l, const char *addr, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
	assert_int_equal(sa46_from(&l->peer.addr, &sin6, sizeof(sin6)), 0);
}

/* l's SCCRQ answered: the LNS's tunnel ID for it. */
static uint16_t dial_sccrq(struct lac *l)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_sccrq(l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_SCCRP);
	assert_true(sa46_same(&p.peer.addr, &l->peer.addr));	/* the reply went back there */
	l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	return l->lns_tid;
}

/*
 * The tunnel lookups on an IPv6 peer (union sa46 in struct l2tp_peer): a
 * retransmitted SCCRQ finds its tunnel by address, port and Assigned Tunnel
 * ID; another port, or an IPv4 peer whose address is the IPv6 one's first
 * four octets, is another tunnel; l2tp_lns_tunnel_of finds each by origin.
 */
static void test_duplicate_sccrq_ipv6(void **state)
{
	struct lac l, other, v4;
	struct l2tp_tunnel *t;

	(void)state;
	lac_init(&l, f, 0, 0, 0, 0x51);
	lac_at6(&l, "c000:251::1", 1701);
	dial_sccrq(&l);
	l.ns = 0;		/* the LAC did not see our SCCRP and resends */
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(f->lns->n_tunnels, 1);
	assert_int_equal(lac_zlbs(&l), 1);
	t = l2tp_lns_tunnel_of(f->lns, &l.peer, l.lns_tid);
	assert_non_null(t);
	assert_true(sa46_same(&t->peer.addr, &l.peer.addr));
	/* the same address from another port */
	lac_init(&other, f, 0, 0, 0, 0x51);
	lac_at6(&other, "c000:251::1", 1702);
	assert_null(l2tp_lns_tunnel_of(f->lns, &other.peer, l.lns_tid));
	dial_sccrq(&other);
	assert_int_equal(f->lns->n_tunnels, 2);
	/* IPv4 192.0.2.81 (c0 00 02 51) at the same port */
	lac_init(&v4, f, 0xc0000251, 1701, 0, 0x51);
	assert_null(l2tp_lns_tunnel_of(f->lns, &v4.peer, l.lns_tid));
	dial_sccrq(&v4);
	assert_int_equal(f->lns->n_tunnels, 3);
	assert_ptr_equal(l2tp_lns_tunnel_of(f->lns, &l.peer, l.lns_tid), t);
	assert_ptr_not_equal(l2tp_lns_tunnel_of(f->lns, &other.peer, other.lns_tid), t);
	assert_ptr_not_equal(l2tp_lns_tunnel_of(f->lns, &v4.peer, v4.lns_tid), t);
	assert_null(l2tp_lns_tunnel_of(f->lns, &v4.peer, other.lns_tid));
}

static void test_hello_and_timeout(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.hello_interval_ms = 10000;
	lac_init(&l, f, 0x0a000060, 1701, 0, 0x60);
	establish(&l);
	fake_advance(f, 9000);
	assert_int_equal(lac_zlbs(&l), 1);		/* ack of SCCCN only */
	fake_advance(f, 1100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_HELLO);
	lac_zlb(&l);
	/* the peer vanishes: the next HELLO is never acknowledged */
	fake_advance(f, 10000);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_HELLO);
	assert_int_equal(f->k_tunnels, 1);
	fake_advance(f, 31000);
	assert_int_equal(f->k_tunnels, 0);
	assert_int_equal(f->lns->stats.tunnels_timed_out, 1);
	fake_advance(f, 100);
	assert_int_equal(f->lns->n_tunnels, 0);
}

static void test_wrong_peer(void **state)
{
	struct lac l, evil;

	(void)state;
	lac_init(&l, f, 0x0a000070, 1701, 0x5, 0x70);
	establish(&l);
	/* same address and port, another SA: dropped before the tunnel sees it */
	evil = l;
	evil.peer.mark = 0x6;
	lac_icrq(&evil, 1);
	assert_int_equal(f->lns->stats.rx_wrong_peer, 1);
	assert_int_equal(f->lns->n_sessions, 0);
}

static void test_shutdown(void **state)
{
	struct lac l[2];
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	for (int i = 0; i < 2; i++) {
		lac_init(&l[i], f, 0x0a000080 + (uint32_t)i, 1701, 0, (uint16_t)(0x80 + i));
		establish(&l[i]);
		open_session(&l[i], 1);
	}
	l2tp_lns_shutdown(f->lns);
	assert_int_equal(f->k_tunnels, 0);
	assert_int_equal(f->k_sessions, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(lac_recv(&l[i], &m, &h, &p), L2TP_STOPCCN);
		expect_result(&m, STOPCCN_SHUTDOWN, 0);
	}
	assert_false(l2tp_lns_quiescent(f->lns));
	lac_zlb(&l[0]);
	assert_false(l2tp_lns_quiescent(f->lns));
	lac_zlb(&l[1]);
	assert_true(l2tp_lns_quiescent(f->lns));
	/* new tunnels are refused while shutting down */
	lac_init(&l[0], f, 0x0a000090, 1701, 0, 0x90);
	lac_sccrq(&l[0], NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&l[0], &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_SHUTDOWN, 0);
}

static void test_ppp_frames(void **state)
{
	struct lac l;
	uint16_t lns_sid;
	struct l2tp_session *s;
	uint8_t data[] = { 0x00, 0x02, 0, 0, 0, 0, 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 2, 1, 0, 4 };
	struct fake_pkt *out;

	(void)state;
	lac_init(&l, f, 0x0a0000a0, 1701, 0, 0xa0);
	establish(&l);
	lns_sid = open_session(&l, 0x77);
	data[2] = (uint8_t)(l.lns_tid >> 8);
	data[3] = (uint8_t)l.lns_tid;
	data[4] = (uint8_t)(lns_sid >> 8);
	data[5] = (uint8_t)lns_sid;
	l2tp_lns_input(f->lns, data, sizeof(data), &l.peer);
	assert_int_equal(f->ppp_frames, 1);
	assert_int_equal(f->ppp_last_len, 8);
	/* a data message for the session from elsewhere is dropped */
	l.peer.mark = 99;
	l2tp_lns_input(f->lns, data, sizeof(data), &l.peer);
	assert_int_equal(f->ppp_frames, 1);
	assert_int_equal(f->lns->stats.rx_data_dropped, 1);

	s = l2tp_lns_session(f->lns, l.lns_tid, lns_sid);
	assert_non_null(s);
	assert_int_equal(l2tp_session_send_ppp(s, lcp, sizeof(lcp)), 0);
	out = &f->out[f->n_out - 1];
	assert_int_equal(out->len, 6 + sizeof(lcp));
	assert_int_equal(out->buf[0] & 0x80, 0);			/* T = 0 */
	assert_int_equal(out->buf[2] << 8 | out->buf[3], 0xa0);	/* peer tunnel */
	assert_int_equal(out->buf[4] << 8 | out->buf[5], 0x77);	/* peer session */
	assert_memory_equal(out->buf + 6, lcp, sizeof(lcp));
}

static void test_kernel_refuses(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->kernel_fail = 1;
	lac_init(&l, f, 0x0a0000b0, 1701, 0, 0xb0);
	establish(&l);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	expect_result(&m, STOPCCN_GENERAL_ERROR, L2TP_ERR_RESOURCES);
}

static void test_sessions_cleared_by_hello_timeout(void **state)
{
	struct lac l;

	(void)state;
	f->cfg.l2tp.hello_interval_ms = 5000;
	lac_init(&l, f, 0x0a0000c0, 1701, 0, 0xc0);
	establish(&l);
	open_session(&l, 1);
	open_session(&l, 2);
	assert_int_equal(f->k_sessions, 2);
	/* the LAC goes silent: the HELLO is never acknowledged, all goes */
	fake_advance(f, 5000 + 31000 + 100);
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(f->k_tunnels, 0);
	assert_int_equal(f->ppp_closed, 2);
	assert_int_equal(f->lns->n_tunnels, 0);
}

/* --- the closed API (l2tp_lns.h) that ctl.c, ipsec.c and server.c use ------------- */

/* A client at addr behind SA mark: a tunnel and, when sid, an established call. */
static uint16_t client(struct lac *l, uint32_t addr, uint32_t mark, uint16_t sid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t lns_sid;

	lac_init(l, f, addr, 1701, mark, (uint16_t)addr);
	lac_establish(l);
	if (!sid)
		return 0;
	lac_icrq(l, sid);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_ICRP);
	lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(l, lns_sid);
	return lns_sid;
}

static void test_lookup(void **state)
{
	struct lac a, b;
	uint16_t sid;

	(void)state;
	sid = client(&a, 0x0a000001, 0x5, 7);
	client(&b, 0x0a000002, 0, 0);
	assert_non_null(l2tp_lns_tunnel(f->lns, a.lns_tid));
	assert_int_equal(l2tp_lns_tunnel(f->lns, a.lns_tid)->peer.mark, 0x5);
	assert_non_null(l2tp_lns_tunnel(f->lns, b.lns_tid));
	assert_null(l2tp_lns_tunnel(f->lns, (uint16_t)(a.lns_tid ^ b.lns_tid ^ 1)));
	assert_null(l2tp_lns_tunnel(f->lns, 0));
	assert_non_null(l2tp_lns_session(f->lns, a.lns_tid, sid));
	assert_int_equal(l2tp_lns_session(f->lns, a.lns_tid, sid)->peer_sid, 7);
	/* the session is a's: not found under b's tunnel ID, nor under another ID */
	assert_null(l2tp_lns_session(f->lns, b.lns_tid, sid));
	assert_null(l2tp_lns_session(f->lns, a.lns_tid, (uint16_t)(sid + 1)));
	assert_null(l2tp_lns_session(f->lns, a.lns_tid, 0));
}

static void test_iterate_and_count(void **state)
{
	struct l2tp_tunnel *listed[3] = { NULL };
	struct l2tp_lns_cursor c = { 0 };
	struct l2tp_lns_counts n;
	struct l2tp_session *s;
	struct lac l[3];
	unsigned int tunnels = 0, sessions = 0, seen = 0;

	(void)state;
	client(&l[0], 0x0a000001, 0x5, 7);
	client(&l[1], 0x0a000002, 0x6, 8);
	client(&l[2], 0x0a000003, 0, 0);
	for (struct l2tp_tunnel *t = l2tp_lns_first_tunnel(f->lns); t;
	     t = l2tp_lns_next_tunnel(t)) {
		for (int i = 0; i < 3; i++)
			if (t->tid == l[i].lns_tid)
				seen |= 1u << i;
		if (tunnels < 3)
			listed[tunnels] = t;
		tunnels++;
	}
	/* the sessions, by a walk over them: each in one of the tunnels listed */
	l2tp_lns_cursor_start(f->lns, &c);
	while ((s = l2tp_lns_cursor_next_session(&c))) {
		assert_true(s->tunnel == listed[0] || s->tunnel == listed[1] ||
			    s->tunnel == listed[2]);
		sessions++;
	}
	l2tp_lns_cursor_stop(&c);
	assert_int_equal(tunnels, 3);
	assert_int_equal(seen, 7);
	assert_int_equal(sessions, 2);
	l2tp_lns_counts(f->lns, &n);
	assert_int_equal(n.tunnels, 3);
	assert_int_equal(n.sessions, 2);
	assert_int_equal(n.half_open, 0);
}

struct told {
	unsigned int n;
	uint16_t tid;
};

static void tell(void *ctx, const struct l2tp_tunnel *t)
{
	struct told *c = ctx;

	c->n++;
	c->tid = t->tid;
	assert_int_not_equal(t->state, TUNNEL_CLOSING);
}

/* An SA going away closes its tunnels only, each once; mark 0 (no SA) closes nothing. */
static void test_close_mark(void **state)
{
	struct l2tp_lns_counts n;
	struct told c = { 0 };
	struct lac a, b, plain;

	(void)state;
	client(&a, 0x0a000001, 0x5, 7);
	client(&b, 0x0a000002, 0x6, 8);
	client(&plain, 0x0a000003, 0, 9);
	assert_int_equal(l2tp_lns_close_mark(f->lns, 0x5, true, STOPCCN_GENERAL_ERROR, "SA gone",
					     tell, &c), 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.tid, a.lns_tid);
	assert_int_equal(l2tp_lns_tunnel(f->lns, a.lns_tid)->state, TUNNEL_CLOSING);
	assert_int_not_equal(l2tp_lns_tunnel(f->lns, b.lns_tid)->state, TUNNEL_CLOSING);
	/* its session is gone at once, the others' are not */
	l2tp_lns_counts(f->lns, &n);
	assert_int_equal(n.sessions, 2);
	/* closing again, or the plaintext tunnels by mark 0, is nothing */
	assert_int_equal(l2tp_lns_close_mark(f->lns, 0x5, true, STOPCCN_GENERAL_ERROR, "again",
					     tell, &c), 0);
	assert_int_equal(l2tp_lns_close_mark(f->lns, 0, false, STOPCCN_GENERAL_ERROR, "none",
					     NULL, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_int_not_equal(l2tp_lns_tunnel(f->lns, plain.lns_tid)->state, TUNNEL_CLOSING);
	/* after its linger the closed tunnel is gone, the others stay */
	fake_advance(f, 65000);
	assert_null(l2tp_lns_tunnel(f->lns, a.lns_tid));
	l2tp_lns_counts(f->lns, &n);
	assert_int_equal(n.tunnels, 2);
}

static void send_cdn(struct lac *l, uint16_t lns_sid, uint16_t sid)
{
	uint8_t buf[128];
	struct l2tp_builder b;

	lac_begin(l, &b, buf, sizeof(buf), lns_sid, L2TP_CDN);
	l2tp_build_result(&b, CDN_ADMIN, 0, NULL);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, sid);
	lac_send(l, &b);
}

/*
 * A tunnel cleared without a StopCCN (its SA gone: nothing could reach the
 * peer) answers the peer's next message, which came through a new SA with the
 * same mark, with the StopCCN it owes: once, carrying the close's reason, to
 * the peer and SA the message came from. The peer then redials with the same
 * Assigned Tunnel ID: a new tunnel, the closing one does not take its SCCRQ.
 * A peer that says StopCCN itself gets none back.
 */
static void test_close_mark_late_stopccn(void **state)
{
	const char why[] = "IPsec SA deleted";
	const struct l2tp_avp_val *rc;
	struct lac a, c;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t buf[128];
	struct l2tp_builder b;
	uint16_t lns_sid, old_tid;

	(void)state;
	lns_sid = client(&a, 0x0a000001, 0x5, 7);
	client(&c, 0x0a000002, 0x6, 8);
	assert_int_equal(l2tp_lns_close_mark(f->lns, 0x5, false, STOPCCN_GENERAL_ERROR, why,
					     NULL, NULL), 1);
	assert_int_equal(lac_recv(&a, &m, &h, &p), 0);
	/* the client, unaware, clears its call on the old tunnel through its new SA */
	send_cdn(&a, lns_sid, 7);
	assert_int_equal(lac_recv(&a, &m, &h, &p), L2TP_STOPCCN);
	assert_int_equal(h.tunnel_id, a.tid);
	assert_int_equal(p.peer.mark, 0x5);
	assert_int_equal(l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID), a.lns_tid);
	expect_result(&m, STOPCCN_GENERAL_ERROR, 0);
	rc = &m.avp[AVP_RESULT_CODE];
	assert_int_equal(rc->len, 4 + strlen(why));
	assert_memory_equal(rc->p + 4, why, strlen(why));
	assert_int_equal(f->lns->stats.late_stopccn, 1);
	/* once: whatever it sends next is only acknowledged */
	lac_begin(&a, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	lac_send(&a, &b);
	send_cdn(&a, lns_sid, 7);
	assert_int_equal(lac_recv(&a, &m, &h, &p), 0);
	assert_int_equal(f->lns->stats.late_stopccn, 1);
	/* it redials with the same Assigned Tunnel ID: a new tunnel */
	old_tid = a.lns_tid;
	a.ns = a.nr = 0;
	lac_establish(&a);
	assert_int_not_equal(a.lns_tid, old_tid);
	assert_int_equal(l2tp_lns_tunnel(f->lns, a.lns_tid)->state, TUNNEL_ESTABLISHED);
	assert_int_equal(l2tp_lns_tunnel(f->lns, old_tid)->state, TUNNEL_CLOSING);

	/* the other client's SA goes too, and it says StopCCN first: a ZLB, no StopCCN */
	assert_int_equal(l2tp_lns_close_mark(f->lns, 0x6, false, STOPCCN_GENERAL_ERROR, why,
					     NULL, NULL), 1);
	lac_begin(&c, &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, c.tid);
	l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
	lac_send(&c, &b);
	fake_advance(f, 300);
	assert_int_equal(lac_recv(&c, &m, &h, &p), 0);
	send_cdn(&c, 1, 8);
	assert_int_equal(lac_recv(&c, &m, &h, &p), 0);
	assert_int_equal(f->lns->stats.late_stopccn, 1);
	/* both old tunnels go after their linger, the new one stays */
	fake_advance(f, 65000);
	assert_null(l2tp_lns_tunnel(f->lns, old_tid));
	assert_null(l2tp_lns_tunnel(f->lns, c.lns_tid));
	assert_non_null(l2tp_lns_tunnel(f->lns, a.lns_tid));
}

/*
 * The TUN data path (datapath.h) programs its switch as the kernel's programs
 * the module: the LNS's tunnels and sessions come up carried by it
 * (in_kernel), its sockets are numbered 1..., as the switch names them,
 * nothing can go away, and a session's addresses go to the switch, which
 * knows no other session; the kernel's is another implementation of the same
 * interface.
 */
static struct datapath *test_dp;

static int dp_tunnel_add(void *env, struct l2tp_tunnel *t)
{
	struct kern_tunnel kt = {
		.tid = t->tid, .peer_tid = t->peer_tid, .sock_id = 1, .peer = t->peer.addr,
	};

	(void)env;
	return datapath_tunnel_add(test_dp, &kt, &t->dp_handle);
}

static int dp_session_add(void *env, struct l2tp_session *s)
{
	(void)env;
	return datapath_session_add(test_dp, datapath_tref(s->tunnel->dp_handle, s->tunnel->tid),
				    s->sid, s->peer_sid);
}

static const struct l2tp_lns_ops dp_ops = {
	.send = fake_send,
	.tunnel_add = dp_tunnel_add,
	.tunnel_del = fake_tunnel_del,
	.session_add = dp_session_add,
	.session_del = fake_session_del,
	.random = fake_random,
};

static void test_datapath_tun_programs_its_switch(void **state)
{
	static char no_kern;
	struct l2tp_session *s;
	struct l2tp_tunnel *t;
	struct datapath *k;
	uint32_t id = 7;
	struct lac l;
	uint16_t sid;

	(void)state;
	test_dp = datapath_tun(f->loop, NULL, 4, 4);
	assert_non_null(test_dp);
	assert_string_equal(datapath_name(test_dp), "tun");
	l2tp_lns_free(f->lns);
	f->lns = l2tp_lns_new(f->loop, &f->cfg.l2tp, &dp_ops, f);
	l2tp_lns_set_session_ops(f->lns, &fake_sops, f);
	sid = client(&l, 0x0a000001, 0x5, 7);
	t = l2tp_lns_tunnel(f->lns, l.lns_tid);
	s = l2tp_lns_session(f->lns, l.lns_tid, sid);
	assert_non_null(t);
	assert_non_null(s);
	assert_int_equal(t->state, TUNNEL_ESTABLISHED);
	assert_int_equal(s->state, SESSION_ESTABLISHED);
	assert_true(t->in_kernel);
	assert_true(s->in_kernel);
	assert_int_not_equal(t->dp_handle, 0);
	assert_int_equal(f->ppp_up, 1);
	/* no socket to hand over (numbered), nothing that can go away, the switch's addresses */
	assert_int_equal(datapath_sock_add(test_dp, -1, true, &id), DATAPATH_NOTHING);
	assert_int_equal(id, 1);
	assert_int_equal(datapath_watch_fd(test_dp), -1);
	assert_int_equal(datapath_session_up(test_dp, datapath_tref(t->dp_handle, t->tid), s->sid,
					     NULL, NULL, NULL), 0);
	assert_int_equal(datapath_session_up(test_dp, datapath_tref(t->dp_handle, t->tid),
					     (uint16_t)(s->sid + 1), NULL, NULL, NULL), -1);
	datapath_free(test_dp);
	k = datapath_kernel(f->loop, (struct kern *)&no_kern, NULL);
	assert_non_null(k);
	assert_string_equal(datapath_name(k), "kernel");
	datapath_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_tunnel_and_session_lifecycle),
		T(test_lookup),
		T(test_iterate_and_count),
		T(test_close_mark),
		T(test_close_mark_late_stopccn),
		T(test_datapath_tun_programs_its_switch),
		T(test_challenge_right),
		T(test_challenge_wrong),
		T(test_challenge_missing),
		T(test_peer_challenge_without_secret),
		T(test_secret_shared_and_reload),
		T(test_secret_refs),
		T(test_bad_version),
		T(test_tunnel_limit),
		T(test_session_limits),
		T(test_unknown_avps),
		T(test_wrong_state),
		T(test_sccrq_flood),
		T(test_duplicate_sccrq),
		T(test_duplicate_sccrq_ipv6),
		T(test_hello_and_timeout),
		T(test_wrong_peer),
		T(test_shutdown),
		T(test_ppp_frames),
		T(test_kernel_refuses),
		T(test_sessions_cleared_by_hello_timeout),
#undef T
	};

	return cmocka_run_group_tests_name("l2tp_fsm", tests, NULL, NULL);
}
