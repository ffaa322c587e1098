// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnels of a previous run (l2tp_stale.h): one LNS establishes a tunnel and
 * dies without a word (its state file stays, as after kill -9); a new LNS
 * loads the file. What the client then sees: a data message to the old
 * tunnel gets two HELLO probes in the client's own tunnel, Ns 0x8000 apart;
 * the client's ZLB (or any control message) gets a StopCCN with the Ns it
 * expects and our old Assigned Tunnel ID; its acknowledgement ends the
 * answers. Rate limits, another peer, the ID not handed out again, and a
 * tunnel closed properly leaving nothing in the file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "l2tp_fake.h"
#include "l2tp/l2tp_snap.h"
#include "l2tp/l2tp_stale.h"
#include "core/log.h"
#include "core/util.h"

static char dir[64], path[96];

static int setup(void **state)
{
	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "test");
	snprintf(dir, sizeof(dir), "/tmp/l2sec-stale-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tunnels.state", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static struct fake *lns_start(void)
{
	struct fake *f = fake_new(NULL);

	assert_int_equal(l2tp_stale_open(f->lns, path), 0);
	return f;
}

static void establish(struct lac *l)
{
	lac_establish(l);
	assert_int_equal(l->f->lns->n_tunnels, 1);
}

/* The LAC's tunnel now belongs to f (the old LNS is gone). */
static void lac_move(struct lac *l, struct fake *f)
{
	l->f = f;
	l->seen = f->n_out;
}

static void lac_data(struct lac *l)
{
	uint8_t frame[6 + 4] = { 0, L2TP_VERSION };

	put_be16(frame + 2, l->lns_tid);
	put_be16(frame + 4, 0x1234);
	memcpy(frame + 6, "\x00\x21\x45\x00", 4);
	l2tp_lns_input(l->f->lns, frame, sizeof(frame), &l->peer);
}

/* The next packet to the LAC, parsed; false when none. */
static bool next_pkt(struct lac *l, struct l2tp_hdr *h, struct l2tp_msg *m)
{
	while (l->seen < l->f->n_out) {
		struct fake_pkt *p = &l->f->out[l->seen++];

		if (!l2tp_peer_match(&p->peer, &l->peer))
			continue;
		assert_int_equal(l2tp_hdr_parse(p->buf, p->len, h), L2TP_HDR_OK);
		assert_true(h->control);
		if (h->msg_len > h->hdr_len)
			assert_int_equal(l2tp_avp_decode(p->buf + h->hdr_len,
							 h->msg_len - h->hdr_len, "", m),
					 L2TP_DEC_OK);
		else
			m->type = 0;
		return true;
	}
	return false;
}

/* The next packet to the LAC is a StopCCN in its tunnel with these Ns, Nr, our old ID. */
static void expect_stopccn(struct lac *l, uint16_t peer_tid, uint16_t ns, uint16_t nr,
			   uint16_t old_tid)
{
	struct l2tp_hdr h;
	struct l2tp_msg m;

	assert_true(next_pkt(l, &h, &m));
	assert_int_equal(m.type, L2TP_STOPCCN);
	assert_int_equal(h.tunnel_id, peer_tid);
	assert_int_equal(h.ns, ns);
	assert_int_equal(h.nr, nr);
	assert_int_equal(l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID), old_tid);
	assert_int_equal(l2tp_msg_u16(&m, AVP_RESULT_CODE), STOPCCN_GENERAL_ERROR);
}

static void zlb(struct lac *l, uint16_t ns, uint16_t nr)
{
	uint8_t buf[12];

	l2tp_build_zlb(buf, l->lns_tid, ns, nr);
	l2tp_lns_input(l->f->lns, buf, sizeof(buf), &l->peer);
}

static void test_restart_probe_then_stopccn(void **state)
{
	struct fake *f1, *f2;
	struct lac l, other;
	struct l2tp_hdr h, h2;
	struct l2tp_msg m;
	uint16_t old_tid, fresh;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc0000202, 1701, 0x7, 0x4242);
	establish(&l);
	old_tid = l.lns_tid;
	fake_free(f1);			/* kill -9: no StopCCN, the record stays */

	f2 = lns_start();
	assert_int_equal(f2->lns->n_stale, 1);
	/* same random sequence as f1: the old ID would come first, and is skipped */
	fresh = l2tp_lns_alloc_tid(f2->lns, &l.peer, true);
	assert_int_not_equal(fresh, 0);
	assert_int_not_equal(fresh, old_tid);
	lac_move(&l, f2);

	/* data to the old tunnel: two HELLOs in the LAC's tunnel, Ns half apart */
	lac_data(&l);
	assert_true(next_pkt(&l, &h, &m));
	assert_int_equal(m.type, L2TP_HELLO);
	assert_int_equal(h.tunnel_id, 0x4242);
	assert_int_equal(h.ns, 0);
	assert_true(next_pkt(&l, &h2, &m));
	assert_int_equal(m.type, L2TP_HELLO);
	assert_int_equal((uint16_t)(h2.ns - h.ns), 0x8000);
	assert_false(next_pkt(&l, &h, &m));
	assert_int_equal(f2->lns->stats.stale_probes, 1);
	/* more data within the second: nothing more */
	lac_data(&l);
	assert_false(next_pkt(&l, &h, &m));
	assert_int_equal(f2->lns->stats.stale_rate_limited, 1);

	/* the LAC acknowledges the probe behind its window: Ns 9, expecting our 5 */
	zlb(&l, 9, 5);
	expect_stopccn(&l, 0x4242, 5, 9, old_tid);
	assert_int_equal(f2->lns->stats.stale_stopccn, 1);

	/* another peer naming the old tunnel gets nothing */
	lac_init(&other, f2, 0xc0000203, 1701, 0x7, 0x4242);
	other.lns_tid = old_tid;
	zlb(&other, 1, 1);
	lac_data(&other);
	assert_false(next_pkt(&other, &h, &m));

	/* the LAC acknowledges the StopCCN: no more answers */
	f2->now += 2000;
	zlb(&l, 9, 6);
	lac_data(&l);
	zlb(&l, 9, 6);
	assert_false(next_pkt(&l, &h, &m));
	assert_int_equal(f2->lns->stats.stale_stopccn, 1);
	assert_int_equal(f2->lns->stats.stale_probes, 1);
	assert_int_equal(f2->lns->n_tunnels, 0);
	fake_free(f2);
}

/* A control message (the LAC's HELLO) gets the StopCCN at once. */
static void test_restart_hello_gets_stopccn(void **state)
{
	struct fake *f1, *f2;
	struct lac l;
	struct l2tp_hdr h;
	struct l2tp_msg m;
	uint8_t buf[32];
	struct l2tp_builder b;
	uint16_t old_tid;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc0000204, 4500, 0, 0x77);
	establish(&l);
	old_tid = l.lns_tid;
	fake_free(f1);
	f2 = lns_start();
	lac_move(&l, f2);
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	lac_send(&l, &b);		/* Ns 2 (SCCRQ 0, SCCCN 1), Nr 1 */
	expect_stopccn(&l, 0x77, 1, 3, old_tid);
	/* its retransmission within the second: rate-limited; after it: answered again */
	l.ns--;
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	lac_send(&l, &b);
	assert_false(next_pkt(&l, &h, &m));
	f2->now += 1000;
	l.ns--;
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_HELLO);
	lac_send(&l, &b);
	expect_stopccn(&l, 0x77, 1, 3, old_tid);
	fake_free(f2);
}

/* A tunnel that closed properly leaves no record; neither does a half-open one. */
static void test_closed_tunnel_not_remembered(void **state)
{
	struct fake *f1, *f2;
	struct lac l, half;
	uint8_t buf[64];
	struct l2tp_builder b;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc0000205, 1701, 0, 0x55);
	establish(&l);
	lac_begin(&l, &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, l.tid);
	l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
	lac_send(&l, &b);
	lac_init(&half, f1, 0xc0000206, 1701, 0, 0x56);
	lac_sccrq(&half, NULL, 0, 0x0100);
	fake_free(f1);
	f2 = lns_start();
	assert_int_equal(f2->lns->n_stale, 0);
	fake_free(f2);
}

/* Records survive only one restart: the file is cleared when loaded. */
static void test_file_cleared_after_load(void **state)
{
	struct fake *f;
	struct lac l;

	(void)state;
	f = lns_start();
	lac_init(&l, f, 0xc0000207, 1701, 0, 0x57);
	establish(&l);
	fake_free(f);
	f = lns_start();
	assert_int_equal(f->lns->n_stale, 1);
	fake_free(f);
	f = lns_start();
	assert_int_equal(f->lns->n_stale, 0);
	fake_free(f);
}

/* An idle client is probed unasked, three times a second apart; a bound one under IPsec not. */
static void test_idle_client_probed(void **state)
{
	struct fake *f1, *f2;
	struct lac l, ipsec;
	struct l2tp_hdr h, h2;
	struct l2tp_msg m;
	uint16_t old_tid;
	int probes = 0;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc0000208, 1701, 0, 0x58);
	establish(&l);
	old_tid = l.lns_tid;
	/* new tunnels only: the first one stays plaintext */
	f1->cfg.l2tp.require_ipsec = true;
	lac_init(&ipsec, f1, 0xc0000209, 4500, 0x9, 0x59);
	lac_establish(&ipsec);
	fake_free(f1);
	f2 = fake_new(NULL);
	f2->cfg.l2tp.require_ipsec = true;
	assert_int_equal(l2tp_stale_open(f2->lns, path), 0);
	assert_int_equal(f2->lns->n_stale, 2);
	lac_move(&l, f2);
	lac_move(&ipsec, f2);
	for (int i = 0; i < 5; i++) {
		fake_advance(f2, 1000);
		while (next_pkt(&l, &h, &m)) {
			assert_int_equal(m.type, L2TP_HELLO);
			assert_int_equal(h.tunnel_id, 0x58);
			assert_true(next_pkt(&l, &h2, &m));
			assert_int_equal((uint16_t)(h2.ns - h.ns), 0x8000);
			probes++;
		}
	}
	assert_int_equal(probes, STALE_SWEEPS);
	assert_false(next_pkt(&ipsec, &h, &m));
	/* the probe's ZLB: the StopCCN */
	zlb(&l, 4, 2);
	expect_stopccn(&l, 0x58, 2, 4, old_tid);
	fake_free(f2);
}

/*
 * An engine that died under privsep (issue 17 item 2): its tunnel's record is
 * imported, and the state file's record of the same tunnel is no stale tunnel
 * (no probe, no StopCCN); another peer's record of the same ID still keeps it.
 */
static void test_resumed_tunnel_not_stale(void **state)
{
	struct fake *f1, *f2;
	struct lac l, m2;
	struct l2tp_tunnel_rec r, other;
	struct l2tp_hdr h;
	struct l2tp_msg m;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc000020a, 1701, 0, 0x61);
	establish(&l);
	lac_init(&m2, f1, 0xc000020b, 1701, 0, 0x62);
	lac_establish(&m2);
	assert_int_equal(l2tp_tunnel_export(l2tp_lns_tunnel(f1->lns, l.lns_tid), &r), 0);
	assert_int_equal(l2tp_tunnel_export(l2tp_lns_tunnel(f1->lns, m2.lns_tid), &other), 0);
	fake_free(f1);			/* the engine dies: the state file stays */

	f2 = lns_start();
	assert_int_equal(f2->lns->n_stale, 2);
	/* m2's ID with l's peer: not the stale tunnel's own, refused */
	other.peer = r.peer;
	other.peer_port = r.peer_port;
	assert_null(l2tp_tunnel_import(f2->lns, &other));
	assert_int_equal(errno, EEXIST);
	assert_int_equal(f2->lns->n_stale, 2);
	assert_non_null(l2tp_tunnel_import(f2->lns, &r));
	assert_int_equal(f2->lns->n_stale, 1);
	assert_int_equal(f2->lns->stats.tunnels_resumed, 1);
	lac_move(&l, f2);
	lac_move(&m2, f2);
	for (int i = 0; i < 4; i++)
		fake_advance(f2, 1000);
	/* the resumed tunnel's peer hears no probe; the other (stale) one does */
	while (next_pkt(&l, &h, &m))
		assert_int_not_equal(m.type, L2TP_STOPCCN);
	assert_int_equal(f2->lns->stats.stale_stopccn, 0);
	assert_true(next_pkt(&m2, &h, &m));
	assert_int_equal(m.type, L2TP_HELLO);
	assert_int_equal(h.tunnel_id, 0x62);
	fake_free(f2);
}

/*
 * Tunnel IDs are unique per SA only: of two SAs' tunnels with one ID the
 * state file remembers one (a slot an ID). A resumed engine imports both:
 * the other SA's stale record does not hold the ID against this SA's
 * tunnel, and each imported tunnel is found again by its ID and the
 * parent's handle (l2tp_lns_tunnel_by_handle), as privsep's resume does.
 */
static void test_resume_same_id_two_sas(void **state)
{
	struct fake *f1, *f2;
	struct lac l;
	struct l2tp_tunnel_rec r, other;
	struct l2tp_tunnel *ta, *tb;
	bool ambiguous;

	(void)state;
	f1 = lns_start();
	lac_init(&l, f1, 0xc000020a, 1701, 7, 0x61);
	establish(&l);
	assert_int_equal(l2tp_tunnel_export(l2tp_lns_tunnel(f1->lns, l.lns_tid), &r), 0);
	fake_free(f1);			/* the engine dies: the state file stays */

	f2 = lns_start();
	assert_int_equal(f2->lns->n_stale, 1);
	other = r;			/* the same ID, another SA and peer */
	other.mark = 8;
	other.peer.addr[3] = 0x0b;
	other.peer_tid = 0x62;
	tb = l2tp_tunnel_import(f2->lns, &other);
	assert_non_null(tb);
	assert_int_equal(f2->lns->n_stale, 1);	/* r's record stays r's */
	ta = l2tp_tunnel_import(f2->lns, &r);
	assert_non_null(ta);
	assert_int_equal(f2->lns->n_stale, 0);
	assert_int_equal(ta->tid, tb->tid);
	ta->dp_handle = 1;
	tb->dp_handle = 2;
	assert_null(l2tp_lns_tunnel_by_id(f2->lns, r.seq.tid, &ambiguous));
	assert_true(ambiguous);
	assert_ptr_equal(l2tp_lns_tunnel_by_handle(f2->lns, r.seq.tid, 1), ta);
	assert_ptr_equal(l2tp_lns_tunnel_by_handle(f2->lns, r.seq.tid, 2), tb);
	assert_null(l2tp_lns_tunnel_by_handle(f2->lns, r.seq.tid, 3));
	assert_null(l2tp_lns_tunnel_by_handle(f2->lns, (uint16_t)(r.seq.tid + 1), 1));
	assert_int_equal(f2->lns->stats.tunnels_resumed, 2);
	fake_free(f2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_restart_probe_then_stopccn),
		T(test_restart_hello_gets_stopccn),
		T(test_idle_client_probed),
		T(test_closed_tunnel_not_remembered),
		T(test_file_cleared_after_load),
		T(test_resumed_tunnel_not_stale),
		T(test_resume_same_id_two_sas),
#undef T
	};

	return cmocka_run_group_tests_name("l2tp_stale", tests, NULL, NULL);
}
