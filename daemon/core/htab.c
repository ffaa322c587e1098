// SPDX-License-Identifier: GPL-2.0
/* The growing chained hash table (htab.h). */
#include <stdlib.h>
#include <string.h>

#include "core/htab.h"

#define HTAB_MIN 8u

uint64_t htab_probes;

int htab_init(struct htab *h, size_t min_buckets, uint64_t seed)
{
	size_t n = HTAB_MIN;

	while (n < min_buckets && n < ((size_t)1 << 30))
		n <<= 1;
	memset(h, 0, sizeof(*h));
	h->bucket = calloc(n, sizeof(*h->bucket));
	if (!h->bucket)
		return -1;
	h->mask = h->min_mask = n - 1;
	/* an odd multiplier-friendly seed; 0 would still work, just less mixed */
	h->seed = seed ^ 0x243f6a8885a308d3ull;
	return 0;
}

void htab_free(struct htab *h)
{
	free(h->bucket);
	h->bucket = NULL;
	h->n = 0;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/*
 * Keyed: without the seed a peer cannot tell which of its addresses or IDs
 * share a bucket. Not a MAC; chains stay short on average at any load, and
 * the keys peers choose are few bits (IDs, addresses) behind admission limits.
 */
uint64_t htab_hash(const struct htab *h, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t v = h->seed ^ (len * 0x9e3779b97f4a7c15ull), w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		v = mix(v ^ w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		v = mix(v ^ w ^ 0x8000000000000000ull);
	}
	return mix(v ^ h->seed);
}

uint64_t htab_hash64(const struct htab *h, uint64_t key)
{
	return mix(mix(h->seed ^ key) ^ h->seed);
}

static void rehash(struct htab *h, size_t n)
{
	struct htab_node **b = calloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains; still correct */
	for (size_t i = 0; i <= h->mask; i++) {
		while (h->bucket[i]) {
			struct htab_node *x = h->bucket[i];

			h->bucket[i] = x->next;
			x->next = b[x->hash & (n - 1)];
			b[x->hash & (n - 1)] = x;
		}
	}
	free(h->bucket);
	h->bucket = b;
	h->mask = n - 1;
}

void htab_add(struct htab *h, struct htab_node *node, uint64_t hash)
{
	struct htab_node **b;

	if (h->n > h->mask && h->mask < ((size_t)1 << 30))
		rehash(h, (h->mask + 1) * 2);
	b = &h->bucket[hash & h->mask];
	node->hash = hash;
	node->next = *b;
	*b = node;
	h->n++;
}

void htab_del(struct htab *h, struct htab_node *node)
{
	struct htab_node **pp = &h->bucket[node->hash & h->mask];

	while (*pp && *pp != node)
		pp = &(*pp)->next;
	if (!*pp)
		return;		/* not in the table: a caller's bug, but no corruption */
	*pp = node->next;
	node->next = NULL;
	h->n--;
	if (h->mask > h->min_mask && h->n < (h->mask + 1) / 8)
		rehash(h, (h->mask + 1) / 2);
}

static struct htab_node *from(struct htab_node *x, uint64_t hash)
{
	for (; x; x = x->next) {
		htab_probes++;
		if (x->hash == hash)
			return x;
	}
	return NULL;
}

struct htab_node *htab_first(const struct htab *h, uint64_t hash)
{
	return from(h->bucket[hash & h->mask], hash);
}

struct htab_node *htab_next(const struct htab_node *node)
{
	return from(node->next, node->hash);
}
