// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec daemon show`: what only l2secd knows, from its control socket
 * ("version" and "show stats", daemon/ctl.h):
 *
 *   l2secd 0.4.0 datapath kernel
 *   tunnels 2 sessions 3 pool 3/241 pool6 1/65536
 * and with -s its counters, a table per group (as `l2sec stats` prints drops):
 *   l2tp:
 *     rx-packets          1234
 *   ppp:
 *     up                  3
 *   tun:                    (the TUN data path's switch: packets, drops)
 *     spoofed             2
 *   admit:                  (per-peer admission, l2secd's l2tp_admit.h)
 *     half-open-sa-limit  7
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"
#include "ctlc.h"
#include "daemon_cmd.h"
#include "print.h"

#define COUNTER_NAME_MAX 64

static void daemon_usage(FILE *f)
{
	fputs("Usage: l2sec [-j [-p]] [-s] [-r DIR] daemon show\n"
	      "-r DIR: l2secd's runtime directory, where its socket is (" CLI_RUNTIME_DIR ")\n",
	      f);
}

static void malformed_member(unsigned int *bad, const char *key)
{
	cli_err("ignoring a malformed \"%s\" in l2secd's answer", key);
	(*bad)++;
}

/* KEY of O as a number: 1 and *V, 0 absent, -1 malformed (said so). */
static int get_u64(struct json_object *o, const char *key, uint64_t *v, unsigned int *bad)
{
	int r = ctlc_get_u64(o, key, v);

	if (r < 0)
		malformed_member(bad, key);
	return r;
}

/* A counter's name as l2secd spells it: a key in JSON, a word in text. */
static bool counter_name_ok(const char *k)
{
	size_t len = strlen(k);

	return len > 0 && len <= COUNTER_NAME_MAX &&
	       strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/*
 * The counters of group KEY in O (every whole number >= 0 it has, in its
 * order: counters newer than this tool show too), as member NAME.
 */
static void counters(struct json_object *o, const char *key, const char *name,
		     unsigned int *bad)
{
	char text[COUNTER_NAME_MAX + 1], *p;
	struct json_object *g;
	uint64_t v;

	if (!json_object_object_get_ex(o, key, &g) || !g)
		return;
	if (!json_object_is_type(g, json_type_object)) {
		malformed_member(bad, key);
		return;
	}
	print_open_object(name);
	print_text("\n%s:", name);
	json_object_object_foreach(g, k, m) {
		if (!counter_name_ok(k) || !ctlc_u64(m, &v)) {
			char safe[COUNTER_NAME_MAX + 1];

			cli_err("ignoring a malformed counter \"%s\" in l2secd's answer",
				ctlc_text(k, safe, sizeof(safe)));
			(*bad)++;
			continue;
		}
		snprintf(text, sizeof(text), "%s", k);
		for (p = text; *p; p++)
			if (*p == '_')
				*p = '-';
		print_text("\n  %-20s", text);
		print_u64(PRINT_ANY, k, "%" PRIu64, v);
	}
	print_close_object();
}

/* "pool 3/241": a pair when both are there; JSON has each that is. */
static void pool(struct json_object *st, const char *size_key, const char *use_key,
		 const char *text, unsigned int *bad)
{
	uint64_t size, in_use;
	int rs = get_u64(st, size_key, &size, bad);
	int ru = get_u64(st, use_key, &in_use, bad);

	if (rs == 1 && ru == 1) {
		print_text(" %s", text);
		print_u64(PRINT_ANY, use_key, " %" PRIu64, in_use);
		print_u64(PRINT_ANY, size_key, "/%" PRIu64, size);
		return;
	}
	if (rs == 1)
		print_u64(PRINT_JSON, size_key, NULL, size);
	if (ru == 1)
		print_u64(PRINT_JSON, use_key, NULL, in_use);
}

/* [ppp] named-pools: " pool NAME USED/SIZE" each, after the default pool. */
static void named_pools(struct json_object *st, unsigned int *bad)
{
	struct json_object *a, *e;
	char safe[64];
	const char *name;
	size_t i, n;

	if (!json_object_object_get_ex(st, CTL_K_NAMED_POOLS, &a))
		return;
	if (!json_object_is_type(a, json_type_array)) {
		malformed_member(bad, CTL_K_NAMED_POOLS);
		return;
	}
	print_open_array(CTL_K_NAMED_POOLS);
	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (ctlc_get_str(e, CTL_K_NAME, &name) != 1) {
			malformed_member(bad, CTL_K_NAMED_POOLS);
			continue;
		}
		print_open_object(NULL);
		print_string(PRINT_JSON, CTL_K_NAME, NULL, name);
		pool(e, CTL_K_POOL_SIZE, CTL_K_POOL_IN_USE, "pool", bad);
		print_text(" (%s)", ctlc_text(name, safe, sizeof(safe)));
		print_close_object();
	}
	print_close_array();
}

/*
 * RADIUS (l2secd's aaa.c): "radius ADDR:PORT alive" a line per server, with
 * -s its counters and the requests' ones; accounting servers as "radius-acct".
 */
static void radius_servers(struct json_object *r, const char *key, const char *word,
			   int stats, unsigned int *bad)
{
	struct json_object *servers, *srv;
	char safe[96];
	const char *addr, *state;
	size_t i, n;

	if (!json_object_object_get_ex(r, key, &servers))
		return;
	if (!json_object_is_type(servers, json_type_array)) {
		malformed_member(bad, "radius");
		return;
	}
	print_open_array(key);
	n = json_object_array_length(servers);
	for (i = 0; i < n; i++) {
		srv = json_object_array_get_idx(servers, i);
		if (ctlc_get_str(srv, "server", &addr) != 1 ||
		    ctlc_get_str(srv, "state", &state) != 1) {
			malformed_member(bad, "radius");
			continue;
		}
		print_open_object(NULL);
		print_string(PRINT_JSON, "server", NULL, addr);
		print_string(PRINT_JSON, "state", NULL, state);
		print_text("\n%s %s", word, ctlc_text(addr, safe, sizeof(safe)));
		print_text(" %s", ctlc_text(state, safe, sizeof(safe)));
		if (stats)
			counters(srv, "stats", "stats", bad);
		print_close_object();
	}
	print_close_array();
}

/*
 * Dynamic authorization: "radius-dae NET/PLEN" a line per client ("dae_clients"),
 * with -s its counters and the datagrams from no client's address (group "dae").
 */
static void radius_dae(struct json_object *r, int stats, unsigned int *bad)
{
	struct json_object *dae, *clients, *c;
	const char *name;
	char safe[96];
	size_t i, n;

	if (!json_object_object_get_ex(r, "dae", &dae))
		return;
	if (!json_object_object_get_ex(dae, "clients", &clients) ||
	    !json_object_is_type(clients, json_type_array)) {
		malformed_member(bad, "dae");
		return;
	}
	print_open_array("dae_clients");
	n = json_object_array_length(clients);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(clients, i);
		if (ctlc_get_str(c, "client", &name) != 1) {
			malformed_member(bad, "dae");
			continue;
		}
		print_open_object(NULL);
		print_string(PRINT_JSON, "client", NULL, name);
		print_text("\nradius-dae %s", ctlc_text(name, safe, sizeof(safe)));
		if (stats)
			counters(c, "stats", "stats", bad);
		print_close_object();
	}
	print_close_array();
	if (stats)
		counters(dae, "stats", "dae", bad);
}

static void radius(struct json_object *st, int stats, unsigned int *bad)
{
	struct json_object *r, *servers;

	if (!json_object_object_get_ex(st, "radius", &r) || !r)
		return;
	if (!json_object_is_type(r, json_type_object) ||
	    !json_object_object_get_ex(r, "servers", &servers)) {
		malformed_member(bad, "radius");
		return;
	}
	print_open_object("radius");
	radius_servers(r, "servers", "radius", stats, bad);
	radius_servers(r, "acct_servers", "radius-acct", stats, bad);
	radius_dae(r, stats, bad);
	if (stats) {
		counters(r, "stats", "stats", bad);
		counters(r, "accounting", "accounting", bad);
	}
	print_close_object();
}

unsigned int daemon_print(struct json_object *ver, struct json_object *st, int stats)
{
	char safe[128];
	const char *s;
	unsigned int bad = 0;
	uint64_t v;
	int r;

	print_open_object(NULL);
	print_text("l2secd");
	r = ctlc_get_str(ver, CTL_K_VERSION, &s);
	if (r == 1)
		print_string(PRINT_JSON, "version", NULL, s);
	if (r == 1)
		print_string(PRINT_FP, NULL, " %s", ctlc_text(s, safe, sizeof(safe)));
	else if (r < 0)
		malformed_member(&bad, CTL_K_VERSION);
	r = ctlc_get_str(st, CTL_K_DATAPATH, &s);
	if (r == 1)
		print_string(PRINT_JSON, "datapath", NULL, s);
	if (r == 1)
		print_string(PRINT_FP, NULL, " datapath %s", ctlc_text(s, safe, sizeof(safe)));
	else if (r < 0)
		malformed_member(&bad, CTL_K_DATAPATH);
	/* the second line starts with the tunnels, which every l2secd counts */
	print_text("\n");
	if (get_u64(st, CTL_K_TUNNELS, &v, &bad) == 1)
		print_u64(PRINT_ANY, "tunnel_count", "tunnels %" PRIu64, v);
	if (get_u64(st, CTL_K_SESSIONS, &v, &bad) == 1)
		print_u64(PRINT_ANY, "session_count", " sessions %" PRIu64, v);
	pool(st, CTL_K_POOL_SIZE, CTL_K_POOL_IN_USE, "pool", &bad);
	pool(st, CTL_K_POOL6_SIZE, CTL_K_POOL6_IN_USE, "pool6", &bad);
	named_pools(st, &bad);
	radius(st, stats, &bad);
	if (stats) {
		print_open_object("stats");
		counters(st, CTL_K_STATS, "l2tp", &bad);
		counters(st, CTL_K_PPP, "ppp", &bad);
		counters(st, CTL_K_TUN, "tun", &bad);
		counters(st, CTL_K_RX_REFUSED, "rx_refused", &bad);
		counters(st, CTL_K_ADMIT, "admit", &bad);
		counters(st, CTL_K_IKE, "ike", &bad);
		counters(st, CTL_K_PRIVSEP, "privsep", &bad);
		print_close_object();
	}
	print_nl();
	print_close_object();
	return bad;
}

static int daemon_show(struct cli *c)
{
	const char *dir = cli_runtime_dir(c);
	struct json_object *ver = NULL, *st = NULL;
	char why[256];
	int err, ret;

	err = ctlc_request(dir, CTL_REQ_VERSION, &ver);
	if (!err)
		err = ctlc_request(dir, CTL_REQ_SHOW_STATS, &st);
	if (err) {
		ctlc_strerror(dir, err, why, sizeof(why));
		cli_err("%s", why);
		json_object_put(ver);
		return CLI_FAIL;
	}
	/* one record, not an array: there is one daemon */
	cli_print_begin(c, true);
	if (daemon_print(ver, st, c->stats))
		c->status = CLI_FAIL;
	ret = cli_print_end(c);
	json_object_put(ver);
	json_object_put(st);
	return ret;
}

static int cmd_show(struct cli *c, int argc, char **argv)
{
	if (argc > 0) {
		cli_err("unknown argument \"%s\" of daemon show", argv[0]);
		daemon_usage(stderr);
		return CLI_USAGE;
	}
	return daemon_show(c);
}

static const struct cli_cmd cmds[] = {
	{ "show", cmd_show },
	{ "list", cmd_show },
};

int daemon_main(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, argc, argv, "daemon", cmds, ARRAY_SIZE(cmds), daemon_usage);
}
