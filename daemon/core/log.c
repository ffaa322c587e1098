// SPDX-License-Identifier: GPL-2.0
/* l2secd logging to stderr (journald-friendly) or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

void log_msg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One line per message: a peer-supplied string must not forge log lines. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_state.target == LOG_TARGET_SYSLOG) {
		syslog(prio, "%s", buf);
		return;
	}
	if (log_state.prefix)
		fprintf(stderr, "<%d>%s\n", prio, buf);
	else
		fprintf(stderr, "%s: %s\n", log_level_name(prio), buf);
}
