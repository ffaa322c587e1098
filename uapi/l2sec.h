/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * l2sec: generic netlink contract between l2sec.ko and userspace (l2secd, l2sec).
 *
 * This is the only header shared by the kernel module and userspace.  Family
 * L2SEC_GENL_NAME ("l2sec"), version L2SEC_GENL_VERSION (1).  The module is
 * loaded on demand by family name (alias net-pf-16-proto-16-family-l2sec).
 *
 * General rules
 * - Every object lives in the network namespace of the netlink socket that
 *   created it; requests only see their own namespace.
 * - Every command, GET and dumps included, needs CAP_NET_ADMIN in the user
 *   namespace owning the network namespace (GENL_UNS_ADMIN_PERM): replies
 *   name clients' addresses, SAs and counters.  Joining a multicast group
 *   (L2SEC_MCGRP_EVENTS, L2SEC_MCGRP_SOCK) needs the same
 *   (GENL_MCAST_CAP_NET_ADMIN; kernels older than 6.7 without its
 *   backport, 6.1.70, cannot enforce this).
 *   Otherwise -EPERM.
 * - Every command has its own strict policy: an attribute not listed for a
 *   command is rejected (-EINVAL with an extack message naming it).
 * - Integers are in host byte order unless the name says _BE.  Addresses are
 *   binary network order: IPv4 4 bytes, IPv6 16 bytes.
 * - Dumps set NLM_F_DUMP_INTR on a message when the object tables changed
 *   while the dump was in progress (a per-namespace generation counter is
 *   bumped on every change); userspace should then repeat the dump.
 * - Notifications are sent on the multicast group L2SEC_MCGRP_EVENTS with
 *   their own command ids (L2SEC_CMD_*_NTF_*); their attribute trees equal the
 *   GET reply of the object unless stated otherwise.
 * - Groups: L2SEC_MCGRP_EVENTS ("events") carries every notification, and
 *   always will.  Every other group carries a subset of it, for a listener
 *   that needs that subset only (a notification nobody listens for is not
 *   even built): L2SEC_MCGRP_SOCK ("sock") carries SOCK_NTF_DEL alone.
 *   Groups are added, never renumbered or renamed; find them by name
 *   (CTRL_ATTR_MCAST_GROUPS), and fall back to "events" if a group is
 *   missing (an older module).
 * - A notification the module could not build (no memory) is reported to
 *   its group's listeners as ENOBUFS on their socket, as lost notifications
 *   are when a receive buffer overran: ask the module again (GET, dumps).
 *
 * Objects
 *   socket   the daemon's bound UDP socket (IPv4 or IPv6), handed over by fd.
 *            The module holds a reference on the socket, not on the file: when
 *            the daemon closes it, all its tunnels and sessions are deleted
 *            (TUNNEL_NTF_DEL / SESSION_NTF_DEL / SOCK_NTF_DEL are sent).
 *            Identified by a module-assigned L2SEC_A_SOCK_ID.
 *   tunnel   L2TPv2 tunnel, attached to one socket.  Named by its handle,
 *            L2SEC_A_TUNNEL_HANDLE (u32, assigned by the module at
 *            TUNNEL_NEW, never 0, not reused at once).  Its local tunnel id
 *            needs to be unique only per origin: per SA for a tunnel bound
 *            to one (require-IPsec with A_BIND_MARK: the SA's set-mark), per
 *            peer address and port otherwise.  Receive finds a tunnel by the
 *            packet's tunnel id and its SA's set-mark, else by the id and the
 *            packet's outer source (address and port).
 *            Every command that names a tunnel takes A_TUNNEL_HANDLE, or
 *            A_TUNNEL_ID alone while that id is unique in the namespace: once
 *            two tunnels hold it, the id alone is refused with -EINVAL
 *            ("tunnel id is ambiguous: give its handle").  Given both, they
 *            must name the same tunnel (else -ENOENT).
 *   session  L2TPv2 session, identified by (tunnel, local session id);
 *            carries the client's IPv4 /32 and IPv6 prefixes.  Receive
 *            looks it up by (tunnel, session id), transmit by inner
 *            destination address.
 *   device   one multipoint net_device of type "l2sec" per namespace
 *            (`ip link add l2sec0 type l2sec`); decapsulated packets of every
 *            session are delivered on it, and packets routed to it are sent
 *            to the session owning the destination address.
 *
 * Attribute trees (A = L2SEC_A_ prefix; [req] required, [opt] optional,
 * [reply] only in replies/notifications)
 *
 * L2SEC_CMD_SOCK_ADD  (admin) request:
 *     A_SOCK_FD          u32 [req]  fd of a bound UDP socket in the caller's
 *                                   process and in this namespace
 *     A_REQUIRE_IPSEC    u8  [opt]  1 (default): every L2TP packet on this
 *                                   socket must have arrived through an ESP
 *                                   transport-mode SA, else it is dropped
 *                                   (counted NO_IPSEC).  The module then also
 *                                   installs a per-socket input policy bypass
 *                                   (IP(V6)_XFRM_POLICY allow), because its own
 *                                   check replaces the policy check.
 *   reply: the SOCK_GET reply of the new socket.
 * L2SEC_CMD_SOCK_DEL  (admin) request: A_SOCK_ID [req].  Deletes the socket's
 *   tunnels and sessions and gives the socket back to plain UDP.
 * L2SEC_CMD_SOCK_GET  request: A_SOCK_ID [req]; dump: no attributes.
 *   reply: A_SOCK_ID u32, A_FAMILY u16 (AF_INET/AF_INET6), A_LOCAL_ADDR4 or
 *          A_LOCAL_ADDR6, A_LOCAL_PORT u16, A_REQUIRE_IPSEC u8,
 *          A_TUNNEL_COUNT u32
 *
 * L2SEC_CMD_TUNNEL_NEW (admin) request:
 *     A_TUNNEL_ID        u16 [req]  local tunnel id, 1..65535; -EEXIST if
 *                                   a tunnel of the same origin holds it
 *                                   (same bind mark on a require-IPsec
 *                                   tunnel, else same peer address and port)
 *     A_PEER_TUNNEL_ID   u16 [req]  peer's tunnel id, 1..65535
 *     A_SOCK_ID          u32 [req]
 *     A_PEER_ADDR4 | A_PEER_ADDR6  [req, exactly one]
 *     A_PEER_PORT        u16 [req]
 *     A_LOCAL_ADDR4 | A_LOCAL_ADDR6 [opt] source address for transmit
 *                                   (default: the socket's bound address,
 *                                   else chosen by the route)
 *     A_REQUIRE_IPSEC    u8  [opt]  default: the socket's setting; may only
 *                                   be 1 if the socket's is 1 or be 0 (a
 *                                   socket that requires IPsec cannot carry a
 *                                   tunnel without it)
 *     A_BIND_MARK        u32 [opt]  bind the tunnel to the SA whose set-mark
 *                                   (output mark) is this value, 1..2^32-1
 *                                   (charon mark_in=%unique,
 *                                   set_mark_in=%same).  See "SA binding".
 *     A_BIND_REQID       u32 [opt]  with A_BIND_MARK only: the SA's reqid,
 *                                   1..2^32-1 (else learned from the first
 *                                   packet through an SA with that mark)
 *     A_OUT_MARK         u32 [opt]  mark for the transmit route and xfrm
 *                                   lookup (charon mark_out=%unique); 0 none
 *   reply: the TUNNEL_GET reply, with the new tunnel's A_TUNNEL_HANDLE.
 *   -E2BIG when the namespace's tunnel table is full (131,072 tunnels).
 * L2SEC_CMD_TUNNEL_SET (admin) request: A_TUNNEL_HANDLE or A_TUNNEL_ID
 *   [req] (the tunnel; see "tunnel" above); any of
 *   A_PEER_TUNNEL_ID, A_PEER_ADDR4|6 + A_PEER_PORT, A_LOCAL_ADDR4|6,
 *   A_OUT_MARK, A_BIND_MARK [+ A_BIND_REQID] (a new binding: what is not
 *   given is learned again), A_UNBIND u8 = 1 (forget the binding; the next
 *   packet through an SA with a set-mark binds again).  A change of the
 *   bind mark or of the peer moves the tunnel to its new origin (-EEXIST
 *   if a tunnel there holds its id; the tunnel is then unchanged).
 * L2SEC_CMD_TUNNEL_DEL (admin) request: A_TUNNEL_HANDLE or A_TUNNEL_ID
 *   [req]; deletes its sessions first.
 * L2SEC_CMD_TUNNEL_GET request: A_TUNNEL_HANDLE or A_TUNNEL_ID [req]; dump:
 *   A_SOCK_ID [opt] filter.  Dumps go in handle order and resume from a
 *   handle: no tunnel twice, none missed that lived throughout.
 *   reply: A_TUNNEL_HANDLE, A_TUNNEL_ID, A_PEER_TUNNEL_ID, A_SOCK_ID, A_PEER_ADDR4|6,
 *          A_PEER_PORT, A_LOCAL_ADDR4|6 (if set), A_REQUIRE_IPSEC,
 *          A_OUT_MARK, A_BOUND u8 (1 if bound to a mark), A_BIND_MARK
 *          (if bound), A_BIND_REQID and A_BIND_PEER4|6 (once known),
 *          A_SA nest (the SA of the tunnel's latest packet, which
 *          follows rekeys and NAT port changes; absent until a packet
 *          came through one; see L2SEC_SA_A_*),
 *          A_SESSION_COUNT u32, A_STATS nest (L2SEC_STATS_A_*)
 * L2SEC_CMD_TUNNEL_NTF_BOUND: sent when the first packet through an SA
 *   completes a tunnel's binding: A_TUNNEL_HANDLE, A_TUNNEL_ID, A_SOCK_ID,
 *   A_BIND_MARK,
 *   A_BIND_REQID, A_BIND_PEER4|6, A_SA nest.
 *
 * SA binding (require-IPsec tunnels).  A tunnel is bound to the SA that
 * decrypted its packets by what the xfrm_state in the packet's sec_path says
 * of itself, never by skb->mark: a netfilter rule after decryption may
 * rewrite the mark, and an SA without a set-mark leaves it as it was.  The
 * binding is (set-mark value, reqid, peer address): mark and reqid survive a
 * CHILD_SA rekey while the SPI changes, so the tunnel follows a rekey
 * without being told; a restarted charon hands out %unique marks (and
 * reqids) from 1 again to other clients, whose reqid or address then differ.
 * The daemon gives the mark, and the reqid if it knows it; the first packet
 * through an SA with that mark completes the binding (TUNNEL_NTF_BOUND).
 * A tunnel created without a mark is bound wholly by its first packet
 * through an SA with a set-mark.  A packet through an SA without a set-mark
 * (or set-mark value 0) is dropped on every require-IPsec tunnel
 * (SA_NO_MARK), one through an SA that differs in mark, reqid or peer from
 * the binding as WRONG_SA.  The set-mark value is the SA's own (value & mask
 * of XFRMA_SET_MARK), whatever the packet's mark was.
 *
 * L2SEC_CMD_SESSION_NEW (admin) request:
 *     A_TUNNEL_HANDLE | A_TUNNEL_ID [req] the tunnel (see "tunnel" above)
 *     A_SESSION_ID       u16 [req]  local session id, 1..65535
 *     A_PEER_SESSION_ID  u16 [req]  1..65535
 *     A_STATE            u8  [opt]  L2SEC_STATE_DOWN (default) / _UP
 *     A_IPV4             4 bytes [opt]  the client's address (/32)
 *     A_IPV6_PREFIX      nest [opt, up to L2SEC_MAX_IPV6_PREFIXES times]
 *         L2SEC_PFX_A_ADDR  16 bytes [req]
 *         L2SEC_PFX_A_LEN   u8 [req], 64 or 128
 *     A_IPV6_IFID        8 bytes [opt]  the interface identifier IPv6CP gave
 *                        the client: its only link-local source is then
 *                        fe80::IFID (without it, any link-local source)
 *   An address may belong to one session only in a namespace (-EADDRINUSE).
 *   Prefixes of different sessions may nest (a /128 inside another session's
 *   /64): transmit takes the longest match, and an IPv6 source is accepted
 *   only from the session that longest match names.
 * L2SEC_CMD_SESSION_SET (admin) request: the tunnel (A_TUNNEL_HANDLE or
 *   A_TUNNEL_ID), A_SESSION_ID [req];
 *   any of A_PEER_SESSION_ID, A_STATE, A_IPV4, A_IPV6_PREFIX, A_IPV6_IFID
 *   (the given address set replaces the whole previous set), A_CLEAR_ADDRS u8 = 1
 *   (remove all addresses).
 * L2SEC_CMD_SESSION_DEL (admin) request: the tunnel, A_SESSION_ID [req].
 * L2SEC_CMD_SESSION_GET request: the tunnel, A_SESSION_ID [req];
 *   dump: the tunnel [opt] filter (A_TUNNEL_HANDLE or A_TUNNEL_ID), and
 *   A_IPV4 or A_IPV6_ADDR [opt]: only the sessions that hold that address
 *   (IPv4 its A_IPV4; IPv6 the session whose /128 it is and the one whose
 *   /64 holds it), found in the address tables, not by a walk.  A module
 *   older than the address filter answers -EINVAL to it.
 *   reply: A_TUNNEL_HANDLE, A_TUNNEL_ID, A_SESSION_ID, A_PEER_TUNNEL_ID, A_PEER_SESSION_ID,
 *          A_STATE, A_IPV4 (if set), A_IPV6_PREFIX (each), A_IPV6_IFID (if
 *          set), A_STATS nest
 *          (packets/bytes each way, L2SEC_STATS_A_RX_DROPS/TX_DROPS totals)
 *
 * L2SEC_CMD_STATS_GET request: no attributes.
 *   reply: A_IFINDEX u32 (if the namespace has an l2sec device),
 *          A_SOCK_COUNT, A_TUNNEL_COUNT, A_SESSION_COUNT u32,
 *          A_SESSION_BUCKETS u32 (the session table's size: it grows
 *          with the sessions, and shrinks after them),
 *          A_STATS nest: all packets of the namespace, including those that
 *          matched no tunnel, with L2SEC_STATS_A_DROPS per reason.
 *
 * Notifications (group "events"; SOCK_NTF_DEL in "sock" too): SOCK_NTF_DEL
 * (A_SOCK_ID), TUNNEL_NTF_NEW, TUNNEL_NTF_SET, TUNNEL_NTF_DEL
 * (A_TUNNEL_HANDLE, A_TUNNEL_ID, A_SOCK_ID), TUNNEL_NTF_BOUND, SESSION_NTF_NEW,
 * SESSION_NTF_SET, SESSION_NTF_DEL (A_TUNNEL_HANDLE, A_TUNNEL_ID, A_SESSION_ID).  NEW/SET carry the GET reply without A_STATS.
 */
#ifndef _UAPI_LINUX_L2SEC_H
#define _UAPI_LINUX_L2SEC_H

#include <linux/types.h>

#define L2SEC_GENL_NAME		"l2sec"
#define L2SEC_GENL_VERSION	1
#define L2SEC_MCGRP_EVENTS	"events"	/* every notification */
#define L2SEC_MCGRP_SOCK	"sock"		/* SOCK_NTF_DEL only */

/* Link kind for `ip link add NAME type l2sec`. */
#define L2SEC_LINK_KIND		"l2sec"

#define L2SEC_MAX_IPV6_PREFIXES	4

enum l2sec_cmd {
	L2SEC_CMD_UNSPEC,
	L2SEC_CMD_SOCK_ADD,
	L2SEC_CMD_SOCK_DEL,
	L2SEC_CMD_SOCK_GET,
	L2SEC_CMD_TUNNEL_NEW,
	L2SEC_CMD_TUNNEL_SET,
	L2SEC_CMD_TUNNEL_DEL,
	L2SEC_CMD_TUNNEL_GET,
	L2SEC_CMD_SESSION_NEW,
	L2SEC_CMD_SESSION_SET,
	L2SEC_CMD_SESSION_DEL,
	L2SEC_CMD_SESSION_GET,
	L2SEC_CMD_STATS_GET,
	/* notifications only */
	L2SEC_CMD_SOCK_NTF_DEL,
	L2SEC_CMD_TUNNEL_NTF_NEW,
	L2SEC_CMD_TUNNEL_NTF_SET,
	L2SEC_CMD_TUNNEL_NTF_DEL,
	L2SEC_CMD_TUNNEL_NTF_BOUND,
	L2SEC_CMD_SESSION_NTF_NEW,
	L2SEC_CMD_SESSION_NTF_SET,
	L2SEC_CMD_SESSION_NTF_DEL,

	__L2SEC_CMD_MAX
};
#define L2SEC_CMD_MAX (__L2SEC_CMD_MAX - 1)

enum l2sec_attr {
	L2SEC_A_UNSPEC,
	L2SEC_A_PAD,
	L2SEC_A_SOCK_FD,		/* u32 */
	L2SEC_A_SOCK_ID,		/* u32 */
	L2SEC_A_FAMILY,			/* u16: AF_INET, AF_INET6 */
	L2SEC_A_LOCAL_ADDR4,		/* binary, 4 bytes */
	L2SEC_A_LOCAL_ADDR6,		/* binary, 16 bytes */
	L2SEC_A_LOCAL_PORT,		/* u16 */
	L2SEC_A_REQUIRE_IPSEC,		/* u8: 0/1 */
	L2SEC_A_TUNNEL_ID,		/* u16 */
	L2SEC_A_PEER_TUNNEL_ID,		/* u16 */
	L2SEC_A_PEER_ADDR4,		/* binary, 4 bytes */
	L2SEC_A_PEER_ADDR6,		/* binary, 16 bytes */
	L2SEC_A_PEER_PORT,		/* u16 */
	L2SEC_A_BIND_MARK,		/* u32 */
	L2SEC_A_OUT_MARK,		/* u32 */
	L2SEC_A_BOUND,			/* u8: 0/1 */
	L2SEC_A_UNBIND,			/* u8: 1 */
	L2SEC_A_SA,			/* nest: L2SEC_SA_A_* */
	L2SEC_A_SESSION_ID,		/* u16 */
	L2SEC_A_PEER_SESSION_ID,	/* u16 */
	L2SEC_A_STATE,			/* u8: enum l2sec_state */
	L2SEC_A_IPV4,			/* binary, 4 bytes */
	L2SEC_A_IPV6_PREFIX,		/* nest: L2SEC_PFX_A_*, repeated */
	L2SEC_A_CLEAR_ADDRS,		/* u8: 1 */
	L2SEC_A_STATS,			/* nest: L2SEC_STATS_A_* */
	L2SEC_A_IFINDEX,		/* u32 */
	L2SEC_A_SOCK_COUNT,		/* u32 */
	L2SEC_A_TUNNEL_COUNT,		/* u32 */
	L2SEC_A_SESSION_COUNT,		/* u32 */
	L2SEC_A_IPV6_IFID,		/* binary, 8 bytes */
	L2SEC_A_BIND_REQID,		/* u32 */
	L2SEC_A_BIND_PEER4,		/* binary, 4 bytes */
	L2SEC_A_BIND_PEER6,		/* binary, 16 bytes */
	L2SEC_A_SESSION_BUCKETS,	/* u32 */
	L2SEC_A_TUNNEL_HANDLE,		/* u32: the module's name of a tunnel */
	L2SEC_A_IPV6_ADDR,		/* binary, 16 bytes: a session dump's filter */

	__L2SEC_A_MAX
};
#define L2SEC_A_MAX (__L2SEC_A_MAX - 1)

/* The SA that carried a tunnel's packets (as seen in the packet's sec_path). */
enum l2sec_sa_attr {
	L2SEC_SA_A_UNSPEC,
	L2SEC_SA_A_MARK,		/* u32: the SA's set-mark value (0: none) */
	L2SEC_SA_A_SPI,			/* u32, host order */
	L2SEC_SA_A_REQID,		/* u32 */
	L2SEC_SA_A_ENCAP_SPORT,		/* u16: NAT-T source port (0: no encap) */
	L2SEC_SA_A_ENCAP_DPORT,		/* u16: NAT-T destination port */
	L2SEC_SA_A_PEER4,		/* binary 4 bytes: the SA's source */
	L2SEC_SA_A_PEER6,		/* binary 16 bytes */

	__L2SEC_SA_A_MAX
};
#define L2SEC_SA_A_MAX (__L2SEC_SA_A_MAX - 1)

enum l2sec_pfx_attr {
	L2SEC_PFX_A_UNSPEC,
	L2SEC_PFX_A_ADDR,		/* binary, 16 bytes */
	L2SEC_PFX_A_LEN,		/* u8: 64 or 128 */

	__L2SEC_PFX_A_MAX
};
#define L2SEC_PFX_A_MAX (__L2SEC_PFX_A_MAX - 1)

enum l2sec_state {
	L2SEC_STATE_DOWN,
	L2SEC_STATE_UP,
};

/*
 * Why a packet was dropped.  In A_STATS, L2SEC_STATS_A_DROPS is a nest whose
 * attribute type is the reason + L2SEC_DROPS_A_OFFSET, value u64; type
 * L2SEC_DROPS_A_PAD is alignment padding (skip it).  Packets handed to the
 * daemon's socket are not drops: see L2SEC_STATS_A_TO_DAEMON.
 */
#define L2SEC_DROPS_A_PAD	1
#define L2SEC_DROPS_A_OFFSET	2

enum l2sec_drop_reason {
	L2SEC_DROP_MALFORMED,		/* truncated/invalid L2TP, PPP or IP header */
	L2SEC_DROP_NO_IPSEC,		/* require-IPsec, no ESP transport sec_path */
	L2SEC_DROP_WRONG_SA,		/* bound tunnel, packet from another SA */
	L2SEC_DROP_NOT_UP,		/* session not marked up */
	L2SEC_DROP_SPOOF,		/* inner source is not the session's */
	L2SEC_DROP_NO_DEVICE,		/* no l2sec device in the namespace, or down */
	L2SEC_DROP_NO_SESSION,		/* transmit: no session for the destination */
	L2SEC_DROP_NO_ROUTE,		/* transmit: route lookup failed */
	L2SEC_DROP_NO_XFRM_ROUTE,	/* transmit: require-IPsec, route without SA */
	L2SEC_DROP_NO_MEM,		/* allocation or headroom failure */
	L2SEC_DROP_PROTO,		/* transmit: not IPv4/IPv6 */
	L2SEC_DROP_LOOP,		/* transmit: route points back at l2sec */
	L2SEC_DROP_SA_NO_MARK,		/* require-IPsec tunnel, the SA sets no mark */
	L2SEC_DROP_TOO_BIG,		/* transmit: larger than the path lets through
					 * and not to be fragmented (IPv4 DF, IPv6):
					 * the sender got ICMP Fragmentation Needed
					 * or Packet Too Big with the tunnel's MTU */

	__L2SEC_DROP_MAX
};
#define L2SEC_DROP_MAX (__L2SEC_DROP_MAX - 1)

enum l2sec_stats_attr {
	L2SEC_STATS_A_UNSPEC,
	L2SEC_STATS_A_PAD,
	L2SEC_STATS_A_RX_PACKETS,	/* u64: delivered on the device, as the
					 * client sent them (a packet GRO merged
					 * counts each of its segments) */
	L2SEC_STATS_A_RX_BYTES,		/* u64: inner bytes (of a merged packet:
					 * its length, one set of headers) */
	L2SEC_STATS_A_TX_PACKETS,	/* u64: handed to the IP/xfrm layer */
	L2SEC_STATS_A_TX_BYTES,		/* u64: inner bytes */
	L2SEC_STATS_A_TO_DAEMON,	/* u64: left for the socket (not sessions) */
	L2SEC_STATS_A_RX_DROPS,		/* u64: all receive drops (a merged
					 * packet counts each of its segments,
					 * here and by reason) */
	L2SEC_STATS_A_TX_DROPS,		/* u64: all transmit drops */
	L2SEC_STATS_A_DROPS,		/* nest: type = reason + L2SEC_DROPS_A_OFFSET,
					 * u64 (not in session replies) */

	__L2SEC_STATS_A_MAX
};
#define L2SEC_STATS_A_MAX (__L2SEC_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_L2SEC_H */
