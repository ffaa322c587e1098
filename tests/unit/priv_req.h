/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the checker's unit tests (cmocka): a request as the engine sends it.
 * Include after cmocka.h.
 */
#ifndef L2SEC_TEST_PRIV_REQ_H
#define L2SEC_TEST_PRIV_REQ_H

#include "priv/priv_check.h"
#include "priv/priv_msg.h"

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

#endif
