/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket's protocol between l2secd (daemon/ctl.c, which describes
 * each request's reply in daemon/ctl.h) and the l2sec tool (tools/ctlc.c and
 * its readers): the request lines and the JSON keys of the replies, each
 * written once here. A key renamed here is renamed for both sides; the tool
 * reads what the daemon writes (tests/unit/test_ctl.c checks it).
 *
 * Counters written from a struct field's name (ctl.c's S(f)) are not listed:
 * the tool reads every member of their groups, whatever its name.
 */
#ifndef L2SEC_CTL_PROTO_H
#define L2SEC_CTL_PROTO_H

/* --- requests (one line each) --- */
#define CTL_REQ_VERSION		"version"
#define CTL_REQ_SHOW_TUNNELS	"show tunnels"
#define CTL_REQ_SHOW_SESSIONS	"show sessions"
#define CTL_REQ_SHOW_STATS	"show stats"
#define CTL_REQ_DEL_TUNNEL	"del tunnel"	/* TID [handle H] */
#define CTL_REQ_DEL_SESSION	"del session"	/* TID SID [handle H] */
#define CTL_REQ_HANDLE		"handle"	/* H: the module's handle of tunnel TID */
/* after show tunnels or show sessions: one object a line, then the end's line */
#define CTL_REQ_LINES		"lines"
/*
 * After "show sessions lines", in this order, each at most once: the
 * sessions of tunnels with that local ID only, those whose PPP user is that
 * name only (octet for octet), those whose IPv4 address is ADDR or whose
 * IPv6 /64 holds ADDR, those whose tunnel's peer or SA's remote has the
 * address PEER (any port), and no data counters in the records (the data
 * path's rx/tx packets and bytes: a read of it each, under privsep a round
 * trip to the parent). NAME is percent-encoded: every octet below 0x21 or
 * above 0x7e, and '%', as '%' and two hex digits; 1 to 255 octets once
 * decoded, none of them 0. ADDR and PEER are IPv4 or IPv6 addresses as
 * inet_pton(3) reads them (IPv4 first); an IPv4-mapped IPv6 address, here or
 * a peer's, is its IPv4 address. A filter spares the daemon and the tool the
 * sessions it leaves out; the tool still applies its own selectors to what
 * comes. An l2secd older than the filters answers CTL_E_UNKNOWN; one with
 * only the tunnel and user filters, an error beginning with CTL_E_LIST_USAGE.
 */
#define CTL_REQ_TUNNEL		"tunnel"	/* TID */
#define CTL_REQ_USER		"user"		/* NAME */
#define CTL_REQ_ADDRESS		"address"	/* ADDR */
#define CTL_REQ_PEER		"peer"		/* PEER */
#define CTL_REQ_NO_COUNTERS	"no-counters"
#define CTL_USER_MAX		255

/* --- any reply --- */
#define CTL_K_ERROR		"error"		/* string: the request failed */
#define CTL_K_VERSION		"version"

/* the "error" strings the tool tells apart (each followed by the ids) */
#define CTL_E_UNKNOWN		"unknown request"
#define CTL_E_NO_TUNNEL		"no such tunnel "	/* TID */
#define CTL_E_NO_SESSION	"no such session "	/* TID/SID */
#define CTL_E_AMBIGUOUS		"ambiguous tunnel "	/* TID: several peers' (give a handle) */
#define CTL_E_LIST_USAGE	"usage: show sessions lines"	/* ...: malformed filters */

/* --- show tunnels, show sessions: arrays of objects --- */
#define CTL_K_TUNNELS		"tunnels"	/* the array; in show stats a count */
#define CTL_K_SESSIONS		"sessions"	/* the array; a count per tunnel and
						 * in show stats */
/* as lines, the last line: {"end": "tunnels" or "sessions", "count": lines before it} */
#define CTL_K_END		"end"
#define CTL_K_COUNT		"count"
#define CTL_K_TUNNEL_ID		"tunnel_id"
#define CTL_K_HANDLE		"handle"	/* the module's name of the tunnel */
#define CTL_K_PEER_TUNNEL_ID	"peer_tunnel_id"
#define CTL_K_SESSION_ID	"session_id"
#define CTL_K_PEER_SESSION_ID	"peer_session_id"
#define CTL_K_STATE		"state"
#define CTL_K_PEER		"peer"
#define CTL_K_PEER_PORT		"peer_port"
#define CTL_K_PEER_HOST		"peer_host"
#define CTL_K_MARK		"mark"		/* the SA's mark, tunnel and "sa" */
#define CTL_K_UPTIME_MS		"uptime_ms"
#define CTL_K_REQUIRE_IPSEC	"require_ipsec"
#define CTL_K_IN_KERNEL		"in_kernel"
#define CTL_K_RETRANSMITS	"retransmits"
#define CTL_K_CALL_SERIAL	"call_serial"
#define CTL_K_TX_SPEED		"tx_speed"
#define CTL_K_PPP_RX		"ppp_rx"
#define CTL_K_PPP_TX		"ppp_tx"
/* a session's data through the data path (rx: from the client) */
#define CTL_K_DATA_RX_PACKETS	"rx_packets"
#define CTL_K_DATA_RX_BYTES	"rx_bytes"
#define CTL_K_DATA_TX_PACKETS	"tx_packets"
#define CTL_K_DATA_TX_BYTES	"tx_bytes"
#define CTL_K_DATAPATH		"datapath"	/* per session and in show stats */
#define CTL_K_USER		"user"
#define CTL_K_AUTH		"auth"
#define CTL_K_CLASS		"radius_class"	/* RADIUS Class, printable or hex */
#define CTL_K_ACCT_ID		"acct_session_id"	/* RADIUS Acct-Session-Id */
#define CTL_K_ACCT_STATE	"acct_state"	/* starting, started, waiting, start-dropped */
#define CTL_K_PPP_PHASE		"ppp_phase"
#define CTL_K_IPV4		"ipv4"
#define CTL_K_IPV6_PREFIX	"ipv6_prefix"
#define CTL_K_POOL		"pool"		/* the named pool of the session's address */
#define CTL_K_FRAMED_ROUTES	"framed_routes"	/* "NET/PLEN,...": Framed-(IPv6-)Routes up */

/* the tunnel's SA as l2secd's SA table knows it (daemon/ipsec.c) */
#define CTL_K_SA		"sa"
#define CTL_K_IKE_ID		"ike_id"
#define CTL_K_CHILD_ID		"child_id"
#define CTL_K_REQID		"reqid"
#define CTL_K_SPI_IN		"spi_in"
#define CTL_K_SPI_OUT		"spi_out"
#define CTL_K_ENCAP		"encap"
#define CTL_K_REMOTE		"remote"
#define CTL_K_REMOTE_ID		"remote_id"

/* --- show stats: groups of counters and levels --- */
#define CTL_K_STATS		"stats"		/* the L2TP engine's counters */
#define CTL_K_RX_PLAINTEXT	"rx_plaintext"
#define CTL_K_HALF_OPEN		"half_open"
#define CTL_K_ADMIT		"admit"
#define CTL_K_PEERS		"peers"
#define CTL_K_PPP		"ppp"
#define CTL_K_TUN		"tun"		/* the TUN data path's switch: packets, drops */
#define CTL_K_AUTH_THROTTLE_ENTRIES "auth_throttle_entries"
#define CTL_K_POOL_SIZE		"pool_size"
#define CTL_K_POOL_IN_USE	"pool_in_use"
#define CTL_K_POOL6_SIZE	"pool6_size"
#define CTL_K_POOL6_IN_USE	"pool6_in_use"
#define CTL_K_NAMED_POOLS	"named_pools"	/* [ { "name", pool_size, pool_in_use } ] */
#define CTL_K_NAME		"name"
#define CTL_K_IPSEC		"ipsec"
#define CTL_K_IKE		"ike"		/* charon's IKE_SAs as its log tells: refusals, weak groups */
#define CTL_K_PRIVSEP		"privsep"	/* privsep: engines restarted after a death, replaced for reloads */
#define CTL_K_CHARON		"charon"	/* CTL_V_UP or CTL_V_DOWN */
#define CTL_V_UP		"up"
#define CTL_V_DOWN		"down"
#define CTL_K_VICI		"vici"
#define CTL_K_SA_COUNT		"sa_count"
#define CTL_K_DHCP		"dhcp"
#define CTL_K_RX_REFUSED	"rx_refused"

/* --- del tunnel, del session --- */
#define CTL_K_DELETED		"deleted"	/* {"tunnel_id"[, "session_id"]} */

#endif
