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
#include "ipsec/vici_sa.h"
#include "l2tp/l2tp_lns.h"

struct ipsec;

/*
 * One SA as the control socket shows it ("sa" of a tunnel) and rxcheck and the
 * tunnel's binding ask of it; what the privsep parent sends its engine.
 */
struct ipsec_sa_desc {
	uint32_t mark, reqid, ike_id, child_id, spi_in, spi_out;
	bool encap;
	struct vici_addr remote;	/* outer: the NAT's public address and port */
	char remote_id[128];
};

/* What `show stats` prints of IPsec ("ipsec" and "ike"): the same in both processes. */
#define IPSEC_REPORT_N	18
struct ipsec_report {
	bool charon_up;
	char vici[108];
	uint32_t sa_count;
	uint64_t n[IPSEC_REPORT_N];	/* in the order ipsec.c names them */
};

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

/*
 * Loads credentials from cfg's files; NULL (logged) on error. Starts connecting.
 * lns: the tunnels an SA's end closes; NULL in the privsep parent, which has
 * none (its owner hooks clear the module's tunnels and tell the engine).
 */
struct ipsec *ipsec_new(struct evloop *loop, const struct l2sec_config *cfg,
			struct l2tp_lns *lns);

/*
 * The privsep parent's hooks (docs/ARCHITECTURE.md, "Two processes"): sa_put
 * for each SA entered or changed, sa_gone for each SA leaving the table
 * (returns the tunnels it cleared, for the counters). Called on the event
 * loop from charon's events.
 */
struct ipsec_owner_ops {
	void (*sa_put)(void *ctx, const struct ipsec_sa_desc *sa);
	unsigned int (*sa_gone)(void *ctx, const struct ipsec_sa_desc *sa, const char *why);
};
void ipsec_set_owner(struct ipsec *ip, const struct ipsec_owner_ops *ops, void *ctx);
/* Each SA of the table, to fn: a new engine's copy. O(n), once per engine start. */
void ipsec_each_sa(const struct ipsec *ip, void (*fn)(void *ctx, const struct ipsec_sa_desc *sa),
		   void *ctx);

/*
 * The privsep engine's copy of the parent's table: no charon, no xfrm; SAs
 * come from the parent's events (ipsec_copy_put, ipsec_copy_gone, which closes
 * the tunnels of the mark as the table's own end of an SA does), and `show
 * stats` asks the parent for its report through report(). At most
 * IPSEC_COPY_MAX SAs (the parent's checker holds no more either).
 */
#define IPSEC_COPY_MAX	(1u << 20)
typedef int ipsec_report_fn(void *ctx, struct ipsec_report *out);
struct ipsec *ipsec_new_copy(struct evloop *loop, struct l2tp_lns *lns, ipsec_report_fn *report,
			     void *ctx);
/* Entered or refreshed: 0, or -1 when out of memory or full (logged). */
int ipsec_copy_put(struct ipsec *ip, const struct ipsec_sa_desc *sa);
/* The SA leaves the copy (rxcheck no longer takes it); its tunnels stay. */
void ipsec_copy_drop(struct ipsec *ip, uint32_t mark);
/* The SA leaves the copy and its tunnels are closed, without a StopCCN. */
void ipsec_copy_gone(struct ipsec *ip, uint32_t mark, const char *why);
/*
 * A new listing of the parent's SAs (events were lost): after
 * ipsec_copy_relist, ipsec_copy_put marks what it lists, and
 * ipsec_copy_unlisted gives the marks of the SAs not listed (malloc'd, *n of
 * them; NULL when out of memory), for the caller to end with ipsec_copy_gone.
 * O(n) each.
 */
void ipsec_copy_relist(struct ipsec *ip);
uint32_t *ipsec_copy_unlisted(const struct ipsec *ip, unsigned int *n);
/* The SA with inbound mark, from the table or the copy: false when none. */
bool ipsec_sa_get(const struct ipsec *ip, uint32_t mark, struct ipsec_sa_desc *out);

void ipsec_report(const struct ipsec *ip, struct ipsec_report *r);
void ipsec_free(struct ipsec *ip);
/*
 * The privsep engine, a fork of the parent, forgets the parent's charon:
 * the PSK or key loaded for it wiped, nothing sent, closed or called back.
 */
void ipsec_forget(struct ipsec *ip);
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
			    const union sa46 *src);

/*
 * The address of the remote of the SA tunnel t is bound to, its family into
 * *family and its 4 or 16 octets into a: true, or false when t has no SA
 * l2secd knows. For a listing's filter by peer (ctl.c): no allocation, no
 * system call.
 */
bool ipsec_tunnel_remote(const struct ipsec *ip, const struct l2tp_tunnel *t, int *family,
			 uint8_t a[16]);
/* The SA a tunnel is bound to, added to o as "sa": {...} (nothing if none). */
void ipsec_describe_tunnel(const struct ipsec *ip, const struct l2tp_tunnel *t,
			   struct json_object *o);
/* "ipsec": {charon state, SA count, counters}, added to o. */
void ipsec_describe(const struct ipsec *ip, struct json_object *o);

#endif
