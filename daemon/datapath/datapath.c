// SPDX-License-Identifier: GPL-2.0
/* The data path's two implementations behind one interface (datapath.h). */
#include <errno.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "datapath/datapath.h"
#include "datapath/kmod.h"
#include "datapath/tunpump.h"

#define TUN_BATCH	64		/* packets per wakeup, then others get a turn */
#define TUN_MAX_PKT	65536
#define TUN_UNREACH_PER_S 100		/* ICMP unreachables a second, in all (the rest counted) */

struct datapath_impl {
	const char *name;
	int (*sock_prepare)(struct datapath *dp, int fd, int family, bool require_ipsec);
	int (*sock_add)(struct datapath *dp, int fd, bool require_ipsec, uint32_t *id);
	void (*sock_del)(struct datapath *dp, uint32_t id);
	int (*watch_fd)(const struct datapath *dp);
	int (*watch_lost)(struct datapath *dp, const uint32_t *ids, unsigned int n);
	bool (*sock_taken)(struct datapath *dp, int fd);
	int (*tunnel_add)(struct datapath *dp, const struct kern_tunnel *t, uint32_t *handle);
	void (*tunnel_del)(struct datapath *dp, struct kern_tref tr);
	int (*session_add)(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			   uint16_t peer_sid);
	void (*session_del)(struct datapath *dp, struct kern_tref tr, uint16_t sid);
	int (*session_up)(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			  const struct in_addr *ipv4, const struct in6_addr *pfx64,
			  const uint64_t *ifid);
	int (*input)(struct datapath *dp, const struct tunpump_from *from, const uint8_t *dg,
		     size_t n);
	int (*set_output)(struct datapath *dp);
};

struct datapath {
	const struct datapath_impl *impl;
	const char *name;
	struct evloop *loop;
	struct kern *kern;		/* kernel: the module's connection */
	struct tunpump *tp;		/* tun: its switch (tunpump.h) */
	uint32_t n_socks;		/* tun: the sockets added, numbered 1... */
	struct netdev *nd;
	/* tun: the device's packets for clients, framed by the switch, to out_fn */
	struct ev_io tun_io;
	bool tun_registered;
	datapath_out_fn *out_fn;
	void *out_ctx;
	struct datapath_tun_stats st;
	uint8_t *unreach;		/* TUNPUMP_UNREACH_MAX octets: the answer being written */
	uint64_t unreach_sec;		/* the second (evloop_now / 1000) of unreach_n */
	unsigned int unreach_n;
	/*
	 * One packet at a time: read after TUNPUMP_HEADROOM octets, framed in
	 * place, handed to out_fn; nothing keeps a pointer into it after.
	 */
	uint8_t *buf;
};

/* --- kernel: l2sec.ko ------------------------------------------------------ */

static int k_sock_prepare(struct datapath *dp, int fd, int family, bool require_ipsec)
{
	return 0;	/* the module checks every datagram itself (require-ipsec) */
}

static int k_sock_add(struct datapath *dp, int fd, bool require_ipsec, uint32_t *id)
{
	return kern_sock_add(dp->kern, fd, require_ipsec, id);
}

static void k_sock_del(struct datapath *dp, uint32_t id)
{
	if (id)
		kern_sock_del(dp->kern, id);
}

/* Without kern: the privsep engine's view of a data path its parent carries. */
static int k_watch_fd(const struct datapath *dp)
{
	return dp->kern ? kern_watch_fd(dp->kern) : -1;
}

static int k_watch_lost(struct datapath *dp, const uint32_t *ids, unsigned int n)
{
	return kern_watch_lost(dp->kern, ids, n);
}

static bool k_sock_taken(struct datapath *dp, int fd)
{
	return dp->kern && kern_sock_attached(fd) == 0;
}

static int k_tunnel_add(struct datapath *dp, const struct kern_tunnel *t, uint32_t *handle)
{
	struct kern_sa sa;

	if (kern_tunnel_add(dp->kern, t, handle, &sa) < 0)
		return -1;
	/* which SA carried the tunnel; logged now, enforced by the module */
	if (sa.present)
		log_info("l2tp: tunnel %u bound to SA spi %#x reqid %u mark %#x nat-t %u->%u",
			 t->tid, sa.spi, sa.reqid, sa.mark, sa.encap_sport, sa.encap_dport);
	else if (t->require_ipsec)
		log_info("l2tp: tunnel %u bound to SA mark %#x", t->tid, t->mark);
	return 0;
}

static void k_tunnel_del(struct datapath *dp, struct kern_tref tr)
{
	kern_tunnel_del(dp->kern, tr);
}

static int k_session_add(struct datapath *dp, struct kern_tref tr, uint16_t sid, uint16_t peer_sid)
{
	return kern_session_add(dp->kern, tr, sid, peer_sid);
}

static void k_session_del(struct datapath *dp, struct kern_tref tr, uint16_t sid)
{
	kern_session_del(dp->kern, tr, sid);
}

static int k_session_up(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			const struct in_addr *ipv4, const struct in6_addr *pfx64,
			const uint64_t *ifid)
{
	return kern_session_up(dp->kern, tr, sid, ipv4, pfx64, ifid);
}

static int k_input(struct datapath *dp, const struct tunpump_from *from, const uint8_t *dg,
		   size_t n)
{
	return 0;	/* the module kept its sessions' packets: what reaches l2secd is its own */
}

static int k_set_output(struct datapath *dp)
{
	return 0;	/* the module sends to clients itself */
}

static const struct datapath_impl kernel_impl = {
	.name = "kernel",
	.sock_prepare = k_sock_prepare,
	.sock_add = k_sock_add,
	.sock_del = k_sock_del,
	.watch_fd = k_watch_fd,
	.watch_lost = k_watch_lost,
	.sock_taken = k_sock_taken,
	.tunnel_add = k_tunnel_add,
	.tunnel_del = k_tunnel_del,
	.session_add = k_session_add,
	.session_del = k_session_del,
	.session_up = k_session_up,
	.input = k_input,
	.set_output = k_set_output,
};

/* --- tun: every packet through l2secd ---------------------------------------- */

/*
 * Without the module, the kernel itself must see that every datagram was
 * decrypted: an inbound policy on the socket that requires ESP in transport
 * mode, through any SA (the mark then says which, rxcheck.h). Unlike the
 * global policies it is checked for local traffic too (loopback is
 * IFF_NOXFRM), so a local process cannot pass for a client with its mark and
 * address; and it replaces them, as the module's bypass does, so clients
 * behind one NAT with identical selectors do not stand in each other's way.
 */
static int t_sock_prepare(struct datapath *dp, int fd, int family, bool require_ipsec)
{
	struct {
		struct xfrm_userpolicy_info p;
		struct xfrm_user_tmpl t;
	} pol;
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;

	if (!require_ipsec)
		return 0;
	memset(&pol, 0, sizeof(pol));
	pol.p.sel.family = (uint16_t)family;
	pol.p.dir = XFRM_POLICY_IN;
	pol.p.action = XFRM_POLICY_ALLOW;
	pol.t.family = (uint16_t)family;
	pol.t.id.proto = IPPROTO_ESP;
	pol.t.mode = XFRM_MODE_TRANSPORT;
	pol.t.aalgos = pol.t.ealgos = pol.t.calgos = ~0u;
	if (setsockopt(fd, level, opt, &pol, sizeof(pol)) == 0)
		return 0;
	/*
	 * Policies are compiled by xfrm_user, which may not be loaded yet: the
	 * kernel loads it for a NETLINK_XFRM socket (its net-pf-16-proto-6
	 * alias), without CAP_SYS_MODULE, which l2secd does not have.
	 */
	if (errno != EINVAL || xfrm_user_load() < 0)
		return -1;
	return setsockopt(fd, level, opt, &pol, sizeof(pol));
}

/* Nothing to hand over; numbered 1..., the switch's names */
static int t_sock_add(struct datapath *dp, int fd, bool require_ipsec, uint32_t *id)
{
	*id = ++dp->n_socks;
	return DATAPATH_NOTHING;
}

static void t_sock_del(struct datapath *dp, uint32_t id)
{
}

static int t_watch_fd(const struct datapath *dp)
{
	return -1;
}

static int t_watch_lost(struct datapath *dp, const uint32_t *ids, unsigned int n)
{
	return 0;
}

static bool t_sock_taken(struct datapath *dp, int fd)
{
	return false;
}

/* The switch carries them, as the module does (tunpump.h) */
static int t_tunnel_add(struct datapath *dp, const struct kern_tunnel *t, uint32_t *handle)
{
	return tunpump_tunnel_add(dp->tp, t, handle);
}

static void t_tunnel_del(struct datapath *dp, struct kern_tref tr)
{
	tunpump_tunnel_del(dp->tp, tr);
}

static int t_session_add(struct datapath *dp, struct kern_tref tr, uint16_t sid, uint16_t peer_sid)
{
	return tunpump_session_add(dp->tp, tr, sid, peer_sid);
}

static void t_session_del(struct datapath *dp, struct kern_tref tr, uint16_t sid)
{
	tunpump_session_del(dp->tp, tr, sid);
}

/* The switch's addresses; routes through the device are the caller's (netdev.h) */
static int t_session_up(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			const struct in_addr *ipv4, const struct in6_addr *pfx64,
			const uint64_t *ifid)
{
	return tunpump_session_up(dp->tp, tr, sid, ipv4, pfx64, ifid);
}

static int t_input(struct datapath *dp, const struct tunpump_from *from, const uint8_t *dg,
		   size_t n)
{
	size_t off, len;

	switch (tunpump_rx(dp->tp, from, dg, n, &off, &len)) {
	case TUNPUMP_DELIVER:
		if (write(netdev_tun_fd(dp->nd), dg + off, len) != (ssize_t)len)
			dp->st.device_errors++;
		return DATAPATH_CARRIED;
	case TUNPUMP_ENGINE:
		return 0;
	default:
		return DATAPATH_CARRIED;	/* a drop, counted by the switch */
	}
}

/*
 * A packet no session takes (a pool address without one): ICMP unreachable
 * into the device, as the module answers (l2sec_xmit_unreach), at most
 * TUN_UNREACH_PER_S a second in all; the rest counted.
 */
static void unreachable(struct datapath *dp, const uint8_t *pkt, size_t len)
{
	uint64_t sec = evloop_now(dp->loop) / 1000;
	size_t n = tunpump_unreach(pkt, len, dp->unreach, TUNPUMP_UNREACH_MAX);

	if (!n)
		return;
	if (sec != dp->unreach_sec) {
		dp->unreach_sec = sec;
		dp->unreach_n = 0;
	}
	if (dp->unreach_n >= TUN_UNREACH_PER_S) {
		dp->st.unreach_ratelimited++;
		return;
	}
	dp->unreach_n++;
	if (write(netdev_tun_fd(dp->nd), dp->unreach, n) != (ssize_t)n) {
		dp->st.device_errors++;
		return;
	}
	dp->st.unreach_sent++;
}

static void tun_cb(struct ev_io *io, uint32_t events)
{
	struct datapath *dp = container_of(io, struct datapath, tun_io);

	(void)events;
	for (int i = 0; i < TUN_BATCH; i++) {
		ssize_t n = read(io->fd, dp->buf + TUNPUMP_HEADROOM, TUN_MAX_PKT);
		struct tunpump_to to;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				dp->st.device_errors++;
				log_info("tun: read: %s", strerror(errno));
			}
			return;
		}
		if (tunpump_tx(dp->tp, dp->buf, (size_t)n, &to) < 0) {
			unreachable(dp, dp->buf + TUNPUMP_HEADROOM, (size_t)n);	/* counted */
			continue;
		}
		if (dp->out_fn(dp->out_ctx, &to, dp->buf, (size_t)n + TUNPUMP_HEADROOM) < 0)
			dp->st.send_errors++;
	}
}

static int t_set_output(struct datapath *dp)
{
	dp->buf = malloc(TUNPUMP_HEADROOM + TUN_MAX_PKT);
	dp->unreach = malloc(TUNPUMP_UNREACH_MAX);
	if (!dp->buf || !dp->unreach ||
	    evloop_add_io(dp->loop, &dp->tun_io, netdev_tun_fd(dp->nd), EPOLLIN, tun_cb) < 0) {
		free(dp->buf);
		free(dp->unreach);
		dp->buf = dp->unreach = NULL;
		return -1;
	}
	dp->tun_registered = true;
	return 0;
}

static void stop_output(struct datapath *dp)
{
	if (dp->tun_registered)
		evloop_del_io(dp->loop, &dp->tun_io);
	dp->tun_registered = false;
	free(dp->buf);
	free(dp->unreach);
	dp->buf = dp->unreach = NULL;
}

static const struct datapath_impl tun_impl = {
	.name = "tun",
	.sock_prepare = t_sock_prepare,
	.sock_add = t_sock_add,
	.sock_del = t_sock_del,
	.watch_fd = t_watch_fd,
	.watch_lost = t_watch_lost,
	.sock_taken = t_sock_taken,
	.tunnel_add = t_tunnel_add,
	.tunnel_del = t_tunnel_del,
	.session_add = t_session_add,
	.session_del = t_session_del,
	.session_up = t_session_up,
	.input = t_input,
	.set_output = t_set_output,
};

/* --- the interface ------------------------------------------------------------- */

static struct datapath *datapath_new(const struct datapath_impl *impl, struct evloop *loop,
				     struct kern *k, struct netdev *nd)
{
	struct datapath *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return NULL;
	dp->impl = impl;
	dp->name = impl->name;
	dp->loop = loop;
	dp->kern = k;
	dp->nd = nd;
	return dp;
}

struct datapath *datapath_kernel(struct evloop *loop, struct kern *k, struct netdev *nd)
{
	return datapath_new(&kernel_impl, loop, k, nd);
}

struct datapath *datapath_tun(struct evloop *loop, struct netdev *nd, unsigned int max_tunnels,
			      unsigned int max_sessions)
{
	struct datapath *dp = datapath_new(&tun_impl, loop, NULL, nd);

	if (!dp)
		return NULL;
	dp->tp = tunpump_new(max_tunnels, max_sessions);
	if (!dp->tp) {
		free(dp);
		return NULL;
	}
	return dp;
}

struct datapath *datapath_parent(struct evloop *loop, struct netdev *nd)
{
	struct datapath *dp = datapath_new(&kernel_impl, loop, NULL, nd);

	if (dp)
		dp->name = tun_impl.name;
	return dp;
}

void datapath_free(struct datapath *dp)
{
	if (!dp)
		return;
	stop_output(dp);
	tunpump_free(dp->tp);
	free(dp);
}

const char *datapath_name(const struct datapath *dp)
{
	return dp->name;
}

bool datapath_routes_behind(const struct datapath *dp)
{
	return dp->impl == &kernel_impl && dp->kern;
}

int datapath_sock_prepare(struct datapath *dp, int fd, int family, bool require_ipsec)
{
	return dp->impl->sock_prepare(dp, fd, family, require_ipsec);
}

int datapath_sock_add(struct datapath *dp, int fd, bool require_ipsec, uint32_t *id)
{
	return dp->impl->sock_add(dp, fd, require_ipsec, id);
}

void datapath_sock_del(struct datapath *dp, uint32_t id)
{
	dp->impl->sock_del(dp, id);
}

int datapath_watch_fd(const struct datapath *dp)
{
	return dp->impl->watch_fd(dp);
}

int datapath_watch_lost(struct datapath *dp, const uint32_t *ids, unsigned int n)
{
	return dp->impl->watch_lost(dp, ids, n);
}

bool datapath_sock_taken(struct datapath *dp, int fd)
{
	return dp->impl->sock_taken(dp, fd);
}

int datapath_tunnel_add(struct datapath *dp, const struct kern_tunnel *t, uint32_t *handle)
{
	return dp->impl->tunnel_add(dp, t, handle);
}

void datapath_tunnel_del(struct datapath *dp, struct kern_tref tr)
{
	dp->impl->tunnel_del(dp, tr);
}

void datapath_release(struct datapath *dp)
{
	if (dp->tp)
		tunpump_release(dp->tp);
}

int datapath_session_add(struct datapath *dp, struct kern_tref tr, uint16_t sid, uint16_t peer_sid)
{
	return dp->impl->session_add(dp, tr, sid, peer_sid);
}

void datapath_session_del(struct datapath *dp, struct kern_tref tr, uint16_t sid)
{
	dp->impl->session_del(dp, tr, sid);
}

int datapath_session_up(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			const struct in_addr *ipv4, const struct in6_addr *pfx64,
			const uint64_t *ifid)
{
	return dp->impl->session_up(dp, tr, sid, ipv4, pfx64, ifid);
}

int datapath_session_stats(struct datapath *dp, struct kern_tref tr, uint16_t sid,
			   struct kern_session_stats *st)
{
	if (dp->tp)
		return tunpump_session_stats(dp->tp, tr, sid, st);
	if (!dp->kern)
		return DATAPATH_NOTHING;	/* the privsep engine's: the parent has them */
	return kern_session_stats(dp->kern, tr, sid, st);
}

int datapath_input(struct datapath *dp, const struct tunpump_from *from, const uint8_t *dg,
		   size_t n)
{
	return dp->impl->input(dp, from, dg, n);
}

int datapath_set_output(struct datapath *dp, datapath_out_fn *fn, void *ctx)
{
	stop_output(dp);
	dp->out_fn = fn;
	dp->out_ctx = ctx;
	return fn ? dp->impl->set_output(dp) : 0;
}

const struct datapath_tun_stats *datapath_tun_stats(struct datapath *dp)
{
	if (!dp->tp)
		return NULL;
	dp->st.pump = *tunpump_stats(dp->tp);
	return &dp->st;
}
