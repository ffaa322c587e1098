// SPDX-License-Identifier: GPL-2.0
/* The SA table: CHILD_SAs of l2secd's connection by inbound mark; see ipsec_sa.h. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/ipsec_sa.h"
#include "core/log.h"
#include "ipsec/vici_conn.h"

#define KNOWN_MAX	(1u << 20)	/* SPIs or marks kept from one resync */

void ipsec_sa_init(struct ipsec_sa_table *t, ipsec_sa_gone_fn gone, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->gone = gone;
	t->ctx = ctx;
}

static void known_clear(struct ipsec_sa_known *k)
{
	free(k->spi);
	free(k->mark);
	memset(k, 0, sizeof(*k));
}

void ipsec_sa_free(struct ipsec_sa_table *t)
{
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		while (t->bucket[i]) {
			struct ipsec_sa *s = t->bucket[i];

			t->bucket[i] = s->next;
			free(s);
		}
	}
	t->n = 0;
	known_clear(&t->known);
}

static unsigned int hash(uint32_t mark)
{
	return (mark * 2654435761u) % IPSEC_SA_HASH_SIZE;
}

static struct ipsec_sa **slot(struct ipsec_sa_table *t, uint32_t mark)
{
	struct ipsec_sa **pp = &t->bucket[hash(mark)];

	while (*pp && (*pp)->mark != mark)
		pp = &(*pp)->next;
	return pp;
}

const struct ipsec_sa *ipsec_sa_find(const struct ipsec_sa_table *t, uint32_t mark)
{
	const struct ipsec_sa *s = t->bucket[hash(mark)];

	while (s && s->mark != mark)
		s = s->next;
	return s;
}

/* Unlinks *pp, tells the owner, frees it. */
static void sa_del(struct ipsec_sa_table *t, struct ipsec_sa **pp, const char *why)
{
	struct ipsec_sa *s = *pp;

	*pp = s->next;
	t->n--;
	t->st.sa_down++;
	if (t->gone)
		t->gone(t->ctx, s, why);
	free(s);
}

/* Appends v to a growing array; false (and nothing kept) when full or out of memory. */
static bool push(uint32_t **arr, size_t *n, size_t *cap, uint32_t v)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		uint32_t *a;

		if (ncap > KNOWN_MAX)
			return false;
		a = realloc(*arr, ncap * sizeof(*a));
		if (!a)
			return false;
		*arr = a;
		*cap = ncap;
	}
	(*arr)[(*n)++] = v;
	return true;
}

static void known_add(struct ipsec_sa_table *t, const struct vici_child_info *c)
{
	struct ipsec_sa_known *k = &t->known;
	bool ok = true;

	if (c->has_spi) {
		ok &= push(&k->spi, &k->n_spi, &k->cap_spi, c->spi_in);
		ok &= push(&k->spi, &k->n_spi, &k->cap_spi, c->spi_out);
	}
	if (c->has_mark_in && c->mark_in)
		ok &= push(&k->mark, &k->n_mark, &k->cap_mark, c->mark_in);
	if (c->has_mark_out && c->mark_out)
		ok &= push(&k->mark, &k->n_mark, &k->cap_mark, c->mark_out);
	if (!ok)
		log_warn("ipsec: too many SAs listed to remember them all");
}

static bool in(const uint32_t *a, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

bool ipsec_sa_known_spi(const struct ipsec_sa_table *t, uint32_t spi)
{
	if (in(t->known.spi, t->known.n_spi, spi))
		return true;
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++)
		for (const struct ipsec_sa *s = t->bucket[i]; s; s = s->next)
			if (s->confirmed && (s->spi_in == spi || s->spi_out == spi))
				return true;
	return false;
}

bool ipsec_sa_known_mark(const struct ipsec_sa_table *t, uint32_t mark)
{
	const struct ipsec_sa *s = ipsec_sa_find(t, mark);

	return in(t->known.mark, t->known.n_mark, mark) || (s && s->confirmed);
}

/* Whether CHILD_SA id carries s's mark (the newest, or a rekey collision's twin). */
static bool carries(const struct ipsec_sa *s, uint32_t id)
{
	if (!id)			/* charon's ids start at 1; 0 is an empty slot */
		return false;
	if (s->child_id == id)
		return true;
	for (unsigned int i = 0; i < IPSEC_SA_TWINS; i++)
		if (s->twin[i] == id)
			return true;
	return false;
}

/* CHILD_SA id carries s's mark now; the oldest twin is forgotten when full. */
static void carrier_add(struct ipsec_sa *s, uint32_t id)
{
	if (carries(s, id))
		return;
	if (s->child_id) {
		memmove(&s->twin[1], &s->twin[0], sizeof(s->twin) - sizeof(s->twin[0]));
		s->twin[0] = s->child_id;
	}
	s->child_id = id;
}

/* CHILD_SA id was rekeyed: it no longer carries s's mark. */
static void carrier_drop(struct ipsec_sa *s, uint32_t id)
{
	unsigned int i = 0;

	if (s->child_id == id) {
		s->child_id = s->twin[0];
	} else {
		while (i < IPSEC_SA_TWINS && s->twin[i] != id)
			i++;
		if (i == IPSEC_SA_TWINS)
			return;
	}
	memmove(&s->twin[i], &s->twin[i + 1], (IPSEC_SA_TWINS - i - 1) * sizeof(s->twin[0]));
	s->twin[IPSEC_SA_TWINS - 1] = 0;
}

static bool ours(const struct vici_sa_event *ev, const struct vici_child_info *c)
{
	return !strcmp(ev->ike.name, VICI_CONN_DEFAULT_NAME) &&
	       (!c || !strcmp(c->name, VICI_CONN_CHILD_NAME));
}

static struct ipsec_sa *sa_new(struct ipsec_sa_table *t, struct ipsec_sa **pp,
			       const struct vici_sa_event *ev, const struct vici_child_info *c)
{
	char addr[64], desc[160];
	struct ipsec_sa *s = calloc(1, sizeof(*s));

	if (!s) {
		log_err("ipsec: out of memory for an SA");
		return NULL;
	}
	s->mark = c->mark_in;
	*pp = s;
	t->n++;
	t->st.sa_up++;
	vici_sa_addr_str(&ev->ike.remote, addr, sizeof(addr));
	vici_sa_child_str(c, desc, sizeof(desc));
	log_notice("ipsec: SA up: %s (%s) %s", addr, ev->ike.remote_id, desc);
	return s;
}

/*
 * Enters or refreshes c. An unconfirmed entry (from before the reconnect)
 * with other SPIs is another SA that got the same mark: it goes first.
 */
static void sa_put(struct ipsec_sa_table *t, const struct vici_sa_event *ev,
		   const struct vici_child_info *c, bool rekeyed)
{
	struct ipsec_sa **pp, *s;

	if (!c->has_mark_in || !c->mark_in) {
		log_warn("ipsec: CHILD_SA #%u of IKE_SA #%u has no inbound mark: its tunnels "
			 "cannot be told apart", c->uniqueid, ev->ike.uniqueid);
		return;
	}
	pp = slot(t, c->mark_in);
	s = *pp;
	if (s && !s->confirmed && !rekeyed &&
	    (s->spi_in != c->spi_in || s->spi_out != c->spi_out)) {
		log_notice("ipsec: SA mark %#x now names another SA (spi %08x/%08x, was "
			   "%08x/%08x): charon restarted", s->mark, c->spi_in, c->spi_out,
			   s->spi_in, s->spi_out);
		t->st.replaced++;
		sa_del(t, pp, "IPsec SA gone (charon restarted; its mark names another SA)");
		pp = slot(t, c->mark_in);
		s = NULL;
	}
	if (!s && !(s = sa_new(t, pp, ev, c)))
		return;
	if (s->ike_id != ev->ike.uniqueid)
		s->heir = s->retire = 0;
	s->ike_id = ev->ike.uniqueid;
	carrier_add(s, c->uniqueid);
	s->reqid = c->reqid;
	s->spi_in = c->spi_in;
	s->spi_out = c->spi_out;
	s->encap = c->encap;
	s->remote = ev->ike.remote;
	s->confirmed = s->seen = true;
	snprintf(s->remote_id, sizeof(s->remote_id), "%s", ev->ike.remote_id);
}

/*
 * charon reports a CHILD_SA down only when no other installed one of its
 * IKE_SA has the same config and selectors (IKEv1 drops redundant ones
 * silently, and never reports a rekeyed one): when any SA that carries the
 * mark is reported down, the mark's last SA is gone.
 */
static void child_down(struct ipsec_sa_table *t, const struct vici_child_info *c)
{
	struct ipsec_sa **pp;

	if (!c->has_mark_in)
		return;
	pp = slot(t, c->mark_in);
	if (*pp && carries(*pp, c->uniqueid))
		sa_del(t, pp, "IPsec SA deleted");
}

static bool addr_eq(const struct vici_addr *a, const struct vici_addr *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->a.v4.s_addr == b->a.v4.s_addr;
	return a->family != AF_INET6 || !memcmp(&a->a.v6, &b->a.v6, sizeof(a->a.v6));
}

/*
 * A new IKE_SA with the peer of an entry's IKE_SA (address, port and
 * identity: what charon's IKEv1 reauth requires before it adopts CHILD_SAs)
 * is the IKE_SA the entry's CHILD_SA moves to if its own IKE_SA goes first.
 * When the peer started it (its reauthentication), the old IKE_SA retires.
 * Only confirmed entries: an unconfirmed one's IKE_SA id is another charon's.
 */
static void ike_up(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		for (struct ipsec_sa *s = t->bucket[i]; s; s = s->next) {
			if (!s->confirmed || s->ike_id == ev->ike.uniqueid ||
			    !addr_eq(&s->remote, &ev->ike.remote) ||
			    strcmp(s->remote_id, ev->ike.remote_id))
				continue;
			s->heir = ev->ike.uniqueid;
			s->retire = ev->ike.initiator ? 0 : IPSEC_SA_RETIRE_TRIES;
		}
	}
}

/*
 * An IKE_SA went. Its CHILD_SAs still in it are reported down right after
 * (bus.c ike_updown), and their entries go then. Those charon moved to a new
 * IKE_SA before (IKEv1 reauthentication) are not: they now belong to the heir.
 */
static void ike_down(struct ipsec_sa_table *t, uint32_t ike_id)
{
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		for (struct ipsec_sa *s = t->bucket[i]; s; s = s->next) {
			if (!s->confirmed)
				continue;
			if (s->heir == ike_id)
				s->heir = s->retire = 0;
			if (s->ike_id != ike_id || !s->heir)
				continue;
			log_info("ipsec: SA mark %#x moved from IKE_SA #%u to #%u "
				 "(reauthenticated)", s->mark, s->ike_id, s->heir);
			s->ike_id = s->heir;
			s->heir = s->retire = 0;
			t->st.adopted++;
		}
	}
}

static void rekey(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	const struct vici_child_info *old = &ev->child[0], *new = &ev->child[1];
	struct ipsec_sa **pp, *s;

	t->st.rekeys++;
	if (ev->n_children < 2 || !new->has_mark_in)
		return;
	if (old->has_mark_in && old->mark_in != new->mark_in) {
		/* the binding follows the mark: tunnels on the old one lose their SA */
		log_warn("ipsec: rekey of CHILD_SA #%u changed its mark %#x -> %#x",
			 old->uniqueid, old->mark_in, new->mark_in);
		pp = slot(t, old->mark_in);
		if (*pp)
			sa_del(t, pp, "IPsec SA rekeyed with another mark");
	}
	s = old->has_mark_in ? *slot(t, old->mark_in) : NULL;
	if (s)
		carrier_drop(s, old->uniqueid);
	sa_put(t, ev, new, true);
	log_info("ipsec: SA mark %#x rekeyed: spi %08x/%08x", new->mark_in, new->spi_in,
		 new->spi_out);
}

/* Only entries charon confirmed: an unconfirmed one's IKE_SA id may be reused. */
static void nat_update(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	char addr[64];

	t->st.nat_updates++;
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++)
		for (struct ipsec_sa *s = t->bucket[i]; s; s = s->next)
			if (s->confirmed && s->ike_id == ev->ike.uniqueid)
				s->remote = ev->new_remote;
	vici_sa_addr_str(&ev->new_remote, addr, sizeof(addr));
	log_notice("ipsec: IKE_SA #%u moved to %s (NAT mapping changed)", ev->ike.uniqueid, addr);
}

static void up_or_list(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	for (unsigned int i = 0; i < ev->n_children; i++) {
		const struct vici_child_info *c = &ev->child[i];

		if (ev->kind == VICI_SA_LIST)
			known_add(t, c);
		if (ours(ev, c) && !strcmp(c->state, "INSTALLED"))
			sa_put(t, ev, c, false);
	}
}

void ipsec_sa_event(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	if (ev->kind == VICI_SA_LIST)
		up_or_list(t, ev);
	if (!ours(ev, NULL))
		return;
	switch (ev->kind) {
	case VICI_SA_CHILD_UP:
		up_or_list(t, ev);
		break;
	case VICI_SA_CHILD_DOWN:
		for (unsigned int i = 0; i < ev->n_children; i++)
			if (ours(ev, &ev->child[i]))
				child_down(t, &ev->child[i]);
		break;
	case VICI_SA_IKE_DOWN:
		ike_down(t, ev->ike.uniqueid);
		break;
	case VICI_SA_CHILD_REKEY:
		rekey(t, ev);
		break;
	case VICI_SA_IKE_UPDATE:
		nat_update(t, ev);
		break;
	case VICI_SA_IKE_UP:
		ike_up(t, ev);
		break;
	case VICI_SA_LIST:
		break;
	}
}

void ipsec_sa_lost(struct ipsec_sa_table *t)
{
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		for (struct ipsec_sa *s = t->bucket[i]; s; s = s->next) {
			s->seen = s->confirmed = false;
			s->retire = 0;	/* its IKE_SA ids were the lost charon's */
		}
	}
	known_clear(&t->known);
}

void ipsec_sa_synced(struct ipsec_sa_table *t)
{
	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		struct ipsec_sa **pp = &t->bucket[i];

		while (*pp) {
			if (!(*pp)->seen) {
				sa_del(t, pp, "IPsec SA gone (charon restarted)");
				continue;
			}
			(*pp)->seen = false;
			pp = &(*pp)->next;
		}
	}
}

unsigned int ipsec_sa_retiring(const struct ipsec_sa_table *t, uint32_t *ids, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++)
		for (const struct ipsec_sa *s = t->bucket[i]; s; s = s->next)
			if (s->retire && n < max && !in(ids, n, s->ike_id))
				ids[n++] = s->ike_id;
	return n;
}

/* Whether ev lists a CHILD_SA of l2secd's connection. */
static bool has_children(const struct vici_sa_event *ev)
{
	for (unsigned int i = 0; i < ev->n_children; i++)
		if (ours(ev, &ev->child[i]))
			return true;
	return ev->truncated;
}

bool ipsec_sa_retire_listed(struct ipsec_sa_table *t, uint32_t ike_id,
			    const struct vici_sa_event *ev)
{
	/* noblock: charon leaves out an IKE_SA busy in an exchange (or the adoption) */
	bool childless = ev && !strcmp(ev->ike.state, "ESTABLISHED") && !has_children(ev);
	bool again = !ev || (!strcmp(ev->ike.state, "ESTABLISHED") && !childless);

	for (unsigned int i = 0; i < IPSEC_SA_HASH_SIZE; i++) {
		for (struct ipsec_sa *s = t->bucket[i]; s; s = s->next) {
			if (!s->retire || s->ike_id != ike_id)
				continue;
			s->retire = again ? s->retire - 1 : 0;
			if (again && !s->retire)
				log_info("ipsec: IKE_SA #%u still has SA mark %#x after IKE_SA "
					 "#%u replaced it: left to charon", ike_id, s->mark, s->heir);
		}
	}
	if (childless) {
		t->st.retired++;
		log_info("ipsec: IKE_SA #%u has no CHILD_SA left after its peer's "
			 "reauthentication: terminating it", ike_id);
	}
	return childless;
}
