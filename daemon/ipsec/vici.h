/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VICI client: l2secd's connection to charon's control socket.
 *
 * Non-blocking and driven by the daemon's event loop; no threads. The loop
 * follows three values:
 *   vici_fd()          the descriptor to poll for reading: the socket, or
 *                      while down the watch on its directory; -1 none;
 *   vici_want_write()  whether to poll it for writing too;
 *   vici_timeout()     milliseconds until vici_on_timer() is due, -1 none;
 * and calls vici_on_readable()/vici_on_writable()/vici_on_timer() when so.
 * The watch callback (vici_set_watch) says when they may have changed;
 * vici_ev.h does all of this for the daemon's evloop.
 *
 * Transport (vici README): each packet is a 32-bit big-endian length, then
 * a type byte, then for CMD_REQUEST, EVENT_REGISTER, EVENT_UNREGISTER and
 * EVENT an 8-bit-length name, then a message (vici_msg.h). charon answers
 * strictly in order and runs one command per connection at a time, so this
 * client keeps exactly one packet in flight and matches each answer to the
 * head of its queue. Events may arrive at any time, also mid-command.
 *
 * Subscriptions (vici_subscribe) survive reconnects: on every connect they
 * are registered again before any request. Streamed commands (list-sas)
 * register their stream event, run, then unregister it.
 *
 * charon missing or restarting: every failed connect or lost connection
 * schedules a retry with exponential backoff, and while down the socket's
 * directory is watched (inotify), so that charon's new socket is connected
 * to at once: a gateway whose charon restarts has no connection loaded for
 * as long as l2secd waits, and clients get NO_PROPOSAL_CHOSEN meanwhile.
 * The state callback reports each change with a reason (UP: connected;
 * DOWN: why, and the first failed attempt while never connected). Requests pending when the connection goes
 * down complete with -ECONNRESET; requests while down fail with -ENOTCONN.
 * On UP the daemon loads its connection and secrets again and lists SAs.
 *
 * Hostile peer: a frame longer than 512 KiB, an unknown packet type, a
 * client-side packet type, or an answer nobody asked for ends the
 * connection (logged, counted, reconnect with backoff). A malformed message
 * inside a well-framed packet is dropped and counted (an event), or
 * completes its request with -EBADMSG; the connection stays. A request
 * unanswered for timeout_ms ends the connection.
 *
 * Callbacks may call vici_request()/vici_subscribe(), never vici_free().
 */
#ifndef L2SECD_VICI_H
#define L2SECD_VICI_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/vici_msg.h"

#define VICI_DEFAULT_PATH	"/var/run/charon.vici"

/* Packet types (vici README, "Packet layer"). */
enum vici_packet {
	VICI_CMD_REQUEST = 0,
	VICI_CMD_RESPONSE = 1,
	VICI_CMD_UNKNOWN = 2,
	VICI_EVENT_REGISTER = 3,
	VICI_EVENT_UNREGISTER = 4,
	VICI_EVENT_CONFIRM = 5,
	VICI_EVENT_UNKNOWN = 6,
	VICI_EVENT = 7,
};

enum vici_state {
	VICI_DOWN,	/* not connected; a retry is scheduled (vici_timeout) */
	VICI_UP,	/* connected; requests are accepted */
};

/* Monotonic milliseconds (the same shape as the event loop's clock). */
typedef uint64_t (*vici_clock_fn)(void *arg);

struct vici_config {
	const char *path;		/* NULL: VICI_DEFAULT_PATH */
	vici_clock_fn clock;		/* NULL: CLOCK_MONOTONIC */
	void *clock_arg;
	unsigned int backoff_min_ms;	/* 0: 250 */
	unsigned int backoff_max_ms;	/* 0: 10000 */
	unsigned int timeout_ms;	/* answer timeout, 0: 30000 */
	unsigned int max_pending;	/* queued requests, 0: 256 */
};

struct vici_stats {
	uint64_t connects;		/* successful connects */
	uint64_t connect_fails;
	uint64_t socket_seen;		/* charon's socket appeared: connect now */
	uint64_t disconnects;		/* established connections lost */
	uint64_t proto_errors;		/* framing/packet errors: connection ended */
	uint64_t timeouts;
	uint64_t requests;		/* commands sent */
	uint64_t responses;		/* CMD_RESPONSE received */
	uint64_t unknown_cmds;		/* CMD_UNKNOWN received */
	uint64_t events;		/* events delivered */
	uint64_t events_bad;		/* malformed event messages dropped */
	uint64_t events_unwanted;	/* events nobody subscribed to, dropped */
	uint64_t events_refused;	/* subscriptions charon does not offer */
	uint64_t bad_responses;		/* malformed response messages */
};

struct vici_client;

/* why: a short reason for the log ("connected", "charon closed the
 * connection", "connect /var/run/charon.vici: No such file or directory"). */
typedef void (*vici_state_fn)(void *ctx, enum vici_state state, const char *why);
/* An event; msg is the message's root section, valid during the call. */
typedef void (*vici_event_fn)(void *ctx, const char *name, const struct vici_node *msg);
/*
 * A request's result: err 0 and res the response's root (valid during the
 * call), or res NULL and err one of -ENOTSUP (charon does not know the
 * command or the stream event), -EBADMSG (malformed response), -ECONNRESET
 * (connection lost first), -ETIMEDOUT, -ECANCELED (client freed).
 * A response with success=no is err 0: see vici_reply_error().
 */
typedef void (*vici_reply_fn)(void *ctx, int err, const struct vici_node *res);

/* NULL with errno set (ENAMETOOLONG for a path that does not fit). */
struct vici_client *vici_new(const struct vici_config *cfg, vici_state_fn state,
			     void *ctx);
/* Pending requests complete with -ECANCELED; no state callback; the watch
 * callback, if still set, sees the socket closing. */
void vici_free(struct vici_client *c);
/*
 * A forked child's copy of the parent's client: its queued packets (which
 * may hold a PSK or a key) wiped and freed; nothing is called back, closed or
 * sent (the descriptor is the parent's).
 */
void vici_forget(struct vici_client *c);

/*
 * Called whenever vici_fd(), vici_want_write() or vici_timeout() may have
 * changed: at the end of every vici_* call that can change them, and when
 * the socket is about to be closed; then closing_fd is the descriptor (still
 * open, so the loop can unregister it; vici_fd() already returns another
 * descriptor or -1),
 * otherwise -1. An event loop adapter (vici_ev.h) needs nothing else.
 */
typedef void (*vici_watch_fn)(void *ctx, int closing_fd);
void vici_set_watch(struct vici_client *c, vici_watch_fn fn, void *ctx);

/* First connect attempt, now. */
void vici_start(struct vici_client *c);

int vici_fd(const struct vici_client *c);
bool vici_want_write(const struct vici_client *c);
int vici_timeout(const struct vici_client *c);
void vici_on_readable(struct vici_client *c);
void vici_on_writable(struct vici_client *c);
void vici_on_timer(struct vici_client *c);

bool vici_is_up(const struct vici_client *c);
const struct vici_stats *vici_get_stats(const struct vici_client *c);

/*
 * Follow event name (ike-updown, child-updown, child-rekey, ike-update...)
 * from now on and after every reconnect. -EEXIST, -ENOSPC (16 at most),
 * -EINVAL (bad name).
 */
int vici_subscribe(struct vici_client *c, const char *name, vici_event_fn fn,
		   void *ctx);

/*
 * Queue command cmd with message args (NULL: empty). done is called exactly
 * once, later, never from within this call. Returns 0, -ENOTCONN (down),
 * -ENOBUFS (queue full), -EINVAL/-EMSGSIZE (bad name or args).
 */
int vici_request(struct vici_client *c, const char *cmd, const struct vici_msg *args,
		 vici_reply_fn done, void *ctx);

/*
 * A streaming command: every event named stream raised while it runs is
 * passed to item (e.g. "list-sas" streams "list-sa"); then done.
 */
int vici_request_stream(struct vici_client *c, const char *cmd,
			const struct vici_msg *args, const char *stream,
			vici_event_fn item, vici_reply_fn done, void *ctx);

/*
 * For commands answering { success = yes|no, errmsg = ... }: NULL if the
 * response says success=yes, else the reason (charon's errmsg, or a fixed
 * text), valid as long as res.
 */
const char *vici_reply_error(const struct vici_node *res);

#endif
