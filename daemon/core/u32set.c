// SPDX-License-Identifier: GPL-2.0
/* Sets of values: sorted arrays of 32-bit ones, counted trees of 128-bit ones (u32set.h). */
#include <errno.h>
#include <stdlib.h>

#include "core/u32set.h"

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t u32set_build(uint32_t *a, size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;
	qsort(a, n, sizeof(*a), cmp);
	for (size_t i = 1; i < n; i++)
		if (a[i] != a[k])
			a[++k] = a[i];
	return k + 1;
}

bool u32set_has(const uint32_t *a, size_t n, uint32_t v)
{
	return n && bsearch(&v, a, n, sizeof(*a), cmp) != NULL;
}

/* --- the counted tree ----------------------------------------------------- */

struct u128tree_node {
	struct u128 v;
	uint32_t count;		/* holders of v; 0: a free node */
	int32_t l, r;		/* children (free list: l), -1: none */
	int32_t h;		/* height of the subtree, a leaf's 1 */
};

uint64_t u128tree_probes;

static bool lt(struct u128 a, struct u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static bool eq(struct u128 a, struct u128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* The nodes from..cap-1 into the free list. */
static void free_chain(struct u128tree *t, uint32_t from)
{
	for (uint32_t i = t->cap; i-- > from;) {
		t->node[i].count = 0;
		t->node[i].l = t->free_head;
		t->free_head = (int32_t)i;
	}
}

int u128tree_init(struct u128tree *t, uint32_t cap)
{
	t->cap = 0;
	t->n = 0;
	t->root = -1;
	t->free_head = -1;
	t->node = NULL;
	return u128tree_grow(t, cap ? cap : 1);
}

void u128tree_free(struct u128tree *t)
{
	free(t->node);
	t->node = NULL;
	t->cap = t->n = 0;
	t->root = t->free_head = -1;
}

int u128tree_grow(struct u128tree *t, uint32_t cap)
{
	struct u128tree_node *n;
	uint32_t old = t->cap;

	if (cap <= t->cap)
		return 0;
	if (cap > INT32_MAX)
		cap = INT32_MAX;	/* indices are int32_t */
	n = realloc(t->node, (size_t)cap * sizeof(*n));
	if (!n)
		return -1;
	t->node = n;
	t->cap = cap;
	free_chain(t, old);
	return 0;
}

static int32_t height(const struct u128tree *t, int32_t i)
{
	return i < 0 ? 0 : t->node[i].h;
}

static void fix_height(struct u128tree *t, int32_t i)
{
	int32_t l = height(t, t->node[i].l), r = height(t, t->node[i].r);

	t->node[i].h = 1 + (l > r ? l : r);
}

static int32_t rotate_right(struct u128tree *t, int32_t i)
{
	int32_t l = t->node[i].l;

	t->node[i].l = t->node[l].r;
	t->node[l].r = i;
	fix_height(t, i);
	fix_height(t, l);
	return l;
}

static int32_t rotate_left(struct u128tree *t, int32_t i)
{
	int32_t r = t->node[i].r;

	t->node[i].r = t->node[r].l;
	t->node[r].l = i;
	fix_height(t, i);
	fix_height(t, r);
	return r;
}

/* The subtree at i, its children balanced, balanced again: its new root. */
static int32_t rebalance(struct u128tree *t, int32_t i)
{
	struct u128tree_node *x = &t->node[i];
	int32_t b = height(t, x->l) - height(t, x->r);

	if (b > 1) {
		if (height(t, t->node[x->l].l) < height(t, t->node[x->l].r))
			x->l = rotate_left(t, x->l);
		return rotate_right(t, i);
	}
	if (b < -1) {
		if (height(t, t->node[x->r].r) < height(t, t->node[x->r].l))
			x->r = rotate_right(t, x->r);
		return rotate_left(t, i);
	}
	fix_height(t, i);
	return i;
}

/* Node k (its value not in the subtree at i) into that subtree: its new root. */
static int32_t insert(struct u128tree *t, int32_t i, int32_t k)
{
	if (i < 0)
		return k;
	if (lt(t->node[k].v, t->node[i].v))
		t->node[i].l = insert(t, t->node[i].l, k);
	else
		t->node[i].r = insert(t, t->node[i].r, k);
	return rebalance(t, i);
}

/* The smallest node of the subtree at i out of it (into *min): its new root. */
static int32_t remove_min(struct u128tree *t, int32_t i, int32_t *min)
{
	if (t->node[i].l < 0) {
		*min = i;
		return t->node[i].r;
	}
	t->node[i].l = remove_min(t, t->node[i].l, min);
	return rebalance(t, i);
}

/* v's node (v in the subtree at i) out of it and freed: its new root. */
static int32_t remove_value(struct u128tree *t, int32_t i, struct u128 v)
{
	struct u128tree_node *x = &t->node[i];
	int32_t l, r, m;

	if (lt(v, x->v)) {
		x->l = remove_value(t, x->l, v);
		return rebalance(t, i);
	}
	if (lt(x->v, v)) {
		x->r = remove_value(t, x->r, v);
		return rebalance(t, i);
	}
	l = x->l;
	r = x->r;
	x->count = 0;
	x->l = t->free_head;
	t->free_head = i;
	if (r < 0)
		return l;
	r = remove_min(t, r, &m);
	t->node[m].l = l;
	t->node[m].r = r;
	return rebalance(t, m);
}

static int32_t find(const struct u128tree *t, struct u128 v)
{
	int32_t i = t->root;

	while (i >= 0) {
		u128tree_probes++;
		if (eq(v, t->node[i].v))
			return i;
		i = lt(v, t->node[i].v) ? t->node[i].l : t->node[i].r;
	}
	return -1;
}

int u128tree_add(struct u128tree *t, struct u128 v)
{
	int32_t i = find(t, v);

	if (i >= 0) {
		if (t->node[i].count == UINT32_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
		t->node[i].count++;
		return 0;
	}
	i = t->free_head;
	if (i < 0) {
		errno = ENOSPC;
		return -1;
	}
	t->free_head = t->node[i].l;
	t->node[i] = (struct u128tree_node){ .v = v, .count = 1, .l = -1, .r = -1, .h = 1 };
	t->root = insert(t, t->root, i);
	t->n++;
	return 0;
}

bool u128tree_del(struct u128tree *t, struct u128 v)
{
	int32_t i = find(t, v);

	if (i < 0)
		return false;
	if (--t->node[i].count)
		return true;
	t->root = remove_value(t, t->root, v);
	t->n--;
	return true;
}

uint32_t u128tree_count(const struct u128tree *t, struct u128 v)
{
	int32_t i = find(t, v);

	return i < 0 ? 0 : t->node[i].count;
}

bool u128tree_any(const struct u128tree *t, struct u128 lo, struct u128 hi)
{
	int32_t i = t->root;

	/* left of lo: only the right subtree can be in range; right of hi: the left one */
	while (i >= 0) {
		u128tree_probes++;
		if (lt(t->node[i].v, lo))
			i = t->node[i].r;
		else if (lt(hi, t->node[i].v))
			i = t->node[i].l;
		else
			return true;
	}
	return false;
}
