/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's side of the socketpair to the privileged parent
 * (docs/ARCHITECTURE.md, "Two processes"; the messages: priv/priv_msg.h).
 *
 * Requests are blocking calls, as OpenSSH's monitor wrappers are: the engine
 * sends one request and waits for the reply with its sequence number (at most
 * ENGINE_PRIV_TIMEOUT_MS). Events of the parent (EV_*) that arrive meanwhile
 * are queued, at most ENGINE_PRIV_QUEUE of them, and handed to the event
 * callback from the event loop afterwards, never inside a call. A parent that
 * does not answer, answers out of order or floods events is gone or broken:
 * the call fails and engine_priv_broken() says so; the engine then exits and
 * the parent starts a new one.
 *
 * The typed wrappers below have the meaning of the privileged calls they stand
 * for (datapath.h, netdev.h, pool.h, the users db); they return 0 when the
 * parent accepted and carried the request out, -1 otherwise (*why, when
 * given, the checker's reason, PRIV_OK with a kernel's refusal in errno).
 *
 * Single-threaded, on the engine's event loop.
 */
#ifndef L2SECD_ENGINE_PRIV_H
#define L2SECD_ENGINE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/evloop.h"
#include "priv/priv_msg.h"
#include "radius/radius_client.h"

#define ENGINE_PRIV_TIMEOUT_MS	5000
#define ENGINE_PRIV_QUEUE	256
#define ENGINE_PRIV_SA_CACHE	256	/* live SAs the engine remembers (engine_priv_mark_ok) */
#define ENGINE_PRIV_SA_TTL_MS	5000
#define ENGINE_PRIV_RECORDS	16	/* resume records held for one PRIV_BATCH */
#define ENGINE_PRIV_RECORD_BUF	PRIV_BATCH_RECORDS	/* and their octets: one always fits */

struct engine_priv;

typedef void engine_priv_event_fn(void *ctx, const struct priv_msg *ev);

/*
 * Optional: events that can be taken at once, even while a call waits for its
 * reply (an SA into the engine's copy of the SA table): fn returns true when
 * it took ev, false to have it queued and handed to the event callback.
 */
typedef bool engine_priv_now_fn(void *ctx, const struct priv_msg *ev);

/* The engine's end fd (owned from here on); NULL with errno. */
struct engine_priv *engine_priv_new(struct evloop *loop, int fd, engine_priv_event_fn *fn,
				    void *ctx);
void engine_priv_free(struct engine_priv *ep);
void engine_priv_set_now(struct engine_priv *ep, engine_priv_now_fn *fn);
/* The parent is gone or broke the protocol: the engine must exit. */
bool engine_priv_broken(const struct engine_priv *ep);

/* One request (its seq is set here) and its reply; 0, or -1 when no reply came. */
int engine_priv_call(struct engine_priv *ep, struct priv_msg *req, struct priv_reply *out);

/*
 * The wrappers. sock_id: the socket's number as the parent counts them (1...).
 * A tunnel is named by the handle the parent gave it (*handle of
 * engine_priv_tunnel_add) and its ID.
 */
int engine_priv_tunnel_add(struct engine_priv *ep, uint16_t tid, uint16_t peer_tid,
			   uint32_t sock_id, const union sa46 *peer, const union sa46 *local,
			   bool require_ipsec, uint32_t mark, uint32_t *handle);
int engine_priv_tunnel_del(struct engine_priv *ep, uint32_t handle, uint16_t tid);
/*
 * l2secd stops (SIGTERM): from now on the removals (TUNNEL_DEL, SESSION_DEL,
 * ROUTE_DEL, FROUTE_DEL, ADDR_RELEASE) and ACCT_KEEP (the parent exits after
 * the engine, keeping nothing) are not asked: they return 0 at once,
 * and the parent removes everything the engine held when it has exited
 * (priv_parent_engine_gone), as it does after a crash. A round trip each
 * (the parent's netlink under it) for every tunnel closed at once held the
 * event loop past the parent's deadline: 82 tunnels under TCG took over
 * 5 s, and the parent killed the engine mid-StopCCN (55-admit-flood).
 */
void engine_priv_stopping(struct engine_priv *ep);
/* chal: the first CHAP or MS-CHAPv2 challenge of the session, the parent's. */
int engine_priv_session_add(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			    uint16_t peer_sid, uint8_t chal[MSCHAP_CHALLENGE_LEN]);
int engine_priv_session_del(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid);
/*
 * The session's addresses forwarded; route (PRIV_UP_ROUTE4, PRIV_UP_ROUTE6):
 * their host routes first, in the same request (ROUTE_ADD's), and none of
 * them kept when it fails.
 */
int engine_priv_session_up(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			   const struct in_addr *ipv4, const struct in6_addr *pfx64,
			   const uint64_t *ifid, unsigned int route);
int engine_priv_route(struct engine_priv *ep, bool add, uint32_t handle, uint16_t tid,
		      uint16_t sid, int family, const void *dst);
/*
 * A Framed-Route (net family 4) or Framed-IPv6-Route (6) of the session's
 * verified Access-Accept (NET/PLEN), routed through its address of that
 * family (add) or no more: 0, or -1 with errno (EPERM: the parent refused,
 * *why its reason and *froute_why, PRIV_R_FROUTE's, froute.h's enum
 * froute_why; else the kernel's errno).
 */
int engine_priv_froute(struct engine_priv *ep, bool add, uint32_t handle, uint16_t tid,
		       uint16_t sid, const struct priv_addr *net, uint8_t plen,
		       enum priv_reason *why, uint8_t *froute_why);
/* An address (family AF_INET, AF_INET6: a /64) for the session: the user's static one or the pool's. */
int engine_priv_addr_claim(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			   int family, void *out, enum priv_reason *why);
int engine_priv_addr_release(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			     int family, const void *addr);

/*
 * An authentication answer checked by the parent: 0 with *ok, the MS-CHAPv2
 * authenticator response in resp (MSCHAP_AUTH_RESPONSE_LEN) and, after a wrong
 * CHAP or MS-CHAPv2 answer, *has_next and the next challenge in next; the
 * parent's throttle (authlimit.h) in *throttled (refused unchecked) and
 * *hold_ms (how long the Failure of a wrong answer is held back). 1 when
 * the parent refused it for its rate (busy: no verdict, no try spent, the
 * same challenge still valid), -1 on any other refusal or error.
 */
struct engine_priv_auth_out {
	bool throttled;
	uint32_t hold_ms;
};
struct engine_priv_auth {
	unsigned int method;		/* PPP_AUTH_* */
	uint32_t handle;
	uint16_t tid, sid;
	const char *name;
	size_t name_len;
	const uint8_t *challenge;	/* CHAP, MS-CHAPv2 */
	uint8_t id;			/* CHAP-MD5 */
	const uint8_t *value;		/* as struct ppp_answer has it */
	size_t value_len;
};
int engine_priv_auth(struct engine_priv *ep, const struct engine_priv_auth *a, bool *ok,
		     char *resp, bool *has_next, uint8_t next[MSCHAP_CHALLENGE_LEN],
		     struct engine_priv_auth_out *more);

/*
 * Whether mark is a live SA whose peer is src's address (rxcheck's question,
 * for every datagram): the parent's yes is kept for ENGINE_PRIV_SA_TTL_MS, so
 * that a tunnel's traffic asks once in that time (the checker answers at most
 * PRIV_QUERY_RATE a second). An SA that goes within that time is still taken;
 * the module, which checks every datagram's SA itself, does not.
 */
bool engine_priv_mark_ok(struct engine_priv *ep, uint32_t mark, const union sa46 *src);
/* How long a yes is kept (default ENGINE_PRIV_SA_TTL_MS): for tests. */
void engine_priv_set_sa_ttl(struct engine_priv *ep, unsigned int ms);
/* The parent's pools, and (auth not NULL) its authentication throttle's counters. */
int engine_priv_stats(struct engine_priv *ep, struct priv_pool_stats *out,
		      struct priv_auth_stats *auth);
/* STATS' TUN data path counters, the parent's (present false: it carries none). */
int engine_priv_tun_stats(struct engine_priv *ep, struct priv_tun_stats *out);
/* STATS' accounting records the parent keeps for the next engine (priv/priv_acct.h). */
int engine_priv_acct_stats(struct engine_priv *ep, struct priv_acct_stats *out);
/* The parent's SA table's and charon's counters (`show stats`' "ipsec" and "ike"). */
int engine_priv_ipsec_report(struct engine_priv *ep, struct priv_ipsec_report *out);

/*
 * A resume record (priv/priv_state.h) to the parent, numbered here (its seq is
 * set), not answered: 0, or -1 when it was not sent (a record the parent
 * would refuse to decode, or the parent gone: then engine_priv_broken).
 * Records are held (at most ENGINE_PRIV_RECORDS, ENGINE_PRIV_RECORD_BUF
 * octets) and sent in order in one datagram (a PRIV_BATCH, priv_msg.h) with
 * the next request, before a SEND, before the event loop waits
 * (evloop_set_before_wait), or when they fill the hold: the parent reads and
 * checks each as before, and none is behind once the engine sleeps; a
 * setup's records no longer wake the parent one by one. A record coalesces
 * with the held ones (priv_state_fold, issue 19): an object's newer record
 * replaces its held one in place (seq: the held one's number), an ST_GONE
 * takes its object's held records out (and goes itself only when the parent
 * has the object: seq 0 when not), and those after move up a number; what
 * the parent holds once the hold is sent is as if each had gone.
 */
struct priv_state_msg;
int engine_priv_record(struct engine_priv *ep, struct priv_state_msg *m);

/*
 * An L2TP datagram to a peer through an SA (the engine has no CAP_NET_RAW to
 * set SO_MARK): the parent sends it with the mark it recorded for the tunnel
 * (handle and tid; sid: our session of a data message, else 0) or, with no
 * tunnel (handle 0), with mark, the SA the engine answers, once it checked
 * that SA's peer. Not answered: 0 when handed over; -1 with EAGAIN when the
 * socketpair is full (dropped, as a datagram lost: the caller counts it), or
 * another errno (not sent; EPIPE: the parent is gone, engine_priv_broken).
 */
struct engine_priv_send {
	uint32_t handle;
	uint16_t tid, sid;
	uint32_t sock_id;
	const union sa46 *peer, *local;	/* local NULL or AF_UNSPEC: the socket's */
	uint32_t mark;
};
int engine_priv_send(struct engine_priv *ep, const struct engine_priv_send *s,
		     const uint8_t *buf, size_t len);

/*
 * RADIUS (priv/priv_radius.h): the parent signs request p for server of link
 * (PRIV_RADIUS_AUTH: tag is the session, handle << 32 | tid << 16 | sid;
 * PRIV_RADIUS_ACCT: the kept record's number, engine_priv_acct_keep's, or 0),
 * in place: 0 or -errno (-EPERM: refused). It verifies answer a to the
 * request of req_code and req_auth: RADIUS_OK or why not (a refusal counts
 * as a bad authenticator).
 */
int engine_priv_radius_sign(struct engine_priv *ep, unsigned int link, unsigned int server,
			    uint64_t tag, struct radius_pkt *p);
enum radius_err engine_priv_radius_verify(struct engine_priv *ep, unsigned int link,
					  unsigned int server, const struct radius_msg *a,
					  uint8_t req_code, const uint8_t req_auth[RADIUS_AUTH_LEN]);
/*
 * An accounting record of the session of tag (engine_priv_radius_tag) as it is
 * queued, unsigned, for the parent to keep until an answer to it verifies
 * (priv/priv_acct.h): its number, the tag of its tries' signing (link
 * PRIV_RADIUS_ACCT), or 0 when the parent refused it (logged) or is gone.
 * engine_priv_acct_keeper: the same as aaa_opts' acct_keep (ctx: ep).
 */
uint32_t engine_priv_acct_keep(struct engine_priv *ep, uint64_t tag, const struct radius_pkt *p);
uint32_t engine_priv_acct_keeper(void *ctx, uint64_t tag, const struct radius_pkt *p);
/*
 * DAE (RFC 5176) under privsep: the parent verifies request m of
 * [radius] dae-clients' client (RADIUS_OK or why not; a refusal counts as a
 * bad authenticator) and signs answer p to a request it verified, in place
 * (0, or -errno; -EPERM: refused).
 */
enum radius_err engine_priv_dae_verify(struct engine_priv *ep, unsigned int client,
				       const struct radius_msg *m);
int engine_priv_dae_sign(struct engine_priv *ep, unsigned int client, struct radius_pkt *p,
			 const uint8_t req_auth[RADIUS_AUTH_LEN]);
/*
 * The module's counters of a session of the engine's (the parent reads them):
 * 0, or -1 (refused, the rate, or the module's error).
 */
int engine_priv_counters(struct engine_priv *ep, uint32_t handle, uint16_t tid, uint16_t sid,
			 struct priv_counters *out);
/* Those four as a RADIUS client's signer for link (valid while ep is). */
void engine_priv_radius_signer(struct engine_priv *ep, unsigned int link,
			       struct radius_signer *out);
/* The session's tag for engine_priv_radius_sign. */
static inline uint64_t engine_priv_radius_tag(uint32_t handle, uint16_t tid, uint16_t sid)
{
	return (uint64_t)handle << 32 | (uint32_t)tid << 16 | sid;
}

#endif
