/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the checker's unit tests (cmocka): a request as the engine sends it,
 * to the checker alone or through the parent (priv_parent.h) with hooks of
 * the test's (the no-op ones below for what it does not look at).
 * Include after cmocka.h.
 */
#ifndef L2SEC_TEST_PRIV_REQ_H
#define L2SEC_TEST_PRIV_REQ_H

#include <sys/socket.h>
#include <unistd.h>

#include "priv/priv_check.h"
#include "priv/priv_msg.h"
#include "priv/priv_parent.h"

/*
 * Encode m with the next sequence number (*seq) and hand it to c as a
 * datagram at now; the reply in *reply names the request, and encodes (it
 * goes over the wire too). The checker's reason.
 */
static inline enum priv_reason priv_test_req(struct priv_check *c, uint32_t *seq, uint64_t now,
					     struct priv_msg *m, struct priv_msg *reply)
{
	uint8_t buf[PRIV_MSG_MAX];
	enum priv_reason why;
	int n;

	m->seq = ++*seq;
	n = priv_msg_encode(m, buf, sizeof(buf));
	assert_true(n >= PRIV_HDR_LEN);
	why = priv_check_datagram(c, buf, (size_t)n, now, reply);
	assert_int_equal(reply->type, PRIV_REPLY);
	assert_int_equal(reply->seq, m->seq);
	assert_int_equal(reply->reply.req_type, m->type);
	assert_int_equal(reply->reply.reason, why);
	assert_true(priv_msg_encode(reply, buf, sizeof(buf)) > 0);
	return why;
}

/*
 * m with the next sequence number (*seq) through the parent as the engine
 * sends it (priv_parent_input: judged, carried out by ops with ctx,
 * answered); the decoded reply in *reply, its reason returned.
 */
static inline enum priv_reason priv_test_parent_req(struct priv_check *c,
						    const struct priv_exec_ops *ops, void *ctx,
						    uint32_t *seq, uint64_t now, struct priv_msg *m,
						    struct priv_msg *reply)
{
	uint8_t buf[PRIV_MSG_MAX];
	int sv[2], n;
	ssize_t got;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	m->seq = ++*seq;
	n = priv_msg_encode(m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(send(sv[1], buf, (size_t)n, 0), n);
	assert_int_equal(priv_parent_input(c, sv[0], ops, ctx, now), PRIV_PARENT_OK);
	got = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	assert_true(got > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)got, reply), PRIV_OK);
	assert_int_equal(reply->reply.req_type, m->type);
	close(sv[0]);
	close(sv[1]);
	return (enum priv_reason)reply->reply.reason;
}

/* Hooks of the parent that do nothing (and succeed): the module's tunnel handle 1. */
static inline int priv_test_tunnel_add(void *ctx, const struct priv_tunnel_add *t,
				       uint32_t *dp_handle)
{
	(void)ctx;
	(void)t;
	*dp_handle = 1;
	return 0;
}

static inline void priv_test_tunnel_del(void *ctx, const struct priv_check_tref *t)
{
	(void)ctx;
	(void)t;
}

static inline int priv_test_session_add(void *ctx, const struct priv_check_tref *t, uint16_t sid,
					uint16_t peer_sid)
{
	(void)ctx;
	(void)t;
	(void)sid;
	(void)peer_sid;
	return 0;
}

static inline void priv_test_session_del(void *ctx, const struct priv_check_tref *t, uint16_t sid)
{
	(void)ctx;
	(void)t;
	(void)sid;
}

#endif
