// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request handling (ctl.c): request lines as the
 * socket hands them to ctl_handle, against an LNS with the PPP layer whose
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
 *      bit 0 tunnels, bit 1 as lines), ending the one under way
 *   7  the listing's next chunk (ctl_out_next): what is dialled, brought up,
 *      deleted and timed out between chunks is what the walk must survive
 * Oracles besides the sanitizers: every answer is one JSON object that
 * prints and parses back; "show tunnels" and "show sessions" list exactly
 * the LNS's tunnels and sessions; "show stats" counts agree with the
 * tables; a del of an existing, not closing object is "deleted" with its
 * IDs, anything else an "error" with a message. A listing's chunks stay
 * within CTL_CHUNK and a tunnel's sessions; as lines, each line is an object
 * and the end line counts the lines before it; as one object, its chunks
 * make one JSON object with the listing's array.
 */
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

/* One request; the answer checked against the tables as they were before it. */
static void request(struct sfake *sf, const char *req)
{
	struct l2tp_lns *lns = sf->f->lns;
	struct ctl_src src = { .lns = lns, .ss = sf->ss };
	unsigned int tunnels = lns->n_tunnels, sessions = lns->n_sessions;
	struct json_object *res, *back;
	const char *text;

	res = ctl_handle(&src, req);
	CHECK(res && json_object_is_type(res, json_type_object));
	text = json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN);
	CHECK(text && strlen(text) < (1u << 24) && !strchr(text, '\n'));
	back = json_tokener_parse(text);
	CHECK(back && json_object_is_type(back, json_type_object));
	json_object_put(back);
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

/* The listing under way (ops 6 and 7) and what it wrote so far. */
static struct ctl_out lst;
static char *lst_text;
static size_t lst_len;

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
	struct json_object *o, *v;
	bool lines = lst.lines;
	size_t n = 0;
	char *line, *save = NULL;

	if (!lines) {
		o = json_tokener_parse(lst_text);
		CHECK(o && json_object_is_type(o, json_type_object));
		CHECK(json_object_object_length(o) == 1);
		json_object_object_foreach(o, k, a) {
			CHECK(!strcmp(k, "tunnels") || !strcmp(k, "sessions"));
			CHECK(json_object_is_type(a, json_type_array));
		}
		json_object_put(o);
		return;
	}
	for (line = strtok_r(lst_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		o = json_tokener_parse(line);
		CHECK(o && json_object_is_type(o, json_type_object));
		if (json_object_object_get_ex(o, "end", &v)) {
			CHECK(get_int(o, "count") == (int64_t)n);
			CHECK(!strtok_r(NULL, "\n", &save));
			json_object_put(o);
			return;
		}
		n++;
		json_object_put(o);
	}
	CHECK(0);	/* no end line */
}

static void list_next(struct sfake *sf)
{
	struct ctl_src src = { .lns = sf->f->lns, .ss = sf->ss };

	if (!lst_text || lst.done)
		return;
	CHECK(ctl_out_next(&src, &lst) == 0);
	/* a chunk ends after the tunnel that took it past CTL_CHUNK: 4 sessions at most */
	CHECK(lst.len <= CTL_CHUNK + 4 * 4096);
	lst_text = realloc(lst_text, lst_len + lst.len + 1);
	CHECK(lst_text);
	if (lst.len)
		memcpy(lst_text + lst_len, lst.buf, lst.len);
	lst_len += lst.len;
	lst_text[lst_len] = '\0';
	lst.off = lst.len;
	if (lst.done)
		list_check();
}

static void list_start(struct sfake *sf, uint8_t k)
{
	struct ctl_src src = { .lns = sf->f->lns, .ss = sf->ss };
	char req[32];

	list_end();
	snprintf(req, sizeof(req), "show %s%s", k & 1 ? "tunnels" : "sessions",
		 k & 2 ? " lines" : "");
	CHECK(ctl_out_start(&src, req, &lst) == 0);
	CHECK(!lst.done && lst.len < 32);
	lst_text = malloc(lst.len + 1);
	CHECK(lst_text);
	if (lst.len)	/* as lines nothing yet, and no buffer */
		memcpy(lst_text, lst.buf, lst.len);
	lst_len = lst.len;
	lst_text[lst_len] = '\0';
	lst.off = lst.len;
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
		list_start(sf, n ? p[0] : 0);
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
