// SPDX-License-Identifier: GPL-2.0
/*
 * PPP session: frame demultiplexing, phases (RFC 1661 section 3.2), timers
 * and the owner's entry points. See ppp.h for the contract with the owner.
 *
 * A frame from the peer: optional FF 03 (address and control, absent when
 * the peer compresses them), a protocol field of one octet (PFC) or two,
 * then the information field. We accept either form whatever was
 * negotiated, as RFC 1661 section 6.5/6.6 recommends receivers do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/rnd.h"
#include "core/util.h"

static const char *const reason_names[] = {
	[PPP_DOWN_NONE] = "none",
	[PPP_DOWN_ADMIN] = "closed by the gateway",
	[PPP_DOWN_PEER] = "terminated by the peer",
	[PPP_DOWN_NEGOTIATION] = "negotiation failed",
	[PPP_DOWN_AUTH_FAILED] = "authentication failed",
	[PPP_DOWN_AUTH_TIMEOUT] = "authentication timed out",
	[PPP_DOWN_NO_AUTH] = "no common authentication method",
	[PPP_DOWN_ECHO_TIMEOUT] = "peer not answering LCP echo",
	[PPP_DOWN_LOOPBACK] = "looped-back link",
	[PPP_DOWN_NO_ADDRESS] = "no address available",
	[PPP_DOWN_NO_NCP] = "no network protocol",
	[PPP_DOWN_PROTOCOL] = "protocol error",
	[PPP_DOWN_NO_MEMORY] = "out of memory",
};

static const char *const phase_names[] = {
	[PHASE_DEAD] = "dead",
	[PHASE_ESTABLISH] = "establish",
	[PHASE_AUTH] = "authenticate",
	[PHASE_NETWORK] = "network",
	[PHASE_TERMINATE] = "terminate",
};

const char *ppp_down_reason_name(enum ppp_down_reason r)
{
	return (unsigned int)r < ARRAY_SIZE(reason_names) ? reason_names[r] : "?";
}

void ppp_config_init(struct ppp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "l2sec");
	cfg->auth = PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5;
	cfg->mru = 1400;
	cfg->accept_pfc = true;
	cfg->accept_acfc = true;
	cfg->restart_ms = 3000;
	cfg->max_configure = 10;
	cfg->max_terminate = 2;
	cfg->max_failure = 5;
	cfg->max_nak_rounds = 10;
	cfg->echo_interval_ms = 20000;
	cfg->echo_failures = 3;
	cfg->auth_tries = 3;
	cfg->auth_fail_delay_ms = 2000;
	cfg->auth_timeout_ms = 60000;
	cfg->ipv4 = true;
}

bool ppp_log_on(const struct ppp_session *s, int prio)
{
	return s->ops->log && (!s->ops->log_enabled || s->ops->log_enabled(s->ctx, prio));
}

void ppp_log_msg(struct ppp_session *s, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->ops->log(s->ctx, prio, msg);
}

void ppp_log_rl_msg(struct ppp_session *s, struct logrl *rl, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rl->suppressed && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, " (%u similar line%s suppressed)",
			 rl->suppressed, rl->suppressed == 1 ? "" : "s");
	rl->suppressed = 0;
	s->ops->log(s->ctx, prio, msg);
}

/*
 * Drops caused by the peer: the first few per session at notice level, the
 * rest at debug, so a hostile peer cannot flood the log.
 */
#define PPP_DROP_LOGS 20

void ppp_log_drop(struct ppp_session *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int prio = LOG_DEBUG;

	if (!s->ops->log)
		return;
	if (s->drop_logs < PPP_DROP_LOGS) {
		s->drop_logs++;
		prio = LOG_NOTICE;
	}
	if (s->ops->log_enabled && !s->ops->log_enabled(s->ctx, prio))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->ops->log(s->ctx, prio, msg);
	if (s->drop_logs == PPP_DROP_LOGS && prio == LOG_NOTICE)
		s->ops->log(s->ctx, LOG_NOTICE,
			    "further dropped frames of this session are logged at debug level");
}

void ppp_sanitize(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t o = 0, i;

	if (!cap)
		return;
	for (i = 0; i < len && o + 5 < cap; i++) {
		if (src[i] >= 0x20 && src[i] < 0x7F && src[i] != '\\') {
			dst[o++] = (char)src[i];
		} else {
			snprintf(dst + o, cap - o, "\\x%02x", src[i]);
			o += 4;
		}
	}
	dst[o] = '\0';
}

void ppp_random(struct ppp_session *s, void *buf, size_t len)
{
	if (s->ops->random)
		s->ops->random(s->ctx, buf, len);
	else
		rnd_bytes(buf, len);
}

uint16_t ppp_send_limit(const struct ppp_session *s)
{
	uint16_t m = s->l.peer_mru ? s->l.peer_mru : PPP_DEFAULT_MRU;

	return m < PPP_CTRL_MAX ? m : PPP_CTRL_MAX;
}

/* Address/control and protocol fields for proto; returns their length. */
static size_t frame_header(const struct ppp_session *s, uint16_t proto,
			   uint8_t *h)
{
	size_t n = 0;

	/* LCP always goes uncompressed (RFC 1661 sections 6.5, 6.6). */
	if (proto == PPP_LCP || !s->l.peer_acfc) {
		h[n++] = 0xFF;
		h[n++] = 0x03;
	}
	if (proto < 0x100 && s->l.peer_pfc) {
		h[n++] = (uint8_t)proto;
	} else {
		put_be16(h + n, proto);
		n += 2;
	}
	return n;
}

void ppp_send_ctrl(struct ppp_session *s, uint16_t proto, uint8_t code,
		   uint8_t id, const uint8_t *data, size_t len)
{
	uint8_t buf[4 + 4 + PPP_CTRL_MAX];
	size_t h;

	if (s->dead)
		return;
	if (len > PPP_CTRL_MAX - 4)
		len = PPP_CTRL_MAX - 4;
	h = frame_header(s, proto, buf);
	buf[h] = code;
	buf[h + 1] = id;
	put_be16(buf + h + 2, (uint16_t)(len + 4));
	if (len)
		memcpy(buf + h + 4, data, len);
	s->st.tx_frames++;
	s->ops->send(s->ctx, buf, h + 4 + len);
}

/*
 * The frame is built in place, in the headroom of the caller's buffer: the
 * engine keeps no data buffer, per session or shared, so nothing of it
 * outlives the call and a send from inside ops->send (another session's, or
 * this one's) cannot overwrite a frame still in use.
 */
int ppp_send_data(struct ppp_session *s, uint16_t proto, uint8_t *buf, size_t len)
{
	const struct ppp_fsm *ncp = proto == PPP_IP ? &s->ipcp :
				    proto == PPP_IPV6 ? &s->ipv6cp : NULL;
	uint8_t h[PPP_DATA_HEADROOM];
	size_t hlen;

	if (!ncp || ncp->state != ST_OPENED || s->dead || len > 0xFFFF)
		return -1;
	hlen = frame_header(s, proto, h);
	memcpy(buf + PPP_DATA_HEADROOM - hlen, h, hlen);
	s->st.tx_frames++;
	s->ops->send(s->ctx, buf + PPP_DATA_HEADROOM - hlen, hlen + len);
	return 0;
}

/* The longest reason_msg kept (as a 128-octet buffer held it before). */
#define REASON_MSG_MAX 127

static bool __attribute__((format(printf, 3, 0)))
set_reason_v(struct ppp_session *s, enum ppp_down_reason reason, const char *fmt, va_list ap)
{
	char msg[REASON_MSG_MAX + 1];

	if (s->reason != PPP_DOWN_NONE)
		return false;
	s->reason = reason;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	s->reason_msg = strdup(msg);	/* NULL: the reason's name stands in */
	return true;
}

bool ppp_set_reason(struct ppp_session *s, enum ppp_down_reason reason, const char *fmt, ...)
{
	va_list ap;
	bool set;

	va_start(ap, fmt);
	set = set_reason_v(s, reason, fmt, ap);
	va_end(ap);
	return set;
}

const char *ppp_reason_msg(const struct ppp_session *s)
{
	return s->reason_msg ? s->reason_msg : ppp_down_reason_name(s->reason);
}

void ppp_terminate(struct ppp_session *s, enum ppp_down_reason reason,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (set_reason_v(s, reason, fmt, ap))
		s->term_pending = true;
	va_end(ap);
}

/* The end: tell the owner, once. */
static void session_down(struct ppp_session *s)
{
	if (s->dead)
		return;
	ppp_auth_stop(s);
	s->phase = PHASE_DEAD;
	s->dead = true;
	ppp_set_reason(s, PPP_DOWN_NEGOTIATION, "LCP negotiation failed");
	s->ops->down(s->ctx, s->reason, ppp_reason_msg(s));	/* which logs it */
}

void ppp_lcp_finished(struct ppp_session *s)
{
	session_down(s);
}

/* Act on a termination requested from inside a callback. */
static void settle(struct ppp_session *s)
{
	if (s->dead || !s->term_pending)
		return;
	s->term_pending = false;
	/* at info: the session's down line (ops->down) carries the reason */
	ppp_log(s, LOG_INFO, "terminating: %s", ppp_reason_msg(s));
	if (s->abort_pending) {
		/* No Terminate handshake: the peer is gone. */
		if (s->lcp.state == ST_OPENED)
			ppp_send_ctrl(s, PPP_LCP, CODE_TERMREQ, ++s->lcp.id,
				      (const uint8_t *)ppp_reason_msg(s),
				      strlen(ppp_reason_msg(s)));
		session_down(s);
		return;
	}
	s->phase = PHASE_TERMINATE;
	ppp_fsm_close(&s->lcp);
	/* Closing from Initial/Starting/Closed/Stopped ends at once. */
	if (s->lcp.state != ST_CLOSING && s->lcp.state != ST_STOPPING)
		session_down(s);
}

struct ppp_conf *ppp_conf_new(const struct ppp_config *cfg)
{
	struct ppp_conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->cfg.name[sizeof(c->cfg.name) - 1] = '\0';
	c->refs = 1;
	return c;
}

bool ppp_conf_is(const struct ppp_conf *c, const struct ppp_config *cfg)
{
	return c && !memcmp(&c->cfg, cfg, sizeof(*cfg));
}

void ppp_conf_put(struct ppp_conf *c)
{
	if (c && !--c->refs)
		free(c);
}

struct ppp_session *ppp_new(const struct ppp_config *cfg,
			    const struct ppp_ops *ops, void *ctx)
{
	struct ppp_conf *c = ppp_conf_new(cfg);
	struct ppp_session *s;

	if (!c)
		return NULL;
	s = ppp_new_shared(c, ops, ctx);
	ppp_conf_put(c);
	return s;
}

struct ppp_session *ppp_new_shared(struct ppp_conf *conf, const struct ppp_ops *ops,
				   void *ctx)
{
	const struct ppp_config *cfg = &conf->cfg;
	struct ppp_session *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = cfg;
	s->ops = ops;
	s->ctx = ctx;
	if (!ops->send || !ops->get_secret || !ops->down ||
	    !(cfg->auth & (PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP)) ||
	    (cfg->ipv4 && (!ops->alloc_ipv4 || !ops->ipcp_up)) ||
	    (cfg->ipv6 && !ops->ipv6cp_up) || (!cfg->ipv4 && !cfg->ipv6) ||
	    cfg->mru < PPP_MIN_MRU || cfg->mru > PPP_CTRL_MAX ||
	    !cfg->restart_ms || !cfg->max_configure || !cfg->max_terminate ||
	    !cfg->max_failure || !cfg->max_nak_rounds || !cfg->auth_tries ||
	    (cfg->echo_interval_ms && !cfg->echo_failures)) {
		ppp_log(s, LOG_ERR, "invalid PPP configuration");
		free(s);
		return NULL;
	}
	conf->refs++;
	s->conf = conf;
	memcpy(s->dns, cfg->dns, sizeof(s->dns));
	ppp_fsm_init(&s->lcp, s, &ppp_lcp_proto);
	ppp_fsm_init(&s->ipcp, s, &ppp_ipcp_proto);
	ppp_fsm_init(&s->ipv6cp, s, &ppp_ipv6cp_proto);
	s->phase = PHASE_DEAD;
	return s;
}

void ppp_free(struct ppp_session *s)
{
	if (!s)
		return;
	ppp_auth_stop(s);	/* wipes and frees the authentication's state */
	free(s->user);
	free(s->reason_msg);
	ppp_conf_put(s->conf);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

void ppp_start(struct ppp_session *s, uint64_t now)
{
	if (s->dead || s->phase != PHASE_DEAD)
		return;
	s->now = now;
	s->phase = PHASE_ESTABLISH;
	ppp_fsm_open(&s->lcp);
	ppp_fsm_up(&s->lcp);
	settle(s);
}

void ppp_close(struct ppp_session *s, uint64_t now, const char *msg)
{
	if (s->dead)
		return;
	s->now = now;
	ppp_terminate(s, PPP_DOWN_ADMIN, "%s", msg ? msg : "closed by the gateway");
	settle(s);
}

void ppp_lower_down(struct ppp_session *s, uint64_t now)
{
	if (s->dead)
		return;
	s->now = now;
	ppp_set_reason(s, PPP_DOWN_PEER, "L2TP session closed");
	session_down(s);
}

/* LCP Protocol-Reject for a protocol we do not run (network phase only). */
static void protocol_reject(struct ppp_session *s, uint16_t proto,
			    const uint8_t *info, size_t len)
{
	static struct logrl rl = LOGRL_INIT_DEFAULT;	/* a frame each */
	uint8_t buf[PPP_CTRL_MAX];
	size_t max = ppp_send_limit(s) - 6u;

	/* RFC 1661 section 3.4/3.5: before the network phase, silently discard. */
	if (s->lcp.state != ST_OPENED || s->phase != PHASE_NETWORK) {
		s->st.rx_discarded++;
		return;
	}
	ppp_log_rl(s, &rl, LOG_INFO, "protocol 0x%04x not supported: Protocol-Reject", proto);
	s->st.rx_proto_rejected++;
	put_be16(buf, proto);
	if (len > max)
		len = max;
	memcpy(buf + 2, info, len);
	ppp_send_ctrl(s, PPP_LCP, CODE_PROTREJ, ++s->lcp.id, buf, len + 2);
}

static void ncp_input(struct ppp_session *s, struct ppp_fsm *f, bool enabled,
		      uint16_t proto, const uint8_t *p, size_t n)
{
	if (!enabled) {
		protocol_reject(s, proto, p, n);
		return;
	}
	/* RFC 1661 section 3.4: NCP packets before the network phase are discarded. */
	if (s->phase != PHASE_NETWORK) {
		s->st.rx_discarded++;
		return;
	}
	ppp_fsm_input(f, p, n);
}

static void data_input(struct ppp_session *s, const struct ppp_fsm *f,
		       bool enabled, uint16_t proto, const uint8_t *p, size_t n)
{
	if (!enabled) {
		protocol_reject(s, proto, p, n);
		return;
	}
	if (f->state != ST_OPENED || !s->ops->data) {
		s->st.rx_discarded++;
		return;
	}
	s->ops->data(s->ctx, proto, p, n);
}

enum ppp_frame_err ppp_frame_proto(const uint8_t *p, size_t n, uint16_t *proto, size_t *off)
{
	size_t o = 0;

	*proto = 0;
	if (n >= 2 && p[0] == 0xFF && p[1] == 0x03)
		o = 2;
	if (n - o >= 1 && (p[o] & 1)) {
		*proto = p[o];
		*off = o + 1;
		return PPP_FRAME_OK;
	}
	if (n - o < 2)
		return PPP_FRAME_SHORT;
	*proto = get_be16(p + o);
	*off = o + 2;
	/*
	 * RFC 1661 section 2: low octet odd, high octet even; an odd first
	 * octet was taken as a compressed field above.
	 */
	return *proto & 1 ? PPP_FRAME_OK : PPP_FRAME_BAD_PROTO;
}

void ppp_input(struct ppp_session *s, uint64_t now, uint8_t *p, size_t n)
{
	uint16_t proto;
	size_t off;

	if (s->dead || s->phase == PHASE_DEAD)
		return;
	s->now = now;
	s->st.rx_frames++;
	switch (ppp_frame_proto(p, n, &proto, &off)) {
	case PPP_FRAME_OK:
		break;
	case PPP_FRAME_BAD_PROTO:
		ppp_log_drop(s, "invalid protocol field 0x%04x, dropped", proto);
		s->st.rx_malformed++;
		return;
	default:
		ppp_log_drop(s, "frame of %zu octets has no protocol field, dropped", n);
		s->st.rx_malformed++;
		return;
	}
	p += off;
	n -= off;

	switch (proto) {
	case PPP_LCP:
		ppp_fsm_input(&s->lcp, p, n);
		break;
	case PPP_PAP:
	case PPP_CHAP:
		ppp_auth_input(s, proto, p, n);
		break;
	case PPP_LQR:
		s->st.rx_discarded++;	/* allowed in every phase; not used */
		break;
	case PPP_IPCP:
		ncp_input(s, &s->ipcp, s->cfg->ipv4, proto, p, n);
		break;
	case PPP_IPV6CP:
		ncp_input(s, &s->ipv6cp, s->cfg->ipv6, proto, p, n);
		break;
	case PPP_IP:
		data_input(s, &s->ipcp, s->cfg->ipv4, proto, p, n);
		break;
	case PPP_IPV6:
		data_input(s, &s->ipv6cp, s->cfg->ipv6, proto, p, n);
		break;
	default:
		/* CCP, ECP, multilink, BAP, IPX, ...: not ours. */
		protocol_reject(s, proto, p, n);
		break;
	}
	settle(s);
}

/* The peer Protocol-Rejected one of ours (LCP code 8). */
void ppp_protocol_rejected(struct ppp_session *s, uint16_t proto)
{
	static struct logrl rl = LOGRL_INIT_DEFAULT;	/* a Protocol-Reject each */

	ppp_log_rl(s, &rl, LOG_INFO, "peer rejected protocol 0x%04x", proto);
	switch (proto) {
	case PPP_IPCP:
		ppp_fsm_proto_rejected(&s->ipcp);
		break;
	case PPP_IPV6CP:
		ppp_fsm_proto_rejected(&s->ipv6cp);
		break;
	case PPP_CHAP:
	case PPP_PAP:
		if (s->phase == PHASE_AUTH)
			ppp_terminate(s, PPP_DOWN_NO_AUTH,
				      "peer rejected the authentication protocol");
		break;
	case PPP_LCP:
		ppp_terminate(s, PPP_DOWN_PROTOCOL, "peer rejected LCP");
		break;
	default:
		break;
	}
}

/* Authentication passed: allocate the address, open the NCPs. */
void ppp_network_phase(struct ppp_session *s, struct in_addr hint)
{
	char a[INET_ADDRSTRLEN];

	s->phase = PHASE_NETWORK;
	if (s->cfg->ipv4) {
		if (s->ops->alloc_ipv4(s->ctx, s->user, hint, &s->i4.peer) < 0 ||
		    !s->i4.peer.s_addr) {
			ppp_log(s, LOG_WARNING,
				"no IPv4 address left for user '%s': refusing the session",
				s->user);
			s->i4.peer.s_addr = 0;
			ppp_terminate(s, PPP_DOWN_NO_ADDRESS, "no address available");
			return;
		}
		ppp_log(s, LOG_INFO, "user '%s' gets %s", s->user,
			inet_ntop(AF_INET, &s->i4.peer, a, sizeof(a)));
		ppp_fsm_open(&s->ipcp);
		ppp_fsm_up(&s->ipcp);
	}
	if (s->cfg->ipv6) {
		ppp_fsm_open(&s->ipv6cp);
		ppp_fsm_up(&s->ipv6cp);
	}
}

uint64_t ppp_next_timeout(const struct ppp_session *s)
{
	const uint64_t t[] = {
		s->lcp.deadline, s->ipcp.deadline, s->ipv6cp.deadline,
		s->a ? s->a->deadline : 0, s->a ? s->a->phase_deadline : 0,
		s->l.echo_deadline,
	};
	uint64_t next = PPP_NO_TIMEOUT;
	size_t i;

	if (s->dead)
		return PPP_NO_TIMEOUT;
	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i] && t[i] < next)
			next = t[i];
	return next;
}

static bool due(uint64_t *deadline, uint64_t now)
{
	if (!*deadline || *deadline > now)
		return false;
	*deadline = 0;
	return true;
}

void ppp_timer(struct ppp_session *s, uint64_t now)
{
	struct ppp_fsm *fsms[] = { &s->lcp, &s->ipcp, &s->ipv6cp };
	size_t i;

	if (s->dead)
		return;
	s->now = now;
	for (i = 0; i < ARRAY_SIZE(fsms) && !s->dead; i++)
		if (due(&fsms[i]->deadline, now))
			ppp_fsm_timeout(fsms[i]);
	if (!s->dead)
		ppp_auth_timer(s);
	if (!s->dead && due(&s->l.echo_deadline, now))
		ppp_lcp_echo_timer(s);
	settle(s);
}

void ppp_auth_done(struct ppp_session *s, uint64_t now, const struct ppp_auth_outcome *o)
{
	if (s->dead || s->auth_state != AUTH_PENDING)
		return;
	s->now = now;
	ppp_auth_outcome(s, o);
	settle(s);
}

bool ppp_auth_pending(const struct ppp_session *s)
{
	return !s->dead && s->auth_state == AUTH_PENDING;
}

bool ppp_is_dead(const struct ppp_session *s)
{
	return s->dead;
}

bool ppp_is_up(const struct ppp_session *s)
{
	return !s->dead && (s->ipcp.state == ST_OPENED || s->ipv6cp.state == ST_OPENED);
}

void ppp_set_dns(struct ppp_session *s, const struct in_addr dns[2])
{
	memcpy(s->dns, dns, sizeof(s->dns));
}

const char *ppp_user(const struct ppp_session *s)
{
	return s->user ? s->user : "";
}

const char *ppp_phase_name(const struct ppp_session *s)
{
	return (unsigned int)s->phase < ARRAY_SIZE(phase_names) ?
	       phase_names[s->phase] : "?";
}

const struct ppp_stats *ppp_get_stats(const struct ppp_session *s)
{
	return &s->st;
}

uint16_t ppp_peer_mru(const struct ppp_session *s)
{
	return s->l.peer_mru ? s->l.peer_mru : PPP_DEFAULT_MRU;
}
