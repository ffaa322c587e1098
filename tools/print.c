// SPDX-License-Identifier: GPL-2.0
/*
 * The print layer of the l2sec tool: text through printf formats, JSON
 * through json-c, one call per field (see print.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "print.h"

#define PRINT_MAX_DEPTH 8

/*
 * stack[0] is the open top-level element (which we own), stack[i > 0] its
 * open descendants (owned by their parents).  Process-wide: see print.h.
 */
static struct {
	FILE *out;
	unsigned int flags;
	struct json_object *stack[PRINT_MAX_DEPTH];
	int depth;
	unsigned long n_top;
} pr = { .depth = 0 };

static FILE *out(void)
{
	return pr.out ? pr.out : stdout;
}

/* Allocation failures of json-c: nothing sensible is left to print. */
static void *must(void *p)
{
	if (!p) {
		fputs("l2sec: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void print_begin(FILE *o, unsigned int flags)
{
	/* an element left open by an earlier stream is dropped unwritten */
	if (pr.depth > 0)
		json_object_put(pr.stack[0]);
	pr.depth = 0;
	pr.out = o;
	pr.flags = flags;
	pr.n_top = 0;
}

bool print_is_json(void)
{
	return pr.flags & PRINT_F_JSON;
}

static int json_flags(void)
{
	int f = JSON_C_TO_STRING_NOSLASHESCAPE;

	if (pr.flags & PRINT_F_PRETTY)
		f |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	else
		f |= JSON_C_TO_STRING_PLAIN;
	return f;
}

/* Writes one finished top-level element and drops our reference. */
static void emit_top(struct json_object *o)
{
	const char *s = must((void *)json_object_to_json_string_ext(o, json_flags()));
	bool pretty = pr.flags & PRINT_F_PRETTY;

	if (pr.flags & PRINT_F_LINES) {
		fprintf(out(), "%s\n", s);
		/* a reader of `monitor` must see each event when it happens */
		fflush(out());
	} else {
		fputs(pr.n_top ? (pretty ? ",\n" : ",") : (pretty ? "[\n" : "["), out());
		fputs(s, out());
	}
	pr.n_top++;
	json_object_put(o);
}

/* Adds a value to the open container, or writes it when nothing is open. */
static void add(const char *key, struct json_object *v)
{
	struct json_object *parent;

	if (pr.depth == 0) {
		emit_top(v);
		return;
	}
	parent = pr.stack[pr.depth - 1];
	if (json_object_is_type(parent, json_type_array)) {
		if (json_object_array_add(parent, v))
			must(NULL);
	} else {
		if (json_object_object_add(parent, key ? key : "", v))
			must(NULL);
	}
}

static void push(const char *key, struct json_object *c)
{
	if (pr.depth == PRINT_MAX_DEPTH) {
		/* a programming error, not an input error */
		fputs("l2sec: print: nesting too deep\n", stderr);
		abort();
	}
	if (pr.depth > 0)
		add(key, c);
	pr.stack[pr.depth++] = c;
}

static void pop(void)
{
	struct json_object *c;

	if (pr.depth == 0)
		return;
	c = pr.stack[--pr.depth];
	if (pr.depth == 0)
		emit_top(c);
}

int print_end(void)
{
	while (pr.depth > 0)
		pop();
	if (print_is_json() && !(pr.flags & PRINT_F_LINES))
		fputs(pr.n_top ? ((pr.flags & PRINT_F_PRETTY) ? "\n]\n" : "]\n") : "[]\n",
		      out());
	if (fflush(out()) || ferror(out())) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

void print_open_object(const char *key)
{
	if (print_is_json())
		push(key, must(json_object_new_object()));
}

void print_open_array(const char *key)
{
	if (print_is_json())
		push(key, must(json_object_new_array()));
}

void print_close_object(void)
{
	if (print_is_json())
		pop();
}

void print_close_array(void)
{
	if (print_is_json())
		pop();
}

/*
 * The value printers below pass their caller's FMT on to fprintf: a literal
 * format for one value at every call site (see print.h); there is no other
 * way to print one value with a caller's format.
 */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static bool to_json(enum print_type t)
{
	return print_is_json() && (t & PRINT_JSON);
}

static bool to_text(enum print_type t, const char *fmt)
{
	return !print_is_json() && (t & PRINT_FP) && fmt;
}

void print_string(enum print_type t, const char *key, const char *fmt, const char *val)
{
	if (to_json(t))
		add(key, must(json_object_new_string(val ? val : "")));
	else if (to_text(t, fmt))
		fprintf(out(), fmt, val ? val : "");
}

void print_uint(enum print_type t, const char *key, const char *fmt, unsigned int val)
{
	if (to_json(t))
		add(key, must(json_object_new_uint64(val)));
	else if (to_text(t, fmt))
		fprintf(out(), fmt, val);
}

void print_u64(enum print_type t, const char *key, const char *fmt, uint64_t val)
{
	if (to_json(t))
		add(key, must(json_object_new_uint64(val)));
	else if (to_text(t, fmt))
		fprintf(out(), fmt, val);
}

void print_hex(enum print_type t, const char *key, const char *fmt, unsigned int val)
{
	print_uint(t, key, fmt, val);
}

void print_bool(enum print_type t, const char *key, const char *fmt, bool val)
{
	if (to_json(t))
		add(key, must(json_object_new_boolean(val)));
	else if (to_text(t, fmt))
		fprintf(out(), fmt, val ? "true" : "false");
}

void print_null(enum print_type t, const char *key, const char *fmt)
{
	if (to_json(t))
		add(key, NULL);	/* json-c's null is the NULL object */
	else if (to_text(t, fmt))
		fputs(fmt, out());
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (print_is_json())
		return;
	va_start(ap, fmt);
	vfprintf(out(), fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!print_is_json())
		fputc('\n', out());
}
