// SPDX-License-Identifier: GPL-2.0
/*
 * The L2TP + PPP glue end to end: the LNS with sess.c's session ops, on the
 * kernel or the TUN data path (fake module, fake routes, a socket pair as
 * the TUN device: tests/fuzz/sess_fake.h), driven by a client that dials
 * tunnels and sessions, speaks PPP, and by raw datagrams, TUN packets and
 * clock steps.
 *
 * Input: one config byte (authentication methods, IPv6, data path, a pool of
 * two, LCP echo, no delay after a failed login, the pools' routes), then records
 * [op][len hi][len lo][payload]:
 *   0  dial: a tunnel if the client has none, and a session in it
 *   1  dial and bring a session up (LCP, PAP or CHAP as user payload[0], IPCP,
 *      IPv6CP)
 *   2  a PPP frame into established session payload[0] (the rest)
 *   3  the client acks the LNS's newest Configure-Requests to session payload[0]
 *   4  PAP Authenticate-Request into session payload[0] as user payload[1]
 *   5  advance the clock by payload[0] * 256 ms
 *   6  a packet from the host to a client (TUN path: through the TUN device)
 *   7  a raw datagram from the client's address
 *   8  a control message (AVP list) from the client, session ID payload[0..1]
 *   9  make routes (payload[0] bit 0) or the module (bit 1) fail from now
 *   10 the administrator ends session payload[0] (bit 7: its whole tunnel)
 *   11 reload: the users file again, pools rebuilt
 *   12 CHAP Response (MD5 or MS-CHAPv2, as agreed) into session payload[0] as
 *      user payload[1]
 *   13 a Router Solicitation into session payload[0], options payload[1..]
 * Oracles besides the sanitizers: the routes the layer holds are exactly
 * those of up sessions (sessions_find_ipv4) outside the pools' routes (all
 * of them without those routes); nothing reaches the TUN
 * device with a source that is not the sending session's but the data
 * path's ICMP unreachable, from the address it quotes; after the LNS
 * and the layer are freed no route is left.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sess_fake.h"

static void tun_in(struct sfake *sf, const uint8_t *p, size_t n)
{
	if (sf->kernel || !n)
		return;
	if (send(sf->tun[1], p, n, MSG_DONTWAIT) < 0)
		return;
	sf->tun_io->cb(sf->tun_io, 1);
}

static void admin_close(struct sfake *sf, uint8_t k)
{
	struct l2tp_session *s = sf_session(sf, k & 0x7f);

	if (!s)
		return;
	if (k & 0x80) {
		if (s->tunnel->state != TUNNEL_CLOSING)
			l2tp_tunnel_close(s->tunnel, true, STOPCCN_CLEAR, 0, "fuzz");
	} else {
		l2tp_session_close(s, CDN_ADMIN, 0, "fuzz");
	}
}

static void reload(struct sfake *sf)
{
	struct users_db *db = users_parse(sf_users, sizeof(sf_users) - 1, NULL, NULL);

	CHECK(db);
	CHECK(sessions_reload(sf->ss, db) == 0);
}

/* The up sessions' addresses: exactly the routes held. */
static void check(struct sfake *sf)
{
	int up4 = 0;

	for (struct l2tp_tunnel *t = sf->f->lns->tunnel_list; t; t = t->next) {
		for (struct l2tp_session *s = t->sessions; s; s = s->next) {
			struct json_object *o = json_object_new_object(), *v;
			struct in_addr a;
			unsigned int mtu;

			sessions_describe(sf->ss, s, true, o);
			if (json_object_object_get_ex(o, "ipv4", &v)) {
				CHECK(inet_pton(AF_INET, json_object_get_string(v), &a) == 1);
				if (sessions_find_ipv4(sf->ss, a, &mtu)) {
					up4 += !poolrt_covers(&sf->prt, AF_INET, &a);
					CHECK(mtu >= 64 && mtu <= 65535);
				} else {
					CHECK(!sessions_user_ipv4(sf->ss, a));
				}
			}
			json_object_put(o);
		}
	}
	CHECK(up4 == sf->routes4);
	/*
	 * what left through the TUN device came from an up session's address,
	 * or is the data path's ICMP host unreachable for a packet no session
	 * took (from the address it was for, quoting it)
	 */
	for (;;) {
		uint8_t pkt[2048];
		ssize_t n = recv(sf->tun[1], pkt, sizeof(pkt), MSG_DONTWAIT);
		struct in_addr src;
		unsigned int mtu;

		if (n < 0)
			break;
		CHECK(!sf->kernel && n > 0);
		if ((pkt[0] >> 4) == 4) {
			CHECK(n >= 20);
			memcpy(&src, pkt + 12, 4);
			if (pkt[9] == 1 && n >= 48 && pkt[20] == 3 && pkt[21] == 1 &&
			    sessions_find_ipv4(sf->ss, src, &mtu) == 0) {
				CHECK(!memcmp(pkt + 12, pkt + 28 + 16, 4));
				continue;
			}
			CHECK(sessions_find_ipv4(sf->ss, src, &mtu) == 1);
		} else {
			CHECK((pkt[0] >> 4) == 6 && n >= 40);
		}
	}
}

static void step(struct sfake *sf, uint8_t op, const uint8_t *p, size_t n)
{
	static uint8_t buf[65536];
	struct l2tp_session *s;
	uint8_t a0 = n ? p[0] : 0, a1 = n > 1 ? p[1] : 0;

	switch (op % 14) {
	case 0:
		sf_dial(sf);
		break;
	case 1:
		sf_bring_up(sf, a0);
		break;
	case 2:
		s = sf_session(sf, a0);
		if (s && n)
			sf_ppp_in(sf, s, p + 1, n - 1);
		break;
	case 3:
		s = sf_session(sf, a0);
		if (s)
			sf_ack(sf, s);
		break;
	case 4:
		s = sf_session(sf, a0);
		if (s)
			sf_pap(sf, s, a1);
		break;
	case 5:
		sf_advance(sf, (uint64_t)a0 * 256);
		break;
	case 6:
		tun_in(sf, p, n);
		break;
	case 7:
		memcpy(buf, p, n);
		sf_input(sf, buf, n, &sf->lac.peer);
		break;
	case 8:
		sf_ctrl_in(sf, p, n);
		break;
	case 9:
		sf->fail_route = a0 & 1;
		sf->fail_kern = a0 & 2;
		break;
	case 10:
		admin_close(sf, a0);
		break;
	case 11:
		reload(sf);
		break;
	case 12:
		s = sf_session(sf, a0);
		if (s)
			sf_chap(sf, s, a1);
		break;
	case 13:
		s = sf_session(sf, a0);
		if (s && n)
			sf_rs(sf, s, 0x5544332211ULL, p + 1, n - 1);
		break;
	}
	check(sf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2sec_config cfg;
	struct sfake *sf;

	if (size < 1)
		return 0;
	sf_config(&cfg);
	if (data[0] & 1)
		cfg.ppp_auth = PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2;
	if (data[0] & 64)
		cfg.ppp_auth = data[0] & 1 ? PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP : PPP_AUTH_CHAP_MD5;
	if (data[0] & 2) {
		cfg.ipv6 = true;
		CHECK(inet_pton(AF_INET6, "2001:db8:100::", &cfg.ipv6_prefix) == 1);
		cfg.ipv6_prefix_len = 48;
		CHECK(inet_pton(AF_INET6, "2001:db8::53", &cfg.dns6[0]) == 1);
		cfg.n_dns6 = 1;
	}
	if (data[0] & 8) {
		/* a pool of two: exhaustion and static addresses inside it */
		cfg.pool[0].first.s_addr = htonl(0xc0a82a4c);	/* .76 */
		cfg.pool[0].last.s_addr = htonl(0xc0a82a4d);	/* .77 */
	}
	if (data[0] & 16)
		cfg.lcp_echo_interval_ms = 1000;
	cfg.auth_fail_delay_ms = data[0] & 32 ? 0 : 2000;
	sf = sf_new(&cfg, data[0] & 4);
	if (data[0] & 128) {	/* the pools routed whole: no host route inside them */
		CHECK(sessions_pool_routes(sf->ss) == 0);
		CHECK(sf->pool_routes > 0 && poolrt_plan(&sf->prt, &cfg) == 0);
		for (unsigned int i = 0; i < sf->prt.n; i++)
			sf->prt.p[i].up = true;
	}
	sf_records(sf, data + 1, size - 1, step);
	/* every timer runs out: PPP and L2TP give up on a silent client */
	sf_advance(sf, 600000);
	sf_note(sf);
	check(sf);
	poolrt_free(&sf->prt);
	sf_free(sf);
	return 0;
}
