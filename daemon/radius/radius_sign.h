/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of RADIUS that holds a shared secret: signing the requests the
 * gateway sends and checking the answers it receives (and the other way
 * round for RFC 5176's CoA and Disconnect requests). It runs where the
 * secrets are, the privileged parent; the engine gets only packets that
 * passed radius_verify_*() and parses them with radius_pkt.h.
 *
 *   request                 Request Authenticator          Message-Authenticator
 *   Access-Request          random (RFC 2865 section 3)     HMAC-MD5 over the packet
 *   Accounting-Request,     MD5(packet with 16 zero octets  HMAC-MD5 with the
 *   CoA/Disconnect-Request    there + secret) (RFC 2866/5176) authenticator zeroed
 *   answers                 MD5(packet with the request's   HMAC-MD5 with the
 *                             authenticator + secret)        request's authenticator
 *
 * Message-Authenticator (RFC 3579 section 3.2) goes on every request signed
 * here, and radius_verify_answer() requires it on every Access-Accept, -Reject
 * and -Challenge and on CoA/Disconnect ACK/NAK (the Blast-RADIUS forgery
 * needs an answer without it); on an Accounting-Response, which servers
 * usually send without, one present must verify.
 * Crypto is nettle's MD5 and HMAC-MD5; comparisons are constant-time.
 */
#ifndef L2SECD_RADIUS_SIGN_H
#define L2SECD_RADIUS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "radius/radius_pkt.h"

struct radius_secret {
	const uint8_t *data;
	size_t len;		/* 1..RADIUS_SECRET_MAX */
};
#define RADIUS_SECRET_MAX	128

/*
 * Sign request p in place for secret: a Message-Authenticator is added when
 * p has none, a clear User-Password (radius_put_password) is hidden
 * (RFC 2865 section 5.2), and the authenticator set: for an Access-Request
 * the 16 octets of auth, or random ones when auth is NULL. Sign a copy: a
 * signed packet is signed for one secret and one authenticator. 0, -EMSGSIZE
 * (no room for the Message-Authenticator), -EINVAL (not a request code, a
 * malformed packet, a User-Password that would go in clear: two of them, or
 * one outside an Access-Request), -EIO (no randomness).
 */
int radius_sign_request(struct radius_pkt *p, const struct radius_secret *s,
			const uint8_t *auth);

/*
 * Sign answer p (Message-Authenticator added, Response Authenticator set)
 * to the request whose authenticator is req_auth. The gateway answers CoA
 * and Disconnect requests with it; the tests play servers with it.
 */
int radius_sign_answer(struct radius_pkt *p, const struct radius_secret *s,
		       const uint8_t req_auth[RADIUS_AUTH_LEN]);

/*
 * Check answer m (decoded) to the request whose authenticator is req_auth
 * and code req_code: its code answers that request, its Response
 * Authenticator and its Message-Authenticator (required as above).
 * RADIUS_OK or why not.
 */
enum radius_err radius_verify_answer(const struct radius_msg *m, uint8_t req_code,
				     const uint8_t req_auth[RADIUS_AUTH_LEN],
				     const struct radius_secret *s);

/*
 * Check a CoA-Request or Disconnect-Request (decoded): its Request
 * Authenticator and its Message-Authenticator, required. (A server plays
 * the same check on our Accounting-Requests, tests use it so.)
 */
enum radius_err radius_verify_request(const struct radius_msg *m,
				      const struct radius_secret *s);

/*
 * User-Password hiding (RFC 2865 section 5.2) of len octets (a multiple of
 * 16, at most 128) in place, and back; for the tests and for a server.
 */
void radius_hide_password(uint8_t *pw, size_t len, const struct radius_secret *s,
			  const uint8_t req_auth[RADIUS_AUTH_LEN]);
void radius_unhide_password(uint8_t *pw, size_t len, const struct radius_secret *s,
			    const uint8_t req_auth[RADIUS_AUTH_LEN]);

#endif
