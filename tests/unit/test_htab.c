// SPDX-License-Identifier: GPL-2.0
/*
 * The growing hash table (daemon/core/htab.h): insert, lookup, delete and
 * reuse; growth with the load and shrinking back; equal hashes kept apart;
 * and the cost of a lookup counted in nodes looked at (htab_probes), so that
 * a table that stops growing shows up as a failure, not as a slow run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_growth_and_cost),
		cmocka_unit_test(test_same_hash),
		cmocka_unit_test(test_hash_keyed),
		cmocka_unit_test(test_u32set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
