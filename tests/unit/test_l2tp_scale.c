// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS at scale, without timing: session IDs are per tunnel (RFC 2661),
 * tunnel IDs per SA or per peer (70,000 tunnels behind one NAT), and every
 * lookup on a control or data path goes through an index whose cost is
 * counted (htab_probes, lns->id_probes) with 60,000 tunnels up: SCCRQ
 * retransmissions and new SCCRQs (find_by_peer), an SA going away
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
#include "probes.h"

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

/* A peer at 10.0.0.<host>:<port>, through SA mark (0: none). */
static struct l2tp_peer peer_at(uint8_t host, uint16_t port, uint32_t mark)
{
	struct l2tp_peer p;
	struct sockaddr_in *sin = (struct sockaddr_in *)&p.addr;

	memset(&p, 0, sizeof(p));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x0a000000u | host);
	sin->sin_port = htons(port);
	p.mark = mark;
	return p;
}

/* A tunnel of peer p with ID tid in the LNS's indexes, as l2tp_tunnel_new links it. */
static struct l2tp_tunnel *fake_tunnel(const struct l2tp_peer *p, bool require_ipsec,
				       uint16_t tid)
{
	struct l2tp_tunnel *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->lns = f->lns;
	t->peer = *p;
	t->require_ipsec = require_ipsec;
	t->tid = tid;
	l2tp_lns_link_tunnel(f->lns, t);
	return t;
}

static void fake_tunnels_free(struct l2tp_tunnel **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!v[i])
			continue;
		l2tp_lns_unlink_tunnel(v[i]);
		free(v[i]);
	}
	free(v);
}

/*
 * Tunnel IDs are unique per origin only: a peer (address and port) whose
 * IDs are all taken but two gets one of those two, in at most 32 random
 * probes and one pass over the space from a random start, both come up; with
 * none left it is refused (0), cleanly; another address, another port, the
 * same address through an SA get an ID at once, one the crowded peer holds.
 */
static void test_tunnel_ids_per_peer(void **state)
{
	struct l2tp_tunnel **v = calloc(65536, sizeof(*v));
	struct l2tp_lns *lns = f->lns;
	struct l2tp_peer crowded = peer_at(1, 1701, 0), other[3];
	unsigned int got[2] = { 0, 0 };
	uint64_t before;
	uint16_t id;

	(void)state;
	assert_non_null(v);
	for (unsigned int i = 1; i < 65536; i++)
		if (i != 197 && i != 57663)
			v[i] = fake_tunnel(&crowded, false, (uint16_t)i);
	for (int i = 0; i < 64; i++) {
		before = lns->id_probes;
		id = l2tp_lns_alloc_tid(lns, &crowded, false);
		assert_true(id == 197 || id == 57663);
		got[id == 197]++;
		assert_true(lns->id_probes - before <= 32 + 32 + 65536);
	}
	/* the start is random: both come up */
	assert_true(got[0] > 0 && got[1] > 0);
	v[197] = fake_tunnel(&crowded, false, 197);
	v[57663] = fake_tunnel(&crowded, false, 57663);
	before = lns->id_probes;
	assert_int_equal(l2tp_lns_alloc_tid(lns, &crowded, false), 0);
	assert_true(lns->id_probes - before <= 32 + 32 + 65536);
	/* the crowded peer's IDs are free for everybody else: no ID is free in the
	 * LNS (32 probes), the first for the other origin takes */
	other[0] = peer_at(2, 1701, 0);		/* another address */
	other[1] = peer_at(1, 1702, 0);		/* another port */
	other[2] = peer_at(1, 1701, 7);		/* its own SA */
	for (int i = 0; i < 3; i++) {
		before = lns->id_probes;
		id = l2tp_lns_alloc_tid(lns, &other[i], true);
		assert_int_not_equal(id, 0);
		assert_int_equal(lns->id_probes - before, 32 + 1);
		assert_ptr_equal(l2tp_lns_tunnel_of(lns, &crowded, id), v[id]);
		if (i < 2)	/* (through an SA, a datagram finds its peer's as well) */
			assert_null(l2tp_lns_tunnel_of(lns, &other[i], id));
	}
	fake_tunnels_free(v, 65536);
}

/*
 * Two clients behind one NAT (one address and port), each through its own
 * SA: both hold tunnel ID 5, each datagram finds its own client's tunnel by
 * its SA's mark, the ID alone is ambiguous, a third tunnel 5 of the first
 * SA cannot be allocated. A tunnel without IPsec is keyed by its peer.
 */
static void test_one_id_two_sas(void **state)
{
	struct l2tp_peer a = peer_at(9, 1701, 1), b = peer_at(9, 1701, 2);
	struct l2tp_peer plain = peer_at(9, 1701, 0);
	struct l2tp_tunnel *ta, *tb;
	struct l2tp_lns *lns = f->lns;
	bool ambiguous;

	(void)state;
	ta = fake_tunnel(&a, true, 5);
	tb = fake_tunnel(&b, true, 5);
	assert_ptr_equal(l2tp_lns_tunnel_of(lns, &a, 5), ta);
	assert_ptr_equal(l2tp_lns_tunnel_of(lns, &b, 5), tb);
	assert_null(l2tp_lns_tunnel_of(lns, &plain, 5));	/* no SA: neither */
	assert_null(l2tp_lns_tunnel_by_id(lns, 5, &ambiguous));
	assert_true(ambiguous);
	assert_null(l2tp_lns_tunnel(lns, 5));
	/* SA a's ID space: every random draw hits 5 first, then the rest */
	for (int i = 0; i < 200; i++)
		assert_int_not_equal(l2tp_lns_alloc_tid(lns, &a, true), 5);
	l2tp_lns_unlink_tunnel(tb);
	assert_ptr_equal(l2tp_lns_tunnel_by_id(lns, 5, &ambiguous), ta);
	assert_false(ambiguous);
	l2tp_lns_unlink_tunnel(ta);
	free(ta);
	free(tb);
}

/*
 * 70,000 clients behind one NAT address and port, each through its own SA:
 * each gets a tunnel ID in O(1) probes (unique in the LNS while it has free
 * ones, then per SA), more tunnels than there are IDs, and a datagram through
 * each SA finds its own.
 */
static void test_70k_sas(void **state)
{
	const unsigned int n = 70000;
	struct l2tp_tunnel **v = calloc(n, sizeof(*v));
	struct l2tp_lns *lns = f->lns;
	struct l2tp_peer p;
	uint64_t before;
	uint16_t id;

	(void)state;
	assert_non_null(v);
	before = lns->id_probes;
	for (unsigned int i = 0; i < n; i++) {
		p = peer_at(9, 1701, i + 1);
		id = l2tp_lns_alloc_tid(lns, &p, true);
		assert_int_not_equal(id, 0);
		v[i] = fake_tunnel(&p, true, id);
	}
	assert_int_equal(lns->n_tunnels, n);
	assert_true(lns->id_probes - before <= (32 + 2) * (uint64_t)n);
	before = htab_probes;
	for (unsigned int i = 0; i < n; i++) {
		p = peer_at(9, 1701, i + 1);
		assert_ptr_equal(l2tp_lns_tunnel_of(lns, &p, v[i]->tid), v[i]);
	}
	assert_true(htab_probes - before <= 4ull * n);
	fake_tunnels_free(v, n);
	assert_int_equal(lns->n_tunnels, 0);
}

static uint32_t addr_of(unsigned int i)
{
	return 0x0a000000u + i + 1;
}

/*
 * 60,000 tunnels: an SCCRQ retransmission, a new SCCRQ, an SA going away
 * and a data packet each look at O(1) entries, and each peer's datagrams find
 * its own tunnel (IDs repeat across peers).
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
		assert_ptr_equal(l2tp_lns_tunnel_of(lns, &l[i].peer, l[i].lns_tid)->peer.mark,
				 i + 1);
	/* the indexes hold the live tunnels and grew with them */
	assert_int_equal(lns->by_peer.n, N_TUNNELS);
	assert_int_equal(lns->by_mark.n, N_TUNNELS);
	assert_true(htab_buckets(&lns->by_peer) >= N_TUNNELS);

	/* an SCCRQ retransmitted by the last peer: acknowledged, no new tunnel, O(1) */
	before = htab_probes;
	l[N_TUNNELS - 1].ns = 0;
	lac_sccrq(&l[N_TUNNELS - 1], NULL, 0, 0x0100);
	assert_true(htab_probes - before <= PROBES_O1);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, N_TUNNELS);

	/* a new peer: its SCCRQ's lookup and its ID are O(1) too (with 60,000 of
	 * 65,535 IDs taken, up to 32 draws for an ID no tunnel holds, then its own) */
	before = htab_probes;
	lac_init(&extra, f, addr_of(N_TUNNELS), 1701, 0, 4242);
	lac_establish(&extra);
	assert_true(htab_probes - before <= PROBES_O1 + 2 * 2 * 32);
	l2tp_lns_counts(lns, &c);
	assert_int_equal(c.tunnels, N_TUNNELS + 1);

	/* data into a session of tunnel 30000 */
	sid = call(&l[30000], 5);
	assert_int_not_equal(sid, 0);
	before = htab_probes;
	data(&l[30000], l[30000].lns_tid, sid);
	assert_true(htab_probes - before <= PROBES_O1);
	assert_int_equal(f->ppp_frames, 1);

	/* one SA goes: its tunnel only, found in O(1) */
	before = htab_probes;
	n = l2tp_lns_close_mark(lns, 30001, false, STOPCCN_GENERAL_ERROR, "SA gone", NULL, NULL);
	assert_int_equal(n, 1);
	assert_true(htab_probes - before <= PROBES_O1);
	assert_int_equal(l2tp_lns_tunnel_of(lns, &l[30000].peer, l[30000].lns_tid)->state,
			 TUNNEL_CLOSING);
	assert_null(l2tp_tunnel_session(l2tp_lns_tunnel_of(lns, &l[30000].peer, l[30000].lns_tid),
					 sid));
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
	assert_int_equal(l2tp_lns_tunnel_of(lns, &extra.peer, extra.lns_tid)->state,
			 TUNNEL_ESTABLISHED);
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
		cmocka_unit_test_setup_teardown(test_tunnel_ids_per_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_id_two_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_70k_sas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_60k_tunnels, setup_big, teardown),
		cmocka_unit_test_setup_teardown(test_displace_looks_at_half_open_only, setup_big,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
