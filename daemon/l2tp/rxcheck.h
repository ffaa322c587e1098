/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd's own IPsec check of every datagram its L2TP sockets deliver, on
 * both data paths and whatever l2sec.ko did (the module may be gone, or a
 * socket detached from it). A datagram is protected only when
 *  - the kernel told where it came from (IP_PKTINFO) and its mark
 *    (SO_RCVMARK), in full;
 *  - it did not come from the gateway itself: not through the loopback
 *    device (local traffic skips xfrm's input policy check, and a local
 *    process with CAP_NET_ADMIN can set any mark and any source address),
 *    not from a loopback address, not from the address it was sent to;
 *  - its mark is that of an IPsec SA whose peer is the datagram's source
 *    (sa_ok: l2secd's SA table when it manages charon, else the kernel's
 *    inbound ESP transport SAs, xfrm_marks.h).
 * With require-ipsec, what is not protected is dropped and counted by
 * reason; without it, a datagram whose mark fails the check is taken as
 * plaintext (its mark cleared: it cannot claim a tunnel bound to an SA).
 * After l2sec.ko went away on the kernel data path, everything is dropped.
 * Pure functions plus counters: no I/O, single-threaded.
 */
#ifndef L2SECD_RXCHECK_H
#define L2SECD_RXCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "l2tp/l2tp_lns.h"

/* What the control messages of one recvmsg() said besides the peer. */
struct rxcheck_meta {
	bool have_mark;		/* SO_RCVMARK's cmsg (sent with every datagram) */
	bool have_pktinfo;	/* IP_PKTINFO / IPV6_PKTINFO */
	bool truncated;		/* MSG_CTRUNC: something did not fit */
	int ifindex;		/* the device it arrived on */
};

enum rxcheck_verdict {
	RXCHECK_OK,
	RXCHECK_NO_MODULE,	/* the kernel data path's module or socket is gone */
	RXCHECK_NO_CMSG,	/* mark or arrival unknown: cannot be judged */
	RXCHECK_LOCAL,		/* from the gateway itself */
	RXCHECK_PLAINTEXT,	/* no mark: not decrypted by any SA */
	RXCHECK_UNKNOWN_SA,	/* a mark of no SA with this peer */
	RXCHECK_FAMILY,		/* its source is neither IPv4 nor IPv6 (AF_UNSPEC) */
	RXCHECK_N_VERDICTS
};

/* Whether mark is the mark of an SA whose peer is src (its address only). */
typedef bool (*rxcheck_sa_fn)(void *ctx, uint32_t mark, const union sa46 *src);

struct rxcheck {
	bool require_ipsec;
	bool module_gone;		/* set by the owner once l2sec.ko is lost */
	int lo_ifindex;			/* the loopback device's index */
	rxcheck_sa_fn sa_ok;
	void *sa_ctx;
	uint64_t drops[RXCHECK_N_VERDICTS];	/* [RXCHECK_OK] unused */
	uint64_t log_ms[RXCHECK_N_VERDICTS];	/* last log line per reason */
	uint64_t log_quiet[RXCHECK_N_VERDICTS];	/* drops since it */
};

void rxcheck_init(struct rxcheck *c, bool require_ipsec, int lo_ifindex, rxcheck_sa_fn sa_ok,
		  void *sa_ctx);

/*
 * The control messages of mh (as recvmsg() returned it) into peer->mark,
 * peer->local and *m. Malformed or short ones are ignored (counted as absent).
 */
void rxcheck_parse(const struct msghdr *mh, struct l2tp_peer *peer, struct rxcheck_meta *m);

/*
 * The verdict on one datagram from peer (parsed as above); counts and logs
 * (once per reason every few seconds) what it drops. May clear peer->mark
 * (require-ipsec off, mark not an SA's).
 */
enum rxcheck_verdict rxcheck_datagram(struct rxcheck *c, struct l2tp_peer *peer,
				      const struct rxcheck_meta *m, uint64_t now_ms);

/* The counter name of a drop reason ("local", ...), for show stats. */
const char *rxcheck_reason_name(enum rxcheck_verdict v);

#endif
