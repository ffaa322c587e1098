/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One running l2secd: configuration, event loop, the L2TP sockets, the LNS,
 * the kernel module connection and the control socket. main() owns the only
 * instance; nothing here is process-global except the signal mask.
 */
#ifndef L2SECD_SERVER_H
#define L2SECD_SERVER_H

#include <stdbool.h>

#include "config.h"
#include "evloop.h"
#include "kern.h"
#include "l2tp_lns.h"

struct ctl;
struct inform;
struct ipsec;
struct netdev;
struct sessions;

struct l2secd_sock {
	int fd;
	int family;
	uint32_t kern_id;		/* the module's socket id, when handed over */
	struct ev_io io;
	struct l2secd *d;
};

struct l2secd {
	const char *config_path;
	struct l2sec_config cfg;	/* in force; a reload replaces it whole */
	struct evloop *loop;
	struct l2tp_lns *lns;
	struct kern *kern;		/* NULL: no l2sec.ko, TUN data path */
	struct netdev *nd;		/* the data device, l2sec0 */
	struct sessions *ss;		/* the PPP layer */
	struct ipsec *ipsec;		/* charon over VICI; NULL when not managed */
	struct inform *inform;		/* DHCPINFORM answers on the data device */
	struct ctl *ctl;
	struct l2secd_sock socks[CONFIG_MAX_LISTEN];
	unsigned int n_socks;
	char pid_path[128];
	char ctl_path[128];
	struct ev_timer stop_timer;	/* bounds the wait for StopCCN acks */
	struct ev_timer stop_poll;
	bool stopping;
	int exit_code;
};

/* Sets up everything (cfg already loaded and valid); 0 or -1 (logged). */
int l2secd_start(struct l2secd *d, const char *config_path, const struct l2sec_config *cfg);
/* Runs the loop until SIGTERM/SIGINT handling completes; returns the exit code. */
int l2secd_run(struct l2secd *d);
void l2secd_cleanup(struct l2secd *d);

/*
 * What the control messages of a received L2TP datagram say, into peer:
 * the SA's mark (SO_MARK) and the local address it was sent to
 * (IP_PKTINFO, IPV6_PKTINFO); anything else, or too short, is ignored.
 * Separate from the socket callback for the fuzz target.
 */
struct msghdr;
void server_parse_cmsg(struct msghdr *mh, struct l2tp_peer *peer);

#endif
