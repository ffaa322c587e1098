// SPDX-License-Identifier: GPL-2.0
/*
 * The asynchronous RADIUS client (radius_client.h).
 *
 * A request is in the queue (server < 0) or in flight on one server, in
 * that server's ids[] at its identifier. Nothing else refers to it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/logrl.h"
#include "radius/radius_client.h"

/*
 * Dropped answers' lines, per kind, all servers: a forger sends as fast as it
 * likes (a spoofed source), so a bounded rate, not a share (core/logrl.h).
 */
enum { DROP_SOURCE, DROP_UNKNOWN_ID, DROP_AUTHENTICATOR, DROP_MALFORMED, DROP_N };
static struct logrl drop_rl[DROP_N] = {
	LOGRL_INIT_DEFAULT, LOGRL_INIT_DEFAULT, LOGRL_INIT_DEFAULT, LOGRL_INIT_DEFAULT,
};
/*
 * The signer busy (-EAGAIN: the privsep parent's rate) is no failure of the
 * request: it stays first in the queue, nothing starts before it, and the
 * client's next deadline is this much later.
 */
#define SIGN_BUSY_MS 100

struct radius_req {
	struct radius_req *next;	/* in the queue */
	radius_done_fn cb;
	void *cb_arg;
	uint64_t created, deadline;
	uint32_t delay;			/* Acct-Delay-Time as submitted: s before created */
	uint64_t tag;			/* for the signer */
	int server;			/* -1: queued */
	uint8_t id;
	uint8_t code;
	unsigned int tries;		/* on this server */
	uint32_t tried;			/* servers whose tries are spent */
	size_t orig_len, wire_len;
	uint8_t *orig;			/* as submitted (a clear password: wiped at the end) */
	uint8_t *wire;			/* as signed for this server and try */
};

struct radius_server {
	struct radius_server_conf conf;
	struct radius_req *ids[RADIUS_IDS];
	unsigned int n_inflight;
	uint8_t next_id;		/* identifiers go round, not reused at once */
	bool dead;
	uint64_t dead_until;
	struct radius_server_stats st;
};

struct radius_client {
	struct radius_client_ops ops;
	struct radius_signer signer;	/* conf's, or local_signer over the servers' secrets */
	void *arg;
	unsigned int timeout_ms, retries, dead_time_ms, max_inflight, max_queue;
	unsigned int n_servers;
	struct radius_server servers[RADIUS_MAX_SERVERS];
	struct radius_req *qhead, *qtail;
	unsigned int n_queued;
	uint64_t queue_full;
	uint64_t busy_until;		/* the signer was busy: nothing starts before */
	uint64_t sign_busy;		/* times it was */
};

/* "ADDR:PORT" of server s, for log lines. */
static const char *server_name(const struct radius_server *s, char *buf, size_t cap)
{
	const struct sockaddr_in6 *sin6 = (const void *)&s->conf.addr;
	const struct sockaddr_in *sin = (const void *)&s->conf.addr;
	char a[INET6_ADDRSTRLEN] = "?";

	if (sin->sin_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, cap, "%s:%u", a, ntohs(sin->sin_port));
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, cap, "[%s]:%u", a, ntohs(sin6->sin6_port));
	}
	return buf;
}

static bool conf_ok(const struct radius_client_conf *conf)
{
	unsigned int i;

	if (!conf->n_servers || conf->n_servers > RADIUS_MAX_SERVERS || !conf->timeout_ms ||
	    !conf->max_inflight || conf->max_inflight > RADIUS_IDS)
		return false;
	for (i = 0; i < conf->n_servers; i++) {
		const struct radius_server_conf *s = &conf->servers[i];

		if ((!conf->signer && !s->secret.len) || s->secret.len > RADIUS_SECRET_MAX ||
		    !s->addr_len || s->addr_len > sizeof(s->addr))
			return false;
	}
	return true;
}

/* The one-process signer: the servers' secrets are in this process. */
static int local_sign(void *ctx, unsigned int server, uint64_t tag, struct radius_pkt *p)
{
	struct radius_client *c = ctx;

	(void)tag;
	return radius_sign_request(p, &c->servers[server].conf.secret, NULL);
}

static enum radius_err local_verify(void *ctx, unsigned int server, const struct radius_msg *m,
				    uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct radius_client *c = ctx;

	return radius_verify_answer(m, req_code, req_auth, &c->servers[server].conf.secret);
}

struct radius_client *radius_client_new(const struct radius_client_conf *conf,
					const struct radius_client_ops *ops, void *arg)
{
	struct radius_client *c;
	unsigned int i;

	if (!conf_ok(conf) || !ops->send) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ops = *ops;
	c->arg = arg;
	if (conf->signer)
		c->signer = *conf->signer;
	else
		c->signer = (struct radius_signer){ .sign = local_sign, .verify = local_verify,
						    .ctx = c };
	c->timeout_ms = conf->timeout_ms;
	c->retries = conf->retries;
	c->dead_time_ms = conf->dead_time_ms;
	c->max_inflight = conf->max_inflight;
	c->max_queue = conf->max_queue;
	c->n_servers = conf->n_servers;
	for (i = 0; i < conf->n_servers; i++)
		c->servers[i].conf = conf->servers[i];
	return c;
}

static void req_free(struct radius_req *r)
{
	explicit_bzero(r->orig, r->orig_len);
	free(r->orig);
	free(r->wire);		/* signed: the password in it is hidden */
	free(r);
}

void radius_client_free(struct radius_client *c)
{
	struct radius_req *r;
	unsigned int i, id;

	if (!c)
		return;
	while ((r = c->qhead)) {
		c->qhead = r->next;
		req_free(r);
	}
	for (i = 0; i < c->n_servers; i++)
		for (id = 0; id < RADIUS_IDS; id++)
			if (c->servers[i].ids[id])
				req_free(c->servers[i].ids[id]);
	free(c);
}

/* --- the queue ----------------------------------------------------------------- */

static void queue_push(struct radius_client *c, struct radius_req *r, bool head)
{
	r->server = -1;
	r->next = NULL;
	if (!c->qhead) {
		c->qhead = c->qtail = r;
	} else if (head) {
		r->next = c->qhead;
		c->qhead = r;
	} else {
		c->qtail->next = r;
		c->qtail = r;
	}
	c->n_queued++;
}

static void queue_remove(struct radius_client *c, struct radius_req *r)
{
	struct radius_req **pp, *prev = NULL;

	for (pp = &c->qhead; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != r)
			continue;
		*pp = r->next;
		if (c->qtail == r)
			c->qtail = prev;
		c->n_queued--;
		return;
	}
}

/* --- servers -------------------------------------------------------------------- */

static bool server_dead(struct radius_server *s, uint64_t now)
{
	char name[64];

	if (s->dead && now >= s->dead_until) {
		s->dead = false;	/* its dead time is over: try it again */
		log_info("radius: server %s: dead time over, asked again",
			 server_name(s, name, sizeof(name)));
	}
	return s->dead;
}

/* The server for r: the first live one it has not spent, else the first not spent. */
static int choose_server(struct radius_client *c, const struct radius_req *r, uint64_t now)
{
	int fallback = -1;
	unsigned int i;

	for (i = 0; i < c->n_servers; i++) {
		if (r->tried & (1u << i))
			continue;
		if (!server_dead(&c->servers[i], now))
			return (int)i;
		if (fallback < 0)
			fallback = (int)i;
	}
	return fallback;
}

static int alloc_id(struct radius_server *s, struct radius_req *r)
{
	unsigned int i;

	for (i = 0; i < RADIUS_IDS; i++) {
		uint8_t id = (uint8_t)(s->next_id + i);

		if (!s->ids[id]) {
			s->ids[id] = r;
			s->next_id = (uint8_t)(id + 1);
			s->n_inflight++;
			r->id = id;
			return 0;
		}
	}
	return -EBUSY;	/* not reached: max_inflight <= RADIUS_IDS */
}

static void release_id(struct radius_server *s, struct radius_req *r)
{
	if (s->ids[r->id] == r) {
		s->ids[r->id] = NULL;
		s->n_inflight--;
	}
}

/*
 * Sign r's request for server s with r's identifier: Acct-Delay-Time is the
 * seconds since it was submitted, added to the delay it was submitted with
 * (a record resubmitted after an outage; RFC 2866 section 5.2).
 */
static int sign(struct radius_client *c, struct radius_server *s, struct radius_req *r,
		uint64_t now)
{
	struct radius_pkt p;
	uint8_t *wire;
	int ret;

	memcpy(p.buf, r->orig, r->orig_len);
	p.len = r->orig_len;
	p.buf[1] = r->id;
	if (r->code == RADIUS_ACCOUNTING_REQUEST &&
	    radius_set_u32(&p, RADIUS_ACCT_DELAY_TIME,
			   r->delay + (uint32_t)((now - r->created) / 1000)))
		ret = -EINVAL;	/* submit checked it is there */
	else
		ret = c->signer.sign(c->signer.ctx, (unsigned int)(s - c->servers), r->tag, &p);
	if (!ret) {
		wire = realloc(r->wire, p.len);
		if (wire) {
			memcpy(wire, p.buf, p.len);
			r->wire = wire;
			r->wire_len = p.len;
		} else {
			ret = -ENOMEM;
		}
	}
	explicit_bzero(p.buf, p.len);
	return ret;
}

static void transmit(struct radius_client *c, unsigned int i, struct radius_req *r,
		     uint64_t now)
{
	struct radius_server *s = &c->servers[i];

	r->deadline = now + c->timeout_ms;
	if (c->ops.send(c->arg, i, r->wire, r->wire_len))
		s->st.send_errors++;
}

static void complete(struct radius_client *c, struct radius_req *r, int err,
		     const uint8_t *ans, size_t len)
{
	r->cb(r->cb_arg, err, ans, len);
	req_free(r);
}

/* Put r in flight on server i: 0, or an error r is to complete with. */
static int start(struct radius_client *c, unsigned int i, struct radius_req *r, uint64_t now)
{
	struct radius_server *s = &c->servers[i];
	int ret;

	if (alloc_id(s, r))
		return -EBUSY;
	r->server = (int)i;
	r->tries = 1;
	ret = sign(c, s, r, now);
	if (ret) {
		release_id(s, r);
		return ret;
	}
	s->st.requests++;
	transmit(c, i, r, now);
	return 0;
}

/* r, taken from the queue, could not start for a busy signer: first again, a while. */
static void signer_busy(struct radius_client *c, struct radius_req *r, uint64_t now)
{
	queue_push(c, r, true);
	c->busy_until = now + SIGN_BUSY_MS;
	c->sign_busy++;
}

/* Start queued requests while their server has room; the queue is a FIFO. */
static void pump(struct radius_client *c, uint64_t now)
{
	struct radius_req *r;
	int i, ret;

	if (now < c->busy_until)
		return;
	while ((r = c->qhead)) {
		i = choose_server(c, r, now);
		if (i >= 0 && c->servers[i].n_inflight >= c->max_inflight)
			return;
		queue_remove(c, r);
		ret = i < 0 ? -ETIMEDOUT : start(c, (unsigned int)i, r, now);
		if (ret == -EAGAIN) {
			signer_busy(c, r, now);
			return;
		}
		if (ret)
			complete(c, r, ret, NULL, 0);
	}
}

/* --- requests --------------------------------------------------------------------- */

/* Whether p can be sent; *delay: its Acct-Delay-Time (0 for an Access-Request). */
static bool request_ok(const struct radius_pkt *p, uint32_t *delay)
{
	const struct radius_avp *d;
	struct radius_msg m;
	const uint8_t *v;

	if (radius_decode(&m, p->buf, p->len) != RADIUS_OK || m.len != p->len)
		return false;
	/* room for the Message-Authenticator radius_sign_request adds */
	if (!radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL) &&
	    p->len + 2 + RADIUS_MA_LEN > RADIUS_MAX_LEN)
		return false;
	*delay = 0;
	if (m.code == RADIUS_ACCESS_REQUEST)
		return true;
	d = radius_find(&m, RADIUS_ACCT_DELAY_TIME, NULL);
	if (m.code != RADIUS_ACCOUNTING_REQUEST || !d || d->len != 4)
		return false;
	v = radius_value(&m, d);
	*delay = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	return *delay <= UINT32_MAX / 2;	/* room for the seconds it waits here */
}

struct radius_req *radius_client_submit(struct radius_client *c, const struct radius_pkt *p,
					radius_done_fn cb, void *cb_arg, uint64_t now)
{
	return radius_client_submit_for(c, p, 0, cb, cb_arg, now);
}

struct radius_req *radius_client_submit_for(struct radius_client *c, const struct radius_pkt *p,
					    uint64_t tag, radius_done_fn cb, void *cb_arg,
					    uint64_t now)
{
	struct radius_req *r;
	uint32_t delay;

	if (!request_ok(p, &delay)) {
		errno = EINVAL;
		return NULL;
	}
	if (c->n_queued >= c->max_queue) {
		c->queue_full++;
		errno = ENOBUFS;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->orig = malloc(p->len))) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(r->orig, p->buf, p->len);
	r->orig_len = p->len;
	r->code = p->buf[0];
	r->cb = cb;
	r->cb_arg = cb_arg;
	r->created = now;
	r->delay = delay;
	r->tag = tag;
	queue_push(c, r, false);
	if (c->qhead == r && now >= c->busy_until) {
		/* start it now when its server has room; the callback never runs in here */
		int i = choose_server(c, r, now), ret;

		if (c->servers[i].n_inflight < c->max_inflight) {
			queue_remove(c, r);
			ret = start(c, (unsigned int)i, r, now);
			if (ret == -EAGAIN) {
				signer_busy(c, r, now);
			} else if (ret) {
				req_free(r);
				errno = -ret;
				return NULL;
			}
		}
	}
	return r;
}

void radius_client_cancel(struct radius_client *c, struct radius_req *r)
{
	if (r->server < 0)
		queue_remove(c, r);
	else
		release_id(&c->servers[r->server], r);
	req_free(r);
}

/* --- time ------------------------------------------------------------------------------ */

/* r's tries on its server are spent: the server is dead, r goes to the next one. */
static void spent(struct radius_client *c, struct radius_req *r, uint64_t now)
{
	unsigned int i = (unsigned int)r->server;
	struct radius_server *s = &c->servers[i];

	s->st.timeouts++;
	release_id(s, r);
	if (!s->dead) {
		char name[64];

		s->dead = true;
		s->dead_until = now + c->dead_time_ms;
		log_warn("radius: server %s does not answer: left out for %u ms",
			 server_name(s, name, sizeof(name)), c->dead_time_ms);
	}
	r->tried |= 1u << i;
	if (r->tried == (1u << c->n_servers) - 1) {
		complete(c, r, -ETIMEDOUT, NULL, 0);
		return;
	}
	queue_push(c, r, true);		/* fails over before anything that waits */
}

static void retransmit(struct radius_client *c, struct radius_req *r, uint64_t now)
{
	unsigned int i = (unsigned int)r->server;
	struct radius_server *s = &c->servers[i];
	int ret;

	r->tries++;
	s->st.retransmissions++;
	if (r->code == RADIUS_ACCOUNTING_REQUEST) {
		/* a changed packet is a new request: new identifier and authenticator */
		release_id(s, r);
		alloc_id(s, r);
		ret = sign(c, s, r, now);
		if (ret == -EAGAIN) {	/* the signer busy: not a try, again a while later */
			r->tries--;
			s->st.retransmissions--;
			r->deadline = now + SIGN_BUSY_MS;
			c->sign_busy++;
			return;
		}
		if (ret) {
			release_id(s, r);
			complete(c, r, ret, NULL, 0);
			return;
		}
	}
	transmit(c, i, r, now);
}

void radius_client_tick(struct radius_client *c, uint64_t now)
{
	unsigned int i, id;

	for (i = 0; i < c->n_servers; i++) {
		struct radius_server *s = &c->servers[i];

		server_dead(s, now);
		for (id = 0; id < RADIUS_IDS; id++) {
			struct radius_req *r = s->ids[id];

			/* a request retransmitted just now may sit at a later id: skip it */
			if (!r || r->deadline > now || r->id != id)
				continue;
			if (r->tries <= c->retries)
				retransmit(c, r, now);
			else
				spent(c, r, now);
		}
	}
	pump(c, now);
}

uint64_t radius_client_next_deadline(const struct radius_client *c)
{
	uint64_t next = UINT64_MAX;
	unsigned int i, id;

	for (i = 0; i < c->n_servers; i++)
		for (id = 0; id < RADIUS_IDS; id++)
			if (c->servers[i].ids[id] && c->servers[i].ids[id]->deadline < next)
				next = c->servers[i].ids[id]->deadline;
	if (c->qhead && c->busy_until && c->busy_until < next)
		next = c->busy_until;
	return next;
}

/* --- answers ------------------------------------------------------------------------------ */

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr *b,
		      socklen_t len)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (b->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

/* Count a dropped answer under its kind; log it, rate-limited per kind. */
static void count_refusal(struct radius_server *s, enum radius_err e)
{
	struct radius_server_stats *st = &s->st;
	unsigned int kind;
	uint64_t *n;
	char name[64];

	switch (e) {
	case RADIUS_ERR_SOURCE:
		n = &st->dropped;
		kind = DROP_SOURCE;
		break;
	case RADIUS_ERR_UNKNOWN_ID:
		n = &st->unknown_id;
		kind = DROP_UNKNOWN_ID;
		break;
	case RADIUS_ERR_AUTHENTICATOR:
	case RADIUS_ERR_MA_BAD:
	case RADIUS_ERR_MA_MISSING:
		n = &st->bad_authenticator;
		kind = DROP_AUTHENTICATOR;
		break;
	default:
		n = &st->malformed;
		kind = DROP_MALFORMED;
		break;
	}
	(*n)++;
	/* an authenticator that does not verify is most often a wrong secret: say it louder */
	log_rl(&drop_rl[kind], kind == DROP_AUTHENTICATOR ? LOG_WARNING : LOG_INFO,
	       "radius: server %s: answer dropped: %s (%llu of its kind so far)%s",
	       server_name(s, name, sizeof(name)), radius_err_name(e), (unsigned long long)*n,
	       kind == DROP_AUTHENTICATOR ? "; is the secret the server's?" : "");
}

static void count_answer(struct radius_server_stats *st, uint8_t code)
{
	if (code == RADIUS_ACCESS_ACCEPT)
		st->accepts++;
	else if (code == RADIUS_ACCESS_REJECT)
		st->rejects++;
	else if (code == RADIUS_ACCESS_CHALLENGE)
		st->challenges++;
	else
		st->responses++;
}

/* The request buf answers on server s, or why there is none. */
static enum radius_err match(struct radius_client *c, struct radius_server *s,
			     const struct sockaddr *from, socklen_t from_len, const uint8_t *buf,
			     size_t len, struct radius_msg *m, struct radius_req **rp)
{
	enum radius_err e;
	struct radius_req *r;

	if (!same_addr(&s->conf.addr, from, from_len))
		return RADIUS_ERR_SOURCE;
	e = radius_decode(m, buf, len);
	if (e)
		return e;
	r = s->ids[m->id];
	if (!r)
		return RADIUS_ERR_UNKNOWN_ID;
	e = c->signer.verify(c->signer.ctx, (unsigned int)(s - c->servers), m, r->code,
			     r->wire + 4);
	if (e)
		return e;
	*rp = r;
	return RADIUS_OK;
}

void radius_client_input(struct radius_client *c, unsigned int server,
			 const struct sockaddr *from, socklen_t from_len,
			 const uint8_t *buf, size_t len, uint64_t now)
{
	struct radius_server *s;
	struct radius_req *r = NULL;
	struct radius_msg m;
	enum radius_err e;

	if (server >= c->n_servers)
		return;
	s = &c->servers[server];
	e = match(c, s, from, from_len, buf, len, &m, &r);
	if (e) {
		count_refusal(s, e);
		return;
	}
	count_answer(&s->st, m.code);
	if (s->dead) {
		char name[64];

		s->dead = false;	/* it answers */
		log_info("radius: server %s answers again", server_name(s, name, sizeof(name)));
	}
	release_id(s, r);
	complete(c, r, 0, buf, m.len);
	pump(c, now);
}

/* --- state ------------------------------------------------------------------------------------ */

const struct radius_server_stats *radius_client_server_stats(const struct radius_client *c,
							     unsigned int server)
{
	return server < c->n_servers ? &c->servers[server].st : NULL;
}

enum radius_server_state radius_client_server_state(const struct radius_client *c,
						    unsigned int server, uint64_t now)
{
	const struct radius_server *s;

	if (server >= c->n_servers)
		return RADIUS_SERVER_ALIVE;
	s = &c->servers[server];
	return s->dead && now < s->dead_until ? RADIUS_SERVER_DEAD : RADIUS_SERVER_ALIVE;
}

unsigned int radius_client_inflight(const struct radius_client *c, unsigned int server)
{
	return server < c->n_servers ? c->servers[server].n_inflight : 0;
}

unsigned int radius_client_queued(const struct radius_client *c)
{
	return c->n_queued;
}

uint64_t radius_client_queue_full(const struct radius_client *c)
{
	return c->queue_full;
}

uint64_t radius_client_sign_busy(const struct radius_client *c)
{
	return c->sign_busy;
}
