/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The users file: who may log in, with which secret, an optional static
 * IPv4 address and optional split tunnel/DNS values of the user's own
 * (routes=, dns-domain=, dns-search=). The format is documented at the top
 * of users.c.
 *
 * A users_db is immutable once loaded; a reload builds a new one and the
 * owner swaps the pointer. Secrets are wiped when the db is freed.
 */
#ifndef L2SECD_USERS_H
#define L2SECD_USERS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "ppp/mschap.h"

#define USERS_NAME_MAX		255	/* octets, as a CHAP Name can carry */
#define USERS_PASSWORD_MAX	1024	/* octets of UTF-8 (256 characters) */
#define USERS_LINE_MAX		4096
#define USERS_FILE_MAX		(64u << 20)

/* A user's own split tunnel/DNS values: which keys the line gave, and those. */
enum {
	USERS_HAS_ROUTES = 1u << 0,
	USERS_HAS_DNS_DOMAIN = 1u << 1,
	USERS_HAS_DNS_SEARCH = 1u << 2,
};

struct users_split_own {
	unsigned int has;		/* USERS_HAS_* bits */
	struct config_route routes[CONFIG_MAX_ROUTES];
	unsigned int n_routes;		/* 0 with USERS_HAS_ROUTES: full tunnel */
	char dns_domain[CONFIG_DOMAIN_MAX + 1];	/* "" with its bit: none */
	char dns_search[CONFIG_MAX_SEARCH][CONFIG_DOMAIN_MAX + 1];
	unsigned int n_dns_search;
};

struct users_entry {
	char *name;
	/* Plain password (NUL-terminated) or NULL when only the NT hash is known. */
	char *password;
	size_t password_len;
	uint8_t nt_hash[MSCHAP_NT_HASH_LEN];	/* always set */
	struct in_addr addr;			/* INADDR_ANY: from the pool */
	struct users_split_own *own;		/* NULL: no key=value field */
	unsigned int line;
};

struct users_db;

/* Called once per error with the line number (1-based) and a message. */
typedef void (*users_error_fn)(void *ctx, unsigned int line, const char *msg);

/*
 * Parse a users file held in memory. Every error is reported through err
 * (which may be NULL); any error means no db: returns NULL. The text need
 * not be NUL-terminated.
 */
struct users_db *users_parse(const char *text, size_t len,
			     users_error_fn err, void *ctx);

/* Read and parse a file; an I/O error is reported as line 0. */
struct users_db *users_load(const char *path, users_error_fn err, void *ctx);

void users_free(struct users_db *db);
/*
 * Wipe every password and NT hash, keeping names, addresses and split-tunnel
 * values: the db as l2secd's unprivileged engine may hold it (privsep).
 */
void users_forget_secrets(struct users_db *db);

size_t users_count(const struct users_db *db);
/* The i-th entry (in name order), NULL past the last: for checks over every user. */
const struct users_entry *users_at(const struct users_db *db, size_t i);

/* Exact, case-sensitive name match; NULL when absent. */
const struct users_entry *users_lookup(const struct users_db *db,
				       const char *name, size_t len);

/*
 * What a user's client is told about split tunnel and split DNS (DHCPINFORM
 * answers, `l2sec client-config`): the [ppp] routes, dns-domain and
 * dns-search, each replaced by the user's own value when the users file
 * gives one (see users.c). u may be NULL (no such user: the [ppp] values).
 * The pointers point into cfg or u and live as long as both do.
 */
struct users_split {
	const struct config_route *routes;
	unsigned int n_routes;		/* 0: full tunnel */
	const char *dns_domain;		/* "" when none */
	const char (*dns_search)[CONFIG_DOMAIN_MAX + 1];
	unsigned int n_dns_search;
};

void users_split(const struct users_entry *u, const struct l2sec_config *cfg,
		 struct users_split *out);
/* The same for a users_split_own of another source (RADIUS); own may be NULL. */
void users_split_from(const struct users_split_own *own, const struct l2sec_config *cfg,
		     struct users_split *out);

#endif
