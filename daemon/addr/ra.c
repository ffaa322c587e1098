// SPDX-License-Identifier: GPL-2.0
/*
 * Router Advertisements for PPP links: build one, recognise a Router
 * Solicitation. Byte-level, on the wire format of RFC 8200, RFC 4861 and
 * RFC 8106.
 */
#include <string.h>

#include "addr/ra.h"
#include "core/util.h"

enum {
	IP6_HLEN = 40,
	IP6_NH_ICMP6 = 58,
	ND_HOP_LIMIT = 255,	/* RFC 4861: proves the packet was not forwarded */
	ND_RS = 133,
	ND_RA = 134,
	ND_OPT_SLLA = 1,
	ND_OPT_PREFIX = 3,
	ND_OPT_MTU = 5,
	ND_OPT_RDNSS = 25,
	RA_HLEN = 16,
	PREFIX_OPT_LEN = 32,
	MTU_OPT_LEN = 8,
	PREFIX_VALID = 86400,
	PREFIX_PREFERRED = 14400,
};

static uint64_t sum16(uint64_t sum, const uint8_t *b, size_t len)
{
	for (; len > 1; b += 2, len -= 2)
		sum += get_be16(b);
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

/*
 * The ICMPv6 checksum over the pseudo-header of ip6 (its addresses) and msg.
 * With msg's checksum field zero it is the value to store; over a message
 * that carries a correct one it is 0.
 */
static uint16_t icmp6_csum(const uint8_t *ip6, const uint8_t *msg, uint32_t len)
{
	uint8_t ph[8] = { 0 };
	uint64_t sum;

	put_be32(ph, len);
	ph[7] = IP6_NH_ICMP6;
	sum = sum16(0, ip6 + 8, 32);
	sum = sum16(sum, ph, sizeof(ph));
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_ip6_header(uint8_t *b, uint16_t payload, uint64_t local_id)
{
	b[0] = 6 << 4;
	put_be16(b + 4, payload);
	b[6] = IP6_NH_ICMP6;
	b[7] = ND_HOP_LIMIT;
	b[8] = 0xfe;				/* fe80::<local_id> */
	b[9] = 0x80;
	put_be64(b + 16, local_id);
	b[24] = 0xff;				/* ff02::1, all nodes */
	b[25] = 0x02;
	b[39] = 0x01;
}

static uint8_t *put_prefix(uint8_t *o, const struct in6_addr *prefix64)
{
	o[0] = ND_OPT_PREFIX;
	o[1] = PREFIX_OPT_LEN / 8;
	o[2] = 64;
	o[3] = 0xc0;				/* L: on-link, A: autonomous (SLAAC) */
	put_be32(o + 4, PREFIX_VALID);
	put_be32(o + 8, PREFIX_PREFERRED);
	memcpy(o + 16, prefix64->s6_addr, 8);	/* the interface id stays zero */
	return o + PREFIX_OPT_LEN;
}

static uint8_t *put_mtu(uint8_t *o, uint32_t mtu)
{
	o[0] = ND_OPT_MTU;
	o[1] = MTU_OPT_LEN / 8;
	put_be32(o + 4, mtu);
	return o + MTU_OPT_LEN;
}

static uint8_t *put_rdnss(uint8_t *o, const struct in6_addr *dns, unsigned int n,
			  uint32_t lifetime)
{
	o[0] = ND_OPT_RDNSS;
	o[1] = (uint8_t)(1 + 2 * n);
	put_be32(o + 4, lifetime);
	for (unsigned int i = 0; i < n; i++)
		memcpy(o + 8 + 16 * i, dns[i].s6_addr, 16);
	return o + 8 + 16 * n;
}

size_t ra_build(uint8_t *buf, size_t size, uint64_t local_id, const struct in6_addr *prefix64,
		uint32_t mtu, const struct in6_addr *dns, unsigned int n, uint16_t lifetime_s)
{
	size_t len = IP6_HLEN + RA_HLEN + PREFIX_OPT_LEN + MTU_OPT_LEN + (n ? 8 + 16 * n : 0);
	uint16_t lifetime = lifetime_s > RA_MAX_LIFETIME ? RA_MAX_LIFETIME : lifetime_s;
	uint8_t *ra = buf + IP6_HLEN, *o;

	if (n > RA_MAX_DNS || size < len)
		return 0;
	memset(buf, 0, len);
	put_ip6_header(buf, (uint16_t)(len - IP6_HLEN), local_id);
	/*
	 * Cur hop limit 0 (unspecified: the client keeps its own default), no
	 * M or O flag (addresses by SLAAC, DNS by RDNSS), reachable time and
	 * retransmit timer unspecified.
	 */
	ra[0] = ND_RA;
	put_be16(ra + 6, lifetime);
	o = put_prefix(ra + RA_HLEN, prefix64);
	o = put_mtu(o, mtu);
	if (n)
		put_rdnss(o, dns, n, 3u * lifetime);
	put_be16(ra + 2, icmp6_csum(buf, ra, (uint32_t)(len - IP6_HLEN)));
	return len;
}

/* Options of non-zero length that fill len exactly; no SLLA from ::. */
static bool rs_options_ok(const uint8_t *o, size_t len, bool unspecified_src)
{
	while (len) {
		if (len < 8 || !o[1] || o[1] * 8u > len)
			return false;
		if (o[0] == ND_OPT_SLLA && unspecified_src)
			return false;
		len -= o[1] * 8u;
		o += o[1] * 8u;
	}
	return true;
}

bool ra_is_rs(const uint8_t *pkt, size_t len)
{
	static const uint8_t unspecified[16];
	const uint8_t *icmp = pkt + IP6_HLEN;
	size_t plen;

	if (len < IP6_HLEN + 8 || pkt[0] >> 4 != 6 || pkt[6] != IP6_NH_ICMP6 ||
	    pkt[7] != ND_HOP_LIMIT)
		return false;
	plen = get_be16(pkt + 4);
	if (plen != len - IP6_HLEN)
		return false;
	if (icmp[0] != ND_RS || icmp[1] != 0 || icmp6_csum(pkt, icmp, (uint32_t)plen))
		return false;
	return rs_options_ok(icmp + 8, plen - 8, !memcmp(pkt + 8, unspecified, 16));
}

bool ra_pace_rs(struct ra_pace *p, uint64_t now, uint64_t *delay_ms)
{
	if (p->due)
		return false;
	p->due = true;
	*delay_ms = p->sent && now - p->last_ms < RA_MIN_DELAY_MS ?
		    RA_MIN_DELAY_MS - (now - p->last_ms) : 0;
	return true;
}

void ra_pace_sent(struct ra_pace *p, uint64_t now)
{
	p->last_ms = now;
	if (p->n_sent < RA_INITIAL_COUNT)
		p->n_sent++;
	p->sent = true;
	p->due = false;
}

uint64_t ra_pace_next(const struct ra_pace *p)
{
	return p->n_sent < RA_INITIAL_COUNT ? RA_INITIAL_INTERVAL_MS : RA_INTERVAL_MS;
}
