// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec stats prometheus` (tools/prom.c): the exact families and samples for
 * a namespace's counters and l2secd's answer, label values escaped so that a
 * hostile version string stays one label, malformed members of l2secd's
 * answer skipped and counted, and every output accepted by Prometheus' own
 * checker (`promtool check metrics`: the format and its naming lint).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "cli.h"
#include "prom.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_begin(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static char *cap_end(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* TEXT through `promtool check metrics`: its exit status (0: clean). */
static int promtool(const char *text)
{
	FILE *p = popen("promtool check metrics >&2", "w");
	int st;

	assert_non_null(p);
	fputs(text, p);
	st = pclose(p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void assert_has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p++;
	}
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* Every sample line (not a comment) starts with one of the family NAMES. */
static unsigned int samples(const char *text)
{
	unsigned int n = 0;
	const char *p;

	for (p = text; *p; p = strchr(p, '\n') + 1) {
		if (*p != '#')
			n++;
		assert_non_null(strchr(p, '\n'));
	}
	return n;
}

static void test_escape(void **state)
{
	char out[64];

	prom_label_escape("a\"b\\c\nd", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	/* control bytes and non-ASCII (UTF-8 "ü") are replaced, not passed */
	prom_label_escape("x\ty\xc3\xbc\x7f", out, sizeof(out));
	assert_string_equal(out, "x?y???");
	/* cut to fit, never in the middle of an escape */
	prom_label_escape("ab\\\\", out, 4);
	assert_string_equal(out, "ab");
	prom_label_escape("ab\\\\", out, 5);
	assert_string_equal(out, "ab\\\\");
	prom_label_escape("abc", out, 1);
	assert_string_equal(out, "");
}

static void test_kernel(void **state)
{
	struct obj ns = { 0 };
	struct capture c;
	char *t;

	ns.has = OBJ_BIT(L2SEC_A_SOCK_COUNT) | OBJ_BIT(L2SEC_A_TUNNEL_COUNT) |
		 OBJ_BIT(L2SEC_A_SESSION_COUNT) | OBJ_BIT(L2SEC_A_STATS);
	ns.u[L2SEC_A_SOCK_COUNT] = 1;
	ns.u[L2SEC_A_TUNNEL_COUNT] = 2;
	ns.u[L2SEC_A_SESSION_COUNT] = 3;
	ns.stats.has = 1u << L2SEC_STATS_A_RX_PACKETS | 1u << L2SEC_STATS_A_TX_BYTES |
		       1u << L2SEC_STATS_A_RX_DROPS;
	ns.stats.v[L2SEC_STATS_A_RX_PACKETS] = 18446744073709551615u;
	ns.stats.v[L2SEC_STATS_A_TX_BYTES] = 1500;
	ns.stats.v[L2SEC_STATS_A_RX_DROPS] = 12;
	ns.stats.drops_has = 1u << L2SEC_DROP_NO_IPSEC | 1u << L2SEC_DROP_SPOOF | 1u << 30;
	ns.stats.drops[L2SEC_DROP_NO_IPSEC] = 7;
	ns.stats.drops[L2SEC_DROP_SPOOF] = 0;
	ns.stats.drops[30] = 4;
	ns.stats.has_other = true;
	ns.stats.drops_other = 1;

	prom_kernel(cap_begin(&c), &ns);
	t = cap_end(&c);
	assert_has_line(t, "# TYPE l2sec_up gauge");
	assert_has_line(t, "l2sec_up 1");
	assert_has_line(t, "# TYPE l2sec_sockets gauge");
	assert_has_line(t, "l2sec_sockets 1");
	assert_has_line(t, "l2sec_tunnels 2");
	assert_has_line(t, "l2sec_sessions 3");
	assert_has_line(t, "# TYPE l2sec_rx_packets_total counter");
	assert_has_line(t, "l2sec_rx_packets_total 18446744073709551615");
	assert_has_line(t, "l2sec_tx_bytes_total 1500");
	assert_has_line(t, "l2sec_rx_drops_total 12");
	assert_null(strstr(t, "l2sec_tx_packets_total"));
	assert_has_line(t, "# TYPE l2sec_drops_total counter");
	assert_has_line(t, "l2sec_drops_total{reason=\"no_ipsec\"} 7");
	assert_has_line(t, "l2sec_drops_total{reason=\"spoof\"} 0");
	assert_has_line(t, "l2sec_drops_total{reason=\"reason_30\"} 4");
	assert_has_line(t, "l2sec_drops_total{reason=\"other\"} 1");
	/* up, 3 counts, 3 counters, 4 drop reasons */
	assert_int_equal(samples(t), 11);
	assert_int_equal(promtool(t), 0);
	free(t);

	prom_kernel(cap_begin(&c), NULL);
	t = cap_end(&c);
	assert_has_line(t, "l2sec_up 0");
	assert_int_equal(samples(t), 1);
	assert_int_equal(promtool(t), 0);
	free(t);
}

static const char daemon_stats[] =
	"{\"datapath\":\"kernel\",\"tunnels\":2,\"half_open\":0,\"sessions\":3,"
	"\"pool_size\":241,\"pool_in_use\":3,"
	"\"stats\":{\"rx_packets\":100,\"tunnels_established\":4,\"tunnels_auth_failed\":1,"
	"\"sessions_established\":5},"
	"\"admit\":{\"half_open_sa_limit\":7,\"peers\":2},"
	"\"ppp\":{\"up\":5,\"auth_failures\":2,\"auth_throttle_entries\":1},"
	"\"rx_refused\":{\"plaintext\":9},"
	"\"ipsec\":{\"charon\":\"up\",\"vici\":\"/run/charon.vici\",\"sa_count\":3,"
	"\"sa_up\":4},"
	"\"ike\":{\"refused\":2,\"refused_weak_dh\":1,\"weak_dh_up\":6}}";

static struct json_object *parse(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

static void test_daemon(void **state)
{
	struct json_object *ver = parse("{\"version\":\"0.1.0\"}");
	struct json_object *st = parse(daemon_stats);
	struct capture c;
	char *t;

	assert_int_equal(prom_daemon(cap_begin(&c), ver, st), 0);
	t = cap_end(&c);
	assert_has_line(t, "l2sec_daemon_up 1");
	assert_has_line(t, "l2sec_daemon_info{version=\"0.1.0\",datapath=\"kernel\"} 1");
	assert_has_line(t, "# TYPE l2sec_daemon_tunnels gauge");
	assert_has_line(t, "l2sec_daemon_tunnels 2");
	assert_has_line(t, "l2sec_daemon_half_open 0");
	assert_has_line(t, "l2sec_daemon_sessions 3");
	assert_has_line(t, "l2sec_daemon_pool_size 241");
	assert_has_line(t, "l2sec_daemon_pool_in_use 3");
	assert_null(strstr(t, "pool6"));
	/* setups, authentication failures, admission refusals */
	assert_has_line(t, "# TYPE l2sec_daemon_l2tp_tunnels_established_total counter");
	assert_has_line(t, "l2sec_daemon_l2tp_tunnels_established_total 4");
	assert_has_line(t, "l2sec_daemon_l2tp_sessions_established_total 5");
	assert_has_line(t, "l2sec_daemon_l2tp_tunnels_auth_failed_total 1");
	assert_has_line(t, "l2sec_daemon_ppp_auth_failures_total 2");
	assert_has_line(t, "l2sec_daemon_admit_half_open_sa_limit_total 7");
	assert_has_line(t, "l2sec_daemon_rx_refused_plaintext_total 9");
	/* levels are gauges */
	assert_has_line(t, "# TYPE l2sec_daemon_admit_peers gauge");
	assert_has_line(t, "l2sec_daemon_admit_peers 2");
	assert_has_line(t, "l2sec_daemon_ppp_auth_throttle_entries 1");
	assert_has_line(t, "l2sec_daemon_ipsec_sas 3");
	assert_has_line(t, "l2sec_daemon_ipsec_charon_up 1");
	assert_has_line(t, "l2sec_daemon_ipsec_sa_up_total 4");
	assert_null(strstr(t, "vici"));
	/* refused IKE proposals and IKE_SAs with a weak DH group (vici_log.h) */
	assert_has_line(t, "# TYPE l2sec_daemon_ike_weak_dh_up_total counter");
	assert_has_line(t, "l2sec_daemon_ike_weak_dh_up_total 6");
	assert_has_line(t, "l2sec_daemon_ike_refused_total 2");
	assert_has_line(t, "l2sec_daemon_ike_refused_weak_dh_total 1");
	assert_int_equal(samples(t), 23);
	assert_int_equal(promtool(t), 0);
	free(t);
	json_object_put(ver);
	json_object_put(st);

	prom_daemon(cap_begin(&c), NULL, NULL);
	t = cap_end(&c);
	assert_has_line(t, "l2sec_daemon_up 0");
	assert_int_equal(samples(t), 1);
	assert_int_equal(promtool(t), 0);
	free(t);
}

/* What a hostile or broken l2secd could send stays data or is skipped. */
static void test_daemon_hostile(void **state)
{
	struct json_object *ver = parse("{\"version\":\"1\\\"} 1\\nevil_total 2\\n\\\\\"}");
	struct json_object *st = parse(
		"{\"datapath\":7,\"tunnels\":-1,\"sessions\":1,"
		"\"stats\":{\"Bad Name\":1,\"neg\":-3,\"str\":\"x\",\"ok\":1},"
		"\"ppp\":[1,2],\"admit\":{\"x{y=\\\"z\\\"}\":1}}");
	FILE *null = fopen("/dev/null", "w");
	struct capture c;
	char *t;

	assert_non_null(null);
	cli_err_to(null);
	/* datapath, tunnels, 3 bad members of stats, ppp, admit's member */
	assert_int_equal(prom_daemon(cap_begin(&c), ver, st), 7);
	t = cap_end(&c);
	assert_has_line(t, "l2sec_daemon_info{version=\"1\\\"} 1\\nevil_total 2\\n\\\\\",datapath=\"\"} 1");
	assert_null(strstr(t, "\nevil"));
	assert_has_line(t, "l2sec_daemon_sessions 1");
	assert_null(strstr(t, "l2sec_daemon_tunnels"));
	assert_has_line(t, "l2sec_daemon_l2tp_ok_total 1");
	assert_null(strstr(t, "Bad"));
	assert_null(strstr(t, "neg"));
	assert_null(strstr(t, "x{y"));
	assert_int_equal(promtool(t), 0);
	free(t);
	json_object_put(ver);
	json_object_put(st);
	cli_err_to(NULL);
	fclose(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_daemon),
		cmocka_unit_test(test_daemon_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
