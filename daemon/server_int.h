/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between server.c and privsep.c, which share a struct l2secd: what a single
 * l2secd, the privsep parent and the privsep engine each build or call. Not an
 * interface for anything else of the daemon.
 */
#ifndef L2SECD_SERVER_INT_H
#define L2SECD_SERVER_INT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "server.h"

#define STOP_WAIT_MS 3000	/* how long SIGTERM waits for StopCCN acks */

struct users_db;

/* An L2TP socket, bound and handed to the data path (not yet read: l2secd_engine_setup). */
int l2secd_sock_open(struct l2secd *d, const struct sockaddr_storage *addr);
/* A datagram of socket peer->sock, its control messages read (rxcheck.h): rxcheck, the LNS. */
void l2secd_sock_input(struct l2secd *d, struct l2tp_peer *peer, const struct rxcheck_meta *meta,
		       uint8_t *data, size_t len);
/*
 * The same datagram to the data path first (datapath_input): DATAPATH_CARRIED
 * when it took it (a session's packet on the TUN data path, or its drop),
 * else 0: l2secd's (the LNS's, or under privsep the engine's).
 */
int l2secd_dp_input(struct l2secd *d, const struct l2tp_peer *peer,
		    const struct rxcheck_meta *meta, const uint8_t *data, size_t len);
/*
 * One datagram out of L2TP socket sock (d->socks' index) to to, from local's
 * address (family 0: the socket's), with SO_MARK mark (0: none; CAP_NET_RAW
 * or CAP_NET_ADMIN); 0, or -1 with errno.
 */
int l2secd_sock_sendmsg(struct l2secd *d, unsigned int sock, const union sa46 *to,
			const union sa46 *local, uint32_t mark, const uint8_t *buf, size_t len);
/* The kernel's SAs (charon not managed) and the module's watch, on d->loop. */
int l2secd_watch_open(struct l2secd *d);
/*
 * The LNS, the PPP layer, DHCPINFORM, the state file, the sockets' reading and
 * the control socket; users is the PPP layer's from here on. open_socks: open
 * the L2TP sockets too (a single l2secd).
 */
int l2secd_engine_setup(struct l2secd *d, struct users_db *users, bool open_socks);
/* The users file, checked as at start; NULL (logged) on error. */
struct users_db *l2secd_users_open(struct l2secd *d);
void l2secd_users_error(void *ctx, unsigned int line, const char *msg);
/* What a reload does not change: cur's values into cfg. */
void l2secd_keep_running(struct l2sec_config *cfg, const struct l2sec_config *cur);
/* [l2tp] rcvbuf in bytes (set, or from max-sessions); the sockets set to it again. */
unsigned int l2secd_rcvbuf(const struct l2sec_config *cfg);
void l2secd_socks_rx_setup(struct l2secd *d);
/* A reload's warnings for what cfg changes that needs a restart (cur: in force). */
void l2secd_reload_warn(const struct l2sec_config *cfg, const struct l2sec_config *cur);
void l2secd_module_lost(struct l2secd *d, const char *why);
void l2secd_stop_now(struct l2secd *d);
/* d->trim on d->loop: this process's memory back as its sessions go (core/memtrim.h). */
void l2secd_memtrim_start(struct l2secd *d);
void l2secd_stop_timer_cb(struct ev_timer *t);
void l2secd_stop_poll_cb(struct ev_timer *t);
void l2secd_signal_cb(struct evloop *loop, int signo, void *arg);

#endif
