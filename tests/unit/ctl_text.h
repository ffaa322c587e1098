/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd's whole answer to a control request as its socket writes it
 * (daemon/ctl.h: ctl_out, a chunk at a time), for the unit tests that read
 * what the daemon answers: the listings are written by ctl_out alone.
 */
#ifndef L2SEC_TEST_CTL_TEXT_H
#define L2SEC_TEST_CTL_TEXT_H

#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* What a chunk may hold past CTL_CHUNK: one element (a session with its routes). */
#define CTL_TEXT_ELEM_MAX 4096u

/* The answer to REQ, each chunk's size checked: a string to free. */
static inline char *ctl_text(const struct ctl_src *src, const char *req)
{
	struct ctl_out o = { 0 };
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(ctl_out_start(src, req, &o), 0);
	for (;;) {
		assert_true(o.len <= CTL_CHUNK + CTL_TEXT_ELEM_MAX);
		text = realloc(text, len + o.len + 1);
		assert_non_null(text);
		if (o.len)	/* as lines, nothing before the first chunk */
			memcpy(text + len, o.buf, o.len);
		len += o.len;
		text[len] = '\0';
		o.off = o.len;
		if (o.done)
			break;
		assert_int_equal(ctl_out_next(src, &o), 0);
	}
	ctl_out_free(&o);
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

#endif
