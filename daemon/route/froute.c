// SPDX-License-Identifier: GPL-2.0
/*
 * Framed-Route checks and the table of the routes held (froute.h). The table
 * is a flat array searched linearly: at most FROUTE_MAX entries, looked at
 * once per route a session brings (16 of each family at most), never per
 * packet. Its entries are of both families, an IPv4 network held as its
 * IPv4-mapped IPv6 prefix (::ffff:NET/96+PLEN): one overlap test for both,
 * and no IPv4 network ever meets an IPv6 one (an IPv6 route inside
 * ::ffff:0:0/96 is refused, FROUTE_SCOPE).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/u32set.h"
#include "route/froute.h"

struct froute_entry {
	struct in6_addr net;	/* IPv4: mapped */
	uint8_t plen;		/* of net: IPv4's + 96 */
	const void *owner;		/* NULL: an orphan, through gw (froute_orphan) */
	struct in6_addr gw;	/* IPv4: mapped */
	uint8_t peer[16];	/* the client's public address, IPv4 mapped; IPv6: its /64 */
};

struct froute_table {
	unsigned int n;
	unsigned int orphans;
	struct froute_entry e[FROUTE_MAX];
};

static const char *const why_str[] = {
	[FROUTE_OK] = "ok",
	[FROUTE_DEFAULT] = "a default route",
	[FROUTE_SHORT] = "a prefix shorter than /8",
	[FROUTE_GATEWAY] = "its gateway is not the client",
	[FROUTE_OWN] = "it holds the client's own address",
	[FROUTE_POOL] = "it overlaps an address pool",
	[FROUTE_LOCAL] = "it overlaps the gateway's own addresses or networks",
	[FROUTE_PEER_ADDR] = "it holds a tunnel's public address",
	[FROUTE_SERVER] = "it holds a RADIUS server or a DAE client's network",
	[FROUTE_TAKEN] = "it overlaps another session's framed route",
	[FROUTE_PEER_LIMIT] = "the client's public address has too many framed routes",
	[FROUTE_LIMIT] = "the gateway has too many framed routes",
	[FROUTE_PRIVSEP] = "the privileged parent refused it",
	[FROUTE_TUN] = "framed routes need the kernel data path",
	[FROUTE_KERNEL] = "the kernel refused the route",
	[FROUTE_SCOPE] = "not a global or unique-local unicast prefix",
};

const char *froute_why_str(enum froute_why why)
{
	if ((size_t)why >= sizeof(why_str) / sizeof(why_str[0]) || !why_str[why])
		return "?";
	return why_str[why];
}

static uint32_t mask_of(unsigned int plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
}

/* Do NET1/PLEN1 and NET2/PLEN2 share an address (one holds the other)? */
static bool nets_overlap(struct in_addr a, unsigned int alen, struct in_addr b,
			 unsigned int blen)
{
	uint32_t m = mask_of(alen < blen ? alen : blen);

	return ((ntohl(a.s_addr) ^ ntohl(b.s_addr)) & m) == 0;
}

/* Do the IPv6 prefixes A/ALEN and B/BLEN share an address? */
static bool nets6_overlap(const struct in6_addr *a, unsigned int alen, const struct in6_addr *b,
			  unsigned int blen)
{
	unsigned int bits = alen < blen ? alen : blen, i;

	for (i = 0; i < 16 && bits; i++) {
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a->s6_addr[i] ^ b->s6_addr[i]) & m)
			return false;
		bits = bits >= 8 ? bits - 8 : 0;
	}
	return true;
}

/* An IPv4 address as IPv4-mapped IPv6. */
static struct in6_addr mapped(struct in_addr a)
{
	struct in6_addr m = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	memcpy(&m.s6_addr[12], &a.s_addr, 4);
	return m;
}

/* Is the (IPv6) prefix NET/PLEN inside ::ffff:0:0/96, an IPv4 entry's? */
static bool is_mapped(const struct in6_addr *net, unsigned int plen)
{
	static const struct in6_addr v4 = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	return plen >= 96 && nets6_overlap(net, 96, &v4, 96);
}

static struct in_addr unmapped(const struct in6_addr *m)
{
	struct in_addr a;

	memcpy(&a.s_addr, &m->s6_addr[12], 4);
	return a;
}

/* Does the range [first, last] meet NET/PLEN? */
static bool range_overlaps(const struct config_range *r, struct in_addr net, unsigned int plen)
{
	uint32_t lo = ntohl(net.s_addr), hi = lo | ~mask_of(plen);

	return ntohl(r->first.s_addr) <= hi && ntohl(r->last.s_addr) >= lo;
}

static void peer_key(const union sa46 *sa, uint8_t out[16])
{
	memset(out, 0, 16);
	if (sa && sa->sa.sa_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &sa->sin.sin_addr, 4);
	} else if (sa && sa->sa.sa_family == AF_INET6) {
		const struct in6_addr *a = &sa->sin6.sin6_addr;

		/* an IPv6 host has a /64 to itself: one peer, as authlimit counts it */
		memcpy(out, a, IN6_IS_ADDR_V4MAPPED(a) ? 16 : 8);
	}
}

int froute_local_from(struct froute_local *l, const struct ifaddrs *ifa)
{
	const struct ifaddrs *i;

	l->n = l->n6 = 0;
	for (i = ifa; i; i = i->ifa_next) {
		int fam = i->ifa_addr ? i->ifa_addr->sa_family : AF_UNSPEC;
		uint32_t m;

		if ((fam != AF_INET && fam != AF_INET6) || !i->ifa_netmask ||
		    i->ifa_netmask->sa_family != fam)
			continue;
		if ((fam == AF_INET ? l->n : l->n6) == FROUTE_MAX_LOCAL) {
			/* one not looked at could be overlapped: none passes */
			l->n = l->n6 = 0;
			errno = E2BIG;
			return -1;
		}
		if (fam == AF_INET6) {
			const struct in6_addr *m6 =
				&((const struct sockaddr_in6 *)(const void *)i->ifa_netmask)->sin6_addr;
			unsigned int plen = 0;

			for (unsigned int b = 0; b < 16; b++)
				plen += (unsigned int)__builtin_popcount(m6->s6_addr[b]);
			l->e6[l->n6].addr =
				((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
			l->e6[l->n6].plen = (uint8_t)plen;
			l->n6++;
			continue;
		}
		m = ntohl(((const struct sockaddr_in *)(const void *)i->ifa_netmask)->sin_addr.s_addr);
		l->e[l->n].addr = ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr;
		l->e[l->n].plen = (uint8_t)__builtin_popcount(m);
		l->n++;
	}
	return 0;
}

int froute_local_read(struct froute_local *l)
{
	struct ifaddrs *ifa;
	int err;

	l->n = l->n6 = 0;
	if (getifaddrs(&ifa) < 0)
		return -1;
	err = froute_local_from(l, ifa);
	freeifaddrs(ifa);
	return err;
}

/* The servers of a [radius] list into out from *n on; a list that does not parse adds none. */
static void conf_servers(const char *list, union sa46 *out, unsigned int *n)
{
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[128];
	int got = list[0] ? config_radius_servers(list, 1812, ss, why, sizeof(why)) : 0;

	for (int i = 0; i < got; i++)	/* the parser's: IPv4 or IPv6 */
		if (sa46_from(&out[*n], &ss[i], sizeof(ss[i])) == 0)
			(*n)++;
}

void froute_conf_from(struct froute_conf *fc, const struct l2sec_config *cfg)
{
	unsigned int i;

	memset(fc, 0, sizeof(*fc));
	memcpy(fc->pools, cfg->pool, cfg->n_pool * sizeof(cfg->pool[0]));
	for (i = 0; i < cfg->n_named_pool; i++)
		fc->pools[cfg->n_pool + i] = cfg->named_pool[i].r;
	fc->n_pools = cfg->n_pool + cfg->n_named_pool;
	if (cfg->ipv6 && cfg->ipv6_prefix_len) {
		fc->pool6 = cfg->ipv6_prefix;
		fc->pool6_len = (uint8_t)cfg->ipv6_prefix_len;
	}
	conf_servers(cfg->radius.auth_servers, fc->servers, &fc->n_servers);
	conf_servers(cfg->radius.acct_servers, fc->servers, &fc->n_servers);
	memcpy(fc->dae, cfg->radius.dae_clients,
	       cfg->radius.n_dae_clients * sizeof(cfg->radius.dae_clients[0]));
	fc->n_dae = cfg->radius.n_dae_clients;
}

void froute_ctx_of(struct froute_ctx *c, const struct froute_conf *fc,
		   const struct froute_local *local)
{
	c->pools = fc->pools;
	c->n_pools = fc->n_pools;
	c->pool6 = fc->pool6_len ? &fc->pool6 : NULL;
	c->pool6_len = fc->pool6_len;
	c->local = local;
	c->servers = fc->servers;
	c->n_servers = fc->n_servers;
	c->dae = fc->dae;
	c->n_dae = fc->n_dae;
}

struct froute_table *froute_table_new(void)
{
	return calloc(1, sizeof(struct froute_table));
}

void froute_table_free(struct froute_table *t)
{
	free(t);
}

unsigned int froute_count(const struct froute_table *t)
{
	return t->n;
}

/* The route's own checks: its shape, its gateway, the client's address. */
static enum froute_why check_shape(const struct radius_route *r, struct in_addr client)
{
	if (r->plen == 0)
		return FROUTE_DEFAULT;
	if (r->plen < FROUTE_MIN_PLEN)
		return FROUTE_SHORT;
	if (r->gw.s_addr != INADDR_ANY && r->gw.s_addr != client.s_addr)
		return FROUTE_GATEWAY;
	if (nets_overlap(r->net, r->plen, client, 32))
		return FROUTE_OWN;
	return FROUTE_OK;
}

/* The gateway's side: its pools, its own networks (each interface's address and prefix). */
static enum froute_why check_gateway(const struct froute_ctx *c, const struct radius_route *r)
{
	unsigned int i;

	for (i = 0; i < c->n_pools; i++)
		if (range_overlaps(&c->pools[i], r->net, r->plen))
			return FROUTE_POOL;
	for (i = 0; c->local && i < c->local->n; i++)
		if (nets_overlap(r->net, r->plen, c->local->e[i].addr, c->local->e[i].plen))
			return FROUTE_LOCAL;
	for (i = 0; i < c->n_servers; i++)
		if (froute_holds_peer(r, &c->servers[i]))
			return FROUTE_SERVER;
	for (i = 0; i < c->n_dae; i++) {
		const struct sockaddr_storage *n = &c->dae[i].net;

		if (n->ss_family == AF_INET &&
		    nets_overlap(r->net, r->plen, ((const struct sockaddr_in *)n)->sin_addr,
				 c->dae[i].plen))
			return FROUTE_SERVER;
	}
	return FROUTE_OK;
}

/* The IPv4 address in a peer key (IPv4-mapped), or false for an IPv6 one. */
static bool key_v4(const uint8_t key[16], struct in_addr *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(key, mapped, sizeof(mapped)))
		return false;
	memcpy(&a->s_addr, key + 12, 4);
	return true;
}

/*
 * Does the prefix NET/PLEN (IPv4 mapped) hold the peer of key: an IPv4
 * address, or an IPv6 host's /64?
 */
static bool holds_key(const struct in6_addr *net, unsigned int plen, const uint8_t key[16])
{
	static const uint8_t none[16];
	struct in6_addr k;
	struct in_addr a;

	if (!memcmp(key, none, sizeof(none)))
		return false;	/* no peer */
	memcpy(&k, key, 16);
	if (key_v4(key, &a))
		return nets6_overlap(net, plen, &k, 128);
	/* an IPv6 host's /64 never holds an IPv4 network's mapped prefix */
	return !is_mapped(net, plen) && nets6_overlap(net, plen, &k, 64);
}

bool froute_holds_peer(const struct radius_route *r, const union sa46 *peer)
{
	struct in6_addr net = mapped(r->net);
	uint8_t key[16];

	if (!peer)
		return false;
	peer_key(peer, key);
	return holds_key(&net, r->plen + 96u, key);
}

struct froute_peers {
	struct u128tree t;	/* the peers' keys (froute_peer_of), big-endian */
	bool grow;
	uint32_t missed;	/* holders not in t (no room): every route is held */
};

struct froute_peers *froute_peers_new(uint32_t cap, bool grow)
{
	struct froute_peers *p = calloc(1, sizeof(*p));

	if (!p || u128tree_init(&p->t, cap) < 0) {
		free(p);
		return NULL;
	}
	p->grow = grow;
	return p;
}

void froute_peers_free(struct froute_peers *p)
{
	if (!p)
		return;
	u128tree_free(&p->t);
	free(p);
}

bool froute_peer_of(const union sa46 *peer, struct froute_peer *k)
{
	static const uint8_t none[16];

	peer_key(peer, k->key);
	return memcmp(k->key, none, sizeof(none)) != 0;
}

/* 16 bytes, big-endian, as a value of the tree. */
static struct u128 u128_of(const uint8_t b[16])
{
	struct u128 v = { 0, 0 };

	for (unsigned int i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | b[i];
		v.lo = v.lo << 8 | b[8 + i];
	}
	return v;
}

void froute_peers_add(struct froute_peers *p, const struct froute_peer *k)
{
	struct u128 v = u128_of(k->key);

	if (u128tree_add(&p->t, v) == 0)
		return;
	if (p->grow && p->t.n == p->t.cap && u128tree_grow(&p->t, p->t.cap * 2) == 0 &&
	    u128tree_add(&p->t, v) == 0)
		return;
	p->missed++;
}

void froute_peers_del(struct froute_peers *p, const struct froute_peer *k)
{
	/*
	 * not in the tree: a holder whose add found no room (this one or another
	 * of the same address, alike: what is left to undo is the same)
	 */
	if (!u128tree_del(&p->t, u128_of(k->key)) && p->missed)
		p->missed--;
}

/* Does the prefix NET/PLEN (IPv4 mapped) hold a key of the tree? */
static bool peers_in(const struct froute_peers *p, const struct in6_addr *net, unsigned int plen)
{
	uint64_t mhi = plen == 0 ? 0 : plen >= 64 ? UINT64_MAX : ~(UINT64_MAX >> plen);
	uint64_t mlo = plen <= 64 ? 0 : plen >= 128 ? UINT64_MAX : ~(UINT64_MAX >> (plen - 64));
	struct u128 lo = u128_of(net->s6_addr), hi;

	lo.hi &= mhi;
	lo.lo &= mlo;
	hi = (struct u128){ lo.hi | ~mhi, lo.lo | ~mlo };
	return p->missed || u128tree_any(&p->t, lo, hi);
}

bool froute_peers_held(const struct froute_peers *p, const struct radius_route *r)
{
	struct in6_addr net = mapped(r->net);

	return peers_in(p, &net, r->plen + 96u);
}

bool froute6_peers_held(const struct froute_peers *p, const struct radius_route6 *r)
{
	static const uint8_t zero[8];
	unsigned int plen = r->plen;

	/*
	 * An IPv6 peer's key is its /64 (low half zero): a longer prefix meets
	 * it when it lies in that /64, so it is asked as its /64. Not in ::/64,
	 * where only IPv4-mapped keys are (no IPv6 peer's), each held by the
	 * prefix itself.
	 */
	if (plen > 64 && memcmp(r->net.s6_addr, zero, sizeof(zero)))
		plen = 64;
	return peers_in(p, &r->net, plen);
}

unsigned int froute_peers_count(const struct froute_peers *p)
{
	return p->t.n;
}

/*
 * The table's side, of both families (NET/PLEN IPv4 mapped): another
 * session's route meeting it, a route holding a tunnel's public address,
 * the bounds per peer and in all.
 */
static enum froute_why check_table(const struct froute_table *t, const struct in6_addr *net,
				   unsigned int plen, const union sa46 *peer)
{
	unsigned int i, of_peer = 0;
	uint8_t key[16];

	peer_key(peer, key);
	if (holds_key(net, plen, key))
		return FROUTE_PEER_ADDR;
	for (i = 0; i < t->n; i++) {
		if (nets6_overlap(net, plen, &t->e[i].net, t->e[i].plen))
			return FROUTE_TAKEN;
		if (holds_key(net, plen, t->e[i].peer))
			return FROUTE_PEER_ADDR;
		of_peer += !memcmp(t->e[i].peer, key, sizeof(key));
	}
	if (of_peer >= FROUTE_MAX_PER_PEER)
		return FROUTE_PEER_LIMIT;
	if (t->n >= FROUTE_MAX)
		return FROUTE_LIMIT;
	return FROUTE_OK;
}

enum froute_why froute_check(const struct froute_table *t, const struct froute_ctx *c,
			     const struct radius_route *r, struct in_addr client,
			     const union sa46 *peer)
{
	enum froute_why why = check_shape(r, client);
	struct in6_addr net = mapped(r->net);

	if (why == FROUTE_OK)
		why = check_gateway(c, r);
	if (why != FROUTE_OK)
		return why;
	return check_table(t, &net, r->plen + 96u, peer);
}

static int hold(struct froute_table *t, const struct in6_addr *net, unsigned int plen,
		const void *owner, const union sa46 *peer)
{
	struct froute_entry *e;

	if (t->n >= FROUTE_MAX) {
		errno = ENOSPC;
		return -1;
	}
	e = &t->e[t->n++];
	e->net = *net;
	e->plen = (uint8_t)plen;
	e->owner = owner;
	memset(&e->gw, 0, sizeof(e->gw));
	peer_key(peer, e->peer);
	return 0;
}

int froute_hold(struct froute_table *t, const struct radius_route *r, const void *owner,
		const union sa46 *peer)
{
	struct in6_addr net = mapped(r->net);

	return hold(t, &net, r->plen + 96u, owner, peer);
}

/* owner's entry for NET/PLEN (IPv4 mapped), or NULL. */
static struct froute_entry *find(struct froute_table *t, const struct in6_addr *net,
				 unsigned int plen, const void *owner)
{
	for (unsigned int i = 0; owner && i < t->n; i++)
		if (t->e[i].owner == owner && t->e[i].plen == plen &&
		    !memcmp(&t->e[i].net, net, sizeof(*net)))
			return &t->e[i];
	return NULL;
}

/* Orphans leave by froute_retry only (no owner: nothing found). */
static void drop(struct froute_table *t, const struct in6_addr *net, unsigned int plen,
		 const void *owner)
{
	struct froute_entry *e = find(t, net, plen, owner);

	if (e)
		*e = t->e[--t->n];	/* order does not matter */
}

void froute_drop(struct froute_table *t, const struct radius_route *r, const void *owner)
{
	struct in6_addr net = mapped(r->net);

	drop(t, &net, r->plen + 96u, owner);
}

enum froute_why froute_check_config(const struct froute_ctx *c, const struct radius_route *r)
{
	return check_gateway(c, r);
}

static void orphan(struct froute_table *t, const struct in6_addr *net, unsigned int plen,
		   const void *owner, const struct in6_addr *gw)
{
	struct froute_entry *e = find(t, net, plen, owner);

	if (!e)
		return;
	e->owner = NULL;
	e->gw = *gw;
	t->orphans++;
}

void froute_orphan(struct froute_table *t, const struct radius_route *r, const void *owner,
		   struct in_addr gw)
{
	struct in6_addr net = mapped(r->net), g = mapped(gw);

	orphan(t, &net, r->plen + 96u, owner, &g);
}

unsigned int froute_orphans(const struct froute_table *t)
{
	return t->orphans;
}

unsigned int froute_retry(struct froute_table *t,
			  int (*del)(void *ctx, struct in_addr net, uint8_t plen, struct in_addr gw),
			  int (*del6)(void *ctx, const struct in6_addr *net, uint8_t plen,
				      const struct in6_addr *gw),
			  void *ctx)
{
	unsigned int i = 0;

	while (t->orphans && i < t->n) {
		struct froute_entry *e = &t->e[i];
		int err = -1;

		if (!e->owner && is_mapped(&e->net, e->plen))
			err = del(ctx, unmapped(&e->net), (uint8_t)(e->plen - 96), unmapped(&e->gw));
		else if (!e->owner && del6)
			err = del6(ctx, &e->net, e->plen, &e->gw);
		if (err < 0) {
			i++;
			continue;
		}
		t->orphans--;
		*e = t->e[--t->n];	/* the last one moves here: looked at next */
	}
	return t->orphans;
}

const char *froute_str(const struct radius_route *r, char *buf, size_t cap)
{
	char a[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &r->net, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, cap, "%s/%u", a, r->plen);
	return buf;
}

/* --- Framed-IPv6-Route -------------------------------------------------------------- */

/*
 * Global or unique-local unicast only: not ::/8 (unspecified, loopback, the
 * IPv4-mapped and -compatible addresses, which would meet IPv4 entries),
 * not link-local (fe80::/10, the gateway's own on every link), not
 * multicast (ff00::/8), nor a prefix holding any of those.
 */
static bool scope_ok(const struct in6_addr *net, unsigned int plen)
{
	static const struct { uint8_t b0, b1; unsigned int len; } bad[] = {
		{ 0x00, 0x00, 8 }, { 0xfe, 0x80, 10 }, { 0xff, 0x00, 8 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct in6_addr b = { .s6_addr = { bad[i].b0, bad[i].b1 } };

		if (nets6_overlap(net, plen, &b, bad[i].len))
			return false;
	}
	return true;
}

static enum froute_why check_shape6(const struct radius_route6 *r, const struct in6_addr *client)
{
	if (r->plen == 0)
		return FROUTE_DEFAULT;
	if (r->plen < FROUTE_MIN_PLEN6)
		return FROUTE_SHORT;
	if (!scope_ok(&r->net, r->plen))
		return FROUTE_SCOPE;
	if (!IN6_IS_ADDR_UNSPECIFIED(&r->gw) && !nets6_overlap(&r->gw, 64, client, 64))
		return FROUTE_GATEWAY;
	if (nets6_overlap(&r->net, r->plen, client, 64))
		return FROUTE_OWN;
	return FROUTE_OK;
}

static bool holds_server6(const struct radius_route6 *r, const union sa46 *sa)
{
	return sa->sa.sa_family == AF_INET6 &&
	       nets6_overlap(&r->net, r->plen, &sa->sin6.sin6_addr, 128);
}

static enum froute_why check_gateway6(const struct froute_ctx *c, const struct radius_route6 *r)
{
	unsigned int i;

	if (c->pool6 && nets6_overlap(&r->net, r->plen, c->pool6, c->pool6_len))
		return FROUTE_POOL;
	for (i = 0; c->local && i < c->local->n6; i++)
		if (nets6_overlap(&r->net, r->plen, &c->local->e6[i].addr, c->local->e6[i].plen))
			return FROUTE_LOCAL;
	for (i = 0; i < c->n_servers; i++)
		if (holds_server6(r, &c->servers[i]))
			return FROUTE_SERVER;
	for (i = 0; i < c->n_dae; i++) {
		const struct sockaddr_storage *n = &c->dae[i].net;

		if (n->ss_family == AF_INET6 &&
		    nets6_overlap(&r->net, r->plen, &((const struct sockaddr_in6 *)n)->sin6_addr,
				  c->dae[i].plen))
			return FROUTE_SERVER;
	}
	return FROUTE_OK;
}

bool froute6_holds_peer(const struct radius_route6 *r, const union sa46 *peer)
{
	uint8_t key[16];

	if (!peer)
		return false;
	peer_key(peer, key);
	return holds_key(&r->net, r->plen, key);
}

enum froute_why froute6_check(const struct froute_table *t, const struct froute_ctx *c,
			      const struct radius_route6 *r, const struct in6_addr *client,
			      const union sa46 *peer)
{
	enum froute_why why = check_shape6(r, client);

	if (why == FROUTE_OK)
		why = check_gateway6(c, r);
	if (why != FROUTE_OK)
		return why;
	return check_table(t, &r->net, r->plen, peer);
}

int froute6_hold(struct froute_table *t, const struct radius_route6 *r, const void *owner,
		 const union sa46 *peer)
{
	return hold(t, &r->net, r->plen, owner, peer);
}

void froute6_drop(struct froute_table *t, const struct radius_route6 *r, const void *owner)
{
	drop(t, &r->net, r->plen, owner);
}

enum froute_why froute6_check_config(const struct froute_ctx *c, const struct radius_route6 *r)
{
	return check_gateway6(c, r);
}

void froute6_orphan(struct froute_table *t, const struct radius_route6 *r, const void *owner,
		    const struct in6_addr *gw)
{
	orphan(t, &r->net, r->plen, owner, gw);
}

const char *froute6_str(const struct radius_route6 *r, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(AF_INET6, &r->net, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, cap, "%s/%u", a, r->plen);
	return buf;
}
