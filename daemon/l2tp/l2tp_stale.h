/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnels of a previous run (issue 14 item 10). After l2secd died (kill -9,
 * a crash), its clients keep sending to tunnel IDs the new l2secd does not
 * know; dropping them silently leaves each client waiting for its own HELLO
 * timeout (xl2tpd: over a minute). A StopCCN makes them redial at once, but a
 * LAC accepts one only in its own tunnel (the header's Tunnel ID is the
 * LAC's Assigned Tunnel ID, which none of its messages to us carries) and
 * only with the Ns it expects (RFC 2661 5.8; xl2tpd drops any other).
 *
 * So the LNS records each established tunnel (our ID, the peer's ID, the
 * peer's address, port, SA mark, socket) in a state file in the runtime
 * directory, a fixed 64-byte slot per tunnel ID (pwrite on establish and on
 * close: O(1), bounded at 4 MiB, on tmpfs). At start the records of the
 * previous run are loaded as "stale tunnels" and the file is cleared. Then,
 * for a datagram to an unknown tunnel that a stale tunnel's peer (same
 * address, port, SA mark, socket) sent:
 *  - a control message or ZLB gives the peer's Ns and Nr: we answer with a
 *    StopCCN (result 2, "LNS restarted") carrying Ns = its Nr, so the peer
 *    takes it and redials;
 *  - a data message carries neither: we send two HELLOs with Ns 0 and 0x8000,
 *    half the sequence space apart; one of them is behind the peer's expected Ns,
 *    which it must acknowledge with a ZLB (5.8), and that ZLB gets the StopCCN;
 *  - the same probes go to every stale tunnel's peer from the start, unasked
 *    (STALE_SWEEPS times, a second apart): an idle client sends nothing, and
 *    a LAC whose data met a closed port may stop sending (not for tunnels
 *    bound to an SA under require-ipsec: those are answered when they speak).
 * Each stale tunnel answers at most once a second (probe and StopCCN each),
 * all of them at most STALE_RATE times a second together, every answer and
 * refusal counted; it stops answering once the peer acknowledged the StopCCN,
 * and all of them are forgotten STALE_TTL_MS after start. Nothing from a peer
 * that is not the recorded one gets an answer.
 */
#ifndef L2SECD_L2TP_STALE_H
#define L2SECD_L2TP_STALE_H

#include <stdbool.h>

#include "l2tp/l2tp_lns.h"
#include "l2tp/l2tp_msg.h"

#define STALE_TTL_MS (10 * 60 * 1000)
#define STALE_RATE 50		/* answers per second, all stale tunnels together */
#define STALE_SWEEPS 3		/* probes unasked per stale tunnel, a second apart */

/*
 * Load the previous run's records from path (missing: none), clear the file
 * and keep it open for this run's records. -1 (errno) when it cannot be used;
 * the LNS works on without it.
 */
int l2tp_stale_open(struct l2tp_lns *lns, const char *path);
/* Free the stale tunnels, close the file (its records stay: a crash is not a close). */
void l2tp_stale_close(struct l2tp_lns *lns);
/* The tunnel is established (up) or closing (!up): its slot in the file. */
void l2tp_stale_record(struct l2tp_lns *lns, const struct l2tp_tunnel *t, bool up);
/* A datagram for a tunnel ID we do not have; true when it was a stale tunnel's. */
bool l2tp_stale_input(struct l2tp_lns *lns, const struct l2tp_hdr *h,
		      const struct l2tp_peer *peer);
/* Probes to the stale tunnels' peers, unasked (lns->stale_sweep). */
void l2tp_stale_sweep_cb(struct ev_timer *timer);
/* The stale tunnels' time is up (lns->stale_timer). */
void l2tp_stale_ttl_cb(struct ev_timer *timer);
/* Is id a stale tunnel's (not to be handed out while it is remembered)? */
bool l2tp_stale_id(const struct l2tp_lns *lns, uint16_t id);
/*
 * The tunnel with t's ID, peer and peer's ID is not stale: it resumes
 * (l2tp_tunnel_import), and its peer gets no probe or StopCCN. true when
 * the ID is free now (no stale tunnel had it, it was t's own, or another
 * SA's: IDs are unique per SA, and that stale tunnel stays).
 */
bool l2tp_stale_resume(struct l2tp_lns *lns, const struct l2tp_tunnel *t);

#endif
