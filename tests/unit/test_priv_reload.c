// SPDX-License-Identifier: GPL-2.0
/*
 * A reload under privsep with tunnels up (docs/ARCHITECTURE.md, "Two
 * processes": a reload): when the parent may replace its engine
 * (priv_reload.h: one replacement at a time, at most one a second, SIGHUPs
 * meanwhile coalesced into one), the checker carried over to the new
 * configuration (priv_check_reload: every tunnel and session kept with its
 * addresses, static when the new pools do not hold them; a session whose
 * user left the users file kept, as one process keeps it; the new limits and
 * users for what comes next), and the resume store carried to it
 * (priv_state_reload: the same records, the running engine's numbering).
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
#include "priv/priv_reload.h"
#include "priv/priv_state.h"
#include "priv_fx.h"

#define MARK	7
#define PEER	"198.51.100.7"

/* ---- when a replacement may run ------------------------------------------------------ */

/* A hundred SIGHUPs during a replacement: one reload after it, once the second is over. */
static void test_coalesce(void **state)
{
	struct priv_reload r = { 0 };
	uint64_t wait;

	(void)state;
	assert_true(priv_reload_request(&r, 1000, &wait));
	priv_reload_begin(&r, 1000);
	for (uint64_t t = 1000; t < 1100; t++) {
		assert_false(priv_reload_request(&r, t, &wait));
		assert_true(wait == UINT64_MAX);	/* until the replacement ends */
	}
	assert_int_equal(r.coalesced, 99);
	assert_false(priv_reload_due(&r, 1150, &wait));	/* still replacing */
	/* the new engine forked 200 ms on: the pending reload is due 1 s after the last began */
	assert_true(priv_reload_end(&r, 1200, &wait));
	assert_int_equal(wait, 800);
	assert_int_equal(r.reloads, 1);
	assert_false(priv_reload_due(&r, 1500, &wait));
	assert_int_equal(wait, 500);
	assert_true(priv_reload_due(&r, 2000, &wait));
	assert_false(r.pending);
	priv_reload_begin(&r, 2000);
	assert_false(priv_reload_end(&r, 2050, &wait));	/* nothing pending */
	/* a SIGHUP soon after: waits for the second to pass; a second one joins it */
	assert_false(priv_reload_request(&r, 2500, &wait));
	assert_int_equal(wait, 500);
	assert_false(priv_reload_request(&r, 2600, &wait));
	assert_int_equal(wait, 400);
	assert_true(priv_reload_due(&r, 3000, &wait));
	assert_false(priv_reload_due(&r, 3001, &wait));	/* done: nothing pending */
	/* later ones, with no replacement near: at once */
	priv_reload_begin(&r, 3000);
	assert_false(priv_reload_end(&r, 3100, &wait));
	assert_true(priv_reload_request(&r, 4000, &wait));
	/* an end without a replacement (none began) is no replacement */
	assert_false(priv_reload_end(&r, 4001, &wait));
	assert_int_equal(r.reloads, 3);
}

/* The bound: a SIGHUP every millisecond for 10 s, replacements of 50 ms: 10 engines. */
static void test_bound(void **state)
{
	struct priv_reload r = { 0 };
	unsigned int forks = 0;
	uint64_t wait, timer = UINT64_MAX, end = UINT64_MAX;

	(void)state;
	for (uint64_t t = 0; t < 10000; t++) {
		if (t == end) {
			end = UINT64_MAX;
			forks++;
			if (priv_reload_end(&r, t, &wait))
				timer = t + wait;
		}
		if (t == timer) {
			timer = UINT64_MAX;
			if (priv_reload_due(&r, t, &wait)) {
				priv_reload_begin(&r, t);
				end = t + 50;
			} else if (r.pending && wait != UINT64_MAX) {
				timer = t + wait;
			}
		}
		if (priv_reload_request(&r, t, &wait)) {
			priv_reload_begin(&r, t);
			end = t + 50;
		} else if (wait != UINT64_MAX && timer == UINT64_MAX) {
			timer = t + wait;
		}
	}
	assert_int_equal(forks, 10);
	assert_true(r.pending);		/* the last SIGHUPs' reload still to come */
}

/* ---- the checker and the store carried over ------------------------------------------ */

static const char users1[] =
	"User   password clientPass\n"
	"bob    password s3cret 10.8.0.10\n"
	"carol  password c4rol\n";
/* carol deleted, dave added */
static const char users2[] =
	"User   password clientPass\n"
	"bob    password s3cret 10.8.0.10\n"
	"dave   password d4ve\n";

struct fx {
	struct l2sec_config cfg;
	struct users_db *users, *users2;
	struct priv_check *c, *old;
	struct priv_state *st, *old_st;
	uint32_t seq, st_seq, handle;
	struct priv_reply out;
	unsigned int handed;
	struct priv_state_msg back[16];
};

static struct fx *fx;

static enum priv_reason req(struct priv_msg *m)
{
	m->seq = ++fx->seq;
	return priv_check_request(fx->c, m, 1000 + fx->seq * 1000, &fx->out);
}

static enum priv_reason tunnel_add(uint16_t tid)
{
	struct priv_msg m = priv_fx_tunnel_add(tid, 99, PEER, MARK);
	enum priv_reason why;

	why = req(&m);
	if (why == PRIV_OK)
		fx->handle = fx->out.handle;
	return why;
}

static enum priv_reason session_add(uint16_t sid)
{
	struct priv_msg m = priv_fx_session_add(fx->handle, 1, sid, (uint16_t)(sid + 100));

	return req(&m);
}

static enum priv_reason ids_req(uint8_t type, uint16_t sid)
{
	struct priv_msg m = { .type = type };

	m.ids = (struct priv_ids){ fx->handle, 1, sid };
	return req(&m);
}

/* PAP for session sid: whether the parent said yes. */
static bool pap(uint16_t sid, const char *user, const char *pw)
{
	struct priv_msg m = priv_fx_pap(fx->handle, 1, sid, user, pw);

	assert_int_equal(req(&m), PRIV_OK);
	return fx->out.auth_ok;
}

static enum priv_reason claim(uint16_t sid, struct priv_addr a)
{
	struct priv_msg m = priv_fx_addr(PRIV_REQ_ADDR_CLAIM, fx->handle, 1, sid, a);

	return req(&m);
}

static const char *claimed(char *buf)
{
	return priv_fx_claimed(&fx->out, buf);
}

static enum priv_reason session_up(uint16_t sid, const char *v4, const char *pfx6)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_UP };

	m.up = (struct priv_session_up){ .handle = fx->handle, .tid = 1, .sid = sid,
					 .has_v4 = v4 != NULL, .has_v6 = pfx6 != NULL, .ifid = 1 };
	if (v4)
		m.up.v4 = a4(v4).v4;
	if (pfx6)
		m.up.pfx64 = a6(pfx6).v6;
	return req(&m);
}

static int setup(void **state)
{
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	priv_fx_config(&fx->cfg, "10.9.0.1", "10.9.0.3");
	fx->cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &fx->cfg.ipv6_prefix);
	fx->cfg.ipv6_prefix_len = 62;
	fx->cfg.l2tp.max_tunnels = 4;
	fx->cfg.l2tp.max_sessions = 8;
	fx->users2 = users_parse(users2, sizeof(users2) - 1, NULL, NULL);
	assert_non_null(fx->users2);
	fx->c = priv_fx_checker(&fx->cfg, users1, &fx->users, MARK, PEER);
	fx->st = priv_state_new(4, 8, fx->c);
	assert_non_null(fx->st);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	priv_state_free(fx->st);
	priv_state_free(fx->old_st);
	priv_check_free(fx->c);
	priv_check_free(fx->old);
	users_free(fx->users);
	users_free(fx->users2);
	free(fx);
	return 0;
}

/*
 * Tunnel 1 with carol on 10.9.0.1 and 2001:db8:100:1::/64, bob on his
 * static 10.8.0.10, User on 10.9.0.2; session 14 still negotiating.
 */
static void three_sessions(void)
{
	char s[INET6_ADDRSTRLEN];

	assert_int_equal(tunnel_add(1), PRIV_OK);
	assert_int_equal(session_add(11), PRIV_OK);
	assert_true(pap(11, "carol", "c4rol"));
	assert_int_equal(claim(11, a4("0.0.0.0")), PRIV_OK);
	assert_string_equal(claimed(s), "10.9.0.1");
	assert_int_equal(claim(11, a6("::")), PRIV_OK);
	assert_string_equal(claimed(s), "2001:db8:100:1::");
	assert_int_equal(session_add(12), PRIV_OK);
	assert_true(pap(12, "bob", "s3cret"));
	assert_int_equal(claim(12, a4("0.0.0.0")), PRIV_OK);
	assert_string_equal(claimed(s), "10.8.0.10");
	assert_int_equal(session_add(13), PRIV_OK);
	assert_true(pap(13, "User", "clientPass"));
	assert_int_equal(claim(13, a4("0.0.0.0")), PRIV_OK);
	assert_string_equal(claimed(s), "10.9.0.2");
	assert_int_equal(session_add(14), PRIV_OK);
}

/*
 * The new configuration: the pool 10.9.0.2-10.9.0.9 (carol's 10.9.0.1 is
 * outside it now), no IPv6 (her /64 outside every pool), one tunnel and four
 * sessions at most, carol gone from the users file and dave in it.
 */
static void reload(void)
{
	struct l2sec_config cfg = fx->cfg;

	inet_pton(AF_INET, "10.9.0.2", &cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.9", &cfg.pool[0].last);
	cfg.ipv6 = false;
	cfg.l2tp.max_tunnels = 1;
	cfg.l2tp.max_sessions = 4;
	fx->old = fx->c;
	fx->c = priv_check_reload(fx->old, &cfg, fx->users2);
	assert_non_null(fx->c);
}

static void test_checker_carried(void **state)
{
	struct priv_check_session cs;
	struct priv_pool_stats ps;
	char s[INET6_ADDRSTRLEN];
	uint32_t h;

	(void)state;
	three_sessions();
	reload();
	h = fx->handle;
	/* the old checker is as it was (a reload that fails later keeps it) */
	priv_check_pool_counts(fx->old, &ps);
	assert_int_equal(ps.v4_size, 3);
	assert_int_equal(ps.v4_used, 2);
	assert_int_equal(ps.v6_used, 1);
	/* the new one: every tunnel and session, by the same handle */
	assert_int_equal(priv_check_tunnels(fx->c), 1);
	assert_true(priv_check_session_get(fx->c, h, 1, 11, &cs));
	assert_true(cs.authed && cs.has4 && cs.has6);	/* carol's: her user is gone, she stays */
	assert_string_equal(inet_ntop(AF_INET, &cs.v4, s, sizeof(s)), "10.9.0.1");
	assert_true(priv_check_session_get(fx->c, h, 1, 12, &cs));
	assert_string_equal(inet_ntop(AF_INET, &cs.v4, s, sizeof(s)), "10.8.0.10");
	assert_true(priv_check_session_get(fx->c, h, 1, 14, &cs));
	assert_false(cs.authed);
	/* the new pool holds User's 10.9.0.2 only; there is no /64 pool now */
	priv_check_pool_counts(fx->c, &ps);
	assert_int_equal(ps.v4_size, 8);
	assert_int_equal(ps.v4_used, 1);
	assert_int_equal(ps.v6_size, 0);
	{
		struct priv_addr p6 = a6("2001:db8:100:1::"), c4 = a4("10.9.0.1"),
				 free4 = a4("10.9.0.3");

		assert_true(priv_check_holds_addr(fx->c, &p6));
		assert_true(priv_check_holds_addr(fx->c, &c4));
		assert_false(priv_check_holds_addr(fx->c, &free4));
	}
	/* the running engine's requests go on in their numbering, for what the sessions hold */
	assert_int_equal(session_up(11, "10.9.0.1", "2001:db8:100:1::"), PRIV_OK);
	assert_int_equal(session_up(13, "10.9.0.2", NULL), PRIV_OK);
	assert_int_equal(session_up(13, "10.9.0.1", NULL), PRIV_R_ADDR_NOT_HELD);
	assert_true(pap(14, "carol", "c4rol") == false);	/* not in the users file now */
	/* the new limits: live ones stay, new ones wait for room */
	assert_int_equal(tunnel_add(2), PRIV_R_LIMIT);
	fx->handle = h;
	assert_int_equal(session_add(15), PRIV_R_LIMIT);
	assert_int_equal(ids_req(PRIV_REQ_SESSION_DEL, 12), PRIV_OK);
	assert_int_equal(session_add(15), PRIV_OK);
	assert_true(pap(15, "dave", "d4ve"));		/* the new user */
	assert_int_equal(claim(15, a4("0.0.0.0")), PRIV_OK);
	assert_string_equal(claimed(s), "10.9.0.3");
	/* carol's address outside the new pool is static: not given back to any pool */
	assert_int_equal(ids_req(PRIV_REQ_SESSION_DEL, 11), PRIV_OK);
	priv_check_pool_counts(fx->c, &ps);
	assert_int_equal(ps.v4_used, 2);
	assert_int_equal(claim(15, a4("10.9.0.1")), PRIV_R_ADDR_HELD);	/* one per session */
	assert_int_equal(ids_req(PRIV_REQ_SESSION_DEL, 13), PRIV_OK);
	priv_check_pool_counts(fx->c, &ps);
	assert_int_equal(ps.v4_used, 1);		/* User's went back to the new pool */
	assert_int_equal(session_add(16), PRIV_OK);
	assert_true(pap(16, "dave", "d4ve"));
	assert_int_equal(claim(16, a4("10.9.0.1")), PRIV_R_NOT_IN_POOL);
	/* the old checker saw none of it */
	assert_int_equal(priv_check_stats(fx->old)->accepted[PRIV_REQ_SESSION_DEL], 0);
	assert_int_equal(priv_check_stats(fx->c)->accepted[PRIV_REQ_SESSION_DEL], 3);
	/* the carried tunnel is on its SA's chain: the SA going takes it */
	priv_check_sa_gone(fx->c, MARK, NULL, NULL);
	assert_int_equal(priv_check_tunnels(fx->c), 0);
	assert_int_equal(priv_check_tunnels(fx->old), 1);
}

static void send_rec(struct priv_state *st, struct priv_state_msg m, enum priv_reason want)
{
	uint8_t buf[PRIV_MSG_MAX];
	int len;

	m.seq = ++fx->st_seq;
	len = priv_state_encode(&m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(priv_state_datagram(st, buf, (size_t)len), want);
}

static struct priv_state_msg tunnel_rec(void)
{
	struct priv_state_msg m = { .type = PRIV_ST_TUNNEL, .handle = fx->handle };
	struct l2tp_tunnel_rec *r = &m.tunnel;

	r->seq = (struct l2tp_seq_rec){ 1, 5, 9, false };
	r->peer_tid = 99;
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
	strcpy(r->peer_host, "laptop");
	return m;
}

static struct priv_state_msg session_rec(uint16_t sid)
{
	struct priv_state_msg m = { .type = PRIV_ST_SESSION, .handle = fx->handle };

	m.session = (struct l2tp_session_rec){ .tid = 1, .sid = sid,
					       .peer_sid = (uint16_t)(sid + 100),
					       .in_kernel = true, .framing_type = 1 };
	return m;
}

static struct priv_state_msg ppp_rec(uint16_t sid, const char *user, const char *v4)
{
	struct priv_state_msg m = { .type = PRIV_ST_PPP, .handle = fx->handle };
	struct ppp_rec *p = &m.ppp.ppp;

	m.ppp.tid = 1;
	m.ppp.sid = sid;
	p->req_mru = p->req_magic = true;
	p->mru = p->peer_mru = 1400;
	p->magic = 0xdeadbeef;
	p->peer_magic = 0x11223344;
	p->auth = PPP_AUTH_PAP;
	strcpy(p->user, user);
	p->ipcp_open = true;
	inet_pton(AF_INET, "10.9.0.254", &p->local4);
	p->peer4 = a4(v4).v4;
	return m;
}

static int collect(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	assert_true(fx->handed < ARRAY_SIZE(fx->back));
	assert_int_equal(priv_state_decode(buf, len, &fx->back[fx->handed]), PRIV_OK);
	fx->handed++;
	return 0;
}

/* The store's records after the reload: what a new engine resumes, in the new checker's terms. */
static void test_store_carried(void **state)
{
	const struct priv_state_msg *b = fx->back;
	unsigned int tunnels, sessions;

	(void)state;
	three_sessions();
	send_rec(fx->st, tunnel_rec(), PRIV_OK);
	send_rec(fx->st, session_rec(11), PRIV_OK);
	send_rec(fx->st, ppp_rec(11, "carol", "10.9.0.1"), PRIV_OK);
	send_rec(fx->st, session_rec(13), PRIV_OK);
	send_rec(fx->st, ppp_rec(13, "User", "10.9.0.2"), PRIV_OK);
	send_rec(fx->st, session_rec(12), PRIV_OK);	/* bob still negotiating PPP */
	reload();
	fx->old_st = fx->st;
	/* sized for the new limits or what it holds: 1 tunnel, 3 sessions */
	fx->st = priv_state_reload(fx->old_st, 1, 2, fx->c);
	assert_non_null(fx->st);
	priv_state_counts(fx->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 3);
	/* the running engine's next record follows its last, in the new store */
	send_rec(fx->st, (struct priv_state_msg){ .type = PRIV_ST_SEQ, .handle = fx->handle,
						  .seq_rec = { 1, 6, 10, true } }, PRIV_OK);
	assert_int_equal(priv_state_stats(fx->st)->refused[PRIV_R_SEQ], 0);
	/* carol's session (her user deleted, her address outside the new pool) is resumed */
	assert_true(priv_state_has(fx->st, fx->handle, 11));
	/* a route lost: the PPP record goes, the call stays for the new engine to clear */
	priv_state_forget_ppp(fx->st, fx->handle, 13);
	assert_true(priv_state_has(fx->st, fx->handle, 13));
	assert_true(priv_state_hand_back(fx->st, collect, NULL) > 0);
	assert_int_equal(fx->handed, 6);	/* tunnel, 3 sessions, carol's PPP, END */
	assert_int_equal(b[0].type, PRIV_ST_TUNNEL);
	assert_int_equal(b[0].handle, fx->handle);
	assert_int_equal(b[0].tunnel.seq.ns, 6);	/* the SEQ record after the reload */
	assert_int_equal(b[0].tunnel.seq.nr, 10);
	assert_int_equal(b[5].type, PRIV_ST_END);
	assert_int_equal(b[5].end.n_sessions, 3);
	assert_int_equal(b[5].end.n_ppp, 1);
	for (unsigned int i = 1; i < 5; i++)
		if (b[i].type == PRIV_ST_PPP) {
			assert_int_equal(b[i].ppp.sid, 11);
			assert_string_equal(b[i].ppp.ppp.user, "carol");
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coalesce),
		cmocka_unit_test(test_bound),
		cmocka_unit_test_setup_teardown(test_checker_carried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_carried, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
