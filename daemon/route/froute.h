/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Framed-Route (RFC 2865 5.22): networks routed behind a client, a branch
 * office's router dialling in. The RADIUS server's routes are checked here
 * before sess.c asks for "NET/PLEN via CLIENT dev l2sec0 onlink"; l2sec.ko
 * then finds the session by the route's gateway (xmit) and accepts the
 * network's sources from it (recv), docs/ARCHITECTURE.md. Framed-IPv6-Route
 * (RFC 3162 2.5) the same (froute6_*), through the client's IPv6 address (an
 * address of its /64): one table, one set of bounds for both families.
 *
 * The table remembers every route the daemon added, with its session and the
 * client's public address, so that no session takes a network another holds
 * (nor one inside it, nor one around it), and bounds them per peer and in all.
 */
#ifndef L2SEC_FROUTE_H
#define L2SEC_FROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "radius/radius_pkt.h"
#include "addr/pool.h"
#include "conf/config.h"
#include "core/sa46.h"

/*
 * The shortest prefix taken: a /8 is the largest block ever assigned to one
 * organisation; a shorter one (4.0.0.0/6, 0.0.0.0/1, ...) holds other
 * people's networks and would pull the gateway's traffic for them into one
 * client, whatever the other checks say.
 */
#define FROUTE_MIN_PLEN		8
/* IPv6: an RIR's block from IANA (a /12) is the most anyone holds. */
#define FROUTE_MIN_PLEN6	12
#define FROUTE_MAX_PER_PEER	64	/* one public address, all its sessions */
#define FROUTE_MAX		4096	/* the whole gateway */
/*
 * The gateway's own addresses looked at, of each family (28 KiB on the stack
 * in all); more of either: no route passes.
 */
#define FROUTE_MAX_LOCAL	1024

enum froute_why {
	FROUTE_OK,
	FROUTE_DEFAULT,		/* 0.0.0.0/0 */
	FROUTE_SHORT,		/* plen < FROUTE_MIN_PLEN */
	FROUTE_GATEWAY,		/* a gateway that is not the client */
	FROUTE_OWN,		/* holds the client's own address */
	FROUTE_POOL,		/* overlaps an address pool */
	FROUTE_LOCAL,		/* overlaps the gateway's addresses or connected networks */
	FROUTE_PEER_ADDR,	/* holds a tunnel's public address (a loop through l2sec0) */
	FROUTE_SERVER,		/* holds a RADIUS server or meets a DAE client network */
	FROUTE_TAKEN,		/* overlaps another session's framed route */
	FROUTE_PEER_LIMIT,	/* FROUTE_MAX_PER_PEER reached */
	FROUTE_LIMIT,		/* FROUTE_MAX reached */
	FROUTE_PRIVSEP,		/* the privsep parent refused it (not of the Accept it verified) */
	FROUTE_TUN,		/* the TUN data path routes the clients' own addresses only */
	FROUTE_KERNEL,		/* the kernel refused it */
	FROUTE_SCOPE,		/* IPv6: not unicast beyond the link (link-local, multicast, ::/8) */
};
#define FROUTE_WHY_LAST		FROUTE_SCOPE

const char *froute_why_str(enum froute_why why);

/* A network of the gateway: an interface's address and its prefix length. */
struct froute_local {
	unsigned int n, n6;
	struct {
		struct in_addr addr;
		uint8_t plen;
	} e[FROUTE_MAX_LOCAL];
	struct {
		struct in6_addr addr;
		uint8_t plen;
	} e6[FROUTE_MAX_LOCAL];
};

struct ifaddrs;

/*
 * The gateway's IPv4 and IPv6 addresses now (getifaddrs); 0, or -1 with errno
 * (E2BIG: more than FROUTE_MAX_LOCAL of a family, so some would not be looked at).
 */
int froute_local_read(struct froute_local *l);
/* The addresses of the list ifa, as froute_local_read. */
int froute_local_from(struct froute_local *l, const struct ifaddrs *ifa);

/* What the checks compare with: all of it the caller's, valid during the call. */
struct froute_ctx {
	const struct config_range *pools;	/* every pool's ranges, default and named */
	unsigned int n_pools;
	const struct in6_addr *pool6;		/* [ppp] ipv6-prefix; NULL: none */
	uint8_t pool6_len;
	const struct froute_local *local;
	const union sa46 *servers;		/* RADIUS authentication and accounting */
	unsigned int n_servers;
	const struct config_dae_client *dae;	/* [radius] dae-clients */
	unsigned int n_dae;
};

/*
 * The configuration's part of the context, copied (the privsep parent's
 * checker keeps one for the configuration it was made with).
 */
struct froute_conf {
	struct config_range pools[CONFIG_MAX_POOL_RANGES + CONFIG_MAX_NAMED_RANGES];
	unsigned int n_pools;
	struct in6_addr pool6;
	uint8_t pool6_len;			/* 0: no IPv6 prefix */
	union sa46 servers[2 * CONFIG_RADIUS_MAX_SERVERS];
	unsigned int n_servers;
	struct config_dae_client dae[CONFIG_DAE_CLIENTS_MAX];
	unsigned int n_dae;
};

/* cfg's pools (default and named, IPv6), RADIUS servers and DAE clients into fc. */
void froute_conf_from(struct froute_conf *fc, const struct l2sec_config *cfg);
/* A context over fc and local (both the caller's, valid while c is used). */
void froute_ctx_of(struct froute_ctx *c, const struct froute_conf *fc,
		   const struct froute_local *local);

struct froute_table;

struct froute_table *froute_table_new(void);
void froute_table_free(struct froute_table *t);
/* Routes held now, by every session together, of both families. */
unsigned int froute_count(const struct froute_table *t);

/*
 * May r be routed through client, a session of the client at public address
 * peer? FROUTE_OK, or why not. Touches nothing.
 */
enum froute_why froute_check(const struct froute_table *t, const struct froute_ctx *c,
			     const struct radius_route *r, struct in_addr client,
			     const union sa46 *peer);
/*
 * Does r hold peer's address (a tunnel's public end, IPv4 or IPv4-mapped)?
 * froute_check asks it of the client and of every route holder; the caller
 * asks struct froute_peers about the other tunnels (froute6_* the same for an
 * IPv6 route, which holds an IPv6 peer when it meets the peer's /64).
 */
bool froute_holds_peer(const struct radius_route *r, const union sa46 *peer);

/*
 * The public addresses of the tunnels and SAs (the privsep parent's), or of
 * the sessions' tunnels (one l2secd's), each counted (the tunnels behind one
 * NAT share one), so that a route holding any of them is refused in
 * O(log n), a lower bound of its network's first address compared with its
 * last (core/u32set.h's tree), rather than by a walk over every tunnel and
 * SA. A route holding one would take that peer's L2TP, ESP and IKE packets
 * into l2sec0. Both families in one tree of 128-bit values, each address as
 * froute_holds_peer and froute6_holds_peer see it: an IPv4 one (or an
 * IPv4-mapped IPv6 one) as its IPv4-mapped address, which only an IPv4 route
 * (or an IPv6 one inside ::ffff:0:0/96) can hold; an IPv6 one as its /64
 * (an IPv6 host has one to itself), which an IPv6 route meeting that /64
 * holds.
 */
struct froute_peers;

/* A peer's key in the index (froute_peer_of). */
struct froute_peer {
	uint8_t key[16];
};

/*
 * An index with room for cap addresses, then for twice as many each time it
 * is full when grow (never shrinking: as many as were held at once, at the
 * most twice over; else a full one takes no new address). NULL: no memory.
 */
struct froute_peers *froute_peers_new(uint32_t cap, bool grow);
void froute_peers_free(struct froute_peers *p);
/*
 * The key of peer (a tunnel's public end) in the index. False: nothing any
 * route holds (NULL, no address, an IPv6 one in ::/64), not to be added.
 */
bool froute_peer_of(const union sa46 *peer, struct froute_peer *k);
/*
 * One more holder of k. An address that finds no room makes every route
 * held (froute_peers_held, froute6_peers_held) until its holder is taken out
 * again: the index never says "none" while it misses one.
 */
void froute_peers_add(struct froute_peers *p, const struct froute_peer *k);
/* One holder of k fewer (each froute_peers_add undone once). */
void froute_peers_del(struct froute_peers *p, const struct froute_peer *k);
/*
 * Does r's network hold an address added (or was one left out)? As
 * froute_holds_peer would answer for one of them.
 */
bool froute_peers_held(const struct froute_peers *p, const struct radius_route *r);
/* The same for an IPv6 route, as froute6_holds_peer would answer. */
bool froute6_peers_held(const struct froute_peers *p, const struct radius_route6 *r);
/* Addresses held, distinct (those left out not counted). */
unsigned int froute_peers_count(const struct froute_peers *p);

/* Record r (checked) for owner. 0, or -1 when the table is full. */
int froute_hold(struct froute_table *t, const struct radius_route *r, const void *owner,
		const union sa46 *peer);
/* Forget owner's route r. */
void froute_drop(struct froute_table *t, const struct radius_route *r, const void *owner);

/*
 * The configuration's side of froute_check alone (pools, the gateway's
 * networks, RADIUS servers, DAE clients): a route held, judged again after a
 * reload. FROUTE_OK or why not.
 */
enum froute_why froute_check_config(const struct froute_ctx *c, const struct radius_route *r);

/*
 * owner's route r (through gw) could not be removed from the kernel: it stays
 * in the table without an owner, so that its network stays taken (and
 * counted) until froute_retry removes it.
 */
void froute_orphan(struct froute_table *t, const struct radius_route *r, const void *owner,
		   struct in_addr gw);
/* Routes left by froute_orphan. */
unsigned int froute_orphans(const struct froute_table *t);
/*
 * Try del (IPv4) or del6 (IPv6) on each orphan (0: removed from the kernel,
 * or not there); those removed leave the table. Returns how many are left.
 */
unsigned int froute_retry(struct froute_table *t,
			  int (*del)(void *ctx, struct in_addr net, uint8_t plen, struct in_addr gw),
			  int (*del6)(void *ctx, const struct in6_addr *net, uint8_t plen,
				      const struct in6_addr *gw),
			  void *ctx);

/* "NET/PLEN" into buf (at least INET_ADDRSTRLEN + 3). */
const char *froute_str(const struct radius_route *r, char *buf, size_t cap);

/*
 * Framed-IPv6-Route: the same checks, table and bounds, for a route through
 * client, the session's IPv6 address (its gateway must be "::" or an address
 * of client's /64). Besides IPv4's: FROUTE_SCOPE for a prefix that is not
 * global or unique-local unicast, FROUTE_OWN for one meeting client's /64,
 * FROUTE_POOL for one meeting [ppp] ipv6-prefix.
 */
enum froute_why froute6_check(const struct froute_table *t, const struct froute_ctx *c,
			      const struct radius_route6 *r, const struct in6_addr *client,
			      const union sa46 *peer);
bool froute6_holds_peer(const struct radius_route6 *r, const union sa46 *peer);
int froute6_hold(struct froute_table *t, const struct radius_route6 *r, const void *owner,
		 const union sa46 *peer);
void froute6_drop(struct froute_table *t, const struct radius_route6 *r, const void *owner);
enum froute_why froute6_check_config(const struct froute_ctx *c, const struct radius_route6 *r);
void froute6_orphan(struct froute_table *t, const struct radius_route6 *r, const void *owner,
		    const struct in6_addr *gw);
/* "PREFIX/PLEN" into buf (at least INET6_ADDRSTRLEN + 4). */
const char *froute6_str(const struct radius_route6 *r, char *buf, size_t cap);

#endif
