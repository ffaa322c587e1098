/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data path: how a session's packets get between its client and the
 * network. Two implementations, chosen once when l2secd starts:
 *  - kernel: l2sec.ko carries them (kern.h); l2secd programs its tunnels and
 *    sessions and sees only what the module hands up (LCP, authentication,
 *    IPCP...);
 *  - tun: a TUN device; l2secd carries every packet itself, through its
 *    switch (tunpump.h, programmed as the module is): the L2TP sockets'
 *    datagrams go through datapath_input, the device's packets leave through
 *    the owner's output (datapath_set_output). The same switch in one process
 *    and in the privsep parent (docs/ARCHITECTURE.md, "The TUN data path in two processes").
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
#include "datapath/tunpump.h"

struct datapath;

/*
 * The data path through l2sec.ko (k, with nd its l2sec device) or through
 * nd's TUN device with a switch for max_tunnels and max_sessions; NULL: out
 * of memory. Which one is chosen once, at start. The tun data path numbers
 * its sockets 1... (datapath_sock_add's *id), as the switch names them.
 */
struct datapath *datapath_kernel(struct evloop *loop, struct kern *k, struct netdev *nd);
struct datapath *datapath_tun(struct evloop *loop, struct netdev *nd, unsigned int max_tunnels,
			      unsigned int max_sessions);
void datapath_free(struct datapath *dp);
/*
 * The privsep engine's on the TUN data path: its parent's (programming is the
 * parent's, over the socketpair; nothing to watch, no packet to carry).
 */
struct datapath *datapath_parent(struct evloop *loop, struct netdev *nd);

const char *datapath_name(const struct datapath *dp);	/* "kernel" or "tun" */
/*
 * Can it carry a network routed behind a client (a RADIUS Framed-Route)?
 * The kernel's can; the tun switch finds a session by its own addresses only.
 */
bool datapath_routes_behind(const struct datapath *dp);

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
/* The TUN switch's slots that hold nothing back to the kernel (tunpump_release). */
void datapath_release(struct datapath *dp);
int datapath_session_add(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			 uint16_t peer_sid);
void datapath_session_del(struct datapath *dp, struct kern_tref tr, uint16_t sid);
/* The session's addresses (kern_session_up); 0 or -1. */
int datapath_session_up(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			const struct in_addr *ipv4, const struct in6_addr *pfx64,
			const uint64_t *ifid);

/*
 * The session's data counters (the module's, or the switch's): 0, -1 on
 * error, DATAPATH_NOTHING when this process carries none (the privsep engine).
 */
int datapath_session_stats(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			   struct kern_session_stats *st);

/*
 * A datagram read from an L2TP socket (from: the socket's number, the peer,
 * the SA's mark): DATAPATH_CARRIED when the data path took it (a session's
 * IP packet, delivered, or a drop, counted), 0 when it is l2secd's (control,
 * PPP control, an unknown tunnel or session: to the LNS). The kernel's hands
 * l2secd only what is l2secd's already: always 0.
 */
#define DATAPATH_CARRIED 2
int datapath_input(struct datapath *dp, const struct tunpump_from *from, const uint8_t *dg,
		   size_t n);

/*
 * Packets for clients (tun): the data path reads the device, frames each
 * packet for its session (tunpump_tx) and hands fn the datagram (buf, len
 * octets) and where it goes (a packet no session takes is answered with
 * ICMP unreachable into the device, rate-limited: tunpump_unreach); fn returns 0, or -1 when it could not send it
 * (counted). fn NULL: the device is not read any more. 0, or -1 on error;
 * the kernel's has none to give (the module sends them): 0.
 */
typedef int datapath_out_fn(void *ctx, const struct tunpump_to *to, const uint8_t *buf,
			    size_t len);
int datapath_set_output(struct datapath *dp, datapath_out_fn *fn, void *ctx);

/*
 * The tun data path's counters (NULL for the kernel's: l2sec.ko's are
 * `l2sec stats`): the switch's, and what the device and the output refused.
 */
struct datapath_tun_stats {
	struct tunpump_stats pump;
	uint64_t device_errors;		/* reads and writes of the device that failed */
	uint64_t send_errors;		/* the output could not send a framed packet */
	uint64_t unreach_sent;		/* ICMP unreachables for no_session drops */
	uint64_t unreach_ratelimited;	/* ... not sent: more than 100 a second */
	/* privsep: datagrams for the engine its channel did not take (privtun.h); else 0 */
	uint64_t to_engine_dropped;
};
const struct datapath_tun_stats *datapath_tun_stats(struct datapath *dp);

#endif
