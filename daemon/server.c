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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "inform.h"
#include "ipsec/ipsec.h"
#include "datapath/datapath.h"
#include "datapath/kmod.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_snap.h"
#include "l2tp/l2tp_stale.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/logrl.h"
#include "datapath/netdev.h"
#include "core/notify.h"
#include "core/pidfile.h"
#include "core/rnd.h"
#include "conf/secfile.h"
#include "privsep.h"
#include "privtun.h"
#include "server.h"
#include "server_int.h"
#include "aaa.h"
#include "sess.h"
#include "l2tp/rxcheck.h"
#include "conf/users.h"
#include "core/util.h"
#include "ipsec/xfrm_marks.h"
#include "engine/engine_priv.h"
#include "priv/priv_check.h"
#include "priv/priv_state.h"

#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif


#define RX_LOG_MS 60000		/* at most one line a minute on lost datagrams */
#define RCVBUF_PER_SESSION 1024	/* rcvbuf = 0: bytes queued per session of max-sessions */
#define RCVBUF_MIN (4u << 20)
#define RCVBUF_MAX (64u << 20)
#define DATA_DEV "l2sec0"
#define TUN_MTU 1380		/* what l2sec.ko's device defaults to */

/* --- L2TP sockets ----------------------------------------------------------- */

int l2secd_sock_sendmsg(struct l2secd *d, unsigned int sock, const union sa46 *to,
			const union sa46 *local, uint32_t mark, const uint8_t *buf, size_t len)
{
	struct l2secd_sock *s;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm;
	size_t clen = 0;

	if (sock >= d->n_socks)
		return -1;
	s = &d->socks[sock];
	if (!sa46_len(to)) {		/* AF_UNSPEC: nowhere to send */
		errno = EDESTADDRREQ;
		return -1;
	}
	/* the socket's family's length: the union holds either (the kernel checks the family) */
	mh.msg_namelen = s->family == AF_INET ? sizeof(struct sockaddr_in) :
		sizeof(struct sockaddr_in6);
	memset(cbuf.buf, 0, sizeof(cbuf.buf));
	cm = CMSG_FIRSTHDR(&mh);
	/* reply from the address the peer sent to (wildcard listeners) */
	if (s->family == AF_INET && local->sa.sa_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		pi.ipi_spec_dst = local->sin.sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		clen += CMSG_SPACE(sizeof(pi));
		cm = (struct cmsghdr *)(cbuf.buf + clen);
	} else if (s->family == AF_INET6 && local->sa.sa_family == AF_INET6) {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = local->sin6.sin6_addr;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		clen += CMSG_SPACE(sizeof(pi));
		cm = (struct cmsghdr *)(cbuf.buf + clen);
	}
	/* the SA's mark picks that client's outbound policy (research: sa-binding) */
	if (mark) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SO_MARK;
		cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
		memcpy(CMSG_DATA(cm), &mark, sizeof(uint32_t));
		clen += CMSG_SPACE(sizeof(uint32_t));
	}
	mh.msg_controllen = clen;
	if (!clen)
		mh.msg_control = NULL;
	return sendmsg(s->fd, &mh, MSG_DONTWAIT) < 0 ? -1 : 0;
}

/*
 * A send error can come with every datagram a peer makes us answer (a
 * spoofed, unreachable source), a receive error with every datagram: limited.
 */
static struct logrl send_rl = LOGRL_INIT_DEFAULT, recv_rl = LOGRL_INIT_DEFAULT;

/*
 * The privsep engine has no CAP_NET_RAW for SO_MARK: what goes through an SA
 * the parent sends, with the mark it recorded for the tunnel (or, before
 * there is one, of the SA the engine answers, which it checks).
 */
static int engine_send(struct l2secd *d, const struct l2tp_peer *peer,
		       const struct l2tp_tunnel *t, uint16_t sid, const uint8_t *buf, size_t len)
{
	struct engine_priv_send s = {
		.sock_id = (uint32_t)peer->sock + 1, .peer = &peer->addr, .local = &peer->local,
		.mark = peer->mark,
	};

	if (t && t->in_kernel && t->dp_handle) {	/* the parent knows it: named, and our session */
		s.handle = t->dp_handle;
		s.tid = t->tid;
		s.sid = sid;
	}
	if (engine_priv_send(d->ep, &s, buf, len) == 0)
		return 0;
	if (errno == EAGAIN)
		log_debug("l2tp: send: the privileged parent's queue is full: dropped");
	else
		log_rl_info(&send_rl, "l2tp: send through the parent: %s", strerror(errno));
	return -1;
}

static int sock_send(void *env, const struct l2tp_peer *peer, const struct l2tp_tunnel *t,
		     uint16_t sid, const uint8_t *buf, size_t len)
{
	struct l2secd *d = env;

	if (peer->sock < 0 || !sa46_len(&peer->addr))	/* AF_UNSPEC: nowhere to send */
		return -1;
	if (d->ep && peer->mark)
		return engine_send(d, peer, t, sid, buf, len);
	if (l2secd_sock_sendmsg(d, (unsigned int)peer->sock, &peer->addr, &peer->local,
				peer->mark, buf, len) < 0) {
		log_rl_info(&send_rl, "l2tp: send: %s", strerror(errno));
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
void l2secd_module_lost(struct l2secd *d, const char *why)
{
	struct l2tp_tunnel *t, *next;
	struct l2tp_lns_counts n;

	if (d->rx.module_gone)
		return;
	d->rx.module_gone = true;
	if (!d->lns) {		/* the privsep parent: the engine closes its tunnels */
		privsep_datapath_lost(d, why);
		return;
	}
	l2tp_lns_counts(d->lns, &n);
	log_err("l2sec.ko: %s: the kernel data path is gone; l2secd closes its %u tunnel(s) "
		"and refuses every L2TP datagram until it is restarted", why, n.tunnels);
	notify_status("l2sec.ko is gone: refusing everything until restarted");
	for (t = l2tp_lns_first_tunnel(d->lns); t; t = next) {
		next = l2tp_lns_next_tunnel(t);
		if (d->ss)
			sessions_end_cause_tunnel(d->ss, t, AAA_TC_NAS_ERROR);
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
		l2secd_module_lost(d, "its generic netlink family was unregistered");
	else if (lost)
		l2secd_module_lost(d, "it detached the L2TP socket");
}

/* Whether mark names an SA with peer src: charon's, as l2secd knows them, or the kernel's. */
static bool sa_ok(void *ctx, uint32_t mark, const union sa46 *src)
{
	struct l2secd *d = ctx;

	if (d->ipsec)	/* the SA table, or the privsep engine's copy of the parent's */
		return ipsec_mark_is_child_sa(d->ipsec, mark, src);
	if (d->ep)
		return engine_priv_mark_ok(d->ep, mark, src);
	return xfrm_marks_check(d->xm, mark, src, evloop_now(d->loop));
}

/* One datagram of a batch (rxbatch.h): l2secd's IPsec check, then the LNS. */
static void sock_datagram(void *ctx, const struct msghdr *mh, uint8_t *data, size_t len)
{
	struct l2secd_sock *s = ctx;
	struct l2secd *d = s->d;
	struct l2tp_peer peer = { .sock = (int)(s - d->socks) };
	struct rxcheck_meta meta;
	/* another family stays AF_UNSPEC: past the data path, rxcheck counts and drops it */
	bool ip = sa46_from(&peer.addr, mh->msg_name, mh->msg_namelen) == 0;

	/*
	 * The module detaches its sockets when it goes. A socket taken
	 * from it (SOCK_DEL) keeps the encapsulation type: its
	 * SOCK_NTF_DEL reaches kern_watch_cb on the event loop's next
	 * turn; until then rxcheck checks this datagram's SA as it
	 * checks every datagram's. Asked once a batch (a system call): the
	 * batch was read before the question, and a socket once detached
	 * stays so, so the answer holds for every datagram in it.
	 */
	if (!s->batch_asked && !d->rx.module_gone && datapath_sock_taken(d->dp, s->fd))
		l2secd_module_lost(d, "it detached the L2TP socket");
	s->batch_asked = true;
	rxcheck_parse(mh, &peer, &meta);
	if (ip && l2secd_dp_input(d, &peer, &meta, data, len) == DATAPATH_CARRIED)
		return;
	l2secd_sock_input(d, &peer, &meta, data, len);
}

int l2secd_dp_input(struct l2secd *d, const struct l2tp_peer *peer,
		    const struct rxcheck_meta *meta, const uint8_t *data, size_t len)
{
	struct tunpump_from from = {
		.sock_id = (uint32_t)peer->sock + 1, .peer = &peer->addr,
		.mark = meta->have_mark ? peer->mark : 0,
	};

	return datapath_input(d->dp, &from, data, len);
}

/* A packet for a client, framed by the data path: from the tunnel's socket. */
static int dp_output(void *ctx, const struct tunpump_to *to, const uint8_t *buf, size_t len)
{
	struct l2secd *d = ctx;

	if (!to->sock_id || to->sock_id > d->n_socks)
		return -1;
	return l2secd_sock_sendmsg(d, to->sock_id - 1, &to->peer, &to->local, to->mark, buf, len);
}

void l2secd_sock_input(struct l2secd *d, struct l2tp_peer *peer, const struct rxcheck_meta *meta,
		       uint8_t *data, size_t len)
{
	if (rxcheck_datagram(&d->rx, peer, meta, evloop_now(d->loop)) != RXCHECK_OK)
		return;
	l2tp_lns_input(d->lns, data, len, peer);
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
	s->batch_asked = false;
	if (rxbatch_read(d->rxb, &s->rx, sock_datagram, s) < 0)
		log_rl_info(&recv_rl, "l2tp: receive: %s", strerror(errno));
	rx_report(d);
}

/* [l2tp] rcvbuf in bytes: set, or 1 KiB a session of max-sessions within bounds. */
unsigned int l2secd_rcvbuf(const struct l2sec_config *cfg)
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
	unsigned int want = l2secd_rcvbuf(&d->cfg);
	int got = rxbatch_sock_setup(s->fd, want);

	if (got < 0)
		return -1;
	if ((unsigned int)got < want)
		log_notice("l2tp: socket %s: receive buffer %d KiB, not the %u KiB asked for "
			   "(no CAP_NET_ADMIN: net.core.rmem_max caps it)", s->addr, got / 1024,
			   want / 1024);
	return 0;
}

void l2secd_socks_rx_setup(struct l2secd *d)
{
	for (unsigned int i = 0; i < d->n_socks; i++)
		sock_rx_setup(d, &d->socks[i]);
}

int l2secd_sock_open(struct l2secd *d, const struct sockaddr_storage *addr)
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

/*
 * The sockets' datagrams to the LNS (in the engine, under privsep); on the
 * TUN data path under privsep the parent reads them and passes the engine's on.
 */
static int socks_watch(struct l2secd *d)
{
	if (d->pt)
		return privtun_engine_watch(d);
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

	if (d->rx.module_gone)
		return -1;
	if (d->ep)	/* the socket's number as the parent counts them: 1...; its handle */
		return engine_priv_tunnel_add(d->ep, t->tid, t->peer_tid,
					      (uint32_t)t->peer.sock + 1, &t->peer.addr,
					      &t->peer.local, t->require_ipsec, t->peer.mark,
					      &t->dp_handle);
	return datapath_tunnel_add(d->dp, &(struct kern_tunnel){
		.tid = t->tid, .peer_tid = t->peer_tid,
		.sock_id = d->socks[t->peer.sock].kern_id,
		.peer = t->peer.addr, .local = t->peer.local,
		.require_ipsec = t->require_ipsec, .mark = t->peer.mark,
		.reqid = d->ipsec ? ipsec_mark_reqid(d->ipsec, t->peer.mark) : 0,
	}, &t->dp_handle);
}

static void dp_tunnel_del(void *env, struct l2tp_tunnel *t)
{
	struct l2secd *d = env;

	if (d->rx.module_gone || (d->ep && d->sa_gone_mark && t->peer.mark == d->sa_gone_mark))
		return;		/* the privsep parent removed it with its SA */
	if (d->ep)
		engine_priv_tunnel_del(d->ep, t->dp_handle, t->tid);
	else
		datapath_tunnel_del(d->dp, datapath_tref(t->dp_handle, t->tid));
}

static int dp_session_add(void *env, struct l2tp_session *s)
{
	struct l2secd *d = env;
	struct l2tp_tunnel *t = s->tunnel;
	uint8_t chal[MSCHAP_CHALLENGE_LEN];

	if (d->rx.module_gone)
		return -1;
	if (d->ep) {
		if (engine_priv_session_add(d->ep, t->dp_handle, t->tid, s->sid, s->peer_sid,
					    chal) < 0)
			return -1;
		sessions_first_challenge(d->ss, t->tid, s->sid, chal);
		explicit_bzero(chal, sizeof(chal));
		return 0;
	}
	return datapath_session_add(d->dp, datapath_tref(t->dp_handle, t->tid), s->sid,
				    s->peer_sid);
}

static void dp_session_del(void *env, struct l2tp_session *s)
{
	struct l2secd *d = env;
	struct l2tp_tunnel *t = s->tunnel;

	if (d->rx.module_gone || (d->ep && d->sa_gone_mark && t->peer.mark == d->sa_gone_mark))
		return;
	if (d->ss)
		sessions_session_going(d->ss, s);	/* the counters for its accounting Stop */
	if (d->ep)
		engine_priv_session_del(d->ep, t->dp_handle, t->tid, s->sid);
	else
		datapath_session_del(d->dp, datapath_tref(t->dp_handle, t->tid), s->sid);
}

/*
 * privsep: the records a new engine resumes from, to the parent, as they
 * change (priv/priv_state.h). Ns and Nr after every exchange, held until the
 * engine's next message to the parent or until its loop waits
 * (engine_priv_record, where a tunnel's held records become one), so the
 * record is never behind the peer once the engine waits for its next event:
 * a resumed tunnel needs them exact (docs/ARCHITECTURE.md, "Resuming after
 * the engine dies").
 */
static void dp_snap(void *env, enum l2tp_snap_event ev, struct l2tp_tunnel *t,
		    struct l2tp_session *s)
{
	struct l2secd *d = env;
	struct priv_state_msg m = { 0 };
	int r = 0;

	if (!d->ep)
		return;
	m.handle = t->dp_handle;	/* the parent's name of the tunnel (its ID is not unique) */
	if (ev == L2TP_SNAP_GONE) {
		m.type = PRIV_ST_GONE;
		m.gone.tid = t->tid;
		m.gone.sid = s ? s->sid : 0;
	} else if (ev == L2TP_SNAP_SEQ) {
		m.type = PRIV_ST_SEQ;
		r = l2tp_tunnel_export_seq(t, &m.seq_rec);
	} else if (s) {
		m.type = PRIV_ST_SESSION;
		r = l2tp_session_export(s, &m.session);
	} else {
		m.type = PRIV_ST_TUNNEL;
		r = l2tp_tunnel_export(t, &m.tunnel);
	}
	if (r == 0)
		engine_priv_record(d->ep, &m);
}

static uint32_t sys_random(void *env)
{
	uint32_t v = 0;

	(void)env;
	rnd_bytes(&v, sizeof(v));	/* aborts rather than hand out predictable IDs */
	return v;
}

static const struct l2tp_lns_ops lns_ops = {
	.send = sock_send,
	.tunnel_add = dp_tunnel_add,
	.tunnel_del = dp_tunnel_del,
	.session_add = dp_session_add,
	.session_del = dp_session_del,
	.random = sys_random,
	.snap = dp_snap,
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
	d->dp = datapath_tun(d->loop, d->nd, d->cfg.l2tp.max_tunnels, d->cfg.l2tp.max_sessions);
	if (!d->dp)
		goto err_mem;
	if (datapath_set_output(d->dp, dp_output, d) < 0) {
		log_err("tun: %s", strerror(errno));
		return -1;
	}
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
int l2secd_watch_open(struct l2secd *d)
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

/* l2secd's own IPsec check, and l2secd_watch_open's. */
static int rx_check_open(struct l2secd *d)
{
	int lo = (int)if_nametoindex("lo");

	rxcheck_init(&d->rx, d->cfg.l2tp.require_ipsec, lo ? lo : 1, sa_ok, d);
	if (d->ep)
		return 0;	/* privsep: the parent asks xfrm and watches the module */
	return l2secd_watch_open(d);
}

void l2secd_users_error(void *ctx, unsigned int line, const char *msg)
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
void l2secd_keep_running(struct l2sec_config *cfg, const struct l2sec_config *cur)
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

void l2secd_reload_warn(const struct l2sec_config *cfg, const struct l2sec_config *cur)
{
	if (cfg->n_listen != cur->n_listen || cfg->port != cur->port ||
	    memcmp(cfg->listen, cur->listen, sizeof(cfg->listen)) ||
	    strcmp(cfg->runtime_dir, cur->runtime_dir) ||
	    cfg->l2tp.require_ipsec != cur->l2tp.require_ipsec ||
	    cfg->log_target != cur->log_target ||
	    cfg->datapath != cur->datapath)
		log_warn("reload: listen, port, runtime-dir, require-ipsec, log-target and "
			 "datapath changes take effect at restart only");
	if (cfg->privsep != cur->privsep || strcmp(cfg->engine_user, cur->engine_user))
		log_warn("reload: privsep and engine-user changes take effect at restart only");
}

static void reload(struct l2secd *d)
{
	struct l2sec_config *cfg = malloc(sizeof(*cfg));
	struct users_db *users;
	unsigned int rcvbuf = l2secd_rcvbuf(&d->cfg);

	if (!cfg)
		return;
	if (config_load(cfg, d->config_path, NULL, NULL) ||
	    secfile_check_config(cfg, d->config_path, geteuid(), NULL, NULL)) {
		log_err("reload: %s has errors; the configuration in force is kept",
			d->config_path);
		goto out;
	}
	l2secd_reload_warn(cfg, &d->cfg);
	if (aaa_configured(cfg) != (d->aaa != NULL) ||
	    strcmp(cfg->radius.auth_servers, d->cfg.radius.auth_servers) ||
	    strcmp(cfg->radius.acct_servers, d->cfg.radius.acct_servers) ||
	    strcmp(cfg->radius.secret, d->cfg.radius.secret) ||
	    strcmp(cfg->radius.secret_file, d->cfg.radius.secret_file) ||
	    strcmp(cfg->radius.dae_listen, d->cfg.radius.dae_listen) ||
	    cfg->radius.n_dae_clients != d->cfg.radius.n_dae_clients ||
	    memcmp(cfg->radius.dae_clients, d->cfg.radius.dae_clients,
		   sizeof(cfg->radius.dae_clients)))
		log_warn("reload: [radius] server, secret and dae-* changes take effect at "
			 "restart only");
	/* those keep their running values; the rest applies to new tunnels */
	l2secd_keep_running(cfg, &d->cfg);
	users = users_load(cfg->users_path, l2secd_users_error, cfg->users_path);
	if (users && inform_check_users(cfg, users, l2secd_users_error, cfg->users_path)) {
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
	if (d->lns)
		l2tp_lns_set_config(d->lns, &d->cfg.l2tp);	/* drops the old secret */
	if (l2secd_rcvbuf(&d->cfg) != rcvbuf)
		l2secd_socks_rx_setup(d);
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

void l2secd_stop_now(struct l2secd *d)
{
	ev_timer_cancel(d->loop, &d->stop_timer);
	ev_timer_cancel(d->loop, &d->stop_poll);
	ev_timer_cancel(d->loop, &d->kill_timer);
	ev_timer_cancel(d->loop, &d->restart_timer);
	evloop_stop(d->loop);
}

void l2secd_stop_timer_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, stop_timer);

	log_notice("shutdown: not every peer acknowledged its StopCCN; exiting anyway");
	if (!d->acct_off && aaa_acct_enabled(d->aaa)) {
		aaa_acct_off(d->aaa);	/* sent once at least, unanswered */
		d->acct_off = true;
	}
	l2secd_stop_now(d);
}

void l2secd_stop_poll_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, stop_poll);

	if (l2tp_lns_quiescent(d->lns)) {
		/* then Accounting-Off after the sessions' Stops, answered (within STOP_WAIT_MS) */
		if (!d->acct_off && aaa_acct_enabled(d->aaa)) {
			aaa_acct_off(d->aaa);
			d->acct_off = true;
		}
		if (aaa_acct_idle(d->aaa)) {
			l2secd_stop_now(d);
			return;
		}
	}
	ev_timer_arm(d->loop, &d->stop_poll, 50);
}

void l2secd_signal_cb(struct evloop *loop, int signo, void *arg)
{
	struct l2secd *d = arg;
	struct l2tp_lns_counts n;

	if (d->pc) {
		privsep_signal(d, signo);
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
		l2secd_stop_now(d);
		return;
	}
	d->stopping = true;
	if (d->ep)	/* the parent removes what this engine held once it exits */
		engine_priv_stopping(d->ep);
	l2tp_lns_counts(d->lns, &n);
	notify_stopping();	/* the privsep engine's are no-ops: the parent speaks to systemd */
	notify_status("stopping: StopCCN to %u tunnel(s)", n.tunnels);
	if (d->ss)
		sessions_stopping(d->ss);
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
int l2secd_engine_setup(struct l2secd *d, struct users_db *users, bool open_socks)
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
		sessions_set_priv(d->ss, d->ep);	/* the parent holds the pools' routes */
	else if (sessions_pool_routes(d->ss) < 0)
		return -1;
	if (aaa_configured(&d->cfg)) {
		d->aaa = d->ep ? privsep_engine_aaa(d) : aaa_new(d->loop, &d->cfg);
		if (!d->aaa)
			return -1;
		sessions_set_aaa(d->ss, d->aaa);
	}

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
		if (l2secd_sock_open(d, &d->cfg.listen[i]) < 0)
			return -1;
	if (socks_watch(d) < 0)
		return -1;
	snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/l2secd.sock", d->cfg.runtime_dir);
	if (d->ep ? d->engine_ipsec : ipsec_enabled(&d->cfg)) {
		if (!d->cfg.l2tp.require_ipsec)
			log_warn("[ipsec] is configured but require-ipsec = no: plaintext L2TP "
				 "is accepted too");
		/* privsep: charon is the parent's; the engine keeps a copy of its SAs */
		d->ipsec = d->ep ? privsep_engine_ipsec(d) : ipsec_new(d->loop, &d->cfg, d->lns);
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
					     .test_hooks = d->test_hooks, .privsep = d->ep != NULL,
					     .engine_restarts = d->engine_restarts,
					     .engine_reloads = (unsigned int)d->rl.reloads });
	if (!d->ctl)
		return -1;
	return 0;
}

struct users_db *l2secd_users_open(struct l2secd *d)
{
	struct users_db *users;

	users = users_load(d->cfg.users_path, l2secd_users_error, (void *)d->cfg.users_path);
	if (users && inform_check_users(&d->cfg, users, l2secd_users_error, (void *)d->cfg.users_path)) {
		users_free(users);
		return NULL;
	}
	return users;
}

/* --- start / run / cleanup ----------------------------------------------------------- */

int l2secd_start(struct l2secd *d, const char *config_path, struct l2sec_config *cfg)
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
	/* d->cfg holds them now (and an engine wipes them there: privsep.c) */
	explicit_bzero(cfg->psk, sizeof(cfg->psk));
	explicit_bzero(cfg->radius.secret, sizeof(cfg->radius.secret));
	d->test_hooks = hooks && !strcmp(hooks, "1");
	ev_timer_init(&d->stop_timer, l2secd_stop_timer_cb);
	ev_timer_init(&d->stop_poll, l2secd_stop_poll_cb);
	signal(SIGPIPE, SIG_IGN);

	d->loop = evloop_new(NULL, NULL);
	/* SIGCHLD: the privsep engine's end */
	if (!d->loop || evloop_set_signals(d->loop, sigs, ARRAY_SIZE(sigs) - !d->cfg.privsep,
					   l2secd_signal_cb, d) < 0) {
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
		if (privsep_start(d) < 0)
			return -1;
	} else {
		users = l2secd_users_open(d);
		if (!users)
			return -1;
		if (l2secd_engine_setup(d, users, true) < 0)
			return -1;
	}
	log_notice("l2secd " L2SEC_VERSION " started (%s)%s", config_path,
		   d->cfg.privsep ? ", privsep: a privileged parent and an unprivileged engine" : "");
	notify_status("running, data path %s", datapath_name(d->dp));
	notify_ready();
	return 0;
}

/* Tunnels and sessions held: the privsep parent's checker's, else the LNS's. */
static unsigned int live_count(void *arg)
{
	const struct l2secd *d = arg;

	if (d->pc)
		return priv_check_tunnels(d->pc) + priv_check_sessions(d->pc);
	return d->lns ? d->lns->n_tunnels + d->lns->n_sessions : 0;
}

static void mem_release(void *arg)
{
	struct l2secd *d = arg;

	if (d->pc)
		priv_check_release(d->pc);
	if (d->pst)
		priv_state_release(d->pst);
	if (d->dp)
		datapath_release(d->dp);
}

void l2secd_memtrim_start(struct l2secd *d)
{
	if (memtrim_start(&d->trim, d->loop, live_count, mem_release, d) < 0)
		log_warn("memory trim: %s", strerror(errno));
}

int l2secd_run(struct l2secd *d)
{
	l2secd_memtrim_start(d);
	if (evloop_run(d->loop) < 0) {
		log_err("event loop: %s", strerror(errno));
		return 1;
	}
	return d->exit_code;
}

void l2secd_cleanup(struct l2secd *d)
{
	bool started = d->lns != NULL || d->pc != NULL;

	privsep_cleanup(d);
	ctl_close(d->ctl);
	ipsec_free(d->ipsec);
	/* tunnels go with their sockets too; deleting them keeps the log clear */
	l2tp_lns_free(d->lns);
	inform_close(d->inform);
	sessions_free(d->ss);
	aaa_free(d->aaa);
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
