// SPDX-License-Identifier: GPL-2.0
/*
 * What the privileged parent parses of a client's datagrams on the TUN data
 * path under privsep (daemon/datapath/tunpump.h: the L2TP header, the PPP
 * protocol field, the inner IP header's source) and the engine's decoder of
 * the parent's datagram channel (daemon/datapath/dgchan.h).
 *
 * The table: tunnel 7 keyed by mark 0x100 (require-ipsec) from 192.0.2.1:4500
 * and tunnel 7 keyed by 192.0.2.2:1701, each with sessions 1 and 2 (peer IDs
 * 11, 12); session 1 of each up with 10.0.0.1/2 and 2001:db8:0:1::/64,
 * 2001:db8:0:2::/64 and interface identifier 1.
 * Input: records [op][len hi][len lo][payload]:
 *   op % 4 == 0: a datagram from peer (op >> 2) & 1 on socket (op >> 3) & 1,
 *                with the mark 0x100 when op & 16, else none
 *   op % 4 == 1: a packet from the TUN device
 *   op % 4 == 2: session (op >> 2) & 3 of tunnel (op >> 4) & 1 is deleted,
 *                added again, or brought up (op >> 5 & 3)
 *   op % 4 == 3: a message on the datagram channel
 * Oracles besides the sanitizers: a delivered packet lies inside the
 * datagram, is an IPv4 or IPv6 packet of at least its header, and its source
 * is the session's (10.0.0.x, 2001:db8:0:x::/64 or fe80::1); a framed packet
 * goes to the tunnel's own peer; a channel message the decoder takes encodes
 * back to itself.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datapath/dgchan.h"
#include "datapath/tunpump.h"

static union sa46 peers[2];
static uint32_t handles[2];

static void peer(union sa46 *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, a, &sin->sin_addr);
}

static void up(struct tunpump *tp, unsigned int t, uint16_t sid)
{
	struct kern_tref tr = { handles[t], 7 };
	struct in_addr a4 = { htonl(0x0a000000u | (t + 1)) };
	struct in6_addr a6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, (uint8_t)(t + 1) } };
	uint64_t ifid = 1;

	tunpump_session_up(tp, tr, sid, &a4, &a6, &ifid);
}

static struct tunpump *table(void)
{
	struct tunpump *tp = tunpump_new(4, 8);

	if (!tp)
		abort();
	peer(&peers[0], "192.0.2.1", 4500);
	peer(&peers[1], "192.0.2.2", 1701);
	for (unsigned int t = 0; t < 2; t++) {
		struct kern_tunnel kt = {
			.tid = 7, .peer_tid = 70, .sock_id = 1, .peer = peers[t],
			.require_ipsec = t == 0, .mark = t == 0 ? 0x100 : 0,
		};

		if (tunpump_tunnel_add(tp, &kt, &handles[t]) < 0)
			abort();
		for (uint16_t sid = 1; sid <= 2; sid++)
			tunpump_session_add(tp, (struct kern_tref){ handles[t], 7 }, sid, 10 + sid);
		up(tp, t, 1);
	}
	return tp;
}

static void check_source(const uint8_t *p, size_t len)
{
	if (len >= 20 && p[0] >> 4 == 4) {
		if (p[12] != 10 || p[13] || p[14] || p[15] < 1 || p[15] > 2)
			abort();
		return;
	}
	if (len < 40 || p[0] >> 4 != 6)
		abort();
	if (p[8] == 0xfe && (p[9] & 0xc0) == 0x80) {
		static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };

		if (memcmp(p + 8, ll, 16))
			abort();
		return;
	}
	if (p[8] != 0x20 || p[9] != 0x01 || p[10] != 0x0d || p[11] != 0xb8 || p[12] || p[13] ||
	    p[14] || p[15] < 1 || p[15] > 2)
		abort();
}

static void rx(struct tunpump *tp, uint8_t op, const uint8_t *p, size_t n)
{
	struct tunpump_from from = {
		.sock_id = 1 + ((op >> 3) & 1), .peer = &peers[(op >> 2) & 1],
		.mark = op & 16 ? 0x100 : 0,
	};
	size_t off, len;

	if (tunpump_rx(tp, &from, p, n, &off, &len) != TUNPUMP_DELIVER)
		return;
	if (off > n || len > n - off)
		abort();
	check_source(p + off, len);
}

static void tx(struct tunpump *tp, const uint8_t *p, size_t n)
{
	uint8_t *buf = malloc(TUNPUMP_HEADROOM + n + 1);
	struct tunpump_to to;

	if (!buf)
		return;
	memcpy(buf + TUNPUMP_HEADROOM, p, n);
	if (tunpump_tx(tp, buf, n, &to) == 0 &&
	    memcmp(&to.peer, &peers[0], sizeof(to.peer)) &&
	    memcmp(&to.peer, &peers[1], sizeof(to.peer)))
		abort();
	free(buf);
}

static void change(struct tunpump *tp, uint8_t op)
{
	unsigned int t = (op >> 4) & 1;
	uint16_t sid = (op >> 2) & 3;
	struct kern_tref tr = { handles[t], 7 };

	switch ((op >> 5) & 3) {
	case 0:
		tunpump_session_del(tp, tr, sid);
		break;
	case 1:
		tunpump_session_add(tp, tr, sid, 10 + sid);
		break;
	default:
		up(tp, t, sid);
		break;
	}
}

static void chan(const uint8_t *p, size_t n)
{
	static uint8_t again[DGCHAN_MAX];
	struct l2tp_peer pe;
	struct rxcheck_meta m;
	const uint8_t *dg;
	size_t len;

	if (dgchan_decode(p, n, 2, &pe, &m, &dg, &len) < 0)
		return;
	if (dg != p + DGCHAN_HDR || len != n - DGCHAN_HDR)
		abort();
	if (dgchan_encode(again, &pe, &m, dg, len) != n || memcmp(again, p, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tunpump *tp = table();

	while (size >= 3) {
		uint8_t op = data[0];
		size_t n = (size_t)data[1] << 8 | data[2];
		const uint8_t *p = data + 3;

		size -= 3;
		data += 3;
		if (n > size)
			n = size;
		switch (op % 4) {
		case 0:
			rx(tp, op, p, n);
			break;
		case 1:
			tx(tp, p, n);
			break;
		case 2:
			change(tp, op);
			break;
		default:
			chan(p, n);
			break;
		}
		data += n;
		size -= n;
	}
	tunpump_free(tp);
	return 0;
}
