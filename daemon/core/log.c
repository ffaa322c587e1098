// SPDX-License-Identifier: GPL-2.0
/* l2secd logging to stderr (journald-friendly) or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/param.h>
#include <unistd.h>

#include "core/log.h"

/* Process-wide, written only by log_setup()/log_set_level() from main(). */
static struct {
	enum log_target target;
	int level;
	bool prefix;
} log_state = { LOG_TARGET_STDERR, LOG_NOTICE, false };

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_setup(enum log_target target, int level, const char *ident)
{
	if (log_state.target == LOG_TARGET_SYSLOG && target != LOG_TARGET_SYSLOG)
		closelog();
	log_state.target = target;
	log_state.level = level;
	/* journald reads "<N>" as the priority; a person at a tty does not want it. */
	log_state.prefix = getenv("JOURNAL_STREAM") || !isatty(STDERR_FILENO);
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int level)
{
	log_state.level = level;
}

int log_get_level(void)
{
	return log_state.level;
}

bool log_enabled(int prio)
{
	return prio <= log_state.level;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcasecmp(name, level_names[i]))
			return (int)i;
	if (!strcasecmp(name, "error"))
		return LOG_ERR;
	if (!strcasecmp(name, "warn"))
		return LOG_WARNING;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}

/* "<N>" for journald, "level: " for a person; its length. */
static size_t log_prefix(char *buf, size_t cap, int prio)
{
	int n;

	if (log_state.target == LOG_TARGET_SYSLOG)
		return 0;
	if (log_state.prefix)
		n = snprintf(buf, cap, "<%d>", prio);
	else
		n = snprintf(buf, cap, "%s: ", log_level_name(prio));
	return n > 0 ? (size_t)n : 0;
}

/*
 * Formatted once, into one buffer with its prefix and newline, and written
 * with one write(2): no second formatting pass through stdio, and a line
 * reaches journald whole (a pipe takes up to PIPE_BUF octets at once).
 */
void log_msg(int prio, const char *fmt, ...)
{
	char buf[1024];
	size_t pre, len;
	va_list ap;
	int n;

	if (!log_enabled(prio))
		return;
	pre = log_prefix(buf, sizeof(buf), prio);
	va_start(ap, fmt);
	n = vsnprintf(buf + pre, sizeof(buf) - pre - 1, fmt, ap);
	va_end(ap);
	len = n < 0 ? pre : MIN(pre + (size_t)n, sizeof(buf) - 2);
	buf[len] = '\0';
	/* One line per message: a peer-supplied string must not forge log lines. */
	for (char *p = buf + pre; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_state.target == LOG_TARGET_SYSLOG) {
		syslog(prio, "%s", buf);
		return;
	}
	buf[len++] = '\n';
	if (write(STDERR_FILENO, buf, len) < 0)
		return;	/* nowhere left to say so */
}
