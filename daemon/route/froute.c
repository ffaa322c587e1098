// SPDX-License-Identifier: GPL-2.0
/*
 * Framed-Route checks and the table of the routes held (froute.h). The table
 * is a flat array searched linearly: at most FROUTE_MAX entries, looked at
 * once per route a session brings (16 at most), never per packet.
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
	struct in_addr net;
	uint8_t plen;
	const void *owner;		/* NULL: an orphan, through gw (froute_orphan) */
	struct in_addr gw;
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

/* Does the range [first, last] meet NET/PLEN? */
static bool range_overlaps(const struct config_range *r, struct in_addr net, unsigned int plen)
{
	uint32_t lo = ntohl(net.s_addr), hi = lo | ~mask_of(plen);

	return ntohl(r->first.s_addr) <= hi && ntohl(r->last.s_addr) >= lo;
}

static void peer_key(const struct sockaddr_storage *ss, uint8_t out[16])
{
	memset(out, 0, 16);
	if (ss && ss->ss_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss && ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

		/* an IPv6 host has a /64 to itself: one peer, as authlimit counts it */
		memcpy(out, a, IN6_IS_ADDR_V4MAPPED(a) ? 16 : 8);
	}
}

int froute_local_from(struct froute_local *l, const struct ifaddrs *ifa)
{
	const struct ifaddrs *i;

	l->n = 0;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t m;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
			continue;
		if (l->n == FROUTE_MAX_LOCAL) {
			/* one not looked at could be overlapped: none passes */
			l->n = 0;
			errno = E2BIG;
			return -1;
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

	l->n = 0;
	if (getifaddrs(&ifa) < 0)
		return -1;
	err = froute_local_from(l, ifa);
	freeifaddrs(ifa);
	return err;
}

/* The servers of a [radius] list into out from *n on; a list that does not parse adds none. */
static void conf_servers(const char *list, struct sockaddr_storage *out, unsigned int *n)
{
	char why[128];
	int got = list[0] ? config_radius_servers(list, 1812, out + *n, why, sizeof(why)) : 0;

	*n += got > 0 ? (unsigned int)got : 0;
}

void froute_conf_from(struct froute_conf *fc, const struct l2sec_config *cfg)
{
	unsigned int i;

	memset(fc, 0, sizeof(*fc));
	memcpy(fc->pools, cfg->pool, cfg->n_pool * sizeof(cfg->pool[0]));
	for (i = 0; i < cfg->n_named_pool; i++)
		fc->pools[cfg->n_pool + i] = cfg->named_pool[i].r;
	fc->n_pools = cfg->n_pool + cfg->n_named_pool;
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

static bool holds_key(const struct radius_route *r, const uint8_t key[16])
{
	struct in_addr a;

	return key_v4(key, &a) && nets_overlap(r->net, r->plen, a, 32);
}

bool froute_holds_peer(const struct radius_route *r, const struct sockaddr_storage *peer)
{
	uint8_t key[16];

	if (!peer)
		return false;
	peer_key(peer, key);
	return holds_key(r, key);
}

struct froute_peers {
	struct u32tree t;	/* the addresses, host order */
	bool grow;
	uint32_t missed;	/* holders not in t (no room): every route is held */
};

struct froute_peers *froute_peers_new(uint32_t cap, bool grow)
{
	struct froute_peers *p = calloc(1, sizeof(*p));

	if (!p || u32tree_init(&p->t, cap) < 0) {
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
	u32tree_free(&p->t);
	free(p);
}

bool froute_peer_v4(const struct sockaddr_storage *peer, struct in_addr *a)
{
	uint8_t key[16];

	if (!peer)
		return false;
	peer_key(peer, key);
	return key_v4(key, a);
}

void froute_peers_add(struct froute_peers *p, struct in_addr a)
{
	uint32_t v = ntohl(a.s_addr);

	if (u32tree_add(&p->t, v) == 0)
		return;
	if (p->grow && p->t.n == p->t.cap && u32tree_grow(&p->t, p->t.cap * 2) == 0 &&
	    u32tree_add(&p->t, v) == 0)
		return;
	p->missed++;
}

void froute_peers_del(struct froute_peers *p, struct in_addr a)
{
	/*
	 * not in the tree: a holder whose add found no room (this one or another
	 * of the same address, alike: what is left to undo is the same)
	 */
	if (!u32tree_del(&p->t, ntohl(a.s_addr)) && p->missed)
		p->missed--;
}

bool froute_peers_held(const struct froute_peers *p, const struct radius_route *r)
{
	uint32_t lo = ntohl(r->net.s_addr) & mask_of(r->plen);

	return p->missed || u32tree_any(&p->t, lo, lo | ~mask_of(r->plen));
}

unsigned int froute_peers_count(const struct froute_peers *p)
{
	return p->t.n;
}

enum froute_why froute_check(const struct froute_table *t, const struct froute_ctx *c,
			     const struct radius_route *r, struct in_addr client,
			     const struct sockaddr_storage *peer)
{
	enum froute_why why = check_shape(r, client);
	unsigned int i, of_peer = 0;
	uint8_t key[16];

	if (why == FROUTE_OK)
		why = check_gateway(c, r);
	if (why != FROUTE_OK)
		return why;
	peer_key(peer, key);
	if (holds_key(r, key))
		return FROUTE_PEER_ADDR;
	for (i = 0; i < t->n; i++) {
		if (nets_overlap(r->net, r->plen, t->e[i].net, t->e[i].plen))
			return FROUTE_TAKEN;
		if (holds_key(r, t->e[i].peer))
			return FROUTE_PEER_ADDR;
		of_peer += !memcmp(t->e[i].peer, key, sizeof(key));
	}
	if (of_peer >= FROUTE_MAX_PER_PEER)
		return FROUTE_PEER_LIMIT;
	if (t->n >= FROUTE_MAX)
		return FROUTE_LIMIT;
	return FROUTE_OK;
}

int froute_hold(struct froute_table *t, const struct radius_route *r, const void *owner,
		const struct sockaddr_storage *peer)
{
	struct froute_entry *e;

	if (t->n >= FROUTE_MAX) {
		errno = ENOSPC;
		return -1;
	}
	e = &t->e[t->n++];
	e->net = r->net;
	e->plen = r->plen;
	e->owner = owner;
	e->gw.s_addr = INADDR_ANY;
	peer_key(peer, e->peer);
	return 0;
}

void froute_drop(struct froute_table *t, const struct radius_route *r, const void *owner)
{
	unsigned int i;

	if (!owner)
		return;		/* orphans leave by froute_retry only */
	for (i = 0; i < t->n; i++) {
		if (t->e[i].owner != owner || t->e[i].net.s_addr != r->net.s_addr ||
		    t->e[i].plen != r->plen)
			continue;
		t->e[i] = t->e[--t->n];	/* order does not matter */
		return;
	}
}

enum froute_why froute_check_config(const struct froute_ctx *c, const struct radius_route *r)
{
	return check_gateway(c, r);
}

void froute_orphan(struct froute_table *t, const struct radius_route *r, const void *owner,
		   struct in_addr gw)
{
	unsigned int i;

	if (!owner)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->e[i].owner != owner || t->e[i].net.s_addr != r->net.s_addr ||
		    t->e[i].plen != r->plen)
			continue;
		t->e[i].owner = NULL;
		t->e[i].gw = gw;
		t->orphans++;
		return;
	}
}

unsigned int froute_orphans(const struct froute_table *t)
{
	return t->orphans;
}

unsigned int froute_retry(struct froute_table *t,
			  int (*del)(void *ctx, struct in_addr net, uint8_t plen, struct in_addr gw),
			  void *ctx)
{
	unsigned int i = 0;

	while (t->orphans && i < t->n) {
		struct froute_entry *e = &t->e[i];

		if (e->owner || del(ctx, e->net, e->plen, e->gw) < 0) {
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
