/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's control socket for the l2sec tool: a unix stream socket
 * (RUNTIME_DIR/l2secd.sock, mode 0600, root only).
 *
 * Protocol: the client sends one request line (at most 255 bytes, '\n'
 * terminated); the daemon answers with one JSON object and a '\n', then
 * closes. Requests:
 *   show tunnels   {"tunnels": [{"tunnel_id", "peer_tunnel_id", "state",
 *                  "peer", "peer_port", "peer_host", "mark", "sessions",
 *                  "uptime_ms", "require_ipsec", "in_kernel", "retransmits",
 *                  "sa": {"mark", "ike_id", "child_id", "reqid", "spi_in",
 *                  "spi_out", "encap", "remote", "remote_id"} when bound}]}
 *   show sessions  {"sessions": [{"tunnel_id", "session_id", "peer_tunnel_id",
 *                  "peer_session_id", "state", "call_serial", "tx_speed",
 *                  "uptime_ms", "in_kernel", "ppp_rx", "ppp_tx", "datapath",
 *                  and once PPP runs "user", "ppp_phase", "ipv4", "ipv6_prefix"}]}
 *   show stats     {"stats": {counter: value, ...}, "tunnels": n, ...,
 *                  "ppp": {counter: value, ...}, "datapath", "pool_size",
 *                  "pool_in_use", "pool6_size", "pool6_in_use",
 *                  "ipsec": {"charon", "vici", "sa_count", counters} when
 *                  l2secd manages charon}
 *   version        {"version": "..."}
 * Errors: {"error": "message"}.
 */
#ifndef L2SECD_CTL_H
#define L2SECD_CTL_H

#include <json-c/json.h>

#include "evloop.h"
#include "l2tp_lns.h"

struct ctl;
struct ipsec;
struct sessions;

/* What the answers are made of; ss and ipsec may be NULL (not running). */
struct ctl_src {
	struct l2tp_lns *lns;
	struct sessions *ss;		/* the PPP layer: users, addresses, data path */
	struct ipsec *ipsec;		/* charon and the SA table */
};

struct ctl *ctl_open(struct evloop *loop, const char *path, const struct ctl_src *src);
void ctl_close(struct ctl *ctl);
/* The answer to one request line: a new JSON object (caller puts it). */
struct json_object *ctl_handle(const struct ctl_src *src, const char *request);

#endif
