// SPDX-License-Identifier: GPL-2.0
/*
 * INI configuration with inih and line numbers for every error.
 *
 * Debian's inih is built without INI_HANDLER_LINENO, so the handler cannot
 * be told its line. We parse with ini_parse_stream() and our own reader: inih
 * asks the reader for exactly one line before it handles that line, so the
 * reader's line counter is the handler's line. The reader also sees each raw
 * line, which gives two things inih does not report beyond the first error:
 *  - a line inih rejected (no '=' / ':', or '[' without ']') is a line the
 *    handler was never called for and that is not blank, a comment or a
 *    section header: reported when the reader is asked for the next line;
 *  - a line longer than inih's buffer would be split by inih into pieces;
 *    the reader swallows the rest of it, reports it and hands inih a blank
 *    line instead.
 * inih hands an indented line that follows a key to the handler as more of
 * that key's value (a continuation); the raw line tells it apart from a key
 * set twice, so lists can be longer than inih's line.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/config.h"
#include "addr/dhcp.h"
#include "l2tp/l2tp_ctrl.h"
#include "conf/users.h"
#include "core/log.h"
#include "ppp/ppp.h"
#include "core/util.h"

enum key_type {
	K_UINT,		/* decimal, [min, max] */
	K_MS,		/* duration: N, Ns or Nms (N alone is seconds), ms in [min, max] */
	K_BOOL,
	K_STRING,	/* [min, max] characters */
	K_LOGLEVEL,
	K_LOGTARGET,
	K_DATAPATH,
	K_MODP1024,	/* no, android, yes (modp1024_names) */
	K_IN4,		/* one IPv4 host address */
	K_PREFIX6,	/* IPv6 prefix A/N, N in [min, max]; empty: unset */
	K_DOMAIN,	/* a domain name (config_check_domain); empty: unset */
	K_HOST,		/* a host name (as K_DOMAIN) or an IPv4/IPv6 address; empty: unset */
	K_AUTHSOURCE,	/* users, radius, users-then-radius (auth_source_names) */
	/*
	 * Lists, the rest of the types: items separated by spaces or commas,
	 * min..max of them; an indented line after the key's line holds more.
	 */
	K_AUTH,		/* PPP authentication methods (auth_names) */
	K_ADDRS,	/* IPv4/IPv6 addresses (listen) */
	K_POOL,		/* IPv4 addresses, ranges A-B, blocks A/N (pool) */
	K_NAMED_POOLS,	/* NAME:RANGE ... (named-pools) */
	K_IN4S,		/* IPv4 host addresses; the rest of the array stays 0.0.0.0 */
	K_IN6S,		/* IPv6 unicast addresses (ipv6-dns) */
	K_ROUTES,	/* IPv4 networks A/N, N 1..32 (routes) */
	K_DOMAINS,	/* domain names (dns-search) */
	K_DAE,		/* RFC 5176 clients ADDR[/PLEN][=FILE] (dae-clients) */
};

struct key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t off;
	size_t size;		/* K_STRING: buffer size */
	unsigned int min, max;
};

#define OFF(f) offsetof(struct l2sec_config, f)
#define STR(f) OFF(f), sizeof(((struct l2sec_config *)0)->f)

static const char *const datapath_names[] = {
	[CONFIG_DATAPATH_AUTO] = "auto",
	[CONFIG_DATAPATH_KERNEL] = "kernel",
	[CONFIG_DATAPATH_TUN] = "tun",
};

static const char *const modp1024_names[] = {
	[CONFIG_WEAK_DH_NONE] = "no",
	[CONFIG_WEAK_DH_ANDROID] = "android",
	[CONFIG_WEAK_DH_ALL] = "yes",
};

static const char *const auth_source_names[] = {
	[CONFIG_AUTH_USERS] = "users",
	[CONFIG_AUTH_RADIUS] = "radius",
	[CONFIG_AUTH_USERS_RADIUS] = "users-then-radius",
};

/* In the order config_print writes them: the engine's order of preference. */
static const struct {
	const char *name;
	unsigned int bit;
} auth_names[] = {
	{ "mschapv2", PPP_AUTH_MSCHAPV2 },
	{ "chap-md5", PPP_AUTH_CHAP_MD5 },
	{ "pap", PPP_AUTH_PAP },
};

static const struct key keys[] = {
	{ "global", "log-level", K_LOGLEVEL, OFF(log_level), 0, 0, 0 },
	{ "global", "log-target", K_LOGTARGET, OFF(log_target), 0, 0, 0 },
	{ "global", "runtime-dir", K_STRING, STR(runtime_dir), 1, 95 },
	{ "global", "datapath", K_DATAPATH, OFF(datapath), 0, 0, 0 },
	{ "global", "privsep", K_BOOL, OFF(privsep), 0, 0, 0 },
	{ "global", "engine-user", K_STRING, STR(engine_user), 1, 31 },
	{ "l2tp", "listen", K_ADDRS, OFF(listen), 0, 1, CONFIG_MAX_LISTEN },
	{ "l2tp", "port", K_UINT, OFF(port), 0, 1, 65535 },
	{ "l2tp", "hostname", K_STRING, STR(l2tp.hostname), 1, 63 },
	{ "l2tp", "secret", K_STRING, STR(l2tp.secret), 0, 127 },
	{ "l2tp", "require-ipsec", K_BOOL, OFF(l2tp.require_ipsec), 0, 0, 0 },
	{ "l2tp", "hello-interval", K_MS, OFF(l2tp.hello_interval_ms), 0, 0, 3600000 },
	{ "l2tp", "retransmit-initial", K_MS, OFF(l2tp.rexmit_initial_ms), 0, 100, 60000 },
	{ "l2tp", "retransmit-max", K_MS, OFF(l2tp.rexmit_max_ms), 0, 100, 600000 },
	{ "l2tp", "retransmit-retries", K_UINT, OFF(l2tp.rexmit_retries), 0, 1, 100 },
	{ "l2tp", "ack-delay", K_MS, OFF(l2tp.ack_delay_ms), 0, 0, 10000 },
	{ "l2tp", "receive-window", K_UINT, OFF(l2tp.receive_window), 0, 1, L2TP_CTRL_MAX_RWS },
	{ "l2tp", "max-tunnels", K_UINT, OFF(l2tp.max_tunnels), 0, 1, 131072 },
	{ "l2tp", "max-sessions", K_UINT, OFF(l2tp.max_sessions), 0, 1, 1000000 },
	{ "l2tp", "max-sessions-per-tunnel", K_UINT, OFF(l2tp.max_sessions_per_tunnel), 0, 1,
	  65535 },
	{ "l2tp", "max-half-open", K_UINT, OFF(l2tp.max_half_open), 0, 1, 65535 },
	{ "l2tp", "sccrq-rate", K_UINT, OFF(l2tp.sccrq_rate), 0, 1, 100000 },
	/* admission per peer (l2tp_admit.h) */
	{ "l2tp", "sccrq-rate-per-source", K_UINT, OFF(l2tp.sccrq_rate_per_source), 0, 1, 100000 },
	{ "l2tp", "sccrq-rate-per-sa", K_UINT, OFF(l2tp.sccrq_rate_per_sa), 0, 1, 100000 },
	{ "l2tp", "max-half-open-per-source", K_UINT, OFF(l2tp.max_half_open_per_source), 0, 1,
	  65535 },
	{ "l2tp", "max-half-open-per-sa", K_UINT, OFF(l2tp.max_half_open_per_sa), 0, 1, 65535 },
	{ "l2tp", "max-tunnels-per-sa", K_UINT, OFF(l2tp.max_tunnels_per_sa), 0, 1, 65535 },
	{ "l2tp", "setup-timeout", K_MS, OFF(l2tp.setup_timeout_ms), 0, 1000, 600000 },
	{ "l2tp", "session-setup-timeout", K_MS, OFF(l2tp.session_setup_timeout_ms), 0, 1000,
	  600000 },
	{ "l2tp", "peer-table-size", K_UINT, OFF(l2tp.peer_table_size), 0, 16, 1u << 20 },
	{ "l2tp", "rcvbuf", K_UINT, OFF(l2tp_rcvbuf_kib), 0, 0, 1u << 20 },
	{ "ppp", "name", K_STRING, STR(ppp_name), 1, 63 },
	{ "ppp", "auth", K_AUTH, OFF(ppp_auth), 0, 1, ARRAY_SIZE(auth_names) },
	{ "ppp", "users", K_STRING, STR(users_path), 1, 255 },
	{ "ppp", "mru", K_UINT, OFF(mru), 0, 128, 1500 },
	{ "ppp", "lcp-echo-interval", K_MS, OFF(lcp_echo_interval_ms), 0, 0, 3600000 },
	{ "ppp", "lcp-echo-failures", K_UINT, OFF(lcp_echo_failures), 0, 1, 100 },
	{ "ppp", "idle-timeout", K_MS, OFF(idle_timeout_ms), 0, 0, 86400000 },
	{ "ppp", "auth-tries", K_UINT, OFF(auth_tries), 0, 1, 10 },
	{ "ppp", "auth-fail-delay", K_MS, OFF(auth_fail_delay_ms), 0, 0, 60000 },
	{ "ppp", "auth-timeout", K_MS, OFF(auth_timeout_ms), 0, 1000, 600000 },
	/* authentication throttling across sessions (authlimit.h) */
	{ "ppp", "auth-throttle-window", K_MS, OFF(auth_throttle_window_ms), 0, 1000, 86400000 },
	{ "ppp", "auth-backoff-after", K_UINT, OFF(auth_backoff_after), 0, 0, 1000 },
	{ "ppp", "auth-backoff-max", K_MS, OFF(auth_backoff_max_ms), 0, 1000, 3600000 },
	{ "ppp", "auth-lockout-after", K_UINT, OFF(auth_lockout_after), 0, 0, 10000 },
	{ "ppp", "auth-address-lockout-after", K_UINT, OFF(auth_address_lockout_after), 0, 0,
	  100000 },
	{ "ppp", "auth-user-lockout-after", K_UINT, OFF(auth_user_lockout_after), 0, 0, 100000 },
	{ "ppp", "auth-lockout-time", K_MS, OFF(auth_lockout_time_ms), 0, 1000, 86400000 },
	{ "ppp", "auth-throttle-entries", K_UINT, OFF(auth_throttle_entries), 0, 16, 1000000 },
	{ "ppp", "local-address", K_IN4, OFF(local_ipv4), 0, 0, 0 },
	{ "ppp", "pool", K_POOL, OFF(pool), 0, 1, CONFIG_MAX_POOL_RANGES },
	{ "ppp", "named-pools", K_NAMED_POOLS, OFF(named_pool), 0, 0, CONFIG_MAX_NAMED_RANGES },
	{ "ppp", "dns", K_IN4S, OFF(dns), 0, 0, 2 },
	{ "ppp", "nbns", K_IN4S, OFF(nbns), 0, 0, 2 },
	{ "ppp", "ipv6", K_BOOL, OFF(ipv6), 0, 0, 0 },
	{ "ppp", "ipv6-prefix", K_PREFIX6, OFF(ipv6_prefix), 0, 32, 63 },
	{ "ppp", "ipv6-dns", K_IN6S, OFF(dns6), 0, 0, 2 },
	{ "ppp", "routes", K_ROUTES, OFF(routes), 0, 0, CONFIG_MAX_ROUTES },
	{ "ppp", "dns-domain", K_DOMAIN, STR(dns_domain), 0, CONFIG_DOMAIN_MAX },
	{ "ppp", "dns-search", K_DOMAINS, OFF(dns_search), 0, 0, CONFIG_MAX_SEARCH },
	{ "ipsec", "vici", K_STRING, STR(vici_path), 1, 107 },
	{ "ipsec", "psk", K_STRING, STR(psk), 0, 255 },
	{ "ipsec", "certificate", K_STRING, STR(cert_path), 0, 255 },
	{ "ipsec", "private-key", K_STRING, STR(key_path), 0, 255 },
	{ "ipsec", "ca", K_STRING, STR(ca_path), 0, 255 },
	{ "ipsec", "allow-modp1024", K_MODP1024, OFF(allow_modp1024), 0, 0, 0 },
	{ "ipsec", "allow-3des", K_BOOL, OFF(allow_3des), 0, 0, 0 },
	{ "ipsec", "dpd-delay", K_MS, OFF(dpd_delay_ms), 0, 1000, 3600000 },
	{ "ipsec", "dpd-timeout", K_MS, OFF(dpd_timeout_ms), 0, 1000, 3600000 },
	{ "ipsec", "rekey-time", K_MS, OFF(rekey_time_ms), 0, 0, 86400000 },
	{ "ipsec", "reauth-time", K_MS, OFF(reauth_time_ms), 0, 0, 86400000 },
	{ "ipsec", "force-encap", K_BOOL, OFF(force_encap), 0, 0, 0 },
	{ "client", "server", K_HOST, STR(client_server), 0, CONFIG_DOMAIN_MAX },
	{ "client", "connection-name", K_STRING, STR(client_name), 0, 63 },
	/* RADIUS (issue 21): checked by check_radius */
	{ "radius", "auth-servers", K_STRING, STR(radius.auth_servers), 0, 191 },
	{ "radius", "acct-servers", K_STRING, STR(radius.acct_servers), 0, 191 },
	{ "radius", "secret", K_STRING, STR(radius.secret), 0, CONFIG_RADIUS_SECRET_MAX },
	{ "radius", "secret-file", K_STRING, STR(radius.secret_file), 0, 255 },
	{ "radius", "timeout", K_MS, OFF(radius.timeout_ms), 0, 100, 60000 },
	{ "radius", "retries", K_UINT, OFF(radius.retries), 0, 0, 10 },
	{ "radius", "dead-time", K_MS, OFF(radius.dead_time_ms), 0, 0, 3600000 },
	{ "radius", "queue", K_UINT, OFF(radius.queue), 0, 1, 65536 },
	{ "radius", "peer-queue", K_UINT, OFF(radius.peer_queue), 0, 1, 65536 },
	{ "radius", "framed-ip-outside-pool", K_BOOL, OFF(radius.framed_ip_any), 0, 0, 0 },
	{ "radius", "nas-identifier", K_STRING, STR(radius.nas_identifier), 0, 63 },
	{ "radius", "nas-ip-address", K_STRING, STR(radius.nas_ip), 0, INET_ADDRSTRLEN - 1 },
	{ "radius", "auth-source", K_AUTHSOURCE, OFF(radius.auth_source), 0, 0, 0 },
	{ "radius", "acct-interim", K_MS, OFF(radius.acct_interim_ms), 0, 0, 86400000 },
	{ "radius", "acct-queue", K_UINT, OFF(radius.acct_queue), 0, 1, 1000000 },
	{ "radius", "dae-listen", K_STRING, STR(radius.dae_listen), 0, 63 },
	{ "radius", "dae-clients", K_DAE, OFF(radius.dae_clients), 0, 0, CONFIG_DAE_CLIENTS_MAX },
	{ "radius", "dae-require-event-timestamp", K_BOOL, OFF(radius.dae_require_ts), 0, 0, 0 },
	{ "radius", "vendor-id", K_UINT, OFF(radius.vendor_id), 0, 1, 16777215 },
};

static const char *const sections[] = {
	"global", "l2tp", "ppp", "ipsec", "client", "radius",
};

/* Blocks that hold no address of a host: not in a pool, not ours, no server's. */
static const struct {
	uint32_t first, last;		/* host byte order */
	const char *what;
} reserved4[] = {
	{ 0x00000000, 0x00ffffff, "an address of 0.0.0.0/8" },
	{ 0x7f000000, 0x7fffffff, "a loopback address" },
	{ 0xe0000000, 0xefffffff, "a multicast address" },
	{ 0xffffffff, 0xffffffff, "the broadcast address" },
};

struct parser {
	struct l2sec_config *cfg;
	const char *file;
	config_error_fn err;
	void *err_arg;
	int errors;
	unsigned int key_line[ARRAY_SIZE(keys)];	/* where each key was set, 0 = default */
	bool key_bad[ARRAY_SIZE(keys)];		/* had an error: skip its cross-checks */
	int last_key;		/* the key an indented line would continue, -1: none */
	unsigned int section_line[ARRAY_SIZE(sections)];	/* its header's line, 0: none */
	/* reader state */
	FILE *f;
	unsigned int line;
	bool handled;		/* the handler ran for the current line */
	char raw[INI_MAX_LINE + 1];
};

static void perr(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->errors++;
	p->err(p->err_arg, p->file, line, msg);
}

void config_log_error(void *arg, const char *file, unsigned int line, const char *msg)
{
	(void)arg;
	if (line)
		log_err("%s:%u: %s", file, line, msg);
	else
		log_err("%s: %s", file, msg);
}

/* [ppp]'s defaults are the PPP engine's own (ppp_config_init), written there once. */
static void ppp_defaults(struct l2sec_config *cfg)
{
	struct ppp_config pc;

	ppp_config_init(&pc);
	snprintf(cfg->ppp_name, sizeof(cfg->ppp_name), "%s", pc.name);
	cfg->ppp_auth = pc.auth;
	cfg->mru = pc.mru;
	cfg->lcp_echo_interval_ms = pc.echo_interval_ms;
	cfg->lcp_echo_failures = pc.echo_failures;
	cfg->auth_tries = pc.auth_tries;
	cfg->auth_fail_delay_ms = pc.auth_fail_delay_ms;
	cfg->auth_timeout_ms = pc.auth_timeout_ms;
}

void config_defaults(struct l2sec_config *cfg)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg->listen[0];
	char host[sizeof(cfg->l2tp.hostname)] = "";

	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_NOTICE;
	cfg->log_target = LOG_TARGET_STDERR;
	strcpy(cfg->runtime_dir, "/run/l2sec");
	cfg->privsep = true;	/* two processes, as OpenSSH: privsep = no for one */
	strcpy(cfg->engine_user, "l2sec");
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	cfg->n_listen = 1;
	cfg->port = 1701;
	l2tp_config_init(&cfg->l2tp);
	/* the machine's name when it has one, else l2tp_config_init's */
	if (!gethostname(host, sizeof(host) - 1) && host[0])
		memcpy(cfg->l2tp.hostname, host, sizeof(host));

	ppp_defaults(cfg);
	strcpy(cfg->users_path, "/etc/l2sec/users");
	strcpy(cfg->vici_path, "/var/run/charon.vici");
	cfg->allow_modp1024 = CONFIG_WEAK_DH_ANDROID;
	cfg->dpd_delay_ms = 30000;
	cfg->dpd_timeout_ms = 150000;
	/* authentication throttling across sessions (authlimit.h) */
	cfg->auth_throttle_window_ms = 900000;
	cfg->auth_backoff_after = 3;
	cfg->auth_backoff_max_ms = 60000;
	cfg->auth_lockout_after = 10;
	cfg->auth_address_lockout_after = 30;
	cfg->auth_user_lockout_after = 100;
	cfg->auth_lockout_time_ms = 900000;
	cfg->auth_throttle_entries = 16384;
	cfg->local_ipv4.s_addr = htonl(0xc0a82a01);		/* 192.168.42.1 */
	cfg->pool[0].first.s_addr = htonl(0xc0a82a0a);		/* 192.168.42.10 */
	cfg->pool[0].last.s_addr = htonl(0xc0a82afa);		/* 192.168.42.250 */
	cfg->n_pool = 1;
	cfg->radius.timeout_ms = 3000;
	cfg->radius.retries = 2;
	cfg->radius.dead_time_ms = 60000;
	cfg->radius.queue = 1024;
	cfg->radius.peer_queue = 32;
	cfg->radius.acct_queue = 4096;
	cfg->radius.vendor_id = 32473;	/* RFC 5612's number for documentation: see l2sec.conf(5) */
}

/* --- values ------------------------------------------------------------------ */

static int parse_uint(const char *s, unsigned long long *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -1;
	*end = e;
	return 0;
}

/* A prefix length: digits only, at most max. */
static int parse_plen(const char *s, unsigned int max, unsigned int *plen)
{
	unsigned long long v;
	const char *end;

	if (parse_uint(s, &v, &end) || *end || v > max)
		return -1;
	*plen = (unsigned int)v;
	return 0;
}

static int parse_in4(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

/* Blocks no route through the tunnel can lie inside (host byte order). */
static const struct {
	uint32_t first, last;
	const char *what;
} unroutable4[] = {
	{ 0x00000000, 0x00ffffff, "lies inside 0.0.0.0/8" },
	{ 0x7f000000, 0x7fffffff, "lies inside 127.0.0.0/8 (loopback)" },
	{ 0xe0000000, 0xefffffff, "lies inside 224.0.0.0/4 (multicast)" },
	{ 0xf0000000, 0xffffffff, "lies inside 240.0.0.0/4 (reserved)" },
};

/* What in first..last (host byte order) no host can have, or NULL. */
static const char *reserved_in4(uint32_t first, uint32_t last)
{
	for (size_t i = 0; i < ARRAY_SIZE(reserved4); i++)
		if (first <= reserved4[i].last && reserved4[i].first <= last)
			return reserved4[i].what;
	return NULL;
}

/*
 * "A", "A-B" or "A/N" into first..last, host byte order. A block's network
 * and broadcast addresses are left out unless it is a /31 or /32 (RFC 3021:
 * a /31 has neither): then *block is N, else 0. Returns NULL, or why tok is
 * no range.
 */
static const char *parse_range(const char *tok, uint32_t *first, uint32_t *last,
			       uint32_t *block)
{
	const char *bad = "is not an address, a range A-B or a block A/N";
	size_t len = strcspn(tok, "-/");
	char a[INET_ADDRSTRLEN];
	unsigned int plen;
	uint32_t mask;

	if (len >= sizeof(a))
		return bad;
	memcpy(a, tok, len);
	a[len] = '\0';
	*block = 0;
	if (parse_in4(a, first))
		return bad;
	if (!tok[len]) {
		*last = *first;
		return NULL;
	}
	if (tok[len] == '-') {
		if (parse_in4(tok + len + 1, last))
			return bad;
		return *last < *first ? "ends before it starts" : NULL;
	}
	if (parse_plen(tok + len + 1, 32, &plen))
		return bad;
	mask = plen ? UINT32_MAX << (32 - plen) : 0;
	if (*first & ~mask)
		return "is not a network address (host bits are set)";
	*last = *first | ~mask;
	if (plen < 31) {
		(*first)++;
		(*last)--;
		*block = plen;
	}
	return NULL;
}

/* One IPv4 address that a host can have (ours, a server's). */
/*
 * allow-modp1024: "android" or a boolean (the key was one before; "yes"
 * keeps meaning every weak suite, so an old file keeps its behaviour).
 */
static int parse_modp1024(struct parser *p, const struct key *k, const char *val,
			  unsigned int line, void *field)
{
	static const char *const all[] = { "yes", "true", "1", "on" };
	static const char *const none[] = { "no", "false", "0", "off" };
	enum config_weak_dh *v = field;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcasecmp(val, all[i])) {
			*v = CONFIG_WEAK_DH_ALL;
			return 0;
		}
		if (!strcasecmp(val, none[i])) {
			*v = CONFIG_WEAK_DH_NONE;
			return 0;
		}
	}
	if (!strcasecmp(val, "android")) {
		*v = CONFIG_WEAK_DH_ANDROID;
		return 0;
	}
	perr(p, line, "[%s] %s: '%s' is not no, android or yes (android, the default: "
	     "modp1024 only in the suite Android's L2TP client offers; yes: also for "
	     "Windows without NegotiateDH2048_AES256; no: never)", k->section, k->name, val);
	return -1;
}

static int parse_host4(struct parser *p, const struct key *k, const char *tok,
		       unsigned int line, struct in_addr *out)
{
	const char *why;
	uint32_t a;

	if (parse_in4(tok, &a)) {
		perr(p, line, "[%s] %s: '%s' is not an IPv4 address", k->section, k->name, tok);
		return -1;
	}
	why = reserved_in4(a, a);
	if (why) {
		perr(p, line, "[%s] %s: '%s' is %s", k->section, k->name, tok, why);
		return -1;
	}
	out->s_addr = htonl(a);
	return 0;
}

/* An empty value unsets the prefix: config_print writes an unset one so. */
static int parse_prefix6(struct parser *p, const struct key *k, const char *val,
			 unsigned int line)
{
	struct l2sec_config *cfg = p->cfg;
	size_t len = strcspn(val, "/");
	char a[INET6_ADDRSTRLEN];
	struct in6_addr in6;
	unsigned int plen;

	if (!*val) {
		memset(&cfg->ipv6_prefix, 0, sizeof(cfg->ipv6_prefix));
		cfg->ipv6_prefix_len = 0;
		return 0;
	}
	if (len >= sizeof(a) || !val[len])
		goto bad;
	memcpy(a, val, len);
	a[len] = '\0';
	if (inet_pton(AF_INET6, a, &in6) != 1 || parse_plen(val + len + 1, 128, &plen))
		goto bad;
	if (plen < k->min || plen > k->max) {
		perr(p, line, "[%s] %s: the length must be %u to %u (two /64s at least)",
		     k->section, k->name, k->min, k->max);
		return -1;
	}
	for (unsigned int i = plen; i < 128; i++) {
		if (in6.s6_addr[i / 8] & (0x80 >> (i % 8))) {
			perr(p, line, "[%s] %s: '%s' is not a prefix (host bits are set)",
			     k->section, k->name, val);
			return -1;
		}
	}
	/* multicast, link-local, and ::/8 (unspecified, loopback, IPv4-mapped) */
	if (in6.s6_addr[0] == 0xff || in6.s6_addr[0] == 0 ||
	    (in6.s6_addr[0] == 0xfe && (in6.s6_addr[1] & 0xc0) == 0x80)) {
		perr(p, line, "[%s] %s: '%s' is not a unicast prefix", k->section, k->name, val);
		return -1;
	}
	cfg->ipv6_prefix = in6;
	cfg->ipv6_prefix_len = plen;
	return 0;
bad:
	perr(p, line, "[%s] %s: '%s' is not an IPv6 prefix A/N", k->section, k->name, val);
	return -1;
}

/*
 * A domain name (RFC 1035 2.3.1, RFC 1123 2.1): labels of 1..63 letters,
 * digits, '-' (not first or last) and '_' (service names such as
 * _msdcs), 253 characters in all; one trailing dot (the root) is allowed
 * and left out of out. A name whose last label is all digits is refused:
 * no top-level domain is, and it is most likely an address typed into the
 * wrong key. Returns NULL, or why s is no domain name.
 */
const char *config_check_domain(const char *s, char out[CONFIG_DOMAIN_MAX + 1])
{
	size_t len = strlen(s), label = 0;
	bool digits = true;

	if (len && s[len - 1] == '.')
		len--;
	if (!len)
		return "is not a domain name";
	if (len > CONFIG_DOMAIN_MAX)
		return "is longer than 253 characters";
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '.';

		if (c == '.') {
			if (!label)
				return "has an empty label";
			if (s[i - 1] == '-')
				return "has a label ending in '-'";
			if (i == len && digits)
				return "ends in a numeric label (an address is no domain name)";
			label = 0;
			digits = true;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-' && c != '_')
			return "has a character other than letters, digits, '-', '_' and '.'";
		if (c == '-' && !label)
			return "has a label starting with '-'";
		if (++label > 63)
			return "has a label longer than 63 characters";
		if (!isdigit((unsigned char)c))
			digits = false;
	}
	memset(out, 0, CONFIG_DOMAIN_MAX + 1);	/* a plain value: no stray bytes */
	memcpy(out, s, len);
	return NULL;
}

/* An empty value unsets the name: config_print writes an unset one so. */
static int parse_domain(struct parser *p, const struct key *k, const char *val,
			unsigned int line, char *field)
{
	char name[CONFIG_DOMAIN_MAX + 1];
	const char *why;

	if (!*val) {
		field[0] = '\0';
		return 0;
	}
	why = config_check_domain(val, name);
	if (why) {
		perr(p, line, "[%s] %s: '%s' %s", k->section, k->name, val, why);
		return -1;
	}
	snprintf(field, k->size, "%s", name);
	return 0;
}

/*
 * What clients dial ([client] server): an address as it is, else a name as
 * parse_domain() takes it (a name whose last label is numeric is a mistyped
 * address, refused there). An empty value unsets it.
 */
static int parse_host(struct parser *p, const struct key *k, const char *val,
		      unsigned int line, char *field)
{
	struct in6_addr a;

	if (inet_pton(AF_INET, val, &a) == 1 || inet_pton(AF_INET6, val, &a) == 1) {
		snprintf(field, k->size, "%s", val);
		return 0;
	}
	return parse_domain(p, k, val, line, field);
}

/* --- lists ------------------------------------------------------------------- */

/* Store item i of a list; report an error with its line and return -1. */
typedef int (*item_fn)(struct parser *p, const struct key *k, const char *tok,
		       unsigned int i, unsigned int line);

static int item_listen(struct parser *p, const struct key *k, const char *tok,
		       unsigned int i, unsigned int line)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, tok, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
	} else if (inet_pton(AF_INET6, tok, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
	} else {
		perr(p, line, "[%s] %s: '%s' is not an IPv4 or IPv6 address",
		     k->section, k->name, tok);
		return -1;
	}
	p->cfg->listen[i] = ss;
	return 0;
}

static int item_auth(struct parser *p, const struct key *k, const char *tok,
		     unsigned int i, unsigned int line)
{
	for (size_t j = 0; j < ARRAY_SIZE(auth_names); j++) {
		if (strcmp(tok, auth_names[j].name))
			continue;
		if (p->cfg->ppp_auth & auth_names[j].bit) {
			perr(p, line, "[%s] %s: '%s' listed twice", k->section, k->name, tok);
			return -1;
		}
		p->cfg->ppp_auth |= auth_names[j].bit;
		return 0;
	}
	perr(p, line, "[%s] %s: '%s' is not mschapv2, chap-md5 or pap", k->section, k->name, tok);
	return -1;
}

/* A range of addresses a pool may hand out, into *r: 0, or -1 reported. */
static int parse_pool_range(struct parser *p, const struct key *k, const char *tok,
			    unsigned int line, struct config_range *r)
{
	uint32_t first, last;
	const char *why;

	why = parse_range(tok, &first, &last, &r->block);
	if (why) {
		perr(p, line, "[%s] %s: '%s' %s", k->section, k->name, tok, why);
		return -1;
	}
	if (last - first >= CONFIG_MAX_RANGE_SIZE) {
		perr(p, line, "[%s] %s: '%s' has more than %u addresses", k->section, k->name,
		     tok, CONFIG_MAX_RANGE_SIZE);
		return -1;
	}
	why = reserved_in4(first, last);
	if (why) {
		perr(p, line, "[%s] %s: '%s' includes %s", k->section, k->name, tok, why);
		return -1;
	}
	r->first.s_addr = htonl(first);
	r->last.s_addr = htonl(last);
	return 0;
}

static bool ranges_overlap(const struct config_range *a, const struct config_range *b)
{
	return ntohl(a->first.s_addr) <= ntohl(b->last.s_addr) &&
	       ntohl(b->first.s_addr) <= ntohl(a->last.s_addr);
}

static int item_pool(struct parser *p, const struct key *k, const char *tok,
		     unsigned int i, unsigned int line)
{
	struct config_range *pool = p->cfg->pool, r;

	if (parse_pool_range(p, k, tok, line, &r))
		return -1;
	for (unsigned int j = 0; j < i; j++) {
		if (ranges_overlap(&r, &pool[j])) {
			perr(p, line, "[%s] %s: '%s' overlaps range %u", k->section, k->name,
			     tok, j + 1);
			return -1;
		}
	}
	pool[i] = r;
	return 0;
}

/* "NAME:RANGE": a range of the pool NAME (Framed-Pool), disjoint from the others. */
static int item_named_pool(struct parser *p, const struct key *k, const char *tok,
			   unsigned int i, unsigned int line)
{
	struct config_named_range *np = p->cfg->named_pool;
	const char *colon = strchr(tok, ':');
	size_t n = colon ? (size_t)(colon - tok) : 0;
	struct config_range r;

	if (!n || n > CONFIG_POOL_NAME_MAX ||
	    strspn(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n) {
		perr(p, line, "[%s] %s: '%s' is not NAME:RANGE (a name of 1 to %u letters, "
		     "digits, '.', '_' or '-')", k->section, k->name, tok, CONFIG_POOL_NAME_MAX);
		return -1;
	}
	if (parse_pool_range(p, k, colon + 1, line, &r))
		return -1;
	for (unsigned int j = 0; j < i; j++) {
		if (ranges_overlap(&r, &np[j].r)) {
			perr(p, line, "[%s] %s: '%s' overlaps '%s' (entry %u)", k->section, k->name,
			     tok, np[j].name, j + 1);
			return -1;
		}
	}
	memcpy(np[i].name, tok, n);
	np[i].name[n] = '\0';
	np[i].r = r;
	return 0;
}

static int item_in4(struct parser *p, const struct key *k, const char *tok,
		    unsigned int i, unsigned int line)
{
	struct in_addr *a = (struct in_addr *)((char *)p->cfg + k->off);

	return parse_host4(p, k, tok, line, &a[i]);
}

static int item_in6(struct parser *p, const struct key *k, const char *tok,
		    unsigned int i, unsigned int line)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, tok, &a) != 1) {
		perr(p, line, "[%s] %s: '%s' is not an IPv6 address", k->section, k->name, tok);
		return -1;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_MULTICAST(&a)) {
		perr(p, line, "[%s] %s: '%s' is not a unicast address", k->section, k->name, tok);
		return -1;
	}
	p->cfg->dns6[i] = a;
	return 0;
}

/*
 * A network through the tunnel, A/N. /0 is refused: a default route through
 * the tunnel is the full tunnel, which an empty list already means (and
 * RFC 3442 clients would take it as their default gateway).
 */
const char *config_route_item(const char *tok, struct config_route *routes, unsigned int i)
{
	size_t len = strcspn(tok, "/");
	char a[INET_ADDRSTRLEN];
	uint32_t net, mask, last;
	unsigned int plen;

	if (len >= sizeof(a) || !tok[len])
		return "is not a network A/N";
	memcpy(a, tok, len);
	a[len] = '\0';
	if (parse_in4(a, &net) || parse_plen(tok + len + 1, 32, &plen))
		return "is not a network A/N";
	if (!plen)
		return "is a default route: for a full tunnel, leave routes empty";
	mask = UINT32_MAX << (32 - plen);
	if (net & ~mask)
		return "is not a network address (host bits are set)";
	last = net | ~mask;
	for (size_t j = 0; j < ARRAY_SIZE(unroutable4); j++)
		if (net >= unroutable4[j].first && last <= unroutable4[j].last)
			return unroutable4[j].what;
	for (unsigned int j = 0; j < i; j++)
		if (routes[j].net.s_addr == htonl(net) && routes[j].plen == plen)
			return "listed twice";
	routes[i].net.s_addr = htonl(net);
	routes[i].plen = plen;
	return NULL;
}

const char *config_search_item(const char *tok, char (*search)[CONFIG_DOMAIN_MAX + 1],
			       unsigned int i)
{
	char name[CONFIG_DOMAIN_MAX + 1];
	const char *why = config_check_domain(tok, name);

	if (why)
		return why;
	for (unsigned int j = 0; j < i; j++)
		if (!strcasecmp(search[j], name))
			return "listed twice";
	memcpy(search[i], name, sizeof(name));
	return NULL;
}

static int item_route(struct parser *p, const struct key *k, const char *tok,
		      unsigned int i, unsigned int line)
{
	const char *why = config_route_item(tok, p->cfg->routes, i);

	if (why) {
		perr(p, line, "[%s] %s: '%s' %s", k->section, k->name, tok, why);
		return -1;
	}
	return 0;
}

static int item_search(struct parser *p, const struct key *k, const char *tok,
		       unsigned int i, unsigned int line)
{
	const char *why = config_search_item(tok, p->cfg->dns_search, i);

	if (why) {
		perr(p, line, "[%s] %s: '%s' %s", k->section, k->name, tok, why);
		return -1;
	}
	return 0;
}

/* The network of "ADDR[/PLEN]" into c (host bits must be zero); NULL or why not. */
static const char *dae_net(char *tok, struct config_dae_client *c)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&c->net;
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->net;
	char *slash = strchr(tok, '/');
	unsigned int plen, max, i;
	uint8_t *b;

	if (slash)
		*slash = '\0';
	memset(&c->net, 0, sizeof(c->net));
	if (inet_pton(AF_INET, tok, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		b = (uint8_t *)&sin->sin_addr;
		max = 32;
	} else if (inet_pton(AF_INET6, tok, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		b = sin6->sin6_addr.s6_addr;
		max = 128;
	} else {
		return "is not an IPv4 or IPv6 address or network";
	}
	plen = max;
	if (slash && (parse_plen(slash + 1, max, &plen) || !plen))
		return "has a prefix length that is not 1 to 32 (IPv4) or 128 (IPv6)";
	for (i = plen; i < max; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return "is not a network address (host bits are set)";
	c->plen = (uint8_t)plen;
	return NULL;
}

const char *config_dae_client_item(const char *tok, struct config_dae_client *clients,
				   unsigned int i)
{
	struct config_dae_client *c = &clients[i];
	char buf[INI_MAX_LINE + 1], *eq;
	const char *why;

	snprintf(buf, sizeof(buf), "%s", tok);
	eq = strchr(buf, '=');
	if (eq)
		*eq++ = '\0';
	why = dae_net(buf, c);
	if (why)
		return why;
	c->secret_file[0] = '\0';
	if (eq && (*eq != '/' || strlen(eq) >= sizeof(c->secret_file)))
		return "has a secret file that is not an absolute path (of at most 255 characters)";
	if (eq)
		memcpy(c->secret_file, eq, strlen(eq) + 1);
	for (unsigned int j = 0; j < i; j++)
		if (clients[j].plen == c->plen && !memcmp(&clients[j].net, &c->net, sizeof(c->net)))
			return "is listed twice";
	return NULL;
}

static int item_dae(struct parser *p, const struct key *k, const char *tok,
		    unsigned int i, unsigned int line)
{
	const char *why = config_dae_client_item(tok, p->cfg->radius.dae_clients, i);

	if (why) {
		perr(p, line, "[%s] %s: '%s' %s", k->section, k->name, tok, why);
		return -1;
	}
	return 0;
}

/* The items on one line of a list key, stored from *n on; *n counts them. */
static int parse_items(struct parser *p, const struct key *k, const char *val,
		       unsigned int line, unsigned int *n, item_fn item)
{
	char buf[INI_MAX_LINE + 1];
	char *save = NULL, *tok;
	int ret = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	/* a bad item is left out and the rest still read: every one is reported */
	for (tok = strtok_r(buf, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		if (*n == k->max) {
			perr(p, line, "[%s] %s: more than %u entries", k->section, k->name, k->max);
			ret = -1;
			break;
		}
		if (item(p, k, tok, *n, line))
			ret = -1;
		else
			(*n)++;
	}
	explicit_bzero(buf, sizeof(buf));
	if (!*n && k->min && !ret) {
		perr(p, line, "[%s] %s: needs at least one entry", k->section, k->name);
		return -1;
	}
	return ret;
}

/* A list's key line starts it afresh; a continuation line adds to it. */
static int parse_list(struct parser *p, const struct key *k, const char *val,
		      unsigned int line, bool cont)
{
	struct l2sec_config *cfg = p->cfg;
	struct in_addr *in4 = (struct in_addr *)((char *)cfg + k->off);
	unsigned int n = 0;

	switch (k->type) {
	case K_ADDRS:
		if (!cont)
			cfg->n_listen = 0;
		return parse_items(p, k, val, line, &cfg->n_listen, item_listen);
	case K_POOL:
		if (!cont)
			cfg->n_pool = 0;
		return parse_items(p, k, val, line, &cfg->n_pool, item_pool);
	case K_NAMED_POOLS:
		if (!cont)
			cfg->n_named_pool = 0;
		return parse_items(p, k, val, line, &cfg->n_named_pool, item_named_pool);
	case K_IN6S:
		if (!cont)
			cfg->n_dns6 = 0;
		return parse_items(p, k, val, line, &cfg->n_dns6, item_in6);
	case K_ROUTES:
		if (!cont)
			cfg->n_routes = 0;
		return parse_items(p, k, val, line, &cfg->n_routes, item_route);
	case K_DOMAINS:
		if (!cont)
			cfg->n_dns_search = 0;
		return parse_items(p, k, val, line, &cfg->n_dns_search, item_search);
	case K_DAE:
		if (!cont)
			cfg->radius.n_dae_clients = 0;
		return parse_items(p, k, val, line, &cfg->radius.n_dae_clients, item_dae);
	case K_AUTH:
		if (!cont)
			cfg->ppp_auth = 0;
		n = (unsigned int)__builtin_popcount(cfg->ppp_auth);
		return parse_items(p, k, val, line, &n, item_auth);
	case K_IN4S:
		/* no count: the array ends at its first 0.0.0.0, never a valid entry */
		if (!cont)
			memset(in4, 0, k->max * sizeof(*in4));
		while (n < k->max && in4[n].s_addr)
			n++;
		return parse_items(p, k, val, line, &n, item_in4);
	default:
		return -1;
	}
}

static bool is_list(const struct key *k)
{
	return k->type >= K_AUTH;
}

static int set_value(struct parser *p, const struct key *k, const char *val,
		     unsigned int line, bool cont)
{
	void *field = (char *)p->cfg + k->off;
	unsigned long long v;
	const char *end;
	int i;

	if (is_list(k))
		return parse_list(p, k, val, line, cont);
	if (cont) {
		perr(p, line, "[%s] %s: only a list goes on over indented lines "
		     "(is this line indented by mistake?)", k->section, k->name);
		return -1;
	}
	switch (k->type) {
	case K_UINT:
		if (parse_uint(val, &v, &end) || *end)
			goto bad_number;
		if (v < k->min || v > k->max)
			goto range;
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case K_MS:
		if (parse_uint(val, &v, &end))
			goto bad_number;
		if (!strcmp(end, "ms"))
			;
		else if (!*end || !strcmp(end, "s"))
			v = v > ULLONG_MAX / 1000 ? ULLONG_MAX : v * 1000;
		else
			goto bad_number;
		if ((v < k->min && v != 0) || v > k->max || (v == 0 && k->min))
			goto range;
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case K_BOOL:
		if (!strcasecmp(val, "yes") || !strcasecmp(val, "true") || !strcmp(val, "1") ||
		    !strcasecmp(val, "on"))
			*(bool *)field = true;
		else if (!strcasecmp(val, "no") || !strcasecmp(val, "false") ||
			 !strcmp(val, "0") || !strcasecmp(val, "off"))
			*(bool *)field = false;
		else
			goto bad;
		return 0;
	case K_STRING:
		if (strlen(val) < k->min || strlen(val) > k->max) {
			perr(p, line, "[%s] %s: length must be %u to %u characters",
			     k->section, k->name, k->min, k->max);
			return -1;
		}
		snprintf(field, k->size, "%s", val);
		return 0;
	case K_LOGLEVEL:
		i = log_level_parse(val);
		if (i < LOG_ERR)
			goto bad;
		*(int *)field = i;
		return 0;
	case K_LOGTARGET:
		if (!strcmp(val, "stderr"))
			*(int *)field = LOG_TARGET_STDERR;
		else if (!strcmp(val, "syslog"))
			*(int *)field = LOG_TARGET_SYSLOG;
		else
			goto bad;
		return 0;
	case K_DATAPATH:
		for (i = 0; i < (int)ARRAY_SIZE(datapath_names); i++) {
			if (!strcmp(val, datapath_names[i])) {
				*(int *)field = i;
				return 0;
			}
		}
		perr(p, line, "[%s] %s: '%s' is not auto, kernel or tun", k->section, k->name, val);
		return -1;
	case K_MODP1024:
		return parse_modp1024(p, k, val, line, field);
	case K_IN4:
		return parse_host4(p, k, val, line, field);
	case K_PREFIX6:
		return parse_prefix6(p, k, val, line);
	case K_DOMAIN:
		return parse_domain(p, k, val, line, field);
	case K_HOST:
		return parse_host(p, k, val, line, field);
	case K_AUTHSOURCE:
		for (i = 0; i < (int)ARRAY_SIZE(auth_source_names); i++) {
			if (!strcmp(val, auth_source_names[i])) {
				*(enum config_auth_source *)field = i;
				return 0;
			}
		}
		perr(p, line, "[%s] %s: '%s' is not users, radius or users-then-radius",
		     k->section, k->name, val);
		return -1;
	default:
		break;
	}
bad:
	perr(p, line, "[%s] %s: invalid value", k->section, k->name);
	return -1;
bad_number:
	perr(p, line, "[%s] %s: '%s' is not a %s", k->section, k->name, val,
	     k->type == K_MS ? "duration (N, Ns or Nms)" : "number");
	return -1;
range:
	if (k->type == K_MS)
		perr(p, line, "[%s] %s: must be %s%ums to %ums", k->section, k->name,
		     k->min ? "" : "0 or ", k->min ? k->min : 1, k->max);
	else
		perr(p, line, "[%s] %s: must be %u to %u", k->section, k->name, k->min, k->max);
	return -1;
}

/* Debian's inih (55) leaves an inline comment on a continuation line. */
static const char *strip_comment(const char *val, char *buf, size_t size)
{
	char *s;

	snprintf(buf, size, "%s", val);
	for (s = buf; (s = strchr(s, ';')); s++) {
		if (s > buf && isspace((unsigned char)s[-1])) {
			*s = '\0';
			while (s > buf && isspace((unsigned char)s[-1]))
				*--s = '\0';
			break;
		}
	}
	return buf;
}

static bool is_secret(const struct key *k);

/*
 * inih ends a value at ';' after whitespace (an inline comment), silently:
 * "psk = abc ;def" would load the key "abc" and no client could connect. A
 * '#' after whitespace reads as a comment to a human. In a secret both are
 * refused; the message never shows the secret. raw is the key's line.
 */
static int check_secret_comment(struct parser *p, const struct key *k, const char *raw)
{
	const char *s = raw + strcspn(raw, "=:");

	for (; *s; s++) {
		if ((s[1] == ';' || s[1] == '#') && isspace((unsigned char)s[0])) {
			perr(p, p->line, "[%s] %s: '%c' after a space or tab starts a comment "
			     "in this file, so the value would end there; remove the "
			     "whitespace before it or choose a value without it",
			     k->section, k->name, s[1]);
			return -1;
		}
	}
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	unsigned int line = p->line;
	bool known_section = false;
	char buf[INI_MAX_LINE + 1];

	p->handled = true;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!strcmp(section, sections[i]))
			known_section = true;
	if (!*section) {
		perr(p, line, "'%s' outside of any [section]", name);
		return 1;
	}
	if (!known_section)
		return 1;	/* reported once, at its header line */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];
		bool cont;

		if (strcmp(k->section, section) || strcmp(k->name, name))
			continue;
		/* inih continues a key's value on an indented line after it */
		cont = p->last_key == (int)i && (p->raw[0] == ' ' || p->raw[0] == '\t');
		if (!cont && p->key_line[i]) {
			perr(p, line, "[%s] %s: already set on line %u", section, name,
			     p->key_line[i]);
			return 1;
		}
		if (cont)
			value = strip_comment(value, buf, sizeof(buf));
		else
			p->key_line[i] = line;
		p->last_key = (int)i;
		if (is_secret(k) && check_secret_comment(p, k, p->raw)) {
			p->key_bad[i] = true;
			return 1;
		}
		/* "key=;x" would be ";x", "key = ;x" (as -p prints) a comment */
		if (*value == ';') {
			perr(p, line, "[%s] %s: a value cannot start with ';' (a comment)",
			     section, name);
			p->key_bad[i] = true;
			return 1;
		}
		if (set_value(p, k, value, line, cont))
			p->key_bad[i] = true;
		return 1;	/* go on: report every error */
	}
	p->last_key = -1;
	perr(p, line, "[%s]: unknown key '%s'", section, name);
	return 1;
}

/*
 * A section twice: inih would merge them, and a key set in both is already
 * refused; but two [ipsec] in one file mostly mean a pasted block the
 * operator believes is separate. Its keys are still read and checked.
 */
static void check_section_once(struct parser *p, size_t i)
{
	if (p->section_line[i]) {
		perr(p, p->line, "section [%s] repeated (first on line %u): put its keys "
		     "under one header", sections[i], p->section_line[i]);
		return;
	}
	p->section_line[i] = p->line;
}

/* A line inih did not hand to the handler: fine if blank, comment or [section]. */
static void check_unhandled(struct parser *p)
{
	const char *s = p->raw;
	size_t len;

	if (p->handled || !p->line)
		return;
	p->handled = true;	/* checked: the last line comes here twice */
	if (p->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		const char *end = memchr(s, ']', len);
		char name[INI_MAX_LINE + 1];
		size_t n;

		p->last_key = -1;	/* inih continues no key after a header */
		if (!end) {
			perr(p, p->line, "section header without ']'");
			return;
		}
		/* the name as inih takes it: all between the brackets, spaces too */
		s++;
		n = (size_t)(end - s);
		memcpy(name, s, n);
		name[n] = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
			if (!strcmp(name, sections[i])) {
				check_section_once(p, i);
				return;
			}
		perr(p, p->line, "unknown section [%s]%s", name,
		     n && (isspace((unsigned char)name[0]) || isspace((unsigned char)name[n - 1])) ?
		     " (no spaces inside the brackets)" : "");
		return;
	}
	perr(p, p->line, "syntax error: expected 'key = value', '[section]' or a comment");
}

static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	bool nul = false;
	int c = EOF;
	size_t len;

	check_unhandled(p);
	/* not fgets: a NUL byte would hide the rest of the line from strlen */
	for (len = 0; len + 1 < (size_t)num && (c = fgetc(p->f)) != EOF;) {
		nul |= !c;
		str[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!len)
		return NULL;
	str[len] = '\0';
	p->line++;
	p->handled = false;
	if (c != '\n' && c != EOF && (c = fgetc(p->f)) != EOF) {
		while (c != EOF && c != '\n')
			c = fgetc(p->f);
		perr(p, p->line, "line longer than %d characters", num - 2);
		p->handled = true;
		strcpy(str, "\n");
	} else if (nul) {
		perr(p, p->line, "NUL character in the line");
		p->handled = true;
		strcpy(str, "\n");
	}
	snprintf(p->raw, sizeof(p->raw), "%s", str);
	return str;
}

static int key_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return (int)i;
	return -1;
}

/* The line that set a key, 0 when it kept its default. */
static unsigned int line_of(const struct parser *p, const char *name)
{
	int i = key_index(name);

	return i < 0 ? 0 : p->key_line[i];
}

/* A key whose own value had an error gets no cross-check: one error is enough. */
static bool key_ok(const struct parser *p, const char *name)
{
	int i = key_index(name);

	return i >= 0 && !p->key_bad[i];
}

/* "A", "A-B" or "A/N", as the pool key takes it. */
static void format_range(const struct config_range *r, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct in_addr net = { htonl(ntohl(r->first.s_addr) - 1) };

	if (r->block) {
		inet_ntop(AF_INET, &net, a, sizeof(a));
		snprintf(buf, size, "%s/%u", a, r->block);
		return;
	}
	inet_ntop(AF_INET, &r->first, a, sizeof(a));
	inet_ntop(AF_INET, &r->last, b, sizeof(b));
	if (r->first.s_addr == r->last.s_addr)
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%s-%s", a, b);
}

/* Our own address handed to a client would break both links. */
static void check_local_address(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;
	uint32_t local = ntohl(cfg->local_ipv4.s_addr);
	char a[INET_ADDRSTRLEN], r[2 * INET_ADDRSTRLEN];

	for (unsigned int i = 0; i < cfg->n_pool; i++) {
		if (local < ntohl(cfg->pool[i].first.s_addr) ||
		    local > ntohl(cfg->pool[i].last.s_addr))
			continue;
		inet_ntop(AF_INET, &cfg->local_ipv4, a, sizeof(a));
		format_range(&cfg->pool[i], r, sizeof(r));
		perr(p, line_of(p, "local-address") ?: line_of(p, "pool"),
		     "[ppp] local-address %s is inside the pool (%s)", a, r);
		return;
	}
}

void config_dhcp_answer(struct dhcp_answer *a, const struct l2sec_config *cfg,
			const struct users_split *sp)
{
	memset(a, 0, sizeof(*a));
	a->dns = cfg->dns;
	while (a->n_dns < 2 && cfg->dns[a->n_dns].s_addr)
		a->n_dns++;
	a->domain = sp ? sp->dns_domain : cfg->dns_domain;
	a->search = sp ? sp->dns_search : cfg->dns_search;
	a->n_search = sp ? sp->n_dns_search : cfg->n_dns_search;
	a->routes = sp ? sp->routes : cfg->routes;
	a->n_routes = sp ? sp->n_routes : cfg->n_routes;
	a->router = cfg->local_ipv4;
}

/* Named pools: disjoint from the pool, without our address. */
static void check_named_pools(struct parser *p)
{
	const struct l2sec_config *cfg = p->cfg;
	const struct config_range local = { .first = cfg->local_ipv4, .last = cfg->local_ipv4 };
	char r[2 * INET_ADDRSTRLEN];

	for (unsigned int i = 0; i < cfg->n_named_pool; i++) {
		const struct config_named_range *n = &cfg->named_pool[i];

		format_range(&n->r, r, sizeof(r));
		if (ranges_overlap(&n->r, &local))
			perr(p, line_of(p, "named-pools"),
			     "[ppp] named-pools: '%s:%s' holds local-address", n->name, r);
		for (unsigned int j = 0; j < cfg->n_pool; j++)
			if (ranges_overlap(&n->r, &cfg->pool[j]))
				perr(p, line_of(p, "named-pools"),
				     "[ppp] named-pools: '%s:%s' overlaps pool range %u", n->name,
				     r, j + 1);
	}
}

static void check_ppp(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;
	struct dhcp_answer a;
	size_t len;

	if (key_ok(p, "local-address") && key_ok(p, "pool"))
		check_local_address(p);
	if (key_ok(p, "local-address") && key_ok(p, "pool") && key_ok(p, "named-pools"))
		check_named_pools(p);
	if (cfg->ipv6_prefix_len && !cfg->ipv6 && key_ok(p, "ipv6"))
		perr(p, line_of(p, "ipv6-prefix"), "[ppp] ipv6-prefix is set but ipv6 is not yes");
	if (cfg->ipv6 && !cfg->ipv6_prefix_len && key_ok(p, "ipv6-prefix"))
		perr(p, line_of(p, "ipv6"), "[ppp] ipv6 = yes needs an ipv6-prefix");
	/* every DHCPINFORM answer fits whatever the link and the client (dhcp.h) */
	config_dhcp_answer(&a, cfg, NULL);
	len = dhcp_answer_len(&a);
	if (len > DHCP_MIN_MSG_LEN)
		perr(p, line_of(p, "dns-search") ?: line_of(p, "routes") ?: line_of(p, "dns-domain"),
		     "[ppp] routes, dns-domain and dns-search make a DHCPINFORM answer of %zu "
		     "octets, more than the %u every client takes: list fewer routes or search "
		     "domains", len, DHCP_MIN_MSG_LEN);
}

/* PSK or a certificate with its key and CA: never both, never half. */
static void check_ipsec(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;
	bool cert = cfg->cert_path[0] || cfg->key_path[0] || cfg->ca_path[0];

	if (cfg->psk[0] && cert)
		perr(p, line_of(p, "certificate") ?: line_of(p, "psk"),
		     "[ipsec] psk and certificate authentication are exclusive");
	else if (cert && !(cfg->cert_path[0] && cfg->key_path[0] && cfg->ca_path[0]))
		perr(p, line_of(p, "certificate") ?: line_of(p, "private-key") ?: line_of(p, "ca"),
		     "[ipsec] certificate authentication needs certificate, private-key and ca");
}

/* Every tunnel pins two peers (its source and its SA): they must fit the table. */
static void check_admit(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;

	if (cfg->l2tp.peer_table_size < 2 * cfg->l2tp.max_tunnels)
		perr(p, line_of(p, "peer-table-size") ?: line_of(p, "max-tunnels"),
		     "[l2tp] peer-table-size (%u) is less than twice max-tunnels (%u)",
		     cfg->l2tp.peer_table_size, cfg->l2tp.max_tunnels);
}

/* One "ADDR[:PORT]" (IPv6 with a port: "[ADDR]:PORT") into ss; NULL or why not. */
static const char *radius_server(char *tok, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char *host = tok, *colon = strrchr(tok, ':'), *end;
	unsigned long v;

	if (*tok == '[') {
		end = strchr(tok, ']');
		if (!end || (end[1] && end[1] != ':'))
			return "is not an address in brackets";
		*end = 0;
		host = tok + 1;
		colon = end[1] ? end + 1 : NULL;
	} else if (colon && strchr(tok, ':') != colon) {
		colon = NULL;		/* an IPv6 address without a port */
	}
	if (colon) {
		*colon = 0;
		errno = 0;
		v = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || v < 1 || v > 65535)
			return "has a port that is not 1 to 65535";
		port = (uint16_t)v;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		if (reserved_in4(ntohl(sin->sin_addr.s_addr), ntohl(sin->sin_addr.s_addr)) &&
		    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
			return "is not a host's address";
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr))
			return "is not a host's address";
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	} else {
		return "is not an IPv4 or IPv6 address";
	}
	return NULL;
}

int config_radius_servers(const char *list, uint16_t default_port,
			  struct sockaddr_storage out[CONFIG_RADIUS_MAX_SERVERS],
			  char *why, size_t why_len)
{
	char buf[256], tok_copy[256];
	char *save = NULL, *tok;
	const char *bad;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save)) {
		snprintf(tok_copy, sizeof(tok_copy), "%s", tok);
		if (n == CONFIG_RADIUS_MAX_SERVERS) {
			snprintf(why, why_len, "more than %u servers", CONFIG_RADIUS_MAX_SERVERS);
			return -1;
		}
		bad = radius_server(tok, default_port, &out[n]);
		for (int i = 0; !bad && i < n; i++)
			if (!memcmp(&out[i], &out[n], sizeof(out[n])))
				bad = "is listed twice";
		if (bad) {
			snprintf(why, why_len, "'%s' %s", tok_copy, bad);
			return -1;
		}
		n++;
	}
	return n;
}

static int check_radius_list(struct parser *p, const char *name, const char *list,
			     uint16_t port)
{
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[320];
	int n;

	if (!key_ok(p, name))
		return 0;
	n = config_radius_servers(list, port, ss, why, sizeof(why));
	if (n < 0)
		perr(p, line_of(p, name), "[radius] %s: %s", name, why);
	return n;
}

/*
 * [radius] dae-listen and dae-clients: both or neither, each client with a
 * secret.
 */
static void check_dae(struct parser *p)
{
	const struct config_radius *r = &p->cfg->radius;
	bool shared = r->secret[0] || r->secret_file[0];
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[320];
	int n;

	if (key_ok(p, "dae-listen") && r->dae_listen[0]) {
		n = config_radius_servers(r->dae_listen, 3799, ss, why, sizeof(why));
		if (n != 1)
			perr(p, line_of(p, "dae-listen"), "[radius] dae-listen: %s",
			     n < 0 ? why : "one local address, ADDR[:PORT]");
	}
	if (r->dae_listen[0] && !r->n_dae_clients && key_ok(p, "dae-clients"))
		perr(p, line_of(p, "dae-listen"), "[radius] dae-listen needs dae-clients");
	if (!r->dae_listen[0] && r->n_dae_clients)
		perr(p, line_of(p, "dae-clients"), "[radius] dae-clients needs dae-listen");
	for (unsigned int i = 0; i < r->n_dae_clients; i++)
		if (!r->dae_clients[i].secret_file[0] && !shared) {
			perr(p, line_of(p, "dae-clients"), "[radius] dae-clients: a client without "
			     "=FILE needs [radius] secret or secret-file");
			break;
		}
}

/*
 * [radius]: servers, one secret for them, the auth-source they need. What is
 * not wired yet is refused, so that no operator believes it works.
 */
static void check_radius(struct parser *p)
{
	const struct config_radius *r = &p->cfg->radius;
	struct in_addr a;
	int n_auth, n_acct;

	n_auth = check_radius_list(p, "auth-servers", r->auth_servers, 1812);
	n_acct = check_radius_list(p, "acct-servers", r->acct_servers, 1813);
	if (r->secret[0] && r->secret_file[0])
		perr(p, line_of(p, "secret-file"), "[radius] secret and secret-file are exclusive");
	else if ((n_auth > 0 || n_acct > 0) && !r->secret[0] && !r->secret_file[0])
		perr(p, line_of(p, "auth-servers") ?: line_of(p, "acct-servers"),
		     "[radius] servers need a secret or a secret-file");
	if (r->secret_file[0] && r->secret_file[0] != '/')
		perr(p, line_of(p, "secret-file"), "[radius] secret-file: not an absolute path");
	if (r->nas_ip[0] && inet_pton(AF_INET, r->nas_ip, &a) != 1)
		perr(p, line_of(p, "nas-ip-address"),
		     "[radius] nas-ip-address: '%s' is not an IPv4 address", r->nas_ip);
	if (r->auth_source != CONFIG_AUTH_USERS && !r->auth_servers[0] &&
	    key_ok(p, "auth-source"))
		perr(p, line_of(p, "auth-source"),
		     "[radius] auth-source = %s needs auth-servers", auth_source_names[r->auth_source]);
	if (r->acct_interim_ms && r->acct_interim_ms < CONFIG_ACCT_INTERIM_MIN_MS)
		perr(p, line_of(p, "acct-interim"),
		     "[radius] acct-interim: 0 (none) or at least %u s",
		     CONFIG_ACCT_INTERIM_MIN_MS / 1000);
	if (r->auth_servers[0] && r->auth_source == CONFIG_AUTH_USERS)
		perr(p, line_of(p, "auth-servers"),
		     "[radius] auth-servers without auth-source = radius or users-then-radius: "
		     "l2secd would not use them");
	check_dae(p);
}

static void check_whole(struct parser *p)
{
	struct l2sec_config *cfg = p->cfg;

	if (cfg->l2tp.rexmit_max_ms < cfg->l2tp.rexmit_initial_ms)
		perr(p, line_of(p, "retransmit-max") ?: line_of(p, "retransmit-initial"),
		     "[l2tp] retransmit-max (%ums) is less than retransmit-initial (%ums)",
		     cfg->l2tp.rexmit_max_ms, cfg->l2tp.rexmit_initial_ms);
	if (cfg->l2tp.max_sessions_per_tunnel > cfg->l2tp.max_sessions)
		perr(p, line_of(p, "max-sessions-per-tunnel") ?: line_of(p, "max-sessions"),
		     "[l2tp] max-sessions-per-tunnel (%u) exceeds max-sessions (%u)",
		     cfg->l2tp.max_sessions_per_tunnel, cfg->l2tp.max_sessions);
	check_admit(p);
	check_ppp(p);
	check_ipsec(p);
	check_radius(p);
}

/*
 * The lines read (the psk and secret among them) stay behind in inih's and
 * the handler's stack frames, which are dead once the parse returns: wipe
 * that much of the stack below the caller. Best effort: what the compiler
 * spilled elsewhere is not reached.
 */
static __attribute__((noinline)) void scrub_stack(void)
{
	char pad[8 * (INI_MAX_LINE + 1) + 4096];

	explicit_bzero(pad, sizeof(pad));
	__asm__ volatile("" : : "r"(pad) : "memory");
}

int config_parse_file(struct l2sec_config *cfg, FILE *f, const char *name,
		      config_error_fn err, void *arg)
{
	struct parser p = {
		.cfg = cfg, .file = name, .err = err ? err : config_log_error,
		.err_arg = arg, .f = f, .last_key = -1,
	};
	int ret;

	config_defaults(cfg);
	ret = ini_parse_stream(reader, &p, handler, &p);
	check_unhandled(&p);	/* the last line */
	if (ret < 0)
		perr(&p, 0, "cannot parse (out of memory)");
	else if (ret > 0 && !p.errors)
		perr(&p, (unsigned int)ret, "syntax error");	/* a case the reader missed */
	if (ferror(f))
		perr(&p, 0, "read error");
	scrub_stack();
	explicit_bzero(p.raw, sizeof(p.raw));
	check_whole(&p);
	return p.errors;
}

int config_load(struct l2sec_config *cfg, const char *path, config_error_fn err, void *arg)
{
	FILE *f = fopen(path, "r");
	char iobuf[4096];	/* stdio's buffer holds the file's text: ours, wiped */
	int n;

	if (!f) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		(err ? err : config_log_error)(arg, path, 0, msg);
		config_defaults(cfg);
		return 1;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	n = config_parse_file(cfg, f, path, err, arg);
	fclose(f);
	explicit_bzero(iobuf, sizeof(iobuf));
	return n;
}

/* --- printing ---------------------------------------------------------------- */

/* Long lists go on over indented lines, well inside inih's line length. */
#define PRINT_WIDTH 72

struct list_out {
	FILE *out;
	size_t col;
};

static void put_item(struct list_out *o, const char *item)
{
	size_t len = strlen(item);

	if (o->col + 1 + len > PRINT_WIDTH) {
		fputs("\n\t", o->out);
		o->col = 8;
	} else {
		fputc(' ', o->out);
		o->col++;
	}
	fputs(item, o->out);
	o->col += len;
}

/* "key =" and the items; an empty list stays "key =", which parses back. */
static void print_dae_client(const struct config_dae_client *c, struct list_out *o)
{
	const struct sockaddr_storage *ss = &c->net;
	const void *sa = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	char a[INET6_ADDRSTRLEN], item[INET6_ADDRSTRLEN + 8 + sizeof(c->secret_file)];

	inet_ntop(ss->ss_family, sa, a, sizeof(a));
	snprintf(item, sizeof(item), "%s/%u%s%s", a, c->plen, c->secret_file[0] ? "=" : "",
		 c->secret_file);
	put_item(o, item);
}

static void print_list(const struct l2sec_config *cfg, const struct key *k, FILE *out)
{
	const struct in_addr *in4 = (const void *)((const char *)cfg + k->off);
	struct list_out o = { out, strlen(k->name) + 2 };
	char a[2 * INET6_ADDRSTRLEN];

	fprintf(out, "%s =", k->name);
	switch (k->type) {
	case K_AUTH:
		for (size_t j = 0; j < ARRAY_SIZE(auth_names); j++)
			if (cfg->ppp_auth & auth_names[j].bit)
				put_item(&o, auth_names[j].name);
		break;
	case K_ADDRS:
		for (unsigned int j = 0; j < cfg->n_listen; j++) {
			const struct sockaddr_storage *ss = &cfg->listen[j];
			const void *sa = ss->ss_family == AF_INET ?
				(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
				(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

			put_item(&o, inet_ntop(ss->ss_family, sa, a, sizeof(a)));
		}
		break;
	case K_POOL:
		for (unsigned int j = 0; j < cfg->n_pool; j++) {
			format_range(&cfg->pool[j], a, sizeof(a));
			put_item(&o, a);
		}
		break;
	case K_NAMED_POOLS:
		for (unsigned int j = 0; j < cfg->n_named_pool; j++) {
			char r[2 * INET_ADDRSTRLEN];

			format_range(&cfg->named_pool[j].r, r, sizeof(r));
			snprintf(a, sizeof(a), "%s:%s", cfg->named_pool[j].name, r);
			put_item(&o, a);
		}
		break;
	case K_IN4S:
		for (unsigned int j = 0; j < k->max && in4[j].s_addr; j++)
			put_item(&o, inet_ntop(AF_INET, &in4[j], a, sizeof(a)));
		break;
	case K_IN6S:
		for (unsigned int j = 0; j < cfg->n_dns6; j++)
			put_item(&o, inet_ntop(AF_INET6, &cfg->dns6[j], a, sizeof(a)));
		break;
	case K_ROUTES:
		for (unsigned int j = 0; j < cfg->n_routes; j++) {
			char net[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &cfg->routes[j].net, net, sizeof(net));
			snprintf(a, sizeof(a), "%s/%u", net, cfg->routes[j].plen);
			put_item(&o, a);
		}
		break;
	case K_DOMAINS:
		for (unsigned int j = 0; j < cfg->n_dns_search; j++)
			put_item(&o, cfg->dns_search[j]);
		break;
	case K_DAE:
		for (unsigned int j = 0; j < cfg->radius.n_dae_clients; j++)
			print_dae_client(&cfg->radius.dae_clients[j], &o);
		break;
	default:
		break;
	}
	fputc('\n', out);
}

static void print_ms(FILE *out, unsigned int ms)
{
	if (ms % 1000 == 0)
		fprintf(out, "%us\n", ms / 1000);
	else
		fprintf(out, "%ums\n", ms);
}

static void print_value(const struct l2sec_config *cfg, const struct key *k, FILE *out)
{
	const void *field = (const char *)cfg + k->off;
	char addr[INET6_ADDRSTRLEN];

	switch (k->type) {
	case K_UINT:
		fprintf(out, "%u\n", *(const unsigned int *)field);
		break;
	case K_MS:
		print_ms(out, *(const unsigned int *)field);
		break;
	case K_BOOL:
		fprintf(out, "%s\n", *(const bool *)field ? "yes" : "no");
		break;
	case K_STRING:
	case K_DOMAIN:
	case K_HOST:
		fprintf(out, "%s\n", (const char *)field);
		break;
	case K_LOGLEVEL:
		fprintf(out, "%s\n", log_level_name(*(const int *)field));
		break;
	case K_LOGTARGET:
		fprintf(out, "%s\n", *(const int *)field == LOG_TARGET_SYSLOG ? "syslog" : "stderr");
		break;
	case K_DATAPATH:
		fprintf(out, "%s\n", datapath_names[*(const int *)field]);
		break;
	case K_MODP1024:
		fprintf(out, "%s\n", modp1024_names[*(const enum config_weak_dh *)field]);
		break;
	case K_AUTHSOURCE:
		fprintf(out, "%s\n", auth_source_names[*(const enum config_auth_source *)field]);
		break;
	case K_IN4:
		fprintf(out, "%s\n", inet_ntop(AF_INET, field, addr, sizeof(addr)));
		break;
	case K_PREFIX6:
		fprintf(out, "%s/%u\n", inet_ntop(AF_INET6, field, addr, sizeof(addr)),
			cfg->ipv6_prefix_len);
		break;
	default:
		break;
	}
}

/* Keys whose value config_print never shows. */
static bool is_secret(const struct key *k)
{
	return k->off == OFF(psk) || k->off == OFF(l2tp.secret) || k->off == OFF(radius.secret);
}

void config_print(const struct l2sec_config *cfg, FILE *out)
{
	const char *section = "";

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];
		const void *field = (const char *)cfg + k->off;

		if (strcmp(section, k->section)) {
			fprintf(out, "%s[%s]\n", *section ? "\n" : "", k->section);
			section = k->section;
		}
		if (is_list(k)) {
			print_list(cfg, k, out);
			continue;
		}
		if (((k->type == K_STRING || k->type == K_DOMAIN || k->type == K_HOST) &&
		     !*(const char *)field) ||
		    (k->type == K_PREFIX6 && !cfg->ipv6_prefix_len)) {
			fprintf(out, "%s =\n", k->name);	/* empty, unset */
			continue;
		}
		if (is_secret(k)) {
			fprintf(out, "%s = <hidden>\n", k->name);
			continue;
		}
		fprintf(out, "%s = ", k->name);
		print_value(cfg, k, out);
	}
}
