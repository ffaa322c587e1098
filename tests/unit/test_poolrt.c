// SPDX-License-Identifier: GPL-2.0
/*
 * The pools' routes (poolrt.h): which prefixes a configuration's pools become,
 * and which addresses they hold. A range's prefixes hold every address of it
 * and none other (checked address by address around each range, and for
 * random ranges), are aligned (the kernel refuses host bits) and as few as a
 * range allows; a block A/N is its one route; the IPv6 prefix is one.
 * Addresses of routes not installed are held by none.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "config_parse.h"
#include "poolrt.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static bool covers4(const struct poolrt *rt, uint32_t a)
{
	struct in_addr n = { htonl(a) };

	return poolrt_covers(rt, AF_INET, &n);
}

static bool covers6(const struct poolrt *rt, const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return poolrt_covers(rt, AF_INET6, &a);
}

static void all_up(struct poolrt *rt)
{
	for (unsigned int i = 0; i < rt->n; i++)
		rt->p[i].up = true;
}

/* Each IPv4 prefix aligned, none overlapping another; the count of IPv4 ones. */
static unsigned int check_prefixes(const struct poolrt *rt)
{
	unsigned int n4 = 0;

	for (unsigned int i = 0; i < rt->n; i++) {
		const struct poolrt_pfx *p = &rt->p[i];
		uint32_t a = ntohl(p->a.v4.s_addr), size;

		if (p->family != AF_INET)
			continue;
		n4++;
		assert_true(p->plen >= 1 && p->plen <= 32);
		size = p->plen == 32 ? 1 : 1u << (32 - p->plen);
		assert_int_equal(a & (size - 1), 0);
		for (unsigned int j = 0; j < rt->n; j++) {
			const struct poolrt_pfx *q = &rt->p[j];
			uint32_t b = ntohl(q->a.v4.s_addr);

			if (j == i || q->family != AF_INET)
				continue;
			assert_false(b >= a && b - a < size);	/* q does not start inside p */
		}
	}
	return n4;
}

/* Addresses first - 300 .. last + 300: held exactly when inside first..last. */
static void check_range(const struct poolrt *rt, uint32_t first, uint32_t last)
{
	for (uint64_t a = first >= 300 ? first - 300 : 0; a <= (uint64_t)last + 300; a++)
		assert_int_equal(covers4(rt, (uint32_t)a), a >= first && a <= last);
}

static void plan_of(const char *ppp, struct l2sec_config *cfg, struct poolrt *rt)
{
	char text[1024];
	struct errs e;

	snprintf(text, sizeof(text), "[ppp]\nlocal-address = 10.255.0.1\n%s", ppp);
	if (parse(text, cfg, &e))
		fail_msg("line %u: %s", e.line[0], e.msg[0]);
	assert_int_equal(poolrt_plan(rt, cfg), 0);
}

/* The pools of sess_mem's gateway: ranges, named pools, a block, the IPv6 prefix. */
static void test_plan(void **state)
{
	struct l2sec_config cfg;
	struct poolrt rt;

	(void)state;
	plan_of("pool = 10.77.0.10-10.77.3.250\n"
		"named-pools = staff:10.78.0.10-10.78.0.11 guests:10.78.1.0/24\n"
		"ipv6 = yes\nipv6-prefix = 2001:db8:77::/48\n", &cfg, &rt);
	/* 10 -> .0.10/31 .0.12/30 .0.16/28 .0.32/27 .0.64/26 .0.128/25 .1/24 .2/24 ... */
	assert_int_equal(check_prefixes(&rt), 15 + 1 + 1);
	assert_int_equal(rt.n, 18);
	/* nothing installed: nothing held */
	assert_false(covers4(&rt, ip("10.77.1.1")));
	assert_false(covers6(&rt, "2001:db8:77:1::"));
	all_up(&rt);
	check_range(&rt, ip("10.77.0.10"), ip("10.77.3.250"));
	/* staff's two addresses and guests' block, its network and broadcast addresses with it */
	assert_true(covers4(&rt, ip("10.78.0.10")) && covers4(&rt, ip("10.78.0.11")));
	assert_false(covers4(&rt, ip("10.78.0.9")) || covers4(&rt, ip("10.78.0.12")));
	assert_true(covers4(&rt, ip("10.78.1.0")) && covers4(&rt, ip("10.78.1.255")));
	assert_false(covers4(&rt, ip("10.78.0.255")) || covers4(&rt, ip("10.78.2.0")));
	assert_false(covers4(&rt, ip("10.255.0.1")));	/* the gateway's own */
	/* one route for the IPv6 prefix: every /64 of it, none outside */
	assert_true(covers6(&rt, "2001:db8:77:abcd::"));
	assert_true(covers6(&rt, "2001:db8:77:ffff::"));
	assert_false(covers6(&rt, "2001:db8:78::"));
	assert_false(covers6(&rt, "2001:db8:99:1::"));
	/* exactly a prefix of it, or not */
	{
		struct in_addr b = { htonl(ip("10.78.1.0")) }, r = { htonl(ip("10.78.1.1")) };
		struct in6_addr p6;

		assert_true(poolrt_is(&rt, AF_INET, &b, 24));
		assert_false(poolrt_is(&rt, AF_INET, &b, 25));
		assert_false(poolrt_is(&rt, AF_INET, &r, 32));
		assert_int_equal(inet_pton(AF_INET6, "2001:db8:77::", &p6), 1);
		assert_true(poolrt_is(&rt, AF_INET6, &p6, 48));
		assert_false(poolrt_is(&rt, AF_INET6, &p6, 64));
	}
	poolrt_free(&rt);
	assert_int_equal(rt.n, 0);
	assert_null(rt.p);

	/* ipv6 = no: no IPv6 route */
	plan_of("pool = 10.77.0.0/16\nipv6 = yes\nipv6-prefix = 2001:db8:77::/48\n", &cfg, &rt);
	assert_int_equal(rt.n, 2);
	poolrt_free(&rt);
	cfg.ipv6 = false;
	assert_int_equal(poolrt_plan(&rt, &cfg), 0);
	assert_int_equal(rt.n, 1);
	all_up(&rt);
	assert_false(covers6(&rt, "2001:db8:77:1::"));
	assert_true(covers4(&rt, ip("10.77.255.255")));
	poolrt_free(&rt);
}

/* The least a range allows: a /31 and a /32 written as blocks are ranges; 2^k aligned: one. */
static void test_counts(void **state)
{
	static const struct {
		const char *pool;
		unsigned int n;
	} t[] = {
		{ "10.0.0.0-10.0.255.255", 1 },
		{ "10.0.0.1-10.0.0.254", 14 },	/* a /24 less its ends, written as a range */
		{ "10.0.0.0/24", 1 },
		{ "10.64.0.0/13", 1 },
		{ "10.0.0.0/30", 1 },
		{ "10.0.0.0/31", 1 },
		{ "10.0.0.7/32", 1 },
		{ "10.0.0.7", 1 },
		{ "10.0.0.1-10.15.255.254", 38 },	/* the largest a range may be, less its ends */
		{ "10.0.0.3-10.0.0.4", 2 },
	};
	struct l2sec_config cfg;
	struct poolrt rt;
	char line[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "pool = %s\n", t[i].pool);
		plan_of(line, &cfg, &rt);
		assert_int_equal(check_prefixes(&rt), t[i].n);
		all_up(&rt);
		if (!cfg.pool[0].block)
			check_range(&rt, ntohl(cfg.pool[0].first.s_addr),
				    ntohl(cfg.pool[0].last.s_addr));
		poolrt_free(&rt);
	}
}

/* Random ranges, up to 16 of them: each address near them held exactly when in one. */
static void test_random_ranges(void **state)
{
	struct l2sec_config cfg;
	struct poolrt rt;

	(void)state;
	srandom(19);
	for (int round = 0; round < 200; round++) {
		uint32_t base = ip("10.0.0.0") + ((uint32_t)random() % 4096) * 4096;

		memset(&cfg, 0, sizeof(cfg));
		cfg.n_pool = 1 + (unsigned int)random() % 4;
		for (unsigned int i = 0; i < cfg.n_pool; i++) {
			uint32_t first = base + i * 1024 + (uint32_t)random() % 300;
			uint32_t last = first + (uint32_t)random() % 600;

			cfg.pool[i].first.s_addr = htonl(first);
			cfg.pool[i].last.s_addr = htonl(last);
		}
		assert_int_equal(poolrt_plan(&rt, &cfg), 0);
		check_prefixes(&rt);
		all_up(&rt);
		for (uint32_t a = base - 64; a < base + 4 * 1024 + 64; a++) {
			bool in = false;

			for (unsigned int i = 0; i < cfg.n_pool; i++)
				in |= a >= ntohl(cfg.pool[i].first.s_addr) &&
				      a <= ntohl(cfg.pool[i].last.s_addr);
			assert_int_equal(covers4(&rt, a), in);
		}
		poolrt_free(&rt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_random_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
