// SPDX-License-Identifier: GPL-2.0
/*
 * DHCPINFORM in, DHCPACK out: byte-level, on the wire format of RFC 2131
 * (the BOOTP header), RFC 2132 (options), RFC 3396 (long options), RFC 3442
 * (classless routes) and RFC 3397 (the domain search list).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "addr/dhcp.h"
#include "core/util.h"

enum {
	/* the fixed header (RFC 2131 2) */
	OFF_OP = 0,
	OFF_HTYPE = 1,
	OFF_HLEN = 2,
	OFF_HOPS = 3,
	OFF_XID = 4,
	OFF_SECS = 8,
	OFF_FLAGS = 10,
	OFF_CIADDR = 12,
	OFF_YIADDR = 16,
	OFF_SIADDR = 20,
	OFF_GIADDR = 24,
	OFF_CHADDR = 28,
	OFF_SNAME = 44,
	SNAME_LEN = 64,
	OFF_FILE = 108,
	FILE_LEN = 128,
	OFF_COOKIE = 236,
	OFF_OPTIONS = 240,

	BOOTREQUEST = 1,
	BOOTREPLY = 2,
	DHCPACK = 5,
	DHCPINFORM = 8,

	OPT_PAD = 0,
	OPT_DNS = 6,
	OPT_DOMAIN = 15,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PRL = 55,
	OPT_MAX_MSG = 57,
	OPT_SEARCH = 119,
	OPT_ROUTES = 121,
	OPT_MS_ROUTES = 249,
	OPT_END = 255,

	OVERLOAD_FILE = 1,
	OVERLOAD_SNAME = 2,

	IP_UDP_HLEN = 28,
	MIN_MAX_MSG = 576,	/* RFC 2132 9.10: option 57's least legal value */
	DOMAIN_MAX = 253,
	PTR_MAX = 0x3FFF,	/* RFC 1035 4.1.4: 14 bits of offset */
	/* the largest ACK of any answer: 240 + 53 + 54 + 6 + 15 + 119 + 2 x 121/249 + END */
	ACK_MAX = 240 + 3 + 6 + 10 + 255 + CONFIG_MAX_SEARCH * 257 + 2 * (CONFIG_MAX_ROUTES * 9 + 4) + 1,
};

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

_Static_assert(sizeof(struct in_addr) == 4, "option 6 is the array of addresses");
_Static_assert(CONFIG_MAX_ROUTES * 9 <= CONFIG_MAX_SEARCH * (DOMAIN_MAX + 2),
	       "the routes' encoding fits where the search list's does");

/* --- parsing ----------------------------------------------------------------- */

struct parse {
	struct dhcp_inform *out;
	int msg_type;		/* -1: no option 53 */
	int overload;		/* -1: no option 52 */
	bool seen_max_msg;
};

/*
 * One options area: the options field (field true), or file or sname when
 * overloaded. Options up to END, each in bounds. NULL or why not.
 */
static const char *parse_area(struct parse *p, const uint8_t *o, size_t len, bool field)
{
	struct dhcp_inform *out = p->out;
	size_t i = 0;

	while (i < len) {
		uint8_t code = o[i], olen;
		const uint8_t *v;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END)
			return NULL;
		if (len - i < 2)
			return "an option's length is past the end";
		olen = o[i + 1];
		if (olen > len - i - 2)
			return "an option runs past the end";
		v = o + i + 2;
		i += 2 + (size_t)olen;
		switch (code) {
		case OPT_MSG_TYPE:
			if (p->msg_type >= 0)
				return "two message type options";
			if (olen != 1)
				return "a message type option not of length 1";
			p->msg_type = v[0];
			break;
		case OPT_OVERLOAD:
			if (!field)
				return "option overload inside an overloaded field";
			if (p->overload >= 0)
				return "two option overload options";
			if (olen != 1 || v[0] < 1 || v[0] > 3)
				return "an option overload that is not 1, 2 or 3";
			p->overload = v[0];
			break;
		case OPT_MAX_MSG:
			if (p->seen_max_msg)
				return "two maximum message size options";
			if (olen != 2)
				return "a maximum message size option not of length 2";
			p->seen_max_msg = true;
			/* below the legal least: as good as none */
			if (get_be16(v) >= MIN_MAX_MSG)
				out->max_msg = get_be16(v);
			break;
		case OPT_PRL:
			if (!olen)
				return "an empty parameter request list";
			if (olen > sizeof(out->prl) - out->n_prl)
				return "a parameter request list longer than 255";
			memcpy(out->prl + out->n_prl, v, olen);
			out->n_prl += olen;
			break;
		default:
			break;
		}
	}
	return field ? "no END option" : "no END option in an overloaded field";
}

int dhcp_parse_inform(const uint8_t *pkt, size_t len, struct dhcp_inform *out,
		      const char **why)
{
	struct parse p = { .out = out, .msg_type = -1, .overload = -1 };

	memset(out, 0, sizeof(*out));
	if (len < DHCP_HDR_LEN) {
		*why = "shorter than a DHCP header";
		return -1;
	}
	if (len > DHCP_MAX_LEN) {
		*why = "longer than 1472 octets";
		return -1;
	}
	if (pkt[OFF_OP] != BOOTREQUEST) {
		*why = "not a BOOTREQUEST";
		return -1;
	}
	if (pkt[OFF_HLEN] > sizeof(out->chaddr)) {
		*why = "a hardware address longer than 16 octets";
		return -1;
	}
	if (get_be32(pkt + OFF_GIADDR)) {
		*why = "relayed (giaddr set)";
		return -1;
	}
	if (memcmp(pkt + OFF_COOKIE, cookie, sizeof(cookie))) {
		*why = "no DHCP magic cookie";
		return -1;
	}
	*why = parse_area(&p, pkt + OFF_OPTIONS, len - OFF_OPTIONS, true);
	/* RFC 2131 4.1: after the options field, file, then sname */
	if (!*why && p.overload > 0 && (p.overload & OVERLOAD_FILE))
		*why = parse_area(&p, pkt + OFF_FILE, FILE_LEN, false);
	if (!*why && p.overload > 0 && (p.overload & OVERLOAD_SNAME))
		*why = parse_area(&p, pkt + OFF_SNAME, SNAME_LEN, false);
	if (!*why && p.msg_type < 0)
		*why = "no message type option";
	if (!*why && p.msg_type != DHCPINFORM)
		*why = "not a DHCPINFORM";
	if (!*why && !get_be32(pkt + OFF_CIADDR))
		*why = "a DHCPINFORM without ciaddr";
	if (*why) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->xid = get_be32(pkt + OFF_XID);
	memcpy(&out->ciaddr, pkt + OFF_CIADDR, 4);
	memcpy(out->chaddr, pkt + OFF_CHADDR, sizeof(out->chaddr));
	out->htype = pkt[OFF_HTYPE];
	out->hlen = pkt[OFF_HLEN];
	out->flags = get_be16(pkt + OFF_FLAGS);
	*why = NULL;
	return 0;
}

/* --- building ---------------------------------------------------------------- */

struct builder {
	uint8_t *buf;
	size_t size, len;
	bool fail;		/* out of room, or a value that cannot be encoded */
};

/* One option, in pieces of at most 255 octets (RFC 3396) when longer. */
static void put_option(struct builder *b, uint8_t code, const uint8_t *v, size_t len)
{
	do {
		size_t n = len > 255 ? 255 : len;

		if (b->fail || b->size - b->len < 2 + n) {
			b->fail = true;
			return;
		}
		b->buf[b->len] = code;
		b->buf[b->len + 1] = (uint8_t)n;
		memcpy(b->buf + b->len + 2, v, n);
		b->len += 2 + n;
		v += n;
		len -= n;
	} while (len);
}

/*
 * The search list (RFC 3397): each name as RFC 1035 3.1 labels, a suffix
 * already written replaced by a pointer to it (RFC 1035 4.1.4; offsets from
 * the start of the list, which is the option's data joined from its RFC 3396
 * pieces). Only the same spelling is shared: names reach the client in the
 * case they were configured in.
 */
struct names {
	uint8_t *out;			/* at least CONFIG_MAX_SEARCH * (DOMAIN_MAX + 2) */
	size_t len;
	/* every label written out: where, and the name from it to the end */
	struct {
		uint16_t off;
		const char *text;
		size_t len;
	} at[CONFIG_MAX_SEARCH * (DOMAIN_MAX + 1) / 2];
	unsigned int n_at;
};

static int suffix_written(const struct names *w, const char *text, size_t len)
{
	for (unsigned int i = 0; i < w->n_at; i++)
		if (w->at[i].len == len && !memcmp(w->at[i].text, text, len))
			return w->at[i].off;
	return -1;
}

/* One name; false when it is no name (an empty label, one over 63 octets, over 253). */
static bool put_name(struct names *w, const char *name)
{
	size_t len = strlen(name), n = 0;

	if (len && name[len - 1] == '.')
		len--;
	if (!len || len > DOMAIN_MAX)
		return false;
	while (n < len) {
		const char *dot = memchr(name + n, '.', len - n);
		size_t label = (dot ? (size_t)(dot - name) : len) - n;
		int ptr = suffix_written(w, name + n, len - n);

		if (ptr >= 0) {
			put_be16(w->out + w->len, (uint16_t)(0xC000 | ptr));
			w->len += 2;
			return true;
		}
		if (!label || label > 63)
			return false;
		if (w->len <= PTR_MAX && w->n_at < ARRAY_SIZE(w->at)) {
			w->at[w->n_at].off = (uint16_t)w->len;
			w->at[w->n_at].text = name + n;
			w->at[w->n_at++].len = len - n;
		}
		w->out[w->len] = (uint8_t)label;
		memcpy(w->out + w->len + 1, name + n, label);
		w->len += label + 1;
		n += label + 1;
	}
	w->out[w->len++] = 0;
	return true;
}

/* RFC 3442: width, the network's significant octets, the router. */
static size_t encode_routes(const struct dhcp_answer *a, uint8_t *out, bool *bad)
{
	size_t n = 0;

	for (unsigned int i = 0; i < a->n_routes; i++) {
		unsigned int plen = a->routes[i].plen;
		uint32_t net = ntohl(a->routes[i].net.s_addr);
		uint8_t nb[4];

		if (plen > 32) {
			*bad = true;
			return 0;
		}
		put_be32(nb, plen ? net & (UINT32_MAX << (32 - plen)) : 0);
		out[n++] = (uint8_t)plen;
		memcpy(out + n, nb, (plen + 7) / 8);
		n += (plen + 7) / 8;
		memcpy(out + n, &a->router, 4);
		n += 4;
	}
	return n;
}

static bool wanted(const struct dhcp_inform *in, uint8_t code)
{
	return !in->n_prl || memchr(in->prl, code, in->n_prl);
}

/*
 * The route options the client takes: those it asked for, both when it
 * asked for neither (or sent no list). Apple's pppd asks for 249 alone and
 * reads nothing else; Windows asks for both.
 */
static unsigned int route_options(const struct dhcp_inform *in)
{
	const bool r121 = in->n_prl && memchr(in->prl, OPT_ROUTES, in->n_prl);
	const bool r249 = in->n_prl && memchr(in->prl, OPT_MS_ROUTES, in->n_prl);

	if (r121 == r249)
		return DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249;
	return r121 ? DHCP_LEFT_ROUTES_121 : DHCP_LEFT_ROUTES_249;
}

/*
 * The route option to leave out when only one fits: 249 when both are
 * sent (121 is the standard); none when only one is.
 */
static unsigned int dup_routes(const struct dhcp_inform *in)
{
	const unsigned int both = DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249;

	return route_options(in) == both ? DHCP_LEFT_ROUTES_249 : 0;
}

static bool put_search(struct builder *b, const struct dhcp_answer *a, uint8_t *v)
{
	struct names w = { .out = v };

	if (a->n_search > CONFIG_MAX_SEARCH)
		return false;
	for (unsigned int i = 0; i < a->n_search; i++)
		if (!put_name(&w, a->search[i]))
			return false;
	put_option(b, OPT_SEARCH, v, w.len);
	return true;
}

/*
 * The ACK without the options in left (DHCP_LEFT_*): its length, or 0 when
 * it does not fit or, with *bad set, when a value cannot be encoded.
 */
static size_t build(uint8_t *buf, size_t size, const struct dhcp_inform *in,
		    struct in_addr server, const struct dhcp_answer *a, unsigned int left,
		    bool *bad)
{
	/* the longest values: the search list (a name takes at most 255 octets) */
	uint8_t v[CONFIG_MAX_SEARCH * (DOMAIN_MAX + 2)];
	struct builder b = { buf, size, OFF_OPTIONS, false };
	uint8_t type = DHCPACK;
	size_t n;

	*bad = false;
	if (size < DHCP_ACK_MIN_LEN)
		return 0;
	memset(buf, 0, DHCP_ACK_MIN_LEN);
	buf[OFF_OP] = BOOTREPLY;
	buf[OFF_HTYPE] = in->htype;
	buf[OFF_HLEN] = in->hlen;
	put_be32(buf + OFF_XID, in->xid);
	put_be16(buf + OFF_FLAGS, in->flags);
	memcpy(buf + OFF_CIADDR, &in->ciaddr, 4);
	memcpy(buf + OFF_CHADDR, in->chaddr, sizeof(in->chaddr));
	memcpy(buf + OFF_COOKIE, cookie, sizeof(cookie));

	put_option(&b, OPT_MSG_TYPE, &type, 1);
	put_option(&b, OPT_SERVER_ID, (const uint8_t *)&server, 4);
	if (a->n_dns && wanted(in, OPT_DNS)) {
		if (a->n_dns > 255 / 4)		/* more than one option's worth */
			goto bad;
		put_option(&b, OPT_DNS, (const uint8_t *)a->dns, 4 * (size_t)a->n_dns);
	}
	if (a->domain && a->domain[0] && wanted(in, OPT_DOMAIN) && !(left & DHCP_LEFT_DOMAIN)) {
		n = strlen(a->domain);
		if (n > DOMAIN_MAX)
			goto bad;
		put_option(&b, OPT_DOMAIN, (const uint8_t *)a->domain, n);
	}
	if (a->n_search && wanted(in, OPT_SEARCH) && !(left & DHCP_LEFT_SEARCH) &&
	    !put_search(&b, a, v))
		goto bad;
	if (a->n_routes) {
		if (a->n_routes > CONFIG_MAX_ROUTES)
			goto bad;
		n = encode_routes(a, v, bad);
		if (*bad)
			return 0;
		left |= ~route_options(in) & (DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249);
		if (!(left & DHCP_LEFT_ROUTES_121))
			put_option(&b, OPT_ROUTES, v, n);
		if (!(left & DHCP_LEFT_ROUTES_249))
			put_option(&b, OPT_MS_ROUTES, v, n);
	}
	if (b.fail || b.len == size)
		return 0;
	buf[b.len++] = OPT_END;
	return b.len < DHCP_ACK_MIN_LEN ? DHCP_ACK_MIN_LEN : b.len;
bad:
	*bad = true;
	return 0;
}

size_t dhcp_build_ack(uint8_t *buf, size_t size, const struct dhcp_inform *in,
		      struct in_addr server, const struct dhcp_answer *a, unsigned int *left)
{
	const unsigned int dup = dup_routes(in);
	const unsigned int steps[] = {
		0, dup, dup | DHCP_LEFT_SEARCH, dup | DHCP_LEFT_SEARCH | DHCP_LEFT_DOMAIN,
		DHCP_LEFT_SEARCH | DHCP_LEFT_DOMAIN | DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249,
	};
	bool bad = false;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps) && !n && !bad; i++)
		n = build(buf, size, in, server, a, steps[i], &bad);
	if (left)
		*left = n ? steps[i - 1] : 0;
	return n;
}

size_t dhcp_answer_len(const struct dhcp_answer *a)
{
	/* no parameter request list: every option configured is wanted */
	const struct dhcp_inform in = { .ciaddr.s_addr = 1 };
	uint8_t buf[ACK_MAX];
	bool bad;

	return build(buf, sizeof(buf), &in, (struct in_addr){ 0 }, a, DHCP_LEFT_ROUTES_249, &bad);
}

size_t dhcp_ack_size(const struct dhcp_inform *in, unsigned int mtu)
{
	size_t size = mtu > IP_UDP_HLEN ? mtu - IP_UDP_HLEN : 0;

	if (in->max_msg && (size_t)in->max_msg - IP_UDP_HLEN < size)
		size = (size_t)in->max_msg - IP_UDP_HLEN;
	return size < DHCP_MIN_MSG_LEN ? DHCP_MIN_MSG_LEN : size;
}
