/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The privileged parent's side of the socketpair (docs/ARCHITECTURE.md, "Two
 * processes"): one request of the engine at a time is read, decoded and
 * judged (priv_check.h); an accepted one is carried out through the
 * execution hooks (the daemon's: the module over generic netlink, routes over
 * rtnetlink), and answered. What the hooks refuse is forgotten by the checker
 * again and answered with the errno in the reply.
 *
 * SEND is a request that is not answered (the engine does not wait for its
 * datagram): refused or failed, it is counted and the engine goes on, as a
 * datagram lost on the way; the peer retransmits.
 *
 * A datagram the decoder refuses, a request out of sequence, EOF or a read
 * error mean an engine that is broken or compromised: priv_parent_input says
 * so and the caller kills it (and restarts one). Events to the engine never
 * wait: they are sent without blocking, and one the socket does not take is a
 * failure too (an engine that does not read).
 *
 * Single-threaded, on the parent's event loop.
 */
#ifndef L2SECD_PRIV_PARENT_H
#define L2SECD_PRIV_PARENT_H

#include <stdbool.h>
#include <stdint.h>

#include "priv/priv_check.h"

enum priv_parent_result {
	PRIV_PARENT_OK,		/* answered, or nothing to read now */
	PRIV_PARENT_GONE,	/* EOF or a read error: the engine is gone */
	PRIV_PARENT_BROKEN,	/* a datagram refused by the decoder, a reply not sent */
};

/* What the parent does for an accepted request: 0, or -1 with errno. */
struct priv_exec_ops {
	/* *dp_handle: the module's handle of the new tunnel, by which the parent names it */
	int (*tunnel_add)(void *ctx, const struct priv_tunnel_add *t, uint32_t *dp_handle);
	void (*tunnel_del)(void *ctx, const struct priv_check_tref *t);
	int (*session_add)(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			   uint16_t peer_sid);
	void (*session_del)(void *ctx, const struct priv_check_tref *t, uint16_t sid);
	int (*session_up)(void *ctx, const struct priv_check_tref *t,
			  const struct priv_session_up *up);
	/* a host route (IPv4 /32, IPv6 /64) through the data device; del ignores a missing one */
	int (*route)(void *ctx, bool add, const struct priv_addr *a, unsigned int plen);
	/*
	 * Optional: before a MARK_QUERY or a TUNNEL_ADD with a mark is judged,
	 * the parent's source of SAs may tell the checker of a live SA
	 * (priv_check_sa_up) that it learns only when asked (xfrm).
	 */
	void (*sa_lookup)(void *ctx, uint32_t mark, const struct priv_addr *peer);
	/* Optional: IPSEC_REPORT's answer (the SA table's counters); without it all zero. */
	void (*ipsec_report)(void *ctx, struct priv_ipsec_report *out);
	/* Optional: STATS' counters of the authentication throttle (priv_check_set_auth_limit's). */
	void (*auth_stats)(void *ctx, struct priv_auth_stats *out);
	/* Optional: STATS' counters of the TUN data path; without it none (not present). */
	void (*tun_stats)(void *ctx, struct priv_tun_stats *out);
	/*
	 * Optional: COUNTERS' answer, the module's counters of the session sid
	 * of tunnel t: 0, or -1 with errno. Without it COUNTERS fails (EOPNOTSUPP).
	 */
	int (*counters)(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			struct priv_counters *out);
	/* Optional: SA_NEXT's answer, the rest of the SA the checker named by mark and peer. */
	void (*sa_describe)(void *ctx, struct priv_ev_sa *sa);
	/*
	 * Optional: a resume record of the engine's (a datagram whose type is
	 * priv_state.h's), for the parent's store; never answered. Without it
	 * such a datagram breaks the protocol.
	 */
	enum priv_parent_result (*record)(void *ctx, const uint8_t *buf, size_t len);
	/*
	 * An accepted SEND: the datagram out of the L2TP socket with mark (the
	 * checker's, never the engine's); 0, or -1 with errno (counted by the
	 * caller). Without it a SEND is refused as an unknown type.
	 */
	int (*send)(void *ctx, const struct priv_send *s, uint32_t mark);
	/* Optional: a SEND refused by the checker (its reason), or not sent (PRIV_OK, errno). */
	void (*send_failed)(void *ctx, enum priv_reason why);
	/*
	 * Optional: a Framed-Route the checker accepted, "NET/PLEN via GW dev
	 * l2sec0 onlink" added (never replacing one) or removed; 0, or -1 with
	 * errno. Without it FROUTE_ADD fails (EOPNOTSUPP).
	 */
	int (*froute)(void *ctx, bool add, const struct priv_addr *net, uint8_t plen,
		      const struct priv_addr *gw);
};

/*
 * Datagrams read a call at most: a flood of records and SENDs leaves the
 * parent's loop its other events between them.
 */
#define PRIV_PARENT_INPUT_MAX	64

/*
 * Read and answer the datagrams waiting on fd (non-blocking reads), up to
 * and including the first request answered: the engine waits for that reply,
 * so nothing follows it yet, and the next datagram wakes the caller's loop
 * again (fd is level-triggered there). c judges; ops (with ctx) carry out.
 * now_ms: the parent's clock.
 */
enum priv_parent_result priv_parent_input(struct priv_check *c, int fd,
					  const struct priv_exec_ops *ops, void *ctx,
					  uint64_t now_ms);

/* One event to the engine, without blocking: 0, or -1 (the engine does not read). */
int priv_parent_send_event(int fd, struct priv_msg *ev);

/*
 * The SA with this mark went (charon said so): its tunnels' routes and the
 * tunnels (with their sessions) leave the module, and the checker forgets
 * them and the SA. Returns how many tunnels went. The engine is told with
 * PRIV_EV_SA_GONE and closes its own, without a StopCCN.
 */
unsigned int priv_parent_sa_gone(struct priv_check *c, uint32_t mark,
				 const struct priv_exec_ops *ops, void *ctx);

/*
 * The engine is gone: undo in the kernel what it held (every route of its
 * sessions' addresses and every Framed-Route, every tunnel, which takes the
 * sessions with it) and
 * make the checker forget it all.
 */
void priv_parent_engine_gone(struct priv_check *c, const struct priv_exec_ops *ops, void *ctx);

/*
 * One resume record of the engine's (for priv_exec_ops.record) into the store
 * st, counted there: PRIV_PARENT_BROKEN when the decoder refused it (as for a
 * request), else PRIV_PARENT_OK with *why PRIV_OK or the store's refusal (a
 * tunnel or session the engine did not create, an address the session does
 * not hold, beyond the bound): the engine goes on.
 */
struct priv_state;
enum priv_parent_result priv_parent_record(struct priv_state *st, const uint8_t *buf, size_t len,
					   enum priv_reason *why);

/*
 * The engine died: the resume records it sent before are read from fd into
 * ops->record (a record the store refuses is counted there). A request among
 * them is not carried out: its engine never had the answer, and it is the
 * last datagram (the engine waits for each answer).
 */
void priv_parent_drain_records(int fd, const struct priv_exec_ops *ops, void *ctx);

/*
 * The engine died and a new one resumes (issue 17 item 2): what the store st
 * holds records of stays in the kernel and in the checker (their routes too);
 * every other session and tunnel is undone as priv_parent_engine_gone does.
 */
void priv_parent_engine_resume(struct priv_check *c, const struct priv_state *st,
			       const struct priv_exec_ops *ops, void *ctx);

#endif
