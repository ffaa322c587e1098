/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An accounting server on loopback for the unit tests, played with
 * radius_sign.h: it verifies every request as a server would (Request
 * Authenticator and Message-Authenticator with the secret "s3cret"), keeps
 * a copy, answers with a signed Accounting-Response unless silent, and
 * stops the loop once it got stop_at requests (acct_srv_run). The accessors read an
 * attribute of request i (the test fails when it is absent). test_peer_of
 * makes a client's address for the RADIUS tests.
 *
 * It answers an Access-Request too (counted in auth_got, not kept), with an
 * Access-Accept carrying the attributes in accept[accept_len] (as they go on
 * the wire), whatever the credentials: the tests of what an Accept assigns.
 */
#ifndef L2SEC_TEST_ACCT_SRV_H
#define L2SEC_TEST_ACCT_SRV_H

#include <arpa/inet.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/sa46.h"
#include "core/util.h"
#include "radius/radius_sign.h"

#define ACCT_SRV_MAX 32

static const struct radius_secret acct_srv_secret = { (const uint8_t *)"s3cret", 6 };

struct acct_srv {
	struct evloop *loop;
	int fd;
	struct ev_io io;
	struct ev_timer guard;		/* acct_srv_run's */
	uint16_t port;
	unsigned int got, answered, bad, stop_at, auth_got;
	bool silent;
	uint8_t accept[RADIUS_MAX_LEN / 2];	/* the Access-Accept's attributes */
	size_t accept_len;
	struct {
		uint8_t buf[RADIUS_MAX_LEN];
		size_t len;
	} req[ACCT_SRV_MAX];
};

static inline void acct_srv_cb(struct ev_io *io, uint32_t events)
{
	struct acct_srv *s = container_of(io, struct acct_srv, io);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	uint8_t buf[RADIUS_MAX_LEN];
	struct radius_msg m;
	struct radius_pkt p;
	ssize_t n;

	(void)events;
	n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	if (radius_decode(&m, buf, (size_t)n) != RADIUS_OK ||
	    (m.code != RADIUS_ACCOUNTING_REQUEST && m.code != RADIUS_ACCESS_REQUEST) ||
	    radius_verify_request(&m, &acct_srv_secret) != RADIUS_OK) {
		s->bad++;
		return;
	}
	if (m.code == RADIUS_ACCESS_REQUEST) {
		s->auth_got++;
		radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, buf[1]);
		memcpy(p.buf + p.len, s->accept, s->accept_len);
		p.len += s->accept_len;
		put_be16(p.buf + 2, (uint16_t)p.len);
		goto answer;
	}
	if (s->got < ACCT_SRV_MAX) {
		memcpy(s->req[s->got].buf, buf, (size_t)n);
		s->req[s->got].len = (size_t)n;
	}
	s->got++;
	if (s->stop_at && s->got >= s->stop_at)
		evloop_stop(s->loop);
	if (s->silent)
		return;
	radius_pkt_init(&p, RADIUS_ACCOUNTING_RESPONSE, buf[1]);
answer:
	assert_int_equal(radius_sign_answer(&p, &acct_srv_secret, buf + 4), 0);
	assert_int_equal(sendto(s->fd, p.buf, p.len, 0, (struct sockaddr *)&from, flen),
			 (ssize_t)p.len);
	s->answered++;
}

static inline void acct_srv_guard_cb(struct ev_timer *t)
{
	evloop_stop(container_of(t, struct acct_srv, guard)->loop);
}

/* On 127.0.0.1, a port of the kernel's choosing (s->port), read from loop. */
static inline void acct_srv_open(struct acct_srv *s, struct evloop *loop)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->loop = loop;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sin, &len), 0);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(evloop_add_io(loop, &s->io, s->fd, EPOLLIN, acct_srv_cb), 0);
	ev_timer_init(&s->guard, acct_srv_guard_cb);
}

/* Run the loop for ms, or until the server got n requests in all (0: for ms). */
static inline void acct_srv_run(struct acct_srv *s, unsigned int ms, unsigned int n)
{
	s->stop_at = n;
	ev_timer_arm(s->loop, &s->guard, ms);
	assert_int_equal(evloop_run(s->loop), 0);
	ev_timer_cancel(s->loop, &s->guard);
	s->stop_at = 0;
}

static inline void acct_srv_close(struct acct_srv *s)
{
	evloop_del_io(s->loop, &s->io);
	close(s->fd);
}

/* A client's public address and port, as the sessions have them. */
static inline union sa46 test_peer_of(const char *addr, uint16_t port)
{
	union sa46 sa = { .sin = { .sin_family = AF_INET, .sin_port = htons(port) } };

	sa.sin.sin_addr.s_addr = inet_addr(addr);
	return sa;
}

/* Attribute type of request i, or NULL; m holds the decoded request. */
static inline const struct radius_avp *acct_attr(const struct acct_srv *s, unsigned int i,
						 uint8_t type, struct radius_msg *m)
{
	assert_true(i < s->got && i < ACCT_SRV_MAX);
	assert_int_equal(radius_decode(m, s->req[i].buf, s->req[i].len), RADIUS_OK);
	return radius_find(m, type, NULL);
}

static inline bool acct_has(const struct acct_srv *s, unsigned int i, uint8_t type)
{
	struct radius_msg m;

	return acct_attr(s, i, type, &m) != NULL;
}

static inline uint32_t acct_u32(const struct acct_srv *s, unsigned int i, uint8_t type)
{
	struct radius_msg m;
	const struct radius_avp *a = acct_attr(s, i, type, &m);
	const uint8_t *v;

	assert_non_null(a);
	assert_int_equal(a->len, 4);
	v = radius_value(&m, a);
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

static inline void acct_value(const struct acct_srv *s, unsigned int i, uint8_t type,
			      const void *want, size_t len)
{
	struct radius_msg m;
	const struct radius_avp *a = acct_attr(s, i, type, &m);

	assert_non_null(a);
	assert_int_equal(a->len, len);
	assert_memory_equal(radius_value(&m, a), want, len);
}

static inline void acct_str(const struct acct_srv *s, unsigned int i, uint8_t type, char *out,
			    size_t cap)
{
	struct radius_msg m;
	const struct radius_avp *a = acct_attr(s, i, type, &m);

	assert_non_null(a);
	assert_true(a->len < cap);
	memcpy(out, radius_value(&m, a), a->len);
	out[a->len] = '\0';
}

#endif
