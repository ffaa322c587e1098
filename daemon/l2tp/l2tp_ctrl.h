/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reliable delivery of one tunnel's control messages (RFC 2661 5.8):
 * Ns/Nr, the peer's receive window, retransmission with exponential backoff
 * and a retry limit, delayed ZLB acknowledgements, duplicates re-acknowledged,
 * out-of-order messages held within our window and delivered in order.
 *
 * Memory per channel is bounded: at most L2TP_CTRL_MAX_QUEUE messages waiting
 * to be acknowledged, at most rws (<= L2TP_CTRL_MAX_RWS) held out of order,
 * each at most L2TP_MAX_MSG bytes. The table of held messages (rws pointers,
 * rounded up to a power of two)
 * exists only while one is held: allocated for the first, freed with the last
 * delivered (a channel spends almost all its life in order).
 *
 * Callbacks run from l2tp_ctrl_input() and from the channel's timers. The
 * owner must not free the channel inside them (defer it to a timer); it may
 * call l2tp_ctrl_send() from deliver().
 */
#ifndef L2SECD_L2TP_CTRL_H
#define L2SECD_L2TP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evloop.h"
#include "l2tp/l2tp_msg.h"

#define L2TP_CTRL_MAX_RWS 32
#define L2TP_CTRL_MAX_QUEUE 64
#define L2TP_DEFAULT_PEER_RWS 4		/* 5.8: when the peer sends no RWS AVP */

struct l2tp_ctrl;

struct l2tp_ctrl_ops {
	/* Put a complete message (header with Ns/Nr set) on the wire. */
	void (*xmit)(struct l2tp_ctrl *c, const uint8_t *buf, size_t len);
	/* An in-order, non-ZLB control message; buf is writable (hidden AVPs). */
	void (*deliver)(struct l2tp_ctrl *c, uint8_t *buf, size_t len,
			const struct l2tp_hdr *h);
	/* The retry limit was reached: the peer is gone. */
	void (*dead)(struct l2tp_ctrl *c);
	/* Optional: Nr, the first unacknowledged Ns or the queue changed (l2tp_ctrl_una). */
	void (*seq)(struct l2tp_ctrl *c);
};

struct l2tp_ctrl_params {
	unsigned int rexmit_initial_ms;
	unsigned int rexmit_max_ms;
	unsigned int retries;
	unsigned int ack_delay_ms;
	uint16_t rws;			/* ours, 1..L2TP_CTRL_MAX_RWS */
};

/* One tunnel's: 32 bits (a tunnel's 2^32 messages are a lifetime beyond any). */
struct l2tp_ctrl_stats {
	uint32_t tx_msgs, tx_retransmits, tx_zlb;
	uint32_t rx_msgs, rx_zlb, rx_duplicates, rx_held, rx_out_of_window, rx_bad_nr;
	uint32_t rx_nomem;		/* out of order, dropped: no memory to hold it */
};

struct l2tp_txmsg;

struct l2tp_ctrl {
	struct evloop *loop;
	const struct l2tp_ctrl_ops *ops;
	struct l2tp_ctrl_params p;
	uint16_t peer_tunnel_id;	/* goes into ZLBs */
	uint16_t ns;			/* Ns of the next new message */
	uint16_t nr;			/* next Ns expected from the peer */
	uint16_t peer_rws;
	unsigned int n_queued, n_sent;
	unsigned int timeout_ms, tries;
	unsigned int n_held;		/* messages in held[] */
	struct l2tp_txmsg *txq;		/* unacknowledged, in Ns order; first n_sent are out */
	struct l2tp_txmsg **txq_tail;
	struct ev_timer rexmit_timer;
	struct ev_timer ack_timer;	/* armed while an ack is owed and not yet sent */
	/*
	 * Messages ahead of nr, within our window: p.rws slots (rounded up to
	 * a power of two) indexed by ns modulo their number (NULL: empty); the
	 * table is NULL while n_held is 0.
	 */
	struct l2tp_txmsg **held;
	struct l2tp_ctrl_stats stats;
	bool dead;
};

void l2tp_ctrl_init(struct l2tp_ctrl *c, struct evloop *loop, const struct l2tp_ctrl_ops *ops,
		    const struct l2tp_ctrl_params *p, uint16_t peer_tunnel_id,
		    uint16_t peer_rws, uint16_t nr);
void l2tp_ctrl_destroy(struct l2tp_ctrl *c);
/* Queue a message built with l2tp_build_*(); -1 when the queue is full or memory is out. */
int l2tp_ctrl_send(struct l2tp_ctrl *c, const uint8_t *msg, size_t len);
/* A control message (or ZLB) of this tunnel, header already parsed. */
void l2tp_ctrl_input(struct l2tp_ctrl *c, uint8_t *buf, size_t len, const struct l2tp_hdr *h);
/* Send a ZLB now. */
void l2tp_ctrl_ack_now(struct l2tp_ctrl *c);
/* Ns of our first unacknowledged message; of the next one when none waits. */
static inline uint16_t l2tp_ctrl_una(const struct l2tp_ctrl *c)
{
	return (uint16_t)(c->ns - c->n_queued);
}
/* Nothing of ours waits for an acknowledgement. */
static inline bool l2tp_ctrl_idle(const struct l2tp_ctrl *c)
{
	return c->n_queued == 0;
}

#endif
