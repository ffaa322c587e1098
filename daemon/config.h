/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's configuration: one INI file (inih), table-driven.
 *
 *   [global]  log-level, log-target, runtime-dir
 *   [l2tp]    listen, port, hostname, secret, require-ipsec, hello-interval,
 *             retransmit-initial, retransmit-max, retransmit-retries, ack-delay,
 *             receive-window, max-tunnels, max-sessions,
 *             max-sessions-per-tunnel, max-half-open, sccrq-rate
 *
 * Later issues add their own sections ([ipsec], [ppp], pools) to the key
 * table in config.c; a section or key that is not in the table is an error.
 * Every error names its line; parsing goes on to report all of them.
 *
 * A struct l2sec_config is a plain value: a reload parses into a fresh one
 * and swaps it in only when it has no error.
 */
#ifndef L2SECD_CONFIG_H
#define L2SECD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define CONFIG_MAX_LISTEN 8
#define CONFIG_DEFAULT_PATH "/etc/l2sec/l2sec.conf"

struct l2sec_config {
	/* [global] */
	int log_level;
	int log_target;			/* enum log_target */
	char runtime_dir[96];		/* holds the pid file and control socket */

	/* [l2tp] */
	struct sockaddr_storage listen[CONFIG_MAX_LISTEN];
	unsigned int n_listen;
	unsigned int port;
	char hostname[64];
	char secret[128];		/* tunnel secret; empty: no tunnel auth */
	bool require_ipsec;
	unsigned int hello_interval_ms;	/* 0: no HELLO */
	unsigned int rexmit_initial_ms;
	unsigned int rexmit_max_ms;
	unsigned int rexmit_retries;
	unsigned int ack_delay_ms;
	unsigned int receive_window;	/* our RWS: out-of-order messages held per tunnel */
	unsigned int max_tunnels;
	unsigned int max_sessions;
	unsigned int max_sessions_per_tunnel;
	unsigned int max_half_open;	/* tunnels between SCCRQ and SCCCN */
	unsigned int sccrq_rate;	/* new SCCRQs accepted per second (burst the same) */
};

/* Called once per error; line 0 for an error about the whole file. */
typedef void (*config_error_fn)(void *arg, const char *file, unsigned int line,
				const char *msg);

void config_defaults(struct l2sec_config *cfg);
/* Returns the number of errors (0: cfg is complete and valid). */
int config_parse_file(struct l2sec_config *cfg, FILE *f, const char *name,
		      config_error_fn err, void *arg);
int config_load(struct l2sec_config *cfg, const char *path,
		config_error_fn err, void *arg);
/* The effective configuration as a file that parses back to the same values. */
void config_print(const struct l2sec_config *cfg, FILE *out);
/* The default error reporter: one log line "FILE:LINE: message". */
void config_log_error(void *arg, const char *file, unsigned int line, const char *msg);

#endif
