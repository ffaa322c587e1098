/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `l2sec session show [tunnel ID [id ID]] [user NAME] [address ADDR] [peer
 * ADDR]`, `l2sec session del tunnel ID id ID` or `session del SELECTOR...
 * [all]`, and the printing of a session.
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
	struct dsess_sel sel;	/* user, address, peer: every one set must match */
	char what[DSESS_USER_MAX + 256];	/* the selectors as given ("user alice") */
	bool all;		/* del: more than SESSION_DEL_MAX matches too */
};

/*
 * `session del` by selector deletes up to this many sessions; more are
 * refused unless "all" is given (a shared or mistyped name must not end a
 * gateway's every session at 3 a.m.).
 */
#define SESSION_DEL_MAX 16

/* Parses the arguments after "show"; CLI_OK or CLI_USAGE (after saying why). */
int session_parse_show(int argc, char **argv, struct session_filter *f);
/*
 * The arguments after "del": both ids ("tunnel ID id ID [handle N]"), or at
 * least one selector (user, address, peer) with maybe "tunnel ID" and "all";
 * CLI_OK or CLI_USAGE.
 */
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
