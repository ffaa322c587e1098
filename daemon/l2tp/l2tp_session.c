// SPDX-License-Identifier: GPL-2.0
/* Incoming calls at the LNS (RFC 2661 5.4.2, 7.4.2) and the PPP frame interface. */
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/logrl.h"
#include "core/util.h"

const char *l2tp_session_state_name(enum l2tp_session_state s)
{
	switch (s) {
	case SESSION_WAIT_CONNECT: return "wait-connect";
	case SESSION_ESTABLISHED: return "established";
	case SESSION_CLOSED: return "closed";
	}
	return "?";
}

/* A CDN for a call that has no session of ours (refused ICRQ, OCRQ). */
static void send_cdn(struct l2tp_tunnel *t, uint16_t peer_sid, uint16_t our_sid,
		     uint16_t result, uint16_t error, const char *text)
{
	uint8_t buf[512];
	struct l2tp_builder b;

	l2tp_build_init(&b, buf, sizeof(buf), t->peer_tid, peer_sid, L2TP_CDN);
	l2tp_build_result(&b, result, error, text);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, our_sid);
	l2tp_tunnel_send(t, &b);
}

/*
 * Mark and unlink; the memory is freed by the loop after the current callback
 * (l2tp_lns.h, the teardown rule). Unlinked first, so that a hook that closes
 * again, or a lookup from inside the hooks, finds nothing.
 */
void l2tp_session_drop(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_lns *lns = t->lns;
	bool was_up = s->state == SESSION_ESTABLISHED;

	if (s->state == SESSION_CLOSED)
		return;
	s->state = SESSION_CLOSED;
	ev_timer_cancel(lns->loop, &s->setup_timer);
	l2tp_lns_unlink_session(s);
	if (s->in_kernel && lns->ops->session_del)
		lns->ops->session_del(lns->env, s);
	s->in_kernel = false;
	/* a closing tunnel's GONE takes its sessions along */
	if (was_up && t->state == TUNNEL_ESTABLISHED)
		l2tp_lns_snap(lns, L2TP_SNAP_GONE, t, s);
	if (was_up && lns->sops && lns->sops->closed)
		lns->sops->closed(lns->sops_arg, s);
	l2tp_lns_defer_free(lns, s);
}

void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error,
			const char *text)
{
	struct l2tp_tunnel *t = s->tunnel;
	uint16_t peer_sid = s->peer_sid, sid = s->sid;

	if (s->state == SESSION_CLOSED)
		return;
	log_at(s->close_quiet ? LOG_INFO : LOG_NOTICE,
	       "l2tp: session %u/%u closed by us: result %u error %u%s%s", t->tid, sid,
	       result, error, text ? ": " : "", text ? text : "");
	/* gone from every lookup before the CDN: its failure cannot reach s */
	l2tp_session_drop(s);
	if (t->state == TUNNEL_ESTABLISHED && !t->close_pending)
		send_cdn(t, peer_sid, sid, result, error, text);
}

static struct l2tp_session *find_session(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
					 const struct l2tp_msg *msg)
{
	if (h->session_id)
		return l2tp_tunnel_session(t, h->session_id);
	/* a CDN sent before our ICRP arrived names only the peer's own ID */
	if (!l2tp_msg_has(msg, AVP_ASSIGNED_SESSION_ID))
		return NULL;
	return l2tp_lns_session_by_peer(t, l2tp_msg_u16(msg, AVP_ASSIGNED_SESSION_ID));
}

/* A call that never sent its ICCN holds a session ID and a slot of max-sessions. */
static void setup_timeout_cb(struct ev_timer *timer)
{
	struct l2tp_session *s = container_of(timer, struct l2tp_session, setup_timer);

	l2tp_admit_session_timeout(s->tunnel, s->sid);
	l2tp_session_close(s, CDN_GENERAL_ERROR, 0, "no ICCN in time");
}

static void icrq_input(struct l2tp_tunnel *t, const struct l2tp_msg *msg)
{
	struct l2tp_lns *lns = t->lns;
	const struct l2tp_config *cfg = lns->cfg;
	uint16_t peer_sid = l2tp_msg_u16(msg, AVP_ASSIGNED_SESSION_ID);
	uint8_t buf[256];
	struct l2tp_builder b;
	struct l2tp_session *s;
	uint16_t sid;

	if (!peer_sid) {
		lns->stats.rx_malformed++;
		l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, L2TP_ERR_VALUE,
				  "ICRQ with Assigned Session ID 0");
		return;
	}
	if (l2tp_lns_session_by_peer(t, peer_sid)) {
		lns->stats.sessions_refused++;
		send_cdn(t, peer_sid, 0, CDN_GENERAL_ERROR, L2TP_ERR_SESSION_ID,
			 "session ID already in use");
		return;
	}
	if (t->n_sessions >= cfg->max_sessions_per_tunnel && !lns->shutting_down) {
		lns->stats.sessions_refused++;
		l2tp_admit_session_refused(t);
		send_cdn(t, peer_sid, 0, CDN_NO_RESOURCES_TEMP, 0, "session limit reached");
		return;
	}
	if (lns->shutting_down || lns->n_sessions >= cfg->max_sessions) {
		static struct logrl rl = LOGRL_INIT_DEFAULT;	/* an ICRQ each */

		lns->stats.sessions_refused++;
		log_rl_warn(&rl, "l2tp: tunnel %u: call refused: %s", t->tid,
			    lns->shutting_down ? "shutting down" : "max-sessions reached");
		send_cdn(t, peer_sid, 0, CDN_NO_RESOURCES_TEMP, 0, "session limit reached");
		return;
	}
	sid = l2tp_tunnel_alloc_sid(t);
	s = sid ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		lns->stats.sessions_refused++;
		send_cdn(t, peer_sid, 0, CDN_NO_RESOURCES_TEMP, L2TP_ERR_RESOURCES,
			 "out of resources");
		return;
	}
	s->sid = sid;
	s->peer_sid = peer_sid;
	s->call_serial = l2tp_msg_u32(msg, AVP_CALL_SERIAL);
	s->state = SESSION_WAIT_CONNECT;
	s->created_ms = evloop_now(lns->loop);
	ev_timer_init(&s->setup_timer, setup_timeout_cb);
	ev_timer_arm(lns->loop, &s->setup_timer, cfg->session_setup_timeout_ms);
	l2tp_lns_link_session(t, s);

	l2tp_build_init(&b, buf, sizeof(buf), t->peer_tid, peer_sid, L2TP_ICRP);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_SESSION_ID, sid);
	log_info("l2tp: session %u/%u: ICRQ (peer session %u, serial %u)", t->tid, sid,
		 peer_sid, s->call_serial);
	l2tp_tunnel_send(t, &b);
}

static void iccn_input(struct l2tp_session *s, const struct l2tp_msg *msg)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_lns *lns = t->lns;

	s->tx_speed = l2tp_msg_u32(msg, AVP_TX_CONNECT_SPEED);
	s->rx_speed = l2tp_msg_has(msg, AVP_RX_CONNECT_SPEED) ?
		l2tp_msg_u32(msg, AVP_RX_CONNECT_SPEED) : s->tx_speed;
	s->framing_type = l2tp_msg_u32(msg, AVP_FRAMING_TYPE);
	ev_timer_cancel(lns->loop, &s->setup_timer);
	if (lns->ops->session_add) {
		int r = lns->ops->session_add(lns->env, s);

		if (r < 0) {
			l2tp_session_close(s, CDN_GENERAL_ERROR, L2TP_ERR_RESOURCES,
					   "kernel refused the session");
			return;
		}
		s->in_kernel = r == 0;
	}
	s->state = SESSION_ESTABLISHED;
	lns->stats.sessions_established++;
	l2tp_lns_snap(lns, L2TP_SNAP_UP, t, s);
	log_info("l2tp: session %u/%u established (peer %u/%u, %u bps)", t->tid, s->sid,
		 t->peer_tid, s->peer_sid, s->tx_speed);
	if (lns->sops && lns->sops->established)
		lns->sops->established(lns->sops_arg, s);
	else
		log_notice("l2tp: session %u/%u: no PPP layer; its PPP frames are dropped",
			   t->tid, s->sid);
}

static void cdn_input(struct l2tp_session *s, const struct l2tp_msg *msg)
{
	const struct l2tp_avp_val *rc = &msg->avp[AVP_RESULT_CODE];

	/* at info when the PPP layer has it: its line says the session is down, and why */
	log_at(s->ppp ? LOG_INFO : LOG_NOTICE,
	       "l2tp: session %u/%u closed by peer: result %u error %u", s->tunnel->tid,
	       s->sid, get_be16(rc->p), rc->len >= 4 ? get_be16(rc->p + 2) : 0);
	l2tp_session_drop(s);
}

void l2tp_session_ctrl_input(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
			     const struct l2tp_msg *msg)
{
	static struct logrl unexpected_rl = LOGRL_INIT_DEFAULT;	/* a message each */
	struct l2tp_lns *lns = t->lns;
	struct l2tp_session *s;

	switch (msg->type) {
	case L2TP_ICRQ:
		icrq_input(t, msg);
		return;
	case L2TP_OCRQ:
		/* we place no outgoing calls: a permanent refusal */
		lns->stats.sessions_refused++;
		send_cdn(t, l2tp_msg_u16(msg, AVP_ASSIGNED_SESSION_ID), 0, CDN_NO_RESOURCES_PERM,
			 0, "outgoing calls not supported");
		return;
	default:
		break;
	}
	s = find_session(t, h, msg);
	if (!s) {
		static struct logrl rl = LOGRL_INIT_DEFAULT;	/* a message each */

		lns->stats.rx_wrong_state++;
		log_rl_info(&rl, "l2tp: tunnel %u: %s for unknown session %u, ignored", t->tid,
			    l2tp_msg_name(msg->type), h->session_id);
		return;
	}
	switch (msg->type) {
	case L2TP_ICCN:
		if (s->state == SESSION_WAIT_CONNECT) {
			iccn_input(s, msg);
			return;
		}
		break;
	case L2TP_CDN:
		cdn_input(s, msg);
		return;
	case L2TP_WEN: {
		static struct logrl rl = LOGRL_INIT_DEFAULT;	/* as often as the peer sends */
		const uint8_t *p = msg->avp[AVP_CALL_ERRORS].p + 2;

		for (int i = 0; i < 6; i++)
			s->call_errors[i] = get_be32(p + 4 * i);
		log_rl_info(&rl, "l2tp: session %u/%u: WAN errors: CRC %u framing %u overruns "
			    "%u/%u timeouts %u alignment %u", t->tid, s->sid, s->call_errors[0],
			    s->call_errors[1], s->call_errors[2], s->call_errors[3],
			    s->call_errors[4], s->call_errors[5]);
		return;
	}
	case L2TP_SLI: {
		static struct logrl rl = LOGRL_INIT_DEFAULT;	/* as often as the peer sends */
		const uint8_t *p = msg->avp[AVP_ACCM].p + 2;

		s->accm_send = get_be32(p);
		s->accm_recv = get_be32(p + 4);
		log_rl_info(&rl, "l2tp: session %u/%u: SLI send ACCM %#x receive ACCM %#x",
			    t->tid, s->sid, s->accm_send, s->accm_recv);
		return;
	}
	default:
		break;
	}
	/* ICRP, OCRP, OCCN, or ICCN twice: no meaning for an LNS here; counted */
	lns->stats.rx_wrong_state++;
	log_rl_info(&unexpected_rl, "l2tp: session %u/%u: unexpected %s in state %s, ignored",
		    t->tid, s->sid, l2tp_msg_name(msg->type), l2tp_session_state_name(s->state));
}

void l2tp_session_unknown_avp(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
			      const struct l2tp_msg *msg)
{
	struct l2tp_session *s = find_session(t, h, msg);
	uint16_t type = l2tp_msg_u16(msg, AVP_MESSAGE_TYPE);

	/* 4.1: an unknown mandatory AVP ends the session the message belongs to */
	if (s) {
		l2tp_session_close(s, CDN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP,
				   "unknown mandatory AVP");
		return;
	}
	if ((type == L2TP_ICRQ || type == L2TP_OCRQ) &&
	    l2tp_msg_has(msg, AVP_ASSIGNED_SESSION_ID)) {
		send_cdn(t, l2tp_msg_u16(msg, AVP_ASSIGNED_SESSION_ID), 0, CDN_GENERAL_ERROR,
			 L2TP_ERR_UNKNOWN_M_AVP, "unknown mandatory AVP");
		return;
	}
	if (h->session_id) {
		/* a session we do not have: nothing to end */
		t->lns->stats.rx_wrong_state++;
		return;
	}
	l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP,
			  "unknown mandatory AVP");
}

void l2tp_session_data_input(struct l2tp_lns *lns, uint8_t *buf,
			     const struct l2tp_hdr *h, const struct l2tp_peer *peer)
{
	const struct l2tp_tunnel *t = l2tp_lns_tunnel_of(lns, peer, h->tunnel_id);
	struct l2tp_session *s = t ? l2tp_tunnel_session(t, h->session_id) : NULL;

	lns->stats.rx_data++;
	if (!s || s->state != SESSION_ESTABLISHED ||
	    s->tunnel->close_pending || !l2tp_peer_match(&s->tunnel->peer, peer)) {
		lns->stats.rx_data_dropped++;
		return;
	}
	s->rx_ppp++;
	if (lns->sops && lns->sops->ppp_input) {
		lns->sops->ppp_input(lns->sops_arg, s, buf + h->hdr_len, h->msg_len - h->hdr_len);
		return;
	}
	lns->stats.rx_data_dropped++;
	log_debug("l2tp: session %u/%u: PPP frame of %zu bytes dropped (no PPP layer)",
		  s->tunnel->tid, s->sid, h->msg_len - h->hdr_len);
}

int l2tp_session_send_ppp(struct l2tp_session *s, const uint8_t *frame, size_t len)
{
	struct l2tp_tunnel *t = s->tunnel;
	uint8_t buf[L2TP_MAX_MSG];

	if (s->state != SESSION_ESTABLISHED || t->state != TUNNEL_ESTABLISHED ||
	    len > sizeof(buf) - 6)
		return -1;
	/* data message without Length, sequence numbers or offset: 6 bytes */
	put_be16(buf, L2TP_VERSION);
	put_be16(buf + 2, t->peer_tid);
	put_be16(buf + 4, s->peer_sid);
	memcpy(buf + 6, frame, len);
	s->tx_ppp++;
	return l2tp_lns_send(t->lns, &t->peer, t, s->sid, buf, len + 6);
}
