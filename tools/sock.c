// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec sock`: the UDP sockets handed to the module (SOCK_GET).
 *
 *   sock 1 udp 192.0.2.1:1701 ipsec required tunnels 2
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "print.h"
#include "sock.h"

static void usage(FILE *f)
{
	fputs("Usage: l2sec [-j [-p]] [-n NETNS] sock show [id ID]\n", f);
}

int sock_parse_show(int argc, char **argv, struct sock_filter *f)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	for (; argc > 0; argc--, argv++) {
		if (cli_matches(argv[0], "id")) {
			v = cli_next_arg(&argc, &argv);
			if (!v || cli_parse_id("sock id", v, 1, UINT32_MAX, &f->id))
				return CLI_USAGE;
		} else {
			cli_err("unknown argument \"%s\" of sock show", argv[0]);
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

void sock_print_fields(const struct obj *o)
{
	char buf[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];
	struct obj_addr local = o->local;
	unsigned int family = (unsigned int)o->u[L2SEC_A_FAMILY];

	if (obj_has(o, L2SEC_A_SOCK_ID))
		print_uint(PRINT_ANY, "sock_id", "sock %u", (unsigned int)o->u[L2SEC_A_SOCK_ID]);
	if (obj_has(o, L2SEC_A_FAMILY))
		print_string(PRINT_JSON, "family", NULL, family == AF_INET6 ? "inet6" :
			     family == AF_INET ? "inet" : "unknown");
	if (!local.family && (family == AF_INET || family == AF_INET6))
		local.family = (uint8_t)family;	/* bound to the wildcard address */
	if (local.family && obj_has(o, L2SEC_A_LOCAL_PORT)) {
		obj_addr_port_str(&local, (unsigned int)o->u[L2SEC_A_LOCAL_PORT], buf, sizeof(buf));
		print_string(PRINT_FP, NULL, " udp %s", buf);
		obj_addr_str(&local, addr, sizeof(addr));
		print_string(PRINT_JSON, "local_addr", NULL, addr);
		print_uint(PRINT_JSON, "local_port", NULL, (unsigned int)o->u[L2SEC_A_LOCAL_PORT]);
	}
	if (obj_has(o, L2SEC_A_REQUIRE_IPSEC)) {
		print_bool(PRINT_JSON, "require_ipsec", NULL, o->u[L2SEC_A_REQUIRE_IPSEC]);
		print_string(PRINT_FP, NULL, " ipsec %s",
			     o->u[L2SEC_A_REQUIRE_IPSEC] ? "required" : "not-required");
	}
	if (obj_has(o, L2SEC_A_TUNNEL_COUNT))
		print_uint(PRINT_ANY, "tunnel_count", " tunnels %u",
			   (unsigned int)o->u[L2SEC_A_TUNNEL_COUNT]);
}

void sock_print(const struct obj *o)
{
	print_open_object(NULL);
	sock_print_fields(o);
	print_nl();
	print_close_object();
}

static int cmp_sock(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;

	return (x->u[L2SEC_A_SOCK_ID] > y->u[L2SEC_A_SOCK_ID]) -
	       (x->u[L2SEC_A_SOCK_ID] < y->u[L2SEC_A_SOCK_ID]);
}

static int show(struct cli *c, const struct sock_filter *f)
{
	struct nlmsghdr *nlh;
	struct cli_list l;
	size_t i;
	int err, ret = CLI_FAIL;

	if (cli_connect(c))
		return CLI_FAIL;
	cli_list_init(&l, c, "sock", OBJ_BIT(L2SEC_A_SOCK_ID));
	if (f->id) {
		nlh = gnl_msg(&c->gnl, L2SEC_CMD_SOCK_GET, L2SEC_GENL_VERSION, 0);
		mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, f->id);
		err = gnl_request(&c->gnl, nlh, cli_list_add, &l);
	} else {
		nlh = gnl_msg(&c->gnl, L2SEC_CMD_SOCK_GET, L2SEC_GENL_VERSION, NLM_F_DUMP);
		err = cli_dump(c, nlh, &l);
	}
	if (err == -ENOENT && f->id) {
		cli_err("no such sock %u", f->id);
		goto out;
	}
	if (err) {
		cli_nl_error(c, err, "sock show");
		goto out;
	}
	cli_list_sort(&l, cmp_sock);
	cli_print_begin(c, false);
	for (i = 0; i < l.n; i++)
		sock_print(&l.v[i]);
	ret = cli_print_end(c);
out:
	cli_list_free(&l);
	return ret;
}

static int cmd_show(struct cli *c, int argc, char **argv)
{
	struct sock_filter f;
	int err = sock_parse_show(argc, argv, &f);

	if (err) {
		usage(stderr);
		return err;
	}
	return show(c, &f);
}

static const struct cli_cmd cmds[] = {
	{ "show", cmd_show },
	{ "list", cmd_show },
};

int sock_main(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, argc, argv, "sock", cmds, ARRAY_SIZE(cmds), usage);
}
