// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec-load: a load generator for an L2TP LNS (RFC 2661), written for
 * l2secd's scale benchmark (tests/bench/30-scale.sh, docs/PERFORMANCE.md).
 *
 *   l2sec-load -s SERVER [options]
 *	Dial COUNT clients, each its own tunnel with one call (as Windows and
 *	Apple clients do): SCCRQ, SCCCN, ICRQ, ICCN with Ns/Nr, ZLB acks and
 *	retransmission with backoff; then PPP in data messages: LCP, MS-CHAPv2,
 *	IPCP (and IPv6CP with --ipv6), and a probe: an ICMP echo to the
 *	gateway's PPP address, answered through its data path. A client is up
 *	when its probe is answered; it holds, then hangs up with a CDN and a
 *	StopCCN. HELLOs, LCP echoes and ICMP echo requests to a client are
 *	answered all along.
 *   l2sec-load ping [-t MS] ADDR...
 *	One ICMP echo to each IPv4 address (a raw socket; one retry for the
 *	silent ones); prints "sent N answered M", fails unless all answered.
 *
 * Options of a run (times in seconds unless noted):
 *   -s ADDR      the LNS (IPv4)            -p PORT    its port (1701)
 *   -b ADDR      our address (any)         -S K       UDP sockets (1); tunnels
 *                                                     are spread over them
 *   -n COUNT     clients (1)               -r RATE    dials per second (100)
 *   -i LIMIT     setups in flight (1000)   -t SECS    setup timeout (30)
 *   -H SECS      hold time once up (0); -1: until SIGUSR1 or SIGTERM
 *   -u USER -w PASSWORD   the MS-CHAPv2 credentials (load / load)
 *   --ipv6       negotiate IPv6CP too      --secret S   tunnel secret
 *   --rtx-initial MS (1000) --rtx-max MS (8000) --rtx-retries N (5)
 *   --status FILE   the JSON summary, rewritten when every setup has ended,
 *                   after a re-probe and at the end
 *   --addrs FILE    the clients' IPv4 addresses, one a line, in dial order,
 *                   written when every setup has ended
 *   --reprobe N     SIGUSR2 re-probes the first, the last and N random clients
 *                   that are up (1000)
 *
 * Signals: SIGUSR1 hangs every client up (as many at once as -i lets setups be in
 * flight); SIGUSR2 re-probes; SIGINT/SIGTERM
 * hang up and end the run (a second one ends it at once).
 *
 * Output: setup latency percentiles, resends on our timers (L2TP, LCP,
 * IPCP/IPv6CP, probe: a setup that waited for one), failures by cause
 * (timeouts and lost tunnels by phase, StopCCN and CDN result codes,
 * authentication, probes),
 * teardown time, then one JSON line with all of it. Exit status 0 when every
 * client came up and hung up cleanly.
 *
 * Everything is bounded for a hostile or slow gateway: at most QMAX
 * unacknowledged control messages a client, datagrams of at most MAX_PKT
 * octets checked before use (the daemon's own L2TP parsers, which the fuzz
 * targets cover), a deadline on every phase and on the teardown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_msg.h"
#include "ppp/mschap.h"
#include "core/util.h"

#define MAX_PKT 2048
#define QMAX 8			/* unacknowledged control messages per client */
#define BATCH 64		/* datagrams per recvmmsg */
#define MAX_CLIENTS 1000000
#define PPP_RESEND_US 2000000	/* LCP/IPCP/IPv6CP Configure-Request resend */
#define PPP_TRIES 10
#define PROBE_RESEND_US 1000000
#define PROBE_TRIES 4
#define LOCAL_SID 1		/* one call per tunnel */

#define PPP_IP 0x0021
#define PPP_IPV6 0x0057
#define PPP_IPCP 0x8021
#define PPP_IPV6CP 0x8057
#define PPP_LCP 0xc021
#define PPP_CHAP 0xc223

enum phase {
	PH_IDLE, PH_TUNNEL, PH_CALL, PH_LCP, PH_AUTH, PH_NCP, PH_PROBE,
	PH_UP, PH_CLOSING, PH_DONE, PH_N,
};

static const char *const phase_name[PH_N] = {
	"idle", "tunnel", "call", "lcp", "auth", "ncp", "probe", "up", "closing", "done",
};

enum cause {
	C_NONE, C_TIMEOUT, C_LOST, C_STOPCCN, C_CDN, C_AUTH, C_AUTH_SERVER,
	C_LCP_TERM, C_NCP_REJ, C_PROBE, C_SEND, C_N,
};

/* client flags */
enum {
	F_LCP_OURS = 1 << 0, F_LCP_PEER = 1 << 1, F_IPCP_OURS = 1 << 2,
	F_IPCP_PEER = 1 << 3, F_V6_OURS = 1 << 4, F_V6_PEER = 1 << 5,
	F_DNS1 = 1 << 6, F_DNS2 = 1 << 7, F_MAGIC = 1 << 8, F_REPROBE = 1 << 9,
	F_FAILED = 1 << 10, F_AUTHED = 1 << 11,
};

struct qmsg {
	uint16_t len;
	uint8_t data[];
};

/* One client: a tunnel with one call. Its local tunnel ID and socket follow
 * from its index, so a datagram finds its client without a table. */
struct client {
	uint64_t t_start, t_close;
	uint64_t deadline, rtx_at, ppp_at;
	uint64_t timer;			/* heap key: min of the three */
	uint32_t heap_pos;		/* 1-based; 0: not armed */
	uint32_t flags;
	uint16_t ptid, psid, ns, nr;
	uint8_t phase, nq, rtx_tries, ppp_tries;
	uint8_t lcp_id, ipcp_id, v6_id, probe_seq;
	uint32_t magic, addr, gw_addr, dns[2];
	uint64_t ifid;
	uint8_t auth_chal[MSCHAP_CHALLENGE_LEN], peer_chal[MSCHAP_CHALLENGE_LEN];
	struct qmsg *q[QMAX];
};

static struct {
	struct sockaddr_in server, bind;
	unsigned int count, rate, inflight_max, sockets, rtx_retries, reprobe_n;
	int hold_s;
	uint64_t timeout_us, rtx_initial_us, rtx_max_us;
	const char *user, *password, *secret, *status_file, *addrs_file;
	bool ipv6;
} opt = {
	.count = 1, .rate = 100, .inflight_max = 1000, .sockets = 1, .rtx_retries = 5,
	.reprobe_n = 1000, .timeout_us = 30000000, .rtx_initial_us = 1000000,
	.rtx_max_us = 8000000, .user = "load", .password = "load",
};

static struct {
	uint64_t fails[C_N], timeout_ph[PH_N], lost_ph[PH_N];
	uint64_t stopccn[16], cdn[16];
	uint64_t up, dropped_up, closed, close_unacked, echo_answered;
	uint64_t rx, rx_bad, rx_unknown, rx_ooo, rx_dup, rx_ignored, tx, tx_rtx, tx_err;
	uint64_t reprobe_sent, reprobe_answered;
	uint64_t resend_lcp, resend_ncp, resend_probe;	/* PPP resends on our timers */
	uint64_t close_first, close_last;
	bool reprobe_done;
} st;

static struct client *clients;
static uint32_t *heap;		/* client indices ordered by timer */
static uint32_t heap_len;
static uint32_t *lat_us;	/* setup latency of each client that came up */
static int *socks;
static unsigned int started, inflight, done, setups_ended;
static unsigned int closing, close_next;	/* hang-ups in flight; the next to hang up */
static uint64_t t0, reprobe_at;
static double cpu_close;	/* our CPU time when the hang-up began */
static uint8_t nt_hash[MSCHAP_NT_HASH_LEN];
static uint64_t rng_state;
static bool closing_all, status_written;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* xorshift64*: challenges and magic numbers need not be secret here */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd() >> 56;
}

/* --- timers: a binary min-heap of clients, each armed at most once ---------- */

static bool heap_less(uint32_t a, uint32_t b)
{
	return clients[heap[a]].timer < clients[heap[b]].timer;
}

static void heap_swap(uint32_t a, uint32_t b)
{
	uint32_t t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
	clients[heap[a]].heap_pos = a + 1;
	clients[heap[b]].heap_pos = b + 1;
}

static void heap_fix(uint32_t i)
{
	while (i > 0 && heap_less(i, (i - 1) / 2)) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;

		if (l < heap_len && heap_less(l, m))
			m = l;
		if (l + 1 < heap_len && heap_less(l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static void heap_remove(struct client *c)
{
	uint32_t i = c->heap_pos - 1;

	c->heap_pos = 0;
	if (--heap_len == i)
		return;
	heap[i] = heap[heap_len];
	clients[heap[i]].heap_pos = i + 1;
	heap_fix(i);
}

static uint64_t min_set(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	return b && b < a ? b : a;
}

/* Arms the client's timer at the earliest of its deadlines. */
static void rearm(struct client *c)
{
	uint64_t t = min_set(min_set(c->deadline, c->rtx_at), c->ppp_at);

	if (!t) {
		if (c->heap_pos)
			heap_remove(c);
		return;
	}
	c->timer = t;
	if (!c->heap_pos) {
		heap[heap_len] = (uint32_t)(c - clients);
		c->heap_pos = ++heap_len;
	}
	heap_fix(c->heap_pos - 1);
}

/* --- sending ------------------------------------------------------------------ */

static unsigned int idx_of(const struct client *c)
{
	return (unsigned int)(c - clients);
}

static uint16_t ltid_of(const struct client *c)
{
	return (uint16_t)(idx_of(c) / opt.sockets + 1);
}

static void tx(const struct client *c, const void *buf, size_t len)
{
	int fd = socks[idx_of(c) % opt.sockets];

	if (sendto(fd, buf, len, 0, (const struct sockaddr *)&opt.server,
		   sizeof(opt.server)) < 0)
		st.tx_err++;
	else
		st.tx++;
}

static void zlb(struct client *c)
{
	uint8_t b[L2TP_CTRL_HDR_LEN];

	l2tp_build_zlb(b, c->ptid, c->ns, c->nr);
	tx(c, b, sizeof(b));
}

static uint64_t rtx_interval(const struct client *c)
{
	uint64_t t = opt.rtx_initial_us << (c->rtx_tries < 16 ? c->rtx_tries : 16);

	return t < opt.rtx_max_us ? t : opt.rtx_max_us;
}

/* Sends a built control message and keeps it until the peer acknowledges it. */
static int ctl_send(struct client *c, struct l2tp_builder *b)
{
	size_t len = l2tp_build_finish(b);
	struct qmsg *m;

	if (!len || c->nq == QMAX)
		return -1;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -1;
	m->len = (uint16_t)len;
	memcpy(m->data, b->buf, len);
	l2tp_set_seq(m->data, c->ns++, c->nr);
	c->q[c->nq++] = m;
	if (!c->rtx_at)
		c->rtx_at = now_us() + rtx_interval(c);
	tx(c, m->data, len);
	return 0;
}

static void q_free(struct client *c)
{
	for (unsigned int i = 0; i < c->nq; i++)
		free(c->q[i]);
	c->nq = 0;
	c->rtx_at = 0;
	c->rtx_tries = 0;
}

/* The peer's Nr acknowledges every queued message before it. */
static void q_ack(struct client *c, uint16_t nr)
{
	unsigned int n = 0;

	while (n < c->nq && seq_before(get_be16(c->q[n]->data + 8), nr))
		free(c->q[n++]);
	if (!n)
		return;
	memmove(c->q, c->q + n, (c->nq - n) * sizeof(c->q[0]));
	c->nq -= n;
	c->rtx_tries = 0;
	c->rtx_at = c->nq ? now_us() + rtx_interval(c) : 0;
}

/* A PPP frame in a data message: FF 03, protocol, payload. */
static void ppp_send(struct client *c, uint16_t proto, const uint8_t *p, size_t n)
{
	uint8_t b[MAX_PKT];

	if (n > sizeof(b) - 10)
		return;
	put_be16(b, L2TP_VERSION);
	put_be16(b + 2, c->ptid);
	put_be16(b + 4, c->psid);
	b[6] = 0xff;
	b[7] = 0x03;
	put_be16(b + 8, proto);
	memcpy(b + 10, p, n);
	tx(c, b, n + 10);
}

/* A control-protocol packet: code, id, length, data. */
static void cp_send(struct client *c, uint16_t proto, uint8_t code, uint8_t id,
		    const uint8_t *d, size_t n)
{
	uint8_t b[MAX_PKT];

	if (n > sizeof(b) - 4)
		return;
	b[0] = code;
	b[1] = id;
	put_be16(b + 2, (uint16_t)(n + 4));
	memcpy(b + 4, d, n);
	ppp_send(c, proto, b, n + 4);
}

/* --- ending a client ----------------------------------------------------------- */

static void finish(struct client *c)
{
	if (c->phase == PH_DONE)
		return;
	q_free(c);
	c->phase = PH_DONE;
	c->deadline = c->ppp_at = 0;
	rearm(c);
	done++;
}

static void close_done(struct client *c, bool acked)
{
	uint64_t t = now_us();

	st.closed++;
	closing--;
	if (!acked)
		st.close_unacked++;
	if (!(c->flags & F_FAILED))
		st.close_last = t;
	finish(c);
}

/* Hangs up: a CDN for the call (if it got that far) and a StopCCN, then waits
 * for the StopCCN's acknowledgement. */
static void hang_up(struct client *c, uint16_t cdn_result)
{
	uint8_t buf[256];
	struct l2tp_builder b;
	uint64_t t = now_us();

	if (c->phase == PH_CLOSING || c->phase == PH_DONE)
		return;
	if (c->phase < PH_UP) {
		inflight--;
		setups_ended++;
	}
	if (!c->ptid) {		/* no tunnel at the gateway yet */
		c->phase = PH_UP;	/* not in flight any more */
		finish(c);
		return;
	}
	if (!(c->flags & F_FAILED) && !st.close_first)
		st.close_first = t;
	if (c->psid && cdn_result) {
		l2tp_build_init(&b, buf, sizeof(buf), c->ptid, c->psid, L2TP_CDN);
		l2tp_build_result(&b, cdn_result, 0, NULL);
		l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, LOCAL_SID);
		ctl_send(c, &b);
	}
	l2tp_build_init(&b, buf, sizeof(buf), c->ptid, 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, ltid_of(c));
	l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
	ctl_send(c, &b);
	c->phase = PH_CLOSING;
	closing++;
	c->ppp_at = 0;
	c->deadline = t + opt.timeout_us;
	rearm(c);
}

/* A setup failed: count its cause, clear what the gateway holds. */
static void fail(struct client *c, enum cause why, unsigned int code)
{
	if (c->phase >= PH_UP) {
		if (c->phase == PH_UP)
			st.dropped_up++;
	} else {
		st.fails[why]++;
		if (why == C_TIMEOUT)
			st.timeout_ph[c->phase]++;
		else if (why == C_LOST)
			st.lost_ph[c->phase]++;
		else if (why == C_STOPCCN)
			st.stopccn[code < 16 ? code : 0]++;
		else if (why == C_CDN)
			st.cdn[code < 16 ? code : 0]++;
		c->flags |= F_FAILED;
	}
	if (why == C_STOPCCN || why == C_LOST) {	/* the tunnel is gone */
		if (c->phase == PH_CLOSING) {
			close_done(c, why == C_STOPCCN);
			return;
		}
		if (c->phase < PH_UP) {
			c->phase = PH_UP;
			inflight--;
			setups_ended++;
		}
		finish(c);
		return;
	}
	hang_up(c, why == C_CDN ? 0 : CDN_ADMIN);	/* a closed call gets no CDN back */
}

/* --- L2TP control -------------------------------------------------------------- */

static void dial(struct client *c)
{
	uint8_t buf[256];
	struct l2tp_builder b;

	c->t_start = now_us();
	c->deadline = c->t_start + opt.timeout_us;
	c->phase = PH_TUNNEL;
	c->magic = (uint32_t)rnd() | 1;
	c->ifid = rnd() | 1;
	c->flags = F_DNS1 | F_DNS2 | F_MAGIC;
	inflight++;
	l2tp_build_init(&b, buf, sizeof(buf), 0, 0, L2TP_SCCRQ);
	l2tp_build_u16(&b, true, AVP_PROTOCOL_VERSION, 0x0100);
	l2tp_build_avp(&b, true, AVP_HOST_NAME, "l2sec-load", 10);
	l2tp_build_u32(&b, true, AVP_FRAMING_CAP, 3);
	l2tp_build_u32(&b, false, AVP_BEARER_CAP, 0);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, ltid_of(c));
	l2tp_build_u16(&b, false, AVP_RECEIVE_WINDOW, 8);
	if (ctl_send(c, &b) < 0)
		fail(c, C_SEND, 0);
	rearm(c);
}

static void lcp_req(struct client *c);

static void on_sccrp(struct client *c, const struct l2tp_msg *m)
{
	uint8_t buf[256];
	struct l2tp_builder b;

	if (c->phase != PH_TUNNEL)
		return;
	c->ptid = l2tp_msg_u16(m, AVP_ASSIGNED_TUNNEL_ID);
	if (!c->ptid) {
		fail(c, C_LOST, 0);
		return;
	}
	l2tp_build_init(&b, buf, sizeof(buf), c->ptid, 0, L2TP_SCCCN);
	if (l2tp_msg_has(m, AVP_CHALLENGE)) {
		uint8_t r[L2TP_CHALLENGE_RESP_LEN];

		l2tp_challenge_response(r, L2TP_SCCCN, opt.secret ? opt.secret : "",
					m->avp[AVP_CHALLENGE].p, m->avp[AVP_CHALLENGE].len);
		l2tp_build_avp(&b, true, AVP_CHALLENGE_RESPONSE, r, sizeof(r));
	}
	ctl_send(c, &b);
	l2tp_build_init(&b, buf, sizeof(buf), c->ptid, 0, L2TP_ICRQ);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, LOCAL_SID);
	l2tp_build_u32(&b, true, AVP_CALL_SERIAL, idx_of(c));
	l2tp_build_u32(&b, true, AVP_BEARER_TYPE, 0);
	ctl_send(c, &b);
	c->phase = PH_CALL;
}

static void on_icrp(struct client *c, const struct l2tp_msg *m)
{
	uint8_t buf[256];
	struct l2tp_builder b;

	if (c->phase != PH_CALL)
		return;
	c->psid = l2tp_msg_u16(m, AVP_ASSIGNED_SESSION_ID);
	if (!c->psid) {
		fail(c, C_CDN, 0);
		return;
	}
	l2tp_build_init(&b, buf, sizeof(buf), c->ptid, c->psid, L2TP_ICCN);
	l2tp_build_u32(&b, true, AVP_TX_CONNECT_SPEED, 100000000);
	l2tp_build_u32(&b, true, AVP_FRAMING_TYPE, 1);
	ctl_send(c, &b);
	c->phase = PH_LCP;
	lcp_req(c);
}

static void on_control(struct client *c, uint8_t *p, const struct l2tp_hdr *h)
{
	struct l2tp_msg m;
	uint16_t code = 0, ns = c->ns;

	q_ack(c, h->nr);
	if (h->msg_len == h->hdr_len)	/* ZLB */
		goto acked;
	if (h->ns != c->nr) {
		if (seq_before(h->ns, c->nr)) {
			st.rx_dup++;	/* our ack was lost: again */
			zlb(c);
		} else {
			st.rx_ooo++;	/* the peer retransmits it in order */
		}
		return;
	}
	c->nr++;
	if (l2tp_avp_decode(p + h->hdr_len, h->msg_len - h->hdr_len, opt.secret, &m)) {
		st.rx_bad++;
		zlb(c);
		return;
	}
	if (l2tp_msg_has(&m, AVP_RESULT_CODE) && m.avp[AVP_RESULT_CODE].len >= 2)
		code = get_be16(m.avp[AVP_RESULT_CODE].p);
	switch (m.type) {
	case L2TP_SCCRP:
		on_sccrp(c, &m);
		break;
	case L2TP_ICRP:
		on_icrp(c, &m);
		break;
	case L2TP_STOPCCN:
		zlb(c);
		fail(c, C_STOPCCN, code);
		return;
	case L2TP_CDN:
		fail(c, C_CDN, code);
		break;
	default:		/* HELLO, and what a LAC does not act on */
		break;
	}
	if (c->phase != PH_DONE && c->ns == ns)
		zlb(c);	/* nothing we sent carries this Nr */
acked:
	if (c->phase == PH_CLOSING && !c->nq)
		close_done(c, true);
	else if (c->phase != PH_DONE)
		rearm(c);
}

/* --- PPP ------------------------------------------------------------------------- */

static void lcp_req(struct client *c)
{
	uint8_t o[6];
	size_t n = 0;

	if (c->flags & F_MAGIC) {
		o[0] = 5;
		o[1] = 6;
		put_be32(o + 2, c->magic);
		n = 6;
	}
	cp_send(c, PPP_LCP, 1, ++c->lcp_id, o, n);
	c->ppp_at = now_us() + PPP_RESEND_US;
}

static void ipcp_req(struct client *c)
{
	uint8_t o[18];
	size_t n = 0;

	o[n] = 3;
	o[n + 1] = 6;
	memcpy(o + n + 2, &c->addr, 4);
	n += 6;
	if (c->flags & F_DNS1) {
		o[n] = 129;
		o[n + 1] = 6;
		memcpy(o + n + 2, &c->dns[0], 4);
		n += 6;
	}
	if (c->flags & F_DNS2) {
		o[n] = 131;
		o[n + 1] = 6;
		memcpy(o + n + 2, &c->dns[1], 4);
		n += 6;
	}
	cp_send(c, PPP_IPCP, 1, ++c->ipcp_id, o, n);
}

static void v6_req(struct client *c)
{
	uint8_t o[10] = { 1, 10 };

	put_be64(o + 2, c->ifid);
	cp_send(c, PPP_IPV6CP, 1, ++c->v6_id, o, sizeof(o));
}

static void ncp_send(struct client *c)
{
	if (!(c->flags & F_IPCP_OURS))
		ipcp_req(c);
	if (opt.ipv6 && !(c->flags & F_V6_OURS))
		v6_req(c);
	c->ppp_at = now_us() + PPP_RESEND_US;
}

static uint16_t ip_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An ICMP echo request from us to the gateway's PPP address. */
static void probe(struct client *c)
{
	uint8_t b[20 + 8 + 32] = { 0x45 };

	put_be16(b + 2, sizeof(b));
	b[8] = 64;
	b[9] = 1;
	memcpy(b + 12, &c->addr, 4);
	memcpy(b + 16, &c->gw_addr, 4);
	put_be16(b + 10, ip_csum(b, 20, 0));
	b[20] = 8;
	put_be16(b + 24, (uint16_t)idx_of(c));
	put_be16(b + 26, ++c->probe_seq);
	memcpy(b + 28, "l2sec-load probe l2sec-load prb", 32);
	put_be16(b + 22, ip_csum(b + 20, sizeof(b) - 20, 0));
	ppp_send(c, PPP_IP, b, sizeof(b));
}

static void went_up(struct client *c)
{
	uint64_t t = now_us();

	lat_us[st.up++] = (uint32_t)((t - c->t_start) < UINT32_MAX ? t - c->t_start : UINT32_MAX);
	c->phase = PH_UP;
	inflight--;
	setups_ended++;
	c->ppp_at = 0;
	c->deadline = 0;
	if (closing_all)
		hang_up(c, CDN_ADMIN);
	else if (opt.hold_s >= 0)
		c->deadline = t + (uint64_t)opt.hold_s * 1000000 + 1;
}

static void ncp_check(struct client *c)
{
	uint32_t v4 = F_IPCP_OURS | F_IPCP_PEER, v6 = F_V6_OURS | F_V6_PEER;

	if (c->phase != PH_NCP || (c->flags & v4) != v4 || (opt.ipv6 && (c->flags & v6) != v6))
		return;
	c->phase = PH_PROBE;
	c->ppp_tries = 0;
	probe(c);
	c->ppp_at = now_us() + PROBE_RESEND_US;
}

/* Answers a peer's Configure-Request: Ack unless an option is unknown (Reject)
 * or, for LCP, the authentication protocol is not MS-CHAPv2 (Nak). */
static void cp_peer_req(struct client *c, uint16_t proto, uint8_t id, const uint8_t *o,
			size_t n)
{
	static const uint8_t want_auth[5] = { 3, 5, 0xc2, 0x23, 0x81 };
	uint8_t rej[MAX_PKT], nak[8];
	size_t nrej = 0, nnak = 0, p;

	for (p = 0; p < n; p += o[p + 1]) {
		uint8_t t = o[p], l;
		bool ok;

		if (n - p < 2 || o[p + 1] < 2 || o[p + 1] > n - p)
			return;	/* malformed: ignore the packet */
		l = o[p + 1];
		if (proto == PPP_LCP)
			ok = (t == 1 && l == 4) || (t == 5 && l == 6) || (t == 3 && l >= 4);
		else if (proto == PPP_IPCP)
			ok = t == 3 && l == 6;
		else
			ok = t == 1 && l == 10;
		if (!ok) {
			memcpy(rej + nrej, o + p, l);
			nrej += l;
		} else if (proto == PPP_LCP && t == 3 && (l != 5 || memcmp(o + p, want_auth, 5))) {
			memcpy(nak, want_auth, 5);
			nnak = 5;
		} else if (proto == PPP_IPCP) {
			memcpy(&c->gw_addr, o + p + 2, 4);
		}
	}
	if (nrej) {
		cp_send(c, proto, 4, id, rej, nrej);
	} else if (nnak) {
		cp_send(c, proto, 3, id, nak, nnak);
	} else {
		cp_send(c, proto, 2, id, o, n);
		c->flags |= proto == PPP_LCP ? F_LCP_PEER : proto == PPP_IPCP ? F_IPCP_PEER :
			    F_V6_PEER;
	}
}

/* Our Configure-Request was Naked (3) or Rejected (4): take the values. */
static void cp_nak_rej(struct client *c, uint16_t proto, uint8_t code, const uint8_t *o,
		       size_t n)
{
	for (size_t p = 0; p + 2 <= n && o[p + 1] >= 2 && o[p + 1] <= n - p; p += o[p + 1]) {
		uint8_t t = o[p], l = o[p + 1];

		if (proto == PPP_LCP && t == 5)
			c->flags &= ~F_MAGIC;
		if (proto == PPP_IPCP && code == 3 && l == 6 && t == 3)
			memcpy(&c->addr, o + p + 2, 4);
		if (proto == PPP_IPCP && (t == 129 || t == 131)) {
			if (code == 3 && l == 6)
				memcpy(&c->dns[t == 131], o + p + 2, 4);
			else
				c->flags &= ~(t == 131 ? F_DNS2 : F_DNS1);
		}
		if (proto == PPP_IPV6CP && t == 1 && code == 3 && l == 10)
			c->ifid = get_be64(o + p + 2);
		if (code == 4 && ((proto == PPP_IPCP && t == 3) || proto == PPP_IPV6CP)) {
			fail(c, C_NCP_REJ, 0);
			return;
		}
	}
	if (proto == PPP_LCP)
		lcp_req(c);
	else if (proto == PPP_IPCP)
		ipcp_req(c);
	else
		v6_req(c);
}

static void on_cp(struct client *c, uint16_t proto, const uint8_t *p, size_t n)
{
	uint8_t code, id, my_id;
	uint16_t len;

	if (n < 4 || (len = get_be16(p + 2)) < 4 || len > n)
		return;
	code = p[0];
	id = p[1];
	p += 4;
	len -= 4;
	my_id = proto == PPP_LCP ? c->lcp_id : proto == PPP_IPCP ? c->ipcp_id : c->v6_id;
	if (proto != PPP_LCP && c->phase < PH_NCP)
		return;		/* an NCP before authentication: not yet */
	switch (code) {
	case 1:
		cp_peer_req(c, proto, id, p, len);
		break;
	case 2:
		if (id == my_id)
			c->flags |= proto == PPP_LCP ? F_LCP_OURS : proto == PPP_IPCP ?
				    F_IPCP_OURS : F_V6_OURS;
		break;
	case 3:
	case 4:
		if (id == my_id)
			cp_nak_rej(c, proto, code, p, len);
		return;
	case 5:
		cp_send(c, proto, 6, id, NULL, 0);
		fail(c, C_LCP_TERM, 0);
		return;
	case 8:		/* Protocol-Reject: IPv6CP refused when we need it */
		if (proto == PPP_LCP && len >= 2 && get_be16(p) == PPP_IPV6CP && opt.ipv6)
			fail(c, C_NCP_REJ, 0);
		return;
	case 9:
		if (proto == PPP_LCP && len >= 4) {
			uint8_t r[MAX_PKT];

			put_be32(r, (c->flags & F_MAGIC) ? c->magic : 0);
			memcpy(r + 4, p + 4, len - 4);
			cp_send(c, PPP_LCP, 10, id, r, len);
		}
		return;
	default:
		return;
	}
	if (c->phase == PH_LCP && (c->flags & (F_LCP_OURS | F_LCP_PEER)) ==
	    (F_LCP_OURS | F_LCP_PEER)) {
		c->phase = PH_AUTH;
		c->ppp_at = 0;
	}
	ncp_check(c);
}

static void on_chap(struct client *c, const uint8_t *p, size_t n)
{
	uint16_t len;
	size_t ulen = strlen(opt.user);

	if (n < 4 || (len = get_be16(p + 2)) < 4 || len > n)
		return;
	if (p[0] == 1 && len >= 5 + MSCHAP_CHALLENGE_LEN && p[4] == MSCHAP_CHALLENGE_LEN &&
	    (c->phase == PH_LCP || c->phase == PH_AUTH)) {
		uint8_t r[4 + 1 + 49 + 256] = { 2, p[1] };

		memcpy(c->auth_chal, p + 5, MSCHAP_CHALLENGE_LEN);
		rnd_bytes(c->peer_chal, sizeof(c->peer_chal));
		r[4] = 49;
		memcpy(r + 5, c->peer_chal, MSCHAP_CHALLENGE_LEN);
		mschap_nt_response(c->auth_chal, c->peer_chal, opt.user, ulen, nt_hash,
				   r + 5 + 24);
		memcpy(r + 5 + 49, opt.user, ulen);
		put_be16(r + 2, (uint16_t)(5 + 49 + ulen));
		ppp_send(c, PPP_CHAP, r, 5 + 49 + ulen);
		c->phase = PH_AUTH;
		c->ppp_at = 0;
	} else if (p[0] == 3 && c->phase == PH_AUTH) {
		uint8_t nt[MSCHAP_NT_RESPONSE_LEN];
		char want[MSCHAP_AUTH_RESPONSE_LEN];

		mschap_nt_response(c->auth_chal, c->peer_chal, opt.user, ulen, nt_hash, nt);
		mschap_auth_response(nt_hash, nt, c->peer_chal, c->auth_chal, opt.user, ulen,
				     want);
		if (len < 4 + MSCHAP_AUTH_RESPONSE_LEN - 1 ||
		    memcmp(p + 4, want, MSCHAP_AUTH_RESPONSE_LEN - 1)) {
			fail(c, C_AUTH_SERVER, 0);
			return;
		}
		c->flags |= F_AUTHED;
		c->phase = PH_NCP;
		c->ppp_tries = 0;
		ncp_send(c);
	} else if (p[0] == 4 && c->phase == PH_AUTH) {
		fail(c, C_AUTH, 0);
	}
}

static void on_ip(struct client *c, uint8_t *p, size_t n)
{
	size_t ihl;
	uint16_t id;

	if (n < 20 || p[0] >> 4 != 4 || (ihl = (p[0] & 15) * 4u) < 20 ||
	    get_be16(p + 2) > n || get_be16(p + 2) < ihl + 8 || p[9] != 1)
		return;
	n = get_be16(p + 2);
	id = get_be16(p + ihl + 4);
	if (p[ihl] == 0 && id == (uint16_t)idx_of(c) &&
	    get_be16(p + ihl + 6) == c->probe_seq && !memcmp(p + 12, &c->gw_addr, 4)) {
		if (c->phase == PH_PROBE)
			went_up(c);
		else if ((c->flags & F_REPROBE) && ++st.reprobe_answered == st.reprobe_sent &&
			 reprobe_at)
			reprobe_at = now_us();	/* all answered: done at once */
		c->flags &= ~F_REPROBE;
	} else if (p[ihl] == 8 && !memcmp(p + 16, &c->addr, 4) && c->phase == PH_UP) {
		uint8_t a[4];

		memcpy(a, p + 12, 4);	/* an echo reply back to the sender */
		memcpy(p + 12, p + 16, 4);
		memcpy(p + 16, a, 4);
		p[8] = 64;
		put_be16(p + 10, 0);
		put_be16(p + 10, ip_csum(p, ihl, 0));
		p[ihl] = 0;
		put_be16(p + ihl + 2, 0);
		put_be16(p + ihl + 2, ip_csum(p + ihl, n - ihl, 0));
		ppp_send(c, PPP_IP, p, n);
		st.echo_answered++;
	}
}

static void on_data(struct client *c, uint8_t *p, size_t n)
{
	uint16_t proto;

	if (c->phase < PH_LCP || c->phase > PH_UP)
		return;
	if (n >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		n -= 2;
	}
	if (n < 1)
		return;
	if (p[0] & 1) {		/* a compressed protocol field */
		proto = p[0];
		p++;
		n--;
	} else {
		if (n < 2)
			return;
		proto = get_be16(p);
		p += 2;
		n -= 2;
	}
	switch (proto) {
	case PPP_LCP:
	case PPP_IPCP:
	case PPP_IPV6CP:
		on_cp(c, proto, p, n);
		break;
	case PPP_CHAP:
		on_chap(c, p, n);
		break;
	case PPP_IP:
		on_ip(c, p, n);
		break;
	default:		/* IPv6 router advertisements and the like */
		st.rx_ignored++;
		break;
	}
	if (c->phase != PH_DONE)
		rearm(c);
}

static void on_datagram(unsigned int sock, uint8_t *p, size_t n)
{
	struct l2tp_hdr h;
	struct client *c;
	size_t i;

	st.rx++;
	if (l2tp_hdr_parse(p, n, &h) != L2TP_HDR_OK) {
		st.rx_bad++;
		return;
	}
	i = ((size_t)h.tunnel_id - 1) * opt.sockets + sock;
	if (!h.tunnel_id || i >= started || clients[i].phase == PH_DONE ||
	    clients[i].phase == PH_IDLE) {
		st.rx_unknown++;
		return;
	}
	c = &clients[i];
	if (h.control)
		on_control(c, p, &h);
	else if (h.session_id == LOCAL_SID)
		on_data(c, p + h.hdr_len, h.msg_len - h.hdr_len);
	else
		st.rx_unknown++;
}

/* --- timers ---------------------------------------------------------------------- */

/* A Configure-Request or probe unanswered: again, or give up. */
static void ppp_due(struct client *c, uint64_t t)
{
	if (++c->ppp_tries >= (c->phase == PH_PROBE ? PROBE_TRIES : PPP_TRIES)) {
		fail(c, c->phase == PH_PROBE ? C_PROBE : C_TIMEOUT, 0);
	} else if (c->phase == PH_LCP && !(c->flags & F_LCP_OURS)) {
		st.resend_lcp++;
		lcp_req(c);
	} else if (c->phase == PH_NCP) {
		st.resend_ncp++;
		ncp_send(c);
	} else if (c->phase == PH_PROBE) {
		st.resend_probe++;
		probe(c);
		c->ppp_at = t + PROBE_RESEND_US;
	} else {
		c->ppp_at = 0;
	}
}

/* Whatever is due; the client ends up with a later timer or none. */
static void on_timer(struct client *c, uint64_t t)
{
	if (c->rtx_at && c->rtx_at <= t && c->rtx_tries >= opt.rtx_retries) {
		fail(c, C_LOST, 0);
	} else if (c->rtx_at && c->rtx_at <= t) {
		c->rtx_tries++;
		for (unsigned int i = 0; i < c->nq; i++) {
			l2tp_set_seq(c->q[i]->data, get_be16(c->q[i]->data + 8), c->nr);
			tx(c, c->q[i]->data, c->q[i]->len);
			st.tx_rtx++;
		}
		c->rtx_at = t + rtx_interval(c);
	}
	if (c->phase == PH_DONE)
		return;
	if (c->deadline && c->deadline <= t) {
		c->deadline = 0;
		if (c->phase == PH_UP)
			hang_up(c, CDN_ADMIN);
		else if (c->phase == PH_CLOSING)
			close_done(c, false);
		else
			fail(c, C_TIMEOUT, 0);
	} else if (c->ppp_at && c->ppp_at <= t) {
		ppp_due(c, t);
	}
	if (c->phase != PH_DONE)
		rearm(c);
}

static void run_timers(uint64_t t)
{
	while (heap_len && clients[heap[0]].timer <= t)
		on_timer(&clients[heap[0]], t);
}

/* --- the whole run ----------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_ms(unsigned int n, double q)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(q * (n - 1) + 0.5);
	return lat_us[i] / 1000.0;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* user + system CPU seconds of this process */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void add_ms(struct json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, json_object_new_double((double)(int64_t)(v * 1000) / 1000));
}

static const char *const cause_name[C_N] = {
	"none", "timeout", "lost", "stopccn", "cdn", "auth", "auth_server",
	"lcp_terminated", "ncp_rejected", "probe_lost", "send",
};

/* Failures by cause: "timeout_lcp", "stopccn_4", "auth", ... */
static struct json_object *failures_json(void)
{
	struct json_object *f = json_object_new_object();
	char k[48];

	for (unsigned int p = 0; p < PH_N; p++) {
		snprintf(k, sizeof(k), "timeout_%s", phase_name[p]);
		if (st.timeout_ph[p])
			add_u64(f, k, st.timeout_ph[p]);
		snprintf(k, sizeof(k), "lost_%s", phase_name[p]);
		if (st.lost_ph[p])
			add_u64(f, k, st.lost_ph[p]);
	}
	for (unsigned int r = 0; r < 16; r++) {
		snprintf(k, sizeof(k), "stopccn_%u", r);
		if (st.stopccn[r])
			add_u64(f, k, st.stopccn[r]);
		snprintf(k, sizeof(k), "cdn_%u", r);
		if (st.cdn[r])
			add_u64(f, k, st.cdn[r]);
	}
	for (unsigned int i = C_AUTH; i < C_N; i++)
		if (st.fails[i])
			add_u64(f, cause_name[i], st.fails[i]);
	return f;
}

static struct json_object *summary_json(void)
{
	struct json_object *j = json_object_new_object(), *o;
	uint64_t failed = 0;
	uint32_t *sorted;

	for (unsigned int i = 1; i < C_N; i++)
		failed += st.fails[i];
	add_u64(j, "count", opt.count);
	add_u64(j, "dialled", started);
	add_u64(j, "up", st.up);
	add_u64(j, "failed", failed);
	add_u64(j, "setups_ended", setups_ended);
	add_ms(j, "elapsed_s", (now_us() - t0) / 1e6);
	add_ms(j, "cpu_s", cpu_s());
	add_ms(j, "cpu_close_s", cpu_close);
	sorted = lat_us;	/* sorted in place: only appended to, order unused */
	qsort(sorted, st.up, sizeof(*sorted), cmp_u32);
	o = json_object_new_object();
	add_ms(o, "p50", pct_ms(st.up, 0.5));
	add_ms(o, "p90", pct_ms(st.up, 0.9));
	add_ms(o, "p99", pct_ms(st.up, 0.99));
	add_ms(o, "max", pct_ms(st.up, 1));
	json_object_object_add(j, "setup_ms", o);
	json_object_object_add(j, "failures", failures_json());
	add_u64(j, "dropped_after_up", st.dropped_up);
	o = json_object_new_object();
	add_u64(o, "closed", st.closed);
	add_u64(o, "unacked", st.close_unacked);
	add_ms(o, "seconds", st.close_last > st.close_first ?
	       (st.close_last - st.close_first) / 1e6 : 0);
	json_object_object_add(j, "teardown", o);
	o = json_object_new_object();
	add_u64(o, "sent", st.reprobe_sent);
	add_u64(o, "answered", st.reprobe_answered);
	json_object_object_add(o, "done", json_object_new_boolean(st.reprobe_done));
	json_object_object_add(j, "reprobe", o);
	add_u64(j, "echo_answered", st.echo_answered);
	o = json_object_new_object();
	add_u64(o, "datagrams", st.rx);
	add_u64(o, "bad", st.rx_bad);
	add_u64(o, "unknown_tunnel", st.rx_unknown);
	add_u64(o, "out_of_order", st.rx_ooo);
	add_u64(o, "duplicates", st.rx_dup);
	add_u64(o, "ignored", st.rx_ignored);
	json_object_object_add(j, "rx", o);
	o = json_object_new_object();
	add_u64(o, "datagrams", st.tx);
	add_u64(o, "retransmits", st.tx_rtx);
	add_u64(o, "errors", st.tx_err);
	json_object_object_add(j, "tx", o);
	/* a setup that waited for one of our PPP timers: a request or probe unanswered */
	o = json_object_new_object();
	add_u64(o, "lcp", st.resend_lcp);
	add_u64(o, "ncp", st.resend_ncp);
	add_u64(o, "probe", st.resend_probe);
	json_object_object_add(j, "ppp_resends", o);
	return j;
}

static void write_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	if (!path || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (!f)
		return;
	fputs(text, f);
	if (fclose(f) == 0)
		rename(tmp, path);
}

static void write_status(void)
{
	struct json_object *j = summary_json();

	write_file(opt.status_file, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

/* The clients' addresses in dial order ("0.0.0.0" for those not up). */
static void write_addrs(void)
{
	char tmp[4096];
	FILE *f;

	if (!opt.addrs_file || snprintf(tmp, sizeof(tmp), "%s.tmp", opt.addrs_file) >=
	    (int)sizeof(tmp) || !(f = fopen(tmp, "w")))
		return;
	for (unsigned int i = 0; i < opt.count; i++) {
		char a[INET_ADDRSTRLEN] = "0.0.0.0";

		if (clients[i].phase == PH_UP)
			inet_ntop(AF_INET, &clients[i].addr, a, sizeof(a));
		fprintf(f, "%s\n", a);
	}
	if (fclose(f) == 0)
		rename(tmp, opt.addrs_file);
}

static void reprobe_one(struct client *c)
{
	if (c->phase != PH_UP || (c->flags & F_REPROBE))
		return;
	c->flags |= F_REPROBE;
	st.reprobe_sent++;
	probe(c);
}

/* SIGUSR2: the first and the last client that are up, and N random ones. */
static void reprobe(void)
{
	unsigned int i, up = 0, *idx = calloc(opt.count, sizeof(*idx));

	if (!idx)
		return;
	st.reprobe_sent = st.reprobe_answered = 0;
	st.reprobe_done = false;
	for (i = 0; i < started; i++)
		if (clients[i].phase == PH_UP)
			idx[up++] = i;
	if (up) {
		reprobe_one(&clients[idx[0]]);
		reprobe_one(&clients[idx[up - 1]]);
		for (i = 0; i < opt.reprobe_n && i < up; i++) {	/* partial Fisher-Yates */
			unsigned int j = i + (unsigned int)(rnd() % (up - i)), t = idx[i];

			idx[i] = idx[j];
			idx[j] = t;
			reprobe_one(&clients[idx[i]]);
		}
	}
	free(idx);
	/*
	 * Each probe goes once; its answer may take a while when a thousand go
	 * at once to a slow gateway (TCG with the host busy: 494 of 1,001 came
	 * within a fixed 2 s once): 2 s and 10 ms a probe, ended early once all
	 * are answered.
	 */
	reprobe_at = now_us() + 2 * PROBE_RESEND_US + st.reprobe_sent * 10000;
}

static void reprobe_end(void)
{
	reprobe_at = 0;
	st.reprobe_done = true;
	for (unsigned int i = 0; i < started; i++)
		clients[i].flags &= ~F_REPROBE;
	write_status();
}

/* Hangs up every client, as many at once as setups may be in flight. */
static void close_more(void)
{
	while (closing_all && closing < opt.inflight_max && close_next < started) {
		struct client *c = &clients[close_next++];

		if (c->phase == PH_UP)
			hang_up(c, CDN_ADMIN);
	}
}

static void close_all(void)
{
	if (!closing_all)
		cpu_close = cpu_s();
	closing_all = true;
	close_more();
}

static void print_summary(void)
{
	struct json_object *j = summary_json();
	uint64_t failed = 0;

	for (unsigned int i = 1; i < C_N; i++)
		failed += st.fails[i];
	printf("clients %u dialled %u up %llu failed %llu dropped-after-up %llu\n", opt.count,
	       started, (unsigned long long)st.up, (unsigned long long)failed,
	       (unsigned long long)st.dropped_up);
	printf("setup ms: p50 %.1f p90 %.1f p99 %.1f max %.1f\n", pct_ms(st.up, 0.5),
	       pct_ms(st.up, 0.9), pct_ms(st.up, 0.99), pct_ms(st.up, 1));
	printf("resends: L2TP %llu, LCP %llu, IPCP/IPv6CP %llu, probe %llu\n",
	       (unsigned long long)st.tx_rtx, (unsigned long long)st.resend_lcp,
	       (unsigned long long)st.resend_ncp, (unsigned long long)st.resend_probe);
	printf("failures: %s\n", json_object_to_json_string_ext(
		       json_object_object_get(j, "failures"), JSON_C_TO_STRING_PLAIN));
	printf("teardown: %llu closed, %llu unacknowledged, %.3f s\n",
	       (unsigned long long)st.closed, (unsigned long long)st.close_unacked,
	       st.close_last > st.close_first ? (st.close_last - st.close_first) / 1e6 : 0);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

static int open_socks(int ep)
{
	socks = calloc(opt.sockets, sizeof(*socks));
	if (!socks)
		return -1;
	for (unsigned int i = 0; i < opt.sockets; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), sz = 8 << 20;
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		if (fd < 0)
			return -1;
		socks[i] = fd;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		if (bind(fd, (struct sockaddr *)&opt.bind, sizeof(opt.bind)) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -1;
	}
	return 0;
}

static void rx_sock(unsigned int s)
{
	static uint8_t bufs[BATCH][MAX_PKT];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	int n;

	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = MAX_PKT;
		mm[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	/* a bounded number of batches, then the timers get their turn */
	for (int round = 0; round < 16; round++) {
		n = recvmmsg(socks[s], mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++)
			if (!(mm[i].msg_hdr.msg_flags & MSG_TRUNC))
				on_datagram(s, bufs[i], mm[i].msg_len);
	}
}

static int on_signal(int sfd)
{
	struct signalfd_siginfo si;
	static int terms;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGUSR1:
			close_all();
			break;
		case SIGUSR2:
			reprobe();
			break;
		default:
			if (terms++)
				return -1;
			opt.count = started;	/* no more dials */
			close_all();
			break;
		}
	}
	return 0;
}

/* Dials the clients the rate and the in-flight limit allow; returns when the
 * next one is due (0: none). */
static uint64_t dial_due(uint64_t t)
{
	while (started < opt.count && inflight < opt.inflight_max && !closing_all) {
		uint64_t due = t0 + (uint64_t)started * 1000000 / opt.rate;

		if (due > t)
			return due;
		dial(&clients[started++]);
	}
	return 0;
}

static int run(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), sfd;
	sigset_t ss;

	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGUSR2);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ep < 0 || sfd < 0 || open_socks(ep) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &(struct epoll_event){
		    .events = EPOLLIN, .data.u32 = UINT32_MAX }) < 0) {
		perror("l2sec-load: setup");
		return -1;
	}
	t0 = now_us();
	while (done < opt.count || reprobe_at) {
		struct epoll_event ev[8];
		uint64_t t = now_us(), next = dial_due(t);
		int n, wait_ms = -1;

		close_more();
		if (!status_written && setups_ended == opt.count) {
			status_written = true;
			write_addrs();
			write_status();
		}
		if (reprobe_at && reprobe_at <= t)
			reprobe_end();
		next = min_set(min_set(next, heap_len ? clients[heap[0]].timer : 0), reprobe_at);
		if (next)
			wait_ms = next > t ? (int)((next - t + 999) / 1000) : 0;
		n = epoll_wait(ep, ev, 8, wait_ms);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u32 == UINT32_MAX) {
				if (on_signal(sfd) < 0)
					return -1;
			} else {
				rx_sock(ev[i].data.u32);
			}
		}
		run_timers(now_us());
	}
	return 0;
}

/* --- ping: ICMP echoes to many addresses from one raw socket ----------------------- */

/* Take one echo reply from fd if one is there within wait_us: 1 when it answers a[seq]. */
static int ping_recv(int fd, const struct in_addr *a, bool *ok, unsigned int n, uint64_t wait_us)
{
	struct timeval tv = { (time_t)(wait_us / 1000000), (suseconds_t)(wait_us % 1000000) };
	uint8_t r[1500];
	ssize_t len;
	size_t ihl;
	uint16_t seq;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	len = recv(fd, r, sizeof(r), wait_us ? 0 : MSG_DONTWAIT);
	if (len < 28)
		return len < 0 ? -1 : 0;
	ihl = (r[0] & 15) * 4u;
	if ((size_t)len < ihl + 8 || r[ihl] != 0 || get_be16(r + ihl + 4) != (uint16_t)getpid())
		return 0;
	seq = get_be16(r + ihl + 6);
	if (seq >= n || ok[seq] || memcmp(r + 12, &a[seq], 4))
		return 0;
	ok[seq] = true;
	return 1;
}

/*
 * The replies are read as the echoes go out (a burst of a thousand would overflow
 * the raw socket's buffer: every ICMP message of the namespace is queued on it).
 */
static int ping_main(int argc, char **argv)
{
	unsigned int n = (unsigned int)argc, answered = 0, sent = 0, timeout_ms = 2000;
	int fd, i0 = 0, rcvbuf = 4 << 20;
	struct in_addr *a;
	bool *ok;

	if (argc >= 2 && !strcmp(argv[0], "-t")) {
		timeout_ms = (unsigned int)atoi(argv[1]);
		i0 = 2;
	}
	n = (unsigned int)(argc - i0);
	a = calloc(n + 1, sizeof(*a));
	ok = calloc(n + 1, sizeof(*ok));
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (!a || !ok || fd < 0) {
		perror("l2sec-load ping");
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (unsigned int i = 0; i < n; i++)
		if (inet_pton(AF_INET, argv[i0 + i], &a[i]) != 1) {
			fprintf(stderr, "l2sec-load ping: bad address %s\n", argv[i0 + i]);
			return 2;
		}
	for (int round = 0; round < 2 && answered < n; round++) {
		uint64_t end;
		int got;

		for (unsigned int i = 0; i < n; i++) {
			uint8_t b[8 + 32] = { 8 };
			struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = a[i] };

			if (ok[i])
				continue;
			put_be16(b + 4, (uint16_t)getpid());
			put_be16(b + 6, (uint16_t)i);
			put_be16(b + 2, ip_csum(b, sizeof(b), 0));
			if (sendto(fd, b, sizeof(b), 0, (struct sockaddr *)&to, sizeof(to)) > 0)
				sent++;
			while ((got = ping_recv(fd, a, ok, n, 0)) >= 0)
				answered += (unsigned int)got;
		}
		end = now_us() + timeout_ms * 1000ull;
		while (answered < n && now_us() < end)
			answered += (unsigned int)(ping_recv(fd, a, ok, n, 100000) > 0);
	}
	printf("sent %u answered %u of %u\n", sent, answered, n);
	for (unsigned int i = 0; i < n; i++)
		if (!ok[i])
			printf("silent %s\n", argv[i0 + i]);
	return answered == n ? 0 : 1;
}

/* --- options ------------------------------------------------------------------------ */

static void usage(void)
{
	fputs("usage: l2sec-load -s SERVER [-p PORT] [-b ADDR] [-S SOCKETS] [-n COUNT]\n"
	      "\t[-r RATE] [-i INFLIGHT] [-t TIMEOUT] [-H HOLD] [-u USER] [-w PASSWORD]\n"
	      "\t[--ipv6] [--secret S] [--rtx-initial MS] [--rtx-max MS] [--rtx-retries N]\n"
	      "\t[--status FILE] [--addrs FILE] [--reprobe N]\n"
	      "       l2sec-load ping [-t MS] ADDR...\n", stderr);
	exit(2);
}

static unsigned long num(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "l2sec-load: %s: out of range (%lu-%lu)\n", s, lo, hi);
		exit(2);
	}
	return v;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ipv6", no_argument, NULL, '6' },
		{ "secret", required_argument, NULL, 'k' },
		{ "rtx-initial", required_argument, NULL, 1 },
		{ "rtx-max", required_argument, NULL, 2 },
		{ "rtx-retries", required_argument, NULL, 3 },
		{ "status", required_argument, NULL, 4 },
		{ "addrs", required_argument, NULL, 5 },
		{ "reprobe", required_argument, NULL, 6 },
		{ 0 }
	};
	int c;

	opt.server.sin_family = opt.bind.sin_family = AF_INET;
	opt.server.sin_port = htons(1701);
	while ((c = getopt_long(argc, argv, "s:p:b:S:n:r:i:t:H:u:w:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (inet_pton(AF_INET, optarg, &opt.server.sin_addr) != 1)
				usage();
			break;
		case 'p':
			opt.server.sin_port = htons((uint16_t)num(optarg, 1, 65535));
			break;
		case 'b':
			if (inet_pton(AF_INET, optarg, &opt.bind.sin_addr) != 1)
				usage();
			break;
		case 'S':
			opt.sockets = (unsigned int)num(optarg, 1, 1024);
			break;
		case 'n':
			opt.count = (unsigned int)num(optarg, 1, MAX_CLIENTS);
			break;
		case 'r':
			opt.rate = (unsigned int)num(optarg, 1, 1000000);
			break;
		case 'i':
			opt.inflight_max = (unsigned int)num(optarg, 1, MAX_CLIENTS);
			break;
		case 't':
			opt.timeout_us = num(optarg, 1, 3600) * 1000000;
			break;
		case 'H':
			opt.hold_s = strcmp(optarg, "-1") ? (int)num(optarg, 0, 86400) : -1;
			break;
		case 'u':
			opt.user = optarg;
			break;
		case 'w':
			opt.password = optarg;
			break;
		case '6':
			opt.ipv6 = true;
			break;
		case 'k':
			opt.secret = optarg;
			break;
		case 1:
			opt.rtx_initial_us = num(optarg, 10, 60000) * 1000;
			break;
		case 2:
			opt.rtx_max_us = num(optarg, 10, 600000) * 1000;
			break;
		case 3:
			opt.rtx_retries = (unsigned int)num(optarg, 0, 100);
			break;
		case 4:
			opt.status_file = optarg;
			break;
		case 5:
			opt.addrs_file = optarg;
			break;
		case 6:
			opt.reprobe_n = (unsigned int)num(optarg, 0, MAX_CLIENTS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !opt.server.sin_addr.s_addr || strlen(opt.user) > 255)
		usage();
	if ((opt.count + opt.sockets - 1) / opt.sockets > 65535) {
		fprintf(stderr, "l2sec-load: at most 65535 tunnels a socket: use -S\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	unsigned int failed;

	if (argc > 1 && !strcmp(argv[1], "ping"))
		return ping_main(argc - 2, argv + 2);
	parse(argc, argv);
	if (getrandom(&rng_state, sizeof(rng_state), 0) != sizeof(rng_state) || !rng_state)
		rng_state = (uint64_t)now_us() | 1;
	if (mschap_nt_hash(opt.password, strlen(opt.password), nt_hash) < 0) {
		fprintf(stderr, "l2sec-load: the password is not valid UTF-8\n");
		return 2;
	}
	clients = calloc(opt.count, sizeof(*clients));
	heap = calloc(opt.count, sizeof(*heap));
	lat_us = calloc(opt.count, sizeof(*lat_us));
	if (!clients || !heap || !lat_us) {
		perror("l2sec-load");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	json_c_set_serialization_double_format("%.3f", JSON_C_OPTION_GLOBAL);
	if (run() < 0) {
		print_summary();
		return 1;
	}
	print_summary();
	write_status();
	explicit_bzero(nt_hash, sizeof(nt_hash));
	failed = opt.count - (unsigned int)st.up;
	return failed || st.dropped_up || st.close_unacked ? 1 : 0;
}
