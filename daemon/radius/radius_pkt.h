/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RADIUS packets (RFC 2865, 2866, 5176), without secrets: a builder for the
 * requests the gateway sends and a decoder for what it receives, with typed
 * accessors for the attributes an answer assigns.
 *
 * Nothing here knows a shared secret: signing a request (User-Password
 * hiding, the Request Authenticator, Message-Authenticator) and checking an
 * answer's authenticators is radius_sign.h's, which runs where the secrets
 * are (the privileged parent). The engine parses answers the parent has
 * already verified, and builds requests the parent signs.
 *
 * Bounds: a packet is at most RADIUS_MAX_LEN octets (RFC 2865 section 3), an
 * attribute at most 255, a packet at most RADIUS_MAX_ATTRS attributes. The
 * decoder never trusts a length: each failure has its reason (enum
 * radius_err) for the caller to count.
 */
#ifndef L2SECD_RADIUS_PKT_H
#define L2SECD_RADIUS_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_HDR_LEN		20
#define RADIUS_AUTH_LEN		16
#define RADIUS_MAX_LEN		4096
#define RADIUS_ATTR_MAX		253	/* value octets of one attribute */
#define RADIUS_MAX_ATTRS	128
#define RADIUS_MA_LEN		16	/* Message-Authenticator's value */
#define RADIUS_PASSWORD_MAX	128	/* User-Password, RFC 2865 section 5.2 */

enum radius_code {
	RADIUS_ACCESS_REQUEST = 1,
	RADIUS_ACCESS_ACCEPT = 2,
	RADIUS_ACCESS_REJECT = 3,
	RADIUS_ACCOUNTING_REQUEST = 4,
	RADIUS_ACCOUNTING_RESPONSE = 5,
	RADIUS_ACCESS_CHALLENGE = 11,
	RADIUS_DISCONNECT_REQUEST = 40,
	RADIUS_DISCONNECT_ACK = 41,
	RADIUS_DISCONNECT_NAK = 42,
	RADIUS_COA_REQUEST = 43,
	RADIUS_COA_ACK = 44,
	RADIUS_COA_NAK = 45,
};

enum radius_attr {
	RADIUS_USER_NAME = 1,
	RADIUS_USER_PASSWORD = 2,
	RADIUS_CHAP_PASSWORD = 3,
	RADIUS_NAS_IP_ADDRESS = 4,
	RADIUS_NAS_PORT = 5,
	RADIUS_SERVICE_TYPE = 6,
	RADIUS_FRAMED_PROTOCOL = 7,
	RADIUS_FRAMED_IP_ADDRESS = 8,
	RADIUS_REPLY_MESSAGE = 18,
	RADIUS_FRAMED_ROUTE = 22,
	RADIUS_STATE = 24,
	RADIUS_CLASS = 25,
	RADIUS_VENDOR_SPECIFIC = 26,
	RADIUS_SESSION_TIMEOUT = 27,
	RADIUS_IDLE_TIMEOUT = 28,
	RADIUS_CALLED_STATION_ID = 30,
	RADIUS_CALLING_STATION_ID = 31,
	RADIUS_NAS_IDENTIFIER = 32,
	RADIUS_PROXY_STATE = 33,
	RADIUS_ACCT_STATUS_TYPE = 40,
	RADIUS_ACCT_DELAY_TIME = 41,
	RADIUS_ACCT_INPUT_OCTETS = 42,
	RADIUS_ACCT_OUTPUT_OCTETS = 43,
	RADIUS_ACCT_SESSION_ID = 44,
	RADIUS_ACCT_AUTHENTIC = 45,
	RADIUS_ACCT_SESSION_TIME = 46,
	RADIUS_ACCT_INPUT_PACKETS = 47,
	RADIUS_ACCT_OUTPUT_PACKETS = 48,
	RADIUS_ACCT_TERMINATE_CAUSE = 49,
	RADIUS_ACCT_INPUT_GIGAWORDS = 52,
	RADIUS_ACCT_OUTPUT_GIGAWORDS = 53,
	RADIUS_EVENT_TIMESTAMP = 55,
	RADIUS_CHAP_CHALLENGE = 60,
	RADIUS_NAS_PORT_TYPE = 61,
	RADIUS_MESSAGE_AUTHENTICATOR = 80,
	RADIUS_ACCT_INTERIM_INTERVAL = 85,
	RADIUS_NAS_PORT_ID = 87,
	RADIUS_FRAMED_POOL = 88,
	RADIUS_FRAMED_IPV6_PREFIX = 97,
	RADIUS_FRAMED_IPV6_ROUTE = 99,
	RADIUS_ERROR_CAUSE = 101,
};

/* Microsoft's vendor-specific attributes (RFC 2548), vendor 311. */
#define RADIUS_VENDOR_MICROSOFT		311
enum radius_ms_attr {
	RADIUS_MS_CHAP_ERROR = 2,
	RADIUS_MS_CHAP_CHALLENGE = 11,
	RADIUS_MS_CHAP2_RESPONSE = 25,
	RADIUS_MS_CHAP2_SUCCESS = 26,
	RADIUS_MS_PRIMARY_DNS_SERVER = 28,
	RADIUS_MS_SECONDARY_DNS_SERVER = 29,
};
#define RADIUS_MS_CHAP2_RESPONSE_LEN	50	/* ident, flags, peer challenge, 0 x8, NT-Response */
#define RADIUS_MS_CHAP2_SUCCESS_LEN	43	/* ident, "S=" and 40 hex digits */

/* Why a packet was refused; each is counted on its own. */
enum radius_err {
	RADIUS_OK,
	RADIUS_ERR_SHORT,		/* datagram below the 20-octet header */
	RADIUS_ERR_LONG,		/* datagram or Length above 4096 */
	RADIUS_ERR_LENGTH,		/* Length below 20 or beyond the datagram */
	RADIUS_ERR_ATTR_LENGTH,		/* an attribute's length below 2 */
	RADIUS_ERR_ATTR_OVERRUN,	/* an attribute runs past Length */
	RADIUS_ERR_TOO_MANY,		/* more than RADIUS_MAX_ATTRS attributes */
	RADIUS_ERR_ATTR_VALUE,		/* a known attribute with a malformed value */
	RADIUS_ERR_MA_MISSING,		/* no Message-Authenticator where required */
	RADIUS_ERR_MA_BAD,		/* Message-Authenticator does not verify */
	RADIUS_ERR_AUTHENTICATOR,	/* Response/Request Authenticator mismatch */
	RADIUS_ERR_CODE,		/* a code that does not answer the request */
	RADIUS_ERR_UNKNOWN_ID,		/* no request in flight with this identifier */
	RADIUS_ERR_SOURCE,		/* from an address that is not the server's */
	RADIUS_ERR_COUNT
};

const char *radius_err_name(enum radius_err e);

/* --- building -------------------------------------------------------------- */

/* A request or an answer being built: the packet's bytes, Length kept in step. */
struct radius_pkt {
	size_t len;
	uint8_t buf[RADIUS_MAX_LEN];
};

/* Header with an all-zero authenticator (radius_sign fills it). */
void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id);
/* Each put returns 0, or -EMSGSIZE when the value or the packet is too long. */
int radius_put(struct radius_pkt *p, uint8_t type, const void *val, size_t len);
int radius_put_str(struct radius_pkt *p, uint8_t type, const char *s);
int radius_put_u32(struct radius_pkt *p, uint8_t type, uint32_t v);
int radius_put_in4(struct radius_pkt *p, uint8_t type, struct in_addr a);
/* Vendor-Specific (RFC 2865 section 5.26), one sub-attribute. */
int radius_put_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t vtype,
		   const void *val, size_t len);
/*
 * User-Password in clear, zero-padded to a multiple of 16 octets (1..128
 * octets of password): radius_sign hides it in place. -EINVAL when empty or
 * too long.
 */
int radius_put_password(struct radius_pkt *p, const void *pw, size_t len);
/* Set the value of the first attribute of type with a 4-octet value; -ENOENT. */
int radius_set_u32(struct radius_pkt *p, uint8_t type, uint32_t v);

/* --- decoding ------------------------------------------------------------------ */

struct radius_avp {
	uint8_t type;
	uint8_t len;		/* of the value */
	uint16_t off;		/* of the value in the packet */
};

struct radius_msg {
	const uint8_t *buf;	/* the datagram; the decoder keeps no copy */
	size_t len;		/* the Length field (octets past it are ignored) */
	uint8_t code, id;
	unsigned int n_avps;
	struct radius_avp avps[RADIUS_MAX_ATTRS];
};

/*
 * Decode the header and the attribute list of buf: every length checked,
 * at most one Message-Authenticator, of 16 octets. RADIUS_OK or why not.
 */
enum radius_err radius_decode(struct radius_msg *m, const uint8_t *buf, size_t len);

/* The first attribute of type after prev (NULL: from the start), or NULL. */
const struct radius_avp *radius_find(const struct radius_msg *m, uint8_t type,
				     const struct radius_avp *prev);
static inline const uint8_t *radius_value(const struct radius_msg *m,
					  const struct radius_avp *a)
{
	return m->buf + a->off;
}
/*
 * The first sub-attribute vtype of vendor in the Vendor-Specific attributes
 * (RFC 2865's recommended format: type, length, value): its value and
 * length, or NULL. A Vendor-Specific attribute of that vendor whose
 * sub-attributes do not tile it exactly yields NULL for every vtype.
 */
const uint8_t *radius_find_vsa(const struct radius_msg *m, uint32_t vendor, uint8_t vtype,
			       size_t *len);

/*
 * Each sub-attribute of vendor's Vendor-Specific attributes, in order:
 * fn(ctx, vtype, value, len) until it returns non-zero. -1 when one of
 * them is not tiled exactly by its sub-attributes (then fn saw none of
 * that one), else what the last fn returned (0: all seen).
 */
typedef int radius_vsa_fn(void *ctx, uint8_t vtype, const uint8_t *val, size_t len);
int radius_vsa_each(const struct radius_msg *m, uint32_t vendor, radius_vsa_fn *fn, void *ctx);

/*
 * l2sec's own attributes (a FreeRADIUS dictionary in dist/dictionary.l2sec),
 * under the vendor number of [radius] vendor-id: text, one item each.
 */
enum radius_l2sec_attr {
	RADIUS_L2SEC_SPLIT_ROUTE = 1,	/* "NET/PLEN": a DHCPINFORM classless route */
	RADIUS_L2SEC_DNS_DOMAIN = 2,	/* the DNS suffix ("" : none) */
	RADIUS_L2SEC_DNS_SEARCH = 3,	/* a search domain */
};

/* --- what an answer assigns (issue 21, items 4 and 5) ------------------------ */

#define RADIUS_MAX_ROUTES	16
#define RADIUS_REPLY_MSG_MAX	1024

struct radius_route {
	struct in_addr net;	/* host bits zero */
	uint8_t plen;		/* 0..32 */
	struct in_addr gw;	/* INADDR_ANY: none, the client */
};

/* Framed-IPv6-Route, the same for IPv6. */
struct radius_route6 {
	struct in6_addr net;	/* host bits zero */
	uint8_t plen;		/* 0..128 */
	struct in6_addr gw;	/* ::: none, the client's own address */
};

/*
 * The attributes an Access-Accept, -Reject or -Challenge and a CoA-Request
 * carry for the gateway. has_* and the counts say what was present.
 *
 * Framed-Route ("NET/PLEN [GATEWAY [METRIC]]", RFC 2865 section 5.22) is a
 * network routed behind the client (froute.h; METRIC is ignored), and
 * Framed-IPv6-Route ("PREFIX/PLEN [GATEWAY [METRIC]]", RFC 3162 section 2.5)
 * an IPv6 prefix (RADIUS_MAX_ROUTES of each); DNS servers
 * come from MS-Primary/Secondary-DNS-Server (RFC 2548); both standard, so
 * FreeRADIUS's dictionaries name them.
 */
struct radius_reply {
	bool has_framed_ip;
	struct in_addr framed_ip;
	char framed_pool[64];			/* "": none */
	bool has_ipv6_prefix;
	struct in6_addr ipv6_prefix;
	uint8_t ipv6_plen;
	struct radius_route routes[RADIUS_MAX_ROUTES];
	unsigned int n_routes;
	struct radius_route6 routes6[RADIUS_MAX_ROUTES];
	unsigned int n_routes6;
	struct in_addr dns[2];			/* INADDR_ANY: none */
	uint32_t session_timeout, idle_timeout, interim_interval;	/* s; 0: none */
	uint32_t error_cause;			/* 0: none */
	uint8_t class_len;			/* 0: none; the first Class only */
	uint8_t class[RADIUS_ATTR_MAX];
	char reply_message[RADIUS_REPLY_MSG_MAX];	/* the Reply-Messages, joined */
	bool has_ms_chap2_success;
	uint8_t ms_chap2_success[RADIUS_MS_CHAP2_SUCCESS_LEN];
	char ms_chap_error[RADIUS_ATTR_MAX + 1];	/* without its ident; "": none */
};

/*
 * Read m's attributes into r. RADIUS_OK, or RADIUS_ERR_ATTR_VALUE when one
 * of them is malformed (a Framed-IP-Address not of 4 octets, a Framed-Route
 * or Framed-IPv6-Route that is no route, more than RADIUS_MAX_ROUTES of
 * either, ...); *what then
 * names the attribute.
 */
enum radius_err radius_reply_parse(const struct radius_msg *m, struct radius_reply *r,
				   const char **what);

#endif
