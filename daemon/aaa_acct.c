// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS accounting (RFC 2866) in l2secd: the records of aaa.h's accounting
 * functions, their bounded queue and their way to the accounting servers.
 *
 * A record is built complete when its event happens (the packet, unsigned,
 * Acct-Delay-Time 0) and kept in one list, oldest first, until a server
 * answers it (the Interim-Updates in a second one too: a full queue finds
 * its oldest at once). At most ACCT_INFLIGHT of them are in the client at once; a
 * record every server left unanswered goes back to waiting, and nothing is
 * sent for a while (the dead time, at least ACCT_RETRY_MIN_MS): the servers
 * are not hammered through an outage, and the records keep their order.
 *
 * A session's struct aaa_acct is counted: the session holds a reference
 * until its Stop, each record one until it is answered or dropped. The Stop
 * carries copies of everything, so no record reaches the session's memory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "aaa_int.h"
#include "ctl_proto.h"
#include "core/log.h"
#include "core/util.h"

#define ACCT_INFLIGHT		128	/* records in the client at once */
#define ACCT_RETRY_MIN_MS	1000	/* after every server failed: nothing sent before */

/* Acct-Status-Type (RFC 2866 section 5.1) */
enum {
	ACCT_START = 1,
	ACCT_STOP = 2,
	ACCT_INTERIM = 3,
	ACCT_ON = 7,
	ACCT_OFF = 8,
};

enum acct_start_state {
	ACCT_S_STARTING,		/* its Start not answered yet */
	ACCT_S_STARTED,			/* answered */
	ACCT_S_START_DROPPED,		/* dropped from a full queue */
};

struct aaa_acct {
	unsigned int refs;		/* the session's, until its Stop; one per record */
	enum acct_start_state start;
	unsigned int waiting;		/* its records not answered yet */
	char id[24];			/* Acct-Session-Id */
	char user[RADIUS_ATTR_MAX + 1];
	char station[INET6_ADDRSTRLEN + 10];
	uint32_t nas_port;
	struct in_addr framed_ip;
	uint8_t class_len;
	uint8_t class[RADIUS_ATTR_MAX];
	uint8_t authentic;		/* Acct-Authentic: 1 RADIUS, 2 Local */
	uint64_t start_ms;		/* evloop_now */
	uint64_t interval_ms;
	uint64_t tag;			/* privsep: the session's, for aaa_opts' acct_keep */
};

/* A record is on two lists, oldest first: every record, and the Interim-Updates. */
enum { ACCT_ALL, ACCT_INTERIMS, ACCT_LISTS };

struct acct_rec {
	struct acct_rec *prev[ACCT_LISTS], *next[ACCT_LISTS];
	struct aaa *a;
	struct aaa_acct *s;		/* NULL: Accounting-On/Off */
	struct radius_req *req;		/* in the client; NULL: waiting */
	uint8_t status;
	bool tried;			/* sent before: a resend when sent again */
	uint32_t keep;			/* its number in the parent (privsep), the signer's tag; 0: none */
	uint64_t event_ms;
	size_t len;
	uint8_t pkt[];
};

struct acct_stats {
	uint64_t starts, interims, stops, ons, offs;	/* records made */
	uint64_t answered, unanswered, resent;
	uint64_t dropped_interim, dropped, no_memory;
	uint64_t resumed;		/* sessions an engine took over (aaa_acct_resume) */
	uint64_t kept;			/* records the parent keeps for the next engine (privsep) */
	uint64_t requeued;		/* records a dead engine left, queued here (aaa_acct_requeue) */
};

struct acct_list {
	struct acct_rec *head, *tail;
};

struct aaa_acct_state {
	struct acct_list lists[ACCT_LISTS];	/* the queue; its Interim-Updates */
	unsigned int n, inflight;
	uint64_t hold_until;		/* after a failure: nothing sent before */
	struct ev_timer retry;
	struct aaa *a;
	char prefix[9];			/* of every Acct-Session-Id of this run */
	uint32_t next_id;
	struct acct_stats st;
};

static void pump(struct aaa *a);

bool aaa_acct_enabled(const struct aaa *a)
{
	return a && a->acct_st;
}

static void acct_unref(struct aaa_acct *s)
{
	if (s && --s->refs == 0)
		free(s);
}

/* --- the queue ------------------------------------------------------------------- */

static void list_add(struct acct_list *l, struct acct_rec *r, int k)
{
	r->prev[k] = l->tail;
	r->next[k] = NULL;
	if (l->tail)
		l->tail->next[k] = r;
	else
		l->head = r;
	l->tail = r;
}

static void list_del(struct acct_list *l, struct acct_rec *r, int k)
{
	if (r->prev[k])
		r->prev[k]->next[k] = r->next[k];
	else
		l->head = r->next[k];
	if (r->next[k])
		r->next[k]->prev[k] = r->prev[k];
	else
		l->tail = r->prev[k];
}

static void rec_unlink(struct aaa_acct_state *q, struct acct_rec *r)
{
	list_del(&q->lists[ACCT_ALL], r, ACCT_ALL);
	if (r->status == ACCT_INTERIM)
		list_del(&q->lists[ACCT_INTERIMS], r, ACCT_INTERIMS);
	q->n--;
}

/* Out of the queue and freed, its request (if in the client) forgotten. */
static void rec_free(struct aaa_acct_state *q, struct acct_rec *r)
{
	if (r->req) {
		radius_client_cancel(r->a->acct.c, r->req);
		q->inflight--;
	}
	rec_unlink(q, r);
	if (r->s) {
		r->s->waiting--;
		if (r->status == ACCT_START && r->s->start == ACCT_S_STARTING)
			r->s->start = ACCT_S_START_DROPPED;
		acct_unref(r->s);
	}
	free(r);
}

/* Room for r: the oldest Interim-Update goes first, then r if it is one, else the oldest. */
static bool make_room(struct aaa *a, struct acct_rec *r)
{
	struct aaa_acct_state *q = a->acct_st;
	struct acct_rec *victim;

	if (q->n < a->cfg->radius.acct_queue)
		return true;
	victim = q->lists[ACCT_INTERIMS].head;
	if (victim || r->status == ACCT_INTERIM) {
		q->st.dropped_interim++;
		aaa_log_limited(a, LOG_WARNING, "accounting queue full (%u records): an "
				"Interim-Update dropped", q->n);
		if (!victim)
			return false;
	} else {
		victim = q->lists[ACCT_ALL].head;
		q->st.dropped++;
		aaa_log_limited(a, LOG_WARNING, "accounting queue full (%u records): the oldest "
				"record (Acct-Status-Type %u) dropped", q->n, victim->status);
	}
	rec_free(q, victim);
	return true;
}

/* r at the queue's end (room made first); false when it is dropped (freed). */
static bool queue_rec(struct aaa *a, struct acct_rec *r)
{
	struct aaa_acct_state *q = a->acct_st;

	if (!make_room(a, r)) {
		free(r);
		return false;
	}
	list_add(&q->lists[ACCT_ALL], r, ACCT_ALL);
	if (r->status == ACCT_INTERIM)
		list_add(&q->lists[ACCT_INTERIMS], r, ACCT_INTERIMS);
	q->n++;
	if (r->s) {
		r->s->refs++;
		r->s->waiting++;
	}
	return true;
}

static void enqueue(struct aaa *a, struct acct_rec *r)
{
	if (queue_rec(a, r))
		pump(a);
}

/* --- sending ---------------------------------------------------------------------- */

static void on_answer(void *arg, int err, const uint8_t *ans, size_t len)
{
	struct acct_rec *r = arg;
	struct aaa *a = r->a;
	struct aaa_acct_state *q = a->acct_st;
	uint64_t now = evloop_now(a->loop);
	uint64_t hold = a->cfg->radius.dead_time_ms;

	(void)ans;
	(void)len;
	r->req = NULL;
	q->inflight--;
	if (!err) {	/* the client took it: an Accounting-Response that verified */
		q->st.answered++;
		if (r->s && r->status == ACCT_START)
			r->s->start = ACCT_S_STARTED;
		rec_free(q, r);
	} else {
		/* kept, in its place; sent again once the servers had time to come back */
		q->st.unanswered++;
		if (hold < ACCT_RETRY_MIN_MS)
			hold = ACCT_RETRY_MIN_MS;
		if (q->hold_until < now + hold)
			q->hold_until = now + hold;
		aaa_log_limited(a, LOG_WARNING, "no accounting server answered: %u record(s) kept, "
				"sent again in %llu ms", q->n, (unsigned long long)hold);
	}
	pump(a);
}

/* r to the client, its Acct-Delay-Time the seconds since its event: 0, or -errno. */
static int submit(struct aaa *a, struct acct_rec *r, uint64_t now)
{
	struct radius_pkt p;

	memcpy(p.buf, r->pkt, r->len);
	p.len = r->len;
	radius_set_u32(&p, RADIUS_ACCT_DELAY_TIME, (uint32_t)((now - r->event_ms) / 1000));
	r->req = radius_client_submit_for(a->acct.c, &p, r->keep, on_answer, r, now);
	if (!r->req)
		return -errno;
	if (r->tried)
		a->acct_st->st.resent++;
	r->tried = true;
	a->acct_st->inflight++;
	return 0;
}

/* Send waiting records, oldest first, while there is room and no hold. */
static void pump(struct aaa *a)
{
	struct aaa_acct_state *q = a->acct_st;
	uint64_t now = evloop_now(a->loop);
	struct acct_rec *r, *next;
	int err;

	if (now < q->hold_until) {
		ev_timer_arm(a->loop, &q->retry, q->hold_until - now);
		return;
	}
	for (r = q->lists[ACCT_ALL].head; r && q->inflight < ACCT_INFLIGHT; r = next) {
		next = r->next[ACCT_ALL];
		if (r->req)
			continue;
		err = submit(a, r, now);
		if (err == -EINVAL) {	/* not a request the client takes: cannot be sent */
			q->st.dropped++;
			rec_free(q, r);
		} else if (err) {	/* no memory, the client's queue full: a while later */
			q->hold_until = now + ACCT_RETRY_MIN_MS;
			ev_timer_arm(a->loop, &q->retry, ACCT_RETRY_MIN_MS);
			break;
		}
	}
	aaa_rearm(&a->acct);
}

static void retry_cb(struct ev_timer *t)
{
	struct aaa_acct_state *q = container_of(t, struct aaa_acct_state, retry);

	pump(q->a);
}

/* --- records ---------------------------------------------------------------------------- */

static int put_counters(struct radius_pkt *p, const struct aaa_counters *c)
{
	/* octets: the low 32 bits, and the 2^32 wraps in Gigawords (RFC 2869 5.1, 5.2) */
	if (radius_put_u32(p, RADIUS_ACCT_INPUT_OCTETS, (uint32_t)c->in_octets) ||
	    radius_put_u32(p, RADIUS_ACCT_OUTPUT_OCTETS, (uint32_t)c->out_octets) ||
	    radius_put_u32(p, RADIUS_ACCT_INPUT_GIGAWORDS, (uint32_t)(c->in_octets >> 32)) ||
	    radius_put_u32(p, RADIUS_ACCT_OUTPUT_GIGAWORDS, (uint32_t)(c->out_octets >> 32)) ||
	    radius_put_u32(p, RADIUS_ACCT_INPUT_PACKETS, (uint32_t)c->in_packets) ||
	    radius_put_u32(p, RADIUS_ACCT_OUTPUT_PACKETS, (uint32_t)c->out_packets))
		return -EMSGSIZE;
	return 0;
}

/* What every record of session s says. */
static int put_session(struct radius_pkt *p, const struct aaa_acct *s)
{
	if (radius_put_str(p, RADIUS_ACCT_SESSION_ID, s->id) ||
	    (s->user[0] && radius_put_str(p, RADIUS_USER_NAME, s->user)) ||
	    radius_put_u32(p, RADIUS_NAS_PORT, s->nas_port) ||
	    radius_put_u32(p, RADIUS_NAS_PORT_TYPE, 5) ||		/* Virtual */
	    radius_put_u32(p, RADIUS_SERVICE_TYPE, 2) ||		/* Framed */
	    radius_put_u32(p, RADIUS_FRAMED_PROTOCOL, 1) ||		/* PPP */
	    radius_put_str(p, RADIUS_CALLING_STATION_ID, s->station) ||
	    (s->framed_ip.s_addr && radius_put_in4(p, RADIUS_FRAMED_IP_ADDRESS, s->framed_ip)) ||
	    (s->class_len && radius_put(p, RADIUS_CLASS, s->class, s->class_len)))
		return -EMSGSIZE;
	return 0;
}

/*
 * A record of status for session s (NULL: On/Off) with counters c (Interim,
 * Stop) and cause (Stop), queued. Logged and counted when there is no memory.
 */
static void record(struct aaa *a, uint8_t status, struct aaa_acct *s,
		   const struct aaa_counters *c, enum aaa_term_cause cause)
{
	struct aaa_acct_state *q = a->acct_st;
	uint64_t now = evloop_now(a->loop);
	struct radius_pkt p;
	struct acct_rec *r;
	int err;

	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 0);
	err = radius_put_u32(&p, RADIUS_ACCT_STATUS_TYPE, status) ||
	      radius_put_u32(&p, RADIUS_ACCT_DELAY_TIME, 0) || aaa_put_nas(a, &p) ||
	      radius_put_u32(&p, RADIUS_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	if (!err && s)
		err = put_session(&p, s) || radius_put_u32(&p, RADIUS_ACCT_AUTHENTIC, s->authentic);
	else if (!err)	/* On and Off: the run's prefix (RFC 2866 5.5: always present) */
		err = radius_put_str(&p, RADIUS_ACCT_SESSION_ID, q->prefix);
	if (!err && c)
		err = radius_put_u32(&p, RADIUS_ACCT_SESSION_TIME,
				     (uint32_t)((now - s->start_ms) / 1000)) || put_counters(&p, c);
	if (!err && status == ACCT_STOP)
		err = radius_put_u32(&p, RADIUS_ACCT_TERMINATE_CAUSE, cause);
	r = err ? NULL : malloc(sizeof(*r) + p.len);
	if (!r) {
		q->st.no_memory++;
		aaa_log_limited(a, LOG_ERR, "accounting record (Acct-Status-Type %u) not made: %s",
				status, err ? "too long" : "out of memory");
		return;
	}
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->s = s;
	r->status = status;
	r->event_ms = now;
	r->len = p.len;
	memcpy(r->pkt, p.buf, p.len);
	/* a session's record survives this process in the parent's (privsep) */
	if (s && a->acct_keep) {
		r->keep = a->acct_keep(a->acct_keep_ctx, s->tag, &p);
		if (r->keep)
			q->st.kept++;
	}
	enqueue(a, r);
}

int aaa_acct_requeue(struct aaa *a, uint32_t keep, uint64_t event_ms, const uint8_t *pkt,
		     size_t len)
{
	struct aaa_acct_state *q;
	const struct radius_avp *st;
	struct radius_msg m;
	struct acct_rec *r;
	uint64_t now;

	if (!aaa_acct_enabled(a))
		return -1;
	q = a->acct_st;
	now = evloop_now(a->loop);
	st = radius_decode(&m, pkt, len) == RADIUS_OK && m.code == RADIUS_ACCOUNTING_REQUEST ?
	     radius_find(&m, RADIUS_ACCT_STATUS_TYPE, NULL) : NULL;
	r = st && st->len == 4 && len <= RADIUS_MAX_LEN ? malloc(sizeof(*r) + len) : NULL;
	if (!r) {
		q->st.no_memory++;
		aaa_log_limited(a, LOG_ERR, "a kept accounting record not queued: %s",
				st ? "out of memory" : "not a record");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->status = radius_value(&m, st)[3];
	r->keep = keep;
	r->tried = true;	/* the dead engine's: a resend */
	r->event_ms = event_ms < now ? event_ms : now;
	r->len = len;
	memcpy(r->pkt, pkt, len);
	q->st.requeued++;
	if (!queue_rec(a, r))
		return -1;
	/* not sent from here (the engine's resume): the retry timer sends it */
	if (!ev_timer_armed(&q->retry))
		ev_timer_arm(a->loop, &q->retry, 0);
	return 0;
}

/* A session's accounting as info says; its id id, or the run's next when NULL. */
static struct aaa_acct *acct_new(struct aaa *a, const struct aaa_acct_info *info,
				 const char *id)
{
	struct aaa_acct_state *q;
	struct aaa_acct *s;
	uint64_t floor_ms = CONFIG_ACCT_INTERIM_MIN_MS;

	if (!aaa_acct_enabled(a))
		return NULL;
	q = a->acct_st;
	s = calloc(1, sizeof(*s));
	if (!s) {
		q->st.no_memory++;
		aaa_log_limited(a, LOG_ERR, "accounting Start not made: out of memory");
		return NULL;
	}
	s->refs = 1;
	if (id)
		snprintf(s->id, sizeof(s->id), "%s", id);
	else
		snprintf(s->id, sizeof(s->id), "%s-%08x", q->prefix, ++q->next_id);
	snprintf(s->user, sizeof(s->user), "%s", info->user);
	sa46_str(info->peer, s->station, sizeof(s->station));
	s->nas_port = info->nas_port;
	s->framed_ip = info->framed_ip;
	if (info->class && info->class_len <= sizeof(s->class)) {
		memcpy(s->class, info->class, info->class_len);
		s->class_len = (uint8_t)info->class_len;
	}
	s->authentic = info->local ? 2 : 1;
	s->start_ms = info->start_ms ? info->start_ms : evloop_now(a->loop);
	s->tag = info->tag;
	/* the server's interval first (RFC 2869 section 2.1), never below the floor */
	s->interval_ms = info->interim_s ? (uint64_t)info->interim_s * 1000 :
			 a->cfg->radius.acct_interim_ms;
	if (s->interval_ms && s->interval_ms < floor_ms)
		s->interval_ms = floor_ms;
	return s;
}

struct aaa_acct *aaa_acct_start(struct aaa *a, const struct aaa_acct_info *info)
{
	struct aaa_acct *s = acct_new(a, info, NULL);

	if (!s)
		return NULL;
	a->acct_st->st.starts++;
	record(a, ACCT_START, s, NULL, 0);
	return s;
}

struct aaa_acct *aaa_acct_resume(struct aaa *a, const struct aaa_acct_info *info,
				 const char *id)
{
	struct aaa_acct *s = acct_new(a, info, id);

	if (!s)
		return NULL;
	/* its Start went out from the dead engine (or waits for nothing now) */
	s->start = ACCT_S_STARTED;
	a->acct_st->st.resumed++;
	return s;
}

const char *aaa_acct_id(const struct aaa_acct *s)
{
	return s->id;
}

uint64_t aaa_acct_start_ms(const struct aaa_acct *s)
{
	return s->start_ms;
}

uint64_t aaa_acct_interval_ms(const struct aaa_acct *s)
{
	return s ? s->interval_ms : 0;
}

void aaa_acct_interim(struct aaa *a, struct aaa_acct *s, const struct aaa_counters *c)
{
	if (!s)
		return;
	a->acct_st->st.interims++;
	record(a, ACCT_INTERIM, s, c, 0);
}

void aaa_acct_stop(struct aaa *a, struct aaa_acct *s, const struct aaa_counters *c,
		   enum aaa_term_cause cause)
{
	if (!s)
		return;
	a->acct_st->st.stops++;
	record(a, ACCT_STOP, s, c, cause);
	acct_unref(s);		/* the session's */
}

void aaa_acct_off(struct aaa *a)
{
	if (!aaa_acct_enabled(a))
		return;
	a->acct_st->st.offs++;
	record(a, ACCT_OFF, NULL, NULL, 0);
}

bool aaa_acct_idle(const struct aaa *a)
{
	return !aaa_acct_enabled(a) || a->acct_st->n == 0;
}

const char *aaa_acct_session_id(const struct aaa_acct *s)
{
	return s->id;
}

void aaa_acct_describe(const struct aaa_acct *s, struct json_object *o)
{
	static const char *const names[] = {
		[ACCT_S_STARTING] = "starting",
		[ACCT_S_STARTED] = "started",
		[ACCT_S_START_DROPPED] = "start-dropped",
	};
	const char *state = names[s->start];

	if (s->start == ACCT_S_STARTED && s->waiting)
		state = "waiting";	/* an Interim-Update not answered yet */
	json_object_object_add(o, CTL_K_ACCT_ID, json_object_new_string(s->id));
	json_object_object_add(o, CTL_K_ACCT_STATE, json_object_new_string(state));
}

/* --- the link ------------------------------------------------------------------------------ */

int aaa_acct_open(struct aaa *a)
{
	const struct config_radius *r = &a->cfg->radius;
	struct aaa_acct_state *q = calloc(1, sizeof(*q));
	uint32_t rnd;

	if (!q) {
		log_err("radius: out of memory");
		return -1;
	}
	a->acct_st = q;
	q->a = a;
	ev_timer_init(&q->retry, retry_cb);
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		log_err("radius: no randomness for the Acct-Session-Ids: %s", strerror(errno));
		return -1;
	}
	snprintf(q->prefix, sizeof(q->prefix), "%08x", rnd);
	if (aaa_link_open(a, &a->acct, "accounting", r->acct_servers, 1813, r->acct_queue) < 0)
		return -1;
	log_notice("radius: %u accounting server(s), Interim-Update %s", a->acct.n_servers,
		   r->acct_interim_ms ? "as configured" : "when the server asks");
	/*
	 * An engine that took over (privsep) has sessions on: an Accounting-On
	 * would tell the server they all ended (RFC 2866 section 5.1).
	 */
	if (a->resumed)
		return 0;
	q->st.ons++;
	record(a, ACCT_ON, NULL, NULL, 0);
	return 0;
}

void aaa_acct_close(struct aaa *a)
{
	struct aaa_acct_state *q = a->acct_st;

	if (!q)
		return;
	if (q->n)
		log_warn("radius: %u accounting record(s) not answered at exit: lost", q->n);
	while (q->lists[ACCT_ALL].head)
		rec_free(q, q->lists[ACCT_ALL].head);
	ev_timer_cancel(a->loop, &q->retry);
	free(q);
	a->acct_st = NULL;
}

struct json_object *aaa_acct_stats(const struct aaa *a)
{
	const struct aaa_acct_state *q = a->acct_st;
	struct json_object *g = json_object_new_object();

	aaa_add_u64(g, "queued", q->n);
	aaa_add_u64(g, "inflight", q->inflight);
	aaa_add_u64(g, "starts", q->st.starts);
	aaa_add_u64(g, "interims", q->st.interims);
	aaa_add_u64(g, "stops", q->st.stops);
	aaa_add_u64(g, "ons", q->st.ons);
	aaa_add_u64(g, "offs", q->st.offs);
	aaa_add_u64(g, "answered", q->st.answered);
	aaa_add_u64(g, "unanswered", q->st.unanswered);
	aaa_add_u64(g, "resent", q->st.resent);
	aaa_add_u64(g, "dropped_interim", q->st.dropped_interim);
	aaa_add_u64(g, "dropped", q->st.dropped);
	aaa_add_u64(g, "no_memory", q->st.no_memory);
	aaa_add_u64(g, "resumed", q->st.resumed);
	aaa_add_u64(g, "kept", q->st.kept);
	aaa_add_u64(g, "requeued", q->st.requeued);
	return g;
}
