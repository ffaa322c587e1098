// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's command line: global options, iproute2-style abbreviations,
 * strict ids, each object's command table, and the grammar of each `show`,
 * each `del` and of `monitor`.  Every bad line must be refused (CLI_USAGE),
 * never half-accepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cli.h"
#include "monitor.h"
#include "session.h"
#include "sock.h"
#include "tunnel.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define ARGS(...) ARGC(__VA_ARGS__), ARGV(__VA_ARGS__)

static void test_matches(void **state)
{
	assert_true(cli_matches("t", "tunnel"));
	assert_true(cli_matches("tunnel", "tunnel"));
	assert_false(cli_matches("tunnels", "tunnel"));
	assert_false(cli_matches("", "tunnel"));
	assert_false(cli_matches("x", "tunnel"));
	assert_false(cli_matches("Tunnel", "tunnel"));
}

static void test_opts(void **state)
{
	struct cli c;
	enum cli_action act;
	int cmd_index;

	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-j", "-s", "-s", "-n", "ns1",
						 "tunnel", "show"), &cmd_index, &act), CLI_OK);
	assert_int_equal(act, CLI_RUN);
	assert_true(c.json);
	assert_false(c.pretty);
	assert_int_equal(c.stats, 2);
	assert_string_equal(c.netns, "ns1");
	assert_int_equal(cmd_index, 6);

	/* long forms, double dashes, -p implies -j */
	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "--pretty", "-statistics", "-netns",
						 "a", "stats"), &cmd_index, &act), CLI_OK);
	assert_true(c.json && c.pretty);
	assert_int_equal(c.stats, 1);
	assert_string_equal(c.netns, "a");
	assert_int_equal(cmd_index, 5);

	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-V"), &cmd_index, &act), CLI_OK);
	assert_int_equal(act, CLI_VERSION);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-h"), &cmd_index, &act), CLI_OK);
	assert_int_equal(act, CLI_HELP);

	/* no command: cmd_index == argc, main prints the help */
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-j"), &cmd_index, &act), CLI_OK);
	assert_int_equal(cmd_index, 2);

	/* "--" ends the options */
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "--", "-j"), &cmd_index, &act), CLI_OK);
	assert_int_equal(cmd_index, 2);

	/* l2secd's runtime directory, with -n too: a path, not in a namespace */
	memset(&c, 0, sizeof(c));
	assert_string_equal(cli_runtime_dir(&c), "/run/l2sec");
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-n", "ns1", "-r", "/run/l2sec-ns1",
						 "daemon"), &cmd_index, &act), CLI_OK);
	assert_string_equal(c.netns, "ns1");
	assert_string_equal(cli_runtime_dir(&c), "/run/l2sec-ns1");
	assert_int_equal(cmd_index, 5);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "--runtime-dir", "/tmp/x", "-j",
						 "session"), &cmd_index, &act), CLI_OK);
	assert_string_equal(c.runtime_dir, "/tmp/x");
	assert_true(c.json);
	assert_int_equal(cmd_index, 4);
}

static void test_opts_bad(void **state)
{
	struct cli c;
	enum cli_action act;
	int cmd_index;

	memset(&c, 0, sizeof(c));
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-x", "tunnel"), &cmd_index, &act),
			 CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-n"), &cmd_index, &act), CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-n", ""), &cmd_index, &act), CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-r"), &cmd_index, &act), CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-runtime-dir", ""), &cmd_index, &act),
			 CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-"), &cmd_index, &act), CLI_USAGE);
	/* -v is not -V: versions are capital, as in ip */
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-v"), &cmd_index, &act), CLI_USAGE);
	assert_int_equal(cli_parse_opts(&c, ARGS("l2sec", "-jsonx"), &cmd_index, &act), CLI_USAGE);
}

static void test_ids(void **state)
{
	uint32_t v = 99;

	assert_int_equal(cli_parse_id("t", "1", 1, 65535, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cli_parse_id("t", "65535", 1, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(cli_parse_id("t", "4294967295", 1, UINT32_MAX, &v), 0);
	assert_true(v == UINT32_MAX);
	v = 99;
	assert_int_equal(cli_parse_id("t", "0", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "65536", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "4294967296", 1, UINT32_MAX, &v), -1);
	assert_int_equal(cli_parse_id("t", "99999999999999999999", 1, UINT32_MAX, &v), -1);
	assert_int_equal(cli_parse_id("t", "-1", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "+1", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", " 1", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "1 ", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "0x10", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "abc", 1, 65535, &v), -1);
	assert_int_equal(cli_parse_id("t", "", 1, 65535, &v), -1);
	assert_int_equal(v, 99);	/* untouched by every failure */
	/* leading zeros are still decimal, not octal */
	assert_int_equal(cli_parse_id("t", "010", 1, 65535, &v), 0);
	assert_int_equal(v, 10);
}

static void test_tunnel_show(void **state)
{
	struct tunnel_filter f;

	assert_int_equal(tunnel_parse_show(0, ARGV(NULL), &f), CLI_OK);
	assert_int_equal(f.id, 0);
	assert_int_equal(f.sock_id, 0);
	assert_int_equal(tunnel_parse_show(ARGS("id", "4711"), &f), CLI_OK);
	assert_int_equal(f.id, 4711);
	assert_int_equal(tunnel_parse_show(ARGS("i", "7", "sock", "3"), &f), CLI_OK);
	assert_int_equal(f.id, 7);
	assert_int_equal(f.sock_id, 3);
	assert_int_equal(tunnel_parse_show(ARGS("handle", "70000", "id", "7"), &f), CLI_OK);
	assert_int_equal(f.handle, 70000);
	assert_int_equal(f.id, 7);
	assert_int_equal(tunnel_parse_show(ARGS("handle", "0"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("handle", "2147483648"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("handle"), &f), CLI_USAGE);

	assert_int_equal(tunnel_parse_show(ARGS("id"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("id", "0"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("id", "70000"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("id", "x"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("peer", "1"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("4711"), &f), CLI_USAGE);
	assert_int_equal(tunnel_parse_show(ARGS("sock"), &f), CLI_USAGE);
}

static void test_session_show(void **state)
{
	struct session_filter f;

	assert_int_equal(session_parse_show(0, ARGV(NULL), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 0);
	assert_int_equal(f.id, 0);
	assert_int_equal(session_parse_show(ARGS("tunnel", "4711"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 4711);
	assert_int_equal(f.id, 0);
	assert_int_equal(session_parse_show(ARGS("tunnel", "4711", "id", "7"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 4711);
	assert_int_equal(f.id, 7);
	/* order is free, as in ip */
	assert_int_equal(session_parse_show(ARGS("id", "7", "t", "9"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 9);
	assert_int_equal(f.id, 7);

	/* a session id alone names nothing: ids are per tunnel */
	assert_int_equal(session_parse_show(ARGS("id", "7"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("tunnel"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("tunnel", "1", "id", "65536"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("tunnel", "1", "bogus"), &f), CLI_USAGE);
}

/* user, address, peer: with each other and with tunnel; each value checked strictly */
static void test_session_select(void **state)
{
	static const uint8_t a4[4] = { 10, 0, 0, 5 };
	struct session_filter f;
	char longname[300];
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	cli_err_to(devnull);
	assert_int_equal(session_parse_show(ARGS("user", "alice"), &f), CLI_OK);
	assert_string_equal(f.sel.user, "alice");
	assert_int_equal(f.sel.addr.family, 0);
	assert_int_equal(f.sel.peer.family, 0);
	assert_string_equal(f.what, "user alice");
	/* abbreviated, combined, in any order, with tunnel */
	assert_int_equal(session_parse_show(ARGS("a", "10.0.0.5", "t", "9", "u", "bob",
						 "p", "203.0.113.7:4500"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 9);
	assert_string_equal(f.sel.user, "bob");
	assert_int_equal(f.sel.addr.family, AF_INET);
	assert_memory_equal(f.sel.addr.a, a4, 4);
	assert_int_equal(f.sel.peer.family, AF_INET);
	assert_int_equal(f.sel.peer.port, 4500);
	assert_string_equal(f.what, "address 10.0.0.5 user bob peer 203.0.113.7:4500");
	/* IPv6: an address in the /64, or the /64 */
	assert_int_equal(session_parse_show(ARGS("address", "2001:db8:1::5"), &f), CLI_OK);
	assert_int_equal(f.sel.addr.family, AF_INET6);
	assert_int_equal(session_parse_show(ARGS("address", "2001:db8:1::/64"), &f), CLI_OK);
	assert_int_equal(f.sel.addr.family, AF_INET6);
	assert_int_equal(session_parse_show(ARGS("peer", "[2001:db8::7]:4500"), &f), CLI_OK);
	assert_int_equal(f.sel.peer.family, AF_INET6);
	assert_int_equal(f.sel.peer.port, 4500);
	assert_int_equal(session_parse_show(ARGS("peer", "2001:db8::7"), &f), CLI_OK);
	assert_int_equal(f.sel.peer.port, 0);
	assert_int_equal(session_parse_show(ARGS("peer", "[2001:db8::7]"), &f), CLI_OK);
	/* a v4-mapped address is the IPv4 one */
	assert_int_equal(session_parse_show(ARGS("peer", "::ffff:192.0.2.11"), &f), CLI_OK);
	assert_int_equal(f.sel.peer.family, AF_INET);
	/* a name up to l2secd's limit, 255 octets */
	memset(longname, 'x', 255);
	longname[255] = '\0';
	assert_int_equal(session_parse_show(ARGS("user", longname), &f), CLI_OK);
	assert_int_equal(strlen(f.sel.user), 255);

	/* refused: missing values, bad forms, a name too long or empty */
	longname[255] = 'x';
	longname[256] = '\0';
	assert_int_equal(session_parse_show(ARGS("user", longname), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("user"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("user", ""), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("tunnel", "1", "address"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "10.0.0.300"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "10.0.0.5/32"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "10.0.0"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "2001:db8::/48"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "2001:db8::/64x"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", " 10.0.0.5"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "host.example"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("address", "10.0.0.5:1701"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "203.0.113.7:"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "203.0.113.7:0"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "203.0.113.7:65536"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "203.0.113.7:+45"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "[203.0.113.7"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "[2001:db8::7]4500"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "2001:db8::7:4500:"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "203.0.113.7/24"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("users", "alice"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("alice"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("user", "a", "u", "b"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("a", "10.0.0.1", "a", "10.0.0.2"), &f), CLI_USAGE);
	assert_int_equal(session_parse_show(ARGS("peer", "10.0.0.1", "peer", "10.0.0.1"), &f),
			 CLI_USAGE);
	/* "all" widens a deletion: not a word of show */
	assert_int_equal(session_parse_show(ARGS("user", "alice", "all"), &f), CLI_USAGE);
	cli_err_to(NULL);
	fclose(devnull);
}

/* del by selector: at least one, at most "tunnel ID" besides, "all" whole */
static void test_session_del_select(void **state)
{
	struct session_filter f;
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	cli_err_to(devnull);
	assert_int_equal(session_parse_del(ARGS("user", "alice"), &f), CLI_OK);
	assert_string_equal(f.sel.user, "alice");
	assert_false(f.all);
	assert_int_equal(session_parse_del(ARGS("address", "10.0.0.5", "tunnel", "7", "all"), &f),
			 CLI_OK);
	assert_int_equal(f.tunnel_id, 7);
	assert_true(f.all);
	assert_int_equal(session_parse_del(ARGS("p", "192.0.2.11"), &f), CLI_OK);
	assert_int_equal(f.sel.peer.family, AF_INET);

	/* no selector: "all" alone, or a tunnel alone, deletes nothing */
	assert_int_equal(session_parse_del(ARGS("all"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "7", "all"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "7", "id", "5", "all"), &f), CLI_USAGE);
	/* an id names one session: not with a selector */
	assert_int_equal(session_parse_del(ARGS("tunnel", "7", "id", "5", "user", "alice"), &f),
			 CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("user", "alice", "handle", "3"), &f), CLI_USAGE);
	/* "all" is not abbreviated */
	assert_int_equal(session_parse_del(ARGS("user", "alice", "al"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("user"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("address", "10.0.0.256"), &f), CLI_USAGE);
	cli_err_to(NULL);
	fclose(devnull);
}

static void test_sock_show(void **state)
{
	struct sock_filter f;

	assert_int_equal(sock_parse_show(0, ARGV(NULL), &f), CLI_OK);
	assert_int_equal(f.id, 0);
	assert_int_equal(sock_parse_show(ARGS("id", "12"), &f), CLI_OK);
	assert_int_equal(f.id, 12);
	assert_int_equal(sock_parse_show(ARGS("id", "0"), &f), CLI_USAGE);
	assert_int_equal(sock_parse_show(ARGS("port", "1701"), &f), CLI_USAGE);
}

static void test_tunnel_del(void **state)
{
	uint32_t id = 99, handle = 99;

	assert_int_equal(tunnel_parse_del(ARGS("id", "4711"), &id, &handle), CLI_OK);
	assert_int_equal(id, 4711);
	assert_int_equal(handle, 0);
	/* an id several peers hold: with the module's handle of one (l2sec tunnel show) */
	assert_int_equal(tunnel_parse_del(ARGS("id", "4711", "handle", "9"), &id, &handle), CLI_OK);
	assert_int_equal(id, 4711);
	assert_int_equal(handle, 9);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7", "handle", "0"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7", "handle"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("i", "65535"), &id, &handle), CLI_OK);
	assert_int_equal(id, 65535);
	/* the last one wins, as in show */
	assert_int_equal(tunnel_parse_del(ARGS("id", "1", "id", "2"), &id, &handle), CLI_OK);
	assert_int_equal(id, 2);

	/* deleting needs an id: never "every tunnel" */
	assert_int_equal(tunnel_parse_del(0, ARGV(NULL), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "0"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "65536"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7x"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "-7"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7 "), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", ""), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("4711"), &id, &handle), CLI_USAGE);
	/* a filter of show is no argument of del */
	assert_int_equal(tunnel_parse_del(ARGS("sock", "1"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7", "sock", "1"), &id, &handle), CLI_USAGE);
	assert_int_equal(tunnel_parse_del(ARGS("id", "7", "extra"), &id, &handle), CLI_USAGE);
}

static void test_session_del(void **state)
{
	struct session_filter f;

	assert_int_equal(session_parse_del(ARGS("tunnel", "4711", "id", "7"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 4711);
	assert_int_equal(f.id, 7);
	assert_int_equal(session_parse_del(ARGS("i", "7", "t", "9"), &f), CLI_OK);
	assert_int_equal(f.tunnel_id, 9);
	assert_int_equal(f.id, 7);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "session", "65535"), &f), CLI_OK);
	assert_int_equal(f.id, 65535);
	assert_int_equal(f.handle, 0);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "id", "2", "handle", "3"), &f),
			 CLI_OK);
	assert_int_equal(f.handle, 3);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "id", "2", "handle", "x"), &f),
			 CLI_USAGE);
	/* show takes no handle (the kernel's sessions are shown by tunnel id) */
	assert_int_equal(session_parse_show(ARGS("tunnel", "1", "handle", "3"), &f), CLI_USAGE);

	/* both ids, always: a tunnel's every session is `tunnel del` */
	assert_int_equal(session_parse_del(0, ARGV(NULL), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "4711"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("id", "7"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "4711", "id"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "0", "id", "7"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "id", "65536"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "id", "0x7"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("tunnel", "1", "id", "7", "x"), &f), CLI_USAGE);
	assert_int_equal(session_parse_del(ARGS("4711", "7"), &f), CLI_USAGE);
}

/* The object tables: abbreviations, the default command, help, errors. */
static int calls_show, calls_del, last_argc;
static char **last_argv;

static int fake_show(struct cli *c, int argc, char **argv)
{
	calls_show++;
	last_argc = argc;
	last_argv = argv;
	return 11;
}

static int fake_del(struct cli *c, int argc, char **argv)
{
	calls_del++;
	last_argc = argc;
	last_argv = argv;
	return 12;
}

static int usages_out, usages_err;

static void fake_usage(FILE *f)
{
	if (f == stdout)
		usages_out++;
	else
		usages_err++;
}

static void test_dispatch(void **state)
{
	static const struct cli_cmd cmds[] = {
		{ "show", fake_show },
		{ "list", fake_show },
		{ "delete", fake_del },
	};
	char **argv;
	struct cli c;
	FILE *devnull = fopen("/dev/null", "w");

	memset(&c, 0, sizeof(c));
	assert_non_null(devnull);
	cli_err_to(devnull);
	/* no command: the first one, with no arguments */
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel"), "tunnel", cmds, 3, fake_usage), 11);
	assert_int_equal(last_argc, 0);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "sh", "id", "7"), "tunnel", cmds, 3,
				      fake_usage), 11);
	assert_int_equal(last_argc, 2);
	assert_string_equal(last_argv[0], "id");
	assert_string_equal(last_argv[1], "7");
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "l"), "tunnel", cmds, 3, fake_usage),
			 11);
	/* del, delete and every prefix down to d */
	argv = ARGV("tunnel", "d", "id", "7");
	assert_int_equal(cli_dispatch(&c, 4, argv, "tunnel", cmds, 3, fake_usage), 12);
	assert_int_equal(last_argc, 2);
	assert_ptr_equal(last_argv, argv + 2);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "del"), "tunnel", cmds, 3, fake_usage),
			 12);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "delete"), "tunnel", cmds, 3,
				      fake_usage), 12);
	assert_int_equal(calls_show, 3);
	assert_int_equal(calls_del, 3);

	/* help: on stdout, success */
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "help"), "tunnel", cmds, 3, fake_usage),
			 CLI_OK);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "h"), "tunnel", cmds, 3, fake_usage),
			 CLI_OK);
	assert_int_equal(usages_out, 2);
	/* anything else: usage on stderr, CLI_USAGE, no command run */
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "deletex"), "tunnel", cmds, 3,
				      fake_usage), CLI_USAGE);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "remove"), "tunnel", cmds, 3,
				      fake_usage), CLI_USAGE);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", ""), "tunnel", cmds, 3, fake_usage),
			 CLI_USAGE);
	assert_int_equal(cli_dispatch(&c, ARGS("tunnel", "Show"), "tunnel", cmds, 3, fake_usage),
			 CLI_USAGE);
	assert_int_equal(usages_err, 4);
	assert_int_equal(calls_show, 3);
	assert_int_equal(calls_del, 3);
	cli_err_to(NULL);
	fclose(devnull);
}

/* The real objects' tables refuse bad lines before anything is asked. */
static void test_objects(void **state)
{
	struct cli c;
	FILE *devnull = fopen("/dev/null", "w");
	int saved = dup(2);

	memset(&c, 0, sizeof(c));
	c.runtime_dir = "/nonexistent/l2sec-test";
	assert_non_null(devnull);
	cli_err_to(devnull);
	dup2(fileno(devnull), 2);	/* the usage text */
	assert_int_equal(tunnel_main(&c, ARGS("tunnel", "del")), CLI_USAGE);
	assert_int_equal(tunnel_main(&c, ARGS("tunnel", "del", "id", "0")), CLI_USAGE);
	assert_int_equal(tunnel_main(&c, ARGS("tunnel", "frob")), CLI_USAGE);
	assert_int_equal(session_main(&c, ARGS("session", "del", "tunnel", "7")), CLI_USAGE);
	assert_int_equal(session_main(&c, ARGS("s", "d", "id", "5")), CLI_USAGE);
	assert_int_equal(sock_main(&c, ARGS("sock", "del", "id", "1")), CLI_USAGE);
	/* a good line that needs l2secd, which is not there: a failure, not usage */
	assert_int_equal(tunnel_main(&c, ARGS("tunnel", "del", "id", "7")), CLI_FAIL);
	assert_int_equal(session_main(&c, ARGS("session", "d", "t", "7", "i", "5")), CLI_FAIL);
	dup2(saved, 2);
	close(saved);
	cli_err_to(NULL);
	fclose(devnull);
}

static void test_monitor(void **state)
{
	unsigned int mask;

	assert_int_equal(monitor_parse(0, ARGV(NULL), &mask), CLI_OK);
	assert_int_equal(mask, MONITOR_ALL);
	assert_int_equal(monitor_parse(ARGS("tunnel"), &mask), CLI_OK);
	assert_int_equal(mask, MONITOR_TUNNEL);
	assert_int_equal(monitor_parse(ARGS("session", "sock"), &mask), CLI_OK);
	assert_int_equal(mask, MONITOR_SESSION | MONITOR_SOCK);
	assert_int_equal(monitor_parse(ARGS("all"), &mask), CLI_OK);
	assert_int_equal(mask, MONITOR_ALL);
	assert_int_equal(monitor_parse(ARGS("link"), &mask), CLI_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_opts_bad),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_tunnel_show),
		cmocka_unit_test(test_session_show),
		cmocka_unit_test(test_session_select),
		cmocka_unit_test(test_session_del_select),
		cmocka_unit_test(test_sock_show),
		cmocka_unit_test(test_tunnel_del),
		cmocka_unit_test(test_session_del),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_monitor),
	};

	return cmocka_run_group_tests_name("tool_args", tests, NULL, NULL);
}
