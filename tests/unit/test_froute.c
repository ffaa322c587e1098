// SPDX-License-Identifier: GPL-2.0
/*
 * Framed-Route checks (daemon/froute.c): the routes refused (default, too
 * short, another gateway, the client's own address, the pools, the gateway's
 * own networks, another session's network in either direction), the bounds
 * per public address and in all, a route dropped becoming free again, and
 * the gateway's addresses as getifaddrs gives them; the index of the tunnels'
 * public addresses, its answers and its cost.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/u32set.h"
#include "route/froute.h"

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct radius_route rt(const char *net, unsigned int plen, const char *gw)
{
	struct radius_route r = { .net = ip(net), .plen = (uint8_t)plen };

	r.gw = ip(gw ? gw : "0.0.0.0");
	return r;
}

static union sa46 peer(const char *a)
{
	union sa46 ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr = ip(a);
	sin->sin_port = htons(1701);
	return ss;
}

static union sa46 peer6(const char *a)
{
	union sa46 ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &sin6->sin6_addr), 1);
	return ss;
}

/* The gateway of the tests: pool 10.8.0.10-10.8.0.200, eth0 192.0.2.1/24, lo. */
struct fx {
	struct config_range pools[2];
	struct froute_local local;
	struct froute_ctx c;
	struct froute_table *t;
	struct in_addr client;
	union sa46 pa, pb;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->pools[0] = (struct config_range){ .first = ip("10.8.0.10"), .last = ip("10.8.0.200") };
	f->pools[1] = (struct config_range){ .first = ip("10.9.4.0"), .last = ip("10.9.4.255") };	/* named */
	f->local.n = 2;
	f->local.e[0].addr = ip("192.0.2.1");
	f->local.e[0].plen = 24;
	f->local.e[1].addr = ip("127.0.0.1");
	f->local.e[1].plen = 8;
	f->c = (struct froute_ctx){ .pools = f->pools, .n_pools = 2, .local = &f->local };
	f->t = froute_table_new();
	assert_non_null(f->t);
	f->client = ip("10.8.0.11");
	f->pa = peer("198.51.100.7");
	f->pb = peer("203.0.113.9");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	froute_table_free(f->t);
	free(f);
	return 0;
}

static enum froute_why check(struct fx *f, const char *net, unsigned int plen, const char *gw)
{
	struct radius_route r = rt(net, plen, gw);

	return froute_check(f->t, &f->c, &r, f->client, &f->pa);
}

static void test_shape(void **state)
{
	struct fx *f = *state;

	assert_int_equal(check(f, "0.0.0.0", 0, NULL), FROUTE_DEFAULT);
	assert_int_equal(check(f, "0.0.0.0", 1, NULL), FROUTE_SHORT);
	assert_int_equal(check(f, "172.0.0.0", 7, NULL), FROUTE_SHORT);
	assert_int_equal(check(f, "172.0.0.0", 8, NULL), FROUTE_OK);
	assert_int_equal(check(f, "172.16.5.0", 24, NULL), FROUTE_OK);
	assert_int_equal(check(f, "172.16.5.7", 32, NULL), FROUTE_OK);
	/* the gateway: none, 0.0.0.0 or the client itself; never another */
	assert_int_equal(check(f, "172.16.5.0", 24, "10.8.0.11"), FROUTE_OK);
	assert_int_equal(check(f, "172.16.5.0", 24, "10.8.0.12"), FROUTE_GATEWAY);
	assert_int_equal(check(f, "172.16.5.0", 24, "192.0.2.1"), FROUTE_GATEWAY);
	/* a network holding the client's own address */
	f->client = ip("172.16.5.9");
	assert_int_equal(check(f, "172.16.5.0", 24, NULL), FROUTE_OWN);
	assert_int_equal(check(f, "172.16.5.9", 32, NULL), FROUTE_OWN);
}

static void test_gateway_networks(void **state)
{
	struct fx *f = *state;

	f->client = ip("10.8.0.20");
	/* the pools: inside, around, across an end */
	assert_int_equal(check(f, "10.8.0.64", 26, NULL), FROUTE_POOL);
	assert_int_equal(check(f, "10.8.0.128", 25, NULL), FROUTE_POOL);	/* .201-.255 free */
	assert_int_equal(check(f, "10.8.0.0", 16, NULL), FROUTE_OWN);	/* the client first */
	assert_int_equal(check(f, "10.8.0.0", 29, NULL), FROUTE_OK);	/* .0-.7: below */
	assert_int_equal(check(f, "10.8.0.8", 29, NULL), FROUTE_POOL);	/* .8-.15 meets .10 */
	assert_int_equal(check(f, "10.8.0.200", 32, NULL), FROUTE_POOL);
	assert_int_equal(check(f, "10.8.0.201", 32, NULL), FROUTE_OK);
	assert_int_equal(check(f, "10.9.4.128", 25, NULL), FROUTE_POOL);	/* named pool */
	/* the gateway's own networks, in both directions */
	assert_int_equal(check(f, "192.0.2.128", 25, NULL), FROUTE_LOCAL);
	assert_int_equal(check(f, "192.0.0.0", 16, NULL), FROUTE_LOCAL);
	assert_int_equal(check(f, "127.0.0.0", 8, NULL), FROUTE_LOCAL);
	assert_int_equal(check(f, "192.0.3.0", 24, NULL), FROUTE_OK);
}

/*
 * A network holding a client's public address (the outer end of a tunnel)
 * would pull that tunnel's own L2TP, ESP and IKE packets into l2sec0 and into
 * the routing client's tunnel: refused, for the client itself and for every
 * other tunnel's peer.
 */
static void test_public_address(void **state)
{
	struct fx *f = *state;
	union sa46 mapped = peer6("::ffff:203.0.113.9");
	union sa46 v6 = peer6("2001:db8::cb00:7109");
	struct radius_route r = rt("203.0.113.0", 24, NULL);

	assert_int_equal(check(f, "198.51.100.0", 24, NULL), FROUTE_PEER_ADDR);
	assert_int_equal(check(f, "198.51.100.7", 32, NULL), FROUTE_PEER_ADDR);
	assert_int_equal(check(f, "198.51.100.8", 32, NULL), FROUTE_OK);
	/* another tunnel's peer, one that holds no route itself */
	assert_true(froute_holds_peer(&r, &f->pb));
	assert_false(froute_holds_peer(&r, &f->pa));
	/* an IPv4 peer on an IPv6 socket, ::ffff:203.0.113.9; a real IPv6 one never */
	assert_true(froute_holds_peer(&r, &mapped));
	assert_false(froute_holds_peer(&r, &v6));
	assert_false(froute_holds_peer(&r, NULL));
}

/* The index's key of the IPv4 address a (host order), valid until the next call. */
static const struct froute_peer *key4s(uint32_t a)
{
	static struct froute_peer k;
	union sa46 ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a);
	assert_true(froute_peer_of(&ss, &k));
	return &k;
}

static const struct froute_peer *key4(const char *a)
{
	return key4s(ntohl(ip(a).s_addr));
}

/* Does NET/PLEN hold an address of the index? */
static bool held(const struct froute_peers *p, const char *net, unsigned int plen)
{
	struct radius_route r = rt(net, plen, NULL);

	return froute_peers_held(p, &r);
}

/*
 * The index of the tunnels' public addresses (struct froute_peers): a
 * network holds an address at its first and at its last, not one just
 * outside either end; /32 and /0; an address several tunnels share stays
 * until the last goes. An IPv4 peer on an IPv6 socket is the same key as
 * on an IPv4 one; an IPv6 peer's no IPv4 route holds.
 */
static void test_peer_index(void **state)
{
	struct froute_peers *p = froute_peers_new(4, false);
	union sa46 mapped = peer6("::ffff:203.0.113.9");
	union sa46 v6 = peer6("2001:db8::cb00:7109");
	union sa46 v4 = peer("198.51.100.7");
	struct froute_peer k, m;

	(void)state;
	assert_non_null(p);
	assert_false(held(p, "0.0.0.0", 0));
	froute_peers_add(p, key4("172.16.0.0"));
	froute_peers_add(p, key4("172.17.0.255"));
	assert_int_equal(froute_peers_count(p), 2);
	/* the network's first address */
	assert_true(held(p, "172.16.0.0", 24));
	assert_true(held(p, "172.16.0.0", 32));
	assert_false(held(p, "172.16.0.1", 32));
	assert_false(held(p, "172.15.255.0", 24));	/* ends just before */
	assert_false(held(p, "172.15.255.255", 32));
	/* its last */
	assert_true(held(p, "172.17.0.0", 24));
	assert_true(held(p, "172.17.0.255", 32));
	assert_false(held(p, "172.17.0.254", 32));
	assert_false(held(p, "172.17.1.0", 24));	/* starts just after */
	assert_false(held(p, "172.16.1.0", 24));	/* between the two */
	assert_false(held(p, "172.16.128.0", 17));
	assert_true(held(p, "172.16.0.0", 15));		/* both */
	assert_true(held(p, "0.0.0.0", 0));
	assert_true(held(p, "128.0.0.0", 1));
	assert_false(held(p, "0.0.0.0", 1));
	/* the last address of all */
	froute_peers_add(p, key4("255.255.255.255"));
	assert_true(held(p, "255.255.255.255", 32));
	assert_true(held(p, "255.0.0.0", 8));
	assert_false(held(p, "255.255.255.254", 32));
	froute_peers_del(p, key4("255.255.255.255"));
	assert_false(held(p, "255.0.0.0", 8));
	/* three tunnels behind one NAT address: held until the third goes */
	froute_peers_add(p, key4("172.16.0.0"));
	froute_peers_add(p, key4("172.16.0.0"));
	assert_int_equal(froute_peers_count(p), 2);
	froute_peers_del(p, key4("172.16.0.0"));
	froute_peers_del(p, key4("172.16.0.0"));
	assert_true(held(p, "172.16.0.0", 24));
	froute_peers_del(p, key4("172.16.0.0"));
	assert_false(held(p, "172.16.0.0", 24));
	assert_true(held(p, "172.16.0.0", 15));		/* the other one still */
	froute_peers_del(p, key4("172.17.0.255"));
	assert_false(held(p, "0.0.0.0", 0));
	assert_int_equal(froute_peers_count(p), 0);
	/* an IPv4 peer on an IPv6 socket is IPv4; an IPv6 one no IPv4 route holds */
	assert_true(froute_peer_of(&mapped, &m));
	froute_peers_add(p, &m);
	assert_true(held(p, "203.0.113.0", 24));
	froute_peers_del(p, key4("203.0.113.9"));	/* the same key */
	assert_false(held(p, "0.0.0.0", 0));
	assert_true(froute_peer_of(&v6, &k));
	froute_peers_add(p, &k);
	assert_int_equal(froute_peers_count(p), 1);
	assert_false(held(p, "0.0.0.0", 0));
	froute_peers_del(p, &k);
	assert_int_equal(froute_peers_count(p), 0);
	assert_true(froute_peer_of(&v4, &k));
	assert_false(froute_peer_of(NULL, &k));
	froute_peers_free(p);
	froute_peers_free(NULL);
}

/*
 * An index that has no room for an address never says "none": every route
 * is held until that address's holder goes; one that grows has room.
 */
static void test_peer_index_full(void **state)
{
	struct froute_peers *p = froute_peers_new(1, false);

	(void)state;
	assert_non_null(p);
	froute_peers_add(p, key4("198.51.100.7"));
	froute_peers_add(p, key4("198.51.100.7"));	/* a second holder: no new room needed */
	assert_false(held(p, "8.0.0.0", 8));
	froute_peers_add(p, key4("203.0.113.9"));	/* no room */
	assert_int_equal(froute_peers_count(p), 1);
	assert_true(held(p, "8.0.0.0", 8));
	assert_true(held(p, "203.0.113.9", 32));
	froute_peers_del(p, key4("203.0.113.9"));
	assert_false(held(p, "8.0.0.0", 8));
	assert_false(held(p, "203.0.113.9", 32));
	assert_true(held(p, "198.51.100.7", 32));
	froute_peers_free(p);

	p = froute_peers_new(1, true);
	assert_non_null(p);
	for (uint32_t i = 0; i < 100; i++)
		froute_peers_add(p, key4s(0x0a000000u + i * 256));
	assert_int_equal(froute_peers_count(p), 100);
	assert_false(held(p, "8.0.0.0", 8));
	assert_true(held(p, "10.0.99.0", 24));
	assert_false(held(p, "10.0.100.0", 24));
	froute_peers_free(p);
}

/*
 * The cost that would show the check gone back to a walk over every tunnel
 * and SA: 100,000 peers, added in ascending order (what makes a plain
 * search tree a list), two questions each counted in tree nodes looked at
 * (u128tree_probes): at most 2 log2(n) + 2 each, where a walk looks at all.
 */
static void test_peer_index_cost(void **state)
{
	enum { NP = 100000 };
	struct froute_peers *p = froute_peers_new(NP, false);
	uint64_t before, lg = 0;

	(void)state;
	assert_non_null(p);
	for (uint32_t i = 0; i < NP; i++)	/* 100.64.0.0, .4, ... */
		froute_peers_add(p, key4s(0x64400000u + i * 4));
	assert_int_equal(froute_peers_count(p), NP);
	while ((1u << lg) < NP + 2)
		lg++;
	for (uint32_t i = 0; i < NP; i += 101) {
		struct radius_route r = { .plen = 30 };

		r.net.s_addr = htonl(0x64400000u + i * 4);
		before = u128tree_probes;
		assert_true(froute_peers_held(p, &r));
		r.net.s_addr = htonl(0x64400000u + i * 4 + 1);
		r.plen = 32;		/* just after the peer */
		assert_false(froute_peers_held(p, &r));
		assert_true(u128tree_probes - before <= 2 * (2 * lg + 2));
	}
	froute_peers_free(p);
}

/*
 * The gateway's own RADIUS peers: a network holding an authentication or
 * accounting server, or meeting a dae-clients network, would carry
 * Access-Requests (MS-CHAP answers, hidden passwords), accounting and DAE
 * answers into one client's tunnel.
 */
static void test_radius_peers(void **state)
{
	struct fx *f = *state;
	union sa46 srv[2] = { peer("10.20.0.5"), peer6("2001:db8::5") };
	struct config_dae_client dae = { .plen = 24 };

	((struct sockaddr_in *)&dae.net)->sin_family = AF_INET;
	((struct sockaddr_in *)&dae.net)->sin_addr = ip("192.168.77.0");
	f->c.servers = srv;
	f->c.n_servers = 2;
	f->c.dae = &dae;
	f->c.n_dae = 1;
	assert_int_equal(check(f, "10.20.0.0", 16, NULL), FROUTE_SERVER);
	assert_int_equal(check(f, "10.20.0.5", 32, NULL), FROUTE_SERVER);
	assert_int_equal(check(f, "10.21.0.0", 16, NULL), FROUTE_OK);
	assert_int_equal(check(f, "192.168.0.0", 16, NULL), FROUTE_SERVER);
	assert_int_equal(check(f, "192.168.77.128", 25, NULL), FROUTE_SERVER);
	assert_int_equal(check(f, "192.168.78.0", 24, NULL), FROUTE_OK);
}

static void test_taken(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("172.16.0.0", 16, NULL);
	int owner_a, owner_b;

	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &f->pa), FROUTE_OK);
	assert_int_equal(froute_hold(f->t, &r, &owner_a, &f->pa), 0);
	assert_int_equal(froute_count(f->t), 1);
	/* the same network, one inside it, one around it: another session's */
	assert_int_equal(check(f, "172.16.0.0", 16, NULL), FROUTE_TAKEN);
	assert_int_equal(check(f, "172.16.9.0", 24, NULL), FROUTE_TAKEN);
	assert_int_equal(check(f, "172.0.0.0", 8, NULL), FROUTE_TAKEN);
	assert_int_equal(check(f, "172.17.0.0", 16, NULL), FROUTE_OK);
	/* another owner's drop does not free it */
	froute_drop(f->t, &r, &owner_b);
	assert_int_equal(check(f, "172.16.9.0", 24, NULL), FROUTE_TAKEN);
	froute_drop(f->t, &r, &owner_a);
	assert_int_equal(froute_count(f->t), 0);
	assert_int_equal(check(f, "172.16.9.0", 24, NULL), FROUTE_OK);
}

/* n distinct /24s of 172.16.0.0/12 (4096 of them) held for peer p. */
static void hold_many(struct fx *f, unsigned int from, unsigned int n,
		      const union sa46 *p)
{
	for (unsigned int i = from; i < from + n; i++) {
		struct radius_route r = { .plen = 24 };

		r.net.s_addr = htonl(0xac100000u | i << 8);
		assert_int_equal(froute_check(f->t, &f->c, &r, f->client, p), FROUTE_OK);
		assert_int_equal(froute_hold(f->t, &r, f, p), 0);
	}
}

static void test_per_peer_bound(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("198.18.0.0", 24, NULL);

	hold_many(f, 0, FROUTE_MAX_PER_PEER, &f->pa);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &f->pa), FROUTE_PEER_LIMIT);
	/* the same address on another port is the same peer */
	((struct sockaddr_in *)&f->pa)->sin_port = htons(4500);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &f->pa), FROUTE_PEER_LIMIT);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &f->pb), FROUTE_OK);
}

/* An IPv6 host holds a /64 (as authlimit and l2tp_admit count it): one peer. */
static void test_per_peer_bound6(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("198.18.0.0", 24, NULL);
	union sa46 a = peer6("2001:db8:1:2::1"), b = peer6("2001:db8:1:2::2"),
				c = peer6("2001:db8:1:3::1");

	hold_many(f, 0, FROUTE_MAX_PER_PEER, &a);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &a), FROUTE_PEER_LIMIT);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &b), FROUTE_PEER_LIMIT);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &c), FROUTE_OK);
}

static void test_global_bound(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("198.18.0.0", 24, NULL);
	unsigned int i;

	/* FROUTE_MAX routes from FROUTE_MAX / FROUTE_MAX_PER_PEER addresses */
	for (i = 0; i < FROUTE_MAX / FROUTE_MAX_PER_PEER; i++) {
		union sa46 p = peer("198.51.100.1");

		((struct sockaddr_in *)&p)->sin_addr.s_addr = htonl(0xc6336400u | i);
		hold_many(f, i * FROUTE_MAX_PER_PEER, FROUTE_MAX_PER_PEER, &p);
	}
	assert_int_equal(froute_count(f->t), FROUTE_MAX);
	assert_int_equal(froute_check(f->t, &f->c, &r, f->client, &f->pb), FROUTE_LIMIT);
	errno = 0;
	assert_int_equal(froute_hold(f->t, &r, f, &f->pb), -1);
	assert_int_equal(errno, ENOSPC);
}

static void test_names_and_local(void **state)
{
	struct froute_local l;
	struct radius_route r = rt("172.16.5.0", 24, NULL);
	char buf[INET_ADDRSTRLEN + 4];
	bool lo = false;

	(void)state;
	for (int w = FROUTE_OK; w <= FROUTE_WHY_LAST; w++)
		assert_string_not_equal(froute_why_str((enum froute_why)w), "?");
	assert_string_equal(froute_why_str((enum froute_why)99), "?");
	assert_string_equal(froute_str(&r, buf, sizeof(buf)), "172.16.5.0/24");
	/* the host's own: loopback at least, with its /8 */
	assert_int_equal(froute_local_read(&l), 0);
	for (unsigned int i = 0; i < l.n; i++)
		lo |= l.e[i].addr.s_addr == htonl(INADDR_LOOPBACK) && l.e[i].plen == 8;
	assert_true(lo);
}

/*
 * A gateway with more IPv4 addresses than are looked at: a network meeting one
 * not looked at would pass the check, so the list is refused (E2BIG), and
 * every route with it; up to the bound each is looked at, IPv6 ones skipped.
 */
static void test_local_bound(void **state)
{
	static struct froute_local l;
	unsigned int n = FROUTE_MAX_LOCAL + 2, i;
	struct ifaddrs *ifa = calloc(n, sizeof(*ifa));
	struct sockaddr_in *sa = calloc(n, sizeof(*sa)), mask = { .sin_family = AF_INET };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };

	(void)state;
	assert_non_null(ifa);
	assert_non_null(sa);
	mask.sin_addr.s_addr = htonl(0xffffff00u);
	for (i = 0; i < n; i++) {
		ifa[i].ifa_next = i + 1 < n ? &ifa[i + 1] : NULL;
		ifa[i].ifa_netmask = (struct sockaddr *)&mask;
		sa[i].sin_family = AF_INET;
		sa[i].sin_addr.s_addr = htonl(0xac100001u | i << 8);	/* 172.16.i.1/24 */
		ifa[i].ifa_addr = (struct sockaddr *)&sa[i];
	}
	ifa[0].ifa_addr = (struct sockaddr *)&v6;	/* skipped: FROUTE_MAX_LOCAL + 1 IPv4 */
	errno = 0;
	assert_int_equal(froute_local_from(&l, ifa), -1);
	assert_int_equal(errno, E2BIG);
	ifa[n - 1].ifa_addr = NULL;	/* FROUTE_MAX_LOCAL: all of them */
	assert_int_equal(froute_local_from(&l, ifa), 0);
	assert_int_equal(l.n, FROUTE_MAX_LOCAL);
	assert_int_equal(l.e[l.n - 1].addr.s_addr, htonl(0xac100001u | (n - 2) << 8));
	assert_int_equal(l.e[l.n - 1].plen, 24);
	free(sa);
	free(ifa);
}

/* A kernel that refuses to delete until told otherwise, and what it was asked. */
struct del_log {
	int fail;		/* errno to fail with; 0: removed */
	unsigned int calls;
	char last[128];
};

static int del_route(void *ctx, struct in_addr net, uint8_t plen, struct in_addr gw)
{
	struct del_log *d = ctx;
	char n[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	d->calls++;
	inet_ntop(AF_INET, &net, n, sizeof(n));
	inet_ntop(AF_INET, &gw, g, sizeof(g));
	snprintf(d->last, sizeof(d->last), "%s/%u via %s", n, plen, g);
	if (d->fail) {
		errno = d->fail;
		return -1;
	}
	return 0;
}

static int del_route6(void *ctx, const struct in6_addr *net, uint8_t plen,
		      const struct in6_addr *gw)
{
	struct del_log *d = ctx;
	char n[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	d->calls++;
	inet_ntop(AF_INET6, net, n, sizeof(n));
	inet_ntop(AF_INET6, gw, g, sizeof(g));
	snprintf(d->last, sizeof(d->last), "%s/%u via %s", n, plen, g);
	if (d->fail) {
		errno = d->fail;
		return -1;
	}
	return 0;
}

/*
 * A route the kernel would not delete is not forgotten: it stays in the
 * table without its session (its network still taken, still counted) and
 * goes once a retry removes it.
 */
static void test_orphan(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("172.16.5.0", 24, NULL), r2 = rt("172.17.0.0", 16, NULL);
	int owner, other;
	struct del_log d = { .fail = EBUSY };

	assert_int_equal(froute_hold(f->t, &r, &owner, &f->pa), 0);
	assert_int_equal(froute_hold(f->t, &r2, &owner, &f->pa), 0);
	froute_orphan(f->t, &r, &owner, f->client);
	assert_int_equal(froute_orphans(f->t), 1);
	/* its session drops its routes: the orphan stays, counted, its network taken */
	froute_drop(f->t, &r, &owner);
	froute_drop(f->t, &r2, &owner);
	assert_int_equal(froute_count(f->t), 1);
	assert_int_equal(froute_check(f->t, &f->c, &r, ip("10.8.0.50"), &f->pb), FROUTE_TAKEN);
	/* the kernel still refuses: kept */
	assert_int_equal(froute_retry(f->t, del_route, del_route6, &d), 1);
	assert_int_equal(d.calls, 1);
	assert_string_equal(d.last, "172.16.5.0/24 via 10.8.0.11");
	assert_int_equal(froute_count(f->t), 1);
	/* an owner's route is never retried, nor orphaned by another owner */
	assert_int_equal(froute_hold(f->t, &r2, &other, &f->pb), 0);
	froute_orphan(f->t, &r2, &owner, f->client);
	assert_int_equal(froute_orphans(f->t), 1);
	d.fail = 0;
	assert_int_equal(froute_retry(f->t, del_route, del_route6, &d), 0);
	assert_int_equal(d.calls, 2);
	assert_int_equal(froute_count(f->t), 1);	/* other's */
	assert_int_equal(froute_check(f->t, &f->c, &r, ip("10.8.0.50"), &f->pb), FROUTE_OK);
	assert_int_equal(froute_retry(f->t, del_route, del_route6, &d), 0);
	assert_int_equal(d.calls, 2);			/* none left to try */
}

/*
 * After a reload the routes held are judged against the new configuration:
 * a pool, a RADIUS server or a DAE client that now meets a route refuses it.
 */
static void test_check_config(void **state)
{
	struct fx *f = *state;
	struct radius_route r = rt("172.16.5.0", 24, NULL);
	struct l2sec_config *cfg = calloc(1, sizeof(*cfg));
	struct froute_conf *fc = calloc(1, sizeof(*fc));
	struct froute_ctx c;

	assert_non_null(cfg);
	assert_non_null(fc);
	config_defaults(cfg);
	cfg->pool[0] = (struct config_range){ .first = ip("10.8.0.10"), .last = ip("10.8.0.20") };
	cfg->n_pool = 1;
	froute_conf_from(fc, cfg);
	froute_ctx_of(&c, fc, &f->local);
	assert_int_equal(froute_check_config(&c, &r), FROUTE_OK);
	/* a named pool added over it */
	snprintf(cfg->named_pool[0].name, sizeof(cfg->named_pool[0].name), "branch");
	cfg->named_pool[0].r = (struct config_range){ .first = ip("172.16.5.100"),
						       .last = ip("172.16.5.110") };
	cfg->n_named_pool = 1;
	froute_conf_from(fc, cfg);
	froute_ctx_of(&c, fc, &f->local);
	assert_int_equal(froute_check_config(&c, &r), FROUTE_POOL);
	/* a RADIUS server inside it */
	cfg->n_named_pool = 0;
	snprintf(cfg->radius.acct_servers, sizeof(cfg->radius.acct_servers), "172.16.5.9:1813");
	froute_conf_from(fc, cfg);
	froute_ctx_of(&c, fc, &f->local);
	assert_int_equal(froute_check_config(&c, &r), FROUTE_SERVER);
	/* the gateway's networks of now */
	cfg->radius.acct_servers[0] = '\0';
	froute_conf_from(fc, cfg);
	froute_ctx_of(&c, fc, &f->local);
	assert_int_equal(froute_check_config(&c, &r), FROUTE_OK);
	f->local.e[0].addr = ip("172.16.5.1");
	assert_int_equal(froute_check_config(&c, &r), FROUTE_LOCAL);
	free(fc);
	free(cfg);
}

/* --- Framed-IPv6-Route ------------------------------------------------------------ */

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct radius_route6 rt6(const char *net, unsigned int plen, const char *gw)
{
	struct radius_route6 r = { .net = ip6(net), .plen = (uint8_t)plen };

	r.gw = ip6(gw ? gw : "::");
	return r;
}

/* The client at 2001:db8:42:7::5 (its /64 of the pool 2001:db8:42::/56). */
static enum froute_why check6(struct fx *f, const char *net, unsigned int plen, const char *gw,
			      const union sa46 *p)
{
	struct radius_route6 r = rt6(net, plen, gw);
	struct in6_addr client = ip6("2001:db8:42:7::5");

	return froute6_check(f->t, &f->c, &r, &client, p ? p : &f->pa);
}

static void test6_shape(void **state)
{
	struct fx *f = *state;

	assert_int_equal(check6(f, "::", 0, NULL, NULL), FROUTE_DEFAULT);
	assert_int_equal(check6(f, "2000::", 3, NULL, NULL), FROUTE_SHORT);
	assert_int_equal(check6(f, "2000::", 11, NULL, NULL), FROUTE_SHORT);
	assert_int_equal(check6(f, "3000::", 12, NULL, NULL), FROUTE_OK);
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, NULL), FROUTE_OK);
	assert_int_equal(check6(f, "2001:db8:100::1", 128, NULL, NULL), FROUTE_OK);
	assert_int_equal(check6(f, "fd00:57::", 32, NULL, NULL), FROUTE_OK);	/* unique-local */
	/* not beyond the link, not unicast, or IPv4's (mapped) */
	assert_int_equal(check6(f, "fe80::", 64, NULL, NULL), FROUTE_SCOPE);
	assert_int_equal(check6(f, "fe80::", 16, NULL, NULL), FROUTE_SCOPE);
	assert_int_equal(check6(f, "ff02::", 16, NULL, NULL), FROUTE_SCOPE);
	assert_int_equal(check6(f, "::1", 128, NULL, NULL), FROUTE_SCOPE);
	assert_int_equal(check6(f, "::ffff:172.16.5.0", 120, NULL, NULL), FROUTE_SCOPE);
	assert_int_equal(check6(f, "::", 16, NULL, NULL), FROUTE_SCOPE);
	/* the gateway: none, ::, or an address of the client's /64; never another */
	assert_int_equal(check6(f, "2001:db8:100::", 48, "2001:db8:42:7::5", NULL), FROUTE_OK);
	assert_int_equal(check6(f, "2001:db8:100::", 48, "2001:db8:42:7::99", NULL), FROUTE_OK);
	assert_int_equal(check6(f, "2001:db8:100::", 48, "2001:db8:42:8::5", NULL),
			 FROUTE_GATEWAY);
	assert_int_equal(check6(f, "2001:db8:100::", 48, "fe80::1", NULL), FROUTE_GATEWAY);
	/* a prefix meeting the client's own /64 */
	assert_int_equal(check6(f, "2001:db8:42:7::", 64, NULL, NULL), FROUTE_OWN);
	assert_int_equal(check6(f, "2001:db8:42:7:1::", 80, NULL, NULL), FROUTE_OWN);
	assert_int_equal(check6(f, "2001:db8::", 32, NULL, NULL), FROUTE_OWN);
}

/* The pool's prefix, the gateway's IPv6 networks, RADIUS servers and DAE clients. */
static void test6_gateway_networks(void **state)
{
	struct fx *f = *state;
	struct in6_addr pool6 = ip6("2001:db8:57::");
	union sa46 srv[2] = { peer("10.20.0.5"), peer6("2001:db8:5::5") };
	struct config_dae_client dae = { .plen = 48 };

	((struct sockaddr_in6 *)&dae.net)->sin6_family = AF_INET6;
	((struct sockaddr_in6 *)&dae.net)->sin6_addr = ip6("2001:db8:77::");
	f->c.pool6 = &pool6;
	f->c.pool6_len = 56;
	f->local.n6 = 1;
	f->local.e6[0].addr = ip6("2001:db8:ffff::1");
	f->local.e6[0].plen = 64;
	f->c.servers = srv;
	f->c.n_servers = 2;
	f->c.dae = &dae;
	f->c.n_dae = 1;
	assert_int_equal(check6(f, "2001:db8:57:80::", 58, NULL, NULL), FROUTE_POOL);
	assert_int_equal(check6(f, "2001:db8:56::", 47, NULL, NULL), FROUTE_POOL);
	assert_int_equal(check6(f, "2001:db8:57:100::", 56, NULL, NULL), FROUTE_OK);
	assert_int_equal(check6(f, "2001:db8:ffff::", 48, NULL, NULL), FROUTE_LOCAL);
	assert_int_equal(check6(f, "2001:db8:ffff::1", 128, NULL, NULL), FROUTE_LOCAL);
	assert_int_equal(check6(f, "2001:db8:5::", 48, NULL, NULL), FROUTE_SERVER);
	assert_int_equal(check6(f, "2001:db8:77:1::", 64, NULL, NULL), FROUTE_SERVER);
	assert_int_equal(check6(f, "2001:db8:78::", 48, NULL, NULL), FROUTE_OK);
	/* the IPv6 side judged again after a reload */
	struct radius_route6 r = rt6("2001:db8:57:80::", 58, NULL);

	assert_int_equal(froute6_check_config(&f->c, &r), FROUTE_POOL);
	f->c.pool6 = NULL;
	assert_int_equal(froute6_check_config(&f->c, &r), FROUTE_OK);
}

/*
 * A prefix holding a tunnel's public address (an IPv6 peer: its /64) loops;
 * IPv4 and IPv6 routes share the table and its bounds, never each other's
 * networks.
 */
static void test6_table(void **state)
{
	struct fx *f = *state;
	union sa46 p6 = peer6("2001:db8:9:1::7"), p6b = peer6("2001:db8:9:2::7");
	struct radius_route6 r = rt6("2001:db8:100::", 48, NULL);
	struct radius_route r4 = rt("172.16.0.0", 16, NULL);
	int a, b;

	assert_int_equal(check6(f, "2001:db8:9::", 48, NULL, &p6), FROUTE_PEER_ADDR);
	assert_int_equal(check6(f, "2001:db8:9:1:8000::", 66, NULL, &p6), FROUTE_PEER_ADDR);
	assert_int_equal(check6(f, "2001:db8:9:2::", 64, NULL, &p6), FROUTE_OK);
	assert_true(froute6_holds_peer(&r, &f->pa) == false);
	assert_false(froute6_holds_peer(&r, NULL));
	/* an IPv4 peer's route never holds an IPv6 peer, nor the other way round */
	assert_false(froute_holds_peer(&r4, &p6));
	assert_int_equal(froute_hold(f->t, &r4, &a, &p6), 0);
	assert_int_equal(froute6_check(f->t, &f->c, &r, &(struct in6_addr){ 0 }, &p6b),
			 FROUTE_OK);
	assert_int_equal(froute6_hold(f->t, &r, &a, &p6), 0);
	assert_int_equal(froute_count(f->t), 2);
	assert_int_equal(check6(f, "2001:db8:100:5::", 64, NULL, &p6b), FROUTE_TAKEN);
	assert_int_equal(check6(f, "2001:db8::", 32, NULL, &p6b), FROUTE_OWN);	/* the client's */
	assert_int_equal(check6(f, "2001:db8:100::", 40, NULL, &p6b), FROUTE_TAKEN);
	assert_int_equal(check6(f, "2001:db8:101::", 48, NULL, &p6b), FROUTE_OK);
	/* another owner's drop does not free it; its owner's does */
	froute6_drop(f->t, &r, &b);
	assert_int_equal(check6(f, "2001:db8:100:5::", 64, NULL, &p6b), FROUTE_TAKEN);
	froute6_drop(f->t, &r, &a);
	assert_int_equal(froute_count(f->t), 1);
	assert_int_equal(check6(f, "2001:db8:100:5::", 64, NULL, &p6b), FROUTE_OK);
}

/* The index's key of a peer (IPv6, or IPv4 when it has no ':'). */
static struct froute_peer key_of(const char *a)
{
	union sa46 ss = strchr(a, ':') ? peer6(a) : peer(a);
	struct froute_peer k;

	assert_true(froute_peer_of(&ss, &k));
	return k;
}

/* A question to the index: does NET/PLEN hold a peer? */
struct q6 {
	const char *net;
	unsigned int plen;
	bool held;
};

#define ASK6(p, ...) ask6(p, (const struct q6[]){ __VA_ARGS__, { NULL, 0, false } })

/* Each question of q (up to one with net NULL) answered as it says. */
static void ask6(const struct froute_peers *p, const struct q6 *q)
{
	for (; q->net; q++) {
		struct radius_route6 r = rt6(q->net, q->plen, NULL);

		if (froute6_peers_held(p, &r) != q->held)
			fail_msg("%s/%u: %s", q->net, q->plen, q->held ? "not held" : "held");
	}
}

/*
 * The index asked by IPv6 routes (froute6_peers_held): a prefix holding one
 * peer among many, not its neighbours on either side; an IPv6 peer held as
 * its /64 (a /128 anywhere in it, none just outside); /0; a peer added twice
 * stays until removed twice. IPv4 peers only inside ::ffff:0:0/96; a
 * link-local peer's /64 as any other's; ::1 (::/64) nothing to index.
 */
static void test6_peer_index(void **state)
{
	struct froute_peers *p = froute_peers_new(8, true);
	struct froute_peer k = key_of("2001:db8:77:5::9"), k4 = key_of("198.51.100.7");
	struct froute_peer ll = key_of("fe80::1"), last = key_of("ffff:ffff:ffff:ffff::1");
	union sa46 lo = peer6("::1"), cpt = peer6("::198.51.100.7");
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_non_null(p);
	ASK6(p, { "::", 0, false });
	/* 200 others around it: 2001:db8:77:0-3::7 and :7-202::7 */
	for (unsigned int i = 0; i < 200; i++) {
		struct froute_peer o;

		snprintf(a, sizeof(a), "2001:db8:77:%x::7", i < 4 ? i : i + 3);
		o = key_of(a);
		froute_peers_add(p, &o);
	}
	ASK6(p, { "::", 0, true }, { "2001:db8:77::", 48, true }, { "2001:db8:77:4::", 63, false },
	     { "2001:db8:77:5::", 64, false }, { "2001:db8:77:5::9", 128, false });
	froute_peers_add(p, &k);
	assert_int_equal(froute_peers_count(p), 201);
	ASK6(p, { "2001:db8:77:5::", 64, true }, { "2001:db8:77:4::", 63, true },
	     { "2001:db8:77:4::", 64, false }, { "2001:db8:77:6::", 64, false },	/* neighbours */
	     /* longer than /64: anywhere in the peer's /64, as froute6_holds_peer says */
	     { "2001:db8:77:5::9", 128, true }, { "2001:db8:77:5::", 128, true },
	     { "2001:db8:77:5:ffff:ffff:ffff:ffff", 128, true }, { "2001:db8:77:5:8000::", 65, true },
	     { "2001:db8:77:4:ffff:ffff:ffff:ffff", 128, false }, { "2001:db8:77:6::", 128, false },
	     { "2000::", 3, true }, { "4000::", 3, false });
	/* twice, removed once: still held; twice: not */
	froute_peers_add(p, &k);
	assert_int_equal(froute_peers_count(p), 201);
	froute_peers_del(p, &k);
	ASK6(p, { "2001:db8:77:5::", 64, true }, { "2001:db8:77:5::9", 128, true });
	froute_peers_del(p, &k);
	ASK6(p, { "2001:db8:77:5::", 64, false }, { "2001:db8:77:5::9", 128, false },
	     { "2001:db8:77:4::", 63, false });
	assert_int_equal(froute_peers_count(p), 200);
	/* an IPv4 peer: held only by its IPv4-mapped address's prefixes */
	froute_peers_add(p, &k4);
	ASK6(p, { "::ffff:198.51.100.0", 120, true }, { "::ffff:198.51.100.7", 128, true },
	     { "::ffff:198.51.100.8", 128, false }, { "::", 64, true }, { "0:0:0:1::", 64, false },
	     { "2001:db8:77:5::", 64, false }, { "::", 127, false });
	/* a link-local peer, and the last /64 of all */
	froute_peers_add(p, &ll);
	froute_peers_add(p, &last);
	ASK6(p, { "fe80::", 10, true }, { "fe80::5", 128, true }, { "fe80:0:0:1::", 64, false },
	     { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, true }, { "ff00::", 8, true },
	     { "ffff:ffff:ffff:fffe::", 64, false });
	froute_peers_del(p, &ll);
	froute_peers_del(p, &last);
	froute_peers_del(p, &k4);
	ASK6(p, { "fe80::", 10, false }, { "ff00::", 8, false }, { "::ffff:198.51.100.0", 120, false });
	/* ::/64 holds no IPv6 peer: ::1 and the IPv4-compatible ones are not indexed */
	assert_false(froute_peer_of(&lo, &k));
	assert_false(froute_peer_of(&cpt, &k));
	assert_int_equal(froute_peers_count(p), 200);
	froute_peers_free(p);
}

/* b's bit i (0: the most significant) flipped. */
static struct in6_addr flip(struct in6_addr b, unsigned int i)
{
	b.s6_addr[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
	return b;
}

/* b with all bits past plen cleared. */
static struct in6_addr masked(struct in6_addr b, unsigned int plen)
{
	for (unsigned int i = plen; i < 128; i++)
		if (b.s6_addr[i / 8] & (0x80 >> (i % 8)))
			b = flip(b, i);
	return b;
}

/*
 * Do the index p and the walk over the peers ss[0..n-1] (only ss[one] when
 * one >= 0) agree on NET/PLEN, and on the IPv4 route it is when it lies in
 * ::ffff:0:0/96? Whether it is held.
 */
static bool agree(const struct froute_peers *p, const union sa46 *ss, int n, int one,
		  const struct in6_addr *net, unsigned int plen)
{
	static const uint8_t v4[12] = { [10] = 0xff, [11] = 0xff };
	struct radius_route6 r = { .net = *net, .plen = (uint8_t)plen };
	struct radius_route r4 = { .plen = (uint8_t)(plen - 96) };
	bool want = false, want4 = false, is4 = plen >= 96 && !memcmp(net, v4, sizeof(v4));

	memcpy(&r4.net, &net->s6_addr[12], 4);
	for (int i = 0; i < n; i++) {
		if (one < 0 || i == one) {
			want |= froute6_holds_peer(&r, &ss[i]);
			want4 |= is4 && froute_holds_peer(&r4, &ss[i]);
		}
	}
	if (froute6_peers_held(p, &r) != want)
		fail_msg("IPv6 /%u, peer %d: %s", plen, one, want ? "not held" : "held");
	if (is4 && froute_peers_held(p, &r4) != want4)
		fail_msg("IPv4 /%u, peer %d: %s", plen - 96, one, want4 ? "not held" : "held");
	return want;
}

/*
 * The index answers as the scan it replaces did (froute6_holds_peer and
 * froute_holds_peer over every peer): each kind of peer alone in it, then all
 * together, asked about every prefix length of each peer's address and of
 * other bases, and about its sibling at each length (one bit flipped).
 */
static void test6_peer_index_as_scan(void **state)
{
	static const char *const peers[] = {
		"2001:db8:77:5::9", "2001:db8:77:5::1", "2001:db8:77:6::9", "fe80::1",
		"fe80::1:0:0:1", "ffff:ffff:ffff:ffff::1", "0:0:0:1::1", "::ffff:203.0.113.9",
		"198.51.100.7", "0.0.0.0", "255.255.255.255", "::1", "::203.0.113.9",
	};
	static const char *const bases[] = { "::", "::ffff:0:0", "2001:db8::", "fc00::",
					     "ff02::1", "::1:0:0:1" };
	enum { NP = sizeof(peers) / sizeof(peers[0]), NB = sizeof(bases) / sizeof(bases[0]) };
	union sa46 ss[NP];
	struct in6_addr base[NP + NB];
	struct froute_peers *all = froute_peers_new(NP, false);
	unsigned int held = 0;

	(void)state;
	assert_non_null(all);
	for (unsigned int i = 0; i < NP; i++) {
		struct froute_peer k;

		ss[i] = strchr(peers[i], ':') ? peer6(peers[i]) : peer(peers[i]);
		if (ss[i].sa.sa_family == AF_INET6) {
			base[i] = ((struct sockaddr_in6 *)&ss[i])->sin6_addr;
		} else {
			struct in_addr v4 = ((struct sockaddr_in *)&ss[i])->sin_addr;

			base[i] = (struct in6_addr){ .s6_addr = { [10] = 0xff, [11] = 0xff } };
			memcpy(&base[i].s6_addr[12], &v4, 4);
		}
		if (froute_peer_of(&ss[i], &k))
			froute_peers_add(all, &k);
	}
	for (unsigned int i = 0; i < NB; i++)
		base[NP + i] = ip6(bases[i]);
	for (int one = -1; one < NP; one++) {	/* -1: all of them */
		struct froute_peers *p = all;
		struct froute_peer k;

		if (one >= 0) {
			p = froute_peers_new(1, false);
			assert_non_null(p);
			if (froute_peer_of(&ss[one], &k))
				froute_peers_add(p, &k);
		}
		for (unsigned int b = 0; b < NP + NB; b++) {
			for (unsigned int plen = 0; plen <= 128; plen++) {
				struct in6_addr net = masked(base[b], plen);

				held += agree(p, ss, NP, one, &net, plen);
				if (plen) {	/* its sibling */
					net = masked(flip(base[b], plen - 1), plen);
					held += agree(p, ss, NP, one, &net, plen);
				}
			}
		}
		if (one >= 0)
			froute_peers_free(p);
	}
	assert_true(held > 1000);	/* the questions met held prefixes, not only free ones */
	froute_peers_free(all);
}

/*
 * The cost that would show the IPv6 check gone back to a walk over every
 * tunnel and SA (it was one): 100,000 IPv6 peers, each its own /64, added in
 * ascending order, two questions each counted in tree nodes looked at
 * (u128tree_probes): at most 2 log2(n) + 2 each, where a walk looks at all.
 */
static void test6_peer_index_cost(void **state)
{
	enum { NP = 100000 };
	struct froute_peers *p = froute_peers_new(NP, false);
	struct in6_addr a = ip6("2001:db8::7");
	uint64_t before, lg = 0;

	(void)state;
	assert_non_null(p);
	for (uint32_t i = 0; i < NP; i++) {	/* 2001:db8:0:0::7, 2001:db8:0:2::7, ... */
		union sa46 ss;
		struct froute_peer k;
		char s[INET6_ADDRSTRLEN];

		a.s6_addr[5] = (uint8_t)(i >> 15);
		a.s6_addr[6] = (uint8_t)(i >> 7);
		a.s6_addr[7] = (uint8_t)(i << 1);
		assert_non_null(inet_ntop(AF_INET6, &a, s, sizeof(s)));
		ss = peer6(s);
		assert_true(froute_peer_of(&ss, &k));
		froute_peers_add(p, &k);
	}
	assert_int_equal(froute_peers_count(p), NP);
	while ((1u << lg) < NP + 2)
		lg++;
	for (uint32_t i = 0; i < NP; i += 101) {
		struct radius_route6 r = { .net = ip6("2001:db8::"), .plen = 63 };

		r.net.s6_addr[5] = (uint8_t)(i >> 15);
		r.net.s6_addr[6] = (uint8_t)(i >> 7);
		r.net.s6_addr[7] = (uint8_t)(i << 1);
		before = u128tree_probes;
		assert_true(froute6_peers_held(p, &r));
		r.net.s6_addr[7] |= 1;	/* the /64 just after the peer's */
		r.plen = 64;
		assert_false(froute6_peers_held(p, &r));
		assert_true(u128tree_probes - before <= 2 * (2 * lg + 2));
	}
	froute_peers_free(p);
}

/* The per-peer bound counts both families; so does the global one. */
static void test6_bounds(void **state)
{
	struct fx *f = *state;

	hold_many(f, 0, FROUTE_MAX_PER_PEER - 1, &f->pa);
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, &f->pa), FROUTE_OK);
	hold_many(f, FROUTE_MAX_PER_PEER - 1, 1, &f->pa);
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, &f->pa), FROUTE_PEER_LIMIT);
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, &f->pb), FROUTE_OK);
	for (unsigned int i = 1; i < FROUTE_MAX / FROUTE_MAX_PER_PEER; i++) {
		union sa46 p = peer("198.51.100.1");

		/* 198.51.100.129...: not pa (.7) */
		((struct sockaddr_in *)&p)->sin_addr.s_addr = htonl(0xc6336480u | i);
		hold_many(f, i * FROUTE_MAX_PER_PEER, FROUTE_MAX_PER_PEER, &p);
	}
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, &f->pb), FROUTE_LIMIT);
}

/* An IPv6 orphan is retried with del6, through the gateway it had. */
static void test6_orphan(void **state)
{
	struct fx *f = *state;
	struct radius_route6 r = rt6("2001:db8:100::", 48, NULL);
	struct in6_addr gw = ip6("2001:db8:42:7::5");
	struct del_log d = { .fail = EBUSY };
	char buf[INET6_ADDRSTRLEN + 5];
	int owner;

	assert_string_equal(froute6_str(&r, buf, sizeof(buf)), "2001:db8:100::/48");
	assert_int_equal(froute6_hold(f->t, &r, &owner, &f->pa), 0);
	froute6_orphan(f->t, &r, &owner, &gw);
	froute6_drop(f->t, &r, &owner);
	assert_int_equal(froute_orphans(f->t), 1);
	assert_int_equal(froute_retry(f->t, del_route, del_route6, &d), 1);
	assert_string_equal(d.last, "2001:db8:100::/48 via 2001:db8:42:7::5");
	assert_int_equal(check6(f, "2001:db8:100::", 48, NULL, &f->pb), FROUTE_TAKEN);
	d.fail = 0;
	assert_int_equal(froute_retry(f->t, del_route, del_route6, &d), 0);
	assert_int_equal(froute_count(f->t), 0);
}

/* The gateway's IPv6 addresses with their prefix lengths; loopback's ::1/128. */
static void test6_local(void **state)
{
	struct froute_local *l = calloc(1, sizeof(*l));
	bool lo = false;

	(void)state;
	assert_non_null(l);
	assert_int_equal(froute_local_read(l), 0);
	for (unsigned int i = 0; i < l->n6; i++)
		lo |= IN6_IS_ADDR_LOOPBACK(&l->e6[i].addr) && l->e6[i].plen == 128;
	/* a host without IPv6 (disabled) lists none: nothing to find then */
	if (l->n6)
		assert_true(lo);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_networks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radius_peers, setup, teardown),
		cmocka_unit_test(test_peer_index),
		cmocka_unit_test(test_peer_index_full),
		cmocka_unit_test(test_peer_index_cost),
		cmocka_unit_test_setup_teardown(test_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_peer_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_peer_bound6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_bound, setup, teardown),
		cmocka_unit_test(test_names_and_local),
		cmocka_unit_test(test_local_bound),
		cmocka_unit_test_setup_teardown(test_orphan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test6_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test6_gateway_networks, setup, teardown),
		cmocka_unit_test_setup_teardown(test6_table, setup, teardown),
		cmocka_unit_test(test6_peer_index),
		cmocka_unit_test(test6_peer_index_as_scan),
		cmocka_unit_test(test6_peer_index_cost),
		cmocka_unit_test_setup_teardown(test6_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test6_orphan, setup, teardown),
		cmocka_unit_test(test6_local),
	};

	return cmocka_run_group_tests_name("froute", tests, NULL, NULL);
}
