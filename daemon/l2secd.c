// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd: the l2sec gateway daemon. Runs in the foreground (systemd, or a
 * supervisor) and logs to stderr or syslog.
 *
 *   l2secd [-c FILE] [-d]      run
 *   l2secd -n [-c FILE] [-p]   check the configuration (every error with its
 *                              line), the users file and the certificate and
 *                              key files it names; -p: print the effective
 *                              configuration (secrets as <hidden>); with
 *                              privsep (the default) that engine-user exists
 *
 * Both refuse files holding secrets that others may read (secfile.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/certcheck.h"
#include "conf/config.h"
#include "inform.h"
#include "core/log.h"
#include "conf/secfile.h"
#include "priv/sandbox.h"
#include "server.h"
#include "conf/users.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: l2secd [-c FILE] [-d]       run the gateway\n"
		"       l2secd -n [-c FILE] [-p]    check the configuration; -p prints it\n"
		"  -c FILE  configuration (default " CONFIG_DEFAULT_PATH ")\n"
		"  -d       log at debug level\n"
		"  -V       print the version\n");
}

/* -n: errors go to stderr as "FILE:LINE: message", whatever log-target says. */
static void check_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	(void)arg;
	if (line)
		fprintf(stderr, "%s:%u: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

/* users_load names the file itself in a line-0 (I/O) error */
static void check_users_error(void *arg, unsigned int line, const char *msg)
{
	if (line)
		check_error(NULL, arg, line, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

/* -n checks the users file the configuration names too. */
static int check_users(const struct l2sec_config *cfg)
{
	struct users_db *db;

	/* a first run: say what to do, not only that it is missing */
	if (access(cfg->users_path, F_OK) && errno == ENOENT) {
		fprintf(stderr, "%s: no such file: create it empty and readable by root "
			"only (install -m 0600 /dev/null %s), then add a line per user "
			"(l2sec.conf(5), USERS FILE)\n", cfg->users_path, cfg->users_path);
		return -1;
	}
	db = users_load(cfg->users_path, check_users_error, (void *)cfg->users_path);

	if (!db || inform_check_users(cfg, db, check_users_error, (void *)cfg->users_path)) {
		fprintf(stderr, "%s: has errors\n", cfg->users_path);
		users_free(db);
		return -1;
	}
	users_free(db);
	return 0;
}

/* -n: privsep = yes (the default) needs its engine-user, as the start does. */
static int check_engine_user(const struct l2sec_config *cfg, const char *path)
{
	struct sandbox_ids ids;
	char msg[320];

	if (!cfg->privsep || sandbox_user_check(cfg->engine_user, &ids, msg, sizeof(msg)) == 0)
		return 0;
	fprintf(stderr, "%s: %s\n", path, msg);
	return -1;
}

/* -n [-p] */
static int check_only(const struct l2sec_config *cfg, const char *path, int errors, bool print)
{
	if (errors) {
		fprintf(stderr, "%s: %d error%s\n", path, errors, errors == 1 ? "" : "s");
		return 1;
	}
	if (check_users(cfg) < 0 || check_engine_user(cfg, path) < 0)
		return 1;
	errors = certcheck_config(cfg, check_error, NULL);
	if (errors) {
		fprintf(stderr, "%s: %d error%s in the files of [ipsec]\n", path, errors,
			errors == 1 ? "" : "s");
		return 1;
	}
	if (print)
		config_print(cfg, stdout);
	return 0;
}

static int run(struct l2sec_config *cfg, const char *path, int errors, bool debug)
{
	struct sandbox_ids ids;
	struct l2secd d;
	char msg[320];
	int ret;

	if (errors) {
		log_err("%s: %d error%s; not starting", path, errors, errors == 1 ? "" : "s");
		return 1;
	}
	if (debug)
		cfg->log_level = LOG_DEBUG;
	log_setup(cfg->log_target, cfg->log_level, "l2secd");
	/* before anything is opened or made: no fallback to one process */
	if (cfg->privsep && sandbox_user_check(cfg->engine_user, &ids, msg, sizeof(msg)) < 0) {
		log_err("%s; not starting", msg);
		return 1;
	}
	if (memtrim_no_huge_pages() < 0)
		log_warn("transparent huge pages stay on: %s", strerror(errno));
	if (l2secd_start(&d, path, cfg) < 0) {
		l2secd_cleanup(&d);
		return 1;
	}
	ret = l2secd_run(&d);
	l2secd_cleanup(&d);
	return ret;
}

int main(int argc, char **argv)
{
	const char *path = CONFIG_DEFAULT_PATH;
	bool check = false, print = false, debug = false;
	struct l2sec_config cfg;
	int opt, errors, ret;

	while ((opt = getopt(argc, argv, "c:ndpVh")) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'p':
			print = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'V':
			printf("l2secd %s\n", L2SEC_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (print && !check) {
		fprintf(stderr, "l2secd: -p goes with -n\n");
		return 2;
	}
	log_setup(LOG_TARGET_STDERR, LOG_NOTICE, "l2secd");
	errors = config_load(&cfg, path, check ? check_error : NULL, NULL);
	if (!errors)
		errors = secfile_check_config(&cfg, path, geteuid(),
					      check ? check_error : NULL, NULL);
	if (check)
		ret = check_only(&cfg, path, errors, print);
	else
		ret = run(&cfg, path, errors, debug);
	explicit_bzero(&cfg, sizeof(cfg));	/* psk, secret */
	return ret;
}
