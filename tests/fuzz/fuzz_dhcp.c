// SPDX-License-Identifier: GPL-2.0
/*
 * DHCPINFORM parser and DHCPACK builder: any bytes, as the UDP payload a
 * client sends to port 67.
 *
 * Oracles besides the sanitizers: what the parser returns matches the
 * message's own bytes; for a message it accepts, an answer derived from the
 * message (routes of every width, DNS servers, names up to 253 characters,
 * a buffer size from too small to ample) is built into an exact-size heap
 * buffer, and the ACK is decoded here, independently of dhcp.c: what it
 * leaves out is the first of dhcp.h's steps whose length, computed here,
 * fits (none fits: length 0), its length is that one, its header echoes
 * the INFORM, and its options (RFC 3396 pieces joined) are exactly those
 * expected, with the routes (RFC 3442), names (RFC 1035, compressed: each
 * name's longest suffix that an earlier name ends with is a pointer back)
 * and addresses decoding back to the answer.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "addr/dhcp.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* xorshift32: the answer's values, from the message's xid and chaddr */
static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const char *const names[] = {
	"corp.example",
	"lab.corp.example",
	"x",
	"_msdcs.corp.example",
	"a-b.c_d.e",
	"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0.example",
};

/* 253 characters, labels of 63 */
static void long_name(char *s, char c)
{
	memset(s, c, 253);
	s[63] = s[127] = s[191] = '.';
	s[253] = '\0';
}

struct answer {
	struct dhcp_answer a;
	struct in_addr server, dns[2];
	struct config_route routes[CONFIG_MAX_ROUTES];
	char domain[CONFIG_DOMAIN_MAX + 1];
	char search[CONFIG_MAX_SEARCH][CONFIG_DOMAIN_MAX + 1];
	size_t size;
};

static void make_answer(const struct dhcp_inform *in, struct answer *w)
{
	uint32_t s = in->xid ^ be32(in->chaddr + 8) ^ 0x9e3779b9;
	const uint8_t *c = in->chaddr;

	memset(w, 0, sizeof(*w));
	if (!s)
		s = 1;
	w->server.s_addr = next(&s);
	w->a.router.s_addr = next(&s);
	w->a.n_routes = c[0] % (CONFIG_MAX_ROUTES + 1);
	for (unsigned int i = 0; i < w->a.n_routes; i++) {
		unsigned int plen = 1 + next(&s) % 32;

		w->routes[i].plen = plen;
		w->routes[i].net.s_addr = htonl(next(&s) & (UINT32_MAX << (32 - plen)));
	}
	w->a.routes = w->routes;
	w->a.n_dns = c[1] % 3;
	w->dns[0].s_addr = next(&s);
	w->dns[1].s_addr = next(&s);
	w->a.dns = w->dns;
	switch (c[2] % 4) {
	case 0:
		w->a.domain = NULL;
		break;
	case 1:
		w->a.domain = "";
		break;
	case 2:
		strcpy(w->domain, names[next(&s) % 6]);
		w->a.domain = w->domain;
		break;
	default:
		long_name(w->domain, 'd');
		w->a.domain = w->domain;
		break;
	}
	w->a.n_search = c[3] % (CONFIG_MAX_SEARCH + 1);
	for (unsigned int i = 0; i < w->a.n_search; i++) {
		unsigned int k = next(&s) % 7;

		if (k < 6)
			strcpy(w->search[i], names[k]);
		else
			long_name(w->search[i], (char)('a' + i));
	}
	w->a.search = (const char (*)[CONFIG_DOMAIN_MAX + 1])w->search;
	w->size = c[4] ? 240 + (size_t)c[4] * 12 : 4096;
}

/* Octets of an option of len octets of value, in pieces of 255 (RFC 3396). */
static size_t opt_size(size_t len)
{
	return len + 2 * (len ? (len + 254) / 255 : 1);
}

static bool asked(const struct dhcp_inform *in, uint8_t code)
{
	if (!in->n_prl)
		return true;
	for (unsigned int i = 0; i < in->n_prl; i++)
		if (in->prl[i] == code)
			return true;
	return false;
}

/*
 * The route options the client takes (dhcp.c): those it asked for; both when
 * it asked for neither or sent no list (Apple's pppd asks for 249 alone).
 */
static unsigned int not_taken(const struct dhcp_inform *in)
{
	const bool r121 = in->n_prl && asked(in, 121), r249 = in->n_prl && asked(in, 249);

	if (r121 == r249)
		return 0;
	return r121 ? DHCP_LEFT_ROUTES_249 : DHCP_LEFT_ROUTES_121;
}

/* The label starts of a dotted name (at most 127), and their number. */
static unsigned int labels(const char *name, size_t *at)
{
	unsigned int n = 0;

	at[n++] = 0;
	for (size_t i = 0; name[i]; i++)
		if (name[i] == '.')
			at[n++] = i + 1;
	return n;
}

/* Does name end, at a label start, with the text of suffix? */
static bool ends_with(const char *name, const char *suffix)
{
	size_t nl = strlen(name), sl = strlen(suffix);

	return nl >= sl && !strcmp(name + nl - sl, suffix) && (nl == sl || name[nl - sl - 1] == '.');
}

/* RFC 1035 4.1.4: the search list's length when each name's longest suffix
 * that ends an earlier name is a 2-octet pointer. */
static size_t search_len(const struct answer *w)
{
	size_t len = 0, at[128];

	for (unsigned int i = 0; i < w->a.n_search; i++) {
		const char *name = w->search[i];
		unsigned int n = labels(name, at), k;
		bool ptr = false;

		for (k = 0; k < n && !ptr; k++)
			for (unsigned int j = 0; j < i && !ptr; j++)
				ptr = ends_with(w->search[j], name + at[k]);
		/* labels before the shared suffix, then the pointer; or every label and 0 */
		len += ptr ? at[k - 1] + 2 : strlen(name) + 2;
	}
	return len;
}

struct expect {
	bool has[256];
	uint8_t v[256][2100];
	size_t len[256];
};

static struct expect got;	/* the ACK's options, as check_ack decoded them */

static void expect_routes(const struct answer *w, struct expect *e, unsigned int left)
{
	size_t n = 0;

	for (unsigned int i = 0; i < w->a.n_routes; i++) {
		unsigned int plen = w->routes[i].plen, octets = (plen + 7) / 8;

		e->v[121][n++] = (uint8_t)plen;
		memcpy(e->v[121] + n, &w->routes[i].net, octets);
		n += octets;
		memcpy(e->v[121] + n, &w->a.router, 4);
		n += 4;
	}
	memcpy(e->v[249], e->v[121], n);
	e->has[121] = !(left & DHCP_LEFT_ROUTES_121);
	e->has[249] = !(left & DHCP_LEFT_ROUTES_249);
	e->len[121] = e->has[121] ? n : 0;
	e->len[249] = e->has[249] ? n : 0;
}

/*
 * The options the ACK must carry when it leaves out left, and its length
 * (before padding); 119's value is not laid out here, only its length.
 */
static size_t expected(const struct dhcp_inform *in, const struct answer *w, struct expect *e,
		       unsigned int left)
{
	size_t len = 240 + 1;

	memset(e, 0, sizeof(*e));
	e->has[53] = true;
	e->v[53][0] = 5;
	e->len[53] = 1;
	e->has[54] = true;
	memcpy(e->v[54], &w->server, 4);
	e->len[54] = 4;
	if (w->a.n_dns && asked(in, 6)) {
		e->has[6] = true;
		memcpy(e->v[6], w->dns, 4 * w->a.n_dns);
		e->len[6] = 4 * w->a.n_dns;
	}
	if (w->a.domain && *w->a.domain && asked(in, 15) && !(left & DHCP_LEFT_DOMAIN)) {
		e->has[15] = true;
		e->len[15] = strlen(w->a.domain);
		memcpy(e->v[15], w->a.domain, e->len[15]);
	}
	if (w->a.n_search && asked(in, 119) && !(left & DHCP_LEFT_SEARCH)) {
		e->has[119] = true;
		e->len[119] = search_len(w);
	}
	if (w->a.n_routes)
		expect_routes(w, e, left | not_taken(in));
	for (unsigned int c = 0; c < 256; c++)
		if (e->has[c])
			len += opt_size(e->len[c]);
	return len;
}

/* The ACK's options, joined, compared with the expected ones. */
static void check_ack(const uint8_t *b, size_t len, size_t content, const struct dhcp_inform *in,
		      const struct expect *e)
{
	size_t i = 240;
	int last = -1;

	memset(&got, 0, sizeof(got));
	CHECK(len >= 300 && len >= content);
	/* the header: RFC 2131 4.3.5 */
	CHECK(b[0] == 2 && b[1] == in->htype && b[2] == in->hlen && b[3] == 0);
	CHECK(be32(b + 4) == in->xid);
	CHECK(b[8] == 0 && b[9] == 0);
	CHECK((b[10] << 8 | b[11]) == in->flags);
	CHECK(!memcmp(b + 12, &in->ciaddr, 4));
	for (int k = 16; k < 28; k++)
		CHECK(b[k] == 0);
	CHECK(!memcmp(b + 28, in->chaddr, 16));
	for (int k = 44; k < 236; k++)
		CHECK(b[k] == 0);
	CHECK(b[236] == 99 && b[237] == 130 && b[238] == 83 && b[239] == 99);
	for (;;) {
		uint8_t code, n;

		CHECK(i < len);
		code = b[i];
		if (code == 255)
			break;
		CHECK(code != 0 && i + 2 <= len);
		n = b[i + 1];
		CHECK(i + 2 + n <= len);
		/* the pieces of one option are consecutive; each code once */
		CHECK(!got.has[code] || last == code);
		CHECK(got.len[code] + n <= sizeof(got.v[0]));
		got.has[code] = true;
		memcpy(got.v[code] + got.len[code], b + i + 2, n);
		got.len[code] += n;
		last = code;
		i += 2 + (size_t)n;
	}
	CHECK(i + 1 == content);
	for (size_t k = content; k < len; k++)
		CHECK(b[k] == 0);
	for (unsigned int c = 0; c < 256; c++) {
		CHECK(got.has[c] == e->has[c]);
		CHECK(got.len[c] == e->len[c]);
		CHECK(c == 119 || !memcmp(got.v[c], e->v[c], e->len[c]));
	}
}

/*
 * RFC 1035 names back to the answer's: labels, then 0 or a pointer to an
 * earlier position of the list (a name's end is where its pointer is).
 */
static void check_names(const uint8_t *v, size_t len, const struct answer *w)
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < len) {
		char name[256];
		size_t out = 0, at = i, start = i;
		bool jumped = false;

		for (;;) {
			uint8_t l;

			CHECK(at < len);
			l = v[at];
			if ((l & 0xc0) == 0xc0) {
				size_t to;

				CHECK(at + 1 < len);
				to = (size_t)(l & 0x3f) << 8 | v[at + 1];
				CHECK(to < (jumped ? at : start));	/* backwards: no loop */
				if (!jumped)
					i = at + 2;
				jumped = true;
				at = to;
				continue;
			}
			if (!l) {
				if (!jumped)
					i = at + 1;
				break;
			}
			CHECK(l <= 63 && at + 1 + l <= len && out + l + 1 < sizeof(name));
			if (out)
				name[out++] = '.';
			memcpy(name + out, v + at + 1, l);
			out += l;
			at += 1 + (size_t)l;
		}
		name[out] = '\0';
		CHECK(n < w->a.n_search && !strcmp(name, w->search[n]));
		n++;
	}
	CHECK(n == w->a.n_search);
}

/* The routes of option 121 or 249 decoded back: exactly the answer's. */
static void check_routes(const uint8_t *v, size_t len, const struct answer *w)
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < len) {
		unsigned int plen = v[i], octets = (plen + 7) / 8;
		uint8_t net[4] = { 0 };

		CHECK(plen >= 1 && plen <= 32 && i + 1 + octets + 4 <= len);
		memcpy(net, v + i + 1, octets);
		CHECK(n < w->a.n_routes);
		CHECK(plen == w->routes[n].plen);
		CHECK(!memcmp(net, &w->routes[n].net, 4));
		CHECK(!memcmp(v + i + 1 + octets, &w->a.router, 4));
		i += 1 + octets + 4;
		n++;
	}
	CHECK(n == w->a.n_routes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct expect e;
	struct dhcp_inform in;
	struct answer w;
	const char *why = NULL;
	unsigned int steps[] = {
		0, 0, 0, 0,
		DHCP_LEFT_SEARCH | DHCP_LEFT_DOMAIN | DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249,
	};
	unsigned int dup, k, left = 0;
	uint8_t *pkt, *ack;
	size_t want = 0, len;

	if (size > 4096)
		return 0;
	pkt = malloc(size ? size : 1);
	memcpy(pkt, data, size);
	if (dhcp_parse_inform(pkt, size, &in, &why)) {
		CHECK(why && *why);
		free(pkt);
		return 0;
	}
	CHECK(!why);
	/* what the parser returned is the message's own */
	CHECK(size >= 240 && size <= DHCP_MAX_LEN);
	CHECK(pkt[0] == 1 && in.htype == pkt[1] && in.hlen == pkt[2] && in.hlen <= 16);
	CHECK(in.xid == be32(pkt + 4));
	CHECK(in.flags == (pkt[10] << 8 | pkt[11]));
	CHECK(in.ciaddr.s_addr && !memcmp(&in.ciaddr, pkt + 12, 4));
	CHECK(!memcmp(in.chaddr, pkt + 28, 16));
	CHECK(be32(pkt + 24) == 0);
	CHECK(in.n_prl <= 255 && (in.max_msg == 0 || in.max_msg >= 576));
	free(pkt);

	make_answer(&in, &w);
	/*
	 * dhcp.h's order: 249 when both route options go out (121 is the
	 * standard; nothing when the client takes only one), 119, 15, routes
	 */
	dup = not_taken(&in) ? 0 : DHCP_LEFT_ROUTES_249;
	steps[1] = dup;
	steps[2] = dup | DHCP_LEFT_SEARCH;
	steps[3] = dup | DHCP_LEFT_SEARCH | DHCP_LEFT_DOMAIN;
	for (k = 0; k < ARRAY_SIZE(steps); k++) {
		want = expected(&in, &w, &e, steps[k]);
		if ((want < 300 ? 300 : want) <= w.size)
			break;
	}
	ack = malloc(w.size);
	len = dhcp_build_ack(ack, w.size, &in, w.server, &w.a, &left);
	if (k == ARRAY_SIZE(steps)) {
		CHECK(len == 0);
		free(ack);
		return 0;
	}
	CHECK(len == (want < 300 ? 300 : want));
	CHECK(left == steps[k]);
	check_ack(ack, len, want, &in, &e);
	if (got.has[121])
		check_routes(got.v[121], got.len[121], &w);
	if (got.has[249])
		check_routes(got.v[249], got.len[249], &w);
	if (got.has[119])
		check_names(got.v[119], got.len[119], &w);
	/* an ACK is no INFORM */
	CHECK(dhcp_parse_inform(ack, len, &in, &why) == -1);
	free(ack);
	return 0;
}
