/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why a client could not connect, from charon's VICI "log" event stream.
 *
 * A Windows client proposes only modp1024 in IKEv1 main mode unless its
 * registry value NegotiateDH2048_AES256 is set; the gateway refuses its
 * suites unless [ipsec] allow-modp1024 = yes (the default, android, takes
 * only Android's one suite), and charon only logs NO_PROPOSAL_CHOSEN. This follows charon's log lines of one IKE_SA (they
 * carry its unique id), as a responder writes them (5.9.x):
 *
 *   IKE  "<address> is initiating a Main Mode IKE_SA"   (or Aggressive Mode)
 *   CFG  "received proposals: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024, ..."
 *   IKE  "no proposal found"   (or "no matching proposal found" in quick mode)
 *
 * and logs one line for the peer naming the cause: for a peer that offered
 * only groups below 2048 bits, the registry value and the setting; for any
 * other refusal, what the peer offered. At most one line per peer address
 * per VICI_LOG_PEER_INTERVAL_MS, and at most VICI_LOG_BURST lines per
 * VICI_LOG_REFILL_MS * VICI_LOG_BURST overall; every refusal is counted,
 * every line left out too. Tables are fixed: VICI_LOG_PENDING IKE_SAs being
 * followed (the oldest is dropped), VICI_LOG_PEERS addresses remembered
 * (the least recent is replaced). One thread (the daemon's).
 *
 * From ike-updown events it also counts the IKE_SAs that came up with a
 * group below 2048 bits (what allow-modp1024 lets in) and logs a notice for
 * the peer, with the same limits (its own table of addresses): the operator
 * sees who still needs the weak group.
 */
#ifndef L2SECD_VICI_LOG_H
#define L2SECD_VICI_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/vici_msg.h"
#include "ipsec/vici_conn.h"

struct json_object;

#define VICI_LOG_PENDING 64
#define VICI_LOG_PEERS 256
#define VICI_LOG_PEER_INTERVAL_MS 600000u
#define VICI_LOG_BURST 10u
#define VICI_LOG_REFILL_MS 6000u

struct vici_log_stats {
	uint64_t refused;		/* NO_PROPOSAL_CHOSEN seen for a followed IKE_SA */
	uint64_t refused_weak_dh;	/* of those: only groups below 2048 bits offered */
	uint64_t weak_dh_up;		/* IKE_SAs up with a group below 2048 bits */
	uint64_t lines;			/* lines logged */
	uint64_t suppressed;		/* lines left out by the rate limits */
	uint64_t bad;			/* log events not understood (ignored) */
};

struct vici_log;

struct vici_log *vici_log_new(void);
void vici_log_free(struct vici_log *vl);

/* What the hint says: allow-modp1024 as loaded into charon. */
void vici_log_set_allow_weak_dh(struct vici_log *vl, enum vici_conn_weak_dh weak_dh);

/* One "log" event (msg: its root section) at monotonic time now_ms. */
void vici_log_event(struct vici_log *vl, const struct vici_node *msg, uint64_t now_ms);

/* vici_event_fn for vici_subscribe(c, "log", vici_log_on_event, vl). */
void vici_log_on_event(void *ctx, const char *name, const struct vici_node *msg);

/* One "ike-updown" event (msg: its root section) at monotonic time now_ms. */
void vici_log_ike_updown(struct vici_log *vl, const struct vici_node *msg, uint64_t now_ms);
/* The same at the current time, for the daemon's event handler. */
void vici_log_on_ike_updown(struct vici_log *vl, const struct vici_node *msg);

const struct vici_log_stats *vici_log_get_stats(const struct vici_log *vl);
/* "ike": { the counters above }, added to o (l2sec daemon show -s, prometheus). */
void vici_log_describe(const struct vici_log_stats *s, struct json_object *o);

#endif
