// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec_xfrm.c's NETLINK_XFRM dumps and acks: ipsec_xfrm_flush_stale()
 * with the kernel's replies (the policy dump, the SA dump, then one ack per
 * removal) from the input through a fake libmnl socket (mnl_fake.h).
 *
 * Input: one config byte (bit 0: the socket cannot be opened, bit 1: not
 * bound; bits 2-7 pick which SPIs and marks charon "knows"), then the
 * replies in order.
 * Oracles besides the sanitizers: only what the filter calls stale is
 * removed: every delete request names an SA whose SPI charon does not
 * know or a policy whose mark it does not know, with a well-formed
 * message; the counts returned add up to the deletes sent; the socket is
 * closed on every path.
 */
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/ipsec_xfrm.h"
#include "mnl_fake.h"

static uint8_t known;		/* config bits 2-7 */
static unsigned int deletes;

static bool known_spi(void *ctx, uint32_t spi)
{
	(void)ctx;
	return (spi % 7) < (known & 7u);
}

static bool known_mark(void *ctx, uint32_t mark)
{
	(void)ctx;
	return (mark % 5) < ((known >> 3) & 7u);
}

/* Every delete: well-formed, of an object the filter calls stale. */
static void check_delete(void)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)mf.req;
	const void *body = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	bool has_mark = false;
	size_t id_len;

	if (mf.type == XFRM_MSG_DELSA)
		id_len = sizeof(struct xfrm_usersa_id);
	else if (mf.type == XFRM_MSG_DELPOLICY)
		id_len = sizeof(struct xfrm_userpolicy_id);
	else
		return;
	deletes++;
	CHECK(nlh->nlmsg_flags & NLM_F_ACK);
	CHECK(mnl_nlmsg_get_payload_len(nlh) >= id_len);
	if (mf.type == XFRM_MSG_DELSA) {
		const struct xfrm_usersa_id *id = body;

		CHECK(id->proto == IPPROTO_ESP && !known_spi(NULL, ntohl(id->spi)));
	}
	mnl_attr_for_each(a, nlh, id_len) {
		if (mnl_attr_get_type(a) == XFRMA_MARK &&
		    mnl_attr_get_payload_len(a) >= sizeof(struct xfrm_mark)) {
			const struct xfrm_mark *m = mnl_attr_get_payload(a);

			has_mark = true;
			if (mf.type == XFRM_MSG_DELPOLICY)
				CHECK(m->v && !known_mark(NULL, m->v));
		}
	}
	CHECK(has_mark);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipsec_xfrm_filter f = {
		.l2tp_port = 1701, .before = 2000000000, .known_spi = known_spi,
		.known_mark = known_mark,
	};
	struct ipsec_xfrm_result res;
	unsigned int before;
	int err;

	if (size < 1)
		return 0;
	mnl_fake_start(data[0], data + 1, size - 1, false);
	known = data[0] >> 2;
	deletes = 0;
	mf_on_send = check_delete;
	err = ipsec_xfrm_flush_stale(&f, &res);
	CHECK(mf.opened == mf.closed);
	if (err) {
		CHECK(err < 0 && !res.states && !res.policies && !res.failed && !deletes);
		return 0;
	}
	before = res.states + res.policies + res.failed;
	CHECK(before == deletes);
	return 0;
}
