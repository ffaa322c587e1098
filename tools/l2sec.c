// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec: the ip-style command line tool of l2sec.
 *
 *   l2sec [OPTIONS] tunnel show [id ID] [sock ID]
 *   l2sec [OPTIONS] tunnel del id ID
 *   l2sec [OPTIONS] session show [tunnel ID [id ID]]
 *   l2sec [OPTIONS] session del tunnel ID id ID
 *   l2sec [OPTIONS] sock show [id ID]
 *   l2sec [OPTIONS] stats [show | prometheus]   (prom.h)
 *   l2sec [OPTIONS] daemon show
 *   l2sec [OPTIONS] monitor [all | sock | tunnel | session]...
 *   l2sec client-config { windows | macos | linux [nm | ip-up] } [user USER]
 *                       [server HOST] [name NAME] [config FILE]   (clientcfg.h)
 *   l2sec -V | help
 *   OPTIONS: -j (JSON)  -p (pretty JSON, implies -j)  -s (counters)
 *            -n NETNS (the named network namespace, like ip -n)
 *            -r DIR (l2secd's runtime directory, where its control socket
 *            l2secd.sock is; default /run/l2sec; a path, so -n does not
 *            change it)
 *
 * Words may be abbreviated (`l2sec t sh`, `l2sec s d t 7 i 5`): the first
 * command in the table below (and in each object's own table) that the word
 * begins wins, as in ip.  Exit status: 0 success, 1 failure (no such object,
 * no permission, module missing, l2secd not running for what needs it, or a
 * malformed record from the kernel or from l2secd was skipped), 2 bad
 * command line.
 *
 * `del` goes through l2secd, which ends the call or the control connection
 * with the peer (CDN, StopCCN) and undoes PPP, routes and the module's
 * state; it prints nothing when it succeeds.
 *
 * The kernel module's objects come over generic netlink; what only the
 * daemon knows (data path, users, PPP, address pools) over l2secd's control
 * socket.  `session show` adds l2secd's facts to each kernel session when
 * l2secd answers (quietly not when it is not running or not ours to ask);
 * when the module is not loaded it shows l2secd's own sessions (l2secd then
 * carries the data over tun), and fails only when neither answers.
 *
 * JSON output (stable; keys are added, never renamed or removed).  `show`
 * commands print one array of objects, sorted by id; `stats` and `daemon
 * show` print one object; `monitor` prints one object per line (JSON lines).
 * Integers are JSON numbers (marks and SPIs too, which text shows in hex);
 * addresses are strings.  A key is absent when the kernel (or l2secd) did
 * not report the value.
 *
 *   tunnel:  tunnel_id, peer_tunnel_id, sock_id, peer_addr, peer_port,
 *            local_addr (if set), require_ipsec (bool), out_mark (0: none),
 *            bound (bool), bind_mark (if bound), bind_reqid and
 *            bind_peer (the SA's, once known),
 *            sa {spi, reqid, mark, encap_sport, encap_dport, peer_addr}
 *            (if an SA was seen), session_count, stats (with -s)
 *   session: session_id, tunnel_id, peer_session_id, peer_tunnel_id,
 *            state ("up" | "down" | "unknown"), ipv4 (if set),
 *            ipv6 (array of "ADDR/LEN", possibly empty), stats (with -s);
 *            from l2secd when it knows the session: user, datapath
 *            ("kernel" | "tun"), ppp_phase ("dead" | "establish" |
 *            "authenticate" | "network" | "terminate")
 *   session, module not loaded (l2secd's view): session_id, tunnel_id,
 *            peer_session_id, peer_tunnel_id, state (l2secd's: "established"
 *            | "wait-connect"), datapath, in_kernel (bool), call_serial,
 *            tx_speed, uptime_ms, ppp_rx, ppp_tx (PPP frames through l2secd),
 *            and once PPP runs user, ppp_phase, ipv4, ipv6_prefix
 *            ("ADDR/64"), framed_routes ("NET/PLEN,...": Framed-(IPv6-)Routes),
 *            rx_packets, rx_bytes, tx_packets, tx_bytes (its data through
 *            the data path; rx: from the client)
 *   sock:    sock_id, family ("inet" | "inet6"), local_addr, local_port,
 *            require_ipsec (bool), tunnel_count
 *   stats:   ifname, ifindex (if the namespace has an l2sec device),
 *            sock_count, tunnel_count, session_count, stats
 *   stats object (all u64): rx_packets, rx_bytes, rx_drops, tx_packets,
 *            tx_bytes, tx_drops, to_daemon, drops {malformed, no_ipsec,
 *            wrong_sa, not_up, spoof, no_device, no_session, no_route,
 *            no_xfrm_route, no_mem, proto, loop, sa_no_mark, too_big; "reason_N" for a reason
 *            newer than the tool, "other" for numbers beyond 31}
 *   daemon:  version, datapath ("kernel" | "tun"), tunnel_count,
 *            session_count, pool_size, pool_in_use (IPv4 addresses),
 *            pool6_size, pool6_in_use (IPv6 prefixes, if l2secd has a
 *            pool), stats (with -s) {l2tp {rx_packets, rx_bad_header,
 *            rx_unknown_tunnel, rx_wrong_peer, rx_malformed, rx_ignored,
 *            rx_wrong_state, sccrq_rate_limited, sccrq_refused,
 *            tunnels_established, tunnels_auth_failed, tunnels_timed_out,
 *            sessions_refused, sessions_established, rx_data,
 *            rx_data_dropped, tx_errors, rx_plaintext, rx_socket_drops,
 *            rx_truncated, stale_stopccn,
 *            stale_probes, stale_rate_limited, late_stopccn}, ppp {up, down,
 *            auth_failures, auth_busy, no_address, tun_rx, tun_tx, tun_rx_no_session,
 *            tun_tx_spoofed, tun_errors, ra_sent, auth_refused_backoff,
 *            auth_refused_lockout, auth_backoffs, auth_lockouts,
 *            auth_throttle_evicted, auth_throttle_entries}, rx_refused {module_gone,
 *            no_cmsg, local, plaintext, unknown_sa, family}, admit
 *            {sccrq_source_rate_limited, sccrq_sa_rate_limited,
 *            half_open_source_limit, half_open_sa_limit, tunnels_sa_limit,
 *            sessions_tunnel_limit, tunnel_setup_timeouts,
 *            session_setup_timeouts, half_open_displaced, peers_recycled,
 *            peers_table_full, peers}, tun {rx_packets, rx_bytes,
 *            tx_packets, tx_bytes, to_l2secd, malformed, wrong_peer,
 *            not_up, spoofed, no_session, to_engine_dropped, device_errors,
 *            send_errors, unreach_sent, unreach_ratelimited} (TUN data
 *            path only)} (all u64; counters newer
 *            than the tool are passed on under l2secd's names)
 *   monitor: event ("new" | "set" | "del" | "bound"), object ("sock" |
 *            "tunnel" | "session"), then the keys of that object that the
 *            notification carries (a "del" has only the ids).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "clientcfg.h"
#include "daemon_cmd.h"
#include "monitor.h"
#include "session.h"
#include "sock.h"
#include "stats.h"
#include "tunnel.h"

#ifndef L2SEC_VERSION
#define L2SEC_VERSION "unknown"
#endif

static int help_main(struct cli *c, int argc, char **argv);

/* Order matters for abbreviations: the first match wins. */
static const struct {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *description;
} commands[] = {
	{ "tunnel", tunnel_main, "show or delete L2TP tunnels" },
	{ "session", session_main, "show or delete L2TP sessions" },
	{ "sock", sock_main, "show the UDP sockets handed to the module" },
	{ "stats", stats_main, "show namespace totals and drops by reason" },
	{ "daemon", daemon_main, "show what l2secd knows: data path, pools, PPP counters" },
	{ "monitor", monitor_main, "print notifications as they come" },
	{ "client-config", clientcfg_main, "print a client profile: windows, macos, linux" },
	{ "help", help_main, "show this help" },
};

static void help(FILE *f)
{
	size_t i;

	fputs("Usage: l2sec [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       l2sec -V\n"
	      "OPTIONS: -j[son] -p[retty] -s[tats] -n[etns] NAME -r[untime-dir] DIR\n"
	      "OBJECT:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].description);
	fputs("Try \"l2sec OBJECT help\".\n", f);
}

static int help_main(struct cli *c, int argc, char **argv)
{
	help(stdout);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	struct cli c = { .status = CLI_OK };
	enum cli_action act;
	int cmd_index, ret;
	size_t i;

	ret = cli_parse_opts(&c, argc, argv, &cmd_index, &act);
	if (ret)
		return ret;
	if (act == CLI_VERSION) {
		printf("l2sec %s\n", L2SEC_VERSION);
		return CLI_OK;
	}
	if (act == CLI_HELP || cmd_index == argc) {
		help(act == CLI_HELP ? stdout : stderr);
		return act == CLI_HELP ? CLI_OK : CLI_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (cli_matches(argv[cmd_index], commands[i].name)) {
			ret = commands[i].fn(&c, argc - cmd_index, argv + cmd_index);
			cli_disconnect(&c);
			return ret;
		}
	}
	cli_err("unknown object \"%s\"; try \"l2sec help\"", argv[cmd_index]);
	return CLI_USAGE;
}
