// SPDX-License-Identifier: GPL-2.0
/* VICI client session: connect, framing, request queue, events; see vici.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "ipsec/vici.h"

#define VICI_SUBS_MAX		16
#define VICI_HDR_LEN		4
/* Reads per vici_on_readable() call; the loop calls again while readable. */
#define VICI_READS_PER_CALL	16

enum req_step {
	STEP_REG,	/* EVENT_REGISTER for a subscription or a stream */
	STEP_CMD,	/* CMD_REQUEST */
	STEP_UNREG,	/* EVENT_UNREGISTER of the stream */
};

struct vici_req {
	struct vici_req *next;
	enum req_step step;
	bool is_cmd;			/* false: a subscription's registration */
	bool done_called;
	char event[VICI_NAME_MAX + 1];	/* subscription or stream; "" none */
	char cmd[VICI_NAME_MAX + 1];
	uint8_t *frame;			/* the CMD_REQUEST packet, framed */
	size_t frame_len;
	vici_event_fn item;
	vici_reply_fn done;
	void *ctx;
};

struct vici_sub {
	char name[VICI_NAME_MAX + 1];
	vici_event_fn fn;
	void *ctx;
};

/*
 * All state belongs to the daemon's one thread; no locking. The request
 * queue's head is the only entry that may be on the wire (sent == true).
 */
struct vici_client {
	struct vici_config cfg;
	struct sockaddr_un addr;
	vici_state_fn state_fn;
	void *state_ctx;

	int fd;
	/*
	 * While not up: an inotify descriptor on the socket's directory, so
	 * that charon starting again (its socket created or its mode set) is
	 * seen at once instead of after up to backoff_max_ms; -1 when the
	 * directory cannot be watched (the backoff alone then). Polled in
	 * fd's place while fd < 0 (vici_fd).
	 */
	int ifd;
	bool connecting;		/* non-blocking connect in progress */
	bool up;
	bool ever_reported;		/* a state was reported since start */
	unsigned int backoff_ms;
	uint64_t retry_at_ms;		/* when down: next attempt; 0 none */
	uint64_t deadline_ms;		/* when a packet is in flight */

	struct vici_req *head, *tail;
	unsigned int pending;
	bool sent;			/* head's current step is on the wire */

	uint8_t *wbuf;			/* the packet being written */
	size_t wlen, wpos;

	uint8_t *rbuf;			/* received bytes not yet handled */
	size_t rlen, rcap;

	struct vici_sub subs[VICI_SUBS_MAX];
	unsigned int nsubs;

	vici_watch_fn watch_fn;
	void *watch_ctx;

	struct vici_stats stats;
};

static uint64_t now_ms(const struct vici_client *c)
{
	struct timespec ts;

	if (c->cfg.clock)
		return c->cfg.clock(c->cfg.clock_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Tell the event loop adapter to look again; see vici_set_watch(). */
static void watch(struct vici_client *c, int closing_fd)
{
	if (c->watch_fn)
		c->watch_fn(c->watch_ctx, closing_fd);
}

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n >= 1 && n <= VICI_NAME_MAX;
}

/* --- packets ----------------------------------------------------------------- */

/* Frame a packet: length, type, optional name, message bytes. */
static int packet_build(uint8_t type, const char *name, const uint8_t *msg,
			size_t msg_len, uint8_t **out, size_t *out_len)
{
	size_t nl = name ? strlen(name) : 0;
	size_t len = 1 + (name ? 1 + nl : 0) + msg_len;
	uint8_t *p;

	if (len > VICI_MSG_MAX)
		return -EMSGSIZE;
	p = malloc(VICI_HDR_LEN + len);
	if (!p)
		return -ENOMEM;
	put_be32(p, (uint32_t)len);
	p[4] = type;
	if (name) {
		p[5] = (uint8_t)nl;
		memcpy(p + 6, name, nl);
	}
	if (msg_len)
		memcpy(p + VICI_HDR_LEN + len - msg_len, msg, msg_len);
	*out = p;
	*out_len = VICI_HDR_LEN + len;
	return 0;
}

/* --- request queue ----------------------------------------------------------- */

/* Packets may carry secrets (load-shared, load-key): wiped before free. */
static void wipe_free(uint8_t *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
	free(p);
}

static void req_free(struct vici_req *r)
{
	wipe_free(r->frame, r->frame_len);
	free(r);
}

static void req_complete(struct vici_req *r, int err, const struct vici_node *res)
{
	if (r->is_cmd && !r->done_called) {
		r->done_called = true;
		if (r->done)
			r->done(r->ctx, err, res);
	}
}

static void queue_append(struct vici_client *c, struct vici_req *r)
{
	r->next = NULL;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	c->pending++;
}

static struct vici_req *queue_pop(struct vici_client *c)
{
	struct vici_req *r = c->head;

	if (!r)
		return NULL;
	c->head = r->next;
	if (!c->head)
		c->tail = NULL;
	c->pending--;
	c->sent = false;
	return r;
}

/* Put the head's next packet on the wire, if the wire is free. */
static void queue_kick(struct vici_client *c)
{
	struct vici_req *r = c->head;
	uint8_t *p = NULL;
	size_t len = 0;
	int err = 0;

	if (!c->up || c->sent || !r || c->wlen)
		return;
	switch (r->step) {
	case STEP_REG:
		err = packet_build(VICI_EVENT_REGISTER, r->event, NULL, 0, &p, &len);
		break;
	case STEP_UNREG:
		err = packet_build(VICI_EVENT_UNREGISTER, r->event, NULL, 0, &p, &len);
		break;
	case STEP_CMD:
		/* The frame was built at enqueue; hand it over. */
		p = r->frame;
		len = r->frame_len;
		r->frame = NULL;
		c->stats.requests++;
		break;
	}
	if (err) {
		/* Only -ENOMEM is possible here; the queue waits until the
		 * next vici_request() tries again. */
		log_err("vici: no memory for a packet to charon");
		return;
	}
	wipe_free(c->wbuf, c->wlen);
	c->wbuf = p;
	c->wlen = len;
	c->wpos = 0;
	c->sent = true;
	c->deadline_ms = now_ms(c) + c->cfg.timeout_ms;
}

/* --- connection ---------------------------------------------------------------- */

static void report(struct vici_client *c, enum vici_state st, const char *why)
{
	c->ever_reported = true;
	if (c->state_fn)
		c->state_fn(c->state_ctx, st, why);
}

static void schedule_retry(struct vici_client *c)
{
	c->retry_at_ms = now_ms(c) + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > c->cfg.backoff_max_ms ?
			c->cfg.backoff_max_ms : c->backoff_ms * 2;
}

static void close_fd(struct vici_client *c)
{
	int fd = c->fd;

	c->fd = -1;
	if (fd >= 0) {
		watch(c, fd);
		close(fd);
	}
	c->connecting = false;
	wipe_free(c->wbuf, c->wlen);
	c->wbuf = NULL;
	c->wlen = c->wpos = 0;
	c->rlen = 0;
}

/* --- charon's socket appearing ------------------------------------------------ */

static const char *sock_name(const struct vici_client *c)
{
	const char *slash = strrchr(c->addr.sun_path, '/');

	return slash ? slash + 1 : c->addr.sun_path;
}

/*
 * Watch the socket's directory while down. Failure is not an error: the
 * backoff still reconnects, only later; said once at debug level.
 */
static void path_watch_open(struct vici_client *c)
{
	char dir[sizeof(c->addr.sun_path)];
	const char *name = sock_name(c);
	size_t dl;
	int fd;

	if (c->ifd >= 0)
		return;
	dl = (size_t)(name - c->addr.sun_path);
	if (!dl) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		/* "/x" is in "/"; "a/b/x" in "a/b" */
		dl = dl > 1 ? dl - 1 : dl;
		memcpy(dir, c->addr.sun_path, dl);
		dir[dl] = '\0';
	}
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		log_debug("vici: cannot watch for charon's socket: inotify: %s",
			  strerror(errno));
		return;
	}
	if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_ATTRIB |
			      IN_ONLYDIR) < 0) {
		log_debug("vici: cannot watch %s for charon's socket: %s", dir,
			  strerror(errno));
		close(fd);
		return;
	}
	c->ifd = fd;
}

static void path_watch_close(struct vici_client *c)
{
	int fd = c->ifd;

	if (fd < 0)
		return;
	c->ifd = -1;
	watch(c, fd);
	close(fd);
}

/*
 * Drain the watch. The socket's name created, moved in or its mode or owner
 * set (charon binds, chowns, then listens): one connect attempt now, with
 * the backoff started afresh. Other names in the directory are ignored.
 */
static void try_connect(struct vici_client *c);

static void path_watch_read(struct vici_client *c)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	const char *name = sock_name(c);
	bool hit = false, gone = false;
	ssize_t n;

	for (;;) {
		n = read(c->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *p = buf; p + sizeof(*ev) <= buf + n;) {
			ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (p > buf + n)
				break;
			if (ev->mask & IN_IGNORED)
				gone = true;
			/* Lost events or a lost directory: look, to be sure. */
			if (ev->mask & (IN_IGNORED | IN_Q_OVERFLOW) ||
			    (ev->len && !strcmp(ev->name, name)))
				hit = true;
		}
	}
	/* The directory went away: back to the backoff until the next failure
	 * watches again. */
	if (gone)
		path_watch_close(c);
	if (!hit || c->fd >= 0)
		return;
	c->stats.socket_seen++;
	c->backoff_ms = c->cfg.backoff_min_ms;
	try_connect(c);
}

/* Fail every queued request with err; the callbacks may queue new ones. */
static void queue_fail_all(struct vici_client *c, int err)
{
	struct vici_req *list = c->head, *r;

	c->head = c->tail = NULL;
	c->pending = 0;
	c->sent = false;
	while ((r = list)) {
		list = r->next;
		req_complete(r, err, NULL);
		req_free(r);
	}
}

/*
 * The connection is gone (or never came up). The state callback runs while
 * vici_fd() still returns the old descriptor, so the loop can remove it;
 * then it is closed and pending requests fail.
 */
static void conn_lost(struct vici_client *c, const char *why)
{
	bool was_up = c->up;

	c->up = false;
	if (was_up) {
		c->stats.disconnects++;
		log_warn("vici: connection to charon lost: %s; reconnecting in %u ms",
			 why, c->backoff_ms);
	}
	schedule_retry(c);
	if (was_up || !c->ever_reported)
		report(c, VICI_DOWN, why);
	close_fd(c);
	path_watch_open(c);
	queue_fail_all(c, -ECONNRESET);
}

static void connect_failed(struct vici_client *c, int err)
{
	char why[160];

	c->stats.connect_fails++;
	snprintf(why, sizeof(why), "connect %s: %s", c->addr.sun_path, strerror(err));
	/* Loud once, then quiet while charon stays away. */
	if (!c->ever_reported)
		log_warn("vici: charon not reachable (%s); retrying with backoff up to %u ms",
			 why, c->cfg.backoff_max_ms);
	else
		log_debug("vici: %s; retry in %u ms", why, c->backoff_ms);
	conn_lost(c, why);
}

/* Subscriptions first, so no event is missed by the requests that follow. */
static void conn_established(struct vici_client *c)
{
	struct vici_req *r;

	c->connecting = false;
	c->up = true;
	c->retry_at_ms = 0;
	c->stats.connects++;
	path_watch_close(c);
	log_notice("vici: connected to charon at %s", c->addr.sun_path);
	for (unsigned int i = 0; i < c->nsubs; i++) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			conn_lost(c, "out of memory");
			return;
		}
		r->step = STEP_REG;
		memcpy(r->event, c->subs[i].name, sizeof(r->event));
		queue_append(c, r);
	}
	queue_kick(c);
	report(c, VICI_UP, "connected");
}

static void try_connect(struct vici_client *c)
{
	int fd;

	c->retry_at_ms = 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		connect_failed(c, errno);
		return;
	}
	c->fd = fd;
	if (connect(fd, (struct sockaddr *)&c->addr, sizeof(c->addr)) == 0) {
		conn_established(c);
		return;
	}
	if (errno == EINPROGRESS) {
		c->connecting = true;
		return;
	}
	/* EAGAIN on a unix socket: charon's backlog is full; not pending. */
	connect_failed(c, errno);
}

/* --- public: lifecycle --------------------------------------------------------- */

struct vici_client *vici_new(const struct vici_config *cfg, vici_state_fn state,
			     void *ctx)
{
	struct vici_client *c;
	const char *path = cfg && cfg->path ? cfg->path : VICI_DEFAULT_PATH;

	if (strlen(path) >= sizeof(c->addr.sun_path) || !*path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (cfg)
		c->cfg = *cfg;
	c->cfg.path = NULL;	/* the copy in addr is the one used */
	if (!c->cfg.backoff_min_ms)
		c->cfg.backoff_min_ms = 250;
	if (!c->cfg.backoff_max_ms)
		c->cfg.backoff_max_ms = 10000;
	if (c->cfg.backoff_max_ms < c->cfg.backoff_min_ms)
		c->cfg.backoff_max_ms = c->cfg.backoff_min_ms;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 30000;
	if (!c->cfg.max_pending)
		c->cfg.max_pending = 256;
	c->addr.sun_family = AF_UNIX;
	memcpy(c->addr.sun_path, path, strlen(path) + 1);
	c->fd = -1;
	c->ifd = -1;
	c->backoff_ms = c->cfg.backoff_min_ms;
	c->state_fn = state;
	c->state_ctx = ctx;
	return c;
}

void vici_forget(struct vici_client *c)
{
	struct vici_req *r, *next;

	if (!c)
		return;
	for (r = c->head; r; r = next) {
		next = r->next;
		req_free(r);
	}
	wipe_free(c->wbuf, c->wlen);
	free(c->rbuf);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

void vici_free(struct vici_client *c)
{
	if (!c)
		return;
	c->up = false;
	close_fd(c);
	path_watch_close(c);
	queue_fail_all(c, -ECANCELED);
	free(c->rbuf);
	free(c);
}

void vici_start(struct vici_client *c)
{
	if (c->fd < 0)
		try_connect(c);
	watch(c, -1);
}

int vici_fd(const struct vici_client *c)
{
	return c->fd >= 0 ? c->fd : c->ifd;
}

bool vici_want_write(const struct vici_client *c)
{
	return c->fd >= 0 && (c->connecting || c->wpos < c->wlen);
}

int vici_timeout(const struct vici_client *c)
{
	uint64_t at, now = now_ms(c);

	if (c->fd < 0)
		at = c->retry_at_ms;
	else if (c->up && c->sent)
		at = c->deadline_ms;
	else
		return -1;
	if (!at)
		return -1;
	return at <= now ? 0 : (int)(at - now > 0x7fffffff ? 0x7fffffff : at - now);
}

static void on_timer(struct vici_client *c)
{
	char why[VICI_NAME_MAX + 64];
	uint64_t now = now_ms(c);

	if (c->fd < 0) {
		if (c->retry_at_ms && now >= c->retry_at_ms)
			try_connect(c);
		return;
	}
	if (c->up && c->sent && now >= c->deadline_ms) {
		c->stats.timeouts++;
		snprintf(why, sizeof(why), "no answer to '%s' within %u ms",
			 c->head->step == STEP_CMD ? c->head->cmd : c->head->event,
			 c->cfg.timeout_ms);
		log_err("vici: %s", why);
		/* The request that timed out learns why; the rest are reset. */
		req_complete(c->head, -ETIMEDOUT, NULL);
		conn_lost(c, why);
	}
}

bool vici_is_up(const struct vici_client *c)
{
	return c->up;
}

const struct vici_stats *vici_get_stats(const struct vici_client *c)
{
	return &c->stats;
}

/* --- public: requests ---------------------------------------------------------- */

static int subscribe(struct vici_client *c, const char *name, vici_event_fn fn,
		     void *ctx)
{
	struct vici_req *r;
	struct vici_sub *s;

	if (!name_ok(name))
		return -EINVAL;
	for (unsigned int i = 0; i < c->nsubs; i++)
		if (!strcmp(c->subs[i].name, name))
			return -EEXIST;
	if (c->nsubs == VICI_SUBS_MAX)
		return -ENOSPC;
	s = &c->subs[c->nsubs];
	if (c->up) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->step = STEP_REG;
		snprintf(r->event, sizeof(r->event), "%s", name);
		queue_append(c, r);
		queue_kick(c);
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->fn = fn;
	s->ctx = ctx;
	c->nsubs++;
	return 0;
}

static int request(struct vici_client *c, const char *cmd,
		   const struct vici_msg *args, const char *stream,
		   vici_event_fn item, vici_reply_fn done, void *ctx)
{
	struct vici_req *r;
	int err;

	if (!name_ok(cmd) || (stream && !name_ok(stream)))
		return -EINVAL;
	if (args && (err = vici_msg_finish(args)))
		return err;
	if (!c->up)
		return -ENOTCONN;
	if (c->pending >= c->cfg.max_pending)
		return -ENOBUFS;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = packet_build(VICI_CMD_REQUEST, cmd, args ? args->buf : NULL,
			   args ? args->len : 0, &r->frame, &r->frame_len);
	if (err) {
		free(r);
		return err;
	}
	r->is_cmd = true;
	r->step = stream ? STEP_REG : STEP_CMD;
	snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
	if (stream)
		snprintf(r->event, sizeof(r->event), "%s", stream);
	r->item = item;
	r->done = done;
	r->ctx = ctx;
	queue_append(c, r);
	queue_kick(c);
	return 0;
}

int vici_request_stream(struct vici_client *c, const char *cmd,
			const struct vici_msg *args, const char *stream,
			vici_event_fn item, vici_reply_fn done, void *ctx)
{
	int err = request(c, cmd, args, stream, item, done, ctx);

	watch(c, -1);
	return err;
}

int vici_request(struct vici_client *c, const char *cmd, const struct vici_msg *args,
		 vici_reply_fn done, void *ctx)
{
	return vici_request_stream(c, cmd, args, NULL, NULL, done, ctx);
}

int vici_subscribe(struct vici_client *c, const char *name, vici_event_fn fn,
		   void *ctx)
{
	int err = subscribe(c, name, fn, ctx);

	watch(c, -1);
	return err;
}

const char *vici_reply_error(const struct vici_node *res)
{
	const char *ok, *msg;

	ok = vici_node_str(res, "success");
	if (ok && !strcmp(ok, "yes"))
		return NULL;
	msg = vici_node_str(res, "errmsg");
	if (msg && *msg)
		return msg;
	return ok ? "charon reported failure without a reason" :
		    "response has no success key";
}

/* --- input ---------------------------------------------------------------------- */

static void proto_error(struct vici_client *c, const char *what)
{
	char why[192];

	c->stats.proto_errors++;
	snprintf(why, sizeof(why), "protocol error from charon: %s", what);
	log_err("vici: %s", why);
	conn_lost(c, why);
}

static void handle_event(struct vici_client *c, const char *name,
			 const uint8_t *msg, size_t len)
{
	struct vici_req *r = c->head;
	struct vici_tree *t;
	const char *why;
	int err;

	err = vici_tree_parse(msg, len, &t, &why);
	if (err) {
		c->stats.events_bad++;
		log_warn("vici: dropped malformed '%s' event: %s", name,
			 why ? why : strerror(-err));
		return;
	}
	/* A stream belongs to the command in flight. */
	if (r && r->is_cmd && c->sent && r->step == STEP_CMD && r->event[0] &&
	    !strcmp(r->event, name)) {
		c->stats.events++;
		/* A long stream is progress: push the deadline out. */
		c->deadline_ms = now_ms(c) + c->cfg.timeout_ms;
		if (r->item)
			r->item(r->ctx, name, vici_tree_root(t));
		vici_tree_free(t);
		return;
	}
	for (unsigned int i = 0; i < c->nsubs; i++) {
		if (strcmp(c->subs[i].name, name))
			continue;
		c->stats.events++;
		if (c->subs[i].fn)
			c->subs[i].fn(c->subs[i].ctx, name, vici_tree_root(t));
		vici_tree_free(t);
		return;
	}
	c->stats.events_unwanted++;
	log_debug("vici: dropped unrequested '%s' event", name);
	vici_tree_free(t);
}

/* An answer to the head of the queue. Returns false if the connection ended. */
static bool handle_answer(struct vici_client *c, uint8_t type,
			  const uint8_t *msg, size_t len)
{
	struct vici_req *r = c->head;
	struct vici_tree *t = NULL;
	const char *why = NULL;
	int err;

	if (!r || !c->sent) {
		proto_error(c, "answer without a request");
		return false;
	}
	/* charon talks sense on this connection: next failure starts fresh. */
	c->backoff_ms = c->cfg.backoff_min_ms;
	switch (r->step) {
	case STEP_REG:
		if (type != VICI_EVENT_CONFIRM && type != VICI_EVENT_UNKNOWN)
			goto mismatch;
		if (type == VICI_EVENT_UNKNOWN && !r->is_cmd) {
			c->stats.events_refused++;
			log_warn("vici: charon does not offer event '%s'", r->event);
		}
		if (r->is_cmd && type == VICI_EVENT_CONFIRM) {
			r->step = STEP_CMD;
			c->sent = false;
			break;
		}
		if (r->is_cmd)
			log_err("vici: charon does not offer event '%s' for '%s'",
				r->event, r->cmd);
		req_complete(r, -ENOTSUP, NULL);
		req_free(queue_pop(c));
		break;
	case STEP_CMD:
		if (type != VICI_CMD_RESPONSE && type != VICI_CMD_UNKNOWN)
			goto mismatch;
		if (type == VICI_CMD_UNKNOWN) {
			c->stats.unknown_cmds++;
			log_err("vici: charon does not know command '%s'", r->cmd);
			err = -ENOTSUP;
		} else {
			c->stats.responses++;
			err = vici_tree_parse(msg, len, &t, &why);
			if (err) {
				c->stats.bad_responses++;
				log_err("vici: malformed response to '%s': %s", r->cmd,
					why ? why : strerror(-err));
				err = -EBADMSG;
			}
		}
		/* Advance before the callback, which may queue more requests. */
		if (r->event[0]) {
			r->step = STEP_UNREG;
			c->sent = false;
		} else {
			queue_pop(c);
		}
		req_complete(r, err, t ? vici_tree_root(t) : NULL);
		vici_tree_free(t);
		if (!r->event[0])
			req_free(r);
		break;
	case STEP_UNREG:
		if (type != VICI_EVENT_CONFIRM && type != VICI_EVENT_UNKNOWN)
			goto mismatch;
		req_free(queue_pop(c));
		break;
	}
	queue_kick(c);
	return true;
mismatch:
	proto_error(c, "answer of the wrong type");
	return false;
}

/* One packet of len bytes (after the length field). False if the connection ended. */
static bool handle_packet(struct vici_client *c, const uint8_t *p, size_t len)
{
	char name[VICI_NAME_MAX + 1];
	uint8_t type = p[0];
	size_t nl;

	switch (type) {
	case VICI_CMD_RESPONSE:
	case VICI_CMD_UNKNOWN:
	case VICI_EVENT_CONFIRM:
	case VICI_EVENT_UNKNOWN:
		return handle_answer(c, type, p + 1, len - 1);
	case VICI_EVENT:
		if (len < 2 || (nl = p[1]) == 0 || nl > len - 2) {
			proto_error(c, "event with a bad name");
			return false;
		}
		if (memchr(p + 2, '\0', nl)) {
			proto_error(c, "event name with a NUL byte");
			return false;
		}
		memcpy(name, p + 2, nl);
		name[nl] = '\0';
		handle_event(c, name, p + 2 + nl, len - 2 - nl);
		return c->up;
	default:
		/* Includes the client-side types 0, 3 and 4. */
		proto_error(c, "unexpected packet type");
		return false;
	}
}

/* Handle every complete packet in rbuf. False if the connection ended. */
static bool handle_input(struct vici_client *c)
{
	size_t pos = 0, len;
	uint8_t *p;

	while (c->rlen - pos >= VICI_HDR_LEN) {
		p = c->rbuf + pos;
		len = get_be32(p);
		if (len == 0 || len > VICI_MSG_MAX) {
			char what[64];

			snprintf(what, sizeof(what), "packet length %zu", len);
			proto_error(c, what);
			return false;
		}
		if (c->rlen - pos < VICI_HDR_LEN + len)
			break;
		pos += VICI_HDR_LEN + len;
		if (!handle_packet(c, p + VICI_HDR_LEN, len))
			return false;
	}
	if (pos) {
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
	}
	return true;
}

/* Room to read into: at least the rest of the current packet, bounded. */
static bool rbuf_room(struct vici_client *c)
{
	size_t want = 4096;
	uint8_t *p;

	/* handle_input() has refused a length over VICI_MSG_MAX. */
	if (c->rlen >= VICI_HDR_LEN)
		want = VICI_HDR_LEN + get_be32(c->rbuf);
	if (want < c->rlen + 1)
		want = c->rlen + 1;
	if (want <= c->rcap)
		return true;
	p = realloc(c->rbuf, want);
	if (!p)
		return false;
	c->rbuf = p;
	c->rcap = want;
	return true;
}

static void on_readable(struct vici_client *c)
{
	ssize_t n;
	char why[160];

	if (c->fd < 0 && c->ifd >= 0)
		path_watch_read(c);
	if (c->fd < 0 || c->connecting)
		return;
	for (int i = 0; i < VICI_READS_PER_CALL; i++) {
		if (!rbuf_room(c)) {
			log_err("vici: no memory for charon's packet");
			return;
		}
		n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n > 0) {
			c->rlen += (size_t)n;
			if (!handle_input(c))
				return;
			continue;
		}
		if (n == 0) {
			conn_lost(c, "charon closed the connection");
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		snprintf(why, sizeof(why), "read: %s", strerror(errno));
		conn_lost(c, why);
		return;
	}
}

static void on_writable(struct vici_client *c)
{
	char why[160];
	socklen_t sl = sizeof(int);
	ssize_t n;
	int err = 0;

	if (c->fd < 0)
		return;
	if (c->connecting) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		if (err)
			connect_failed(c, err);
		else
			conn_established(c);
		return;
	}
	while (c->wpos < c->wlen) {
		/* MSG_NOSIGNAL: a charon gone away is EPIPE here, not SIGPIPE. */
		n = send(c->fd, c->wbuf + c->wpos, c->wlen - c->wpos, MSG_NOSIGNAL);
		if (n >= 0) {
			c->wpos += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		snprintf(why, sizeof(why), "write: %s", strerror(errno));
		conn_lost(c, why);
		return;
	}
	wipe_free(c->wbuf, c->wlen);
	c->wbuf = NULL;
	c->wlen = c->wpos = 0;
	/* A peer that answered before our packet was fully out left the
	 * queue waiting for the wire; it is free now. */
	queue_kick(c);
}

/* --- public: event loop entry points -------------------------------------------- */

void vici_set_watch(struct vici_client *c, vici_watch_fn fn, void *ctx)
{
	c->watch_fn = fn;
	c->watch_ctx = ctx;
}

void vici_on_readable(struct vici_client *c)
{
	on_readable(c);
	watch(c, -1);
}

void vici_on_writable(struct vici_client *c)
{
	on_writable(c);
	watch(c, -1);
}

void vici_on_timer(struct vici_client *c)
{
	on_timer(c);
	watch(c, -1);
}
