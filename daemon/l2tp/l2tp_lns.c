// SPDX-License-Identifier: GPL-2.0
/* The LNS instance: datagram dispatch, SCCRQ admission, ID allocation. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_lns.h"
#include "l2tp/l2tp_secret.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_stale.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/util.h"

#define ID_SPACE 65536
#define ID_PROBES 32		/* random tunnel IDs tried before the scan */
#define SID_PROBES 64		/* random session IDs tried in a tunnel */

static void reap(struct l2tp_lns *lns)
{
	while (lns->dead) {
		struct l2tp_session *s = lns->dead;

		lns->dead = s->next;
		free(s);
	}
}

static void reap_cb(struct ev_timer *timer)
{
	reap(container_of(timer, struct l2tp_lns, reap_timer));
}

void l2tp_lns_defer_free(struct l2tp_lns *lns, struct l2tp_session *s)
{
	s->next = lns->dead;
	lns->dead = s;
	/* only when memory is out can this fail; the next close or lns_free frees it */
	if (!ev_timer_armed(&lns->reap_timer))
		ev_timer_arm(lns->loop, &lns->reap_timer, 0);
}

struct l2tp_lns *l2tp_lns_new(struct evloop *loop, const struct l2tp_config *cfg,
			      const struct l2tp_lns_ops *ops, void *env)
{
	struct l2tp_lns *lns = calloc(1, sizeof(*lns));

	if (!lns)
		return NULL;
	lns->ops = ops;
	lns->env = env;
	if (htab_init(&lns->by_tid, 64, ops->random(env)) ||
	    htab_init(&lns->by_id, 64, ops->random(env)) ||
	    htab_init(&lns->sessions, 64, ops->random(env)) ||
	    htab_init(&lns->peer_sessions, 64, ops->random(env)) ||
	    htab_init(&lns->by_peer, 64, ops->random(env)) ||
	    htab_init(&lns->by_mark, 64, ops->random(env))) {
		l2tp_lns_free(lns);
		return NULL;
	}
	lns->loop = loop;
	lns->state_fd = -1;
	ev_timer_init(&lns->reap_timer, reap_cb);
	ev_timer_init(&lns->stale_timer, l2tp_stale_ttl_cb);
	ev_timer_init(&lns->stale_sweep, l2tp_stale_sweep_cb);
	l2tp_lns_set_config(lns, cfg);
	lns->admit = l2tp_admit_new(lns, ops->random(env));
	if (!lns->admit) {
		l2tp_lns_free(lns);
		return NULL;
	}
	l2tp_bucket_fill(&lns->sccrq_bucket, evloop_now(loop), cfg->sccrq_rate);
	logrl_init(&lns->rl.rate, LOGRL_BURST, LOGRL_INTERVAL_MS);
	logrl_init(&lns->rl.bad, LOGRL_BURST, LOGRL_INTERVAL_MS);
	logrl_init(&lns->rl.refused, LOGRL_BURST, LOGRL_INTERVAL_MS);
	logrl_init(&lns->rl.no_secret, LOGRL_BURST, LOGRL_INTERVAL_MS);
	logrl_init(&lns->rl.wrong_peer, LOGRL_BURST, LOGRL_INTERVAL_MS);
	return lns;
}

void l2tp_lns_free(struct l2tp_lns *lns)
{
	if (!lns)
		return;
	while (lns->tunnel_list)
		l2tp_tunnel_destroy(lns->tunnel_list);
	/* a walk still registered (its owner should have stopped it) ends here */
	while (lns->cursors) {
		struct l2tp_lns_cursor *c = lns->cursors;

		lns->cursors = c->link;
		memset(c, 0, sizeof(*c));
	}
	if (lns->loop)
		ev_timer_cancel(lns->loop, &lns->reap_timer);
	reap(lns);
	l2tp_stale_close(lns);
	l2tp_admit_free(lns->admit);
	l2tp_secret_put(lns->secret);
	htab_free(&lns->by_tid);
	htab_free(&lns->by_id);
	htab_free(&lns->sessions);
	htab_free(&lns->peer_sessions);
	htab_free(&lns->by_peer);
	htab_free(&lns->by_mark);
	free(lns);
}

void l2tp_config_init(struct l2tp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->hostname, "l2sec");
	cfg->require_ipsec = true;
	cfg->hello_interval_ms = 60000;
	cfg->rexmit_initial_ms = 1000;
	cfg->rexmit_max_ms = 8000;
	cfg->rexmit_retries = 5;
	cfg->ack_delay_ms = 250;
	cfg->receive_window = 8;
	cfg->max_tunnels = 1000;
	cfg->max_sessions = 10000;
	cfg->max_sessions_per_tunnel = 16;
	cfg->max_half_open = 64;
	cfg->sccrq_rate = 100;
	/* admission per peer: generous per address (NAT), strict per SA */
	cfg->sccrq_rate_per_source = 20;
	cfg->sccrq_rate_per_sa = 2;
	cfg->max_half_open_per_source = 32;
	cfg->max_half_open_per_sa = 2;
	cfg->max_tunnels_per_sa = 4;
	cfg->setup_timeout_ms = 10000;
	cfg->session_setup_timeout_ms = 10000;
	cfg->peer_table_size = 4096;
}

void l2tp_lns_set_config(struct l2tp_lns *lns, const struct l2tp_config *cfg)
{
	lns->cfg = cfg;
	l2tp_secret_put(lns->secret);
	lns->secret = NULL;
}

int l2tp_lns_secret(struct l2tp_lns *lns, struct l2tp_secret **out)
{
	const char *cur = lns->cfg->secret;

	/* *cfg may have changed in place since (tests; a reload before set_config) */
	if (lns->secret && strcmp(lns->secret->s, cur)) {
		l2tp_secret_put(lns->secret);
		lns->secret = NULL;
	}
	if (!lns->secret && cur[0]) {
		lns->secret = l2tp_secret_new(cur);
		if (!lns->secret) {
			*out = NULL;
			return -1;
		}
	}
	*out = l2tp_secret_get(lns->secret);
	return 0;
}

/* --- tunnels by origin and ID ------------------------------------------------------- */

/*
 * What a tunnel's ID is unique for, as l2sec.ko keys it: the SA (its mark)
 * for a require-IPsec tunnel with one, else the peer's address and port.
 * Hashed and compared as bytes: unused fields zero.
 */
struct origin_key {
	uint8_t addr[16];
	uint32_t mark;
	uint16_t family, port, tid, by_mark;
};

static void origin_key(const struct l2tp_peer *peer, bool by_mark, uint16_t tid,
		       struct origin_key *k)
{
	memset(k, 0, sizeof(*k));
	k->tid = tid;
	if (by_mark) {
		k->by_mark = 1;
		k->mark = peer->mark;
		return;
	}
	k->family = sa46_key(&peer->addr, k->addr, &k->port);
}

static void tunnel_origin(const struct l2tp_tunnel *t, struct origin_key *k)
{
	origin_key(&t->peer, t->require_ipsec && t->peer.mark, t->tid, k);
}

static struct l2tp_tunnel *find_origin(const struct l2tp_lns *lns, const struct origin_key *k)
{
	const struct htab *h = &lns->by_tid;
	struct origin_key tk;
	struct htab_node *x;

	for (x = htab_first(h, htab_hash(h, k, sizeof(*k))); x; x = htab_next(x)) {
		struct l2tp_tunnel *t = container_of(x, struct l2tp_tunnel, tid_node);

		tunnel_origin(t, &tk);
		if (!memcmp(&tk, k, sizeof(tk)))
			return t;
	}
	return NULL;
}

struct l2tp_tunnel *l2tp_lns_tunnel_of(const struct l2tp_lns *lns, const struct l2tp_peer *peer,
				       uint16_t tid)
{
	struct origin_key k;
	struct l2tp_tunnel *t;

	if (peer->mark) {
		origin_key(peer, true, tid, &k);
		t = find_origin(lns, &k);
		if (t)
			return t;
	}
	origin_key(peer, false, tid, &k);
	return find_origin(lns, &k);
}

struct l2tp_tunnel *l2tp_lns_tunnel_by_id(const struct l2tp_lns *lns, uint16_t tid,
					  bool *ambiguous)
{
	const struct htab *h = &lns->by_id;
	struct l2tp_tunnel *found = NULL;
	struct htab_node *x;

	if (ambiguous)
		*ambiguous = false;
	for (x = htab_first(h, htab_hash64(h, tid)); x; x = htab_next(x)) {
		struct l2tp_tunnel *t = container_of(x, struct l2tp_tunnel, id_node);

		if (t->tid != tid)
			continue;
		if (found) {
			if (ambiguous)
				*ambiguous = true;
			return NULL;
		}
		found = t;
	}
	return found;
}

struct l2tp_tunnel *l2tp_lns_tunnel_by_handle(const struct l2tp_lns *lns, uint16_t tid,
					      uint32_t handle)
{
	const struct htab *h = &lns->by_id;

	/* the chain of one ID: the tunnels of that ID (a few origins), no walk of all */
	for (struct htab_node *x = htab_first(h, htab_hash64(h, tid)); x; x = htab_next(x)) {
		struct l2tp_tunnel *t = container_of(x, struct l2tp_tunnel, id_node);

		if (t->tid == tid && t->dp_handle == handle)
			return t;
	}
	return NULL;
}

/* Does any tunnel hold ID tid? */
static bool l2tp_lns_tunnel_by_id_any(const struct l2tp_lns *lns, uint16_t tid)
{
	const struct htab *h = &lns->by_id;

	for (struct htab_node *x = htab_first(h, htab_hash64(h, tid)); x; x = htab_next(x))
		if (container_of(x, struct l2tp_tunnel, id_node)->tid == tid)
			return true;
	return false;
}

struct l2tp_tunnel *l2tp_lns_tunnel(const struct l2tp_lns *lns, uint16_t tid)
{
	return l2tp_lns_tunnel_by_id(lns, tid, NULL);
}

/* Sessions by (tunnel, ID): a tunnel's address tells tunnels of one ID apart. */
static uint64_t sess_key(const struct l2tp_tunnel *t, uint16_t sid)
{
	return (uint64_t)(uintptr_t)t ^ (uint64_t)sid << 48;
}

/* Session id of tunnel t by our ID (peer false) or the peer's (peer true). */
static struct l2tp_session *sess_find(const struct l2tp_lns *lns, bool peer,
				      const struct l2tp_tunnel *t, uint16_t id)
{
	const struct htab *h = peer ? &lns->peer_sessions : &lns->sessions;
	struct htab_node *x;

	for (x = htab_first(h, htab_hash64(h, sess_key(t, id))); x; x = htab_next(x)) {
		struct l2tp_session *s = peer ? container_of(x, struct l2tp_session, peer_node) :
						container_of(x, struct l2tp_session, id_node);

		if ((peer ? s->peer_sid : s->sid) == id && s->tunnel == t)
			return s;
	}
	return NULL;
}

struct l2tp_session *l2tp_tunnel_session(const struct l2tp_tunnel *t, uint16_t sid)
{
	return sess_find(t->lns, false, t, sid);
}

struct l2tp_session *l2tp_lns_session(const struct l2tp_lns *lns, uint16_t tid, uint16_t sid)
{
	const struct l2tp_tunnel *t = l2tp_lns_tunnel(lns, tid);

	return t ? sess_find(lns, false, t, sid) : NULL;
}

struct l2tp_session *l2tp_lns_session_by_peer(const struct l2tp_tunnel *t, uint16_t peer_sid)
{
	return sess_find(t->lns, true, t, peer_sid);
}

void l2tp_lns_link_session(struct l2tp_tunnel *t, struct l2tp_session *s)
{
	struct l2tp_lns *lns = t->lns;

	s->tunnel = t;
	s->prev = NULL;
	s->next = t->sessions;
	if (s->next)
		s->next->prev = s;
	t->sessions = s;
	t->n_sessions++;
	lns->n_sessions++;
	htab_add(&lns->sessions, &s->id_node, htab_hash64(&lns->sessions, sess_key(t, s->sid)));
	htab_add(&lns->peer_sessions, &s->peer_node,
		 htab_hash64(&lns->peer_sessions, sess_key(t, s->peer_sid)));
}

void l2tp_lns_unlink_session(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_lns *lns = t->lns;

	for (struct l2tp_lns_cursor *c = lns->cursors; c; c = c->link)
		if (c->sess == s)
			c->sess = s->next;
	if (s->prev)
		s->prev->next = s->next;
	else
		t->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	htab_del(&lns->sessions, &s->id_node);
	htab_del(&lns->peer_sessions, &s->peer_node);
	t->n_sessions--;
	lns->n_sessions--;
}

/* --- tunnels: the list, the ID table and the indexes ------------------------------- */

/* What find_by_peer matches (l2tp_peer_match and the peer's tunnel ID), as hashed bytes. */
struct peer_key {
	uint8_t addr[16];
	uint32_t mark;
	int32_t sock;
	uint16_t family, port, peer_tid;
};

static uint64_t peer_hash(const struct htab *h, const struct l2tp_peer *peer, uint16_t peer_tid)
{
	struct peer_key k;

	memset(&k, 0, sizeof(k));
	k.family = sa46_key(&peer->addr, k.addr, &k.port);
	k.mark = peer->mark;
	k.sock = peer->sock;
	k.peer_tid = peer_tid;
	return htab_hash(h, &k, sizeof(k));
}

void l2tp_lns_link_tunnel(struct l2tp_lns *lns, struct l2tp_tunnel *t)
{
	struct origin_key k;

	t->prev = NULL;
	t->next = lns->tunnel_list;
	if (t->next)
		t->next->prev = t;
	lns->tunnel_list = t;
	tunnel_origin(t, &k);
	htab_add(&lns->by_tid, &t->tid_node, htab_hash(&lns->by_tid, &k, sizeof(k)));
	htab_add(&lns->by_id, &t->id_node, htab_hash64(&lns->by_id, t->tid));
	lns->n_tunnels++;
	htab_add(&lns->by_peer, &t->peer_node, peer_hash(&lns->by_peer, &t->peer, t->peer_tid));
	if (t->peer.mark)
		htab_add(&lns->by_mark, &t->mark_node, htab_hash64(&lns->by_mark, t->peer.mark));
	t->indexed = true;
}

/* Out of the peer and mark indexes: closing, a closing tunnel matches neither. */
void l2tp_lns_unindex_tunnel(struct l2tp_tunnel *t)
{
	struct l2tp_lns *lns = t->lns;

	if (!t->indexed)
		return;
	t->indexed = false;
	htab_del(&lns->by_peer, &t->peer_node);
	if (t->peer.mark)
		htab_del(&lns->by_mark, &t->mark_node);
}

void l2tp_lns_unlink_tunnel(struct l2tp_tunnel *t)
{
	struct l2tp_lns *lns = t->lns;

	l2tp_lns_unindex_tunnel(t);
	if (t->prev)
		t->prev->next = t->next;
	else
		lns->tunnel_list = t->next;
	if (t->next)
		t->next->prev = t->prev;
	for (struct l2tp_lns_cursor *c = lns->cursors; c; c = c->link) {
		if (c->next == t)
			c->next = t->next;
		if (c->sess && c->sess->tunnel == t)
			c->sess = NULL;
	}
	htab_del(&lns->by_tid, &t->tid_node);
	htab_del(&lns->by_id, &t->id_node);
	lns->n_tunnels--;
}

/* A live tunnel of SA mark, or NULL. */
static struct l2tp_tunnel *find_by_mark(const struct l2tp_lns *lns, uint32_t mark)
{
	const struct htab *h = &lns->by_mark;
	struct htab_node *x;

	for (x = htab_first(h, htab_hash64(h, mark)); x; x = htab_next(x)) {
		struct l2tp_tunnel *t = container_of(x, struct l2tp_tunnel, mark_node);

		if (t->peer.mark == mark && t->state != TUNNEL_CLOSING)
			return t;
	}
	return NULL;
}

struct l2tp_tunnel *l2tp_lns_first_tunnel(const struct l2tp_lns *lns)
{
	return lns->tunnel_list;
}

struct l2tp_tunnel *l2tp_lns_next_tunnel(const struct l2tp_tunnel *t)
{
	return t->next;
}

void l2tp_lns_cursor_start(struct l2tp_lns *lns, struct l2tp_lns_cursor *c)
{
	c->lns = lns;
	c->next = lns->tunnel_list;
	c->link = lns->cursors;
	lns->cursors = c;
}

struct l2tp_tunnel *l2tp_lns_cursor_next(struct l2tp_lns_cursor *c)
{
	struct l2tp_tunnel *t = c->next;

	if (t)
		c->next = t->next;
	return t;
}

struct l2tp_session *l2tp_lns_cursor_next_session(struct l2tp_lns_cursor *c)
{
	struct l2tp_session *s;
	struct l2tp_tunnel *t;

	while (!c->sess) {
		t = l2tp_lns_cursor_next(c);
		if (!t)
			return NULL;
		c->sess = t->sessions;
	}
	s = c->sess;
	c->sess = s->next;
	return s;
}

void l2tp_lns_cursor_stop(struct l2tp_lns_cursor *c)
{
	struct l2tp_lns_cursor **pp;

	if (!c->lns)
		return;
	for (pp = &c->lns->cursors; *pp; pp = &(*pp)->link) {
		if (*pp == c) {
			*pp = c->link;
			break;
		}
	}
	memset(c, 0, sizeof(*c));
}

unsigned int l2tp_lns_close_mark(struct l2tp_lns *lns, uint32_t mark, bool send, uint16_t result,
				 const char *text, l2tp_tunnel_fn *fn, void *ctx)
{
	struct l2tp_tunnel *t;
	unsigned int n = 0;

	if (!mark)
		return 0;
	/* closing takes t out of by_mark: each round finds the next one */
	while ((t = find_by_mark(lns, mark))) {
		if (fn)
			fn(ctx, t);
		t->lost = L2TP_LOST_SA;	/* its only callers: an SA left the table */
		l2tp_tunnel_close(t, send, result, 0, text);
		n++;
	}
	return n;
}

void l2tp_lns_counts(const struct l2tp_lns *lns, struct l2tp_lns_counts *c)
{
	c->tunnels = lns->n_tunnels;
	c->half_open = lns->n_half_open;
	c->sessions = lns->n_sessions;
}

void l2tp_lns_set_session_ops(struct l2tp_lns *lns, const struct l2tp_session_ops *sops,
			      void *arg)
{
	lns->sops = sops;
	lns->sops_arg = arg;
}

const char *l2tp_peer_str(const struct l2tp_peer *peer, char *buf, size_t len)
{
	sa46_str(&peer->addr, buf, len);
	if (peer->mark) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " mark %#x", peer->mark);
	}
	return buf;
}

int l2tp_lns_send(struct l2tp_lns *lns, const struct l2tp_peer *peer,
		  const struct l2tp_tunnel *t, uint16_t sid, const uint8_t *buf, size_t len)
{
	if (lns->ops->send(lns->env, peer, t, sid, buf, len) < 0) {
		lns->stats.tx_errors++;
		return -1;
	}
	return 0;
}

/*
 * ID @id is free for origin @k: unused there, and not a previous run's
 * (whose peer's messages must not reach a new tunnel).
 */
static bool tid_free(struct l2tp_lns *lns, struct origin_key *k, uint16_t id)
{
	lns->id_probes++;
	k->tid = id;
	return id && !find_origin(lns, k) && !l2tp_stale_id(lns, id);
}

uint16_t l2tp_lns_alloc_tid(struct l2tp_lns *lns, const struct l2tp_peer *peer,
			    bool require_ipsec)
{
	struct origin_key k;
	unsigned int start;
	uint16_t id;

	/*
	 * An ID no tunnel holds first, while the space has them: the control
	 * socket, logs and the privileged parent's checks name tunnels by ID.
	 */
	for (int i = 0; i < ID_PROBES; i++) {
		id = (uint16_t)lns->ops->random(lns->env);
		lns->id_probes++;
		if (id && !l2tp_lns_tunnel_by_id_any(lns, id) && !l2tp_stale_id(lns, id))
			return id;
	}
	origin_key(peer, require_ipsec && peer->mark, 0, &k);
	for (int i = 0; i < ID_PROBES; i++) {
		id = (uint16_t)lns->ops->random(lns->env);
		if (tid_free(lns, &k, id))
			return id;
	}
	/* crowded: the first ID free for the origin from a random one (only it sees them) */
	start = lns->ops->random(lns->env) % ID_SPACE;
	for (unsigned int i = 0; i < ID_SPACE; i++) {
		id = (uint16_t)((start + i) % ID_SPACE);
		if (tid_free(lns, &k, id))
			return id;
	}
	return 0;
}

uint16_t l2tp_tunnel_alloc_sid(struct l2tp_tunnel *t)
{
	struct l2tp_lns *lns = t->lns;
	uint16_t id;

	/*
	 * IDs are the tunnel's own (RFC 2661): a tunnel holds at most
	 * max-sessions-per-tunnel of 65,535, so random probes find a free one at
	 * once unless it holds most of them; the bound keeps a crowded tunnel's
	 * ICRQ from costing more than SID_PROBES lookups.
	 */
	for (int i = 0; i < SID_PROBES; i++) {
		id = (uint16_t)lns->ops->random(lns->env);
		lns->id_probes++;
		if (id && !sess_find(lns, false, t, id))
			return id;
	}
	return 0;
}

/* The datagram came from the tunnel's peer through the tunnel's SA. */
bool l2tp_peer_match(const struct l2tp_peer *a, const struct l2tp_peer *b)
{
	return a->mark == b->mark && a->sock == b->sock && sa46_same(&a->addr, &b->addr);
}

/*
 * The live tunnel an SCCRQ retransmission belongs to. A closing one never
 * matches: a client that redials with the same address, port, SA and
 * Assigned Tunnel ID while the old tunnel lingers starts a new tunnel.
 */
static struct l2tp_tunnel *find_by_peer(struct l2tp_lns *lns, const struct l2tp_peer *peer,
					uint16_t peer_tid)
{
	const struct htab *h = &lns->by_peer;
	struct htab_node *x;

	for (x = htab_first(h, peer_hash(h, peer, peer_tid)); x; x = htab_next(x)) {
		struct l2tp_tunnel *t = container_of(x, struct l2tp_tunnel, peer_node);

		if (t->peer_tid == peer_tid && t->state != TUNNEL_CLOSING && !t->close_pending &&
		    l2tp_peer_match(&t->peer, peer))
			return t;
	}
	return NULL;
}

static void sccrq_input(struct l2tp_lns *lns, uint8_t *buf, const struct l2tp_hdr *h,
			const struct l2tp_peer *peer)
{
	struct l2tp_msg msg;
	enum l2tp_decode_err err;
	struct l2tp_tunnel *t;
	uint16_t peer_tid;
	char ps[80];

	if (h->msg_len == h->hdr_len || h->ns != 0) {
		lns->stats.rx_malformed++;
		log_debug("l2tp: %s: tunnel ID 0 on a message that is not an SCCRQ (Ns %u)",
			  l2tp_peer_str(peer, ps, sizeof(ps)), h->ns);
		return;
	}
	/* cheap refusals first: a flood costs token checks per datagram, per peer first */
	if (!l2tp_admit_sccrq_rate(lns->admit, peer))
		return;
	if (!l2tp_bucket_take(&lns->sccrq_bucket, evloop_now(lns->loop), lns->cfg->sccrq_rate)) {
		lns->stats.sccrq_rate_limited++;
		log_rl_warn(&lns->rl.rate,
			    "l2tp: SCCRQ rate limit (%u/s) reached; %llu refused so far",
			    lns->cfg->sccrq_rate,
			    (unsigned long long)lns->stats.sccrq_rate_limited);
		return;
	}
	err = l2tp_avp_decode(buf + h->hdr_len, h->msg_len - h->hdr_len, lns->cfg->secret, &msg);
	peer_tid = l2tp_msg_has(&msg, AVP_ASSIGNED_TUNNEL_ID) ?
		l2tp_msg_u16(&msg, AVP_ASSIGNED_TUNNEL_ID) : 0;
	if (err == L2TP_DEC_OK && msg.type != L2TP_SCCRQ) {
		lns->stats.rx_wrong_state++;
		log_rl_info(&lns->rl.bad, "l2tp: %s: %s without a tunnel, dropped",
			    l2tp_peer_str(peer, ps, sizeof(ps)), l2tp_msg_name(msg.type));
		return;
	}
	if (err != L2TP_DEC_OK) {
		lns->stats.rx_malformed++;
		log_rl_info(&lns->rl.bad, "l2tp: %s: bad SCCRQ: %s (%s AVP %u)",
			    l2tp_peer_str(peer, ps, sizeof(ps)), l2tp_decode_strerror(err),
			    l2tp_avp_name(msg.bad_type), msg.bad_type);
		if (!peer_tid || err == L2TP_DEC_IGNORE)
			return;
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_GENERAL_ERROR,
			err == L2TP_DEC_UNKNOWN_MANDATORY ? L2TP_ERR_UNKNOWN_M_AVP :
			err == L2TP_DEC_LENGTH ? L2TP_ERR_LENGTH : L2TP_ERR_VALUE,
			l2tp_decode_strerror(err));
		return;
	}
	if (!peer_tid) {
		lns->stats.rx_malformed++;
		log_rl_info(&lns->rl.bad, "l2tp: %s: SCCRQ with Assigned Tunnel ID 0, dropped",
			    l2tp_peer_str(peer, ps, sizeof(ps)));
		return;
	}
	t = find_by_peer(lns, peer, peer_tid);
	if (t) {
		/* a retransmitted SCCRQ: the channel re-acknowledges it */
		l2tp_ctrl_input(&t->ctrl, buf, h->msg_len, h);
		return;
	}
	if (l2tp_msg_u16(&msg, AVP_PROTOCOL_VERSION) != 0x0100) {
		lns->stats.sccrq_refused++;
		log_rl_info(&lns->rl.refused, "l2tp: %s: protocol version %#x not supported",
			    l2tp_peer_str(peer, ps, sizeof(ps)),
			    l2tp_msg_u16(&msg, AVP_PROTOCOL_VERSION));
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_BAD_VERSION, 0x0100,
					    "version 1.0 only");
		return;
	}
	if (lns->shutting_down) {
		lns->stats.sccrq_refused++;
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_SHUTDOWN, 0,
					    "shutting down");
		return;
	}
	if (!l2tp_admit_tunnel_ok(lns->admit, peer)) {
		lns->stats.sccrq_refused++;
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_GENERAL_ERROR,
					    L2TP_ERR_RESOURCES, "too many tunnels from this peer");
		return;
	}
	if (lns->n_tunnels >= lns->cfg->max_tunnels || lns->n_half_open >= lns->cfg->max_half_open) {
		lns->stats.sccrq_refused++;
		/* every SCCRQ while full (up to sccrq-rate a second): limited, counted */
		log_rl_warn(&lns->rl.refused,
			    "l2tp: %s: tunnel refused: %s reached (%u tunnels, %u half-open)",
			    l2tp_peer_str(peer, ps, sizeof(ps)),
			    lns->n_tunnels >= lns->cfg->max_tunnels ? "max-tunnels" :
								      "max-half-open",
			    lns->n_tunnels, lns->n_half_open);
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_GENERAL_ERROR,
					    L2TP_ERR_RESOURCES, "too many tunnels");
		return;
	}
	if (l2tp_msg_has(&msg, AVP_CHALLENGE) && !lns->cfg->secret[0]) {
		lns->stats.sccrq_refused++;
		log_rl_notice(&lns->rl.no_secret,
			      "l2tp: %s: peer asks for tunnel authentication, no secret configured",
			      l2tp_peer_str(peer, ps, sizeof(ps)));
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_NOT_AUTHORIZED, 0,
					    "no tunnel secret configured");
		return;
	}
	if (!l2tp_tunnel_new(lns, peer, h, &msg)) {
		lns->stats.sccrq_refused++;
		l2tp_send_stateless_stopccn(lns, peer, peer_tid, 1, STOPCCN_GENERAL_ERROR,
					    L2TP_ERR_RESOURCES, "out of resources");
	}
}

void l2tp_lns_input(struct l2tp_lns *lns, uint8_t *buf, size_t len,
		    const struct l2tp_peer *peer)
{
	struct l2tp_hdr h;
	enum l2tp_hdr_err herr;
	struct l2tp_tunnel *t;
	char ps[80];

	lns->stats.rx_packets++;
	herr = l2tp_hdr_parse(buf, len, &h);
	if (herr != L2TP_HDR_OK) {
		lns->stats.rx_bad_header++;
		log_debug("l2tp: %s: %s, dropped", l2tp_peer_str(peer, ps, sizeof(ps)),
			  l2tp_hdr_strerror(herr));
		return;
	}
	if (!h.control) {
		if (lns->n_stale && !l2tp_lns_tunnel_of(lns, peer, h.tunnel_id) &&
		    l2tp_stale_input(lns, &h, peer)) {
			lns->stats.rx_data++;
			lns->stats.rx_data_dropped++;
			return;
		}
		l2tp_session_data_input(lns, buf, &h, peer);
		return;
	}
	if (h.msg_len > L2TP_MAX_MSG) {
		lns->stats.rx_malformed++;
		return;
	}
	if (h.tunnel_id == 0) {
		sccrq_input(lns, buf, &h, peer);
		return;
	}
	t = l2tp_lns_tunnel_of(lns, peer, h.tunnel_id);
	if (!t) {
		lns->stats.rx_unknown_tunnel++;
		if (lns->n_stale && l2tp_stale_input(lns, &h, peer))
			return;
		log_debug("l2tp: %s: unknown tunnel %u, dropped",
			  l2tp_peer_str(peer, ps, sizeof(ps)), h.tunnel_id);
		return;
	}
	if (!l2tp_peer_match(&t->peer, peer)) {
		lns->stats.rx_wrong_peer++;
		log_rl_info(&lns->rl.wrong_peer,
			    "l2tp: %s: message for tunnel %u from another peer or SA, dropped",
			    l2tp_peer_str(peer, ps, sizeof(ps)), h.tunnel_id);
		return;
	}
	l2tp_ctrl_input(&t->ctrl, buf, h.msg_len, &h);
}

/*
 * StopCCN to every tunnel. A tunnel still negotiating is anybody's who sent an
 * SCCRQ, spoofed ones included (up to max-half-open): their closes are counted
 * in one line, not logged one by one (200 lines a flooder caused, each a write,
 * kept a slow guest's privsep engine past its stop deadline).
 */
void l2tp_lns_shutdown(struct l2tp_lns *lns)
{
	struct l2tp_tunnel *t, *next;
	unsigned int negotiating = 0;

	lns->shutting_down = true;
	for (t = lns->tunnel_list; t; t = next) {
		next = t->next;
		if (t->state == TUNNEL_WAIT_CTL_CONN) {
			t->close_quiet = true;
			negotiating++;
		}
		l2tp_tunnel_close(t, true, STOPCCN_SHUTDOWN, 0, "LNS shutting down");
	}
	if (negotiating)
		log_notice("l2tp: StopCCN to %u tunnel(s) still negotiating", negotiating);
}

bool l2tp_lns_quiescent(const struct l2tp_lns *lns)
{
	for (const struct l2tp_tunnel *t = lns->tunnel_list; t; t = t->next)
		if (t->state != TUNNEL_CLOSING || (!t->ctrl.dead && !l2tp_ctrl_idle(&t->ctrl)))
			return false;
	return true;
}
