// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's side of l2secd's control socket: a fake daemon (a forked child
 * serving canned answers on a unix socket in a temporary directory) answers
 * `l2sec daemon show` and `session show` without the module; the join of the
 * kernel's sessions with the daemon's is checked as a pure function; every
 * malformed answer (truncated, wrong types, too big, an error, no daemon at
 * all) gives a clear line and exit status 1, never a crash (run under ASan in
 * build/san/unit/).  `tunnel del` and `session del` go to the daemon and
 * turn its answers into exit status and one line.  And the daemon's own
 * answers (ctl.c's, with the scripted LAC of l2tp_fake.h) are read
 * without a complaint.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "cli.h"
#include "ctl.h"
#include "ctl_proto.h"
#include "ctlc.h"
#include "ctl_text.h"
#include "daemon_cmd.h"
#include "dsess.h"
#include "l2tp_fake.h"
#include "core/log.h"
#include "print.h"
#include "l2tp/rxcheck.h"
#include "session.h"
#include "tunnel.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define ARGS(...) ARGC(__VA_ARGS__), ARGV(__VA_ARGS__)

/* --- the fake daemon ------------------------------------------------------ */

enum srv_mode {
	SRV_ANSWER,	/* write the reply, close */
	SRV_HANG,	/* read the request, never answer */
	SRV_HUGE,	/* answer more than CTLC_REPLY_MAX bytes */
	SRV_CLOSE,	/* close without answering */
	SRV_MANY,	/* MANY_N sessions, more than CTLC_REPLY_MAX as one object */
	SRV_LONG,	/* a line longer than CTLC_LINE_MAX */
	SRV_AS_LINES,	/* the reply, a listing as one object, written as lines */
};

/*
 * What a listing as lines asks the fake to leave out (lib/ctl_proto.h):
 * l2secd's filters, which it applies as l2secd does. A listing canned as
 * lines itself is an older l2secd's, which answers any filter "unknown
 * request".
 */
struct srv_filter {
	unsigned int tid;	/* 0: any */
	char user[CTL_USER_MAX + 1];	/* "": any */
	struct dsess_sel sel;	/* address, peer (its address): as the tool matches */
};

/* The fake knows the filters address and peer (false: as the l2secd before them) */
static bool srv_addr_filters = true;

/* Every request the fake daemon got, a line each (expect_requests). */
static char srv_log[128];

#define MANY_N 60000u

struct canned {
	const char *req;
	const char *reply;	/* with its '\n', as l2secd sends it */
	enum srv_mode mode;
};

struct fakesrv {
	char dir[64];
	char path[96];
	pid_t pid;
};

static void write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;	/* the client went away: its business */
		p += n;
		len -= (size_t)n;
	}
}

/*
 * REPLY, a listing's canned answer as one object, as l2secd answers the same
 * request with " lines" after it (daemon/ctl.h): each element a line, then
 * the end line; a reply that is no such listing goes as it is.
 */
static bool filter_pass(const struct srv_filter *flt, struct json_object *e)
{
	struct json_object *v;

	if (!flt)
		return true;
	if (flt->tid && (!json_object_object_get_ex(e, "tunnel_id", &v) ||
			 (unsigned int)json_object_get_int(v) != flt->tid))
		return false;
	if (flt->user[0] && !(json_object_object_get_ex(e, "user", &v) &&
			      !strcmp(json_object_get_string(v), flt->user)))
		return false;
	if (!dsess_sel_empty(&flt->sel)) {
		struct dsess_list one = { 0 };
		bool pass;

		assert_int_equal(dsess_list_add(json_object_get(e), &one), 0);
		pass = one.n == 1 && dsess_sel_match(&flt->sel, NULL, &one.v[0]);
		dsess_list_free(&one);
		return pass;
	}
	return true;
}

static void write_lines(int fd, const char *reply, const char *key,
			const struct srv_filter *flt)
{
	struct json_object *o = json_tokener_parse(reply), *arr;
	char end[96];
	size_t i, n, shown = 0;

	if (!o || !json_object_object_get_ex(o, key, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		write_all(fd, reply, strlen(reply));
		json_object_put(o);
		return;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *js = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);

		if (!filter_pass(flt, e))
			continue;
		write_all(fd, js, strlen(js));
		write_all(fd, "\n", 1);
		shown++;
	}
	snprintf(end, sizeof(end), "{\"end\":\"%s\",\"count\":%zu}\n", key, shown);
	write_all(fd, end, strlen(end));
	json_object_put(o);
}

static void n_printf_end(int fd, unsigned int n)
{
	char end[64];

	snprintf(end, sizeof(end), "{\"end\":\"sessions\",\"count\":%u}\n", n);
	write_all(fd, end, strlen(end));
}

/* MANY_N sessions of some 340 octets each, as lines or as one object. */
static void write_many(int fd, bool lines, const struct srv_filter *flt)
{
	char rec[512], user[16];
	unsigned int i, shown = 0;

	if (!lines)
		write_all(fd, "{\"sessions\":[", 13);
	for (i = 0; i < MANY_N; i++) {
		snprintf(user, sizeof(user), "user%06u", i);
		if (flt && ((flt->tid && flt->tid != i % 65535 + 1) ||
			    (flt->user[0] && strcmp(flt->user, user))))
			continue;
		shown++;
		int n = snprintf(rec, sizeof(rec),
				 "%s{\"tunnel_id\":%u,\"session_id\":%u,\"peer_tunnel_id\":1,"
				 "\"peer_session_id\":1,\"peer\":\"198.51.100.%u\",\"peer_port\":1701,"
				 "\"state\":\"established\",\"call_serial\":1,\"tx_speed\":0,"
				 "\"uptime_ms\":123456,\"in_kernel\":true,\"ppp_rx\":12,\"ppp_tx\":13,"
				 "\"require_ipsec\":true,\"datapath\":\"kernel\",\"user\":\"%s\","
				 "\"ppp_phase\":\"network\",\"ipv4\":\"10.%u.%u.%u\",\"auth\":\"mschapv2\"}%s",
				 !lines && i ? "," : "", i % 65535 + 1, i / 65535 + 1, i % 250 + 1, user,
				 i >> 16, (i >> 8) & 255, i & 255, lines ? "\n" : "");

		write_all(fd, rec, (size_t)n);
	}
	if (lines)
		n_printf_end(fd, shown);
	else
		write_all(fd, "]}\n", 3);
}

/*
 * "tunnel TID", "user NAME", "address ADDR", "peer ADDR" and "no-counters" of
 * a listing's request (lib/ctl_proto.h; the fake's records have no counters
 * anyway): 0, or -1.
 */
static int parse_filter(const char *s, struct srv_filter *flt)
{
	size_t n = 0;
	unsigned int c;

	memset(flt, 0, sizeof(*flt));
	if (!strncmp(s, " tunnel ", 8)) {
		flt->tid = (unsigned int)strtoul(s + 8, (char **)&s, 10);
		if (!flt->tid || flt->tid > 65535)
			return -1;
	}
	if (!strcmp(s, " no-counters"))
		return 0;
	if (!*s)
		return 0;
	if (!strncmp(s, " user ", 6)) {
		for (s += 6; *s && *s != ' ' && n < CTL_USER_MAX; s++) {
			if (*s == '%' && sscanf(s + 1, "%2x", &c) == 1 && c) {
				flt->user[n++] = (char)c;
				s += 2;
			} else if (*s > ' ' && *s < 0x7f && *s != '%') {
				flt->user[n++] = *s;
			} else {
				return -1;
			}
		}
		if (!n)
			return -1;
	}
	if (srv_addr_filters && !strncmp(s, " address ", 9)) {
		char a[INET6_ADDRSTRLEN] = "";

		s += 9;
		n = strcspn(s, " ");
		memcpy(a, s, n < sizeof(a) ? n : 0);
		if (dsess_parse_addr(a, &flt->sel.addr) || strchr(a, '/'))
			return -1;
		s += n;
	}
	if (srv_addr_filters && !strncmp(s, " peer ", 6)) {
		char a[INET6_ADDRSTRLEN] = "";

		s += 6;
		n = strcspn(s, " ");
		memcpy(a, s, n < sizeof(a) ? n : 0);
		if (dsess_parse_addr(a, &flt->sel.peer) || strchr(a, '/'))
			return -1;
		s += n;
	}
	return *s && strcmp(s, " no-counters") ? -1 : 0;
}

static void serve_one(int fd, const struct canned *c, size_t n)
{
	static const char unknown[] = "{\"error\":\"unknown request\"}\n";
	static const char usage[] = "{\"error\":\"usage: show sessions lines ...\"}\n";
	struct srv_filter filter, *flt = NULL;
	char req[256];
	size_t len = 0, i;
	const char *key = NULL;
	ssize_t r;
	FILE *log;

	while (len < sizeof(req) - 1 && !memchr(req, '\n', len)) {
		r = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (r <= 0)
			return;
		len += (size_t)r;
	}
	req[len] = '\0';
	*strchrnul(req, '\n') = '\0';
	log = fopen(srv_log, "a");
	if (log) {
		fprintf(log, "%s\n", req);
		fclose(log);
	}
	/* a listing as lines: from the canned answer of the listing, unless canned itself */
	for (i = 0; i < n && strcmp(c[i].req, req); i++)
		;
	if (i == n && !strncmp(req, "show sessions lines", 19)) {
		key = "sessions";
		if (req[19]) {
			/* filters: unknown to an older daemon, whose lines are canned */
			for (i = 0; i < n && strcmp(c[i].req, "show sessions lines"); i++)
				;
			if (i < n)
				goto unknown;
			if (parse_filter(req + 19, &filter)) {
				write_all(fd, usage, sizeof(usage) - 1);
				return;
			}
			flt = &filter;
		}
		req[13] = '\0';
	} else if (i == n && !strcmp(req, "show tunnels lines")) {
		key = "tunnels";
		req[12] = '\0';
	}
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].req, req))
			continue;
		switch (c[i].mode) {
		case SRV_ANSWER:
			if (key)
				write_lines(fd, c[i].reply, key, flt);
			else
				write_all(fd, c[i].reply, strlen(c[i].reply));
			return;
		case SRV_HANG:
			pause();
			return;
		case SRV_HUGE: {
			static char chunk[1 << 16];
			size_t sent;

			memset(chunk, ' ', sizeof(chunk));
			for (sent = 0; sent <= CTLC_REPLY_MAX; sent += sizeof(chunk))
				write_all(fd, chunk, sizeof(chunk));
			return;
		}
		case SRV_CLOSE:
			return;
		case SRV_MANY:
			write_many(fd, key != NULL, flt);
			return;
		case SRV_LONG: {
			static char chunk[CTLC_LINE_MAX + 16];

			memset(chunk, 'x', sizeof(chunk));
			write_all(fd, chunk, sizeof(chunk));
			return;
		}
		case SRV_AS_LINES:
			write_lines(fd, c[i].reply, strstr(req, "tunnels") ? "tunnels" : "sessions",
				    NULL);
			return;
		}
	}
unknown:
	write_all(fd, unknown, sizeof(unknown) - 1);
}

/* Listens in a new temporary directory and serves C from a child process. */
static void srv_start(struct fakesrv *f, const struct canned *c, size_t n)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, cfd;

	strcpy(f->dir, "/tmp/l2sec-ctlc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, CTLC_SOCK_NAME);
	snprintf(srv_log, sizeof(srv_log), "%s/requests", f->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 16), 0);
	fflush(NULL);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		for (;;) {
			cfd = accept(fd, NULL, NULL);
			if (cfd < 0)
				_exit(1);
			serve_one(cfd, c, n);
			close(cfd);
		}
	}
	close(fd);
}

/* An empty directory: no daemon. */
static void srv_none(struct fakesrv *f)
{
	strcpy(f->dir, "/tmp/l2sec-ctlc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, CTLC_SOCK_NAME);
	f->pid = 0;
}

static void srv_stop(struct fakesrv *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	unlink(f->path);
	unlink(srv_log);
	rmdir(f->dir);
}

/* The requests the fake daemon got so far, a line each, must be WANT; then none. */
static void expect_requests(const char *want)
{
	FILE *log = fopen(srv_log, "r");
	char text[4096] = "";

	if (log) {
		if (!fread(text, 1, sizeof(text) - 1, log))
			text[0] = '\0';
		fclose(log);
	}
	unlink(srv_log);
	assert_string_equal(text, want);
}

/* --- output capture ------------------------------------------------------- */

struct capture {
	char *out, *err;
	size_t out_len, err_len;
	FILE *fo, *fe;
};

static void cap_begin(struct capture *c, struct cli *cl)
{
	memset(c, 0, sizeof(*c));
	c->fo = open_memstream(&c->out, &c->out_len);
	c->fe = open_memstream(&c->err, &c->err_len);
	assert_non_null(c->fo);
	assert_non_null(c->fe);
	if (cl)
		cl->out = c->fo;
	cli_err_to(c->fe);
}

/* For the pure printers: the print layer straight into the capture. */
static void cap_print(struct capture *c, unsigned int flags)
{
	cap_begin(c, NULL);
	print_begin(c->fo, flags);
}

static void cap_end(struct capture *c)
{
	cli_err_to(NULL);
	fclose(c->fo);
	fclose(c->fe);
}

static void cap_free(struct capture *c)
{
	free(c->out);
	free(c->err);
}

/* `l2sec daemon show` of answers ver and st into c, with -s when stats. */
static void cap_daemon(struct capture *c, struct json_object *ver, struct json_object *st,
		       int stats, unsigned int flags)
{
	cap_print(c, flags);
	assert_int_equal(daemon_print(ver, st, stats), 0);
	assert_int_equal(print_end(), 0);
	cap_end(c);
}

/* Runs `l2sec [opts] ARGV...` as main() would, output captured. */
static int run(struct capture *cap, struct cli *c, int argc, char **argv,
	       int (*fn)(struct cli *, int, char **))
{
	int ret;

	cap_begin(cap, c);
	ret = fn(c, argc, argv);
	cap_end(cap);
	return ret;
}

static struct json_object *jparse(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static uint64_t num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static bool has(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

/* --- canned answers, as daemon/ctl.c writes them ----------------------------- */

#define VERSION_REPLY "{\"version\":\"0.4.0\"}\n"

#define STATS_REPLY \
	"{\"stats\":{\"rx_packets\":1234,\"rx_bad_header\":1,\"tx_errors\":0," \
	"\"rx_plaintext\":2},\"tunnels\":2,\"half_open\":0,\"sessions\":3," \
	"\"ppp\":{\"up\":3,\"down\":1,\"auth_failures\":0,\"no_address\":0,\"tun_rx\":10," \
	"\"tun_tx\":11,\"tun_rx_no_session\":0,\"tun_tx_spoofed\":0,\"tun_errors\":0," \
	"\"ra_sent\":2},\"admit\":{\"half_open_sa_limit\":7,\"peers\":12}," \
	"\"datapath\":\"tun\",\"pool_size\":241,\"pool_in_use\":3," \
	"\"pool6_size\":65536,\"pool6_in_use\":1}\n"

#define SESSIONS_REPLY \
	"{\"sessions\":[" \
	"{\"tunnel_id\":4711,\"session_id\":7,\"peer_tunnel_id\":12,\"peer_session_id\":3," \
	"\"state\":\"established\",\"call_serial\":1,\"tx_speed\":100000000," \
	"\"uptime_ms\":3605123,\"in_kernel\":false,\"ppp_rx\":40,\"ppp_tx\":42," \
	"\"datapath\":\"tun\",\"user\":\"alice\",\"ppp_phase\":\"network\"," \
	"\"ipv4\":\"10.0.0.5\",\"ipv6_prefix\":\"2001:db8:1::/64\",\"auth\":\"mschapv2\"," \
	"\"require_ipsec\":true,\"mark\":2,\"sa\":{\"mark\":2,\"ike_id\":3,\"child_id\":5," \
	"\"reqid\":7,\"spi_in\":\"c1d2e3f4\",\"spi_out\":\"0a0b0c0d\",\"encap\":true," \
	"\"remote\":\"203.0.113.7:4500\",\"remote_id\":\"C=CH, CN=alice\"}}," \
	"{\"tunnel_id\":4711,\"session_id\":2,\"peer_tunnel_id\":12,\"peer_session_id\":9," \
	"\"state\":\"wait-connect\",\"call_serial\":2,\"tx_speed\":0,\"uptime_ms\":10," \
	"\"in_kernel\":false,\"ppp_rx\":0,\"ppp_tx\":0,\"datapath\":\"tun\"," \
	"\"require_ipsec\":true,\"mark\":2}," \
	"{\"tunnel_id\":9,\"session_id\":1,\"state\":\"established\",\"datapath\":\"tun\"," \
	"\"user\":\"bob\",\"ppp_phase\":\"authenticate\",\"require_ipsec\":false}]}\n"

#define TUNNELS_REPLY "{\"tunnels\":[{\"tunnel_id\":4711},{\"tunnel_id\":9},{\"tunnel_id\":5}]}\n"

static const struct canned good[] = {
	{ "version", VERSION_REPLY, SRV_ANSWER },
	{ "show stats", STATS_REPLY, SRV_ANSWER },
	{ "show sessions", SESSIONS_REPLY, SRV_ANSWER },
	{ "show tunnels", TUNNELS_REPLY, SRV_ANSWER },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- the client ----------------------------------------------------------- */

static void test_request(void **state)
{
	struct json_object *o;
	struct fakesrv f;
	char why[256];

	srv_start(&f, good, N(good));
	assert_int_equal(ctlc_request(f.dir, "version", &o), 0);
	assert_string_equal(str(o, "version"), "0.4.0");
	json_object_put(o);

	/* the daemon's own error is passed on, and nothing else */
	assert_int_equal(ctlc_request(f.dir, "show nonsense", &o), -EREMOTEIO);
	assert_null(o);
	ctlc_strerror(f.dir, -EREMOTEIO, why, sizeof(why));
	assert_string_equal(why, "l2secd: unknown request");

	/* a request the daemon would refuse is not sent */
	assert_int_equal(ctlc_request(f.dir, "show\nstats", &o), -EINVAL);
	srv_stop(&f);
}

static void test_no_daemon(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct json_object *o;
	char why[256], exp[256], file[160];
	struct fakesrv f;
	int fd;

	srv_none(&f);
	assert_int_equal(ctlc_request(f.dir, "version", &o), -ENOENT);
	assert_true(ctlc_unreachable(-ENOENT));
	ctlc_strerror(f.dir, -ENOENT, why, sizeof(why));
	snprintf(exp, sizeof(exp), "l2secd is not running (no %s/l2secd.sock)", f.dir);
	assert_string_equal(why, exp);
	ctlc_strerror("/run/l2sec/", -ENOENT, why, sizeof(why));
	assert_string_equal(why, "l2secd is not running (no /run/l2sec/l2secd.sock)");

	/* a socket left behind by a daemon that died */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f.path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(ctlc_request(f.dir, "version", &o), -ECONNREFUSED);
	assert_true(ctlc_unreachable(-ECONNREFUSED));
	ctlc_strerror(f.dir, -ECONNREFUSED, why, sizeof(why));
	assert_non_null(strstr(why, "is stale"));
	unlink(f.path);

	/* the runtime directory is a file */
	snprintf(file, sizeof(file), "%s/file", f.dir);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ctlc_request(file, "version", &o), -ENOTDIR);
	unlink(file);

	/* too long for sun_path */
	memset(file, 'x', sizeof(file) - 1);
	file[sizeof(file) - 1] = '\0';
	assert_int_equal(ctlc_request(file, "version", &o), -ENAMETOOLONG);

	/* root is not refused by the mode; the line is checked */
	ctlc_strerror("/run/l2sec", -EACCES, why, sizeof(why));
	assert_string_equal(why, "permission denied (/run/l2sec/l2secd.sock is root's)");
	assert_true(ctlc_unreachable(-EACCES));
	assert_false(ctlc_unreachable(-EBADMSG));
	assert_false(ctlc_unreachable(-ETIMEDOUT));
	srv_stop(&f);
}

static void test_timeout(void **state)
{
	static const struct canned hang[] = { { "version", NULL, SRV_HANG } };
	struct timespec t0, t1;
	struct json_object *o;
	struct fakesrv f;
	long ms;

	srv_start(&f, hang, N(hang));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ctlc_request_timeout(f.dir, "version", 300, &o), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 250 && ms < 3000);
	assert_null(o);
	srv_stop(&f);
}

static void test_huge_and_closed(void **state)
{
	static const struct canned bad[] = {
		{ "show sessions", NULL, SRV_HUGE },
		{ "version", NULL, SRV_CLOSE },
	};
	struct json_object *o;
	struct fakesrv f;
	char why[256];

	srv_start(&f, bad, N(bad));
	assert_int_equal(ctlc_request(f.dir, "show sessions", &o), -EMSGSIZE);
	assert_null(o);
	ctlc_strerror(f.dir, -EMSGSIZE, why, sizeof(why));
	assert_string_equal(why, "malformed reply from l2secd (larger than 16 MiB)");
	assert_int_equal(ctlc_request(f.dir, "version", &o), -ECONNRESET);
	assert_null(o);
	srv_stop(&f);
}

static void test_parse(void **state)
{
	static const struct {
		const char *in;
		int err;
	} cases[] = {
		{ "{}\n", 0 },
		{ "{\"a\":[1,2,{\"b\":null}]}\r\n", 0 },
		{ "{\"sessions\": [", -EBADMSG },	/* truncated */
		{ "{\"sessions\": []", -EBADMSG },
		{ "[]\n", -EBADMSG },			/* not an object */
		{ "42\n", -EBADMSG },
		{ "\"x\"\n", -EBADMSG },
		{ "{}{}\n", -EBADMSG },			/* two objects */
		{ "{}\nx", -EBADMSG },
		{ "{\"a\":1,}\n", -EBADMSG },
		{ "{\"a\":\"\xff\"}\n", -EBADMSG },	/* not UTF-8 */
		{ "{\"a\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}\n", -EBADMSG },	/* too deep */
		{ "{\"error\":\"no\"}\n", -EREMOTEIO },
		{ "{\"error\":5}\n", -EBADMSG },
		{ "", -ECONNRESET },
	};
	struct json_object *o;
	char why[256];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		int err = ctlc_parse(cases[i].in, strlen(cases[i].in), &o);

		if (err != cases[i].err)
			fail_msg("\"%s\": %d, expected %d", cases[i].in, err, cases[i].err);
		assert_true(!err == !!o);
		json_object_put(o);
	}
	/* a NUL byte inside */
	assert_int_equal(ctlc_parse("{}\0{}", 5, &o), -EBADMSG);
	assert_int_equal(ctlc_parse("{\"a\":[1,2", 9, &o), -EBADMSG);
	ctlc_strerror("/run/l2sec", -EBADMSG, why, sizeof(why));
	assert_string_equal(why, "malformed reply from l2secd (truncated JSON)");
}

/* Replies that would make json-c build gigabytes are refused before. */
static void test_parse_too_many(void **state)
{
	size_t n = CTLC_CONTAINERS_MAX + 1, len = 2 + 3 * n + 16, i;
	struct json_object *o;
	char *b = malloc(len), *p = b;

	assert_non_null(b);
	p += sprintf(p, "{\"a\":[");
	for (i = 0; i < n; i++)
		p += sprintf(p, "{},");
	p += sprintf(p, "{}]}\n");
	assert_int_equal(ctlc_parse(b, (size_t)(p - b), &o), -EBADMSG);
	/* and just under the limit, it is parsed */
	p = b + sprintf(b, "{\"a\":[");
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "{},");
	p += sprintf(p, "{}]}\n");
	assert_int_equal(ctlc_parse(b, (size_t)(p - b), &o), 0);
	json_object_put(o);
	free(b);
}

static void test_getters(void **state)
{
	struct json_object *o = jparse("{\"u\":5,\"neg\":-1,\"big\":18446744073709551615,"
				       "\"d\":1.5,\"s\":\"x\",\"b\":true,\"n\":null,"
				       "\"si\":\"5\",\"bi\":1}");
	const char *s;
	uint64_t v;
	bool b;

	assert_int_equal(ctlc_get_u64(o, "u", &v), 1);
	assert_int_equal(v, 5);
	assert_int_equal(ctlc_get_u64(o, "big", &v), 1);
	assert_true(v == UINT64_MAX);
	assert_int_equal(ctlc_get_u64(o, "neg", &v), -1);
	assert_int_equal(ctlc_get_u64(o, "d", &v), -1);
	assert_int_equal(ctlc_get_u64(o, "si", &v), -1);
	assert_int_equal(ctlc_get_u64(o, "missing", &v), 0);
	assert_int_equal(ctlc_get_u64(o, "n", &v), 0);
	assert_int_equal(ctlc_get_str(o, "s", &s), 1);
	assert_string_equal(s, "x");
	assert_int_equal(ctlc_get_str(o, "u", &s), -1);
	assert_int_equal(ctlc_get_bool(o, "b", &b), 1);
	assert_true(b);
	assert_int_equal(ctlc_get_bool(o, "bi", &b), -1);
	/* not an object at all */
	assert_int_equal(ctlc_get_u64(member(o, "u"), "u", &v), 0);
	assert_int_equal(ctlc_get_u64(NULL, "u", &v), 0);
	json_object_put(o);
}

static void test_text(void **state)
{
	char buf[16];

	assert_string_equal(ctlc_text("alice", buf, sizeof(buf)), "alice");
	assert_string_equal(ctlc_text("\x1b[31mx\n", buf, sizeof(buf)), "?[31mx?");
	/* U+009B, CSI in one code point; U+00FC stays */
	assert_string_equal(ctlc_text("a\xc2\x9b" "1m\xc3\xbc", buf, sizeof(buf)), "a?1m\xc3\xbc");
	assert_string_equal(ctlc_text("\x7f", buf, sizeof(buf)), "?");
	/* cut to fit, never inside a character */
	assert_string_equal(ctlc_text("0123456789abcdefgh", buf, sizeof(buf)),
			    "0123456789abcde");
	assert_string_equal(ctlc_text("0123456789abcd\xc3\xbc", buf, sizeof(buf)),
			    "0123456789abcd");
	assert_string_equal(ctlc_text("0123456789abc\xc3\xbcx", buf, sizeof(buf)),
			    "0123456789abc\xc3\xbc");
	assert_string_equal(ctlc_text("0123456789ab\xe2\x82\xac", buf, sizeof(buf)),
			    "0123456789ab\xe2\x82\xac");
	assert_string_equal(ctlc_text("0123456789abc\xe2\x82\xac", buf, sizeof(buf)),
			    "0123456789abc");
	assert_string_equal(ctlc_text("x", buf, 1), "");
}

/* --- l2sec daemon show ------------------------------------------------------- */

/* Named pools: each after the default one, with its name; in JSON as an array. */
static void test_daemon_show_named_pools(void **state)
{
	static const struct canned np[] = {
		{ "version", VERSION_REPLY, SRV_ANSWER },
		{ "show stats", "{\"tunnels\":2,\"sessions\":3,\"pool_size\":241,"
		  "\"pool_in_use\":3,\"named_pools\":[{\"name\":\"staff\",\"pool_size\":2,"
		  "\"pool_in_use\":1},{\"name\":\"guests\",\"pool_size\":254,"
		  "\"pool_in_use\":0}]}\n", SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct json_object *o, *a;
	struct capture cap;
	struct fakesrv f;

	(void)state;
	srv_start(&f, np, N(np));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	assert_string_equal(cap.out, "l2secd 0.4.0\n"
			    "tunnels 2 sessions 3 pool 3/241 pool 1/2 (staff) pool 0/254 (guests)\n");
	assert_string_equal(cap.err, "");
	cap_free(&cap);
	c.json = 1;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	o = jparse(cap.out);
	assert_true(json_object_object_get_ex(o, "named_pools", &a));
	assert_int_equal(json_object_array_length(a), 2);
	assert_string_equal(str(json_object_array_get_idx(a, 0), "name"), "staff");
	assert_int_equal(num(json_object_array_get_idx(a, 0), "pool_in_use"), 1);
	assert_int_equal(num(json_object_array_get_idx(a, 1), "pool_size"), 254);
	json_object_put(o);
	cap_free(&cap);
	srv_stop(&f);
}

static void test_daemon_show_text(void **state)
{
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, good, N(good));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	assert_string_equal(cap.out,
		"l2secd 0.4.0 datapath tun\n"
		"tunnels 2 sessions 3 pool 3/241 pool6 1/65536\n");
	assert_string_equal(cap.err, "");
	cap_free(&cap);

	c.stats = 1;
	assert_int_equal(run(&cap, &c, ARGS("daemon"), daemon_main), CLI_OK);
	assert_string_equal(cap.out,
		"l2secd 0.4.0 datapath tun\n"
		"tunnels 2 sessions 3 pool 3/241 pool6 1/65536\n"
		"l2tp:\n"
		"  rx-packets          1234\n"
		"  rx-bad-header       1\n"
		"  tx-errors           0\n"
		"  rx-plaintext        2\n"
		"ppp:\n"
		"  up                  3\n"
		"  down                1\n"
		"  auth-failures       0\n"
		"  no-address          0\n"
		"  tun-rx              10\n"
		"  tun-tx              11\n"
		"  tun-rx-no-session   0\n"
		"  tun-tx-spoofed      0\n"
		"  tun-errors          0\n"
		"  ra-sent             2\n"
		"admit:\n"
		"  half-open-sa-limit  7\n"
		"  peers               12\n");
	cap_free(&cap);

	/* grammar */
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show", "x"), daemon_main), CLI_USAGE);
	cap_free(&cap);
	assert_int_equal(run(&cap, &c, ARGS("daemon", "frob"), daemon_main), CLI_USAGE);
	assert_non_null(strstr(cap.err, "unknown daemon command \"frob\""));
	cap_free(&cap);
	srv_stop(&f);
}

static void test_daemon_show_json(void **state)
{
	struct cli c = { .status = CLI_OK, .json = true };
	struct json_object *o, *st;
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, good, N(good));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	/* one object on one line, not an array */
	assert_int_equal(cap.out[cap.out_len - 1], '\n');
	assert_true(strchr(cap.out, '\n') == cap.out + cap.out_len - 1);
	o = jparse(cap.out);
	assert_true(json_object_is_type(o, json_type_object));
	assert_int_equal(json_object_object_length(o), 8);
	assert_string_equal(str(o, "version"), "0.4.0");
	assert_string_equal(str(o, "datapath"), "tun");
	assert_int_equal(num(o, "tunnel_count"), 2);
	assert_int_equal(num(o, "session_count"), 3);
	assert_int_equal(num(o, "pool_size"), 241);
	assert_int_equal(num(o, "pool_in_use"), 3);
	assert_int_equal(num(o, "pool6_size"), 65536);
	assert_int_equal(num(o, "pool6_in_use"), 1);
	assert_false(has(o, "stats"));
	json_object_put(o);
	cap_free(&cap);

	c.stats = 1;
	c.pretty = true;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	o = jparse(cap.out);
	st = member(o, "stats");
	assert_int_equal(num(member(st, "l2tp"), "rx_packets"), 1234);
	assert_int_equal(num(member(st, "l2tp"), "rx_plaintext"), 2);
	assert_int_equal(json_object_object_length(member(st, "ppp")), 10);
	assert_int_equal(num(member(st, "ppp"), "tun_rx_no_session"), 0);
	assert_int_equal(num(member(st, "ppp"), "ra_sent"), 2);
	assert_int_equal(num(member(st, "admit"), "half_open_sa_limit"), 7);
	assert_int_equal(num(member(st, "admit"), "peers"), 12);
	json_object_put(o);
	cap_free(&cap);
	srv_stop(&f);
}

/* A daemon without the PPP layer, and one whose members have wrong types. */
static void test_daemon_show_malformed(void **state)
{
	static const struct canned old[] = {
		{ "version", VERSION_REPLY, SRV_ANSWER },
		{ "show stats", "{\"stats\":{\"rx_packets\":1},\"tunnels\":0,\"sessions\":0}\n",
		  SRV_ANSWER },
	};
	static const struct canned wrong[] = {
		{ "version", "{\"version\":4}\n", SRV_ANSWER },
		{ "show stats", "{\"stats\":{\"rx_packets\":-1,\"rx_data\":7,\"Bad Key\":1,"
		  "\"x\":\"1\"},\"tunnels\":\"2\",\"sessions\":1.5,\"datapath\":[],"
		  "\"pool_size\":241,\"pool_in_use\":{},\"pool6_size\":true,"
		  "\"ppp\":7}\n", SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK, .stats = 1 };
	struct json_object *o;
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, old, N(old));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_OK);
	assert_string_equal(cap.out, "l2secd 0.4.0\ntunnels 0 sessions 0\nl2tp:\n"
			    "  rx-packets          1\n");
	cap_free(&cap);
	srv_stop(&f);

	srv_start(&f, wrong, N(wrong));
	c.runtime_dir = f.dir;
	c.status = CLI_OK;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_FAIL);
	assert_string_equal(cap.out, "l2secd\n\nl2tp:\n  rx-data             7\n");
	assert_non_null(strstr(cap.err, "malformed \"version\""));
	assert_non_null(strstr(cap.err, "malformed \"tunnels\""));
	assert_non_null(strstr(cap.err, "malformed \"pool_in_use\""));
	assert_non_null(strstr(cap.err, "malformed counter \"Bad Key\""));
	assert_non_null(strstr(cap.err, "malformed \"ppp\""));
	cap_free(&cap);

	c.json = true;
	c.status = CLI_OK;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_FAIL);
	o = jparse(cap.out);
	/* what was right is there, what was not is not */
	assert_int_equal(num(o, "pool_size"), 241);
	assert_false(has(o, "pool_in_use"));
	assert_false(has(o, "version"));
	assert_false(has(o, "tunnel_count"));
	assert_int_equal(json_object_object_length(member(member(o, "stats"), "l2tp")), 1);
	assert_false(has(member(o, "stats"), "ppp"));
	json_object_put(o);
	cap_free(&cap);
	srv_stop(&f);
}

static void test_daemon_show_fails(void **state)
{
	static const struct canned bad[] = {
		{ "version", VERSION_REPLY, SRV_ANSWER },
		{ "show stats", "{\"stats\":{\"rx_packets\":1},\"tunn", SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	char exp[256];
	struct fakesrv f;

	srv_none(&f);
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_FAIL);
	assert_string_equal(cap.out, "");
	snprintf(exp, sizeof(exp), "l2sec: l2secd is not running (no %s/l2secd.sock)\n", f.dir);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	srv_stop(&f);

	srv_start(&f, bad, N(bad));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("daemon", "show"), daemon_main), CLI_FAIL);
	assert_string_equal(cap.out, "");
	assert_string_equal(cap.err, "l2sec: malformed reply from l2secd (truncated JSON)\n");
	cap_free(&cap);
	srv_stop(&f);
}

/* --- the daemon's sessions, and the join ------------------------------------- */

static void dsess_from(const char *reply, struct dsess_list *l, unsigned int *bad)
{
	struct json_object *o;

	*bad = 0;
	assert_int_equal(ctlc_parse(reply, strlen(reply), &o), 0);
	assert_int_equal(dsess_parse(o, l, bad), 0);
}

static void test_dsess_parse(void **state)
{
	struct dsess_list l;
	const struct dsess *d;
	struct capture cap;
	unsigned int bad;

	cap_begin(&cap, NULL);
	dsess_from(SESSIONS_REPLY, &l, &bad);
	cap_end(&cap);
	assert_int_equal(bad, 0);
	assert_string_equal(cap.err, "");
	cap_free(&cap);
	assert_int_equal(l.n, 3);
	/* sorted by tunnel, then session */
	assert_int_equal(l.v[0].tunnel_id, 9);
	assert_int_equal(l.v[1].session_id, 2);
	assert_int_equal(l.v[2].session_id, 7);
	d = dsess_find(&l, 4711, 7);
	assert_non_null(d);
	assert_string_equal(d->s[DSESS_USER], "alice");
	assert_string_equal(d->s[DSESS_IPV6_PREFIX], "2001:db8:1::/64");
	assert_int_equal(d->u[DSESS_PEER_TUNNEL_ID], 12);
	assert_int_equal(d->u[DSESS_PPP_TX], 42);
	assert_int_equal(d->in_kernel, 0);
	assert_null(dsess_find(&l, 4711, 8));
	assert_null(dsess_find(&l, 1, 7));
	dsess_list_free(&l);

	/* bad records are skipped, bad members dropped: each said */
	cap_begin(&cap, NULL);
	dsess_from("{\"sessions\":[1,{\"session_id\":1},{\"tunnel_id\":\"1\",\"session_id\":1},"
		   "{\"tunnel_id\":70000,\"session_id\":1},{\"tunnel_id\":1,\"session_id\":0},"
		   "{\"tunnel_id\":3,\"session_id\":4,\"user\":5,\"ipv4\":\"10.0.0.300\","
		   "\"ipv6_prefix\":\"2001:db8::\",\"peer_tunnel_id\":65536,\"ppp_rx\":-3,"
		   "\"in_kernel\":\"yes\",\"state\":\"\",\"datapath\":\"kernel\","
		   "\"ppp_phase\":null}]}", &l, &bad);
	cap_end(&cap);
	assert_int_equal(l.n, 1);
	assert_int_equal(bad, 5 + 7);
	d = &l.v[0];
	assert_int_equal(d->tunnel_id, 3);
	assert_string_equal(d->s[DSESS_DATAPATH], "kernel");
	assert_null(d->s[DSESS_USER]);
	assert_null(d->s[DSESS_IPV4]);
	assert_null(d->s[DSESS_IPV6_PREFIX]);
	assert_null(d->s[DSESS_STATE]);
	assert_null(d->s[DSESS_PPP_PHASE]);
	assert_int_equal(d->has, 0);
	assert_int_equal(d->in_kernel, -1);
	/* at most ten lines, then how many more */
	assert_non_null(strstr(cap.err, "not an object"));
	assert_non_null(strstr(cap.err, "no valid tunnel_id"));
	assert_non_null(strstr(cap.err, "no valid session_id"));
	assert_non_null(strstr(cap.err, "... and 2 more"));
	cap_free(&cap);
	dsess_list_free(&l);

	/* no "sessions" array: the whole answer is malformed */
	cap_begin(&cap, NULL);
	bad = 0;
	assert_int_equal(dsess_parse(jparse("{\"sessions\":{}}"), &l, &bad), -EBADMSG);
	dsess_list_free(&l);
	cap_end(&cap);
	assert_int_equal(bad, 1);
	cap_free(&cap);
}

/* framed_routes: IPv4 and IPv6 prefixes, comma-separated; anything else dropped, said. */
static void test_dsess_framed_routes(void **state)
{
	static const char *const bad_ones[] = {
		"", "10.1.0.0", "10.1.0.0/", "10.1.0.0/33", "10.1.0.0/24,", ",10.1.0.0/24",
		"10.1.0.0/24,,10.2.0.0/16", "10.1.0.0/24 10.2.0.0/16", "10.1.0.300/24",
		"10.1.0.0/2x", "10.1.0.0/024", "10.1.0.0/100", "2001:db8::/129", "2001:db8::/048",
		"2001:db8::", "2001:db8::/48,", "2001:db8:::1/48", "fe80::1%eth0/64",
	};
	struct dsess_list l;
	struct capture cap;
	unsigned int bad, i;
	char reply[256], many[1024];

	cap_begin(&cap, NULL);
	dsess_from("{\"sessions\":[{\"tunnel_id\":1,\"session_id\":1,"
		   "\"framed_routes\":\"10.57.1.0/24,172.16.0.0/12,2001:db8:5701::/48,"
		   "2001:db8::1/128\"}]}", &l, &bad);
	cap_end(&cap);
	cap_free(&cap);
	assert_int_equal(bad, 0);
	assert_string_equal(l.v[0].s[DSESS_FRAMED_ROUTES],
			    "10.57.1.0/24,172.16.0.0/12,2001:db8:5701::/48,2001:db8::1/128");
	dsess_list_free(&l);
	/* 32 routes (16 of each family) are taken, a 33rd is not */
	for (i = 0, many[0] = '\0'; i < 33; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s2001:db8:%x::/48",
			 i ? "," : "", i);
	for (int n = 33; n >= 32; n--) {
		char *r = malloc(strlen(many) + 128);

		assert_non_null(r);
		if (n == 32)
			*strrchr(many, ',') = '\0';
		sprintf(r, "{\"sessions\":[{\"tunnel_id\":1,\"session_id\":1,"
			"\"framed_routes\":\"%s\"}]}", many);
		cap_begin(&cap, NULL);
		dsess_from(r, &l, &bad);
		cap_end(&cap);
		cap_free(&cap);
		free(r);
		assert_int_equal(bad, n == 33);
		dsess_list_free(&l);
	}
	for (i = 0; i < sizeof(bad_ones) / sizeof(bad_ones[0]); i++) {
		snprintf(reply, sizeof(reply), "{\"sessions\":[{\"tunnel_id\":1,\"session_id\":1,"
			 "\"framed_routes\":\"%s\"}]}", bad_ones[i]);
		cap_begin(&cap, NULL);
		dsess_from(reply, &l, &bad);
		cap_end(&cap);
		cap_free(&cap);
		if (bad != 1 || l.v[0].s[DSESS_FRAMED_ROUTES])
			fail_msg("\"%s\" taken", bad_ones[i]);
		dsess_list_free(&l);
	}
}

/* The tunnel's SA and the auth method: each member checked, a bad one dropped. */
static void test_dsess_sa(void **state)
{
	struct dsess_list l;
	const struct dsess *d;
	struct capture cap;
	unsigned int bad;

	cap_begin(&cap, NULL);
	dsess_from("{\"sessions\":["
		   "{\"tunnel_id\":1,\"session_id\":1,\"auth\":\"pap\",\"require_ipsec\":false},"
		   "{\"tunnel_id\":1,\"session_id\":2,\"sa\":[1],\"mark\":4294967296,"
		   "\"auth\":\"\",\"require_ipsec\":1},"
		   "{\"tunnel_id\":1,\"session_id\":3,\"sa\":{\"spi_in\":\"123456789\","
		   "\"spi_out\":\"xyz\",\"mark\":-1,\"reqid\":4294967296,\"encap\":\"yes\","
		   "\"remote\":\"\",\"remote_id\":7}},"
		   "{\"tunnel_id\":1,\"session_id\":4,\"mark\":4294967295,\"sa\":{\"spi_in\":\"1\","
		   "\"spi_out\":\"FFFFFFFF\",\"encap\":false,\"remote\":\"192.0.2.9\"}},"
		   "{\"tunnel_id\":1,\"session_id\":5,\"sa\":null}]}", &l, &bad);
	cap_end(&cap);
	assert_int_equal(l.n, 5);
	/* session 2: sa, mark, auth, require_ipsec; 3: seven members of its sa */
	assert_int_equal(bad, 4 + 7);
	assert_non_null(strstr(cap.err, "session 2 in tunnel 1: ignoring a malformed \"sa\"\n"));
	assert_non_null(strstr(cap.err, "ignoring a malformed \"sa\" member \"spi_in\""));
	assert_non_null(strstr(cap.err, "ignoring a malformed \"sa\" member \"remote\""));
	assert_non_null(strstr(cap.err, "... and 1 more"));	/* remote_id */
	cap_free(&cap);

	d = dsess_find(&l, 1, 1);
	assert_string_equal(d->s[DSESS_AUTH], "pap");
	assert_int_equal(d->require_ipsec, 0);
	assert_false(d->has_sa);
	d = dsess_find(&l, 1, 2);
	assert_null(d->s[DSESS_AUTH]);
	assert_int_equal(d->require_ipsec, -1);
	assert_false(d->has & (1u << DSESS_MARK));
	assert_false(d->has_sa);
	d = dsess_find(&l, 1, 3);
	assert_true(d->has_sa);			/* an object, with nothing usable in it */
	assert_int_equal(d->sa.has, 0);
	assert_int_equal(d->sa.encap, -1);
	assert_null(d->sa.remote);
	assert_null(d->sa.remote_id);
	d = dsess_find(&l, 1, 4);
	assert_int_equal(d->u[DSESS_MARK], 0xffffffffu);
	assert_int_equal(d->sa.has, 1u << DSESS_SA_SPI_IN | 1u << DSESS_SA_SPI_OUT);
	assert_int_equal(d->sa.u[DSESS_SA_SPI_IN], 1);
	assert_int_equal(d->sa.u[DSESS_SA_SPI_OUT], 0xffffffffu);
	assert_int_equal(d->sa.encap, 0);
	assert_string_equal(d->sa.remote, "192.0.2.9");
	assert_false(dsess_find(&l, 1, 5)->has_sa);

	/* as text: what there is of each */
	cap_print(&cap, 0);
	for (size_t i = 0; i < l.n; i++)
		dsess_print(&l.v[i], 0);
	assert_int_equal(print_end(), 0);
	cap_end(&cap);
	assert_string_equal(cap.out,
		"session 1 tunnel 1 auth pap ipsec none\n"
		"session 2 tunnel 1\n"
		"session 3 tunnel 1 sa\n"
		"session 4 tunnel 1 sa spi-in 0x00000001 spi-out 0xffffffff encap esp "
		"remote 192.0.2.9\n"
		"session 5 tunnel 1\n");
	cap_free(&cap);
	dsess_list_free(&l);
}

static void kernel_session(struct obj *o, uint16_t tid, uint16_t sid, const char *ipv4)
{
	memset(o, 0, sizeof(*o));
	o->cmd = L2SEC_CMD_SESSION_GET;
	o->has = OBJ_BIT(L2SEC_A_TUNNEL_ID) | OBJ_BIT(L2SEC_A_SESSION_ID) |
		 OBJ_BIT(L2SEC_A_PEER_TUNNEL_ID) | OBJ_BIT(L2SEC_A_PEER_SESSION_ID) |
		 OBJ_BIT(L2SEC_A_STATE);
	o->u[L2SEC_A_TUNNEL_ID] = tid;
	o->u[L2SEC_A_SESSION_ID] = sid;
	o->u[L2SEC_A_PEER_TUNNEL_ID] = 12;
	o->u[L2SEC_A_PEER_SESSION_ID] = 3;
	o->u[L2SEC_A_STATE] = L2SEC_STATE_UP;
	if (ipv4) {
		o->ipv4.family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, ipv4, o->ipv4.a), 1);
	}
}

#define JOIN_REPLY \
	"{\"sessions\":[" \
	"{\"tunnel_id\":4711,\"session_id\":7,\"state\":\"established\"," \
	"\"datapath\":\"kernel\",\"user\":\"alice\\u001b[2J\",\"ppp_phase\":\"network\"," \
	"\"ipv4\":\"10.9.9.9\",\"ipv6_prefix\":\"2001:db8:1::/64\",\"auth\":\"mschapv2\"," \
	"\"require_ipsec\":true,\"mark\":2,\"sa\":{\"mark\":2,\"reqid\":7," \
	"\"spi_in\":\"c1d2e3f4\",\"spi_out\":\"0a0b0c0d\",\"encap\":true," \
	"\"remote\":\"203.0.113.7:4500\"}}," \
	"{\"tunnel_id\":4711,\"session_id\":8,\"state\":\"wait-connect\"," \
	"\"datapath\":\"kernel\",\"require_ipsec\":false}," \
	"{\"tunnel_id\":7,\"session_id\":4711,\"datapath\":\"kernel\",\"user\":\"mallory\"}]}"

/*
 * Tunnel ids are unique per peer only (ARCHITECTURE.md): two clients' tunnels
 * may share an id, and their sessions even the session id. Which record is a
 * kernel session's is then unknown (l2secd's handle is not the module's under
 * privsep): none is joined, rather than one user's address and SA printed, or
 * selected by `session show user`, as another's.
 */
#define SHARED_REPLY \
	"{\"sessions\":[" \
	"{\"tunnel_id\":4711,\"session_id\":7,\"handle\":21,\"user\":\"alice\"}," \
	"{\"tunnel_id\":4711,\"session_id\":7,\"handle\":22,\"user\":\"bob\"}," \
	"{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"carol\"}," \
	"{\"tunnel_id\":4711,\"session_id\":8,\"user\":\"dave\"}," \
	"{\"tunnel_id\":4711,\"session_id\":9,\"user\":\"erin\"}]}"

#define SHARED_ADDR_REPLY \
	"{\"sessions\":[" \
	"{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"alice\",\"ipv4\":\"10.0.0.21\"}," \
	"{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"bob\",\"ipv4\":\"10.0.0.22\"}," \
	"{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"carol\"," \
	"\"ipv6_prefix\":\"2001:db8:0:23::/64\"}," \
	"{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"mallory\",\"ipv4\":\"10.0.0.21\"}," \
	"{\"tunnel_id\":4711,\"session_id\":8,\"user\":\"dave\"}]}"

static void test_join_shared_ids(void **state)
{
	const struct dsess *match[4];
	struct dsess_list l;
	struct obj k[4];
	unsigned int bad;

	kernel_session(&k[0], 4711, 7, NULL);
	kernel_session(&k[1], 4711, 8, NULL);
	kernel_session(&k[2], 4711, 9, NULL);
	kernel_session(&k[3], 4711, 6, NULL);
	dsess_from(SHARED_REPLY, &l, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(dsess_join(k, 4, &l, match), 2);
	assert_null(match[0]);	/* three records: alice's, bob's or carol's */
	assert_non_null(match[1]);
	assert_string_equal(match[1]->s[DSESS_USER], "dave");
	assert_non_null(match[2]);
	assert_string_equal(match[2]->s[DSESS_USER], "erin");
	assert_null(match[3]);
	dsess_list_free(&l);

	/*
	 * The session's address picks the record among those with its ids
	 * (l2secd and the module each hold an address for one session only).
	 */
	kernel_session(&k[0], 4711, 7, "10.0.0.22");	/* bob's */
	kernel_session(&k[1], 4711, 7, "10.0.0.99");	/* none of theirs */
	kernel_session(&k[2], 4711, 7, NULL);		/* carol's /64 */
	k[2].n_pfx = 1;
	k[2].pfx[0].len = 64;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:0:23::", k[2].pfx[0].a), 1);
	kernel_session(&k[3], 4711, 7, "10.0.0.21");	/* two records claim it */
	dsess_from(SHARED_ADDR_REPLY, &l, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(dsess_join(k, 4, &l, match), 2);
	assert_non_null(match[0]);
	assert_string_equal(match[0]->s[DSESS_USER], "bob");
	assert_null(match[1]);
	assert_non_null(match[2]);
	assert_string_equal(match[2]->s[DSESS_USER], "carol");
	assert_null(match[3]);	/* never the first of two */
	/* and `session show user bob` finds that kernel session */
	{
		struct dsess_sel sel = { .user = "bob" };

		assert_true(dsess_sel_match(&sel, &k[0], match[0]));
		assert_false(dsess_sel_match(&sel, &k[1], match[1]));
	}
	dsess_list_free(&l);
	/* no records at all (v NULL): nothing joined, no pointer made from NULL */
	dsess_from("{\"sessions\":[]}", &l, &bad);
	assert_int_equal(dsess_join(k, 4, &l, match), 0);
	dsess_list_free(&l);
	(void)state;
}

/*
 * A listing filtered by user, address or peer holds some records only: a
 * record alone with a kernel session's ids may then be another client's
 * tunnel's (tunnel ids are unique per peer only). `session show user alice`
 * must not join bob's kernel session, of the same ids, to alice's record:
 * only the address tells, and where it cannot, the join is unsure (the tool
 * then asks for every record of the tunnel).
 */
static void test_join_filtered(void **state)
{
	const struct dsess *match[4];
	struct dsess_sel sel = { .user = "alice" };
	struct dsess_list l;
	struct obj k[4];
	unsigned int bad;

	kernel_session(&k[0], 4711, 7, "10.0.0.22");	/* bob's: his record left out */
	kernel_session(&k[1], 4711, 7, "10.0.0.21");	/* alice's */
	kernel_session(&k[2], 4711, 8, NULL);		/* no address yet */
	kernel_session(&k[3], 4711, 9, "10.0.0.30");	/* carol's, whose record has none */
	dsess_from("{\"sessions\":["
		   "{\"tunnel_id\":4711,\"session_id\":7,\"user\":\"alice\",\"ipv4\":\"10.0.0.21\"},"
		   "{\"tunnel_id\":4711,\"session_id\":8,\"user\":\"alice\",\"ipv4\":\"10.0.0.28\"},"
		   "{\"tunnel_id\":4711,\"session_id\":9,\"user\":\"alice\"}]}", &l, &bad);
	assert_int_equal(bad, 0);
	/* unfiltered, each alone with its ids: joined, as the list holds every record */
	assert_int_equal(dsess_join(k, 4, &l, match), 4);
	assert_ptr_equal(match[0], match[1]);	/* bob's too: alice's would be all there is */
	l.filtered = true;
	assert_int_equal(dsess_join(k, 4, &l, match), 1);
	assert_null(match[0]);
	assert_false(dsess_sel_match(&sel, &k[0], match[0]));
	assert_false(dsess_join_unsure(&k[0], &l));	/* 10.0.0.22 is not the record's */
	assert_non_null(match[1]);
	assert_true(dsess_sel_match(&sel, &k[1], match[1]));
	assert_null(match[2]);
	assert_true(dsess_join_unsure(&k[2], &l));	/* the kernel has no address */
	assert_null(match[3]);
	assert_true(dsess_join_unsure(&k[3], &l));	/* the record has none */
	/* ids no record has: nothing left out could be its */
	kernel_session(&k[0], 4711, 6, NULL);
	assert_false(dsess_join_unsure(&k[0], &l));
	l.filtered = false;
	assert_false(dsess_join_unsure(&k[2], &l));
	dsess_list_free(&l);
	(void)state;
}

static void test_join(void **state)
{
	const struct dsess *match[3];
	struct json_object *root, *s;
	struct dsess_list l;
	struct capture cap;
	struct obj k[3];
	unsigned int bad;
	size_t i;

	kernel_session(&k[0], 4711, 7, "10.0.0.5");
	kernel_session(&k[1], 4711, 9, NULL);	/* the daemon does not know it */
	kernel_session(&k[2], 4711, 8, NULL);
	dsess_from(JOIN_REPLY, &l, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(dsess_join(k, 3, &l, match), 2);
	assert_non_null(match[0]);
	assert_string_equal(match[0]->s[DSESS_USER], "alice\x1b[2J");
	assert_null(match[1]);
	assert_non_null(match[2]);
	assert_int_equal(match[2]->session_id, 8);
	/* ids swapped are not the same session */
	assert_string_equal(dsess_find(&l, 7, 4711)->s[DSESS_USER], "mallory");
	assert_ptr_not_equal(dsess_find(&l, 7, 4711), match[0]);

	cap_print(&cap, 0);
	for (i = 0; i < 3; i++)
		session_print_joined(&k[i], match[i], 0);
	assert_int_equal(print_end(), 0);
	cap_end(&cap);
	assert_string_equal(cap.out,
		"session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state up ipv4 10.0.0.5 "
		"user alice?[2J auth mschapv2 datapath kernel sa spi-in 0xc1d2e3f4 "
		"spi-out 0x0a0b0c0d mark 0x2 reqid 7 encap udp remote 203.0.113.7:4500\n"
		"session 9 tunnel 4711 peer-session 3 peer-tunnel 12 state up\n"
		"session 8 tunnel 4711 peer-session 3 peer-tunnel 12 state up datapath kernel "
		"ipsec none\n");
	cap_free(&cap);

	cap_print(&cap, PRINT_F_JSON);
	for (i = 0; i < 3; i++)
		session_print_joined(&k[i], match[i], 0);
	assert_int_equal(print_end(), 0);
	cap_end(&cap);
	root = jparse(cap.out);
	s = json_object_array_get_idx(root, 0);
	assert_string_equal(str(s, "user"), "alice\x1b[2J");	/* JSON escapes it */
	assert_string_equal(str(s, "datapath"), "kernel");
	assert_string_equal(str(s, "ppp_phase"), "network");
	assert_string_equal(str(s, "state"), "up");		/* the kernel's */
	assert_string_equal(str(s, "ipv4"), "10.0.0.5");	/* the kernel's */
	assert_false(has(s, "ipv6_prefix"));
	assert_string_equal(str(s, "auth"), "mschapv2");
	assert_int_equal(num(member(s, "sa"), "spi_out"), 0x0a0b0c0d);
	assert_true(json_object_get_boolean(member(member(s, "sa"), "encap")));
	s = json_object_array_get_idx(root, 1);
	assert_false(has(s, "user"));
	assert_false(has(s, "datapath"));
	s = json_object_array_get_idx(root, 2);
	assert_string_equal(str(s, "datapath"), "kernel");
	assert_false(has(s, "user"));
	assert_false(json_object_get_boolean(member(s, "require_ipsec")));
	assert_false(has(s, "sa"));
	json_object_put(root);
	cap_free(&cap);

	/* no daemon: the join is empty and the output is the kernel's alone */
	dsess_list_free(&l);
	assert_int_equal(dsess_join(k, 3, &l, match), 0);
	cap_print(&cap, 0);
	session_print_joined(&k[0], match[0], 0);
	assert_int_equal(print_end(), 0);
	cap_end(&cap);
	assert_string_equal(cap.out, "session 7 tunnel 4711 peer-session 3 peer-tunnel 12 "
			    "state up ipv4 10.0.0.5\n");
	cap_free(&cap);
}

/* --- selectors: user, address, peer ----------------------------------------- */

#define SEL_REPLY \
	"{\"sessions\":[" \
	"{\"tunnel_id\":1,\"session_id\":1,\"user\":\"alice\",\"ipv4\":\"10.0.0.5\"," \
	"\"ipv6_prefix\":\"2001:db8:1::/64\",\"peer\":\"192.0.2.11\",\"peer_port\":1701," \
	"\"sa\":{\"remote\":\"203.0.113.7:4500\"}}," \
	"{\"tunnel_id\":1,\"session_id\":2,\"user\":\"Alice\",\"peer\":\"2001:db8::7\"," \
	"\"peer_port\":1701,\"sa\":{\"remote\":\"[2001:db8::7]:4500\"}}," \
	"{\"tunnel_id\":1,\"session_id\":3,\"user\":\"alice \",\"ipv4\":\"10.0.0.50\"," \
	"\"ipv6_prefix\":\"2001:db8:2::/56\",\"peer\":\"::ffff:192.0.2.12\"}," \
	"{\"tunnel_id\":2,\"session_id\":1,\"state\":\"wait-connect\"}]}"

/* Does the selector ARGV match kernel record K and daemon record D? */
static bool sel(int argc, char **argv, const struct obj *k, const struct dsess *d)
{
	struct session_filter f;

	assert_int_equal(session_parse_show(argc, argv, &f), CLI_OK);
	return dsess_sel_match(&f.sel, k, d);
}

static void test_sel_match(void **state)
{
	const struct dsess *a, *a2, *a3, *w;
	struct dsess_list l;
	unsigned int bad;
	struct obj k;

	dsess_from(SEL_REPLY, &l, &bad);
	assert_int_equal(bad, 0);
	a = dsess_find(&l, 1, 1);
	a2 = dsess_find(&l, 1, 2);
	a3 = dsess_find(&l, 1, 3);
	w = dsess_find(&l, 2, 1);
	assert_non_null(a);
	assert_non_null(w);

	/* no selector: everything, even without a record */
	assert_true(sel(0, NULL, NULL, w));
	assert_true(sel(0, NULL, NULL, NULL));

	/* user: exactly, octet for octet; no record, no user */
	assert_true(sel(ARGS("user", "alice"), NULL, a));
	assert_false(sel(ARGS("user", "alice"), NULL, a2));
	assert_false(sel(ARGS("user", "alice"), NULL, a3));
	assert_false(sel(ARGS("user", "alic"), NULL, a));
	assert_false(sel(ARGS("user", "alice"), NULL, w));
	assert_false(sel(ARGS("user", "alice"), NULL, NULL));

	/* address: the IPv4 address, or any IPv6 address in the prefix */
	assert_true(sel(ARGS("address", "10.0.0.5"), NULL, a));
	assert_false(sel(ARGS("address", "10.0.0.50"), NULL, a));
	assert_true(sel(ARGS("address", "10.0.0.50"), NULL, a3));
	assert_true(sel(ARGS("address", "2001:db8:1::/64"), NULL, a));
	assert_true(sel(ARGS("address", "2001:db8:1::1234:5678"), NULL, a));
	assert_true(sel(ARGS("address", "2001:db8:1:0:ffff:ffff:ffff:ffff"), NULL, a));
	assert_false(sel(ARGS("address", "2001:db8:1:1::1"), NULL, a));
	assert_false(sel(ARGS("address", "2001:db8::1"), NULL, a));
	/* a shorter prefix holds more: /56 */
	assert_true(sel(ARGS("address", "2001:db8:2:ff::1"), NULL, a3));
	assert_false(sel(ARGS("address", "2001:db8:2:100::1"), NULL, a3));
	/* an IPv4 address is no IPv6 one */
	assert_false(sel(ARGS("address", "::10.0.0.5"), NULL, a));
	assert_false(sel(ARGS("address", "10.0.0.5"), NULL, w));

	/* the kernel's record alone: its address and prefixes */
	kernel_session(&k, 1, 9, "10.0.0.9");
	k.n_pfx = 1;
	k.pfx[0].len = 64;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:9::", k.pfx[0].a), 1);
	assert_true(sel(ARGS("address", "10.0.0.9"), &k, NULL));
	assert_true(sel(ARGS("address", "2001:db8:9::77"), &k, NULL));
	assert_false(sel(ARGS("address", "2001:db8:9:1::77"), &k, NULL));
	assert_false(sel(ARGS("address", "10.0.0.5"), &k, NULL));
	/* ... or l2secd's, when they differ: either holds it */
	assert_true(sel(ARGS("address", "10.0.0.5"), &k, a));
	assert_true(sel(ARGS("address", "10.0.0.9"), &k, a));
	/* user needs l2secd's record */
	assert_false(sel(ARGS("user", "alice"), &k, NULL));
	assert_true(sel(ARGS("user", "alice"), &k, a));

	/* peer: the tunnel's (its port is L2TP's) or the SA's remote (IKE's, NAT-T's) */
	assert_true(sel(ARGS("peer", "192.0.2.11"), NULL, a));
	assert_true(sel(ARGS("peer", "192.0.2.11:1701"), NULL, a));
	assert_false(sel(ARGS("peer", "192.0.2.11:4500"), NULL, a));
	assert_true(sel(ARGS("peer", "203.0.113.7"), NULL, a));
	assert_true(sel(ARGS("peer", "203.0.113.7:4500"), NULL, a));
	assert_false(sel(ARGS("peer", "203.0.113.7:500"), NULL, a));
	assert_false(sel(ARGS("peer", "192.0.2.1"), NULL, a));
	assert_true(sel(ARGS("peer", "2001:db8::7"), NULL, a2));
	assert_true(sel(ARGS("peer", "[2001:db8::7]:4500"), NULL, a2));
	assert_true(sel(ARGS("peer", "[2001:db8::7]:1701"), NULL, a2));
	assert_false(sel(ARGS("peer", "[2001:db8::7]:1"), NULL, a2));
	assert_false(sel(ARGS("peer", "2001:db8::8"), NULL, a2));
	/* a v4-mapped peer is its IPv4 address */
	assert_true(sel(ARGS("peer", "192.0.2.12"), NULL, a3));
	assert_false(sel(ARGS("peer", "192.0.2.11"), NULL, w));
	assert_false(sel(ARGS("peer", "192.0.2.11"), &k, NULL));

	/* together: every one must match */
	assert_true(sel(ARGS("user", "alice", "address", "10.0.0.5", "peer", "192.0.2.11"),
			NULL, a));
	assert_false(sel(ARGS("user", "alice", "address", "10.0.0.50"), NULL, a));
	assert_false(sel(ARGS("user", "Alice", "peer", "192.0.2.11"), NULL, a2));
	dsess_list_free(&l);

	/* malformed peer members are dropped, and said */
	{
		struct capture cap;

		cap_print(&cap, 0);
		dsess_from("{\"sessions\":[{\"tunnel_id\":1,\"session_id\":1,\"peer\":\"192.0.2.1:1\","
			   "\"peer_port\":70000,\"handle\":-1},{\"tunnel_id\":1,\"session_id\":2,"
			   "\"peer\":\"2001:db8::/64\",\"handle\":4294967295}]}", &l, &bad);
		assert_int_equal(print_end(), 0);
		cap_end(&cap);
		assert_int_equal(bad, 4);
		assert_null(l.v[0].s[DSESS_PEER]);
		assert_false(l.v[0].has & (1u << DSESS_PEER_PORT));
		assert_false(l.v[0].has & (1u << DSESS_HANDLE));
		assert_null(l.v[1].s[DSESS_PEER]);
		assert_int_equal(l.v[1].u[DSESS_HANDLE], 4294967295u);
		assert_non_null(strstr(cap.err, "ignoring a malformed \"peer_port\""));
		cap_free(&cap);
		dsess_list_free(&l);
	}
}

/* --- session show when the module is not loaded --------------------------- */

static int show_daemon(struct capture *cap, struct cli *c, int argc, char **argv)
{
	struct session_filter f;
	int ret;

	assert_int_equal(session_parse_show(argc, argv, &f), CLI_OK);
	cap_begin(cap, c);
	ret = session_show_daemon(c, &f);
	cap_end(cap);
	return ret;
}

static void test_session_show_daemon(void **state)
{
	struct cli c = { .status = CLI_OK };
	struct json_object *root, *s, *sa;
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, good, N(good));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, 0, NULL), CLI_OK);
	assert_string_equal(cap.out,
		"session 1 tunnel 9 state established ppp authenticate user bob datapath tun "
		"ipsec none\n"
		"session 2 tunnel 4711 peer-session 9 peer-tunnel 12 state wait-connect "
		"datapath tun sa mark 0x2\n"
		"session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state established "
		"ppp network user alice auth mschapv2 ipv4 10.0.0.5 ipv6 2001:db8:1::/64 "
		"datapath tun sa spi-in 0xc1d2e3f4 spi-out 0x0a0b0c0d mark 0x2 reqid 7 "
		"encap udp remote 203.0.113.7:4500\n");
	assert_string_equal(cap.err, "");
	cap_free(&cap);

	c.stats = 1;
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "4711", "id", "7")), CLI_OK);
	assert_string_equal(cap.out,
		"session 7 tunnel 4711 peer-session 3 peer-tunnel 12 state established "
		"ppp network user alice auth mschapv2 ipv4 10.0.0.5 ipv6 2001:db8:1::/64 "
		"datapath tun sa spi-in 0xc1d2e3f4 spi-out 0x0a0b0c0d mark 0x2 reqid 7 "
		"encap udp remote 203.0.113.7:4500\n"
		"    ppp frames rx 40 tx 42 uptime 3605s\n");
	cap_free(&cap);

	c.json = true;
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "4711")), CLI_OK);
	root = jparse(cap.out);
	assert_int_equal(json_object_array_length(root), 2);
	s = json_object_array_get_idx(root, 1);
	assert_int_equal(num(s, "session_id"), 7);
	assert_int_equal(num(s, "tunnel_id"), 4711);
	assert_int_equal(num(s, "peer_session_id"), 3);
	assert_int_equal(num(s, "peer_tunnel_id"), 12);
	assert_string_equal(str(s, "state"), "established");
	assert_string_equal(str(s, "ppp_phase"), "network");
	assert_string_equal(str(s, "user"), "alice");
	assert_string_equal(str(s, "ipv4"), "10.0.0.5");
	assert_string_equal(str(s, "ipv6_prefix"), "2001:db8:1::/64");
	assert_string_equal(str(s, "datapath"), "tun");
	assert_int_equal(num(s, "uptime_ms"), 3605123);
	assert_int_equal(num(s, "ppp_rx"), 40);
	assert_int_equal(num(s, "call_serial"), 1);
	assert_false(json_object_get_boolean(member(s, "in_kernel")));
	assert_string_equal(str(s, "auth"), "mschapv2");
	assert_true(json_object_get_boolean(member(s, "require_ipsec")));
	assert_int_equal(num(s, "mark"), 2);
	sa = member(s, "sa");
	assert_int_equal(num(sa, "spi_in"), 0xc1d2e3f4);
	assert_int_equal(num(sa, "spi_out"), 0x0a0b0c0d);
	assert_int_equal(num(sa, "mark"), 2);
	assert_int_equal(num(sa, "reqid"), 7);
	assert_true(json_object_get_boolean(member(sa, "encap")));
	assert_string_equal(str(sa, "remote"), "203.0.113.7:4500");
	assert_string_equal(str(sa, "remote_id"), "C=CH, CN=alice");
	assert_int_equal(json_object_object_length(sa), 7);
	assert_int_equal(json_object_object_length(s), 20);
	s = json_object_array_get_idx(root, 0);
	assert_true(json_object_get_boolean(member(s, "require_ipsec")));
	assert_int_equal(num(s, "mark"), 2);
	assert_false(has(s, "sa"));
	json_object_put(root);
	cap_free(&cap);
	c.json = false;
	c.stats = 0;

	/* a tunnel the daemon has without sessions: empty, fine */
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "5")), CLI_OK);
	assert_string_equal(cap.out, "");
	cap_free(&cap);
	/* as the kernel's view says it */
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "6")), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no such tunnel 6\n");
	cap_free(&cap);
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "4711", "id", "3")), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no such session 3 in tunnel 4711\n");
	cap_free(&cap);
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "6", "id", "3")), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no such tunnel 6\n");
	cap_free(&cap);
	srv_stop(&f);
}

/*
 * 60,000 sessions: some 20 MB, more than ctlc takes as one reply (what
 * `session show` met at some 37,000 sessions), are listed as lines, each
 * record, and found by a selector.
 */
static void test_session_show_many(void **state)
{
	static const struct canned many[] = { { "show sessions", NULL, SRV_MANY } };
	struct cli c = { .status = CLI_OK };
	struct json_object *o;
	struct capture cap;
	struct fakesrv f;
	size_t lines = 0;

	srv_start(&f, many, N(many));
	assert_int_equal(ctlc_request(f.dir, "show sessions", &o), -EMSGSIZE);
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, 0, NULL), CLI_OK);
	assert_string_equal(cap.err, "");
	for (const char *p = cap.out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, MANY_N);
	assert_int_equal(strncmp(cap.out, "session 1 tunnel 1 ", 19), 0);
	cap_free(&cap);
	/* the last one, alone: session 1 of tunnel 59999 % 65535 + 1 */
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "user059999")), CLI_OK);
	assert_string_equal(cap.err, "");
	assert_int_equal(strncmp(cap.out, "session 1 tunnel 60000 ", 23), 0);
	assert_ptr_equal(strchr(cap.out, '\n'), cap.out + strlen(cap.out) - 1);
	cap_free(&cap);
	srv_stop(&f);
}

/*
 * An l2secd older than the tool (not restarted since an upgrade) knows no
 * listing as lines: the tool asks it for the listing as one object, as before.
 */
static void test_session_show_old_daemon(void **state)
{
	static const char unknown[] = "{\"error\":\"unknown request\"}\n";
	static const struct canned old[] = {
		{ "show sessions lines", unknown, SRV_ANSWER },
		{ "show tunnels lines", unknown, SRV_ANSWER },
		{ "show sessions", SESSIONS_REPLY, SRV_ANSWER },
		{ "show tunnels", TUNNELS_REPLY, SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, old, N(old));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "alice")), CLI_OK);
	assert_string_equal(cap.err, "");
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	cap_free(&cap);
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "5")), CLI_OK);
	assert_string_equal(cap.out, "");
	cap_free(&cap);
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "6")), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no such tunnel 6\n");
	cap_free(&cap);
	srv_stop(&f);
}

/*
 * Selectors by user and tunnel are l2secd's filters too: the tool asks for
 * those sessions alone (with 100,000 sessions, one record to describe and
 * parse instead of all), the user name percent-encoded; with a session id,
 * for its tunnel's, so that "no session matches" still tells the session
 * that is there from one that is not; a name too long for a request line
 * is the tool's selector alone. Deleting by user asks the same.
 */
static void test_session_show_filtered(void **state)
{
	static const struct canned srv[] = {
		{ "show sessions", SESSIONS_REPLY, SRV_ANSWER },
		{ "show tunnels", TUNNELS_REPLY, SRV_ANSWER },
		{ "del session 9 1", "{\"deleted\":{\"tunnel_id\":9,\"session_id\":1}}\n",
		  SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;
	char longname[300];

	srv_start(&f, srv, N(srv));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "alice")), CLI_OK);
	assert_string_equal(cap.err, "");
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	assert_ptr_equal(strchr(cap.out, '\n'), cap.out + strlen(cap.out) - 1);
	cap_free(&cap);
	expect_requests("show sessions lines user alice\n");

	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "9", "user", "bob")), CLI_OK);
	assert_int_equal(strncmp(cap.out, "session 1 tunnel 9 ", 19), 0);
	cap_free(&cap);
	expect_requests("show sessions lines tunnel 9 user bob\n");

	/* a space, '%' and a byte past ASCII, encoded; nobody has that name */
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "corp 100%\\\xc3\xa9ve")),
			 CLI_FAIL);
	assert_string_equal(cap.out, "");
	assert_non_null(strstr(cap.err, "no session matches user corp 100%"));
	cap_free(&cap);
	expect_requests("show sessions lines user corp%20100%25\\%C3%A9ve\n");

	/* session 2 of tunnel 4711 is there, without a user */
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "4711", "id", "2", "user", "alice")),
			 CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no session matches user alice\n");
	cap_free(&cap);
	expect_requests("show sessions lines tunnel 4711\n");

	/* 240 octets, 720 encoded: too long for a request line, so no filter by user */
	memset(longname, '%', 240);
	longname[240] = '\0';
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", longname)), CLI_FAIL);
	assert_non_null(strstr(cap.err, "no session matches user %%%"));
	cap_free(&cap);
	expect_requests("show sessions lines\n");

	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "bob"), session_main),
			 CLI_OK);
	assert_string_equal(cap.err, "");
	assert_string_equal(cap.out, "deleted 1 session\n");
	cap_free(&cap);
	/* the records of del need no data counters */
	expect_requests("show sessions lines user bob no-counters\ndel session 9 1\n");
	srv_stop(&f);
}

/* The request for l2secd's sessions: its filters as they fit a request line. */
static void test_sessions_req(void **state)
{
	char req[CTLC_REQ_MAX], name[CTL_USER_MAX + 1];
	struct ctlc_sessions_filter q = { .counters = true };

	assert_string_equal(ctlc_sessions_req(req, &q), "show sessions lines");
	q = (struct ctlc_sessions_filter){ .user = "" };
	assert_string_equal(ctlc_sessions_req(req, &q), "show sessions lines no-counters");
	q.tid = 65535;
	q.user = "a b%c\x7f\xff";
	assert_string_equal(ctlc_sessions_req(req, &q),
			    "show sessions lines tunnel 65535 user a%20b%25c%7F%FF no-counters");
	q.addr = "2001:db8:1::7";
	q.peer = "203.0.113.7";
	assert_string_equal(ctlc_sessions_req(req, &q),
			    "show sessions lines tunnel 65535 user a%20b%25c%7F%FF "
			    "address 2001:db8:1::7 peer 203.0.113.7 no-counters");
	/* 254 octets at most: a name that leaves no room for what follows it is left out */
	q = (struct ctlc_sessions_filter){ .tid = 65535, .user = name, .counters = true };
	memset(name, 'x', 216);
	name[216] = '\0';
	assert_int_equal(strlen(ctlc_sessions_req(req, &q)), 254);
	q.counters = false;
	assert_string_equal(ctlc_sessions_req(req, &q),
			    "show sessions lines tunnel 65535 no-counters");
	/* the addresses first: they are short, and a name may be left out */
	q.counters = true;
	q.addr = "10.0.0.5";
	assert_string_equal(ctlc_sessions_req(req, &q),
			    "show sessions lines tunnel 65535 address 10.0.0.5");
	/* an address longer than any inet_ntop(3) writes is no filter */
	memset(name, '1', 60);
	name[60] = '\0';
	q = (struct ctlc_sessions_filter){ .addr = name, .peer = name, .counters = true };
	assert_string_equal(ctlc_sessions_req(req, &q), "show sessions lines");
	q = (struct ctlc_sessions_filter){ .user = name, .counters = true };
	memset(name, ' ', 255);
	name[255] = '\0';
	assert_string_equal(ctlc_sessions_req(req, &q), "show sessions lines");
}

/*
 * Selectors by address and peer are l2secd's filters too: the address as
 * the tool parsed it (an IPv4-mapped one as IPv4, a /64 as its address), the
 * peer's address without its port, which the tool still checks. An l2secd
 * with the filters by tunnel and user only (the release before these)
 * answers with its usage: the tool asks again without the new ones.
 */
static void test_session_show_addr_filters(void **state)
{
	static const struct canned srv[] = {
		{ "show sessions", SESSIONS_REPLY, SRV_ANSWER },
		{ "show tunnels", TUNNELS_REPLY, SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, srv, N(srv));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, ARGS("address", "::ffff:10.0.0.5")), CLI_OK);
	assert_string_equal(cap.err, "");
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	assert_ptr_equal(strchr(cap.out, '\n'), cap.out + strlen(cap.out) - 1);
	cap_free(&cap);
	expect_requests("show sessions lines address 10.0.0.5\n");

	assert_int_equal(show_daemon(&cap, &c, ARGS("address", "2001:db8:1::/64", "user",
						    "alice")), CLI_OK);
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	cap_free(&cap);
	expect_requests("show sessions lines user alice address 2001:db8:1::\n");

	/* the SA's remote, port and all: the filter has its address */
	assert_int_equal(show_daemon(&cap, &c, ARGS("peer", "203.0.113.7:4500")), CLI_OK);
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	cap_free(&cap);
	expect_requests("show sessions lines peer 203.0.113.7\n");
	assert_int_equal(show_daemon(&cap, &c, ARGS("peer", "203.0.113.7:4501")), CLI_FAIL);
	assert_string_equal(cap.out, "");
	assert_string_equal(cap.err, "l2sec: no session matches peer 203.0.113.7:4501\n");
	cap_free(&cap);
	expect_requests("show sessions lines peer 203.0.113.7\n");

	assert_int_equal(run(&cap, &c, ARGS("session", "del", "address", "10.0.0.6"),
			     session_main), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no session matches address 10.0.0.6\n");
	cap_free(&cap);
	expect_requests("show sessions lines address 10.0.0.6 no-counters\n");

	/* the release before: the same answers, with the filters it knows (a new fake) */
	srv_stop(&f);
	srv_addr_filters = false;
	srv_start(&f, srv, N(srv));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "4711", "address", "10.0.0.5")),
			 CLI_OK);
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	assert_ptr_equal(strchr(cap.out, '\n'), cap.out + strlen(cap.out) - 1);
	cap_free(&cap);
	expect_requests("show sessions lines tunnel 4711 address 10.0.0.5\n"
			"show sessions lines tunnel 4711\n");
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "alice", "peer", "203.0.113.7")),
			 CLI_OK);
	assert_int_equal(strncmp(cap.out, "session 7 tunnel 4711 ", 22), 0);
	cap_free(&cap);
	expect_requests("show sessions lines user alice peer 203.0.113.7\n"
			"show sessions lines user alice\n");
	srv_addr_filters = true;
	srv_stop(&f);
	(void)state;
}

/*
 * An l2secd that lists as lines but knows no filters (the release before
 * them) answers a filtered listing "unknown request": the tool asks for all
 * the sessions as lines, and selects them itself.
 */
static void test_session_show_no_filters(void **state)
{
	static const struct canned old[] = {
		{ "show sessions lines", SESSIONS_REPLY, SRV_AS_LINES },
		{ "show tunnels lines", TUNNELS_REPLY, SRV_AS_LINES },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;

	srv_start(&f, old, N(old));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, ARGS("user", "bob")), CLI_OK);
	assert_string_equal(cap.err, "");
	assert_int_equal(strncmp(cap.out, "session 1 tunnel 9 ", 19), 0);
	assert_ptr_equal(strchr(cap.out, '\n'), cap.out + strlen(cap.out) - 1);
	cap_free(&cap);
	expect_requests("show sessions lines user bob\nshow sessions lines\n");
	assert_int_equal(show_daemon(&cap, &c, ARGS("tunnel", "6")), CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no such tunnel 6\n");
	cap_free(&cap);
	srv_stop(&f);
}

static int count_line(struct json_object *o, void *arg)
{
	(*(unsigned int *)arg)++;
	json_object_put(o);
	return 0;
}

/* A listing as lines that is not one: said so, never taken for a shorter listing. */
static void test_lines_malformed(void **state)
{
	static const char one[] = "{\"tunnel_id\":1,\"session_id\":2}\n";
	static const struct {
		struct canned c;
		int err;
		const char *detail;
	} cases[] = {
		{ { "show sessions lines", one, SRV_ANSWER }, -EBADMSG,
		  "the listing was cut short" },
		{ { "show sessions lines", "{\"tunnel_id\":1,\"session_id\":2}\n"
		    "{\"end\":\"sessions\",\"count\":2}\n", SRV_ANSWER }, -EBADMSG,
		  "an end whose count is not the lines before it" },
		{ { "show sessions lines", "{\"end\":\"tunnels\",\"count\":0}\n", SRV_ANSWER },
		  -EBADMSG, "the end of another listing" },
		{ { "show sessions lines", "{\"end\":\"sessions\",\"count\":\"0\"}\n",
		    SRV_ANSWER }, -EBADMSG, "an end whose count is not the lines before it" },
		{ { "show sessions lines", "\n", SRV_ANSWER }, -EBADMSG, "an empty line" },
		{ { "show sessions lines", "[1]\n", SRV_ANSWER }, -EBADMSG, "not a JSON object" },
		{ { "show sessions lines", "{\"a\":1} {}\n", SRV_ANSWER }, -EBADMSG,
		  "unexpected character" },
		{ { "show sessions lines", NULL, SRV_LONG }, -EBADMSG,
		  "a line longer than 64 KiB" },
		{ { "show sessions lines", "{\"error\":\"unknown request\"}\n", SRV_ANSWER },
		  -EREMOTEIO, "unknown request" },
		{ { "show sessions lines", NULL, SRV_CLOSE }, -ECONNRESET, "" },
		{ { "show sessions lines", NULL, SRV_HANG }, -ETIMEDOUT, "" },
	};
	struct fakesrv f;

	for (size_t i = 0; i < N(cases); i++) {
		unsigned int n = 0;

		srv_start(&f, &cases[i].c, 1);
		assert_int_equal(ctlc_request_lines_timeout(f.dir, "show sessions lines", "sessions",
							    300, count_line, &n), cases[i].err);
		assert_string_equal(ctlc_detail(), cases[i].detail);
		srv_stop(&f);
	}
}

static void test_session_show_neither(void **state)
{
	static const struct canned bad[] = {
		{ "show sessions", "{\"sessions\":[{\"tunnel_id\":1,\"session_id\":2},"
		  "{\"tunnel_id\":\"x\"}]}\n", SRV_ANSWER },
	};
	static const struct canned worse[] = {
		{ "show sessions", "{\"sessions\":7}\n", SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	char exp[256];
	struct fakesrv f;

	srv_none(&f);
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, 0, NULL), CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: l2sec.ko is not loaded and l2secd is not running "
		 "(no %s/l2secd.sock)\n", f.dir);
	assert_string_equal(cap.err, exp);
	assert_string_equal(cap.out, "");
	cap_free(&cap);
	srv_stop(&f);

	/* a bad record is skipped, the rest shows, the status says so */
	srv_start(&f, bad, N(bad));
	c.runtime_dir = f.dir;
	assert_int_equal(show_daemon(&cap, &c, 0, NULL), CLI_FAIL);
	assert_string_equal(cap.out, "session 2 tunnel 1\n");
	assert_string_equal(cap.err, "l2sec: skipping a malformed session record from l2secd: "
			    "no valid tunnel_id\n");
	cap_free(&cap);
	srv_stop(&f);

	srv_start(&f, worse, N(worse));
	c.runtime_dir = f.dir;
	c.status = CLI_OK;
	assert_int_equal(show_daemon(&cap, &c, 0, NULL), CLI_FAIL);
	assert_string_equal(cap.out, "");
	/* as lines: an element that is no record, and then no end line */
	assert_string_equal(cap.err, "l2sec: skipping a malformed session record from l2secd: "
			    "no valid tunnel_id\n"
			    "l2sec: l2sec.ko is not loaded; asking l2secd: malformed reply from "
			    "l2secd (the listing was cut short)\n");
	cap_free(&cap);
	srv_stop(&f);
}

/* --- del: through l2secd --------------------------------------------------- */

static const struct canned dels[] = {
	{ "del session 4711 7", "{\"deleted\":{\"tunnel_id\":4711,\"session_id\":7}}\n",
	  SRV_ANSWER },
	{ "del session 4711 8", "{\"error\":\"no such session 4711/8\"}\n", SRV_ANSWER },
	{ "del session 5 1", "{\"error\":\"no such tunnel 5\"}\n", SRV_ANSWER },
	{ "del tunnel 4711", "{\"deleted\":{\"tunnel_id\":4711,\"sessions\":2}}\n",
	  SRV_ANSWER },
	{ "del tunnel 5", "{\"error\":\"no such tunnel 5\"}\n", SRV_ANSWER },
	{ "del tunnel 6", "{\"error\":\"tunnel 6 is closing already\"}\n", SRV_ANSWER },
	/* what it says it deleted is not what was asked */
	{ "del tunnel 9", "{\"deleted\":{\"tunnel_id\":10}}\n", SRV_ANSWER },
	{ "del session 9 1", "{\"deleted\":{\"tunnel_id\":9}}\n", SRV_ANSWER },
	{ "del session 9 2", "{\"deleted\":{\"tunnel_id\":9,\"session_id\":\"2\"}}\n",
	  SRV_ANSWER },
	{ "del tunnel 13", "{\"ok\":true}\n", SRV_ANSWER },
	{ "del tunnel 14", "{\"error\":\"no such \\u001b[2Jthing\"}\n", SRV_ANSWER },
	{ "del tunnel 15", "", SRV_CLOSE },
};

/* `l2sec ARGV...` of OBJECT (tunnel_main or session_main): status, stdout empty. */
static int del(struct capture *cap, struct cli *c, int argc, char **argv,
	       int (*fn)(struct cli *, int, char **))
{
	int ret = run(cap, c, argc, argv, fn);

	assert_string_equal(cap->out, "");
	return ret;
}

static void test_del(void **state)
{
	static const struct {
		const char *argv[8];
		int argc;
		bool session;
		int ret;
		const char *err;
	} t[] = {
		{ { "session", "del", "tunnel", "4711", "id", "7" }, 6, true, CLI_OK, "" },
		{ { "s", "d", "i", "7", "t", "4711" }, 6, true, CLI_OK, "" },
		{ { "session", "delete", "tunnel", "4711", "id", "8" }, 6, true, CLI_FAIL,
		  "l2sec: no such session 8 in tunnel 4711\n" },
		{ { "session", "del", "tunnel", "5", "id", "1" }, 6, true, CLI_FAIL,
		  "l2sec: no such tunnel 5\n" },
		{ { "tunnel", "del", "id", "4711" }, 4, false, CLI_OK, "" },
		{ { "t", "d", "i", "4711" }, 4, false, CLI_OK, "" },
		{ { "tunnel", "del", "id", "5" }, 4, false, CLI_FAIL,
		  "l2sec: no such tunnel 5\n" },
		{ { "tunnel", "del", "id", "6" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: l2secd: tunnel 6 is closing already\n" },
		{ { "tunnel", "del", "id", "9" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: malformed reply from l2secd (not \"deleted\" with the ids "
		  "asked for)\n" },
		{ { "session", "del", "tunnel", "9", "id", "1" }, 6, true, CLI_FAIL,
		  "l2sec: session del: malformed reply from l2secd (not \"deleted\" with the ids "
		  "asked for)\n" },
		{ { "session", "del", "tunnel", "9", "id", "2" }, 6, true, CLI_FAIL,
		  "l2sec: session del: malformed reply from l2secd (not \"deleted\" with the ids "
		  "asked for)\n" },
		{ { "tunnel", "del", "id", "13" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: malformed reply from l2secd (not \"deleted\" with the ids "
		  "asked for)\n" },
		/* the daemon's words reach the terminal made safe */
		{ { "tunnel", "del", "id", "14" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: l2secd: no such ?[2Jthing\n" },
		{ { "tunnel", "del", "id", "15" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: l2secd closed the connection without answering\n" },
		/* an l2secd older than the request */
		{ { "tunnel", "del", "id", "16" }, 4, false, CLI_FAIL,
		  "l2sec: tunnel del: l2secd does not know this request (older than this "
		  "tool?)\n" },
	};
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fakesrv f;
	char exp[256];
	size_t i;

	srv_start(&f, dels, N(dels));
	c.runtime_dir = f.dir;
	for (i = 0; i < N(t); i++) {
		char *argv[8] = { NULL };

		memcpy(argv, t[i].argv, sizeof(t[i].argv));
		assert_int_equal(del(&cap, &c, t[i].argc, argv,
				     t[i].session ? session_main : tunnel_main), t[i].ret);
		if (strcmp(cap.err, t[i].err))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, cap.err, t[i].err);
		cap_free(&cap);
	}
	srv_stop(&f);

	/* no l2secd: nothing to delete with, and said so */
	srv_none(&f);
	c.runtime_dir = f.dir;
	assert_int_equal(del(&cap, &c, ARGS("session", "del", "tunnel", "7", "id", "5"),
			     session_main), CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: session del: l2secd is not running (no %s/l2secd.sock)\n",
		 f.dir);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	assert_int_equal(del(&cap, &c, ARGS("tunnel", "del", "id", "7"), tunnel_main), CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: tunnel del: l2secd is not running (no %s/l2secd.sock)\n",
		 f.dir);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	srv_stop(&f);
}

/* --- show and del by selector, end to end with a fake l2secd -------------------- */

#define SEL_SESSIONS \
	"{\"sessions\":[" \
	"{\"tunnel_id\":4711,\"handle\":3,\"session_id\":7,\"state\":\"established\"," \
	"\"datapath\":\"tun\",\"user\":\"alice\",\"ipv4\":\"10.0.0.5\"," \
	"\"peer\":\"192.0.2.11\",\"peer_port\":1701,\"require_ipsec\":false}," \
	"{\"tunnel_id\":4711,\"handle\":3,\"session_id\":8,\"state\":\"established\"," \
	"\"datapath\":\"tun\",\"user\":\"alice\",\"ipv4\":\"10.0.0.6\"," \
	"\"peer\":\"192.0.2.11\",\"peer_port\":1701,\"require_ipsec\":false}," \
	"{\"tunnel_id\":9,\"session_id\":1,\"state\":\"established\",\"datapath\":\"tun\"," \
	"\"user\":\"bob\",\"ipv4\":\"10.0.0.7\",\"peer\":\"192.0.2.12\",\"peer_port\":1701," \
	"\"require_ipsec\":false}]}\n"

static void test_select_e2e(void **state)
{
	static char many[8192];
	static const struct canned sel_srv[] = {
		{ "show stats", STATS_REPLY, SRV_ANSWER },
		{ "show sessions", SEL_SESSIONS, SRV_ANSWER },
		{ "show tunnels", TUNNELS_REPLY, SRV_ANSWER },
		{ "del session 4711 7 handle 3",
		  "{\"deleted\":{\"tunnel_id\":4711,\"handle\":3,\"session_id\":7}}\n", SRV_ANSWER },
		{ "del session 4711 8 handle 3",
		  "{\"deleted\":{\"tunnel_id\":4711,\"handle\":3,\"session_id\":8}}\n", SRV_ANSWER },
		/* bob's session ended between the show and the del */
		{ "del session 9 1", "{\"error\":\"no such session 9/1\"}\n", SRV_ANSWER },
	};
	static const struct canned many_srv[] = {
		{ "show sessions", many, SRV_ANSWER },
	};
	struct cli c = { .status = CLI_OK };
	struct json_object *root;
	struct capture cap;
	struct fakesrv f;
	char exp[256];
	size_t n, i;

	srv_start(&f, sel_srv, N(sel_srv));
	c.runtime_dir = f.dir;
	/* show: as l2secd has them (its data path is tun): only alice's */
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "user", "alice"), session_main),
			 CLI_OK);
	assert_string_equal(cap.out,
		"session 7 tunnel 4711 state established user alice ipv4 10.0.0.5 datapath tun "
		"ipsec none\n"
		"session 8 tunnel 4711 state established user alice ipv4 10.0.0.6 datapath tun "
		"ipsec none\n");
	assert_string_equal(cap.err, "");
	cap_free(&cap);
	assert_int_equal(run(&cap, &c, ARGS("s", "sh", "u", "alice", "a", "10.0.0.6"),
			     session_main), CLI_OK);
	assert_string_equal(cap.out, "session 8 tunnel 4711 state established user alice "
			    "ipv4 10.0.0.6 datapath tun ipsec none\n");
	cap_free(&cap);
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "peer", "192.0.2.12:1701",
					    "tunnel", "9"), session_main), CLI_OK);
	assert_string_equal(cap.out, "session 1 tunnel 9 state established user bob "
			    "ipv4 10.0.0.7 datapath tun ipsec none\n");
	cap_free(&cap);
	/* nothing matches: status 1, said, and JSON still a (empty) list */
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "user", "nosuchuser"),
			     session_main), CLI_FAIL);
	assert_string_equal(cap.out, "");
	assert_string_equal(cap.err, "l2sec: no session matches user nosuchuser\n");
	cap_free(&cap);
	c.json = true;
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "user", "alice", "tunnel", "9"),
			     session_main), CLI_FAIL);
	root = jparse(cap.out);
	assert_true(json_object_is_type(root, json_type_array));
	assert_int_equal(json_object_array_length(root), 0);
	json_object_put(root);
	assert_string_equal(cap.err, "l2sec: no session matches user alice\n");
	cap_free(&cap);
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "user", "alice"), session_main),
			 CLI_OK);
	root = jparse(cap.out);
	assert_int_equal(json_object_array_length(root), 2);
	assert_string_equal(str(json_object_array_get_idx(root, 0), "peer"), "192.0.2.11");
	assert_int_equal(num(json_object_array_get_idx(root, 0), "peer_port"), 1701);
	json_object_put(root);
	cap_free(&cap);
	c.json = false;
	/* the user's name reaches the terminal made safe */
	assert_int_equal(run(&cap, &c, ARGS("session", "show", "user", "x\x1b[2J"), session_main),
			 CLI_FAIL);
	assert_string_equal(cap.err, "l2sec: no session matches user x?[2J\n");
	cap_free(&cap);

	/* del: every one of alice's, by the request of `session del tunnel ID id ID` */
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "alice"), session_main),
			 CLI_OK);
	assert_string_equal(cap.out, "deleted 2 sessions\n");
	assert_string_equal(cap.err, "");
	cap_free(&cap);
	c.json = true;
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "address", "10.0.0.5"),
			     session_main), CLI_OK);
	assert_string_equal(cap.out, "{\"deleted\":1,\"matched\":1}\n");
	cap_free(&cap);
	c.json = false;
	/* one that is gone meanwhile: said, counted, status 1 */
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "bob"), session_main),
			 CLI_FAIL);
	assert_string_equal(cap.out, "deleted 0 of 1 session\n");
	assert_string_equal(cap.err, "l2sec: no such session 1 in tunnel 9\n");
	cap_free(&cap);
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "carol"), session_main),
			 CLI_FAIL);
	assert_string_equal(cap.out, "");
	assert_string_equal(cap.err, "l2sec: no session matches user carol\n");
	cap_free(&cap);
	srv_stop(&f);

	/* more than SESSION_DEL_MAX: refused unless "all" (no del request is canned: none sent) */
	n = (size_t)snprintf(many, sizeof(many), "{\"sessions\":[");
	for (i = 1; i <= SESSION_DEL_MAX + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "%s{\"tunnel_id\":5,\"session_id\":%zu,\"user\":\"guest\"}",
				      i > 1 ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "]}\n");
	srv_start(&f, many_srv, N(many_srv));
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "guest"), session_main),
			 CLI_FAIL);
	assert_string_equal(cap.out, "");
	snprintf(exp, sizeof(exp), "l2sec: session del: user guest matches %u sessions, more "
		 "than %u: nothing deleted; add \"all\" to delete them all\n",
		 SESSION_DEL_MAX + 1, SESSION_DEL_MAX);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	/* with all, each is asked for (this fake l2secd knows no del: each fails) */
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "guest", "all"),
			     session_main), CLI_FAIL);
	snprintf(exp, sizeof(exp), "deleted 0 of %u sessions\n", SESSION_DEL_MAX + 1);
	assert_string_equal(cap.out, exp);
	cap_free(&cap);
	srv_stop(&f);

	/* no l2secd: a selector that needs it fails clearly, and nothing is printed */
	srv_none(&f);
	c.runtime_dir = f.dir;
	assert_int_equal(run(&cap, &c, ARGS("session", "del", "user", "alice"), session_main),
			 CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: session del user alice: needs l2secd's records of the "
		 "sessions: l2secd is not running (no %s/l2secd.sock)\n", f.dir);
	assert_string_equal(cap.err, exp);
	assert_string_equal(cap.out, "");
	cap_free(&cap);
	srv_stop(&f);
}

/* --- the contract: what l2secd's ctl.c writes, the tool reads ----------------- */

/* l2secd's own IPsec check, as the daemon's answer counts it */
static struct rxcheck daemon_rx = { .drops[RXCHECK_LOCAL] = 3 };

/* l2secd's answer to REQ as its socket writes it (a string to free). */
static char *daemon_text(struct fake *f, const char *req)
{
	return ctl_text(&(struct ctl_src){ .lns = f->lns, .rx = &daemon_rx }, req);
}

/* l2secd's answer to REQ, as the socket carries it, parsed by the tool. */
static struct json_object *daemon_answer(struct fake *f, const char *req)
{
	struct json_object *o;
	char *line = daemon_text(f, req);

	assert_int_equal(ctlc_parse(line, strlen(line), &o), 0);
	free(line);
	return o;
}

static void test_contract(void **state)
{
	struct json_object *ver, *st, *root;
	const struct dsess *d;
	struct dsess_list l;
	struct capture cap;
	unsigned int bad = 0;
	struct fake_pkt p;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	uint16_t lns_sid;
	struct fake *f;
	struct lac lac;

	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	lac_init(&lac, f, 0xc0000202, 1701, 0x10, 0x4321);
	lac_sccrq(&lac, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&lac, &m, &h, &p), L2TP_SCCRP);
	lac.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(&lac, NULL);
	lac_icrq(&lac, 0x99);
	assert_int_equal(lac_recv(&lac, &m, &h, &p), L2TP_ICRP);
	lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(&lac, lns_sid);
	fake_advance(f, 1500);

	cap_begin(&cap, NULL);
	assert_int_equal(dsess_parse(daemon_answer(f, "show sessions"), &l, &bad), 0);
	assert_int_equal(bad, 0);
	d = dsess_find(&l, lac.lns_tid, lns_sid);
	assert_non_null(d);
	assert_int_equal(d->u[DSESS_PEER_SESSION_ID], 0x99);
	assert_int_equal(d->u[DSESS_PEER_TUNNEL_ID], 0x4321);
	assert_string_equal(d->s[DSESS_STATE], "established");
	assert_int_equal(d->in_kernel, 1);
	assert_true(d->has & (1u << DSESS_UPTIME_MS));
	/* the tunnel's SCCRQ came with mark 0x10; no SA table (no charon) */
	assert_int_equal(d->require_ipsec, 0);
	assert_true(d->has & (1u << DSESS_MARK));
	assert_int_equal(d->u[DSESS_MARK], 0x10);
	assert_false(d->has_sa);
	dsess_list_free(&l);

	ver = daemon_answer(f, "version");
	st = daemon_answer(f, "show stats");
	print_begin(cap.fo, PRINT_F_JSON | PRINT_F_LINES);
	assert_int_equal(daemon_print(ver, st, 1), 0);
	assert_int_equal(print_end(), 0);
	cap_end(&cap);
	assert_string_equal(cap.err, "");
	root = jparse(cap.out);
	assert_string_equal(str(root, "version"), L2SEC_VERSION);
	assert_int_equal(num(root, "tunnel_count"), 1);
	assert_int_equal(num(root, "session_count"), 1);
	assert_int_equal(num(member(member(root, "stats"), "l2tp"), "tunnels_established"), 1);
	/* l2secd's own IPsec check: every reason, as a counter of its own group */
	assert_true(has(member(member(root, "stats"), "l2tp"), "rx_plaintext"));
	assert_int_equal(num(member(member(root, "stats"), "rx_refused"), "local"), 3);
	assert_int_equal(num(member(member(root, "stats"), "rx_refused"), "module_gone"), 0);
	assert_true(has(member(member(root, "stats"), "rx_refused"), "no_cmsg"));
	assert_true(has(member(member(root, "stats"), "rx_refused"), "plaintext"));
	assert_true(has(member(member(root, "stats"), "rx_refused"), "unknown_sa"));
	json_object_put(root);
	cap_free(&cap);
	json_object_put(st);

	/* with charon: the IKE proposal counters (vici_log.h) in text and JSON */
	st = jparse("{\"tunnels\":0,\"sessions\":0,\"ike\":{\"refused\":2,"
		    "\"refused_weak_dh\":1,\"weak_dh_up\":3}}");
	cap_daemon(&cap, ver, st, 1, 0);
	assert_string_equal(cap.err, "");
	assert_non_null(strstr(cap.out, "\nike:"));
	assert_non_null(strstr(cap.out, "\n  weak-dh-up          3"));
	assert_non_null(strstr(cap.out, "\n  refused-weak-dh     1"));
	cap_free(&cap);
	cap_daemon(&cap, ver, st, 1, PRINT_F_JSON | PRINT_F_LINES);
	root = jparse(cap.out);
	assert_int_equal(num(member(member(root, "stats"), "ike"), "weak_dh_up"), 3);
	json_object_put(root);
	cap_free(&cap);
	json_object_put(st);

	/* RADIUS (aaa.c): a line per server, accounting's too; with -s their counters */
	st = jparse("{\"tunnels\":0,\"sessions\":0,\"radius\":{\"servers\":["
		    "{\"server\":\"127.0.0.1:1812\",\"state\":\"alive\",\"stats\":{\"accepts\":3}},"
		    "{\"server\":\"[2001:db8::1]:1812\",\"state\":\"dead\",\"stats\":{\"timeouts\":2}}],"
		    "\"stats\":{\"refused_peer\":4},"
		    "\"acct_servers\":[{\"server\":\"127.0.0.1:1813\",\"state\":\"alive\","
		    "\"stats\":{\"responses\":5}}],\"accounting\":{\"dropped_interim\":6},"
		    "\"dae\":{\"listen\":\"192.0.2.1:3799\",\"clients\":[{\"client\":"
		    "\"192.0.2.10/32\",\"stats\":{\"acks\":7}}],\"stats\":{\"unknown_client\":8}}}}");
	cap_daemon(&cap, ver, st, 0, 0);
	assert_string_equal(cap.err, "");
	assert_non_null(strstr(cap.out, "\nradius 127.0.0.1:1812 alive"));
	assert_non_null(strstr(cap.out, "\nradius [2001:db8::1]:1812 dead"));
	assert_non_null(strstr(cap.out, "\nradius-acct 127.0.0.1:1813 alive"));
	assert_non_null(strstr(cap.out, "\nradius-dae 192.0.2.10/32"));
	assert_null(strstr(cap.out, "unknown-client"));
	assert_null(strstr(cap.out, "accepts"));
	assert_null(strstr(cap.out, "dropped-interim"));
	cap_free(&cap);
	cap_daemon(&cap, ver, st, 1, PRINT_F_JSON | PRINT_F_LINES);
	root = jparse(cap.out);
	assert_int_equal(num(member(json_object_array_get_idx(
		member(member(root, "radius"), "servers"), 1), "stats"), "timeouts"), 2);
	assert_int_equal(num(member(member(root, "radius"), "stats"), "refused_peer"), 4);
	assert_int_equal(num(member(json_object_array_get_idx(
		member(member(root, "radius"), "acct_servers"), 0), "stats"), "responses"), 5);
	assert_int_equal(num(member(member(root, "radius"), "accounting"), "dropped_interim"), 6);
	assert_int_equal(num(member(json_object_array_get_idx(
		member(member(root, "radius"), "dae_clients"), 0), "stats"), "acks"), 7);
	assert_int_equal(num(member(member(root, "radius"), "dae"), "unknown_client"), 8);
	json_object_put(root);
	cap_free(&cap);
	json_object_put(ver);
	json_object_put(st);
	fake_free(f);
}

/* l2secd's own answers to del, served to the tool: success and each error. */
static void test_contract_del(void **state)
{
	char rs[64], rt[64], rs_gone[64], rt_gone[64], a1[8], a2[8], b1[8], exp[128];
	struct canned answers[4];
	struct cli c = { .status = CLI_OK };
	struct capture cap;
	struct fake_pkt p;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fakesrv srv;
	uint16_t sid, gone;
	struct fake *f;
	struct lac lac;
	size_t i;

	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	lac_init(&lac, f, 0xc0000202, 1701, 0x10, 0x4321);
	lac_sccrq(&lac, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&lac, &m, &h, &p), L2TP_SCCRP);
	lac.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(&lac, NULL);
	lac_icrq(&lac, 0x99);
	assert_int_equal(lac_recv(&lac, &m, &h, &p), L2TP_ICRP);
	sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(&lac, sid);
	gone = sid == 65535 ? 1 : sid + 1;
	gone = gone == lac.lns_tid ? gone + 1 : gone;

	snprintf(rs_gone, sizeof(rs_gone), "del session %u %u", lac.lns_tid, gone);
	snprintf(rt_gone, sizeof(rt_gone), "del tunnel %u", gone);
	snprintf(rs, sizeof(rs), "del session %u %u", lac.lns_tid, sid);
	snprintf(rt, sizeof(rt), "del tunnel %u", lac.lns_tid);
	/* the errors first, while the objects are there, then the deletions */
	answers[0] = (struct canned){ rs_gone, daemon_text(f, rs_gone), SRV_ANSWER };
	answers[1] = (struct canned){ rt_gone, daemon_text(f, rt_gone), SRV_ANSWER };
	answers[2] = (struct canned){ rs, daemon_text(f, rs), SRV_ANSWER };
	answers[3] = (struct canned){ rt, daemon_text(f, rt), SRV_ANSWER };
	srv_start(&srv, answers, N(answers));
	c.runtime_dir = srv.dir;
	snprintf(a1, sizeof(a1), "%u", lac.lns_tid);
	snprintf(a2, sizeof(a2), "%u", sid);
	snprintf(b1, sizeof(b1), "%u", gone);

	assert_int_equal(del(&cap, &c, ARGS("session", "del", "tunnel", a1, "id", b1),
			     session_main), CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: no such session %u in tunnel %u\n", gone, lac.lns_tid);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	assert_int_equal(del(&cap, &c, ARGS("tunnel", "del", "id", b1), tunnel_main), CLI_FAIL);
	snprintf(exp, sizeof(exp), "l2sec: no such tunnel %u\n", gone);
	assert_string_equal(cap.err, exp);
	cap_free(&cap);
	assert_int_equal(del(&cap, &c, ARGS("session", "del", "tunnel", a1, "id", a2),
			     session_main), CLI_OK);
	assert_string_equal(cap.err, "");
	cap_free(&cap);
	assert_int_equal(del(&cap, &c, ARGS("tunnel", "del", "id", a1), tunnel_main), CLI_OK);
	assert_string_equal(cap.err, "");
	cap_free(&cap);

	srv_stop(&srv);
	for (i = 0; i < N(answers); i++)
		free((char *)answers[i].reply);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_huge_and_closed),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_too_many),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_daemon_show_text),
		cmocka_unit_test(test_daemon_show_named_pools),
		cmocka_unit_test(test_daemon_show_json),
		cmocka_unit_test(test_daemon_show_malformed),
		cmocka_unit_test(test_daemon_show_fails),
		cmocka_unit_test(test_dsess_parse),
		cmocka_unit_test(test_dsess_framed_routes),
		cmocka_unit_test(test_dsess_sa),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_join_shared_ids),
		cmocka_unit_test(test_join_filtered),
		cmocka_unit_test(test_sel_match),
		cmocka_unit_test(test_session_show_daemon),
		cmocka_unit_test(test_session_show_neither),
		cmocka_unit_test(test_session_show_many),
		cmocka_unit_test(test_session_show_old_daemon),
		cmocka_unit_test(test_session_show_filtered),
		cmocka_unit_test(test_sessions_req),
		cmocka_unit_test(test_session_show_addr_filters),
		cmocka_unit_test(test_session_show_no_filters),
		cmocka_unit_test(test_lines_malformed),
		cmocka_unit_test(test_del),
		cmocka_unit_test(test_select_e2e),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_contract_del),
	};

	/* a client that goes away must not kill the fake daemon, nor us */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
