/* SPDX-License-Identifier: GPL-2.0 */
/* `l2sec stats`: namespace totals and drops by reason (STATS_GET). */
#ifndef L2SEC_STATS_H
#define L2SEC_STATS_H

#include <stdbool.h>

#include "cli.h"
#include "obj.h"

/*
 * Prints a counters nest as member "stats" (JSON) and as lines starting with
 * INDENT (text).  TABLE: every drop reason on a line of its own, zeros too;
 * else one "drops" line with the non-zero reasons.
 */
void stats_print_counters(const struct obj_stats *s, const char *indent, bool table);
/* Prints the STATS_GET reply O. */
void stats_print_ns(const struct obj *o);
int stats_main(struct cli *c, int argc, char **argv);

#endif
