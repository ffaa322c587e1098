// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS codec and signatures: RFC 2865 section 7.1's example (User-Password
 * hiding, the Response Authenticator), round trips of every request the
 * gateway signs through the check a server makes, Message-Authenticator
 * required and verified, each malformed form refused with its reason, and
 * the typed accessors of what an answer assigns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nettle/md5.h>

#include "radius/radius_pkt.h"
#include "radius/radius_sign.h"

static const struct radius_secret rfc_secret = { (const uint8_t *)"xyzzy5461", 9 };
static const struct radius_secret secret = { (const uint8_t *)"testing123", 10 };

/* RFC 2865 section 7.1: nemo logs in with password "arctangent" from NAS 192.168.1.16. */
static const uint8_t rfc_request[] = {
	0x01, 0x00, 0x00, 0x38, 0x0f, 0x40, 0x3f, 0x94, 0x73, 0x97, 0x80, 0x57, 0xbd, 0x83,
	0xd5, 0xcb, 0x98, 0xf4, 0x22, 0x7a, 0x01, 0x06, 0x6e, 0x65, 0x6d, 0x6f, 0x02, 0x12,
	0x0d, 0xbe, 0x70, 0x8d, 0x93, 0xd4, 0x13, 0xce, 0x31, 0x96, 0xe4, 0x3f, 0x78, 0x2a,
	0x0a, 0xee, 0x04, 0x06, 0xc0, 0xa8, 0x01, 0x10, 0x05, 0x06, 0x00, 0x00, 0x00, 0x03,
};
/* ... and the server's Access-Accept (Service-Type Login, Login-Service Telnet, host). */
static const uint8_t rfc_accept[] = {
	0x02, 0x00, 0x00, 0x26, 0x86, 0xfe, 0x22, 0x0e, 0x76, 0x24, 0xba, 0x2a, 0x10, 0x05,
	0xf6, 0xbf, 0x9b, 0x55, 0xe0, 0xb2, 0x06, 0x06, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x0e, 0x06, 0xc0, 0xa8, 0x01, 0x03,
};

static void test_rfc2865_password(void **state)
{
	struct radius_msg m;
	const struct radius_avp *a;
	uint8_t pw[16], clear[16] = "arctangent";

	assert_int_equal(radius_decode(&m, rfc_request, sizeof(rfc_request)), RADIUS_OK);
	assert_int_equal(m.code, RADIUS_ACCESS_REQUEST);
	assert_int_equal(m.n_avps, 4);
	a = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	assert_non_null(a);
	assert_int_equal(a->len, 16);
	memcpy(pw, radius_value(&m, a), 16);
	radius_unhide_password(pw, 16, &rfc_secret, rfc_request + 4);
	assert_memory_equal(pw, clear, 16);
	radius_hide_password(pw, 16, &rfc_secret, rfc_request + 4);
	assert_memory_equal(pw, radius_value(&m, a), 16);
}

static void test_rfc2865_response(void **state)
{
	uint8_t bad[sizeof(rfc_accept)];
	struct radius_msg m;

	/* the authenticator verifies; RFC 2865 knew no Message-Authenticator, we require it */
	assert_int_equal(radius_decode(&m, rfc_accept, sizeof(rfc_accept)), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, rfc_request + 4,
					      &rfc_secret), RADIUS_ERR_MA_MISSING);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, rfc_request + 4,
					      &secret), RADIUS_ERR_AUTHENTICATOR);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCOUNTING_REQUEST, rfc_request + 4,
					      &rfc_secret), RADIUS_ERR_CODE);
	memcpy(bad, rfc_accept, sizeof(bad));
	bad[sizeof(bad) - 1] ^= 1;	/* the host's address changed on the way */
	assert_int_equal(radius_decode(&m, bad, sizeof(bad)), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, rfc_request + 4,
					      &rfc_secret), RADIUS_ERR_AUTHENTICATOR);
}

/* The same request built and signed here, with the RFC's authenticator. */
static void test_sign_access_request(void **state)
{
	static const uint8_t nas[4] = { 192, 168, 1, 16 };
	struct radius_pkt p;
	struct radius_msg m;
	const struct radius_avp *a;
	uint8_t pw[16];

	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	assert_int_equal(radius_put_str(&p, RADIUS_USER_NAME, "nemo"), 0);
	assert_int_equal(radius_put_password(&p, "arctangent", 10), 0);
	assert_int_equal(radius_put(&p, RADIUS_NAS_IP_ADDRESS, nas, 4), 0);
	assert_int_equal(radius_put_u32(&p, RADIUS_NAS_PORT, 3), 0);
	assert_int_equal(radius_sign_request(&p, &rfc_secret, rfc_request + 4), 0);
	/* the RFC's packet, and a Message-Authenticator after it */
	assert_int_equal(p.len, sizeof(rfc_request) + 18);
	assert_int_equal(p.buf[3], sizeof(rfc_request) + 18);
	assert_memory_equal(p.buf + 4, rfc_request + 4, sizeof(rfc_request) - 4);
	assert_int_equal(p.buf[sizeof(rfc_request)], RADIUS_MESSAGE_AUTHENTICATOR);
	/* what a server checks */
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &rfc_secret), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_ERR_MA_BAD);
	a = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	memcpy(pw, radius_value(&m, a), 16);
	radius_unhide_password(pw, 16, &rfc_secret, p.buf + 4);
	assert_memory_equal(pw, "arctangent\0\0\0\0\0\0", 16);

	/* random authenticators differ from packet to packet */
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	radius_put_str(&p, RADIUS_USER_NAME, "nemo");
	assert_int_equal(radius_sign_request(&p, &secret, NULL), 0);
	assert_memory_not_equal(p.buf + 4, rfc_request + 4, 16);
}

static void test_password_lengths(void **state)
{
	uint8_t pw[RADIUS_PASSWORD_MAX + 1];
	struct radius_pkt p;
	struct radius_msg m;
	const struct radius_avp *a;
	size_t len;

	memset(pw, 'x', sizeof(pw));
	for (len = 1; len <= RADIUS_PASSWORD_MAX; len += 17) {
		uint8_t back[RADIUS_PASSWORD_MAX], plain[RADIUS_PASSWORD_MAX] = { 0 };

		radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7);
		assert_int_equal(radius_put_password(&p, pw, len), 0);
		assert_int_equal(radius_sign_request(&p, &secret, NULL), 0);
		assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
		a = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
		assert_int_equal(a->len, (len + 15) / 16 * 16);
		memcpy(back, radius_value(&m, a), a->len);
		/*
		 * hidden: the whole padded value differs from the clear one (a
		 * comparison of len octets alone matched 1 time in 256 at len 1)
		 */
		memcpy(plain, pw, len);
		assert_memory_not_equal(back, plain, a->len);
		radius_unhide_password(back, a->len, &secret, p.buf + 4);
		assert_memory_equal(back, pw, len);
	}
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7);
	assert_int_equal(radius_put_password(&p, pw, 0), -EINVAL);
	assert_int_equal(radius_put_password(&p, pw, RADIUS_PASSWORD_MAX + 1), -EINVAL);

	/* a password that would go in clear is not signed: a second one ... */
	assert_int_equal(radius_put_password(&p, pw, 8), 0);
	assert_int_equal(radius_put_password(&p, pw, 8), 0);
	assert_int_equal(radius_sign_request(&p, &secret, NULL), -EINVAL);
	/* ... one in an Accounting-Request, one not padded to 16 octets */
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 7);
	assert_int_equal(radius_put_password(&p, pw, 8), 0);
	assert_int_equal(radius_sign_request(&p, &secret, NULL), -EINVAL);
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7);
	assert_int_equal(radius_put(&p, RADIUS_USER_PASSWORD, pw, 15), 0);
	assert_int_equal(radius_sign_request(&p, &secret, NULL), -EINVAL);
}

/* Accounting-Request: the authenticator is an MD5 over the packet (RFC 2866). */
static void test_sign_accounting(void **state)
{
	struct radius_pkt p;
	struct radius_msg m;

	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 42);
	radius_put_u32(&p, RADIUS_ACCT_STATUS_TYPE, 1);
	radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "0001");
	radius_put_u32(&p, RADIUS_ACCT_DELAY_TIME, 0);
	assert_int_equal(radius_sign_request(&p, &secret, NULL), 0);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_non_null(radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL));
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &rfc_secret), RADIUS_ERR_AUTHENTICATOR);
	/* a changed delay without a new signature is caught */
	assert_int_equal(radius_set_u32(&p, RADIUS_ACCT_DELAY_TIME, 3), 0);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_ERR_AUTHENTICATOR);
	assert_int_equal(radius_set_u32(&p, RADIUS_SESSION_TIMEOUT, 3), -ENOENT);
}

/* CoA and Disconnect requests from a server, and the answers we sign. */
static void test_coa(void **state)
{
	struct radius_pkt p, ack;
	struct radius_msg m;
	uint8_t req_auth[16];

	radius_pkt_init(&p, RADIUS_DISCONNECT_REQUEST, 9);
	radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "0001");
	assert_int_equal(radius_sign_request(&p, &secret, NULL), 0);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_OK);
	memcpy(req_auth, p.buf + 4, 16);

	/* a Disconnect-Request without Message-Authenticator is refused */
	radius_pkt_init(&p, RADIUS_DISCONNECT_REQUEST, 9);
	radius_put_str(&p, RADIUS_ACCT_SESSION_ID, "0001");
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_ERR_AUTHENTICATOR);

	radius_pkt_init(&ack, RADIUS_DISCONNECT_ACK, 9);
	assert_int_equal(radius_sign_answer(&ack, &secret, req_auth), 0);
	assert_int_equal(radius_decode(&m, ack.buf, ack.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_DISCONNECT_REQUEST, req_auth, &secret),
			 RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_COA_REQUEST, req_auth, &secret),
			 RADIUS_ERR_CODE);
	/* signing refuses the wrong direction */
	assert_int_equal(radius_sign_request(&ack, &secret, NULL), -EINVAL);
	assert_int_equal(radius_sign_answer(&p, &secret, req_auth), -EINVAL);
}

/* The Response Authenticator of answer buf, computed here as a server does. */
static void set_response_auth(uint8_t *buf, size_t len, const uint8_t req_auth[16],
			      const struct radius_secret *s)
{
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, 4, buf);
	md5_update(&ctx, 16, req_auth);
	md5_update(&ctx, len - 20, buf + 20);
	md5_update(&ctx, s->len, s->data);
	md5_digest(&ctx, 16, buf + 4);
}

/* Message-Authenticator: verified, required on Access answers, optional on accounting. */
static void test_answer_ma(void **state)
{
	const uint8_t req_auth[16] = { 1, 2, 3 };
	const struct radius_avp *ma;
	struct radius_pkt a;
	struct radius_msg m;

	radius_pkt_init(&a, RADIUS_ACCESS_ACCEPT, 5);
	radius_put_u32(&a, RADIUS_SESSION_TIMEOUT, 60);
	assert_int_equal(radius_sign_answer(&a, &secret, req_auth), 0);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, req_auth, &secret),
			 RADIUS_OK);
	/* another request's authenticator */
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, rfc_request + 4,
					      &secret), RADIUS_ERR_AUTHENTICATOR);

	/* one bit of the Message-Authenticator flipped, the authenticator made right */
	ma = radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL);
	a.buf[ma->off + 7] ^= 0x80;
	set_response_auth(a.buf, a.len, req_auth, &secret);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, req_auth, &secret),
			 RADIUS_ERR_MA_BAD);

	/* without one: an Access-Reject is refused, an Accounting-Response taken */
	radius_pkt_init(&a, RADIUS_ACCESS_REJECT, 5);
	set_response_auth(a.buf, a.len, req_auth, &secret);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCESS_REQUEST, req_auth, &secret),
			 RADIUS_ERR_MA_MISSING);
	radius_pkt_init(&a, RADIUS_ACCOUNTING_RESPONSE, 5);
	set_response_auth(a.buf, a.len, req_auth, &secret);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCOUNTING_REQUEST, req_auth, &secret),
			 RADIUS_OK);
	/* ... but one there must verify */
	assert_int_equal(radius_sign_answer(&a, &rfc_secret, req_auth), 0);
	set_response_auth(a.buf, a.len, req_auth, &secret);
	assert_int_equal(radius_decode(&m, a.buf, a.len), RADIUS_OK);
	assert_int_equal(radius_verify_answer(&m, RADIUS_ACCOUNTING_REQUEST, req_auth, &secret),
			 RADIUS_ERR_MA_BAD);
}

static void expect_decode(const uint8_t *buf, size_t len, enum radius_err e)
{
	struct radius_msg m;

	assert_int_equal(radius_decode(&m, buf, len), e);
	assert_string_not_equal(radius_err_name(e), "?");
}

static void test_malformed(void **state)
{
	uint8_t buf[RADIUS_MAX_LEN + 1] = { RADIUS_ACCESS_ACCEPT, 1, 0, 20 };
	unsigned int i;

	expect_decode(buf, 19, RADIUS_ERR_SHORT);
	expect_decode(buf, 20, RADIUS_OK);
	expect_decode(buf, 40, RADIUS_OK);		/* octets past Length are padding */
	expect_decode(buf, RADIUS_MAX_LEN + 1, RADIUS_ERR_LONG);
	buf[3] = 19;
	expect_decode(buf, 40, RADIUS_ERR_LENGTH);
	buf[2] = 0, buf[3] = 41;			/* Length beyond the datagram */
	expect_decode(buf, 40, RADIUS_ERR_LENGTH);
	buf[2] = 0x10, buf[3] = 1;			/* 4097 */
	expect_decode(buf, RADIUS_MAX_LEN, RADIUS_ERR_LONG);

	buf[2] = 0, buf[3] = 24;
	buf[20] = RADIUS_CLASS, buf[21] = 0;		/* attribute length 0 */
	expect_decode(buf, 24, RADIUS_ERR_ATTR_LENGTH);
	buf[21] = 1;					/* and 1 */
	expect_decode(buf, 24, RADIUS_ERR_ATTR_LENGTH);
	buf[21] = 5;					/* runs past Length */
	expect_decode(buf, 24, RADIUS_ERR_ATTR_OVERRUN);
	buf[21] = 4;
	expect_decode(buf, 24, RADIUS_OK);
	buf[3] = 21;					/* one octet of attribute header */
	expect_decode(buf, 24, RADIUS_ERR_ATTR_OVERRUN);

	/* RADIUS_MAX_ATTRS attributes, then one more */
	for (i = 0; i <= RADIUS_MAX_ATTRS; i++) {
		buf[20 + 2 * i] = RADIUS_CLASS;
		buf[21 + 2 * i] = 2;
	}
	buf[2] = (uint8_t)((20 + 2 * RADIUS_MAX_ATTRS) >> 8);
	buf[3] = (uint8_t)(20 + 2 * RADIUS_MAX_ATTRS);
	expect_decode(buf, sizeof(buf) - 1, RADIUS_OK);
	buf[2] = (uint8_t)((22 + 2 * RADIUS_MAX_ATTRS) >> 8);
	buf[3] = (uint8_t)(22 + 2 * RADIUS_MAX_ATTRS);
	expect_decode(buf, sizeof(buf) - 1, RADIUS_ERR_TOO_MANY);

	/* Message-Authenticator of 15 octets; two of them */
	memset(buf + 20, 0, 40);
	buf[2] = 0, buf[3] = 37;
	buf[20] = RADIUS_MESSAGE_AUTHENTICATOR, buf[21] = 17;
	expect_decode(buf, 37, RADIUS_ERR_ATTR_VALUE);
	buf[3] = 56;
	buf[21] = 18;
	buf[38] = RADIUS_MESSAGE_AUTHENTICATOR, buf[39] = 18;
	expect_decode(buf, 56, RADIUS_ERR_ATTR_VALUE);
}

static void test_builder_bounds(void **state)
{
	uint8_t v[256] = { 0 };
	struct radius_pkt p;
	int i, ret = 0;

	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 1);
	assert_int_equal(radius_put(&p, RADIUS_CLASS, v, 254), -EMSGSIZE);
	assert_int_equal(radius_put(&p, RADIUS_CLASS, v, 253), 0);
	assert_int_equal(radius_put_vsa(&p, 311, 1, v, 248), -EMSGSIZE);
	assert_int_equal(radius_put_vsa(&p, 311, 1, v, 247), 0);
	for (i = 0; i < 20 && !ret; i++)
		ret = radius_put(&p, RADIUS_CLASS, v, 253);
	assert_int_equal(ret, -EMSGSIZE);
	assert_true(p.len <= RADIUS_MAX_LEN);
	assert_int_equal(p.buf[2] << 8 | p.buf[3], p.len);
	/* 10 octets left: no room for the Message-Authenticator */
	while (RADIUS_MAX_LEN - p.len >= 2 + 253)
		assert_int_equal(radius_put(&p, RADIUS_CLASS, v, 253), 0);
	assert_int_equal(radius_put(&p, RADIUS_CLASS, v, RADIUS_MAX_LEN - p.len - 12), 0);
	assert_int_equal(p.len, RADIUS_MAX_LEN - 10);
	assert_int_equal(radius_sign_request(&p, &secret, NULL), -EMSGSIZE);
}

/* An Access-Accept with everything the gateway applies. */
static void test_reply(void **state)
{
	/* a /44 whose last octet has bits past the length: they are dropped */
	static const uint8_t prefix6[] = { 0, 44, 0x20, 0x01, 0x0d, 0xb8, 0, 0x1f };
	const uint8_t success[43] = "\x01S=0123456789ABCDEF0123456789ABCDEF01234567";
	const char *what = NULL;
	struct radius_reply r;
	struct radius_pkt p;
	struct radius_msg m;
	struct in_addr a;
	char s[64];

	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	inet_pton(AF_INET, "10.8.0.10", &a);
	radius_put_in4(&p, RADIUS_FRAMED_IP_ADDRESS, a);
	radius_put_str(&p, RADIUS_FRAMED_POOL, "staff");
	radius_put(&p, RADIUS_FRAMED_IPV6_PREFIX, prefix6, sizeof(prefix6));
	radius_put_str(&p, RADIUS_FRAMED_ROUTE, "10.1.0.0/16 0.0.0.0 1");
	radius_put_str(&p, RADIUS_FRAMED_ROUTE, "192.168.7.0/24");
	radius_put_str(&p, RADIUS_FRAMED_ROUTE, "0.0.0.0/0");
	radius_put_str(&p, RADIUS_FRAMED_ROUTE, "172.16.0.0/12 10.8.0.10 1 2");
	radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:100::/48 :: 1");
	radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:200::/40");
	radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "::/0");
	radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:300::1/128 2001:db8:10::5 1 2");
	radius_put_u32(&p, RADIUS_SESSION_TIMEOUT, 3600);
	radius_put_u32(&p, RADIUS_IDLE_TIMEOUT, 600);
	radius_put_u32(&p, RADIUS_ACCT_INTERIM_INTERVAL, 300);
	radius_put(&p, RADIUS_CLASS, "\x00\x01gold", 6);
	radius_put_str(&p, RADIUS_REPLY_MESSAGE, "Welcome, ");
	radius_put_str(&p, RADIUS_REPLY_MESSAGE, "nemo");
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_SUCCESS, success, 43);
	inet_pton(AF_INET, "10.0.0.53", &a);
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_PRIMARY_DNS_SERVER, &a, 4);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_OK);
	assert_true(r.has_framed_ip);
	assert_string_equal(inet_ntop(AF_INET, &r.framed_ip, s, sizeof(s)), "10.8.0.10");
	assert_string_equal(r.framed_pool, "staff");
	assert_true(r.has_ipv6_prefix);
	assert_int_equal(r.ipv6_plen, 44);
	assert_string_equal(inet_ntop(AF_INET6, &r.ipv6_prefix, s, sizeof(s)), "2001:db8:10::");
	assert_int_equal(r.n_routes, 4);
	assert_string_equal(inet_ntop(AF_INET, &r.routes[0].net, s, sizeof(s)), "10.1.0.0");
	assert_int_equal(r.routes[0].plen, 16);
	assert_int_equal(r.routes[0].gw.s_addr, INADDR_ANY);
	assert_int_equal(r.routes[1].plen, 24);
	assert_int_equal(r.routes[1].gw.s_addr, INADDR_ANY);
	assert_int_equal(r.routes[2].plen, 0);	/* parsed; froute.c refuses it */
	assert_string_equal(inet_ntop(AF_INET, &r.routes[3].gw, s, sizeof(s)), "10.8.0.10");
	assert_int_equal(r.n_routes6, 4);
	assert_string_equal(inet_ntop(AF_INET6, &r.routes6[0].net, s, sizeof(s)), "2001:db8:100::");
	assert_int_equal(r.routes6[0].plen, 48);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&r.routes6[0].gw));
	assert_int_equal(r.routes6[1].plen, 40);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&r.routes6[1].gw));
	assert_int_equal(r.routes6[2].plen, 0);	/* parsed; froute.c refuses it */
	assert_string_equal(inet_ntop(AF_INET6, &r.routes6[3].net, s, sizeof(s)), "2001:db8:300::1");
	assert_int_equal(r.routes6[3].plen, 128);
	assert_string_equal(inet_ntop(AF_INET6, &r.routes6[3].gw, s, sizeof(s)), "2001:db8:10::5");
	assert_int_equal(r.session_timeout, 3600);
	assert_int_equal(r.idle_timeout, 600);
	assert_int_equal(r.interim_interval, 300);
	assert_int_equal(r.class_len, 6);
	assert_memory_equal(r.class, "\x00\x01gold", 6);
	assert_string_equal(r.reply_message, "Welcome, nemo");
	assert_true(r.has_ms_chap2_success);
	assert_memory_equal(r.ms_chap2_success, success, 43);
	assert_string_equal(inet_ntop(AF_INET, &r.dns[0], s, sizeof(s)), "10.0.0.53");
	assert_int_equal(r.dns[1].s_addr, 0);
}

static void expect_bad_reply(uint8_t type, const void *v, size_t len, const char *name)
{
	const char *what = NULL;
	struct radius_reply r;
	struct radius_pkt p;
	struct radius_msg m;

	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	assert_int_equal(radius_put(&p, type, v, len), 0);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_ERR_ATTR_VALUE);
	assert_string_equal(what, name);
}

static void test_reply_malformed(void **state)
{
	static const uint8_t v6_long[] = { 0, 129, 0x20, 1 };
	static const uint8_t v6_short[] = { 0, 64, 0x20, 1 };
	const char *what = NULL;
	struct radius_reply r;
	struct radius_pkt p;
	struct radius_msg m;
	int i;

	expect_bad_reply(RADIUS_FRAMED_IP_ADDRESS, "\x0a\x00\x00", 3, "Framed-IP-Address");
	expect_bad_reply(RADIUS_SESSION_TIMEOUT, "\x00\x00\x01", 3, "Session-Timeout");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.1/16", 11, "Framed-Route");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.0/33", 11, "Framed-Route");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.0", 8, "Framed-Route");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.0/x", 10, "Framed-Route");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.0/16 gw", 14, "Framed-Route");
	expect_bad_reply(RADIUS_FRAMED_ROUTE, "10.1.0.0/8\0", 11, "Framed-Route");
	/* hostile Framed-IPv6-Routes: each refuses the whole answer, as Framed-Route's */
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/129", 14, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/4294967344", 21,
			 "Framed-IPv6-Route");	/* 2^32 + 48: no wrap to /48 */
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::1/64", 14, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:0:1::/63", 17, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::", 10, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/-1", 13, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/48x", 14, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "10.1.0.0/16", 11, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/48 gw", 16, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/48 10.0.0.1", 22,
			 "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/48 fe80::1%eth0", 26,
			 "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/48\0", 14, "Framed-IPv6-Route");
	expect_bad_reply(RADIUS_FRAMED_IPV6_ROUTE,
			 "2001:0db8:0000:0000:0000:0000:0000:0000:0000/48", 47,
			 "Framed-IPv6-Route");	/* a ninth group */
	expect_bad_reply(RADIUS_FRAMED_IPV6_PREFIX, v6_long, sizeof(v6_long),
			 "Framed-IPv6-Prefix");
	expect_bad_reply(RADIUS_FRAMED_IPV6_PREFIX, v6_short, sizeof(v6_short),
			 "Framed-IPv6-Prefix");
	expect_bad_reply(RADIUS_REPLY_MESSAGE, "a\0b", 3, "Reply-Message");

	/* more routes than the gateway takes */
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	for (i = 0; i <= RADIUS_MAX_ROUTES; i++)
		radius_put_str(&p, RADIUS_FRAMED_ROUTE, "10.0.0.0/8");
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_ERR_ATTR_VALUE);

	/* more IPv6 routes than the gateway takes */
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	for (i = 0; i < RADIUS_MAX_ROUTES; i++)
		radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/32");
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_OK);
	assert_int_equal(r.n_routes6, RADIUS_MAX_ROUTES);
	radius_put_str(&p, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8::/32");
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_ERR_ATTR_VALUE);
	assert_string_equal(what, "Framed-IPv6-Route");

	/* MS-CHAP2-Success of the wrong length */
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_SUCCESS, "\x01S=00", 5);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_reply_parse(&m, &r, &what), RADIUS_ERR_ATTR_VALUE);
	assert_string_equal(what, "MS-CHAP2-Success");
}

/* Vendor-Specific whose sub-attributes do not tile it: nothing of it is read. */
static void test_vsa(void **state)
{
	static const uint8_t overrun[] = { 0, 0, 1, 0x37, 2, 9, 1, 'E', '=' };
	static const uint8_t zero[] = { 0, 0, 1, 0x37, 2, 3, 1, 0, 0 };
	static const uint8_t two[] = { 0, 0, 1, 0x37, 7, 3, 1, 2, 4, 1, 'E' };
	struct radius_pkt p;
	struct radius_msg m;
	size_t len = 0;
	const uint8_t *v;

	radius_pkt_init(&p, RADIUS_ACCESS_REJECT, 1);
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, overrun, sizeof(overrun));
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, zero, sizeof(zero));
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, "\0\0\1", 3);	/* shorter than a vendor id */
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_null(radius_find_vsa(&m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR, &len));

	radius_pkt_init(&p, RADIUS_ACCESS_REJECT, 1);
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, two, sizeof(two));
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	v = radius_find_vsa(&m, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_ERROR, &len);
	assert_non_null(v);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "\1E", 2);
	assert_null(radius_find_vsa(&m, 9, RADIUS_MS_CHAP_ERROR, &len));
}

struct seen {
	unsigned int n;
	uint8_t types[8];
};

static int note(void *ctx, uint8_t vtype, const uint8_t *val, size_t len)
{
	struct seen *s = ctx;

	(void)val;
	(void)len;
	s->types[s->n++] = vtype;
	return s->n == 3;	/* the third one stops the walk */
}

/* Every sub-attribute of a vendor, in order, across its attributes; a bad tiling is -1. */
static void test_vsa_each(void **state)
{
	static const uint8_t two[] = { 0, 0, 1, 0x37, 7, 3, 1, 2, 4, 1, 'E' };
	static const uint8_t other[] = { 0, 0, 0, 9, 5, 3, 1 };
	static const uint8_t overrun[] = { 0, 0, 1, 0x37, 2, 9, 1, 'E', '=' };
	struct seen s = { 0 };
	struct radius_pkt p;
	struct radius_msg m;

	(void)state;
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, two, sizeof(two));
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, other, sizeof(other));
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, 11, "x", 1);
	radius_put_vsa(&p, RADIUS_VENDOR_MICROSOFT, 12, "y", 1);
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	assert_int_equal(radius_vsa_each(&m, RADIUS_VENDOR_MICROSOFT, note, &s), 1);
	assert_int_equal(s.n, 3);
	assert_memory_equal(s.types, "\7\2\13", 3);
	s.n = 0;
	assert_int_equal(radius_vsa_each(&m, 9, note, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.types[0], 5);

	radius_put(&p, RADIUS_VENDOR_SPECIFIC, overrun, sizeof(overrun));
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	s.n = 0;
	assert_int_equal(radius_vsa_each(&m, 9, note, &s), 0);
	s.n = 0;
	assert_int_equal(radius_vsa_each(&m, RADIUS_VENDOR_MICROSOFT, note, &s), 1);
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1);
	radius_put(&p, RADIUS_VENDOR_SPECIFIC, overrun, sizeof(overrun));
	assert_int_equal(radius_decode(&m, p.buf, p.len), RADIUS_OK);
	s.n = 0;
	assert_int_equal(radius_vsa_each(&m, RADIUS_VENDOR_MICROSOFT, note, &s), -1);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2865_password),
		cmocka_unit_test(test_vsa_each),
		cmocka_unit_test(test_rfc2865_response),
		cmocka_unit_test(test_sign_access_request),
		cmocka_unit_test(test_password_lengths),
		cmocka_unit_test(test_sign_accounting),
		cmocka_unit_test(test_coa),
		cmocka_unit_test(test_answer_ma),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_builder_bounds),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_vsa),
	};

	return cmocka_run_group_tests_name("radius_pkt", tests, NULL, NULL);
}
