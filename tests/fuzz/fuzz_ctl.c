// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request handling (ctl.c): request lines as the
 * socket hands them to ctl_out, against an LNS with the PPP layer whose
 * tunnels and sessions a client dials, brings up and tears down meanwhile
 * (tests/fuzz/sess_fake.h).
 *
 * Input: one config byte, then records [op][len hi][len lo][payload]:
 *   0  a request: the payload up to its first '\n' (a '\r' before it
 *      dropped, as the socket does), at most 255 octets
 *   1  dial a tunnel and session;  2  bring one up (PAP user payload[0])
 *   3  a control message from the client (session ID, AVP list)
 *   4  advance the clock by payload[0] * 256 ms
 *   5  "del tunnel" / "del session" of a tunnel or session that exists
 *      (payload[0] picks it, bit 7: the tunnel), through ctl_handle
 *   6  start a listing as the socket writes it (ctl_out_start; payload[0]:
 *      bit 0 tunnels, bit 1 as lines, bit 2 of one session's tunnel ID
 *      (payload[1] picks it), bit 3 of a user (payload[2] picks it), bit 4
 *      without data counters, bit 5 of an address and bit 6 of a peer
 *      (payload[3] and [4] pick them)), ending the one under way
 *   7  the listing's next chunk (ctl_out_next): what is dialled, brought up,
 *      deleted and timed out between chunks is what the walk must survive
 * Oracles besides the sanitizers: every answer, as the socket writes it, is
 * one JSON object that prints and parses back, or as lines one object a
 * line and the end line counting them; "show tunnels" and "show sessions"
 * (and as lines without filters) list exactly the LNS's tunnels and
 * sessions, with filters only what they let through (that tunnel ID, that
 * user, that IPv4 address or one in the /64, that peer address); "show stats" counts agree with the tables; a del of an existing,
 * not closing object is "deleted" with its IDs, anything else an "error"
 * with a message. A listing's chunks stay within CTL_CHUNK and one element;
 * one that dials, deletes and times out between its chunks still is one
 * listing, as lines or as one JSON object with the listing's array.
 */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "sess_fake.h"

static int64_t get_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	CHECK(json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static size_t array_len(struct json_object *o, const char *k)
{
	struct json_object *v;

	CHECK(json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_array));
	return json_object_array_length(v);
}

static bool is_error(struct json_object *o)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "error", &v))
		return false;
	CHECK(json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0);
	CHECK(json_object_object_length(o) == 1);
	return true;
}

/* What a listing's filters let through (ctl_proto.h): the request's, as parsed by ctl.c. */
struct filter {
	uint16_t tid;			/* 0: any */
	bool by_user;
	char user[CTL_USER_MAX + 1];
	struct ctl_addr addr, peer;	/* family 0: any */
	bool no_counters;		/* no data counters in the records */
};

/* The address (its family's octets) of member K of O, text "ADDR" or "ADDR/64": 0 if none. */
static int member_addr(struct json_object *o, const char *k, uint8_t a[16])
{
	struct json_object *v;
	char buf[64];
	char *cut;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return 0;
	snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
	cut = strchr(buf, '/');
	if (cut)
		*cut = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a)) {	/* as ctl.c and the tool take it */
		memmove(a, a + 12, 4);
		return AF_INET;
	}
	return AF_INET6;
}

/* Does listed session O hold F's address (its ipv4, or its /64 has it)? */
static bool has_addr(const struct filter *f, struct json_object *o)
{
	uint8_t a[16];

	if (f->addr.family == AF_INET)
		return member_addr(o, "ipv4", a) == AF_INET && !memcmp(a, f->addr.a, 4);
	return member_addr(o, "ipv6_prefix", a) == AF_INET6 && !memcmp(a, f->addr.a, 8);
}

/* Is F's peer the listed session's tunnel's peer (the fake's tunnels have no SA)? */
static bool has_peer(const struct filter *f, struct json_object *o)
{
	uint8_t a[16];
	int family = member_addr(o, "peer", a);

	return family == f->peer.family && !memcmp(a, f->peer.a, family == AF_INET ? 4 : 16);
}

/* Does listed element O pass F? */
static bool passes(const struct filter *f, struct json_object *o)
{
	struct json_object *v;

	if (f->no_counters && (json_object_object_get_ex(o, "rx_packets", NULL) ||
			       json_object_object_get_ex(o, "tx_bytes", NULL)))
		return false;
	if (f->tid && get_int(o, "tunnel_id") != f->tid)
		return false;
	if (f->addr.family && !has_addr(f, o))
		return false;
	if (f->peer.family && !has_peer(f, o))
		return false;
	if (!f->by_user)
		return true;
	return json_object_object_get_ex(o, "user", &v) && json_object_is_type(v, json_type_string) &&
	       !strcmp(json_object_get_string(v), f->user);
}

/*
 * TEXT, a listing as lines: each line an object its filters let through, the
 * last the end line counting them; returns how many.
 */
static size_t check_lines(char *text, const char *list, const struct filter *f)
{
	struct json_object *o, *v;
	char *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		o = json_tokener_parse(line);
		CHECK(o && json_object_is_type(o, json_type_object));
		if (json_object_object_get_ex(o, "end", &v)) {
			CHECK(json_object_is_type(v, json_type_string) &&
			      !strcmp(json_object_get_string(v), list));
			CHECK(get_int(o, "count") == (int64_t)n);
			CHECK(!strtok_r(NULL, "\n", &save));
			json_object_put(o);
			return n;
		}
		CHECK(passes(f, o));
		n++;
		json_object_put(o);
	}
	CHECK(0);	/* no end line */
	return 0;
}

/* Appends what O holds to *TEXT (*LEN octets so far), as a client that read it. */
static void take(struct ctl_out *o, char **text, size_t *len)
{
	/* a chunk ends after the element that took it past CTL_CHUNK */
	CHECK(o->len <= CTL_CHUNK + 4096);
	*text = realloc(*text, *len + o->len + 1);
	CHECK(*text);
	if (o->len)	/* as lines nothing before the first chunk, and no buffer */
		memcpy(*text + *len, o->buf, o->len);
	*len += o->len;
	(*text)[*len] = '\0';
	o->off = o->len;
}

/*
 * One request, answered whole as the socket writes it, and checked against
 * the tables as they were before it.
 */
static void request(struct sfake *sf, const char *req)
{
	struct l2tp_lns *lns = sf->f->lns;
	struct ctl_src src = { .lns = lns, .ss = sf->ss };
	unsigned int tunnels = lns->n_tunnels, sessions = lns->n_sessions;
	struct json_object *res, *back;
	struct ctl_out o = { 0 };
	struct filter f = { 0 };
	char *text = NULL;
	size_t len = 0, n;
	bool lines;

	CHECK(ctl_out_start(&src, req, &o) == 0);
	for (;;) {
		take(&o, &text, &len);
		if (o.done)
			break;
		CHECK(ctl_out_next(&src, &o) == 0);
	}
	lines = o.lines;
	f.tid = o.tid;
	f.by_user = o.by_user;
	memcpy(f.user, o.user, sizeof(f.user));
	f.addr = o.addr;
	f.peer = o.peer;
	f.no_counters = o.no_counters;
	ctl_out_free(&o);
	CHECK(len && text[len - 1] == '\n');
	if (lines) {
		n = check_lines(text, strncmp(req, "show tunnels", 12) ? "sessions" : "tunnels", &f);
		if (!f.tid && !f.by_user && !f.addr.family && !f.peer.family)
			CHECK(n == (strncmp(req, "show tunnels", 12) ? sessions : tunnels));
		CHECK(n <= sessions || !strncmp(req, "show tunnels", 12));
		free(text);
		return;
	}
	text[len - 1] = '\0';
	CHECK(len < (1u << 24) && !strchr(text, '\n'));
	res = json_tokener_parse(text);
	CHECK(res && json_object_is_type(res, json_type_object));
	back = json_tokener_parse(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	CHECK(back && json_object_is_type(back, json_type_object));
	json_object_put(back);
	free(text);
	if (!strcmp(req, "show tunnels")) {
		CHECK(array_len(res, "tunnels") == tunnels);
	} else if (!strcmp(req, "show sessions")) {
		CHECK(array_len(res, "sessions") == sessions);
	} else if (!strcmp(req, "show stats")) {
		CHECK(get_int(res, "tunnels") == tunnels && get_int(res, "sessions") == sessions);
		CHECK(get_int(res, "half_open") == lns->n_half_open);
	} else if (!strcmp(req, "version")) {
		CHECK(!is_error(res));
	} else if (strncmp(req, "del ", 4)) {
		CHECK(is_error(res));
	}
	json_object_put(res);
}

static void del(struct sfake *sf, uint8_t k)
{
	struct l2tp_session *s = sf_session(sf, k & 0x7f);
	struct ctl_src src = { .lns = sf->f->lns, .ss = sf->ss };
	struct json_object *res, *o;
	uint16_t tid, sid;
	bool closing;
	char req[64];

	if (!s)
		return;
	tid = s->tunnel->tid;
	sid = s->sid;
	closing = s->tunnel->state == TUNNEL_CLOSING;
	if (k & 0x80)
		snprintf(req, sizeof(req), "del tunnel %u", tid);
	else
		snprintf(req, sizeof(req), "del session %u %u", tid, sid);
	res = ctl_handle(&src, req);
	if ((k & 0x80) && closing) {
		CHECK(is_error(res));
	} else {
		CHECK(json_object_object_get_ex(res, "deleted", &o));
		CHECK(get_int(o, "tunnel_id") == tid);
		if (!(k & 0x80))
			CHECK(get_int(o, "session_id") == sid);
	}
	json_object_put(res);
}

/* The listing under way (ops 6 and 7), what it wrote so far and its filters. */
static struct ctl_out lst;
static char *lst_text;
static size_t lst_len;
static struct filter lst_filter;
static const char *lst_list;

static void list_end(void)
{
	ctl_out_free(&lst);
	free(lst_text);
	lst_text = NULL;
	lst_len = 0;
}

/* The listing all written: the whole of it checked. */
static void list_check(void)
{
	struct json_object *o;

	if (lst.lines) {
		check_lines(lst_text, lst_list, &lst_filter);
		return;
	}
	o = json_tokener_parse(lst_text);
	CHECK(o && json_object_is_type(o, json_type_object));
	CHECK(json_object_object_length(o) == 1);
	json_object_object_foreach(o, k, a) {
		CHECK(!strcmp(k, lst_list));
		CHECK(json_object_is_type(a, json_type_array));
	}
	json_object_put(o);
}

static void list_next(struct sfake *sf)
{
	struct ctl_src src = { .lns = sf->f->lns, .ss = sf->ss };

	if (!lst_text || lst.done)
		return;
	CHECK(ctl_out_next(&src, &lst) == 0);
	take(&lst, &lst_text, &lst_len);
	if (lst.done)
		list_check();
}

/* The users of sess_fake.h's users file, and one nobody is. */
static const char *const list_users[] = { "alice", "bob", "carol", "nobody" };
/* Addresses of the default pool (config.c), the LAC's (sess_fake.h), one mapped, nobody's. */
static const char *const list_addrs[] = {
	"192.168.42.10", "192.168.42.11", "10.0.0.1", "::ffff:10.0.0.1", "::ffff:192.168.42.10",
	"2001:db8::1", "192.168.42.250", "10.0.0.2",
};

/*
 * A listing: P[0] bit 0 tunnels, bit 1 as lines, bit 2 of the tunnel of an
 * established session (P[1] picks it), bit 3 of a user (P[2] picks it), bit
 * 4 without the data counters, bit 5 of an address (P[3] picks it), bit 6 of
 * a peer (P[4] picks it).
 */
static void list_start(struct sfake *sf, const uint8_t *p, size_t n)
{
	struct ctl_src src = { .lns = sf->f->lns, .ss = sf->ss };
	uint8_t k = n ? p[0] : 0;
	struct l2tp_session *s;
	char req[192];
	int len;

	list_end();
	memset(&lst_filter, 0, sizeof(lst_filter));
	lst_list = k & 1 ? "tunnels" : "sessions";
	len = snprintf(req, sizeof(req), "show %s%s", lst_list, k & 2 ? " lines" : "");
	if ((k & 7) == 6 && (s = sf_session(sf, n > 1 ? p[1] : 0))) {
		lst_filter.tid = s->tunnel->tid;
		len += snprintf(req + len, sizeof(req) - (size_t)len, " tunnel %u",
				lst_filter.tid);
	}
	if ((k & 11) == 10) {
		lst_filter.by_user = true;
		strcpy(lst_filter.user, list_users[(n > 2 ? p[2] : 0) % 4]);
		len += snprintf(req + len, sizeof(req) - (size_t)len, " user %s", lst_filter.user);
	}
	if ((k & 35) == 34)
		len += snprintf(req + len, sizeof(req) - (size_t)len, " address %s",
				list_addrs[(n > 3 ? p[3] : 0) % 8]);
	if ((k & 67) == 66)
		len += snprintf(req + len, sizeof(req) - (size_t)len, " peer %s",
				list_addrs[(n > 4 ? p[4] : 0) % 8]);
	if ((k & 19) == 18) {
		lst_filter.no_counters = true;
		snprintf(req + len, sizeof(req) - (size_t)len, " no-counters");
	}
	CHECK(ctl_out_start(&src, req, &lst) == 0);
	CHECK(!lst.done && lst.len < 32);
	CHECK(lst.tid == lst_filter.tid && lst.by_user == lst_filter.by_user &&
	      lst.no_counters == lst_filter.no_counters);
	CHECK(!lst.addr.family == !((k & 35) == 34) && !lst.peer.family == !((k & 67) == 66));
	lst_filter.addr = lst.addr;	/* as parsed: an IPv4-mapped one is IPv4 */
	lst_filter.peer = lst.peer;
	take(&lst, &lst_text, &lst_len);
}

static void step(struct sfake *sf, uint8_t op, const uint8_t *p, size_t n)
{
	char req[256];
	const uint8_t *nl;

	switch (op % 8) {
	case 0:
		nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p);
		if (n > sizeof(req) - 1)
			n = sizeof(req) - 1;
		memcpy(req, p, n);
		req[n] = '\0';
		if (n && req[n - 1] == '\r')
			req[n - 1] = '\0';
		request(sf, req);
		break;
	case 1:
		sf_dial(sf);
		break;
	case 2:
		sf_bring_up(sf, n ? p[0] : 0);
		break;
	case 3:
		sf_ctrl_in(sf, p, n);
		break;
	case 4:
		sf_advance(sf, n ? (uint64_t)p[0] * 256 : 10);
		break;
	case 5:
		del(sf, n ? p[0] : 0);
		break;
	case 6:
		list_start(sf, p, n);
		break;
	case 7:
		list_next(sf);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2sec_config cfg;
	struct sfake *sf;

	if (size < 1)
		return 0;
	sf_config(&cfg);
	cfg.l2tp.max_sessions_per_tunnel = 1 + (data[0] >> 1) % 4;
	sf = sf_new(&cfg, data[0] & 1);
	sf_records(sf, data + 1, size - 1, step);
	sf_advance(sf, 600000);
	/* to its end, whatever went meanwhile */
	while (lst_text && !lst.done)
		list_next(sf);
	list_end();
	sf_free(sf);
	return 0;
}
