// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's control-socket replies as the l2sec tool reads them: any bytes, as
 * the answer to "show sessions", to "show stats" and to "version".
 *
 * Oracles besides the sanitizers: an accepted reply is a JSON object that
 * json-c writes and reads back; the daemon's session records that survive
 * the checks have ids in range, sorted, and the join finds each by its ids
 * (and nothing else); the JSON the tool prints parses back, with one element
 * per record; its text has no control byte but '\n' (a hostile user name
 * must not reach the terminal as an escape sequence); the selectors of
 * `session show` made of a record's own user, address, prefix and peer
 * select it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <json-c/json.h>

#include "cli.h"
#include "ctlc.h"
#include "daemon_cmd.h"
#include "dsess.h"
#include "print.h"

/* K's IPv4, when record D has one. */
static void kernel_ipv4(struct obj *k, const struct dsess *d)
{
	struct dsess_addr a;

	if (d->s[DSESS_IPV4] && !dsess_parse_addr(d->s[DSESS_IPV4], &a) && a.family == AF_INET) {
		k->ipv4.family = AF_INET;
		memcpy(k->ipv4.a, a.a, 4);
	}
}

/* How many records with D's ids have D's IPv4 (0: D has none). */
static size_t same_ipv4(const struct dsess_list *l, const struct dsess *d)
{
	struct obj k, o;
	size_t i, n = 0;

	memset(&k, 0, sizeof(k));
	kernel_ipv4(&k, d);
	if (k.ipv4.family != AF_INET)
		return 0;
	for (i = 0; i < l->n; i++) {
		if (l->v[i].tunnel_id != d->tunnel_id || l->v[i].session_id != d->session_id)
			continue;
		memset(&o, 0, sizeof(o));
		kernel_ipv4(&o, &l->v[i]);
		n += o.ipv4.family == AF_INET && !memcmp(o.ipv4.a, k.ipv4.a, 4);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* the lines about malformed members; keep the fuzzer's output readable */
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	cli_err_to(null);
	return 0;
}

/* Text output: nothing a terminal would take as a control sequence. */
static void check_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			abort();
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			abort();
	}
}

/* JSON output: parses back; the top level has N elements (-1: an object). */
static void check_json(const char *s, int n)
{
	struct json_object *o = json_tokener_parse(s);

	if (!o)
		abort();
	if (n < 0 ? !json_object_is_type(o, json_type_object) :
	    (!json_object_is_type(o, json_type_array) ||
	     json_object_array_length(o) != (size_t)n))
		abort();
	json_object_put(o);
}

/* A record is selected by its own user, IPv4 address, peer (and prefix). */
static void selectors(const struct dsess *d)
{
	struct dsess_sel sel = { 0 };
	char pfx[64];
	const char *p = d->s[DSESS_IPV6_PREFIX];
	size_t len;

	if (!dsess_sel_empty(&sel) || !dsess_sel_match(&sel, NULL, d))
		abort();
	if (d->s[DSESS_USER] && d->s[DSESS_USER][0])
		sel.user = d->s[DSESS_USER];
	/* dsess_parse checked these: they parse */
	if (d->s[DSESS_IPV4] && dsess_parse_addr(d->s[DSESS_IPV4], &sel.addr))
		abort();
	if (d->s[DSESS_PEER] && dsess_parse_peer(d->s[DSESS_PEER], &sel.peer))
		abort();
	/* the SA's remote is only bounded: it may not parse, and then is no selector */
	if (!sel.peer.family && d->has_sa && d->sa.remote)
		dsess_parse_peer(d->sa.remote, &sel.peer);
	if (!dsess_sel_match(&sel, NULL, d))
		abort();
	if (p) {
		len = strcspn(p, "/");
		if (len >= sizeof(pfx))
			abort();
		memcpy(pfx, p, len);
		pfx[len] = '\0';
		memset(&sel.addr, 0, sizeof(sel.addr));
		if (dsess_parse_addr(pfx, &sel.addr))
			abort();
		/* a v4-mapped prefix is an IPv4 address to the selector: not the prefix */
		if (sel.addr.family == AF_INET6 && !dsess_sel_match(&sel, NULL, d))
			abort();
	}
}

static void sessions(struct json_object *reply)
{
	struct dsess_list l;
	const struct dsess **match;
	unsigned int bad = 0;
	struct obj *k;
	size_t i, found, out_len;
	char *out;
	FILE *f;
	int json;

	if (dsess_parse(json_object_get(reply), &l, &bad)) {
		dsess_list_free(&l);
		return;
	}
	for (i = 0; i < l.n; i++) {
		const struct dsess *d = &l.v[i];

		if (d->tunnel_id < 1 || d->tunnel_id > 65535 ||
		    d->session_id < 1 || d->session_id > 65535)
			abort();
		if (i && (l.v[i - 1].tunnel_id > d->tunnel_id ||
			  (l.v[i - 1].tunnel_id == d->tunnel_id &&
			   l.v[i - 1].session_id > d->session_id)))
			abort();
		selectors(d);
	}

	/*
	 * The kernel's sessions: each of the daemon's, and one it has not. A
	 * session joins the record of its ids when it is the only one with them,
	 * else the one of them with its address, if exactly one has it (records
	 * sharing ids are other clients' tunnels: no guess).
	 */
	k = calloc(l.n + 1, sizeof(*k));
	match = calloc(l.n + 1, sizeof(*match));
	if (!k || !match)
		abort();
	for (i = 0; i <= l.n; i++) {
		k[i].has = OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID) |
			   OBJ_BIT(L2SEC_A_STATE);
		k[i].u[L2SEC_A_TUNNEL_ID] = i < l.n ? l.v[i].tunnel_id : 0;
		k[i].u[L2SEC_A_SESSION_ID] = i < l.n ? l.v[i].session_id : 0;
		k[i].u[L2SEC_A_STATE] = L2SEC_STATE_UP;
		if (i < l.n)	/* the module has the address l2secd reports */
			kernel_ipv4(&k[i], &l.v[i]);
	}
	found = dsess_join(k, l.n + 1, &l, match);
	if (found > l.n || match[l.n])
		abort();
	for (i = 0; i < l.n; i++) {
		const struct dsess *d = &l.v[i];
		bool shared = (i > 0 && l.v[i - 1].tunnel_id == d->tunnel_id &&
			       l.v[i - 1].session_id == d->session_id) ||
			      (i + 1 < l.n && l.v[i + 1].tunnel_id == d->tunnel_id &&
			       l.v[i + 1].session_id == d->session_id);

		if (shared ? match[i] != (same_ipv4(&l, d) == 1 ? d : NULL) : match[i] != d)
			abort();
	}

	for (json = 0; json < 2; json++) {
		f = open_memstream(&out, &out_len);
		if (!f)
			abort();
		print_begin(f, json ? PRINT_F_JSON : 0);
		for (i = 0; i < l.n; i++) {
			/* as `session show` prints a kernel session it joined */
			print_open_object(NULL);
			if (match[i])	/* as session_print_joined: nothing to add */
				dsess_print_extra(match[i]);
			print_nl();
			print_close_object();
			dsess_print(&l.v[i], 1);
		}
		if (print_end())
			abort();
		fclose(f);
		if (json)
			check_json(out, (int)(2 * l.n));
		else
			check_text(out, out_len);
		free(out);
	}
	free(match);
	free(k);
	dsess_list_free(&l);
}

static void daemon_record(struct json_object *reply)
{
	size_t out_len;
	char *out;
	FILE *f;
	int json;

	for (json = 0; json < 2; json++) {
		f = open_memstream(&out, &out_len);
		if (!f)
			abort();
		print_begin(f, json ? PRINT_F_JSON | PRINT_F_LINES : 0);
		/* one answer as both: a "version" and a "show stats" */
		daemon_print(reply, reply, 1);
		if (print_end())
			abort();
		fclose(f);
		if (json)
			check_json(out, -1);
		else
			check_text(out, out_len);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *reply, *again;
	const char *s;

	if (ctlc_parse((const char *)data, size, &reply))
		return 0;
	if (!json_object_is_type(reply, json_type_object))
		abort();
	s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN);
	again = s ? json_tokener_parse(s) : NULL;
	if (!again)
		abort();
	json_object_put(again);

	sessions(reply);
	daemon_record(reply);
	json_object_put(reply);
	return 0;
}
