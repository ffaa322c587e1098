/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's own IKEv1 reauthentication ([ipsec] reauth-time), timed by
 * l2secd instead of charon (charon's reauth_time is 0 in the connection).
 *
 * Why: charon's timer of an IKE_SA ends whatever the peer is doing. When it
 * ends while the peer's own reauthentication of that IKE_SA runs (Windows
 * re-runs main mode at the end of its 8 h lifetime, macOS at its own), both
 * sides reauthenticate at once: the client's CHILD_SA can end up in another
 * IKE_SA than the gateway's, and charon's delete of the IKE_SA it replaced
 * (10 s after the adoption) may take the client's half down on the client
 * (charon as a client does; docs/ARCHITECTURE.md, "charon's events and the
 * tunnels"). Here an IKE_SA is reauthenticated only when it is still due:
 * its CHILD_SAs are l2secd's, none has been moved to a newer IKE_SA of the
 * peer, the peer is not retiring it, and its address has not started a main
 * mode in the last IPSEC_REAUTH_MM_MS (charon's log: "<address> is initiating
 * a Main Mode IKE_SA"); otherwise it is looked at again IPSEC_REAUTH_DEFER_MS
 * later, at most IPSEC_REAUTH_DEFERRALS times in a row (behind one NAT every
 * client has the address: a busy NAT must not put the gateway's off for ever).
 * What stays is a true race: the peer starting its main mode while ours is
 * under way.
 *
 * One record per IKE_SA of l2secd's connection that charon reported up, keyed
 * by its unique id and indexed by the peer's address; each has its timer
 * (the loop's heap: O(log n) per IKE_SA). At most IPSEC_REAUTH_MAX records:
 * an IKE_SA beyond them is left to its peer (counted).
 * Single-threaded: the daemon's loop only.
 */
#ifndef L2SECD_IPSEC_REAUTH_H
#define L2SECD_IPSEC_REAUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "core/htab.h"
#include "ipsec/vici_sa.h"

#define IPSEC_REAUTH_MM_MS	10000u	/* a main mode of the peer's address that recent: wait */
#define IPSEC_REAUTH_DEFER_MS	5000u
#define IPSEC_REAUTH_DEFERRALS	12u
#define IPSEC_REAUTH_MAX	(1u << 20)

/* What the owner says of an IKE_SA whose time has come. */
enum ipsec_reauth_verdict {
	IPSEC_REAUTH_NOW,	/* it carries l2secd's CHILD_SAs, nothing replaces it */
	IPSEC_REAUTH_LATER,	/* nothing of l2secd's in it now: look again in a full interval */
	IPSEC_REAUTH_NEVER,	/* a newer IKE_SA of the peer replaces it: forget it */
};

struct ipsec_reauth_ops {
	enum ipsec_reauth_verdict (*verdict)(void *ctx, uint32_t ike_id);
	/* ask charon to reauthenticate it; 0, or < 0 (looked at again in an interval) */
	int (*reauth)(void *ctx, uint32_t ike_id);
	uint32_t (*random)(void *ctx);
};

struct ipsec_reauth_stats {
	uint64_t started;	/* reauthentications asked of charon */
	uint64_t deferred;	/* put off: the peer's address was in a main mode */
	uint64_t skipped;	/* not due after all (LATER, NEVER, a failed request) */
	uint64_t untracked;	/* IKE_SAs beyond IPSEC_REAUTH_MAX */
};

struct ipsec_reauth_rec;

struct ipsec_reauth {
	struct evloop *loop;
	uint64_t interval_ms;		/* 0: off, no records */
	struct htab by_id, by_addr;
	struct ipsec_reauth_rec *list;	/* every record */
	unsigned int n;
	const struct ipsec_reauth_ops *ops;
	void *ctx;
	struct ipsec_reauth_stats st;
};

/* 0 or -1 (memory). interval_ms 0: the gateway does not reauthenticate. */
int ipsec_reauth_init(struct ipsec_reauth *r, struct evloop *loop, uint64_t interval_ms,
		      const struct ipsec_reauth_ops *ops, void *ctx);
void ipsec_reauth_free(struct ipsec_reauth *r);
/* A new interval (reload): records keep their deadlines; 0 drops them all. */
void ipsec_reauth_set_interval(struct ipsec_reauth *r, uint64_t interval_ms);
/* An IKE_SA of l2secd's connection came up (or was listed): its timer starts. */
void ipsec_reauth_ike_up(struct ipsec_reauth *r, uint32_t ike_id, const struct vici_addr *remote);
void ipsec_reauth_ike_down(struct ipsec_reauth *r, uint32_t ike_id);
/* charon's connection was lost: every record goes (the resync brings them back). */
void ipsec_reauth_clear(struct ipsec_reauth *r);
/* A peer at this address (printable, as charon logs it) started a main mode. */
void ipsec_reauth_initiating(struct ipsec_reauth *r, const char *addr);
/* Armed records, for tests. */
unsigned int ipsec_reauth_count(const struct ipsec_reauth *r);

#endif
