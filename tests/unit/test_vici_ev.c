// SPDX-License-Identifier: GPL-2.0
/*
 * The VICI client on the daemon's real event loop (evloop.c, epoll +
 * timerfd), against a fake charon served from the same loop: charon absent
 * at start (the loop's timer brings the client back), present, then gone and
 * back again, when the new socket typically reuses the old descriptor
 * number, which an adapter that only compared numbers would miss.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/evloop.h"
#include "ipsec/vici.h"
#include "ipsec/vici_ev.h"

static struct evloop *L;
static struct vici_client *C;
static struct vici_ev E;

static char dir[64], path[108];
static struct ev_io lio, sio;	/* fake charon: listener, connection */
static int sfd = -1;
static uint8_t sbuf[4096];
static size_t slen;
static int ups, downs, replies;

static void srv_read(struct ev_io *io, uint32_t events)
{
	ssize_t n = read(io->fd, sbuf + slen, sizeof(sbuf) - slen);

	if (n > 0)
		slen += (size_t)n;
}

static void srv_accept(struct ev_io *io, uint32_t events)
{
	if (sfd >= 0)
		return;
	sfd = accept(io->fd, NULL, NULL);
	if (sfd >= 0)
		assert_int_equal(evloop_add_io(L, &sio, sfd, EPOLLIN, srv_read), 0);
}

static void srv_close(void)
{
	evloop_del_io(L, &sio);
	close(sfd);
	sfd = -1;
	slen = 0;
}

static void srv_listen(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(evloop_add_io(L, &lio, fd, EPOLLIN, srv_accept), 0);
}

/* The first packet from the client: its type and name; consumed. */
static bool srv_packet(uint8_t *type, char *name)
{
	size_t len;

	if (slen < 4)
		return false;
	len = (size_t)sbuf[0] << 24 | (size_t)sbuf[1] << 16 | (size_t)sbuf[2] << 8 | sbuf[3];
	if (slen < 4 + len)
		return false;
	*type = sbuf[4];
	memcpy(name, sbuf + 6, sbuf[5]);
	name[sbuf[5]] = '\0';
	memmove(sbuf, sbuf + 4 + len, slen - 4 - len);
	slen -= 4 + len;
	return true;
}

static void srv_send(uint8_t type)
{
	uint8_t p[5] = { 0, 0, 0, 1, type };

	assert_int_equal(write(sfd, p, sizeof(p)), 5);
}

/* Run the loop until cond() or ms pass; a 5 ms timer checks. */
static bool (*cond_fn)(void);
static bool cond_met;
static int ticks;

/* cond() may consume what it checks: evaluate it once per tick only. */
static void tick(struct ev_timer *t)
{
	cond_met = cond_fn();
	if (cond_met || --ticks <= 0)
		evloop_stop(L);
	else
		ev_timer_arm(L, t, 5);
}

static bool run_until(bool (*cond)(void), int ms)
{
	struct ev_timer t;

	cond_fn = cond;
	cond_met = false;
	ticks = ms / 5;
	ev_timer_init(&t, tick);
	ev_timer_arm(L, &t, 0);
	assert_int_equal(evloop_run(L), 0);
	ev_timer_cancel(L, &t);
	return cond_met;
}

static uint8_t got_type;
static char got_name[256];

static bool have_packet(void)
{
	return srv_packet(&got_type, got_name);
}

static bool have_reply(void)
{
	return replies > 0;
}

static bool is_down(void)
{
	return !vici_is_up(C);
}

static void on_state(void *ctx, enum vici_state st, const char *why)
{
	if (st == VICI_UP)
		ups++;
	else
		downs++;
}

static void on_reply(void *ctx, int err, const struct vici_node *res)
{
	assert_int_equal(err, 0);
	replies++;
}

static void test_on_evloop(void **state)
{
	struct vici_config cfg = { .backoff_min_ms = 20, .backoff_max_ms = 40 };
	int first_fd;

	L = evloop_new(NULL, NULL);
	assert_non_null(L);
	snprintf(dir, sizeof(dir), "/tmp/l2sec-vici-ev-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/charon.vici", dir);
	cfg.path = path;
	C = vici_new(&cfg, on_state, NULL);
	assert_non_null(C);
	assert_int_equal(vici_ev_attach(&E, L, C), 0);
	assert_int_equal(vici_subscribe(C, "child-updown", NULL, NULL), 0);

	/* charon missing: the loop watches the socket's directory, and a retry
	 * timer is armed */
	vici_start(C);
	assert_int_equal(downs, 1);
	assert_true(E.io_on);
	assert_int_equal(E.io.fd, vici_fd(C));
	assert_true(ev_timer_armed(&E.timer));

	/* charon appears: the loop connects, and writes the registration */
	srv_listen();
	assert_true(run_until(have_packet, 2000));
	assert_int_equal(got_type, VICI_EVENT_REGISTER);
	assert_string_equal(got_name, "child-updown");
	assert_int_equal(ups, 1);
	assert_true(E.io_on);
	assert_int_equal(E.io.fd, vici_fd(C));
	/* written out: only reading is watched now, and the answer timer runs */
	assert_int_equal(E.io_events, EPOLLIN);
	assert_true(ev_timer_armed(&E.timer));
	first_fd = vici_fd(C);

	srv_send(VICI_EVENT_CONFIRM);
	assert_int_equal(vici_request(C, "version", NULL, on_reply, NULL), 0);
	assert_true(run_until(have_packet, 2000));
	assert_int_equal(got_type, VICI_CMD_REQUEST);
	assert_string_equal(got_name, "version");
	srv_send(VICI_CMD_RESPONSE);
	assert_true(run_until(have_reply, 2000));
	/* idle: nothing in flight, no timer */
	assert_false(ev_timer_armed(&E.timer));

	/* charon restarts: down, then the registration again on a new socket */
	srv_close();
	assert_true(run_until(is_down, 2000));
	assert_int_equal(downs, 2);
	assert_true(E.io_on);
	assert_int_equal(E.io.fd, vici_fd(C));
	assert_true(run_until(have_packet, 2000));
	assert_int_equal(got_type, VICI_EVENT_REGISTER);
	assert_int_equal(ups, 2);
	assert_int_equal(E.io.fd, vici_fd(C));
	print_message("reconnected on fd %d (first connection: fd %d)\n",
		      vici_fd(C), first_fd);

	vici_ev_detach(&E);
	vici_free(C);
	srv_close();
	evloop_del_io(L, &lio);
	close(lio.fd);
	unlink(path);
	rmdir(dir);
	evloop_free(L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_evloop),
	};

	return cmocka_run_group_tests_name("vici_ev", tests, NULL, NULL);
}
