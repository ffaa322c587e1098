// SPDX-License-Identifier: GPL-2.0
/*
 * The client of l2secd's control socket (see ctlc.h).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ctl_proto.h"
#include "ctlc.h"

#ifndef JSON_TOKENER_VALIDATE_UTF8
#define JSON_TOKENER_VALIDATE_UTF8 0	/* json-c < 0.15 */
#endif

/* What the last failed request or parse said (see ctlc.h). */
static char detail[160];

static int fail(int err, const char *why)
{
	snprintf(detail, sizeof(detail), "%s", why);
	return err;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sock_path(const char *dir, struct sockaddr_un *sun)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s", dir, CTLC_SOCK_NAME);
	return n < 0 || (size_t)n >= sizeof(sun->sun_path) ? -ENAMETOOLONG : 0;
}

/*
 * Connects with the socket's send timeout as the bound: a unix connect waits
 * while the daemon's backlog is full, and gives up with EAGAIN.
 */
static int connect_to(const char *dir, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000 };
	struct sockaddr_un sun;
	int fd, err;

	err = sock_path(dir, &sun);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT : -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int send_req(int fd, const char *req)
{
	char line[CTLC_REQ_MAX + 1];
	size_t len = strlen(req), off = 0;
	ssize_t n;

	memcpy(line, req, len);
	line[len++] = '\n';
	while (off < len) {
		/* bounded by SO_SNDTIMEO; no SIGPIPE if the daemon went away */
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		off += (size_t)n;
	}
	return 0;
}

/* Reads up to EOF into *BUF (*LEN bytes); at most CTLC_REPLY_MAX + 1 bytes. */
static int recv_reply(int fd, int64_t deadline, char **buf, size_t *len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t cap = 0, n = 0;
	char *b = NULL, *nb;
	int64_t left;
	ssize_t r;
	int err;

	for (;;) {
		if (n == cap) {
			if (cap > CTLC_REPLY_MAX) {
				err = -EMSGSIZE;
				goto fail;
			}
			cap = cap ? cap * 2 : 4096;
			if (cap > CTLC_REPLY_MAX + 1)
				cap = CTLC_REPLY_MAX + 1;
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				goto fail;
			}
			b = nb;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			err = -ETIMEDOUT;
			goto fail;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto fail;
		}
		if (r == 0)
			continue;	/* the deadline check above ends it */
		r = recv(fd, b + n, cap - n, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			err = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return 0;
fail:
	free(b);
	return err;
}

/*
 * Upper bounds of the values json-c would build, counted before it builds
 * them (brackets and separators inside strings count too: only more).
 */
static bool too_many_values(const char *buf, size_t len)
{
	size_t containers = 0, separators = 0, i;

	for (i = 0; i < len; i++) {
		switch (buf[i]) {
		case '{':
		case '[':
			containers++;
			break;
		case ',':
		case ':':
			separators++;
			break;
		}
	}
	return containers > CTLC_CONTAINERS_MAX || separators > CTLC_SEPARATORS_MAX;
}

int ctlc_parse(const char *buf, size_t len, struct json_object **out)
{
	struct json_object *o, *e;
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	*out = NULL;
	detail[0] = '\0';
	if (len > CTLC_REPLY_MAX)
		return fail(-EMSGSIZE, "larger than 16 MiB");
	if (!len)
		return fail(-ECONNRESET, "");
	if (memchr(buf, '\0', len))
		return fail(-EBADMSG, "a NUL byte");
	if (too_many_values(buf, len))
		return fail(-EBADMSG, "too many values");
	tok = json_tokener_new_ex(CTLC_DEPTH_MAX);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success) {
		json_object_put(o);
		/* json_tokener_continue: the reply ended inside the object */
		return fail(-EBADMSG, jerr == json_tokener_continue ? "truncated JSON" :
			    json_tokener_error_desc(jerr));
	}
	/* one object and its '\n': nothing else may follow */
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", buf[end])) {
			json_object_put(o);
			return fail(-EBADMSG, "data after the JSON object");
		}
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return fail(-EBADMSG, "not a JSON object");
	}
	if (json_object_object_get_ex(o, CTL_K_ERROR, &e)) {
		char text[sizeof(detail)];

		if (!json_object_is_type(e, json_type_string)) {
			json_object_put(o);
			return fail(-EBADMSG, "an \"error\" that is not a string");
		}
		ctlc_text(json_object_get_string(e), text, sizeof(text));
		json_object_put(o);
		return fail(-EREMOTEIO, text);
	}
	*out = o;
	return 0;
}

int ctlc_request_timeout(const char *runtime_dir, const char *req, int timeout_ms,
			 struct json_object **out)
{
	int64_t deadline;
	char *buf = NULL;
	size_t len = 0;
	int fd, err;

	*out = NULL;
	detail[0] = '\0';
	if (strlen(req) >= CTLC_REQ_MAX || strchr(req, '\n'))
		return -EINVAL;
	if (timeout_ms < 1)
		timeout_ms = 1;	/* 0 would be no timeout at all for SO_SNDTIMEO */
	deadline = now_ms() + timeout_ms;
	fd = connect_to(runtime_dir, timeout_ms);
	if (fd < 0)
		return fd;
	err = send_req(fd, req);
	if (!err)
		err = recv_reply(fd, deadline, &buf, &len);
	close(fd);
	/* EPIPE: the daemon closed before reading the request (too many clients) */
	if (err)
		return err == -EPIPE ? -ECONNRESET : err;
	err = ctlc_parse(buf, len, out);
	free(buf);
	return err;
}

/*
 * One line of a listing, LINE[0..LEN) without its '\n', into FN; 1 when it
 * was the end line (checked against END and *N), 0 when an element, or
 * -errno.
 */
static int one_line(const char *line, size_t len, const char *end, size_t *n,
		    int (*fn)(struct json_object *o, void *arg), void *arg)
{
	struct json_object *o, *e;
	const char *what;
	uint64_t count;
	int err;

	err = ctlc_parse(line, len, &o);
	if (err)
		return err == -ECONNRESET ? fail(-EBADMSG, "an empty line") : err;
	if (json_object_object_get_ex(o, CTL_K_END, &e)) {
		err = ctlc_get_str(o, CTL_K_END, &what) != 1 || strcmp(what, end) ?
		      fail(-EBADMSG, "the end of another listing") :
		      ctlc_get_u64(o, CTL_K_COUNT, &count) != 1 || count != *n ?
		      fail(-EBADMSG, "an end whose count is not the lines before it") : 1;
		json_object_put(o);
		return err;
	}
	if (++*n > CTLC_LINES_MAX) {
		json_object_put(o);
		return fail(-EBADMSG, "too many lines");
	}
	return fn(o, arg);
}

/*
 * The whole lines in BUF[0..*HAVE) through one_line, what is left of a line
 * moved to BUF[0]: 1 after the end line, 0 for more, or -errno (a line
 * longer than CTLC_LINE_MAX: BUF holds CTLC_LINE_MAX + 1 octets).
 */
static int take_lines(char *buf, size_t *have, const char *end, size_t *n,
		      int (*fn)(struct json_object *o, void *arg), void *arg)
{
	size_t off = 0;
	char *nl;
	int err = 0;

	while (!err && (nl = memchr(buf + off, '\n', *have - off))) {
		err = one_line(buf + off, (size_t)(nl - buf) - off, end, n, fn, arg);
		off = (size_t)(nl - buf) + 1;
	}
	if (err)
		return err;
	memmove(buf, buf + off, *have - off);
	*have -= off;
	return *have > CTLC_LINE_MAX ? fail(-EBADMSG, "a line longer than 64 KiB") : 0;
}

/* What ended a listing with its end line not seen: nothing at all, or part of one. */
static int cut_short(size_t n, size_t have)
{
	/* nothing at all: the daemon closed without answering (busy) */
	return !n && !have ? -ECONNRESET : fail(-EBADMSG, "the listing was cut short");
}

int ctlc_parse_lines(const char *data, size_t len, const char *end,
		     int (*fn)(struct json_object *o, void *arg), void *arg)
{
	size_t have = 0, n = 0, k;
	char *buf = malloc(CTLC_LINE_MAX + 1);
	int err = 0;

	detail[0] = '\0';
	if (!buf)
		return -ENOMEM;
	while (!err && len) {
		k = CTLC_LINE_MAX + 1 - have < len ? CTLC_LINE_MAX + 1 - have : len;
		memcpy(buf + have, data, k);
		have += k;
		data += k;
		len -= k;
		err = take_lines(buf, &have, end, &n, fn, arg);
	}
	free(buf);
	return err == 1 ? 0 : err ? err : cut_short(n, have);
}

int ctlc_request_lines_timeout(const char *runtime_dir, const char *req, const char *end,
			       int timeout_ms, int (*fn)(struct json_object *o, void *arg),
			       void *arg)
{
	struct pollfd pfd = { .events = POLLIN };
	size_t have = 0, n = 0;
	char *buf;
	ssize_t r;
	int err;

	detail[0] = '\0';
	if (strlen(req) >= CTLC_REQ_MAX || strchr(req, '\n'))
		return -EINVAL;
	if (timeout_ms < 1)
		timeout_ms = 1;
	buf = malloc(CTLC_LINE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	pfd.fd = connect_to(runtime_dir, timeout_ms);
	if (pfd.fd < 0) {
		free(buf);
		return pfd.fd;
	}
	err = send_req(pfd.fd, req);
	while (!err) {
		r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r ? -errno : -ETIMEDOUT;
			break;
		}
		r = recv(pfd.fd, buf + have, CTLC_LINE_MAX + 1 - have, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			err = -errno;
		else if (r == 0)
			err = cut_short(n, have);
		else
			have += (size_t)r;
		if (!err)
			err = take_lines(buf, &have, end, &n, fn, arg);
	}
	close(pfd.fd);
	free(buf);
	if (err == -EPIPE)
		return -ECONNRESET;
	return err == 1 ? 0 : err;
}

int ctlc_request_lines(const char *runtime_dir, const char *req, const char *end,
		       int (*fn)(struct json_object *o, void *arg), void *arg)
{
	return ctlc_request_lines_timeout(runtime_dir, req, end, CTLC_TIMEOUT_MS, fn, arg);
}

int ctlc_request(const char *runtime_dir, const char *req, struct json_object **out)
{
	return ctlc_request_timeout(runtime_dir, req, CTLC_TIMEOUT_MS, out);
}

const char *ctlc_detail(void)
{
	return detail;
}

bool ctlc_unreachable(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -EACCES || err == -EPERM ||
	       err == -ENOTDIR;
}

void ctlc_strerror(const char *dir, int err, char *buf, size_t size)
{
	const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";

	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		snprintf(buf, size, "l2secd is not running (no %s%s%s)", dir, sep, CTLC_SOCK_NAME);
		break;
	case -ECONNREFUSED:
		snprintf(buf, size, "l2secd is not running (%s%s%s is stale)", dir, sep,
			 CTLC_SOCK_NAME);
		break;
	case -EACCES:
	case -EPERM:
		snprintf(buf, size, "permission denied (%s%s%s is root's)", dir, sep,
			 CTLC_SOCK_NAME);
		break;
	case -ENAMETOOLONG:
		snprintf(buf, size, "the runtime directory \"%s\" is too long for a socket path",
			 dir);
		break;
	case -ETIMEDOUT:
		snprintf(buf, size, "l2secd did not answer within %d s", CTLC_TIMEOUT_MS / 1000);
		break;
	case -ECONNRESET:
		snprintf(buf, size, "l2secd closed the connection without answering");
		break;
	case -EMSGSIZE:
		snprintf(buf, size, "malformed reply from l2secd (larger than %u MiB)",
			 CTLC_REPLY_MAX >> 20);
		break;
	case -EBADMSG:
		snprintf(buf, size, "malformed reply from l2secd%s%s%s", detail[0] ? " (" : "",
			 detail, detail[0] ? ")" : "");
		break;
	case -EREMOTEIO:
		snprintf(buf, size, "l2secd: %s", detail);
		break;
	case -EINVAL:
		snprintf(buf, size, "invalid request for l2secd");
		break;
	default:
		snprintf(buf, size, "cannot talk to l2secd: %s", strerror(-err));
	}
}

bool ctlc_u64(struct json_object *v, uint64_t *out)
{
	/* json-c keeps an int64 or a uint64; a negative one reads < 0 here */
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

static int member(struct json_object *o, const char *key, struct json_object **v)
{
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, v) || !*v)
		return 0;	/* absent, or null */
	return 1;
}

int ctlc_get_u64(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *m;

	if (!member(o, key, &m))
		return 0;
	return ctlc_u64(m, v) ? 1 : -1;
}

int ctlc_get_str(struct json_object *o, const char *key, const char **v)
{
	struct json_object *m;

	if (!member(o, key, &m))
		return 0;
	if (!json_object_is_type(m, json_type_string))
		return -1;
	*v = json_object_get_string(m);
	return 1;
}

int ctlc_get_bool(struct json_object *o, const char *key, bool *v)
{
	struct json_object *m;

	if (!member(o, key, &m))
		return 0;
	if (!json_object_is_type(m, json_type_boolean))
		return -1;
	*v = json_object_get_boolean(m);
	return 1;
}

/* The length of BUF[0..N) without a UTF-8 sequence cut short at its end. */
static size_t utf8_cut(const char *buf, size_t n)
{
	size_t lead = n, need;
	unsigned char c;

	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return n;
	c = (unsigned char)buf[lead - 1];
	if (c < 0xc0)
		return n;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return n - (lead - 1) < need ? lead - 1 : n;
}

/* Must octet C be percent-encoded in a request (lib/ctl_proto.h)? */
static bool pct_needed(unsigned char c)
{
	return c < 0x21 || c > 0x7e || c == '%';
}

const char *ctlc_sessions_req(char *buf, const struct ctlc_sessions_filter *f)
{
	static const char hex[] = "0123456789ABCDEF";
	/* what follows the name: " address A peer P no-counters" */
	char tail[2 * (sizeof(" " CTL_REQ_ADDRESS " ") + INET6_ADDRSTRLEN) +
		  sizeof(" " CTL_REQ_NO_COUNTERS)];
	size_t n, t = 0, need = 0;
	const unsigned char *p;

	tail[0] = '\0';
	if (f->addr && strlen(f->addr) < INET6_ADDRSTRLEN)
		t += (size_t)snprintf(tail + t, sizeof(tail) - t, " %s %s", CTL_REQ_ADDRESS,
				      f->addr);
	if (f->peer && strlen(f->peer) < INET6_ADDRSTRLEN)
		t += (size_t)snprintf(tail + t, sizeof(tail) - t, " %s %s", CTL_REQ_PEER, f->peer);
	if (!f->counters)
		t += (size_t)snprintf(tail + t, sizeof(tail) - t, " %s", CTL_REQ_NO_COUNTERS);
	n = (size_t)snprintf(buf, CTLC_REQ_MAX, "%s %s", CTL_REQ_SHOW_SESSIONS, CTL_REQ_LINES);
	if (f->tid)
		n += (size_t)snprintf(buf + n, CTLC_REQ_MAX - n, " %s %u", CTL_REQ_TUNNEL, f->tid);
	for (p = (const unsigned char *)(f->user ? f->user : ""); *p; p++)
		need += pct_needed(*p) ? 3 : 1;
	/* what ctlc_request takes: shorter than CTLC_REQ_MAX */
	if (need && n + strlen(CTL_REQ_USER) + 2 + need + t < CTLC_REQ_MAX) {
		n += (size_t)snprintf(buf + n, CTLC_REQ_MAX - n, " %s ", CTL_REQ_USER);
		for (p = (const unsigned char *)f->user; *p; p++) {
			if (pct_needed(*p)) {
				buf[n++] = '%';
				buf[n++] = hex[*p >> 4];
				buf[n++] = hex[*p & 15];
			} else {
				buf[n++] = (char)*p;
			}
		}
		buf[n] = '\0';
	}
	snprintf(buf + n, CTLC_REQ_MAX - n, "%s", tail);
	return buf;
}

const char *ctlc_text(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p && n + 1 < size) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* a C1 control (CSI is U+009B) in UTF-8 */
			buf[n++] = '?';
			p += 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf[n++] = '?';
			p++;
		} else {
			buf[n++] = (char)*p++;
		}
	}
	if (*p)
		n = utf8_cut(buf, n);
	buf[n] = '\0';
	return buf;
}
