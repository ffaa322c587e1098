/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print call per field, for both outputs of the l2sec tool (after
 * iproute2's print_* family): in text mode a field is printed with its printf
 * format, in JSON mode it becomes a member of the current object (or an
 * element of the current array) under its key.  Whether a field goes to one
 * output or both is chosen per call (PRINT_FP, PRINT_JSON, PRINT_ANY).
 *
 * JSON is streamed per top-level element, so a dump of many objects never
 * sits in memory as one tree:
 * - default: the top-level elements form one array, "[...]" (like `ip -j`);
 * - PRINT_F_LINES: each top-level object is written on its own line and
 *   flushed at once (JSON lines, for `monitor` and single-object commands).
 *
 * The state is process-wide (the tool prints one stream at a time):
 * print_begin() ... print_end(), which may be repeated (unit tests).
 */
#ifndef L2SEC_PRINT_H
#define L2SEC_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_type {
	PRINT_FP = 1,		/* text output only */
	PRINT_JSON = 2,		/* JSON output only */
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

enum {
	PRINT_F_JSON = 1,	/* JSON instead of text */
	PRINT_F_PRETTY = 2,	/* indented JSON */
	PRINT_F_LINES = 4,	/* one JSON object per line, no enclosing array */
};

void print_begin(FILE *out, unsigned int flags);
/* Closes the JSON array; 0, or -1 when writing failed (errno set). */
int print_end(void);
bool print_is_json(void);

/*
 * Containers exist in JSON only.  KEY names the member inside an object and
 * is NULL inside an array or at the top level.
 */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/*
 * FMT is the text format of the one value (NULL: print nothing as text).
 * print_hex is a number in JSON and is formatted by FMT (e.g. "0x%x") as text.
 * print_bool's text is FMT applied to "true" or "false".
 * FMT must be a literal format for exactly one value of the function's type;
 * it carries no format attribute because NULL (JSON only) is a valid FMT.
 */
void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned int val);
void print_u64(enum print_type t, const char *key, const char *fmt,
	       uint64_t val);
void print_hex(enum print_type t, const char *key, const char *fmt,
	       unsigned int val);
void print_bool(enum print_type t, const char *key, const char *fmt,
		bool val);
/* JSON null; text prints FMT as is. */
void print_null(enum print_type t, const char *key, const char *fmt);

/* Text only: free text, and the end of a line. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_nl(void);

#endif
