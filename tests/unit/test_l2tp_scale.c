// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS at scale, without timing: session IDs are per tunnel (RFC 2661),
 * and every lookup on a control or data path goes through an index whose
 * cost is counted (htab_probes, lns->id_probes) with 60,000 tunnels up:
 * SCCRQ retransmissions and new SCCRQs (find_by_peer), an SA going away
 * (l2tp_lns_close_mark), data for a session, tunnel and session ID
 * allocation, and max-half-open's displacement.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "l2tp_fake.h"
#include "core/htab.h"
#include "core/log.h"
#include "core/util.h"

#define N_TUNNELS 60000u

static struct fake *f;

static int setup(void **state)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
	f = fake_new(NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_free(f);
	return 0;
}

/* A fake whose limits let N_TUNNELS peers in at once. */
static int setup_big(void **state)
{
	struct l2sec_config cfg;

	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
	config_defaults(&cfg);
	strcpy(cfg.l2tp.hostname, "lns");
	cfg.l2tp.require_ipsec = false;
	cfg.l2tp.max_tunnels = 65535;
	cfg.l2tp.max_half_open = 65535;
	cfg.l2tp.sccrq_rate = 100000;
	cfg.l2tp.peer_table_size = 1u << 18;
	cfg.l2tp.hello_interval_ms = 0;
	f = fake_new(&cfg);
	*state = f;
	return 0;
}

/* Established tunnel of a LAC at addr (mark: its SA, 0 none), its packets forgotten. */
static void up(struct lac *l, uint32_t addr, uint32_t mark, uint16_t tid)
{
	lac_init(l, f, addr, 1701, mark, tid);
	lac_establish(l);
	assert_int_not_equal(l->lns_tid, 0);
	lac_zlb(l);
}

/* The LNS's session ID for the LAC's ICRQ with session peer_sid (0: refused). */
static uint16_t call(struct lac *l, uint16_t peer_sid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t type, sid;

	lac_icrq(l, peer_sid);
	type = lac_recv(l, &m, &h, &p);
	if (type != L2TP_ICRP)
		return 0;
	sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(l, sid);
	return sid;
}

static void data(struct lac *l, uint16_t tid, uint16_t sid)
{
	uint8_t pkt[] = { 0x00, 0x02, 0, 0, 0, 0, 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };

	put_be16(pkt + 2, tid);
	put_be16(pkt + 4, sid);
	l2tp_lns_input(f->lns, pkt, sizeof(pkt), &l->peer);
}

/* Two tunnels hold the same session ID; each (tunnel, session) pair finds its own. */
static void test_session_ids_per_tunnel(void **state)
{
	struct lac a, b;
	struct l2tp_session *sa, *sb;
	uint32_t rnd;
	uint16_t sid, other;

	(void)state;
	up(&a, 0x0a000001, 0, 11);
	up(&b, 0x0a000002, 0, 22);
	/* the same random draw for both calls: the same session ID in both tunnels */
	rnd = f->rnd;
	sid = call(&a, 100);
	f->rnd = rnd;
	assert_int_equal(call(&b, 100), sid);
	assert_int_not_equal(sid, 0);
	sa = l2tp_lns_session(f->lns, a.lns_tid, sid);
	sb = l2tp_lns_session(f->lns, b.lns_tid, sid);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_ptr_not_equal(sa, sb);
	assert_ptr_equal(sa->tunnel, l2tp_lns_tunnel(f->lns, a.lns_tid));
	assert_ptr_equal(sb->tunnel, l2tp_lns_tunnel(f->lns, b.lns_tid));
	assert_int_equal(sa->state, SESSION_ESTABLISHED);
	assert_int_equal(sb->state, SESSION_ESTABLISHED);

	/* data reaches the session of the tunnel it names */
	data(&a, a.lns_tid, sid);
	assert_int_equal(f->ppp_frames, 1);
	assert_ptr_equal(f->ppp_last, sa);
	data(&b, b.lns_tid, sid);
	assert_int_equal(f->ppp_frames, 2);
	assert_ptr_equal(f->ppp_last, sb);

	/* a session ID only tunnel b has, sent in tunnel a: not delivered */
	other = call(&b, 101);
	assert_int_not_equal(other, 0);
	assert_null(l2tp_lns_session(f->lns, a.lns_tid, other));
	data(&a, a.lns_tid, other);
	assert_int_equal(f->ppp_frames, 2);
	assert_int_equal(f->lns->stats.rx_data_dropped, 1);
	/* b's tunnel ID from a's address: not delivered either */
	data(&a, b.lns_tid, sid);
	assert_int_equal(f->ppp_frames, 2);
	assert_int_equal(f->lns->stats.rx_data_dropped, 2);

	/* closing one leaves the other with the same ID */
	l2tp_session_close(sa, CDN_ADMIN, 0, "test");
	assert_null(l2tp_lns_session(f->lns, a.lns_tid, sid));
	assert_ptr_equal(l2tp_lns_session(f->lns, b.lns_tid, sid), sb);
	data(&b, b.lns_tid, sid);
	assert_int_equal(f->ppp_frames, 3);
	assert_ptr_equal(f->ppp_last, sb);
	fake_advance(f, 1);	/* the closed session's memory goes */
}

/* A CDN that names only the peer's session ID finds the session in its own tunnel. */
static void test_cdn_by_peer_sid(void **state)
{
	struct lac a, b;
	uint8_t buf[128];
	struct l2tp_builder bld;
	uint16_t sa, sb;

	(void)state;
	up(&a, 0x0a000001, 0, 11);
	up(&b, 0x0a000002, 0, 22);
	sa = call(&a, 7);
	sb = call(&b, 7);
	assert_non_null(l2tp_lns_session(f->lns, a.lns_tid, sa));
	/* the same peer session ID twice in one tunnel: refused; in another: fine (above) */
	assert_int_equal(call(&a, 7), 0);
	lac_begin(&b, &bld, buf, sizeof(buf), 0, L2TP_CDN);
	l2tp_build_result(&bld, CDN_ADMIN, 0, NULL);
	l2tp_build_u16(&bld, true, AVP_ASSIGNED_SESSION_ID, 7);
	lac_send(&b, &bld);
	assert_null(l2tp_lns_session(f->lns, b.lns_tid, sb));
	assert_non_null(l2tp_lns_session(f->lns, a.lns_tid, sa));
	fake_advance(f, 1);
}

/* Session IDs of one tunnel: never 0, never twice, each allocation a bounded few probes. */
static void test_session_alloc(void **state)
{
	static uint8_t seen[65536];
	struct lac a;
	unsigned int n = 2000;

	(void)state;
	memset(seen, 0, sizeof(seen));
	f->cfg.l2tp.max_sessions_per_tunnel = n;
	up(&a, 0x0a000001, 0, 11);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t before = f->lns->id_probes;
		uint16_t sid;

		sid = call(&a, (uint16_t)(i + 1));
		assert_int_not_equal(sid, 0);
		assert_int_equal(seen[sid], 0);
		seen[sid] = 1;
		/* 2000 of 65535 used: almost always the first probe */
		assert_true(f->lns->id_probes - before <= 4);
		f->n_out = 0;
		a.seen = 0;
	}
	assert_int_equal(l2tp_lns_tunnel(f->lns, a.lns_tid)->n_sessions, n);
}

/* Tunnel IDs in a crowded space: a free one, never 0, at most 32 probes and 1024 words. */
static void test_tunnel_alloc_crowded(void **state)
{
	struct l2tp_lns *lns = f->lns;
	unsigned int got[2] = { 0, 0 };
	uint64_t before;

	(void)state;
	memset(lns->tid_used, 0xff, sizeof(lns->tid_used));
	/* two free IDs far apart; 0 is never one */
	lns->tid_used[0] &= ~1ull;
	lns->tid_used[3] &= ~(1ull << 5);	/* 197 */
	lns->tid_used[900] &= ~(1ull << 63);	/* 57663 */
	for (int i = 0; i < 64; i++) {
		uint16_t id;

		before = lns->id_probes;
		id = l2tp_lns_alloc_tid(lns);
		assert_true(id == 197 || id == 57663);
		got[id == 197]++;
		assert_true(lns->id_probes - before <= 32 + 1024 + 2);
	}
	/* the start is random: both come up */
	assert_true(got[0] > 0 && got[1] > 0);
	lns->tid_used[3] |= 1ull << 5;
	lns->tid_used[900] |= 1ull << 63;
	before = lns->id_probes;
	assert_int_equal(l2tp_lns_alloc_tid(lns), 0);
	assert_true(lns->id_probes - before <= 32 + 1024);
	memset(lns->tid_used, 0, sizeof(lns->tid_used));
}

static uint32_t addr_of(unsigned int i)
{
	return 0x0a000000u + i + 1;
}

/*
 * 60,000 tunnels: an SCCRQ retransmission, a new SCCRQ, an SA going away
 * and a data packet each look at O(1) entries, and every tunnel ID is unique.
 */
static void test_60k_tunnels(void **state)
{
	struct lac *l = calloc(N_TUNNELS, sizeof(*l));
	struct l2tp_lns *lns = f->lns;
	struct l2tp_lns_counts c;
	struct lac extra;
	uint64_t before;
	unsigned int n;
	uint16_t sid;

	(void)state;
	assert_non_null(l);
	for (unsigned int i = 0; i < N_TUNNELS; i++) {
		/* every tunnel behind its own SA: mark i + 1 */
		up(&l[i], addr_of(i), i + 1, (uint16_t)(i + 1));
		f->n_out = 0;
		l[i].seen = 0;
	}
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, N_TUNNELS);
	assert_int_equal(c.half_open, 0);
	for (unsigned int i = 0; i < N_TUNNELS; i++)
		assert_ptr_equal(l2tp_lns_tunnel(lns, l[i].lns_tid)->peer.mark, i + 1);
	/* the indexes hold the live tunnels and grew with them */
	assert_int_equal(lns->by_peer.n, N_TUNNELS);
	assert_int_equal(lns->by_mark.n, N_TUNNELS);
	assert_true(htab_buckets(&lns->by_peer) >= N_TUNNELS);

	/* an SCCRQ retransmitted by the last peer: acknowledged, no new tunnel, O(1) */
	before = htab_probes;
	l[N_TUNNELS - 1].ns = 0;
	lac_sccrq(&l[N_TUNNELS - 1], NULL, 0, 0x0100);
	assert_true(htab_probes - before <= 8);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, N_TUNNELS);

	/* a new peer: its SCCRQ's lookup and its ID are O(1) too */
	before = htab_probes;
	lac_init(&extra, f, addr_of(N_TUNNELS), 1701, 0, 4242);
	lac_establish(&extra);
	assert_true(htab_probes - before <= 8);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, N_TUNNELS + 1);

	/* data into a session of tunnel 30000 */
	sid = call(&l[30000], 5);
	assert_int_not_equal(sid, 0);
	before = htab_probes;
	data(&l[30000], l[30000].lns_tid, sid);
	assert_true(htab_probes - before <= 4);
	assert_int_equal(f->ppp_frames, 1);

	/* one SA goes: its tunnel only, found in O(1) */
	before = htab_probes;
	n = l2tp_lns_close_mark(lns, 30001, false, STOPCCN_GENERAL_ERROR, "SA gone", NULL, NULL);
	assert_int_equal(n, 1);
	assert_true(htab_probes - before <= 8);
	assert_int_equal(l2tp_lns_tunnel(lns, l[30000].lns_tid)->state, TUNNEL_CLOSING);
	assert_null(l2tp_lns_session(lns, l[30000].lns_tid, sid));
	assert_int_equal(lns->by_mark.n, N_TUNNELS - 1);

	/* all SAs go at once (a mass disconnect): O(n) in all, not O(n^2) */
	before = htab_probes;
	for (unsigned int i = 0; i < N_TUNNELS; i++)
		l2tp_lns_close_mark(lns, i + 1, false, STOPCCN_GENERAL_ERROR, "SA gone",
				    NULL, NULL);
	assert_true(htab_probes - before <= 8ull * N_TUNNELS);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(lns->by_mark.n, 0);
	/* the plain tunnel stays */
	assert_int_equal(l2tp_lns_tunnel(lns, extra.lns_tid)->state, TUNNEL_ESTABLISHED);
	/* after the linger they are freed and the indexes shrink back */
	fake_advance(f, 120000);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, 1);
	assert_true(htab_buckets(&lns->by_peer) <= 1024);
	free(l);
}

/* max-half-open displaces the oldest unheard SA-less tunnel, looking at half-open ones only. */
static void test_displace_looks_at_half_open_only(void **state)
{
	struct lac *l = calloc(2000, sizeof(*l));
	struct lac h[4], late;
	struct l2tp_lns_counts c;
	uint64_t before;

	(void)state;
	assert_non_null(l);
	f->cfg.l2tp.max_half_open = 4;
	f->cfg.l2tp.max_half_open_per_source = 4;
	for (unsigned int i = 0; i < 2000; i++) {
		up(&l[i], addr_of(i), 0, (uint16_t)(i + 1));
		f->n_out = 0;
		l[i].seen = 0;
	}
	for (unsigned int i = 0; i < 4; i++) {
		struct l2tp_msg m;
		struct l2tp_hdr hd;
		struct fake_pkt p;

		lac_init(&h[i], f, 0x0b000001 + i, 1701, 0, (uint16_t)(i + 1));
		lac_sccrq(&h[i], NULL, 0, 0x0100);	/* its SCCRP never acknowledged */
		assert_int_equal(lac_recv(&h[i], &m, &hd, &p), L2TP_SCCRP);
		h[i].lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
		fake_advance(f, 1);	/* oldest first */
	}
	l2tp_lns_counts(f->lns, &c);
	assert_int_equal(c.half_open, 4);
	before = f->lns->id_probes;
	lac_init(&late, f, 0x0c000001, 1701, 0, 99);
	lac_sccrq(&late, NULL, 0, 0x0100);
	/* the oldest half-open one went, found at the head of 4, not among 2,004 */
	assert_true(f->lns->id_probes - before <= 4 + 32);
	assert_int_equal(f->lns->admit ? l2tp_admit_stats(f->lns->admit)->half_open_displaced : 0,
			 1);
	assert_int_equal(l2tp_lns_tunnel(f->lns, h[0].lns_tid)->state, TUNNEL_CLOSING);
	for (unsigned int i = 1; i < 4; i++)
		assert_int_equal(l2tp_lns_tunnel(f->lns, h[i].lns_tid)->state,
				 TUNNEL_WAIT_CTL_CONN);
	l2tp_lns_counts(f->lns, &c);
	assert_int_equal(c.half_open, 4);
	fake_advance(f, 1);
	l2tp_lns_counts(f->lns, &c);
	assert_int_equal(c.tunnels, 2004);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_ids_per_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdn_by_peer_sid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_alloc_crowded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_60k_tunnels, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_displace_looks_at_half_open_only, setup_big,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
