/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test double for the LNS: a fake clock, a fake socket that records what
 * the LNS sends, a fake kernel that counts tunnels and sessions, and a
 * scripted LAC that builds messages with correct Ns/Nr. Shared by the unit
 * tests (test_l2tp_fsm.c) and the state machine fuzz target; everything is
 * static inline so that each program takes only what it uses.
 */
#ifndef L2SEC_TEST_L2TP_FAKE_H
#define L2SEC_TEST_L2TP_FAKE_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "l2tp/l2tp_lns.h"
#include "l2tp/l2tp_msg.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_tunnel.h"

#define FAKE_MAX_OUT 128

struct fake_pkt {
	uint8_t buf[L2TP_MAX_MSG];
	size_t len;
	struct l2tp_peer peer;
};

struct fake {
	uint64_t now;
	struct evloop *loop;
	struct l2sec_config cfg;
	struct l2tp_lns *lns;
	struct fake_pkt *out;		/* [FAKE_MAX_OUT], oldest dropped when full */
	unsigned int n_out;
	uint32_t rnd;
	uint32_t rnd_fixed;		/* not 0: what every random() returns */
	int kernel_fail;
	int k_tunnels, k_sessions, k_tunnel_adds, k_session_adds;
	uint32_t k_last_mark;
	uint16_t k_last_tid;
	int ppp_up, ppp_closed, ppp_frames;
	size_t ppp_last_len;
	const struct l2tp_session *ppp_last;	/* the session of the last frame */
};

static inline uint64_t fake_clock(void *arg)
{
	return ((struct fake *)arg)->now;
}

static inline int fake_send(void *env, const struct l2tp_peer *peer,
			    const struct l2tp_tunnel *t, uint16_t sid, const uint8_t *buf,
			    size_t len)
{
	struct fake *f = env;
	struct fake_pkt *p;

	if (f->n_out == FAKE_MAX_OUT) {
		memmove(f->out, f->out + 1, (FAKE_MAX_OUT - 1) * sizeof(*f->out));
		f->n_out--;
	}
	p = &f->out[f->n_out++];
	if (len > sizeof(p->buf))
		abort();
	memcpy(p->buf, buf, len);
	p->len = len;
	p->peer = *peer;
	return 0;
}

static inline int fake_tunnel_add(void *env, struct l2tp_tunnel *t)
{
	struct fake *f = env;

	if (f->kernel_fail)
		return -1;
	f->k_tunnels++;
	f->k_tunnel_adds++;
	t->dp_handle = 100 + (uint32_t)f->k_tunnel_adds;	/* as the module's: unique */
	f->k_last_mark = t->peer.mark;
	f->k_last_tid = t->tid;
	return 0;
}

static inline void fake_tunnel_del(void *env, struct l2tp_tunnel *t)
{
	(void)t;
	((struct fake *)env)->k_tunnels--;
}

static inline int fake_session_add(void *env, struct l2tp_session *s)
{
	struct fake *f = env;

	(void)s;
	if (f->kernel_fail)
		return -1;
	f->k_sessions++;
	f->k_session_adds++;
	return 0;
}

static inline void fake_session_del(void *env, struct l2tp_session *s)
{
	(void)s;
	((struct fake *)env)->k_sessions--;
}

static inline uint32_t fake_random(void *env)
{
	struct fake *f = env;

	if (f->rnd_fixed)
		return f->rnd_fixed;
	/* xorshift32: deterministic, so failures reproduce */
	f->rnd ^= f->rnd << 13;
	f->rnd ^= f->rnd >> 17;
	f->rnd ^= f->rnd << 5;
	return f->rnd;
}

static const struct l2tp_lns_ops fake_ops = {
	.send = fake_send,
	.tunnel_add = fake_tunnel_add,
	.tunnel_del = fake_tunnel_del,
	.session_add = fake_session_add,
	.session_del = fake_session_del,
	.random = fake_random,
};

static inline void fake_ppp_established(void *arg, struct l2tp_session *s)
{
	(void)s;
	((struct fake *)arg)->ppp_up++;
}

static inline void fake_ppp_input(void *arg, struct l2tp_session *s, uint8_t *frame,
				  size_t len)
{
	struct fake *f = arg;

	(void)frame;
	f->ppp_frames++;
	f->ppp_last = s;
	f->ppp_last_len = len;
}

static inline void fake_ppp_closed(void *arg, struct l2tp_session *s)
{
	(void)s;
	((struct fake *)arg)->ppp_closed++;
}

static const struct l2tp_session_ops fake_sops = {
	.established = fake_ppp_established,
	.ppp_input = fake_ppp_input,
	.closed = fake_ppp_closed,
};

/* cfg is taken as configured by the caller; NULL: defaults, no IPsec, quick timers. */
static inline struct fake *fake_new(const struct l2sec_config *cfg)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->out = calloc(FAKE_MAX_OUT, sizeof(*f->out));
	f->now = 5000000;
	f->rnd = 0x12345678;
	if (cfg) {
		f->cfg = *cfg;
	} else {
		config_defaults(&f->cfg);
		strcpy(f->cfg.l2tp.hostname, "lns");
		f->cfg.l2tp.require_ipsec = false;
	}
	f->loop = evloop_new(fake_clock, f);
	/* rate-limited log lines on the same clock (the daemon: both monotonic) */
	logrl_set_clock(fake_clock, f);
	f->lns = l2tp_lns_new(f->loop, &f->cfg.l2tp, &fake_ops, f);
	l2tp_lns_set_session_ops(f->lns, &fake_sops, f);
	return f;
}

static inline void fake_free(struct fake *f)
{
	l2tp_lns_free(f->lns);
	evloop_free(f->loop);
	logrl_set_clock(NULL, NULL);	/* not left reading a freed fake */
	free(f->out);
	free(f);
}

/* Move the clock forward, firing every timer at its own deadline on the way. */
static inline void fake_advance(struct fake *f, uint64_t ms)
{
	uint64_t end = f->now + ms;

	for (;;) {
		uint64_t next = evloop_next_deadline(f->loop);

		if (next > end)
			break;
		if (next > f->now)
			f->now = next;
		evloop_run_timers(f->loop);
	}
	f->now = end;
}

/* --- the scripted LAC ------------------------------------------------------------ */

struct lac {
	struct fake *f;
	struct l2tp_peer peer;
	uint16_t tid;		/* the LAC's own tunnel ID */
	uint16_t lns_tid;	/* from SCCRP */
	uint16_t ns, nr;
	unsigned int seen;	/* f->out entries already consumed */
};

static inline void lac_init(struct lac *l, struct fake *f, uint32_t addr, uint16_t port,
			    uint32_t mark, uint16_t tid)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&l->peer.addr;

	memset(l, 0, sizeof(*l));
	l->f = f;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	sin->sin_port = htons(port);
	l->peer.mark = mark;
	l->tid = tid;
	l->seen = f->n_out;
}

/* Start a control message from the LAC: header tunnel = the LNS's. */
static inline void lac_begin(struct lac *l, struct l2tp_builder *b, uint8_t *buf, size_t cap,
			     uint16_t sid, uint16_t type)
{
	l2tp_build_init(b, buf, cap, type == L2TP_SCCRQ ? 0 : l->lns_tid, sid, type);
}

static inline void lac_send(struct lac *l, struct l2tp_builder *b)
{
	size_t len = l2tp_build_finish(b);

	l2tp_set_seq(b->buf, l->ns++, l->nr);
	l2tp_lns_input(l->f->lns, b->buf, len, &l->peer);
}

static inline void lac_zlb(struct lac *l)
{
	uint8_t buf[12];

	l2tp_build_zlb(buf, l->lns_tid, l->ns, l->nr);
	l2tp_lns_input(l->f->lns, buf, sizeof(buf), &l->peer);
}

/*
 * The next control message the LNS sent to this LAC (ZLBs skipped, but their
 * acknowledgements noted); decoded into *m, with a copy in *pkt. Returns the
 * message type, 0 when there is none.
 */
static inline uint16_t lac_recv(struct lac *l, struct l2tp_msg *m, struct l2tp_hdr *h,
				struct fake_pkt *pkt)
{
	while (l->seen < l->f->n_out) {
		struct fake_pkt *p = &l->f->out[l->seen++];

		if (!l2tp_peer_match(&p->peer, &l->peer))
			continue;
		*pkt = *p;
		if (l2tp_hdr_parse(pkt->buf, pkt->len, h) != L2TP_HDR_OK || !h->control)
			continue;
		if (h->msg_len == h->hdr_len)
			continue;
		if (h->ns == l->nr)
			l->nr++;
		if (l2tp_avp_decode(pkt->buf + h->hdr_len, h->msg_len - h->hdr_len,
				    l->f->lns->cfg->secret, m) != L2TP_DEC_OK)
			return 0xffff;
		return m->type;
	}
	return 0;
}

/* Count the ZLBs sent to this LAC since it last looked (and consume them). */
static inline int lac_zlbs(struct lac *l)
{
	int n = 0;
	struct l2tp_hdr h;

	while (l->seen < l->f->n_out) {
		struct fake_pkt *p = &l->f->out[l->seen++];

		if (l2tp_peer_match(&p->peer, &l->peer) &&
		    l2tp_hdr_parse(p->buf, p->len, &h) == L2TP_HDR_OK && h.control &&
		    h.msg_len == h.hdr_len)
			n++;
	}
	return n;
}

static inline void lac_sccrq(struct lac *l, const uint8_t *chal, size_t chal_len,
			     uint16_t version)
{
	uint8_t buf[256];
	struct l2tp_builder b;

	lac_begin(l, &b, buf, sizeof(buf), 0, L2TP_SCCRQ);
	l2tp_build_u16(&b, true, AVP_PROTOCOL_VERSION, version);
	l2tp_build_u32(&b, true, AVP_FRAMING_CAP, 3);
	l2tp_build_avp(&b, true, AVP_HOST_NAME, "lac", 3);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, l->tid);
	l2tp_build_u16(&b, true, AVP_RECEIVE_WINDOW, 4);
	if (chal)
		l2tp_build_avp(&b, true, AVP_CHALLENGE, chal, chal_len);
	lac_send(l, &b);
}

static inline void lac_scccn(struct lac *l, const uint8_t *resp)
{
	uint8_t buf[128];
	struct l2tp_builder b;

	lac_begin(l, &b, buf, sizeof(buf), 0, L2TP_SCCCN);
	if (resp)
		l2tp_build_avp(&b, true, AVP_CHALLENGE_RESPONSE, resp, 16);
	lac_send(l, &b);
}

/* SCCRQ, the SCCRP read (its tunnel ID learnt), SCCCN: the tunnel is up. */
static inline void lac_establish(struct lac *l)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	lac_sccrq(l, NULL, 0, 0x0100);
	if (lac_recv(l, &m, &h, &p) != L2TP_SCCRP)
		abort();
	l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(l, NULL);
}

static inline void lac_icrq(struct lac *l, uint16_t sid)
{
	uint8_t buf[128];
	struct l2tp_builder b;

	lac_begin(l, &b, buf, sizeof(buf), 0, L2TP_ICRQ);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, sid);
	l2tp_build_u32(&b, true, AVP_CALL_SERIAL, 42);
	lac_send(l, &b);
}

static inline void lac_iccn(struct lac *l, uint16_t lns_sid)
{
	uint8_t buf[128];
	struct l2tp_builder b;

	lac_begin(l, &b, buf, sizeof(buf), lns_sid, L2TP_ICCN);
	l2tp_build_u32(&b, true, AVP_TX_CONNECT_SPEED, 100000000);
	l2tp_build_u32(&b, true, AVP_FRAMING_TYPE, 1);
	lac_send(l, &b);
}

#endif
