// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec stats`: the namespace's counts of sockets, tunnels and sessions, its
 * packet counters and drops by reason, from L2SEC_CMD_STATS_GET.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <net/if.h>

#include "ctl_proto.h"
#include "ctlc.h"
#include "print.h"
#include "prom.h"
#include "stats.h"

static void counter(const struct obj_stats *s, unsigned int type, const char *fmt)
{
	if (s->has & (1u << type))
		print_u64(PRINT_ANY, obj_stat_name(type), fmt, s->v[type]);
}

static void drop(const char *name, uint64_t v, const char *indent, bool table)
{
	if (table) {
		print_text("\n%s  %-16s", indent, name);
		print_u64(PRINT_ANY, name, "%" PRIu64, v);
	} else if (v) {
		print_text(" %s", name);
		print_u64(PRINT_ANY, name, " %" PRIu64, v);
	} else {
		print_u64(PRINT_JSON, name, NULL, v);
	}
}

void stats_each_drop(const struct obj_stats *s,
		     void (*fn)(const char *name, uint64_t v, void *ctx), void *ctx)
{
	char unknown[32];
	const char *name;
	unsigned int r;

	for (r = 0; r < OBJ_MAX_DROPS; r++) {
		if (!(s->drops_has & (UINT64_C(1) << r)))
			continue;
		name = obj_drop_name(r);
		if (!name) {
			/* a reason newer than this tool: keep it, by number */
			snprintf(unknown, sizeof(unknown), "reason_%u", r);
			name = unknown;
		}
		fn(name, s->drops[r], ctx);
	}
	if (s->has_other)
		fn("other", s->drops_other, ctx);
}

struct drop_ctx {
	const char *indent;
	bool table;
};

static void drop_cb(const char *name, uint64_t v, void *ctx)
{
	const struct drop_ctx *d = ctx;

	drop(name, v, d->indent, d->table);
}

static void drops(const struct obj_stats *s, const char *indent, bool table)
{
	bool any = s->has_other && s->drops_other;
	struct drop_ctx d = { indent, table };
	unsigned int r;

	for (r = 0; r < OBJ_MAX_DROPS; r++)
		any |= (s->drops_has & (UINT64_C(1) << r)) && s->drops[r];
	print_open_object("drops");
	/* the short form lists only what is not zero: no line when nothing is */
	if (table || any)
		print_text("\n%s%s", indent, table ? "drops by reason:" : "drops");
	stats_each_drop(s, drop_cb, &d);
	print_close_object();
}

/* "rx packets N bytes N drops N": the counters of one direction that are there. */
static void direction(const struct obj_stats *s, const char *indent, const char *dir,
		      unsigned int packets, unsigned int bytes, unsigned int drops)
{
	if (!(s->has & (1u << packets | 1u << bytes | 1u << drops)))
		return;
	print_text("\n%s%s", indent, dir);
	counter(s, packets, " packets %" PRIu64);
	counter(s, bytes, " bytes %" PRIu64);
	counter(s, drops, " drops %" PRIu64);
}

void stats_print_counters(const struct obj_stats *s, const char *indent, bool table)
{
	print_open_object("stats");
	direction(s, indent, "rx", L2SEC_STATS_A_RX_PACKETS, L2SEC_STATS_A_RX_BYTES,
		  L2SEC_STATS_A_RX_DROPS);
	direction(s, indent, "tx", L2SEC_STATS_A_TX_PACKETS, L2SEC_STATS_A_TX_BYTES,
		  L2SEC_STATS_A_TX_DROPS);
	if (s->has & (1u << L2SEC_STATS_A_TO_DAEMON)) {
		print_text("\n%s", indent);
		counter(s, L2SEC_STATS_A_TO_DAEMON, "to-daemon %" PRIu64);
	}
	if (s->drops_has || s->has_other)
		drops(s, indent, table);
	print_close_object();
}

static void count(const struct obj *o, unsigned int type, const char *key, const char *fmt)
{
	if (obj_has(o, type))
		print_uint(PRINT_ANY, key, fmt, (unsigned int)o->u[type]);
}

void stats_print_ns(const struct obj *o)
{
	char name[IF_NAMESIZE];

	print_open_object(NULL);
	if (obj_has(o, L2SEC_A_IFINDEX)) {
		unsigned int ifindex = (unsigned int)o->u[L2SEC_A_IFINDEX];

		/* the name as this namespace knows it; the index is what counts */
		if (if_indextoname(ifindex, name))
			print_string(PRINT_ANY, "ifname", "device %s", name);
		else
			print_text("device ?");
		print_uint(PRINT_ANY, "ifindex", " (ifindex %u)", ifindex);
	} else {
		print_text("device none");
	}
	print_text("\n");
	count(o, L2SEC_A_SOCK_COUNT, "sock_count", "sockets %u");
	count(o, L2SEC_A_TUNNEL_COUNT, "tunnel_count", " tunnels %u");
	count(o, L2SEC_A_SESSION_COUNT, "session_count", " sessions %u");
	if (obj_has(o, L2SEC_A_STATS))
		stats_print_counters(&o->stats, "", true);
	print_nl();
	print_close_object();
}

static void usage(FILE *f)
{
	fputs("Usage: l2sec [-j [-p]] [-n NETNS] stats [show]\n"
	      "       l2sec [-n NETNS] [-r DIR] stats prometheus\n", f);
}

/* The STATS_GET reply into L (one record); CLI_FAIL after saying why not. */
static int stats_get(struct cli *c, struct cli_list *l)
{
	struct nlmsghdr *nlh;
	int err;

	cli_list_init(l, c, "stats", 0);
	nlh = gnl_msg(&c->gnl, L2SEC_CMD_STATS_GET, L2SEC_GENL_VERSION, 0);
	err = gnl_request(&c->gnl, nlh, cli_list_add, l);
	if (err) {
		cli_nl_error(c, err, "stats");
		return CLI_FAIL;
	}
	return CLI_OK;
}

/*
 * `stats prometheus`: the module's and l2secd's counters (prom.h). A module
 * that is not loaded and a daemon that is not running are values (l2sec_up,
 * l2sec_daemon_up 0), not failures: a scrape then still says so.
 */
static int stats_prometheus(struct cli *c)
{
	struct json_object *ver = NULL, *st = NULL;
	FILE *f = c->out ? c->out : stdout;
	const char *dir = cli_runtime_dir(c);
	int ret = CLI_OK, err;
	struct cli_list l = { 0 };
	char why[256];

	if (c->json) {
		cli_err("prometheus is a format of its own: no -j");
		usage(stderr);
		return CLI_USAGE;
	}
	err = cli_try_connect(c);
	if (err && err != -ENOENT)
		return CLI_FAIL;
	if (!err && stats_get(c, &l))
		ret = CLI_FAIL;
	prom_kernel(f, l.n ? &l.v[0] : NULL);
	cli_list_free(&l);

	err = ctlc_request(dir, CTL_REQ_VERSION, &ver);
	if (!err)
		err = ctlc_request(dir, CTL_REQ_SHOW_STATS, &st);
	if (err && !ctlc_unreachable(err)) {
		ctlc_strerror(dir, err, why, sizeof(why));
		cli_err("%s", why);
		ret = CLI_FAIL;
	}
	if (err) {
		json_object_put(ver);
		ver = NULL;
	}
	if (prom_daemon(f, ver, st))
		ret = CLI_FAIL;
	json_object_put(ver);
	json_object_put(st);
	if (fflush(f) || ferror(f)) {
		cli_err("cannot write the metrics");
		ret = CLI_FAIL;
	}
	return ret;
}

int stats_main(struct cli *c, int argc, char **argv)
{
	struct cli_list l;
	int ret;

	if (argc > 2 || (argc == 2 && !cli_matches(argv[1], "show"))) {
		if (argc == 2 && cli_matches(argv[1], "prometheus"))
			return stats_prometheus(c);
		if (argc == 2 && cli_matches(argv[1], "help")) {
			usage(stdout);
			return CLI_OK;
		}
		cli_err("unknown argument \"%s\" of stats", argv[argc == 2 ? 1 : 2]);
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_connect(c))
		return CLI_FAIL;
	if (stats_get(c, &l)) {
		cli_list_free(&l);
		return CLI_FAIL;
	}
	/* a single object, not an array: there is one namespace */
	cli_print_begin(c, true);
	if (l.n)
		stats_print_ns(&l.v[0]);
	ret = cli_print_end(c);
	cli_list_free(&l);
	return ret;
}
