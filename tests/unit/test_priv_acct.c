// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting records that survive the engine (priv/priv_acct.h): an engine's
 * accounting (aaa_acct.c on a real event loop, against the loopback server of
 * acct_srv.h) whose records the parent (checker, signer and store, in this
 * process, every message through its wire form) keeps until it verifies an
 * answer. The engine dies with a Stop unanswered through an outage: the next
 * engine sends it, with a larger Acct-Delay-Time, and not the Start the server
 * had answered. The store's bounds drop the oldest record (an Interim-Update
 * first) and count it; what a hostile engine could send is refused, counted.
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
#include <cmocka.h>

#include "aaa.h"
#include "acct_srv.h"
#include "conf/users.h"
#include "engine/engine_priv.h"
#include "priv/priv_acct.h"
#include "priv/priv_check.h"
#include "priv/priv_radius.h"
#include "priv_req.h"

#define MARK	7
#define TID	3
#define SID	6
#define SID2	8

struct fx {
	struct evloop *loop;
	struct acct_srv s;
	struct l2sec_config cfg;
	struct users_db *users;
	/* the parent */
	struct priv_check *c;
	struct priv_radius *r;
	struct priv_acct *pa;
	uint32_t seq, handle;
	struct priv_msg reply;
	/* the engine */
	struct aaa *a;
	struct radius_signer sg[2];
};

static struct fx *fx;

static uint64_t now_ms(void)
{
	return evloop_now(fx->loop);
}

static enum priv_reason req(struct priv_msg *m)
{
	return priv_test_req(fx->c, &fx->seq, now_ms(), m, &fx->reply);
}

/* --- the engine's signer and keeper, through the parent's checker ------------------------ */

static int e_sign(void *ctx, unsigned int server, uint64_t tag, struct radius_pkt *p)
{
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_SIGN };

	(void)ctx;
	m.rsign.link = PRIV_RADIUS_ACCT;
	m.rsign.server = (uint8_t)server;
	m.rsign.keep = (uint32_t)tag;
	m.rsign.pkt.len = (uint16_t)p->len;
	memcpy(m.rsign.pkt.buf, p->buf, p->len);
	if (req(&m) != PRIV_OK)
		return -EPERM;
	memcpy(p->buf, fx->reply.reply.radius.buf, fx->reply.reply.radius.len);
	p->len = fx->reply.reply.radius.len;
	return 0;
}

static enum radius_err e_verify(void *ctx, unsigned int server, const struct radius_msg *a,
				uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_VERIFY };

	(void)ctx;
	m.rverify.link = PRIV_RADIUS_ACCT;
	m.rverify.server = (uint8_t)server;
	m.rverify.req_code = req_code;
	memcpy(m.rverify.req_auth, req_auth, RADIUS_AUTH_LEN);
	m.rverify.pkt.len = (uint16_t)a->len;
	memcpy(m.rverify.pkt.buf, a->buf, a->len);
	if (req(&m) != PRIV_OK)
		return RADIUS_ERR_AUTHENTICATOR;
	return (enum radius_err)fx->reply.reply.radius_err;
}

static enum priv_reason keep_pkt(uint32_t handle, uint16_t tid, uint16_t sid,
				 const struct radius_pkt *p)
{
	struct priv_msg m = { .type = PRIV_REQ_ACCT_KEEP };

	m.acct_keep.handle = handle;
	m.acct_keep.tid = tid;
	m.acct_keep.sid = sid;
	m.acct_keep.pkt.len = (uint16_t)p->len;
	memcpy(m.acct_keep.pkt.buf, p->buf, p->len);
	return req(&m);
}

static uint32_t e_keep(void *ctx, uint64_t tag, const struct radius_pkt *p)
{
	(void)ctx;
	if (keep_pkt((uint32_t)(tag >> 32), (uint16_t)(tag >> 16), (uint16_t)tag, p) != PRIV_OK)
		return 0;
	return fx->reply.reply.handle;
}

/* A new engine's accounting (resumed: after a death, no Accounting-On). */
static void engine_start(bool resumed)
{
	struct aaa_opts o = { .signers = fx->sg, .resumed = resumed, .acct_keep = e_keep };

	fx->sg[0] = (struct radius_signer){ .sign = e_sign, .verify = e_verify };
	fx->sg[1] = fx->sg[0];
	fx->a = aaa_new_opts(fx->loop, &fx->cfg, &o);
	assert_non_null(fx->a);
	assert_true(aaa_acct_enabled(fx->a));
}

static int requeue_one(void *ctx, uint32_t id, uint64_t first_ms, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	assert_int_equal(aaa_acct_requeue(fx->a, id, first_ms, pkt, len), 0);
	return 0;
}

/* The engine dies (nothing answered, nothing said), and privsep.c's hand-over to the next. */
static void engine_dies_and_restarts(void)
{
	aaa_free(fx->a);
	priv_radius_engine_gone(fx->r);
	priv_acct_handed_back(fx->pa);
	engine_start(true);
	priv_acct_each(fx->pa, requeue_one, NULL);
}

static void run(unsigned int ms, unsigned int n)
{
	acct_srv_run(&fx->s, ms, n);
}

static int64_t stat_of(const char *key)
{
	struct json_object *o = json_object_new_object(), *r, *g, *v;
	int64_t n;

	aaa_describe(fx->a, o);
	assert_true(json_object_object_get_ex(o, "radius", &r));
	assert_true(json_object_object_get_ex(r, "accounting", &g));
	assert_true(json_object_object_get_ex(g, key, &v));
	n = json_object_get_int64(v);
	json_object_put(o);
	return n;
}

/* --- the parent's side ------------------------------------------------------------------- */

static void session_add(uint16_t sid, bool authenticate)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD };

	m.session_add = (struct priv_session_add){ fx->handle, TID, sid, (uint16_t)(sid + 50) };
	assert_int_equal(req(&m), PRIV_OK);
	if (!authenticate)
		return;
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_AUTH_PAP;
	m.pap.who.handle = fx->handle;
	m.pap.who.tid = TID;
	m.pap.who.sid = sid;
	m.pap.who.name.len = 3;
	memcpy(m.pap.who.name.s, "bob", 4);
	m.pap.pw_len = 6;
	memcpy(m.pap.pw, "s3cret", 6);
	assert_int_equal(req(&m), PRIV_OK);
	assert_true(fx->reply.reply.auth_ok);
}

static void parent_new(unsigned int records, unsigned int bindings)
{
	struct priv_addr peer = { .family = 4 };
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	fx->c = priv_check_new(&fx->cfg, fx->users);
	assert_non_null(fx->c);
	fx->r = priv_radius_new(acct_srv_secret.data, acct_srv_secret.len, 0, 1);
	assert_non_null(fx->r);
	fx->pa = priv_acct_new(records, bindings);
	assert_non_null(fx->pa);
	priv_check_set_radius(fx->c, fx->r);
	priv_check_set_acct(fx->c, fx->pa);
	priv_radius_set_acct(fx->r, fx->pa);
	inet_pton(AF_INET, "198.51.100.7", &peer.v4);
	assert_int_equal(priv_check_sock_add(fx->c, 1, 4), 0);
	assert_int_equal(priv_check_sa_up(fx->c, MARK, &peer), 0);
	m.tunnel_add = (struct priv_tunnel_add){ .tid = TID, .peer_tid = 9, .sock_id = 1,
						 .peer = peer, .peer_port = 1701,
						 .require_ipsec = true, .mark = MARK };
	assert_int_equal(req(&m), PRIV_OK);
	fx->handle = fx->reply.reply.handle;
	session_add(SID, true);
}

static int setup_with(unsigned int records, unsigned int bindings)
{
	static const char users[] = "bob password s3cret\n";
	struct config_radius *r;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->loop = evloop_new(NULL, NULL);
	assert_non_null(fx->loop);
	acct_srv_open(&fx->s, fx->loop);
	config_defaults(&fx->cfg);
	inet_pton(AF_INET, "10.9.0.1", &fx->cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.3", &fx->cfg.pool[0].last);
	fx->cfg.n_pool = 1;
	r = &fx->cfg.radius;
	snprintf(r->acct_servers, sizeof(r->acct_servers), "127.0.0.1:%u", fx->s.port);
	snprintf(r->nas_ip, sizeof(r->nas_ip), "192.0.2.1");
	snprintf(fx->cfg.l2tp.hostname, sizeof(fx->cfg.l2tp.hostname), "gw1");
	r->timeout_ms = 300;
	r->retries = 0;
	r->dead_time_ms = 0;
	r->queue = 16;
	r->peer_queue = 2;
	r->acct_queue = 64;
	r->acct_interim_ms = 0;
	r->auth_source = CONFIG_AUTH_USERS;	/* accounting alone */
	fx->users = users_parse(users, sizeof(users) - 1, NULL, NULL);
	assert_non_null(fx->users);
	parent_new(records, bindings);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_with(64, 16);
}

static int teardown(void **state)
{
	(void)state;
	aaa_free(fx->a);
	priv_check_free(fx->c);
	priv_radius_free(fx->r);
	priv_acct_free(fx->pa);
	users_free(fx->users);
	acct_srv_close(&fx->s);
	evloop_free(fx->loop);
	free(fx);
	return 0;
}

static struct aaa_acct *start(uint16_t sid)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_acct_info info = {
		.user = "bob", .peer = &peer, .nas_port = (uint32_t)TID << 16 | sid,
		.framed_ip = { inet_addr("10.9.0.2") },
		.tag = engine_priv_radius_tag(fx->handle, TID, sid),
	};

	return aaa_acct_start(fx->a, &info);
}

static const struct priv_acct_stats *kept(void)
{
	return priv_acct_stats(fx->pa);
}

/*
 * A Stop queued through an outage survives the engine: the next engine sends
 * it, its Acct-Delay-Time counted from the Stop's event (larger than the first
 * try's), with the dead engine's Acct-Session-Id; the Start, which the server
 * had answered, is not sent again. Once its answer verifies, nothing is kept.
 */
static void test_survives_restart(void **state)
{
	struct aaa_acct *s;
	char id_start[32], id_stop[32];
	unsigned int i;

	(void)state;
	engine_start(false);
	s = start(SID);
	assert_non_null(s);
	run(2000, 2);				/* Accounting-On (not kept), the Start */
	run(50, 0);				/* its answer */
	assert_int_equal(fx->s.got, 2);
	assert_int_equal(acct_u32(&fx->s, 1, RADIUS_ACCT_STATUS_TYPE), 1);
	acct_str(&fx->s, 1, RADIUS_ACCT_SESSION_ID, id_start, sizeof(id_start));
	assert_int_equal(kept()->keeps, 1);
	assert_int_equal(kept()->answered, 1);
	assert_int_equal(kept()->kept, 0);

	fx->s.silent = true;			/* the outage */
	aaa_acct_stop(fx->a, s, &(struct aaa_counters){ .in_octets = 77 }, AAA_TC_USER_REQUEST);
	run(600, 0);				/* sent once, unanswered */
	assert_int_equal(fx->s.got, 3);
	assert_int_equal(acct_u32(&fx->s, 2, RADIUS_ACCT_STATUS_TYPE), 2);
	assert_int_equal(acct_u32(&fx->s, 2, RADIUS_ACCT_DELAY_TIME), 0);
	assert_int_equal(kept()->kept, 1);

	engine_dies_and_restarts();		/* within the outage */
	assert_int_equal(kept()->resent, 1);
	assert_int_equal(stat_of("requeued"), 1);
	assert_int_equal(stat_of("queued"), 1);
	run(1100, 0);				/* the server still away: its try unanswered */
	fx->s.silent = false;
	run(3000, fx->s.got + 1);
	run(50, 0);
	/* every request since the Stop's first: the Stop again, no Start, no On */
	assert_true(fx->s.got >= 4);
	for (i = 3; i < fx->s.got; i++) {
		assert_int_equal(acct_u32(&fx->s, i, RADIUS_ACCT_STATUS_TYPE), 2);
		assert_int_equal(acct_u32(&fx->s, i, RADIUS_ACCT_INPUT_OCTETS), 77);
		acct_str(&fx->s, i, RADIUS_ACCT_SESSION_ID, id_stop, sizeof(id_stop));
		assert_string_equal(id_stop, id_start);
	}
	assert_true(acct_u32(&fx->s, fx->s.got - 1, RADIUS_ACCT_DELAY_TIME) >= 1);
	assert_true(aaa_acct_idle(fx->a));
	assert_int_equal(kept()->kept, 0);
	assert_int_equal(kept()->answered, 2);
	assert_int_equal(kept()->sessions, 0);	/* its Stop answered: the binding went */
	assert_true(stat_of("resent") >= 1);

	/* a restart now hands nothing over: nothing is sent */
	i = fx->s.got;
	engine_dies_and_restarts();
	run(300, 0);
	assert_int_equal(fx->s.got, i);
	assert_int_equal(stat_of("requeued"), 0);
}

/* An Accounting-Request as aaa_acct.c builds a session's record. */
static void record(struct radius_pkt *p, uint32_t status, const char *id)
{
	radius_pkt_init(p, RADIUS_ACCOUNTING_REQUEST, 0);
	assert_int_equal(radius_put_u32(p, RADIUS_ACCT_STATUS_TYPE, status), 0);
	assert_int_equal(radius_put_u32(p, RADIUS_ACCT_DELAY_TIME, 0), 0);
	assert_int_equal(radius_put_str(p, RADIUS_ACCT_SESSION_ID, id), 0);
	assert_int_equal(radius_put_str(p, RADIUS_USER_NAME, "bob"), 0);
}

static enum priv_reason keep(uint16_t sid, uint32_t status, const char *id)
{
	struct radius_pkt p;

	record(&p, status, id);
	return keep_pkt(fx->handle, TID, sid, &p);
}

static bool store_has(uint32_t status, const char *id);

/*
 * The store's bounds: four records in all (the oldest Interim-Update goes
 * first, then the oldest record), PRIV_ACCT_PER_SESSION of one session (its
 * own oldest Interim-Update goes), two sessions bound (a third Start waits
 * until a binding keeps no record): each drop counted.
 */
static void test_bounds(void **state)
{
	unsigned int i;

	(void)state;
	teardown(state);
	setup_with(4, 2);
	session_add(SID2, true);
	assert_int_equal(keep(SID, 1, "a"), PRIV_OK);
	assert_int_equal(keep(SID, 3, "a"), PRIV_OK);
	assert_int_equal(keep(SID2, 1, "b"), PRIV_OK);
	assert_int_equal(keep(SID2, 3, "b"), PRIV_OK);
	assert_int_equal(kept()->kept, 4);
	assert_int_equal(keep(SID, 2, "a"), PRIV_OK);	/* a's Interim goes */
	assert_int_equal(kept()->dropped, 1);
	assert_false(store_has(3, "a"));
	assert_true(store_has(3, "b"));
	assert_int_equal(keep(SID2, 2, "b"), PRIV_OK);	/* b's Interim goes */
	assert_int_equal(keep(SID2, 3, "b"), PRIV_R_SESSION_UNKNOWN);	/* after its Stop */
	assert_int_equal(kept()->dropped, 2);
	assert_false(store_has(3, "b"));
	assert_int_equal(kept()->kept, 4);		/* Start a, Start b, Stop a, Stop b */
	assert_true(store_has(1, "a"));
	assert_true(store_has(2, "b"));
	assert_int_equal(kept()->sessions, 2);

	/* a third session: the bindings are full of records */
	session_add(9, true);
	assert_int_equal(keep(9, 1, "c"), PRIV_R_LIMIT);
	assert_int_equal(kept()->refused, 2);
	/* once a's records are answered its binding goes, and c's Start takes its place */
	for (i = 0; i < 2; i++)
		priv_acct_answered(fx->pa, i == 0 ? 1 : 5);	/* Start a, Stop a */
	assert_int_equal(kept()->answered, 2);
	assert_int_equal(kept()->sessions, 1);
	assert_int_equal(keep(9, 1, "c"), PRIV_OK);
	assert_int_equal(keep(9, 1, "c2"), PRIV_R_NOT_AUTHED);	/* one Start a session */

	/* one session's share: its oldest Interim-Update goes, its Start stays */
	teardown(state);
	setup_with(64, 4);
	assert_int_equal(keep(SID, 1, "a"), PRIV_OK);
	for (i = 0; i < PRIV_ACCT_PER_SESSION + 2; i++)
		assert_int_equal(keep(SID, 3, "a"), PRIV_OK);
	assert_int_equal(kept()->kept, PRIV_ACCT_PER_SESSION);
	assert_int_equal(kept()->dropped, 3);
	assert_true(store_has(1, "a"));
	assert_int_equal(keep(SID, 2, "a"), PRIV_OK);
	assert_int_equal(kept()->kept, PRIV_ACCT_PER_SESSION);
	assert_int_equal(kept()->dropped, 4);
	assert_true(store_has(2, "a"));
}

struct find {
	uint32_t status;
	const char *id;
	bool found;
};

static int find_one(void *ctx, uint32_t id, uint64_t first_ms, const uint8_t *pkt, size_t len)
{
	struct find *f = ctx;
	const struct radius_avp *a;
	struct radius_msg m;

	(void)id;
	(void)first_ms;
	assert_int_equal(radius_decode(&m, pkt, len), RADIUS_OK);
	a = radius_find(&m, RADIUS_ACCT_STATUS_TYPE, NULL);
	if (radius_value(&m, a)[3] != f->status)
		return 0;
	a = radius_find(&m, RADIUS_ACCT_SESSION_ID, NULL);
	f->found |= a->len == strlen(f->id) && !memcmp(radius_value(&m, a), f->id, a->len);
	return 0;
}

static bool store_has(uint32_t status, const char *id)
{
	struct find f = { status, id, false };

	priv_acct_each(fx->pa, find_one, &f);
	return f.found;
}

/*
 * What a hostile engine could send: a record of a session the parent did not
 * authenticate or does not know, a second Start, an Interim or Stop whose id
 * no Start of that session bound, Accounting-On, a password, a packet that
 * does not decode, two ids; a try of a kept record that is another packet; an
 * ACCT_KEEP naming no session, a kept record on the auth link (the decoder); a
 * flood of records (the rate, the store's bound).
 */
static void test_hostile(void **state)
{
	struct priv_msg m = { .type = PRIV_REQ_ACCT_KEEP };
	uint8_t buf[PRIV_MSG_MAX];
	struct radius_pkt p;
	uint64_t refused;
	uint32_t id;
	int n;

	(void)state;
	session_add(SID2, false);
	assert_int_equal(keep(SID2, 1, "x"), PRIV_R_NOT_AUTHED);	/* not authenticated */
	assert_int_equal(keep(77, 1, "x"), PRIV_R_NOT_AUTHED);		/* unknown */
	assert_int_equal(keep(SID, 3, "x"), PRIV_R_SESSION_UNKNOWN);	/* no Start bound x */
	assert_int_equal(keep(SID, 2, "x"), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(keep(SID, 1, "a"), PRIV_OK);
	id = fx->reply.reply.handle;
	assert_int_equal(keep(SID, 1, "a"), PRIV_R_NOT_AUTHED);	/* a second Start */
	assert_int_equal(keep(SID2, 3, "a"), PRIV_R_SESSION_UNKNOWN);	/* another session's id */
	assert_int_equal(keep(SID, 7, "a"), PRIV_R_RADIUS);		/* Accounting-On */
	assert_int_equal(keep(SID, 9, "a"), PRIV_R_RADIUS);
	record(&p, 3, "a");
	assert_int_equal(radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "a"), 0);
	assert_int_equal(keep_pkt(fx->handle, TID, SID, &p), PRIV_R_RADIUS);	/* two ids */
	record(&p, 3, "a");
	assert_int_equal(radius_put_password(&p, "pw", 2), 0);
	assert_int_equal(keep_pkt(fx->handle, TID, SID, &p), PRIV_R_RADIUS);
	record(&p, 3, "a");
	p.buf[0] = RADIUS_ACCESS_REQUEST;
	assert_int_equal(keep_pkt(fx->handle, TID, SID, &p), PRIV_R_RADIUS);
	record(&p, 3, "a");
	p.buf[p.len - 4] = 200;				/* an attribute's length past the end */
	assert_int_equal(keep_pkt(fx->handle, TID, SID, &p), PRIV_R_RADIUS);
	refused = kept()->refused;
	assert_int_equal(refused, 12);
	assert_int_equal(kept()->kept, 1);

	/* a try of record id must be it: another Acct-Session-Id is refused, signed never */
	record(&p, 1, "b");
	m.type = PRIV_REQ_RADIUS_SIGN;
	m.rsign.link = PRIV_RADIUS_ACCT;
	m.rsign.keep = id;
	m.rsign.pkt.len = (uint16_t)p.len;
	memcpy(m.rsign.pkt.buf, p.buf, p.len);
	assert_int_equal(req(&m), PRIV_R_RADIUS);
	record(&p, 1, "a");
	p.buf[1] = 42;					/* its Identifier and delay may differ */
	assert_int_equal(radius_set_u32(&p, RADIUS_ACCT_DELAY_TIME, 9), 0);
	memcpy(m.rsign.pkt.buf, p.buf, p.len);
	assert_int_equal(req(&m), PRIV_OK);

	/* the decoder: ACCT_KEEP names a session; a kept record is the acct link's */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_ACCT_KEEP;
	m.acct_keep.pkt.len = (uint16_t)p.len;
	memcpy(m.acct_keep.pkt.buf, p.buf, p.len);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_RADIUS_SIGN;
	m.rsign.link = PRIV_RADIUS_AUTH;
	m.rsign.keep = 1;
	m.rsign.pkt.len = (uint16_t)p.len;
	memcpy(m.rsign.pkt.buf, p.buf, p.len);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.rsign.link = PRIV_RADIUS_ACCT;
	n = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &fx->reply), PRIV_OK);
	buf[PRIV_HDR_LEN] = PRIV_RADIUS_AUTH;		/* the link */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &fx->reply), PRIV_R_FIELD);
	/* the checker counted each refusal by its reason */
	assert_int_equal(priv_check_stats(fx->c)->refused[PRIV_R_RADIUS], 7);
	assert_int_equal(priv_check_stats(fx->c)->refused[PRIV_R_SESSION_UNKNOWN], 3);
	assert_int_equal(priv_check_stats(fx->c)->refused[PRIV_R_NOT_AUTHED], 3);

	/* a flood: PRIV_ACCT_KEEP_BURST at once, then refused (the rate), the store bounded */
	for (n = 0; n < 2 * PRIV_ACCT_KEEP_BURST && keep(SID, 3, "a") == PRIV_OK; n++)
		;
	assert_true(n >= PRIV_ACCT_KEEP_BURST - 20 && n < 2 * PRIV_ACCT_KEEP_BURST);
	assert_int_equal(fx->reply.reply.reason, PRIV_R_RATE);
	assert_int_equal(kept()->kept, PRIV_ACCT_PER_SESSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	return cmocka_run_group_tests_name("priv_acct", tests, NULL, NULL);
}
