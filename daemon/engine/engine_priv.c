// SPDX-License-Identifier: GPL-2.0
/* The engine's side of the socketpair: blocking requests, queued events (engine_priv.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "engine/engine_priv.h"
#include "ppp/ppp.h"
#include "priv/priv_state.h"

/* A live SA the parent confirmed (MARK_QUERY), for ENGINE_PRIV_SA_TTL_MS. */
struct sa_cached {
	uint32_t mark;
	struct priv_addr peer;
	uint64_t until_ms;
};

/*
 * An event waiting for the event callback: only the event bodies are kept
 * (a priv_msg is as large as a RADIUS packet).
 */
struct queued {
	uint8_t type;
	uint32_t seq;
	union {
		struct priv_ev_socket socket;
		struct priv_ev_sa sa;
	};
};

/* A RADIUS client's signer: one per link (engine_priv_radius_signer). */
struct radius_link {
	struct engine_priv *ep;
	unsigned int link;
};

struct engine_priv {
	struct evloop *loop;
	int fd;
	struct ev_io io;
	struct ev_timer drain;		/* queued events, after the call that queued them */
	engine_priv_event_fn *fn;
	engine_priv_now_fn *now_fn;	/* events taken at once, also within a call */
	void *ctx;
	uint32_t seq;			/* the last request's */
	uint32_t st_seq;		/* the last resume record's */
	bool broken;
	bool in_call;
	bool stopping;			/* engine_priv_stopping(): the parent clears up */
	struct queued queue[ENGINE_PRIV_QUEUE];
	struct radius_link rlinks[PRIV_RADIUS_LINKS];
	unsigned int q_head, q_len;
	struct sa_cached sa[ENGINE_PRIV_SA_CACHE];	/* by mark, direct-mapped */
	unsigned int sa_ttl_ms;
	/*
	 * resume records not sent yet (engine_priv_record): n_rec of them, whole
	 * datagrams back to back in rec_used octets (each carries its length)
	 */
	uint8_t rec[ENGINE_PRIV_RECORD_BUF];
	unsigned int n_rec, rec_used;
};

static void set_broken(struct engine_priv *ep, const char *why)
{
	if (!ep->broken)
		log_err("engine: the privileged parent %s: exiting", why);
	ep->broken = true;
	evloop_stop(ep->loop);
}

bool engine_priv_broken(const struct engine_priv *ep)
{
	return ep->broken;
}

/*
 * The held records and then msg (len octets; NULL: none) in one datagram, a
 * PRIV_BATCH when more than one (priv_msg.h): one send, one wake-up of the
 * parent. Blocking, as a request; 0, or -1 (broken) when it did not go. The
 * records' octets are wiped (a user name), msg is the caller's.
 */
static int send_with_records(struct engine_priv *ep, const uint8_t *msg, size_t len)
{
	uint8_t out[PRIV_BATCH_MAX];
	const uint8_t *d = out;
	size_t n = PRIV_HDR_LEN + ep->rec_used + (msg ? len : 0);
	int r = 0;

	if (ep->n_rec + (msg ? 1 : 0) == 1) {	/* alone: as it is */
		d = msg ? msg : ep->rec;
		n = msg ? len : ep->rec_used;
	} else {
		out[0] = PRIV_MSG_VERSION;
		out[1] = PRIV_BATCH;
		put_be16(out + 2, (uint16_t)n);
		put_be32(out + 4, 0);
		memcpy(out + PRIV_HDR_LEN, ep->rec, ep->rec_used);
		if (msg)
			memcpy(out + PRIV_HDR_LEN + ep->rec_used, msg, len);
	}
	if (n && send(ep->fd, d, n, MSG_NOSIGNAL) != (ssize_t)n)
		r = -1;
	if (d == out)
		explicit_bzero(out, n);
	explicit_bzero(ep->rec, ep->rec_used);
	ep->n_rec = ep->rec_used = 0;
	if (r < 0)
		set_broken(ep, "cannot be written to");
	return r;
}

/* The held records, before the event loop waits: none is behind while the engine sleeps. */
static void records_before_wait(void *arg)
{
	struct engine_priv *ep = arg;

	if (ep->n_rec && !ep->broken)
		send_with_records(ep, NULL, 0);
}

static void deliver(struct engine_priv *ep)
{
	while (ep->q_len && !ep->broken) {
		const struct queued *q = &ep->queue[ep->q_head];
		struct priv_msg m;

		priv_msg_init(&m, q->type);
		m.seq = q->seq;
		if (q->type == PRIV_EV_SOCKET)
			m.socket = q->socket;
		else
			m.sa = q->sa;
		ep->q_head = (ep->q_head + 1) % ENGINE_PRIV_QUEUE;
		ep->q_len--;
		ep->fn(ep->ctx, &m);
	}
}

static void drain_cb(struct ev_timer *t)
{
	deliver(container_of(t, struct engine_priv, drain));
}

/* One event for later; false when the queue is full (the parent floods: broken). */
static bool enqueue(struct engine_priv *ep, const struct priv_msg *m)
{
	struct queued *q;

	if (ep->q_len == ENGINE_PRIV_QUEUE)
		return false;
	q = &ep->queue[(ep->q_head + ep->q_len) % ENGINE_PRIV_QUEUE];
	memset(q, 0, sizeof(*q));
	q->type = m->type;
	q->seq = m->seq;
	if (m->type == PRIV_EV_SOCKET)
		q->socket = m->socket;
	else
		q->sa = m->sa;		/* SA_*; the other events have no body */
	ep->q_len++;
	return true;
}

/* One datagram from the parent into *m; 1, 0 when none is there (flags), -1: broken. */
static int receive(struct engine_priv *ep, struct priv_msg *m, int flags)
{
	uint8_t buf[PRIV_MSG_MAX];
	ssize_t n = recv(ep->fd, buf, sizeof(buf), flags | MSG_TRUNC);
	enum priv_reason why;

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n <= 0) {
		set_broken(ep, n == 0 ? "is gone" : "cannot be read");
		return -1;
	}
	if ((size_t)n > sizeof(buf)) {
		set_broken(ep, "sent an oversized message");
		return -1;
	}
	why = priv_msg_decode(buf, (size_t)n, m);
	if (why != PRIV_OK || priv_type_is_request(m->type)) {
		log_err("engine: message from the parent refused: %s",
			why != PRIV_OK ? priv_reason_name(why) : "a request");
		set_broken(ep, "broke the protocol");
		return -1;
	}
	return 1;
}

/* An event: taken at once (now_fn), or queued; false when the queue is full (broken). */
static bool take(struct engine_priv *ep, const struct priv_msg *m)
{
	if (ep->now_fn && ep->now_fn(ep->ctx, m))
		return true;
	if (enqueue(ep, m))
		return true;
	set_broken(ep, "sent more events than the engine queues");
	return false;
}

/* Each event is handed over as it is read, so a burst (a new engine's SAs) is not queued. */
static void io_cb(struct ev_io *io, uint32_t events)
{
	struct engine_priv *ep = container_of(io, struct engine_priv, io);
	struct priv_msg m;
	int r;

	(void)events;
	while (!ep->broken && (r = receive(ep, &m, MSG_DONTWAIT)) > 0) {
		if (m.type == PRIV_REPLY) {
			set_broken(ep, "sent a reply to no request");
			return;
		}
		if (!take(ep, &m))
			return;
		deliver(ep);
	}
}

void engine_priv_set_now(struct engine_priv *ep, engine_priv_now_fn *fn)
{
	ep->now_fn = fn;
}

struct engine_priv *engine_priv_new(struct evloop *loop, int fd, engine_priv_event_fn *fn,
				    void *ctx)
{
	struct timeval tv = {
		.tv_sec = ENGINE_PRIV_TIMEOUT_MS / 1000,
		.tv_usec = (ENGINE_PRIV_TIMEOUT_MS % 1000) * 1000,
	};
	struct engine_priv *ep = calloc(1, sizeof(*ep));

	if (!ep)
		return NULL;
	ep->loop = loop;
	ep->fd = fd;
	ep->fn = fn;
	ep->ctx = ctx;
	ep->sa_ttl_ms = ENGINE_PRIV_SA_TTL_MS;
	ev_timer_init(&ep->drain, drain_cb);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    evloop_add_io(loop, &ep->io, fd, EPOLLIN, io_cb) < 0) {
		free(ep);
		return NULL;
	}
	evloop_set_before_wait(loop, records_before_wait, ep);
	return ep;
}

void engine_priv_free(struct engine_priv *ep)
{
	if (!ep)
		return;
	records_before_wait(ep);	/* what it holds, before the parent sees its end */
	evloop_set_before_wait(ep->loop, NULL, NULL);
	ev_timer_cancel(ep->loop, &ep->drain);
	evloop_del_io(ep->loop, &ep->io);
	close(ep->fd);
	explicit_bzero(ep, sizeof(*ep));
	free(ep);
}

int engine_priv_call(struct engine_priv *ep, struct priv_msg *req, struct priv_reply *out)
{
	uint8_t buf[PRIV_MSG_MAX];
	struct priv_msg m;
	int len, r;

	/* what a reply to req uses: the rest of *out is never read (priv_reply_used) */
	priv_reply_init(out, req->type);
	if (ep->broken || ep->in_call) {
		errno = EPIPE;
		return -1;
	}
	req->seq = ++ep->seq;
	len = priv_msg_encode(req, buf, sizeof(buf));
	if (len < 0) {
		errno = EINVAL;
		return -1;	/* a field the decoder would refuse: not sent */
	}
	/* the held records first, in the same system call */
	if (send_with_records(ep, buf, (size_t)len) < 0) {
		explicit_bzero(buf, (size_t)len);
		errno = EPIPE;
		return -1;
	}
	explicit_bzero(buf, (size_t)len);	/* a PAP password: the encoder wrote len octets */
	ep->in_call = true;
	for (;;) {
		r = receive(ep, &m, 0);
		if (r == 0) {
			set_broken(ep, "did not answer in time");
			break;
		}
		if (r < 0)
			break;
		if (m.type != PRIV_REPLY) {
			if (!take(ep, &m))
				break;
			continue;
		}
		if (m.seq != req->seq || m.reply.req_type != req->type) {
			set_broken(ep, "answered another request");
			break;
		}
		memcpy(out, &m.reply, priv_reply_used(&m.reply));
		priv_msg_wipe(&m);
		ep->in_call = false;
		if (ep->q_len)
			ev_timer_arm(ep->loop, &ep->drain, 0);
		return 0;
	}
	ep->in_call = false;
	errno = EPIPE;
	return -1;
}

/* A call whose reply only says yes or no: 0 when done. */
static int call_ok(struct engine_priv *ep, struct priv_msg *req, struct priv_reply *out,
		   enum priv_reason *why)
{
	int r = engine_priv_call(ep, req, out);

	if (why)
		*why = r < 0 ? PRIV_OK : (enum priv_reason)out->reason;
	if (r < 0)
		return -1;
	if (out->reason != PRIV_OK) {
		log_info("engine: the parent refused %s: %s", priv_type_name(req->type),
			 priv_reason_name(out->reason));
		errno = EPERM;
		return -1;
	}
	if (out->error) {
		errno = out->error;
		return -1;
	}
	return 0;
}

/* peer's address and port into *a, *port, and local's (of the same family, else none) into *l. */
static int addrs_from(const union sa46 *peer, const union sa46 *local, struct priv_addr *a,
		      uint16_t *port, struct priv_addr *l)
{
	uint16_t lport;

	if (priv_addr_from(peer, a, port) < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (local && priv_addr_from(local, l, &lport) == 0 && l->family != a->family)
		memset(l, 0, sizeof(*l));
	return 0;
}

int engine_priv_tunnel_add(struct engine_priv *ep, uint16_t tid, uint16_t peer_tid,
			   uint32_t sock_id, const union sa46 *peer, const union sa46 *local,
			   bool require_ipsec, uint32_t mark, uint32_t *handle)
{
	struct priv_msg m;
	struct priv_tunnel_add *t = &m.tunnel_add;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_TUNNEL_ADD);
	t->tid = tid;
	t->peer_tid = peer_tid;
	t->sock_id = sock_id;
	if (addrs_from(peer, local, &t->peer, &t->peer_port, &t->local) < 0)
		return -1;
	t->require_ipsec = require_ipsec;
	t->mark = mark;
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	if (!r.handle) {
		set_broken(ep, "gave a tunnel no handle");
		return -1;
	}
	*handle = r.handle;
	return 0;
}

static int ids_call(struct engine_priv *ep, unsigned int type, uint32_t handle, uint16_t tid,
		    uint16_t sid)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, (uint8_t)type);
	m.ids.handle = handle;
	m.ids.tid = tid;
	m.ids.sid = sid;
	return call_ok(ep, &m, &r, NULL);
}

void engine_priv_stopping(struct engine_priv *ep)
{
	ep->stopping = true;
}

int engine_priv_tunnel_del(struct engine_priv *ep, uint32_t handle, uint16_t tid)
{
	if (ep->stopping)
		return 0;
	return ids_call(ep, PRIV_REQ_TUNNEL_DEL, handle, tid, 0);
}

int engine_priv_session_del(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid)
{
	if (ep->stopping)
		return 0;
	return ids_call(ep, PRIV_REQ_SESSION_DEL, handle, tid, sid);
}

int engine_priv_session_add(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			    uint16_t peer_sid, uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_SESSION_ADD);
	m.session_add.handle = handle;
	m.session_add.tid = tid;
	m.session_add.sid = sid;
	m.session_add.peer_sid = peer_sid;
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	memcpy(chal, r.chal, MSCHAP_CHALLENGE_LEN);
	return 0;
}

int engine_priv_session_up(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			   const struct in_addr *ipv4, const struct in6_addr *pfx64,
			   const uint64_t *ifid, unsigned int route)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_SESSION_UP);
	m.up.route = (uint8_t)route;
	m.up.handle = handle;
	m.up.tid = tid;
	m.up.sid = sid;
	m.up.has_v4 = ipv4 != NULL;
	if (ipv4)
		m.up.v4 = *ipv4;
	m.up.has_v6 = pfx64 != NULL;
	if (pfx64)
		m.up.pfx64 = *pfx64;
	if (ifid)
		m.up.ifid = *ifid;
	return call_ok(ep, &m, &r, NULL);
}

static void addr_set(struct priv_addr *a, int family, const void *p)
{
	a->family = family == AF_INET ? 4 : 6;
	if (!p)
		return;
	if (family == AF_INET)
		memcpy(&a->v4, p, sizeof(a->v4));
	else
		memcpy(&a->v6, p, sizeof(a->v6));
}

int engine_priv_route(struct engine_priv *ep, bool add, uint32_t handle, uint16_t tid,
		      uint16_t sid, int family, const void *dst)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, add ? PRIV_REQ_ROUTE_ADD : PRIV_REQ_ROUTE_DEL);
	if (!add && ep->stopping)
		return 0;
	m.addr.handle = handle;
	m.addr.tid = tid;
	m.addr.sid = sid;
	addr_set(&m.addr.addr, family, dst);
	m.addr.plen = family == AF_INET ? 32 : 64;
	return call_ok(ep, &m, &r, NULL);
}

int engine_priv_froute(struct engine_priv *ep, bool add, uint32_t handle, uint16_t tid,
		       uint16_t sid, const struct priv_addr *net, uint8_t plen,
		       enum priv_reason *why, uint8_t *froute_why)
{
	struct priv_msg m;
	struct priv_reply r;
	int ret;

	priv_msg_init(&m, add ? PRIV_REQ_FROUTE_ADD : PRIV_REQ_FROUTE_DEL);
	*froute_why = 0;
	if (!add && ep->stopping)
		return 0;
	m.addr.handle = handle;
	m.addr.tid = tid;
	m.addr.sid = sid;
	m.addr.addr = *net;
	m.addr.plen = plen;
	memset(&r, 0, sizeof(r));
	ret = call_ok(ep, &m, &r, why);
	*froute_why = r.froute_why;
	return ret;
}

int engine_priv_addr_claim(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			   int family, void *out, enum priv_reason *why)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_ADDR_CLAIM);
	m.addr.handle = handle;
	m.addr.tid = tid;
	m.addr.sid = sid;
	addr_set(&m.addr.addr, family, NULL);
	if (call_ok(ep, &m, &r, why) < 0)
		return -1;
	if (r.addr.family != m.addr.addr.family) {
		set_broken(ep, "answered an address claim with another family");
		return -1;
	}
	if (family == AF_INET)
		memcpy(out, &r.addr.v4, sizeof(r.addr.v4));
	else
		memcpy(out, &r.addr.v6, sizeof(r.addr.v6));
	return 0;
}

int engine_priv_addr_release(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			     int family, const void *addr)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_ADDR_RELEASE);
	if (ep->stopping)
		return 0;
	m.addr.handle = handle;
	m.addr.tid = tid;
	m.addr.sid = sid;
	addr_set(&m.addr.addr, family, addr);
	return call_ok(ep, &m, &r, NULL);
}

/* The request for one answer, or -1 when the answer does not fit the message set. */
static int auth_msg(const struct engine_priv_auth *a, struct priv_msg *m)
{
	struct priv_auth_who *who;

	if (a->name_len > PRIV_NAME_MAX)
		return -1;
	switch (a->method) {
	case PPP_AUTH_MSCHAPV2:
		if (a->value_len < 2 * MSCHAP_CHALLENGE_LEN - 8 + MSCHAP_NT_RESPONSE_LEN)
			return -1;
		m->type = PRIV_REQ_AUTH_MSCHAPV2;
		who = &m->mschapv2.who;
		memcpy(m->mschapv2.auth_chal, a->challenge, MSCHAP_CHALLENGE_LEN);
		memcpy(m->mschapv2.peer_chal, a->value, MSCHAP_CHALLENGE_LEN);
		/* peer challenge, 8 reserved octets, the NT response */
		memcpy(m->mschapv2.nt_resp, a->value + MSCHAP_CHALLENGE_LEN + 8,
		       MSCHAP_NT_RESPONSE_LEN);
		break;
	case PPP_AUTH_CHAP_MD5:
		if (a->value_len != sizeof(m->md5.resp))
			return -1;
		m->type = PRIV_REQ_AUTH_CHAP_MD5;
		who = &m->md5.who;
		m->md5.id = a->id;
		memcpy(m->md5.chal, a->challenge, MSCHAP_CHALLENGE_LEN);
		memcpy(m->md5.resp, a->value, sizeof(m->md5.resp));
		break;
	case PPP_AUTH_PAP:
		if (a->value_len > PRIV_PASSWORD_MAX)
			return -1;
		m->type = PRIV_REQ_AUTH_PAP;
		who = &m->pap.who;
		m->pap.pw_len = (uint8_t)a->value_len;
		memcpy(m->pap.pw, a->value, a->value_len);
		break;
	default:
		return -1;
	}
	who->handle = a->handle;
	who->tid = a->tid;
	who->sid = a->sid;
	who->name.len = (uint8_t)a->name_len;
	memcpy(who->name.s, a->name, a->name_len);
	who->name.s[a->name_len] = '\0';
	return 0;
}

int engine_priv_auth(struct engine_priv *ep, const struct engine_priv_auth *a, bool *ok,
		     char *resp, bool *has_next, uint8_t next[MSCHAP_CHALLENGE_LEN],
		     struct engine_priv_auth_out *more)
{
	uint8_t type = a->method == PPP_AUTH_MSCHAPV2 ? PRIV_REQ_AUTH_MSCHAPV2 :
		       a->method == PPP_AUTH_CHAP_MD5 ? PRIV_REQ_AUTH_CHAP_MD5 : PRIV_REQ_AUTH_PAP;
	enum priv_reason why = PRIV_OK;
	struct priv_msg m;
	struct priv_reply r;
	int ret = -1;

	*ok = *has_next = false;
	resp[0] = '\0';
	memset(more, 0, sizeof(*more));
	/* cleared and wiped as far as the type uses (priv_msg_used): not 10 KB a setup */
	priv_msg_init(&m, type);
	priv_reply_init(&r, type);
	if (auth_msg(a, &m) < 0)
		goto out;
	if (call_ok(ep, &m, &r, &why) < 0) {
		if (why == PRIV_R_RATE)
			ret = 1;
		goto out;
	}
	*ok = r.auth_ok;
	memcpy(resp, r.auth_resp, MSCHAP_AUTH_RESPONSE_LEN);
	resp[MSCHAP_AUTH_RESPONSE_LEN - 1] = '\0';
	*has_next = r.has_chal;
	memcpy(next, r.chal, MSCHAP_CHALLENGE_LEN);
	more->throttled = r.throttled;
	more->hold_ms = r.hold_ms;
	ret = 0;
out:
	priv_msg_wipe(&m);	/* a PAP password, an answer */
	priv_reply_wipe(&r);
	return ret;
}

static bool addr_same(const struct priv_addr *a, const struct priv_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == 4 ? a->v4.s_addr == b->v4.s_addr :
	       !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

bool engine_priv_mark_ok(struct engine_priv *ep, uint32_t mark, const union sa46 *src)
{
	struct priv_msg m;
	struct sa_cached *c = &ep->sa[(mark * 2654435761u) % ENGINE_PRIV_SA_CACHE];
	uint64_t now = evloop_now(ep->loop);
	struct priv_reply r;
	uint16_t port;

	priv_msg_init(&m, PRIV_REQ_MARK_QUERY);
	m.mark_query.mark = mark;
	if (priv_addr_from(src, &m.mark_query.peer, &port) < 0)
		return false;
	/* every datagram asks: the parent answers 20 a second, so a yes is kept a while */
	if (c->mark == mark && c->until_ms > now &&
	    addr_same(&c->peer, &m.mark_query.peer))
		return true;
	if (call_ok(ep, &m, &r, NULL) < 0 || r.addr.family == 0)
		return false;
	c->mark = mark;
	c->peer = m.mark_query.peer;
	c->until_ms = now + ep->sa_ttl_ms;
	return true;
}

void engine_priv_set_sa_ttl(struct engine_priv *ep, unsigned int ms)
{
	ep->sa_ttl_ms = ms;
}

int engine_priv_stats(struct engine_priv *ep, struct priv_pool_stats *out,
		      struct priv_auth_stats *auth)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_STATS);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	*out = r.pools;
	if (auth)
		*auth = r.auth;
	return 0;
}

int engine_priv_tun_stats(struct engine_priv *ep, struct priv_tun_stats *out)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_STATS);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	*out = r.tun;
	return 0;
}

int engine_priv_acct_stats(struct engine_priv *ep, struct priv_acct_stats *out)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_STATS);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	*out = r.acct;
	return 0;
}

int engine_priv_ipsec_report(struct engine_priv *ep, struct priv_ipsec_report *out)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_IPSEC_REPORT);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	*out = r.ipsec;
	return 0;
}

/* The held record at octet at goes; those after it move up a place and a number. */
static void held_drop(struct engine_priv *ep, unsigned int at)
{
	unsigned int len = get_be16(ep->rec + at + 2);

	memmove(ep->rec + at, ep->rec + at + len, ep->rec_used - at - len);
	ep->rec_used -= len;
	explicit_bzero(ep->rec + ep->rec_used, len);	/* a user name */
	ep->n_rec--;
	ep->st_seq--;
	for (unsigned int i = at; i < ep->rec_used; i += get_be16(ep->rec + i + 2))
		put_be32(ep->rec + i + 4, get_be32(ep->rec + i + 4) - 1);
}

/*
 * The held records that rec (encoded, numbered next) makes moot
 * (priv_state_fold): false when rec need not go itself (it went into a held
 * one, whose number rec then has, or it undid one: number 0).
 */
static bool held_fold(struct engine_priv *ep, uint8_t *rec)
{
	bool go = true;

	for (unsigned int at = 0; at < ep->rec_used;) {
		switch (priv_state_fold(ep->rec + at, rec)) {
		case PRIV_FOLD_INTO:
			put_be32(rec + 4, get_be32(ep->rec + at + 4));
			return false;
		case PRIV_FOLD_BOTH:
			go = false;
			/* fall through */
		case PRIV_FOLD_DROP:
			held_drop(ep, at);
			break;
		default:
			at += get_be16(ep->rec + at + 2);
			break;
		}
	}
	put_be32(rec + 4, go ? ep->st_seq + 1 : 0);	/* the held ones moved up */
	return go;
}

int engine_priv_record(struct engine_priv *ep, struct priv_state_msg *m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int len;

	if (ep->broken)
		return -1;
	m->seq = ep->st_seq + 1;
	len = priv_state_encode(m, buf, sizeof(buf));
	if (len < 0) {
		log_err("engine: a resume record (%s) the parent would refuse: not sent",
			priv_state_type_name(m->type));
		return -1;
	}
	/* one record an object in the hold: a newer one replaces it (issue 19) */
	if (!held_fold(ep, buf)) {
		m->seq = get_be32(buf + 4);
		explicit_bzero(buf, (size_t)len);
		return 0;
	}
	m->seq = get_be32(buf + 4);
	/*
	 * held, to go before the next request or SEND, in the same system call
	 * (engine_priv.h): the parent reads them in order with the requests
	 */
	if ((ep->n_rec == ENGINE_PRIV_RECORDS || ep->rec_used + (size_t)len > sizeof(ep->rec)) &&
	    send_with_records(ep, NULL, 0) < 0) {
		explicit_bzero(buf, (size_t)len);
		return -1;
	}
	memcpy(ep->rec + ep->rec_used, buf, (size_t)len);
	ep->n_rec++;
	ep->rec_used += (unsigned int)len;
	explicit_bzero(buf, (size_t)len);	/* a user name: the encoder wrote len octets */
	ep->st_seq = m->seq;
	return 0;
}

int engine_priv_send(struct engine_priv *ep, const struct engine_priv_send *s,
		     const uint8_t *buf, size_t len)
{
	struct priv_msg m;
	struct priv_send *x = &m.send;
	uint8_t out[PRIV_MSG_MAX];
	ssize_t n;
	int elen;

	priv_msg_init(&m, PRIV_REQ_SEND);
	m.seq = ep->seq + 1;
	if (ep->broken) {
		errno = EPIPE;
		return -1;
	}
	if (len > PRIV_SEND_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	*x = (struct priv_send){
		.handle = s->handle, .tid = s->tid, .sid = s->sid, .sock_id = s->sock_id,
		.mark = s->handle ? 0 : s->mark, .len = (uint16_t)len, .data = buf,
	};
	if (addrs_from(s->peer, s->local, &x->peer, &x->peer_port, &x->local) < 0)
		return -1;
	elen = priv_msg_encode(&m, out, sizeof(out));
	if (elen < 0) {
		errno = EINVAL;		/* a field the decoder would refuse: not sent */
		return -1;
	}
	/* the held records go first, blocking (never dropped as a SEND may be) */
	if (ep->n_rec && send_with_records(ep, NULL, 0) < 0) {
		errno = EPIPE;
		return -1;
	}
	/* the engine does not wait: a full socketpair drops it, as the network would */
	n = send(ep->fd, out, (size_t)elen, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	if (n != elen) {
		set_broken(ep, "cannot be written to");
		errno = EPIPE;
		return -1;
	}
	ep->seq = m.seq;	/* numbered with the requests: the parent reads them in order */
	return 0;
}

/* --- RADIUS: the parent signs and verifies (priv_radius.h) ------------------------------ */

int engine_priv_radius_sign(struct engine_priv *ep, unsigned int link, unsigned int server,
			    uint64_t tag, struct radius_pkt *p)
{
	struct priv_msg m;
	struct priv_radius_sign *q = &m.rsign;
	enum priv_reason why = PRIV_OK;
	struct priv_reply r;
	int ret = -EPERM;

	priv_msg_init(&m, PRIV_REQ_RADIUS_SIGN);
	if (p->len < RADIUS_HDR_LEN || p->len > PRIV_RADIUS_MAX)
		return -EINVAL;
	q->link = (uint8_t)link;
	q->server = (uint8_t)server;
	if (link == PRIV_RADIUS_AUTH) {
		q->handle = (uint32_t)(tag >> 32);
		q->tid = (uint16_t)(tag >> 16);
		q->sid = (uint16_t)tag;
	} else {
		q->keep = (uint32_t)tag;	/* the kept record's number (engine_priv_acct_keep) */
	}
	q->pkt.len = (uint16_t)p->len;
	memcpy(q->pkt.buf, p->buf, p->len);
	if (call_ok(ep, &m, &r, &why) == 0) {
		memcpy(p->buf, r.radius.buf, r.radius.len);	/* the decoder bounded it */
		p->len = r.radius.len;
		ret = 0;
	} else if (why == PRIV_R_RATE) {
		ret = -EAGAIN;	/* busy: radius_client.h's signer contract */
	}
	priv_msg_wipe(&m);	/* a clear User-Password */
	return ret;
}

uint32_t engine_priv_acct_keep(struct engine_priv *ep, uint64_t tag, const struct radius_pkt *p)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_ACCT_KEEP);
	/* stopping: the parent exits after this engine, nothing kept would be sent */
	if (ep->stopping || p->len < RADIUS_HDR_LEN || p->len > PRIV_RADIUS_MAX)
		return 0;
	m.acct_keep.handle = (uint32_t)(tag >> 32);
	m.acct_keep.tid = (uint16_t)(tag >> 16);
	m.acct_keep.sid = (uint16_t)tag;
	m.acct_keep.pkt.len = (uint16_t)p->len;
	memcpy(m.acct_keep.pkt.buf, p->buf, p->len);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return 0;
	return r.handle;
}

uint32_t engine_priv_acct_keeper(void *ctx, uint64_t tag, const struct radius_pkt *p)
{
	return engine_priv_acct_keep(ctx, tag, p);
}

enum radius_err engine_priv_radius_verify(struct engine_priv *ep, unsigned int link,
					  unsigned int server, const struct radius_msg *a,
					  uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct priv_msg m;
	struct priv_radius_verify *q = &m.rverify;
	enum radius_err e = RADIUS_ERR_AUTHENTICATOR;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_RADIUS_VERIFY);
	if (a->len > PRIV_RADIUS_MAX)
		return RADIUS_ERR_LONG;
	q->link = (uint8_t)link;
	q->server = (uint8_t)server;
	q->req_code = req_code;
	memcpy(q->req_auth, req_auth, RADIUS_AUTH_LEN);
	q->pkt.len = (uint16_t)a->len;
	memcpy(q->pkt.buf, a->buf, a->len);
	/* refused (not a request the parent signed): counted as not verifying */
	if (call_ok(ep, &m, &r, NULL) == 0 && r.radius_err < RADIUS_ERR_COUNT)
		e = (enum radius_err)r.radius_err;
	return e;
}

enum radius_err engine_priv_dae_verify(struct engine_priv *ep, unsigned int client,
				       const struct radius_msg *a)
{
	struct priv_msg m;
	enum radius_err e = RADIUS_ERR_AUTHENTICATOR;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_DAE_VERIFY);
	if (a->len > PRIV_RADIUS_MAX)
		return RADIUS_ERR_LONG;
	m.dae.client = (uint8_t)client;
	m.dae.pkt.len = (uint16_t)a->len;
	memcpy(m.dae.pkt.buf, a->buf, a->len);
	if (call_ok(ep, &m, &r, NULL) == 0 && r.radius_err < RADIUS_ERR_COUNT)
		e = (enum radius_err)r.radius_err;
	return e;
}

int engine_priv_dae_sign(struct engine_priv *ep, unsigned int client, struct radius_pkt *p,
			 const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_DAE_SIGN);
	if (p->len < RADIUS_HDR_LEN || p->len > PRIV_RADIUS_MAX)
		return -EINVAL;
	m.dae.client = (uint8_t)client;
	memcpy(m.dae.req_auth, req_auth, RADIUS_AUTH_LEN);
	m.dae.pkt.len = (uint16_t)p->len;
	memcpy(m.dae.pkt.buf, p->buf, p->len);
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -EPERM;
	memcpy(p->buf, r.radius.buf, r.radius.len);	/* the decoder bounded it */
	p->len = r.radius.len;
	return 0;
}

int engine_priv_counters(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			 struct priv_counters *out)
{
	struct priv_msg m;
	struct priv_reply r;

	priv_msg_init(&m, PRIV_REQ_COUNTERS);
	m.ids = (struct priv_ids){ .handle = handle, .tid = tid, .sid = sid };
	if (call_ok(ep, &m, &r, NULL) < 0)
		return -1;
	*out = r.counters;
	return 0;
}

static enum radius_err rl_verify_request(void *ctx, unsigned int client,
					 const struct radius_msg *m)
{
	struct radius_link *l = ctx;

	return engine_priv_dae_verify(l->ep, client, m);
}

static int rl_sign_answer(void *ctx, unsigned int client, struct radius_pkt *p,
			  const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct radius_link *l = ctx;

	return engine_priv_dae_sign(l->ep, client, p, req_auth);
}

static int rl_sign(void *ctx, unsigned int server, uint64_t tag, struct radius_pkt *p)
{
	struct radius_link *l = ctx;

	return engine_priv_radius_sign(l->ep, l->link, server, tag, p);
}

static enum radius_err rl_verify(void *ctx, unsigned int server, const struct radius_msg *m,
				 uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct radius_link *l = ctx;

	return engine_priv_radius_verify(l->ep, l->link, server, m, req_code, req_auth);
}

void engine_priv_radius_signer(struct engine_priv *ep, unsigned int link,
			       struct radius_signer *out)
{
	ep->rlinks[link] = (struct radius_link){ .ep = ep, .link = link };
	*out = (struct radius_signer){ .sign = rl_sign, .verify = rl_verify,
				       .verify_request = rl_verify_request,
				       .sign_answer = rl_sign_answer, .ctx = &ep->rlinks[link] };
}
