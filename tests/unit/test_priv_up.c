// SPDX-License-Identifier: GPL-2.0
/*
 * SESSION_UP with its routes (priv_msg.h's PRIV_UP_ROUTE*): what ROUTE_ADD
 * and SESSION_UP did in two round trips, in one, through the parent as the
 * engine sends it (priv_parent_input: decoded, judged, carried out by the
 * fake hooks below, answered). Accepted: the routes added, then the session
 * up. Each step refused, by the checker or by the kernel: nothing of the
 * request left (no route, no session up). Malformed: refused by the decoder.
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
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "priv/priv_parent.h"
#include "priv_fx.h"
#include "priv_req.h"

static const char users_text[] = "bob    password s3cret\n";

#define MARK	7
#define TID	1
#define SID	11
#define V4	"10.9.0.1"
#define V6	"2001:db8:100:1::"

struct fx {
	struct l2sec_config cfg;
	struct users_db *users;
	struct priv_check *c;
	uint32_t seq, handle;
	uint64_t now;
	struct priv_msg reply;
	/* the kernel, faked: the host routes there, the sessions up, what fails */
	struct priv_addr routes[4];
	unsigned int n_routes, ups, route_calls;
	int fail_route;		/* the route add of this family fails (4, 6; 0: none) */
	bool fail_up;
};

static int route_find(const struct fx *f, const struct priv_addr *a)
{
	for (unsigned int i = 0; i < f->n_routes; i++)
		if (f->routes[i].family == a->family &&
		    !memcmp(&f->routes[i].v6, &a->v6, a->family == 4 ? 4 : 16))
			return (int)i;
	return -1;
}

static int x_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	struct fx *f = ctx;
	int i = route_find(f, a);

	f->route_calls++;
	assert_int_equal(plen, a->family == 4 ? 32 : 64);
	if (!add) {
		if (i >= 0)
			f->routes[i] = f->routes[--f->n_routes];
		return 0;
	}
	if (f->fail_route == a->family) {
		errno = ENETUNREACH;
		return -1;
	}
	if (i < 0) {
		assert_true(f->n_routes < 4);
		f->routes[f->n_routes++] = *a;
	}
	return 0;
}

static int x_session_up(void *ctx, const struct priv_check_tref *t,
			const struct priv_session_up *up)
{
	struct fx *f = ctx;

	(void)t;
	(void)up;
	if (f->fail_up) {
		errno = ENOSPC;
		return -1;
	}
	f->ups++;
	return 0;
}

static const struct priv_exec_ops fops = {
	.tunnel_add = priv_test_tunnel_add, .tunnel_del = priv_test_tunnel_del,
	.session_add = priv_test_session_add, .session_del = priv_test_session_del,
	.session_up = x_session_up, .route = x_route,
};

/* m through the parent as the engine sends it; the reply in f->reply, its reason returned. */
static enum priv_reason preq(struct fx *f, struct priv_msg *m)
{
	return priv_test_parent_req(f->c, &fops, f, &f->seq, f->now, m, &f->reply);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct priv_msg m;

	assert_non_null(f);
	priv_fx_config(&f->cfg, V4, "10.9.0.3");
	f->cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &f->cfg.ipv6_prefix);
	f->cfg.ipv6_prefix_len = 62;
	f->c = priv_fx_checker(&f->cfg, users_text, &f->users, MARK, "198.51.100.7");
	f->now = 1000;
	m = priv_fx_tunnel_add(TID, 101, "198.51.100.7", MARK);
	assert_int_equal(priv_test_req(f->c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	f->handle = f->reply.reply.handle;
	m = priv_fx_session_add(f->handle, TID, SID, 211);
	assert_int_equal(priv_test_req(f->c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	priv_check_free(f->c);
	users_free(f->users);
	free(f);
	return 0;
}

/* The session authenticated (PAP) and holding its addresses: the pool's first of each. */
static void authed_with_addresses(struct fx *f)
{
	struct priv_msg m = priv_fx_pap(f->handle, TID, SID, "bob", "s3cret");
	struct priv_addr w4 = a4(V4), w6 = a6(V6);

	assert_int_equal(priv_test_req(f->c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	m = priv_fx_addr(PRIV_REQ_ADDR_CLAIM, f->handle, TID, SID, a4("0.0.0.0"));
	assert_int_equal(priv_test_req(f->c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	assert_memory_equal(&f->reply.reply.addr.v4, &w4.v4, 4);
	m = priv_fx_addr(PRIV_REQ_ADDR_CLAIM, f->handle, TID, SID, a6("::"));
	assert_int_equal(priv_test_req(f->c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	assert_memory_equal(&f->reply.reply.addr.v6, &w6.v6, 16);
}

/* SESSION_UP of (v4, v6: NULL for none) routing route first. */
static struct priv_msg up_msg(const struct fx *f, const char *v4, const char *v6,
			      unsigned int route)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_UP };

	m.up = (struct priv_session_up){ .handle = f->handle, .tid = TID, .sid = SID,
					 .has_v4 = v4 != NULL, .has_v6 = v6 != NULL,
					 .route = (uint8_t)route };
	if (v4)
		m.up.v4 = a4(v4).v4;
	if (v6) {
		m.up.pfx64 = a6(v6).v6;
		m.up.ifid = 0x1122334455667788ULL;
	}
	return m;
}

static void assert_nothing_left(const struct fx *f)
{
	assert_int_equal(f->n_routes, 0);
	assert_int_equal(f->ups, 0);
}

/* IPCP's up, then IPv6CP's: each route added with the session up, in one request. */
static void test_accepted(void **state)
{
	struct fx *f = *state;
	struct priv_addr r4 = a4(V4), r6 = a6(V6);
	struct priv_msg m;

	authed_with_addresses(f);
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.error, 0);
	assert_int_equal(f->n_routes, 1);
	assert_true(route_find(f, &r4) >= 0);
	assert_int_equal(f->ups, 1);
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->n_routes, 2);
	assert_true(route_find(f, &r6) >= 0);
	assert_int_equal(f->ups, 2);
	/* without a route, as before: the session up alone */
	f->route_calls = 0;
	m = up_msg(f, V4, V6, 0);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->route_calls, 0);
	assert_int_equal(f->ups, 3);
	/* both at once */
	f->n_routes = 0;
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->n_routes, 2);
	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_SESSION_UP], 4);
}

/* Refused by the checker, at the route's step or the session's: nothing done. */
static void test_checker_refuses(void **state)
{
	struct fx *f = *state;
	struct priv_msg m;

	/* not authenticated: ROUTE_ADD's first check */
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	assert_int_equal(preq(f, &m), PRIV_R_NOT_AUTHED);
	assert_nothing_left(f);
	authed_with_addresses(f);
	/* a route of an address not the session's */
	m = up_msg(f, "10.9.0.2", NULL, PRIV_UP_ROUTE4);
	assert_int_equal(preq(f, &m), PRIV_R_ADDR_NOT_HELD);
	m = up_msg(f, V4, "2001:db8:100:2::", PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_R_ADDR_NOT_HELD);
	/* its route's address its own, the session's other one not: no route either */
	m = up_msg(f, "10.9.0.2", V6, PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(f->route_calls, 0);
	assert_nothing_left(f);
	/* another session, another tunnel */
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	m.up.sid = SID + 1;
	assert_int_equal(preq(f, &m), PRIV_R_SESSION_UNKNOWN);
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	m.up.handle = f->handle + 1;
	assert_int_equal(preq(f, &m), PRIV_R_TUNNEL_UNKNOWN);
	assert_nothing_left(f);
	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_SESSION_UP], 0);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_ADDR_NOT_HELD], 3);
}

/* Refused by the kernel at each step: the routes added before it go again. */
static void test_kernel_refuses(void **state)
{
	struct fx *f = *state;
	struct priv_msg m;

	authed_with_addresses(f);
	f->fail_route = 4;	/* the first step */
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.error, ENETUNREACH);
	assert_nothing_left(f);
	f->fail_route = 6;	/* the second: the first's route taken away */
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.error, ENETUNREACH);
	assert_nothing_left(f);
	f->fail_route = 0;
	f->fail_up = true;	/* the last: both routes taken away, the session's errno kept */
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.error, ENOSPC);
	assert_nothing_left(f);
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.error, ENOSPC);
	assert_nothing_left(f);
	/* and the engine's ROUTE_DEL of what it was never told of changes nothing */
	f->fail_up = false;
	m = priv_fx_addr(PRIV_REQ_ROUTE_DEL, f->handle, TID, SID, a4(V4));
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_nothing_left(f);
}

/* A route of an address the request does not carry, or an unknown bit: the decoder's. */
static void test_malformed(void **state)
{
	struct fx *f = *state;
	uint8_t buf[PRIV_MSG_MAX];
	struct priv_msg m, out;
	int n;

	(void)f;
	m = up_msg(f, V4, NULL, PRIV_UP_ROUTE4);
	m.seq = 1;
	n = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > PRIV_HDR_LEN);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_OK);
	assert_int_equal(out.up.route, PRIV_UP_ROUTE4);
	/* the route octet is the last: each value it must not have */
	for (unsigned int v = 0; v < 256; v++) {
		enum priv_reason want = v == 0 || v == PRIV_UP_ROUTE4 ? PRIV_OK : PRIV_R_FIELD;

		buf[n - 1] = (uint8_t)v;
		assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), want);
	}
	/* and the encoder refuses to write them */
	m.up.route = PRIV_UP_ROUTE6;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m = up_msg(f, NULL, V6, PRIV_UP_ROUTE4);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.up.route = 0x04;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* one octet short (the route's), or one more */
	m = up_msg(f, V4, V6, PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6);
	n = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > PRIV_HDR_LEN);
	put_be16(buf + 2, (uint16_t)(n - 1));
	assert_int_equal(priv_msg_decode(buf, (size_t)n - 1, &out), PRIV_R_TRUNCATED);
	buf[n] = 0;
	put_be16(buf + 2, (uint16_t)(n + 1));
	assert_int_equal(priv_msg_decode(buf, (size_t)n + 1, &out), PRIV_R_LENGTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
