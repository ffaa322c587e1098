// SPDX-License-Identifier: GPL-2.0
/*
 * core/rnd.h: the buffered random octets are each process's own (a forked
 * child never draws what the parent draws next), draws differ, long ones
 * bypass the buffer, and no wiped octet is ever handed out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/rnd.h"

/*
 * The buffer of random octets is the process's own: a fork's child draws
 * others than the parent draws next (the buffer the parent filled before the
 * fork is zero in the child, which fills its own), and draws differ.
 */
static void test_random_not_shared(void **state)
{
	uint8_t a[16], b[16], first;
	int p[2], status;
	pid_t pid;

	(void)state;
	assert_true(rnd_buffered());
	rnd_bytes(&first, 1);	/* the parent's buffer filled */
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rnd_bytes(a, sizeof(a));
		_exit(write(p[1], a, sizeof(a)) == (ssize_t)sizeof(a) ? 0 : 1);
	}
	rnd_bytes(b, sizeof(b));
	assert_int_equal(read(p[0], a, sizeof(a)), sizeof(a));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_not_equal(a, b, sizeof(a));
	close(p[0]);
	close(p[1]);
	/* draws differ, and a long one (not buffered) too */
	rnd_bytes(a, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));
	{
		uint8_t k1[RND_DIRECT_MIN], k2[RND_DIRECT_MIN];

		rnd_bytes(k1, sizeof(k1));
		rnd_bytes(k2, sizeof(k2));
		assert_memory_not_equal(k1, k2, sizeof(k1));
	}
	/* many draws across refills: no run of zeros handed out (a wiped octet) */
	for (unsigned int i = 0; i < 4 * RND_BUF / 8; i++) {
		uint64_t v = 0;

		rnd_bytes(&v, sizeof(v));
		assert_true(v != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_not_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
