// SPDX-License-Identifier: GPL-2.0
/*
 * The LNS state machines: a sequence of datagrams and clock steps from two
 * peers into an LNS with a fake socket, kernel and clock (tests/unit/l2tp_fake.h).
 *
 * Input: one config byte, then records [op][len hi][len lo][payload]:
 *   op 0/1  payload is a raw datagram from peer A / from peer B (another SA)
 *   op 2    the payload is an AVP list: peer A sends it as a control message
 *           with a correct header (the LNS's tunnel ID once known, session ID
 *           from the first two payload bytes, Ns/Nr in sequence)
 *   op 3    advance the clock by the first payload byte * 256 ms
 *   op 4    a PPP frame from the daemon to every established session
 *   op 5    shutdown (StopCCN to everyone)
 * Peer A's acknowledgements are the fuzzer's too, so that every queue and
 * timer state is reachable (a full control queue, retransmissions, the
 * retry limit, held out-of-order messages):
 *   op 6    first payload byte bit 0: withhold acknowledgements (A's Nr stays
 *           where it is) or acknowledge everything received, as before
 *   op 7    A sends a ZLB: Nr moved on by the first payload byte (at most to
 *           what it received; bit 7 set: by the low bits, past it, a bad Nr);
 *           no payload: everything received
 *   op 8    A sends its last framed message again (a duplicate)
 *   op 9    A's next framed message is held back and sent after the one that
 *           follows it (reordered)
 *   op 10   what the LNS sends during the next record is lost on the way to A
 *   op 11   advance the clock by the first payload byte in ms (ack and
 *           retransmission timers at their exact deadlines)
 * Oracles besides the sanitizers: the tunnel, half-open and session counts
 * agree with the tables; no closed session is in them; no control queue is
 * longer than its bound; the fake kernel never holds more tunnels or
 * sessions than the LNS, and nothing is left in it after the LNS is freed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/l2tp_fake.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

static void check(struct fake *f)
{
	struct l2tp_lns *lns = f->lns;
	unsigned int tunnels = 0, half = 0, sessions = 0, indexed = 0, marked = 0;

	for (struct l2tp_tunnel *t = lns->tunnel_list; t; t = t->next) {
		unsigned int n = 0;

		tunnels++;
		half += t->state == TUNNEL_WAIT_CTL_CONN;
		/* found by its origin and ID, as its peer's datagrams find it */
		if (l2tp_lns_tunnel_of(lns, &t->peer, t->tid) != t)
			abort();
		/* the peer and mark indexes hold exactly the tunnels that are not closing */
		if (t->indexed != (t->state != TUNNEL_CLOSING))
			abort();
		indexed += t->indexed;
		marked += t->indexed && t->peer.mark;
		for (struct l2tp_session *s = t->sessions; s; s = s->next) {
			n++;
			if (l2tp_tunnel_session(t, s->sid) != s || s->tunnel != t ||
			    l2tp_lns_session_by_peer(t, s->peer_sid) != s ||
			    s->state == SESSION_CLOSED || !s->sid)
				abort();
		}
		if (n != t->n_sessions || t->ctrl.n_queued > L2TP_CTRL_MAX_QUEUE ||
		    t->ctrl.n_sent > t->ctrl.n_queued)
			abort();
		sessions += n;
	}
	if (tunnels != lns->n_tunnels || half != lns->n_half_open || sessions != lns->n_sessions)
		abort();
	if (lns->by_tid.n != tunnels || lns->by_id.n != tunnels)
		abort();
	if (lns->sessions.n != sessions || lns->peer_sessions.n != sessions ||
	    lns->by_peer.n != indexed || lns->by_mark.n != marked)
		abort();
	if (f->k_tunnels < 0 || f->k_sessions < 0 || (unsigned int)f->k_tunnels > tunnels ||
	    (unsigned int)f->k_sessions > sessions)
		abort();
}

/* Peer A as the fuzzer drives its acknowledgements. */
struct sim {
	struct lac a;
	uint16_t rx_next;	/* the next Ns A has not received in order */
	bool withhold;		/* A's Nr does not follow rx_next */
	bool lose_next;		/* drop what the LNS sends in this record */
	bool hold_next;		/* keep the next framed message back */
	uint8_t last[L2TP_MAX_MSG], held[L2TP_MAX_MSG];
	size_t last_len, held_len;
};

/* Learn the LNS's tunnel ID from its SCCRP; Nr follows what arrived unless withheld. */
static void drain(struct sim *sim)
{
	struct lac *l = &sim->a;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t type, nr = l->nr;

	if (sim->lose_next) {
		sim->lose_next = false;
		l->seen = l->f->n_out;
		return;
	}
	l->nr = sim->rx_next;
	while ((type = lac_recv(l, &m, &h, &p)) != 0)
		if (type == L2TP_SCCRP && l2tp_msg_has(&m, AVP_ASSIGNED_TUNNEL_ID))
			l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	l->seen = l->f->n_out;
	sim->rx_next = l->nr;
	if (sim->withhold)
		l->nr = nr;
}

static void send_framed(struct sim *sim, const uint8_t *p, size_t n)
{
	struct lac *l = &sim->a;
	static uint8_t buf[L2TP_MAX_MSG + 64];
	uint16_t sid = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
	size_t len;

	p += n >= 2 ? 2 : n;
	n -= n >= 2 ? 2 : n;
	if (n > L2TP_MAX_MSG - L2TP_CTRL_HDR_LEN)
		n = L2TP_MAX_MSG - L2TP_CTRL_HDR_LEN;
	len = L2TP_CTRL_HDR_LEN + n;
	l2tp_build_zlb(buf, l->lns_tid, l->ns, l->nr);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[6] = (uint8_t)(sid >> 8);
	buf[7] = (uint8_t)sid;
	memcpy(buf + L2TP_CTRL_HDR_LEN, p, n);
	/* an SCCRQ goes to tunnel 0; so does anything before the SCCRP */
	if (n >= 8 && p[6] == 0 && p[7] == L2TP_SCCRQ) {
		buf[4] = buf[5] = 0;
		l->ns = 0;
		buf[8] = buf[9] = 0;
	}
	if (n)
		l->ns++;
	memcpy(sim->last, buf, len);
	sim->last_len = len;
	if (sim->hold_next) {
		sim->hold_next = false;
		memcpy(sim->held, buf, len);
		sim->held_len = len;
		return;
	}
	l2tp_lns_input(l->f->lns, buf, len, &l->peer);
	if (sim->held_len) {
		l2tp_lns_input(l->f->lns, sim->held, sim->held_len, &l->peer);
		sim->held_len = 0;
	}
}

/* op 7: a ZLB whose Nr acknowledges some, all, or more than A received. */
static void ack(struct sim *sim, const uint8_t *p, size_t n)
{
	struct lac *l = &sim->a;
	uint16_t room = (uint16_t)(sim->rx_next - l->nr);

	if (!n)
		l->nr = sim->rx_next;
	else if (p[0] & 0x80)
		l->nr = (uint16_t)(sim->rx_next + (p[0] & 0x7f));
	else
		l->nr = (uint16_t)(l->nr + (p[0] < room ? p[0] : room));
	lac_zlb(l);
}

/* op 8: the last framed message again (its own Ns and Nr) */
static void duplicate(struct sim *sim)
{
	uint8_t buf[L2TP_MAX_MSG];

	if (!sim->last_len)
		return;
	memcpy(buf, sim->last, sim->last_len);
	l2tp_lns_input(sim->a.f->lns, buf, sim->last_len, &sim->a.peer);
}

static void ppp_to_all(struct fake *f, const uint8_t *p, size_t n)
{
	for (struct l2tp_tunnel *t = f->lns->tunnel_list; t; t = t->next)
		for (struct l2tp_session *s = t->sessions; s; s = s->next)
			l2tp_session_send_ppp(s, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2sec_config cfg;
	struct fake *f;
	static struct sim sim;
	struct lac b;
	static uint8_t buf[65536];

	if (size < 1)
		return 0;
	config_defaults(&cfg);
	strcpy(cfg.l2tp.hostname, "lns");
	cfg.l2tp.require_ipsec = false;
	if (data[0] & 1)
		strcpy(cfg.l2tp.secret, "secret");
	if (data[0] & 2) {
		cfg.l2tp.max_tunnels = 2;
		cfg.l2tp.max_sessions = 3;
		cfg.l2tp.max_sessions_per_tunnel = 2;
		cfg.l2tp.max_half_open = 1;
	}
	if (data[0] & 4)
		cfg.l2tp.ack_delay_ms = 0;
	cfg.l2tp.receive_window = 1 + (data[0] >> 3) % L2TP_CTRL_MAX_RWS;
	f = fake_new(&cfg);
	memset(&sim, 0, sizeof(sim));
	lac_init(&sim.a, f, 0x0a000001, 1701, 1, 1);
	lac_init(&b, f, 0x0a000001, 1701, 2, 1);
	data++;
	size--;
	while (size >= 3) {
		uint8_t op = data[0];
		size_t n = (size_t)(data[1] << 8 | data[2]);
		const uint8_t *p = data + 3;

		if (n > size - 3)
			n = size - 3;
		data += 3 + n;
		size -= 3 + n;
		switch (op % 12) {
		case 0:
		case 1:
			memcpy(buf, p, n);
			l2tp_lns_input(f->lns, buf, n, op % 12 ? &b.peer : &sim.a.peer);
			break;
		case 2:
			send_framed(&sim, p, n);
			break;
		case 3:
			fake_advance(f, n ? (uint64_t)p[0] * 256 : 10);
			break;
		case 4:
			ppp_to_all(f, p, n);
			break;
		case 5:
			l2tp_lns_shutdown(f->lns);
			break;
		case 6:
			sim.withhold = n && (p[0] & 1);
			break;
		case 7:
			ack(&sim, p, n);
			break;
		case 8:
			duplicate(&sim);
			break;
		case 9:
			sim.hold_next = true;
			continue;	/* the hold applies to what comes next */
		case 10:
			sim.lose_next = true;
			continue;
		case 11:
			fake_advance(f, n ? p[0] : 1);
			break;
		}
		drain(&sim);
		check(f);
	}
	/* let every timer run out: lingering tunnels are freed */
	fake_advance(f, 120000);
	check(f);
	fake_free(f);
	return 0;
}
