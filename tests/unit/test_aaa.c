// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's RADIUS glue (daemon/aaa.c) on a real event loop against a server
 * played on loopback with radius_sign.h: the Access-Requests it builds for
 * each method, the verdicts and what they carry, the Reply-Message made
 * printable, a cancelled request never called back (its answer counted as
 * unknown), the per-client and the no-server cases.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "aaa.h"
#include "acct_srv.h"
#include "core/evloop.h"
#include "core/util.h"
#include "ppp/ppp.h"
#include "radius/radius_sign.h"

static const struct radius_secret secret = { (const uint8_t *)"s3cret", 6 };

/* The server: what it got last, and how it answers. */
struct srv {
	int fd;
	struct ev_io io;
	unsigned int got;
	uint8_t req[RADIUS_MAX_LEN];
	size_t req_len;
	bool silent;			/* got, never answers */
	uint8_t code;			/* the answer's */
	const char *reply_message;
	bool framed_ip;
	bool ms_success;
};

struct fx {
	struct evloop *loop;
	struct l2sec_config cfg;
	struct aaa *a;
	struct srv s;
	struct ev_timer guard;
	unsigned int done;
	struct aaa_auth_res res;
	char message[256];
	bool had_reply, reply_framed_ip, reply_ms_success;
	struct in_addr framed;
	uint8_t ms_success[RADIUS_MS_CHAP2_SUCCESS_LEN];
};

static struct fx *fx;

static void srv_cb(struct ev_io *io, uint32_t events)
{
	struct srv *s = container_of(io, struct srv, io);
	union sa46 from;
	socklen_t flen = sizeof(from);
	struct radius_pkt p;
	ssize_t n;

	(void)events;
	n = recvfrom(s->fd, s->req, sizeof(s->req), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	s->req_len = (size_t)n;
	s->got++;
	if (s->silent)
		return;
	radius_pkt_init(&p, s->code, s->req[1]);
	if (s->reply_message)
		assert_int_equal(radius_put_str(&p, RADIUS_REPLY_MESSAGE, s->reply_message), 0);
	if (s->framed_ip)
		assert_int_equal(radius_put_in4(&p, RADIUS_FRAMED_IP_ADDRESS,
						(struct in_addr){ inet_addr("10.9.0.5") }), 0);
	if (s->ms_success) {
		char v[RADIUS_MS_CHAP2_SUCCESS_LEN + 1];

		snprintf(v, sizeof(v), "%cS=0123456789ABCDEF0123456789ABCDEF01234567", 9);
		assert_int_equal(radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT,
						RADIUS_MS_CHAP2_SUCCESS, v,
						RADIUS_MS_CHAP2_SUCCESS_LEN), 0);
	}
	assert_int_equal(radius_sign_answer(&p, &secret, s->req + 4), 0);
	assert_int_equal(sendto(s->fd, p.buf, p.len, 0, (struct sockaddr *)&from, flen),
			 (ssize_t)p.len);
}

static void guard_cb(struct ev_timer *t)
{
	(void)t;
	evloop_stop(fx->loop);
}

static void answered(void *arg, const struct aaa_auth_res *res)
{
	struct fx *x = arg;

	x->done++;
	x->res = *res;
	snprintf(x->message, sizeof(x->message), "%s", res->message);
	x->had_reply = res->reply != NULL;
	if (res->reply) {
		x->reply_framed_ip = res->reply->has_framed_ip;
		x->framed = res->reply->framed_ip;
		x->reply_ms_success = res->reply->has_ms_chap2_success;
		memcpy(x->ms_success, res->reply->ms_chap2_success, sizeof(x->ms_success));
	}
	x->res.reply = NULL;
	x->res.message = x->message;
	evloop_stop(x->loop);
}

/* Run the loop until a callback or ms pass. */
static void run(unsigned int ms)
{
	ev_timer_arm(fx->loop, &fx->guard, ms);
	assert_int_equal(evloop_run(fx->loop), 0);
	ev_timer_cancel(fx->loop, &fx->guard);
}

static int setup(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct config_radius *r;

	(void)state;
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->loop = evloop_new(NULL, NULL);
	assert_non_null(fx->loop);
	ev_timer_init(&fx->guard, guard_cb);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fx->s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fx->s.fd >= 0);
	assert_int_equal(bind(fx->s.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fx->s.fd, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(evloop_add_io(fx->loop, &fx->s.io, fx->s.fd, EPOLLIN, srv_cb), 0);
	fx->s.code = RADIUS_ACCESS_ACCEPT;
	r = &fx->cfg.radius;
	snprintf(r->auth_servers, sizeof(r->auth_servers), "127.0.0.1:%u", ntohs(sin.sin_port));
	snprintf(r->secret, sizeof(r->secret), "s3cret");
	snprintf(fx->cfg.l2tp.hostname, sizeof(fx->cfg.l2tp.hostname), "gw1");
	r->timeout_ms = 200;
	r->retries = 0;
	r->dead_time_ms = 0;
	r->queue = 16;
	r->peer_queue = 2;
	r->auth_source = CONFIG_AUTH_RADIUS;
	assert_true(aaa_configured(&fx->cfg));
	fx->a = aaa_new(fx->loop, &fx->cfg);
	assert_non_null(fx->a);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	aaa_free(fx->a);
	evloop_del_io(fx->loop, &fx->s.io);
	close(fx->s.fd);
	evloop_free(fx->loop);
	free(fx);
	return 0;
}

static const uint8_t chal[16] = "0123456789abcdef";

static int ask(unsigned int method, const char *name, const void *value, size_t vlen,
	       const union sa46 *peer, uint64_t *h)
{
	struct aaa_auth_req q = {
		.method = method, .name = name, .name_len = strlen(name), .challenge = chal,
		.id = 9, .value = value, .value_len = vlen, .peer = peer, .nas_port = 0x10002,
	};

	return aaa_auth(fx->a, &q, answered, fx, h);
}

/* The request the server got, decoded. */
static void got(struct radius_msg *m)
{
	assert_int_equal(radius_decode(m, fx->s.req, fx->s.req_len), RADIUS_OK);
	assert_int_equal(m->code, RADIUS_ACCESS_REQUEST);
	assert_non_null(radius_find(m, RADIUS_MESSAGE_AUTHENTICATOR, NULL));
}

static void assert_attr(const struct radius_msg *m, uint8_t type, const void *v, size_t len)
{
	const struct radius_avp *a = radius_find(m, type, NULL);

	assert_non_null(a);
	assert_int_equal(a->len, len);
	assert_memory_equal(radius_value(m, a), v, len);
}

/* PAP: the password hidden with the secret, the NAS and the client named; Accept's address. */
static void test_pap_accept(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	const struct radius_avp *pw;
	uint8_t clear[16];
	struct radius_msg m;
	uint64_t h = 0;

	(void)state;
	fx->s.framed_ip = true;
	fx->s.reply_message = "welcome";
	assert_int_equal(ask(PPP_AUTH_PAP, "alice", "radpass", 7, &peer, &h), 0);
	assert_int_not_equal(h, 0);
	run(2000);
	assert_int_equal(fx->done, 1);
	assert_int_equal(fx->res.verdict, AAA_ACCEPT);
	assert_true(fx->reply_framed_ip);
	assert_string_equal(inet_ntoa(fx->framed), "10.9.0.5");
	assert_string_equal(fx->message, "welcome");
	got(&m);
	assert_attr(&m, RADIUS_USER_NAME, "alice", 5);
	assert_attr(&m, RADIUS_NAS_IDENTIFIER, "gw1", 3);
	assert_attr(&m, RADIUS_CALLING_STATION_ID, "198.51.100.7:4500", 17);
	assert_attr(&m, RADIUS_NAS_PORT, "\x00\x01\x00\x02", 4);
	pw = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	assert_non_null(pw);
	assert_int_equal(pw->len, 16);
	assert_memory_not_equal(radius_value(&m, pw), "radpass", 7);	/* hidden */
	memcpy(clear, radius_value(&m, pw), 16);
	radius_unhide_password(clear, 16, &secret, fx->s.req + 4);
	assert_memory_equal(clear, "radpass\0\0\0\0\0\0\0\0\0", 16);
	/* the handle of a request that ended names nothing: cancelling it is harmless */
	aaa_cancel(fx->a, h);
}

/* CHAP-MD5 and MS-CHAPv2 as RFC 2865 and RFC 2548 carry them; the success passed on. */
static void test_chap_and_mschapv2(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	uint8_t md5[16], ms[49], want[50];
	const uint8_t *v;
	struct radius_msg m;
	uint64_t h;
	size_t len;

	(void)state;
	memset(md5, 0xAB, sizeof(md5));
	assert_int_equal(ask(PPP_AUTH_CHAP_MD5, "bob", md5, sizeof(md5), &peer, &h), 0);
	run(2000);
	assert_int_equal(fx->res.verdict, AAA_ACCEPT);
	got(&m);
	assert_attr(&m, RADIUS_CHAP_CHALLENGE, chal, 16);
	want[0] = 9;
	memcpy(want + 1, md5, 16);
	assert_attr(&m, RADIUS_CHAP_PASSWORD, want, 17);

	for (size_t i = 0; i < sizeof(ms); i++)
		ms[i] = (uint8_t)i;
	ms[48] = 0;
	fx->s.ms_success = true;
	assert_int_equal(ask(PPP_AUTH_MSCHAPV2, "CORP\\bob", ms, sizeof(ms), &peer, &h), 0);
	run(2000);
	assert_int_equal(fx->done, 2);
	assert_int_equal(fx->res.verdict, AAA_ACCEPT);
	assert_true(fx->reply_ms_success);
	assert_int_equal(fx->ms_success[0], 9);
	assert_memory_equal(fx->ms_success + 1, "S=0123456789ABCDEF", 18);
	got(&m);
	assert_attr(&m, RADIUS_USER_NAME, "CORP\\bob", 8);
	v = radius_find_vsa(&m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE, &len);
	assert_non_null(v);
	assert_int_equal(len, 16);
	assert_memory_equal(v, chal, 16);
	v = radius_find_vsa(&m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_RESPONSE, &len);
	assert_non_null(v);
	assert_int_equal(len, 50);
	assert_int_equal(v[0], 9);		/* ident */
	assert_int_equal(v[1], 0);		/* flags */
	assert_memory_equal(v + 2, ms, 48);	/* peer challenge, reserved, NT-Response */
}

/* A reject's Reply-Message reaches the caller printable. */
static void test_reject_message(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	uint64_t h;

	(void)state;
	fx->s.code = RADIUS_ACCESS_REJECT;
	fx->s.reply_message = "Bad\x1b[2Jpassword\"";
	assert_int_equal(ask(PPP_AUTH_PAP, "alice", "wrong", 5, &peer, &h), 0);
	run(2000);
	assert_int_equal(fx->done, 1);
	assert_int_equal(fx->res.verdict, AAA_REJECT);
	assert_string_equal(fx->message, "Bad?[2Jpassword?");
}

/*
 * A cancelled request (its session went) is never called back: its answer
 * finds no request and is counted unknown. At most peer-queue wait from one
 * client address; others are not held up by it.
 */
static void test_cancel_and_bounds(void **state)
{
	union sa46 p1 = test_peer_of("198.51.100.7", 4500);
	union sa46 p1b = test_peer_of("198.51.100.7", 1701);
	union sa46 p2 = test_peer_of("203.0.113.9", 4500);
	struct json_object *o = json_object_new_object(), *r, *g, *s0, *v;
	uint64_t h1, h2, h3;

	(void)state;
	fx->s.silent = true;
	assert_int_equal(ask(PPP_AUTH_PAP, "a", "x", 1, &p1, &h1), 0);
	assert_int_equal(ask(PPP_AUTH_PAP, "b", "x", 1, &p1b, &h2), 0);
	errno = 0;
	assert_int_equal(ask(PPP_AUTH_PAP, "c", "x", 1, &p1, &h3), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(ask(PPP_AUTH_PAP, "d", "x", 1, &p2, &h3), 0);
	run(50);
	assert_int_equal(fx->s.got, 3);
	aaa_cancel(fx->a, h1);
	aaa_cancel(fx->a, h1);		/* twice: names nothing now */
	/* the server answers the cancelled one late */
	fx->s.silent = false;
	fx->s.req_len = 0;
	aaa_cancel(fx->a, h2);
	aaa_cancel(fx->a, h3);
	assert_int_equal(ask(PPP_AUTH_PAP, "c", "x", 1, &p1, &h3), 0);	/* room again */
	aaa_cancel(fx->a, h3);
	run(300);
	assert_int_equal(fx->done, 0);
	aaa_describe(fx->a, o);
	assert_true(json_object_object_get_ex(o, "radius", &r));
	assert_true(json_object_object_get_ex(r, "stats", &g));
	assert_true(json_object_object_get_ex(g, "refused_peer", &v));
	assert_int_equal(json_object_get_int64(v), 1);
	assert_true(json_object_object_get_ex(g, "cancelled", &v));
	assert_int_equal(json_object_get_int64(v), 4);
	assert_true(json_object_object_get_ex(g, "waiting", &v));
	assert_int_equal(json_object_get_int64(v), 0);
	s0 = json_object_array_get_idx(json_object_object_get(r, "servers"), 0);
	assert_non_null(s0);
	assert_string_equal(json_object_get_string(json_object_object_get(s0, "state")),
			    "alive");
	assert_int_equal(fx->s.got, 4);		/* answered, after its cancel */
	assert_int_equal(json_object_get_int64(json_object_object_get(
		json_object_object_get(s0, "stats"), "unknown_id")), 1);
	json_object_put(o);
}

/* No server answers: the caller hears so once the tries are over. */
static void test_no_server(void **state)
{
	union sa46 peer = test_peer_of("198.51.100.7", 4500);
	uint64_t h;

	(void)state;
	fx->s.silent = true;
	assert_int_equal(ask(PPP_AUTH_PAP, "alice", "radpass", 7, &peer, &h), 0);
	run(2000);
	assert_int_equal(fx->done, 1);
	assert_int_equal(fx->res.verdict, AAA_NO_SERVER);
	assert_false(fx->had_reply);
	/* an empty PAP password cannot be asked */
	errno = 0;
	assert_int_equal(ask(PPP_AUTH_PAP, "alice", "", 0, &peer, &h), -1);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pap_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chap_and_mschapv2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_server, setup, teardown),
	};

	return cmocka_run_group_tests_name("aaa", tests, NULL, NULL);
}
