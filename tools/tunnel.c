// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec tunnel`: show the module's L2TP tunnels (TUNNEL_GET, dump or one),
 * and delete one through l2secd (which sends the StopCCN and undoes the
 * tunnel's sessions, PPP, routes and module state):
 *
 *   l2sec tunnel show [id ID] [handle N] [sock ID]
 *   l2sec tunnel del id ID [handle N]
 *
 *   tunnel 4711 handle 9 peer 203.0.113.7:1701 peer-id 12 sock 1 ipsec required
 *     out-mark 0x2 bound mark 0x2 spi 0xc1d2e3f4 reqid 7 encap 4500:4500
 *     sessions 3
 * (one line), counters on the following lines with -s.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "ctl_proto.h"
#include "print.h"
#include "stats.h"
#include "tunnel.h"

static void usage(FILE *f)
{
	fputs("Usage: l2sec [-j [-p]] [-s] [-n NETNS] tunnel show [id ID] [handle N] [sock ID]\n"
	      "       l2sec [-r DIR] tunnel del id ID [handle N]\n"
	      "ID: a local tunnel id, 1-65535, unique per peer or SA only;\n"
	      "handle N: the module's name of one tunnel (del: needed when peers share the id);\n"
	      "sock ID: tunnels of one socket\n"
	      "del: l2secd ends the tunnel and its sessions (StopCCN)\n"
	      "-r DIR: l2secd's runtime directory (" CLI_RUNTIME_DIR ")\n", f);
}

int tunnel_parse_show(int argc, char **argv, struct tunnel_filter *f)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	for (; argc > 0; argc--, argv++) {
		if (cli_matches(argv[0], "id")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel id", v, 1, UINT16_MAX, &f->id))
				return CLI_USAGE;
		} else if (cli_matches(argv[0], "handle")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel handle", v, 1, INT32_MAX, &f->handle))
				return CLI_USAGE;
		} else if (cli_matches(argv[0], "sock")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("sock id", v, 1, UINT32_MAX, &f->sock_id))
				return CLI_USAGE;
		} else {
			cli_err("unknown argument \"%s\" of tunnel show", argv[0]);
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

int tunnel_parse_del(int argc, char **argv, uint32_t *id, uint32_t *handle)
{
	const char *v;

	*id = *handle = 0;
	for (; argc > 0; argc--, argv++) {
		if (cli_matches(argv[0], "id")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel id", v, 1, UINT16_MAX, id))
				return CLI_USAGE;
		} else if (cli_matches(argv[0], "handle")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("tunnel handle", v, 1, INT32_MAX, handle))
				return CLI_USAGE;
		} else {
			cli_err("unknown argument \"%s\" of tunnel del", argv[0]);
			return CLI_USAGE;
		}
	}
	if (!*id) {
		cli_err("tunnel del needs \"id ID\"");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static void print_addr(const char *key, const char *text, const struct obj_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	obj_addr_str(a, buf, sizeof(buf));
	print_string(PRINT_ANY, key, text, buf);
}

static void print_sa(const struct obj *o)
{
	const struct obj_sa *sa = &o->sa;

	print_open_object("sa");
	if (sa->has & (1u << L2SEC_SA_A_SPI))
		print_hex(PRINT_ANY, "spi", " spi 0x%08x", sa->spi);
	if (sa->has & (1u << L2SEC_SA_A_REQID))
		print_uint(PRINT_ANY, "reqid", " reqid %u", sa->reqid);
	if (sa->has & (1u << L2SEC_SA_A_MARK)) {
		/* in text only when it is not the binding's mark shown before */
		bool same = obj_has(o, L2SEC_A_BIND_MARK) && o->u[L2SEC_A_BIND_MARK] == sa->mark;

		print_hex(same ? PRINT_JSON : PRINT_ANY, "mark", " sa-mark 0x%x", sa->mark);
	}
	if (sa->has & (1u << L2SEC_SA_A_ENCAP_SPORT))
		print_uint(PRINT_ANY, "encap_sport", " encap %u", sa->sport);
	if (sa->has & (1u << L2SEC_SA_A_ENCAP_DPORT))
		print_uint(PRINT_ANY, "encap_dport", ":%u", sa->dport);
	if (sa->peer.family) {
		/* in text only when it tells something new */
		if (sa->peer.family == o->peer.family && !memcmp(sa->peer.a, o->peer.a, 16))
			print_addr("peer_addr", NULL, &sa->peer);
		else
			print_addr("peer_addr", " sa-peer %s", &sa->peer);
	}
	print_close_object();
}

static void u(const struct obj *o, unsigned int type, const char *key, const char *fmt)
{
	if (obj_has(o, type))
		print_uint(PRINT_ANY, key, fmt, (unsigned int)o->u[type]);
}

void tunnel_print_fields(const struct obj *o, int stats)
{
	char buf[INET6_ADDRSTRLEN + 8];

	u(o, L2SEC_A_TUNNEL_ID, "tunnel_id", "tunnel %u");
	u(o, L2SEC_A_TUNNEL_HANDLE, "handle", " handle %u");
	if (o->peer.family) {
		obj_addr_port_str(&o->peer, (unsigned int)o->u[L2SEC_A_PEER_PORT], buf, sizeof(buf));
		print_string(PRINT_FP, NULL, " peer %s", buf);
		print_addr("peer_addr", NULL, &o->peer);
		if (obj_has(o, L2SEC_A_PEER_PORT))
			print_uint(PRINT_JSON, "peer_port", NULL, (unsigned int)o->u[L2SEC_A_PEER_PORT]);
	}
	u(o, L2SEC_A_PEER_TUNNEL_ID, "peer_tunnel_id", " peer-id %u");
	u(o, L2SEC_A_SOCK_ID, "sock_id", " sock %u");
	if (o->local.family)
		print_addr("local_addr", " local %s", &o->local);
	if (obj_has(o, L2SEC_A_REQUIRE_IPSEC)) {
		print_bool(PRINT_JSON, "require_ipsec", NULL, o->u[L2SEC_A_REQUIRE_IPSEC]);
		print_string(PRINT_FP, NULL, " ipsec %s",
			     o->u[L2SEC_A_REQUIRE_IPSEC] ? "required" : "not-required");
	}
	if (obj_has(o, L2SEC_A_OUT_MARK)) {
		/* 0 is "no mark": said in JSON, left out of the text */
		print_hex(o->u[L2SEC_A_OUT_MARK] ? PRINT_ANY : PRINT_JSON, "out_mark",
			  " out-mark 0x%x", (unsigned int)o->u[L2SEC_A_OUT_MARK]);
	}
	if (obj_has(o, L2SEC_A_BOUND)) {
		print_bool(PRINT_JSON, "bound", NULL, o->u[L2SEC_A_BOUND]);
		print_string(PRINT_FP, NULL, " %s", o->u[L2SEC_A_BOUND] ? "bound" : "unbound");
	}
	u(o, L2SEC_A_BIND_MARK, "bind_mark", " mark 0x%x");
	u(o, L2SEC_A_BIND_REQID, "bind_reqid", " reqid %u");
	if (o->bind_peer.family)
		print_addr("bind_peer", " from %s", &o->bind_peer);
	if (obj_has(o, L2SEC_A_SA))
		print_sa(o);
	u(o, L2SEC_A_SESSION_COUNT, "session_count", " sessions %u");
	if (stats && obj_has(o, L2SEC_A_STATS))
		stats_print_counters(&o->stats, "    ", false);
}

void tunnel_print(const struct obj *o, int stats)
{
	print_open_object(NULL);
	tunnel_print_fields(o, stats);
	print_nl();
	print_close_object();
}

static int cmp_tunnel(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;
	/* ids repeat across peers and SAs: then by handle */
	uint64_t kx = x->u[L2SEC_A_TUNNEL_ID] << 32 | x->u[L2SEC_A_TUNNEL_HANDLE];
	uint64_t ky = y->u[L2SEC_A_TUNNEL_ID] << 32 | y->u[L2SEC_A_TUNNEL_HANDLE];

	return (kx > ky) - (kx < ky);
}

/* How many tunnels of @l have local id @id. */
static size_t tunnel_count_id(const struct cli_list *l, uint32_t id)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->v[i].u[L2SEC_A_TUNNEL_ID] == id;
	return n;
}

/* The tunnels @f names into @l: one by handle (and id), by id, or a dump. */
static int fetch(struct cli *c, const struct tunnel_filter *f, struct cli_list *l)
{
	struct nlmsghdr *nlh;
	int err;

	if (f->id || f->handle) {
		nlh = gnl_msg(&c->gnl, L2SEC_CMD_TUNNEL_GET, L2SEC_GENL_VERSION, 0);
		if (f->handle)
			mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_HANDLE, f->handle);
		if (f->id)
			mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, (uint16_t)f->id);
		err = gnl_request(&c->gnl, nlh, cli_list_add, l);
		/* an id alone that two peers or SAs hold is refused: dump, filter */
		if (err != -EINVAL || f->handle)
			return err;
	}
	nlh = gnl_msg(&c->gnl, L2SEC_CMD_TUNNEL_GET, L2SEC_GENL_VERSION, NLM_F_DUMP);
	if (f->sock_id)
		mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, f->sock_id);
	err = cli_dump(c, nlh, l);
	if (!err && f->id && !tunnel_count_id(l, f->id))
		err = -ENOENT;
	return err;
}

static int show(struct cli *c, const struct tunnel_filter *f)
{
	struct cli_list l;
	size_t i;
	int err, ret;

	if (cli_connect(c))
		return CLI_FAIL;
	cli_list_init(&l, c, "tunnel", OBJ_BIT(L2SEC_A_TUNNEL_ID));
	err = fetch(c, f, &l);
	if (err == -ENOENT && f->handle) {
		cli_err("no such tunnel handle %u", f->handle);
		ret = CLI_FAIL;
		goto out;
	}
	if (err == -ENOENT && f->id) {
		cli_err("no such tunnel %u", f->id);
		ret = CLI_FAIL;
		goto out;
	}
	if (err) {
		cli_nl_error(c, err, "tunnel show");
		ret = CLI_FAIL;
		goto out;
	}
	cli_list_sort(&l, cmp_tunnel);
	cli_print_begin(c, false);
	for (i = 0; i < l.n; i++) {
		/* a GET by handle answers that one; a filter the kernel ignored still holds */
		if (f->sock_id && l.v[i].u[L2SEC_A_SOCK_ID] != f->sock_id)
			continue;
		if (f->id && l.v[i].u[L2SEC_A_TUNNEL_ID] != f->id)
			continue;
		tunnel_print(&l.v[i], c->stats);
	}
	ret = cli_print_end(c);
out:
	cli_list_free(&l);
	return ret;
}

static int cmd_show(struct cli *c, int argc, char **argv)
{
	struct tunnel_filter f;
	int err = tunnel_parse_show(argc, argv, &f);

	if (err) {
		usage(stderr);
		return err;
	}
	return show(c, &f);
}

static int cmd_del(struct cli *c, int argc, char **argv)
{
	char req[64];
	uint32_t id, handle;
	int err = tunnel_parse_del(argc, argv, &id, &handle);

	if (err) {
		usage(stderr);
		return err;
	}
	cli_del_request(req, sizeof(req), CTL_REQ_DEL_TUNNEL, id, 0, handle);
	return cli_daemon_del(c, "tunnel del", req, id, 0);
}

/* Order matters for abbreviations: the first match wins. */
static const struct cli_cmd cmds[] = {
	{ "show", cmd_show },
	{ "list", cmd_show },
	{ "delete", cmd_del },
};

int tunnel_main(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, argc, argv, "tunnel", cmds, ARRAY_SIZE(cmds), usage);
}
