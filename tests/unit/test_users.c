// SPDX-License-Identifier: GPL-2.0
/*
 * The users file parser: the documented format, every error named by line,
 * and hostile input (long lines, control characters, NUL, bad UTF-8,
 * duplicates) refused without a crash; per-user split tunnel/DNS fields and
 * users_split()'s fallback to [ppp], key by key.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/users.h"

struct errs {
	unsigned int n;
	unsigned int line[16];
	char msg[16][256];
};

static void collect(void *ctx, unsigned int line, const char *msg)
{
	struct errs *e = ctx;

	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

static struct users_db *parse(const char *text, struct errs *e)
{
	memset(e, 0, sizeof(*e));
	return users_parse(text, strlen(text), collect, e);
}

static const uint8_t client_pass_hash[16] = {
	0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
	0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE,
};

static void test_valid_file(void **state)
{
	const char *text =
		"# l2sec users\n"
		"\n"
		"User\tpassword clientPass\n"
		"  alice   password \"correct horse # battery\"   10.8.0.10\r\n"
		"CORP\\carol nt 44ebba8d5312b8d611474411f56989ae\n"
		"\"quoted name\" password \"with \\\"quote\\\" and \\\\\" 10.8.0.11\n"
		"\"#odd name\"   password   \"pass \\\"word\\\" with \\\\ and spaces\"\n"
		"dave password #starts-with-hash\n"
		"hash#mark password pw#1";	/* no final newline */
	const struct users_entry *u;
	struct users_db *db;
	struct errs e;

	(void)state;
	db = parse(text, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(db);
	assert_int_equal(users_count(db), 7);

	/* The example in users.c's comment. */
	u = users_lookup(db, "#odd name", 9);
	assert_non_null(u);
	assert_string_equal(u->password, "pass \"word\" with \\ and spaces");
	u = users_lookup(db, "dave", 4);
	assert_non_null(u);
	assert_string_equal(u->password, "#starts-with-hash");

	u = users_lookup(db, "User", 4);
	assert_non_null(u);
	assert_string_equal(u->password, "clientPass");
	assert_memory_equal(u->nt_hash, client_pass_hash, 16);
	assert_int_equal(u->addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(u->line, 3);

	u = users_lookup(db, "alice", 5);
	assert_non_null(u);
	assert_string_equal(u->password, "correct horse # battery");
	assert_int_equal(u->addr.s_addr, inet_addr("10.8.0.10"));

	u = users_lookup(db, "CORP\\carol", 10);
	assert_non_null(u);
	assert_null(u->password);
	assert_memory_equal(u->nt_hash, client_pass_hash, 16);

	u = users_lookup(db, "quoted name", 11);
	assert_non_null(u);
	assert_string_equal(u->password, "with \"quote\" and \\");

	u = users_lookup(db, "hash#mark", 9);
	assert_non_null(u);
	assert_string_equal(u->password, "pw#1");

	/* Case-sensitive, exact length. */
	assert_null(users_lookup(db, "user", 4));
	assert_null(users_lookup(db, "Use", 3));
	assert_null(users_lookup(db, "Users", 5));
	assert_null(users_lookup(db, "", 0));
	users_free(db);
}

static void test_errors_name_lines(void **state)
{
	const char *text =
		"ok password a\n"			/* 1 */
		"short password\n"			/* 2: missing field */
		"x kind y\n"				/* 3: bad kind */
		"y nt 1234\n"				/* 4: short hash */
		"z password p 10.0.0.300\n"		/* 5: bad address */
		"w password \"open\n"			/* 6: unterminated */
		"v password p 10.1.1.1 extra\n"		/* 7: too many */
		"ok password b\n"			/* 8: duplicate user */
		"m password \"a\\n\"\n"			/* 9: bad escape */
		"q password p 127.0.0.1\n";		/* 10: loopback */
	struct users_db *db;
	struct errs e;

	(void)state;
	db = parse(text, &e);
	assert_null(db);
	assert_int_equal(e.n, 9);
	assert_int_equal(e.line[0], 2);
	assert_non_null(strstr(e.msg[0], "missing"));
	assert_int_equal(e.line[1], 3);
	assert_int_equal(e.line[2], 4);
	assert_non_null(strstr(e.msg[2], "32 hex"));
	assert_int_equal(e.line[3], 5);
	assert_int_equal(e.line[4], 6);
	assert_int_equal(e.line[5], 7);
	assert_int_equal(e.line[6], 9);
	assert_int_equal(e.line[7], 10);
	/* Uniqueness is checked last. */
	assert_int_equal(e.line[8], 8);
	assert_non_null(strstr(e.msg[8], "line 1"));
}

static void test_duplicate_address(void **state)
{
	struct users_db *db;
	struct errs e;

	(void)state;
	db = parse("a password x 10.0.0.5\nb password y 10.0.0.6\nc password z 10.0.0.5\n", &e);
	assert_null(db);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 3);
	assert_non_null(strstr(e.msg[0], "'a' on line 1"));
}

/* Error messages never contain the password. */
static void test_no_password_in_errors(void **state)
{
	struct users_db *db;
	struct errs e;
	unsigned int i;

	(void)state;
	db = parse("bob password SuperSecret99 not-an-address\n"
		   "bob2 password \"\xC3\x28SuperSecret98\"\n", &e);
	assert_null(db);
	assert_int_equal(e.n, 2);
	for (i = 0; i < 2; i++)
		assert_null(strstr(e.msg[i], "SuperSecret"));
}

static void test_hostile_input(void **state)
{
	size_t big = USERS_LINE_MAX + 100;
	char *text = malloc(big + 64);
	struct users_db *db;
	struct errs e;

	(void)state;
	assert_non_null(text);
	/* A line over the limit. */
	memset(text, 'a', big);
	memcpy(text + big, "\nok password p\n", 16);
	db = parse(text, &e);
	assert_null(db);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 1);

	/* A NUL in the middle of a line (users_parse takes a length). */
	memcpy(text, "a password p\0q\nb password r\n", 28);
	memset(&e, 0, sizeof(e));
	db = users_parse(text, 28, collect, &e);
	assert_null(db);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 1);
	assert_non_null(strstr(e.msg[0], "control"));

	/* Escape sequence, name too long, a field that is only a quote. */
	memset(text, 'n', 300);
	memcpy(text + 300, " password p\n\"\n\x1b[2J password p\n", 30);
	memset(&e, 0, sizeof(e));
	db = users_parse(text, 330, collect, &e);
	assert_null(db);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.line[0], 1);
	assert_int_equal(e.line[1], 2);
	assert_int_equal(e.line[2], 3);
	free(text);

	/* Empty and comment-only files are valid and empty. */
	db = parse("", &e);
	assert_non_null(db);
	assert_int_equal(users_count(db), 0);
	assert_null(users_lookup(db, "x", 1));
	users_free(db);
	db = parse("# nobody\n\n   \t\n", &e);
	assert_non_null(db);
	assert_int_equal(users_count(db), 0);
	users_free(db);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/l2sec-users-XXXXXX";
	const char *text = "alice password wonder 10.9.0.2\n";
	struct users_db *db;
	struct errs e;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	memset(&e, 0, sizeof(e));
	db = users_load(path, collect, &e);
	unlink(path);
	assert_non_null(db);
	assert_non_null(users_lookup(db, "alice", 5));
	users_free(db);

	memset(&e, 0, sizeof(e));
	assert_null(users_load("/nonexistent/l2sec-users", collect, &e));
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 0);
	assert_non_null(strstr(e.msg[0], "No such file"));
}

/* Many users: sorted lookup finds each one. */
static void test_many_users(void **state)
{
	size_t n = 5000, i, len = 0;
	char *text = malloc(n * 40), name[32];
	struct users_db *db;
	struct errs e;

	(void)state;
	assert_non_null(text);
	for (i = n; i > 0; i--)
		len += (size_t)sprintf(text + len, "user%zu password pw%zu\n", i, i);
	db = users_parse(text, len, collect, &e);
	assert_non_null(db);
	assert_int_equal(users_count(db), n);
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "user%zu", i);
		assert_non_null(users_lookup(db, name, strlen(name)));
	}
	assert_null(users_lookup(db, "user0", 5));
	users_free(db);
	free(text);
}

/* --- per-user split tunnel and DNS (key=value fields) ------------------------- */

static void assert_route(const struct config_route *r, const char *net, unsigned int plen)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->net, a, sizeof(a));
	assert_string_equal(a, net);
	assert_int_equal(r->plen, plen);
}

static void test_split_fields(void **state)
{
	const char *text =
		"plain password p\n"
		"alice password s3cret 10.8.0.10 routes=10.1.0.0/16,10.2.0.0/16\n"
		"bob password pw dns-domain=lab.corp.example routes=\n"
		"carol password pw dns-search=a.example,B.example. dns-domain=\n"
		"\"dave x\" password \"p w\" \"routes=10.3.0.0/24, 10.4.0.0/24\" "
		"\"dns-search=c.example d.example\"\n"
		"eve password pw 10.8.0.11 routes=, dns-domain=corp.example.\n";
	const struct users_entry *u;
	struct users_db *db;
	struct errs e;

	(void)state;
	db = parse(text, &e);
	assert_int_equal(e.n, 0);
	assert_non_null(db);

	u = users_lookup(db, "plain", 5);
	assert_non_null(u);
	assert_null(u->own);

	u = users_lookup(db, "alice", 5);
	assert_non_null(u);
	assert_string_equal(inet_ntoa(u->addr), "10.8.0.10");
	assert_non_null(u->own);
	assert_int_equal(u->own->has, USERS_HAS_ROUTES);
	assert_int_equal(u->own->n_routes, 2);
	assert_route(&u->own->routes[0], "10.1.0.0", 16);
	assert_route(&u->own->routes[1], "10.2.0.0", 16);

	u = users_lookup(db, "bob", 3);
	assert_non_null(u);
	assert_int_equal(u->addr.s_addr, 0);
	assert_int_equal(u->own->has, USERS_HAS_ROUTES | USERS_HAS_DNS_DOMAIN);
	assert_int_equal(u->own->n_routes, 0);
	assert_string_equal(u->own->dns_domain, "lab.corp.example");

	u = users_lookup(db, "carol", 5);
	assert_non_null(u);
	assert_int_equal(u->own->has, USERS_HAS_DNS_SEARCH | USERS_HAS_DNS_DOMAIN);
	assert_string_equal(u->own->dns_domain, "");
	assert_int_equal(u->own->n_dns_search, 2);
	assert_string_equal(u->own->dns_search[0], "a.example");
	assert_string_equal(u->own->dns_search[1], "B.example");	/* root dot dropped */

	/* quoted fields may separate items with spaces too */
	u = users_lookup(db, "dave x", 6);
	assert_non_null(u);
	assert_string_equal(u->password, "p w");
	assert_int_equal(u->own->n_routes, 2);
	assert_route(&u->own->routes[1], "10.4.0.0", 24);
	assert_int_equal(u->own->n_dns_search, 2);
	assert_string_equal(u->own->dns_search[1], "d.example");

	/* "routes=," is an empty list, as "routes = ," is in [ppp] */
	u = users_lookup(db, "eve", 3);
	assert_non_null(u);
	assert_int_equal(u->own->has, USERS_HAS_ROUTES | USERS_HAS_DNS_DOMAIN);
	assert_int_equal(u->own->n_routes, 0);
	assert_string_equal(u->own->dns_domain, "corp.example");
	users_free(db);
}

/* Every key=value error names its line, its user and, for items, the item. */
static void test_split_errors(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "a password p foo=1", "user 'a': unknown key 'foo'" },
		{ "a password p =1", "unknown key ''" },
		{ "a password p ROUTES=10.0.0.0/8", "unknown key 'ROUTES'" },
		{ "a password p routes= routes=10.0.0.0/8", "user 'a': routes given twice" },
		{ "a password p dns-domain=x.example dns-domain=", "dns-domain given twice" },
		{ "a password p dns-search= dns-search=", "dns-search given twice" },
		{ "a password p routes=10.0.0.0/8 10.1.1.1", "'10.1.1.1' is not key=value" },
		{ "a password p 10.1.1.300 routes=", "'10.1.1.300' is not a usable IPv4" },
		{ "a password p routes=0.0.0.0/0", "routes: '0.0.0.0/0' is a default route" },
		{ "a password p routes=10.0.0.1/8", "'10.0.0.1/8' is not a network address" },
		{ "a password p routes=10.0.0.0", "'10.0.0.0' is not a network A/N" },
		{ "a password p routes=10.0.0.0/33", "'10.0.0.0/33' is not a network A/N" },
		{ "a password p routes=10.0.0.0/x", "is not a network A/N" },
		{ "a password p routes=127.0.0.0/16", "'127.0.0.0/16' lies inside 127.0.0.0/8" },
		{ "a password p routes=224.0.0.0/8", "lies inside 224.0.0.0/4" },
		{ "a password p routes=10.0.0.0/8,10.0.0.0/8", "'10.0.0.0/8' listed twice" },
		{ "a password p dns-domain=10.0.0.1", "dns-domain: '10.0.0.1' ends in a numeric" },
		{ "a password p dns-domain=a..example", "has an empty label" },
		{ "a password p dns-domain=-a.example", "has a label starting with '-'" },
		{ "a password p dns-domain=a,b.example", "has a character other than" },
		{ "a password p dns-search=a.example,A.EXAMPLE", "'A.EXAMPLE' listed twice" },
		{ "a password p dns-search=x.example,bad_label-.example",
		  "'bad_label-.example' has a label ending in '-'" },
		{ "a password p 10.0.0.1 routes= dns-domain= dns-search= routes=",
		  "too many fields" },
	};
	char line[512];
	struct errs e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "ok password p\n%s\n", cases[i].line);
		assert_null(parse(line, &e));
		if (e.n != 1 || e.line[0] != 2 || !strstr(e.msg[0], cases[i].msg))
			fail_msg("\"%s\": %u errors, line %u: \"%s\", want \"%s\"", cases[i].line,
				 e.n, e.line[0], e.msg[0], cases[i].msg);
	}
}

/* The list limits of [ppp] routes and dns-search hold here too. */
static void test_split_limits(void **state)
{
	char text[USERS_LINE_MAX], *p;
	const struct users_entry *u;
	struct users_db *db;
	struct errs e;
	unsigned int i;

	(void)state;
	for (int extra = 0; extra <= 1; extra++) {
		p = text + sprintf(text, "a password p routes=");
		for (i = 0; i < CONFIG_MAX_ROUTES + (unsigned int)extra; i++)
			p += sprintf(p, "%s10.%u.0.0/16", i ? "," : "", i);
		p += sprintf(p, " dns-search=");
		for (i = 0; i < CONFIG_MAX_SEARCH; i++)
			p += sprintf(p, "%ss%u.example", i ? "," : "", i);
		strcpy(p, "\n");
		db = parse(text, &e);
		if (extra) {
			assert_null(db);
			assert_int_equal(e.n, 1);
			assert_non_null(strstr(e.msg[0], "routes: more than 32 entries"));
			continue;
		}
		assert_non_null(db);
		u = users_lookup(db, "a", 1);
		assert_int_equal(u->own->n_routes, CONFIG_MAX_ROUTES);
		assert_int_equal(u->own->n_dns_search, CONFIG_MAX_SEARCH);
		assert_route(&u->own->routes[CONFIG_MAX_ROUTES - 1], "10.31.0.0", 16);
		users_free(db);
	}
	db = parse("a password p dns-search=a.example,b.example,c.example,d.example,"
		   "e.example,f.example,g.example,h.example,i.example\n", &e);
	assert_null(db);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "dns-search: more than 8 entries"));
}

/* users_split: each key the user's own when given, else [ppp]'s. */
static void test_split_fallback(void **state)
{
	struct l2sec_config cfg;
	struct users_split sp;
	struct users_db *db;
	struct errs e;

	(void)state;
	config_defaults(&cfg);
	assert_null(config_route_item("192.0.2.0/24", cfg.routes, 0));
	assert_null(config_route_item("198.51.100.0/24", cfg.routes, 1));
	cfg.n_routes = 2;
	snprintf(cfg.dns_domain, sizeof(cfg.dns_domain), "corp.example");
	assert_null(config_search_item("corp.example", cfg.dns_search, 0));
	cfg.n_dns_search = 1;
	db = parse("plain password p\n"
		   "r password p routes=10.1.0.0/16\n"
		   "full password p routes=\n"
		   "d password p dns-domain=lab.example\n"
		   "nod password p dns-domain=\n"
		   "s password p dns-search=x.example,y.example\n"
		   "all password p routes=10.2.0.0/16 dns-domain=all.example dns-search=\n", &e);
	assert_non_null(db);

	/* no user (not in the file): [ppp] */
	users_split(NULL, &cfg, &sp);
	assert_ptr_equal(sp.routes, cfg.routes);
	assert_int_equal(sp.n_routes, 2);
	assert_ptr_equal(sp.dns_domain, cfg.dns_domain);
	assert_ptr_equal(sp.dns_search, cfg.dns_search);
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "plain", 5), &cfg, &sp);
	assert_ptr_equal(sp.routes, cfg.routes);
	assert_int_equal(sp.n_routes, 2);
	assert_string_equal(sp.dns_domain, "corp.example");
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "r", 1), &cfg, &sp);
	assert_int_equal(sp.n_routes, 1);
	assert_route(&sp.routes[0], "10.1.0.0", 16);
	assert_string_equal(sp.dns_domain, "corp.example");
	assert_ptr_equal(sp.dns_search, cfg.dns_search);
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "full", 4), &cfg, &sp);
	assert_int_equal(sp.n_routes, 0);
	assert_string_equal(sp.dns_domain, "corp.example");
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "d", 1), &cfg, &sp);
	assert_ptr_equal(sp.routes, cfg.routes);
	assert_int_equal(sp.n_routes, 2);
	assert_string_equal(sp.dns_domain, "lab.example");
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "nod", 3), &cfg, &sp);
	assert_int_equal(sp.n_routes, 2);
	assert_string_equal(sp.dns_domain, "");
	assert_int_equal(sp.n_dns_search, 1);

	users_split(users_lookup(db, "s", 1), &cfg, &sp);
	assert_int_equal(sp.n_routes, 2);
	assert_string_equal(sp.dns_domain, "corp.example");
	assert_int_equal(sp.n_dns_search, 2);
	assert_string_equal(sp.dns_search[0], "x.example");
	assert_string_equal(sp.dns_search[1], "y.example");

	users_split(users_lookup(db, "all", 3), &cfg, &sp);
	assert_int_equal(sp.n_routes, 1);
	assert_route(&sp.routes[0], "10.2.0.0", 16);
	assert_string_equal(sp.dns_domain, "all.example");
	assert_int_equal(sp.n_dns_search, 0);
	users_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_errors_name_lines),
		cmocka_unit_test(test_duplicate_address),
		cmocka_unit_test(test_no_password_in_errors),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_many_users),
		cmocka_unit_test(test_split_fields),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_limits),
		cmocka_unit_test(test_split_fallback),
	};

	return cmocka_run_group_tests_name("users", tests, NULL, NULL);
}
