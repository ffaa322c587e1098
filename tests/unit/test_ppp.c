// SPDX-License-Identifier: GPL-2.0
/*
 * The PPP engine driven frame by frame as a client would, with a fake clock:
 * a Windows-like session (LCP with MRU/magic/PFC/ACFC, MS-CHAPv2, IPCP with
 * DNS), authentication fallback on Nak, CHAP-MD5 and PAP, IPv6CP, restart
 * timer and Max-Configure, echo timeout, wrong passwords with the delay and
 * bounded tries, an exhausted pool, peer termination, Protocol- and
 * Code-Reject, and malformed frames. Every frame fed to the engine is in a
 * heap buffer of its exact size, so the ASan build catches any over-read.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "heap.h"
#include "ppp/mschap.h"
#include "ppp/ppp.h"
#include "ppp/ppp_internal.h"	/* ppp_log */

#define MAXF 256

enum { CONFREQ = 1, CONFACK, CONFNAK, CONFREJ, TERMREQ, TERMACK, CODEREJ,
       PROTREJ, ECHOREQ, ECHOREP, DISCREQ };

struct fx {
	struct ppp_session *s;
	struct ppp_config cfg;
	uint64_t now;
	uint8_t out[MAXF][1600];
	size_t out_len[MAXF];
	unsigned int n, rd;
	bool down;
	unsigned int downs;
	enum ppp_down_reason reason;
	char down_msg[128];
	bool v4_up, v6_up;
	unsigned int v4_up_at, v6_up_at;	/* frames sent before the NCP's up */
	struct ppp_ipcp_info info;
	uint64_t lid, pid;
	int pool_left;
	unsigned int auth_ok, auth_bad;
	/* the throttle: refuse attempts, hold Failures back; who it was asked about */
	bool refuse;
	unsigned int asked;
	uint32_t backoff_ms;
	char asked_user[256], result_user[256];
	char log[1 << 18];
	unsigned int notices;
	unsigned int above_notice;	/* lines of info and debug passed to cb_log */
	unsigned int log_asked;		/* cb_log_enabled's calls */
	size_t log_len;
	uint64_t rnd;
	uint8_t data[2048];
	size_t data_len;
	/* the last frame fed in, as the PPP layer left it */
	uint8_t in[1600];
	size_t in_len;
	/* ops->ask (RADIUS): what it returns, and the answer it was given */
	int ask_ret;
	unsigned int asks;
	bool ask_known;
	struct ppp_answer ask;
	char ask_name[256];
	uint8_t ask_value[64];
	/* ops->verify (privsep): answers it calls busy before it checks any; calls */
	unsigned int verify_busy, verifies;
	bool verify_bad_resp;	/* grant MS-CHAPv2 with a malformed authenticator response */
};

/* --- the owner's side ------------------------------------------------------ */

/* A send from inside the next send callback, before it reads its frame. */
static struct {
	struct ppp_session *s;
	uint8_t buf[PPP_DATA_HEADROOM + 2];
} nested;

static void cb_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct fx *x = ctx;

	if (nested.s) {
		struct ppp_session *s = nested.s;

		nested.s = NULL;
		memcpy(nested.buf + PPP_DATA_HEADROOM, "\x45\x01", 2);
		assert_int_equal(ppp_send_data(s, 0x0021, nested.buf, 2), 0);
	}

	assert_true(x->n < MAXF);
	assert_true(len <= sizeof(x->out[0]));
	memcpy(x->out[x->n], frame, len);
	x->out_len[x->n++] = len;
}

static int cb_secret(void *ctx, const char *user, struct ppp_secret *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	if (!strcmp(user, "User") || !strcmp(user, "static")) {
		out->password = "clientPass";
		out->password_len = 10;
		mschap_nt_hash("clientPass", 10, out->nt_hash);
		if (!strcmp(user, "static"))
			out->addr.s_addr = inet_addr("10.0.0.77");
		return 0;
	}
	if (!strcmp(user, "hashonly")) {
		mschap_nt_hash("clientPass", 10, out->nt_hash);
		return 0;
	}
	return -1;
}

static bool cb_allowed(void *ctx, const char *user)
{
	struct fx *x = ctx;

	x->asked++;
	snprintf(x->asked_user, sizeof(x->asked_user), "%s", user);
	return !x->refuse;
}

static uint32_t cb_result(void *ctx, const char *user, bool ok)
{
	struct fx *x = ctx;

	snprintf(x->result_user, sizeof(x->result_user), "%s", user);
	if (ok)
		x->auth_ok++;
	else
		x->auth_bad++;
	return ok ? 0 : x->backoff_ms;
}

static int cb_alloc(void *ctx, const char *user, struct in_addr hint,
		    struct in_addr *out)
{
	struct fx *x = ctx;

	(void)user;
	if (hint.s_addr) {
		*out = hint;
		return 0;
	}
	if (x->pool_left <= 0)
		return -1;
	x->pool_left--;
	out->s_addr = inet_addr("10.0.0.100");
	return 0;
}

static void cb_ipcp_up(void *ctx, const struct ppp_ipcp_info *info)
{
	struct fx *x = ctx;

	x->v4_up = true;
	x->v4_up_at = x->n;
	x->info = *info;
}

static void cb_ipv6cp_up(void *ctx, uint64_t l, uint64_t p)
{
	struct fx *x = ctx;

	x->v6_up = true;
	x->v6_up_at = x->n;
	x->lid = l;
	x->pid = p;
}

static void cb_data(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct fx *x = ctx;

	(void)proto;
	x->data_len = len < sizeof(x->data) ? len : sizeof(x->data);
	memcpy(x->data, pkt, x->data_len);
}

static void cb_down(void *ctx, enum ppp_down_reason r, const char *msg)
{
	struct fx *x = ctx;

	x->down = true;
	x->downs++;
	x->reason = r;
	snprintf(x->down_msg, sizeof(x->down_msg), "%s", msg);
}

static void cb_log(void *ctx, int prio, const char *msg)
{
	struct fx *x = ctx;
	int n;

	if (prio <= LOG_NOTICE)
		x->notices++;
	else
		x->above_notice++;
	n = snprintf(x->log + x->log_len, sizeof(x->log) - x->log_len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(x->log) - x->log_len)
		x->log_len += (size_t)n;
}

/* Deterministic "random" octets (xorshift64). */
static void cb_random(void *ctx, void *buf, size_t len)
{
	struct fx *x = ctx;
	uint8_t *p = buf;

	while (len--) {
		x->rnd ^= x->rnd << 13;
		x->rnd ^= x->rnd >> 7;
		x->rnd ^= x->rnd << 17;
		*p++ = (uint8_t)x->rnd;
	}
}

static const struct ppp_ops ops = {
	.send = cb_send,
	.get_secret = cb_secret,
	.auth_allowed = cb_allowed,
	.auth_result = cb_result,
	.alloc_ipv4 = cb_alloc,
	.ipcp_up = cb_ipcp_up,
	.ipv6cp_up = cb_ipv6cp_up,
	.data = cb_data,
	.down = cb_down,
	.log = cb_log,
	.random = cb_random,
};

/* The daemon's log level at notice: lines below it are not even formatted. */
static bool cb_log_enabled(void *ctx, int prio)
{
	struct fx *x = ctx;

	x->log_asked++;
	return prio <= LOG_NOTICE;
}

static const struct ppp_ops *fx_ops = &ops;

static int cb_ask(void *ctx, const struct ppp_answer *a, bool known)
{
	struct fx *x = ctx;

	x->asks++;
	x->ask_known = known;
	x->ask = *a;
	snprintf(x->ask_name, sizeof(x->ask_name), "%s", a->name);
	assert_true(a->value_len <= sizeof(x->ask_value));
	memcpy(x->ask_value, a->value, a->value_len);
	x->ask.name = x->ask_name;
	x->ask.value = x->ask_value;
	x->ask.challenge = NULL;	/* the engine's, valid during the call only */
	return x->ask_ret;
}

/*
 * The parent's verification (privsep), "User" / "clientPass": busy (its
 * rate) for the first verify_busy answers.
 */
static int cb_verify(void *ctx, const struct ppp_answer *a, struct ppp_verdict *v)
{
	struct fx *x = ctx;
	uint8_t h[16], want[24];
	const char *bare;
	size_t bl;

	x->verifies++;
	if (x->verify_busy) {
		x->verify_busy--;
		return 1;
	}
	assert_int_equal(mschap_nt_hash("clientPass", 10, h), 0);
	if (a->method == PPP_AUTH_PAP) {
		v->ok = a->value_len == 10 && !memcmp(a->value, "clientPass", 10);
		return 0;
	}
	assert_int_equal(a->method, PPP_AUTH_MSCHAPV2);
	bare = mschap_strip_domain(a->name, a->name_len, &bl);
	mschap_nt_response(a->challenge, a->value, bare, bl, h, want);
	v->ok = !strcmp(bare, "User") && !memcmp(want, a->value + 24, sizeof(want));
	if (v->ok)
		mschap_auth_response(h, a->value + 24, a->value, a->challenge, bare, bl,
				     v->auth_resp);
	if (v->ok && x->verify_bad_resp)
		v->auth_resp[5] = 'x';
	return 0;
}

/* --- fixture ----------------------------------------------------------- */

static struct fx *fx_new(void (*tune)(struct ppp_config *))
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->now = 1000000;
	x->rnd = 0x9E3779B97F4A7C15ull;
	x->pool_left = 1;
	ppp_config_init(&x->cfg);
	x->cfg.local_ipv4.s_addr = inet_addr("10.0.0.1");
	x->cfg.dns[0].s_addr = inet_addr("192.0.2.53");
	x->cfg.dns[1].s_addr = inet_addr("192.0.2.54");
	if (tune)
		tune(&x->cfg);
	x->s = ppp_new(&x->cfg, fx_ops, x);
	assert_non_null(x->s);
	return x;
}

static void fx_free(struct fx *x)
{
	ppp_free(x->s);
	free(x);
}

/* Feed bytes in a heap buffer of exactly their size. */
static void raw_in(struct fx *x, const uint8_t *b, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, b, len);
	ppp_input(x->s, x->now, copy, len);
	x->in_len = len < sizeof(x->in) ? len : sizeof(x->in);
	memcpy(x->in, copy, x->in_len);
	free(copy);
}

static void cin(struct fx *x, uint16_t proto, uint8_t code, uint8_t id,
		const uint8_t *data, size_t len)
{
	uint8_t b[1600];

	assert_true(len + 8 <= sizeof(b));
	b[0] = 0xFF;
	b[1] = 0x03;
	b[2] = (uint8_t)(proto >> 8);
	b[3] = (uint8_t)proto;
	b[4] = code;
	b[5] = id;
	b[6] = (uint8_t)((len + 4) >> 8);
	b[7] = (uint8_t)(len + 4);
	if (len)
		memcpy(b + 8, data, len);
	raw_in(x, b, len + 8);
}

/* Move the clock forward, firing every deadline on the way. */
static void advance(struct fx *x, uint64_t ms)
{
	uint64_t end = x->now + ms, t;

	while ((t = ppp_next_timeout(x->s)) <= end) {
		assert_true(t >= x->now);
		x->now = t;
		ppp_timer(x->s, x->now);
	}
	x->now = end;
}

struct pkt {
	uint16_t proto;
	bool acfc;		/* FF 03 was left out */
	uint8_t code, id;
	const uint8_t *data;	/* after the 4-octet header */
	size_t len;		/* of data */
};

static struct pkt next_pkt(struct fx *x)
{
	const uint8_t *f;
	struct pkt p = { 0 };
	size_t n, plen;

	assert_true(x->rd < x->n);
	f = x->out[x->rd];
	n = x->out_len[x->rd++];
	if (n >= 2 && f[0] == 0xFF && f[1] == 0x03) {
		f += 2;
		n -= 2;
	} else {
		p.acfc = true;
	}
	assert_true(n >= 2);
	p.proto = (uint16_t)(f[0] << 8 | f[1]);
	f += 2;
	n -= 2;
	assert_true(n >= 4);
	plen = (size_t)(f[2] << 8 | f[3]);
	assert_int_equal(plen, n);
	p.code = f[0];
	p.id = f[1];
	p.data = f + 4;
	p.len = plen - 4;
	return p;
}

static struct pkt expect(struct fx *x, uint16_t proto, uint8_t code)
{
	struct pkt p = next_pkt(x);

	assert_int_equal(p.proto, proto);
	assert_int_equal(p.code, code);
	return p;
}

/* The first unread frame of this protocol and code, wherever it is queued. */
static struct pkt take(struct fx *x, uint16_t proto, uint8_t code)
{
	unsigned int save = x->rd, i;
	uint8_t tmp[1600];
	size_t tlen;
	struct pkt p;

	for (i = x->rd; i < x->n; i++) {
		x->rd = i;
		p = next_pkt(x);
		if (p.proto != proto || p.code != code)
			continue;
		/* Move it to the front of the unread frames. */
		tlen = x->out_len[i];
		memcpy(tmp, x->out[i], tlen);
		memmove(x->out[save + 1], x->out[save], (i - save) * sizeof(x->out[0]));
		memmove(&x->out_len[save + 1], &x->out_len[save], (i - save) * sizeof(x->out_len[0]));
		memcpy(x->out[save], tmp, tlen);
		x->out_len[save] = tlen;
		x->rd = save;
		return next_pkt(x);
	}
	fail_msg("no frame 0x%04x code %u queued", proto, code);
	return p;
}

static void expect_nothing(struct fx *x)
{
	assert_int_equal(x->rd, x->n);
}

static const uint8_t *find_opt(const struct pkt *p, uint8_t type)
{
	size_t i;

	for (i = 0; i + 2 <= p->len && p->data[i + 1] >= 2; i += p->data[i + 1])
		if (p->data[i] == type)
			return p->data + i;
	return NULL;
}

/* --- scenario steps ------------------------------------------------------ */

/* Windows-like client LCP request: MRU 1400, magic, PFC, ACFC. */
static const uint8_t win_lcp[] = {
	1, 4, 0x05, 0x78,
	5, 6, 0x11, 0x22, 0x33, 0x44,
	7, 2,
	8, 2,
};

/* LCP up; returns our Configure-Request as the client saw it. */
static struct pkt lcp_open(struct fx *x)
{
	struct pkt ours, ack;

	uint8_t first[sizeof(win_lcp) + 3];

	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	/* Windows also asks for Callback (13): rejected, alone. */
	memcpy(first, win_lcp, sizeof(win_lcp));
	memcpy(first + sizeof(win_lcp), "\x0d\x03\x06", 3);
	cin(x, 0xC021, CONFREQ, 0, first, sizeof(first));
	ack = expect(x, 0xC021, CONFREJ);
	assert_int_equal(ack.id, 0);
	assert_int_equal(ack.len, 3);
	assert_memory_equal(ack.data, "\x0d\x03\x06", 3);
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	ack = expect(x, 0xC021, CONFACK);
	assert_int_equal(ack.id, 1);
	assert_int_equal(ack.len, sizeof(win_lcp));
	assert_memory_equal(ack.data, win_lcp, sizeof(win_lcp));
	cin(x, 0xC021, CONFACK, ours.id, ours.data, ours.len);
	return ours;
}

/* Answer an MS-CHAPv2 challenge as a client with this password. */
static void mschap_answer(struct fx *x, uint8_t id, const uint8_t chal[16],
			  const char *user, const char *pw, char auth_resp[43])
{
	uint8_t h[16], d[1 + 49 + 64], peer[16];
	size_t ul = strlen(user), bl;
	const char *bare;
	unsigned int i;

	for (i = 0; i < 16; i++)
		peer[i] = (uint8_t)(0xA0 + i);
	assert_int_equal(mschap_nt_hash(pw, strlen(pw), h), 0);
	bare = mschap_strip_domain(user, ul, &bl);
	d[0] = 49;
	memcpy(d + 1, peer, 16);
	memset(d + 17, 0, 8);
	mschap_nt_response(chal, peer, bare, bl, h, d + 25);
	d[49] = 0;
	memcpy(d + 50, user, ul);
	cin(x, 0xC223, 2, id, d, 50 + ul);
	if (auth_resp)
		mschap_auth_response(h, d + 25, peer, chal, bare, bl, auth_resp);
}

static void mschap_login(struct fx *x, const char *user, const char *pw)
{
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	struct pkt ch, ok;

	ch = expect(x, 0xC223, 1);
	assert_int_equal(ch.data[0], 16);
	assert_memory_equal(ch.data + 17, "l2sec", 5);
	mschap_answer(x, ch.id, ch.data + 1, user, pw, want);
	ok = expect(x, 0xC223, 3);
	assert_int_equal(ok.id, ch.id);
	assert_true(ok.len >= 42);
	assert_memory_equal(ok.data, want, 42);
	assert_memory_equal(ok.data + 42, " M=", 3);
}

/* IPCP as Windows does it: ask 0.0.0.0 and DNS 0.0.0.0, take the Nak. */
static void ipcp_open(struct fx *x)
{
	static const uint8_t ask[] = {
		3, 6, 0, 0, 0, 0,
		129, 6, 0, 0, 0, 0,
		131, 6, 0, 0, 0, 0,
	};
	struct pkt ours, nak, ack;
	const uint8_t *o;

	ours = take(x, 0x8021, CONFREQ);
	assert_true(ours.acfc);	/* the client asked for ACFC */
	o = find_opt(&ours, 3);
	assert_non_null(o);
	assert_memory_equal(o + 2, "\x0a\x00\x00\x01", 4);

	static const uint8_t ask_nbns[] = {
		3, 6, 0, 0, 0, 0,
		129, 6, 0, 0, 0, 0,
		130, 6, 0, 0, 0, 0,
		131, 6, 0, 0, 0, 0,
		132, 6, 0, 0, 0, 0,
	};

	/* NBNS is not configured: rejected first, as Windows asks for it. */
	cin(x, 0x8021, CONFREQ, 0, ask_nbns, sizeof(ask_nbns));
	nak = expect(x, 0x8021, CONFREJ);
	assert_int_equal(nak.len, 12);
	assert_memory_equal(nak.data, "\x82\x06\0\0\0\0\x84\x06\0\0\0\0", 12);
	cin(x, 0x8021, CONFREQ, 1, ask, sizeof(ask));
	nak = expect(x, 0x8021, CONFNAK);
	assert_int_equal(nak.len, sizeof(ask));
	assert_memory_equal(nak.data, "\x03\x06\x0a\x00\x00\x64"
				      "\x81\x06\xc0\x00\x02\x35"
				      "\x83\x06\xc0\x00\x02\x36", 18);
	cin(x, 0x8021, CONFREQ, 2, nak.data, nak.len);
	ack = expect(x, 0x8021, CONFACK);
	assert_int_equal(ack.id, 2);
	assert_false(x->v4_up);
	cin(x, 0x8021, CONFACK, ours.id, ours.data, ours.len);
	assert_true(x->v4_up);
}

/* --- tests ------------------------------------------------------------------ */

static void no_echo(struct ppp_config *c)
{
	c->echo_interval_ms = 0;
}


static void test_windows_like_session(void **state)
{
	struct fx *x = fx_new(NULL);
	uint8_t tx[PPP_DATA_HEADROOM + 2];
	struct pkt ours, p;
	const uint8_t *o;

	(void)state;
	ours = lcp_open(x);
	/* We ask for MRU 1400, MS-CHAPv2 and a magic number. */
	o = find_opt(&ours, 1);
	assert_non_null(o);
	assert_memory_equal(o, "\x01\x04\x05\x78", 4);
	o = find_opt(&ours, 3);
	assert_non_null(o);
	assert_memory_equal(o, "\x03\x05\xc2\x23\x81", 5);
	assert_non_null(find_opt(&ours, 5));
	assert_string_equal(ppp_phase_name(x->s), "authenticate");

	mschap_login(x, "User", "clientPass");
	assert_int_equal(x->auth_ok, 1);
	assert_string_equal(ppp_user(x->s), "User");
	ipcp_open(x);
	assert_true(ppp_is_up(x->s));
	assert_int_equal(x->info.peer.s_addr, inet_addr("10.0.0.100"));
	assert_int_equal(x->info.local.s_addr, inet_addr("10.0.0.1"));
	assert_int_equal(x->info.dns[0].s_addr, inet_addr("192.0.2.53"));
	assert_int_equal(x->info.dns[1].s_addr, inet_addr("192.0.2.54"));
	assert_int_equal(ppp_peer_mru(x->s), 1400);

	/* CCP: Protocol-Reject carrying the protocol and the packet. */
	cin(x, 0x80FD, CONFREQ, 1, (const uint8_t *)"\x12\x06\x01\x00\x00\x01", 6);
	p = expect(x, 0xC021, PROTREJ);
	assert_false(p.acfc);	/* LCP never compressed */
	assert_memory_equal(p.data, "\x80\xfd\x01\x01\x00\x0a", 6);

	/* Unknown LCP code: Code-Reject with the packet. */
	cin(x, 0xC021, 42, 9, (const uint8_t *)"zz", 2);
	p = expect(x, 0xC021, CODEREJ);
	assert_memory_equal(p.data, "\x2a\x09\x00\x06zz", 6);

	/* Identification (RFC 1570), as Windows sends it: no answer. */
	cin(x, 0xC021, 12, 3, (const uint8_t *)"\x11\x22\x33\x44MSRASV5.20", 14);
	expect_nothing(x);

	/* An Echo-Request claiming more octets than it has: dropped. */
	raw_in(x, (const uint8_t *)"\xff\x03\xc0\x21\x09\x05\x00\x40\x11\x22\x33\x44", 12);
	expect_nothing(x);

	/* Echo-Request answered with our magic. */
	cin(x, 0xC021, ECHOREQ, 7, (const uint8_t *)"\x11\x22\x33\x44hi", 6);
	p = expect(x, 0xC021, ECHOREP);
	assert_int_equal(p.id, 7);
	assert_memory_equal(p.data, find_opt(&ours, 5) + 2, 4);
	assert_memory_equal(p.data + 4, "hi", 2);

	/* IPv4 data in both directions, PFC-compressed protocol accepted. */
	raw_in(x, (const uint8_t *)"\x21\x45\x00", 3);
	assert_int_equal(x->data_len, 2);
	memcpy(tx + PPP_DATA_HEADROOM, "\x45\x00", 2);
	assert_int_equal(ppp_send_data(x->s, 0x0021, tx, 2), 0);
	assert_int_equal(x->out_len[x->rd], 3);	/* ACFC and PFC applied */
	assert_memory_equal(x->out[x->rd++], "\x21\x45\x00", 3);
	/* framed in place: the protocol field went into the headroom before the packet */
	assert_memory_equal(tx + PPP_DATA_HEADROOM - 1, "\x21\x45\x00", 3);
	/* a send of the same session's from inside its send callback: both intact */
	nested.s = x->s;
	assert_int_equal(ppp_send_data(x->s, 0x0021, tx, 2), 0);
	assert_memory_equal(x->out[x->rd++], "\x21\x45\x01", 3);
	assert_memory_equal(x->out[x->rd++], "\x21\x45\x00", 3);
	/* IPv6 is not configured: Protocol-Reject. */
	raw_in(x, (const uint8_t *)"\xff\x03\x00\x57\x60", 5);
	p = expect(x, 0xC021, PROTREJ);
	assert_memory_equal(p.data, "\x00\x57\x60", 3);
	expect_nothing(x);

	/* The gateway closes: Terminate-Request, down once the peer acks. */
	ppp_close(x->s, x->now, "shutting down");
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "shutting down", 13);
	assert_false(x->down);
	cin(x, 0xC021, TERMACK, p.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_ADMIN);
	assert_true(ppp_is_dead(x->s));
	assert_int_equal(ppp_next_timeout(x->s), PPP_NO_TIMEOUT);
	/* Nothing more after down. */
	cin(x, 0xC021, ECHOREQ, 8, (const uint8_t *)"\0\0\0\0", 4);
	expect_nothing(x);
	assert_int_equal(x->downs, 1);
	/* The password never reached a log line. */
	assert_null(strstr(x->log, "clientPass"));
	fx_free(x);
}

static void no_mschap(struct ppp_config *c)
{
	c->auth = PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP;
}

/* The client Naks MS-CHAPv2 suggesting CHAP-MD5 (allowed by default). */
static void test_auth_nak_to_chap_md5(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, again, ch, ok;
	uint8_t d[1 + 16 + 4], h[16];

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFNAK, ours.id, (const uint8_t *)"\x03\x05\xc2\x23\x05", 5);
	again = expect(x, 0xC021, CONFREQ);
	assert_int_not_equal(again.id, ours.id);
	assert_memory_equal(find_opt(&again, 3), "\x03\x05\xc2\x23\x05", 5);
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFACK);
	cin(x, 0xC021, CONFACK, again.id, again.data, again.len);

	ch = expect(x, 0xC223, 1);
	d[0] = 16;
	mschap_md5_response(ch.id, (const uint8_t *)"clientPass", 10, ch.data + 1, 16, d + 1);
	memcpy(d + 17, "User", 4);
	/* A stale identifier is ignored. */
	cin(x, 0xC223, 2, (uint8_t)(ch.id + 1), d, sizeof(d));
	expect_nothing(x);
	cin(x, 0xC223, 2, ch.id, d, sizeof(d));
	ok = expect(x, 0xC223, 3);
	assert_int_equal(ok.id, ch.id);
	/* A repeated Response (our Success was lost) gets Success again. */
	cin(x, 0xC223, 2, ch.id, d, sizeof(d));
	take(x, 0xC223, 3);
	assert_int_equal(x->auth_ok, 1);
	ipcp_open(x);

	/* An NT-hash-only user cannot use CHAP-MD5. */
	fx_free(x);
	x = fx_new(NULL);
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFNAK, ours.id, (const uint8_t *)"\x03\x05\xc2\x23\x05", 5);
	again = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFACK);
	cin(x, 0xC021, CONFACK, again.id, again.data, again.len);
	ch = expect(x, 0xC223, 1);
	mschap_nt_hash("clientPass", 10, h);
	d[0] = 16;
	mschap_md5_response(ch.id, (const uint8_t *)"clientPass", 10, ch.data + 1, 16, d + 1);
	cin(x, 0xC223, 2, ch.id, (const uint8_t *)"\x10" "0123456789abcdef" "hashonly", 25);
	expect_nothing(x);	/* Failure only after the delay */
	assert_int_equal(x->auth_bad, 1);
	assert_non_null(strstr(x->log, "only an NT hash"));
	fx_free(x);
}

/* Only MS-CHAPv2 and PAP allowed: a Nak suggesting CHAP-MD5 moves to PAP,
 * and a PAP login works; a second Nak leaves nothing: terminate. */
static void test_auth_fallback_respects_config(void **state)
{
	struct fx *x = fx_new(no_mschap);
	struct pkt ours, again, ack;
	uint8_t req[2 + 4 + 10];

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFNAK, ours.id, (const uint8_t *)"\x03\x05\xc2\x23\x05", 5);
	again = expect(x, 0xC021, CONFREQ);
	assert_memory_equal(find_opt(&again, 3), "\x03\x04\xc0\x23", 4);
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFACK);
	cin(x, 0xC021, CONFACK, again.id, again.data, again.len);
	expect_nothing(x);	/* PAP: the peer speaks first */

	req[0] = 4;
	memcpy(req + 1, "User", 4);
	req[5] = 10;
	memcpy(req + 6, "clientPass", 10);
	cin(x, 0xC023, 1, 33, req, sizeof(req));
	ack = expect(x, 0xC023, 2);
	assert_int_equal(ack.id, 33);
	assert_int_equal(x->auth_ok, 1);
	ipcp_open(x);
	assert_null(strstr(x->log, "clientPass"));
	fx_free(x);

	/* Naks for PAP too: no method left, the session ends. */
	x = fx_new(no_mschap);
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFNAK, ours.id, (const uint8_t *)"\x03\x05\xc2\x23\x80", 5);
	again = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFNAK, again.id, (const uint8_t *)"\x03\x05\xc2\x23\x05", 5);
	/* No request without authentication: we terminate instead. */
	ack = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(ack.data, "no authentication method both sides accept", ack.len);
	cin(x, 0xC021, TERMACK, ack.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NO_AUTH);
	fx_free(x);
}

/* The client never answers: Configure-Request every Restart period,
 * Max-Configure times, then the session ends. */
static void test_restart_timer_max_configure(void **state)
{
	struct fx *x = fx_new(NULL);
	uint64_t start = x->now;
	unsigned int i;
	struct pkt p;

	(void)state;
	ppp_start(x->s, x->now);
	assert_int_equal(ppp_next_timeout(x->s), start + 3000);
	for (i = 1; i < 10; i++) {
		advance(x, 2999);
		assert_int_equal(x->n, i);
		advance(x, 1);
		p = expect(x, 0xC021, CONFREQ);
		(void)p;
	}
	assert_int_equal(x->n, 10);
	assert_int_equal(x->now, start + 27000);
	assert_false(x->down);
	advance(x, 3000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NEGOTIATION);
	assert_int_equal(x->n, 10);	/* 10 requests, then silence */
	fx_free(x);
}

static void fast_echo(struct ppp_config *c)
{
	c->echo_interval_ms = 10000;
	c->echo_failures = 3;
}

static void test_echo_timeout(void **state)
{
	struct fx *x = fx_new(fast_echo);
	struct pkt e;
	unsigned int i;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);

	/* Answered echoes keep the session up. */
	for (i = 0; i < 5; i++) {
		advance(x, 10000);
		e = expect(x, 0xC021, ECHOREQ);
		cin(x, 0xC021, ECHOREP, e.id, (const uint8_t *)"\x11\x22\x33\x44", 4);
	}
	assert_false(x->down);
	/* Then the peer goes silent: three unanswered, then down. */
	for (i = 0; i < 3; i++) {
		advance(x, 10000);
		expect(x, 0xC021, ECHOREQ);
		assert_false(x->down);
	}
	advance(x, 10000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_ECHO_TIMEOUT);
	/* A courtesy Terminate-Request went out. */
	expect(x, 0xC021, TERMREQ);
	assert_int_equal(ppp_get_stats(x->s)->echo_sent, 8);
	fx_free(x);
}

/* Wrong password: no answer until the delay is over, answers during the
 * delay ignored, R=1 with a new challenge, then after three R=0 and the end. */
static void test_wrong_password_bounded(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ch, fail, t;
	uint8_t chal[16], id;
	unsigned int i;
	char *c;

	(void)state;
	lcp_open(x);
	ch = expect(x, 0xC223, 1);
	memcpy(chal, ch.data + 1, 16);
	id = ch.id;
	for (i = 1; i <= 3; i++) {
		mschap_answer(x, id, chal, "User", "WrongPass1", NULL);
		expect_nothing(x);
		assert_int_equal(x->auth_bad, i);
		/* A second answer during the delay is discarded: no extra try. */
		advance(x, 1000);
		mschap_answer(x, id, chal, "User", "clientPass", NULL);
		expect_nothing(x);
		assert_int_equal(x->auth_ok, 0);
		advance(x, 999);
		expect_nothing(x);
		advance(x, 1);
		fail = expect(x, 0xC223, 4);
		assert_int_equal(fail.id, id);
		assert_true(fail.len < 100);
		c = strndup((const char *)fail.data, fail.len);
		assert_non_null(c);
		assert_memory_equal(c, i < 3 ? "E=691 R=1 C=" : "E=691 R=0 C=", 12);
		assert_non_null(strstr(c, " V=3 M="));
		if (i < 3) {
			/* The new challenge is in C=, the next Response id is +1. */
			for (unsigned int k = 0; k < 16; k++) {
				unsigned int v;

				assert_int_equal(sscanf(c + 12 + 2 * k, "%2X", &v), 1);
				chal[k] = (uint8_t)v;
			}
			id++;
			expect_nothing(x);
		}
		free(c);
	}
	t = expect(x, 0xC021, TERMREQ);
	cin(x, 0xC021, TERMACK, t.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_FAILED);
	assert_int_equal(ppp_get_stats(x->s)->auth_failures, 3);
	assert_null(strstr(x->log, "WrongPass1"));
	assert_null(strstr(x->log, "clientPass"));
	assert_non_null(strstr(x->log, "user 'User': wrong password (attempt 3 of 3)"));
	fx_free(x);
}

/* One wrong try, then the right password against the retry challenge. */
static void test_retry_then_success(void **state)
{
	struct fx *x = fx_new(NULL);
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	struct pkt ch, fail, ok;
	uint8_t chal[16];
	unsigned int k, v;

	(void)state;
	lcp_open(x);
	ch = expect(x, 0xC223, 1);
	/* Unknown user counts as a failure, the same way. */
	mschap_answer(x, ch.id, ch.data + 1, "nobody", "clientPass", NULL);
	advance(x, 2000);
	fail = expect(x, 0xC223, 4);
	for (k = 0; k < 16; k++) {
		assert_int_equal(sscanf((const char *)fail.data + 12 + 2 * k, "%2X", &v), 1);
		chal[k] = (uint8_t)v;
	}
	/* Windows sends DOMAIN\user: the domain is stripped for lookup and hash. */
	mschap_answer(x, (uint8_t)(ch.id + 1), chal, "CORP\\User", "clientPass", want);
	ok = expect(x, 0xC223, 3);
	assert_memory_equal(ok.data, want, 42);
	assert_string_equal(ppp_user(x->s), "User");
	ipcp_open(x);
	fx_free(x);

	/* A retry that reuses the Failure's identifier is taken as well. */
	x = fx_new(NULL);
	lcp_open(x);
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "User", "nope", NULL);
	advance(x, 2000);
	fail = expect(x, 0xC223, 4);
	for (k = 0; k < 16; k++) {
		assert_int_equal(sscanf((const char *)fail.data + 12 + 2 * k, "%2X", &v), 1);
		chal[k] = (uint8_t)v;
	}
	/* The old challenge no longer works, even with the right password. */
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", NULL);
	expect_nothing(x);
	assert_int_equal(x->auth_bad, 2);
	advance(x, 2000);
	fail = expect(x, 0xC223, 4);
	assert_int_equal(fail.id, ch.id);
	for (k = 0; k < 16; k++) {
		assert_int_equal(sscanf((const char *)fail.data + 12 + 2 * k, "%2X", &v), 1);
		chal[k] = (uint8_t)v;
	}
	mschap_answer(x, ch.id, chal, "User", "clientPass", want);
	ok = expect(x, 0xC223, 3);
	assert_int_equal(ok.id, ch.id);
	assert_memory_equal(ok.data, want, 42);
	assert_int_equal(x->auth_ok, 1);
	fx_free(x);
}

/* No address left: a clear refusal (LCP Terminate with a message) and a log line. */
static void test_pool_exhausted(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt t;

	(void)state;
	x->pool_left = 0;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	t = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(t.data, "no address available", t.len);
	assert_non_null(strstr(x->log, "no IPv4 address left for user 'User'"));
	expect_nothing(x);	/* no IPCP */
	/* Peer silent: Max-Terminate requests, then down. */
	advance(x, 3000);
	expect(x, 0xC021, TERMREQ);
	advance(x, 3000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NO_ADDRESS);
	assert_false(x->v4_up);
	fx_free(x);

	/* The user's static address is used even with the pool empty. */
	x = fx_new(NULL);
	x->pool_left = 0;
	lcp_open(x);
	mschap_login(x, "static", "clientPass");
	expect(x, 0x8021, CONFREQ);
	x->rd--;
	{
		struct pkt ours = expect(x, 0x8021, CONFREQ), nak;

		cin(x, 0x8021, CONFREQ, 1, (const uint8_t *)"\x03\x06\0\0\0\0", 6);
		nak = expect(x, 0x8021, CONFNAK);
		assert_memory_equal(nak.data, "\x03\x06\x0a\x00\x00\x4d", 6);
		cin(x, 0x8021, CONFREQ, 2, nak.data, nak.len);
		expect(x, 0x8021, CONFACK);
		cin(x, 0x8021, CONFACK, ours.id, ours.data, ours.len);
	}
	assert_true(x->v4_up);
	assert_int_equal(x->info.peer.s_addr, inet_addr("10.0.0.77"));
	fx_free(x);
}

/* IPCP: VJ compression and unknown options rejected; NBNS not configured
 * rejected; a peer that omits the address is told it. */
static void test_ipcp_rejects(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, r;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ours = expect(x, 0x8021, CONFREQ);
	cin(x, 0x8021, CONFREQ, 1, (const uint8_t *)
	    "\x02\x06\x00\x2d\x0f\x01" "\x03\x06\0\0\0\0" "\x82\x06\0\0\0\0" "\x63\x02", 20);
	r = expect(x, 0x8021, CONFREJ);
	assert_int_equal(r.len, 14);
	assert_memory_equal(r.data, "\x02\x06\x00\x2d\x0f\x01" "\x82\x06\0\0\0\0" "\x63\x02", 14);
	/* No address option at all: Nak with one. */
	cin(x, 0x8021, CONFREQ, 2, NULL, 0);
	r = expect(x, 0x8021, CONFNAK);
	assert_memory_equal(r.data, "\x03\x06\x0a\x00\x00\x64", 6);
	/* A wrong Ack (other id) does not open IPCP. */
	cin(x, 0x8021, CONFACK, (uint8_t)(ours.id + 1), ours.data, ours.len);
	cin(x, 0x8021, CONFREQ, 3, (const uint8_t *)"\x03\x06\x0a\x00\x00\x64", 6);
	expect(x, 0x8021, CONFACK);
	assert_false(x->v4_up);
	cin(x, 0x8021, CONFACK, ours.id, ours.data, ours.len);
	assert_true(x->v4_up);
	fx_free(x);
}

/* A client insisting on its own address is refused, not let through. */
static void test_ipcp_insisting_peer(void **state)
{
	struct fx *x = fx_new(no_echo);
	struct pkt p;
	unsigned int i;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	take(x, 0x8021, CONFREQ);
	for (i = 0; i < 5; i++) {
		cin(x, 0x8021, CONFREQ, (uint8_t)i, (const uint8_t *)"\x03\x06\x0a\x00\x00\x05", 6);
		p = expect(x, 0x8021, CONFNAK);
		assert_memory_equal(p.data, "\x03\x06\x0a\x00\x00\x64", 6);
	}
	cin(x, 0x8021, CONFREQ, 9, (const uint8_t *)"\x03\x06\x0a\x00\x00\x05", 6);
	expect(x, 0x8021, CONFREJ);	/* Max-Failure: Nak turns to Reject */
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "peer insists on an address other than the one assigned", p.len);
	cin(x, 0xC021, TERMACK, p.id, NULL, 0);
	assert_true(x->down);
	assert_false(x->v4_up);
	fx_free(x);
}

/* Before the network phase, unknown protocols are discarded, not rejected. */
static void test_no_protocol_reject_before_network(void **state)
{
	struct fx *x = fx_new(NULL);

	(void)state;
	lcp_open(x);
	expect(x, 0xC223, 1);
	cin(x, 0x80FD, CONFREQ, 1, (const uint8_t *)"\x12\x06\x01\x00\x00\x01", 6);
	raw_in(x, (const uint8_t *)"\x21\x45\x00", 3);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_discarded, 2);
	assert_int_equal(x->data_len, 0);
	fx_free(x);
}

static void with_ipv6(struct ppp_config *c)
{
	c->ipv6 = true;
}

static void test_ipv6cp(void **state)
{
	struct fx *x = fx_new(with_ipv6);
	struct pkt ours, nak, r;
	uint8_t req[10] = { 1, 10 };
	uint64_t local;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	expect(x, 0x8021, CONFREQ);
	ours = expect(x, 0x8057, CONFREQ);
	assert_int_equal(ours.len, 10);
	local = 0;
	for (int i = 0; i < 8; i++)
		local = local << 8 | ours.data[2 + i];
	assert_true(local != 0);

	/* Zero identifier: Nak with a fresh non-zero one. */
	cin(x, 0x8057, CONFREQ, 1, req, sizeof(req));
	nak = expect(x, 0x8057, CONFNAK);
	assert_int_equal(nak.len, 10);
	assert_memory_not_equal(nak.data + 2, "\0\0\0\0\0\0\0\0", 8);
	assert_memory_not_equal(nak.data + 2, ours.data + 2, 8);
	/* Collision with ours: Nak too. */
	memcpy(req + 2, ours.data + 2, 8);
	cin(x, 0x8057, CONFREQ, 2, req, sizeof(req));
	r = expect(x, 0x8057, CONFNAK);
	assert_memory_not_equal(r.data + 2, ours.data + 2, 8);
	/* Compression rejected. */
	cin(x, 0x8057, CONFREQ, 3, (const uint8_t *)"\x02\x04\x00\x4f", 4);
	expect(x, 0x8057, CONFREJ);
	/* Take the suggestion: Ack. */
	cin(x, 0x8057, CONFREQ, 4, r.data, r.len);
	expect(x, 0x8057, CONFACK);
	cin(x, 0x8057, CONFACK, ours.id, ours.data, ours.len);
	assert_true(x->v6_up);
	assert_int_equal(x->lid, local);
	assert_true(x->pid != 0 && x->pid != local);
	assert_true(ppp_is_up(x->s));
	fx_free(x);
}

/*
 * The client acks our NCP requests first, then its own last request gets our Ack, as
 * Windows and pppd do it (their first IPCP request asks for 0.0.0.0 and is Naked): that
 * Ack opens the NCP at both ends, and the client sends data the moment it has it, so the
 * owner's data path (ipcp_up, ipv6cp_up: the module's session and the route) must be
 * ready before the Ack leaves. With RFC 1661's sca-then-tlu the client's first packet
 * raced the route, and its setup waited for a resend (issue 19: ~1 s a setup). LCP keeps
 * that order: its up sends the Challenge, which must follow the Ack.
 */
static void test_ncp_up_before_last_ack(void **state)
{
	static const uint8_t req4[] = { 3, 6, 10, 0, 0, 100 };
	static const uint8_t req6[] = { 1, 10, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	struct fx *x = fx_new(with_ipv6);
	struct pkt ours, ours6, p;
	unsigned int sent;

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFACK, ours.id, ours.data, ours.len);
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFACK);	/* LCP: the Ack, then the Challenge */
	mschap_login(x, "User", "clientPass");
	ours = take(x, 0x8021, CONFREQ);
	ours6 = take(x, 0x8057, CONFREQ);
	expect_nothing(x);
	cin(x, 0x8021, CONFACK, ours.id, ours.data, ours.len);
	cin(x, 0x8057, CONFACK, ours6.id, ours6.data, ours6.len);
	assert_false(x->v4_up);
	assert_false(x->v6_up);

	sent = x->n;
	cin(x, 0x8021, CONFREQ, 1, req4, sizeof(req4));
	assert_true(x->v4_up);
	assert_int_equal(x->v4_up_at, sent);	/* up, then the Ack */
	p = expect(x, 0x8021, CONFACK);
	assert_memory_equal(p.data, req4, sizeof(req4));
	expect_nothing(x);

	sent = x->n;
	cin(x, 0x8057, CONFREQ, 1, req6, sizeof(req6));
	assert_true(x->v6_up);
	assert_int_equal(x->v6_up_at, sent);
	p = expect(x, 0x8057, CONFACK);
	assert_memory_equal(p.data, req6, sizeof(req6));
	expect_nothing(x);
	assert_true(ppp_is_up(x->s));
	fx_free(x);
}

/* With log_enabled, lines below the level never reach the log op; the others do. */
static void test_log_below_level_skipped(void **state)
{
	struct ppp_ops quiet = ops;
	struct fx *x, *all;

	(void)state;
	quiet.log_enabled = cb_log_enabled;
	fx_ops = &quiet;
	x = fx_new(NULL);
	fx_ops = &ops;
	all = fx_new(NULL);
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);
	lcp_open(all);
	mschap_login(all, "User", "clientPass");
	ipcp_open(all);
	assert_true(ppp_is_up(x->s) && ppp_is_up(all->s));
	/* the same session logs info lines without the hook */
	assert_true(all->above_notice > 0);
	assert_int_equal(x->above_notice, 0);
	assert_true(x->log_asked >= all->above_notice + all->notices);
	assert_int_equal(x->notices, all->notices);
	fx_free(x);
	fx_free(all);
}

static unsigned int computed;

static const char *costly(void)
{
	computed++;
	return "10.0.0.1";
}

/*
 * Nor are its arguments computed (an address's inet_ntop, as ipcp_up's):
 * ppp_log tests the level first, as core/log.h's log_info does.
 */
static void test_log_below_level_not_computed(void **state)
{
	struct ppp_ops quiet = ops;
	struct fx *x;

	(void)state;
	quiet.log_enabled = cb_log_enabled;
	fx_ops = &quiet;
	x = fx_new(NULL);
	fx_ops = &ops;
	computed = 0;
	ppp_log(x->s, LOG_INFO, "peer %s", costly());
	ppp_log(x->s, LOG_DEBUG, "peer %s", costly());
	assert_int_equal(computed, 0);
	assert_null(strstr(x->log, "peer 10.0.0.1"));
	ppp_log(x->s, LOG_NOTICE, "peer %s", costly());
	assert_int_equal(computed, 1);
	assert_non_null(strstr(x->log, "peer 10.0.0.1"));
	fx_free(x);
}

static uint64_t rl_now;

static uint64_t rl_clock(void *arg)
{
	(void)arg;
	return rl_now;
}

/*
 * A peer sending a protocol we do not run, in a loop: every frame gets its
 * Protocol-Reject and is counted, but the log gets the burst, then a line per
 * interval carrying the count of those left out (a line a frame before).
 */
static void test_log_per_frame_limited(void **state)
{
	unsigned int lines = 0;
	struct fx *x;

	(void)state;
	rl_now = 0;	/* back in time: the call site's bucket starts full */
	logrl_set_clock(rl_clock, NULL);
	x = fx_new(NULL);
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);
	x->log_len = 0;
	x->log[0] = '\0';
	for (int i = 0; i <= 200; i++) {
		if (i == 200)
			rl_now += LOGRL_INTERVAL_MS;
		x->n = x->rd = 0;
		cin(x, 0x80FD, CONFREQ, (uint8_t)i, (const uint8_t *)"\x12\x06\x01\x00\x00\x01", 6);
		expect(x, 0xC021, PROTREJ);
	}
	for (const char *p = x->log; (p = strstr(p, "not supported: Protocol-Reject")); p++)
		lines++;
	assert_int_equal(lines, LOGRL_BURST + 1);
	assert_non_null(strstr(x->log, "Protocol-Reject (195 similar lines suppressed)"));
	assert_int_equal(x->s->st.rx_proto_rejected, 201);
	logrl_set_clock(NULL, NULL);
	fx_free(x);
}

/* Malformed frames: dropped and counted, never answered, never over-read. */
static void test_malformed_frames(void **state)
{
	static const struct {
		const char *b;
		size_t len;
	} bad[] = {
		{ "", 0 },
		{ "\xff\x03\x00", 3 },	/* PFC protocol 0x00 is even */
		{ "\xff\x03", 2 },
		{ "\xff\x03\xc0", 3 },		/* even first octet: needs two */
		{ "\xff\x03\xc0\x20\x01", 5 },	/* even protocol */
		{ "\xff\x03\xc0\x21", 4 },		/* no LCP header */
		{ "\xff\x03\xc0\x21\x01\x01\x00", 7 },
		{ "\xff\x03\xc0\x21\x01\x01\x00\x03", 8 },	/* length < 4 */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x09\x01\x04", 10 },	/* length > frame */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x0c\x01\x04\x05\x78", 12 },	/* ditto */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x06\x01\x00", 10 },	/* option len 0 */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x06\x01\x01", 10 },	/* option len 1 */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x07\x05\x06\x00", 11 },	/* overflows */
		{ "\xff\x03\xc0\x21\x01\x01\x00\x05\x07", 9 },	/* half a header */
	};
	struct fx *x = fx_new(NULL);
	uint64_t malformed;
	size_t i;

	(void)state;
	ppp_start(x->s, x->now);
	expect(x, 0xC021, CONFREQ);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		malformed = ppp_get_stats(x->s)->rx_malformed;
		raw_in(x, (const uint8_t *)bad[i].b, bad[i].len);
		expect_nothing(x);
		assert_int_equal(ppp_get_stats(x->s)->rx_malformed, malformed + 1);
	}
	/* Valid but out of place: discarded, not answered (LCP not open yet). */
	raw_in(x, (const uint8_t *)"\xff", 1);	/* PFC protocol 0xff */
	raw_in(x, (const uint8_t *)"\xff\x03\xc2\x23\x02\x05\x00\x04", 8);
	raw_in(x, (const uint8_t *)"\x80\xfd\x01\x01\x00\x04", 6);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_discarded, 3);
	/* Duplicate options and wrong lengths of known options: Configure-Reject. */
	cin(x, 0xC021, CONFREQ, 5, (const uint8_t *)
	    "\x01\x04\x05\x78" "\x01\x04\x05\xdc" "\x05\x03\x01" "\x07\x02", 13);
	{
		struct pkt r = expect(x, 0xC021, CONFREJ);

		assert_int_equal(r.len, 7);
		assert_memory_equal(r.data, "\x01\x04\x05\xdc" "\x05\x03\x01", 7);
	}
	/* Too many options: dropped. */
	{
		uint8_t many[2 * 40];

		for (i = 0; i < 40; i++) {
			many[2 * i] = 7;
			many[2 * i + 1] = 2;
		}
		cin(x, 0xC021, CONFREQ, 6, many, sizeof(many));
		expect_nothing(x);
	}
	/* An overlong packet (beyond 1500) is dropped. */
	{
		uint8_t big[1520] = { 0 };

		cin(x, 0xC021, ECHOREQ, 7, big, sizeof(big) - 8);
		expect_nothing(x);
	}
	/* Padding after the Length field is ignored. */
	raw_in(x, (const uint8_t *)"\xff\x03\xc0\x21\x01\x09\x00\x06\x07\x02\xee\xee", 12);
	{
		struct pkt a = expect(x, 0xC021, CONFACK);

		assert_int_equal(a.id, 9);
		assert_int_equal(a.len, 2);
	}
	assert_false(x->down);
	fx_free(x);
}

/* A peer Nak-ing forever, and our Naks turning into Rejects after Max-Failure. */
static void test_nak_loops_bounded(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt p;
	unsigned int i;

	(void)state;
	ppp_start(x->s, x->now);
	p = expect(x, 0xC021, CONFREQ);
	/* MRU 64 is Nak'd with 128 max_failure (5) times, then rejected. */
	for (i = 0; i < 6; i++) {
		cin(x, 0xC021, CONFREQ, (uint8_t)(10 + i), (const uint8_t *)"\x01\x04\x00\x40", 4);
		p = expect(x, 0xC021, i < 5 ? CONFNAK : CONFREJ);
		assert_memory_equal(p.data, i < 5 ? "\x01\x04\x00\x80" : "\x01\x04\x00\x40", 4);
	}
	/* The peer Naks our magic number forever: bounded by max_nak_rounds. */
	x->rd = x->n;
	for (i = 0; i < 20 && !x->down; i++) {
		advance(x, 3000);	/* a new request */
		while (x->rd < x->n) {
			p = next_pkt(x);
			if (p.code == CONFREQ)
				cin(x, 0xC021, CONFNAK, p.id,
				    (const uint8_t *)"\x05\x06\x01\x02\x03\x04", 6);
		}
	}
	advance(x, 30000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NEGOTIATION);
	assert_non_null(strstr(x->log, "peer refused our options 10 times"));
	fx_free(x);
}

/* Magic number loopback: the peer's equals ours. */
static void test_magic_loopback(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, nak;
	uint8_t opt[6];

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	memcpy(opt, find_opt(&ours, 5), 6);
	cin(x, 0xC021, CONFREQ, 1, opt, 6);
	nak = expect(x, 0xC021, CONFNAK);
	assert_int_equal(nak.data[0], 5);
	assert_memory_not_equal(nak.data + 2, opt + 2, 4);
	/* Zero magic is Nak'd as well. */
	cin(x, 0xC021, CONFREQ, 2, (const uint8_t *)"\x05\x06\0\0\0\0", 6);
	nak = expect(x, 0xC021, CONFNAK);
	assert_memory_not_equal(nak.data + 2, "\0\0\0\0", 4);
	fx_free(x);
}

/* The peer hangs up with Terminate-Request. */
static void test_peer_terminate(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt a;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);
	cin(x, 0xC021, TERMREQ, 77, (const uint8_t *)"User request\x01", 13);
	a = expect(x, 0xC021, TERMACK);
	assert_int_equal(a.id, 77);
	assert_false(x->down);	/* one Restart period first (RFC 1661) */
	advance(x, 3000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_PEER);
	assert_non_null(strstr(x->log, "User request\\x01"));
	fx_free(x);
}

/*
 * The other order (our request acknowledged before the client's request
 * arrives: Req-Sent -> Ack-Rcvd -> Opened), a duplicate Ack ignored, and an
 * LCP renegotiation after the session is up, which ends the session.
 */
static void test_lcp_ack_first_and_renegotiation(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, p;

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFACK, ours.id, ours.data, ours.len);
	expect_nothing(x);
	/* The same Ack again: stale, ignored. */
	cin(x, 0xC021, CONFACK, ours.id, ours.data, ours.len);
	expect_nothing(x);
	assert_string_equal(ppp_phase_name(x->s), "establish");
	cin(x, 0xC021, CONFREQ, 1, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFACK);
	assert_string_equal(ppp_phase_name(x->s), "authenticate");
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);

	/* The client renegotiates LCP: answered per RFC 1661, then we end it. */
	cin(x, 0xC021, CONFREQ, 2, win_lcp, sizeof(win_lcp));
	expect(x, 0xC021, CONFREQ);
	expect(x, 0xC021, CONFACK);
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "LCP renegotiation is not supported", p.len);
	assert_false(ppp_is_up(x->s));
	cin(x, 0xC021, TERMACK, p.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_PROTOCOL);
	fx_free(x);
}

/* What ipcp_open's client had acked: its address and DNS servers from our Nak. */
static const uint8_t ipcp_acked[] = {
	0x03, 0x06, 0x0a, 0x00, 0x00, 0x64,
	0x81, 0x06, 0xc0, 0x00, 0x02, 0x35,
	0x83, 0x06, 0xc0, 0x00, 0x02, 0x36,
};

/* The IPCP session's end, as a renegotiation ends it. */
static void expect_ipcp_renegotiation_end(struct fx *x)
{
	struct pkt p = take(x, 0xC021, TERMREQ);

	assert_memory_equal(p.data, "IPCP renegotiation is not supported", p.len);
	assert_false(ppp_is_up(x->s));
}

/*
 * The client's Configure-Request again, with the options we acked and a new
 * identifier (pppd and Windows take a new one for each resend), after we
 * opened: our Ack was lost or late and the client's Restart timer fired.  One
 * lost datagram must not end the session: it is no renegotiation, and it is
 * acked again with nothing else changed.  (Found in 55-admit-flood on a loaded
 * host: "LCP renegotiation is not supported" for a client that had never
 * seen our Ack.)
 */
static void test_confreq_resent_after_open(void **state)
{
	struct fx *x = fx_new(no_echo);
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	struct pkt ch, p;
	unsigned int i;

	(void)state;
	lcp_open(x);
	cin(x, 0xC021, CONFREQ, 2, win_lcp, sizeof(win_lcp));
	p = take(x, 0xC021, CONFACK);
	assert_int_equal(p.id, 2);
	assert_int_equal(p.len, sizeof(win_lcp));
	assert_memory_equal(p.data, win_lcp, sizeof(win_lcp));
	assert_string_equal(ppp_phase_name(x->s), "authenticate");
	/* the challenge went once, and nothing else */
	ch = expect(x, 0xC223, 1);
	expect_nothing(x);
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", want);
	p = expect(x, 0xC223, 3);
	assert_memory_equal(p.data, want, 42);
	ipcp_open(x);

	/* IPCP: as many resends as the client's Max-Configure allows */
	for (i = 0; i < 10; i++) {
		cin(x, 0x8021, CONFREQ, (uint8_t)(3 + i), ipcp_acked, sizeof(ipcp_acked));
		p = expect(x, 0x8021, CONFACK);
		assert_int_equal(p.id, 3 + i);
		assert_memory_equal(p.data, ipcp_acked, sizeof(ipcp_acked));
		expect_nothing(x);
		assert_true(x->v4_up);
		assert_true(ppp_is_up(x->s));
	}
	/* one more is a renegotiation */
	cin(x, 0x8021, CONFREQ, 13, ipcp_acked, sizeof(ipcp_acked));
	expect_ipcp_renegotiation_end(x);
	fx_free(x);
}

/*
 * What is not a resend: LCP's once the client answered our challenge (it
 * does only with LCP open: test_lcp_ack_first_and_renegotiation), an NCP's
 * after Max-Configure Restart periods, or other options than those acked.
 */
static void test_confreq_renegotiation_not_resend(void **state)
{
	struct fx *x = fx_new(no_echo);
	uint8_t other[sizeof(ipcp_acked)];

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);
	advance(x, 3000 * 10 + 1);
	cin(x, 0x8021, CONFREQ, 3, ipcp_acked, sizeof(ipcp_acked));
	expect_ipcp_renegotiation_end(x);
	fx_free(x);

	x = fx_new(no_echo);
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ipcp_open(x);
	memcpy(other, ipcp_acked, sizeof(other));
	other[5] = 0x65;	/* another address */
	cin(x, 0x8021, CONFREQ, 3, other, sizeof(other));
	expect_ipcp_renegotiation_end(x);
	fx_free(x);
}

static void pap_only(struct ppp_config *c)
{
	c->auth = PPP_AUTH_PAP;
	c->echo_interval_ms = 0;
}

static void pap_req(struct fx *x, uint8_t id, const char *user, const char *pw)
{
	uint8_t d[128];
	size_t ul = strlen(user), pl = strlen(pw);

	d[0] = (uint8_t)ul;
	memcpy(d + 1, user, ul);
	d[1 + ul] = (uint8_t)pl;
	memcpy(d + 2 + ul, pw, pl);
	cin(x, 0xC023, 1, id, d, 2 + ul + pl);
}

/* PAP: wrong password Nak'd after the delay, then a right one; NT-hash
 * users work with PAP; a malformed request is dropped; the phase times out. */
static void test_pap(void **state)
{
	struct fx *x = fx_new(pap_only);
	struct pkt ours, p;

	(void)state;
	ours = lcp_open(x);
	assert_memory_equal(find_opt(&ours, 3), "\x03\x04\xc0\x23", 4);
	/* Peer-ID length beyond the packet. */
	cin(x, 0xC023, 1, 1, (const uint8_t *)"\x09User", 5);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_malformed, 1);
	pap_req(x, 2, "hashonly", "wrong");
	expect_nothing(x);
	advance(x, 2000);
	p = expect(x, 0xC023, 3);
	assert_int_equal(p.id, 2);
	assert_memory_equal(p.data, "\x15" "Authentication failed", 22);
	pap_req(x, 3, "hashonly", "clientPass");
	p = expect(x, 0xC023, 2);
	assert_int_equal(p.id, 3);
	assert_string_equal(ppp_user(x->s), "hashonly");
	/* A retransmitted request after success gets the Ack again. */
	pap_req(x, 3, "hashonly", "clientPass");
	take(x, 0xC023, 2);
	ipcp_open(x);
	assert_null(strstr(x->log, "clientPass"));
	fx_free(x);

	/* A peer that never sends its credentials: the phase times out. */
	x = fx_new(pap_only);
	lcp_open(x);
	advance(x, 59999);
	expect_nothing(x);
	advance(x, 1);
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "peer did not authenticate within 60 s", p.len);
	cin(x, 0xC021, TERMACK, p.id, NULL, 0);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_TIMEOUT);
	fx_free(x);
}

static void md5_only(struct ppp_config *c)
{
	c->auth = PPP_AUTH_CHAP_MD5;
	c->auth_tries = 2;
}

/* CHAP-MD5: a wrong answer gets Failure after the delay and a new
 * Challenge; the second wrong one ends the session (auth_tries = 2). */
static void test_chap_md5_failures(void **state)
{
	struct fx *x = fx_new(md5_only);
	struct pkt ours, ch, p;
	uint8_t d[1 + 16 + 4];

	(void)state;
	ours = lcp_open(x);
	assert_memory_equal(find_opt(&ours, 3), "\x03\x05\xc2\x23\x05", 5);
	ch = expect(x, 0xC223, 1);
	/* A Response with a wrong value size is malformed. */
	cin(x, 0xC223, 2, ch.id, (const uint8_t *)"\x31User", 5);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_malformed, 1);
	d[0] = 16;
	mschap_md5_response(ch.id, (const uint8_t *)"wrong", 5, ch.data + 1, 16, d + 1);
	memcpy(d + 17, "User", 4);
	cin(x, 0xC223, 2, ch.id, d, sizeof(d));
	expect_nothing(x);
	advance(x, 2000);
	p = expect(x, 0xC223, 4);
	assert_int_equal(p.id, ch.id);
	ch = expect(x, 0xC223, 1);
	assert_int_not_equal(ch.id, p.id);
	mschap_md5_response(ch.id, (const uint8_t *)"wrong", 5, ch.data + 1, 16, d + 1);
	cin(x, 0xC223, 2, ch.id, d, sizeof(d));
	advance(x, 2000);
	expect(x, 0xC223, 4);
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "authentication failed 2 times", p.len);
	advance(x, 6000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_FAILED);
	fx_free(x);
}

/* IPCP never answered: Max-Configure requests, then the session ends. */
static void test_ipcp_max_configure(void **state)
{
	struct fx *x = fx_new(no_echo);
	unsigned int i;
	struct pkt t;

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	expect(x, 0x8021, CONFREQ);
	for (i = 1; i < 10; i++) {
		advance(x, 3000);
		expect(x, 0x8021, CONFREQ);
	}
	advance(x, 3000);
	t = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(t.data, "no network protocol could be opened", t.len);
	cin(x, 0xC021, TERMACK, t.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NO_NCP);
	assert_false(x->v4_up);
	fx_free(x);
}

/* A flood of malformed frames: each dropped and counted, the log bounded. */
static void test_malformed_flood_log_bounded(void **state)
{
	struct fx *x = fx_new(NULL);
	unsigned int i, notices = 0;
	const char *p;

	(void)state;
	ppp_start(x->s, x->now);
	for (i = 0; i < 1000; i++)
		raw_in(x, (const uint8_t *)"\xff\x03\xc0\x21\x01", 5);
	assert_int_equal(ppp_get_stats(x->s)->rx_malformed, 1000);
	for (p = x->log; (p = strstr(p, "truncated packet")); p++)
		notices++;
	/* All reach the owner's log, but only 20 (+1 note) at notice level. */
	assert_int_equal(notices, 1000);
	assert_int_equal(x->notices, 21);
	assert_non_null(strstr(x->log, "further dropped frames"));
	assert_false(x->down);
	fx_free(x);
}

/* The peer Protocol-Rejects IPCP with IPv4 the only NCP: nothing to run. */
static void test_ncp_protocol_rejected(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, t;
	uint8_t rej[2 + 10];

	(void)state;
	lcp_open(x);
	mschap_login(x, "User", "clientPass");
	ours = expect(x, 0x8021, CONFREQ);
	rej[0] = 0x80;
	rej[1] = 0x21;
	memcpy(rej + 2, ours.data - 4, 10);
	cin(x, 0xC021, PROTREJ, 3, rej, sizeof(rej));
	t = expect(x, 0xC021, TERMREQ);
	cin(x, 0xC021, TERMACK, t.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NO_NCP);
	fx_free(x);
}

/* NCP packets during authentication are silently discarded; a peer that
 * never answers the challenge is timed out. */
static void test_auth_phase_timeouts(void **state)
{
	struct fx *x = fx_new(no_echo);
	unsigned int n;

	(void)state;
	lcp_open(x);
	expect(x, 0xC223, 1);
	cin(x, 0x8021, CONFREQ, 1, (const uint8_t *)"\x03\x06\0\0\0\0", 6);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_discarded, 1);
	/* Challenge retransmitted each Restart period, Max-Configure times. */
	for (n = 0; n < 10; n++) {
		advance(x, 3000);
		expect(x, 0xC223, 1);
	}
	advance(x, 3000);
	expect(x, 0xC021, TERMREQ);
	advance(x, 6000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_TIMEOUT);
	fx_free(x);
}

/* The peer refusing to authenticate (Reject of the auth option). */
static void test_auth_rejected(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ours, t;

	(void)state;
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFREJ, ours.id, find_opt(&ours, 3), 5);
	t = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(t.data, "peer refuses to authenticate", t.len);
	expect_nothing(x);
	advance(x, 6000);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_NO_AUTH);
	fx_free(x);

	/* A Reject that is not a subset of our request is ignored. */
	x = fx_new(NULL);
	ppp_start(x->s, x->now);
	ours = expect(x, 0xC021, CONFREQ);
	cin(x, 0xC021, CONFREJ, ours.id, (const uint8_t *)"\x03\x05\xc2\x23\x05", 5);
	expect_nothing(x);
	assert_int_equal(ppp_get_stats(x->s)->rx_malformed, 1);
	fx_free(x);
}

/* Invalid configurations are refused; the lower layer going away ends the
 * session at once and silently; closing before start still reports down. */
static void test_config_and_lower_down(void **state)
{
	struct ppp_config cfg;
	struct fx *x;

	(void)state;
	x = fx_new(NULL);
	ppp_config_init(&cfg);
	cfg.auth = 0;
	assert_null(ppp_new(&cfg, &ops, x));
	ppp_config_init(&cfg);
	cfg.mru = 64;
	assert_null(ppp_new(&cfg, &ops, x));
	ppp_config_init(&cfg);
	cfg.ipv4 = false;
	assert_null(ppp_new(&cfg, &ops, x));
	ppp_config_init(&cfg);
	cfg.echo_failures = 0;
	assert_null(ppp_new(&cfg, &ops, x));
	assert_non_null(strstr(x->log, "invalid PPP configuration"));

	lcp_open(x);
	expect(x, 0xC223, 1);
	ppp_lower_down(x->s, x->now);
	expect_nothing(x);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_PEER);
	assert_int_equal(ppp_next_timeout(x->s), PPP_NO_TIMEOUT);
	ppp_timer(x->s, x->now + 100000);
	expect_nothing(x);
	assert_int_equal(x->downs, 1);
	fx_free(x);

	x = fx_new(NULL);
	ppp_close(x->s, x->now, "not yet");
	expect_nothing(x);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_ADMIN);
	fx_free(x);
}


/*
 * The throttle refuses: the right password gets the Failure after the
 * usual delay, unchecked (no auth_result), and the session goes on to its
 * next try; the name asked about is the users file's, without the domain.
 */
static void test_throttle_refuses_unchecked(void **state)
{
	struct fx *x = fx_new(NULL);
	struct pkt ch, fail;

	(void)state;
	lcp_open(x);
	ch = expect(x, 0xC223, 1);
	x->refuse = true;
	mschap_answer(x, ch.id, ch.data + 1, "CORP\\User", "clientPass", NULL);
	expect_nothing(x);
	assert_int_equal(x->asked, 1);
	assert_string_equal(x->asked_user, "User");
	assert_int_equal(x->auth_ok + x->auth_bad, 0);
	advance(x, 2000);
	fail = expect(x, 0xC223, 4);
	assert_memory_equal(fail.data, "E=691 R=1 C=", 12);
	assert_int_equal(ppp_get_stats(x->s)->auth_failures, 1);
	assert_false(ppp_is_up(x->s));
	assert_non_null(strstr(x->log, "throttled"));
	fx_free(x);
}

/* A session whose owner's ops are ours plus ask or verify (either NULL), LCP open. */
static struct fx *fx_checker(void (*tune)(struct ppp_config *),
			     int (*ask)(void *, const struct ppp_answer *, bool),
			     int (*verify)(void *, const struct ppp_answer *, struct ppp_verdict *))
{
	static struct ppp_ops with;
	struct fx *x;

	with = ops;
	with.ask = ask;
	with.verify = verify;
	fx_ops = &with;
	x = fx_new(tune);
	fx_ops = &ops;
	lcp_open(x);
	return x;
}

/* A session whose owner has ops->verify (privsep: the parent checks), LCP open. */
static struct fx *fx_verify(void (*tune)(struct ppp_config *), unsigned int busy)
{
	struct fx *x = fx_checker(tune, NULL, cb_verify);

	x->verify_busy = busy;
	return x;
}

/*
 * The checker busy (the privsep parent's rate) is no verdict: the answer
 * gets no Failure, spends no try and is no failure in the counters or the
 * log; the same Challenge (identifier and value) comes again after the
 * Restart period, the Restart count started afresh, and the answer to it is
 * checked and granted. PAP: no answer, the peer's repeat is checked. A
 * checker busy for good: the phase timeout ends it, as a peer that never
 * answers. Before: "wrong password (attempt 1 of 3)" and E=691 to a right
 * password at the first busy answer.
 */
static void test_verify_busy(void **state)
{
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	struct pkt ch, again, p;
	struct fx *x;

	(void)state;
	x = fx_verify(no_echo, 2);
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", NULL);
	expect_nothing(x);
	advance(x, 2000);	/* no Failure after the failure delay either */
	expect_nothing(x);
	advance(x, 1000);
	again = expect(x, 0xC223, 1);
	assert_int_equal(again.id, ch.id);
	assert_int_equal(again.len, ch.len);
	assert_memory_equal(again.data, ch.data, ch.len);
	mschap_answer(x, again.id, again.data + 1, "User", "clientPass", NULL);
	expect_nothing(x);
	for (int i = 0; i < 10; i++) {	/* Max-Configure afresh: one more than were left */
		advance(x, 3000);
		again = expect(x, 0xC223, 1);
	}
	mschap_answer(x, again.id, again.data + 1, "User", "clientPass", want);
	p = expect(x, 0xC223, 3);
	assert_int_equal(p.id, ch.id);
	assert_memory_equal(p.data, want, 42);
	assert_int_equal(x->verifies, 3);
	assert_int_equal(ppp_get_stats(x->s)->auth_busy, 2);
	assert_int_equal(ppp_get_stats(x->s)->auth_failures, 0);
	assert_int_equal(x->auth_bad, 0);
	assert_null(strstr(x->log, "wrong password"));
	assert_non_null(strstr(x->log, "not checked now (the checker is busy)"));
	ipcp_open(x);
	fx_free(x);

	/* PAP */
	x = fx_verify(pap_only, 1);
	pap_req(x, 7, "User", "clientPass");
	expect_nothing(x);
	advance(x, 3000);
	expect_nothing(x);
	pap_req(x, 7, "User", "clientPass");
	p = expect(x, 0xC023, 2);
	assert_int_equal(p.id, 7);
	assert_int_equal(ppp_get_stats(x->s)->auth_failures, 0);
	assert_int_equal(ppp_get_stats(x->s)->auth_busy, 1);
	fx_free(x);

	/* busy for good: the phase timeout, not a wrong password */
	x = fx_verify(no_echo, 1000);
	ch = expect(x, 0xC223, 1);
	for (int i = 0; i < 25 && !x->down; i++) {
		if (ch.proto == 0xC223)
			mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", NULL);
		advance(x, 3000);
		while (x->rd < x->n) {
			ch = next_pkt(x);
			assert_true(ch.proto == 0xC223 ? ch.code == 1 :
				    ch.proto == 0xC021 && ch.code == TERMREQ);
		}
	}
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_TIMEOUT);
	assert_int_equal(x->auth_bad, 0);
	assert_int_equal(ppp_get_stats(x->s)->auth_failures, 0);
	assert_null(strstr(x->log, "wrong password"));
	fx_free(x);
}

/* A session whose owner has ops->ask (RADIUS), LCP open. */
static struct fx *fx_ask(void (*tune)(struct ppp_config *))
{
	return fx_checker(tune, cb_ask, NULL);
}

static void md5_three(struct ppp_config *c)
{
	c->auth = PPP_AUTH_CHAP_MD5;
	c->auth_tries = 3;
	c->echo_interval_ms = 0;
}

static void chap_md5_answer(struct fx *x, uint8_t id, const uint8_t *chal, size_t clen,
			    const char *user, const char *pw)
{
	uint8_t d[1 + 16 + 64];
	size_t ul = strlen(user);

	d[0] = 16;
	mschap_md5_response(id, (const uint8_t *)pw, strlen(pw), chal, clen, d + 1);
	memcpy(d + 17, user, ul);
	cin(x, 0xC223, 2, id, d, 17 + ul);
}

static void auth_done(struct fx *x, bool ok, const char *why, const char *resp,
		      const char *addr)
{
	struct ppp_auth_outcome o = {
		.ok = ok, .checked = true, .why = why, .auth_resp = resp,
		.addr.s_addr = addr ? inet_addr(addr) : 0,
	};

	ppp_auth_done(x->s, x->now, &o);
}

/*
 * ops->ask (RADIUS): PAP waits for the answer without sending anything, a
 * retransmitted request meanwhile is discarded, the outcome's address is
 * the one IPCP offers, and the name as sent is the session's user.
 */
static void test_ask_pap(void **state)
{
	struct fx *x;
	struct pkt p;

	(void)state;
	x = fx_ask(pap_only);
	pap_req(x, 7, "raduser", "radpass");
	assert_int_equal(x->asks, 1);
	assert_false(x->ask_known);
	assert_int_equal(x->ask.method, PPP_AUTH_PAP);
	assert_string_equal(x->ask_name, "raduser");
	assert_int_equal(x->ask.value_len, 7);
	assert_memory_equal(x->ask_value, "radpass", 7);
	assert_true(ppp_auth_pending(x->s));
	pap_req(x, 7, "raduser", "radpass");
	expect_nothing(x);
	assert_int_equal(x->asks, 1);
	advance(x, 10000);
	expect_nothing(x);
	auth_done(x, true, NULL, NULL, "10.0.0.77");
	p = expect(x, 0xC023, 2);
	assert_int_equal(p.id, 7);
	assert_false(ppp_auth_pending(x->s));
	assert_string_equal(ppp_user(x->s), "raduser");
	assert_int_equal(x->auth_ok, 1);
	/* a second outcome is not waited for: ignored */
	auth_done(x, false, "late", NULL, NULL);
	assert_int_equal(x->auth_bad, 0);
	p = take(x, 0x8021, CONFREQ);
	cin(x, 0x8021, CONFREQ, 1, (const uint8_t *)"\x03\x06\0\0\0\0", 6);
	p = expect(x, 0x8021, CONFNAK);
	assert_memory_equal(p.data, "\x03\x06\x0a\x00\x00\x4d", 6);
	assert_null(strstr(x->log, "radpass"));
	fx_free(x);
}

/*
 * MS-CHAPv2 through ops->ask: the Success carries the checker's
 * authenticator response; one that is not "S=" and 40 hex digits is not
 * passed on: the peer gets a Failure, after the delay.
 */
static void test_ask_mschapv2(void **state)
{
	static const char resp[] = "S=0123456789ABCDEF0123456789ABCDEF01234567";
	struct fx *x;
	struct pkt ch, p;

	(void)state;
	x = fx_ask(no_echo);
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "CORP\\raduser", "radpass", NULL);
	assert_int_equal(x->asks, 1);
	assert_int_equal(x->ask.method, PPP_AUTH_MSCHAPV2);
	assert_string_equal(x->ask_name, "CORP\\raduser");
	assert_int_equal(x->ask.value_len, 49);
	expect_nothing(x);
	auth_done(x, true, NULL, resp, NULL);
	p = expect(x, 0xC223, 3);
	assert_int_equal(p.id, ch.id);
	assert_int_equal(p.len, 42 + 17);
	assert_memory_equal(p.data, resp, 42);
	assert_memory_equal(p.data + 42, " M=Access granted", 17);
	ipcp_open(x);
	fx_free(x);

	x = fx_ask(no_echo);
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "raduser", "radpass", NULL);
	auth_done(x, true, NULL, "S=0123456789abcdef0123456789ABCDEF0123456", NULL);
	expect_nothing(x);
	advance(x, 2000);
	p = expect(x, 0xC223, 4);
	assert_memory_equal(p.data, "E=691 R=1 C=", 12);
	assert_non_null(strstr(x->log, "well-formed MS-CHAP2-Success"));
	assert_int_equal(x->auth_ok, 0);
	fx_free(x);
}

/*
 * A reject: the Failure after the delay, the throttle told, the reason in
 * the log; the next try is asked again. Refused by ask (too many waiting):
 * a failure, unchecked. ask returning 1: checked here (the users file).
 */
static void test_ask_reject_and_fallback(void **state)
{
	struct fx *x;
	struct pkt ch, p;

	(void)state;
	x = fx_ask(md5_three);
	ch = expect(x, 0xC223, 1);
	chap_md5_answer(x, ch.id, ch.data + 1, ch.data[0], "raduser", "wrong");
	assert_int_equal(x->ask.method, PPP_AUTH_CHAP_MD5);
	assert_int_equal(x->ask.id, ch.id);
	assert_int_equal(x->ask.value_len, 16);
	auth_done(x, false, "rejected by the RADIUS server: \"Bad password\"", NULL, NULL);
	expect_nothing(x);
	assert_int_equal(x->auth_bad, 1);
	assert_string_equal(x->result_user, "raduser");
	advance(x, 2000);
	expect(x, 0xC223, 4);
	ch = expect(x, 0xC223, 1);
	assert_non_null(strstr(x->log, "Bad password"));
	x->ask_ret = -1;
	chap_md5_answer(x, ch.id, ch.data + 1, ch.data[0], "raduser", "right");
	assert_int_equal(x->asks, 2);
	assert_int_equal(x->auth_bad, 1);	/* unchecked */
	assert_non_null(strstr(x->log, "too many authentications waiting"));
	advance(x, 2000);
	expect(x, 0xC223, 4);
	ch = expect(x, 0xC223, 1);
	x->ask_ret = 1;
	chap_md5_answer(x, ch.id, ch.data + 1, ch.data[0], "User", "clientPass");
	assert_true(x->ask_known);
	p = expect(x, 0xC223, 3);
	assert_int_equal(p.id, ch.id);
	fx_free(x);
}

/* No outcome: the phase's timeout ends the session; a late outcome is ignored. */
static void test_ask_timeout(void **state)
{
	struct fx *x;
	struct pkt p;

	(void)state;
	x = fx_ask(pap_only);
	pap_req(x, 1, "raduser", "radpass");
	assert_true(ppp_auth_pending(x->s));
	advance(x, 60000);
	p = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(p.data, "peer did not authenticate within 60 s", p.len);
	assert_false(ppp_auth_pending(x->s));
	auth_done(x, true, NULL, NULL, NULL);
	expect_nothing(x);
	assert_int_equal(x->auth_ok, 0);
	fx_free(x);
}

/*
 * The heap the session holds beyond base, in the ASan build (the sanitizer
 * allocator's exact count); the plain build's mallinfo2() counts glibc's
 * per-thread cache of freed chunks as in use, so there it is not asserted.
 */
#if defined(__SANITIZE_ADDRESS__)
#define assert_heap_at_least(base, n)	assert_true(heap_in_use() >= (base) + (n))
#define assert_heap_at_most(base, n)	assert_true(heap_in_use() <= (base) + (n))
#else
#define assert_heap_at_least(base, n)	((void)(base))
#define assert_heap_at_most(base, n)	((void)(base))
#endif

/*
 * The authentication's state lives only while the peer authenticates: it is
 * there from LCP up (with room for the name of who tried), gone with the
 * Success, after which only the user's name stays; a Response resent
 * because our Success was lost still gets the same Success, with the same
 * authenticator response, from what stayed.
 */
static void test_auth_state_gone_after_success(void **state)
{
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	struct pkt ch, ok, again;
	struct fx *x = fx_new(no_echo);
	size_t base = heap_in_use();

	(void)state;
	lcp_open(x);
	assert_heap_at_least(base, 256);
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", want);
	ok = expect(x, 0xC223, 3);
	assert_int_equal(ok.id, ch.id);
	assert_int_equal(ok.len, 42 + 17);
	assert_memory_equal(ok.data, want, 42);
	assert_memory_equal(ok.data + 42, " M=Access granted", 17);
	assert_heap_at_most(base, sizeof("User"));
	assert_string_equal(ppp_user(x->s), "User");
	assert_string_equal(ppp_auth_method_name(x->s), "mschapv2");
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", NULL);
	again = take(x, 0xC223, 3);
	assert_int_equal(again.id, ch.id);
	assert_int_equal(again.len, ok.len);
	assert_memory_equal(again.data, ok.data, ok.len);
	/* another id is not a resend: discarded, and nothing is checked again */
	mschap_answer(x, (uint8_t)(ch.id + 1), ch.data + 1, "User", "clientPass", NULL);
	assert_int_equal(x->auth_ok, 1);
	assert_heap_at_most(base, sizeof("User"));
	ipcp_open(x);
	fx_free(x);
}

/* PAP's Ack, said again for a resent request, from the same state. */
static void test_auth_state_gone_after_pap_success(void **state)
{
	struct fx *x = fx_new(pap_only);
	size_t base = heap_in_use();
	struct pkt ok, again;

	(void)state;
	lcp_open(x);
	assert_heap_at_least(base, 256);
	pap_req(x, 5, "User", "clientPass");
	ok = expect(x, 0xC023, 2);
	assert_heap_at_most(base, sizeof("User"));
	pap_req(x, 5, "User", "clientPass");
	again = take(x, 0xC023, 2);
	assert_int_equal(again.len, ok.len);
	assert_memory_equal(again.data, ok.data, ok.len);
	assert_memory_equal(ok.data, "\x0e" "Access granted", 15);
	assert_int_equal(x->auth_ok, 1);
	fx_free(x);
}

/* After the last wrong answer the state is gone; only the reason for the end is held. */
static void test_auth_state_gone_after_failure(void **state)
{
	struct fx *x = fx_new(md5_three);
	size_t base = heap_in_use();
	struct pkt ch, t;
	unsigned int i;

	(void)state;
	lcp_open(x);
	for (i = 0; i < 3; i++) {
		ch = expect(x, 0xC223, 1);
		assert_heap_at_least(base, 256);
		chap_md5_answer(x, ch.id, ch.data + 1, 16, "User", "wrong");
		advance(x, 2000);
		expect(x, 0xC223, 4);
	}
	t = expect(x, 0xC021, TERMREQ);
	assert_memory_equal(t.data, "authentication failed 3 times", t.len);
	assert_heap_at_most(base, sizeof("authentication failed 3 times"));
	assert_string_equal(ppp_user(x->s), "");
	assert_null(ppp_auth_method_name(x->s));
	/* an answer now, even the right one, is not looked at */
	chap_md5_answer(x, ch.id, ch.data + 1, 16, "User", "clientPass");
	expect_nothing(x);
	assert_int_equal(x->auth_ok, 0);
	cin(x, 0xC021, TERMACK, t.id, NULL, 0);
	assert_true(x->down);
	assert_int_equal(x->reason, PPP_DOWN_AUTH_FAILED);
	fx_free(x);
}

/*
 * A session going while it authenticates frees the state (the ASan build
 * finds a leak otherwise): the lower layer gone in the middle of a
 * challenge, a session freed with no down at all, and one whose answer the
 * checker still holds, whose late outcome is then ignored.
 */
static void test_auth_teardown_frees_state(void **state)
{
	struct fx *x = fx_new(NULL);
	size_t base = heap_in_use();

	(void)state;
	lcp_open(x);
	expect(x, 0xC223, 1);
	assert_heap_at_least(base, 256);
	ppp_lower_down(x->s, x->now);
	assert_true(x->down);
	assert_heap_at_most(base, sizeof("L2TP session closed"));
	assert_int_equal(ppp_next_timeout(x->s), PPP_NO_TIMEOUT);
	fx_free(x);

	x = fx_new(NULL);
	lcp_open(x);
	expect(x, 0xC223, 1);
	fx_free(x);	/* never down: ppp_free frees it */

	x = fx_ask(pap_only);	/* LCP open: the state is there already */
	base = heap_in_use();
	pap_req(x, 1, "raduser", "radpass");
	assert_true(ppp_auth_pending(x->s));
	ppp_close(x->s, x->now, "shutting down");
	expect(x, 0xC021, TERMREQ);
	ppp_lower_down(x->s, x->now);
	assert_true(x->down);
	assert_false(ppp_auth_pending(x->s));
	assert_heap_at_most(base - 256, sizeof("shutting down"));
	auth_done(x, true, NULL, NULL, NULL);
	expect_nothing(x);
	assert_int_equal(x->auth_ok, 0);
	assert_string_equal(ppp_user(x->s), "");
	fx_free(x);
}

/*
 * Sessions under one shared configuration (ppp_new_shared): each takes a
 * reference, so the owner may drop its own (a reload) while they live; the
 * DNS servers one of them is given (ppp_set_dns, a RADIUS server's) are
 * that session's alone.
 */
static void test_shared_config(void **state)
{
	static const uint8_t ask[] = { 3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0 };
	struct in_addr dns[2] = { { inet_addr("198.51.100.1") }, { 0 } };
	struct fx *a = fx_new(no_echo), *b = fx_new(no_echo);
	struct ppp_config cfg = a->cfg;
	struct ppp_conf *c = ppp_conf_new(&cfg);
	struct pkt nak;

	(void)state;
	assert_non_null(c);
	assert_true(ppp_conf_is(c, &a->cfg));
	cfg.mru = 1300;
	assert_false(ppp_conf_is(c, &cfg));
	assert_false(ppp_conf_is(NULL, &cfg));
	ppp_free(a->s);
	ppp_free(b->s);
	a->s = ppp_new_shared(c, fx_ops, a);
	b->s = ppp_new_shared(c, fx_ops, b);
	assert_non_null(a->s);
	assert_non_null(b->s);
	ppp_conf_put(c);	/* the owner's reference: the sessions keep theirs */
	ppp_set_dns(a->s, dns);
	lcp_open(a);
	mschap_login(a, "User", "clientPass");
	take(a, 0x8021, CONFREQ);
	cin(a, 0x8021, CONFREQ, 1, ask, sizeof(ask));
	nak = expect(a, 0x8021, CONFNAK);
	assert_int_equal(nak.len, sizeof(ask));
	assert_memory_equal(nak.data + 6, "\x81\x06\xc6\x33\x64\x01", 6);
	lcp_open(b);
	mschap_login(b, "User", "clientPass");
	ipcp_open(b);	/* the configuration's DNS servers */
	fx_free(a);
	fx_free(b);
}

/*
 * A checker elsewhere (ops->verify) that grants MS-CHAPv2 without a
 * well-formed "S=" and 40 hex digits: not passed on to the peer, refused as
 * ops->ask's is (a Failure after the delay), and nothing is granted.
 */
static void test_verify_malformed_auth_resp(void **state)
{
	struct fx *x = fx_verify(no_echo, 0);
	struct pkt ch, p;

	(void)state;
	x->verify_bad_resp = true;
	ch = expect(x, 0xC223, 1);
	mschap_answer(x, ch.id, ch.data + 1, "User", "clientPass", NULL);
	expect_nothing(x);
	advance(x, 2000);
	p = expect(x, 0xC223, 4);
	assert_int_equal(p.id, ch.id);
	assert_int_equal(x->auth_ok, 0);
	assert_string_equal(ppp_user(x->s), "");
	assert_non_null(strstr(x->log, "well-formed authenticator response"));
	fx_free(x);
}

/* A backoff longer than auth_fail_delay holds the Failure back that long. */
static void test_throttle_backoff_delays_failure(void **state)
{
	struct fx *x = fx_new(pap_only);

	(void)state;
	lcp_open(x);
	x->backoff_ms = 7000;
	pap_req(x, 5, "nosuchuser", "guess");
	assert_int_equal(x->auth_bad, 1);
	assert_string_equal(x->result_user, "nosuchuser");
	advance(x, 6999);
	expect_nothing(x);
	advance(x, 1);
	assert_int_equal(expect(x, 0xC023, 3).id, 5);
	fx_free(x);
}

/*
 * PAP against a stored password: a prefix, an extension and a same-length
 * guess are all refused, the password is accepted.
 */
static void test_pap_plain_password(void **state)
{
	static const char *const wrong[] = { "clientPas", "clientPass2", "clientPasz", "" };
	struct fx *x;

	(void)state;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		x = fx_new(pap_only);
		lcp_open(x);
		pap_req(x, 1, "User", wrong[i]);
		assert_int_equal(x->auth_bad, 1);
		advance(x, 2000);
		expect(x, 0xC023, 3);
		pap_req(x, 2, "User", "clientPass");
		assert_int_equal(x->auth_ok, 1);
		expect(x, 0xC023, 2);
		fx_free(x);
	}
}

static bool in_holds(const struct fx *x, const void *secret, size_t len)
{
	return memmem(x->in, x->in_len, secret, len) != NULL;
}

/*
 * A password (PAP) or a response to our challenge (CHAP, MS-CHAPv2) is
 * wiped from the frame it came in once the frame is handled, whatever the
 * outcome: accepted, wrong, throttled, malformed, not expected now.
 */
static void test_auth_secrets_wiped_from_input(void **state)
{
	uint8_t d[1 + 16 + 4];
	struct pkt ch;
	struct fx *x;

	(void)state;
	x = fx_new(pap_only);
	lcp_open(x);
	pap_req(x, 2, "User", "wrongGuess");
	assert_int_equal(x->auth_bad, 1);
	assert_false(in_holds(x, "wrongGuess", 10));
	/* a password length beyond the packet: still not left behind */
	cin(x, 0xC023, 1, 3, (const uint8_t *)"\x04User\x30hiddenPw", 14);
	assert_false(in_holds(x, "hiddenPw", 8));
	advance(x, 2000);
	expect(x, 0xC023, 3);
	x->refuse = true;
	pap_req(x, 4, "User", "clientPass");	/* throttled, refused unchecked */
	assert_false(in_holds(x, "clientPass", 10));
	advance(x, 2000);
	expect(x, 0xC023, 3);
	x->refuse = false;
	pap_req(x, 5, "User", "clientPass");
	assert_int_equal(x->auth_ok, 1);
	assert_false(in_holds(x, "clientPass", 10));
	pap_req(x, 5, "User", "clientPass");	/* a retransmission after the Ack */
	assert_false(in_holds(x, "clientPass", 10));
	fx_free(x);

	x = fx_new(md5_only);
	lcp_open(x);
	ch = expect(x, 0xC223, 1);
	d[0] = 16;
	mschap_md5_response(ch.id, (const uint8_t *)"clientPass", 10, ch.data + 1, 16, d + 1);
	memcpy(d + 17, "User", 4);
	cin(x, 0xC223, 2, ch.id, d, sizeof(d));
	assert_int_equal(x->auth_ok, 1);
	assert_false(in_holds(x, d + 1, 16));
	fx_free(x);

	x = fx_new(NULL);
	lcp_open(x);
	pap_req(x, 1, "User", "papPass");	/* not the method we asked for */
	assert_false(in_holds(x, "papPass", 7));
	mschap_login(x, "User", "clientPass");
	assert_int_equal(x->auth_ok, 1);
	/* the peer challenge mschap_answer() sends, and the NT-Response after it */
	assert_int_equal(x->in_len, 8 + 1 + 49 + 4);
	for (size_t i = 9; i < 9 + 49; i++)
		assert_int_equal(x->in[i], 0);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_like_session),
		cmocka_unit_test(test_auth_nak_to_chap_md5),
		cmocka_unit_test(test_auth_fallback_respects_config),
		cmocka_unit_test(test_restart_timer_max_configure),
		cmocka_unit_test(test_echo_timeout),
		cmocka_unit_test(test_wrong_password_bounded),
		cmocka_unit_test(test_retry_then_success),
		cmocka_unit_test(test_pool_exhausted),
		cmocka_unit_test(test_ipcp_rejects),
		cmocka_unit_test(test_ipv6cp),
		cmocka_unit_test(test_ncp_up_before_last_ack),
		cmocka_unit_test(test_log_below_level_skipped),
		cmocka_unit_test(test_log_per_frame_limited),
		cmocka_unit_test(test_log_below_level_not_computed),
		cmocka_unit_test(test_malformed_frames),
		cmocka_unit_test(test_nak_loops_bounded),
		cmocka_unit_test(test_magic_loopback),
		cmocka_unit_test(test_peer_terminate),
		cmocka_unit_test(test_ncp_protocol_rejected),
		cmocka_unit_test(test_ipcp_max_configure),
		cmocka_unit_test(test_ipcp_insisting_peer),
		cmocka_unit_test(test_no_protocol_reject_before_network),
		cmocka_unit_test(test_pap),
		cmocka_unit_test(test_throttle_refuses_unchecked),
		cmocka_unit_test(test_throttle_backoff_delays_failure),
		cmocka_unit_test(test_pap_plain_password),
		cmocka_unit_test(test_auth_secrets_wiped_from_input),
		cmocka_unit_test(test_chap_md5_failures),
		cmocka_unit_test(test_lcp_ack_first_and_renegotiation),
		cmocka_unit_test(test_confreq_resent_after_open),
		cmocka_unit_test(test_confreq_renegotiation_not_resend),
		cmocka_unit_test(test_malformed_flood_log_bounded),
		cmocka_unit_test(test_auth_phase_timeouts),
		cmocka_unit_test(test_auth_rejected),
		cmocka_unit_test(test_config_and_lower_down),
		cmocka_unit_test(test_ask_pap),
		cmocka_unit_test(test_verify_busy),
		cmocka_unit_test(test_ask_mschapv2),
		cmocka_unit_test(test_ask_reject_and_fallback),
		cmocka_unit_test(test_ask_timeout),
		cmocka_unit_test(test_auth_state_gone_after_success),
		cmocka_unit_test(test_auth_state_gone_after_pap_success),
		cmocka_unit_test(test_auth_state_gone_after_failure),
		cmocka_unit_test(test_auth_teardown_frees_state),
		cmocka_unit_test(test_shared_config),
		cmocka_unit_test(test_verify_malformed_auth_resp),
	};

	return cmocka_run_group_tests_name("ppp", tests, NULL, NULL);
}
