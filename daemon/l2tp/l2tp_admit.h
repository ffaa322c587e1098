/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admission control per peer for the LNS: what one client may take of the
 * gateway before and while it sets up tunnels.
 *
 * A peer is accounted twice: by its source address (IPv6 by its /64, which
 * one host can fill) and, when the SCCRQ came through an SA, by the SA's
 * mark. Behind one NAT every client shares the address but has its own SA,
 * so the per-SA limits are the strict ones and the per-source ones are
 * generous; a plaintext SCCRQ (require-ipsec off) has only its address.
 *
 *  - token buckets per SA, per source (and the LNS's global one): charged in
 *    that order, narrowest first, and a refusal charges nothing wider, so a
 *    client flooding through its own SA does not drain its NAT's bucket;
 *  - half-open tunnels (SCCRQ -> SCCCN) per SA and per source, tunnels per
 *    SA (those not closing), sessions per tunnel;
 *  - a half-open tunnel lives at most [l2tp] setup-timeout; one whose peer
 *    never acknowledged our SCCRP (a spoofed source) is freed at once, with
 *    no StopCCN, when it times out or when a new SCCRQ needs its place under
 *    max-half-open.
 *
 * The table of peers is a hash (random seed) with a size cap: an entry that
 * no tunnel uses sits on an LRU list and is recycled first; an entry a
 * tunnel uses is pinned until the tunnel is freed. When every entry is
 * pinned, new peers are refused (counted). Each entry rate-limits its log
 * lines: one per ADMIT_LOG_INTERVAL_MS, with the count suppressed since; and
 * all peers together write at most ADMIT_LOG_BURST lines per interval, since
 * a spoofed flood is a new peer per datagram.
 *
 * Single-threaded, on the LNS's event loop, like the rest of the LNS.
 */
#ifndef L2SECD_L2TP_ADMIT_H
#define L2SECD_L2TP_ADMIT_H

#include <stdbool.h>
#include <stdint.h>

#define ADMIT_LOG_INTERVAL_MS 10000
#define ADMIT_LOG_BURST 20	/* lines per interval from all peers: spoofed sources are many */

struct l2tp_lns;
struct l2tp_peer;
struct l2tp_tunnel;
struct l2tp_admit;
struct l2tp_admit_entry;

/* A token bucket: rate per second, burst the same; 1000 tokens per message. */
struct l2tp_bucket {
	uint64_t tokens, last_ms;
};

void l2tp_bucket_fill(struct l2tp_bucket *b, uint64_t now, unsigned int rate);
bool l2tp_bucket_take(struct l2tp_bucket *b, uint64_t now, unsigned int rate);

struct l2tp_admit_stats {
	uint64_t sccrq_source_rate_limited, sccrq_sa_rate_limited;
	uint64_t half_open_source_limit, half_open_sa_limit, tunnels_sa_limit;
	uint64_t sessions_tunnel_limit;
	uint64_t tunnel_setup_timeouts, session_setup_timeouts, half_open_displaced;
	uint64_t peers_recycled, peers_table_full;
};

/* seed: hash key, random; size from lns->cfg. NULL when memory is out. */
struct l2tp_admit *l2tp_admit_new(struct l2tp_lns *lns, uint32_t seed);
void l2tp_admit_free(struct l2tp_admit *a);
const struct l2tp_admit_stats *l2tp_admit_stats(const struct l2tp_admit *a);
unsigned int l2tp_admit_peers(const struct l2tp_admit *a);

/*
 * Before anything else of an SCCRQ: the per-SA and per-source token buckets
 * (the caller checks the global one after). false: drop it (counted, logged).
 */
bool l2tp_admit_sccrq_rate(struct l2tp_admit *a, const struct l2tp_peer *peer);
/*
 * Before a new tunnel for peer: its per-SA and per-source counts; also
 * makes room under max-half-open by freeing a half-open tunnel that never
 * heard from its peer. false: refuse it (counted, logged; the caller sends
 * the StopCCN).
 */
bool l2tp_admit_tunnel_ok(struct l2tp_admit *a, const struct l2tp_peer *peer);

/* The tunnel's life as admission sees it; each is idempotent. */
void l2tp_admit_tunnel_new(struct l2tp_tunnel *t);	/* counted half-open */
void l2tp_admit_tunnel_up(struct l2tp_tunnel *t);	/* SCCCN: no longer half-open */
void l2tp_admit_tunnel_closing(struct l2tp_tunnel *t);	/* counts no more */
void l2tp_admit_tunnel_release(struct l2tp_tunnel *t);	/* freed: unpins its peers */

/* An ICRQ refused by max-sessions-per-tunnel: counted, logged per peer. */
void l2tp_admit_session_refused(struct l2tp_tunnel *t);
/* The setup timeouts fired (counted; logged per peer). */
void l2tp_admit_tunnel_timeout(struct l2tp_tunnel *t);
void l2tp_admit_session_timeout(struct l2tp_tunnel *t, uint16_t sid);

#endif
