// SPDX-License-Identifier: GPL-2.0
/*
 * The data device over rtnetlink, each case in a network namespace of its
 * own (unshare per case): a TUN device comes up with its MTU and /32, routes
 * of both families come and go with protocol 0xb2, a flush takes exactly
 * those, close removes what open created and only that; without l2sec.ko
 * NETDEV_L2SEC fails and leaves nothing. What the kernel holds is read back
 * with `ip -j`, a second opinion next to libnl. And xfrm_user loaded by
 * the kernel for l2secd (kmod.h).
 *
 * Needs root, network namespaces, /dev/net/tun and iproute2; else skipped.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "datapath/kmod.h"
#include "datapath/netdev.h"

#define DEV "l2t0"

static const char *skip_why;
static char skip_buf[128];

/* A fresh namespace per case: nothing one case leaves can reach the next. */
static int fresh_netns(void **state)
{
	skip_why = NULL;
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		snprintf(skip_buf, sizeof(skip_buf), "/dev/net/tun: %s", strerror(errno));
		skip_why = skip_buf;
	} else if (system("ip -V >/dev/null 2>&1") != 0) {
		skip_why = "no ip(8) (iproute2)";
	} else if (unshare(CLONE_NEWNET) < 0) {
		snprintf(skip_buf, sizeof(skip_buf), "unshare(CLONE_NEWNET): %s", strerror(errno));
		skip_why = skip_buf;
	}
	return 0;
}

static void need_netns(void)
{
	if (skip_why) {
		fprintf(stderr, "skipped: %s\n", skip_why);
		skip();
	}
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The JSON array `ip -j ARGS` prints; the caller puts it. */
__attribute__((format(printf, 1, 2)))
static json_object *ip_json(const char *fmt, ...)
{
	char cmd[512], out[65536];
	json_object *j;
	size_t n = 0, r;
	va_list ap;
	FILE *f;
	int len;

	len = snprintf(cmd, sizeof(cmd), "ip -j ");
	va_start(ap, fmt);
	vsnprintf(cmd + len, sizeof(cmd) - (size_t)len, fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((r = fread(out + n, 1, sizeof(out) - 1 - n, f)) > 0)
		n += r;
	assert_int_equal(pclose(f), 0);
	out[n] = '\0';
	j = json_tokener_parse(out);
	if (!j || !json_object_is_type(j, json_type_array))
		fail_msg("%s: not a JSON array: %s", cmd, out);
	return j;
}

static const char *str_field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static bool has_flag(json_object *o, const char *flag)
{
	json_object *flags;

	if (!json_object_object_get_ex(o, "flags", &flags))
		return false;
	for (size_t i = 0; i < json_object_array_length(flags); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(flags, i)), flag))
			return true;
	return false;
}

/* The daemon's routes to dst through dev ("-4" or "-6"); prefsrc if wanted. */
static int our_routes(const char *fam, const char *dst, const char *dev, const char **prefsrc)
{
	static char src[64];
	json_object *j = ip_json("%s route show proto 0xb2", fam);
	int n = 0;

	for (size_t i = 0; i < json_object_array_length(j); i++) {
		json_object *r = json_object_array_get_idx(j, i);
		const char *d = str_field(r, "dst"), *s = str_field(r, "prefsrc");

		if (!d || strcmp(d, dst) || strcmp(str_field(r, "dev"), dev))
			continue;
		n++;
		/* IPv6 routes have no scope to speak of; IPv4 ones must be link */
		if (!strcmp(fam, "-4"))
			assert_string_equal(str_field(r, "scope"), "link");
		snprintf(src, sizeof(src), "%s", s ? s : "");
	}
	json_object_put(j);
	if (prefsrc)
		*prefsrc = src;
	return n;
}

static int count_all(const char *fam, const char *args)
{
	json_object *j = ip_json("%s route show %s", fam, args);
	int n = (int)json_object_array_length(j);

	json_object_put(j);
	return n;
}

/* How many IPv4 addresses dev has. */
static int inet_addrs(const char *dev)
{
	json_object *j = ip_json("-4 addr show dev %s", dev), *ai;
	int n = 0;

	if (json_object_array_length(j) &&
	    json_object_object_get_ex(json_object_array_get_idx(j, 0), "addr_info", &ai))
		n = (int)json_object_array_length(ai);
	json_object_put(j);
	return n;
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void test_tun_open_close(void **state)
{
	struct netdev *nd;
	json_object *j, *link, *ai, *a;
	int fd, ifindex;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	assert_int_equal(netdev_kind(nd), NETDEV_TUN);
	assert_string_equal(netdev_name(nd), DEV);
	ifindex = netdev_ifindex(nd);
	assert_int_equal(ifindex, (int)if_nametoindex(DEV));
	fd = netdev_tun_fd(nd);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	j = ip_json("-d addr show dev %s", DEV);
	assert_int_equal(json_object_array_length(j), 1);
	link = json_object_array_get_idx(j, 0);
	assert_true(has_flag(link, "UP"));
	assert_int_equal(json_object_get_int(json_object_object_get(link, "mtu")), 1400);
	assert_string_equal(str_field(json_object_object_get(link, "linkinfo"), "info_kind"), "tun");
	/* created here: it lives as long as our fd, not beyond */
	assert_false(json_object_get_boolean(json_object_object_get(
		json_object_object_get(json_object_object_get(link, "linkinfo"), "info_data"),
		"persist")));
	assert_true(json_object_object_get_ex(link, "addr_info", &ai));
	a = NULL;
	for (size_t i = 0; i < json_object_array_length(ai); i++)
		if (!strcmp(str_field(json_object_array_get_idx(ai, i), "family"), "inet"))
			a = json_object_array_get_idx(ai, i);
	assert_non_null(a);
	assert_string_equal(str_field(a, "local"), "10.9.0.1");
	assert_int_equal(json_object_get_int(json_object_object_get(a, "prefixlen")), 32);
	assert_string_equal(str_field(a, "scope"), "global");
	assert_null(json_object_object_get(a, "address"));	/* no peer */
	json_object_put(j);

	netdev_close(nd);
	assert_int_equal(if_nametoindex(DEV), 0);
}

/* An operator's persistent TUN device: attached to, routes of a crashed run
 * flushed at open, and still there after close. No MTU, no address asked. */
static void test_tun_existing(void **state)
{
	struct netdev *nd;
	json_object *j;

	need_netns();
	assert_int_equal(sh("ip tuntap add dev %s mode tun && ip link set %s mtu 1300 up && "
			    "ip route add 10.9.0.7 dev %s proto 0xb2",
			    DEV, DEV, DEV), 0);
	assert_int_equal(our_routes("-4", "10.9.0.7", DEV, NULL), 1);
	nd = netdev_open(DEV, NETDEV_TUN, 0, (struct in_addr){ htonl(INADDR_ANY) });
	assert_non_null(nd);
	assert_int_equal(our_routes("-4", "10.9.0.7", DEV, NULL), 0);
	j = ip_json("addr show dev %s", DEV);
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_array_get_idx(j, 0), "mtu")), 1300);
	json_object_put(j);
	assert_int_equal(inet_addrs(DEV), 0);
	assert_int_equal(count_all("-4", "dev " DEV), 0);
	netdev_close(nd);
	assert_true(if_nametoindex(DEV) > 0);
}

/* A name in use by something else, or one the kernel would choose for us. */
static void test_bad_names(void **state)
{
	static const char *const bad[] = { "", "l2t0123456789abcd", "tun%d" };
	json_object *j;
	int lo;

	need_netns();
	lo = (int)if_nametoindex("lo");
	assert_true(lo > 0);
	errno = 0;
	assert_null(netdev_open("lo", NETDEV_TUN, 0, ip4("10.9.0.1")));
	assert_int_equal(errno, EEXIST);
	errno = 0;
	assert_null(netdev_open("lo", NETDEV_L2SEC, 0, ip4("10.9.0.1")));
	assert_int_equal(errno, EEXIST);
	/* lo untouched: still down, no address */
	assert_int_equal((int)if_nametoindex("lo"), lo);
	j = ip_json("link show dev lo");
	assert_false(has_flag(json_object_array_get_idx(j, 0), "UP"));
	json_object_put(j);
	assert_int_equal(inet_addrs("lo"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(netdev_open(bad[i], NETDEV_TUN, 0, ip4("10.9.0.1")));
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(if_nametoindex("tun0"), 0);
}

static void test_routes_v4(void **state)
{
	struct in_addr c1 = ip4("10.9.0.2"), c2 = ip4("10.9.0.3");
	struct netdev *nd;
	const char *src;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	assert_int_equal(netdev_route_add(nd, AF_INET, &c1, 32), 0);
	assert_int_equal(netdev_route_add(nd, AF_INET, &c2, 32), 0);
	assert_int_equal(our_routes("-4", "10.9.0.2", DEV, &src), 1);
	assert_string_equal(src, "10.9.0.1");
	assert_int_equal(our_routes("-4", "10.9.0.3", DEV, NULL), 1);
	/* again: replaced, not doubled and not an error */
	assert_int_equal(netdev_route_add(nd, AF_INET, &c1, 32), 0);
	assert_int_equal(our_routes("-4", "10.9.0.2", DEV, NULL), 1);

	assert_int_equal(netdev_route_del(nd, AF_INET, &c1, 32), 0);
	assert_int_equal(our_routes("-4", "10.9.0.2", DEV, NULL), 0);
	assert_int_equal(our_routes("-4", "10.9.0.3", DEV, NULL), 1);
	/* gone already (ESRCH): fine */
	assert_int_equal(netdev_route_del(nd, AF_INET, &c1, 32), 0);
	/* the kernel's refusal comes back as its errno: host bits set */
	errno = 0;
	assert_int_equal(netdev_route_add(nd, AF_INET, &c1, 24), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(netdev_route_add(nd, AF_INET, &c1, 33), -1);
	assert_int_equal(errno, EINVAL);
	netdev_close(nd);
	assert_int_equal(count_all("-4", "proto 0xb2"), 0);
}

/* A framed route (froute.h): via the client, onlink, never replacing; flushed with the others. */
static void test_route_via(void **state)
{
	struct in_addr net = ip4("192.168.50.0"), gw = ip4("10.9.0.2"), gw2 = ip4("10.9.0.3");
	struct netdev *nd;
	json_object *j, *r;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	/* no route to the client exists: onlink makes the gateway reachable anyway */
	assert_int_equal(netdev_route_via(nd, true, net, 24, gw), 0);
	j = ip_json("-4 route show proto 0xb2 192.168.50.0/24");
	assert_int_equal(json_object_array_length(j), 1);
	r = json_object_array_get_idx(j, 0);
	assert_string_equal(str_field(r, "gateway"), "10.9.0.2");
	assert_string_equal(str_field(r, "dev"), DEV);
	json_object_put(j);
	/* a second claim on the prefix is refused, the first route stays */
	errno = 0;
	assert_int_equal(netdev_route_via(nd, true, net, 24, gw2), -1);
	assert_int_equal(errno, EEXIST);
	j = ip_json("-4 route show proto 0xb2 192.168.50.0/24");
	assert_string_equal(str_field(json_object_array_get_idx(j, 0), "gateway"), "10.9.0.2");
	json_object_put(j);
	assert_int_equal(netdev_route_via(nd, false, net, 24, gw), 0);
	assert_int_equal(count_all("-4", "proto 0xb2"), 0);
	assert_int_equal(netdev_route_via(nd, false, net, 24, gw), 0);	/* gone: fine */
	assert_int_equal(netdev_route_via(nd, true, net, 24, gw), 0);
	netdev_close(nd);
	assert_int_equal(count_all("-4", "proto 0xb2"), 0);
}

/* The same for IPv6 (Framed-IPv6-Route): via an address of the client's /64, onlink. */
static void test_route_via6(void **state)
{
	struct in6_addr net = ip6("2001:db8:5701::"), gw = ip6("fd00:1:2:3::5"),
			gw2 = ip6("fd00:1:2:4::5");
	struct netdev *nd;
	json_object *j, *r;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	assert_int_equal(netdev_route_via6(nd, true, &net, 48, &gw), 0);
	j = ip_json("-6 route show proto 0xb2 2001:db8:5701::/48");
	assert_int_equal(json_object_array_length(j), 1);
	r = json_object_array_get_idx(j, 0);
	assert_string_equal(str_field(r, "gateway"), "fd00:1:2:3::5");
	assert_string_equal(str_field(r, "dev"), DEV);
	json_object_put(j);
	errno = 0;
	assert_int_equal(netdev_route_via6(nd, true, &net, 48, &gw2), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(netdev_route_via6(nd, false, &net, 48, &gw), 0);
	assert_int_equal(count_all("-6", "proto 0xb2"), 0);
	assert_int_equal(netdev_route_via6(nd, false, &net, 48, &gw), 0);	/* gone: fine */
	assert_int_equal(netdev_route_via6(nd, true, &net, 48, &gw), 0);
	netdev_close(nd);
	assert_int_equal(count_all("-6", "proto 0xb2"), 0);
}

static void test_routes_v6(void **state)
{
	struct in6_addr c1 = ip6("fd00:1:2:3::"), c2 = ip6("fd00:1:2:4::");
	struct netdev *nd;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	assert_int_equal(netdev_route_add(nd, AF_INET6, &c1, 64), 0);
	assert_int_equal(netdev_route_add(nd, AF_INET6, &c2, 64), 0);
	assert_int_equal(netdev_route_add(nd, AF_INET6, &c1, 64), 0);
	assert_int_equal(our_routes("-6", "fd00:1:2:3::/64", DEV, NULL), 1);
	assert_int_equal(our_routes("-6", "fd00:1:2:4::/64", DEV, NULL), 1);
	assert_int_equal(netdev_route_del(nd, AF_INET6, &c1, 64), 0);
	assert_int_equal(our_routes("-6", "fd00:1:2:3::/64", DEV, NULL), 0);
	assert_int_equal(our_routes("-6", "fd00:1:2:4::/64", DEV, NULL), 1);
	/* gone already (ENOENT): fine */
	assert_int_equal(netdev_route_del(nd, AF_INET6, &c1, 64), 0);
	errno = 0;
	assert_int_equal(netdev_route_add(nd, AF_INET6, &c1, 129), -1);
	assert_int_equal(errno, EINVAL);
	netdev_close(nd);
	assert_int_equal(count_all("-6", "proto 0xb2"), 0);
}

/*
 * A pool's route (poolrt.h): created, never replacing a route of the same
 * prefix, the daemon's own or an operator's (EEXIST); a host route inside it
 * is a route of its own, and the pool's route is flushed with the rest.
 */
static void test_pool_route(void **state)
{
	struct in_addr p = ip4("10.9.8.0"), h = ip4("10.9.8.7"), op = ip4("10.9.7.0");
	struct in6_addr p6 = ip6("fd00:9::");
	struct netdev *nd;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	assert_int_equal(netdev_pool_route_add(nd, AF_INET, &p, 24), 0);
	assert_int_equal(our_routes("-4", "10.9.8.0/24", DEV, NULL), 1);
	errno = 0;
	assert_int_equal(netdev_pool_route_add(nd, AF_INET, &p, 24), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(netdev_route_add(nd, AF_INET, &h, 32), 0);
	assert_int_equal(our_routes("-4", "10.9.8.7", DEV, NULL), 1);
	assert_int_equal(our_routes("-4", "10.9.8.0/24", DEV, NULL), 1);
	assert_int_equal(sh("ip route add 10.9.7.0/24 dev " DEV), 0);	/* an operator's */
	errno = 0;
	assert_int_equal(netdev_pool_route_add(nd, AF_INET, &op, 24), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(count_all("-4", "10.9.7.0/24 proto boot"), 1);
	assert_int_equal(netdev_pool_route_add(nd, AF_INET6, &p6, 48), 0);
	assert_int_equal(our_routes("-6", "fd00:9::/48", DEV, NULL), 1);
	netdev_close(nd);
	assert_int_equal(count_all("-4", "proto 0xb2"), 0);
	assert_int_equal(count_all("-6", "proto 0xb2"), 0);
}

/* Only the daemon's routes through this device: not an operator's route on
 * it, not the daemon's routes through another device. */
static void test_flush(void **state)
{
	struct in_addr a = ip4("10.9.0.2"), b = ip4("10.9.0.3"), other = ip4("10.9.5.2");
	struct in6_addr a6 = ip6("fd00:1:2:3::");
	struct netdev *nd, *nd2;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	nd2 = netdev_open("l2t1", NETDEV_TUN, 1400, ip4("10.9.5.1"));
	assert_non_null(nd2);
	assert_int_equal(netdev_route_add(nd, AF_INET, &a, 32), 0);
	assert_int_equal(netdev_route_add(nd, AF_INET, &b, 32), 0);
	assert_int_equal(netdev_route_add(nd, AF_INET6, &a6, 64), 0);
	assert_int_equal(netdev_route_add(nd2, AF_INET, &other, 32), 0);
	assert_int_equal(sh("ip route add 10.9.1.0/24 dev %s proto static", DEV), 0);
	assert_int_equal(count_all("-4", "proto 0xb2 dev " DEV), 2);
	assert_int_equal(count_all("-6", "proto 0xb2 dev " DEV), 1);

	assert_int_equal(netdev_flush_routes(nd), 0);
	assert_int_equal(count_all("-4", "proto 0xb2 dev " DEV), 0);
	assert_int_equal(count_all("-6", "proto 0xb2 dev " DEV), 0);
	assert_int_equal(count_all("-4", "proto static dev " DEV), 1);
	assert_int_equal(our_routes("-4", "10.9.5.2", "l2t1", NULL), 1);
	/* nothing left: still fine */
	assert_int_equal(netdev_flush_routes(nd), 0);
	netdev_close(nd);
	netdev_close(nd2);
	assert_int_equal(if_nametoindex(DEV), 0);
	assert_int_equal(if_nametoindex("l2t1"), 0);
}

/* A failure after the device was created takes it away again. */
static void test_open_unwinds(void **state)
{
	need_netns();
	errno = 0;
	assert_null(netdev_open(DEV, NETDEV_TUN, 100000, ip4("10.9.0.1")));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(if_nametoindex(DEV), 0);
	/* a TAP device has the link kind "tun" too, but is not ours */
	assert_int_equal(sh("ip tuntap add dev %s mode tap", DEV), 0);
	errno = 0;
	assert_null(netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1")));
	assert_int_equal(errno, EINVAL);
	assert_true(if_nametoindex(DEV) > 0);
	assert_int_equal(inet_addrs(DEV), 0);
}

/* A second open of the same device while the first holds it. */
static void test_tun_busy(void **state)
{
	struct netdev *nd;

	need_netns();
	nd = netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1"));
	assert_non_null(nd);
	errno = 0;
	assert_null(netdev_open(DEV, NETDEV_TUN, 1400, ip4("10.9.0.1")));
	assert_int_equal(errno, EBUSY);
	/* the failed open did not take the first one's device down */
	assert_int_equal((int)if_nametoindex(DEV), netdev_ifindex(nd));
	netdev_close(nd);
}

/* No l2sec.ko here: the link kind does not exist, nothing is left behind. */
static void test_l2sec_unavailable(void **state)
{
	struct netdev *nd;

	need_netns();
	if (access("/sys/module/l2sec", F_OK) == 0) {
		fprintf(stderr, "skipped: l2sec.ko is loaded on this host\n");
		skip();
	}
	errno = 0;
	nd = netdev_open("l2sec0", NETDEV_L2SEC, 1400, ip4("10.9.0.1"));
	assert_null(nd);
	assert_true(errno == EOPNOTSUPP || errno == ENODEV || errno == ENOENT);
	assert_int_equal(if_nametoindex("l2sec0"), 0);
	assert_int_equal(count_all("-4", "proto 0xb2"), 0);
}

/*
 * xfrm_user comes with a NETLINK_XFRM socket, loaded by the kernel: once
 * asked for, it is in the kernel (loaded or built in) and a socket policy,
 * which it compiles, is taken.
 */
static void test_xfrm_user_load(void **state)
{
	struct {
		struct xfrm_userpolicy_info p;
		struct xfrm_user_tmpl t;
	} pol = { .p.dir = XFRM_POLICY_IN, .p.action = XFRM_POLICY_ALLOW,
		  .p.sel.family = AF_INET, .t.family = AF_INET, .t.id.proto = IPPROTO_ESP,
		  .t.mode = XFRM_MODE_TRANSPORT, .t.aalgos = ~0u, .t.ealgos = ~0u,
		  .t.calgos = ~0u };
	int fd;

	if (xfrm_user_load() < 0 && errno == EPROTONOSUPPORT)
		skip();		/* a kernel without xfrm_user */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_XFRM_POLICY, &pol, sizeof(pol)), 0);
	close(fd);
}

/* tun for the TUN data path: /dev/net/tun is there once tun_load() returns 0. */
static void test_tun_load(void **state)
{
	assert_int_equal(tun_load(), 0);
	assert_int_equal(access("/dev/net/tun", F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tun_open_close, fresh_netns),
		cmocka_unit_test_setup(test_tun_existing, fresh_netns),
		cmocka_unit_test_setup(test_bad_names, fresh_netns),
		cmocka_unit_test_setup(test_routes_v4, fresh_netns),
		cmocka_unit_test_setup(test_route_via, fresh_netns),
		cmocka_unit_test_setup(test_route_via6, fresh_netns),
		cmocka_unit_test_setup(test_routes_v6, fresh_netns),
		cmocka_unit_test_setup(test_pool_route, fresh_netns),
		cmocka_unit_test_setup(test_flush, fresh_netns),
		cmocka_unit_test_setup(test_open_unwinds, fresh_netns),
		cmocka_unit_test_setup(test_tun_busy, fresh_netns),
		cmocka_unit_test_setup(test_l2sec_unavailable, fresh_netns),
		cmocka_unit_test(test_xfrm_user_load),
		cmocka_unit_test(test_tun_load),
	};

	return cmocka_run_group_tests_name("netdev", tests, NULL, NULL);
}
