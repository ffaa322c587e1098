/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `l2sec session show [tunnel ID [id ID]]`, `l2sec session del tunnel ID id
 * ID`, and the printing of a session.
 */
#ifndef L2SEC_SESSION_H
#define L2SEC_SESSION_H

#include <stdint.h>

#include "cli.h"
#include "dsess.h"
#include "obj.h"

struct session_filter {
	uint32_t tunnel_id;	/* 0: sessions of every tunnel */
	uint32_t id;		/* 0: every session (needs tunnel_id when set) */
	uint32_t handle;	/* del: the tunnel's handle (0: its id names it) */
};

/* Parses the arguments after "show"; CLI_OK or CLI_USAGE (after saying why). */
int session_parse_show(int argc, char **argv, struct session_filter *f);
/* The arguments after "del": both ids are needed; CLI_OK or CLI_USAGE. */
int session_parse_del(int argc, char **argv, struct session_filter *f);

/* As tunnel_print_fields(), for a session record. */
void session_print_fields(const struct obj *o, int stats);
void session_print(const struct obj *o, int stats);
/* One kernel session O with l2secd's facts D about it (NULL: none). */
void session_print_joined(const struct obj *o, const struct dsess *d, int stats);

/*
 * `session show` when the module is not loaded: l2secd's sessions, which it
 * carries over tun; "l2sec.ko is not loaded and l2secd is not running" if
 * it cannot be asked either.
 */
int session_show_daemon(struct cli *c, const struct session_filter *f);

int session_main(struct cli *c, int argc, char **argv);

#endif
