// SPDX-License-Identifier: GPL-2.0
/*
 * A first run's configuration mistakes (issue 18 item 7): every bad item of
 * a list is reported, an error on the last line once, a section repeated is
 * an error, and a PSK or secret that inih would cut at a comment character
 * is refused with a hint instead of becoming a shorter key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

struct errs {
	unsigned int line[16];
	char msg[16][256];
	int n;
};

static void collect(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	(void)file;
	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

static int parse(const char *text, struct l2sec_config *cfg, struct errs *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int n;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	n = config_parse_file(cfg, f, "test.conf", collect, e);
	fclose(f);
	assert_int_equal(n, e->n);
	return n;
}

/* Each bad item gets its own report, on its own line of a continued list. */
static void test_list_every_bad_item(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[ppp]\ndns = 1.2.3.x, 10.0.0.1\n"
			       "routes = 10.1.0.0/16 10.2.0.1/16 300.0.0.0/8\n"
			       "\t10.3.0.0/16 10.4.0.0/33\n", &cfg, &e), 4);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "'1.2.3.x'"));
	assert_int_equal(e.line[1], 3);
	assert_non_null(strstr(e.msg[1], "'10.2.0.1/16'"));
	assert_int_equal(e.line[2], 3);
	assert_non_null(strstr(e.msg[2], "'300.0.0.0/8'"));
	assert_int_equal(e.line[3], 4);
	assert_non_null(strstr(e.msg[3], "'10.4.0.0/33'"));

	/* the good ones are still taken */
	assert_int_equal(parse("[ppp]\npool = 10.9.0.10-10.9.0.20 bad 10.9.1.0/24\n",
			       &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "'bad'"));
	assert_int_equal(cfg.n_pool, 2);
}

/* An error on the last line, with or without a newline, comes once. */
static void test_last_line_once(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[l2tp]\nport = 1701\nnonsense", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_int_equal(parse("[l2tp]\nport = 1701\nnonsense\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_int_equal(parse("[l2tp]\n[nosuch]", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	assert_int_equal(parse("[l2tp]\nport = 1701\n[l2tp", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
}

/* A section twice is an error that names where it was first. */
static void test_repeated_section(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[l2tp]\nport = 1702\n[ppp]\nmru = 1400\n[l2tp]\n"
			       "hostname = gw\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 5);
	assert_non_null(strstr(e.msg[0], "[l2tp]"));
	assert_non_null(strstr(e.msg[0], "line 1"));
	/* its keys are still checked and taken */
	assert_int_equal(cfg.port, 1702);
	assert_string_equal(cfg.hostname, "gw");
	/*
	 * inih takes the name between the brackets as it is: "[ l2tp ]" is
	 * another section, whose keys it would hand over under " l2tp ".
	 */
	assert_int_equal(parse("[ l2tp ]\nport = 1702\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 1);
	assert_non_null(strstr(e.msg[0], "no spaces"));
}

/* inih ends a value at ';' after whitespace: a PSK would be cut short. */
static void test_secret_comment_char(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[ipsec]\npsk = abc ;def\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "psk"));
	assert_non_null(strstr(e.msg[0], "comment"));
	assert_null(strstr(e.msg[0], "def"));		/* never the secret */
	assert_null(strstr(e.msg[0], "abc"));
	/* '#' after whitespace reads as a comment to a human: refused too */
	assert_int_equal(parse("[ipsec]\npsk = abc\t#def\n", &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "'#'"));
	assert_int_equal(parse("[l2tp]\nsecret = s3cret ; x\n", &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "secret"));
	/* no whitespace before it: part of the key, as inih keeps it */
	assert_int_equal(parse("[ipsec]\npsk = abc;def#ghi\n", &cfg, &e), 0);
	assert_string_equal(cfg.psk, "abc;def#ghi");
	/* a comment on another key's line stays a comment */
	assert_int_equal(parse("[ppp]\nname = gw ; the name\n", &cfg, &e), 0);
	assert_string_equal(cfg.ppp_name, "gw");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_every_bad_item),
		cmocka_unit_test(test_last_line_once),
		cmocka_unit_test(test_repeated_section),
		cmocka_unit_test(test_secret_comment_char),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
