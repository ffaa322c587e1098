/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gateway's configuration: one INI file (inih), table-driven.
 *
 *   [global]  log-level, log-target, runtime-dir, datapath, privsep, engine-user
 *   [l2tp]    listen, port, hostname, secret, require-ipsec, hello-interval,
 *             retransmit-initial, retransmit-max, retransmit-retries, ack-delay,
 *             receive-window, max-tunnels, max-sessions,
 *             max-sessions-per-tunnel, max-half-open, sccrq-rate,
 *             sccrq-rate-per-source, sccrq-rate-per-sa, max-half-open-per-source,
 *             max-half-open-per-sa, max-tunnels-per-sa, setup-timeout,
 *             session-setup-timeout, peer-table-size
 *   [ipsec]   vici, psk, certificate, private-key, ca, allow-modp1024,
 *             allow-3des, dpd-delay, dpd-timeout, rekey-time, reauth-time,
 *             force-encap
 *   [client]  server, connection-name (what `l2sec client-config` writes into
 *             client profiles; l2secd does not use them)
 *   [radius]  auth-servers, acct-servers, secret, secret-file, timeout, retries,
 *             dead-time, queue, nas-identifier, nas-ip-address, auth-source,
 *             acct-interim, acct-queue, dae-listen, dae-clients, vendor-id
 *   [ppp]     name, auth, users, mru, lcp-echo-interval, lcp-echo-failures,
 *             idle-timeout, auth-tries, auth-fail-delay, auth-timeout, auth-throttle-window,
 *             auth-backoff-after, auth-backoff-max, auth-lockout-after,
 *             auth-address-lockout-after, auth-user-lockout-after,
 *             auth-lockout-time, auth-throttle-entries, local-address, pool,
 *             named-pools, dns, nbns, ipv6, ipv6-prefix, ipv6-dns, routes, dns-domain,
 *             dns-search
 *
 * Later issues add their own sections ([ipsec]) to the key table in
 * config.c; a section or key that is not in the table is an error.
 * Every error names its line; parsing goes on to report all of them.
 * Each key appears once; a list (listen, pool, dns, ...) may go on over
 * indented continuation lines, as config_print writes long ones.
 *
 * A struct l2sec_config is a plain value: a reload parses into a fresh one
 * and swaps it in only when it has no error.
 */
#ifndef L2SECD_CONFIG_H
#define L2SECD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "addr/dhcp.h"
#include "addr/pool.h"
#include "l2tp/l2tp_config.h"

#define CONFIG_MAX_LISTEN 8
#define CONFIG_MAX_POOL_RANGES 16
/* CONFIG_MAX_NAMED_RANGES, struct config_named_range: addr/pool.h (named pools) */
#define CONFIG_DEFAULT_PATH "/etc/l2sec/l2sec.conf"

enum config_datapath {
	CONFIG_DATAPATH_AUTO,		/* l2sec.ko when it loads, else TUN */
	CONFIG_DATAPATH_KERNEL,
	CONFIG_DATAPATH_TUN,
};

/*
 * Split tunnel and split DNS ([ppp] routes, dns-domain, dns-search) reach
 * the clients by DHCP (dhcp.h): after IPCP, Windows sends a DHCPINFORM over
 * the PPP link and applies options 249/121 (routes) and 15 (connection-specific
 * DNS suffix); others ask for 121 and 119 (search list). Option 6 repeats
 * the DNS servers that IPCP offers (dns).
 * Empty routes mean full tunnel: the client routes everything through it.
 *
 * Per-user values: the users file (users.c) takes optional key=value
 * fields after the secret and the optional address (an address has no
 * '=', so a field with one is a key=value field), e.g.
 *
 *     alice  password  s3cret  10.8.0.10  routes=10.1.0.0/16,10.2.0.0/16
 *     bob    password  pw      dns-domain=lab.corp.example  routes=
 *
 * with the keys routes, dns-domain and dns-search, each at most once, list
 * items separated by commas, validated by the same rules as here (the item
 * parsers below are shared), an error naming the users file's line. A key
 * given for a user replaces the [ppp]-wide value for that user's sessions,
 * it does not add to it; "routes=" (empty) gives that user a full tunnel.
 * users_split() (users.h) picks the user's values, falling back to the
 * [ppp] ones key by key; the DHCP responder (inform.c) calls it with the
 * session's user looked up in the users db in force, so a reload takes
 * effect at a session's next DHCPINFORM.
 */

/*
 * [ipsec] allow-modp1024: which IKE proposals with a Diffie-Hellman group below
 * 2048 bits the gateway accepts (ipsec/vici_conn.h lists the suites of each).
 */
enum config_weak_dh {
	CONFIG_WEAK_DH_NONE,		/* no */
	CONFIG_WEAK_DH_ANDROID,		/* android: the one suite Android offers, last */
	CONFIG_WEAK_DH_ALL,		/* yes */
};

/* [radius] auth-source: who decides on a user's password. */
enum config_auth_source {
	CONFIG_AUTH_USERS,		/* users: the users file only */
	CONFIG_AUTH_RADIUS,		/* radius: the RADIUS servers only */
	CONFIG_AUTH_USERS_RADIUS,	/* users-then-radius: RADIUS for names not in the file */
};

#define CONFIG_RADIUS_MAX_SERVERS 8	/* radius/radius_client.h's RADIUS_MAX_SERVERS */
#define CONFIG_RADIUS_SECRET_MAX 128	/* radius/radius_sign.h's RADIUS_SECRET_MAX */

/*
 * A client allowed to send RFC 5176 Disconnect and CoA requests: the
 * network it sends from and its shared secret's file ("": [radius]'s
 * secret or secret-file). Written ADDR[/PLEN][=FILE] in dae-clients.
 */
#define CONFIG_DAE_CLIENTS_MAX 16
struct config_dae_client {
	struct sockaddr_storage net;	/* port 0, host bits zero */
	uint8_t plen;
	char secret_file[256];
};

/*
 * [radius] (issue 21). Server lists are kept as written ("ADDR[:PORT] ...",
 * IPv6 as [ADDR]:PORT) and read with config_radius_servers().
 */
struct config_radius {
	char auth_servers[192];		/* "": none */
	char acct_servers[192];
	char secret[CONFIG_RADIUS_SECRET_MAX + 1];	/* inline, or ... */
	char secret_file[256];		/* ... a file of l2secd's alone (secfile.h) */
	unsigned int timeout_ms;	/* per try */
	unsigned int retries;
	unsigned int dead_time_ms;
	unsigned int queue;		/* requests waiting for an identifier, at most */
	unsigned int peer_queue;	/* authentications waiting from one client address */
	bool framed_ip_any;		/* a Framed-IP-Address outside the pools is taken */
	char nas_identifier[64];	/* "": [l2tp] hostname */
	char nas_ip[INET_ADDRSTRLEN];	/* NAS-IP-Address, IPv4; "": not sent */
	enum config_auth_source auth_source;
	unsigned int acct_interim_ms;	/* Interim-Update every; 0: none (or the server's) */
	unsigned int acct_queue;	/* accounting records kept while servers are away */
	char dae_listen[64];		/* RFC 5176 "ADDR[:PORT]" (port 3799); "": off */
	struct config_dae_client dae_clients[CONFIG_DAE_CLIENTS_MAX];
	unsigned int n_dae_clients;
	bool dae_require_ts;		/* a request without Event-Timestamp: NAK 402 */
	unsigned int vendor_id;		/* of l2sec's Vendor-Specific attributes (radius_pkt.h) */
};
/* Interim-Updates no more often than this, whoever asks (RFC 2869 section 5.16). */
#define CONFIG_ACCT_INTERIM_MIN_MS 60000

struct l2sec_config {
	/* [global] */
	int log_level;
	int log_target;			/* enum log_target */
	char runtime_dir[96];		/* holds the pid file and control socket */
	int datapath;			/* enum config_datapath */
	bool privsep;			/* a privileged parent and an unprivileged engine */
	char engine_user[32];		/* the engine's user */

	/* [l2tp] */
	struct sockaddr_storage listen[CONFIG_MAX_LISTEN];
	unsigned int n_listen;
	unsigned int port;
	struct l2tp_config l2tp;	/* the rest: the LNS's own (l2tp/l2tp_config.h) */
	unsigned int l2tp_rcvbuf_kib;	/* rcvbuf: the sockets' receive buffer; 0: auto */

	/* [ppp] */
	char ppp_name[64];		/* our name in CHAP challenges */
	unsigned int ppp_auth;		/* PPP_AUTH_* bits (ppp.h), never 0 */
	char users_path[256];
	unsigned int mru;		/* 128..1500 */
	unsigned int lcp_echo_interval_ms;	/* 0: no LCP echo */
	unsigned int lcp_echo_failures;
	unsigned int idle_timeout_ms;	/* no data from the client this long ends it; 0: never */
	unsigned int auth_tries;
	unsigned int auth_fail_delay_ms;
	unsigned int auth_timeout_ms;
	/* [ppp] authentication throttling across sessions (authlimit.h); 0 counts: off */
	unsigned int auth_throttle_window_ms;
	unsigned int auth_backoff_after;
	unsigned int auth_backoff_max_ms;
	unsigned int auth_lockout_after;
	unsigned int auth_address_lockout_after;
	unsigned int auth_user_lockout_after;
	unsigned int auth_lockout_time_ms;
	unsigned int auth_throttle_entries;
	struct in_addr local_ipv4;	/* ours on the PPP links and on l2sec0 */
	struct config_range pool[CONFIG_MAX_POOL_RANGES];	/* disjoint, in file order */
	unsigned int n_pool;		/* at least 1 */
	/* disjoint from each other and from pool; a name's ranges need not be adjacent */
	struct config_named_range named_pool[CONFIG_MAX_NAMED_RANGES];
	unsigned int n_named_pool;
	struct in_addr dns[2];		/* INADDR_ANY: not offered */
	struct in_addr nbns[2];		/* INADDR_ANY: not offered */
	bool ipv6;			/* run IPv6CP and send RAs */
	struct in6_addr ipv6_prefix;	/* host bits zero; sessions get /64s of it */
	unsigned int ipv6_prefix_len;	/* 0: unset; else 32..63, set iff ipv6 */
	struct in6_addr dns6[2];	/* announced by RA RDNSS */
	unsigned int n_dns6;
	/*
	 * Split tunnel and DNS, offered by DHCP (see above). Domain names are
	 * stored without a trailing dot; each label is 1..63 letters, digits,
	 * '-' (not first or last) or '_', 253 characters at most in all (in
	 * practice less: a value must fit inih's line of 198 characters).
	 */
	struct config_route routes[CONFIG_MAX_ROUTES];	/* distinct, in file order */
	unsigned int n_routes;		/* 0: full tunnel */
	char dns_domain[CONFIG_DOMAIN_MAX + 1];	/* option 15; empty: not offered */
	char dns_search[CONFIG_MAX_SEARCH][CONFIG_DOMAIN_MAX + 1];	/* option 119 */
	unsigned int n_dns_search;

	/* [ipsec]: l2secd manages charon over VICI when psk or certificate is set */
	char vici_path[108];		/* charon's VICI socket */
	char psk[256];			/* IKE pre-shared key */
	char cert_path[256];		/* server certificate (PEM/DER) ... */
	char key_path[256];		/* ... its private key ... */
	char ca_path[256];		/* ... and the CA of the clients' certificates */
	/* weak DH groups: none (no), Android's one suite (android), all (yes) */
	enum config_weak_dh allow_modp1024;
	bool allow_3des;
	unsigned int dpd_delay_ms, dpd_timeout_ms;
	unsigned int rekey_time_ms;	/* CHILD_SA rekey; 0: charon's default */
	unsigned int reauth_time_ms;	/* IKE_SA reauthentication by the gateway; 0: off */
	bool force_encap;		/* UDP-encapsulate ESP even without NAT */

	/* [client]: for client profiles (`l2sec client-config`) only */
	char client_server[CONFIG_DOMAIN_MAX + 1];	/* the name or address clients dial; "": unset */
	char client_name[64];		/* the connection's name on the clients; "": the server's */

	struct config_radius radius;
};

/* Called once per error; line 0 for an error about the whole file. */
typedef void (*config_error_fn)(void *arg, const char *file, unsigned int line,
				const char *msg);

void config_defaults(struct l2sec_config *cfg);
/* Returns the number of errors (0: cfg is complete and valid). */
int config_parse_file(struct l2sec_config *cfg, FILE *f, const char *name,
		      config_error_fn err, void *arg);
int config_load(struct l2sec_config *cfg, const char *path,
		config_error_fn err, void *arg);
/*
 * The effective configuration as a file that parses back to the same values,
 * except that a set psk or secret is written as "<hidden>" (an unset one as
 * empty): the output is for reading, and is not to hold secrets.
 */
void config_print(const struct l2sec_config *cfg, FILE *out);
/* The default error reporter: one log line "FILE:LINE: message". */
void config_log_error(void *arg, const char *file, unsigned int line, const char *msg);

/*
 * The item parsers of [ppp] routes and dns-search, shared with the users
 * file. Each checks list item tok and stores it as entry i of the array,
 * refusing one equal to an earlier entry. They return NULL, or why tok is
 * refused as a phrase to follow "'TOK' " in an error message; nothing is
 * stored then.
 */
const char *config_route_item(const char *tok, struct config_route *routes, unsigned int i);
const char *config_search_item(const char *tok, char (*search)[CONFIG_DOMAIN_MAX + 1],
			       unsigned int i);
/*
 * A domain name (dns-domain, dns-search; see struct l2sec_config) into out,
 * without a trailing dot: NULL, or why s is no domain name (same form).
 */
const char *config_check_domain(const char *s, char out[CONFIG_DOMAIN_MAX + 1]);

/*
 * A [radius] server list ("ADDR[:PORT] ...", separated by spaces or commas;
 * an IPv6 address with a port in brackets) into out[], default_port where
 * none is given. Returns how many (0..CONFIG_RADIUS_MAX_SERVERS), or -1 with
 * why (a phrase for an error message) in why.
 */
int config_radius_servers(const char *list, uint16_t default_port,
			  struct sockaddr_storage out[CONFIG_RADIUS_MAX_SERVERS],
			  char *why, size_t why_len);
/*
 * Item i of [radius] dae-clients, "ADDR[/PLEN][=FILE]", into clients[i]
 * (checked against the i before it): NULL, or why not.
 */
const char *config_dae_client_item(const char *tok, struct config_dae_client *clients,
				   unsigned int i);

struct users_split;

/* The DHCPINFORM answer of cfg's [ppp] values (sp NULL) or of a user's (users_split). */
void config_dhcp_answer(struct dhcp_answer *a, const struct l2sec_config *cfg,
			const struct users_split *sp);

#endif
