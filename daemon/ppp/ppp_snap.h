/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record a restarted engine resumes a PPP session from (issue 17 item 2;
 * l2tp/l2tp_snap.h for the L2TP side, docs/ARCHITECTURE.md "Resuming after
 * the engine dies"): a flat, fixed-size copy of what an opened session
 * negotiated, so that a fresh engine can carry it on, immediately in the
 * network phase, without a frame to the peer.
 *
 * Recorded: both sides' LCP values (MRU, magic number, the peer's PFC and
 * ACFC; ACCM is meaningless over L2TP and not kept), the authentication
 * method and the authenticated user's name, IPCP's addresses (ours, the
 * peer's, DNS and NBNS), IPv6CP's interface identifiers, whether echoes
 * are off (the peer Code-Rejected them), and the packet identifiers in use.
 * Not recorded: the echo count (an imported session starts its echoes
 * afresh, one echo interval after the import) and anything of a phase before
 * the network phase (such a session is lost with the engine).
 */
#ifndef L2SECD_PPP_SNAP_H
#define L2SECD_PPP_SNAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "ppp/ppp.h"

#define PPP_REC_USER_MAX 255

struct ppp_rec {
	/* LCP: what we asked for (req_* false: not asked) and what the peer did */
	bool req_mru, req_magic;
	uint16_t mru;			/* ours; 0 unless req_mru */
	uint32_t magic;			/* ours; 0 unless req_magic */
	uint16_t peer_mru;		/* 0: the peer asked for none (1500) */
	uint32_t peer_magic;
	bool peer_pfc, peer_acfc;
	bool echo_off;
	uint8_t lcp_id, echo_id;
	/* authentication: one PPP_AUTH_* bit, and who */
	uint8_t auth;
	char user[PPP_REC_USER_MAX + 1];
	/* the network control protocols; what is not open is zero */
	bool ipcp_open, ipv6cp_open;
	uint8_t ipcp_id, ipv6cp_id;
	struct in_addr local4, peer4, dns[2], nbns[2];
	uint64_t local_id, peer_id;	/* IPv6CP interface identifiers, host order */
};

/*
 * An opened session's record: authenticated, in the network phase, an NCP
 * open. -1 (EAGAIN) otherwise: negotiating, terminating or down.
 */
int ppp_export(const struct ppp_session *s, struct ppp_rec *r);

/* A record as ppp_export writes it (IDs, lengths, absent parts zero). */
bool ppp_rec_valid(const struct ppp_rec *r);

/*
 * A session (ppp_new's cfg, ops, ctx) in the state of the record at now:
 * LCP and the recorded NCPs Opened, the user authenticated; nothing sent,
 * no callback called (the owner restores its own side: the address, the
 * routes). An NCP the record has not open stays Closed (a peer negotiating
 * it gets a Terminate-Ack). NULL with errno: EINVAL (an invalid record, or
 * one the configuration no longer allows: an open NCP not configured),
 * ENOMEM (or a configuration ppp_new refuses).
 */
struct ppp_session *ppp_import(const struct ppp_config *cfg, const struct ppp_ops *ops,
			       void *ctx, const struct ppp_rec *r, uint64_t now);
/* The same under a shared configuration (ppp_new_shared). */
struct ppp_session *ppp_import_shared(struct ppp_conf *conf, const struct ppp_ops *ops,
				      void *ctx, const struct ppp_rec *r, uint64_t now);

#endif
