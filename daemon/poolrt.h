/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address pools' routes through the data device (issue 19): the IPv4
 * pools ([ppp] pool and named-pools) as the fewest prefixes that hold their
 * ranges exactly, and [ppp] ipv6-prefix as one, instead of a host route per
 * session. The data device finds the session by the packet's destination
 * (l2sec.ko's table, the TUN path's index), so the stack need only send the
 * pools' packets to it. A session's address outside every installed prefix
 * (a RADIUS Framed-IP-Address, a Framed-IPv6-Prefix outside the prefix, a
 * pool whose route could not be added) keeps a host route of its own.
 *
 * Whoever holds the device installs them: a single l2secd's PPP layer
 * (sess.c), the privsep parent (privsep.c). Event loop only.
 */
#ifndef L2SECD_POOLRT_H
#define L2SECD_POOLRT_H

#include <netinet/in.h>
#include <stdbool.h>

#include "conf/config.h"

struct netdev;

struct poolrt_pfx {
	int family;			/* AF_INET or AF_INET6 */
	unsigned int plen;
	union {
		struct in_addr v4;	/* network byte order */
		struct in6_addr v6;
	} a;
	bool up;			/* installed: poolrt_install added it, or it was there */
};

struct poolrt {
	unsigned int n;
	struct poolrt_pfx *p;		/* NULL when n is 0 */
};

/*
 * The prefixes of cfg's pools into *rt (none installed yet): a block A/N
 * as written; a range A-B as the fewest prefixes that cover it and nothing
 * else (2^k aligned addresses are one; 62 at most); [ppp] ipv6-prefix when
 * ipv6 = yes. 0, or -1 with errno ENOMEM.
 */
int poolrt_plan(struct poolrt *rt, const struct l2sec_config *cfg);
void poolrt_free(struct poolrt *rt);

/* Is addr (IPv4, or the first address of an IPv6 /64) inside an installed prefix of rt? */
bool poolrt_covers(const struct poolrt *rt, int family, const void *addr);
/* Is dst/plen one of rt's installed prefixes, exactly? */
bool poolrt_is(const struct poolrt *rt, int family, const void *dst, unsigned int plen);

/*
 * Add to's routes through nd (as NETDEV_RTPROT, netdev_pool_route_add), those
 * that from has installed being there already (from: NULL for none). A route
 * that cannot be added (an operator's route to the same prefix, say) is
 * logged and stays not installed: its addresses get host routes. Returns how
 * many failed.
 */
unsigned int poolrt_install(struct netdev *nd, struct poolrt *to, const struct poolrt *from);

/*
 * Remove from's installed routes that to has not, except those that held()
 * says a session's host route has taken over (the same prefix; held NULL:
 * none). After poolrt_install(to) and the sessions' host routes: no address
 * goes without a route between the two.
 */
void poolrt_remove(struct netdev *nd, const struct poolrt *from, const struct poolrt *to,
		   bool (*held)(void *ctx, int family, const void *dst, unsigned int plen),
		   void *ctx);

#endif
