/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A chained hash table that grows and shrinks with its load, intrusive (the
 * caller's struct holds a struct htab_node, the table never allocates per
 * entry), with a keyed hash so that a peer cannot aim its keys at one chain.
 *
 * Every index of l2secd by a key a peer chooses (tunnel and session IDs,
 * addresses, SA marks) is one of these: lookups cost O(1) on average at any
 * load, adding and removing O(1) amortised. The table doubles when it holds
 * more entries than buckets and halves when it holds fewer than an eighth
 * (never below its initial size): the gap keeps an add/remove at the edge
 * from rehashing each time. A failed resize leaves longer chains, still
 * correct, so adding never fails.
 *
 * Keys are the caller's: htab_first/htab_next give the nodes of a hash
 * value (its full 64 bits compared, so only true collisions reach the
 * caller's key comparison). There is no walk over all entries (a removal may
 * shrink the table under it): a caller that visits them all keeps a list.
 * Not thread-safe; the event loop owns each table.
 */
#ifndef L2SECD_HTAB_H
#define L2SECD_HTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct htab_node {
	struct htab_node *next;
	uint64_t hash;
};

struct htab {
	struct htab_node **bucket;
	size_t mask;		/* buckets - 1; buckets is a power of two */
	size_t min_mask;	/* never shrinks below this */
	size_t n;		/* entries */
	uint64_t seed;
};

/*
 * Nodes htab_first/htab_next looked at, all tables together: what the unit
 * tests count to show that a lookup stays O(1) at any load.
 */
extern uint64_t htab_probes;

/* min_buckets is rounded up to a power of two (at least 8). -1: out of memory. */
int htab_init(struct htab *h, size_t min_buckets, uint64_t seed);
/* Frees the buckets, not the entries. */
void htab_free(struct htab *h);

/* The keyed hash of len bytes of key (and of a 64-bit key). */
uint64_t htab_hash(const struct htab *h, const void *key, size_t len);
uint64_t htab_hash64(const struct htab *h, uint64_t key);

void htab_add(struct htab *h, struct htab_node *node, uint64_t hash);
/* node must be in h. */
void htab_del(struct htab *h, struct htab_node *node);

/* The first (next) node with this hash value, or NULL. */
struct htab_node *htab_first(const struct htab *h, uint64_t hash);
struct htab_node *htab_next(const struct htab_node *node);

static inline size_t htab_buckets(const struct htab *h)
{
	return h->mask + 1;
}

#endif
