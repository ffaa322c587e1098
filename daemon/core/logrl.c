// SPDX-License-Identifier: GPL-2.0
/* Rate-limited log lines: a token bucket per call site (see logrl.h). */
#include <stdarg.h>
#include <stdio.h>

#include "core/logrl.h"

/* Process-wide, set by tests; the daemon keeps the monotonic default. */
static struct {
	ev_clock_fn fn;
	void *arg;
} logrl_clock = { ev_clock_monotonic, NULL };

void logrl_set_clock(ev_clock_fn clock, void *arg)
{
	logrl_clock.fn = clock ? clock : ev_clock_monotonic;
	logrl_clock.arg = clock ? arg : NULL;
}

void logrl_init(struct logrl *rl, uint32_t burst, uint32_t interval_ms)
{
	*rl = (struct logrl)LOGRL_INIT(burst, interval_ms);
}

/* Tokens earned since stamp_ms, at most burst; the remainder of an interval is kept. */
static void logrl_refill(struct logrl *rl, uint64_t now)
{
	uint32_t interval = rl->interval_ms ? rl->interval_ms : 1;
	uint64_t n;

	if (!rl->primed || now < rl->stamp_ms) {
		rl->primed = true;
		rl->stamp_ms = now;
		rl->tokens = rl->burst;
		return;
	}
	n = (now - rl->stamp_ms) / interval;
	if (!n)
		return;
	if (n >= rl->burst - rl->tokens) {
		rl->tokens = rl->burst;
		rl->stamp_ms = now;
	} else {
		rl->tokens += (uint32_t)n;
		rl->stamp_ms += n * interval;
	}
}

bool logrl_take(struct logrl *rl)
{
	logrl_refill(rl, logrl_clock.fn(logrl_clock.arg));
	if (!rl->tokens) {
		if (rl->suppressed < UINT32_MAX)
			rl->suppressed++;
		return false;
	}
	rl->tokens--;
	return true;
}

void logrl_msg(struct logrl *rl, int prio, const char *fmt, ...)
{
	char buf[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (rl->suppressed)
		log_msg(prio, "%s (%u similar line%s suppressed)", buf, rl->suppressed,
			rl->suppressed == 1 ? "" : "s");
	else
		log_msg(prio, "%s", buf);
	rl->suppressed = 0;
}
