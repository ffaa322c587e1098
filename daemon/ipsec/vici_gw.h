/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's standing arrangement with charon, on top of the VICI client:
 *
 *  - keeps the L2TP connection (vici_conn.h) and its credential (PSK, or
 *    the server's private key) loaded in charon: on every connect, so a
 *    charon started late or restarted gets them again, and on every
 *    vici_gw_configure() (the daemon's reload);
 *  - after each load, lists charon's SAs (list-sas) so the daemon's SA table
 *    can be rebuilt after a daemon or charon restart;
 *  - follows ike-updown, child-updown, child-rekey and ike-update and hands
 *    each to the daemon as a parsed struct vici_sa_event. An event that does
 *    not parse is dropped, counted and logged.
 *
 * The daemon drives the client (vici_gw_client()) with vici_ev.h. One thread.
 */
#ifndef L2SECD_VICI_GW_H
#define L2SECD_VICI_GW_H

#include <stdint.h>

#include "ipsec/vici.h"
#include "ipsec/vici_conn.h"
#include "ipsec/vici_sa.h"
#include "ipsec/vici_log.h"

struct vici_gw_ops {
	/* The client's state, passed on (see vici_state_fn). */
	void (*state)(void *ctx, enum vici_state state, const char *why);
	/*
	 * A load round finished: err 0 when charon accepted the credential and
	 * the connection; else why names the step and charon's reason.
	 */
	void (*loaded)(void *ctx, int err, const char *why);
	/* An SA event, or (kind VICI_SA_LIST) one IKE_SA of a resync. */
	void (*sa)(void *ctx, const struct vici_sa_event *ev);
	/*
	 * A resync ended (err 0: complete). Between the UP state report and
	 * this call every IKE_SA charon has was passed to sa() as
	 * VICI_SA_LIST; tunnels bound to SAs not seen are stale.
	 */
	void (*synced)(void *ctx, int err);
};

struct vici_gw_stats {
	uint64_t loads;			/* rounds sent */
	uint64_t load_failures;		/* rounds charon refused */
	uint64_t events_bad;		/* SA events that did not parse */
	uint64_t syncs;
};

struct vici_gw;

struct vici_gw *vici_gw_new(const struct vici_config *cfg,
			    const struct vici_gw_ops *ops, void *ctx);
void vici_gw_free(struct vici_gw *gw);
/* A forked child's copy: the loaded secret wiped (vici_forget), nothing sent or closed. */
void vici_gw_forget(struct vici_gw *gw);
struct vici_client *vici_gw_client(struct vici_gw *gw);
const struct vici_gw_stats *vici_gw_get_stats(const struct vici_gw *gw);
/* Its follower of charon's log (vici_log.h): refusals, weak groups used. */
const struct vici_log *vici_gw_log(const struct vici_gw *gw);

/*
 * Set (or replace) what is loaded. conf->auth PSK needs psk; PUBKEY needs
 * key (the certificate is in conf). The messages are built now (nothing of
 * conf is kept) and sent now if connected, else on connect. A renamed
 * connection's old name and old credential are unloaded first.
 * 0, -EINVAL (conf), -ENOMEM.
 */
int vici_gw_configure(struct vici_gw *gw, const struct vici_l2tp_conn *conf,
		      const void *psk, size_t psk_len, const struct vici_blob *key);

/* Connect (the first attempt is now). */
void vici_gw_start(struct vici_gw *gw);

/* Ask charon to delete an IKE_SA (and its CHILD_SAs); the outcome arrives
 * as ike-updown/child-updown events. 0 or as vici_request(). */
int vici_gw_terminate(struct vici_gw *gw, uint32_t ike_id);

/*
 * charon's listing of IKE_SA ike_id, once: ev its parsed listing, NULL when
 * charon did not list it (gone) or err (the request failed; -ECANCELED when
 * the client is freed). The event is valid during the call only.
 */
typedef void (*vici_gw_listed_fn)(void *ctx, uint32_t ike_id, const struct vici_sa_event *ev,
				  int err);
/* 0, or as vici_request() (fn is not called then). */
int vici_gw_list_ike(struct vici_gw *gw, uint32_t ike_id, vici_gw_listed_fn fn, void *ctx);

#endif
