/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the privsep parent may replace its engine for a reload (SIGHUP; see
 * docs/ARCHITECTURE.md, "Two processes": a reload). A replacement kills the
 * engine and forks a new one that resumes every tunnel and session; it must
 * not run twice at once, nor more often than once every PRIV_RELOAD_MIN_MS,
 * however many SIGHUPs come (an operator's loop, a hundred in a second): a
 * SIGHUP meanwhile is kept as one pending reload, done once the replacement
 * has ended and the interval passed, with the files as they are then. So at
 * most one engine is forked for reloads per PRIV_RELOAD_MIN_MS.
 *
 * Only the decision: the caller (privsep.c) reloads, kills, forks and arms
 * its timer. Event loop only.
 */
#ifndef L2SECD_PRIV_RELOAD_H
#define L2SECD_PRIV_RELOAD_H

#include <stdbool.h>
#include <stdint.h>

#define PRIV_RELOAD_MIN_MS	1000

struct priv_reload {
	bool replacing;		/* the old engine killed, the new one not forked yet */
	bool pending;		/* a SIGHUP to act on after */
	bool started;		/* a replacement has begun once: last_ms holds */
	uint64_t last_ms;	/* the last replacement's start */
	uint64_t reloads;	/* replacements ended: engines forked for a reload */
	uint64_t coalesced;	/* SIGHUPs that found one pending already */
};

/*
 * A SIGHUP at now: true to reload now. false: it is pending, to be done
 * after *wait_ms (UINT64_MAX: once the replacement under way ends,
 * priv_reload_end says when).
 */
bool priv_reload_request(struct priv_reload *r, uint64_t now, uint64_t *wait_ms);
/* The pending reload's time came (the caller's timer): as priv_reload_request. */
bool priv_reload_due(struct priv_reload *r, uint64_t now, uint64_t *wait_ms);
/* A replacement begins: the engine is killed at now. */
void priv_reload_begin(struct priv_reload *r, uint64_t now);
/*
 * The replacement ended (a new engine forked, or none could be): true when a
 * reload is pending, to be done after *wait_ms (priv_reload_due then).
 */
bool priv_reload_end(struct priv_reload *r, uint64_t now, uint64_t *wait_ms);

#endif
