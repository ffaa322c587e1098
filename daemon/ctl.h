/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's control socket for the l2sec tool: a unix stream socket
 * (RUNTIME_DIR/l2secd.sock, mode 0600, root only).
 *
 * Protocol: the client sends one request line (at most 255 bytes, '\n'
 * terminated); the daemon answers with one JSON object and a '\n', then
 * closes. The request words and the replies' keys are written once, in
 * lib/ctl_proto.h, for the daemon and the tool. `show tunnels lines` and
 * `show sessions lines` answer with the same objects one a line instead of
 * in an array, and a last line {"end": "tunnels" or "sessions", "count":
 * the lines before it}; the tool reads them so (tools/ctlc.h), a record at
 * a time. `show sessions lines [tunnel TID] [user NAME] [no-counters]`
 * lists only the sessions of that tunnel ID and PPP user (NAME
 * percent-encoded, see lib/ctl_proto.h), and with no-counters without
 * their data counters (rx_packets, rx_bytes, tx_packets, tx_bytes: a read
 * of the data path each); malformed, it is {"error": "usage: ..."}. A listing is
 * written as the client reads it (ctl_out below), and a client that reads
 * nothing for 5 s is dropped. Requests:
 *   show tunnels   {"tunnels": [{"tunnel_id", "peer_tunnel_id", "state",
 *                  "peer", "peer_port", "peer_host", "mark", "sessions",
 *                  "uptime_ms", "require_ipsec", "in_kernel", "retransmits",
 *                  "sa": {"mark", "ike_id", "child_id", "reqid", "spi_in",
 *                  "spi_out", "encap", "remote", "remote_id"} when bound}]}
 *   show sessions  {"sessions": [{"tunnel_id", "handle" (its tunnel's, when
 *                  the module has it), "session_id", "peer_tunnel_id",
 *                  "peer_session_id", "peer", "peer_port" (its tunnel's
 *                  peer, the client's outer address), "state", "call_serial", "tx_speed",
 *                  "uptime_ms", "in_kernel", "ppp_rx", "ppp_tx",
 *                  "require_ipsec", "mark" (its tunnel's SA mark, when
 *                  bound), "sa" (its tunnel's, as in show tunnels), "datapath",
 *                  and once PPP runs "user", "ppp_phase", "ipv4", "ipv6_prefix",
 *                  "rx_packets", "rx_bytes", "tx_packets", "tx_bytes" (its
 *                  data through the data path: rx from the client), and
 *                  once authenticated "auth" (mschapv2, chap-md5, pap)}]}
 *   show stats     {"stats": {counter: value, ...} (rx_socket_drops: datagrams
 *                  the kernel dropped at the L2TP sockets, SO_RXQ_OVFL;
 *                  rx_truncated: longer than l2secd reads), "tunnels": n, ...,
 *                  "ppp": {counter: value, ...}, "datapath", "pool_size",
 *                  "pool_in_use", "pool6_size", "pool6_in_use",
 *                  "ipsec": {"charon", "vici", "sa_count", counters} when
 *                  l2secd manages charon, "dhcp": {"answered",
 *                  "answered_one_route_option", "answered_short",
 *                  "dropped_malformed", "dropped_foreign",
 *                  "dropped_unanswerable", "send_errors"},
 *                  "rx_refused": {"module_gone", "no_cmsg", "local",
 *                  "plaintext", "unknown_sa"}: L2TP datagrams l2secd's own
 *                  IPsec check dropped, by reason (rxcheck.h), "tun" on the
 *                  TUN data path: its switch's packets and drops by reason
 *                  (the privsep parent's through STATS; ctl.c's tun_stats)}
 *   version        {"version": "..."}
 *   del session TID SID
 *                  ends one session as the administrator: a CDN with result
 *                  3 (RFC 2661: disconnected for administrative reasons),
 *                  then PPP, routes, addresses and the module's session are
 *                  undone as for any call that ends;
 *                  {"deleted": {"tunnel_id", "session_id"}}
 *   del tunnel TID ends a tunnel and every session in it: a StopCCN with
 *                  result 1 (general request to clear the control
 *                  connection; 6 is for the whole LNS shutting down), and
 *                  the tunnel lingers for the peer's acknowledgement as
 *                  after any StopCCN; {"deleted": {"tunnel_id", "sessions"}}
 *                  ("sessions": how many went with it)
 *                  TID and SID are decimal, 1..65535, no sign, no leading
 *                  zero, one space apart, nothing after them.
 * Errors: {"error": "message"}.  An object that does not exist is
 * {"error": "no such tunnel TID"} or {"error": "no such session TID/SID"}
 * (the tool tells these from other errors by that "no such " prefix);
 * a tunnel that is already closing is {"error": "tunnel TID is closing
 * already"}; a malformed del is {"error": "usage: ..."}.
 */
#ifndef L2SECD_CTL_H
#define L2SECD_CTL_H

#include <json-c/json.h>

#include "core/evloop.h"
#include "ctl_proto.h"
#include "l2tp/l2tp_lns.h"

struct ctl;
struct inform;
struct ipsec;
struct rxbatch_stats;
struct rxcheck;
struct sessions;

/* What the answers are made of; ss and ipsec may be NULL (not running). */
struct ctl_src {
	struct l2tp_lns *lns;
	struct sessions *ss;		/* the PPP layer: users, addresses, data path */
	struct ipsec *ipsec;		/* charon and the SA table */
	struct inform *inform;		/* the DHCPINFORM responder */
	const struct rxcheck *rx;	/* l2secd's own check of received datagrams */
	const struct rxbatch_stats *rxb;	/* the L2TP sockets' receive (rxbatch.h) */
	/*
	 * Tests only (L2SECD_TEST_HOOKS=1 in l2secd's environment): the
	 * request "debug seccomp" makes l2secd call socket(2), which the
	 * privsep engine's sandbox forbids (it is killed with SIGSYS). The
	 * control socket is root's alone, as every request is.
	 */
	bool test_hooks;
	/*
	 * privsep: a privsep engine's "privsep" group in show stats: the
	 * engines before it that died and were restarted, and those replaced
	 * for a reload (SIGHUP), as the parent counted them when it forked it.
	 */
	bool privsep;
	unsigned int engine_restarts, engine_reloads;
};

struct ctl *ctl_open(struct evloop *loop, const char *path, const struct ctl_src *src);
void ctl_close(struct ctl *ctl);
/*
 * The answer to one request line that is not a listing (show tunnels, show
 * sessions: ctl_out alone writes those): a new JSON object (caller puts it).
 */
struct json_object *ctl_handle(const struct ctl_src *src, const char *request);

/*
 * The answer to one request line as the socket writes it. A listing (show
 * tunnels, show sessions, with or without "lines") is written a chunk at a
 * time as the client reads it, never built whole: with 100,000 sessions the
 * answer is some 45 MB, and json-c's objects for it were several times that,
 * allocated in one callback and kept by malloc afterwards. A chunk ends
 * after the element (a tunnel or a session) that took it past CTL_CHUNK
 * bytes, or once the walk visited CTL_WALK_MAX elements (ctl.c), listed or
 * not; the socket writes one chunk a pass of the event loop, however fast
 * the client reads. Between chunks the walk is an l2tp_lns_cursor, so
 * tunnels and sessions may come and go meanwhile: each listed is listed
 * once, as it was when its chunk was written. As lines, each object is a
 * line and the last one is {"end": "tunnels" or "sessions", "count": the
 * lines before it}. `show sessions lines` may name a tunnel ID, a user, an
 * address and a peer (lib/ctl_proto.h): the walk then describes only the
 * sessions that match (no counters asked of the data path for the others).
 */
#define CTL_CHUNK (64u << 10)
/* the answer to a listing's malformed filters: {"error": CTL_LIST_USAGE} */
#define CTL_LIST_USAGE CTL_E_LIST_USAGE " [tunnel TID] [user NAME] [address ADDR] " \
	"[peer ADDR] [no-counters] (TID a number from 1 to 65535, NAME percent-encoded, " \
	"ADDR an IPv4 or IPv6 address)"

enum ctl_list {
	CTL_LIST_NONE,
	CTL_LIST_TUNNELS,
	CTL_LIST_SESSIONS,
};

struct ctl_out {
	char *buf;			/* what is to be sent, from off on */
	size_t len, off, cap;
	bool done;			/* buf holds the answer's last bytes */
	enum ctl_list list;		/* a listing under way: more to come after buf */
	bool lines;
	/* show sessions lines tunnel TID user NAME ...: those sessions only (ctl_proto.h) */
	uint16_t tid;			/* 0: any tunnel */
	bool by_user;
	char user[CTL_USER_MAX + 1];
	struct ctl_addr {		/* ... address ADDR, peer ADDR */
		int family;		/* 0: any */
		uint8_t a[16];		/* 4 or 16 octets, network order */
	} addr, peer;
	bool no_counters;		/* ... no-counters: without the data counters */
	uint64_t count;			/* the listing's elements so far */
	struct l2tp_lns_cursor cur;
};

/* Starts the answer to REQUEST in O (zeroed): 0, or -1 (out of memory). */
int ctl_out_start(const struct ctl_src *src, const char *request, struct ctl_out *o);
/*
 * Once all of O->buf was sent (off == len): the next chunk, from O->buf[0];
 * nothing more (len 0) once done. 0, or -1 (out of memory: drop the client).
 */
int ctl_out_next(const struct ctl_src *src, struct ctl_out *o);
/* Frees O's buffer and ends its walk. */
void ctl_out_free(struct ctl_out *o);

#endif
