// SPDX-License-Identifier: GPL-2.0
/*
 * The gateway's own reauthentication, timed by l2secd (ipsec_reauth.c): an
 * IKE_SA is reauthenticated reauth-time (less up to a tenth) after it came
 * up, only when the owner says it is still due, never while its peer's
 * address is in a main mode of its own (the collision of issue 15), and not
 * put off for ever by a busy NAT. A fake clock drives the loop.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/evloop.h"
#include "core/log.h"
#include "ipsec/ipsec_reauth.h"

#define IVL 100000u	/* reauth-time: 100 s */

static uint64_t now;
static struct evloop *loop;
static struct ipsec_reauth R;
static enum ipsec_reauth_verdict verdict = IPSEC_REAUTH_NOW;
static uint32_t asked[16];
static unsigned int n_asked;
static uint32_t rnd = 1;

static uint64_t clock_fn(void *arg)
{
	(void)arg;
	return now;
}

static enum ipsec_reauth_verdict v_fn(void *ctx, uint32_t ike_id)
{
	(void)ctx;
	(void)ike_id;
	return verdict;
}

static int reauth_fn(void *ctx, uint32_t ike_id)
{
	(void)ctx;
	if (n_asked < 16)
		asked[n_asked] = ike_id;
	n_asked++;
	return 0;
}

static uint32_t rnd_fn(void *ctx)
{
	(void)ctx;
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

static const struct ipsec_reauth_ops ops = {
	.verdict = v_fn,
	.reauth = reauth_fn,
	.random = rnd_fn,
};

/* advance the clock in 100 ms steps to t, firing what is due */
static void run_to(uint64_t t)
{
	while (now < t) {
		now += 100;
		evloop_run_timers(loop);
	}
}

static struct vici_addr addr(const char *s, uint16_t port)
{
	struct vici_addr a = { .family = AF_INET, .port = port };

	inet_pton(AF_INET, s, &a.a.v4);
	return a;
}

static int setup(void **state)
{
	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	now = 1000;
	n_asked = 0;
	verdict = IPSEC_REAUTH_NOW;
	loop = evloop_new(clock_fn, NULL);
	assert_non_null(loop);
	assert_int_equal(ipsec_reauth_init(&R, loop, IVL, &ops, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ipsec_reauth_free(&R);
	evloop_free(loop);
	return 0;
}

/* Due between 0.9 and 1.0 interval after it came up, once per interval. */
static void test_due_after_interval(void **state)
{
	struct vici_addr a = addr("203.0.113.1", 4500);

	(void)state;
	ipsec_reauth_ike_up(&R, 7, &a);
	ipsec_reauth_ike_up(&R, 7, &a);		/* listed again: one record */
	assert_int_equal(ipsec_reauth_count(&R), 1);
	run_to(1000 + IVL * 9 / 10 - 100);
	assert_int_equal(n_asked, 0);
	run_to(1000 + IVL);
	assert_int_equal(n_asked, 1);
	assert_int_equal(asked[0], 7);
	/* its delete ends it */
	ipsec_reauth_ike_down(&R, 7);
	assert_int_equal(ipsec_reauth_count(&R), 0);
	run_to(1000 + 3 * IVL);
	assert_int_equal(n_asked, 1);
}

/* The peer's address started a main mode (its own reauthentication): put off. */
static void test_put_off_while_peer_in_main_mode(void **state)
{
	struct vici_addr a = addr("203.0.113.1", 4500), b = addr("203.0.113.9", 4500);

	(void)state;
	ipsec_reauth_ike_up(&R, 7, &a);
	ipsec_reauth_ike_up(&R, 8, &b);
	run_to(1000 + IVL * 9 / 10 - 500);
	ipsec_reauth_initiating(&R, "203.0.113.1");
	ipsec_reauth_initiating(&R, "not an address");
	run_to(1000 + IVL);
	/* only the other peer's */
	assert_int_equal(n_asked, 1);
	assert_int_equal(asked[0], 8);
	assert_true(R.st.deferred >= 1);
	/* the peer's new IKE_SA came up and the owner says 7 is replaced: never */
	verdict = IPSEC_REAUTH_NEVER;
	run_to(1000 + IVL + IPSEC_REAUTH_MM_MS + IPSEC_REAUTH_DEFER_MS);
	assert_int_equal(n_asked, 1);
	assert_int_equal(ipsec_reauth_count(&R), 1);	/* 8's record waits for its delete */
}

/* A NAT whose clients keep starting main modes puts it off only so long. */
static void test_busy_nat_does_not_starve(void **state)
{
	struct vici_addr a = addr("203.0.113.1", 4500);
	uint64_t end;

	(void)state;
	ipsec_reauth_ike_up(&R, 7, &a);
	end = 1000 + IVL + (IPSEC_REAUTH_DEFERRALS + 2) * IPSEC_REAUTH_DEFER_MS;
	while (now < end) {
		ipsec_reauth_initiating(&R, "203.0.113.1");
		run_to(now + 1000);
	}
	assert_int_equal(n_asked, 1);
	assert_int_equal(R.st.deferred, IPSEC_REAUTH_DEFERRALS);
}

/* Nothing of l2secd's in it: looked at again later; 0 turns it all off. */
static void test_later_and_off(void **state)
{
	struct vici_addr a = addr("2001:db8::1", 4500);

	(void)state;
	a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &a.a.v6);
	verdict = IPSEC_REAUTH_LATER;
	ipsec_reauth_ike_up(&R, 7, &a);
	run_to(1000 + IVL);
	assert_int_equal(n_asked, 0);
	assert_int_equal(ipsec_reauth_count(&R), 1);
	verdict = IPSEC_REAUTH_NOW;
	run_to(1000 + 2 * IVL);
	assert_int_equal(n_asked, 1);
	ipsec_reauth_set_interval(&R, 0);
	assert_int_equal(ipsec_reauth_count(&R), 0);
	ipsec_reauth_ike_up(&R, 9, &a);
	assert_int_equal(ipsec_reauth_count(&R), 0);
	/* charon lost: every record goes */
	ipsec_reauth_set_interval(&R, IVL);
	ipsec_reauth_ike_up(&R, 9, &a);
	ipsec_reauth_ike_up(&R, 10, &a);
	ipsec_reauth_clear(&R);
	assert_int_equal(ipsec_reauth_count(&R), 0);
	assert_int_equal(evloop_timer_count(loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due_after_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_off_while_peer_in_main_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_nat_does_not_starve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_and_off, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
