// SPDX-License-Identifier: GPL-2.0
/*
 * kern.c's generic netlink replies: kern_open (resolving the l2sec family)
 * and then the daemon's requests to l2sec.ko, each answered by replies from
 * the input through a fake libmnl socket (tests/fuzz/mnl_fake.h). The
 * replies are read by the library l2secd shares with the tool (lib/gnl.c:
 * framing, acks with extended-ack messages, nlctrl's family replies;
 * lib/obj.c: the family's attribute policy).
 *
 * Input: one config byte (bit 0: the socket cannot be opened, bit 1: not
 * bound), then the replies to kern_open's request, then any number of
 * [op] octets, each followed by the replies to that request:
 *   op % 8: socket add, socket delete, tunnel add (IPv4 or IPv6 by bit 3),
 *           tunnel delete, tunnel SA get, session add, session up (with
 *           IPv4 and a /64 by bit 3), session delete
 * Replies may be unframed (mnl_fake.h, flags bit 2): a message longer than
 * the datagram (2^31 and more too), an ack error of INT_MIN.
 * Oracles besides the sanitizers (a read past the reply in the receive
 * buffer shows, it is poisoned): kern_open gives a handle exactly when a
 * reply named a family, else NULL with errno; every request is a well-formed
 * message of the resolved family with a fresh sequence number; a failure
 * sets errno; no request is left without its socket closed at the end.
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <stddef.h>
#include <stdint.h>

#include "datapath/kern.h"
#include "mnl_fake.h"

static int call(struct kern *k, uint8_t op)
{
	struct kern_tunnel t = { .tid = 7, .peer_tid = 9, .sock_id = 1, .mark = op & 16 ? 3 : 0,
				 .reqid = op & 32 ? 5 : 0 };
	struct in6_addr pfx = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	struct in_addr a4 = { htonl(0xc0a82a0a) };
	uint64_t ifid = 0x0200000000000001ull;
	struct kern_sa sa;
	/* by handle and id, or by id alone (a module without handles) */
	struct kern_tref tr = { .handle = op & 16 ? 3 : 0, .tid = 7 };
	uint32_t id = 0;

	if (op & 8) {
		struct sockaddr_in6 *p = (struct sockaddr_in6 *)&t.peer;

		p->sin6_family = AF_INET6;
		p->sin6_port = htons(1701);
	} else {
		struct sockaddr_in *p = (struct sockaddr_in *)&t.peer;

		p->sin_family = AF_INET;
		p->sin_port = htons(1701);
	}
	switch (op % 8) {
	case 0:
		return kern_sock_add(k, 5, op & 8, &id);
	case 1:
		return kern_sock_del(k, 1);
	case 2:
		return kern_tunnel_add(k, &t, &id, &sa);
	case 3:
		return kern_tunnel_del(k, tr);
	case 4:
		return kern_tunnel_sa(k, tr, &sa);
	case 5:
		return kern_session_add(k, tr, 11, 13);
	case 6:
		return kern_session_up(k, tr, 11, op & 8 ? &a4 : NULL, op & 8 ? &pfx : NULL,
				       op & 16 ? &ifid : NULL);
	default:
		return kern_session_del(k, tr, 11);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kern *k;
	uint16_t family;
	uint32_t seq;

	if (size < 1)
		return 0;
	mnl_fake_start(data[0], data + 1, size - 1, true);
	mf.raw_ok = true;
	errno = 0;
	k = kern_open();
	mnl_fake_unpoison();
	if (!k) {
		CHECK(errno && mf.opened == mf.closed);
		return 0;
	}
	/* the request socket and the watch of nlctrl notifications */
	CHECK(mf.opened == 2 && !mf.closed && mf.type == GENL_ID_CTRL);
	family = 0;
	seq = mf.seq;
	while (mnl_fake_more()) {
		int ret;

		errno = 0;
		ret = call(k, mnl_fake_byte());
		mnl_fake_unpoison();
		CHECK(ret == 0 || (ret == -1 && errno));
		/* one family for every request, each with a new sequence number */
		CHECK(mf.type && (!family || mf.type == family));
		CHECK(mf.seq != seq);
		family = mf.type;
		seq = mf.seq;
	}
	kern_close(k);
	CHECK(mf.closed == 2);
	return 0;
}
