/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client of l2secd's control socket (daemon/ctl.h): one request line to
 * RUNTIME_DIR/l2secd.sock, one JSON object and '\n' back, then the daemon
 * closes.  The reply is hostile input: it is read up to CTLC_REPLY_MAX bytes
 * within a deadline, parsed strictly (one JSON object, valid UTF-8, nothing
 * after it but white space, bounded nesting and number of values), and every
 * member is read through the typed getters below, which tell a missing member
 * from one of the wrong type.
 *
 * Errors are -errno; ctlc_strerror() turns one into the line a user reads.
 * The detail of the last error (the daemon's own "error" message, what was
 * malformed) is kept process-wide, like the print layer's state.
 */
#ifndef L2SEC_CTLC_H
#define L2SEC_CTLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define CTLC_SOCK_NAME		"l2secd.sock"
#define CTLC_TIMEOUT_MS		5000
#define CTLC_REPLY_MAX		(16u << 20)
/*
 * json-c spends some 750 bytes on an empty object: a 16 MiB reply of "{},"
 * would take 4 GB.  A real reply has one object per session and a dozen
 * members in each; more containers or separators than this is refused.
 */
#define CTLC_CONTAINERS_MAX	(1u << 17)
#define CTLC_SEPARATORS_MAX	(1u << 21)
#define CTLC_DEPTH_MAX		8

/*
 * Sends REQ (one line, without its '\n') to RUNTIME_DIR's daemon and parses
 * its answer into *OUT (the caller puts it).  0, or -errno:
 *   -ENOENT, -ECONNREFUSED  l2secd is not running (no socket, a stale one)
 *   -EACCES, -EPERM         the socket is root's
 *   -ETIMEDOUT              no complete answer within the timeout
 *   -ECONNRESET             the daemon closed without answering (busy)
 *   -EMSGSIZE               the answer is larger than CTLC_REPLY_MAX
 *   -EBADMSG                the answer is not one JSON object (or too big)
 *   -EREMOTEIO              the daemon answered {"error": "..."}
 *   -ENAMETOOLONG, -EINVAL  RUNTIME_DIR or REQ cannot be used
 */
int ctlc_request(const char *runtime_dir, const char *req, struct json_object **out);
/* The same with another timeout (unit tests). */
int ctlc_request_timeout(const char *runtime_dir, const char *req, int timeout_ms,
			 struct json_object **out);

/*
 * A listing as lines ("show sessions lines", daemon/ctl.h): each line one
 * object, parsed as a reply is (at most CTLC_LINE_MAX bytes), and handed to
 * FN, which owns it from then on and returns 0, or -errno to end the listing
 * with it. The last line must be {"end": END, "count": the lines before it}:
 * a listing cut short (the daemon went away, or dropped a slow reader) is
 * -EBADMSG, never taken for a shorter one. The timeout is for silence
 * (CTLC_TIMEOUT_MS without a byte), not for the whole listing, which grows
 * with the daemon's sessions; at most CTLC_LINES_MAX lines. 0, or the
 * errors of ctlc_request() (-EREMOTEIO: the first line is an "error", as an
 * older daemon's "unknown request").
 */
#define CTLC_LINE_MAX		(64u << 10)
#define CTLC_LINES_MAX		(1u << 24)
int ctlc_request_lines(const char *runtime_dir, const char *req, const char *end,
		       int (*fn)(struct json_object *o, void *arg), void *arg);
/*
 * LEN octets of such a listing, read as ctlc_request_lines() reads them
 * (the fuzz target's way in): 0, or its errors.
 */
int ctlc_parse_lines(const char *data, size_t len, const char *end,
		     int (*fn)(struct json_object *o, void *arg), void *arg);
/* The same with another timeout for silence (unit tests). */
int ctlc_request_lines_timeout(const char *runtime_dir, const char *req, const char *end,
			       int timeout_ms, int (*fn)(struct json_object *o, void *arg),
			       void *arg);

/*
 * The request for l2secd's sessions as lines with its filters (lib/ctl_proto.h)
 * into BUF (CTLC_REQ_MAX octets). A user name too long for a request line once
 * encoded is left out, as is an address longer than inet_ntop(3) writes; so
 * the caller applies its own selectors to what comes, as it must anyway.
 * Returns BUF.
 */
#define CTLC_REQ_MAX	255	/* the daemon's limit, with the '\n' */
struct ctlc_sessions_filter {
	uint32_t tid;		/* the tunnel's local ID; 0: any */
	const char *user;	/* the PPP user; NULL: any */
	const char *addr;	/* the session's IPv4 address or one in its /64, as
				 * inet_ntop(3) writes it; NULL: any */
	const char *peer;	/* the tunnel's peer or SA's remote, as addr; NULL: any */
	bool counters;		/* with the data counters */
};
const char *ctlc_sessions_req(char *buf, const struct ctlc_sessions_filter *f);

/* Parses the LEN bytes of a reply as ctlc_request() does; 0 or -errno. */
int ctlc_parse(const char *buf, size_t len, struct json_object **out);

/* "l2secd is not running (no /run/l2sec/l2secd.sock)": the line for ERR. */
void ctlc_strerror(const char *runtime_dir, int err, char *buf, size_t size);
/*
 * The detail of the last failed request or parse: for -EREMOTEIO the
 * daemon's own error message (made safe for a terminal by ctlc_text()), for
 * -EBADMSG what was malformed; "" when there is none.
 */
const char *ctlc_detail(void);
/* ERR means no daemon to ask (not running, or not ours to ask): say nothing. */
bool ctlc_unreachable(int err);

/*
 * Typed members of a reply object O: 1 and *V set when KEY is there with
 * the right type, 0 when it is missing (or null), -1 when it has another
 * type or is out of range.  Integers must be whole numbers >= 0; strings are
 * returned as json-c holds them (valid UTF-8, maybe with control bytes).
 */
int ctlc_get_u64(struct json_object *o, const char *key, uint64_t *v);
int ctlc_get_str(struct json_object *o, const char *key, const char **v);
int ctlc_get_bool(struct json_object *o, const char *key, bool *v);
/* An integer value itself, as ctlc_get_u64(). */
bool ctlc_u64(struct json_object *v, uint64_t *out);

/*
 * S made safe for a terminal: control bytes (C0, DEL, and C1 as UTF-8) are
 * replaced by '?', and S is cut to fit BUF (at least 1 byte).  Returns BUF.
 */
const char *ctlc_text(const char *s, char *buf, size_t size);

#endif
