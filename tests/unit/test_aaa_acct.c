// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS accounting in l2secd (daemon/aaa_acct.c) on a real event loop
 * against an accounting server played on loopback with radius_sign.h, which
 * verifies every request as a server would: Accounting-On at start, a
 * session's Start, Interim-Update and Stop with what they must carry (the
 * 64-bit counters split into Gigawords, the Class echoed, the cause), an
 * outage survived with Acct-Delay-Time counting from the event, the bounded
 * queue dropping Interim-Updates first, and Accounting-Off.
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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "aaa.h"
#include "acct_srv.h"

struct fx {
	struct evloop *loop;
	struct l2sec_config cfg;
	struct aaa *a;
	struct acct_srv s;
};

static struct fx *fx;

static void run(unsigned int ms, unsigned int n)
{
	acct_srv_run(&fx->s, ms, n);
}

static int setup_with(unsigned int queue, unsigned int timeout_ms)
{
	struct config_radius *r;

	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->loop = evloop_new(NULL, NULL);
	assert_non_null(fx->loop);
	acct_srv_open(&fx->s, fx->loop);
	r = &fx->cfg.radius;
	snprintf(r->acct_servers, sizeof(r->acct_servers), "127.0.0.1:%u", fx->s.port);
	snprintf(r->secret, sizeof(r->secret), "s3cret");
	snprintf(r->nas_ip, sizeof(r->nas_ip), "192.0.2.1");
	snprintf(fx->cfg.l2tp.hostname, sizeof(fx->cfg.l2tp.hostname), "gw1");
	r->timeout_ms = timeout_ms;
	r->retries = 0;
	r->dead_time_ms = 0;
	r->queue = 16;
	r->peer_queue = 2;
	r->acct_queue = queue;
	r->acct_interim_ms = 0;
	r->auth_source = CONFIG_AUTH_USERS;	/* accounting alone */
	assert_true(aaa_configured(&fx->cfg));
	return 0;
}

static int setup(void **state)
{
	(void)state;
	setup_with(64, 300);
	fx->a = aaa_new(fx->loop, &fx->cfg);
	assert_non_null(fx->a);
	assert_true(aaa_acct_enabled(fx->a));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	aaa_free(fx->a);
	acct_srv_close(&fx->s);
	evloop_free(fx->loop);
	free(fx);
	return 0;
}

static uint32_t u32_of(unsigned int i, uint8_t type)
{
	return acct_u32(&fx->s, i, type);
}

static bool has(unsigned int i, uint8_t type)
{
	return acct_has(&fx->s, i, type);
}

static void assert_attr(unsigned int i, uint8_t type, const void *v, size_t len)
{
	acct_value(&fx->s, i, type, v, len);
}

static void str_attr(unsigned int i, uint8_t type, char *out, size_t cap)
{
	acct_str(&fx->s, i, type, out, cap);
}

static struct aaa_acct *start(const char *user, const union sa46 *peer,
			      uint32_t interim_s)
{
	struct aaa_acct_info info = {
		.user = user, .peer = peer, .nas_port = 0x10002,
		.framed_ip = { inet_addr("10.9.0.5") }, .class = (const uint8_t *)"gold\x01",
		.class_len = 5, .interim_s = interim_s,
	};

	return aaa_acct_start(fx->a, &info);
}

static const char *state_of(const struct aaa_acct *s)
{
	static char buf[32];
	struct json_object *o = json_object_new_object(), *v;

	aaa_acct_describe(s, o);
	assert_true(json_object_object_get_ex(o, "acct_state", &v));
	snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
	json_object_put(o);
	return buf;
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

/*
 * Accounting-On at start; a session's Start, Interim-Update and Stop, each
 * verified by the server, with its Acct-Session-Id, the client's address and
 * port, the Class echoed, and the 64-bit counters in Gigawords; Off at the end.
 */
static void test_records(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_counters c = {
		.in_octets = 5ull * 4294967296ull + 1000, .out_octets = 123456,
		.in_packets = 4000001, .out_packets = 3000,
	};
	char id[32], id2[32], on_id[32];
	struct aaa_acct *s;

	(void)state;
	run(2000, 1);
	assert_int_equal(fx->s.got, 1);
	assert_int_equal(u32_of(0, RADIUS_ACCT_STATUS_TYPE), 7);	/* Accounting-On */
	assert_attr(0, RADIUS_NAS_IDENTIFIER, "gw1", 3);
	assert_attr(0, RADIUS_NAS_IP_ADDRESS, "\xc0\x00\x02\x01", 4);
	str_attr(0, RADIUS_ACCT_SESSION_ID, on_id, sizeof(on_id));

	s = start("alice", &peer, 0);
	assert_non_null(s);
	assert_string_equal(state_of(s), "starting");
	assert_int_equal(aaa_acct_interval_ms(s), 0);	/* none configured or from the server */
	run(2000, 2);
	assert_int_equal(fx->s.got, 2);
	run(50, 0);			/* its answer */
	assert_string_equal(state_of(s), "started");
	assert_int_equal(u32_of(1, RADIUS_ACCT_STATUS_TYPE), 1);	/* Start */
	assert_int_equal(u32_of(1, RADIUS_ACCT_DELAY_TIME), 0);
	assert_attr(1, RADIUS_USER_NAME, "alice", 5);
	assert_attr(1, RADIUS_CALLING_STATION_ID, "198.51.100.7:4500", 17);
	assert_attr(1, RADIUS_FRAMED_IP_ADDRESS, "\x0a\x09\x00\x05", 4);
	assert_attr(1, RADIUS_CLASS, "gold\x01", 5);
	assert_attr(1, RADIUS_NAS_PORT, "\x00\x01\x00\x02", 4);
	assert_int_equal(u32_of(1, RADIUS_ACCT_AUTHENTIC), 1);
	assert_false(has(1, RADIUS_ACCT_INPUT_OCTETS));	/* a Start has no counters */
	str_attr(1, RADIUS_ACCT_SESSION_ID, id, sizeof(id));
	assert_int_equal(strlen(id), 17);		/* "PREFIX-COUNTER" */
	assert_memory_equal(id, on_id, 8);		/* the run's prefix */

	aaa_acct_interim(fx->a, s, &c);
	run(2000, 3);
	assert_int_equal(u32_of(2, RADIUS_ACCT_STATUS_TYPE), 3);	/* Interim-Update */
	str_attr(2, RADIUS_ACCT_SESSION_ID, id2, sizeof(id2));
	assert_string_equal(id, id2);
	assert_int_equal(u32_of(2, RADIUS_ACCT_INPUT_OCTETS), 1000);
	assert_int_equal(u32_of(2, RADIUS_ACCT_INPUT_GIGAWORDS), 5);
	assert_int_equal(u32_of(2, RADIUS_ACCT_OUTPUT_OCTETS), 123456);
	assert_int_equal(u32_of(2, RADIUS_ACCT_OUTPUT_GIGAWORDS), 0);
	assert_int_equal(u32_of(2, RADIUS_ACCT_INPUT_PACKETS), 4000001);
	assert_int_equal(u32_of(2, RADIUS_ACCT_OUTPUT_PACKETS), 3000);
	assert_true(has(2, RADIUS_ACCT_SESSION_TIME));

	/* the Stop: the session's object is the caller's no more; its record still goes */
	c.in_octets += 4294967296ull;
	aaa_acct_stop(fx->a, s, &c, AAA_TC_LOST_CARRIER);
	run(2000, 4);
	assert_int_equal(u32_of(3, RADIUS_ACCT_STATUS_TYPE), 2);	/* Stop */
	assert_int_equal(u32_of(3, RADIUS_ACCT_TERMINATE_CAUSE), 2);	/* Lost-Carrier */
	assert_int_equal(u32_of(3, RADIUS_ACCT_INPUT_GIGAWORDS), 6);
	assert_attr(3, RADIUS_USER_NAME, "alice", 5);
	assert_attr(3, RADIUS_CLASS, "gold\x01", 5);
	str_attr(3, RADIUS_ACCT_SESSION_ID, id2, sizeof(id2));
	assert_string_equal(id, id2);
	run(50, 0);
	assert_true(aaa_acct_idle(fx->a));

	/* the next session has its own Acct-Session-Id */
	s = start("bob", &peer, 0);
	run(2000, 5);
	str_attr(4, RADIUS_ACCT_SESSION_ID, id2, sizeof(id2));
	assert_string_not_equal(id, id2);
	aaa_acct_stop(fx->a, s, &c, AAA_TC_USER_REQUEST);
	aaa_acct_off(fx->a);
	run(2000, 7);
	assert_int_equal(u32_of(5, RADIUS_ACCT_TERMINATE_CAUSE), 1);	/* User-Request */
	assert_int_equal(u32_of(6, RADIUS_ACCT_STATUS_TYPE), 8);	/* Accounting-Off */
	run(50, 0);
	assert_true(aaa_acct_idle(fx->a));
	assert_int_equal(fx->s.bad, 0);
	assert_int_equal(stat_of("answered"), 7);
	assert_int_equal(stat_of("starts"), 2);
	assert_int_equal(stat_of("stops"), 2);
	assert_int_equal(stat_of("queued"), 0);
}

/*
 * privsep: a new engine takes a session over with the Acct-Session-Id its
 * Start had; no second Start, the Interim-Update and the Stop carry that id
 * and the session time from the Start's time.
 */
static void test_resume(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_acct_info info = {
		.user = "alice", .peer = &peer, .nas_port = 0x10002,
		.class = (const uint8_t *)"gold", .class_len = 4,
		.start_ms = 1,		/* long before: the session time counts from it */
	};
	struct aaa_counters c = { .in_octets = 10 };
	struct aaa_acct *s;
	char id[32];

	(void)state;
	run(2000, 1);			/* Accounting-On (a first engine's) */
	run(50, 0);
	s = aaa_acct_resume(fx->a, &info, "0badcafe-00000007");
	assert_non_null(s);
	assert_string_equal(aaa_acct_id(s), "0badcafe-00000007");
	assert_string_equal(state_of(s), "started");
	run(300, 0);
	assert_int_equal(fx->s.got, 1);		/* no Start */
	aaa_acct_interim(fx->a, s, &c);
	aaa_acct_stop(fx->a, s, &c, AAA_TC_USER_REQUEST);
	run(2000, 3);
	assert_int_equal(u32_of(1, RADIUS_ACCT_STATUS_TYPE), 3);	/* Interim-Update */
	assert_int_equal(u32_of(2, RADIUS_ACCT_STATUS_TYPE), 2);	/* Stop */
	str_attr(2, RADIUS_ACCT_SESSION_ID, id, sizeof(id));
	assert_string_equal(id, "0badcafe-00000007");
	assert_attr(2, RADIUS_CLASS, "gold", 4);
	assert_true(u32_of(2, RADIUS_ACCT_SESSION_TIME) >= 2);
	assert_int_equal(stat_of("starts"), 0);
	assert_int_equal(stat_of("resumed"), 1);
	assert_int_equal(fx->s.bad, 0);
}

/* The server's Acct-Interim-Interval wins, never below 60 s; the configured one else. */
static void test_interval(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_acct *s1, *s2, *s3;

	(void)state;
	s1 = start("a", &peer, 600);
	s2 = start("b", &peer, 5);
	assert_int_equal(aaa_acct_interval_ms(s1), 600000);
	assert_int_equal(aaa_acct_interval_ms(s2), 60000);
	fx->cfg.radius.acct_interim_ms = 120000;
	s3 = start("c", &peer, 0);
	assert_int_equal(aaa_acct_interval_ms(s3), 120000);
	aaa_acct_stop(fx->a, s1, &(struct aaa_counters){ 0 }, AAA_TC_NAS_REQUEST);
	aaa_acct_stop(fx->a, s2, &(struct aaa_counters){ 0 }, AAA_TC_NAS_REQUEST);
	aaa_acct_stop(fx->a, s3, &(struct aaa_counters){ 0 }, AAA_TC_NAS_REQUEST);
	run(2000, 7);
	assert_int_equal(fx->s.got, 7);
}

/*
 * The server is away: the records stay, and are sent again once it may be
 * back, with Acct-Delay-Time counting from their event, in their order.
 */
static void test_outage(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_acct *s;
	unsigned int i, first_resent = 0;

	(void)state;
	fx->s.silent = true;
	s = start("alice", &peer, 0);
	aaa_acct_stop(fx->a, s, &(struct aaa_counters){ .in_octets = 77 }, AAA_TC_ADMIN_RESET);
	run(600, 0);		/* On, Start, Stop sent once each; no answer in 300 ms */
	assert_int_equal(fx->s.got, 3);
	assert_int_equal(stat_of("unanswered"), 3);
	assert_int_equal(stat_of("queued"), 3);
	assert_false(aaa_acct_idle(fx->a));
	fx->s.silent = false;
	run(3000, 6);			/* the hold (1 s) over: sent again, in order */
	assert_int_equal(fx->s.got, 6);
	for (i = 3; i < 6; i++) {
		if (u32_of(i, RADIUS_ACCT_STATUS_TYPE) == 1)
			first_resent = i;
		assert_true(u32_of(i, RADIUS_ACCT_DELAY_TIME) >= 1);
	}
	assert_int_equal(u32_of(3, RADIUS_ACCT_STATUS_TYPE), 7);
	assert_int_equal(first_resent, 4);
	assert_int_equal(u32_of(5, RADIUS_ACCT_STATUS_TYPE), 2);
	assert_int_equal(u32_of(5, RADIUS_ACCT_TERMINATE_CAUSE), 6);
	assert_int_equal(u32_of(5, RADIUS_ACCT_INPUT_OCTETS), 77);
	run(50, 0);
	assert_true(aaa_acct_idle(fx->a));
	assert_int_equal(stat_of("resent"), 3);
	assert_int_equal(stat_of("answered"), 3);
}

/*
 * A queue of 4: a full queue drops its oldest Interim-Update first, a new
 * Interim-Update when there is none, and the oldest record only for a Start
 * or Stop; each counted. Nothing is freed under a record (ASan watches).
 */
static void test_queue_bound(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	struct aaa_counters c = { .in_octets = 1 };
	struct aaa_acct *s1, *s2;

	(void)state;
	teardown(state);
	setup_with(4, 5000);
	fx->s.silent = true;
	fx->a = aaa_new(fx->loop, &fx->cfg);
	assert_non_null(fx->a);
	s1 = start("a", &peer, 0);			/* On, Start(a) */
	aaa_acct_interim(fx->a, s1, &c);		/* Interim(a) */
	s2 = start("b", &peer, 0);			/* Start(b): 4 */
	assert_int_equal(stat_of("queued"), 4);
	aaa_acct_stop(fx->a, s1, &c, AAA_TC_USER_REQUEST);	/* the Interim goes */
	assert_int_equal(stat_of("dropped_interim"), 1);
	assert_int_equal(stat_of("queued"), 4);
	aaa_acct_interim(fx->a, s2, &c);		/* no Interim to drop: this one */
	assert_int_equal(stat_of("dropped_interim"), 2);
	assert_int_equal(stat_of("dropped"), 0);
	aaa_acct_stop(fx->a, s2, &c, AAA_TC_USER_REQUEST);	/* the oldest (On) goes */
	assert_int_equal(stat_of("dropped"), 1);
	assert_int_equal(stat_of("queued"), 4);
	run(100, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
	};

	return cmocka_run_group_tests_name("aaa_acct", tests, NULL, NULL);
}
