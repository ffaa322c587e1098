// SPDX-License-Identifier: GPL-2.0
/*
 * Router Advertisements (ra.c): any bytes as an IPv6 packet a client sends
 * over PPP (ra_is_rs), and RAs built from values taken from the input.
 *
 * Input: byte 0 selects; the rest is the packet (or the RA's values).
 * Oracles besides the sanitizers: ra_is_rs accepts only what RFC 4861
 * 6.1.1 allows, checked here independently (IPv6, next header 58, payload
 * length, hop limit 255, type 133 code 0, options that fill the message,
 * no zero-length option); every RA built fits its buffer exactly, is itself
 * no RS, carries hop limit 255, ff02::1, the prefix, MTU and DNS servers
 * asked for, and a checksum that verifies.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr/ra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* The ICMPv6 checksum over the pseudo-header and the message: 0 when valid. */
static uint16_t icmp6_sum(const uint8_t *pkt, size_t len)
{
	uint32_t sum = 0;
	size_t plen = len - 40;

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	sum += (uint32_t)plen + 58;
	for (size_t i = 40; i < len; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | (i + 1 < len ? pkt[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool is_rs(const uint8_t *p, size_t len)
{
	static const uint8_t unspec[16];
	size_t i;

	if (len < 48 || (p[0] >> 4) != 6 || p[6] != 58 || p[7] != 255 ||
	    (size_t)(p[4] << 8 | p[5]) != len - 40 || p[40] != 133 || p[41] != 0 ||
	    icmp6_sum(p, len))
		return false;
	for (i = 48; i < len;) {
		if (i + 2 > len || !p[i + 1] || i + 8 * (size_t)p[i + 1] > len)
			return false;
		if (p[i] == 1 && !memcmp(p + 8, unspec, 16))
			return false;
		i += 8 * (size_t)p[i + 1];
	}
	return true;
}

static void build(const uint8_t *d, size_t n)
{
	uint8_t in[64] = { 0 }, *buf;
	struct in6_addr prefix, dns[RA_MAX_DNS + 1];
	uint64_t id;
	uint32_t mtu;
	uint16_t life;
	unsigned int ndns;
	size_t size, len, want;

	memcpy(in, d, n < sizeof(in) ? n : sizeof(in));
	memcpy(&id, in, 8);
	memcpy(&prefix, in + 8, 16);
	memcpy(&mtu, in + 24, 4);
	memcpy(&life, in + 28, 2);
	ndns = in[30];
	size = (size_t)in[31] * 16;
	for (unsigned int i = 0; i <= RA_MAX_DNS; i++) {
		memcpy(&dns[i], in + 32, 16);
		dns[i].s6_addr[15] = (uint8_t)i;
	}
	want = 40 + 16 + 32 + 8 + (ndns ? 8 + 16 * (size_t)ndns : 0);
	buf = malloc(size ? size : 1);
	len = ra_build(buf, size, id, &prefix, mtu, dns, ndns, life);
	if (ndns > RA_MAX_DNS || want > size) {
		CHECK(len == 0);
		free(buf);
		return;
	}
	CHECK(len == want);
	CHECK((buf[0] >> 4) == 6 && buf[6] == 58 && buf[7] == 255);
	CHECK((size_t)(buf[4] << 8 | buf[5]) == len - 40);
	CHECK(buf[24] == 0xff && buf[25] == 0x02 && buf[39] == 1);
	CHECK(buf[8] == 0xfe && buf[9] == 0x80);
	CHECK(buf[40] == 134 && buf[41] == 0 && icmp6_sum(buf, len) == 0);
	CHECK(!memcmp(buf + 56 + 16, &prefix, 8));
	if (ndns)
		CHECK(!memcmp(buf + len - 16 * ndns, &dns[0], 16));
	CHECK(!ra_is_rs(buf, len));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *pkt;

	if (size < 1 || size > 65536)
		return 0;
	if (data[0] & 1) {
		build(data + 1, size - 1);
		return 0;
	}
	/* an exact-size copy, so a read past the end shows */
	pkt = malloc(size - 1 ? size - 1 : 1);
	memcpy(pkt, data + 1, size - 1);
	CHECK(ra_is_rs(pkt, size - 1) == is_rs(pkt, size - 1));
	free(pkt);
	return 0;
}
