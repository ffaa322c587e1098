// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS packets without secrets: builder, decoder, typed accessors
 * (radius_pkt.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "radius/radius_pkt.h"

static const char *const err_names[RADIUS_ERR_COUNT] = {
	[RADIUS_OK] = "ok",
	[RADIUS_ERR_SHORT] = "shorter than the header",
	[RADIUS_ERR_LONG] = "longer than 4096 octets",
	[RADIUS_ERR_LENGTH] = "length field beyond the datagram",
	[RADIUS_ERR_ATTR_LENGTH] = "attribute length below 2",
	[RADIUS_ERR_ATTR_OVERRUN] = "attribute runs past the packet",
	[RADIUS_ERR_TOO_MANY] = "too many attributes",
	[RADIUS_ERR_ATTR_VALUE] = "malformed attribute value",
	[RADIUS_ERR_MA_MISSING] = "no Message-Authenticator",
	[RADIUS_ERR_MA_BAD] = "bad Message-Authenticator",
	[RADIUS_ERR_AUTHENTICATOR] = "bad authenticator",
	[RADIUS_ERR_CODE] = "code does not answer the request",
	[RADIUS_ERR_UNKNOWN_ID] = "unknown identifier",
	[RADIUS_ERR_SOURCE] = "unknown source",
};

const char *radius_err_name(enum radius_err e)
{
	return (unsigned int)e < RADIUS_ERR_COUNT ? err_names[e] : "?";
}

/* --- building -------------------------------------------------------------- */

static void set_length(struct radius_pkt *p)
{
	p->buf[2] = (uint8_t)(p->len >> 8);
	p->buf[3] = (uint8_t)p->len;
}

void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id)
{
	memset(p->buf, 0, RADIUS_HDR_LEN);
	p->buf[0] = code;
	p->buf[1] = id;
	p->len = RADIUS_HDR_LEN;
	set_length(p);
}

int radius_put(struct radius_pkt *p, uint8_t type, const void *val, size_t len)
{
	if (len > RADIUS_ATTR_MAX || p->len + 2 + len > RADIUS_MAX_LEN)
		return -EMSGSIZE;
	p->buf[p->len] = type;
	p->buf[p->len + 1] = (uint8_t)(2 + len);
	if (len)
		memcpy(p->buf + p->len + 2, val, len);
	p->len += 2 + len;
	set_length(p);
	return 0;
}

int radius_put_str(struct radius_pkt *p, uint8_t type, const char *s)
{
	return radius_put(p, type, s, strlen(s));
}

int radius_put_u32(struct radius_pkt *p, uint8_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	return radius_put(p, type, &be, sizeof(be));
}

int radius_put_in4(struct radius_pkt *p, uint8_t type, struct in_addr a)
{
	return radius_put(p, type, &a.s_addr, sizeof(a.s_addr));
}

int radius_put_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t vtype,
		   const void *val, size_t len)
{
	uint8_t v[RADIUS_ATTR_MAX];
	uint32_t be = htonl(vendor);

	if (len > RADIUS_ATTR_MAX - 6)
		return -EMSGSIZE;
	memcpy(v, &be, 4);
	v[4] = vtype;
	v[5] = (uint8_t)(2 + len);
	if (len)
		memcpy(v + 6, val, len);
	return radius_put(p, RADIUS_VENDOR_SPECIFIC, v, 6 + len);
}

int radius_put_password(struct radius_pkt *p, const void *pw, size_t len)
{
	uint8_t v[RADIUS_PASSWORD_MAX] = { 0 };
	size_t padded = (len + 15) & ~(size_t)15;
	int ret;

	if (!len || len > RADIUS_PASSWORD_MAX)
		return -EINVAL;
	memcpy(v, pw, len);
	ret = radius_put(p, RADIUS_USER_PASSWORD, v, padded);
	explicit_bzero(v, sizeof(v));
	return ret;
}

int radius_set_u32(struct radius_pkt *p, uint8_t type, uint32_t v)
{
	size_t off = RADIUS_HDR_LEN;
	uint32_t be = htonl(v);

	/* the builder wrote every length: the walk cannot overrun */
	while (off + 2 <= p->len) {
		if (p->buf[off] == type && p->buf[off + 1] == 6) {
			memcpy(p->buf + off + 2, &be, 4);
			return 0;
		}
		off += p->buf[off + 1];
	}
	return -ENOENT;
}

/* --- decoding ------------------------------------------------------------------ */

enum radius_err radius_decode(struct radius_msg *m, const uint8_t *buf, size_t len)
{
	size_t plen, off;
	bool ma = false;

	m->n_avps = 0;
	if (len < RADIUS_HDR_LEN)
		return RADIUS_ERR_SHORT;
	if (len > RADIUS_MAX_LEN)
		return RADIUS_ERR_LONG;
	plen = (size_t)buf[2] << 8 | buf[3];
	if (plen > RADIUS_MAX_LEN)
		return RADIUS_ERR_LONG;
	if (plen < RADIUS_HDR_LEN || plen > len)
		return RADIUS_ERR_LENGTH;
	m->buf = buf;
	m->len = plen;
	m->code = buf[0];
	m->id = buf[1];
	for (off = RADIUS_HDR_LEN; off < plen; off += buf[off + 1]) {
		struct radius_avp *a;

		if (plen - off < 2)
			return RADIUS_ERR_ATTR_OVERRUN;
		if (buf[off + 1] < 2)
			return RADIUS_ERR_ATTR_LENGTH;
		if (buf[off + 1] > plen - off)
			return RADIUS_ERR_ATTR_OVERRUN;
		if (m->n_avps == RADIUS_MAX_ATTRS)
			return RADIUS_ERR_TOO_MANY;
		a = &m->avps[m->n_avps++];
		a->type = buf[off];
		a->len = buf[off + 1] - 2;
		a->off = (uint16_t)(off + 2);
		if (a->type == RADIUS_MESSAGE_AUTHENTICATOR) {
			if (ma || a->len != RADIUS_MA_LEN)
				return RADIUS_ERR_ATTR_VALUE;
			ma = true;
		}
	}
	return RADIUS_OK;
}

const struct radius_avp *radius_find(const struct radius_msg *m, uint8_t type,
				     const struct radius_avp *prev)
{
	unsigned int i = prev ? (unsigned int)(prev - m->avps) + 1 : 0;

	for (; i < m->n_avps; i++)
		if (m->avps[i].type == type)
			return &m->avps[i];
	return NULL;
}

/* Is v (len octets, vendor id first) tiled exactly by its sub-attributes? */
static bool vsa_tiled(const uint8_t *v, size_t len)
{
	size_t off;

	for (off = 4; off < len; off += v[off + 1])
		if (len - off < 2 || v[off + 1] < 2 || v[off + 1] > len - off)
			return false;
	return true;
}

/* vtype's value in one Vendor-Specific value v of len octets (vendor id first). */
static const uint8_t *vsa_sub(const uint8_t *v, size_t len, uint8_t vtype, size_t *out_len)
{
	size_t off;

	if (!vsa_tiled(v, len))
		return NULL;	/* none of it is trusted */
	for (off = 4; off < len; off += v[off + 1]) {
		if (v[off] == vtype) {
			*out_len = v[off + 1] - 2u;
			return v + off + 2;
		}
	}
	return NULL;
}

const uint8_t *radius_find_vsa(const struct radius_msg *m, uint32_t vendor, uint8_t vtype,
			       size_t *len)
{
	const struct radius_avp *a = NULL;

	while ((a = radius_find(m, RADIUS_VENDOR_SPECIFIC, a))) {
		const uint8_t *v = radius_value(m, a), *sub;
		uint32_t id;

		if (a->len < 6)
			continue;
		id = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
		if (id != vendor)
			continue;
		sub = vsa_sub(v, a->len, vtype, len);
		if (sub)
			return sub;
	}
	return NULL;
}

int radius_vsa_each(const struct radius_msg *m, uint32_t vendor, radius_vsa_fn *fn, void *ctx)
{
	const struct radius_avp *a = NULL;
	int r = 0;

	while (!r && (a = radius_find(m, RADIUS_VENDOR_SPECIFIC, a))) {
		const uint8_t *v = radius_value(m, a);
		size_t off;

		if (a->len < 6 ||
		    ((uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3]) != vendor)
			continue;
		if (!vsa_tiled(v, a->len))
			return -1;
		for (off = 4; !r && off < a->len; off += v[off + 1])
			r = fn(ctx, v[off], v + off + 2, v[off + 1] - 2u);
	}
	return r;
}

/* --- what an answer assigns ---------------------------------------------------- */

static bool get_u32(const struct radius_msg *m, const struct radius_avp *a, uint32_t *v)
{
	const uint8_t *p = radius_value(m, a);

	if (a->len != 4)
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

/* A text value into out (cap > value): refused when it holds a NUL. */
static bool get_text(const struct radius_msg *m, const struct radius_avp *a, char *out,
		     size_t cap)
{
	if (a->len >= cap || memchr(radius_value(m, a), 0, a->len))
		return false;
	memcpy(out, radius_value(m, a), a->len);
	out[a->len] = 0;
	return true;
}

/*
 * "NET/PLEN [GATEWAY [METRIC ...]]" of family af (net and gw 4 or 16 octets):
 * the network and the gateway (absent: all zero, the client); the metrics
 * are not used. Any prefix length up to the family's parses, 0 too: whether
 * a route is taken is froute.c's to say, and a refused route must not refuse
 * the whole Accept. Host bits set make it no route (a typo, not a network).
 */
static bool parse_prefix_gw(const char *s, int af, void *net, uint8_t *plen, void *gw)
{
	char a[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = af == AF_INET ? 4 : 16, n;
	unsigned long len, max = alen * 8;
	const uint8_t *p = net;
	char *end;

	if (!slash || (size_t)(slash - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = 0;
	if (inet_pton(af, a, net) != 1 || slash[1] < '0' || slash[1] > '9')
		return false;
	len = strtoul(slash + 1, &end, 10);
	if (len > max || (*end && *end != ' '))
		return false;
	for (size_t i = 0; i < alen; i++) {
		unsigned long bits = len > i * 8 ? len - i * 8 : 0;

		if (p[i] & (bits >= 8 ? 0 : 0xff >> bits))
			return false;
	}
	*plen = (uint8_t)len;
	memset(gw, 0, alen);
	end += strspn(end, " ");
	n = strcspn(end, " ");
	if (!n)
		return true;
	if (n >= sizeof(a))
		return false;
	memcpy(a, end, n);
	a[n] = 0;
	return inet_pton(af, a, gw) == 1;
}

/* Framed-Route (RFC 2865 5.22): the gateway absent or 0.0.0.0 is the client. */
static bool parse_route(const char *s, struct radius_route *r)
{
	return parse_prefix_gw(s, AF_INET, &r->net, &r->plen, &r->gw);
}

static bool reply_route(const struct radius_msg *m, const struct radius_avp *a,
			struct radius_reply *r)
{
	char s[RADIUS_ATTR_MAX + 1];

	if (r->n_routes == RADIUS_MAX_ROUTES || !get_text(m, a, s, sizeof(s)))
		return false;
	if (!parse_route(s, &r->routes[r->n_routes]))
		return false;
	r->n_routes++;
	return true;
}

/*
 * Framed-IPv6-Route (RFC 3162 2.5), as Framed-Route: the gateway absent or
 * "::" is the client's own address.
 */
static bool parse_route6(const char *s, struct radius_route6 *r)
{
	return parse_prefix_gw(s, AF_INET6, &r->net, &r->plen, &r->gw);
}

static bool reply_route6(const struct radius_msg *m, const struct radius_avp *a,
			 struct radius_reply *r)
{
	char s[RADIUS_ATTR_MAX + 1];

	if (r->n_routes6 == RADIUS_MAX_ROUTES || !get_text(m, a, s, sizeof(s)))
		return false;
	if (!parse_route6(s, &r->routes6[r->n_routes6]))
		return false;
	r->n_routes6++;
	return true;
}

static bool reply_message(const struct radius_msg *m, const struct radius_avp *a,
			  struct radius_reply *r)
{
	size_t used = strlen(r->reply_message);
	char s[RADIUS_ATTR_MAX + 1];

	if (!get_text(m, a, s, sizeof(s)))
		return false;
	/* several Reply-Messages are one text (RFC 2865 section 5.18); the rest is cut */
	snprintf(r->reply_message + used, sizeof(r->reply_message) - used, "%s", s);
	return true;
}

static bool reply_ipv6_prefix(const struct radius_msg *m, const struct radius_avp *a,
			      struct radius_reply *r)
{
	const uint8_t *v = radius_value(m, a);

	/* RFC 3162 section 2.3: reserved, prefix length, then the prefix's octets */
	if (a->len < 2 || a->len > 18 || v[1] > 128 || (size_t)(v[1] + 7) / 8 > a->len - 2u)
		return false;
	memset(&r->ipv6_prefix, 0, sizeof(r->ipv6_prefix));
	memcpy(&r->ipv6_prefix, v + 2, (v[1] + 7) / 8);
	if (v[1] % 8)	/* the bits past the prefix length are not the prefix's */
		r->ipv6_prefix.s6_addr[v[1] / 8] &= (uint8_t)(0xff << (8 - v[1] % 8));
	r->ipv6_plen = v[1];
	r->has_ipv6_prefix = true;
	return true;
}

/* One standard attribute into r: false when its value is malformed. */
static bool reply_attr(const struct radius_msg *m, const struct radius_avp *a,
		       struct radius_reply *r)
{
	switch (a->type) {
	case RADIUS_FRAMED_IP_ADDRESS:
		if (a->len != 4)
			return false;
		memcpy(&r->framed_ip.s_addr, radius_value(m, a), 4);
		r->has_framed_ip = true;
		return true;
	case RADIUS_FRAMED_POOL:
		return get_text(m, a, r->framed_pool, sizeof(r->framed_pool));
	case RADIUS_FRAMED_IPV6_PREFIX:
		return reply_ipv6_prefix(m, a, r);
	case RADIUS_FRAMED_ROUTE:
		return reply_route(m, a, r);
	case RADIUS_FRAMED_IPV6_ROUTE:
		return reply_route6(m, a, r);
	case RADIUS_SESSION_TIMEOUT:
		return get_u32(m, a, &r->session_timeout);
	case RADIUS_IDLE_TIMEOUT:
		return get_u32(m, a, &r->idle_timeout);
	case RADIUS_ACCT_INTERIM_INTERVAL:
		return get_u32(m, a, &r->interim_interval);
	case RADIUS_ERROR_CAUSE:
		return get_u32(m, a, &r->error_cause);
	case RADIUS_CLASS:
		if (!r->class_len) {
			memcpy(r->class, radius_value(m, a), a->len);
			r->class_len = a->len;
		}
		return a->len > 0;
	case RADIUS_REPLY_MESSAGE:
		return reply_message(m, a, r);
	default:
		return true;
	}
}

static enum radius_err reply_ms(const struct radius_msg *m, struct radius_reply *r,
				const char **what)
{
	const uint8_t *v;
	size_t len;
	int i;

	v = radius_find_vsa(m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_SUCCESS, &len);
	if (v) {
		if (len != RADIUS_MS_CHAP2_SUCCESS_LEN || v[1] != 'S' || v[2] != '=') {
			*what = "MS-CHAP2-Success";
			return RADIUS_ERR_ATTR_VALUE;
		}
		memcpy(r->ms_chap2_success, v, len);
		r->has_ms_chap2_success = true;
	}
	v = radius_find_vsa(m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR, &len);
	if (v && (len < 1 || memchr(v + 1, 0, len - 1))) {
		*what = "MS-CHAP-Error";
		return RADIUS_ERR_ATTR_VALUE;
	}
	if (v) {
		memcpy(r->ms_chap_error, v + 1, len - 1);
		r->ms_chap_error[len - 1] = 0;
	}
	for (i = 0; i < 2; i++) {
		v = radius_find_vsa(m, RADIUS_VENDOR_MICROSOFT,
				    i ? RADIUS_MS_SECONDARY_DNS_SERVER : RADIUS_MS_PRIMARY_DNS_SERVER,
				    &len);
		if (v && len != 4) {
			*what = "MS-Primary/Secondary-DNS-Server";
			return RADIUS_ERR_ATTR_VALUE;
		}
		if (v)
			memcpy(&r->dns[i].s_addr, v, 4);
	}
	return RADIUS_OK;
}

static const char *attr_name(uint8_t type)
{
	switch (type) {
	case RADIUS_FRAMED_IP_ADDRESS: return "Framed-IP-Address";
	case RADIUS_FRAMED_POOL: return "Framed-Pool";
	case RADIUS_FRAMED_IPV6_PREFIX: return "Framed-IPv6-Prefix";
	case RADIUS_FRAMED_ROUTE: return "Framed-Route";
	case RADIUS_FRAMED_IPV6_ROUTE: return "Framed-IPv6-Route";
	case RADIUS_SESSION_TIMEOUT: return "Session-Timeout";
	case RADIUS_IDLE_TIMEOUT: return "Idle-Timeout";
	case RADIUS_ACCT_INTERIM_INTERVAL: return "Acct-Interim-Interval";
	case RADIUS_ERROR_CAUSE: return "Error-Cause";
	case RADIUS_CLASS: return "Class";
	case RADIUS_REPLY_MESSAGE: return "Reply-Message";
	default: return "attribute";
	}
}

enum radius_err radius_reply_parse(const struct radius_msg *m, struct radius_reply *r,
				   const char **what)
{
	const char *dummy;
	unsigned int i;

	if (!what)
		what = &dummy;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < m->n_avps; i++) {
		if (!reply_attr(m, &m->avps[i], r)) {
			*what = attr_name(m->avps[i].type);
			return RADIUS_ERR_ATTR_VALUE;
		}
	}
	return reply_ms(m, r, what);
}
