/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data device and its routes over rtnetlink (the device and its address
 * with libnl-route-3, the routes with libmnl, cheaper per request): l2sec0 of
 * l2sec.ko (rtnl link kind "l2sec", one per network namespace), or a TUN
 * device of the same name when the module is not available.
 *
 * Each struct netdev has its own rtnetlink sockets; requests are synchronous
 * and made from the event loop only. Every failure is logged once here, with
 * the kernel's extended ack message when it sent one, and returned with errno
 * set to the kernel's error.
 */
#ifndef L2SECD_NETDEV_H
#define L2SECD_NETDEV_H

#include <stdbool.h>
#include <netinet/in.h>

/* The routing protocol of every route the daemon adds: `ip route show proto
 * 0xb2` lists exactly those, and a flush after a crash finds them. */
#define NETDEV_RTPROT 0xb2

enum netdev_kind {
	NETDEV_L2SEC,
	NETDEV_TUN,
};

struct netdev;

/*
 * Open the data device `name` of the given kind in the current namespace.
 * NETDEV_L2SEC uses an existing l2sec device of that name or creates one;
 * NETDEV_TUN attaches to a persistent TUN device of that name or creates one
 * (IFF_TUN | IFF_NO_PI, non-blocking, close-on-exec). Then the daemon's
 * routes left on it are flushed, the MTU is set (when mtu != 0), the device is
 * brought up, and local/32 is added to it (unless INADDR_ANY; already present
 * is fine).
 *
 * NULL with errno on failure, a device created here removed again. Among
 * them: EINVAL for a bad name (empty, too long, or with '%'); EEXIST when a
 * device of another kind has the name; for NETDEV_L2SEC, EOPNOTSUPP when the
 * kernel has no l2sec link type and EEXIST when the namespace's l2sec device
 * has another name; for NETDEV_TUN, EINVAL when a TAP device has the name and
 * EBUSY when another process holds the TUN device open.
 */
struct netdev *netdev_open(const char *name, enum netdev_kind kind, unsigned int mtu,
			   struct in_addr local);

enum netdev_kind netdev_kind(const struct netdev *nd);
int netdev_ifindex(const struct netdev *nd);
const char *netdev_name(const struct netdev *nd);
/* The TUN device's packet fd (owned by nd); -1 for NETDEV_L2SEC. */
int netdev_tun_fd(const struct netdev *nd);

/*
 * A route to a client through the device in the main table: an IPv4 prefix
 * (normally /32; preferred source the local address) or an IPv6 prefix
 * (normally /64), scope link, protocol NETDEV_RTPROT. An existing route to the
 * same prefix is replaced. Deleting a route that is not there is not an error.
 * 0, or -1 with errno.
 */
int netdev_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen);
int netdev_route_del(struct netdev *nd, int family, const void *dst, unsigned int plen);

/*
 * A network routed behind a client (froute.h): "NET/PLEN via GW dev DEVICE
 * onlink proto NETDEV_RTPROT", never replacing a route that is there (add:
 * -1 with errno EEXIST, not logged). Deleting one that is not there is not
 * an error. 0, or -1 with errno.
 */
int netdev_route_via(struct netdev *nd, bool add, struct in_addr net, unsigned int plen,
		     struct in_addr gw);
/* The same for IPv6: "PREFIX/PLEN via GW dev DEVICE onlink" (Framed-IPv6-Route). */
int netdev_route_via6(struct netdev *nd, bool add, const struct in6_addr *net,
		      unsigned int plen, const struct in6_addr *gw);

/*
 * A pool's route (poolrt.h): as netdev_route_add, but an existing route to
 * the same prefix (and metric) is not replaced: -1 with errno EEXIST.
 */
int netdev_pool_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen);

/* Remove every NETDEV_RTPROT route through the device, both families. 0, or -1
 * with errno when any could not be listed or deleted (the others still are). */
int netdev_flush_routes(struct netdev *nd);

/*
 * Flush the daemon's routes, then remove the device if netdev_open created it
 * (an operator's device stays, with its addresses), and close the TUN fd.
 * NULL is ignored; errno is preserved.
 */
void netdev_close(struct netdev *nd);

#endif
