// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's session records: check, join with the kernel's, print (dsess.h).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr46.h"
#include "ctl_proto.h"
#include "cli.h"
#include "ctlc.h"
#include "dsess.h"
#include "print.h"

/* Lines about malformed members of one reply, at most; then a count. */
#define DSESS_REPORT_MAX 10

static const struct {
	const char *key;
	uint64_t max;
} u_members[DSESS_U_N] = {
	[DSESS_PEER_TUNNEL_ID] = { CTL_K_PEER_TUNNEL_ID, UINT16_MAX },
	[DSESS_PEER_SESSION_ID] = { CTL_K_PEER_SESSION_ID, UINT16_MAX },
	[DSESS_CALL_SERIAL] = { CTL_K_CALL_SERIAL, UINT32_MAX },
	[DSESS_TX_SPEED] = { CTL_K_TX_SPEED, UINT32_MAX },
	[DSESS_UPTIME_MS] = { CTL_K_UPTIME_MS, UINT64_MAX },
	[DSESS_PPP_RX] = { CTL_K_PPP_RX, UINT64_MAX },
	[DSESS_PPP_TX] = { CTL_K_PPP_TX, UINT64_MAX },
	[DSESS_MARK] = { CTL_K_MARK, UINT32_MAX },
	[DSESS_RX_PACKETS] = { CTL_K_DATA_RX_PACKETS, UINT64_MAX },
	[DSESS_RX_BYTES] = { CTL_K_DATA_RX_BYTES, UINT64_MAX },
	[DSESS_TX_PACKETS] = { CTL_K_DATA_TX_PACKETS, UINT64_MAX },
	[DSESS_TX_BYTES] = { CTL_K_DATA_TX_BYTES, UINT64_MAX },
	[DSESS_HANDLE] = { CTL_K_HANDLE, UINT32_MAX },
	[DSESS_PEER_PORT] = { CTL_K_PEER_PORT, UINT16_MAX },
};

/* Strings are checked for their form where they have one, else for length. */
enum { S_WORD, S_NAME, S_IPV4, S_IPV6_PREFIX, S_CLASS, S_ROUTES, S_ADDR };

static const struct {
	const char *key;
	int form;
} s_members[DSESS_S_N] = {
	[DSESS_STATE] = { CTL_K_STATE, S_WORD },
	[DSESS_DATAPATH] = { CTL_K_DATAPATH, S_WORD },
	[DSESS_USER] = { CTL_K_USER, S_NAME },
	[DSESS_PPP_PHASE] = { CTL_K_PPP_PHASE, S_WORD },
	[DSESS_IPV4] = { CTL_K_IPV4, S_IPV4 },
	[DSESS_IPV6_PREFIX] = { CTL_K_IPV6_PREFIX, S_IPV6_PREFIX },
	[DSESS_AUTH] = { CTL_K_AUTH, S_WORD },
	[DSESS_CLASS] = { CTL_K_CLASS, S_CLASS },
	[DSESS_ACCT_ID] = { CTL_K_ACCT_ID, S_WORD },
	[DSESS_ACCT_STATE] = { CTL_K_ACCT_STATE, S_WORD },
	[DSESS_POOL] = { CTL_K_POOL, S_WORD },
	[DSESS_FRAMED_ROUTES] = { CTL_K_FRAMED_ROUTES, S_ROUTES },
	[DSESS_PEER] = { CTL_K_PEER, S_ADDR },
};

static const char *const sa_keys[DSESS_SA_N] = {
	[DSESS_SA_MARK] = CTL_K_MARK,
	[DSESS_SA_REQID] = CTL_K_REQID,
	[DSESS_SA_SPI_IN] = CTL_K_SPI_IN,
	[DSESS_SA_SPI_OUT] = CTL_K_SPI_OUT,
};

#define SA_REMOTE_MAX 64	/* "[IPv6]:port" */
#define SA_REMOTE_ID_MAX 255

static void report(unsigned int *bad, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(unsigned int *bad, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if ((*bad)++ >= DSESS_REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cli_err("%s", line);
}

static bool ipv6_prefix_ok(const char *s)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *slash = strchr(s, '/');
	size_t len;
	uint32_t plen;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return false;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	len = strlen(slash + 1);
	if (!len || len > 3 || strspn(slash + 1, "0123456789") != len)
		return false;
	plen = (uint32_t)strtoul(slash + 1, NULL, 10);
	return plen >= 1 && plen <= 128 && inet_pton(AF_INET6, addr, &a) == 1;
}

/* "NET/PLEN,NET/PLEN": IPv4 prefixes, at most 16 (RADIUS_MAX_ROUTES). */
/* "NET/PLEN,...": Framed-Routes' IPv4 networks, then Framed-IPv6-Routes' prefixes (16 each). */
static bool routes_ok(const char *s)
{
	char net[INET6_ADDRSTRLEN];
	unsigned int n = 0;
	struct in6_addr a;

	while (*s && n++ < 32) {
		size_t len = strcspn(s, ","), alen = strcspn(s, "/");
		size_t plen = len > alen ? len - alen - 1 : 0;
		bool v6;

		if (alen >= len || alen >= sizeof(net) || !plen || plen > 3 ||
		    strspn(s + alen + 1, "0123456789") != plen ||
		    (plen > 1 && s[alen + 1] == '0'))
			return false;
		memcpy(net, s, alen);
		net[alen] = '\0';
		v6 = strchr(net, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, net, &a) != 1 ||
		    atoi(s + alen + 1) > (v6 ? 128 : 32))
			return false;
		s += len;
		if (*s == ',' && !*++s)
			return false;
	}
	return !*s && n;
}

static bool string_ok(const char *s, int form)
{
	struct dsess_addr pa;
	struct in_addr a;
	size_t len = strlen(s);

	switch (form) {
	case S_WORD:
		return len > 0 && len <= 32;
	case S_NAME:
		return len <= DSESS_USER_MAX;
	case S_IPV4:
		return inet_pton(AF_INET, s, &a) == 1;
	case S_IPV6_PREFIX:
		return ipv6_prefix_ok(s);
	case S_CLASS:	/* 253 octets, as text or "0x" and hex */
		return len > 0 && len <= 2 + 2 * 253;
	case S_ROUTES:
		return routes_ok(s);
	case S_ADDR:
		return !dsess_parse_addr(s, &pa) && !strchr(s, '/');
	}
	return false;
}

/* An SPI as l2secd writes it: one to eight hex digits ("c1d2e3f4"). */
static bool spi_ok(const char *s, uint32_t *v)
{
	size_t len = strlen(s);

	if (!len || len > 8 || strspn(s, "0123456789abcdefABCDEF") != len)
		return false;
	*v = (uint32_t)strtoul(s, NULL, 16);
	return true;
}

static void sa_bad(const struct dsess *d, unsigned int *bad, const char *key)
{
	report(bad, "l2secd's session %u in tunnel %u: ignoring a malformed \"sa\" member \"%s\"",
	       d->session_id, d->tunnel_id, key);
}

/* A string member of the SA, 1..MAX octets: 1 taken, 0 absent, -1 dropped. */
static int sa_str(struct json_object *sa, const char *key, size_t max, const char **out)
{
	const char *v;
	int r = ctlc_get_str(sa, key, &v);

	if (r != 1)
		return r;
	if (!*v || strlen(v) > max)
		return -1;
	*out = v;
	return 1;
}

/* "sa": the tunnel's SA, each member checked; a bad one is dropped, said. */
static void parse_sa(struct json_object *o, struct dsess *d, unsigned int *bad)
{
	struct dsess_sa *sa = &d->sa;
	struct json_object *j;
	const char *v;
	uint64_t n;
	bool b;
	int r;

	sa->encap = -1;
	if (!json_object_object_get_ex(o, CTL_K_SA, &j) || json_object_is_type(j, json_type_null))
		return;
	if (!json_object_is_type(j, json_type_object)) {
		report(bad, "l2secd's session %u in tunnel %u: ignoring a malformed \"sa\"",
		       d->session_id, d->tunnel_id);
		return;
	}
	d->has_sa = true;
	for (unsigned int i = 0; i < DSESS_SA_N; i++) {
		bool spi = i == DSESS_SA_SPI_IN || i == DSESS_SA_SPI_OUT;
		uint32_t u = 0;

		if (spi) {
			r = ctlc_get_str(j, sa_keys[i], &v);
			if (r == 1 && !spi_ok(v, &u))
				r = -1;
		} else {
			r = ctlc_get_u64(j, sa_keys[i], &n);
			if (r == 1 && n > UINT32_MAX)
				r = -1;
			u = (uint32_t)n;
		}
		if (r == 1) {
			sa->u[i] = u;
			sa->has |= 1u << i;
		} else if (r) {
			sa_bad(d, bad, sa_keys[i]);
		}
	}
	r = ctlc_get_bool(j, CTL_K_ENCAP, &b);
	if (r == 1)
		sa->encap = b;
	else if (r)
		sa_bad(d, bad, CTL_K_ENCAP);
	if (sa_str(j, CTL_K_REMOTE, SA_REMOTE_MAX, &sa->remote) < 0)
		sa_bad(d, bad, CTL_K_REMOTE);
	if (sa_str(j, CTL_K_REMOTE_ID, SA_REMOTE_ID_MAX, &sa->remote_id) < 0)
		sa_bad(d, bad, CTL_K_REMOTE_ID);
}

/* A boolean member into *out (-1 absent); a malformed one said. */
static void get_bool(struct json_object *o, struct dsess *d, const char *key, int *out,
		     unsigned int *bad)
{
	bool b;
	int r = ctlc_get_bool(o, key, &b);

	*out = -1;
	if (r == 1)
		*out = b;
	else if (r)
		report(bad, "l2secd's session %u in tunnel %u: ignoring a malformed \"%s\"",
		       d->session_id, d->tunnel_id, key);
}

/* 0 taken, -1 skipped (said why). */
static int parse_one(struct json_object *o, struct dsess *d, unsigned int *bad)
{
	uint64_t v;
	unsigned int i;
	int r;

	memset(d, 0, sizeof(*d));
	d->in_kernel = -1;
	d->require_ipsec = -1;
	d->sa.encap = -1;
	if (!json_object_is_type(o, json_type_object)) {
		report(bad, "skipping a malformed session record from l2secd: not an object");
		return -1;
	}
	if (ctlc_get_u64(o, CTL_K_TUNNEL_ID, &v) != 1 || v < 1 || v > UINT16_MAX) {
		report(bad, "skipping a malformed session record from l2secd: no valid tunnel_id");
		return -1;
	}
	d->tunnel_id = (uint32_t)v;
	if (ctlc_get_u64(o, CTL_K_SESSION_ID, &v) != 1 || v < 1 || v > UINT16_MAX) {
		report(bad, "skipping a malformed session record from l2secd: no valid session_id");
		return -1;
	}
	d->session_id = (uint32_t)v;
	for (i = 0; i < DSESS_U_N; i++) {
		r = ctlc_get_u64(o, u_members[i].key, &v);
		if (r == 1 && v <= u_members[i].max) {
			d->u[i] = v;
			d->has |= 1u << i;
		} else if (r) {
			report(bad, "l2secd's session %u in tunnel %u: ignoring a malformed \"%s\"",
			       d->session_id, d->tunnel_id, u_members[i].key);
		}
	}
	for (i = 0; i < DSESS_S_N; i++) {
		const char *s;

		r = ctlc_get_str(o, s_members[i].key, &s);
		if (r == 1 && string_ok(s, s_members[i].form))
			d->s[i] = s;
		else if (r)
			report(bad, "l2secd's session %u in tunnel %u: ignoring a malformed \"%s\"",
			       d->session_id, d->tunnel_id, s_members[i].key);
	}
	get_bool(o, d, CTL_K_IN_KERNEL, &d->in_kernel, bad);
	get_bool(o, d, CTL_K_REQUIRE_IPSEC, &d->require_ipsec, bad);
	parse_sa(o, d, bad);
	return 0;
}

static uint32_t sess_key(uint32_t tid, uint32_t sid)
{
	return tid << 16 | sid;
}

static int cmp_dsess(const void *a, const void *b)
{
	const struct dsess *x = a, *y = b;
	uint32_t kx = sess_key(x->tunnel_id, x->session_id);
	uint32_t ky = sess_key(y->tunnel_id, y->session_id);

	return (kx > ky) - (kx < ky);
}

int dsess_parse(struct json_object *reply, struct dsess_list *l, unsigned int *bad)
{
	struct json_object *arr;
	size_t n, i, objects;

	memset(l, 0, sizeof(*l));
	l->reply = reply;
	if (!json_object_object_get_ex(reply, CTL_K_SESSIONS, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		report(bad, "malformed reply from l2secd (no \"sessions\" array)");
		return -EBADMSG;
	}
	n = json_object_array_length(arr);
	/* room for the objects only: ctlc bounds their number, not that of numbers */
	for (i = 0, objects = 0; i < n; i++)
		objects += json_object_is_type(json_object_array_get_idx(arr, i), json_type_object);
	if (objects) {
		l->v = calloc(objects, sizeof(*l->v));
		if (!l->v)
			return -ENOMEM;
	}
	/* only an object parses, so at most `objects` land in l->v (NULL when 0) */
	for (i = 0; i < n; i++) {
		struct dsess d;

		if (!parse_one(json_object_array_get_idx(arr, i), &d, bad))
			l->v[l->n++] = d;
	}
	if (*bad > DSESS_REPORT_MAX)
		cli_err("... and %u more malformed members of l2secd's sessions",
			*bad - DSESS_REPORT_MAX);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_dsess);
	return 0;
}

/* D's strings as copies of their own (freed by drop_strings): 0, or -ENOMEM. */
static int own_strings(struct dsess *d)
{
	const char **p[DSESS_S_N + 2];
	size_t i, k = 0;

	for (i = 0; i < DSESS_S_N; i++)
		p[k++] = &d->s[i];
	p[k++] = &d->sa.remote;
	p[k++] = &d->sa.remote_id;
	for (i = 0; i < k; i++) {
		if (*p[i] && !(*p[i] = strdup(*p[i]))) {
			while (++i < k)
				*p[i] = NULL;	/* still the object's: not to be freed */
			return -ENOMEM;
		}
	}
	return 0;
}

static void drop_strings(struct dsess *d)
{
	for (size_t i = 0; i < DSESS_S_N; i++)
		free((char *)d->s[i]);
	free((char *)d->sa.remote);
	free((char *)d->sa.remote_id);
}

int dsess_list_add(struct json_object *o, void *arg)
{
	struct dsess_list *l = arg;
	struct dsess d;
	int err = 0;

	l->own = true;
	if (parse_one(o, &d, &l->bad))
		goto out;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct dsess *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v) {
			err = -ENOMEM;
			goto out;
		}
		l->v = v;
		l->cap = cap;
	}
	err = own_strings(&d);
	if (err)
		drop_strings(&d);
	else
		l->v[l->n++] = d;
out:
	json_object_put(o);
	return err;
}

void dsess_list_done(struct dsess_list *l)
{
	if (l->bad > DSESS_REPORT_MAX)
		cli_err("... and %u more malformed members of l2secd's sessions",
			l->bad - DSESS_REPORT_MAX);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_dsess);
}

void dsess_list_free(struct dsess_list *l)
{
	if (l->own)
		for (size_t i = 0; i < l->n; i++)
			drop_strings(&l->v[i]);
	free(l->v);
	json_object_put(l->reply);
	memset(l, 0, sizeof(*l));
}

const struct dsess *dsess_find(const struct dsess_list *l, uint32_t tid, uint32_t sid)
{
	struct dsess k = { .tunnel_id = tid, .session_id = sid };

	if (!l->n)
		return NULL;
	return bsearch(&k, l->v, l->n, sizeof(*l->v), cmp_dsess);
}

static bool addr_match(const struct dsess_addr *want, const struct obj *k, const struct dsess *d);

/*
 * Does record D carry the address the module has for kernel session K: its
 * IPv4, else a /64 of it (the selectors' match, on the record alone)?
 */
static bool same_address(const struct obj *k, const struct dsess *d)
{
	struct dsess_addr want = { .family = AF_INET6 };
	unsigned int i;

	if (k->ipv4.family == AF_INET) {
		want.family = AF_INET;
		memcpy(want.a, k->ipv4.a, 4);
		return addr_match(&want, NULL, d);
	}
	for (i = 0; i < k->n_pfx && i < OBJ_MAX_PFX; i++) {
		if (k->pfx[i].len != 64)
			continue;
		memcpy(want.a, k->pfx[i].a, 16);
		if (addr_match(&want, NULL, d))
			return true;
	}
	return false;
}

/* The first of L's records with K's ids into *FIRST, and the end of them: NULL if none. */
static const struct dsess *same_ids(const struct obj *k, const struct dsess_list *l,
				    const struct dsess **first)
{
	const struct dsess *d, *end;

	d = dsess_find(l, (uint32_t)k->u[L2SEC_A_TUNNEL_ID], (uint32_t)k->u[L2SEC_A_SESSION_ID]);
	if (!d)
		return NULL;	/* also an empty list, whose v may be NULL */
	for (*first = d; *first > l->v && !cmp_dsess(*first - 1, d); (*first)--)
		;
	for (end = d + 1; end < l->v + l->n && !cmp_dsess(end, d); end++)
		;
	return end;
}

/*
 * The record of kernel session K. Tunnel ids are unique per peer only, so
 * several records may carry K's tunnel and session ids: they are other
 * clients' tunnels too. The record's handle does not tell which is K's (it is
 * l2secd's name of the tunnel, which under privsep is not the module's); the
 * session's address does: l2secd claims each address for one session, and the
 * module refuses an address another session holds. So a record alone with
 * K's ids is joined, unless the list is filtered (l->filtered: the records
 * left out may hold another), else the one of them with K's address (its
 * IPv4, else its /64), else none: never a guess.
 */
static const struct dsess *join_one(const struct obj *k, const struct dsess_list *l)
{
	const struct dsess *d, *first, *end, *found = NULL;

	end = same_ids(k, l, &first);
	if (!end)
		return NULL;
	/* alone in a filtered list, it may still be another client's tunnel's */
	if (first + 1 == end && !l->filtered)
		return first;
	for (d = first; d < end; d++) {
		if (!same_address(k, d))
			continue;
		if (found)
			return NULL;
		found = d;
	}
	return found;
}

/* Has K an address (the kernel's IPv4, or a /64 as same_address reads them)? */
static bool k_has_address(const struct obj *k)
{
	unsigned int i;

	if (k->ipv4.family == AF_INET)
		return true;
	for (i = 0; i < k->n_pfx && i < OBJ_MAX_PFX; i++)
		if (k->pfx[i].len == 64)
			return true;
	return false;
}

/* Has D one (its "ipv4" or "ipv6_prefix")? */
static bool d_has_address(const struct dsess *d)
{
	return d->s[DSESS_IPV4] || d->s[DSESS_IPV6_PREFIX];
}

bool dsess_join_unsure(const struct obj *k, const struct dsess_list *l)
{
	const struct dsess *d, *first, *end;

	if (!l->filtered || !obj_has(k, L2SEC_A_TUNNEL_ID) || !obj_has(k, L2SEC_A_SESSION_ID))
		return false;
	end = same_ids(k, l, &first);
	if (!end)
		return false;
	if (!k_has_address(k))
		return true;
	for (d = first; d < end; d++)
		if (!d_has_address(d))
			return true;
	return false;
}

size_t dsess_join(const struct obj *k, size_t n, const struct dsess_list *l,
		  const struct dsess **match)
{
	size_t i, found = 0;

	for (i = 0; i < n; i++) {
		match[i] = NULL;
		if (!obj_has(&k[i], L2SEC_A_TUNNEL_ID) || !obj_has(&k[i], L2SEC_A_SESSION_ID))
			continue;
		match[i] = join_one(&k[i], l);
		found += match[i] != NULL;
	}
	return found;
}

/* --- selectors ---------------------------------------------------------------- */

/*
 * The LEN octets at S, an IPv4 or IPv6 address and nothing else: 0 or -1. A
 * v4-mapped IPv6 address is the IPv4 one (a dual-stack socket's view of it).
 */
static int addr_pton(const char *s, size_t len, struct dsess_addr *out)
{
	return addr46_pton(s, len, &out->family, out->a);
}

int dsess_parse_addr(const char *s, struct dsess_addr *out)
{
	const char *slash = strchr(s, '/');

	memset(out, 0, sizeof(*out));
	if (addr_pton(s, slash ? (size_t)(slash - s) : strlen(s), out))
		return -1;
	/* a session's IPv6 is a /64: an address in it, or the /64 itself */
	if (slash && (out->family != AF_INET6 || strcmp(slash + 1, "64"))) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

static int port_parse(const char *s, unsigned int *port)
{
	size_t len = strlen(s);
	unsigned long v;

	if (!len || len > 5 || strspn(s, "0123456789") != len)
		return -1;
	v = strtoul(s, NULL, 10);
	if (v < 1 || v > UINT16_MAX)
		return -1;
	*port = (unsigned int)v;
	return 0;
}

static int peer_parse(const char *s, struct dsess_addr *out)
{
	const char *end, *colon = strchr(s, ':');

	if (s[0] == '[') {	/* [IPv6] or [IPv6]:port */
		end = strchr(s, ']');
		if (!end || addr_pton(s + 1, (size_t)(end - s - 1), out))
			return -1;
		if (!end[1])
			return 0;
		return end[1] == ':' ? port_parse(end + 2, &out->port) : -1;
	}
	if (colon && !strchr(colon + 1, ':'))	/* one colon: IPv4:port */
		return addr_pton(s, (size_t)(colon - s), out) || out->family != AF_INET ||
		       port_parse(colon + 1, &out->port) ? -1 : 0;
	return addr_pton(s, strlen(s), out);	/* IPv4, or IPv6 without a port */
}

int dsess_parse_peer(const char *s, struct dsess_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!peer_parse(s, out))
		return 0;
	memset(out, 0, sizeof(*out));
	return -1;
}

bool dsess_sel_needs_daemon(const struct dsess_sel *sel)
{
	return sel->user || sel->peer.family;
}

bool dsess_sel_empty(const struct dsess_sel *sel)
{
	return !dsess_sel_needs_daemon(sel) && !sel->addr.family;
}

static bool addr_eq(const struct dsess_addr *x, const struct dsess_addr *y)
{
	return x->family == y->family && !memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16);
}

/* Is the IPv6 address A in P/PLEN (1..128)? */
static bool in_prefix(const uint8_t *a, const uint8_t *p, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (!plen || plen > 128 || memcmp(a, p, bytes))
		return false;
	return !bits || !((a[bytes] ^ p[bytes]) & (uint8_t)(0xff00 >> bits));
}

/* The daemon's "P/PLEN" (checked by ipv6_prefix_ok) holds A? */
static bool in_prefix_str(const uint8_t *a, const char *s)
{
	const char *slash = strchr(s, '/');
	struct dsess_addr p;

	return slash && !addr_pton(s, (size_t)(slash - s), &p) && p.family == AF_INET6 &&
	       in_prefix(a, p.a, (unsigned int)strtoul(slash + 1, NULL, 10));
}

static bool addr_match(const struct dsess_addr *want, const struct obj *k, const struct dsess *d)
{
	struct dsess_addr a;
	unsigned int i;

	if (want->family == AF_INET) {
		if (k && k->ipv4.family == AF_INET && !memcmp(k->ipv4.a, want->a, 4))
			return true;
		return d && d->s[DSESS_IPV4] && !dsess_parse_addr(d->s[DSESS_IPV4], &a) &&
		       addr_eq(&a, want);
	}
	for (i = 0; k && i < k->n_pfx && i < OBJ_MAX_PFX; i++)
		if (in_prefix(want->a, k->pfx[i].a, k->pfx[i].len))
			return true;
	return d && d->s[DSESS_IPV6_PREFIX] && in_prefix_str(want->a, d->s[DSESS_IPV6_PREFIX]);
}

static bool peer_is(const struct dsess_addr *want, const struct dsess_addr *have)
{
	return addr_eq(want, have) && (!want->port || want->port == have->port);
}

/* The tunnel's peer (the L2TP source), or its SA's remote (IKE's, NAT-T's port). */
static bool peer_match(const struct dsess_addr *want, const struct dsess *d)
{
	struct dsess_addr a;

	if (!d)
		return false;
	if (d->s[DSESS_PEER] && !dsess_parse_addr(d->s[DSESS_PEER], &a)) {
		if (d->has & (1u << DSESS_PEER_PORT))
			a.port = (unsigned int)d->u[DSESS_PEER_PORT];
		if (peer_is(want, &a))
			return true;
	}
	return d->has_sa && d->sa.remote && !dsess_parse_peer(d->sa.remote, &a) &&
	       peer_is(want, &a);
}

bool dsess_sel_match(const struct dsess_sel *sel, const struct obj *k, const struct dsess *d)
{
	if (sel->user && !(d && d->s[DSESS_USER] && !strcmp(d->s[DSESS_USER], sel->user)))
		return false;
	if (sel->addr.family && !addr_match(&sel->addr, k, d))
		return false;
	return !sel->peer.family || peer_match(&sel->peer, d);
}

bool dsess_sel_kernel_addr(const struct dsess_sel *sel, const struct obj *k)
{
	return sel->addr.family && addr_match(&sel->addr, k, NULL);
}

/* A string member: as is in JSON, made safe for a terminal in text (FMT). */
static void str(const struct dsess *d, unsigned int i, const char *fmt)
{
	char safe[1280];	/* 16 IPv4 and 16 IPv6 framed routes */

	if (!d->s[i])
		return;
	print_string(PRINT_JSON, s_members[i].key, NULL, d->s[i]);
	if (fmt)
		print_string(PRINT_FP, NULL, fmt, ctlc_text(d->s[i], safe, sizeof(safe)));
}

static void num(const struct dsess *d, unsigned int i, const char *fmt)
{
	if (d->has & (1u << i))
		print_u64(PRINT_ANY, u_members[i].key, fmt, d->u[i]);
}

static void sa_u(const struct dsess_sa *sa, unsigned int i, const char *fmt)
{
	if (sa->has & (1u << i))
		print_hex(PRINT_ANY, sa_keys[i], fmt, sa->u[i]);
}

/* The tunnel's SA as l2secd knows it: " sa spi-in 0x... spi-out 0x... ..." */
static void print_sa(const struct dsess_sa *sa)
{
	char safe[SA_REMOTE_ID_MAX + 1];

	print_open_object("sa");
	print_text(" sa");
	sa_u(sa, DSESS_SA_SPI_IN, " spi-in 0x%08x");
	sa_u(sa, DSESS_SA_SPI_OUT, " spi-out 0x%08x");
	sa_u(sa, DSESS_SA_MARK, " mark 0x%x");
	if (sa->has & (1u << DSESS_SA_REQID))
		print_uint(PRINT_ANY, "reqid", " reqid %u", sa->u[DSESS_SA_REQID]);
	if (sa->encap >= 0) {
		print_bool(PRINT_JSON, "encap", NULL, sa->encap);
		print_text(" encap %s", sa->encap ? "udp" : "esp");
	}
	if (sa->remote) {
		print_string(PRINT_JSON, "remote", NULL, sa->remote);
		print_string(PRINT_FP, NULL, " remote %s",
			     ctlc_text(sa->remote, safe, sizeof(safe)));
	}
	/* an identity may hold spaces (a certificate's DN): JSON only */
	if (sa->remote_id)
		print_string(PRINT_JSON, "remote_id", NULL, sa->remote_id);
	print_close_object();
}

/* The session's protection: its tunnel's SA, else what l2secd can say of it. */
static void print_ipsec(const struct dsess *d)
{
	bool mark = d->has & (1u << DSESS_MARK);

	if (d->require_ipsec >= 0)
		print_bool(PRINT_JSON, "require_ipsec", NULL, d->require_ipsec);
	if (mark)
		print_hex(d->has_sa ? PRINT_JSON : PRINT_ANY, "mark", " sa mark 0x%x",
			  (unsigned int)d->u[DSESS_MARK]);
	if (d->has_sa)
		print_sa(&d->sa);
	else if (!mark && d->require_ipsec == 0)
		print_text(" ipsec none");
	else if (!mark && d->require_ipsec == 1)
		print_text(" ipsec required");
}

void dsess_print_extra(const struct dsess *d)
{
	str(d, DSESS_USER, " user %s");
	str(d, DSESS_AUTH, " auth %s");
	str(d, DSESS_CLASS, " class %s");
	str(d, DSESS_ACCT_ID, " acct-session %s");
	str(d, DSESS_ACCT_STATE, " acct %s");
	str(d, DSESS_POOL, " pool %s");
	str(d, DSESS_FRAMED_ROUTES, " framed-routes %s");
	str(d, DSESS_DATAPATH, " datapath %s");
	str(d, DSESS_PPP_PHASE, NULL);
	str(d, DSESS_PEER, NULL);
	num(d, DSESS_PEER_PORT, NULL);
	print_ipsec(d);
}

void dsess_print(const struct dsess *d, int stats)
{
	print_open_object(NULL);
	print_uint(PRINT_ANY, "session_id", "session %u", d->session_id);
	print_uint(PRINT_ANY, "tunnel_id", " tunnel %u", d->tunnel_id);
	num(d, DSESS_PEER_SESSION_ID, " peer-session %" PRIu64);
	num(d, DSESS_PEER_TUNNEL_ID, " peer-tunnel %" PRIu64);
	str(d, DSESS_STATE, " state %s");
	str(d, DSESS_PPP_PHASE, " ppp %s");
	str(d, DSESS_USER, " user %s");
	str(d, DSESS_AUTH, " auth %s");
	str(d, DSESS_CLASS, " class %s");
	str(d, DSESS_ACCT_ID, " acct-session %s");
	str(d, DSESS_ACCT_STATE, " acct %s");
	str(d, DSESS_IPV4, " ipv4 %s");
	str(d, DSESS_POOL, " pool %s");
	str(d, DSESS_FRAMED_ROUTES, " framed-routes %s");
	str(d, DSESS_IPV6_PREFIX, " ipv6 %s");
	str(d, DSESS_DATAPATH, " datapath %s");
	str(d, DSESS_PEER, NULL);
	num(d, DSESS_PEER_PORT, NULL);
	print_ipsec(d);
	num(d, DSESS_CALL_SERIAL, NULL);
	num(d, DSESS_TX_SPEED, NULL);
	if (d->in_kernel >= 0)
		print_bool(PRINT_JSON, "in_kernel", NULL, d->in_kernel);
	if (stats && d->has & (1u << DSESS_PPP_RX | 1u << DSESS_PPP_TX | 1u << DSESS_UPTIME_MS))
		print_text("\n   ");
	if (stats && d->has & (1u << DSESS_PPP_RX | 1u << DSESS_PPP_TX))
		print_text(" ppp frames");
	num(d, DSESS_PPP_RX, stats ? " rx %" PRIu64 : NULL);
	num(d, DSESS_PPP_TX, stats ? " tx %" PRIu64 : NULL);
	if (stats && d->has & (1u << DSESS_RX_PACKETS | 1u << DSESS_TX_PACKETS))
		print_text(" data");
	num(d, DSESS_RX_PACKETS, stats ? " rx %" PRIu64 : NULL);
	num(d, DSESS_RX_BYTES, stats ? " packets %" PRIu64 " bytes" : NULL);
	num(d, DSESS_TX_PACKETS, stats ? " tx %" PRIu64 : NULL);
	num(d, DSESS_TX_BYTES, stats ? " packets %" PRIu64 " bytes" : NULL);
	num(d, DSESS_UPTIME_MS, NULL);
	if (stats && d->has & (1u << DSESS_UPTIME_MS))
		print_u64(PRINT_FP, NULL, " uptime %" PRIu64 "s", d->u[DSESS_UPTIME_MS] / 1000);
	print_nl();
	print_close_object();
}
