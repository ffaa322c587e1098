/* SPDX-License-Identifier: GPL-2.0 */
/* The LNS side of an L2TP control connection (RFC 2661 7.2.1). */
#ifndef L2SECD_L2TP_TUNNEL_H
#define L2SECD_L2TP_TUNNEL_H

#include "l2tp/l2tp_lns.h"

/* A new tunnel for an acceptable SCCRQ (already decoded); sends the SCCRP. */
struct l2tp_tunnel *l2tp_tunnel_new(struct l2tp_lns *lns, const struct l2tp_peer *peer,
				    const struct l2tp_hdr *h, const struct l2tp_msg *sccrq);
/*
 * The control channel (from the configuration in force, the peer's RWS and
 * the Nr to start with) and the timers of a new tunnel, t->lns and
 * t->peer_tid set: for l2tp_tunnel_new and l2tp_tunnel_import (l2tp_snap.h).
 */
void l2tp_tunnel_init_ctrl(struct l2tp_tunnel *t, uint16_t peer_rws, uint16_t nr);
/*
 * The peer's Host Name and Vendor Name (printable; each cut at
 * L2TP_PEER_NAME_MAX), replacing any; -1: no memory (the names unchanged).
 */
int l2tp_tunnel_set_peer_names(struct l2tp_tunnel *t, const char *host, const char *vendor);
/* Tear down: sessions, kernel state, then StopCCN when send is true; linger. */
void l2tp_tunnel_close(struct l2tp_tunnel *t, bool send, uint16_t result, uint16_t error,
		       const char *text);
/* Free now, no message: the LNS is going away. */
void l2tp_tunnel_destroy(struct l2tp_tunnel *t);
/* The LNS's list, ID table and indexes (l2tp_lns.c). */
void l2tp_lns_link_tunnel(struct l2tp_lns *lns, struct l2tp_tunnel *t);
void l2tp_lns_unindex_tunnel(struct l2tp_tunnel *t);
void l2tp_lns_unlink_tunnel(struct l2tp_tunnel *t);
/* Send a control message built for this tunnel; closes the tunnel on failure. */
int l2tp_tunnel_send(struct l2tp_tunnel *t, struct l2tp_builder *b);
const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s);
/* A one-shot StopCCN to a peer that has no tunnel (refused SCCRQ). */
void l2tp_send_stateless_stopccn(struct l2tp_lns *lns, const struct l2tp_peer *peer,
				 uint16_t peer_tid, uint16_t nr, uint16_t result,
				 uint16_t error, const char *text);

#endif
