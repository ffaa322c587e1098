/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2TP incoming calls at the LNS (RFC 2661 7.4.2): ICRQ -> ICRP -> ICCN,
 * CDN both ways, WEN and SLI; and the interface to the PPP layer.
 */
#ifndef L2SECD_L2TP_SESSION_H
#define L2SECD_L2TP_SESSION_H

#include "l2tp/l2tp_lns.h"

/* The tunnel received a session-related control message. */
void l2tp_session_ctrl_input(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
			     const struct l2tp_msg *msg);
/* Session message with an unknown mandatory AVP: CDN 2/8 (or StopCCN). */
void l2tp_session_unknown_avp(struct l2tp_tunnel *t, const struct l2tp_hdr *h,
			      const struct l2tp_msg *msg);
/* A data message (T=0) for this LNS. */
void l2tp_session_data_input(struct l2tp_lns *lns, uint8_t *buf,
			     const struct l2tp_hdr *h, const struct l2tp_peer *peer);

/* Send a CDN, undo the kernel state, tell PPP, free the session. */
void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error,
			const char *text);
/* The same without a CDN: the tunnel is going away (StopCCN clears sessions). */
void l2tp_session_drop(struct l2tp_session *s);
/* The tunnel's list and the LNS's indexes (l2tp_lns.c); s->sid and s->peer_sid set. */
void l2tp_lns_link_session(struct l2tp_tunnel *t, struct l2tp_session *s);
void l2tp_lns_unlink_session(struct l2tp_session *s);
struct l2tp_session *l2tp_lns_session_by_peer(const struct l2tp_tunnel *t,
					      uint16_t peer_sid);

/* For the PPP layer: send one PPP frame as an L2TP data message. */
int l2tp_session_send_ppp(struct l2tp_session *s, const uint8_t *frame, size_t len);

const char *l2tp_session_state_name(enum l2tp_session_state s);

#endif
