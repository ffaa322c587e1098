// SPDX-License-Identifier: GPL-2.0
/*
 * The parent's side of the two processes (daemon/priv/): the wire format
 * (priv_msg.h) round trip and its refusals, and the checker (priv_check.h)
 * fed as a compromised engine would feed it: malformed datagrams, replays,
 * requests for what the engine does not own; each refused with its counter,
 * and the valid sequence of a client's session accepted. MS-CHAPv2 is checked
 * in the parent against RFC 2759 section 9.2's vectors.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/md5.h>

#include "conf/config.h"
#include "conf/users.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"
#include "priv/priv_parent.h"
#include "heap.h"
#include "priv_fx.h"
#include "priv_req.h"
#include "probes.h"
#include "rfc2759.h"

static const char users_text[] =
	"User   password clientPass\n"
	"bob    password s3cret 10.8.0.10\n"
	"carol  nt       44EBBA8D5312B8D611474411F56989AE\n";

#define SOCK_ID	PRIV_FX_SOCK	/* IPv4 */
#define SOCK_ID6 2	/* IPv6 */
#define MARK	7
#define MARK2	8

struct fx {
	struct l2sec_config cfg;
	struct users_db *users;
	struct priv_check *c;
	uint32_t seq;
	struct priv_msg reply;
	uint64_t now;
	bool rfc_chal;		/* the parent's challenges are RFC 2759's */
	uint8_t counter;
	uint32_t h[16];		/* by tid: the handle of the tunnel last added with it */
};

/* The checker's challenges: RFC 2759's, or new ones each time. */
static void test_random(void *ctx, void *buf, size_t len)
{
	struct fx *f = ctx;

	if (f->rfc_chal && len == sizeof(auth_chal)) {
		memcpy(buf, auth_chal, len);
		return;
	}
	memset(buf, 0xa0 + ++f->counter, len);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct priv_addr peer2 = a4("203.0.113.9");

	assert_non_null(f);
	for (unsigned int i = 0; i < 16; i++)
		f->h[i] = 1000 + i;	/* until a tunnel gets one: a handle the parent never gave */
	/* two IPv4 ranges of three addresses and one of two, and IPv6 /64s of a /62 */
	priv_fx_config(&f->cfg, "10.9.0.1", "10.9.0.3");
	inet_pton(AF_INET, "10.9.1.1", &f->cfg.pool[1].first);
	inet_pton(AF_INET, "10.9.1.2", &f->cfg.pool[1].last);
	f->cfg.n_pool = 2;
	f->cfg.ipv6 = true;
	inet_pton(AF_INET6, "2001:db8:100::", &f->cfg.ipv6_prefix);
	f->cfg.ipv6_prefix_len = 62;
	f->c = priv_fx_checker(&f->cfg, users_text, &f->users, MARK, "198.51.100.7");
	f->rfc_chal = true;
	priv_check_set_random(f->c, test_random, f);
	assert_int_equal(priv_check_sock_add(f->c, SOCK_ID6, 6), 0);
	assert_int_equal(priv_check_sock_add(f->c, 99, 5), -1);
	assert_int_equal(priv_check_sa_up(f->c, MARK2, &peer2), 0);
	f->now = 1000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	priv_check_free(f->c);
	users_free(f->users);
	free(f);
	return 0;
}

/* Encode m with the next sequence number and hand it to the checker as a datagram. */
static enum priv_reason req(struct fx *f, struct priv_msg *m)
{
	return priv_test_req(f->c, &f->seq, f->now, m, &f->reply);
}

static enum priv_reason tunnel_add(struct fx *f, uint16_t tid, uint32_t mark, const char *peer)
{
	struct priv_msg m = priv_fx_tunnel_add(tid, (uint16_t)(100 + tid), peer, mark);

	if (req(f, &m) != PRIV_OK)
		return f->reply.reply.reason;
	assert_int_not_equal(f->reply.reply.handle, 0);
	f->h[tid] = f->reply.reply.handle;
	return PRIV_OK;
}

static enum priv_reason session_add(struct fx *f, uint16_t tid, uint16_t sid)
{
	struct priv_msg m = priv_fx_session_add(f->h[tid], tid, sid, (uint16_t)(200 + sid));

	return req(f, &m);
}

static enum priv_reason ids_req(struct fx *f, uint8_t type, uint16_t tid, uint16_t sid)
{
	struct priv_msg m = { .type = type };

	m.ids.handle = f->h[tid];
	m.ids.tid = tid;
	m.ids.sid = sid;
	return req(f, &m);
}

/* MS-CHAPv2 with RFC 2759's challenges and the given NT response. */
static enum priv_reason mschapv2(struct fx *f, uint16_t tid, uint16_t sid, const char *name,
				 const uint8_t resp[24])
{
	struct priv_msg m = { .type = PRIV_REQ_AUTH_MSCHAPV2 };

	m.mschapv2.who.handle = f->h[tid];
	m.mschapv2.who.tid = tid;
	m.mschapv2.who.sid = sid;
	priv_fx_name(&m.mschapv2.who.name, name);
	memcpy(m.mschapv2.auth_chal, auth_chal, 16);
	memcpy(m.mschapv2.peer_chal, peer_chal, 16);
	memcpy(m.mschapv2.nt_resp, resp, 24);
	return req(f, &m);
}

static enum priv_reason pap(struct fx *f, uint16_t tid, uint16_t sid, const char *name,
			    const char *pw)
{
	struct priv_msg m = priv_fx_pap(f->h[tid], tid, sid, name, pw);

	return req(f, &m);
}

static enum priv_reason addr(struct fx *f, uint8_t type, uint16_t tid, uint16_t sid,
			     struct priv_addr a)
{
	struct priv_msg m = priv_fx_addr(type, f->h[tid], tid, sid, a);

	return req(f, &m);
}

static enum priv_reason claim(struct fx *f, uint16_t tid, uint16_t sid, const char *s)
{
	return addr(f, PRIV_REQ_ADDR_CLAIM, tid, sid, strchr(s, ':') ? a6(s) : a4(s));
}

static const char *claimed(struct fx *f, char *buf)
{
	return priv_fx_claimed(&f->reply.reply, buf);
}

static uint64_t refused(struct fx *f, enum priv_reason r)
{
	return priv_check_stats(f->c)->refused[r];
}

/* A tunnel with an authenticated session (tid, sid) of "User". */
static void authed_session(struct fx *f, uint16_t tid, uint16_t sid)
{
	assert_int_equal(session_add(f, tid, sid), PRIV_OK);
	assert_int_equal(mschapv2(f, tid, sid, "User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
}

/* ---- the wire format ---------------------------------------------------- */

static const uint8_t send_data[PRIV_SEND_MAX] = { 0x00, 0x02, 0x00, 0x67, 0x00, 0xce, 0xff };

static void fill_all(struct priv_msg *ms, unsigned int *n)
{
	struct priv_msg m;

#define ADD() (ms[(*n)++] = m)
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_TUNNEL_ADD;
	m.seq = 1;
	m.tunnel_add = (struct priv_tunnel_add){ 3, 4, 5, a6("2001:db8::1"), 1701, true, 9, { 0 } };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_TUNNEL_DEL;
	m.ids.handle = 9;
	m.ids.tid = 3;
	ADD();
	m.type = PRIV_REQ_SESSION_DEL;
	m.ids.sid = 6;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_SESSION_ADD;
	m.session_add = (struct priv_session_add){ 9, 3, 6, 7 };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_AUTH_MSCHAPV2;
	m.mschapv2.who.handle = 9;
	m.mschapv2.who.tid = 3;
	m.mschapv2.who.sid = 6;
	priv_fx_name(&m.mschapv2.who.name, "DOMAIN\\User");
	memcpy(m.mschapv2.auth_chal, auth_chal, 16);
	memcpy(m.mschapv2.peer_chal, peer_chal, 16);
	memcpy(m.mschapv2.nt_resp, nt_resp, 24);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_AUTH_CHAP_MD5;
	m.md5.who.handle = 9;
	m.md5.who.tid = 3;
	m.md5.who.sid = 6;
	m.md5.id = 0x42;
	priv_fx_name(&m.md5.who.name, "bob");
	memcpy(m.md5.chal, auth_chal, 16);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_AUTH_PAP;
	m.pap.who.handle = 9;
	m.pap.who.tid = 3;
	m.pap.who.sid = 6;
	priv_fx_name(&m.pap.who.name, "bob");
	m.pap.pw_len = PRIV_PASSWORD_MAX;
	memset(m.pap.pw, 'x', PRIV_PASSWORD_MAX);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_ADDR_CLAIM;
	m.addr = (struct priv_addr_req){ 9, 3, 6, a4("0.0.0.0"), 0 };
	ADD();
	m.type = PRIV_REQ_ADDR_RELEASE;
	m.addr.addr = a6("2001:db8:100:1::");
	ADD();
	m.type = PRIV_REQ_ROUTE_ADD;
	m.addr.plen = 64;
	ADD();
	m.type = PRIV_REQ_ROUTE_DEL;
	m.addr.addr = a4("10.9.0.1");
	m.addr.plen = 32;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_SESSION_UP;
	m.up.handle = 9;
	m.up.tid = 3;
	m.up.sid = 6;
	m.up.has_v4 = m.up.has_v6 = true;
	m.up.v4 = a4("10.9.0.1").v4;
	m.up.pfx64 = a6("2001:db8:100:1::").v6;
	m.up.ifid = 0x0123456789abcdefull;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_MARK_QUERY;
	m.mark_query = (struct priv_mark_query){ 9, a4("198.51.100.7") };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_STATS;
	ADD();
	m.type = PRIV_EV_RELOAD;
	ADD();
	m.type = PRIV_REQ_IPSEC_REPORT;
	ADD();
	m.type = PRIV_EV_SA_RESYNC;
	ADD();
	m.type = PRIV_REQ_SA_NEXT;
	m.sa_next.cursor = 77;
	ADD();
	memset(&m, 0, sizeof(m));
	/* the answers with a body of their own: STATS, AUTH_*, IPSEC_REPORT, SA_NEXT */
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_STATS;
	m.reply.auth = (struct priv_auth_stats){ 1, 2, 3, 4, 5, 0xffffffffffffffffull };
	m.reply.tun.present = true;	/* the parent's TUN switch's counters */
	for (unsigned int i = 0; i < PRIV_TUN_N; i++)
		m.reply.tun.n[i] = 0x1112131415161718ull + i;
	m.reply.acct = (struct priv_acct_stats){ 1, 2, 3, 4, 5, 6, UINT64_MAX };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_AUTH_PAP;
	m.reply.throttled = true;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_IPSEC_REPORT;
	m.reply.ipsec.charon_up = true;
	m.reply.ipsec.vici_len = PRIV_VICI_MAX;
	memset(m.reply.ipsec.vici, 'v', PRIV_VICI_MAX);
	m.reply.ipsec.sa_count = 5;
	for (unsigned int i = 0; i < PRIV_REPORT_N; i++)
		m.reply.ipsec.n[i] = 0x0102030405060708ull + i;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_SA_NEXT;
	m.reply.sa.mark = 9;
	m.reply.sa.peer = a6("2001:db8::7");
	m.reply.sa.id_len = 3;
	memcpy(m.reply.sa.id, "c.1", 3);
	m.reply.cursor = 4;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_EV_DATAPATH_LOST;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_AUTH_MSCHAPV2;
	m.reply.auth_ok = true;
	strcpy(m.reply.auth_resp, RFC2759_AUTH_RESP);
	m.reply.pools = (struct priv_pool_stats){ 1, 2, 3, 0xffffffff };
	m.reply.hold_ms = 8000;
	m.reply.has_chal = true;
	memcpy(m.reply.chal, peer_chal, 16);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_EV_SOCKET;
	m.socket = (struct priv_ev_socket){ 2, 0, 6 };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_EV_SA_UP;
	m.sa.mark = 9;
	m.sa.reqid = 3;
	m.sa.peer = a4("198.51.100.7");
	m.sa.peer_port = 4500;
	m.sa.ike_id = 11;
	m.sa.child_id = 12;
	m.sa.spi_in = 0xc0ffee01;
	m.sa.spi_out = 0xc0ffee02;
	m.sa.encap = true;
	m.sa.id_len = PRIV_ID_MAX;
	memset(m.sa.id, 'i', PRIV_ID_MAX);
	ADD();
	m.sa.id_len = 0;
	memset(m.sa.id, 0, sizeof(m.sa.id));
	m.type = PRIV_EV_SA_GONE;
	m.sa.why_len = PRIV_WHY_MAX;
	memset(m.sa.why, 'w', PRIV_WHY_MAX);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_SEND;		/* the largest datagram (test_priv_send.c: the rest) */
	m.send = (struct priv_send){ 9, 3, 6, 1, a4("198.51.100.7"), 1701, a4("192.0.2.1"), 0,
				     PRIV_SEND_MAX, send_data };
	ADD();
	/* RADIUS: the largest packet each way, and the answers */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_RADIUS_SIGN;
	m.rsign.link = PRIV_RADIUS_AUTH;
	m.rsign.server = 7;
	m.rsign.handle = 9;
	m.rsign.tid = 3;
	m.rsign.sid = 6;
	m.rsign.pkt.len = PRIV_RADIUS_MAX;
	memset(m.rsign.pkt.buf, 'r', PRIV_RADIUS_MAX);
	ADD();
	m.rsign = (struct priv_radius_sign){ .link = PRIV_RADIUS_ACCT, .keep = 0x80000001u };
	m.rsign.pkt.len = 20;
	m.rsign.pkt.buf[0] = 4;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_RADIUS_VERIFY;
	m.rverify.link = PRIV_RADIUS_ACCT;
	m.rverify.req_code = 4;
	memset(m.rverify.req_auth, 'a', 16);
	m.rverify.pkt.len = 20;
	memset(m.rverify.pkt.buf, 'v', 20);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_RADIUS_SIGN;
	m.reply.radius.len = PRIV_RADIUS_MAX;
	memset(m.reply.radius.buf, 's', PRIV_RADIUS_MAX);
	ADD();
	m.reply.reason = PRIV_R_RADIUS;	/* refused: no packet */
	m.reply.radius.len = 0;
	memset(m.reply.radius.buf, 0, PRIV_RADIUS_MAX);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_RADIUS_VERIFY;
	m.reply.radius_err = 10;
	ADD();
	/* DAE: the largest request and answer, the replies; COUNTERS and its reply */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_DAE_VERIFY;
	m.dae.client = 15;
	m.dae.pkt.len = PRIV_RADIUS_MAX;
	memset(m.dae.pkt.buf, 'd', PRIV_RADIUS_MAX);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_DAE_SIGN;
	m.dae.client = 3;
	memset(m.dae.req_auth, 'q', 16);
	m.dae.pkt.len = 20;
	memset(m.dae.pkt.buf, 'n', 20);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_DAE_SIGN;
	m.reply.radius.len = 38;
	memset(m.reply.radius.buf, 'S', 38);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_DAE_VERIFY;
	m.reply.radius_err = 3;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_COUNTERS;
	m.ids = (struct priv_ids){ 9, 3, 6 };
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_COUNTERS;
	m.reply.counters = (struct priv_counters){ UINT64_MAX, 2, 3, 1ull << 40 };
	ADD();
	/* FROUTE_*: a network and its prefix length; the replies, one refused by the checks */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_FROUTE_ADD;
	m.addr = (struct priv_addr_req){ 9, 3, 6, a4("192.0.2.0"), 24 };
	ADD();
	m.type = PRIV_REQ_FROUTE_DEL;
	m.addr.addr = a4("203.0.113.8");
	m.addr.plen = 29;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_FROUTE_ADD;
	m.reply.reason = PRIV_R_FROUTE;
	m.reply.addr = a4("10.9.0.1");
	m.reply.froute_why = 5;
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_FROUTE_DEL;
	m.reply.addr = a4("10.9.0.1");
	ADD();
	/* ACCT_KEEP: a session's record, unsigned; the reply: its number in the parent */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_ACCT_KEEP;
	m.acct_keep.handle = 9;
	m.acct_keep.tid = 3;
	m.acct_keep.sid = 6;
	m.acct_keep.pkt.len = 26;
	m.acct_keep.pkt.buf[0] = 4;
	memset(m.acct_keep.pkt.buf + 20, 'K', 6);
	ADD();
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REPLY;
	m.reply.req_type = PRIV_REQ_ACCT_KEEP;
	m.reply.handle = 0xfffffffeu;
	ADD();
#undef ADD
}

static void test_msg_round_trip(void **state)
{
	struct priv_msg ms[64], out;
	uint8_t buf[PRIV_MSG_MAX];
	unsigned int n = 0;
	uint64_t types = 0;
	int len;

	(void)state;
	fill_all(ms, &n);
	assert_true(n <= 64);
	for (unsigned int i = 0; i < n; i++) {
		memset(&out, 0xff, sizeof(out));	/* whatever a caller's stack held */
		len = priv_msg_encode(&ms[i], buf, sizeof(buf));
		assert_true(len >= PRIV_HDR_LEN);
		assert_int_equal(buf[0], PRIV_MSG_VERSION);
		assert_int_equal((buf[2] << 8 | buf[3]), len);
		assert_int_equal(priv_msg_decode(buf, (size_t)len, &out), PRIV_OK);
		if (out.type == PRIV_REQ_SEND) {	/* decoded in place: the datagram's octets */
			assert_ptr_equal(out.send.data, buf + len - out.send.len);
			assert_memory_equal(out.send.data, ms[i].send.data, out.send.len);
			out.send.data = ms[i].send.data;
		}
		/* what the type uses, all of it decoded or cleared: the rest is never read */
		assert_int_equal(priv_msg_used(&out), priv_msg_used(&ms[i]));
		assert_true(priv_msg_used(&out) < sizeof(out) ||
			    (out.type == PRIV_REPLY && (out.reply.req_type == PRIV_REQ_RADIUS_SIGN ||
							 out.reply.req_type == PRIV_REQ_DAE_SIGN)));
		assert_memory_equal(&out, &ms[i], priv_msg_used(&out));
		/* every proper prefix is refused, whatever its header says */
		for (int k = 0; k < len; k++) {
			uint8_t cut[PRIV_MSG_MAX];

			memcpy(cut, buf, (size_t)k);
			if (k >= 4) {
				cut[2] = (uint8_t)(k >> 8);
				cut[3] = (uint8_t)k;
			}
			assert_int_equal(priv_msg_decode(cut, (size_t)k, &out), PRIV_R_TRUNCATED);
		}
		types |= 1ull << ms[i].type;
	}
	/* every type has been through */
	assert_int_equal(types, ((1ull << PRIV_TYPE_MAX) - 1) & ~1ull &
				~(1ull << PRIV_EV_SA_REKEYED));
}

/* Decode buf after f(buf) patched it, the header's length kept right. */
static enum priv_reason patched(const struct priv_msg *m, size_t off, uint8_t v, int grow)
{
	uint8_t buf[PRIV_MSG_MAX + 8] = { 0 };
	struct priv_msg out;
	int len = priv_msg_encode(m, buf, PRIV_MSG_MAX);

	assert_true(len > 0);
	if (off < (size_t)len)
		buf[off] = v;
	len += grow;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	return priv_msg_decode(buf, (size_t)len, &out);
}

static void test_msg_refusals(void **state)
{
	struct priv_msg m = { .type = PRIV_REQ_SESSION_ADD, .seq = 1 };
	struct priv_msg s = { .type = PRIV_REQ_ROUTE_ADD, .seq = 1 };
	uint8_t buf[PRIV_MSG_MAX + 1] = { 0 };
	struct priv_msg out;
	int len;

	(void)state;
	m.session_add = (struct priv_session_add){ 9, 3, 6, 7 };
	assert_int_equal(priv_msg_decode(buf, 0, &out), PRIV_R_TRUNCATED);
	assert_int_equal(patched(&m, 0, PRIV_MSG_VERSION + 1, 0), PRIV_R_VERSION);
	assert_int_equal(patched(&m, 0, 0, 0), PRIV_R_VERSION);
	assert_int_equal(patched(&m, 1, 0, 0), PRIV_R_TYPE);
	assert_int_equal(patched(&m, 1, PRIV_TYPE_MAX, 0), PRIV_R_TYPE);
	assert_int_equal(patched(&m, 1, 0xff, 0), PRIV_R_TYPE);
	assert_int_equal(patched(&m, 1, PRIV_REQ_SESSION_DEL, 0), PRIV_R_LENGTH);
	assert_int_equal(patched(&m, 99, 0, 1), PRIV_R_LENGTH);	/* a trailing octet */
	assert_int_equal(patched(&m, 11, 0, 0), PRIV_R_FIELD);	/* handle 0 */
	assert_int_equal(patched(&m, 13, 0, 0), PRIV_R_FIELD);	/* tunnel id 0 */
	assert_int_equal(patched(&m, 17, 0, 0), PRIV_R_FIELD);	/* peer sid 0 */
	/* the header's length must be the datagram's */
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(priv_msg_decode(buf, (size_t)len - 1, &out), PRIV_R_LENGTH);
	buf[3]++;
	assert_int_equal(priv_msg_decode(buf, (size_t)len, &out), PRIV_R_LENGTH);
	/* larger than any message */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(priv_msg_decode(buf, sizeof(buf), &out), PRIV_R_LENGTH);

	/* fields: a bad family, an IPv4 address with bytes past its 4, a bool of 2, plen */
	s.addr = (struct priv_addr_req){ 9, 3, 6, a4("10.9.0.1"), 32 };
	assert_int_equal(patched(&s, 16, 5, 0), PRIV_R_FIELD);
	assert_int_equal(patched(&s, 16, 0, 0), PRIV_R_FIELD);
	assert_int_equal(patched(&s, 24, 1, 0), PRIV_R_FIELD);
	assert_int_equal(patched(&s, 33, 24, 0), PRIV_R_FIELD);
	m.type = PRIV_REQ_TUNNEL_ADD;
	m.tunnel_add = (struct priv_tunnel_add){ 3, 4, 5, a4("198.51.100.7"), 1701, true, 9, { 0 } };
	assert_int_equal(patched(&m, 35, 2, 0), PRIV_R_FIELD);	/* require_ipsec */
	assert_int_equal(patched(&m, 33, 0, 0), PRIV_OK);
	m.tunnel_add.peer_port = 0;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);	/* no port 0 */
	/* session up: what is absent must be zero */
	s.type = PRIV_REQ_SESSION_UP;
	s.up = (struct priv_session_up){ .handle = 9, .tid = 3, .sid = 6, .has_v4 = true };
	assert_int_equal(patched(&s, 18, 10, 0), PRIV_OK);
	assert_int_equal(patched(&s, 22, 1, 0), PRIV_R_FIELD);	/* v6 prefix without has_v6 */
	s.up.has_v4 = false;
	assert_int_equal(priv_msg_encode(&s, buf, sizeof(buf)), -1);	/* neither */
}

static void test_msg_strings(void **state)
{
	struct priv_msg m = { .type = PRIV_EV_SA_GONE, .seq = 1 };
	uint8_t buf[PRIV_MSG_MAX];

	(void)state;
	m.sa.mark = 9;
	m.sa.peer = a4("198.51.100.7");
	/* the encoder refuses what the decoder would */
	m.sa.why_len = PRIV_WHY_MAX + 1;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.sa.why_len = 3;
	memcpy(m.sa.why, "a\0b", 3);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* an oversized string on the wire, or a NUL in one */
	m.sa.why_len = 2;
	memcpy(m.sa.why, "ab", 2);
	/* why's length at 53: header 8, mark, reqid, peer 17, port, 4 ids, encap, id_len */
	assert_int_equal(patched(&m, 53, PRIV_WHY_MAX + 1, PRIV_WHY_MAX - 1), PRIV_R_FIELD);
	assert_int_equal(patched(&m, 54, 0, 0), PRIV_R_FIELD);
	/* the SA's identity: too long, or with a NUL */
	m.sa.id_len = PRIV_ID_MAX + 1;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.sa.id_len = 0;
	assert_int_equal(patched(&m, 52, PRIV_ID_MAX + 1, PRIV_ID_MAX + 1), PRIV_R_FIELD);
	/* an event's SA has a mark; only a listing's end has none */
	m.sa.mark = 0;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.sa.mark = 9;
	/* a reply's MS-CHAPv2 answer longer than one */
	m.type = PRIV_REPLY;
	memset(&m.reply, 0, sizeof(m.reply));
	m.reply.req_type = PRIV_REQ_AUTH_MSCHAPV2;
	strcpy(m.reply.auth_resp, RFC2759_AUTH_RESP);
	assert_int_equal(patched(&m, 30, MSCHAP_AUTH_RESPONSE_LEN, 1), PRIV_R_FIELD);
	/* a reply names a request type and a known reason */
	m.reply.req_type = PRIV_EV_RELOAD;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	m.reply.req_type = PRIV_REQ_STATS;
	m.reply.reason = PRIV_REASON_MAX;
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
	/* a name with a NUL */
	m.type = PRIV_REQ_AUTH_PAP;
	memset(&m.pap, 0, sizeof(m.pap));
	m.pap.who.handle = 1;
	m.pap.who.tid = 1;
	m.pap.who.sid = 1;
	m.pap.who.name.len = 3;
	memcpy(m.pap.who.name.s, "a\0b", 3);
	assert_int_equal(priv_msg_encode(&m, buf, sizeof(buf)), -1);
}

/* ---- the checker ----------------------------------------------------------- */

static void test_valid_session(void **state)
{
	struct fx *f = *state;
	char s[INET6_ADDRSTRLEN];
	struct priv_msg up = { .type = PRIV_REQ_SESSION_UP };

	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(session_add(f, 1, 11), PRIV_OK);
	/* RFC 2759 9.2, the NT response checked and the authenticator response computed here */
	assert_int_equal(mschapv2(f, 1, 11, "User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_string_equal(f->reply.reply.auth_resp, RFC2759_AUTH_RESP);
	assert_int_equal(claim(f, 1, 11, "0.0.0.0"), PRIV_OK);
	assert_string_equal(claimed(f, s), "10.9.0.1");
	assert_int_equal(claim(f, 1, 11, "::"), PRIV_OK);
	assert_string_equal(claimed(f, s), "2001:db8:100:1::");	/* subnet 0 is the gateway's */
	up.up = (struct priv_session_up){ .handle = f->h[1], .tid = 1, .sid = 11, .has_v4 = true,
					  .has_v6 = true,
					  .v4 = a4("10.9.0.1").v4,
					  .pfx64 = a6("2001:db8:100:1::").v6, .ifid = 1 };
	assert_int_equal(req(f, &up), PRIV_OK);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_ADD, 1, 11, a4("10.9.0.1")), PRIV_OK);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_ADD, 1, 11, a6("2001:db8:100:1::")), PRIV_OK);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_DEL, 1, 11, a4("10.9.0.1")), PRIV_OK);

	/* held: a second session cannot have it, until the first goes */
	authed_session(f, 1, 12);
	assert_int_equal(claim(f, 1, 12, "10.9.0.1"), PRIV_R_ADDR_HELD);
	assert_int_equal(claim(f, 1, 12, "2001:db8:100:1::"), PRIV_R_ADDR_HELD);
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 1, 11), PRIV_OK);
	assert_int_equal(claim(f, 1, 12, "10.9.0.1"), PRIV_OK);
	assert_int_equal(claim(f, 1, 12, "2001:db8:100:1::"), PRIV_OK);
	/* the address released by request is free again too */
	assert_int_equal(addr(f, PRIV_REQ_ADDR_RELEASE, 1, 12, a4("10.9.0.1")), PRIV_OK);
	authed_session(f, 1, 13);
	assert_int_equal(claim(f, 1, 13, "10.9.0.1"), PRIV_OK);
	/* the tunnel going takes its sessions and their addresses */
	assert_int_equal(ids_req(f, PRIV_REQ_TUNNEL_DEL, 1, 0), PRIV_OK);
	assert_int_equal(session_add(f, 1, 14), PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(tunnel_add(f, 2, MARK, "198.51.100.7"), PRIV_OK);
	authed_session(f, 2, 21);
	assert_int_equal(claim(f, 2, 21, "10.9.0.1"), PRIV_OK);
	assert_int_equal(claim(f, 2, 21, "2001:db8:100:1::"), PRIV_OK);

	assert_int_equal(priv_check_stats(f->c)->accepted[PRIV_REQ_ADDR_CLAIM], 7);
	/* the pools' use as `show stats` will give it: 5 and 3 free, 1 of each used */
	{
		struct priv_msg st = { .type = PRIV_REQ_STATS };

		assert_int_equal(req(f, &st), PRIV_OK);
		assert_int_equal(f->reply.reply.pools.v4_size, 5);
		assert_int_equal(f->reply.reply.pools.v4_used, 1);
		assert_int_equal(f->reply.reply.pools.v6_size, 3);
		assert_int_equal(f->reply.reply.pools.v6_used, 1);
	}
	for (unsigned int r = 0; r < PRIV_REASON_MAX; r++)
		if (r != PRIV_R_ADDR_HELD && r != PRIV_R_TUNNEL_UNKNOWN)
			assert_int_equal(refused(f, r), 0);
	assert_int_equal(refused(f, PRIV_R_ADDR_HELD), 2);
}

static void test_pool_and_static(void **state)
{
	struct fx *f = *state;
	char s[INET6_ADDRSTRLEN];
	uint16_t sid;

	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	authed_session(f, 1, 1);
	/* outside every pool, the gateway's own /64 (subnet 0), host bits in a /64 */
	assert_int_equal(claim(f, 1, 1, "10.99.0.1"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, 1, 1, "10.8.0.10"), PRIV_R_NOT_IN_POOL);	/* bob's */
	assert_int_equal(claim(f, 1, 1, "2001:db8:200:1::"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, 1, 1, "2001:db8:100::"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(claim(f, 1, 1, "2001:db8:100:1::1"), PRIV_R_NOT_IN_POOL);
	assert_int_equal(refused(f, PRIV_R_NOT_IN_POOL), 5);
	/* one address of each family per session */
	assert_int_equal(claim(f, 1, 1, "10.9.1.2"), PRIV_OK);
	assert_int_equal(claim(f, 1, 1, "10.9.0.1"), PRIV_R_ADDR_HELD);
	/* bob gets his static address, outside the pools, asked for or not */
	assert_int_equal(session_add(f, 1, 2), PRIV_OK);
	assert_int_equal(pap(f, 1, 2, "bob", "s3cret"), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_int_equal(claim(f, 1, 2, "0.0.0.0"), PRIV_OK);
	assert_string_equal(claimed(f, s), "10.8.0.10");
	/* the pool runs dry: 5 addresses, one taken above */
	for (sid = 3; sid <= 6; sid++) {
		authed_session(f, 1, sid);
		assert_int_equal(claim(f, 1, sid, "0.0.0.0"), PRIV_OK);
	}
	authed_session(f, 1, 7);
	assert_int_equal(claim(f, 1, 7, "0.0.0.0"), PRIV_R_POOL_EMPTY);
	assert_int_equal(refused(f, PRIV_R_POOL_EMPTY), 1);
	/* the /62 has three /64s for clients */
	for (sid = 1; sid <= 3; sid++)
		assert_int_equal(claim(f, 1, sid, "::"), PRIV_OK);
	assert_int_equal(claim(f, 1, 4, "::"), PRIV_R_POOL_EMPTY);
}

static void test_foreign_and_unknown(void **state)
{
	struct fx *f = *state;
	struct priv_msg up = { .type = PRIV_REQ_SESSION_UP };

	/* the tunnel's SA: known, of this peer, and required */
	assert_int_equal(tunnel_add(f, 1, 99, "198.51.100.7"), PRIV_R_SA_UNKNOWN);
	assert_int_equal(tunnel_add(f, 1, MARK2, "198.51.100.7"), PRIV_R_SA_PEER);
	assert_int_equal(tunnel_add(f, 1, 0, "198.51.100.7"), PRIV_R_POLICY);
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_R_TUNNEL_EXISTS);
	assert_int_equal(tunnel_add(f, 2, MARK2, "203.0.113.9"), PRIV_OK);
	{
		struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

		m.tunnel_add = (struct priv_tunnel_add){ 3, 4, 77, a4("198.51.100.7"), 1701,
							 true, MARK, { 0 } };
		assert_int_equal(req(f, &m), PRIV_R_SOCKET);
		m.tunnel_add.sock_id = SOCK_ID6;	/* a peer of the other family */
		assert_int_equal(req(f, &m), PRIV_R_SOCKET);
		m.tunnel_add.sock_id = SOCK_ID;
		m.tunnel_add.require_ipsec = false;
		assert_int_equal(req(f, &m), PRIV_R_POLICY);
	}
	/* sessions only on tunnels the engine created, named by their own tunnel */
	assert_int_equal(session_add(f, 9, 1), PRIV_R_TUNNEL_UNKNOWN);
	authed_session(f, 1, 5);
	assert_int_equal(session_add(f, 1, 5), PRIV_R_SESSION_EXISTS);
	assert_int_equal(claim(f, 2, 5, "0.0.0.0"), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(mschapv2(f, 2, 5, "User", nt_resp), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 2, 5), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 9, 5), PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(ids_req(f, PRIV_REQ_TUNNEL_DEL, 9, 0), PRIV_R_TUNNEL_UNKNOWN);
	/* routes and SESSION_UP only for what the session holds */
	assert_int_equal(claim(f, 1, 5, "10.9.0.2"), PRIV_OK);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_ADD, 1, 5, a4("10.9.0.3")), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_ADD, 1, 5, a4("192.0.2.1")), PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(addr(f, PRIV_REQ_ROUTE_ADD, 1, 5, a6("2001:db8:100:1::")),
			 PRIV_R_ADDR_NOT_HELD);
	assert_int_equal(addr(f, PRIV_REQ_ADDR_RELEASE, 1, 5, a4("10.9.0.3")),
			 PRIV_R_ADDR_NOT_HELD);
	up.up = (struct priv_session_up){ .handle = f->h[1], .tid = 1, .sid = 5, .has_v4 = true,
					  .v4 = a4("10.9.0.3").v4 };
	assert_int_equal(req(f, &up), PRIV_R_ADDR_NOT_HELD);
	up.up.v4 = a4("10.9.0.2").v4;
	up.up.handle = f->h[2];
	up.up.tid = 2;
	assert_int_equal(req(f, &up), PRIV_R_SESSION_UNKNOWN);
	/* tunnel 1's handle with another tunnel's ID names no tunnel */
	up.up.handle = f->h[1];
	assert_int_equal(req(f, &up), PRIV_R_TUNNEL_UNKNOWN);
	up.up.tid = 1;
	assert_int_equal(req(f, &up), PRIV_OK);
	/* an address before authentication */
	assert_int_equal(session_add(f, 2, 6), PRIV_OK);
	assert_int_equal(claim(f, 2, 6, "0.0.0.0"), PRIV_R_NOT_AUTHED);
	up.up.handle = f->h[2];
	up.up.tid = 2;
	up.up.sid = 6;
	assert_int_equal(req(f, &up), PRIV_R_NOT_AUTHED);

	assert_int_equal(refused(f, PRIV_R_SA_UNKNOWN), 1);
	assert_int_equal(refused(f, PRIV_R_SA_PEER), 1);
	assert_int_equal(refused(f, PRIV_R_POLICY), 2);
	assert_int_equal(refused(f, PRIV_R_SOCKET), 2);
	assert_int_equal(refused(f, PRIV_R_TUNNEL_EXISTS), 1);
	assert_int_equal(refused(f, PRIV_R_SESSION_EXISTS), 1);
	assert_int_equal(refused(f, PRIV_R_TUNNEL_UNKNOWN), 4);
	assert_int_equal(refused(f, PRIV_R_SESSION_UNKNOWN), 4);
	assert_int_equal(refused(f, PRIV_R_ADDR_NOT_HELD), 5);
	assert_int_equal(refused(f, PRIV_R_NOT_AUTHED), 2);
}

static void count_tid(void *ctx, const struct priv_check_tref *t)
{
	unsigned int *n = ctx;

	assert_int_equal(t->tid, 1);
	(*n)++;
}

static void test_sa_gone(void **state)
{
	struct fx *f = *state;
	struct priv_addr other = a4("192.0.2.5");
	unsigned int gone = 0;

	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 2, MARK2, "203.0.113.9"), PRIV_OK);
	authed_session(f, 1, 1);
	assert_int_equal(claim(f, 1, 1, "10.9.0.1"), PRIV_OK);
	priv_check_sa_gone(f->c, MARK, count_tid, &gone);
	assert_int_equal(gone, 1);
	assert_int_equal(session_add(f, 1, 2), PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(tunnel_add(f, 3, MARK, "198.51.100.7"), PRIV_R_SA_UNKNOWN);
	/* the other SA's tunnel stays, the address is free again */
	authed_session(f, 2, 1);
	assert_int_equal(claim(f, 2, 1, "10.9.0.1"), PRIV_OK);
	/* a mark handed out again by a restarted charon, to another peer */
	assert_int_equal(priv_check_sa_up(f->c, MARK, &other), 0);
	assert_int_equal(tunnel_add(f, 3, MARK, "198.51.100.7"), PRIV_R_SA_PEER);
	assert_int_equal(tunnel_add(f, 3, MARK, "192.0.2.5"), PRIV_OK);
	/* the parent's own teardown (the kernel refused a session, or a tunnel) */
	assert_int_equal(session_add(f, 3, 1), PRIV_OK);
	priv_check_session_gone(f->c, 3, 1);
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 3, 1), PRIV_R_SESSION_UNKNOWN);
	priv_check_tunnel_gone(f->c, 2);
	assert_int_equal(claim(f, 2, 1, "::"), PRIV_R_TUNNEL_UNKNOWN);
}

/*
 * An SA going costs its own tunnels, not the table: 4,000 clients behind one
 * NAT, each its own SA with one tunnel, all go at once, the newest first (as
 * a mass disconnect finds them). Before: each SA walked the tunnel table up
 * to its tunnel's slot, 8 million entries for these 4,000.
 */
#define SA_GONE_N 4000u

static void test_sa_gone_cost(void **state)
{
	struct fx *f = *state;
	struct priv_addr nat = a4("198.51.100.7");
	struct users_db *u;
	struct priv_check *c;
	struct priv_msg m;
	unsigned int gone = 0;
	uint64_t p0;

	f->cfg.l2tp.max_tunnels = SA_GONE_N;
	f->cfg.l2tp.max_sessions = SA_GONE_N;
	c = priv_fx_checker(&f->cfg, users_text, &u, MARK, "198.51.100.7");
	f->seq = 0;
	for (uint32_t i = 0; i < SA_GONE_N; i++) {
		assert_int_equal(priv_check_sa_up(c, 1000 + i, &nat), 0);
		m = priv_fx_tunnel_add(1, 101, "198.51.100.7", 1000 + i);
		assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
		m = priv_fx_session_add(f->reply.reply.handle, 1, 1, 201);
		assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	}
	assert_int_equal(priv_check_tunnels(c), SA_GONE_N);
	p0 = priv_check_probes;
	for (uint32_t i = SA_GONE_N; i-- > 0;)
		priv_check_sa_gone(c, 1000 + i, count_tid, &gone);
	assert_int_equal(gone, SA_GONE_N);
	assert_int_equal(priv_check_tunnels(c), 0);
	assert_true(priv_check_probes - p0 <= (uint64_t)SA_GONE_N * PROBES_O1);
	/* an SA without a tunnel, and one unknown */
	assert_int_equal(priv_check_sa_up(c, 1, &nat), 0);
	p0 = priv_check_probes;
	priv_check_sa_gone(c, 1, count_tid, &gone);
	priv_check_sa_gone(c, 2, count_tid, &gone);
	assert_true(priv_check_probes - p0 <= PROBES_O1);
	assert_int_equal(gone, SA_GONE_N);
	priv_check_free(c);
	users_free(u);
}

/*
 * The checker's memory after its tunnels and sessions went (core/memtrim.h):
 * tables sized for 200,000 take what the ones used took, and after they all
 * went and priv_check_release, their pages are back; the checker works on,
 * from its first entries again.
 */
#define RELEASE_CAP 200000u
#define RELEASE_N 20000u
static void test_release(void **state)
{
	struct fx *f = *state;
	static uint32_t handle[RELEASE_N];
	struct users_db *u;
	struct priv_check *c;
	struct priv_msg m;
	long rss0, rss1, rss2, rss3;

	f->cfg.l2tp.max_tunnels = RELEASE_CAP;
	f->cfg.l2tp.max_sessions = RELEASE_CAP;
	f->cfg.l2tp.max_tunnels_per_sa = RELEASE_CAP;
	c = priv_fx_checker(&f->cfg, users_text, &u, MARK, "198.51.100.7");
	f->seq = 0;
	rss0 = rss_kb();
	for (uint32_t i = 0; i < RELEASE_N; i++) {
		m = priv_fx_tunnel_add((uint16_t)(1 + i), 101, "198.51.100.7", MARK);
		assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
		handle[i] = f->reply.reply.handle;
		m = priv_fx_session_add(handle[i], (uint16_t)(1 + i), 1, 201);
		assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	}
	rss1 = rss_kb();
	for (uint32_t i = 0; i < RELEASE_N; i++)
		priv_check_tunnel_gone(c, handle[i]);
	assert_int_equal(priv_check_tunnels(c) + priv_check_sessions(c), 0);
	rss2 = rss_kb();
	priv_check_release(c);
	rss3 = rss_kb();
	print_message("checker RSS %ld -> %ld (%u up) -> %ld (all gone) -> %ld kB (released)\n",
		      rss0, rss1, RELEASE_N, rss2, rss3);
	assert_true(rss1 - rss0 >= (long)RELEASE_N * 200 / 1024);	/* 242 B each */
	assert_true(rss2 - rss0 > (rss1 - rss0) / 2);
	assert_true(rss3 - rss0 < (rss1 - rss0) / 10);
	/* and on: a tunnel and its session, refused as before when they repeat */
	m = priv_fx_tunnel_add(1, 101, "198.51.100.7", MARK);
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	handle[0] = f->reply.reply.handle;
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_R_TUNNEL_EXISTS);
	m = priv_fx_session_add(handle[0], 1, 1, 201);
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	assert_int_equal(priv_check_tunnels(c) + priv_check_sessions(c), 2);
	priv_check_release(c);		/* with entries: they stay */
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_R_SESSION_EXISTS);
	priv_check_tunnel_gone(c, handle[0]);
	assert_int_equal(priv_check_tunnels(c) + priv_check_sessions(c), 0);
	priv_check_free(c);
	users_free(u);
}

/* What priv_check_each_session visited: sessions, and the sum of their IDs. */
struct visited {
	unsigned int n, sids, v4;
};

static void visit(void *ctx, uint16_t tid, uint16_t sid, const struct priv_addr *v4,
		  const struct priv_addr *v6)
{
	struct visited *v = ctx;

	(void)tid;
	(void)v6;
	v->n++;
	v->sids += sid;
	v->v4 += v4 ? 1 : 0;
}

static struct visited each(const struct priv_check *c, uint32_t handle, uint16_t sid)
{
	struct visited v = { 0 };

	priv_check_each_session(c, handle, sid, visit, &v);
	return v;
}

/*
 * The parent's cleanup of a session or a tunnel (its routes) visits that
 * session, or that tunnel's sessions, and no other: found by the session's
 * key and the tunnel's chain of sessions, kept as sessions come and go, and
 * across a reload (priv_check_reload's copy); all of them with handle 0.
 */
static void test_each_session(void **state)
{
	struct fx *f = *state;
	struct priv_check *n;
	struct visited v;

	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 2, MARK2, "203.0.113.9"), PRIV_OK);
	authed_session(f, 1, 11);
	assert_int_equal(claim(f, 1, 11, "10.9.0.1"), PRIV_OK);
	assert_int_equal(session_add(f, 1, 12), PRIV_OK);
	assert_int_equal(session_add(f, 1, 13), PRIV_OK);
	assert_int_equal(session_add(f, 2, 21), PRIV_OK);
	assert_int_equal(session_add(f, 2, 12), PRIV_OK);	/* the same ID, another tunnel */
	v = each(f->c, f->h[1], 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.sids, 11 + 12 + 13);
	assert_int_equal(v.v4, 1);
	v = each(f->c, f->h[2], 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.sids, 21 + 12);
	v = each(f->c, f->h[1], 12);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.sids, 12);
	assert_int_equal(each(f->c, f->h[1], 21).n, 0);
	assert_int_equal(each(f->c, 0, 12).n, 2);
	assert_int_equal(each(f->c, 0, 0).n, 5);

	/* a session goes: off its tunnel's chain; a tunnel goes with its sessions */
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 1, 12), PRIV_OK);
	v = each(f->c, f->h[1], 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.sids, 11 + 13);
	assert_int_equal(each(f->c, f->h[1], 12).n, 0);
	assert_int_equal(ids_req(f, PRIV_REQ_TUNNEL_DEL, 2, 0), PRIV_OK);
	assert_int_equal(each(f->c, f->h[2], 0).n, 0);
	assert_int_equal(each(f->c, 0, 0).n, 2);
	assert_int_equal(session_add(f, 1, 14), PRIV_OK);	/* an entry used again */
	assert_int_equal(each(f->c, f->h[1], 0).n, 3);

	/* a reload's checker: the same sessions on the same chains */
	n = priv_check_reload(f->c, &f->cfg, f->users);
	assert_non_null(n);
	v = each(n, f->h[1], 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.sids, 11 + 13 + 14);
	assert_int_equal(v.v4, 1);
	priv_check_tunnel_gone(n, f->h[1]);
	assert_int_equal(each(n, 0, 0).n, 0);
	priv_check_free(n);
	assert_int_equal(each(f->c, 0, 0).n, 3);	/* the old checker's own */
}

/*
 * Tunnel IDs are unique per SA (or peer) only (docs/ARCHITECTURE.md, "IDs at
 * scale"): two SAs' tunnels may share an ID, each named by its own handle, and
 * a request naming one's handle reaches only that one.
 */
static void test_same_tid_two_sas(void **state)
{
	struct fx *f = *state;
	struct priv_check_tunnel ct;
	struct priv_check_session cs;
	uint32_t h1, h2;

	assert_int_equal(tunnel_add(f, 5, MARK, "198.51.100.7"), PRIV_OK);
	h1 = f->h[5];
	assert_int_equal(tunnel_add(f, 5, MARK2, "203.0.113.9"), PRIV_OK);
	h2 = f->h[5];
	assert_int_not_equal(h1, h2);
	assert_int_equal(priv_check_tunnels(f->c), 2);
	/* the same ID under the same SA is still refused */
	assert_int_equal(tunnel_add(f, 5, MARK, "198.51.100.7"), PRIV_R_TUNNEL_EXISTS);
	/* a session on each; one on the other's tunnel is not that one's */
	f->h[5] = h1;
	authed_session(f, 5, 1);
	assert_int_equal(claim(f, 5, 1, "10.9.0.1"), PRIV_OK);
	f->h[5] = h2;
	assert_int_equal(claim(f, 5, 1, "0.0.0.0"), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(ids_req(f, PRIV_REQ_SESSION_DEL, 5, 1), PRIV_R_SESSION_UNKNOWN);
	assert_int_equal(session_add(f, 5, 1), PRIV_OK);	/* its own session 1 */
	assert_int_equal(mschapv2(f, 5, 1, "User", nt_resp), PRIV_OK);
	assert_int_equal(claim(f, 5, 1, "0.0.0.0"), PRIV_OK);
	assert_int_equal(f->reply.reply.addr.v4.s_addr, a4("10.9.0.2").v4.s_addr);
	/* a handle the engine made up names nothing */
	f->h[5] = h1 + h2 + 7;
	assert_int_equal(session_add(f, 5, 2), PRIV_R_TUNNEL_UNKNOWN);
	/* the resume store's question, by handle: each tunnel and session its own */
	assert_false(priv_check_tunnel_get(f->c, h1 + h2 + 7, 5, &ct));
	assert_false(priv_check_tunnel_get(f->c, h1, 6, &ct));	/* h1 is not tunnel 6 */
	assert_true(priv_check_tunnel_get(f->c, h1, 5, &ct));
	assert_int_equal(ct.mark, MARK);
	assert_true(priv_check_session_get(f->c, h1, 5, 1, &cs));
	assert_int_equal(cs.v4.s_addr, a4("10.9.0.1").v4.s_addr);
	assert_true(priv_check_tunnel_get(f->c, h2, 5, &ct));
	assert_int_equal(ct.mark, MARK2);
	assert_true(priv_check_session_get(f->c, h2, 5, 1, &cs));
	assert_int_equal(cs.v4.s_addr, a4("10.9.0.2").v4.s_addr);
	/* one of them goes: the other keeps its session and address */
	f->h[5] = h1;
	assert_int_equal(ids_req(f, PRIV_REQ_TUNNEL_DEL, 5, 0), PRIV_OK);
	assert_int_equal(priv_check_tunnels(f->c), 1);
	assert_false(priv_check_tunnel_get(f->c, h1, 5, &ct));
	assert_false(priv_check_session_get(f->c, h1, 5, 1, &cs));
	assert_true(priv_check_tunnel_get(f->c, h2, 5, &ct));
	assert_int_equal(ct.mark, MARK2);
	assert_true(priv_check_session_get(f->c, h2, 5, 1, &cs));
	assert_true(cs.has4);
	assert_int_equal(cs.v4.s_addr, a4("10.9.0.2").v4.s_addr);
	f->h[5] = h2;
	assert_int_equal(claim(f, 5, 1, "::"), PRIV_OK);
	/* the freed ID and handle: a new tunnel gets a new handle */
	assert_int_equal(tunnel_add(f, 5, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_not_equal(f->h[5], h1);
}

/* A fake throttle: allows `allow` answers, records what it was told. */
struct fake_limit {
	unsigned int allow, asked, results;
	char user[64];
	struct priv_addr peer;
	uint16_t port;
	uint32_t mark;
	bool last_ok;
};

static bool fake_allowed(void *ctx, const char *user, const struct priv_addr *peer,
			 uint16_t port, uint32_t mark)
{
	struct fake_limit *l = ctx;

	(void)peer;
	(void)port;
	(void)mark;
	snprintf(l->user, sizeof(l->user), "%s", user);
	return l->asked++ < l->allow;
}

static uint32_t fake_result(void *ctx, const char *user, const struct priv_addr *peer,
			    uint16_t port, uint32_t mark, bool ok)
{
	struct fake_limit *l = ctx;

	snprintf(l->user, sizeof(l->user), "%s", user);
	l->peer = *peer;
	l->port = port;
	l->mark = mark;
	l->last_ok = ok;
	l->results++;
	return ok ? 0 : 1234;
}

/*
 * authlimit in the parent (priv_check_set_auth_limit): asked before each answer
 * is verified, told each verified answer's outcome with the tunnel's peer and SA
 * and the users file's name; a throttled answer is refused unchecked (even a
 * right one), uses a try and gets the next challenge; a wrong one's hold is in
 * the reply.
 */
static void test_auth_limit(void **state)
{
	struct fx *f = *state;
	struct fake_limit l = { .allow = 2 };
	struct priv_auth_limit al = { fake_allowed, fake_result, &l };
	static const uint8_t wrong[24] = { 1 };

	priv_check_set_auth_limit(f->c, &al);
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(session_add(f, 1, 1), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 1, "CORP\\User", wrong), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_false(f->reply.reply.throttled);
	assert_int_equal(f->reply.reply.hold_ms, 1234);
	assert_int_equal(l.results, 1);
	assert_string_equal(l.user, "User");	/* the file's name, no domain */
	assert_int_equal(l.peer.v4.s_addr, a4("198.51.100.7").v4.s_addr);
	assert_int_equal(l.port, 1701);
	assert_int_equal(l.mark, MARK);
	assert_false(l.last_ok);
	/* the retry answers the parent's new challenge: the RFC's again (f->rfc_chal) */
	assert_int_equal(mschapv2(f, 1, 1, "User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_int_equal(f->reply.reply.hold_ms, 0);
	assert_true(l.last_ok);
	assert_int_equal(l.results, 2);
	/* the throttle says no: refused unchecked, even the right answer */
	assert_int_equal(session_add(f, 1, 2), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 2, "User", nt_resp), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_true(f->reply.reply.throttled);
	assert_true(f->reply.reply.has_chal);	/* tries are left */
	assert_int_equal(l.results, 2);		/* not verified, nothing to tell */
	assert_int_equal(priv_check_stats(f->c)->auth_throttled, 1);
	assert_int_equal(claim(f, 1, 2, "0.0.0.0"), PRIV_R_NOT_AUTHED);
}

/* Without IPsec a tunnel's origin is its peer's address and port. */
static void test_same_tid_two_peers(void **state)
{
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_ADD };

	priv_check_free(f->c);
	f->cfg.l2tp.require_ipsec = false;
	f->c = priv_check_new(&f->cfg, f->users);
	assert_non_null(f->c);
	f->seq = 0;
	assert_int_equal(priv_check_sock_add(f->c, SOCK_ID, 4), 0);
	m.tunnel_add = (struct priv_tunnel_add){ 5, 6, SOCK_ID, a4("192.0.2.7"), 1701, false, 0,
						 { 0 } };
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_EXISTS);
	m.tunnel_add.peer_port = 1702;		/* another client behind the same NAT */
	assert_int_equal(req(f, &m), PRIV_OK);
	m.tunnel_add.peer = a4("192.0.2.8");
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_R_TUNNEL_EXISTS);
	assert_int_equal(priv_check_tunnels(f->c), 3);
}

/* What the parent's execution hooks were asked to undo (priv_parent_sa_gone). */
struct undone {
	uint16_t tids[8];
	unsigned int n_tids, n_routes;
	struct priv_addr route;
};

static void undo_tunnel(void *ctx, const struct priv_check_tref *t)
{
	struct undone *u = ctx;

	assert_true(u->n_tids < 8);
	u->tids[u->n_tids++] = t->tid;
}

static int undo_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	struct undone *u = ctx;

	assert_false(add);
	assert_int_equal(plen, a->family == 4 ? 32 : 64);
	u->route = *a;
	u->n_routes++;
	return 0;
}

/*
 * charon's SA went, l2secd managing it under privsep: the parent removes that SA's
 * tunnels from the module (with the routes of their sessions' addresses) and the
 * checker forgets them; the other SA's tunnel is not touched.
 */
static void test_parent_sa_gone(void **state)
{
	static const struct priv_exec_ops ops = {
		.tunnel_del = undo_tunnel, .route = undo_route,
	};
	struct fx *f = *state;
	struct undone u = { 0 };

	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 4, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 2, MARK2, "203.0.113.9"), PRIV_OK);
	authed_session(f, 1, 1);
	assert_int_equal(claim(f, 1, 1, "10.9.0.1"), PRIV_OK);
	assert_int_equal(priv_parent_sa_gone(f->c, MARK, &ops, &u), 2);
	assert_int_equal(u.n_tids, 2);
	assert_true((u.tids[0] == 1 && u.tids[1] == 4) || (u.tids[0] == 4 && u.tids[1] == 1));
	assert_int_equal(u.n_routes, 1);
	assert_int_equal(u.route.family, 4);
	assert_int_equal(u.route.v4.s_addr, a4("10.9.0.1").v4.s_addr);
	assert_int_equal(priv_check_tunnels(f->c), 1);
	assert_int_equal(session_add(f, 1, 2), PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(session_add(f, 2, 1), PRIV_OK);
	/* the SA is gone from the checker too; an unknown mark undoes nothing */
	assert_int_equal(tunnel_add(f, 3, MARK, "198.51.100.7"), PRIV_R_SA_UNKNOWN);
	assert_int_equal(priv_parent_sa_gone(f->c, 99, &ops, &u), 0);
	assert_int_equal(u.n_tids, 2);
}

/* A new engine lists the parent's SAs (SA_NEXT), one a call, until the end. */
static void test_sa_listing(void **state)
{
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_SA_NEXT };
	uint32_t seen[4];
	unsigned int n = 0;

	do {
		assert_int_equal(req(f, &m), PRIV_OK);
		if (!f->reply.reply.sa.mark)
			break;
		assert_true(n < 4);
		seen[n++] = f->reply.reply.sa.mark;
		assert_int_equal(f->reply.reply.sa.peer.family, 4);
		assert_int_equal(f->reply.reply.sa.peer.v4.s_addr,
				 a4(f->reply.reply.sa.mark == MARK ? "198.51.100.7" :
				    "203.0.113.9").v4.s_addr);
		m.sa_next.cursor = f->reply.reply.cursor;
	} while (m.sa_next.cursor);
	assert_int_equal(n, 2);
	assert_true((seen[0] == MARK && seen[1] == MARK2) || (seen[0] == MARK2 && seen[1] == MARK));
	/* a gone SA is not listed; a cursor past the table lists nothing */
	priv_check_sa_gone(f->c, MARK, NULL, NULL);
	m.sa_next.cursor = 0;
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.sa.mark, MARK2);
	m.sa_next.cursor = f->reply.reply.cursor;
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.sa.mark, 0);
	assert_int_equal(f->reply.reply.cursor, 0);
	m.sa_next.cursor = 0xffffffff;
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.sa.mark, 0);
}

static void test_auth(void **state)
{
	struct fx *f = *state;
	uint8_t bad[24], expect[16];
	struct priv_msg m = { .type = PRIV_REQ_AUTH_CHAP_MD5 };
	struct md5_ctx md5;

	memcpy(bad, nt_resp, 24);
	bad[23] ^= 1;
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	/* Windows sends DOMAIN\User; ChallengeHash takes "User" */
	assert_int_equal(session_add(f, 1, 1), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 1, "CORP\\User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_string_equal(f->reply.reply.auth_resp, RFC2759_AUTH_RESP);
	/* once authenticated, no second try on the session */
	assert_int_equal(mschapv2(f, 1, 1, "User", nt_resp), PRIV_R_AUTH_STATE);
	/* wrong answers, an unknown user: no, and [ppp] auth-tries (3) per session */
	assert_int_equal(session_add(f, 1, 2), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 2, "User", bad), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_string_equal(f->reply.reply.auth_resp, "");
	assert_int_equal(mschapv2(f, 1, 2, "Mallory", nt_resp), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_int_equal(pap(f, 1, 2, "User", "clientpass"), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_int_equal(pap(f, 1, 2, "User", "clientPass"), PRIV_R_AUTH_STATE);
	assert_int_equal(claim(f, 1, 2, "0.0.0.0"), PRIV_R_NOT_AUTHED);
	/* PAP, and CHAP-MD5 (MD5 of id, secret, challenge: RFC 1994) */
	assert_int_equal(session_add(f, 1, 3), PRIV_OK);
	assert_int_equal(pap(f, 1, 3, "carol", "clientPass"), PRIV_OK);	/* her NT hash */
	assert_true(f->reply.reply.auth_ok);
	m.md5.who.handle = f->h[1];
	m.md5.who.tid = 1;
	m.md5.who.sid = 4;
	m.md5.id = 0x42;
	priv_fx_name(&m.md5.who.name, "bob");
	memcpy(m.md5.chal, auth_chal, 16);
	md5_init(&md5);
	md5_update(&md5, 1, &m.md5.id);
	md5_update(&md5, 6, (const uint8_t *)"s3cret");
	md5_update(&md5, 16, auth_chal);
	md5_digest(&md5, 16, expect);
	memcpy(m.md5.resp, expect, 16);
	assert_int_equal(session_add(f, 1, 4), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	/* carol has only an NT hash: CHAP-MD5 cannot succeed */
	assert_int_equal(session_add(f, 1, 5), PRIV_OK);
	m.md5.who.sid = 5;
	priv_fx_name(&m.md5.who.name, "carol");
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_int_equal(priv_check_stats(f->c)->auth_ok, 3);
	assert_int_equal(priv_check_stats(f->c)->auth_failed, 4);
	assert_int_equal(refused(f, PRIV_R_AUTH_STATE), 2);
}

static void test_challenges(void **state)
{
	struct fx *f = *state;
	uint8_t bad[24], next[16];

	memcpy(bad, nt_resp, 24);
	bad[0] ^= 1;
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);
	/* the session's first challenge comes with SESSION_ADD's reply */
	assert_int_equal(session_add(f, 1, 1), PRIV_OK);
	assert_true(f->reply.reply.has_chal);
	assert_memory_equal(f->reply.reply.chal, auth_chal, 16);
	/* a new engine restarting this session's PPP gets the same challenge */
	memset(next, 0, sizeof(next));
	assert_true(priv_check_session_challenge(f->c, f->h[1], 1, next));
	assert_memory_equal(next, auth_chal, 16);
	assert_false(priv_check_session_challenge(f->c, f->h[1], 9, next));	/* no session */
	assert_false(priv_check_session_challenge(f->c, f->h[1] + 1, 1, next));
	assert_int_equal(mschapv2(f, 1, 1, "User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_false(f->reply.reply.has_chal);
	/* authenticated: not restarted (no second authentication of a session) */
	assert_false(priv_check_session_challenge(f->c, f->h[1], 1, next));
	/* the same answer replayed on a new session: not to its challenge */
	f->rfc_chal = false;
	assert_int_equal(session_add(f, 1, 2), PRIV_OK);
	assert_true(f->reply.reply.has_chal);
	assert_memory_not_equal(f->reply.reply.chal, auth_chal, 16);
	for (int i = 0; i < 4; i++)	/* refused unchecked: no try spent */
		assert_int_equal(mschapv2(f, 1, 2, "User", nt_resp), PRIV_R_CHALLENGE);
	assert_int_equal(refused(f, PRIV_R_CHALLENGE), 4);
	/* a wrong answer gets a fresh challenge; the old one is spent */
	f->rfc_chal = true;
	assert_int_equal(session_add(f, 1, 3), PRIV_OK);
	f->rfc_chal = false;
	assert_int_equal(mschapv2(f, 1, 3, "User", bad), PRIV_OK);
	assert_false(f->reply.reply.auth_ok);
	assert_true(f->reply.reply.has_chal);
	assert_memory_not_equal(f->reply.reply.chal, auth_chal, 16);
	memcpy(next, f->reply.reply.chal, 16);
	{
		uint8_t now[16];

		/* a restarted PPP asks to the fresh challenge, not the spent one */
		assert_true(priv_check_session_challenge(f->c, f->h[1], 3, now));
		assert_memory_equal(now, next, 16);
	}
	assert_int_equal(mschapv2(f, 1, 3, "User", nt_resp), PRIV_R_CHALLENGE);
	assert_false(f->reply.reply.has_chal);
	/* the retry to the new challenge is checked (and wrong: it is RFC 2759's answer) */
	{
		struct priv_msg m = { .type = PRIV_REQ_AUTH_MSCHAPV2 };

		m.mschapv2.who.handle = f->h[1];
		m.mschapv2.who.tid = 1;
		m.mschapv2.who.sid = 3;
		priv_fx_name(&m.mschapv2.who.name, "User");
		memcpy(m.mschapv2.auth_chal, next, 16);
		memcpy(m.mschapv2.peer_chal, peer_chal, 16);
		memcpy(m.mschapv2.nt_resp, nt_resp, 24);
		assert_int_equal(req(f, &m), PRIV_OK);
		assert_false(f->reply.reply.auth_ok);
		assert_true(f->reply.reply.has_chal);
		memcpy(m.mschapv2.auth_chal, f->reply.reply.chal, 16);
		assert_int_equal(req(f, &m), PRIV_OK);	/* the third and last try */
		assert_false(f->reply.reply.auth_ok);
		assert_false(f->reply.reply.has_chal);
		assert_int_equal(req(f, &m), PRIV_R_AUTH_STATE);
		/* out of tries: its call is cleared, not restarted */
		assert_false(priv_check_session_challenge(f->c, f->h[1], 3, next));
	}
	/* PAP has no challenge */
	assert_int_equal(session_add(f, 1, 4), PRIV_OK);
	assert_int_equal(pap(f, 1, 4, "User", "clientPass"), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_false(f->reply.reply.has_chal);
}

static void test_limits(void **state)
{
	struct fx *f = *state;
	unsigned int n;

	/* tunnels per SA ([l2tp] max-tunnels-per-sa, 4) */
	for (n = 1; n <= 4; n++)
		assert_int_equal(tunnel_add(f, (uint16_t)n, MARK, "198.51.100.7"), PRIV_OK);
	assert_int_equal(tunnel_add(f, 5, MARK, "198.51.100.7"), PRIV_R_LIMIT);
	/* sessions per tunnel (16) */
	for (n = 1; n <= 16; n++)
		assert_int_equal(session_add(f, 1, (uint16_t)n), PRIV_OK);
	assert_int_equal(session_add(f, 1, 17), PRIV_R_LIMIT);
	assert_int_equal(refused(f, PRIV_R_LIMIT), 2);
	/* authentication per tunnel: a burst of 16, then 4 a second */
	for (n = 1; n <= 16; n++)
		assert_int_equal(mschapv2(f, 1, (uint16_t)n, "Mallory", nt_resp), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 1, "Mallory", nt_resp), PRIV_R_RATE);
	f->now += 250;
	assert_int_equal(mschapv2(f, 1, 1, "Mallory", nt_resp), PRIV_OK);
	assert_int_equal(mschapv2(f, 1, 1, "Mallory", nt_resp), PRIV_R_RATE);
	/* another tunnel has its own bucket */
	assert_int_equal(session_add(f, 2, 1), PRIV_OK);
	assert_int_equal(mschapv2(f, 2, 1, "User", nt_resp), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	assert_int_equal(refused(f, PRIV_R_RATE), 2);
}

/*
 * The rates of answers: a burst of right answers as after a restart (every
 * client at once) is checked up to PRIV_AUTH_BURST, the rest refused for
 * rate without spending a try (the engine's "busy": the client's repeat is
 * checked later); wrong answers empty a bucket of their own, after which
 * none is checked until it refills, right ones included. Before: one bucket
 * of 200 for all, so the 201st right answer of a restart was refused and
 * the engine told its client "wrong password".
 */
/* A checker of its own with tunnels 1..n on one SA, 16 sessions each; h[t]: their handles. */
static struct priv_check *rates_checker(struct fx *f, unsigned int n, uint32_t *h,
					struct users_db **u)
{
	struct priv_check *c;
	struct priv_msg m;

	f->cfg.l2tp.max_tunnels_per_sa = n;
	f->cfg.l2tp.max_tunnels = n;
	f->cfg.l2tp.max_sessions = n * 16;
	c = priv_fx_checker(&f->cfg, users_text, u, MARK, "198.51.100.7");
	f->seq = 0;
	for (uint16_t t = 1; t <= n; t++) {
		m = priv_fx_tunnel_add(t, (uint16_t)(100 + t), "198.51.100.7", MARK);
		assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
		h[t] = f->reply.reply.handle;
		for (uint16_t s = 1; s <= 16; s++) {
			m = priv_fx_session_add(h[t], t, s, (uint16_t)(200 + s));
			assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
		}
	}
	return c;
}

static void test_auth_rates(void **state)
{
	unsigned int n = 0, tunnels = PRIV_AUTH_BURST / PRIV_AUTH_BURST_TUNNEL + 2;
	struct fx *f = *state;
	uint32_t *h = calloc(tunnels + 1, sizeof(*h));
	struct priv_check *c;
	struct users_db *u;
	struct priv_msg m;
	enum priv_reason r;

	assert_non_null(h);
	c = rates_checker(f, tunnels, h, &u);
	/* all at once, right: the burst checked, then refused for rate */
	for (uint16_t t = 1; t <= tunnels; t++)
		for (uint16_t s = 1; s <= 16; s++) {
			m = priv_fx_pap(h[t], t, s, "User", "clientPass");
			r = priv_test_req(c, &f->seq, f->now, &m, &f->reply);
			if (r == PRIV_OK) {
				assert_true(f->reply.reply.auth_ok);
				n++;
			} else {
				assert_int_equal(r, PRIV_R_RATE);
			}
		}
	assert_int_equal(n, PRIV_AUTH_BURST);
	/* the refused ones spent no try: checked once the bucket refills */
	f->now += 1000 * (PRIV_AUTH_BURST / PRIV_AUTH_RATE + 1);
	for (uint16_t t = 1; t <= tunnels; t++)
		for (uint16_t s = 1; s <= 16; s++) {
			m = priv_fx_pap(h[t], t, s, "User", "clientPass");
			r = priv_test_req(c, &f->seq, f->now, &m, &f->reply);
			if (r == PRIV_OK)
				n++;
			else
				assert_int_equal(r, PRIV_R_AUTH_STATE);	/* authenticated before */
		}
	assert_int_equal(n, tunnels * 16);
	priv_check_free(c);
	users_free(u);

	/* wrong answers: PRIV_AUTH_FAIL_BURST of them, then nothing is checked */
	c = rates_checker(f, tunnels, h, &u);
	n = 0;
	for (uint16_t t = 1; t <= tunnels; t++)
		for (uint16_t s = 1; s <= 16; s++) {
			m = priv_fx_pap(h[t], t, s, "User", "guess");
			if (priv_test_req(c, &f->seq, f->now, &m, &f->reply) == PRIV_OK)
				n++;
		}
	assert_int_equal(n, PRIV_AUTH_FAIL_BURST);
	m = priv_fx_pap(h[tunnels], tunnels, 16, "User", "clientPass");
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_R_RATE);
	/*
	 * a reload carries every bucket: before, it forgot the wrong answers'
	 * one, a full burst of guesses more for each SIGHUP
	 */
	{
		struct priv_check *c2 = priv_check_reload(c, &f->cfg, u);

		assert_non_null(c2);
		priv_check_free(c);
		c = c2;
	}
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_R_RATE);
	f->now += 1000 / PRIV_AUTH_FAIL_RATE;	/* one wrong answer's worth */
	assert_int_equal(priv_test_req(c, &f->seq, f->now, &m, &f->reply), PRIV_OK);
	assert_true(f->reply.reply.auth_ok);
	priv_check_free(c);
	users_free(u);
	free(h);
}

static void test_datagrams(void **state)
{
	struct fx *f = *state;
	struct priv_msg m = { .type = PRIV_REQ_TUNNEL_DEL }, reply;
	uint8_t buf[PRIV_MSG_MAX];
	int len;

	/* a duplicate, a replay and a skipped number */
	m.ids.handle = 1;
	m.ids.tid = 1;
	m.seq = 1;
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply),
			 PRIV_R_TUNNEL_UNKNOWN);
	assert_int_equal(reply.seq, 1);
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply), PRIV_R_SEQ);
	assert_int_equal(reply.type, PRIV_REPLY);
	assert_int_equal(reply.reply.reason, PRIV_R_SEQ);
	m.seq = 3;
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply), PRIV_R_SEQ);
	assert_int_equal(refused(f, PRIV_R_SEQ), 2);
	f->seq = 1;
	assert_int_equal(tunnel_add(f, 1, MARK, "198.51.100.7"), PRIV_OK);

	/* malformed: counted, no reply (the parent restarts such an engine) */
	buf[0] = PRIV_MSG_VERSION + 1;
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply),
			 PRIV_R_VERSION);
	assert_int_equal(reply.type, 0);
	assert_int_equal(priv_check_datagram(f->c, buf, 5, f->now, &reply), PRIV_R_TRUNCATED);
	buf[0] = PRIV_MSG_VERSION;
	buf[1] = 0xee;
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply), PRIV_R_TYPE);
	/* an event or a reply is no request */
	m.type = PRIV_EV_DATAPATH_LOST;
	m.seq = f->seq + 1;
	len = priv_msg_encode(&m, buf, sizeof(buf));
	assert_int_equal(priv_check_datagram(f->c, buf, (size_t)len, f->now, &reply), PRIV_R_TYPE);
	assert_int_equal(reply.type, 0);
	assert_int_equal(refused(f, PRIV_R_VERSION), 1);
	assert_int_equal(refused(f, PRIV_R_TRUNCATED), 1);
	assert_int_equal(refused(f, PRIV_R_TYPE), 2);
	/* and the numbering goes on where it was */
	assert_int_equal(tunnel_add(f, 2, MARK, "198.51.100.7"), PRIV_OK);
	/* queries: answered, rate limited */
	m.type = PRIV_REQ_MARK_QUERY;
	m.mark_query = (struct priv_mark_query){ MARK, a4("198.51.100.7") };
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.addr.family, 4);
	m.mark_query.peer = a4("198.51.100.8");
	assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(f->reply.reply.addr.family, 0);
	for (int i = 2; i < PRIV_QUERY_BURST; i++)
		assert_int_equal(req(f, &m), PRIV_OK);
	assert_int_equal(req(f, &m), PRIV_R_RATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_round_trip),
		cmocka_unit_test(test_msg_refusals),
		cmocka_unit_test(test_msg_strings),
		cmocka_unit_test_setup_teardown(test_valid_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_and_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_and_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sa_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sa_gone_cost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_sa_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_tid_two_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_tid_two_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sa_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_challenges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datagrams, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
