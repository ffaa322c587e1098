// SPDX-License-Identifier: GPL-2.0
/* epoll + timerfd + signalfd event loop; see evloop.h. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "core/util.h"

struct evloop {
	ev_clock_fn clock;
	void *clock_arg;
	int epfd;		/* -1 for a timer-only loop (no epoll available) */
	struct ev_io timer_io;	/* timerfd, armed at heap[0]'s deadline */
	struct ev_io signal_io;	/* signalfd, fd -1 until evloop_set_signals() */
	ev_signal_fn signal_cb;
	void *signal_arg;
	uint64_t timerfd_at;	/* deadline the timerfd is set to, 0 = disarmed */
	void (*before_wait)(void *arg);	/* evloop_set_before_wait */
	void *before_wait_arg;
	struct ev_timer **heap;	/* min-heap on ->when; t->slot = index + 1 */
	size_t n, cap;
	bool stop;
};

uint64_t ev_clock_monotonic(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t evloop_now(struct evloop *loop)
{
	return loop->clock(loop->clock_arg);
}

static void timerfd_cb(struct ev_io *io, uint32_t events);
static void signalfd_cb(struct ev_io *io, uint32_t events);

struct evloop *evloop_new(ev_clock_fn clock, void *clock_arg)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->clock = clock ? clock : ev_clock_monotonic;
	loop->clock_arg = clock_arg;
	loop->timer_io.fd = -1;
	loop->signal_io.fd = -1;
	loop->epfd = -1;
	if (clock)
		return loop;	/* a fake clock drives timers by hand */

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto err;
	loop->timer_io.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->timer_io.fd < 0)
		goto err;
	if (evloop_add_io(loop, &loop->timer_io, loop->timer_io.fd, EPOLLIN, timerfd_cb))
		goto err;
	return loop;
err:
	evloop_free(loop);
	return NULL;
}

void evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	for (size_t i = 0; i < loop->n; i++)
		loop->heap[i]->slot = 0;
	free(loop->heap);
	if (loop->timer_io.fd >= 0)
		close(loop->timer_io.fd);
	if (loop->signal_io.fd >= 0)
		close(loop->signal_io.fd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop);
}

/* --- timers: binary min-heap ------------------------------------------------ */

static void heap_set(struct evloop *loop, size_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->slot = i + 1;
}

static void heap_up(struct evloop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->when <= t->when)
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct evloop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= loop->n)
			break;
		if (c + 1 < loop->n && loop->heap[c + 1]->when < loop->heap[c]->when)
			c++;
		if (t->when <= loop->heap[c]->when)
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

static void heap_remove(struct evloop *loop, struct ev_timer *t)
{
	size_t i = t->slot - 1;
	struct ev_timer *last = loop->heap[--loop->n];

	t->slot = 0;
	if (last == t)
		return;
	heap_set(loop, i, last);
	if (i > 0 && loop->heap[(i - 1) / 2]->when > last->when)
		heap_up(loop, i);
	else
		heap_down(loop, i);
}

void ev_timer_init(struct ev_timer *t, void (*cb)(struct ev_timer *t))
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
}

static void timerfd_update(struct evloop *loop)
{
	struct itimerspec its = { 0 };
	uint64_t at = loop->n ? loop->heap[0]->when : 0;

	if (loop->timer_io.fd < 0 || at == loop->timerfd_at)
		return;
	/* 0 would disarm the timerfd: a deadline at time 0 is already due. */
	if (loop->n && at == 0)
		at = 1;
	its.it_value.tv_sec = (time_t)(at / 1000);
	its.it_value.tv_nsec = (long)(at % 1000) * 1000000;
	if (timerfd_settime(loop->timer_io.fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		loop->timerfd_at = at;
	else
		log_err("timerfd_settime: %s", strerror(errno));
}

int ev_timer_arm(struct evloop *loop, struct ev_timer *t, uint64_t delay_ms)
{
	uint64_t now = evloop_now(loop);

	if (t->slot) {
		ev_timer_cancel(loop, t);
	}
	if (loop->n == loop->cap) {
		size_t cap = loop->cap ? loop->cap * 2 : 64;
		struct ev_timer **heap = realloc(loop->heap, cap * sizeof(*heap));

		if (!heap)
			return -1;
		loop->heap = heap;
		loop->cap = cap;
	}
	t->when = now + delay_ms;
	loop->heap[loop->n++] = t;
	heap_up(loop, loop->n - 1);
	timerfd_update(loop);
	return 0;
}

void ev_timer_cancel(struct evloop *loop, struct ev_timer *t)
{
	if (!t->slot)
		return;
	heap_remove(loop, t);
	timerfd_update(loop);
}

size_t evloop_timer_count(const struct evloop *loop)
{
	return loop->n;
}

uint64_t evloop_next_deadline(const struct evloop *loop)
{
	return loop->n ? loop->heap[0]->when : UINT64_MAX;
}

unsigned int evloop_run_timers(struct evloop *loop)
{
	uint64_t now = evloop_now(loop);
	/*
	 * Bounded by the timers present on entry: a callback that re-arms with
	 * delay 0 fires on the next round instead of spinning here.
	 */
	size_t budget = loop->n;
	unsigned int fired = 0;

	while (budget-- && loop->n && loop->heap[0]->when <= now) {
		struct ev_timer *t = loop->heap[0];

		heap_remove(loop, t);
		fired++;
		t->cb(t);
	}
	timerfd_update(loop);
	return fired;
}

static void timerfd_cb(struct ev_io *io, uint32_t events)
{
	struct evloop *loop = container_of(io, struct evloop, timer_io);
	uint64_t expirations;

	(void)events;
	if (read(io->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_err("timerfd read: %s", strerror(errno));
	loop->timerfd_at = 0;
	evloop_run_timers(loop);
}

/* --- file descriptors and signals ------------------------------------------------ */

int evloop_add_io(struct evloop *loop, struct ev_io *io, int fd, uint32_t events,
		  void (*cb)(struct ev_io *io, uint32_t events))
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (loop->epfd < 0) {
		errno = ENOTSUP;
		return -1;
	}
	io->fd = fd;
	io->cb = cb;
	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int evloop_mod_io(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &ev);
}

void evloop_del_io(struct evloop *loop, struct ev_io *io)
{
	if (loop->epfd >= 0 && io->fd >= 0)
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

static void signalfd_cb(struct ev_io *io, uint32_t events)
{
	struct evloop *loop = container_of(io, struct evloop, signal_io);
	struct signalfd_siginfo si;

	(void)events;
	while (read(io->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		loop->signal_cb(loop, (int)si.ssi_signo, loop->signal_arg);
}

int evloop_set_signals(struct evloop *loop, const int *signals, size_t n,
		       ev_signal_fn cb, void *arg)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < n; i++)
		sigaddset(&set, signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	fd = signalfd(loop->signal_io.fd, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	loop->signal_cb = cb;
	loop->signal_arg = arg;
	if (loop->signal_io.fd < 0) {
		if (evloop_add_io(loop, &loop->signal_io, fd, EPOLLIN, signalfd_cb)) {
			close(fd);
			return -1;
		}
	}
	return 0;
}

void evloop_set_before_wait(struct evloop *loop, void (*fn)(void *arg), void *arg)
{
	loop->before_wait = fn;
	loop->before_wait_arg = arg;
}

int evloop_run(struct evloop *loop)
{
	struct epoll_event evs[32];

	loop->stop = false;
	while (!loop->stop) {
		int n;

		if (loop->before_wait)
			loop->before_wait(loop->before_wait_arg);
		if (loop->stop)
			break;
		n = epoll_wait(loop->epfd, evs, (int)ARRAY_SIZE(evs), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < n && !loop->stop; i++) {
			struct ev_io *io = evs[i].data.ptr;

			io->cb(io, evs[i].events);
		}
	}
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	loop->stop = true;
}
