// SPDX-License-Identifier: GPL-2.0
/*
 * The growing hash table (daemon/core/htab.h): insert, lookup, delete and
 * reuse; growth with the load and shrinking back; equal hashes kept apart;
 * and the cost of a lookup counted in nodes looked at (htab_probes), so that
 * a table that stops growing shows up as a failure, not as a slow run.
 * The sets of values (daemon/core/u32set.h): the sorted array, and the
 * counted tree of 128-bit values, its answers and its cost in nodes looked at
 * (u128tree_probes), so that one that stops balancing shows up likewise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/param.h>
#include <cmocka.h>

#include "core/htab.h"
#include "core/u32set.h"
#include "core/util.h"

#define N 60000u

struct item {
	struct htab_node node;
	uint32_t key;
	bool in;
};

static struct item *find(struct htab *h, uint32_t key)
{
	for (struct htab_node *x = htab_first(h, htab_hash64(h, key)); x; x = htab_next(x)) {
		struct item *it = container_of(x, struct item, node);

		if (it->key == key)
			return it;
	}
	return NULL;
}

static void add(struct htab *h, struct item *it)
{
	htab_add(h, &it->node, htab_hash64(h, it->key));
	it->in = true;
}

static void test_basic(void **state)
{
	struct htab h;
	struct item a = { .key = 1 }, b = { .key = 2 };

	(void)state;
	assert_int_equal(htab_init(&h, 1, 42), 0);
	assert_int_equal(htab_buckets(&h), 8);
	assert_null(find(&h, 1));
	add(&h, &a);
	add(&h, &b);
	assert_ptr_equal(find(&h, 1), &a);
	assert_ptr_equal(find(&h, 2), &b);
	assert_null(find(&h, 3));
	htab_del(&h, &a.node);
	assert_null(find(&h, 1));
	assert_ptr_equal(find(&h, 2), &b);
	add(&h, &a);	/* reuse */
	assert_ptr_equal(find(&h, 1), &a);
	assert_int_equal(h.n, 2);
	htab_free(&h);
}

/* 60,000 entries: every lookup finds its own, at a bounded number of nodes looked at. */
static void test_growth_and_cost(void **state)
{
	struct item *it = calloc(N, sizeof(*it));
	struct htab h;
	uint64_t before, worst = 0;

	(void)state;
	assert_non_null(it);
	assert_int_equal(htab_init(&h, 16, 7), 0);
	for (uint32_t i = 0; i < N; i++) {
		it[i].key = i * 65536u + 1;	/* keys that differ only in high bits */
		add(&h, &it[i]);
	}
	assert_int_equal(h.n, N);
	/* load at most 1: the table grew with the entries */
	assert_true(htab_buckets(&h) >= N);
	assert_true(htab_buckets(&h) <= 2 * 65536u);
	before = htab_probes;
	for (uint32_t i = 0; i < N; i++) {
		uint64_t p = htab_probes;

		assert_ptr_equal(find(&h, it[i].key), &it[i]);
		if (htab_probes - p > worst)
			worst = htab_probes - p;
	}
	/* O(1): about 1.5 nodes per hit on average at load <= 1; a fixed table would need ~N/16 */
	assert_true(htab_probes - before <= 2ull * N);
	assert_true(worst <= 16);
	/* misses look at a chain, not at the table */
	before = htab_probes;
	for (uint32_t i = 0; i < N; i++)
		assert_null(find(&h, i * 65536u + 2));
	assert_true(htab_probes - before <= 2ull * N);

	/* shrink back as entries go, and the rest are still found */
	for (uint32_t i = 0; i < N - 10; i++) {
		htab_del(&h, &it[i].node);
		it[i].in = false;
	}
	assert_int_equal(h.n, 10);
	assert_true(htab_buckets(&h) <= 128);
	assert_true(htab_buckets(&h) >= 16);	/* not below the initial size */
	for (uint32_t i = 0; i < N; i++) {
		struct item *f = find(&h, it[i].key);

		assert_ptr_equal(f, it[i].in ? &it[i] : NULL);
	}
	htab_free(&h);
	free(it);
}

/* Entries with one hash value: all kept, each found by its key, each removable. */
static void test_same_hash(void **state)
{
	struct item it[5];
	struct htab h;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(htab_init(&h, 8, 1), 0);
	for (uint32_t i = 0; i < 5; i++) {
		it[i].key = i;
		htab_add(&h, &it[i].node, 12345);
	}
	for (struct htab_node *x = htab_first(&h, 12345); x; x = htab_next(x))
		n++;
	assert_int_equal(n, 5);
	assert_null(htab_first(&h, 12346));
	htab_del(&h, &it[2].node);
	n = 0;
	for (struct htab_node *x = htab_first(&h, 12345); x; x = htab_next(x)) {
		assert_ptr_not_equal(x, &it[2].node);
		n++;
	}
	assert_int_equal(n, 4);
	htab_free(&h);
}

/* The hash depends on the seed and on every byte of the key. */
static void test_hash_keyed(void **state)
{
	struct htab a, b;
	uint8_t k1[20] = { 1 }, k2[20] = { 1 };

	(void)state;
	assert_int_equal(htab_init(&a, 8, 1), 0);
	assert_int_equal(htab_init(&b, 8, 2), 0);
	assert_true(htab_hash64(&a, 5) != htab_hash64(&b, 5));
	assert_true(htab_hash(&a, k1, sizeof(k1)) == htab_hash(&a, k2, sizeof(k2)));
	k2[19] = 1;
	assert_true(htab_hash(&a, k1, sizeof(k1)) != htab_hash(&a, k2, sizeof(k2)));
	assert_true(htab_hash(&a, k1, 19) != htab_hash(&a, k1, 20));
	htab_free(&a);
	htab_free(&b);
}

/* The sorted set: duplicates dropped, every member found, nothing else. */
static void test_u32set(void **state)
{
	uint32_t *a = malloc(2 * N * sizeof(*a));
	size_t n;

	(void)state;
	assert_non_null(a);
	assert_int_equal(u32set_build(a, 0), 0);
	assert_false(u32set_has(a, 0, 1));
	for (uint32_t i = 0; i < N; i++) {
		a[2 * i] = (N - i) * 7u;	/* descending, each twice */
		a[2 * i + 1] = (N - i) * 7u;
	}
	n = u32set_build(a, 2 * N);
	assert_int_equal(n, N);
	for (uint32_t i = 1; i <= N; i++) {
		assert_true(u32set_has(a, n, i * 7u));
		assert_false(u32set_has(a, n, i * 7u + 1));
	}
	assert_false(u32set_has(a, n, 0));
	assert_false(u32set_has(a, n, UINT32_MAX));
	free(a);
}

/* The bound the counted tree promises: an AVL tree's height, 1.44 log2(n + 2), and a little. */
static uint64_t log_bound(uint32_t n)
{
	uint64_t lg = 0;

	while ((1ull << lg) < (uint64_t)n + 2)
		lg++;
	return 2 * lg + 2;	/* 2 log2(n) + c: a list would take n */
}

/*
 * Position p of a small universe as a 128-bit value: eight to each upper
 * half, at the top of the lower one, so that neighbouring positions often
 * differ in both halves (a comparison of one half alone would fail).
 */
static struct u128 key(uint32_t p)
{
	return (struct u128){ p / 8, UINT64_MAX - 7 + p % 8 };
}

/* A value with its upper half 0. */
static struct u128 lo(uint64_t v)
{
	return (struct u128){ 0, v };
}

/*
 * The counted tree against a plain array of counts, in a small universe
 * (every value often added, held several times, taken out), then asked about
 * every range of it: the same answers, and the height bound kept throughout.
 */
static void test_u128tree_model(void **state)
{
	enum { U = 64, OPS = 20000 };
	uint32_t count[U] = { 0 }, held = 0, seed = 12345;
	struct u128tree t;

	(void)state;
	assert_int_equal(u128tree_init(&t, U), 0);
	assert_false(u128tree_any(&t, lo(0), (struct u128){ UINT64_MAX, UINT64_MAX }));
	assert_false(u128tree_del(&t, key(5)));
	for (int op = 0; op < OPS; op++) {
		uint32_t v, before;

		seed = seed * 1103515245u + 12345u;
		v = (seed >> 16) % U;
		if ((seed >> 8) & 1) {
			assert_int_equal(u128tree_add(&t, key(v * 3)), 0);
			held += !count[v]++;
		} else {
			assert_int_equal(u128tree_del(&t, key(v * 3)), count[v] > 0);
			if (count[v])
				held -= !--count[v];
		}
		assert_int_equal(t.n, held);
		assert_int_equal(u128tree_count(&t, key(v * 3)), count[v]);
		before = (uint32_t)u128tree_probes;
		u128tree_any(&t, key(v * 3), key(v * 3));
		assert_true((uint32_t)u128tree_probes - before <= log_bound(t.n));
	}
	/* every range [lo, hi] of the universe, against the counts */
	for (uint32_t l = 0; l < 3 * U; l++) {
		for (uint32_t h = l; h < 3 * U; h++) {
			bool want = false;

			for (uint32_t v = l; v <= h && !want; v++)
				want = v % 3 == 0 && count[v / 3];
			assert_int_equal(u128tree_any(&t, key(l), key(h)), want);
		}
	}
	u128tree_free(&t);
}

/* Full: a new value refused (not one held), room after a removal or a growth. */
static void test_u128tree_full(void **state)
{
	const struct u128 max = { UINT64_MAX, UINT64_MAX };
	struct u128tree t;

	(void)state;
	assert_int_equal(u128tree_init(&t, 2), 0);
	assert_int_equal(u128tree_add(&t, lo(0)), 0);
	assert_int_equal(u128tree_add(&t, max), 0);
	assert_int_equal(u128tree_add(&t, lo(7)), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(u128tree_add(&t, lo(0)), 0);	/* a second holder needs no node */
	assert_int_equal(u128tree_count(&t, lo(0)), 2);
	assert_true(u128tree_any(&t, lo(0), lo(0)));
	assert_true(u128tree_any(&t, max, max));
	assert_false(u128tree_any(&t, lo(1), (struct u128){ UINT64_MAX, UINT64_MAX - 1 }));
	assert_true(u128tree_del(&t, max));
	assert_int_equal(u128tree_add(&t, lo(7)), 0);
	assert_int_equal(u128tree_grow(&t, 3), 0);
	assert_int_equal(u128tree_add(&t, (struct u128){ 1, 0 }), 0);
	assert_int_equal(t.n, 3);
	assert_true(u128tree_any(&t, lo(8), (struct u128){ 1, 0 }));
	assert_false(u128tree_any(&t, lo(8), lo(UINT64_MAX)));
	assert_false(u128tree_any(&t, (struct u128){ 1, 1 }, max));
	u128tree_free(&t);
}

/*
 * The cost that would show a regression to a list or a scan: 100,000 values
 * added in ascending order (what makes a plain search tree a list), then
 * asked about, each question counted in nodes looked at (u128tree_probes),
 * at most 2 log2(n) + 2; and the same after half of them are taken out.
 */
static void test_u128tree_cost(void **state)
{
	enum { NV = 100000 };
	struct u128tree t;
	uint64_t before, worst = 0;

	(void)state;
	assert_int_equal(u128tree_init(&t, NV), 0);
	for (uint32_t i = 0; i < NV; i++) {
		before = u128tree_probes;
		assert_int_equal(u128tree_add(&t, lo(i * 16u)), 0);
		worst = MAX(worst, u128tree_probes - before);
	}
	assert_true(worst <= log_bound(NV));
	for (uint32_t i = 0; i < NV; i += 97) {
		before = u128tree_probes;
		assert_true(u128tree_any(&t, lo(i * 16u), lo(i * 16u + 15)));	/* holds i * 16 */
		assert_false(u128tree_any(&t, lo(i * 16u + 1), lo(i * 16u + 15)));	/* just after */
		assert_true(u128tree_probes - before <= 2 * log_bound(NV));
	}
	for (uint32_t i = 0; i < NV; i += 2) {
		before = u128tree_probes;
		assert_true(u128tree_del(&t, lo(i * 16u)));
		worst = MAX(worst, u128tree_probes - before);
	}
	assert_true(worst <= log_bound(NV));
	assert_int_equal(t.n, NV / 2);
	before = u128tree_probes;
	assert_false(u128tree_any(&t, lo(0), lo(15)));
	assert_true(u128tree_any(&t, lo(0), lo(16)));
	assert_true(u128tree_probes - before <= 2 * log_bound(NV / 2));
	u128tree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_growth_and_cost),
		cmocka_unit_test(test_same_hash),
		cmocka_unit_test(test_hash_keyed),
		cmocka_unit_test(test_u32set),
		cmocka_unit_test(test_u128tree_model),
		cmocka_unit_test(test_u128tree_full),
		cmocka_unit_test(test_u128tree_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
