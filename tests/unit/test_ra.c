// SPDX-License-Identifier: GPL-2.0
/*
 * Router Advertisements: the built packet decoded field by field with its
 * checksum computed here independently; Router Solicitations accepted and
 * refused (checksum, hop limit, lengths, options), every truncation read
 * from an exact-size heap copy so that ASan sees any read past the end.
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

#include "addr/ra.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void assert_ip6(const uint8_t *p, const char *s)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, p, buf, sizeof(buf));
	assert_string_equal(buf, s);
}

/*
 * RFC 8200 8.1 checksum, written out: the pseudo-header (source, destination,
 * upper-layer length, three zeros, next header 58) and the ICMPv6 message
 * with its checksum field taken as zero, summed as 16-bit words.
 */
static uint16_t ref_csum(const uint8_t *pkt)
{
	uint32_t len = be16(pkt + 4);
	uint8_t *b = calloc(1, 40 + len + 1);
	uint32_t sum = 0;

	assert_non_null(b);
	memcpy(b, pkt + 8, 32);
	b[32] = (uint8_t)(len >> 24);
	b[33] = (uint8_t)(len >> 16);
	b[34] = (uint8_t)(len >> 8);
	b[35] = (uint8_t)len;
	b[39] = 58;
	memcpy(b + 40, pkt + 40, len);
	b[42] = b[43] = 0;
	for (uint32_t i = 0; i < 40 + len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	free(b);
	return (uint16_t)~sum;
}

static void test_ra_fields(void **state)
{
	struct in6_addr prefix = ip6("2001:db8:42:7::");
	struct in6_addr dns[2] = { ip6("2001:db8::53"), ip6("2001:db8::5353") };
	uint8_t buf[256];
	const uint8_t *ra = buf + 40, *o;
	size_t len;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	len = ra_build(buf, sizeof(buf), 0x0123456789abcdefull, &prefix, 1400, dns, 2, 1800);
	assert_int_equal(len, RA_SIZE_2DNS);
	assert_int_equal(len, 136);

	/* IPv6 header */
	assert_int_equal(buf[0], 0x60);
	assert_int_equal(buf[1] | buf[2] | buf[3], 0);		/* traffic class, flow */
	assert_int_equal(be16(buf + 4), len - 40);
	assert_int_equal(buf[6], 58);
	assert_int_equal(buf[7], 255);
	assert_ip6(buf + 8, "fe80::123:4567:89ab:cdef");
	assert_ip6(buf + 24, "ff02::1");

	/* the RA: type, code, checksum, hop limit, flags, lifetimes, timers */
	assert_int_equal(ra[0], 134);
	assert_int_equal(ra[1], 0);
	assert_int_equal(be16(ra + 2), ref_csum(buf));
	assert_int_equal(ra[4], 0);
	assert_int_equal(ra[5], 0);				/* M=0 O=0 */
	assert_int_equal(be16(ra + 6), 1800);
	assert_int_equal(be32(ra + 8), 0);
	assert_int_equal(be32(ra + 12), 0);

	/* Prefix Information */
	o = ra + 16;
	assert_int_equal(o[0], 3);
	assert_int_equal(o[1], 4);
	assert_int_equal(o[2], 64);
	assert_int_equal(o[3], 0xc0);				/* L, A */
	assert_int_equal(be32(o + 4), 86400);
	assert_int_equal(be32(o + 8), 14400);
	assert_int_equal(be32(o + 12), 0);
	assert_ip6(o + 16, "2001:db8:42:7::");

	/* MTU */
	o += 32;
	assert_int_equal(o[0], 5);
	assert_int_equal(o[1], 1);
	assert_int_equal(be16(o + 2), 0);
	assert_int_equal(be32(o + 4), 1400);

	/* RDNSS */
	o += 8;
	assert_int_equal(o[0], 25);
	assert_int_equal(o[1], 5);
	assert_int_equal(be16(o + 2), 0);
	assert_int_equal(be32(o + 4), 3 * 1800);
	assert_ip6(o + 8, "2001:db8::53");
	assert_ip6(o + 24, "2001:db8::5353");
	assert_int_equal(o + 40 - buf, len);
	assert_int_equal(buf[len], 0xaa);			/* nothing written past it */

	/* an RA is no RS */
	assert_false(ra_is_rs(buf, len));
}

static void test_ra_variants(void **state)
{
	struct in6_addr prefix = ip6("2001:db8:42:7:1:2:3:4");	/* a /64: its iid unused */
	struct in6_addr dns = ip6("2001:db8::53");
	uint8_t buf[256];
	size_t len;

	(void)state;
	len = ra_build(buf, sizeof(buf), 1, &prefix, 1280, NULL, 0, 0);
	assert_int_equal(len, 96);
	assert_int_equal(be16(buf + 4), 56);
	assert_ip6(buf + 8, "fe80::1");
	assert_int_equal(be16(buf + 40 + 2), ref_csum(buf));
	assert_int_equal(be16(buf + 40 + 6), 0);		/* lifetime 0: not a router */
	assert_ip6(buf + 40 + 16 + 16, "2001:db8:42:7::");
	assert_int_equal(be32(buf + 40 + 48 + 4), 1280);

	len = ra_build(buf, sizeof(buf), 1, &prefix, 1280, &dns, 1, 65535);
	assert_int_equal(len, 96 + 24);
	assert_int_equal(be16(buf + 40 + 6), RA_MAX_LIFETIME);
	assert_int_equal(buf[96 + 1], 3);
	assert_int_equal(be32(buf + 96 + 4), 3 * RA_MAX_LIFETIME);
	assert_int_equal(be16(buf + 40 + 2), ref_csum(buf));

	/* a zero lifetime withdraws the DNS servers along with the route */
	len = ra_build(buf, sizeof(buf), 1, &prefix, 1280, &dns, 1, 0);
	assert_int_equal(be32(buf + 96 + 4), 0);
}

static void test_ra_small_buffer(void **state)
{
	struct in6_addr prefix = ip6("2001:db8::");
	struct in6_addr dns[2] = { ip6("2001:db8::53"), ip6("2001:db8::54") };
	uint8_t buf[RA_SIZE_2DNS + 1];

	(void)state;
	for (size_t size = 0; size < RA_SIZE_2DNS; size++) {
		uint8_t *b = malloc(size ? size : 1);

		assert_non_null(b);
		assert_int_equal(ra_build(b, size, 1, &prefix, 1400, dns, 2, 600), 0);
		free(b);
	}
	assert_int_equal(ra_build(buf, RA_SIZE_2DNS, 1, &prefix, 1400, dns, 2, 600),
			 RA_SIZE_2DNS);
	assert_int_equal(ra_build(buf, sizeof(buf), 1, &prefix, 1400, dns, RA_MAX_DNS + 1, 600),
			 0);
}

/* --- Router Solicitation -------------------------------------------------------- */

/* fe80::1 -> ff02::2, hop limit 255, with opt (olen octets) after the RS header. */
static size_t make_rs(uint8_t *b, const char *src, const uint8_t *opt, size_t olen)
{
	struct in6_addr s = ip6(src), d = ip6("ff02::2");
	uint16_t c;

	memset(b, 0, 48 + olen);
	b[0] = 0x60;
	b[4] = (uint8_t)((8 + olen) >> 8);
	b[5] = (uint8_t)(8 + olen);
	b[6] = 58;
	b[7] = 255;
	memcpy(b + 8, &s, 16);
	memcpy(b + 24, &d, 16);
	b[40] = 133;
	if (olen)
		memcpy(b + 48, opt, olen);
	c = ref_csum(b);
	b[42] = (uint8_t)(c >> 8);
	b[43] = (uint8_t)c;
	return 48 + olen;
}

/* ra_is_rs on an exact-size heap copy of the first len octets. */
static bool is_rs(const uint8_t *pkt, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	bool r;

	assert_non_null(b);
	memcpy(b, pkt, len);
	r = ra_is_rs(b, len);
	free(b);
	return r;
}

static void fix_csum(uint8_t *b)
{
	uint16_t c = ref_csum(b);

	b[42] = (uint8_t)(c >> 8);
	b[43] = (uint8_t)c;
}

static void test_rs(void **state)
{
	static const uint8_t slla[8] = { 1, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t other[16] = { 14, 2 };		/* nonce option, 16 octets */
	static const uint8_t zero_len[8] = { 1, 0 };
	uint8_t b[128];
	size_t len;

	(void)state;
	len = make_rs(b, "fe80::1", NULL, 0);
	assert_true(is_rs(b, len));
	for (size_t l = 0; l < len; l++)
		assert_false(is_rs(b, l));
	/* a payload length that is not the packet's: trailing octet */
	b[len] = 0;
	assert_false(is_rs(b, len + 1));

	b[42] ^= 1;
	assert_false(is_rs(b, len));				/* checksum */
	b[42] ^= 1;
	b[7] = 254;
	assert_false(is_rs(b, len));				/* forwarded */
	b[7] = 255;
	b[41] = 1;
	fix_csum(b);
	assert_false(is_rs(b, len));				/* code */
	b[41] = 0;
	b[40] = 134;
	fix_csum(b);
	assert_false(is_rs(b, len));				/* type */
	b[40] = 133;
	b[6] = 0;
	assert_false(is_rs(b, len));				/* hop-by-hop header */
	b[6] = 58;
	b[0] = 0x40;
	assert_false(is_rs(b, len));				/* IPv4 */
	b[0] = 0x60;
	fix_csum(b);
	assert_true(is_rs(b, len));

	/* options: well-formed, then every way of not filling the message */
	len = make_rs(b, "fe80::1", slla, sizeof(slla));
	assert_true(is_rs(b, len));
	for (size_t l = 0; l < len; l++)
		assert_false(is_rs(b, l));
	len = make_rs(b, "::", other, sizeof(other));
	assert_true(is_rs(b, len));
	for (size_t l = 0; l < len; l++)
		assert_false(is_rs(b, l));
	len = make_rs(b, "::", slla, sizeof(slla));
	assert_false(is_rs(b, len));				/* SLLA from :: */
	len = make_rs(b, "fe80::1", zero_len, sizeof(zero_len));
	assert_false(is_rs(b, len));				/* zero length */
	len = make_rs(b, "fe80::1", other, 8);
	assert_false(is_rs(b, len));				/* longer than the rest */
	len = make_rs(b, "fe80::1", slla, 4);
	assert_false(is_rs(b, len));				/* a partial option */
}

/*
 * A peer soliciting in a loop: one RS every 10 ms for 10 s, the answer sent
 * when its timer runs out. The first RS is answered at once, the next RA
 * comes 3 s after the previous one (RFC 4861 MIN_DELAY_BETWEEN_RAS), every
 * RS in between is covered by the answer already due and counted.
 */
static void test_ra_pace(void **state)
{
	struct ra_pace p = { 0 };
	uint64_t t0 = 7000000, now, delay, fire = 0, sent_at[8];
	unsigned int sent = 0, covered = 0, rs = 0;
	bool armed = false;

	(void)state;
	for (now = t0; now < t0 + 10000; now += 10) {
		for (int pass = 0; pass < 2; pass++) {
			if (armed && now >= fire) {
				assert_true(sent < 8);
				sent_at[sent++] = now;
				ra_pace_sent(&p, now);
				armed = false;
			}
			if (pass)
				break;
			rs++;
			if (ra_pace_rs(&p, now, &delay)) {
				assert_false(armed);
				armed = true;
				fire = now + delay;
			} else {
				covered++;
			}
		}
	}
	assert_int_equal(sent, 4);	/* at 0, 3, 6 and 9 s */
	assert_int_equal(sent_at[0], t0);
	for (unsigned int i = 1; i < sent; i++)
		assert_int_equal(sent_at[i] - sent_at[i - 1], RA_MIN_DELAY_MS);
	assert_int_equal(covered, rs - sent - 1);	/* the last RS's answer is still due */

	/* After a quiet spell an RS is answered at once again. */
	memset(&p, 0, sizeof(p));
	ra_pace_sent(&p, 100000);	/* an unsolicited RA */
	assert_true(ra_pace_rs(&p, 101000, &delay));
	assert_int_equal(delay, 2000);
	ra_pace_sent(&p, 103000);
	assert_true(ra_pace_rs(&p, 106000, &delay));
	assert_int_equal(delay, 0);
}

/*
 * Unsolicited RAs with nobody soliciting: RA_INITIAL_COUNT of them
 * RA_INITIAL_INTERVAL_MS apart from IPv6CP's opening, then one every
 * RA_INTERVAL_MS. A client that dropped the first (its IPv6 not yet let
 * through) has its prefix from the second, 3 s later, not 10 minutes later.
 * A failed send is tried again soon; a solicited RA counts as one sent.
 */
static void test_ra_schedule(void **state)
{
	struct ra_pace p = { 0 };
	uint64_t now = 5000, at[6];

	(void)state;
	for (unsigned int i = 0; i < 6; i++) {
		at[i] = now;
		ra_pace_sent(&p, now);
		now += ra_pace_next(&p);
	}
	assert_int_equal(at[1] - at[0], 3000);
	assert_int_equal(at[2] - at[1], 3000);
	for (unsigned int i = 3; i < 6; i++)
		assert_int_equal(at[i] - at[i - 1], 600000);
	assert_true(600000 < 1800 * 1000 / 2);	/* well inside RA_LIFETIME_S */

	memset(&p, 0, sizeof(p));
	assert_int_equal(ra_pace_next(&p), 3000);	/* nothing out yet: soon */
	assert_true(ra_pace_rs(&p, 1000, &now));	/* an RS first */
	assert_int_equal(now, 0);
	ra_pace_sent(&p, 1000);
	assert_int_equal(ra_pace_next(&p), 3000);
	ra_pace_sent(&p, 4000);
	ra_pace_sent(&p, 7000);
	assert_int_equal(ra_pace_next(&p), 600000);
	for (unsigned int i = 0; i < 1000; i++)
		ra_pace_sent(&p, 7000 + i);
	assert_int_equal(ra_pace_next(&p), 600000);	/* saturates, never wraps */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra_fields),
		cmocka_unit_test(test_ra_variants),
		cmocka_unit_test(test_ra_small_buffer),
		cmocka_unit_test(test_rs),
		cmocka_unit_test(test_ra_pace),
		cmocka_unit_test(test_ra_schedule),
	};

	return cmocka_run_group_tests_name("ra", tests, NULL, NULL);
}
