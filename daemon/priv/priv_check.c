// SPDX-License-Identifier: GPL-2.0
/*
 * The parent's checker (priv_check.h). Tunnels, sessions, SAs and held IPv4
 * addresses are in fixed-size chained hash tables (struct idtab) sized from
 * the configuration's limits at creation, so a request costs O(1) and the
 * engine cannot make the parent allocate; a tunnel's sessions are chained by
 * its handle, so that ending a session or a tunnel visits only its own. The
 * tunnels' and SAs' public addresses are also in a tree of both tables' capacity (route/froute.h's
 * struct froute_peers), which FROUTE_ADD asks in O(log n).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>

#include "addr/pool.h"
#include "core/memtrim.h"
#include "core/rnd.h"
#include "route/froute.h"
#include "core/util.h"
#include "ppp/mschap.h"
#include "priv/priv_acct.h"
#include "priv/priv_check.h"
#include "priv/priv_radius.h"

uint64_t priv_check_probes;

/*
 * Keys to entry indices: heads per bucket, a next index per entry, -1 ends.
 * Entries are taken from the free list, first the ones freed last, then in
 * order: those from hw on were never used, and a free entry's key, its used
 * mark and its record are zeros, so that once the sessions went their pages
 * can go back to the kernel (priv_check_release).
 */
struct idtab {
	uint32_t cap, nb, count, hw;
	int32_t *head, *next;
	uint64_t *key;
	uint8_t *used;
	int32_t free_head;
};

/* Fibonacci hashing: the tables are fixed-size, so the engine cannot make them grow. */
static uint32_t key_bucket(uint64_t key, uint32_t nb)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) % nb;
}

static uint32_t idtab_bucket(const struct idtab *t, uint64_t key)
{
	return key_bucket(key, t->nb);
}

static int idtab_init(struct idtab *t, uint32_t cap)
{
	uint32_t i;

	t->cap = cap ? cap : 1;
	t->nb = t->cap;
	t->count = 0;
	t->head = malloc(t->nb * sizeof(*t->head));
	t->next = malloc(t->cap * sizeof(*t->next));
	t->key = calloc(t->cap, sizeof(*t->key));
	t->used = calloc(t->cap, 1);
	if (!t->head || !t->next || !t->key || !t->used)
		return -1;
	for (i = 0; i < t->nb; i++)
		t->head[i] = -1;
	for (i = 0; i < t->cap; i++)
		t->next[i] = i + 1 < t->cap ? (int32_t)i + 1 : -1;
	t->free_head = 0;
	return 0;
}

static void idtab_free(struct idtab *t)
{
	free(t->head);
	free(t->next);
	free(t->key);
	free(t->used);
}

static int32_t idtab_find(const struct idtab *t, uint64_t key)
{
	int32_t i;

	for (i = t->head[idtab_bucket(t, key)]; i >= 0; i = t->next[i]) {
		priv_check_probes++;
		if (t->key[i] == key)
			return i;
	}
	return -1;
}

/* A new entry for key (not present); -1 when full. */
static int32_t idtab_add(struct idtab *t, uint64_t key)
{
	uint32_t b = idtab_bucket(t, key);
	int32_t i = t->free_head;

	if (i < 0)
		return -1;
	t->free_head = t->next[i];
	if ((uint32_t)i >= t->hw)
		t->hw = (uint32_t)i + 1;
	t->key[i] = key;
	t->used[i] = 1;
	t->next[i] = t->head[b];
	t->head[b] = i;
	t->count++;
	return i;
}

static void idtab_del(struct idtab *t, int32_t i)
{
	int32_t *pp = &t->head[idtab_bucket(t, t->key[i])];

	while (*pp != i)
		pp = &t->next[*pp];
	*pp = t->next[i];
	t->used[i] = 0;
	t->key[i] = 0;
	t->next[i] = t->free_head;
	t->free_head = i;
	t->count--;
}

/*
 * A second index over a table's entries (the tunnels by origin and ID, and by
 * ID alone): chains of entry indices by a 64-bit key, several entries per key.
 */
struct chain {
	uint32_t nb;
	int32_t *head, *next;
	uint64_t *key;
};

static int chain_init(struct chain *ch, uint32_t cap)
{
	ch->nb = cap ? cap : 1;
	ch->head = malloc(ch->nb * sizeof(*ch->head));
	ch->next = malloc(ch->nb * sizeof(*ch->next));
	ch->key = calloc(ch->nb, sizeof(*ch->key));
	if (!ch->head || !ch->next || !ch->key)
		return -1;
	for (uint32_t i = 0; i < ch->nb; i++)
		ch->head[i] = -1;
	return 0;
}

static void chain_free(struct chain *ch)
{
	free(ch->head);
	free(ch->next);
	free(ch->key);
}

static void chain_add(struct chain *ch, int32_t i, uint64_t key)
{
	uint32_t b = key_bucket(key, ch->nb);

	ch->key[i] = key;
	ch->next[i] = ch->head[b];
	ch->head[b] = i;
}

static void chain_del(struct chain *ch, int32_t i)
{
	int32_t *pp = &ch->head[key_bucket(ch->key[i], ch->nb)];

	while (*pp != i)
		pp = &ch->next[*pp];
	*pp = ch->next[i];
	ch->key[i] = 0;
	ch->next[i] = 0;
}

/* The first entry with key (after from, -1: the first), or -1. */
static int32_t chain_next(const struct chain *ch, uint64_t key, int32_t from)
{
	int32_t i = from < 0 ? ch->head[key_bucket(key, ch->nb)] : ch->next[from];

	while (i >= 0 && (priv_check_probes++, ch->key[i] != key))
		i = ch->next[i];
	return i;
}

/*
 * The pages of t's entries that hold nothing back to the kernel, and of
 * arrays indexed by them (n, each of size[k] octets per entry; recs[k] NULL:
 * none); with no entry left, they are taken from the first again.
 */
static void idtab_release(struct idtab *t, void *const *recs, const size_t *size, size_t n)
{
	uint32_t hw = t->hw;

	if (!t->count && hw) {
		for (uint32_t i = 0; i < hw; i++)
			t->next[i] = (int32_t)i + 1 < (int32_t)t->cap ? (int32_t)i + 1 : -1;
		t->free_head = 0;
		t->hw = 0;
	}
	memtrim_zero_pages(t->key, hw * sizeof(*t->key));
	memtrim_zero_pages(t->used, hw);
	for (size_t k = 0; k < n; k++)
		if (recs[k])
			memtrim_zero_pages(recs[k], hw * size[k]);
}

struct bucket {
	bool primed;		/* full at its first use */
	uint64_t last_ms;
	uint64_t milli;		/* thousandths of a token */
};

/* Whether a bucket of rate per second and burst holds a token now. */
static bool bucket_has(struct bucket *b, uint64_t now, unsigned int rate, unsigned int burst)
{
	uint64_t cap = (uint64_t)burst * 1000;

	if (!b->primed) {
		b->primed = true;
		b->milli = cap;
		b->last_ms = now;
	} else if (now > b->last_ms) {
		uint64_t add = (now - b->last_ms) * rate;

		b->milli = add >= cap || b->milli + add >= cap ? cap : b->milli + add;
		b->last_ms = now;
	}
	return b->milli >= 1000;
}

/* Take one token of a bucket of rate per second and burst; false when empty. */
static bool bucket_take(struct bucket *b, uint64_t now, unsigned int rate, unsigned int burst)
{
	if (!bucket_has(b, now, rate, burst))
		return false;
	b->milli -= 1000;
	return true;
}

struct pc_sa {
	struct priv_addr peer;
	unsigned int n_tunnels;
};

/*
 * A tunnel, by the handle the checker gave it (TUNNEL_ADD's reply). Its
 * origin is what l2sec.ko keys it by with its ID: the SA's mark for a
 * require-IPsec tunnel with one, else the peer's address and port.
 */
struct pc_tunnel {
	uint16_t tid;
	uint32_t mark;
	bool by_mark;			/* the origin is the mark, else peer and port */
	struct priv_addr peer;
	uint16_t port;
	uint32_t dp_handle;		/* the module's handle (priv_check_set_dp_handle) */
	/* as TUNNEL_ADD named them too, for the resume records (priv_check_tunnel_get) */
	uint16_t peer_tid;
	uint32_t sock_id;
	bool require_ipsec;
	unsigned int n_sessions;
	struct bucket auth;
};

struct pc_session {
	uint16_t peer_sid;		/* as SESSION_ADD named it */
	bool authed;
	bool acct_started;		/* its accounting Start kept (priv_acct.h): one a session */
	unsigned int auth_tries;
	bool chal_set;
	uint8_t chal[MSCHAP_CHALLENGE_LEN];	/* the one the next answer must be to */
	struct in_addr static4;		/* the user's, INADDR_ANY: none */
	/*
	 * The pool of its verified Access-Accept's Framed-Pool: 0 the default,
	 * i + 1 named pool i, PC_NPOOL_UNKNOWN a name not in [ppp] named-pools
	 * (no address from any pool, as a single l2secd refuses it).
	 */
	uint8_t npool;
	/* its Framed-IPv6-Prefix (want6), checked when claimed: ok6 a unicast /64 */
	bool want6, ok6;
	struct in6_addr static6;
	bool has4, has6, pool6;		/* pool6: pfx6 is the /64 pool's, else outside it */
	struct pool *from4;		/* the pool v4 came from; NULL: outside every pool */
	struct in_addr v4;
	struct in6_addr pfx6;
	uint64_t ifid;			/* SESSION_UP's: the gateway of its IPv6 routes; 0: none */
	/* its verified Accept's Framed-Routes: a list in the grants (index + 1; 0: none) */
	int32_t fr_first;
};

#define PC_NPOOL_UNKNOWN	255

/*
 * A Framed-Route a verified Access-Accept granted a session, routed (up) or
 * not yet. The grants are a fixed table (PRIV_FROUTE_GRANTS), so an engine
 * cannot make the parent allocate; an Accept's routes beyond it are not
 * granted (counted in froute_ungranted).
 */
struct pc_grant {
	bool v6;			/* a Framed-IPv6-Route: r6, else r */
	struct radius_route r;
	struct radius_route6 r6;
	bool up;			/* routed, and held in the checker's froute table */
	int32_t next;			/* the session's next (or the free list's), index + 1; 0: end */
};

struct priv_check {
	const struct users_db *users;
	bool require_ipsec;
	unsigned int max_sessions_per_tunnel, max_tunnels_per_sa, auth_tries;
	/* [l2tp] max-tunnels, max-sessions: the tables may be larger after a reload */
	unsigned int max_tunnels, max_sessions;
	struct {
		uint32_t id;
		uint8_t family;
	} socks[PRIV_MAX_SOCKS];
	unsigned int n_socks;
	struct pool *pool;
	struct named_pools *np;		/* [ppp] named-pools; NULL: none */
	struct pool6 *pool6;		/* NULL without [ppp] ipv6 */
	struct in6_addr prefix6;	/* [ppp] ipv6-prefix, the pool6's */
	unsigned int prefix6_len;
	/* addresses held, v4 and (by its first 64 bits) each /64 outside the pool6 */
	struct idtab sa, tun, sess, addr4, addr6;
	struct chain by_origin;		/* over tun's entries */
	struct chain by_sa;		/* over tun's entries with a mark, by it */
	struct chain by_tunnel;		/* over sess's entries, by their tunnel's handle */
	uint32_t last_handle;		/* handles are given out cyclically, never 0 */
	struct pc_sa *sa_rec;
	struct pc_tunnel *tun_rec;
	struct pc_session *sess_rec;
	/* the rates in all: one member, so that a reload carries every bucket */
	struct {
		struct bucket auth, auth_fail, query, send, radius, dae, counters, acct_keep;
		struct bucket froute;
	} rate;
	struct priv_radius *radius;
	struct priv_acct *acct;		/* borrowed; NULL: ACCT_KEEP refused */
	bool framed_ip_any;		/* [radius] framed-ip-outside-pool */
	/* Framed-Route: what the checks compare with, the routes up, the grants */
	struct froute_conf fconf;
	struct froute_local local;	/* the gateway's addresses, read at each FROUTE_ADD */
	int (*local_read)(void *ctx, struct froute_local *l);
	void *local_ctx;
	struct froute_table *froutes;
	struct froute_peers *peers;	/* the tunnels' and SAs' public addresses */
	struct pc_grant *grants;
	int32_t grant_free;		/* the free list, index + 1; 0: empty */
	void (*random)(void *ctx, void *buf, size_t len);
	void *random_ctx;
	struct priv_auth_limit al;
	uint32_t seq;			/* the last request's */
	struct priv_check_stats st;
};

static uint64_t sess_key(uint32_t handle, uint16_t sid)
{
	return (uint64_t)handle << 16 | sid;
}

static uint32_t sess_handle(uint64_t key)
{
	return (uint32_t)(key >> 16);
}

/* The key of (origin, tid) in by_origin: exact for a mark, a hash of peer and port. */
static uint64_t origin_key(bool by_mark, uint32_t mark, const struct priv_addr *peer,
			   uint16_t port, uint16_t tid)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a of the family, address, port */
	const uint8_t *p = peer->family == 4 ? (const uint8_t *)&peer->v4 :
			   (const uint8_t *)&peer->v6;
	size_t n = peer->family == 4 ? 4 : 16;

	if (by_mark)
		return 1ull << 62 | (uint64_t)mark << 16 | tid;
	h = (h ^ peer->family) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	h = (h ^ (port >> 8)) * 1099511628211ull;
	h = (h ^ (port & 0xff)) * 1099511628211ull;
	return 2ull << 62 | (h & ((1ull << 46) - 1)) << 16 | tid;
}

static int local_read_default(void *ctx, struct froute_local *l)
{
	(void)ctx;
	return froute_local_read(l);
}

/* A checker for cfg whose tables hold at least n_tun tunnels, n_sess sessions and n_sa SAs. */
static struct priv_check *check_new(const struct l2sec_config *cfg, const struct users_db *users,
				    uint32_t n_tun, uint32_t n_sess, uint32_t n_sa)
{
	const struct l2tp_config *l = &cfg->l2tp;
	struct priv_check *c = calloc(1, sizeof(*c));
	int e;

	if (!c)
		return NULL;
	c->users = users;
	c->require_ipsec = l->require_ipsec;
	c->max_sessions_per_tunnel = l->max_sessions_per_tunnel;
	c->max_tunnels_per_sa = l->max_tunnels_per_sa;
	c->max_tunnels = l->max_tunnels;
	c->max_sessions = l->max_sessions;
	c->auth_tries = cfg->auth_tries;
	c->framed_ip_any = cfg->radius.framed_ip_any;
	froute_conf_from(&c->fconf, cfg);
	c->local_read = local_read_default;
	c->froutes = froute_table_new();
	c->grants = calloc(PRIV_FROUTE_GRANTS, sizeof(*c->grants));
	if (!c->froutes || !c->grants)
		goto fail;
	for (int32_t g = 0; g < PRIV_FROUTE_GRANTS; g++)
		c->grants[g].next = g + 1 < PRIV_FROUTE_GRANTS ? g + 2 : 0;
	c->grant_free = 1;
	c->pool = pool_new(cfg->pool, cfg->n_pool);
	if (!c->pool)
		goto fail;
	c->np = named_pools_new(cfg->named_pool, cfg->n_named_pool, &e);
	if (e)
		goto fail;
	c->prefix6 = cfg->ipv6_prefix;
	c->prefix6_len = cfg->ipv6_prefix_len;
	if (cfg->ipv6 && !(c->pool6 = pool6_new(&cfg->ipv6_prefix, cfg->ipv6_prefix_len)))
		goto fail;
	n_tun = MAX(n_tun, l->max_tunnels);
	n_sess = MAX(n_sess, l->max_sessions);
	n_sa = MAX(n_sa, l->max_tunnels * 2 + 64);	/* SAs may come before tunnels */
	if (idtab_init(&c->sa, n_sa) < 0 || idtab_init(&c->tun, n_tun) < 0 ||
	    idtab_init(&c->sess, n_sess) < 0 || idtab_init(&c->addr4, n_sess) < 0 ||
	    idtab_init(&c->addr6, n_sess) < 0 ||
	    chain_init(&c->by_origin, c->tun.cap) < 0 || chain_init(&c->by_sa, c->tun.cap) < 0 ||
	    chain_init(&c->by_tunnel, c->sess.cap) < 0)
		goto fail;
	c->sa_rec = calloc(c->sa.cap, sizeof(*c->sa_rec));
	c->tun_rec = calloc(c->tun.cap, sizeof(*c->tun_rec));
	c->sess_rec = calloc(c->sess.cap, sizeof(*c->sess_rec));
	/* one address per tunnel and per SA at the most: never full, never grows */
	c->peers = froute_peers_new(c->tun.cap + c->sa.cap, false);
	if (!c->sa_rec || !c->tun_rec || !c->sess_rec || !c->peers)
		goto fail;
	return c;
fail:
	e = errno ? errno : ENOMEM;	/* pool_new's EINVAL, or ENOMEM */
	priv_check_free(c);
	errno = e;
	return NULL;
}

struct priv_check *priv_check_new(const struct l2sec_config *cfg, const struct users_db *users)
{
	return check_new(cfg, users, 0, 0, 0);
}

void priv_check_free(struct priv_check *c)
{
	if (!c)
		return;
	pool_free(c->pool);
	named_pools_free(c->np);
	pool6_free(c->pool6);
	idtab_free(&c->sa);
	idtab_free(&c->tun);
	idtab_free(&c->sess);
	idtab_free(&c->addr4);
	idtab_free(&c->addr6);
	chain_free(&c->by_origin);
	chain_free(&c->by_sa);
	chain_free(&c->by_tunnel);
	free(c->sa_rec);
	free(c->tun_rec);
	froute_table_free(c->froutes);
	froute_peers_free(c->peers);
	free(c->grants);
	if (c->sess_rec)
		explicit_bzero(c->sess_rec, c->sess.cap * sizeof(*c->sess_rec));
	free(c->sess_rec);
	free(c);
}

void priv_check_set_users(struct priv_check *c, const struct users_db *users)
{
	c->users = users;
}

void priv_check_set_auth_limit(struct priv_check *c, const struct priv_auth_limit *al)
{
	memset(&c->al, 0, sizeof(c->al));
	if (al)
		c->al = *al;
}

void priv_check_set_random(struct priv_check *c, void (*fn)(void *ctx, void *buf, size_t len),
			   void *ctx)
{
	c->random = fn;
	c->random_ctx = ctx;
}

static void random_bytes(const struct priv_check *c, void *buf, size_t len)
{
	if (c->random)
		c->random(c->random_ctx, buf, len);
	else
		rnd_bytes(buf, len);
}

/* A fresh challenge for the session's next CHAP or MS-CHAPv2 answer, into the reply. */
static void new_challenge(const struct priv_check *c, struct pc_session *s, struct priv_reply *out)
{
	random_bytes(c, s->chal, sizeof(s->chal));
	s->chal_set = true;
	out->has_chal = true;
	memcpy(out->chal, s->chal, sizeof(out->chal));
}

int priv_check_sock_add(struct priv_check *c, uint32_t sock_id, uint8_t family)
{
	if (family != 4 && family != 6) {
		errno = EINVAL;
		return -1;
	}
	if (c->n_socks == PRIV_MAX_SOCKS) {
		errno = ENOSPC;
		return -1;
	}
	c->socks[c->n_socks].id = sock_id;
	c->socks[c->n_socks++].family = family;
	return 0;
}

/* A socket the parent handed over, of the family of the peer's address. */
static bool sock_ok(const struct priv_check *c, uint32_t id, uint8_t family)
{
	for (unsigned int i = 0; i < c->n_socks; i++)
		if (c->socks[i].id == id)
			return c->socks[i].family == family;
	return false;
}

static bool addr_equal(const struct priv_addr *a, const struct priv_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == 4 ? a->v4.s_addr == b->v4.s_addr :
	       !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

/*
 * One more (one fewer) tunnel or SA at public address a, in the index that
 * FROUTE_ADD asks whether a route holds one (sized for both tables: never full).
 */
static void peer_index(struct priv_check *c, const struct priv_addr *a, bool add)
{
	struct froute_peer k;
	union sa46 sa;

	priv_addr_sa46(a, 0, &sa);
	if (!froute_peer_of(&sa, &k))
		return;		/* no address: no route holds it */
	if (add)
		froute_peers_add(c->peers, &k);
	else
		froute_peers_del(c->peers, &k);
}

int priv_check_sa_up(struct priv_check *c, uint32_t mark, const struct priv_addr *peer)
{
	int32_t i = idtab_find(&c->sa, mark);

	if (mark == 0) {
		errno = EINVAL;
		return -1;
	}
	if (i >= 0) {
		peer_index(c, &c->sa_rec[i].peer, false);
	} else if ((i = idtab_add(&c->sa, mark)) >= 0) {
		c->sa_rec[i].n_tunnels = 0;
	} else {
		errno = ENOSPC;
		return -1;
	}
	c->sa_rec[i].peer = *peer;		/* a restarted charon may reuse a mark */
	peer_index(c, peer, true);
	return 0;
}

/* --- Framed-Route (froute.h): the grants of verified Accepts, the routes up --------- */

static struct pc_grant *grant_at(const struct priv_check *c, int32_t i1)
{
	return i1 > 0 && i1 <= PRIV_FROUTE_GRANTS ? &c->grants[i1 - 1] : NULL;
}

/* A grant's route down in the table (the parent removes it from the kernel). */
static void grant_down(struct priv_check *c, struct pc_session *s, struct pc_grant *g)
{
	if (g->up && g->v6)
		froute6_drop(c->froutes, &g->r6, s);
	else if (g->up)
		froute_drop(c->froutes, &g->r, s);
	g->up = false;
}

/* The session's routes up of family (4, 6; 0: both) go down. */
static void grants_down(struct priv_check *c, struct pc_session *s, int family)
{
	struct pc_grant *g;

	for (g = grant_at(c, s->fr_first); g; g = grant_at(c, g->next))
		if (!family || family == (g->v6 ? 6 : 4))
			grant_down(c, s, g);
}

/* Forget the session's grants (their routes down first). */
static void grants_free(struct priv_check *c, struct pc_session *s)
{
	int32_t i1 = s->fr_first;

	grants_down(c, s, 0);
	while (i1) {
		struct pc_grant *g = grant_at(c, i1);
		int32_t next = g->next;

		memset(g, 0, sizeof(*g));
		g->next = c->grant_free;
		c->grant_free = i1;
		i1 = next;
	}
	s->fr_first = 0;
}

/*
 * A verified Accept's routes (IPv4's, then IPv6's) become the session's
 * grants, as far as the table holds them.
 */
static void grants_take(struct priv_check *c, struct pc_session *s,
			const struct priv_radius_verdict *v)
{
	grants_free(c, s);
	for (unsigned int i = v->n_routes + v->n_routes6; i-- > 0;) {
		int32_t i1 = c->grant_free;
		struct pc_grant *g = grant_at(c, i1);

		if (!g) {
			c->st.froute_ungranted += i + 1;
			return;
		}
		c->grant_free = g->next;
		g->v6 = i >= v->n_routes;
		if (g->v6)
			g->r6 = v->routes6[i - v->n_routes];
		else
			g->r = v->routes[i];
		g->up = false;
		g->next = s->fr_first;
		s->fr_first = i1;
	}
}

/* The session's grant of NET/PLEN (family 4 or 6), or NULL. */
static struct pc_grant *grant_of(const struct priv_check *c, const struct pc_session *s,
				 const struct priv_addr *net, uint8_t plen)
{
	struct pc_grant *g;

	for (g = grant_at(c, s->fr_first); g; g = grant_at(c, g->next)) {
		if (g->v6 != (net->family == 6))
			continue;
		if (g->v6 ? g->r6.plen == plen && !memcmp(&g->r6.net, &net->v6, sizeof(net->v6)) :
		    g->r.plen == plen && g->r.net.s_addr == net->v4.s_addr)
			return g;
	}
	return NULL;
}

/* A grant's network and the gateway of the session's route for it. */
static void grant_addrs(const struct pc_session *s, const struct pc_grant *g,
			struct priv_addr *net, struct priv_addr *gw)
{
	*net = (struct priv_addr){ .family = 4, .v4 = g->r.net };
	*gw = (struct priv_addr){ .family = 4, .v4 = s->v4 };
	if (!g->v6)
		return;
	*net = (struct priv_addr){ .family = 6, .v6 = g->r6.net };
	/* as sess.c's client6: the /64 with the IPv6CP interface identifier (::1 without) */
	*gw = (struct priv_addr){ .family = 6, .v6 = s->pfx6 };
	for (unsigned int i = 0; i < 8; i++)
		gw->v6.s6_addr[8 + i] = (uint8_t)(s->ifid >> (56 - 8 * i));
	if (!s->ifid)
		gw->v6.s6_addr[15] = 1;
}

void priv_check_set_froute_local(struct priv_check *c,
				 int (*fn)(void *ctx, struct froute_local *l), void *ctx)
{
	c->local_read = fn ? fn : local_read_default;
	c->local_ctx = ctx;
}

/* Release the session's addresses; the parent removes their routes. */
static void session_release4(struct priv_check *c, struct pc_session *s)
{
	int32_t a;

	if (!s->has4)
		return;
	grants_down(c, s, 4);	/* their gateway goes */
	if (s->from4)
		pool_put(s->from4, s->v4);
	a = idtab_find(&c->addr4, s->v4.s_addr);
	if (a >= 0)
		idtab_del(&c->addr4, a);
	s->has4 = false;
	s->from4 = NULL;
	s->v4.s_addr = 0;
}

/* The key of a /64 in addr6: its first 64 bits. */
static uint64_t pfx6_key(const struct in6_addr *p)
{
	uint64_t k;

	memcpy(&k, p->s6_addr, sizeof(k));
	return k;
}

static void session_release6(struct priv_check *c, struct pc_session *s)
{
	int32_t a;

	if (!s->has6)
		return;
	grants_down(c, s, 6);	/* their gateway goes */
	if (s->pool6)
		pool6_put(c->pool6, &s->pfx6);
	a = idtab_find(&c->addr6, pfx6_key(&s->pfx6));
	if (a >= 0)
		idtab_del(&c->addr6, a);
	s->has6 = s->pool6 = false;
	s->ifid = 0;
	memset(&s->pfx6, 0, sizeof(s->pfx6));
}

static void session_drop(struct priv_check *c, int32_t i)
{
	struct pc_session *s = &c->sess_rec[i];
	int32_t t = idtab_find(&c->tun, sess_handle(c->sess.key[i]));

	grants_free(c, s);
	session_release4(c, s);
	session_release6(c, s);
	explicit_bzero(s, sizeof(*s));
	if (t >= 0)
		c->tun_rec[t].n_sessions--;
	chain_del(&c->by_tunnel, i);
	idtab_del(&c->sess, i);
}

/* The tunnel (handle, tid) names, as an entry index, or -1. */
static int32_t tunnel_of(const struct priv_check *c, uint32_t handle, uint16_t tid)
{
	int32_t t = idtab_find(&c->tun, handle);

	return t >= 0 && c->tun_rec[t].tid == tid ? t : -1;
}

void priv_check_session_gone(struct priv_check *c, uint32_t handle, uint16_t sid)
{
	int32_t i = idtab_find(&c->sess, sess_key(handle, sid));

	if (i >= 0)
		session_drop(c, i);
}

static void tunnel_drop(struct priv_check *c, int32_t t)
{
	uint32_t handle = (uint32_t)c->tun.key[t];
	int32_t sa;

	/* a tunnel's sessions: at most max-sessions-per-tunnel, on its chain */
	for (int32_t i = chain_next(&c->by_tunnel, handle, -1), next; i >= 0; i = next) {
		next = chain_next(&c->by_tunnel, handle, i);
		session_drop(c, i);
	}
	sa = c->tun_rec[t].mark ? idtab_find(&c->sa, c->tun_rec[t].mark) : -1;
	if (sa >= 0 && c->sa_rec[sa].n_tunnels)
		c->sa_rec[sa].n_tunnels--;
	chain_del(&c->by_origin, t);
	if (c->tun_rec[t].mark)
		chain_del(&c->by_sa, t);
	peer_index(c, &c->tun_rec[t].peer, false);
	memset(&c->tun_rec[t], 0, sizeof(c->tun_rec[t]));
	idtab_del(&c->tun, t);
}

void priv_check_tunnel_gone(struct priv_check *c, uint32_t handle)
{
	int32_t t = idtab_find(&c->tun, handle);

	if (t >= 0)
		tunnel_drop(c, t);
}

void priv_check_set_dp_handle(struct priv_check *c, uint32_t handle, uint32_t dp_handle)
{
	int32_t t = idtab_find(&c->tun, handle);

	if (t >= 0)
		c->tun_rec[t].dp_handle = dp_handle;
}

bool priv_check_tref(const struct priv_check *c, uint32_t handle, uint16_t tid,
		     struct priv_check_tref *out)
{
	int32_t t = tunnel_of(c, handle, tid);

	memset(out, 0, sizeof(*out));
	if (t < 0)
		return false;
	out->handle = handle;
	out->dp_handle = c->tun_rec[t].dp_handle;
	out->tid = tid;
	return true;
}

static void tref_of(const struct priv_check *c, int32_t t, struct priv_check_tref *out)
{
	out->handle = (uint32_t)c->tun.key[t];
	out->dp_handle = c->tun_rec[t].dp_handle;
	out->tid = c->tun_rec[t].tid;
}

/*
 * The next session (after entry from, -1: the first) of the tunnel with this
 * handle (0: of every tunnel) and with ID sid (0: every one), or -1: one
 * lookup for a session, its tunnel's chain for a tunnel, a walk of the table
 * for all.
 */
static int32_t sess_next(const struct priv_check *c, uint32_t handle, uint16_t sid, int32_t from)
{
	if (handle && sid)
		return from < 0 ? idtab_find(&c->sess, sess_key(handle, sid)) : -1;
	if (handle)
		return chain_next(&c->by_tunnel, handle, from);
	for (uint32_t i = (uint32_t)(from + 1); c->sess.count && i < c->sess.cap; i++)
		if (c->sess.used[i] && (!sid || (uint16_t)c->sess.key[i] == sid))
			return (int32_t)i;
	return -1;
}

void priv_check_each_session(const struct priv_check *c, uint32_t handle, uint16_t sid,
			     priv_check_session_fn *fn, void *ctx)
{
	for (int32_t i = sess_next(c, handle, sid, -1); i >= 0; i = sess_next(c, handle, sid, i)) {
		const struct pc_session *s = &c->sess_rec[i];
		struct priv_addr a4 = { .family = 4 }, a6 = { .family = 6 };
		uint32_t h = sess_handle(c->sess.key[i]);
		uint16_t n = (uint16_t)c->sess.key[i];
		int32_t t;

		t = idtab_find(&c->tun, h);
		a4.v4 = s->v4;
		a6.v6 = s->pfx6;
		fn(ctx, t >= 0 ? c->tun_rec[t].tid : 0, n, s->has4 ? &a4 : NULL,
		   s->has6 ? &a6 : NULL);
	}
}

void priv_check_each_tunnel(const struct priv_check *c, priv_check_tunnel_fn *fn, void *ctx)
{
	struct priv_check_tref r;

	for (uint32_t t = 0; c->tun.count && t < c->tun.cap; t++) {
		if (!c->tun.used[t])
			continue;
		tref_of(c, (int32_t)t, &r);
		fn(ctx, &r);
	}
}

unsigned int priv_check_tunnels(const struct priv_check *c)
{
	return c->tun.count;
}

unsigned int priv_check_sessions(const struct priv_check *c)
{
	return c->sess.count;
}

void priv_check_release(struct priv_check *c)
{
	void *sa[] = { c->sa_rec };
	size_t sa_size[] = { sizeof(*c->sa_rec) };
	void *tun[] = { c->tun_rec, c->by_origin.key, c->by_origin.next, c->by_sa.key,
			c->by_sa.next };
	size_t tun_size[] = { sizeof(*c->tun_rec), sizeof(*c->by_origin.key),
			      sizeof(*c->by_origin.next), sizeof(*c->by_sa.key),
			      sizeof(*c->by_sa.next) };
	void *sess[] = { c->sess_rec, c->by_tunnel.key, c->by_tunnel.next };
	size_t sess_size[] = { sizeof(*c->sess_rec), sizeof(*c->by_tunnel.key),
			       sizeof(*c->by_tunnel.next) };

	idtab_release(&c->sa, sa, sa_size, ARRAY_SIZE(sa));
	idtab_release(&c->tun, tun, tun_size, ARRAY_SIZE(tun));
	idtab_release(&c->sess, sess, sess_size, ARRAY_SIZE(sess));
	idtab_release(&c->addr4, NULL, NULL, 0);
	idtab_release(&c->addr6, NULL, NULL, 0);
}

void priv_check_engine_gone(struct priv_check *c)
{
	for (uint32_t t = 0; c->tun.count && t < c->tun.cap; t++)
		if (c->tun.used[t])
			tunnel_drop(c, (int32_t)t);
	c->seq = 0;
}

void priv_check_sa_gone(struct priv_check *c, uint32_t mark, priv_check_tunnel_fn *fn, void *ctx)
{
	int32_t sa = idtab_find(&c->sa, mark);
	struct priv_check_tref r;

	if (sa < 0)
		return;
	/* its tunnels: at most max-tunnels-per-sa, on its chain */
	for (int32_t t = chain_next(&c->by_sa, mark, -1), next; t >= 0; t = next) {
		next = chain_next(&c->by_sa, mark, t);
		tref_of(c, t, &r);
		if (fn)
			fn(ctx, &r);
		tunnel_drop(c, t);
	}
	peer_index(c, &c->sa_rec[sa].peer, false);
	memset(&c->sa_rec[sa], 0, sizeof(c->sa_rec[sa]));
	idtab_del(&c->sa, sa);
}

/* A tunnel of that origin and ID, other than the one at skip (-1: none), or -1. */
static int32_t origin_find(const struct priv_check *c, bool by_mark, uint32_t mark,
			   const struct priv_addr *peer, uint16_t port, uint16_t tid)
{
	uint64_t key = origin_key(by_mark, mark, peer, port, tid);
	int32_t t = -1;

	while ((t = chain_next(&c->by_origin, key, t)) >= 0) {
		const struct pc_tunnel *x = &c->tun_rec[t];

		if (x->tid == tid && x->by_mark == by_mark &&
		    (by_mark ? x->mark == mark : x->port == port && addr_equal(&x->peer, peer)))
			return t;
	}
	return -1;
}

/* A handle no tunnel holds: cyclic, so a gone tunnel's is not given again at once. */
static uint32_t new_handle(struct priv_check *c)
{
	do
		c->last_handle++;
	while (!c->last_handle || idtab_find(&c->tun, c->last_handle) >= 0);
	return c->last_handle;
}

static enum priv_reason tunnel_add(struct priv_check *c, const struct priv_tunnel_add *r,
				   struct priv_reply *out)
{
	bool by_mark = r->require_ipsec && r->mark;
	struct pc_tunnel *x;
	int32_t t, sa = -1;
	uint32_t h;

	if (!sock_ok(c, r->sock_id, r->peer.family))
		return PRIV_R_SOCKET;
	if (origin_find(c, by_mark, r->mark, &r->peer, r->peer_port, r->tid) >= 0)
		return PRIV_R_TUNNEL_EXISTS;
	if (c->require_ipsec && (!r->require_ipsec || r->mark == 0))
		return PRIV_R_POLICY;
	if (r->mark) {
		sa = idtab_find(&c->sa, r->mark);
		if (sa < 0)
			return PRIV_R_SA_UNKNOWN;
		if (!addr_equal(&c->sa_rec[sa].peer, &r->peer))
			return PRIV_R_SA_PEER;
		if (c->sa_rec[sa].n_tunnels >= c->max_tunnels_per_sa)
			return PRIV_R_LIMIT;
	}
	if (c->tun.count >= c->max_tunnels)
		return PRIV_R_LIMIT;
	h = new_handle(c);
	t = idtab_add(&c->tun, h);
	x = &c->tun_rec[t];
	memset(x, 0, sizeof(*x));
	x->tid = r->tid;
	x->mark = r->mark;
	x->by_mark = by_mark;
	x->peer = r->peer;
	peer_index(c, &x->peer, true);
	x->port = r->peer_port;
	x->peer_tid = r->peer_tid;
	x->sock_id = r->sock_id;
	x->require_ipsec = r->require_ipsec;
	chain_add(&c->by_origin, t, origin_key(by_mark, r->mark, &r->peer, r->peer_port, r->tid));
	if (sa >= 0) {
		chain_add(&c->by_sa, t, r->mark);
		c->sa_rec[sa].n_tunnels++;
	}
	out->handle = h;
	return PRIV_OK;
}

static enum priv_reason session_add(struct priv_check *c, const struct priv_session_add *r,
				    struct priv_reply *out)
{
	int32_t t = tunnel_of(c, r->handle, r->tid), s;

	if (t < 0)
		return PRIV_R_TUNNEL_UNKNOWN;
	if (idtab_find(&c->sess, sess_key(r->handle, r->sid)) >= 0)
		return PRIV_R_SESSION_EXISTS;
	if (c->tun_rec[t].n_sessions >= c->max_sessions_per_tunnel ||
	    c->sess.count >= c->max_sessions)
		return PRIV_R_LIMIT;
	s = idtab_add(&c->sess, sess_key(r->handle, r->sid));
	if (s < 0)
		return PRIV_R_LIMIT;
	chain_add(&c->by_tunnel, s, r->handle);
	memset(&c->sess_rec[s], 0, sizeof(c->sess_rec[s]));
	c->sess_rec[s].peer_sid = r->peer_sid;
	c->tun_rec[t].n_sessions++;
	new_challenge(c, &c->sess_rec[s], out);
	return PRIV_OK;
}

/* The session (handle, tid, sid) names, as an entry index, or -1 and *why. */
static int32_t session_of(struct priv_check *c, uint32_t handle, uint16_t tid, uint16_t sid,
			  enum priv_reason *why)
{
	int32_t s;

	if (tunnel_of(c, handle, tid) < 0) {
		*why = PRIV_R_TUNNEL_UNKNOWN;
		return -1;
	}
	s = idtab_find(&c->sess, sess_key(handle, sid));
	if (s < 0)
		*why = PRIV_R_SESSION_UNKNOWN;
	return s;
}

/* The record of a session that has authenticated; NULL and *why (NOT_AUTHED, ...) if none. */
static struct pc_session *authed_of(struct priv_check *c, uint32_t handle, uint16_t tid,
				    uint16_t sid, enum priv_reason *why)
{
	int32_t i = session_of(c, handle, tid, sid, why);

	if (i >= 0 && !c->sess_rec[i].authed)
		*why = PRIV_R_NOT_AUTHED;
	return i >= 0 && c->sess_rec[i].authed ? &c->sess_rec[i] : NULL;
}

/*
 * The users db's entry for a name as the peer sent it: as sent, else without
 * a "DOMAIN\" prefix (ppp_auth.c's rule). *bare gets the name that enters
 * MS-CHAPv2's ChallengeHash (always without the domain).
 */
static const struct users_entry *user_of(const struct priv_check *c, const struct priv_name *n,
					 const char **bare, size_t *blen)
{
	const struct users_entry *u = NULL;

	*bare = mschap_strip_domain(n->s, n->len, blen);
	if (n->len && c->users)
		u = users_lookup(c->users, n->s, n->len);
	if (!u && *bare != n->s && *blen && c->users)
		u = users_lookup(c->users, *bare, *blen);
	return u;
}

/* An unknown user is checked against a random hash, so timing says nothing. */
static void secret_of(const struct users_entry *u, uint8_t hash[MSCHAP_NT_HASH_LEN])
{
	if (u)
		memcpy(hash, u->nt_hash, MSCHAP_NT_HASH_LEN);
	else
		util_random(hash, MSCHAP_NT_HASH_LEN);
}

/* The challenge a CHAP or MS-CHAPv2 answer is to; NULL for PAP. */
static const uint8_t *chal_of(const struct priv_msg *m)
{
	return m->type == PRIV_REQ_AUTH_MSCHAPV2 ? m->mschapv2.auth_chal :
	       m->type == PRIV_REQ_AUTH_CHAP_MD5 ? m->md5.chal : NULL;
}

static bool check_mschapv2(const struct priv_auth_mschapv2 *r, const struct users_entry *u,
			   const char *bare, size_t blen, struct priv_reply *out)
{
	uint8_t hash[MSCHAP_NT_HASH_LEN], expect[MSCHAP_NT_RESPONSE_LEN];
	bool ok;

	secret_of(u, hash);
	mschap_nt_response(r->auth_chal, r->peer_chal, bare, blen, hash, expect);
	ok = mschap_equal(expect, r->nt_resp, sizeof(expect)) && u;
	if (ok)
		mschap_auth_response(hash, r->nt_resp, r->peer_chal, r->auth_chal, bare, blen,
				     out->auth_resp);
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(expect, sizeof(expect));
	return ok;
}

static bool check_md5(const struct priv_auth_md5 *r, const struct users_entry *u)
{
	uint8_t expect[16], hash[MSCHAP_NT_HASH_LEN];
	bool ok;

	/* only an NT hash stored, or no such user: a random stand-in matches nothing */
	secret_of(u && u->password ? NULL : u, hash);
	if (u && u->password)
		mschap_md5_response(r->id, (const uint8_t *)u->password, u->password_len,
				    r->chal, sizeof(r->chal), expect);
	else
		mschap_md5_response(r->id, hash, sizeof(hash), r->chal, sizeof(r->chal), expect);
	ok = mschap_equal(expect, r->resp, sizeof(expect)) && u && u->password;
	explicit_bzero(expect, sizeof(expect));
	explicit_bzero(hash, sizeof(hash));
	return ok;
}

static bool check_pap(const struct priv_auth_pap *r, const struct users_entry *u)
{
	uint8_t hash[MSCHAP_NT_HASH_LEN], stored[MSCHAP_NT_HASH_LEN];
	bool ok;

	ok = mschap_nt_hash((const char *)r->pw, r->pw_len, hash) == 0;
	secret_of(u, stored);
	ok = mschap_equal(hash, stored, sizeof(hash)) && ok && u;
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(stored, sizeof(stored));
	return ok;
}

/*
 * An answer may be checked now: the failures' bucket is not empty (a token
 * is taken only when one fails: auth_failed), and the tunnel's and the
 * parent's buckets of all answers give one. PRIV_R_RATE otherwise, which the
 * engine takes for "busy", not for a verdict.
 */
static bool auth_rate_ok(struct priv_check *c, struct pc_tunnel *t, uint64_t now)
{
	/* a refusal takes nothing: one bucket's emptiness does not drain another */
	if (!bucket_has(&c->rate.auth_fail, now, PRIV_AUTH_FAIL_RATE, PRIV_AUTH_FAIL_BURST) ||
	    !bucket_has(&t->auth, now, PRIV_AUTH_RATE_TUNNEL, PRIV_AUTH_BURST_TUNNEL) ||
	    !bucket_has(&c->rate.auth, now, PRIV_AUTH_RATE, PRIV_AUTH_BURST))
		return false;
	bucket_take(&t->auth, now, PRIV_AUTH_RATE_TUNNEL, PRIV_AUTH_BURST_TUNNEL);
	bucket_take(&c->rate.auth, now, PRIV_AUTH_RATE, PRIV_AUTH_BURST);
	return true;
}

/* A checked answer was wrong (a RADIUS Reject included): a token of the failures' bucket. */
static void auth_failed(struct priv_check *c, uint64_t now)
{
	c->st.auth_failed++;
	bucket_take(&c->rate.auth_fail, now, PRIV_AUTH_FAIL_RATE, PRIV_AUTH_FAIL_BURST);
}

static const struct priv_auth_who *who_of(const struct priv_msg *m)
{
	return m->type == PRIV_REQ_AUTH_MSCHAPV2 ? &m->mschapv2.who :
	       m->type == PRIV_REQ_AUTH_CHAP_MD5 ? &m->md5.who : &m->pap.who;
}

/* A wrong or throttled answer: the challenge of the next try, while tries are left. */
static enum priv_reason auth_refused(const struct priv_check *c, struct pc_session *s,
				     const struct priv_msg *m, struct priv_reply *out)
{
	if (chal_of(m) && s->auth_tries < c->auth_tries)
		new_challenge(c, s, out);	/* for the retry */
	else
		s->chal_set = false;
	return PRIV_OK;
}

static enum priv_reason auth(struct priv_check *c, const struct priv_msg *m, uint64_t now,
			     struct priv_reply *out)
{
	const struct priv_auth_who *who = who_of(m);
	enum priv_reason why = PRIV_OK;
	const struct users_entry *u;
	struct pc_session *s;
	struct pc_tunnel *t;
	const char *bare;
	size_t blen;
	int32_t i;

	i = session_of(c, who->handle, who->tid, who->sid, &why);
	if (i < 0)
		return why;
	s = &c->sess_rec[i];
	if (s->authed || s->auth_tries >= c->auth_tries)
		return PRIV_R_AUTH_STATE;
	if (chal_of(m) && (!s->chal_set || memcmp(chal_of(m), s->chal, sizeof(s->chal))))
		return PRIV_R_CHALLENGE;
	t = &c->tun_rec[idtab_find(&c->tun, who->handle)];	/* session_of found it */
	if (!auth_rate_ok(c, t, now))
		return PRIV_R_RATE;
	s->auth_tries++;
	u = user_of(c, &who->name, &bare, &blen);
	/* the throttle keys a known user by the file's name, as ppp_auth.c does */
	if (c->al.allowed && !c->al.allowed(c->al.ctx, u ? u->name : who->name.s, &t->peer,
					    t->port, t->mark)) {
		c->st.auth_throttled++;
		out->throttled = true;
		return auth_refused(c, s, m, out);
	}
	if (m->type == PRIV_REQ_AUTH_MSCHAPV2)
		out->auth_ok = check_mschapv2(&m->mschapv2, u, bare, blen, out);
	else if (m->type == PRIV_REQ_AUTH_CHAP_MD5)
		out->auth_ok = check_md5(&m->md5, u);
	else
		out->auth_ok = check_pap(&m->pap, u);
	if (c->al.result)
		out->hold_ms = c->al.result(c->al.ctx, u ? u->name : who->name.s, &t->peer,
					    t->port, t->mark, out->auth_ok);
	if (!out->auth_ok) {
		auth_failed(c, now);
		return auth_refused(c, s, m, out);
	}
	c->st.auth_ok++;
	s->chal_set = false;
	s->authed = true;
	s->static4 = u->addr;
	return PRIV_OK;
}

/* The pool, the default or a named one, that holds a; NULL: none. */
static struct pool *pool_of_addr(const struct priv_check *c, struct in_addr a)
{
	int i;

	if (pool_contains(c->pool, a))
		return c->pool;
	i = named_pools_holding(c->np, a);
	return i < 0 ? NULL : c->np->e[i].p;
}

/* The pool the session's addresses come from; NULL: its Framed-Pool names none of ours. */
static struct pool *session_pool(const struct priv_check *c, const struct pc_session *s)
{
	if (s->npool == PC_NPOOL_UNKNOWN)
		return NULL;
	return s->npool ? c->np->e[s->npool - 1].p : c->pool;
}

void priv_check_set_radius(struct priv_check *c, struct priv_radius *r)
{
	c->radius = r;
}

void priv_check_set_acct(struct priv_check *c, struct priv_acct *pa)
{
	c->acct = pa;
}

/*
 * ACCT_KEEP: a record of a session the engine holds; its Start only for a
 * session authenticated here and once (priv_acct.h judges the rest), at
 * PRIV_ACCT_KEEP_RATE (a tunnel's sessions all stopping at once, not taken
 * from RADIUS_SIGN's rate).
 */
static enum priv_reason acct_keep(struct priv_check *c, const struct priv_acct_keep *q,
				  uint64_t now, struct priv_reply *out)
{
	enum priv_reason why = PRIV_OK;
	struct pc_session *s = NULL;

	if (!c->acct)
		return PRIV_R_POLICY;
	if (!bucket_take(&c->rate.acct_keep, now, PRIV_ACCT_KEEP_RATE, PRIV_ACCT_KEEP_BURST))
		return PRIV_R_RATE;
	if (priv_acct_is_start(q))
		s = authed_of(c, q->handle, q->tid, q->sid, &why);
	why = priv_acct_keep(c->acct, q, s && !s->acct_started, now, &out->handle);
	if (why == PRIV_OK && s)
		s->acct_started = true;
	return why;
}

/* RADIUS_SIGN: an Access-Request only for a session still to authenticate, at auth's rates. */
static enum priv_reason radius_sign(struct priv_check *c, const struct priv_radius_sign *q,
				    uint64_t now, struct priv_reply *out)
{
	enum priv_reason why = PRIV_OK;
	struct pc_tunnel *t;
	int32_t i;

	if (q->link == PRIV_RADIUS_AUTH && q->handle) {	/* none: priv_radius refuses */
		i = session_of(c, q->handle, q->tid, q->sid, &why);
		if (i < 0)
			return why;
		if (c->sess_rec[i].authed)
			return PRIV_R_AUTH_STATE;
		t = &c->tun_rec[idtab_find(&c->tun, q->handle)];	/* session_of found it */
		if (!auth_rate_ok(c, t, now))
			return PRIV_R_RATE;
	}
	return priv_radius_sign(c->radius, q, out);
}

/*
 * RADIUS_VERIFY: what the parent verified decides, not the engine: a verified
 * Access-Accept authenticates the session its request named, with its
 * Framed-IP-Address as the session's own address (outside the pools only
 * where framed-ip-outside-pool allows).
 */
static enum priv_reason radius_verify(struct priv_check *c, const struct priv_radius_verify *q,
				      uint64_t now, struct priv_reply *out)
{
	struct priv_radius_verdict v;
	enum priv_reason why = priv_radius_verify(c->radius, q, out, &v);
	struct pc_session *s;
	int32_t i;

	if (why != PRIV_OK || !(v.accept || v.reject))
		return why;
	i = session_of(c, v.handle, v.tid, v.sid, &why);
	if (i < 0)
		return why;	/* the session went meanwhile */
	s = &c->sess_rec[i];
	if (v.reject) {
		auth_failed(c, now);
		return PRIV_OK;
	}
	if (s->authed)
		return PRIV_R_AUTH_STATE;
	c->st.auth_ok++;
	s->authed = true;
	s->chal_set = false;
	if (v.has_framed4 && (c->framed_ip_any || pool_of_addr(c, v.framed4)))
		s->static4 = v.framed4;
	s->npool = 0;
	if (v.framed_pool[0]) {
		int n = named_pools_find(c->np, v.framed_pool);

		s->npool = n < 0 ? PC_NPOOL_UNKNOWN : (uint8_t)(n + 1);
	}
	s->want6 = v.has_pfx6;
	s->ok6 = v.has_pfx6 && v.pfx6_len == 64 && pool6_unicast64(&v.pfx6);
	s->static6 = v.pfx6;
	grants_take(c, s, &v);
	return PRIV_OK;
}

static enum priv_reason radius_req(struct priv_check *c, const struct priv_msg *m, uint64_t now,
				   struct priv_reply *out)
{
	if (!c->radius)
		return PRIV_R_POLICY;
	if (!bucket_take(&c->rate.radius, now, PRIV_RADIUS_RATE, PRIV_RADIUS_BURST))
		return PRIV_R_RATE;
	if (m->type == PRIV_REQ_RADIUS_SIGN)
		return radius_sign(c, &m->rsign, now, out);
	return radius_verify(c, &m->rverify, now, out);
}

/*
 * An address (not 0) of a session claimed: its static one (the users file's,
 * or a Framed-IP-Address, wherever it is), else only one of the session's
 * own pool (the default, or its Accept's Framed-Pool); *from: the pool that
 * holds it, NULL when none does.
 */
/*
 * DAE_VERIFY and DAE_SIGN: for a configured dae-client only (priv_radius.c),
 * at most PRIV_DAE_RATE a second in all: what the engine's per-client rates
 * let through, twice (a request and its answer), and no more MD5 than that.
 */
static enum priv_reason dae_req(struct priv_check *c, const struct priv_msg *m, uint64_t now,
				struct priv_reply *out)
{
	if (!c->radius)
		return PRIV_R_POLICY;
	if (!bucket_take(&c->rate.dae, now, PRIV_DAE_RATE, PRIV_DAE_BURST))
		return PRIV_R_RATE;
	if (m->type == PRIV_REQ_DAE_VERIFY)
		return priv_radius_dae_verify(c->radius, &m->dae, out);
	return priv_radius_dae_sign(c->radius, &m->dae, out);
}

/* COUNTERS: a session of the engine's (the parent reads the module), at PRIV_COUNTERS_RATE. */
static enum priv_reason counters_req(struct priv_check *c, const struct priv_ids *q, uint64_t now)
{
	enum priv_reason why = PRIV_OK;

	if (session_of(c, q->handle, q->tid, q->sid, &why) < 0)
		return why;
	if (!bucket_take(&c->rate.counters, now, PRIV_COUNTERS_RATE, PRIV_COUNTERS_BURST))
		return PRIV_R_RATE;
	return PRIV_OK;
}

static enum priv_reason claim4_given(struct priv_check *c, const struct pc_session *s,
				     struct in_addr a, struct pool **from)
{
	struct pool *mine = session_pool(c, s);

	*from = pool_of_addr(c, a);
	if (a.s_addr != s->static4.s_addr && (!*from || *from != mine))
		return PRIV_R_NOT_IN_POOL;
	if (idtab_find(&c->addr4, a.s_addr) >= 0)
		return PRIV_R_ADDR_HELD;
	if (*from && pool_take(*from, a) < 0)
		return PRIV_R_ADDR_HELD;
	return PRIV_OK;
}

static enum priv_reason claim4(struct priv_check *c, struct pc_session *s, struct in_addr a)
{
	enum priv_reason why;
	struct pool *from;

	if (s->has4)
		return PRIV_R_ADDR_HELD;
	if (a.s_addr == INADDR_ANY && s->static4.s_addr == INADDR_ANY) {
		from = session_pool(c, s);
		if (!from)
			return PRIV_R_POOL_UNKNOWN;
		if (pool_alloc(from, &a) < 0)
			return PRIV_R_POOL_EMPTY;
	} else {
		if (a.s_addr == INADDR_ANY)
			a = s->static4;
		why = claim4_given(c, s, a, &from);
		if (why != PRIV_OK)
			return why;
	}
	if (idtab_add(&c->addr4, a.s_addr) < 0) {	/* cannot be: one per session */
		if (from)
			pool_put(from, a);
		return PRIV_R_LIMIT;
	}
	s->has4 = true;
	s->from4 = from;
	s->v4 = a;
	return PRIV_OK;
}

/*
 * The session's Framed-IPv6-Prefix, as a single l2secd takes it
 * (sess.c's radius_pfx6_take): a unicast /64, of the /64 pool, or outside
 * [ppp] ipv6-prefix with framed-ip-outside-pool = yes; never the prefix's
 * own first /64 (the gateway's), nor another session's. *pool6: of the pool.
 */
static enum priv_reason claim6_framed(struct priv_check *c, const struct pc_session *s,
				      bool *pool6)
{
	*pool6 = false;
	if (!s->ok6)
		return PRIV_R_NOT_IN_POOL;
	if (idtab_find(&c->addr6, pfx6_key(&s->static6)) >= 0)
		return PRIV_R_ADDR_HELD;
	if (c->pool6 && pool6_take(c->pool6, &s->static6) == 0) {
		*pool6 = true;
		return PRIV_OK;
	}
	if (c->pool6 && errno == EBUSY)
		return PRIV_R_ADDR_HELD;
	if (pool6_in_prefix(&c->prefix6, c->prefix6_len, &s->static6) || !c->framed_ip_any)
		return PRIV_R_NOT_IN_POOL;
	return PRIV_OK;
}

static enum priv_reason claim6(struct priv_check *c, struct pc_session *s, struct in6_addr a)
{
	static const uint8_t zero[8];
	enum priv_reason why;
	bool pool6 = true;

	if (s->has6)
		return PRIV_R_ADDR_HELD;
	if (IN6_IS_ADDR_UNSPECIFIED(&a) && s->want6) {
		why = claim6_framed(c, s, &pool6);
		if (why != PRIV_OK)
			return why;
		a = s->static6;
	} else if (!c->pool6) {
		return PRIV_R_NOT_IN_POOL;
	} else if (IN6_IS_ADDR_UNSPECIFIED(&a)) {
		if (pool6_alloc(c->pool6, &a) < 0)
			return PRIV_R_POOL_EMPTY;
	} else {
		if (s->want6 || memcmp(a.s6_addr + 8, zero, 8))
			return PRIV_R_NOT_IN_POOL;	/* not its Framed one, or host bits */
		if (pool6_take(c->pool6, &a) < 0)
			return errno == EBUSY ? PRIV_R_ADDR_HELD : PRIV_R_NOT_IN_POOL;
	}
	if (idtab_add(&c->addr6, pfx6_key(&a)) < 0) {	/* cannot be: one per session */
		if (pool6)
			pool6_put(c->pool6, &a);
		return PRIV_R_LIMIT;
	}
	s->has6 = true;
	s->pool6 = pool6;
	s->pfx6 = a;
	return PRIV_OK;
}

/* Does the session hold a (an IPv4 address, or an IPv6 /64 by its first 64 bits)? */
static bool holds(const struct pc_session *s, const struct priv_addr *a)
{
	if (a->family == 4)
		return s->has4 && s->v4.s_addr == a->v4.s_addr;
	return s->has6 && !memcmp(&s->pfx6, &a->v6, sizeof(a->v6));
}

static enum priv_reason addr_req(struct priv_check *c, const struct priv_msg *m,
				 struct priv_reply *out)
{
	const struct priv_addr_req *r = &m->addr;
	enum priv_reason why = PRIV_OK;
	struct pc_session *s = authed_of(c, r->handle, r->tid, r->sid, &why);

	if (!s)
		return why;
	switch (m->type) {
	case PRIV_REQ_ADDR_CLAIM:
		why = r->addr.family == 4 ? claim4(c, s, r->addr.v4) : claim6(c, s, r->addr.v6);
		if (why != PRIV_OK)
			return why;
		out->addr.family = r->addr.family;
		if (r->addr.family == 4)
			out->addr.v4 = s->v4;
		else
			out->addr.v6 = s->pfx6;
		return PRIV_OK;
	case PRIV_REQ_ADDR_RELEASE:
		if (!holds(s, &r->addr))
			return PRIV_R_ADDR_NOT_HELD;
		if (r->addr.family == 4)
			session_release4(c, s);
		else
			session_release6(c, s);
		return PRIV_OK;
	default:	/* ROUTE_ADD, ROUTE_DEL: the decoder checked plen */
		return holds(s, &r->addr) ? PRIV_OK : PRIV_R_ADDR_NOT_HELD;
	}
}

/*
 * FROUTE_ADD: a network the session's verified Accept granted (Framed-Route
 * or Framed-IPv6-Route), through the session's address of that family (IPv6:
 * its /64 with its interface identifier), if froute.h's checks pass against
 * the parent's own record: the configuration's pools, RADIUS servers and DAE
 * clients, the gateway's addresses now, every tunnel's and SA's peer, the
 * other sessions' routes. FROUTE_DEL: one of the session's routes up. The
 * reply's address is the route's gateway.
 */
static enum priv_reason froute_req(struct priv_check *c, const struct priv_msg *m, uint64_t now,
				   struct priv_reply *out)
{
	const struct priv_addr_req *r = &m->addr;
	enum priv_reason why = PRIV_OK;
	struct pc_session *s = authed_of(c, r->handle, r->tid, r->sid, &why);
	union sa46 peer;
	struct priv_addr net, gw;
	struct froute_ctx ctx;
	enum froute_why fw;
	struct pc_grant *g;

	if (!s)
		return why;
	g = grant_of(c, s, &r->addr, r->plen);
	if (m->type == PRIV_REQ_FROUTE_DEL) {
		if (!g || !g->up)
			return PRIV_R_ADDR_NOT_HELD;
		grant_addrs(s, g, &net, &out->addr);
		grant_down(c, s, g);
		return PRIV_OK;
	}
	if (!g)
		return PRIV_R_NOT_GRANTED;
	if (g->up)
		return PRIV_R_ADDR_HELD;
	if (g->v6 ? !s->has6 : !s->has4)
		return PRIV_R_ADDR_NOT_HELD;	/* no gateway to route it through */
	if (!bucket_take(&c->rate.froute, now, PRIV_FROUTE_RATE, PRIV_FROUTE_BURST))
		return PRIV_R_RATE;
	grant_addrs(s, g, &net, &gw);
	fw = FROUTE_LOCAL;		/* addresses not all looked at: none passes */
	if (c->local_read(c->local_ctx, &c->local) == 0) {
		int32_t t = idtab_find(&c->tun, r->handle);	/* authed_of found it */

		froute_ctx_of(&ctx, &c->fconf, &c->local);
		priv_addr_sa46(&c->tun_rec[t].peer, 0, &peer);
		fw = g->v6 ? froute6_check(c->froutes, &ctx, &g->r6, &gw.v6, &peer) :
			     froute_check(c->froutes, &ctx, &g->r, s->v4, &peer);
		if (fw == FROUTE_OK && (g->v6 ? froute6_peers_held(c->peers, &g->r6) :
					froute_peers_held(c->peers, &g->r)))
			fw = FROUTE_PEER_ADDR;
		if (fw == FROUTE_OK && (g->v6 ? froute6_hold(c->froutes, &g->r6, s, &peer) :
					froute_hold(c->froutes, &g->r, s, &peer)) < 0)
			fw = FROUTE_LIMIT;
	}
	if (fw != FROUTE_OK) {
		out->froute_why = (uint8_t)fw;
		return PRIV_R_FROUTE;
	}
	g->up = true;
	out->addr = gw;
	return PRIV_OK;
}

void priv_check_froute_failed(struct priv_check *c, uint32_t handle, uint16_t sid,
			      const struct priv_addr *net, uint8_t plen)
{
	int32_t i = idtab_find(&c->sess, sess_key(handle, sid));
	struct pc_grant *g = i >= 0 ? grant_of(c, &c->sess_rec[i], net, plen) : NULL;

	if (g)
		grant_down(c, &c->sess_rec[i], g);
}

bool priv_check_session_challenge(const struct priv_check *c, uint32_t handle, uint16_t sid,
				  uint8_t chal[MSCHAP_CHALLENGE_LEN])
{
	int32_t i = idtab_find(&c->sess, sess_key(handle, sid));
	const struct pc_session *s;

	if (i < 0)
		return false;
	s = &c->sess_rec[i];
	if (s->authed || !s->chal_set || s->auth_tries >= c->auth_tries)
		return false;
	memcpy(chal, s->chal, MSCHAP_CHALLENGE_LEN);
	return true;
}

void priv_check_each_froute(const struct priv_check *c, uint32_t handle, uint16_t sid,
			    int family, priv_check_froute_fn *fn, void *ctx)
{
	for (int32_t i = sess_next(c, handle, sid, -1); i >= 0; i = sess_next(c, handle, sid, i)) {
		const struct pc_session *s = &c->sess_rec[i];
		const struct pc_grant *g;
		struct priv_addr net, gw;

		for (g = grant_at(c, s->fr_first); g; g = grant_at(c, g->next)) {
			if (!g->up || (family && family != (g->v6 ? 6 : 4)))
				continue;
			grant_addrs(s, g, &net, &gw);
			fn(ctx, &net, g->v6 ? g->r6.plen : g->r.plen, &gw);
		}
	}
}

unsigned int priv_check_froutes(const struct priv_check *c)
{
	return froute_count(c->froutes);
}

static enum priv_reason session_up(struct priv_check *c, const struct priv_session_up *r)
{
	struct priv_addr a4 = { .family = 4, .v4 = r->v4 }, a6 = { .family = 6, .v6 = r->pfx64 };
	enum priv_reason why = PRIV_OK;
	struct pc_session *s = authed_of(c, r->handle, r->tid, r->sid, &why);

	if (!s)
		return why;
	/*
	 * ROUTE_ADD's checks of each route it asks for first (r->route: the
	 * decoder let through only addresses it carries) are these: the session
	 * authenticated, the address its own. All are judged before the parent
	 * adds anything (priv_parent.c's execute), so a refusal leaves nothing.
	 */
	if ((r->has_v4 && !holds(s, &a4)) || (r->has_v6 && !holds(s, &a6)))
		return PRIV_R_ADDR_NOT_HELD;
	/* the interface identifier: the gateway of IPv6 routes added from now on */
	if (r->has_v6)
		s->ifid = r->ifid;
	return PRIV_OK;
}

static enum priv_reason mark_query(struct priv_check *c, const struct priv_mark_query *r,
				   struct priv_reply *out)
{
	int32_t sa = idtab_find(&c->sa, r->mark);

	if (sa >= 0 && addr_equal(&c->sa_rec[sa].peer, &r->peer))
		out->addr = r->peer;
	return PRIV_OK;
}

/* The L2TP header's fields SEND judges (RFC 2661 3.1); false when it has none. */
struct l2tp_hdr_ids {
	bool control;
	uint16_t tid, sid;
};

static bool l2tp_hdr_of(const uint8_t *p, size_t len, struct l2tp_hdr_ids *h)
{
	uint16_t flags, off = 2;

	if (len < 6)
		return false;
	flags = (uint16_t)(p[0] << 8 | p[1]);
	if ((flags & 0x000f) != 2)
		return false;
	h->control = flags & 0x8000;
	/* a control message has Length and Sequence, no Offset nor Priority */
	if (h->control && (flags & 0xcb00) != 0xc800)
		return false;
	if (flags & 0x4000) {
		if (len < 8 || (uint16_t)(p[2] << 8 | p[3]) != len)
			return false;
		off += 2;
	}
	h->tid = (uint16_t)(p[off] << 8 | p[off + 1]);
	h->sid = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	return !h->control || len >= 12;
}

/* A tunnel's datagram: to its peer, with its peer's IDs; the tunnel's mark. */
static enum priv_reason send_tunnel(const struct priv_check *c, const struct priv_send *r,
				    const struct l2tp_hdr_ids *h, struct priv_reply *out)
{
	int32_t t = tunnel_of(c, r->handle, r->tid), s;
	const struct pc_tunnel *x = t >= 0 ? &c->tun_rec[t] : NULL;

	if (!x)
		return PRIV_R_TUNNEL_UNKNOWN;
	if (x->sock_id != r->sock_id || x->port != r->peer_port || !addr_equal(&x->peer, &r->peer))
		return PRIV_R_PEER;
	if (h->tid != x->peer_tid || h->control != (r->sid == 0))
		return PRIV_R_DATAGRAM;
	if (!h->control) {
		s = idtab_find(&c->sess, sess_key(r->handle, r->sid));
		if (s < 0)
			return PRIV_R_SESSION_UNKNOWN;
		if (h->sid != c->sess_rec[s].peer_sid)
			return PRIV_R_DATAGRAM;
	}
	out->send_mark = x->mark;
	return PRIV_OK;
}

/*
 * SEND: the engine names the tunnel (or, before it has one, the SA it
 * answers); the parent picks the mark from its own record.
 */
static enum priv_reason send_req(struct priv_check *c, const struct priv_send *r, uint64_t now,
				 struct priv_reply *out)
{
	struct l2tp_hdr_ids h;
	int32_t sa;

	if (!bucket_take(&c->rate.send, now, PRIV_SEND_RATE, PRIV_SEND_BURST))
		return PRIV_R_RATE;
	if (!sock_ok(c, r->sock_id, r->peer.family))
		return PRIV_R_SOCKET;
	if (!l2tp_hdr_of(r->data, r->len, &h))
		return PRIV_R_DATAGRAM;
	if (r->handle)
		return send_tunnel(c, r, &h, out);
	if (!h.control)
		return PRIV_R_DATAGRAM;
	sa = idtab_find(&c->sa, r->mark);
	if (sa < 0)
		return PRIV_R_SA_UNKNOWN;
	if (!addr_equal(&c->sa_rec[sa].peer, &r->peer))
		return PRIV_R_SA_PEER;
	out->send_mark = r->mark;
	return PRIV_OK;
}

/*
 * The live SA at or after slot cursor of the SA table, and the slot after it
 * (0 with mark 0: none left). A slot's scan is bounded by the table's size.
 */
static enum priv_reason sa_next(const struct priv_check *c, uint32_t cursor,
				struct priv_reply *out)
{
	for (uint32_t i = cursor; c->sa.count && i < c->sa.cap; i++) {
		if (!c->sa.used[i])
			continue;
		out->sa.mark = c->sa.key[i];
		out->sa.peer = c->sa_rec[i].peer;
		out->cursor = i + 1;
		break;
	}
	return PRIV_OK;
}

static enum priv_reason judge(struct priv_check *c, const struct priv_msg *m, uint64_t now,
			      struct priv_reply *out)
{
	enum priv_reason why = PRIV_OK;
	int32_t s;

	switch (m->type) {
	case PRIV_REQ_TUNNEL_ADD:
		return tunnel_add(c, &m->tunnel_add, out);
	case PRIV_REQ_TUNNEL_DEL:
		s = tunnel_of(c, m->ids.handle, m->ids.tid);
		if (s < 0)
			return PRIV_R_TUNNEL_UNKNOWN;
		tunnel_drop(c, s);
		return PRIV_OK;
	case PRIV_REQ_SESSION_ADD:
		return session_add(c, &m->session_add, out);
	case PRIV_REQ_SESSION_DEL:
		s = session_of(c, m->ids.handle, m->ids.tid, m->ids.sid, &why);
		if (s < 0)
			return why;
		session_drop(c, s);
		return PRIV_OK;
	case PRIV_REQ_AUTH_MSCHAPV2:
	case PRIV_REQ_AUTH_CHAP_MD5:
	case PRIV_REQ_AUTH_PAP:
		return auth(c, m, now, out);
	case PRIV_REQ_ADDR_CLAIM:
	case PRIV_REQ_ADDR_RELEASE:
	case PRIV_REQ_ROUTE_ADD:
	case PRIV_REQ_ROUTE_DEL:
		return addr_req(c, m, out);
	case PRIV_REQ_SESSION_UP:
		return session_up(c, &m->up);
	case PRIV_REQ_SA_NEXT:
		return sa_next(c, m->sa_next.cursor, out);
	case PRIV_REQ_SEND:
		return send_req(c, &m->send, now, out);
	case PRIV_REQ_RADIUS_SIGN:
	case PRIV_REQ_RADIUS_VERIFY:
		return radius_req(c, m, now, out);
	case PRIV_REQ_DAE_VERIFY:
	case PRIV_REQ_DAE_SIGN:
		return dae_req(c, m, now, out);
	case PRIV_REQ_COUNTERS:
		return counters_req(c, &m->ids, now);
	case PRIV_REQ_FROUTE_ADD:
	case PRIV_REQ_FROUTE_DEL:
		return froute_req(c, m, now, out);
	case PRIV_REQ_ACCT_KEEP:
		return acct_keep(c, &m->acct_keep, now, out);
	case PRIV_REQ_MARK_QUERY:
	case PRIV_REQ_STATS:
	case PRIV_REQ_IPSEC_REPORT:
		if (!bucket_take(&c->rate.query, now, PRIV_QUERY_RATE, PRIV_QUERY_BURST))
			return PRIV_R_RATE;
		if (m->type == PRIV_REQ_MARK_QUERY)
			return mark_query(c, &m->mark_query, out);
		if (m->type == PRIV_REQ_IPSEC_REPORT)
			return PRIV_OK;		/* the parent's SA table answers (priv_parent.h) */
		priv_check_pool_counts(c, &out->pools);
		if (c->acct)
			out->acct = *priv_acct_stats(c->acct);
		return PRIV_OK;
	default:
		return PRIV_R_TYPE;	/* a reply or an event is no request */
	}
}

enum priv_reason priv_check_request(struct priv_check *c, const struct priv_msg *req,
				    uint64_t now_ms, struct priv_reply *out)
{
	enum priv_reason why;

	priv_reply_init(out, req->type);	/* what a reply to its type uses */
	if (!priv_type_is_request(req->type)) {
		why = PRIV_R_TYPE;
	} else if (req->seq != c->seq + 1) {
		why = PRIV_R_SEQ;	/* a replay, a duplicate, or one lost */
	} else {
		c->seq = req->seq;	/* refused or not, the number is spent */
		why = judge(c, req, now_ms, out);
	}
	if (why == PRIV_OK)
		c->st.accepted[req->type]++;
	else
		c->st.refused[why]++;
	out->reason = why;
	return why;
}

enum priv_reason priv_check_datagram(struct priv_check *c, const uint8_t *buf, size_t len,
				     uint64_t now_ms, struct priv_msg *reply)
{
	struct priv_msg req;
	enum priv_reason why;

	memset(reply, 0, sizeof(*reply));
	why = priv_msg_decode(buf, len, &req);
	if (why != PRIV_OK) {
		c->st.refused[why]++;
	} else if (!priv_type_is_request(req.type)) {
		why = PRIV_R_TYPE;
		c->st.refused[why]++;
	} else {
		why = priv_check_request(c, &req, now_ms, &reply->reply);
		reply->type = PRIV_REPLY;
		reply->seq = req.seq;
	}
	explicit_bzero(&req, sizeof(req));
	return why;
}

const struct priv_check_stats *priv_check_stats(const struct priv_check *c)
{
	return &c->st;
}

bool priv_check_tunnel_get(const struct priv_check *c, uint32_t handle, uint16_t tid,
			   struct priv_check_tunnel *out)
{
	int32_t t = tunnel_of(c, handle, tid), sa;
	const struct pc_tunnel *x = t >= 0 ? &c->tun_rec[t] : NULL;

	memset(out, 0, sizeof(*out));
	if (!x)
		return false;
	out->mark = x->mark;
	out->peer = x->peer;
	out->peer_port = x->port;
	out->peer_tid = x->peer_tid;
	out->sock_id = x->sock_id;
	out->require_ipsec = x->require_ipsec;
	sa = out->mark ? idtab_find(&c->sa, out->mark) : -1;
	if (sa >= 0)
		out->sa_peer = c->sa_rec[sa].peer;
	return true;
}

bool priv_check_session_get(const struct priv_check *c, uint32_t handle, uint16_t tid,
			    uint16_t sid, struct priv_check_session *out)
{
	int32_t i = tunnel_of(c, handle, tid) >= 0 ? idtab_find(&c->sess, sess_key(handle, sid)) : -1;
	const struct pc_session *s = i >= 0 ? &c->sess_rec[i] : NULL;

	memset(out, 0, sizeof(*out));
	if (!s)
		return false;
	out->peer_sid = s->peer_sid;
	out->authed = s->authed;
	out->has4 = s->has4;
	out->has6 = s->has6;
	out->v4 = s->v4;
	out->pfx6 = s->pfx6;
	return true;
}

/* --- a new engine resumes the old one's (issue 17 item 2; priv_state.h) ----------------- */

void priv_check_engine_resume(struct priv_check *c, const struct priv_check_resume *r)
{
	struct priv_check_tref tr;

	/* sessions first: a tunnel that goes takes the rest of its sessions along */
	for (uint32_t i = 0; c->sess.count && i < c->sess.cap; i++) {
		const struct pc_session *s = &c->sess_rec[i];
		struct priv_addr a4 = { .family = 4, .v4 = s->v4 }, a6 = { .family = 6 };
		int32_t t = c->sess.used[i] ? idtab_find(&c->tun, sess_handle(c->sess.key[i])) : -1;
		uint16_t sid = (uint16_t)c->sess.key[i];

		if (t < 0)
			continue;
		tref_of(c, t, &tr);
		if (r->keep(r->ctx, &tr, sid))
			continue;
		a6.v6 = s->pfx6;
		r->session_gone(r->ctx, &tr, sid, s->has4 ? &a4 : NULL, s->has6 ? &a6 : NULL);
		session_drop(c, (int32_t)i);
	}
	for (uint32_t t = 0; c->tun.count && t < c->tun.cap; t++) {
		if (!c->tun.used[t])
			continue;
		tref_of(c, (int32_t)t, &tr);
		if (r->keep(r->ctx, &tr, 0))
			continue;
		r->tunnel_gone(r->ctx, &tr);
		tunnel_drop(c, (int32_t)t);
	}
	c->seq = 0;
}

/* --- a reload with tunnels up (priv_check.h: priv_check_reload) ------------------------- */

/*
 * Session s of old as ns of n (tunnel t's): its addresses taken again from
 * n's pools, or static when no new pool holds them (as sess.c's
 * sessions_reload keeps a live session's); its Framed-Pool by name; its
 * grants, those up held again in n's table for the same peer.
 */
static void carry_session(struct priv_check *n, const struct priv_check *old,
			  const struct pc_session *s, struct pc_session *ns,
			  const struct pc_tunnel *t)
{
	union sa46 peer;
	const struct pc_grant *g;
	int32_t *tail;

	*ns = *s;
	ns->fr_first = 0;
	ns->from4 = NULL;
	if (s->npool && s->npool != PC_NPOOL_UNKNOWN) {
		int i = named_pools_find(n->np, old->np->e[s->npool - 1].name);

		ns->npool = i < 0 ? PC_NPOOL_UNKNOWN : (uint8_t)(i + 1);
	}
	if (s->has4) {
		ns->from4 = pool_of_addr(n, s->v4);
		if (ns->from4 && pool_take(ns->from4, s->v4) < 0)
			ns->from4 = NULL;
		idtab_add(&n->addr4, s->v4.s_addr);	/* sized as the sessions: cannot fail */
	}
	if (s->has6) {
		ns->pool6 = n->pool6 && pool6_take(n->pool6, &s->pfx6) == 0;
		idtab_add(&n->addr6, pfx6_key(&s->pfx6));
	}
	priv_addr_sa46(&t->peer, 0, &peer);
	tail = &ns->fr_first;
	for (g = grant_at(old, s->fr_first); g; g = grant_at(old, g->next)) {
		int32_t i1 = n->grant_free;
		struct pc_grant *ng = grant_at(n, i1);

		if (!ng)
			break;		/* as many grants as old's: cannot be */
		n->grant_free = ng->next;
		ng->v6 = g->v6;
		ng->r = g->r;
		ng->r6 = g->r6;
		ng->next = 0;
		/* as many routes as old's table held: froute_hold cannot refuse them */
		ng->up = g->up && (g->v6 ? froute6_hold(n->froutes, &ng->r6, ns, &peer) :
				   froute_hold(n->froutes, &ng->r, ns, &peer)) == 0;
		*tail = i1;
		tail = &ng->next;
	}
}

struct priv_check *priv_check_reload(const struct priv_check *old, const struct l2sec_config *cfg,
				     const struct users_db *users)
{
	struct priv_check *n = check_new(cfg, users, old->tun.count, old->sess.count,
					 old->sa.count);
	int32_t j, t;

	if (!n)
		return NULL;
	memcpy(n->socks, old->socks, sizeof(n->socks));
	n->n_socks = old->n_socks;
	n->last_handle = old->last_handle;
	n->seq = old->seq;
	n->rate = old->rate;
	n->random = old->random;
	n->random_ctx = old->random_ctx;
	n->local_read = old->local_read;
	n->local_ctx = old->local_ctx;
	n->al = old->al;
	n->radius = old->radius;
	n->acct = old->acct;
	n->st = old->st;
	for (uint32_t i = 0; old->sa.count && i < old->sa.cap; i++) {
		if (!old->sa.used[i] || (j = idtab_add(&n->sa, old->sa.key[i])) < 0)
			continue;	/* sized for old's: cannot fail */
		n->sa_rec[j].peer = old->sa_rec[i].peer;
		n->sa_rec[j].n_tunnels = 0;
		peer_index(n, &n->sa_rec[j].peer, true);
	}
	for (uint32_t i = 0; old->tun.count && i < old->tun.cap; i++) {
		const struct pc_tunnel *x = &old->tun_rec[i];
		int32_t sa;

		if (!old->tun.used[i] || (j = idtab_add(&n->tun, old->tun.key[i])) < 0)
			continue;
		n->tun_rec[j] = *x;
		n->tun_rec[j].n_sessions = 0;
		peer_index(n, &x->peer, true);
		chain_add(&n->by_origin, j, origin_key(x->by_mark, x->mark, &x->peer, x->port,
						       x->tid));
		if (x->mark)
			chain_add(&n->by_sa, j, x->mark);
		sa = x->mark ? idtab_find(&n->sa, x->mark) : -1;
		if (sa >= 0)
			n->sa_rec[sa].n_tunnels++;
	}
	for (uint32_t i = 0; old->sess.count && i < old->sess.cap; i++) {
		if (!old->sess.used[i])
			continue;
		t = idtab_find(&n->tun, sess_handle(old->sess.key[i]));
		if (t < 0 || (j = idtab_add(&n->sess, old->sess.key[i])) < 0)
			continue;	/* a session has its tunnel; sized for old's */
		chain_add(&n->by_tunnel, j, sess_handle(old->sess.key[i]));
		carry_session(n, old, &old->sess_rec[i], &n->sess_rec[j], &n->tun_rec[t]);
		n->tun_rec[t].n_sessions++;
	}
	return n;
}

unsigned int priv_check_froutes_rejudge(struct priv_check *c, priv_check_froute_gone_fn *fn,
					void *ctx, bool *local_ok)
{
	struct froute_ctx fc;
	struct priv_check_tref tr;
	unsigned int n = 0;

	*local_ok = true;
	if (!froute_count(c->froutes))
		return 0;
	if (c->local_read(c->local_ctx, &c->local) < 0) {
		/* the pools, servers and DAE clients still (as sess.c's froutes_reload) */
		*local_ok = false;
		c->local.n = c->local.n6 = 0;
	}
	froute_ctx_of(&fc, &c->fconf, &c->local);
	for (uint32_t i = 0; c->sess.count && i < c->sess.cap; i++) {
		struct pc_session *s = &c->sess_rec[i];
		int32_t t = c->sess.used[i] ? idtab_find(&c->tun, sess_handle(c->sess.key[i])) : -1;
		struct pc_grant *g;

		if (t < 0)
			continue;
		tref_of(c, t, &tr);
		for (g = grant_at(c, s->fr_first); g; g = grant_at(c, g->next)) {
			struct priv_addr net, gw;
			enum froute_why why;

			if (!g->up || (why = g->v6 ? froute6_check_config(&fc, &g->r6) :
				       froute_check_config(&fc, &g->r)) == FROUTE_OK)
				continue;
			grant_addrs(s, g, &net, &gw);
			grant_down(c, s, g);
			c->st.froute_removed++;
			n++;
			fn(ctx, &tr, (uint16_t)c->sess.key[i], &net, g->v6 ? g->r6.plen : g->r.plen,
			   &gw, froute_why_str(why));
		}
	}
	return n;
}

void priv_check_each_held(const struct priv_check *c, priv_check_held_fn *fn, void *ctx)
{
	struct priv_check_tref tr;

	for (uint32_t i = 0; c->sess.count && i < c->sess.cap; i++) {
		const struct pc_session *s = &c->sess_rec[i];
		struct priv_addr a4 = { .family = 4, .v4 = s->v4 }, a6 = { .family = 6 };
		int32_t t = c->sess.used[i] ? idtab_find(&c->tun, sess_handle(c->sess.key[i])) : -1;

		if (t < 0 || !(s->has4 || s->has6))
			continue;
		tref_of(c, t, &tr);
		a6.v6 = s->pfx6;
		fn(ctx, &tr, (uint16_t)c->sess.key[i], s->has4 ? &a4 : NULL, s->has6 ? &a6 : NULL);
	}
}

bool priv_check_holds_addr(const struct priv_check *c, const struct priv_addr *a)
{
	if (a->family == 4)
		return idtab_find(&c->addr4, a->v4.s_addr) >= 0;
	return a->family == 6 && idtab_find(&c->addr6, pfx6_key(&a->v6)) >= 0;
}

void priv_check_pool_counts(const struct priv_check *c, struct priv_pool_stats *out)
{
	out->v4_size = pool_size(c->pool);
	out->v4_used = pool_in_use(c->pool);
	out->v6_size = c->pool6 ? pool6_size(c->pool6) : 0;
	out->v6_used = c->pool6 ? pool6_in_use(c->pool6) : 0;
}
