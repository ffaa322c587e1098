// SPDX-License-Identifier: GPL-2.0
/*
 * The parent's packet switch on the TUN data path (daemon/datapath/tunpump.h):
 * what a client's datagram becomes (an IP packet for the device, a message for
 * the engine, a counted drop) in l2sec.ko's order of checks, and how a packet
 * for a client is framed and where it goes; the tables' limits and keys.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "datapath/dgchan.h"
#include "datapath/tunpump.h"
#include "heap.h"

#define SOCK	1
#define TID	7
#define PTID	70
#define SID	9
#define PSID	90
#define MARK	0x100

static union sa46 peer4(const char *a, uint16_t port)
{
	union sa46 ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, a, &sin->sin_addr), 1);
	return ss;
}

/* The same, as a tunnel keeps it (struct l2tp_peer). */
static union sa46 peer46(const char *a, uint16_t port)
{
	union sa46 ss = peer4(a, port);
	union sa46 sa;

	assert_int_equal(sa46_from(&sa, &ss, sizeof(ss)), 0);
	return sa;
}

static struct kern_tunnel ktunnel(uint16_t tid, const union sa46 *peer,
				  bool require_ipsec, uint32_t mark)
{
	struct kern_tunnel kt = {
		.tid = tid, .peer_tid = PTID, .sock_id = SOCK, .peer = *peer,
		.require_ipsec = require_ipsec, .mark = mark,
	};

	return kt;
}

/* A data message: L2TP header (with Length when len_field), PPP FF 03 proto, payload. */
static size_t data_msg(uint8_t *b, uint16_t tid, uint16_t sid, uint16_t proto,
		       const uint8_t *pl, size_t n)
{
	size_t o = 0;

	b[o++] = 0x00;
	b[o++] = 0x02;
	b[o++] = tid >> 8;
	b[o++] = tid & 0xff;
	b[o++] = sid >> 8;
	b[o++] = sid & 0xff;
	b[o++] = 0xff;
	b[o++] = 0x03;
	b[o++] = proto >> 8;
	b[o++] = proto & 0xff;
	memcpy(b + o, pl, n);
	return o + n;
}

static void ip4(uint8_t *p, const char *src, const char *dst)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[9] = 17;
	assert_int_equal(inet_pton(AF_INET, src, p + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, p + 16), 1);
}

static void ip6(uint8_t *p, const char *src, const char *dst)
{
	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;
	p[6] = 17;
	assert_int_equal(inet_pton(AF_INET6, src, p + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, p + 24), 1);
}

struct fix {
	struct tunpump *tp;
	union sa46 peer;
	struct kern_tref tr;
};

/* One tunnel (require-ipsec with MARK when ipsec) with one session, up as 10.0.0.5 and 2001:db8:0:5::/64. */
static void setup(struct fix *f, bool ipsec, bool up)
{
	struct kern_tunnel kt;
	struct in_addr a4;
	struct in6_addr a6;
	uint64_t ifid = 0x0211223344556677ull;
	uint32_t h;

	f->tp = tunpump_new(4, 8);
	assert_non_null(f->tp);
	f->peer = peer4("192.0.2.1", 4500);
	kt = ktunnel(TID, &f->peer, ipsec, ipsec ? MARK : 0);
	assert_int_equal(tunpump_tunnel_add(f->tp, &kt, &h), 0);
	assert_int_not_equal(h, 0);
	f->tr = (struct kern_tref){ .handle = h, .tid = TID };
	assert_int_equal(tunpump_session_add(f->tp, f->tr, SID, PSID), 0);
	if (!up)
		return;
	inet_pton(AF_INET, "10.0.0.5", &a4);
	inet_pton(AF_INET6, "2001:db8:0:5::", &a6);
	assert_int_equal(tunpump_session_up(f->tp, f->tr, SID, &a4, &a6, &ifid), 0);
}

static enum tunpump_verdict rx(struct fix *f, const union sa46 *from, uint32_t mark,
			       const uint8_t *dg, size_t n, size_t *off, size_t *len)
{
	struct tunpump_from fr = { .sock_id = SOCK, .peer = from, .mark = mark };

	return tunpump_rx(f->tp, &fr, dg, n, off, len);
}

static void test_deliver_and_spoof(void **state)
{
	struct fix f;
	uint8_t pkt[64], dg[128];
	size_t n, off, len;

	setup(&f, true, true);
	ip4(pkt, "10.0.0.5", "198.51.100.1");
	n = data_msg(dg, TID, SID, 0x0021, pkt, 28);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DELIVER);
	assert_int_equal(off, 10);
	assert_int_equal(len, 28);
	assert_memory_equal(dg + off, pkt, 28);
	/* compressed: no FF 03, one-octet protocol */
	dg[6] = 0x21;
	memmove(dg + 7, dg + 10, 28);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, 7 + 28, &off, &len), TUNPUMP_DELIVER);
	assert_int_equal(off, 7);
	assert_int_equal(tunpump_stats(f.tp)->rx_packets, 2);

	/* another session's source */
	ip4(pkt, "10.0.0.6", "198.51.100.1");
	n = data_msg(dg, TID, SID, 0x0021, pkt, 28);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_SPOOF], 1);

	/* IPv6: its /64, fe80::its identifier; another /64 or identifier refused */
	ip6(pkt, "2001:db8:0:5::1234", "2001:db8:ffff::1");
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DELIVER);
	ip6(pkt, "fe80::211:2233:4455:6677", "ff02::2");
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DELIVER);
	ip6(pkt, "fe80::1", "ff02::2");
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	ip6(pkt, "2001:db8:0:6::1", "2001:db8:ffff::1");
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_SPOOF], 3);
	tunpump_free(f.tp);
}

/*
 * A Router Solicitation with the session's source is the engine's, as
 * l2sec.ko hands it up, in any session state: the stack behind the TUN
 * device is no router, and a client solicits as its IPv6CP opens, which may
 * be before the engine has set the session up. Another source: dropped.
 */
static void test_router_solicitation(void **state)
{
	struct fix f;
	uint8_t pkt[64], dg[128];
	size_t n, off, len;

	setup(&f, true, false);
	ip6(pkt, "fe80::211:2233:4455:6677", "ff02::2");
	pkt[6] = 58;		/* ICMPv6 */
	pkt[40] = 133;		/* Router Solicitation */
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_ENGINE);
	tunpump_free(f.tp);

	setup(&f, true, true);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_ENGINE);
	assert_int_equal(tunpump_stats(f.tp)->to_engine, 1);
	ip6(pkt, "fe80::1", "ff02::2");
	pkt[6] = 58;
	pkt[40] = 133;
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_SPOOF], 1);
	/* other ICMPv6 (an echo request) is data */
	ip6(pkt, "fe80::211:2233:4455:6677", "ff02::2");
	pkt[6] = 58;
	pkt[40] = 128;
	n = data_msg(dg, TID, SID, 0x0057, pkt, 48);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DELIVER);
	tunpump_free(f.tp);
}

/* What is not a data packet of an up session goes to the engine, as l2sec.ko hands it up. */
static void test_to_engine(void **state)
{
	static const uint8_t sccrq[] = { 0xc8, 0x02, 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t hello[] = { 0xc8, 0x02, 0x00, 0x0c, 0, TID, 0, 0, 0, 1, 0, 1 };
	static const uint8_t lcp[] = { 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	struct fix f;
	uint8_t pkt[64], dg[128];
	size_t n, off, len;

	setup(&f, true, false);
	assert_int_equal(rx(&f, &f.peer, MARK, sccrq, sizeof(sccrq), &off, &len), TUNPUMP_ENGINE);
	assert_int_equal(rx(&f, &f.peer, MARK, hello, sizeof(hello), &off, &len), TUNPUMP_ENGINE);
	n = data_msg(dg, TID, SID, 0xc021, lcp, sizeof(lcp));
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_ENGINE);
	/* a session the table does not have (yet): the engine's (its ICCN may be in flight) */
	n = data_msg(dg, TID, SID + 1, 0xc021, lcp, sizeof(lcp));
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_ENGINE);
	/* a tunnel of another SA's mark: not this table's, the engine judges it (rxcheck) */
	n = data_msg(dg, TID, SID, 0xc021, lcp, sizeof(lcp));
	assert_int_equal(rx(&f, &f.peer, MARK + 1, dg, n, &off, &len), TUNPUMP_ENGINE);
	assert_int_equal(tunpump_stats(f.tp)->to_engine, 5);
	/* IP before the session is up: dropped, not forwarded, not the engine's */
	ip4(pkt, "10.0.0.5", "198.51.100.1");
	n = data_msg(dg, TID, SID, 0x0021, pkt, 28);
	assert_int_equal(rx(&f, &f.peer, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_NOT_UP], 1);
	tunpump_free(f.tp);
}

static void test_malformed_and_peer(void **state)
{
	struct fix f;
	union sa46 other = peer4("192.0.2.1", 4501);
	uint8_t pkt[64], dg[128];
	size_t n, off, len;
	const struct tunpump_stats *st;

	setup(&f, false, true);
	st = tunpump_stats(f.tp);
	ip4(pkt, "10.0.0.5", "198.51.100.1");
	n = data_msg(dg, TID, SID, 0x0021, pkt, 28);
	/* every truncation short of a whole IPv4 header: never delivered */
	for (size_t k = 0; k < 10 + 20; k++) {
		enum tunpump_verdict v = rx(&f, &f.peer, 0, dg, k, &off, &len);

		assert_true(v == TUNPUMP_DROP || v == TUNPUMP_ENGINE);
	}
	assert_int_equal(st->rx_packets, 0);
	/* an even protocol octet, a bad version, an IPv4 header length under 5 */
	dg[9] = 0x20;
	assert_int_equal(rx(&f, &f.peer, 0, dg, n, &off, &len), TUNPUMP_DROP);
	dg[9] = 0x21;
	dg[1] = 3;
	assert_int_equal(rx(&f, &f.peer, 0, dg, n, &off, &len), TUNPUMP_DROP);
	dg[1] = 2;
	dg[10] = 0x44;
	assert_int_equal(rx(&f, &f.peer, 0, dg, n, &off, &len), TUNPUMP_DROP);
	dg[10] = 0x45;
	/* the tunnel's ID from its address but another port: not its tunnel */
	assert_int_equal(rx(&f, &other, 0, dg, n, &off, &len), TUNPUMP_ENGINE);
	assert_int_equal(st->rx_packets, 0);
	assert_int_equal(rx(&f, &f.peer, 0, dg, n, &off, &len), TUNPUMP_DELIVER);
	tunpump_free(f.tp);
}

/* A require-ipsec tunnel by its mark: the mark's, from another peer, is dropped. */
static void test_wrong_peer(void **state)
{
	struct fix f;
	union sa46 other = peer4("192.0.2.2", 4500);
	uint8_t pkt[64], dg[128];
	size_t n, off, len;

	setup(&f, true, true);
	ip4(pkt, "10.0.0.5", "198.51.100.1");
	n = data_msg(dg, TID, SID, 0x0021, pkt, 28);
	assert_int_equal(rx(&f, &other, MARK, dg, n, &off, &len), TUNPUMP_DROP);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_WRONG_PEER], 1);
	tunpump_free(f.tp);
}

static void test_tx(void **state)
{
	struct fix f;
	uint8_t buf[TUNPUMP_HEADROOM + 64];
	struct tunpump_to to;

	setup(&f, true, true);
	ip4(buf + TUNPUMP_HEADROOM, "198.51.100.1", "10.0.0.5");
	assert_int_equal(tunpump_tx(f.tp, buf, 28, &to), 0);
	static const uint8_t hdr[] = { 0, 2, 0, PTID, 0, PSID, 0xff, 0x03, 0x00, 0x21 };
	assert_memory_equal(buf, hdr, sizeof(hdr));
	assert_int_equal(to.sock_id, SOCK);
	assert_int_equal(to.mark, MARK);
	assert_memory_equal(&to.peer, &f.peer, sizeof(f.peer));
	ip6(buf + TUNPUMP_HEADROOM, "2001:db8:ffff::1", "2001:db8:0:5::99");
	assert_int_equal(tunpump_tx(f.tp, buf, 48, &to), 0);
	assert_int_equal(buf[9], 0x57);
	/* nobody's address, and a runt */
	ip4(buf + TUNPUMP_HEADROOM, "198.51.100.1", "10.0.0.6");
	assert_int_equal(tunpump_tx(f.tp, buf, 28, &to), -1);
	assert_int_equal(tunpump_tx(f.tp, buf, 19, &to), -1);
	assert_int_equal(tunpump_stats(f.tp)->drop[TUNPUMP_DROP_NO_SESSION], 2);
	assert_int_equal(tunpump_stats(f.tp)->tx_packets, 2);
	/* gone with its tunnel: nothing is sent to it any more */
	tunpump_tunnel_del(f.tp, f.tr);
	ip4(buf + TUNPUMP_HEADROOM, "198.51.100.1", "10.0.0.5");
	assert_int_equal(tunpump_tx(f.tp, buf, 28, &to), -1);
	tunpump_free(f.tp);
}

/* Limits, keys and names: the table never grows past its size; handles name one tunnel. */
static void test_tables(void **state)
{
	struct tunpump *tp = tunpump_new(2, 2);
	union sa46 p = peer4("192.0.2.1", 1701), q = peer4("192.0.2.2", 1701);
	struct kern_tunnel a = ktunnel(TID, &p, false, 0), b = ktunnel(TID, &q, false, 0);
	struct kern_tunnel c = ktunnel(TID + 1, &q, false, 0);
	struct in_addr v4;
	uint32_t ha, hb, hc;

	assert_non_null(tp);
	assert_null(tunpump_new(0, 1));
	assert_int_equal(tunpump_tunnel_add(tp, &a, &ha), 0);
	/* the same ID from another peer is another tunnel; from the same, refused */
	assert_int_equal(tunpump_tunnel_add(tp, &b, &hb), 0);
	assert_int_not_equal(ha, hb);
	assert_int_equal(tunpump_tunnel_add(tp, &a, &hc), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(tunpump_tunnel_add(tp, &c, &hc), -1);
	assert_int_equal(errno, ENOSPC);
	/* a handle with another ID names nothing */
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ ha, TID + 1 }, 1, 1), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ ha, TID }, 1, 1), 0);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ ha, TID }, 1, 2), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ hb, TID }, 1, 1), 0);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ hb, TID }, 2, 1), -1);
	assert_int_equal(errno, ENOSPC);
	/* one address, one session */
	inet_pton(AF_INET, "10.0.0.5", &v4);
	assert_int_equal(tunpump_session_up(tp, (struct kern_tref){ ha, TID }, 1, &v4, NULL,
					    NULL), 0);
	assert_int_equal(tunpump_session_up(tp, (struct kern_tref){ hb, TID }, 1, &v4, NULL,
					    NULL), -1);
	assert_int_equal(errno, EEXIST);
	/* a tunnel's deletion frees its sessions and their addresses */
	tunpump_tunnel_del(tp, (struct kern_tref){ ha, TID });
	assert_int_equal(tunpump_session_up(tp, (struct kern_tref){ hb, TID }, 1, &v4, NULL,
					    NULL), 0);
	assert_int_equal(tunpump_tunnel_add(tp, &c, &hc), 0);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ hc, TID + 1 }, 5, 5), 0);
	tunpump_free(tp);
}

/*
 * Memory (core/memtrim.h): slots sized for 200,000 take none until used (a
 * free list built through them took 480 B of RSS each); 20,000 tunnels and
 * sessions take theirs, and once all went tunpump_release gives it back. The
 * slots are taken from the first again, within the limits as before.
 */
#define SLOTS 200000u
#define USED 20000u
static void test_release(void **state)
{
	static uint32_t h[USED];
	union sa46 p = peer4("192.0.2.1", 1701);
	long rss0 = rss_kb(), rss1, rss2, rss3, rss4;
	struct tunpump *tp = tunpump_new(SLOTS, SLOTS);
	struct tunpump *small;
	struct kern_tunnel kt;

	(void)state;
	assert_non_null(tp);
	rss1 = rss_kb();
	for (uint32_t i = 0; i < USED; i++) {
		kt = ktunnel((uint16_t)(i + 1), &p, false, 0);
		assert_int_equal(tunpump_tunnel_add(tp, &kt, &h[i]), 0);
		assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ h[i], kt.tid }, 1, 1),
				 0);
	}
	rss2 = rss_kb();
	tunpump_release(tp);		/* all held: nothing goes */
	for (uint32_t i = 0; i < USED; i++)
		tunpump_tunnel_del(tp, (struct kern_tref){ h[i], (uint16_t)(i + 1) });
	rss3 = rss_kb();
	tunpump_release(tp);
	rss4 = rss_kb();
	print_message("RSS %ld -> %ld (%u slots) -> %ld (%u up) -> %ld (gone) -> %ld kB (released)\n",
		      rss0, rss1, SLOTS, rss2, USED, rss3, rss4);
	assert_true((rss1 - rss0) * 1024 / SLOTS <= 16);
	/* a tunnel's slot and a session's: 280 B (the peer's addresses 28 B each since s21) */
	assert_true(rss2 - rss1 >= (long)USED * 256 / 1024);
	assert_true(rss3 - rss1 > (rss2 - rss1) / 2);
#if !defined(__SANITIZE_ADDRESS__)
	/* (ASan's quarantine keeps the indexes' bucket arrays freed as they shrank) */
	assert_true(rss4 - rss1 < (rss2 - rss1) / 10);
#else
	assert_true(rss4 < rss3);
#endif
	kt = ktunnel(TID, &p, false, 0);
	assert_int_equal(tunpump_tunnel_add(tp, &kt, &h[0]), 0);
	assert_int_equal(tunpump_session_add(tp, (struct kern_tref){ h[0], TID }, 1, 1), 0);
	tunpump_free(tp);

	/* released with none left, the limits as before */
	small = tunpump_new(1, 1);
	assert_non_null(small);
	assert_int_equal(tunpump_tunnel_add(small, &kt, &h[0]), 0);
	tunpump_tunnel_del(small, (struct kern_tref){ h[0], TID });
	tunpump_release(small);
	assert_int_equal(tunpump_tunnel_add(small, &kt, &h[0]), 0);
	assert_int_equal(tunpump_session_add(small, (struct kern_tref){ h[0], TID }, 1, 1), 0);
	assert_int_equal(tunpump_session_add(small, (struct kern_tref){ h[0], TID }, 2, 1), -1);
	assert_int_equal(errno, ENOSPC);
	kt = ktunnel(TID + 1, &p, false, 0);
	assert_int_equal(tunpump_tunnel_add(small, &kt, &h[1]), -1);
	assert_int_equal(errno, ENOSPC);
	tunpump_free(small);
}

/* The datagram channel: what the parent encodes the engine decodes, and nothing else. */
static void test_dgchan(void **state)
{
	static const uint8_t hello[] = { 0xc8, 0x02, 0x00, 0x0c, 0, TID, 0, 0, 0, 1, 0, 1 };
	static uint8_t msg[DGCHAN_MAX], big[RXBATCH_DATA + 1];
	struct l2tp_peer p = { .addr = peer46("192.0.2.1", 4500), .mark = MARK, .sock = 1 };
	struct rxcheck_meta m = { .have_mark = true, .have_pktinfo = true, .ifindex = 3 };
	struct l2tp_peer q;
	struct rxcheck_meta mq;
	const uint8_t *dg;
	size_t n, dn;

	p.local = peer46("198.51.100.7", 0);
	n = dgchan_encode(msg, &p, &m, hello, sizeof(hello));
	assert_int_equal(n, DGCHAN_HDR + sizeof(hello));
	assert_int_equal(dgchan_decode(msg, n, 2, &q, &mq, &dg, &dn), 0);
	assert_int_equal(dn, sizeof(hello));
	assert_memory_equal(dg, hello, sizeof(hello));
	assert_memory_equal(&q.addr, &p.addr, sizeof(p.addr));
	assert_memory_equal(&q.local, &p.local, sizeof(p.local));
	assert_int_equal(q.mark, MARK);
	assert_int_equal(q.sock, 1);
	assert_true(mq.have_mark && mq.have_pktinfo && !mq.truncated);
	assert_int_equal(mq.ifindex, 3);
	/* a socket the engine does not have, a short message, every header octet changed */
	assert_int_equal(dgchan_decode(msg, n, 1, &q, &mq, &dg, &dn), -1);
	assert_int_equal(dgchan_decode(msg, DGCHAN_HDR, 2, &q, &mq, &dg, &dn), -1);
	for (size_t i = 0; i < DGCHAN_HDR; i++) {
		static const size_t free_octets[] = { 4, 5, 8, 9, 10, 11, 12, 13, 14, 15 };
		bool may = i >= 16 && i < 20;	/* the peer's IPv4 address */

		may = may || (i >= 32 && i < 36);	/* our address */
		for (size_t k = 0; k < sizeof(free_octets) / sizeof(free_octets[0]); k++)
			may = may || i == free_octets[k];
		msg[i] ^= 0x40;
		if (!may)
			assert_int_equal(dgchan_decode(msg, n, 2, &q, &mq, &dg, &dn), -1);
		msg[i] ^= 0x40;
	}
	/* no mark flag with a mark, and nothing to encode */
	msg[2] &= (uint8_t)~1;
	assert_int_equal(dgchan_decode(msg, n, 2, &q, &mq, &dg, &dn), -1);
	assert_int_equal(dgchan_encode(msg, &p, &m, hello, 0), 0);
	assert_int_equal(dgchan_encode(msg, &p, &m, big, sizeof(big)), 0);
	p.addr.sa.sa_family = AF_UNSPEC;
	assert_int_equal(dgchan_encode(msg, &p, &m, hello, sizeof(hello)), 0);
}

/* The hand-off is bounded: a full channel drops (counted by the caller), never blocks. */
static void test_dgchan_bounded(void **state)
{
	static const uint8_t hello[] = { 0xc8, 0x02, 0x00, 0x0c, 0, TID, 0, 0, 0, 1, 0, 1 };
	static uint8_t buf[DGCHAN_MAX], in[DGCHAN_MAX + 1];
	struct l2tp_peer p = { .addr = peer46("192.0.2.1", 4500), .sock = 0 };
	struct rxcheck_meta m = { .have_pktinfo = true };
	struct l2tp_peer q;
	struct rxcheck_meta mq;
	const uint8_t *dg;
	unsigned int sent = 0, dropped = 0, got = 0;
	int sndbuf = 4096, sv[2];
	size_t dn;
	ssize_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)), 0);
	for (int i = 0; i < 2000; i++) {
		if (dgchan_send(sv[0], buf, &p, &m, hello, sizeof(hello)) == 0)
			sent++;
		else
			dropped++;
	}
	assert_true(sent > 0);
	assert_true(dropped > 0);
	while ((n = recv(sv[1], in, sizeof(in), MSG_DONTWAIT)) > 0) {
		assert_int_equal(dgchan_decode(in, (size_t)n, 1, &q, &mq, &dg, &dn), 0);
		assert_memory_equal(dg, hello, sizeof(hello));
		got++;
	}
	assert_int_equal(got, sent);
	/* the engine gone: dropped, no SIGPIPE */
	close(sv[1]);
	assert_int_equal(dgchan_send(sv[0], buf, &p, &m, hello, sizeof(hello)), -1);
	close(sv[0]);
	assert_int_equal(dgchan_send(-1, buf, &p, &m, hello, sizeof(hello)), -1);
}

/* The Internet checksum over p (n octets) plus sum: 0 when the data carries a right one. */
static uint16_t csum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * A packet from the device that no session takes: ICMP host unreachable to
 * its sender, from the address that is unreachable (RFC 792: the header and
 * 8 octets quoted), checksums right; none for an ICMP error, a later
 * fragment, a multicast or broadcast address.
 */
static void test_unreach4(void **state)
{
	uint8_t pkt[40] = { 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 5,
			    192, 168, 42, 19, 0x12, 0x34, 0, 53 };
	uint8_t out[TUNPUMP_UNREACH_MAX];
	size_t n;

	(void)state;
	n = tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, 20 + 8 + 28);
	assert_int_equal(out[0], 0x45);
	assert_int_equal(out[2] << 8 | out[3], n);
	assert_int_equal(out[9], 1);
	assert_memory_equal(out + 12, pkt + 16, 4);	/* from 192.168.42.19 */
	assert_memory_equal(out + 16, pkt + 12, 4);	/* to 10.0.0.5 */
	assert_int_equal(csum(0, out, 20), 0);
	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 1);
	assert_int_equal(csum(0, out + 20, n - 20), 0);
	assert_memory_equal(out + 28, pkt, 28);
	/* an echo request is answered, an ICMP error never */
	pkt[9] = 1;
	pkt[20] = 8;
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out)), 56);
	pkt[20] = 3;
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[9] = 17;
	/* a fragment after the first; multicast, broadcast; a short header */
	pkt[7] = 1;
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[7] = 0;
	pkt[16] = 224;
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[16] = 192;
	memset(pkt + 12, 255, 4);
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out)), 0);
	assert_int_equal(tunpump_unreach(pkt, 19, out, sizeof(out)), 0);
	/* no room: none */
	pkt[12] = 10;
	assert_int_equal(tunpump_unreach(pkt, sizeof(pkt), out, 40), 0);
}

/*
 * IPv6: ICMPv6 address unreachable (RFC 4443 3.1), checksum over the
 * pseudo-header right, as much of the packet quoted as fits in 1280 octets;
 * none for an ICMPv6 error or a multicast or unspecified address.
 */
static void test_unreach6(void **state)
{
	static uint8_t pkt[1500];
	uint8_t out[TUNPUMP_UNREACH_MAX], src[16], dst[16];
	uint32_t sum = 0;
	size_t n;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::5", src), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:77:9::1", dst), 1);
	memset(pkt, 0xab, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[4] = (sizeof(pkt) - 40) >> 8;
	pkt[5] = (sizeof(pkt) - 40) & 0xff;
	pkt[6] = 17;
	pkt[7] = 64;
	memcpy(pkt + 8, src, 16);
	memcpy(pkt + 24, dst, 16);
	n = tunpump_unreach(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, TUNPUMP_UNREACH_MAX);
	assert_int_equal(out[0] >> 4, 6);
	assert_int_equal(out[4] << 8 | out[5], n - 40);
	assert_int_equal(out[6], 58);
	assert_memory_equal(out + 8, dst, 16);
	assert_memory_equal(out + 24, src, 16);
	assert_int_equal(out[40], 1);
	assert_int_equal(out[41], 3);
	assert_memory_equal(out + 48, pkt, n - 48);
	for (int i = 8; i < 40; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	sum += (uint32_t)(n - 40) + 58;
	assert_int_equal(csum(sum, out + 40, n - 40), 0);
	/* an echo request is answered, an ICMPv6 error never */
	pkt[6] = 58;
	pkt[40] = 128;
	assert_int_equal(tunpump_unreach(pkt, 100, out, sizeof(out)), 148);
	pkt[40] = 1;
	assert_int_equal(tunpump_unreach(pkt, 100, out, sizeof(out)), 0);
	pkt[6] = 17;
	pkt[24] = 0xff;		/* to a multicast group */
	assert_int_equal(tunpump_unreach(pkt, 100, out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deliver_and_spoof),
		cmocka_unit_test(test_to_engine),
		cmocka_unit_test(test_router_solicitation),
		cmocka_unit_test(test_malformed_and_peer),
		cmocka_unit_test(test_wrong_peer),
		cmocka_unit_test(test_tx),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_dgchan),
		cmocka_unit_test(test_dgchan_bounded),
		cmocka_unit_test(test_unreach4),
		cmocka_unit_test(test_unreach6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
