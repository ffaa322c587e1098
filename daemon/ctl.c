// SPDX-License-Identifier: GPL-2.0
/* Control socket: one request line in, one JSON object out (see ctl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr46.h"
#include "auth/authlimit.h"
#include "ctl_proto.h"
#include "ctl.h"
#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_tunnel.h"
#include "inform.h"
#include "ipsec/ipsec.h"
#include "core/log.h"
#include "core/rxbatch.h"
#include "l2tp/rxcheck.h"
#include "sess.h"
#include "core/util.h"
#include "datapath/datapath.h"

#define CTL_MAX_CLIENTS 16
#define CTL_REQ_MAX 256
#define CTL_REQ_DEBUG_SECCOMP "debug seccomp"	/* tests only: ctl_src.test_hooks */
#define CTL_CLIENT_TIMEOUT_MS 5000
/* a listing's walk visits at most this many tunnels or sessions a chunk, listed or not */
#define CTL_WALK_MAX 1024u

#ifndef L2SEC_VERSION
#define L2SEC_VERSION "unknown"
#endif

struct ctl_client {
	struct ctl *ctl;
	struct ev_io io;
	/* a client that reads nothing for this long is dropped: re-armed on progress */
	struct ev_timer timeout;
	char req[CTL_REQ_MAX];
	size_t req_len;
	struct ctl_out out;		/* the answer, once the request is complete */
	bool answering;
	bool used;
};

struct ctl {
	struct evloop *loop;
	struct ctl_src src;
	struct ev_io listen_io;
	char path[108];
	struct ctl_client clients[CTL_MAX_CLIENTS];
};

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void peer_addr(const struct l2tp_peer *p, char *buf, size_t len, unsigned int *port)
{
	const union sa46 *sa = &p->addr;

	buf[0] = '\0';
	*port = 0;
	if (sa->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &sa->sin.sin_addr, buf, (socklen_t)len);
		*port = ntohs(sa->sin.sin_port);
	} else if (sa->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sa->sin6.sin6_addr, buf, (socklen_t)len);
		*port = ntohs(sa->sin6.sin6_port);
	}
}

/* One tunnel of `show tunnels`. */
static struct json_object *tunnel_obj(struct l2tp_tunnel *t, struct ipsec *ipsec, uint64_t now)
{
	struct json_object *o = json_object_new_object();
	char addr[INET6_ADDRSTRLEN];
	unsigned int port;

	peer_addr(&t->peer, addr, sizeof(addr), &port);
	add_int(o, CTL_K_TUNNEL_ID, t->tid);
	if (t->dp_handle)
		add_int(o, CTL_K_HANDLE, t->dp_handle);
	add_int(o, CTL_K_PEER_TUNNEL_ID, t->peer_tid);
	add_str(o, CTL_K_STATE, l2tp_tunnel_state_name(t->state));
	add_str(o, CTL_K_PEER, addr);
	add_int(o, CTL_K_PEER_PORT, port);
	add_str(o, CTL_K_PEER_HOST, l2tp_tunnel_peer_host(t));
	add_int(o, CTL_K_MARK, t->peer.mark);
	add_int(o, CTL_K_SESSIONS, t->n_sessions);
	add_int(o, CTL_K_UPTIME_MS, (int64_t)(now - t->created_ms));
	add_bool(o, CTL_K_REQUIRE_IPSEC, t->require_ipsec);
	add_bool(o, CTL_K_IN_KERNEL, t->in_kernel);
	add_int(o, CTL_K_RETRANSMITS, (int64_t)t->ctrl.stats.tx_retransmits);
	if (ipsec)
		ipsec_describe_tunnel(ipsec, t, o);
	return o;
}

/*
 * A session's protection is its tunnel's: require-ipsec, the SA's mark the
 * tunnel is bound to (0: none, or bound by the module at its first packet)
 * and the SA itself as l2secd's SA table knows it (when it manages charon).
 */
static void session_ipsec(const struct l2tp_tunnel *t, struct ipsec *ipsec,
			  struct json_object *o)
{
	add_bool(o, CTL_K_REQUIRE_IPSEC, t->require_ipsec);
	if (t->peer.mark)
		add_int(o, CTL_K_MARK, t->peer.mark);
	if (ipsec)
		ipsec_describe_tunnel(ipsec, t, o);
}

/* One session of `show sessions`; without its data counters when NO_COUNTERS. */
static struct json_object *session_obj(struct l2tp_tunnel *t, struct l2tp_session *s,
				       const struct ctl_src *src, uint64_t now, bool no_counters)
{
	struct json_object *o = json_object_new_object();
	char addr[INET6_ADDRSTRLEN];
	unsigned int port;

	add_int(o, CTL_K_TUNNEL_ID, t->tid);
	if (t->dp_handle)
		add_int(o, CTL_K_HANDLE, t->dp_handle);
	add_int(o, CTL_K_SESSION_ID, s->sid);
	/* its tunnel's: `l2sec session show peer ADDR` without a tunnel dump */
	peer_addr(&t->peer, addr, sizeof(addr), &port);
	if (addr[0]) {
		add_str(o, CTL_K_PEER, addr);
		add_int(o, CTL_K_PEER_PORT, port);
	}
	add_int(o, CTL_K_PEER_TUNNEL_ID, t->peer_tid);
	add_int(o, CTL_K_PEER_SESSION_ID, s->peer_sid);
	add_str(o, CTL_K_STATE, l2tp_session_state_name(s->state));
	add_int(o, CTL_K_CALL_SERIAL, s->call_serial);
	add_int(o, CTL_K_TX_SPEED, s->tx_speed);
	add_int(o, CTL_K_UPTIME_MS, (int64_t)(now - s->created_ms));
	add_bool(o, CTL_K_IN_KERNEL, s->in_kernel);
	add_int(o, CTL_K_PPP_RX, (int64_t)s->rx_ppp);
	add_int(o, CTL_K_PPP_TX, (int64_t)s->tx_ppp);
	session_ipsec(t, src->ipsec, o);
	if (src->ss)
		sessions_describe(src->ss, s, !no_counters, o);
	return o;
}

/* The authentication throttle's counters, in the ppp group (authlimit.h). */
static void auth_stats(const struct authlimit_stats *st, struct json_object *o)
{
	add_int(o, "auth_refused_backoff", (int64_t)st->refused_backoff);
	add_int(o, "auth_refused_lockout", (int64_t)st->refused_lockout);
	add_int(o, "auth_backoffs", (int64_t)st->backoffs);
	add_int(o, "auth_lockouts", (int64_t)st->lockouts);
	add_int(o, "auth_throttle_evicted", (int64_t)st->evicted);
	add_int(o, CTL_K_AUTH_THROTTLE_ENTRIES, (int64_t)st->entries);
}

/*
 * The TUN data path's switch (datapath.h; under privsep the parent's): what
 * it carried each way (rx: from clients to the device, tx: to clients), what
 * it handed l2secd, and every drop by reason. Absent on the kernel data path
 * (l2sec.ko's are `l2sec stats`).
 */
static void tun_stats(const struct datapath_tun_stats *ts, struct json_object *res)
{
	struct json_object *o;

	if (!ts)
		return;
	o = json_object_new_object();
	add_int(o, "rx_packets", (int64_t)ts->pump.rx_packets);
	add_int(o, "rx_bytes", (int64_t)ts->pump.rx_bytes);
	add_int(o, "tx_packets", (int64_t)ts->pump.tx_packets);
	add_int(o, "tx_bytes", (int64_t)ts->pump.tx_bytes);
	add_int(o, "to_l2secd", (int64_t)ts->pump.to_engine);
	for (unsigned int i = 0; i < TUNPUMP_DROP_MAX; i++)
		add_int(o, tunpump_drop_name(i), (int64_t)ts->pump.drop[i]);
	add_int(o, "to_engine_dropped", (int64_t)ts->to_engine_dropped);
	add_int(o, "device_errors", (int64_t)ts->device_errors);
	add_int(o, "send_errors", (int64_t)ts->send_errors);
	add_int(o, "unreach_sent", (int64_t)ts->unreach_sent);
	add_int(o, "unreach_ratelimited", (int64_t)ts->unreach_ratelimited);
	json_object_object_add(res, CTL_K_TUN, o);
}

static void ppp_stats(struct sessions *ss, const struct datapath_tun_stats *ts,
		      struct json_object *res)
{
	const struct sess_stats *st = sessions_stats(ss);
	struct json_object *o = json_object_new_object();
#define S(f) add_int(o, #f, (int64_t)st->f)
#define T(k, v) add_int(o, k, ts ? (int64_t)(v) : 0)
	S(up); S(down); S(auth_failures); S(auth_busy); S(no_address);
	/* the TUN data path's packets (its switch's), as l2secd always named them */
	T("tun_rx", ts->pump.tx_packets);	/* TUN -> client */
	T("tun_tx", ts->pump.rx_packets);	/* client -> TUN */
	T("tun_rx_no_session", ts->pump.drop[TUNPUMP_DROP_NO_SESSION]);
	T("tun_tx_spoofed", ts->pump.drop[TUNPUMP_DROP_SPOOF]);
	T("tun_errors", ts->device_errors + ts->send_errors);
#undef T
	S(ra_sent);
	S(froute_added); S(froute_refused); S(froute_removed); S(froute_del_failed);
	S(froute_stale);
	S(rs_received); S(rs_ratelimited);
#undef S
	auth_stats(sessions_auth_stats(ss), o);
	json_object_object_add(res, CTL_K_PPP, o);
	sessions_describe_pools(ss, res);
	sessions_describe_aaa(ss, res);
}

static void dhcp_stats(const struct inform *in, struct json_object *res)
{
	const struct inform_stats *st = inform_stats(in);
	struct json_object *o = json_object_new_object();
#define S(f) add_int(o, #f, (int64_t)st->f)
	S(answered); S(answered_one_route_option); S(answered_short); S(dropped_malformed);
	S(dropped_foreign); S(dropped_unanswerable); S(send_errors);
#undef S
	json_object_object_add(res, CTL_K_DHCP, o);
}

static void admit_stats(const struct l2tp_admit *a, struct json_object *res)
{
	const struct l2tp_admit_stats *st = l2tp_admit_stats(a);
	struct json_object *o = json_object_new_object();
#define S(f) add_int(o, #f, (int64_t)st->f)
	S(sccrq_source_rate_limited); S(sccrq_sa_rate_limited); S(half_open_source_limit);
	S(half_open_sa_limit); S(tunnels_sa_limit); S(sessions_tunnel_limit);
	S(tunnel_setup_timeouts); S(session_setup_timeouts); S(half_open_displaced);
	S(peers_recycled); S(peers_table_full);
#undef S
	add_int(o, CTL_K_PEERS, l2tp_admit_peers(a));
	json_object_object_add(res, CTL_K_ADMIT, o);
}

static void rx_stats(const struct rxcheck *rx, struct json_object *res)
{
	struct json_object *o = json_object_new_object();

	for (int v = RXCHECK_OK + 1; v < RXCHECK_N_VERDICTS; v++)
		add_int(o, rxcheck_reason_name(v), (int64_t)rx->drops[v]);
	json_object_object_add(res, CTL_K_RX_REFUSED, o);
}

static struct json_object *show_stats(const struct ctl_src *src)
{
	struct l2tp_lns *lns = src->lns;
	const struct l2tp_lns_stats *st = &lns->stats;
	struct l2tp_lns_counts n;
	struct json_object *res = json_object_new_object();
	struct json_object *o = json_object_new_object();
#define S(f) add_int(o, #f, (int64_t)st->f)
	S(rx_packets); S(rx_bad_header); S(rx_unknown_tunnel); S(rx_wrong_peer);
	S(rx_malformed); S(rx_ignored); S(rx_wrong_state); S(sccrq_rate_limited);
	S(sccrq_refused); S(tunnels_established); S(tunnels_auth_failed);
	S(tunnels_timed_out); S(sessions_refused); S(sessions_established);
	S(rx_data); S(rx_data_dropped); S(tx_errors);
	S(stale_stopccn); S(stale_probes); S(stale_rate_limited); S(late_stopccn);
	S(tunnels_resumed); S(sessions_resumed); S(resume_refused);
#undef S
	/* kept for the JSON contract: rx_refused.plaintext, under its old name */
	add_int(o, CTL_K_RX_PLAINTEXT, src->rx ? (int64_t)src->rx->drops[RXCHECK_PLAINTEXT] : 0);
	if (src->rxb) {
		add_int(o, "rx_socket_drops", (int64_t)src->rxb->socket_drops);
		add_int(o, "rx_truncated", (int64_t)src->rxb->truncated);
	}
	json_object_object_add(res, CTL_K_STATS, o);
	l2tp_lns_counts(lns, &n);
	add_int(res, CTL_K_TUNNELS, n.tunnels);
	add_int(res, CTL_K_HALF_OPEN, n.half_open);
	add_int(res, CTL_K_SESSIONS, n.sessions);
	admit_stats(lns->admit, res);
	if (src->ss) {
		const struct datapath_tun_stats *ts = sessions_tun_stats(src->ss);

		ppp_stats(src->ss, ts, res);
		tun_stats(ts, res);
	}
	if (src->ipsec)
		ipsec_describe(src->ipsec, res);
	if (src->inform)
		dhcp_stats(src->inform, res);
	if (src->rx)
		rx_stats(src->rx, res);
	if (src->privsep) {
		o = json_object_new_object();
		add_int(o, "engine_restarts", src->engine_restarts);
		add_int(o, "engine_reloads", src->engine_reloads);
		json_object_object_add(res, CTL_K_PRIVSEP, o);
	}
	return res;
}

static struct json_object *ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct json_object *debug_seccomp(void);

static struct json_object *ctl_error(const char *fmt, ...)
{
	struct json_object *res = json_object_new_object();
	char msg[256];	/* CTL_LIST_USAGE whole */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_str(res, CTL_K_ERROR, msg);
	return res;
}

/*
 * A number of a request: decimal 1..max as the tool writes it (no sign, no
 * leading zero, no space).  The socket is root's, but what comes through it
 * is still parsed as hostile input.  Returns the character after it (a
 * space or the end of the request), or NULL.
 */
static const char *parse_num(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t n;

	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 10)
			return NULL;
		v = v * 10 + (unsigned int)(s[n] - '0');
	}
	if (!n || s[0] == '0' || v > max)
		return NULL;
	*out = (uint32_t)v;
	return s + n;
}

/* One id of a request: 1..65535. */
static const char *parse_id(const char *s, uint16_t *id)
{
	uint32_t v;

	s = parse_num(s, UINT16_MAX, &v);
	if (s)
		*id = (uint16_t)v;
	return s;
}

/* " handle H" (H from 1 to 2^32 - 1) or nothing (*h = 0): what follows, or NULL. */
static const char *parse_handle(const char *s, uint32_t *h)
{
	const size_t k = strlen(" " CTL_REQ_HANDLE " ");

	*h = 0;
	if (!*s)
		return s;
	if (strncmp(s, " " CTL_REQ_HANDLE " ", k))
		return NULL;
	return parse_num(s + k, UINT32_MAX, h);
}

/*
 * Tunnel tid, and handle when not 0. IDs are unique per peer or SA only
 * (docs/ARCHITECTURE.md): an ID alone names a tunnel while no other holds it,
 * as in the module's requests; else the handle `show tunnels` prints does.
 */
static struct l2tp_tunnel *find_tunnel(const struct l2tp_lns *lns, uint16_t tid,
				       uint32_t handle, struct json_object **err)
{
	struct l2tp_tunnel *t;
	bool ambiguous = false;

	t = handle ? l2tp_lns_tunnel_by_handle(lns, tid, handle) :
		     l2tp_lns_tunnel_by_id(lns, tid, &ambiguous);
	if (t)
		return t;
	if (ambiguous)
		*err = ctl_error(CTL_E_AMBIGUOUS "%u: several peers hold it, give its handle",
				 tid);
	else if (handle)
		*err = ctl_error(CTL_E_NO_TUNNEL "%u handle %u", tid, handle);
	else
		*err = ctl_error(CTL_E_NO_TUNNEL "%u", tid);
	return NULL;
}

static struct json_object *deleted(const struct l2tp_tunnel *t)
{
	struct json_object *o = json_object_new_object();

	add_int(o, CTL_K_TUNNEL_ID, t->tid);
	if (t->dp_handle)
		add_int(o, CTL_K_HANDLE, t->dp_handle);
	return o;
}

/* "del tunnel TID [handle H]": StopCCN "general request to clear" (RFC 2661 4.4.2, 1). */
static struct json_object *del_tunnel(struct l2tp_lns *lns, struct sessions *ss,
				      const char *args)
{
	struct json_object *res, *o, *err;
	struct l2tp_tunnel *t;
	uint32_t handle;
	unsigned int n;
	uint16_t tid;

	args = parse_id(args, &tid);
	if (args)
		args = parse_handle(args, &handle);
	if (!args || *args)
		return ctl_error("usage: del tunnel TID [handle H] (TID a number from 1 to 65535)");
	t = find_tunnel(lns, tid, handle, &err);
	if (!t)
		return err;
	if (t->state == TUNNEL_CLOSING)
		return ctl_error("tunnel %u is closing already", tid);
	n = t->n_sessions;
	o = deleted(t);
	if (ss)
		/* their accounting Stops */
		sessions_end_cause_tunnel(ss, t, AAA_TC_ADMIN_RESET);
	l2tp_tunnel_close(t, true, STOPCCN_CLEAR, 0, "deleted by the administrator");
	res = json_object_new_object();
	add_int(o, CTL_K_SESSIONS, n);
	json_object_object_add(res, CTL_K_DELETED, o);
	return res;
}

/* "del session TID SID [handle H]": CDN "disconnected for administrative reasons" (3). */
static struct json_object *del_session(struct l2tp_lns *lns, struct sessions *ss,
				       const char *args)
{
	struct json_object *res, *o, *err;
	struct l2tp_session *s;
	struct l2tp_tunnel *t;
	uint16_t tid, sid;
	uint32_t handle;

	args = parse_id(args, &tid);
	if (args && *args == ' ')
		args = parse_id(args + 1, &sid);
	else
		args = NULL;
	if (args)
		args = parse_handle(args, &handle);
	if (!args || *args)
		return ctl_error("usage: del session TID SID [handle H] (TID, SID numbers from 1 "
				 "to 65535)");
	t = find_tunnel(lns, tid, handle, &err);
	if (!t)
		return err;
	s = l2tp_tunnel_session(t, sid);
	if (!s)
		return ctl_error(CTL_E_NO_SESSION "%u/%u", tid, sid);
	o = deleted(t);
	if (ss)
		sessions_end_cause(ss, s, AAA_TC_ADMIN_RESET);	/* its accounting Stop */
	l2tp_session_close(s, CDN_ADMIN, 0, "deleted by the administrator");
	res = json_object_new_object();
	add_int(o, CTL_K_SESSION_ID, sid);
	json_object_object_add(res, CTL_K_DELETED, o);
	return res;
}

/* REQ is W, or W, a space and *ARGS. */
static bool words(const char *req, const char *w, const char **args)
{
	size_t n = strlen(w);

	if (strncmp(req, w, n) || (req[n] && req[n] != ' '))
		return false;
	*args = req[n] ? req + n + 1 : req + n;
	return true;
}

struct json_object *ctl_handle(const struct ctl_src *src, const char *request)
{
	struct l2tp_lns *lns = src->lns;
	struct json_object *res;
	const char *args;

	if (words(request, CTL_REQ_DEL_TUNNEL, &args))
		return del_tunnel(lns, src->ss, args);
	if (words(request, CTL_REQ_DEL_SESSION, &args))
		return del_session(lns, src->ss, args);
	if (!strcmp(request, CTL_REQ_SHOW_STATS))
		return show_stats(src);
	res = json_object_new_object();
	if (src->test_hooks && !strcmp(request, CTL_REQ_DEBUG_SECCOMP))
		return debug_seccomp();
	if (!strcmp(request, CTL_REQ_VERSION))
		add_str(res, CTL_K_VERSION, L2SEC_VERSION);
	else
		add_str(res, CTL_K_ERROR, CTL_E_UNKNOWN);
	return res;
}

/* N more bytes of STR into O's buffer: 0, or -1 (out of memory). */
static int out_put(struct ctl_out *o, const char *str, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : CTL_CHUNK;
		char *b;

		while (cap < o->len + n)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (!b)
			return -1;
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, str, n);
	o->len += n;
	return 0;
}

static int out_str(struct ctl_out *o, const char *str)
{
	return out_put(o, str, strlen(str));
}

/* Element E of the listing into O (E is put): 0, or -1. */
static int out_elem(struct ctl_out *o, struct json_object *e)
{
	const char *js = e ? json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN) : NULL;
	int err;

	err = !js || (!o->lines && o->count && out_str(o, ",")) || out_str(o, js) ||
	      (o->lines && out_str(o, "\n")) ? -1 : 0;
	json_object_put(e);
	o->count++;
	return err;
}

static const char *list_key(const struct ctl_out *o)
{
	return o->list == CTL_LIST_TUNNELS ? CTL_K_TUNNELS : CTL_K_SESSIONS;
}

/*
 * A percent-encoded user name (lib/ctl_proto.h) from S to END into OUT
 * (CTL_USER_MAX + 1 octets): 0, or -1 when malformed (an octet that should
 * have been encoded, a bad or 0 escape, none or more than CTL_USER_MAX).
 */
static int parse_user(const char *s, const char *end, char *out)
{
	size_t n = 0;
	int hi, lo;

	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%') {
			hi = hex_nibble(s[1]);
			lo = hi < 0 ? -1 : hex_nibble(s[2]);
			if (lo < 0 || !(hi | lo))
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			s += 2;
		} else if (c < 0x21 || c > 0x7e) {
			return -1;
		}
		if (n == CTL_USER_MAX)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

/* An address filter (lib/ctl_proto.h) from S to END into A: 0, or -1. */
static int parse_addr(const char *s, const char *end, struct ctl_addr *a)
{
	return addr46_pton(s, (size_t)(end - s), &a->family, a->a);
}

/* After a filter's value ending at END: the next word, the end, or NULL (a space too many). */
static const char *next_word(const char *end)
{
	if (!end || !*end)
		return end;
	return *end == ' ' && end[1] && end[1] != ' ' ? end + 1 : NULL;
}

/*
 * The filters of `show sessions lines` in ARGS into O, each at most once and
 * in the order of lib/ctl_proto.h, one space apart: 0, or -1 when malformed.
 */
static int list_filters(const char *args, struct ctl_out *o)
{
	const char *end;

	if (words(args, CTL_REQ_TUNNEL, &args))
		args = next_word(parse_id(args, &o->tid));
	if (args && words(args, CTL_REQ_USER, &args)) {
		end = strchrnul(args, ' ');
		o->by_user = !parse_user(args, end, o->user);
		args = o->by_user ? next_word(end) : NULL;
	}
	if (args && words(args, CTL_REQ_ADDRESS, &args)) {
		end = strchrnul(args, ' ');
		args = parse_addr(args, end, &o->addr) ? NULL : next_word(end);
	}
	if (args && words(args, CTL_REQ_PEER, &args)) {
		end = strchrnul(args, ' ');
		args = parse_addr(args, end, &o->peer) ? NULL : next_word(end);
	}
	if (!args || (*args && strcmp(args, CTL_REQ_NO_COUNTERS)))
		return -1;
	o->no_counters = !!*args;
	return 0;
}

/*
 * Is REQ a listing? 1: yes, and O says which (list, lines, its filters); 0:
 * no (ctl_handle answers it); -1: a listing with malformed filters.
 */
static int listing(const char *req, struct ctl_out *o)
{
	const char *args;

	if (words(req, CTL_REQ_SHOW_TUNNELS, &args))
		o->list = CTL_LIST_TUNNELS;
	else if (words(req, CTL_REQ_SHOW_SESSIONS, &args))
		o->list = CTL_LIST_SESSIONS;
	else
		return 0;
	if (!*args && args[-1] != ' ')
		return 1;
	if (!words(args, CTL_REQ_LINES, &args) || (!*args && args[-1] == ' ')) {
		o->list = CTL_LIST_NONE;
		return 0;	/* ctl_handle's "unknown request" */
	}
	o->lines = true;
	if (!*args)
		return 1;
	if (o->list == CTL_LIST_SESSIONS && !list_filters(args, o))
		return 1;
	/* none of it half taken */
	memset(o, 0, sizeof(*o));
	return -1;
}

int ctl_out_start(const struct ctl_src *src, const char *request, struct ctl_out *o)
{
	struct json_object *res;
	char head[32];
	int err, r;

	r = listing(request, o);
	if (r > 0) {
		l2tp_lns_cursor_start(src->lns, &o->cur);
		if (o->lines)
			return 0;
		snprintf(head, sizeof(head), "{\"%s\":[", list_key(o));
		return out_str(o, head);
	}
	res = r ? ctl_error(CTL_LIST_USAGE) : ctl_handle(src, request);
	err = out_str(o, json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN)) ||
	      out_str(o, "\n") ? -1 : 0;
	json_object_put(res);
	o->done = true;
	return err;
}

/* Is A of FAMILY (AF_INET: 4 octets, AF_INET6: 16) the address WANT? */
static bool addr_is(const struct ctl_addr *want, int family, const void *a)
{
	struct ctl_addr x;

	addr46_set(family, a, &x.family, x.a);
	return x.family == want->family &&
	       !memcmp(x.a, want->a, x.family == AF_INET ? 4 : 16);
}

/* The tunnel's peer (the L2TP source), or its SA's remote (under NAT-T its port differs). */
static bool peer_is(const struct ctl_src *src, const struct ctl_addr *want,
		    const struct l2tp_tunnel *t)
{
	const union sa46 *sa = &t->peer.addr;
	uint8_t a[16];
	int family;

	if ((sa->sa.sa_family == AF_INET && addr_is(want, AF_INET, &sa->sin.sin_addr)) ||
	    (sa->sa.sa_family == AF_INET6 && addr_is(want, AF_INET6, &sa->sin6.sin6_addr)))
		return true;
	return src->ipsec && ipsec_tunnel_remote(src->ipsec, t, &family, a) &&
	       addr_is(want, family, a);
}

/* Does session S pass the filters of O's listing? */
static bool out_match(const struct ctl_src *src, const struct ctl_out *o,
		      const struct l2tp_session *s)
{
	const char *user;

	if (o->tid && s->tunnel->tid != o->tid)
		return false;
	if (o->by_user) {
		user = src->ss ? sessions_user(src->ss, s) : NULL;
		if (!user || strcmp(user, o->user))
			return false;
	}
	if (o->addr.family &&
	    !(src->ss && sessions_has_address(src->ss, s, o->addr.family, o->addr.a)))
		return false;
	return !o->peer.family || peer_is(src, &o->peer, s->tunnel);
}

int ctl_out_next(const struct ctl_src *src, struct ctl_out *o)
{
	uint64_t now = evloop_now(src->lns->loop);
	unsigned int visits = 0;
	struct l2tp_session *s;
	struct l2tp_tunnel *t;
	char end[96];

	o->len = o->off = 0;
	if (o->list == CTL_LIST_NONE)
		return 0;
	while (o->len < CTL_CHUNK && visits++ < CTL_WALK_MAX) {
		if (o->list == CTL_LIST_TUNNELS) {
			t = l2tp_lns_cursor_next(&o->cur);
			if (!t)
				break;
			if (out_elem(o, tunnel_obj(t, src->ipsec, now)))
				return -1;
			continue;
		}
		s = l2tp_lns_cursor_next_session(&o->cur);
		if (!s)
			break;
		if (out_match(src, o, s) &&
		    out_elem(o, session_obj(s->tunnel, s, src, now, o->no_counters)))
			return -1;
	}
	if (l2tp_lns_cursor_more(&o->cur))
		return 0;	/* more next time: perhaps nothing this time (the filters) */
	l2tp_lns_cursor_stop(&o->cur);
	if (o->lines)
		snprintf(end, sizeof(end), "{\"%s\":\"%s\",\"%s\":%llu}\n", CTL_K_END,
			 list_key(o), CTL_K_COUNT, (unsigned long long)o->count);
	else
		snprintf(end, sizeof(end), "]}\n");
	o->list = CTL_LIST_NONE;
	o->done = true;
	return out_str(o, end);
}

void ctl_out_free(struct ctl_out *o)
{
	l2tp_lns_cursor_stop(&o->cur);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

static void client_free(struct ctl_client *c)
{
	ctl_out_free(&c->out);
	evloop_del_io(c->ctl->loop, &c->io);
	ev_timer_cancel(c->ctl->loop, &c->timeout);
	close(c->io.fd);
	memset(c, 0, sizeof(*c));
}

static void client_timeout(struct ev_timer *t)
{
	client_free(container_of(t, struct ctl_client, timeout));
}

/*
 * Sends what there is, and the next chunk of a listing when all of it went:
 * one chunk a callback, so that a client that reads as fast as the engine
 * writes still lets the loop serve the peers between chunks (EPOLLOUT is
 * level-triggered: the socket still writable, the next call comes at once).
 * The timeout starts again whenever anything went. Once the answer is all
 * sent, or cannot be, the client is dropped (one of a listing as lines
 * then sees no end line).
 */
static void client_write(struct ctl_client *c)
{
	struct ctl_out *o = &c->out;
	bool refilled = false;
	ssize_t n;

	for (;;) {
		if (o->off == o->len) {
			if (o->done || refilled)
				break;
			if (ctl_out_next(&c->ctl->src, o))
				goto drop;
			refilled = true;
			if (!o->len)
				return;	/* the walk passed over what its filters left out */
		}
		n = send(c->io.fd, o->buf + o->off, o->len - o->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN)
				goto drop;
			return;
		}
		o->off += (size_t)n;
		ev_timer_arm(c->ctl->loop, &c->timeout, CTL_CLIENT_TIMEOUT_MS);
	}
	if (!o->done)
		return;		/* more next time */
drop:
	client_free(c);
}

static void client_request(struct ctl_client *c)
{
	char *nl = memchr(c->req, '\n', c->req_len);

	*nl = '\0';
	if (nl > c->req && nl[-1] == '\r')
		nl[-1] = '\0';
	c->answering = true;
	if (ctl_out_start(&c->ctl->src, c->req, &c->out)) {
		client_free(c);
		return;
	}
	evloop_mod_io(c->ctl->loop, &c->io, EPOLLOUT);
	client_write(c);
}

static void client_cb(struct ev_io *io, uint32_t events)
{
	struct ctl_client *c = container_of(io, struct ctl_client, io);
	ssize_t n;

	if (c->answering) {
		client_write(c);
		return;
	}
	n = recv(io->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		client_free(c);
		return;
	}
	c->req_len += (size_t)n;
	if (memchr(c->req, '\n', c->req_len)) {
		client_request(c);
		return;
	}
	if (c->req_len == sizeof(c->req) - 1) {
		log_info("ctl: request too long, client dropped");
		client_free(c);
	}
}

/*
 * Tests only: a system call the privsep engine's sandbox forbids. A sandboxed
 * engine does not come back from it (SIGSYS); a single process answers.
 */
static struct json_object *debug_seccomp(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return ctl_error("socket() was allowed: l2secd runs without the engine's sandbox");
}

static void listen_cb(struct ev_io *io, uint32_t events)
{
	struct ctl *ctl = container_of(io, struct ctl, listen_io);
	int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct ctl_client *c = NULL;

	if (fd < 0)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (!ctl->clients[i].used) {
			c = &ctl->clients[i];
			break;
		}
	}
	if (!c) {
		log_info("ctl: too many clients, one refused");
		close(fd);
		return;
	}
	c->used = true;
	c->ctl = ctl;
	ev_timer_init(&c->timeout, client_timeout);
	if (evloop_add_io(ctl->loop, &c->io, fd, EPOLLIN, client_cb) < 0) {
		close(fd);
		memset(c, 0, sizeof(*c));
		return;
	}
	ev_timer_arm(ctl->loop, &c->timeout, CTL_CLIENT_TIMEOUT_MS);
}

struct ctl *ctl_open(struct evloop *loop, const char *path, const struct ctl_src *src)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *ctl;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("ctl: socket path too long: %s", path);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return NULL;
	ctl->loop = loop;
	ctl->src = *src;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto err;
	unlink(path);	/* the pid file check ran first: a stale socket */
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		goto err_fd;
	}
	umask(old);
	if (listen(fd, 16) < 0 || evloop_add_io(loop, &ctl->listen_io, fd, EPOLLIN, listen_cb) < 0)
		goto err_fd;
	return ctl;
err_fd:
	close(fd);
err:
	log_err("ctl: %s: %s", path, strerror(errno));
	free(ctl);
	return NULL;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i].used)
			client_free(&ctl->clients[i]);
	evloop_del_io(ctl->loop, &ctl->listen_io);
	close(ctl->listen_io.fd);
	unlink(ctl->path);
	free(ctl);
}
