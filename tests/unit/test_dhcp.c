// SPDX-License-Identifier: GPL-2.0
/*
 * DHCPINFORM and its DHCPACK: a Windows 10 INFORM laid out field by field,
 * Apple's pppd's INFORM byte for byte and its ACK taken as acsp.c takes it,
 * the ACK decoded here independently (RFC 3396 pieces joined, RFC 3442 routes
 * and RFC 1035 names decoded back), the parameter request list's effect,
 * option overload, and every malformed input refused, each read from an
 * exact-size heap copy so that ASan sees any read past the end.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/config.h"
#include "addr/dhcp.h"
#include "inform.h"
#include "conf/users.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void assert_ip(const uint8_t *p, const char *s)
{
	struct in_addr a = ip(s);

	assert_memory_equal(p, &a, 4);
}

/* --- messages ---------------------------------------------------------------- */

struct msg {
	uint8_t b[2048];
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void opt(struct msg *m, uint8_t code, const void *v, size_t n)
{
	uint8_t h[2] = { code, (uint8_t)n };

	put(m, h, 2);
	put(m, v, n);
}

static const uint8_t win_prl[] = { 1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43 };
static const uint8_t win_chaddr[6] = { 0x00, 0x15, 0x5d, 0x1f, 0x2a, 0x3b };

/* The fixed header of a BOOTREQUEST from ciaddr and the magic cookie. */
static void header(struct msg *m, uint32_t xid, const char *ciaddr)
{
	struct in_addr c = ip(ciaddr);

	memset(m, 0, sizeof(*m));
	m->b[0] = 1;				/* op: BOOTREQUEST */
	m->b[1] = 1;				/* htype: Ethernet */
	m->b[2] = 6;				/* hlen */
	m->b[3] = 0;				/* hops */
	m->b[4] = (uint8_t)(xid >> 24);		/* xid */
	m->b[5] = (uint8_t)(xid >> 16);
	m->b[6] = (uint8_t)(xid >> 8);
	m->b[7] = (uint8_t)xid;
	/* secs 0, flags 0 (unicast: the client has its address) */
	memcpy(m->b + 12, &c, 4);		/* ciaddr: its IPCP address */
	/* yiaddr, siaddr, giaddr 0.0.0.0 */
	memcpy(m->b + 28, win_chaddr, 6);	/* chaddr, zero padded to 16 */
	/* sname, file: zeros */
	m->b[236] = 99;				/* magic cookie */
	m->b[237] = 130;
	m->b[238] = 83;
	m->b[239] = 99;
	m->len = 240;
}

/*
 * A Windows 10 client's DHCPINFORM after IPCP, as a capture lays it out
 * (UDP 68 -> 67, from its PPP address to 255.255.255.255):
 *   op 1, htype 1, hlen 6, hops 0, xid random, secs 0, flags 0,
 *   ciaddr = the address IPCP gave it, yiaddr/siaddr/giaddr 0,
 *   chaddr = the adapter's 6-octet address, sname and file empty, cookie;
 *   options 53 = 8 (DHCPINFORM), 61 client id (type 1 + chaddr),
 *   12 host name, 60 vendor class "MSFT 5.0",
 *   55 = 1 15 3 6 44 46 47 31 33 121 249 43, 255 END,
 *   then zeros up to BOOTP's 300 octets.
 */
static void win10_inform(struct msg *m)
{
	static const uint8_t inform = 8;
	uint8_t cid[7] = { 1 };

	header(m, 0x5e1f0a3c, "192.168.42.10");
	opt(m, 53, &inform, 1);
	memcpy(cid + 1, win_chaddr, 6);
	opt(m, 61, cid, sizeof(cid));
	opt(m, 12, "DESKTOP-7Q3KR2M", 15);
	opt(m, 60, "MSFT 5.0", 8);
	opt(m, 55, win_prl, sizeof(win_prl));
	put(m, "\xff", 1);
	assert_int_equal(m->len, 294);
	m->len = 300;
}

/* Parse from an exact-size heap copy. */
static int parse(const uint8_t *b, size_t len, struct dhcp_inform *in, const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, b, len);
	*why = NULL;
	ret = dhcp_parse_inform(copy, len, in, why);
	free(copy);
	if (ret)
		assert_non_null(*why);
	else
		assert_null(*why);
	return ret;
}

static void assert_refused(const struct msg *m, const char *reason)
{
	struct dhcp_inform in;
	const char *why;

	if (!parse(m->b, m->len, &in, &why))
		fail_msg("accepted, expected refused: %s", reason);
	if (!strstr(why, reason))
		fail_msg("refused for '%s', expected '%s'", why, reason);
}

/* --- an independent decoder of the ACK ---------------------------------------- */

struct opts {
	bool has[256];
	uint8_t v[256][2048];
	size_t len[256];
	unsigned int pieces[256];
	uint8_t order[64];		/* codes in the order they first appear */
	unsigned int n_order;
};

/* The options of a reply up to END, pieces of one code joined (RFC 3396). */
static struct opts *decode_ack(const uint8_t *b, size_t len, size_t *end)
{
	struct opts *o = calloc(1, sizeof(*o));
	size_t i = 240;

	assert_non_null(o);
	assert_true(len >= 240);
	for (;;) {
		uint8_t code, n;

		assert_true(i < len);
		code = b[i];
		if (code == 255)
			break;
		assert_int_not_equal(code, 0);		/* we never pad between options */
		assert_true(i + 2 <= len);
		n = b[i + 1];
		assert_true(i + 2 + n <= len);
		if (!o->has[code]) {
			assert_true(o->n_order < 64);
			o->order[o->n_order++] = code;
		} else {
			/* RFC 3396: the pieces of one option are consecutive here */
			assert_int_equal(o->order[o->n_order - 1], code);
		}
		o->has[code] = true;
		assert_true(o->len[code] + n <= sizeof(o->v[0]));
		memcpy(o->v[code] + o->len[code], b + i + 2, n);
		o->len[code] += n;
		o->pieces[code]++;
		i += 2 + (size_t)n;
	}
	*end = i;
	return o;
}

/* RFC 3442: width, significant octets, router; back into routes. */
static unsigned int decode_routes(const uint8_t *v, size_t len, struct config_route *r,
				  const char *router)
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < len) {
		unsigned int plen = v[i], octets = (plen + 7) / 8;
		uint8_t net[4] = { 0 };

		assert_true(plen <= 32);
		assert_true(i + 1 + octets + 4 <= len);
		memcpy(net, v + i + 1, octets);
		assert_true(n < CONFIG_MAX_ROUTES);
		memcpy(&r[n].net, net, 4);
		r[n].plen = plen;
		assert_ip(v + i + 1 + octets, router);
		n++;
		i += 1 + octets + 4;
	}
	return n;
}

/* RFC 1035 4.1.4 names, with compression pointers, into dotted strings. */
static unsigned int decode_names(const uint8_t *v, size_t len, char names[][256])
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < len) {
		size_t at = i, out = 0, hops = 0;
		bool jumped = false;

		for (;;) {
			uint8_t l;

			assert_true(at < len);
			l = v[at];
			if ((l & 0xc0) == 0xc0) {
				assert_true(at + 1 < len);
				if (!jumped)
					i = at + 2;
				jumped = true;
				at = (size_t)(l & 0x3f) << 8 | v[at + 1];
				assert_true(++hops < 64);
				continue;
			}
			assert_true(l <= 63);
			if (!l) {
				if (!jumped)
					i = at + 1;
				break;
			}
			assert_true(at + 1 + l <= len);
			if (out)
				names[n][out++] = '.';
			assert_true(out + l < 256);
			memcpy(names[n] + out, v + at + 1, l);
			out += l;
			at += 1 + (size_t)l;
		}
		names[n][out] = '\0';
		n++;
		assert_true(n <= CONFIG_MAX_SEARCH);
	}
	return n;
}

/* --- the configuration the tests answer with ----------------------------------- */

static const char conf_text[] =
	"[ppp]\n"
	"local-address = 192.168.42.1\n"
	"dns = 10.1.0.53 10.2.0.53\n"
	"routes = 10.0.0.0/8 172.20.0.0/16 192.168.50.0/23 10.200.0.7/32\n"
	"dns-domain = corp.example\n"
	"dns-search = corp.example lab.corp.example\n";

static void load_config(struct l2sec_config *cfg, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_int_equal(config_parse_file(cfg, f, "test.conf", NULL, NULL), 0);
	fclose(f);
}

/* What the daemon will do: the [ppp] values as the answer. */
static struct dhcp_answer answer_of(const struct l2sec_config *cfg)
{
	struct dhcp_answer a = {
		.dns = cfg->dns,
		.domain = cfg->dns_domain,
		.search = cfg->dns_search,
		.n_search = cfg->n_dns_search,
		.routes = cfg->routes,
		.n_routes = cfg->n_routes,
		.router = cfg->local_ipv4,
	};

	while (a.n_dns < 2 && cfg->dns[a.n_dns].s_addr)
		a.n_dns++;
	return a;
}

/* --- tests ---------------------------------------------------------------------- */

static void test_parse_windows(void **state)
{
	struct dhcp_inform in;
	const char *why;
	struct msg m;

	(void)state;
	win10_inform(&m);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.xid, 0x5e1f0a3c);
	assert_int_equal(in.ciaddr.s_addr, ip("192.168.42.10").s_addr);
	assert_int_equal(in.htype, 1);
	assert_int_equal(in.hlen, 6);
	assert_int_equal(in.flags, 0);
	assert_memory_equal(in.chaddr, win_chaddr, 6);
	for (int i = 6; i < 16; i++)
		assert_int_equal(in.chaddr[i], 0);
	assert_int_equal(in.n_prl, sizeof(win_prl));
	assert_memory_equal(in.prl, win_prl, sizeof(win_prl));
	assert_int_equal(in.max_msg, 0);

	/* without the padding after END, and with the broadcast flag */
	m.len = 294;
	m.b[10] = 0x80;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.flags, 0x8000);
	/* other hardware types and lengths: taken as they come */
	m.b[1] = 20;
	m.b[2] = 0;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.htype, 20);
	assert_int_equal(in.hlen, 0);
	m.b[2] = 16;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.hlen, 16);
}

/* The ACK to Windows, field by field. */
static void test_ack_windows(void **state)
{
	static const uint8_t routes_wire[] = {
		8, 10, 192, 168, 42, 1,				/* 10.0.0.0/8 */
		16, 172, 20, 192, 168, 42, 1,			/* 172.20.0.0/16 */
		23, 192, 168, 50, 192, 168, 42, 1,		/* 192.168.50.0/23 */
		32, 10, 200, 0, 7, 192, 168, 42, 1,		/* 10.200.0.7/32 */
	};
	struct l2sec_config cfg;
	struct dhcp_answer a;
	struct config_route r[CONFIG_MAX_ROUTES];
	struct dhcp_inform in;
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t buf[1500];
	size_t len, end;

	(void)state;
	load_config(&cfg, conf_text);
	a = answer_of(&cfg);
	assert_int_equal(a.n_dns, 2);
	win10_inform(&m);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	memset(buf, 0xaa, sizeof(buf));
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	/* 53, 54, 6, 15, 121 and 249 of 30 octets each, END */
	assert_int_equal(len, 240 + 3 + 6 + 10 + 14 + 2 * (2 + 30) + 1);

	/* the fixed header (RFC 2131 table 3, DHCPACK to a DHCPINFORM) */
	assert_int_equal(buf[0], 2);			/* BOOTREPLY */
	assert_int_equal(buf[1], 1);
	assert_int_equal(buf[2], 6);
	assert_int_equal(buf[3], 0);			/* hops */
	assert_int_equal(be32(buf + 4), 0x5e1f0a3c);	/* xid */
	assert_int_equal(be16(buf + 8), 0);		/* secs */
	assert_int_equal(be16(buf + 10), 0);		/* flags: the client's */
	assert_ip(buf + 12, "192.168.42.10");		/* ciaddr echoed */
	assert_ip(buf + 16, "0.0.0.0");			/* yiaddr: none for INFORM */
	assert_ip(buf + 20, "0.0.0.0");
	assert_ip(buf + 24, "0.0.0.0");
	assert_memory_equal(buf + 28, win_chaddr, 6);
	for (int i = 34; i < 236; i++)			/* chaddr's rest, sname, file */
		assert_int_equal(buf[i], 0);
	assert_memory_equal(buf + 236, "\x63\x82\x53\x63", 4);

	o = decode_ack(buf, len, &end);
	/* in this order: 53, 54, then what Windows asked for and the routes */
	assert_int_equal(o->n_order, 6);
	assert_memory_equal(o->order, "\x35\x36\x06\x0f\x79\xf9", 6);
	assert_int_equal(o->len[53], 1);
	assert_int_equal(o->v[53][0], 5);		/* DHCPACK */
	assert_int_equal(o->len[54], 4);
	assert_ip(o->v[54], "192.168.42.1");
	assert_int_equal(o->len[6], 8);
	assert_ip(o->v[6], "10.1.0.53");
	assert_ip(o->v[6] + 4, "10.2.0.53");
	assert_int_equal(o->len[15], 12);
	assert_memory_equal(o->v[15], "corp.example", 12);
	/* Windows did not ask for 119: left out; no lease, mask or router */
	assert_false(o->has[119]);
	assert_false(o->has[51]);
	assert_false(o->has[1]);
	assert_false(o->has[3]);

	/* 121 and 249: the same bytes, each width as RFC 3442 encodes it */
	assert_int_equal(o->len[121], sizeof(routes_wire));
	assert_memory_equal(o->v[121], routes_wire, sizeof(routes_wire));
	assert_int_equal(o->len[249], sizeof(routes_wire));
	assert_memory_equal(o->v[249], routes_wire, sizeof(routes_wire));
	/* and they decode back to exactly the configured routes */
	assert_int_equal(decode_routes(o->v[249], o->len[249], r, "192.168.42.1"), 4);
	assert_memory_equal(r, cfg.routes, 4 * sizeof(r[0]));
	assert_int_equal(decode_routes(o->v[121], o->len[121], r, "192.168.42.1"), 4);
	assert_memory_equal(r, cfg.routes, 4 * sizeof(r[0]));

	/* END last, nothing written past the message */
	assert_int_equal(end, len - 1);
	assert_int_equal(buf[len], 0xaa);
	/* an ACK is no INFORM */
	assert_int_equal(parse(buf, len, &in, &why), -1);
	assert_string_equal(why, "not a BOOTREQUEST");
	free(o);
}

/*
 * A user with its own routes= and dns-domain= (users file): the answer built
 * as inform.c builds it, from users_split(), carries exactly that user's
 * routes and suffix, and the [ppp] DNS servers and search list.
 */
static void test_ack_per_user(void **state)
{
	struct config_route r[CONFIG_MAX_ROUTES];
	char names[CONFIG_MAX_SEARCH][256];
	struct l2sec_config cfg;
	struct users_split sp;
	struct users_db *db;
	struct dhcp_answer a;
	struct dhcp_inform in;
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t buf[1500];
	size_t len, end;
	const char *users = "bob password pw routes=10.99.0.0/16,203.0.113.0/24 "
			    "dns-domain=bob.example\n"
			    "full password pw routes=\n";

	(void)state;
	load_config(&cfg, conf_text);
	db = users_parse(users, strlen(users), NULL, NULL);
	assert_non_null(db);
	users_split(users_lookup(db, "bob", 3), &cfg, &sp);
	a = answer_of(&cfg);
	a.routes = sp.routes;
	a.n_routes = sp.n_routes;
	a.domain = sp.dns_domain;
	a.search = sp.dns_search;
	a.n_search = sp.n_dns_search;
	header(&m, 9, "192.168.42.10");
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);			/* no request list: every option */
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	assert_true(len > 0);
	o = decode_ack(buf, len, &end);
	assert_int_equal(decode_routes(o->v[121], o->len[121], r, "192.168.42.1"), 2);
	assert_ip((uint8_t *)&r[0].net, "10.99.0.0");
	assert_int_equal(r[0].plen, 16);
	assert_ip((uint8_t *)&r[1].net, "203.0.113.0");
	assert_int_equal(r[1].plen, 24);
	assert_int_equal(decode_routes(o->v[249], o->len[249], r, "192.168.42.1"), 2);
	assert_ip((uint8_t *)&r[1].net, "203.0.113.0");
	assert_int_equal(o->len[15], 11);
	assert_memory_equal(o->v[15], "bob.example", 11);
	/* not given for bob: [ppp]'s */
	assert_int_equal(decode_names(o->v[119], o->len[119], names), 2);
	assert_string_equal(names[1], "lab.corp.example");
	assert_int_equal(o->len[6], 8);
	assert_ip(o->v[6], "10.1.0.53");
	free(o);

	/* "routes=": a full tunnel for this user, no 121 or 249 at all */
	users_split(users_lookup(db, "full", 4), &cfg, &sp);
	a.routes = sp.routes;
	a.n_routes = sp.n_routes;
	a.domain = sp.dns_domain;
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	o = decode_ack(buf, len, &end);
	assert_false(o->has[121]);
	assert_false(o->has[249]);
	assert_memory_equal(o->v[15], "corp.example", 12);
	free(o);
	users_free(db);
}

/* No parameter request list: everything configured, 119 decoded per RFC 1035. */
static void test_ack_search(void **state)
{
	/* lab.corp.example ends with a pointer to corp.example (RFC 1035 4.1.4) */
	static const uint8_t search_wire[] =
		"\x04" "corp" "\x07" "example" "\x00"
		"\x03" "lab" "\xc0\x00";
	struct l2sec_config cfg;
	struct dhcp_answer a;
	struct dhcp_inform in;
	char names[CONFIG_MAX_SEARCH][256];
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t buf[1500];
	size_t len, end;

	(void)state;
	load_config(&cfg, conf_text);
	a = answer_of(&cfg);
	header(&m, 7, "10.9.8.7");
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 0);
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	assert_true(len >= 300);
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->n_order, 7);
	assert_memory_equal(o->order, "\x35\x36\x06\x0f\x77\x79\xf9", 7);
	assert_int_equal(o->len[119], sizeof(search_wire) - 1);
	assert_memory_equal(o->v[119], search_wire, sizeof(search_wire) - 1);
	assert_int_equal(decode_names(o->v[119], o->len[119], names), 2);
	assert_string_equal(names[0], "corp.example");
	assert_string_equal(names[1], "lab.corp.example");
	assert_ip(buf + 12, "10.9.8.7");
	free(o);

	/* asked for 119 and 121 only: 6, 15 and 249 left out */
	header(&m, 7, "10.9.8.7");
	opt(&m, 53, "\x08", 1);
	opt(&m, 55, "\x79\x77", 2);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 2);
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->n_order, 4);
	assert_memory_equal(o->order, "\x35\x36\x77\x79", 4);
	free(o);

	/* full tunnel, nothing else configured: 53 and 54 only */
	load_config(&cfg, "");
	a = answer_of(&cfg);
	win10_inform(&m);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	memset(buf, 0xaa, sizeof(buf));
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
	assert_int_equal(len, 300);			/* padded to BOOTP's minimum */
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->n_order, 2);
	assert_int_equal(end, 240 + 3 + 6);
	assert_ip(o->v[54], "192.0.2.1");
	for (size_t i = end + 1; i < len; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[len], 0xaa);
	/* 300 octets are needed even then */
	assert_int_equal(dhcp_build_ack(buf, 299, &in, ip("192.0.2.1"), &a, NULL), 0);
	free(o);
}

/*
 * The most there can be: 32 routes of 9 octets (288: two pieces of 121 and
 * two of 249), 8 long names in 119, the DNS servers and a 253-character
 * domain; with less room, less of it, in the order dhcp.h gives.
 */
static void test_ack_long(void **state)
{
	struct config_route routes[CONFIG_MAX_ROUTES], r[CONFIG_MAX_ROUTES];
	char search[CONFIG_MAX_SEARCH][CONFIG_DOMAIN_MAX + 1];
	char names[CONFIG_MAX_SEARCH][256];
	char domain[CONFIG_DOMAIN_MAX + 1];
	struct in_addr dns[2] = { ip("10.1.0.53"), ip("10.2.0.53") };
	struct dhcp_answer a = {
		.dns = dns, .n_dns = 2, .domain = domain, .search = search,
		.n_search = CONFIG_MAX_SEARCH, .routes = routes, .n_routes = CONFIG_MAX_ROUTES,
		.router = ip("192.168.42.1"),
	};
	struct dhcp_inform in;
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t *buf;
	size_t len, end, want;

	(void)state;
	for (unsigned int i = 0; i < CONFIG_MAX_ROUTES; i++) {
		routes[i].net.s_addr = htonl(0x0a000001 + (i << 8));	/* 10.0.i.1/32 */
		routes[i].plen = 32;
	}
	/* 253 characters: 63 + 1 + 63 + 1 + 63 + 1 + 61 */
	memset(domain, 'd', CONFIG_DOMAIN_MAX);
	domain[63] = domain[127] = domain[191] = '.';
	domain[CONFIG_DOMAIN_MAX] = '\0';
	for (unsigned int i = 0; i < CONFIG_MAX_SEARCH; i++) {
		memset(search[i], 'a' + (int)i, CONFIG_DOMAIN_MAX);
		search[i][63] = search[i][127] = search[i][191] = '.';
		search[i][CONFIG_DOMAIN_MAX] = '\0';
	}
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);

	/* 240 + 53, 54, 6, 15 (2 + 253), 119 (8 x 255: 8 pieces), 121 and 249, END */
	want = 240 + 3 + 6 + 10 + 255 + (8 * 255 + 8 * 2) + 2 * (288 + 4) + 1;
	buf = malloc(want);
	assert_non_null(buf);
	len = dhcp_build_ack(buf, want, &in, ip("192.168.42.1"), &a, NULL);
	assert_int_equal(len, want);
	o = decode_ack(buf, len, &end);
	assert_int_equal(end, want - 1);
	assert_int_equal(o->pieces[121], 2);
	assert_int_equal(o->pieces[249], 2);
	assert_int_equal(o->pieces[119], 8);
	assert_int_equal(o->len[15], 253);
	assert_memory_equal(o->v[15], domain, 253);
	assert_int_equal(decode_routes(o->v[121], o->len[121], r, "192.168.42.1"), 32);
	assert_memory_equal(r, routes, sizeof(routes));
	assert_int_equal(decode_routes(o->v[249], o->len[249], r, "192.168.42.1"), 32);
	assert_memory_equal(r, routes, sizeof(routes));
	assert_int_equal(decode_names(o->v[119], o->len[119], names), 8);
	for (unsigned int i = 0; i < CONFIG_MAX_SEARCH; i++)
		assert_string_equal(names[i], search[i]);
	free(o);
	free(buf);

	/*
	 * Less room: less is sent, never nothing once 53, 54 and 6 fit, in
	 * this order: 249 (the client asked for neither), 119, 15, the routes.
	 */
	for (size_t size = 0; size < want; size++) {
		unsigned int left = 0, n_names, n_routes;

		buf = malloc(size ? size : 1);
		assert_non_null(buf);
		len = dhcp_build_ack(buf, size, &in, ip("192.168.42.1"), &a, &left);
		if (size < 300) {
			assert_int_equal(len, 0);
			free(buf);
			continue;
		}
		assert_true(len > 0 && len <= size);
		assert_true(left & DHCP_LEFT_ROUTES_249);
		if (left & DHCP_LEFT_DOMAIN)
			assert_true(left & DHCP_LEFT_SEARCH);
		if (left & DHCP_LEFT_ROUTES_121)
			assert_true(left & DHCP_LEFT_DOMAIN);
		o = decode_ack(buf, len, &end);
		assert_false(o->has[249]);
		assert_int_equal(o->has[121], !(left & DHCP_LEFT_ROUTES_121));
		assert_int_equal(o->has[119], !(left & DHCP_LEFT_SEARCH));
		assert_int_equal(o->has[15], !(left & DHCP_LEFT_DOMAIN));
		assert_true(o->has[6]);
		n_routes = o->has[121] ? decode_routes(o->v[121], o->len[121], r, "192.168.42.1") : 0;
		assert_int_equal(n_routes, o->has[121] ? 32 : 0);
		n_names = o->has[119] ? decode_names(o->v[119], o->len[119], names) : 0;
		assert_int_equal(n_names, o->has[119] ? 8 : 0);
		/* each step is taken only when the one before does not fit */
		if (size >= want - (288 + 4))
			assert_int_equal(left, DHCP_LEFT_ROUTES_249);
		free(o);
		free(buf);
	}
}

/* Each route width's encoding; a name or route that cannot be encoded. */
static void test_ack_encodings(void **state)
{
	struct config_route routes[33];
	char search[1][CONFIG_DOMAIN_MAX + 1] = { "corp.example." };
	struct dhcp_answer a = { .routes = routes, .router = ip("10.255.0.1") };
	struct dhcp_inform in;
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t buf[1500];
	size_t len, end;

	(void)state;
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);

	/* width w: w, ceil(w / 8) octets of the network, the router */
	for (unsigned int w = 1; w <= 32; w++) {
		routes[0].net.s_addr = htonl(w == 32 ? 0xc0a80101 : 0xc0a80101 & ~(UINT32_MAX >> w));
		routes[0].plen = w;
		a.n_routes = 1;
		len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
		assert_true(len);
		o = decode_ack(buf, len, &end);
		assert_int_equal(o->len[121], 1 + (w + 7) / 8 + 4);
		assert_int_equal(o->v[121][0], w);
		assert_memory_equal(o->v[121] + 1, &routes[0].net, (w + 7) / 8);
		assert_ip(o->v[121] + 1 + (w + 7) / 8, "10.255.0.1");
		assert_memory_equal(o->v[249], o->v[121], o->len[121]);
		free(o);
	}
	/* host bits are not sent even if a caller leaves them set */
	routes[0].net = ip("10.1.2.3");
	routes[0].plen = 8;
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
	o = decode_ack(buf, len, &end);
	assert_memory_equal(o->v[121], "\x08\x0a\x0a\xff\x00\x01", 6);
	free(o);
	/* /0 encodes (a caller's choice; the configuration refuses it) */
	routes[0].plen = 0;
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
	o = decode_ack(buf, len, &end);
	assert_memory_equal(o->v[121], "\x00\x0a\xff\x00\x01", 5);
	free(o);
	/* refused: a width over 32, more than 32 routes */
	routes[0].plen = 33;
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	for (unsigned int i = 0; i < 33; i++) {
		routes[i].net.s_addr = htonl(0x0a000000 + (i << 16));
		routes[i].plen = 16;
	}
	a.n_routes = 33;
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	a.n_routes = 0;

	/* a trailing dot is the root's: the same encoding */
	a.search = search;
	a.n_search = 1;
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
	o = decode_ack(buf, len, &end);
	assert_memory_equal(o->v[119], "\x04" "corp\x07" "example\x00", 14);
	assert_int_equal(o->len[119], 14);
	free(o);
	/* names that are no names */
	strcpy(search[0], "corp..example");
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	strcpy(search[0], ".");
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	strcpy(search[0], "");
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	memset(search[0], 'x', 64);
	strcpy(search[0] + 64, ".example");
	assert_int_equal(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL), 0);
	strcpy(search[0] + 63, ".example");		/* a label of 63: fine */
	assert_true(dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL));
}

/* Every truncation of the Windows INFORM before its END is refused. */
static void test_truncations(void **state)
{
	struct dhcp_inform in;
	const char *why;
	struct msg m;

	(void)state;
	win10_inform(&m);
	for (size_t len = 0; len < m.len; len++) {
		int ret = parse(m.b, len, &in, &why);

		if (len < 294 && ret != -1)
			fail_msg("accepted at %zu octets", len);
		if (len >= 294 && ret != 0)
			fail_msg("refused at %zu octets: %s", len, why);
	}
	assert_int_equal(parse(m.b, 239, &in, &why), -1);
	assert_string_equal(why, "shorter than a DHCP header");
	assert_int_equal(parse(m.b, 240, &in, &why), -1);
	assert_string_equal(why, "no END option");
	assert_int_equal(parse(m.b, 241, &in, &why), -1);
	assert_string_equal(why, "an option's length is past the end");
	assert_int_equal(parse(m.b, 242, &in, &why), -1);
	assert_string_equal(why, "an option runs past the end");
}

static void test_refused(void **state)
{
	struct dhcp_inform in;
	const char *why;
	struct msg m, w;
	uint8_t prl[200];

	(void)state;
	win10_inform(&w);

	m = w;
	m.b[0] = 2;
	assert_refused(&m, "not a BOOTREQUEST");
	m.b[0] = 3;
	assert_refused(&m, "not a BOOTREQUEST");
	m = w;
	m.b[2] = 17;
	assert_refused(&m, "hardware address longer than 16");
	m = w;
	m.b[27] = 1;
	assert_refused(&m, "relayed");
	m = w;
	m.b[239] = 0x62;
	assert_refused(&m, "magic cookie");
	m = w;
	memset(m.b + 12, 0, 4);
	assert_refused(&m, "without ciaddr");

	/* message types other than INFORM: DISCOVER, REQUEST, RELEASE */
	for (uint8_t t = 1; t <= 18; t++) {
		if (t == 8)
			continue;
		m = w;
		m.b[242] = t;
		assert_refused(&m, "not a DHCPINFORM");
	}
	/* no 53; 53 twice; 53 of length 2 */
	m = w;
	m.b[240] = 0;		/* 53 -> three PADs */
	m.b[241] = 0;
	m.b[242] = 0;
	assert_refused(&m, "no message type");
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	assert_refused(&m, "two message type");
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08\x00", 2);
	put(&m, "\xff", 1);
	assert_refused(&m, "not of length 1");

	/* missing END: the last option ends exactly at the end of the message */
	m = w;
	m.len = 293;
	assert_refused(&m, "no END option");
	/* only padding after the options, no END */
	m = w;
	m.b[293] = 0;
	assert_refused(&m, "no END option");

	/* oversized; the largest size accepted */
	m = w;
	m.len = DHCP_MAX_LEN + 1;
	assert_refused(&m, "longer than 1472");
	m.len = DHCP_MAX_LEN;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);

	/* the parameter request list: empty, or over 255 when joined */
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 55, "", 0);
	put(&m, "\xff", 1);
	assert_refused(&m, "empty parameter request list");
	memset(prl, 1, sizeof(prl));
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 55, prl, 200);
	opt(&m, 55, prl, 55);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 255);
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 55, prl, 200);
	opt(&m, 55, prl, 56);
	put(&m, "\xff", 1);
	assert_refused(&m, "longer than 255");

	/* maximum message size: of length 2, once */
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 57, "\x05", 1);
	put(&m, "\xff", 1);
	assert_refused(&m, "maximum message size option not of length 2");
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 57, "\x05\xdc", 2);
	opt(&m, 57, "\x05\xdc", 2);
	put(&m, "\xff", 1);
	assert_refused(&m, "two maximum message size");
}

/* Option overload (52): options in file, then sname, each with its END. */
static void test_overload(void **state)
{
	struct dhcp_inform in;
	const char *why;
	struct msg m;

	(void)state;
	header(&m, 1, "10.0.0.1");
	opt(&m, 52, "\x03", 1);
	opt(&m, 55, "\x01\x02", 2);
	put(&m, "\xff", 1);
	/* file (108): 53 and more of 55; sname (44): the rest of 55 */
	memcpy(m.b + 108, "\x35\x01\x08\x37\x01\x03\xff", 7);
	memcpy(m.b + 44, "\x00\x37\x02\x79\xf9\xff", 6);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 5);
	assert_memory_equal(in.prl, "\x01\x02\x03\x79\xf9", 5);

	/* file only: sname is not parsed (its 55 would be) */
	m.b[242] = 1;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 3);
	/* sname only: the message type in file is not seen */
	m.b[242] = 2;
	assert_refused(&m, "no message type");
	m.b[242] = 3;

	/* each field must end with END */
	m.b[108 + 6] = 0;
	assert_refused(&m, "no END option in an overloaded field");
	m.b[108 + 6] = 0xff;
	m.b[44 + 5] = 0;
	assert_refused(&m, "no END option in an overloaded field");
	m.b[44 + 5] = 0xff;
	/* a field full to its last octet, END included */
	memset(m.b + 44, 0, 64);
	m.b[44] = 12;
	m.b[45] = 61;
	m.b[44 + 63] = 0xff;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	/* an option running past its field */
	m.b[45] = 63;
	assert_refused(&m, "runs past the end");
	m.b[45] = 61;

	/* overload: 1..3, once, and only in the options field */
	m.b[242] = 0;
	assert_refused(&m, "not 1, 2 or 3");
	m.b[242] = 4;
	assert_refused(&m, "not 1, 2 or 3");
	m.b[242] = 3;
	memcpy(m.b + 108, "\x35\x01\x08\x34\x01\x03\xff", 7);
	assert_refused(&m, "option overload inside an overloaded field");
	header(&m, 1, "10.0.0.1");
	opt(&m, 52, "\x01", 1);
	opt(&m, 52, "\x01", 1);
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	m.b[108] = 0xff;
	assert_refused(&m, "two option overload");
	/* without 52, file and sname are not options */
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	put(&m, "\xff", 1);
	memset(m.b + 44, 0x37, 192);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.n_prl, 0);
}

/* Option 57 and the size to build the ACK into. */
static void test_sizes(void **state)
{
	struct dhcp_inform in;
	const char *why;
	struct msg m;

	(void)state;
	header(&m, 1, "10.0.0.1");
	opt(&m, 53, "\x08", 1);
	opt(&m, 57, "\x05\xdc", 2);		/* 1500 */
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.max_msg, 1500);
	assert_int_equal(dhcp_ack_size(&in, 1400), 1372);
	assert_int_equal(dhcp_ack_size(&in, 1500), 1472);
	assert_int_equal(dhcp_ack_size(&in, 9000), 1472);
	m.b[245] = 0x02;			/* 576 */
	m.b[246] = 0x40;
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.max_msg, 576);
	assert_int_equal(dhcp_ack_size(&in, 1400), DHCP_MIN_MSG_LEN);
	m.b[246] = 0x3f;			/* 575: below the least legal, ignored */
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.max_msg, 0);
	assert_int_equal(dhcp_ack_size(&in, 1400), 1372);
	/* a small MTU: still what every client must take */
	assert_int_equal(dhcp_ack_size(&in, 128), DHCP_MIN_MSG_LEN);
	assert_int_equal(dhcp_ack_size(&in, 0), DHCP_MIN_MSG_LEN);
}

static void inform_with(struct dhcp_inform *in, const void *prl, size_t n_prl, uint16_t max_msg)
{
	struct msg m;
	const char *why;
	uint8_t mm[2] = { (uint8_t)(max_msg >> 8), (uint8_t)max_msg };

	header(&m, 0x77, "192.168.42.10");
	opt(&m, 53, "\x08", 1);
	if (n_prl)
		opt(&m, 55, prl, n_prl);
	if (max_msg)
		opt(&m, 57, mm, 2);
	put(&m, "\xff", 1);
	assert_int_equal(parse(m.b, m.len, in, &why), 0);
}

/*
 * RFC 1035 4.1.4 compression of the search list (RFC 3397): a suffix
 * already written becomes a pointer to its first label; names keep their
 * case as configured, so only the same spelling is shared.
 */
static void test_search_compression(void **state)
{
	static const char *const list[] = {
		"corp.example", "eng.corp.example", "Lab.ENG.corp.example", "example",
		"other.test", "corp.example.net", "eng.corp.example",
	};
	static const uint8_t wire[] =
		"\x04" "corp" "\x07" "example" "\x00"		/* 0 */
		"\x03" "eng" "\xc0\x00"				/* 14 */
		"\x03" "Lab" "\x03" "ENG" "\xc0\x00"		/* 20: case kept as written */
		"\xc0\x05"					/* 30: example */
		"\x05" "other" "\x04" "test" "\x00"		/* 32 */
		"\x04" "corp" "\x07" "example" "\x03" "net" "\x00"	/* 44: not a suffix */
		"\xc0\x0e";					/* 62: the same name again */
	char search[CONFIG_MAX_SEARCH][CONFIG_DOMAIN_MAX + 1];
	char names[CONFIG_MAX_SEARCH][256];
	struct dhcp_answer a = { .search = search, .n_search = 7 };
	struct dhcp_inform in;
	uint8_t buf[1500];
	size_t len, end;
	struct opts *o;

	(void)state;
	for (unsigned int i = 0; i < 7; i++)
		strcpy(search[i], list[i]);
	inform_with(&in, NULL, 0, 0);
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.0.2.1"), &a, NULL);
	assert_true(len);
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->len[119], sizeof(wire) - 1);
	assert_memory_equal(o->v[119], wire, sizeof(wire) - 1);
	assert_int_equal(decode_names(o->v[119], o->len[119], names), 7);
	assert_string_equal(names[2], "Lab.ENG.corp.example");
	assert_string_equal(names[3], "example");
	assert_string_equal(names[6], "eng.corp.example");
	free(o);
}

/* The [ppp] values of the tests below: n routes of /24 (a line each), 8 search domains. */
static void split_conf(char *text, size_t size, unsigned int n_routes)
{
	size_t n = (size_t)snprintf(text, size, "[ppp]\nlocal-address = 192.168.42.1\n"
				    "dns = 10.1.0.53 10.2.0.53\ndns-domain = corp.example\n"
				    "dns-search = corp.example eng.corp.example ops.corp.example "
				    "lab.eng.corp.example hr.corp.example it.corp.example "
				    "dev.lab.eng.corp.example example\nroutes =");

	for (unsigned int i = 0; i < n_routes; i++)
		n += (size_t)snprintf(text + n, size - n, "\n  10.%u.%u.0/24", 1 + i / 200, i % 200);
	snprintf(text + n, size - n, "\n");
}

static char errors[4][512];
static unsigned int n_errors;

static void collect_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	(void)arg;
	if (n_errors < 4)
		snprintf(errors[n_errors], sizeof(errors[0]), "%s:%u: %s", file, line, msg);
	n_errors++;
}

static void users_error(void *ctx, unsigned int line, const char *msg)
{
	collect_error(ctx, "users", line, msg);
}

static int parse_config(struct l2sec_config *cfg, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	n_errors = 0;
	ret = config_parse_file(cfg, f, "test.conf", collect_error, NULL);
	fclose(f);
	return ret;
}

/*
 * What an INFORM from in gets on a link of MTU mtu, for the answer a: it
 * fits the size dhcp_ack_size allows, and every route (in the option the
 * client asked for, when only one is left), DNS server, the domain and
 * every search domain are in it, decoded here.
 */
static void assert_complete(const struct dhcp_inform *in, unsigned int mtu,
			    const struct l2sec_config *cfg, const struct dhcp_answer *a,
			    bool both_routes, uint8_t route_opt)
{
	struct config_route r[CONFIG_MAX_ROUTES];
	char names[CONFIG_MAX_SEARCH][256];
	size_t size = dhcp_ack_size(in, mtu), len, end;
	unsigned int left = 99;
	struct opts *o;
	uint8_t *buf = malloc(size), other;
	bool meant_both;

	assert_non_null(buf);
	len = dhcp_build_ack(buf, size, in, ip("192.168.42.1"), a, &left);
	assert_true(len > 0 && len <= size);
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->len[6], 8);
	assert_memory_equal(o->v[6], cfg->dns, 8);
	assert_int_equal(o->len[15], strlen(cfg->dns_domain));
	assert_memory_equal(o->v[15], cfg->dns_domain, o->len[15]);
	assert_int_equal(decode_names(o->v[119], o->len[119], names), cfg->n_dns_search);
	for (unsigned int i = 0; i < cfg->n_dns_search; i++)
		assert_string_equal(names[i], cfg->dns_search[i]);
	assert_true(o->has[route_opt]);
	assert_int_equal(o->has[121] && o->has[249], both_routes);
	/*
	 * Both route options are meant for a client that asked for both or
	 * neither; one it did not ask for is not sent, not "left out".
	 */
	other = route_opt == 121 ? 249 : 121;
	meant_both = !in->n_prl || memchr(in->prl, other, in->n_prl) ||
		     !memchr(in->prl, route_opt, in->n_prl);
	assert_int_equal(left, both_routes || !meant_both ? 0u :
			 other == 249 ? (unsigned int)DHCP_LEFT_ROUTES_249 : DHCP_LEFT_ROUTES_121);
	assert_int_equal(decode_routes(o->v[route_opt], o->len[route_opt], r, "192.168.42.1"),
			 cfg->n_routes);
	assert_memory_equal(r, cfg->routes, cfg->n_routes * sizeof(r[0]));
	free(o);
	free(buf);
}

/*
 * The largest configuration l2secd -n accepts, answered to every kind of
 * client on every link: 53, 54, 6, 15 (14), 119 (8 names in 50 octets,
 * compressed), END and the routes once (2 + 8 n) must fit 548 octets;
 * with one route more the configuration is refused, naming the key.
 */
static void test_largest_config(void **state)
{
	static const uint8_t only249[] = { 1, 3, 6, 15, 119, 249 };
	static const uint8_t both[] = { 1, 3, 6, 15, 119, 121, 249 };
	struct l2sec_config cfg;
	struct dhcp_answer a;
	struct dhcp_inform in;
	char text[4096];
	unsigned int n, largest = 0;

	(void)state;
	for (n = 1; n <= CONFIG_MAX_ROUTES; n++) {
		size_t want = 240 + 3 + 6 + 10 + 14 + 52 + (2 + 8 * n) + 1;

		split_conf(text, sizeof(text), n);
		if (want <= DHCP_MIN_MSG_LEN) {
			if (parse_config(&cfg, text))
				fail_msg("%u routes: %s", n, errors[0]);
			config_dhcp_answer(&a, &cfg, NULL);
			assert_int_equal(dhcp_answer_len(&a), want);
			largest = n;
			continue;
		}
		assert_int_equal(parse_config(&cfg, text), 1);
		assert_non_null(strstr(errors[0], "test.conf:5: [ppp] routes, dns-domain and "
					"dns-search make a DHCPINFORM answer of"));
	}
	assert_int_equal(largest, 27);
	split_conf(text, sizeof(text), largest);
	assert_int_equal(parse_config(&cfg, text), 0);
	config_dhcp_answer(&a, &cfg, NULL);

	/* a big enough link, no size option: both route options */
	inform_with(&in, both, sizeof(both), 0);
	assert_complete(&in, 1400, &cfg, &a, true, 121);
	/* 576 by option 57, or a link of 128 (the least MRU LCP takes): 121 only */
	inform_with(&in, both, sizeof(both), 576);
	assert_complete(&in, 1400, &cfg, &a, false, 121);
	inform_with(&in, both, sizeof(both), 0);
	assert_complete(&in, 128, &cfg, &a, false, 121);
	/* a client that asks for 249 and not 121 gets 249, nothing left out */
	inform_with(&in, only249, sizeof(only249), 576);
	assert_complete(&in, 1280, &cfg, &a, false, 249);
	/* no parameter request list: everything, 121 kept */
	inform_with(&in, NULL, 0, 0);
	assert_complete(&in, 128, &cfg, &a, false, 121);
}

/* The configuration: 32 routes and 8 search domains of 57 characters. */
static void test_oversized_config_refused(void **state)
{
	struct l2sec_config cfg;
	char text[8192];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "[ppp]\nlocal-address = 192.168.42.1\ndns-search =");
	for (unsigned int i = 0; i < CONFIG_MAX_SEARCH; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "\n  site%u-abcdefghijklmnopqrstuvwxyz.region%u.example%u.com", i,
				      i, i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\nroutes =");
	for (unsigned int i = 0; i < CONFIG_MAX_ROUTES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n  10.9.%u.7/32", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	if (parse_config(&cfg, text) != 1)
		fail_msg("%u errors, the first: %s", n_errors, errors[0]);
	assert_non_null(strstr(errors[0], "test.conf:3: [ppp] routes, dns-domain and dns-search "
				"make a DHCPINFORM answer of"));
	assert_non_null(strstr(errors[0], "more than the 548 every client takes"));
}

/* A user's own values are checked with the [ppp] ones they leave in place. */
static void test_users_checked(void **state)
{
	static char users[4096];
	struct l2sec_config cfg;
	struct users_db *db;
	char text[4096];
	size_t n;

	(void)state;
	split_conf(text, sizeof(text), 20);
	assert_int_equal(parse_config(&cfg, text), 0);
	/* bob: his 28 routes with the [ppp] search list; carol: no list, 32 routes */
	n = (size_t)snprintf(users, sizeof(users), "alice password a\nbob password b routes=");
	for (unsigned int i = 0; i < 28; i++)
		n += (size_t)snprintf(users + n, sizeof(users) - n, "%s10.7.%u.0/24", i ? "," : "", i);
	n += (size_t)snprintf(users + n, sizeof(users) - n, "\ncarol password c dns-search= routes=");
	for (unsigned int i = 0; i < 32; i++)
		n += (size_t)snprintf(users + n, sizeof(users) - n, "%s10.8.%u.0/24", i ? "," : "", i);
	snprintf(users + n, sizeof(users) - n, "\n");
	db = users_parse(users, strlen(users), NULL, NULL);
	assert_non_null(db);
	n_errors = 0;
	assert_int_equal(inform_check_users(&cfg, db, users_error, NULL), 1);
	assert_non_null(strstr(errors[0], ":2: user 'bob': routes=, dns-domain= and dns-search="));
	users_free(db);
}

/* --- Apple's client (ppp-1027.121.1, Helpers/pppd/acsp.c) ---------------------- */

/*
 * The DHCPINFORM Apple's pppd sends (acsp_ipdata_start_dhcp_client) on an
 * L2TP link that is not the primary service, from its IPCP address to
 * 255.255.255.255, 68 -> 67, the UDP payload byte for byte: op 1, htype 8,
 * hlen 6, hops 0, xid a counter from 1, secs and flags 0, ciaddr, chaddr
 * 00 00 00 01, eight zeros, 00 00 00 01; sname and file zero; the cookie;
 * 53 = 8; 61 = 08 00 00 00 01 00 00; 55 = 6 44 43 1 249 15; END; then one
 * zero, as it pads the PPP frame (4 + 20 + 8 + 261 octets) to a multiple
 * of 4 -- 262 octets, short of BOOTP's 300.
 */
static const uint8_t apple_prl[] = { 6, 44, 43, 1, 249, 15 };

static void apple_inform(struct msg *m, uint32_t xid, const char *ciaddr)
{
	static const uint8_t cid[7] = { 8, 0, 0, 0, 1, 0, 0 };

	header(m, xid, ciaddr);
	m->b[1] = 8;					/* htype */
	memset(m->b + 28, 0, 16);
	m->b[31] = 1;					/* chaddr: the client id, 1 */
	m->b[43] = 1;
	opt(m, 53, "\x08", 1);
	opt(m, 61, cid, sizeof(cid));
	opt(m, 55, apple_prl, sizeof(apple_prl));
	put(m, "\xff\x00", 2);
	assert_int_equal(m->len, 262);
}

struct apple_result {
	bool accepted;
	unsigned int n_routes;		/* acsp.c's route list, in order */
	struct in_addr net[CONFIG_MAX_ROUTES], mask[CONFIG_MAX_ROUTES];
	char domains[8][256];		/* option 15 split as acsp.c splits it */
	unsigned int n_domains;
	bool mask_option;		/* option 1: acsp.c would set the netmask */
};

/*
 * What acsp_ipdata_input_client does with the UDP payload of an ACK: its
 * length check (struct dhcp_packet, with 20 octets of IP and 8 of UDP,
 * plus cookie and option 53), option 53 = ACK right after the cookie, then
 * the option walk with its own bound (an option must leave room after it),
 * 249 decoded into routes (width, significant octets, router), the first
 * 15 split at the first of ',' ';' '\n' '\r' ' ' it holds.
 */
static void apple_take_ack(const uint8_t *udp, size_t ulen, struct apple_result *r)
{
	const size_t packet = 20 + 8 + 236;	/* sizeof(struct dhcp_packet) */
	long len = (long)(ulen + 28);
	const uint8_t *p = udp + 236;

	memset(r, 0, sizeof(*r));
	if ((size_t)len < packet + 7 || be32(p) != 0x63825363)
		return;
	p += 4;
	if (p[0] != 53 || p[1] != 1 || p[2] != 5)
		return;
	p += 3;
	len -= (long)packet + 7;
	while (*p != 255 && len > 0) {
		uint8_t code = *p++, optlen;

		if (!code) {
			len--;
			continue;
		}
		optlen = *p++;
		len -= 2;
		if (optlen >= len)
			return;
		if (code == 1)
			r->mask_option = true;
		if (code == 249) {
			for (unsigned int i = 0; i < optlen;) {
				unsigned int w = p[i], octets = w / 8 + (w % 8 ? 1 : 0);
				uint32_t m = w ? 0xffffffffu << (32 - w) : 0, a;

				assert_true(r->n_routes < CONFIG_MAX_ROUTES);
				assert_true(i + 1 + octets + 4 <= optlen);
				memcpy(&a, p + i + 1, 4);
				r->mask[r->n_routes].s_addr = htonl(m);
				r->net[r->n_routes++].s_addr = a & htonl(m);
				i += octets + 1 + 4;
			}
		}
		if (code == 15 && !r->n_domains) {
			char str[256], *sp = str, *tok;
			const char *delim = " ";

			memcpy(str, p, optlen);
			str[optlen] = '\0';
			for (const char *d = ",;\n\r "; *d; d++) {
				if (strchr(str, *d)) {
					delim = (char[]){ *d, '\0' };
					break;
				}
			}
			while ((tok = strsep(&sp, delim)) && r->n_domains < 8)
				if (*tok)
					strcpy(r->domains[r->n_domains++], tok);
		}
		p += optlen;
		len -= optlen;
	}
	r->accepted = *p == 255;
}

/*
 * Apple's INFORM, as inform.c answers it (dhcp_parse_inform, dhcp_ack_size
 * for a PPP MTU of 1280, dhcp_build_ack): parsed, and the ACK is one Apple's
 * client takes, with the configured routes as its routes (249 only: it asks
 * for nothing else), the domain of 15 as its one search/match domain, no
 * subnet mask, and the DNS servers it asked for.
 */
static void test_ack_apple(void **state)
{
	struct apple_result r;
	struct l2sec_config cfg;
	struct dhcp_answer a;
	struct dhcp_inform in;
	const char *why;
	struct opts *o;
	struct msg m;
	uint8_t buf[1500];
	size_t len, end;
	unsigned int left = ~0u;

	(void)state;
	load_config(&cfg, conf_text);
	a = answer_of(&cfg);
	apple_inform(&m, 1, "192.168.42.10");
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.xid, 1);
	assert_int_equal(in.htype, 8);
	assert_int_equal(in.hlen, 6);
	assert_int_equal(in.n_prl, sizeof(apple_prl));
	assert_memory_equal(in.prl, apple_prl, sizeof(apple_prl));
	assert_int_equal(dhcp_ack_size(&in, 1280), 1280 - 28);

	len = dhcp_build_ack(buf, dhcp_ack_size(&in, 1280), &in, ip("192.168.42.1"), &a, &left);
	assert_int_equal(left, 0);
	/* echoed: htype 8 and the 16 octets of chaddr */
	assert_int_equal(buf[1], 8);
	assert_memory_equal(buf + 28, m.b + 28, 16);
	o = decode_ack(buf, len, &end);
	assert_int_equal(o->n_order, 5);
	assert_memory_equal(o->order, "\x35\x36\x06\x0f\xf9", 5);
	assert_false(o->has[121]);
	free(o);

	apple_take_ack(buf, len, &r);
	assert_true(r.accepted);
	assert_false(r.mask_option);
	assert_int_equal(r.n_routes, cfg.n_routes);
	for (unsigned int i = 0; i < cfg.n_routes; i++) {
		assert_int_equal(r.net[i].s_addr, cfg.routes[i].net.s_addr);
		assert_int_equal(ntohl(r.mask[i].s_addr),
				 cfg.routes[i].plen ? 0xffffffffu << (32 - cfg.routes[i].plen) : 0);
	}
	assert_int_equal(r.n_domains, 1);
	assert_string_equal(r.domains[0], "corp.example");

	/* the model refuses what acsp.c refuses: 53 not first */
	memmove(buf + 240, buf + 243, len - 243);
	apple_take_ack(buf, len - 3, &r);
	assert_false(r.accepted);

	/* its retries (xid 2, 3, ...) are answered alike */
	apple_inform(&m, 5, "192.168.42.10");
	assert_int_equal(parse(m.b, m.len, &in, &why), 0);
	assert_int_equal(in.xid, 5);
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	assert_int_equal(be32(buf + 4), 5);
	apple_take_ack(buf, len, &r);
	assert_true(r.accepted);
	assert_int_equal(r.n_routes, cfg.n_routes);

	/* full tunnel: no routes, Apple still takes the ACK and its domain */
	a.n_routes = 0;
	len = dhcp_build_ack(buf, sizeof(buf), &in, ip("192.168.42.1"), &a, NULL);
	apple_take_ack(buf, len, &r);
	assert_true(r.accepted);
	assert_int_equal(r.n_routes, 0);
	assert_int_equal(r.n_domains, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_windows),
		cmocka_unit_test(test_ack_windows),
		cmocka_unit_test(test_ack_apple),
		cmocka_unit_test(test_ack_per_user),
		cmocka_unit_test(test_ack_search),
		cmocka_unit_test(test_ack_long),
		cmocka_unit_test(test_ack_encodings),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_search_compression),
		cmocka_unit_test(test_largest_config),
		cmocka_unit_test(test_oversized_config_refused),
		cmocka_unit_test(test_users_checked),
	};

	return cmocka_run_group_tests_name("dhcp", tests, NULL, NULL);
}
