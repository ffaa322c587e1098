// SPDX-License-Identifier: GPL-2.0
/*
 * radius-probe: the daemon's RADIUS client (radius/radius_client.h) driven by
 * the daemon's event loop against real servers, for tests/radius-host.sh.
 *
 *   radius-probe [options] pap|chap|mschapv2 USER PASSWORD
 *   radius-probe [options] acct start|interim|stop SESSION-ID USER
 *   radius-probe [options] session USER CLASS
 *	l2secd's accounting (aaa.h) for one session of USER on the servers:
 *	Accounting-On, Start, an Interim-Update, a Stop with 5 GiB + 1000
 *	octets in (Session-Timeout), Accounting-Off; "acct answered=N queued=N"
 *	and exit status 0 once every record is answered (10 s at most).
 *   radius-probe -k SECRET [-w DIR] dae PORT COUNT
 *	RFC 5176's server side, for radclient: on 127.0.0.1:PORT, COUNT
 *	datagrams, each a Disconnect- or CoA-Request checked with
 *	radius_verify_request; one for Acct-Session-Id "l2sec-0001" is
 *	ACKed, any other NAKed with Error-Cause 503 (Session-Context-Not-
 *	Found), one that does not verify dropped. A line per datagram.
 *
 * Options:
 *   -s ADDR:PORT   a server, in order of preference (IPv4; up to 8)
 *   -k SECRET      the shared secret of every server
 *   -t MS          timeout per try (1000)     -r N   retries per server (2)
 *   -n NAME        NAS-Identifier (radius-probe)
 *   -D MS          how long a server that did not answer is left out (30000)
 *   -l             the request again for each line read from stdin, until its
 *                  end, on the same client (its servers' states kept): a
 *                  line of output for each, flushed
 *   -w DIR         write each verified answer, after its request's authenticator,
 *                  and each signed request to DIR (fuzz corpus seeds)
 *
 * Output, one line: "code=Access-Accept server=N" and what the answer
 * assigned (framed-ip, session-timeout, class, reply-message, routes);
 * "mschapv2=verified" when the MS-CHAP2-Success is the authenticator
 * response ppp/mschap.c computes for the password. Exit status 0 on
 * Access-Accept or Accounting-Response, 2 on Access-Reject, 1 otherwise.
 * Each server's counters follow on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include "aaa.h"
#include "core/evloop.h"
#include "core/util.h"
#include "ppp/mschap.h"
#include "radius/radius_client.h"

struct probe {
	struct evloop *loop;
	struct radius_client *c;
	struct ev_timer timer;
	struct ev_io ios[RADIUS_MAX_SERVERS];
	int fds[RADIUS_MAX_SERVERS];
	unsigned int n_servers;
	unsigned int last_server;	/* where the last datagram came in */
	const char *corpus;
	unsigned int n_written;
	/* the request, to check an MS-CHAPv2 answer against */
	const char *method, *user, *password;
	uint8_t auth_chal[16], peer_chal[16], nt_resp[24];
	/* each identifier's last request authenticator, per server: the seeds' prefix */
	uint8_t sent_auth[RADIUS_MAX_SERVERS][RADIUS_IDS][RADIUS_AUTH_LEN];
	int status;
};

static struct probe probe;

static void write_seed(const char *kind, const uint8_t *a, size_t alen, const uint8_t *b,
		       size_t blen)
{
	char path[512];
	FILE *f;

	if (!probe.corpus)
		return;
	snprintf(path, sizeof(path), "%s/%s-%s-%d-%u", probe.corpus, probe.method, kind,
		 (int)getpid(), probe.n_written++);
	f = fopen(path, "w");
	if (!f || fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen)
		perror(path);
	if (f)
		fclose(f);
}

static int probe_send(void *arg, unsigned int server, const void *buf, size_t len)
{
	struct probe *p = arg;
	const uint8_t *b = buf;
	static const uint8_t none[16];

	/* a signed request: the fuzz target reads 16 octets, then the packet */
	write_seed("request", none, sizeof(none), buf, len);
	memcpy(p->sent_auth[server][b[1]], b + 4, RADIUS_AUTH_LEN);
	return send(p->fds[server], buf, len, 0) < 0 ? -errno : 0;
}

static void rearm(struct probe *p)
{
	uint64_t next = radius_client_next_deadline(p->c), now = evloop_now(p->loop);

	if (next == UINT64_MAX)
		ev_timer_cancel(p->loop, &p->timer);
	else
		ev_timer_arm(p->loop, &p->timer, next > now ? next - now : 0);
}

static void on_timer(struct ev_timer *t)
{
	radius_client_tick(probe.c, evloop_now(probe.loop));
	rearm(&probe);
}

static void on_input(struct ev_io *io, uint32_t events)
{
	unsigned int i = (unsigned int)(io - probe.ios);
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	uint8_t buf[RADIUS_MAX_LEN + 1];
	ssize_t n;

	n = recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len);
	if (n < 0)
		return;		/* ECONNREFUSED from a dead server's ICMP: its timeout counts */
	probe.last_server = i;
	if (n >= RADIUS_HDR_LEN)
		write_seed("answer", probe.sent_auth[i][buf[1]], RADIUS_AUTH_LEN, buf, (size_t)n);
	radius_client_input(probe.c, i, (struct sockaddr *)&from, from_len, buf, (size_t)n,
			    evloop_now(probe.loop));
	rearm(&probe);
}

static const char *code_name(uint8_t code)
{
	switch (code) {
	case RADIUS_ACCESS_ACCEPT: return "Access-Accept";
	case RADIUS_ACCESS_REJECT: return "Access-Reject";
	case RADIUS_ACCESS_CHALLENGE: return "Access-Challenge";
	case RADIUS_ACCOUNTING_RESPONSE: return "Accounting-Response";
	default: return "?";
	}
}

/* Is the MS-CHAP2-Success the authenticator response the password gives? */
static bool mschapv2_verified(const struct radius_reply *r)
{
	char want[MSCHAP_AUTH_RESPONSE_LEN];
	uint8_t hash[MSCHAP_NT_HASH_LEN];
	size_t ulen;
	const char *u = mschap_strip_domain(probe.user, strlen(probe.user), &ulen);

	if (!r->has_ms_chap2_success ||
	    mschap_nt_hash(probe.password, strlen(probe.password), hash))
		return false;
	mschap_auth_response(hash, probe.nt_resp, probe.peer_chal, probe.auth_chal, u, ulen,
			     want);
	explicit_bzero(hash, sizeof(hash));
	return !memcmp(want, r->ms_chap2_success + 1, MSCHAP_AUTH_RESPONSE_LEN - 1);
}

static void print_reply(const struct radius_msg *m)
{
	struct radius_reply r;
	const char *what = "";
	char s[INET_ADDRSTRLEN];
	unsigned int i;

	printf("code=%s server=%u", code_name(m->code), probe.last_server);
	if (radius_reply_parse(m, &r, &what) != RADIUS_OK) {
		printf(" malformed=%s\n", what);
		return;
	}
	if (r.has_framed_ip)
		printf(" framed-ip=%s", inet_ntop(AF_INET, &r.framed_ip, s, sizeof(s)));
	if (r.session_timeout)
		printf(" session-timeout=%u", r.session_timeout);
	if (r.class_len)
		printf(" class=%.*s", (int)r.class_len, (const char *)r.class);
	for (i = 0; i < r.n_routes; i++)
		printf(" route=%s/%u", inet_ntop(AF_INET, &r.routes[i].net, s, sizeof(s)),
		       r.routes[i].plen);
	if (!strcmp(probe.method, "mschapv2") && m->code == RADIUS_ACCESS_ACCEPT)
		printf(" mschapv2=%s", mschapv2_verified(&r) ? "verified" : "WRONG");
	if (r.reply_message[0])
		printf(" reply-message=\"%s\"", r.reply_message);
	printf("\n");
}

static void done(void *arg, int err, const uint8_t *ans, size_t len)
{
	struct probe *p = arg;
	struct radius_msg m;

	if (err) {
		printf("error=%s\n", strerror(-err));
		p->status = 1;
	} else if (radius_decode(&m, ans, len) != RADIUS_OK) {
		printf("error=undecodable\n");	/* not reached: the client decoded it */
		p->status = 1;
	} else {
		print_reply(&m);
		p->status = m.code == RADIUS_ACCESS_REJECT ? 2 :
			    m.code == RADIUS_ACCESS_ACCEPT ||
			    m.code == RADIUS_ACCOUNTING_RESPONSE ? 0 : 1;
	}
	evloop_stop(p->loop);
}

static void put_common(struct radius_pkt *p, const char *nas)
{
	radius_put_str(p, RADIUS_NAS_IDENTIFIER, nas);
	radius_put_u32(p, RADIUS_NAS_PORT_TYPE, 5);		/* Virtual */
	radius_put_u32(p, RADIUS_SERVICE_TYPE, 2);		/* Framed */
	radius_put_u32(p, RADIUS_FRAMED_PROTOCOL, 1);		/* PPP */
	radius_put_str(p, RADIUS_CALLING_STATION_ID, "198.51.100.7:4500");
}

static int build_auth(struct radius_pkt *p, const char *method, const char *nas)
{
	const char *u = probe.user, *pw = probe.password;
	uint8_t v[64], hash[MSCHAP_NT_HASH_LEN];
	size_t ulen;

	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, 0);
	radius_put_str(p, RADIUS_USER_NAME, u);
	put_common(p, nas);
	if (!strcmp(method, "pap"))
		return radius_put_password(p, pw, strlen(pw));
	if (getrandom(probe.auth_chal, 16, 0) != 16 || getrandom(probe.peer_chal, 16, 0) != 16)
		return -EIO;
	if (!strcmp(method, "chap")) {
		v[0] = 1;	/* the CHAP identifier */
		mschap_md5_response(v[0], (const uint8_t *)pw, strlen(pw), probe.auth_chal, 16,
				    v + 1);
		radius_put(p, RADIUS_CHAP_CHALLENGE, probe.auth_chal, 16);
		return radius_put(p, RADIUS_CHAP_PASSWORD, v, 17);
	}
	if (strcmp(method, "mschapv2") || mschap_nt_hash(pw, strlen(pw), hash))
		return -EINVAL;
	u = mschap_strip_domain(u, strlen(u), &ulen);
	mschap_nt_response(probe.auth_chal, probe.peer_chal, u, ulen, hash, probe.nt_resp);
	explicit_bzero(hash, sizeof(hash));
	/* RFC 2548 section 2.3.2: ident, flags, peer challenge, 8 reserved, response */
	memset(v, 0, RADIUS_MS_CHAP2_RESPONSE_LEN);
	v[0] = 1;
	memcpy(v + 2, probe.peer_chal, 16);
	memcpy(v + 26, probe.nt_resp, 24);
	radius_put_vsa(p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP_CHALLENGE, probe.auth_chal, 16);
	return radius_put_vsa(p, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_CHAP2_RESPONSE, v,
			      RADIUS_MS_CHAP2_RESPONSE_LEN);
}

static int build_acct(struct radius_pkt *p, const char *kind, const char *sid,
		      const char *nas)
{
	/* 5 x 4 GiB + 1000 octets in, 3000 out: Gigawords carries the high bits */
	static const uint64_t in = (5ull << 32) + 1000, out = 3000;
	uint32_t type;

	if (!strcmp(kind, "start"))
		type = 1;
	else if (!strcmp(kind, "stop"))
		type = 2;
	else if (!strcmp(kind, "interim"))
		type = 3;
	else
		return -EINVAL;
	radius_pkt_init(p, RADIUS_ACCOUNTING_REQUEST, 0);
	radius_put_u32(p, RADIUS_ACCT_STATUS_TYPE, type);
	radius_put_str(p, RADIUS_ACCT_SESSION_ID, sid);
	radius_put_str(p, RADIUS_USER_NAME, probe.user);
	put_common(p, nas);
	radius_put_u32(p, RADIUS_ACCT_DELAY_TIME, 0);
	radius_put_u32(p, RADIUS_ACCT_AUTHENTIC, 1);		/* RADIUS */
	if (type == 1)
		return 0;
	radius_put_u32(p, RADIUS_ACCT_SESSION_TIME, 42);
	radius_put_u32(p, RADIUS_ACCT_INPUT_OCTETS, (uint32_t)in);
	radius_put_u32(p, RADIUS_ACCT_INPUT_GIGAWORDS, (uint32_t)(in >> 32));
	radius_put_u32(p, RADIUS_ACCT_OUTPUT_OCTETS, (uint32_t)out);
	radius_put_u32(p, RADIUS_ACCT_OUTPUT_GIGAWORDS, (uint32_t)(out >> 32));
	radius_put_u32(p, RADIUS_ACCT_INPUT_PACKETS, 4000000);
	radius_put_u32(p, RADIUS_ACCT_OUTPUT_PACKETS, 3);
	if (type == 2)
		radius_put_u32(p, RADIUS_ACCT_TERMINATE_CAUSE, 1);	/* User-Request */
	return 0;
}

static int add_server(struct radius_client_conf *conf, const char *arg)
{
	struct radius_server_conf *s = &conf->servers[conf->n_servers];
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(arg, ':');

	if (conf->n_servers == RADIUS_MAX_SERVERS || !colon ||
	    (size_t)(colon - arg) >= sizeof(host))
		return -1;
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = 0;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 || !sin->sin_port)
		return -1;
	s->addr_len = sizeof(*sin);
	conf->n_servers++;
	return 0;
}

static int open_sockets(struct probe *p, const struct radius_client_conf *conf)
{
	unsigned int i;

	for (i = 0; i < conf->n_servers; i++) {
		/* connected: only the server's datagrams arrive, send() needs no address */
		p->fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (p->fds[i] < 0 ||
		    connect(p->fds[i], (const struct sockaddr *)&conf->servers[i].addr,
			    conf->servers[i].addr_len) ||
		    evloop_add_io(p->loop, &p->ios[i], p->fds[i], EPOLLIN, on_input))
			return -1;
	}
	p->n_servers = conf->n_servers;
	return 0;
}

static void print_stats(const struct probe *p)
{
	unsigned int i;

	for (i = 0; i < p->n_servers; i++) {
		const struct radius_server_stats *st = radius_client_server_stats(p->c, i);

		fprintf(stderr, "server %u: requests %llu retransmissions %llu timeouts %llu "
			"accepts %llu rejects %llu responses %llu malformed %llu "
			"bad-authenticator %llu unknown-id %llu dropped %llu\n", i,
			(unsigned long long)st->requests, (unsigned long long)st->retransmissions,
			(unsigned long long)st->timeouts, (unsigned long long)st->accepts,
			(unsigned long long)st->rejects, (unsigned long long)st->responses,
			(unsigned long long)st->malformed,
			(unsigned long long)st->bad_authenticator,
			(unsigned long long)st->unknown_id, (unsigned long long)st->dropped);
	}
}

/* --- RFC 5176's server side ---------------------------------------------------- */

static const char *dae_code_name(uint8_t code)
{
	return code == RADIUS_DISCONNECT_REQUEST ? "Disconnect-Request" :
	       code == RADIUS_COA_REQUEST ? "CoA-Request" : "?";
}

/* Verify one request in buf; fill the answer a. false: dropped (printed why). */
static bool dae_answer(const uint8_t *buf, size_t len, const struct radius_secret *s,
		       struct radius_pkt *a)
{
	static const char want[] = "l2sec-0001";
	const struct radius_avp *sid;
	struct radius_reply r;
	struct radius_msg m;
	enum radius_err e;
	bool found;

	e = radius_decode(&m, buf, len);
	if (!e && m.code != RADIUS_DISCONNECT_REQUEST && m.code != RADIUS_COA_REQUEST)
		e = RADIUS_ERR_CODE;
	if (!e)
		e = radius_verify_request(&m, s);
	if (e) {
		printf("dropped=\"%s\"\n", radius_err_name(e));
		return false;
	}
	sid = radius_find(&m, RADIUS_ACCT_SESSION_ID, NULL);
	found = sid && sid->len == sizeof(want) - 1 &&
		!memcmp(radius_value(&m, sid), want, sizeof(want) - 1);
	printf("verified=%s session=%s", dae_code_name(m.code), found ? "found" : "unknown");
	if (radius_reply_parse(&m, &r, NULL) == RADIUS_OK && r.session_timeout)
		printf(" session-timeout=%u", r.session_timeout);
	printf("\n");
	radius_pkt_init(a, (uint8_t)(m.code + (found ? 1 : 2)), m.id);	/* ACK, NAK */
	if (!found)
		radius_put_u32(a, RADIUS_ERROR_CAUSE, 503);
	return radius_sign_answer(a, s, buf + 4) == 0;
}

static int dae(const struct radius_secret *s, const char *port, unsigned int count)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 10 };
	uint8_t buf[RADIUS_MAX_LEN + 1];
	struct sockaddr_storage from;
	socklen_t from_len;
	struct radius_pkt a;
	unsigned int i;
	ssize_t n;
	int fd;

	sin.sin_port = htons((uint16_t)atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("radius-probe: dae");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (i = 0; i < count; i++) {
		from_len = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len);
		if (n < 0) {
			perror("radius-probe: dae");
			return 1;
		}
		write_seed("request", (const uint8_t[16]){ 0 }, 16, buf, (size_t)n);
		if (dae_answer(buf, (size_t)n, s, &a))
			sendto(fd, a.buf, a.len, 0, (struct sockaddr *)&from, from_len);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

/* --- l2secd's accounting ------------------------------------------------------------ */

static void session_guard(struct ev_timer *t)
{
	(void)t;
	evloop_stop(probe.loop);
}

static struct {
	struct aaa *a;
	struct ev_timer guard, poll;
} sp;

static void session_poll(struct ev_timer *t)
{
	if (aaa_acct_idle(sp.a))
		evloop_stop(probe.loop);
	else
		ev_timer_arm(probe.loop, t, 20);
}

static int64_t acct_stat(struct aaa *a, const char *key)
{
	struct json_object *o = json_object_new_object(), *r, *g, *v;
	int64_t n = -1;

	aaa_describe(a, o);
	if (json_object_object_get_ex(o, "radius", &r) &&
	    json_object_object_get_ex(r, "accounting", &g) && json_object_object_get_ex(g, key, &v))
		n = json_object_get_int64(v);
	json_object_put(o);
	return n;
}

/* Run until every record is answered, or 10 s. */
static void session_run(void)
{
	ev_timer_arm(probe.loop, &sp.poll, 0);
	ev_timer_arm(probe.loop, &sp.guard, 10000);
	if (evloop_run(probe.loop))
		perror("radius-probe: event loop");
	ev_timer_cancel(probe.loop, &sp.poll);
	ev_timer_cancel(probe.loop, &sp.guard);
}

static int session(const char *servers, const char *secret, const char *nas,
		   const struct radius_client_conf *conf, const char *user, const char *class)
{
	static struct l2sec_config cfg;
	union sa46 peer = { 0 };
	struct sockaddr_in *sin = &peer.sin;
	struct aaa_counters c = { .in_octets = 5ull << 32 | 1000, .out_octets = 2000,
				  .in_packets = 30, .out_packets = 40 };
	struct aaa_acct_info info = {
		.user = user, .peer = &peer, .nas_port = 0x10001,
		.framed_ip = { htonl(0x0a080063) }, .class = (const uint8_t *)class,
		.class_len = strlen(class),
	};
	struct aaa_acct *s;
	int ok;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0xc0000209);	/* 192.0.2.9:1701 */
	sin->sin_port = htons(1701);
	snprintf(cfg.radius.acct_servers, sizeof(cfg.radius.acct_servers), "%s", servers);
	snprintf(cfg.radius.secret, sizeof(cfg.radius.secret), "%s", secret);
	snprintf(cfg.radius.nas_identifier, sizeof(cfg.radius.nas_identifier), "%s", nas);
	cfg.radius.timeout_ms = conf->timeout_ms;
	cfg.radius.retries = conf->retries;
	cfg.radius.dead_time_ms = 1000;
	cfg.radius.queue = 16;
	cfg.radius.acct_queue = 16;
	probe.loop = evloop_new(NULL, NULL);
	sp.a = probe.loop ? aaa_new(probe.loop, &cfg) : NULL;
	if (!sp.a)
		return 1;
	ev_timer_init(&sp.guard, session_guard);
	ev_timer_init(&sp.poll, session_poll);
	s = aaa_acct_start(sp.a, &info);
	session_run();		/* On and Start answered first: the order the server logs */
	aaa_acct_interim(sp.a, s, &c);
	c.in_octets += 1;
	aaa_acct_stop(sp.a, s, &c, AAA_TC_SESSION_TIMEOUT);
	aaa_acct_off(sp.a);
	session_run();
	ok = aaa_acct_idle(sp.a);
	printf("acct answered=%lld queued=%lld\n", (long long)acct_stat(sp.a, "answered"),
	       (long long)acct_stat(sp.a, "queued"));
	aaa_free(sp.a);
	evloop_free(probe.loop);
	return ok ? 0 : 1;
}

/* One request on the event loop until its answer or its end; 0 when it was submitted. */
static int ask(const struct radius_pkt *p)
{
	probe.status = 1;
	if (!radius_client_submit(probe.c, p, done, &probe, evloop_now(probe.loop))) {
		perror("radius-probe: submit");
		return -1;
	}
	rearm(&probe);
	if (evloop_run(probe.loop))
		perror("radius-probe: event loop");
	fflush(stdout);
	return 0;
}

/* -l: wait for the caller's next line; false at the end of stdin. */
static bool next_line(void)
{
	char line[64];

	return fgets(line, sizeof(line), stdin) != NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: radius-probe -s ADDR:PORT... -k SECRET [-t MS] [-r N] [-n NAS] "
		"[-w DIR] [-D MS] [-l]\n\t{pap|chap|mschapv2 USER PASSWORD |\n"
		"\t acct start|interim|stop SID USER | session USER CLASS}\n"
		"       radius-probe -k SECRET [-w DIR] dae PORT COUNT\n");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct radius_client_ops ops = { .send = probe_send };
	struct radius_client_conf conf = {
		.timeout_ms = 1000, .retries = 2, .dead_time_ms = 30000,
		.max_inflight = RADIUS_IDS, .max_queue = 16,
	};
	const char *secret = NULL, *nas = "radius-probe";
	char servers[192] = "";
	struct radius_pkt p;
	unsigned int i;
	int opt, ret;

	bool again = false;

	while ((opt = getopt(argc, argv, "s:k:t:r:n:w:D:l")) != -1) {
		switch (opt) {
		case 's':
			if (add_server(&conf, optarg))
				return usage();
			snprintf(servers + strlen(servers), sizeof(servers) - strlen(servers),
				 "%s ", optarg);
			break;
		case 'k': secret = optarg; break;
		case 't': conf.timeout_ms = (unsigned int)atoi(optarg); break;
		case 'r': conf.retries = (unsigned int)atoi(optarg); break;
		case 'n': nas = optarg; break;
		case 'w': probe.corpus = optarg; break;
		case 'D': conf.dead_time_ms = (unsigned int)atoi(optarg); break;
		case 'l': again = true; break;
		default: return usage();
		}
	}
	if (secret && argc - optind == 3 && !strcmp(argv[optind], "dae")) {
		probe.method = "dae";
		return dae(&(struct radius_secret){ (const uint8_t *)secret, strlen(secret) },
			   argv[optind + 1], (unsigned int)atoi(argv[optind + 2]));
	}
	if (!secret || !conf.n_servers || argc - optind < 3)
		return usage();
	if (!strcmp(argv[optind], "session"))
		return session(servers, secret, nas, &conf, argv[optind + 1], argv[optind + 2]);
	for (i = 0; i < conf.n_servers; i++)
		conf.servers[i].secret = (struct radius_secret){
			(const uint8_t *)secret, strlen(secret) };
	probe.method = argv[optind];
	if (!strcmp(probe.method, "acct")) {
		if (argc - optind < 4)
			return usage();
		probe.user = argv[optind + 3];
		ret = build_acct(&p, argv[optind + 1], argv[optind + 2], nas);
	} else {
		probe.user = argv[optind + 1];
		probe.password = argv[optind + 2];
		ret = build_auth(&p, probe.method, nas);
	}
	if (ret)
		return usage();
	probe.loop = evloop_new(NULL, NULL);
	probe.c = radius_client_new(&conf, &ops, &probe);
	if (!probe.loop || !probe.c || open_sockets(&probe, &conf)) {
		perror("radius-probe");
		return 1;
	}
	ev_timer_init(&probe.timer, on_timer);
	do {
		ret = ask(&p);
	} while (!ret && again && next_line());
	print_stats(&probe);
	radius_client_free(probe.c);
	evloop_free(probe.loop);
	return probe.status;
}
