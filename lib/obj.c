// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of l2sec generic netlink replies and notifications (see obj.h).
 * Every length is checked exactly against uapi/l2sec.h before a value is
 * read; libmnl's iterators keep every attribute inside its message or nest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "obj.h"

/* What a known attribute must look like. */
enum kind {
	K_IGNORE,	/* L2SEC_A_PAD and request-only attributes */
	K_U8,
	K_U16,
	K_U32,
	K_ADDR4,
	K_ADDR6,
	K_NEST,
};

static const uint8_t kinds[L2SEC_A_MAX + 1] = {
	[L2SEC_A_SOCK_FD] = K_U32,
	[L2SEC_A_SOCK_ID] = K_U32,
	[L2SEC_A_FAMILY] = K_U16,
	[L2SEC_A_LOCAL_ADDR4] = K_ADDR4,
	[L2SEC_A_LOCAL_ADDR6] = K_ADDR6,
	[L2SEC_A_LOCAL_PORT] = K_U16,
	[L2SEC_A_REQUIRE_IPSEC] = K_U8,
	[L2SEC_A_TUNNEL_ID] = K_U16,
	[L2SEC_A_PEER_TUNNEL_ID] = K_U16,
	[L2SEC_A_PEER_ADDR4] = K_ADDR4,
	[L2SEC_A_PEER_ADDR6] = K_ADDR6,
	[L2SEC_A_PEER_PORT] = K_U16,
	[L2SEC_A_BIND_MARK] = K_U32,
	[L2SEC_A_OUT_MARK] = K_U32,
	[L2SEC_A_BOUND] = K_U8,
	[L2SEC_A_UNBIND] = K_U8,
	[L2SEC_A_SA] = K_NEST,
	[L2SEC_A_SESSION_ID] = K_U16,
	[L2SEC_A_PEER_SESSION_ID] = K_U16,
	[L2SEC_A_STATE] = K_U8,
	[L2SEC_A_IPV4] = K_ADDR4,
	[L2SEC_A_IPV6_PREFIX] = K_NEST,
	[L2SEC_A_CLEAR_ADDRS] = K_U8,
	[L2SEC_A_STATS] = K_NEST,
	[L2SEC_A_IFINDEX] = K_U32,
	[L2SEC_A_SOCK_COUNT] = K_U32,
	[L2SEC_A_TUNNEL_COUNT] = K_U32,
	[L2SEC_A_SESSION_COUNT] = K_U32,
	[L2SEC_A_BIND_REQID] = K_U32,
	[L2SEC_A_BIND_PEER4] = K_ADDR4,
	[L2SEC_A_BIND_PEER6] = K_ADDR6,
	[L2SEC_A_SESSION_BUCKETS] = K_U32,
	[L2SEC_A_TUNNEL_HANDLE] = K_U32,
};

static const size_t kind_len[] = {
	[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_ADDR4] = 4, [K_ADDR6] = 16,
};

static const char *const drop_names[L2SEC_DROP_MAX + 1] = {
	[L2SEC_DROP_MALFORMED] = "malformed",
	[L2SEC_DROP_NO_IPSEC] = "no_ipsec",
	[L2SEC_DROP_WRONG_SA] = "wrong_sa",
	[L2SEC_DROP_NOT_UP] = "not_up",
	[L2SEC_DROP_SPOOF] = "spoof",
	[L2SEC_DROP_NO_DEVICE] = "no_device",
	[L2SEC_DROP_NO_SESSION] = "no_session",
	[L2SEC_DROP_NO_ROUTE] = "no_route",
	[L2SEC_DROP_NO_XFRM_ROUTE] = "no_xfrm_route",
	[L2SEC_DROP_NO_MEM] = "no_mem",
	[L2SEC_DROP_PROTO] = "proto",
	[L2SEC_DROP_LOOP] = "loop",
	[L2SEC_DROP_SA_NO_MARK] = "sa_no_mark",
	[L2SEC_DROP_TOO_BIG] = "too_big",
};

static const char *const stat_names[L2SEC_STATS_A_MAX + 1] = {
	[L2SEC_STATS_A_RX_PACKETS] = "rx_packets",
	[L2SEC_STATS_A_RX_BYTES] = "rx_bytes",
	[L2SEC_STATS_A_TX_PACKETS] = "tx_packets",
	[L2SEC_STATS_A_TX_BYTES] = "tx_bytes",
	[L2SEC_STATS_A_TO_DAEMON] = "to_daemon",
	[L2SEC_STATS_A_RX_DROPS] = "rx_drops",
	[L2SEC_STATS_A_TX_DROPS] = "tx_drops",
};

const char *obj_drop_name(unsigned int reason)
{
	return reason <= L2SEC_DROP_MAX ? drop_names[reason] : NULL;
}

const char *obj_stat_name(unsigned int type)
{
	return type <= L2SEC_STATS_A_MAX ? stat_names[type] : NULL;
}

static int bad(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static void get_addr(const struct nlattr *a, struct obj_addr *addr)
{
	size_t len = mnl_attr_get_payload_len(a);

	addr->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addr->a, mnl_attr_get_payload(a), len);
}

/* Counters are u64; a 4-byte value is accepted too (the kernel's nla_put_uint). */
static int get_counter(const struct nlattr *a, uint64_t *v)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 8:
		*v = mnl_attr_get_u64(a);
		return 0;
	case 4:
		*v = mnl_attr_get_u32(a);
		return 0;
	}
	return -EBADMSG;
}

static int parse_drops(const struct nlattr *nest, struct obj_stats *s, char *why, size_t ws)
{
	const struct nlattr *a;
	unsigned int type, reason;
	uint64_t v;

	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type == L2SEC_DROPS_A_PAD)
			continue;
		if (type < L2SEC_DROPS_A_OFFSET)
			return bad(why, ws, "drop counter of type %u", type);
		if (get_counter(a, &v))
			return bad(why, ws, "drop counter %u: %u bytes", type,
				   (unsigned int)mnl_attr_get_payload_len(a));
		reason = type - L2SEC_DROPS_A_OFFSET;
		if (reason < OBJ_MAX_DROPS) {
			s->drops[reason] = v;
			s->drops_has |= UINT64_C(1) << reason;
		} else {
			s->drops_other += v;
			s->has_other = true;
		}
	}
	return 0;
}

static int parse_stats(const struct nlattr *nest, struct obj_stats *s, char *why, size_t ws)
{
	const struct nlattr *a;
	unsigned int type;
	int err;

	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type == L2SEC_STATS_A_PAD || type > L2SEC_STATS_A_MAX)
			continue;
		if (type == L2SEC_STATS_A_DROPS) {
			err = parse_drops(a, s, why, ws);
			if (err)
				return err;
			continue;
		}
		if (type == L2SEC_STATS_A_UNSPEC || get_counter(a, &s->v[type]))
			return bad(why, ws, "stats attribute %u: %u bytes", type,
				   (unsigned int)mnl_attr_get_payload_len(a));
		s->has |= 1u << type;
	}
	return 0;
}

static int parse_sa(const struct nlattr *nest, struct obj_sa *sa, char *why, size_t ws)
{
	static const uint8_t sa_len[L2SEC_SA_A_MAX + 1] = {
		[L2SEC_SA_A_MARK] = 4, [L2SEC_SA_A_SPI] = 4, [L2SEC_SA_A_REQID] = 4,
		[L2SEC_SA_A_ENCAP_SPORT] = 2, [L2SEC_SA_A_ENCAP_DPORT] = 2,
		[L2SEC_SA_A_PEER4] = 4, [L2SEC_SA_A_PEER6] = 16,
	};
	const struct nlattr *a;
	unsigned int type;

	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type > L2SEC_SA_A_MAX)
			continue;
		if (!sa_len[type] || mnl_attr_get_payload_len(a) != sa_len[type])
			return bad(why, ws, "SA attribute %u: %u bytes", type,
				   (unsigned int)mnl_attr_get_payload_len(a));
		sa->has |= 1u << type;
		switch (type) {
		case L2SEC_SA_A_MARK:
			sa->mark = mnl_attr_get_u32(a);
			break;
		case L2SEC_SA_A_SPI:
			sa->spi = mnl_attr_get_u32(a);
			break;
		case L2SEC_SA_A_REQID:
			sa->reqid = mnl_attr_get_u32(a);
			break;
		case L2SEC_SA_A_ENCAP_SPORT:
			sa->sport = mnl_attr_get_u16(a);
			break;
		case L2SEC_SA_A_ENCAP_DPORT:
			sa->dport = mnl_attr_get_u16(a);
			break;
		default:
			get_addr(a, &sa->peer);
		}
	}
	if ((sa->has & (1u << L2SEC_SA_A_PEER4)) && (sa->has & (1u << L2SEC_SA_A_PEER6)))
		return bad(why, ws, "SA with both an IPv4 and an IPv6 peer");
	return 0;
}

static int parse_pfx(const struct nlattr *nest, struct obj *o, char *why, size_t ws)
{
	const struct nlattr *a, *addr = NULL, *len = NULL;
	struct obj_pfx *p;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == L2SEC_PFX_A_ADDR)
			addr = a;
		else if (mnl_attr_get_type(a) == L2SEC_PFX_A_LEN)
			len = a;
	}
	if (!addr || mnl_attr_get_payload_len(addr) != 16 ||
	    !len || mnl_attr_get_payload_len(len) != 1 || mnl_attr_get_u8(len) > 128)
		return bad(why, ws, "malformed IPv6 prefix");
	if (o->n_pfx == OBJ_MAX_PFX) {
		o->pfx_more = true;
		return 0;
	}
	p = &o->pfx[o->n_pfx++];
	memcpy(p->a, mnl_attr_get_payload(addr), 16);
	p->len = mnl_attr_get_u8(len);
	return 0;
}

static int parse_attr(const struct nlattr *a, struct obj *o, char *why, size_t ws)
{
	unsigned int type = mnl_attr_get_type(a);
	unsigned int kind;
	size_t len = mnl_attr_get_payload_len(a);

	if (type > L2SEC_A_MAX)
		return 0;	/* newer than this tool */
	kind = kinds[type];
	if (kind == K_IGNORE)
		return 0;
	if (kind != K_NEST && len != kind_len[kind])
		return bad(why, ws, "attribute %u: %zu bytes, expected %zu", type, len,
			   kind_len[kind]);
	o->has |= OBJ_BIT(type);
	switch (kind) {
	case K_U8:
		o->u[type] = mnl_attr_get_u8(a);
		return 0;
	case K_U16:
		o->u[type] = mnl_attr_get_u16(a);
		return 0;
	case K_U32:
		o->u[type] = mnl_attr_get_u32(a);
		return 0;
	case K_ADDR4:
	case K_ADDR6:
		if (type == L2SEC_A_IPV4)
			get_addr(a, &o->ipv4);
		else if (type == L2SEC_A_LOCAL_ADDR4 || type == L2SEC_A_LOCAL_ADDR6)
			get_addr(a, &o->local);
		else if (type == L2SEC_A_BIND_PEER4 || type == L2SEC_A_BIND_PEER6)
			get_addr(a, &o->bind_peer);
		else
			get_addr(a, &o->peer);
		return 0;
	}
	switch (type) {
	case L2SEC_A_SA:
		return parse_sa(a, &o->sa, why, ws);
	case L2SEC_A_IPV6_PREFIX:
		return parse_pfx(a, o, why, ws);
	case L2SEC_A_STATS:
		return parse_stats(a, &o->stats, why, ws);
	}
	return 0;
}

int obj_parse(const struct nlmsghdr *nlh, struct obj *o, char *why, size_t ws)
{
	const struct genlmsghdr *gh;
	const struct nlattr *a;
	int err;

	memset(o, 0, sizeof(*o));
	/*
	 * libmnl walks attributes up to the aligned end of the message; the
	 * kernel's messages always end aligned, so anything else is refused
	 * rather than read into the padding.
	 */
	if (nlh->nlmsg_len % MNL_ALIGNTO)
		return bad(why, ws, "message length %u not aligned", nlh->nlmsg_len);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*gh))
		return bad(why, ws, "message without a generic netlink header");
	gh = mnl_nlmsg_get_payload(nlh);
	o->cmd = gh->cmd;
	mnl_attr_for_each(a, nlh, sizeof(*gh)) {
		err = parse_attr(a, o, why, ws);
		if (err)
			return err;
	}
	if (obj_has(o, L2SEC_A_LOCAL_ADDR4) && obj_has(o, L2SEC_A_LOCAL_ADDR6))
		return bad(why, ws, "both an IPv4 and an IPv6 local address");
	if (obj_has(o, L2SEC_A_PEER_ADDR4) && obj_has(o, L2SEC_A_PEER_ADDR6))
		return bad(why, ws, "both an IPv4 and an IPv6 peer address");
	return 0;
}

int obj_require(const struct obj *o, uint64_t mask, char *why, size_t ws)
{
	unsigned int type;

	for (type = 0; type <= L2SEC_A_MAX; type++) {
		if ((mask & OBJ_BIT(type)) && !obj_has(o, type))
			return bad(why, ws, "attribute %u missing", type);
	}
	return 0;
}

void obj_addr_str(const struct obj_addr *a, char *buf, size_t size)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, (socklen_t)size))
		snprintf(buf, size, "-");
}

void obj_addr_port_str(const struct obj_addr *a, unsigned int port, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	obj_addr_str(a, addr, sizeof(addr));
	if (a->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", addr, port);
	else
		snprintf(buf, size, "%s:%u", addr, port);
}
