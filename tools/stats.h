/* SPDX-License-Identifier: GPL-2.0 */
/* `l2sec stats`: namespace totals and drops by reason (STATS_GET). */
#ifndef L2SEC_STATS_H
#define L2SEC_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "obj.h"

/*
 * Prints a counters nest as member "stats" (JSON) and as lines starting with
 * INDENT (text).  TABLE: every drop reason on a line of its own, zeros too;
 * else one "drops" line with the non-zero reasons.
 */
void stats_print_counters(const struct obj_stats *s, const char *indent, bool table);
/*
 * Calls FN for each drop counter S has: by reason name, "reason_N" for a
 * reason newer than this tool, "other" for the numbers beyond OBJ_MAX_DROPS.
 */
void stats_each_drop(const struct obj_stats *s,
		     void (*fn)(const char *name, uint64_t v, void *ctx), void *ctx);
/* Prints the STATS_GET reply O. */
void stats_print_ns(const struct obj *o);
int stats_main(struct cli *c, int argc, char **argv);

#endif
