// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS's closed API (l2tp/l2tp_lns.h), what the control socket, the IPsec
 * SA table and the server use instead of walking its lists: a tunnel or a
 * session looked up by ID (a session only in its own tunnel), every tunnel
 * and session visited once, the tunnels of one SA closed and no other, the
 * counts. Driven by scripted LACs against the real LNS (l2tp_fake.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "l2tp_fake.h"
#include "core/log.h"

static struct fake *f;

static int setup(void **state)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
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
	struct l2tp_lns_counts n;
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
		tunnels++;
		for (struct l2tp_session *s = l2tp_tunnel_first_session(t); s;
		     s = l2tp_tunnel_next_session(s)) {
			assert_ptr_equal(s->tunnel, t);
			sessions++;
		}
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_lookup),
		T(test_iterate_and_count),
		T(test_close_mark),
#undef T
	};

	return cmocka_run_group_tests_name("l2tp_api", tests, NULL, NULL);
}
