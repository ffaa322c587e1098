// SPDX-License-Identifier: GPL-2.0
/*
 * The parent's resume records (daemon/priv/priv_state.h): the record decoder
 * and the store, fed as a compromised engine would feed them: a run of
 * datagrams, each framed in the input as
 *
 *     u8 flags, u16 length (big-endian), that many octets
 *
 * flags bit 0: the harness writes the next record number into the header
 * (so that the store's rules, not the numbering, are explored); bit 1: the
 * parent hands the records back to a new engine (numbering from 1 again);
 * bit 2: the SA of mark 7 goes and comes back (its tunnels forgotten).
 *
 * The checker behind the store knows tunnels 10 and 11 on the SA of mark 7
 * from 198.51.100.7 (handles 1 and 2) with sessions 1 and 2 each, session
 * 10/1 authenticated with the pool's first address 10.9.0.1, and a tunnel
 * 10 of its own on the SA of mark 8 from 203.0.113.8 (handle 3: IDs are
 * unique per SA only) with session 1 authenticated with 10.9.0.2; the store
 * holds at most 2 tunnels and 3 sessions.
 *
 * Oracles besides the sanitizers: a datagram the decoder accepts encodes
 * back to the same octets (one canonical form); every datagram is counted
 * once, accepted or refused; the store never holds more than its bound;
 * every hand-back decodes, is numbered from 1, and its ST_END counts what
 * it handed, which is what the store holds.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/users.h"
#include "core/log.h"
#include "priv/priv_check.h"
#include "priv/priv_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char users_text[] = "bob    password s3cret\n";

static struct l2sec_config cfg;
static struct users_db *users;
static struct priv_addr peer7 = { .family = 4 }, peer8 = { .family = 4 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	config_defaults(&cfg);
	inet_pton(AF_INET, "10.9.0.1", &cfg.pool[0].first);
	inet_pton(AF_INET, "10.9.0.3", &cfg.pool[0].last);
	cfg.n_pool = 1;
	cfg.l2tp.max_tunnels = 8;
	cfg.l2tp.max_sessions = 16;
	inet_pton(AF_INET, "198.51.100.7", &peer7.v4);
	inet_pton(AF_INET, "203.0.113.8", &peer8.v4);
	users = users_parse(users_text, sizeof(users_text) - 1, NULL, NULL);
	if (!users)
		abort();
	return 0;
}

/* The request accepted; TUNNEL_ADD's handle (0 for others). */
static uint32_t must(struct priv_check *c, struct priv_msg *m, uint32_t *seq)
{
	struct priv_reply r;

	m->seq = ++*seq;
	if (priv_check_request(c, m, 1000, &r) != PRIV_OK)
		abort();
	return r.handle;
}

/* Session sid of tunnel (h, tid) authenticated as bob, with the pool's next address. */
static void authed(struct priv_check *c, uint32_t h, uint16_t tid, uint16_t sid, uint32_t *seq)
{
	struct priv_msg m = { .type = PRIV_REQ_AUTH_PAP };

	m.pap.who.handle = h;
	m.pap.who.tid = tid;
	m.pap.who.sid = sid;
	m.pap.who.name.len = 3;
	memcpy(m.pap.who.name.s, "bob", 4);
	m.pap.pw_len = 6;
	memcpy(m.pap.pw, "s3cret", 6);
	must(c, &m, seq);
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_ADDR_CLAIM;
	m.addr = (struct priv_addr_req){ .handle = h, .tid = tid, .sid = sid,
					 .addr = { .family = 4 } };
	must(c, &m, seq);
}

static struct priv_check *checker(void)
{
	struct priv_check *c = priv_check_new(&cfg, users);
	struct priv_msg m;
	uint32_t seq = 0, h, h10 = 0;

	if (!c || priv_check_sock_add(c, 1, 4) < 0 || priv_check_sa_up(c, 7, &peer7) < 0 ||
	    priv_check_sa_up(c, 8, &peer8) < 0)
		abort();
	for (uint16_t tid = 10; tid <= 11; tid++) {
		memset(&m, 0, sizeof(m));
		m.type = PRIV_REQ_TUNNEL_ADD;
		m.tunnel_add = (struct priv_tunnel_add){ .tid = tid, .peer_tid = 99, .sock_id = 1,
			.peer = peer7, .peer_port = 1701, .require_ipsec = true, .mark = 7 };
		h = must(c, &m, &seq);
		if (tid == 10)
			h10 = h;
		for (uint16_t sid = 1; sid <= 2; sid++) {
			memset(&m, 0, sizeof(m));
			m.type = PRIV_REQ_SESSION_ADD;
			m.session_add = (struct priv_session_add){ h, tid, sid, (uint16_t)(100 + sid) };
			must(c, &m, &seq);
		}
	}
	authed(c, h10, 10, 1, &seq);
	/* the other SA's tunnel 10 (handle 3), its session 1 with 10.9.0.2 */
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_TUNNEL_ADD;
	m.tunnel_add = (struct priv_tunnel_add){ .tid = 10, .peer_tid = 99, .sock_id = 1,
		.peer = peer8, .peer_port = 1701, .require_ipsec = true, .mark = 8 };
	h = must(c, &m, &seq);
	memset(&m, 0, sizeof(m));
	m.type = PRIV_REQ_SESSION_ADD;
	m.session_add = (struct priv_session_add){ h, 10, 1, 101 };
	must(c, &m, &seq);
	authed(c, h, 10, 1, &seq);
	return c;
}

/* Decoded, the datagram encodes back to itself. */
static void check_canonical(const uint8_t *buf, size_t len)
{
	uint8_t again[PRIV_MSG_MAX];
	struct priv_state_msg m;
	int n;

	if (priv_state_decode(buf, len, &m) != PRIV_OK)
		return;
	n = priv_state_encode(&m, again, sizeof(again));
	if (n < 0 || (size_t)n != len || memcmp(again, buf, len))
		abort();
}

static uint64_t counted(const struct priv_state_stats *st)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < PRIV_ST_TYPES; i++)
		n += st->accepted[i];
	for (unsigned int i = 0; i < PRIV_REASON_MAX; i++)
		n += st->refused[i];
	return n;
}

struct hand {
	uint32_t n;
	struct priv_state_end seen;	/* what was handed, by type */
	bool ended;
};

static int receive(void *ctx, const uint8_t *buf, size_t len)
{
	struct hand *h = ctx;
	struct priv_state_msg m;

	if (h->ended || priv_state_decode(buf, len, &m) != PRIV_OK || m.seq != ++h->n)
		abort();
	switch (m.type) {
	case PRIV_ST_TUNNEL:
		h->seen.n_tunnels++;
		break;
	case PRIV_ST_SESSION:
		h->seen.n_sessions++;
		break;
	case PRIV_ST_PPP:
		h->seen.n_ppp++;
		break;
	case PRIV_ST_END:
		if (memcmp(&m.end, &h->seen, sizeof(h->seen)))
			abort();
		h->ended = true;
		break;
	default:
		abort();
	}
	return 0;
}

static void hand_back(struct priv_state *st, uint32_t *seq)
{
	struct hand h = { 0 };
	unsigned int t, s;

	if (priv_state_hand_back(st, receive, &h) != (int)h.n || !h.ended)
		abort();
	priv_state_counts(st, &t, &s);
	if (t != h.seen.n_tunnels || s != h.seen.n_sessions || h.seen.n_ppp > s)
		abort();
	*seq = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[PRIV_MSG_MAX + 16];
	struct priv_state_msg m;
	bool spent;
	struct priv_check *c = checker();
	struct priv_state *st = priv_state_new(2, 3, c);
	uint32_t seq = 0;
	uint64_t n = 0;
	unsigned int t, s;

	if (!st)
		abort();
	while (size >= 3) {
		uint8_t flags = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, data, len);
		data += len;
		size -= len;
		if ((flags & 1) && len >= PRIV_HDR_LEN) {
			buf[4] = (uint8_t)((seq + 1) >> 24);
			buf[5] = (uint8_t)((seq + 1) >> 16);
			buf[6] = (uint8_t)((seq + 1) >> 8);
			buf[7] = (uint8_t)(seq + 1);
		}
		if (flags & 4) {
			priv_check_sa_gone(c, 7, NULL, NULL);
			if (priv_check_sa_up(c, 7, &peer7) < 0)
				abort();
		}
		check_canonical(buf, len);
		/* a decoded record in order spends its number, refused or not */
		spent = priv_state_decode(buf, len, &m) == PRIV_OK && m.seq == seq + 1;
		priv_state_datagram(st, buf, len);
		seq += spent;
		if (counted(priv_state_stats(st)) != ++n)
			abort();
		priv_state_counts(st, &t, &s);
		if (t > 2 || s > 3)
			abort();
		if (flags & 2)
			hand_back(st, &seq);
	}
	hand_back(st, &seq);
	priv_state_free(st);
	priv_check_free(c);
	return 0;
}
