// SPDX-License-Identifier: GPL-2.0
/* The parent's side of the socketpair: judge, carry out, answer (priv_parent.h). */
#include <errno.h>
#include <string.h>
#include <sys/param.h>
#include <sys/socket.h>

#include "core/log.h"
#include "core/util.h"
#include "priv/priv_parent.h"
#include "priv/priv_state.h"

struct cleanup {
	const struct priv_exec_ops *ops;
	void *ctx;
};

/* A session that goes: its host routes go with it (the engine cannot ask any more). */
static void routes_del(void *arg, uint16_t tid, uint16_t sid, const struct priv_addr *v4,
		       const struct priv_addr *v6)
{
	const struct cleanup *cl = arg;

	(void)tid;
	(void)sid;
	if (v4)
		cl->ops->route(cl->ctx, false, v4, 32);
	if (v6)
		cl->ops->route(cl->ctx, false, v6, 64);
}

/* A Framed-Route of a session that goes, or that gives its IPv4 address back. */
static void froute_del(void *arg, const struct priv_addr *net, uint8_t plen,
		       const struct priv_addr *gw)
{
	const struct cleanup *cl = arg;

	if (cl->ops->froute)
		cl->ops->froute(cl->ctx, false, net, plen, gw);
}

/* The Framed-Routes and host routes of the sessions (handle 0, sid 0: all). */
static void session_routes_del(const struct priv_check *c, uint32_t handle, uint16_t sid,
			       struct cleanup *cl)
{
	priv_check_each_froute(c, handle, sid, 0, froute_del, cl);
	priv_check_each_session(c, handle, sid, routes_del, cl);
}

static void tunnel_del(void *arg, const struct priv_check_tref *t)
{
	const struct cleanup *cl = arg;

	cl->ops->tunnel_del(cl->ctx, t);
}

/* The tunnel a request names (its handle and ID), as the checker holds it before judging. */
static void named(const struct priv_check *c, const struct priv_msg *m, struct priv_check_tref *t)
{
	switch (m->type) {
	case PRIV_REQ_TUNNEL_DEL:
	case PRIV_REQ_SESSION_DEL:
	case PRIV_REQ_COUNTERS:
		priv_check_tref(c, m->ids.handle, m->ids.tid, t);
		break;
	case PRIV_REQ_SESSION_ADD:
		priv_check_tref(c, m->session_add.handle, m->session_add.tid, t);
		break;
	case PRIV_REQ_SESSION_UP:
		priv_check_tref(c, m->up.handle, m->up.tid, t);
		break;
	default:
		memset(t, 0, sizeof(*t));
		break;
	}
}

/*
 * SESSION_UP: the host routes it asks for (what ROUTE_ADD did, in the order
 * IPCP's and IPv6CP's up asked them), then the session up; a kernel's refusal
 * takes the routes this request added away again (errno kept), so that the
 * engine, which hangs up, holds no route it was not told of.
 */
static int session_up(const struct priv_exec_ops *ops, void *ctx, const struct priv_check_tref *t,
		      const struct priv_session_up *up)
{
	const struct priv_addr a4 = { .family = 4, .v4 = up->v4 };
	const struct priv_addr a6 = { .family = 6, .v6 = up->pfx64 };
	unsigned int done = 0;
	int err;

	if ((up->route & PRIV_UP_ROUTE4) && ops->route(ctx, true, &a4, 32) < 0)
		return -1;
	done |= up->route & PRIV_UP_ROUTE4;
	if ((up->route & PRIV_UP_ROUTE6) && ops->route(ctx, true, &a6, 64) < 0)
		goto undo;
	done |= up->route & PRIV_UP_ROUTE6;
	if (ops->session_up(ctx, t, up) == 0)
		return 0;
undo:
	err = errno;
	if (done & PRIV_UP_ROUTE6)
		ops->route(ctx, false, &a6, 64);
	if (done & PRIV_UP_ROUTE4)
		ops->route(ctx, false, &a4, 32);
	errno = err;
	return -1;
}

/*
 * What an accepted request makes the parent do; -1 with errno when the kernel
 * refused. t: the tunnel it names, as it was before the checker judged.
 */
static int execute(struct priv_check *c, const struct priv_msg *m, struct priv_reply *out,
		   const struct priv_check_tref *t, const struct priv_exec_ops *ops, void *ctx)
{
	const struct priv_addr_req *a = &m->addr;
	uint32_t dp_handle = 0;

	switch (m->type) {
	case PRIV_REQ_TUNNEL_ADD:
		if (ops->tunnel_add(ctx, &m->tunnel_add, &dp_handle) == 0) {
			priv_check_set_dp_handle(c, out->handle, dp_handle);
			return 0;
		}
		priv_check_tunnel_gone(c, out->handle);
		return -1;
	case PRIV_REQ_TUNNEL_DEL:
		ops->tunnel_del(ctx, t);
		return 0;
	case PRIV_REQ_SESSION_ADD:
		if (ops->session_add(ctx, t, m->session_add.sid, m->session_add.peer_sid) == 0)
			return 0;
		priv_check_session_gone(c, m->session_add.handle, m->session_add.sid);
		return -1;
	case PRIV_REQ_SESSION_DEL:
		ops->session_del(ctx, t, m->ids.sid);
		return 0;
	case PRIV_REQ_SESSION_UP:
		return session_up(ops, ctx, t, &m->up);
	case PRIV_REQ_COUNTERS:
		if (ops->counters)
			return ops->counters(ctx, t, m->ids.sid, &out->counters);
		errno = EOPNOTSUPP;
		return -1;
	case PRIV_REQ_ROUTE_ADD:
	case PRIV_REQ_ROUTE_DEL:
		return ops->route(ctx, m->type == PRIV_REQ_ROUTE_ADD, &a->addr, a->plen);
	case PRIV_REQ_FROUTE_ADD:
		errno = EOPNOTSUPP;
		if (ops->froute && ops->froute(ctx, true, &a->addr, a->plen, &out->addr) == 0)
			return 0;
		priv_check_froute_failed(c, a->handle, a->sid, &a->addr, a->plen);
		return -1;
	case PRIV_REQ_FROUTE_DEL:	/* gone from the checker: a route left is reported */
		return ops->froute ? ops->froute(ctx, false, &a->addr, a->plen, &out->addr) : 0;
	case PRIV_REQ_ADDR_RELEASE:
		/* an address the session gives back is not routed to it any more */
		ops->route(ctx, false, &a->addr, a->addr.family == 4 ? 32 : 64);
		return 0;
	default:
		return 0;	/* the checker's answer is the whole answer */
	}
}

/*
 * Before a request that ends sessions is judged: the routes of those sessions
 * (the checker forgets their addresses when it accepts). Only sessions the
 * checker has are visited, so a refused request removes nothing of another's.
 */
static void before(struct priv_check *c, const struct priv_msg *m,
		   const struct priv_exec_ops *ops, void *ctx)
{
	struct cleanup cl = { ops, ctx };
	struct priv_check_session s;
	struct priv_check_tref t;

	switch (m->type) {
	case PRIV_REQ_TUNNEL_DEL:
		if (priv_check_tref(c, m->ids.handle, m->ids.tid, &t))
			session_routes_del(c, m->ids.handle, 0, &cl);
		break;
	case PRIV_REQ_SESSION_DEL:
		if (priv_check_tref(c, m->ids.handle, m->ids.tid, &t))
			session_routes_del(c, m->ids.handle, m->ids.sid, &cl);
		break;
	case PRIV_REQ_ADDR_RELEASE:	/* the Framed-Routes through the address go with it */
		if (priv_check_tref(c, m->addr.handle, m->addr.tid, &t) &&
		    priv_check_session_get(c, m->addr.handle, m->addr.tid, m->addr.sid, &s) &&
		    s.authed && (m->addr.addr.family == 4 ?
				 s.has4 && s.v4.s_addr == m->addr.addr.v4.s_addr :
				 s.has6 && !memcmp(&s.pfx6, &m->addr.addr.v6, sizeof(s.pfx6))))
			priv_check_each_froute(c, m->addr.handle, m->addr.sid, m->addr.addr.family,
					       froute_del, &cl);
		break;
	case PRIV_REQ_MARK_QUERY:
		if (ops->sa_lookup)
			ops->sa_lookup(ctx, m->mark_query.mark, &m->mark_query.peer);
		break;
	case PRIV_REQ_TUNNEL_ADD:
		if (ops->sa_lookup && m->tunnel_add.mark)
			ops->sa_lookup(ctx, m->tunnel_add.mark, &m->tunnel_add.peer);
		break;
	case PRIV_REQ_SEND:	/* a reply before its tunnel: the SA it answers */
		if (ops->sa_lookup && !m->send.handle)
			ops->sa_lookup(ctx, m->send.mark, &m->send.peer);
		break;
	default:
		break;
	}
}

/* What the parent's SA table adds to the checker's answer. */
static void answer(const struct priv_msg *m, const struct priv_exec_ops *ops, void *ctx,
		   struct priv_reply *out)
{
	if (m->type == PRIV_REQ_STATS && ops->auth_stats)
		ops->auth_stats(ctx, &out->auth);
	if (m->type == PRIV_REQ_STATS && ops->tun_stats)
		ops->tun_stats(ctx, &out->tun);
	if (m->type == PRIV_REQ_IPSEC_REPORT && ops->ipsec_report)
		ops->ipsec_report(ctx, &out->ipsec);
	if (m->type == PRIV_REQ_SA_NEXT && out->sa.mark && ops->sa_describe)
		ops->sa_describe(ctx, &out->sa);
}

static int send_msg(int fd, struct priv_msg *m)
{
	uint8_t buf[PRIV_MSG_MAX];
	int len = priv_msg_encode(m, buf, sizeof(buf));

	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	if (send(fd, buf, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) != len)
		return -1;
	return 0;
}

int priv_parent_send_event(int fd, struct priv_msg *ev)
{
	return send_msg(fd, ev);
}

/* An accepted SEND goes out with the checker's mark; a refused or failed one is counted. */
static void send_out(const struct priv_send *m, const struct priv_reply *r,
		     const struct priv_exec_ops *ops, void *ctx)
{
	if (r->reason == PRIV_OK && ops->send(ctx, m, r->send_mark) == 0)
		return;
	if (ops->send_failed)
		ops->send_failed(ctx, (enum priv_reason)r->reason);
}

/*
 * One datagram: decoded, judged, carried out and answered (*answered: a reply
 * was sent); a PRIV_PARENT_* result.
 */
static enum priv_parent_result one(struct priv_check *c, int fd, const uint8_t *buf, size_t len,
				   const struct priv_exec_ops *ops, void *ctx, uint64_t now,
				   bool *answered)
{
	struct priv_msg req, reply;
	enum priv_parent_result res = PRIV_PARENT_OK;
	struct priv_check_tref t;
	enum priv_reason why = priv_msg_decode(buf, len, &req);

	priv_msg_init(&reply, PRIV_REPLY);	/* priv_check_request clears what its type uses */

	if (why != PRIV_OK || !priv_type_is_request(req.type) ||
	    (req.type == PRIV_REQ_SEND && !ops->send)) {
		/* never answered: a correct engine never sends one */
		log_err("privsep: a message from the engine refused: %s",
			why != PRIV_OK ? priv_reason_name(why) : "not a request");
		res = PRIV_PARENT_BROKEN;
		goto out;
	}
	before(c, &req, ops, ctx);
	named(c, &req, &t);
	reply.seq = req.seq;
	why = priv_check_request(c, &req, now, &reply.reply);
	if (why == PRIV_R_SEQ) {
		log_err("privsep: the engine's request %u is out of sequence", req.seq);
		res = PRIV_PARENT_BROKEN;
		goto out;
	}
	if (req.type == PRIV_REQ_SEND) {	/* not answered */
		send_out(&req.send, &reply.reply, ops, ctx);
		goto out;
	}
	if (why == PRIV_OK && execute(c, &req, &reply.reply, &t, ops, ctx) < 0)
		reply.reply.error = (uint16_t)(errno ? errno : EIO);
	if (why == PRIV_OK)
		answer(&req, ops, ctx, &reply.reply);
	if (why != PRIV_OK)
		log_info("privsep: %s refused: %s", priv_type_name(req.type),
			 priv_reason_name(why));
	if (send_msg(fd, &reply) < 0) {
		log_err("privsep: the engine does not take its reply: %s", strerror(errno));
		res = PRIV_PARENT_BROKEN;
	}
	*answered = true;
out:
	/* what the decoder and the checker wrote (priv_msg_used): a PAP password */
	priv_msg_wipe(&req);
	priv_msg_wipe(&reply);
	return res;
}

/* One datagram, alone or out of a batch: a record to the store, else a request. */
static enum priv_parent_result datagram(struct priv_check *c, int fd, const uint8_t *buf,
					size_t len, const struct priv_exec_ops *ops, void *ctx,
					uint64_t now, bool *answered)
{
	if (len >= 2 && priv_state_is_type(buf[1]))	/* a resume record */
		return ops->record ? ops->record(ctx, buf, len) : PRIV_PARENT_BROKEN;
	return one(c, fd, buf, len, ops, ctx, now, answered);
}

/* A PRIV_BATCH: its datagrams in order, as if each had come alone (priv_msg.h). */
static enum priv_parent_result batch(struct priv_check *c, int fd, const uint8_t *buf,
				     size_t len, const struct priv_exec_ops *ops, void *ctx,
				     uint64_t now, bool *answered)
{
	enum priv_parent_result res = PRIV_PARENT_OK;
	enum priv_reason why = priv_batch_check(buf, len);

	if (why != PRIV_OK) {
		log_err("privsep: a batch from the engine refused: %s", priv_reason_name(why));
		return PRIV_PARENT_BROKEN;
	}
	for (size_t at = PRIV_HDR_LEN, n; at < len && res == PRIV_PARENT_OK; at += n) {
		n = get_be16(buf + at + 2);
		res = datagram(c, fd, buf + at, n, ops, ctx, now, answered);
	}
	return res;
}

enum priv_parent_result priv_parent_input(struct priv_check *c, int fd,
					  const struct priv_exec_ops *ops, void *ctx,
					  uint64_t now_ms)
{
	uint8_t buf[PRIV_BATCH_MAX];
	enum priv_parent_result res = PRIV_PARENT_OK;
	size_t used = 0;	/* the longest datagram read into buf */
	bool answered = false;

	/*
	 * Until a request is answered: the engine waits for that reply, so nothing
	 * follows it yet, and a read to find that out would be a system call a
	 * request for nothing. What it sends next wakes the loop again (epoll,
	 * level-triggered). Records and SENDs are not answered: read on, at most
	 * PRIV_PARENT_INPUT_MAX a call (the rest wakes the loop again).
	 */
	for (unsigned int k = 0; k < PRIV_PARENT_INPUT_MAX && res == PRIV_PARENT_OK && !answered;
	     k++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		if (n <= 0)
			return PRIV_PARENT_GONE;
		used = MAX(used, MIN((size_t)n, sizeof(buf)));
		if ((size_t)n > sizeof(buf)) {
			log_err("privsep: an oversized message (%zd octets) from the engine", n);
			res = PRIV_PARENT_BROKEN;
			break;
		}
		if (n >= 2 && buf[1] == PRIV_BATCH)
			res = batch(c, fd, buf, (size_t)n, ops, ctx, now_ms, &answered);
		else
			res = datagram(c, fd, buf, (size_t)n, ops, ctx, now_ms, &answered);
	}
	explicit_bzero(buf, used);	/* a PAP password */
	return res;
}

struct sa_gone {
	struct cleanup cl;
	const struct priv_check *c;
	unsigned int n;
};

/* A tunnel of the gone SA, before the checker forgets it: its routes, then the tunnel. */
static void sa_tunnel_gone(void *arg, const struct priv_check_tref *t)
{
	struct sa_gone *g = arg;

	session_routes_del(g->c, t->handle, 0, &g->cl);
	g->cl.ops->tunnel_del(g->cl.ctx, t);
	g->n++;
}

unsigned int priv_parent_sa_gone(struct priv_check *c, uint32_t mark,
				 const struct priv_exec_ops *ops, void *ctx)
{
	struct sa_gone g = { { ops, ctx }, c, 0 };

	priv_check_sa_gone(c, mark, sa_tunnel_gone, &g);
	return g.n;
}

void priv_parent_engine_gone(struct priv_check *c, const struct priv_exec_ops *ops, void *ctx)
{
	struct cleanup cl = { ops, ctx };

	session_routes_del(c, 0, 0, &cl);
	priv_check_each_tunnel(c, tunnel_del, &cl);
	priv_check_engine_gone(c);
}

/* --- a new engine resumes (priv_state.h) --------------------------------------------- */

/* A dead engine's records in a batch (its request, last, not carried out); false: broken. */
static bool drain_batch(const uint8_t *buf, size_t len, const struct priv_exec_ops *ops,
			void *ctx)
{
	if (priv_batch_check(buf, len) != PRIV_OK)
		return false;
	for (size_t at = PRIV_HDR_LEN, n; at < len; at += n) {
		n = get_be16(buf + at + 2);
		if (priv_state_is_type(buf[at + 1]) &&
		    (!ops->record || ops->record(ctx, buf + at, n) != PRIV_PARENT_OK))
			return false;
	}
	return true;
}

void priv_parent_drain_records(int fd, const struct priv_exec_ops *ops, void *ctx)
{
	uint8_t buf[PRIV_BATCH_MAX];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC)) > 0) {
		/* a SEND among them is not sent (as if lost): its engine is gone */
		if ((size_t)n <= sizeof(buf) && n >= 2 && buf[1] == PRIV_REQ_SEND)
			continue;
		if ((size_t)n <= sizeof(buf) && n >= 2 && buf[1] == PRIV_BATCH) {
			if (!drain_batch(buf, (size_t)n, ops, ctx))
				break;
			continue;
		}
		if ((size_t)n > sizeof(buf) || n < 2 || !priv_state_is_type(buf[1]) ||
		    !ops->record || ops->record(ctx, buf, (size_t)n) != PRIV_PARENT_OK)
			break;
	}
	explicit_bzero(buf, sizeof(buf));	/* a PAP password */
}

enum priv_parent_result priv_parent_record(struct priv_state *st, const uint8_t *buf, size_t len,
					   enum priv_reason *why)
{
	*why = priv_state_datagram(st, buf, len);
	/* the decoder's reasons come first in enum priv_reason */
	return *why != PRIV_OK && *why <= PRIV_R_FIELD ? PRIV_PARENT_BROKEN : PRIV_PARENT_OK;
}

struct resume {
	struct cleanup cl;		/* first: tunnel_del takes a struct resume too */
	const struct priv_state *st;
	const struct priv_check *c;
};

static bool resume_keep(void *arg, const struct priv_check_tref *t, uint16_t sid)
{
	const struct resume *r = arg;

	return priv_state_has(r->st, t->handle, sid);
}

static void resume_session_gone(void *arg, const struct priv_check_tref *t, uint16_t sid,
				const struct priv_addr *v4, const struct priv_addr *v6)
{
	struct resume *r = arg;

	priv_check_each_froute(r->c, t->handle, sid, 0, froute_del, &r->cl);
	routes_del(&r->cl, t->tid, sid, v4, v6);
	r->cl.ops->session_del(r->cl.ctx, t, sid);
}

/* A tunnel not resumed: the routes of the sessions it takes along, then the tunnel. */
static void resume_tunnel_gone(void *arg, const struct priv_check_tref *t)
{
	struct resume *r = arg;

	session_routes_del(r->c, t->handle, 0, &r->cl);
	tunnel_del(&r->cl, t);
}

void priv_parent_engine_resume(struct priv_check *c, const struct priv_state *st,
			       const struct priv_exec_ops *ops, void *ctx)
{
	struct resume r = { { ops, ctx }, st, c };
	const struct priv_check_resume how = {
		.keep = resume_keep, .session_gone = resume_session_gone,
		.tunnel_gone = resume_tunnel_gone, .ctx = &r,
	};

	priv_check_engine_resume(c, &how);
}
