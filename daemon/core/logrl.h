/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rate-limited log lines: the rule is that every line a peer can cause is
 * limited (docs/SECURITY.md), so a flood of SCCRQs, LCP frames or DHCP
 * requests costs the gateway a counter, not a line each.
 *
 * One struct logrl per call site: a static one next to the line, or one in
 * the object that owns the line (the LNS, a tunnel) when a test must start
 * from a fresh limiter. It is a token bucket: BURST lines at once, then one
 * more every INTERVAL_MS. A line the bucket refuses is counted, not written;
 * the next line it lets through carries "(N similar lines suppressed)". If no
 * line follows, the count is not written (the module's counters still say
 * what happened).
 *
 *	static struct logrl rl = LOGRL_INIT_DEFAULT;
 *	log_rl(&rl, LOG_WARNING, "l2tp: %s: refused", peer_name(p));
 *
 * Like log_at() (core/log.h), a suppressed line, or one below the level, costs
 * a comparison or two: its arguments are not evaluated, so they must have no
 * side effects. A line below the level takes no token and is not counted.
 *
 * Time is the process-wide clock given to logrl_set_clock(), by default
 * CLOCK_MONOTONIC in milliseconds (the event loop's clock); unit tests give
 * their fake one. A clock that goes back (a new fake) restarts the bucket
 * full. Single-threaded, like the rest of the daemon: no locking.
 */
#ifndef L2SECD_LOGRL_H
#define L2SECD_LOGRL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "core/log.h"

/* The default: 5 lines at once, then one every 5 s (17280 a day at most). */
#define LOGRL_BURST		5
#define LOGRL_INTERVAL_MS	5000

struct logrl {
	uint32_t burst;		/* lines let through at once */
	uint32_t interval_ms;	/* one more line allowed per interval */
	/* state, zero before the first line */
	uint64_t stamp_ms;	/* tokens counted up to this time */
	uint32_t tokens;	/* lines that may go now */
	uint32_t suppressed;	/* lines refused since the last one written */
	bool primed;		/* stamp_ms and tokens are set */
};

#define LOGRL_INIT(b, ms)	{ .burst = (b), .interval_ms = (ms) }
#define LOGRL_INIT_DEFAULT	LOGRL_INIT(LOGRL_BURST, LOGRL_INTERVAL_MS)

/* NULL: CLOCK_MONOTONIC (ev_clock_monotonic). */
void logrl_set_clock(ev_clock_fn clock, void *arg);

/* (Re)initialize rl in an object: burst lines at once, one per interval_ms. */
void logrl_init(struct logrl *rl, uint32_t burst, uint32_t interval_ms);

/* Whether a line may be written now: takes a token, else counts the line. */
bool logrl_take(struct logrl *rl);

/* Lines refused since the last one written (for tests and counters). */
static inline uint32_t logrl_suppressed(const struct logrl *rl)
{
	return rl->suppressed;
}

/* Writes the line, with the count of lines suppressed before it; resets it. */
void logrl_msg(struct logrl *rl, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The level first (no token taken for a line nobody would see), then the bucket. */
#define log_rl(rl, prio, ...) \
	do { \
		if (log_enabled(prio) && logrl_take(rl)) \
			logrl_msg(rl, prio, __VA_ARGS__); \
	} while (0)
#define log_rl_warn(rl, ...)	log_rl(rl, LOG_WARNING, __VA_ARGS__)
#define log_rl_notice(rl, ...)	log_rl(rl, LOG_NOTICE, __VA_ARGS__)
#define log_rl_info(rl, ...)	log_rl(rl, LOG_INFO, __VA_ARGS__)

#endif
