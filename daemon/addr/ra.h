/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMPv6 Router Advertisements on a PPP link (RFC 4861, RFC 8106 RDNSS).
 *
 * A PPP link has no link-layer addresses and one peer: the gateway answers
 * the peer's Router Solicitations and advertises the session's /64 (SLAAC)
 * from its IPv6CP link-local address. Packets are complete IPv6 packets, sent
 * and received as PPP protocol 0x0057 frames. No state, no allocation.
 */
#ifndef L2SECD_RA_H
#define L2SECD_RA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RA_MAX_LIFETIME 9000	/* seconds, RFC 4861 6.2.1 AdvDefaultLifetime */
#define RA_MAX_DNS 127		/* an RDNSS option's length is 1 + 2n units of 8 */
/* An RA with two DNS servers: IPv6 header, RA, prefix, MTU, RDNSS options. */
#define RA_SIZE_2DNS (40 + 16 + 32 + 8 + 8 + 2 * 16)

/*
 * Build an RA from fe80::<local_id> to ff02::1 into buf (hop limit 255),
 * with: router lifetime lifetime_s (above RA_MAX_LIFETIME taken as that),
 * M=0 O=0, a Prefix Information option for the /64 prefix64 (L=1, A=1, valid
 * 86400 s, preferred 14400 s; its last 64 bits are not used), an MTU option
 * with mtu, and when n > 0 an RDNSS option listing dns[0..n-1] with lifetime
 * 3 * lifetime_s (0 withdraws them, as the router lifetime 0 does the route).
 * The ICMPv6 checksum is filled in. Returns the length, or 0 if buf is too
 * small or n > RA_MAX_DNS. local_id is in host byte order, as IPv6CP's
 * interface identifiers are (ppp.h ipv6cp_up).
 */
size_t ra_build(uint8_t *buf, size_t size, uint64_t local_id, const struct in6_addr *prefix64,
		uint32_t mtu, const struct in6_addr *dns, unsigned int n, uint16_t lifetime_s);

/*
 * True when pkt is a well-formed ICMPv6 Router Solicitation (RFC 4861
 * 6.1.1): IPv6 with next header 58 (no extension headers), payload length
 * exactly len - 40, hop limit 255, type 133 code 0, valid checksum, options
 * of non-zero length that fill the message, no source link-layer address
 * option from the unspecified address. Never reads past len.
 */
bool ra_is_rs(const uint8_t *pkt, size_t len);

/* RFC 4861 10: MIN_DELAY_BETWEEN_RAS, per link (here: per session) */
#define RA_MIN_DELAY_MS 3000
/*
 * Unsolicited RAs (RFC 4861 6.2.4): the first RA_INITIAL_COUNT
 * (MAX_INITIAL_RTR_ADVERTISEMENTS) RA_INITIAL_INTERVAL_MS apart, then one
 * every RA_INTERVAL_MS, well inside the lifetime. Several at first because
 * the first may be lost: it leaves as IPv6CP opens, and a client whose pppd
 * has not yet let IPv6 through drops it; on the kernel data path its Router
 * Solicitations reach l2sec0, not l2secd, so they cannot ask for another.
 */
#define RA_INITIAL_COUNT	3
#define RA_INITIAL_INTERVAL_MS	RA_MIN_DELAY_MS
#define RA_INTERVAL_MS		600000

/*
 * Answers to Router Solicitations on one link (RFC 4861 6.2.6): an RS is
 * answered at once when the last RA went out at least RA_MIN_DELAY_MS
 * before, else when that much time has passed; an RS that arrives while an
 * answer is already due gets that answer and no RA of its own, so a peer
 * sending RSs in a loop gets one RA every 3 s. (The random delay of up to
 * MAX_RA_DELAY_TIME is for links with several routers: a PPP link has one.)
 * Zero-initialised: no RA sent yet.
 */
struct ra_pace {
	uint64_t last_ms;	/* when the last RA went out, if sent */
	unsigned int n_sent;	/* RAs out, solicited or not (saturates) */
	bool sent;
	bool due;		/* an answer is scheduled */
};

/*
 * An RS arrived at now (ms, monotonic): true with the delay after which
 * to send the answer, or false when the answer already due covers it (the
 * caller counts it).
 */
bool ra_pace_rs(struct ra_pace *p, uint64_t now, uint64_t *delay_ms);
/* An RA (solicited or not) went out at now. */
void ra_pace_sent(struct ra_pace *p, uint64_t now);
/* After an RA (or a failed try), the delay to the next unsolicited one. */
uint64_t ra_pace_next(const struct ra_pace *p);

#endif
