/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Authentication throttling across sessions: wrong PPP passwords counted per
 * user name and per peer, so that a peer cannot guess passwords faster by
 * opening new sessions or tunnels (the PPP engine limits each session alone).
 *
 * Four kinds of keys, each with its own failure count within a window:
 *   user@address  a user name from one source address (IPv6: its /64);
 *   SA            one CHILD_SA (its mark), when the datagram had one;
 *   address       every user name from one source address (IPv6: its /64);
 *   user          one user name from every peer.
 * user@address and SA keys get an exponential backoff once they reach
 * backoff-after failures (1 s, doubling, up to backoff-max): until it has
 * passed every attempt is refused without its answer being checked; at
 * lockout-after failures they are locked for lockout-time. The address and
 * user keys are not delayed, only locked, at their own, higher thresholds,
 * because they also hold the attempts of others: clients behind the same
 * NAT, the legitimate owner of the name.
 *
 * The trade-off: anyone can send wrong passwords for any user name, so a
 * per-user lockout is a denial of service on that user. It is therefore the
 * last and most expensive stage (user-lockout-after failures, from many
 * addresses, since each address is locked much earlier), and it does not
 * apply at an address where that user logged in within the last
 * AUTHLIMIT_TRUST_MS: the user's own home or office keeps working. A locked
 * address locks out the clients behind the same NAT; address-lockout-after
 * is set high for that reason, and the SA key, which a NAT does not share,
 * catches a single client first.
 *
 * The table is bounded: at most max-entries keys, O(1) hash lookups keyed by
 * a random secret (AES-CMAC of the key: a peer cannot aim at a bucket),
 * the least recently failed entry reused when it is full (counted: an
 * attacker with many addresses can push out older entries, which forgets
 * their failures and their trusted addresses, never adds a lockout). A
 * check never creates an entry; only a checked, wrong answer does, and one
 * address can make few before it is locked.
 *
 * Single-threaded: the event loop only. Times are monotonic milliseconds.
 */
#ifndef L2SECD_AUTHLIMIT_H
#define L2SECD_AUTHLIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/sa46.h"

#define AUTHLIMIT_BACKOFF_BASE_MS	1000
#define AUTHLIMIT_TRUST_MS		(24ull * 3600 * 1000)

/* [ppp] auth-throttle-*, auth-backoff-*, *lockout-*; 0 thresholds: off. */
struct authlimit_config {
	uint32_t window_ms;		/* failures older than this are forgotten */
	unsigned int backoff_after;	/* user@address and SA: failures before backoff */
	uint32_t backoff_max_ms;
	unsigned int lockout_after;	/* user@address and SA */
	unsigned int address_lockout_after;
	unsigned int user_lockout_after;
	uint32_t lockout_ms;
	unsigned int max_entries;
};

/* Who tried: the source address of the tunnel and the SA mark (0: none). */
struct authlimit_peer {
	const union sa46 *addr;		/* NULL or AF_UNSPEC: none */
	uint32_t mark;
};

enum authlimit_verdict {
	AUTHLIMIT_OK,
	AUTHLIMIT_BACKOFF,	/* refused: wait for the backoff to pass */
	AUTHLIMIT_LOCKED,	/* refused: locked out */
};

struct authlimit_stats {
	uint64_t refused_backoff;	/* attempts refused during a backoff */
	uint64_t refused_lockout;	/* attempts refused during a lockout */
	uint64_t backoffs;		/* wrong answers that started or grew a backoff */
	uint64_t lockouts;		/* lockouts started */
	uint64_t evicted;		/* entries reused while they still counted */
	uint64_t entries;		/* in the table now */
};

struct authlimit;
struct l2sec_config;

/* The [ppp] keys of cfg. */
void authlimit_config_from(struct authlimit_config *out, const struct l2sec_config *cfg);

struct authlimit *authlimit_new(const struct authlimit_config *cfg);
void authlimit_free(struct authlimit *al);
/* New limits (reload); a new max-entries empties the table. -1: no memory, unchanged. */
int authlimit_set_config(struct authlimit *al, const struct authlimit_config *cfg);

/*
 * May user (the users file's name when the user exists, else the name as
 * sent) try from peer now? Counted and logged (rate-limited) when not.
 */
enum authlimit_verdict authlimit_check(struct authlimit *al, uint64_t now,
				       const char *user, const struct authlimit_peer *peer);
/*
 * A checked, wrong answer. Returns how long (ms) the answer to it should
 * be held back: the longest backoff it started, 0 if none.
 */
uint32_t authlimit_failed(struct authlimit *al, uint64_t now, const char *user,
			  const struct authlimit_peer *peer);
/* A right answer: its user@address and SA start afresh; the address is trusted. */
void authlimit_succeeded(struct authlimit *al, uint64_t now, const char *user,
			 const struct authlimit_peer *peer);

const struct authlimit_stats *authlimit_stats(const struct authlimit *al);

#endif
