/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `l2sec tunnel show [id ID] [handle N] [sock ID]`, `l2sec tunnel del id ID`, and the
 * printing of a tunnel.
 */
#ifndef L2SEC_TUNNEL_H
#define L2SEC_TUNNEL_H

#include <stdint.h>

#include "cli.h"
#include "obj.h"

struct tunnel_filter {
	uint32_t id;		/* 0: every tunnel (or the one of handle) */
	uint32_t handle;	/* 0: every tunnel (or the one of id) */
	uint32_t sock_id;	/* 0: every socket */
};

/* Parses the arguments after "show"; CLI_OK or CLI_USAGE (after saying why). */
int tunnel_parse_show(int argc, char **argv, struct tunnel_filter *f);
/* The arguments after "del": "id ID" into *ID; CLI_OK or CLI_USAGE. */
int tunnel_parse_del(int argc, char **argv, uint32_t *id, uint32_t *handle);

/*
 * The fields of a tunnel record that are present (a deletion notification
 * has only ids), text on one line and JSON members of the open object; with
 * STATS its counters follow.
 */
void tunnel_print_fields(const struct obj *o, int stats);
/* One tunnel: a JSON object, or a line of text (more with STATS). */
void tunnel_print(const struct obj *o, int stats);

int tunnel_main(struct cli *c, int argc, char **argv);

#endif
