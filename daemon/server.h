/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One running l2secd: configuration, event loop, the L2TP sockets, the LNS,
 * the kernel module connection and the control socket. main() owns the only
 * instance; nothing here is process-global except the signal mask.
 */
#ifndef L2SECD_SERVER_H
#define L2SECD_SERVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "core/memtrim.h"
#include "core/rxbatch.h"
#include "datapath/kern.h"
#include "l2tp/l2tp_lns.h"
#include "l2tp/rxcheck.h"
#include "poolrt.h"
#include "priv/priv_reload.h"

struct ctl;
struct privtun;
struct engine_priv;
struct priv_check;
struct users_db;
struct inform;
struct ipsec;
struct authlimit;
struct datapath;
struct netdev;
struct sessions;
struct xfrm_marks;

struct l2secd_sock {
	int fd;
	int family;
	struct rxbatch_sock rx;		/* fd again, and its drop count as seen */
	char addr[INET6_ADDRSTRLEN];	/* for log lines */
	uint32_t kern_id;		/* the module's socket id, when handed over */
	bool batch_asked;		/* datapath_sock_taken asked for this batch */
	struct ev_io io;
	struct l2secd *d;
};

struct l2secd {
	const char *config_path;
	struct l2sec_config cfg;	/* in force; a reload replaces it whole */
	struct evloop *loop;
	struct memtrim trim;		/* memory back to the kernel as sessions go */
	struct l2tp_lns *lns;
	struct kern *kern;		/* NULL: no l2sec.ko, TUN data path */
	struct ev_io kern_watch;	/* the module going away */
	bool kern_watching;
	struct netdev *nd;		/* the data device, l2sec0 */
	struct datapath *dp;		/* kernel or tun, chosen once at start */
	struct sessions *ss;		/* the PPP layer */
	struct aaa *aaa;		/* RADIUS (aaa.h); NULL: not configured */
	bool acct_off;			/* stopping: Accounting-Off queued */
	struct ipsec *ipsec;		/* charon over VICI; NULL when not managed */
	/* the privsep engine: the parent manages charon; ipsec is its copy of the SAs */
	bool engine_ipsec;
	struct authlimit *al;		/* the privsep parent's throttle, next to the authentication */
	uint32_t sa_gone_mark;		/* its SA went: the parent cleared the module's tunnels */
	struct inform *inform;		/* DHCPINFORM answers on the data device */
	struct ctl *ctl;
	struct rxcheck rx;		/* l2secd's own IPsec check of every datagram */
	struct xfrm_marks *xm;		/* the kernel's SA marks, when charon is not ours */
	struct l2secd_sock socks[CONFIG_MAX_LISTEN];
	unsigned int n_socks;
	struct rxbatch *rxb;		/* the sockets' receive buffers, one batch */
	uint64_t rx_logged_drops;	/* the counts the last log line gave */
	uint64_t rx_logged_truncated;
	uint64_t rx_log_ms;		/* when; 0: never */
	char pid_path[128];
	int pid_fd;			/* holds the PID file's lock (pidfile.h) */
	char ctl_path[128];
	char state_path[128];		/* tunnels of this run, for the next (l2tp_stale.h) */
	struct ev_timer stop_timer;	/* bounds the wait for StopCCN acks */
	struct ev_timer stop_poll;
	bool stopping;
	int exit_code;
	/*
	 * privsep = yes (docs/ARCHITECTURE.md, "Two processes"). The parent:
	 * the checker, the users db it checks answers against, its end of
	 * the socketpair and the engine's process, restarted with backoff.
	 */
	struct priv_check *pc;
	/* the records a new engine resumes from (priv/priv_state.h), checked by pc */
	struct priv_state *pst;
	/* [radius]: the secret and the engine's outstanding Access-Requests (NULL: none) */
	struct priv_radius *prad;
	struct priv_acct *pacct;	/* privsep: accounting records kept for the next engine */
	struct users_db *users;
	int priv_fd;			/* -1: no engine now */
	struct privtun *pt;		/* privsep without l2sec.ko: the parent pumps (privtun.h) */
	struct ev_io priv_io;
	pid_t engine_pid;		/* 0: none */
	uint64_t engine_start_ms;
	unsigned int engine_starts;
	unsigned int engine_restarts;	/* after a death (a reload's replacement: rl.reloads) */
	unsigned int restart_ms;	/* the next restart's delay */
	struct ev_timer restart_timer;
	/*
	 * Bounds the engine's shutdown: armed at SIGTERM for its ack wait and a
	 * grace (ENGINE_STOP_IDLE_MS) and pushed out as much from every message
	 * the engine sends meanwhile (its StopCCNs), never past
	 * ENGINE_STOP_MAX_MS after SIGTERM.
	 */
	struct ev_timer kill_timer;
	uint64_t stop_at_ms;		/* when SIGTERM came; 0: not stopping */
	struct ev_timer sa_resync_timer;	/* SA events lost: EV_SA_RESYNC to send */
	/* SIGHUP: the engine replaced for a reload, at most one at a time and a second */
	struct priv_reload rl;
	struct ev_timer reload_timer;	/* a reload that waits for the last replacement */
	bool sa_resync;			/* ... and until it is sent, no SA event */
	uint64_t send_failed;		/* the engine's SENDs the parent could not send */
	uid_t engine_uid;
	gid_t engine_gid;
	char empty_dir[128];		/* the engine's root */
	/* the engine: its end of the socketpair; NULL in a single process */
	struct engine_priv *ep;
	/* the pools' routes the privsep parent installed (a single l2secd's are sess.c's) */
	struct poolrt prt;
	bool test_hooks;		/* L2SECD_TEST_HOOKS=1: `debug ...` on the control socket */
};

/*
 * Sets up everything (cfg already loaded and valid); 0 or -1 (logged). cfg is
 * copied, and the caller's PSK wiped then: the privsep engine, a fork, must
 * not find it in the caller's copy.
 */
int l2secd_start(struct l2secd *d, const char *config_path, struct l2sec_config *cfg);
/* Runs the loop until SIGTERM/SIGINT handling completes; returns the exit code. */
int l2secd_run(struct l2secd *d);
void l2secd_cleanup(struct l2secd *d);

#endif
