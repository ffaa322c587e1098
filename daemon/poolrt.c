// SPDX-License-Identifier: GPL-2.0
/* The address pools' routes through the data device (poolrt.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "datapath/netdev.h"
#include "poolrt.h"

/* Prefixes are counted first (p NULL), then written. */
struct plan {
	struct poolrt_pfx *p;
	unsigned int n;
};

static void put4(struct plan *pl, uint32_t net, unsigned int plen)
{
	if (pl->p)
		pl->p[pl->n] = (struct poolrt_pfx){ .family = AF_INET, .plen = plen,
						    .a.v4.s_addr = htonl(net) };
	pl->n++;
}

/* first..last (host order) as the largest aligned blocks, in order: at most 62. */
static void cover4(struct plan *pl, uint32_t first, uint32_t last)
{
	uint64_t a = first, end = (uint64_t)last + 1;

	while (a < end) {
		unsigned int k = a ? (unsigned int)__builtin_ctz((uint32_t)a) : 32;

		while (a + (1ull << k) > end)
			k--;
		put4(pl, (uint32_t)a, 32 - k);
		a += 1ull << k;
	}
}

/*
 * A block A/N is its one route: its network and broadcast addresses, which
 * the pool leaves out, are no client's, and reach l2sec0's "unreachable".
 */
static void range4(struct plan *pl, const struct config_range *r)
{
	if (r->block)
		put4(pl, ntohl(r->first.s_addr) - 1, r->block);
	else
		cover4(pl, ntohl(r->first.s_addr), ntohl(r->last.s_addr));
}

static void plan_all(struct plan *pl, const struct l2sec_config *cfg)
{
	for (unsigned int i = 0; i < cfg->n_pool; i++)
		range4(pl, &cfg->pool[i]);
	for (unsigned int i = 0; i < cfg->n_named_pool; i++)
		range4(pl, &cfg->named_pool[i].r);
	if (cfg->ipv6 && cfg->ipv6_prefix_len) {
		if (pl->p)
			pl->p[pl->n] = (struct poolrt_pfx){ .family = AF_INET6,
							    .plen = cfg->ipv6_prefix_len,
							    .a.v6 = cfg->ipv6_prefix };
		pl->n++;
	}
}

int poolrt_plan(struct poolrt *rt, const struct l2sec_config *cfg)
{
	struct plan pl = { 0 };

	memset(rt, 0, sizeof(*rt));
	plan_all(&pl, cfg);
	if (!pl.n)
		return 0;
	pl.p = calloc(pl.n, sizeof(*pl.p));
	if (!pl.p) {
		errno = ENOMEM;
		return -1;
	}
	pl.n = 0;
	plan_all(&pl, cfg);
	rt->p = pl.p;
	rt->n = pl.n;
	return 0;
}

void poolrt_free(struct poolrt *rt)
{
	free(rt->p);
	memset(rt, 0, sizeof(*rt));
}

/* Are the first plen bits of a and b the same? */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int n = plen / 8;

	if (memcmp(a, b, n))
		return false;
	return !(plen % 8) || !((a[n] ^ b[n]) & (uint8_t)(0xff << (8 - plen % 8)));
}

static const uint8_t *pfx_bytes(const struct poolrt_pfx *p)
{
	return p->family == AF_INET ? (const uint8_t *)&p->a.v4 : p->a.v6.s6_addr;
}

/* A session's IPv4 address, or its /64 (the prefixes are 64 long at most). */
bool poolrt_covers(const struct poolrt *rt, int family, const void *addr)
{
	for (unsigned int i = 0; rt && i < rt->n; i++) {
		const struct poolrt_pfx *p = &rt->p[i];

		if (p->up && p->family == family && prefix_eq(pfx_bytes(p), addr, p->plen))
			return true;
	}
	return false;
}

bool poolrt_is(const struct poolrt *rt, int family, const void *dst, unsigned int plen)
{
	for (unsigned int i = 0; rt && i < rt->n; i++) {
		const struct poolrt_pfx *p = &rt->p[i];

		if (p->up && p->family == family && p->plen == plen &&
		    prefix_eq(pfx_bytes(p), dst, plen))
			return true;
	}
	return false;
}

unsigned int poolrt_install(struct netdev *nd, struct poolrt *to, const struct poolrt *from)
{
	unsigned int failed = 0;
	char a[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < to->n; i++) {
		struct poolrt_pfx *p = &to->p[i];

		p->up = from && poolrt_is(from, p->family, &p->a, p->plen);
		if (p->up)
			continue;
		if (netdev_pool_route_add(nd, p->family, &p->a, p->plen) == 0) {
			p->up = true;
			continue;
		}
		failed++;
		inet_ntop(p->family, &p->a, a, sizeof(a));
		log_warn("pool route %s/%u through %s not added: its sessions get a host route "
			 "each", a, p->plen, netdev_name(nd));
	}
	return failed;
}

void poolrt_remove(struct netdev *nd, const struct poolrt *from, const struct poolrt *to,
		   bool (*held)(void *ctx, int family, const void *dst, unsigned int plen),
		   void *ctx)
{
	for (unsigned int i = 0; from && i < from->n; i++) {
		const struct poolrt_pfx *p = &from->p[i];

		if (!p->up || poolrt_is(to, p->family, &p->a, p->plen) ||
		    (held && held(ctx, p->family, &p->a, p->plen)))
			continue;
		netdev_route_del(nd, p->family, &p->a, p->plen);
	}
}
