// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's print layer: the same calls give the expected text and JSON that
 * json-c parses back to the same values; PRINT_FP and PRINT_JSON fields stay
 * in their own output; arrays and JSON lines are framed right.
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
#include <json-c/json.h>

#include "print.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void cap_begin(struct capture *c, unsigned int flags)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	print_begin(c->f, flags);
}

/* Ends the stream; the caller frees c->buf. */
static char *cap_end(struct capture *c)
{
	assert_int_equal(print_end(), 0);
	fclose(c->f);
	return c->buf;
}

/* A tunnel-like record, as the tool prints one. */
static void record(uint16_t id, uint64_t bytes, const char *addr)
{
	print_open_object(NULL);
	print_uint(PRINT_ANY, "tunnel_id", "tunnel %u", id);
	print_string(PRINT_ANY, "peer_addr", " peer %s", addr);
	print_hex(PRINT_ANY, "out_mark", " out-mark 0x%x", 0xc1d2u);
	print_bool(PRINT_JSON, "require_ipsec", NULL, true);
	print_string(PRINT_FP, NULL, " ipsec %s", "required");
	print_u64(PRINT_ANY, "rx_bytes", " bytes %llu", bytes);
	print_open_array("ipv6");
	print_string(PRINT_ANY, NULL, " ipv6 %s", "2001:db8::/64");
	print_string(PRINT_ANY, NULL, " ipv6 %s", "2001:db8:1::/64");
	print_close_array();
	print_open_object("sa");
	print_uint(PRINT_ANY, "reqid", " reqid %u", 7);
	print_close_object();
	print_text(" (text only)");
	print_nl();
	print_close_object();
}

static void test_text(void **state)
{
	struct capture c;
	char *out;

	cap_begin(&c, 0);
	assert_false(print_is_json());
	record(4711, 18446744073709551615ULL, "203.0.113.7");
	record(1, 0, "2001:db8::1");
	out = cap_end(&c);
	assert_string_equal(out,
		"tunnel 4711 peer 203.0.113.7 out-mark 0xc1d2 ipsec required "
		"bytes 18446744073709551615 ipv6 2001:db8::/64 ipv6 2001:db8:1::/64 "
		"reqid 7 (text only)\n"
		"tunnel 1 peer 2001:db8::1 out-mark 0xc1d2 ipsec required bytes 0 "
		"ipv6 2001:db8::/64 ipv6 2001:db8:1::/64 reqid 7 (text only)\n");
	free(out);
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static void check_record(struct json_object *o, uint64_t id, uint64_t bytes, const char *addr)
{
	struct json_object *v, *sa;

	assert_true(json_object_is_type(o, json_type_object));
	/* exactly the JSON fields: nothing of the text-only ones */
	assert_int_equal(json_object_object_length(o), 7);
	assert_int_equal(get_u64(o, "tunnel_id"), id);
	assert_string_equal(get_str(o, "peer_addr"), addr);
	assert_int_equal(get_u64(o, "out_mark"), 0xc1d2);
	assert_true(json_object_object_get_ex(o, "require_ipsec", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_get_boolean(v));
	assert_true(get_u64(o, "rx_bytes") == bytes);
	assert_true(json_object_object_get_ex(o, "ipv6", &v));
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)),
			    "2001:db8:1::/64");
	assert_true(json_object_object_get_ex(o, "sa", &sa));
	assert_int_equal(get_u64(sa, "reqid"), 7);
}

static void json_array(unsigned int flags)
{
	struct json_object *root;
	struct capture c;
	char *out;

	cap_begin(&c, PRINT_F_JSON | flags);
	assert_true(print_is_json());
	record(4711, 18446744073709551615ULL, "203.0.113.7");
	record(1, 0, "2001:db8::1");
	out = cap_end(&c);
	/* text never leaks into JSON */
	assert_null(strstr(out, "text only"));
	assert_null(strstr(out, "ipsec required"));
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_is_type(root, json_type_array));
	assert_int_equal(json_object_array_length(root), 2);
	check_record(json_object_array_get_idx(root, 0), 4711, 18446744073709551615ULL,
		     "203.0.113.7");
	check_record(json_object_array_get_idx(root, 1), 1, 0, "2001:db8::1");
	json_object_put(root);
	if (flags & PRINT_F_PRETTY)
		assert_non_null(strstr(out, "\n  "));
	else
		assert_null(strchr(out, ' '));	/* plain: no spaces at all here */
	free(out);
}

static void test_json(void **state)
{
	json_array(0);
}

static void test_json_pretty(void **state)
{
	json_array(PRINT_F_PRETTY);
}

static void test_json_empty(void **state)
{
	struct json_object *root;
	struct capture c;
	char *out;

	cap_begin(&c, PRINT_F_JSON);
	out = cap_end(&c);
	assert_string_equal(out, "[]\n");
	root = json_tokener_parse(out);
	assert_int_equal(json_object_array_length(root), 0);
	json_object_put(root);
	free(out);

	/* text mode prints nothing for nothing */
	cap_begin(&c, 0);
	out = cap_end(&c);
	assert_string_equal(out, "");
	free(out);
}

/* JSON lines (monitor): each object on its own line, written when closed. */
static void test_json_lines(void **state)
{
	struct json_object *o;
	struct capture c;
	char *out, *line, *save = NULL;
	unsigned int n = 0;

	cap_begin(&c, PRINT_F_JSON | PRINT_F_LINES);
	print_open_object(NULL);
	print_string(PRINT_ANY, "event", "%s ", "new");
	print_uint(PRINT_ANY, "tunnel_id", "tunnel %u", 5);
	print_close_object();
	/* written (and flushed) at once, before the stream ends */
	fflush(c.f);
	assert_string_equal(c.buf, "{\"event\":\"new\",\"tunnel_id\":5}\n");
	print_open_object(NULL);
	print_string(PRINT_ANY, "event", "%s ", "del");
	print_uint(PRINT_ANY, "tunnel_id", "tunnel %u", 6);
	print_close_object();
	out = cap_end(&c);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		o = json_tokener_parse(line);
		assert_non_null(o);
		assert_int_equal(get_u64(o, "tunnel_id"), 5 + n);
		assert_string_equal(get_str(o, "event"), n ? "del" : "new");
		json_object_put(o);
		n++;
	}
	assert_int_equal(n, 2);
	free(out);
}

/* Strings with quotes, backslashes and control characters stay valid JSON. */
static void test_json_escaping(void **state)
{
	static const char nasty[] = "a\"b\\c\n\x01/d";
	struct json_object *root;
	struct capture c;
	char *out;

	cap_begin(&c, PRINT_F_JSON | PRINT_F_LINES);
	print_open_object(NULL);
	print_string(PRINT_ANY, "s", "%s", nasty);
	print_null(PRINT_ANY, "n", "-");
	print_close_object();
	out = cap_end(&c);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_string_equal(get_str(root, "s"), nasty);
	assert_true(json_object_object_get_ex(root, "n", NULL));
	json_object_put(root);
	free(out);
}

/* A stream left with open containers is closed by print_end(). */
static void test_unbalanced(void **state)
{
	struct json_object *root;
	struct capture c;
	char *out;

	cap_begin(&c, PRINT_F_JSON);
	print_open_object(NULL);
	print_open_object("inner");
	print_uint(PRINT_ANY, "x", "%u", 1);
	out = cap_end(&c);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_int_equal(json_object_array_length(root), 1);
	json_object_put(root);
	free(out);
	/* a new stream after a dropped one starts clean */
	cap_begin(&c, PRINT_F_JSON);
	print_open_object(NULL);
	print_open_object("left");
	print_begin(c.f, PRINT_F_JSON);
	out = cap_end(&c);
	assert_string_equal(out, "[]\n");
	free(out);
}

/* A write error is reported by print_end(). */
static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	print_begin(f, 0);
	print_text("%s", "x");
	assert_int_equal(print_end(), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_pretty),
		cmocka_unit_test(test_json_empty),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_unbalanced),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests_name("tool_print", tests, NULL, NULL);
}
