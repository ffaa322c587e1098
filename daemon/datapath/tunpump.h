/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TUN data path's packet switch (datapath.h's tun implementation owns
 * it, in a single l2secd and in the privsep parent alike): what l2sec.ko is
 * on the kernel path, in userspace. It is programmed as the module is (under
 * privsep with what the parent's checker accepted: tunnels, sessions, a
 * session's addresses); its owner reads the L2TP sockets and the TUN device
 * and asks it what to do with each datagram and packet:
 *   - tunpump_rx: a datagram from a client: its IP packet for the TUN device,
 *     a message for l2secd's engine (control, an unknown session, a non-IP
 *     PPP frame, a Router Solicitation), or a drop, counted by reason. It parses what l2sec.ko parses,
 *     in its order (kernel/recv.c): the L2TP header (l2tp_hdr_parse), the
 *     tunnel by ID and origin on that socket, the PPP protocol field
 *     (ppp_frame_proto), the inner IPv4/IPv6 header's source; nothing more.
 *   - tunpump_tx: a packet from the TUN device, framed in place for the
 *     session holding its destination, with where to send it (socket, peer,
 *     mark), as kernel/xmit.c frames it.
 * No I/O, no allocation after tunpump_new (tables sized from the limits);
 * not thread-safe: its owner's event loop owns it.
 */
#ifndef L2SECD_TUNPUMP_H
#define L2SECD_TUNPUMP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "datapath/kern.h"

struct tunpump;

/* Octets tunpump_tx writes before a packet: L2TP data header (6), PPP (4). */
#define TUNPUMP_HEADROOM	10

enum tunpump_drop {
	TUNPUMP_DROP_MALFORMED,		/* L2TP or PPP header, inner IP header */
	TUNPUMP_DROP_WRONG_PEER,	/* the tunnel's ID from another address or port */
	TUNPUMP_DROP_NOT_UP,		/* IP of a session without addresses yet */
	TUNPUMP_DROP_SPOOF,		/* a source that is not the session's */
	TUNPUMP_DROP_NO_SESSION,	/* tx: no session holds the destination */
	TUNPUMP_DROP_MAX
};

struct tunpump_stats {
	uint64_t rx_packets, rx_bytes;		/* delivered to the TUN device */
	uint64_t to_engine;			/* handed to the engine */
	uint64_t tx_packets, tx_bytes;		/* framed for a client */
	uint64_t drop[TUNPUMP_DROP_MAX];
};

/* Tables for max_tunnels and max_sessions (at least 1 each); NULL: out of memory. */
struct tunpump *tunpump_new(unsigned int max_tunnels, unsigned int max_sessions);
void tunpump_free(struct tunpump *tp);

/*
 * Programming, as kern_* programs l2sec.ko: 0, or -1 with errno (EEXIST: that
 * ID for that origin or session, ENOSPC: the table is full, ENOENT: no such
 * tunnel or session, EINVAL). A tunnel is keyed by its socket, its ID and its
 * origin: the mark for a require-ipsec tunnel with one, else the peer's
 * address and port; *handle names it in later calls (never 0).
 */
int tunpump_tunnel_add(struct tunpump *tp, const struct kern_tunnel *t, uint32_t *handle);
void tunpump_tunnel_del(struct tunpump *tp, struct kern_tref tr);
/*
 * With no tunnel (session) left, the pages of its tunnels' (sessions') slots
 * back to the kernel (core/memtrim.h), and slots taken from the first again.
 */
void tunpump_release(struct tunpump *tp);
int tunpump_session_add(struct tunpump *tp, struct kern_tref tr, uint16_t sid, uint16_t peer_sid);
void tunpump_session_del(struct tunpump *tp, struct kern_tref tr, uint16_t sid);
/* Up with these addresses (NULL: none; the whole set is replaced), as kern_session_up. */
int tunpump_session_up(struct tunpump *tp, struct kern_tref tr, uint16_t sid,
		       const struct in_addr *ipv4, const struct in6_addr *pfx64,
		       const uint64_t *ifid);
int tunpump_session_stats(const struct tunpump *tp, struct kern_tref tr, uint16_t sid,
			  struct kern_session_stats *st);

/* Where a datagram came from: the socket (its id), the peer, the SA's mark (0: none). */
struct tunpump_from {
	uint32_t sock_id;
	const union sa46 *peer;
	uint32_t mark;
};

enum tunpump_verdict {
	TUNPUMP_DROP,		/* counted */
	TUNPUMP_DELIVER,	/* *off, *len: the IP packet in the datagram, for the device */
	TUNPUMP_ENGINE,		/* the datagram as it is, for the engine */
};
enum tunpump_verdict tunpump_rx(struct tunpump *tp, const struct tunpump_from *from,
				const uint8_t *dg, size_t n, size_t *off, size_t *len);

/* Where a framed packet goes. */
struct tunpump_to {
	uint32_t sock_id;
	union sa46 peer;
	union sa46 local;		/* our address (the tunnel's); AF_UNSPEC: the socket's */
	uint32_t mark;
};
/*
 * An IPv4 or IPv6 packet of len octets at buf + TUNPUMP_HEADROOM: framed in
 * buf (the datagram is buf, len + TUNPUMP_HEADROOM octets) for the session
 * holding its destination, and *to filled; -1 when none does (counted).
 */
int tunpump_tx(struct tunpump *tp, uint8_t *buf, size_t len, struct tunpump_to *to);

/*
 * The answer to a packet from the TUN device that no session takes (the
 * module's l2sec_xmit_unreach): ICMP host unreachable (RFC 792), or ICMPv6
 * address unreachable (RFC 4443), written into out (cap octets, at least
 * TUNPUMP_UNREACH_MAX) for the device; its length, or 0 when none is due
 * (an ICMP error itself, a fragment after the first, a source or
 * destination that is multicast, broadcast or unspecified, a malformed
 * header). Its source is the unreachable address (a local one would be a
 * martian to the stack reading it from the device); it quotes what RFC 792
 * (the header and 8 octets) and RFC 4443 (up to 1280 octets in all) say.
 * Pacing is the caller's.
 */
#define TUNPUMP_UNREACH_MAX	1280
size_t tunpump_unreach(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/* sa's address (16 octets, IPv4 in the first 4) and port: 4, 6, or 0 for neither family. */
uint8_t tunpump_addr(const union sa46 *sa, uint8_t addr[16], uint16_t *port);

const struct tunpump_stats *tunpump_stats(const struct tunpump *tp);
const char *tunpump_drop_name(enum tunpump_drop why);

#endif
