// SPDX-License-Identifier: GPL-2.0
/* LNS control connection state machine (RFC 2661 5.1, 5.5, 7.2.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_secret.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_stale.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/logrl.h"
#include "core/util.h"

#define L2SEC_VENDOR "l2sec"
#define L2SEC_FIRMWARE 0x0001
#define FRAMING_SYNC 1
#define FRAMING_ASYNC 2

static void tunnel_xmit(struct l2tp_ctrl *c, const uint8_t *buf, size_t len);
static void tunnel_deliver(struct l2tp_ctrl *c, uint8_t *buf, size_t len,
			   const struct l2tp_hdr *h);
static void tunnel_dead(struct l2tp_ctrl *c);
static void tunnel_seq(struct l2tp_ctrl *c);
static void hello_cb(struct ev_timer *timer);
static void free_cb(struct ev_timer *timer);

static const struct l2tp_ctrl_ops tunnel_ctrl_ops = {
	.xmit = tunnel_xmit,
	.deliver = tunnel_deliver,
	.dead = tunnel_dead,
	.seq = tunnel_seq,
};

const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s)
{
	switch (s) {
	case TUNNEL_WAIT_CTL_CONN: return "wait-ctl-conn";
	case TUNNEL_ESTABLISHED: return "established";
	case TUNNEL_CLOSING: return "closing";
	}
	return "?";
}

/* How long a full retransmission cycle takes: setup timeout and StopCCN linger. */
static unsigned int rexmit_cycle_ms(const struct l2tp_ctrl_params *p)
{
	unsigned int total = 0, to = p->rexmit_initial_ms;

	for (unsigned int i = 0; i <= p->retries; i++) {
		total += to;
		to = to * 2 > p->rexmit_max_ms ? p->rexmit_max_ms : to * 2;
	}
	return total;
}

/* Peer strings go into logs and JSON: printable ASCII only. */
static void copy_printable(char *dst, size_t size, const struct l2tp_avp_val *v)
{
	size_t n = v->len < size - 1 ? v->len : size - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = v->p[i] >= 0x20 && v->p[i] < 0x7f ? (char)v->p[i] : '?';
	dst[n] = '\0';
}

int l2tp_tunnel_set_peer_names(struct l2tp_tunnel *t, const char *host, const char *vendor)
{
	size_t hl = strnlen(host, L2TP_PEER_NAME_MAX), vl = strnlen(vendor, L2TP_PEER_NAME_MAX);
	char *p = NULL;

	if (hl || vl) {
		p = malloc(hl + vl + 2);
		if (!p)
			return -1;
		memcpy(p, host, hl);
		p[hl] = '\0';
		memcpy(p + hl + 1, vendor, vl);
		p[hl + 1 + vl] = '\0';
	}
	free(t->peer_names);
	t->peer_names = p;
	return 0;
}

/*
 * The reason a close_pending or silent close gives (at most 63 characters,
 * as the StopCCN's text); without memory for it, a fixed one.
 */
static void set_close_text(struct l2tp_tunnel *t, const char *text)
{
	size_t n;
	char *p;

	if (text == t->close_text)
		return;
	n = strnlen(text, 63);
	p = malloc(n + 1);
	if (p) {
		memcpy(p, text, n);
		p[n] = '\0';
	}
	free(t->close_text);
	t->close_text = p;
}

static const char *close_text(const struct l2tp_tunnel *t)
{
	return t->close_text ? t->close_text : "tunnel closed";
}

static void fill_random(struct l2tp_lns *lns, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)lns->ops->random(lns->env);
}

/*
 * The sender's chain may still use the tunnel and its sessions: mark it and
 * close it from hello_timer once the chain returned (l2tp_lns.h). While
 * marked, its messages and data are ignored. Should the timer not arm (memory
 * out), the retransmission limit of the queued messages closes it.
 */
static void close_later(struct l2tp_tunnel *t, const char *text)
{
	if (t->state == TUNNEL_CLOSING || t->close_pending)
		return;
	t->close_pending = true;
	set_close_text(t, text);
	ev_timer_arm(t->lns->loop, &t->hello_timer, 0);
}

int l2tp_tunnel_send(struct l2tp_tunnel *t, struct l2tp_builder *b)
{
	size_t len = l2tp_build_finish(b);

	if (len && l2tp_ctrl_send(&t->ctrl, b->buf, len) == 0)
		return 0;
	log_err("l2tp: tunnel %u: cannot queue a control message (%s)", t->tid,
		len ? "queue full" : "message too long");
	close_later(t, len ? "control queue full" : "control message too long");
	return -1;
}

void l2tp_send_stateless_stopccn(struct l2tp_lns *lns, const struct l2tp_peer *peer,
				 uint16_t peer_tid, uint16_t nr, uint16_t result,
				 uint16_t error, const char *text)
{
	uint8_t buf[256];
	struct l2tp_builder b;
	size_t len;

	l2tp_build_init(&b, buf, sizeof(buf), peer_tid, 0, L2TP_STOPCCN);
	/* no tunnel of ours exists: 0 is the only honest Assigned Tunnel ID */
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, 0);
	l2tp_build_result(&b, result, error, text);
	len = l2tp_build_finish(&b);
	if (!len)
		return;
	l2tp_set_seq(buf, 0, nr);
	l2tp_lns_send(lns, peer, NULL, 0, buf, len);
}

void l2tp_tunnel_init_ctrl(struct l2tp_tunnel *t, uint16_t peer_rws, uint16_t nr)
{
	const struct l2tp_config *cfg = t->lns->cfg;
	struct l2tp_ctrl_params p = {
		.rexmit_initial_ms = cfg->rexmit_initial_ms,
		.rexmit_max_ms = cfg->rexmit_max_ms,
		.retries = cfg->rexmit_retries,
		.ack_delay_ms = cfg->ack_delay_ms,
		.rws = (uint16_t)cfg->receive_window,
	};

	l2tp_ctrl_init(&t->ctrl, t->lns->loop, &tunnel_ctrl_ops, &p, t->peer_tid, peer_rws, nr);
	ev_timer_init(&t->hello_timer, hello_cb);
	ev_timer_init(&t->free_timer, free_cb);
}

struct l2tp_tunnel *l2tp_tunnel_new(struct l2tp_lns *lns, const struct l2tp_peer *peer,
				    const struct l2tp_hdr *h, const struct l2tp_msg *sccrq)
{
	const struct l2tp_config *cfg = lns->cfg;
	uint8_t buf[512];
	struct l2tp_builder b;
	struct l2tp_tunnel *t;
	uint16_t tid = l2tp_lns_alloc_tid(lns, peer, cfg->require_ipsec);
	char ps[80], host[L2TP_PEER_NAME_MAX + 1], vendor[L2TP_PEER_NAME_MAX + 1];

	if (!tid)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	copy_printable(host, sizeof(host), &sccrq->avp[AVP_HOST_NAME]);
	copy_printable(vendor, sizeof(vendor), &sccrq->avp[AVP_VENDOR_NAME]);
	/* no tunnel at all rather than one without the secret in force */
	if (l2tp_tunnel_set_peer_names(t, host, vendor) < 0 || l2tp_lns_secret(lns, &t->secret) < 0) {
		free(t->peer_names);
		free(t);
		return NULL;
	}
	t->lns = lns;
	t->tid = tid;
	t->peer_tid = l2tp_msg_u16(sccrq, AVP_ASSIGNED_TUNNEL_ID);
	t->peer = *peer;
	t->peer_framing = l2tp_msg_u32(sccrq, AVP_FRAMING_CAP);
	t->peer_bearer = l2tp_msg_u32(sccrq, AVP_BEARER_CAP);
	t->require_ipsec = cfg->require_ipsec;
	t->hello_ms = cfg->hello_interval_ms;
	t->created_ms = evloop_now(lns->loop);
	t->state = TUNNEL_WAIT_CTL_CONN;
	l2tp_tunnel_init_ctrl(t, l2tp_msg_u16(sccrq, AVP_RECEIVE_WINDOW), (uint16_t)(h->ns + 1));

	l2tp_lns_link_tunnel(lns, t);
	l2tp_admit_tunnel_new(t);

	l2tp_build_init(&b, buf, sizeof(buf), t->peer_tid, 0, L2TP_SCCRP);
	l2tp_build_u16(&b, true, AVP_PROTOCOL_VERSION, 0x0100);
	l2tp_build_u32(&b, true, AVP_FRAMING_CAP, FRAMING_SYNC | FRAMING_ASYNC);
	l2tp_build_u16(&b, false, AVP_FIRMWARE_REV, L2SEC_FIRMWARE);
	l2tp_build_avp(&b, true, AVP_HOST_NAME, cfg->hostname, strlen(cfg->hostname));
	l2tp_build_avp(&b, false, AVP_VENDOR_NAME, L2SEC_VENDOR, strlen(L2SEC_VENDOR));
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, t->tid);
	l2tp_build_u16(&b, true, AVP_RECEIVE_WINDOW, (uint16_t)cfg->receive_window);
	if (t->secret) {
		fill_random(lns, t->challenge, sizeof(t->challenge));
		l2tp_build_avp(&b, true, AVP_CHALLENGE, t->challenge, sizeof(t->challenge));
	}
	if (l2tp_msg_has(sccrq, AVP_CHALLENGE)) {
		uint8_t resp[L2TP_CHALLENGE_RESP_LEN];

		l2tp_challenge_response(resp, L2TP_SCCRP, l2tp_secret_str(t->secret),
					sccrq->avp[AVP_CHALLENGE].p, sccrq->avp[AVP_CHALLENGE].len);
		l2tp_build_avp(&b, true, AVP_CHALLENGE_RESPONSE, resp, sizeof(resp));
	}
	log_info("l2tp: tunnel %u: SCCRQ from %s (host '%s', peer tunnel %u)", t->tid,
		 l2tp_peer_str(peer, ps, sizeof(ps)), l2tp_tunnel_peer_host(t), t->peer_tid);
	/* a peer that never sends SCCCN is dropped long before retransmission gives up */
	ev_timer_arm(lns->loop, &t->hello_timer, cfg->setup_timeout_ms);
	l2tp_tunnel_send(t, &b);
	return t;
}

void l2tp_tunnel_destroy(struct l2tp_tunnel *t)
{
	struct l2tp_lns *lns = t->lns;

	/* no GONE for its sessions: an LNS going away keeps its records (l2tp_snap.h) */
	t->state = TUNNEL_CLOSING;
	while (t->sessions)
		l2tp_session_drop(t->sessions);
	if (t->in_kernel && lns->ops->tunnel_del)
		lns->ops->tunnel_del(lns->env, t);
	t->in_kernel = false;
	ev_timer_cancel(lns->loop, &t->hello_timer);
	ev_timer_cancel(lns->loop, &t->free_timer);
	l2tp_ctrl_destroy(&t->ctrl);
	l2tp_admit_tunnel_release(t);
	l2tp_lns_unlink_tunnel(t);
	l2tp_secret_put(t->secret);	/* the last tunnel of that secret wipes it */
	free(t->peer_names);
	free(t->close_text);
	free(t);
}

static void free_cb(struct ev_timer *timer)
{
	l2tp_tunnel_destroy(container_of(timer, struct l2tp_tunnel, free_timer));
}

static void send_stopccn(struct l2tp_tunnel *t, uint16_t result, uint16_t error, const char *text)
{
	uint8_t buf[512];
	struct l2tp_builder b;

	l2tp_build_init(&b, buf, sizeof(buf), t->peer_tid, 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, t->tid);
	l2tp_build_result(&b, result, error, text);
	l2tp_tunnel_send(t, &b);
}

void l2tp_tunnel_close(struct l2tp_tunnel *t, bool send, uint16_t result, uint16_t error,
		       const char *text)
{
	struct l2tp_lns *lns = t->lns;
	char ps[80];

	if (t->state == TUNNEL_CLOSING)
		return;
	if (t->state != TUNNEL_WAIT_CTL_CONN) {
		l2tp_stale_record(lns, t, false);
		l2tp_lns_snap(lns, L2TP_SNAP_GONE, t, NULL);
	}
	l2tp_admit_tunnel_closing(t);
	l2tp_lns_unindex_tunnel(t);
	t->state = TUNNEL_CLOSING;
	t->close_pending = false;
	t->result = result;
	t->error = error;
	ev_timer_cancel(lns->loop, &t->hello_timer);
	/* 5.7: StopCCN clears every session; no CDN for them */
	while (t->sessions)
		l2tp_session_drop(t->sessions);
	if (t->in_kernel && lns->ops->tunnel_del)
		lns->ops->tunnel_del(lns->env, t);
	t->in_kernel = false;
	/*
	 * admission's closes (a flood's) are logged there, once per peer per 10 s;
	 * shutdown's of tunnels still negotiating in one line (l2tp_lns_shutdown);
	 * the peer's StopCCN of a clear is a normal end (stopccn_input)
	 */
	log_at(t->close_quiet ? LOG_INFO : LOG_NOTICE,
	       "l2tp: tunnel %u (peer %s '%s') %s: result %u error %u%s%s", t->tid,
	       l2tp_peer_str(&t->peer, ps, sizeof(ps)), l2tp_tunnel_peer_host(t),
	       send ? "closed by us" : "closed", result, error, text ? ": " : "",
	       text ? text : "");
	if (send && !t->ctrl.dead)
		send_stopccn(t, result, error, text);
	/*
	 * Nothing could reach the peer (its SA gone, or the engine told to be
	 * silent): should it send on this tunnel later, through an SA, it is
	 * told then (tunnel_deliver), or it would think the tunnel alive.
	 */
	t->stop_owed = !send && !t->ctrl.dead;
	if (t->stop_owed)
		set_close_text(t, text ? text : "tunnel closed");
	/* linger: acknowledge retransmissions of the peer's last messages (5.7) */
	ev_timer_arm(lns->loop, &t->free_timer, t->ctrl.dead ? 0 : rexmit_cycle_ms(&t->ctrl.p));
}

static void tunnel_xmit(struct l2tp_ctrl *c, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t = container_of(c, struct l2tp_tunnel, ctrl);

	l2tp_lns_send(t->lns, &t->peer, t, 0, buf, len);
}

static void tunnel_seq(struct l2tp_ctrl *c)
{
	struct l2tp_tunnel *t = container_of(c, struct l2tp_tunnel, ctrl);

	if (t->state == TUNNEL_ESTABLISHED && !t->close_pending)
		l2tp_lns_snap(t->lns, L2TP_SNAP_SEQ, t, NULL);
}

static void tunnel_dead(struct l2tp_ctrl *c)
{
	struct l2tp_tunnel *t = container_of(c, struct l2tp_tunnel, ctrl);

	if (t->state != TUNNEL_CLOSING) {
		t->lns->stats.tunnels_timed_out++;
		t->lost = L2TP_LOST_PEER;
		l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, 0,
				  "peer stopped acknowledging (retransmission limit)");
	}
	ev_timer_arm(t->lns->loop, &t->free_timer, 0);
}

static void hello_cb(struct ev_timer *timer)
{
	struct l2tp_tunnel *t = container_of(timer, struct l2tp_tunnel, hello_timer);
	uint8_t buf[64];
	struct l2tp_builder b;

	if (t->close_pending) {
		/* the queue was full: no StopCCN can go, the peer is not acknowledging */
		t->lost = L2TP_LOST_PEER;
		l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, L2TP_ERR_RESOURCES,
				  close_text(t));
		return;
	}
	if (t->state == TUNNEL_WAIT_CTL_CONN) {
		l2tp_admit_tunnel_timeout(t);
		return;
	}
	if (t->state != TUNNEL_ESTABLISHED || !t->hello_ms)
		return;
	/* with messages outstanding, their retransmission already tests the peer */
	if (l2tp_ctrl_idle(&t->ctrl)) {
		l2tp_build_init(&b, buf, sizeof(buf), t->peer_tid, 0, L2TP_HELLO);
		if (l2tp_tunnel_send(t, &b))
			return;
	}
	ev_timer_arm(t->lns->loop, &t->hello_timer, t->hello_ms);
}

static bool response_ok(const struct l2tp_tunnel *t, const struct l2tp_msg *msg)
{
	uint8_t want[L2TP_CHALLENGE_RESP_LEN];
	const struct l2tp_avp_val *v = &msg->avp[AVP_CHALLENGE_RESPONSE];
	uint8_t diff = 0;

	if (!l2tp_msg_has(msg, AVP_CHALLENGE_RESPONSE) || v->len != sizeof(want))
		return false;
	l2tp_challenge_response(want, L2TP_SCCCN, l2tp_secret_str(t->secret), t->challenge,
				sizeof(t->challenge));
	for (size_t i = 0; i < sizeof(want); i++)
		diff |= want[i] ^ v->p[i];
	return diff == 0;
}

static void scccn_input(struct l2tp_tunnel *t, const struct l2tp_msg *msg)
{
	struct l2tp_lns *lns = t->lns;
	char ps[80];

	if (t->secret && !response_ok(t, msg)) {
		lns->stats.tunnels_auth_failed++;
		l2tp_tunnel_close(t, true, STOPCCN_NOT_AUTHORIZED, 0,
				  l2tp_msg_has(msg, AVP_CHALLENGE_RESPONSE) ?
				  "challenge response mismatch" : "no challenge response");
		return;
	}
	t->state = TUNNEL_ESTABLISHED;
	l2tp_admit_tunnel_up(t);
	/* for the next run, should this one die without a StopCCN */
	l2tp_stale_record(lns, t, true);
	if (lns->ops->tunnel_add) {
		int r = lns->ops->tunnel_add(lns->env, t);

		if (r < 0) {
			l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, L2TP_ERR_RESOURCES,
					  "kernel refused the tunnel");
			return;
		}
		t->in_kernel = r == 0;
	}
	lns->stats.tunnels_established++;
	l2tp_lns_snap(lns, L2TP_SNAP_UP, t, NULL);
	/* at info: the session's line says who came from where (sess.c) */
	log_info("l2tp: tunnel %u established with %s (host '%s', peer tunnel %u)%s",
		 t->tid, l2tp_peer_str(&t->peer, ps, sizeof(ps)), l2tp_tunnel_peer_host(t),
		 t->peer_tid, t->secret ? ", authenticated" : "");
	if (t->hello_ms)
		ev_timer_arm(lns->loop, &t->hello_timer, t->hello_ms);
	else
		ev_timer_cancel(lns->loop, &t->hello_timer);
}

static void stopccn_input(struct l2tp_tunnel *t, const struct l2tp_msg *msg)
{
	const struct l2tp_avp_val *rc = &msg->avp[AVP_RESULT_CODE];
	char text[128] = "";
	uint16_t result = get_be16(rc->p);
	uint16_t error = rc->len >= 4 ? get_be16(rc->p + 2) : 0;

	if (rc->len > 4) {
		struct l2tp_avp_val m = { rc->p + 4, (uint16_t)(rc->len - 4) };

		copy_printable(text, sizeof(text), &m);
	}
	/* acknowledge at once: the peer is waiting to clean up */
	l2tp_ctrl_ack_now(&t->ctrl);
	t->close_quiet = result == STOPCCN_CLEAR;	/* the client hung up: at info */
	l2tp_tunnel_close(t, false, result, error, text[0] ? text : "StopCCN from peer");
	t->stop_owed = false;	/* the peer knows */
}

static void decode_error(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
			 const struct l2tp_msg *msg, enum l2tp_decode_err err)
{
	struct l2tp_lns *lns = t->lns;
	uint16_t code = L2TP_ERR_VALUE;
	char text[96];

	/* a message each, as often as an established peer sends: limited */
	static struct logrl ignored_rl = LOGRL_INIT_DEFAULT, mandatory_rl = LOGRL_INIT_DEFAULT;

	if (err == L2TP_DEC_IGNORE) {
		lns->stats.rx_ignored++;
		log_rl_info(&ignored_rl, "l2tp: tunnel %u: ignored unknown message type %u "
			    "(M bit clear)", t->tid, msg->bad_type);
		return;
	}
	lns->stats.rx_malformed++;
	if (err == L2TP_DEC_UNKNOWN_MANDATORY) {
		log_rl_info(&mandatory_rl, "l2tp: tunnel %u: unknown mandatory AVP vendor %u "
			    "type %u", t->tid, msg->bad_vendor, msg->bad_type);
		if (h->session_id || msg->type >= L2TP_OCRQ ||
		    (l2tp_msg_has(msg, AVP_MESSAGE_TYPE) &&
		     l2tp_msg_u16(msg, AVP_MESSAGE_TYPE) >= L2TP_OCRQ)) {
			l2tp_session_unknown_avp(t, h, msg);
			return;
		}
		code = L2TP_ERR_UNKNOWN_M_AVP;
	} else if (err == L2TP_DEC_LENGTH) {
		code = L2TP_ERR_LENGTH;
	}
	snprintf(text, sizeof(text), "%s (AVP %u)", l2tp_decode_strerror(err), msg->bad_type);
	l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, code, text);
}

/*
 * A message on a tunnel closed silently (l2tp_tunnel_close): the StopCCN that
 * could not go then, with the close's own result code and reason, so the peer
 * redials now rather than when its HELLO fails. Once per tunnel whatever the
 * peer sends; its own StopCCN needs none. It leaves as every reply of the
 * tunnel's does (to t->peer: the message matched its address and SA), and
 * the linger restarts so its retransmissions can be acknowledged.
 */
static void late_stopccn(struct l2tp_tunnel *t, uint8_t *buf, size_t len,
			 const struct l2tp_hdr *h)
{
	struct l2tp_lns *lns = t->lns;
	struct l2tp_msg msg;
	char ps[80];

	t->stop_owed = false;
	if (l2tp_avp_decode(buf + h->hdr_len, len - h->hdr_len, l2tp_secret_str(t->secret),
			    &msg) == L2TP_DEC_OK &&
	    msg.type == L2TP_STOPCCN)
		return;
	lns->stats.late_stopccn++;
	log_info("l2tp: tunnel %u (peer %s): message on the closed tunnel, StopCCN sent: %s",
		 t->tid, l2tp_peer_str(&t->peer, ps, sizeof(ps)), close_text(t));
	send_stopccn(t, t->result, t->error, close_text(t));
	ev_timer_arm(lns->loop, &t->free_timer, rexmit_cycle_ms(&t->ctrl.p));
}

static void tunnel_deliver(struct l2tp_ctrl *c, uint8_t *buf, size_t len,
			   const struct l2tp_hdr *h)
{
	struct l2tp_tunnel *t = container_of(c, struct l2tp_tunnel, ctrl);
	struct l2tp_lns *lns = t->lns;
	struct l2tp_msg msg;
	enum l2tp_decode_err err;

	if (t->state == TUNNEL_CLOSING || t->close_pending) {
		/* acknowledged by the channel, nothing more unless a StopCCN is owed */
		if (t->state == TUNNEL_CLOSING && t->stop_owed)
			late_stopccn(t, buf, len, h);
		return;
	}
	err = l2tp_avp_decode(buf + h->hdr_len, len - h->hdr_len, l2tp_secret_str(t->secret), &msg);
	if (err != L2TP_DEC_OK) {
		decode_error(t, h, &msg, err);
		return;
	}
	log_debug("l2tp: tunnel %u: %s received (session %u, Ns %u)", t->tid,
		  l2tp_msg_name(msg.type), h->session_id, h->ns);
	if (t->state == TUNNEL_ESTABLISHED && t->hello_ms)
		ev_timer_arm(lns->loop, &t->hello_timer, t->hello_ms);

	switch (msg.type) {
	case L2TP_STOPCCN:
		stopccn_input(t, &msg);
		return;
	case L2TP_SCCCN:
		if (t->state == TUNNEL_WAIT_CTL_CONN) {
			scccn_input(t, &msg);
			return;
		}
		break;
	case L2TP_HELLO:
		if (t->state == TUNNEL_ESTABLISHED)
			return;
		break;
	case L2TP_SCCRQ:
	case L2TP_SCCRP:
		break;
	default:
		if (t->state == TUNNEL_ESTABLISHED) {
			l2tp_session_ctrl_input(t, h, &msg);
			return;
		}
		break;
	}
	/* 7.2.1: anything else in this state is a protocol error */
	lns->stats.rx_wrong_state++;
	l2tp_tunnel_close(t, true, STOPCCN_FSM_ERROR, 0, l2tp_msg_name(msg.type));
}
