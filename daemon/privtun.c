// SPDX-License-Identifier: GPL-2.0
/* privsep on the TUN data path: the parent's pump and the engine's channel (privtun.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "datapath/datapath.h"
#include "datapath/dgchan.h"
#include "datapath/netdev.h"
#include "datapath/tunpump.h"
#include "priv/priv_msg.h"
#include "privtun.h"
#include "server.h"
#include "server_int.h"

#define PT_LOG_MS	10000	/* a line about drops every 10 s at most */
#define PT_CHAN_BATCH	64	/* channel messages per wakeup in the engine */

struct privtun {
	struct l2secd *d;
	struct rxbatch *rxb;
	int chan;			/* the parent's end; -1: none */
	int engine_end;			/* the engine's, the parent's until the fork */
	struct ev_io chan_io;		/* the engine reading its end */
	uint8_t *msg;			/* DGCHAN_MAX octets */
	uint64_t to_engine_dropped;	/* the channel did not take it */
	uint64_t chan_malformed;	/* the engine: a message it could not decode */
	uint64_t logged, log_ms;
};

static uint64_t drops(const struct privtun *pt, const struct datapath_tun_stats *st)
{
	uint64_t n = pt->to_engine_dropped + st->device_errors + st->send_errors;

	for (unsigned int i = 0; i < TUNPUMP_DROP_MAX; i++)
		n += st->pump.drop[i];
	return n;
}

/* What was dropped since the last line, a line every PT_LOG_MS at most. */
static void pt_report(struct l2secd *d)
{
	struct privtun *pt = d->pt;
	const struct datapath_tun_stats *dst = datapath_tun_stats(d->dp);
	const struct tunpump_stats *st = &dst->pump;
	uint64_t now = evloop_now(d->loop), n = drops(pt, dst);

	if (n == pt->logged || (pt->log_ms && now - pt->log_ms < PT_LOG_MS))
		return;
	log_notice("privsep: tun data path: %llu packet(s) dropped since the last report; in all: "
		   "malformed %llu, wrong_peer %llu, not_up %llu, spoofed %llu, no_session %llu, "
		   "to_engine_dropped %llu, device %llu, send %llu",
		   (unsigned long long)(n - pt->logged),
		   (unsigned long long)st->drop[TUNPUMP_DROP_MALFORMED],
		   (unsigned long long)st->drop[TUNPUMP_DROP_WRONG_PEER],
		   (unsigned long long)st->drop[TUNPUMP_DROP_NOT_UP],
		   (unsigned long long)st->drop[TUNPUMP_DROP_SPOOF],
		   (unsigned long long)st->drop[TUNPUMP_DROP_NO_SESSION],
		   (unsigned long long)pt->to_engine_dropped,
		   (unsigned long long)dst->device_errors,
		   (unsigned long long)dst->send_errors);
	pt->logged = n;
	pt->log_ms = now;
}

/* --- the parent ---------------------------------------------------------------- */

/* One datagram from a client: the data path's (datapath_input), else the engine's. */
static void pt_datagram(void *ctx, const struct msghdr *mh, uint8_t *data, size_t len)
{
	struct l2secd_sock *s = ctx;
	struct l2secd *d = s->d;
	struct privtun *pt = d->pt;
	struct l2tp_peer peer = { .sock = (int)(s - d->socks) };
	struct rxcheck_meta meta;
	/* another family stays AF_UNSPEC: dgchan_send refuses it, counted below */
	bool ip = sa46_from(&peer.addr, mh->msg_name, mh->msg_namelen) == 0;

	rxcheck_parse(mh, &peer, &meta);
	if (ip && l2secd_dp_input(d, &peer, &meta, data, len) == DATAPATH_CARRIED)
		return;
	if (dgchan_send(pt->chan, pt->msg, &peer, &meta, data, len) < 0)
		pt->to_engine_dropped++;	/* as the network drops: the peer retransmits */
}

static void pt_sock_cb(struct ev_io *io, uint32_t events)
{
	struct l2secd_sock *s = container_of(io, struct l2secd_sock, io);
	struct l2secd *d = s->d;

	(void)events;
	if (rxbatch_read(d->pt->rxb, &s->rx, pt_datagram, s) < 0)
		log_info("l2tp: receive: %s", strerror(errno));
	pt_report(d);
}

int privtun_open(struct l2secd *d)
{
	struct privtun *pt = calloc(1, sizeof(*pt));

	if (!pt)
		goto err_mem;
	d->pt = pt;
	pt->d = d;
	pt->chan = pt->engine_end = -1;
	pt->rxb = rxbatch_new();
	pt->msg = malloc(DGCHAN_MAX);
	if (!pt->rxb || !pt->msg)
		goto err_mem;
	log_notice("privsep: the parent carries the tun data path's packets");
	return 0;
err_mem:
	log_err("out of memory");
	return -1;
}

_Static_assert(TUNPUMP_DROP_MAX == 5 && PRIV_TUN_N == 10 + TUNPUMP_DROP_MAX,
	       "priv_tun_stats' order (priv_msg.h)");

void privtun_stats(struct l2secd *d, struct priv_tun_stats *out)
{
	const struct datapath_tun_stats *st = datapath_tun_stats(d->dp);
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	if (!st)
		return;
	out->present = true;
	out->n[n++] = st->pump.rx_packets;
	out->n[n++] = st->pump.rx_bytes;
	out->n[n++] = st->pump.to_engine;
	out->n[n++] = st->pump.tx_packets;
	out->n[n++] = st->pump.tx_bytes;
	for (unsigned int i = 0; i < TUNPUMP_DROP_MAX; i++)
		out->n[n++] = st->pump.drop[i];
	out->n[n++] = st->device_errors;
	out->n[n++] = st->send_errors;
	out->n[n++] = d->pt ? d->pt->to_engine_dropped : 0;
	out->n[n++] = st->unreach_sent;
	out->n[n++] = st->unreach_ratelimited;
}

void privtun_stats_from(const struct priv_tun_stats *in, struct datapath_tun_stats *out)
{
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	out->pump.rx_packets = in->n[n++];
	out->pump.rx_bytes = in->n[n++];
	out->pump.to_engine = in->n[n++];
	out->pump.tx_packets = in->n[n++];
	out->pump.tx_bytes = in->n[n++];
	for (unsigned int i = 0; i < TUNPUMP_DROP_MAX; i++)
		out->pump.drop[i] = in->n[n++];
	out->device_errors = in->n[n++];
	out->send_errors = in->n[n++];
	out->to_engine_dropped = in->n[n++];
	out->unreach_sent = in->n[n++];
	out->unreach_ratelimited = in->n[n++];
}

int privtun_socks_watch(struct l2secd *d)
{
	for (unsigned int i = 0; i < d->n_socks; i++) {
		if (evloop_add_io(d->loop, &d->socks[i].io, d->socks[i].fd, EPOLLIN,
				  pt_sock_cb) < 0) {
			log_err("event loop: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void privtun_free(struct l2secd *d)
{
	struct privtun *pt = d->pt;

	if (!pt)
		return;
	/* the sockets' reading ends with them (l2secd_cleanup), the device's with the data path */
	if (pt->chan >= 0)
		close(pt->chan);
	if (pt->engine_end >= 0)
		close(pt->engine_end);
	rxbatch_free(pt->rxb);
	free(pt->msg);
	free(pt);
	d->pt = NULL;
}

int privtun_channel(struct l2secd *d)
{
	struct privtun *pt = d->pt;
	int sv[2];

	if (pt->chan >= 0)
		close(pt->chan);	/* the previous engine's: what it held is dropped */
	pt->chan = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("privsep: socketpair: %s", strerror(errno));
		return -1;
	}
	/* one way: the engine has nothing to tell the parent here (requests go by priv_fd) */
	if (shutdown(sv[1], SHUT_WR) < 0) {
		log_err("privsep: shutdown: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	pt->chan = sv[0];
	pt->engine_end = sv[1];
	return 0;
}

void privtun_forked(struct l2secd *d)
{
	if (d->pt && d->pt->engine_end >= 0) {
		close(d->pt->engine_end);
		d->pt->engine_end = -1;
	}
}

/* --- the engine ------------------------------------------------------------------- */

int privtun_engine_fd(const struct l2secd *d)
{
	return d->pt ? d->pt->engine_end : -1;
}

static void chan_cb(struct ev_io *io, uint32_t events)
{
	struct privtun *pt = container_of(io, struct privtun, chan_io);
	struct l2secd *d = pt->d;

	(void)events;
	for (int i = 0; i < PT_CHAN_BATCH; i++) {
		ssize_t n = recv(io->fd, pt->msg, DGCHAN_MAX, MSG_DONTWAIT);
		struct l2tp_peer peer;
		struct rxcheck_meta meta;
		const uint8_t *dg;
		size_t len;

		if (n < 0)
			return;
		if (n == 0) {
			evloop_del_io(d->loop, io);	/* the parent is gone: its socket says so too */
			return;
		}
		if (dgchan_decode(pt->msg, (size_t)n, d->n_socks, &peer, &meta, &dg, &len) < 0) {
			pt->chan_malformed++;
			log_warn("privsep: a malformed message from the parent's channel, dropped");
			continue;
		}
		l2secd_sock_input(d, &peer, &meta, pt->msg + DGCHAN_HDR, len);
	}
}

int privtun_engine_watch(struct l2secd *d)
{
	struct privtun *pt = d->pt;

	/* the parent's switch is the parent's: the engine has none */
	pt->rxb = NULL;
	pt->chan = -1;
	if (evloop_add_io(d->loop, &pt->chan_io, pt->engine_end, EPOLLIN, chan_cb) < 0) {
		log_err("event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}
