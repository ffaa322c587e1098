// SPDX-License-Identifier: GPL-2.0
/*
 * The option negotiation automaton of RFC 1661 section 4, shared by LCP,
 * IPCP and IPv6CP. Events and actions follow the state transition table of
 * section 4.1; the per-protocol parts live behind struct fsm_proto.
 *
 * Hostile input: every packet's length is checked before a field is read;
 * an option list that does not parse drops the whole packet (counted), an
 * option of a known type but a wrong length is rejected, a repeated option
 * is rejected, more than PPP_MAX_OPTS options drop the packet. Naks we send
 * turn into Rejects after Max-Failure; Naks and Rejects we receive end the
 * automaton after max_nak_rounds, so neither side can loop forever.
 *
 * Callbacks (tlu/tld/tls/tlf) may act on other automata but never on the one
 * running; a wish to close it goes through ppp_terminate() (deferred).
 */
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/util.h"

/* Lines a peer can cause with every frame: for all sessions together (logrl.h). */
static struct logrl coderej_rl = LOGRL_INIT_DEFAULT, unknown_code_rl = LOGRL_INIT_DEFAULT;

static const char *const state_names[] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing",
	"Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened",
};

const char *ppp_fsm_state_name(enum fsm_state st)
{
	return (unsigned int)st < ARRAY_SIZE(state_names) ? state_names[st] : "?";
}

void ppp_fsm_init(struct ppp_fsm *f, struct ppp_session *s,
	      const struct fsm_proto *p)
{
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->p = p;
	f->state = ST_INITIAL;
}

static bool timer_state(enum fsm_state st)
{
	return st == ST_CLOSING || st == ST_STOPPING || st == ST_REQSENT ||
	       st == ST_ACKRCVD || st == ST_ACKSENT;
}

static void set_state(struct ppp_fsm *f, enum fsm_state st)
{
	if (f->state != st)
		ppp_log(f->s, LOG_DEBUG, "%s: %s -> %s", f->p->name,
			ppp_fsm_state_name(f->state), ppp_fsm_state_name(st));
	f->state = st;
	if (!timer_state(st))
		f->deadline = 0;
}

static void start_timer(struct ppp_fsm *f)
{
	f->deadline = f->s->now + f->s->cfg->restart_ms;
}

/* irc: Initialize-Restart-Count */
static void irc(struct ppp_fsm *f, bool terminate)
{
	f->restart = terminate ? f->s->cfg->max_terminate : f->s->cfg->max_configure;
}

/* zrc: Zero-Restart-Count, and wait one Restart period */
static void zrc(struct ppp_fsm *f)
{
	f->restart = 0;
	start_timer(f);
}

static void tlu(struct ppp_fsm *f)
{
	f->naks_rcvd = 0;
	f->opened_at = f->s->now;
	f->reacks = 0;
	if (f->p->up)
		f->p->up(f);
}

static void tld(struct ppp_fsm *f)
{
	if (f->p->down)
		f->p->down(f);
}

static void tls(struct ppp_fsm *f)
{
	if (f->p->starting)
		f->p->starting(f);
}

static void tlf(struct ppp_fsm *f)
{
	if (f->p->finished)
		f->p->finished(f);
}

/* scr: Send-Configure-Request */
static void scr(struct ppp_fsm *f)
{
	f->req_len = (uint8_t)f->p->build(f, f->req, sizeof(f->req));
	f->reqid = ++f->id;
	f->req_open = true;
	ppp_send_ctrl(f->s, f->p->proto, CODE_CONFREQ, f->reqid, f->req, f->req_len);
	if (f->restart)
		f->restart--;
	start_timer(f);
}

/*
 * str: Send-Terminate-Request. Only LCP is ever closed (ppp_fsm_close, with
 * the session's reason): its requests carry that reason, the others none.
 */
static void str(struct ppp_fsm *f)
{
	const char *msg = f == &f->s->lcp ? ppp_reason_msg(f->s) : "";

	f->termid = ++f->id;
	ppp_send_ctrl(f->s, f->p->proto, CODE_TERMREQ, f->termid, (const uint8_t *)msg,
		      strnlen(msg, PPP_TERM_MSG_MAX));
	if (f->restart)
		f->restart--;
	start_timer(f);
}

/* sta: Send-Terminate-Ack */
static void sta(struct ppp_fsm *f, uint8_t id)
{
	ppp_send_ctrl(f->s, f->p->proto, CODE_TERMACK, id, NULL, 0);
}

/* scj: Send-Code-Reject with as much of the packet as fits */
static void scj(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	size_t max = ppp_send_limit(f->s) - 4;

	f->s->st.rx_code_rejected++;
	ppp_send_ctrl(f->s, f->p->proto, CODE_CODEREJ, ++f->id, pkt,
		      len < max ? len : max);
}

/* A fresh negotiation: our options back to what we want. */
static void fresh_request(struct ppp_fsm *f)
{
	f->naks_sent = 0;
	f->naks_rcvd = 0;
	if (f->p->reset)
		f->p->reset(f);
}

void ppp_fsm_up(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_INITIAL:
		set_state(f, ST_CLOSED);
		break;
	case ST_STARTING:
		fresh_request(f);
		irc(f, false);
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	default:
		break;
	}
}

void ppp_fsm_down(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_CLOSED:
	case ST_CLOSING:
		set_state(f, ST_INITIAL);
		break;
	case ST_STOPPED:
		set_state(f, ST_STARTING);
		tls(f);
		break;
	case ST_STOPPING:
	case ST_REQSENT:
	case ST_ACKRCVD:
	case ST_ACKSENT:
		set_state(f, ST_STARTING);
		break;
	case ST_OPENED:
		tld(f);
		set_state(f, ST_STARTING);
		break;
	default:
		break;
	}
}

void ppp_fsm_open(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_INITIAL:
		set_state(f, ST_STARTING);
		tls(f);
		break;
	case ST_CLOSED:
		fresh_request(f);
		irc(f, false);
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	case ST_CLOSING:
		set_state(f, ST_STOPPING);
		break;
	default:
		break;
	}
}

void ppp_fsm_close(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_STARTING:
		set_state(f, ST_INITIAL);
		tlf(f);
		break;
	case ST_STOPPED:
		set_state(f, ST_CLOSED);
		break;
	case ST_STOPPING:
		set_state(f, ST_CLOSING);
		break;
	case ST_OPENED:
		tld(f);
		/* fall through */
	case ST_REQSENT:
	case ST_ACKRCVD:
	case ST_ACKSENT:
		irc(f, true);
		str(f);
		set_state(f, ST_CLOSING);
		break;
	default:
		break;
	}
}

void ppp_fsm_timeout(struct ppp_fsm *f)
{
	if (!timer_state(f->state))
		return;
	if (f->restart > 0) {
		switch (f->state) {
		case ST_CLOSING:
		case ST_STOPPING:
			str(f);
			break;
		case ST_ACKRCVD:
			scr(f);
			set_state(f, ST_REQSENT);
			break;
		default:	/* Req-Sent, Ack-Sent */
			scr(f);
			break;
		}
		return;
	}
	ppp_log(f->s, LOG_INFO, "%s: no answer after %u tries in %s", f->p->name,
		f->state == ST_CLOSING || f->state == ST_STOPPING ?
		f->s->cfg->max_terminate : f->s->cfg->max_configure,
		ppp_fsm_state_name(f->state));
	set_state(f, f->state == ST_CLOSING ? ST_CLOSED : ST_STOPPED);
	tlf(f);
}

/* RXJ-: the peer cannot talk this protocol (Protocol- or Code-Reject). */
void ppp_fsm_proto_rejected(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_CLOSED:
	case ST_CLOSING:
		set_state(f, ST_CLOSED);
		tlf(f);
		break;
	case ST_STOPPED:
	case ST_STOPPING:
	case ST_REQSENT:
	case ST_ACKRCVD:
	case ST_ACKSENT:
		set_state(f, ST_STOPPED);
		tlf(f);
		break;
	case ST_OPENED:
		tld(f);
		irc(f, true);
		str(f);
		set_state(f, ST_STOPPING);
		break;
	default:
		break;
	}
}

/*
 * Evaluate the peer's Configure-Request. Returns the answer's code and
 * fills out/out_len, or -1 when the packet is malformed (dropped).
 */
static int eval_request(struct ppp_fsm *f, const uint8_t *opts, size_t len,
			uint8_t *out, size_t *out_len)
{
	uint8_t nak[PPP_CTRL_MAX], rej[PPP_CTRL_MAX], one[PPP_CTRL_MAX];
	size_t nak_len = 0, rej_len = 0, one_len, pos, cnt = 0;
	bool nak_as_rej = f->naks_sent >= f->s->cfg->max_failure;
	uint8_t seen[32] = { 0 };
	enum opt_verdict v;
	uint8_t type, olen;

	/* Parse the whole list before acting on any of it. */
	for (pos = 0; pos < len; pos += olen) {
		if (len - pos < 2 || opts[pos + 1] < 2 || opts[pos + 1] > len - pos) {
			ppp_log_drop(f->s, "%s: Configure-Request with a bad option length, dropped",
				f->p->name);
			return -1;
		}
		olen = opts[pos + 1];
		if (++cnt > PPP_MAX_OPTS) {
			ppp_log_drop(f->s, "%s: Configure-Request with more than %d options, dropped",
				f->p->name, PPP_MAX_OPTS);
			return -1;
		}
	}

	f->p->req_begin(f);
	for (pos = 0; pos < len; pos += olen) {
		type = opts[pos];
		olen = opts[pos + 1];
		if (seen[type / 8] & (1u << (type % 8))) {
			v = OPT_REJ;	/* a repeated option: one value only */
		} else {
			seen[type / 8] |= (uint8_t)(1u << (type % 8));
			one_len = 0;
			v = f->p->req_opt(f, type, opts + pos + 2, olen - 2u,
					  one, &one_len);
			if (v == OPT_NAK && nak_as_rej)
				v = OPT_REJ;
		}
		if (v == OPT_REJ) {
			memcpy(rej + rej_len, opts + pos, olen);
			rej_len += olen;
		} else if (v == OPT_NAK && one_len <= sizeof(nak) - nak_len) {
			memcpy(nak + nak_len, one, one_len);
			nak_len += one_len;
		}
	}
	if (!rej_len && !nak_as_rej && f->p->req_missing)
		nak_len += f->p->req_missing(f, nak + nak_len, sizeof(nak) - nak_len);

	if (rej_len) {
		memcpy(out, rej, rej_len);
		*out_len = rej_len;
		return CODE_CONFREJ;
	}
	if (nak_len) {
		memcpy(out, nak, nak_len);
		*out_len = nak_len;
		return CODE_CONFNAK;
	}
	memcpy(out, opts, len);
	*out_len = len;
	return CODE_CONFACK;
}

/* FNV-1a over a request's options: enough to tell a resend from another request. */
static uint64_t opts_hash(const uint8_t *opts, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ opts[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * A Configure-Request in Opened with the options we acked, while the peer
 * may still be resending that one: our Ack was lost or late, and pppd and
 * Windows give each resend a new identifier.  Acking it again changes
 * nothing on either side; a renegotiation (RFC 1661's tld, scr, sca) would
 * end the session over one lost datagram.  Bounded by Max-Configure (the
 * peer's resends are too), after which it is a renegotiation again.
 */
static bool is_resend(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	const struct ppp_config *c = f->s->cfg;

	if (!f->acked_valid || f->acked_hash != opts_hash(opts, len) ||
	    f->reacks >= c->max_configure ||
	    f->s->now - f->opened_at > (uint64_t)c->restart_ms * c->max_configure)
		return false;
	return !f->p->resend_possible || f->p->resend_possible(f);
}

static void rcv_confreq(struct ppp_fsm *f, uint8_t id, const uint8_t *opts,
			size_t len)
{
	uint8_t out[PPP_CTRL_MAX];
	size_t out_len = 0;
	bool opens;
	int code;

	switch (f->state) {
	case ST_CLOSED:
		sta(f, id);
		return;
	case ST_CLOSING:
	case ST_STOPPING:
	case ST_INITIAL:
	case ST_STARTING:
		f->s->st.rx_discarded++;
		return;
	case ST_OPENED:
		if (!is_resend(f, opts, len))
			break;
		f->reacks++;
		ppp_log(f->s, LOG_DEBUG, "%s: Configure-Request %u resends the one acked: "
			"acked again", f->p->name, id);
		ppp_send_ctrl(f->s, f->p->proto, CODE_CONFACK, id, opts, len);
		return;
	default:
		break;
	}

	code = eval_request(f, opts, len, out, &out_len);
	if (code < 0) {
		f->s->st.rx_malformed++;
		return;
	}
	f->p->req_end(f, code);
	f->naks_sent = code == CODE_CONFACK ? 0 : f->naks_sent + 1;
	f->acked_valid = code == CODE_CONFACK;
	if (f->acked_valid)
		f->acked_hash = opts_hash(opts, len);

	switch (f->state) {
	case ST_OPENED:
		tld(f);
		/* fall through */
	case ST_STOPPED:
		if (f->state == ST_STOPPED)
			irc(f, false);
		scr(f);
		break;
	default:
		break;
	}
	opens = code == CODE_CONFACK && f->state == ST_ACKRCVD;
	if (opens && f->p->up_before_ack) {
		set_state(f, ST_OPENED);
		tlu(f);
	}
	ppp_send_ctrl(f->s, f->p->proto, (uint8_t)code, id, out, out_len);

	if (opens) {
		if (!f->p->up_before_ack) {
			set_state(f, ST_OPENED);
			tlu(f);
		}
	} else if (code == CODE_CONFACK) {
		set_state(f, ST_ACKSENT);
	} else if (f->state != ST_ACKRCVD) {
		set_state(f, ST_REQSENT);
	}
}

static void rcv_confack(struct ppp_fsm *f, uint8_t id, const uint8_t *opts,
			size_t len)
{
	if (!f->req_open || id != f->reqid || len != f->req_len ||
	    memcmp(opts, f->req, len) != 0) {
		ppp_log(f->s, LOG_DEBUG, "%s: Configure-Ack does not match our request, discarded",
			f->p->name);
		f->s->st.rx_discarded++;
		return;
	}
	/* Answered: a late duplicate of this Ack is stale now. */
	f->req_open = false;
	switch (f->state) {
	case ST_CLOSED:
	case ST_STOPPED:
		sta(f, id);
		break;
	case ST_REQSENT:
		irc(f, false);
		set_state(f, ST_ACKRCVD);
		break;
	case ST_ACKRCVD:
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	case ST_ACKSENT:
		irc(f, false);
		set_state(f, ST_OPENED);
		tlu(f);
		break;
	case ST_OPENED:
		tld(f);
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	default:
		f->s->st.rx_discarded++;
		break;
	}
}

/* Every option of a Configure-Reject must be one we sent, unchanged, in order. */
static bool reject_is_subset(const struct ppp_fsm *f, const uint8_t *opts,
			     size_t len)
{
	size_t p = 0, q = 0, olen;

	while (p < len) {
		if (len - p < 2 || opts[p + 1] < 2 || opts[p + 1] > len - p)
			return false;
		olen = opts[p + 1];
		while (q < f->req_len && !(f->req[q + 1] == olen &&
					   !memcmp(f->req + q, opts + p, olen)))
			q += f->req[q + 1];
		if (q >= f->req_len)
			return false;
		q += olen;
		p += olen;
	}
	return true;
}

static void rcv_confnakrej(struct ppp_fsm *f, uint8_t code, uint8_t id,
			   const uint8_t *opts, size_t len)
{
	int r;

	if (!f->req_open || id != f->reqid) {
		f->s->st.rx_discarded++;
		return;
	}
	switch (f->state) {
	case ST_CLOSED:
	case ST_STOPPED:
		sta(f, id);
		return;
	case ST_REQSENT:
	case ST_ACKRCVD:
	case ST_ACKSENT:
	case ST_OPENED:
		break;
	default:
		f->s->st.rx_discarded++;
		return;
	}
	if (code == CODE_CONFREJ && !reject_is_subset(f, opts, len)) {
		ppp_log_drop(f->s, "%s: Configure-Reject that is not a subset of our request, dropped",
			f->p->name);
		f->s->st.rx_malformed++;
		return;
	}
	r = code == CODE_CONFNAK ? f->p->nak(f, opts, len) : f->p->rej(f, opts, len);
	if (r < 0) {
		ppp_log_drop(f->s, "%s: malformed Configure-%s, dropped", f->p->name,
			code == CODE_CONFNAK ? "Nak" : "Reject");
		f->s->st.rx_malformed++;
		return;
	}
	f->req_open = false;
	/* The hook gave up (no authentication method left...): no new request. */
	if (f->s->term_pending)
		return;
	if (++f->naks_rcvd > f->s->cfg->max_nak_rounds) {
		ppp_log(f->s, LOG_NOTICE, "%s: peer refused our options %u times, giving up",
			f->p->name, f->naks_rcvd - 1);
		if (f->state == ST_OPENED)
			tld(f);
		set_state(f, ST_STOPPED);
		tlf(f);
		return;
	}
	switch (f->state) {
	case ST_REQSENT:
	case ST_ACKSENT:
		irc(f, false);
		scr(f);
		break;
	case ST_ACKRCVD:
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	case ST_OPENED:
		tld(f);
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	default:
		break;
	}
}

static void rcv_termreq(struct ppp_fsm *f, uint8_t id, const uint8_t *data,
			size_t len)
{
	if (f->state == ST_INITIAL || f->state == ST_STARTING) {
		f->s->st.rx_discarded++;
		return;
	}
	if (f->p->term_req)
		f->p->term_req(f, data, len);
	switch (f->state) {
	case ST_ACKRCVD:
	case ST_ACKSENT:
		sta(f, id);
		set_state(f, ST_REQSENT);
		break;
	case ST_OPENED:
		tld(f);
		sta(f, id);
		zrc(f);
		set_state(f, ST_STOPPING);
		break;
	default:
		sta(f, id);
		break;
	}
}

static void rcv_termack(struct ppp_fsm *f)
{
	switch (f->state) {
	case ST_CLOSING:
		set_state(f, ST_CLOSED);
		tlf(f);
		break;
	case ST_STOPPING:
		set_state(f, ST_STOPPED);
		tlf(f);
		break;
	case ST_ACKRCVD:
		set_state(f, ST_REQSENT);
		break;
	case ST_OPENED:
		tld(f);
		scr(f);
		set_state(f, ST_REQSENT);
		break;
	default:
		break;
	}
}

static void rcv_coderej(struct ppp_fsm *f, const uint8_t *data, size_t len)
{
	uint8_t code;

	if (len < 4) {
		f->s->st.rx_malformed++;
		return;
	}
	code = data[0];
	ppp_log_rl(f->s, &coderej_rl, LOG_INFO, "%s: peer rejected our code %u", f->p->name,
		   code);
	if (code >= CODE_CONFREQ && code <= CODE_CODEREJ) {
		/* RXJ-: it cannot negotiate at all. */
		ppp_fsm_proto_rejected(f);
		return;
	}
	/* RXJ+ */
	if (f->p->code_rejected)
		f->p->code_rejected(f, code);
	if (f->state == ST_ACKRCVD)
		set_state(f, ST_REQSENT);
}

void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	uint8_t code, id;
	size_t plen;

	if (len < 4 || (plen = get_be16(pkt + 2)) < 4 || plen > len) {
		ppp_log_drop(f->s, "%s: truncated packet (%zu octets), dropped",
			f->p->name, len);
		f->s->st.rx_malformed++;
		return;
	}
	if (plen > PPP_CTRL_MAX) {
		ppp_log_drop(f->s, "%s: packet of %zu octets is too long, dropped",
			f->p->name, plen);
		f->s->st.rx_malformed++;
		return;
	}
	/* Octets past the Length field are padding (RFC 1661 section 5). */
	code = pkt[0];
	id = pkt[1];
	pkt += 4;
	plen -= 4;

	if (f->state == ST_INITIAL || f->state == ST_STARTING) {
		f->s->st.rx_discarded++;
		return;
	}
	switch (code) {
	case CODE_CONFREQ:
		rcv_confreq(f, id, pkt, plen);
		break;
	case CODE_CONFACK:
		rcv_confack(f, id, pkt, plen);
		break;
	case CODE_CONFNAK:
	case CODE_CONFREJ:
		rcv_confnakrej(f, code, id, pkt, plen);
		break;
	case CODE_TERMREQ:
		rcv_termreq(f, id, pkt, plen);
		break;
	case CODE_TERMACK:
		rcv_termack(f);
		break;
	case CODE_CODEREJ:
		rcv_coderej(f, pkt, plen);
		break;
	default:
		if (f->p->extcode && f->p->extcode(f, code, id, pkt, plen))
			break;
		ppp_log_rl(f->s, &unknown_code_rl, LOG_INFO, "%s: unknown code %u, Code-Reject",
			   f->p->name, code);
		scj(f, pkt - 4, plen + 4);
		break;
	}
}
