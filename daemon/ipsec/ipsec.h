/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's side of IPsec: charon over VICI (vici_gw.h), and the SA table
 * that ties each L2TP tunnel to the CHILD_SA that carries it (ipsec_sa.h).
 *
 * l2secd keeps its connection and credential loaded in charon (at start, on
 * every (re)connect to charon, and on reload). Every CHILD_SA of it has a
 * unique inbound mark that xfrm sets on what it decrypts; a tunnel is bound
 * to the mark its SCCRQ arrived with (SO_RCVMARK, l2tp_peer.mark), and the
 * mark names the SA across rekeys. The table is keyed by that mark:
 *  - child-updown up / list-sas: the SA is entered (or refreshed);
 *  - child-rekey: the entry takes the new SPIs (the mark stays);
 *  - child-updown down: the entry goes, and every tunnel bound to its mark
 *    is cleared at once (no StopCCN: it could only leave in cleartext, which
 *    the module refuses);
 *  - ike-updown: never clears a tunnel by itself. A deleted or dead IKE_SA's
 *    CHILD_SAs are reported down right after it; those charon moved to a new
 *    IKE_SA (IKEv1 reauthentication) stay, re-associated (ipsec_sa.h). An
 *    IKE_SA a client replaced is terminated once charon lists it childless,
 *    before the gateway's own reauthentication timer of it can end;
 *  - ike-update (NAT mapping changed): the entry's outer endpoint follows;
 *  - after charon (re)connects, a list-sas resync: tunnels whose mark no SA
 *    has, or whose mark now names an SA with other SPIs (a restarted charon
 *    hands out its marks again), are stale and are cleared; then the kernel
 *    SAs and policies of an L2TP connection that charon does not know (a
 *    charon killed with SIGKILL leaves them) are removed (ipsec_xfrm.h).
 * Single-threaded, on the event loop.
 */
#ifndef L2SECD_IPSEC_H
#define L2SECD_IPSEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "l2tp/l2tp_lns.h"

struct ipsec;

/* SA counters are the table's (ipsec_sa.h). */
struct ipsec_stats {
	uint64_t tunnels_cleared;	/* tunnels whose SA went away */
	uint64_t stale_states;		/* kernel SAs charon left (ipsec_xfrm.h) */
	uint64_t stale_policies;
	uint64_t charon_lost;		/* VICI connection to charon lost */
	uint64_t load_failures;
};

/* Whether cfg asks l2secd to manage charon (psk or certificate set). */
bool ipsec_enabled(const struct l2sec_config *cfg);

/* Loads credentials from cfg's files; NULL (logged) on error. Starts connecting. */
struct ipsec *ipsec_new(struct evloop *loop, const struct l2sec_config *cfg,
			struct l2tp_lns *lns);
void ipsec_free(struct ipsec *ip);
/* cfg reloaded: load the (possibly changed) connection and credential again. */
int ipsec_reload(struct ipsec *ip, const struct l2sec_config *cfg);

/*
 * Whether mark is the inbound mark of a CHILD_SA in the table whose peer is
 * src (the address only; transport mode keeps the outer source on what it
 * decrypts). For l2secd's own check of every datagram (rxcheck.h).
 */
/*
 * The reqid of the CHILD_SA charon gave this inbound mark, for the tunnel's
 * binding in l2sec.ko (a restarted charon reuses marks); 0 when unknown.
 */
uint32_t ipsec_mark_reqid(const struct ipsec *ip, uint32_t mark);
bool ipsec_mark_is_child_sa(const struct ipsec *ip, uint32_t mark,
			    const struct sockaddr_storage *src);

/* The SA a tunnel is bound to, added to o as "sa": {...} (nothing if none). */
void ipsec_describe_tunnel(const struct ipsec *ip, const struct l2tp_tunnel *t,
			   struct json_object *o);
/* "ipsec": {charon state, SA count, counters}, added to o. */
void ipsec_describe(const struct ipsec *ip, struct json_object *o);

#endif
