// SPDX-License-Identifier: GPL-2.0
/*
 * The two processes' socketpair, both ends in one process: the engine's
 * blocking wrappers (engine/engine_priv.h) on one end, the parent's dispatch
 * (priv/priv_parent.h: decode, judge, carry out, answer) on the other, in a
 * thread, with execution hooks that record what the parent would have done
 * to the module and the routes. A client's session goes through (MS-CHAPv2
 * checked by the parent against RFC 2759's vectors, an address of the pool,
 * its route, up, down: its route removed by the parent); what a compromised
 * engine asks (an address before authentication, a session on a tunnel it
 * did not create, an answer to a challenge the parent did not issue) is
 * refused and not carried out; events sent while a call waits are handed over
 * after it; a parent that answers out of order, or an engine that sends a
 * malformed datagram, is treated as broken; a dead engine's tunnels and
 * routes are removed. With resume records (priv/priv_state.h): the engine's
 * records reach the parent's store among its requests, refused ones counted
 * and a malformed one breaking the protocol; a dead engine's recorded
 * tunnels and sessions stay (no kernel call, their routes kept), the rest is
 * removed, and the next engine's requests number from 1 again. RADIUS: the
 * engine's client signs and verifies through the parent (priv/priv_radius.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/users.h"
#include "core/evloop.h"
#include "core/util.h"
#include "engine/engine_priv.h"
#include "ppp/mschap.h"
#include "ppp/ppp.h"
#include "priv/priv_check.h"
#include "priv/priv_parent.h"
#include "priv/priv_radius.h"
#include "priv/priv_state.h"
#include "radius/radius_client.h"
#include "radius/radius_sign.h"
#include "rfc2759.h"

static const char users_text[] = "User   password clientPass\n";

/* What the parent's hooks were asked to do. */
struct record {
	unsigned int tunnel_add, tunnel_del, session_add, session_del, session_up;
	unsigned int route_add, route_del;
	struct priv_addr last_route;
	uint32_t last_tunnel_del;	/* its handle, the checker's */
	bool event_in_tunnel_add;	/* send an event before the reply */
	bool fail_session_add;		/* the kernel refuses */
};

struct fx {
	struct l2sec_config cfg;
	struct users_db *users;
	struct priv_check *c;
	struct priv_state *st;		/* the resume records */
	struct evloop *loop;
	struct engine_priv *ep;
	int parent_fd;
	pthread_t thread;
	struct record rec;
	enum priv_parent_result result;	/* the parent thread's last */
	unsigned int events;		/* the engine's event callback */
	bool in_call;			/* the test is inside a call */
	unsigned int events_in_call;
	uint32_t h[16];			/* by tid: the parent's handle of the tunnel */
	struct engine_priv_auth_out auth_more;
	int counters_errno;		/* x_counters: 0, or fail with it */
	uint16_t counters_sid;		/* the session x_counters was asked for */
};

static void rfc_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	if (len == sizeof(auth_chal))
		memcpy(buf, auth_chal, len);
	else
		memset(buf, 0x5a, len);
}

static int x_tunnel_add(void *ctx, const struct priv_tunnel_add *t, uint32_t *dp_handle)
{
	struct fx *f = ctx;
	struct priv_msg ev = { .type = PRIV_EV_DATAPATH_LOST };

	(void)t;
	*dp_handle = 500 + t->tid;	/* the module's, as the parent keeps it */
	f->rec.tunnel_add++;
	if (f->rec.event_in_tunnel_add)
		assert_int_equal(priv_parent_send_event(f->parent_fd, &ev), 0);
	return 0;
}

static void x_tunnel_del(void *ctx, const struct priv_check_tref *t)
{
	struct fx *f = ctx;

	assert_int_equal(t->dp_handle, 500 + t->tid);	/* named by the module's handle */
	f->rec.tunnel_del++;
	f->rec.last_tunnel_del = t->handle;
	priv_state_forget(f->st, t->handle, 0);		/* as privsep.c's does */
}

static int x_session_add(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			 uint16_t peer_sid)
{
	struct fx *f = ctx;

	assert_int_equal(t->dp_handle, 500 + t->tid);
	(void)sid;
	(void)peer_sid;
	f->rec.session_add++;
	if (f->rec.fail_session_add) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

static void x_session_del(void *ctx, const struct priv_check_tref *t, uint16_t sid)
{
	struct fx *f = ctx;

	assert_int_equal(t->dp_handle, 500 + t->tid);
	f->rec.session_del++;
	priv_state_forget(f->st, t->handle, sid);
}

static int x_session_up(void *ctx, const struct priv_check_tref *t,
			const struct priv_session_up *up)
{
	struct fx *f = ctx;

	assert_int_equal(t->dp_handle, 500 + t->tid);
	(void)up;
	f->rec.session_up++;
	return 0;
}

static int x_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	struct fx *f = ctx;

	(void)plen;
	if (add)
		f->rec.route_add++;
	else
		f->rec.route_del++;
	f->rec.last_route = *a;
	return 0;
}

/* The module's counters, as the parent reads them: rx packets are 1000 + sid. */
static int x_counters(void *ctx, const struct priv_check_tref *t, uint16_t sid,
		      struct priv_counters *out)
{
	struct fx *f = ctx;

	(void)t;
	f->counters_sid = sid;
	if (f->counters_errno) {
		errno = f->counters_errno;
		return -1;
	}
	*out = (struct priv_counters){ .rx_packets = 1000u + sid, .tx_packets = 7,
				       .rx_bytes = 1ull << 33, .tx_bytes = 9 };
	return 0;
}

static enum priv_parent_result x_record(void *ctx, const uint8_t *buf, size_t len)
{
	struct fx *f = ctx;
	enum priv_reason why;

	return priv_parent_record(f->st, buf, len, &why);
}

/* The parent's TUN switch's counters, as privtun_stats gives them: n[i] = 100 + i. */
static void x_tun_stats(void *ctx, struct priv_tun_stats *out)
{
	(void)ctx;
	out->present = true;
	for (unsigned int i = 0; i < PRIV_TUN_N; i++)
		out->n[i] = 100 + i;
}

static const struct priv_exec_ops ops = {
	.tunnel_add = x_tunnel_add,
	.tunnel_del = x_tunnel_del,
	.session_add = x_session_add,
	.session_del = x_session_del,
	.session_up = x_session_up,
	.route = x_route,
	.record = x_record,
	.counters = x_counters,
	.tun_stats = x_tun_stats,
};

/* The parent: answer until the engine's end closes or breaks the protocol. */
static void *parent_thread(void *arg)
{
	struct fx *f = arg;
	struct pollfd p = { .fd = f->parent_fd, .events = POLLIN };

	for (;;) {
		if (poll(&p, 1, 5000) <= 0)
			break;
		f->result = priv_parent_input(f->c, f->parent_fd, &ops, f, 1000);
		if (f->result != PRIV_PARENT_OK)
			break;
	}
	return NULL;
}

static void on_event(void *ctx, const struct priv_msg *ev)
{
	struct fx *f = ctx;

	assert_int_equal(ev->type, PRIV_EV_DATAPATH_LOST);
	f->events++;
	if (f->in_call)
		f->events_in_call++;
}

/* A fixture with the parent's thread when threaded, else the parent's end left to the test. */
static struct fx *fx_new(bool threaded)
{
	struct fx *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_non_null(f);
	for (unsigned int i = 0; i < 16; i++)
		f->h[i] = 1000 + i;	/* until a tunnel gets one: a handle the parent never gave */
	config_defaults(&f->cfg);
	inet_pton(AF_INET, "10.9.0.1", &f->cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.2", &f->cfg.pool[0].last);
	f->cfg.n_pool = 1;
	f->cfg.l2tp.require_ipsec = false;
	f->users = users_parse(users_text, sizeof(users_text) - 1, NULL, NULL);
	assert_non_null(f->users);
	f->c = priv_check_new(&f->cfg, f->users);
	assert_non_null(f->c);
	priv_check_set_random(f->c, rfc_random, NULL);
	assert_int_equal(priv_check_sock_add(f->c, 1, 4), 0);
	f->st = priv_state_new(f->cfg.l2tp.max_tunnels, f->cfg.l2tp.max_sessions, f->c);
	assert_non_null(f->st);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	f->parent_fd = sv[0];
	f->loop = evloop_new(NULL, NULL);
	assert_non_null(f->loop);
	f->ep = engine_priv_new(f->loop, sv[1], on_event, f);
	assert_non_null(f->ep);
	if (threaded)
		assert_int_equal(pthread_create(&f->thread, NULL, parent_thread, f), 0);
	return f;
}

static void fx_free(struct fx *f, bool threaded)
{
	engine_priv_free(f->ep);	/* closes the engine's end: the parent sees EOF */
	if (threaded)
		pthread_join(f->thread, NULL);
	close(f->parent_fd);
	evloop_free(f->loop);
	priv_state_free(f->st);
	priv_check_free(f->c);
	users_free(f->users);
	free(f);
}

static union sa46 sa4(const char *s, uint16_t port)
{
	union sa46 ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, s, &sin->sin_addr), 1);
	return ss;
}

static int add_tunnel(struct fx *f, uint16_t tid)
{
	union sa46 peer = sa4("198.51.100.7", 1701), local = { 0 };

	return engine_priv_tunnel_add(f->ep, tid, 100 + tid, 1, &peer, &local, false, 0,
				      &f->h[tid]);
}

/* The RFC 2759 answer of "User" to the parent's (RFC 2759) challenge. */
static int answer(struct fx *f, uint16_t tid, uint16_t sid, const uint8_t *chal, bool *ok,
		  char *resp)
{
	uint8_t value[49] = { 0 }, next[MSCHAP_CHALLENGE_LEN];
	bool has_next;
	struct engine_priv_auth a = {
		.method = PPP_AUTH_MSCHAPV2, .handle = f->h[tid], .tid = tid, .sid = sid,
		.name = "User",
		.name_len = 4, .challenge = chal, .value = value, .value_len = sizeof(value),
	};

	memcpy(value, peer_chal, 16);
	memcpy(value + 24, nt_resp, 24);
	return engine_priv_auth(f->ep, &a, ok, resp, &has_next, next, &f->auth_more);
}

static void test_session_through_parent(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	struct priv_pool_stats ps;
	struct priv_auth_stats as;
	struct priv_tun_stats ts;
	struct in_addr a, b;
	bool ok;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 5, 9, chal), 0);
	assert_memory_equal(chal, auth_chal, sizeof(chal));	/* the parent's challenge */
	assert_int_equal(answer(f, 3, 5, chal, &ok, resp), 0);
	assert_true(ok);
	assert_string_equal(resp, RFC2759_AUTH_RESP);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, NULL), 0);
	inet_pton(AF_INET, "10.9.0.1", &b);
	assert_int_equal(a.s_addr, b.s_addr);
	/* its route and the session up in one request (IPCP's up) */
	assert_int_equal(engine_priv_session_up(f->ep, f->h[3], 3, 5, &a, NULL, NULL,
						PRIV_UP_ROUTE4), 0);
	assert_int_equal(f->rec.route_add, 1);
	assert_int_equal(f->rec.session_up, 1);
	assert_int_equal(engine_priv_stats(f->ep, &ps, &as), 0);
	assert_int_equal(as.entries, 0);	/* no throttle in this parent */
	assert_int_equal(ps.v4_size, 2);
	assert_int_equal(ps.v4_used, 1);
	/* the parent's TUN switch's counters reach the engine, every one in its place */
	assert_int_equal(engine_priv_tun_stats(f->ep, &ts), 0);
	assert_true(ts.present);
	for (unsigned int i = 0; i < PRIV_TUN_N; i++)
		assert_int_equal(ts.n[i], 100 + i);
	/* the session ends: its route goes with it, done by the parent */
	assert_int_equal(engine_priv_session_del(f->ep, f->h[3], 3, 5), 0);
	assert_int_equal(f->rec.route_del, 1);
	assert_int_equal(f->rec.last_route.v4.s_addr, a.s_addr);
	assert_int_equal(engine_priv_tunnel_del(f->ep, f->h[3], 3), 0);
	assert_int_equal(f->rec.tunnel_add, 1);
	assert_int_equal(f->rec.session_add, 1);
	assert_int_equal(f->rec.session_up, 1);
	assert_int_equal(f->rec.route_add, 1);
	assert_int_equal(f->rec.session_del, 1);
	assert_int_equal(f->rec.tunnel_del, 1);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
}

/*
 * The parent refusing an answer for its rate is "busy" (1), not a failure
 * (-1) nor a verdict: the engine's PPP leaves it unanswered (ppp_auth.c) and
 * the session may still answer. Before: -1, which ppp_auth took for a wrong
 * password. Other refusals stay -1.
 */
static void test_auth_busy(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN], value[49] = { 0 }, next[MSCHAP_CHALLENGE_LEN];
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	bool ok, has_next;
	struct engine_priv_auth wrong = {
		.method = PPP_AUTH_MSCHAPV2, .tid = 3, .sid = 14, .name = "Nobody",
		.name_len = 6, .challenge = chal, .value = value, .value_len = sizeof(value),
	};

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	/* a tunnel's burst of answers (PRIV_AUTH_BURST_TUNNEL): 13 right, 3 wrong */
	for (uint16_t sid = 1; sid <= 14; sid++)
		assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, sid, 9, chal), 0);
	for (uint16_t sid = 1; sid <= 13; sid++) {
		assert_int_equal(answer(f, 3, sid, chal, &ok, resp), 0);
		assert_true(ok);
	}
	wrong.handle = f->h[3];
	for (int i = 0; i < 3; i++) {
		assert_int_equal(engine_priv_auth(f->ep, &wrong, &ok, resp, &has_next, next,
						  &f->auth_more), 0);
		assert_false(ok);
		memcpy(chal, next, sizeof(chal));
	}
	assert_int_equal(PRIV_AUTH_BURST_TUNNEL, 16);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 15, 9, chal), 0);
	assert_int_equal(answer(f, 3, 15, chal, &ok, resp), 1);
	assert_false(ok);
	/* authenticated already: a refusal, not "busy" */
	assert_int_equal(answer(f, 3, 1, chal, &ok, resp), -1);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
}

/*
 * SIGTERM: the engine closes every tunnel at once and must not ask the parent
 * for each removal (a round trip each held its loop past the parent's
 * deadline with 82 tunnels under TCG: 55-admit-flood): they return at once,
 * nothing reaches the parent, and the parent clears what the engine held
 * when it is gone, routes and tunnels in the kernel included.
 */
static void test_stopping_leaves_removal_to_parent(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN], fw = 0;
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	enum priv_reason why = PRIV_OK;
	struct priv_addr net;
	struct in_addr a;
	bool ok;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 5, 9, chal), 0);
	assert_int_equal(answer(f, 3, 5, chal, &ok, resp), 0);
	assert_true(ok);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, NULL), 0);
	assert_int_equal(engine_priv_session_up(f->ep, f->h[3], 3, 5, &a, NULL, NULL,
						PRIV_UP_ROUTE4), 0);

	engine_priv_stopping(f->ep);
	net = (struct priv_addr){ .family = 4 };
	inet_pton(AF_INET, "10.77.0.0", &net.v4);
	assert_int_equal(engine_priv_froute(f->ep, false, f->h[3], 3, 5, &net, 16, &why, &fw),
			 0);
	assert_int_equal(engine_priv_route(f->ep, false, f->h[3], 3, 5, AF_INET, &a), 0);
	assert_int_equal(engine_priv_addr_release(f->ep, f->h[3], 3, 5, AF_INET, &a), 0);
	assert_int_equal(engine_priv_session_del(f->ep, f->h[3], 3, 5), 0);
	assert_int_equal(engine_priv_tunnel_del(f->ep, f->h[3], 3), 0);
	/* a request that is no removal still goes to the parent */
	assert_int_equal(add_tunnel(f, 4), 0);
	assert_int_equal(f->rec.tunnel_add, 2);
	assert_int_equal(f->rec.route_del, 0);
	assert_int_equal(f->rec.session_del, 0);
	assert_int_equal(f->rec.tunnel_del, 0);
	assert_false(engine_priv_broken(f->ep));

	/* the engine exits: the parent removes the route and both tunnels itself */
	engine_priv_free(f->ep);
	f->ep = NULL;
	pthread_join(f->thread, NULL);
	assert_int_equal(f->result, PRIV_PARENT_GONE);
	priv_parent_engine_gone(f->c, &ops, f);
	assert_int_equal(f->rec.route_del, 1);
	assert_int_equal(f->rec.last_route.v4.s_addr, a.s_addr);
	assert_int_equal(f->rec.tunnel_del, 2);
	assert_int_equal(priv_check_tunnels(f->c), 0);
	fx_free(f, false);
}

static void test_refused_not_carried_out(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN], other[MSCHAP_CHALLENGE_LEN];
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	enum priv_reason why;
	struct in_addr a;
	bool ok = true;

	(void)state;
	/* a session on a tunnel the engine did not create */
	assert_int_equal(engine_priv_session_add(f->ep, f->h[4], 4, 5, 9, chal), -1);
	assert_int_equal(f->rec.session_add, 0);
	assert_int_equal(add_tunnel(f, 4), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[4], 4, 5, 9, chal), 0);
	/* an address before authentication */
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[4], 4, 5, AF_INET, &a, &why), -1);
	assert_int_equal(why, PRIV_R_NOT_AUTHED);
	/* a route for an address the session does not hold */
	inet_pton(AF_INET, "10.9.0.1", &a);
	assert_int_equal(engine_priv_route(f->ep, true, f->h[4], 4, 5, AF_INET, &a), -1);
	assert_int_equal(f->rec.route_add, 0);
	/* an answer to a challenge the parent did not issue */
	memset(other, 0x11, sizeof(other));
	assert_int_equal(answer(f, 4, 5, other, &ok, resp), -1);
	assert_false(ok);
	/* a name longer than the message set carries is not sent at all */
	{
		char name[PRIV_NAME_MAX + 2];
		uint8_t v[49] = { 0 }, next[MSCHAP_CHALLENGE_LEN];
		bool has_next;
		struct engine_priv_auth big = {
			.method = PPP_AUTH_MSCHAPV2, .handle = f->h[4], .tid = 4, .sid = 5,
			.name = name,
			.name_len = sizeof(name) - 1, .challenge = chal, .value = v,
			.value_len = sizeof(v),
		};

		memset(name, 'a', sizeof(name));
		name[sizeof(name) - 1] = '\0';
		assert_int_equal(engine_priv_auth(f->ep, &big, &ok, resp, &has_next, next,
						  &f->auth_more), -1);
	}
	/* the kernel refusing a session: the parent forgets it, the engine hears the errno */
	f->rec.fail_session_add = true;
	assert_int_equal(engine_priv_session_add(f->ep, f->h[4], 4, 6, 10, chal), -1);
	assert_int_equal(errno, EEXIST);
	f->rec.fail_session_add = false;
	assert_int_equal(engine_priv_session_add(f->ep, f->h[4], 4, 6, 10, chal), 0);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
}

static void test_events_after_the_call(void **state)
{
	struct fx *f = fx_new(true);

	(void)state;
	f->rec.event_in_tunnel_add = true;
	f->in_call = true;
	assert_int_equal(add_tunnel(f, 7), 0);
	f->in_call = false;
	assert_int_equal(f->events, 0);		/* queued, not handed over inside the call */
	evloop_run_timers(f->loop);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->events_in_call, 0);
	fx_free(f, true);
}

/* Read the engine's request from the parent's end; answer it with seq + delta. */
static void answer_raw(struct fx *f, int delta)
{
	uint8_t buf[PRIV_MSG_MAX];
	struct priv_msg req, rep = { .type = PRIV_REPLY };
	ssize_t n = recv(f->parent_fd, buf, sizeof(buf), 0);
	int len;

	assert_true(n > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &req), PRIV_OK);
	rep.seq = req.seq + (uint32_t)delta;
	rep.reply.req_type = req.type;
	len = priv_msg_encode(&rep, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(send(f->parent_fd, buf, (size_t)len, 0), len);
}

static void *answer_wrong_seq(void *arg)
{
	answer_raw(arg, 1);
	return NULL;
}

static void test_parent_out_of_order_is_broken(void **state)
{
	struct fx *f = fx_new(false);
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, answer_wrong_seq, f), 0);
	assert_int_equal(engine_priv_tunnel_del(f->ep, f->h[3], 3), -1);
	pthread_join(t, NULL);
	assert_true(engine_priv_broken(f->ep));
	/* and nothing more is sent */
	assert_int_equal(engine_priv_tunnel_del(f->ep, f->h[3], 3), -1);
	fx_free(f, false);
}

static void test_parent_refuses_malformed(void **state)
{
	struct fx *f = fx_new(false);
	uint8_t junk[PRIV_HDR_LEN] = { 9, 1, 0, PRIV_HDR_LEN, 0, 0, 0, 1 };	/* version 9 */
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(send(sv[1], junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_BROKEN);
	/* nothing answered */
	assert_int_equal(recv(sv[1], junk, sizeof(junk), MSG_DONTWAIT), -1);
	close(sv[1]);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_GONE);
	close(sv[0]);
	fx_free(f, false);
}

static void test_engine_gone_clears(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	struct in_addr a;
	bool ok;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(add_tunnel(f, 4), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 5, 9, chal), 0);
	assert_int_equal(answer(f, 3, 5, chal, &ok, resp), 0);
	assert_true(ok);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, NULL), 0);
	engine_priv_free(f->ep);	/* the engine dies */
	f->ep = NULL;
	pthread_join(f->thread, NULL);
	assert_int_equal(f->result, PRIV_PARENT_GONE);
	priv_parent_engine_gone(f->c, &ops, f);
	assert_int_equal(f->rec.tunnel_del, 2);
	assert_int_equal(f->rec.route_del, 1);
	assert_int_equal(f->rec.last_route.v4.s_addr, a.s_addr);
	assert_int_equal(priv_check_tunnels(f->c), 0);
	fx_free(f, false);	/* the engine is gone already */
}

/* The engine's record of tunnel tid (handle h) to peer, bound to mark (0: none). */
static int record_tunnel_to(struct fx *f, uint32_t h, uint16_t tid, const char *peer,
			    uint32_t mark)
{
	struct priv_state_msg m = { .type = PRIV_ST_TUNNEL, .handle = h };
	struct l2tp_tunnel_rec *r = &m.tunnel;

	r->seq = (struct l2tp_seq_rec){ tid, 3, 4, false };
	r->peer_tid = (uint16_t)(100 + tid);
	r->sock = 0;		/* the parent's socket 1 */
	r->peer.family = 4;
	inet_pton(AF_INET, peer, r->peer.addr);
	r->peer_port = 1701;
	r->mark = mark;
	r->require_ipsec = mark != 0;
	r->peer_rws = 4;
	r->in_kernel = true;
	strcpy(r->peer_host, "lac");
	return engine_priv_record(f->ep, &m);
}

/* As add_tunnel made it. */
static int record_tunnel(struct fx *f, uint16_t tid)
{
	return record_tunnel_to(f, f->h[tid], tid, "198.51.100.7", 0);
}

/* The engine's records of session sid of tunnel (h, tid), and of its PPP session. */
static int record_session(struct fx *f, uint32_t h, uint16_t tid, uint16_t sid,
			  uint16_t peer_sid)
{
	struct priv_state_msg m = { .type = PRIV_ST_SESSION, .handle = h };

	m.session = (struct l2tp_session_rec){ .tid = tid, .sid = sid, .peer_sid = peer_sid,
					       .in_kernel = true };
	return engine_priv_record(f->ep, &m);
}

static int record_ppp(struct fx *f, uint32_t h, uint16_t tid, uint16_t sid,
		      struct in_addr peer4)
{
	struct priv_state_msg m = { .type = PRIV_ST_PPP, .handle = h };

	m.ppp.tid = tid;
	m.ppp.sid = sid;
	m.ppp.ppp.req_magic = true;
	m.ppp.ppp.magic = 0x5eed;
	m.ppp.ppp.auth = PPP_AUTH_MSCHAPV2;
	strcpy(m.ppp.ppp.user, "User");
	m.ppp.ppp.ipcp_open = true;
	m.ppp.ppp.peer4 = peer4;
	return engine_priv_record(f->ep, &m);
}

/* Session sid of tunnel (h, tid) authenticated (RFC 2759's answer), with an address (a). */
static void authed_session_of(struct fx *f, uint32_t h, uint16_t tid, uint16_t sid,
			      struct in_addr *a)
{
	uint8_t chal[MSCHAP_CHALLENGE_LEN], value[49] = { 0 }, next[MSCHAP_CHALLENGE_LEN];
	char resp[MSCHAP_AUTH_RESPONSE_LEN];
	bool ok, has_next;
	struct engine_priv_auth au = {
		.method = PPP_AUTH_MSCHAPV2, .handle = h, .tid = tid, .sid = sid, .name = "User",
		.name_len = 4, .challenge = chal, .value = value, .value_len = sizeof(value),
	};

	assert_int_equal(engine_priv_session_add(f->ep, h, tid, sid, (uint16_t)(sid + 10), chal),
			 0);
	if (!a)
		return;
	memcpy(value, peer_chal, 16);
	memcpy(value + 24, nt_resp, 24);
	assert_int_equal(engine_priv_auth(f->ep, &au, &ok, resp, &has_next, next, &f->auth_more),
			 0);
	assert_true(ok);
	assert_int_equal(engine_priv_addr_claim(f->ep, h, tid, sid, AF_INET, a, NULL), 0);
	assert_int_equal(engine_priv_route(f->ep, true, h, tid, sid, AF_INET, a), 0);
}

static void authed_session(struct fx *f, uint16_t tid, uint16_t sid, struct in_addr *a)
{
	authed_session_of(f, f->h[tid], tid, sid, a);
}

/* The engine dies; the parent keeps what the store has records of (counted afresh in f->rec). */
static void engine_dies_resumed(struct fx *f)
{
	engine_priv_free(f->ep);
	f->ep = NULL;
	pthread_join(f->thread, NULL);
	assert_int_equal(f->result, PRIV_PARENT_GONE);
	memset(&f->rec, 0, sizeof(f->rec));
	priv_parent_engine_resume(f->c, f->st, &ops, f);
}

/*
 * Issue 17 item 2: tunnel 3 and its session 5 are established and recorded;
 * tunnel 4 (with session 6) and session 7 of tunnel 3 are still negotiating.
 * The engine dies: 3 and 5 stay, in the kernel and the checker, with their
 * route; 4, 6 and 7 go. A record for what the engine did not create is
 * refused and counted, and the engine goes on.
 */
static void test_engine_resume_keeps_recorded(void **state)
{
	struct fx *f = fx_new(true);
	struct priv_check_session cs;
	struct in_addr a5, a6;
	struct priv_pool_stats ps;
	struct priv_msg m = { .type = PRIV_REQ_SESSION_DEL };
	struct priv_reply out;
	unsigned int tunnels, sessions;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(record_tunnel(f, 3), 0);
	authed_session(f, 3, 5, &a5);
	assert_int_equal(record_session(f, f->h[3], 3, 5, 15), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a5), 0);
	assert_int_equal(add_tunnel(f, 4), 0);
	authed_session(f, 4, 6, &a6);
	authed_session(f, 3, 7, NULL);
	/* refused, counted: a session the engine did not create, another one's address */
	assert_int_equal(record_session(f, f->h[3], 3, 8, 18), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a6), 0);
	assert_int_equal(engine_priv_stats(f->ep, &ps, NULL), 0);	/* the records before it are read */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_SESSION_UNKNOWN], 1);
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_ADDR_NOT_HELD], 1);
	assert_false(engine_priv_broken(f->ep));
	assert_int_equal(f->result, PRIV_PARENT_OK);
	priv_state_counts(f->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 1);

	engine_dies_resumed(f);
	/* 6 and 7 (6's route), then tunnel 4; nothing of 3 or 5 */
	assert_int_equal(f->rec.session_del, 2);
	assert_int_equal(f->rec.route_del, 1);
	assert_int_equal(f->rec.last_route.v4.s_addr, a6.s_addr);
	assert_int_equal(f->rec.tunnel_del, 1);
	assert_int_equal(priv_check_tunnels(f->c), 1);
	assert_true(priv_check_session_get(f->c, f->h[3], 3, 5, &cs));
	assert_true(cs.authed);
	assert_int_equal(cs.v4.s_addr, a5.s_addr);
	assert_false(priv_check_session_get(f->c, f->h[3], 3, 7, &cs));
	assert_false(priv_check_session_get(f->c, f->h[4], 4, 6, &cs));

	/* the next engine: its first request is number 1, and it may end the resumed session */
	m.seq = 1;
	m.ids.handle = f->h[3];
	m.ids.tid = 3;
	m.ids.sid = 5;
	assert_int_equal(priv_check_request(f->c, &m, 1000, &out), PRIV_OK);
	assert_false(priv_check_session_get(f->c, f->h[3], 3, 5, &cs));
	fx_free(f, false);	/* the engine is gone already */
}

/* What the parent's store hands a new engine, decoded. */
struct handed {
	unsigned int n;
	struct priv_state_msg m[8];
};

static int collect(void *ctx, const uint8_t *buf, size_t len)
{
	struct handed *h = ctx;

	assert_true(h->n < ARRAY_SIZE(h->m));
	assert_int_equal(priv_state_decode(buf, len, &h->m[h->n++]), PRIV_OK);
	return 0;
}

/*
 * Tunnel IDs are unique per SA only: tunnel 3 of SA 7 and tunnel 3 of SA 8,
 * each with its session 5, established and recorded (each record naming its
 * tunnel by the parent's handle). The engine dies: both stay with their
 * sessions and addresses. SA 8 goes while no engine runs: its tunnel leaves
 * the module (with its session's route) and the store, and the next engine
 * is handed SA 7's tunnel alone, with its handle.
 */
static void test_resume_same_tid_two_sas(void **state)
{
	struct fx *f = fx_new(true);
	struct priv_addr pa = { .family = 4 }, pb = { .family = 4 };
	union sa46 peer_a = sa4("198.51.100.7", 1701);
	union sa46 peer_b = sa4("203.0.113.8", 1701), local = { 0 };
	struct priv_check_session cs;
	struct priv_pool_stats ps;
	struct handed h = { 0 };
	struct in_addr a, b;
	uint32_t ha, hb;
	unsigned int tunnels, sessions;

	(void)state;
	inet_pton(AF_INET, "198.51.100.7", &pa.v4);
	inet_pton(AF_INET, "203.0.113.8", &pb.v4);
	assert_int_equal(priv_check_sa_up(f->c, 7, &pa), 0);
	assert_int_equal(priv_check_sa_up(f->c, 8, &pb), 0);
	assert_int_equal(engine_priv_tunnel_add(f->ep, 3, 103, 1, &peer_a, &local, true, 7, &ha),
			 0);
	assert_int_equal(engine_priv_tunnel_add(f->ep, 3, 103, 1, &peer_b, &local, true, 8, &hb),
			 0);
	assert_int_not_equal(ha, hb);
	assert_int_equal(record_tunnel_to(f, ha, 3, "198.51.100.7", 7), 0);
	assert_int_equal(record_tunnel_to(f, hb, 3, "203.0.113.8", 8), 0);
	authed_session_of(f, ha, 3, 5, &a);
	assert_int_equal(record_session(f, ha, 3, 5, 15), 0);
	assert_int_equal(record_ppp(f, ha, 3, 5, a), 0);
	authed_session_of(f, hb, 3, 5, &b);
	assert_int_equal(record_session(f, hb, 3, 5, 15), 0);
	assert_int_equal(record_ppp(f, hb, 3, 5, a), 0);	/* the other one's address */
	/* read before the next: held, the next would replace it (priv_state_fold) */
	assert_int_equal(engine_priv_stats(f->ep, &ps, NULL), 0);
	assert_int_equal(record_ppp(f, hb, 3, 5, b), 0);
	assert_int_equal(engine_priv_stats(f->ep, &ps, NULL), 0);	/* the records are read */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_ADDR_NOT_HELD], 1);
	priv_state_counts(f->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 2);
	assert_int_equal(sessions, 2);

	engine_dies_resumed(f);
	assert_int_equal(f->rec.tunnel_del + f->rec.session_del + f->rec.route_del, 0);
	assert_int_equal(priv_check_tunnels(f->c), 2);
	assert_true(priv_check_session_get(f->c, ha, 3, 5, &cs));
	assert_int_equal(cs.v4.s_addr, a.s_addr);
	assert_true(priv_check_session_get(f->c, hb, 3, 5, &cs));
	assert_int_equal(cs.v4.s_addr, b.s_addr);

	/* SA 8 goes before the next engine starts */
	assert_int_equal(priv_parent_sa_gone(f->c, 8, &ops, f), 1);
	assert_int_equal(f->rec.tunnel_del, 1);
	assert_int_equal(f->rec.last_tunnel_del, hb);
	assert_int_equal(f->rec.route_del, 1);
	assert_int_equal(f->rec.last_route.v4.s_addr, b.s_addr);
	priv_state_counts(f->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 1);
	assert_int_equal(priv_state_hand_back(f->st, collect, &h), 4);
	assert_int_equal(h.m[0].type, PRIV_ST_TUNNEL);
	assert_int_equal(h.m[0].handle, ha);
	assert_int_equal(h.m[0].tunnel.mark, 7);
	assert_int_equal(h.m[1].type, PRIV_ST_SESSION);
	assert_int_equal(h.m[1].handle, ha);
	assert_int_equal(h.m[2].type, PRIV_ST_PPP);
	assert_int_equal(h.m[2].handle, ha);
	assert_int_equal(h.m[2].ppp.ppp.peer4.s_addr, a.s_addr);
	assert_int_equal(h.m[3].type, PRIV_ST_END);
	fx_free(f, false);	/* the engine is gone already */
}

/* A record the decoder refuses is a broken engine, as a request is. */
static void test_malformed_record_is_broken(void **state)
{
	struct fx *f = fx_new(false);
	uint8_t junk[PRIV_ST_HDR_LEN + 4] = { PRIV_STATE_VERSION, PRIV_ST_GONE, 0,
					      PRIV_ST_HDR_LEN + 4 };
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	put_be32(junk + 4, 1);
	put_be32(junk + PRIV_HDR_LEN, 1);	/* handle 1's tunnel 0: not what an engine writes */
	assert_int_equal(send(sv[1], junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_BROKEN);
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_FIELD], 1);
	close(sv[0]);
	close(sv[1]);
	fx_free(f, false);
}

/* A SEQ record numbered 1 of a tunnel the store has no record of, sent on fd. */
static void send_stray_seq(int fd)
{
	struct priv_state_msg rec = { .type = PRIV_ST_SEQ, .seq = 1, .handle = 1,
				      .seq_rec = { 3, 1, 1, false } };
	uint8_t buf[PRIV_MSG_MAX];
	int len = priv_state_encode(&rec, buf, sizeof(buf));

	assert_int_equal(send(fd, buf, (size_t)len, 0), len);
}

/*
 * What a dead engine sent before it died and the parent had not read yet:
 * its records go to the store, its last request (never answered) is not
 * carried out.
 */
static void test_dead_engine_records_drained(void **state)
{
	struct fx *f = fx_new(false);
	struct priv_msg req = { .type = PRIV_REQ_TUNNEL_ADD, .seq = 1 };
	uint8_t buf[PRIV_MSG_MAX];
	int sv[2], len;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	send_stray_seq(sv[1]);
	req.tunnel_add = (struct priv_tunnel_add){ .tid = 3, .peer_tid = 103, .sock_id = 1,
						   .peer = { .family = 4 }, .peer_port = 1701 };
	len = priv_msg_encode(&req, buf, sizeof(buf));
	assert_int_equal(send(sv[1], buf, (size_t)len, 0), len);
	close(sv[1]);		/* the engine is gone */
	priv_parent_drain_records(sv[0], &ops, f);
	/* the record was read (a SEQ of no recorded tunnel: refused, counted) */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_TUNNEL_UNKNOWN], 1);
	assert_int_equal(f->rec.tunnel_add, 0);
	assert_int_equal(priv_check_tunnels(f->c), 0);
	close(sv[0]);
	fx_free(f, false);
}

/* A dead engine's SENDs (not answered) among its records: not sent, the records after them read. */
static void test_dead_engine_sends_skipped(void **state)
{
	static const uint8_t zlb[12] = { 0xc8, 0x02, 0x00, 0x0c, 0x00, 0x65 };
	struct fx *f = fx_new(false);
	struct priv_state_msg rec = { .type = PRIV_ST_SEQ, .seq = 1, .handle = 1,
				      .seq_rec = { 3, 1, 1, false } };
	struct priv_msg m = { .type = PRIV_REQ_SEND, .seq = 1 };
	uint8_t buf[PRIV_MSG_MAX];
	int sv[2], len;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	m.send = (struct priv_send){ .handle = 1, .tid = 3, .sock_id = 1,
				     .peer = { .family = 4 }, .peer_port = 1701,
				     .len = sizeof(zlb), .data = zlb };
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(send(sv[1], buf, (size_t)len, 0), len);
	len = priv_state_encode(&rec, buf, sizeof(buf));
	assert_int_equal(send(sv[1], buf, (size_t)len, 0), len);
	close(sv[1]);		/* the engine is gone */
	priv_parent_drain_records(sv[0], &ops, f);
	/* the record after the SEND was read (a SEQ of no recorded tunnel: refused, counted) */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_TUNNEL_UNKNOWN], 1);
	close(sv[0]);
	fx_free(f, false);
}

/* The sequence number of the reply waiting on fd, or -1 when none is there. */
static long reply_seq(int fd)
{
	uint8_t buf[PRIV_MSG_MAX];
	struct priv_msg m;
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n <= 0)
		return -1;
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &m), PRIV_OK);
	assert_int_equal(m.type, PRIV_REPLY);
	return (long)m.seq;
}

/*
 * A flood of datagrams that are not requests (records, SENDs) is read at most
 * PRIV_PARENT_INPUT_MAX a call: the parent's loop serves its other events
 * (charon's, the kernel's, signals) between them, and what is left wakes it
 * again. Before: read until none was left, as long as the engine wrote.
 */
static void test_parent_input_bounded(void **state)
{
	struct fx *f = fx_new(false);
	const uint64_t *refused;
	uint8_t buf[PRIV_MSG_MAX];
	int sv[2], len;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (uint32_t i = 1; i <= PRIV_PARENT_INPUT_MAX + 10; i++) {
		struct priv_state_msg rec = { .type = PRIV_ST_SEQ, .seq = i, .handle = 1,
					      .seq_rec = { 3, 1, 1, false } };

		len = priv_state_encode(&rec, buf, sizeof(buf));
		assert_true(len > 0);
		assert_int_equal(send(sv[1], buf, (size_t)len, 0), len);
	}
	refused = priv_state_stats(f->st)->refused;
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	assert_int_equal(refused[PRIV_R_TUNNEL_UNKNOWN], PRIV_PARENT_INPUT_MAX);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	assert_int_equal(refused[PRIV_R_TUNNEL_UNKNOWN], PRIV_PARENT_INPUT_MAX + 10);
	close(sv[0]);
	close(sv[1]);
	fx_free(f, false);
}

/*
 * The parent reads up to the first request it answers and goes back to its
 * loop: the engine waits for that reply, so a read after it would find nothing
 * (a system call a request for nothing). What is still there is read on the
 * next wake-up. Issue 19 item 4.
 */
static void test_parent_returns_after_reply(void **state)
{
	struct fx *f = fx_new(false);
	struct priv_msg req;
	uint8_t buf[PRIV_MSG_MAX];
	int sv[2], len;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	send_stray_seq(sv[1]);
	for (uint32_t seq = 1; seq <= 2; seq++) {
		priv_msg_init(&req, PRIV_REQ_STATS);
		req.seq = seq;
		len = priv_msg_encode(&req, buf, sizeof(buf));
		assert_int_equal(send(sv[1], buf, (size_t)len, 0), len);
	}
	/* the record and the first request: answered, the second left */
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_TUNNEL_UNKNOWN], 1);
	assert_int_equal(reply_seq(sv[1]), 1);
	assert_int_equal(reply_seq(sv[1]), -1);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	assert_int_equal(reply_seq(sv[1]), 2);
	assert_int_equal(reply_seq(sv[1]), -1);
	/* nothing there: nothing done */
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	close(sv[0]);
	close(sv[1]);
	fx_free(f, false);
}

/*
 * The records in the datagram waiting on fd, alone or in a PRIV_BATCH,
 * decoded into m[] (at most max); how many, 0 when none is there.
 */
static unsigned int msgs_waiting(int fd, struct priv_state_msg *m, unsigned int max)
{
	uint8_t buf[PRIV_BATCH_MAX];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t at = 0, end = n > 0 ? (size_t)n : 0;
	unsigned int k = 0;

	if (n <= 0)
		return 0;
	if (buf[1] == PRIV_BATCH) {
		assert_int_equal(priv_batch_check(buf, end), PRIV_OK);
		at = PRIV_HDR_LEN;
	}
	for (size_t len; at < end; at += len, k++) {
		len = get_be16(buf + at + 2);
		assert_true(k < max);
		assert_int_equal(priv_state_decode(buf + at, len, &m[k]), PRIV_OK);
	}
	return k;
}

/* The same, their types and numbers into type[] and seq[]. */
static unsigned int records_waiting(int fd, uint8_t *type, uint32_t *seq, unsigned int max)
{
	struct priv_state_msg m[ENGINE_PRIV_RECORDS];
	unsigned int k;

	assert_true(max <= ENGINE_PRIV_RECORDS);
	k = msgs_waiting(fd, m, max);

	for (unsigned int i = 0; i < k; i++) {
		type[i] = m[i].type;
		seq[i] = m[i].seq;
	}
	return k;
}

static struct evloop *stop_loop_of;

static void stop_loop(struct ev_timer *t)
{
	(void)t;
	evloop_stop(stop_loop_of);
}

/*
 * The engine holds its resume records and sends them, in order, in one
 * datagram (a PRIV_BATCH) with its next request, before its event loop waits,
 * or when ENGINE_PRIV_RECORDS are held; a setup's records no longer wake the
 * parent one by one (issue 19 item 4). None is behind once the engine sleeps.
 */
static void test_records_held_until_wait(void **state)
{
	struct fx *f = fx_new(false);
	struct ev_timer t;
	uint8_t type[ENGINE_PRIV_RECORDS];
	uint32_t seq[ENGINE_PRIV_RECORDS];
	struct in_addr a = { htonl(0x0a090001) };

	(void)state;
	assert_int_equal(record_tunnel(f, 3), 0);
	assert_int_equal(record_session(f, f->h[3], 3, 5, 15), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a), 0);
	assert_int_equal(records_waiting(f->parent_fd, type, seq, 16), 0);	/* held */
	/* the loop about to wait: sent, in order, in one datagram */
	stop_loop_of = f->loop;
	ev_timer_init(&t, stop_loop);
	ev_timer_arm(f->loop, &t, 1);
	assert_int_equal(evloop_run(f->loop), 0);
	assert_int_equal(records_waiting(f->parent_fd, type, seq, 16), 3);
	assert_int_equal(type[0], PRIV_ST_TUNNEL);
	assert_int_equal(type[1], PRIV_ST_SESSION);
	assert_int_equal(type[2], PRIV_ST_PPP);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(seq[i], 1 + i);
	assert_int_equal(records_waiting(f->parent_fd, type, seq, 16), 0);
	/* a full hold goes out when one more comes (each of another session: none coalesces) */
	for (unsigned int i = 0; i <= ENGINE_PRIV_RECORDS; i++)
		assert_int_equal(record_session(f, f->h[3], 3, (uint16_t)(20 + i),
						(uint16_t)(40 + i)), 0);
	assert_int_equal(records_waiting(f->parent_fd, type, seq, ENGINE_PRIV_RECORDS),
			 ENGINE_PRIV_RECORDS);
	for (unsigned int i = 0; i < ENGINE_PRIV_RECORDS; i++)
		assert_int_equal(seq[i], 4 + i);
	assert_false(engine_priv_broken(f->ep));
	/* the last one goes, alone, before the engine's end closes */
	engine_priv_free(f->ep);
	f->ep = NULL;
	assert_int_equal(records_waiting(f->parent_fd, type, seq, 16), 1);
	assert_int_equal(seq[0], 4 + ENGINE_PRIV_RECORDS);
	fx_free(f, false);
}

static int record_seq(struct fx *f, uint32_t h, uint16_t tid, uint16_t ns, uint16_t nr,
		      bool in_flight)
{
	struct priv_state_msg m = { .type = PRIV_ST_SEQ, .handle = h };

	m.seq_rec = (struct l2tp_seq_rec){ tid, ns, nr, in_flight };
	return engine_priv_record(f->ep, &m);
}

/* ST_GONE of session sid (0: the tunnel) of tunnel (h, tid). */
static int record_gone(struct fx *f, uint32_t h, uint16_t tid, uint16_t sid)
{
	struct priv_state_msg m = { .type = PRIV_ST_GONE, .handle = h };

	m.gone = (struct priv_state_ids){ tid, sid };
	return engine_priv_record(f->ep, &m);
}

/* The held records, sent as the loop is about to wait. */
static void loop_waits(struct fx *f)
{
	struct ev_timer t;

	stop_loop_of = f->loop;
	ev_timer_init(&t, stop_loop);
	ev_timer_arm(f->loop, &t, 1);
	assert_int_equal(evloop_run(f->loop), 0);
}

/*
 * Issue 19: a held record replaces the held one of its object. A setup's
 * ST_TUNNEL and the ST_SEQs after it in one hold go as one ST_TUNNEL with the
 * last Ns, Nr and in-flight; other objects' records keep their order, the
 * numbers stay one apart. A record of an object whose record went in an
 * earlier datagram goes on its own; an ST_GONE takes its session's held
 * records out and, when the ST_SESSION is among them, goes neither.
 */
static void test_records_coalesced(void **state)
{
	struct fx *f = fx_new(false);
	struct priv_state_msg m[ENGINE_PRIV_RECORDS];
	struct in_addr a = { htonl(0x0a090001) };

	(void)state;
	assert_int_equal(record_tunnel(f, 3), 0);		/* Ns 3, Nr 4 */
	assert_int_equal(record_seq(f, f->h[3], 3, 3, 5, false), 0);
	assert_int_equal(record_seq(f, f->h[3], 3, 3, 6, true), 0);
	assert_int_equal(record_session(f, f->h[3], 3, 5, 15), 0);
	assert_int_equal(record_tunnel(f, 4), 0);
	assert_int_equal(record_seq(f, f->h[3], 3, 4, 7, false), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a), 0);
	assert_int_equal(record_seq(f, f->h[4], 4, 9, 9, true), 0);
	loop_waits(f);
	assert_int_equal(msgs_waiting(f->parent_fd, m, ENGINE_PRIV_RECORDS), 4);
	assert_int_equal(m[0].type, PRIV_ST_TUNNEL);
	assert_int_equal(m[0].handle, f->h[3]);
	assert_int_equal(m[0].tunnel.seq.ns, 4);
	assert_int_equal(m[0].tunnel.seq.nr, 7);
	assert_false(m[0].tunnel.seq.in_flight);
	assert_int_equal(m[0].tunnel.peer_tid, 103);
	assert_int_equal(m[1].type, PRIV_ST_SESSION);
	assert_int_equal(m[2].type, PRIV_ST_TUNNEL);
	assert_int_equal(m[2].handle, f->h[4]);
	assert_int_equal(m[2].tunnel.seq.ns, 9);
	assert_true(m[2].tunnel.seq.in_flight);
	assert_int_equal(m[3].type, PRIV_ST_PPP);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(m[i].seq, 1 + i);

	/* alone: the tunnel's Ns and Nr, then the session's PPP records and end in one */
	assert_int_equal(record_seq(f, f->h[3], 3, 5, 8, false), 0);
	loop_waits(f);
	assert_int_equal(msgs_waiting(f->parent_fd, m, ENGINE_PRIV_RECORDS), 1);
	assert_int_equal(m[0].type, PRIV_ST_SEQ);
	assert_int_equal(m[0].seq, 5);
	assert_int_equal(m[0].seq_rec.nr, 8);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a), 0);
	assert_int_equal(record_seq(f, f->h[3], 3, 5, 9, false), 0);
	assert_int_equal(record_gone(f, f->h[3], 3, 5), 0);
	loop_waits(f);
	assert_int_equal(msgs_waiting(f->parent_fd, m, ENGINE_PRIV_RECORDS), 2);
	assert_int_equal(m[0].type, PRIV_ST_SEQ);
	assert_int_equal(m[0].seq, 6);
	assert_int_equal(m[1].type, PRIV_ST_GONE);
	assert_int_equal(m[1].gone.sid, 5);
	assert_int_equal(m[1].seq, 7);

	/* made and gone in one hold: nothing goes, the numbering goes on */
	assert_int_equal(record_session(f, f->h[3], 3, 6, 16), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 6, a), 0);
	assert_int_equal(record_gone(f, f->h[3], 3, 6), 0);
	assert_int_equal(record_tunnel(f, 5), 0);
	assert_int_equal(record_session(f, f->h[5], 5, 7, 17), 0);
	assert_int_equal(record_gone(f, f->h[5], 5, 0), 0);
	loop_waits(f);
	assert_int_equal(msgs_waiting(f->parent_fd, m, ENGINE_PRIV_RECORDS), 0);
	assert_int_equal(record_gone(f, f->h[4], 4, 0), 0);
	loop_waits(f);
	assert_int_equal(msgs_waiting(f->parent_fd, m, ENGINE_PRIV_RECORDS), 1);
	assert_int_equal(m[0].type, PRIV_ST_GONE);
	assert_int_equal(m[0].seq, 8);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, false);
}

/*
 * The same through the parent's store: what it holds once the engine's
 * records are read is what each record alone would have left, with fewer
 * records taken. A setup's ST_TUNNEL with its ST_SEQs is one record; a
 * tunnel with its session and PPP session made and gone in one hold leaves
 * nothing and nothing refused; a session's ST_GONE whose ST_SESSION went
 * before removes it. The next engine is handed the last Ns and Nr.
 */
static void test_coalesced_through_parent(void **state)
{
	struct fx *f = fx_new(true);
	const struct priv_state_stats *st;
	struct priv_pool_stats ps;
	struct handed h = { 0 };
	struct in_addr a5, a6;
	unsigned int tunnels, sessions;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	authed_session(f, 3, 5, &a5);
	assert_int_equal(add_tunnel(f, 4), 0);
	authed_session(f, 4, 6, &a6);
	authed_session(f, 3, 7, NULL);
	assert_int_equal(record_tunnel(f, 3), 0);
	assert_int_equal(record_seq(f, f->h[3], 3, 3, 5, true), 0);
	assert_int_equal(record_session(f, f->h[3], 3, 5, 15), 0);
	assert_int_equal(record_seq(f, f->h[3], 3, 4, 6, false), 0);
	assert_int_equal(record_ppp(f, f->h[3], 3, 5, a5), 0);
	assert_int_equal(record_session(f, f->h[3], 3, 7, 17), 0);
	assert_int_equal(record_tunnel(f, 4), 0);
	assert_int_equal(record_session(f, f->h[4], 4, 6, 16), 0);
	assert_int_equal(record_ppp(f, f->h[4], 4, 6, a6), 0);
	assert_int_equal(record_seq(f, f->h[4], 4, 4, 6, false), 0);
	assert_int_equal(record_gone(f, f->h[4], 4, 0), 0);
	assert_int_equal(engine_priv_stats(f->ep, &ps, NULL), 0);	/* the records are read */
	st = priv_state_stats(f->st);
	assert_int_equal(st->accepted[PRIV_ST_TUNNEL - PRIV_ST_BASE], 1);
	assert_int_equal(st->accepted[PRIV_ST_SEQ - PRIV_ST_BASE], 0);
	assert_int_equal(st->accepted[PRIV_ST_SESSION - PRIV_ST_BASE], 2);
	assert_int_equal(st->accepted[PRIV_ST_PPP - PRIV_ST_BASE], 1);
	assert_int_equal(st->accepted[PRIV_ST_GONE - PRIV_ST_BASE], 0);
	for (unsigned int i = 0; i < PRIV_REASON_MAX; i++)
		assert_int_equal(st->refused[i], 0);
	priv_state_counts(f->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 2);
	/* session 7's record went in that datagram: its ST_GONE goes, and removes it */
	assert_int_equal(record_gone(f, f->h[3], 3, 7), 0);
	assert_int_equal(engine_priv_stats(f->ep, &ps, NULL), 0);
	assert_int_equal(st->accepted[PRIV_ST_GONE - PRIV_ST_BASE], 1);
	priv_state_counts(f->st, &tunnels, &sessions);
	assert_int_equal(tunnels, 1);
	assert_int_equal(sessions, 1);
	assert_false(engine_priv_broken(f->ep));

	engine_dies_resumed(f);
	assert_int_equal(priv_state_hand_back(f->st, collect, &h), 4);
	assert_int_equal(h.m[0].type, PRIV_ST_TUNNEL);
	assert_int_equal(h.m[0].handle, f->h[3]);
	assert_int_equal(h.m[0].tunnel.seq.ns, 4);
	assert_int_equal(h.m[0].tunnel.seq.nr, 6);
	assert_false(h.m[0].tunnel.seq.in_flight);
	assert_int_equal(h.m[1].type, PRIV_ST_SESSION);
	assert_int_equal(h.m[1].session.sid, 5);
	assert_int_equal(h.m[2].type, PRIV_ST_PPP);
	assert_int_equal(h.m[2].ppp.ppp.peer4.s_addr, a5.s_addr);
	assert_int_equal(h.m[3].type, PRIV_ST_END);
	fx_free(f, false);	/* the engine is gone already */
}

/* The octets of a batch of the given datagrams (each a whole one, its length in its header). */
static size_t batch_of(uint8_t *out, const uint8_t *const *dg, unsigned int n)
{
	size_t at = PRIV_HDR_LEN;

	for (unsigned int i = 0; i < n; i++) {
		size_t len = get_be16(dg[i] + 2);

		memcpy(out + at, dg[i], len);
		at += len;
	}
	out[0] = PRIV_MSG_VERSION;
	out[1] = PRIV_BATCH;
	put_be16(out + 2, (uint16_t)at);
	put_be32(out + 4, 0);
	return at;
}

/*
 * A batch's datagrams are taken in order as if each came alone: its records
 * to the store, its request (last) answered. A batch the framing check
 * refuses (a request not last, a SEND, a length that does not tile it) breaks
 * the protocol, as a malformed datagram does; a dead engine's batch gives its
 * records to the store and its request is not carried out.
 */
static void test_batch_from_engine(void **state)
{
	struct fx *f = fx_new(false);
	struct priv_state_msg rec = { .type = PRIV_ST_SEQ, .seq = 1, .handle = 1,
				      .seq_rec = { 3, 1, 1, false } };
	struct priv_msg req;
	uint8_t r1[PRIV_MSG_MAX], r2[PRIV_MSG_MAX], q[PRIV_MSG_MAX], b[PRIV_BATCH_MAX];
	const uint8_t *dg[3] = { r1, r2, q };
	const uint8_t *bad[2] = { q, r1 };
	size_t n;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_true(priv_state_encode(&rec, r1, sizeof(r1)) > 0);
	rec.seq = 2;
	assert_true(priv_state_encode(&rec, r2, sizeof(r2)) > 0);
	priv_msg_init(&req, PRIV_REQ_STATS);
	req.seq = 1;
	assert_true(priv_msg_encode(&req, q, sizeof(q)) > 0);
	n = batch_of(b, dg, 3);
	assert_int_equal(send(sv[1], b, n, 0), (ssize_t)n);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_OK);
	/* both records read (SEQs of no recorded tunnel: refused, counted), the request answered */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_TUNNEL_UNKNOWN], 2);
	assert_int_equal(reply_seq(sv[1]), 1);
	assert_int_equal(reply_seq(sv[1]), -1);
	/* the framing refused: a request not last; lengths that do not tile it; empty */
	n = batch_of(b, bad, 2);
	assert_int_equal(priv_batch_check(b, n), PRIV_R_TYPE);
	n = batch_of(b, dg, 3);
	assert_int_equal(priv_batch_check(b, n - 1), PRIV_R_LENGTH);
	put_be16(b + 2, (uint16_t)(n - 1));	/* the request (a header alone) cut short */
	assert_int_equal(priv_batch_check(b, n - 1), PRIV_R_TRUNCATED);
	n = batch_of(b, dg, 0);
	assert_int_equal(priv_batch_check(b, n), PRIV_R_TRUNCATED);
	/* a SEND is never in a batch (it is not waited for) */
	n = batch_of(b, dg, 2);
	memcpy(b + n, q, get_be16(q + 2));
	b[n + 1] = PRIV_REQ_SEND;
	n += get_be16(q + 2);
	put_be16(b + 2, (uint16_t)n);
	assert_int_equal(priv_batch_check(b, n), PRIV_R_TYPE);
	n = batch_of(b, bad, 2);
	assert_int_equal(send(sv[1], b, n, 0), (ssize_t)n);
	assert_int_equal(priv_parent_input(f->c, sv[0], &ops, f, 1000), PRIV_PARENT_BROKEN);
	assert_int_equal(reply_seq(sv[1]), -1);
	/* a dead engine's batch: its records read, its request not carried out */
	n = batch_of(b, dg, 3);
	assert_int_equal(send(sv[1], b, n, 0), (ssize_t)n);
	close(sv[1]);
	priv_parent_drain_records(sv[0], &ops, f);
	/* read: numbered 1 and 2 again, out of sequence */
	assert_int_equal(priv_state_stats(f->st)->refused[PRIV_R_SEQ], 2);
	assert_int_equal(f->rec.tunnel_add, 0);
	close(sv[0]);
	fx_free(f, false);
}

/* rxcheck asks for every datagram; the parent answers 20 a second (burst 40). */
static void test_mark_answers_kept(void **state)
{
	struct fx *f = fx_new(false);
	struct priv_addr peer = { .family = 4 };
	union sa46 src = sa4("198.51.100.7", 4500), other = sa4("203.0.113.9", 4500);

	(void)state;
	inet_pton(AF_INET, "198.51.100.7", &peer.v4);
	assert_int_equal(priv_check_sa_up(f->c, 7, &peer), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, parent_thread, f), 0);
	for (int i = 0; i < 100; i++)
		assert_true(engine_priv_mark_ok(f->ep, 7, &src));
	/* another peer with that mark, an unknown mark: asked, and no */
	assert_false(engine_priv_mark_ok(f->ep, 7, &other));
	assert_false(engine_priv_mark_ok(f->ep, 8, &src));
	/* an SA that goes is still taken until the answer is old, then asked again */
	priv_check_sa_gone(f->c, 7, NULL, NULL);
	assert_true(engine_priv_mark_ok(f->ep, 7, &src));
	engine_priv_set_sa_ttl(f->ep, 20);
	assert_int_equal(priv_check_sa_up(f->c, 9, &peer), 0);
	assert_true(engine_priv_mark_ok(f->ep, 9, &src));
	priv_check_sa_gone(f->c, 9, NULL, NULL);
	assert_true(engine_priv_mark_ok(f->ep, 9, &src));
	usleep(30 * 1000);
	assert_false(engine_priv_mark_ok(f->ep, 9, &src));
	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_MARK_QUERY], 5);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
}

/* RADIUS through the parent: the engine's client, the parent's secret. */
static const struct radius_secret rsecret = { (const uint8_t *)"parent-only", 11 };

struct rfx {
	uint8_t wire[RADIUS_MAX_LEN];	/* what the client sent */
	size_t wire_len;
	unsigned int sent, done;
	int err;
	uint8_t code;			/* the answer's, in the callback */
};

static int r_send(void *arg, unsigned int server, const void *buf, size_t len)
{
	struct rfx *r = arg;

	(void)server;
	memcpy(r->wire, buf, len);
	r->wire_len = len;
	r->sent++;
	return 0;
}

static void r_done(void *arg, int err, const uint8_t *ans, size_t len)
{
	struct rfx *r = arg;

	r->done++;
	r->err = err;
	r->code = err || !len ? 0 : ans[0];
}

/* The server's answer of code to the request the client sent, signed with s. */
static void r_answer(struct radius_client *c, struct rfx *r, const union sa46 *srv,
		     uint8_t code, const struct radius_secret *s)
{
	struct radius_pkt a;

	radius_pkt_init(&a, code, r->wire[1]);
	assert_int_equal(radius_put_in4(&a, RADIUS_FRAMED_IP_ADDRESS,
					(struct in_addr){ inet_addr("10.9.0.2") }), 0);
	assert_int_equal(radius_sign_answer(&a, s, r->wire + 4), 0);
	radius_client_input(c, 0, (const struct sockaddr *)srv, sizeof(struct sockaddr_in), a.buf,
			    a.len, 1000);
}

/*
 * The engine's RADIUS client signs through the parent (the engine has no
 * secret) and has the parent verify the answers: a forged one is dropped, the
 * server's Access-Accept authenticates the session in the parent, which then
 * gives the session the answer's Framed-IP-Address; no address before.
 */
static void test_radius_through_parent(void **state)
{
	struct fx *f = fx_new(false);
	union sa46 srv = sa4("127.0.0.1", 1812);
	static const struct radius_secret wrong = { (const uint8_t *)"guess", 5 };
	struct priv_radius *pr = priv_radius_new(rsecret.data, rsecret.len, 1, 0);
	struct radius_client_conf conf = {
		.n_servers = 1, .timeout_ms = 1000, .max_inflight = 4, .max_queue = 4,
	};
	struct radius_client_ops rops = { .send = r_send };
	uint8_t chal[MSCHAP_CHALLENGE_LEN], pw[16];
	struct radius_signer sg;
	struct radius_client *c;
	struct rfx r = { 0 };
	struct radius_msg m;
	struct radius_pkt p;
	enum priv_reason why;
	struct in_addr a;

	(void)state;
	assert_non_null(pr);
	priv_check_set_radius(f->c, pr);
	assert_int_equal(pthread_create(&f->thread, NULL, parent_thread, f), 0);
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 5, 9, chal), 0);
	engine_priv_radius_signer(f->ep, PRIV_RADIUS_AUTH, &sg);
	conf.signer = &sg;
	sa46_to_ss(&srv, &conf.servers[0].addr);
	conf.servers[0].addr_len = sizeof(struct sockaddr_in);
	c = radius_client_new(&conf, &rops, &r);	/* no secret here */
	assert_non_null(c);

	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	assert_int_equal(radius_put_str(&p, RADIUS_USER_NAME, "alice"), 0);
	assert_int_equal(radius_put_password(&p, "pw-of-alice", 11), 0);
	assert_non_null(radius_client_submit_for(c, &p, engine_priv_radius_tag(f->h[3], 3, 5),
						 r_done, &r, 1000));
	/* on the wire: signed with the parent's secret, the password hidden with it */
	assert_int_equal(r.sent, 1);
	assert_int_equal(radius_decode(&m, r.wire, r.wire_len), RADIUS_OK);
	assert_non_null(radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL));
	memcpy(pw, radius_value(&m, radius_find(&m, RADIUS_USER_PASSWORD, NULL)), 16);
	radius_unhide_password(pw, 16, &rsecret, r.wire + 4);
	assert_memory_equal(pw, "pw-of-alice\0\0\0\0\0", 16);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, &why), -1);
	assert_int_equal(why, PRIV_R_NOT_AUTHED);

	/* forged: the parent does not verify it, the client drops it */
	r_answer(c, &r, &srv, RADIUS_ACCESS_ACCEPT, &wrong);
	assert_int_equal(r.done, 0);
	assert_int_equal(radius_client_server_stats(c, 0)->bad_authenticator, 1);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, &why), -1);
	/* the server's */
	r_answer(c, &r, &srv, RADIUS_ACCESS_ACCEPT, &rsecret);
	assert_int_equal(r.done, 1);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.code, RADIUS_ACCESS_ACCEPT);
	assert_int_equal(engine_priv_addr_claim(f->ep, f->h[3], 3, 5, AF_INET, &a, NULL), 0);
	assert_int_equal(a.s_addr, inet_addr("10.9.0.2"));
	assert_int_equal(priv_radius_stats(pr)->signed_auth, 1);
	assert_int_equal(priv_radius_stats(pr)->verified, 1);
	assert_int_equal(priv_radius_stats(pr)->not_verified, 1);
	/* the tunnel's authentication rate spent: the signer is busy (-EAGAIN), not refused */
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 6, 10, chal), 0);
	{
		unsigned int n = 0;
		int ret;

		do {
			radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, (uint8_t)n);
			assert_int_equal(radius_put_str(&p, RADIUS_USER_NAME, "bob"), 0);
			ret = sg.sign(sg.ctx, 0, engine_priv_radius_tag(f->h[3], 3, 6), &p);
		} while (ret == 0 && ++n < 40);
		assert_int_equal(ret, -EAGAIN);
		assert_int_equal(n, PRIV_AUTH_BURST_TUNNEL - 1);	/* alice's took one */
	}
	assert_false(engine_priv_broken(f->ep));
	radius_client_free(c);
	fx_free(f, true);
	priv_radius_free(pr);
}

/* COUNTERS: the engine reads a session's module counters through the parent, its own only. */
static void test_counters_through_parent(void **state)
{
	struct fx *f = fx_new(true);
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	struct priv_counters pc;

	(void)state;
	assert_int_equal(add_tunnel(f, 3), 0);
	assert_int_equal(engine_priv_session_add(f->ep, f->h[3], 3, 5, 9, chal), 0);
	assert_int_equal(engine_priv_counters(f->ep, f->h[3], 3, 5, &pc), 0);
	assert_int_equal(f->counters_sid, 5);
	assert_int_equal(pc.rx_packets, 1005);
	assert_int_equal(pc.rx_bytes, 1ull << 33);
	assert_int_equal(pc.tx_packets, 7);
	assert_int_equal(pc.tx_bytes, 9);
	/* not a session of the engine's: refused, the module not asked */
	f->counters_sid = 0;
	assert_int_equal(engine_priv_counters(f->ep, f->h[3], 3, 6, &pc), -1);
	assert_int_equal(engine_priv_counters(f->ep, f->h[3] + 1, 3, 5, &pc), -1);
	assert_int_equal(f->counters_sid, 0);
	/* a data path without counters (TUN): EOPNOTSUPP, the engine counts itself */
	f->counters_errno = EOPNOTSUPP;
	assert_int_equal(engine_priv_counters(f->ep, f->h[3], 3, 5, &pc), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
}

/* DAE: the engine's signer has the parent verify a request and sign its answer. */
static void test_dae_through_parent(void **state)
{
	static const struct radius_secret dsecret = { (const uint8_t *)"dae-parent-only", 15 };
	struct fx *f = fx_new(false);
	struct priv_radius *pr = priv_radius_new(rsecret.data, rsecret.len, 0, 0);
	struct radius_signer sg;
	struct radius_pkt q, a;
	struct radius_msg m;

	(void)state;
	assert_non_null(pr);
	assert_int_equal(priv_radius_dae_client(pr, 1, dsecret.data, dsecret.len), 0);
	priv_check_set_radius(f->c, pr);
	assert_int_equal(pthread_create(&f->thread, NULL, parent_thread, f), 0);
	engine_priv_radius_signer(f->ep, PRIV_RADIUS_AUTH, &sg);
	radius_pkt_init(&q, RADIUS_DISCONNECT_REQUEST, 33);
	assert_int_equal(radius_put_str(&q, RADIUS_USER_NAME, "alice"), 0);
	assert_int_equal(radius_sign_request(&q, &dsecret, NULL), 0);
	assert_int_equal(radius_decode(&m, q.buf, q.len), RADIUS_OK);
	/* client 0 is not configured; client 1's secret verifies */
	assert_int_not_equal(sg.verify_request(sg.ctx, 0, &m), RADIUS_OK);
	assert_int_equal(sg.verify_request(sg.ctx, 1, &m), RADIUS_OK);
	radius_pkt_init(&a, RADIUS_DISCONNECT_ACK, 33);
	assert_int_equal(sg.sign_answer(sg.ctx, 1, &a, q.buf + 4), 0);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_DISCONNECT_REQUEST, q.buf + 4, &dsecret),
			 RADIUS_OK);
	/* once */
	radius_pkt_init(&a, RADIUS_DISCONNECT_ACK, 33);
	assert_int_equal(sg.sign_answer(sg.ctx, 1, &a, q.buf + 4), -EPERM);
	assert_false(engine_priv_broken(f->ep));
	fx_free(f, true);
	priv_radius_free(pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radius_through_parent),
		cmocka_unit_test(test_counters_through_parent),
		cmocka_unit_test(test_dae_through_parent),
		cmocka_unit_test(test_session_through_parent),
		cmocka_unit_test(test_auth_busy),
		cmocka_unit_test(test_stopping_leaves_removal_to_parent),
		cmocka_unit_test(test_refused_not_carried_out),
		cmocka_unit_test(test_events_after_the_call),
		cmocka_unit_test(test_parent_out_of_order_is_broken),
		cmocka_unit_test(test_parent_refuses_malformed),
		cmocka_unit_test(test_engine_gone_clears),
		cmocka_unit_test(test_mark_answers_kept),
		cmocka_unit_test(test_engine_resume_keeps_recorded),
		cmocka_unit_test(test_resume_same_tid_two_sas),
		cmocka_unit_test(test_malformed_record_is_broken),
		cmocka_unit_test(test_dead_engine_records_drained),
		cmocka_unit_test(test_dead_engine_sends_skipped),
		cmocka_unit_test(test_parent_returns_after_reply),
		cmocka_unit_test(test_parent_input_bounded),
		cmocka_unit_test(test_records_held_until_wait),
		cmocka_unit_test(test_records_coalesced),
		cmocka_unit_test(test_coalesced_through_parent),
		cmocka_unit_test(test_batch_from_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
