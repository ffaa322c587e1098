// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec monitor`: prints the module's notifications (multicast group
 * "events") as they arrive, one line each, text or JSON:
 *
 *   new tunnel 4711 peer 203.0.113.7:1701 peer-id 12 sock 1 ... sessions 0
 *   bound tunnel 4711 sock 1 mark 0x2 spi 0xc1d2e3f4 reqid 7
 *   del session 7 tunnel 4711
 *   {"event":"del","object":"session","session_id":7,"tunnel_id":4711}
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "print.h"
#include "sock.h"
#include "session.h"
#include "tunnel.h"

static const struct {
	uint8_t cmd;
	unsigned int object;
	const char *event;
	uint64_t required;
} events[] = {
	{ L2SEC_CMD_SOCK_NTF_DEL, MONITOR_SOCK, "del", OBJ_BIT(L2SEC_A_SOCK_ID) },
	{ L2SEC_CMD_TUNNEL_NTF_NEW, MONITOR_TUNNEL, "new", OBJ_BIT(L2SEC_A_TUNNEL_ID) },
	{ L2SEC_CMD_TUNNEL_NTF_SET, MONITOR_TUNNEL, "set", OBJ_BIT(L2SEC_A_TUNNEL_ID) },
	{ L2SEC_CMD_TUNNEL_NTF_DEL, MONITOR_TUNNEL, "del", OBJ_BIT(L2SEC_A_TUNNEL_ID) },
	{ L2SEC_CMD_TUNNEL_NTF_BOUND, MONITOR_TUNNEL, "bound", OBJ_BIT(L2SEC_A_TUNNEL_ID) },
	{ L2SEC_CMD_SESSION_NTF_NEW, MONITOR_SESSION, "new",
	  OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID) },
	{ L2SEC_CMD_SESSION_NTF_SET, MONITOR_SESSION, "set",
	  OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID) },
	{ L2SEC_CMD_SESSION_NTF_DEL, MONITOR_SESSION, "del",
	  OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID) },
};

static void usage(void)
{
	fputs("Usage: l2sec [-j [-p]] [-n NETNS] monitor [all | sock | tunnel | session]...\n",
	      stderr);
}

int monitor_parse(int argc, char **argv, unsigned int *mask)
{
	*mask = 0;
	for (; argc > 0; argc--, argv++) {
		if (cli_matches(argv[0], "all")) {
			*mask |= MONITOR_ALL;
		} else if (cli_matches(argv[0], "tunnel")) {
			*mask |= MONITOR_TUNNEL;
		} else if (cli_matches(argv[0], "session")) {
			*mask |= MONITOR_SESSION;
		} else if (cli_matches(argv[0], "sock")) {
			*mask |= MONITOR_SOCK;
		} else {
			cli_err("unknown argument \"%s\" of monitor", argv[0]);
			return CLI_USAGE;
		}
	}
	if (!*mask)
		*mask = MONITOR_ALL;
	return CLI_OK;
}

static const char *object_name(unsigned int object)
{
	return object == MONITOR_SOCK ? "sock" : object == MONITOR_TUNNEL ? "tunnel" : "session";
}

int monitor_print_event(const struct obj *o, unsigned int mask)
{
	unsigned int i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].cmd == o->cmd)
			break;
	}
	if (i == sizeof(events) / sizeof(events[0]))
		return -1;
	if (!(events[i].object & mask))
		return 0;
	print_open_object(NULL);
	print_string(PRINT_ANY, "event", "%s ", events[i].event);
	print_string(PRINT_JSON, "object", NULL, object_name(events[i].object));
	switch (events[i].object) {
	case MONITOR_SOCK:
		sock_print_fields(o);
		break;
	case MONITOR_TUNNEL:
		tunnel_print_fields(o, 0);
		break;
	default:
		session_print_fields(o, 0);
	}
	print_nl();
	print_close_object();
	return 0;
}

struct monitor {
	struct cli *cli;
	unsigned int mask;
};

static uint64_t required(uint8_t cmd)
{
	unsigned int i;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].cmd == cmd)
			return events[i].required;
	}
	return 0;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	struct obj o;
	char why[128];

	/* a bad notification is reported and skipped; the monitor goes on */
	if (obj_parse(nlh, &o, why, sizeof(why)) ||
	    obj_require(&o, required(o.cmd), why, sizeof(why))) {
		cli_err("skipping a malformed notification from the kernel: %s", why);
		m->cli->status = CLI_FAIL;
		return 0;
	}
	monitor_print_event(&o, m->mask);	/* commands we do not know: ignored */
	fflush(stdout);
	return 0;
}

int monitor_main(struct cli *c, int argc, char **argv)
{
	struct monitor m = { .cli = c };
	int err;

	if (argc > 1 && cli_matches(argv[1], "help")) {
		usage();
		return CLI_OK;
	}
	if (monitor_parse(argc - 1, argv + 1, &m.mask)) {
		usage();
		return CLI_USAGE;
	}
	if (cli_connect(c))
		return CLI_FAIL;
	err = gnl_subscribe(&c->gnl, L2SEC_MCGRP_EVENTS);
	if (err == -ENOENT) {
		cli_err("the kernel's l2sec family has no \"%s\" group", L2SEC_MCGRP_EVENTS);
		return CLI_FAIL;
	}
	if (err) {
		cli_nl_error(c, err, "monitor");
		return CLI_FAIL;
	}
	cli_print_begin(c, true);
	for (;;) {
		err = gnl_recv_events(&c->gnl, event_cb, &m);
		if (err == -ENOBUFS) {
			cli_err("warning: events were lost (socket receive buffer overrun)");
			continue;
		}
		if (err == -EINTR)
			continue;
		if (err) {
			cli_nl_error(c, err, "monitor");
			break;
		}
	}
	cli_print_end(c);
	return CLI_FAIL;
}
