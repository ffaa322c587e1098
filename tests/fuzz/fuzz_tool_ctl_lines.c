// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's listings as lines (`show sessions lines`, daemon/ctl.h) as the
 * l2sec tool reads them: any bytes, through ctlc_parse_lines (the reader of
 * ctlc_request_lines without its socket) into a list of session records,
 * as `session show` takes them.
 *
 * Oracles besides the sanitizers: a listing is taken only with its end line,
 * whose count is the number of lines before it, and no more records than
 * that; the records have ids in range and are sorted once the list is done;
 * whatever is refused says why (ctlc_detail) or is a short read.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "ctlc.h"
#include "dsess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* the lines about malformed members; keep the fuzzer's output readable */
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	cli_err_to(null);
	return 0;
}

/* Counts the elements, then hands each to the list as session_show does. */
struct take {
	struct dsess_list l;
	size_t elements;
};

static int take(struct json_object *o, void *arg)
{
	struct take *t = arg;

	t->elements++;
	return dsess_list_add(o, &t->l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct take t;
	int err;

	memset(&t, 0, sizeof(t));
	err = ctlc_parse_lines((const char *)data, size, "sessions", take, &t);
	if (!err) {
		dsess_list_done(&t.l);
		if (t.l.n > t.elements)
			abort();
		for (size_t i = 0; i < t.l.n; i++) {
			const struct dsess *d = &t.l.v[i];

			if (!d->tunnel_id || d->tunnel_id > 65535 || !d->session_id ||
			    d->session_id > 65535)
				abort();
			if (i && ((uint32_t)t.l.v[i - 1].tunnel_id << 16 | t.l.v[i - 1].session_id) >
				 ((uint32_t)d->tunnel_id << 16 | d->session_id))
				abort();
		}
		/* the end line was there: so was a '\n' */
		if (!memchr(data, '\n', size))
			abort();
	} else if (err != -ENOMEM && err != -ECONNRESET && err != -EREMOTEIO &&
		   !ctlc_detail()[0]) {
		abort();	/* refused without a word */
	} else if (err == -ECONNRESET && size) {
		abort();	/* "closed without answering" for a listing that had bytes */
	}
	dsess_list_free(&t.l);
	return 0;
}
