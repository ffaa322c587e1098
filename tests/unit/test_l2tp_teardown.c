// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown discipline (issue 14): closing a session or a tunnel from inside
 * a call chain that still uses it must not free it there. Each trigger of a
 * session close is driven with the tunnel's control queue full (the peer
 * never advances Nr: an ICRQ, then 63 ICRQs with a duplicate Assigned
 * Session ID, each refused by a CDN that stays queued), so the CDN cannot be
 * queued and the tunnel has to close as well. Run under ASan, the old code
 * used the freed session here. What is asserted is what the peer and the
 * operator see: no crash, the session and the tunnel out of the kernel, the
 * tunnel gone after its linger, and a new tunnel from the same client.
 *
 * PPP going down is driven through the daemon's real PPP layer (sess.c): a
 * client that fails PAP authentication and acknowledges our LCP
 * Terminate-Request.
 *
 * Also: a redial with the same address, port, SA and Assigned Tunnel ID while
 * the old tunnel lingers gets a new tunnel and its SCCRP at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl.h"
#include "l2tp_fake.h"
#include "core/log.h"
#include "datapath/datapath.h"
#include "ppp/ppp.h"
#include "sess.h"
#include "conf/users.h"
#include "core/util.h"

static struct fake *f;
static int close_in_hook;	/* 1: in established(), 2: in ppp_input() */

static const uint8_t vendor_avp_m[] = { 0x80, 0x08, 0x01, 0x37, 0x00, 0x01, 0, 0 };

/* A PPP layer that gives up inside the hooks, as sess.c does (sess_end). */
static void closing_established(void *arg, struct l2tp_session *s)
{
	fake_ppp_established(arg, s);
	if (close_in_hook == 1)
		l2tp_session_close(s, CDN_NO_RESOURCES_TEMP, 0, "out of memory");
}

static void closing_ppp_input(void *arg, struct l2tp_session *s, uint8_t *frame,
			      size_t len)
{
	fake_ppp_input(arg, s, frame, len);
	if (close_in_hook == 2)
		l2tp_session_close(s, CDN_GENERAL_ERROR, 0, "PPP: authentication failed");
}

static const struct l2tp_session_ops closing_sops = {
	.established = closing_established,
	.ppp_input = closing_ppp_input,
	.closed = fake_ppp_closed,
};

static int setup(void **state)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
	f = fake_new(NULL);
	l2tp_lns_set_session_ops(f->lns, &closing_sops, f);
	close_in_hook = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_free(f);
	return 0;
}

static void establish(struct lac *l)
{
	lac_establish(l);
	assert_int_equal(f->k_tunnels, 1);
}

/* ICRQ, the ICRP read but never acknowledged: the LNS's session ID. */
static uint16_t icrq_unacked(struct lac *l, uint16_t sid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t nr = l->nr;

	lac_icrq(l, sid);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_ICRP);
	l->nr = nr;
	return l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
}

/* A client at addr with a tunnel and one call (peer session 7) whose ICRP it never acks. */
static uint16_t unacked_call(struct lac *l, uint32_t addr)
{
	lac_init(l, f, addr, 1701, 0, (uint16_t)addr);
	establish(l);
	return icrq_unacked(l, 7);
}

/* 63 ICRQs reusing sid: 63 CDNs queue behind the ICRP; the queue is full. */
static void fill_queue(struct lac *l, uint16_t sid)
{
	struct l2tp_tunnel *t = l2tp_lns_tunnel(f->lns, l->lns_tid);

	for (int i = 0; i < L2TP_CTRL_MAX_QUEUE - 1; i++)
		lac_icrq(l, sid);
	assert_int_equal(t->ctrl.n_queued, L2TP_CTRL_MAX_QUEUE);
	assert_int_equal(f->lns->stats.sessions_refused, L2TP_CTRL_MAX_QUEUE - 1);
}

/* After the trigger: nothing of the tunnel left once it lingered; the client redials. */
static void expect_all_gone(struct lac *l)
{
	struct lac l2;

	fake_advance(f, 1);
	assert_int_equal(f->lns->n_sessions, 0);
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(f->k_tunnels, 0);
	fake_advance(f, 65000);
	assert_int_equal(f->lns->n_tunnels, 0);
	assert_int_equal(f->lns->n_half_open, 0);
	lac_init(&l2, f, 0x0a000099, 1701, 0, 0x99);
	establish(&l2);
	(void)l;
}

static void test_queue_full_unknown_avp(void **state)
{
	struct lac l;
	uint8_t buf[128];
	struct l2tp_builder b;
	uint16_t lns_sid;

	(void)state;
	lns_sid = unacked_call(&l, 0x0a000010);
	fill_queue(&l, 7);
	/* a session message with an unknown mandatory AVP: CDN 2/8, which cannot queue */
	lac_begin(&l, &b, buf, sizeof(buf), lns_sid, L2TP_WEN);
	memcpy(b.buf + b.len, vendor_avp_m, sizeof(vendor_avp_m));
	b.len += sizeof(vendor_avp_m);
	lac_send(&l, &b);
	assert_int_equal(f->lns->n_sessions, 0);
	expect_all_gone(&l);
}

static void test_queue_full_kernel_refuses_session(void **state)
{
	struct lac l;
	uint16_t lns_sid;

	(void)state;
	lns_sid = unacked_call(&l, 0x0a000011);
	fill_queue(&l, 7);
	f->kernel_fail = 1;
	lac_iccn(&l, lns_sid);
	assert_int_equal(f->ppp_up, 0);
	f->kernel_fail = 0;
	expect_all_gone(&l);
}

static void test_queue_full_ppp_out_of_memory(void **state)
{
	struct lac l;
	uint16_t lns_sid;

	(void)state;
	close_in_hook = 1;
	lns_sid = unacked_call(&l, 0x0a000012);
	fill_queue(&l, 7);
	lac_iccn(&l, lns_sid);
	assert_int_equal(f->ppp_up, 1);
	expect_all_gone(&l);
}

static void test_queue_full_ppp_down(void **state)
{
	struct lac l;
	uint16_t lns_sid;
	uint8_t frame[6 + 8];

	(void)state;
	lns_sid = unacked_call(&l, 0x0a000013);
	lac_iccn(&l, lns_sid);
	assert_int_equal(f->ppp_up, 1);
	fill_queue(&l, 7);
	/* a PAP request that fails: the PPP layer hangs up from ppp_input() */
	close_in_hook = 2;
	put_be16(frame, L2TP_VERSION);
	put_be16(frame + 2, l.lns_tid);
	put_be16(frame + 4, lns_sid);
	memcpy(frame + 6, "\xff\x03\xc0\x23\x01\x01\x00\x04", 8);
	l2tp_lns_input(f->lns, frame, sizeof(frame), &l.peer);
	assert_int_equal(f->ppp_frames, 1);
	assert_int_equal(f->ppp_closed, 1);
	expect_all_gone(&l);
}

static void test_queue_full_ctl_session_del(void **state)
{
	struct lac l;
	uint16_t lns_sid;
	char line[64];
	struct json_object *res;

	(void)state;
	lns_sid = unacked_call(&l, 0x0a000014);
	lac_iccn(&l, lns_sid);
	fill_queue(&l, 7);
	snprintf(line, sizeof(line), "del session %u %u", l.lns_tid, lns_sid);
	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, line);
	assert_non_null(res);
	json_object_put(res);
	assert_int_equal(f->ppp_closed, 1);
	expect_all_gone(&l);
}

/* Closed sessions are out of every lookup at once, freed after the callback. */
static void test_close_twice_is_harmless(void **state)
{
	struct lac l;
	struct l2tp_session *s;
	uint16_t lns_sid;

	(void)state;
	lns_sid = unacked_call(&l, 0x0a000015);
	lac_iccn(&l, lns_sid);
	s = l2tp_lns_session(f->lns, l.lns_tid, lns_sid);
	assert_non_null(s);
	l2tp_session_close(s, CDN_ADMIN, 0, "first");
	assert_null(l2tp_lns_session(f->lns, l.lns_tid, lns_sid));
	assert_int_equal(f->lns->n_sessions, 0);
	/* the memory is still there until the loop runs: a second close is a no-op */
	l2tp_session_close(s, CDN_ADMIN, 0, "second");
	l2tp_session_drop(s);
	assert_int_equal(f->ppp_closed, 1);
	assert_int_equal(f->k_sessions, 0);
	fake_advance(f, 1);
}

/* A redial while the old tunnel lingers: a new tunnel, its SCCRP at once. */
static void redial(bool we_closed)
{
	struct lac l, again;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint8_t buf[128];
	struct l2tp_builder b;
	uint16_t old_tid;

	lac_init(&l, f, 0x0a000020, 1701, 0x5, 0x20);
	establish(&l);
	fake_advance(f, 300);
	old_tid = l.lns_tid;
	if (we_closed) {
		l2tp_tunnel_close(l2tp_lns_tunnel(f->lns, old_tid), true, STOPCCN_CLEAR, 0, "test");
		assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
		lac_zlb(&l);
	} else {
		lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
		l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, l.tid);
		l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
		lac_send(&l, &b);
	}
	assert_int_equal(l2tp_lns_tunnel(f->lns, old_tid)->state, TUNNEL_CLOSING);
	fake_advance(f, 1000);
	/* same address, port, SA mark and Assigned Tunnel ID, a fresh Ns */
	lac_init(&again, f, 0x0a000020, 1701, 0x5, 0x20);
	establish(&again);
	assert_int_not_equal(again.lns_tid, old_tid);
	assert_int_equal(l2tp_lns_tunnel(f->lns, again.lns_tid)->state, TUNNEL_ESTABLISHED);
	assert_int_equal(f->lns->stats.tunnels_established, 2);
	/* the old one still lingers, on its own */
	assert_int_equal(l2tp_lns_tunnel(f->lns, old_tid)->state, TUNNEL_CLOSING);
	assert_int_equal(f->lns->n_tunnels, 2);
}

static void test_redial_after_peer_stopccn(void **state)
{
	(void)state;
	redial(false);
}

static void test_redial_after_our_stopccn(void **state)
{
	(void)state;
	redial(true);
}

/* --- the real PPP layer (sess.c): failed authentication ------------------------- */

/* The last PPP frame of this protocol and code the LNS sent to l: its id. */
static int last_ppp(struct lac *l, uint16_t proto, uint8_t code, const uint8_t **opts,
		    size_t *olen)
{
	int id = -1;

	for (unsigned int i = 0; i < l->f->n_out; i++) {
		const struct fake_pkt *p = &l->f->out[i];
		const uint8_t *fr = p->buf + 6;
		size_t n = p->len - 6;

		if (p->len < 6 + 8 || (p->buf[0] & 0x80) || !l2tp_peer_match(&p->peer, &l->peer))
			continue;
		if (fr[0] == 0xff && fr[1] == 0x03) {
			fr += 2;
			n -= 2;
		}
		if (n < 6 || get_be16(fr) != proto || fr[2] != code || get_be16(fr + 4) > n - 2)
			continue;
		id = fr[3];
		if (opts) {
			*opts = fr + 6;
			*olen = get_be16(fr + 4) - 4;
		}
	}
	return id;
}

/* A PPP frame from the client: proto, code, id, data. */
static void lac_ppp(struct lac *l, uint16_t sid, uint16_t proto, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len)
{
	uint8_t frame[6 + 8 + 64];

	assert_true(len <= 64);
	put_be16(frame, L2TP_VERSION);
	put_be16(frame + 2, l->lns_tid);
	put_be16(frame + 4, sid);
	frame[6] = 0xff;
	frame[7] = 0x03;
	put_be16(frame + 8, proto);
	frame[10] = code;
	frame[11] = id;
	put_be16(frame + 12, (uint16_t)(len + 4));
	if (len)
		memcpy(frame + 14, data, len);
	l2tp_lns_input(l->f->lns, frame, 14 + len, &l->peer);
}

static void test_queue_full_real_ppp_auth_failure(void **state)
{
	static const char users_text[] = "lac password right-pw\n";
	static const uint8_t pap_wrong[] = { 3, 'l', 'a', 'c', 5, 'w', 'r', 'o', 'n', 'g' };
	struct users_db *users = users_parse(users_text, sizeof(users_text) - 1, NULL, NULL);
	/* never used: authentication fails before IPCP, the only user of the module */
	static int no_kern;
	struct datapath *dp;
	struct sessions *ss;
	struct lac l;
	const uint8_t *opts;
	size_t olen;
	uint16_t lns_sid;
	int id;

	(void)state;
	assert_non_null(users);
	f->cfg.ppp_auth = PPP_AUTH_PAP;
	f->cfg.auth_tries = 1;
	f->cfg.auth_fail_delay_ms = 0;
	dp = datapath_kernel(f->loop, (struct kern *)&no_kern, NULL);
	assert_non_null(dp);
	ss = sessions_new(f->loop, &f->cfg, users, dp, NULL);
	assert_non_null(ss);
	l2tp_lns_set_session_ops(f->lns, &sessions_l2tp_ops, ss);
	lns_sid = unacked_call(&l, 0x0a000016);
	lac_iccn(&l, lns_sid);
	/* LCP: our Configure-Request acknowledged, the client's (no options) acked by us */
	id = last_ppp(&l, 0xc021, 1, &opts, &olen);
	assert_true(id >= 0);
	lac_ppp(&l, lns_sid, 0xc021, 1, 1, NULL, 0);
	lac_ppp(&l, lns_sid, 0xc021, 2, (uint8_t)id, opts, olen);
	fill_queue(&l, 7);
	/* a wrong password: PAP Nak, LCP Terminate-Request; its Ack ends PPP */
	lac_ppp(&l, lns_sid, 0xc023, 1, 1, pap_wrong, sizeof(pap_wrong));
	assert_true(last_ppp(&l, 0xc023, 3, NULL, NULL) >= 0);
	id = last_ppp(&l, 0xc021, 5, NULL, NULL);
	assert_true(id >= 0);
	lac_ppp(&l, lns_sid, 0xc021, 6, (uint8_t)id, NULL, 0);
	assert_int_equal(sessions_stats(ss)->auth_failures, 1);
	expect_all_gone(&l);
	sessions_free(ss);
	datapath_free(dp);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_queue_full_unknown_avp),
		T(test_queue_full_kernel_refuses_session),
		T(test_queue_full_ppp_out_of_memory),
		T(test_queue_full_ppp_down),
		T(test_queue_full_ctl_session_del),
		T(test_queue_full_real_ppp_auth_failure),
		T(test_close_twice_is_harmless),
		T(test_redial_after_peer_stopccn),
		T(test_redial_after_our_stopccn),
#undef T
	};

	/* one case by name, to see each trigger fail on its own under ASan */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("l2tp_teardown", tests, NULL, NULL);
}
