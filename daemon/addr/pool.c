// SPDX-License-Identifier: GPL-2.0
/*
 * Address pools: a bitmap per range, and a round-robin cursor (range, offset)
 * at the entry after the last one handed out. The IPv6 pool is one range of
 * /64 subnet ids, 1..n-1, searched the same way.
 *
 * A search walks the bitmap a 64-bit word at a time, and skips full words
 * through a second bitmap with a bit per word (set when the word is full):
 * a 2^20 range is 16384 words but only 256 summary words, so a search in a
 * crowded pool costs at most a few hundred word tests, not 16384.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr/pool.h"
#include "core/util.h"

struct range {
	uint32_t first;		/* host byte order (IPv4) or subnet id (IPv6) */
	uint32_t n;		/* entries, at least 1 */
	uint64_t *used;		/* a bit per entry */
	uint64_t *full;		/* a bit per word of used: all its entries used */
};

/* Where the next search starts: the entry after the last one handed out. */
struct cursor {
	unsigned int range;
	uint32_t off;
};

struct pool {
	unsigned int size, in_use;
	struct cursor next;
	unsigned int n_ranges;
	struct range r[];
};

struct pool6 {
	uint64_t prefix;	/* the first 64 bits, host byte order, subnet id 0 */
	uint64_t sid_mask;	/* the subnet id's bits of those 64 */
	unsigned int in_use;
	struct cursor next;
	struct range r;		/* subnet ids 1 .. min(2^(64-plen), POOL6_MAX) - 1 */
};

/* --- ranges ------------------------------------------------------------------ */

static void range_free(struct range *r)
{
	free(r->used);
	free(r->full);
	r->used = r->full = NULL;
}

static int range_init(struct range *r, uint32_t first, uint32_t n)
{
	r->first = first;
	r->n = n;
	r->used = calloc((n + 63) / 64, sizeof(*r->used));
	r->full = calloc((n + 4095) / 4096, sizeof(*r->full));
	if (r->used && r->full)
		return 0;
	range_free(r);
	return -1;
}

/* For the unit tests: words of used looked at by searches. */
uint64_t pool_probes;

/* The first word at or after w with a free entry (by the summary), or the word count. */
static uint32_t next_open_word(const struct range *r, uint32_t w)
{
	uint32_t words = (r->n + 63) / 64;

	while (w < words) {
		uint64_t open = ~r->full[w / 64] >> (w % 64);

		pool_probes++;
		if (open)
			return w + (uint32_t)__builtin_ctzll(open);
		w = (w / 64 + 1) * 64;
	}
	return words;
}

static bool range_has(const struct range *r, uint32_t v)
{
	return v - r->first < r->n;	/* unsigned: also false below first */
}

static bool range_test(const struct range *r, uint32_t off)
{
	return r->used[off / 64] >> (off % 64) & 1;
}

/* The first free offset at or after off, or r->n. */
static uint32_t range_find_free(const struct range *r, uint32_t off)
{
	while (off < r->n) {
		uint64_t w = ~r->used[off / 64] >> (off % 64);

		pool_probes++;
		if (w) {
			off += (uint32_t)__builtin_ctzll(w);
			return off < r->n ? off : r->n;
		}
		off = next_open_word(r, off / 64 + 1) * 64;
	}
	return r->n;
}

static void range_set(struct range *r, uint32_t off, bool used)
{
	uint32_t w = off / 64;

	if (used)
		r->used[w] |= 1ull << (off % 64);
	else
		r->used[w] &= ~(1ull << (off % 64));
	if (r->used[w] == ~0ull)
		r->full[w / 64] |= 1ull << (w % 64);
	else
		r->full[w / 64] &= ~(1ull << (w % 64));
}

/*
 * The next free entry of r[0..n-1] at or after the cursor, wrapping around
 * once; marked used and the cursor moved past it. -1 when all are used.
 */
static int ranges_alloc(struct range *r, unsigned int n, struct cursor *c, uint32_t *out)
{
	for (unsigned int k = 0; k <= n; k++) {
		struct range *rr = &r[(c->range + k) % n];
		uint32_t off = range_find_free(rr, k ? 0 : c->off);

		if (off == rr->n)
			continue;
		range_set(rr, off, true);
		c->range = (c->range + k) % n;
		c->off = off + 1;
		*out = rr->first + off;
		return 0;
	}
	return -1;
}

/* --- IPv4 -------------------------------------------------------------------- */

/* The index of the range that holds a, or -1. */
static int pool_find(const struct pool *p, uint32_t a)
{
	for (unsigned int i = 0; i < p->n_ranges; i++)
		if (range_has(&p->r[i], a))
			return (int)i;
	return -1;
}

static bool ranges_valid(const struct config_range *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t first = ntohl(r[i].first.s_addr), last = ntohl(r[i].last.s_addr);

		if (last < first || last - first >= CONFIG_MAX_RANGE_SIZE)
			return false;
		for (unsigned int j = 0; j < i; j++)
			if (first <= ntohl(r[j].last.s_addr) && ntohl(r[j].first.s_addr) <= last)
				return false;
	}
	return true;
}

struct pool *pool_new(const struct config_range *r, unsigned int n)
{
	struct pool *p;

	if (!ranges_valid(r, n)) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p) + n * sizeof(p->r[0]));
	if (!p)
		return NULL;
	for (; p->n_ranges < n; p->n_ranges++) {
		uint32_t first = ntohl(r[p->n_ranges].first.s_addr);
		uint32_t last = ntohl(r[p->n_ranges].last.s_addr);

		if (range_init(&p->r[p->n_ranges], first, last - first + 1))
			goto fail;
		p->size += last - first + 1;
	}
	return p;
fail:
	pool_free(p);
	errno = ENOMEM;
	return NULL;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	for (unsigned int i = 0; i < p->n_ranges; i++)
		range_free(&p->r[i]);
	free(p);
}

int pool_alloc(struct pool *p, struct in_addr *out)
{
	uint32_t a;

	if (p->in_use == p->size || ranges_alloc(p->r, p->n_ranges, &p->next, &a))
		return -1;
	p->in_use++;
	out->s_addr = htonl(a);
	return 0;
}

bool pool_contains(const struct pool *p, struct in_addr a)
{
	return pool_find(p, ntohl(a.s_addr)) >= 0;
}

int pool_take(struct pool *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	int i = pool_find(p, h);

	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	if (range_test(&p->r[i], h - p->r[i].first)) {
		errno = EBUSY;
		return -1;
	}
	range_set(&p->r[i], h - p->r[i].first, true);
	p->in_use++;
	return 0;
}

void pool_put(struct pool *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	int i = pool_find(p, h);

	if (i < 0 || !range_test(&p->r[i], h - p->r[i].first))
		return;
	range_set(&p->r[i], h - p->r[i].first, false);
	p->in_use--;
}

unsigned int pool_size(const struct pool *p)
{
	return p->size;
}

unsigned int pool_in_use(const struct pool *p)
{
	return p->in_use;
}

/* --- IPv6 -------------------------------------------------------------------- */

struct pool6 *pool6_new(const struct in6_addr *prefix, unsigned int plen)
{
	struct pool6 *p;
	uint64_t n;

	if (plen < 32 || plen > 63) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	n = 1ull << (64 - plen);
	p->sid_mask = n - 1;
	p->prefix = get_be64(prefix->s6_addr) & ~p->sid_mask;
	if (n > POOL6_MAX)
		n = POOL6_MAX;
	if (range_init(&p->r, 1, (uint32_t)n - 1)) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

void pool6_free(struct pool6 *p)
{
	if (!p)
		return;
	range_free(&p->r);
	free(p);
}

/* The subnet id of the /64 that a is in; 0 (never one of ours) when outside. */
static uint32_t pool6_sid(const struct pool6 *p, const struct in6_addr *a)
{
	uint64_t top = get_be64(a->s6_addr);
	uint32_t sid = (uint32_t)(top & p->sid_mask);	/* plen >= 32: it fits */

	if ((top & ~p->sid_mask) != p->prefix || !range_has(&p->r, sid))
		return 0;
	return sid;
}

int pool6_alloc(struct pool6 *p, struct in6_addr *out64)
{
	uint32_t sid;

	if (ranges_alloc(&p->r, 1, &p->next, &sid))
		return -1;
	p->in_use++;
	memset(out64, 0, sizeof(*out64));
	put_be64(out64->s6_addr, p->prefix | sid);
	return 0;
}

int pool6_take(struct pool6 *p, const struct in6_addr *p64)
{
	uint32_t sid = pool6_sid(p, p64);

	if (!sid) {
		errno = ENOENT;
		return -1;
	}
	if (range_test(&p->r, sid - p->r.first)) {
		errno = EBUSY;
		return -1;
	}
	range_set(&p->r, sid - p->r.first, true);
	p->in_use++;
	return 0;
}

void pool6_put(struct pool6 *p, const struct in6_addr *p64)
{
	uint32_t sid = pool6_sid(p, p64);

	if (!sid || !range_test(&p->r, sid - p->r.first))
		return;
	range_set(&p->r, sid - p->r.first, false);
	p->in_use--;
}

unsigned int pool6_size(const struct pool6 *p)
{
	return p->r.n;
}

unsigned int pool6_in_use(const struct pool6 *p)
{
	return p->in_use;
}

bool pool6_unicast64(const struct in6_addr *p)
{
	static const uint8_t zero[8];

	bool link_local = p->s6_addr[0] == 0xfe && (p->s6_addr[1] & 0xc0) == 0x80;

	return p->s6_addr[0] != 0xff && !link_local && memcmp(p->s6_addr, zero, 8);
}

bool pool6_in_prefix(const struct in6_addr *prefix, unsigned int plen, const struct in6_addr *p64)
{
	unsigned int n = plen / 8;
	uint8_t mask = (uint8_t)(0xff << (8 - plen % 8));

	if (!plen || plen > 64 || memcmp(p64->s6_addr, prefix->s6_addr, n))
		return false;
	return !(plen % 8) || !((p64->s6_addr[n] ^ prefix->s6_addr[n]) & mask);
}

/* --- named pools --------------------------------------------------------------------- */

void named_pools_free(struct named_pools *np)
{
	for (unsigned int i = 0; np && i < np->n; i++)
		pool_free(np->e[i].p);
	free(np);
}

/* The ranges of name, first..n-1 of r, into out: how many. */
static unsigned int named_ranges(const struct config_named_range *r, unsigned int first,
				 unsigned int n, struct config_range *out)
{
	unsigned int k = 0;

	for (unsigned int j = first; j < n; j++)
		if (!strcmp(r[j].name, r[first].name))
			out[k++] = r[j].r;
	return k;
}

struct named_pools *named_pools_new(const struct config_named_range *r, unsigned int n, int *err)
{
	struct config_range rr[CONFIG_MAX_NAMED_RANGES];
	struct named_pools *np;
	unsigned int i, j;

	*err = 0;
	if (!n)
		return NULL;
	if (n > CONFIG_MAX_NAMED_RANGES) {
		errno = EINVAL;
		goto fail;
	}
	np = calloc(1, sizeof(*np));
	if (!np)
		goto fail;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(r[j].name, r[i].name); j++)
			;
		if (j < i)
			continue;	/* built with its first range */
		snprintf(np->e[np->n].name, sizeof(np->e[np->n].name), "%s", r[i].name);
		np->e[np->n].p = pool_new(rr, named_ranges(r, i, n, rr));
		if (!np->e[np->n].p) {
			named_pools_free(np);
			goto fail;
		}
		np->n++;
	}
	return np;
fail:
	*err = -1;
	return NULL;
}

int named_pools_find(const struct named_pools *np, const char *name)
{
	for (unsigned int i = 0; np && i < np->n; i++)
		if (!strcmp(np->e[i].name, name))
			return (int)i;
	return -1;
}

int named_pools_holding(const struct named_pools *np, struct in_addr a)
{
	for (unsigned int i = 0; np && i < np->n; i++)
		if (pool_contains(np->e[i].p, a))
			return (int)i;
	return -1;
}
