// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS dynamic authorization in l2secd (daemon/aaa_dae.c, RFC 5176):
 * requests built and signed here as a server signs them (radius_sign.h),
 * their answers checked as the server would (radius_verify_answer), against
 * a table of sessions standing in for sess.c. What is asserted is what a
 * server and an operator see: ACK or NAK with its Error-Cause, the session
 * ended or changed or left alone, nothing answered to a stranger or a
 * forger, a retransmission answered the same and acted on once, counters.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <nettle/md5.h>

#include "aaa.h"
#include "config_parse.h"
#include "radius/radius_client.h"
#include "radius/radius_sign.h"
#include "ntop_count.h"

#define N_SESS 3

static const struct radius_secret shared = { (const uint8_t *)"s3cret", 6 };
static const struct radius_secret filed = { (const uint8_t *)"other-secret", 12 };

struct fx {
	struct evloop *loop;
	struct l2sec_config cfg;
	struct aaa *a;
	char secret_path[64];
	uint16_t port;
	union sa46 peers[N_SESS];
	struct aaa_dae_session sess[N_SESS];
	bool ended[N_SESS];
	uint32_t timeout[N_SESS];	/* a CoA's Session-Timeout + 1; 0: none came */
	unsigned int calls;
	uint8_t next_id;
	uint64_t skew_ms;		/* added to the loop's monotonic clock */
};

static struct fx *fx;

/* The DAE's clock: the loop's, moved on by the tests that need time to pass. */
static uint64_t skewed_clock(void *arg)
{
	(void)arg;
	return evloop_now(fx->loop) + fx->skew_ms;
}

static unsigned int fake_sessions(void *arg, const struct aaa_dae_ident *id,
				  const struct aaa_dae_change *change)
{
	unsigned int n = 0;

	(void)arg;
	fx->calls++;
	evloop_stop(fx->loop);	/* for test_socket; a no-op outside evloop_run */
	for (unsigned int i = 0; i < N_SESS; i++) {
		if (fx->ended[i] || !aaa_dae_match(id, &fx->sess[i]))
			continue;
		n++;
		if (!change)
			fx->ended[i] = true;
		else if (change->has_session_timeout)
			fx->timeout[i] = change->session_timeout + 1;
	}
	return n;
}

static void in4(union sa46 *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, a, &sin->sin_addr), 1);
}

/* A port free on loopback now, for dae-listen. */
static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = { htonl(INADDR_LOOPBACK) } };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static int setup(void **state)
{
	static const char *const users[N_SESS] = { "alice", "bob", "alice" };
	struct config_radius *r;
	FILE *f;

	(void)state;
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->loop = evloop_new(NULL, NULL);	/* a real one: the DAE socket is on it */
	assert_non_null(fx->loop);
	snprintf(fx->secret_path, sizeof(fx->secret_path), "/tmp/l2sec-dae-XXXXXX");
	int fd = mkstemp(fx->secret_path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("other-secret\n", f);
	fclose(f);
	r = &fx->cfg.radius;
	snprintf(r->secret, sizeof(r->secret), "s3cret");
	snprintf(r->nas_ip, sizeof(r->nas_ip), "192.0.2.1");
	snprintf(fx->cfg.l2tp.hostname, sizeof(fx->cfg.l2tp.hostname), "gw1");
	fx->port = free_port();
	snprintf(r->dae_listen, sizeof(r->dae_listen), "127.0.0.1:%u", fx->port);
	assert_null(config_dae_client_item("127.0.0.1", r->dae_clients, 0));
	{
		char item[128];

		snprintf(item, sizeof(item), "192.0.2.0/24=%s", fx->secret_path);
		assert_null(config_dae_client_item(item, r->dae_clients, 1));
	}
	r->n_dae_clients = 2;
	assert_true(aaa_configured(&fx->cfg));
	fx->a = aaa_new(fx->loop, &fx->cfg);
	assert_non_null(fx->a);
	aaa_dae_bind(fx->a, fake_sessions, NULL);
	aaa_dae_set_clock(fx->a, skewed_clock, NULL);
	for (unsigned int i = 0; i < N_SESS; i++) {
		in4(&fx->peers[i], "203.0.113.9", (uint16_t)(1701 + i));
		fx->sess[i].user = users[i];
		fx->sess[i].peer = &fx->peers[i];
		fx->sess[i].framed_ip.s_addr = htonl(0x0a090001 + i);
		fx->sess[i].nas_port = 0x10001 + i;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	aaa_free(fx->a);
	evloop_free(fx->loop);
	unlink(fx->secret_path);
	free(fx);
	return 0;
}

/* --- requests as a server sends them ------------------------------------------------------ */

static void req_init(struct radius_pkt *p, uint8_t code)
{
	radius_pkt_init(p, code, fx->next_id++);
}

static void sign(struct radius_pkt *p, const struct radius_secret *s)
{
	assert_int_equal(radius_sign_request(p, s, NULL), 0);
}

/* p to the DAE from src ("127.0.0.1" and a port): the answer's length, 0: none. */
static size_t send_from(const struct radius_pkt *p, const char *src, struct radius_pkt *ans)
{
	union sa46 ss;

	in4(&ss, src, 40000);
	memset(ans, 0, sizeof(*ans));
	return aaa_dae_input(fx->a, &ss, p->buf, p->len, ans);
}

/* The answer to request p verified as its server would, decoded into m. */
static void check_answer(const struct radius_pkt *p, const struct radius_pkt *ans, size_t len,
			 const struct radius_secret *s, struct radius_msg *m)
{
	assert_true(len >= RADIUS_HDR_LEN);
	assert_int_equal(radius_decode(m, ans->buf, len), RADIUS_OK);
	assert_int_equal(m->id, p->buf[1]);
	assert_int_equal(radius_verify_answer(m, p->buf[0], p->buf + 4, s), RADIUS_OK);
}

static uint32_t error_cause(const struct radius_msg *m)
{
	const struct radius_avp *a = radius_find(m, RADIUS_ERROR_CAUSE, NULL);
	const uint8_t *v;

	if (!a)
		return 0;
	assert_int_equal(a->len, 4);
	v = radius_value(m, a);
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

/* Send p (signed with the shared secret) from 127.0.0.1: the code answered, *cause its cause. */
static uint8_t ask(struct radius_pkt *p, uint32_t *cause)
{
	struct radius_pkt ans;
	struct radius_msg m;
	size_t len;

	sign(p, &shared);
	len = send_from(p, "127.0.0.1", &ans);
	check_answer(p, &ans, len, &shared, &m);
	*cause = error_cause(&m);
	return m.code;
}

static uint64_t dae_counter(const char *client, const char *name)
{
	struct json_object *o = json_object_new_object(), *r, *d, *arr, *c, *st, *v;
	uint64_t n = UINT64_MAX;

	aaa_describe(fx->a, o);
	assert_true(json_object_object_get_ex(o, "radius", &r));
	assert_true(json_object_object_get_ex(r, "dae", &d));
	if (!client) {
		assert_true(json_object_object_get_ex(d, "stats", &st));
	} else {
		assert_true(json_object_object_get_ex(d, "clients", &arr));
		st = NULL;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			c = json_object_array_get_idx(arr, i);
			assert_true(json_object_object_get_ex(c, "client", &v));
			if (!strcmp(json_object_get_string(v), client))
				assert_true(json_object_object_get_ex(c, "stats", &st));
		}
		assert_non_null(st);
	}
	assert_true(json_object_object_get_ex(st, name, &v));
	n = (uint64_t)json_object_get_int64(v);
	json_object_put(o);
	return n;
}

/* --- tests --------------------------------------------------------------------------------- */

static void test_disconnect_by_user(void **state)
{
	struct radius_pkt p, ans;
	struct radius_msg m;
	const struct radius_avp *ps;
	size_t len;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_str(&p, RADIUS_PROXY_STATE, "ps-1");
	radius_put_str(&p, RADIUS_NAS_IDENTIFIER, "gw1");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	radius_put_str(&p, RADIUS_PROXY_STATE, "ps-2");
	sign(&p, &shared);
	len = send_from(&p, "127.0.0.1", &ans);
	check_answer(&p, &ans, len, &shared, &m);
	assert_int_equal(m.code, RADIUS_DISCONNECT_ACK);
	assert_int_equal(error_cause(&m), 0);
	/* both of alice's sessions end, bob's stays */
	assert_true(fx->ended[0]);
	assert_false(fx->ended[1]);
	assert_true(fx->ended[2]);
	/* Proxy-States echoed in order (RFC 5176 section 3) */
	ps = radius_find(&m, RADIUS_PROXY_STATE, NULL);
	assert_non_null(ps);
	assert_memory_equal(radius_value(&m, ps), "ps-1", 4);
	ps = radius_find(&m, RADIUS_PROXY_STATE, ps);
	assert_non_null(ps);
	assert_memory_equal(radius_value(&m, ps), "ps-2", 4);
	assert_int_equal(dae_counter("127.0.0.1/32", "acks"), 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "sessions_ended"), 2);
}

static void test_identification(void **state)
{
	struct radius_pkt p;
	uint32_t cause;
	struct in_addr ip = { htonl(0x0a090002) };

	(void)state;
	/* Framed-IP-Address names bob's session alone */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_in4(&p, RADIUS_FRAMED_IP_ADDRESS, ip);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_ACK);
	assert_false(fx->ended[0]);
	assert_true(fx->ended[1]);
	/* Calling-Station-Id and User-Name both must match */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_str(&p, RADIUS_CALLING_STATION_ID, "203.0.113.9:1702");	/* bob's */
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 503);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_str(&p, RADIUS_CALLING_STATION_ID, "203.0.113.9:1703");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_ACK);
	assert_false(fx->ended[0]);
	assert_true(fx->ended[2]);
	/* NAS-Port as our Access-Requests send it */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_u32(&p, RADIUS_NAS_PORT, 0x10001);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_ACK);
	assert_true(fx->ended[0]);
}

static void test_match(void **state)
{
	union sa46 peer;
	struct aaa_dae_session s = { .user = "carol", .peer = &peer, .nas_port = 7 };
	struct aaa_dae_ident id = { 0 };

	(void)state;
	in4(&peer, "198.51.100.4", 4500);
	s.framed_ip.s_addr = htonl(0x0a000001);
	id.user = "carol";
	assert_true(aaa_dae_match(&id, &s));
	id.user = "caro";
	assert_false(aaa_dae_match(&id, &s));
	id.user = NULL;
	id.calling_station = "198.51.100.4:4500";
	assert_true(aaa_dae_match(&id, &s));
	id.calling_station = "198.51.100.4:4501";
	assert_false(aaa_dae_match(&id, &s));
	id.calling_station = NULL;
	id.has_framed_ip = true;
	id.framed_ip.s_addr = htonl(0x0a000002);
	assert_false(aaa_dae_match(&id, &s));
	id.framed_ip.s_addr = htonl(0x0a000001);
	assert_true(aaa_dae_match(&id, &s));
	/* a session without an address yet is not named by 0.0.0.0 */
	s.framed_ip.s_addr = INADDR_ANY;
	id.framed_ip.s_addr = INADDR_ANY;
	assert_false(aaa_dae_match(&id, &s));
	s.framed_ip.s_addr = htonl(0x0a000001);
	id.framed_ip.s_addr = htonl(0x0a000001);
	/* no accounting: an Acct-Session-Id names no session */
	id.acct_session_id = "0000";
	assert_false(aaa_dae_match(&id, &s));
}

static void test_not_found(void **state)
{
	struct radius_pkt p;
	uint32_t cause;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "mallory");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 503);
	req_init(&p, RADIUS_COA_REQUEST);
	radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "deadbeef-00000001");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 30);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 503);
	assert_int_equal(dae_counter("127.0.0.1/32", "naks"), 2);
}

/* Each refusal with its Error-Cause (RFC 5176 section 3.6), and nothing done. */
static void test_refusals(void **state)
{
	struct radius_pkt p;
	uint32_t cause;
	struct in_addr other = { htonl(0xc0000263) };

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);	/* no identification */
	radius_put_str(&p, RADIUS_NAS_IDENTIFIER, "gw1");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 402);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);	/* another NAS */
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_str(&p, RADIUS_NAS_IDENTIFIER, "gw2");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 403);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_in4(&p, RADIUS_NAS_IP_ADDRESS, other);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 403);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);	/* a change in a Disconnect */
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 10);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 401);
	req_init(&p, RADIUS_COA_REQUEST);		/* Authorize Only */
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_SERVICE_TYPE, 17);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 405);
	req_init(&p, RADIUS_COA_REQUEST);		/* two User-Names */
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 404);
	req_init(&p, RADIUS_COA_REQUEST);		/* a Framed-IP-Address of 3 octets */
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put(&p, RADIUS_FRAMED_IP_ADDRESS, "\x0a\x09\x00", 3);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 407);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);	/* an empty User-Name names no one */
	radius_put(&p, RADIUS_USER_NAME, "", 0);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 407);
	assert_int_equal(fx->calls, 0);
	for (unsigned int i = 0; i < N_SESS; i++)
		assert_false(fx->ended[i]);
}

/* A CoA is all or nothing: Session-Timeout applies, with anything else it does not. */
static void test_coa(void **state)
{
	struct radius_pkt p;
	uint32_t cause;

	(void)state;
	req_init(&p, RADIUS_COA_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 30);
	radius_put_u32(&p, RADIUS_IDLE_TIMEOUT, 60);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 401);
	assert_int_equal(fx->timeout[1], 0);
	req_init(&p, RADIUS_COA_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_PRIMARY_DNS_SERVER, "\x01\x01\x01\x01",
		       4);
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 30);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 401);
	assert_int_equal(fx->timeout[1], 0);
	req_init(&p, RADIUS_COA_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 30);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_ACK);
	assert_int_equal(cause, 0);
	assert_int_equal(fx->timeout[1], 31);
	assert_int_equal(fx->timeout[0], 0);
	assert_false(fx->ended[1]);
	assert_int_equal(dae_counter("127.0.0.1/32", "sessions_changed"), 1);
}

/* Verified with the client's own secret; a forger's request gets nothing. */
static void test_secrets(void **state)
{
	struct radius_pkt p, ans;
	struct radius_msg m;
	size_t len;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	sign(&p, &filed);	/* the other client's secret, from 127.0.0.1 */
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	assert_int_equal(dae_counter("127.0.0.1/32", "bad_authenticator"), 1);
	/* 192.0.2.0/24 with the secret of its file */
	len = send_from(&p, "192.0.2.77", &ans);
	check_answer(&p, &ans, len, &filed, &m);
	assert_int_equal(m.code, RADIUS_DISCONNECT_ACK);
	assert_true(fx->ended[0]);
	assert_int_equal(dae_counter("192.0.2.0/24", "acks"), 1);
	/* a changed octet */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	sign(&p, &shared);
	p.buf[p.len - 20] ^= 1;
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	assert_false(fx->ended[1]);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "bad_authenticator"), 2);
}

/* Request Authenticator right, no Message-Authenticator: refused. */
static void test_message_authenticator_required(void **state)
{
	static const uint8_t zeros[RADIUS_AUTH_LEN];
	struct radius_pkt p, ans;
	struct md5_ctx ctx;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	md5_init(&ctx);
	md5_update(&ctx, 4, p.buf);
	md5_update(&ctx, RADIUS_AUTH_LEN, zeros);
	md5_update(&ctx, p.len - RADIUS_HDR_LEN, p.buf + RADIUS_HDR_LEN);
	md5_update(&ctx, shared.len, shared.data);
	md5_digest(&ctx, RADIUS_AUTH_LEN, p.buf + 4);
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	assert_false(fx->ended[0]);
	assert_int_equal(dae_counter("127.0.0.1/32", "bad_authenticator"), 1);
}

static void test_unknown_client(void **state)
{
	struct radius_pkt p, ans;
	union sa46 un;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	sign(&p, &shared);
	assert_int_equal(send_from(&p, "198.51.100.1", &ans), 0);
	assert_int_equal(send_from(&p, "192.0.3.1", &ans), 0);
	/* a source of another family: converted to AF_UNSPEC (on_input), no client's */
	assert_int_equal(sa46_from(&un, &(struct sockaddr){ .sa_family = AF_UNIX },
				   sizeof(struct sockaddr)), -1);
	assert_int_equal(aaa_dae_input(fx->a, &un, p.buf, p.len, &ans), 0);
	assert_int_equal(fx->calls, 0);
	assert_int_equal(dae_counter(NULL, "unknown_client"), 3);
	assert_int_equal(dae_counter("127.0.0.1/32", "requests"), 0);
}

/* A flood from sources that are no dae-client: every request counted, few named. */
static void test_unknown_flood_not_formatted(void **state)
{
	struct radius_pkt p, ans;
	char src[32];

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	sign(&p, &shared);
	ntop_calls = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i % 250 + 1);
		assert_int_equal(send_from(&p, src, &ans), 0);
	}
	/* the lines of the minute's burst (10), not one a request */
	assert_true(ntop_calls >= 1 && ntop_calls <= 10);
	assert_int_equal(dae_counter(NULL, "unknown_client"), 1000);
	assert_int_equal(fx->calls, 0);
}

/* A retransmission gets the same answer and does nothing again; a new request is new. */
static void test_duplicate(void **state)
{
	struct radius_pkt p, first, ans1, ans2;
	size_t len1, len2;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	sign(&p, &shared);
	first = p;
	len1 = send_from(&p, "127.0.0.1", &ans1);
	assert_true(len1 > 0);
	len2 = send_from(&p, "127.0.0.1", &ans2);
	assert_int_equal(len1, len2);
	assert_memory_equal(ans1.buf, ans2.buf, len1);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "duplicates"), 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "acks"), 1);
	/* the same Identifier with another authenticator: a new request (bob is gone: NAK) */
	radius_pkt_init(&p, RADIUS_DISCONNECT_REQUEST, p.buf[1]);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL) + 1);
	sign(&p, &shared);
	assert_true(send_from(&p, "127.0.0.1", &ans2) > 0);
	assert_int_equal(fx->calls, 2);
	assert_int_equal(ans2.buf[0], RADIUS_DISCONNECT_NAK);
	/* the first again: still its first answer, the ACK */
	assert_int_equal(send_from(&first, "127.0.0.1", &ans2), len1);
	assert_memory_equal(ans1.buf, ans2.buf, len1);
	assert_int_equal(fx->calls, 2);
	assert_int_equal(dae_counter("127.0.0.1/32", "duplicates"), 2);
}

/* The duplicate window is 30 s: the same request after it is a new one, acted on again. */
static void test_duplicate_expiry(void **state)
{
	struct radius_pkt p, ans1, ans2;
	size_t len1;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	sign(&p, &shared);
	len1 = send_from(&p, "127.0.0.1", &ans1);
	assert_int_equal(ans1.buf[0], RADIUS_DISCONNECT_ACK);
	fx->skew_ms += 29000;		/* within the window: the same answer, nothing done */
	assert_int_equal(send_from(&p, "127.0.0.1", &ans2), len1);
	assert_memory_equal(ans1.buf, ans2.buf, len1);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "duplicates"), 1);
	fx->skew_ms += 1001;		/* 30.001 s on: acted on again (bob gone: NAK) */
	assert_true(send_from(&p, "127.0.0.1", &ans2) > 0);
	assert_int_equal(fx->calls, 2);
	assert_int_equal(ans2.buf[0], RADIUS_DISCONNECT_NAK);
	assert_int_equal(dae_counter("127.0.0.1/32", "duplicates"), 1);
	assert_int_equal(dae_counter("127.0.0.1/32", "requests"), 3);
}

/* dae-require-event-timestamp = yes: a request without one is refused, 402, nothing done. */
static void test_require_timestamp(void **state)
{
	struct radius_pkt p;
	uint32_t cause;

	(void)state;
	/* the default (no): taken without one */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "nobody");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 503);
	assert_int_equal(fx->calls, 1);
	aaa_free(fx->a);
	fx->cfg.radius.dae_require_ts = true;
	fx->a = aaa_new(fx->loop, &fx->cfg);
	assert_non_null(fx->a);
	aaa_dae_bind(fx->a, fake_sessions, NULL);
	aaa_dae_set_clock(fx->a, skewed_clock, NULL);
	fx->calls = 0;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_NAK);
	assert_int_equal(cause, 402);
	req_init(&p, RADIUS_COA_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 60);
	assert_int_equal(ask(&p, &cause), RADIUS_COA_NAK);
	assert_int_equal(cause, 402);
	assert_int_equal(fx->calls, 0);
	assert_false(fx->ended[0] || fx->ended[2] || fx->timeout[0]);
	assert_int_equal(dae_counter("127.0.0.1/32", "no_event_timestamp"), 2);
	/* with one: taken */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_ACK);
	assert_true(fx->ended[0] && fx->ended[2]);
	assert_int_equal(dae_counter("127.0.0.1/32", "no_event_timestamp"), 2);
}

/* An Event-Timestamp far from our clock is a replay: dropped, nothing done. */
static void test_stale(void **state)
{
	struct radius_pkt p, ans;
	uint32_t cause;

	(void)state;
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL) - 3600);
	sign(&p, &shared);
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL) + 3600);
	sign(&p, &shared);
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	assert_int_equal(fx->calls, 0);
	assert_int_equal(dae_counter("127.0.0.1/32", "stale"), 2);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL) - 10);
	assert_int_equal(ask(&p, &cause), RADIUS_DISCONNECT_ACK);
}

/* A client's rate: a burst, then dropped unread until time passes; others unaffected. */
static void test_rate(void **state)
{
	struct radius_pkt p, ans;
	unsigned int answered = 0, i;
	uint64_t t0 = evloop_now(fx->loop), ms;

	(void)state;
	for (i = 0; i < 100; i++) {
		req_init(&p, RADIUS_DISCONNECT_REQUEST);
		radius_put_str(&p, RADIUS_USER_NAME, "nobody");
		sign(&p, &shared);
		answered += send_from(&p, "127.0.0.1", &ans) > 0;
	}
	/* the burst of 40, and 20 a second for the time the loop took (a loaded machine) */
	ms = evloop_now(fx->loop) - t0;
	assert_true(answered >= 40);
	assert_true(answered <= 40 + (ms + 49) / 50);
	assert_true(answered < 100);
	assert_int_equal(dae_counter("127.0.0.1/32", "rate_limited"), 100 - answered);
	/* the other client still gets through */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "nobody");
	sign(&p, &filed);
	assert_true(send_from(&p, "192.0.2.1", &ans) > 0);
	/* credit comes back with time (20 a second) */
	usleep(150000);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "nobody");
	sign(&p, &shared);
	assert_true(send_from(&p, "127.0.0.1", &ans) > 0);
}

/* Not a request of RFC 5176, or no request at all: dropped, counted. */
static void test_malformed(void **state)
{
	struct radius_pkt p, ans;

	(void)state;
	req_init(&p, RADIUS_ACCESS_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	sign(&p, &shared);
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	p.len = 10;
	assert_int_equal(send_from(&p, "127.0.0.1", &ans), 0);
	assert_int_equal(dae_counter("127.0.0.1/32", "malformed"), 2);
	assert_int_equal(fx->calls, 0);
}

/* Through the socket: a datagram to dae-listen, its answer back to the sender. */
static void test_socket(void **state)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct radius_pkt p;
	struct radius_msg m;
	uint8_t buf[RADIUS_MAX_LEN];
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	to.sin_port = htons(fx->port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	sign(&p, &shared);
	assert_int_equal(sendto(fd, p.buf, p.len, 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)p.len);
	/* the loop reads it; the sessions' callback stops the loop (alarm: it must come) */
	alarm(10);
	assert_int_equal(evloop_run(fx->loop), 0);
	alarm(0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	assert_true(n > 0);
	assert_int_equal(radius_decode(&m, buf, (size_t)n), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, p.buf[0], p.buf + 4, &shared), RADIUS_OK);
	assert_int_equal(m.code, RADIUS_DISCONNECT_ACK);
	assert_true(fx->ended[1]);
}

/* [radius] dae-listen and dae-clients as the configuration takes them. */
static void test_config(void **state)
{
	struct l2sec_config *cfg = calloc(1, sizeof(*cfg));
	struct errs e;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(parse("[radius]\nsecret = x\ndae-listen = 192.0.2.1\n"
			       "dae-clients = 192.0.2.10, 2001:db8::/32=/etc/l2sec/dae.secret\n"
			       "  198.51.100.0/24\n", cfg, &e), 0);
	assert_int_equal(cfg->radius.n_dae_clients, 3);
	assert_int_equal(cfg->radius.dae_clients[0].plen, 32);
	assert_int_equal(cfg->radius.dae_clients[1].plen, 32);
	assert_string_equal(cfg->radius.dae_clients[1].secret_file, "/etc/l2sec/dae.secret");
	assert_int_equal(cfg->radius.dae_clients[2].plen, 24);
	/* host bits, a relative secret file, a client twice, no secret at all */
	assert_int_equal(parse("[radius]\nsecret = x\ndae-listen = 192.0.2.1:3799\n"
			       "dae-clients = 192.0.2.1/24 192.0.2.9=dae.secret 10.0.0.1 10.0.0.1\n",
			       cfg, &e), 3);
	assert_int_equal(parse("[radius]\ndae-listen = 192.0.2.1\ndae-clients = 10.0.0.1\n",
			       cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "needs [radius] secret"));
	/* one needs the other; the wildcard is no address to answer from */
	assert_int_equal(parse("[radius]\nsecret = x\ndae-listen = 192.0.2.1\n", cfg, &e), 1);
	assert_int_equal(parse("[radius]\nsecret = x\ndae-clients = 10.0.0.1\n", cfg, &e), 1);
	assert_int_equal(parse("[radius]\nsecret = x\ndae-listen = 0.0.0.0\n"
			       "dae-clients = 10.0.0.1\n", cfg, &e), 1);
	/* under privsep too (the parent verifies and signs: test_signers, test_priv_radius) */
	assert_int_equal(parse("[global]\nprivsep = yes\n[radius]\nsecret = x\n"
			       "dae-listen = 192.0.2.1\ndae-clients = 10.0.0.1\n", cfg, &e), 0);
	assert_int_equal(parse("[radius]\nsecret = x\ndae-listen = 192.0.2.1\n"
			       "dae-clients = 10.0.0.1\ndae-require-event-timestamp = yes\n", cfg,
			       &e), 0);
	assert_true(cfg->radius.dae_require_ts);
	assert_int_equal(parse("[global]\nprivsep = yes\n[radius]\nsecret = x\n"
			       "acct-servers = 127.0.0.1\nauth-servers = 127.0.0.1\n"
			       "auth-source = radius\n", cfg, &e), 0);
	free(cfg);
}

/* The parent's part, played here: each client's secret, and the calls it saw. */
static unsigned int signer_calls[2][2];		/* [client][verify, sign] */

static const struct radius_secret *signer_secret(unsigned int client)
{
	assert_true(client < 2);
	return client ? &filed : &shared;
}

static enum radius_err fake_verify_request(void *ctx, unsigned int client,
					   const struct radius_msg *m)
{
	(void)ctx;
	signer_calls[client][0]++;
	return radius_verify_request(m, signer_secret(client));
}

static int fake_sign_answer(void *ctx, unsigned int client, struct radius_pkt *p,
			    const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	(void)ctx;
	signer_calls[client][1]++;
	return radius_sign_answer(p, signer_secret(client), req_auth);
}

/*
 * An engine's client (the secrets in the parent: signers) runs DAE through
 * the signers' verify_request and sign_answer, by the client's index, and
 * reads no secret itself (its clients' files are not readable to it); a
 * signer without them is refused.
 */
static void test_signers(void **state)
{
	const struct radius_signer none[2] = { { 0 } };
	struct radius_signer sg[2] = {
		{ .verify_request = fake_verify_request, .sign_answer = fake_sign_answer },
		{ .verify_request = fake_verify_request, .sign_answer = fake_sign_answer },
	};
	const struct aaa_opts o = { .signers = sg }, o_none = { .signers = none };
	struct radius_pkt p, ans;
	struct radius_msg m;

	(void)state;
	aaa_free(fx->a);
	fx->a = aaa_new_opts(fx->loop, &fx->cfg, &o_none);
	assert_null(fx->a);
	/* what the engine could not read: a file of root's elsewhere, no [radius] secret */
	snprintf(fx->cfg.radius.dae_clients[1].secret_file,
		 sizeof(fx->cfg.radius.dae_clients[1].secret_file), "/nonexistent/dae.secret");
	memset(fx->cfg.radius.secret, 0, sizeof(fx->cfg.radius.secret));
	fx->a = aaa_new_opts(fx->loop, &fx->cfg, &o);
	assert_non_null(fx->a);
	aaa_dae_bind(fx->a, fake_sessions, NULL);
	memset(signer_calls, 0, sizeof(signer_calls));
	/* the second client's: verified and signed by index 1, with its secret */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "alice");
	sign(&p, &filed);
	check_answer(&p, &ans, send_from(&p, "192.0.2.7", &ans), &filed, &m);
	assert_int_equal(m.code, RADIUS_DISCONNECT_ACK);
	assert_true(fx->ended[0] && fx->ended[2]);
	assert_int_equal(signer_calls[1][0], 1);
	assert_int_equal(signer_calls[1][1], 1);
	/* one signed with another client's secret: not verified, not acted on, no answer */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	sign(&p, &shared);
	assert_int_equal(send_from(&p, "192.0.2.7", &ans), 0);
	assert_false(fx->ended[1]);
	assert_int_equal(signer_calls[1][0], 2);
	assert_int_equal(signer_calls[1][1], 1);
	assert_int_equal(dae_counter("192.0.2.0/24", "bad_authenticator"), 1);
	/* the first client's, by index 0 */
	req_init(&p, RADIUS_DISCONNECT_REQUEST);
	radius_put_str(&p, RADIUS_USER_NAME, "bob");
	sign(&p, &shared);
	check_answer(&p, &ans, send_from(&p, "127.0.0.1", &ans), &shared, &m);
	assert_int_equal(m.code, RADIUS_DISCONNECT_ACK);
	assert_int_equal(signer_calls[0][0], 1);
	assert_int_equal(signer_calls[0][1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disconnect_by_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identification, setup, teardown),
		cmocka_unit_test(test_match),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_authenticator_required, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_flood_not_formatted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_require_timestamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
		cmocka_unit_test(test_config),
		cmocka_unit_test_setup_teardown(test_signers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
