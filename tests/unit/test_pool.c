// SPDX-License-Identifier: GPL-2.0
/*
 * Address pools: exhaustion and refusal, the round-robin order (a released
 * address comes back last), static addresses taken and released, the CIDR
 * edge cases through the configuration parser, several ranges, bitmap word
 * boundaries and the largest range, and the IPv6 /64 pool.
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

#include "conf/config.h"
#include "addr/pool.h"

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct config_range range(const char *first, const char *last)
{
	return (struct config_range){ .first = ip(first), .last = ip(last) };
}

static void assert_alloc(struct pool *p, const char *want)
{
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];

	assert_int_equal(pool_alloc(p, &a), 0);
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void assert_exhausted(struct pool *p)
{
	struct in_addr a = { 0 };

	assert_int_equal(pool_alloc(p, &a), -1);
	assert_int_equal(pool_in_use(p), pool_size(p));
}

static void test_exhaustion(void **state)
{
	struct config_range r = range("10.0.0.1", "10.0.0.4");
	struct pool *p = pool_new(&r, 1);

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_size(p), 4);
	assert_int_equal(pool_in_use(p), 0);
	assert_alloc(p, "10.0.0.1");
	assert_alloc(p, "10.0.0.2");
	assert_alloc(p, "10.0.0.3");
	assert_alloc(p, "10.0.0.4");
	assert_exhausted(p);
	assert_exhausted(p);
	pool_put(p, ip("10.0.0.3"));
	assert_int_equal(pool_in_use(p), 3);
	assert_alloc(p, "10.0.0.3");
	assert_exhausted(p);
	pool_free(p);
}

static void test_round_robin(void **state)
{
	struct config_range r = range("10.0.0.1", "10.0.0.5");
	struct pool *p = pool_new(&r, 1);

	(void)state;
	assert_non_null(p);
	assert_alloc(p, "10.0.0.1");
	assert_alloc(p, "10.0.0.2");
	/* released: comes back only after every other free one */
	pool_put(p, ip("10.0.0.1"));
	assert_alloc(p, "10.0.0.3");
	pool_put(p, ip("10.0.0.2"));
	assert_alloc(p, "10.0.0.4");
	assert_alloc(p, "10.0.0.5");
	/* wrapped around: the oldest release first */
	assert_alloc(p, "10.0.0.1");
	assert_alloc(p, "10.0.0.2");
	assert_exhausted(p);
	/* the search goes on after the last one handed out, not from the start */
	pool_put(p, ip("10.0.0.1"));
	pool_put(p, ip("10.0.0.4"));
	assert_alloc(p, "10.0.0.4");
	assert_alloc(p, "10.0.0.1");
	pool_free(p);
}

static void test_take_put(void **state)
{
	struct config_range r = range("10.0.0.1", "10.0.0.4");
	struct pool *p = pool_new(&r, 1);

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_take(p, ip("10.0.0.2")), 0);
	assert_int_equal(pool_in_use(p), 1);
	errno = 0;
	assert_int_equal(pool_take(p, ip("10.0.0.2")), -1);
	assert_int_equal(errno, EBUSY);
	errno = 0;
	assert_int_equal(pool_take(p, ip("10.0.0.5")), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(pool_take(p, ip("10.0.0.0")), -1);
	assert_int_equal(errno, ENOENT);
	/* a taken address is skipped and does not move the round-robin */
	assert_alloc(p, "10.0.0.1");
	assert_alloc(p, "10.0.0.3");
	assert_int_equal(pool_take(p, ip("10.0.0.4")), 0);
	assert_exhausted(p);
	/* releasing what is not ours or not in use changes nothing */
	pool_put(p, ip("192.0.2.1"));
	pool_put(p, ip("10.0.0.3"));
	pool_put(p, ip("10.0.0.3"));
	assert_int_equal(pool_in_use(p), 3);
	assert_true(pool_contains(p, ip("10.0.0.1")));
	assert_true(pool_contains(p, ip("10.0.0.4")));
	assert_false(pool_contains(p, ip("10.0.0.5")));
	assert_false(pool_contains(p, ip("10.0.0.0")));
	/* a static address taken back after a release */
	assert_int_equal(pool_take(p, ip("10.0.0.3")), 0);
	assert_exhausted(p);
	pool_free(p);
}

/* The pool of a configuration's "pool = ..." line. */
static struct pool *pool_of(const char *value)
{
	struct l2sec_config cfg;
	char text[256];
	FILE *f;

	snprintf(text, sizeof(text), "[ppp]\nlocal-address = 192.0.2.1\npool = %s\n", value);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	assert_int_equal(config_parse_file(&cfg, f, "test", NULL, NULL), 0);
	fclose(f);
	return pool_new(cfg.pool, cfg.n_pool);
}

static void test_cidr_edges(void **state)
{
	struct pool *p;

	(void)state;
	p = pool_of("10.0.0.7/32");
	assert_int_equal(pool_size(p), 1);
	assert_alloc(p, "10.0.0.7");
	assert_exhausted(p);
	pool_free(p);

	/* RFC 3021: both addresses of a /31 */
	p = pool_of("10.0.0.6/31");
	assert_int_equal(pool_size(p), 2);
	assert_alloc(p, "10.0.0.6");
	assert_alloc(p, "10.0.0.7");
	assert_exhausted(p);
	pool_free(p);

	/* a /30 without its network and broadcast addresses */
	p = pool_of("10.0.0.4/30");
	assert_int_equal(pool_size(p), 2);
	assert_false(pool_contains(p, ip("10.0.0.4")));
	assert_false(pool_contains(p, ip("10.0.0.7")));
	assert_alloc(p, "10.0.0.5");
	assert_alloc(p, "10.0.0.6");
	assert_exhausted(p);
	pool_free(p);

	p = pool_of("10.0.0.0/24");
	assert_int_equal(pool_size(p), 254);
	pool_free(p);
}

static void test_multi_range(void **state)
{
	struct pool *p = pool_of("10.0.0.1-10.0.0.2, 10.9.0.0/32 10.5.0.0/30");

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_size(p), 5);
	/* the ranges in their configured order, then around again */
	assert_alloc(p, "10.0.0.1");
	assert_alloc(p, "10.0.0.2");
	assert_alloc(p, "10.9.0.0");
	pool_put(p, ip("10.0.0.1"));
	assert_alloc(p, "10.5.0.1");
	assert_alloc(p, "10.5.0.2");
	assert_alloc(p, "10.0.0.1");
	assert_exhausted(p);
	pool_put(p, ip("10.9.0.0"));
	pool_put(p, ip("10.0.0.2"));
	assert_int_equal(pool_take(p, ip("10.9.0.0")), 0);
	assert_alloc(p, "10.0.0.2");
	assert_exhausted(p);
	assert_false(pool_contains(p, ip("10.5.0.3")));
	assert_false(pool_contains(p, ip("10.9.0.1")));
	pool_free(p);
}

static void test_invalid_and_empty(void **state)
{
	struct config_range r[2] = {
		range("10.0.0.1", "10.0.0.9"), range("10.0.0.9", "10.0.0.20"),
	};
	struct config_range big = range("10.0.0.0", "10.16.0.0");
	struct config_range backwards = range("10.0.0.9", "10.0.0.1");
	struct in_addr a;
	struct pool *p;

	(void)state;
	errno = 0;
	assert_null(pool_new(r, 2));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(pool_new(&big, 1));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(pool_new(&backwards, 1));
	assert_int_equal(errno, EINVAL);

	p = pool_new(NULL, 0);
	assert_non_null(p);
	assert_int_equal(pool_size(p), 0);
	assert_int_equal(pool_alloc(p, &a), -1);
	assert_false(pool_contains(p, ip("10.0.0.1")));
	errno = 0;
	assert_int_equal(pool_take(p, ip("10.0.0.1")), -1);
	assert_int_equal(errno, ENOENT);
	pool_put(p, ip("10.0.0.1"));
	pool_free(p);
	pool_free(NULL);
}

/* Free entries on either side of 64-bit word boundaries are found. */
static void test_word_boundaries(void **state)
{
	struct config_range r = range("10.0.0.0", "10.0.0.129");	/* 130 */
	struct pool *p = pool_new(&r, 1);
	struct in_addr a;

	(void)state;
	assert_non_null(p);
	for (unsigned int i = 0; i < 130; i++) {
		if (i == 63 || i == 64 || i == 129)
			continue;
		a.s_addr = htonl(0x0a000000 + i);
		assert_int_equal(pool_take(p, a), 0);
	}
	assert_alloc(p, "10.0.0.63");
	assert_alloc(p, "10.0.0.64");
	assert_alloc(p, "10.0.0.129");
	assert_exhausted(p);
	pool_free(p);
}

/* The largest range: 2^20 addresses, all handed out, one back. */
static void test_largest_range(void **state)
{
	struct config_range r = range("10.0.0.0", "10.15.255.255");
	struct pool *p = pool_new(&r, 1);
	struct in_addr a;

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_size(p), 1u << 20);
	for (uint32_t i = 0; i < 1u << 20; i++) {
		assert_int_equal(pool_alloc(p, &a), 0);
		if (ntohl(a.s_addr) != 0x0a000000 + i)
			fail_msg("allocation %u: %08x", i, ntohl(a.s_addr));
	}
	assert_exhausted(p);
	pool_put(p, ip("10.7.1.2"));
	assert_alloc(p, "10.7.1.2");
	pool_put(p, ip("10.15.255.255"));
	assert_alloc(p, "10.15.255.255");
	assert_exhausted(p);
	pool_free(p);
}

/*
 * A crowded 2^20 range: the one free address is far from the cursor, and
 * finding it skips the full words through their summary: a few hundred
 * word tests, not the range's 16,384 words.
 */
static void test_crowded_search_cost(void **state)
{
	struct config_range r = range("10.0.0.0", "10.15.255.255");
	struct pool *p = pool_new(&r, 1);
	struct in_addr a;
	uint64_t before;

	(void)state;
	assert_non_null(p);
	for (uint32_t i = 0; i < 1u << 20; i++)
		assert_int_equal(pool_alloc(p, &a), 0);
	/* cursor at the start again (wrapped); the free one near the end */
	pool_put(p, ip("10.15.255.1"));
	before = pool_probes;
	assert_alloc(p, "10.15.255.1");
	assert_true(pool_probes - before <= 2 * 256 + 8);
	/* and one just behind the cursor: a whole lap round the range */
	pool_put(p, ip("10.15.254.7"));
	before = pool_probes;
	assert_alloc(p, "10.15.254.7");
	assert_true(pool_probes - before <= 2 * 256 + 8);
	pool_free(p);
}

/* --- IPv6 -------------------------------------------------------------------- */

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void assert_alloc6(struct pool6 *p, const char *want)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(pool6_alloc(p, &a), 0);
	inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_pool6(void **state)
{
	struct in6_addr prefix = ip6("2001:db8:0:4::");
	struct in6_addr a, b;
	struct pool6 *p = pool6_new(&prefix, 62);

	(void)state;
	assert_non_null(p);
	/* four /64s, less prefix::/64 for the gateway */
	assert_int_equal(pool6_size(p), 3);
	assert_alloc6(p, "2001:db8:0:5::");
	assert_alloc6(p, "2001:db8:0:6::");
	assert_alloc6(p, "2001:db8:0:7::");
	assert_int_equal(pool6_alloc(p, &a), -1);
	assert_int_equal(pool6_in_use(p), 3);

	/* round robin; the interface-id half of the argument does not matter */
	a = ip6("2001:db8:0:5::1");
	b = ip6("2001:db8:0:6:ffff::");
	pool6_put(p, &b);
	pool6_put(p, &a);
	assert_int_equal(pool6_in_use(p), 1);
	assert_alloc6(p, "2001:db8:0:5::");
	assert_alloc6(p, "2001:db8:0:6::");

	/* take: in use, outside, the gateway's own */
	a = ip6("2001:db8:0:7::");
	errno = 0;
	assert_int_equal(pool6_take(p, &a), -1);
	assert_int_equal(errno, EBUSY);
	a = ip6("2001:db8:0:8::");
	errno = 0;
	assert_int_equal(pool6_take(p, &a), -1);
	assert_int_equal(errno, ENOENT);
	a = ip6("2001:db8:0:4::");
	errno = 0;
	assert_int_equal(pool6_take(p, &a), -1);
	assert_int_equal(errno, ENOENT);
	pool6_put(p, &a);
	a = ip6("2001:db9:0:5::");
	pool6_put(p, &a);
	assert_int_equal(pool6_in_use(p), 3);
	a = ip6("2001:db8:0:6::");
	pool6_put(p, &a);
	pool6_put(p, &a);
	assert_int_equal(pool6_in_use(p), 2);
	assert_int_equal(pool6_take(p, &a), 0);
	assert_int_equal(pool6_alloc(p, &b), -1);
	pool6_free(p);
	pool6_free(NULL);
}

static void test_pool6_sizes(void **state)
{
	struct in6_addr prefix = ip6("2001:db8::"), a;
	struct pool6 *p;

	(void)state;
	/* the shortest and the longest prefix; a /44 is the cap exactly */
	p = pool6_new(&prefix, 63);
	assert_non_null(p);
	assert_int_equal(pool6_size(p), 1);
	assert_alloc6(p, "2001:db8:0:1::");
	assert_int_equal(pool6_alloc(p, &a), -1);
	pool6_free(p);

	p = pool6_new(&prefix, 44);
	assert_int_equal(pool6_size(p), POOL6_MAX - 1);
	a = ip6("2001:db8:f:ffff::");
	assert_int_equal(pool6_take(p, &a), 0);
	a = ip6("2001:db8:10::");
	errno = 0;
	assert_int_equal(pool6_take(p, &a), -1);
	assert_int_equal(errno, ENOENT);
	pool6_free(p);

	/* a /32 uses its first 2^20 /64s only */
	p = pool6_new(&prefix, 32);
	assert_non_null(p);
	assert_int_equal(pool6_size(p), POOL6_MAX - 1);
	a = ip6("2001:db8:f:ffff::");
	assert_int_equal(pool6_take(p, &a), 0);
	a = ip6("2001:db8:10::");
	errno = 0;
	assert_int_equal(pool6_take(p, &a), -1);
	assert_int_equal(errno, ENOENT);
	a = ip6("2001:db8:ffff:ffff::");
	assert_int_equal(pool6_take(p, &a), -1);
	assert_alloc6(p, "2001:db8:0:1::");
	pool6_free(p);

	/* bits past the prefix length are ignored */
	prefix = ip6("2001:db8:0:ff::");
	p = pool6_new(&prefix, 48);
	assert_alloc6(p, "2001:db8:0:1::");
	pool6_free(p);

	errno = 0;
	assert_null(pool6_new(&prefix, 31));
	assert_int_equal(errno, EINVAL);
	assert_null(pool6_new(&prefix, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_take_put),
		cmocka_unit_test(test_cidr_edges),
		cmocka_unit_test(test_multi_range),
		cmocka_unit_test(test_invalid_and_empty),
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_largest_range),
		cmocka_unit_test(test_crowded_search_cost),
		cmocka_unit_test(test_pool6),
		cmocka_unit_test(test_pool6_sizes),
	};

	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
