/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RADIUS in l2secd (issue 21): the asynchronous client of radius/ on the
 * daemon's event loop, with its sockets, the shared secret read from the
 * configuration, and the Access-Requests the PPP layer (sess.c) asks for.
 *
 * Nothing blocks: aaa_auth() queues a request and returns; its callback
 * runs later from the loop (an answer, or every server's tries timed out).
 * Waiting requests are bounded in all ([radius] queue) and per client
 * address ([radius] peer-queue); a request beyond either is refused and
 * counted (refused_global, refused_peer).
 *
 * Lifetime: a request is named by a handle (a slot of a fixed table and the
 * slot's generation). aaa_cancel() with the handle forgets the request (its
 * session went); the callback's argument lives in that slot only, so no
 * answer ever reaches a session that went: the client has forgotten the
 * request (a late datagram is counted unknown-id there), and a handle whose
 * generation moved on names nothing.
 *
 * Accounting (RFC 2866), when [radius] acct-servers is set: aaa_acct_start()
 * when a session is up, aaa_acct_interim() on its interval, aaa_acct_stop()
 * when it goes; Accounting-On when aaa_new() opens, Accounting-Off from
 * aaa_acct_off() at a clean stop. Each record is built at once, complete
 * (what a Stop needs is copied: the session may be freed right after), and
 * waits in a queue of [radius] acct-queue records until a server answers;
 * when every server's tries are over it is sent again later, Acct-Delay-Time
 * counting from the event. A full queue drops its oldest Interim-Update
 * first, then the new record if it is an Interim-Update, else the oldest
 * record: each counted.
 *
 * Dynamic authorization (RFC 5176), when [radius] dae-listen is set:
 * Disconnect-Request and CoA-Request from the dae-clients, verified,
 * answered at once (aaa_dae.c says how and what is refused).
 *
 * Under privsep the engine runs this, without the secrets: aaa_new_opts()'s
 * signers (engine_priv.h's, one per link) have the parent sign each request
 * and verify each answer (priv/priv_radius.h); everything else is the same.
 * DAE too: the engine keeps the socket and reads the requests, and the
 * signers' verify_request and sign_answer have the parent verify each request
 * and sign each answer with the dae-client's secret.
 */
#ifndef L2SECD_AAA_H
#define L2SECD_AAA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/config.h"
#include "core/sa46.h"
#include "core/evloop.h"
#include "radius/radius_client.h"
#include "radius/radius_pkt.h"

struct aaa;

/* An Access-Request: the peer's answer to our challenge (ppp.h's struct ppp_answer). */
struct aaa_auth_req {
	unsigned int method;		/* PPP_AUTH_* */
	const char *name;		/* the User-Name as the peer sent it */
	size_t name_len;
	const uint8_t *challenge;	/* 16 octets (CHAP, MS-CHAPv2) */
	uint8_t id;			/* the CHAP identifier */
	const uint8_t *value;		/* as in struct ppp_answer */
	size_t value_len;
	const union sa46 *peer;		/* the client's public address and port */
	uint32_t nas_port;		/* the session's number on this gateway */
	uint64_t tag;			/* for the signer (engine_priv_radius_tag) */
};

enum aaa_verdict {
	AAA_ACCEPT,
	AAA_REJECT,			/* Access-Reject (or an Access-Challenge: not supported) */
	AAA_MALFORMED,			/* an Access-Accept we cannot apply: refused */
	AAA_NO_SERVER,			/* no server answered */
};

/* Valid during the callback only. */
struct aaa_auth_res {
	enum aaa_verdict verdict;
	const struct radius_reply *reply;	/* ACCEPT, REJECT: what the answer carried */
	const struct radius_msg *msg;	/* ACCEPT, REJECT: the answer, for vendor attributes */
	const char *message;		/* Reply-Message made printable, "" when none */
};

typedef void (*aaa_auth_fn)(void *arg, const struct aaa_auth_res *res);

/* Is RADIUS configured (authentication or accounting)? */
bool aaa_configured(const struct l2sec_config *cfg);
/* The client, its sockets and timer on loop; NULL with the reason logged. */
struct aaa *aaa_new(struct evloop *loop, const struct l2sec_config *cfg);
/* Which of aaa_opts.signers signs for which link. */
enum { AAA_LINK_AUTH, AAA_LINK_ACCT };
struct aaa_opts {
	/* [2], auth and acct: who holds the secret (NULL: this process reads it) */
	const struct radius_signer *signers;
	bool resumed;			/* an engine that took over: no Accounting-On */
	/*
	 * privsep: each session record (Start, Interim-Update, Stop) as it is
	 * queued, unsigned, for the parent to keep until it is answered
	 * (priv/priv_acct.h); tag the session's (aaa_acct_info's). Its number,
	 * handed to the acct signer's sign as the tag of every try; 0: not kept.
	 */
	uint32_t (*acct_keep)(void *ctx, uint64_t tag, const struct radius_pkt *p);
	void *acct_keep_ctx;
};
struct aaa *aaa_new_opts(struct evloop *loop, const struct l2sec_config *cfg,
			 const struct aaa_opts *o);
/* The [radius] secret (secret or secret-file's first line): 0, or -1 logged. */
int aaa_secret_load(const struct l2sec_config *cfg, uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1],
		    size_t *len);
/* [radius] dae-clients' client i's secret (its file's, else [radius]'s): 0, or -1 logged. */
int aaa_dae_secret_load(const struct l2sec_config *cfg, unsigned int i,
			uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1], size_t *len);
/* Forget every request without calling back, close the sockets, wipe the secret. */
void aaa_free(struct aaa *a);

/*
 * Send an Access-Request; cb(arg, res) once, later, unless aaa_cancel(*handle).
 * 0, or -1 with errno ENOBUFS (too many waiting: in all or from this client)
 * or EINVAL (nothing that can be asked: an empty PAP password, ...).
 */
int aaa_auth(struct aaa *a, const struct aaa_auth_req *q, aaa_auth_fn cb, void *arg,
	     uint64_t *handle);
/* Forget the request of handle, if it is still waiting; 0 names nothing. */
void aaa_cancel(struct aaa *a, uint64_t handle);

/* --- accounting ------------------------------------------------------------------ */

/* Acct-Terminate-Cause (RFC 2866 section 5.10) */
enum aaa_term_cause {
	AAA_TC_USER_REQUEST = 1,	/* the client hung up */
	AAA_TC_LOST_CARRIER = 2,	/* LCP echoes unanswered, the tunnel's peer silent */
	AAA_TC_LOST_SERVICE = 3,	/* the tunnel's IPsec SA gone */
	AAA_TC_IDLE_TIMEOUT = 4,
	AAA_TC_SESSION_TIMEOUT = 5,
	AAA_TC_ADMIN_RESET = 6,		/* `l2sec session del`, a Disconnect-Request */
	AAA_TC_PORT_ERROR = 8,		/* a protocol error */
	AAA_TC_NAS_ERROR = 9,		/* the gateway failed (no route, no memory) */
	AAA_TC_NAS_REQUEST = 10,	/* l2secd stops */
};

/* A session's octets and packets (64-bit): input from the client, output to it. */
struct aaa_counters {
	uint64_t in_octets, out_octets, in_packets, out_packets;
};

/* What a session's records say of it; copied by aaa_acct_start. */
struct aaa_acct_info {
	const char *user;
	const union sa46 *peer;		/* Calling-Station-Id */
	uint32_t nas_port;
	struct in_addr framed_ip;
	const uint8_t *class;		/* echoed; NULL: none */
	size_t class_len;
	uint32_t interim_s;		/* the server's Acct-Interim-Interval; 0: none */
	bool local;			/* authenticated by the users file (Acct-Authentic) */
	uint64_t start_ms;		/* when it started (evloop_now); 0: now */
	uint64_t tag;			/* privsep: the session's (aaa_opts' acct_keep) */
};

struct aaa_acct;	/* a session's accounting */

/* Is accounting configured? a may be NULL. */
bool aaa_acct_enabled(const struct aaa *a);
/* The Start queued; NULL (logged, counted) when out of memory or not enabled. */
struct aaa_acct *aaa_acct_start(struct aaa *a, const struct aaa_acct_info *info);
/*
 * A session an engine took over (privsep) whose Start the dead engine sent
 * as id: its accounting goes on (Interim-Updates, the Stop with id), no
 * second Start. NULL as aaa_acct_start.
 */
struct aaa_acct *aaa_acct_resume(struct aaa *a, const struct aaa_acct_info *info,
				 const char *id);
/* Its Acct-Session-Id and start, for the resume record. */
const char *aaa_acct_id(const struct aaa_acct *s);
uint64_t aaa_acct_start_ms(const struct aaa_acct *s);
/* The session's Interim-Update interval in ms (config or server, bounded below); 0: none. */
uint64_t aaa_acct_interval_ms(const struct aaa_acct *s);
void aaa_acct_interim(struct aaa *a, struct aaa_acct *s, const struct aaa_counters *c);
/* The Stop queued; s is the caller's no more. */
void aaa_acct_stop(struct aaa *a, struct aaa_acct *s, const struct aaa_counters *c,
		   enum aaa_term_cause cause);
/* `l2sec session show`: "acct_session_id", "acct_state". */
void aaa_acct_describe(const struct aaa_acct *s, struct json_object *o);
/*
 * A record a dead engine queued and the parent kept (priv/priv_acct.h), queued
 * in a new engine before any of its own (its resume, before the event loop
 * runs): keep its number there, pkt the record as queued, event_ms when it
 * was (evloop_now's clock: its Acct-Delay-Time counts from then). 0, or -1
 * (not an Accounting-Request of a session, or no memory: counted, logged).
 */
int aaa_acct_requeue(struct aaa *a, uint32_t keep, uint64_t event_ms, const uint8_t *pkt,
		     size_t len);
/* Accounting-Off queued (a clean stop); then aaa_acct_idle() says when it is answered. */
void aaa_acct_off(struct aaa *a);
/* No record waits (or accounting is off). */
bool aaa_acct_idle(const struct aaa *a);

/* The Acct-Session-Id of a session's records. */
const char *aaa_acct_session_id(const struct aaa_acct *s);

/* --- dynamic authorization (RFC 5176), [radius] dae-listen ----------------------------- */

/*
 * The sessions a Disconnect-Request or CoA-Request names: every attribute
 * present must match (NULL, false: absent). At least one is present.
 */
struct aaa_dae_ident {
	const char *user;		/* User-Name */
	const char *acct_session_id;	/* Acct-Session-Id, as our accounting sent it */
	const char *calling_station;	/* Calling-Station-Id, "ADDR:PORT" as we send it */
	bool has_framed_ip;
	struct in_addr framed_ip;	/* Framed-IP-Address */
	bool has_nas_port;
	uint32_t nas_port;		/* NAS-Port, as in our Access-Requests */
};

/* One session as aaa_dae_match() compares it. */
struct aaa_dae_session {
	const char *user;
	const struct aaa_acct *acct;	/* NULL: no accounting */
	struct in_addr framed_ip;	/* INADDR_ANY: none */
	const union sa46 *peer;		/* the client's public address and port */
	uint32_t nas_port;
};
bool aaa_dae_match(const struct aaa_dae_ident *id, const struct aaa_dae_session *s);

/*
 * What a CoA-Request changes at run time. A CoA carrying any attribute not
 * here is refused whole (CoA-NAK, Unsupported-Attribute), so a new run-time
 * attribute is a field here, a case in aaa_dae.c's take_attr() and a line
 * in sess.c's dae_change().
 */
struct aaa_dae_change {
	bool has_session_timeout;
	uint32_t session_timeout;	/* s from now; 0: no limit any more */
};

/*
 * The sessions layer's part: end the sessions id names, Acct-Terminate-Cause
 * Admin-Reset (change NULL: a Disconnect-Request), or apply change to them.
 * Returns how many sessions it named (0: NAK, Session-Context-Not-Found).
 */
typedef unsigned int (*aaa_dae_fn)(void *arg, const struct aaa_dae_ident *id,
				   const struct aaa_dae_change *change);
void aaa_dae_bind(struct aaa *a, aaa_dae_fn fn, void *arg);

/*
 * One datagram from src to the DAE socket (the tests and the fuzz target
 * call it directly): its answer built into *ans, and its length, or 0
 * when none is due (dropped, counted).
 */
size_t aaa_dae_input(struct aaa *a, const union sa46 *src, const uint8_t *buf,
		     size_t len, struct radius_pkt *ans);
/* The DAE's clock (default: the event loop's), for tests of its time windows. */
void aaa_dae_set_clock(struct aaa *a, ev_clock_fn clock, void *arg);

/* For `l2sec daemon show`: each server's state and counters, and the queue. */
void aaa_describe(const struct aaa *a, struct json_object *o);

#endif
