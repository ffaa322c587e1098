// SPDX-License-Identifier: GPL-2.0
/* The parent's copy of the engine's accounting records (priv_acct.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/htab.h"
#include "core/util.h"
#include "priv/priv_acct.h"
#include "priv/priv_state.h"
#include "radius/radius_pkt.h"

/* Acct-Status-Type (RFC 2866 section 5.1): the session records kept */
enum { KEEP_START = 1, KEEP_STOP = 2, KEEP_INTERIM = 3 };

/* A place on a list, oldest first (the store's three lists). */
struct link {
	struct link *prev, *next;
};

struct chain {
	struct link *head, *tail;
};

static void chain_add(struct chain *c, struct link *l)
{
	l->prev = c->tail;
	l->next = NULL;
	if (c->tail)
		c->tail->next = l;
	else
		c->head = l;
	c->tail = l;
}

static void chain_del(struct chain *c, struct link *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		c->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		c->tail = l->prev;
}

/* An Acct-Session-Id bound to its session by a kept Start. */
struct binding {
	struct htab_node node;		/* by the id */
	struct link lru;		/* least recently used first */
	char id[PRIV_ACCT_ID_MAX];
	uint32_t handle;
	uint16_t tid, sid;
	unsigned int n;			/* its records kept */
	bool stopped;			/* its Stop kept: nothing follows */
};

/* A record kept, on the list oldest first and, if an Interim-Update, on the Interims'. */
struct kept {
	struct htab_node node;		/* by id */
	struct link all, interims;	/* every record; the Interim-Updates */
	struct binding *b;
	uint32_t id;
	uint8_t status;
	uint16_t delay_off;		/* Acct-Delay-Time's value in pkt */
	uint64_t first_ms;
	uint16_t len;
	uint8_t pkt[];
};

struct priv_acct {
	unsigned int max_records, max_bindings;
	struct htab by_id, by_sid;
	struct chain all, interims, lru;
	uint32_t last_id;
	struct priv_acct_stats st;
};

/* What ACCT_KEEP's packet says, once judged. */
struct keep_pkt {
	uint8_t status;
	char id[PRIV_ACCT_ID_MAX];
	uint16_t delay_off;
};

struct priv_acct *priv_acct_new(unsigned int max_records, unsigned int max_bindings)
{
	struct priv_acct *pa;
	uint64_t seed;

	if (!max_records || !max_bindings) {
		errno = EINVAL;
		return NULL;
	}
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		return NULL;
	pa = calloc(1, sizeof(*pa));
	if (!pa)
		return NULL;
	pa->max_records = max_records;
	pa->max_bindings = max_bindings;
	if (htab_init(&pa->by_id, 64, seed) < 0 || htab_init(&pa->by_sid, 64, seed ^ 1) < 0) {
		htab_free(&pa->by_id);
		free(pa);
		errno = ENOMEM;
		return NULL;
	}
	return pa;
}

#define KEPT_OF(l, member)	((l) ? container_of(l, struct kept, member) : NULL)
#define BINDING_OF(l)		((l) ? container_of(l, struct binding, lru) : NULL)

static void binding_free(struct priv_acct *pa, struct binding *b)
{
	htab_del(&pa->by_sid, &b->node);
	chain_del(&pa->lru, &b->lru);
	pa->st.sessions--;
	free(b);
}

/* Record k out of the store (answered, dropped, or the store freed). */
static void kept_free(struct priv_acct *pa, struct kept *k)
{
	struct binding *b = k->b;

	htab_del(&pa->by_id, &k->node);
	chain_del(&pa->all, &k->all);
	if (k->status == KEEP_INTERIM)
		chain_del(&pa->interims, &k->interims);
	pa->st.kept--;
	b->n--;
	if (b->stopped && !b->n)	/* its last record, the Stop's or before it */
		binding_free(pa, b);
	free(k);
}

void priv_acct_free(struct priv_acct *pa)
{
	if (!pa)
		return;
	while (pa->all.head)
		kept_free(pa, KEPT_OF(pa->all.head, all));
	while (pa->lru.head)
		binding_free(pa, BINDING_OF(pa->lru.head));
	htab_free(&pa->by_id);
	htab_free(&pa->by_sid);
	free(pa);
}

static struct binding *binding_find(const struct priv_acct *pa, const char *id)
{
	uint64_t h = htab_hash(&pa->by_sid, id, strlen(id));

	for (struct htab_node *n = htab_first(&pa->by_sid, h); n; n = htab_next(n)) {
		struct binding *b = container_of(n, struct binding, node);

		if (!strcmp(b->id, id))
			return b;
	}
	return NULL;
}

static struct kept *kept_find(const struct priv_acct *pa, uint32_t id)
{
	uint64_t h = htab_hash64(&pa->by_id, id);

	for (struct htab_node *n = htab_first(&pa->by_id, h); n; n = htab_next(n)) {
		struct kept *k = container_of(n, struct kept, node);

		if (k->id == id)
			return k;
	}
	return NULL;
}

/* The only attribute of type in m, or NULL (none, or more than one). */
static const struct radius_avp *only(const struct radius_msg *m, uint8_t type)
{
	const struct radius_avp *a = radius_find(m, type, NULL);

	return a && !radius_find(m, type, a) ? a : NULL;
}

/* Is q's packet a session record the store keeps? What it says into *out. */
static bool keep_pkt_of(const struct priv_acct_keep *q, struct keep_pkt *out)
{
	const struct radius_avp *st, *id, *delay;
	struct radius_msg m;
	const uint8_t *v;

	memset(out, 0, sizeof(*out));
	if (radius_decode(&m, q->pkt.buf, q->pkt.len) != RADIUS_OK || m.len != q->pkt.len ||
	    m.code != RADIUS_ACCOUNTING_REQUEST)
		return false;
	st = only(&m, RADIUS_ACCT_STATUS_TYPE);
	id = only(&m, RADIUS_ACCT_SESSION_ID);
	delay = only(&m, RADIUS_ACCT_DELAY_TIME);
	if (!st || st->len != 4 || !id || !id->len || id->len >= PRIV_ACCT_ID_MAX || !delay ||
	    delay->len != 4 || radius_find(&m, RADIUS_USER_PASSWORD, NULL) ||
	    radius_find(&m, RADIUS_MESSAGE_AUTHENTICATOR, NULL))
		return false;
	v = radius_value(&m, st);
	if (v[0] || v[1] || v[2] || (v[3] != KEEP_START && v[3] != KEEP_STOP &&
				     v[3] != KEEP_INTERIM))
		return false;
	out->status = v[3];
	v = radius_value(&m, id);
	if (memchr(v, '\0', id->len))
		return false;
	memcpy(out->id, v, id->len);
	out->delay_off = delay->off;
	return true;
}

bool priv_acct_is_start(const struct priv_acct_keep *q)
{
	struct keep_pkt k;

	return keep_pkt_of(q, &k) && k.status == KEEP_START;
}

/* A new binding for a Start; NULL when the table is full of bindings that keep records. */
static struct binding *binding_new(struct priv_acct *pa, const struct priv_acct_keep *q,
				   const char *id)
{
	struct binding *b;

	if (pa->st.sessions >= pa->max_bindings) {
		for (b = BINDING_OF(pa->lru.head); b && b->n; b = BINDING_OF(b->lru.next))
			;
		if (!b)
			return NULL;
		binding_free(pa, b);	/* a session whose Stop never came, likely */
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	snprintf(b->id, sizeof(b->id), "%s", id);
	b->handle = q->handle;
	b->tid = q->tid;
	b->sid = q->sid;
	htab_add(&pa->by_sid, &b->node, htab_hash(&pa->by_sid, id, strlen(id)));
	chain_add(&pa->lru, &b->lru);
	pa->st.sessions++;
	return b;
}

/* The oldest Interim-Update of binding b, or NULL. */
static struct kept *oldest_interim_of(const struct priv_acct *pa, const struct binding *b)
{
	struct kept *k;

	for (k = KEPT_OF(pa->interims.head, interims); k && k->b != b;
	     k = KEPT_OF(k->interims.next, interims))
		;
	return k;
}

/* Room for one more record of b: the bounds, oldest dropped and counted. */
static void make_room(struct priv_acct *pa, struct binding *b)
{
	struct kept *victim = NULL;

	if (b->n >= PRIV_ACCT_PER_SESSION)
		victim = oldest_interim_of(pa, b);	/* a Start, Interims, a Stop: one there */
	if (!victim && pa->st.kept >= pa->max_records)
		victim = pa->interims.head ? KEPT_OF(pa->interims.head, interims) :
					     KEPT_OF(pa->all.head, all);
	if (victim) {
		pa->st.dropped++;
		kept_free(pa, victim);
	}
}

enum priv_reason priv_acct_keep(struct priv_acct *pa, const struct priv_acct_keep *q,
				bool start_ok, uint64_t now, uint32_t *id)
{
	struct binding *b, *fresh = NULL;
	struct keep_pkt p;
	struct kept *k;
	enum priv_reason why = PRIV_R_RADIUS;

	*id = 0;
	if (!keep_pkt_of(q, &p))
		goto refused;
	b = binding_find(pa, p.id);
	if (p.status == KEEP_START) {
		why = PRIV_R_NOT_AUTHED;
		if (!start_ok)
			goto refused;
		why = PRIV_R_SESSION_EXISTS;
		if (b)
			goto refused;
		why = PRIV_R_LIMIT;
		b = fresh = binding_new(pa, q, p.id);
		if (!b)
			goto refused;
	} else {
		why = PRIV_R_SESSION_UNKNOWN;
		if (!b || b->stopped || b->handle != q->handle || b->tid != q->tid ||
		    b->sid != q->sid)
			goto refused;
	}
	make_room(pa, b);
	k = malloc(sizeof(*k) + q->pkt.len);
	if (!k) {
		why = PRIV_R_LIMIT;
		if (fresh)
			binding_free(pa, fresh);
		goto refused;
	}
	memset(k, 0, sizeof(*k));
	do
		k->id = ++pa->last_id;
	while (!k->id || kept_find(pa, k->id));
	k->b = b;
	k->status = p.status;
	k->delay_off = p.delay_off;
	k->first_ms = now;
	k->len = q->pkt.len;
	memcpy(k->pkt, q->pkt.buf, q->pkt.len);
	htab_add(&pa->by_id, &k->node, htab_hash64(&pa->by_id, k->id));
	chain_add(&pa->all, &k->all);
	if (k->status == KEEP_INTERIM)
		chain_add(&pa->interims, &k->interims);
	b->n++;
	if (p.status == KEEP_STOP)
		b->stopped = true;
	chain_del(&pa->lru, &b->lru);		/* used now: the most recently */
	chain_add(&pa->lru, &b->lru);
	pa->st.kept++;
	pa->st.keeps++;
	*id = k->id;
	return PRIV_OK;
refused:
	pa->st.refused++;
	return why;
}

int priv_acct_match(const struct priv_acct *pa, uint32_t id, const uint8_t *buf, size_t len)
{
	const struct kept *k = kept_find(pa, id);
	size_t d;

	if (!k)
		return 0;
	d = k->delay_off;
	/* the code, then past the header: all as kept but the 4 octets of the delay */
	if (len != k->len || buf[0] != k->pkt[0] ||
	    memcmp(buf + RADIUS_HDR_LEN, k->pkt + RADIUS_HDR_LEN, d - RADIUS_HDR_LEN) ||
	    memcmp(buf + d + 4, k->pkt + d + 4, len - d - 4))
		return -1;
	return 1;
}

void priv_acct_answered(struct priv_acct *pa, uint32_t id)
{
	struct kept *k = kept_find(pa, id);

	if (!k)
		return;
	pa->st.answered++;
	kept_free(pa, k);
}

unsigned int priv_acct_each(const struct priv_acct *pa, priv_acct_fn *fn, void *ctx)
{
	unsigned int n = 0;

	for (const struct kept *k = KEPT_OF(pa->all.head, all); k; k = KEPT_OF(k->all.next, all)) {
		n++;
		if (fn(ctx, k->id, k->first_ms, k->pkt, k->len))
			break;
	}
	return n;
}

void priv_acct_handed_back(struct priv_acct *pa)
{
	pa->st.resent += pa->st.kept;
}

const struct priv_acct_stats *priv_acct_stats(const struct priv_acct *pa)
{
	return &pa->st;
}
