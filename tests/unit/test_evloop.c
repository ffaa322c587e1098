// SPDX-License-Identifier: GPL-2.0
/*
 * Event loop: timers fire in deadline order on a fake clock, cancel and
 * re-arm (also from inside a callback), a zero-delay re-arm does not spin,
 * many timers; and on the real loop a timerfd deadline, an fd and a signal.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/evloop.h"
#include "core/util.h"

struct rec {
	struct ev_timer t;
	int id;
	int fired;
	uint64_t at;
};

static uint64_t now;
static struct evloop *loop;
static int order[64];
static int n_order;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return now;
}

static void rec_cb(struct ev_timer *t)
{
	struct rec *r = container_of(t, struct rec, t);

	r->fired++;
	r->at = now;
	order[n_order++] = r->id;
}

static void test_order_and_cancel(void **state)
{
	struct rec r[5];
	static const uint64_t delays[] = { 300, 100, 500, 200, 400 };

	(void)state;
	now = 1000;
	n_order = 0;
	loop = evloop_new(fake_clock, NULL);
	for (int i = 0; i < 5; i++) {
		ev_timer_init(&r[i].t, rec_cb);
		r[i].id = i;
		r[i].fired = 0;
		assert_int_equal(ev_timer_arm(loop, &r[i].t, delays[i]), 0);
	}
	ev_timer_cancel(loop, &r[3].t);
	assert_false(ev_timer_armed(&r[3].t));
	assert_int_equal(evloop_next_deadline(loop), 1100);
	now = 1099;
	assert_int_equal(evloop_run_timers(loop), 0);
	now = 1350;
	assert_int_equal(evloop_run_timers(loop), 2);
	/* re-arming moves the deadline */
	ev_timer_arm(loop, &r[4].t, 1000);
	now = 10000;
	evloop_run_timers(loop);
	assert_int_equal(n_order, 4);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 4);
	assert_int_equal(r[3].fired, 0);
	assert_int_equal(evloop_timer_count(loop), 0);
	evloop_free(loop);
}

static struct rec spinner;

static void spin_cb(struct ev_timer *t)
{
	spinner.fired++;
	ev_timer_arm(loop, t, 0);
}

static void test_zero_delay_rearm(void **state)
{
	(void)state;
	now = 0;
	loop = evloop_new(fake_clock, NULL);
	ev_timer_init(&spinner.t, spin_cb);
	spinner.fired = 0;
	ev_timer_arm(loop, &spinner.t, 0);
	assert_int_equal(evloop_run_timers(loop), 1);
	assert_int_equal(evloop_run_timers(loop), 1);
	assert_int_equal(spinner.fired, 2);
	ev_timer_cancel(loop, &spinner.t);
	evloop_free(loop);
}

static void test_many_timers(void **state)
{
	enum { N = 5000 };
	struct rec *r = calloc(N, sizeof(*r));
	uint64_t last = 0;

	(void)state;
	now = 0;
	n_order = 0;
	loop = evloop_new(fake_clock, NULL);
	srand(1);
	for (int i = 0; i < N; i++) {
		ev_timer_init(&r[i].t, rec_cb);
		ev_timer_arm(loop, &r[i].t, (uint64_t)(rand() % 100000));
	}
	for (int i = 0; i < N; i += 3)
		ev_timer_cancel(loop, &r[i].t);
	for (now = 0; now <= 100000; now += 7) {
		n_order = 0;
		evloop_run_timers(loop);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(r[i].fired, i % 3 ? 1 : 0);
		if (r[i].fired)
			assert_true(r[i].at >= r[i].t.when && r[i].at < r[i].t.when + 7);
	}
	(void)last;
	assert_int_equal(evloop_timer_count(loop), 0);
	evloop_free(loop);
	free(r);
}

/* --- the real loop ---------------------------------------------------------------- */

static int pipe_reads, signals_seen;
static struct ev_timer stop_timer;

static void stop_cb(struct ev_timer *t)
{
	(void)t;
	evloop_stop(loop);
}

static void pipe_cb(struct ev_io *io, uint32_t events)
{
	char c;

	(void)events;
	if (read(io->fd, &c, 1) == 1)
		pipe_reads++;
	raise(SIGHUP);
}

static void sig_cb(struct evloop *l, int signo, void *arg)
{
	(void)arg;
	if (signo == SIGHUP)
		signals_seen++;
	ev_timer_arm(l, &stop_timer, 20);
}

static void test_real_loop(void **state)
{
	static const int sigs[] = { SIGHUP };
	struct ev_io io;
	int fds[2];
	uint64_t t0;

	(void)state;
	loop = evloop_new(NULL, NULL);
	assert_non_null(loop);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(evloop_add_io(loop, &io, fds[0], EPOLLIN, pipe_cb), 0);
	assert_int_equal(evloop_set_signals(loop, sigs, 1, sig_cb, NULL), 0);
	ev_timer_init(&stop_timer, stop_cb);
	assert_int_equal(write(fds[1], "x", 1), 1);
	t0 = evloop_now(loop);
	assert_int_equal(evloop_run(loop), 0);
	/* the pipe woke us, the signal came through signalfd, the timer ended it */
	assert_int_equal(pipe_reads, 1);
	assert_int_equal(signals_seen, 1);
	assert_true(evloop_now(loop) - t0 >= 20);
	evloop_del_io(loop, &io);
	close(fds[0]);
	close(fds[1]);
	evloop_free(loop);
}

/* evloop_set_before_wait: what a callback leaves to send goes out before the loop sleeps */
static int hook_fd = -1, hook_calls, hook_reads;

static void hook_before_wait(void *arg)
{
	assert_ptr_equal(arg, &hook_fd);
	if (hook_calls++ == 0)	/* the first wait would block forever without it */
		assert_int_equal(write(hook_fd, "y", 1), 1);
}

static void hook_pipe_cb(struct ev_io *io, uint32_t events)
{
	char c;

	(void)events;
	if (read(io->fd, &c, 1) == 1)
		hook_reads++;
	evloop_stop(loop);
}

static void test_before_wait(void **state)
{
	struct ev_io io;
	int fds[2];

	(void)state;
	loop = evloop_new(NULL, NULL);
	assert_non_null(loop);
	assert_int_equal(pipe(fds), 0);
	hook_fd = fds[1];
	assert_int_equal(evloop_add_io(loop, &io, fds[0], EPOLLIN, hook_pipe_cb), 0);
	ev_timer_init(&stop_timer, stop_cb);
	ev_timer_arm(loop, &stop_timer, 5000);	/* a hook not called: the test fails, not hangs */
	evloop_set_before_wait(loop, hook_before_wait, &hook_fd);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(hook_calls, 1);	/* before the one wait; stopped: not again */
	assert_int_equal(hook_reads, 1);
	/* removed: the loop runs without it */
	evloop_set_before_wait(loop, NULL, NULL);
	assert_int_equal(write(fds[1], "z", 1), 1);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(hook_reads, 2);
	ev_timer_cancel(loop, &stop_timer);
	evloop_del_io(loop, &io);
	close(fds[0]);
	close(fds[1]);
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_cancel),
		cmocka_unit_test(test_zero_delay_rearm),
		cmocka_unit_test(test_many_timers),
		cmocka_unit_test(test_real_loop),
		cmocka_unit_test(test_before_wait),
	};

	return cmocka_run_group_tests_name("evloop", tests, NULL, NULL);
}
