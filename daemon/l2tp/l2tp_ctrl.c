// SPDX-License-Identifier: GPL-2.0
/* L2TP control channel reliable delivery (RFC 2661 5.8, appendix A without slow start). */
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_ctrl.h"
#include "core/log.h"
#include "core/util.h"

/* A message of ours waiting for its acknowledgement, or one of the peer's held. */
struct l2tp_txmsg {
	struct l2tp_txmsg *next;	/* in txq */
	uint16_t ns;
	size_t len;
	uint8_t buf[];
};

static void rexmit_cb(struct ev_timer *t);
static void ack_cb(struct ev_timer *t);

/*
 * Slots of the held table: rws rounded up to a power of two (<= MAX_RWS), so
 * that ns modulo it stays distinct across the wrap of Ns at 65536.
 */
static unsigned int held_slots(const struct l2tp_ctrl *c)
{
	unsigned int n = 1;

	while (n < c->p.rws)
		n <<= 1;
	return n;
}

static unsigned int held_slot(const struct l2tp_ctrl *c, uint16_t ns)
{
	return ns & (held_slots(c) - 1);
}

static void seq_changed(struct l2tp_ctrl *c)
{
	if (c->ops->seq)
		c->ops->seq(c);
}

void l2tp_ctrl_init(struct l2tp_ctrl *c, struct evloop *loop, const struct l2tp_ctrl_ops *ops,
		    const struct l2tp_ctrl_params *p, uint16_t peer_tunnel_id,
		    uint16_t peer_rws, uint16_t nr)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->ops = ops;
	c->p = *p;
	if (c->p.rws < 1)
		c->p.rws = 1;
	if (c->p.rws > L2TP_CTRL_MAX_RWS)
		c->p.rws = L2TP_CTRL_MAX_RWS;
	c->peer_tunnel_id = peer_tunnel_id;
	/* our queue bounds the window we use, whatever the peer offers */
	c->peer_rws = peer_rws ? peer_rws : L2TP_DEFAULT_PEER_RWS;
	if (c->peer_rws > L2TP_CTRL_MAX_QUEUE)
		c->peer_rws = L2TP_CTRL_MAX_QUEUE;
	c->nr = nr;
	c->txq_tail = &c->txq;
	c->timeout_ms = c->p.rexmit_initial_ms;
	ev_timer_init(&c->rexmit_timer, rexmit_cb);
	ev_timer_init(&c->ack_timer, ack_cb);
}

void l2tp_ctrl_destroy(struct l2tp_ctrl *c)
{
	struct l2tp_txmsg *m, *next;

	ev_timer_cancel(c->loop, &c->rexmit_timer);
	ev_timer_cancel(c->loop, &c->ack_timer);
	for (m = c->txq; m; m = next) {
		next = m->next;
		free(m);
	}
	c->txq = NULL;
	c->txq_tail = &c->txq;
	c->n_queued = c->n_sent = 0;
	if (c->held) {
		for (size_t i = 0; i < held_slots(c); i++)
			free(c->held[i]);
		free(c->held);
		c->held = NULL;
	}
	c->n_held = 0;
}

static void transmit(struct l2tp_ctrl *c, struct l2tp_txmsg *m)
{
	/* every message carries the latest Nr: it acknowledges for us */
	l2tp_set_seq(m->buf, m->ns, c->nr);
	ev_timer_cancel(c->loop, &c->ack_timer);
	c->ops->xmit(c, m->buf, m->len);
}

/* Send queued messages while the peer's window has room. */
static void push(struct l2tp_ctrl *c)
{
	struct l2tp_txmsg *m = c->txq;

	for (unsigned int i = 0; m && i < c->n_sent; i++)
		m = m->next;
	while (m && c->n_sent < c->peer_rws) {
		transmit(c, m);
		c->stats.tx_msgs++;
		c->n_sent++;
		m = m->next;
	}
	if (c->n_sent && !ev_timer_armed(&c->rexmit_timer))
		ev_timer_arm(c->loop, &c->rexmit_timer, c->timeout_ms);
}

int l2tp_ctrl_send(struct l2tp_ctrl *c, const uint8_t *msg, size_t len)
{
	struct l2tp_txmsg *m;

	if (c->dead || c->n_queued >= L2TP_CTRL_MAX_QUEUE || len < L2TP_CTRL_HDR_LEN ||
	    len > L2TP_MAX_MSG)
		return -1;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->ns = c->ns++;
	m->len = len;
	memcpy(m->buf, msg, len);
	*c->txq_tail = m;
	c->txq_tail = &m->next;
	c->n_queued++;
	push(c);
	seq_changed(c);
	return 0;
}

static void rexmit_cb(struct ev_timer *t)
{
	struct l2tp_ctrl *c = container_of(t, struct l2tp_ctrl, rexmit_timer);
	struct l2tp_txmsg *m = c->txq;

	if (!c->n_sent)
		return;
	if (++c->tries > c->p.retries) {
		c->dead = true;
		c->ops->dead(c);
		return;
	}
	for (unsigned int i = 0; m && i < c->n_sent; i++, m = m->next) {
		transmit(c, m);
		c->stats.tx_retransmits++;
	}
	c->timeout_ms *= 2;
	if (c->timeout_ms > c->p.rexmit_max_ms)
		c->timeout_ms = c->p.rexmit_max_ms;
	ev_timer_arm(c->loop, &c->rexmit_timer, c->timeout_ms);
}

void l2tp_ctrl_ack_now(struct l2tp_ctrl *c)
{
	uint8_t zlb[L2TP_CTRL_HDR_LEN];

	ev_timer_cancel(c->loop, &c->ack_timer);
	/* a ZLB carries the Ns of the next message not yet on the wire */
	l2tp_build_zlb(zlb, c->peer_tunnel_id, (uint16_t)(c->ns - (c->n_queued - c->n_sent)),
		       c->nr);
	c->stats.tx_zlb++;
	c->ops->xmit(c, zlb, sizeof(zlb));
}

static void ack_cb(struct ev_timer *t)
{
	l2tp_ctrl_ack_now(container_of(t, struct l2tp_ctrl, ack_timer));
}

static void owe_ack(struct l2tp_ctrl *c)
{
	if (!c->p.ack_delay_ms) {
		l2tp_ctrl_ack_now(c);
		return;
	}
	if (!ev_timer_armed(&c->ack_timer))
		ev_timer_arm(c->loop, &c->ack_timer, c->p.ack_delay_ms);
}

/* The peer's Nr acknowledges every message of ours before it. */
static void process_nr(struct l2tp_ctrl *c, uint16_t nr)
{
	uint16_t una = c->txq ? c->txq->ns : c->ns;
	uint16_t sent_end = (uint16_t)(una + c->n_sent);
	bool acked = false;

	/* valid: una <= nr <= first unsent */
	if (seq_before(nr, una) || seq_before(sent_end, nr)) {
		c->stats.rx_bad_nr++;
		return;
	}
	while (c->txq && c->n_sent && seq_before(c->txq->ns, nr)) {
		struct l2tp_txmsg *m = c->txq;

		c->txq = m->next;
		if (!c->txq)
			c->txq_tail = &c->txq;
		free(m);
		c->n_queued--;
		c->n_sent--;
		acked = true;
	}
	if (!acked)
		return;
	c->tries = 0;
	c->timeout_ms = c->p.rexmit_initial_ms;
	ev_timer_cancel(c->loop, &c->rexmit_timer);
	push(c);
}

static void deliver_held(struct l2tp_ctrl *c)
{
	while (c->held) {
		struct l2tp_txmsg **slot = &c->held[held_slot(c, c->nr)];
		struct l2tp_txmsg *m = *slot;
		struct l2tp_hdr h;

		if (!m || m->ns != c->nr)
			return;
		*slot = NULL;
		if (!--c->n_held) {
			free(c->held);
			c->held = NULL;
		}
		c->nr++;
		if (l2tp_hdr_parse(m->buf, m->len, &h) == L2TP_HDR_OK) {
			c->stats.rx_msgs++;
			c->ops->deliver(c, m->buf, h.msg_len, &h);
		}
		free(m);
	}
}

/* Keep a message ahead of nr (d < rws of it) until the ones before it came. */
static void hold(struct l2tp_ctrl *c, const uint8_t *buf, const struct l2tp_hdr *h)
{
	struct l2tp_txmsg *m;
	unsigned int slot = held_slot(c, h->ns);

	if (c->held && c->held[slot]) {
		c->stats.rx_out_of_window++;	/* held already: a duplicate */
		return;
	}
	if (!c->held) {
		c->held = calloc(held_slots(c), sizeof(*c->held));
		if (!c->held) {
			c->stats.rx_nomem++;
			return;
		}
	}
	m = malloc(sizeof(*m) + h->msg_len);
	if (!m) {
		c->stats.rx_nomem++;
		if (!c->n_held) {
			free(c->held);
			c->held = NULL;
		}
		return;
	}
	m->next = NULL;
	m->ns = h->ns;
	m->len = h->msg_len;
	memcpy(m->buf, buf, h->msg_len);
	c->held[slot] = m;
	c->n_held++;
	c->stats.rx_held++;
}

static void input(struct l2tp_ctrl *c, uint8_t *buf, size_t len, const struct l2tp_hdr *h);

/* The owner hears of a changed Nr or acknowledgement once per datagram (l2tp_ctrl_ops.seq). */
void l2tp_ctrl_input(struct l2tp_ctrl *c, uint8_t *buf, size_t len, const struct l2tp_hdr *h)
{
	uint16_t nr = c->nr, una = l2tp_ctrl_una(c);

	input(c, buf, len, h);
	if (c->nr != nr || l2tp_ctrl_una(c) != una)
		seq_changed(c);
}

static void input(struct l2tp_ctrl *c, uint8_t *buf, size_t len, const struct l2tp_hdr *h)
{
	uint16_t d;

	process_nr(c, h->nr);
	if (h->msg_len <= h->hdr_len) {
		c->stats.rx_zlb++;
		return;
	}
	if (h->ns == c->nr) {
		c->nr++;
		c->stats.rx_msgs++;
		owe_ack(c);
		c->ops->deliver(c, buf, h->msg_len, h);
		deliver_held(c);
		return;
	}
	if (seq_before(h->ns, c->nr)) {
		/* our ack was lost: acknowledge again, do not process twice */
		c->stats.rx_duplicates++;
		l2tp_ctrl_ack_now(c);
		return;
	}
	d = (uint16_t)(h->ns - c->nr);
	if (d >= c->p.rws) {
		c->stats.rx_out_of_window++;
		return;
	}
	hold(c, buf, h);
	(void)len;
}
