// SPDX-License-Identifier: GPL-2.0
/*
 * VICI message builder, walker and tree: golden bytes written by hand from
 * the encoding rules of strongSwan's vici README (its "Encoding example"),
 * round trips, and malformed input of every kind the walker must refuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipsec/vici_msg.h"

/*
 *	key1 = value1
 *	section1 = {
 *		sub-section = {
 *			key2 = value2
 *		}
 *		list1 = [ item1, item2 ]
 *	}
 */
static const uint8_t golden[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};
/* The golden message is valid when cut right after its first element. */
#define GOLDEN_FIRST_ELEM 14

static void build_golden(struct vici_msg *m)
{
	vici_msg_kv_str(m, "key1", "value1");
	vici_msg_section_start(m, "section1");
	vici_msg_section_start(m, "sub-section");
	vici_msg_kv_str(m, "key2", "value2");
	vici_msg_section_end(m);
	vici_msg_list_start(m, "list1");
	vici_msg_list_item_str(m, "item1");
	vici_msg_list_item_str(m, "item2");
	vici_msg_list_end(m);
	vici_msg_section_end(m);
}

static void test_build_golden(void **state)
{
	struct vici_msg m;

	vici_msg_init(&m, 0);
	build_golden(&m);
	assert_int_equal(vici_msg_finish(&m), 0);
	assert_int_equal(m.len, sizeof(golden));
	assert_memory_equal(m.buf, golden, sizeof(golden));
	vici_msg_free(&m);
}

static void test_tree_golden(void **state)
{
	const struct vici_node *root, *s1, *sub, *list, *item;
	struct vici_tree *t;

	assert_int_equal(vici_tree_parse(golden, sizeof(golden), &t, NULL), 0);
	root = vici_tree_root(t);
	assert_string_equal(vici_node_str(root, "key1"), "value1");
	s1 = vici_node_section(root, "section1");
	assert_non_null(s1);
	sub = vici_node_section(s1, "sub-section");
	assert_non_null(sub);
	assert_string_equal(vici_node_str(sub, "key2"), "value2");
	/* key2 lives in the sub-section only */
	assert_null(vici_node_str(s1, "key2"));
	assert_null(vici_node_str(root, "key2"));
	list = vici_node_get(s1, "list1");
	assert_non_null(list);
	assert_int_equal(list->type, VICI_NODE_LIST);
	item = list->child;
	assert_non_null(item);
	assert_int_equal(item->type, VICI_NODE_ITEM);
	assert_string_equal(item->value, "item1");
	assert_non_null(item->next);
	assert_string_equal(item->next->value, "item2");
	assert_null(item->next->next);
	/* root, key1, section1, sub-section, key2, list1, item1, item2 */
	assert_int_equal(vici_tree_size(t), 8);
	vici_tree_free(t);
}

struct rec {
	char log[512];
};

static int record(void *ctx, enum vici_elem type, const char *name,
		  const uint8_t *val, size_t vl, unsigned int depth)
{
	struct rec *r = ctx;
	size_t n = strlen(r->log);

	snprintf(r->log + n, sizeof(r->log) - n, "%d:%s:%.*s@%u;", type, name,
		 (int)vl, val ? (const char *)val : "", depth);
	return 0;
}

static void test_walk_golden(void **state)
{
	struct rec r = { "" };

	assert_int_equal(vici_msg_walk(golden, sizeof(golden), record, &r, NULL, NULL), 0);
	assert_string_equal(r.log,
		"3:key1:value1@0;1:section1:@0;1:sub-section:@1;3:key2:value2@2;"
		"2::@1;4:list1:@1;5::item1@1;5::item2@1;6::@1;2::@0;");
}

static int stop_at_third(void *ctx, enum vici_elem type, const char *name,
			 const uint8_t *val, size_t vl, unsigned int depth)
{
	int *n = ctx;

	return ++*n == 3 ? 42 : 0;
}

static void test_walk_callback_stops(void **state)
{
	int n = 0;

	assert_int_equal(vici_msg_walk(golden, sizeof(golden), stop_at_third, &n,
				       NULL, NULL), 42);
	assert_int_equal(n, 3);
}

/* Binary values (NUL bytes, the maximum length) survive build -> parse -> encode. */
static void test_roundtrip_binary(void **state)
{
	static uint8_t big[VICI_VALUE_MAX];
	const uint8_t bin[] = { 0, 1, 0, 0xff };
	const struct vici_node *root, *n;
	struct vici_msg m, m2;
	struct vici_tree *t;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	vici_msg_init(&m, 0);
	vici_msg_kv(&m, "bin", bin, sizeof(bin));
	vici_msg_kv(&m, "empty", NULL, 0);
	vici_msg_section_start(&m, "s");
	vici_msg_kv(&m, "big", big, sizeof(big));
	vici_msg_list_start(&m, "empty-list");
	vici_msg_list_end(&m);
	vici_msg_section_end(&m);
	assert_int_equal(vici_msg_finish(&m), 0);

	assert_int_equal(vici_tree_parse(m.buf, m.len, &t, NULL), 0);
	root = vici_tree_root(t);
	n = vici_node_get(root, "bin");
	assert_non_null(n);
	assert_int_equal(n->value_len, sizeof(bin));
	assert_memory_equal(n->value, bin, sizeof(bin));
	/* a value with a NUL byte is not a string */
	assert_null(vici_node_str(root, "bin"));
	assert_string_equal(vici_node_str(root, "empty"), "");
	n = vici_node_get(vici_node_section(root, "s"), "big");
	assert_int_equal(n->value_len, sizeof(big));
	assert_memory_equal(n->value, big, sizeof(big));
	n = vici_node_get(vici_node_section(root, "s"), "empty-list");
	assert_int_equal(n->type, VICI_NODE_LIST);
	assert_null(n->child);

	vici_msg_init(&m2, 0);
	vici_tree_encode(root, &m2);
	assert_int_equal(vici_msg_finish(&m2), 0);
	assert_int_equal(m2.len, m.len);
	assert_memory_equal(m2.buf, m.buf, m.len);
	vici_tree_free(t);
	vici_msg_free(&m);
	vici_msg_free(&m2);
}

/* Every cut of the golden message is refused, except at a root-level element end. */
static void test_truncated(void **state)
{
	struct vici_tree *t;
	const char *why;
	size_t off;

	for (size_t i = 1; i < sizeof(golden); i++) {
		int want = i == GOLDEN_FIRST_ELEM ? 0 : -EBADMSG;

		assert_int_equal(vici_msg_walk(golden, i, NULL, NULL, &why, &off), want);
		if (want)
			assert_non_null(why);
		assert_int_equal(vici_tree_parse(golden, i, &t, NULL), want);
		if (want)
			assert_null(t);
		else
			vici_tree_free(t);
	}
	/* the empty message is a valid, empty root section */
	assert_int_equal(vici_tree_parse(golden, 0, &t, NULL), 0);
	assert_null(vici_tree_root(t)->child);
	vici_tree_free(t);
}

static void expect_bad(const uint8_t *msg, size_t len, const char *why_want)
{
	struct vici_tree *t = (struct vici_tree *)1;
	const char *why = NULL;

	assert_int_equal(vici_msg_walk(msg, len, NULL, NULL, &why, NULL), -EBADMSG);
	assert_non_null(why);
	assert_string_equal(why, why_want);
	assert_int_equal(vici_tree_parse(msg, len, &t, NULL), -EBADMSG);
	assert_null(t);
}

static void test_malformed(void **state)
{
	const uint8_t type0[] = { 0 };
	const uint8_t type7[] = { 7 };
	const uint8_t type255[] = { 255, 1, 'a' };
	const uint8_t kv_in_list[] = { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 };
	const uint8_t sec_in_list[] = { 4, 1, 'l', 1, 1, 's', 2, 6 };
	const uint8_t item_at_root[] = { 5, 0, 0 };
	const uint8_t nested_list[] = { 4, 1, 'l', 4, 1, 'm', 6, 6 };
	const uint8_t end_at_root[] = { 2 };
	const uint8_t list_end_alone[] = { 6 };
	const uint8_t sec_end_in_list[] = { 1, 1, 's', 4, 1, 'l', 2, 6, 2 };
	const uint8_t empty_name[] = { 3, 0, 0, 0 };
	const uint8_t nul_in_name[] = { 3, 2, 'a', 0, 0, 0 };
	const uint8_t value_overflow[] = { 3, 1, 'k', 0xff, 0xff, 'x', 'y' };
	const uint8_t value_len_cut[] = { 3, 1, 'k', 0 };
	const uint8_t item_overflow[] = { 4, 1, 'l', 5, 0, 9, 'a', 6 };
	const uint8_t name_overflow[] = { 1, 200, 'a', 'b', 2 };
	const uint8_t open_section[] = { 1, 1, 's', 3, 1, 'k', 0, 0 };
	const uint8_t open_list[] = { 4, 1, 'l', 5, 0, 0 };

	expect_bad(type0, sizeof(type0), "unknown element type");
	expect_bad(type7, sizeof(type7), "unknown element type");
	expect_bad(type255, sizeof(type255), "unknown element type");
	expect_bad(kv_in_list, sizeof(kv_in_list), "key/value inside a list");
	expect_bad(sec_in_list, sizeof(sec_in_list), "section inside a list");
	expect_bad(item_at_root, sizeof(item_at_root), "list item outside a list");
	expect_bad(nested_list, sizeof(nested_list), "nested list");
	expect_bad(end_at_root, sizeof(end_at_root), "section end without a section");
	expect_bad(list_end_alone, sizeof(list_end_alone), "list end without a list");
	expect_bad(sec_end_in_list, sizeof(sec_end_in_list), "section end inside a list");
	expect_bad(empty_name, sizeof(empty_name), "empty name");
	expect_bad(nul_in_name, sizeof(nul_in_name), "NUL byte in name");
	expect_bad(value_overflow, sizeof(value_overflow), "value runs past the end");
	expect_bad(value_len_cut, sizeof(value_len_cut), "truncated value length");
	expect_bad(item_overflow, sizeof(item_overflow), "value runs past the end");
	expect_bad(name_overflow, sizeof(name_overflow), "name runs past the end");
	expect_bad(open_section, sizeof(open_section), "section not closed");
	expect_bad(open_list, sizeof(open_list), "list not closed");
}

static size_t nest(uint8_t *buf, unsigned int levels)
{
	size_t n = 0;

	for (unsigned int i = 0; i < levels; i++) {
		buf[n++] = VICI_SECTION_START;
		buf[n++] = 1;
		buf[n++] = 's';
	}
	for (unsigned int i = 0; i < levels; i++)
		buf[n++] = VICI_SECTION_END;
	return n;
}

static void test_depth(void **state)
{
	uint8_t buf[4 * (VICI_DEPTH_MAX + 1)];
	struct vici_msg m;
	struct vici_tree *t;
	size_t n;

	n = nest(buf, VICI_DEPTH_MAX);
	assert_int_equal(vici_tree_parse(buf, n, &t, NULL), 0);
	vici_tree_free(t);
	n = nest(buf, VICI_DEPTH_MAX + 1);
	expect_bad(buf, n, "sections nested too deep");

	/* the builder refuses to produce what the walker refuses */
	vici_msg_init(&m, 0);
	for (unsigned int i = 0; i < VICI_DEPTH_MAX; i++)
		vici_msg_section_start(&m, "s");
	assert_int_equal(m.err, 0);
	vici_msg_section_start(&m, "s");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);
	vici_msg_free(&m);
}

static void test_limits(void **state)
{
	size_t items = VICI_ELEMS_MAX;	/* + list start + list end > max */
	size_t len = 3 + 3 * items + 1;
	uint8_t *buf = calloc(1, VICI_MSG_MAX + 1);
	struct vici_tree *t;
	const char *why;
	size_t n = 0;

	assert_non_null(buf);
	buf[n++] = VICI_LIST_START;
	buf[n++] = 1;
	buf[n++] = 'l';
	for (size_t i = 0; i < items; i++) {
		buf[n++] = VICI_LIST_ITEM;
		buf[n++] = 0;
		buf[n++] = 0;
	}
	buf[n++] = VICI_LIST_END;
	assert_int_equal(n, len);
	assert_int_equal(vici_msg_walk(buf, n, NULL, NULL, &why, NULL), -E2BIG);
	assert_string_equal(why, "too many elements");
	assert_int_equal(vici_tree_parse(buf, n, &t, NULL), -E2BIG);
	assert_null(t);

	/* VICI_ELEMS_MAX elements exactly are accepted */
	buf[3 + 3 * (items - 2)] = VICI_LIST_END;
	assert_int_equal(vici_tree_parse(buf, 3 + 3 * (items - 2) + 1, &t, NULL), 0);
	assert_int_equal(vici_tree_size(t), VICI_ELEMS_MAX);
	vici_tree_free(t);

	assert_int_equal(vici_msg_walk(buf, VICI_MSG_MAX + 1, NULL, NULL, &why, NULL),
			 -E2BIG);
	assert_string_equal(why, "message too long");
	free(buf);
}

static void test_builder_errors(void **state)
{
	static char big[VICI_VALUE_MAX + 1];
	char name[VICI_NAME_MAX + 2];
	struct vici_msg m;
	size_t len;

	memset(name, 'n', sizeof(name));
	name[VICI_NAME_MAX] = '\0';
	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, name, "x");		/* 255 bytes: fine */
	assert_int_equal(vici_msg_finish(&m), 0);
	name[VICI_NAME_MAX] = 'n';
	name[VICI_NAME_MAX + 1] = '\0';
	len = m.len;
	vici_msg_kv_str(&m, name, "x");		/* 256 bytes */
	assert_int_equal(vici_msg_finish(&m), -EINVAL);
	assert_int_equal(m.len, len);
	/* sticky: nothing is written after an error */
	vici_msg_kv_str(&m, "ok", "x");
	assert_int_equal(m.len, len);
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_kv_str(&m, "", "x");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_kv(&m, "k", big, sizeof(big));
	assert_int_equal(vici_msg_finish(&m), -EMSGSIZE);

	vici_msg_reset(&m);
	vici_msg_list_item_str(&m, "x");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_list_start(&m, "l");
	vici_msg_kv_str(&m, "k", "v");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_list_start(&m, "l");
	vici_msg_list_start(&m, "m");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_section_end(&m);
	assert_int_equal(vici_msg_finish(&m), -EINVAL);

	vici_msg_reset(&m);
	vici_msg_section_start(&m, "s");
	assert_int_equal(vici_msg_finish(&m), -EINVAL);	/* unbalanced */

	vici_msg_reset(&m);
	vici_msg_kv_str(&m, "k", NULL);
	assert_int_equal(vici_msg_finish(&m), -EINVAL);
	vici_msg_free(&m);

	/* a bounded buffer stops at its bound */
	vici_msg_init(&m, 16);
	vici_msg_kv_str(&m, "k", "0123456789");	/* 1+1+1+2+10 = 15 */
	assert_int_equal(vici_msg_finish(&m), 0);
	vici_msg_list_start(&m, "l");
	assert_int_equal(vici_msg_finish(&m), -EMSGSIZE);
	assert_int_equal(m.len, 15);
	vici_msg_free(&m);

	/* formatted values */
	vici_msg_init(&m, 0);
	vici_msg_kv_fmt(&m, "n", "%u", 1701u);
	assert_int_equal(vici_msg_finish(&m), 0);
	assert_int_equal(m.len, 9);
	assert_memory_equal(m.buf, "\x03\x01n\x00\x04" "1701", 9);
	vici_msg_free(&m);
}

static void test_yes(void **state)
{
	const uint8_t msg[] = { 3, 2, 'u', 'p', 0, 3, 'y', 'e', 's',
				3, 1, 'n', 0, 2, 'n', 'o' };
	struct vici_tree *t;

	assert_int_equal(vici_tree_parse(msg, sizeof(msg), &t, NULL), 0);
	assert_true(vici_node_yes(vici_tree_root(t), "up"));
	assert_false(vici_node_yes(vici_tree_root(t), "n"));
	assert_false(vici_node_yes(vici_tree_root(t), "missing"));
	vici_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_golden),
		cmocka_unit_test(test_tree_golden),
		cmocka_unit_test(test_walk_golden),
		cmocka_unit_test(test_walk_callback_stops),
		cmocka_unit_test(test_roundtrip_binary),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_builder_errors),
		cmocka_unit_test(test_yes),
	};

	return cmocka_run_group_tests_name("vici_msg", tests, NULL, NULL);
}
