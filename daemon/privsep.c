// SPDX-License-Identifier: GPL-2.0
/*
 * privsep = yes: l2secd as a privileged parent and an unprivileged engine
 * (privsep.h; docs/ARCHITECTURE.md, "Two processes"). The parent's hooks that
 * carry out the engine's requests, the engine's start (a fork that closes the
 * parent's descriptors, builds what a single l2secd builds, and enters the
 * sandbox), its end and its restart with backoff.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aaa.h"
#include "auth/authlimit.h"
#include "conf/secfile.h"
#include "conf/users.h"
#include "core/log.h"
#include "core/notify.h"
#include "core/util.h"
#include "datapath/datapath.h"
#include "datapath/netdev.h"
#include "engine/engine_priv.h"
#include "inform.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_snap.h"
#include "l2tp/l2tp_tunnel.h"
#include "ipsec/ipsec.h"
#include "ipsec/xfrm_marks.h"
#include "priv/priv_acct.h"
#include "priv/priv_check.h"
#include "priv/priv_parent.h"
#include "priv/priv_radius.h"
#include "priv/priv_reload.h"
#include "priv/priv_state.h"
#include "priv/sandbox.h"
#include "privsep.h"
#include "privtun.h"
#include "server_int.h"
#include "sess.h"

#define RESTART_MIN_MS	100	/* the engine's restart, doubling ... */
#define RESTART_MAX_MS	10000	/* ... up to this */
#define RESTART_RESET_MS 60000	/* up this long: the next restart is quick again */
#define ENGINE_START_MS	2000	/* the first engine failing sooner could not start */
/*
 * SIGTERM: the engine says StopCCN to every peer, then waits STOP_WAIT_MS for
 * their acks (its timer starts after the last StopCCN). Closing 82 tunnels, a
 * line logged each, took it over 5 s under TCG (55-admit-flood), and a fixed
 * deadline killed it mid-StopCCN; so an engine that keeps sending (each
 * StopCCN is a SEND) gets its ack wait and ENGINE_STOP_GRACE_MS more from its
 * last message, up to ENGINE_STOP_MAX_MS in all (systemd's TimeoutStopSec is
 * 90 s). In a slow guest (the other core loaded) the engine was still killed
 * after 62 of a spoofed flood's half-open tunnels, each closed with a line
 * written to a log on 9p; those are counted in one line now
 * (l2tp_lns_shutdown).
 */
#define ENGINE_STOP_GRACE_MS	2000
#define ENGINE_STOP_IDLE_MS	(STOP_WAIT_MS + ENGINE_STOP_GRACE_MS)
#define ENGINE_STOP_MAX_MS	60000

static int engine_main(struct l2secd *d, int fd);
static int engine_ipsec_list(struct l2secd *d);

/* --- the parent: the engine's requests carried out ------------------------------------ */

static int x_tunnel_add(void *ctx, const struct priv_tunnel_add *r, uint32_t *dp_handle)
{
	struct l2secd *d = ctx;
	struct kern_tunnel kt = {
		.tid = r->tid, .peer_tid = r->peer_tid,
		.sock_id = d->socks[r->sock_id - 1].kern_id,	/* the checker knows the id */
		.require_ipsec = r->require_ipsec, .mark = r->mark,
		/* the SA's reqid, for the binding (a restarted charon reuses marks) */
		.reqid = d->ipsec ? ipsec_mark_reqid(d->ipsec, r->mark) : 0,
	};
	priv_addr_sa46(&r->peer, r->peer_port, &kt.peer);	/* the checker's: 4 or 6 */
	priv_addr_sa46(&r->local, 0, &kt.local);		/* family 0: AF_UNSPEC */
	/* the module's handle names the tunnel from now on: its ID is unique per SA or peer only */
	return datapath_tunnel_add(d->dp, &kt, dp_handle) < 0 ? -1 : 0;
}

static void x_tunnel_del(void *ctx, const struct priv_check_tref *t)
{
	struct l2secd *d = ctx;

	datapath_tunnel_del(d->dp, datapath_tref(t->dp_handle, t->tid));
	priv_state_forget(d->pst, t->handle, 0);
}

static int x_session_add(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			 uint16_t peer_sid)
{
	struct l2secd *d = ctx;

	return datapath_session_add(d->dp, datapath_tref(t->dp_handle, t->tid), sid,
				    peer_sid) < 0 ? -1 : 0;
}

static void x_session_del(void *ctx, const struct priv_check_tref *t, uint16_t sid)
{
	struct l2secd *d = ctx;

	datapath_session_del(d->dp, datapath_tref(t->dp_handle, t->tid), sid);
	priv_state_forget(d->pst, t->handle, sid);
}

static int x_session_up(void *ctx, const struct priv_check_tref *t,
			const struct priv_session_up *up)
{
	struct l2secd *d = ctx;

	/* an IPv6CP interface identifier is never 0 (RFC 5072): 0 is none */
	return datapath_session_up(d->dp, datapath_tref(t->dp_handle, t->tid), up->sid,
				   up->has_v4 ? &up->v4 : NULL, up->has_v6 ? &up->pfx64 : NULL,
				   up->ifid ? &up->ifid : NULL);
}

/* COUNTERS: the module's counters of a session the checker holds (Idle-Timeout, accounting). */
static int x_counters(void *ctx, const struct priv_check_tref *t, uint16_t sid,
		      struct priv_counters *out)
{
	struct l2secd *d = ctx;
	struct kern_session_stats st;
	int r = datapath_session_stats(d->dp, datapath_tref(t->dp_handle, t->tid), sid, &st);

	if (r < 0 || r == DATAPATH_NOTHING) {
		errno = r < 0 ? EIO : EOPNOTSUPP;
		return -1;
	}
	*out = (struct priv_counters){ .rx_packets = st.rx_packets, .tx_packets = st.tx_packets,
				       .rx_bytes = st.rx_bytes, .tx_bytes = st.tx_bytes };
	return 0;
}

/*
 * A session's host route, asked for by the engine once the checker found the
 * address the session's: none for an address a pool's route holds (nor its
 * removal: that route stays). The pools' routes change only at a reload with
 * no tunnel, so what was added is what is removed.
 */
static int x_route(void *ctx, bool add, const struct priv_addr *a, unsigned int plen)
{
	struct l2secd *d = ctx;
	int family = a->family == 4 ? AF_INET : AF_INET6;
	const void *dst = a->family == 4 ? (const void *)&a->v4 : (const void *)&a->v6;

	if (poolrt_covers(&d->prt, family, dst))
		return 0;
	if (add)
		return netdev_route_add(d->nd, family, dst, plen);
	netdev_route_del(d->nd, family, dst, plen);
	return 0;
}

/*
 * A Framed-Route or Framed-IPv6-Route the checker accepted (priv_check.h):
 * "NET/PLEN via GW dev l2sec0 onlink", never replacing a route that is
 * there. Only l2sec.ko finds a session by a route's gateway: with the TUN
 * data path none is added.
 */
static int x_froute(void *ctx, bool add, const struct priv_addr *net, uint8_t plen,
		    const struct priv_addr *gw)
{
	struct l2secd *d = ctx;

	if (add && !d->kern) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (net->family == 6)
		return netdev_route_via6(d->nd, add, &net->v6, plen, &gw->v6);
	return netdev_route_via(d->nd, add, net->v4, plen, gw->v4);
}

/* charon not managed by l2secd: the kernel's SAs, dumped over xfrm (xfrm_marks.h). */
static void x_sa_lookup(void *ctx, uint32_t mark, const struct priv_addr *peer)
{
	struct l2secd *d = ctx;
	union sa46 sa;

	if (!d->xm)
		return;
	priv_addr_sa46(peer, 0, &sa);
	if (xfrm_marks_check(d->xm, mark, &sa, evloop_now(d->loop)) &&
	    priv_check_sa_up(d->pc, mark, peer) < 0)
		log_warn("privsep: the checker's SA table is full");
}

/* --- the parent: charon's SAs (ipsec.h), to the checker and the engine's copy ------- */

static void priv_addr_of(const struct vici_addr *v, struct priv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (v->family == AF_INET) {
		a->family = 4;
		a->v4 = v->a.v4;
	} else if (v->family == AF_INET6) {
		a->family = 6;
		a->v6 = v->a.v6;
	}
}

static void checker_sa_up(void *ctx, const struct ipsec_sa_desc *sa)
{
	struct priv_addr peer;

	priv_addr_of(&sa->remote, &peer);
	if (peer.family && priv_check_sa_up(ctx, sa->mark, &peer) < 0)
		log_warn("privsep: the checker's SA table is full: SA mark %#x gets no tunnel",
			 sa->mark);
}

static void ev_sa_of(const struct ipsec_sa_desc *sa, struct priv_ev_sa *e)
{
	memset(e, 0, sizeof(*e));
	e->mark = sa->mark;
	e->reqid = sa->reqid;
	priv_addr_of(&sa->remote, &e->peer);
	e->peer_port = sa->remote.port;
	e->ike_id = sa->ike_id;
	e->child_id = sa->child_id;
	e->spi_in = sa->spi_in;
	e->spi_out = sa->spi_out;
	e->encap = sa->encap;
	e->id_len = (uint8_t)strnlen(sa->remote_id, PRIV_ID_MAX);
	memcpy(e->id, sa->remote_id, e->id_len);
	e->id[e->id_len] = '\0';
}

/* SA_NEXT's answer: the rest of the SA the checker named. */
static void x_sa_describe(void *ctx, struct priv_ev_sa *e)
{
	struct l2secd *d = ctx;
	struct ipsec_sa_desc sa;

	if (d->ipsec && ipsec_sa_get(d->ipsec, e->mark, &sa))
		ev_sa_of(&sa, e);
}

static void x_ipsec_report(void *ctx, struct priv_ipsec_report *out)
{
	struct l2secd *d = ctx;
	struct ipsec_report r;

	_Static_assert(IPSEC_REPORT_N == PRIV_REPORT_N, "IPSEC_REPORT on the wire");
	_Static_assert(sizeof(r.vici) == PRIV_VICI_MAX + 1, "the VICI path on the wire");
	if (!d->ipsec)
		return;
	ipsec_report(d->ipsec, &r);
	out->charon_up = r.charon_up;
	out->vici_len = (uint8_t)strnlen(r.vici, PRIV_VICI_MAX);
	memcpy(out->vici, r.vici, out->vici_len);
	out->sa_count = r.sa_count;
	memcpy(out->n, r.n, sizeof(out->n));
}

/* --- the parent: the authentication throttle (authlimit.h), asked by the checker ---- */

static void al_peer(const struct priv_addr *peer, uint16_t port, uint32_t mark,
		    union sa46 *sa, struct authlimit_peer *p)
{
	priv_addr_sa46(peer, port, sa);
	p->addr = sa;
	p->mark = mark;
}

static bool p_auth_allowed(void *ctx, const char *user, const struct priv_addr *peer,
			   uint16_t port, uint32_t mark)
{
	struct l2secd *d = ctx;
	struct authlimit_peer p;
	union sa46 sa;

	al_peer(peer, port, mark, &sa, &p);
	return authlimit_check(d->al, evloop_now(d->loop), user, &p) == AUTHLIMIT_OK;
}

static uint32_t p_auth_result(void *ctx, const char *user, const struct priv_addr *peer,
			      uint16_t port, uint32_t mark, bool ok)
{
	struct l2secd *d = ctx;
	struct authlimit_peer p;
	union sa46 sa;

	al_peer(peer, port, mark, &sa, &p);
	if (!ok)
		return authlimit_failed(d->al, evloop_now(d->loop), user, &p);
	authlimit_succeeded(d->al, evloop_now(d->loop), user, &p);
	return 0;
}

/* The checker asks the parent's throttle of each answer it verifies. */
static void checker_auth_limit(struct l2secd *d, struct priv_check *pc)
{
	struct priv_auth_limit al = { .allowed = p_auth_allowed, .result = p_auth_result,
				      .ctx = d };

	priv_check_set_auth_limit(pc, &al);
}

static void x_auth_stats(void *ctx, struct priv_auth_stats *out)
{
	struct l2secd *d = ctx;
	const struct authlimit_stats *st = authlimit_stats(d->al);

	*out = (struct priv_auth_stats){
		.refused_backoff = st->refused_backoff, .refused_lockout = st->refused_lockout,
		.backoffs = st->backoffs, .lockouts = st->lockouts, .evicted = st->evicted,
		.entries = st->entries,
	};
}

static void x_tun_stats(void *ctx, struct priv_tun_stats *out)
{
	privtun_stats(ctx, out);
}

/* A correct engine sends no record the store refuses: a line a second at most, with a count. */
static void record_refused_log(struct l2secd *d, uint8_t type, enum priv_reason why)
{
	static uint64_t last_ms;
	static unsigned int quiet;
	uint64_t now = evloop_now(d->loop);

	if (last_ms && now - last_ms < 1000) {
		quiet++;
		return;
	}
	log_warn("privsep: a resume record (%s) refused: %s (and %u more since the last line)",
		 priv_state_type_name(type), priv_reason_name(why), quiet);
	last_ms = now;
	quiet = 0;
}

/*
 * A resume record of the engine's, into the store (priv_state.h). One the
 * decoder refuses: a broken engine, as for a request; one the store refuses
 * (a tunnel or session the engine did not create, an address the session does
 * not hold, beyond the bound): counted there, logged, and the engine goes on.
 */
static enum priv_parent_result x_record(void *ctx, const uint8_t *buf, size_t len)
{
	struct l2secd *d = ctx;
	enum priv_reason why;

	if (priv_parent_record(d->pst, buf, len, &why) == PRIV_PARENT_BROKEN) {
		log_err("privsep: a resume record from the engine refused: %s",
			priv_reason_name(why));
		return PRIV_PARENT_BROKEN;
	}
	/*
	 * A GONE of what the parent forgot first is no fault: when an SA goes, the
	 * parent removes its tunnels (and their records) before the engine hears it
	 */
	if (why != PRIV_OK && buf[1] == PRIV_ST_GONE &&
	    (why == PRIV_R_TUNNEL_UNKNOWN || why == PRIV_R_SESSION_UNKNOWN))
		log_debug("privsep: a resume record (gone) of a tunnel already forgotten");
	else if (why != PRIV_OK)
		record_refused_log(d, buf[1], why);
	return PRIV_PARENT_OK;
}

/* SEND: the engine's datagram out of the parent's copy of the socket, with the checker's mark. */
static int x_send(void *ctx, const struct priv_send *m, uint32_t mark)
{
	struct l2secd *d = ctx;
	union sa46 to, local;

	priv_addr_sa46(&m->peer, m->peer_port, &to);
	priv_addr_sa46(&m->local, 0, &local);
	/* the checker knows the socket's id: 1... */
	if (l2secd_sock_sendmsg(d, m->sock_id - 1, &to, &local, mark, m->data, m->len) == 0)
		return 0;
	d->send_failed++;
	return -1;
}

/* A SEND refused or not sent: counted (the checker's reasons, send_failed), a line a second. */
static void x_send_failed(void *ctx, enum priv_reason why)
{
	struct l2secd *d = ctx;
	static uint64_t last_ms;
	static unsigned int quiet;
	uint64_t now = evloop_now(d->loop);
	int e = errno;

	if (last_ms && now - last_ms < 1000) {
		quiet++;
		return;
	}
	if (why == PRIV_OK)
		log_info("privsep: a datagram of the engine's not sent: %s (and %u more since "
			 "the last line)", strerror(e), quiet);
	else
		log_warn("privsep: a datagram of the engine's refused: %s (and %u more since "
			 "the last line)", priv_reason_name(why), quiet);
	last_ms = now;
	quiet = 0;
}

static const struct priv_exec_ops exec_ops = {
	.tunnel_add = x_tunnel_add,
	.tunnel_del = x_tunnel_del,
	.session_add = x_session_add,
	.session_del = x_session_del,
	.session_up = x_session_up,
	.counters = x_counters,
	.route = x_route,
	.froute = x_froute,
	.sa_lookup = x_sa_lookup,
	.ipsec_report = x_ipsec_report,
	.sa_describe = x_sa_describe,
	.auth_stats = x_auth_stats,
	.tun_stats = x_tun_stats,
	.record = x_record,
	.send = x_send,
	.send_failed = x_send_failed,
};

#define SA_RESYNC_MS	200	/* a lost SA event: the next try to have the engine relist */

/* Have the engine list the SAs again (EV_SA_RESYNC); until it takes that, no SA event. */
static void sa_resync_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, sa_resync_timer);
	struct priv_msg ev = { .type = PRIV_EV_SA_RESYNC };

	if (d->priv_fd < 0 || priv_parent_send_event(d->priv_fd, &ev) == 0) {
		d->sa_resync = false;	/* or no engine: the next one lists the table */
		return;
	}
	ev_timer_arm(d->loop, &d->sa_resync_timer, SA_RESYNC_MS);
}

/*
 * An SA event to the engine's copy. One the socket does not take (a burst
 * of hundreds at once: a resync with charon) is not lost silently: the
 * following ones are not sent either, and the engine is told to list the
 * table afresh (SA_NEXT) as soon as the socket takes that.
 */
static void sa_event(struct l2secd *d, uint8_t type, const struct ipsec_sa_desc *sa,
		     const char *why)
{
	struct priv_msg ev = { .type = type };

	if (d->priv_fd < 0 || d->sa_resync)
		return;		/* no engine now (the next one lists the table), or it will relist */
	ev_sa_of(sa, &ev.sa);
	ev.sa.why_len = (uint8_t)strnlen(why, PRIV_WHY_MAX);
	memcpy(ev.sa.why, why, ev.sa.why_len);
	if (priv_parent_send_event(d->priv_fd, &ev) == 0)
		return;
	log_warn("privsep: the engine does not take SA events now (%s): it lists the SAs again "
		 "once it does", strerror(errno));
	d->sa_resync = true;
	ev_timer_arm(d->loop, &d->sa_resync_timer, SA_RESYNC_MS);
}

static void p_sa_put(void *ctx, const struct ipsec_sa_desc *sa)
{
	struct l2secd *d = ctx;

	checker_sa_up(d->pc, sa);
	sa_event(d, PRIV_EV_SA_UP, sa, "");
}

/* As one process: the module's tunnels of the mark go now, and the engine closes its own. */
static unsigned int p_sa_gone(void *ctx, const struct ipsec_sa_desc *sa, const char *why)
{
	struct l2secd *d = ctx;
	unsigned int n = priv_parent_sa_gone(d->pc, sa->mark, &exec_ops, d);

	sa_event(d, PRIV_EV_SA_GONE, sa, why);
	return n;
}

static const struct ipsec_owner_ops owner_ops = {
	.sa_put = p_sa_put,
	.sa_gone = p_sa_gone,
};

/* --- the parent: the engine's life ----------------------------------------------------- */

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

/* The stopping engine sent something: its deadline moves out, within the bound. */
static void stop_progress(struct l2secd *d)
{
	uint64_t now = evloop_now(d->loop), end = d->stop_at_ms + ENGINE_STOP_MAX_MS;
	uint64_t at = now + ENGINE_STOP_IDLE_MS;

	if (at > end)
		at = end;
	if (ev_timer_armed(&d->kill_timer) && at > d->kill_timer.when)
		ev_timer_arm(d->loop, &d->kill_timer, at - now);
}

static void priv_io_cb(struct ev_io *io, uint32_t events)
{
	struct l2secd *d = container_of(io, struct l2secd, priv_io);
	enum priv_parent_result r;

	(void)events;
	if (d->rl.replacing)
		return;		/* killed for a reload: only its records are read, at its end */
	r = priv_parent_input(d->pc, d->priv_fd, &exec_ops, d, evloop_now(d->loop));
	if (r == PRIV_PARENT_OK) {
		if (d->stopping)
			stop_progress(d);
		return;
	}
	priv_close(d);		/* SIGCHLD tells the rest */
	if (r == PRIV_PARENT_BROKEN) {
		log_err("privsep: the engine (pid %ld) broke the protocol: killing it",
			(long)d->engine_pid);
		engine_kill(d, SIGKILL);
	}
}

static int hand_over_none(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

static int engine_spawn(struct l2secd *d)
{
	int sv[2];
	pid_t pid;

	/* the new engine numbers its records from 1 and gets the store's by the fork */
	if (priv_state_hand_back(d->pst, hand_over_none, NULL) < 0)
		return -1;
	if (d->engine_starts)	/* the kept accounting records, to be sent again */
		priv_acct_handed_back(d->pacct);
	if (d->pt && privtun_channel(d) < 0)
		return -1;
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
	privtun_forked(d);
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
	d->sa_resync = false;	/* a new engine lists the SAs at its start */
	ev_timer_cancel(d->loop, &d->sa_resync_timer);
	d->engine_starts++;
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

/*
 * The engine died: its established tunnels and sessions, those the store has
 * records of, stay in the kernel with their routes for the next engine to
 * resume; the rest (still negotiating) is cleared, as the peers retransmit or
 * redial.
 */
static void engine_gone_resume(struct l2secd *d)
{
	unsigned int all = priv_check_tunnels(d->pc), tunnels, sessions;

	if (d->prad)	/* its Access-Requests went with it: the peers ask again */
		priv_radius_engine_gone(d->prad);
	priv_parent_engine_resume(d->pc, d->pst, &exec_ops, d);
	priv_state_counts(d->pst, &tunnels, &sessions);
	log_notice("privsep: %u established tunnel(s) and %u session(s) kept for the next "
		   "engine, %u tunnel(s) still negotiating cleared; a new engine starts in %u ms",
		   tunnels, sessions, all - priv_check_tunnels(d->pc), d->restart_ms);
}

static void reload_timer_cb(struct ev_timer *t);

/*
 * The engine was killed for a reload: no crash, so no backoff. The new one
 * starts at once with the new configuration and resumes every tunnel and
 * session of the store, as after a crash; what was still negotiating is
 * cleared the same way.
 */
static void engine_replace(struct l2secd *d)
{
	unsigned int tunnels, sessions;
	uint64_t wait;

	if (d->prad)	/* its Access-Requests went with it: the peers ask again */
		priv_radius_engine_gone(d->prad);
	priv_parent_engine_resume(d->pc, d->pst, &exec_ops, d);
	priv_state_counts(d->pst, &tunnels, &sessions);
	/* ended before the fork: the new engine counts itself among the reloads */
	if (priv_reload_end(&d->rl, evloop_now(d->loop), &wait))
		ev_timer_arm(d->loop, &d->reload_timer, wait);
	if (engine_spawn(d) < 0) {
		log_err("reload: no new engine could start: retried in %u ms", RESTART_MAX_MS);
		ev_timer_arm(d->loop, &d->restart_timer, RESTART_MAX_MS);
		return;
	}
	log_notice("configuration reloaded from %s: a new engine (pid %ld) resumed %u tunnel(s), "
		   "%u session(s)", d->config_path, (long)d->engine_pid, tunnels, sessions);
}

/* The engine is gone: what it held in the kernel goes, and a new one starts after a while. */
static void engine_died(struct l2secd *d, int status)
{
	uint64_t now = evloop_now(d->loop);
	bool planned = d->rl.replacing && !d->stopping;
	bool reload_kill = planned && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;

	if (planned && !reload_kill)	/* it died of itself before the reload's SIGKILL */
		d->engine_restarts++;
	if (reload_kill)
		log_info("privsep: the engine (pid %ld) was stopped for a reload",
			 (long)d->engine_pid);
	else if (WIFSIGNALED(status))
		log_err("privsep: the engine (pid %ld) was killed by signal %d (%s)%s",
			(long)d->engine_pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
			WTERMSIG(status) == SIGSYS ? ": a system call its sandbox forbids" : "");
	else if (WEXITSTATUS(status))
		log_err("privsep: the engine (pid %ld) exited with status %d",
			(long)d->engine_pid, WEXITSTATUS(status));
	else if (!d->stopping)
		log_notice("privsep: the engine (pid %ld) exited", (long)d->engine_pid);
	d->engine_pid = 0;
	if (d->priv_fd >= 0)	/* records it sent before it died */
		priv_parent_drain_records(d->priv_fd, &exec_ops, d);
	priv_close(d);
	if (d->stopping) {
		priv_parent_engine_gone(d->pc, &exec_ops, d);
		d->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		l2secd_stop_now(d);
		return;
	}
	if (planned) {
		engine_replace(d);
		return;
	}
	if (d->engine_starts == 1 && WIFEXITED(status) && WEXITSTATUS(status) &&
	    now - d->engine_start_ms < ENGINE_START_MS) {
		priv_parent_engine_gone(d->pc, &exec_ops, d);
		/* it could not start (logged above): restarting would only say so again */
		log_err("privsep: the first engine failed within %u ms: l2secd exits",
			ENGINE_START_MS);
		d->exit_code = 1;
		l2secd_stop_now(d);
		return;
	}
	if (now - d->engine_start_ms >= RESTART_RESET_MS)
		d->restart_ms = RESTART_MIN_MS;
	d->engine_restarts++;
	engine_gone_resume(d);
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

/* How many servers of list (0 when it is empty). */
static unsigned int radius_count(const char *list, uint16_t port)
{
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[128];
	int n = list[0] ? config_radius_servers(list, port, ss, why, sizeof(why)) : 0;

	return n > 0 ? (unsigned int)n : 0;
}

/* [radius] dae-clients' secrets into r (the engine asks the parent to verify and sign). */
static int radius_dae_open(const struct l2sec_config *cfg, struct priv_radius *r)
{
	uint8_t secret[CONFIG_RADIUS_SECRET_MAX + 1];
	size_t len;
	int ret = 0;

	for (unsigned int i = 0; i < cfg->radius.n_dae_clients && !ret; i++) {
		ret = aaa_dae_secret_load(cfg, i, secret, &len);
		if (!ret && priv_radius_dae_client(r, i, secret, len) < 0) {
			log_err("radius: dae-clients: %s", strerror(errno));
			ret = -1;
		}
	}
	explicit_bzero(secret, sizeof(secret));
	return ret;
}

/*
 * [radius]: the parent reads the secrets and keeps them; the engine asks it to
 * sign and verify (priv/priv_radius.h). *out NULL without [radius]; -1 logged.
 */
static int radius_open(const struct l2sec_config *cfg, struct priv_radius **out)
{
	const struct config_radius *r = &cfg->radius;
	uint8_t secret[CONFIG_RADIUS_SECRET_MAX + 1];
	unsigned int n_auth = 0;
	size_t len;

	*out = NULL;
	if (!aaa_configured(cfg))
		return 0;
	if (aaa_secret_load(cfg, secret, &len) < 0)
		return -1;
	if (r->auth_source != CONFIG_AUTH_USERS)
		n_auth = radius_count(r->auth_servers, 1812);
	*out = priv_radius_new(secret, len, n_auth, radius_count(r->acct_servers, 1813));
	explicit_bzero(secret, sizeof(secret));
	if (!*out) {
		log_err("radius: %s", strerror(errno));
		return -1;
	}
	if (radius_dae_open(cfg, *out) < 0) {
		priv_radius_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The engine's RADIUS client: requests signed and answers verified by the parent. */
struct aaa *privsep_engine_aaa(struct l2secd *d)
{
	struct radius_signer sg[2];
	struct aaa_opts o = { .signers = sg, .resumed = d->engine_starts > 0,
			      .acct_keep = engine_priv_acct_keeper, .acct_keep_ctx = d->ep };

	engine_priv_radius_signer(d->ep, PRIV_RADIUS_AUTH, &sg[AAA_LINK_AUTH]);
	engine_priv_radius_signer(d->ep, PRIV_RADIUS_ACCT, &sg[AAA_LINK_ACCT]);
	return aaa_new_opts(d->loop, &d->cfg, &o);
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

int privsep_start(struct l2secd *d)
{
	struct authlimit_config alc;
	struct sandbox_ids ids;
	char msg[320];

	ev_timer_init(&d->restart_timer, restart_cb);
	ev_timer_init(&d->kill_timer, kill_timer_cb);
	ev_timer_init(&d->sa_resync_timer, sa_resync_cb);
	ev_timer_init(&d->reload_timer, reload_timer_cb);
	if (sandbox_user_check(d->cfg.engine_user, &ids, msg, sizeof(msg)) < 0) {
		log_err("%s", msg);
		return -1;
	}
	d->engine_uid = ids.uid;
	d->engine_gid = ids.gid;
	if (empty_dir(d) < 0 || l2secd_watch_open(d) < 0)
		return -1;
	d->users = l2secd_users_open(d);
	if (!d->users)
		return -1;
	/* without l2sec.ko the parent carries the data packets, as the module would */
	if (!d->kern && privtun_open(d) < 0)
		return -1;
	for (unsigned int i = 0; i < d->cfg.n_listen; i++)
		if (l2secd_sock_open(d, &d->cfg.listen[i]) < 0)
			return -1;
	if (d->pt && privtun_socks_watch(d) < 0)
		return -1;
	d->pc = priv_check_new(&d->cfg, d->users);
	if (!d->pc) {
		log_err("privsep: %s", strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < d->n_socks; i++)
		priv_check_sock_add(d->pc, i + 1, d->socks[i].family == AF_INET ? 4 : 6);
	if (radius_open(&d->cfg, &d->prad) < 0)
		return -1;
	priv_check_set_radius(d->pc, d->prad);
	/* sized once, for the parent's life: a reload keeps the records */
	d->pacct = priv_acct_new(d->cfg.radius.acct_queue, 2 * d->cfg.l2tp.max_sessions);
	if (!d->pacct) {
		log_err("privsep: %s", strerror(errno));
		return -1;
	}
	priv_check_set_acct(d->pc, d->pacct);
	if (d->prad)
		priv_radius_set_acct(d->prad, d->pacct);
	authlimit_config_from(&alc, &d->cfg);
	d->al = authlimit_new(&alc);
	if (!d->al) {
		log_err("out of memory");
		return -1;
	}
	checker_auth_limit(d, d->pc);
	/* charon, its SA table and xfrm are the parent's; the engine gets a copy */
	if (ipsec_enabled(&d->cfg)) {
		d->ipsec = ipsec_new(d->loop, &d->cfg, NULL);
		if (!d->ipsec)
			return -1;
		ipsec_set_owner(d->ipsec, &owner_ops, d);
	}
	d->pst = priv_state_new(d->cfg.l2tp.max_tunnels, d->cfg.l2tp.max_sessions, d->pc);
	if (!d->pst || poolrt_plan(&d->prt, &d->cfg) < 0) {
		log_err("privsep: %s", strerror(errno));
		return -1;
	}
	poolrt_install(d->nd, &d->prt, NULL);
	snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/l2secd.sock", d->cfg.runtime_dir);
	d->restart_ms = RESTART_MIN_MS;
	return engine_spawn(d);
}

/* --- the engine ------------------------------------------------------------------------ */

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

static void sa_desc_of(const struct priv_ev_sa *e, struct ipsec_sa_desc *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->mark = e->mark;
	sa->reqid = e->reqid;
	sa->ike_id = e->ike_id;
	sa->child_id = e->child_id;
	sa->spi_in = e->spi_in;
	sa->spi_out = e->spi_out;
	sa->encap = e->encap;
	if (e->peer.family == 4) {
		sa->remote.family = AF_INET;
		sa->remote.a.v4 = e->peer.v4;
	} else if (e->peer.family == 6) {
		sa->remote.family = AF_INET6;
		sa->remote.a.v6 = e->peer.v6;
	}
	sa->remote.port = e->peer_port;
	snprintf(sa->remote_id, sizeof(sa->remote_id), "%s", e->id);
}

/*
 * Taken at once, also while a call waits: an SA into the copy, or out of it
 * (its tunnels are closed from the event loop: the event is queued too).
 */
static bool engine_event_now(void *ctx, const struct priv_msg *ev)
{
	struct l2secd *d = ctx;
	struct ipsec_sa_desc sa;

	if (!d->ipsec || (ev->type != PRIV_EV_SA_UP && ev->type != PRIV_EV_SA_REKEYED &&
			  ev->type != PRIV_EV_SA_GONE))
		return false;
	if (ev->type == PRIV_EV_SA_GONE) {
		ipsec_copy_drop(d->ipsec, ev->sa.mark);
		return false;
	}
	sa_desc_of(&ev->sa, &sa);
	ipsec_copy_put(d->ipsec, &sa);
	return true;
}

/* The parent's events: what the engine cannot see for itself. */
static void engine_event(void *ctx, const struct priv_msg *ev)
{
	struct l2secd *d = ctx;

	if (ev->type == PRIV_EV_DATAPATH_LOST)
		l2secd_module_lost(d, "the privileged parent saw it go");
	else if (ev->type == PRIV_EV_SA_RESYNC && d->ipsec) {
		if (engine_ipsec_list(d) < 0) {
			log_err("privsep: engine: cannot list the parent's SAs again: exiting");
			evloop_stop(d->loop);
			d->exit_code = 1;
		}
	} else if (ev->type == PRIV_EV_SA_GONE && d->ipsec) {
		/* the parent cleared the module's tunnels: the LNS closes its own, silently */
		d->sa_gone_mark = ev->sa.mark;
		ipsec_copy_gone(d->ipsec, ev->sa.mark, ev->sa.why);
		d->sa_gone_mark = 0;
	}
	else
		log_debug("engine: event %s ignored", priv_type_name(ev->type));
}

/* `show stats`: the parent's SA table's report. */
static int engine_ipsec_report(void *ctx, struct ipsec_report *out)
{
	struct l2secd *d = ctx;
	struct priv_ipsec_report r;

	if (engine_priv_ipsec_report(d->ep, &r) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->charon_up = r.charon_up;
	snprintf(out->vici, sizeof(out->vici), "%s", r.vici);
	out->sa_count = r.sa_count;
	memcpy(out->n, r.n, sizeof(out->n));
	return 0;
}

/* The engine's copy of the parent's SA table (l2secd_engine_setup, before the control socket). */
struct ipsec *privsep_engine_ipsec(struct l2secd *d)
{
	struct ipsec *ip = ipsec_new_copy(d->loop, d->lns, engine_ipsec_report, d);

	if (ip)
		engine_priv_set_now(d->ep, engine_event_now);
	return ip;
}

/*
 * The copy's SAs, listed at start and after lost events (EV_SA_RESYNC); the
 * events after the listing's first answer follow it. What the copy held and
 * the listing does not is gone: its tunnels are closed (the parent removed
 * them from the module with the SA).
 */
static int engine_ipsec_list(struct l2secd *d)
{
	struct priv_msg m = { .type = PRIV_REQ_SA_NEXT };
	struct ipsec_sa_desc sa;
	struct priv_reply r;
	unsigned int n = 0, n_gone = 0;
	uint32_t *gone;

	ipsec_copy_relist(d->ipsec);
	do {
		if (engine_priv_call(d->ep, &m, &r) < 0 || r.reason != PRIV_OK)
			return -1;
		if (!r.sa.mark)
			break;
		sa_desc_of(&r.sa, &sa);
		ipsec_copy_put(d->ipsec, &sa);
		m.sa_next.cursor = r.cursor;
		n++;
	} while (r.cursor);
	log_info("privsep: engine: %u SA(s) from the parent", n);
	gone = ipsec_copy_unlisted(d->ipsec, &n_gone);
	for (unsigned int i = 0; gone && i < n_gone; i++) {
		d->sa_gone_mark = gone[i];
		ipsec_copy_gone(d->ipsec, gone[i], "IPsec SA gone (listed again by the parent)");
	}
	d->sa_gone_mark = 0;
	free(gone);
	return gone ? 0 : -1;
}

/* --- the engine: resuming the dead one's tunnels and sessions ------------------------- */

struct resume_in {
	struct l2secd *d;
	const struct priv_check *pc;	/* the parent's, as forked: its Framed-Routes */
	uint32_t handle;		/* the record's tunnel, as the parent names it */
	struct l2tp_session *s;		/* the last session imported, until its PPP record */
	bool s_ppp;
	unsigned int n_tun, n_ppp, n_restarted, refused;
};

/*
 * A record this engine cannot take: its tunnel is closed with a StopCCN (the
 * module's tunnel goes with it, the parent told). A tunnel not imported has
 * no Ns to say a StopCCN with: the parent removes it, and its peer is told
 * by the state file's record of it (l2tp_stale.h) when it speaks.
 */
static void resume_refuse(struct resume_in *ri, uint16_t tid, const char *what, bool tunnel)
{
	struct l2secd *d = ri->d;
	struct l2tp_tunnel *t = l2tp_lns_tunnel_by_handle(d->lns, tid, ri->handle);

	ri->refused++;
	d->lns->stats.resume_refused++;
	log_err("privsep: %s of tunnel %u cannot be resumed (%s): the tunnel is closed", what,
		tid, strerror(errno));
	if (t)
		l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, 0, "gateway restarted");
	else if (tunnel)
		engine_priv_tunnel_del(d->ep, ri->handle, tid);
}

/*
 * A session whose PPP had no NCP open at the death. Not yet authenticated (a
 * reload or a crash in the middle of LCP or the authentication, the common
 * case: a second or so of every setup): its PPP starts again from LCP with
 * the challenge the parent holds for it, and the client goes through LCP and
 * the authentication once more, on the same call. Authenticated but no NCP
 * open yet (a few round trips): its call ends (CDN), the client redials; the
 * parent does not authenticate a session twice.
 */
static void resume_unpaired(struct resume_in *ri)
{
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	struct l2tp_session *s = ri->s;

	ri->s = NULL;
	if (!s || ri->s_ppp || s->state != SESSION_ESTABLISHED)
		return;
	/* by its tunnel's handle: ri->handle is already the next record's (or END's) */
	if (priv_check_session_challenge(ri->pc, s->tunnel->dp_handle, s->sid, chal) &&
	    sessions_restart(ri->d->ss, s, chal) == 0) {
		explicit_bzero(chal, sizeof(chal));
		ri->n_restarted++;
		log_info("privsep: session %u/%u was negotiating PPP: negotiation restarted",
			 s->tunnel->tid, s->sid);
		return;
	}
	explicit_bzero(chal, sizeof(chal));
	log_info("privsep: session %u/%u was still negotiating PPP: call cleared", s->tunnel->tid,
		 s->sid);
	l2tp_session_close(s, CDN_NO_RESOURCES_TEMP, 0, "gateway restarted");
}

static void resume_tunnel(struct resume_in *ri, const struct l2tp_tunnel_rec *r)
{
	struct l2secd *d = ri->d;
	int family = r->peer.family == 4 ? AF_INET : AF_INET6;
	struct l2tp_tunnel *t;

	/* the LNS's socket index, checked here: the parent keeps it, never uses it */
	if (r->sock >= d->n_socks || d->socks[r->sock].family != family) {
		errno = EINVAL;
		resume_refuse(ri, r->seq.tid, "the record", true);
	} else if (!(t = l2tp_tunnel_import(d->lns, r))) {
		resume_refuse(ri, r->seq.tid, "the record", true);
	} else {
		t->dp_handle = ri->handle;	/* as the parent names it in every request */
		ri->n_tun++;
	}
}

struct froutes_in {
	struct radius_route r[RADIUS_MAX_ROUTES];
	unsigned int n;
};

static void froute_in(void *ctx, const struct priv_addr *net, uint8_t plen,
		      const struct priv_addr *gw)
{
	struct froutes_in *fi = ctx;

	(void)gw;
	if (fi->n < RADIUS_MAX_ROUTES)
		fi->r[fi->n++] = (struct radius_route){ .net = net->v4, .plen = plen };
}

/*
 * The session's Framed-Routes that the parent holds up: the new engine shows
 * them as its own (its Framed-IPv6-Routes stay up in the parent, unshown).
 */
static void resume_froutes(struct resume_in *ri, struct l2tp_session *s)
{
	struct froutes_in fi = { .n = 0 };

	priv_check_each_froute(ri->pc, ri->handle, s->sid, 4, froute_in, &fi);
	if (fi.n && sessions_import_froutes(ri->d->ss, s, fi.r, fi.n) < 0)
		log_warn("privsep: session %u/%u: its %u Framed-Route(s) are up but not shown: %s",
			 s->tunnel->tid, s->sid, fi.n, strerror(errno));
}

static void resume_ppp(struct resume_in *ri, const struct priv_state_ppp *r)
{
	struct l2tp_session *s = ri->s;

	if (!s || s->state != SESSION_ESTABLISHED || s->tunnel->tid != r->tid ||
	    s->tunnel->dp_handle != ri->handle || s->sid != r->sid) {
		errno = ENOENT;
		resume_refuse(ri, r->tid, "a PPP record", false);
		return;
	}
	if (sessions_import(ri->d->ss, s, &r->ppp, r->has_pfx6 ? &r->pfx6 : NULL, &r->acct) < 0) {
		ri->s = NULL;
		resume_refuse(ri, r->tid, "a PPP session", false);
		return;
	}
	ri->s_ppp = true;
	ri->n_ppp++;
	resume_froutes(ri, s);
}

/* One record the parent's store handed over (priv_state_hand_back): imported. */
static int resume_one(void *ctx, const uint8_t *buf, size_t len)
{
	struct resume_in *ri = ctx;
	struct priv_state_msg m;

	if (priv_state_decode(buf, len, &m) != PRIV_OK)
		return -1;	/* the parent's own encoding: cannot be */
	ri->handle = m.handle;
	switch (m.type) {
	case PRIV_ST_TUNNEL:
		resume_tunnel(ri, &m.tunnel);
		break;
	case PRIV_ST_SESSION:
		resume_unpaired(ri);
		ri->s = l2tp_session_import(ri->d->lns,
					    l2tp_lns_tunnel_by_handle(ri->d->lns, m.session.tid,
								      m.handle),
					    &m.session);
		ri->s_ppp = false;
		if (!ri->s)
			resume_refuse(ri, m.session.tid, "a session", false);
		break;
	case PRIV_ST_PPP:
		resume_ppp(ri, &m.ppp);
		break;
	default:		/* ST_END */
		resume_unpaired(ri);
		break;
	}
	explicit_bzero(&m, sizeof(m));
	return 0;
}

/*
 * Before it reads a datagram, a new engine takes over the records the
 * parent's store held when it forked: the fork is the hand-over (no copy
 * through the socketpair, no bound on its buffer), the records go through
 * their wire form and every check as if they had come by it.
 */
static void engine_resume(struct l2secd *d, struct priv_state *pst, const struct priv_check *pc)
{
	struct resume_in ri = { .d = d, .pc = pc };

	if (priv_state_hand_back(pst, resume_one, &ri) < 0) {
		log_err("privsep: the resume records could not be read");
		return;
	}
	if (ri.n_tun || ri.refused)
		log_notice("privsep: engine resumed %u tunnel(s) and %u PPP session(s), restarted "
			   "PPP on %u; %u record(s) refused", ri.n_tun, ri.n_ppp, ri.n_restarted,
			   ri.refused);
}

static int acct_requeue_one(void *ctx, uint32_t id, uint64_t first_ms, const uint8_t *pkt,
			    size_t len)
{
	struct l2secd *d = ctx;

	aaa_acct_requeue(d->aaa, id, first_ms, pkt, len);
	return 0;
}

/*
 * The accounting records the dead engine queued and no answer to which the
 * parent verified (priv_acct.h): queued first, by the fork's copy of the
 * parent's store, which then goes (the parent keeps its own).
 */
static void engine_acct_resume(struct l2secd *d)
{
	unsigned int n = 0;

	if (d->pacct && aaa_acct_enabled(d->aaa))
		n = priv_acct_each(d->pacct, acct_requeue_one, d);
	if (n)
		log_notice("privsep: engine queued %u accounting record(s) the last one left "
			   "unanswered", n);
	priv_acct_free(d->pacct);
	d->pacct = NULL;
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
	int keep[3 + CONFIG_MAX_LISTEN + 2];
	struct users_db *users = d->users;
	struct priv_check *pc = d->pc;		/* the parent's: for the resume only */
	struct priv_state *pst = d->pst;
	unsigned int n = 0;
	const char *step = "";

	keep[n++] = 0;
	keep[n++] = 1;
	keep[n++] = 2;
	keep[n++] = fd;
	for (unsigned int i = 0; i < d->n_socks; i++)
		keep[n++] = d->socks[i].fd;
	if (d->pt)
		keep[n++] = privtun_engine_fd(d);	/* the parent's datagrams for it */
	if (close_others(keep, n) < 0)
		return 1;
	/* sd_notify is the parent's: a socket of the engine's own would be a killing call */
	unsetenv("NOTIFY_SOCKET");
	log_setup(d->cfg.log_target, d->cfg.log_level, "l2secd");
	/* the parent's: not this process's to use (the checker's copy is wiped) */
	d->users = NULL;
	d->pc = NULL;
	d->al = NULL;		/* the parent's throttle */
	d->pst = NULL;
	d->priv_fd = -1;
	d->engine_pid = 0;
	d->pid_path[0] = '\0';
	d->kern_watching = false;
	d->loop = evloop_new(NULL, NULL);
	if (!d->loop || evloop_set_signals(d->loop, sigs, ARRAY_SIZE(sigs), l2secd_signal_cb, d) < 0)
		return 1;
	ev_timer_init(&d->stop_timer, l2secd_stop_timer_cb);
	ev_timer_init(&d->stop_poll, l2secd_stop_poll_cb);
	d->dp = d->kern ? datapath_kernel(d->loop, d->kern, d->nd) : datapath_parent(d->loop, d->nd);
	d->ep = engine_priv_new(d->loop, fd, engine_event, d);
	if (!d->dp || !d->ep)
		return 1;
	users_forget_secrets(users);
	/* charon is the parent's: the engine keeps no PSK (nor what was loaded with it) */
	d->engine_ipsec = ipsec_enabled(&d->cfg);
	explicit_bzero(d->cfg.psk, sizeof(d->cfg.psk));
	/* nor the RADIUS secret: the parent signs and verifies (aaa.h) */
	explicit_bzero(d->cfg.radius.secret, sizeof(d->cfg.radius.secret));
	priv_radius_free(d->prad);
	d->prad = NULL;
	ipsec_forget(d->ipsec);
	d->ipsec = NULL;
	if (l2secd_engine_setup(d, users, false) < 0)
		return 1;
	if (d->ipsec && engine_ipsec_list(d) < 0) {
		log_err("privsep: engine: cannot list the parent's SAs");
		return 1;
	}
	engine_resume(d, pst, pc);
	engine_acct_resume(d);
	priv_state_free(pst);
	priv_check_free(pc);
	/*
	 * No capability at all: what goes through an SA (the SA's mark picks the
	 * client's outbound policy) the parent sends for it (SEND, sock_send).
	 */
	if (sandbox_enter(&ids, d->empty_dir, &step) < 0) {
		log_err("privsep: engine: sandbox: %s: %s", step, strerror(errno));
		return 1;
	}
	log_info("privsep: engine (pid %ld) runs as uid %ld without privileges", (long)getpid(),
		 (long)ids.uid);
	l2secd_memtrim_start(d);
	if (evloop_run(d->loop) < 0)
		return 1;
	/* nothing to undo that the sandbox allows: the parent clears up */
	return d->exit_code;
}

/* --- the parent's signals --------------------------------------------------------------- */


/* The pools' routes of a reload, and each live session's host route under them. */
struct refit {
	struct l2secd *d;
	const struct poolrt *from, *to;
};

static const void *addr_dst(const struct priv_addr *a, int *family, unsigned int *plen)
{
	*family = a->family == 4 ? AF_INET : AF_INET6;
	*plen = a->family == 4 ? 32 : 64;
	return a->family == 4 ? (const void *)&a->v4 : (const void *)&a->v6;
}

/*
 * A live session's address under the pools' new routes (sess.c's
 * host_refit): a host route where no new pool route covers it, none where
 * one does. One that cannot get its route any more loses its PPP record: the
 * new engine clears the call with a CDN, as a single l2secd hangs up.
 */
static void refit_addr(struct refit *rf, const struct priv_check_tref *t, uint16_t sid,
		       const struct priv_addr *a)
{
	char s[INET6_ADDRSTRLEN];
	unsigned int plen;
	int family;
	const void *dst = addr_dst(a, &family, &plen);
	bool had = !poolrt_covers(rf->from, family, dst), need = !poolrt_covers(rf->to, family, dst);

	if (need && !had && netdev_route_add(rf->d->nd, family, dst, plen) < 0) {
		inet_ntop(family, dst, s, sizeof(s));
		log_err("reload: no route to %s/%u any more (%s): session %u/%u is cleared", s,
			plen, strerror(errno), t->tid, sid);
		priv_state_forget_ppp(rf->d->pst, t->handle, sid);
	} else if (!need && had && !poolrt_is(rf->to, family, dst, plen)) {
		/* the same prefix as a new pool route is that route now: not deleted */
		netdev_route_del(rf->d->nd, family, dst, plen);
	}
}

static void refit_cb(void *ctx, const struct priv_check_tref *t, uint16_t sid,
		     const struct priv_addr *v4, const struct priv_addr *v6)
{
	if (v4)
		refit_addr(ctx, t, sid, v4);
	if (v6)
		refit_addr(ctx, t, sid, v6);
}

/* A prefix the old pools' routes had is a session's host route now (poolrt_remove). */
static bool refit_held(void *ctx, int family, const void *dst, unsigned int plen)
{
	struct refit *rf = ctx;
	struct priv_addr a = { .family = family == AF_INET ? 4 : 6 };

	if (plen != (family == AF_INET ? 32u : 64u))
		return false;
	memcpy(&a.v6, dst, family == AF_INET ? 4 : 16);
	return priv_check_holds_addr(rf->d->pc, &a) && !poolrt_covers(rf->to, family, dst);
}

/* The pools' new routes, the live sessions' host routes, then the old routes go (poolrt.h). */
static void pool_routes_reload(struct l2secd *d)
{
	struct poolrt to;
	struct refit rf = { d, &d->prt, &to };

	if (poolrt_plan(&to, &d->cfg) < 0) {
		log_err("reload: out of memory: the pools' routes in force are kept");
		return;
	}
	poolrt_install(d->nd, &to, &d->prt);
	priv_check_each_held(d->pc, refit_cb, &rf);
	poolrt_remove(d->nd, &d->prt, &to, refit_held, &rf);
	poolrt_free(&d->prt);
	d->prt = to;
}

/* A Framed-Route the new configuration refuses: removed, as a single l2secd's reload does. */
static void froute_gone(void *ctx, const struct priv_check_tref *t, uint16_t sid,
			const struct priv_addr *net, uint8_t plen, const struct priv_addr *gw,
			const char *why)
{
	char n[INET6_ADDRSTRLEN];

	inet_ntop(net->family == 6 ? AF_INET6 : AF_INET, net->family == 6 ? (const void *)&net->v6 :
		  (const void *)&net->v4, n, sizeof(n));
	log_warn("reload: session %u/%u: %s %s/%u removed: %s", t->tid, sid,
		 net->family == 6 ? "Framed-IPv6-Route" : "Framed-Route", n, plen, why);
	if (x_froute(ctx, false, net, plen, gw) < 0)
		log_err("reload: Framed-Route %s/%u: %s", n, plen, strerror(errno));
}

/*
 * SIGHUP (docs/ARCHITECTURE.md, "Two processes": a reload). The parent
 * reads the files as a single l2secd does and takes what they say: a new
 * checker and resume store carrying every live tunnel and session
 * (priv_check_reload, priv_state_reload), the users, RADIUS, the throttle's
 * limits, charon's connection, the pools' routes, the Framed-Routes judged
 * again. Then the engine, whose configuration is its fork's, is replaced:
 * killed without a word to any peer and forked again, to resume everything
 * from the store with the new configuration (engine_replace).
 */
static void reload_parent(struct l2secd *d)
{
	struct authlimit_config alc;
	struct l2sec_config *cfg;
	struct users_db *users;
	struct priv_radius *prad = NULL;
	struct priv_check *pc;
	struct priv_state *pst;
	unsigned int rcvbuf = l2secd_rcvbuf(&d->cfg);
	bool local_ok;

	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return;
	if (config_load(cfg, d->config_path, NULL, NULL) ||
	    secfile_check_config(cfg, d->config_path, geteuid(), NULL, NULL)) {
		log_err("reload: %s has errors; the configuration in force is kept",
			d->config_path);
		goto out;
	}
	if (ipsec_enabled(cfg) != (d->ipsec != NULL)) {
		log_err("reload: [ipsec] psk or certificate set or unset: that needs a restart of "
			"l2secd; the configuration in force is kept");
		goto out;
	}
	l2secd_reload_warn(cfg, &d->cfg);
	l2secd_keep_running(cfg, &d->cfg);	/* as for a single l2secd */
	users = users_load(cfg->users_path, l2secd_users_error, cfg->users_path);
	if (users && inform_check_users(cfg, users, l2secd_users_error, cfg->users_path)) {
		users_free(users);
		users = NULL;
	}
	pc = users ? priv_check_reload(d->pc, cfg, users) : NULL;
	pst = pc ? priv_state_reload(d->pst, cfg->l2tp.max_tunnels, cfg->l2tp.max_sessions,
				     pc) : NULL;
	if (!pst || radius_open(cfg, &prad) < 0) {
		priv_state_free(pst);
		priv_check_free(pc);
		users_free(users);
		log_err("reload: %s has errors; the configuration in force is kept",
			users ? d->config_path : cfg->users_path);
		goto out;
	}
	checker_auth_limit(d, pc);
	priv_check_set_radius(pc, prad);
	if (prad)
		priv_radius_set_acct(prad, d->pacct);
	priv_radius_free(d->prad);
	d->prad = prad;
	priv_state_free(d->pst);
	priv_check_free(d->pc);
	users_free(d->users);
	d->pst = pst;
	d->pc = pc;
	d->users = users;
	explicit_bzero(&d->cfg, sizeof(d->cfg));
	d->cfg = *cfg;
	if (l2secd_rcvbuf(&d->cfg) != rcvbuf)	/* the sockets are the parent's too */
		l2secd_socks_rx_setup(d);
	/* before the pools' routes: a new pool's may be one of them (as sess.c) */
	if (priv_check_froutes_rejudge(d->pc, froute_gone, d, &local_ok) && !local_ok)
		log_warn("reload: the gateway's addresses could not be listed: the framed routes "
			 "were checked against the configuration alone");
	pool_routes_reload(d);
	log_set_level(d->cfg.log_level);
	authlimit_config_from(&alc, &d->cfg);
	if (authlimit_set_config(d->al, &alc) < 0)
		log_warn("reload: out of memory for the authentication throttle: its limits stay");
	if (d->ipsec)
		ipsec_reload(d->ipsec, &d->cfg);
	if (d->engine_pid > 0 && d->priv_fd >= 0) {
		/* no goodbye to any peer: its tunnels and sessions go on in the next engine */
		priv_reload_begin(&d->rl, evloop_now(d->loop));
		log_info("reload: replacing the engine (pid %ld)", (long)d->engine_pid);
		engine_kill(d, SIGKILL);
		/* its requests unread until its end (records: drained then); no spinning */
		evloop_del_io(d->loop, &d->priv_io);
	} else {
		log_notice("configuration reloaded from %s: the next engine starts with it",
			   d->config_path);
	}
out:
	explicit_bzero(cfg, sizeof(*cfg));
	free(cfg);
}

static void reload_now(struct l2secd *d)
{
	notify_reloading();
	reload_parent(d);
	notify_ready();
}

/* A reload that waited for a replacement (priv_reload.h): its time came. */
static void reload_timer_cb(struct ev_timer *t)
{
	struct l2secd *d = container_of(t, struct l2secd, reload_timer);
	uint64_t wait;

	if (d->stopping)
		return;
	if (priv_reload_due(&d->rl, evloop_now(d->loop), &wait))
		reload_now(d);
	else if (d->rl.pending && wait != UINT64_MAX)
		ev_timer_arm(d->loop, &d->reload_timer, wait);
}

/*
 * The privsep parent: SIGCHLD is the engine's end; SIGTERM and SIGINT go on to
 * the engine, which says goodbye to its peers, and the parent exits after it;
 * SIGHUP: see reload_parent, at most one engine replacement at a time and a
 * second (priv_reload.h).
 */
void privsep_signal(struct l2secd *d, int signo)
{
	uint64_t wait;
	bool pending = d->rl.pending;

	if (signo == SIGCHLD) {
		reap(d);
		return;
	}
	if (signo == SIGHUP) {
		if (d->stopping)
			return;
		if (priv_reload_request(&d->rl, evloop_now(d->loop), &wait)) {
			reload_now(d);
			return;
		}
		if (!pending)	/* once: the SIGHUPs until then are one reload */
			log_info("reload: the engine was replaced less than %u ms ago, or is "
				 "being replaced: the reload follows", PRIV_RELOAD_MIN_MS);
		if (wait != UINT64_MAX)
			ev_timer_arm(d->loop, &d->reload_timer, wait);
		return;
	}
	if (d->stopping || !d->engine_pid) {
		if (d->stopping)
			log_notice("second signal: exiting now");
		engine_kill(d, SIGKILL);
		l2secd_stop_now(d);
		return;
	}
	d->stopping = true;
	notify_stopping();
	notify_status("stopping");
	ev_timer_cancel(d->loop, &d->restart_timer);
	ev_timer_cancel(d->loop, &d->reload_timer);
	engine_kill(d, SIGTERM);
	d->stop_at_ms = evloop_now(d->loop);
	ev_timer_arm(d->loop, &d->kill_timer, ENGINE_STOP_IDLE_MS);
}

void privsep_datapath_lost(struct l2secd *d, const char *why)
{
	struct priv_msg ev = { .type = PRIV_EV_DATAPATH_LOST };

	log_err("l2sec.ko: %s: the kernel data path is gone", why);
	if (d->priv_fd >= 0)
		priv_parent_send_event(d->priv_fd, &ev);
}

void privsep_cleanup(struct l2secd *d)
{
	if (d->ipsec)	/* freed after this: nothing to tell a checker that is gone */
		ipsec_set_owner(d->ipsec, NULL, NULL);
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
	priv_state_free(d->pst);
	d->pst = NULL;
	priv_check_free(d->pc);
	d->pc = NULL;
	priv_radius_free(d->prad);
	d->prad = NULL;
	priv_acct_free(d->pacct);
	d->pacct = NULL;
	users_free(d->users);
	d->users = NULL;
	authlimit_free(d->al);
	d->al = NULL;
	privtun_free(d);
	poolrt_free(&d->prt);	/* the routes go with netdev_close's flush */
}
