// SPDX-License-Identifier: GPL-2.0
/*
 * core/sa46.h: what a tunnel keeps of its peer's address. An IPv4 or IPv6
 * socket address comes in whole, with its length for the APIs that take
 * one; another family, a short one or none is refused and leaves AF_UNSPEC;
 * nothing past the family's structure is read or written.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include <cmocka.h>

#include "core/sa46.h"

static const union sa46 unspec;

static struct sockaddr_storage v4(const char *a, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0xa5, sizeof(ss));	/* what follows the structure must not count */
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, a, &sin->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *a, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0xa5, sizeof(ss));
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, a, &sin6->sin6_addr), 1);
	return ss;
}

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(sizeof(union sa46), 28);
	assert_int_equal(sa46_len(&unspec), 0);
}

static void test_from_ipv4(void **state)
{
	struct sockaddr_storage ss = v4("192.0.2.7", 1701), back;
	union sa46 a;

	(void)state;
	assert_int_equal(sa46_from(&a, &ss, sizeof(ss)), 0);
	assert_int_equal(a.sa.sa_family, AF_INET);
	assert_int_equal(sa46_len(&a), sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(a.sin.sin_port), 1701);
	assert_memory_equal(&a.sin, &ss, sizeof(struct sockaddr_in));
	/* exactly the structure's length is enough */
	assert_int_equal(sa46_from(&a, &ss, sizeof(struct sockaddr_in)), 0);
	/* and back: the structure, then zeros */
	sa46_to_ss(&a, &back);
	assert_memory_equal(&back, &ss, sizeof(struct sockaddr_in));
	for (size_t i = sizeof(struct sockaddr_in); i < sizeof(back); i++)
		assert_int_equal(((uint8_t *)&back)[i], 0);
}

static void test_from_ipv6(void **state)
{
	struct sockaddr_storage ss = v6("2001:db8::1:2", 4500), back;
	union sa46 a;

	(void)state;
	assert_int_equal(sa46_from(&a, &ss, sizeof(ss)), 0);
	assert_int_equal(a.sa.sa_family, AF_INET6);
	assert_int_equal(sa46_len(&a), sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(a.sin6.sin6_port), 4500);
	assert_memory_equal(&a, &ss, sizeof(a));
	assert_int_equal(sa46_from(&a, &ss, sizeof(struct sockaddr_in6)), 0);
	sa46_to_ss(&a, &back);
	assert_memory_equal(&back, &ss, sizeof(struct sockaddr_in6));
	for (size_t i = sizeof(struct sockaddr_in6); i < sizeof(back); i++)
		assert_int_equal(((uint8_t *)&back)[i], 0);
}

static void test_other_family_refused(void **state)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/run/x" };
	struct sockaddr_storage ss = v4("192.0.2.7", 1701);
	union sa46 a;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(sa46_from(&a, &un, sizeof(un)), -1);
	assert_memory_equal(&a, &unspec, sizeof(a));	/* AF_UNSPEC, no stale bytes */
	assert_int_equal(sa46_len(&a), 0);
	ss.ss_family = AF_UNSPEC;
	assert_int_equal(sa46_from(&a, &ss, sizeof(ss)), -1);
	ss.ss_family = AF_PACKET;
	assert_int_equal(sa46_from(&a, &ss, sizeof(ss)), -1);
	assert_int_equal(sa46_from(&a, NULL, sizeof(ss)), -1);
	assert_memory_equal(&a, &unspec, sizeof(a));
	/* an unknown family has no length, so nothing to hand an API */
	sa46_to_ss(&a, &ss);
	for (size_t i = 0; i < sizeof(ss); i++)
		assert_int_equal(((uint8_t *)&ss)[i], 0);
}

static void test_short_refused(void **state)
{
	struct sockaddr_storage s4 = v4("192.0.2.7", 1701), s6 = v6("2001:db8::1", 1701);
	union sa46 a;

	(void)state;
	assert_int_equal(sa46_from(&a, &s4, sizeof(struct sockaddr_in) - 1), -1);
	assert_int_equal(a.sa.sa_family, AF_UNSPEC);
	assert_int_equal(sa46_from(&a, &s6, sizeof(struct sockaddr_in6) - 1), -1);
	assert_int_equal(a.sa.sa_family, AF_UNSPEC);
	/* an IPv6 address in an IPv4 structure's length: short for its family */
	assert_int_equal(sa46_from(&a, &s6, sizeof(struct sockaddr_in)), -1);
	assert_int_equal(sa46_from(&a, &s4, 1), -1);
	assert_int_equal(sa46_from(&a, &s4, 0), -1);
	assert_memory_equal(&a, &unspec, sizeof(a));
}

static void test_compare_and_key(void **state)
{
	struct sockaddr_storage s4 = v4("192.0.2.7", 1701), s4p = v4("192.0.2.7", 1702);
	struct sockaddr_storage s6 = v6("c000:207::", 1701), s6b = v6("2001:db8::1", 1701);
	union sa46 a, b, c, d, e;
	uint8_t k[16] = { 0 };
	uint16_t port = 0;

	(void)state;
	assert_int_equal(sa46_from(&a, &s4, sizeof(s4)), 0);
	assert_int_equal(sa46_from(&b, &s4p, sizeof(s4p)), 0);
	assert_int_equal(sa46_from(&c, &s6, sizeof(s6)), 0);
	assert_int_equal(sa46_from(&d, &s6b, sizeof(s6b)), 0);
	assert_int_equal(sa46_from(&e, &s6b, sizeof(s6b)), 0);
	assert_true(sa46_same(&a, &a));
	assert_false(sa46_same(&a, &b));	/* another port */
	assert_true(sa46_same_ip(&a, &b));
	/* the same first four octets in another family are another address */
	assert_false(sa46_same_ip(&a, &c));
	assert_false(sa46_same(&a, &c));
	assert_true(sa46_same(&d, &e));
	assert_false(sa46_same(&c, &d));
	assert_false(sa46_same(&unspec, &unspec));
	assert_false(sa46_same_ip(&unspec, &unspec));
	assert_int_equal(sa46_key(&a, k, &port), AF_INET);
	assert_memory_equal(k, "\xc0\x00\x02\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(ntohs(port), 1701);
	assert_int_equal(sa46_key(&d, k, &port), AF_INET6);
	assert_memory_equal(k, &d.sin6.sin6_addr, 16);
	port = 7;
	assert_int_equal(sa46_key(&unspec, k, &port), 0);
	assert_int_equal(port, 7);		/* nothing written */
}

/* As Calling-Station-Id and the log lines name a peer: "?" for no IP family. */
static void test_str(void **state)
{
	struct sockaddr_storage a = v4("192.0.2.7", 1701), b = v6("2001:db8::5", 4500);
	union sa46 x;
	char buf[INET6_ADDRSTRLEN + 10];

	(void)state;
	assert_int_equal(sa46_from(&x, &a, sizeof(a)), 0);
	assert_string_equal(sa46_str(&x, buf, sizeof(buf)), "192.0.2.7:1701");
	assert_int_equal(sa46_from(&x, &b, sizeof(b)), 0);
	assert_string_equal(sa46_str(&x, buf, sizeof(buf)), "[2001:db8::5]:4500");
	assert_string_equal(sa46_str(&unspec, buf, sizeof(buf)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_from_ipv4),
		cmocka_unit_test(test_from_ipv6),
		cmocka_unit_test(test_other_family_refused),
		cmocka_unit_test(test_short_refused),
		cmocka_unit_test(test_compare_and_key),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
