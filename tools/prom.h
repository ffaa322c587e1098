/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `l2sec stats prometheus`: the kernel module's and l2secd's counters in the
 * Prometheus text exposition format (version 0.0.4), for node-exporter's
 * textfile collector (dist/l2sec-metrics.service) or any scraper.
 *
 * Names: l2sec_* for the module (namespace totals, drops by reason),
 * l2sec_daemon_* for l2secd's control socket ("show stats"); counters end in
 * _total, gauges do not; every family has HELP and TYPE lines. l2sec_up and
 * l2sec_daemon_up say whether each source answered, so a stopped daemon is a
 * value rather than a missing file.
 */
#ifndef L2SEC_PROM_H
#define L2SEC_PROM_H

#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "obj.h"

/*
 * A label value as the format wants it: backslash, double quote and line feed
 * escaped; bytes that are not printable ASCII become '?', so that what l2secd
 * sends (its version string) can never break the line or the encoding.
 * Truncated to fit SIZE (always terminated).
 */
void prom_label_escape(const char *in, char *out, size_t size);

/* The HELP and TYPE lines of family NAME; TYPE "counter" or "gauge". */
void prom_head(FILE *f, const char *name, const char *type, const char *help);

/*
 * The module's STATS_GET reply NS (NULL: the module did not answer), as
 * l2sec_up, l2sec_sockets/tunnels/sessions and the l2sec_*_total counters.
 */
void prom_kernel(FILE *f, const struct obj *ns);

/*
 * l2secd's "version" and "show stats" answers (both NULL: it did not answer),
 * as l2sec_daemon_*. Returns the number of malformed members skipped.
 */
unsigned int prom_daemon(FILE *f, struct json_object *ver, struct json_object *st);

#endif
