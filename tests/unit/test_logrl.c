// SPDX-License-Identifier: GPL-2.0
/*
 * Rate-limited log lines (core/logrl.c), read back through a pipe on a fake
 * clock: the burst, the refill, the count of suppressed lines carried by the
 * next line written, no argument computed for a suppressed line, and a line
 * below the level neither written, computed nor counted.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/logrl.h"

static int saved_stderr = -1;
static int pipe_rd = -1;
static uint64_t now_ms;

static uint64_t clock_fake(void *arg)
{
	(void)arg;
	return now_ms;
}

/* stderr into a pipe (prefixed lines), level notice, a fake clock */
static int setup(void **state)
{
	int p[2];

	(void)state;
	if (pipe2(p, O_NONBLOCK) < 0)
		return -1;
	saved_stderr = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	pipe_rd = p[0];
	unsetenv("JOURNAL_STREAM");
	log_setup(LOG_TARGET_STDERR, LOG_NOTICE, "test");
	now_ms = 1000000;
	logrl_set_clock(clock_fake, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	logrl_set_clock(NULL, NULL);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(pipe_rd);
	return 0;
}

static char out[16384];

/* What was written since the last call, into out[]; its number of lines. */
static unsigned int drain(void)
{
	ssize_t n = read(pipe_rd, out, sizeof(out) - 1);
	unsigned int lines = 0;

	if (n < 0)
		n = 0;
	out[n] = '\0';
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	return lines;
}

static unsigned int computed;

static unsigned int costly(void)
{
	return ++computed;
}

static void test_burst_then_suppressed(void **state)
{
	struct logrl rl = LOGRL_INIT(3, 1000);

	(void)state;
	drain();
	computed = 0;
	for (int i = 0; i < 100; i++)
		log_rl(&rl, LOG_WARNING, "refused %u", costly());
	/* three lines, and only their arguments computed */
	assert_int_equal(drain(), 3);
	assert_string_equal(out, "<4>refused 1\n<4>refused 2\n<4>refused 3\n");
	assert_int_equal(computed, 3);
	assert_int_equal(logrl_suppressed(&rl), 97);
}

static void test_refill_and_count(void **state)
{
	struct logrl rl = LOGRL_INIT(2, 1000);

	(void)state;
	drain();
	for (int i = 0; i < 10; i++)
		log_rl(&rl, LOG_NOTICE, "line %d", i);
	assert_int_equal(drain(), 2);
	/* not a whole interval yet: nothing more */
	now_ms += 999;
	log_rl(&rl, LOG_NOTICE, "early");
	assert_int_equal(drain(), 0);
	/* one interval: one line, carrying the 9 refused before it */
	now_ms += 1;
	log_rl(&rl, LOG_NOTICE, "late");
	log_rl(&rl, LOG_NOTICE, "later");
	assert_int_equal(drain(), 1);
	assert_string_equal(out, "<5>late (9 similar lines suppressed)\n");
	/* the count restarts; a long quiet time refills to the burst, not beyond */
	now_ms += 3600 * 1000;
	for (int i = 0; i < 5; i++)
		log_rl(&rl, LOG_NOTICE, "again %d", i);
	assert_int_equal(drain(), 2);
	assert_string_equal(out, "<5>again 0 (1 similar line suppressed)\n<5>again 1\n");
	assert_int_equal(logrl_suppressed(&rl), 3);
}

static void test_sustained_rate(void **state)
{
	struct logrl rl = LOGRL_INIT(5, 5000);
	unsigned int lines = 0;

	(void)state;
	drain();
	/* 100 a second for a minute: the burst and one line per 5 s */
	for (int i = 0; i < 6000; i++) {
		log_rl(&rl, LOG_WARNING, "max-tunnels reached");
		now_ms += 10;
		lines += drain();
	}
	assert_int_equal(lines, 5 + 60000 / 5000 - 1);
}

static void test_below_level(void **state)
{
	struct logrl rl = LOGRL_INIT(1, 1000);

	(void)state;
	drain();
	computed = 0;
	/* below notice: not written, not computed, not counted, no token taken */
	for (int i = 0; i < 10; i++)
		log_rl(&rl, LOG_INFO, "peer %u", costly());
	assert_int_equal(computed, 0);
	assert_int_equal(drain(), 0);
	assert_int_equal(logrl_suppressed(&rl), 0);
	log_rl(&rl, LOG_NOTICE, "peer %u", costly());
	assert_int_equal(drain(), 1);
	assert_string_equal(out, "<5>peer 1\n");
	/* at info the same site is limited like any other */
	log_set_level(LOG_INFO);
	log_rl(&rl, LOG_INFO, "peer %u", costly());
	log_set_level(LOG_NOTICE);
	assert_int_equal(computed, 1);
	assert_int_equal(logrl_suppressed(&rl), 1);
}

static void test_clock_back(void **state)
{
	struct logrl rl = LOGRL_INIT(1, 1000);

	(void)state;
	drain();
	log_rl(&rl, LOG_NOTICE, "a");
	log_rl(&rl, LOG_NOTICE, "b");
	assert_int_equal(drain(), 1);
	/* a clock started again (a new fake in a test) restarts the bucket full */
	now_ms -= 500;
	log_rl(&rl, LOG_NOTICE, "c");
	assert_int_equal(drain(), 1);
	assert_string_equal(out, "<5>c (1 similar line suppressed)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_burst_then_suppressed),
		T(test_refill_and_count),
		T(test_sustained_rate),
		T(test_below_level),
		T(test_clock_back),
#undef T
	};

	return cmocka_run_group_tests_name("logrl", tests, NULL, NULL);
}
