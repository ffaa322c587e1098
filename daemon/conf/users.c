// SPDX-License-Identifier: GPL-2.0
/*
 * The users file.
 *
 * One user per line, fields separated by spaces or tabs:
 *
 *     # name        kind       secret                             [address] [key=value...]
 *     alice         password   "correct horse battery staple"     10.8.0.10
 *     bob           password   s3cret     routes=10.1.0.0/16,10.2.0.0/16
 *     DOMAIN\carol  nt         44EBBA8D5312B8D611474411F56989AE  routes= dns-domain=lab.example
 *
 *   name     the name the client sends (case-sensitive, up to 255 octets).
 *   kind     "password": the secret is the password itself (UTF-8). Works
 *            with MS-CHAPv2, CHAP-MD5 and PAP.
 *            "nt": the secret is the NT hash, MD4 of the UTF-16LE password,
 *            32 hex digits, from e.g.
 *              printf %s 'PW' | iconv -t UTF-16LE |
 *                openssl dgst -md4 -provider legacy -provider default
 *            Works with MS-CHAPv2 and PAP, not CHAP-MD5.
 *   address  optional static IPv4 address for this user; without it the
 *            address comes from the pool. No two users share one.
 *   key=value  optional, after the address if there is one (a field with
 *            '=' is a key=value field, an address has none), each key at
 *            most once: the user's own split tunnel and DNS, in place of
 *            [ppp] routes, dns-domain and dns-search for this user's
 *            sessions (a given key replaces the [ppp] value, it does not
 *            add to it; a key not given keeps the [ppp] value):
 *              routes=A/N,...      networks through the tunnel; empty
 *                                  ("routes="): full tunnel for this user
 *              dns-domain=NAME     DNS suffix; empty: none
 *              dns-search=NAME,... DNS search list; empty: none
 *            List items are separated by commas (a quoted field may use
 *            spaces too); every item is checked by the rules of [ppp]
 *            (config.c: the same item parsers), and so is the count.
 *
 * A field containing spaces, tabs or '"' (or a name starting with '#') is
 * written in double quotes, with \" and \\ as the only escapes. A line
 * whose first non-blank character is '#' is a comment; '#' elsewhere is
 * data (passwords may contain it). Blank lines are ignored. Control
 * characters are refused. Lines may end in CRLF. For example:
 *
 *     "#odd name"   password   "pass \"word\" with \\ and spaces"
 *
 * Every error names its line; one bad line rejects the whole file, so a
 * reload never silently drops users. The file should be mode 0600.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/users.h"
#include "core/util.h"

struct users_db {
	struct users_entry *v;	/* sorted by name after parsing */
	size_t n, cap;
};

struct parse {
	users_error_fn err;
	void *ctx;
	unsigned int errors;
};

/* name kind secret address and the three keys, and one more to detect extras */
#define MAX_FIELDS 8
#define FIELDS_HINT "(expected: name kind secret [address] [key=value ...])"

static void __attribute__((format(printf, 3, 4)))
perr(struct parse *p, unsigned int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	p->errors++;
	if (!p->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err(p->ctx, line, msg);
}

static void entry_wipe(struct users_entry *e)
{
	if (e->password) {
		explicit_bzero(e->password, e->password_len);
		free(e->password);
	}
	free(e->name);
	free(e->own);
	explicit_bzero(e, sizeof(*e));
}

void users_free(struct users_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n; i++)
		entry_wipe(&db->v[i]);
	free(db->v);
	free(db);
}

void users_forget_secrets(struct users_db *db)
{
	for (size_t i = 0; db && i < db->n; i++) {
		struct users_entry *e = &db->v[i];

		if (e->password) {
			explicit_bzero(e->password, e->password_len);
			free(e->password);
		}
		e->password = NULL;
		e->password_len = 0;
		explicit_bzero(e->nt_hash, sizeof(e->nt_hash));
	}
}

size_t users_count(const struct users_db *db)
{
	return db ? db->n : 0;
}

const struct users_entry *users_at(const struct users_db *db, size_t i)
{
	return db && i < db->n ? &db->v[i] : NULL;
}

/*
 * Split a line (NUL-terminated copy, modified in place) into fields,
 * unquoting quoted ones. Returns the number of fields or -1 after an error.
 */
static int split_fields(struct parse *p, unsigned int line, char *s,
			char *field[MAX_FIELDS], size_t flen[MAX_FIELDS])
{
	int n = 0;
	char *w;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == MAX_FIELDS) {
			perr(p, line, "too many fields " FIELDS_HINT);
			return -1;
		}
		field[n] = w = s;
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s) {
					perr(p, line, "unterminated quoted field");
					return -1;
				}
				if (*s == '"')
					break;
				if (*s == '\\') {
					s++;
					if (*s != '"' && *s != '\\') {
						perr(p, line, "unknown escape in quoted field (only \\\" and \\\\)");
						return -1;
					}
				}
				*w++ = *s++;
			}
			s++;	/* closing quote */
			if (*s && *s != ' ' && *s != '\t') {
				perr(p, line, "text after closing quote");
				return -1;
			}
		} else {
			while (*s && *s != ' ' && *s != '\t') {
				if (*s == '"') {
					perr(p, line, "quote inside an unquoted field");
					return -1;
				}
				*w++ = *s++;
			}
		}
		flen[n] = (size_t)(w - field[n]);
		/* Separator or end: both may be overwritten now. */
		if (*s)
			s++;
		*w = '\0';
		n++;
	}
}

static int parse_nt(const char *s, size_t len, uint8_t out[MSCHAP_NT_HASH_LEN])
{
	size_t i;
	int hi, lo;

	if (len != 2 * MSCHAP_NT_HASH_LEN)
		return -1;
	for (i = 0; i < MSCHAP_NT_HASH_LEN; i++) {
		hi = hex_nibble(s[2 * i]);
		lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_addr(const char *s, struct in_addr *a)
{
	uint32_t h;

	if (inet_pton(AF_INET, s, a) != 1)
		return -1;
	h = ntohl(a->s_addr);
	/* Unspecified, loopback, multicast/reserved, broadcast: never a client's. */
	if (h == 0 || (h >> 24) == 127 || (h >> 28) >= 0xE)
		return -1;
	return 0;
}

/* --- key=value fields: the user's own split tunnel and DNS ------------------- */

/* Indexes into own_keys, also the bit numbers of USERS_HAS_* */
enum { KEY_ROUTES, KEY_DNS_DOMAIN, KEY_DNS_SEARCH, KEY_N };

static const char *const own_keys[KEY_N] = {
	[KEY_ROUTES] = "routes",
	[KEY_DNS_DOMAIN] = "dns-domain",
	[KEY_DNS_SEARCH] = "dns-search",
};

_Static_assert(USERS_HAS_ROUTES == 1u << KEY_ROUTES &&
	       USERS_HAS_DNS_DOMAIN == 1u << KEY_DNS_DOMAIN &&
	       USERS_HAS_DNS_SEARCH == 1u << KEY_DNS_SEARCH, "USERS_HAS_* are key bits");

/* The items of a list value, each checked by config.c's parser for the key. */
static int own_list(struct parse *p, unsigned int line, const struct users_entry *e,
		    unsigned int key, char *val)
{
	struct users_split_own *o = e->own;
	bool routes = key == KEY_ROUTES;
	unsigned int max = routes ? CONFIG_MAX_ROUTES : CONFIG_MAX_SEARCH;
	unsigned int *n = routes ? &o->n_routes : &o->n_dns_search;
	char *save = NULL, *tok;
	const char *why;

	for (tok = strtok_r(val, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		if (*n == max) {
			perr(p, line, "user '%s': %s: more than %u entries", e->name,
			     own_keys[key], max);
			return -1;
		}
		why = routes ? config_route_item(tok, o->routes, *n) :
			       config_search_item(tok, o->dns_search, *n);
		if (why) {
			perr(p, line, "user '%s': %s: '%s' %s", e->name, own_keys[key], tok, why);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* One key=value field f (NUL-terminated, modified) of entry e. */
static int own_field(struct parse *p, unsigned int line, struct users_entry *e, char *f)
{
	char *val = strchr(f, '=');
	const char *why;
	unsigned int key;

	*val++ = '\0';
	for (key = 0; key < KEY_N; key++)
		if (!strcmp(f, own_keys[key]))
			break;
	if (key == KEY_N) {
		perr(p, line, "user '%s': unknown key '%s' (routes, dns-domain or dns-search)",
		     e->name, f);
		return -1;
	}
	if (!e->own) {
		e->own = calloc(1, sizeof(*e->own));
		if (!e->own) {
			perr(p, line, "out of memory");
			return -1;
		}
	}
	if (e->own->has & (1u << key)) {
		perr(p, line, "user '%s': %s given twice", e->name, own_keys[key]);
		return -1;
	}
	e->own->has |= 1u << key;
	if (key != KEY_DNS_DOMAIN)
		return own_list(p, line, e, key, val);
	if (!*val)
		return 0;	/* "dns-domain=": no suffix for this user */
	why = config_check_domain(val, e->own->dns_domain);
	if (why) {
		perr(p, line, "user '%s': dns-domain: '%s' %s", e->name, val, why);
		return -1;
	}
	return 0;
}

/* Fields f[from..n-1]: an address first (no '='), then key=value fields. */
static int parse_rest(struct parse *p, unsigned int line, struct users_entry *e,
		      char **f, int from, int n)
{
	int i = from;

	if (i < n && !strchr(f[i], '=')) {
		if (parse_addr(f[i], &e->addr) < 0) {
			perr(p, line, "user '%s': '%s' is not a usable IPv4 unicast address",
			     e->name, f[i]);
			return -1;
		}
		i++;
	}
	for (; i < n; i++) {
		if (!strchr(f[i], '=')) {
			perr(p, line, "user '%s': '%s' is not key=value (an address goes "
			     "right after the secret)", e->name, f[i]);
			return -1;
		}
		if (own_field(p, line, e, f[i]) < 0)
			return -1;
	}
	return 0;
}

static struct users_entry *db_add(struct users_db *db)
{
	struct users_entry *v;
	size_t cap;

	if (db->n == db->cap) {
		/* not realloc: the old array holds NT hashes, wiped before it goes */
		cap = db->cap ? db->cap * 2 : 16;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return NULL;
		if (db->v) {
			memcpy(v, db->v, db->n * sizeof(*v));
			explicit_bzero(db->v, db->cap * sizeof(*v));
			free(db->v);
		}
		db->v = v;
		db->cap = cap;
	}
	memset(&db->v[db->n], 0, sizeof(db->v[0]));
	return &db->v[db->n++];
}

static void parse_line(struct parse *p, struct users_db *db, unsigned int line,
		       char *s)
{
	char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS];
	struct users_entry *e;
	int n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return;
	n = split_fields(p, line, s, f, fl);
	if (n < 0)
		return;
	if (n < 3) {
		perr(p, line, "missing fields " FIELDS_HINT);
		return;
	}
	if (n > 3 + 1 + KEY_N) {
		perr(p, line, "too many fields " FIELDS_HINT);
		return;
	}
	if (fl[0] == 0 || fl[0] > USERS_NAME_MAX) {
		perr(p, line, "user name must be 1 to %d octets", USERS_NAME_MAX);
		return;
	}
	e = db_add(db);
	if (!e) {
		perr(p, line, "out of memory");
		return;
	}
	e->line = line;
	e->name = strndup(f[0], fl[0]);
	if (!e->name) {
		perr(p, line, "out of memory");
		goto drop;
	}
	if (!strcmp(f[1], "password")) {
		if (fl[2] == 0 || fl[2] > USERS_PASSWORD_MAX) {
			perr(p, line, "user '%s': password must be 1 to %d octets",
			     e->name, USERS_PASSWORD_MAX);
			goto drop;
		}
		if (mschap_nt_hash(f[2], fl[2], e->nt_hash) < 0) {
			perr(p, line, "user '%s': password is not UTF-8 or longer than %d characters",
			     e->name, MSCHAP_MAX_PASSWORD_CHARS);
			goto drop;
		}
		e->password = strndup(f[2], fl[2]);
		if (!e->password) {
			perr(p, line, "out of memory");
			goto drop;
		}
		e->password_len = fl[2];
	} else if (!strcmp(f[1], "nt")) {
		if (parse_nt(f[2], fl[2], e->nt_hash) < 0) {
			perr(p, line, "user '%s': nt secret must be 32 hex digits", e->name);
			goto drop;
		}
	} else {
		perr(p, line, "user '%s': kind must be 'password' or 'nt'", e->name);
		goto drop;
	}
	if (parse_rest(p, line, e, f, 3, n) < 0)
		goto drop;
	return;
drop:
	entry_wipe(e);
	db->n--;
}

static int cmp_name(const void *a, const void *b)
{
	const struct users_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct users_entry *const *x = a, *const *y = b;
	uint32_t ax = ntohl((*x)->addr.s_addr), ay = ntohl((*y)->addr.s_addr);

	if (ax != ay)
		return (ax > ay) - (ax < ay);
	return ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/* Duplicate names and duplicate static addresses are errors. */
static void check_unique(struct parse *p, struct users_db *db)
{
	const struct users_entry **byaddr;
	char a[INET_ADDRSTRLEN];
	size_t i, n = 0;

	if (db->n > 1)
		qsort(db->v, db->n, sizeof(db->v[0]), cmp_name);
	for (i = 1; i < db->n; i++)
		if (!strcmp(db->v[i - 1].name, db->v[i].name))
			perr(p, db->v[i].line, "user '%s' already defined on line %u",
			     db->v[i].name, db->v[i - 1].line);

	byaddr = calloc(db->n ? db->n : 1, sizeof(*byaddr));
	if (!byaddr) {
		perr(p, 0, "out of memory");
		return;
	}
	for (i = 0; i < db->n; i++)
		if (db->v[i].addr.s_addr != htonl(INADDR_ANY))
			byaddr[n++] = &db->v[i];
	qsort(byaddr, n, sizeof(*byaddr), cmp_addr);
	for (i = 1; i < n; i++)
		if (byaddr[i - 1]->addr.s_addr == byaddr[i]->addr.s_addr)
			perr(p, byaddr[i]->line, "user '%s': address %s already given to '%s' on line %u",
			     byaddr[i]->name,
			     inet_ntop(AF_INET, &byaddr[i]->addr, a, sizeof(a)),
			     byaddr[i - 1]->name, byaddr[i - 1]->line);
	free(byaddr);
}

struct users_db *users_parse(const char *text, size_t len,
			     users_error_fn err, void *ctx)
{
	struct parse p = { .err = err, .ctx = ctx };
	char buf[USERS_LINE_MAX + 1];
	struct users_db *db;
	unsigned int line = 0;
	size_t pos = 0, n;
	const char *nl;
	size_t i;

	db = calloc(1, sizeof(*db));
	if (!db) {
		perr(&p, 0, "out of memory");
		return NULL;
	}
	while (pos < len) {
		line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > USERS_LINE_MAX) {
			perr(&p, line, "line longer than %d octets", USERS_LINE_MAX);
			goto next;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];

			if ((c < 0x20 && c != '\t') || c == 0x7F)
				break;
		}
		if (i < n) {
			perr(&p, line, "control character at column %zu", i + 1);
			goto next;
		}
		parse_line(&p, db, line, buf);
next:
		pos += (nl ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	explicit_bzero(buf, sizeof(buf));
	check_unique(&p, db);
	if (p.errors) {
		users_free(db);
		return NULL;
	}
	return db;
}

struct users_db *users_load(const char *path, users_error_fn err, void *ctx)
{
	struct users_db *db = NULL;
	char msg[300];
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof(msg), "%s: not a regular file", path);
		goto fail;
	}
	if ((unsigned long long)st.st_size > USERS_FILE_MAX) {
		snprintf(msg, sizeof(msg), "%s: larger than %u octets", path, USERS_FILE_MAX);
		goto fail;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		snprintf(msg, sizeof(msg), "%s: out of memory", path);
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, text + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	db = users_parse(text, got, err, ctx);
	goto out;
fail:
	if (err)
		err(ctx, 0, msg);
out:
	if (text) {
		explicit_bzero(text, got);
		free(text);
	}
	if (fd >= 0)
		close(fd);
	return db;
}

const struct users_entry *users_lookup(const struct users_db *db,
				       const char *name, size_t len)
{
	size_t lo = 0, hi, mid, el;
	int c;

	if (!db || len == 0 || len > USERS_NAME_MAX || memchr(name, '\0', len))
		return NULL;
	hi = db->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		el = strlen(db->v[mid].name);
		c = memcmp(db->v[mid].name, name, el < len ? el : len);
		if (!c)
			c = (el > len) - (el < len);
		if (!c)
			return &db->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void users_split(const struct users_entry *u, const struct l2sec_config *cfg,
		 struct users_split *out)
{
	users_split_from(u ? u->own : NULL, cfg, out);
}

void users_split_from(const struct users_split_own *o, const struct l2sec_config *cfg,
		     struct users_split *out)
{
	unsigned int has = o ? o->has : 0;

	/* key by key: what the user's line gave, else the [ppp] value */
	if (has & USERS_HAS_ROUTES) {
		out->routes = o->routes;
		out->n_routes = o->n_routes;
	} else {
		out->routes = cfg->routes;
		out->n_routes = cfg->n_routes;
	}
	out->dns_domain = has & USERS_HAS_DNS_DOMAIN ? o->dns_domain : cfg->dns_domain;
	if (has & USERS_HAS_DNS_SEARCH) {
		out->dns_search = o->dns_search;
		out->n_dns_search = o->n_dns_search;
	} else {
		out->dns_search = cfg->dns_search;
		out->n_dns_search = cfg->n_dns_search;
	}
}
