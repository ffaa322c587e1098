/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address pools for PPP sessions: IPv4 addresses out of the configured
 * ranges ([ppp] pool) and IPv6 /64s out of one prefix ([ppp] ipv6-prefix).
 *
 * Both hand out round-robin: the next free entry after the last one handed
 * out, so an entry just released is reused as late as possible (the previous
 * client's conntrack entries, ARP/ND caches and DNS names of it age out
 * first). A bitmap per range; no globals. Not thread-safe.
 *
 * IPv4 addresses are in network byte order (struct in_addr).
 */
#ifndef L2SECD_POOL_H
#define L2SECD_POOL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* The most addresses of one range ([ppp] pool). */
#define CONFIG_MAX_RANGE_SIZE (1u << 20)

/* Addresses first..last of an IPv4 pool, network byte order, first <= last. */
struct config_range {
	struct in_addr first, last;
	/*
	 * Written as a block A/N (N < 31, its network and broadcast addresses
	 * left out of first..last): N, the prefix its route has (poolrt.h).
	 * 0: an address or a range A-B. (32 bits: no padding in a struct that
	 * the configuration's checks compare whole.)
	 */
	uint32_t block;
};

#define CONFIG_MAX_NAMED_RANGES 64	/* the ranges of every named pool, together */
#define CONFIG_POOL_NAME_MAX 31

/* A range of a named pool ([ppp] named-pools "NAME:RANGE"): RADIUS's Framed-Pool. */
struct config_named_range {
	char name[CONFIG_POOL_NAME_MAX + 1];	/* letters, digits, '.', '_', '-' */
	struct config_range r;
};

struct pool;

/*
 * A pool of the ranges r[0..n-1], copied; n may be 0 (an empty pool). NULL
 * with errno ENOMEM, or EINVAL for a range that ends before it starts, holds
 * more than CONFIG_MAX_RANGE_SIZE addresses or overlaps another.
 */
struct pool *pool_new(const struct config_range *r, unsigned int n);
void pool_free(struct pool *p);

/* The next free address after the last one handed out; -1 when none is free. */
int pool_alloc(struct pool *p, struct in_addr *out);

bool pool_contains(const struct pool *p, struct in_addr a);

/*
 * Claim a given address (a user's static one, or a live session's after a
 * reload rebuilt the pool); the round-robin position stays. 0, or -1 with
 * errno EBUSY (in use) or ENOENT (not in the pool).
 */
int pool_take(struct pool *p, struct in_addr a);

/* Release; an address not in the pool or not in use is ignored. */
void pool_put(struct pool *p, struct in_addr a);

unsigned int pool_size(const struct pool *p);
unsigned int pool_in_use(const struct pool *p);

/*
 * [ppp] named-pools: a pool per name, of that name's ranges (anywhere in
 * the list), for the RADIUS server's Framed-Pool. The single daemon's
 * sessions and privsep's parent each keep one.
 */
struct named_pools {
	unsigned int n;
	struct {
		char name[CONFIG_POOL_NAME_MAX + 1];
		struct pool *p;
	} e[CONFIG_MAX_NAMED_RANGES];
};

/* The pools of r[0..n-1]: NULL when n is 0 (*err 0), or on failure (*err -1, errno). */
struct named_pools *named_pools_new(const struct config_named_range *r, unsigned int n, int *err);
void named_pools_free(struct named_pools *np);
/* Pool i of the name (np may be NULL): -1 when none is called so. */
int named_pools_find(const struct named_pools *np, const char *name);
/* The named pool that holds a: -1 when none. */
int named_pools_holding(const struct named_pools *np, struct in_addr a);
/* Bitmap words the searches looked at, all pools together: for the unit tests. */
extern uint64_t pool_probes;

#define POOL6_MAX (1u << 20)	/* /64s tracked at most */

struct pool6;

/*
 * The /64s of prefix/plen, plen 32..63 (bits past plen are ignored), but
 * for the first one (subnet id 0, prefix::/64, which operators usually give
 * the gateway itself) and at most the first POOL6_MAX of them: a /44 has
 * that many, a shorter prefix is only partly used, so memory stays bounded.
 * NULL with errno ENOMEM, or EINVAL for a plen out of range.
 */
struct pool6 *pool6_new(const struct in6_addr *prefix, unsigned int plen);
void pool6_free(struct pool6 *p);

/* A free /64 into *out64 (its last 64 bits zero), round-robin; -1 when none. */
int pool6_alloc(struct pool6 *p, struct in6_addr *out64);

/*
 * Claim or release the /64 that p64 is in (its last 64 bits are ignored);
 * as pool_take and pool_put.
 */
int pool6_take(struct pool6 *p, const struct in6_addr *p64);
void pool6_put(struct pool6 *p, const struct in6_addr *p64);

unsigned int pool6_size(const struct pool6 *p);
unsigned int pool6_in_use(const struct pool6 *p);

/* A /64 a client may have: not multicast, link-local, nor in ::/64 (unspecified, loopback). */
bool pool6_unicast64(const struct in6_addr *p64);
/* Is the /64 p64 inside prefix/plen (plen 0: no prefix, false)? */
bool pool6_in_prefix(const struct in6_addr *prefix, unsigned int plen, const struct in6_addr *p64);

#endif
