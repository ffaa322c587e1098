/* SPDX-License-Identifier: GPL-2.0 */
/* `l2sec daemon show`: what l2secd knows: data path, pools, PPP counters. */
#ifndef L2SEC_DAEMON_CMD_H
#define L2SEC_DAEMON_CMD_H

#include <json-c/json.h>

#include "cli.h"

/*
 * Prints one record from l2secd's answers to "version" (VER) and to "show
 * stats" (ST), with the counters if STATS.  Members missing are left out;
 * members of the wrong type or form are left out with a line saying so.
 * Returns the number of those (the caller's exit status is 1 then).
 */
unsigned int daemon_print(struct json_object *ver, struct json_object *st, int stats);

int daemon_main(struct cli *c, int argc, char **argv);

#endif
