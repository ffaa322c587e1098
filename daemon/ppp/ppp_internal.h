/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the PPP engine: the session, the RFC 1661 automaton shared by LCP,
 * IPCP and IPv6CP, and the per-protocol hooks. Only daemon/ppp*.c include
 * this; the owner sees ppp.h.
 *
 * Everything here belongs to one session and is touched only from the
 * owner's event loop thread through the ppp.h entry points: no locking.
 */
#ifndef L2SECD_PPP_INTERNAL_H
#define L2SECD_PPP_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>

#include "core/logrl.h"
#include "ppp/ppp.h"

/* Largest control packet (code..data) we accept or build: RFC 1661 default MRU. */
#define PPP_CTRL_MAX	1500
/* Options in one Configure packet beyond this: the packet is dropped. */
#define PPP_MAX_OPTS	32
/*
 * Our own Configure-Request options: LCP at most MRU 4 + auth 5 + magic 6,
 * IPCP 6, IPv6CP 10. Kept small: a gateway holds many sessions.
 */
#define PPP_REQ_MAX	32
#define PPP_MIN_MRU	128
#define PPP_DEFAULT_MRU	1500

/* Packet codes (RFC 1661 section 5). */
enum {
	CODE_CONFREQ = 1,
	CODE_CONFACK,
	CODE_CONFNAK,
	CODE_CONFREJ,
	CODE_TERMREQ,
	CODE_TERMACK,
	CODE_CODEREJ,
	CODE_PROTREJ,		/* LCP only from here on */
	CODE_ECHOREQ,
	CODE_ECHOREP,
	CODE_DISCREQ,
};

enum fsm_state {
	ST_INITIAL,
	ST_STARTING,
	ST_CLOSED,
	ST_STOPPED,
	ST_CLOSING,
	ST_STOPPING,
	ST_REQSENT,
	ST_ACKRCVD,
	ST_ACKSENT,
	ST_OPENED,
};

/* The verdict on one option of the peer's Configure-Request. */
enum opt_verdict {
	OPT_ACK,
	OPT_NAK,	/* the hook wrote the suggested option into nak */
	OPT_REJ,
};

struct ppp_fsm;

/* Per-protocol behaviour of the automaton (RFC 1661 section 4.4 actions). */
struct fsm_proto {
	uint16_t proto;
	const char *name;
	/* Prepare our first Configure-Request (on irc from a fresh start). */
	void (*reset)(struct ppp_fsm *f);
	/* Our options; returns their length (<= cap). */
	size_t (*build)(struct ppp_fsm *f, uint8_t *buf, size_t cap);
	/* Peer's Nak / Reject of our request; -1: malformed, discard. */
	int (*nak)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	int (*rej)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	/* Peer's request: begin, one call per option, then end(verdict). */
	void (*req_begin)(struct ppp_fsm *f);
	enum opt_verdict (*req_opt)(struct ppp_fsm *f, uint8_t type,
				    const uint8_t *val, size_t vlen,
				    uint8_t *nak, size_t *nak_len);
	/* Options we Nak for although the peer did not send them. */
	size_t (*req_missing)(struct ppp_fsm *f, uint8_t *nak, size_t cap);
	void (*req_end)(struct ppp_fsm *f, int code);
	/* tlu, tld, tls, tlf */
	void (*up)(struct ppp_fsm *f);
	/*
	 * tlu before the Configure-Ack that opens the automaton (RFC 1661 has sca,
	 * then tlu): the peer sends data the moment it has that Ack, so an NCP's up,
	 * which readies the owner's data path and sends nothing on the link, runs
	 * first. Not for LCP: its up sends the Challenge, which follows the Ack.
	 */
	bool up_before_ack;
	void (*down)(struct ppp_fsm *f);
	void (*starting)(struct ppp_fsm *f);
	void (*finished)(struct ppp_fsm *f);
	/*
	 * May a Configure-Request with the options we last acked, received in
	 * Opened, still be the peer's resend of that one (our Ack lost or late)?
	 * NULL: yes, within Max-Configure Restart periods of opening.
	 */
	bool (*resend_possible)(const struct ppp_fsm *f);
	/* Peer's Terminate-Request (message, untrusted). */
	void (*term_req)(struct ppp_fsm *f, const uint8_t *msg, size_t len);
	/* Codes beyond 7; returns false for an unknown code (Code-Reject). */
	bool (*extcode)(struct ppp_fsm *f, uint8_t code, uint8_t id,
			const uint8_t *data, size_t len);
	/* Peer's Code-Reject of a code we sent beyond 7 (RXJ+). */
	void (*code_rejected)(struct ppp_fsm *f, uint8_t code);
};

/*
 * One RFC 1661 automaton. deadline is the Restart timer (0: stopped); it
 * runs exactly in Closing, Stopping, Req-Sent, Ack-Rcvd and Ack-Sent.
 */
struct ppp_fsm {
	struct ppp_session *s;
	const struct fsm_proto *p;
	unsigned int restart;	/* Restart counter */
	unsigned int naks_sent;	/* consecutive Naks we sent (Max-Failure) */
	unsigned int naks_rcvd;	/* Naks/Rejects of our requests (bounded) */
	unsigned int reacks;	/* resends acked again since Opened */
	uint8_t state;		/* enum fsm_state (one octet: a gateway holds many) */
	uint8_t id;		/* last identifier we used */
	uint8_t reqid;		/* identifier of our outstanding Configure-Request */
	uint8_t termid;		/* identifier of our Terminate-Request */
	bool req_open;		/* reqid still awaits an Ack/Nak/Reject */
	bool acked_valid;
	uint8_t req_len;
	uint8_t req[PPP_REQ_MAX];	/* our last request's options */
	uint64_t deadline;
	/* The peer's request we last acked (a hash: it may be long), for resends. */
	uint64_t acked_hash;
	uint64_t opened_at;
};

/* The message of our Terminate-Requests, at most this long (reason_msg truncated). */
#define PPP_TERM_MSG_MAX	63

enum ppp_phase {
	PHASE_DEAD,
	PHASE_ESTABLISH,
	PHASE_AUTH,
	PHASE_NETWORK,
	PHASE_TERMINATE,
};

enum auth_state {
	AUTH_IDLE,
	AUTH_WAIT,	/* challenge sent / waiting for PAP request */
	AUTH_DELAY,	/* wrong answer: waiting before Failure */
	AUTH_PENDING,	/* ops->ask took the answer: waiting for ppp_auth_done() */
	AUTH_DONE,
};

/* Members by size (a gateway holds many sessions): no holes. */
struct lcp_opts {
	/* Dead-peer detection, while LCP is Opened. */
	uint64_t echo_deadline;
	unsigned int echo_pending;
	/* What we ask for. */
	uint32_t magic;
	unsigned int auth;		/* PPP_AUTH_* we currently ask for */
	unsigned int auth_refused;	/* methods the peer Nak'd */
	/* What the peer asked for and we acknowledged. */
	uint32_t peer_magic;
	/* The request being evaluated; committed on Ack. */
	uint32_t new_magic;
	unsigned int loops;		/* consecutive magic collisions */
	uint16_t mru, peer_mru, new_mru;
	bool req_mru, req_magic;
	bool peer_pfc, peer_acfc;
	bool new_pfc, new_acfc;
	uint8_t echo_id;
	bool echo_off;			/* peer Code-Rejected Echo-Request */
};

/*
 * The authentication phase's state, on the heap from ppp_auth_start() until
 * the phase ends (granted, failed, timed out, the session going): s->a is
 * non-NULL exactly while s->auth_state is AUTH_WAIT, AUTH_DELAY or
 * AUTH_PENDING, and it is wiped before it is freed (it holds the challenge).
 * What a duplicate answer after the grant needs (the id, the method, the
 * MS-CHAPv2 authenticator response) stays in the session.
 */
struct auth_ctx {
	/* After an MS-CHAPv2 retry both the Failure's id and id + 1 are taken. */
	uint8_t alt_id;
	bool alt_ok;
	uint8_t challenge[MSCHAP_CHALLENGE_LEN];
	unsigned int failures;
	unsigned int resends;		/* challenge retransmissions left */
	uint64_t deadline;		/* retransmit or delay */
	uint64_t phase_deadline;	/* whole phase */
	char who[256];			/* AUTH_PENDING: who tried, made printable */
};

/* MS-CHAPv2's authenticator response as octets ("S=" and these in hex). */
#define MSCHAP_AUTH_RESPONSE_BIN	20

struct ipcp_opts {
	struct in_addr local, peer;
	bool req_local, peer_sent_addr;
	struct in_addr dns[2], nbns[2];
};

struct ipv6cp_opts {
	uint64_t local_id, peer_id, new_peer_id, suggest_id;
	bool req_local, peer_sent_id;
};

/* A configuration sessions share (ppp_conf_new): immutable but for the count. */
struct ppp_conf {
	struct ppp_config cfg;
	unsigned int refs;
};

struct ppp_session {
	const struct ppp_config *cfg;	/* &conf->cfg, shared: never written */
	struct ppp_conf *conf;		/* the session holds a reference */
	const struct ppp_ops *ops;
	void *ctx;
	uint64_t now;			/* time of the current entry point */
	enum ppp_phase phase;
	enum ppp_down_reason reason;
	bool dead;			/* ops->down was called */
	/* A termination requested inside a callback, acted on by settle(). */
	bool term_pending;
	bool abort_pending;
	/* Authentication: the state, the method, our last Success/Ack's id ... */
	uint8_t auth_state;		/* enum auth_state */
	uint8_t auth_method;		/* PPP_AUTH_* */
	uint8_t auth_id;
	/* ... and whether (MS-CHAPv2: with which "S=") a duplicate answer gets it again */
	bool auth_reply;
	uint8_t auth_resp[MSCHAP_AUTH_RESPONSE_BIN];
	unsigned int drop_logs;		/* ppp_log_drop lines at notice level */
	/* Why it ends, from the first ppp_terminate (heap); NULL: not yet, or out of memory. */
	char *reason_msg;
	struct auth_ctx *a;		/* the authentication phase only, see above */
	char *user;			/* authenticated (heap, exact size); NULL before */
	struct ppp_fsm lcp, ipcp, ipv6cp;
	struct lcp_opts l;
	struct ipv6cp_opts i6;
	struct ppp_stats st;
	struct ipcp_opts i4;
	struct in_addr dns[2];		/* IPCP offers these: cfg's, or ppp_set_dns's */
};
/* The session's reason_msg, or the reason's name while it has none. */
const char *ppp_reason_msg(const struct ppp_session *s);

/* ppp_auth.c: the outcome of an answer ops->ask took (AUTH_PENDING) */
void ppp_auth_outcome(struct ppp_session *s, const struct ppp_auth_outcome *o);

/* ppp.c */
/* Whether a line of prio would be written (the owner's log_enabled). */
bool ppp_log_on(const struct ppp_session *s, int prio);
void ppp_log_msg(struct ppp_session *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A line below the level costs a test: its arguments (an inet_ntop) are not
 * even computed, as with core/log.h's log_at. So they have no side effects.
 */
#define ppp_log(s, prio, ...) \
	do { if (ppp_log_on(s, prio)) ppp_log_msg(s, prio, __VA_ARGS__); } while (0)
/*
 * A line the peer can cause with every frame it sends: limited by rl, one
 * static bucket per call site for all sessions (core/logrl.h). The level is
 * checked first, then the bucket; the arguments are evaluated only for a
 * line written.
 */
#define ppp_log_rl(s, rl, prio, ...) \
	do { \
		if (ppp_log_on(s, prio) && logrl_take(rl)) \
			ppp_log_rl_msg(s, rl, prio, __VA_ARGS__); \
	} while (0)
void ppp_log_rl_msg(struct ppp_session *s, struct logrl *rl, int prio, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A frame dropped because of the peer: rate-limited to debug after a few. */
void ppp_log_drop(struct ppp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ppp_send_ctrl(struct ppp_session *s, uint16_t proto, uint8_t code,
		   uint8_t id, const uint8_t *data, size_t len);
void ppp_random(struct ppp_session *s, void *buf, size_t len);
/* Record why the session ends unless a reason is known; true: this one. */
bool ppp_set_reason(struct ppp_session *s, enum ppp_down_reason reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Request the end of the session; the first reason given wins. */
void ppp_terminate(struct ppp_session *s, enum ppp_down_reason reason,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Printable copy of untrusted text for a log line. */
void ppp_sanitize(char *dst, size_t cap, const uint8_t *src, size_t len);
/* hint: the address the checker assigns (the user's static one), or INADDR_ANY */
void ppp_network_phase(struct ppp_session *s, struct in_addr hint);
/* LCP reached Closed/Stopped: the session is over. */
void ppp_lcp_finished(struct ppp_session *s);
/* The peer sent an LCP Protocol-Reject for proto. */
void ppp_protocol_rejected(struct ppp_session *s, uint16_t proto);
uint16_t ppp_send_limit(const struct ppp_session *s);

/* ppp_fsm.c */
void ppp_fsm_init(struct ppp_fsm *f, struct ppp_session *s,
	      const struct fsm_proto *p);
void ppp_fsm_up(struct ppp_fsm *f);
void ppp_fsm_down(struct ppp_fsm *f);
void ppp_fsm_open(struct ppp_fsm *f);
/* Close; a Terminate-Request of LCP carries the session's reason_msg. */
void ppp_fsm_close(struct ppp_fsm *f);
void ppp_fsm_timeout(struct ppp_fsm *f);
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
void ppp_fsm_proto_rejected(struct ppp_fsm *f);
const char *ppp_fsm_state_name(enum fsm_state st);

/* ppp_lcp.c, ppp_ipcp.c, ppp_ipv6cp.c */
extern const struct fsm_proto ppp_lcp_proto;
extern const struct fsm_proto ppp_ipcp_proto;
extern const struct fsm_proto ppp_ipv6cp_proto;
void ppp_lcp_echo_timer(struct ppp_session *s);
/* An NCP finished: end the session if none is left. */
void ppp_ncp_finished(struct ppp_session *s);

/* ppp_auth.c */
void ppp_auth_start(struct ppp_session *s);
void ppp_auth_stop(struct ppp_session *s);
/* Wipes pkt after use: it may carry a password or a challenge's answer. */
void ppp_auth_input(struct ppp_session *s, uint16_t proto, uint8_t *pkt, size_t len);
void ppp_auth_timer(struct ppp_session *s);
/* The LCP Authentication-Protocol option for a method; returns its length. */
size_t ppp_auth_option(unsigned int method, uint8_t *buf);
unsigned int ppp_auth_method_of(const uint8_t *val, size_t vlen);

#endif
