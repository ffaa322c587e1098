// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS dynamic authorization (RFC 5176) in l2secd: Disconnect-Request and
 * CoA-Request from the configured [radius] dae-clients, on a UDP socket of
 * the event loop (aaa.h).
 *
 * A datagram goes through, in order, and each refusal is counted:
 *  - its source is a dae-client (the first whose network holds it), else it
 *    is dropped (unknown_client) with a rate-limited line;
 *  - the client's rate (DAE_RATE a second, bursts of DAE_BURST): beyond it,
 *    dropped unread (rate_limited), before any MD5 is spent on it;
 *  - a well-formed CoA-Request or Disconnect-Request (malformed);
 *  - its Request Authenticator and Message-Authenticator with the client's
 *    secret, radius_verify_request(): the Message-Authenticator is required.
 *    The Request Authenticator is MD5 with the secret as a suffix, the kind
 *    of construction chosen-prefix collisions (Blast-RADIUS) break; the
 *    HMAC is not, and FreeRADIUS, radclient and commercial servers send it
 *    (bad_authenticator);
 *  - a duplicate (same source address and port, Identifier and Request
 *    Authenticator within DAE_DUP_MS) gets the answer it got, from the
 *    client's cache, and nothing is done twice (duplicates);
 *  - an Event-Timestamp more than DAE_TS_WINDOW_S away from our clock: a
 *    replay, dropped (stale, RFC 5176 section 3.5);
 *  - with [radius] dae-require-event-timestamp = yes, no Event-Timestamp: a
 *    NAK with Error-Cause 402, Missing Attribute (no_event_timestamp): the
 *    replay protection RFC 5176 section 3.5 gives is that attribute's, and
 *    beyond the duplicate window nothing else tells a replay;
 * then it is answered, ACK or NAK with an Error-Cause (RFC 5176 section
 * 3.6), signed with radius_sign_answer() and with its Proxy-States.
 *
 * Under privsep the engine runs all of this but the two uses of a secret
 * (client_verify, answer_sign), which the parent does (DAE_VERIFY and
 * DAE_SIGN, priv/priv_radius.h): the engine parses, the parent alone holds
 * the dae-clients' secrets and signs only answers to requests it verified.
 *
 * Nothing waits: a request is acted on and answered in the loop's turn it
 * arrives in, so none is ever in flight; a turn reads at most DAE_BUDGET
 * datagrams. Memory is fixed at start: DAE_CACHE answers per client, each
 * at most one datagram.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "aaa_int.h"
#include "core/log.h"
#include "core/util.h"
#include "radius/radius_sign.h"

#define DAE_CACHE		16	/* answers kept per client, for duplicates */
#define DAE_DUP_MS		30000	/* a retransmission comes within (RFC 5080 section 2.2.2) */
#define DAE_TS_WINDOW_S		300	/* RFC 5176 section 3.5's default window */
#define DAE_RATE		20	/* requests a second from one client ... */
#define DAE_BURST		40	/* ... in bursts of at most */
#define DAE_BUDGET		64	/* datagrams per turn of the loop */

/* Error-Cause (RFC 5176 section 3.5) */
enum {
	DAE_EC_UNSUPPORTED_ATTRIBUTE = 401,
	DAE_EC_MISSING_ATTRIBUTE = 402,
	DAE_EC_NAS_MISMATCH = 403,
	DAE_EC_INVALID_REQUEST = 404,
	DAE_EC_UNSUPPORTED_SERVICE = 405,
	DAE_EC_INVALID_VALUE = 407,
	DAE_EC_NOT_FOUND = 503,
};

#define DAE_SERVICE_FRAMED	2	/* Service-Type (RFC 2865 section 5.6) */

struct dae_cached {
	uint64_t at_ms;			/* 0: empty */
	union sa46 src;
	uint8_t id;
	uint8_t auth[RADIUS_AUTH_LEN];
	size_t len;
	uint8_t *ans;
};

struct dae_stats {
	uint64_t requests, acks, naks, bad_authenticator, duplicates, malformed, stale;
	uint64_t rate_limited, sessions_ended, sessions_changed, no_event_timestamp;
};

struct dae_client {
	union sa46 net;			/* port 0, host bits zero */
	uint8_t plen;
	uint8_t secret[CONFIG_RADIUS_SECRET_MAX + 1];
	size_t secret_len;
	uint64_t credit_ms, last_ms;	/* the rate's bucket: DAE_RATE per 1000 ms of credit */
	struct dae_cached cache[DAE_CACHE];
	unsigned int next;		/* the cache's oldest slot */
	struct dae_stats st;
};

struct aaa_dae {
	int fd;
	struct ev_io io;
	union sa46 local;
	struct dae_client clients[CONFIG_DAE_CLIENTS_MAX];
	unsigned int n;
	uint64_t unknown_client, send_errors, no_memory;
	aaa_dae_fn fn;
	void *arg;
	struct aaa *a;
	bool require_ts;		/* [radius] dae-require-event-timestamp */
	ev_clock_fn clock;		/* NULL: the loop's (aaa_dae_set_clock) */
	void *clock_arg;
	struct radius_pkt ans;		/* the answer being sent */
};

static uint64_t dae_now(const struct aaa *a)
{
	return a->dae->clock ? a->dae->clock(a->dae->clock_arg) : evloop_now(a->loop);
}

void aaa_dae_set_clock(struct aaa *a, ev_clock_fn clock, void *arg)
{
	if (a && a->dae) {
		a->dae->clock = clock;
		a->dae->clock_arg = arg;
	}
}

/* --- matching ------------------------------------------------------------------------ */

static bool str_eq(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

bool aaa_dae_match(const struct aaa_dae_ident *id, const struct aaa_dae_session *s)
{
	char station[INET6_ADDRSTRLEN + 10];

	if (!str_eq(id->user, s->user) ||
	    (id->has_framed_ip && (!s->framed_ip.s_addr ||	/* none yet: 0.0.0.0 names no one */
				   id->framed_ip.s_addr != s->framed_ip.s_addr)) ||
	    (id->has_nas_port && id->nas_port != s->nas_port))
		return false;
	if (id->acct_session_id &&
	    !str_eq(id->acct_session_id, s->acct ? aaa_acct_session_id(s->acct) : NULL))
		return false;
	if (id->calling_station) {
		if (!s->peer)
			return false;
		sa46_str(s->peer, station, sizeof(station));
		return !strcmp(id->calling_station, station);
	}
	return true;
}

/* Does client c's network hold address a? */
static bool net_holds(const struct dae_client *c, const union sa46 *a)
{
	uint8_t x[16] = { 0 }, y[16] = { 0 };
	unsigned int full, rest;
	uint16_t port;

	if (a->sa.sa_family != c->net.sa.sa_family || !sa46_key(a, x, &port))
		return false;	/* AF_UNSPEC: no client's */
	sa46_key(&c->net, y, &port);
	full = c->plen / 8;
	rest = c->plen % 8;
	if (memcmp(x, y, full))
		return false;
	return !rest || !((x[full] ^ y[full]) & (0xff00 >> rest));
}

static struct dae_client *client_of(struct aaa_dae *d, const union sa46 *src)
{
	for (unsigned int i = 0; i < d->n; i++)
		if (net_holds(&d->clients[i], src))
			return &d->clients[i];
	return NULL;
}

/* --- the request's attributes -------------------------------------------------------- */

/* A request read: identification, the change asked, and the NAK's cause if any. */
struct dae_req {
	struct aaa_dae_ident id;
	struct aaa_dae_change change;
	char user[RADIUS_ATTR_MAX + 1], acct_id[RADIUS_ATTR_MAX + 1];
	char station[RADIUS_ATTR_MAX + 1];
	bool has_ts;
	uint32_t ts;
	uint32_t error;			/* Error-Cause, 0: none */
};

/* A text value as a C string: 0, or -1 when it is empty or holds a NUL. */
static int take_str(const struct radius_msg *m, const struct radius_avp *a, char *out,
		    const char **set)
{
	if (!a->len || memchr(radius_value(m, a), 0, a->len))
		return -1;
	memcpy(out, radius_value(m, a), a->len);
	out[a->len] = '\0';
	*set = out;
	return 0;
}

static uint32_t get_u32(const struct radius_msg *m, const struct radius_avp *a)
{
	const uint8_t *v = radius_value(m, a);

	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

/* Do the NAS-Identifier and NAS-IP-Address (when present) name this gateway? */
static bool nas_is_ours(const struct aaa *a, const struct radius_msg *m,
			const struct radius_avp *x)
{
	const struct sockaddr_in *l = (const struct sockaddr_in *)&a->dae->local;
	struct in_addr ip;

	if (x->type == RADIUS_NAS_IDENTIFIER)
		return x->len == strlen(a->nas_id) &&
		       !memcmp(radius_value(m, x), a->nas_id, x->len);
	if (x->len != 4)
		return false;
	memcpy(&ip, radius_value(m, x), 4);
	return (a->has_nas_ip && ip.s_addr == a->nas_ip.s_addr) ||
	       (l->sin_family == AF_INET && ip.s_addr == l->sin_addr.s_addr);
}

/*
 * One attribute of a request into q: 0, or the Error-Cause that refuses
 * the request. Identification appears once at most; a CoA's change is all
 * or nothing, so any attribute l2secd cannot apply refuses the request.
 */
static uint32_t take_attr(const struct aaa *a, const struct radius_msg *m,
			  const struct radius_avp *x, struct dae_req *q)
{
	struct aaa_dae_ident *id = &q->id;

	switch (x->type) {
	case RADIUS_MESSAGE_AUTHENTICATOR:
	case RADIUS_PROXY_STATE:
		return 0;
	case RADIUS_EVENT_TIMESTAMP:
		if (x->len != 4 || q->has_ts)
			return DAE_EC_INVALID_VALUE;
		q->has_ts = true;
		q->ts = get_u32(m, x);
		return 0;
	case RADIUS_NAS_IDENTIFIER:
	case RADIUS_NAS_IP_ADDRESS:
		return nas_is_ours(a, m, x) ? 0 : DAE_EC_NAS_MISMATCH;
	case RADIUS_SERVICE_TYPE:	/* Authorize Only (RFC 5176 section 3.2) is not done */
		return x->len == 4 && get_u32(m, x) == DAE_SERVICE_FRAMED ? 0 :
		       DAE_EC_UNSUPPORTED_SERVICE;
	case RADIUS_USER_NAME:
		if (id->user)
			return DAE_EC_INVALID_REQUEST;
		return take_str(m, x, q->user, &id->user) ? DAE_EC_INVALID_VALUE : 0;
	case RADIUS_ACCT_SESSION_ID:
		if (id->acct_session_id)
			return DAE_EC_INVALID_REQUEST;
		return take_str(m, x, q->acct_id, &id->acct_session_id) ? DAE_EC_INVALID_VALUE : 0;
	case RADIUS_CALLING_STATION_ID:
		if (id->calling_station)
			return DAE_EC_INVALID_REQUEST;
		return take_str(m, x, q->station, &id->calling_station) ? DAE_EC_INVALID_VALUE : 0;
	case RADIUS_FRAMED_IP_ADDRESS:
		if (id->has_framed_ip)
			return DAE_EC_INVALID_REQUEST;
		if (x->len != 4)
			return DAE_EC_INVALID_VALUE;
		id->has_framed_ip = true;
		memcpy(&id->framed_ip, radius_value(m, x), 4);
		return 0;
	case RADIUS_NAS_PORT:
		if (id->has_nas_port)
			return DAE_EC_INVALID_REQUEST;
		if (x->len != 4)
			return DAE_EC_INVALID_VALUE;
		id->has_nas_port = true;
		id->nas_port = get_u32(m, x);
		return 0;
	case RADIUS_SESSION_TIMEOUT:	/* the run-time changes: a CoA's only */
		if (m->code != RADIUS_COA_REQUEST)
			return DAE_EC_UNSUPPORTED_ATTRIBUTE;
		if (x->len != 4 || q->change.has_session_timeout)
			return DAE_EC_INVALID_VALUE;
		q->change.has_session_timeout = true;
		q->change.session_timeout = get_u32(m, x);
		return 0;
	default:
		return DAE_EC_UNSUPPORTED_ATTRIBUTE;
	}
}

static bool has_ident(const struct aaa_dae_ident *id)
{
	return id->user || id->acct_session_id || id->calling_station || id->has_framed_ip ||
	       id->has_nas_port;
}

/* m's attributes into q; q->error says why not. */
static void take_request(const struct aaa *a, const struct radius_msg *m, struct dae_req *q)
{
	memset(q, 0, sizeof(*q));
	for (unsigned int i = 0; i < m->n_avps && !q->error; i++)
		q->error = take_attr(a, m, &m->avps[i], q);
	if (!q->error && !has_ident(&q->id))
		q->error = DAE_EC_MISSING_ATTRIBUTE;
}

/* --- answers ---------------------------------------------------------------------------- */

/* An answer of code to m: its Proxy-States in order (RFC 5176 section 3), an Error-Cause. */
static int answer_build(struct radius_pkt *p, const struct radius_msg *m, uint8_t code,
			uint32_t error)
{
	const struct radius_avp *x = NULL;

	radius_pkt_init(p, code, m->id);
	while ((x = radius_find(m, RADIUS_PROXY_STATE, x)))
		if (radius_put(p, RADIUS_PROXY_STATE, radius_value(m, x), x->len))
			return -EMSGSIZE;
	if (error && radius_put_u32(p, RADIUS_ERROR_CAUSE, error))
		return -EMSGSIZE;
	return 0;
}

/*
 * The only two uses of the client's secret (radius_sign.h): the request's
 * check and the answer's signature.
 */
static enum radius_err client_verify(const struct aaa *a, const struct dae_client *c,
				     const struct radius_msg *m)
{
	const struct radius_secret s = { c->secret, c->secret_len };
	const struct radius_signer *sg = &a->signers[AAA_LINK_AUTH];

	if (a->signed_elsewhere)	/* privsep: the parent holds the secret */
		return sg->verify_request(sg->ctx, (unsigned int)(c - a->dae->clients), m);
	return radius_verify_request(m, &s);
}

static int answer_sign(const struct aaa *a, struct radius_pkt *p, const struct dae_client *c,
		       const struct radius_msg *m)
{
	const struct radius_secret s = { c->secret, c->secret_len };
	const struct radius_signer *sg = &a->signers[AAA_LINK_AUTH];

	if (a->signed_elsewhere)
		return sg->sign_answer(sg->ctx, (unsigned int)(c - a->dae->clients), p,
				       m->buf + 4);
	return radius_sign_answer(p, &s, m->buf + 4);
}

static void cache_put(struct aaa_dae *d, struct dae_client *c, const union sa46 *src,
		      const struct radius_msg *m, const struct radius_pkt *p, uint64_t now)
{
	struct dae_cached *e = &c->cache[c->next];
	uint8_t *copy = malloc(p->len);

	if (!copy) {
		d->no_memory++;	/* answered, not cached: a retransmission is acted on again */
		return;
	}
	free(e->ans);
	e->ans = copy;
	memcpy(e->ans, p->buf, p->len);
	e->len = p->len;
	e->at_ms = now ? now : 1;
	e->src = *src;
	e->id = m->id;
	memcpy(e->auth, m->buf + 4, RADIUS_AUTH_LEN);
	c->next = (c->next + 1) % DAE_CACHE;
}

static const struct dae_cached *cache_find(const struct dae_client *c,
					   const union sa46 *src,
					   const struct radius_msg *m, uint64_t now)
{
	for (unsigned int i = 0; i < DAE_CACHE; i++) {
		const struct dae_cached *e = &c->cache[i];

		if (e->at_ms && now - e->at_ms < DAE_DUP_MS && e->id == m->id &&
		    !memcmp(e->auth, m->buf + 4, RADIUS_AUTH_LEN) && sa46_same(&e->src, src))
			return e;
	}
	return NULL;
}

/* --- a request ------------------------------------------------------------------------------- */

static const char *code_name(uint8_t code)
{
	return code == RADIUS_DISCONNECT_REQUEST ? "Disconnect-Request" : "CoA-Request";
}

/* The client's bucket: may one more request be read now? */
static bool rate_ok(struct dae_client *c, uint64_t now)
{
	const uint64_t cost = 1000 / DAE_RATE, cap = DAE_BURST * cost;

	c->credit_ms += now - c->last_ms;
	c->last_ms = now;
	if (c->credit_ms > cap)
		c->credit_ms = cap;
	if (c->credit_ms < cost)
		return false;
	c->credit_ms -= cost;
	return true;
}

/* A verified request m of c, read into q, acted on: ACK or NAK built into p. */
static void act(struct aaa *a, struct dae_client *c, const struct radius_msg *m,
		const struct dae_req *q, const char *from, struct radius_pkt *p)
{
	struct aaa_dae *d = a->dae;
	bool disc = m->code == RADIUS_DISCONNECT_REQUEST;
	uint32_t error = q->error;
	unsigned int n = 0;
	uint8_t code;

	if (!error) {
		n = d->fn ? d->fn(d->arg, &q->id, disc ? NULL : &q->change) : 0;
		error = n ? 0 : DAE_EC_NOT_FOUND;
	}
	if (error) {
		c->st.naks++;
		code = disc ? RADIUS_DISCONNECT_NAK : RADIUS_COA_NAK;
		aaa_log_limited(a, LOG_NOTICE, "%s from %s: refused, Error-Cause %u",
				code_name(m->code), from, error);
	} else {
		c->st.acks++;
		code = disc ? RADIUS_DISCONNECT_ACK : RADIUS_COA_ACK;
		if (disc)
			c->st.sessions_ended += n;
		else
			c->st.sessions_changed += n;
		aaa_log_limited(a, LOG_NOTICE, "%s from %s: %u session(s) %s",
				code_name(m->code), from, n, disc ? "ended" : "changed");
	}
	if (answer_build(p, m, code, error))	/* Proxy-States too long to echo: none echoed */
		answer_build(p, m, code, 0);
}

/* A verified request's answer into p: its length, 0 when none is sent. */
static size_t handle(struct aaa *a, struct dae_client *c, const union sa46 *src,
		     const struct radius_msg *m, const char *from, struct radius_pkt *p)
{
	uint64_t now = dae_now(a);
	const struct dae_cached *e = cache_find(c, src, m, now);
	struct dae_req q;
	int64_t skew;

	if (e) {	/* a retransmission: the same answer, nothing done again */
		c->st.duplicates++;
		memcpy(p->buf, e->ans, e->len);
		p->len = e->len;
		return p->len;
	}
	take_request(a, m, &q);
	skew = q.has_ts ? (int64_t)time(NULL) - (int64_t)q.ts : 0;
	if (skew > DAE_TS_WINDOW_S || skew < -DAE_TS_WINDOW_S) {
		c->st.stale++;
		aaa_log_limited(a, LOG_WARNING, "%s from %s: Event-Timestamp %lld s away from "
				"our clock: dropped (a replay?)", code_name(m->code), from,
				(long long)skew);
		return 0;
	}
	if (!q.has_ts && !q.error && a->dae->require_ts) {
		c->st.no_event_timestamp++;
		q.error = DAE_EC_MISSING_ATTRIBUTE;
	}
	act(a, c, m, &q, from, p);
	if (answer_sign(a, p, c, m)) {
		a->dae->send_errors++;
		return 0;
	}
	cache_put(a->dae, c, src, m, p, now);
	return p->len;
}

size_t aaa_dae_input(struct aaa *a, const union sa46 *src, const uint8_t *buf,
		     size_t len, struct radius_pkt *ans)
{
	struct aaa_dae *d = a->dae;
	struct dae_client *c = client_of(d, src);
	char from[INET6_ADDRSTRLEN + 10];
	struct radius_msg m;
	enum radius_err e;

	/* FROM is named only for a line written, and once the request is verified */
	if (!c) {
		d->unknown_client++;
		aaa_log_limited(a, LOG_WARNING, "dynamic authorization request from %s, which is "
				"not a dae-client: dropped", sa46_str(src, from, sizeof(from)));
		return 0;
	}
	if (!rate_ok(c, dae_now(a))) {
		c->st.rate_limited++;
		return 0;
	}
	e = radius_decode(&m, buf, len);
	if (e == RADIUS_OK && m.code != RADIUS_DISCONNECT_REQUEST && m.code != RADIUS_COA_REQUEST)
		e = RADIUS_ERR_CODE;
	if (e != RADIUS_OK) {
		c->st.malformed++;
		aaa_log_limited(a, LOG_WARNING, "dynamic authorization request from %s: %s: "
				"dropped", sa46_str(src, from, sizeof(from)), radius_err_name(e));
		return 0;
	}
	c->st.requests++;
	e = client_verify(a, c, &m);
	if (e != RADIUS_OK) {
		c->st.bad_authenticator++;
		aaa_log_limited(a, LOG_WARNING, "%s from %s: %s: dropped", code_name(m.code),
				sa46_str(src, from, sizeof(from)), radius_err_name(e));
		return 0;
	}
	sa46_str(src, from, sizeof(from));
	return handle(a, c, src, &m, from, ans);
}

/* --- the socket ------------------------------------------------------------------------------ */

static void on_input(struct ev_io *io, uint32_t events)
{
	struct aaa_dae *d = container_of(io, struct aaa_dae, io);
	struct sockaddr_storage ss;	/* recvfrom's */
	socklen_t ss_len;
	union sa46 src;
	uint8_t buf[RADIUS_MAX_LEN + 1];
	struct radius_pkt *ans = &d->ans;
	ssize_t n;
	size_t len;

	(void)events;
	for (int budget = DAE_BUDGET; budget > 0; budget--) {
		ss_len = sizeof(ss);
		n = recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &ss_len);
		if (n < 0)
			break;
		/* another family stays AF_UNSPEC: no client's, counted as unknown_client */
		sa46_from(&src, &ss, ss_len);
		len = aaa_dae_input(d->a, &src, buf, (size_t)n, ans);
		if (len && sendto(io->fd, ans->buf, len, 0, &src.sa, sa46_len(&src)) < 0)
			d->send_errors++;
	}
}

/* Client i's network and secret (its file's, or [radius]'s). */
static int client_init(struct aaa *a, struct dae_client *c, const struct config_dae_client *cc)
{
	if (sa46_from(&c->net, &cc->net, sizeof(cc->net)) < 0) {
		log_err("radius: a dae-client's network is neither IPv4 nor IPv6");
		return -1;	/* the parser gives neither */
	}
	c->plen = cc->plen;
	c->credit_ms = DAE_BURST * (1000 / DAE_RATE);
	c->last_ms = evloop_now(a->loop);
	if (a->signed_elsewhere)
		return 0;	/* privsep: the parent reads it (aaa_dae_secret_load) */
	if (cc->secret_file[0])
		return aaa_read_secret(cc->secret_file, c->secret, &c->secret_len);
	memcpy(c->secret, a->secret, a->secret_len);
	c->secret_len = a->secret_len;
	return 0;
}

int aaa_dae_open(struct aaa *a)
{
	const struct config_radius *r = &a->cfg->radius;
	struct aaa_dae *d = calloc(1, sizeof(*d));
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[128];
	int one = 1;

	if (!d) {
		log_err("radius: out of memory");
		return -1;
	}
	d->fd = -1;
	d->a = a;
	a->dae = d;
	if (config_radius_servers(r->dae_listen, 3799, ss, why, sizeof(why)) != 1) {
		log_err("radius: dae-listen %s: %s", r->dae_listen, why);
		return -1;
	}
	sa46_from(&d->local, &ss[0], sizeof(ss[0]));	/* the parser's: IPv4 or IPv6 */
	d->require_ts = r->dae_require_ts;
	for (d->n = 0; d->n < r->n_dae_clients; d->n++)
		if (client_init(a, &d->clients[d->n], &r->dae_clients[d->n]) < 0)
			return -1;
	d->fd = socket(d->local.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0 || setsockopt(d->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(d->fd, &d->local.sa, sa46_len(&d->local)) < 0) {
		log_err("radius: dae-listen %s: %s", r->dae_listen, strerror(errno));
		return -1;
	}
	if (evloop_add_io(a->loop, &d->io, d->fd, EPOLLIN, on_input) < 0) {
		log_err("radius: event loop: %s", strerror(errno));
		return -1;
	}
	log_notice("radius: dynamic authorization on %s, %u client(s)", r->dae_listen, d->n);
	return 0;
}

void aaa_dae_close(struct aaa *a)
{
	struct aaa_dae *d = a->dae;

	if (!d)
		return;
	if (d->io.cb)
		evloop_del_io(a->loop, &d->io);
	if (d->fd >= 0)
		close(d->fd);
	for (unsigned int i = 0; i < CONFIG_DAE_CLIENTS_MAX; i++)
		for (unsigned int j = 0; j < DAE_CACHE; j++)
			free(d->clients[i].cache[j].ans);
	explicit_bzero(d->clients, sizeof(d->clients));
	free(d);
	a->dae = NULL;
}

void aaa_dae_bind(struct aaa *a, aaa_dae_fn fn, void *arg)
{
	if (!a || !a->dae)
		return;
	a->dae->fn = fn;
	a->dae->arg = arg;
}

/* --- the control socket ----------------------------------------------------------------------- */

static struct json_object *client_stats(const struct dae_client *c)
{
	struct json_object *g = json_object_new_object();

	aaa_add_u64(g, "requests", c->st.requests);
	aaa_add_u64(g, "acks", c->st.acks);
	aaa_add_u64(g, "naks", c->st.naks);
	aaa_add_u64(g, "bad_authenticator", c->st.bad_authenticator);
	aaa_add_u64(g, "duplicates", c->st.duplicates);
	aaa_add_u64(g, "stale", c->st.stale);
	aaa_add_u64(g, "no_event_timestamp", c->st.no_event_timestamp);
	aaa_add_u64(g, "malformed", c->st.malformed);
	aaa_add_u64(g, "rate_limited", c->st.rate_limited);
	aaa_add_u64(g, "sessions_ended", c->st.sessions_ended);
	aaa_add_u64(g, "sessions_changed", c->st.sessions_changed);
	return g;
}

/*
 * "listen": "ADDR:PORT", "clients": [ { "client": "NET/PLEN", "stats": {...} } ],
 * "stats": { "unknown_client", "send_errors", "no_memory" }
 */
struct json_object *aaa_dae_stats(const struct aaa *a)
{
	const struct aaa_dae *d = a->dae;
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct json_object *g = json_object_new_object();
	char name[INET6_ADDRSTRLEN + 10], net[INET6_ADDRSTRLEN];

	sa46_str(&d->local, name, sizeof(name));
	json_object_object_add(o, "listen", json_object_new_string(name));
	for (unsigned int i = 0; i < d->n; i++) {
		const struct dae_client *c = &d->clients[i];
		const union sa46 *sa = &c->net;
		struct json_object *e = json_object_new_object();

		if (sa->sa.sa_family == AF_INET)
			inet_ntop(AF_INET, &sa->sin.sin_addr, net, sizeof(net));
		else if (sa->sa.sa_family == AF_INET6)
			inet_ntop(AF_INET6, &sa->sin6.sin6_addr, net, sizeof(net));
		else
			snprintf(net, sizeof(net), "?");	/* client_init refused it */
		snprintf(name, sizeof(name), "%s/%u", net, c->plen);
		json_object_object_add(e, "client", json_object_new_string(name));
		json_object_object_add(e, "stats", client_stats(c));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "clients", arr);
	aaa_add_u64(g, "unknown_client", d->unknown_client);
	aaa_add_u64(g, "send_errors", d->send_errors);
	aaa_add_u64(g, "no_memory", d->no_memory);
	json_object_object_add(o, "stats", g);
	return o;
}
