// SPDX-License-Identifier: GPL-2.0
/*
 * Memory given back once the sessions are gone (core/memtrim.h): the policy
 * as a function of the live count and the time (no trim while the count
 * rises or dips a little, one when it fell to half or to none, never two
 * within MEMTRIM_INTERVAL_MS however the sessions go); the zero pages of a
 * table given back and nothing else; the poll on a fake clock; and, with
 * glibc's allocator (not under ASan, whose own allocator keeps its memory), a
 * heap whose top is held by a block that outlived the rest back near its
 * start in RSS after a trim. And no transparent huge pages, in the process and
 * in the one it forks (the engine).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/evloop.h"
#include "core/memtrim.h"
#include "heap.h"

static void test_policy(void **state)
{
	struct memtrim_policy p = { 0 };
	uint64_t t = 1000;

	(void)state;
	/* rising, then steady: nothing freed */
	for (unsigned int n = 0; n <= 1000; n += 100, t += 1000)
		assert_false(memtrim_due(&p, n, t));
	assert_int_equal(p.peak, 1000);
	/* a dip above half of the peak, and one to half by fewer than MEMTRIM_MIN_DROP */
	assert_false(memtrim_due(&p, 501, t += 1000));
	/* to half: a trim, and the peak is the count now */
	assert_true(memtrim_due(&p, 500, t += 1000));
	assert_int_equal(p.peak, 500);
	/* to half again, but within MEMTRIM_INTERVAL_MS of the last: later */
	assert_false(memtrim_due(&p, 200, t + MEMTRIM_INTERVAL_MS - 1));
	assert_true(memtrim_due(&p, 200, t += MEMTRIM_INTERVAL_MS));
	/* below half of a small peak, but by fewer than MEMTRIM_MIN_DROP: none */
	t += MEMTRIM_INTERVAL_MS;
	assert_false(memtrim_due(&p, 150, t));
	assert_int_equal(p.peak, 200);
	p.peak = 100;
	assert_false(memtrim_due(&p, 100 - (MEMTRIM_MIN_DROP - 1), t));
	/* all gone: one trim however few there were, and none after while none come */
	assert_true(memtrim_due(&p, 0, t));
	for (int i = 0; i < 10; i++)
		assert_false(memtrim_due(&p, 0, t += MEMTRIM_INTERVAL_MS));
	/* one client comes and goes: at most one trim an interval */
	assert_false(memtrim_due(&p, 1, t += 1000));
	assert_true(memtrim_due(&p, 0, t += MEMTRIM_INTERVAL_MS));
	assert_false(memtrim_due(&p, 1, t += 1));
	assert_false(memtrim_due(&p, 0, t += 1));

	/* the first trim of a process is not held back by a last one */
	p = (struct memtrim_policy){ 0 };
	assert_false(memtrim_due(&p, 100, 0));
	assert_true(memtrim_due(&p, 0, 0));
	assert_false(memtrim_due(&p, 100, MEMTRIM_INTERVAL_MS - 1));
	assert_true(memtrim_due(&p, 0, MEMTRIM_INTERVAL_MS));
}

/* 100,000 sessions going one a millisecond, polled every ms: never per session */
static void test_policy_mass_teardown(void **state)
{
	struct memtrim_policy p = { 0 };
	const unsigned int n = 100000;
	unsigned int trims = 0, left_at_last = n;
	uint64_t t = 1, last = 0;

	(void)state;
	assert_false(memtrim_due(&p, n, t));
	/* and polled on for an interval after the last went */
	for (unsigned int live = n; t < n + MEMTRIM_INTERVAL_MS;) {
		live -= live > 0;
		t++;
		if (memtrim_due(&p, live, t)) {
			if (trims)
				assert_true(t - last >= MEMTRIM_INTERVAL_MS);
			last = t;
			left_at_last = live;
			trims++;
		}
	}
	/* each at half of the last, MEMTRIM_INTERVAL_MS apart: six in 100 s of teardown */
	assert_true(trims >= 2 && trims <= (n + MEMTRIM_INTERVAL_MS) / MEMTRIM_INTERVAL_MS);
	assert_int_equal(left_at_last, 0);	/* the last one when all went */
}

static void test_no_huge_pages(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(memtrim_no_huge_pages(), 0);
	assert_int_equal(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static bool resident(const void *page, size_t pg)
{
	unsigned char v = 0;

	assert_int_equal(mincore((void *)page, pg, &v), 0);
	return v & 1;
}

static void test_zero_pages(void **state)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	(void)state;
	assert_true(m != MAP_FAILED);
	memset(m, 0xa5, 8 * pg);
	/* pages 2, 3 and 5 empty; page 6 empty but for its last byte */
	memset(m + 2 * pg, 0, 2 * pg);
	memset(m + 5 * pg, 0, 2 * pg - 1);
	/* the range starts and ends inside pages 1 and 7: neither is the table's alone */
	memset(m + pg + 1, 0, pg - 1);
	memset(m + 7 * pg, 0, pg);
	assert_int_equal(memtrim_zero_pages(m + pg + 1, 7 * pg - 2), 3 * pg);
	for (int i = 0; i < 8; i++)
		assert_int_equal(resident(m + i * pg, pg), !(i == 2 || i == 3 || i == 5));
	/* what was given back reads as zeros, the rest as it was */
	for (size_t i = 0; i < 8 * pg; i++) {
		unsigned char want = i < pg + 1 ? 0xa5 : i < 2 * pg ? 0 : i < 4 * pg ? 0 :
				     i < 5 * pg ? 0xa5 : i < 7 * pg - 1 ? 0 : i < 7 * pg ? 0xa5 : 0;

		if (m[i] != want)
			fail_msg("octet %zu: %#x, not %#x", i, m[i], want);
	}
	assert_int_equal(memtrim_zero_pages(m, 0), 0);
	munmap(m, 8 * pg);
}

static uint64_t now;
static unsigned int live, released;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return now;
}

static unsigned int live_fn(void *ctx)
{
	(void)ctx;
	return live;
}

static void release_fn(void *ctx)
{
	assert_ptr_equal(ctx, &live);
	released++;
}

static void test_poll(void **state)
{
	struct evloop *loop;
	struct memtrim m;

	(void)state;
	now = 1000;
	live = 2000;
	released = 0;
	loop = evloop_new(fake_clock, NULL);
	assert_non_null(loop);
	memset(&m, 0xff, sizeof(m));	/* a forked copy's state: dropped */
	assert_int_equal(memtrim_start(&m, loop, live_fn, release_fn, &live), 0);
	for (int i = 0; i < 5; i++) {
		now += MEMTRIM_POLL_MS;
		evloop_run_timers(loop);
	}
	assert_int_equal(m.trims, 0);
	live = 0;
	now += MEMTRIM_POLL_MS;
	evloop_run_timers(loop);
	assert_int_equal(m.trims, 1);
	assert_int_equal(released, 1);
	/* polled on: one timer, armed */
	assert_int_equal(evloop_timer_count(loop), 1);
	memtrim_stop(&m);
	assert_int_equal(evloop_timer_count(loop), 0);
	evloop_free(loop);
}

#if !defined(__SANITIZE_ADDRESS__)
/*
 * A daemon's heap after its sessions went: 20,000 blocks of a session's
 * sizes freed, one allocated after them still held at the top. glibc gives
 * nothing back by itself; a trim gives back all but a few pages.
 */
static void test_heap_back(void **state)
{
	enum { N = 20000 };
	static void *blk[N];
	long rss0, rss1, rss2, rss3;
	void *top;
	struct evloop *loop;
	struct memtrim m;

	(void)state;
	rss0 = rss_kb();
	for (int i = 0; i < N; i++) {
		blk[i] = malloc(i % 3 == 0 ? 1840 : i % 3 == 1 ? 1728 : 640);
		assert_non_null(blk[i]);
		memset(blk[i], 1, 640);
	}
	top = malloc(64);
	assert_non_null(top);
	rss1 = rss_kb();
	for (int i = 0; i < N; i++)
		free(blk[i]);
	rss2 = rss_kb();
	now = 1000;
	live = N;
	loop = evloop_new(fake_clock, NULL);
	assert_non_null(loop);
	assert_int_equal(memtrim_start(&m, loop, live_fn, NULL, NULL), 0);
	now += MEMTRIM_POLL_MS;
	evloop_run_timers(loop);
	live = 0;
	now += MEMTRIM_POLL_MS;
	evloop_run_timers(loop);
	assert_int_equal(m.trims, 1);
	rss3 = rss_kb();
	print_message("RSS %ld -> %ld (all held) -> %ld (freed) -> %ld kB (trimmed)\n", rss0, rss1,
		      rss2, rss3);
	/* the blocks took 26 MB; glibc kept them, the trim gave back nine tenths */
	assert_true(rss1 - rss0 > 20000);
	assert_true(rss2 - rss0 > (rss1 - rss0) * 9 / 10);
	assert_true(rss3 - rss0 < (rss1 - rss0) / 10);
	memtrim_stop(&m);
	evloop_free(loop);
	free(top);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_policy_mass_teardown),
		cmocka_unit_test(test_zero_pages),
		cmocka_unit_test(test_no_huge_pages),
		cmocka_unit_test(test_poll),
#if !defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test(test_heap_back),
#endif
	};

	return cmocka_run_group_tests_name("memtrim", tests, NULL, NULL);
}
