/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a restarted engine resumes from (issue 17 item 2; docs/ARCHITECTURE.md
 * "Resuming after the engine dies"): the parent's store of the engine's
 * records of established tunnels and sessions (l2tp/l2tp_snap.h) and of
 * opened PPP sessions (ppp/ppp_snap.h), and their wire form.
 *
 * The engine sends, on the socketpair of priv_msg.h:
 *   ST_TUNNEL   when a tunnel is established (l2tp_lns_ops.snap's UP)
 *   ST_SEQ      when its Ns, Nr or messages in flight change (SEQ): 7 octets
 *   ST_SESSION  when a session is established (UP)
 *   ST_PPP      when its PPP session opens an NCP (sess.c's ipcp_up, ipv6cp_up),
 *               with the IPv6 /64 the session holds (the RA's prefix)
 *   ST_GONE     when a tunnel (sid 0; its sessions go with it) or a session
 *               leaves the established state (GONE)
 * (an object's records it still holds folded into one: priv_state_fold),
 * and the parent hands the records back to the next engine, before that one
 * reads a datagram: every ST_TUNNEL, then each session's ST_SESSION and
 * ST_PPP, then ST_END with the counts.
 *
 * Tunnels are named as in the requests (priv_msg.h): by the handle the
 * parent's checker gave each at TUNNEL_ADD, with its ID, since an ID is
 * unique per SA or peer only. Every record but ST_END carries its tunnel's
 * handle; the store and the hand-back are keyed by it (and the session ID),
 * and a new engine learns each resumed tunnel's handle from ST_TUNNEL.
 *
 * Wire format: priv_msg.h's header (u8 version PRIV_STATE_VERSION, u8 type,
 * u16 length, u32 sequence number), u32 the tunnel's handle (0 in ST_END
 * only), then each type's fixed fields in network byte order: no optional
 * field, every type one length. A string is u8 length and its array's
 * size - 1 octets: the string, no NUL, then zeros.
 * The types are numbered from PRIV_ST_BASE, past priv_msg.h's, so the type
 * octet says which decoder a datagram is for (priv_state_is_type); the
 * numbering is the records' own, one above the previous record of the
 * same sender, from 1 for each engine and each hand-back.
 *
 * The decoder refuses (counted, by priv_msg.h's reasons) a wrong version,
 * type or length, a handle of 0 (or another in ST_END), a bool other than 0 or 1, a string too long, with a NUL
 * or with octets after it, and a record that its exporter would not write
 * (l2tp_tunnel_rec_valid, l2tp_session_rec_valid, ppp_rec_valid): one
 * canonical encoding per record. The store refuses (counted) a record out
 * of order, a tunnel or session the parent's checker does not know
 * (priv_check_tunnel_get, _session_get), a tunnel whose mark or SA peer is
 * not the checker's, a PPP record of a session not authenticated or whose
 * IPv4 address or IPv6 /64 is not the one the session holds, a record of a
 * tunnel or session not in the store (ST_SEQ, ST_PPP, ST_GONE), and records beyond
 * its bound. Its tables are sized at creation from max-tunnels and
 * max-sessions and never grow: the engine cannot make the parent allocate
 * beyond them (their indexes grow and shrink with them, a PPP record is
 * allocated when it comes).
 *
 * Not thread-safe; one store per parent, its checker borrowed.
 */
#ifndef L2SECD_PRIV_STATE_H
#define L2SECD_PRIV_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tp/l2tp_snap.h"
#include "ppp/ppp_snap.h"
#include "priv/priv_check.h"
#include "priv/priv_msg.h"

#define PRIV_STATE_VERSION	3	/* 2: records carry the tunnel's handle; 3: accounting */
#define PRIV_ST_HDR_LEN		(PRIV_HDR_LEN + 4)	/* the header and the handle */
#define PRIV_ST_BASE		PRIV_RECORD_BASE	/* past priv_msg.h's types */

enum priv_state_type {
	PRIV_ST_TUNNEL = PRIV_ST_BASE,
	PRIV_ST_SEQ,
	PRIV_ST_SESSION,
	PRIV_ST_PPP,
	PRIV_ST_GONE,
	PRIV_ST_END,		/* parent -> engine only */
	PRIV_ST_TYPE_END
};

#define PRIV_ST_TYPES (PRIV_ST_TYPE_END - PRIV_ST_BASE)

struct priv_state_ids {
	uint16_t tid, sid;	/* sid 0: the tunnel */
};

/*
 * A session's RADIUS state, that a new engine goes on with: its accounting
 * (the Acct-Session-Id its Start had, so that no second Start is sent and the
 * Stop matches) and what its Access-Accept assigned (aaa.h).
 */
#define PRIV_ACCT_ID_MAX	24	/* with its NUL (aaa_acct.c's ids) */
#define PRIV_CLASS_MAX		253
struct priv_state_acct {
	char id[PRIV_ACCT_ID_MAX];	/* "": no accounting (not enabled, or no Start) */
	uint8_t class_len;
	uint8_t class[PRIV_CLASS_MAX];	/* zero past class_len */
	uint32_t interim_s;		/* the server's Acct-Interim-Interval; 0: none */
	uint64_t start_ms;		/* the Start's time (CLOCK_MONOTONIC, ms) */
	uint64_t timeout_end_ms;	/* when its Session-Timeout ends (the same clock); 0: none */
	bool radius_auth;		/* authenticated by RADIUS, not the users file */
};

struct priv_state_ppp {
	uint16_t tid, sid;
	struct ppp_rec ppp;
	struct priv_state_acct acct;
	/* the session's IPv6 /64 (ADDR_CLAIM's reply), for its router advertisements */
	bool has_pfx6;
	struct in6_addr pfx6;		/* zero without */
};

struct priv_state_end {
	uint32_t n_tunnels, n_sessions, n_ppp;	/* handed back */
};

struct priv_state_msg {
	uint8_t type;		/* enum priv_state_type */
	uint32_t seq;
	uint32_t handle;	/* the tunnel's, as the checker gave it; 0 in ST_END */
	union {
		struct l2tp_tunnel_rec tunnel;
		struct l2tp_seq_rec seq_rec;
		struct l2tp_session_rec session;
		struct priv_state_ppp ppp;
		struct priv_state_ids gone;
		struct priv_state_end end;
	};
};

/* Is a datagram whose second octet is type one of these? */
bool priv_state_is_type(uint8_t type);
/* Encode m; its length, or -1 when it does not fit or would be refused. */
int priv_state_encode(const struct priv_state_msg *m, uint8_t *buf, size_t cap);
/* Decode one datagram into *m (zeroed first): PRIV_OK or the decoder's reason. */
enum priv_reason priv_state_decode(const uint8_t *buf, size_t len, struct priv_state_msg *m);
const char *priv_state_type_name(unsigned int type);

/*
 * A sender's held records, coalesced (engine_priv.c's batch, issue 19): what
 * record rec, encoded by priv_state_encode, does to held, an earlier record
 * still held (both numbered in order, neither sent). The parent applies a
 * batch's records one after the other with no request between them, so a
 * record that a later one of the same object makes moot need not go:
 *   NONE  unrelated: both go
 *   INTO  rec went into held, which keeps its place and number: rec does not
 *         go (an object's newer record; a tunnel's ST_SEQ into its ST_SEQ or
 *         its ST_TUNNEL, whose Ns, Nr and in-flight it replaces)
 *   DROP  held is moot: it goes from the hold, rec is still to go (an
 *         ST_SEQ when its ST_TUNNEL comes; an ST_GONE's tunnel's or
 *         session's records, but for the one that made it)
 *   BOTH  rec undoes held: neither goes (an ST_GONE of the tunnel or session
 *         whose ST_TUNNEL or ST_SESSION is held: the parent never had it;
 *         the LNS sends that record once, when the tunnel or session is
 *         established)
 * Objects are named by the tunnel's handle and ID and the session's ID.
 */
enum priv_state_fold {
	PRIV_FOLD_NONE,
	PRIV_FOLD_INTO,
	PRIV_FOLD_DROP,
	PRIV_FOLD_BOTH,
};
enum priv_state_fold priv_state_fold(uint8_t *held, const uint8_t *rec);

struct priv_state;

struct priv_state_stats {
	uint64_t accepted[PRIV_ST_TYPES];	/* by type - PRIV_ST_BASE */
	uint64_t refused[PRIV_REASON_MAX];	/* by reason; [PRIV_OK] stays 0 */
};

/* A store of at most max_tunnels and max_sessions; NULL with errno. */
struct priv_state *priv_state_new(unsigned int max_tunnels, unsigned int max_sessions,
				  const struct priv_check *check);
void priv_state_free(struct priv_state *st);

/* One datagram of the engine's (priv_state_is_type): decode, check, keep. */
enum priv_reason priv_state_datagram(struct priv_state *st, const uint8_t *buf, size_t len);
/* The same for a decoded record (its number checked too). */
enum priv_reason priv_state_apply(struct priv_state *st, const struct priv_state_msg *m);

/* The parent forgets a tunnel (sid 0, with its sessions) or a session (SA gone, kernel refused). */
void priv_state_forget(struct priv_state *st, uint32_t handle, uint16_t sid);

/*
 * Hand every record to a new engine through send (one datagram a call;
 * non-zero stops): tunnels, each session with its PPP record, ST_END.
 * Records the checker no longer knows are dropped first. The next record
 * from the engine is number 1. Returns the datagrams sent, -1 when send
 * failed.
 */
int priv_state_hand_back(struct priv_state *st,
			 int (*send)(void *ctx, const uint8_t *buf, size_t len), void *ctx);

void priv_state_counts(const struct priv_state *st, unsigned int *tunnels,
		       unsigned int *sessions);
const struct priv_state_stats *priv_state_stats(const struct priv_state *st);
/*
 * With no tunnel (session) left, the pages of its tunnels' (sessions') table
 * given back to the kernel (core/memtrim.h), and entries taken from the first again.
 */
void priv_state_release(struct priv_state *st);
/*
 * A reload with tunnels up: a new store for check (priv_check_reload's
 * checker, which holds what old's checker held) with every record of old,
 * sized for max_tunnels and max_sessions or what old holds, if more. The
 * running engine's records go on to it in their numbering (the next one
 * follows old's last), until the next hand-back. old keeps its records;
 * NULL with errno.
 */
struct priv_state *priv_state_reload(struct priv_state *old, unsigned int max_tunnels,
				     unsigned int max_sessions, const struct priv_check *check);
/*
 * The session's PPP record goes, its L2TP record stays: a new engine clears
 * the call with a CDN, as one whose PPP was still negotiating (a reload that
 * leaves its address without a route).
 */
void priv_state_forget_ppp(struct priv_state *st, uint32_t handle, uint16_t sid);
/* Does the store hold a record of the tunnel with handle (sid 0) or of its session sid? */
bool priv_state_has(const struct priv_state *st, uint32_t handle, uint16_t sid);

#endif
