// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec session`: show the module's L2TP sessions (SESSION_GET), each with
 * what l2secd adds about it (its user and how it authenticated, its data
 * path, its tunnel's IPsec SA) when l2secd answers, and delete one through
 * l2secd (which sends the CDN and undoes PPP, the routes and the module's
 * session):
 *
 *   l2sec session show [tunnel ID [id ID]] [user NAME] [address ADDR] [peer ADDR]
 *   l2sec session del tunnel ID id ID [handle N]
 *   l2sec session del {user NAME | address ADDR | peer ADDR}... [tunnel ID] [all]
 *
 * The selectors (dsess_sel_match) apply to the joined view and to l2secd's
 * own; user and peer need l2secd's records, and fail without them.  del by
 * selector asks l2secd for `del session` of each match, at most
 * SESSION_DEL_MAX without "all".
 *
 * Shown as
 *
 *   session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state up
 *     ipv4 10.0.0.5 ipv6 2001:db8:1::/64 user alice auth mschapv2
 *     datapath kernel sa spi-in 0xc1d2e3f4 spi-out 0xc5d6e7f8 mark 0x2
 *     reqid 7 encap udp remote 203.0.113.7:4500
 * (one line; the SA's forms are in dsess.h), counters on the following lines
 * with -s.  When the module is not loaded, the sessions are l2secd's own (it
 * carries them over tun):
 *
 *   session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state established
 *     ppp network user alice auth mschapv2 ipv4 10.0.0.5 ipv6 2001:db8:1::/64
 *     datapath tun ipsec none
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctl_proto.h"
#include "ctlc.h"
#include "print.h"
#include "session.h"
#include "stats.h"

static void usage(FILE *out)
{
	fputs("Usage: l2sec [-j [-p]] [-s] [-n NETNS] [-r DIR] session show [tunnel ID [id ID]]\n"
	      "                [user NAME] [address ADDR] [peer ADDR[:PORT]]\n"
	      "       l2sec [-r DIR] session del tunnel ID id ID [handle N]\n"
	      "       l2sec [-j] [-r DIR] session del { user NAME | address ADDR | peer ADDR[:PORT] }...\n"
	      "                [tunnel ID] [all]\n"
	      "tunnel ID: a local tunnel id, 1-65535; id ID: a local session id in it;\n"
	      "handle N: the tunnel's handle (l2sec tunnel show), when peers share its id\n"
	      "user NAME: the PPP user name, exactly; address ADDR: the session's IPv4\n"
	      "address, or an IPv6 address in its /64 (or the /64); peer ADDR: the client's\n"
	      "outer address (the tunnel's peer or its SA's remote); selectors combine (and)\n"
	      "del: l2secd ends each session (CDN, accounting Stop); by selector, at most\n"
	      "16 sessions unless \"all\" is given\n"
	      "-r DIR: l2secd's runtime directory (" CLI_RUNTIME_DIR ")\n", out);
}

/* Appends " WORD VALUE" to the selectors' description in F. */
static void what_add(struct session_filter *f, const char *word, const char *v)
{
	size_t n = strlen(f->what);

	snprintf(f->what + n, sizeof(f->what) - n, "%s%s %s", n ? " " : "", word, v);
}

/* "user NAME", "address ADDR", "peer ADDR[:PORT]": 1 taken, 0 not one, -1 bad. */
static int parse_sel(int *argc, char ***argv, struct session_filter *f)
{
	const char *kw = (*argv)[0], *v;

	if (!cli_matches(kw, "user") && !cli_matches(kw, "address") && !cli_matches(kw, "peer"))
		return 0;
	v = cli_next_arg(argc, argv);
	if (!v)
		return -1;
	/* each once: "user a user b" would show b's under a message naming both */
	if ((cli_matches(kw, "user") && f->sel.user) ||
	    (cli_matches(kw, "address") && f->sel.addr.family) ||
	    (cli_matches(kw, "peer") && f->sel.peer.family)) {
		cli_err("\"%s\" is given twice", kw);
		return -1;
	}
	if (cli_matches(kw, "user")) {
		if (!v[0] || strlen(v) > DSESS_USER_MAX) {
			cli_err("invalid user name (1 to %u octets)", DSESS_USER_MAX);
			return -1;
		}
		f->sel.user = v;
		what_add(f, "user", v);
	} else if (cli_matches(kw, "address")) {
		if (dsess_parse_addr(v, &f->sel.addr)) {
			cli_err("invalid address \"%s\" (an IPv4 or IPv6 address, or an IPv6 /64)",
				v);
			return -1;
		}
		what_add(f, "address", v);
	} else {
		if (dsess_parse_peer(v, &f->sel.peer)) {
			cli_err("invalid peer \"%s\" (an IPv4 or IPv6 address, with or without "
				":PORT, [IPv6]:PORT)", v);
			return -1;
		}
		what_add(f, "peer", v);
	}
	return 1;
}

/* "tunnel ID", "id ID" (or "session ID") and the selectors, in any order, for command CMD. */
static int parse_ids(const char *cmd, int argc, char **argv, struct session_filter *f)
{
	const char *v;
	int r;

	memset(f, 0, sizeof(*f));
	for (; argc > 0; argc--, argv++) {
		/* "all" whole only: a word that widens a deletion is not abbreviated */
		if (!strcmp(cmd, "del") && !strcmp(argv[0], "all")) {
			f->all = true;
		} else if (cli_matches(argv[0], "tunnel")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel id", v, 1, UINT16_MAX, &f->tunnel_id))
				return CLI_USAGE;
		} else if (cli_matches(argv[0], "id") || cli_matches(argv[0], "session")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("session id", v, 1, UINT16_MAX, &f->id))
				return CLI_USAGE;
		} else if (!strcmp(cmd, "del") && cli_matches(argv[0], "handle")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel handle", v, 1, INT32_MAX, &f->handle))
				return CLI_USAGE;
		} else if ((r = parse_sel(&argc, &argv, f)) != 0) {
			if (r < 0)
				return CLI_USAGE;
		} else {
			cli_err("unknown argument \"%s\" of session %s", argv[0], cmd);
			return CLI_USAGE;
		}
	}
	if (f->id && !f->tunnel_id) {
		cli_err("a session id is local to its tunnel: give \"tunnel ID\" too");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int session_parse_show(int argc, char **argv, struct session_filter *f)
{
	return parse_ids("show", argc, argv, f);
}

int session_parse_del(int argc, char **argv, struct session_filter *f)
{
	int err = parse_ids("del", argc, argv, f);

	if (err)
		return err;
	if (dsess_sel_empty(&f->sel)) {
		if (!f->id || f->all) {
			cli_err("session del needs \"tunnel ID id ID\", or user, address or peer");
			return CLI_USAGE;
		}
		return CLI_OK;
	}
	if (f->id || f->handle) {
		cli_err("session del: \"id\" and \"handle\" name one session; with user, address "
			"or peer give at most \"tunnel ID\"");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static void u(const struct obj *o, unsigned int type, const char *key, const char *fmt)
{
	if (obj_has(o, type))
		print_uint(PRINT_ANY, key, fmt, (unsigned int)o->u[type]);
}

static const char *state_name(uint64_t state)
{
	switch (state) {
	case L2SEC_STATE_DOWN:
		return "down";
	case L2SEC_STATE_UP:
		return "up";
	}
	return "unknown";
}

/* The kernel's fields of session O, without its counters. */
static void fields(const struct obj *o)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	u(o, L2SEC_A_SESSION_ID, "session_id", "session %u");
	u(o, L2SEC_A_TUNNEL_ID, "tunnel_id", " tunnel %u");
	u(o, L2SEC_A_PEER_SESSION_ID, "peer_session_id", " peer-session %u");
	u(o, L2SEC_A_PEER_TUNNEL_ID, "peer_tunnel_id", " peer-tunnel %u");
	if (obj_has(o, L2SEC_A_STATE))
		print_string(PRINT_ANY, "state", " state %s", state_name(o->u[L2SEC_A_STATE]));
	if (o->ipv4.family) {
		obj_addr_str(&o->ipv4, buf, sizeof(buf));
		print_string(PRINT_ANY, "ipv4", " ipv4 %s", buf);
	}
	/* a list in JSON even when empty, so scripts need not test for it */
	if (obj_has(o, L2SEC_A_STATE) || o->n_pfx) {
		print_open_array("ipv6");
		for (i = 0; i < o->n_pfx; i++) {
			struct obj_addr a = { .family = AF_INET6 };
			char pfx[sizeof(buf) + 8];

			memcpy(a.a, o->pfx[i].a, 16);
			obj_addr_str(&a, buf, sizeof(buf));
			snprintf(pfx, sizeof(pfx), "%s/%u", buf, o->pfx[i].len);
			print_string(PRINT_ANY, NULL, " ipv6 %s", pfx);
		}
		print_close_array();
	}
	if (o->pfx_more)
		print_text(" (more ipv6 prefixes not shown)");
}

void session_print_fields(const struct obj *o, int stats)
{
	fields(o);
	if (stats && obj_has(o, L2SEC_A_STATS))
		stats_print_counters(&o->stats, "    ", false);
}

void session_print_joined(const struct obj *o, const struct dsess *d, int stats)
{
	print_open_object(NULL);
	fields(o);
	if (d)
		dsess_print_extra(d);
	if (stats && obj_has(o, L2SEC_A_STATS))
		stats_print_counters(&o->stats, "    ", false);
	print_nl();
	print_close_object();
}

void session_print(const struct obj *o, int stats)
{
	session_print_joined(o, NULL, stats);
}

static int cmp_session(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;
	uint64_t kx = x->u[L2SEC_A_TUNNEL_ID] << 16 | x->u[L2SEC_A_SESSION_ID];
	uint64_t ky = y->u[L2SEC_A_TUNNEL_ID] << 16 | y->u[L2SEC_A_SESSION_ID];

	return (kx > ky) - (kx < ky);
}

/* After an empty dump of one tunnel's sessions: does the tunnel exist? */
static int tunnel_exists(struct cli *c, uint32_t id)
{
	struct nlmsghdr *nlh = gnl_msg(&c->gnl, L2SEC_CMD_TUNNEL_GET, L2SEC_GENL_VERSION, 0);

	mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, (uint16_t)id);
	return gnl_request(&c->gnl, nlh, NULL, NULL);
}

/*
 * The dump of the sessions F selects in the module: of its tunnel, and with
 * BY_ADDR of those that hold its address (uapi/l2sec.h: found in the module's
 * address tables, one or two whatever the number of sessions).
 */
static struct nlmsghdr *dump_msg(struct cli *c, const struct session_filter *f, bool by_addr)
{
	struct nlmsghdr *nlh = gnl_msg(&c->gnl, L2SEC_CMD_SESSION_GET, L2SEC_GENL_VERSION,
				       NLM_F_DUMP);

	if (f->tunnel_id)
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, (uint16_t)f->tunnel_id);
	if (by_addr && f->sel.addr.family == AF_INET)
		mnl_attr_put(nlh, L2SEC_A_IPV4, 4, f->sel.addr.a);
	else if (by_addr && f->sel.addr.family == AF_INET6)
		mnl_attr_put(nlh, L2SEC_A_IPV6_ADDR, 16, f->sel.addr.a);
	return nlh;
}

static int fetch(struct cli *c, const struct session_filter *f, struct cli_list *l)
{
	struct nlmsghdr *nlh;
	int err;

	if (f->id) {
		nlh = gnl_msg(&c->gnl, L2SEC_CMD_SESSION_GET, L2SEC_GENL_VERSION, 0);
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, (uint16_t)f->tunnel_id);
		mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, (uint16_t)f->id);
		err = gnl_request(&c->gnl, nlh, cli_list_add, l);
		if (err == -ENOENT && tunnel_exists(c, f->tunnel_id) == -ENOENT) {
			cli_err("no such tunnel %u", f->tunnel_id);
			return CLI_FAIL;
		}
		if (err == -ENOENT) {
			cli_err("no such session %u in tunnel %u", f->id, f->tunnel_id);
			return CLI_FAIL;
		}
	} else {
		nlh = dump_msg(c, f, true);
		err = cli_dump(c, nlh, l);
		if (err == -EINVAL && f->sel.addr.family) {
			/* a module older than the address filter: every session, picked here */
			cli_list_free(l);
			cli_list_init(l, c, "session", OBJ_BIT(L2SEC_A_TUNNEL_ID) |
				      OBJ_BIT(L2SEC_A_SESSION_ID));
			err = cli_dump(c, dump_msg(c, f, false), l);
		}
		if (!err && f->tunnel_id && !l->n &&
		    tunnel_exists(c, f->tunnel_id) == -ENOENT) {
			cli_err("no such tunnel %u", f->tunnel_id);
			return CLI_FAIL;
		}
		if (err == -ENOENT && f->tunnel_id) {
			cli_err("no such tunnel %u", f->tunnel_id);
			return CLI_FAIL;
		}
	}
	if (err) {
		cli_nl_error(c, err, "session show");
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* The daemon's answer was there but not right (as opposed to no answer). */
static bool malformed(int err)
{
	return err == -EBADMSG || err == -EMSGSIZE || err == -EREMOTEIO;
}

/* Did l2secd answer "unknown request" (one older than this tool)? */
static bool older_daemon(int err)
{
	return err == -EREMOTEIO && !strcmp(ctlc_detail(), CTL_E_UNKNOWN);
}

/* Did l2secd refuse a listing's filters it does not know (one older than this tool)? */
static bool older_filters(int err)
{
	return older_daemon(err) ||
	       (err == -EREMOTEIO &&
		!strncmp(ctlc_detail(), CTL_E_LIST_USAGE, strlen(CTL_E_LIST_USAGE)));
}

/* What F selects, as l2secd's listing filters (text of the addresses into A and P). */
static void query_of(const struct session_filter *f, struct ctlc_sessions_filter *q,
		     char a[INET6_ADDRSTRLEN], char p[INET6_ADDRSTRLEN])
{
	*q = (struct ctlc_sessions_filter){ .tid = f->tunnel_id, .user = f->sel.user };
	if (f->sel.addr.family && inet_ntop(f->sel.addr.family, f->sel.addr.a, a,
					    INET6_ADDRSTRLEN))
		q->addr = a;
	if (f->sel.peer.family && inet_ntop(f->sel.peer.family, f->sel.peer.a, p,
					    INET6_ADDRSTRLEN))
		q->peer = p;
}

/*
 * l2secd's records of the sessions Q selects into D (zeroed first), at least:
 * the caller applies its selectors. As lines, a record at a time, so that
 * neither side holds the whole listing as JSON (with 100,000 sessions some
 * 45 MB, more than ctlc takes as one reply), and with the filters l2secd
 * applies itself, so that it describes, and this tool parses, only the
 * sessions asked for (with their data counters when Q says so: each a read of
 * the data path for l2secd, under privsep a round trip to its parent). 0, or
 * the errors of ctlc_request_lines (D is freed then).
 */
static int daemon_list(struct cli *c, struct dsess_list *d, const struct ctlc_sessions_filter *q)
{
	static const char plain[] = CTL_REQ_SHOW_SESSIONS " " CTL_REQ_LINES;
	struct ctlc_sessions_filter older = *q;
	const char *dir = cli_runtime_dir(c);
	char req[CTLC_REQ_MAX];
	struct json_object *reply;
	int err;

	memset(d, 0, sizeof(*d));
	err = ctlc_request_lines(dir, ctlc_sessions_req(req, q), CTL_K_SESSIONS, dsess_list_add, d);
	/* l2secd older than this tool (not restarted since an upgrade): fewer filters */
	if (older_filters(err) && (q->addr || q->peer)) {
		dsess_list_free(d);
		older.addr = older.peer = NULL;
		err = ctlc_request_lines(dir, ctlc_sessions_req(req, &older), CTL_K_SESSIONS,
					 dsess_list_add, d);
	}
	if (older_daemon(err) && strcmp(req, plain)) {
		dsess_list_free(d);
		err = ctlc_request_lines(dir, plain, CTL_K_SESSIONS, dsess_list_add, d);
	}
	if (older_daemon(err)) {
		/* older still: the listing as one object */
		dsess_list_free(d);
		err = ctlc_request(dir, CTL_REQ_SHOW_SESSIONS, &reply);
		if (!err)
			err = dsess_parse(reply, d, &d->bad);
		else
			memset(d, 0, sizeof(*d));
	} else if (!err) {
		dsess_list_done(d);
		/* what the answered request left out: the user is sent when it fits */
		d->filtered = strstr(req, " " CTL_REQ_USER " ") || strstr(req, " " CTL_REQ_ADDRESS " ") ||
			      strstr(req, " " CTL_REQ_PEER " ");
	}
	if (err) {
		dsess_list_free(d);
		return err;
	}
	if (d->bad)
		c->status = CLI_FAIL;
	return 0;
}

/*
 * l2secd's records for the join into D, of the sessions Q selects; none,
 * quietly, when it cannot be asked (not running, not root): the kernel's view
 * is then shown as it is.
 */
static void daemon_sessions(struct cli *c, const struct ctlc_sessions_filter *q,
			    struct dsess_list *d)
{
	char why[256];
	int err;

	err = daemon_list(c, d, q);
	if (!err || ctlc_unreachable(err))
		return;
	if (err == -ENOMEM) {
		cli_err("warning: out of memory for l2secd's sessions");
	} else {
		ctlc_strerror(cli_runtime_dir(c), err, why, sizeof(why));
		cli_err("warning: %s; the kernel's view only", why);
	}
	if (malformed(err) || err == -ENOMEM)
		c->status = CLI_FAIL;
}

/* The selectors of F, made safe for a terminal. */
static const char *what(const struct session_filter *f, char *buf, size_t size)
{
	return ctlc_text(f->what, buf, size);
}

/*
 * l2secd's records into D when the selectors of F (`session CMD`) need
 * them, of the sessions Q selects: 0, or -1 after saying why they cannot be
 * had (D empty then).
 */
static int daemon_records(struct cli *c, const char *cmd, const struct session_filter *f,
			  const struct ctlc_sessions_filter *q, struct dsess_list *d)
{
	char why[256], sel[sizeof(f->what)];
	int err;

	err = daemon_list(c, d, q);
	if (err == -ENOMEM) {
		cli_err("out of memory for l2secd's sessions");
		return -1;
	}
	if (err) {
		ctlc_strerror(cli_runtime_dir(c), err, why, sizeof(why));
		cli_err("session %s %s: needs l2secd's records of the sessions: %s", cmd,
			what(f, sel, sizeof(sel)), why);
		return -1;
	}
	return 0;
}

/* Nothing matched the selectors of F: said on stderr, CLI_FAIL as "no such session". */
static int no_match(const struct session_filter *f)
{
	char sel[sizeof(f->what)];

	cli_err("no session matches %s", what(f, sel, sizeof(sel)));
	return CLI_FAIL;
}

struct has_tunnel {
	uint32_t tid;
	bool found;
};

static int has_tunnel_line(struct json_object *o, void *arg)
{
	struct has_tunnel *h = arg;
	uint64_t v;

	if (ctlc_get_u64(o, CTL_K_TUNNEL_ID, &v) == 1 && v == h->tid)
		h->found = true;
	json_object_put(o);
	return 0;
}

/* Does l2secd have tunnel TID?  1 yes, 0 no, -1 it cannot tell. */
static int daemon_has_tunnel(struct cli *c, uint32_t tid)
{
	struct has_tunnel h = { .tid = tid };
	struct json_object *reply, *arr;
	size_t i, n;
	int err;

	err = ctlc_request_lines(cli_runtime_dir(c), CTL_REQ_SHOW_TUNNELS " " CTL_REQ_LINES,
				 CTL_K_TUNNELS, has_tunnel_line, &h);
	if (!err)
		return h.found;
	if (err != -EREMOTEIO || strcmp(ctlc_detail(), CTL_E_UNKNOWN) ||
	    ctlc_request(cli_runtime_dir(c), CTL_REQ_SHOW_TUNNELS, &reply))
		return -1;
	/* an l2secd older than this tool: the listing as one object */
	if (!json_object_object_get_ex(reply, CTL_K_TUNNELS, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(reply);
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		has_tunnel_line(json_object_get(json_object_array_get_idx(arr, i)), &h);
	json_object_put(reply);
	return h.found;
}

int session_show_daemon(struct cli *c, const struct session_filter *f)
{
	const char *dir = cli_runtime_dir(c);
	struct dsess_list d;
	size_t i, shown = 0, shown_ids = 0;
	char why[256];
	int err, ret;

	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	struct ctlc_sessions_filter q;

	query_of(f, &q, a, p);
	q.counters = true;
	/* with an id, "no such session" and "no session matches" need its other records */
	if (f->id)
		q.user = q.addr = q.peer = NULL;
	err = daemon_list(c, &d, &q);
	if (err == -ENOMEM) {
		cli_err("out of memory for l2secd's sessions");
		return CLI_FAIL;
	}
	if (err) {
		ctlc_strerror(dir, err, why, sizeof(why));
		if (err == -ENOENT || err == -ECONNREFUSED || err == -ENOTDIR)
			cli_err("l2sec.ko is not loaded and %s", why);
		else
			cli_err("l2sec.ko is not loaded; asking l2secd: %s", why);
		return CLI_FAIL;
	}
	for (i = 0; i < d.n; i++) {
		bool ids = (!f->tunnel_id || d.v[i].tunnel_id == f->tunnel_id) &&
			   (!f->id || d.v[i].session_id == f->id);

		shown_ids += ids;
		shown += ids && dsess_sel_match(&f->sel, NULL, &d.v[i]);
	}
	/* the errors of the kernel's view, as far as the daemon can tell */
	if (f->tunnel_id && !shown_ids && daemon_has_tunnel(c, f->tunnel_id) == 0) {
		cli_err("no such tunnel %u", f->tunnel_id);
		ret = CLI_FAIL;
		goto out;
	}
	if (f->id && !shown_ids) {
		cli_err("no such session %u in tunnel %u", f->id, f->tunnel_id);
		ret = CLI_FAIL;
		goto out;
	}
	cli_print_begin(c, false);
	for (i = 0; i < d.n; i++) {
		if ((f->tunnel_id && d.v[i].tunnel_id != f->tunnel_id) ||
		    (f->id && d.v[i].session_id != f->id) ||
		    !dsess_sel_match(&f->sel, NULL, &d.v[i]))
			continue;
		dsess_print(&d.v[i], c->stats);
	}
	ret = cli_print_end(c);
	if (!shown && !dsess_sel_empty(&f->sel))
		ret = no_match(f);
out:
	dsess_list_free(&d);
	return ret;
}

/*
 * Does l2secd carry the data itself (the TUN fallback)?  Then its sessions
 * are the whole truth, and asking the kernel would only autoload a module
 * nobody uses.  False when l2secd cannot be asked.
 */
static bool daemon_on_tun(struct cli *c)
{
	struct json_object *reply, *dp;
	bool tun;

	if (ctlc_request(cli_runtime_dir(c), CTL_REQ_SHOW_STATS, &reply))
		return false;
	tun = json_object_object_get_ex(reply, CTL_K_DATAPATH, &dp) &&
	      json_object_is_type(dp, json_type_string) &&
	      !strcmp(json_object_get_string(dp), "tun");
	json_object_put(reply);
	return tun;
}

/*
 * Would the join of the kernel's sessions L with l2secd's records D, taken
 * with filters, differ from the join with every record, for a session F
 * shows?  When a record carries its ids but no address tells whether it is
 * its (dsess_join_unsure), or when the kernel has the address F selects for a
 * session no record joined (its record, a moment apart, says another).
 */
static bool join_unsure(const struct session_filter *f, const struct cli_list *l,
			const struct dsess_list *d, const struct dsess *const *match)
{
	for (size_t i = 0; d->filtered && i < l->n; i++) {
		if (match[i] || (f->tunnel_id && l->v[i].u[L2SEC_A_TUNNEL_ID] != f->tunnel_id))
			continue;
		if (dsess_join_unsure(&l->v[i], d) || dsess_sel_kernel_addr(&f->sel, &l->v[i]))
			return true;
	}
	return false;
}

/*
 * l2secd's records for the kernel's sessions L into D, and the join into
 * MATCH (L's n): those the selectors of F choose, or every one of F's tunnel
 * when the join with those could differ (join_unsure, rare: then as costly as
 * a listing of them all). 0, or CLI_FAIL after saying why.
 */
static int join_records(struct cli *c, const struct session_filter *f, const struct cli_list *l,
			struct dsess_list *d, const struct dsess **match)
{
	bool needs = dsess_sel_needs_daemon(&f->sel);
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	struct ctlc_sessions_filter q;

	query_of(f, &q, a, p);	/* the kernel's records have the data counters */
	/* a selector only l2secd's records answer fails without them, sessions or not */
	if (needs && daemon_records(c, "show", f, &q, d))
		return CLI_FAIL;
	if (!l->n)
		return CLI_OK;
	if (!needs)
		daemon_sessions(c, &q, d);
	dsess_join(l->v, l->n, d, match);
	if (!join_unsure(f, l, d, match))
		return CLI_OK;
	dsess_list_free(d);
	q = (struct ctlc_sessions_filter){ .tid = f->tunnel_id };
	if (needs && daemon_records(c, "show", f, &q, d))
		return CLI_FAIL;
	if (!needs)
		daemon_sessions(c, &q, d);
	dsess_join(l->v, l->n, d, match);
	return CLI_OK;
}

static int show(struct cli *c, const struct session_filter *f)
{
	bool sel = !dsess_sel_empty(&f->sel);
	const struct dsess **match = NULL;
	struct dsess_list d;
	struct cli_list l;
	size_t i, shown = 0;
	int ret;

	if (daemon_on_tun(c))
		return session_show_daemon(c, f);
	ret = cli_try_connect(c);
	if (ret == -ENOENT)
		return session_show_daemon(c, f);
	if (ret)
		return CLI_FAIL;
	memset(&d, 0, sizeof(d));
	cli_list_init(&l, c, "session", OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID));
	ret = fetch(c, f, &l);
	if (ret)
		goto out;
	cli_list_sort(&l, cmp_session);
	match = calloc(l.n ? l.n : 1, sizeof(*match));
	if (!match) {
		cli_err("out of memory");
		ret = CLI_FAIL;
		goto out;
	}
	ret = join_records(c, f, &l, &d, match);
	if (ret)
		goto out;
	cli_print_begin(c, false);
	for (i = 0; i < l.n; i++) {
		if (f->tunnel_id && l.v[i].u[L2SEC_A_TUNNEL_ID] != f->tunnel_id)
			continue;
		if (sel && !dsess_sel_match(&f->sel, &l.v[i], match[i]))
			continue;
		session_print_joined(&l.v[i], match[i], c->stats);
		shown++;
	}
	ret = cli_print_end(c);
	if (sel && !shown)
		ret = no_match(f);
out:
	free(match);
	dsess_list_free(&d);
	return ret;
}

static int cmd_show(struct cli *c, int argc, char **argv)
{
	struct session_filter f;
	int err = session_parse_show(argc, argv, &f);

	if (err) {
		usage(stderr);
		return err;
	}
	return show(c, &f);
}

/*
 * `session del SELECTOR...`: every session of l2secd's the selectors match,
 * each by the request `del session TID SID [handle H]` (CDN, accounting
 * Stop), at most SESSION_DEL_MAX of them unless "all"; prints how many.
 */
static int del_selected(struct cli *c, const struct session_filter *f)
{
	char req[64], sel[sizeof(f->what)];
	size_t i, n = 0, done = 0;
	struct dsess_list d;
	int ret;

	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	struct ctlc_sessions_filter q;

	query_of(f, &q, a, p);
	if (daemon_records(c, "del", f, &q, &d))
		return CLI_FAIL;
	for (i = 0; i < d.n; i++)
		n += (!f->tunnel_id || d.v[i].tunnel_id == f->tunnel_id) &&
		     dsess_sel_match(&f->sel, NULL, &d.v[i]);
	if (!n) {
		ret = no_match(f);
		goto out;
	}
	if (n > SESSION_DEL_MAX && !f->all) {
		cli_err("session del: %s matches %zu sessions, more than %u: nothing deleted; "
			"add \"all\" to delete them all", what(f, sel, sizeof(sel)), n,
			SESSION_DEL_MAX);
		ret = CLI_FAIL;
		goto out;
	}
	for (i = 0; i < d.n; i++) {
		const struct dsess *s = &d.v[i];
		uint32_t handle = s->has & (1u << DSESS_HANDLE) ? (uint32_t)s->u[DSESS_HANDLE] : 0;

		if ((f->tunnel_id && s->tunnel_id != f->tunnel_id) ||
		    !dsess_sel_match(&f->sel, NULL, s))
			continue;
		cli_del_request(req, sizeof(req), CTL_REQ_DEL_SESSION, s->tunnel_id,
				s->session_id, handle);
		done += cli_daemon_del(c, "session del", req, s->tunnel_id, s->session_id) ==
			CLI_OK;
	}
	cli_print_begin(c, true);
	print_open_object(NULL);
	print_uint(PRINT_ANY, "deleted", "deleted %u", (unsigned int)done);
	print_uint(PRINT_JSON, "matched", NULL, (unsigned int)n);
	if (done != n)
		print_text(" of %zu", n);
	print_text(n == 1 ? " session" : " sessions");
	print_nl();
	print_close_object();
	ret = cli_print_end(c);
	if (done != n)
		ret = CLI_FAIL;
out:
	dsess_list_free(&d);
	return ret;
}

static int cmd_del(struct cli *c, int argc, char **argv)
{
	struct session_filter f;
	char req[64];
	int err = session_parse_del(argc, argv, &f);

	if (err) {
		usage(stderr);
		return err;
	}
	if (!dsess_sel_empty(&f.sel))
		return del_selected(c, &f);
	cli_del_request(req, sizeof(req), CTL_REQ_DEL_SESSION, f.tunnel_id, f.id, f.handle);
	return cli_daemon_del(c, "session del", req, f.tunnel_id, f.id);
}

/* Order matters for abbreviations: the first match wins. */
static const struct cli_cmd cmds[] = {
	{ "show", cmd_show },
	{ "list", cmd_show },
	{ "delete", cmd_del },
};

int session_main(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, argc, argv, "session", cmds, ARRAY_SIZE(cmds), usage);
}
