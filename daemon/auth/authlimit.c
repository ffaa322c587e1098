// SPDX-License-Identifier: GPL-2.0
/*
 * Authentication throttling across sessions; see authlimit.h for the rules
 * and their trade-off.
 *
 * Entries live in a hash table (chains) and on one list in the order of
 * their last failure or success: when the table is full the tail is reused.
 * An entry is only ever reached through the HMAC of its key, so the key
 * itself (a user name) is not kept.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/hmac.h>

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
	uint8_t key[32];		/* HMAC key: random, per process */
	struct al_entry **buckets;
	unsigned int mask;
	struct al_entry *lru, *lru_tail;
	struct authlimit_stats st;
	/* log rate limit, shared by every key so that many keys cannot flood */
	uint64_t log_period_start;
	unsigned int log_lines, log_suppressed;
};

/* The keys of one attempt and how to name them in the log. */
struct al_keys {
	uint8_t id[AL_KINDS][ID_LEN];
	bool has[AL_KINDS];
	char addr[INET6_ADDRSTRLEN + 4];
	const char *user;
	uint32_t mark;
};

static void key_addr(const struct sockaddr_storage *ss, uint8_t out[16], char *name, size_t cap)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	memset(out, 0, 16);
	if (ss && ss->ss_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &s4->sin_addr, 4);
		inet_ntop(AF_INET, &s4->sin_addr, name, (socklen_t)cap);
	} else if (ss && ss->ss_family == AF_INET6) {
		memcpy(out, &s6->sin6_addr, 16);
		/* an IPv6 host has a /64 to itself: that is one address here */
		if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			memset(out + 8, 0, 8);
		inet_ntop(AF_INET6, out, name, (socklen_t)cap);
		if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			strncat(name, "/64", cap - strlen(name) - 1);
	} else {
		snprintf(name, cap, "?");
	}
}

static void key_id(const struct authlimit *al, enum al_kind kind, const uint8_t addr[16],
		   uint32_t mark, const char *user, uint8_t out[ID_LEN])
{
	struct hmac_sha256_ctx h;
	uint8_t k = (uint8_t)kind, m[4];

	put_be32(m, mark);
	hmac_sha256_set_key(&h, sizeof(al->key), al->key);
	hmac_sha256_update(&h, 1, &k);
	if (kind != AL_USER)
		hmac_sha256_update(&h, 16, addr);
	if (kind == AL_SA)
		hmac_sha256_update(&h, sizeof(m), m);
	if (kind == AL_USER_ADDR || kind == AL_USER)
		hmac_sha256_update(&h, strlen(user), (const uint8_t *)user);
	hmac_sha256_digest(&h, ID_LEN, out);
	explicit_bzero(&h, sizeof(h));
}

static void keys_of(const struct authlimit *al, const char *user,
		    const struct authlimit_peer *peer, struct al_keys *k)
{
	uint8_t addr[16];

	memset(k, 0, sizeof(*k));
	key_addr(peer->addr, addr, k->addr, sizeof(k->addr));
	k->user = user;
	k->mark = peer->mark;
	for (int i = 0; i < AL_KINDS; i++) {
		k->has[i] = i != AL_SA || peer->mark;
		if (k->has[i])
			key_id(al, (enum al_kind)i, addr, peer->mark, user, k->id[i]);
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

static void al_log(struct authlimit *al, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void al_log(struct authlimit *al, uint64_t now, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

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
		return;
	}
	al->log_lines++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_notice("auth: %s", msg);
}

static void key_name(const struct al_keys *k, enum al_kind kind, char *buf, size_t cap)
{
	switch (kind) {
	case AL_USER_ADDR:
		snprintf(buf, cap, "user '%s' from %s", k->user, k->addr);
		break;
	case AL_SA:
		snprintf(buf, cap, "SA mark 0x%x from %s", k->mark, k->addr);
		break;
	case AL_ADDR:
		snprintf(buf, cap, "address %s", k->addr);
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

	if (!al)
		return NULL;
	al->cfg = *cfg;
	if (getrandom(al->key, sizeof(al->key), 0) != sizeof(al->key) ||
	    alloc_buckets(al, cfg->max_entries) < 0) {
		authlimit_free(al);
		return NULL;
	}
	return al;
}

void authlimit_free(struct authlimit *al)
{
	if (!al)
		return;
	free_entries(al);
	free(al->buckets);
	explicit_bzero(al->key, sizeof(al->key));
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

	keys_of(al, user, peer, &k);
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
	key_name(&k, why, name, sizeof(name));
	al_log(al, now, "attempt by user '%s' from %s refused: %s %s for %llu s more",
	       user, k.addr, name, v == AUTHLIMIT_LOCKED ? "locked out" : "backing off",
	       (unsigned long long)((e[why]->blocked_until - now + 999) / 1000));
	return v;
}

/* One more failure of key kind; returns the backoff it sets (ms), 0: none. */
static uint32_t fail_one(struct authlimit *al, uint64_t now, const struct al_keys *k,
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
	key_name(k, kind, name, sizeof(name));
	if (lockout_after && e->failures >= lockout_after) {
		if (!e->locked || e->blocked_until <= now) {
			e->locked = true;
			e->blocked_until = now + c->lockout_ms;
			al->st.lockouts++;
			al_log(al, now, "%s locked out for %u s after %u failures",
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
	al_log(al, now, "%s: %u failures, next attempt in %llu s", name, e->failures,
	       (unsigned long long)(backoff / 1000));
	return (uint32_t)backoff;
}

uint32_t authlimit_failed(struct authlimit *al, uint64_t now, const char *user,
			  const struct authlimit_peer *peer)
{
	uint32_t delay = 0, d;
	struct al_keys k;

	keys_of(al, user, peer, &k);
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

	keys_of(al, user, peer, &k);
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
