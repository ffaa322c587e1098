// SPDX-License-Identifier: GPL-2.0
/*
 * The SA table (ipsec_sa.c) that binds tunnels to CHILD_SAs, fed as charon
 * feeds it: SAs up, rekeyed, moved by the NAT, down; and a resync against
 * charon's list after a reconnect, including a charon that was killed and
 * restarted and hands out the same marks to other SAs. The owner's gone()
 * callback (which clears the tunnels of a mark) must be called exactly for
 * the SAs that went. Also the classification of xfrm policies as l2sec's.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ipsec/ipsec_sa.h"
#include "core/htab.h"
#include "ipsec/ipsec_xfrm.h"
#include "core/log.h"
#include "ipsec/vici_conn.h"
#include "probes.h"

/* --- helpers ----------------------------------------------------------------------- */

static uint32_t gone_marks[16];
static unsigned int n_gone;

static void on_gone(void *ctx, const struct ipsec_sa *sa, const char *why)
{
	(void)ctx;
	assert_non_null(why);
	if (n_gone < 16)
		gone_marks[n_gone] = sa->mark;
	n_gone++;
}

static struct ipsec_sa_table T;

static int setup(void **state)
{
	(void)state;
	n_gone = 0;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	ipsec_sa_init(&T, on_gone, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ipsec_sa_free(&T);
	return 0;
}

static void child(struct vici_child_info *c, uint32_t id, uint32_t mark, uint32_t spi_in,
		  uint32_t spi_out)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", VICI_CONN_CHILD_NAME);
	snprintf(c->state, sizeof(c->state), "INSTALLED");
	c->uniqueid = id;
	c->reqid = id;
	c->has_spi = true;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->has_mark_in = c->has_mark_out = true;
	c->mark_in = c->mark_out = mark;
	c->mark_mask_in = c->mark_mask_out = 0xffffffff;
	c->encap = true;
}

/* An event of IKE_SA ike_id of conn, from 203.0.113.1:port, with one CHILD_SA. */
static struct vici_sa_event ev(enum vici_sa_kind kind, const char *conn, uint32_t ike_id,
			       uint16_t port, uint32_t child_id, uint32_t mark,
			       uint32_t spi_in, uint32_t spi_out)
{
	struct vici_sa_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	snprintf(e.ike.name, sizeof(e.ike.name), "%s", conn);
	e.ike.uniqueid = ike_id;
	e.ike.remote.family = AF_INET;
	inet_pton(AF_INET, "203.0.113.1", &e.ike.remote.a.v4);
	e.ike.remote.port = port;
	if (kind != VICI_SA_IKE_DOWN && kind != VICI_SA_IKE_UPDATE && kind != VICI_SA_IKE_UP) {
		child(&e.child[0], child_id, mark, spi_in, spi_out);
		e.n_children = 1;
	}
	return e;
}

static void feed(struct vici_sa_event e)
{
	ipsec_sa_event(&T, &e);
}

static void up(uint32_t ike, uint16_t port, uint32_t child_id, uint32_t mark, uint32_t in,
	       uint32_t out)
{
	feed(ev(VICI_SA_CHILD_UP, VICI_CONN_DEFAULT_NAME, ike, port, child_id, mark, in, out));
}

static void ike(enum vici_sa_kind kind, uint32_t ike_id, uint16_t port)
{
	feed(ev(kind, VICI_CONN_DEFAULT_NAME, ike_id, port, 0, 0, 0, 0));
}

/* child-rekey on IKE_SA ike: CHILD_SA old_id replaced by new_id, same mark. */
static void rekeyed(uint32_t ike_id, uint16_t port, uint32_t old_id, uint32_t new_id,
		    uint32_t mark, uint32_t in, uint32_t out)
{
	struct vici_sa_event e;

	e = ev(VICI_SA_CHILD_REKEY, VICI_CONN_DEFAULT_NAME, ike_id, port, old_id, mark, 1, 2);
	child(&e.child[1], new_id, mark, in, out);
	e.n_children = 2;
	feed(e);
}

static void listed(uint32_t ike, uint16_t port, uint32_t child_id, uint32_t mark,
		   uint32_t in, uint32_t out)
{
	feed(ev(VICI_SA_LIST, VICI_CONN_DEFAULT_NAME, ike, port, child_id, mark, in, out));
}

/* --- cases ----------------------------------------------------------------------------- */

static void test_add_find_delete(void **state)
{
	const struct ipsec_sa *s;

	(void)state;
	up(1, 4500, 1, 1, 0xc1000001, 0x0c000001);
	up(2, 1024, 2, 2, 0xc2000002, 0x0c000002);
	assert_int_equal(T.n, 2);
	s = ipsec_sa_find(&T, 2);
	assert_non_null(s);
	assert_int_equal(s->ike_id, 2);
	assert_int_equal(s->spi_in, 0xc2000002);
	assert_int_equal(s->spi_out, 0x0c000002);
	assert_int_equal(s->remote.port, 1024);
	assert_true(s->encap);
	assert_null(ipsec_sa_find(&T, 3));

	/* a down event of another CHILD_SA with that mark changes nothing */
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 2, 1024, 9, 2, 1, 1));
	assert_int_equal(n_gone, 0);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 2, 1024, 2, 2, 0xc2000002, 0x0c000002));
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 2);
	assert_null(ipsec_sa_find(&T, 2));
	/* an IKE_SA going down: charon reports its remaining CHILD_SAs down after it */
	feed(ev(VICI_SA_IKE_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 0, 0, 0, 0));
	assert_int_equal(n_gone, 1);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xc1000001, 0x0c000001));
	assert_int_equal(n_gone, 2);
	assert_int_equal(gone_marks[1], 1);
	assert_int_equal(T.n, 0);
	assert_int_equal(T.st.sa_up, 2);
	assert_int_equal(T.st.sa_down, 2);
}

static void test_other_connections_ignored(void **state)
{
	struct vici_sa_event e;

	(void)state;
	feed(ev(VICI_SA_CHILD_UP, "site-to-site", 1, 500, 1, 7, 0xa, 0xb));
	e = ev(VICI_SA_CHILD_UP, VICI_CONN_DEFAULT_NAME, 2, 500, 2, 8, 0xc, 0xd);
	snprintf(e.child[0].name, sizeof(e.child[0].name), "other-child");
	feed(e);
	e = ev(VICI_SA_CHILD_UP, VICI_CONN_DEFAULT_NAME, 3, 500, 3, 0, 0xe, 0xf);
	e.child[0].has_mark_in = false;	/* no mark: cannot be bound, not entered */
	feed(e);
	e = ev(VICI_SA_CHILD_UP, VICI_CONN_DEFAULT_NAME, 4, 500, 4, 9, 0x1, 0x2);
	snprintf(e.child[0].state, sizeof(e.child[0].state), "INSTALLING");
	feed(e);
	assert_int_equal(T.n, 0);
	/* and their down events do not take ours */
	up(5, 4500, 5, 7, 0x10, 0x11);
	feed(ev(VICI_SA_IKE_DOWN, "site-to-site", 5, 500, 0, 0, 0, 0));
	assert_int_equal(T.n, 1);
	assert_int_equal(n_gone, 0);
}

static void test_rekey_keeps_mark(void **state)
{
	struct vici_sa_event e;
	const struct ipsec_sa *s;

	(void)state;
	up(1, 4500, 1, 1, 0xc1000001, 0x0c000001);
	e = ev(VICI_SA_CHILD_REKEY, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xc1000001, 0x0c000001);
	child(&e.child[1], 2, 1, 0xc1000002, 0x0c000002);
	e.n_children = 2;
	feed(e);
	s = ipsec_sa_find(&T, 1);
	assert_non_null(s);
	assert_int_equal(s->child_id, 2);
	assert_int_equal(s->spi_in, 0xc1000002);
	assert_int_equal(s->spi_out, 0x0c000002);
	assert_int_equal(n_gone, 0);
	assert_int_equal(T.st.rekeys, 1);
	/* the old CHILD_SA's down event after the rekey leaves the entry */
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xc1000001, 0x0c000001));
	assert_non_null(ipsec_sa_find(&T, 1));
	assert_int_equal(n_gone, 0);
}

/*
 * IKEv1 reauthentication, as strongSwan 5.9 reports it (either side starts
 * it): ike-updown up of the new IKE_SA (no CHILD_SAs listed); charon moves
 * the CHILD_SAs to it without an event (task_manager_v1 queue_ike_reauth on
 * the initiator, adopt_children_job on the responder); ike-updown down of the
 * old IKE_SA, which then has no CHILD_SAs, so no child-updown follows. The
 * entry stays, belongs to the new IKE_SA, and follows its later events.
 */
static void test_ikev1_reauth_adopts_children(void **state)
{
	struct vici_sa_event e;
	const struct ipsec_sa *s;

	(void)state;
	up(1, 4500, 1, 1, 0xc1000001, 0x0c000001);
	up(2, 4501, 2, 2, 0xc2000002, 0x0c000002);	/* another client, same NAT */
	for (uint32_t i = 0; i < 3; i++) {		/* reauthenticated three times */
		ike(VICI_SA_IKE_UP, 10 + i, 4500);
		ike(VICI_SA_IKE_DOWN, i ? 10 + i - 1 : 1, 4500);
		s = ipsec_sa_find(&T, 1);
		assert_non_null(s);
		assert_int_equal(s->ike_id, 10 + i);
		assert_int_equal(s->child_id, 1);
		assert_int_equal(s->spi_in, 0xc1000001);
		assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 2);
	}
	assert_int_equal(n_gone, 0);
	/* a quick-mode rekey on the new IKE_SA */
	rekeyed(12, 4500, 1, 3, 1, 0xc1000003, 0x0c000003);
	s = ipsec_sa_find(&T, 1);
	assert_int_equal(s->spi_in, 0xc1000003);
	/* the NAT moves the new IKE_SA: the entry follows */
	e = ev(VICI_SA_IKE_UPDATE, VICI_CONN_DEFAULT_NAME, 12, 4500, 0, 0, 0, 0);
	e.new_remote = e.ike.remote;
	e.new_remote.port = 40000;
	feed(e);
	assert_int_equal(ipsec_sa_find(&T, 1)->remote.port, 40000);
	assert_int_equal(ipsec_sa_find(&T, 2)->remote.port, 4501);
	assert_int_equal(n_gone, 0);
	/* DPD or a delete: ike-updown down, then child-updown down of what it held */
	ike(VICI_SA_IKE_DOWN, 12, 40000);
	assert_int_equal(n_gone, 0);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 12, 40000, 3, 1, 0xc1000003,
		0x0c000003));
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 1);
	assert_non_null(ipsec_sa_find(&T, 2));
}

/* changed(): what the privsep engine's copy of the table is told */
static struct {
	uint32_t mark, ike_id, spi_in;
	uint16_t port;
} chg[16];
static unsigned int n_chg;

static void on_changed(void *ctx, const struct ipsec_sa *sa)
{
	(void)ctx;
	if (n_chg < 16) {
		chg[n_chg].mark = sa->mark;
		chg[n_chg].ike_id = sa->ike_id;
		chg[n_chg].spi_in = sa->spi_in;
		chg[n_chg].port = sa->remote.port;
	}
	n_chg++;
}

/*
 * Every change of what the control socket shows of an SA reaches changed(),
 * with the entry as it is now: up, rekey, NAT move, adoption by a new IKE_SA;
 * an IKE_SA coming up without moving anything, or another connection's SA, does not.
 */
static void test_changed_hook(void **state)
{
	struct vici_sa_event e;

	(void)state;
	n_chg = 0;
	T.changed = on_changed;
	up(1, 4500, 1, 1, 0xc1000001, 0x0c000001);
	assert_int_equal(n_chg, 1);
	assert_int_equal(chg[0].mark, 1);
	assert_int_equal(chg[0].ike_id, 1);
	feed(ev(VICI_SA_CHILD_UP, "other", 5, 4500, 5, 5, 5, 5));
	assert_int_equal(n_chg, 1);
	rekeyed(1, 4500, 1, 3, 1, 0xc1000003, 0x0c000003);
	assert_int_equal(n_chg, 2);
	assert_int_equal(chg[1].spi_in, 0xc1000003);
	e = ev(VICI_SA_IKE_UPDATE, VICI_CONN_DEFAULT_NAME, 1, 4500, 0, 0, 0, 0);
	e.new_remote = e.ike.remote;
	e.new_remote.port = 40000;
	feed(e);
	assert_int_equal(n_chg, 3);
	assert_int_equal(chg[2].port, 40000);
	ike(VICI_SA_IKE_UP, 10, 40000);
	assert_int_equal(n_chg, 3);
	ike(VICI_SA_IKE_DOWN, 1, 40000);	/* IKEv1 reauthentication: adopted */
	assert_int_equal(n_chg, 4);
	assert_int_equal(chg[3].ike_id, 10);
	T.changed = NULL;
}

/* A new IKE_SA that goes before the old one inherits nothing. */
static void test_reauth_new_ike_sa_fails(void **state)
{
	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	ike(VICI_SA_IKE_UP, 2, 4500);
	ike(VICI_SA_IKE_DOWN, 2, 4500);
	ike(VICI_SA_IKE_UP, 3, 4999);	/* another peer: not an heir */
	ike(VICI_SA_IKE_DOWN, 1, 4500);
	assert_int_equal(ipsec_sa_find(&T, 1)->ike_id, 1);
	assert_int_equal(n_gone, 0);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xa, 0xb));
	assert_int_equal(n_gone, 1);
}

/*
 * IKEv1 rekey collision: both peers start quick mode for the same CHILD_SA;
 * charon reports two child-rekey events with the same old SA and mark. It
 * deletes redundant duplicates silently (ikev1_child_sa_is_redundant) and
 * reports child-updown down only for the last one, which may be either.
 */
static void test_rekey_collision(void **state)
{
	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	rekeyed(1, 4500, 1, 2, 1, 0xa2, 0xb2);
	rekeyed(1, 4500, 1, 3, 1, 0xa3, 0xb3);
	assert_int_equal(T.n, 1);
	assert_int_equal(ipsec_sa_find(&T, 1)->spi_in, 0xa3);
	/* the old SA's down, or another IKE_SA's SA with the mark, changes nothing */
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xa, 0xb));
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 7, 4600, 7, 1, 0xa, 0xb));
	assert_int_equal(n_gone, 0);
	/* SA 3 went silently; SA 2 is rekeyed on: the entry follows */
	rekeyed(1, 4500, 2, 4, 1, 0xa4, 0xb4);
	assert_int_equal(ipsec_sa_find(&T, 1)->spi_in, 0xa4);
	assert_int_equal(n_gone, 0);
	/* the collision again; this time the older duplicate is the one reported down */
	rekeyed(1, 4500, 4, 5, 1, 0xa5, 0xb5);
	rekeyed(1, 4500, 4, 6, 1, 0xa6, 0xb6);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 1, 4500, 5, 1, 0xa5, 0xb5));
	assert_int_equal(n_gone, 1);
	assert_null(ipsec_sa_find(&T, 1));
}

/* An IKE_SA as charon lists it: its state and (child_id not 0) one CHILD_SA. */
static struct vici_sa_event ike_listed(uint32_t ike_id, uint16_t port, const char *state,
				       uint32_t child_id, uint32_t mark)
{
	struct vici_sa_event e;

	e = ev(VICI_SA_LIST, VICI_CONN_DEFAULT_NAME, ike_id, port, child_id, mark, 0xa, 0xb);
	snprintf(e.ike.state, sizeof(e.ike.state), "%s", state);
	e.n_children = child_id ? 1 : 0;
	return e;
}

static unsigned int retiring(uint32_t *ids)
{
	return ipsec_sa_retiring(&T, ids, 4);
}

/*
 * The client reauthenticates (IKE_SA #7, charon the responder): charon moves
 * the CHILD_SA from #2 to #7 and would keep #2, childless, for 10 s, long
 * enough for the gateway's reauthentication timer of #2 to end and move the
 * client's CHILD_SAs away from the gateway's. #2 is to be terminated as soon
 * as charon lists it without CHILD_SAs, and the entry then moves to #7.
 */
static void test_client_reauth_retires_old_ike_sa(void **state)
{
	struct vici_sa_event e;
	uint32_t ids[4];

	(void)state;
	up(2, 4500, 1, 2, 0xa, 0xb);
	up(3, 4501, 2, 3, 0xc, 0xd);		/* another client behind the same NAT */
	assert_int_equal(retiring(ids), 0);
	ike(VICI_SA_IKE_UP, 7, 4500);		/* the client's main mode: not our initiative */
	assert_int_equal(retiring(ids), 1);
	assert_int_equal(ids[0], 2);
	e = ike_listed(2, 4500, "ESTABLISHED", 1, 2);	/* not adopted yet */
	assert_false(ipsec_sa_retire_listed(&T, 2, &e));
	assert_int_equal(retiring(ids), 1);
	e = ike_listed(2, 4500, "ESTABLISHED", 0, 0);	/* adopted by #7 */
	assert_true(ipsec_sa_retire_listed(&T, 2, &e));
	assert_int_equal(retiring(ids), 0);
	assert_int_equal(T.st.retired, 1);
	ike(VICI_SA_IKE_DOWN, 2, 4500);			/* terminated */
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 7);
	assert_int_equal(ipsec_sa_find(&T, 3)->ike_id, 3);
	assert_int_equal(n_gone, 0);
}

/*
 * The client reauthenticates while a quick-mode rekey of its CHILD_SA is under
 * way in the old IKE_SA #2 (charon adopts "1 children, 1 child tasks"): the
 * rekey completes in the new IKE_SA #7, so the entry learns #7 from the
 * CHILD_SA before #2 goes. #2 still is the client's replaced IKE_SA, childless
 * and exposed to the gateway's reauthentication timer: it stays retiring
 * (seen in the soak 63 on 6.1: the gateway reauthenticated #2 four seconds
 * after the client's main mode, and the client's tunnel was cleared).
 */
static void test_retire_survives_rekey_in_heir(void **state)
{
	struct vici_sa_event e;
	uint32_t ids[4];

	(void)state;
	up(2, 4500, 1, 2, 0xa, 0xb);
	ike(VICI_SA_IKE_UP, 7, 4500);
	rekeyed(7, 4500, 1, 4, 2, 0xa4, 0xb4);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 7);
	assert_int_equal(retiring(ids), 1);
	assert_int_equal(ids[0], 2);
	e = ike_listed(2, 4500, "ESTABLISHED", 0, 0);
	assert_true(ipsec_sa_retire_listed(&T, 2, &e));
	assert_int_equal(retiring(ids), 0);
	ike(VICI_SA_IKE_DOWN, 2, 4500);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 7);
	/* the same with a child-updown up in the heir (a new CHILD_SA, same mark) */
	ike(VICI_SA_IKE_UP, 9, 4500);
	up(9, 4500, 5, 2, 0xa5, 0xb5);
	assert_int_equal(retiring(ids), 1);
	assert_int_equal(ids[0], 7);
	/* and the retired IKE_SA's own delete ends it */
	ike(VICI_SA_IKE_DOWN, 7, 4500);
	assert_int_equal(retiring(ids), 0);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 9);
	assert_int_equal(n_gone, 0);
}

/*
 * Both sides reauthenticated at once: the gateway's CHILD_SA (mark 2) stayed
 * in IKE_SA #2 while the client's went to another IKE_SA, #5 at the gateway,
 * where the client's next quick mode makes a new CHILD_SA with a new mark
 * (6). That is a new entry and nothing more: charon may keep either SA (soak
 * 63), so no tunnel follows the new one, and each goes with its own SA.
 */
static void test_new_sa_of_peer_is_its_own(void **state)
{
	(void)state;
	up(2, 4500, 1, 2, 0xa, 0xb);
	ike(VICI_SA_IKE_UP, 5, 4500);
	up(5, 4500, 3, 6, 0xc, 0xd);
	assert_int_equal(T.n, 2);
	assert_int_equal(n_gone, 0);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 2);
	assert_int_equal(ipsec_sa_find(&T, 6)->ike_id, 5);
	feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, 2, 4500, 1, 2, 0xa, 0xb));
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 2);
	assert_non_null(ipsec_sa_find(&T, 6));
	/* a rekey of the new one keeps its mark */
	rekeyed(5, 4500, 3, 7, 6, 0xe, 0xf);
	assert_int_equal(n_gone, 1);
	assert_non_null(ipsec_sa_find(&T, 6));
}

/* What is not a client's reauthentication, or no longer needs l2secd, is left to charon. */
static void test_retire_left_to_charon(void **state)
{
	struct vici_sa_event e = ev(VICI_SA_IKE_UP, VICI_CONN_DEFAULT_NAME, 7, 4500, 0, 0, 0, 0);
	uint32_t ids[4];

	(void)state;
	up(2, 4500, 1, 2, 0xa, 0xb);
	e.ike.initiator = true;			/* the gateway's own reauthentication */
	feed(e);
	assert_int_equal(retiring(ids), 0);
	ike(VICI_SA_IKE_UP, 8, 4999);		/* another peer */
	assert_int_equal(retiring(ids), 0);
	/* the gateway's timer of #2 ended first: charon reauthenticates it itself */
	ike(VICI_SA_IKE_UP, 9, 4500);
	assert_int_equal(retiring(ids), 1);
	e = ike_listed(2, 4500, "REKEYING", 0, 0);
	assert_false(ipsec_sa_retire_listed(&T, 2, &e));
	assert_int_equal(retiring(ids), 0);
	/* not listed (busy in the adoption, say): listed again; its delete ends it */
	ike(VICI_SA_IKE_UP, 10, 4500);
	assert_int_equal(retiring(ids), 1);
	assert_false(ipsec_sa_retire_listed(&T, 2, NULL));
	assert_int_equal(retiring(ids), 1);
	ike(VICI_SA_IKE_DOWN, 2, 4500);
	assert_int_equal(retiring(ids), 0);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 10);
	/* children never adopted (another local address, say): a bounded number of tries */
	ike(VICI_SA_IKE_UP, 11, 4500);
	e = ike_listed(10, 4500, "ESTABLISHED", 1, 2);
	for (unsigned int i = 0; i < IPSEC_SA_RETIRE_TRIES; i++) {
		assert_int_equal(retiring(ids), 1);
		assert_int_equal(ids[0], 10);
		assert_false(ipsec_sa_retire_listed(&T, 10, i % 2 ? &e : NULL));
	}
	assert_int_equal(retiring(ids), 0);
	/* the heir went first: nothing to retire */
	ike(VICI_SA_IKE_UP, 12, 4500);
	ike(VICI_SA_IKE_DOWN, 12, 4500);
	assert_int_equal(retiring(ids), 0);
	/* charon lost: its IKE_SA ids mean nothing any more */
	ike(VICI_SA_IKE_UP, 13, 4500);
	assert_int_equal(retiring(ids), 1);
	ipsec_sa_lost(&T);
	assert_int_equal(retiring(ids), 0);
	assert_int_equal(T.st.retired, 0);
	assert_int_equal(n_gone, 0);
	assert_int_equal(ipsec_sa_find(&T, 2)->ike_id, 10);
}

static void test_rekey_other_mark(void **state)
{
	struct vici_sa_event e;

	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	e = ev(VICI_SA_CHILD_REKEY, VICI_CONN_DEFAULT_NAME, 1, 4500, 1, 1, 0xa, 0xb);
	child(&e.child[1], 2, 5, 0xc, 0xd);
	e.n_children = 2;
	feed(e);
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 1);
	assert_null(ipsec_sa_find(&T, 1));
	assert_non_null(ipsec_sa_find(&T, 5));
}

static void test_nat_update(void **state)
{
	struct vici_sa_event e;

	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	up(2, 4501, 2, 2, 0xc, 0xd);
	e = ev(VICI_SA_IKE_UPDATE, VICI_CONN_DEFAULT_NAME, 1, 4500, 0, 0, 0, 0);
	e.new_remote = e.ike.remote;
	e.new_remote.port = 41234;
	feed(e);
	assert_int_equal(ipsec_sa_find(&T, 1)->remote.port, 41234);
	assert_int_equal(ipsec_sa_find(&T, 2)->remote.port, 4501);
	assert_int_equal(ipsec_sa_find(&T, 1)->spi_in, 0xa);
	assert_int_equal(T.st.nat_updates, 1);
	assert_int_equal(n_gone, 0);
}

/* charon still runs (l2secd reconnected, or restarted): the list confirms ours. */
static void test_resync_same_charon(void **state)
{
	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	up(2, 4501, 2, 2, 0xc, 0xd);
	up(3, 4502, 3, 3, 0xe, 0xf);
	ipsec_sa_lost(&T);
	listed(1, 4500, 1, 1, 0xa, 0xb);
	listed(3, 4502, 3, 3, 0xe, 0xf);
	feed(ev(VICI_SA_LIST, "site-to-site", 7, 500, 7, 0x77, 0x70, 0x71));
	ipsec_sa_synced(&T);
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 2);
	assert_int_equal(T.n, 2);
	assert_non_null(ipsec_sa_find(&T, 1));
	assert_non_null(ipsec_sa_find(&T, 3));
	/* what the kernel may keep: every listed SPI and mark, any connection */
	assert_true(ipsec_sa_known_spi(&T, 0xa));
	assert_true(ipsec_sa_known_spi(&T, 0xf));
	assert_true(ipsec_sa_known_spi(&T, 0x71));
	assert_false(ipsec_sa_known_spi(&T, 0xc));
	assert_true(ipsec_sa_known_mark(&T, 0x77));
	assert_true(ipsec_sa_known_mark(&T, 3));
	assert_false(ipsec_sa_known_mark(&T, 2));
	/* a second resync with nothing changed: nothing goes */
	ipsec_sa_lost(&T);
	listed(1, 4500, 1, 1, 0xa, 0xb);
	listed(3, 4502, 3, 3, 0xe, 0xf);
	ipsec_sa_synced(&T);
	assert_int_equal(n_gone, 1);
	assert_int_equal(T.n, 2);
}

/*
 * charon killed and restarted: its marks (and ids) start at 1 again. A new
 * client's SA listed with mark 1 is not the old mark-1 SA: the old entry goes
 * (its tunnels with it), and the new one is entered with its own SPIs.
 */
static void test_resync_restarted_charon(void **state)
{
	const struct ipsec_sa *s;

	(void)state;
	up(1, 4500, 1, 1, 0xa1, 0xb1);
	up(2, 4501, 2, 2, 0xa2, 0xb2);
	ipsec_sa_lost(&T);
	assert_false(ipsec_sa_known_spi(&T, 0xa1));	/* unconfirmed */
	listed(1, 4501, 1, 1, 0xc1, 0xd1);		/* same ids and mark, other SPIs */
	assert_int_equal(n_gone, 1);
	assert_int_equal(gone_marks[0], 1);
	ipsec_sa_synced(&T);
	assert_int_equal(n_gone, 2);
	assert_int_equal(gone_marks[1], 2);
	assert_int_equal(T.n, 1);
	s = ipsec_sa_find(&T, 1);
	assert_non_null(s);
	assert_int_equal(s->spi_in, 0xc1);
	assert_int_equal(s->remote.port, 4501);
	assert_int_equal(T.st.replaced, 1);
	assert_false(ipsec_sa_known_spi(&T, 0xa1));
	assert_true(ipsec_sa_known_spi(&T, 0xc1));
}

/* After a reconnect, an event may come before the list: same rule. */
static void test_event_before_list(void **state)
{
	(void)state;
	up(1, 4500, 1, 1, 0xa1, 0xb1);
	ipsec_sa_lost(&T);
	up(1, 4501, 1, 1, 0xc1, 0xd1);
	assert_int_equal(n_gone, 1);
	listed(1, 4501, 1, 1, 0xc1, 0xd1);	/* now confirmed: the same SA */
	ipsec_sa_synced(&T);
	assert_int_equal(n_gone, 1);
	assert_int_equal(T.n, 1);
	/* a confirmed entry is refreshed, not replaced, by another up with its mark */
	up(2, 4502, 2, 1, 0xe1, 0xf1);
	assert_int_equal(n_gone, 1);
	assert_int_equal(ipsec_sa_find(&T, 1)->spi_in, 0xe1);
}

/* A NAT update for an IKE_SA id of the restarted charon leaves unconfirmed entries. */
static void test_nat_update_unconfirmed(void **state)
{
	struct vici_sa_event e;

	(void)state;
	up(1, 4500, 1, 1, 0xa, 0xb);
	ipsec_sa_lost(&T);
	e = ev(VICI_SA_IKE_UPDATE, VICI_CONN_DEFAULT_NAME, 1, 4500, 0, 0, 0, 0);
	e.new_remote = e.ike.remote;
	e.new_remote.port = 5000;
	feed(e);
	assert_int_equal(ipsec_sa_find(&T, 1)->remote.port, 4500);
}

static void test_many(void **state)
{
	(void)state;
	for (uint32_t i = 1; i <= 3000; i++)
		up(i, 4500, i, i, 0x10000 + i, 0x20000 + i);
	assert_int_equal(T.n, 3000);
	ipsec_sa_lost(&T);
	for (uint32_t i = 1; i <= 3000; i += 2)
		listed(i, 4500, i, i, 0x10000 + i, 0x20000 + i);
	ipsec_sa_synced(&T);
	assert_int_equal(T.n, 1500);
	assert_int_equal(n_gone, 1500);
	assert_non_null(ipsec_sa_find(&T, 2999));
	assert_null(ipsec_sa_find(&T, 3000));
	assert_true(ipsec_sa_known_spi(&T, 0x20000 + 2999));
}

static struct xfrm_userpolicy_info policy(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct xfrm_userpolicy_info p;

	memset(&p, 0, sizeof(p));
	p.action = XFRM_POLICY_ALLOW;
	p.sel.proto = proto;
	p.sel.sport = htons(sport);
	p.sel.sport_mask = sport ? 0xffff : 0;
	p.sel.dport = htons(dport);
	p.sel.dport_mask = dport ? 0xffff : 0;
	return p;
}

/*
 * 60,000 SAs: a client's IKE_SA up (its reauthentication), its old IKE_SA
 * down (adoption), a NAT update and every SA going each look at O(1)
 * entries (counted in htab_probes), not at the whole table.
 */
#define N_SAS 60000u
static void test_60k_sas_events_are_o1(void **state)
{
	const struct ipsec_sa *s;
	struct vici_sa_event e;
	uint32_t ids[4];
	uint64_t before;

	(void)state;
	for (uint32_t i = 1; i <= N_SAS; i++)
		up(i, (uint16_t)(1024 + i), i, i, 0x100000 + i, 0x200000 + i);
	assert_int_equal(T.n, N_SAS);
	assert_true(htab_buckets(&T.by_mark) >= N_SAS);
	assert_int_equal(ipsec_sa_retiring(&T, ids, 4), 0);

	/* client 30000 reauthenticates: a new IKE_SA from its address, port and identity */
	before = htab_probes;
	ike(VICI_SA_IKE_UP, N_SAS + 1, 1024 + 30000);
	assert_true(htab_probes - before <= PROBES_O1);
	s = ipsec_sa_find(&T, 30000);
	assert_int_equal(s->heir, N_SAS + 1);
	assert_int_equal(ipsec_sa_retiring(&T, ids, 4), 1);
	assert_int_equal(ids[0], 30000);
	assert_int_equal(ipsec_sa_find(&T, 29999)->heir, 0);

	/* its old IKE_SA goes: the SA is the heir's now */
	before = htab_probes;
	ike(VICI_SA_IKE_DOWN, 30000, 1024 + 30000);
	assert_true(htab_probes - before <= PROBES_O1);
	s = ipsec_sa_find(&T, 30000);
	assert_int_equal(s->ike_id, N_SAS + 1);
	assert_int_equal(s->heir, 0);
	assert_int_equal(T.st.adopted, 1);
	assert_int_equal(ipsec_sa_retiring(&T, ids, 4), 0);

	/* the NAT mapping of IKE_SA 20000 changes */
	e = ev(VICI_SA_IKE_UPDATE, VICI_CONN_DEFAULT_NAME, 20000, 1024 + 20000, 0, 0, 0, 0);
	e.new_remote = e.ike.remote;
	e.new_remote.port = 7;
	before = htab_probes;
	feed(e);
	assert_true(htab_probes - before <= PROBES_O1);
	assert_int_equal(ipsec_sa_find(&T, 20000)->remote.port, 7);
	assert_int_equal(ipsec_sa_find(&T, 20001)->remote.port, 1024 + 20001);

	/* all go: O(n) in all */
	before = htab_probes;
	for (uint32_t i = 1; i <= N_SAS; i++)
		feed(ev(VICI_SA_CHILD_DOWN, VICI_CONN_DEFAULT_NAME, i == 30000 ? N_SAS + 1 : i,
			(uint16_t)(1024 + i), i, i, 0, 0));
	assert_true(htab_probes - before <= 8ull * N_SAS);
	assert_int_equal(T.n, 0);
	assert_int_equal(n_gone, N_SAS);
	assert_true(htab_buckets(&T.by_mark) <= 1024);
}

/* After a resync the sealed lists answer for every SPI and mark, listed or the table's. */
static void test_known_sealed(void **state)
{
	(void)state;
	for (uint32_t i = 1; i <= 1000; i++)
		up(i, 4500, i, i, 0x10000 + i, 0x20000 + i);
	ipsec_sa_lost(&T);
	for (uint32_t i = 1; i <= 1000; i++)
		listed(i, 4500, i, i, 0x10000 + i, 0x20000 + i);
	/* another connection's SA: known, not ours */
	feed(ev(VICI_SA_LIST, "other", 5000, 4500, 5000, 0x999, 0x30000, 0x30001));
	ipsec_sa_synced(&T);
	assert_true(T.known.sealed);
	for (uint32_t i = 1; i <= 1000; i++) {
		assert_true(ipsec_sa_known_spi(&T, 0x10000 + i));
		assert_true(ipsec_sa_known_spi(&T, 0x20000 + i));
		assert_true(ipsec_sa_known_mark(&T, i));
	}
	assert_true(ipsec_sa_known_spi(&T, 0x30001));
	assert_true(ipsec_sa_known_mark(&T, 0x999));
	assert_false(ipsec_sa_known_spi(&T, 0x40000));
	assert_false(ipsec_sa_known_mark(&T, 1001));
	/* a new charon connection forgets them */
	ipsec_sa_lost(&T);
	assert_false(T.known.sealed);
	assert_false(ipsec_sa_known_spi(&T, 0x30001));
}

static void test_xfrm_policy_is_l2sec(void **state)
{
	struct xfrm_mark m = { .v = 1, .m = 0xffffffff }, none = { 0 };
	struct xfrm_userpolicy_info p;

	(void)state;
	p = policy(IPPROTO_UDP, 1701, 0);		/* out */
	assert_true(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1701));
	p = policy(IPPROTO_UDP, 0, 1701);		/* in */
	assert_true(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1701));
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &none, true, 1701));	/* no mark */
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &m, false, 1701));	/* tunnel mode */
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1702));	/* other port */
	p = policy(IPPROTO_TCP, 0, 1701);
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1701));
	p = policy(0, 0, 0);				/* a host-to-host policy */
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1701));
	p = policy(IPPROTO_UDP, 0, 1701);
	p.action = XFRM_POLICY_BLOCK;
	assert_false(ipsec_xfrm_policy_is_l2sec(&p, &m, true, 1701));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_find_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_connections_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_keeps_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ikev1_reauth_adopts_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reauth_new_ike_sa_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_collision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_reauth_retires_old_ike_sa, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retire_left_to_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_sa_of_peer_is_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retire_survives_rekey_in_heir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rekey_other_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync_same_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync_restarted_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_before_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_update_unconfirmed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_60k_sas_events_are_o1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_known_sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xfrm_policy_is_l2sec, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
