/* SPDX-License-Identifier: GPL-2.0 */
/*
 * privsep without l2sec.ko (docs/ARCHITECTURE.md, "The TUN data path in two
 * processes"): the privileged parent pumps the data packets, as the module
 * does on the kernel path. It reads the L2TP sockets, gives each datagram to
 * its data path (datapath_input: the tun data path's switch, programmed by
 * the checked requests, which also reads the device), and passes the engine
 * what is the engine's over a datagram channel (datapath/dgchan.h), one per
 * engine, without blocking: what the channel does not take is dropped and
 * counted, as the network would drop it. The engine reads that channel in
 * place of the sockets. Single-threaded, on each process's event loop.
 */
#ifndef L2SECD_PRIVTUN_H
#define L2SECD_PRIVTUN_H

#include <stdint.h>

struct l2secd;

/*
 * The parent, before its sockets are opened: the switch and the device's
 * reading; after: the sockets' reading.
 */
int privtun_open(struct l2secd *d);
int privtun_socks_watch(struct l2secd *d);
void privtun_free(struct l2secd *d);
/*
 * STATS' TUN counters (priv_msg.h's struct priv_tun_stats, one order for both
 * ends): the parent's data path's and its channel's, to the wire
 * (present: a TUN data path), and back in the engine.
 */
struct datapath_tun_stats;
struct priv_tun_stats;
void privtun_stats(struct l2secd *d, struct priv_tun_stats *out);
void privtun_stats_from(const struct priv_tun_stats *in, struct datapath_tun_stats *out);
/* Before the fork: a new channel (the previous engine's is closed); -1 on error. */
int privtun_channel(struct l2secd *d);
/* After it, in the parent: the engine's end is the engine's. */
void privtun_forked(struct l2secd *d);
/* In the engine: its end of the channel (to keep), and reading it in place of the sockets. */
int privtun_engine_fd(const struct l2secd *d);
int privtun_engine_watch(struct l2secd *d);

#endif
