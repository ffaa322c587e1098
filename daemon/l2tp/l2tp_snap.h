/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records a restarted engine resumes the LNS from (issue 17 item 2;
 * docs/ARCHITECTURE.md, "Resuming after the engine dies"). When the engine
 * dies, the kernel keeps forwarding the sessions' data; the parent keeps one
 * flat, fixed-size record per established tunnel and session (sent on
 * l2tp_lns_ops.snap's events) and hands them to the next engine, which
 * imports them into a fresh LNS before it reads a datagram: established
 * tunnels and sessions, their IDs and sequence numbers, nothing sent.
 *
 * Ns: a tunnel's record names the Ns of our first unacknowledged message
 * (the next new one when none waits) and whether messages were in flight.
 * What was in flight is lost with the engine (the record holds no
 * messages). So an imported tunnel that had messages in flight sends a
 * HELLO with that Ns at once (unless hello-interval is 0): a peer that got the lost message takes the
 * HELLO for a duplicate and acknowledges it (RFC 2661 5.8), one that did not
 * takes the HELLO in its place; either way both sides agree on Ns again.
 * Nr counts every message delivered, so a peer's message the old engine
 * took but did not acknowledge yet comes again and is acknowledged as a
 * duplicate, not acted on twice.
 *
 * The tunnel secret is not in a record: the importing LNS's configuration
 * gives it (the parent holds the configuration; the record travels through
 * it and must not carry a secret). Sessions still negotiating (ICRQ sent,
 * no ICCN yet) and tunnels before SCCCN have no record: they are lost.
 */
#ifndef L2SECD_L2TP_SNAP_H
#define L2SECD_L2TP_SNAP_H

#include <stdbool.h>
#include <stdint.h>

#include "l2tp/l2tp_lns.h"

#define L2TP_REC_NAME_MAX 63	/* the peer's Host Name and Vendor Name, printable */

/* An address: family 4 or 6 (0: none, all zero); IPv4 in the first 4 octets. */
struct l2tp_rec_addr {
	uint8_t family;
	uint8_t addr[16];
};

/* A tunnel's sequence state: what changes after each exchange. */
struct l2tp_seq_rec {
	uint16_t tid;
	uint16_t ns;		/* first unacknowledged Ns of ours; the next one when none */
	uint16_t nr;		/* next Ns expected from the peer */
	bool in_flight;		/* messages of ours were unacknowledged */
};

struct l2tp_tunnel_rec {
	struct l2tp_seq_rec seq;
	uint16_t peer_tid;
	uint32_t sock;		/* the LNS's l2tp_peer.sock; the owner maps it */
	struct l2tp_rec_addr peer, local;
	uint16_t peer_port;
	uint32_t mark;		/* the SA's, 0: none */
	uint16_t peer_rws;
	uint32_t hello_ms;
	bool require_ipsec, in_kernel;
	uint32_t peer_framing, peer_bearer;
	uint64_t created_ms;
	char peer_host[L2TP_REC_NAME_MAX + 1], peer_vendor[L2TP_REC_NAME_MAX + 1];
};

struct l2tp_session_rec {
	uint16_t tid, sid, peer_sid;
	bool in_kernel;
	uint32_t call_serial, tx_speed, rx_speed, framing_type;
	uint32_t accm_send, accm_recv;	/* from SLI */
	uint64_t created_ms;
};

/* Established tunnel's record; -1 (ENOENT) when it is not established or closing. */
int l2tp_tunnel_export(const struct l2tp_tunnel *t, struct l2tp_tunnel_rec *r);
/* Its sequence state alone (L2TP_SNAP_SEQ); -1 (ENOENT) as above. */
int l2tp_tunnel_export_seq(const struct l2tp_tunnel *t, struct l2tp_seq_rec *r);
/* Established session's record; -1 (ENOENT) otherwise. */
int l2tp_session_export(const struct l2tp_session *s, struct l2tp_session_rec *r);

/* A record as an exporter writes it: IDs set, addresses and names well-formed. */
bool l2tp_tunnel_rec_valid(const struct l2tp_tunnel_rec *r);
bool l2tp_session_rec_valid(const struct l2tp_session_rec *r);

/*
 * An established tunnel in lns from a record, with nothing sent, nothing
 * asked of the kernel (it kept the tunnel: in_kernel as recorded) and the
 * admission counts and state file updated; its HELLO timer runs (a HELLO at
 * once when messages were in flight). NULL with errno: EINVAL (an invalid
 * record), EEXIST (its ID is taken), ENOMEM. No configured limit refuses
 * it: a live tunnel stays after a reload that lowered max-tunnels.
 */
struct l2tp_tunnel *l2tp_tunnel_import(struct l2tp_lns *lns, const struct l2tp_tunnel_rec *r);
/*
 * An established session on the imported tunnel t (the owner finds it: a
 * tunnel ID is unique per SA or peer only): nothing sent, no callback (the
 * owner attaches its PPP layer, ppp/ppp.h's ppp_import, to s->ppp). NULL
 * with errno: EINVAL, ENOENT (t is NULL, not r's tunnel ID or not established), EEXIST (its
 * ID or the peer's is taken in the tunnel), ENOMEM; as for the tunnel, no
 * configured limit (max-sessions, max-sessions-per-tunnel) refuses it.
 */
struct l2tp_session *l2tp_session_import(struct l2tp_lns *lns, struct l2tp_tunnel *t,
					 const struct l2tp_session_rec *r);

#endif
