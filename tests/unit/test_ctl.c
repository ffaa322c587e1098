// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's answers (ctl.h): what `show tunnels`, `show sessions`
 * and `show stats` report for an LNS with one tunnel and one session, set up
 * by the scripted LAC of l2tp_fake.h; and the answer to a bad request.
 * `del session` and `del tunnel`: the CDN or StopCCN the peer receives (its
 * result code and message), the module's and the PPP layer's state undone,
 * and every malformed or unknown id refused without a packet sent. And the
 * tool reads what the daemon writes (the keys of lib/ctl_proto.h on both
 * sides): `show sessions` through l2sec's reader, `show stats` and
 * `version` through its Prometheus exporter, nothing refused as malformed.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "ctl.h"
#include "ctl_proto.h"
#include "ctl_text.h"
#include "dsess.h"
#include "l2tp_fake.h"
#include "core/log.h"
#include "core/rxbatch.h"
#include "core/util.h"
#include "ipsec/ipsec.h"
#include "prom.h"

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

/* An element of a listing: what a chunk may hold past CTL_CHUNK (ctl.h). */
#define ELEM_MAX 2048u

/* The answer to REQ (not as lines) as the socket writes it, parsed (the caller puts it). */
static struct json_object *answer(const struct ctl_src *src, const char *req)
{
	char *text = ctl_text(src, req);
	struct json_object *j = json_tokener_parse(text);

	assert_non_null(j);
	free(text);
	return j;
}

/* The daemon's "version" and "show stats" answers as prometheus text (the caller frees it). */
static char *prom_text(struct json_object *ver, struct json_object *st)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(prom_daemon(out, ver, st), 0);
	fclose(out);
	assert_non_null(text);
	return text;
}

static void test_show(void **state)
{
	struct fake *f;
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	struct json_object *res, *arr, *t, *ver;
	struct rxbatch_stats rxb = { .socket_drops = 7, .truncated = 2 };
	uint16_t lns_sid;
	char *text;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	lac_init(&l, f, 0xc0000202, 1701, 0x10, 0x4321);
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_SCCRP);
	l.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(&l, NULL);
	lac_icrq(&l, 0x99);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_ICRP);
	lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(&l, lns_sid);
	fake_advance(f, 1500);

	res = answer(&(struct ctl_src){ .lns = f->lns }, "show tunnels");
	arr = get(res, "tunnels");
	assert_int_equal(json_object_array_length(arr), 1);
	t = json_object_array_get_idx(arr, 0);
	assert_int_equal(json_object_get_int(get(t, "tunnel_id")), l.lns_tid);
	assert_int_equal(json_object_get_int(get(t, "peer_tunnel_id")), 0x4321);
	assert_string_equal(json_object_get_string(get(t, "state")), "established");
	assert_string_equal(json_object_get_string(get(t, "peer")), "192.0.2.2");
	assert_int_equal(json_object_get_int(get(t, "peer_port")), 1701);
	assert_string_equal(json_object_get_string(get(t, "peer_host")), "lac");
	assert_int_equal(json_object_get_int(get(t, "mark")), 0x10);
	assert_int_equal(json_object_get_int(get(t, "sessions")), 1);
	assert_int_equal(json_object_get_int64(get(t, "uptime_ms")), 1500);
	assert_true(json_object_get_boolean(get(t, "in_kernel")));
	json_object_put(res);

	res = answer(&(struct ctl_src){ .lns = f->lns }, "show sessions");
	arr = get(res, "sessions");
	assert_int_equal(json_object_array_length(arr), 1);
	t = json_object_array_get_idx(arr, 0);
	assert_int_equal(json_object_get_int(get(t, "session_id")), lns_sid);
	assert_int_equal(json_object_get_int(get(t, "peer_session_id")), 0x99);
	assert_int_equal(json_object_get_int(get(t, "call_serial")), 42);
	assert_string_equal(json_object_get_string(get(t, "state")), "established");
	/* its tunnel's peer, for `l2sec session show peer ADDR` */
	assert_string_equal(json_object_get_string(get(t, "peer")), "192.0.2.2");
	assert_int_equal(json_object_get_int(get(t, "peer_port")), 1701);
	json_object_put(res);

	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "show stats");
	assert_int_equal(json_object_get_int(get(res, "tunnels")), 1);
	assert_int_equal(json_object_get_int(get(res, "sessions")), 1);
	assert_int_equal(json_object_get_int(get(get(res, "stats"), "tunnels_established")), 1);
	/* admission per peer: its counters, and the peers it accounts */
	assert_int_equal(json_object_get_int(get(get(res, "admit"), "half_open_sa_limit")), 0);
	assert_true(json_object_get_int(get(get(res, "admit"), "peers")) >= 1);
	json_object_put(res);

	/* the L2TP sockets' losses (rxbatch.h), in the l2tp group and for prometheus */
	res = ctl_handle(&(struct ctl_src){ .lns = f->lns, .rxb = &rxb }, "show stats");
	assert_int_equal(json_object_get_int(get(get(res, "stats"), "rx_socket_drops")), 7);
	assert_int_equal(json_object_get_int(get(get(res, "stats"), "rx_truncated")), 2);
	ver = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "version");
	text = prom_text(ver, res);
	assert_non_null(strstr(text, "\nl2sec_daemon_l2tp_rx_socket_drops_total 7\n"));
	assert_non_null(strstr(text, "\nl2sec_daemon_l2tp_rx_truncated_total 2\n"));
	assert_null(strstr(text, "privsep"));	/* a single l2secd has no engines */
	free(text);
	json_object_put(res);

	/* a privsep engine: the engines before it that died, and those replaced for reloads */
	res = ctl_handle(&(struct ctl_src){ .lns = f->lns, .privsep = true, .engine_restarts = 2,
					   .engine_reloads = 1 }, "show stats");
	assert_int_equal(json_object_get_int(get(get(res, "privsep"), "engine_restarts")), 2);
	assert_int_equal(json_object_get_int(get(get(res, "privsep"), "engine_reloads")), 1);
	text = prom_text(ver, res);
	assert_non_null(strstr(text, "\nl2sec_daemon_privsep_engine_restarts_total 2\n"));
	assert_non_null(strstr(text, "\nl2sec_daemon_privsep_engine_reloads_total 1\n"));
	free(text);
	json_object_put(res);
	json_object_put(ver);

	res = answer(&(struct ctl_src){ .lns = f->lns }, "drop table tunnels");
	assert_string_equal(json_object_get_string(get(res, "error")), "unknown request");
	json_object_put(res);
	fake_free(f);
}

/* A LAC with an established tunnel and one established call; *SID: ours. */
static void connect_lac(struct fake *f, struct lac *l, uint32_t addr, uint16_t tid,
			uint16_t peer_sid, uint16_t *sid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_init(l, f, addr, 1701, 0x10, tid);
	lac_sccrq(l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_SCCRP);
	l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(l, NULL);
	lac_icrq(l, peer_sid);
	assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_ICRP);
	*sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(l, *sid);
	lac_zlbs(l);
}

static struct json_object *req(struct fake *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json_object *req(struct fake *f, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return answer(&(struct ctl_src){ .lns = f->lns }, line);
}

/* RES is {"error": WANT}; it is put. */
static void expect_error(struct json_object *res, const char *want)
{
	assert_string_equal(json_object_get_string(get(res, "error")), want);
	assert_int_equal(json_object_object_length(res), 1);
	json_object_put(res);
}

/* The Result Code AVP of M: result, error 0, and the administrator's message. */
static void expect_admin_result(const struct l2tp_msg *m, uint16_t result)
{
	static const char text[] = "deleted by the administrator";
	const struct l2tp_avp_val *rc = &m->avp[AVP_RESULT_CODE];

	assert_true(l2tp_msg_has(m, AVP_RESULT_CODE));
	assert_int_equal(l2tp_msg_u16(m, AVP_RESULT_CODE), result);
	assert_int_equal(rc->len, 4 + sizeof(text) - 1);
	assert_int_equal(rc->p[2] << 8 | rc->p[3], 0);
	assert_memory_equal(rc->p + 4, text, sizeof(text) - 1);
}

static void test_del_session(void **state)
{
	struct json_object *res, *d;
	struct fake *f;
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	char want[64];
	uint16_t sid;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	connect_lac(f, &l, 0xc0000202, 0x4321, 0x99, &sid);
	assert_int_equal(f->k_sessions, 1);

	res = req(f, "del session %u %u", l.lns_tid, sid);
	d = get(res, "deleted");
	assert_int_equal(json_object_get_int(get(d, "tunnel_id")), l.lns_tid);
	assert_int_equal(json_object_get_int(get(d, "session_id")), sid);
	json_object_put(res);

	/* the peer is told: CDN 3 (administrative), to its session, naming ours */
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.tunnel_id, 0x4321);
	assert_int_equal(h.session_id, 0x99);
	assert_int_equal(l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID), sid);
	expect_admin_result(&m, CDN_ADMIN);
	assert_int_equal(lac_recv(&l, &m, &h, &p), 0);
	/* the module's session and the PPP layer's state are gone; the tunnel stays */
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(f->ppp_closed, 1);
	assert_int_equal(f->lns->n_sessions, 0);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(l2tp_lns_tunnel(f->lns, l.lns_tid)->state, TUNNEL_ESTABLISHED);

	/* once gone, it is gone */
	snprintf(want, sizeof(want), "no such session %u/%u", l.lns_tid, sid);
	expect_error(req(f, "del session %u %u", l.lns_tid, sid), want);
	fake_free(f);
}

static void test_del_tunnel(void **state)
{
	struct json_object *res, *d, *arr;
	struct fake *f;
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	char want[64];
	uint16_t sid;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	connect_lac(f, &l, 0xc0000202, 0x4321, 0x99, &sid);

	res = req(f, "del tunnel %u", l.lns_tid);
	d = get(res, "deleted");
	assert_int_equal(json_object_get_int(get(d, "tunnel_id")), l.lns_tid);
	assert_int_equal(json_object_get_int(get(d, "sessions")), 1);
	json_object_put(res);

	/* one StopCCN 1 (clear), no CDN: a StopCCN clears the sessions (5.7) */
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_STOPCCN);
	assert_int_equal(h.tunnel_id, 0x4321);
	assert_int_equal(l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID), l.lns_tid);
	expect_admin_result(&m, STOPCCN_CLEAR);
	assert_int_equal(lac_recv(&l, &m, &h, &p), 0);
	assert_int_equal(f->k_tunnels, 0);
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(f->ppp_closed, 1);
	assert_int_equal(f->lns->n_sessions, 0);

	/* it lingers for the peer's ack, and says so */
	res = req(f, "show tunnels");
	arr = get(res, "tunnels");
	assert_int_equal(json_object_array_length(arr), 1);
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(arr, 0),
							 "state")), "closing");
	json_object_put(res);
	snprintf(want, sizeof(want), "tunnel %u is closing already", l.lns_tid);
	expect_error(req(f, "del tunnel %u", l.lns_tid), want);
	snprintf(want, sizeof(want), "no such session %u/%u", l.lns_tid, sid);
	expect_error(req(f, "del session %u %u", l.lns_tid, sid), want);
	assert_int_equal(lac_recv(&l, &m, &h, &p), 0);

	/* then it is freed */
	lac_zlb(&l);
	fake_advance(f, 120000);
	snprintf(want, sizeof(want), "no such tunnel %u", l.lns_tid);
	expect_error(req(f, "del tunnel %u", l.lns_tid), want);
	fake_free(f);
}

/* Ids that name nothing: a clear error, nothing sent, nothing undone. */
/*
 * Two peers' tunnels of one ID (IDs are unique per peer or SA): the ID alone is
 * refused as ambiguous, with nothing sent; with the handle `show tunnels` prints,
 * each is deleted on its own, its peer told and the other's left alone.
 */
static void test_del_ambiguous(void **state)
{
	struct json_object *res, *arr, *d;
	struct fake *f;
	struct lac a, b;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t sa, sb, tid;
	uint32_t ha = 0, hb = 0;
	unsigned int n_out;
	char want[96];

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	f->rnd_fixed = 0x2345;
	connect_lac(f, &a, 0xc0000202, 0x1111, 0x91, &sa);
	connect_lac(f, &b, 0xc0000203, 0x2222, 0x92, &sb);
	tid = a.lns_tid;
	assert_int_equal(b.lns_tid, tid);

	res = req(f, "show tunnels");
	arr = get(res, "tunnels");
	assert_int_equal(json_object_array_length(arr), 2);
	for (size_t i = 0; i < 2; i++) {
		struct json_object *t = json_object_array_get_idx(arr, i);
		const char *peer = json_object_get_string(get(t, "peer"));
		uint32_t hd = (uint32_t)json_object_get_int64(get(t, "handle"));

		assert_int_equal(json_object_get_int(get(t, "tunnel_id")), tid);
		if (!strcmp(peer, "192.0.2.2"))
			ha = hd;
		else
			hb = hd;
	}
	json_object_put(res);
	assert_true(ha && hb && ha != hb);

	n_out = f->n_out;
	snprintf(want, sizeof(want), "ambiguous tunnel %u: several peers hold it, give its handle",
		 tid);
	expect_error(req(f, "del tunnel %u", tid), want);
	expect_error(req(f, "del session %u %u", tid, sa), want);
	snprintf(want, sizeof(want), "no such tunnel %u handle %u", tid, ha + hb);
	expect_error(req(f, "del tunnel %u handle %u", tid, ha + hb), want);
	snprintf(want, sizeof(want), "no such tunnel %u handle %u", (uint16_t)(tid + 1), ha);
	expect_error(req(f, "del tunnel %u handle %u", (uint16_t)(tid + 1), ha), want);
	assert_int_equal(f->n_out, n_out);
	assert_int_equal(f->k_sessions, 2);

	/* A's session by its handle: the CDN goes to A only */
	res = req(f, "del session %u %u handle %u", tid, sa, ha);
	d = get(res, "deleted");
	assert_int_equal(json_object_get_int(get(d, "tunnel_id")), tid);
	assert_int_equal(json_object_get_int64(get(d, "handle")), ha);
	assert_int_equal(json_object_get_int(get(d, "session_id")), sa);
	json_object_put(res);
	assert_int_equal(lac_recv(&a, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.tunnel_id, 0x1111);
	assert_int_equal(lac_recv(&b, &m, &h, &p), 0);
	assert_int_equal(f->k_sessions, 1);

	/* B's tunnel by its handle: the StopCCN goes to B, A's tunnel stays */
	res = req(f, "del tunnel %u handle %u", tid, hb);
	d = get(res, "deleted");
	assert_int_equal(json_object_get_int64(get(d, "handle")), hb);
	assert_int_equal(json_object_get_int(get(d, "sessions")), 1);
	json_object_put(res);
	assert_int_equal(lac_recv(&b, &m, &h, &p), L2TP_STOPCCN);
	assert_int_equal(h.tunnel_id, 0x2222);
	assert_int_equal(lac_recv(&a, &m, &h, &p), 0);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(f->k_sessions, 0);
	assert_int_equal(l2tp_lns_tunnel_by_handle(f->lns, tid, ha)->state, TUNNEL_ESTABLISHED);
	fake_free(f);
}

static void test_del_unknown(void **state)
{
	struct fake *f;
	struct lac a, b;
	uint16_t sa, sb, other;
	char want[64];
	unsigned int n_out;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	connect_lac(f, &a, 0xc0000202, 0x1111, 0x91, &sa);
	connect_lac(f, &b, 0xc0000203, 0x2222, 0x92, &sb);
	other = (uint16_t)(a.lns_tid ^ b.lns_tid ^ 1);
	if (!other || other == a.lns_tid || other == b.lns_tid)
		other = (uint16_t)(a.lns_tid + b.lns_tid + 1) ?: 1;
	assert_true(other != a.lns_tid && other != b.lns_tid);
	n_out = f->n_out;

	snprintf(want, sizeof(want), "no such tunnel %u", other);
	expect_error(req(f, "del tunnel %u", other), want);
	expect_error(req(f, "del session %u %u", other, sa), want);
	/* B's session through A's tunnel: ids are checked together */
	snprintf(want, sizeof(want), "no such session %u/%u", a.lns_tid, sb);
	expect_error(req(f, "del session %u %u", a.lns_tid, sb), want);
	snprintf(want, sizeof(want), "no such session %u/%u", a.lns_tid, 65535);
	if (sa != 65535 && sb != 65535)
		expect_error(req(f, "del session %u %u", a.lns_tid, 65535), want);

	assert_int_equal(f->n_out, n_out);
	assert_int_equal(f->k_tunnels, 2);
	assert_int_equal(f->k_sessions, 2);
	assert_int_equal(f->ppp_closed, 0);
	fake_free(f);
}

/* TPL with T, S and H replaced by TID, SID and TID in hex. */
static void expand(const char *tpl, uint16_t tid, uint16_t sid, char *out, size_t size)
{
	size_t n = 0;

	for (; *tpl && n + 8 < size; tpl++) {
		if (*tpl == 'T')
			n += (size_t)snprintf(out + n, size - n, "%u", tid);
		else if (*tpl == 'S')
			n += (size_t)snprintf(out + n, size - n, "%u", sid);
		else if (*tpl == 'H')
			n += (size_t)snprintf(out + n, size - n, "%x", tid);
		else
			out[n++] = *tpl;
	}
	out[n] = '\0';
}

/* Malformed requests: refused as a whole, however close to a real one. */
static void test_del_bad(void **state)
{
	/* T: the real tunnel id, S: the real session id, H: the tunnel id in hex */
	static const char *const bad[] = {
		"del tunnel", "del tunnel ", "del tunnel 0", "del tunnel 65536",
		"del tunnel 99999999999999999999", "del tunnel -1", "del tunnel x",
		"del tunnel 4294967297", "del tunnel T ", "del tunnel  T", "del tunnel 0T",
		"del tunnel +T", "del tunnel Tx", "del tunnel T.0", "del tunnel T\t",
		"del tunnel T 1", "del tunnel 0xH", "del tunnel T\n", "del tunnel T\r",
		"del session T", "del session T ", "del session T  S", "del session T S ",
		"del session T S 1", "del session T,S", "del session T\tS", "del session T 0S",
		"del session T -S", "del session T 0", "del session T 65536", "del session 0 S",
		"del session T Sx", "del session  T S", "del session T/S", "del session T S\r",
		"del session", "del session ", "del tunnel T handle", "del tunnel T handle ",
		"del tunnel T handle 0", "del tunnel T handle 01", "del tunnel T handle 1x",
		"del tunnel T handle 4294967296", "del tunnel T handle 99999999999",
		"del tunnel T handle  1", "del tunnel T handles 1", "del tunnel T 1 handle 1",
		"del session T S handle", "del session T S handle 1 ", "del session T handle 1",
	};
	struct json_object *res;
	struct fake *f;
	struct lac l;
	uint16_t sid;
	char line[64];
	unsigned int n_out;
	const char *e;
	size_t i;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	connect_lac(f, &l, 0xc0000202, 0x4321, 0x99, &sid);
	n_out = f->n_out;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expand(bad[i], l.lns_tid, sid, line, sizeof(line));
		res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, line);
		e = json_object_get_string(get(res, "error"));
		if (strncmp(e, "usage: del ", 11))
			fail_msg("\"%s\" was answered \"%s\"", line, e);
		json_object_put(res);
	}
	/* not a del at all */
	expect_error(req(f, "del"), "unknown request");
	expect_error(req(f, "del tunnels %u", l.lns_tid), "unknown request");
	expect_error(req(f, "delete tunnel %u", l.lns_tid), "unknown request");
	expect_error(req(f, "DEL tunnel %u", l.lns_tid), "unknown request");

	assert_int_equal(f->n_out, n_out);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(f->k_sessions, 1);
	assert_int_equal(f->lns->n_sessions, 1);
	fake_free(f);
}

/* A reply built by ctl.c, read by the tool's parsers: the same keys. */
static void test_tool_reads_daemon(void **state)
{
	struct json_object *ver, *st;
	struct dsess_list l = { 0 };
	const struct dsess *d;
	unsigned int bad = 0;
	struct fake *f;
	struct lac lac;
	uint16_t sid;
	char *text, line[64];

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	connect_lac(f, &lac, 0xc0000202, 0x4321, 0x99, &sid);
	fake_advance(f, 2500);

	assert_int_equal(dsess_parse(req(f, CTL_REQ_SHOW_SESSIONS), &l, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(l.n, 1);
	d = dsess_find(&l, lac.lns_tid, sid);
	assert_non_null(d);
	assert_int_equal(d->u[DSESS_PEER_TUNNEL_ID], 0x4321);
	assert_int_equal(d->u[DSESS_PEER_SESSION_ID], 0x99);
	assert_int_equal(d->u[DSESS_CALL_SERIAL], 42);
	assert_true(d->has & (1u << DSESS_UPTIME_MS));
	assert_int_equal(d->u[DSESS_UPTIME_MS], 2500);
	assert_int_equal(d->u[DSESS_MARK], 0x10);
	assert_string_equal(d->s[DSESS_STATE], "established");
	assert_int_equal(d->in_kernel, 1);
	assert_int_equal(d->require_ipsec, f->lns->tunnel_list->require_ipsec);
	dsess_list_free(&l);

	ver = req(f, CTL_REQ_VERSION);
	st = req(f, CTL_REQ_SHOW_STATS);
	text = prom_text(ver, st);
	assert_non_null(strstr(text, "\nl2sec_daemon_up 1\n"));
	assert_non_null(strstr(text, "\nl2sec_daemon_tunnels 1\n"));
	assert_non_null(strstr(text, "\nl2sec_daemon_sessions 1\n"));
	assert_non_null(strstr(text, "\nl2sec_daemon_l2tp_tunnels_established_total 1\n"));
	/* a level: the value the daemon wrote */
	snprintf(line, sizeof(line), "\nl2sec_daemon_admit_peers %d\n",
		 json_object_get_int(get(get(st, "admit"), "peers")));
	assert_non_null(strstr(text, line));
	free(text);
	json_object_put(ver);
	json_object_put(st);
	fake_free(f);
}

/* --- listings a chunk at a time (ctl_out) ------------------------------------- */

#define N_LIST 400u

/* A fake LNS for thousands of tunnels and sessions, quiet, without IPsec. */
static struct fake *big_lns(void)
{
	struct l2sec_config cfg;

	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
	config_defaults(&cfg);
	strcpy(cfg.l2tp.hostname, "lns");
	cfg.l2tp.require_ipsec = false;
	cfg.l2tp.sccrq_rate = 100000;
	cfg.l2tp.hello_interval_ms = 0;
	cfg.l2tp.max_tunnels = 65535;
	cfg.l2tp.max_sessions = 65535;
	cfg.l2tp.max_sessions_per_tunnel = 65535;
	return fake_new(&cfg);
}

/* A fake LNS with N tunnels from as many peers, each with one call up. */
static struct fake *many_tunnels(unsigned int n)
{
	struct fake *f = big_lns();

	for (unsigned int i = 0; i < n; i++) {
		struct lac l;
		struct l2tp_msg m;
		struct l2tp_hdr h;
		struct fake_pkt p;

		f->n_out = 0;	/* what earlier LACs were sent: the fake keeps 128 */
		lac_init(&l, f, 0xc6336400 + i, 1701, 0, (uint16_t)(i + 1));
		lac_establish(&l);
		assert_int_not_equal(l.lns_tid, 0);
		lac_icrq(&l, 7);
		assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_ICRP);
		lac_iccn(&l, l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID));
	}
	assert_int_equal(f->lns->n_sessions, n);
	return f;
}

/*
 * `show sessions lines`, with tunnels freed between its chunks (the one the
 * walk would visit next among them) and one added: each session listed at
 * most once, none freed read (ASan), the end line's count the lines'.
 */
static void test_listing_lines(void **state)
{
	struct fake *f = many_tunnels(N_LIST);
	struct ctl_src src = { .lns = f->lns };
	struct ctl_out o = { 0 };
	struct l2tp_tunnel *next, *later;
	char *all = NULL, *line, *save = NULL;
	size_t len = 0, lines = 0, i;
	bool seen[65536] = { 0 };
	struct lac l;

	(void)state;
	assert_int_equal(ctl_out_start(&src, "show sessions lines", &o), 0);
	assert_int_equal(o.len, 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_true(o.len >= CTL_CHUNK);	/* 400 sessions are more than one chunk */
	assert_false(o.done);
	all = malloc(o.len + 1);
	memcpy(all, o.buf, o.len);
	len = o.len;
	all[len] = '\0';
	o.off = o.len;
	assert_null(o.cur.sess);	/* a session a tunnel: the chunk ended with one */
	/* the next tunnel of the walk, and one further on, go before the next chunk */
	next = o.cur.next;
	assert_non_null(next);
	for (later = next, i = 0; later && i < 10; i++)
		later = l2tp_lns_next_tunnel(later);
	assert_non_null(later);
	l2tp_tunnel_destroy(next);
	l2tp_tunnel_destroy(later);
	/* a new one: linked at the head, behind the walk */
	f->n_out = 0;
	lac_init(&l, f, 0xcb007101, 1701, 0, 9999);
	lac_establish(&l);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	ctl_text_drain(&src, &o, &all, &len, ELEM_MAX);
	ctl_out_free(&o);

	for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *j = json_tokener_parse(line), *v;

		assert_non_null(j);
		if (json_object_object_get_ex(j, "end", &v)) {
			assert_string_equal(json_object_get_string(v), "sessions");
			assert_int_equal(json_object_get_int64(get(j, "count")), lines);
			assert_null(strtok_r(NULL, "\n", &save));	/* the last line */
			json_object_put(j);
			break;
		}
		i = (size_t)json_object_get_int64(get(j, "tunnel_id"));
		assert_false(seen[i]);
		seen[i] = true;
		lines++;
		json_object_put(j);
	}
	assert_int_equal(lines, N_LIST - 2);
	assert_int_equal(f->lns->n_sessions, N_LIST - 2);
	free(all);
	fake_free(f);
}

/*
 * `show tunnels` and `show sessions` as one object, streamed: one JSON
 * object whose array holds what the same listing as lines holds, in order.
 */
static void test_listing_object(void **state)
{
	static const char *const reqs[] = { "show sessions", "show tunnels" };
	struct fake *f = many_tunnels(N_LIST);
	struct ctl_src src = { .lns = f->lns };

	(void)state;
	for (size_t r = 0; r < 2; r++) {
		struct json_object *j, *arr, *e;
		char lreq[32], *all, *lines, *line, *save = NULL;
		size_t i = 0;

		all = ctl_text(&src, reqs[r]);
		assert_true(strlen(all) > CTL_CHUNK);
		j = json_tokener_parse(all);
		assert_non_null(j);
		arr = get(j, r ? "tunnels" : "sessions");
		assert_int_equal(json_object_array_length(arr), N_LIST);
		snprintf(lreq, sizeof(lreq), "%s lines", reqs[r]);
		lines = ctl_text(&src, lreq);
		for (line = strtok_r(lines, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save), i++) {
			if (i == N_LIST) {
				assert_non_null(strstr(line, "\"end\""));
				break;
			}
			e = json_object_array_get_idx(arr, i);
			assert_string_equal(line, json_object_to_json_string_ext(
						    e, JSON_C_TO_STRING_PLAIN));
		}
		assert_int_equal(i, N_LIST);
		json_object_put(j);
		free(all);
		free(lines);
	}
	fake_free(f);
}

/* A fake LNS with one tunnel of N sessions, all up. */
static struct fake *one_tunnel(unsigned int n, struct lac *l)
{
	struct fake *f = big_lns();
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_init(l, f, 0xc6336401, 1701, 0, 77);
	lac_establish(l);
	for (unsigned int i = 0; i < n; i++) {
		f->n_out = 0;	/* the fake keeps 128 */
		l->seen = 0;
		lac_icrq(l, (uint16_t)(i + 1));
		assert_int_equal(lac_recv(l, &m, &h, &p), L2TP_ICRP);
		lac_iccn(l, l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID));
	}
	assert_int_equal(f->lns->n_sessions, n);
	return f;
}

/* The lines of TEXT (a listing as lines) before its end line, which must count them. */
static size_t count_lines(char *text, const char *list)
{
	char *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *j = json_tokener_parse(line), *v;

		assert_non_null(j);
		if (json_object_object_get_ex(j, "end", &v)) {
			assert_string_equal(json_object_get_string(v), list);
			assert_int_equal(json_object_get_int64(get(j, "count")), n);
			assert_null(strtok_r(NULL, "\n", &save));
			json_object_put(j);
			return n;
		}
		n++;
		json_object_put(j);
	}
	fail_msg("no end line");
	return 0;
}

/*
 * One tunnel with 1,500 sessions (a LAC's, max-sessions-per-tunnel up to
 * 65,535): its sessions go a chunk at a time, not as one chunk of the whole
 * tunnel (some 600 kB). The session the walk visits next is freed between
 * two chunks, then the tunnel with all the rest: nothing freed is read
 * (ASan), and what was listed is counted right.
 */
#define N_ONE 1500u
static void test_listing_one_tunnel(void **state)
{
	struct lac l;
	struct fake *f = one_tunnel(N_ONE, &l);
	struct ctl_src src = { .lns = f->lns };
	struct ctl_out o = { 0 };
	struct l2tp_session *next;
	char *all = NULL;
	size_t len = 0;

	(void)state;
	free(ctl_text(&src, "show sessions"));	/* ctl_text checks each chunk's size */
	all = ctl_text(&src, "show sessions lines");
	assert_int_equal(count_lines(all, "sessions"), N_ONE);
	free(all);
	all = NULL;

	assert_int_equal(ctl_out_start(&src, "show sessions lines", &o), 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_true(o.len >= CTL_CHUNK && o.len <= CTL_CHUNK + ELEM_MAX);
	ctl_text_take(&o, &all, &len);
	next = o.cur.sess;
	assert_non_null(next);
	l2tp_session_drop(next);
	fake_advance(f, 1);	/* its deferred free */
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_false(o.done);
	ctl_text_drain(&src, &o, &all, &len, ELEM_MAX);
	ctl_out_free(&o);
	assert_int_equal(count_lines(all, "sessions"), N_ONE - 1);
	free(all);
	all = NULL;
	len = 0;

	assert_int_equal(ctl_out_start(&src, "show sessions lines", &o), 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_non_null(o.cur.sess);
	ctl_text_take(&o, &all, &len);
	l2tp_tunnel_destroy(f->lns->tunnel_list);
	fake_advance(f, 1);
	assert_null(o.cur.sess);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	ctl_text_drain(&src, &o, &all, &len, ELEM_MAX);
	ctl_out_free(&o);
	assert_true(count_lines(all, "sessions") < N_ONE / 2);
	free(all);
	fake_free(f);
}

/*
 * `show sessions lines tunnel TID user NAME`: only the sessions asked for,
 * walked CTL_WALK_MAX a chunk (a chunk may be empty); every malformed filter
 * refused with the usage, not taken for another listing.
 */
static void test_listing_filters(void **state)
{
	static const char *const bad[] = {
		"show sessions lines tunnel", "show sessions lines tunnel 0",
		"show sessions lines tunnel 65536", "show sessions lines tunnel 05",
		"show sessions lines tunnel 5 ", "show sessions lines tunnel 5x",
		"show sessions lines user", "show sessions lines user ",
		"show sessions lines user a b", "show sessions lines user %",
		"show sessions lines user %4", "show sessions lines user %00",
		"show sessions lines user %zz", "show sessions lines user \xc3\xa9",
		"show sessions lines user a tunnel 5", "show tunnels lines tunnel 5",
		"show tunnels lines user a", "show sessions lines tunnel 5 user",
		"show sessions lines tunnel 5 tunnel 6", "show sessions lines user a user b",
		"show sessions lines user a ", "show sessions lines no-counters ",
		"show sessions lines no-counters no-counters", "show sessions lines no-counters user a",
		"show sessions lines user a  no-counters", "show sessions lines nocounters",
		"show tunnels lines no-counters",
		"show sessions lines address", "show sessions lines address ",
		"show sessions lines address x", "show sessions lines address 10.0.0.1/32",
		"show sessions lines address 2001:db8::/64", "show sessions lines address 10.0.0.1 ",
		"show sessions lines address  10.0.0.1", "show sessions lines address 010.0.0.1",
		"show sessions lines address 10.0.0.1 address 10.0.0.1",
		"show sessions lines address 10.0.0.1 user a", "show sessions lines peer",
		"show sessions lines peer 198.51.100.1:1701", "show sessions lines peer [::1]",
		"show sessions lines peer 198.51.100.1 address 10.0.0.1",
		"show sessions lines peer 198.51.100.1 tunnel 5",
		"show sessions lines peer 1:2:3:4:5:6:7:8:9",
		"show sessions lines peer 1111:2222:3333:4444:5555:6666:255.255.255.255x",
		"show tunnels lines peer 198.51.100.1",
	};
	struct fake *f = many_tunnels(N_LIST);
	struct ctl_src src = { .lns = f->lns };
	struct l2tp_tunnel *t = f->lns->tunnel_list->next;
	struct ctl_out o = { 0 };
	char req[320], *all = NULL, *p;
	size_t len = 0;
	struct json_object *res;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		res = answer(&src, bad[i]);
		expect_error(res, CTL_LIST_USAGE);
	}
	/* 256 octets: one more than a user name may have */
	strcpy(req, "show sessions lines user ");
	p = req + strlen(req);
	memset(p, 'u', 256);
	p[256] = '\0';
	expect_error(answer(&src, req), CTL_LIST_USAGE);
	p[255] = '\0';		/* 255: a name, though no session has it */
	all = ctl_text(&src, req);
	assert_string_equal(all, "{\"end\":\"sessions\",\"count\":0}\n");
	free(all);

	snprintf(req, sizeof(req), "show sessions lines tunnel %u", t->tid);
	all = ctl_text(&src, req);
	p = strstr(all, "\"tunnel_id\":");
	assert_non_null(p);
	assert_int_equal(strtoul(p + 12, NULL, 10), t->tid);
	assert_int_equal(count_lines(all, "sessions"), 1);
	free(all);

	all = ctl_text(&src, "show sessions lines no-counters");
	assert_int_equal(count_lines(all, "sessions"), N_LIST);
	free(all);
	snprintf(req, sizeof(req), "show sessions lines tunnel %u no-counters", t->tid);
	all = ctl_text(&src, req);
	assert_int_equal(count_lines(all, "sessions"), 1);
	free(all);
	snprintf(req, sizeof(req), "show sessions lines tunnel %u user x no-counters", t->tid);
	all = ctl_text(&src, req);
	assert_int_equal(count_lines(all, "sessions"), 0);
	free(all);

	/* no PPP layer here: no session has a user, %41 is 'A', nor an address */
	all = ctl_text(&src, "show sessions lines user %41lice");
	assert_string_equal(all, "{\"end\":\"sessions\",\"count\":0}\n");
	free(all);
	all = ctl_text(&src, "show sessions lines address 10.0.0.1");
	assert_string_equal(all, "{\"end\":\"sessions\",\"count\":0}\n");
	free(all);

	/* the tunnels' peers are 198.51.100.0 on, port 1701 (many_tunnels) */
	all = ctl_text(&src, "show sessions lines peer 198.51.100.1 no-counters");
	assert_int_equal(count_lines(all, "sessions"), 1);
	assert_non_null(strstr(all, "\"peer\":\"198.51.100.1\","));
	free(all);
	all = ctl_text(&src, "show sessions lines peer ::ffff:198.51.100.2");
	assert_int_equal(count_lines(all, "sessions"), 1);
	assert_non_null(strstr(all, "\"peer\":\"198.51.100.2\","));
	free(all);
	snprintf(req, sizeof(req), "show sessions lines tunnel %u peer 198.51.100.0", t->tid);
	all = ctl_text(&src, req);
	assert_int_equal(count_lines(all, "sessions"), t->peer.addr.sin.sin_addr.s_addr ==
			 htonl(0xc6336400));
	free(all);
	all = ctl_text(&src, "show sessions lines peer 198.51.102.1");
	assert_int_equal(count_lines(all, "sessions"), 0);
	free(all);
	all = ctl_text(&src, "show sessions lines peer 2001:db8::1");
	assert_int_equal(count_lines(all, "sessions"), 0);
	free(all);
	/* or its SA's remote (the engine's copy of the SA table, as under privsep) */
	{
		struct ipsec_sa_desc sa = { .mark = 77, .reqid = 5, .encap = true };

		src.ipsec = ipsec_new_copy(NULL, NULL, NULL, NULL);
		assert_non_null(src.ipsec);
		sa.remote.family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, "::ffff:203.0.113.1", &sa.remote.a.v6), 1);
		sa.remote.port = 4500;
		assert_int_equal(ipsec_copy_put(src.ipsec, &sa), 0);
		all = ctl_text(&src, "show sessions lines peer 203.0.113.1");
		assert_int_equal(count_lines(all, "sessions"), 0);
		free(all);
		t->peer.mark = 77;
		snprintf(req, sizeof(req), "show sessions lines peer 203.0.113.1");
		all = ctl_text(&src, req);
		assert_int_equal(count_lines(all, "sessions"), 1);
		p = strstr(all, "\"tunnel_id\":");
		assert_non_null(p);
		assert_int_equal(strtoul(p + 12, NULL, 10), t->tid);
		free(all);
		t->peer.mark = 0;
		ipsec_free(src.ipsec);
		src.ipsec = NULL;
	}
	all = NULL;
	fake_free(f);

	/* the walk stops after CTL_WALK_MAX sessions a chunk, listed or not */
	struct lac l;

	f = one_tunnel(N_ONE, &l);
	src.lns = f->lns;
	assert_int_equal(ctl_out_start(&src, "show sessions lines user nobody", &o), 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_int_equal(o.len, 0);
	assert_false(o.done);
	ctl_text_drain(&src, &o, &all, &len, ELEM_MAX);
	ctl_out_free(&o);
	assert_string_equal(all, "{\"end\":\"sessions\",\"count\":0}\n");
	free(all);
	fake_free(f);
}

/*
 * A listing dropped half way (its client went) leaves no cursor behind: the
 * tunnels then freed do not write into it (ASan), and an LNS freed with a
 * walk still on forgets it. Anything else is answered whole at once.
 */
static void test_listing_dropped(void **state)
{
	struct fake *f = many_tunnels(N_LIST);
	struct ctl_src src = { .lns = f->lns };
	struct ctl_out o = { 0 }, o2 = { 0 };

	(void)state;
	assert_int_equal(ctl_out_start(&src, "show tunnels lines", &o), 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_false(o.done);
	assert_int_equal(ctl_out_start(&src, "show sessions", &o2), 0);
	assert_int_equal(ctl_out_next(&src, &o2), 0);
	ctl_out_free(&o);
	assert_ptr_equal(f->lns->cursors, &o2.cur);
	while (f->lns->tunnel_list)
		l2tp_tunnel_destroy(f->lns->tunnel_list);
	assert_null(o2.cur.next);
	assert_int_equal(ctl_out_start(&src, "show sessions lines", &o), 0);
	fake_free(f);	/* with two walks on */
	ctl_out_free(&o);
	ctl_out_free(&o2);

	f = fake_new(NULL);
	src.lns = f->lns;
	/* not listings: what ctl_handle says of any unknown request (a space too many) */
	for (size_t i = 0; i < 3; i++) {
		static const char *const unknown[] = { "show sessions nonsense", "show sessions ",
						       "show tunnels lines " };

		assert_int_equal(ctl_out_start(&src, unknown[i], &o), 0);
		assert_true(o.done);
		o.buf[o.len] = '\0';	/* within its CTL_CHUNK octets */
		assert_string_equal(o.buf, "{\"error\":\"unknown request\"}\n");
		ctl_out_free(&o);
	}
	assert_int_equal(ctl_out_start(&src, "show sessions lines", &o), 0);
	assert_int_equal(ctl_out_next(&src, &o), 0);
	assert_true(o.done);
	o.buf[o.len] = '\0';
	assert_string_equal(o.buf, "{\"end\":\"sessions\",\"count\":0}\n");
	ctl_out_free(&o);
	fake_free(f);
}

/* The loop's passes left: the loop stops before its next wait once they are done. */
static void passes(void *arg)
{
	unsigned int *n = arg;

	if (!(*n)--)
		evloop_stop(*(struct evloop **)(n + 2));
}

/* N passes of LOOP (each: one wait for events, and their callbacks). */
static void run_passes(struct evloop *loop, unsigned int n)
{
	struct {
		unsigned int n, pad;
		struct evloop *loop;
	} st = { n, 0, loop };

	evloop_set_before_wait(loop, passes, &st);
	assert_int_equal(evloop_run(loop), 0);
	evloop_set_before_wait(loop, NULL, NULL);
}

/* LOOP runs until the LNS holds no walk. */
static void no_cursor(void *arg)
{
	struct fake *f = arg;

	if (!f->lns->cursors)
		evloop_stop(f->loop);
}

/* What the socket has for FD now, appended to *ALL: its length. */
static size_t take_now(int fd, char **all, size_t *len)
{
	char buf[8192];
	size_t got = 0;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		*all = realloc(*all, *len + (size_t)r + 1);
		memcpy(*all + *len, buf, (size_t)r);
		*len += (size_t)r;
		(*all)[*len] = '\0';
		got += (size_t)r;
	}
	return got;
}

/*
 * Through the socket: a listing goes one chunk a pass of the loop even to a
 * client that reads as fast as it is written, so that the peers are served
 * between chunks; all of it arrives, with its end line. A client that stops
 * reading is dropped 5 s after the last byte that went, and its walk with it
 * (N_SOCK sessions, some 900 kB: more than the socket's buffer).
 */
#define N_SOCK 2000u
static void test_listing_socket(void **state)
{
	struct fake *f = many_tunnels(N_SOCK);
	struct ctl_src src = { .lns = f->lns };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	static const char req[] = "show sessions lines\n";
	struct l2tp_tunnel *last;
	char freq[64];
	char dir[] = "/tmp/l2sec-ctl-XXXXXX", *all = NULL;
	size_t len = 0, got, n;
	struct evloop *loop, *fake_loop;
	struct timespec t0, t1;
	struct ctl *ctl;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir);
	/* the socket on a loop of its own with the real clock (the fake's has no epoll) */
	loop = evloop_new(NULL, NULL);
	assert_non_null(loop);
	ctl = ctl_open(loop, sun.sun_path, &src);
	assert_non_null(ctl);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	run_passes(loop, 2);	/* the accept; the request and the first chunk */
	got = take_now(fd, &all, &len);
	assert_true(got >= CTL_CHUNK && got <= CTL_CHUNK + 2048);
	for (n = 0; n < 100 && !(len && strstr(all, "{\"end\":")); n++) {
		run_passes(loop, 1);
		got = take_now(fd, &all, &len);
		assert_true(got <= CTL_CHUNK + 2048);
	}
	assert_non_null(strstr(all, "{\"end\":\"sessions\",\"count\":2000}\n"));
	n = 0;
	for (const char *p = all; (p = strchr(p, '\n')); p++)
		n++;
	assert_int_equal(n, N_SOCK + 1);
	free(all);
	all = NULL;
	len = 0;
	assert_null(f->lns->cursors);
	close(fd);

	/*
	 * One tunnel's sessions: the walk passes over CTL_WALK_MAX sessions a
	 * pass and writes nothing in the first; the client still gets all.
	 */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	for (last = f->lns->tunnel_list; l2tp_lns_next_tunnel(last);)
		last = l2tp_lns_next_tunnel(last);	/* the walk's last */
	snprintf(freq, sizeof(freq), "show sessions lines tunnel %u\n", last->tid);
	assert_int_equal(send(fd, freq, strlen(freq), 0), (ssize_t)strlen(freq));
	run_passes(loop, 2);
	assert_int_equal(take_now(fd, &all, &len), 0);
	assert_non_null(f->lns->cursors);
	for (n = 0; n < 10 && !(len && strstr(all, "{\"end\":")); n++) {
		run_passes(loop, 1);
		take_now(fd, &all, &len);
	}
	assert_non_null(all);
	assert_int_equal(count_lines(all, "sessions"), 1);
	free(all);
	all = NULL;
	assert_null(f->lns->cursors);
	close(fd);

	/* a client that reads nothing: dropped 5 s after the first chunk went */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	/* the accept; the request and a chunk (a unix socket with a quarter of its buffer
	 * queued is not writable: nothing more goes) */
	run_passes(loop, 2);
	assert_non_null(f->lns->cursors);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fake_loop = f->loop;
	f->loop = loop;		/* no_cursor's way to stop it */
	evloop_set_before_wait(loop, no_cursor, f);
	assert_int_equal(evloop_run(loop), 0);
	evloop_set_before_wait(loop, NULL, NULL);
	f->loop = fake_loop;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(f->lns->cursors);
	n = (size_t)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	assert_true(n >= 4500 && n < 10000);
	close(fd);
	ctl_close(ctl);
	evloop_free(loop);
	rmdir(dir);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_tool_reads_daemon),
		cmocka_unit_test(test_del_session),
		cmocka_unit_test(test_del_tunnel),
		cmocka_unit_test(test_del_unknown),
		cmocka_unit_test(test_del_ambiguous),
		cmocka_unit_test(test_del_bad),
		cmocka_unit_test(test_listing_lines),
		cmocka_unit_test(test_listing_object),
		cmocka_unit_test(test_listing_one_tunnel),
		cmocka_unit_test(test_listing_filters),
		cmocka_unit_test(test_listing_dropped),
		cmocka_unit_test(test_listing_socket),
	};

	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
