/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L2TPv2 LNS (RFC 2661): the instance that owns every tunnel and session,
 * receives every datagram of the 1701 socket(s) and dispatches it.
 *
 * Everything outside the protocol reaches it through struct l2tp_lns_ops
 * (socket send, kernel programming, randomness) and struct l2tp_session_ops
 * (the PPP layer), so unit tests and fuzz targets run it with a fake socket,
 * a fake kernel and a fake clock.
 *
 * Ownership and lifetime (single-threaded, all on the event loop):
 *  - the lns owns its tunnels (tunnel list and tunnels[] by local ID, indexed
 *    by peer and by SA mark while not closing);
 *  - a tunnel owns its sessions (its session list); session IDs are local to
 *    their tunnel (RFC 2661): the LNS's session index is keyed by (tunnel ID,
 *    session ID), another by (tunnel ID, peer's session ID);
 *  - the teardown rule: nothing is freed inside a call chain that may still
 *    use it. Closing only marks and unlinks: a closed session is out of every
 *    lookup (session list, indexes), out of the kernel and the PPP layer at
 *    once, in state SESSION_CLOSED, and its memory goes on lns->dead, freed
 *    by a zero-delay timer (reap_timer) after the current callback returned;
 *    closing it again is a no-op. A tunnel is freed only from its own free
 *    timer (after the StopCCN linger). A control message that cannot be
 *    queued (full queue) never closes the tunnel in the sender's chain: the
 *    tunnel is marked (close_pending) and closed from a zero-delay timer.
 *    So a caller may keep a session or tunnel pointer across any close, as
 *    long as it checks the state before using it for more than that.
 */
#ifndef L2SECD_L2TP_LNS_H
#define L2SECD_L2TP_LNS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "core/evloop.h"
#include "core/sa46.h"
#include "core/htab.h"
#include "core/logrl.h"
#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_config.h"
#include "l2tp/l2tp_ctrl.h"

struct l2tp_tunnel;
struct l2tp_session;
struct l2tp_admit;
struct l2tp_admit_entry;
struct l2tp_secret;

/* Where a datagram came from, and so where its replies go. */
struct l2tp_peer {
	union sa46 addr;		/* the peer's address and port */
	union sa46 local;		/* our address it was sent to (port unused; AF_UNSPEC: not known) */
	uint32_t mark;			/* SA mark of the datagram (SO_RCVMARK), 0: none */
	int sock;			/* which listening socket */
};

/* What l2tp_lns_ops.snap is told (l2tp/l2tp_snap.h: the resume records). */
enum l2tp_snap_event {
	L2TP_SNAP_UP,		/* established: export its record */
	L2TP_SNAP_SEQ,		/* a tunnel's Ns, Nr or messages in flight changed */
	L2TP_SNAP_GONE,		/* left the established state (a tunnel's: its sessions too) */
};

struct l2tp_lns_ops {
	/*
	 * One datagram to peer: t is the tunnel it belongs to (NULL: none, a
	 * stateless or stale reply), sid our session's ID for a data message
	 * (0: a control message), so that the owner can name them (privsep).
	 */
	int (*send)(void *env, const struct l2tp_peer *peer, const struct l2tp_tunnel *t,
		    uint16_t sid, const uint8_t *buf, size_t len);
	/*
	 * Kernel programming: add returns 0 when the kernel now carries the
	 * tunnel or session (in_kernel), > 0 when there is nothing to program
	 * (the data path is l2secd's own), < 0 when it refused; NULL members:
	 * nothing to program.
	 */
	int (*tunnel_add)(void *env, struct l2tp_tunnel *t);
	void (*tunnel_del)(void *env, struct l2tp_tunnel *t);
	int (*session_add)(void *env, struct l2tp_session *s);
	void (*session_del)(void *env, struct l2tp_session *s);
	uint32_t (*random)(void *env);
	/*
	 * Optional: tunnel t (s NULL) or its session s reached, changed or left
	 * the established state, for the records a restarted engine resumes
	 * from (l2tp/l2tp_snap.h). Called often (SEQ after every exchange): the
	 * owner may coalesce. Must not call back into the LNS. Never called
	 * from l2tp_lns_free: an engine going away keeps its records.
	 */
	void (*snap)(void *env, enum l2tp_snap_event ev, struct l2tp_tunnel *t,
		     struct l2tp_session *s);
};

/*
 * The PPP layer's hooks. established(): the session may carry PPP now.
 * ppp_input(): a PPP frame that arrived as an L2TP data message (what the
 * kernel did not take: LCP, authentication, IPCP...), exactly the bytes after
 * the L2TP header (address/control field included when the peer sent it),
 * in the receive buffer, which the PPP layer may wipe (authentication).
 * closed(): the session is going away (CDN received or to be sent, tunnel
 * closing); it is already unlinked and out of the kernel. The PPP layer must
 * drop its state, must not call back into the LNS from here, and must not
 * touch the session afterwards (its memory lives until the callback returns).
 */
struct l2tp_session_ops {
	void (*established)(void *arg, struct l2tp_session *s);
	void (*ppp_input)(void *arg, struct l2tp_session *s, uint8_t *frame, size_t len);
	void (*closed)(void *arg, struct l2tp_session *s);
};

enum l2tp_tunnel_state {
	TUNNEL_WAIT_CTL_CONN,	/* SCCRP sent, waiting for SCCCN */
	TUNNEL_ESTABLISHED,
	TUNNEL_CLOSING,		/* StopCCN sent or received: acks only, then freed */
};

enum l2tp_session_state {
	SESSION_WAIT_CONNECT,	/* ICRP sent, waiting for ICCN */
	SESSION_ESTABLISHED,
	SESSION_CLOSED,		/* unlinked from everything; freed after the callback */
};

struct l2tp_session {
	struct l2tp_tunnel *tunnel;
	struct l2tp_session *prev, *next;	/* in tunnel->sessions; next: lns->dead too */
	struct htab_node id_node;	/* lns->sessions: (tid, sid) */
	struct htab_node peer_node;	/* lns->peer_sessions: (tid, peer_sid) */
	enum l2tp_session_state state;
	uint16_t sid, peer_sid;
	uint32_t call_serial;
	uint32_t tx_speed, rx_speed, framing_type;
	bool in_kernel;
	bool close_quiet;		/* our close at info: the PPP layer logged the end */
	uint64_t created_ms;
	uint32_t accm_send, accm_recv;	/* from SLI */
	uint32_t call_errors[6];	/* from WEN: CRC, framing, HW overruns, buffer overruns, timeouts, alignment */
	uint64_t rx_ppp, tx_ppp;	/* PPP frames through the daemon */
	void *ppp;			/* the PPP layer's state */
	struct ev_timer setup_timer;	/* ICRQ -> ICCN: session-setup-timeout */
};

/*
 * How a tunnel was lost, for its sessions' accounting (Acct-Terminate-Cause):
 * the peer went silent (retransmission limit, or no StopCCN could go), or
 * its IPsec SA left charon's table.
 */
enum l2tp_lost {
	L2TP_LOST_NONE,
	L2TP_LOST_PEER,
	L2TP_LOST_SA,
};

/* The peer's Host Name and Vendor Name as a tunnel keeps them (printable, at most 63 each). */
#define L2TP_PEER_NAME_MAX 63

/* Members ordered by size: no holes. */
struct l2tp_tunnel {
	struct l2tp_lns *lns;
	struct l2tp_tunnel *prev, *next;
	struct htab_node tid_node;	/* lns->by_tid: (origin, tid), while linked */
	struct htab_node id_node;	/* lns->by_id: tid alone, while linked */
	struct htab_node peer_node;	/* lns->by_peer, while indexed */
	struct htab_node mark_node;	/* lns->by_mark, while indexed and mark != 0 */
	struct l2tp_tunnel *ho_prev, *ho_next;	/* lns->ho_head: SA-less, not up yet */
	struct l2tp_peer peer;
	/*
	 * The peer's Host Name, then its Vendor Name, each NUL-terminated, in one
	 * allocation of their length (NULL: both empty); l2tp_tunnel_peer_host()
	 * and l2tp_tunnel_peer_vendor() read them.
	 */
	char *peer_names;
	/* the secret in force when the tunnel started, shared (l2tp_secret.h); NULL: none */
	struct l2tp_secret *secret;
	char *close_text;		/* the close_pending reason, then the silent close's
					 * (allocated while needed; NULL: none) */
	uint64_t created_ms;
	struct l2tp_ctrl ctrl;
	struct l2tp_session *sessions;
	struct ev_timer hello_timer;	/* HELLO after silence; setup timeout before SCCCN;
					 * the deferred close (close_pending) */
	struct ev_timer free_timer;	/* frees the tunnel: linger after StopCCN */
	/* admission (l2tp_admit.c): the peers it is counted under, pinned while it lives */
	struct l2tp_admit_entry *adm_src, *adm_sa;
	uint8_t challenge[16];		/* ours, sent in SCCRP when a secret is set */
	enum l2tp_tunnel_state state;
	uint32_t peer_framing, peer_bearer;
	uint32_t dp_handle;		/* the data path's name of it (l2sec.ko's handle; the privsep parent's) */
	unsigned int hello_ms;
	enum l2tp_lost lost;		/* the tunnel was lost, not closed by either side */
	unsigned int n_sessions;
	uint16_t tid, peer_tid;
	uint16_t result, error;		/* why it closed */
	bool indexed;			/* in by_peer (and by_mark): not closing */
	bool on_ho;
	bool require_ipsec;
	bool in_kernel;
	bool close_pending;		/* a send failed: closed from hello_timer at once */
	bool stop_owed;			/* closed with no StopCCN: the peer's next message gets one */
	bool adm_half_open, adm_counted;
	bool close_quiet;		/* its close logged at info: admission logged it per
					 * peer, shutdown counts it in one line, or the
					 * peer's StopCCN asked for a clear */
};

/* The peer's Host Name and Vendor Name from its SCCRQ (or record); "" when none. */
static inline const char *l2tp_tunnel_peer_host(const struct l2tp_tunnel *t)
{
	return t->peer_names ? t->peer_names : "";
}

static inline const char *l2tp_tunnel_peer_vendor(const struct l2tp_tunnel *t)
{
	return t->peer_names ? t->peer_names + strlen(t->peer_names) + 1 : "";
}

struct l2tp_lns_stats {
	uint64_t rx_packets, rx_bad_header, rx_unknown_tunnel, rx_wrong_peer;
	uint64_t rx_malformed, rx_ignored, rx_wrong_state;
	uint64_t sccrq_rate_limited, sccrq_refused, tunnels_established, tunnels_auth_failed;
	uint64_t tunnels_timed_out, sessions_refused, sessions_established;
	uint64_t rx_data, rx_data_dropped, tx_errors;
	/* tunnels of a previous run (l2tp_stale.h) */
	uint64_t stale_stopccn, stale_probes, stale_rate_limited;
	/* StopCCNs owed by tunnels closed silently (SA gone), sent on the peer's next message */
	uint64_t late_stopccn;
	/* imported from the records of an engine that died (l2tp_snap.h), and refused */
	uint64_t tunnels_resumed, sessions_resumed, resume_refused;
};

struct l2tp_lns {
	struct evloop *loop;
	const struct l2tp_config *cfg;	/* current; new tunnels take their values from it */
	const struct l2tp_lns_ops *ops;
	void *env;
	const struct l2tp_session_ops *sops;
	void *sops_arg;
	/*
	 * Tunnels by (origin, local tunnel ID): a tunnel's ID is unique for its
	 * origin only, its SA (require-IPsec with an SA mark) or else its peer's
	 * address and port, as l2sec.ko keys them (l2tp_lns.c, origin_key).
	 */
	struct htab by_tid;
	struct htab by_id;			/* by local tunnel ID alone: IDs repeat */
	struct htab sessions;			/* by (tunnel, session ID) */
	struct htab peer_sessions;		/* by (tunnel, the peer's session ID) */
	struct htab by_peer;			/* live tunnels by (peer, SA, peer's tunnel ID) */
	struct htab by_mark;			/* live tunnels by SA mark (mark != 0) */
	/* half-open tunnels without an SA, oldest first: what max-half-open displaces */
	struct l2tp_tunnel *ho_head, *ho_tail;
	uint64_t id_probes;			/* IDs and bitmap words tried: for tests */
	struct l2tp_tunnel *tunnel_list;	/* newest first */
	struct l2tp_lns_cursor *cursors;	/* walks paused between callbacks */
	unsigned int n_tunnels, n_half_open, n_sessions;
	struct l2tp_admit *admit;		/* per-peer accounting (l2tp_admit.h) */
	struct l2tp_secret *secret;		/* cfg->secret's, for new tunnels (l2tp_lns_secret) */
	struct l2tp_bucket sccrq_bucket;	/* all peers together: sccrq-rate */
	bool shutting_down;
	struct l2tp_session *dead;		/* closed sessions, freed by reap_timer */
	struct ev_timer reap_timer;		/* zero-delay: runs after the current callback */
	int state_fd;				/* the tunnel state file, -1: none */
	struct l2tp_stale *stale;		/* the previous run's tunnels, by tid */
	unsigned int n_stale;
	struct ev_timer stale_timer;		/* forgets them */
	struct ev_timer stale_sweep;		/* probes their peers unasked */
	uint64_t stale_tokens, stale_last_ms;	/* their answers' global bucket */
	/*
	 * The lines any peer's datagram can cause before it has a tunnel, each
	 * limited (core/logrl.h); here, not at the call site, so a new LNS (a
	 * test's) starts with full buckets. The stats count every refusal.
	 */
	struct {
		struct logrl rate;		/* sccrq-rate reached */
		struct logrl bad;		/* malformed SCCRQ or no tunnel */
		struct logrl refused;		/* bad version, max-tunnels, max-half-open */
		struct logrl no_secret;		/* a challenge and no secret */
		struct logrl wrong_peer;	/* a tunnel's ID from another peer */
	} rl;
	struct l2tp_lns_stats stats;
};

struct l2tp_lns *l2tp_lns_new(struct evloop *loop, const struct l2tp_config *cfg,
			      const struct l2tp_lns_ops *ops, void *env);
/* Frees every tunnel and session without a word to the peers (not from a callback). */
void l2tp_lns_free(struct l2tp_lns *lns);
/*
 * The configuration new tunnels take their values from; call it again when
 * *cfg changed (a reload): the LNS lets go of the previous secret (live
 * tunnels keep theirs).
 */
void l2tp_lns_set_config(struct l2tp_lns *lns, const struct l2tp_config *cfg);
/*
 * A reference to the secret in force (cfg->secret), for a new tunnel: *out
 * NULL when none is configured; -1 when there is one but no memory for it.
 * Tunnels created under the same secret share one object (l2tp_secret.h).
 */
int l2tp_lns_secret(struct l2tp_lns *lns, struct l2tp_secret **out);
void l2tp_lns_set_session_ops(struct l2tp_lns *lns, const struct l2tp_session_ops *sops,
			      void *arg);
/* One datagram from a listening socket; buf is modified (hidden AVPs). */
void l2tp_lns_input(struct l2tp_lns *lns, uint8_t *buf, size_t len,
		    const struct l2tp_peer *peer);
/* StopCCN (result 6) to every tunnel; refuse new ones. */
void l2tp_lns_shutdown(struct l2tp_lns *lns);
/* Every StopCCN we sent is acknowledged (or its peer gave up). */
bool l2tp_lns_quiescent(const struct l2tp_lns *lns);

/*
 * What the rest of l2secd may do with the LNS's tunnels and sessions (its
 * lists and ID tables are its own; nothing outside l2tp/ walks them):
 * look one up, visit each, close those of an SA, count them.
 */
struct l2tp_lns_counts {
	unsigned int tunnels, half_open, sessions;
};

/*
 * The one tunnel with ID tid (closing ones too), or NULL: none, or more than
 * one (IDs are unique per origin only; *ambiguous then, when not NULL).
 */
struct l2tp_tunnel *l2tp_lns_tunnel(const struct l2tp_lns *lns, uint16_t tid);
struct l2tp_tunnel *l2tp_lns_tunnel_by_id(const struct l2tp_lns *lns, uint16_t tid,
					  bool *ambiguous);
/* The tunnel with ID tid whose data path names it dp_handle (a privsep engine's: the parent's). */
struct l2tp_tunnel *l2tp_lns_tunnel_by_handle(const struct l2tp_lns *lns, uint16_t tid,
					      uint32_t dp_handle);
/* The tunnel a datagram from peer with tunnel ID tid names (its SA's, else its address's). */
struct l2tp_tunnel *l2tp_lns_tunnel_of(const struct l2tp_lns *lns, const struct l2tp_peer *peer,
				       uint16_t tid);
/* Session sid of tunnel l2tp_lns_tunnel(tid), or NULL (also when sid is another tunnel's). */
struct l2tp_session *l2tp_lns_session(const struct l2tp_lns *lns, uint16_t tid, uint16_t sid);
/* Session sid (by our ID) of tunnel t, or NULL. */
struct l2tp_session *l2tp_tunnel_session(const struct l2tp_tunnel *t, uint16_t sid);

/*
 * Every tunnel, newest first: for (t = l2tp_lns_first_tunnel(lns); t; t = next)
 * with next = l2tp_lns_next_tunnel(t) taken before t may be closed (closing
 * only marks and unlinks, the teardown rule above). Closing one tunnel must
 * not close another. Sessions are walked by a cursor (below).
 */
struct l2tp_tunnel *l2tp_lns_first_tunnel(const struct l2tp_lns *lns);
struct l2tp_tunnel *l2tp_lns_next_tunnel(const struct l2tp_tunnel *t);

/*
 * A walk over the tunnels, or over the sessions, that pauses between
 * event-loop callbacks: the control socket streams `show sessions` a chunk
 * at a time (ctl.c), and a tunnel or a session may be freed before the walk
 * comes back. The LNS keeps its cursors on a list: l2tp_lns_unlink_tunnel
 * moves a cursor whose next tunnel it is unlinking on to the one after, and
 * forgets the rest of that tunnel's sessions; l2tp_lns_unlink_session moves
 * a cursor whose next session it is unlinking on to the one after. So a
 * cursor never holds a freed tunnel or session. The walk visits the tunnels
 * (sessions) linked when it started that are still there when it reaches
 * them (new ones are linked at the head of their list, behind it), each
 * once. Unlinking costs one look at each cursor: keep them few (ctl.c: one
 * per control client, at most 16).
 */
struct l2tp_lns_cursor {
	struct l2tp_lns *lns;		/* NULL: not started, or stopped */
	struct l2tp_tunnel *next;	/* the tunnel the walk visits next; NULL: the end */
	/* a walk over the sessions: the next one of the tunnel it is in; NULL: none */
	struct l2tp_session *sess;
	struct l2tp_lns_cursor *link;	/* lns->cursors */
};

void l2tp_lns_cursor_start(struct l2tp_lns *lns, struct l2tp_lns_cursor *c);
/* The next tunnel of the walk, or NULL at its end. */
struct l2tp_tunnel *l2tp_lns_cursor_next(struct l2tp_lns_cursor *c);
/*
 * The next session of the walk (its tunnel is s->tunnel), or NULL at its
 * end; tunnels without sessions are passed over. One walk is over tunnels
 * or over sessions, not both.
 */
struct l2tp_session *l2tp_lns_cursor_next_session(struct l2tp_lns_cursor *c);
/* Has the walk anything left to visit? */
static inline bool l2tp_lns_cursor_more(const struct l2tp_lns_cursor *c)
{
	return c->next || c->sess;
}
/* Off the LNS's list; a cursor not started or stopped already is left alone. */
void l2tp_lns_cursor_stop(struct l2tp_lns_cursor *c);

/*
 * Close every tunnel bound to SA mark (mark != 0) that is not closing yet,
 * as l2tp_tunnel_close(t, send, result, 0, text) does; fn, when not NULL,
 * is told of each just before (to log it). Returns how many were closed.
 * Each is marked lost with its SA (L2TP_LOST_SA): the callers' reason.
 */
typedef void l2tp_tunnel_fn(void *ctx, const struct l2tp_tunnel *t);
unsigned int l2tp_lns_close_mark(struct l2tp_lns *lns, uint32_t mark, bool send, uint16_t result,
				 const char *text, l2tp_tunnel_fn *fn, void *ctx);

void l2tp_lns_counts(const struct l2tp_lns *lns, struct l2tp_lns_counts *c);

/*
 * A random tunnel ID unused by the origin a tunnel from peer would have
 * (require_ipsec: its t->require_ipsec), never a previous run's; 0: none
 * left. 32 random probes for an ID no tunnel holds (while there are some,
 * IDs stay unique in the LNS: tools and the control socket name tunnels by
 * ID), then 32 for one the origin does not hold, then, for an origin that
 * holds most of its 65,535 (which admission's limits per SA and per address
 * keep rare), every ID from a random one: at most 65,535 lookups.
 */
uint16_t l2tp_lns_alloc_tid(struct l2tp_lns *lns, const struct l2tp_peer *peer,
			    bool require_ipsec);
/*
 * A random session ID unused in tunnel t; 0 when a bounded number of random
 * probes found none (only a tunnel holding most of its 65,535 IDs sees it).
 */
uint16_t l2tp_tunnel_alloc_sid(struct l2tp_tunnel *t);
/* A closed session's memory: freed by the loop once the current callback returned. */
void l2tp_lns_defer_free(struct l2tp_lns *lns, struct l2tp_session *s);
bool l2tp_peer_match(const struct l2tp_peer *a, const struct l2tp_peer *b);
const char *l2tp_peer_str(const struct l2tp_peer *peer, char *buf, size_t len);
int l2tp_lns_send(struct l2tp_lns *lns, const struct l2tp_peer *peer,
		  const struct l2tp_tunnel *t, uint16_t sid, const uint8_t *buf, size_t len);
/* Tell the owner (ops->snap) when it listens. */
static inline void l2tp_lns_snap(struct l2tp_lns *lns, enum l2tp_snap_event ev,
				 struct l2tp_tunnel *t, struct l2tp_session *s)
{
	if (lns->ops->snap)
		lns->ops->snap(lns->env, ev, t, s);
}

#endif
