// SPDX-License-Identifier: GPL-2.0
/* The gateway's IKEv1 reauthentication, timed by l2secd (ipsec_reauth.h). */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "ipsec/ipsec_reauth.h"

struct ipsec_reauth_rec {
	struct ipsec_reauth_rec *prev, *next;	/* r->list */
	struct htab_node id_node, addr_node;
	struct ev_timer timer;
	struct ipsec_reauth *r;
	uint32_t ike_id;
	struct vici_addr remote;
	uint64_t mm_seen;		/* loop time the address last started a main mode, 0 never */
	uint8_t deferrals;
};

int ipsec_reauth_init(struct ipsec_reauth *r, struct evloop *loop, uint64_t interval_ms,
		      const struct ipsec_reauth_ops *ops, void *ctx)
{
	uint64_t seed = ops->random(ctx) | (uint64_t)ops->random(ctx) << 32;

	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->interval_ms = interval_ms;
	r->ops = ops;
	r->ctx = ctx;
	if (htab_init(&r->by_id, 16, seed) || htab_init(&r->by_addr, 16, seed + 1)) {
		htab_free(&r->by_id);
		return -1;
	}
	return 0;
}

/* the address only: behind one NAT the ports differ, the main mode line has none */
static uint64_t addr_hash(const struct htab *h, const struct vici_addr *a)
{
	return a->family == AF_INET ? htab_hash(h, &a->a.v4, 4) : htab_hash(h, &a->a.v6, 16);
}

static bool addr_same(const struct vici_addr *a, const struct vici_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET ? a->a.v4.s_addr == b->a.v4.s_addr :
				      !memcmp(&a->a.v6, &b->a.v6, sizeof(a->a.v6));
}

static struct ipsec_reauth_rec *find(const struct ipsec_reauth *r, uint32_t ike_id)
{
	struct htab_node *x;

	for (x = htab_first(&r->by_id, htab_hash64(&r->by_id, ike_id)); x; x = htab_next(x)) {
		struct ipsec_reauth_rec *rec = container_of(x, struct ipsec_reauth_rec, id_node);

		if (rec->ike_id == ike_id)
			return rec;
	}
	return NULL;
}

static void rec_del(struct ipsec_reauth_rec *rec)
{
	struct ipsec_reauth *r = rec->r;

	ev_timer_cancel(r->loop, &rec->timer);
	if (rec->prev)
		rec->prev->next = rec->next;
	else
		r->list = rec->next;
	if (rec->next)
		rec->next->prev = rec->prev;
	htab_del(&r->by_id, &rec->id_node);
	htab_del(&r->by_addr, &rec->addr_node);
	r->n--;
	free(rec);
}

static void arm(struct ipsec_reauth_rec *rec, uint64_t ms)
{
	if (ev_timer_arm(rec->r->loop, &rec->timer, ms) < 0) {
		log_err("ipsec: out of memory for the reauthentication timer of IKE_SA #%u",
			rec->ike_id);
		rec_del(rec);
	}
}

/* The interval less up to a tenth, as charon's rand_time: clients that came together spread. */
static uint64_t due_in(const struct ipsec_reauth *r)
{
	uint64_t jitter = r->interval_ms / 10;

	return r->interval_ms - (jitter ? r->ops->random(r->ctx) % (jitter + 1) : 0);
}

static void timer_cb(struct ev_timer *t)
{
	struct ipsec_reauth_rec *rec = container_of(t, struct ipsec_reauth_rec, timer);
	struct ipsec_reauth *r = rec->r;
	uint64_t now = evloop_now(r->loop);

	if (rec->mm_seen && now - rec->mm_seen < IPSEC_REAUTH_MM_MS &&
	    rec->deferrals < IPSEC_REAUTH_DEFERRALS) {
		rec->deferrals++;
		r->st.deferred++;
		log_info("ipsec: reauthentication of IKE_SA #%u put off: its peer's address "
			 "started a main mode %llu ms ago", rec->ike_id,
			 (unsigned long long)(now - rec->mm_seen));
		arm(rec, IPSEC_REAUTH_DEFER_MS);
		return;
	}
	rec->deferrals = 0;
	switch (r->ops->verdict(r->ctx, rec->ike_id)) {
	case IPSEC_REAUTH_NEVER:
		r->st.skipped++;
		rec_del(rec);
		return;
	case IPSEC_REAUTH_LATER:
		r->st.skipped++;
		arm(rec, due_in(r));
		return;
	case IPSEC_REAUTH_NOW:
		break;
	}
	if (r->ops->reauth(r->ctx, rec->ike_id) < 0) {
		r->st.skipped++;
	} else {
		r->st.started++;
		log_info("ipsec: reauthenticating IKE_SA #%u ([ipsec] reauth-time)", rec->ike_id);
	}
	/* its delete, once the new IKE_SA has its CHILD_SAs, ends the record */
	arm(rec, due_in(r));
}

void ipsec_reauth_ike_up(struct ipsec_reauth *r, uint32_t ike_id, const struct vici_addr *remote)
{
	struct ipsec_reauth_rec *rec;

	if (!r->interval_ms || !ike_id || find(r, ike_id))
		return;
	if (remote->family != AF_INET && remote->family != AF_INET6)
		return;
	if (r->n >= IPSEC_REAUTH_MAX) {
		r->st.untracked++;
		return;
	}
	rec = calloc(1, sizeof(*rec));
	if (!rec) {
		log_err("ipsec: out of memory for the reauthentication of IKE_SA #%u", ike_id);
		return;
	}
	rec->r = r;
	rec->ike_id = ike_id;
	rec->remote = *remote;
	ev_timer_init(&rec->timer, timer_cb);
	rec->next = r->list;
	if (rec->next)
		rec->next->prev = rec;
	r->list = rec;
	htab_add(&r->by_id, &rec->id_node, htab_hash64(&r->by_id, ike_id));
	htab_add(&r->by_addr, &rec->addr_node, addr_hash(&r->by_addr, remote));
	r->n++;
	arm(rec, due_in(r));
}

void ipsec_reauth_ike_down(struct ipsec_reauth *r, uint32_t ike_id)
{
	struct ipsec_reauth_rec *rec = find(r, ike_id);

	if (rec)
		rec_del(rec);
}

void ipsec_reauth_clear(struct ipsec_reauth *r)
{
	/* once per lost connection to charon (or a reload to 0): a walk over all is its price */
	while (r->list)
		rec_del(r->list);
}

void ipsec_reauth_set_interval(struct ipsec_reauth *r, uint64_t interval_ms)
{
	r->interval_ms = interval_ms;
	if (!interval_ms)
		ipsec_reauth_clear(r);
}

void ipsec_reauth_initiating(struct ipsec_reauth *r, const char *addr)
{
	struct vici_addr a = { 0 };
	struct htab_node *x;
	uint64_t now = evloop_now(r->loop);

	if (!r->n)
		return;
	if (inet_pton(AF_INET, addr, &a.a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &a.a.v6) == 1)
		a.family = AF_INET6;
	else
		return;
	for (x = htab_first(&r->by_addr, addr_hash(&r->by_addr, &a)); x; x = htab_next(x)) {
		struct ipsec_reauth_rec *rec = container_of(x, struct ipsec_reauth_rec, addr_node);

		if (addr_same(&rec->remote, &a))
			rec->mm_seen = now ? now : 1;
	}
}

unsigned int ipsec_reauth_count(const struct ipsec_reauth *r)
{
	return r->n;
}

void ipsec_reauth_free(struct ipsec_reauth *r)
{
	ipsec_reauth_clear(r);
	htab_free(&r->by_id);
	htab_free(&r->by_addr);
}
