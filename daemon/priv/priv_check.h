/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The privileged parent's checker: every request of the engine (priv_msg.h)
 * is judged against the parent's own record of what the engine did and
 * against the configuration, never against what the engine says of itself.
 *
 * The record: the sockets the parent handed over, the live SAs (the parent
 * follows charon and xfrm; priv_check_sa_up/gone), the tunnels the engine
 * created with their SA mark and peer, each session's tunnel, user and
 * addresses, and the host routes. The rules:
 *   - tunnels are keyed by the handle the checker gives each (TUNNEL_ADD's
 *     reply), which every later request names with the tunnel's ID; a new
 *     tunnel's ID must be new for its origin (the SA's mark, or the peer's
 *     address and port: l2sec.ko's key), so two SAs' tunnels may share an ID;
 *   - a tunnel only on a handed-over socket of its peer's family, bound to the mark of a live SA
 *     whose peer is the tunnel's (mark 0 only where IPsec is not required),
 *     at most [l2tp] max-tunnels, and max-tunnels-per-sa per SA;
 *   - a session only on a tunnel the engine created, at most max-sessions
 *     and max-sessions-per-tunnel;
 *   - authentication is computed here from the users db (password hashes
 *     never leave this process), [ppp] auth-tries per session, and at most
 *     PRIV_AUTH_RATE answers per second in all, PRIV_AUTH_RATE_TUNNEL per
 *     tunnel, and none while PRIV_AUTH_FAIL_RATE's bucket of wrong answers
 *     (RADIUS Rejects too) is empty: a compromised engine can test at most
 *     that many passwords a second, while good logins after a restart are
 *     not capped by it; a refusal for rate (PRIV_R_RATE) spends no try, and
 *     the engine takes it for "busy", never for a wrong password;
 *     a CHAP or MS-CHAPv2 answer only to the challenge the parent issued for
 *     the session (with SESSION_ADD's reply, and a fresh one after each
 *     wrong answer), so an engine cannot replay an answer it saw;
 *   - an address only for an authenticated session, one IPv4 and one IPv6
 *     /64 each, from the configured pools or the user's static address, and
 *     not held by another session;
 *   - SESSION_UP and routes only for the addresses the session holds;
 *   - FROUTE_ADD (a network routed through the session's IPv4 address, or an
 *     IPv6 prefix through an address of its /64) only for a Framed-Route
 *     (Framed-IPv6-Route) of the session's Access-Accept that the parent
 *     verified itself, and only if froute.h's checks pass against the
 *     parent's record (the configuration's pools, RADIUS servers and DAE
 *     clients, the gateway's addresses, every tunnel's and SA's peer, the
 *     other sessions' routes; FROUTE_MAX_PER_PEER, FROUTE_MAX); its routes
 *     go down with its address of their family and with the session;
 *   - SEND (an L2TP datagram with an SA's mark, for the engine that has no
 *     CAP_NET_RAW): a tunnel's only to its peer, port and socket, with the
 *     tunnel's peer tunnel ID (a data message: a session of that tunnel, its
 *     peer session ID), sent with the mark recorded for the tunnel; without
 *     a tunnel a control message only, with the mark of a live SA whose peer
 *     is the destination; at most PRIV_SEND_RATE a second;
 *   - a request's sequence number is the one after the last request's.
 * Each refusal is counted by reason (priv_check_stats). The checker only
 * judges and records: the parent carries out an accepted request (netlink,
 * rtnetlink) and, when the kernel refuses it, forgets it again with
 * priv_check_tunnel_gone/session_gone.
 *
 * Not thread-safe; one per parent. Tables are sized from the configuration
 * at creation and never grow.
 */
#ifndef L2SECD_PRIV_CHECK_H
#define L2SECD_PRIV_CHECK_H

#include <stdint.h>

#include "conf/config.h"
#include "conf/users.h"
#include "priv/priv_msg.h"

/*
 * Answers checked per second, in all (MS-CHAPv2's MD4, SHA-1 and DES are
 * ~25,000 instructions: 1,000 a second are ~2% of a core), and the wrong
 * ones among them: the oracle bound.
 */
#define PRIV_AUTH_RATE		1000
#define PRIV_AUTH_BURST		2000
#define PRIV_AUTH_FAIL_RATE	100
#define PRIV_AUTH_FAIL_BURST	200
#define PRIV_AUTH_RATE_TUNNEL	4	/* per tunnel (one client, or one NAT's SA) */
#define PRIV_AUTH_BURST_TUNNEL	16
#define PRIV_QUERY_RATE		20	/* MARK_QUERY, STATS and IPSEC_REPORT per second */
#define PRIV_QUERY_BURST	40
#define PRIV_MAX_SOCKS		(2 * CONFIG_MAX_LISTEN + 1)
/*
 * SEND per second and burst, in all: a Windows client's tunnel and session
 * need under 10 a minute (a HELLO and an acknowledgement, LCP echoes at 20 s
 * and replies to the client's), so 60,000 stay under it; it bounds what a
 * flooding engine costs the parent.
 */
#define PRIV_SEND_RATE		10000
#define PRIV_SEND_BURST		20000
/*
 * RADIUS_SIGN and RADIUS_VERIFY per second, in all: a login takes four (its
 * Access-Request, the answer, its Accounting-Start, the answer), so 500
 * logins a second; MD5 over at most 4 KiB each. Beyond it the engine's
 * client waits (radius_client.h: a busy signer), nothing fails.
 */
#define PRIV_RADIUS_RATE	2000
#define PRIV_RADIUS_BURST	4000
/*
 * DAE_VERIFY and DAE_SIGN per second, in all: 16 dae-clients at aaa_dae.c's
 * 20 a second, a request and an answer each, fit.
 */
#define PRIV_DAE_RATE		700
#define PRIV_DAE_BURST		1400
/*
 * COUNTERS per second, in all: the Idle-Timeout sweep reads a session every
 * quarter of its timeout, at most every second (sess.c); 100k sessions with
 * a 10-minute timeout need 667 a second.
 */
#define PRIV_COUNTERS_RATE	2000
#define PRIV_COUNTERS_BURST	4000
/* ACCT_KEEP per second, in all: a record each, no MD5; apart from RADIUS_SIGN's */
#define PRIV_ACCT_KEEP_RATE	2000
#define PRIV_ACCT_KEEP_BURST	10000
/*
 * FROUTE_ADD per second, in all: each lists the gateway's addresses; 16
 * routes for each of 100 sessions coming up a second fit the burst.
 */
#define PRIV_FROUTE_RATE	200
#define PRIV_FROUTE_BURST	2000
/* Framed-Routes granted by verified Accepts and not yet gone, in all (froute.h's FROUTE_MAX twice) */
#define PRIV_FROUTE_GRANTS	8192

struct priv_check;

/*
 * Entries the checkers' lookups and walks visited, all checkers together:
 * for tests only (tests/unit/probes.h), which bound an event's cost by it.
 */
extern uint64_t priv_check_probes;

struct priv_check_stats {
	uint64_t accepted[PRIV_TYPE_MAX];	/* by request type */
	uint64_t refused[PRIV_REASON_MAX];	/* by reason; [PRIV_OK] stays 0 */
	uint64_t auth_ok, auth_failed;		/* answers checked */
	uint64_t auth_throttled;		/* answers refused unchecked (priv_auth_limit) */
	uint64_t froute_ungranted;		/* an Accept's Framed-Routes past PRIV_FROUTE_GRANTS */
	uint64_t froute_removed;		/* up, refused by a reload's configuration */
};

/*
 * A checker for cfg (its pools, limits and require-ipsec are copied) and the
 * users db (borrowed: it must live until priv_check_set_users replaces it or
 * the checker is freed). NULL with errno set.
 */
struct priv_check *priv_check_new(const struct l2sec_config *cfg, const struct users_db *users);
void priv_check_free(struct priv_check *c);
void priv_check_set_users(struct priv_check *c, const struct users_db *users);
/*
 * The throttle across sessions (the parent's auth/authlimit.h), asked for each
 * answer the checker is to verify: allowed() before (false: refused unchecked,
 * the reply says throttled), result() after (its return: how long the
 * Failure of a wrong answer is held back, into the reply). user: the users
 * file's name when the user exists, else the name as sent. NULL: none.
 */
struct priv_auth_limit {
	bool (*allowed)(void *ctx, const char *user, const struct priv_addr *peer, uint16_t port,
			uint32_t mark);
	uint32_t (*result)(void *ctx, const char *user, const struct priv_addr *peer,
			   uint16_t port, uint32_t mark, bool ok);
	void *ctx;
};
void priv_check_set_auth_limit(struct priv_check *c, const struct priv_auth_limit *al);

/*
 * The parent's RADIUS signer (priv_radius.h; borrowed, NULL: none, RADIUS_SIGN
 * and RADIUS_VERIFY are refused as against the policy). An Access-Request is
 * signed only for a session that has not authenticated, within the
 * authentication rates; a verified Access-Accept authenticates its session.
 */
struct priv_radius;
void priv_check_set_radius(struct priv_check *c, struct priv_radius *r);
/* The parent's kept accounting records (priv_acct.h; borrowed, NULL: ACCT_KEEP refused). */
struct priv_acct;
void priv_check_set_acct(struct priv_check *c, struct priv_acct *pa);

/* The source of challenges (default getrandom): for tests and fuzzing only. */
void priv_check_set_random(struct priv_check *c, void (*fn)(void *ctx, void *buf, size_t len),
			   void *ctx);

/* The parent's own facts. */
/* An L2TP socket handed to the engine (PRIV_EV_SOCKET), of family 4 or 6. */
int priv_check_sock_add(struct priv_check *c, uint32_t sock_id, uint8_t family);
/* A live SA (its inbound mark and peer); -1 with ENOSPC when the table is full. */
int priv_check_sa_up(struct priv_check *c, uint32_t mark, const struct priv_addr *peer);
/* A tunnel as the checker and the parent name it: its handle, the module's, its ID. */
struct priv_check_tref {
	uint32_t handle, dp_handle;
	uint16_t tid;
};
typedef void priv_check_tunnel_fn(void *ctx, const struct priv_check_tref *t);

/*
 * The SA went: its tunnels (and their sessions) are forgotten, fn told each
 * first (fn must not change the checker). O(the SA's tunnels): they are
 * chained by mark.
 */
void priv_check_sa_gone(struct priv_check *c, uint32_t mark, priv_check_tunnel_fn *fn, void *ctx);
/* Forget a tunnel (and its sessions, their addresses) or a session. */
void priv_check_tunnel_gone(struct priv_check *c, uint32_t handle);
void priv_check_session_gone(struct priv_check *c, uint32_t handle, uint16_t sid);
/* The module's handle of an accepted tunnel (the parent names the tunnel by it). */
void priv_check_set_dp_handle(struct priv_check *c, uint32_t handle, uint32_t dp_handle);
/* The tunnel (handle, tid) names, if the engine holds it: false when not. */
bool priv_check_tref(const struct priv_check *c, uint32_t handle, uint16_t tid,
		     struct priv_check_tref *out);

/*
 * Each session the engine holds, of the tunnel with this handle (0: of every
 * tunnel) and with ID sid (0: every one), with the addresses it holds (NULL:
 * none), and each tunnel: for the parent's own cleanup (routes, the module's
 * tunnels).
 */
typedef void priv_check_session_fn(void *ctx, uint16_t tid, uint16_t sid,
				   const struct priv_addr *v4, const struct priv_addr *v6);
void priv_check_each_session(const struct priv_check *c, uint32_t handle, uint16_t sid,
			     priv_check_session_fn *fn, void *ctx);
void priv_check_each_tunnel(const struct priv_check *c, priv_check_tunnel_fn *fn, void *ctx);
/*
 * Each Framed-Route and Framed-IPv6-Route up of the sessions (handle 0, sid
 * 0: all; as above) of family (4, 6; 0: both): network, prefix length,
 * gateway (the session's IPv4 address, or its /64 with its interface
 * identifier). For the parent's cleanup before it forgets them.
 */
typedef void priv_check_froute_fn(void *ctx, const struct priv_addr *net, uint8_t plen,
				  const struct priv_addr *gw);
void priv_check_each_froute(const struct priv_check *c, uint32_t handle, uint16_t sid,
			    int family, priv_check_froute_fn *fn, void *ctx);
/*
 * A session of handle not yet authenticated, with tries left: the challenge
 * its next CHAP or MS-CHAPv2 answer must be to (PAP ignores it). A new
 * engine restarts such a session's PPP with it (the parent's checker as the
 * engine was forked with it); false: authenticated, out of tries, or none.
 */
bool priv_check_session_challenge(const struct priv_check *c, uint32_t handle, uint16_t sid,
				  uint8_t chal[MSCHAP_CHALLENGE_LEN]);
/* The kernel refused an accepted FROUTE_ADD: the route is not up. */
void priv_check_froute_failed(struct priv_check *c, uint32_t handle, uint16_t sid,
			      const struct priv_addr *net, uint8_t plen);
/* Framed-Routes up, in all. */
unsigned int priv_check_froutes(const struct priv_check *c);
/*
 * Where FROUTE_ADD reads the gateway's addresses (froute.h's
 * froute_local_read by default; NULL: that again): for tests.
 */
struct froute_local;
void priv_check_set_froute_local(struct priv_check *c,
				 int (*fn)(void *ctx, struct froute_local *l), void *ctx);

/* How many tunnels (sessions) the engine holds. */
unsigned int priv_check_tunnels(const struct priv_check *c);
unsigned int priv_check_sessions(const struct priv_check *c);
/*
 * The pages of its tables that hold no tunnel, session, SA or address back to
 * the kernel (core/memtrim.h); with none left, entries are taken from the
 * first again.
 */
void priv_check_release(struct priv_check *c);
/*
 * The engine is gone (a new one starts): every tunnel, session and address
 * is forgotten and the request numbers start again; sockets and SAs stay.
 */
void priv_check_engine_gone(struct priv_check *c);

/*
 * Judge one decoded request at now_ms; on PRIV_OK it is recorded and *out
 * (zeroed first) holds the answer's body (address, authentication result).
 * Every other value is a refusal, counted. Secrets in *req are not wiped
 * here: the caller owns req.
 */
enum priv_reason priv_check_request(struct priv_check *c, const struct priv_msg *req,
				    uint64_t now_ms, struct priv_reply *out);

/*
 * One datagram from the engine: decode, judge, and build the reply in *reply
 * (its seq and req_type the request's). A datagram the decoder refuses is
 * counted and gets no reply (*reply->type is 0): a correct engine never sends
 * one, so the parent treats it as compromised. The decoded request, which may
 * hold a password, is wiped; buf is the caller's to wipe.
 */
enum priv_reason priv_check_datagram(struct priv_check *c, const uint8_t *buf, size_t len,
				     uint64_t now_ms, struct priv_msg *reply);

const struct priv_check_stats *priv_check_stats(const struct priv_check *c);

/*
 * What the checker holds of a tunnel and of a session, for the resume store
 * (priv_state.h), which refuses records of anything the checker does not
 * know. By the tunnel's handle and ID, as every request names it (an ID
 * alone is unique per SA or peer only): false when not known.
 */
struct priv_check_tunnel {
	uint32_t mark;
	struct priv_addr sa_peer;	/* family 0: no mark, or its SA is gone */
	struct priv_addr peer;		/* TUNNEL_ADD's: the peer, its tunnel ID, the socket */
	uint16_t peer_port, peer_tid;
	uint32_t sock_id;		/* as PRIV_EV_SOCKET numbers them: 1... */
	bool require_ipsec;
};
struct priv_check_session {
	uint16_t peer_sid;		/* SESSION_ADD's */
	bool authed, has4, has6;
	struct in_addr v4;
	struct in6_addr pfx6;
};
bool priv_check_tunnel_get(const struct priv_check *c, uint32_t handle, uint16_t tid,
			   struct priv_check_tunnel *out);
bool priv_check_session_get(const struct priv_check *c, uint32_t handle, uint16_t tid,
			    uint16_t sid, struct priv_check_session *out);

/*
 * The engine is gone and a new one resumes what keep() keeps of it (the
 * resume store's records: the tunnel t and sid, sid 0 the tunnel itself).
 * Every other session is told to session_gone (with the addresses it held,
 * freed now) and forgotten, then every other tunnel to tunnel_gone (its kept
 * sessions with it); the handles of the kept tunnels stay, and the request
 * numbers start again, as after priv_check_engine_gone.
 */
struct priv_check_resume {
	bool (*keep)(void *ctx, const struct priv_check_tref *t, uint16_t sid);
	void (*session_gone)(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			     const struct priv_addr *v4, const struct priv_addr *v6);
	priv_check_tunnel_fn *tunnel_gone;
	void *ctx;
};
void priv_check_engine_resume(struct priv_check *c, const struct priv_check_resume *r);

/*
 * A reload with tunnels up (docs/ARCHITECTURE.md, "Two processes"): a new
 * checker for cfg and users (borrowed, as for priv_check_new) that carries
 * everything old holds: sockets, SAs, tunnels with their handles, sessions
 * with their authentication, users' static addresses and grants, the request
 * number, the rates' buckets, the hooks (random, local addresses, auth limit,
 * RADIUS: the caller sets new ones) and the counters. Its limits are cfg's;
 * its tables hold what old holds even when cfg's limits are lower (live
 * tunnels and sessions are kept, as a single l2secd keeps them; new ones
 * wait until there is room). A live session keeps its addresses: taken from
 * the new pools that hold them, static (not returned to a pool at its end)
 * when none does, as sess.c's sessions_reload; a Framed-Pool by its name (a
 * name no longer configured: no pool address again). Framed-Routes up stay
 * up (priv_check_froutes_rejudge judges them). old is not changed. NULL with
 * errno (ENOMEM, or the new pools' EINVAL).
 */
struct priv_check *priv_check_reload(const struct priv_check *old, const struct l2sec_config *cfg,
				     const struct users_db *users);
/*
 * After priv_check_reload: each Framed-Route up judged again against the
 * configuration (its pools, RADIUS servers, DAE clients) and the gateway's
 * addresses, as a single l2secd's reload does; one refused goes down here
 * (counted: froute_removed) and fn is told, to remove it from the kernel and
 * log it (why: froute_why_str's). *local_ok false: the gateway's addresses
 * could not be read and the configuration alone judged. Returns how many went.
 */
typedef void priv_check_froute_gone_fn(void *ctx, const struct priv_check_tref *t, uint16_t sid,
				       const struct priv_addr *net, uint8_t plen,
				       const struct priv_addr *gw, const char *why);
unsigned int priv_check_froutes_rejudge(struct priv_check *c, priv_check_froute_gone_fn *fn,
					void *ctx, bool *local_ok);
/* Each session holding an address (v4, v6 /64: NULL when not), with its tunnel. */
typedef void priv_check_held_fn(void *ctx, const struct priv_check_tref *t, uint16_t sid,
				const struct priv_addr *v4, const struct priv_addr *v6);
void priv_check_each_held(const struct priv_check *c, priv_check_held_fn *fn, void *ctx);
/* Does a session hold a (an IPv4 address, or an IPv6 /64 by its first 64 bits)? */
bool priv_check_holds_addr(const struct priv_check *c, const struct priv_addr *a);
/* The pools' size and use, as STATS answers them. */
void priv_check_pool_counts(const struct priv_check *c, struct priv_pool_stats *out);

#endif
