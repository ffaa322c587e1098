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

#include "conf/config.h"
#include "config_parse.h"
#include "core/log.h"
#include "ppp/ppp.h"

static void test_defaults(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.port, 1701);
	assert_true(cfg.l2tp.require_ipsec);
	assert_int_equal(cfg.l2tp.rexmit_initial_ms, 1000);
	assert_int_equal(cfg.l2tp.rexmit_max_ms, 8000);
	assert_int_equal(cfg.l2tp.rexmit_retries, 5);
	assert_int_equal(cfg.l2tp.hello_interval_ms, 60000);
	assert_string_equal(cfg.l2tp.secret, "");
	assert_string_equal(cfg.runtime_dir, "/run/l2sec");
	assert_int_equal(cfg.n_listen, 1);
	assert_int_equal(cfg.listen[0].ss_family, AF_INET);
	assert_int_equal(cfg.datapath, CONFIG_DATAPATH_AUTO);
}

/* Two processes by default (issue 17), one only when asked for; the engine's user. */
static void test_privsep_default(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_true(cfg.privsep);
	assert_string_equal(cfg.engine_user, "l2sec");
	assert_int_equal(parse("[global]\nprivsep = no\n", &cfg, &e), 0);
	assert_false(cfg.privsep);
	assert_int_equal(parse("[global]\nprivsep = yes\nengine-user = vpn\n", &cfg, &e), 0);
	assert_true(cfg.privsep);
	assert_string_equal(cfg.engine_user, "vpn");
}

/*
 * The [l2tp] and [ppp] defaults are the engines' own (l2tp_config_init,
 * ppp_config_init), not a second copy of their values: what a test of the
 * PPP or L2TP engine runs with is what l2secd runs with.
 */
static void test_defaults_are_the_engines(void **state)
{
	struct l2sec_config cfg;
	struct l2tp_config lc;
	struct ppp_config pc;

	(void)state;
	config_defaults(&cfg);
	l2tp_config_init(&lc);
	ppp_config_init(&pc);
	memcpy(lc.hostname, cfg.l2tp.hostname, sizeof(lc.hostname));	/* the machine's */
	assert_memory_equal(&cfg.l2tp, &lc, sizeof(lc));
	assert_string_equal(cfg.ppp_name, pc.name);
	assert_int_equal(cfg.ppp_auth, pc.auth);
	assert_int_equal(cfg.mru, pc.mru);
	assert_int_equal(cfg.lcp_echo_interval_ms, pc.echo_interval_ms);
	assert_int_equal(cfg.lcp_echo_failures, pc.echo_failures);
	assert_int_equal(cfg.auth_tries, pc.auth_tries);
	assert_int_equal(cfg.auth_fail_delay_ms, pc.auth_fail_delay_ms);
	assert_int_equal(cfg.auth_timeout_ms, pc.auth_timeout_ms);
	/* and they are what l2sec.conf(5) documents */
	assert_int_equal(pc.mru, 1400);
	assert_int_equal(pc.echo_interval_ms, 20000);
	assert_int_equal(lc.max_tunnels, 1000);
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void assert_range(const struct config_range *r, const char *first, const char *last)
{
	assert_int_equal(r->first.s_addr, ip(first));
	assert_int_equal(r->last.s_addr, ip(last));
}

static void assert_ip6(const struct in6_addr *a, const char *s)
{
	struct in6_addr b;

	assert_int_equal(inet_pton(AF_INET6, s, &b), 1);
	assert_memory_equal(a, &b, sizeof(b));
}

static void test_ppp_defaults(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_string_equal(cfg.ppp_name, "l2sec");
	assert_int_equal(cfg.ppp_auth, PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5);
	assert_string_equal(cfg.users_path, "/etc/l2sec/users");
	assert_int_equal(cfg.mru, 1400);
	assert_int_equal(cfg.lcp_echo_interval_ms, 20000);
	assert_int_equal(cfg.lcp_echo_failures, 3);
	assert_int_equal(cfg.auth_tries, 3);
	assert_int_equal(cfg.auth_fail_delay_ms, 2000);
	assert_int_equal(cfg.auth_timeout_ms, 60000);
	assert_int_equal(cfg.local_ipv4.s_addr, ip("192.168.42.1"));
	assert_int_equal(cfg.n_pool, 1);
	assert_range(&cfg.pool[0], "192.168.42.10", "192.168.42.250");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cfg.dns[i].s_addr, INADDR_ANY);
		assert_int_equal(cfg.nbns[i].s_addr, INADDR_ANY);
	}
	assert_false(cfg.ipv6);
	assert_int_equal(cfg.ipv6_prefix_len, 0);
	assert_int_equal(cfg.n_dns6, 0);
	/* an empty [ppp] section is the same */
	assert_int_equal(parse("[ppp]\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_pool, 1);
}

static void test_ppp_values(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	const char *text =
		"[global]\n"
		"datapath = tun\n"
		"[ppp]\n"
		"name = gw-1\n"
		"auth = pap,mschapv2\n"
		"users = /srv/l2sec/users\n"
		"mru = 1280\n"
		"lcp-echo-interval = 0\n"
		"lcp-echo-failures = 100\n"
		"auth-tries = 1\n"
		"auth-fail-delay = 0\n"
		"auth-timeout = 10min\n";
	const char *text2 =
		"[ppp]\n"
		"lcp-echo-interval = 3600s\n"
		"auth-fail-delay = 1500ms\n"
		"auth-timeout = 1s\n"
		"local-address = 10.0.0.1\n"
		"dns = 10.0.0.1, 9.9.9.9\n"
		"nbns = 10.0.0.2\n"
		"ipv6 = yes\n"
		"ipv6-prefix = 2001:db8:42::/56\n"
		"ipv6-dns = 2001:db8:42::53\n";

	(void)state;
	/* "10min" is no duration: only that line is wrong */
	assert_int_equal(parse(text, &cfg, &e), 1);
	assert_int_equal(e.line[0], 12);
	assert_int_equal(cfg.datapath, CONFIG_DATAPATH_TUN);
	assert_string_equal(cfg.ppp_name, "gw-1");
	assert_int_equal(cfg.ppp_auth, PPP_AUTH_PAP | PPP_AUTH_MSCHAPV2);
	assert_string_equal(cfg.users_path, "/srv/l2sec/users");
	assert_int_equal(cfg.mru, 1280);
	assert_int_equal(cfg.lcp_echo_interval_ms, 0);
	assert_int_equal(cfg.lcp_echo_failures, 100);
	assert_int_equal(cfg.auth_tries, 1);
	assert_int_equal(cfg.auth_fail_delay_ms, 0);

	assert_int_equal(parse(text2, &cfg, &e), 0);
	assert_int_equal(cfg.lcp_echo_interval_ms, 3600000);
	assert_int_equal(cfg.auth_fail_delay_ms, 1500);
	assert_int_equal(cfg.auth_timeout_ms, 1000);
	assert_int_equal(cfg.local_ipv4.s_addr, ip("10.0.0.1"));
	assert_int_equal(cfg.dns[0].s_addr, ip("10.0.0.1"));
	assert_int_equal(cfg.dns[1].s_addr, ip("9.9.9.9"));
	assert_int_equal(cfg.nbns[0].s_addr, ip("10.0.0.2"));
	assert_int_equal(cfg.nbns[1].s_addr, INADDR_ANY);
	assert_true(cfg.ipv6);
	assert_ip6(&cfg.ipv6_prefix, "2001:db8:42::");
	assert_int_equal(cfg.ipv6_prefix_len, 56);
	assert_int_equal(cfg.n_dns6, 1);
	assert_ip6(&cfg.dns6[0], "2001:db8:42::53");

	assert_int_equal(parse("[global]\ndatapath = kernel\n[ppp]\nauth = chap-md5\n"
			       "dns =\nipv6-prefix =\n", &cfg, &e), 0);
	assert_int_equal(cfg.datapath, CONFIG_DATAPATH_KERNEL);
	assert_int_equal(cfg.ppp_auth, PPP_AUTH_CHAP_MD5);
	assert_int_equal(cfg.dns[0].s_addr, INADDR_ANY);
	assert_int_equal(cfg.ipv6_prefix_len, 0);
}

static void test_pool(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	/* a block without its network and broadcast address; /31 and /32 whole */
	assert_int_equal(parse("[ppp]\npool = 10.0.0.0/24 10.1.0.0/31,10.2.0.7/32 "
			       "10.3.0.0/30\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_pool, 4);
	assert_range(&cfg.pool[0], "10.0.0.1", "10.0.0.254");
	assert_range(&cfg.pool[1], "10.1.0.0", "10.1.0.1");
	assert_range(&cfg.pool[2], "10.2.0.7", "10.2.0.7");
	assert_range(&cfg.pool[3], "10.3.0.1", "10.3.0.2");

	/* ranges, a single address; more on indented lines, with a comment */
	assert_int_equal(parse("[ppp]\npool = 10.0.0.10-10.0.0.20\n"
			       "\t10.0.1.5 ; one more\n"
			       "  172.16.0.0/12\n"
			       "mru = 1400\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_pool, 3);
	assert_range(&cfg.pool[0], "10.0.0.10", "10.0.0.20");
	assert_range(&cfg.pool[1], "10.0.1.5", "10.0.1.5");
	/* a /12 less two addresses: within the limit of 2^20 */
	assert_range(&cfg.pool[2], "172.16.0.1", "172.31.255.254");

	/* 16 ranges at most */
	assert_int_equal(parse("[ppp]\npool = 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5\n"
			       " 10.0.0.6 10.0.0.7 10.0.0.8 10.0.0.9 10.0.0.10 10.0.0.11\n"
			       " 10.0.0.12 10.0.0.13 10.0.0.14 10.0.0.15 10.0.0.16\n",
			       &cfg, &e), 0);
	assert_int_equal(cfg.n_pool, 16);
	assert_int_equal(parse("[ppp]\npool = 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5\n"
			       " 10.0.0.6 10.0.0.7 10.0.0.8 10.0.0.9 10.0.0.10 10.0.0.11\n"
			       " 10.0.0.12 10.0.0.13 10.0.0.14 10.0.0.15 10.0.0.16\n"
			       " 10.0.0.17\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 5);
	assert_non_null(strstr(e.msg[0], "more than 16"));
}

static void round_trip(const char *text, struct l2sec_config *a, char **out);

/*
 * named-pools "NAME:RANGE ...": a name's ranges anywhere in the list, each
 * disjoint from the others and from pool, without local-address; printed
 * back as read.
 */
static void test_named_pools(void **state)
{
	static const char ok[] =
		"[ppp]\nlocal-address = 10.8.0.1\npool = 10.8.0.10-10.8.0.250\n"
		"named-pools = staff:10.8.1.0/24 guests:10.8.2.10-10.8.2.99\n"
		"\tstaff:10.8.3.7\n";
	struct l2sec_config cfg;
	struct errs e;
	char *out;

	(void)state;
	assert_int_equal(parse("[ppp]\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_named_pool, 0);
	round_trip(ok, &cfg, &out);
	free(out);
	assert_int_equal(cfg.n_named_pool, 3);
	assert_string_equal(cfg.named_pool[0].name, "staff");
	assert_range(&cfg.named_pool[0].r, "10.8.1.1", "10.8.1.254");
	assert_string_equal(cfg.named_pool[1].name, "guests");
	assert_range(&cfg.named_pool[1].r, "10.8.2.10", "10.8.2.99");
	assert_string_equal(cfg.named_pool[2].name, "staff");
	assert_range(&cfg.named_pool[2].r, "10.8.3.7", "10.8.3.7");

	assert_int_equal(parse("[ppp]\nnamed-pools = a:10.8.1.0/24 b:10.8.1.200-10.8.2.5\n",
			       &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "overlaps 'a'"));
	assert_int_equal(parse("[ppp]\npool = 10.8.0.0/16\nnamed-pools = a:10.8.1.0/24\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[0], "overlaps pool range 1"));
	assert_int_equal(parse("[ppp]\nlocal-address = 10.9.0.1\nnamed-pools = a:10.9.0.0/24\n",
			       &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "holds local-address"));
	assert_int_equal(parse("[ppp]\nnamed-pools = 10.9.0.0/24 b/c:10.9.1.1 "
			       "a23456789012345678901234567890123:10.9.2.1 :10.9.3.1 "
			       "x:127.0.0.1 y:10.9.4.9-10.9.4.1\n", &cfg, &e), 6);
	assert_non_null(strstr(e.msg[0], "is not NAME:RANGE"));
	assert_non_null(strstr(e.msg[4], "loopback"));
}

/* [ppp] idle-timeout: a duration, 0 (the default) never; under privsep too. */
static void test_idle_timeout(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[ppp]\n", &cfg, &e), 0);
	assert_int_equal(cfg.idle_timeout_ms, 0);
	assert_int_equal(parse("[ppp]\nidle-timeout = 600\n", &cfg, &e), 0);
	assert_int_equal(cfg.idle_timeout_ms, 600000);
	/* the parent reads the module's counters for the engine (COUNTERS) */
	assert_int_equal(parse("[global]\nprivsep = yes\n[ppp]\nidle-timeout = 600\n", &cfg,
			       &e), 0);
	assert_int_equal(cfg.idle_timeout_ms, 600000);
	/* named pools do: the parent hands them out (test_priv_radius) */
	assert_int_equal(parse("[global]\nprivsep = yes\n[ppp]\npool = 10.99.0.10-10.99.0.20\n"
			       "named-pools = staff:10.99.1.10-10.99.1.20\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_named_pool, 1);
}

/* One error each, on the line given, with a message that says what. */
static const struct {
	const char *text;
	unsigned int line;
	const char *msg;
} ppp_errors[] = {
	{ "[global]\ndatapath = ppp\n", 2, "not auto, kernel or tun" },
	{ "[ppp]\nname =\n", 2, "length" },
	{ "[ppp]\n\nname = 0123456789012345678901234567890123456789"
	  "012345678901234567890123\n", 3, "length" },
	{ "[ppp]\nusers =\n", 2, "length" },
	{ "[ppp]\nauth =\n", 2, "at least one" },
	{ "[ppp]\nauth = , ,\n", 2, "at least one" },
	{ "[ppp]\nauth = mschapv2 eap\n", 2, "'eap' is not" },
	{ "[ppp]\nauth = pap pap\n", 2, "twice" },
	{ "[ppp]\nmru = 127\n", 2, "128 to 1500" },
	{ "[ppp]\nmru = 1501\n", 2, "128 to 1500" },
	{ "[ppp]\nlcp-echo-interval = 3601s\n", 2, "to 3600000ms" },
	{ "[ppp]\nlcp-echo-failures = 0\n", 2, "1 to 100" },
	{ "[ppp]\nlcp-echo-failures = 101\n", 2, "1 to 100" },
	{ "[ppp]\nauth-tries = 0\n", 2, "1 to 10" },
	{ "[ppp]\nauth-tries = 11\n", 2, "1 to 10" },
	{ "[ppp]\nauth-fail-delay = 61s\n", 2, "to 60000ms" },
	{ "[ppp]\nauth-timeout = 0\n", 2, "1000ms to 600000ms" },
	{ "[ppp]\nauth-timeout = 999ms\n", 2, "1000ms to 600000ms" },
	{ "[ppp]\nauth-timeout = 601s\n", 2, "1000ms to 600000ms" },
	{ "[ppp]\nlocal-address = 10.0.0.256\n", 2, "not an IPv4 address" },
	{ "[ppp]\nlocal-address = 10.0.0.1 10.0.0.2\n", 2, "not an IPv4 address" },
	{ "[ppp]\nlocal-address = 127.0.0.1\n", 2, "loopback" },
	{ "[ppp]\nlocal-address = 0.0.0.0\n", 2, "0.0.0.0/8" },
	{ "[ppp]\nlocal-address = 239.1.1.1\n", 2, "multicast" },
	{ "[ppp]\nlocal-address = 255.255.255.255\n", 2, "broadcast" },
	{ "[ppp]\npool =\n", 2, "at least one" },
	{ "[ppp]\npool = 10.0.0.0/24 10.0.0.128/25\n", 2, "overlaps range 1" },
	{ "[ppp]\npool = 10.0.0.1-10.0.0.9\n\t10.0.0.9-10.0.0.20\n", 3, "overlaps range 1" },
	{ "[ppp]\npool = 10.0.0.0/11\n", 2, "more than 1048576" },
	{ "[ppp]\npool = 10.0.0.0-10.16.0.0\n", 2, "more than 1048576" },
	{ "[ppp]\npool = 10.0.0.1/24\n", 2, "host bits" },
	{ "[ppp]\npool = 10.0.0.9-10.0.0.1\n", 2, "ends before it starts" },
	{ "[ppp]\npool = 10.0.0.0/33\n", 2, "not an address, a range" },
	{ "[ppp]\npool = 10.0.0.0/+8\n", 2, "not an address, a range" },
	{ "[ppp]\npool = 10.0.0.1 - 10.0.0.9\n", 2, "'-' is not an address" },
	{ "[ppp]\npool = 10.0.0.1-\n", 2, "not an address, a range" },
	{ "[ppp]\npool = 126.255.255.0-127.0.0.3\n", 2, "loopback" },
	{ "[ppp]\npool = 224.0.0.0/24\n", 2, "multicast" },
	{ "[ppp]\npool = 255.255.255.255\n", 2, "broadcast" },
	{ "[ppp]\npool = 0.0.0.0/24\n", 2, "0.0.0.0/8" },
	{ "[ppp]\ndns = 8.8.8.8 8.8.4.4 1.1.1.1\n", 2, "more than 2" },
	{ "[ppp]\ndns = 255.255.255.255\n", 2, "broadcast" },
	{ "[ppp]\ndns = 0.0.0.0\n", 2, "0.0.0.0/8" },
	{ "[ppp]\ndns = 127.0.0.53\n", 2, "loopback" },
	{ "[ppp]\ndns = 2001:db8::1\n", 2, "not an IPv4 address" },
	{ "[ppp]\nnbns = 224.0.0.1\n", 2, "multicast" },
	{ "[ppp]\nipv6 = perhaps\n", 2, "invalid value" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = 2001:db8::/64\n", 3, "32 to 63" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = 2001:db8::/31\n", 3, "32 to 63" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = 2001:db8::1/48\n", 3, "host bits" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = 2001:db8::\n", 3, "not an IPv6 prefix" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = 10.0.0.0/48\n", 3, "not an IPv6 prefix" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = ff00::/48\n", 3, "not a unicast prefix" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = fe80::/48\n", 3, "not a unicast prefix" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix = ::/48\n", 3, "not a unicast prefix" },
	{ "[ppp]\nipv6-dns = ::1\n", 2, "not a unicast address" },
	{ "[ppp]\nipv6-dns = ff02::fb\n", 2, "not a unicast address" },
	{ "[ppp]\nipv6-dns = 192.0.2.1\n", 2, "not an IPv6 address" },
	{ "[ppp]\nipv6-dns = 2001:db8::1 2001:db8::2 2001:db8::3\n", 2, "more than 2" },
	{ "[ppp]\nroutes = 0.0.0.0/0\n", 2, "default route" },
	{ "[ppp]\nroutes = 10.0.0.0/0\n", 2, "default route" },
	{ "[ppp]\nroutes = 10.1.0.0/8\n", 2, "host bits" },
	{ "[ppp]\nroutes = 192.168.51.0/23\n", 2, "host bits" },
	{ "[ppp]\nroutes = 10.0.0.1\n", 2, "'10.0.0.1' is not a network A/N" },
	{ "[ppp]\nroutes = 10.0.0.0/33\n", 2, "not a network A/N" },
	{ "[ppp]\nroutes = 10.0.0.0/\n", 2, "not a network A/N" },
	{ "[ppp]\nroutes = 10.0.0.0/+8\n", 2, "not a network A/N" },
	{ "[ppp]\nroutes = 10.0.0/8\n", 2, "not a network A/N" },
	{ "[ppp]\nroutes = 2001:db8::/32\n", 2, "not a network A/N" },
	{ "[ppp]\nroutes = 127.0.0.0/8\n", 2, "inside 127.0.0.0/8" },
	{ "[ppp]\nroutes = 0.0.0.0/8\n", 2, "inside 0.0.0.0/8" },
	{ "[ppp]\nroutes = 239.0.0.0/8\n", 2, "multicast" },
	{ "[ppp]\nroutes = 255.255.255.255/32\n", 2, "240.0.0.0/4" },
	{ "[ppp]\nroutes = 10.0.0.0/8 10.1.0.0/16\n\t10.0.0.0/8\n", 3, "listed twice" },
	{ "[ppp]\ndns-domain = corp example\n", 2, "other than letters" },
	{ "[ppp]\ndns-domain = corp..example\n", 2, "empty label" },
	{ "[ppp]\ndns-domain = .corp.example\n", 2, "empty label" },
	{ "[ppp]\ndns-domain = corp.example..\n", 2, "empty label" },
	{ "[ppp]\ndns-domain = .\n", 2, "not a domain name" },
	{ "[ppp]\ndns-domain = -corp.example\n", 2, "starting with '-'" },
	{ "[ppp]\ndns-domain = corp-.example\n", 2, "ending in '-'" },
	{ "[ppp]\ndns-domain = corp.ex/ample\n", 2, "other than letters" },
	{ "[ppp]\ndns-domain = 10.0.0.1\n", 2, "numeric label" },
	{ "[ppp]\ndns-domain = corp.example.123\n", 2, "numeric label" },
	{ "[ppp]\ndns-domain = a234567890123456789012345678901234567890"
	  "123456789012345678901234.example\n", 2, "longer than 63" },
	{ "[ppp]\ndns-search = corp.example b..c\n", 2, "'b..c' has an empty label" },
	{ "[ppp]\ndns-search = corp.example\n\tlab.corp.example CORP.example.\n", 3,
	  "'CORP.example.' listed twice" },
	{ "[ppp]\ndns-search = a.ex b.ex c.ex d.ex e.ex f.ex g.ex h.ex\n\ti.ex\n", 3,
	  "more than 8" },
	{ "[ppp]\ndns-domain = a.example b.example\n", 2, "other than letters" },
	/* cross-checks: the line of the key that breaks the rule */
	{ "[ppp]\n\nlocal-address = 192.168.42.20\n", 3, "inside the pool" },
	{ "[ppp]\npool = 10.0.0.0/24\nlocal-address = 10.0.0.1\n", 3, "inside the pool" },
	{ "[ppp]\npool = 192.168.42.0/24\n", 2, "inside the pool" },
	{ "[ppp]\nipv6 = yes\n", 2, "needs an ipv6-prefix" },
	{ "[ppp]\nipv6 = yes\nipv6-prefix =\n", 2, "needs an ipv6-prefix" },
	{ "[ppp]\nipv6-prefix = 2001:db8::/48\n", 2, "ipv6 is not yes" },
	{ "[ppp]\nipv6 = no\n\nipv6-prefix = 2001:db8::/48\n", 4, "ipv6 is not yes" },
	/* each key once; only a list goes on over an indented line */
	{ "[ppp]\nmru = 1400\nmru = 1400\n", 3, "already set on line 2" },
	{ "[ppp]\nmru = 1400\n  1500\n", 3, "only a list" },
	{ "[ppp]\ndns = 10.9.9.9\n  dns=10.9.9.8\n", 3, "'dns=10.9.9.8' is not an IPv4" },
};

static void test_ppp_errors(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	for (size_t i = 0; i < sizeof(ppp_errors) / sizeof(ppp_errors[0]); i++) {
		int n = parse(ppp_errors[i].text, &cfg, &e);

		if (n != 1 || e.line[0] != ppp_errors[i].line ||
		    !strstr(e.msg[0], ppp_errors[i].msg))
			fail_msg("case %zu %s: %d errors, first on line %u: %s", i,
				 ppp_errors[i].text, n, e.line[0], n ? e.msg[0] : "");
	}
}

/* A key whose own value is wrong is not cross-checked: one error, not two. */
static void test_no_cascade(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[ppp]\nlocal-address = 192.168.42.20\n"
			       "pool = 10.0.0.0/24 bogus\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_int_equal(parse("[ppp]\nipv6 = perhaps\nipv6-prefix = 2001:db8::/48\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	assert_int_equal(parse("[ppp]\nipv6 = yes\nipv6-prefix = 2001:db8::/64\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	/* after a section header, an indented key is a key of its own */
	assert_int_equal(parse("[l2tp]\nport = 1701\n[ppp]\n  mru = 1300\n",
			       &cfg, &e), 0);
	assert_int_equal(cfg.mru, 1300);
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
	assert_string_equal(cfg.l2tp.hostname, "gw.example");
	assert_string_equal(cfg.l2tp.secret, "tunnel secret with spaces");
	assert_false(cfg.l2tp.require_ipsec);
	assert_int_equal(cfg.l2tp.hello_interval_ms, 0);
	assert_int_equal(cfg.l2tp.rexmit_initial_ms, 500);
	assert_int_equal(cfg.l2tp.rexmit_max_ms, 16000);
	assert_int_equal(cfg.l2tp.rexmit_retries, 7);
	assert_int_equal(cfg.l2tp.ack_delay_ms, 0);
	assert_int_equal(cfg.l2tp.receive_window, 16);
	assert_int_equal(cfg.l2tp.max_tunnels, 10);
	assert_int_equal(cfg.l2tp.max_sessions, 20);
	assert_int_equal(cfg.l2tp.max_sessions_per_tunnel, 2);
	assert_int_equal(cfg.l2tp.max_half_open, 3);
	assert_int_equal(cfg.l2tp.sccrq_rate, 4);
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
		"[ike]\n"				/* 10: unknown section */
		"psk = x\n"				/* 11: (inside it: not reported again) */
		"[l2tp]\n"				/* 12: repeated section */
		"hello-interval = 5 minutes\n"		/* 13: bad duration */
		"require-ipsec = maybe\n"		/* 14: bad bool */
		"max-tunnels = -1\n"			/* 15: not a number */
		"receive-window = 1000\n";		/* 16: range */

	(void)state;
	assert_int_equal(parse(text, &cfg, &e), 13);
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
	assert_non_null(strstr(e.msg[7], "unknown section [ike]"));
	assert_int_equal(e.line[8], 12);
	assert_non_null(strstr(e.msg[8], "section [l2tp] repeated (first on line 4)"));
	assert_int_equal(e.line[9], 13);
	assert_int_equal(e.line[10], 14);
	assert_int_equal(e.line[11], 15);
	assert_int_equal(e.line[12], 16);
}

/* [ipsec]: defaults, values, and the credential rules, each error on its line. */
static void test_ipsec(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_string_equal(cfg.vici_path, "/var/run/charon.vici");
	assert_string_equal(cfg.psk, "");
	assert_int_equal(cfg.dpd_delay_ms, 30000);
	assert_int_equal(cfg.dpd_timeout_ms, 150000);
	assert_int_equal(cfg.rekey_time_ms, 0);
	assert_int_equal(cfg.reauth_time_ms, 0);
	assert_int_equal(cfg.allow_modp1024, CONFIG_WEAK_DH_ANDROID);

	assert_int_equal(parse("[ipsec]\nvici = /run/c.vici\npsk = a shared secret\n"
			       "allow-modp1024 = yes\nallow-3des = yes\ndpd-delay = 10s\n"
			       "dpd-timeout = 60\nrekey-time = 30m\nforce-encap = yes\n",
			       &cfg, &e), 1);	/* "30m" is not a duration */
	assert_int_equal(e.line[0], 8);
	assert_int_equal(parse("[ipsec]\nvici = /run/c.vici\npsk = a shared secret\n"
			       "allow-modp1024 = yes\nallow-3des = yes\ndpd-delay = 10s\n"
			       "dpd-timeout = 60\nrekey-time = 1800\nforce-encap = yes\n"
			       "reauth-time = 28800\n", &cfg, &e), 0);
	assert_string_equal(cfg.vici_path, "/run/c.vici");
	assert_string_equal(cfg.psk, "a shared secret");
	assert_int_equal(cfg.allow_modp1024, CONFIG_WEAK_DH_ALL);
	assert_true(cfg.allow_3des && cfg.force_encap);
	assert_int_equal(cfg.dpd_delay_ms, 10000);
	assert_int_equal(cfg.dpd_timeout_ms, 60000);
	assert_int_equal(cfg.rekey_time_ms, 1800000);
	assert_int_equal(cfg.reauth_time_ms, 8 * 3600000);
	assert_int_equal(parse("[ipsec]\nreauth-time = 86401\n", &cfg, &e), 1);

	assert_int_equal(parse("[ipsec]\npsk = x\ncertificate = /c.pem\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[0], "exclusive"));
	assert_int_equal(parse("[ipsec]\n\nprivate-key = /k.pem\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[0], "needs certificate, private-key and ca"));
	assert_int_equal(parse("[ipsec]\ncertificate = /c.pem\nprivate-key = /k.pem\n"
			       "ca = /ca.pem\n", &cfg, &e), 0);
	assert_int_equal(parse("[ipsec]\ndpd-delay = 0\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
}

/* Admission per peer ([l2tp], l2tp_admit.h): defaults, values, the table's cross-check. */
static void test_admit(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	const char *text =
		"[l2tp]\n"
		"sccrq-rate-per-source = 7\n"
		"sccrq-rate-per-sa = 1\n"
		"max-half-open-per-source = 9\n"
		"max-half-open-per-sa = 3\n"
		"max-tunnels-per-sa = 2\n"
		"setup-timeout = 5s\n"
		"session-setup-timeout = 4500ms\n"
		"peer-table-size = 2000\n";

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.l2tp.sccrq_rate, 100);
	assert_int_equal(cfg.l2tp.sccrq_rate_per_source, 20);
	assert_int_equal(cfg.l2tp.sccrq_rate_per_sa, 2);
	assert_int_equal(cfg.l2tp.max_half_open_per_source, 32);
	assert_int_equal(cfg.l2tp.max_half_open_per_sa, 2);
	assert_int_equal(cfg.l2tp.max_tunnels_per_sa, 4);
	assert_int_equal(cfg.l2tp.setup_timeout_ms, 10000);
	assert_int_equal(cfg.l2tp.session_setup_timeout_ms, 10000);
	assert_int_equal(cfg.l2tp.peer_table_size, 4096);
	/* far below the retransmission cycle of the defaults: 1+2+4+8+8+8 s */
	assert_true(cfg.l2tp.setup_timeout_ms * 3 <= 31000);

	assert_int_equal(parse(text, &cfg, &e), 0);
	assert_int_equal(cfg.l2tp.sccrq_rate_per_source, 7);
	assert_int_equal(cfg.l2tp.sccrq_rate_per_sa, 1);
	assert_int_equal(cfg.l2tp.max_half_open_per_source, 9);
	assert_int_equal(cfg.l2tp.max_half_open_per_sa, 3);
	assert_int_equal(cfg.l2tp.max_tunnels_per_sa, 2);
	assert_int_equal(cfg.l2tp.setup_timeout_ms, 5000);
	assert_int_equal(cfg.l2tp.session_setup_timeout_ms, 4500);
	assert_int_equal(cfg.l2tp.peer_table_size, 2000);

	/* every tunnel pins two entries: the table must hold them */
	assert_int_equal(parse("[l2tp]\nmax-tunnels = 1000\npeer-table-size = 1999\n",
			       &cfg, &e), 1);
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[0], "twice max-tunnels"));
	assert_int_equal(parse("[l2tp]\nmax-tunnels = 3000\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	/* more single-tunnel clients than tunnel IDs (IDs are per SA or peer), up to the
	 * module's 131,072 */
	assert_int_equal(parse("[l2tp]\nmax-tunnels = 131072\npeer-table-size = 262144\n",
			       &cfg, &e), 0);
	assert_int_equal(cfg.l2tp.max_tunnels, 131072);
	assert_int_equal(parse("[l2tp]\nmax-tunnels = 131073\npeer-table-size = 262148\n",
			       &cfg, &e), 1);
	assert_int_equal(parse("[l2tp]\nsetup-timeout = 500ms\n", &cfg, &e), 1);
	assert_int_equal(parse("[l2tp]\nmax-tunnels-per-sa = 0\n", &cfg, &e), 1);
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

/*
 * "key=;x" would be the value ";x" but "key = ;x" (as -p prints it) a
 * comment: a value may not start with ';'.
 */
static void test_value_semicolon(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("[ppp]\nname=; r/N\n[l2tp]\nsecret =;x\n", &cfg, &e), 2);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "';'"));
	assert_int_equal(e.line[1], 4);
	/* inside a value it is fine */
	assert_int_equal(parse("[l2tp]\nsecret = a;b\n", &cfg, &e), 0);
	assert_string_equal(cfg.l2tp.secret, "a;b");
}

/* A NUL byte: the line is refused, and neither it nor the next is cut or merged. */
static void test_nul_byte(void **state)
{
	static const char text[] = "[l2tp]\nhostname = a\0b\nport = 0\n\0\0\0";
	struct l2sec_config cfg;
	struct errs e;
	char big[600];
	FILE *f;

	(void)state;
	f = fmemopen((void *)text, sizeof(text) - 1, "r");
	assert_non_null(f);
	memset(&e, 0, sizeof(e));
	assert_int_equal(config_parse_file(&cfg, f, "test.conf", collect, &e), 3);
	fclose(f);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "NUL"));
	assert_int_equal(e.line[1], 3);
	assert_int_equal(e.line[2], 4);
	/* a long line that starts with NUL is one line, not two */
	memset(big, 'k', sizeof(big));
	big[0] = '\0';
	f = fmemopen(big, sizeof(big), "r");
	assert_non_null(f);
	memset(&e, 0, sizeof(e));
	assert_int_equal(config_parse_file(&cfg, f, "test.conf", collect, &e), 1);
	fclose(f);
	assert_int_equal(e.line[0], 1);
}

static void round_trip(const char *text, struct l2sec_config *a, char **out)
{
	struct l2sec_config b;
	struct errs e;
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *f;

	assert_int_equal(parse(text, a, &e), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	config_print(a, f);
	fclose(f);
	if (parse(buf, &b, &e))
		fail_msg("line %u: %s\n%s", e.line[0], e.msg[0], buf);
	assert_memory_equal(a, &b, sizeof(b));
	/* every line fits inih's */
	for (line = buf; *line; line += strcspn(line, "\n") + 1)
		assert_true(strcspn(line, "\n") < 100);
	*out = buf;
}

/*
 * allow-modp1024: android (the default), or a boolean as before (yes: every
 * weak suite, as it meant then); anything else is refused with what it takes.
 */
static void test_modp1024(void **state)
{
	static const struct {
		const char *val;
		enum config_weak_dh want;
	} ok[] = {
		{ "no", CONFIG_WEAK_DH_NONE }, { "off", CONFIG_WEAK_DH_NONE },
		{ "0", CONFIG_WEAK_DH_NONE }, { "False", CONFIG_WEAK_DH_NONE },
		{ "android", CONFIG_WEAK_DH_ANDROID }, { "Android", CONFIG_WEAK_DH_ANDROID },
		{ "yes", CONFIG_WEAK_DH_ALL }, { "on", CONFIG_WEAK_DH_ALL },
		{ "1", CONFIG_WEAK_DH_ALL }, { "TRUE", CONFIG_WEAK_DH_ALL },
	};
	static const char *const bad[] = { "maybe", "android7", "yes android", "2", "androi" };
	struct l2sec_config cfg;
	struct errs e;
	char text[128], *buf;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "[ipsec]\nallow-modp1024 = %s\n", ok[i].val);
		assert_int_equal(parse(text, &cfg, &e), 0);
		assert_int_equal(cfg.allow_modp1024, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[ipsec]\n\nallow-modp1024 = %s\n", bad[i]);
		assert_int_equal(parse(text, &cfg, &e), 1);
		assert_int_equal(e.line[0], 3);
		assert_non_null(strstr(e.msg[0], "is not no, android or yes"));
		assert_non_null(strstr(e.msg[0], "NegotiateDH2048_AES256"));
	}
	/* the printed configuration names the value and parses back to it */
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i += 4) {
		snprintf(text, sizeof(text), "[ipsec]\nallow-modp1024 = %s\n", ok[i].val);
		round_trip(text, &cfg, &buf);
		snprintf(text, sizeof(text), "allow-modp1024 = %s\n",
			 ok[i].want == CONFIG_WEAK_DH_ANDROID ? "android" :
			 ok[i].want == CONFIG_WEAK_DH_ALL ? "yes" : "no");
		assert_non_null(strstr(buf, text));
		free(buf);
	}
}

static void test_ppp_round_trip(void **state)
{
	struct l2sec_config cfg;
	char *buf;
	const char *text =
		"[global]\ndatapath = kernel\n"
		"[ppp]\nname = gw\nauth = pap chap-md5 mschapv2\nusers = /u\nmru = 1300\n"
		"lcp-echo-interval = 2500ms\nlcp-echo-failures = 5\nauth-tries = 2\n"
		"auth-fail-delay = 0\nauth-timeout = 30s\nlocal-address = 10.255.0.1\n"
		"pool = 10.0.0.0/24 10.0.1.7 100.64.0.0-100.64.3.255 10.1.0.0/31\n"
		"  10.2.0.0/30 10.3.0.0/30 10.4.0.0/30 10.5.0.0/30 10.6.0.0/30\n"
		"  10.7.0.0/30 10.8.0.0/30 10.9.0.0/30 10.10.0.0/30 10.11.0.0/30\n"
		"  10.12.0.0/30 10.13.0.0/30\n"
		"dns = 10.255.0.1 192.0.2.53\nnbns = 192.0.2.137\nipv6 = yes\n"
		"ipv6-prefix = 2001:db8:ffff:ff00::/56\n"
		"ipv6-dns = 2001:db8:ffff:ff00::53, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff\n";

	(void)state;
	round_trip(text, &cfg, &buf);
	assert_int_equal(cfg.n_pool, 16);
	assert_non_null(strstr(buf, "auth = mschapv2 chap-md5 pap\n"));
	/* a block as written (its route, poolrt.h), a range as one */
	assert_non_null(strstr(buf, "pool = 10.0.0.0/24 10.0.1.7 100.64.0.0-100.64.3.255 "
				    "10.1.0.0-10.1.0.1"));
	assert_non_null(strstr(buf, "10.2.0.0/30"));
	assert_non_null(strstr(buf, "ipv6-prefix = 2001:db8:ffff:ff00::/56\n"));
	assert_non_null(strstr(buf, "datapath = kernel\n"));
	assert_non_null(strstr(buf, "lcp-echo-interval = 2500ms\n"));
	free(buf);

	/* the defaults: every key printed, the unset ones as "key =" */
	round_trip("", &cfg, &buf);
	assert_non_null(strstr(buf, "\n[ppp]\nname = l2sec\nauth = mschapv2 chap-md5\n"));
	assert_non_null(strstr(buf, "datapath = auto\n"));
	assert_non_null(strstr(buf, "pool = 192.168.42.10-192.168.42.250\n"));
	assert_non_null(strstr(buf, "local-address = 192.168.42.1\n"));
	assert_non_null(strstr(buf, "\ndns =\nnbns =\nipv6 = no\nipv6-prefix =\nipv6-dns =\n"));
	free(buf);

	/* eight IPv6 listen addresses need more than one line too */
	round_trip("[l2tp]\nlisten = 2001:db8:1111:2222:3333:4444:5555:1\n"
		   " 2001:db8:1111:2222:3333:4444:5555:2 2001:db8:1111:2222:3333:4444:5555:3\n"
		   " 2001:db8:1111:2222:3333:4444:5555:4 2001:db8:1111:2222:3333:4444:5555:5\n"
		   " 2001:db8:1111:2222:3333:4444:5555:6 2001:db8:1111:2222:3333:4444:5555:7\n"
		   " 2001:db8:1111:2222:3333:4444:5555:8\n", &cfg, &buf);
	assert_int_equal(cfg.n_listen, 8);
	free(buf);
}

static uint32_t route_net(const struct l2sec_config *cfg, unsigned int i, unsigned int plen)
{
	assert_int_equal(cfg->routes[i].plen, plen);
	return cfg->routes[i].net.s_addr;
}

/* [ppp] routes, dns-domain and dns-search: defaults, values, round trip. */
static void test_split(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	char *buf, *text;
	size_t n;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.n_routes, 0);
	assert_string_equal(cfg.dns_domain, "");
	assert_int_equal(cfg.n_dns_search, 0);

	assert_int_equal(parse("[ppp]\nroutes = 10.1.0.0/16 192.168.50.0/23,10.200.0.7/32\n"
			       "  10.0.0.0/8 ; and a comment\n"
			       "  128.0.0.0/1\n"
			       "dns-domain = Corp.Example.\n"
			       "dns-search = corp.example lab.corp.example\n"
			       "\t_msdcs.corp.example x-1.y_2.example\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_routes, 5);
	assert_int_equal(route_net(&cfg, 0, 16), ip("10.1.0.0"));
	assert_int_equal(route_net(&cfg, 1, 23), ip("192.168.50.0"));
	assert_int_equal(route_net(&cfg, 2, 32), ip("10.200.0.7"));
	assert_int_equal(route_net(&cfg, 3, 8), ip("10.0.0.0"));
	assert_int_equal(route_net(&cfg, 4, 1), ip("128.0.0.0"));
	/* stored as written, less the root's dot */
	assert_string_equal(cfg.dns_domain, "Corp.Example");
	assert_int_equal(cfg.n_dns_search, 4);
	assert_string_equal(cfg.dns_search[0], "corp.example");
	assert_string_equal(cfg.dns_search[1], "lab.corp.example");
	assert_string_equal(cfg.dns_search[2], "_msdcs.corp.example");
	assert_string_equal(cfg.dns_search[3], "x-1.y_2.example");

	/* empty values: full tunnel, no domain */
	assert_int_equal(parse("[ppp]\nroutes =\ndns-domain =\ndns-search =\n", &cfg, &e), 0);
	assert_int_equal(cfg.n_routes, 0);
	assert_string_equal(cfg.dns_domain, "");
	assert_int_equal(cfg.n_dns_search, 0);

	/* 63-octet labels, a single label, a numeric label that is not the last */
	assert_int_equal(parse("[ppp]\ndns-domain = a23456789012345678901234567890123456789"
			       "012345678901234567890123.b\ndns-search = corp 123.example\n",
			       &cfg, &e), 0);
	assert_int_equal(strlen(cfg.dns_domain), 65);
	assert_string_equal(cfg.dns_search[0], "corp");

	/* 32 routes at most; 8 search names at most */
	text = malloc(4096);
	assert_non_null(text);
	n = (size_t)sprintf(text, "[ppp]\nroutes =");
	for (int i = 0; i < 32; i++)
		n += (size_t)sprintf(text + n, "%s10.%d.0.0/16", i % 4 ? " " : "\n\t", i);
	strcpy(text + n, "\ndns-search = a.ex b.ex c.ex d.ex e.ex f.ex g.ex h.ex\n");
	assert_int_equal(parse(text, &cfg, &e), 0);
	assert_int_equal(cfg.n_routes, 32);
	assert_int_equal(cfg.n_dns_search, 8);
	assert_int_equal(route_net(&cfg, 31, 16), ip("10.31.0.0"));
	strcpy(text + n, " 10.32.0.0/16\n");
	assert_int_equal(parse(text, &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "more than 32"));
	assert_int_equal(e.line[0], 10);

	/*
	 * the printed configuration parses back to the same values (26 routes:
	 * with these names, as many as a 548-octet DHCPINFORM answer holds)
	 */
	n = (size_t)sprintf(text, "[ppp]\nroutes =");
	for (int i = 0; i < 24; i++)
		n += (size_t)sprintf(text + n, "%s10.%d.0.0/16", i % 4 ? " " : "\n\t", i);
	strcpy(text + n, "\n\t192.168.0.0/16 172.16.0.0/12 ; all of them\n"
	       "dns-domain = corp.example\n"
	       "dns-search = a23456789012345678901234567890123456789012345678901234567890123."
	       "corp.example\n lab.corp.example _msdcs.corp.example\n");
	round_trip(text, &cfg, &buf);
	assert_int_equal(cfg.n_routes, 26);
	assert_int_equal(route_net(&cfg, 25, 12), ip("172.16.0.0"));
	assert_int_equal(cfg.n_dns_search, 3);
	assert_non_null(strstr(buf, "\nroutes = 10.0.0.0/16 10.1.0.0/16 "));
	assert_non_null(strstr(buf, "\ndns-domain = corp.example\ndns-search =\n\ta2345"));
	free(buf);
	free(text);

	/* the defaults print as empty keys */
	round_trip("", &cfg, &buf);
	assert_non_null(strstr(buf, "\nipv6-dns =\nroutes =\ndns-domain =\ndns-search =\n"));
	free(buf);
}

/* [client] server and connection-name: what `l2sec client-config` writes. */
static void test_client(void **state)
{
	struct l2sec_config cfg;
	struct errs e;
	char *buf;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_string_equal(cfg.client_server, "");
	assert_string_equal(cfg.client_name, "");

	/* a name (the root's dot left out), an IPv4 or IPv6 address, any name */
	assert_int_equal(parse("[client]\nserver = VPN.example.com.\n"
			       "connection-name = Corp's \"VPN\" $(x) <&>\n", &cfg, &e), 0);
	assert_string_equal(cfg.client_server, "VPN.example.com");
	assert_string_equal(cfg.client_name, "Corp's \"VPN\" $(x) <&>");
	assert_int_equal(parse("[client]\nserver = 203.0.113.7\n", &cfg, &e), 0);
	assert_string_equal(cfg.client_server, "203.0.113.7");
	assert_int_equal(parse("[client]\nserver = 2001:db8::7\n", &cfg, &e), 0);
	assert_string_equal(cfg.client_server, "2001:db8::7");

	/* errors name their lines */
	assert_int_equal(parse("[client]\nserver = bad host\n"
			       "connection-name = 0123456789012345678901234567890123456789"
			       "012345678901234567890123\n"
			       "server-name = x\n"
			       "server = 10.1.2.300\n", &cfg, &e), 4);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "[client] server: 'bad host' has a character"));
	assert_int_equal(e.line[1], 3);
	assert_non_null(strstr(e.msg[1], "[client] connection-name: length must be 0 to 63"));
	assert_int_equal(e.line[2], 4);
	assert_non_null(strstr(e.msg[2], "[client]: unknown key 'server-name'"));
	assert_int_equal(e.line[3], 5);
	assert_non_null(strstr(e.msg[3], "already set on line 2"));
	assert_int_equal(parse("[client]\nserver = 10.1.2.300\n", &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "'10.1.2.300' ends in a numeric label"));

	/* round trip: set and unset */
	round_trip("[client]\nserver = vpn.example.com\nconnection-name = Corp VPN\n", &cfg, &buf);
	assert_non_null(strstr(buf, "\n[client]\nserver = vpn.example.com\n"
			       "connection-name = Corp VPN\n"));
	free(buf);
	round_trip("[client]\nserver = 2001:db8::7\n", &cfg, &buf);
	assert_non_null(strstr(buf, "\n[client]\nserver = 2001:db8::7\nconnection-name =\n"));
	free(buf);
	round_trip("", &cfg, &buf);
	assert_non_null(strstr(buf, "\n[client]\nserver =\nconnection-name =\n"));
	free(buf);
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
	/* the secret is not printed: everything else parses back the same */
	assert_string_equal(b.l2tp.secret, "<hidden>");
	memcpy(b.l2tp.secret, a.l2tp.secret, sizeof(b.l2tp.secret));
	assert_memory_equal(&a, &b, sizeof(a));
	assert_non_null(strstr(buf, "ack-delay = 125ms\n"));
	assert_non_null(strstr(buf, "listen = 192.0.2.1 ::\n"));
	free(buf);
}

/* -p: a set psk or tunnel secret shows as <hidden>, an unset one as empty. */
static void test_print_hides_secrets(void **state)
{
	struct l2sec_config a;
	struct errs e;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_int_equal(parse("[l2tp]\nsecret = Tunnel-Secret-1\n"
			       "[ipsec]\npsk = The PSK 2\n", &a, &e), 0);
	out = open_memstream(&buf, &len);
	config_print(&a, out);
	fclose(out);
	assert_non_null(strstr(buf, "\nsecret = <hidden>\n"));
	assert_non_null(strstr(buf, "\npsk = <hidden>\n"));
	assert_null(strstr(buf, "Tunnel-Secret-1"));
	assert_null(strstr(buf, "The PSK 2"));
	free(buf);
	buf = NULL;
	assert_int_equal(parse("", &a, &e), 0);
	out = open_memstream(&buf, &len);
	config_print(&a, out);
	fclose(out);
	assert_non_null(strstr(buf, "\nsecret =\n"));
	assert_non_null(strstr(buf, "\npsk =\n"));
	assert_null(strstr(buf, "<hidden>"));
	free(buf);
}

/* The authentication throttle's [ppp] keys: defaults, values, bounds. */
static void test_auth_throttle_keys(void **state)
{
	struct l2sec_config cfg;
	struct errs e;

	(void)state;
	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.auth_throttle_window_ms, 900000);
	assert_int_equal(cfg.auth_backoff_after, 3);
	assert_int_equal(cfg.auth_backoff_max_ms, 60000);
	assert_int_equal(cfg.auth_lockout_after, 10);
	assert_int_equal(cfg.auth_address_lockout_after, 30);
	assert_int_equal(cfg.auth_user_lockout_after, 100);
	assert_int_equal(cfg.auth_lockout_time_ms, 900000);
	assert_int_equal(cfg.auth_throttle_entries, 16384);
	assert_int_equal(parse("[ppp]\nauth-throttle-window = 3600s\nauth-backoff-after = 0\n"
			       "auth-backoff-max = 5s\nauth-lockout-after = 4\n"
			       "auth-address-lockout-after = 0\nauth-user-lockout-after = 0\n"
			       "auth-lockout-time = 120s\nauth-throttle-entries = 16\n", &cfg, &e), 0);
	assert_int_equal(cfg.auth_throttle_window_ms, 3600000);
	assert_int_equal(cfg.auth_backoff_after, 0);
	assert_int_equal(cfg.auth_backoff_max_ms, 5000);
	assert_int_equal(cfg.auth_lockout_after, 4);
	assert_int_equal(cfg.auth_address_lockout_after, 0);
	assert_int_equal(cfg.auth_user_lockout_after, 0);
	assert_int_equal(cfg.auth_lockout_time_ms, 120000);
	assert_int_equal(cfg.auth_throttle_entries, 16);
	assert_int_equal(parse("[ppp]\nauth-throttle-entries = 15\n", &cfg, &e), 1);
	assert_int_equal(parse("[ppp]\nauth-lockout-time = 0\n", &cfg, &e), 1);
	assert_int_equal(parse("[ppp]\nauth-throttle-window = 0\n", &cfg, &e), 1);
	assert_int_equal(parse("[ppp]\nauth-backoff-max = 7200s\n", &cfg, &e), 1);
}

/* --- a first run's mistakes (issue 18 item 7) --- */

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
	assert_string_equal(cfg.l2tp.hostname, "gw");
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
	assert_int_equal(parse("[ipsec]\npsk = abc ;\n", &cfg, &e), 1);	/* "abc ;"? */
	assert_int_equal(parse("[ipsec]\npsk = abc #", &cfg, &e), 1);
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
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_defaults_are_the_engines),
		cmocka_unit_test(test_privsep_default),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors_with_lines),
		cmocka_unit_test(test_range_and_cross_checks),
		cmocka_unit_test(test_admit),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_value_semicolon),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_print_hides_secrets),
		cmocka_unit_test(test_auth_throttle_keys),
		cmocka_unit_test(test_ppp_defaults),
		cmocka_unit_test(test_ppp_values),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_named_pools),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_ppp_errors),
		cmocka_unit_test(test_ipsec),
		cmocka_unit_test(test_modp1024),
		cmocka_unit_test(test_no_cascade),
		cmocka_unit_test(test_ppp_round_trip),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_client),
		cmocka_unit_test(test_list_every_bad_item),
		cmocka_unit_test(test_last_line_once),
		cmocka_unit_test(test_repeated_section),
		cmocka_unit_test(test_secret_comment_char),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
