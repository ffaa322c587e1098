// SPDX-License-Identifier: GPL-2.0
/* RADIUS in l2secd: the client on the event loop and the Access-Requests (aaa.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "aaa.h"
#include "aaa_int.h"
#include "core/log.h"
#include "core/util.h"
#include "ppp/ppp.h"
#include "radius/radius_client.h"

#define AAA_LOG_BURST		10	/* lines of a kind ... */
#define AAA_LOG_WINDOW_MS	60000	/* ... per minute, then one saying how many were not */
#define AAA_MSG_MAX		200	/* a Reply-Message in the log, at most */

static bool auth_configured(const struct l2sec_config *cfg)
{
	return cfg->radius.auth_servers[0] && cfg->radius.auth_source != CONFIG_AUTH_USERS;
}

bool aaa_configured(const struct l2sec_config *cfg)
{
	return auth_configured(cfg) || cfg->radius.acct_servers[0] || cfg->radius.dae_listen[0];
}

/* Lines about what servers and clients send: a burst per window, then a count. */
bool aaa_log_ok(struct aaa *a, int prio)
{
	uint64_t now = evloop_now(a->loop);

	if (!log_enabled(prio))
		return false;
	if (now - a->log_window >= AAA_LOG_WINDOW_MS) {
		if (a->log_suppressed)
			log_notice("radius: %llu log lines suppressed in the last minute",
				   (unsigned long long)a->log_suppressed);
		a->log_window = now;
		a->log_lines = 0;
		a->log_suppressed = 0;
	}
	if (a->log_lines++ >= AAA_LOG_BURST) {
		a->log_suppressed++;
		return false;
	}
	return true;
}

void aaa_log_write(int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_msg(prio, "radius: %s", line);
}

/* --- secrets and sockets --------------------------------------------------------- */

/* The first line of the secret file (secfile.h checked its owner and mode). */
int aaa_read_secret(const char *path, uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1], size_t *len)
{
	char buf[CONFIG_RADIUS_SECRET_MAX + 2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_err("radius: secret file %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	*len = strlen(buf);
	if (*len == 0 || *len > CONFIG_RADIUS_SECRET_MAX) {
		log_err("radius: secret-file %s: the first line must hold 1 to %u characters",
			path, CONFIG_RADIUS_SECRET_MAX);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	memcpy(out, buf, *len + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int aaa_secret_load(const struct l2sec_config *cfg, uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1],
		    size_t *len)
{
	const struct config_radius *r = &cfg->radius;

	if (r->secret_file[0])
		return aaa_read_secret(r->secret_file, out, len);
	*len = strlen(r->secret);
	memcpy(out, r->secret, *len + 1);
	return 0;
}

int aaa_dae_secret_load(const struct l2sec_config *cfg, unsigned int i,
			uint8_t out[CONFIG_RADIUS_SECRET_MAX + 1], size_t *len)
{
	const struct config_dae_client *c = &cfg->radius.dae_clients[i];

	if (c->secret_file[0])
		return aaa_read_secret(c->secret_file, out, len);
	return aaa_secret_load(cfg, out, len);
}

static int aaa_send(void *arg, unsigned int server, const void *buf, size_t len)
{
	struct aaa_link *l = arg;

	return send(l->fds[server], buf, len, 0) < 0 ? -errno : 0;
}

void aaa_rearm(struct aaa_link *l)
{
	struct evloop *loop = l->a->loop;
	uint64_t next = radius_client_next_deadline(l->c), now = evloop_now(loop);

	if (next == UINT64_MAX)
		ev_timer_cancel(loop, &l->timer);
	else
		ev_timer_arm(loop, &l->timer, next > now ? next - now : 0);
}

static void on_timer(struct ev_timer *t)
{
	struct aaa_link *l = container_of(t, struct aaa_link, timer);

	radius_client_tick(l->c, evloop_now(l->a->loop));
	aaa_rearm(l);
}

static void on_input(struct ev_io *io, uint32_t events)
{
	struct aaa_sock *sk = container_of(io, struct aaa_sock, io);
	struct aaa_link *l = sk->l;
	struct sockaddr_storage from;
	socklen_t from_len;
	uint8_t buf[RADIUS_MAX_LEN + 1];
	ssize_t n;
	int budget = 64;	/* then the loop's other watchers get their turn */

	(void)events;
	while (budget-- > 0) {
		from_len = sizeof(from);
		n = recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len);
		if (n < 0)
			break;	/* EAGAIN, or a dead server's ICMP: its timeout counts it */
		radius_client_input(l->c, sk->server, (struct sockaddr *)&from, from_len, buf,
				    (size_t)n, evloop_now(l->a->loop));
	}
	aaa_rearm(l);
}

static int open_sockets(struct aaa_link *l, const struct radius_client_conf *rc)
{
	unsigned int i;

	for (i = 0; i < rc->n_servers; i++) {
		const struct radius_server_conf *s = &rc->servers[i];

		/* connected: only the server's datagrams arrive */
		l->fds[i] = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (l->fds[i] < 0 || connect(l->fds[i], (const struct sockaddr *)&s->addr,
					     s->addr_len) < 0) {
			log_err("radius: socket to %s server %u: %s", l->what, i + 1,
				strerror(errno));
			return -1;
		}
		l->n_servers = i + 1;
		l->addrs[i] = s->addr;
		l->socks[i].l = l;
		l->socks[i].server = i;
		if (evloop_add_io(l->a->loop, &l->socks[i].io, l->fds[i], EPOLLIN, on_input) < 0) {
			log_err("radius: event loop: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int client_conf(struct aaa *a, struct aaa_link *l, const char *list, uint16_t port,
		       unsigned int queue, struct radius_client_conf *rc)
{
	const struct config_radius *r = &a->cfg->radius;
	struct sockaddr_storage ss[CONFIG_RADIUS_MAX_SERVERS];
	char why[128];
	int n, i;

	memset(rc, 0, sizeof(*rc));
	n = config_radius_servers(list, port, ss, why, sizeof(why));
	if (n <= 0) {
		log_err("radius: servers %s: %s", list, n < 0 ? why : "none");
		return -1;
	}
	for (i = 0; i < n; i++) {
		rc->servers[i].addr = ss[i];
		rc->servers[i].addr_len = ss[i].ss_family == AF_INET6 ?
					  sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (!a->signed_elsewhere) {
			rc->servers[i].secret.data = a->secret;
			rc->servers[i].secret.len = a->secret_len;
		}
	}
	rc->n_servers = (unsigned int)n;
	rc->timeout_ms = r->timeout_ms;
	rc->retries = r->retries;
	rc->dead_time_ms = r->dead_time_ms;
	rc->max_inflight = RADIUS_IDS;
	rc->max_queue = queue;
	if (a->signed_elsewhere)
		rc->signer = &a->signers[l == &a->auth ? AAA_LINK_AUTH : AAA_LINK_ACCT];
	return 0;
}

int aaa_link_open(struct aaa *a, struct aaa_link *l, const char *what, const char *list,
		  uint16_t port, unsigned int queue)
{
	static const struct radius_client_ops ops = { .send = aaa_send };
	struct radius_client_conf rc;

	l->a = a;
	l->what = what;
	ev_timer_init(&l->timer, on_timer);
	if (client_conf(a, l, list, port, queue, &rc) < 0 || open_sockets(l, &rc) < 0)
		return -1;
	l->c = radius_client_new(&rc, &ops, l);
	if (!l->c) {
		log_err("radius: %s", strerror(errno ? errno : ENOMEM));
		return -1;
	}
	return 0;
}

static void link_close(struct aaa_link *l)
{
	unsigned int i;

	if (!l->a)
		return;
	radius_client_free(l->c);
	l->c = NULL;
	ev_timer_cancel(l->a->loop, &l->timer);
	for (i = 0; i < l->n_servers; i++) {
		if (l->socks[i].io.cb)
			evloop_del_io(l->a->loop, &l->socks[i].io);
		close(l->fds[i]);
	}
	if (l->n_servers < RADIUS_MAX_SERVERS && l->fds[l->n_servers] >= 0)
		close(l->fds[l->n_servers]);	/* opened, not connected */
}

static int slots_init(struct aaa *a)
{
	uint32_t i;

	/* every request in flight or queued has a slot: the client's bound and ours */
	a->n_slots = a->auth.n_servers * RADIUS_IDS + a->cfg->radius.queue;
	a->slots = calloc(a->n_slots, sizeof(*a->slots));
	if (!a->slots)
		return -1;
	for (i = 0; i < a->n_slots; i++) {
		a->slots[i].a = a;
		a->slots[i].gen = 1;
		a->slots[i].next_free = i + 1;
	}
	a->free_head = 0;
	return 0;
}

struct aaa *aaa_new(struct evloop *loop, const struct l2sec_config *cfg)
{
	return aaa_new_opts(loop, cfg, NULL);
}

struct aaa *aaa_new_opts(struct evloop *loop, const struct l2sec_config *cfg,
			 const struct aaa_opts *o)
{
	const struct config_radius *r = &cfg->radius;
	struct aaa *a = calloc(1, sizeof(*a));
	unsigned int i;

	if (!a) {
		log_err("radius: out of memory");
		return NULL;
	}
	for (i = 0; i < RADIUS_MAX_SERVERS; i++)
		a->auth.fds[i] = a->acct.fds[i] = -1;
	a->loop = loop;
	a->cfg = cfg;
	a->peer_max = r->peer_queue;
	snprintf(a->nas_id, sizeof(a->nas_id), "%s",
		 r->nas_identifier[0] ? r->nas_identifier : cfg->l2tp.hostname);
	a->has_nas_ip = r->nas_ip[0] && inet_pton(AF_INET, r->nas_ip, &a->nas_ip) == 1;
	a->resumed = o && o->resumed;
	if (o) {
		a->acct_keep = o->acct_keep;
		a->acct_keep_ctx = o->acct_keep_ctx;
	}
	if (o && o->signers) {
		/* the secret is where the signers are: never read here */
		a->signed_elsewhere = true;
		a->signers[0] = o->signers[0];
		a->signers[1] = o->signers[1];
	} else if (aaa_secret_load(cfg, a->secret, &a->secret_len) < 0) {
		goto err;
	}
	if (auth_configured(cfg)) {
		if (aaa_link_open(a, &a->auth, "authentication", r->auth_servers, 1812,
				  r->queue) < 0)
			goto err;
		if (slots_init(a) < 0) {
			log_err("radius: out of memory");
			goto err;
		}
		log_notice("radius: %u authentication server(s), auth-source %s",
			   a->auth.n_servers,
			   r->auth_source == CONFIG_AUTH_RADIUS ? "radius" : "users-then-radius");
	}
	if (r->acct_servers[0] && aaa_acct_open(a) < 0)
		goto err;
	if (r->dae_listen[0] && a->signed_elsewhere &&
	    (!a->signers[AAA_LINK_AUTH].verify_request || !a->signers[AAA_LINK_AUTH].sign_answer)) {
		log_err("radius: dae-listen: the signer cannot verify DAE requests");
		goto err;
	}
	if (r->dae_listen[0] && aaa_dae_open(a) < 0)
		goto err;
	return a;
err:
	aaa_free(a);
	return NULL;
}

void aaa_free(struct aaa *a)
{
	if (!a)
		return;
	aaa_dae_close(a);
	aaa_acct_close(a);
	link_close(&a->auth);
	link_close(&a->acct);
	free(a->slots);
	explicit_bzero(a->secret, sizeof(a->secret));
	free(a);
}

/* --- requests ---------------------------------------------------------------------- */

/* Requests waiting from this client address (the table is small: [radius] queue). */
static unsigned int peer_waiting(const struct aaa *a, const union sa46 *peer)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < a->n_slots; i++)
		if (a->slots[i].used && sa46_same_ip(&a->slots[i].peer, peer))
			n++;
	return n;
}

static struct aaa_slot *slot_get(struct aaa *a)
{
	struct aaa_slot *s;

	if (a->free_head >= a->n_slots)
		return NULL;
	s = &a->slots[a->free_head];
	a->free_head = s->next_free;
	s->used = true;
	a->n_used++;
	return s;
}

static void slot_put(struct aaa *a, struct aaa_slot *s)
{
	s->used = false;
	s->gen++;
	s->req = NULL;
	s->cb = NULL;
	s->arg = NULL;
	s->next_free = a->free_head;
	a->free_head = (uint32_t)(s - a->slots);
	a->n_used--;
}

static uint64_t slot_handle(const struct aaa *a, const struct aaa_slot *s)
{
	return (uint64_t)s->gen << 32 | (uint64_t)(s - a->slots);
}

/* The credentials of the answer (RFC 2865 5.2/5.3, RFC 2548 2.3.2). */
static int put_credentials(struct radius_pkt *p, const struct aaa_auth_req *q)
{
	uint8_t v[RADIUS_MS_CHAP2_RESPONSE_LEN];

	switch (q->method) {
	case PPP_AUTH_PAP:
		return radius_put_password(p, q->value, q->value_len);
	case PPP_AUTH_CHAP_MD5:
		if (q->value_len != 16)
			return -EINVAL;
		v[0] = q->id;
		memcpy(v + 1, q->value, 16);
		if (radius_put(p, RADIUS_CHAP_CHALLENGE, q->challenge, MSCHAP_CHALLENGE_LEN))
			return -EMSGSIZE;
		return radius_put(p, RADIUS_CHAP_PASSWORD, v, 17);
	case PPP_AUTH_MSCHAPV2:
		/* the PPP value: peer challenge 16, reserved 8, NT-Response 24, flags 1 */
		if (q->value_len != 49)
			return -EINVAL;
		v[0] = q->id;
		v[1] = 0;
		memcpy(v + 2, q->value, 48);
		if (radius_put_vsa(p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE,
				   q->challenge, MSCHAP_CHALLENGE_LEN))
			return -EMSGSIZE;
		return radius_put_vsa(p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_RESPONSE, v,
				      sizeof(v));
	default:
		return -EINVAL;
	}
}

/* NAS-Identifier and NAS-IP-Address, as configured: 0 or -EMSGSIZE. */
int aaa_put_nas(const struct aaa *a, struct radius_pkt *p)
{
	if ((a->nas_id[0] && radius_put_str(p, RADIUS_NAS_IDENTIFIER, a->nas_id)) ||
	    (a->has_nas_ip && radius_put_in4(p, RADIUS_NAS_IP_ADDRESS, a->nas_ip)))
		return -EMSGSIZE;
	return 0;
}

static int build_request(struct aaa *a, struct radius_pkt *p, const struct aaa_auth_req *q)
{
	char station[INET6_ADDRSTRLEN + 10];
	int err;

	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, 0);
	if (q->name_len == 0 || q->name_len > RADIUS_ATTR_MAX ||
	    radius_put(p, RADIUS_USER_NAME, q->name, q->name_len))
		return -EINVAL;
	err = put_credentials(p, q);
	if (err)
		return err;
	sa46_str(q->peer, station, sizeof(station));
	if (aaa_put_nas(a, p) || radius_put_u32(p, RADIUS_NAS_PORT, q->nas_port) ||
	    radius_put_u32(p, RADIUS_NAS_PORT_TYPE, 5) ||		/* Virtual */
	    radius_put_u32(p, RADIUS_SERVICE_TYPE, 2) ||		/* Framed */
	    radius_put_u32(p, RADIUS_FRAMED_PROTOCOL, 1) ||		/* PPP */
	    radius_put_str(p, RADIUS_CALLING_STATION_ID, station))
		return -EMSGSIZE;
	return 0;
}

/* A Reply-Message for the log: printable ASCII, cut. */
static void printable(char *dst, size_t cap, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < cap; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f && src[i] != '"' ? src[i] : '?';
	dst[i] = '\0';
}

static void on_done(void *arg, int err, const uint8_t *ans, size_t len)
{
	struct aaa_slot *s = arg;
	struct aaa *a = s->a;
	struct aaa_auth_res res = { .verdict = AAA_NO_SERVER, .message = "" };
	char msg[AAA_MSG_MAX + 1] = "";
	struct radius_reply r;
	struct radius_msg m;
	const char *what = "?";
	aaa_auth_fn cb = s->cb;
	void *cb_arg = s->arg;

	slot_put(a, s);		/* the handle names nothing from here on */
	if (err || radius_decode(&m, ans, len) != RADIUS_OK) {
		a->st.no_server++;
		aaa_log_limited(a, LOG_WARNING, "no authentication server answered (%s)",
			    strerror(err ? -err : EPROTO));
	} else if (radius_reply_parse(&m, &r, &what) != RADIUS_OK) {
		a->st.malformed++;
		res.verdict = m.code == RADIUS_ACCESS_ACCEPT ? AAA_MALFORMED : AAA_REJECT;
		aaa_log_limited(a, LOG_WARNING, "%s with a malformed %s: refused",
			    m.code == RADIUS_ACCESS_ACCEPT ? "Access-Accept" : "answer", what);
	} else {
		printable(msg, sizeof(msg), r.reply_message);
		res.message = msg;
		res.reply = &r;
		res.msg = &m;
		res.verdict = m.code == RADIUS_ACCESS_ACCEPT ? AAA_ACCEPT : AAA_REJECT;
		if (m.code == RADIUS_ACCESS_CHALLENGE)
			aaa_log_limited(a, LOG_WARNING,
					"Access-Challenge is not supported: refused");
		if (res.verdict == AAA_ACCEPT)
			a->st.accepts++;
		else
			a->st.rejects++;
	}
	cb(cb_arg, &res);
	explicit_bzero(&r, sizeof(r));	/* an MS-CHAP2-Success proves the password hash */
}

int aaa_auth(struct aaa *a, const struct aaa_auth_req *q, aaa_auth_fn cb, void *arg,
	     uint64_t *handle)
{
	struct radius_pkt *p;
	struct aaa_slot *s;
	int err;

	if (!a->auth.c) {
		errno = EINVAL;		/* accounting alone: nothing asks */
		return -1;
	}
	if (a->peer_max && peer_waiting(a, q->peer) >= a->peer_max) {
		a->st.refused_peer++;
		aaa_log_limited(a, LOG_WARNING,
				"%u authentications waiting from one client address: refused",
				a->peer_max);
		errno = ENOBUFS;
		return -1;
	}
	s = slot_get(a);
	if (!s) {
		a->st.refused_global++;
		aaa_log_limited(a, LOG_WARNING, "%u authentications waiting: refused", a->n_slots);
		errno = ENOBUFS;
		return -1;
	}
	p = malloc(sizeof(*p));
	if (!p) {
		slot_put(a, s);
		errno = ENOMEM;
		return -1;
	}
	err = build_request(a, p, q);
	if (!err) {
		s->cb = cb;
		s->arg = arg;
		s->peer = *q->peer;	/* sa46_same_ip reads the member of its family */
		s->req = radius_client_submit_for(a->auth.c, p, q->tag, on_done, s,
						  evloop_now(a->loop));
		err = s->req ? 0 : -errno;
	}
	explicit_bzero(p, sizeof(*p));	/* a clear password, an answer to our challenge */
	free(p);
	if (err) {
		if (err == -ENOBUFS)
			a->st.refused_global++;
		slot_put(a, s);
		errno = -err;
		return -1;
	}
	a->st.requests++;
	*handle = slot_handle(a, s);
	aaa_rearm(&a->auth);
	return 0;
}

void aaa_cancel(struct aaa *a, uint64_t handle)
{
	uint32_t i = (uint32_t)handle, gen = (uint32_t)(handle >> 32);
	struct aaa_slot *s;

	if (!a || !handle || i >= a->n_slots)
		return;
	s = &a->slots[i];
	if (!s->used || s->gen != gen)
		return;
	radius_client_cancel(a->auth.c, s->req);
	slot_put(a, s);
	a->st.cancelled++;
	aaa_rearm(&a->auth);
}

/* --- the control socket -------------------------------------------------------------- */

void aaa_add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* Each server of l: "server": "ADDR:PORT", "state": "alive" | "dead", "stats": { counters } */
static struct json_object *describe_servers(const struct aaa_link *l, uint64_t now)
{
	struct json_object *servers = json_object_new_array();
	unsigned int i;

	for (i = 0; i < l->n_servers; i++) {
		const struct radius_server_stats *st = radius_client_server_stats(l->c, i);
		struct json_object *s = json_object_new_object(), *c = json_object_new_object();
		char name[INET6_ADDRSTRLEN + 10];
		union sa46 sa;

		sa46_from(&sa, &l->addrs[i], sizeof(l->addrs[i]));	/* another: "?" */
		sa46_str(&sa, name, sizeof(name));
		json_object_object_add(s, "server", json_object_new_string(name));
		json_object_object_add(s, "state", json_object_new_string(
			radius_client_server_state(l->c, i, now) == RADIUS_SERVER_ALIVE ?
			"alive" : "dead"));
		aaa_add_u64(c, "inflight", radius_client_inflight(l->c, i));
		aaa_add_u64(c, "requests", st->requests);
		aaa_add_u64(c, "retransmissions", st->retransmissions);
		aaa_add_u64(c, "timeouts", st->timeouts);
		if (l == &l->a->auth) {
			aaa_add_u64(c, "accepts", st->accepts);
			aaa_add_u64(c, "rejects", st->rejects);
			aaa_add_u64(c, "challenges", st->challenges);
		} else {
			aaa_add_u64(c, "responses", st->responses);
		}
		aaa_add_u64(c, "malformed", st->malformed);
		aaa_add_u64(c, "bad_authenticator", st->bad_authenticator);
		aaa_add_u64(c, "unknown_id", st->unknown_id);
		aaa_add_u64(c, "dropped", st->dropped);
		aaa_add_u64(c, "send_errors", st->send_errors);
		json_object_object_add(s, "stats", c);
		json_object_array_add(servers, s);
	}
	return servers;
}

/*
 * "radius": { "servers": [ authentication servers ], "stats": { the
 * Access-Requests' counters }, and with accounting "acct_servers": [ ... ],
 * "accounting": { the records' counters } }
 */
void aaa_describe(const struct aaa *a, struct json_object *o)
{
	struct json_object *r = json_object_new_object(), *g = json_object_new_object();
	uint64_t now = evloop_now(a->loop);

	json_object_object_add(r, "servers", describe_servers(&a->auth, now));
	aaa_add_u64(g, "queued", a->auth.c ? radius_client_queued(a->auth.c) : 0);
	aaa_add_u64(g, "waiting", a->n_used);
	aaa_add_u64(g, "requests", a->st.requests);
	aaa_add_u64(g, "accepts", a->st.accepts);
	aaa_add_u64(g, "rejects", a->st.rejects);
	aaa_add_u64(g, "malformed", a->st.malformed);
	aaa_add_u64(g, "no_server", a->st.no_server);
	aaa_add_u64(g, "refused_global", a->st.refused_global);
	aaa_add_u64(g, "refused_peer", a->st.refused_peer);
	aaa_add_u64(g, "cancelled", a->st.cancelled);
	json_object_object_add(r, "stats", g);
	if (a->acct.c) {
		json_object_object_add(r, "acct_servers", describe_servers(&a->acct, now));
		json_object_object_add(r, "accounting", aaa_acct_stats(a));
	}
	if (a->dae)
		json_object_object_add(r, "dae", aaa_dae_stats(a));
	json_object_object_add(o, "radius", r);
}
