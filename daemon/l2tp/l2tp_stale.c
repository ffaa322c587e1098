// SPDX-License-Identifier: GPL-2.0
/* Tunnels of a previous run: their state file, and the StopCCN that makes their peers redial. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_stale.h"
#include "core/log.h"
#include "core/util.h"

#define STALE_MAGIC 0x4c325354u	/* "L2ST" */
#define STALE_MAX 65536

/* One slot of the state file, at offset tid * sizeof; all zero: no tunnel. */
struct stale_rec {
	uint32_t magic;
	uint16_t tid, peer_tid;
	uint32_t mark;
	int32_t sock;
	uint16_t family;
	uint16_t port;			/* network order */
	uint8_t addr[16];
	uint8_t local[16];
	uint8_t pad[12];
};

struct l2tp_stale {
	struct l2tp_peer peer;
	uint16_t tid, peer_tid;
	uint16_t stop_ns;		/* the Ns of our last StopCCN */
	bool stopped;			/* a StopCCN went out */
	bool done;			/* the peer acknowledged it */
	uint8_t sweeps;			/* probes sent unasked (l2tp_stale_sweep_cb) */
	uint64_t probe_ms, stop_ms;	/* last probe, last StopCCN (0: none) */
};

static void rec_to_peer(const struct stale_rec *r, struct l2tp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->mark = r->mark;
	p->sock = r->sock;
	if (r->family == AF_INET) {
		p->addr.sin.sin_family = p->local.sin.sin_family = AF_INET;
		p->addr.sin.sin_port = r->port;
		memcpy(&p->addr.sin.sin_addr, r->addr, 4);
		memcpy(&p->local.sin.sin_addr, r->local, 4);
	} else {
		p->addr.sin6.sin6_family = p->local.sin6.sin6_family = AF_INET6;
		p->addr.sin6.sin6_port = r->port;
		memcpy(&p->addr.sin6.sin6_addr, r->addr, 16);
		memcpy(&p->local.sin6.sin6_addr, r->local, 16);
	}
}

static void peer_to_rec(const struct l2tp_tunnel *t, struct stale_rec *r)
{
	const struct l2tp_peer *p = &t->peer;
	uint16_t lport;

	memset(r, 0, sizeof(*r));
	r->magic = STALE_MAGIC;
	r->tid = t->tid;
	r->peer_tid = t->peer_tid;
	r->mark = p->mark;
	r->sock = p->sock;
	r->family = sa46_key(&p->addr, r->addr, &r->port);
	if (p->local.sa.sa_family == r->family)
		sa46_key(&p->local, r->local, &lport);
}

static bool rec_valid(const struct stale_rec *r, uint16_t slot)
{
	return r->magic == STALE_MAGIC && r->tid == slot && r->tid && r->peer_tid &&
	       r->sock >= 0 && (r->family == AF_INET || r->family == AF_INET6);
}

static void stale_free(struct l2tp_lns *lns)
{
	free(lns->stale);
	lns->stale = NULL;
	lns->n_stale = 0;
}

void l2tp_stale_ttl_cb(struct ev_timer *timer)
{
	struct l2tp_lns *lns = container_of(timer, struct l2tp_lns, stale_timer);

	log_info("l2tp: %u tunnel(s) of the previous run forgotten", lns->n_stale);
	ev_timer_cancel(lns->loop, &lns->stale_sweep);
	stale_free(lns);
}

/* Records in tid order: n_stale entries sorted, found by binary search. */
static int load(struct l2tp_lns *lns, int fd)
{
	struct stale_rec buf[256];
	unsigned int slot = 0, cap = 0;
	ssize_t n = 0;

	while (slot < STALE_MAX &&
	       (n = pread(fd, buf, sizeof(buf), (off_t)slot * sizeof(*buf))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(*buf); i++, slot++) {
			struct l2tp_stale *s;

			/* a file of another configuration or a damaged one: max-tunnels bounds it */
			if (!rec_valid(&buf[i], (uint16_t)slot) ||
			    lns->n_stale >= lns->cfg->max_tunnels)
				continue;
			if (lns->n_stale == cap) {
				void *p;

				cap = cap ? cap * 2 : 16;
				p = realloc(lns->stale, cap * sizeof(*lns->stale));
				if (!p)
					return -1;
				lns->stale = p;
			}
			s = &lns->stale[lns->n_stale++];
			memset(s, 0, sizeof(*s));
			rec_to_peer(&buf[i], &s->peer);
			s->tid = buf[i].tid;
			s->peer_tid = buf[i].peer_tid;
		}
		if ((size_t)n % sizeof(*buf))
			break;
	}
	return n < 0 ? -1 : 0;
}

int l2tp_stale_open(struct l2tp_lns *lns, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (load(lns, fd) < 0 || ftruncate(fd, 0) < 0) {
		int err = errno;

		stale_free(lns);
		close(fd);
		errno = err;
		return -1;
	}
	lns->state_fd = fd;
	if (lns->n_stale) {
		log_notice("l2tp: %u tunnel(s) of the previous run; their peers are told to "
			   "redial when they send", lns->n_stale);
		ev_timer_arm(lns->loop, &lns->stale_timer, STALE_TTL_MS);
		ev_timer_arm(lns->loop, &lns->stale_sweep, 0);
	}
	return 0;
}

void l2tp_stale_close(struct l2tp_lns *lns)
{
	if (lns->loop) {
		ev_timer_cancel(lns->loop, &lns->stale_timer);
		ev_timer_cancel(lns->loop, &lns->stale_sweep);
	}
	stale_free(lns);
	if (lns->state_fd >= 0)
		close(lns->state_fd);
	lns->state_fd = -1;
}

void l2tp_stale_record(struct l2tp_lns *lns, const struct l2tp_tunnel *t, bool up)
{
	struct stale_rec r;

	if (lns->state_fd < 0)
		return;
	if (up)
		peer_to_rec(t, &r);
	else
		memset(&r, 0, sizeof(r));
	if (pwrite(lns->state_fd, &r, sizeof(r), (off_t)t->tid * sizeof(r)) != sizeof(r))
		log_warn("l2tp: tunnel %u: state file: %s", t->tid,
			 errno ? strerror(errno) : "short write");
}

static struct l2tp_stale *find(const struct l2tp_lns *lns, uint16_t tid)
{
	unsigned int lo = 0, hi = lns->n_stale;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (lns->stale[mid].tid == tid)
			return &lns->stale[mid];
		if (lns->stale[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool l2tp_stale_id(const struct l2tp_lns *lns, uint16_t id)
{
	return find(lns, id) != NULL;
}

static bool same_peer(const struct l2tp_peer *a, const struct l2tp_peer *b)
{
	return a->sock == b->sock && a->mark == b->mark && sa46_same(&a->addr, &b->addr);
}

bool l2tp_stale_resume(struct l2tp_lns *lns, const struct l2tp_tunnel *t)
{
	struct l2tp_stale *s = find(lns, t->tid);
	size_t at;

	if (!s)
		return true;
	/* another SA's tunnel (the file has one slot an ID): the ID is t's SA's to have too */
	if (s->peer.mark && t->peer.mark && s->peer.mark != t->peer.mark)
		return true;
	if (s->peer_tid != t->peer_tid || !same_peer(&s->peer, &t->peer))
		return false;
	at = (size_t)(s - lns->stale);
	memmove(s, s + 1, (lns->n_stale - at - 1) * sizeof(*s));
	if (--lns->n_stale == 0) {
		ev_timer_cancel(lns->loop, &lns->stale_timer);
		ev_timer_cancel(lns->loop, &lns->stale_sweep);
	}
	return true;
}

/* The global bucket: STALE_RATE answers a second, burst of the same. */
static void refill(struct l2tp_lns *lns)
{
	uint64_t now = evloop_now(lns->loop);

	lns->stale_tokens += (now - lns->stale_last_ms) * STALE_RATE;
	lns->stale_last_ms = now;
	if (lns->stale_tokens > STALE_RATE * 1000)
		lns->stale_tokens = STALE_RATE * 1000;
}

static bool admit(struct l2tp_lns *lns)
{
	refill(lns);
	if (lns->stale_tokens < 1000) {
		lns->stats.stale_rate_limited++;
		return false;
	}
	lns->stale_tokens -= 1000;
	return true;
}

/* Per stale tunnel: one of each kind a second. */
static bool due(struct l2tp_lns *lns, uint64_t *last)
{
	uint64_t now = evloop_now(lns->loop);

	if (*last && now - *last < 1000) {
		lns->stats.stale_rate_limited++;
		return false;
	}
	if (!admit(lns))
		return false;
	*last = now ? now : 1;
	return true;
}

/* For the sweep: due, without counting a refusal (the sweep just comes back). */
static bool sweep_due(struct l2tp_lns *lns, const struct l2tp_stale *s)
{
	uint64_t now = evloop_now(lns->loop);

	refill(lns);
	return (!s->probe_ms || now - s->probe_ms >= 1000) && lns->stale_tokens >= 1000;
}

static void send_stopccn(struct l2tp_lns *lns, struct l2tp_stale *s, uint16_t ns, uint16_t nr)
{
	uint8_t buf[128];
	struct l2tp_builder b;
	size_t len;
	char ps[80];

	l2tp_build_init(&b, buf, sizeof(buf), s->peer_tid, 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, s->tid);
	l2tp_build_result(&b, STOPCCN_GENERAL_ERROR, 0, "LNS restarted");
	len = l2tp_build_finish(&b);
	if (!len)
		return;
	l2tp_set_seq(buf, ns, nr);
	s->stop_ns = ns;
	s->stopped = true;
	lns->stats.stale_stopccn++;
	log_notice("l2tp: %s: StopCCN for tunnel %u of the previous run (peer tunnel %u)",
		   l2tp_peer_str(&s->peer, ps, sizeof(ps)), s->tid, s->peer_tid);
	l2tp_lns_send(lns, &s->peer, NULL, 0, buf, len);
}

/*
 * Two HELLOs half the sequence space apart: the peer acknowledges the one
 * behind what it expects. Ns 0 and 0x8000, not any pair: xl2tpd compares
 * without wrapping and acknowledges only Ns in [expected - 32767, expected),
 * which one of these two always is.
 */
static void send_probe(struct l2tp_lns *lns, struct l2tp_stale *s)
{
	uint16_t ns = 0;

	for (int i = 0; i < 2; i++, ns += 0x8000) {
		uint8_t buf[32];
		struct l2tp_builder b;
		size_t len;

		l2tp_build_init(&b, buf, sizeof(buf), s->peer_tid, 0, L2TP_HELLO);
		len = l2tp_build_finish(&b);
		if (!len)
			return;
		l2tp_set_seq(buf, ns, 0);
		l2tp_lns_send(lns, &s->peer, NULL, 0, buf, len);
	}
	lns->stats.stale_probes++;
}

/*
 * Idle peers send nothing that could be answered, and a LAC whose data goes
 * to a closed port may stop sending it: so each stale tunnel is probed
 * STALE_SWEEPS times, a second apart, from the start. Not a tunnel that was
 * bound to an SA under require-ipsec: its SA may be gone and the probe would
 * leave in clear; such a peer is answered when it speaks through its SA.
 */
void l2tp_stale_sweep_cb(struct ev_timer *timer)
{
	struct l2tp_lns *lns = container_of(timer, struct l2tp_lns, stale_sweep);
	bool more = false;

	for (unsigned int i = 0; i < lns->n_stale; i++) {
		struct l2tp_stale *s = &lns->stale[i];

		if (s->stopped || s->sweeps >= STALE_SWEEPS ||
		    (s->peer.mark && lns->cfg->require_ipsec))
			continue;
		more = true;
		if (!sweep_due(lns, s) || !due(lns, &s->probe_ms))
			continue;
		send_probe(lns, s);
		s->sweeps++;
	}
	if (more)
		ev_timer_arm(lns->loop, timer, 250);
}

bool l2tp_stale_input(struct l2tp_lns *lns, const struct l2tp_hdr *h,
		      const struct l2tp_peer *peer)
{
	struct l2tp_stale *s = find(lns, h->tunnel_id);
	bool zlb = h->msg_len == h->hdr_len;

	if (!s || !l2tp_peer_match(&s->peer, peer))
		return false;
	if (s->done)
		return true;
	if (!h->control) {
		if (due(lns, &s->probe_ms))
			send_probe(lns, s);
		return true;
	}
	/* the peer's acknowledgement of our StopCCN: it is clearing its tunnel */
	if (zlb && s->stopped && h->nr == (uint16_t)(s->stop_ns + 1)) {
		s->done = true;
		return true;
	}
	if (due(lns, &s->stop_ms))
		send_stopccn(lns, s, h->nr, zlb ? h->ns : (uint16_t)(h->ns + 1));
	return true;
}
