/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PPP engine: one struct ppp_session per L2TP session, server side.
 *
 * LCP (RFC 1661), authentication of the peer (MS-CHAPv2 RFC 2759, CHAP-MD5
 * RFC 1994, PAP RFC 1334), IPCP (RFC 1332, RFC 1877) and IPv6CP (RFC 5072).
 * Any other protocol is answered with an LCP Protocol-Reject.
 *
 * The engine owns no socket, timer or global: the owner hands it each PPP
 * frame received (ppp_input), asks it for its next deadline
 * (ppp_next_timeout) and calls ppp_timer when that has passed. All times are
 * monotonic milliseconds passed in by the owner, so tests use a fake clock.
 * Frames go out through ops->send. Not thread-safe: one event loop thread.
 *
 * Callbacks run synchronously inside ppp_start/ppp_input/ppp_timer/ppp_close.
 * A callback must not call back into the engine nor free the session; after
 * ops->down the session is dead (ppp_is_dead) and the owner frees it once the
 * entry point has returned. The owner also releases, on down, an address it
 * handed out through alloc_ipv4.
 *
 * Wiring, per L2TP session:
 *   s = ppp_new(&cfg, &ops, ctx); ppp_start(s, now);     on ICCN
 *   ppp_input(s, now, frame, len);                       each PPP data message
 *   ops->send -> the L2TP data message, frame as given (FF 03 included
 *                unless the peer negotiated ACFC; LCP always has it)
 *   after every entry point: re-arm one timer at ppp_next_timeout(s) and call
 *   ppp_timer(s, now) when it fires
 *   ppp_lower_down(s, now) on CDN/StopCCN; ppp_close(s, now, msg) to hang up;
 *   ppp_free(s) after ops->down.
 *
 * IPv4 addresses are in network byte order (struct in_addr).
 */
#ifndef L2SECD_PPP_H
#define L2SECD_PPP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/mschap.h"

#define PPP_NO_TIMEOUT UINT64_MAX

/* PPP protocol numbers used by the engine. */
#define PPP_IP		0x0021
#define PPP_IPV6	0x0057
#define PPP_IPCP	0x8021
#define PPP_IPV6CP	0x8057
#define PPP_CCP		0x80FD
#define PPP_LCP		0xC021
#define PPP_PAP		0xC023
#define PPP_LQR		0xC025
#define PPP_CHAP	0xC223

/* Authentication methods, a bit each; the engine prefers them in this order. */
enum ppp_auth_method {
	PPP_AUTH_MSCHAPV2 = 1 << 0,
	PPP_AUTH_CHAP_MD5 = 1 << 1,
	PPP_AUTH_PAP = 1 << 2,
};

enum ppp_down_reason {
	PPP_DOWN_NONE,
	PPP_DOWN_ADMIN,		/* ppp_close() by the owner */
	PPP_DOWN_PEER,		/* peer sent LCP Terminate-Request */
	PPP_DOWN_NEGOTIATION,	/* Max-Configure/Max-Failure, no usable options */
	PPP_DOWN_AUTH_FAILED,	/* wrong credentials, after the allowed tries */
	PPP_DOWN_AUTH_TIMEOUT,	/* peer never answered / never authenticated */
	PPP_DOWN_NO_AUTH,	/* no authentication method both sides accept */
	PPP_DOWN_ECHO_TIMEOUT,	/* dead peer detection */
	PPP_DOWN_LOOPBACK,	/* our own magic number came back */
	PPP_DOWN_NO_ADDRESS,	/* address pool exhausted */
	PPP_DOWN_NO_NCP,	/* no network protocol could be opened */
	PPP_DOWN_PROTOCOL,	/* LCP renegotiation, peer rejected LCP, ... */
	PPP_DOWN_NO_MEMORY,	/* the gateway's: out of memory */
};

const char *ppp_down_reason_name(enum ppp_down_reason r);

/* Defaults from ppp_config_init() in brackets. */
struct ppp_config {
	char name[64];			/* our name in CHAP challenges ["l2sec"] */
	unsigned int auth;		/* enum ppp_auth_method bits [MS-CHAPv2|CHAP-MD5] */
	uint16_t mru;			/* the MRU we ask for, 128..1500 [1400] */
	bool accept_pfc, accept_acfc;	/* let the peer ask for compression [yes] */
	uint32_t restart_ms;		/* Restart timer [3000] */
	unsigned int max_configure;	/* Configure-Requests sent [10] */
	unsigned int max_terminate;	/* Terminate-Requests sent [2] */
	unsigned int max_failure;	/* our Naks before we Reject instead [5] */
	unsigned int max_nak_rounds;	/* peer's Naks/Rejects we put up with [10] */
	uint32_t echo_interval_ms;	/* 0: no LCP echo [20000] */
	unsigned int echo_failures;	/* unanswered echoes before down [3] */
	unsigned int auth_tries;	/* wrong answers before we give up [3] */
	uint32_t auth_fail_delay_ms;	/* delay before Failure and next try [2000] */
	uint32_t auth_timeout_ms;	/* whole authentication phase [60000] */
	bool ipv4, ipv6;		/* run IPCP / IPv6CP [yes / no] */
	struct in_addr local_ipv4;	/* our address in IPCP; any: not sent */
	struct in_addr dns[2], nbns[2];	/* any: not offered (option rejected) */
};

/* Fill cfg with the defaults above; addresses are left unset. */
void ppp_config_init(struct ppp_config *cfg);

/* What the owner knows about a user, for the engine to check a login. */
struct ppp_secret {
	const char *password;	/* NULL when only the NT hash is known */
	size_t password_len;
	uint8_t nt_hash[MSCHAP_NT_HASH_LEN];
	struct in_addr addr;	/* static address, or INADDR_ANY */
};

/*
 * An answer to check where the secrets are (privilege separation: l2secd's
 * engine holds no password or hash; ppp_ops.verify).
 */
struct ppp_answer {
	unsigned int method;		/* PPP_AUTH_* */
	const char *name;		/* as the peer sent it, NUL-terminated */
	size_t name_len;
	const uint8_t *challenge;	/* ours (CHAP, MS-CHAPv2), MSCHAP_CHALLENGE_LEN octets */
	uint8_t id;			/* the CHAP identifier (CHAP-MD5) */
	const uint8_t *value;		/* MS-CHAPv2: peer challenge, 8 zero, NT response;
					 * CHAP-MD5: the 16-octet digest; PAP: the password */
	size_t value_len;
};

struct ppp_verdict {
	bool ok;
	char auth_resp[MSCHAP_AUTH_RESPONSE_LEN];	/* MS-CHAPv2's "S=...", when ok */
};

/*
 * The outcome of an answer ops->ask took (ppp_auth_done): granted or not,
 * and what the checker says with it.
 */
struct ppp_auth_outcome {
	bool ok;
	bool checked;			/* !ok: the answer was judged wrong (not: no checker) */
	const char *why;		/* !ok: for the log, printable */
	const char *auth_resp;		/* ok MS-CHAPv2: "S=" and 40 hex digits */
	struct in_addr addr;		/* the address the checker assigns, or INADDR_ANY */
};

struct ppp_ipcp_info {
	struct in_addr local, peer;
	struct in_addr dns[2], nbns[2];
};

struct ppp_ops {
	/*
	 * A complete PPP frame: [FF 03] protocol information. frame is valid
	 * only during the call (it may lie in the engine's stack or in the
	 * buffer of a ppp_send_data caller): copy or send it before returning.
	 */
	void (*send)(void *ctx, const uint8_t *frame, size_t len);
	/*
	 * Look a user up: fill *out and return 0, or return -1 if unknown.
	 * The pointers in *out need to live until the callback's caller returns.
	 */
	int (*get_secret)(void *ctx, const char *user, struct ppp_secret *out);
	/*
	 * Optional: may user try now (a throttle across sessions)? Called
	 * before an answer is checked, with the users file's name when the
	 * user exists, else the name as sent (made printable). false: the
	 * attempt is refused as a wrong answer would be, unchecked, and
	 * auth_result is not called for it.
	 */
	bool (*auth_allowed)(void *ctx, const char *user);
	/*
	 * Optional: the result of each checked attempt (user named as for
	 * auth_allowed). After a failure, the return value holds the Failure
	 * (and the next try) back for that many ms if that is longer than
	 * auth_fail_delay_ms; ignored after a success.
	 */
	uint32_t (*auth_result)(void *ctx, const char *user, bool ok);
	/*
	 * An address for the peer: the user's static one (hint, may be
	 * INADDR_ANY) or one from a pool. Return -1 when none is left.
	 */
	int (*alloc_ipv4)(void *ctx, const char *user, struct in_addr hint,
			  struct in_addr *out);
	void (*ipcp_up)(void *ctx, const struct ppp_ipcp_info *info);
	/* Interface identifiers, host byte order. */
	void (*ipv6cp_up)(void *ctx, uint64_t local_id, uint64_t peer_id);
	/* Optional: IPv4/IPv6 packets once the NCP is open (TUN data path). */
	void (*data)(void *ctx, uint16_t proto, const uint8_t *pkt, size_t len);
	/*
	 * Exactly once; the message is for the log, never contains secrets.
	 * The engine does not log the end itself: the owner's line does (its
	 * user, its duration), the engine's "terminating" is at info.
	 */
	void (*down)(void *ctx, enum ppp_down_reason reason, const char *msg);
	/* syslog priority; the engine never passes a password or hash. */
	void (*log)(void *ctx, int prio, const char *msg);
	/* Optional: whether a line of prio would be written; false: not even formatted. */
	bool (*log_enabled)(void *ctx, int prio);
	/* Optional: fill buf with random octets; NULL uses getrandom(). */
	void (*random)(void *ctx, void *buf, size_t len);
	/*
	 * Optional (privilege separation): check an answer elsewhere instead
	 * of against get_secret's password or hash (get_secret then only
	 * finds the user's name and static address); 0 with *v filled, -1
	 * when it could not be checked (a failure), 1 when the checker is
	 * busy (its rate): no verdict, nothing answered, no try spent; a
	 * CHAP challenge is sent again after the Restart period (the peer
	 * answers it again), a PAP peer repeats its request itself. The
	 * answer is wiped by the caller.
	 */
	int (*verify)(void *ctx, const struct ppp_answer *a, struct ppp_verdict *v);
	/*
	 * Optional (privilege separation): the challenge of the next CHAP or
	 * MS-CHAPv2 answer (the checker issues it); NULL: random octets.
	 */
	void (*challenge)(void *ctx, uint8_t chal[MSCHAP_CHALLENGE_LEN]);
	/*
	 * Optional (RADIUS): check the answer asynchronously; known says
	 * whether get_secret found the user. 0: taken, the engine waits for
	 * ppp_auth_done() (further answers are discarded, the phase timeout
	 * runs); 1: not taken, checked here as without ask; -1: refused (too
	 * many waiting), a failure unchecked. The answer is wiped by the
	 * caller after the call: copy what is needed.
	 */
	int (*ask)(void *ctx, const struct ppp_answer *a, bool known);
};

struct ppp_stats {
	uint64_t rx_frames, tx_frames;
	uint64_t rx_malformed;	/* bad header, lengths, options: dropped */
	uint64_t rx_discarded;	/* valid but not expected now: dropped */
	uint64_t rx_proto_rejected;	/* answered with Protocol-Reject */
	uint64_t rx_code_rejected;	/* answered with Code-Reject */
	uint64_t auth_failures;
	uint64_t auth_busy;	/* answers left unchecked, the checker busy (ops->verify) */
	uint64_t echo_sent, echo_missed;
};

struct ppp_session;

/*
 * A configuration sessions share (a gateway holds many sessions, most under
 * one configuration): an immutable copy of cfg, reference-counted; the
 * caller holds the first reference. NULL: out of memory. ppp_conf_is: c is
 * a copy of exactly cfg (c NULL: no).
 */
struct ppp_conf;
struct ppp_conf *ppp_conf_new(const struct ppp_config *cfg);
bool ppp_conf_is(const struct ppp_conf *c, const struct ppp_config *cfg);
void ppp_conf_put(struct ppp_conf *c);

/*
 * Create a session under conf (it takes a reference of its own); ppp_new
 * under a copy of cfg of its own. NULL on allocation failure or an invalid
 * configuration (reported through ops->log).
 */
struct ppp_session *ppp_new_shared(struct ppp_conf *conf, const struct ppp_ops *ops,
				   void *ctx);
struct ppp_session *ppp_new(const struct ppp_config *cfg,
			    const struct ppp_ops *ops, void *ctx);
void ppp_free(struct ppp_session *s);

/* The lower layer (the L2TP session) is up: start LCP. */
void ppp_start(struct ppp_session *s, uint64_t now);

/*
 * One PPP frame from the peer, as the L2TP session carried it. Not const: an
 * authentication frame's secrets are wiped in it after use.
 */
void ppp_input(struct ppp_session *s, uint64_t now, uint8_t *frame, size_t len);

/*
 * IPv4/IPv6 packet to the peer (TUN data path, router advertisements),
 * dropped (-1) unless the NCP is up: the packet is the len octets at
 * buf + PPP_DATA_HEADROOM; the engine writes the frame's address, control
 * and protocol fields into the headroom before it and passes the frame to
 * ops->send from there. The engine keeps no data buffer (a gateway holds
 * many sessions): the caller's buffer is the only one, and it is free again
 * when the call returns.
 */
#define PPP_DATA_HEADROOM 4

/*
 * A frame's protocol field, after the address and control fields (FF 03,
 * optional: ACFC) and compressed or not (PFC): *off is the payload's offset.
 * The one parse of both processes: ppp_input's, and the privileged parent's
 * on the TUN data path (datapath/tunpump.h), which reads no more of a frame.
 */
enum ppp_frame_err {
	PPP_FRAME_OK,
	PPP_FRAME_SHORT,	/* no protocol field */
	PPP_FRAME_BAD_PROTO,	/* even low octet (RFC 1661 section 2); *proto says it */
};
enum ppp_frame_err ppp_frame_proto(const uint8_t *p, size_t n, uint16_t *proto, size_t *off);
int ppp_send_data(struct ppp_session *s, uint16_t proto, uint8_t *buf, size_t len);

/*
 * The outcome of the answer ops->ask took. Ignored unless the engine waits
 * for it (the session restarted its authentication or went meanwhile:
 * the owner cancels what it asked then).
 */
void ppp_auth_done(struct ppp_session *s, uint64_t now, const struct ppp_auth_outcome *o);
/* The DNS servers IPCP offers this session (before its network phase), for the config's. */
void ppp_set_dns(struct ppp_session *s, const struct in_addr dns[2]);
/* Whether the engine waits for ppp_auth_done(). */
bool ppp_auth_pending(const struct ppp_session *s);

/* The earliest deadline (monotonic ms), or PPP_NO_TIMEOUT. */
uint64_t ppp_next_timeout(const struct ppp_session *s);
void ppp_timer(struct ppp_session *s, uint64_t now);

/*
 * Administrative close: LCP Terminate-Request carrying msg, then down once
 * the peer acknowledges or the Restart timer runs out.
 */
void ppp_close(struct ppp_session *s, uint64_t now, const char *msg);

/* The lower layer went away: down at once, nothing sent. */
void ppp_lower_down(struct ppp_session *s, uint64_t now);

bool ppp_is_dead(const struct ppp_session *s);
bool ppp_is_up(const struct ppp_session *s);	/* an NCP is open */
const char *ppp_user(const struct ppp_session *s);	/* "" before auth */
/* The method the peer authenticated with, as [ppp] auth names it; NULL before. */
const char *ppp_auth_method_name(const struct ppp_session *s);
const char *ppp_phase_name(const struct ppp_session *s);
const struct ppp_stats *ppp_get_stats(const struct ppp_session *s);
/* The MRU the peer negotiated (1500 when it did not), for the data path. */
uint16_t ppp_peer_mru(const struct ppp_session *s);

#endif
