// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's log lines on stderr (core/log.c), read back through a pipe: the
 * "<N>" prefix journald takes, one line per message whatever a peer put in
 * it, a long message cut but still a whole line, and a line below the level
 * neither written nor its arguments computed.
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

#include "core/log.h"

static int saved_stderr = -1;
static int pipe_rd = -1;

/* stderr into a pipe (not a terminal: prefixed lines), level notice */
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
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(pipe_rd);
	return 0;
}

/* What was written since the last call, NUL-terminated. */
static size_t drain(char *buf, size_t cap)
{
	ssize_t n = read(pipe_rd, buf, cap - 1);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return (size_t)n;
}

static void test_prefix_and_one_line(void **state)
{
	char out[4096];

	(void)state;
	drain(out, sizeof(out));
	log_notice("tunnel %u up", 7u);
	log_err("peer said \"a\nb\rc\"");
	drain(out, sizeof(out));
	assert_string_equal(out, "<5>tunnel 7 up\n<3>peer said \"a b c\"\n");
}

static void test_long_line_cut_whole(void **state)
{
	char big[3000], out[4096];
	size_t n;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	drain(out, sizeof(out));
	log_warn("%s", big);
	n = drain(out, sizeof(out));
	assert_true(n > 900 && n < 1024);
	assert_memory_equal(out, "<4>xxx", 6);
	assert_int_equal(out[n - 1], '\n');
	assert_null(memchr(out, '\n', n - 1));
}

static unsigned int computed;

static const char *costly(void)
{
	computed++;
	return "name";
}

static void test_below_level_not_computed(void **state)
{
	char out[4096];

	(void)state;
	drain(out, sizeof(out));
	computed = 0;
	log_info("peer %s", costly());
	log_debug("peer %s", costly());
	assert_int_equal(computed, 0);
	assert_int_equal(drain(out, sizeof(out)), 0);
	log_set_level(LOG_INFO);
	log_info("peer %s", costly());
	log_set_level(LOG_NOTICE);
	assert_int_equal(computed, 1);
	drain(out, sizeof(out));
	assert_string_equal(out, "<6>peer name\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_and_one_line),
		cmocka_unit_test(test_long_line_cut_whole),
		cmocka_unit_test(test_below_level_not_computed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
