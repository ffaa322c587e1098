// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication throttling across sessions; see authlimit.h for the rules
 * and their trade-off.
 *
 * Entries live in a hash table (chains) and on one list in the order of
 * their last failure or success: when the table is full the tail is reused.
 * An entry is only ever reached through a keyed hash of its key (its id),
 * so the key itself (a user name) is not kept.
 *
 * The id is AES-128-CMAC under a random per-process key, with the cipher's
 * key schedule and CMAC's subkeys computed once in authlimit_new(): per id
 * that is two or three AES blocks (with AES-NI a few dozen instructions),
 * where HMAC-SHA-256 keyed per call cost four SHA-256 compressions (a third
 * of a whole setup's instructions: docs/PERFORMANCE.md). The threat model
 * needs a pseudo-random function with a wide output: a peer that could
 * predict ids could aim at one hash chain, and two keys with the same id
 * would share one failure count (a user locked out by another's failures).
 * CMAC is a PRF; 128 bits make a collision among a bounded table's entries
 * out of reach. A short hash for tables (SipHash's 64 bits) would do for
 * the buckets but not as the entry's identity, and nettle 3.8 has none.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/aes.h>
#include <nettle/cmac.h>

#include "auth/authlimit.h"
#include "conf/config.h"
#include "core/log.h"
#include "core/util.h"

#define ID_LEN		16
#define LOG_BURST	10		/* log lines ... */
#define LOG_PERIOD_MS	60000		/* ... per period, then a count of the rest */

enum al_kind { AL_USER_ADDR, AL_SA, AL_ADDR, AL_USER, AL_KINDS };

struct al_entry {
	struct al_entry *hnext;
	struct al_entry *prev, *next;	/* al->lru, most recent first */
	uint8_t id[ID_LEN];
	unsigned int failures;		/* within the window that started at window_start */
	uint64_t window_start;
	uint64_t blocked_until;		/* backoff or lockout end */
	bool locked;
	uint64_t trusted_until;		/* user@address: the user logged in from here */
};

struct authlimit {
	struct authlimit_config cfg;
	struct aes128_ctx aes;		/* the id's key (random, per process), expanded */
	struct cmac128_key cmac;	/* CMAC's subkeys under it */
	struct al_entry **buckets;
	unsigned int mask;
	struct al_entry *lru, *lru_tail;
	struct authlimit_stats st;
	/* log rate limit, shared by every key so that many keys cannot flood */
	uint64_t log_period_start;
	unsigned int log_lines, log_suppressed;
};

#define ALL_KINDS	((1u << AL_KINDS) - 1)

/* The keys of one attempt and how to name them in the log. */
struct al_keys {
	uint8_t id[AL_KINDS][ID_LEN];
	bool has[AL_KINDS];
	uint8_t addr[16];		/* the source, IPv4-mapped; IPv6: its /64 */
	bool v6_prefix;
	char name[INET6_ADDRSTRLEN + 4];	/* of addr, made when a line needs it */
	const char *user;
	uint32_t mark;
};

static void key_addr(const union sa46 *sa, struct al_keys *k)
{
	if (sa && sa->sa.sa_family == AF_INET) {
		k->addr[10] = k->addr[11] = 0xff;
		memcpy(k->addr + 12, &sa->sin.sin_addr, 4);
	} else if (sa && sa->sa.sa_family == AF_INET6) {
		memcpy(k->addr, &sa->sin6.sin6_addr, 16);
		/* an IPv6 host has a /64 to itself: that is one address here */
		k->v6_prefix = !IN6_IS_ADDR_V4MAPPED(&sa->sin6.sin6_addr);
		if (k->v6_prefix)
			memset(k->addr + 8, 0, 8);
	} else {
		snprintf(k->name, sizeof(k->name), "?");
	}
}

/* The source as a log line names it; only lines pay for inet_ntop. */
static const char *addr_name(struct al_keys *k)
{
	size_t cap = sizeof(k->name);

	if (k->name[0])
		return k->name;
	if (!k->v6_prefix) {
		inet_ntop(AF_INET, k->addr + 12, k->name, (socklen_t)cap);
		return k->name;
	}
	inet_ntop(AF_INET6, k->addr, k->name, (socklen_t)cap);
	strncat(k->name, "/64", cap - strlen(k->name) - 1);
	return k->name;
}

static void key_id(const struct authlimit *al, enum al_kind kind, const struct al_keys *k,
		   uint8_t out[ID_LEN])
{
	nettle_cipher_func *enc = (nettle_cipher_func *)aes128_encrypt;
	struct cmac128_ctx c;
	uint8_t kb = (uint8_t)kind, m[4];

	put_be32(m, k->mark);
	cmac128_init(&c);
	/* the kind first: the rest of each kind's layout is fixed, the user name last */
	cmac128_update(&c, &al->aes, enc, 1, &kb);
	if (kind != AL_USER)
		cmac128_update(&c, &al->aes, enc, sizeof(k->addr), k->addr);
	if (kind == AL_SA)
		cmac128_update(&c, &al->aes, enc, sizeof(m), m);
	if (kind == AL_USER_ADDR || kind == AL_USER)
		cmac128_update(&c, &al->aes, enc, strlen(k->user), (const uint8_t *)k->user);
	cmac128_digest(&c, &al->cmac, &al->aes, enc, ID_LEN, out);
	explicit_bzero(&c, sizeof(c));
}

/* The ids of the kinds in mask (bits 1 << al_kind) that apply to this attempt. */
static void keys_of(const struct authlimit *al, const char *user,
		    const struct authlimit_peer *peer, unsigned int mask, struct al_keys *k)
{
	memset(k, 0, sizeof(*k));
	key_addr(peer->addr, k);
	k->user = user;
	k->mark = peer->mark;
	for (int i = 0; i < AL_KINDS; i++) {
		k->has[i] = i != AL_SA || peer->mark;
		if (k->has[i] && (mask & (1u << i)))
			key_id(al, (enum al_kind)i, k, k->id[i]);
	}
}

static unsigned int bucket(const struct authlimit *al, const uint8_t id[ID_LEN])
{
	return get_be32(id) & al->mask;
}

static struct al_entry *find(const struct authlimit *al, const uint8_t id[ID_LEN])
{
	struct al_entry *e;

	for (e = al->buckets[bucket(al, id)]; e; e = e->hnext)
		if (!memcmp(e->id, id, ID_LEN))
			return e;
	return NULL;
}

/* Does e still hold anything at now? */
static bool live(const struct authlimit *al, const struct al_entry *e, uint64_t now)
{
	return (e->failures && now - e->window_start < al->cfg.window_ms) ||
	       e->blocked_until > now || e->trusted_until > now;
}

static void lru_unlink(struct authlimit *al, struct al_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		al->lru = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		al->lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct authlimit *al, struct al_entry *e)
{
	e->next = al->lru;
	if (al->lru)
		al->lru->prev = e;
	al->lru = e;
	if (!al->lru_tail)
		al->lru_tail = e;
}

static void hash_unlink(struct authlimit *al, struct al_entry *e)
{
	struct al_entry **pp = &al->buckets[bucket(al, e->id)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == e) {
			*pp = e->hnext;
			return;
		}
	}
}

/* The entry for id, made (or the oldest reused) when absent; NULL: no memory. */
static struct al_entry *get(struct authlimit *al, const uint8_t id[ID_LEN], uint64_t now)
{
	struct al_entry *e = find(al, id);

	if (e) {
		lru_unlink(al, e);
		goto out;
	}
	if (al->st.entries >= al->cfg.max_entries && al->lru_tail) {
		e = al->lru_tail;
		if (live(al, e, now))
			al->st.evicted++;
		lru_unlink(al, e);
		hash_unlink(al, e);
		memset(e, 0, sizeof(*e));
	} else {
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		al->st.entries++;
	}
	memcpy(e->id, id, ID_LEN);
	e->hnext = al->buckets[bucket(al, id)];
	al->buckets[bucket(al, id)] = e;
out:
	lru_push(al, e);
	return e;
}

/*
 * May a line be written now? Asked before the line is made, so that a line
 * the limit leaves out costs no inet_ntop or snprintf (a peer's failures
 * make them by the thousand); the admission limit (l2tp_admit.c) does the
 * same. A line left out is counted for the next period's summary.
 */
static bool al_log_ok(struct authlimit *al, uint64_t now)
{
	if (!log_enabled(LOG_NOTICE))
		return false;
	if (now - al->log_period_start >= LOG_PERIOD_MS) {
		if (al->log_suppressed)
			log_notice("auth: %u more throttling message%s suppressed",
				   al->log_suppressed, al->log_suppressed == 1 ? "" : "s");
		al->log_period_start = now;
		al->log_lines = 0;
		al->log_suppressed = 0;
	}
	if (al->log_lines >= LOG_BURST) {
		al->log_suppressed++;
		return false;
	}
	al->log_lines++;
	return true;
}

static void key_name(struct al_keys *k, enum al_kind kind, char *buf, size_t cap)
{
	switch (kind) {
	case AL_USER_ADDR:
		snprintf(buf, cap, "user '%s' from %s", k->user, addr_name(k));
		break;
	case AL_SA:
		snprintf(buf, cap, "SA mark 0x%x from %s", k->mark, addr_name(k));
		break;
	case AL_ADDR:
		snprintf(buf, cap, "address %s", addr_name(k));
		break;
	default:
		snprintf(buf, cap, "user '%s' (every address)", k->user);
		break;
	}
}

/* --- public ---------------------------------------------------------------- */

void authlimit_config_from(struct authlimit_config *out, const struct l2sec_config *cfg)
{
	*out = (struct authlimit_config){
		.window_ms = cfg->auth_throttle_window_ms,
		.backoff_after = cfg->auth_backoff_after,
		.backoff_max_ms = cfg->auth_backoff_max_ms,
		.lockout_after = cfg->auth_lockout_after,
		.address_lockout_after = cfg->auth_address_lockout_after,
		.user_lockout_after = cfg->auth_user_lockout_after,
		.lockout_ms = cfg->auth_lockout_time_ms,
		.max_entries = cfg->auth_throttle_entries,
	};
}

static int alloc_buckets(struct authlimit *al, unsigned int max_entries)
{
	unsigned int n = 16;

	while (n < max_entries && n < (1u << 24))
		n <<= 1;
	al->buckets = calloc(n, sizeof(*al->buckets));
	if (!al->buckets)
		return -1;
	al->mask = n - 1;
	return 0;
}

static void free_entries(struct authlimit *al)
{
	struct al_entry *e, *next;

	for (e = al->lru; e; e = next) {
		next = e->next;
		free(e);
	}
	al->lru = al->lru_tail = NULL;
	al->st.entries = 0;
}

struct authlimit *authlimit_new(const struct authlimit_config *cfg)
{
	struct authlimit *al = calloc(1, sizeof(*al));
	uint8_t key[AES128_KEY_SIZE];

	if (!al)
		return NULL;
	al->cfg = *cfg;
	if (getrandom(key, sizeof(key), 0) != sizeof(key) ||
	    alloc_buckets(al, cfg->max_entries) < 0) {
		explicit_bzero(key, sizeof(key));
		authlimit_free(al);
		return NULL;
	}
	aes128_set_encrypt_key(&al->aes, key);
	cmac128_set_key(&al->cmac, &al->aes, (nettle_cipher_func *)aes128_encrypt);
	explicit_bzero(key, sizeof(key));
	return al;
}

void authlimit_free(struct authlimit *al)
{
	if (!al)
		return;
	free_entries(al);
	free(al->buckets);
	explicit_bzero(&al->aes, sizeof(al->aes));
	explicit_bzero(&al->cmac, sizeof(al->cmac));
	free(al);
}

int authlimit_set_config(struct authlimit *al, const struct authlimit_config *cfg)
{
	struct al_entry **old = al->buckets;
	unsigned int old_mask = al->mask;

	if (cfg->max_entries != al->cfg.max_entries) {
		if (alloc_buckets(al, cfg->max_entries) < 0) {
			al->buckets = old;
			al->mask = old_mask;
			return -1;
		}
		free_entries(al);
		free(old);
	}
	al->cfg = *cfg;
	return 0;
}

static bool blocked(const struct al_entry *e, uint64_t now)
{
	return e && e->blocked_until > now;
}

enum authlimit_verdict authlimit_check(struct authlimit *al, uint64_t now,
				       const char *user, const struct authlimit_peer *peer)
{
	enum authlimit_verdict v = AUTHLIMIT_OK;
	struct al_entry *e[AL_KINDS] = { NULL };
	enum al_kind why = AL_USER_ADDR;
	struct al_keys k;
	char name[400];

	keys_of(al, user, peer, ALL_KINDS, &k);
	for (int i = 0; i < AL_KINDS; i++)
		e[i] = k.has[i] ? find(al, k.id[i]) : NULL;
	for (int i = AL_KINDS - 1; i >= 0; i--) {
		if (!blocked(e[i], now))
			continue;
		/* the user's own address stays open during a user lockout */
		if (i == AL_USER && e[AL_USER_ADDR] && e[AL_USER_ADDR]->trusted_until > now)
			continue;
		if (v != AUTHLIMIT_LOCKED) {
			v = e[i]->locked ? AUTHLIMIT_LOCKED : AUTHLIMIT_BACKOFF;
			why = (enum al_kind)i;
		}
	}
	if (v == AUTHLIMIT_OK)
		return v;
	if (v == AUTHLIMIT_LOCKED)
		al->st.refused_lockout++;
	else
		al->st.refused_backoff++;
	if (!al_log_ok(al, now))
		return v;
	key_name(&k, why, name, sizeof(name));
	log_notice("auth: attempt by user '%s' from %s refused: %s %s for %llu s more",
		   user, addr_name(&k), name, v == AUTHLIMIT_LOCKED ? "locked out" : "backing off",
		   (unsigned long long)((e[why]->blocked_until - now + 999) / 1000));
	return v;
}

/* One more failure of key kind; returns the backoff it sets (ms), 0: none. */
static uint32_t fail_one(struct authlimit *al, uint64_t now, struct al_keys *k,
			 enum al_kind kind)
{
	const struct authlimit_config *c = &al->cfg;
	unsigned int backoff_after = 0, lockout_after;
	struct al_entry *e = get(al, k->id[kind], now);
	uint64_t backoff = c->backoff_max_ms;
	char name[400];

	if (!e)
		return 0;
	if (!e->failures || now - e->window_start >= c->window_ms) {
		e->failures = 0;
		e->window_start = now;
		e->locked = false;
	}
	e->failures++;
	lockout_after = kind == AL_ADDR ? c->address_lockout_after :
			kind == AL_USER ? c->user_lockout_after : c->lockout_after;
	if (kind == AL_USER_ADDR || kind == AL_SA)
		backoff_after = c->backoff_after;
	if (lockout_after && e->failures >= lockout_after) {
		if (!e->locked || e->blocked_until <= now) {
			e->locked = true;
			e->blocked_until = now + c->lockout_ms;
			al->st.lockouts++;
			if (!al_log_ok(al, now))
				return 0;
			key_name(k, kind, name, sizeof(name));
			log_notice("auth: %s locked out for %u s after %u failures",
				   name, c->lockout_ms / 1000, e->failures);
		}
		return 0;
	}
	if (!backoff_after || e->failures < backoff_after)
		return 0;
	if (e->failures - backoff_after < 31)
		backoff = (uint64_t)AUTHLIMIT_BACKOFF_BASE_MS << (e->failures - backoff_after);
	if (backoff > c->backoff_max_ms)
		backoff = c->backoff_max_ms;
	e->blocked_until = now + backoff;
	al->st.backoffs++;
	if (!al_log_ok(al, now))
		return (uint32_t)backoff;
	key_name(k, kind, name, sizeof(name));
	log_notice("auth: %s: %u failures, next attempt in %llu s", name, e->failures,
		   (unsigned long long)(backoff / 1000));
	return (uint32_t)backoff;
}

uint32_t authlimit_failed(struct authlimit *al, uint64_t now, const char *user,
			  const struct authlimit_peer *peer)
{
	uint32_t delay = 0, d;
	struct al_keys k;

	keys_of(al, user, peer, ALL_KINDS, &k);
	for (int i = 0; i < AL_KINDS; i++) {
		if (!k.has[i])
			continue;
		d = fail_one(al, now, &k, (enum al_kind)i);
		if (d > delay)
			delay = d;
	}
	return delay;
}

void authlimit_succeeded(struct authlimit *al, uint64_t now, const char *user,
			 const struct authlimit_peer *peer)
{
	struct al_entry *e;
	struct al_keys k;

	keys_of(al, user, peer, 1u << AL_USER_ADDR | 1u << AL_SA, &k);
	/*
	 * The address and user counts stay: an attacker with an account of
	 * its own must not reset them by logging in between guesses.
	 */
	e = get(al, k.id[AL_USER_ADDR], now);
	if (e) {
		e->failures = 0;
		e->blocked_until = 0;
		e->locked = false;
		e->trusted_until = now + AUTHLIMIT_TRUST_MS;
	}
	if (k.has[AL_SA] && (e = find(al, k.id[AL_SA]))) {
		e->failures = 0;
		e->blocked_until = 0;
		e->locked = false;
	}
}

const struct authlimit_stats *authlimit_stats(const struct authlimit *al)
{
	return &al->st;
}
