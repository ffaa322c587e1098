// SPDX-License-Identifier: GPL-2.0
/* The SA table: CHILD_SAs of l2secd's connection by inbound mark; see ipsec_sa.h. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ipsec/ipsec_sa.h"
#include "core/log.h"
#include "core/u32set.h"
#include "core/util.h"
#include "ipsec/vici_conn.h"

#define KNOWN_MAX	(1u << 20)	/* SPIs or marks kept from one resync */

int ipsec_sa_init(struct ipsec_sa_table *t, ipsec_sa_gone_fn gone, void *ctx)
{
	uint64_t seed = 0;

	memset(t, 0, sizeof(*t));
	t->gone = gone;
	t->ctx = ctx;
	/* marks and ids are charon's counters; a seed keeps a peer's identity from aiming */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)t;
	if (htab_init(&t->by_mark, 64, seed) || htab_init(&t->by_ike, 64, seed + 1) ||
	    htab_init(&t->by_heir, 16, seed + 2) || htab_init(&t->by_peer, 64, seed + 3)) {
		ipsec_sa_free(t);
		return -1;
	}
	return 0;
}

static void known_clear(struct ipsec_sa_known *k)
{
	free(k->spi);
	free(k->mark);
	memset(k, 0, sizeof(*k));
}

void ipsec_sa_free(struct ipsec_sa_table *t)
{
	while (t->list) {
		struct ipsec_sa *s = t->list;

		t->list = s->next;
		free(s);
	}
	t->retiring = NULL;
	t->n = 0;
	htab_free(&t->by_mark);
	htab_free(&t->by_ike);
	htab_free(&t->by_heir);
	htab_free(&t->by_peer);
	known_clear(&t->known);
}

/* --- the indexes: every change of a key field goes through these ------------------ */

static uint64_t peer_hash(const struct htab *h, const struct vici_addr *a, const char *id)
{
	uint8_t k[2 + 2 + 16];
	uint64_t v;

	memset(k, 0, sizeof(k));
	put_be16(k, (uint16_t)a->family);
	put_be16(k + 2, a->port);
	if (a->family == AF_INET)
		memcpy(k + 4, &a->a.v4, 4);
	else if (a->family == AF_INET6)
		memcpy(k + 4, &a->a.v6, 16);
	v = htab_hash(h, k, sizeof(k));
	return v ^ htab_hash(h, id, strlen(id));
}

static void set_ike(struct ipsec_sa_table *t, struct ipsec_sa *s, uint32_t id)
{
	htab_del(&t->by_ike, &s->ike_node);
	s->ike_id = id;
	htab_add(&t->by_ike, &s->ike_node, htab_hash64(&t->by_ike, id));
}

static void set_heir(struct ipsec_sa_table *t, struct ipsec_sa *s, uint32_t id)
{
	if (s->heir)
		htab_del(&t->by_heir, &s->heir_node);
	s->heir = id;
	if (id)
		htab_add(&t->by_heir, &s->heir_node, htab_hash64(&t->by_heir, id));
}

static void set_retire(struct ipsec_sa_table *t, struct ipsec_sa *s, uint8_t n)
{
	if (!s->retire == !n) {
		s->retire = n;
		return;
	}
	s->retire = n;
	if (n) {
		s->rprev = NULL;
		s->rnext = t->retiring;
		if (s->rnext)
			s->rnext->rprev = s;
		t->retiring = s;
		return;
	}
	if (s->rprev)
		s->rprev->rnext = s->rnext;
	else
		t->retiring = s->rnext;
	if (s->rnext)
		s->rnext->rprev = s->rprev;
	s->rprev = s->rnext = NULL;
}

static void set_peer(struct ipsec_sa_table *t, struct ipsec_sa *s, const struct vici_addr *a,
		     const char *id)
{
	htab_del(&t->by_peer, &s->peer_node);
	s->remote = *a;
	if (id)
		snprintf(s->remote_id, sizeof(s->remote_id), "%s", id);
	htab_add(&t->by_peer, &s->peer_node, peer_hash(&t->by_peer, &s->remote, s->remote_id));
}

const struct ipsec_sa *ipsec_sa_find(const struct ipsec_sa_table *t, uint32_t mark)
{
	struct htab_node *x;

	for (x = htab_first(&t->by_mark, htab_hash64(&t->by_mark, mark)); x; x = htab_next(x)) {
		const struct ipsec_sa *s = container_of(x, struct ipsec_sa, mark_node);

		if (s->mark == mark)
			return s;
	}
	return NULL;
}

static struct ipsec_sa *find(struct ipsec_sa_table *t, uint32_t mark)
{
	return (struct ipsec_sa *)ipsec_sa_find(t, mark);
}

/* A confirmed entry of IKE_SA id (heir: that names id as its heir) that pred accepts. */
static struct ipsec_sa *find_ike(struct ipsec_sa_table *t, uint32_t id, bool heir,
				 bool (*pred)(const struct ipsec_sa *s))
{
	struct htab *h = heir ? &t->by_heir : &t->by_ike;
	struct htab_node *x;

	for (x = htab_first(h, htab_hash64(h, id)); x; x = htab_next(x)) {
		struct ipsec_sa *s = heir ? container_of(x, struct ipsec_sa, heir_node) :
					    container_of(x, struct ipsec_sa, ike_node);

		if ((heir ? s->heir : s->ike_id) == id && s->confirmed && (!pred || pred(s)))
			return s;
	}
	return NULL;
}

/* Unlinks s from the list and every index, tells the owner, frees it. */
static void sa_del(struct ipsec_sa_table *t, struct ipsec_sa *s, const char *why)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		t->list = s->next;
	if (s->next)
		s->next->prev = s->prev;
	htab_del(&t->by_mark, &s->mark_node);
	htab_del(&t->by_ike, &s->ike_node);
	htab_del(&t->by_peer, &s->peer_node);
	set_heir(t, s, 0);
	set_retire(t, s, 0);
	t->n--;
	t->st.sa_down++;
	if (t->gone)
		t->gone(t->ctx, s, why);
	free(s);
}

static void changed(struct ipsec_sa_table *t, const struct ipsec_sa *s)
{
	if (t->changed)
		t->changed(t->ctx, s);
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

/*
 * After a complete resync the stale-xfrm pass asks about every SA and policy
 * in the kernel: the lists become sorted sets, the table's confirmed SPIs
 * in them, so that each question is O(log n) (O(n^2) in all before).
 */
static void known_seal(struct ipsec_sa_table *t)
{
	struct ipsec_sa_known *k = &t->known;
	bool ok = true;

	for (const struct ipsec_sa *s = t->list; s; s = s->next) {
		if (!s->confirmed)
			continue;
		ok &= push(&k->spi, &k->n_spi, &k->cap_spi, s->spi_in);
		ok &= push(&k->spi, &k->n_spi, &k->cap_spi, s->spi_out);
	}
	if (!ok)
		log_warn("ipsec: too many SAs to remember them all");
	k->n_spi = u32set_build(k->spi, k->n_spi);
	k->n_mark = u32set_build(k->mark, k->n_mark);
	k->sealed = true;
}

bool ipsec_sa_known_spi(const struct ipsec_sa_table *t, uint32_t spi)
{
	if (t->known.sealed)
		return u32set_has(t->known.spi, t->known.n_spi, spi);
	/* during a resync: not what the stale-xfrm pass asks; the slow way */
	if (in(t->known.spi, t->known.n_spi, spi))
		return true;
	for (const struct ipsec_sa *s = t->list; s; s = s->next)
		if (s->confirmed && (s->spi_in == spi || s->spi_out == spi))
			return true;
	return false;
}

bool ipsec_sa_known_mark(const struct ipsec_sa_table *t, uint32_t mark)
{
	const struct ipsec_sa *s = ipsec_sa_find(t, mark);

	if (s && s->confirmed)
		return true;
	if (t->known.sealed)
		return u32set_has(t->known.mark, t->known.n_mark, mark);
	return in(t->known.mark, t->known.n_mark, mark);
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

static struct ipsec_sa *sa_new(struct ipsec_sa_table *t, const struct vici_sa_event *ev,
			       const struct vici_child_info *c)
{
	char addr[64], desc[160];
	struct ipsec_sa *s = calloc(1, sizeof(*s));

	if (!s) {
		log_err("ipsec: out of memory for an SA");
		return NULL;
	}
	s->mark = c->mark_in;
	s->next = t->list;
	if (s->next)
		s->next->prev = s;
	t->list = s;
	htab_add(&t->by_mark, &s->mark_node, htab_hash64(&t->by_mark, s->mark));
	htab_add(&t->by_ike, &s->ike_node, htab_hash64(&t->by_ike, 0));
	htab_add(&t->by_peer, &s->peer_node, peer_hash(&t->by_peer, &s->remote, s->remote_id));
	t->n++;
	t->st.sa_up++;
	vici_sa_addr_str(&ev->ike.remote, addr, sizeof(addr));
	vici_sa_child_str(c, desc, sizeof(desc));
	log_notice("ipsec: SA up: %s (%s) %s", addr, ev->ike.remote_id, desc);
	return s;
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
 * Enters or refreshes c. An unconfirmed entry (from before the reconnect)
 * with other SPIs is another SA that got the same mark: it goes first.
 */
static void sa_put(struct ipsec_sa_table *t, const struct vici_sa_event *ev,
		   const struct vici_child_info *c, bool rekeyed)
{
	struct ipsec_sa *s;

	if (!c->has_mark_in || !c->mark_in) {
		log_warn("ipsec: CHILD_SA #%u of IKE_SA #%u has no inbound mark: its tunnels "
			 "cannot be told apart", c->uniqueid, ev->ike.uniqueid);
		return;
	}
	s = find(t, c->mark_in);
	if (s && !s->confirmed && !rekeyed &&
	    (s->spi_in != c->spi_in || s->spi_out != c->spi_out)) {
		log_notice("ipsec: SA mark %#x now names another SA (spi %08x/%08x, was "
			   "%08x/%08x): charon restarted", s->mark, c->spi_in, c->spi_out,
			   s->spi_in, s->spi_out);
		t->st.replaced++;
		sa_del(t, s, "IPsec SA gone (charon restarted; its mark names another SA)");
		s = NULL;
	}
	if (!s && !(s = sa_new(t, ev, c)))
		return;
	/*
	 * A CHILD_SA reported in another IKE_SA: the heir is used up (or was a
	 * wrong guess). A retirement stays: the IKE_SA the peer replaced is still
	 * childless in charon when a rekey it had under way ends in the heir.
	 */
	if (s->ike_id != ev->ike.uniqueid)
		set_heir(t, s, 0);
	set_ike(t, s, ev->ike.uniqueid);
	carrier_add(s, c->uniqueid);
	s->reqid = c->reqid;
	s->spi_in = c->spi_in;
	s->spi_out = c->spi_out;
	s->encap = c->encap;
	s->confirmed = s->seen = true;
	snprintf(s->remote_ts, sizeof(s->remote_ts), "%s", c->remote_ts);
	set_peer(t, s, &ev->ike.remote, ev->ike.remote_id);
	changed(t, s);
}

/*
 * charon reports a CHILD_SA down only when no other installed one of its
 * IKE_SA has the same config and selectors (IKEv1 drops redundant ones
 * silently, and never reports a rekeyed one): when any SA that carries the
 * mark is reported down, the mark's last SA is gone.
 */
static void child_down(struct ipsec_sa_table *t, const struct vici_child_info *c)
{
	struct ipsec_sa *s;

	if (!c->has_mark_in)
		return;
	s = find(t, c->mark_in);
	if (s && carries(s, c->uniqueid))
		sa_del(t, s, "IPsec SA deleted");
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
	struct htab_node *x;
	char id[sizeof(((struct ipsec_sa *)0)->remote_id)];

	/* the key as entries hold it (remote_id truncated to its size) */
	snprintf(id, sizeof(id), "%s", ev->ike.remote_id);
	/* the peer's entries only; setting the heir leaves by_peer alone */
	for (x = htab_first(&t->by_peer, peer_hash(&t->by_peer, &ev->ike.remote, id)); x;
	     x = htab_next(x)) {
		struct ipsec_sa *s = container_of(x, struct ipsec_sa, peer_node);

		if (!s->confirmed || s->ike_id == ev->ike.uniqueid ||
		    !addr_eq(&s->remote, &ev->ike.remote) ||
		    strcmp(s->remote_id, ev->ike.remote_id))
			continue;
		set_heir(t, s, ev->ike.uniqueid);
		if (ev->ike.initiator)
			continue;
		s->retire_id = s->ike_id;
		set_retire(t, s, IPSEC_SA_RETIRE_TRIES);
	}
}

/*
 * An IKE_SA went. Its CHILD_SAs still in it are reported down right after
 * (bus.c ike_updown), and their entries go then. Those charon moved to a new
 * IKE_SA before (IKEv1 reauthentication) are not: they now belong to the heir.
 */
static bool has_heir(const struct ipsec_sa *s)
{
	return s->heir != 0;
}

static void ike_down(struct ipsec_sa_table *t, uint32_t ike_id)
{
	struct ipsec_sa *s, *next;

	/* each round takes s out of what it looks up: the loops end */
	while ((s = find_ike(t, ike_id, true, NULL))) {
		set_heir(t, s, 0);
		set_retire(t, s, 0);
	}
	/* the retired IKE_SA itself went: nothing left to list */
	for (s = t->retiring; s; s = next) {
		next = s->rnext;
		if (s->retire_id == ike_id)
			set_retire(t, s, 0);
	}
	while ((s = find_ike(t, ike_id, false, has_heir))) {
		log_info("ipsec: SA mark %#x moved from IKE_SA #%u to #%u "
			 "(reauthenticated)", s->mark, s->ike_id, s->heir);
		set_ike(t, s, s->heir);
		set_heir(t, s, 0);
		t->st.adopted++;
		changed(t, s);
	}
}

static void rekey(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	const struct vici_child_info *old = &ev->child[0], *new = &ev->child[1];
	struct ipsec_sa *s;

	t->st.rekeys++;
	if (ev->n_children < 2 || !new->has_mark_in)
		return;
	if (old->has_mark_in && old->mark_in != new->mark_in) {
		/* the binding follows the mark: tunnels on the old one lose their SA */
		log_warn("ipsec: rekey of CHILD_SA #%u changed its mark %#x -> %#x",
			 old->uniqueid, old->mark_in, new->mark_in);
		s = find(t, old->mark_in);
		if (s)
			sa_del(t, s, "IPsec SA rekeyed with another mark");
	}
	s = old->has_mark_in ? find(t, old->mark_in) : NULL;
	if (s)
		carrier_drop(s, old->uniqueid);
	sa_put(t, ev, new, true);
	log_info("ipsec: SA mark %#x rekeyed: spi %08x/%08x", new->mark_in, new->spi_in,
		 new->spi_out);
}

/* Only entries charon confirmed: an unconfirmed one's IKE_SA id may be reused. */
static void nat_update(struct ipsec_sa_table *t, const struct vici_sa_event *ev)
{
	struct htab_node *x;
	char addr[64];

	t->st.nat_updates++;
	/* set_peer changes by_peer, not the by_ike chain walked here */
	for (x = htab_first(&t->by_ike, htab_hash64(&t->by_ike, ev->ike.uniqueid)); x;
	     x = htab_next(x)) {
		struct ipsec_sa *s = container_of(x, struct ipsec_sa, ike_node);

		if (s->confirmed && s->ike_id == ev->ike.uniqueid) {
			set_peer(t, s, &ev->new_remote, NULL);
			changed(t, s);
		}
	}
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

/* Once per lost connection: a walk over all is its price. */
void ipsec_sa_lost(struct ipsec_sa_table *t)
{
	for (struct ipsec_sa *s = t->list; s; s = s->next) {
		s->seen = s->confirmed = false;
		set_retire(t, s, 0);	/* its IKE_SA ids were the lost charon's */
	}
	known_clear(&t->known);
}

/* Once per resync, as above. */
void ipsec_sa_synced(struct ipsec_sa_table *t)
{
	struct ipsec_sa *s, *next;

	for (s = t->list; s; s = next) {
		next = s->next;
		if (!s->seen) {
			sa_del(t, s, "IPsec SA gone (charon restarted)");
			continue;
		}
		s->seen = false;
	}
	known_seal(t);
}

/* The retiring entries only: asked at every IKE_SA up. */
unsigned int ipsec_sa_retiring(const struct ipsec_sa_table *t, uint32_t *ids, unsigned int max)
{
	unsigned int n = 0;

	for (const struct ipsec_sa *s = t->retiring; s && n < max; s = s->rnext)
		if (!in(ids, n, s->retire_id))
			ids[n++] = s->retire_id;
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

	struct ipsec_sa *s, *next;

	/* set_retire may take s off the retiring list walked here: next first */
	for (s = t->retiring; s; s = next) {
		next = s->rnext;
		if (s->retire_id != ike_id)
			continue;
		set_retire(t, s, again ? (uint8_t)(s->retire - 1) : 0);
		if (again && !s->retire)
			log_info("ipsec: IKE_SA #%u still has SA mark %#x after IKE_SA "
				 "#%u replaced it: left to charon", ike_id, s->mark, s->heir);
	}
	if (childless) {
		t->st.retired++;
		log_info("ipsec: IKE_SA #%u has no CHILD_SA left after its peer's "
			 "reauthentication: terminating it", ike_id);
	}
	return childless;
}
