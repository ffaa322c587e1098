/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPP over the LNS's sessions: the daemon's PPP layer.
 *
 * One struct sess per established L2TP session. It owns the PPP engine
 * (ppp.h) and what the engine's callbacks hand out: the user's secret from
 * the users file, the client's IPv4 address (pool or static), its IPv6 /64,
 * the module's session state and the route through the data device.
 * Everything is undone, in reverse, when PPP or the L2TP session goes down.
 *
 * Two data paths behind one interface (datapath.h), picked once at start
 * (server.c); this layer does not ask which:
 *  - kernel: l2sec.ko carries IPv4/IPv6 once the session is up; only LCP,
 *    authentication and the NCPs reach the daemon;
 *  - tun: l2secd carries every packet itself between the L2TP socket and a
 *    TUN device of the same name, through the data path's switch
 *    (datapath/tunpump.h), which checks and counts as the module does; only
 *    the same control frames reach this layer (slower, same behaviour).
 * A client's packet with a source that is not its own is dropped and counted
 * by the data path, whichever it is.
 *
 * Lifetime (single-threaded, on the event loop): a sess is created by the
 * LNS's established() hook and freed either by closed() (the L2TP side went
 * first) or after the engine reported down (then the L2TP session is closed
 * with a CDN from here). l2tp_session->ppp points to the sess while it lives;
 * it is cleared before the L2TP session is closed so closed() finds nothing.
 * Freeing the sess in closed() is safe because closed() never runs inside an
 * engine call: the engine reaches the LNS only through l2tp_session_send_ppp(),
 * which never closes anything, and a CDN the LNS cannot queue closes the
 * tunnel from a timer (the teardown rule in l2tp_lns.h). Hence the rule here:
 * an engine callback never closes the session itself; it sets x->fail, and
 * sess_after() ends the session once the engine returned.
 */
#ifndef L2SECD_SESS_H
#define L2SECD_SESS_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "aaa.h"
#include "conf/config.h"
#include "core/evloop.h"
#include "l2tp/l2tp_lns.h"

struct authlimit_stats;
struct datapath;
struct netdev;
struct users_db;
struct users_entry;

struct sess_stats {
	uint64_t up, down, auth_failures, no_address;
	uint64_t auth_busy;		/* answers the privsep parent left unchecked (its rate) */
	uint64_t ra_sent;
	uint64_t rs_received;		/* Router Solicitations (l2sec.ko passes them up) */
	uint64_t rs_ratelimited;	/* Router Solicitations an RA already due answers */
	uint64_t froute_added, froute_refused;	/* RADIUS Framed-Routes (froute.h) */
	uint64_t froute_removed;	/* by a reload whose configuration refuses them */
	uint64_t froute_del_failed;	/* the kernel kept one: held, tried again (froute_stale) */
	uint64_t froute_stale;		/* such routes now (a gauge) */
};

struct sessions;

/*
 * dp: the data path (datapath.h), whichever it is; its packets for clients
 * come here until sessions_free(). nd: the data device, for the routes to
 * the clients. The users db is owned by the sessions layer from here on;
 * cfg must stay valid (it points to the daemon's configuration, replaced in
 * place on reload).
 */
struct sessions *sessions_new(struct evloop *loop, const struct l2sec_config *cfg,
			      struct users_db *users, struct datapath *dp, struct netdev *nd);
/* Hang every session up at once (lower down, no PPP sent) and free it all. */
void sessions_free(struct sessions *ss);

/* The LNS's PPP hooks; arg is the struct sessions. */
extern const struct l2tp_session_ops sessions_l2tp_ops;

/*
 * After a configuration reload (cfg already replaced): a new users db
 * (NULL keeps the current one) and pools rebuilt from the new ranges; live
 * sessions keep their addresses. New sessions get the new PPP settings.
 */
int sessions_reload(struct sessions *ss, struct users_db *users);

/*
 * A single l2secd (the layer holds nd): the pools' routes through nd
 * (poolrt.h), instead of a host route for each session inside them; a
 * reload changes them with the pools. Called once, before any session;
 * without it every session gets a host route. 0, or -1 (out of memory).
 */
int sessions_pool_routes(struct sessions *ss);

const char *sessions_datapath(const struct sessions *ss);	/* "kernel" or "tun" */

/*
 * Is a an up session's IPv4 address? Then 1, with *mtu the largest packet
 * its link takes (the peer's MRU); else 0.
 */
int sessions_find_ipv4(const struct sessions *ss, struct in_addr a, unsigned int *mtu);
/*
 * The users file entry, in the users db in force (so after a reload, the
 * new one), of the user of the up session holding a; NULL when no up
 * session holds a or its user is no longer in the file.
 */
const struct users_entry *sessions_user_ipv4(const struct sessions *ss, struct in_addr a);
/*
 * The DHCPINFORM answer's values for the up session holding a: its split
 * tunnel (the RADIUS server's, else its users file entry's, key by key over
 * [ppp]) and DNS servers (the server's, else [ppp] dns); the [ppp] values
 * when no up session holds a. Pointers into cfg and the session: use at once.
 */
struct dhcp_answer;
void sessions_dhcp_answer(const struct sessions *ss, struct in_addr a,
			  const struct l2sec_config *cfg, struct dhcp_answer *out);
/*
 * A warning about what the session holding a asked for (a client may ask in
 * a loop): true at most once per interval_ms for that session, false when
 * no session holds a.
 */
bool sessions_warn_ok(struct sessions *ss, struct in_addr a, uint64_t interval_ms);
const struct sess_stats *sessions_stats(const struct sessions *ss);
/* The authentication throttle's counters (authlimit.h); under privsep the parent's, asked now. */
const struct authlimit_stats *sessions_auth_stats(struct sessions *ss);
/*
 * The TUN data path's counters (datapath.h): this process's switch, or under
 * privsep the parent's, asked now; NULL on the kernel data path (l2sec.ko's
 * are `l2sec stats`) or when the parent did not answer.
 */
struct datapath_tun_stats;
const struct datapath_tun_stats *sessions_tun_stats(struct sessions *ss);

/*
 * For the control socket: the PPP user name of session s as "user" of
 * sessions_describe has it ("" before the client named one), or NULL when
 * it has no PPP. No allocation, no system call: a listing's filter by user
 * (ctl.c) asks it of every session before it describes the few that match.
 */
const char *sessions_user(const struct sessions *ss, const struct l2tp_session *s);
/*
 * For the control socket: does session s hold the address a of family
 * (AF_INET: 4 octets, its IPv4 address; AF_INET6: 16, one in its /64), as
 * "ipv4" and "ipv6_prefix" of sessions_describe say?  As sessions_user: a
 * listing's filter by address asks it of every session.
 */
bool sessions_has_address(const struct sessions *ss, const struct l2tp_session *s, int family,
			  const void *a);
/*
 * For the control socket: PPP facts of one L2TP session, added to o; with
 * counters its data counters too (a read of the data path, under privsep a
 * round trip to the parent).
 */
void sessions_describe(const struct sessions *ss, const struct l2tp_session *s, bool counters,
		       struct json_object *o);
/*
 * privsep (engine/engine_priv.h): the privileged parent holds the pools, the
 * secrets, the module and the routes; the layer asks it for each. The first
 * challenge of a session is the parent's answer to SESSION_ADD, handed over
 * before the LNS's established() hook.
 */
struct engine_priv;
void sessions_set_priv(struct sessions *ss, struct engine_priv *ep);
void sessions_first_challenge(struct sessions *ss, uint16_t tid, uint16_t sid,
			      const uint8_t chal[16]);
/*
 * privsep, a new engine resuming a dead one's (docs/ARCHITECTURE.md, "Resuming
 * after the engine dies"): the PPP session of an imported L2TP session from
 * its record (ppp/ppp_snap.h), with the IPv6 /64 it held (NULL: none) and its
 * RADIUS state (acct, NULL: none: its accounting goes on with the Start's
 * Acct-Session-Id, no second Start; priv/priv_state.h). The
 * parent still holds its addresses, routes and the module's session: nothing
 * is asked or sent. Each opened NCP sends the session's record to the parent.
 * 0, or -1 with errno (EINVAL: a record this configuration cannot take;
 * EEXIST: the session or an address is taken; ENOMEM).
 */
struct ppp_rec;
struct priv_state_acct;
int sessions_import(struct sessions *ss, struct l2tp_session *ls, const struct ppp_rec *r,
		    const struct in6_addr *pfx6, const struct priv_state_acct *acct);
/*
 * privsep: a resumed L2TP session whose PPP had not authenticated when the
 * engine died starts PPP again from LCP, with chal, the challenge the parent
 * holds for its next answer (the parent's checker as the engine was forked
 * with it). The client in any LCP state takes our Configure-Request as RFC
 * 1661 says: negotiation or a renegotiation (from Opened), then the
 * authentication again. -1 with errno (EEXIST: it has PPP; ENOMEM).
 */
int sessions_restart(struct sessions *ss, struct l2tp_session *ls,
		     const uint8_t chal[16]);

/*
 * Under privsep, after sessions_import: the Framed-Routes the parent holds up
 * for the session (its checker's record, at most RADIUS_MAX_ROUTES), so that
 * the resumed session shows them and takes them down as any. 0, or -1 with
 * errno (ENOENT: no such PPP session; EINVAL: not under privsep; ENOMEM).
 */
struct radius_route;
int sessions_import_froutes(struct sessions *ss, struct l2tp_session *ls,
			    const struct radius_route *r, unsigned int n);

/*
 * RADIUS (aaa.h): the PPP answers go to it as [radius] auth-source says;
 * NULL: the users file alone. The layer does not own aaa.
 */
struct aaa;
void sessions_set_aaa(struct sessions *ss, struct aaa *aaa);
/* RADIUS servers' state and counters, added to o (nothing without RADIUS). */
void sessions_describe_aaa(const struct sessions *ss, struct json_object *o);
/*
 * Accounting's hooks: the L2TP session is about to leave the data path (its
 * counters read now, for the Stop); why a session will end (the first cause
 * given wins: an admin's delete, before the close it causes); l2secd stops
 * (sessions then end with NAS-Request).
 */
struct l2tp_session;
void sessions_session_going(struct sessions *ss, struct l2tp_session *ls);
void sessions_end_cause(struct sessions *ss, struct l2tp_session *ls,
			enum aaa_term_cause cause);
/* The same for every session of tunnel t. */
void sessions_end_cause_tunnel(struct sessions *ss, const struct l2tp_tunnel *t,
			       enum aaa_term_cause cause);
void sessions_stopping(struct sessions *ss);

/* Address pool usage, added to o. */
void sessions_describe_pools(const struct sessions *ss, struct json_object *o);

#endif
