// SPDX-License-Identifier: GPL-2.0
/*
 * The asynchronous RADIUS client with a fake clock and fake sockets: the
 * servers are played here with radius_sign.h (each request checked as a
 * server checks it, answers signed as a server signs them). Retransmission,
 * failover and dead time, identifiers never reused in flight, the queue's
 * bound, Acct-Delay-Time on accounting retries, and every answer that must
 * be dropped counted by its reason.
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
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/log.h"
#include "radius/radius_client.h"

#define TIMEOUT 1000
#define RETRIES 2
#define DEAD 30000
#define MAX_SENT 1024

static const struct radius_secret secrets[2] = {
	{ (const uint8_t *)"first-secret", 12 },
	{ (const uint8_t *)"second-secret", 13 },
};

struct sent {
	unsigned int server;
	size_t len;
	uint8_t buf[RADIUS_MAX_LEN];
};

struct fx {
	struct radius_client *c;
	struct radius_client_conf conf;
	struct sent *sent;
	unsigned int n_sent;
	int send_err;
	/* callbacks */
	unsigned int n_done;
	int last_err;
	uint8_t last_code;
};

static int fake_send(void *arg, unsigned int server, const void *buf, size_t len)
{
	struct fx *f = arg;
	struct sent *s;

	assert_true(f->n_sent < MAX_SENT);
	s = &f->sent[f->n_sent++];
	s->server = server;
	s->len = len;
	memcpy(s->buf, buf, len);
	return f->send_err;
}

static void done(void *arg, int err, const uint8_t *ans, size_t len)
{
	struct fx *f = arg;

	f->n_done++;
	f->last_err = err;
	f->last_code = err ? 0 : ans[0];
	if (!err)
		assert_true(len >= RADIUS_HDR_LEN);
}

static void server_addr(struct sockaddr_storage *ss, unsigned int i, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(0x7f000001 + i);
}

/* A signer of fx_new's clients (NULL: the client's own), and when it is busy. */
static const struct radius_signer *fx_signer;
static unsigned int signer_busy_calls;

static int busy_sign(void *ctx, unsigned int server, uint64_t tag, struct radius_pkt *p)
{
	(void)ctx;
	(void)tag;
	if (signer_busy_calls) {
		signer_busy_calls--;
		return -EAGAIN;
	}
	return radius_sign_request(p, &secrets[server % 2], NULL);
}

static enum radius_err busy_verify(void *ctx, unsigned int server, const struct radius_msg *m,
				   uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	(void)ctx;
	return radius_verify_answer(m, req_code, req_auth, &secrets[server % 2]);
}

static struct fx *fx_new(unsigned int n_servers, unsigned int max_inflight,
			 unsigned int max_queue)
{
	static const struct radius_client_ops ops = { .send = fake_send };
	struct fx *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->sent = calloc(MAX_SENT, sizeof(*f->sent));
	assert_non_null(f->sent);
	f->conf.n_servers = n_servers;
	f->conf.timeout_ms = TIMEOUT;
	f->conf.retries = RETRIES;
	f->conf.dead_time_ms = DEAD;
	f->conf.max_inflight = max_inflight;
	f->conf.max_queue = max_queue;
	f->conf.signer = fx_signer;
	for (i = 0; i < n_servers; i++) {
		server_addr(&f->conf.servers[i].addr, i, 1812);
		f->conf.servers[i].addr_len = sizeof(struct sockaddr_in);
		f->conf.servers[i].secret = secrets[i % 2];
	}
	f->c = radius_client_new(&f->conf, &ops, f);
	assert_non_null(f->c);
	return f;
}

static void fx_free(struct fx *f)
{
	radius_client_free(f->c);
	free(f->sent);
	free(f);
}

static struct radius_req *submit_access(struct fx *f, const char *user, uint64_t now)
{
	struct radius_pkt p;

	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	radius_put_str(&p, RADIUS_USER_NAME, user);
	radius_put_password(&p, "secret password", 15);
	return radius_client_submit(f->c, &p, done, f, now);
}

static struct radius_req *submit_acct(struct fx *f, uint64_t now)
{
	struct radius_pkt p;

	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	radius_put_u32(&p, RADIUS_ACCT_STATUS_TYPE, 1);
	radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "42");
	radius_put_u32(&p, RADIUS_ACCT_DELAY_TIME, 0);
	return radius_client_submit(f->c, &p, done, f, now);
}

/* The server's check of datagram s; returns its decoded form. */
static void server_check(const struct sent *s, struct radius_msg *m)
{
	assert_int_equal(radius_decode(m, s->buf, s->len), RADIUS_OK);
	assert_int_equal(radius_verify_request(m, &secrets[s->server % 2]), RADIUS_OK);
}

/* The server answers s with code, signed with secret. */
static void answer_with(struct fx *f, const struct sent *s, uint8_t code,
			const struct radius_secret *secret, uint16_t port, uint64_t now)
{
	struct sockaddr_storage from;
	struct radius_pkt a;

	radius_pkt_init(&a, code, s->buf[1]);
	radius_put_str(&a, RADIUS_REPLY_MESSAGE, "hello");
	assert_int_equal(radius_sign_answer(&a, secret, s->buf + 4), 0);
	server_addr(&from, s->server, port);
	radius_client_input(f->c, s->server, (struct sockaddr *)&from, sizeof(struct sockaddr_in),
			    a.buf, a.len, now);
}

static void answer(struct fx *f, const struct sent *s, uint8_t code, uint64_t now)
{
	answer_with(f, s, code, &secrets[s->server % 2], 1812, now);
}

static void test_accept(void **state)
{
	struct fx *f = fx_new(2, 16, 16);
	const struct radius_server_stats *st;
	struct radius_msg m;

	assert_non_null(submit_access(f, "alice", 0));
	assert_int_equal(f->n_sent, 1);
	assert_int_equal(f->sent[0].server, 0);
	server_check(&f->sent[0], &m);
	assert_int_equal(radius_client_inflight(f->c, 0), 1);
	assert_int_equal(radius_client_next_deadline(f->c), TIMEOUT);
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, 10);
	assert_int_equal(f->n_done, 1);
	assert_int_equal(f->last_err, 0);
	assert_int_equal(f->last_code, RADIUS_ACCESS_ACCEPT);
	assert_int_equal(radius_client_inflight(f->c, 0), 0);
	assert_int_equal(radius_client_next_deadline(f->c), UINT64_MAX);
	st = radius_client_server_stats(f->c, 0);
	assert_int_equal(st->requests, 1);
	assert_int_equal(st->accepts, 1);
	/* the same answer again: its identifier is no longer in flight */
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, 20);
	assert_int_equal(f->n_done, 1);
	assert_int_equal(st->unknown_id, 1);

	submit_access(f, "bob", 30);
	answer(f, &f->sent[1], RADIUS_ACCESS_REJECT, 40);
	submit_access(f, "carol", 50);
	answer(f, &f->sent[2], RADIUS_ACCESS_CHALLENGE, 60);
	assert_int_equal(st->rejects, 1);
	assert_int_equal(st->challenges, 1);
	assert_int_equal(f->n_done, 3);
	fx_free(f);
}

/* Retries on the first server, then the second; the first is dead, then back. */
static void test_failover(void **state)
{
	struct fx *f = fx_new(2, 16, 16);
	const struct radius_server_stats *st0 = radius_client_server_stats(f->c, 0);
	const struct radius_server_stats *st1 = radius_client_server_stats(f->c, 1);
	struct radius_msg m;
	uint64_t now = 0;
	unsigned int i;

	submit_access(f, "alice", now);
	for (i = 1; i <= RETRIES; i++) {
		now += TIMEOUT;
		radius_client_tick(f->c, now - 1);	/* not yet */
		assert_int_equal(f->n_sent, i);
		radius_client_tick(f->c, now);
		assert_int_equal(f->n_sent, i + 1);
		/* an Access-Request goes again unchanged */
		assert_int_equal(f->sent[i].len, f->sent[0].len);
		assert_memory_equal(f->sent[i].buf, f->sent[0].buf, f->sent[0].len);
	}
	assert_int_equal(st0->retransmissions, RETRIES);
	assert_int_equal(radius_client_server_state(f->c, 0, now), RADIUS_SERVER_ALIVE);
	now += TIMEOUT;
	radius_client_tick(f->c, now);
	assert_int_equal(st0->timeouts, 1);
	assert_int_equal(radius_client_server_state(f->c, 0, now), RADIUS_SERVER_DEAD);
	assert_int_equal(radius_client_inflight(f->c, 0), 0);
	/* failed over at once, signed for the second server's secret */
	assert_int_equal(f->n_sent, RETRIES + 2);
	assert_int_equal(f->sent[RETRIES + 1].server, 1);
	server_check(&f->sent[RETRIES + 1], &m);
	assert_int_equal(st1->requests, 1);
	/* a late answer from the first server finds nothing in flight there */
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, now);
	assert_int_equal(st0->unknown_id, 1);
	assert_int_equal(f->n_done, 0);
	answer(f, &f->sent[RETRIES + 1], RADIUS_ACCESS_ACCEPT, now + 5);
	assert_int_equal(f->n_done, 1);
	assert_int_equal(f->last_code, RADIUS_ACCESS_ACCEPT);

	/* while the first is dead, requests go to the second */
	submit_access(f, "bob", now + 10);
	assert_int_equal(f->sent[f->n_sent - 1].server, 1);
	answer(f, &f->sent[f->n_sent - 1], RADIUS_ACCESS_ACCEPT, now + 20);
	/* after the dead time, to the first again */
	now += DEAD;
	assert_int_equal(radius_client_server_state(f->c, 0, now), RADIUS_SERVER_ALIVE);
	submit_access(f, "carol", now);
	assert_int_equal(f->sent[f->n_sent - 1].server, 0);
	fx_free(f);
}

static void test_all_dead(void **state)
{
	struct fx *f = fx_new(2, 16, 16);
	uint64_t now = 0;

	submit_access(f, "alice", now);
	while (f->n_done == 0 && now < 100 * TIMEOUT) {
		now += TIMEOUT;
		radius_client_tick(f->c, now);
	}
	assert_int_equal(f->n_done, 1);
	assert_int_equal(f->last_err, -ETIMEDOUT);
	/* (1 + RETRIES) tries on each server, in (1 + RETRIES) * 2 timeouts */
	assert_int_equal(f->n_sent, 2 * (1 + RETRIES));
	assert_int_equal(now, 2 * (1 + RETRIES) * TIMEOUT);
	assert_int_equal(radius_client_server_state(f->c, 0, now), RADIUS_SERVER_DEAD);
	assert_int_equal(radius_client_server_state(f->c, 1, now), RADIUS_SERVER_DEAD);
	/* both dead: a new request still tries the first rather than give up */
	submit_access(f, "bob", now);
	assert_int_equal(f->sent[f->n_sent - 1].server, 0);
	/* it answers: alive again */
	answer(f, &f->sent[f->n_sent - 1], RADIUS_ACCESS_REJECT, now + 1);
	assert_int_equal(radius_client_server_state(f->c, 0, now + 1), RADIUS_SERVER_ALIVE);
	fx_free(f);
}

static uint32_t delay_of(const struct sent *s)
{
	const struct radius_avp *a;
	struct radius_msg m;
	const uint8_t *v;

	server_check(s, &m);
	a = radius_find(&m, RADIUS_ACCT_DELAY_TIME, NULL);
	assert_non_null(a);
	v = radius_value(&m, a);
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

/* Accounting retries carry the delay so far: a new identifier and authenticator. */
static void test_acct_delay(void **state)
{
	struct fx *f = fx_new(1, 16, 16);
	const struct radius_server_stats *st = radius_client_server_stats(f->c, 0);

	assert_non_null(submit_acct(f, 5000));
	assert_int_equal(delay_of(&f->sent[0]), 0);
	radius_client_tick(f->c, 5000 + TIMEOUT);
	assert_int_equal(f->n_sent, 2);
	assert_int_equal(delay_of(&f->sent[1]), 1);
	assert_int_not_equal(f->sent[1].buf[1], f->sent[0].buf[1]);
	assert_memory_not_equal(f->sent[1].buf + 4, f->sent[0].buf + 4, 16);
	assert_int_equal(radius_client_inflight(f->c, 0), 1);
	/* the server answers the first copy late: that identifier is gone */
	answer(f, &f->sent[0], RADIUS_ACCOUNTING_RESPONSE, 6500);
	assert_int_equal(st->unknown_id, 1);
	radius_client_tick(f->c, 5000 + 2 * TIMEOUT);
	assert_int_equal(delay_of(&f->sent[2]), 2);
	answer(f, &f->sent[2], RADIUS_ACCOUNTING_RESPONSE, 7500);
	assert_int_equal(f->n_done, 1);
	assert_int_equal(f->last_code, RADIUS_ACCOUNTING_RESPONSE);
	assert_int_equal(st->responses, 1);
	assert_int_equal(st->retransmissions, 2);
	fx_free(f);
}

/*
 * The signer busy (-EAGAIN: the privsep parent's rate) is no failure: the
 * request stays first in the queue, nothing overtakes it, the client's next
 * deadline is the pause, and it goes when the signer takes it; a busy
 * re-signing of an accounting retransmission spends no try. Before: the
 * request completed with the error (a login refused, a record lost).
 */
static void test_signer_busy(void **state)
{
	static const struct radius_signer signer = { .sign = busy_sign, .verify = busy_verify };
	const struct radius_server_stats *st;
	struct radius_msg m;
	const struct radius_avp *a;
	struct fx *f;

	(void)state;
	fx_signer = &signer;
	f = fx_new(1, 16, 16);
	fx_signer = NULL;
	st = radius_client_server_stats(f->c, 0);
	signer_busy_calls = 1;
	assert_non_null(submit_access(f, "alice", 0));
	assert_non_null(submit_access(f, "bob", 10));
	assert_int_equal(f->n_sent, 0);
	assert_int_equal(f->n_done, 0);
	assert_int_equal(radius_client_next_deadline(f->c), 100);
	radius_client_tick(f->c, 99);
	assert_int_equal(f->n_sent, 0);
	radius_client_tick(f->c, 100);
	assert_int_equal(f->n_sent, 2);
	server_check(&f->sent[0], &m);
	a = radius_find(&m, RADIUS_USER_NAME, NULL);
	assert_non_null(a);
	assert_memory_equal(radius_value(&m, a), "alice", 5);	/* in its order */
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, 110);
	answer(f, &f->sent[1], RADIUS_ACCESS_ACCEPT, 110);
	assert_int_equal(f->n_done, 2);
	assert_int_equal(f->last_err, 0);
	assert_int_equal(radius_client_sign_busy(f->c), 1);

	/* an accounting retransmission's signing busy: not sent, not a try */
	assert_non_null(submit_acct(f, 1000));
	assert_int_equal(f->n_sent, 3);
	signer_busy_calls = 1;
	radius_client_tick(f->c, 1000 + TIMEOUT);
	assert_int_equal(f->n_sent, 3);
	assert_int_equal(st->retransmissions, 0);
	for (int i = 0; i < RETRIES; i++) {	/* every try is still there */
		radius_client_tick(f->c, radius_client_next_deadline(f->c));
		server_check(&f->sent[f->n_sent - 1], &m);
	}
	assert_int_equal(f->n_sent, 3 + RETRIES);
	answer(f, &f->sent[f->n_sent - 1], RADIUS_ACCOUNTING_RESPONSE, 9000);
	assert_int_equal(f->n_done, 3);
	assert_int_equal(f->last_err, 0);
	assert_int_equal(st->retransmissions, RETRIES);
	assert_int_equal(radius_client_sign_busy(f->c), 2);
	fx_free(f);
}

/* 256 in flight with 256 identifiers, the queue behind them, its bound. */
static void test_ids_and_queue(void **state)
{
	struct fx *f = fx_new(1, RADIUS_IDS, 4);
	bool seen[RADIUS_IDS] = { false };
	unsigned int i;

	for (i = 0; i < RADIUS_IDS; i++) {
		assert_non_null(submit_access(f, "u", 0));
		assert_false(seen[f->sent[i].buf[1]]);
		seen[f->sent[i].buf[1]] = true;
	}
	assert_int_equal(radius_client_inflight(f->c, 0), RADIUS_IDS);
	for (i = 0; i < 4; i++)
		assert_non_null(submit_access(f, "q", 0));
	assert_int_equal(f->n_sent, RADIUS_IDS);
	assert_int_equal(radius_client_queued(f->c), 4);
	errno = 0;
	assert_null(submit_access(f, "over", 0));
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(radius_client_queue_full(f->c), 1);
	/* an answer frees an identifier: the head of the queue takes it */
	answer(f, &f->sent[100], RADIUS_ACCESS_ACCEPT, 1);
	assert_int_equal(f->n_sent, RADIUS_IDS + 1);
	assert_int_equal(f->sent[RADIUS_IDS].buf[1], f->sent[100].buf[1]);
	assert_int_equal(radius_client_queued(f->c), 3);
	assert_int_equal(radius_client_inflight(f->c, 0), RADIUS_IDS);
	fx_free(f);
}

/* max_inflight below 256: the rest waits, in order. */
static void test_inflight_bound(void **state)
{
	struct fx *f = fx_new(1, 2, 8);

	submit_access(f, "a", 0);
	submit_access(f, "b", 0);
	submit_access(f, "c", 0);
	assert_int_equal(f->n_sent, 2);
	assert_int_equal(radius_client_queued(f->c), 1);
	answer(f, &f->sent[0], RADIUS_ACCESS_REJECT, 1);
	assert_int_equal(f->n_sent, 3);
	assert_int_equal(radius_client_queued(f->c), 0);
	assert_int_not_equal(f->sent[2].buf[1], f->sent[1].buf[1]);
	fx_free(f);
}

/* Answers that are not the server's own are dropped and counted; the request waits. */
static void test_refused_answers(void **state)
{
	struct fx *f = fx_new(2, 16, 16);
	const struct radius_server_stats *st = radius_client_server_stats(f->c, 0);
	struct sockaddr_storage from;
	uint8_t buf[RADIUS_MAX_LEN];
	struct sent s;

	submit_access(f, "alice", 0);
	s = f->sent[0];
	answer_with(f, &s, RADIUS_ACCESS_ACCEPT, &secrets[0], 1813, 1);	/* another port */
	assert_int_equal(st->dropped, 1);
	answer_with(f, &s, RADIUS_ACCESS_ACCEPT, &secrets[1], 1812, 1);	/* another secret */
	assert_int_equal(st->bad_authenticator, 1);
	answer(f, &s, RADIUS_ACCOUNTING_RESPONSE, 1);			/* answers nothing */
	assert_int_equal(st->malformed, 1);
	s.buf[1] ^= 1;
	answer(f, &s, RADIUS_ACCESS_ACCEPT, 1);				/* unknown identifier */
	assert_int_equal(st->unknown_id, 1);
	s.buf[1] ^= 1;
	/* a datagram cut short */
	server_addr(&from, 0, 1812);
	memset(buf, 0, sizeof(buf));
	radius_client_input(f->c, 0, (struct sockaddr *)&from, sizeof(struct sockaddr_in), buf,
			    12, 1);
	assert_int_equal(st->malformed, 2);
	/* the answer to another request's authenticator */
	memset(s.buf + 4, 0x55, 16);
	answer(f, &s, RADIUS_ACCESS_ACCEPT, 1);
	assert_int_equal(st->bad_authenticator, 2);
	assert_int_equal(f->n_done, 0);
	assert_int_equal(radius_client_inflight(f->c, 0), 1);
	/* and the server's own answer is still taken */
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, 2);
	assert_int_equal(f->n_done, 1);
	assert_int_equal(st->accepts, 1);
	fx_free(f);
}

/*
 * Forged answers (from another port here; from a spoofed source in the field)
 * come as fast as the forger sends: each is counted, and the log gets a
 * bounded number of lines, not a share of them (it was the 1st, 101st, ...
 * of a kind: 1,000 lines for 100,000 answers).
 */
static void test_forged_answers_log_bounded(void **state)
{
	struct fx *f = fx_new(1, 16, 16);
	const struct radius_server_stats *st = radius_client_server_stats(f->c, 0);
	int p[2], saved = dup(STDERR_FILENO);
	int level = log_get_level();
	unsigned int lines = 0;
	char buf[4096];
	struct sent s;
	ssize_t n;

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_true(saved >= 0);
	assert_int_not_equal(dup2(p[1], STDERR_FILENO), -1);
	log_setup(LOG_TARGET_STDERR, LOG_INFO, "test");
	submit_access(f, "alice", 0);
	s = f->sent[0];
	for (unsigned int i = 0; i < 100000; i++) {
		answer_with(f, &s, RADIUS_ACCESS_ACCEPT, &secrets[0], 1813, 1);
		while ((n = read(p[0], buf, sizeof(buf))) > 0)	/* never fill the pipe */
			for (ssize_t j = 0; j < n; j++)
				lines += buf[j] == '\n';
	}
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		for (ssize_t j = 0; j < n; j++)
			lines += buf[j] == '\n';
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[0]);
	close(p[1]);
	log_setup(LOG_TARGET_STDERR, level, "test");
	assert_int_equal(st->dropped, 100000);
	assert_true(lines >= 1);
	assert_true(lines <= 10);
	assert_int_equal(radius_client_inflight(f->c, 0), 1);
	fx_free(f);
	(void)state;
}

static void test_cancel(void **state)
{
	struct fx *f = fx_new(1, 1, 8);
	struct radius_req *a, *b;

	a = submit_access(f, "a", 0);
	b = submit_access(f, "b", 0);
	assert_int_equal(radius_client_queued(f->c), 1);
	radius_client_cancel(f->c, b);
	assert_int_equal(radius_client_queued(f->c), 0);
	radius_client_cancel(f->c, a);
	assert_int_equal(radius_client_inflight(f->c, 0), 0);
	answer(f, &f->sent[0], RADIUS_ACCESS_ACCEPT, 1);
	assert_int_equal(f->n_done, 0);
	radius_client_tick(f->c, 10 * TIMEOUT);
	assert_int_equal(f->n_sent, 1);
	/* requests left in flight and queued are freed with the client */
	submit_access(f, "c", 0);
	submit_access(f, "d", 0);
	fx_free(f);
}

static void test_bad_input(void **state)
{
	static const struct radius_client_ops ops = { .send = fake_send };
	struct fx *f = fx_new(1, 4, 4);
	struct radius_client_conf conf = f->conf;
	struct radius_pkt p;

	/* not a request the client sends */
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 0);
	assert_null(radius_client_submit(f->c, &p, done, f, 0));
	assert_int_equal(errno, EINVAL);
	/* accounting without Acct-Delay-Time */
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	assert_null(radius_client_submit(f->c, &p, done, f, 0));
	/* a send error is a lost try, counted */
	f->send_err = -ENETUNREACH;
	assert_non_null(submit_access(f, "a", 0));
	assert_int_equal(radius_client_server_stats(f->c, 0)->send_errors, 1);
	/* configurations refused */
	conf.max_inflight = RADIUS_IDS + 1;
	assert_null(radius_client_new(&conf, &ops, f));
	conf.max_inflight = 1;
	conf.servers[0].secret.len = 0;
	assert_null(radius_client_new(&conf, &ops, f));
	conf.servers[0].secret = secrets[0];
	conf.n_servers = RADIUS_MAX_SERVERS + 1;
	assert_null(radius_client_new(&conf, &ops, f));
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_all_dead),
		cmocka_unit_test(test_acct_delay),
		cmocka_unit_test(test_signer_busy),
		cmocka_unit_test(test_ids_and_queue),
		cmocka_unit_test(test_inflight_bound),
		cmocka_unit_test(test_refused_answers),
		cmocka_unit_test(test_forged_answers_log_bounded),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests_name("radius_client", tests, NULL, NULL);
}
