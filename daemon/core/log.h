/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd logging: syslog levels, to stderr or syslog.
 *
 * On stderr each line carries a "<N>" priority prefix when stderr is not a
 * terminal or JOURNAL_STREAM is set, which journald turns into the priority.
 * Callers never pass secrets (tunnel secret, passwords, keys) to these
 * functions; log the fact, not the value.
 *
 * The state is process-wide and set once by main() before the event loop
 * runs; the daemon is single-threaded.
 */
#ifndef L2SECD_LOG_H
#define L2SECD_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
};

void log_setup(enum log_target target, int level, const char *ident);
void log_set_level(int level);
int log_get_level(void);
bool log_enabled(int prio);

/* Level names as in the configuration: err, warning, notice, info, debug. */
int log_level_parse(const char *name);
const char *log_level_name(int level);

void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
