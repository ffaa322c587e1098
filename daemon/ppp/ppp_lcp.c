// SPDX-License-Identifier: GPL-2.0
/*
 * LCP (RFC 1661): the options we ask for (MRU, Authentication-Protocol,
 * Magic-Number), the ones we accept from the peer (MRU, ACCM, Magic-Number,
 * PFC, ACFC; everything else rejected), echo and dead-peer detection,
 * Protocol-Reject and Discard-Request.
 *
 * We are the authenticator: the Authentication-Protocol option is ours to
 * ask; the peer asking us to authenticate is rejected. When the peer Naks
 * our method we move only to methods the configuration allows.
 *
 * LCP leaving the Opened state ends the session: the owner has programmed
 * addresses for it, and renegotiating would need a second authentication.
 */
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/util.h"

/* A line a peer can cause with every Echo-Reply: for all sessions (logrl.h). */
static struct logrl looped_rl = LOGRL_INIT_DEFAULT;

enum {
	LCP_MRU = 1,
	LCP_ACCM = 2,
	LCP_AUTH = 3,
	LCP_QUALITY = 4,
	LCP_MAGIC = 5,
	LCP_PFC = 7,
	LCP_ACFC = 8,
};

/* LCP codes of RFC 1570, discarded as pppd does (no Code-Reject noise). */
enum {
	LCP_IDENTIFICATION = 12,
	LCP_TIME_REMAINING = 13,
};

static const unsigned int auth_order[] = {
	PPP_AUTH_MSCHAPV2, PPP_AUTH_CHAP_MD5, PPP_AUTH_PAP,
};

static const char *auth_name(unsigned int m)
{
	switch (m) {
	case PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	case PPP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case PPP_AUTH_PAP:
		return "PAP";
	default:
		return "none";
	}
}

static unsigned int next_auth(const struct ppp_session *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(auth_order); i++)
		if ((s->cfg->auth & auth_order[i]) && !(s->l.auth_refused & auth_order[i]))
			return auth_order[i];
	return 0;
}

static uint32_t new_magic(struct ppp_session *s, uint32_t avoid)
{
	uint32_t m;

	do
		ppp_random(s, &m, sizeof(m));
	while (m == 0 || m == avoid);
	return m;
}

static void lcp_reset(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	s->l.mru = s->cfg->mru;
	s->l.req_mru = s->cfg->mru != PPP_DEFAULT_MRU;
	s->l.magic = new_magic(s, 0);
	s->l.req_magic = true;
	s->l.auth_refused = 0;
	s->l.auth = next_auth(s);
	s->l.peer_mru = 0;
	s->l.peer_magic = 0;
	s->l.peer_pfc = false;
	s->l.peer_acfc = false;
	s->l.loops = 0;
}

static size_t lcp_build(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	struct ppp_session *s = f->s;
	size_t n = 0;

	if (cap < 15)	/* MRU 4 + auth 5 + magic 6 */
		return 0;
	if (s->l.req_mru) {
		b[n] = LCP_MRU;
		b[n + 1] = 4;
		put_be16(b + n + 2, s->l.mru);
		n += 4;
	}
	if (s->l.auth)
		n += ppp_auth_option(s->l.auth, b + n);
	if (s->l.req_magic) {
		b[n] = LCP_MAGIC;
		b[n + 1] = 6;
		put_be32(b + n + 2, s->l.magic);
		n += 6;
	}
	return n;
}

/* Walk an option list; -1 if it does not parse. */
static int opts_valid(const uint8_t *o, size_t len)
{
	size_t p;

	for (p = 0; p < len; p += o[p + 1])
		if (len - p < 2 || o[p + 1] < 2 || o[p + 1] > len - p)
			return -1;
	return 0;
}

static int lcp_nak(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	struct ppp_session *s = f->s;
	unsigned int m, old;
	size_t p;
	uint16_t v;

	if (opts_valid(o, len) < 0)
		return -1;
	for (p = 0; p < len; p += o[p + 1]) {
		switch (o[p]) {
		case LCP_MRU:
			if (o[p + 1] != 4)
				return -1;
			v = get_be16(o + p + 2);
			if (v >= PPP_MIN_MRU) {
				s->l.mru = v < PPP_DEFAULT_MRU ? v : PPP_DEFAULT_MRU;
				s->l.req_mru = s->l.mru != PPP_DEFAULT_MRU;
			}
			break;
		case LCP_AUTH:
			old = s->l.auth;
			m = ppp_auth_method_of(o + p + 2, o[p + 1] - 2u);
			s->l.auth_refused |= old;
			if (m && (s->cfg->auth & m) && !(s->l.auth_refused & m))
				s->l.auth = m;
			else
				s->l.auth = next_auth(s);
			ppp_log(s, LOG_INFO, "LCP: peer declined %s (suggests %s), asking for %s",
				auth_name(old), auth_name(m), auth_name(s->l.auth));
			if (!s->l.auth)
				ppp_terminate(s, PPP_DOWN_NO_AUTH,
					      "no authentication method both sides accept");
			break;
		case LCP_MAGIC:
			if (o[p + 1] != 6)
				return -1;
			s->l.magic = new_magic(s, get_be32(o + p + 2));
			break;
		default:
			break;	/* options we did not ask for: not taken up */
		}
	}
	return 0;
}

static int lcp_rej(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	struct ppp_session *s = f->s;
	size_t p;

	for (p = 0; p < len; p += o[p + 1]) {
		switch (o[p]) {
		case LCP_MRU:
			s->l.req_mru = false;
			s->l.mru = PPP_DEFAULT_MRU;
			break;
		case LCP_AUTH:
			ppp_log(s, LOG_NOTICE, "LCP: peer refuses to authenticate");
			ppp_terminate(s, PPP_DOWN_NO_AUTH, "peer refuses to authenticate");
			break;
		case LCP_MAGIC:
			s->l.req_magic = false;
			break;
		default:
			break;
		}
	}
	return 0;
}

static void lcp_req_begin(struct ppp_fsm *f)
{
	f->s->l.new_mru = 0;
	f->s->l.new_magic = 0;
	f->s->l.new_pfc = false;
	f->s->l.new_acfc = false;
}

static enum opt_verdict lcp_req_opt(struct ppp_fsm *f, uint8_t type,
				    const uint8_t *v, size_t vlen,
				    uint8_t *nak, size_t *nak_len)
{
	struct ppp_session *s = f->s;
	uint32_t m;

	switch (type) {
	case LCP_MRU:
		if (vlen != 2)
			return OPT_REJ;
		if (get_be16(v) < PPP_MIN_MRU) {
			nak[0] = LCP_MRU;
			nak[1] = 4;
			put_be16(nak + 2, PPP_MIN_MRU);
			*nak_len = 4;
			return OPT_NAK;
		}
		s->l.new_mru = get_be16(v);
		return OPT_ACK;
	case LCP_ACCM:
		/* Meaningless over L2TP (no async HDLC); harmless to accept. */
		return vlen == 4 ? OPT_ACK : OPT_REJ;
	case LCP_MAGIC:
		if (vlen != 4)
			return OPT_REJ;
		m = get_be32(v);
		if (m != 0 && !(s->l.req_magic && m == s->l.magic)) {
			s->l.new_magic = m;
			return OPT_ACK;
		}
		if (m != 0) {
			/* Our own number: a looped-back link, or bad luck. */
			if (++s->l.loops >= s->cfg->max_failure)
				ppp_terminate(s, PPP_DOWN_LOOPBACK,
					      "our magic number keeps coming back: looped-back link");
			s->l.magic = new_magic(s, m);
		}
		nak[0] = LCP_MAGIC;
		nak[1] = 6;
		put_be32(nak + 2, new_magic(s, s->l.magic));
		*nak_len = 6;
		return OPT_NAK;
	case LCP_PFC:
		if (vlen != 0 || !s->cfg->accept_pfc)
			return OPT_REJ;
		s->l.new_pfc = true;
		return OPT_ACK;
	case LCP_ACFC:
		if (vlen != 0 || !s->cfg->accept_acfc)
			return OPT_REJ;
		s->l.new_acfc = true;
		return OPT_ACK;
	default:
		/* Auth (we do not authenticate to clients), quality, callback, multilink... */
		ppp_log(s, LOG_DEBUG, "LCP: rejecting option %u", type);
		return OPT_REJ;
	}
}

static void lcp_req_end(struct ppp_fsm *f, int code)
{
	struct ppp_session *s = f->s;

	if (code != CODE_CONFACK)
		return;
	s->l.peer_mru = s->l.new_mru;
	s->l.peer_magic = s->l.new_magic;
	s->l.peer_pfc = s->l.new_pfc;
	s->l.peer_acfc = s->l.new_acfc;
	s->l.loops = 0;
}

static void lcp_up(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	ppp_log(s, LOG_INFO, "LCP up: peer MRU %u, our MRU %u, authenticating with %s",
		ppp_peer_mru(s), s->l.req_mru ? s->l.mru : PPP_DEFAULT_MRU,
		auth_name(s->l.auth));
	s->l.echo_pending = 0;
	s->l.echo_off = false;
	if (s->cfg->echo_interval_ms)
		s->l.echo_deadline = s->now + s->cfg->echo_interval_ms;
	s->phase = PHASE_AUTH;
	s->auth_method = s->l.auth;
	ppp_auth_start(s);
}

static void lcp_down(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	s->l.echo_deadline = 0;
	if (s->reason == PPP_DOWN_NONE)
		ppp_terminate(s, PPP_DOWN_PROTOCOL,
			      "LCP renegotiation is not supported");
	ppp_auth_stop(s);
	ppp_fsm_down(&s->ipcp);
	ppp_fsm_down(&s->ipv6cp);
	s->phase = PHASE_TERMINATE;
}

static void lcp_finished(struct ppp_fsm *f)
{
	ppp_lcp_finished(f->s);
}

static void lcp_term_req(struct ppp_fsm *f, const uint8_t *msg, size_t len)
{
	struct ppp_session *s = f->s;
	char text[80];

	ppp_sanitize(text, sizeof(text), msg, len);
	ppp_log(s, LOG_INFO, "LCP: peer sent Terminate-Request \"%s\"", text);
	ppp_set_reason(s, PPP_DOWN_PEER, "peer: %s", text);
}

static bool lcp_extcode(struct ppp_fsm *f, uint8_t code, uint8_t id,
			const uint8_t *d, size_t len)
{
	struct ppp_session *s = f->s;
	uint8_t buf[PPP_CTRL_MAX];
	size_t max;

	switch (code) {
	case CODE_PROTREJ:
		if (f->state != ST_OPENED || len < 2) {
			s->st.rx_discarded++;
			return true;
		}
		ppp_protocol_rejected(s, get_be16(d));
		return true;
	case CODE_ECHOREQ:
		if (f->state != ST_OPENED || len < 4) {
			s->st.rx_discarded++;
			return true;
		}
		max = ppp_send_limit(s) - 4u;
		if (len > max)
			len = max;
		put_be32(buf, s->l.req_magic ? s->l.magic : 0);
		memcpy(buf + 4, d + 4, len - 4);
		ppp_send_ctrl(s, PPP_LCP, CODE_ECHOREP, id, buf, len);
		return true;
	case CODE_ECHOREP:
		if (f->state != ST_OPENED || len < 4) {
			s->st.rx_discarded++;
			return true;
		}
		if (s->l.req_magic && get_be32(d) == s->l.magic) {
			ppp_log_rl(s, &looped_rl, LOG_NOTICE,
				   "LCP: Echo-Reply with our own magic number: looped back?");
			return true;
		}
		s->l.echo_pending = 0;
		return true;
	case CODE_DISCREQ:
		return true;
	case LCP_IDENTIFICATION:
		/* RFC 1570; Windows sends its RAS version here. For the log only. */
		if (len > 4) {
			char text[64];

			ppp_sanitize(text, sizeof(text), d + 4, len - 4);
			ppp_log(s, LOG_DEBUG, "LCP: peer identifies as \"%s\"", text);
		}
		return true;
	case LCP_TIME_REMAINING:
		return true;
	default:
		return false;
	}
}

static void lcp_code_rejected(struct ppp_fsm *f, uint8_t code)
{
	if (code == CODE_ECHOREQ) {
		f->s->l.echo_off = true;
		f->s->l.echo_deadline = 0;
	}
}

void ppp_lcp_echo_timer(struct ppp_session *s)
{
	uint8_t magic[4];

	if (s->lcp.state != ST_OPENED || s->l.echo_off || !s->cfg->echo_interval_ms)
		return;
	if (s->l.echo_pending >= s->cfg->echo_failures) {
		s->st.echo_missed += s->l.echo_pending;
		if (s->reason == PPP_DOWN_NONE)
			s->abort_pending = true;
		ppp_terminate(s, PPP_DOWN_ECHO_TIMEOUT,
			      "no answer to %u LCP Echo-Requests", s->l.echo_pending);
		return;
	}
	put_be32(magic, s->l.req_magic ? s->l.magic : 0);
	ppp_send_ctrl(s, PPP_LCP, CODE_ECHOREQ, ++s->l.echo_id, magic, sizeof(magic));
	s->l.echo_pending++;
	s->st.echo_sent++;
	s->l.echo_deadline = s->now + s->cfg->echo_interval_ms;
}

/*
 * A client answers our challenge (or sends its PAP request) only once its LCP
 * is open: after that, its Configure-Request cannot be a resend.
 */
static bool lcp_resend_possible(const struct ppp_fsm *f)
{
	return f->s->phase == PHASE_AUTH && f->s->auth_state == AUTH_WAIT;
}

const struct fsm_proto ppp_lcp_proto = {
	.proto = PPP_LCP,
	.name = "LCP",
	.reset = lcp_reset,
	.build = lcp_build,
	.nak = lcp_nak,
	.rej = lcp_rej,
	.req_begin = lcp_req_begin,
	.req_opt = lcp_req_opt,
	.req_end = lcp_req_end,
	.up = lcp_up,
	.down = lcp_down,
	.resend_possible = lcp_resend_possible,
	.finished = lcp_finished,
	.term_req = lcp_term_req,
	.extcode = lcp_extcode,
	.code_rejected = lcp_code_rejected,
};
