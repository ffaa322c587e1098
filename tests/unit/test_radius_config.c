// SPDX-License-Identifier: GPL-2.0
/*
 * The [radius] section: every key parsed and checked, the server lists read
 * into addresses, the secret never printed; authentication taken, also
 * under privsep (the parent signs: priv/priv_radius.h).
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

static char *print(const struct l2sec_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	return buf;
}

static void test_defaults(void **state)
{
	struct l2sec_config cfg, back;
	struct errs e;
	char *buf;

	assert_int_equal(parse("", &cfg, &e), 0);
	assert_int_equal(cfg.radius.auth_source, CONFIG_AUTH_USERS);
	assert_int_equal(cfg.radius.timeout_ms, 3000);
	assert_int_equal(cfg.radius.retries, 2);
	assert_int_equal(cfg.radius.dead_time_ms, 60000);
	assert_int_equal(cfg.radius.queue, 1024);
	/* printed and read back unchanged: the defaults use no RADIUS */
	buf = print(&cfg);
	assert_non_null(strstr(buf, "\n[radius]\nauth-servers =\nacct-servers =\nsecret =\n"));
	assert_non_null(strstr(buf, "\nauth-source = users\n"));
	assert_int_equal(parse(buf, &back, &e), 0);
	assert_memory_equal(&cfg, &back, sizeof(cfg));
	free(buf);
}

/*
 * Every key of a complete section is read, and taken. Authentication is
 * wired: a [radius] with auth-servers and an auth-source that uses them is
 * taken. What is not wired yet is refused, with the line
 * that asks for it: servers that no auth-source would ask (DAE under
 * privsep: test_aaa_dae). Accounting servers are taken, alone too.
 */
static void test_auth_taken_rest_refused(void **state)
{
	static const char text[] =
		"[radius]\n"
		"auth-servers = 192.0.2.10, 192.0.2.11:11812 [2001:db8::1]:1645\n"
		"acct-servers = 192.0.2.10 2001:db8::2\n"
		"secret = s3cret;with;semicolons\n"
		"timeout = 2s\n"
		"retries = 3\n"
		"dead-time = 30s\n"
		"queue = 500\n"
		"nas-identifier = gw1\n"
		"nas-ip-address = 192.0.2.1\n"
		"auth-source = users-then-radius\n";
	struct l2sec_config cfg;
	struct errs e;
	char *buf;

	assert_int_equal(parse(text, &cfg, &e), 0);
	assert_string_equal(cfg.radius.secret, "s3cret;with;semicolons");
	assert_int_equal(cfg.radius.timeout_ms, 2000);
	assert_int_equal(cfg.radius.retries, 3);
	assert_int_equal(cfg.radius.dead_time_ms, 30000);
	assert_int_equal(cfg.radius.queue, 500);
	assert_string_equal(cfg.radius.nas_identifier, "gw1");
	assert_string_equal(cfg.radius.nas_ip, "192.0.2.1");
	assert_int_equal(cfg.radius.auth_source, CONFIG_AUTH_USERS_RADIUS);
	/* the secret is never printed */
	buf = print(&cfg);
	assert_non_null(strstr(buf, "\nsecret = <hidden>\n"));
	assert_null(strstr(buf, "s3cret"));
	assert_non_null(strstr(buf, "\nauth-source = users-then-radius\n"));
	free(buf);

	/* without accounting it is taken */
	assert_int_equal(parse("[radius]\nauth-servers = 192.0.2.10 [2001:db8::1]:1645\n"
			       "secret-file = /etc/l2sec/radius.secret\n"
			       "auth-source = users-then-radius\n", &cfg, &e), 0);
	assert_int_equal(parse("[radius]\nauth-servers = 127.0.0.1\nsecret = x\n"
			       "auth-source = radius\n", &cfg, &e), 0);
	assert_int_equal(cfg.radius.peer_queue, 32);
	assert_int_equal(parse("[radius]\nauth-servers = 127.0.0.1\nsecret = x\n"
			       "auth-source = radius\npeer-queue = 4\n", &cfg, &e), 0);
	assert_int_equal(cfg.radius.peer_queue, 4);
	/* accounting alone, with the users file deciding */
	assert_int_equal(parse("[radius]\nacct-servers = 127.0.0.1\nsecret = x\n", &cfg, &e), 0);
	assert_int_equal(cfg.radius.acct_queue, 4096);
	assert_int_equal(cfg.radius.acct_interim_ms, 0);
	assert_int_equal(parse("[radius]\nacct-servers = 127.0.0.1:1646\nsecret = x\n"
			       "acct-interim = 300s\nacct-queue = 10\n", &cfg, &e), 0);
	assert_int_equal(cfg.radius.acct_interim_ms, 300000);
	assert_int_equal(cfg.radius.acct_queue, 10);
	/* an interim interval that would flood the server is refused, on its line */
	assert_int_equal(parse("[radius]\nacct-servers = 127.0.0.1\nsecret = x\n"
			       "acct-interim = 10s\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 4);
	assert_non_null(strstr(e.msg[0], "at least 60 s"));
	assert_int_equal(parse("[radius]\nacct-servers = 127.0.0.1\nsecret = x\n"
			       "acct-queue = 0\n", &cfg, &e), 1);
	/* under privsep too: the parent keeps the secret */
	assert_int_equal(parse("[global]\nprivsep = yes\n[radius]\nacct-servers = 127.0.0.1\n"
			       "secret = x\n", &cfg, &e), 0);
	assert_true(cfg.privsep);
	assert_int_equal(parse("[radius]\nauth-servers = 127.0.0.1\nsecret = x\n", &cfg, &e), 1);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "l2secd would not use them"));
	assert_int_equal(parse("[global]\nprivsep = yes\n[radius]\nauth-servers = 127.0.0.1\n"
			       "secret = x\nauth-source = radius\n", &cfg, &e), 0);
	assert_int_equal(cfg.radius.auth_source, CONFIG_AUTH_RADIUS);
	assert_int_equal(parse("[radius]\nauth-source = radius\n", &cfg, &e), 1);
	assert_non_null(strstr(e.msg[0], "auth-source = radius needs auth-servers"));
	/* the rest of the section alone is harmless */
	assert_int_equal(parse("[radius]\ntimeout = 5s\nnas-identifier = gw\n", &cfg, &e), 0);
}

static void test_servers(void **state)
{
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	const struct sockaddr_in6 *sin6 = (const void *)&ss[2];
	const struct sockaddr_in *sin = (const void *)&ss[0];
	char why[256], s[INET6_ADDRSTRLEN];

	assert_int_equal(config_radius_servers("10.0.0.1 10.0.0.2:1645,[2001:db8::1]:11812 "
					       "2001:db8::2", 1812, ss, why, sizeof(why)), 4);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 1812);
	assert_int_equal(ntohs(((const struct sockaddr_in *)&ss[1])->sin_port), 1645);
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 11812);
	assert_string_equal(inet_ntop(AF_INET6, &sin6->sin6_addr, s, sizeof(s)), "2001:db8::1");
	assert_int_equal(ntohs(((const struct sockaddr_in6 *)&ss[3])->sin6_port), 1812);
	assert_int_equal(config_radius_servers("", 1812, ss, why, sizeof(why)), 0);
	assert_int_equal(config_radius_servers("127.0.0.1", 1812, ss, why, sizeof(why)), 1);
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "auth-servers = 10.0.0.1:0", "'10.0.0.1:0' has a port that is not 1 to 65535" },
		{ "auth-servers = 10.0.0.1:65536", "has a port that is not" },
		{ "auth-servers = 10.0.0.1:", "has a port that is not" },
		{ "auth-servers = radius.example.com", "is not an IPv4 or IPv6 address" },
		{ "auth-servers = [2001:db8::1", "is not an address in brackets" },
		{ "auth-servers = [2001:db8::1]x", "is not an address in brackets" },
		{ "auth-servers = 224.0.0.1", "is not a host's address" },
		{ "auth-servers = ::", "is not a host's address" },
		{ "auth-servers = 10.0.0.1 10.0.0.1:1812", "'10.0.0.1:1812' is listed twice" },
		{ "auth-servers = 1.0.0.1 1.0.0.2 1.0.0.3 1.0.0.4 1.0.0.5 1.0.0.6 1.0.0.7 1.0.0.8 "
		  "1.0.0.9", "more than 8 servers" },
		{ "auth-servers = 10.0.0.1", "servers need a secret or a secret-file" },
		{ "secret = a\nsecret-file = /etc/l2sec/radius", "secret and secret-file are exclusive" },
		{ "secret-file = radius.secret", "secret-file: not an absolute path" },
		{ "secret = abc ;def", "starts a comment" },
		{ "nas-ip-address = 10.0.0", "'10.0.0' is not an IPv4 address" },
		{ "auth-source = ldap", "'ldap' is not users, radius or users-then-radius" },
		{ "timeout = 50ms", "timeout: must be 100ms to 60000ms" },
		{ "retries = 11", "retries: must be 0 to 10" },
		{ "queue = 0", "queue: must be 1 to 65536" },
		{ "nas-identifier = 0123456789012345678901234567890123456789012345678901234567890123",
		  "length must be 0 to 63" },
	};
	struct l2sec_config cfg;
	struct errs e;
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[radius]\n%s\n", bad[i].text);
		assert_true(parse(text, &cfg, &e) >= 1);
		if (!strstr(e.msg[0], bad[i].msg))
			fail_msg("%s: got '%s'", bad[i].text, e.msg[0]);
		assert_int_equal(e.line[0], 2 + (strchr(bad[i].text, '\n') != NULL));
	}
	/* an error message shows no secret */
	assert_int_equal(parse("[radius]\nsecret = abc ;def\n", &cfg, &e), 1);
	assert_null(strstr(e.msg[0], "abc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_auth_taken_rest_refused),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests_name("radius_config", tests, NULL, NULL);
}
