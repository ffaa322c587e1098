// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec stats prometheus`: the Prometheus text exposition (prom.h).
 *
 *   # HELP l2sec_drops_total Packets the kernel module dropped, by reason.
 *   # TYPE l2sec_drops_total counter
 *   l2sec_drops_total{reason="no_ipsec"} 3
 *   ...
 *   l2sec_daemon_l2tp_tunnels_auth_failed_total 1
 *
 * Every family is written whole (HELP, TYPE, its samples) before the next,
 * as the format requires.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"
#include "cli.h"
#include "ctlc.h"
#include "prom.h"
#include "stats.h"

/* l2sec_daemon_ + a group + '_' + a counter (COUNTER_NAME_MAX) + _total */
#define PROM_NAME_MAX	128
#define PROM_KEY_MAX	64
#define PROM_LABEL_MAX	128

void prom_label_escape(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const char *esc;
	char one[2];

	if (!size)
		return;
	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '\\')
			esc = "\\\\";
		else if (ch == '"')
			esc = "\\\"";
		else if (ch == '\n')
			esc = "\\n";
		else {
			one[0] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
			one[1] = '\0';
			esc = one;
		}
		/* a whole escape or nothing: never half of "\\" at the end */
		if (n + strlen(esc) >= size)
			break;
		memcpy(out + n, esc, strlen(esc));
		n += strlen(esc);
	}
	out[n] = '\0';
}

void prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_one(FILE *f, const char *name, const char *type, const char *help,
		     uint64_t v)
{
	prom_head(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* The module's counters by their JSON name (obj_stat_name()). */
static const struct {
	unsigned int type;
	const char *name;
	const char *help;
} kstats[] = {
	{ L2SEC_STATS_A_RX_PACKETS, "l2sec_rx_packets_total",
	  "Packets the module delivered on the l2sec device." },
	{ L2SEC_STATS_A_RX_BYTES, "l2sec_rx_bytes_total",
	  "Inner bytes the module delivered on the l2sec device." },
	{ L2SEC_STATS_A_TX_PACKETS, "l2sec_tx_packets_total",
	  "Packets the module sent to peers." },
	{ L2SEC_STATS_A_TX_BYTES, "l2sec_tx_bytes_total",
	  "Inner bytes the module sent to peers." },
	{ L2SEC_STATS_A_TO_DAEMON, "l2sec_to_daemon_packets_total",
	  "Packets the module left for l2secd (control messages)." },
	{ L2SEC_STATS_A_RX_DROPS, "l2sec_rx_drops_total",
	  "Received packets the module dropped." },
	{ L2SEC_STATS_A_TX_DROPS, "l2sec_tx_drops_total",
	  "Packets to send that the module dropped." },
};

static void prom_count(FILE *f, const struct obj *ns, unsigned int type, const char *name,
		       const char *help)
{
	if (obj_has(ns, type))
		prom_one(f, name, "gauge", help, ns->u[type]);
}

static void prom_drop(const char *name, uint64_t v, void *ctx)
{
	fprintf(ctx, "l2sec_drops_total{reason=\"%s\"} %" PRIu64 "\n", name, v);
}

static void prom_drops(FILE *f, const struct obj_stats *s)
{
	if (!s->drops_has && !s->has_other)
		return;
	prom_head(f, "l2sec_drops_total", "counter",
		  "Packets the kernel module dropped, by reason.");
	stats_each_drop(s, prom_drop, f);
}

void prom_kernel(FILE *f, const struct obj *ns)
{
	const struct obj_stats *s;
	size_t i;

	prom_one(f, "l2sec_up", "gauge",
		 "Whether the l2sec kernel module answered (1) or not (0).", ns != NULL);
	if (!ns)
		return;
	prom_count(f, ns, L2SEC_A_SOCK_COUNT, "l2sec_sockets",
		   "L2TP sockets the module serves in this namespace.");
	prom_count(f, ns, L2SEC_A_TUNNEL_COUNT, "l2sec_tunnels",
		   "Tunnels in the module in this namespace.");
	prom_count(f, ns, L2SEC_A_SESSION_COUNT, "l2sec_sessions",
		   "Sessions in the module in this namespace.");
	if (!obj_has(ns, L2SEC_A_STATS))
		return;
	s = &ns->stats;
	for (i = 0; i < ARRAY_SIZE(kstats); i++)
		if (s->has & (1u << kstats[i].type))
			prom_one(f, kstats[i].name, "counter", kstats[i].help, s->v[kstats[i].type]);
	prom_drops(f, s);
}

/* l2secd's groups in "show stats" and the prefix of their families. */
static const struct {
	const char *key;
	const char *prefix;
} groups[] = {
	{ CTL_K_STATS, "l2tp" },
	{ CTL_K_PPP, "ppp" },
	{ CTL_K_ADMIT, "admit" },
	{ CTL_K_RX_REFUSED, "rx_refused" },
	{ CTL_K_TUN, "tun" },
	{ CTL_K_DHCP, "dhcp" },
	{ CTL_K_IPSEC, "ipsec" },
	{ CTL_K_IKE, "ike" },
	{ CTL_K_PRIVSEP, "privsep" },
};

/*
 * Members of a group that are levels, not counts: gauges, without _total, by
 * the name they get (a gauge may not end in _count: that is a summary's).
 */
static const char *prom_gauge(const char *group, const char *key)
{
	static const char *const gauges[][3] = {
		{ CTL_K_ADMIT, CTL_K_PEERS, "peers" },
		{ CTL_K_PPP, CTL_K_AUTH_THROTTLE_ENTRIES, "auth_throttle_entries" },
		{ CTL_K_IPSEC, CTL_K_SA_COUNT, "sas" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gauges); i++)
		if (!strcmp(group, gauges[i][0]) && !strcmp(key, gauges[i][1]))
			return gauges[i][2];
	return NULL;
}

/* l2secd names its counters [a-z0-9_]; anything else is not put in a name. */
static bool prom_key_ok(const char *k)
{
	size_t len = strlen(k);

	return len > 0 && len <= PROM_KEY_MAX &&
	       strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

static void prom_malformed(unsigned int *bad, const char *key)
{
	char safe[PROM_KEY_MAX + 1];

	cli_err("ignoring a malformed \"%s\" in l2secd's answer",
		ctlc_text(key, safe, sizeof(safe)));
	(*bad)++;
}

/* One member K=M of group G (prefix P): a counter or a gauge family. */
static void prom_member(FILE *f, const char *g, const char *p, const char *k,
			struct json_object *m, unsigned int *bad)
{
	char name[PROM_NAME_MAX], help[PROM_NAME_MAX + 64];
	const char *gauge = prom_gauge(p, k);
	uint64_t v;

	/* the ipsec group's words: charon's state is a gauge, the rest is not a number */
	if (!strcmp(p, "ipsec") && json_object_is_type(m, json_type_string)) {
		if (!strcmp(k, CTL_K_CHARON))
			prom_one(f, "l2sec_daemon_ipsec_charon_up", "gauge",
				 "Whether l2secd is connected to charon's VICI socket.",
				 !strcmp(json_object_get_string(m), CTL_V_UP));
		return;
	}
	if (!prom_key_ok(k) || !ctlc_u64(m, &v)) {
		prom_malformed(bad, k);
		return;
	}
	if (gauge)
		snprintf(name, sizeof(name), "l2sec_daemon_%s_%s", p, gauge);
	else
		snprintf(name, sizeof(name), "l2sec_daemon_%s_%s_total", p, k);
	snprintf(help, sizeof(help), "l2secd's %s %s (l2sec -s daemon show: %s.%s).",
		 gauge ? "level" : "counter", k, g, k);
	prom_one(f, name, gauge ? "gauge" : "counter", help, v);
}

static void prom_group(FILE *f, struct json_object *st, const char *key, const char *prefix,
		       unsigned int *bad)
{
	struct json_object *g;

	if (!json_object_object_get_ex(st, key, &g) || !g)
		return;
	if (!json_object_is_type(g, json_type_object)) {
		prom_malformed(bad, key);
		return;
	}
	json_object_object_foreach(g, k, m)
		prom_member(f, key, prefix, k, m, bad);
}

/* The daemon's levels at the top of "show stats". */
static const struct {
	const char *key;
	const char *help;
} dgauges[] = {
	{ CTL_K_TUNNELS, "Tunnels l2secd holds (established or being set up)." },
	{ CTL_K_HALF_OPEN, "Tunnels l2secd is still setting up." },
	{ CTL_K_SESSIONS, "Sessions l2secd holds." },
	{ CTL_K_POOL_SIZE, "IPv4 addresses in l2secd's pool." },
	{ CTL_K_POOL_IN_USE, "IPv4 addresses of the pool that are given out." },
	{ CTL_K_POOL6_SIZE, "IPv6 prefixes in l2secd's pool." },
	{ CTL_K_POOL6_IN_USE, "IPv6 prefixes of the pool that are given out." },
};

static void prom_info(FILE *f, struct json_object *ver, struct json_object *st,
		      unsigned int *bad)
{
	char version[PROM_LABEL_MAX], datapath[PROM_LABEL_MAX];
	const char *s;
	int r;

	version[0] = datapath[0] = '\0';
	r = ctlc_get_str(ver, CTL_K_VERSION, &s);
	if (r == 1)
		prom_label_escape(s, version, sizeof(version));
	else if (r < 0)
		prom_malformed(bad, "version");
	r = ctlc_get_str(st, CTL_K_DATAPATH, &s);
	if (r == 1)
		prom_label_escape(s, datapath, sizeof(datapath));
	else if (r < 0)
		prom_malformed(bad, "datapath");
	prom_head(f, "l2sec_daemon_info", "gauge", "l2secd's version and data path; always 1.");
	fprintf(f, "l2sec_daemon_info{version=\"%s\",datapath=\"%s\"} 1\n", version, datapath);
}

unsigned int prom_daemon(FILE *f, struct json_object *ver, struct json_object *st)
{
	char name[PROM_NAME_MAX];
	unsigned int bad = 0;
	uint64_t v;
	size_t i;

	prom_one(f, "l2sec_daemon_up", "gauge",
		 "Whether l2secd answered on its control socket (1) or not (0).",
		 ver && st);
	if (!ver || !st)
		return 0;
	prom_info(f, ver, st, &bad);
	for (i = 0; i < ARRAY_SIZE(dgauges); i++) {
		int r = ctlc_get_u64(st, dgauges[i].key, &v);

		if (r < 0)
			prom_malformed(&bad, dgauges[i].key);
		if (r != 1)
			continue;
		snprintf(name, sizeof(name), "l2sec_daemon_%s", dgauges[i].key);
		prom_one(f, name, "gauge", dgauges[i].help, v);
	}
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		prom_group(f, st, groups[i].key, groups[i].prefix, &bad);
	return bad;
}
