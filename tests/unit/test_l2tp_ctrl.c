// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable delivery (RFC 2661 5.8) against a fake clock: retransmission at
 * 1, 2, 4, 8, 8 s intervals and the retry limit, ZLB after the ack delay,
 * piggybacked acks, duplicates re-acknowledged, out-of-order messages held
 * and delivered in order, the peer's window, and hostile Nr values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/evloop.h"
#include "l2tp/l2tp_ctrl.h"
#include "l2tp/l2tp_msg.h"

struct wire {
	uint64_t at;
	uint16_t ns, nr;
	bool zlb;
	uint16_t type;
};

struct fixture {
	uint64_t now;
	struct evloop *loop;
	struct l2tp_ctrl c;
	struct wire out[256];
	unsigned int n_out;
	uint16_t delivered[64];	/* Ns of delivered messages, in order */
	unsigned int n_delivered;
	int dead;
};

static struct fixture *fx;

static uint64_t fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static void xmit(struct l2tp_ctrl *c, const uint8_t *buf, size_t len)
{
	struct l2tp_hdr h;
	struct wire *w = &fx->out[fx->n_out++];

	(void)c;
	assert_true(fx->n_out < 256);
	assert_int_equal(l2tp_hdr_parse(buf, len, &h), L2TP_HDR_OK);
	w->at = fx->now;
	w->ns = h.ns;
	w->nr = h.nr;
	w->zlb = h.msg_len == 12;
	w->type = w->zlb ? 0 : (uint16_t)(buf[18] << 8 | buf[19]);
}

static void deliver(struct l2tp_ctrl *c, uint8_t *buf, size_t len, const struct l2tp_hdr *h)
{
	(void)c; (void)buf; (void)len;
	fx->delivered[fx->n_delivered++] = h->ns;
}

static void dead(struct l2tp_ctrl *c)
{
	(void)c;
	fx->dead++;
}

static const struct l2tp_ctrl_ops ops = { .xmit = xmit, .deliver = deliver, .dead = dead };

static int setup(void **state)
{
	struct l2tp_ctrl_params p = {
		.rexmit_initial_ms = 1000, .rexmit_max_ms = 8000, .retries = 5,
		.ack_delay_ms = 250, .rws = 4,
	};

	fx = calloc(1, sizeof(*fx));
	fx->now = 1000000;
	fx->loop = evloop_new(fake_clock, fx);
	l2tp_ctrl_init(&fx->c, fx->loop, &ops, &p, 0x7777, 4, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	l2tp_ctrl_destroy(&fx->c);
	evloop_free(fx->loop);
	free(fx);
	return 0;
}

static void advance(uint64_t ms)
{
	/* step 10 ms at a time so every timer fires at its own deadline */
	for (uint64_t t = 0; t < ms; t += 10) {
		fx->now += 10;
		evloop_run_timers(fx->loop);
	}
}

static void send_hello(void)
{
	uint8_t buf[64];
	struct l2tp_builder b;

	l2tp_build_init(&b, buf, sizeof(buf), 0x7777, 0, L2TP_HELLO);
	assert_int_equal(l2tp_ctrl_send(&fx->c, buf, l2tp_build_finish(&b)), 0);
}

/* A peer message (HELLO) or a ZLB with the given Ns/Nr. */
static void peer_msg(uint16_t ns, uint16_t nr, bool zlb)
{
	uint8_t buf[64];
	struct l2tp_builder b;
	struct l2tp_hdr h;
	size_t len = 12;

	if (zlb) {
		l2tp_build_zlb(buf, 1, ns, nr);
	} else {
		l2tp_build_init(&b, buf, sizeof(buf), 1, 0, L2TP_HELLO);
		len = l2tp_build_finish(&b);
		l2tp_set_seq(buf, ns, nr);
	}
	assert_int_equal(l2tp_hdr_parse(buf, len, &h), L2TP_HDR_OK);
	l2tp_ctrl_input(&fx->c, buf, len, &h);
}

static void test_retransmit_backoff(void **state)
{
	uint64_t t0 = fx->now;
	static const uint64_t want[] = { 0, 1000, 3000, 7000, 15000, 23000 };

	(void)state;
	send_hello();
	advance(40000);
	/* original + 5 retransmissions at 1, 2, 4, 8, 8 s intervals (max 8 s) */
	assert_int_equal(fx->n_out, 6);
	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(fx->out[i].at - t0, want[i]);
		assert_int_equal(fx->out[i].ns, 0);
		assert_int_equal(fx->out[i].type, L2TP_HELLO);
	}
	/* then the peer is declared dead one more timeout later, once */
	assert_int_equal(fx->dead, 1);
	assert_int_equal(fx->c.stats.tx_retransmits, 5);
}

static void test_ack_resets_backoff(void **state)
{
	uint64_t t0 = fx->now;

	(void)state;
	send_hello();
	advance(3500);		/* retransmitted at +1 s and +3 s */
	assert_int_equal(fx->n_out, 3);
	peer_msg(1, 1, true);	/* ZLB acknowledging Ns 0 */
	assert_true(l2tp_ctrl_idle(&fx->c));
	send_hello();		/* Ns 1: first retransmit 1 s later again */
	advance(1500);
	assert_int_equal(fx->n_out, 5);
	assert_int_equal(fx->out[3].ns, 1);
	assert_int_equal(fx->out[4].at - fx->out[3].at, 1000);
	assert_int_equal(fx->dead, 0);
	(void)t0;
}

static void test_zlb_delay_and_piggyback(void **state)
{
	(void)state;
	peer_msg(1, 0, false);
	assert_int_equal(fx->n_delivered, 1);
	assert_int_equal(fx->n_out, 0);		/* not yet: wait for something to piggyback */
	advance(240);
	assert_int_equal(fx->n_out, 0);
	advance(20);
	assert_int_equal(fx->n_out, 1);		/* ZLB at 250 ms */
	assert_true(fx->out[0].zlb);
	assert_int_equal(fx->out[0].nr, 2);
	assert_int_equal(fx->out[0].ns, 0);

	/* next message: our reply within the delay carries the ack, no ZLB */
	peer_msg(2, 0, false);
	advance(100);
	send_hello();
	advance(500);
	assert_int_equal(fx->n_out, 2);
	assert_false(fx->out[1].zlb);
	assert_int_equal(fx->out[1].nr, 3);
}

static void test_duplicate_reacked(void **state)
{
	(void)state;
	peer_msg(1, 0, false);
	advance(300);
	assert_int_equal(fx->n_out, 1);		/* the ZLB */
	peer_msg(1, 0, false);			/* our ZLB was lost: the peer resends */
	assert_int_equal(fx->n_delivered, 1);	/* not processed twice */
	assert_int_equal(fx->n_out, 2);		/* re-acknowledged at once */
	assert_true(fx->out[1].zlb);
	assert_int_equal(fx->out[1].nr, 2);
	assert_int_equal(fx->c.stats.rx_duplicates, 1);
}

static void test_out_of_order_held(void **state)
{
	(void)state;
	assert_null(fx->c.held);		/* in order: no table of held messages */
	peer_msg(3, 0, false);			/* 1 and 2 still missing */
	assert_non_null(fx->c.held);
	peer_msg(2, 0, false);
	assert_int_equal(fx->n_delivered, 0);
	assert_int_equal(fx->c.n_held, 2);
	peer_msg(5, 0, false);			/* beyond our window of 4 (1..4) */
	assert_int_equal(fx->c.stats.rx_out_of_window, 1);
	peer_msg(3, 0, false);			/* held already */
	assert_int_equal(fx->c.stats.rx_out_of_window, 2);
	assert_int_equal(fx->c.stats.rx_held, 2);
	peer_msg(1, 0, false);
	/* drained: the table is gone */
	assert_null(fx->c.held);
	assert_int_equal(fx->c.n_held, 0);
	assert_int_equal(fx->n_delivered, 3);
	assert_int_equal(fx->delivered[0], 1);
	assert_int_equal(fx->delivered[1], 2);
	assert_int_equal(fx->delivered[2], 3);
	assert_int_equal(fx->c.nr, 4);
	advance(300);
	assert_int_equal(fx->n_out, 1);
	assert_int_equal(fx->out[0].nr, 4);
}

static void test_peer_window(void **state)
{
	(void)state;
	for (int i = 0; i < 6; i++)
		send_hello();
	/* the peer's window is 4: two wait */
	assert_int_equal(fx->n_out, 4);
	peer_msg(1, 2, true);			/* acks Ns 0 and 1 */
	assert_int_equal(fx->n_out, 6);
	assert_int_equal(fx->out[4].ns, 4);
	assert_int_equal(fx->out[5].ns, 5);
	peer_msg(1, 6, true);
	assert_true(l2tp_ctrl_idle(&fx->c));
}

static void test_hostile_nr(void **state)
{
	(void)state;
	send_hello();				/* Ns 0 in flight */
	peer_msg(1, 5, true);			/* acknowledges what we never sent */
	assert_false(l2tp_ctrl_idle(&fx->c));
	assert_int_equal(fx->c.stats.rx_bad_nr, 1);
	peer_msg(1, 40000, true);
	assert_false(l2tp_ctrl_idle(&fx->c));
	peer_msg(1, 1, true);
	assert_true(l2tp_ctrl_idle(&fx->c));
}

static void test_queue_bounded(void **state)
{
	uint8_t buf[64];
	struct l2tp_builder b;
	size_t len;
	int refused = 0;

	(void)state;
	l2tp_build_init(&b, buf, sizeof(buf), 0x7777, 0, L2TP_HELLO);
	len = l2tp_build_finish(&b);
	for (int i = 0; i < L2TP_CTRL_MAX_QUEUE + 10; i++)
		if (l2tp_ctrl_send(&fx->c, buf, len) < 0)
			refused++;
	assert_int_equal(refused, 10);
}

static void test_wraparound(void **state)
{
	(void)state;
	fx->c.nr = 65535;
	peer_msg(0, 0, false);			/* after 65535 comes 0: held */
	peer_msg(65535, 0, false);
	assert_int_equal(fx->n_delivered, 2);
	assert_int_equal(fx->delivered[0], 65535);
	assert_int_equal(fx->delivered[1], 0);
	assert_int_equal(fx->c.nr, 1);
}

/*
 * A window that is not a power of two, across the wrap of Ns: 65535 and 0
 * (and 1) are held apart, delivered in order; a table still holding a
 * message when the channel goes is freed with it (ASan: no leak).
 */
static void test_held_odd_window_wrap(void **state)
{
	struct l2tp_ctrl_params p = {
		.rexmit_initial_ms = 1000, .rexmit_max_ms = 8000, .retries = 5,
		.ack_delay_ms = 250, .rws = 3,
	};

	(void)state;
	l2tp_ctrl_destroy(&fx->c);
	l2tp_ctrl_init(&fx->c, fx->loop, &ops, &p, 0x7777, 4, 65534);
	peer_msg(65535, 0, false);
	peer_msg(0, 0, false);
	assert_int_equal(fx->c.n_held, 2);
	assert_int_equal(fx->c.stats.rx_out_of_window, 0);
	peer_msg(1, 0, false);			/* 65534 + 3: beyond the window */
	assert_int_equal(fx->c.stats.rx_out_of_window, 1);
	peer_msg(65534, 0, false);
	assert_int_equal(fx->n_delivered, 3);
	assert_int_equal(fx->delivered[0], 65534);
	assert_int_equal(fx->delivered[1], 65535);
	assert_int_equal(fx->delivered[2], 0);
	assert_null(fx->c.held);
	peer_msg(2, 0, false);			/* held when teardown frees the channel */
	assert_non_null(fx->c.held);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retransmit_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_resets_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zlb_delay_and_piggyback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_reacked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_nr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wraparound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_odd_window_wrap, setup, teardown),
	};

	return cmocka_run_group_tests_name("l2tp_ctrl", tests, NULL, NULL);
}
