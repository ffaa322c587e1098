// SPDX-License-Identifier: GPL-2.0
/* Admission control per peer: source addresses and SAs, their buckets and counts. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_lns.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/htab.h"
#include "core/log.h"
#include "core/util.h"

enum admit_kind { ADMIT_SRC, ADMIT_SA };

struct l2tp_admit_entry {
	struct htab_node node;				/* a->peers */
	struct l2tp_admit_entry *lru_prev, *lru_next;	/* on the LRU list iff refs == 0 */
	uint8_t kind;					/* enum admit_kind */
	uint8_t family;					/* ADMIT_SRC: AF_INET or AF_INET6 */
	uint8_t addr[16];				/* IPv4, or an IPv6 /64 (rest zero) */
	uint32_t mark;					/* ADMIT_SA */
	unsigned int refs;				/* tunnels that point at it */
	unsigned int half_open, tunnels;		/* tunnels: not closing (SA only) */
	struct l2tp_bucket bucket;
	uint64_t log_ms;				/* last log line; 0: none yet */
	uint64_t suppressed;				/* refusals not logged since */
};

struct l2tp_admit {
	struct l2tp_lns *lns;
	struct htab peers;				/* the entries, by key */
	unsigned int n_entries;
	struct l2tp_admit_entry *lru_head, *lru_tail;	/* most recently used first */
	uint64_t log_window_ms;				/* all peers' lines: this window's start */
	unsigned int log_lines;				/* ... lines written in it */
	uint64_t log_dropped;				/* ... lines dropped in it */
	struct l2tp_admit_stats stats;
};

struct l2tp_admit *l2tp_admit_new(struct l2tp_lns *lns, uint32_t seed)
{
	struct l2tp_admit *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->lns = lns;
	/* keyed with a random seed, so that a peer cannot aim its addresses at one chain */
	if (htab_init(&a->peers, 64, (uint64_t)seed << 32 | (seed ^ 0x5bd1e995u))) {
		free(a);
		return NULL;
	}
	return a;
}

void l2tp_admit_free(struct l2tp_admit *a)
{
	if (!a)
		return;
	/*
	 * Every tunnel is gone by now (l2tp_lns_free destroys them first), so
	 * no entry is pinned: each is on the LRU list.
	 */
	while (a->lru_head) {
		struct l2tp_admit_entry *e = a->lru_head;

		a->lru_head = e->lru_next;
		htab_del(&a->peers, &e->node);
		free(e);
	}
	if (a->peers.n)
		log_err("l2tp: %zu pinned admission entries at exit", a->peers.n);
	htab_free(&a->peers);
	free(a);
}

const struct l2tp_admit_stats *l2tp_admit_stats(const struct l2tp_admit *a)
{
	return &a->stats;
}

unsigned int l2tp_admit_peers(const struct l2tp_admit *a)
{
	return a->n_entries;
}

/* The key of an entry, from a datagram's peer. */
static void make_key(struct l2tp_admit_entry *k, enum admit_kind kind,
		     const struct l2tp_peer *peer)
{
	memset(k, 0, sizeof(*k));
	k->kind = (uint8_t)kind;
	if (kind == ADMIT_SA) {
		k->mark = peer->mark;
	} else if (peer->addr.sa.sa_family == AF_INET) {
		k->family = AF_INET;
		memcpy(k->addr, &peer->addr.sin.sin_addr, 4);
	} else if (peer->addr.sa.sa_family == AF_INET6) {
		/* one host holds a whole /64: account it as one source */
		k->family = AF_INET6;
		memcpy(k->addr, &peer->addr.sin6.sin6_addr, 8);
	}
}

static bool key_equal(const struct l2tp_admit_entry *a, const struct l2tp_admit_entry *b)
{
	return a->kind == b->kind && a->family == b->family && a->mark == b->mark &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static uint64_t key_hash(const struct l2tp_admit *a, const struct l2tp_admit_entry *k)
{
	uint8_t key[2 + 4 + sizeof(k->addr)];

	key[0] = k->kind;
	key[1] = k->family;
	memcpy(key + 2, &k->mark, 4);
	memcpy(key + 6, k->addr, sizeof(k->addr));
	return htab_hash(&a->peers, key, sizeof(key));
}

static void lru_unlink(struct l2tp_admit *a, struct l2tp_admit_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		a->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		a->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push(struct l2tp_admit *a, struct l2tp_admit_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = a->lru_head;
	if (a->lru_head)
		a->lru_head->lru_prev = e;
	else
		a->lru_tail = e;
	a->lru_head = e;
}

static void entry_remove(struct l2tp_admit *a, struct l2tp_admit_entry *e)
{
	htab_del(&a->peers, &e->node);
	lru_unlink(a, e);
	a->n_entries--;
	free(e);
}

/* The entry for peer, created (with a full bucket) when missing; NULL: no room. */
static struct l2tp_admit_entry *entry_get(struct l2tp_admit *a, enum admit_kind kind,
					  const struct l2tp_peer *peer, unsigned int rate)
{
	struct l2tp_admit_entry k, *e;
	struct htab_node *x;
	uint64_t h;

	make_key(&k, kind, peer);
	h = key_hash(a, &k);
	for (x = htab_first(&a->peers, h); x; x = htab_next(x)) {
		e = container_of(x, struct l2tp_admit_entry, node);
		if (key_equal(e, &k)) {
			if (!e->refs) {
				lru_unlink(a, e);
				lru_push(a, e);
			}
			return e;
		}
	}
	if (a->n_entries >= a->lns->cfg->peer_table_size) {
		if (!a->lru_tail) {
			a->stats.peers_table_full++;
			return NULL;
		}
		/* the least recently seen peer no tunnel uses: only its bucket is lost */
		entry_remove(a, a->lru_tail);
		a->stats.peers_recycled++;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	*e = k;
	l2tp_bucket_fill(&e->bucket, evloop_now(a->lns->loop), rate);
	htab_add(&a->peers, &e->node, h);
	a->n_entries++;
	lru_push(a, e);
	return e;
}

static void entry_pin(struct l2tp_admit *a, struct l2tp_admit_entry *e)
{
	if (!e->refs++)
		lru_unlink(a, e);
}

static void entry_unpin(struct l2tp_admit *a, struct l2tp_admit_entry *e)
{
	if (!--e->refs)
		lru_push(a, e);
}

static const char *entry_str(const struct l2tp_admit_entry *e, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN] = "?";

	if (e->kind == ADMIT_SA) {
		snprintf(buf, len, "SA mark %#x", e->mark);
		return buf;
	}
	inet_ntop(e->family, e->addr, s, sizeof(s));
	snprintf(buf, len, "%s%s", s, e->family == AF_INET6 ? "/64" : "");
	return buf;
}

/* One line per peer per ADMIT_LOG_INTERVAL_MS, saying how many went unsaid. */
static void entry_vlog(struct l2tp_admit *a, struct l2tp_admit_entry *e, const char *fmt,
		       va_list ap) __attribute__((format(printf, 3, 0)));

static void entry_vlog(struct l2tp_admit *a, struct l2tp_admit_entry *e, const char *fmt,
		       va_list ap)
{
	uint64_t now = evloop_now(a->lns->loop);
	char what[160], who[64];

	if (e->log_ms && now - e->log_ms < ADMIT_LOG_INTERVAL_MS) {
		e->suppressed++;
		return;
	}
	if (now - a->log_window_ms >= ADMIT_LOG_INTERVAL_MS) {
		if (a->log_dropped)
			log_warn("l2tp: %llu admission log lines of other peers left out in %u s",
				 (unsigned long long)a->log_dropped, ADMIT_LOG_INTERVAL_MS / 1000);
		a->log_window_ms = now;
		a->log_lines = 0;
		a->log_dropped = 0;
	}
	if (a->log_lines >= ADMIT_LOG_BURST) {
		a->log_dropped++;
		e->suppressed++;
		return;
	}
	a->log_lines++;
	vsnprintf(what, sizeof(what), fmt, ap);
	log_warn("l2tp: %s: %s (%llu more not logged since its last line)",
		 entry_str(e, who, sizeof(who)), what, (unsigned long long)e->suppressed);
	e->log_ms = now;
	e->suppressed = 0;
}

static void entry_log(struct l2tp_admit *a, struct l2tp_admit_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void entry_log(struct l2tp_admit *a, struct l2tp_admit_entry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	entry_vlog(a, e, fmt, ap);
	va_end(ap);
}

void l2tp_bucket_fill(struct l2tp_bucket *b, uint64_t now, unsigned int rate)
{
	b->tokens = (uint64_t)rate * 1000;
	b->last_ms = now;
}

bool l2tp_bucket_take(struct l2tp_bucket *b, uint64_t now, unsigned int rate)
{
	uint64_t cap = (uint64_t)rate * 1000;

	b->tokens += (now - b->last_ms) * rate;
	b->last_ms = now;
	if (b->tokens > cap)
		b->tokens = cap;
	if (b->tokens < 1000)
		return false;
	b->tokens -= 1000;
	return true;
}

/* A token from e's bucket, else the refusal counted in *count and logged as KEY's. */
static bool rate_ok(struct l2tp_admit *a, struct l2tp_admit_entry *e, unsigned int rate,
		    uint64_t *count, const char *key)
{
	if (l2tp_bucket_take(&e->bucket, evloop_now(a->lns->loop), rate))
		return true;
	(*count)++;
	entry_log(a, e, "SCCRQs over %s (%u/s), dropped", key, rate);
	return false;
}

bool l2tp_admit_sccrq_rate(struct l2tp_admit *a, const struct l2tp_peer *peer)
{
	const struct l2tp_config *cfg = a->lns->cfg;
	struct l2tp_admit_entry *sa, *src;

	/* narrowest first: a refusal here costs the wider buckets nothing */
	if (peer->mark) {
		sa = entry_get(a, ADMIT_SA, peer, cfg->sccrq_rate_per_sa);
		if (!sa || !rate_ok(a, sa, cfg->sccrq_rate_per_sa,
				    &a->stats.sccrq_sa_rate_limited, "sccrq-rate-per-sa"))
			return false;
	}
	src = entry_get(a, ADMIT_SRC, peer, cfg->sccrq_rate_per_source);
	return src && rate_ok(a, src, cfg->sccrq_rate_per_source,
			      &a->stats.sccrq_source_rate_limited, "sccrq-rate-per-source");
}

/*
 * The oldest half-open tunnel whose peer never acknowledged our SCCRP and
 * that came without an SA: what a spoofed source leaves behind. Only the
 * half-open SA-less tunnels are looked at (lns->ho_head, oldest first), at
 * most max-half-open of them, never the established ones.
 */
static struct l2tp_tunnel *displaceable(struct l2tp_lns *lns)
{
	for (struct l2tp_tunnel *t = lns->ho_head; t; t = t->ho_next) {
		lns->id_probes++;
		if (t->state == TUNNEL_WAIT_CTL_CONN && !l2tp_ctrl_idle(&t->ctrl))
			return t;
	}
	return NULL;
}

static void ho_add(struct l2tp_lns *lns, struct l2tp_tunnel *t)
{
	t->on_ho = true;
	t->ho_next = NULL;
	t->ho_prev = lns->ho_tail;
	if (lns->ho_tail)
		lns->ho_tail->ho_next = t;
	else
		lns->ho_head = t;
	lns->ho_tail = t;
}

static void ho_remove(struct l2tp_lns *lns, struct l2tp_tunnel *t)
{
	if (!t->on_ho)
		return;
	t->on_ho = false;
	if (t->ho_prev)
		t->ho_prev->ho_next = t->ho_next;
	else
		lns->ho_head = t->ho_next;
	if (t->ho_next)
		t->ho_next->ho_prev = t->ho_prev;
	else
		lns->ho_tail = t->ho_prev;
	t->ho_prev = t->ho_next = NULL;
}

/* Ends a half-open tunnel that never heard from its peer: no StopCCN, freed soon. */
static void drop_unheard(struct l2tp_tunnel *t, const char *why)
{
	t->close_quiet = true;
	l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, 0, why);
	ev_timer_arm(t->lns->loop, &t->free_timer, 0);
}

/* n of limit taken: the refusal counted in *count and logged as KEY's. */
static bool at_limit(struct l2tp_admit *a, struct l2tp_admit_entry *e, unsigned int n,
		     unsigned int limit, uint64_t *count, const char *key)
{
	if (n < limit)
		return false;
	(*count)++;
	entry_log(a, e, "tunnel refused: %s (%u) reached", key, limit);
	return true;
}

bool l2tp_admit_tunnel_ok(struct l2tp_admit *a, const struct l2tp_peer *peer)
{
	const struct l2tp_config *cfg = a->lns->cfg;
	struct l2tp_lns *lns = a->lns;
	struct l2tp_admit_entry *sa, *src;
	struct l2tp_tunnel *victim;

	if (peer->mark) {
		sa = entry_get(a, ADMIT_SA, peer, cfg->sccrq_rate_per_sa);
		if (!sa || at_limit(a, sa, sa->tunnels, cfg->max_tunnels_per_sa,
				    &a->stats.tunnels_sa_limit, "max-tunnels-per-sa") ||
		    at_limit(a, sa, sa->half_open, cfg->max_half_open_per_sa,
			     &a->stats.half_open_sa_limit, "max-half-open-per-sa"))
			return false;
	}
	src = entry_get(a, ADMIT_SRC, peer, cfg->sccrq_rate_per_source);
	if (!src || at_limit(a, src, src->half_open, cfg->max_half_open_per_source,
			     &a->stats.half_open_source_limit, "max-half-open-per-source"))
		return false;
	if (lns->n_half_open >= cfg->max_half_open && (victim = displaceable(lns))) {
		a->stats.half_open_displaced++;
		drop_unheard(victim, "displaced: max-half-open reached, peer never answered");
	}
	return true;
}

void l2tp_admit_tunnel_new(struct l2tp_tunnel *t)
{
	struct l2tp_admit *a = t->lns->admit;
	const struct l2tp_config *cfg = t->lns->cfg;

	if (t->adm_half_open)
		return;
	t->adm_half_open = true;
	t->adm_counted = true;
	t->lns->n_half_open++;
	if (!t->peer.mark)
		ho_add(t->lns, t);
	/*
	 * Present unless the table was full or memory out: then only the LNS
	 * counts. Each is pinned at once, so the next lookup cannot recycle it.
	 */
	if (t->peer.mark)
		t->adm_sa = entry_get(a, ADMIT_SA, &t->peer, cfg->sccrq_rate_per_sa);
	if (t->adm_sa) {
		entry_pin(a, t->adm_sa);
		t->adm_sa->half_open++;
		t->adm_sa->tunnels++;
	}
	t->adm_src = entry_get(a, ADMIT_SRC, &t->peer, cfg->sccrq_rate_per_source);
	if (t->adm_src) {
		entry_pin(a, t->adm_src);
		t->adm_src->half_open++;
	}
}

void l2tp_admit_tunnel_up(struct l2tp_tunnel *t)
{
	if (!t->adm_half_open)
		return;
	t->adm_half_open = false;
	t->lns->n_half_open--;
	ho_remove(t->lns, t);
	if (t->adm_sa)
		t->adm_sa->half_open--;
	if (t->adm_src)
		t->adm_src->half_open--;
}

void l2tp_admit_tunnel_closing(struct l2tp_tunnel *t)
{
	l2tp_admit_tunnel_up(t);
	if (!t->adm_counted)
		return;
	t->adm_counted = false;
	if (t->adm_sa)
		t->adm_sa->tunnels--;
}

void l2tp_admit_tunnel_release(struct l2tp_tunnel *t)
{
	struct l2tp_admit *a = t->lns->admit;

	l2tp_admit_tunnel_closing(t);
	if (t->adm_sa)
		entry_unpin(a, t->adm_sa);
	if (t->adm_src)
		entry_unpin(a, t->adm_src);
	t->adm_sa = t->adm_src = NULL;
}

/* Counts in *count; logs under the tunnel's SA, else its source. */
static void tunnel_log(struct l2tp_tunnel *t, uint64_t *count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tunnel_log(struct l2tp_tunnel *t, uint64_t *count, const char *fmt, ...)
{
	struct l2tp_admit_entry *e = t->adm_sa ? t->adm_sa : t->adm_src;
	va_list ap;

	(*count)++;
	if (!e)
		return;
	va_start(ap, fmt);
	entry_vlog(t->lns->admit, e, fmt, ap);
	va_end(ap);
}

void l2tp_admit_session_refused(struct l2tp_tunnel *t)
{
	tunnel_log(t, &t->lns->admit->stats.sessions_tunnel_limit,
		   "tunnel %u: call refused: max-sessions-per-tunnel (%u) reached", t->tid,
		   t->lns->cfg->max_sessions_per_tunnel);
}

void l2tp_admit_tunnel_timeout(struct l2tp_tunnel *t)
{
	bool heard = l2tp_ctrl_idle(&t->ctrl);

	tunnel_log(t, &t->lns->admit->stats.tunnel_setup_timeouts,
		   "tunnel %u: no SCCCN within setup-timeout (%ums)%s", t->tid,
		   t->lns->cfg->setup_timeout_ms, heard ? "" : ", SCCRP never acknowledged");
	t->close_quiet = true;
	if (!heard)
		drop_unheard(t, "no SCCCN in time, SCCRP never acknowledged");
	else
		l2tp_tunnel_close(t, true, STOPCCN_GENERAL_ERROR, 0, "no SCCCN in time");
}

void l2tp_admit_session_timeout(struct l2tp_tunnel *t, uint16_t sid)
{
	tunnel_log(t, &t->lns->admit->stats.session_setup_timeouts,
		   "session %u/%u: no ICCN within session-setup-timeout (%ums)", t->tid, sid,
		   t->lns->cfg->session_setup_timeout_ms);
}
