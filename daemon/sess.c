// SPDX-License-Identifier: GPL-2.0
/* The daemon's PPP layer: one PPP engine per L2TP session, and what it hands out. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "aaa.h"
#include "auth/authlimit.h"
#include "datapath/datapath.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/htab.h"
#include "core/log.h"
#include "core/logrl.h"
#include "datapath/netdev.h"
#include "addr/dhcp.h"
#include "addr/pool.h"
#include "ppp/ppp.h"
#include "addr/ra.h"
#include "ctl_proto.h"
#include "datapath/kern.h"
#include "sess.h"
#include "conf/users.h"
#include "core/util.h"
#include "engine/engine_priv.h"
#include "route/froute.h"
#include "ppp/ppp_snap.h"
#include "priv/priv_state.h"
#include "poolrt.h"
#include "privtun.h"

#define RA_LIFETIME_S	1800		/* three RA_INTERVAL_MS (addr/ra.h) */

/* Members by size (a gateway holds many): no holes. */
struct sess {
	struct sessions *ss;
	struct l2tp_session *l2tp;	/* NULL once the L2TP side is gone */
	struct ppp_session *ppp;
	struct sess *prev, *next;	/* ss->list */
	struct htab_node node4, node6;	/* ss->by_ipv4 / ss->by_pfx6 */
	struct ev_timer timer;		/* the engine's next deadline */
	struct ev_timer ra_timer;
	struct ra_pace ra_pace;		/* RAs at most every 3 s (RFC 4861) */
	uint64_t warned_ms;		/* sessions_warn_ok() said yes then */
	struct pool *ipv4_pool;		/* the pool it belongs to (put back on down); NULL: none */
	uint64_t local_id6;
	uint64_t peer_id6;		/* valid when has_id6: IPv6CP is up */
	uint64_t auth_req;		/* RADIUS: the Access-Request waiting (aaa.h), 0: none */
	/*
	 * RADIUS: the Framed-Pool of the Accept being applied ("": none), for the
	 * address the engine asks for inside ppp_auth_done(); NULL otherwise
	 */
	const char *rpool;
	/* the server's split tunnel for DHCPINFORM (l2sec's attributes); NULL: none */
	struct users_split_own *rsplit;
	struct sess_froutes *fr;	/* the server's Framed-Routes; NULL: none */
	char *rclass;			/* the server's Class, printable or "0x" hex; NULL */
	struct ev_timer limit_timer;	/* the server's Session-Timeout */
	/* Idle-Timeout: the server's, else [ppp] idle-timeout; 0: none */
	uint64_t idle_ms;
	struct ev_timer idle_timer;	/* the next look at the data path's counters */
	uint64_t idle_rx;		/* packets from the client at the last look ... */
	uint64_t idle_since;		/* ... and when they last moved */
	uint64_t limit_end_ms;		/* when it ends (evloop_now); 0: none */
	uint64_t start_ms;		/* its L2TP session's start (evloop_now), for the log */
	/* RADIUS accounting (aaa.h) */
	struct aaa_acct *acct;		/* from IPCP up to the Stop; NULL: none */
	struct ev_timer acct_timer;	/* the next Interim-Update */
	uint8_t *class_raw;		/* the server's Class as sent, echoed; NULL: none */
	struct aaa_counters last;	/* the last counters read: the Stop's when none can be */
	struct in6_addr pfx6;		/* the session's /64 */
	struct in6_addr rpfx6;		/* the server's Framed-IPv6-Prefix (radius_pfx6) */
	struct froute_peer peer_key;	/* its tunnel's public address, in ss->peers ... */
	struct in_addr ipv4;		/* INADDR_ANY: none yet */
	struct in_addr rdns[2];		/* MS-Primary/Secondary-DNS-Server; 0: none */
	uint32_t auth_hold_ms;		/* privsep: the parent's throttle's hold of a Failure */
	uint32_t acct_interim_s;	/* the server's Acct-Interim-Interval; 0: none */
	enum aaa_term_cause cause;	/* why it ends, once known; 0: not yet */
	uint16_t cdn_result;		/* what the CDN says once PPP is down ... */
	uint8_t down_reason;		/* ... and why (enum ppp_down_reason): its text */
	char tag[16];			/* "tunnel/session" for the log */
	uint8_t chal[MSCHAP_CHALLENGE_LEN];	/* privsep: the parent's, for the next answer */
	uint8_t auth_id;		/* RADIUS: its CHAP identifier, to check MS-CHAP2-Success by */
	uint8_t rpfx6_len;
	uint8_t class_len;
	bool warned;
	bool has6, pfx6_pool;
	bool has_id6;
	bool routed4, routed6, kern_up;
	/* a host route of its own (single l2secd): the address is outside the pools' routes */
	bool host4, host6;
	bool fail;			/* a callback failed: hang up after the entry point */
	bool radius_addr;		/* the address hint is the server's Framed-IP-Address */
	bool peer_indexed;		/* peer_key is in ss->peers (the tunnel has an address) */
	bool radius_pfx6;		/* the server's Framed-IPv6-Prefix: rpfx6/rpfx6_len */
	bool radius_auth;		/* RADIUS accepted it (Acct-Authentic) */
	bool counted;			/* last is final: the data path's session is going */
};

/*
 * Single-threaded: everything below is touched from the event loop only.
 * The hash tables hold sessions that own an address, so transmit on the
 * TUN path and static-address checks find them in O(1).
 */
struct sessions {
	struct evloop *loop;
	const struct l2sec_config *cfg;
	/* The PPP engine's configuration the sessions share while cfg's [ppp] stays as is. */
	struct ppp_conf *pconf;
	struct users_db *users;
	struct pool *pool;		/* [ppp] pool, "default" */
	struct pool6 *pool6;
	struct named_pools *np;		/* NULL: none */
	uint64_t pool_warned_ms;	/* the last unknown Framed-Pool logged */
	struct datapath *dp;		/* the module's or the TUN device's */
	struct netdev *nd;		/* routes to the clients */
	/* the pools' routes through nd, when this layer holds them (sessions_pool_routes) */
	struct poolrt prt;
	bool prt_own;
	struct sess *list;
	unsigned int n;
	struct htab by_ipv4;		/* sessions with an IPv4 address, by it */
	struct htab by_pfx6;		/* sessions with an IPv6 /64, by it */
	struct sess_stats st;
	struct authlimit *al;		/* wrong passwords across sessions (not under privsep) */
	struct authlimit_stats parent_al;	/* privsep: the parent's throttle's, last asked */
	struct datapath_tun_stats parent_tun;	/* privsep: the parent's TUN switch's, last asked */
	/*
	 * privsep: the privileged parent, which holds the pools, the secrets,
	 * the module and the routes (engine/engine_priv.h); NULL: this process
	 * does it all itself.
	 */
	struct engine_priv *ep;
	struct aaa *aaa;		/* RADIUS, when configured (aaa.h) */
	struct froute_table *froutes;	/* every session's framed routes; NULL: none yet */
	struct froute_peers *peers;	/* the sessions' tunnels' public addresses */
	bool stopping;			/* l2secd stops: sessions end with NAS-Request */
	struct ppp_ops ppp_ops;		/* sess_ppp_ops, with verify and challenge under privsep */
	struct {			/* SESSION_ADD's challenge, until established() */
		uint16_t tid, sid;
		uint8_t chal[MSCHAP_CHALLENGE_LEN];
	} first;
};

/* --- address index -------------------------------------------------------- */

/* Growing tables (core/htab.h): O(1) per packet on the TUN path at any number of sessions. */
static uint64_t hash4(const struct sessions *ss, struct in_addr a)
{
	return htab_hash64(&ss->by_ipv4, a.s_addr);
}

static uint64_t hash6(const struct sessions *ss, const struct in6_addr *a)
{
	return htab_hash(&ss->by_pfx6, a->s6_addr, 8);	/* the /64 only */
}

static struct sess *find4(const struct sessions *ss, struct in_addr a)
{
	struct htab_node *n;

	for (n = htab_first(&ss->by_ipv4, hash4(ss, a)); n; n = htab_next(n)) {
		struct sess *x = container_of(n, struct sess, node4);

		if (x->ipv4.s_addr == a.s_addr)
			return x;
	}
	return NULL;
}

static struct sess *find6(const struct sessions *ss, const struct in6_addr *a)
{
	struct htab_node *n;

	for (n = htab_first(&ss->by_pfx6, hash6(ss, a)); n; n = htab_next(n)) {
		struct sess *x = container_of(n, struct sess, node6);

		if (!memcmp(x->pfx6.s6_addr, a->s6_addr, 8))
			return x;
	}
	return NULL;
}

static void link4(struct sess *x)
{
	htab_add(&x->ss->by_ipv4, &x->node4, hash4(x->ss, x->ipv4));
}

static void link6(struct sess *x)
{
	htab_add(&x->ss->by_pfx6, &x->node6, hash6(x->ss, &x->pfx6));
}

static void unlink4(struct sess *x)
{
	htab_del(&x->ss->by_ipv4, &x->node4);
}

static void unlink6(struct sess *x)
{
	htab_del(&x->ss->by_pfx6, &x->node6);
}

/* --- the data path ------------------------------------------------------------- */

static int route(struct sess *x, bool add, int family, const void *dst);

/*
 * Tell the data path the session's addresses (the set replaces the previous
 * one) and up; family (AF_INET, AF_INET6; 0: none): that address routed
 * first (route()), under privsep in the same request to the parent, which
 * keeps no route of a request that failed.
 */
static int kern_sync(struct sess *x, int family)
{
	struct sessions *ss = x->ss;
	const struct l2tp_tunnel *t = x->l2tp ? x->l2tp->tunnel : NULL;
	const struct in_addr *v4 = x->ipv4.s_addr ? &x->ipv4 : NULL;
	const struct in6_addr *v6 = x->has6 ? &x->pfx6 : NULL;
	const uint64_t *id6 = x->has_id6 ? &x->peer_id6 : NULL;
	const void *dst = family == AF_INET ? (const void *)&x->ipv4 : (const void *)&x->pfx6;
	bool *routed = family == AF_INET ? &x->routed4 : &x->routed6;

	if (ss->ep) {
		if (t && engine_priv_session_up(ss->ep, t->dp_handle, t->tid, x->l2tp->sid, v4, v6,
						id6, family == AF_INET ? PRIV_UP_ROUTE4 :
						family == AF_INET6 ? PRIV_UP_ROUTE6 : 0))
			return -1;
	} else if (family && route(x, true, family, dst) < 0) {
		return -1;
	}
	if (family)
		*routed = true;
	if (!t)
		return 0;
	if (!ss->ep && datapath_session_up(ss->dp, datapath_tref(t->dp_handle, t->tid),
					   x->l2tp->sid, v4, v6, id6))
		return -1;
	x->kern_up = true;
	return 0;
}

/*
 * The session's address routed through the data device: by its pool's route
 * when one holds it, else by a host route of its own (under privsep the
 * parent judges both and decides which, privsep.c's x_route).
 */
static int route(struct sess *x, bool add, int family, const void *dst)
{
	struct sessions *ss = x->ss;
	unsigned int plen = family == AF_INET ? 32 : 64;
	bool *host = family == AF_INET ? &x->host4 : &x->host6;

	if (ss->ep)
		return x->l2tp ? engine_priv_route(ss->ep, add, x->l2tp->tunnel->dp_handle,
						   x->l2tp->tunnel->tid, x->l2tp->sid, family,
						   dst) : 0;
	if (!add) {
		if (!*host)
			return 0;	/* the pool's route, which stays */
		*host = false;
		return netdev_route_del(ss->nd, family, dst, plen);
	}
	if (poolrt_covers(&ss->prt, family, dst))
		return 0;
	if (netdev_route_add(ss->nd, family, dst, plen) < 0)
		return -1;
	*host = true;
	return 0;
}

/* --- Framed-Route (froute.h) ------------------------------------------------ */

/*
 * The Access-Accept's Framed-Routes, from IPCP up those routed (up[i]), and
 * its Framed-IPv6-Routes, from the session's /64 on (up6[i]).
 */
struct sess_froutes {
	unsigned int n, n6;
	struct radius_route r[RADIUS_MAX_ROUTES];
	bool up[RADIUS_MAX_ROUTES];
	struct radius_route6 r6[RADIUS_MAX_ROUTES];
	bool up6[RADIUS_MAX_ROUTES];
};

/* Keep the Accept's routes for IPCP and IPv6CP up (none: nothing allocated). */
static void froutes_take(struct sess *x, const struct radius_reply *r)
{
	free(x->fr);
	x->fr = NULL;
	if (!r->n_routes && !r->n_routes6)
		return;
	x->fr = calloc(1, sizeof(*x->fr));
	if (!x->fr) {
		log_warn("ppp %s: no memory for the server's %u Framed-Routes: none routed",
			 x->tag, r->n_routes + r->n_routes6);
		x->ss->st.froute_refused += r->n_routes + r->n_routes6;
		return;
	}
	memcpy(x->fr->r, r->routes, r->n_routes * sizeof(r->routes[0]));
	x->fr->n = r->n_routes;
	memcpy(x->fr->r6, r->routes6, r->n_routes6 * sizeof(r->routes6[0]));
	x->fr->n6 = r->n_routes6;
}

/*
 * Under privsep the parent routes it (net: a Framed-Route's network or a
 * Framed-IPv6-Route's prefix), from the Access-Accept it verified itself and
 * after the same checks against its own record (priv_check.h).
 */
static enum froute_why froute_one_priv(struct sess *x, const struct priv_addr *net, uint8_t plen)
{
	const struct l2tp_tunnel *t = x->l2tp->tunnel;
	enum priv_reason reason;
	uint8_t fw = 0;

	if (engine_priv_froute(x->ss->ep, true, t->dp_handle, t->tid, x->l2tp->sid, net, plen,
			       &reason, &fw) == 0)
		return FROUTE_OK;
	if (errno != EPERM)
		return errno == EEXIST ? FROUTE_TAKEN : FROUTE_KERNEL;
	if (reason == PRIV_R_FROUTE && fw > FROUTE_OK && fw <= FROUTE_WHY_LAST)
		return (enum froute_why)fw;
	return FROUTE_PRIVSEP;
}

/* One route through the session's address: FROUTE_OK once routed and held. */
static enum froute_why froute_one(struct sess *x, const struct froute_ctx *c,
				  const struct radius_route *r)
{
	struct sessions *ss = x->ss;
	enum froute_why why;

	if (ss->ep)
		return froute_one_priv(x, &(struct priv_addr){ .family = 4, .v4 = r->net }, r->plen);
	if (!ss->froutes && !(ss->froutes = froute_table_new()))
		return FROUTE_LIMIT;
	why = froute_check(ss->froutes, c, r, x->ipv4, &x->l2tp->tunnel->peer.addr);
	if (why != FROUTE_OK)
		return why;
	/*
	 * r holds another session's tunnel's public address: its L2TP, ESP and
	 * IKE packets would be routed into l2sec0 and to this client
	 */
	if (froute_peers_held(ss->peers, r))
		return FROUTE_PEER_ADDR;
	/* never replacing: a route of the operator's or of a previous run stays */
	if (netdev_route_via(ss->nd, true, r->net, r->plen, x->ipv4) < 0)
		return errno == EEXIST ? FROUTE_TAKEN : FROUTE_KERNEL;
	if (froute_hold(ss->froutes, r, x, &x->l2tp->tunnel->peer.addr) < 0) {
		netdev_route_via(ss->nd, false, r->net, r->plen, x->ipv4);
		return FROUTE_LIMIT;
	}
	return FROUTE_OK;
}

/* Can this l2secd route a network behind a client at all? */
static enum froute_why froutes_possible(const struct sessions *ss)
{
	/*
	 * the TUN path finds sessions by their own addresses only (find4);
	 * under privsep the parent routes (and refuses without l2sec.ko too)
	 */
	if ((!ss->ep && !ss->nd) || !ss->dp || !datapath_routes_behind(ss->dp))
		return FROUTE_TUN;
	return FROUTE_OK;
}

/* "NET/PLEN via GW" removed from the kernel (froute_retry's, for an orphan). */
static int froute_del_kernel(void *ctx, struct in_addr net, uint8_t plen, struct in_addr gw)
{
	struct sessions *ss = ctx;

	return netdev_route_via(ss->nd, false, net, plen, gw);
}

static int froute6_del_kernel(void *ctx, const struct in6_addr *net, uint8_t plen,
			      const struct in6_addr *gw)
{
	struct sessions *ss = ctx;

	return netdev_route_via6(ss->nd, false, net, plen, gw);
}

/*
 * The routes the kernel would not delete before (froutes_del): tried again
 * at each session's routes and at a reload, said once they are gone.
 */
static void froutes_retry(struct sessions *ss)
{
	unsigned int before;

	if (ss->ep || !ss->froutes || !froute_orphans(ss->froutes))
		return;
	before = froute_orphans(ss->froutes);
	ss->st.froute_stale = froute_retry(ss->froutes, froute_del_kernel, froute6_del_kernel, ss);
	if (ss->st.froute_stale < before)
		log_notice("framed routes: %u left behind earlier removed now, %u still not",
			   before - froute_orphans(ss->froutes), froute_orphans(ss->froutes));
}

/* One route of x removed: one the kernel keeps stays held, an orphan tried again later. */
static void froute_del(struct sess *x, const struct radius_route *r)
{
	struct sessions *ss = x->ss;
	char net[INET_ADDRSTRLEN + 4];

	if (netdev_route_via(ss->nd, false, r->net, r->plen, x->ipv4) == 0) {
		froute_drop(ss->froutes, r, x);
		return;
	}
	froute_orphan(ss->froutes, r, x, x->ipv4);
	ss->st.froute_del_failed++;
	ss->st.froute_stale = froute_orphans(ss->froutes);
	log_warn("ppp %s: Framed-Route %s could not be removed (%s): kept, tried again later",
		 x->tag, froute_str(r, net, sizeof(net)), strerror(errno));
}

/*
 * After the session's own route: each framed route, "NET/PLEN via CLIENT dev
 * l2sec0 onlink". A refused one is logged and counted; the session comes up
 * without it. Log lines are bounded by the session's routes (16), and
 * sessions by authentication.
 */
/*
 * Before a session's routes of one family (kind, n of them): the orphans
 * retried, the checks' context (its local the gateway's addresses, read
 * here unless all refuses every route or the parent checks them). False,
 * logged and the n counted as refused, when those cannot be listed.
 */
static bool froutes_ctx(struct sess *x, const char *kind, unsigned int n, enum froute_why all,
			struct froute_conf *fc, struct froute_local *local, struct froute_ctx *c)
{
	froutes_retry(x->ss);
	froute_conf_from(fc, x->ss->cfg);
	froute_ctx_of(c, fc, local);
	/* under privsep the parent lists them (the engine's sandbox has no rtnetlink) */
	if (all != FROUTE_OK || x->ss->ep || froute_local_read(local) == 0)
		return true;
	if (errno == E2BIG)
		log_warn("ppp %s: the gateway has more than %d IPv4 or IPv6 addresses to check: "
			 "no %s routed", x->tag, FROUTE_MAX_LOCAL, kind);
	else
		log_warn("ppp %s: cannot list the gateway's addresses (%s): no %s routed", x->tag,
			 strerror(errno), kind);
	x->ss->st.froute_refused += n;
	return false;
}

/* A route's verdict (why), logged and counted; true when it is up. */
static bool froute_verdict(struct sess *x, const char *kind, const char *net, enum froute_why why)
{
	if (why != FROUTE_OK) {
		log_warn("ppp %s: user '%s': %s %s refused: %s", x->tag, ppp_user(x->ppp), kind, net,
			 froute_why_str(why));
		x->ss->st.froute_refused++;
		return false;
	}
	x->ss->st.froute_added++;
	log_info("ppp %s: network %s routed through the client", x->tag, net);
	return true;
}

static void froutes_up(struct sess *x)
{
	struct froute_conf fc;
	struct froute_local local;
	enum froute_why all = froutes_possible(x->ss);
	struct froute_ctx c;
	char net[INET_ADDRSTRLEN + 4];
	unsigned int i;

	if (!x->fr || !x->l2tp ||
	    !froutes_ctx(x, "Framed-Route", x->fr->n, all, &fc, &local, &c))
		return;
	for (i = 0; i < x->fr->n; i++) {
		enum froute_why why = all != FROUTE_OK ? all : froute_one(x, &c, &x->fr->r[i]);

		froute_str(&x->fr->r[i], net, sizeof(net));
		x->fr->up[i] = froute_verdict(x, "Framed-Route", net, why);
	}
}

/* --- Framed-IPv6-Route: the same through the session's IPv6 address --------------- */

/*
 * The gateway of the session's IPv6 routes: its address of the /64, the
 * interface identifier IPv6CP gave it (::1 without one). l2sec.ko finds the
 * session by any address of its /64, whichever ones the client configures.
 */
static struct in6_addr client6(const struct sess *x)
{
	struct in6_addr a = x->pfx6;

	for (unsigned int i = 0; i < 8; i++)
		a.s6_addr[8 + i] = x->has_id6 ? (uint8_t)(x->peer_id6 >> (56 - 8 * i)) : 0;
	if (!x->has_id6)
		a.s6_addr[15] = 1;
	return a;
}

static enum froute_why froute6_one(struct sess *x, const struct froute_ctx *c,
				   const struct radius_route6 *r)
{
	struct sessions *ss = x->ss;
	struct in6_addr gw = client6(x);
	enum froute_why why;

	if (ss->ep)
		return froute_one_priv(x, &(struct priv_addr){ .family = 6, .v6 = r->net }, r->plen);
	if (!ss->froutes && !(ss->froutes = froute_table_new()))
		return FROUTE_LIMIT;
	why = froute6_check(ss->froutes, c, r, &gw, &x->l2tp->tunnel->peer.addr);
	if (why != FROUTE_OK)
		return why;
	if (froute6_peers_held(ss->peers, r))	/* as froute_one's */
		return FROUTE_PEER_ADDR;
	if (netdev_route_via6(ss->nd, true, &r->net, r->plen, &gw) < 0)
		return errno == EEXIST ? FROUTE_TAKEN : FROUTE_KERNEL;
	if (froute6_hold(ss->froutes, r, x, &x->l2tp->tunnel->peer.addr) < 0) {
		netdev_route_via6(ss->nd, false, &r->net, r->plen, &gw);
		return FROUTE_LIMIT;
	}
	return FROUTE_OK;
}

static void froute6_del(struct sess *x, const struct radius_route6 *r)
{
	struct sessions *ss = x->ss;
	struct in6_addr gw = client6(x);
	char net[INET6_ADDRSTRLEN + 5];

	if (netdev_route_via6(ss->nd, false, &r->net, r->plen, &gw) == 0) {
		froute6_drop(ss->froutes, r, x);
		return;
	}
	froute6_orphan(ss->froutes, r, x, &gw);
	ss->st.froute_del_failed++;
	ss->st.froute_stale = froute_orphans(ss->froutes);
	log_warn("ppp %s: Framed-IPv6-Route %s could not be removed (%s): kept, tried again "
		 "later", x->tag, froute6_str(r, net, sizeof(net)), strerror(errno));
}

/*
 * After the session's /64 is routed: each Framed-IPv6-Route, "PREFIX/PLEN via
 * CLIENT6 dev l2sec0 onlink", as froutes_up does IPv4's.
 */
static void froutes6_up(struct sess *x)
{
	struct froute_conf fc;
	struct froute_local local;
	enum froute_why all = froutes_possible(x->ss);
	struct froute_ctx c;
	char net[INET6_ADDRSTRLEN + 5];
	unsigned int i;

	if (!x->fr || !x->fr->n6 || !x->l2tp ||
	    !froutes_ctx(x, "Framed-IPv6-Route", x->fr->n6, all, &fc, &local, &c))
		return;
	for (i = 0; i < x->fr->n6; i++) {
		enum froute_why why = all != FROUTE_OK ? all : froute6_one(x, &c, &x->fr->r6[i]);

		froute6_str(&x->fr->r6[i], net, sizeof(net));
		x->fr->up6[i] = froute_verdict(x, "Framed-IPv6-Route", net, why);
	}
}

/* As froutes_down: under privsep the parent removes it (FROUTE_DEL), or with the session. */
static void froutes6_down(struct sess *x)
{
	for (unsigned int i = 0; x->fr && i < x->fr->n6; i++) {
		const struct radius_route6 *r = &x->fr->r6[i];

		if (!x->fr->up6[i])
			continue;
		x->fr->up6[i] = false;
		if (x->ss->ep) {
			const struct l2tp_tunnel *t = x->l2tp ? x->l2tp->tunnel : NULL;
			enum priv_reason reason;
			uint8_t fw;

			if (t)
				engine_priv_froute(x->ss->ep, false, t->dp_handle, t->tid,
						   x->l2tp->sid,
						   &(struct priv_addr){ .family = 6, .v6 = r->net },
						   r->plen, &reason, &fw);
			continue;
		}
		froute6_del(x, r);
	}
}

static void froutes_down(struct sess *x)
{
	struct sessions *ss = x->ss;
	unsigned int i;

	for (i = 0; x->fr && i < x->fr->n; i++) {
		const struct radius_route *r = &x->fr->r[i];

		if (!x->fr->up[i])
			continue;
		x->fr->up[i] = false;
		if (ss->ep) {
			const struct l2tp_tunnel *t = x->l2tp ? x->l2tp->tunnel : NULL;
			enum priv_reason reason;
			uint8_t fw;

			/* no L2TP session: the parent removed it with the session */
			if (t)
				engine_priv_froute(ss->ep, false, t->dp_handle, t->tid,
						   x->l2tp->sid,
						   &(struct priv_addr){ .family = 4, .v4 = r->net },
						   r->plen, &reason, &fw);
			continue;
		}
		froute_del(x, r);
	}
}

/*
 * "NET/PLEN,NET/PLEN" of the routes up, IPv4's then IPv6's, for the control
 * socket; "" when none.
 */
static void froutes_text(const struct sess *x, char *buf, size_t cap)
{
	char net[INET6_ADDRSTRLEN + 5];
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; x->fr && i < x->fr->n && len < cap; i++)
		if (x->fr->up[i])
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? "," : "",
						froute_str(&x->fr->r[i], net, sizeof(net)));
	for (i = 0; x->fr && i < x->fr->n6 && len < cap; i++)
		if (x->fr->up6[i])
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? "," : "",
						froute6_str(&x->fr->r6[i], net, sizeof(net)));
}

/*
 * Under privsep the parent holds the pools: the address goes back to it (once
 * the L2TP session is gone, the parent has taken it back with the session).
 */
static void addr_put(struct sess *x, int family, const void *a)
{
	struct sessions *ss = x->ss;

	if (ss->ep) {
		if (x->l2tp)
			engine_priv_addr_release(ss->ep, x->l2tp->tunnel->dp_handle,
						 x->l2tp->tunnel->tid, x->l2tp->sid, family, a);
	} else if (family == AF_INET) {
		if (x->ipv4_pool)
			pool_put(x->ipv4_pool, x->ipv4);
	} else if (x->pfx6_pool && ss->pool6) {
		pool6_put(ss->pool6, &x->pfx6);
	}
}

static void release_addresses(struct sess *x)
{
	froutes_down(x);	/* while x->ipv4, their gateway, is known */
	froutes6_down(x);	/* and x->pfx6 */
	if (x->routed4)
		route(x, false, AF_INET, &x->ipv4);
	if (x->routed6)
		route(x, false, AF_INET6, &x->pfx6);
	x->routed4 = x->routed6 = false;
	if (x->ipv4.s_addr) {
		unlink4(x);
		addr_put(x, AF_INET, &x->ipv4);
		x->ipv4.s_addr = INADDR_ANY;
	}
	if (x->has6) {
		unlink6(x);
		addr_put(x, AF_INET6, &x->pfx6);
		x->has6 = false;
	}
}

/* --- router advertisements ---------------------------------------------------- */

static void send_ra(struct sess *x)
{
	struct sessions *ss = x->ss;
	uint8_t buf[PPP_DATA_HEADROOM + 256];
	size_t len;

	len = ra_build(buf + PPP_DATA_HEADROOM, sizeof(buf) - PPP_DATA_HEADROOM, x->local_id6,
		       &x->pfx6, ss->cfg->mru, ss->cfg->dns6, ss->cfg->n_dns6, RA_LIFETIME_S);
	if (len && ppp_send_data(x->ppp, PPP_IPV6, buf, len) == 0) {
		ss->st.ra_sent++;
		ra_pace_sent(&x->ra_pace, evloop_now(ss->loop));
	}
}

static void ra_timer_cb(struct ev_timer *t)
{
	struct sess *x = container_of(t, struct sess, ra_timer);

	send_ra(x);
	ev_timer_arm(x->ss->loop, &x->ra_timer, ra_pace_next(&x->ra_pace));
}

/* --- lifetime ------------------------------------------------------------------- */

/* --- accounting ---------------------------------------------------------------------- */

/*
 * privsep: the data path's counters through the parent (COUNTERS, for a
 * session of the engine's, rate-bounded): the module's or the parent's
 * switch's. 0, or -1: x->last kept.
 */
static int counters_priv(struct sess *x)
{
	struct priv_counters pc;

	if (engine_priv_counters(x->ss->ep, x->l2tp->tunnel->dp_handle, x->l2tp->tunnel->tid,
				 x->l2tp->sid, &pc) < 0)
		return -1;
	x->last = (struct aaa_counters){
		.in_octets = pc.rx_bytes, .in_packets = pc.rx_packets,
		.out_octets = pc.tx_bytes, .out_packets = pc.tx_packets,
	};
	return 0;
}

/* The session's data counters into x->last: the module's, or the switch's. 0, or -1: kept. */
static int counters_read(struct sess *x)
{
	struct sessions *ss = x->ss;
	struct kern_session_stats st;
	int r;

	if (x->counted || !x->l2tp)
		return 0;
	if (ss->ep)
		return counters_priv(x);
	r = datapath_session_stats(ss->dp, datapath_tref(x->l2tp->tunnel->dp_handle,
							 x->l2tp->tunnel->tid), x->l2tp->sid, &st);
	if (r == 0)
		x->last = (struct aaa_counters){
			.in_octets = st.rx_bytes, .in_packets = st.rx_packets,
			.out_octets = st.tx_bytes, .out_packets = st.tx_packets,
		};
	return r == 0 ? 0 : -1;
}

/* The session's data counters: the last ones on error. */
static const struct aaa_counters *counters(struct sess *x)
{
	counters_read(x);
	return &x->last;
}

static void acct_timer_cb(struct ev_timer *t)
{
	struct sess *x = container_of(t, struct sess, acct_timer);

	aaa_acct_interim(x->ss->aaa, x->acct, counters(x));
	ev_timer_arm(x->ss->loop, &x->acct_timer, aaa_acct_interval_ms(x->acct));
}

/* IPCP is up: the Start, and the Interim-Updates from now on. */
static void acct_start(struct sess *x)
{
	struct sessions *ss = x->ss;
	struct aaa_acct_info info = {
		.user = ppp_user(x->ppp), .framed_ip = x->ipv4,
		.class = x->class_raw, .class_len = x->class_len,
		.interim_s = x->acct_interim_s, .local = !x->radius_auth,
	};

	if (x->acct || !x->l2tp || !aaa_acct_enabled(ss->aaa))
		return;
	info.peer = &x->l2tp->tunnel->peer.addr;
	info.nas_port = (uint32_t)x->l2tp->tunnel->tid << 16 | x->l2tp->sid;
	info.tag = engine_priv_radius_tag(x->l2tp->tunnel->dp_handle, x->l2tp->tunnel->tid,
					  x->l2tp->sid);
	x->acct = aaa_acct_start(ss->aaa, &info);
	if (x->acct && aaa_acct_interval_ms(x->acct))
		ev_timer_arm(ss->loop, &x->acct_timer, aaa_acct_interval_ms(x->acct));
}

/*
 * Idle-Timeout (RFC 2865 section 5.28): the session ends once no data came
 * from the client for idle_ms (LCP echoes do not count: they never reach the
 * data path). No per-packet work: a timer per session reads the data path's
 * counters (one SESSION_GET) every quarter of the timeout, at least every
 * second, and the session ends within [idle_ms, 1.25 idle_ms] of its last
 * packet. At 100k sessions with a 10-minute timeout: 667 reads a second.
 */
#define IDLE_LOOKS	4
#define IDLE_LOOK_MIN_MS	1000

static uint64_t idle_look_ms(const struct sess *x)
{
	return x->idle_ms / IDLE_LOOKS > IDLE_LOOK_MIN_MS ? x->idle_ms / IDLE_LOOKS :
							    IDLE_LOOK_MIN_MS;
}

static void idle_start(struct sess *x)
{
	if (!x->idle_ms || ev_timer_armed(&x->idle_timer))
		return;
	x->idle_rx = counters(x)->in_packets;
	x->idle_since = evloop_now(x->ss->loop);
	ev_timer_arm(x->ss->loop, &x->idle_timer, idle_look_ms(x));
}

static void sess_after(struct sess *x);

static void idle_timer_cb(struct ev_timer *t)
{
	struct sess *x = container_of(t, struct sess, idle_timer);
	uint64_t now = evloop_now(x->ss->loop), rx;

	/* counters not read (the parent's rate, an error): not a sign of idleness */
	if (counters_read(x) < 0) {
		ev_timer_arm(x->ss->loop, &x->idle_timer, idle_look_ms(x));
		return;
	}
	rx = x->last.in_packets;
	if (rx != x->idle_rx) {
		x->idle_rx = rx;
		x->idle_since = now;
	} else if (now - x->idle_since >= x->idle_ms) {
		log_notice("ppp %s: user '%s': no data for %llu s (Idle-Timeout): hanging up",
			   x->tag, ppp_user(x->ppp), (unsigned long long)(x->idle_ms / 1000));
		x->cause = x->cause ?: AAA_TC_IDLE_TIMEOUT;
		ppp_close(x->ppp, now, "idle timeout");
		sess_after(x);
		return;
	}
	ev_timer_arm(x->ss->loop, &x->idle_timer, idle_look_ms(x));
}

/* The Stop, with why: the cause set on the way down, else the peer's hang-up. */
static void acct_stop(struct sess *x)
{
	struct sessions *ss = x->ss;
	enum aaa_term_cause cause = x->cause;

	ev_timer_cancel(ss->loop, &x->acct_timer);
	if (!x->acct)
		return;
	if (!cause)
		cause = ss->stopping ? AAA_TC_NAS_REQUEST : AAA_TC_USER_REQUEST;
	aaa_acct_stop(ss->aaa, x->acct, counters(x), cause);
	x->acct = NULL;
}

static void sess_free(struct sess *x)
{
	struct sessions *ss = x->ss;

	acct_stop(x);		/* while the module still has the session's counters */
	ev_timer_cancel(ss->loop, &x->timer);
	ev_timer_cancel(ss->loop, &x->ra_timer);
	aaa_cancel(ss->aaa, x->auth_req);	/* its answer must not find x */
	ev_timer_cancel(ss->loop, &x->limit_timer);
	ev_timer_cancel(ss->loop, &x->idle_timer);
	free(x->rclass);
	free(x->class_raw);
	free(x->rsplit);
	release_addresses(x);
	free(x->fr);
	if (x->peer_indexed)
		froute_peers_del(ss->peers, &x->peer_key);
	if (x->prev)
		x->prev->next = x->next;
	else
		ss->list = x->next;
	if (x->next)
		x->next->prev = x->prev;
	ss->n--;
	ppp_free(x->ppp);
	free(x);
}

/* PPP is down: undo everything and end the L2TP call with a CDN. */
static void sess_end(struct sess *x)
{
	struct l2tp_session *ls = x->l2tp;
	uint16_t result = x->cdn_result;
	char text[64];

	snprintf(text, sizeof(text), "PPP: %s", ppp_down_reason_name(x->down_reason));
	if (ls) {
		ls->ppp = NULL;	/* closed() must not find us */
		ls->close_quiet = true;	/* cb_down logged the end */
	}
	sess_free(x);
	if (ls)
		l2tp_session_close(ls, result, 0, text);
}

/* After every call into the engine: re-arm its timer, or end a dead session. */
static void sess_after(struct sess *x)
{
	struct sessions *ss = x->ss;
	uint64_t now = evloop_now(ss->loop), when;

	if (x->fail && !ppp_is_dead(x->ppp)) {
		x->fail = false;
		if (!x->cause)
			x->cause = AAA_TC_NAS_ERROR;
		ppp_close(x->ppp, now, "gateway error");
	}
	if (ppp_is_dead(x->ppp)) {
		sess_end(x);
		return;
	}
	when = ppp_next_timeout(x->ppp);
	if (when == PPP_NO_TIMEOUT)
		ev_timer_cancel(ss->loop, &x->timer);
	else
		ev_timer_arm(ss->loop, &x->timer, when > now ? when - now : 0);
}

static void timer_cb(struct ev_timer *t)
{
	struct sess *x = container_of(t, struct sess, timer);

	ppp_timer(x->ppp, evloop_now(x->ss->loop));
	sess_after(x);
}

/* --- the engine's callbacks ------------------------------------------------------ */

/* The session's RADIUS state, for the resume record. */
static void acct_export(const struct sess *x, struct priv_state_acct *a)
{
	if (x->acct) {
		snprintf(a->id, sizeof(a->id), "%s", aaa_acct_id(x->acct));
		a->start_ms = aaa_acct_start_ms(x->acct);
	}
	if (x->class_raw && x->class_len <= sizeof(a->class)) {
		memcpy(a->class, x->class_raw, x->class_len);
		a->class_len = (uint8_t)x->class_len;
	}
	a->interim_s = x->acct_interim_s;
	a->radius_auth = x->radius_auth;
	a->timeout_end_ms = x->limit_end_ms;
}

/* privsep: an NCP opened; the record a restarted engine resumes from, to the parent. */
static void sess_record(struct sess *x)
{
	struct priv_state_msg m = { .type = PRIV_ST_PPP };

	if (!x->ss->ep || !x->l2tp || x->fail)
		return;
	m.handle = x->l2tp->tunnel->dp_handle;
	m.ppp.tid = x->l2tp->tunnel->tid;
	m.ppp.sid = x->l2tp->sid;
	m.ppp.has_pfx6 = x->has6;
	if (x->has6)
		m.ppp.pfx6 = x->pfx6;
	acct_export(x, &m.ppp.acct);
	if (ppp_export(x->ppp, &m.ppp.ppp) == 0)
		engine_priv_record(x->ss->ep, &m);
	explicit_bzero(&m, sizeof(m));
}

static void cb_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct sess *x = ctx;

	if (x->l2tp)
		l2tp_session_send_ppp(x->l2tp, frame, len);
}

static int cb_get_secret(void *ctx, const char *user, struct ppp_secret *out)
{
	struct sess *x = ctx;
	const struct users_entry *e;

	if (x->ss->aaa && x->ss->cfg->radius.auth_source == CONFIG_AUTH_RADIUS)
		return -1;	/* RADIUS alone decides: the users file is not asked */
	e = users_lookup(x->ss->users, user, strlen(user));
	if (!e)
		return -1;
	out->password = e->password;
	out->password_len = e->password_len;
	memcpy(out->nt_hash, e->nt_hash, sizeof(out->nt_hash));
	out->addr = e->addr;
	return 0;
}

/* Who is trying, for the throttle: the tunnel's source address and SA. */
static void auth_peer(const struct sess *x, struct authlimit_peer *p)
{
	p->addr = x->l2tp ? &x->l2tp->tunnel->peer.addr : NULL;
	p->mark = x->l2tp ? x->l2tp->tunnel->peer.mark : 0;
}

static bool cb_auth_allowed(void *ctx, const char *user)
{
	struct sess *x = ctx;
	struct authlimit_peer p;

	if (x->ss->ep)
		return true;	/* privsep: the parent's throttle, next to the secrets, decides */
	auth_peer(x, &p);
	return authlimit_check(x->ss->al, evloop_now(x->ss->loop), user, &p) == AUTHLIMIT_OK;
}

static uint32_t cb_auth_result(void *ctx, const char *user, bool ok)
{
	struct sess *x = ctx;
	struct authlimit_peer p;

	if (x->ss->ep) {	/* privsep: what the parent's throttle said with the answer */
		if (!ok)
			x->ss->st.auth_failures++;
		return ok ? 0 : x->auth_hold_ms;
	}
	auth_peer(x, &p);
	if (ok) {
		authlimit_succeeded(x->ss->al, evloop_now(x->ss->loop), user, &p);
		return 0;
	}
	x->ss->st.auth_failures++;
	return authlimit_failed(x->ss->al, evloop_now(x->ss->loop), user, &p);
}

/* privsep: the answer checked by the parent, which holds the secrets. */
static int cb_verify(void *ctx, const struct ppp_answer *a, struct ppp_verdict *v)
{
	static struct logrl throttled_rl = LOGRL_INIT_DEFAULT;
	struct sess *x = ctx;
	bool has_next = false;
	struct engine_priv_auth_out more;
	int r;
	struct engine_priv_auth req = {
		.method = a->method, .name = a->name, .name_len = a->name_len,
		.challenge = a->challenge, .id = a->id, .value = a->value,
		.value_len = a->value_len,
	};

	if (!x->l2tp)
		return -1;
	req.handle = x->l2tp->tunnel->dp_handle;
	req.tid = x->l2tp->tunnel->tid;
	req.sid = x->l2tp->sid;
	r = engine_priv_auth(x->ss->ep, &req, &v->ok, v->auth_resp, &has_next, x->chal, &more);
	if (r > 0) {
		x->ss->st.auth_busy++;	/* the parent's rate: ppp_auth leaves it for a repeat */
		return 1;
	}
	if (r < 0)
		return -1;
	x->auth_hold_ms = more.hold_ms;
	if (more.throttled)	/* each answer while throttled, any session: limited */
		log_rl_notice(&throttled_rl, "ppp %s: the answer was refused unchecked: too many "
			      "failures (throttled by the privileged parent)", x->tag);
	return 0;
}

/* privsep: the challenge the parent issued for the session's next answer. */
static void cb_challenge(void *ctx, uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	struct sess *x = ctx;

	memcpy(chal, x->chal, MSCHAP_CHALLENGE_LEN);
}

/* --- RADIUS ------------------------------------------------------------------------- */

/* The 42 characters of an MS-CHAP2-Success for our identifier, or NULL. */
static const char *auth_resp_of(const struct sess *x, const struct radius_reply *r,
				char out[MSCHAP_AUTH_RESPONSE_LEN])
{
	if (!r->has_ms_chap2_success || r->ms_chap2_success[0] != x->auth_id)
		return NULL;
	memcpy(out, r->ms_chap2_success + 1, MSCHAP_AUTH_RESPONSE_LEN - 1);
	out[MSCHAP_AUTH_RESPONSE_LEN - 1] = '\0';
	return out;
}

/* The server's Session-Timeout is over: hang up (RFC 2865 section 5.27). */
static void limit_timer_cb(struct ev_timer *t)
{
	struct sess *x = container_of(t, struct sess, limit_timer);

	log_notice("ppp %s: user '%s': the RADIUS Session-Timeout is over: hanging up", x->tag,
		   ppp_user(x->ppp));
	x->cause = AAA_TC_SESSION_TIMEOUT;
	ppp_close(x->ppp, evloop_now(x->ss->loop), "session timeout");
	sess_after(x);
}

/* The Class as text when it is printable, else "0x" and hex: for the control socket. */
static char *class_text(const uint8_t *c, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *s = malloc(2 + 2 * len + 1), *p;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < len && c[i] >= 0x20 && c[i] < 0x7f; i++)
		;
	if (i == len) {
		memcpy(s, c, len);
		s[len] = '\0';
		return s;
	}
	p = s;
	*p++ = '0';
	*p++ = 'x';
	for (i = 0; i < len; i++) {
		*p++ = hex[c[i] >> 4];
		*p++ = hex[c[i] & 0xf];
	}
	*p = '\0';
	return s;
}

/* What an Access-Accept the engine took assigns (the address went to IPCP with it). */
static void accept_apply(struct sess *x, const struct radius_reply *r)
{
	struct sessions *ss = x->ss;

	free(x->rclass);
	x->rclass = r->class_len ? class_text(r->class, r->class_len) : NULL;
	free(x->class_raw);
	x->class_raw = r->class_len ? malloc(r->class_len) : NULL;
	x->class_len = x->class_raw ? r->class_len : 0;
	if (x->class_raw)
		memcpy(x->class_raw, r->class, r->class_len);
	x->acct_interim_s = r->interim_interval;
	x->radius_auth = true;
	if (r->session_timeout) {
		x->limit_end_ms = evloop_now(ss->loop) + (uint64_t)r->session_timeout * 1000;
		ev_timer_arm(ss->loop, &x->limit_timer, (uint64_t)r->session_timeout * 1000);
	}
	if (r->idle_timeout)
		x->idle_ms = (uint64_t)r->idle_timeout * 1000;
	x->radius_pfx6 = r->has_ipv6_prefix;
	x->rpfx6 = r->ipv6_prefix;
	x->rpfx6_len = r->ipv6_plen;
	froutes_take(x, r);
}

/* The DHCPINFORM answer's values for x: the split sp, the server's DNS servers if any. */
static void sess_dhcp_answer(const struct sess *x, const struct l2sec_config *cfg,
			     const struct users_split *sp, struct dhcp_answer *a)
{
	config_dhcp_answer(a, cfg, sp);
	if (x->rdns[0].s_addr) {
		a->dns = x->rdns;
		a->n_dns = x->rdns[1].s_addr ? 2 : 1;
	}
}

struct split_ctx {
	struct users_split_own *o;
	char why[160];
};

/* One of l2sec's attributes into the session's split tunnel, checked as the users file's. */
static int split_item(void *arg, uint8_t vtype, const uint8_t *val, size_t len)
{
	struct split_ctx *c = arg;
	struct users_split_own *o = c->o;
	char text[RADIUS_ATTR_MAX + 1];
	const char *why = NULL;

	if (memchr(val, 0, len)) {
		snprintf(c->why, sizeof(c->why), "a NUL in attribute %u", vtype);
		return -1;
	}
	memcpy(text, val, len);
	text[len] = '\0';
	switch (vtype) {
	case RADIUS_L2SEC_SPLIT_ROUTE:
		why = o->n_routes == CONFIG_MAX_ROUTES ? "is one route too many" :
		      config_route_item(text, o->routes, o->n_routes);
		o->n_routes += !why;
		o->has |= USERS_HAS_ROUTES;
		break;
	case RADIUS_L2SEC_DNS_DOMAIN:
		why = o->has & USERS_HAS_DNS_DOMAIN ? "is a second domain" :
		      !*text ? NULL : config_check_domain(text, o->dns_domain);
		o->has |= USERS_HAS_DNS_DOMAIN;
		break;
	case RADIUS_L2SEC_DNS_SEARCH:
		why = o->n_dns_search == CONFIG_MAX_SEARCH ? "is one search domain too many" :
		      config_search_item(text, o->dns_search, o->n_dns_search);
		o->n_dns_search += !why;
		o->has |= USERS_HAS_DNS_SEARCH;
		break;
	default:
		return 0;	/* not ours to know: ignored, as RFC 2865 5.26 has it */
	}
	if (why)
		snprintf(c->why, sizeof(c->why), "'%.60s' %s", text, why);
	return why ? -1 : 0;
}

/*
 * The Accept's split tunnel (l2sec's attributes under [radius] vendor-id)
 * and DNS servers (MS-Primary/Secondary-DNS-Server, RFC 2548) for the
 * session's IPCP and DHCPINFORM answers. Checked as the users file's:
 * each item, the counts, and the DHCPINFORM answer must fit the 548 octets
 * every client takes. 0, or -1 with why (the Accept cannot be applied).
 */
static int split_take(struct sess *x, const struct aaa_auth_res *res, char *why, size_t cap)
{
	const struct l2sec_config *cfg = x->ss->cfg;
	struct split_ctx c = { .why = "" };
	struct users_split sp;
	struct dhcp_answer a;

	free(x->rsplit);
	x->rsplit = NULL;
	memcpy(x->rdns, res->reply->dns, sizeof(x->rdns));
	if (!x->rdns[0].s_addr) {	/* a secondary alone is the first */
		x->rdns[0] = x->rdns[1];
		x->rdns[1].s_addr = INADDR_ANY;
	}
	c.o = calloc(1, sizeof(*c.o));
	if (!c.o) {
		snprintf(why, cap, "out of memory");
		return -1;
	}
	if (res->msg && radius_vsa_each(res->msg, cfg->radius.vendor_id, split_item, &c)) {
		snprintf(why, cap, "its split tunnel attributes cannot be applied: %s",
			 c.why[0] ? c.why : "a malformed Vendor-Specific attribute");
		free(c.o);
		return -1;
	}
	users_split_from(c.o, cfg, &sp);
	sess_dhcp_answer(x, cfg, &sp, &a);
	if (dhcp_answer_len(&a) > DHCP_MIN_MSG_LEN) {
		snprintf(why, cap, "its split tunnel makes a DHCPINFORM answer of %zu octets, "
			 "more than the %u every client takes", dhcp_answer_len(&a),
			 DHCP_MIN_MSG_LEN);
		free(c.o);
		return -1;
	}
	if (c.o->has)
		x->rsplit = c.o;
	else
		free(c.o);
	if (x->rdns[0].s_addr || x->rdns[1].s_addr)
		ppp_set_dns(x->ppp, x->rdns);
	return 0;
}

/* The RADIUS server's verdict on the session's answer (aaa.h). */
static void auth_answered(void *arg, const struct aaa_auth_res *res)
{
	struct sess *x = arg;
	char why[300], split_why[240], resp[MSCHAP_AUTH_RESPONSE_LEN] = "";
	struct ppp_auth_outcome o = { .why = why };

	x->auth_req = 0;
	switch (res->verdict) {
	case AAA_ACCEPT:
		o.ok = true;
		o.auth_resp = auth_resp_of(x, res->reply, resp);
		if (res->reply->has_framed_ip)
			o.addr = res->reply->framed_ip;
		/* before the verdict: IPCP may take its address inside ppp_auth_done */
		x->radius_addr = res->reply->has_framed_ip;
		x->rpool = res->reply->framed_pool;
		if (split_take(x, res, split_why, sizeof(split_why)) < 0) {
			snprintf(why, sizeof(why), "the RADIUS server's Access-Accept: %s",
				 split_why);
			o.ok = false;
		}
		break;
	case AAA_REJECT:
		o.checked = true;
		snprintf(why, sizeof(why), "rejected by the RADIUS server%s%s%s",
			 res->message[0] ? ": \"" : "", res->message, res->message[0] ? "\"" : "");
		break;
	case AAA_MALFORMED:
		snprintf(why, sizeof(why), "the RADIUS server's Access-Accept is malformed");
		break;
	default:
		snprintf(why, sizeof(why), "no RADIUS server answered");
		break;
	}
	ppp_auth_done(x->ppp, evloop_now(x->ss->loop), &o);
	x->rpool = NULL;	/* the address is taken (or not) */
	explicit_bzero(resp, sizeof(resp));
	/* the engine may still refuse an Accept (no valid MS-CHAP2-Success) */
	if (o.ok && ppp_auth_method_name(x->ppp)) {
		accept_apply(x, res->reply);
	} else {	/* nothing of it stays for a later try */
		x->radius_addr = false;
		free(x->rsplit);
		x->rsplit = NULL;
		free(x->fr);
		x->fr = NULL;
		memset(x->rdns, 0, sizeof(x->rdns));
		ppp_set_dns(x->ppp, x->ss->cfg->dns);
	}
	sess_after(x);
}

/*
 * ops->ask: RADIUS checks the answer when auth-source says so: always
 * (radius), or for a user the users file does not know (users-then-radius).
 */
static int cb_ask(void *ctx, const struct ppp_answer *a, bool known)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;
	struct aaa_auth_req q = {
		.method = a->method, .name = a->name, .name_len = a->name_len,
		.challenge = a->challenge, .id = a->id, .value = a->value,
		.value_len = a->value_len,
	};

	if (ss->cfg->radius.auth_source == CONFIG_AUTH_USERS ||
	    (ss->cfg->radius.auth_source == CONFIG_AUTH_USERS_RADIUS && known))
		return 1;
	if (!x->l2tp)
		return -1;
	aaa_cancel(ss->aaa, x->auth_req);	/* an earlier try's, if any */
	x->auth_req = 0;
	q.peer = &x->l2tp->tunnel->peer.addr;
	q.nas_port = (uint32_t)x->l2tp->tunnel->tid << 16 | x->l2tp->sid;
	/* privsep: the parent authenticates this session on the Access-Accept it verifies */
	q.tag = engine_priv_radius_tag(x->l2tp->tunnel->dp_handle, x->l2tp->tunnel->tid,
				       x->l2tp->sid);
	if (aaa_auth(ss->aaa, &q, auth_answered, x, &x->auth_req) < 0)
		return errno == EINVAL ? 1 : -1;	/* EINVAL: nothing to ask, a failure here */
	x->auth_id = a->id;
	return 0;
}

/* privsep: the parent's address for the session (the user's static one, or its pool's). */
static int alloc_ipv4_priv(struct sess *x, const char *user)
{
	static struct logrl rl = LOGRL_INIT_DEFAULT;	/* each login while the pool is full */
	struct sessions *ss = x->ss;
	enum priv_reason why = PRIV_OK;

	if (!x->l2tp || engine_priv_addr_claim(ss->ep, x->l2tp->tunnel->dp_handle,
					       x->l2tp->tunnel->tid, x->l2tp->sid, AF_INET,
					       &x->ipv4, &why) < 0) {
		struct priv_pool_stats p;

		/* the default pool's: the line a single l2secd writes, with the parent's counts */
		if (why == PRIV_R_POOL_EMPTY && (!x->rpool || !x->rpool[0]) &&
		    engine_priv_stats(ss->ep, &p, NULL) == 0)
			log_rl_warn(&rl, "ppp %s: address pool exhausted (%u of %u in use): user "
				    "'%s' refused", x->tag, p.v4_used, p.v4_size, user);
		else
			log_rl_warn(&rl, "ppp %s: no address for user '%s': %s", x->tag, user,
				    why == PRIV_R_POOL_EMPTY ? "address pool exhausted" :
				    why == PRIV_R_ADDR_HELD ? "its static address is in use by "
							      "another session" :
				    why == PRIV_R_POOL_UNKNOWN ?
					"the RADIUS server's Framed-Pool is not in [ppp] named-pools" :
				    why != PRIV_OK ? priv_reason_name(why) :
						     "the parent did not answer");
		x->ipv4.s_addr = INADDR_ANY;
		ss->st.no_address++;
		return -1;
	}
	x->ipv4_pool = NULL;
	return 0;
}

/* The pool, the default or a named one, that holds a; NULL: none. */
static struct pool *pool_holding(struct pool *def, const struct named_pools *np,
				 struct in_addr a)
{
	int i;

	if (pool_contains(def, a))
		return def;
	i = named_pools_holding(np, a);
	return i < 0 ? NULL : np->e[i].p;
}

static struct pool *named_pool(const struct sessions *ss, const char *name)
{
	int i = named_pools_find(ss->np, name);

	return i < 0 ? NULL : ss->np->e[i].p;
}

/* A pool's name for the log and the control socket. */
static const char *pool_name(const struct sessions *ss, const struct pool *p)
{
	for (unsigned int i = 0; ss->np && i < ss->np->n; i++)
		if (ss->np->e[i].p == p)
			return ss->np->e[i].name;
	return "default";
}

#define POOL_WARN_MS	10000	/* an unknown Framed-Pool: one line per 10 s, each counted */

/*
 * The pool an address comes from: the server's Framed-Pool, else the
 * default. A name that is not one of [ppp] named-pools refuses the session
 * (its policy is the operator's: the default pool's addresses may carry
 * other firewall rules), counted no_address.
 */
static struct pool *pool_for(struct sess *x, const char *user)
{
	struct sessions *ss = x->ss;
	struct pool *p;
	uint64_t now;

	if (!x->rpool || !x->rpool[0])
		return ss->pool;
	p = named_pool(ss, x->rpool);
	if (p)
		return p;
	ss->st.no_address++;
	now = evloop_now(ss->loop);
	if (!ss->pool_warned_ms || now - ss->pool_warned_ms >= POOL_WARN_MS) {
		ss->pool_warned_ms = now;
		log_warn("ppp %s: the RADIUS server's Framed-Pool '%.63s' for user '%s' is not in "
			 "[ppp] named-pools: refused (more within 10 s are only counted: "
			 "no_address)", x->tag, x->rpool, user);
	}
	return NULL;
}

static int cb_alloc_ipv4(void *ctx, const char *user, struct in_addr hint,
			 struct in_addr *out)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;
	char a[INET_ADDRSTRLEN];

	if (x->ipv4.s_addr) {		/* IPCP renegotiated: keep it */
		*out = x->ipv4;
		return 0;
	}
	if (ss->ep) {
		if (alloc_ipv4_priv(x, user) < 0)
			return -1;
	} else if (hint.s_addr != INADDR_ANY) {
		struct pool *in = pool_holding(ss->pool, ss->np, hint);

		if (x->radius_addr && !in && !ss->cfg->radius.framed_ip_any) {
			inet_ntop(AF_INET, &hint, a, sizeof(a));
			log_warn("ppp %s: the RADIUS server's Framed-IP-Address %s for user '%s' is "
				 "outside the pools ([radius] framed-ip-outside-pool = no): refused",
				 x->tag, a, user);
			ss->st.no_address++;
			return -1;
		}

		if (in ? pool_take(in, hint) < 0 : find4(ss, hint) != NULL) {
			inet_ntop(AF_INET, &hint, a, sizeof(a));
			log_warn("ppp %s: static address %s of user '%s' is in use by another "
				 "session: refused", x->tag, a, user);
			ss->st.no_address++;
			return -1;
		}
		x->ipv4_pool = in;
		x->ipv4 = hint;
	} else {
		struct pool *from = pool_for(x, user);

		if (!from)
			return -1;
		if (pool_alloc(from, &x->ipv4) < 0) {
			/* each login while the pool is full: limited, counted in no_address */
			static struct logrl rl = LOGRL_INIT_DEFAULT;
			bool named = from != ss->pool;

			log_rl_warn(&rl, "ppp %s: address pool%s%s%s exhausted (%u of %u in use): "
				    "user '%s' refused", x->tag, named ? " '" : "",
				    named ? pool_name(ss, from) : "", named ? "'" : "",
				    pool_in_use(from), pool_size(from), user);
			ss->st.no_address++;
			return -1;
		}
		x->ipv4_pool = from;
	}
	link4(x);
	*out = x->ipv4;
	return 0;
}

/*
 * The session up at notice, an audit's line: the first of IPCP and IPv6CP up
 * (of those with an address) says who came from where (user, the client's
 * address and port, its host name, the method, the data path) with that
 * protocol's address (a: IPv4, or with v6 the /64); the other its address
 * alone. Neither waits for the other. Formatted only when written.
 */
static void log_up(const struct sess *x, bool v6, const char *a)
{
	const struct l2tp_tunnel *t = x->l2tp ? x->l2tp->tunnel : NULL;
	const char *method = ppp_auth_method_name(x->ppp);
	char ps[80] = "?";

	if (v6 ? x->routed4 : x->routed6) {
		if (v6)
			log_notice("ppp %s: user '%s' has IPv6 prefix %s/64", x->tag,
				   ppp_user(x->ppp), a);
		else
			log_notice("ppp %s: user '%s' is up at %s (%s data path)", x->tag,
				   ppp_user(x->ppp), a, sessions_datapath(x->ss));
		return;
	}
	if (t)
		l2tp_peer_str(&t->peer, ps, sizeof(ps));
	log_notice(v6 ? "ppp %s: user '%s' has IPv6 prefix %s/64 (%s data path) "
			"from %s (host '%s', auth %s%s)" :
			"ppp %s: user '%s' is up at %s (%s data path) "
			"from %s (host '%s', auth %s%s)",
		   x->tag, ppp_user(x->ppp), a, sessions_datapath(x->ss), ps,
		   t ? l2tp_tunnel_peer_host(t) : "", method ? method : "?",
		   x->radius_auth ? " by RADIUS" : "");
}

static void cb_ipcp_up(void *ctx, const struct ppp_ipcp_info *info)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;
	char a[INET_ADDRSTRLEN];

	/*
	 * Before the Configure-Ack that lets the client send (ppp_fsm.c, up_before_ack):
	 * the route first, so that what the module lets in can be answered.
	 */
	if (info->peer.s_addr != x->ipv4.s_addr || kern_sync(x, AF_INET) < 0)
		goto fail;
	froutes_up(x);
	ss->st.up++;
	if (log_enabled(LOG_NOTICE))
		log_up(x, false, inet_ntop(AF_INET, &info->peer, a, sizeof(a)));
	acct_start(x);		/* first: the record has its Acct-Session-Id */
	sess_record(x);
	idle_start(x);
	return;
fail:
	log_err("ppp %s: cannot route %s to the client: hanging up", x->tag,
		inet_ntop(AF_INET, &info->peer, a, sizeof(a)));
	x->fail = true;
}

/*
 * The server's Framed-IPv6-Prefix (RFC 3162 section 2.3) as the session's
 * /64, advertised for SLAAC: checked as a Framed-IP-Address is (in the pool,
 * or outside it with framed-ip-outside-pool; never another session's, nor
 * the gateway's own first /64 of the pool's prefix). 0, or -1 logged: the
 * session keeps IPv4 and link-local IPv6 only.
 */
static int radius_pfx6_take(struct sess *x)
{
	struct sessions *ss = x->ss;
	char a[INET6_ADDRSTRLEN];
	const char *why = NULL;

	x->pfx6_pool = false;
	if (x->rpfx6_len != 64)
		why = "not a /64 (SLAAC takes only that)";
	else if (!pool6_unicast64(&x->rpfx6))
		why = "not a unicast prefix";
	else if (find6(ss, &x->rpfx6))
		why = "in use by another session";
	else if (ss->pool6 && pool6_take(ss->pool6, &x->rpfx6) == 0)
		x->pfx6_pool = true;
	else if (pool6_in_prefix(&ss->cfg->ipv6_prefix, ss->cfg->ipv6_prefix_len, &x->rpfx6))
		why = "in [ppp] ipv6-prefix but not one of its clients' /64s";
	else if (!ss->cfg->radius.framed_ip_any)
		why = "outside [ppp] ipv6-prefix ([radius] framed-ip-outside-pool = no)";
	if (why) {
		inet_ntop(AF_INET6, &x->rpfx6, a, sizeof(a));
		log_warn("ppp %s: the RADIUS server's Framed-IPv6-Prefix %s/%u for user '%s' is "
			 "%s: refused, no IPv6 prefix", x->tag, a, x->rpfx6_len, ppp_user(x->ppp),
			 why);
		ss->st.no_address++;
		return -1;
	}
	x->pfx6 = x->rpfx6;
	return 0;
}

/* The session's /64: the server's, else the pool's (the parent's under privsep). */
static int pfx6_get(struct sess *x)
{
	static struct logrl pool6_rl = LOGRL_INIT_DEFAULT;	/* each login while full */
	struct sessions *ss = x->ss;

	enum priv_reason why = PRIV_OK;

	if (x->radius_pfx6 && !ss->ep)
		return radius_pfx6_take(x);
	/* privsep: the parent takes the server's (its verified Accept's), as radius_pfx6_take */
	if (!ss->pool6 && !(ss->ep && x->radius_pfx6))
		return -1;	/* link-local only */
	if (ss->ep ? !x->l2tp || engine_priv_addr_claim(ss->ep, x->l2tp->tunnel->dp_handle,
							  x->l2tp->tunnel->tid, x->l2tp->sid,
							  AF_INET6, &x->pfx6, &why) < 0 :
	    pool6_alloc(ss->pool6, &x->pfx6) < 0) {
		if (x->radius_pfx6)
			log_warn("ppp %s: the RADIUS server's Framed-IPv6-Prefix for user '%s' is "
				 "refused (%s): no IPv6 prefix", x->tag, ppp_user(x->ppp),
				 priv_reason_name(why));
		else
			log_rl_warn(&pool6_rl, "ppp %s: IPv6 prefix pool exhausted: user '%s' gets "
				    "no prefix", x->tag, ppp_user(x->ppp));
		memset(&x->pfx6, 0, sizeof(x->pfx6));
		ss->st.no_address += x->radius_pfx6;
		return -1;
	}
	x->pfx6_pool = !ss->ep;
	return 0;
}

static void cb_ipv6cp_up(void *ctx, uint64_t local_id, uint64_t peer_id)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;
	char a[INET6_ADDRSTRLEN];

	x->local_id6 = local_id;
	x->peer_id6 = peer_id;
	x->has_id6 = true;
	if (x->has6 || pfx6_get(x) < 0) {
		sess_record(x);
		return;		/* the /64 it has, or link-local only */
	}
	x->has6 = true;
	link6(x);
	if (kern_sync(x, AF_INET6) < 0)	/* the route first, as in cb_ipcp_up */
		goto fail;
	froutes6_up(x);
	if (log_enabled(LOG_NOTICE))
		log_up(x, true, inet_ntop(AF_INET6, &x->pfx6, a, sizeof(a)));
	sess_record(x);
	/* the engine is inside a callback: the RAs go out from the timer (ra.h) */
	ev_timer_arm(ss->loop, &x->ra_timer, 0);
	return;
fail:
	log_err("ppp %s: cannot route %s/64 to the client: hanging up", x->tag,
		inet_ntop(AF_INET6, &x->pfx6, a, sizeof(a)));
	x->fail = true;
}

/*
 * An IPv4 or IPv6 packet that reached the PPP layer: the data path carries a
 * session's packets (l2sec.ko, or the TUN data path's switch, which check
 * their source) and hands up only a Router Solicitation, answered here, and
 * what came before the session was up: not l2secd's to forward.
 */
static void cb_data(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;
	uint64_t delay;

	if (proto != PPP_IPV6 || !x->has6 || !ra_is_rs(pkt, len))
		return;
	ss->st.rs_received++;
	if (ra_pace_rs(&x->ra_pace, evloop_now(ss->loop), &delay))
		ev_timer_arm(ss->loop, &x->ra_timer, delay);
	else
		ss->st.rs_ratelimited++;
}

static void cb_down(void *ctx, enum ppp_down_reason reason, const char *msg)
{
	struct sess *x = ctx;
	struct sessions *ss = x->ss;

	switch (reason) {
	case PPP_DOWN_ECHO_TIMEOUT:
		x->cdn_result = CDN_LOST_CARRIER;
		x->cause = x->cause ?: AAA_TC_LOST_CARRIER;
		break;
	case PPP_DOWN_ADMIN:	/* ours: the cause was set by who closed (else an admin's) */
		x->cdn_result = CDN_ADMIN;
		x->cause = x->cause ?: (ss->stopping ? AAA_TC_NAS_REQUEST : AAA_TC_ADMIN_RESET);
		break;
	case PPP_DOWN_PEER:
		x->cdn_result = CDN_ADMIN;
		x->cause = x->cause ?: AAA_TC_USER_REQUEST;
		break;
	default:
		x->cdn_result = CDN_GENERAL_ERROR;
		x->cause = x->cause ?: AAA_TC_PORT_ERROR;
		break;
	}
	x->down_reason = (uint8_t)reason;
	if (ppp_is_up(x->ppp) || x->routed4 || x->routed6)
		ss->st.down++;
	/* the session's one line at its end (ppp.h): who, why, and after how long */
	log_notice("ppp %s: session down: %s (%s)%s%s%s after %llu s", x->tag,
		   ppp_down_reason_name(reason), msg, *ppp_user(x->ppp) ? ": user '" : "",
		   ppp_user(x->ppp), *ppp_user(x->ppp) ? "'" : "",
		   (unsigned long long)((evloop_now(ss->loop) - x->start_ms) / 1000));
}

static void cb_log(void *ctx, int prio, const char *msg)
{
	struct sess *x = ctx;

	log_msg(prio, "ppp %s: %s", x->tag, msg);
}

static bool cb_log_enabled(void *ctx, int prio)
{
	(void)ctx;
	return log_enabled(prio);
}

static const struct ppp_ops sess_ppp_ops = {
	.send = cb_send,
	.get_secret = cb_get_secret,
	.auth_allowed = cb_auth_allowed,
	.auth_result = cb_auth_result,
	.alloc_ipv4 = cb_alloc_ipv4,
	.ipcp_up = cb_ipcp_up,
	.ipv6cp_up = cb_ipv6cp_up,
	.data = cb_data,
	.down = cb_down,
	.log = cb_log,
	.log_enabled = cb_log_enabled,
};

/* --- the LNS's hooks --------------------------------------------------------------- */

static void ppp_config_from(struct ppp_config *pc, const struct l2sec_config *cfg)
{
	ppp_config_init(pc);
	snprintf(pc->name, sizeof(pc->name), "%s", cfg->ppp_name);
	pc->auth = cfg->ppp_auth;
	pc->mru = (uint16_t)cfg->mru;
	pc->echo_interval_ms = cfg->lcp_echo_interval_ms;
	pc->echo_failures = cfg->lcp_echo_failures;
	pc->auth_tries = cfg->auth_tries;
	pc->auth_fail_delay_ms = cfg->auth_fail_delay_ms;
	pc->auth_timeout_ms = cfg->auth_timeout_ms;
	pc->ipv4 = true;
	pc->ipv6 = cfg->ipv6;
	pc->local_ipv4 = cfg->local_ipv4;
	memcpy(pc->dns, cfg->dns, sizeof(pc->dns));
	memcpy(pc->nbns, cfg->nbns, sizeof(pc->nbns));
}

/*
 * The shared configuration for pc: the one sessions have (the same [ppp]),
 * or a new one that new sessions share from now on (a reload changed it;
 * the sessions under the old one keep it). NULL: out of memory.
 */
static struct ppp_conf *shared_conf(struct sessions *ss, const struct ppp_config *pc)
{
	struct ppp_conf *c;

	if (ppp_conf_is(ss->pconf, pc))
		return ss->pconf;
	c = ppp_conf_new(pc);
	if (!c)
		return NULL;
	ppp_conf_put(ss->pconf);
	ss->pconf = c;
	return c;
}

/* The per-session state both a new call and an imported one start from. */
static struct sess *sess_alloc(struct sessions *ss, struct l2tp_session *ls)
{
	struct sess *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->ss = ss;
	x->l2tp = ls;
	x->start_ms = ls->created_ms;
	snprintf(x->tag, sizeof(x->tag), "%u/%u", ls->tunnel->tid, ls->sid);
	ev_timer_init(&x->timer, timer_cb);
	ev_timer_init(&x->ra_timer, ra_timer_cb);
	ev_timer_init(&x->limit_timer, limit_timer_cb);
	ev_timer_init(&x->acct_timer, acct_timer_cb);
	ev_timer_init(&x->idle_timer, idle_timer_cb);
	x->idle_ms = ss->cfg->idle_timeout_ms;
	return x;
}

static void sess_link(struct sess *x)
{
	struct sessions *ss = x->ss;

	x->next = ss->list;
	if (ss->list)
		ss->list->prev = x;
	ss->list = x;
	ss->n++;
	x->l2tp->ppp = x;
	x->peer_indexed = froute_peer_of(&x->l2tp->tunnel->peer.addr, &x->peer_key);
	if (x->peer_indexed)
		froute_peers_add(ss->peers, &x->peer_key);
}

/* PPP on an established L2TP session, from its start; chal: privsep's first challenge. */
static int sess_start(struct sessions *ss, struct l2tp_session *ls,
		      const uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	struct ppp_config pc;
	struct ppp_conf *c;
	struct sess *x;

	if (ls->ppp) {
		errno = EEXIST;
		return -1;
	}
	x = sess_alloc(ss, ls);
	if (!x) {
		errno = ENOMEM;
		return -1;
	}
	ppp_config_from(&pc, ss->cfg);
	if (chal)
		memcpy(x->chal, chal, sizeof(x->chal));
	c = shared_conf(ss, &pc);
	x->ppp = c ? ppp_new_shared(c, &ss->ppp_ops, x) : NULL;
	if (!x->ppp) {
		explicit_bzero(x->chal, sizeof(x->chal));
		free(x);
		errno = ENOMEM;
		return -1;
	}
	sess_link(x);
	ppp_start(x->ppp, evloop_now(ss->loop));
	sess_after(x);
	return 0;
}

static void l2tp_established(void *arg, struct l2tp_session *ls)
{
	static struct logrl oom_rl = LOGRL_INIT_DEFAULT;	/* each ICCN while memory is out */
	struct sessions *ss = arg;
	const uint8_t *chal = NULL;
	int ret;

	if (ss->ep) {
		if (ss->first.tid != ls->tunnel->tid || ss->first.sid != ls->sid)
			goto err;	/* cannot be: SESSION_ADD came right before */
		chal = ss->first.chal;
	}
	ret = sess_start(ss, ls, chal);
	if (ss->ep) {
		explicit_bzero(ss->first.chal, sizeof(ss->first.chal));
		ss->first.tid = ss->first.sid = 0;
	}
	if (ret == 0)
		return;
err:
	log_rl(&oom_rl, LOG_ERR, "ppp %u/%u: out of memory: call refused", ls->tunnel->tid,
	       ls->sid);
	l2tp_session_close(ls, CDN_NO_RESOURCES_TEMP, 0, "out of memory");
}

int sessions_restart(struct sessions *ss, struct l2tp_session *ls,
		     const uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	return sess_start(ss, ls, chal);
}

/* A resumed session's RADIUS state: its class, and its accounting without a second Start. */
static void acct_import(struct sess *x, const struct priv_state_acct *a)
{
	struct sessions *ss = x->ss;
	struct aaa_acct_info info = {
		.user = ppp_user(x->ppp), .framed_ip = x->ipv4, .interim_s = a->interim_s,
		.local = !a->radius_auth, .start_ms = a->start_ms,
	};

	x->radius_auth = a->radius_auth;
	x->acct_interim_s = a->interim_s;
	if (a->timeout_end_ms) {	/* the server's Session-Timeout goes on */
		uint64_t now = evloop_now(ss->loop);

		x->limit_end_ms = a->timeout_end_ms;
		ev_timer_arm(ss->loop, &x->limit_timer,
			     a->timeout_end_ms > now ? a->timeout_end_ms - now : 0);
	}
	if (a->class_len && (x->class_raw = malloc(a->class_len))) {
		memcpy(x->class_raw, a->class, a->class_len);
		x->class_len = a->class_len;
		x->rclass = class_text(a->class, a->class_len);
	}
	if (!a->id[0] || !x->l2tp || !aaa_acct_enabled(ss->aaa))
		return;
	info.class = x->class_raw;
	info.class_len = x->class_len;
	info.peer = &x->l2tp->tunnel->peer.addr;
	info.nas_port = (uint32_t)x->l2tp->tunnel->tid << 16 | x->l2tp->sid;
	info.tag = engine_priv_radius_tag(x->l2tp->tunnel->dp_handle, x->l2tp->tunnel->tid,
					  x->l2tp->sid);
	x->acct = aaa_acct_resume(ss->aaa, &info, a->id);
	if (x->acct && aaa_acct_interval_ms(x->acct))
		ev_timer_arm(ss->loop, &x->acct_timer, aaa_acct_interval_ms(x->acct));
}

int sessions_import(struct sessions *ss, struct l2tp_session *ls, const struct ppp_rec *r,
		    const struct in6_addr *pfx6, const struct priv_state_acct *acct)
{
	struct ppp_config pc;
	struct ppp_conf *c;
	struct sess *x;

	if (pfx6 && !r->ipv6cp_open) {
		errno = EINVAL;
		return -1;
	}
	if (ls->ppp || (r->ipcp_open && find4(ss, r->peer4)) || (pfx6 && find6(ss, pfx6))) {
		errno = EEXIST;
		return -1;
	}
	x = sess_alloc(ss, ls);
	if (!x) {
		errno = ENOMEM;
		return -1;
	}
	ppp_config_from(&pc, ss->cfg);
	/*
	 * a reload that turned IPv4 or IPv6 off: a live session keeps what it has (as in
	 * one process), under a configuration of its own; else the one sessions share
	 */
	if ((r->ipcp_open && !pc.ipv4) || (r->ipv6cp_open && !pc.ipv6)) {
		pc.ipv4 |= r->ipcp_open;
		pc.ipv6 |= r->ipv6cp_open;
		x->ppp = ppp_import(&pc, &ss->ppp_ops, x, r, evloop_now(ss->loop));
	} else if ((c = shared_conf(ss, &pc))) {
		x->ppp = ppp_import_shared(c, &ss->ppp_ops, x, r, evloop_now(ss->loop));
	} else {
		x->ppp = NULL;
		errno = ENOMEM;
	}
	if (!x->ppp) {
		free(x);
		return -1;	/* ppp_import's errno */
	}
	/* what the dead engine's callbacks had set up, the parent still holds */
	if (r->ipcp_open) {
		x->ipv4 = r->peer4;
		link4(x);
		x->routed4 = true;
	}
	if (r->ipv6cp_open) {
		x->local_id6 = r->local_id;
		x->peer_id6 = r->peer_id;
		x->has_id6 = true;
	}
	if (pfx6) {
		x->pfx6 = *pfx6;
		x->has6 = x->routed6 = true;
		link6(x);
		ev_timer_arm(ss->loop, &x->ra_timer, RA_INITIAL_INTERVAL_MS);
	}
	x->kern_up = true;
	sess_link(x);
	if (acct)
		acct_import(x, acct);
	sess_after(x);		/* its LCP echoes */
	return 0;
}

int sessions_import_froutes(struct sessions *ss, struct l2tp_session *ls,
			    const struct radius_route *r, unsigned int n)
{
	struct sess *x = ls->ppp;

	if (!ss->ep) {		/* one process holds its routes itself */
		errno = EINVAL;
		return -1;
	}
	if (!x || x->ss != ss) {
		errno = ENOENT;
		return -1;
	}
	free(x->fr);
	x->fr = NULL;
	if (n > RADIUS_MAX_ROUTES)
		n = RADIUS_MAX_ROUTES;
	if (!n)
		return 0;
	x->fr = calloc(1, sizeof(*x->fr));
	if (!x->fr) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(x->fr->r, r, n * sizeof(*r));
	for (unsigned int i = 0; i < n; i++)
		x->fr->up[i] = true;
	x->fr->n = n;
	return 0;
}

static void l2tp_ppp_input(void *arg, struct l2tp_session *ls, uint8_t *frame, size_t len)
{
	struct sess *x = ls->ppp;

	(void)arg;
	if (!x)
		return;
	ppp_input(x->ppp, evloop_now(x->ss->loop), frame, len);
	sess_after(x);
}

/*
 * Why the L2TP side went when nobody said (RFC 2866 section 5.10): l2secd
 * stops; the tunnel was lost (the peer silent: Lost-Carrier; its IPsec SA
 * gone: Lost-Service, the service under the tunnel); else the client's CDN
 * or StopCCN, User-Request.
 */
static enum aaa_term_cause closed_cause(const struct sessions *ss, const struct l2tp_tunnel *t)
{
	if (ss->stopping)
		return AAA_TC_NAS_REQUEST;
	switch (t->lost) {
	case L2TP_LOST_PEER:
		return AAA_TC_LOST_CARRIER;
	case L2TP_LOST_SA:
		return AAA_TC_LOST_SERVICE;
	default:
		return AAA_TC_USER_REQUEST;
	}
}

static void l2tp_closed(void *arg, struct l2tp_session *ls)
{
	struct sess *x = ls->ppp;

	(void)arg;
	if (!x)
		return;
	ls->ppp = NULL;
	if (x->acct)
		counters(x);	/* tun: the last ones (the module's were read as it went) */
	if (!x->cause)
		x->cause = closed_cause(x->ss, ls->tunnel);
	x->l2tp = NULL;		/* nothing more goes out, no CDN of ours */
	ppp_lower_down(x->ppp, evloop_now(x->ss->loop));
	sess_free(x);
}

const struct l2tp_session_ops sessions_l2tp_ops = {
	.established = l2tp_established,
	.ppp_input = l2tp_ppp_input,
	.closed = l2tp_closed,
};

/* --- the layer ------------------------------------------------------------------------ */

static int pools_build(struct sessions *ss, struct pool **p4, struct pool6 **p6,
		       struct named_pools **np)
{
	const struct l2sec_config *cfg = ss->cfg;
	int err;

	*p4 = pool_new(cfg->pool, cfg->n_pool);
	*p6 = NULL;
	*np = NULL;
	if (!*p4)
		return -1;
	if (cfg->ipv6 && cfg->ipv6_prefix_len) {
		*p6 = pool6_new(&cfg->ipv6_prefix, cfg->ipv6_prefix_len);
		if (!*p6)
			goto err;
	}
	*np = named_pools_new(cfg->named_pool, cfg->n_named_pool, &err);
	if (err)
		goto err;
	return 0;
err:
	pool_free(*p4);
	pool6_free(*p6);
	return -1;
}

struct sessions *sessions_new(struct evloop *loop, const struct l2sec_config *cfg,
			      struct users_db *users, struct datapath *dp, struct netdev *nd)
{
	struct sessions *ss = calloc(1, sizeof(*ss));
	struct authlimit_config alc;
	uint64_t seed = 0;

	if (!ss)
		return NULL;
	/* the pools hand the addresses out; a seed only spreads static ones better */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)ss;
	if (htab_init(&ss->by_ipv4, 64, seed) || htab_init(&ss->by_pfx6, 64, ~seed) ||
	    !(ss->peers = froute_peers_new(64, true)))	/* grows with the sessions */
		goto err_tab;
	ss->loop = loop;
	ss->cfg = cfg;
	ss->ppp_ops = sess_ppp_ops;
	ss->dp = dp;
	ss->nd = nd;
	authlimit_config_from(&alc, cfg);
	ss->al = authlimit_new(&alc);
	if (!ss->al || pools_build(ss, &ss->pool, &ss->pool6, &ss->np) < 0)
		goto err;
	ss->users = users;
	return ss;
err:
	authlimit_free(ss->al);
err_tab:
	htab_free(&ss->by_ipv4);
	htab_free(&ss->by_pfx6);
	froute_peers_free(ss->peers);
	free(ss);
	return NULL;
}

void sessions_free(struct sessions *ss)
{
	if (!ss)
		return;
	while (ss->list) {
		struct sess *x = ss->list;

		if (x->l2tp)
			x->l2tp->ppp = NULL;
		x->l2tp = NULL;
		ppp_lower_down(x->ppp, evloop_now(ss->loop));
		sess_free(x);
	}
	poolrt_free(&ss->prt);		/* the routes go with netdev_close's flush */
	pool_free(ss->pool);
	pool6_free(ss->pool6);
	named_pools_free(ss->np);
	users_free(ss->users);
	authlimit_free(ss->al);
	htab_free(&ss->by_ipv4);
	htab_free(&ss->by_pfx6);
	froute_table_free(ss->froutes);
	froute_peers_free(ss->peers);
	ppp_conf_put(ss->pconf);
	free(ss);
}

int sessions_pool_routes(struct sessions *ss)
{
	if (poolrt_plan(&ss->prt, ss->cfg) < 0) {
		log_err("pool routes: out of memory");
		return -1;
	}
	ss->prt_own = true;
	poolrt_install(ss->nd, &ss->prt, NULL);
	return 0;
}

/* A session's host route with exactly this prefix (a pool route of the same prefix goes). */
static bool host_held(void *ctx, int family, const void *dst, unsigned int plen)
{
	struct sessions *ss = ctx;
	const struct sess *x;

	if (family == AF_INET && plen == 32) {
		x = find4(ss, *(const struct in_addr *)dst);
		return x && x->host4;
	}
	x = family == AF_INET6 && plen == 64 ? find6(ss, dst) : NULL;
	return x && x->host6;
}

/* Under the pools' new routes: a host route where none covers the address, none where one does. */
static void host_refit(struct sess *x, int family, const void *dst, const struct poolrt *to)
{
	struct sessions *ss = x->ss;
	unsigned int plen = family == AF_INET ? 32 : 64;
	bool *host = family == AF_INET ? &x->host4 : &x->host6;
	bool covered = poolrt_covers(to, family, dst);
	char a[INET6_ADDRSTRLEN];

	if (!covered && !*host) {
		*host = netdev_route_add(ss->nd, family, dst, plen) == 0;
		if (!*host) {
			inet_ntop(family, dst, a, sizeof(a));
			log_err("ppp %s: reload: no route to %s/%u any more: hanging up", x->tag,
				a, plen);
			x->fail = true;		/* from its timer: the list is being walked */
			ev_timer_arm(ss->loop, &x->timer, 0);
		}
	} else if (covered && *host) {
		/* the same prefix as a new pool route is that route now: not deleted */
		if (!poolrt_is(to, family, dst, plen))
			netdev_route_del(ss->nd, family, dst, plen);
		*host = false;
	}
}

/* The pools' routes after a reload, the sessions' host routes with them (poolrt.h's order). */
static void pool_routes_reload(struct sessions *ss)
{
	struct poolrt to;

	if (!ss->prt_own)
		return;
	if (poolrt_plan(&to, ss->cfg) < 0) {
		log_err("reload: out of memory: the pools' routes in force are kept");
		return;
	}
	poolrt_install(ss->nd, &to, &ss->prt);
	for (struct sess *x = ss->list; x; x = x->next) {
		if (x->routed4)
			host_refit(x, AF_INET, &x->ipv4, &to);
		if (x->routed6)
			host_refit(x, AF_INET6, &x->pfx6, &to);
	}
	poolrt_remove(ss->nd, &ss->prt, &to, host_held, ss);
	poolrt_free(&ss->prt);
	ss->prt = to;
}

/*
 * After a reload, before the pools' new routes: each session's framed routes
 * judged again against the new configuration (pools, RADIUS servers, DAE
 * clients, the gateway's networks); one refused now is removed, logged and
 * counted, and the session stays up without it.
 */
static void froutes_reload(struct sessions *ss)
{
	struct froute_conf fc;
	struct froute_local local;
	char net[INET_ADDRSTRLEN + 4];
	struct froute_ctx c;
	struct sess *x;

	froutes_retry(ss);
	if (ss->ep || !ss->froutes || froute_count(ss->froutes) == froute_orphans(ss->froutes))
		return;
	froute_conf_from(&fc, ss->cfg);
	froute_ctx_of(&c, &fc, &local);
	if (froute_local_read(&local) < 0) {
		/* the pools, servers and DAE clients still: a route over a new pool must go */
		log_warn("reload: cannot list the gateway's addresses (%s): the framed routes are "
			 "checked against the configuration alone", strerror(errno));
		local.n = local.n6 = 0;
	}
	for (x = ss->list; x; x = x->next) {
		for (unsigned int i = 0; x->fr && i < x->fr->n6; i++) {
			const struct radius_route6 *r = &x->fr->r6[i];
			char net6[INET6_ADDRSTRLEN + 5];
			enum froute_why why;

			if (!x->fr->up6[i] || (why = froute6_check_config(&c, r)) == FROUTE_OK)
				continue;
			log_warn("ppp %s: reload: Framed-IPv6-Route %s removed: %s", x->tag,
				 froute6_str(r, net6, sizeof(net6)), froute_why_str(why));
			x->fr->up6[i] = false;
			froute6_del(x, r);
			ss->st.froute_removed++;
		}
		for (unsigned int i = 0; x->fr && i < x->fr->n; i++) {
			const struct radius_route *r = &x->fr->r[i];
			enum froute_why why;

			if (!x->fr->up[i] || (why = froute_check_config(&c, r)) == FROUTE_OK)
				continue;
			log_warn("ppp %s: reload: Framed-Route %s removed: %s", x->tag,
				 froute_str(r, net, sizeof(net)), froute_why_str(why));
			x->fr->up[i] = false;
			froute_del(x, r);
			ss->st.froute_removed++;
		}
	}
}

int sessions_reload(struct sessions *ss, struct users_db *users)
{
	struct authlimit_config alc;
	struct named_pools *np;
	struct pool *p4;
	struct pool6 *p6;
	struct sess *x;

	if (pools_build(ss, &p4, &p6, &np) < 0) {
		log_err("reload: out of memory: the address pools in force are kept");
		users_free(users);
		return -1;
	}
	/* live sessions keep their addresses; those outside the new ranges stay static */
	for (x = ss->list; x; x = x->next) {
		if (x->ipv4.s_addr) {
			x->ipv4_pool = pool_holding(p4, np, x->ipv4);
			if (x->ipv4_pool && pool_take(x->ipv4_pool, x->ipv4) < 0)
				x->ipv4_pool = NULL;
		}
		if (x->has6)
			x->pfx6_pool = p6 && pool6_take(p6, &x->pfx6) == 0;
	}
	pool_free(ss->pool);
	pool6_free(ss->pool6);
	named_pools_free(ss->np);
	ss->pool = p4;
	ss->pool6 = p6;
	ss->np = np;
	froutes_reload(ss);	/* before the pools' routes: a new pool's may be one of them */
	pool_routes_reload(ss);
	if (users) {
		users_free(ss->users);
		ss->users = users;
	}
	authlimit_config_from(&alc, ss->cfg);
	if (authlimit_set_config(ss->al, &alc) < 0)
		log_err("reload: out of memory: the authentication throttle keeps its table size");
	return 0;
}

const struct authlimit_stats *sessions_auth_stats(struct sessions *ss)
{
	struct priv_pool_stats p;
	struct priv_auth_stats a;

	if (ss->ep) {	/* privsep: the parent's throttle (its answer kept, or none) */
		memset(&ss->parent_al, 0, sizeof(ss->parent_al));
		if (engine_priv_stats(ss->ep, &p, &a) == 0)
			ss->parent_al = (struct authlimit_stats){
				.refused_backoff = a.refused_backoff,
				.refused_lockout = a.refused_lockout,
				.backoffs = a.backoffs, .lockouts = a.lockouts,
				.evicted = a.evicted, .entries = a.entries,
			};
		return &ss->parent_al;
	}
	return authlimit_stats(ss->al);
}

int sessions_find_ipv4(const struct sessions *ss, struct in_addr a, unsigned int *mtu)
{
	const struct sess *x = find4(ss, a);

	if (!x || !x->routed4)
		return 0;
	*mtu = ppp_peer_mru(x->ppp);
	return 1;
}

bool sessions_warn_ok(struct sessions *ss, struct in_addr a, uint64_t interval_ms)
{
	struct sess *x = find4(ss, a);
	uint64_t now = evloop_now(ss->loop);

	if (!x || (x->warned && now - x->warned_ms < interval_ms))
		return false;
	x->warned = true;
	x->warned_ms = now;
	return true;
}

const struct users_entry *sessions_user_ipv4(const struct sessions *ss, struct in_addr a)
{
	const struct sess *x = find4(ss, a);
	const char *user;

	if (!x || !x->routed4)
		return NULL;
	user = ppp_user(x->ppp);
	return users_lookup(ss->users, user, strlen(user));
}

void sessions_dhcp_answer(const struct sessions *ss, struct in_addr a,
			  const struct l2sec_config *cfg, struct dhcp_answer *out)
{
	const struct sess *x = find4(ss, a);
	struct users_split sp;

	if (!x || !x->routed4) {
		users_split(NULL, cfg, &sp);
		config_dhcp_answer(out, cfg, &sp);
		return;
	}
	if (x->rsplit)
		users_split_from(x->rsplit, cfg, &sp);
	else
		users_split(sessions_user_ipv4(ss, a), cfg, &sp);
	sess_dhcp_answer(x, cfg, &sp, out);
}

const char *sessions_datapath(const struct sessions *ss)
{
	return datapath_name(ss->dp);
}

const struct sess_stats *sessions_stats(const struct sessions *ss)
{
	return &ss->st;
}

const struct datapath_tun_stats *sessions_tun_stats(struct sessions *ss)
{
	struct priv_tun_stats pt;

	if (!ss->ep)
		return datapath_tun_stats(ss->dp);
	/* privsep: the parent's switch (its answer now, or none) */
	if (engine_priv_tun_stats(ss->ep, &pt) < 0 || !pt.present)
		return NULL;
	privtun_stats_from(&pt, &ss->parent_tun);
	return &ss->parent_tun;
}

const char *sessions_user(const struct sessions *ss, const struct l2tp_session *ls)
{
	const struct sess *x = ls->ppp;

	(void)ss;
	return x ? ppp_user(x->ppp) : NULL;
}

bool sessions_has_address(const struct sessions *ss, const struct l2tp_session *ls, int family,
			  const void *a)
{
	const struct sess *x = ls->ppp;

	(void)ss;
	if (!x)
		return false;
	if (family == AF_INET)
		return x->ipv4.s_addr && !memcmp(&x->ipv4, a, 4);
	return family == AF_INET6 && x->has6 && !memcmp(&x->pfx6, a, 8);
}

/*
 * The session's data through the data path (the module's or the TUN switch's;
 * under privsep through COUNTERS, whose refusal keeps the last read), to o.
 */
static void describe_counters(struct sess *x, struct json_object *o)
{
	counters_read(x);
	json_object_object_add(o, CTL_K_DATA_RX_PACKETS, json_object_new_int64(
				       (int64_t)x->last.in_packets));
	json_object_object_add(o, CTL_K_DATA_RX_BYTES, json_object_new_int64(
				       (int64_t)x->last.in_octets));
	json_object_object_add(o, CTL_K_DATA_TX_PACKETS, json_object_new_int64(
				       (int64_t)x->last.out_packets));
	json_object_object_add(o, CTL_K_DATA_TX_BYTES, json_object_new_int64(
				       (int64_t)x->last.out_octets));
}

void sessions_describe(const struct sessions *ss, const struct l2tp_session *ls, bool counters,
		       struct json_object *o)
{
	struct sess *x = ls->ppp;
	char a[INET6_ADDRSTRLEN + 4],
	     fr[RADIUS_MAX_ROUTES * (INET_ADDRSTRLEN + 4 + INET6_ADDRSTRLEN + 5)];
	struct pool *from;

	json_object_object_add(o, CTL_K_DATAPATH, json_object_new_string(sessions_datapath(ss)));
	if (!x)
		return;
	if (counters)
		describe_counters(x, o);
	json_object_object_add(o, CTL_K_USER, json_object_new_string(ppp_user(x->ppp)));
	if (ppp_auth_method_name(x->ppp))
		json_object_object_add(o, CTL_K_AUTH,
				       json_object_new_string(ppp_auth_method_name(x->ppp)));
	json_object_object_add(o, CTL_K_PPP_PHASE, json_object_new_string(ppp_phase_name(x->ppp)));
	if (x->rclass)
		json_object_object_add(o, CTL_K_CLASS, json_object_new_string(x->rclass));
	if (x->acct)
		aaa_acct_describe(x->acct, o);
	if (x->ipv4.s_addr) {
		inet_ntop(AF_INET, &x->ipv4, a, sizeof(a));
		json_object_object_add(o, CTL_K_IPV4, json_object_new_string(a));
	}
	/* a named pool's; privsep: the parent chose, the pool holding the address says */
	from = x->ipv4_pool;
	if (!from && ss->ep && x->ipv4.s_addr)
		from = pool_holding(ss->pool, ss->np, x->ipv4);
	if (from && from != ss->pool)
		json_object_object_add(o, CTL_K_POOL,
				       json_object_new_string(pool_name(ss, from)));
	if (x->has6) {
		inet_ntop(AF_INET6, &x->pfx6, a, INET6_ADDRSTRLEN);
		strcat(a, "/64");
		json_object_object_add(o, CTL_K_IPV6_PREFIX, json_object_new_string(a));
	}
	froutes_text(x, fr, sizeof(fr));
	if (fr[0])
		json_object_object_add(o, CTL_K_FRAMED_ROUTES, json_object_new_string(fr));
}

/* --- dynamic authorization (RFC 5176, aaa.h) ------------------------------------ */

static bool dae_matches(const struct sess *x, const struct aaa_dae_ident *id)
{
	struct aaa_dae_session v = {
		.user = ppp_user(x->ppp), .acct = x->acct, .framed_ip = x->ipv4,
	};

	if (!x->l2tp)
		return false;
	v.peer = &x->l2tp->tunnel->peer.addr;
	v.nas_port = (uint32_t)x->l2tp->tunnel->tid << 16 | x->l2tp->sid;
	return aaa_dae_match(id, &v);
}

/* A CoA-Request's run-time changes on x (all checked by aaa_dae.c: none fails). */
static void dae_change(struct sess *x, const struct aaa_dae_change *c)
{
	struct sessions *ss = x->ss;

	/* the limit counts from now, as servers mean it when they send it mid-session */
	if (c->has_session_timeout && c->session_timeout)
		ev_timer_arm(ss->loop, &x->limit_timer, (uint64_t)c->session_timeout * 1000);
	else if (c->has_session_timeout)
		ev_timer_cancel(ss->loop, &x->limit_timer);
}

/* aaa_dae_fn: the sessions id names ended (change NULL) or changed; how many. */
static unsigned int sessions_dae(void *arg, const struct aaa_dae_ident *id,
				 const struct aaa_dae_change *change)
{
	struct sessions *ss = arg;
	struct sess *x, *next;
	unsigned int n = 0;

	/* a walk: requests are few, rate-limited per client (aaa_dae.c) */
	for (x = ss->list; x; x = next) {
		next = x->next;	/* sess_after() may free x, never another session */
		if (!dae_matches(x, id))
			continue;
		n++;
		if (change) {
			dae_change(x, change);
			continue;
		}
		log_notice("ppp %s: user '%s': a RADIUS Disconnect-Request: hanging up", x->tag,
			   ppp_user(x->ppp));
		if (!x->cause)
			x->cause = AAA_TC_ADMIN_RESET;
		ppp_close(x->ppp, evloop_now(ss->loop), "disconnected by the administrator");
		sess_after(x);
	}
	return n;
}

void sessions_set_aaa(struct sessions *ss, struct aaa *aaa)
{
	ss->aaa = aaa;
	ss->ppp_ops.ask = aaa ? cb_ask : NULL;
	aaa_dae_bind(aaa, sessions_dae, ss);
}

void sessions_session_going(struct sessions *ss, struct l2tp_session *ls)
{
	struct sess *x = ls->ppp;

	(void)ss;
	if (x && x->acct) {
		counters(x);	/* kept in x->last for the Stop */
		x->counted = true;
	}
}

void sessions_end_cause(struct sessions *ss, struct l2tp_session *ls,
			enum aaa_term_cause cause)
{
	struct sess *x = ls->ppp;

	(void)ss;
	if (x && !x->cause)
		x->cause = cause;
}

void sessions_end_cause_tunnel(struct sessions *ss, const struct l2tp_tunnel *t,
			       enum aaa_term_cause cause)
{
	struct sess *x;

	/* an administrator's request: a walk of the sessions is fine */
	for (x = ss->list; x; x = x->next)
		if (x->l2tp && x->l2tp->tunnel == t && !x->cause)
			x->cause = cause;
}

void sessions_stopping(struct sessions *ss)
{
	ss->stopping = true;
}

/*
 * privsep: the records the parent keeps for the next engine, in the
 * accounting group (priv/priv_acct.h): held now, taken, answered, dropped by
 * its bounds, handed to a new engine, refused.
 */
static void describe_parent_acct(const struct sessions *ss, struct json_object *o)
{
	struct json_object *r, *g;
	struct priv_acct_stats st;

	if (!ss->ep || !json_object_object_get_ex(o, "radius", &r) ||
	    !json_object_object_get_ex(r, "accounting", &g) ||
	    engine_priv_acct_stats(ss->ep, &st) < 0)
		return;
	json_object_object_add(g, "parent_kept", json_object_new_int64((int64_t)st.kept));
	json_object_object_add(g, "parent_keeps", json_object_new_int64((int64_t)st.keeps));
	json_object_object_add(g, "parent_answered",
			       json_object_new_int64((int64_t)st.answered));
	json_object_object_add(g, "parent_dropped", json_object_new_int64((int64_t)st.dropped));
	json_object_object_add(g, "parent_resent", json_object_new_int64((int64_t)st.resent));
	json_object_object_add(g, "parent_refused", json_object_new_int64((int64_t)st.refused));
}

void sessions_describe_aaa(const struct sessions *ss, struct json_object *o)
{
	if (!ss->aaa)
		return;
	aaa_describe(ss->aaa, o);
	describe_parent_acct(ss, o);
}

void sessions_set_priv(struct sessions *ss, struct engine_priv *ep)
{
	ss->ep = ep;
	/* the parent checks the answers and issues the challenges */
	ss->ppp_ops.verify = cb_verify;
	ss->ppp_ops.challenge = cb_challenge;
}

void sessions_first_challenge(struct sessions *ss, uint16_t tid, uint16_t sid,
			      const uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	ss->first.tid = tid;
	ss->first.sid = sid;
	memcpy(ss->first.chal, chal, sizeof(ss->first.chal));
}

/* [ { "name", "pool_size", "pool_in_use" } ] of the named pools. */
static struct json_object *describe_named_pools(const struct named_pools *np)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < np->n; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, CTL_K_NAME, json_object_new_string(np->e[i].name));
		json_object_object_add(e, CTL_K_POOL_SIZE,
				       json_object_new_int64(pool_size(np->e[i].p)));
		json_object_object_add(e, CTL_K_POOL_IN_USE,
				       json_object_new_int64(pool_in_use(np->e[i].p)));
		json_object_array_add(a, e);
	}
	return a;
}

/* privsep: the pools are the parent's. */
static void describe_pools_priv(const struct sessions *ss, struct json_object *o)
{
	struct priv_pool_stats p;

	if (engine_priv_stats(ss->ep, &p, NULL) < 0)
		return;
	json_object_object_add(o, CTL_K_POOL_SIZE, json_object_new_int64(p.v4_size));
	json_object_object_add(o, CTL_K_POOL_IN_USE, json_object_new_int64(p.v4_used));
	if (ss->pool6) {
		json_object_object_add(o, CTL_K_POOL6_SIZE, json_object_new_int64(p.v6_size));
		json_object_object_add(o, CTL_K_POOL6_IN_USE, json_object_new_int64(p.v6_used));
	}
}

void sessions_describe_pools(const struct sessions *ss, struct json_object *o)
{
	json_object_object_add(o, CTL_K_DATAPATH, json_object_new_string(sessions_datapath(ss)));
	if (ss->ep) {
		describe_pools_priv(ss, o);
		return;
	}
	json_object_object_add(o, CTL_K_POOL_SIZE, json_object_new_int64(pool_size(ss->pool)));
	json_object_object_add(o, CTL_K_POOL_IN_USE, json_object_new_int64(pool_in_use(ss->pool)));
	if (ss->pool6) {
		json_object_object_add(o, CTL_K_POOL6_SIZE,
				       json_object_new_int64(pool6_size(ss->pool6)));
		json_object_object_add(o, CTL_K_POOL6_IN_USE,
				       json_object_new_int64(pool6_in_use(ss->pool6)));
	}
	if (ss->np)
		json_object_object_add(o, CTL_K_NAMED_POOLS, describe_named_pools(ss->np));
}
