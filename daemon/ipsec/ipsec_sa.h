/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SA table: one entry per CHILD_SA of l2secd's connection that charon
 * reported up and not yet down, keyed by the CHILD_SA's inbound mark (the
 * name a tunnel is bound by, stable across rekeys). Fed with charon's parsed
 * events (vici_sa.h); no I/O. When an entry leaves the table, the owner's
 * gone() callback is told, so the tunnels bound to its mark can go.
 *
 * An entry goes only when its CHILD_SA goes, never with an IKE_SA alone
 * (strongSwan 5.9.8 sources; docs/ARCHITECTURE.md has the whole table):
 *  - child-updown up, list-sa: the SA is entered (or refreshed);
 *  - child-rekey: the entry takes the new SPIs (the mark stays). In a rekey
 *    collision two new SAs carry the mark: charon drops one silently and
 *    reports only the last one down, so the entry remembers both ids;
 *  - child-updown down of an SA that carries the mark: the entry goes;
 *  - ike-updown up: a new IKE_SA of an entry's peer (address, port, identity)
 *    is noted as its heir;
 *    When charon answered that IKE_SA as responder (the client reauthenticated),
 *    the old IKE_SA is retiring: charon moves its CHILD_SAs to the new one and
 *    keeps it, childless, 10 s before deleting it; its own reauthentication
 *    timer may end in between and reauthenticate it, so that the client's
 *    CHILD_SAs end up in another IKE_SA than the gateway's and the client's
 *    next quick mode makes a new SA with a new mark. l2secd asks charon about
 *    a retiring IKE_SA (ipsec_sa_retiring) and terminates it as soon as it is
 *    ESTABLISHED without CHILD_SAs (ipsec_sa_retire_listed);
 *  - ike-updown down: charon reports every CHILD_SA still in that IKE_SA down
 *    right after it, and those entries go then. CHILD_SAs it moved to a new
 *    IKE_SA before (IKEv1 reauthentication: no event says so) stay, and are
 *    now the heir's. The heir is a guess (the newest IKE_SA of the peer): when
 *    reauthentications overlap (both sides at once) it may name an IKE_SA
 *    without the CHILD_SA until the CHILD_SA's next event or a resync. Only
 *    show tunnels and ike-update use the IKE_SA id; the binding is the mark;
 *  - child-updown up of a new mark while an entry of the same peer lives in
 *    another IKE_SA: a new SA, nothing else. Its tunnels follow no other
 *    entry: when reauthentications of both sides at once leave a client's
 *    CHILD_SA and the gateway's in different IKE_SAs, charon may keep either
 *    (soak 63; docs/ARCHITECTURE.md, "charon's events and the tunnels");
 *  - ike-update (NAT mapping changed): the entry's outer endpoint follows;
 *  - charon lost: every entry becomes unconfirmed. Until charon confirms an
 *    entry again (list-sa or an event after reconnecting), an SA reported
 *    with its mark but other SPIs is another SA: a restarted charon counts
 *    %unique marks from 1 again. The old entry goes, then the new one is
 *    entered. (Cost: a rekey charon made while l2secd was cut off from it
 *    looks the same and ends that client's session.)
 *  - resync end: entries charon did not list go.
 * During a resync the table also keeps every SPI and mark charon listed,
 * of any connection: what the kernel may keep (ipsec_xfrm.h).
 */
#ifndef L2SECD_IPSEC_SA_H
#define L2SECD_IPSEC_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/htab.h"
#include "ipsec/vici_sa.h"

#define IPSEC_SA_TWINS		3u
#define IPSEC_SA_RETIRE_TRIES	16u	/* listings of a retiring IKE_SA (0.5 s apart) */

struct ipsec_sa {
	struct ipsec_sa *prev, *next;	/* every entry: the table's list */
	struct ipsec_sa *rprev, *rnext;	/* entries with retire != 0 */
	/*
	 * The table's indexes (ipsec_sa.c keeps them in step with the fields):
	 * by mark, by ike_id, by heir (when not 0) and by the peer (remote
	 * address and identity), so that no event of one client walks all.
	 */
	struct htab_node mark_node, ike_node, heir_node, peer_node;
	uint32_t mark;			/* CHILD_SA inbound mark: the key */
	uint32_t ike_id, child_id, reqid;	/* child_id: the newest with this mark */
	uint32_t twin[IPSEC_SA_TWINS];	/* older ones that may still carry it (rekey collision) */
	uint32_t heir;			/* newer IKE_SA of the same peer, 0 none */
	uint32_t retire_id;		/* the IKE_SA the peer's reauthentication replaced */
	uint8_t retire;			/* listings of retire_id left, 0: none due */
	uint32_t spi_in, spi_out;
	bool encap;
	bool confirmed;			/* by charon since the last (re)connect */
	bool seen;			/* in the current resync */
	struct vici_addr remote;	/* outer: the NAT's public address and port */
	char remote_id[128];		/* as charon reports it, for the log */
	char remote_ts[64];		/* the CHILD_SA's first remote selector */
};

struct ipsec_sa_stats {
	uint64_t sa_up, sa_down, rekeys, nat_updates;
	uint64_t adopted;		/* entries moved to a new IKE_SA (reauthentication) */
	uint64_t replaced;		/* unconfirmed entries whose mark named another SA */
	uint64_t retired;		/* replaced IKE_SAs l2secd had charon terminate */
};

/* An entry is leaving the table (still readable during the call). */
typedef void (*ipsec_sa_gone_fn)(void *ctx, const struct ipsec_sa *sa, const char *why);

/*
 * An entry was entered or one of the fields the control socket shows changed
 * (SPIs, reqid, IKE_SA, outer address): for the privsep engine's copy.
 */
typedef void (*ipsec_sa_changed_fn)(void *ctx, const struct ipsec_sa *sa);

/* What charon listed in a resync: every SPI and mark, of any connection. */
struct ipsec_sa_known {
	uint32_t *spi;
	size_t n_spi, cap_spi;
	uint32_t *mark;
	size_t n_mark, cap_mark;
	bool sealed;	/* the resync ended: both sorted (u32set.h), spi with the table's */
};

struct ipsec_sa_table {
	struct htab by_mark, by_ike, by_heir, by_peer;
	struct ipsec_sa *list;		/* every entry, newest first */
	struct ipsec_sa *retiring;	/* entries with retire != 0 */
	unsigned int n;
	ipsec_sa_gone_fn gone;
	ipsec_sa_changed_fn changed;		/* NULL: none; set after init */
	void *ctx;
	struct ipsec_sa_known known;
	struct ipsec_sa_stats st;
};

/* 0, or -1 when out of memory. */
int ipsec_sa_init(struct ipsec_sa_table *t, ipsec_sa_gone_fn gone, void *ctx);
/* Frees every entry without calling gone(). */
void ipsec_sa_free(struct ipsec_sa_table *t);

const struct ipsec_sa *ipsec_sa_find(const struct ipsec_sa_table *t, uint32_t mark);

/* One of charon's reports; those of other connections only feed known. */
void ipsec_sa_event(struct ipsec_sa_table *t, const struct vici_sa_event *ev);

/* The connection to charon is lost: entries unconfirmed, known emptied. */
void ipsec_sa_lost(struct ipsec_sa_table *t);
/*
 * A resync (list-sas) ended complete: entries charon did not list go, and
 * what it listed (with the table's own SPIs) is sealed for the questions below.
 */
void ipsec_sa_synced(struct ipsec_sa_table *t);

/*
 * IKE_SAs a client has replaced by reauthenticating (see ike-updown up
 * above), at most max distinct ids into ids; their number.
 */
unsigned int ipsec_sa_retiring(const struct ipsec_sa_table *t, uint32_t *ids, unsigned int max);
/*
 * charon's listing of retiring IKE_SA ike_id (ev NULL: not listed, busy or
 * gone; its ike-updown down ends the retirement). True when it is to be
 * terminated now: ESTABLISHED, without CHILD_SAs (its entries' CHILD_SAs are
 * the heir's). Each call uses one listing up; an IKE_SA in another state
 * (charon reauthenticates or deletes it) or out of listings is left to charon.
 */
bool ipsec_sa_retire_listed(struct ipsec_sa_table *t, uint32_t ike_id,
			    const struct vici_sa_event *ev);

/* Whether the last resync listed this SPI / mark (any connection). */
bool ipsec_sa_known_spi(const struct ipsec_sa_table *t, uint32_t spi);
bool ipsec_sa_known_mark(const struct ipsec_sa_table *t, uint32_t mark);

#endif
