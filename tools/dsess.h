/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd's session records ("show sessions", daemon/ctl.h), checked once
 * here before anything prints them, joined with the kernel's sessions by
 * tunnel and session id (tunnel ids are unique per peer only: among records
 * sharing a session's ids, the one with its address, never a guess), and
 * printed: as the daemon's facts added to a kernel session, or as a session of
 * its own when the module is not loaded (the daemon then carries the data over
 * tun).
 */
#ifndef L2SEC_DSESS_H
#define L2SEC_DSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "obj.h"

/* The daemon's integer members of a session, by index into dsess.u. */
enum {
	DSESS_PEER_TUNNEL_ID,
	DSESS_PEER_SESSION_ID,
	DSESS_CALL_SERIAL,
	DSESS_TX_SPEED,
	DSESS_UPTIME_MS,
	DSESS_PPP_RX,
	DSESS_PPP_TX,
	DSESS_MARK,		/* the tunnel's SA mark, when bound */
	DSESS_RX_PACKETS,	/* its data through the data path: from the client */
	DSESS_RX_BYTES,
	DSESS_TX_PACKETS,	/* ... to the client */
	DSESS_TX_BYTES,
	DSESS_HANDLE,		/* the module's handle of its tunnel (del, when ids are shared) */
	DSESS_PEER_PORT,	/* its tunnel's peer: the client's UDP port */
	DSESS_U_N,
};

/* Its string members, by index into dsess.s. */
enum {
	DSESS_STATE,
	DSESS_DATAPATH,
	DSESS_USER,
	DSESS_PPP_PHASE,
	DSESS_IPV4,
	DSESS_IPV6_PREFIX,
	DSESS_AUTH,		/* mschapv2, chap-md5 or pap, once authenticated */
	DSESS_CLASS,		/* the RADIUS server's Class */
	DSESS_ACCT_ID,		/* RADIUS accounting's Acct-Session-Id */
	DSESS_ACCT_STATE,	/* and the state of its records */
	DSESS_POOL,		/* the named pool of its IPv4 address ([ppp] named-pools) */
	DSESS_FRAMED_ROUTES,	/* "NET/PLEN,...": routed behind it (Framed-(IPv6-)Route) */
	DSESS_PEER,		/* its tunnel's peer: the client's address as l2secd sees it */
	DSESS_S_N,
};

/* The integer members of the tunnel's SA ("sa"), by index into dsess_sa.u. */
enum {
	DSESS_SA_MARK,
	DSESS_SA_REQID,
	DSESS_SA_SPI_IN,	/* sent as hex strings ("c1d2e3f4") */
	DSESS_SA_SPI_OUT,
	DSESS_SA_N,
};

/* The SA of the session's tunnel, as l2secd's SA table (from charon) has it. */
struct dsess_sa {
	uint32_t has;		/* bit (1 << DSESS_SA_x) per member present */
	uint32_t u[DSESS_SA_N];
	int encap;		/* UDP-encapsulated (NAT-T): -1 absent, else 0 or 1 */
	const char *remote;	/* the client's outer address[:port]; NULL: absent */
	const char *remote_id;	/* its IKE identity; NULL: absent */
};

struct dsess {
	uint32_t tunnel_id, session_id;	/* 1..65535 */
	uint32_t has;		/* bit (1 << DSESS_x) per integer member present */
	uint64_t u[DSESS_U_N];
	const char *s[DSESS_S_N];	/* NULL: absent; owned by the reply */
	int in_kernel;		/* -1 absent, else 0 or 1 */
	int require_ipsec;	/* the tunnel's: -1 absent, else 0 or 1 */
	bool has_sa;
	struct dsess_sa sa;
};

/* A PPP user name: a PAP/CHAP name has a one-octet length (l2secd's USERS_NAME_MAX). */
#define DSESS_USER_MAX 255

/* An address of a selector, or of the daemon's record it is compared with. */
struct dsess_addr {
	int family;		/* 0 (none), AF_INET or AF_INET6 (a v4-mapped one is AF_INET) */
	uint8_t a[16];
	unsigned int port;	/* 0: none given */
};

/*
 * `session show` and `session del` selectors; each one set must match (AND).
 * user and peer need l2secd's record of the session, address does not.
 */
struct dsess_sel {
	const char *user;	/* NULL: any; else the PPP user name, exactly */
	struct dsess_addr addr;	/* the session's IPv4, or an IPv6 address in its prefix */
	struct dsess_addr peer;	/* the client's outer address, and port if given */
};

struct dsess_list {
	struct dsess *v;	/* sorted by tunnel id, then session id */
	size_t n, cap;
	struct json_object *reply;	/* holds the strings; put by dsess_list_free */
	bool own;		/* dsess_list_add's: the strings are copies, freed with it */
	unsigned int bad;	/* dsess_list_add's: malformed members and records */
	/*
	 * The records of the sessions a filter other than the tunnel's chose
	 * (lib/ctl_proto.h), not every one: other clients' tunnels of the same
	 * ids may be among those left out (dsess_join).
	 */
	bool filtered;
};

/*
 * Takes REPLY (the answer to "show sessions") into L, which owns it from
 * then on, whatever the result (dsess_list_free puts it).  A record without
 * valid ids is skipped, a member of the wrong type or form is dropped; each
 * with a line saying so (the first few), counted in *BAD.  0; -EBADMSG
 * (said so) when there is no "sessions" array; -ENOMEM.
 */
int dsess_parse(struct json_object *reply, struct dsess_list *l, unsigned int *bad);
void dsess_list_free(struct dsess_list *l);
/*
 * The same a record at a time (`show sessions lines`, ctlc_request_lines):
 * L starts zeroed; dsess_list_add takes O (and puts it), a record with
 * copies of its strings, or skips it as dsess_parse does, counted in
 * L->bad: 0, or -ENOMEM. dsess_list_done sorts L once all are in.
 */
int dsess_list_add(struct json_object *o, void *l);
void dsess_list_done(struct dsess_list *l);

/* The record of tunnel TID, session SID in L, or NULL. */
const struct dsess *dsess_find(const struct dsess_list *l, uint32_t tid, uint32_t sid);

/*
 * For each of the N kernel sessions K: MATCH[i] is the daemon's record of
 * the same tunnel and session id when it is the only one with them (several
 * are other clients' tunnels of the same ids: no guess) and L is not
 * filtered, else the one of them with K's address, or NULL.  Returns how
 * many matched.
 */
size_t dsess_join(const struct obj *k, size_t n, const struct dsess_list *l,
		  const struct dsess **match);
/*
 * Could kernel session K, which dsess_join left without a record of the
 * filtered list L, have one among the records L's filter left out?  True when
 * a record of L carries K's ids but the address cannot tell whether it is
 * K's (K or the record has none): the join with every record might differ.
 */
bool dsess_join_unsure(const struct obj *k, const struct dsess_list *l);

/*
 * The argument of "address": an IPv4 address, an IPv6 address, or an IPv6
 * /64 ("2001:db8:1::/64", the prefix a session is given).  The argument of
 * "peer", and the daemon's "remote" and "peer": an address with or without a
 * port ("203.0.113.7", "203.0.113.7:4500", "2001:db8::7", "[2001:db8::7]:4500").
 * 0, or -1 when S is not one (with inet_pton: nothing else is accepted).
 */
int dsess_parse_addr(const char *s, struct dsess_addr *out);
int dsess_parse_peer(const char *s, struct dsess_addr *out);

/* Does SEL select anything that only l2secd's record has (user, peer)? */
bool dsess_sel_needs_daemon(const struct dsess_sel *sel);
/* Is SEL empty (selects every session)? */
bool dsess_sel_empty(const struct dsess_sel *sel);

/*
 * Does the session the kernel's record K and the daemon's D (either may be
 * NULL) describe match every selector of SEL?  address: K's IPv4 or one of
 * its IPv6 prefixes, or D's ipv4 or ipv6_prefix, holds it; user: D's user
 * is it, octet for octet; peer: D's tunnel peer or its SA's remote is that
 * address (and port, when the selector has one).
 */
bool dsess_sel_match(const struct dsess_sel *sel, const struct obj *k, const struct dsess *d);
/* Does the kernel's record K alone hold SEL's address (false when SEL has none)? */
bool dsess_sel_kernel_addr(const struct dsess_sel *sel, const struct obj *k);

/*
 * The daemon's facts about a kernel session, after session_print_fields():
 * "user", "auth", "datapath", "ppp_phase", "require_ipsec", "mark", "sa" in
 * JSON; as text " user NAME auth M datapath X" and its IPsec (see below).
 *
 * IPsec as text: the SA when l2secd knows it, " sa spi-in 0xc1d2e3f4
 * spi-out 0xc5d6e7f8 mark 0x2 reqid 7 encap udp remote 203.0.113.7:4500"
 * ("encap esp" without NAT-T); else the tunnel's SA mark, " sa mark 0x2";
 * else " ipsec none" for a plaintext tunnel (require-ipsec off) or
 * " ipsec required" (the module binds it to the SA of its first packet:
 * `l2sec tunnel show` has it).
 */
void dsess_print_extra(const struct dsess *d);
/*
 * A session as the daemon tells it (no kernel record): one object with the
 * daemon's keys; text: "session 7 tunnel 4711 peer-session 3 peer-tunnel 12
 * state established ppp network user NAME auth M ipv4 A ipv6 P/64 datapath
 * tun" and its IPsec as above, and with STATS a line of PPP frame counters
 * and the uptime.
 */
void dsess_print(const struct dsess *d, int stats);

#endif
