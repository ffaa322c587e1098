// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication throttling across sessions (authlimit.c): backoff and
 * lockout per user@address and per SA, lockout per address and per user,
 * the failure window, the trusted address of a user, IPv6 /64s, and a
 * table that stays within its bound under a flood of distinct peers.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/authlimit.h"
#include "core/log.h"
#include "ntop_count.h"

static const struct authlimit_config test_cfg = {
	.window_ms = 600000,
	.backoff_after = 3,
	.backoff_max_ms = 8000,
	.lockout_after = 6,
	.address_lockout_after = 20,
	.user_lockout_after = 30,
	.lockout_ms = 900000,
	.max_entries = 4096,
};

struct peer {
	union sa46 ss;
	struct authlimit_peer p;
};

static struct authlimit_peer *peer4(struct peer *x, const char *a, uint32_t mark)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&x->ss;

	memset(x, 0, sizeof(*x));
	s->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &s->sin_addr), 1);
	x->p.addr = &x->ss;
	x->p.mark = mark;
	return &x->p;
}

static struct authlimit_peer *peer6(struct peer *x, const char *a)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)&x->ss;

	memset(x, 0, sizeof(*x));
	s->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &s->sin6_addr), 1);
	x->p.addr = &x->ss;
	return &x->p;
}

static struct authlimit *new_al(const struct authlimit_config *c)
{
	struct authlimit *al = authlimit_new(c ? c : &test_cfg);

	assert_non_null(al);
	return al;
}

/* Backoff from the third failure, doubling up to the maximum, then a lockout. */
static void test_backoff_then_lockout(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 1000000;

	(void)state;
	p = peer4(&px, "192.0.2.1", 0);
	assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_OK);
	assert_int_equal(authlimit_failed(al, now, "alice", p), 0);
	assert_int_equal(authlimit_failed(al, now, "alice", p), 0);
	assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_OK);
	/* third: 1 s */
	assert_int_equal(authlimit_failed(al, now, "alice", p), 1000);
	assert_int_equal(authlimit_check(al, now + 999, "alice", p), AUTHLIMIT_BACKOFF);
	assert_int_equal(authlimit_check(al, now + 1000, "alice", p), AUTHLIMIT_OK);
	now += 1000;
	assert_int_equal(authlimit_failed(al, now, "alice", p), 2000);
	assert_int_equal(authlimit_check(al, now + 1999, "alice", p), AUTHLIMIT_BACKOFF);
	now += 2000;
	assert_int_equal(authlimit_failed(al, now, "alice", p), 4000);
	now += 4000;
	/* sixth: locked out for lockout_ms, whatever the backoff would be */
	assert_int_equal(authlimit_failed(al, now, "alice", p), 0);
	assert_int_equal(authlimit_check(al, now + 8000, "alice", p), AUTHLIMIT_LOCKED);
	assert_int_equal(authlimit_check(al, now + 899999, "alice", p), AUTHLIMIT_LOCKED);
	assert_int_equal(authlimit_check(al, now + 900000, "alice", p), AUTHLIMIT_OK);
	/* another user from the same address, alice from another: not affected */
	assert_int_equal(authlimit_check(al, now + 1, "bob", p), AUTHLIMIT_OK);
	p = peer4(&px, "192.0.2.2", 0);
	assert_int_equal(authlimit_check(al, now + 1, "alice", p), AUTHLIMIT_OK);
	assert_int_equal(authlimit_stats(al)->lockouts, 1);
	assert_int_equal(authlimit_stats(al)->backoffs, 3);
	assert_int_equal(authlimit_stats(al)->refused_lockout, 2);
	assert_int_equal(authlimit_stats(al)->refused_backoff, 2);
	authlimit_free(al);
}

/* The backoff stops growing at backoff_max_ms. */
static void test_backoff_capped(void **state)
{
	struct authlimit_config c = test_cfg;
	struct authlimit *al;
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 5000;
	uint32_t d = 0;

	(void)state;
	c.lockout_after = 0;
	c.address_lockout_after = 0;
	c.user_lockout_after = 0;
	al = new_al(&c);
	p = peer4(&px, "192.0.2.1", 0);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_OK);
		d = authlimit_failed(al, now, "alice", p);
		assert_true(d <= 8000);
		now += d;
	}
	assert_int_equal(d, 8000);
	authlimit_free(al);
}

/* Failures further apart than the window never add up. */
static void test_window(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 1;

	(void)state;
	p = peer4(&px, "198.51.100.7", 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(authlimit_check(al, now, "carol", p), AUTHLIMIT_OK);
		assert_int_equal(authlimit_failed(al, now, "carol", p), 0);
		assert_int_equal(authlimit_failed(al, now + 1, "carol", p), 0);
		now += test_cfg.window_ms;
	}
	authlimit_free(al);
}

/* A right answer starts user@address afresh and trusts the address. */
static void test_success_resets(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 1;

	(void)state;
	p = peer4(&px, "192.0.2.9", 0);
	authlimit_failed(al, now, "dave", p);
	authlimit_failed(al, now, "dave", p);
	authlimit_succeeded(al, now, "dave", p);
	assert_int_equal(authlimit_failed(al, now, "dave", p), 0);
	assert_int_equal(authlimit_failed(al, now, "dave", p), 0);
	assert_int_equal(authlimit_failed(al, now, "dave", p), 1000);
	authlimit_free(al);
}

/* A right answer through an SA starts that SA afresh too, whoever failed through it. */
static void test_success_resets_sa(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 1;

	(void)state;
	p = peer4(&px, "192.0.2.10", 7);
	assert_int_equal(authlimit_failed(al, now, "u0", p), 0);
	assert_int_equal(authlimit_failed(al, now, "u1", p), 0);
	assert_int_equal(authlimit_failed(al, now, "u2", p), 1000);	/* the SA's third */
	now += 1000;
	assert_int_equal(authlimit_check(al, now, "u3", p), AUTHLIMIT_OK);
	authlimit_succeeded(al, now, "u3", p);
	assert_int_equal(authlimit_failed(al, now, "u4", p), 0);
	assert_int_equal(authlimit_failed(al, now, "u5", p), 0);
	assert_int_equal(authlimit_failed(al, now, "u6", p), 1000);
	authlimit_free(al);
}

/* Many user names from one address: the address is locked, for every name. */
static void test_address_lockout(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	char name[32];
	uint64_t now = 1;

	(void)state;
	p = peer4(&px, "203.0.113.5", 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(authlimit_check(al, now, name, p), AUTHLIMIT_OK);
		authlimit_failed(al, now, name, p);
	}
	assert_int_equal(authlimit_check(al, now, "nobody-tried-me", p), AUTHLIMIT_LOCKED);
	/* a right password does not open it: the answer is not even checked */
	p = peer4(&px, "203.0.113.6", 0);
	assert_int_equal(authlimit_check(al, now, "nobody-tried-me", p), AUTHLIMIT_OK);
	authlimit_free(al);
}

/*
 * One user name from many addresses: locked everywhere except where the
 * user logged in recently.
 */
static void test_user_lockout_spares_trusted_address(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	char addr[32];
	uint64_t now = 1;

	(void)state;
	p = peer4(&px, "192.0.2.100", 0);
	authlimit_succeeded(al, now, "erin", p);	/* erin's office */
	for (int i = 0; i < 30; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		p = peer4(&px, addr, 0);
		assert_int_equal(authlimit_check(al, now, "erin", p), AUTHLIMIT_OK);
		authlimit_failed(al, now, "erin", p);
	}
	p = peer4(&px, "198.51.100.200", 0);
	assert_int_equal(authlimit_check(al, now, "erin", p), AUTHLIMIT_LOCKED);
	p = peer4(&px, "192.0.2.100", 0);
	assert_int_equal(authlimit_check(al, now, "erin", p), AUTHLIMIT_OK);
	authlimit_free(al);
}

/* The SA is a key of its own: behind one NAT, one client backs off alone. */
static void test_sa_key(void **state)
{
	struct authlimit *al = new_al(NULL);
	struct peer px;
	uint64_t now = 1;
	char name[32];

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		authlimit_failed(al, now, name, peer4(&px, "192.0.2.50", 7));
	}
	assert_int_equal(authlimit_check(al, now, "other", peer4(&px, "192.0.2.50", 7)),
			 AUTHLIMIT_BACKOFF);
	assert_int_equal(authlimit_check(al, now, "other", peer4(&px, "192.0.2.50", 8)),
			 AUTHLIMIT_OK);
	authlimit_free(al);
}

/* An IPv6 client owns its /64: varying the interface identifier does not help. */
static void test_ipv6_prefix(void **state)
{
	struct authlimit *al = new_al(NULL);
	struct peer px;
	char a[64];
	uint64_t now = 1;

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof(a), "2001:db8:1:2::%x", i + 1);
		snprintf(a + 32, 32, "n%d", i);
		authlimit_failed(al, now, a + 32, peer6(&px, a));
	}
	assert_int_equal(authlimit_check(al, now, "x", peer6(&px, "2001:db8:1:2:ffff::1")),
			 AUTHLIMIT_LOCKED);
	assert_int_equal(authlimit_check(al, now, "x", peer6(&px, "2001:db8:1:3::1")),
			 AUTHLIMIT_OK);
	authlimit_free(al);
}

/* Checks make no entry; failures from countless peers stay within the bound. */
static void test_bounded(void **state)
{
	struct authlimit_config c = test_cfg;
	struct authlimit *al;
	struct peer px;
	char a[32];
	uint64_t now = 1;

	(void)state;
	c.max_entries = 64;
	al = new_al(&c);
	for (int i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.1", i / 250, i % 250);
		assert_int_equal(authlimit_check(al, now, "u", peer4(&px, a, (uint32_t)i)),
				 AUTHLIMIT_OK);
	}
	assert_int_equal(authlimit_stats(al)->entries, 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.1", i / 250, i % 250);
		authlimit_failed(al, now, "u", peer4(&px, a, (uint32_t)i + 1));
	}
	assert_int_equal(authlimit_stats(al)->entries, 64);
	assert_true(authlimit_stats(al)->evicted > 0);
	/* a new bound empties the table */
	c.max_entries = 16;
	assert_int_equal(authlimit_set_config(al, &c), 0);
	assert_int_equal(authlimit_stats(al)->entries, 0);
	authlimit_free(al);
}

/*
 * The log's limit (10 lines a minute for all keys) is asked before a line
 * is made: a refusal or backoff it leaves out names no address.
 */
static void test_suppressed_line_not_formatted(void **state)
{
	struct authlimit *al = new_al(NULL);
	const struct authlimit_peer *p;
	struct peer px;
	uint64_t now = 1000000;
	unsigned int n;

	(void)state;
	log_set_level(LOG_NOTICE);
	p = peer4(&px, "192.0.2.7", 0);
	ntop_calls = 0;
	for (int i = 0; i < 3; i++)
		authlimit_failed(al, now, "alice", p);
	assert_int_equal(ntop_calls, 1);	/* the backoff's line, written */
	for (int i = 0; i < 9; i++)
		assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_BACKOFF);
	n = ntop_calls;
	assert_int_equal(n, 10);		/* ten lines written, each named */
	for (int i = 0; i < 20; i++)
		assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_BACKOFF);
	authlimit_failed(al, now, "alice", p);	/* a longer backoff, its line left out */
	assert_int_equal(ntop_calls, n);
	assert_int_equal(authlimit_stats(al)->refused_backoff, 29);
	/* the next minute writes again */
	now += 60000;
	authlimit_failed(al, now, "alice", p);
	assert_int_equal(ntop_calls, n + 1);
	/* a level that writes no notice makes none, with the burst not spent */
	log_set_level(LOG_WARNING);
	assert_int_equal(authlimit_check(al, now, "alice", p), AUTHLIMIT_BACKOFF);
	assert_int_equal(ntop_calls, n + 1);
	log_set_level(LOG_NOTICE);
	authlimit_free(al);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_then_lockout),
		cmocka_unit_test(test_backoff_capped),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_success_resets),
		cmocka_unit_test(test_success_resets_sa),
		cmocka_unit_test(test_address_lockout),
		cmocka_unit_test(test_user_lockout_spares_trusted_address),
		cmocka_unit_test(test_sa_key),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_suppressed_line_not_formatted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
