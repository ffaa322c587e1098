// SPDX-License-Identifier: GPL-2.0
/*
 * VICI client session against a fake charon in the same process: a unix
 * listening socket in a temporary directory, driven by the same poll loop
 * as the client, so every step (connect, registration, one packet in flight,
 * events mid-command, streams, malformed input, charon gone and back) is
 * observed from the server side as bytes on the wire.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipsec/vici.h"
#include "ipsec/vici_gw.h"

/* --- fake charon ------------------------------------------------------------- */

struct srv {
	char dir[64];
	char path[108];
	int lfd;		/* listening socket, -1 none */
	int cfd;		/* accepted connection, -1 none */
	uint8_t buf[VICI_MSG_MAX + 8];
	size_t len;
};

struct pkt {
	uint8_t type;
	char name[256];
	uint8_t msg[4096];
	size_t msg_len;
};

/* --- what the client reported -------------------------------------------------- */

struct rec {
	char states[1024];	/* "U;D:reason;U;" */
	int ups, downs;
	char events[1024];	/* "name:key=value;" */
	int nevents;
	char replies[1024];	/* "err:value;" */
	int nreplies;
	int items;
};

static struct srv S;
static struct rec R;
static struct vici_client *C;

static void srv_listen(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	S.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(S.lfd >= 0);
	unlink(S.path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", S.path);
	assert_int_equal(bind(S.lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(S.lfd, 4), 0);
}

static void srv_stop_listening(void)
{
	if (S.lfd >= 0)
		close(S.lfd);
	S.lfd = -1;
	unlink(S.path);
}

static void srv_drop(void)
{
	if (S.cfd >= 0)
		close(S.cfd);
	S.cfd = -1;
	S.len = 0;
}

/* One round of the shared loop: client I/O and timer, server accept and read. */
static void pump_once(int max_ms)
{
	struct pollfd p[3];
	int n = 0, ci = -1, li = -1, si = -1, to;

	if (vici_fd(C) >= 0) {
		ci = n;
		p[n++] = (struct pollfd){ vici_fd(C),
			POLLIN | (vici_want_write(C) ? POLLOUT : 0), 0 };
	}
	if (S.lfd >= 0 && S.cfd < 0) {
		li = n;
		p[n++] = (struct pollfd){ S.lfd, POLLIN, 0 };
	}
	if (S.cfd >= 0) {
		si = n;
		p[n++] = (struct pollfd){ S.cfd, POLLIN, 0 };
	}
	to = vici_timeout(C);
	if (to < 0 || to > max_ms)
		to = max_ms;
	poll(p, (nfds_t)n, to);
	if (ci >= 0 && (p[ci].revents & POLLOUT))
		vici_on_writable(C);
	if (ci >= 0 && (p[ci].revents & (POLLIN | POLLHUP | POLLERR)) && vici_fd(C) >= 0)
		vici_on_readable(C);
	if (vici_timeout(C) == 0)
		vici_on_timer(C);
	if (li >= 0 && (p[li].revents & POLLIN))
		S.cfd = accept(S.lfd, NULL, NULL);
	if (si >= 0 && (p[si].revents & POLLIN)) {
		ssize_t r = read(S.cfd, S.buf + S.len, sizeof(S.buf) - S.len);

		if (r > 0)
			S.len += (size_t)r;
	}
}

static void pump(int ms)
{
	struct timespec t0, t;
	long el;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pump_once(5);
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
	} while (el < ms);
}

/* Pump until cond() holds, at most ms; returns cond(). */
static bool pump_until(bool (*cond)(void), int ms)
{
	for (int i = 0; i < ms / 5 && !cond(); i++)
		pump_once(5);
	return cond();
}

static bool srv_has_packet(void)
{
	size_t len;

	if (S.len < 4)
		return false;
	len = (size_t)S.buf[0] << 24 | (size_t)S.buf[1] << 16 | (size_t)S.buf[2] << 8 | S.buf[3];
	return S.len >= 4 + len;
}

/* Take the next packet the client sent; fails the test if none comes. */
static void srv_recv(struct pkt *k)
{
	size_t len, off = 5;
	bool named;

	assert_true(pump_until(srv_has_packet, 2000));
	len = (size_t)S.buf[0] << 24 | (size_t)S.buf[1] << 16 | (size_t)S.buf[2] << 8 | S.buf[3];
	memset(k, 0, sizeof(*k));
	k->type = S.buf[4];
	named = k->type == VICI_CMD_REQUEST || k->type == VICI_EVENT_REGISTER ||
		k->type == VICI_EVENT_UNREGISTER || k->type == VICI_EVENT;
	if (named) {
		memcpy(k->name, S.buf + 6, S.buf[5]);
		off = 6 + S.buf[5];
	}
	k->msg_len = 4 + len - off;
	assert_true(k->msg_len <= sizeof(k->msg));
	memcpy(k->msg, S.buf + off, k->msg_len);
	memmove(S.buf, S.buf + 4 + len, S.len - 4 - len);
	S.len -= 4 + len;
}

static void srv_expect(uint8_t type, const char *name)
{
	struct pkt k;

	srv_recv(&k);
	assert_int_equal(k.type, type);
	assert_string_equal(k.name, name);
}

/* Nothing more from the client within ms. */
static void srv_expect_silence(int ms)
{
	pump(ms);
	assert_int_equal(S.len, 0);
}

static void srv_write(const void *p, size_t n)
{
	assert_int_equal(write(S.cfd, p, n), (ssize_t)n);
}

static size_t frame(uint8_t *out, uint8_t type, const char *name,
		    const struct vici_msg *m)
{
	size_t nl = name ? strlen(name) : 0;
	size_t len = 1 + (name ? 1 + nl : 0) + (m ? m->len : 0);

	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	out[4] = type;
	if (name) {
		out[5] = (uint8_t)nl;
		memcpy(out + 6, name, nl);
	}
	if (m && m->len)
		memcpy(out + 5 + (name ? 1 + nl : 0), m->buf, m->len);
	return 4 + len;
}

static void srv_send(uint8_t type, const char *name, const struct vici_msg *m)
{
	static uint8_t out[8192];

	srv_write(out, frame(out, type, name, m));
}

static void srv_send_kv(uint8_t type, const char *name, const char *k, const char *v)
{
	struct vici_msg m;

	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, k, v);
	srv_send(type, name, &m);
	vici_msg_free(&m);
}

/* --- client callbacks ------------------------------------------------------------ */

static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static void on_state(void *ctx, enum vici_state st, const char *why)
{
	if (st == VICI_UP) {
		R.ups++;
		appendf(R.states, sizeof(R.states), "U;");
	} else {
		R.downs++;
		appendf(R.states, sizeof(R.states), "D:%s;", why);
	}
}

static void on_event(void *ctx, const char *name, const struct vici_node *msg)
{
	const char *v = vici_node_str(msg, "v");

	R.nevents++;
	appendf(R.events, sizeof(R.events), "%s:%s;", name, v ? v : "-");
}

static void on_item(void *ctx, const char *name, const struct vici_node *msg)
{
	R.items++;
	/* items arrive before the reply completes the stream */
	assert_int_equal(R.nreplies, 0);
	on_event(ctx, name, msg);
}

static void on_reply(void *ctx, int err, const struct vici_node *res)
{
	const char *v = res ? vici_node_str(res, "v") : NULL;

	R.nreplies++;
	appendf(R.replies, sizeof(R.replies), "%s%d:%s;", (const char *)ctx, err,
		v ? v : "-");
}

static bool is_up(void)
{
	return vici_is_up(C);
}

static bool is_down(void)
{
	return !vici_is_up(C);
}

static bool srv_connected(void)
{
	return S.cfd >= 0;
}

/* --- fixtures ------------------------------------------------------------------- */

static int setup(void **state)
{
	struct vici_config cfg = { .backoff_min_ms = 20, .backoff_max_ms = 80,
				   .timeout_ms = 300 };

	memset(&R, 0, sizeof(R));
	memset(&S, 0, sizeof(S));
	S.lfd = S.cfd = -1;
	snprintf(S.dir, sizeof(S.dir), "/tmp/l2sec-vici-XXXXXX");
	if (!mkdtemp(S.dir))
		return -1;
	snprintf(S.path, sizeof(S.path), "%s/charon.vici", S.dir);
	cfg.path = S.path;
	C = vici_new(&cfg, on_state, NULL);
	return C ? 0 : -1;
}

static int teardown(void **state)
{
	vici_free(C);
	srv_drop();
	srv_stop_listening();
	rmdir(S.dir);
	return 0;
}

/* Listen, start, accept, confirm the given subscriptions in order. */
static void connect_and_confirm(const char *const *subs, int n)
{
	if (S.lfd < 0)
		srv_listen();
	vici_start(C);
	assert_true(pump_until(srv_connected, 2000));
	assert_true(vici_is_up(C));
	for (int i = 0; i < n; i++) {
		srv_expect(VICI_EVENT_REGISTER, subs[i]);
		/* one packet in flight: the next registration waits */
		srv_expect_silence(20);
		srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	}
}

/* --- tests ------------------------------------------------------------------------ */

static void test_connect_register_request(void **state)
{
	static const char *const subs[] = { "child-updown", "ike-updown" };
	struct vici_msg m;
	struct pkt k;

	assert_int_equal(vici_subscribe(C, "child-updown", on_event, NULL), 0);
	assert_int_equal(vici_subscribe(C, "ike-updown", on_event, NULL), 0);
	assert_int_equal(vici_subscribe(C, "ike-updown", on_event, NULL), -EEXIST);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, ""), -ENOTCONN);

	connect_and_confirm(subs, 0);
	assert_string_equal(R.states, "U;");
	/* a request made now waits behind both registrations */
	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "name", "l2sec");
	assert_int_equal(vici_request(C, "unload-conn", &m, on_reply, "u"), 0);
	vici_msg_free(&m);
	srv_expect(VICI_EVENT_REGISTER, subs[0]);
	srv_expect_silence(20);
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	srv_expect(VICI_EVENT_REGISTER, subs[1]);
	srv_expect_silence(20);
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);

	srv_recv(&k);
	assert_int_equal(k.type, VICI_CMD_REQUEST);
	assert_string_equal(k.name, "unload-conn");
	/* the exact bytes of { name = l2sec } */
	assert_int_equal(k.msg_len, 13);
	assert_memory_equal(k.msg, "\x03\x04name\x00\x05l2sec", 13);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "v", "yes");
	assert_true(pump_until(is_up, 100));
	pump(20);
	assert_string_equal(R.replies, "u0:yes;");
	assert_int_equal(vici_get_stats(C)->requests, 1);
	assert_int_equal(vici_get_stats(C)->responses, 1);
}

static void test_in_order_one_in_flight(void **state)
{
	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "a"), 0);
	assert_int_equal(vici_request(C, "load-conn", NULL, on_reply, "b"), 0);
	assert_int_equal(vici_request(C, "bogus", NULL, on_reply, "c"), 0);

	srv_expect(VICI_CMD_REQUEST, "version");
	srv_expect_silence(30);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "v", "5.9.8");
	srv_expect(VICI_CMD_REQUEST, "load-conn");
	srv_expect_silence(30);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "v", "second");
	srv_expect(VICI_CMD_REQUEST, "bogus");
	srv_send(VICI_CMD_UNKNOWN, NULL, NULL);
	pump(30);
	assert_string_equal(R.replies, "a0:5.9.8;b0:second;c-95:-;");
	assert_int_equal(-95, -ENOTSUP);
	assert_int_equal(vici_get_stats(C)->unknown_cmds, 1);
	assert_true(vici_is_up(C));
}

static void test_events(void **state)
{
	static const char *const subs[] = { "child-updown" };
	const uint8_t bad_msg[] = { 0, 0, 0, 15, VICI_EVENT, 12, 'c', 'h', 'i', 'l',
				    'd', '-', 'u', 'p', 'd', 'o', 'w', 'n', 9 };

	assert_int_equal(vici_subscribe(C, "child-updown", on_event, NULL), 0);
	assert_int_equal(vici_subscribe(C, "no-such-event", on_event, NULL), 0);
	connect_and_confirm(subs, 1);
	/* an event charon does not offer: counted, logged, nothing else */
	srv_expect(VICI_EVENT_REGISTER, "no-such-event");
	srv_send(VICI_EVENT_UNKNOWN, NULL, NULL);
	srv_send_kv(VICI_EVENT, "child-updown", "v", "1");
	/* one nobody asked for, then a malformed one: dropped, counted */
	srv_send_kv(VICI_EVENT, "log", "v", "x");
	srv_write(bad_msg, sizeof(bad_msg));
	/* an event in the middle of a command is delivered too */
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "r"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");
	srv_send_kv(VICI_EVENT, "child-updown", "v", "2");
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "v", "ok");
	pump(50);
	assert_string_equal(R.events, "child-updown:1;child-updown:2;");
	assert_string_equal(R.replies, "r0:ok;");
	assert_int_equal(vici_get_stats(C)->events, 2);
	assert_int_equal(vici_get_stats(C)->events_unwanted, 1);
	assert_int_equal(vici_get_stats(C)->events_bad, 1);
	assert_int_equal(vici_get_stats(C)->events_refused, 1);
	assert_true(vici_is_up(C));
	assert_int_equal(R.downs, 0);
}

static void test_stream(void **state)
{
	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request_stream(C, "list-sas", NULL, "list-sa", on_item,
					     on_reply, "L"), 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "V"), 0);
	srv_expect(VICI_EVENT_REGISTER, "list-sa");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	srv_expect(VICI_CMD_REQUEST, "list-sas");
	srv_send_kv(VICI_EVENT, "list-sa", "v", "ike1");
	srv_send_kv(VICI_EVENT, "list-sa", "v", "ike2");
	srv_send(VICI_CMD_RESPONSE, NULL, NULL);
	srv_expect(VICI_EVENT_UNREGISTER, "list-sa");
	srv_expect_silence(20);
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	srv_expect(VICI_CMD_REQUEST, "version");
	/* after the stream, list-sa is nobody's */
	srv_send_kv(VICI_EVENT, "list-sa", "v", "late");
	srv_send(VICI_CMD_RESPONSE, NULL, NULL);
	pump(30);
	assert_int_equal(R.items, 2);
	assert_string_equal(R.events, "list-sa:ike1;list-sa:ike2;");
	assert_string_equal(R.replies, "L0:-;V0:-;");
	assert_int_equal(vici_get_stats(C)->events_unwanted, 1);

	/* a stream event charon does not offer fails the command, unsent */
	assert_int_equal(vici_request_stream(C, "list-sas", NULL, "list-sa", on_item,
					     on_reply, "X"), 0);
	srv_expect(VICI_EVENT_REGISTER, "list-sa");
	srv_send(VICI_EVENT_UNKNOWN, NULL, NULL);
	srv_expect_silence(30);
	assert_string_equal(R.replies, "L0:-;V0:-;X-95:-;");
}

/* A response split into single bytes, then two packets in one write. */
static bool two_replies(void)
{
	return R.nreplies >= 2;
}

static void test_framing(void **state)
{
	static uint8_t out[512];
	struct vici_msg m;
	size_t n, n2;

	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "1"), 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "2"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");
	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "v", "bytewise");
	n = frame(out, VICI_CMD_RESPONSE, NULL, &m);
	for (size_t i = 0; i < n; i++) {
		srv_write(out + i, 1);
		pump_once(1);
		pump_once(1);
		if (i + 1 < n)
			assert_int_equal(R.nreplies, 0);
	}
	srv_expect(VICI_CMD_REQUEST, "version");
	vici_msg_reset(&m);
	vici_msg_kv_str(&m, "v", "two");
	n = frame(out, VICI_EVENT, "ike-updown", &m);
	n2 = frame(out + n, VICI_CMD_RESPONSE, NULL, &m);
	srv_write(out, n + n2);
	/* until the second reply, not a fixed time: a loaded machine may need more */
	pump_until(two_replies, 2000);
	vici_msg_free(&m);
	assert_string_equal(R.replies, "10:bytewise;20:two;");
	assert_int_equal(vici_get_stats(C)->events_unwanted, 1);
}

static void test_bad_response_message(void **state)
{
	const uint8_t bad[] = { 0, 0, 0, 3, VICI_CMD_RESPONSE, 2, 0 };

	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "b"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");
	srv_write(bad, sizeof(bad));
	pump(30);
	assert_string_equal(R.replies, "b-74:-;");
	assert_int_equal(-74, -EBADMSG);
	/* framing was intact: the connection stays */
	assert_true(vici_is_up(C));
	assert_int_equal(vici_get_stats(C)->bad_responses, 1);
}

/*
 * Each of these ends the connection with a logged protocol error; the
 * client reconnects by itself and registers its subscription again.
 */
static void proto_violation(const uint8_t *bytes, size_t n, bool with_request)
{
	int ups = R.ups, downs = R.downs;
	uint64_t errs = vici_get_stats(C)->proto_errors;

	R.replies[0] = '\0';
	R.states[0] = '\0';
	if (with_request) {
		assert_int_equal(vici_request(C, "version", NULL, on_reply, "p"), 0);
		srv_expect(VICI_CMD_REQUEST, "version");
	}
	srv_write(bytes, n);
	assert_true(pump_until(is_down, 500));
	assert_int_equal(R.downs, downs + 1);
	assert_non_null(strstr(R.states, "D:protocol error from charon: "));
	assert_int_equal(vici_get_stats(C)->proto_errors, errs + 1);
	if (with_request)
		assert_string_equal(R.replies, "p-104:-;");	/* -ECONNRESET */
	/* the fake charon sees the close, then a new connection */
	srv_drop();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 500));
	assert_int_equal(R.ups, ups + 1);
	srv_expect(VICI_EVENT_REGISTER, "ike-updown");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	pump(10);
	assert_true(vici_is_up(C));
}

static void test_protocol_errors(void **state)
{
	static const char *const subs[] = { "ike-updown" };
	const uint8_t too_long[] = { 0, 8, 0, 1, VICI_CMD_RESPONSE };
	const uint8_t zero_len[] = { 0, 0, 0, 0 };
	const uint8_t client_type[] = { 0, 0, 0, 3, VICI_CMD_REQUEST, 1, 'x' };
	const uint8_t register_type[] = { 0, 0, 0, 3, VICI_EVENT_REGISTER, 1, 'x' };
	const uint8_t unknown_type[] = { 0, 0, 0, 1, 99 };
	const uint8_t unasked[] = { 0, 0, 0, 1, VICI_CMD_RESPONSE };
	const uint8_t wrong_answer[] = { 0, 0, 0, 1, VICI_EVENT_CONFIRM };
	const uint8_t event_noname[] = { 0, 0, 0, 2, VICI_EVENT, 0 };
	const uint8_t event_longname[] = { 0, 0, 0, 3, VICI_EVENT, 9, 'a' };
	const uint8_t event_nul[] = { 0, 0, 0, 4, VICI_EVENT, 2, 'a', 0 };

	assert_int_equal(vici_subscribe(C, "ike-updown", on_event, NULL), 0);
	connect_and_confirm(subs, 1);
	proto_violation(too_long, sizeof(too_long), true);
	proto_violation(zero_len, sizeof(zero_len), false);
	proto_violation(client_type, sizeof(client_type), true);
	proto_violation(register_type, sizeof(register_type), false);
	proto_violation(unknown_type, sizeof(unknown_type), false);
	proto_violation(unasked, sizeof(unasked), false);
	proto_violation(wrong_answer, sizeof(wrong_answer), true);
	proto_violation(event_noname, sizeof(event_noname), false);
	proto_violation(event_longname, sizeof(event_longname), false);
	proto_violation(event_nul, sizeof(event_nul), false);
	assert_int_equal(vici_get_stats(C)->proto_errors, 10);
	assert_int_equal(vici_get_stats(C)->connects, 11);
}

static bool three_fails(void)
{
	return vici_get_stats(C)->connect_fails >= 3;
}

/* charon absent at start, then present; restarted; requests while down. */
static void test_reconnect(void **state)
{
	int to;

	assert_int_equal(vici_subscribe(C, "child-rekey", on_event, NULL), 0);
	vici_start(C);
	assert_false(vici_is_up(C));
	/* down: what is polled is the watch on the socket's directory */
	assert_true(vici_fd(C) >= 0);
	assert_non_null(strstr(R.states, "D:connect "));
	assert_non_null(strstr(R.states, "No such file or directory;"));
	to = vici_timeout(C);
	assert_true(to >= 0 && to <= 20);
	/* retries stay quiet while nothing changes */
	assert_true(pump_until(three_fails, 2000));
	assert_int_equal(R.downs, 1);
	/* backoff is capped: the wait never exceeds backoff_max_ms */
	assert_true(vici_timeout(C) <= 80);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "x"), -ENOTCONN);

	srv_listen();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 200));
	srv_expect(VICI_EVENT_REGISTER, "child-rekey");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "a"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");

	/* charon restarts: the pending request fails, the state says why */
	srv_drop();
	srv_stop_listening();
	assert_true(pump_until(is_down, 500));
	assert_string_equal(R.replies, "a-104:-;");
	assert_non_null(strstr(R.states, "U;D:charon closed the connection;"));
	pump(60);
	assert_int_equal(R.downs, 2);	/* failed retries are not re-reported */

	srv_listen();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 200));
	/* the subscription is registered again on the new connection */
	srv_expect(VICI_EVENT_REGISTER, "child-rekey");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	srv_send_kv(VICI_EVENT, "child-rekey", "v", "again");
	pump(30);
	assert_string_equal(R.events, "child-rekey:again;");
	assert_int_equal(R.ups, 2);
	assert_int_equal(vici_get_stats(C)->connects, 2);
	assert_int_equal(vici_get_stats(C)->disconnects, 1);
}

static uint64_t frozen_clock(void *arg)
{
	return *(const uint64_t *)arg;
}

/*
 * charon restarting: l2secd must connect as soon as charon's socket is
 * there, not when its backoff (up to 10 s) says, because charon has no
 * connection loaded until then and refuses every client (a Linux client
 * with a trap policy gives that attempt up; 64-ipsec-charon-restart
 * failed so). The clock is frozen: the backoff's timer never fires, and
 * only the watch on the directory can bring the client up.
 */
static void test_reconnect_when_socket_appears(void **state)
{
	static uint64_t now = 1000;
	struct vici_config cfg = { .path = S.path, .backoff_min_ms = 20,
				   .backoff_max_ms = 10000, .clock = frozen_clock,
				   .clock_arg = &now };
	char path[sizeof(S.path) + 8];
	uint64_t fails;
	int other;

	vici_free(C);
	C = vici_new(&cfg, on_state, NULL);
	assert_non_null(C);
	assert_int_equal(vici_subscribe(C, "child-updown", on_event, NULL), 0);
	vici_start(C);
	assert_false(vici_is_up(C));
	assert_int_equal(vici_get_stats(C)->connect_fails, 1);
	assert_int_equal(vici_timeout(C), 20);
	pump(50);
	assert_int_equal(vici_get_stats(C)->connect_fails, 1);

	/* another name in the directory is not charon's socket */
	snprintf(path, sizeof(path), "%s/other", S.dir);
	other = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(other >= 0);
	close(other);
	pump(50);
	unlink(path);
	assert_int_equal(vici_get_stats(C)->connect_fails, 1);
	assert_int_equal(vici_get_stats(C)->socket_seen, 0);

	srv_listen();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 200));
	assert_true(vici_get_stats(C)->socket_seen >= 1);
	srv_expect(VICI_EVENT_REGISTER, "child-updown");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);

	/* charon stops and starts again: the same, still without the timer */
	srv_drop();
	srv_stop_listening();
	assert_true(pump_until(is_down, 500));
	fails = vici_get_stats(C)->connect_fails;
	pump(50);
	assert_int_equal(vici_get_stats(C)->connect_fails, fails);
	srv_listen();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 200));
	srv_expect(VICI_EVENT_REGISTER, "child-updown");
	assert_int_equal(R.ups, 2);
	assert_int_equal(vici_get_stats(C)->connects, 2);
}

static void test_timeout(void **state)
{
	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "t"), 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "u"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");
	/* charon hangs: after timeout_ms (300) the connection is given up */
	assert_true(pump_until(is_down, 1000));
	assert_string_equal(R.replies, "t-110:-;u-104:-;");
	assert_non_null(strstr(R.states, "D:no answer to 'version' within 300 ms;"));
	assert_int_equal(vici_get_stats(C)->timeouts, 1);
	srv_drop();
	assert_true(pump_until(srv_connected, 1000));
	assert_true(pump_until(is_up, 200));
}

/* A stream keeps the request alive as long as items arrive. */
static void test_stream_progress_not_timeout(void **state)
{
	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request_stream(C, "list-sas", NULL, "list-sa", on_item,
					     on_reply, "L"), 0);
	srv_expect(VICI_EVENT_REGISTER, "list-sa");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	srv_expect(VICI_CMD_REQUEST, "list-sas");
	for (int i = 0; i < 5; i++) {
		pump(100);
		srv_send_kv(VICI_EVENT, "list-sa", "v", "x");
	}
	srv_send(VICI_CMD_RESPONSE, NULL, NULL);
	srv_expect(VICI_EVENT_UNREGISTER, "list-sa");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	pump(20);
	assert_int_equal(R.items, 5);
	assert_string_equal(R.replies, "L0:-;");
	assert_int_equal(R.downs, 0);
}

static void test_free_cancels(void **state)
{
	connect_and_confirm(NULL, 0);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, "f"), 0);
	srv_expect(VICI_CMD_REQUEST, "version");
	vici_free(C);
	C = NULL;
	assert_string_equal(R.replies, "f-125:-;");	/* -ECANCELED */
	assert_int_equal(R.downs, 0);
	C = vici_new(NULL, NULL, NULL);	/* for teardown; default path, unused */
	assert_non_null(C);
}

static void test_reply_error_and_args(void **state)
{
	const uint8_t ok[] = { 3, 7, 's', 'u', 'c', 'c', 'e', 's', 's', 0, 3, 'y', 'e', 's' };
	const uint8_t no[] = { 3, 7, 's', 'u', 'c', 'c', 'e', 's', 's', 0, 2, 'n', 'o',
			       3, 6, 'e', 'r', 'r', 'm', 's', 'g', 0, 3, 'b', 'a', 'd' };
	const uint8_t none[] = { 3, 1, 'x', 0, 0 };
	struct vici_config cfg = { 0 };
	char longpath[200];
	struct vici_tree *t;
	struct vici_msg m;

	assert_int_equal(vici_tree_parse(ok, sizeof(ok), &t, NULL), 0);
	assert_null(vici_reply_error(vici_tree_root(t)));
	vici_tree_free(t);
	assert_int_equal(vici_tree_parse(no, sizeof(no), &t, NULL), 0);
	assert_string_equal(vici_reply_error(vici_tree_root(t)), "bad");
	vici_tree_free(t);
	assert_int_equal(vici_tree_parse(none, sizeof(none), &t, NULL), 0);
	assert_string_equal(vici_reply_error(vici_tree_root(t)), "response has no success key");
	vici_tree_free(t);

	memset(longpath, 'a', sizeof(longpath));
	longpath[sizeof(longpath) - 1] = '\0';
	cfg.path = longpath;
	errno = 0;
	assert_null(vici_new(&cfg, NULL, NULL));
	assert_int_equal(errno, ENAMETOOLONG);

	connect_and_confirm(NULL, 0);
	vici_msg_init(&m, 0);
	vici_msg_section_start(&m, "open");
	assert_int_equal(vici_request(C, "load-conn", &m, on_reply, ""), -EINVAL);
	vici_msg_free(&m);
	assert_int_equal(vici_request(C, "", NULL, on_reply, ""), -EINVAL);
	assert_int_equal(vici_subscribe(C, "", on_event, NULL), -EINVAL);
}


/* --- the gateway layer on the wire ---------------------------------------------------- */

static int gw_loaded_err = 1, gw_sas, gw_synced;
static enum vici_sa_kind gw_kind;
static char gw_why[320];

static void gw_loaded(void *ctx, int err, const char *why)
{
	gw_loaded_err = err;
	snprintf(gw_why, sizeof(gw_why), "%s", why ? why : "");
}

static void gw_sa(void *ctx, const struct vici_sa_event *ev)
{
	gw_sas++;
	gw_kind = ev->kind;
}

static void gw_synced_cb(void *ctx, int err)
{
	gw_synced++;
}

/* An IKE_SA section with one CHILD_SA, spi-in given (hostile if not hex). */
static void sa_msg(struct vici_msg *m, const char *up, const char *spi)
{
	vici_msg_init(m, 0);
	if (up)
		vici_msg_kv_str(m, "up", up);
	vici_msg_section_start(m, "l2sec");
	vici_msg_kv_str(m, "uniqueid", "7");
	vici_msg_kv_str(m, "local-host", "192.0.2.1");
	vici_msg_kv_str(m, "local-port", "4500");
	vici_msg_kv_str(m, "remote-host", "198.51.100.7");
	vici_msg_kv_str(m, "remote-port", "4500");
	vici_msg_section_start(m, "child-sas");
	vici_msg_section_start(m, "l2tp-8");
	vici_msg_kv_str(m, "uniqueid", "8");
	vici_msg_kv_str(m, "reqid", "1");
	vici_msg_kv_str(m, "spi-in", spi);
	vici_msg_kv_str(m, "spi-out", "c0000002");
	vici_msg_section_end(m);
	vici_msg_section_end(m);
	vici_msg_section_end(m);
}

/* The next packet is command cmd; returns its message's root (tree in *t). */
static const struct vici_node *srv_expect_cmd(const char *cmd, struct vici_tree **t)
{
	static struct pkt k;

	srv_recv(&k);
	assert_int_equal(k.type, VICI_CMD_REQUEST);
	assert_string_equal(k.name, cmd);
	assert_int_equal(vici_tree_parse(k.msg, k.msg_len, t, NULL), 0);
	return vici_tree_root(*t);
}

static void test_gw_on_the_wire(void **state)
{
	static const char *const subs[] = { "ike-updown", "child-updown", "child-rekey",
					     "ike-update", "log" };
	static const struct vici_gw_ops ops = { .loaded = gw_loaded, .sa = gw_sa,
						.synced = gw_synced_cb };
	struct vici_config cfg = { .path = S.path, .backoff_min_ms = 20 };
	struct vici_l2tp_conn conf = { .auth = VICI_CONN_PSK };
	const struct vici_node *root;
	struct vici_tree *t;
	struct vici_gw *gw;
	struct vici_msg m;

	vici_free(C);
	gw = vici_gw_new(&cfg, &ops, NULL);
	assert_non_null(gw);
	C = vici_gw_client(gw);
	assert_int_equal(vici_gw_configure(gw, &conf, "psk", 3, NULL), 0);

	srv_listen();
	vici_gw_start(gw);
	assert_true(pump_until(srv_connected, 2000));
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		srv_expect(VICI_EVENT_REGISTER, subs[i]);
		srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	}
	/* the credential first, then the connection */
	root = srv_expect_cmd("load-shared", &t);
	assert_string_equal(vici_node_str(root, "id"), "l2sec-psk");
	assert_string_equal(vici_node_str(root, "data"), "psk");
	vici_tree_free(t);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "success", "yes");
	root = srv_expect_cmd("load-conn", &t);
	assert_non_null(vici_node_section(root, "l2sec"));
	vici_tree_free(t);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "success", "yes");

	/* then the resync: one good IKE_SA, one hostile */
	srv_expect(VICI_EVENT_REGISTER, "list-sa");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	root = srv_expect_cmd("list-sas", &t);
	vici_tree_free(t);
	sa_msg(&m, NULL, "c0000001");
	srv_send(VICI_EVENT, "list-sa", &m);
	vici_msg_free(&m);
	sa_msg(&m, NULL, "not-hex");
	srv_send(VICI_EVENT, "list-sa", &m);
	vici_msg_free(&m);
	srv_send(VICI_CMD_RESPONSE, NULL, NULL);
	srv_expect(VICI_EVENT_UNREGISTER, "list-sa");
	srv_send(VICI_EVENT_CONFIRM, NULL, NULL);
	pump(30);
	assert_int_equal(gw_loaded_err, 0);
	assert_int_equal(gw_synced, 1);
	assert_int_equal(gw_sas, 1);
	assert_int_equal(gw_kind, VICI_SA_LIST);
	assert_int_equal(vici_gw_get_stats(gw)->events_bad, 1);

	/* live events: parsed and handed over, or dropped and counted */
	sa_msg(&m, "yes", "c0000003");
	srv_send(VICI_EVENT, "child-updown", &m);
	vici_msg_free(&m);
	sa_msg(&m, "yes", "");
	srv_send(VICI_EVENT, "child-updown", &m);
	vici_msg_free(&m);
	pump(30);
	assert_int_equal(gw_sas, 2);
	assert_int_equal(gw_kind, VICI_SA_CHILD_UP);
	assert_int_equal(vici_gw_get_stats(gw)->events_bad, 2);

	/* reload under a new name: the old connection and PSK go first */
	conf.name = "gw";
	gw_loaded_err = 1;
	assert_int_equal(vici_gw_configure(gw, &conf, "psk2", 4, NULL), 0);
	root = srv_expect_cmd("unload-conn", &t);
	assert_string_equal(vici_node_str(root, "name"), "l2sec");
	vici_tree_free(t);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "success", "yes");
	root = srv_expect_cmd("unload-shared", &t);
	assert_string_equal(vici_node_str(root, "id"), "l2sec-psk");
	vici_tree_free(t);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "success", "yes");
	root = srv_expect_cmd("load-shared", &t);
	assert_string_equal(vici_node_str(root, "id"), "gw-psk");
	vici_tree_free(t);
	srv_send_kv(VICI_CMD_RESPONSE, NULL, "success", "yes");
	srv_expect_cmd("load-conn", &t);
	vici_tree_free(t);
	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "success", "no");
	vici_msg_kv_str(&m, "errmsg", "invalid value for: proposals");
	srv_send(VICI_CMD_RESPONSE, NULL, &m);
	vici_msg_free(&m);
	pump(30);
	assert_int_equal(gw_loaded_err, -EINVAL);
	assert_string_equal(gw_why, "load-conn: invalid value for: proposals");
	/* no resync after a reload, only after a connect */
	srv_expect_silence(30);
	assert_int_equal(gw_synced, 1);

	vici_gw_free(gw);
	C = vici_new(NULL, NULL, NULL);	/* for teardown */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_register_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_order_one_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_response_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_when_socket_appears, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_progress_not_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_error_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gw_on_the_wire, setup, teardown),
	};

	return cmocka_run_group_tests_name("vici", tests, NULL, NULL);
}
