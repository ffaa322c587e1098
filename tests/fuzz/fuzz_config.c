// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser and validator (config.c): any bytes as
 * l2sec.conf, read through a stdio stream as config_load reads a file.
 *
 * Oracles besides the sanitizers: every error names a line of the input
 * (or 0 for the whole file) with a printable, bounded message; an accepted
 * configuration keeps the documented invariants (a pool, an authentication
 * method, MRU 128..1500, the per-tunnel limit within the global one, an
 * IPv6 prefix length exactly when IPv6 is on) and config_print writes it
 * as a file that parses back, without errors, to the same printout.
 * The same bytes also go through l2secd -n's certificate and key checks
 * (certcheck.h) as a certificate and as a key: errors, never a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/certcheck.h"
#include "conf/config.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

struct errs {
	unsigned int n, lines;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

static void on_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	CHECK(!strcmp(file, "fuzz.conf"));
	CHECK(line <= e->lines && msg[0] && strlen(msg) < 1024);
	e->n++;
}

static int parse(struct l2sec_config *cfg, const void *text, size_t len, struct errs *e)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int n;

	CHECK(f);
	n = config_parse_file(cfg, f, "fuzz.conf", on_error, e);
	fclose(f);
	return n;
}

static char *print(const struct l2sec_config *cfg, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	CHECK(f);
	config_print(cfg, f);
	CHECK(!fclose(f));
	return out;
}

static void on_file_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	CHECK(!strcmp(file, "fuzz.pem") && !line && msg[0] && strlen(msg) < 1024);
	(*(unsigned int *)arg)++;
}

/* As a certificate (and CA) file, and as a key file with itself as its certificate. */
static void certfiles(const uint8_t *data, size_t size)
{
	unsigned int n = 0;

	CHECK(certcheck_blobs(data, size, "fuzz.pem", NULL, 0, NULL, on_file_error, &n) ==
	      (int)n);
	n = 0;
	CHECK(certcheck_blobs(data, size, "fuzz.pem", data, size, "fuzz.pem", on_file_error,
			      &n) == (int)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct l2sec_config cfg, again;
	struct errs e = { .lines = 1 }, e2 = { .lines = 1 };
	char *out, *out2;
	size_t len, len2;
	int n;

	if (!size || size > 65536)
		return 0;
	certfiles(data, size);
	for (size_t i = 0; i < size; i++)
		e.lines += data[i] == '\n';
	n = parse(&cfg, data, size, &e);
	CHECK(n >= 0 && (unsigned int)n == e.n);
	if (n)
		return 0;
	CHECK(cfg.n_pool >= 1 && cfg.n_pool <= CONFIG_MAX_POOL_RANGES && cfg.ppp_auth);
	CHECK(cfg.mru >= 128 && cfg.mru <= 1500);
	CHECK(cfg.l2tp.max_sessions_per_tunnel <= cfg.l2tp.max_sessions);
	CHECK(cfg.ipv6 == (cfg.ipv6_prefix_len != 0));
	CHECK(cfg.n_listen >= 1 && cfg.n_listen <= CONFIG_MAX_LISTEN);
	CHECK(cfg.n_routes <= CONFIG_MAX_ROUTES && cfg.n_dns_search <= CONFIG_MAX_SEARCH);
	CHECK(memchr(cfg.l2tp.secret, 0, sizeof(cfg.l2tp.secret)) &&
	      memchr(cfg.psk, 0, sizeof(cfg.psk)));
	/* what -p prints parses back to the same configuration */
	out = print(&cfg, &len);
	for (size_t i = 0; i < len; i++)
		e2.lines += out[i] == '\n';
	CHECK(parse(&again, out, len, &e2) == 0);
	out2 = print(&again, &len2);
	CHECK(len == len2 && !memcmp(out, out2, len));
	free(out);
	free(out2);
	return 0;
}
