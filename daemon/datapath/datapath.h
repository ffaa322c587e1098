/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data path: how a session's packets get between its client and the
 * network. Two implementations, chosen once when l2secd starts:
 *  - kernel: l2sec.ko carries them (kern.h); l2secd programs its tunnels and
 *    sessions and sees only what the module hands up (LCP, authentication,
 *    IPCP...);
 *  - tun: a TUN device; l2secd carries every packet itself, read here from
 *    the device (datapath_set_receive) and written to it (datapath_send).
 * Above this interface nothing asks which one runs.
 *
 * The kern and netdev handles stay their owner's (the server); one datapath
 * per daemon, used from the event loop only.
 */
#ifndef L2SECD_DATAPATH_H
#define L2SECD_DATAPATH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evloop.h"
#include "datapath/kern.h"
#include "datapath/netdev.h"

struct datapath;

/*
 * The data path through l2sec.ko (k, with nd its l2sec device) or through
 * nd's TUN device; NULL: out of memory. Which one is chosen once, at start.
 */
struct datapath *datapath_kernel(struct evloop *loop, struct kern *k, struct netdev *nd);
struct datapath *datapath_tun(struct evloop *loop, struct netdev *nd);
void datapath_free(struct datapath *dp);
/*
 * privsep without l2sec.ko (docs/ARCHITECTURE.md, "The TUN data path in two
 * processes"): the parent's tun data path programs its switch tp (borrowed)
 * as the kernel's programs the module; the engine's data path is its
 * parent's (datapath_parent: programming is the parent's, over the
 * socketpair; nothing to watch, no packet to send or receive). With tp, the
 * tun data path numbers the sockets added after it 1... (datapath_sock_add's
 * *id), as the switch names them.
 */
struct tunpump;
void datapath_tun_pump(struct datapath *dp, struct tunpump *tp);
struct datapath *datapath_parent(struct evloop *loop, struct netdev *nd);

const char *datapath_name(const struct datapath *dp);	/* "kernel" or "tun" */

/*
 * The L2TP sockets. datapath_sock_prepare() before bind(): tun puts an
 * inbound policy requiring ESP on it when require_ipsec (the kernel itself
 * then checks that every datagram was decrypted). datapath_sock_add() after
 * bind(): kernel hands it to l2sec.ko (*id: the module's socket id); 0 when
 * handed over, DATAPATH_NOTHING when there is nothing to hand over, -1 on error.
 * datapath_sock_del() takes it back (not when the module is gone).
 */
int datapath_sock_prepare(struct datapath *dp, int fd, int family, bool require_ipsec);
int datapath_sock_add(struct datapath *dp, int fd, bool require_ipsec, uint32_t *id);
void datapath_sock_del(struct datapath *dp, uint32_t id);

/*
 * The data path going away under l2secd (l2sec.ko unloaded, a socket taken
 * from it): datapath_watch_fd() is the fd to watch (-1: nothing can go away),
 * datapath_watch_lost() reads it for the sockets ids (KERN_LOST_*, 0: none),
 * datapath_sock_taken() says whether a socket that was handed over is no
 * longer the data path's.
 */
int datapath_watch_fd(const struct datapath *dp);
int datapath_watch_lost(struct datapath *dp, const uint32_t *ids, unsigned int n);
bool datapath_sock_taken(struct datapath *dp, int fd);

/*
 * Programming a tunnel or a session: 0 when the data path now carries it,
 * 1 when there is nothing to program (tun: l2secd carries it), -1 on error.
 */
#define DATAPATH_NOTHING 1
/* *handle: how the later calls name the tunnel (struct kern_tref); 0: by id */
static inline struct kern_tref datapath_tref(uint32_t handle, uint16_t tid)
{
	return (struct kern_tref){ .handle = handle, .tid = tid };
}
int datapath_tunnel_add(struct datapath *dp, const struct kern_tunnel *t, uint32_t *handle);
void datapath_tunnel_del(struct datapath *dp, struct kern_tref tr);
int datapath_session_add(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			 uint16_t peer_sid);
void datapath_session_del(struct datapath *dp, struct kern_tref tr, uint16_t sid);
/* The session's addresses (kern_session_up); 0 or -1. */
int datapath_session_up(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			const struct in_addr *ipv4, const struct in6_addr *pfx64,
			const uint64_t *ifid);

/*
 * The session's data counters from l2sec.ko: 0, -1 on error, DATAPATH_NOTHING
 * for tun (l2secd carries the packets: its PPP layer counts them).
 */
int datapath_session_stats(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			   struct kern_session_stats *st);

/*
 * An IPv4 or IPv6 packet from a client (its source checked by the caller),
 * to the network: 0 sent, -1 on error, DATAPATH_NOTHING when this data path
 * does not take packets from l2secd (kernel: the module forwards a session's
 * packets once it is up; what reaches l2secd before is not l2secd's to forward).
 */
int datapath_send(struct datapath *dp, const uint8_t *pkt, size_t len);

/*
 * Packets for clients: fn gets each one at buf + headroom (len octets), in a
 * buffer that fn may write into (headroom included) until it returns; a
 * failed read is counted in *errors. Only the tun data path has any; 0 or -1.
 */
typedef void datapath_rx_fn(void *ctx, uint8_t *buf, size_t len);
int datapath_set_receive(struct datapath *dp, size_t headroom, datapath_rx_fn *fn, void *ctx,
			 uint64_t *errors);

#endif
