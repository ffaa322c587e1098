// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration parser: every error is reported with its line, parsing goes
 * on after an error, defaults, values and units, and the printed effective
 * configuration parses back to the same values.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "log.h"

struct errs {
	unsigned int line[32];
	char msg[32][256];
	int n;
};

static void collect(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	(void)file;
	if (e->n < 32) {
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

static void test_defaults(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.port, 1701);
	assert_true(cfg.require_ipsec);
	assert_int_equal(cfg.rexmit_initial_ms, 1000);
	assert_int_equal(cfg.rexmit_max_ms, 8000);
	assert_int_equal(cfg.rexmit_retries, 5);
	assert_int_equal(cfg.hello_interval_ms, 60000);
	assert_string_equal(cfg.secret, "");
	assert_string_equal(cfg.runtime_dir, "/run/l2sec");
	assert_int_equal(cfg.n_listen, 1);
	assert_int_equal(cfg.listen[0].ss_family, AF_INET);
}

static void test_values(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	const char *text =
		"; a comment\n"
		"[global]\n"
		"log-level = debug\n"
		"log-target = syslog\n"
		"[l2tp]\n"
		"listen = 192.0.2.1, 2001:db8::1\n"
		"port = 1702\n"
		"hostname = gw.example\n"
		"secret = tunnel secret with spaces\n"
		"require-ipsec = no\n"
		"hello-interval = 0\n"
		"retransmit-initial = 500ms\n"
		"retransmit-max = 16s\n"
		"retransmit-retries = 7\n"
		"ack-delay = 0\n"
		"receive-window = 16\n"
		"max-tunnels = 10\n"
		"max-sessions = 20\n"
		"max-sessions-per-tunnel = 2\n"
		"max-half-open = 3\n"
		"sccrq-rate = 4\n";

	(void)state;
	assert_int_equal(parse(text, &cfg, &e), 0);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.log_target, LOG_TARGET_SYSLOG);
	assert_int_equal(cfg.n_listen, 2);
	assert_int_equal(cfg.listen[1].ss_family, AF_INET6);
	assert_int_equal(cfg.port, 1702);
	assert_string_equal(cfg.hostname, "gw.example");
	assert_string_equal(cfg.secret, "tunnel secret with spaces");
	assert_false(cfg.require_ipsec);
	assert_int_equal(cfg.hello_interval_ms, 0);
	assert_int_equal(cfg.rexmit_initial_ms, 500);
	assert_int_equal(cfg.rexmit_max_ms, 16000);
	assert_int_equal(cfg.rexmit_retries, 7);
	assert_int_equal(cfg.ack_delay_ms, 0);
	assert_int_equal(cfg.receive_window, 16);
	assert_int_equal(cfg.max_tunnels, 10);
	assert_int_equal(cfg.max_sessions, 20);
	assert_int_equal(cfg.max_sessions_per_tunnel, 2);
	assert_int_equal(cfg.max_half_open, 3);
	assert_int_equal(cfg.sccrq_rate, 4);
}

/* Every error, each with its own line, in one pass. */
static void test_errors_with_lines(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	const char *text =
		"[global]\n"				/* 1 */
		"log-level = chatty\n"			/* 2: bad value */
		"colour = blue\n"			/* 3: unknown key */
		"[l2tp]\n"				/* 4 */
		"port = 0\n"				/* 5: range */
		"port = 1701\n"				/* 6: duplicate */
		"listen = 10.0.0.300\n"			/* 7: bad address */
		"just some words\n"			/* 8: syntax */
		"[nope\n"				/* 9: header without ] */
		"[ipsec]\n"				/* 10: unknown section */
		"psk = x\n"				/* 11: (inside it: not reported again) */
		"[l2tp]\n"				/* 12 */
		"hello-interval = 5 minutes\n"		/* 13: bad duration */
		"require-ipsec = maybe\n"		/* 14: bad bool */
		"max-tunnels = -1\n"			/* 15: not a number */
		"receive-window = 1000\n";		/* 16: range */

	(void)state;
	assert_int_equal(parse(text, &cfg, &e), 12);
	assert_int_equal(e.line[0], 2);
	assert_int_equal(e.line[1], 3);
	assert_non_null(strstr(e.msg[1], "unknown key 'colour'"));
	assert_int_equal(e.line[2], 5);
	assert_int_equal(e.line[3], 6);
	assert_non_null(strstr(e.msg[3], "already set on line 5"));
	assert_int_equal(e.line[4], 7);
	assert_int_equal(e.line[5], 8);
	assert_int_equal(e.line[6], 9);
	assert_int_equal(e.line[7], 10);
	assert_non_null(strstr(e.msg[7], "unknown section [ipsec]"));
	assert_int_equal(e.line[8], 13);
	assert_int_equal(e.line[9], 14);
	assert_int_equal(e.line[10], 15);
	assert_int_equal(e.line[11], 16);
}

static void test_range_and_cross_checks(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[l2tp]\nreceive-window = 1000\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	assert_int_equal(parse("[l2tp]\nretransmit-initial = 4s\n\nretransmit-max = 2s\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 4);
	assert_int_equal(parse("[l2tp]\nmax-sessions = 5\nmax-sessions-per-tunnel = 6\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_int_equal(parse("k = v\n", &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "outside of any [section]"));
	assert_int_equal(parse("[l2tp]\nretransmit-initial = 50ms\n", &cfg, &e), 1);
	assert_int_equal(parse("[l2tp]\nlisten = 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 "
			       "6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9\n", &cfg, &e), 1);
}

static void test_long_line(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	char text[1024];

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text, "[l2tp]\nhostname = ", 18);
	strcpy(text + 600, "\nport = 0\n");
	assert_int_equal(parse(text, &cfg, &e), 2);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "line longer"));
	/* the rest of the long line did not become lines of its own */
	assert_int_equal(e.line[1], 3);
}

static void test_print_round_trip(void **state)
{
	struct l2sec_config a, b;
	struct errs e;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	const char *text =
		"[l2tp]\nlisten = 192.0.2.1 ::\nsecret = abc\nack-delay = 125ms\n"
		"hello-interval = 90s\nrequire-ipsec = no\n[global]\nlog-level = info\n";

	(void)state;
	assert_int_equal(parse(text, &a, &e), 0);
	out = open_memstream(&buf, &len);
	config_print(&a, out);
	fclose(out);
	assert_int_equal(parse(buf, &b, &e), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_non_null(strstr(buf, "ack-delay = 125ms\n"));
	assert_non_null(strstr(buf, "listen = 192.0.2.1 ::\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors_with_lines),
		cmocka_unit_test(test_range_and_cross_checks),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_print_round_trip),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
