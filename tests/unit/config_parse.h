/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing configuration text in the unit tests: every error collected with
 * its line (struct errs), the count checked against what config_parse_file
 * returns. Shared by test_config.c and test_radius_config.c.
 */
#ifndef L2SEC_TEST_CONFIG_PARSE_H
#define L2SEC_TEST_CONFIG_PARSE_H

#include <stdio.h>
#include <string.h>

#include "conf/config.h"

struct errs {
	unsigned int line[32];
	char msg[32][512];
	int n;
};

static inline void collect(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	(void)file;
	if (e->n < 32) {
		e->line[e->n] = line;
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

static inline int parse(const char *text, struct l2sec_config *cfg, struct errs *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int n;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	n = config_parse_file(cfg, f, "test.conf", collect, e);
	fclose(f);
	assert_int_equal(n, e->n);
	return n;
}

#endif
