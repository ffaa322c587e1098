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
 * Single process only: under privsep the engine would need the parent to
 * sign and verify (the secrets' side); config_load refuses [radius] with
 * privsep = yes until that is done.
 */
#ifndef L2SECD_AAA_H
#define L2SECD_AAA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/config.h"
#include "core/evloop.h"
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
	const struct sockaddr_storage *peer;	/* the client's public address and port */
	uint32_t nas_port;		/* the session's number on this gateway */
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
	const char *message;		/* Reply-Message made printable, "" when none */
};

typedef void (*aaa_auth_fn)(void *arg, const struct aaa_auth_res *res);

/* Is RADIUS configured for authentication? */
bool aaa_configured(const struct l2sec_config *cfg);
/* The client, its sockets and timer on loop; NULL with the reason logged. */
struct aaa *aaa_new(struct evloop *loop, const struct l2sec_config *cfg);
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

/* For `l2sec daemon show`: each server's state and counters, and the queue. */
void aaa_describe(const struct aaa *a, struct json_object *o);

#endif
