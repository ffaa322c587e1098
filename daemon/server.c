// SPDX-License-Identifier: GPL-2.0
/* l2secd wiring: sockets, kernel, LNS, control socket, signals, runtime files. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/param.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "ctl.h"
#include "inform.h"
#include "ipsec/ipsec.h"
#include "datapath/datapath.h"
#include "datapath/kmod.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_stale.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "datapath/netdev.h"
#include "core/notify.h"
#include "core/pidfile.h"
#include "conf/secfile.h"
#include "server.h"
#include "sess.h"
#include "l2tp/rxcheck.h"
#include "conf/users.h"
#include "core/util.h"
#include "ipsec/xfrm_marks.h"
#include "engine/engine_priv.h"
#include "priv/priv_check.h"
#include "priv/priv_parent.h"
#include "priv/sandbox.h"

#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif

#define STOP_WAIT_MS 3000	/* how long SIGTERM waits for StopCCN acks */
#define RX_LOG_MS 60000		/* at most one line a minute on lost datagrams */
#define RCVBUF_PER_SESSION 1024	/* rcvbuf = 0: bytes queued per session of max-sessions */
#define RCVBUF_MIN (4u << 20)
#define RCVBUF_MAX (64u << 20)
#define DATA_DEV "l2sec0"
#define TUN_MTU 1380		/* what l2sec.ko's device defaults to */
#define RESTART_MIN_MS	100	/* privsep: the engine's restart, doubling ... */
#define RESTART_MAX_MS	10000	/* ... up to this */
#define RESTART_RESET_MS 60000	/* up this long: the next restart is quick again */

static void engine_kill(struct l2secd *d, int signo);
static void reap(struct l2secd *d);

/* --- L2TP sockets ----------------------------------------------------------- */

static int sock_send(void *env, const struct l2tp_peer *peer, const uint8_t *buf, size_t len)
{
	struct l2secd *d = env;
	struct l2secd_sock *s;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)&peer->addr, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm;
	size_t clen = 0;

	if (peer->sock < 0 || (unsigned int)peer->sock >= d->n_socks)
		return -1;
	s = &d->socks[peer->sock];
	mh.msg_namelen = s->family == AF_INET ? sizeof(struct sockaddr_in) :
		sizeof(struct sockaddr_in6);
	memset(cbuf.buf, 0, sizeof(cbuf.buf));
	cm = CMSG_FIRSTHDR(&mh);
	/* reply from the address the peer sent to (wildcard listeners) */
	if (s->family == AF_INET && peer->local.ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		pi.ipi_spec_dst = ((const struct sockaddr_in *)&peer->local)->sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		clen += CMSG_SPACE(sizeof(pi));
		cm = (struct cmsghdr *)(cbuf.buf + clen);
	} else if (s->family == AF_INET6 && peer->local.ss_family == AF_INET6) {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = ((const struct sockaddr_in6 *)&peer->local)->sin6_addr;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		clen += CMSG_SPACE(sizeof(pi));
		cm = (struct cmsghdr *)(cbuf.buf + clen);
	}
	/* the SA's mark picks that client's outbound policy (research: sa-binding) */
	if (peer->mark) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SO_MARK;
		cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
		memcpy(CMSG_DATA(cm), &peer->mark, sizeof(uint32_t));
		clen += CMSG_SPACE(sizeof(uint32_t));
	}
	mh.msg_controllen = clen;
	if (!clen)
		mh.msg_control = NULL;
	if (sendmsg(s->fd, &mh, MSG_DONTWAIT) < 0) {
		log_info("l2tp: send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * l2sec.ko went away under us (rmmod): its tunnels and sessions are gone and
 * its sockets are plain UDP sockets again, where plaintext and local traffic
 * arrive unchecked. Everything is refused from now on (rxcheck.h) and every
 * tunnel closed; a restart loads the module again or takes the TUN path.
 */
static void module_lost(struct l2secd *d, const char *why)
{
	struct l2tp_tunnel *t, *next;
	struct l2tp_lns_counts n;

	if (d->rx.module_gone)
		return;
	d->rx.module_gone = true;
	if (!d->lns) {		/* the privsep parent: the engine closes its tunnels */
		struct priv_msg ev = { .type = PRIV_EV_DATAPATH_LOST };

		log_err("l2sec.ko: %s: the kernel data path is gone", why);
		if (d->priv_fd >= 0)
			priv_parent_send_event(d->priv_fd, &ev);
		return;
	}
	l2tp_lns_counts(d->lns, &n);
	log_err("l2sec.ko: %s: the kernel data path is gone; l2secd closes its %u tunnel(s) "
		"and refuses every L2TP datagram until it is restarted", why, n.tunnels);
	notify_status("l2sec.ko is gone: refusing everything until restarted");
	for (t = l2tp_lns_first_tunnel(d->lns); t; t = next) {
		next = l2tp_lns_next_tunnel(t);
		l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, 0, "l2sec.ko unloaded");
	}
}

static void kern_watch_cb(struct ev_io *io, uint32_t events)
{
	struct l2secd *d = container_of(io, struct l2secd, kern_watch);

	uint32_t ids[ARRAY_SIZE(d->socks)];
	unsigned int n = 0;
	int lost;

	(void)events;
	for (unsigned int i = 0; i < d->n_socks; i++)
		ids[n++] = d->socks[i].kern_id;
	lost = datapath_watch_lost(d->dp, ids, n);
	if (lost & KERN_LOST_FAMILY)
		module_lost(d, "its generic netlink family was unregistered");
	else if (lost)
		module_lost(d, "it detached the L2TP socket");
}

/* Whether mark names an SA with peer src: charon's, as l2secd knows them, or the kernel's. */
static bool sa_ok(void *ctx, uint32_t mark, const struct sockaddr_storage *src)
{
	struct l2secd *d = ctx;

	if (d->ep)
		return engine_priv_mark_ok(d->ep, mark, src);
	if (d->ipsec)
		return ipsec_mark_is_child_sa(d->ipsec, mark, src);
	return xfrm_marks_check(d->xm, mark, src, evloop_now(d->loop));
}

/* One datagram of a batch (rxbatch.h): l2secd's IPsec check, then the LNS. */
static void sock_datagram(void *ctx, const struct msghdr *mh, uint8_t *data, size_t len)
{
	struct l2secd_sock *s = ctx;
	struct l2secd *d = s->d;
	struct l2tp_peer peer = { .sock = (int)(s - d->socks) };
	struct rxcheck_meta meta;

	memcpy(&peer.addr, mh->msg_name, MIN(mh->msg_namelen, sizeof(peer.addr)));
	/*
	 * The module detaches its sockets when it goes. A socket taken
	 * from it (SOCK_DEL) keeps the encapsulation type: its
	 * SOCK_NTF_DEL reaches kern_watch_cb on the event loop's next
	 * turn; until then rxcheck checks this datagram's SA as it
	 * checks every datagram's.
	 */
	if (!d->rx.module_gone && datapath_sock_taken(d->dp, s->fd))
		module_lost(d, "it detached the L2TP socket");
	rxcheck_parse(mh, &peer, &meta);
	if (rxcheck_datagram(&d->rx, &peer, &meta, evloop_now(d->loop)) != RXCHECK_OK)
		return;
	l2tp_lns_input(d->lns, data, len, &peer);
}

/* Datagrams lost before l2tp_lns_input saw them: a line a minute at most. */
static void rx_report(struct l2secd *d)
{
	const struct rxbatch_stats *st = rxbatch_stats(d->rxb);
	uint64_t now = evloop_now(d->loop);

	if (st->socket_drops == d->rx_logged_drops && st->truncated == d->rx_logged_truncated)
		return;
	if (d->rx_log_ms && now - d->rx_log_ms < RX_LOG_MS)
		return;
	if (st->socket_drops != d->rx_logged_drops)
		log_notice("l2tp: the kernel dropped %llu datagram(s) at the L2TP sockets "
			   "(receive buffer full: see rcvbuf in l2sec.conf(5)), %llu in all",
			   (unsigned long long)(st->socket_drops - d->rx_logged_drops),
			   (unsigned long long)st->socket_drops);
	if (st->truncated != d->rx_logged_truncated)
		log_notice("l2tp: %llu datagram(s) longer than %u bytes dropped, %llu in all",
			   (unsigned long long)(st->truncated - d->rx_logged_truncated),
			   RXBATCH_DATA, (unsigned long long)st->truncated);
	d->rx_logged_drops = st->socket_drops;
	d->rx_logged_truncated = st->truncated;
	d->rx_log_ms = now;
}

static void sock_rx_cb(struct ev_io *io, uint32_t events)
{
	struct l2secd_sock *s = container_of(io, struct l2secd_sock, io);
	struct l2secd *d = s->d;

	(void)events;
	if (rxbatch_read(d->rxb, &s->rx, sock_datagram, s) < 0)
		log_info("l2tp: receive: %s", strerror(errno));
	rx_report(d);
}

/* [l2tp] rcvbuf in bytes: set, or 1 KiB a session of max-sessions within bounds. */
static unsigned int rcvbuf_bytes(const struct l2sec_config *cfg)
{
	uint64_t b = (uint64_t)cfg->l2tp.max_sessions * RCVBUF_PER_SESSION;

	if (cfg->l2tp_rcvbuf_kib)
		return (unsigned int)MIN((uint64_t)cfg->l2tp_rcvbuf_kib * 1024, INT32_MAX / 2);
	return (unsigned int)MAX(MIN(b, RCVBUF_MAX), RCVBUF_MIN);
}

/*
 * SO_RXQ_OVFL and the receive buffer, at start and when a reload changes the
 * size; a smaller buffer than asked is logged, not fatal.
 */
static int sock_rx_setup(struct l2secd *d, struct l2secd_sock *s)
{
	unsigned int want = rcvbuf_bytes(&d->cfg);
	int got = rxbatch_sock_setup(s->fd, want);

	if (got < 0)
		return -1;
	if ((unsigned int)got < want)
		log_notice("l2tp: socket %s: receive buffer %d KiB, not the %u KiB asked for "
			   "(no CAP_NET_ADMIN: net.core.rmem_max caps it)", s->addr, got / 1024,
			   want / 1024);
	return 0;
}

static int sock_open(struct l2secd *d, const struct sockaddr_storage *addr)
{
	struct l2secd_sock *s = &d->socks[d->n_socks];
	struct sockaddr_storage ss = *addr;
	socklen_t slen;
	int one = 1, handed;
	char a[INET6_ADDRSTRLEN] = "?";

	s->d = d;
	s->family = ss.ss_family;
	if (ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)d->cfg.port);
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
		slen = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)d->cfg.port);
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		slen = sizeof(struct sockaddr_in6);
	}
	s->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		goto err;
	if (ss.ss_family == AF_INET6 &&
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto err_fd;
	if (ss.ss_family == AF_INET ?
	    setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) :
	    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
		goto err_fd;
	/* the mark of the SA that decrypted each datagram: the tunnel's binding */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVMARK, &one, sizeof(one)) < 0) {
		if (d->cfg.l2tp.require_ipsec)
			goto err_fd;	/* no datagram could be taken as IPsec (Linux >= 5.19) */
		log_warn("l2tp: SO_RCVMARK not supported: SAs cannot be told apart by mark");
	}
	s->rx = (struct rxbatch_sock){ .fd = s->fd };
	snprintf(s->addr, sizeof(s->addr), "%s", a);
	if (sock_rx_setup(d, s) < 0)
		goto err_fd;
	if (datapath_sock_prepare(d->dp, s->fd, ss.ss_family, d->cfg.l2tp.require_ipsec) < 0)
		goto err_fd;
	if (bind(s->fd, (struct sockaddr *)&ss, slen) < 0)
		goto err_fd;
	handed = datapath_sock_add(d->dp, s->fd, d->cfg.l2tp.require_ipsec, &s->kern_id);
	if (handed < 0)
		goto err_close;
	d->n_socks++;
	log_info("l2tp: listening on %s port %u%s", a, d->cfg.port,
		 handed == 0 ? " (handed to l2sec.ko)" : "");
	return 0;
err_fd:
	log_err("l2tp: socket %s port %u: %s", a, d->cfg.port, strerror(errno));
err_close:
	if (s->fd >= 0)
		close(s->fd);
	return -1;
err:
	log_err("l2tp: socket: %s", strerror(errno));
	return -1;
}

/* The sockets' datagrams to the LNS (in the engine, under privsep). */
static int socks_watch(struct l2secd *d)
{
	for (unsigned int i = 0; i < d->n_socks; i++) {
		if (evloop_add_io(d->loop, &d->socks[i].io, d->socks[i].fd, EPOLLIN,
				  sock_rx_cb) < 0) {
			log_err("event loop: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* --- the LNS's programming of the data path (datapath.h) -------------------- */

static int dp_tunnel_add(void *env, struct l2tp_tunnel *t)
{
	struct l2secd *d = env;
	struct kern_tunnel kt = {
		.tid = t->tid, .peer_tid = t->peer_tid,
		.sock_id = d->socks[t->peer.sock].kern_id,
		.peer = t->peer.addr, .local = t->peer.local,
		.require_ipsec = t->require_ipsec, .mark = t->peer.mark,
		.reqid = d->ipsec ? ipsec_mark_reqid(d->ipsec, t->peer.mark) : 0,
	};

	if (d->rx.module_gone)
		return -1;
	if (d->ep)	/* the socket's number as the parent counts them: 1... */
		return engine_priv_tunnel_add(d->ep, t->tid, t->peer_tid,
					      (uint32_t)t->peer.sock + 1, &t->peer.addr,
					      &t->peer.local, t->require_ipsec, t->peer.mark);
	return datapath_tunnel_add(d->dp, &kt);
}

static void dp_tunnel_del(void *env, struct l2tp_tunnel *t)
{
	struct l2secd *d = env;

	if (d->rx.module_gone)
		return;
	if (d->ep)
		engine_priv_tunnel_del(d->ep, t->tid);
	else
		datapath_tunnel_del(d->dp, t->tid);
}

static int dp_session_add(void *env, struct l2tp_session *s)
{
	struct l2secd *d = env;

	uint8_t chal[MSCHAP_CHALLENGE_LEN];

	if (d->rx.module_gone)
		return -1;
	if (d->ep) {
		if (engine_priv_session_add(d->ep, s->tunnel->tid, s->sid, s->peer_sid, chal) < 0)
			return -1;
		sessions_first_challenge(d->ss, s->tunnel->tid, s->sid, chal);
		explicit_bzero(chal, sizeof(chal));
		return 0;
	}
	return datapath_session_add(d->dp, s->tunnel->tid, s->sid, s->peer_sid);
}

static void dp_session_del(void *env, struct l2tp_session *s)
{
	struct l2secd *d = env;

	if (d->rx.module_gone)
		return;
	if (d->ep)
		engine_priv_session_del(d->ep, s->tunnel->tid, s->sid);
	else
		datapath_session_del(d->dp, s->tunnel->tid, s->sid);
}

static uint32_t sys_random(void *env)
{
	uint32_t v = 0;

	(void)env;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		abort();	/* never hand out predictable IDs or challenges */
	return v;
}

static const struct l2tp_lns_ops lns_ops = {
	.send = sock_send,
	.tunnel_add = dp_tunnel_add,
	.tunnel_del = dp_tunnel_del,
	.session_add = dp_session_add,
	.session_del = dp_session_del,
	.random = sys_random,
};

/* --- the data path ---------------------------------------------------------------- */

/*
 * l2sec.ko when it can be had (the unit loads it; the kernel also does, by
 * its family's alias), else a TUN device: same sessions, same addresses and
 * routes, every packet through this process. datapath = kernel|tun in [global] forces one.
 */
static int datapath_open(struct l2secd *d)
{
	int dp = d->cfg.datapath;

	if (dp != CONFIG_DATAPATH_TUN) {
		/* resolving the family has the kernel load l2sec.ko by its alias */
		d->kern = kern_open();
		if (!d->kern && dp == CONFIG_DATAPATH_KERNEL) {
			log_err("l2sec.ko is not available (datapath = kernel): " KMOD_HINT);
			return -1;
		}
	}
	if (d->kern) {
		d->nd = netdev_open(DATA_DEV, NETDEV_L2SEC, 0, d->cfg.local_ipv4);
		if (!d->nd)
			return -1;
		d->dp = datapath_kernel(d->loop, d->kern, d->nd);
		if (!d->dp)
			goto err_mem;
		log_notice("data path: kernel (l2sec.ko, device %s)", DATA_DEV);
		return 0;
	}
	tun_load();	/* /dev/net/tun appears with it; netdev_open says if not */
	d->nd = netdev_open(DATA_DEV, NETDEV_TUN, TUN_MTU, d->cfg.local_ipv4);
	if (!d->nd)
		return -1;
	d->dp = datapath_tun(d->loop, d->nd);
	if (!d->dp)
		goto err_mem;
	if (dp == CONFIG_DATAPATH_TUN)
		log_notice("data path: tun (device %s, datapath = tun)", DATA_DEV);
	else
		log_warn("data path: tun (device %s): l2sec.ko is not available, every packet "
			 "goes through l2secd (slower); " KMOD_HINT, DATA_DEV);
	if (d->cfg.l2tp.require_ipsec)
		log_notice("require-ipsec: enforced by the socket's xfrm policy (ESP transport "
			   "only) and by l2secd (the SA's mark and peer)");
	return 0;
err_mem:
	log_err("out of memory");
	return -1;
}

/* The kernel's SAs (charon not managed by l2secd), and the watch for the module going away. */
static int watch_open(struct l2secd *d)
{
	if (!ipsec_enabled(&d->cfg)) {
		d->xm = xfrm_marks_new();
		if (!d->xm) {
			log_err("out of memory");
			return -1;
		}
	}
	if (datapath_watch_fd(d->dp) >= 0) {
		if (evloop_add_io(d->loop, &d->kern_watch, datapath_watch_fd(d->dp), EPOLLIN,
				  kern_watch_cb) < 0) {
			log_err("event loop: %s", strerror(errno));
			return -1;
		}
		d->kern_watching = true;
	}
	return 0;
}

/* l2secd's own IPsec check, and watch_open's. */
static int rx_check_open(struct l2secd *d)
{
	int lo = (int)if_nametoindex("lo");

	rxcheck_init(&d->rx, d->cfg.l2tp.require_ipsec, lo ? lo : 1, sa_ok, d);
	if (d->ep)
		return 0;	/* privsep: the parent asks xfrm and watches the module */
	return watch_open(d);
}

static void users_error(void *ctx, unsigned int line, const char *msg)
{
	const char *path = ctx;

	if (line)
		log_err("%s:%u: %s", path, line, msg);
	else
		log_err("users: %s", msg);	/* names the file itself */
}

/* --- runtime files ------------------------------------------------------------- */

static int pidfile_create(struct l2secd *d)
{
	pid_t holder;

	snprintf(d->pid_path, sizeof(d->pid_path), "%s/l2secd.pid", d->cfg.runtime_dir);
	d->pid_fd = pidfile_lock(d->pid_path, &holder);
	if (d->pid_fd >= 0)
		return 0;
	if (errno == EWOULDBLOCK && holder)
		log_err("another l2secd is running (pid %ld holds %s)", (long)holder, d->pid_path);
	else if (errno == EWOULDBLOCK)
		log_err("another l2secd is running (it holds %s)", d->pid_path);
	else
		log_err("%s: %s", d->pid_path, errno == ELOOP ? "is a symbolic link: refused" :
			errno == EINVAL ? "not a regular file" : strerror(errno));
	d->pid_path[0] = '\0';
	return -1;
}

/* --- signals ---------------------------------------------------------------------- */

/* What a reload does not change: the running values (restart only). */
static void keep_running(struct l2sec_config *cfg, const struct l2sec_config *cur)
{
	memcpy(cfg->listen, cur->listen, sizeof(cfg->listen));
	cfg->n_listen = cur->n_listen;
	cfg->port = cur->port;
	memcpy(cfg->runtime_dir, cur->runtime_dir, sizeof(cfg->runtime_dir));
	cfg->l2tp.require_ipsec = cur->l2tp.require_ipsec;
	cfg->log_target = cur->log_target;
	cfg->datapath = cur->datapath;
	cfg->privsep = cur->privsep;
	memcpy(cfg->engine_user, cur->engine_user, sizeof(cfg->engine_user));
}

static void reload(struct l2secd *d)
{
	struct l2sec_config *cfg = malloc(sizeof(*cfg));
	struct users_db *users;
	unsigned int rcvbuf = rcvbuf_bytes(&d->cfg);

	if (!cfg)
		return;
	if (config_load(cfg, d->config_path, NULL, NULL) ||
	    secfile_check_config(cfg, d->config_path, geteuid(), NULL, NULL)) {
		log_err("reload: %s has errors; the configuration in force is kept",
			d->config_path);
		goto out;
	}
	if (cfg->n_listen != d->cfg.n_listen || cfg->port != d->cfg.port ||
	    memcmp(cfg->listen, d->cfg.listen, sizeof(cfg->listen)) ||
	    strcmp(cfg->runtime_dir, d->cfg.runtime_dir) ||
	    cfg->l2tp.require_ipsec != d->cfg.l2tp.require_ipsec ||
	    cfg->log_target != d->cfg.log_target ||
	    cfg->datapath != d->cfg.datapath)
		log_warn("reload: listen, port, runtime-dir, require-ipsec, log-target and "
			 "datapath changes take effect at restart only");
	if (cfg->privsep != d->cfg.privsep)
		log_warn("reload: privsep changes take effect at restart only");
	/* those keep their running values; the rest applies to new tunnels */
	keep_running(cfg, &d->cfg);
	users = users_load(cfg->users_path, users_error, cfg->users_path);
	if (users && inform_check_users(cfg, users, users_error, cfg->users_path)) {
		users_free(users);
		users = NULL;
	}
	if (!users) {
		log_err("reload: %s has errors; the configuration in force is kept",
			cfg->users_path);
		goto out;
	}
	explicit_bzero(&d->cfg, sizeof(d->cfg));
	d->cfg = *cfg;	/* the LNS points at d->cfg; established tunnels keep copies */
	if (rcvbuf_bytes(&d->cfg) != rcvbuf)
		for (unsigned int i = 0; i < d->n_socks; i++)
			sock_rx_setup(d, &d->socks[i]);
	sessions_reload(d->ss, users);
	if (d->ipsec)
		ipsec_reload(d->ipsec, &d->cfg);
	else if (ipsec_enabled(&d->cfg))
		log_warn("reload: [ipsec] psk/certificate set: l2secd manages charon after a restart");
	log_set_level(d->cfg.log_level);
	log_notice("configuration reloaded from %s", d->config_path);
out:
	explicit_bzero(cfg, sizeof(*cfg));	/* psk, secret */
	free(cfg);
}

/*
 * privsep: the configuration crosses to the engine only when it starts. A
 * reload therefore reads the files (as a single l2secd does) and, when the
 * engine holds no tunnel, starts a new engine with them; with tunnels up it
 * keeps the configuration in force and says so, as no session may be lost.
 */
static void reload_parent(struct l2secd *d)
{
	struct l2sec_config *cfg;
	struct users_db *users;
	struct priv_check *pc;

	if (priv_check_tunnels(d->pc)) {
		log_warn("reload: privsep = yes: the engine holds tunnels; the new configuration "
			 "applies after a restart of l2secd (or once every tunnel is gone, at the "
			 "next reload)");
		return;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return;
	if (config_load(cfg, d->config_path, NULL, NULL) ||
	    secfile_check_config(cfg, d->config_path, geteuid(), NULL, NULL) ||
	    !cfg->privsep || ipsec_enabled(cfg)) {
		log_err("reload: %s has errors, or asks for what needs a restart (privsep, "
			"[ipsec]); the configuration in force is kept", d->config_path);
		goto out;
	}
	keep_running(cfg, &d->cfg);	/* as for a single l2secd */
	users = users_load(cfg->users_path, users_error, cfg->users_path);
	if (users && inform_check_users(cfg, users, users_error, cfg->users_path)) {
		users_free(users);
		users = NULL;
	}
	pc = users ? priv_check_new(cfg, users) : NULL;
	if (!pc) {
		users_free(users);
		log_err("reload: %s has errors; the configuration in force is kept",
			cfg->users_path);
		goto out;
	}
	for (unsigned int i = 0; i < d->n_socks; i++)
		priv_check_sock_add(pc, i + 1, d->socks[i].family == AF_INET ? 4 : 6);
	priv_check_free(d->pc);
	users_free(d->users);
	d->pc = pc;
	d->users = users;
	explicit_bzero(&d->cfg, sizeof(d->cfg));
	d->cfg = *cfg;
	log_set_level(d->cfg.log_level);
	log_notice("configuration reloaded from %s: a new engine starts with it", d->config_path);
	d->restart_ms = RESTART_MIN_MS;
	engine_kill(d, SIGTERM);	/* no tunnel: nothing to lose */
out:
	explicit_bzero(cfg, sizeof(*cfg));
	free(cfg);
}

static void stop_now(struct l2secd *d)
{
	ev_timer_cancel(d->loop, &d->stop_timer);
	ev_timer_cancel(d->loop, &d->stop_poll);
	ev_timer_cancel(d->loop, &d->kill_timer);
	ev_timer_cancel(d->loop, &d->restart_timer);
	evloop_stop(d->loop);
}

static void stop_timer_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, stop_timer);

	log_notice("shutdown: not every peer acknowledged its StopCCN; exiting anyway");
	stop_now(d);
}

static void stop_poll_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, stop_poll);

	if (l2tp_lns_quiescent(d->lns)) {
		stop_now(d);
		return;
	}
	ev_timer_arm(d->loop, &d->stop_poll, 50);
}

/*
 * The privsep parent: SIGCHLD is the engine's end; SIGTERM and SIGINT go on to
 * the engine, which says goodbye to its peers, and the parent exits after it;
 * SIGHUP: see reload_parent.
 */
static void reload_parent(struct l2secd *d);

static void parent_signal(struct l2secd *d, int signo)
{
	if (signo == SIGCHLD) {
		reap(d);
		return;
	}
	if (signo == SIGHUP) {
		notify_reloading();
		reload_parent(d);
		notify_ready();
		return;
	}
	if (d->stopping || !d->engine_pid) {
		if (d->stopping)
			log_notice("second signal: exiting now");
		engine_kill(d, SIGKILL);
		stop_now(d);
		return;
	}
	d->stopping = true;
	notify_stopping();
	notify_status("stopping");
	ev_timer_cancel(d->loop, &d->restart_timer);
	engine_kill(d, SIGTERM);
	ev_timer_arm(d->loop, &d->kill_timer, STOP_WAIT_MS + 2000);
}

static void signal_cb(struct evloop *loop, int signo, void *arg)
{
	struct l2secd *d = arg;
	struct l2tp_lns_counts n;

	if (d->pc) {
		parent_signal(d, signo);
		return;
	}
	if (signo == SIGHUP) {
		/*
		 * the unit is "reloading" until READY=1; with Type=notify-reload
		 * (systemd 253) `systemctl reload` waits for it
		 */
		notify_reloading();
		reload(d);
		notify_ready();
		return;
	}
	if (d->stopping) {
		log_notice("second signal: exiting now");
		stop_now(d);
		return;
	}
	d->stopping = true;
	l2tp_lns_counts(d->lns, &n);
	if (!d->ep) {	/* the privsep engine opens no socket: its parent speaks to systemd */
		notify_stopping();
		notify_status("stopping: StopCCN to %u tunnel(s)", n.tunnels);
	}
	log_notice("%s: sending StopCCN to %u tunnel(s)", strsignal(signo), n.tunnels);
	l2tp_lns_shutdown(d->lns);
	ev_timer_arm(loop, &d->stop_timer, STOP_WAIT_MS);
	ev_timer_arm(loop, &d->stop_poll, 0);
}

/* --- start / run / cleanup ----------------------------------------------------------- */

/*
 * What a single l2secd, or the privsep engine, runs: the LNS, the PPP layer,
 * DHCPINFORM, the control socket, over the sockets (opened here when
 * open_socks, else already open). users is the sessions layer's from here on.
 */
static int engine_setup(struct l2secd *d, struct users_db *users, bool open_socks)
{
	if (rx_check_open(d) < 0) {
		users_free(users);
		return -1;
	}
	if (!d->cfg.l2tp.require_ipsec)
		log_warn("require-ipsec = no: plaintext L2TP is accepted");
	log_info("ppp: %zu user(s) from %s", users_count(users), d->cfg.users_path);
	d->ss = sessions_new(d->loop, &d->cfg, users, d->dp, d->nd);
	if (!d->ss) {
		users_free(users);
		log_err("out of memory");
		return -1;
	}
	if (d->ep)
		sessions_set_priv(d->ss, d->ep);

	d->inform = inform_open(d->loop, &d->cfg, d->ss, netdev_name(d->nd));
	if (!d->inform)
		return -1;

	d->lns = l2tp_lns_new(d->loop, &d->cfg.l2tp, &lns_ops, d);
	if (!d->lns) {
		log_err("out of memory");
		return -1;
	}
	l2tp_lns_set_session_ops(d->lns, &sessions_l2tp_ops, d->ss);
	snprintf(d->state_path, sizeof(d->state_path), "%s/tunnels.state", d->cfg.runtime_dir);
	if (l2tp_stale_open(d->lns, d->state_path) < 0)
		log_warn("%s: %s; after a crash, clients find out only by their own timeout",
			 d->state_path, strerror(errno));
	d->rxb = rxbatch_new();
	if (!d->rxb) {
		log_err("out of memory");
		return -1;
	}
	for (unsigned int i = 0; open_socks && i < d->cfg.n_listen; i++)
		if (sock_open(d, &d->cfg.listen[i]) < 0)
			return -1;
	if (socks_watch(d) < 0)
		return -1;
	snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/l2secd.sock", d->cfg.runtime_dir);
	if (ipsec_enabled(&d->cfg)) {
		if (!d->cfg.l2tp.require_ipsec)
			log_warn("[ipsec] is configured but require-ipsec = no: plaintext L2TP "
				 "is accepted too");
		d->ipsec = ipsec_new(d->loop, &d->cfg, d->lns);
		if (!d->ipsec)
			return -1;
	} else if (d->cfg.l2tp.require_ipsec) {
		log_notice("ipsec: no [ipsec] psk or certificate: charon is not managed by "
			   "l2secd; its L2TP connection must set a unique mark per CHILD_SA");
	}
	d->ctl = ctl_open(d->loop, d->ctl_path,
			  &(struct ctl_src){ .lns = d->lns, .ss = d->ss, .ipsec = d->ipsec,
					     .inform = d->inform, .rx = &d->rx,
					     .rxb = rxbatch_stats(d->rxb),
					     .test_hooks = d->test_hooks });
	if (!d->ctl)
		return -1;
	return 0;
}

static struct users_db *users_open(struct l2secd *d)
{
	struct users_db *users;

	users = users_load(d->cfg.users_path, users_error, (void *)d->cfg.users_path);
	if (users && inform_check_users(&d->cfg, users, users_error, (void *)d->cfg.users_path)) {
		users_free(users);
		return NULL;
	}
	return users;
}

/* --- privsep: the parent ------------------------------------------------------------- */

static int x_tunnel_add(void *ctx, const struct priv_tunnel_add *r)
{
	struct l2secd *d = ctx;
	struct kern_tunnel kt = {
		.tid = r->tid, .peer_tid = r->peer_tid,
		.sock_id = d->socks[r->sock_id - 1].kern_id,	/* the checker knows the id */
		.require_ipsec = r->require_ipsec, .mark = r->mark,
	};

	if (r->peer.family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&kt.peer;

		sin->sin_family = AF_INET;
		sin->sin_addr = r->peer.v4;
		sin->sin_port = htons(r->peer_port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&kt.peer;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = r->peer.v6;
		sin6->sin6_port = htons(r->peer_port);
	}
	if (r->local.family == 4) {
		kt.local.ss_family = AF_INET;
		((struct sockaddr_in *)&kt.local)->sin_addr = r->local.v4;
	} else if (r->local.family == 6) {
		kt.local.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&kt.local)->sin6_addr = r->local.v6;
	}
	return datapath_tunnel_add(d->dp, &kt) < 0 ? -1 : 0;
}

static void x_tunnel_del(void *ctx, uint16_t tid)
{
	struct l2secd *d = ctx;

	datapath_tunnel_del(d->dp, tid);
}

static int x_session_add(void *ctx, uint16_t tid, uint16_t sid, uint16_t peer_sid)
{
	struct l2secd *d = ctx;

	return datapath_session_add(d->dp, tid, sid, peer_sid) < 0 ? -1 : 0;
}

static void x_session_del(void *ctx, uint16_t tid, uint16_t sid)
{
	struct l2secd *d = ctx;

	datapath_session_del(d->dp, tid, sid);
}

static int x_session_up(void *ctx, const struct priv_session_up *up)
{
	struct l2secd *d = ctx;

	/* an IPv6CP interface identifier is never 0 (RFC 5072): 0 is none */
	return datapath_session_up(d->dp, up->tid, up->sid, up->has_v4 ? &up->v4 : NULL,
				   up->has_v6 ? &up->pfx64 : NULL, up->ifid ? &up->ifid : NULL);
}

static int x_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	struct l2secd *d = ctx;
	int family = a->family == 4 ? AF_INET : AF_INET6;
	const void *dst = a->family == 4 ? (const void *)&a->v4 : (const void *)&a->v6;

	if (add)
		return netdev_route_add(d->nd, family, dst, plen);
	netdev_route_del(d->nd, family, dst, plen);
	return 0;
}

/* charon not managed by l2secd: the kernel's SAs, dumped over xfrm (xfrm_marks.h). */
static void x_sa_lookup(void *ctx, uint32_t mark, const struct priv_addr *peer)
{
	struct l2secd *d = ctx;
	struct sockaddr_storage ss = { 0 };

	if (!d->xm)
		return;
	if (peer->family == 4) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_addr = peer->v4;
	} else {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_addr = peer->v6;
	}
	if (xfrm_marks_check(d->xm, mark, &ss, evloop_now(d->loop)) &&
	    priv_check_sa_up(d->pc, mark, peer) < 0)
		log_warn("privsep: the checker's SA table is full");
}

static const struct priv_exec_ops exec_ops = {
	.tunnel_add = x_tunnel_add,
	.tunnel_del = x_tunnel_del,
	.session_add = x_session_add,
	.session_del = x_session_del,
	.session_up = x_session_up,
	.route = x_route,
	.sa_lookup = x_sa_lookup,
};

static void engine_kill(struct l2secd *d, int signo)
{
	if (d->engine_pid > 0)
		kill(d->engine_pid, signo);
}

static void priv_close(struct l2secd *d)
{
	if (d->priv_fd < 0)
		return;
	evloop_del_io(d->loop, &d->priv_io);
	close(d->priv_fd);
	d->priv_fd = -1;
}

static void priv_io_cb(struct ev_io *io, uint32_t events)
{
	struct l2secd *d = container_of(io, struct l2secd, priv_io);
	enum priv_parent_result r;

	(void)events;
	r = priv_parent_input(d->pc, d->priv_fd, &exec_ops, d, evloop_now(d->loop));
	if (r == PRIV_PARENT_OK)
		return;
	priv_close(d);		/* SIGCHLD tells the rest */
	if (r == PRIV_PARENT_BROKEN) {
		log_err("privsep: the engine (pid %ld) broke the protocol: killing it",
			(long)d->engine_pid);
		engine_kill(d, SIGKILL);
	}
}

static int engine_main(struct l2secd *d, int fd);

static int engine_spawn(struct l2secd *d)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("privsep: socketpair: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_err("privsep: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(engine_main(d, sv[1]));
	}
	close(sv[1]);
	d->priv_fd = sv[0];
	if (evloop_add_io(d->loop, &d->priv_io, sv[0], EPOLLIN, priv_io_cb) < 0) {
		log_err("event loop: %s", strerror(errno));
		close(sv[0]);
		d->priv_fd = -1;
		kill(pid, SIGKILL);
		return -1;
	}
	d->engine_pid = pid;
	d->engine_start_ms = evloop_now(d->loop);
	log_info("privsep: engine started (pid %ld, user %s)", (long)pid, d->cfg.engine_user);
	return 0;
}

static void restart_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, restart_timer);

	if (d->stopping)
		return;
	if (engine_spawn(d) < 0)
		ev_timer_arm(d->loop, &d->restart_timer, RESTART_MAX_MS);
}

static void kill_timer_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, kill_timer);

	log_notice("shutdown: the engine did not exit in time: killing it");
	engine_kill(d, SIGKILL);
}

/* The engine is gone: what it held in the kernel goes, and a new one starts after a while. */
static void engine_died(struct l2secd *d, int status)
{
	uint64_t now = evloop_now(d->loop);

	if (WIFSIGNALED(status))
		log_err("privsep: the engine (pid %ld) was killed by signal %d (%s)%s",
			(long)d->engine_pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
			WTERMSIG(status) == SIGSYS ? ": a system call its sandbox forbids" : "");
	else if (!d->stopping || WEXITSTATUS(status))
		log_err("privsep: the engine (pid %ld) exited with status %d",
			(long)d->engine_pid, WEXITSTATUS(status));
	d->engine_pid = 0;
	priv_close(d);
	priv_parent_engine_gone(d->pc, &exec_ops, d);
	if (d->stopping) {
		d->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		stop_now(d);
		return;
	}
	if (now - d->engine_start_ms >= RESTART_RESET_MS)
		d->restart_ms = RESTART_MIN_MS;
	log_notice("privsep: its tunnels and sessions are cleared; a new engine starts in %u ms",
		   d->restart_ms);
	ev_timer_arm(d->loop, &d->restart_timer, d->restart_ms);
	d->restart_ms = MIN(d->restart_ms * 2, RESTART_MAX_MS);
}

static void reap(struct l2secd *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == d->engine_pid)
			engine_died(d, status);
}

/* The engine's root: an empty directory of root's that nobody may write to. */
static int empty_dir(struct l2secd *d)
{
	snprintf(d->empty_dir, sizeof(d->empty_dir), "%s/empty", d->cfg.runtime_dir);
	if ((mkdir(d->empty_dir, 0555) < 0 && errno != EEXIST) || chmod(d->empty_dir, 0555) < 0) {
		log_err("%s: %s", d->empty_dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int parent_start(struct l2secd *d)
{
	struct sandbox_ids ids;

	if (ipsec_enabled(&d->cfg)) {
		log_err("privsep = yes: l2secd cannot manage charon ([ipsec] psk or certificate) "
			"in two processes yet; set privsep = no");
		return -1;
	}
	if (!d->kern) {
		log_err("privsep = yes needs the kernel data path (l2sec.ko); set privsep = no "
			"for the TUN data path");
		return -1;
	}
	if (sandbox_lookup(d->cfg.engine_user, &ids) < 0) {
		log_err("privsep: engine-user '%s' does not exist or is root: create it "
			"(useradd --system --no-create-home --shell /usr/sbin/nologin %s) or set "
			"privsep = no", d->cfg.engine_user, d->cfg.engine_user);
		return -1;
	}
	d->engine_uid = ids.uid;
	d->engine_gid = ids.gid;
	if (empty_dir(d) < 0 || watch_open(d) < 0)
		return -1;
	d->users = users_open(d);
	if (!d->users)
		return -1;
	for (unsigned int i = 0; i < d->cfg.n_listen; i++)
		if (sock_open(d, &d->cfg.listen[i]) < 0)
			return -1;
	d->pc = priv_check_new(&d->cfg, d->users);
	if (!d->pc) {
		log_err("privsep: %s", strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < d->n_socks; i++)
		priv_check_sock_add(d->pc, i + 1, d->socks[i].family == AF_INET ? 4 : 6);
	snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/l2secd.sock", d->cfg.runtime_dir);
	d->restart_ms = RESTART_MIN_MS;
	return engine_spawn(d);
}

/* --- privsep: the engine ------------------------------------------------------------- */

/* Close every descriptor the parent had but those in keep (n of them). */
static int close_others(const int *keep, unsigned int n)
{
	int fds[1024];
	unsigned int m = 0;
	struct dirent *e;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return -1;
	while ((e = readdir(dir)) && m < ARRAY_SIZE(fds)) {
		int fd = atoi(e->d_name);
		bool kept = e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(dir);

		for (unsigned int i = 0; i < n && !kept; i++)
			kept = keep[i] == fd;
		if (!kept)
			fds[m++] = fd;
	}
	closedir(dir);
	for (unsigned int i = 0; i < m; i++)
		close(fds[i]);
	return m < ARRAY_SIZE(fds) ? 0 : -1;
}

/* The parent's events: what the engine cannot see for itself. */
static void engine_event(void *ctx, const struct priv_msg *ev)
{
	struct l2secd *d = ctx;

	if (ev->type == PRIV_EV_DATAPATH_LOST)
		module_lost(d, "the privileged parent saw it go");
	else
		log_debug("engine: event %s ignored", priv_type_name(ev->type));
}

/*
 * The forked engine: only the L2TP sockets, stderr and its end of the
 * socketpair are kept of the parent's descriptors; what it opens itself
 * (event loop, control socket, state file, DHCPINFORM socket) it opens as
 * root, before the sandbox; then the users db loses its secrets and the
 * process its privileges, for good.
 */
static int engine_main(struct l2secd *d, int fd)
{
	static const int sigs[] = { SIGTERM, SIGINT };
	struct sandbox_ids ids = { .uid = d->engine_uid, .gid = d->engine_gid };
	int keep[3 + CONFIG_MAX_LISTEN + 1];
	struct users_db *users = d->users;
	unsigned int n = 0;
	const char *step = "";

	keep[n++] = 0;
	keep[n++] = 1;
	keep[n++] = 2;
	keep[n++] = fd;
	for (unsigned int i = 0; i < d->n_socks; i++)
		keep[n++] = d->socks[i].fd;
	if (close_others(keep, n) < 0)
		return 1;
	log_setup(d->cfg.log_target, d->cfg.log_level, "l2secd");
	/* the parent's: not this process's to use (the checker's copy is wiped) */
	d->users = NULL;
	priv_check_free(d->pc);
	d->pc = NULL;
	d->priv_fd = -1;
	d->engine_pid = 0;
	d->pid_path[0] = '\0';
	d->kern_watching = false;
	d->loop = evloop_new(NULL, NULL);
	if (!d->loop || evloop_set_signals(d->loop, sigs, ARRAY_SIZE(sigs), signal_cb, d) < 0)
		return 1;
	ev_timer_init(&d->stop_timer, stop_timer_cb);
	ev_timer_init(&d->stop_poll, stop_poll_cb);
	d->dp = datapath_kernel(d->loop, d->kern, d->nd);
	d->ep = engine_priv_new(d->loop, fd, engine_event, d);
	if (!d->dp || !d->ep)
		return 1;
	users_forget_secrets(users);
	if (engine_setup(d, users, false) < 0)
		return 1;
	if (sandbox_enter(&ids, d->empty_dir, &step) < 0) {
		log_err("privsep: engine: sandbox: %s: %s", step, strerror(errno));
		return 1;
	}
	log_info("privsep: engine (pid %ld) runs as uid %ld without privileges", (long)getpid(),
		 (long)ids.uid);
	if (evloop_run(d->loop) < 0)
		return 1;
	/* nothing to undo that the sandbox allows: the parent clears up */
	return d->exit_code;
}

/* --- start / run / cleanup ----------------------------------------------------------- */

int l2secd_start(struct l2secd *d, const char *config_path, const struct l2sec_config *cfg)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGCHLD };
	struct users_db *users;
	const char *hooks = getenv("L2SECD_TEST_HOOKS");

	memset(d, 0, sizeof(*d));
	d->pid_fd = -1;
	d->priv_fd = -1;
	for (size_t i = 0; i < CONFIG_MAX_LISTEN; i++)
		d->socks[i].fd = -1;
	d->config_path = config_path;
	d->cfg = *cfg;
	d->test_hooks = hooks && !strcmp(hooks, "1");
	ev_timer_init(&d->stop_timer, stop_timer_cb);
	ev_timer_init(&d->stop_poll, stop_poll_cb);
	ev_timer_init(&d->restart_timer, restart_cb);
	ev_timer_init(&d->kill_timer, kill_timer_cb);
	signal(SIGPIPE, SIG_IGN);

	d->loop = evloop_new(NULL, NULL);
	/* SIGCHLD: the privsep engine's end */
	if (!d->loop || evloop_set_signals(d->loop, sigs, ARRAY_SIZE(sigs) - !d->cfg.privsep,
					   signal_cb, d) < 0) {
		log_err("event loop: %s", strerror(errno));
		return -1;
	}
	if (mkdir(d->cfg.runtime_dir, 0755) < 0 && errno != EEXIST) {
		log_err("%s: %s", d->cfg.runtime_dir, strerror(errno));
		return -1;
	}
	if (pidfile_create(d) < 0)
		return -1;

	if (datapath_open(d) < 0)
		return -1;
	if (d->cfg.privsep) {
		if (parent_start(d) < 0)
			return -1;
	} else {
		users = users_open(d);
		if (!users)
			return -1;
		if (engine_setup(d, users, true) < 0)
			return -1;
	}
	log_notice("l2secd " L2SEC_VERSION " started (%s)%s", config_path,
		   d->cfg.privsep ? ", privsep: a privileged parent and an unprivileged engine" : "");
	notify_status("running, data path %s", datapath_name(d->dp));
	notify_ready();
	return 0;
}

int l2secd_run(struct l2secd *d)
{
	if (evloop_run(d->loop) < 0) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	return d->exit_code;
}

void l2secd_cleanup(struct l2secd *d)
{
	bool started = d->lns != NULL || d->pc != NULL;

	if (d->engine_pid > 0) {	/* a start that failed after the fork */
		int status;

		engine_kill(d, SIGKILL);
		waitpid(d->engine_pid, &status, 0);
	}
	priv_close(d);
	if (d->pc) {
		priv_parent_engine_gone(d->pc, &exec_ops, d);
		unlink(d->ctl_path);	/* the engine's, which cannot remove it */
	}
	priv_check_free(d->pc);
	users_free(d->users);
	ctl_close(d->ctl);
	ipsec_free(d->ipsec);
	/* tunnels go with their sockets too; deleting them keeps the log clear */
	l2tp_lns_free(d->lns);
	inform_close(d->inform);
	sessions_free(d->ss);
	for (unsigned int i = 0; i < d->n_socks; i++) {
		if (d->dp && !d->rx.module_gone)
			datapath_sock_del(d->dp, d->socks[i].kern_id);
		if (d->socks[i].io.cb)	/* not the privsep parent's to read */
			evloop_del_io(d->loop, &d->socks[i].io);
		close(d->socks[i].fd);
	}
	rxbatch_free(d->rxb);
	datapath_free(d->dp);
	netdev_close(d->nd);
	if (d->kern_watching)
		evloop_del_io(d->loop, &d->kern_watch);
	kern_close(d->kern);
	xfrm_marks_free(d->xm);
	if (d->pid_path[0])
		pidfile_release(d->pid_fd, d->pid_path);
	evloop_free(d->loop);
	explicit_bzero(&d->cfg, sizeof(d->cfg));	/* psk, secret */
	if (started)
		log_notice("l2secd stopped");
}
