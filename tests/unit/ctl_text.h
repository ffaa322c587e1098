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

/* What O holds appended to *TEXT (*LEN octets so far), as a client that read it all. */
static inline void ctl_text_take(struct ctl_out *o, char **text, size_t *len)
{
	*text = realloc(*text, *len + o->len + 1);
	assert_non_null(*text);
	if (o->len)	/* as lines, nothing before the first chunk, and no buffer */
		memcpy(*text + *len, o->buf, o->len);
	*len += o->len;
	(*text)[*len] = '\0';
	o->off = o->len;
}

/*
 * What O holds, then its chunks until done, appended to *TEXT; each chunk at
 * most CTL_CHUNK and ELEM_MAX octets. A chunk may be empty while the walk
 * goes on (its filters).
 */
static inline void ctl_text_drain(const struct ctl_src *src, struct ctl_out *o, char **text,
				  size_t *len, size_t elem_max)
{
	for (;;) {
		assert_true(o->len <= CTL_CHUNK + elem_max);
		ctl_text_take(o, text, len);
		if (o->done)
			break;
		assert_int_equal(ctl_out_next(src, o), 0);
	}
}

/* The answer to REQ, each chunk's size checked: a string to free. */
static inline char *ctl_text(const struct ctl_src *src, const char *req)
{
	struct ctl_out o = { 0 };
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(ctl_out_start(src, req, &o), 0);
	ctl_text_drain(src, &o, &text, &len, CTL_TEXT_ELEM_MAX);
	ctl_out_free(&o);
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

#endif
