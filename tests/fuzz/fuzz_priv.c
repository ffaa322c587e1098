// SPDX-License-Identifier: GPL-2.0
/*
 * The privileged parent's request decoder and checker (daemon/priv/), fed
 * as a compromised engine would feed it: a run of datagrams, each framed in
 * the input as
 *
 *     u8 flags, u16 length (big-endian), that many octets
 *
 * flags bit 0: the harness writes the next sequence number into the
 * datagram's header (so that the checker's rules, not the numbering, are
 * explored); bit 1: a second passes first; bit 2: the parent sees the SA
 * of mark 7 go and come back (its tunnels forgotten); bit 3: the harness
 * plays the RADIUS server and sends, before the datagram, the verification of
 * its Access-Accept (Framed-IP-Address 10.9.0.2, Framed-Routes 172.16.0.0/16
 * and 10.9.0.0/24, the latter over the pool, Framed-IPv6-Routes
 * 2001:db8:5701::/48 and 2001:db8:100::/63, the latter over the IPv6
 * prefix) to the last Access-Request the
 * parent signed (what an engine cannot forge without the secret).
 *
 * Each datagram is also put to the framing check of a PRIV_BATCH (the
 * engine's records and the request after them in one datagram): one it
 * accepts is tiled by whole datagrams, a request only last.
 *
 * Oracles besides the sanitizers: a datagram the decoder accepts encodes
 * back to the same octets (one canonical form: nothing unchecked rides
 * along); every reply encodes; every datagram is counted once, accepted or
 * refused; an address handed out is in the configured pools or a user's
 * static one (or the verified Access-Accept's); a RADIUS packet the parent
 * signed verifies with the secret as a server checks it, a DAE answer it
 * signed with dae-client 0's as that client checks it; a SEND accepted goes
 * with the mark of the one SA (7), whatever mark the datagram named; a
 * FROUTE_ADD accepted is the Accept's 172.16.0.0/16 or 2001:db8:5701::/48,
 * through the session's address; the store of kept accounting records
 * (priv_acct.h, 8 records and 4 sessions here) never holds more, and an
 * ACCT_KEEP accepted has a number; after the run, the SA's going takes every
 * tunnel and every framed route, and a new tunnel's sessions get every address
 * of the pool (none leaked), with the sequence numbering where the harness
 * counted it.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/users.h"
#include "core/log.h"
#include "route/froute.h"
#include "priv/priv_acct.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"
#include "priv/priv_radius.h"
#include "radius/radius_pkt.h"
#include "radius/radius_sign.h"
#include "../unit/rfc2759.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char users_text[] =
	"User   password clientPass\n"
	"bob    password s3cret 10.8.0.10\n"
	"carol  nt       44EBBA8D5312B8D611474411F56989AE\n";

#define FUZZ_ACCT_RECORDS	8
#define FUZZ_ACCT_SESSIONS	4

static struct l2sec_config cfg;
static struct users_db *users;
static struct priv_addr peer7 = { .family = 4 };
static const struct radius_secret secret = { (const uint8_t *)"fuzz-secret", 11 };
static const struct radius_secret dae_secret = { (const uint8_t *)"fuzz-dae", 8 };
/* the last Access-Request the parent signed: its server, identifier, authenticator */
static struct {
	bool set;
	uint8_t server, id, auth[RADIUS_AUTH_LEN];
} last_access;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	config_defaults(&cfg);
	inet_pton(AF_INET, "10.9.0.1", &cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.3", &cfg.pool[0].last);
	cfg.n_pool = 1;
	cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &cfg.ipv6_prefix);
	cfg.ipv6_prefix_len = 62;
	cfg.l2tp.max_tunnels = 8;
	cfg.l2tp.max_sessions = 16;
	cfg.l2tp.max_sessions_per_tunnel = 4;
	inet_pton(AF_INET, "198.51.100.7", &peer7.v4);
	users = users_parse(users_text, sizeof(users_text) - 1, NULL, NULL);
	if (!users)
		abort();
	return 0;
}

static void check_addr(const struct priv_addr *a)
{
	uint32_t h;

	if (a->family == 4) {
		h = ntohl(a->v4.s_addr);
		if (!(h >= 0x0a090001 && h <= 0x0a090003) && h != 0x0a08000a)	/* pool, bob, RADIUS */
			abort();
	} else if (a->family == 6) {
		/* a /64 of 2001:db8:100::/62 but the first */
		if (memcmp(a->v6.s6_addr, "\x20\x01\x0d\xb8\x01\x00\x00", 7) ||
		    (a->v6.s6_addr[7] & ~3) || !(a->v6.s6_addr[7] & 3))
			abort();
	}
}

/* A batch the framing check accepts is tiled by its datagrams, a request only last. */
static void check_batch(const uint8_t *buf, size_t len)
{
	size_t at = PRIV_HDR_LEN;

	if (priv_batch_check(buf, len) != PRIV_OK)
		return;
	while (at < len) {
		size_t n = (size_t)buf[at + 2] << 8 | buf[at + 3];

		if (n < PRIV_HDR_LEN || n > len - at ||
		    (buf[at + 1] < PRIV_RECORD_BASE && at + n != len))
			abort();
		at += n;
	}
}

/* Decoded, the datagram encodes back to itself. */
static void check_canonical(const uint8_t *buf, size_t len)
{
	uint8_t again[PRIV_MSG_MAX];
	struct priv_msg m;
	int n;

	check_batch(buf, len);
	if (priv_msg_decode(buf, len, &m) != PRIV_OK)
		return;
	n = priv_msg_encode(&m, again, sizeof(again));
	if (n < 0 || (size_t)n != len || memcmp(again, buf, len))
		abort();
}

static uint64_t counted(const struct priv_check_stats *st)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < PRIV_TYPE_MAX; i++)
		n += st->accepted[i];
	for (unsigned int i = 0; i < PRIV_REASON_MAX; i++)
		n += st->refused[i];
	return n;
}


/* A packet the parent signed verifies as a server checks it; an Access-Request's is kept. */
static void check_signed(const struct priv_radius_pkt *p, uint8_t server)
{
	struct radius_msg m;

	if (radius_decode(&m, p->buf, p->len) != RADIUS_OK || m.len != p->len ||
	    !radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL))
		abort();
	if (m.code == RADIUS_ACCOUNTING_REQUEST) {
		if (radius_verify_request(&m, &secret) != RADIUS_OK)
			abort();
		return;
	}
	if (m.code != RADIUS_ACCESS_REQUEST)
		abort();
	last_access.set = true;
	last_access.server = server;
	last_access.id = m.id;
	memcpy(last_access.auth, p->buf + 4, RADIUS_AUTH_LEN);
}

/* A DAE answer the parent signed: an ACK or NAK that verifies with dae-client 0's secret. */
static bool dae_signed_ok(const struct priv_radius_pkt *p, const uint8_t req_auth[16])
{
	struct radius_msg m;
	uint8_t code;

	if (radius_decode(&m, p->buf, p->len) != RADIUS_OK)
		return false;
	code = m.code == RADIUS_DISCONNECT_ACK || m.code == RADIUS_DISCONNECT_NAK ?
	       RADIUS_DISCONNECT_REQUEST : RADIUS_COA_REQUEST;
	if (m.code != RADIUS_DISCONNECT_ACK && m.code != RADIUS_DISCONNECT_NAK &&
	    m.code != RADIUS_COA_ACK && m.code != RADIUS_COA_NAK)
		return false;
	return radius_verify_answer(&m, code, req_auth, &dae_secret) == RADIUS_OK;
}

/*
 * A FROUTE_ADD the parent accepted: the Accept's 172.16.0.0/16 through the
 * session's 10.9.0.2, or its 2001:db8:5701::/48 through an address of a /64
 * of [ppp] ipv6-prefix (2001:db8:100::/62).
 */
static bool froute_ok(const struct priv_addr_req *r, const struct priv_addr *gw)
{
	static const uint8_t net6[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x57, 0x01 };

	if (r->addr.family == 4)
		return r->addr.v4.s_addr == htonl(0xac100000) && r->plen == 16 &&
		       gw->family == 4 && gw->v4.s_addr == htonl(0x0a090002);
	return r->addr.family == 6 && r->plen == 48 && !memcmp(r->addr.v6.s6_addr, net6, 6) &&
	       gw->family == 6 && !memcmp(gw->v6.s6_addr, "\x20\x01\x0d\xb8\x01\x00\x00", 7) &&
	       gw->v6.s6_addr[7] < 4;
}

/* The server's Access-Accept to the last Access-Request, as RADIUS_VERIFY. */
static size_t server_accept(uint8_t *buf, size_t cap, uint32_t seq)
{
	struct priv_msg m = { .type = PRIV_REQ_RADIUS_VERIFY, .seq = seq };
	struct in_addr ip = { htonl(0x0a090002) };
	struct radius_pkt a;
	int n;

	radius_pkt_init(&a, RADIUS_ACCESS_ACCEPT, last_access.id);
	if (radius_put_in4(&a, RADIUS_FRAMED_IP_ADDRESS, ip) ||
	    radius_put_str(&a, RADIUS_FRAMED_ROUTE, "172.16.0.0/16") ||
	    radius_put_str(&a, RADIUS_FRAMED_ROUTE, "10.9.0.0/24") ||
	    radius_put_str(&a, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:5701::/48") ||
	    radius_put_str(&a, RADIUS_FRAMED_IPV6_ROUTE, "2001:db8:100::/63") ||
	    radius_sign_answer(&a, &secret, last_access.auth))
		abort();
	m.rverify.link = PRIV_RADIUS_AUTH;
	m.rverify.server = last_access.server;
	m.rverify.req_code = RADIUS_ACCESS_REQUEST;
	memcpy(m.rverify.req_auth, last_access.auth, RADIUS_AUTH_LEN);
	m.rverify.pkt.len = (uint16_t)a.len;
	memcpy(m.rverify.pkt.buf, a.buf, a.len);
	n = priv_msg_encode(&m, buf, cap);
	if (n < 0)
		abort();
	return (size_t)n;
}

/* The gateway's addresses, without asking the host: 192.0.2.1/24. */
static int fake_local(void *ctx, struct froute_local *l)
{
	(void)ctx;
	l->n = 1;
	l->e[0].addr.s_addr = htonl(0xc0000201);
	l->e[0].plen = 24;
	return 0;
}

/* Every challenge is RFC 2759's: the seeds' answers are to it. */
static void rfc_challenge(void *ctx, void *buf, size_t len)
{
	memset(buf, 0, len);
	memcpy(buf, auth_chal, len < sizeof(auth_chal) ? len : sizeof(auth_chal));
}

static void must(struct priv_check *c, struct priv_msg *m, uint32_t *seq, uint64_t now,
		 struct priv_reply *r)
{
	m->seq = ++*seq;
	if (priv_check_request(c, m, now, r) != PRIV_OK)
		abort();
}

/*
 * A fresh tunnel with three authenticated sessions gets the pool's three
 * IPv4 addresses: none leaked from the run (the numbering must also be
 * where the harness thinks it is).
 */
static void pool_drained(struct priv_check *c, uint32_t seq, uint64_t now)
{
	struct priv_msg m;
	struct priv_reply r;
	uint32_t h;

	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_TUNNEL_ADD;
	m.tunnel_add = (struct priv_tunnel_add){ 1, 1, 1, peer7, 1701, true, 7, { 0 } };
	must(c, &m, &seq, now, &r);
	h = r.handle;	/* the tunnel's name from now on */
	for (uint16_t sid = 1; sid <= 3; sid++) {
		memset(&m, 0, sizeof(m));
		m.type = PRIV_REQ_SESSION_ADD;
		m.session_add = (struct priv_session_add){ h, 1, sid, sid };
		must(c, &m, &seq, now, &r);
		memset(&m, 0, sizeof(m));
		m.type = PRIV_REQ_AUTH_MSCHAPV2;
		m.mschapv2.who.handle = h;
		m.mschapv2.who.tid = 1;
		m.mschapv2.who.sid = sid;
		m.mschapv2.who.name.len = 4;
		memcpy(m.mschapv2.who.name.s, "User", 5);
		memcpy(m.mschapv2.auth_chal, auth_chal, 16);
		memcpy(m.mschapv2.peer_chal, peer_chal, 16);
		memcpy(m.mschapv2.nt_resp, nt_resp, 24);
		must(c, &m, &seq, now, &r);
		if (!r.auth_ok)
			abort();
		memset(&m, 0, sizeof(m));
		m.type = PRIV_REQ_ADDR_CLAIM;
		m.addr = (struct priv_addr_req){ .handle = h, .tid = 1, .sid = sid,
						 .addr = { .family = 4 } };
		must(c, &m, &seq, now, &r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[PRIV_MSG_MAX + 16], out[PRIV_MSG_MAX];
	struct priv_msg reply;
	struct priv_check *c;
	struct priv_radius *r = priv_radius_new(secret.data, secret.len, 2, 2);
	struct priv_acct *pa = priv_acct_new(FUZZ_ACCT_RECORDS, FUZZ_ACCT_SESSIONS);
	struct priv_msg q;
	uint32_t seq = 0;
	uint64_t now = 1000, n = 0;
	uint8_t flags;
	size_t len;

	c = priv_check_new(&cfg, users);
	if (c)
		priv_check_set_random(c, rfc_challenge, NULL);
	if (!c || !r || !pa || priv_check_sock_add(c, 1, 4) < 0 || priv_check_sa_up(c, 7, &peer7) < 0 ||
	    priv_radius_dae_client(r, 0, dae_secret.data, dae_secret.len) < 0)
		abort();
	priv_check_set_radius(c, r);
	priv_check_set_acct(c, pa);
	priv_radius_set_acct(r, pa);
	priv_check_set_froute_local(c, fake_local, NULL);
	last_access.set = false;
	while (size >= 3) {
		flags = data[0];
		len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, data, len);
		data += len;
		size -= len;
		if ((flags & 1) && len >= PRIV_HDR_LEN) {
			buf[4] = (uint8_t)((seq + 1) >> 24);
			buf[5] = (uint8_t)((seq + 1) >> 16);
			buf[6] = (uint8_t)((seq + 1) >> 8);
			buf[7] = (uint8_t)(seq + 1);
		}
		if (flags & 2)
			now += 1000;
		if (flags & 4) {
			priv_check_sa_gone(c, 7, NULL, NULL);
			if (priv_check_sa_up(c, 7, &peer7) < 0)
				abort();
		}
		if ((flags & 8) && last_access.set) {
			uint8_t ans[PRIV_MSG_MAX];
			size_t alen = server_accept(ans, sizeof(ans), seq + 1);

			priv_check_datagram(c, ans, alen, now, &reply);
			n++;
			if (reply.type == PRIV_REPLY && reply.reply.reason != PRIV_R_SEQ)
				seq = reply.seq;
			if ((flags & 1) && len >= PRIV_HDR_LEN) {	/* renumbered after it */
				buf[4] = (uint8_t)((seq + 1) >> 24);
				buf[5] = (uint8_t)((seq + 1) >> 16);
				buf[6] = (uint8_t)((seq + 1) >> 8);
				buf[7] = (uint8_t)(seq + 1);
			}
		}
		check_canonical(buf, len);
		priv_check_datagram(c, buf, len, now, &reply);
		n++;
		if (counted(priv_check_stats(c)) != n)
			abort();
		if (reply.type == 0)
			continue;
		if (reply.type != PRIV_REPLY || priv_msg_encode(&reply, out, sizeof(out)) < 0)
			abort();
		if (reply.reply.reason != PRIV_R_SEQ)
			seq = reply.seq;
		if (reply.reply.req_type == PRIV_REQ_ADDR_CLAIM && reply.reply.reason == PRIV_OK)
			check_addr(&reply.reply.addr);
		/* a datagram goes out only with the mark of the one SA: never the engine's pick */
		if (reply.reply.req_type == PRIV_REQ_SEND && reply.reply.reason == PRIV_OK &&
		    reply.reply.send_mark != 7)
			abort();
		/* a DAE answer the parent signed verifies as dae-client 0 checks it */
		if (reply.reply.req_type == PRIV_REQ_DAE_SIGN && reply.reply.reason == PRIV_OK &&
		    (priv_msg_decode(buf, len, &q) != PRIV_OK ||
		     !dae_signed_ok(&reply.reply.radius, q.dae.req_auth)))
			abort();
		if (reply.reply.req_type == PRIV_REQ_RADIUS_SIGN && reply.reply.reason == PRIV_OK)
			check_signed(&reply.reply.radius, buf[9]);
		if (priv_acct_stats(pa)->kept > FUZZ_ACCT_RECORDS ||
		    priv_acct_stats(pa)->sessions > FUZZ_ACCT_SESSIONS ||
		    (reply.reply.req_type == PRIV_REQ_ACCT_KEEP &&
		     (reply.reply.reason == PRIV_OK) != (reply.reply.handle != 0)))
			abort();
		/* the only routes granted and passing: the Accept's, through its addresses */
		if (reply.reply.req_type == PRIV_REQ_FROUTE_ADD && reply.reply.reason == PRIV_OK &&
		    (priv_msg_decode(buf, len, &q) != PRIV_OK || !froute_ok(&q.addr, &reply.reply.addr)))
			abort();
	}
	/* every tunnel gone (all are bound to mark 7): every framed route with them */
	priv_check_sa_gone(c, 7, NULL, NULL);
	if (priv_check_froutes(c) != 0)
		abort();
	/* every address is free again */
	if (priv_check_sa_up(c, 7, &peer7) < 0)
		abort();
	pool_drained(c, seq, now + 60000);
	priv_check_free(c);
	priv_radius_free(r);
	priv_acct_free(pa);
	return 0;
}
