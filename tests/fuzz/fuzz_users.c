// SPDX-License-Identifier: GPL-2.0
/*
 * The users file parser: any bytes, as the file l2secd reads at start and on
 * every reload.
 *
 * Oracles besides the sanitizers: every error names a line of the input
 * (or 0, for the whole file), and errors mean no db; an accepted db finds
 * each of its users by name, and each user's key=value values keep the
 * rules of [ppp] (counts within the limits, routes without host bits and
 * distinct, no /0); users_split() falls back to the [ppp] values exactly
 * for the keys the user's line did not give.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "core/log.h"
#include "conf/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct errs {
	unsigned int n, lines, bad_line;
};

static struct l2sec_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	config_defaults(&cfg);
	/* [ppp] values to fall back to, so a wrong fallback shows */
	if (config_route_item("192.0.2.0/24", cfg.routes, 0))
		abort();
	cfg.n_routes = 1;
	strcpy(cfg.dns_domain, "ppp.example");
	if (config_search_item("ppp.example", cfg.dns_search, 0))
		abort();
	cfg.n_dns_search = 1;
	return 0;
}

static void on_error(void *ctx, unsigned int line, const char *msg)
{
	struct errs *e = ctx;

	e->n++;
	if (line > e->lines || !msg[0] || strlen(msg) > 255)
		e->bad_line++;
}

static void check_routes(const struct config_route *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t net = ntohl(r[i].net.s_addr);

		if (r[i].plen < 1 || r[i].plen > 32 || (net & ~(UINT32_MAX << (32 - r[i].plen))))
			abort();
		for (unsigned int j = 0; j < i; j++)
			if (r[j].net.s_addr == r[i].net.s_addr && r[j].plen == r[i].plen)
				abort();
	}
}

static void check_user(const struct users_db *db, const struct users_entry *u)
{
	const struct users_split_own *o = u->own;
	unsigned int has = o ? o->has : 0;
	struct users_split sp;

	if (users_lookup(db, u->name, strlen(u->name)) != u)
		abort();
	if (o && (o->n_routes > CONFIG_MAX_ROUTES || o->n_dns_search > CONFIG_MAX_SEARCH ||
		  strlen(o->dns_domain) > CONFIG_DOMAIN_MAX || !o->has))
		abort();
	if (o)
		check_routes(o->routes, o->n_routes);
	users_split(u, &cfg, &sp);
	if ((sp.routes == cfg.routes) != !(has & USERS_HAS_ROUTES) ||
	    (sp.dns_domain == cfg.dns_domain) != !(has & USERS_HAS_DNS_DOMAIN) ||
	    (sp.dns_search == cfg.dns_search) != !(has & USERS_HAS_DNS_SEARCH))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errs e = { .lines = 1 };
	struct users_db *db;

	for (size_t i = 0; i < size; i++)
		e.lines += data[i] == '\n';
	db = users_parse((const char *)data, size, on_error, &e);
	if (e.bad_line || (!db) != (e.n > 0))
		abort();
	if (!db)
		return 0;
	/* each unquoted name at a line's start must be found, with sane values */
	for (size_t i = 0; i < size; i++) {
		const struct users_entry *u;
		size_t n = 0;

		while (i + n < size && !memchr(" \t\r\n", data[i + n], 4))
			n++;
		u = users_lookup(db, (const char *)data + i, n);
		if (u)
			check_user(db, u);
		while (i < size && data[i] != '\n')
			i++;
	}
	users_free(db);
	return 0;
}
