// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's view of l2sec netlink records: messages built here by the rules
 * of uapi/l2sec.h are parsed and printed as text and JSON (what a user reads
 * and what a script gets); malformed records are refused with a reason, newer
 * attributes ignored, and cut or mutated messages never read out of bounds
 * (run under ASan in build/san/unit/).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "l2sec.h"
#include "monitor.h"
#include "obj.h"
#include "print.h"
#include "session.h"
#include "sock.h"
#include "stats.h"
#include "tunnel.h"

static char buf[8192] __attribute__((aligned(8)));

static struct nlmsghdr *msg(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = L2SEC_GENL_VERSION;
	return nlh;
}

static void put_addr4(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	mnl_attr_put(nlh, type, 4, &a);
}

static void put_addr6(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	mnl_attr_put(nlh, type, 16, &a);
}

static void put_stats(struct nlmsghdr *nlh, bool drops)
{
	struct nlattr *st = mnl_attr_nest_start(nlh, L2SEC_A_STATS), *d;

	mnl_attr_put_u64(nlh, L2SEC_STATS_A_RX_PACKETS, 10);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_RX_BYTES, 1000);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_TX_PACKETS, 5);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_TX_BYTES, 500);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_RX_DROPS, 3);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_TX_DROPS, UINT64_MAX);
	if (drops) {
		mnl_attr_put_u64(nlh, L2SEC_STATS_A_TO_DAEMON, 4);
		d = mnl_attr_nest_start(nlh, L2SEC_STATS_A_DROPS);
		mnl_attr_put_u32(nlh, L2SEC_DROPS_A_PAD, 0);	/* padding: skipped */
		for (unsigned int r = 0; r <= L2SEC_DROP_MAX; r++)
			mnl_attr_put_u64(nlh, r + L2SEC_DROPS_A_OFFSET,
					 r == L2SEC_DROP_NO_IPSEC ? 2 : r == L2SEC_DROP_WRONG_SA);
		mnl_attr_nest_end(nlh, d);
	}
	mnl_attr_nest_end(nlh, st);
}

/* The tunnel of the brief's example, bound, behind NAT. */
static struct nlmsghdr *tunnel_msg(uint8_t cmd, bool stats)
{
	struct nlmsghdr *nlh = msg(cmd);
	struct nlattr *sa;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 4711);
	mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_HANDLE, 9);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, 12);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, 1);
	put_addr4(nlh, L2SEC_A_PEER_ADDR4, "203.0.113.7");
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, 1701);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, 1);
	mnl_attr_put_u32(nlh, L2SEC_A_OUT_MARK, 2);
	mnl_attr_put_u8(nlh, L2SEC_A_BOUND, 1);
	mnl_attr_put_u32(nlh, L2SEC_A_BIND_MARK, 2);
	sa = mnl_attr_nest_start(nlh, L2SEC_A_SA);
	mnl_attr_put_u32(nlh, L2SEC_SA_A_MARK, 2);
	mnl_attr_put_u32(nlh, L2SEC_SA_A_SPI, 0xc1d2e3f4);
	mnl_attr_put_u32(nlh, L2SEC_SA_A_REQID, 7);
	mnl_attr_put_u16(nlh, L2SEC_SA_A_ENCAP_SPORT, 4500);
	mnl_attr_put_u16(nlh, L2SEC_SA_A_ENCAP_DPORT, 4500);
	put_addr4(nlh, L2SEC_SA_A_PEER4, "203.0.113.7");
	mnl_attr_nest_end(nlh, sa);
	mnl_attr_put_u32(nlh, L2SEC_A_SESSION_COUNT, 3);
	if (stats)
		put_stats(nlh, true);
	return nlh;
}

static struct nlmsghdr *session_msg(uint8_t cmd, bool stats)
{
	struct nlmsghdr *nlh = msg(cmd);
	struct nlattr *p;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 4711);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, 7);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, 12);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, 3);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_UP);
	put_addr4(nlh, L2SEC_A_IPV4, "10.0.0.5");
	p = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
	put_addr6(nlh, L2SEC_PFX_A_ADDR, "2001:db8:1::");
	mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 64);
	mnl_attr_nest_end(nlh, p);
	p = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
	put_addr6(nlh, L2SEC_PFX_A_ADDR, "2001:db8:2::5");
	mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 128);
	mnl_attr_nest_end(nlh, p);
	if (stats)
		put_stats(nlh, false);
	return nlh;
}

static void parse_ok(const struct nlmsghdr *nlh, struct obj *o)
{
	char why[128] = "";

	if (obj_parse(nlh, o, why, sizeof(why)))
		fail_msg("refused: %s", why);
}

static int parse_why(const struct nlmsghdr *nlh, char *why, size_t size)
{
	struct obj o;

	return obj_parse(nlh, &o, why, size);
}

/* Captures what a print call writes, as text or JSON. */
static char *cap_buf;
static size_t cap_len;
static FILE *cap_f;

static void cap_begin(unsigned int flags)
{
	cap_f = open_memstream(&cap_buf, &cap_len);
	assert_non_null(cap_f);
	print_begin(cap_f, flags);
}

static char *cap_end(void)
{
	assert_int_equal(print_end(), 0);
	fclose(cap_f);
	return cap_buf;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

static uint64_t num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static bool boolean(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

static void test_tunnel_parse(void **state)
{
	struct obj o;

	parse_ok(tunnel_msg(L2SEC_CMD_TUNNEL_GET, true), &o);
	assert_int_equal(o.cmd, L2SEC_CMD_TUNNEL_GET);
	assert_int_equal(o.u[L2SEC_A_TUNNEL_ID], 4711);
	assert_int_equal(o.u[L2SEC_A_TUNNEL_HANDLE], 9);
	assert_int_equal(o.u[L2SEC_A_PEER_PORT], 1701);
	assert_int_equal(o.peer.family, AF_INET);
	assert_false(obj_has(&o, L2SEC_A_LOCAL_ADDR4));
	assert_int_equal(o.sa.spi, 0xc1d2e3f4);
	assert_int_equal(o.sa.sport, 4500);
	assert_true(o.stats.v[L2SEC_STATS_A_TX_DROPS] == UINT64_MAX);
	assert_int_equal(o.stats.drops[L2SEC_DROP_NO_IPSEC], 2);
	assert_true(o.stats.drops_has == (UINT64_C(1) << (L2SEC_DROP_MAX + 1)) - 1);
	assert_int_equal(obj_require(&o, OBJ_BIT(L2SEC_A_TUNNEL_ID), NULL, 0), 0);
	assert_int_equal(obj_require(&o, OBJ_BIT(L2SEC_A_SESSION_ID), NULL, 0), -EBADMSG);
}

static void test_tunnel_text(void **state)
{
	struct obj o;
	char *out;

	parse_ok(tunnel_msg(L2SEC_CMD_TUNNEL_GET, true), &o);
	cap_begin(0);
	tunnel_print(&o, 0);
	out = cap_end();
	assert_string_equal(out,
		"tunnel 4711 handle 9 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec required "
		"out-mark 0x2 bound mark 0x2 spi 0xc1d2e3f4 reqid 7 encap 4500:4500 "
		"sessions 3\n");
	free(out);

	cap_begin(0);
	tunnel_print(&o, 1);
	out = cap_end();
	assert_string_equal(out,
		"tunnel 4711 handle 9 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec required "
		"out-mark 0x2 bound mark 0x2 spi 0xc1d2e3f4 reqid 7 encap 4500:4500 "
		"sessions 3\n"
		"    rx packets 10 bytes 1000 drops 3\n"
		"    tx packets 5 bytes 500 drops 18446744073709551615\n"
		"    to-daemon 4\n"
		"    drops no_ipsec 2 wrong_sa 1\n");
	free(out);
}

/* With -s, a tunnel without drops has no "drops" line; JSON still lists them. */
static void test_tunnel_no_drops(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_TUNNEL_GET);
	struct json_object *t, *d;
	struct nlattr *st, *dn;
	struct obj o;
	char *out;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 9);
	st = mnl_attr_nest_start(nlh, L2SEC_A_STATS);
	mnl_attr_put_u64(nlh, L2SEC_STATS_A_RX_PACKETS, 1);
	dn = mnl_attr_nest_start(nlh, L2SEC_STATS_A_DROPS);
	mnl_attr_put_u64(nlh, L2SEC_DROP_SPOOF + L2SEC_DROPS_A_OFFSET, 0);
	mnl_attr_nest_end(nlh, dn);
	mnl_attr_nest_end(nlh, st);
	parse_ok(nlh, &o);
	cap_begin(0);
	tunnel_print(&o, 1);
	out = cap_end();
	assert_string_equal(out, "tunnel 9\n    rx packets 1\n");
	free(out);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	tunnel_print(&o, 1);
	out = cap_end();
	t = json_tokener_parse(out);
	d = member(member(t, "stats"), "drops");
	assert_int_equal(num(d, "spoof"), 0);
	json_object_put(t);
	free(out);
}

static void test_tunnel_json(void **state)
{
	struct json_object *root, *t, *sa, *st, *drops;
	struct obj o;
	char *out;

	parse_ok(tunnel_msg(L2SEC_CMD_TUNNEL_GET, true), &o);
	cap_begin(PRINT_F_JSON);
	tunnel_print(&o, 1);
	tunnel_print(&o, 0);
	out = cap_end();
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_int_equal(json_object_array_length(root), 2);
	t = json_object_array_get_idx(root, 0);
	assert_int_equal(num(t, "tunnel_id"), 4711);
	assert_int_equal(num(t, "handle"), 9);
	assert_int_equal(num(t, "peer_tunnel_id"), 12);
	assert_int_equal(num(t, "sock_id"), 1);
	assert_string_equal(str(t, "peer_addr"), "203.0.113.7");
	assert_int_equal(num(t, "peer_port"), 1701);
	assert_true(boolean(t, "require_ipsec"));
	assert_int_equal(num(t, "out_mark"), 2);
	assert_true(boolean(t, "bound"));
	assert_int_equal(num(t, "bind_mark"), 2);
	assert_int_equal(num(t, "session_count"), 3);
	assert_false(json_object_object_get_ex(t, "local_addr", NULL));
	sa = member(t, "sa");
	assert_int_equal(num(sa, "spi"), 0xc1d2e3f4);
	assert_int_equal(num(sa, "reqid"), 7);
	assert_int_equal(num(sa, "mark"), 2);
	assert_int_equal(num(sa, "encap_sport"), 4500);
	assert_int_equal(num(sa, "encap_dport"), 4500);
	assert_string_equal(str(sa, "peer_addr"), "203.0.113.7");
	st = member(t, "stats");
	assert_int_equal(num(st, "rx_packets"), 10);
	assert_true(num(st, "tx_drops") == UINT64_MAX);
	assert_int_equal(num(st, "to_daemon"), 4);
	drops = member(st, "drops");
	/* every reason the kernel reported, zeros included, by name */
	assert_int_equal(json_object_object_length(drops), L2SEC_DROP_MAX + 1);
	assert_int_equal(num(drops, "no_ipsec"), 2);
	assert_int_equal(num(drops, "wrong_sa"), 1);
	assert_int_equal(num(drops, "loop"), 0);
	/* without -s no stats */
	assert_false(json_object_object_get_ex(json_object_array_get_idx(root, 1), "stats", NULL));
	json_object_put(root);
	free(out);
}

static void test_tunnel_v6_unbound(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_TUNNEL_GET);
	struct json_object *t;
	struct obj o;
	char *out;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 1);
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, 65535);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, 2);
	put_addr6(nlh, L2SEC_A_PEER_ADDR6, "2001:db8::7");
	mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, 1701);
	put_addr6(nlh, L2SEC_A_LOCAL_ADDR6, "2001:db8::1");
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, 0);
	mnl_attr_put_u32(nlh, L2SEC_A_OUT_MARK, 0);
	mnl_attr_put_u8(nlh, L2SEC_A_BOUND, 0);
	mnl_attr_put_u32(nlh, L2SEC_A_SESSION_COUNT, 0);
	parse_ok(nlh, &o);
	cap_begin(0);
	tunnel_print(&o, 0);
	out = cap_end();
	assert_string_equal(out, "tunnel 1 peer [2001:db8::7]:1701 peer-id 65535 sock 2 "
			    "local 2001:db8::1 ipsec not-required unbound sessions 0\n");
	free(out);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	tunnel_print(&o, 0);
	out = cap_end();
	t = json_tokener_parse(out);
	assert_non_null(t);
	assert_string_equal(str(t, "peer_addr"), "2001:db8::7");
	assert_string_equal(str(t, "local_addr"), "2001:db8::1");
	assert_int_equal(num(t, "out_mark"), 0);
	assert_false(boolean(t, "bound"));
	assert_false(boolean(t, "require_ipsec"));
	assert_false(json_object_object_get_ex(t, "bind_mark", NULL));
	assert_false(json_object_object_get_ex(t, "sa", NULL));
	json_object_put(t);
	free(out);
}

static void test_session(void **state)
{
	struct json_object *root, *s, *v6, *st;
	struct obj o;
	char *out;

	parse_ok(session_msg(L2SEC_CMD_SESSION_GET, true), &o);
	assert_int_equal(o.n_pfx, 2);
	cap_begin(0);
	session_print(&o, 1);
	out = cap_end();
	assert_string_equal(out,
		"session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state up "
		"ipv4 10.0.0.5 ipv6 2001:db8:1::/64 ipv6 2001:db8:2::5/128\n"
		"    rx packets 10 bytes 1000 drops 3\n"
		"    tx packets 5 bytes 500 drops 18446744073709551615\n");
	free(out);

	cap_begin(PRINT_F_JSON | PRINT_F_PRETTY);
	session_print(&o, 1);
	out = cap_end();
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_int_equal(json_object_array_length(root), 1);
	s = json_object_array_get_idx(root, 0);
	assert_int_equal(num(s, "session_id"), 7);
	assert_int_equal(num(s, "tunnel_id"), 4711);
	assert_int_equal(num(s, "peer_session_id"), 3);
	assert_int_equal(num(s, "peer_tunnel_id"), 12);
	assert_string_equal(str(s, "state"), "up");
	assert_string_equal(str(s, "ipv4"), "10.0.0.5");
	v6 = member(s, "ipv6");
	assert_int_equal(json_object_array_length(v6), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v6, 0)),
			    "2001:db8:1::/64");
	st = member(s, "stats");
	assert_false(json_object_object_get_ex(st, "drops", NULL));
	json_object_put(root);
	free(out);
}

static void test_session_down_no_addrs(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_SESSION_GET);
	struct json_object *s;
	struct obj o;
	char *out;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 1);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, 2);
	mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_DOWN);
	parse_ok(nlh, &o);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	session_print(&o, 0);
	out = cap_end();
	s = json_tokener_parse(out);
	assert_string_equal(str(s, "state"), "down");
	/* scripts get an empty list, not a missing key */
	assert_int_equal(json_object_array_length(member(s, "ipv6")), 0);
	assert_false(json_object_object_get_ex(s, "ipv4", NULL));
	json_object_put(s);
	free(out);
}

static void test_sock(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_SOCK_GET);
	struct json_object *s;
	struct obj o;
	char *out;

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, 1);
	mnl_attr_put_u16(nlh, L2SEC_A_FAMILY, AF_INET);
	mnl_attr_put_u16(nlh, L2SEC_A_LOCAL_PORT, 1701);
	mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, 1);
	mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_COUNT, 2);
	parse_ok(nlh, &o);
	cap_begin(0);
	sock_print(&o);
	out = cap_end();
	/* no local address: bound to the wildcard */
	assert_string_equal(out, "sock 1 udp 0.0.0.0:1701 ipsec required tunnels 2\n");
	free(out);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	sock_print(&o);
	out = cap_end();
	s = json_tokener_parse(out);
	assert_int_equal(num(s, "sock_id"), 1);
	assert_string_equal(str(s, "family"), "inet");
	assert_string_equal(str(s, "local_addr"), "0.0.0.0");
	assert_int_equal(num(s, "local_port"), 1701);
	assert_true(boolean(s, "require_ipsec"));
	assert_int_equal(num(s, "tunnel_count"), 2);
	json_object_put(s);
	free(out);
}

static void test_stats(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_STATS_GET);
	struct json_object *s, *d;
	struct obj o;
	char *out;

	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_COUNT, 1);
	mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_COUNT, 2);
	mnl_attr_put_u32(nlh, L2SEC_A_SESSION_COUNT, 3);
	put_stats(nlh, true);
	parse_ok(nlh, &o);
	cap_begin(0);
	stats_print_ns(&o);
	out = cap_end();
	assert_string_equal(out,
		"device none\n"
		"sockets 1 tunnels 2 sessions 3\n"
		"rx packets 10 bytes 1000 drops 3\n"
		"tx packets 5 bytes 500 drops 18446744073709551615\n"
		"to-daemon 4\n"
		"drops by reason:\n"
		"  malformed       0\n"
		"  no_ipsec        2\n"
		"  wrong_sa        1\n"
		"  not_up          0\n"
		"  spoof           0\n"
		"  no_device       0\n"
		"  no_session      0\n"
		"  no_route        0\n"
		"  no_xfrm_route   0\n"
		"  no_mem          0\n"
		"  proto           0\n"
		"  loop            0\n"
		"  sa_no_mark      0\n"
		"  too_big         0\n");
	free(out);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	stats_print_ns(&o);
	out = cap_end();
	s = json_tokener_parse(out);
	assert_non_null(s);
	assert_true(json_object_is_type(s, json_type_object));
	assert_int_equal(num(s, "sock_count"), 1);
	assert_int_equal(num(s, "tunnel_count"), 2);
	assert_int_equal(num(s, "session_count"), 3);
	assert_false(json_object_object_get_ex(s, "ifindex", NULL));
	d = member(member(s, "stats"), "drops");
	assert_int_equal(num(d, "no_ipsec"), 2);
	assert_int_equal(num(d, "spoof"), 0);
	json_object_put(s);
	free(out);
}

/* Reasons newer than the tool are kept by number, never dropped silently. */
static void test_stats_unknown_reasons(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_STATS_GET);
	struct nlattr *st, *d;
	struct json_object *s, *drops;
	struct obj o;
	char *out;

	st = mnl_attr_nest_start(nlh, L2SEC_A_STATS);
	mnl_attr_put_u64(nlh, 60, 1);	/* an unknown counter: ignored */
	d = mnl_attr_nest_start(nlh, L2SEC_STATS_A_DROPS);
	mnl_attr_put_u64(nlh, 20 + L2SEC_DROPS_A_OFFSET, 5);
	mnl_attr_put_u64(nlh, 40 + L2SEC_DROPS_A_OFFSET, 6);
	mnl_attr_put_u64(nlh, 41 + L2SEC_DROPS_A_OFFSET, 7);
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, st);
	parse_ok(nlh, &o);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	stats_print_ns(&o);
	out = cap_end();
	s = json_tokener_parse(out);
	drops = member(member(s, "stats"), "drops");
	assert_int_equal(num(drops, "reason_20"), 5);
	assert_int_equal(num(drops, "other"), 13);
	json_object_put(s);
	free(out);
}

static void test_monitor_events(void **state)
{
	struct json_object *e;
	struct nlmsghdr *nlh;
	struct obj o;
	char *out;

	parse_ok(tunnel_msg(L2SEC_CMD_TUNNEL_NTF_NEW, false), &o);
	cap_begin(0);
	assert_int_equal(monitor_print_event(&o, MONITOR_ALL), 0);
	nlh = msg(L2SEC_CMD_SESSION_NTF_DEL);
	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 4711);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, 7);
	parse_ok(nlh, &o);
	assert_int_equal(monitor_print_event(&o, MONITOR_ALL), 0);
	/* filtered out: prints nothing */
	assert_int_equal(monitor_print_event(&o, MONITOR_TUNNEL), 0);
	nlh = msg(L2SEC_CMD_SOCK_NTF_DEL);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, 9);
	parse_ok(nlh, &o);
	assert_int_equal(monitor_print_event(&o, MONITOR_ALL), 0);
	/* a reply is not a notification */
	parse_ok(tunnel_msg(L2SEC_CMD_TUNNEL_GET, false), &o);
	assert_int_equal(monitor_print_event(&o, MONITOR_ALL), -1);
	out = cap_end();
	assert_string_equal(out,
		"new tunnel 4711 handle 9 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec required "
		"out-mark 0x2 bound mark 0x2 spi 0xc1d2e3f4 reqid 7 encap 4500:4500 "
		"sessions 3\n"
		"del session 7 tunnel 4711\n"
		"del sock 9\n");
	free(out);

	nlh = msg(L2SEC_CMD_TUNNEL_NTF_BOUND);
	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 5);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, 1);
	mnl_attr_put_u32(nlh, L2SEC_A_BIND_MARK, 0x10);
	parse_ok(nlh, &o);
	cap_begin(PRINT_F_JSON | PRINT_F_LINES);
	assert_int_equal(monitor_print_event(&o, MONITOR_ALL), 0);
	out = cap_end();
	e = json_tokener_parse(out);
	assert_non_null(e);
	assert_string_equal(str(e, "event"), "bound");
	assert_string_equal(str(e, "object"), "tunnel");
	assert_int_equal(num(e, "tunnel_id"), 5);
	assert_int_equal(num(e, "bind_mark"), 0x10);
	json_object_put(e);
	free(out);
}

static void expect_bad(const struct nlmsghdr *nlh, const char *reason)
{
	char why[128] = "";

	assert_int_equal(parse_why(nlh, why, sizeof(why)), -EBADMSG);
	if (!strstr(why, reason))
		fail_msg("reason \"%s\" does not say \"%s\"", why, reason);
}

static void test_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;
	uint8_t junk[16] = { 0 };

	nlh = msg(L2SEC_CMD_TUNNEL_GET);
	mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_ID, 4711);	/* u16 sent as u32 */
	expect_bad(nlh, "attribute 9");

	nlh = msg(L2SEC_CMD_TUNNEL_GET);
	mnl_attr_put(nlh, L2SEC_A_PEER_ADDR4, 16, junk);
	expect_bad(nlh, "16 bytes, expected 4");

	nlh = msg(L2SEC_CMD_TUNNEL_GET);
	mnl_attr_put(nlh, L2SEC_A_REQUIRE_IPSEC, 0, junk);
	expect_bad(nlh, "0 bytes");

	nlh = msg(L2SEC_CMD_TUNNEL_GET);
	put_addr4(nlh, L2SEC_A_PEER_ADDR4, "192.0.2.1");
	put_addr6(nlh, L2SEC_A_PEER_ADDR6, "2001:db8::1");
	expect_bad(nlh, "both");

	nlh = msg(L2SEC_CMD_TUNNEL_GET);
	n = mnl_attr_nest_start(nlh, L2SEC_A_SA);
	mnl_attr_put_u16(nlh, L2SEC_SA_A_SPI, 1);
	mnl_attr_nest_end(nlh, n);
	expect_bad(nlh, "SA attribute");

	nlh = msg(L2SEC_CMD_SESSION_GET);
	n = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
	mnl_attr_put(nlh, L2SEC_PFX_A_ADDR, 16, junk);
	mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 129);
	mnl_attr_nest_end(nlh, n);
	expect_bad(nlh, "prefix");

	nlh = msg(L2SEC_CMD_SESSION_GET);
	n = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
	mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 64);
	mnl_attr_nest_end(nlh, n);
	expect_bad(nlh, "prefix");

	nlh = msg(L2SEC_CMD_STATS_GET);
	n = mnl_attr_nest_start(nlh, L2SEC_A_STATS);
	mnl_attr_put(nlh, L2SEC_STATS_A_RX_BYTES, 3, junk);
	mnl_attr_nest_end(nlh, n);
	expect_bad(nlh, "stats attribute");

	nlh = msg(L2SEC_CMD_STATS_GET);
	n = mnl_attr_nest_start(nlh, L2SEC_A_STATS);
	{
		struct nlattr *d = mnl_attr_nest_start(nlh, L2SEC_STATS_A_DROPS);

		mnl_attr_put_u64(nlh, 0, 1);
		mnl_attr_nest_end(nlh, d);
	}
	mnl_attr_nest_end(nlh, n);
	expect_bad(nlh, "drop counter");

	/* no room for the generic netlink header */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	expect_bad(nlh, "generic netlink header");
}

/* A newer kernel's attributes are ignored; the record still shows. */
static void test_newer_attributes(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_TUNNEL_GET);
	struct nlattr *n;
	struct obj o;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 3);
	mnl_attr_put_strz(nlh, L2SEC_A_MAX + 1, "future");
	mnl_attr_put_u64(nlh, 1000, 1);
	n = mnl_attr_nest_start(nlh, L2SEC_A_SA);
	mnl_attr_put_u64(nlh, L2SEC_SA_A_MAX + 1, 1);
	mnl_attr_put_u32(nlh, L2SEC_SA_A_SPI, 9);
	mnl_attr_nest_end(nlh, n);
	parse_ok(nlh, &o);
	assert_int_equal(o.u[L2SEC_A_TUNNEL_ID], 3);
	assert_int_equal(o.sa.spi, 9);
}

/* More IPv6 prefixes than the tool keeps: counted, not overflowed. */
static void test_many_prefixes(void **state)
{
	struct nlmsghdr *nlh = msg(L2SEC_CMD_SESSION_GET);
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct nlattr *n;
	struct obj o;
	unsigned int i;

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, 1);
	mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, 1);
	for (i = 0; i < OBJ_MAX_PFX + 5; i++) {
		a[15] = (uint8_t)i;
		n = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
		mnl_attr_put(nlh, L2SEC_PFX_A_ADDR, 16, a);
		mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, 128);
		mnl_attr_nest_end(nlh, n);
	}
	parse_ok(nlh, &o);
	assert_int_equal(o.n_pfx, OBJ_MAX_PFX);
	assert_true(o.pfx_more);
	assert_int_equal(o.pfx[OBJ_MAX_PFX - 1].a[15], OBJ_MAX_PFX - 1);
}

/*
 * Every prefix of a full record, and random corruptions of it, in a heap
 * copy of exactly the claimed size: parsing and printing must stay inside.
 */
static void test_cut_and_mutated(void **state)
{
	struct nlmsghdr *full = tunnel_msg(L2SEC_CMD_TUNNEL_GET, true);
	uint32_t len = full->nlmsg_len, cut, i;
	uint32_t seed = 12345;
	char why[128];
	struct obj o;
	char *copy;

	cap_begin(0);
	for (cut = sizeof(struct nlmsghdr); cut <= len; cut++) {
		copy = malloc(cut);
		memcpy(copy, full, cut);
		((struct nlmsghdr *)copy)->nlmsg_len = cut;
		if (obj_parse((struct nlmsghdr *)copy, &o, why, sizeof(why)) == 0)
			tunnel_print(&o, 1);
		free(copy);
	}
	for (i = 0; i < 20000; i++) {
		copy = malloc(len);
		memcpy(copy, full, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			copy[sizeof(struct nlmsghdr) + (seed >> 8) % (len - sizeof(struct nlmsghdr))] =
				(char)(seed >> 24);
		}
		if (obj_parse((struct nlmsghdr *)copy, &o, why, sizeof(why)) == 0) {
			tunnel_print(&o, 1);
			session_print(&o, 1);
			stats_print_ns(&o);
		}
		free(copy);
	}
	free(cap_end());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_parse),
		cmocka_unit_test(test_tunnel_text),
		cmocka_unit_test(test_tunnel_no_drops),
		cmocka_unit_test(test_tunnel_json),
		cmocka_unit_test(test_tunnel_v6_unbound),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_session_down_no_addrs),
		cmocka_unit_test(test_sock),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_stats_unknown_reasons),
		cmocka_unit_test(test_monitor_events),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_newer_attributes),
		cmocka_unit_test(test_many_prefixes),
		cmocka_unit_test(test_cut_and_mutated),
	};

	return cmocka_run_group_tests_name("tool_obj", tests, NULL, NULL);
}
