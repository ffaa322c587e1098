/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An asynchronous RADIUS client driven by its owner's event loop, like the
 * VICI client: time passed in, datagrams in and out through the owner, a
 * callback per request, no globals, nothing that blocks.
 *
 * It signs each request and checks each answer through its signer (struct
 * radius_signer below): with the servers' secrets in this process (one
 * l2secd), or by asking the privileged parent, which alone holds them
 * (privsep's engine); what a callback receives is an answer whose
 * authenticators verified, for its owner to parse with radius_pkt.h.
 *
 * Servers are tried in their configured order. Each has its own socket (the
 * owner's: ops->send(server) and radius_client_input(server)), so its 8-bit
 * Identifier space is its own: an identifier in flight is never given to
 * another request, and at most max_inflight (<= 256) requests are in flight
 * per server. Requests beyond that wait in one FIFO of at most max_queue;
 * a request that does not fit is refused (queue_full counts it).
 *
 * A request unanswered for timeout_ms is sent again, up to retries times:
 * an Access-Request unchanged (same identifier and authenticator, RFC 2865
 * section 2.5), an Accounting-Request with Acct-Delay-Time brought up to date
 * (the value it was submitted with plus the seconds since) and so a new
 * identifier and authenticator (RFC 2866 section 5.2). After
 * its last try the server is dead for dead_time_ms: requests go to the next
 * live server (this one fails over at once), and the first server is used
 * again when its dead time is over or it answers. When every server has had
 * its tries the request completes with -ETIMEDOUT.
 *
 * An answer is taken when it comes from the server's address and port,
 * carries an identifier in flight and verifies against that request's
 * authenticator (radius_verify_answer); otherwise it is dropped, counted by
 * kind and logged (at most one line in LOG_EVERY of a kind, per server).
 * A server's death and return are logged; no secret ever is.
 */
#ifndef L2SECD_RADIUS_CLIENT_H
#define L2SECD_RADIUS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "radius/radius_pkt.h"
#include "radius/radius_sign.h"

#define RADIUS_MAX_SERVERS	8
#define RADIUS_IDS		256

struct radius_server_conf {
	struct sockaddr_storage addr;	/* the server's address and port */
	socklen_t addr_len;
	struct radius_secret secret;	/* the owner's memory, for the client's life; */
					/* none (len 0) with a signer */
};

/*
 * Where the secrets are: who signs the requests and checks the answers. The
 * client asks it and nothing else about secrets; without one (conf.signer
 * NULL) it does so itself with each server's secret (one process). Under
 * privsep the engine's signer asks the parent (engine_priv.h), which holds
 * the secrets. The calls are synchronous.
 *   sign:   request p for server i, in place (radius_sign_request's contract;
 *           random authenticator); tag: what radius_client_submit_for named
 *           the request for (the parent checks an Access-Request's session);
 *           -EAGAIN: busy (the parent's rate), not a failure: the request
 *           waits first in the queue (a retransmission: at its id) and is
 *           signed again a moment later.
 *   verify: answer m to the request of code req_code and authenticator
 *           req_auth sent to server i (radius_verify_answer's contract).
 * RFC 5176 (a DAE server of the gateway's) needs the other direction:
 *   verify_request: a CoA/Disconnect-Request from client i;
 *   sign_answer:    the gateway's answer to it.
 * The client does not call those two (aaa_dae.c does); a signer that cannot
 * leaves them NULL, and then aaa refuses dae-listen.
 */
struct radius_signer {
	int (*sign)(void *ctx, unsigned int server, uint64_t tag, struct radius_pkt *p);
	enum radius_err (*verify)(void *ctx, unsigned int server, const struct radius_msg *m,
				  uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN]);
	enum radius_err (*verify_request)(void *ctx, unsigned int client,
					  const struct radius_msg *m);
	int (*sign_answer)(void *ctx, unsigned int client, struct radius_pkt *p,
			   const uint8_t req_auth[RADIUS_AUTH_LEN]);
	void *ctx;
};

struct radius_client_conf {
	struct radius_server_conf servers[RADIUS_MAX_SERVERS];
	unsigned int n_servers;		/* 1..RADIUS_MAX_SERVERS */
	unsigned int timeout_ms;	/* per try, >= 1 */
	unsigned int retries;		/* tries after the first, per server */
	unsigned int dead_time_ms;
	unsigned int max_inflight;	/* per server, 1..RADIUS_IDS */
	unsigned int max_queue;
	const struct radius_signer *signer;	/* NULL: the servers' secrets, here */
};

struct radius_server_stats {
	uint64_t requests;		/* requests sent (first tries) */
	uint64_t retransmissions;
	uint64_t timeouts;		/* requests that had every try here unanswered */
	uint64_t accepts, rejects, challenges;
	uint64_t responses;		/* Accounting-Responses */
	uint64_t malformed;		/* undecodable, or a code that answers nothing */
	uint64_t bad_authenticator;	/* Response Authenticator or Message-Authenticator */
	uint64_t unknown_id;		/* no request in flight with its identifier */
	uint64_t dropped;		/* from another address or port */
	uint64_t send_errors;
};

enum radius_server_state {
	RADIUS_SERVER_ALIVE,
	RADIUS_SERVER_DEAD,		/* until its dead time is over or it answers */
};

struct radius_client_ops {
	/* Send one datagram to server i; 0 or -errno (the try is then lost). */
	int (*send)(void *arg, unsigned int server, const void *buf, size_t len);
};

/*
 * A request's end: err 0 with the verified answer (len octets, valid only
 * during the call), or -ETIMEDOUT (no server answered), -EMSGSIZE (no room
 * to sign the request). Called once, never from radius_client_submit itself;
 * it may submit or cancel requests, not free the client.
 */
typedef void (*radius_done_fn)(void *arg, int err, const uint8_t *ans, size_t len);

struct radius_client;
struct radius_req;

/* NULL with errno EINVAL (a bad conf) or ENOMEM. */
struct radius_client *radius_client_new(const struct radius_client_conf *conf,
					const struct radius_client_ops *ops, void *arg);
/* Drops every request without calling back; wipes what held passwords. */
void radius_client_free(struct radius_client *c);

/*
 * Send request p (unsigned, as built with radius_pkt.h: an Access-Request or
 * an Accounting-Request; the client signs a copy per server and try). The
 * handle is valid until the callback runs or radius_client_cancel. NULL with
 * errno ENOBUFS (the queue is full, counted) or EINVAL (not such a request).
 */
struct radius_req *radius_client_submit(struct radius_client *c, const struct radius_pkt *p,
					radius_done_fn cb, void *cb_arg, uint64_t now);
/* The same, for tag (handed to the signer's sign; radius_client_submit: 0). */
struct radius_req *radius_client_submit_for(struct radius_client *c, const struct radius_pkt *p,
					    uint64_t tag, radius_done_fn cb, void *cb_arg,
					    uint64_t now);
/* Forget r without calling back (its session went). */
void radius_client_cancel(struct radius_client *c, struct radius_req *r);

/* A datagram that arrived on server i's socket from from. */
void radius_client_input(struct radius_client *c, unsigned int server,
			 const struct sockaddr *from, socklen_t from_len,
			 const uint8_t *buf, size_t len, uint64_t now);
/* Retransmissions, failovers and timeouts due at now. */
void radius_client_tick(struct radius_client *c, uint64_t now);
/* When radius_client_tick has something to do next; UINT64_MAX: nothing. */
uint64_t radius_client_next_deadline(const struct radius_client *c);

const struct radius_server_stats *radius_client_server_stats(const struct radius_client *c,
							     unsigned int server);
enum radius_server_state radius_client_server_state(const struct radius_client *c,
						    unsigned int server, uint64_t now);
unsigned int radius_client_inflight(const struct radius_client *c, unsigned int server);
unsigned int radius_client_queued(const struct radius_client *c);
uint64_t radius_client_queue_full(const struct radius_client *c);
/* Times the signer was busy (sign returned -EAGAIN): the request waited, first in the queue. */
uint64_t radius_client_sign_busy(const struct radius_client *c);

#endif
