// SPDX-License-Identifier: GPL-2.0
/*
 * The DHCPINFORM answer path of inform.c (inform_reply): a session brought
 * up through the LNS and sess.c (tests/fuzz/sess_fake.h), then any bytes as
 * a UDP payload to port 67, from the session's address or another.
 *
 * Input: two config bytes, then the datagram.
 *   config[0] bits 0-1: the user that logs in (its own routes/DNS or [ppp]'s)
 *             bits 2-3: the sender: the session's address and port 68, another
 *                       port, another address, an address no session holds
 *             bits 4-7: how many [ppp] routes (0..15)
 *   config[1] bits 0-2: [ppp] search domains; bit 3: a dns-domain; bits 4-7:
 *             the reply buffer's size, from too small to ample
 * Oracles besides the sanitizers: an answer goes only to a session's own
 * address from port 68; it fits the buffer and the link (peer MRU minus
 * the IPv4 and UDP headers); it is a BOOTREPLY echoing the request's xid
 * and chaddr with ciaddr the sender's; it is no INFORM itself; every
 * datagram is answered or counted as dropped, once.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr/dhcp.h"
#include "inform.h"
#include "sess_fake.h"

static void config(struct l2sec_config *cfg, const uint8_t *c)
{
	static const char *const search[] = {
		"corp.example", "lab.corp.example", "x", "_msdcs.corp.example", "a-b.c_d.e",
		"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0.example",
		"eng.corp.example", "very.long.name.of.a.search.domain.corp.example",
	};
	unsigned int n_routes = c[0] >> 4, n_search = c[1] & 7;

	sf_config(cfg);
	cfg->dns[0].s_addr = htonl(0x0a000035);
	cfg->dns[1].s_addr = htonl(0x0a010035);
	for (unsigned int i = 0; i < n_routes; i++) {
		char r[32];

		snprintf(r, sizeof(r), "10.%u.0.0/%u", 16 + i, 16 + i % 9);
		CHECK(!config_route_item(r, cfg->routes, i));
	}
	cfg->n_routes = n_routes;
	for (unsigned int i = 0; i < n_search; i++)
		CHECK(!config_search_item(search[i], cfg->dns_search, i));
	cfg->n_dns_search = n_search;
	if (c[1] & 8)
		strcpy(cfg->dns_domain, "corp.example");
}

static void check_ack(const uint8_t *ack, size_t n, const uint8_t *req, size_t len,
		      struct in_addr from)
{
	struct dhcp_inform in;
	const char *why;

	CHECK(n >= 240 && len >= 240);
	CHECK(ack[0] == 2 && !memcmp(ack + 4, req + 4, 4));	/* BOOTREPLY, xid */
	CHECK(!memcmp(ack + 12, &from, 4));			/* ciaddr */
	CHECK(!memcmp(ack + 28, req + 28, 16));			/* chaddr */
	CHECK(dhcp_parse_inform(ack, n, &in, &why) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 0, 1, 239, 240, 300, 548, 576, 1000 };
	struct l2sec_config cfg;
	struct inform_stats st = { 0 };
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(68) };
	struct l2tp_session *s;
	struct sfake *sf;
	uint8_t *pkt, *buf;
	size_t cap, n;
	unsigned int mtu = 0;
	struct inform_reply_info info;
	bool own;

	if (size < 2 || size > 4096)
		return 0;
	config(&cfg, data);
	sf = sf_new(&cfg, false);
	s = sf_bring_up(sf, data[0] % 4 % 3);
	CHECK(s);	/* the harness always gets a session up */
	from.sin_addr.s_addr = htonl(0xc0a82a0a);	/* the first pool address */
	if (data[0] % 4 % 3 == 1)
		from.sin_addr.s_addr = htonl(0xc0a82a4d);	/* bob's static address */
	switch ((data[0] >> 2) & 3) {
	case 1:
		from.sin_port = htons(67);
		break;
	case 2:
		from.sin_addr.s_addr = htonl(0xc0a82a0b);
		break;
	case 3:
		from.sin_addr.s_addr = htonl(0x08080808);
		break;
	}
	own = sessions_find_ipv4(sf->ss, from.sin_addr, &mtu) && ntohs(from.sin_port) == 68;
	cap = (data[1] >> 4) < 8 ? sizes[data[1] >> 4] : 2048;
	data += 2;
	size -= 2;
	pkt = malloc(size ? size : 1);
	buf = malloc(cap ? cap : 1);
	memcpy(pkt, data, size);
	n = inform_reply(&sf->f->cfg, sf->ss, &st, pkt, size, &from, buf, cap, &info);
	if (n) {
		CHECK(own && n <= cap && n + 28 <= mtu);
		check_ack(buf, n, pkt, size, from.sin_addr);
		CHECK(!st.dropped_malformed && !st.dropped_foreign && !st.dropped_unanswerable);
	} else {
		CHECK(st.dropped_malformed + st.dropped_foreign + st.dropped_unanswerable == 1);
	}
	free(pkt);
	free(buf);
	sf_free(sf);
	return 0;
}
