/* SPDX-License-Identifier: GPL-2.0 */
/* `l2sec monitor [all|sock|tunnel|session]`: notifications as they come. */
#ifndef L2SEC_MONITOR_H
#define L2SEC_MONITOR_H

#include "cli.h"
#include "obj.h"

enum {
	MONITOR_SOCK = 1,
	MONITOR_TUNNEL = 2,
	MONITOR_SESSION = 4,
	MONITOR_ALL = 7,
};

/* Parses the arguments after "monitor" into a MONITOR_* mask. */
int monitor_parse(int argc, char **argv, unsigned int *mask);

/*
 * Prints the notification O (a text line, or a JSON object with "event" and
 * "object" besides the object's own keys) if its object is in MASK.
 * 0 printed or filtered out, -1 not a notification this tool knows.
 */
int monitor_print_event(const struct obj *o, unsigned int mask);

int monitor_main(struct cli *c, int argc, char **argv);

#endif
