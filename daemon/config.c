// SPDX-License-Identifier: GPL-2.0
/*
 * INI configuration with inih and line numbers for every error.
 *
 * Debian's inih is built without INI_HANDLER_LINENO, so the handler cannot
 * be told its line. We parse with ini_parse_stream() and our own reader: inih
 * asks the reader for exactly one line before it handles that line, so the
 * reader's line counter is the handler's line. The reader also sees each raw
 * line, which gives two things inih does not report beyond the first error:
 *  - a line inih rejected (no '=' / ':', or '[' without ']') is a line the
 *    handler was never called for and that is not blank, a comment or a
 *    section header: reported when the reader is asked for the next line;
 *  - a line longer than inih's buffer would be split by inih into pieces;
 *    the reader swallows the rest of it, reports it and hands inih a blank
 *    line instead.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "l2tp_ctrl.h"
#include "log.h"
#include "util.h"

enum key_type {
	K_UINT,		/* decimal, [min, max] */
	K_MS,		/* duration: N, Ns or Nms (N alone is seconds), ms in [min, max] */
	K_BOOL,
	K_STRING,	/* [min, max] characters */
	K_LOGLEVEL,
	K_LOGTARGET,
	K_ADDRS,	/* IPv4/IPv6 addresses separated by spaces or commas */
};

struct key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t off;
	size_t size;		/* K_STRING: buffer size */
	unsigned int min, max;
};

#define OFF(f) offsetof(struct l2sec_config, f)
#define STR(f) OFF(f), sizeof(((struct l2sec_config *)0)->f)

static const struct key keys[] = {
	{ "global", "log-level", K_LOGLEVEL, OFF(log_level), 0, 0, 0 },
	{ "global", "log-target", K_LOGTARGET, OFF(log_target), 0, 0, 0 },
	{ "global", "runtime-dir", K_STRING, STR(runtime_dir), 1, 95 },
	{ "l2tp", "listen", K_ADDRS, OFF(listen), 0, 1, CONFIG_MAX_LISTEN },
	{ "l2tp", "port", K_UINT, OFF(port), 0, 1, 65535 },
	{ "l2tp", "hostname", K_STRING, STR(hostname), 1, 63 },
	{ "l2tp", "secret", K_STRING, STR(secret), 0, 127 },
	{ "l2tp", "require-ipsec", K_BOOL, OFF(require_ipsec), 0, 0, 0 },
	{ "l2tp", "hello-interval", K_MS, OFF(hello_interval_ms), 0, 0, 3600000 },
	{ "l2tp", "retransmit-initial", K_MS, OFF(rexmit_initial_ms), 0, 100, 60000 },
	{ "l2tp", "retransmit-max", K_MS, OFF(rexmit_max_ms), 0, 100, 600000 },
	{ "l2tp", "retransmit-retries", K_UINT, OFF(rexmit_retries), 0, 1, 100 },
	{ "l2tp", "ack-delay", K_MS, OFF(ack_delay_ms), 0, 0, 10000 },
	{ "l2tp", "receive-window", K_UINT, OFF(receive_window), 0, 1, L2TP_CTRL_MAX_RWS },
	{ "l2tp", "max-tunnels", K_UINT, OFF(max_tunnels), 0, 1, 65535 },
	{ "l2tp", "max-sessions", K_UINT, OFF(max_sessions), 0, 1, 1000000 },
	{ "l2tp", "max-sessions-per-tunnel", K_UINT, OFF(max_sessions_per_tunnel), 0, 1, 65535 },
	{ "l2tp", "max-half-open", K_UINT, OFF(max_half_open), 0, 1, 65535 },
	{ "l2tp", "sccrq-rate", K_UINT, OFF(sccrq_rate), 0, 1, 100000 },
};

static const char *const sections[] = { "global", "l2tp" };

struct parser {
	struct l2sec_config *cfg;
	const char *file;
	config_error_fn err;
	void *err_arg;
	int errors;
	unsigned int key_line[ARRAY_SIZE(keys)];	/* where each key was set, 0 = default */
	/* reader state */
	FILE *f;
	unsigned int line;
	bool handled;		/* the handler ran for the current line */
	char raw[INI_MAX_LINE + 1];
};

static void perr(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->errors++;
	p->err(p->err_arg, p->file, line, msg);
}

void config_log_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	(void)arg;
	if (line)
		log_err("%s:%u: %s", file, line, msg);
	else
		log_err("%s: %s", file, msg);
}

void config_defaults(struct l2sec_config *cfg)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg->listen[0];

	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_NOTICE;
	cfg->log_target = LOG_TARGET_STDERR;
	strcpy(cfg->runtime_dir, "/run/l2sec");
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	cfg->n_listen = 1;
	cfg->port = 1701;
	if (gethostname(cfg->hostname, sizeof(cfg->hostname) - 1) || !cfg->hostname[0])
		strcpy(cfg->hostname, "l2sec");
	cfg->require_ipsec = true;
	cfg->hello_interval_ms = 60000;
	cfg->rexmit_initial_ms = 1000;
	cfg->rexmit_max_ms = 8000;
	cfg->rexmit_retries = 5;
	cfg->ack_delay_ms = 250;
	cfg->receive_window = 8;
	cfg->max_tunnels = 1000;
	cfg->max_sessions = 10000;
	cfg->max_sessions_per_tunnel = 16;
	cfg->max_half_open = 64;
	cfg->sccrq_rate = 20;
}

/* --- values ------------------------------------------------------------------ */

static int parse_uint(const char *s, unsigned long long *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -1;
	*end = e;
	return 0;
}

static int parse_addrs(struct parser *p, const char *val, unsigned int line)
{
	struct l2sec_config *cfg = p->cfg;
	char buf[INI_MAX_LINE + 1];
	char *save = NULL, *tok;
	unsigned int n = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		struct sockaddr_storage ss = { 0 };
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		if (n == CONFIG_MAX_LISTEN) {
			perr(p, line, "[l2tp] listen: more than %d addresses", CONFIG_MAX_LISTEN);
			return -1;
		}
		if (inet_pton(AF_INET, tok, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
		} else if (inet_pton(AF_INET6, tok, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
		} else {
			perr(p, line, "[l2tp] listen: '%s' is not an IPv4 or IPv6 address", tok);
			return -1;
		}
		cfg->listen[n++] = ss;
	}
	if (!n) {
		perr(p, line, "[l2tp] listen: no address");
		return -1;
	}
	cfg->n_listen = n;
	return 0;
}

static int set_value(struct parser *p, const struct key *k, const char *val, unsigned int line)
{
	void *field = (char *)p->cfg + k->off;
	unsigned long long v;
	const char *end;
	int i;

	switch (k->type) {
	case K_UINT:
		if (parse_uint(val, &v, &end) || *end)
			goto bad_number;
		if (v < k->min || v > k->max)
			goto range;
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case K_MS:
		if (parse_uint(val, &v, &end))
			goto bad_number;
		if (!strcmp(end, "ms"))
			;
		else if (!*end || !strcmp(end, "s"))
			v = v > ULLONG_MAX / 1000 ? ULLONG_MAX : v * 1000;
		else
			goto bad_number;
		if ((v < k->min && v != 0) || v > k->max || (v == 0 && k->min))
			goto range;
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case K_BOOL:
		if (!strcasecmp(val, "yes") || !strcasecmp(val, "true") || !strcmp(val, "1") ||
		    !strcasecmp(val, "on"))
			*(bool *)field = true;
		else if (!strcasecmp(val, "no") || !strcasecmp(val, "false") ||
			 !strcmp(val, "0") || !strcasecmp(val, "off"))
			*(bool *)field = false;
		else
			goto bad;
		return 0;
	case K_STRING:
		if (strlen(val) < k->min || strlen(val) > k->max) {
			perr(p, line, "[%s] %s: length must be %u to %u characters",
			     k->section, k->name, k->min, k->max);
			return -1;
		}
		snprintf(field, k->size, "%s", val);
		return 0;
	case K_LOGLEVEL:
		i = log_level_parse(val);
		if (i < LOG_ERR)
			goto bad;
		*(int *)field = i;
		return 0;
	case K_LOGTARGET:
		if (!strcmp(val, "stderr"))
			*(int *)field = LOG_TARGET_STDERR;
		else if (!strcmp(val, "syslog"))
			*(int *)field = LOG_TARGET_SYSLOG;
		else
			goto bad;
		return 0;
	case K_ADDRS:
		return parse_addrs(p, val, line);
	}
bad:
	perr(p, line, "[%s] %s: invalid value", k->section, k->name);
	return -1;
bad_number:
	perr(p, line, "[%s] %s: '%s' is not a %s", k->section, k->name, val,
	     k->type == K_MS ? "duration (N, Ns or Nms)" : "number");
	return -1;
range:
	if (k->type == K_MS)
		perr(p, line, "[%s] %s: must be %s%ums to %ums", k->section, k->name,
		     k->min ? "" : "0 or ", k->min ? k->min : 1, k->max);
	else
		perr(p, line, "[%s] %s: must be %u to %u", k->section, k->name, k->min, k->max);
	return -1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	unsigned int line = p->line;
	bool known_section = false;

	p->handled = true;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!strcmp(section, sections[i]))
			known_section = true;
	if (!*section) {
		perr(p, line, "'%s' outside of any [section]", name);
		return 1;
	}
	if (!known_section)
		return 1;	/* reported once, at its header line */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];

		if (strcmp(k->section, section) || strcmp(k->name, name))
			continue;
		if (p->key_line[i]) {
			perr(p, line, "[%s] %s: already set on line %u", section, name,
			     p->key_line[i]);
			return 1;
		}
		p->key_line[i] = line;
		set_value(p, k, value, line);
		return 1;	/* go on: report every error */
	}
	perr(p, line, "[%s]: unknown key '%s'", section, name);
	return 1;
}

/* A line inih did not hand to the handler: fine if blank, comment or [section]. */
static void check_unhandled(struct parser *p)
{
	const char *s = p->raw;
	size_t len;

	if (p->handled || !p->line)
		return;
	if (p->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		const char *end = memchr(s, ']', len);
		char name[INI_MAX_LINE + 1];
		size_t n;

		if (!end) {
			perr(p, p->line, "section header without ']'");
			return;
		}
		/* the name as inih takes it: between the brackets, whitespace trimmed */
		s++;
		while (s < end && isspace((unsigned char)*s))
			s++;
		n = (size_t)(end - s);
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		memcpy(name, s, n);
		name[n] = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
			if (!strcmp(name, sections[i]))
				return;
		perr(p, p->line, "unknown section [%s]", name);
		return;
	}
	perr(p, p->line, "syntax error: expected 'key = value', '[section]' or a comment");
}

static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	size_t len;

	check_unhandled(p);
	if (!fgets(str, num, p->f))
		return NULL;
	p->line++;
	p->handled = false;
	len = strlen(str);
	if (len && str[len - 1] != '\n' && !feof(p->f)) {
		int c;

		while ((c = fgetc(p->f)) != EOF && c != '\n')
			;
		perr(p, p->line, "line longer than %d characters", num - 2);
		p->handled = true;
		strcpy(str, "\n");
	}
	snprintf(p->raw, sizeof(p->raw), "%s", str);
	return str;
}

/* The line that set a key, 0 when it kept its default. */
static unsigned int line_of(const struct parser *p, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return p->key_line[i];
	return 0;
}

static void check_whole(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;

	if (cfg->rexmit_max_ms < cfg->rexmit_initial_ms)
		perr(p, line_of(p, "retransmit-max") ?: line_of(p, "retransmit-initial"),
		     "[l2tp] retransmit-max (%ums) is less than retransmit-initial (%ums)",
		     cfg->rexmit_max_ms, cfg->rexmit_initial_ms);
	if (cfg->max_sessions_per_tunnel > cfg->max_sessions)
		perr(p, line_of(p, "max-sessions-per-tunnel") ?: line_of(p, "max-sessions"),
		     "[l2tp] max-sessions-per-tunnel (%u) exceeds max-sessions (%u)",
		     cfg->max_sessions_per_tunnel, cfg->max_sessions);
}

int config_parse_file(struct l2sec_config *cfg, FILE *f, const char *name,
		      config_error_fn err, void *arg)
{
	struct parser p = {
		.cfg = cfg, .file = name, .err = err ? err : config_log_error,
		.err_arg = arg, .f = f,
	};
	int ret;

	config_defaults(cfg);
	ret = ini_parse_stream(reader, &p, handler, &p);
	check_unhandled(&p);	/* the last line */
	if (ret < 0)
		perr(&p, 0, "cannot parse (out of memory)");
	else if (ret > 0 && !p.errors)
		perr(&p, (unsigned int)ret, "syntax error");	/* a case the reader missed */
	if (ferror(f))
		perr(&p, 0, "read error");
	check_whole(&p);
	return p.errors;
}

int config_load(struct l2sec_config *cfg, const char *path, config_error_fn err, void *arg)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		(err ? err : config_log_error)(arg, path, 0, msg);
		config_defaults(cfg);
		return 1;
	}
	n = config_parse_file(cfg, f, path, err, arg);
	fclose(f);
	return n;
}

static void print_ms(FILE *out, unsigned int ms)
{
	if (ms % 1000 == 0)
		fprintf(out, "%us\n", ms / 1000);
	else
		fprintf(out, "%ums\n", ms);
}

void config_print(const struct l2sec_config *cfg, FILE *out)
{
	const char *section = "";

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];
		const void *field = (const char *)cfg + k->off;
		char addr[INET6_ADDRSTRLEN];

		if (strcmp(section, k->section)) {
			fprintf(out, "%s[%s]\n", *section ? "\n" : "", k->section);
			section = k->section;
		}
		if (k->type == K_STRING && !*(const char *)field)
			continue;	/* empty means unset; "key =" does not parse back */
		fprintf(out, "%s = ", k->name);
		switch (k->type) {
		case K_UINT:
			fprintf(out, "%u\n", *(const unsigned int *)field);
			break;
		case K_MS:
			print_ms(out, *(const unsigned int *)field);
			break;
		case K_BOOL:
			fprintf(out, "%s\n", *(const bool *)field ? "yes" : "no");
			break;
		case K_STRING:
			fprintf(out, "%s\n", (const char *)field);
			break;
		case K_LOGLEVEL:
			fprintf(out, "%s\n", log_level_name(*(const int *)field));
			break;
		case K_LOGTARGET:
			fprintf(out, "%s\n", *(const int *)field == LOG_TARGET_SYSLOG ?
				"syslog" : "stderr");
			break;
		case K_ADDRS:
			for (unsigned int j = 0; j < cfg->n_listen; j++) {
				const struct sockaddr_storage *ss = &cfg->listen[j];
				const void *a = ss->ss_family == AF_INET ?
					(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
					(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

				inet_ntop(ss->ss_family, a, addr, sizeof(addr));
				fprintf(out, "%s%s", j ? " " : "", addr);
			}
			fputc('\n', out);
			break;
		}
	}
}
