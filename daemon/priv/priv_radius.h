/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RADIUS under privsep, the parent's side (issues 17 and 21): the shared
 * secret stays in the parent, which signs the engine's requests and checks
 * the answers the engine received (radius/radius_sign.h); the engine owns the
 * client (retries, failover, queue) and parses the answers itself, once the
 * parent said they verified.
 *
 *   RADIUS_SIGN    server S of a link exists; the link's request code alone
 *                  (auth: Access-Request, naming its session; acct:
 *                  Accounting-Request, naming none, but the record the parent
 *                  keeps (priv_acct.h) that it is a try of: then it must be
 *                  that record); a packet that decodes,
 *                  at most PRIV_RADIUS_MAX octets, with a User-Name in an
 *                  Access-Request and a User-Password in an Access-Request
 *                  only. The reply: the packet signed (random authenticator).
 *   RADIUS_VERIFY  an answer from server S to a request of the link's code;
 *                  for the auth link a request the parent signed, by its
 *                  identifier and authenticator. The reply: radius_err
 *                  (RADIUS_OK: verified). A verified Accounting-Response to
 *                  a try of a kept record ends that record.
 * A verified Access-Accept authenticates the session its Access-Request
 * named (priv_check.c applies it): the engine's word that RADIUS accepted is
 * never taken. Its Framed-IP-Address becomes the session's static address
 * (claimable outside the pools only with framed-ip-outside-pool = yes), its
 * Framed-Pool the pool the session's address comes from, its
 * Framed-IPv6-Prefix the session's /64, its Framed-Routes the only networks
 * the session may have routed through it (priv_check.h).
 * No attribute the answers carry needs the secret to read (l2sec uses no
 * MS-MPPE keys, no Tunnel-Password); one that did would be decrypted here.
 *
 * Outstanding Access-Requests, and Accounting-Requests of kept records, are
 * kept per server and identifier (at most 8 * 256 each, fixed), replaced
 * when the identifier is signed again and forgotten when answered or when
 * the engine goes.
 *
 * Dynamic authorization (RFC 5176, [radius] dae-listen): the engine owns the
 * UDP socket, picks the client by the source address, parses the request
 * and acts on it; the parent alone holds the dae-clients' secrets:
 *   DAE_VERIFY     a CoA-Request or Disconnect-Request for client C (one
 *                  configured): its Request Authenticator and its
 *                  Message-Authenticator (required) with C's secret; the
 *                  reply's radius_err. A verified one is remembered by
 *                  client and Identifier (16 * 256, fixed).
 *   DAE_SIGN       an answer for client C to a request verified so (its
 *                  Identifier and Request Authenticator), once: an ACK or
 *                  NAK of the request's kind, that decodes; the reply: it
 *                  signed (Message-Authenticator, Response Authenticator).
 * So an engine can neither learn a secret nor sign what answers no request
 * a client sent.
 */
#ifndef L2SECD_PRIV_RADIUS_H
#define L2SECD_PRIV_RADIUS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "priv/priv_msg.h"
#include "radius/radius_pkt.h"

struct priv_radius;

struct priv_radius_stats {
	uint64_t signed_auth, signed_acct;	/* requests signed */
	uint64_t verified, not_verified;	/* answers checked */
	uint64_t dae_verified, dae_not_verified, dae_signed;
};

#define PRIV_DAE_CLIENTS	16	/* config.h's CONFIG_DAE_CLIENTS_MAX */

/*
 * The secret (len 1..RADIUS_SECRET_MAX, copied) and how many servers each
 * link has (0: none, e.g. no accounting). NULL with errno.
 */
struct priv_radius *priv_radius_new(const uint8_t *secret, size_t len, unsigned int n_auth,
				    unsigned int n_acct);
/* Wipes the secrets. */
void priv_radius_free(struct priv_radius *r);
/* dae-clients' client i (< PRIV_DAE_CLIENTS) and its secret (1..RADIUS_SECRET_MAX, copied). */
int priv_radius_dae_client(struct priv_radius *r, unsigned int i, const uint8_t *secret,
			   size_t len);
/*
 * The store of kept accounting records (priv_acct.h; borrowed, NULL: none):
 * RADIUS_SIGN of the acct link naming a kept record (keep) must sign that
 * record (refused otherwise), and a verified answer to it ends the record.
 */
struct priv_acct;
void priv_radius_set_acct(struct priv_radius *r, struct priv_acct *pa);
/* The engine went: its outstanding requests with it. */
void priv_radius_engine_gone(struct priv_radius *r);
const struct priv_radius_stats *priv_radius_stats(const struct priv_radius *r);

/* What a verified answer decides for the checker. */
struct priv_radius_verdict {
	bool accept;			/* a verified, well-formed Access-Accept */
	bool reject;			/* a verified Access-Reject */
	uint32_t handle;		/* the session its request named */
	uint16_t tid, sid;
	bool has_framed4;
	struct in_addr framed4;
	char framed_pool[64];		/* Framed-Pool; "": none */
	bool has_pfx6;			/* Framed-IPv6-Prefix, as sent (the checker judges it) */
	struct in6_addr pfx6;
	uint8_t pfx6_len;
	/* Framed-Route, as sent (the checker judges each when the engine asks for it) */
	unsigned int n_routes;
	struct radius_route routes[RADIUS_MAX_ROUTES];
	/* Framed-IPv6-Route, the same */
	unsigned int n_routes6;
	struct radius_route6 routes6[RADIUS_MAX_ROUTES];
};

/* Judge and carry out one request (the checker took its rate first): PRIV_OK or a refusal. */
enum priv_reason priv_radius_sign(struct priv_radius *r, const struct priv_radius_sign *q,
				  struct priv_reply *out);
enum priv_reason priv_radius_verify(struct priv_radius *r, const struct priv_radius_verify *q,
				    struct priv_reply *out, struct priv_radius_verdict *v);
enum priv_reason priv_radius_dae_verify(struct priv_radius *r, const struct priv_dae *q,
					struct priv_reply *out);
enum priv_reason priv_radius_dae_sign(struct priv_radius *r, const struct priv_dae *q,
				      struct priv_reply *out);

#endif
