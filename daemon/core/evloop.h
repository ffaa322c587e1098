/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's one event loop: epoll for file descriptors, a binary heap of
 * timers behind one timerfd, and a signalfd.
 *
 * Time is in milliseconds from a clock function given at creation, so unit
 * tests drive timers with a fake clock and evloop_run_timers() without any
 * file descriptor. Single-threaded: every callback runs on the loop's thread.
 * A callback may arm, cancel or free any timer (including its own). An io may
 * be removed from inside a callback, but its struct ev_io must stay valid
 * memory until the callback returns to the loop, because events already read
 * from epoll in the same round may still name it (the daemon keeps its ios in
 * long-lived or static storage).
 */
#ifndef L2SECD_EVLOOP_H
#define L2SECD_EVLOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop;

/* Monotonic milliseconds. */
typedef uint64_t (*ev_clock_fn)(void *arg);

struct ev_timer {
	uint64_t when;		/* deadline, ms on the loop's clock */
	size_t slot;		/* heap index + 1; 0 when not armed */
	void (*cb)(struct ev_timer *t);
};

struct ev_io {
	int fd;
	void (*cb)(struct ev_io *io, uint32_t events);
};

typedef void (*ev_signal_fn)(struct evloop *loop, int signo, void *arg);

/* clock NULL: CLOCK_MONOTONIC. */
struct evloop *evloop_new(ev_clock_fn clock, void *clock_arg);
void evloop_free(struct evloop *loop);
uint64_t evloop_now(struct evloop *loop);
uint64_t ev_clock_monotonic(void *arg);

void ev_timer_init(struct ev_timer *t, void (*cb)(struct ev_timer *t));
/* (Re)arm to fire delay_ms from now. -1 only when memory runs out. */
int ev_timer_arm(struct evloop *loop, struct ev_timer *t, uint64_t delay_ms);
void ev_timer_cancel(struct evloop *loop, struct ev_timer *t);
static inline bool ev_timer_armed(const struct ev_timer *t)
{
	return t->slot != 0;
}
size_t evloop_timer_count(const struct evloop *loop);
/* Earliest deadline, UINT64_MAX when no timer is armed. */
uint64_t evloop_next_deadline(const struct evloop *loop);
/* Fire every timer due at the clock's current time; returns how many. */
unsigned int evloop_run_timers(struct evloop *loop);

int evloop_add_io(struct evloop *loop, struct ev_io *io, int fd, uint32_t events,
		  void (*cb)(struct ev_io *io, uint32_t events));
int evloop_mod_io(struct evloop *loop, struct ev_io *io, uint32_t events);
void evloop_del_io(struct evloop *loop, struct ev_io *io);

/* Block these signals and deliver them through the loop. */
int evloop_set_signals(struct evloop *loop, const int *signals, size_t n,
		       ev_signal_fn cb, void *arg);

/*
 * fn(arg) each time before the loop waits for events (NULL: none): what a
 * callback left to be sent in one go goes out before the process sleeps.
 * One such function a loop.
 */
void evloop_set_before_wait(struct evloop *loop, void (*fn)(void *arg), void *arg);

/* Run until evloop_stop(); 0, or -1 with errno on a loop failure. */
int evloop_run(struct evloop *loop);
void evloop_stop(struct evloop *loop);

#endif
