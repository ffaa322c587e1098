// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS under privsep (priv/priv_radius.h): the parent signs the engine's
 * requests and verifies the answers it received, with the secret the engine
 * never holds; only an Access-Accept the parent verified authenticates the
 * session its request named, and only its Framed-IP-Address is that
 * session's own address. Everything else an engine could send is refused:
 * a wrong server, a code that is no request of the link, a clear password in
 * an Accounting-Request, a malformed or oversized packet, an answer to a
 * request the parent did not sign, a replayed answer.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/config.h"
#include "core/u32set.h"
#include "route/froute.h"
#include "priv/priv_parent.h"
#include "conf/users.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"
#include "priv/priv_radius.h"
#include "radius/radius_pkt.h"
#include "radius/radius_sign.h"
#include "priv_fx.h"
#include "priv_req.h"

#define SECRET	"s3cr3t-of-the-parent"
#define MARK	7
#define TID	3
#define SID	6

static const struct radius_secret secret = { (const uint8_t *)SECRET, sizeof(SECRET) - 1 };
static const struct radius_secret dae0 = { (const uint8_t *)"dae-zero", 8 };
static const struct radius_secret dae2 = { (const uint8_t *)"dae-two-secret", 14 };

struct fx {
	struct l2sec_config cfg;
	struct users_db *users;
	struct priv_check *c;
	struct priv_radius *r;
	uint32_t seq, handle;
	struct priv_msg reply;
	uint64_t now;
	uint16_t sid;			/* the session sign() names; 0: SID */
	struct in6_addr pfx6;		/* the session's /64, once claimed */
};

/* Encode m with the next sequence number and hand it to the checker as a datagram. */
static enum priv_reason req(struct fx *f, struct priv_msg *m)
{
	return priv_test_req(f->c, &f->seq, f->now, m, &f->reply);
}

static void new_checker(struct fx *f)
{
	struct priv_addr peer = { .family = 4 };
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	f->c = priv_check_new(&f->cfg, f->users);
	assert_non_null(f->c);
	priv_check_set_radius(f->c, f->r);
	f->seq = 0;
	inet_pton(AF_INET, "198.51.100.7", &peer.v4);
	assert_int_equal(priv_check_sock_add(f->c, 1, 4), 0);
	assert_int_equal(priv_check_sa_up(f->c, MARK, &peer), 0);
	m.tunnel_add = (struct priv_tunnel_add){ .tid = TID, .peer_tid = 9, .sock_id = 1,
						 .peer = peer, .peer_port = 1701,
						 .require_ipsec = true, .mark = MARK };
	assert_int_equal(req(f, &m), PRIV_OK);
	f->handle = f->reply.reply.handle;
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_SESSION_ADD;
	m.session_add = (struct priv_session_add){ f->handle, TID, SID, 60 };
	assert_int_equal(req(f, &m), PRIV_OK);
}

static int setup(void **state)
{
	static const char users[] = "bob password s3cret\n";
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	config_defaults(&f->cfg);
	inet_pton(AF_INET, "10.9.0.1", &f->cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.3", &f->cfg.pool[0].last);
	f->cfg.n_pool = 1;
	f->users = users_parse(users, sizeof(users) - 1, NULL, NULL);
	assert_non_null(f->users);
	/* one authentication server, two accounting servers */
	f->r = priv_radius_new(secret.data, secret.len, 1, 2);
	assert_non_null(f->r);
	/* dae-clients 0 and 2 (1 not configured) */
	assert_int_equal(priv_radius_dae_client(f->r, 0, dae0.data, dae0.len), 0);
	assert_int_equal(priv_radius_dae_client(f->r, 2, dae2.data, dae2.len), 0);
	f->now = 1000;
	new_checker(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	priv_check_free(f->c);
	priv_radius_free(f->r);
	users_free(f->users);
	free(f);
	return 0;
}

/* An Access-Request as aaa.c builds one: User-Name, a clear User-Password. */
static void access_request(struct radius_pkt *p, const char *user, const char *pw)
{
	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, 0);
	assert_int_equal(radius_put_str(p, RADIUS_USER_NAME, user), 0);
	if (pw)
		assert_int_equal(radius_put_password(p, pw, strlen(pw)), 0);
}

static enum priv_reason sign(struct fx *f, unsigned int link, unsigned int server, bool session,
			     const struct radius_pkt *p)
{
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_SIGN };

	m.rsign.link = (uint8_t)link;
	m.rsign.server = (uint8_t)server;
	if (session) {
		m.rsign.handle = f->handle;
		m.rsign.tid = TID;
		m.rsign.sid = f->sid ? f->sid : SID;
	}
	m.rsign.pkt.len = (uint16_t)p->len;
	memcpy(m.rsign.pkt.buf, p->buf, p->len);
	return req(f, &m);
}

/* Server 0's answer of code to the request the parent signed last, as a server signs it. */
static void answer(const struct fx *f, struct radius_pkt *a, uint8_t code,
		   const struct radius_secret *s, const char *framed)
{
	const struct priv_radius_pkt *q = &f->reply.reply.radius;
	struct in_addr ip;

	radius_pkt_init(a, code, q->buf[1]);
	if (framed) {
		inet_pton(AF_INET, framed, &ip);
		assert_int_equal(radius_put_in4(a, RADIUS_FRAMED_IP_ADDRESS, ip), 0);
	}
	assert_int_equal(radius_sign_answer(a, s, q->buf + 4), 0);
}

static enum priv_reason verify(struct fx *f, unsigned int link, unsigned int server,
			       uint8_t req_code, const uint8_t req_auth[16],
			       const struct radius_pkt *a)
{
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_VERIFY };

	m.rverify.link = (uint8_t)link;
	m.rverify.server = (uint8_t)server;
	m.rverify.req_code = req_code;
	memcpy(m.rverify.req_auth, req_auth, 16);
	m.rverify.pkt.len = (uint16_t)a->len;
	memcpy(m.rverify.pkt.buf, a->buf, a->len);
	return req(f, &m);
}

/* The session's address request (0.0.0.0: the session's own, else the pool's). */
static enum priv_reason claim(struct fx *f, const char *addr)
{
	struct priv_msg m = { .type = PRIV_REQ_ADDR_CLAIM };

	m.addr.handle = f->handle;
	m.addr.tid = TID;
	m.addr.sid = SID;
	m.addr.addr.family = 4;
	inet_pton(AF_INET, addr, &m.addr.addr.v4);
	return req(f, &m);
}

/* Sign an Access-Request for the session and verify server 0's answer a of code. */
static enum priv_reason sign_and_answer(struct fx *f, uint8_t code, const struct radius_secret *s,
					const char *framed, uint8_t auth[16])
{
	struct radius_pkt p, a;

	access_request(&p, "alice", "pw-of-alice");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_OK);
	memcpy(auth, f->reply.reply.radius.buf + 4, 16);
	answer(f, &a, code, s, framed);
	return verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a);
}

static void test_sign_access_request(void **state)
{
	struct fx *f = *state;
	const struct radius_avp *pw;
	struct radius_pkt p;
	struct radius_msg m;
	uint8_t clear[16];

	access_request(&p, "alice", "pw-of-alice");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_OK);
	/* what a server sees: a Message-Authenticator, the password hidden with the secret */
	assert_int_equal(radius_decode(&m, f->reply.reply.radius.buf, f->reply.reply.radius.len),
			 RADIUS_OK);
	assert_int_equal(m.code, RADIUS_ACCESS_REQUEST);
	assert_non_null(radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL));
	pw = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	assert_non_null(pw);
	assert_int_equal(pw->len, 16);
	memcpy(clear, radius_value(&m, pw), 16);
	assert_memory_not_equal(clear, "pw-of-alice", 11);
	radius_unhide_password(clear, 16, &secret, f->reply.reply.radius.buf + 4);
	assert_memory_equal(clear, "pw-of-alice\0\0\0\0\0", 16);
	assert_int_equal(priv_radius_stats(f->r)->signed_auth, 1);
}

static void test_accept_authenticates(void **state)
{
	struct fx *f = *state;
	struct radius_pkt a;
	uint8_t auth[16];

	/* nothing verified: no address */
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_NOT_AUTHED);
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &secret, "10.9.0.2", auth),
			 PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	answer(f, &a, RADIUS_ACCESS_ACCEPT, &secret, "10.9.0.2");
	/* the Framed-IP-Address the verified answer assigned, not one outside the pools */
	assert_int_equal(claim(f, "192.0.2.9"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, "10.9.0.2"), PRIV_OK);
	assert_int_equal(priv_check_stats(f->c)->auth_ok, 1);
	/* the same answer again: its request is answered, refused */
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
}

static void test_framed_ip(void **state)
{
	struct fx *f = *state;
	uint8_t auth[16];

	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &secret, "10.9.0.2", auth),
			 PRIV_OK);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);	/* the session's own: the server's */
	assert_string_equal(inet_ntoa(f->reply.reply.addr.v4), "10.9.0.2");
}

static void test_framed_ip_outside_pool(void **state)
{
	struct fx *f = *state;
	uint8_t auth[16];

	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &secret, "192.0.2.5", auth),
			 PRIV_OK);
	/* framed-ip-outside-pool = no: not the session's, and not a pool's */
	assert_int_equal(claim(f, "192.0.2.5"), PRIV_R_NOT_IN_POOL);
	priv_check_free(f->c);
	f->cfg.radius.framed_ip_any = true;
	new_checker(f);
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &secret, "192.0.2.5", auth),
			 PRIV_OK);
	assert_int_equal(claim(f, "192.0.2.5"), PRIV_OK);
}

/*
 * A verified Access-Accept with a Framed-Pool (pool, NULL: none) and a
 * Framed-IPv6-Prefix (pfx6/plen, NULL: none), for the session.
 */
static void accept_with(struct fx *f, const char *pool, const char *pfx6, uint8_t plen)
{
	const struct priv_radius_pkt *q;
	struct radius_pkt p, a;
	uint8_t auth[16], v[18] = { 0 };

	access_request(&p, "alice", "pw-of-alice");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_OK);
	q = &f->reply.reply.radius;
	memcpy(auth, q->buf + 4, 16);
	radius_pkt_init(&a, RADIUS_ACCESS_ACCEPT, q->buf[1]);
	if (pool)
		assert_int_equal(radius_put_str(&a, RADIUS_FRAMED_POOL, pool), 0);
	if (pfx6) {
		v[1] = plen;
		assert_int_equal(inet_pton(AF_INET6, pfx6, v + 2), 1);
		assert_int_equal(radius_put(&a, RADIUS_FRAMED_IPV6_PREFIX, v, 18), 0);
	}
	assert_int_equal(radius_sign_answer(&a, &secret, auth), 0);
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a), PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
}

/* A checker with [ppp] named-pools staff:10.8.1.10-10.8.1.11 guests:10.8.2.0/30. */
static void named_pools_checker(struct fx *f)
{
	priv_check_free(f->c);
	snprintf(f->cfg.named_pool[0].name, sizeof(f->cfg.named_pool[0].name), "staff");
	inet_pton(AF_INET, "10.8.1.10", &f->cfg.named_pool[0].r.first);
	inet_pton(AF_INET, "10.8.1.11", &f->cfg.named_pool[0].r.last);
	snprintf(f->cfg.named_pool[1].name, sizeof(f->cfg.named_pool[1].name), "guests");
	inet_pton(AF_INET, "10.8.2.1", &f->cfg.named_pool[1].r.first);
	inet_pton(AF_INET, "10.8.2.2", &f->cfg.named_pool[1].r.last);
	f->cfg.n_named_pool = 2;
	new_checker(f);
}

/* A new session on the tunnel (sid), which the next requests name. */
static void next_session(struct fx *f, uint16_t sid)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD };

	m.session_add = (struct priv_session_add){ f->handle, TID, sid, (uint16_t)(60 + sid) };
	assert_int_equal(req(f, &m), PRIV_OK);
}

static enum priv_reason claim_sid(struct fx *f, uint16_t sid, const char *addr)
{
	struct priv_msg m = { .type = PRIV_REQ_ADDR_CLAIM };

	m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = sid };
	m.addr.addr.family = strchr(addr, ':') ? 6 : 4;
	inet_pton(m.addr.addr.family == 4 ? AF_INET : AF_INET6, addr, &m.addr.addr.v6);
	return req(f, &m);
}

/*
 * [ppp] named-pools under privsep: the parent hands out the pool the
 * verified Accept's Framed-Pool names, and nothing of another pool.
 */
static void test_named_pool(void **state)
{
	struct fx *f = *state;
	char a[INET_ADDRSTRLEN];

	named_pools_checker(f);
	accept_with(f, "guests", NULL, 0);
	/* an address of the default pool, or of another named pool: not this session's */
	assert_int_equal(claim(f, "10.9.0.2"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, "10.8.1.10"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, "192.0.2.9"), PRIV_R_NOT_IN_POOL);	/* of no pool */
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	inet_ntop(AF_INET, &f->reply.reply.addr.v4, a, sizeof(a));
	assert_string_equal(a, "10.8.2.1");
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_NOT_IN_POOL], 3);
}

/* A Framed-Pool that is not one of [ppp] named-pools: no address, not the default pool's. */
static void test_named_pool_unknown(void **state)
{
	struct fx *f = *state;

	named_pools_checker(f);
	accept_with(f, "nosuch", NULL, 0);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_POOL_UNKNOWN);
	assert_int_equal(claim(f, "10.9.0.1"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_POOL_UNKNOWN], 1);
	/* without named-pools at all, a Framed-Pool names none either */
	f->cfg.n_named_pool = 0;
	priv_check_free(f->c);
	new_checker(f);
	accept_with(f, "staff", NULL, 0);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_POOL_UNKNOWN);
}

/*
 * Framed-IPv6-Prefix under privsep (item 5): the parent takes the verified
 * Accept's /64 as the session's, checked as a single l2secd checks it.
 */
static void test_framed_ipv6_prefix(void **state)
{
	struct fx *f = *state;
	char a[INET6_ADDRSTRLEN];

	priv_check_free(f->c);
	f->cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &f->cfg.ipv6_prefix);
	f->cfg.ipv6_prefix_len = 48;
	new_checker(f);
	accept_with(f, NULL, "2001:db8:100:7::", 64);
	/* another /64 of the pool than the server's: refused */
	assert_int_equal(claim_sid(f, SID, "2001:db8:100:8::"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_OK);
	inet_ntop(AF_INET6, &f->reply.reply.addr.v6, a, sizeof(a));
	assert_string_equal(a, "2001:db8:100:7::");
	/* outside ipv6-prefix: only with framed-ip-outside-pool; never the gateway's /64 */
	priv_check_free(f->c);
	new_checker(f);
	accept_with(f, NULL, "2001:db8:999:1::", 64);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_R_NOT_IN_POOL);
	priv_check_free(f->c);
	new_checker(f);
	accept_with(f, NULL, "2001:db8:100::", 64);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_R_NOT_IN_POOL);
	priv_check_free(f->c);
	new_checker(f);
	accept_with(f, NULL, "2001:db8:100:7::", 56);	/* not a /64 */
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_R_NOT_IN_POOL);
	priv_check_free(f->c);
	new_checker(f);
	accept_with(f, NULL, "fe80::", 64);		/* link-local */
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_R_NOT_IN_POOL);
	priv_check_free(f->c);
	f->cfg.radius.framed_ip_any = true;
	new_checker(f);
	accept_with(f, NULL, "2001:db8:999:1::", 64);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_OK);
	inet_ntop(AF_INET6, &f->reply.reply.addr.v6, a, sizeof(a));
	assert_string_equal(a, "2001:db8:999:1::");
	/* another session with the same /64: held (outside the pool as well as in it) */
	next_session(f, SID + 1);
	f->sid = SID + 1;
	accept_with(f, NULL, "2001:db8:999:1::", 64);
	assert_int_equal(claim_sid(f, SID + 1, "::"), PRIV_R_ADDR_HELD);
	next_session(f, SID + 2);
	f->sid = SID + 2;
	accept_with(f, NULL, "2001:db8:100:7::", 64);
	assert_int_equal(claim_sid(f, SID + 2, "::"), PRIV_OK);
	next_session(f, SID + 3);
	f->sid = SID + 3;
	accept_with(f, NULL, "2001:db8:100:7::", 64);
	assert_int_equal(claim_sid(f, SID + 3, "::"), PRIV_R_ADDR_HELD);
	/* released by the first: the next may have it */
	{
		struct priv_msg m = { .type = PRIV_REQ_ADDR_RELEASE };

		m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = SID };
		m.addr.addr.family = 6;
		inet_pton(AF_INET6, "2001:db8:999:1::", &m.addr.addr.v6);
		assert_int_equal(req(f, &m), PRIV_OK);
	}
	assert_int_equal(claim_sid(f, SID + 1, "::"), PRIV_OK);
}

static void test_no_accept_no_session(void **state)
{
	static const struct radius_secret wrong = { (const uint8_t *)"guess", 5 };
	struct fx *f = *state;
	uint8_t auth[16];

	/* forged with another secret: not verified, the session stays unauthenticated */
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &wrong, NULL, auth), PRIV_OK);
	assert_int_not_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_NOT_AUTHED);
	assert_int_equal(priv_radius_stats(f->r)->not_verified, 1);
	/* a verified Access-Reject: still not */
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_REJECT, &secret, NULL, auth), PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_NOT_AUTHED);
	assert_int_equal(priv_check_stats(f->c)->auth_failed, 1);
	/* an Access-Challenge is no authentication either */
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_CHALLENGE, &secret, NULL, auth),
			 PRIV_OK);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_NOT_AUTHED);
}

static void test_sign_refusals(void **state)
{
	struct fx *f = *state;
	struct radius_pkt p;
	uint8_t auth[16];

	access_request(&p, "alice", "pw");
	/* a server the link does not have */
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 1, true, &p), PRIV_R_RADIUS);
	/* an Access-Request on the accounting link, or naming no session */
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 0, false, &p), PRIV_R_RADIUS);
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, false, &p), PRIV_R_RADIUS);
	/* no User-Name */
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_RADIUS);
	/* a code that is no request: an answer the engine would forge */
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 0);
	assert_int_equal(radius_put_str(&p, RADIUS_USER_NAME, "alice"), 0);
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_RADIUS);
	p.buf[0] = 43;		/* a CoA-ACK */
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 0, false, &p), PRIV_R_RADIUS);
	/* a clear password in an Accounting-Request would go out in clear */
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	assert_int_equal(radius_put_u32(&p, RADIUS_ACCT_STATUS_TYPE, 1), 0);
	assert_int_equal(radius_put_password(&p, "pw", 2), 0);
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 0, false, &p), PRIV_R_RADIUS);
	/* two passwords in an Access-Request: the second would */
	access_request(&p, "alice", "pw");
	assert_int_equal(radius_put_password(&p, "pw", 2), 0);
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_RADIUS);
	/* malformed: an attribute that runs past the Length */
	access_request(&p, "alice", "pw");
	p.buf[RADIUS_HDR_LEN + 1] = 200;
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_RADIUS);
	/* an Accounting-Request naming a session: nothing to name */
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 1, true, &p), PRIV_R_RADIUS);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_RADIUS], 10);
	assert_int_equal(priv_radius_stats(f->r)->signed_auth, 0);
	/* the accounting servers are two: the second signs */
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 1, false, &p), PRIV_OK);
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 2, false, &p), PRIV_R_RADIUS);
	/* a session that authenticated asks no more */
	assert_int_equal(sign_and_answer(f, RADIUS_ACCESS_ACCEPT, &secret, NULL, auth), PRIV_OK);
	access_request(&p, "alice", "pw");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_AUTH_STATE);
	f->handle++;	/* and a session the engine did not create, none */
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_R_TUNNEL_UNKNOWN);
}

static void test_sign_accounting(void **state)
{
	struct fx *f = *state;
	struct radius_pkt p, a;
	struct radius_msg m;
	uint8_t auth[16];

	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 5);
	assert_int_equal(radius_put_u32(&p, RADIUS_ACCT_STATUS_TYPE, 1), 0);
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 0, false, &p), PRIV_OK);
	/* the server's check of it passes */
	assert_int_equal(radius_decode(&m, f->reply.reply.radius.buf, f->reply.reply.radius.len),
			 RADIUS_OK);
	assert_int_equal(radius_verify_request(&m, &secret), RADIUS_OK);
	memcpy(auth, f->reply.reply.radius.buf + 4, 16);
	answer(f, &a, RADIUS_ACCOUNTING_RESPONSE, &secret, NULL);
	assert_int_equal(verify(f, PRIV_RADIUS_ACCT, 0, RADIUS_ACCOUNTING_REQUEST, auth, &a),
			 PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	/* the answer as if to another kind of request, or on the other link */
	assert_int_equal(verify(f, PRIV_RADIUS_ACCT, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCOUNTING_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
	assert_int_equal(verify(f, PRIV_RADIUS_ACCT, 2, RADIUS_ACCOUNTING_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
}

static void test_verify_refusals(void **state)
{
	struct fx *f = *state;
	struct radius_pkt p, a;
	uint8_t auth[16];

	access_request(&p, "alice", "pw");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_OK);
	memcpy(auth, f->reply.reply.radius.buf + 4, 16);
	answer(f, &a, RADIUS_ACCESS_ACCEPT, &secret, NULL);
	/* to an authenticator the parent did not give that request */
	auth[0] ^= 1;
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
	auth[0] ^= 1;
	/* with an identifier the parent signed nothing with */
	a.buf[1]++;
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
	a.buf[1]--;
	/* a malformed answer: not verified, the request still waits for the real one */
	a.buf[RADIUS_HDR_LEN + 1] = 0;
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_ERR_ATTR_LENGTH);
	answer(f, &a, RADIUS_ACCESS_ACCEPT, &secret, NULL);
	/* the engine went: what it asked went with it */
	priv_radius_engine_gone(f->r);
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a),
			 PRIV_R_RADIUS);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_NOT_AUTHED);
}

static void test_wire_refusals(void **state)
{
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_SIGN, .seq = 1 }, out;
	uint8_t buf[PRIV_MSG_MAX + 16];
	int n;

	/* shorter than a RADIUS header, longer than a RADIUS packet: not even encoded */
	m.rsign.pkt.len = 19;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.rsign.pkt.len = PRIV_RADIUS_MAX + 1;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* and refused by the decoder when an engine sends them anyway */
	m.rsign.pkt.len = 20;
	n = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > 0);
	buf[8 + 14] = 0x10;		/* the length: 4096 + 20 */
	buf[8 + 15] = 0x14;
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	buf[8 + 14] = 0;
	buf[8 + 15] = 21;		/* one octet more than there is */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_TRUNCATED);
	buf[8 + 15] = 20;
	buf[8] = PRIV_RADIUS_LINKS;	/* no such link */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	buf[8] = 0;
	buf[9] = 8;			/* server 8: there are 8 at most */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	buf[9] = 0;
	buf[8 + 5] = 3;			/* a session half named: a handle, no IDs */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	buf[8 + 5] = 0;
	buf[8 + 13] = 1;		/* a kept record's try on the auth link */
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	buf[8 + 13] = 0;
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_OK);
	/* judged without the decoder (priv_check_request): its bounds hold anyway */
	m = (struct priv_msg){ .type = PRIV_REQ_RADIUS_VERIFY, .seq = ++f->seq };
	m.rverify.link = 200;
	m.rverify.server = 200;
	m.rverify.pkt.len = 20;
	assert_int_equal(priv_check_request(f->c, &m, f->now, &f->reply.reply), PRIV_R_RADIUS);
	m = (struct priv_msg){ .type = PRIV_REQ_RADIUS_SIGN, .seq = ++f->seq };
	m.rsign.link = PRIV_RADIUS_ACCT;
	m.rsign.pkt.len = PRIV_RADIUS_MAX + 1;
	m.rsign.pkt.buf[0] = RADIUS_ACCOUNTING_REQUEST;
	assert_int_equal(priv_check_request(f->c, &m, f->now, &f->reply.reply), PRIV_R_RADIUS);
	/* a checker without [radius]: against the policy */
	priv_check_set_radius(f->c, NULL);
	m = (struct priv_msg){ .type = PRIV_REQ_RADIUS_SIGN };
	m.rsign.pkt.len = 20;
	m.rsign.pkt.buf[0] = RADIUS_ACCOUNTING_REQUEST;
	assert_int_equal(req(f, &m), PRIV_R_POLICY);
}

static void test_rates(void **state)
{
	struct fx *f = *state;
	struct radius_pkt p;
	unsigned int ok = 0;

	/* Access-Requests at the tunnel's authentication rate: a burst, then refused */
	access_request(&p, "alice", "pw");
	for (unsigned int i = 0; i < 40; i++)
		ok += sign(f, PRIV_RADIUS_AUTH, 0, true, &p) == PRIV_OK;
	assert_int_equal(ok, PRIV_AUTH_BURST_TUNNEL);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_RATE], 40 - ok);
	/* all RADIUS requests at PRIV_RADIUS_RATE */
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	ok = 0;
	for (unsigned int i = 0; i < PRIV_RADIUS_BURST + 10; i++)
		ok += sign(f, PRIV_RADIUS_ACCT, 0, false, &p) == PRIV_OK;
	assert_int_equal(ok, PRIV_RADIUS_BURST - 40);
	f->now += 1000;		/* a second on: the rate's worth again */
	assert_int_equal(sign(f, PRIV_RADIUS_ACCT, 0, false, &p), PRIV_OK);
}

/* A DAE request of code (a server's, signed with s) for client, to the parent. */
static enum priv_reason dae_verify(struct fx *f, uint8_t client, uint8_t code, uint8_t id,
				   const struct radius_secret *s, struct radius_pkt *p)
{
	struct priv_msg m = { .type = PRIV_REQ_DAE_VERIFY };

	radius_pkt_init(p, code, id);
	assert_int_equal(radius_put_str(p, RADIUS_USER_NAME, "alice"), 0);
	assert_int_equal(radius_sign_request(p, s, NULL), 0);
	m.dae.client = client;
	m.dae.pkt.len = (uint16_t)p->len;
	memcpy(m.dae.pkt.buf, p->buf, p->len);
	return req(f, &m);
}

/* The engine's answer of code to request q (unsigned), to the parent for client. */
static enum priv_reason dae_sign(struct fx *f, uint8_t client, uint8_t code,
				 const struct radius_pkt *q)
{
	struct priv_msg m = { .type = PRIV_REQ_DAE_SIGN };
	struct radius_pkt a;

	radius_pkt_init(&a, code, q->buf[1]);
	assert_int_equal(radius_put_u32(&a, RADIUS_ERROR_CAUSE, 503), 0);
	m.dae.client = client;
	memcpy(m.dae.req_auth, q->buf + 4, 16);
	m.dae.pkt.len = (uint16_t)a.len;
	memcpy(m.dae.pkt.buf, a.buf, a.len);
	return req(f, &m);
}

/*
 * DAE under privsep: the parent verifies a request with the client's
 * secret and signs the engine's answer to it, once, as the client checks it.
 */
static void test_dae(void **state)
{
	struct fx *f = *state;
	struct radius_pkt q;
	struct radius_msg a;

	assert_int_equal(dae_verify(f, 2, RADIUS_DISCONNECT_REQUEST, 7, &dae2, &q), PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(dae_sign(f, 2, RADIUS_DISCONNECT_ACK, &q), PRIV_OK);
	assert_int_equal(radius_decode(&a, f->reply.reply.radius.buf, f->reply.reply.radius.len),
			 RADIUS_OK);
	assert_int_equal(a.code, RADIUS_DISCONNECT_ACK);
	assert_int_equal(a.id, 7);
	assert_int_equal(radius_verify_answer(&a, RADIUS_DISCONNECT_REQUEST, q.buf + 4, &dae2),
			 RADIUS_OK);
	assert_non_null(radius_find(&a, RADIUS_MESSAGE_AUTHENTICATOR, NULL));
	/* answered: never signed again (an engine cannot sign what no client asked) */
	assert_int_equal(dae_sign(f, 2, RADIUS_DISCONNECT_ACK, &q), PRIV_R_RADIUS);
	/* a CoA, its NAK: the kind must match */
	assert_int_equal(dae_verify(f, 0, RADIUS_COA_REQUEST, 8, &dae0, &q), PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(dae_sign(f, 0, RADIUS_DISCONNECT_NAK, &q), PRIV_R_RADIUS);
	assert_int_equal(dae_sign(f, 2, RADIUS_COA_NAK, &q), PRIV_R_RADIUS);	/* another client */
	assert_int_equal(dae_sign(f, 0, RADIUS_COA_NAK, &q), PRIV_OK);
	assert_int_equal(priv_radius_stats(f->r)->dae_verified, 2);
	assert_int_equal(priv_radius_stats(f->r)->dae_signed, 2);
}

/* Refused: an unknown client, a request with another secret, not a request, no verify. */
static void test_dae_refusals(void **state)
{
	struct fx *f = *state;
	struct radius_pkt q;
	struct priv_msg m = { .type = PRIV_REQ_DAE_VERIFY };
	uint8_t buf[PRIV_MSG_MAX];
	struct priv_msg out;
	int n;

	/* client 1 and 5 are not configured */
	assert_int_equal(dae_verify(f, 1, RADIUS_DISCONNECT_REQUEST, 1, &dae0, &q), PRIV_R_RADIUS);
	assert_int_equal(dae_verify(f, 5, RADIUS_DISCONNECT_REQUEST, 1, &dae0, &q), PRIV_R_RADIUS);
	/* client 0's request signed with client 2's secret: not verified, nothing to sign */
	assert_int_equal(dae_verify(f, 0, RADIUS_DISCONNECT_REQUEST, 2, &dae2, &q), PRIV_OK);
	assert_int_not_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(dae_sign(f, 0, RADIUS_DISCONNECT_ACK, &q), PRIV_R_RADIUS);
	/* an Access-Request is no DAE request */
	assert_int_equal(dae_verify(f, 0, RADIUS_ACCESS_REQUEST, 3, &dae0, &q), PRIV_R_RADIUS);
	/* no secret without its Message-Authenticator check: one without it is not verified */
	radius_pkt_init(&q, RADIUS_DISCONNECT_REQUEST, 4);
	assert_int_equal(radius_put_str(&q, RADIUS_USER_NAME, "alice"), 0);
	m.dae.client = 0;
	m.dae.pkt.len = (uint16_t)q.len;
	memcpy(m.dae.pkt.buf, q.buf, q.len);
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_not_equal(f->reply.reply.radius_err, RADIUS_OK);
	assert_int_equal(priv_radius_stats(f->r)->dae_not_verified, 2);
	/* on the wire: a client index of 16 and more, a DAE_VERIFY with an authenticator */
	m.seq = 1;
	m.dae.client = 16;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.dae.client = 0;
	n = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(n > 9);
	buf[8] = 16;
	assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
	memset(m.dae.req_auth, 1, 16);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* the rate, in all */
	n = 0;
	for (unsigned int i = 0; i < PRIV_DAE_BURST + 10; i++)
		n += dae_verify(f, 0, RADIUS_DISCONNECT_REQUEST, 9, &dae0, &q) == PRIV_OK;
	assert_int_equal(n, PRIV_DAE_BURST - 6);	/* 6 taken above, refused or not */
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_RATE], 16);
	/* a checker without [radius]: against the policy */
	priv_check_set_radius(f->c, NULL);
	assert_int_equal(dae_verify(f, 0, RADIUS_DISCONNECT_REQUEST, 9, &dae0, &q),
			 PRIV_R_POLICY);
}

/* COUNTERS: a session of the engine's only, at PRIV_COUNTERS_RATE. */
/* --- Framed-Route under privsep ------------------------------------------------------- */

/* What the parent did to the kernel's routes (the execution hooks), in order. */
struct froute_log {
	unsigned int n;
	char op[32][128];		/* "+NET/PLEN via GW", "-NET/PLEN via GW", "-host ADDR" */
	int fail_add;			/* errno for the next froute add; 0: it succeeds */
};

static struct froute_log flog;

/* An address of either family as text (into a buffer of INET6_ADDRSTRLEN). */
static const char *pa_str(const struct priv_addr *a, char *buf)
{
	return inet_ntop(a->family == 6 ? AF_INET6 : AF_INET,
			 a->family == 6 ? (const void *)&a->v6 : (const void *)&a->v4, buf,
			 INET6_ADDRSTRLEN);
}

static int x_froute(void *ctx, bool add, const struct priv_addr *net, uint8_t plen,
		    const struct priv_addr *gw)
{
	char n[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	(void)ctx;
	pa_str(net, n);
	pa_str(gw, g);
	if (flog.n < 32)
		snprintf(flog.op[flog.n++], sizeof(flog.op[0]), "%c%s/%u via %s", add ? '+' : '-',
			 n, plen, g);
	if (add && flog.fail_add) {
		errno = flog.fail_add;
		flog.fail_add = 0;
		return -1;
	}
	return 0;
}

static int x_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	char n[INET6_ADDRSTRLEN];

	(void)ctx;
	(void)plen;
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, &a->v6, n, sizeof(n));
	if (flog.n < 32)
		snprintf(flog.op[flog.n++], sizeof(flog.op[0]), "%chost %s", add ? '+' : '-', n);
	return 0;
}

static int x_session_up(void *ctx, const struct priv_check_tref *t,
			const struct priv_session_up *up)
{
	(void)ctx;
	(void)t;
	(void)up;
	return 0;
}

static const struct priv_exec_ops fops = {
	.tunnel_add = priv_test_tunnel_add, .tunnel_del = priv_test_tunnel_del,
	.session_add = priv_test_session_add, .session_del = priv_test_session_del,
	.session_up = x_session_up, .route = x_route, .froute = x_froute,
};

/* The gateway's own networks, as the parent would list them: 192.168.77.1/24. */
static int fake_local(void *ctx, struct froute_local *l)
{
	(void)ctx;
	l->n = 1;
	inet_pton(AF_INET, "192.168.77.1", &l->e[0].addr);
	l->e[0].plen = 24;
	return 0;
}

/*
 * m through the parent as the engine sends it (priv_parent_input: judged,
 * carried out by fops, answered); the reply in f->reply, the reason returned.
 */
static enum priv_reason preq(struct fx *f, struct priv_msg *m)
{
	return priv_test_parent_req(f->c, &fops, f, &f->seq, f->now, m, &f->reply);
}

static enum priv_reason froute(struct fx *f, uint16_t sid, bool add, const char *net,
			       uint8_t plen)
{
	struct priv_msg m = { .type = add ? PRIV_REQ_FROUTE_ADD : PRIV_REQ_FROUTE_DEL };

	m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = sid };
	m.addr.addr.family = strchr(net, ':') ? 6 : 4;
	assert_int_equal(inet_pton(m.addr.addr.family == 6 ? AF_INET6 : AF_INET, net,
				   &m.addr.addr.v6), 1);
	m.addr.plen = plen;
	return preq(f, &m);
}

/*
 * A verified Access-Accept for session sid with these Framed-Routes (NULL-
 * terminated; one with a ':' is a Framed-IPv6-Route).
 */
static void accept_routes(struct fx *f, uint16_t sid, const char *const *routes)
{
	const struct priv_radius_pkt *q;
	struct radius_pkt p, a;
	uint8_t auth[16];

	f->sid = sid;
	access_request(&p, "alice", "pw-of-alice");
	assert_int_equal(sign(f, PRIV_RADIUS_AUTH, 0, true, &p), PRIV_OK);
	q = &f->reply.reply.radius;
	memcpy(auth, q->buf + 4, 16);
	radius_pkt_init(&a, RADIUS_ACCESS_ACCEPT, q->buf[1]);
	for (; *routes; routes++)
		assert_int_equal(radius_put_str(&a, strchr(*routes, ':') ? RADIUS_FRAMED_IPV6_ROUTE :
						RADIUS_FRAMED_ROUTE, *routes), 0);
	assert_int_equal(radius_sign_answer(&a, &secret, auth), 0);
	assert_int_equal(verify(f, PRIV_RADIUS_AUTH, 0, RADIUS_ACCESS_REQUEST, auth, &a), PRIV_OK);
	assert_int_equal(f->reply.reply.radius_err, RADIUS_OK);
	f->sid = 0;
}

static void froute_setup(struct fx *f)
{
	memset(&flog, 0, sizeof(flog));
	priv_check_set_froute_local(f->c, fake_local, NULL);
}

/*
 * The parent routes only what the Accept it verified carried, through the
 * session's own address: the engine cannot name another network, nor one
 * before the session is authenticated and holds its address.
 */
static void test_froute_granted(void **state)
{
	static const char *const routes[] = { "192.0.2.0/24", "203.0.113.0/25 0.0.0.0 1",
					      NULL };
	struct fx *f = *state;
	char gw[INET_ADDRSTRLEN];

	froute_setup(f);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_R_NOT_AUTHED);
	accept_routes(f, SID, routes);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_OK);
	inet_ntop(AF_INET, &f->reply.reply.addr.v4, gw, sizeof(gw));
	assert_string_equal(gw, "10.9.0.1");
	/* not of the Accept: another network, the same with another length, a wider one */
	assert_int_equal(froute(f, SID, true, "198.18.0.0", 15), PRIV_R_NOT_GRANTED);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 25), PRIV_R_NOT_GRANTED);
	assert_int_equal(froute(f, SID, true, "192.0.0.0", 16), PRIV_R_NOT_GRANTED);
	/* nor another session's (SID + 1 has none), nor one up already */
	next_session(f, SID + 1);
	assert_int_equal(froute(f, SID + 1, true, "203.0.113.0", 25), PRIV_R_NOT_AUTHED);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_R_ADDR_HELD);
	assert_int_equal(froute(f, SID, true, "203.0.113.0", 25), PRIV_OK);
	assert_int_equal(priv_check_froutes(f->c), 2);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_NOT_GRANTED], 3);
	/* what the kernel was asked: the two routes, via the session's address, nothing else */
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "+192.0.2.0/24 via 10.9.0.1");
	assert_string_equal(flog.op[1], "+203.0.113.0/25 via 10.9.0.1");
	/* the engine takes one down; one not up cannot be */
	assert_int_equal(froute(f, SID, false, "192.0.2.0", 24), PRIV_OK);
	assert_string_equal(flog.op[2], "-192.0.2.0/24 via 10.9.0.1");
	assert_int_equal(froute(f, SID, false, "192.0.2.0", 24), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(froute(f, SID, false, "198.18.0.0", 15), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(priv_check_froutes(f->c), 1);
	/* a network with host bits set does not even decode */
	{
		struct priv_msg m = { .type = PRIV_REQ_FROUTE_ADD };
		uint8_t buf[PRIV_MSG_MAX], rbuf[PRIV_MSG_MAX];
		struct priv_msg out;
		int n;

		m.seq = 1;
		m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = SID };
		m.addr.addr.family = 4;
		inet_pton(AF_INET, "192.0.2.1", &m.addr.addr.v4);
		m.addr.plen = 24;
		n = priv_msg_encode(&m, buf, sizeof(buf));
		assert_int_equal(n, -1);	/* the encoder refuses what the decoder would */
		m.addr.plen = 32;
		n = priv_msg_encode(&m, buf, sizeof(buf));
		assert_true(n > 0);
		buf[n - 1] = 24;		/* the prefix length, patched */
		assert_int_equal(priv_msg_decode(buf, (size_t)n, &out), PRIV_R_FIELD);
		/* IPv6: c000:201::/24 has host bits, a /129 is none */
		m.addr.addr.family = 6;
		m.addr.plen = 24;
		assert_int_equal(priv_msg_encode(&m, rbuf, sizeof(rbuf)), -1);
		m.addr.plen = 129;
		assert_int_equal(priv_msg_encode(&m, rbuf, sizeof(rbuf)), -1);
		m.addr.plen = 32;
		assert_true(priv_msg_encode(&m, rbuf, sizeof(rbuf)) > 0);
	}
}

/*
 * froute.h's checks run in the parent, against its own record: the pools,
 * the gateway's networks, the tunnels' peers, the RADIUS servers, the other
 * sessions' routes; the reply says which refused it. The kernel's refusal
 * leaves the route not up.
 */
static void test_froute_checks(void **state)
{
	static const char *const routes[] = {
		"10.9.0.2/31",		/* the pool (not the client's 10.9.0.1) */
		"192.168.77.0/25",	/* the gateway's network */
		"198.51.100.0/24",	/* the tunnel's peer */
		"4.0.0.0/6",		/* too wide */
		"0.0.0.0/0",
		"100.64.0.0/16 10.9.0.3",	/* another gateway */
		"100.65.0.0/16",	/* the kernel refuses it once */
		NULL,
	};
	static const char *const other[] = { "100.65.8.0/24", "100.66.0.0/16", NULL };
	static const struct { const char *net; uint8_t plen; enum froute_why why; } want[] = {
		{ "10.9.0.2", 31, FROUTE_POOL }, { "192.168.77.0", 25, FROUTE_LOCAL },
		{ "198.51.100.0", 24, FROUTE_PEER_ADDR }, { "4.0.0.0", 6, FROUTE_SHORT },
		{ "0.0.0.0", 0, FROUTE_DEFAULT }, { "100.64.0.0", 16, FROUTE_GATEWAY },
	};
	struct fx *f = *state;

	froute_setup(f);
	accept_routes(f, SID, routes);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(froute(f, SID, true, want[i].net, want[i].plen), PRIV_R_FROUTE);
		assert_int_equal(f->reply.reply.froute_why, want[i].why);
	}
	assert_int_equal(flog.n, 0);		/* none reached the kernel */
	flog.fail_add = EEXIST;
	assert_int_equal(froute(f, SID, true, "100.65.0.0", 16), PRIV_OK);
	assert_int_equal(f->reply.reply.error, EEXIST);
	assert_int_equal(priv_check_froutes(f->c), 0);
	assert_int_equal(froute(f, SID, true, "100.65.0.0", 16), PRIV_OK);
	assert_int_equal(f->reply.reply.error, 0);
	assert_int_equal(priv_check_froutes(f->c), 1);
	/* another session may not take a network inside it; one beside it, yes */
	next_session(f, SID + 1);
	accept_routes(f, SID + 1, other);
	assert_int_equal(claim_sid(f, SID + 1, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID + 1, true, "100.65.8.0", 24), PRIV_R_FROUTE);
	assert_int_equal(f->reply.reply.froute_why, FROUTE_TAKEN);
	assert_int_equal(froute(f, SID + 1, true, "100.66.0.0", 16), PRIV_OK);
	assert_int_equal(priv_check_froutes(f->c), 2);
	assert_int_equal(priv_check_stats(f->c)->refused[PRIV_R_FROUTE], 7);
}

/* FROUTE_ADD of NET/PLEN for SID refused as why. */
static void froute_refused(struct fx *f, const char *net, uint8_t plen, enum froute_why why)
{
	assert_int_equal(froute(f, SID, true, net, plen), PRIV_R_FROUTE);
	assert_int_equal(f->reply.reply.froute_why, why);
}

/* A tunnel from peer (on SA mark; 0: none) through the engine: its handle. */
static uint32_t tunnel_from(struct fx *f, uint16_t tid, const char *peer, uint32_t mark)
{
	struct priv_msg m = priv_fx_tunnel_add(tid, 10, peer, mark);

	m.tunnel_add.require_ipsec = mark != 0;
	assert_int_equal(req(f, &m), PRIV_OK);
	return f->reply.reply.handle;
}

/*
 * FROUTE_ADD refuses a network holding the public address of any tunnel or
 * SA the parent holds, as they come and go (priv_check's index of them): an
 * SA with no tunnel yet; an SA whose mark a restarted charon gives another
 * peer (the old address free again); a tunnel and its SA at one address,
 * held until both are gone; a tunnel without IPsec; in a checker carried
 * over by a reload too.
 */
static void test_froute_peers(void **state)
{
	static const char *const routes[] = { "203.0.113.0/24", "192.0.2.0/24", "100.70.0.0/16",
					      "100.71.0.0/16", NULL };
	struct fx *f = *state;
	struct priv_addr a;
	struct priv_check *old;
	uint32_t ha, hb;

	f->cfg.l2tp.require_ipsec = false;	/* for the tunnel without IPsec */
	priv_check_free(f->c);
	new_checker(f);
	froute_setup(f);
	accept_routes(f, SID, routes);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	a = a4("203.0.113.9");
	assert_int_equal(priv_check_sa_up(f->c, MARK + 1, &a), 0);
	froute_refused(f, "203.0.113.0", 24, FROUTE_PEER_ADDR);
	a = a4("192.0.2.9");
	assert_int_equal(priv_check_sa_up(f->c, MARK + 1, &a), 0);
	froute_refused(f, "192.0.2.0", 24, FROUTE_PEER_ADDR);
	assert_int_equal(froute(f, SID, true, "203.0.113.0", 24), PRIV_OK);
	priv_check_sa_gone(f->c, MARK + 1, NULL, NULL);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_OK);
	/* a tunnel on an SA of its own at the same address; one without IPsec */
	a = a4("100.70.0.5");
	assert_int_equal(priv_check_sa_up(f->c, MARK + 2, &a), 0);
	ha = tunnel_from(f, TID + 1, "100.70.0.5", MARK + 2);
	hb = tunnel_from(f, TID + 2, "100.71.0.5", 0);
	froute_refused(f, "100.70.0.0", 16, FROUTE_PEER_ADDR);
	froute_refused(f, "100.71.0.0", 16, FROUTE_PEER_ADDR);
	priv_check_tunnel_gone(f->c, ha);
	froute_refused(f, "100.70.0.0", 16, FROUTE_PEER_ADDR);	/* its SA's still */
	old = f->c;
	f->c = priv_check_reload(old, &f->cfg, f->users);
	assert_non_null(f->c);
	priv_check_free(old);
	froute_refused(f, "100.70.0.0", 16, FROUTE_PEER_ADDR);
	froute_refused(f, "100.71.0.0", 16, FROUTE_PEER_ADDR);
	priv_check_sa_gone(f->c, MARK + 2, NULL, NULL);
	assert_int_equal(froute(f, SID, true, "100.70.0.0", 16), PRIV_OK);
	priv_check_tunnel_gone(f->c, hb);
	assert_int_equal(froute(f, SID, true, "100.71.0.0", 16), PRIV_OK);
	assert_int_equal(priv_check_froutes(f->c), 4);
}

/* What a reload's judgement removed (priv_check_froutes_rejudge's fn). */
static void rejudged(void *ctx, const struct priv_check_tref *t, uint16_t sid,
		     const struct priv_addr *net, uint8_t plen, const struct priv_addr *gw,
		     const char *why)
{
	char n[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	(void)ctx;
	assert_int_equal(t->tid, TID);
	assert_true(flog.n < sizeof(flog.op) / sizeof(flog.op[0]));
	snprintf(flog.op[flog.n++], sizeof(flog.op[0]), "%u: %s/%u via %s: %s", sid,
		 pa_str(net, n), plen, pa_str(gw, g), why);
}

/*
 * A reload with the session up (priv_check_reload): its Framed-Routes stay
 * up in the new checker, and each is judged again against the new
 * configuration, as one process's reload does: one the new pools overlap goes
 * (the caller told, to remove it from the kernel and log it; counted), the
 * other stays, and the session keeps its address.
 */
static void test_froute_reload(void **state)
{
	static const char *const routes[] = { "192.0.2.0/24", "203.0.113.0/25 0.0.0.0 1",
					      NULL };
	struct fx *f = *state;
	struct l2sec_config cfg = f->cfg;
	struct priv_check *old = f->c;
	bool local_ok = false;

	froute_setup(f);
	accept_routes(f, SID, routes);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "203.0.113.0", 25), PRIV_OK);
	/* the new configuration: a second pool range inside the second route */
	inet_pton(AF_INET, "203.0.113.1", &cfg.pool[1].first);
	inet_pton(AF_INET, "203.0.113.10", &cfg.pool[1].last);
	cfg.n_pool = 2;
	f->c = priv_check_reload(old, &cfg, f->users);
	assert_non_null(f->c);
	assert_int_equal(priv_check_froutes(f->c), 2);	/* carried up */
	flog.n = 0;
	assert_int_equal(priv_check_froutes_rejudge(f->c, rejudged, NULL, &local_ok), 1);
	assert_true(local_ok);
	assert_int_equal(flog.n, 1);
	assert_string_equal(flog.op[0], "6: 203.0.113.0/25 via 10.9.0.1: "
			    "it overlaps an address pool");
	assert_int_equal(priv_check_froutes(f->c), 1);
	assert_int_equal(priv_check_stats(f->c)->froute_removed, 1);
	assert_int_equal(priv_check_froutes(old), 2);	/* the old checker is as it was */
	priv_check_free(old);
	/* the engine's requests go on: the kept route is up, the removed one not */
	assert_int_equal(froute(f, SID, false, "203.0.113.0", 25), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(froute(f, SID, true, "203.0.113.0", 25), PRIV_R_FROUTE);
	assert_int_equal(f->reply.reply.froute_why, FROUTE_POOL);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_R_ADDR_HELD);	/* still its 10.9.0.1 */
	flog.n = 0;
	assert_int_equal(froute(f, SID, false, "192.0.2.0", 24), PRIV_OK);
	assert_string_equal(flog.op[0], "-192.0.2.0/24 via 10.9.0.1");
	/* nothing up: nothing to judge */
	assert_int_equal(priv_check_froutes_rejudge(f->c, rejudged, NULL, &local_ok), 0);
}

static enum priv_reason ids_req(struct fx *f, uint8_t type, uint16_t sid)
{
	struct priv_msg m = { .type = type };

	m.ids = (struct priv_ids){ f->handle, TID, sid };
	return preq(f, &m);
}

/*
 * The parent removes a session's Framed-Routes itself, before SESSION_DEL,
 * before TUNNEL_DEL, when the session gives its address back, and when the
 * engine is gone: whatever the engine asks or fails to ask.
 */
static void test_froute_gone(void **state)
{
	static const char *const r1[] = { "192.0.2.0/24", NULL };
	static const char *const r2[] = { "203.0.113.0/24", NULL };
	static const char *const r3[] = { "198.18.0.0/16", NULL };
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_ADDR_RELEASE };

	froute_setup(f);
	accept_routes(f, SID, r1);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_OK);
	flog.n = 0;
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, SID), PRIV_OK);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "-192.0.2.0/24 via 10.9.0.1");
	assert_string_equal(flog.op[1], "-host 10.9.0.1");
	assert_int_equal(priv_check_froutes(f->c), 0);
	/* the network is free again: another session takes it (the pool's next address) */
	next_session(f, SID + 1);
	accept_routes(f, SID + 1, r1);
	assert_int_equal(claim_sid(f, SID + 1, "0.0.0.0"), PRIV_OK);
	m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = SID + 1 };
	m.addr.addr = f->reply.reply.addr;
	assert_int_equal(froute(f, SID + 1, true, "192.0.2.0", 24), PRIV_OK);
	/* its address given back: the route through it goes first */
	flog.n = 0;
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "-192.0.2.0/24 via 10.9.0.2");
	assert_string_equal(flog.op[1], "-host 10.9.0.2");
	assert_int_equal(priv_check_froutes(f->c), 0);
	assert_int_equal(froute(f, SID + 1, true, "192.0.2.0", 24), PRIV_R_ADDR_NOT_HELD);
	/* the tunnel goes: its sessions' routes with it */
	next_session(f, SID + 2);
	accept_routes(f, SID + 2, r2);
	assert_int_equal(claim_sid(f, SID + 2, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID + 2, true, "203.0.113.0", 24), PRIV_OK);
	flog.n = 0;
	assert_int_equal(ids_req(f, PRIV_REQ_TUNNEL_DEL, 0), PRIV_OK);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "-203.0.113.0/24 via 10.9.0.3");
	assert_int_equal(priv_check_froutes(f->c), 0);
	/* the engine dies: the parent removes what it held */
	priv_check_free(f->c);
	new_checker(f);
	froute_setup(f);
	accept_routes(f, SID, r3);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "198.18.0.0", 16), PRIV_OK);
	flog.n = 0;
	priv_parent_engine_gone(f->c, &fops, f);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "-198.18.0.0/16 via 10.9.0.1");
	assert_int_equal(priv_check_froutes(f->c), 0);
}

/* SESSION_UP of the session's /64 with its interface identifier 0x0211:22ff:fe33:4455. */
static enum priv_reason up6(struct fx *f, uint16_t sid)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_UP };

	m.up = (struct priv_session_up){ .handle = f->handle, .tid = TID, .sid = sid,
					 .has_v6 = true, .ifid = 0x021122fffe334455ull };
	m.up.pfx64 = f->pfx6;
	return preq(f, &m);
}

/*
 * Framed-IPv6-Route under privsep: as IPv4's, the parent routes only the
 * verified Accept's prefixes, through an address of the session's /64 (its
 * interface identifier), after froute.h's checks; the routes go with the
 * /64 given back (IPv4's stay), with the session, and a reload judges them.
 */
static void test_froute6(void **state)
{
	static const char *const routes[] = { "192.0.2.0/24", "2001:db8:5701::/48 :: 1",
					      "2001:db8:100:ff00::/56", NULL };
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_ADDR_RELEASE };
	char a[INET6_ADDRSTRLEN];

	priv_check_free(f->c);
	f->cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &f->cfg.ipv6_prefix);
	f->cfg.ipv6_prefix_len = 48;
	new_checker(f);
	froute_setup(f);
	accept_routes(f, SID, routes);
	assert_int_equal(froute(f, SID, true, "2001:db8:5701::", 48), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_OK);
	f->pfx6 = f->reply.reply.addr.v6;
	assert_int_equal(up6(f, SID), PRIV_OK);
	assert_int_equal(froute(f, SID, true, "2001:db8:5701::", 48), PRIV_OK);
	pa_str(&f->reply.reply.addr, a);
	assert_string_equal(a, "2001:db8:100:1:211:22ff:fe33:4455");
	/* not of the Accept; the pool's prefix refused by the checks */
	assert_int_equal(froute(f, SID, true, "2001:db8:5701::", 56), PRIV_R_NOT_GRANTED);
	assert_int_equal(froute(f, SID, true, "2001:db8:5702::", 48), PRIV_R_NOT_GRANTED);
	assert_int_equal(froute(f, SID, true, "2001:db8:100:ff00::", 56), PRIV_R_FROUTE);
	assert_int_equal(f->reply.reply.froute_why, FROUTE_POOL);
	assert_int_equal(froute(f, SID, true, "192.0.2.0", 24), PRIV_OK);
	assert_int_equal(priv_check_froutes(f->c), 2);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "+2001:db8:5701::/48 via 2001:db8:100:1:211:22ff:fe33:4455");
	assert_string_equal(flog.op[1], "+192.0.2.0/24 via 10.9.0.1");
	/* the engine takes it down, and up again */
	assert_int_equal(froute(f, SID, false, "2001:db8:5701::", 48), PRIV_OK);
	assert_string_equal(flog.op[2], "-2001:db8:5701::/48 via 2001:db8:100:1:211:22ff:fe33:4455");
	assert_int_equal(froute(f, SID, true, "2001:db8:5701::", 48), PRIV_OK);
	/* the /64 given back: its route goes first, IPv4's stays */
	m.addr = (struct priv_addr_req){ .handle = f->handle, .tid = TID, .sid = SID };
	m.addr.addr = (struct priv_addr){ .family = 6, .v6 = f->pfx6 };
	flog.n = 0;
	assert_int_equal(preq(f, &m), PRIV_OK);
	assert_int_equal(flog.n, 2);
	assert_string_equal(flog.op[0], "-2001:db8:5701::/48 via 2001:db8:100:1:211:22ff:fe33:4455");
	assert_int_equal(priv_check_froutes(f->c), 1);
	assert_int_equal(froute(f, SID, true, "2001:db8:5701::", 48), PRIV_R_ADDR_NOT_HELD);
	/* the session goes: IPv4's with it */
	flog.n = 0;
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, SID), PRIV_OK);
	assert_string_equal(flog.op[0], "-192.0.2.0/24 via 10.9.0.1");
	assert_int_equal(priv_check_froutes(f->c), 0);
}

/*
 * FROUTE_ADD of an IPv6 prefix refuses one meeting the /64 of an IPv6 tunnel's
 * or SA's public address, as they come and go (the index IPv4's use, asked by
 * the prefix: its nodes counted), and one holding an IPv4 peer never: an SA,
 * its mark given another peer, gone; a tunnel on the IPv6 socket, kept across
 * a reload, gone.
 */
static void test_froute6_peers(void **state)
{
	static const char *const routes[] = { "2001:db8:9::/48", "2001:db8:a::/48",
					      "2001:db8:b:1::/64", "2001:db8:c::/48", NULL };
	struct fx *f = *state;
	struct priv_msg m = priv_fx_tunnel_add(TID + 1, 11, "192.0.2.1", 0);
	struct priv_check *old;
	struct priv_addr a;
	uint64_t probes;
	uint32_t h;

	priv_check_free(f->c);
	f->cfg.ipv6 = true;
	f->cfg.l2tp.require_ipsec = false;	/* for the tunnel without IPsec */
	inet_pton(AF_INET6, "2001:db8:100::", &f->cfg.ipv6_prefix);
	f->cfg.ipv6_prefix_len = 48;
	new_checker(f);
	assert_int_equal(priv_check_sock_add(f->c, PRIV_FX_SOCK + 1, 6), 0);
	froute_setup(f);
	accept_routes(f, SID, routes);
	assert_int_equal(claim(f, "0.0.0.0"), PRIV_OK);
	assert_int_equal(claim_sid(f, SID, "::"), PRIV_OK);
	f->pfx6 = f->reply.reply.addr.v6;
	assert_int_equal(up6(f, SID), PRIV_OK);
	/* an SA from an IPv6 peer: its /64's networks refused */
	a = a6("2001:db8:9:1::7");
	assert_int_equal(priv_check_sa_up(f->c, MARK + 1, &a), 0);
	probes = u128tree_probes;
	froute_refused(f, "2001:db8:9::", 48, FROUTE_PEER_ADDR);
	assert_true(u128tree_probes > probes);
	/* its mark given another peer: the old one's network free */
	a = a6("2001:db8:a::7");
	assert_int_equal(priv_check_sa_up(f->c, MARK + 1, &a), 0);
	froute_refused(f, "2001:db8:a::", 48, FROUTE_PEER_ADDR);
	assert_int_equal(froute(f, SID, true, "2001:db8:9::", 48), PRIV_OK);
	priv_check_sa_gone(f->c, MARK + 1, NULL, NULL);
	assert_int_equal(froute(f, SID, true, "2001:db8:a::", 48), PRIV_OK);
	/* a tunnel from an IPv6 peer on the IPv6 socket, without IPsec */
	m.tunnel_add.sock_id = PRIV_FX_SOCK + 1;
	m.tunnel_add.peer = a6("2001:db8:b:1::5");
	m.tunnel_add.require_ipsec = false;
	assert_int_equal(req(f, &m), PRIV_OK);
	h = f->reply.reply.handle;
	froute_refused(f, "2001:db8:b:1::", 64, FROUTE_PEER_ADDR);
	/* IPv4 peers (the session's own tunnel, the fixture's SA) hold no IPv6 prefix */
	assert_int_equal(froute(f, SID, true, "2001:db8:c::", 48), PRIV_OK);
	old = f->c;
	f->c = priv_check_reload(old, &f->cfg, f->users);
	assert_non_null(f->c);
	priv_check_free(old);
	froute_refused(f, "2001:db8:b:1::", 64, FROUTE_PEER_ADDR);
	priv_check_tunnel_gone(f->c, h);
	assert_int_equal(froute(f, SID, true, "2001:db8:b:1::", 64), PRIV_OK);
	assert_int_equal(priv_check_froutes(f->c), 4);
}

static void test_counters(void **state)
{
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_COUNTERS };
	unsigned int ok = 0;

	m.ids = (struct priv_ids){ f->handle, TID, SID };
	assert_int_equal(req(f, &m), PRIV_OK);
	m.ids.sid = SID + 1;
	assert_int_equal(req(f, &m), PRIV_R_SESSION_UNKNOWN);
	m.ids = (struct priv_ids){ f->handle, TID + 1, SID };
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_UNKNOWN);
	m.ids = (struct priv_ids){ f->handle + 1, TID, SID };
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_UNKNOWN);
	m.ids = (struct priv_ids){ f->handle, TID, SID };
	for (unsigned int i = 0; i < PRIV_COUNTERS_BURST + 10; i++)
		ok += req(f, &m) == PRIV_OK;
	assert_int_equal(ok, PRIV_COUNTERS_BURST - 1);
	f->now += 1000;
	assert_int_equal(req(f, &m), PRIV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_access_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_authenticates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_framed_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_framed_ip_outside_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_pool_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_framed_ipv6_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_accept_no_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wire_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dae_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute_granted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute6_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_froute_peers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
