/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The message set between l2secd's privileged parent and its unprivileged
 * engine (docs/ARCHITECTURE.md, "Two processes"): one message per datagram of
 * an AF_UNIX SOCK_SEQPACKET socketpair, file descriptors (the L2TP sockets,
 * the TUN device) passed with SCM_RIGHTS alongside PRIV_EV_SOCKET.
 *
 * Wire format, every integer in network byte order:
 *
 *   header  u8 version (PRIV_MSG_VERSION), u8 type, u16 length of the whole
 *           message, u32 sequence number
 *   body    fixed-size fields per type; an address is u8 family (4 or 6) and
 *           16 octets (IPv4 in the first 4, the rest zero); a string is u8
 *           length and that many octets, at most its type's maximum, no NUL
 *
 * Requests (engine to parent) carry a sequence number one above the previous
 * request's (modulo 2^32); every reply names the request's number and type. Events
 * (parent to engine) carry the parent's own numbering. Nothing else is on the
 * wire: no padding, no optional fields, and a message must be exactly as long
 * as its type says (strings aside), so a decoder never follows a length it
 * has not checked against what it holds.
 *
 * The decoder is the parent's first line against a compromised engine: it
 * refuses a wrong version, an unknown type, a length that differs from the
 * datagram's, a truncated body, trailing octets, an oversized string, a
 * reserved octet that is not zero and an address family that is not 4 or 6.
 * What a well-formed request may do is priv_check.h's business.
 */
#ifndef L2SECD_PRIV_MSG_H
#define L2SECD_PRIV_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sa46.h"
#include "ppp/mschap.h"

#define PRIV_MSG_VERSION	9	/* 2: SEND, RADIUS_*; 3: DAE_*, COUNTERS; 4: FROUTE_*; 5: STATS' tun;
				   6: ACCT_KEEP, RADIUS_SIGN's keep, STATS' acct;
				   7: FROUTE_* of IPv6 prefixes; 8: PRIV_BATCH;
				   9: SESSION_UP's route */
#define PRIV_HDR_LEN		8
/*
 * The largest message: a RADIUS packet to sign or verify and its fields (a
 * SEND, with a datagram of at most PRIV_SEND_MAX, is smaller).
 */
#define PRIV_RADIUS_MAX		4096	/* RFC 2865's largest packet (radius_pkt.h) */
#define PRIV_MSG_MAX		(PRIV_RADIUS_MAX + 256)
#define PRIV_NAME_MAX		255	/* a CHAP or PAP name: one length octet */
#define PRIV_PASSWORD_MAX	255	/* a PAP password: one length octet */
#define PRIV_WHY_MAX		64	/* an event's reason, for the log */
#define PRIV_ID_MAX		127	/* an SA's remote identity (ipsec_sa_desc) */
#define PRIV_VICI_MAX		107	/* charon's VICI socket path */
#define PRIV_REPORT_N		18	/* IPSEC_REPORT's counters (ipsec.h's IPSEC_REPORT_N) */
/*
 * PRIV_BATCH, engine to parent: datagrams that would have gone one by one, in
 * one, so that they wake the parent once (docs/PERFORMANCE.md, "Where a
 * setup's instructions go in the guest"). Header as any message's (version
 * PRIV_MSG_VERSION, type PRIV_BATCH, the whole length, sequence number 0),
 * then whole datagrams, each with its own header and length: resume records
 * (types from PRIV_RECORD_BASE: priv_state.h's, at most PRIV_BATCH_RECORDS
 * octets of them), the last one possibly a request other than SEND (the
 * one the engine then waits for). The parent takes them in order as if each
 * had come alone. Never decoded by priv_msg_decode (not below PRIV_TYPE_MAX).
 */
#define PRIV_BATCH		0x7f
#define PRIV_RECORD_BASE	0x80	/* types from here: resume records (priv_state.h) */
#define PRIV_BATCH_RECORDS	(2 * PRIV_MSG_MAX)
#define PRIV_BATCH_MAX		(PRIV_HDR_LEN + PRIV_BATCH_RECORDS + PRIV_MSG_MAX)
/* SEND's datagram: an L2TP control message, or a data message with a PPP control frame */
#define PRIV_SEND_MAX		1600	/* PPP's 1500 octets and its and L2TP's headers */

enum priv_type {
	/* requests, engine -> parent */
	PRIV_REQ_TUNNEL_ADD = 1,	/* the module's tunnel, bound to an SA's mark */
	PRIV_REQ_TUNNEL_DEL,
	PRIV_REQ_SESSION_ADD,		/* a call on a tunnel of ours; the reply: a challenge */
	PRIV_REQ_SESSION_DEL,		/* frees the session's addresses and routes */
	PRIV_REQ_AUTH_MSCHAPV2,		/* verify; the parent computes the answer */
	PRIV_REQ_AUTH_CHAP_MD5,
	PRIV_REQ_AUTH_PAP,
	PRIV_REQ_ADDR_CLAIM,		/* an address for an authenticated session */
	PRIV_REQ_ADDR_RELEASE,
	PRIV_REQ_SESSION_UP,		/* the module forwards the session's addresses (and routes) */
	PRIV_REQ_ROUTE_ADD,		/* host route through l2sec0 */
	PRIV_REQ_ROUTE_DEL,
	PRIV_REQ_MARK_QUERY,		/* is mark an SA of this peer (rxcheck, no VICI) */
	PRIV_REQ_STATS,			/* the pools' use, for the control socket's `show stats` */
	PRIV_REPLY,			/* parent -> engine: the answer to one request */
	/* events, parent -> engine */
	PRIV_EV_SOCKET,			/* an L2TP socket (or the TUN device) by SCM_RIGHTS */
	PRIV_EV_SA_UP,			/* a CHILD_SA: its mark, reqid and peer */
	PRIV_EV_SA_REKEYED,
	PRIV_EV_SA_GONE,		/* close the tunnels bound to its mark */
	PRIV_EV_RELOAD,			/* the configuration in force changed */
	PRIV_EV_DATAPATH_LOST,		/* l2sec.ko went away: refuse everything */
	/* requests added since; priv_type_is_request knows them */
	PRIV_REQ_IPSEC_REPORT,		/* the SA table's and charon's counters, for `show stats` */
	PRIV_REQ_SA_NEXT,		/* the parent's SAs, one a call: a new engine's copy */
	PRIV_EV_SA_RESYNC,		/* SA events were lost: list the parent's SAs again */
	PRIV_REQ_SEND,			/* an L2TP datagram sent with its SA's mark; not answered */
	PRIV_REQ_RADIUS_SIGN,		/* sign a RADIUS request for server S (priv_radius.h) */
	PRIV_REQ_RADIUS_VERIFY,		/* verify server S's answer to a request signed so */
	/* 28-31: RADIUS under privsep, continued (issue 21) */
	PRIV_REQ_DAE_VERIFY = 28,	/* a DAE request, with dae-client C's secret */
	PRIV_REQ_DAE_SIGN = 29,		/* the answer to a request DAE_VERIFY verified */
	PRIV_REQ_COUNTERS = 30,		/* a session's counters in the module (Idle-Timeout) */
	/* a network of the session's verified Access-Accept routed through its IPv4 address */
	PRIV_REQ_FROUTE_ADD = 31,
	PRIV_REQ_FROUTE_DEL = 32,
	/* an accounting record the engine queued, for the parent to keep (priv_acct.h) */
	PRIV_REQ_ACCT_KEEP = 33,
	PRIV_TYPE_MAX
};

/* Why a request was refused: the reply's reason, and the checker's counters. */
enum priv_reason {
	PRIV_OK = 0,
	/* the decoder's */
	PRIV_R_TRUNCATED,	/* shorter than its header or its type's body */
	PRIV_R_VERSION,
	PRIV_R_TYPE,		/* unknown, or not a request */
	PRIV_R_LENGTH,		/* header length differs from the datagram's, or trailing octets */
	PRIV_R_FIELD,		/* oversized string, reserved octet, bad family or value */
	/* the checker's */
	PRIV_R_SEQ,		/* a sequence number not above the last one */
	PRIV_R_SOCKET,		/* a socket the parent did not hand over */
	PRIV_R_TUNNEL_EXISTS,
	PRIV_R_TUNNEL_UNKNOWN,	/* not a tunnel the engine created */
	PRIV_R_SESSION_EXISTS,
	PRIV_R_SESSION_UNKNOWN,	/* not a session of that tunnel */
	PRIV_R_SA_UNKNOWN,	/* mark of no live SA, or 0 where IPsec is required */
	PRIV_R_SA_PEER,		/* the SA's peer is not the tunnel's */
	PRIV_R_POLICY,		/* against the configuration (require-ipsec) */
	PRIV_R_NOT_AUTHED,	/* addresses before authentication */
	PRIV_R_AUTH_STATE,	/* authenticated already, or out of tries */
	PRIV_R_CHALLENGE,	/* an answer to a challenge the parent did not issue */
	PRIV_R_NOT_IN_POOL,	/* neither a pool's nor the user's static address */
	PRIV_R_ADDR_HELD,	/* held by another session, or the session has one */
	PRIV_R_POOL_EMPTY,
	PRIV_R_ADDR_NOT_HELD,	/* not the session's */
	PRIV_R_LIMIT,		/* a count limit, global or per tunnel */
	PRIV_R_RATE,		/* a rate limit */
	PRIV_R_PEER,		/* SEND: not the tunnel's peer, port or socket */
	PRIV_R_DATAGRAM,	/* SEND: not an L2TP message of that tunnel (or session) */
	PRIV_R_RADIUS,		/* a RADIUS packet the parent does not sign, or not for that server */
	PRIV_R_POOL_UNKNOWN,	/* the Access-Accept's Framed-Pool is none of [ppp] named-pools */
	PRIV_R_NOT_GRANTED,	/* FROUTE_ADD: no Framed-Route of the session's verified Accept */
	PRIV_R_FROUTE,		/* FROUTE_ADD: the checks refuse it (the reply's froute_why) */
	PRIV_REASON_MAX
};

/* An address on the wire: family 4 or 6. */
struct priv_addr {
	uint8_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct priv_tunnel_add {
	uint16_t tid, peer_tid;
	uint32_t sock_id;		/* as PRIV_EV_SOCKET named it */
	struct priv_addr peer;
	uint16_t peer_port;
	bool require_ipsec;
	uint32_t mark;			/* the SA's; the parent adds its reqid */
	struct priv_addr local;		/* the address the peer sent to; family 0: the socket's */
};

/*
 * A tunnel is named by the handle TUNNEL_ADD's reply gave it and its ID (tunnel
 * IDs are unique per SA or peer only: docs/ARCHITECTURE.md, "IDs at scale").
 */
struct priv_ids {			/* TUNNEL_DEL (sid 0), SESSION_DEL */
	uint32_t handle;
	uint16_t tid, sid;
};

struct priv_session_add {
	uint32_t handle;
	uint16_t tid, sid, peer_sid;
};

struct priv_name {
	uint8_t len;
	char s[PRIV_NAME_MAX + 1];	/* NUL-terminated after decoding */
};

/* Who answers: the session, and the name the peer sent ("DOMAIN\" and all). */
struct priv_auth_who {
	uint32_t handle;
	uint16_t tid, sid;
	struct priv_name name;
};

struct priv_auth_mschapv2 {
	struct priv_auth_who who;
	uint8_t auth_chal[MSCHAP_CHALLENGE_LEN];
	uint8_t peer_chal[MSCHAP_CHALLENGE_LEN];
	uint8_t nt_resp[MSCHAP_NT_RESPONSE_LEN];
};

struct priv_auth_md5 {
	struct priv_auth_who who;
	uint8_t id;
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	uint8_t resp[16];
};

struct priv_auth_pap {
	struct priv_auth_who who;
	uint8_t pw_len;
	uint8_t pw[PRIV_PASSWORD_MAX];	/* wiped by whoever decoded it */
};

struct priv_addr_req {			/* ADDR_CLAIM, ADDR_RELEASE, ROUTE_ADD/DEL, FROUTE_ADD/DEL */
	uint32_t handle;
	uint16_t tid, sid;
	struct priv_addr addr;		/* CLAIM: address 0 (family 4 or 6): any from the pool */
	/*
	 * routes: 32 (IPv4) or 64 (IPv6); FROUTE_*: the network's, 0..32
	 * (family 4) or 0..128 (family 6) with the host bits zero; else 0
	 */
	uint8_t plen;
};

/*
 * SESSION_UP's route: the host routes of the session's addresses to add
 * first, ROUTE_ADD's in the same request (docs/ARCHITECTURE.md, "Two
 * processes": IPCP's and IPv6CP's up each asked ROUTE_ADD, then SESSION_UP).
 * A bit names an address the request carries (has_v4, has_v6).
 */
#define PRIV_UP_ROUTE4		0x01	/* v4/32 */
#define PRIV_UP_ROUTE6		0x02	/* pfx64/64 */

struct priv_session_up {
	uint32_t handle;
	uint16_t tid, sid;
	bool has_v4, has_v6;
	struct in_addr v4;
	struct in6_addr pfx64;
	uint64_t ifid;			/* the client's IPv6CP interface identifier */
	uint8_t route;			/* PRIV_UP_ROUTE*: routed first, undone if the rest fails */
};

struct priv_mark_query {
	uint32_t mark;
	struct priv_addr peer;
};

/*
 * SEND (engine -> parent, not answered): an L2TP datagram to a peer with its
 * SA's mark, which the engine (without CAP_NET_RAW) cannot set. A tunnel's
 * (handle and tid set): the parent sends with the mark it recorded for the
 * tunnel, mark is 0; sid names our session of a data message (0: control).
 * No tunnel (handle, tid and sid 0: a reply before TUNNEL_ADD, a stateless or
 * stale one): a control message, with the mark of the SA it answers, which the
 * parent checks is a live SA of that peer.
 */
struct priv_send {
	uint32_t handle;
	uint16_t tid, sid;
	uint32_t sock_id;
	struct priv_addr peer;
	uint16_t peer_port;
	struct priv_addr local;		/* the source address; family 0: the socket's */
	uint32_t mark;
	uint16_t len;			/* 1..PRIV_SEND_MAX */
	const uint8_t *data;		/* decoded: points into the datagram, valid while it is */
};

/* RADIUS_SIGN and RADIUS_VERIFY: which client of the engine's and which of its servers. */
enum priv_radius_link {
	PRIV_RADIUS_AUTH,		/* [radius] auth-servers: Access-Requests */
	PRIV_RADIUS_ACCT,		/* acct-servers: Accounting-Requests */
	PRIV_RADIUS_LINKS
};

struct priv_radius_pkt {
	uint16_t len;			/* 20 (a header) .. PRIV_RADIUS_MAX */
	uint8_t buf[PRIV_RADIUS_MAX];
};

/*
 * RADIUS_SIGN: a request built by the engine, unsigned, for a server of a
 * link. An Access-Request names its session (handle, tid, sid), the one its
 * answer may authenticate; an Accounting-Request names none (all zero).
 */
struct priv_radius_sign {
	uint8_t link, server;		/* enum priv_radius_link; server < 8 */
	uint32_t handle;
	uint16_t tid, sid;
	uint32_t keep;			/* acct: the kept record it is a try of (0: none); auth: 0 */
	struct priv_radius_pkt pkt;
};

/*
 * ACCT_KEEP: an accounting record the engine queued (unsigned, as it will be
 * signed but for Identifier, Authenticator and Acct-Delay-Time) and the
 * session it is of, all named (priv_acct.h). The reply's handle: its number.
 */
struct priv_acct_keep {
	uint32_t handle;
	uint16_t tid, sid;
	struct priv_radius_pkt pkt;
};

/*
 * DAE_VERIFY: a CoA-Request or Disconnect-Request as it came from
 * [radius] dae-clients' client (its index there, which the engine chose by
 * the source address); the reply's radius_err says whether it verified.
 * DAE_SIGN: the engine's answer to one that verified (its Identifier, and
 * req_auth its Request Authenticator), unsigned; the reply: signed.
 */
struct priv_dae {
	uint8_t client;			/* < CONFIG_DAE_CLIENTS_MAX (16) */
	uint8_t req_auth[16];		/* DAE_SIGN only; zero in DAE_VERIFY */
	struct priv_radius_pkt pkt;
};

/* COUNTERS: a session of a tunnel of the engine's, named as every request names it. */
struct priv_counters {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
};

/* RADIUS_VERIFY: an answer as it came, and the signed request's code and authenticator. */
struct priv_radius_verify {
	uint8_t link, server;
	uint8_t req_code;
	uint8_t req_auth[16];
	struct priv_radius_pkt pkt;
};

struct priv_pool_stats {
	uint32_t v4_size, v4_used, v6_size, v6_used;
};

/* STATS: the parent's authentication throttle (auth/authlimit.h's authlimit_stats). */
struct priv_auth_stats {
	uint64_t refused_backoff, refused_lockout, backoffs, lockouts, evicted, entries;
};

/*
 * STATS: the TUN data path's counters in the parent (datapath.h's struct
 * datapath_tun_stats, in this order: rx_packets, rx_bytes, to_engine,
 * tx_packets, tx_bytes, the drops by tunpump_drop (5), device_errors,
 * send_errors, to_engine_dropped, unreach_sent, unreach_ratelimited);
 * present: the parent carries a TUN data path.
 */
#define PRIV_TUN_N	15
struct priv_tun_stats {
	bool present;
	uint64_t n[PRIV_TUN_N];
};

/* STATS: the accounting records the parent keeps for the next engine (priv_acct.h). */
struct priv_acct_stats {
	uint64_t kept;			/* records held now */
	uint64_t keeps;			/* records taken (ACCT_KEEP accepted) */
	uint64_t answered;		/* verified Accounting-Responses that ended one */
	uint64_t dropped;		/* pushed out by a bound */
	uint64_t resent;		/* handed to a new engine */
	uint64_t refused;		/* ACCT_KEEP refused (the checker counts them by reason) */
	uint64_t sessions;		/* Acct-Session-Ids bound now */
};

struct priv_ev_sa {			/* SA_UP, SA_REKEYED, SA_GONE */
	uint32_t mark, reqid;
	struct priv_addr peer;
	/* what the control socket shows of the SA (ipsec.h's struct ipsec_sa_desc) */
	uint16_t peer_port;
	uint32_t ike_id, child_id, spi_in, spi_out;
	bool encap;
	uint8_t id_len;
	char id[PRIV_ID_MAX + 1];
	uint8_t why_len;
	char why[PRIV_WHY_MAX + 1];
};

struct priv_sa_next {			/* SA_NEXT: where the listing goes on (0: the start) */
	uint32_t cursor;
};

/* IPSEC_REPORT's answer: ipsec.h's struct ipsec_report on the wire. */
struct priv_ipsec_report {
	bool charon_up;
	uint8_t vici_len;
	char vici[PRIV_VICI_MAX + 1];
	uint32_t sa_count;
	uint64_t n[PRIV_REPORT_N];
};

struct priv_reply {
	uint8_t req_type;
	uint8_t reason;			/* enum priv_reason; PRIV_OK: done */
	uint16_t error;			/* the kernel's errno when it refused, else 0 */
	/* ADDR_CLAIM: the address; MARK_QUERY: family != 0 when the SA is live */
	struct priv_addr addr;
	/* AUTH_*: the answer; throttled: refused unchecked by the parent's throttle */
	bool auth_ok, throttled;
	uint32_t hold_ms;		/* a wrong answer: hold the Failure back this long */
	char auth_resp[MSCHAP_AUTH_RESPONSE_LEN];	/* MS-CHAPv2's "S=...", else "" */
	/*
	 * SESSION_ADD, and AUTH_MSCHAPV2 or AUTH_CHAP_MD5 that failed: the
	 * challenge the session's next CHAP or MS-CHAPv2 answer must be to
	 * (the parent's, so that no answer the engine saw can be replayed).
	 */
	bool has_chal;
	uint8_t chal[MSCHAP_CHALLENGE_LEN];
	/* STATS: the parent's pools, and its throttle (on the wire for STATS alone) */
	struct priv_pool_stats pools;
	struct priv_auth_stats auth;
	struct priv_tun_stats tun;
	struct priv_acct_stats acct;
	/* IPSEC_REPORT only (on the wire for that type alone) */
	struct priv_ipsec_report ipsec;
	/* TUNNEL_ADD: the tunnel's handle, its name in every later request; ACCT_KEEP: the record's */
	uint32_t handle;
	/* SA_NEXT only: an SA (mark 0: none left) and the cursor of the next (0: the end) */
	struct priv_ev_sa sa;
	uint32_t cursor;
	/* SEND only, never on the wire (SEND is not answered): the mark to send with */
	uint32_t send_mark;
	/* RADIUS_VERIFY and DAE_VERIFY only: why not (enum radius_err) */
	uint8_t radius_err;
	/* COUNTERS only: the module's counters of the session */
	struct priv_counters counters;
	/*
	 * FROUTE_ADD and FROUTE_DEL: addr is the route's gateway (the session's
	 * IPv4 address, or its /64 with its interface identifier); FROUTE_ADD refused with PRIV_R_FROUTE: why (froute.h's
	 * enum froute_why), else 0
	 */
	uint8_t froute_why;
	/*
	 * RADIUS_SIGN and DAE_SIGN only: the signed packet. Last, so that a reply
	 * of another request is used (cleared, copied, wiped) up to here only:
	 * priv_reply_used().
	 */
	struct priv_radius_pkt radius;
};

struct priv_ev_socket {
	uint32_t sock_id;
	uint8_t kind;			/* 0: L2TP UDP socket, 1: TUN device */
	uint8_t family;			/* 4 or 6 for a socket */
};


struct priv_msg {
	uint8_t type;			/* enum priv_type */
	uint32_t seq;
	union {
		struct priv_tunnel_add tunnel_add;
		struct priv_ids ids;
		struct priv_session_add session_add;
		struct priv_auth_mschapv2 mschapv2;
		struct priv_auth_md5 md5;
		struct priv_auth_pap pap;
		struct priv_addr_req addr;
		struct priv_session_up up;
		struct priv_mark_query mark_query;
		struct priv_sa_next sa_next;
		struct priv_send send;
		struct priv_radius_sign rsign;
		struct priv_radius_verify rverify;
		struct priv_acct_keep acct_keep;
		struct priv_dae dae;		/* DAE_VERIFY, DAE_SIGN */
		struct priv_reply reply;
		struct priv_ev_socket socket;
		struct priv_ev_sa sa;
	};
};

/*
 * The octets of *m that its type uses, from its start: the header's fields and
 * its type's member of the union; a reply's RADIUS packet only when it answers
 * RADIUS_SIGN or DAE_SIGN (priv_reply_used). The others are never read. A
 * struct priv_msg is as large as a RADIUS packet (4 KiB), and clearing, copying
 * and wiping all of it several times a message was a third of a setup's
 * instructions under privsep (docs/PERFORMANCE.md): what holds one is cleared
 * with priv_msg_init and wiped with priv_msg_wipe, which go by this. An
 * unknown type: the whole struct.
 */
size_t priv_msg_used(const struct priv_msg *m);
/* The same of a reply, by its request's type (req_type). */
size_t priv_reply_used(const struct priv_reply *r);
/* *m cleared for a message of type, and type set. */
void priv_msg_init(struct priv_msg *m, uint8_t type);
/* sa's address into *out, its port (host order) into *port: 0; -1 (*out zero) for no IP family. */
int priv_addr_from(const union sa46 *sa, struct priv_addr *out, uint16_t *port);
/* The reverse: *out AF_UNSPEC (all zero) for a family other than 4 or 6. */
void priv_addr_sa46(const struct priv_addr *a, uint16_t port, union sa46 *out);
/* *r cleared for the reply to a request of req_type, and req_type set. */
void priv_reply_init(struct priv_reply *r, uint8_t req_type);
/* explicit_bzero of what *m's or *r's type uses (a PAP password, a user name). */
void priv_msg_wipe(struct priv_msg *m);
void priv_reply_wipe(struct priv_reply *r);

/*
 * Encode m into buf (cap octets). Returns the length, or -1 when m does not
 * fit or holds what the decoder would refuse (a string over its maximum, a
 * bad family, an unknown type), so that nothing is sent that the other side
 * must refuse.
 */
int priv_msg_encode(const struct priv_msg *m, uint8_t *buf, size_t cap);

/*
 * Decode one datagram of len octets into *m (what its type uses zeroed first,
 * priv_msg_used; the rest of *m is not touched). Returns PRIV_OK or one of the
 * decoder's reasons; *m is unspecified then (but safe to wipe with
 * priv_msg_wipe).
 */
enum priv_reason priv_msg_decode(const uint8_t *buf, size_t len, struct priv_msg *m);

/*
 * Whether buf (len octets) is a well-formed PRIV_BATCH: its header, and
 * elements that tile the rest exactly, each at least a header long, records
 * alone but for the last, which may be a request other than SEND; PRIV_OK or
 * the decoder's reason. What each element says is its own decoder's business.
 */
enum priv_reason priv_batch_check(const uint8_t *buf, size_t len);

bool priv_type_is_request(unsigned int type);
const char *priv_type_name(unsigned int type);
const char *priv_reason_name(unsigned int reason);

#endif
