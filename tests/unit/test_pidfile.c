// SPDX-License-Identifier: GPL-2.0
/*
 * The PID file (pidfile.c): locked, so that a second process is refused and
 * told the first one's PID; a stale file is taken over; a symlink or a FIFO
 * planted at its path is refused, not followed; released, it is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/pidfile.h"

struct dir {
	char path[64];
	char pid[128];
};

static void dir_new(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/l2sec-pidfile-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->pid, sizeof(d->pid), "%s/l2secd.pid", d->path);
}

static void dir_free(struct dir *d)
{
	unlink(d->pid);
	rmdir(d->path);
}

static long read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = -1;

	assert_non_null(f);
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

/*
 * In a child process (locks belong to processes): try to lock; exit 0 when
 * refused with our PID named as the holder, 1 when it got the lock, 2 else.
 */
static int second_process(const char *path)
{
	pid_t parent = getpid(), holder, child;
	int status, fd;

	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		fd = pidfile_lock(path, &holder);
		if (fd >= 0)
			_exit(1);
		_exit(errno == EWOULDBLOCK && holder == parent ? 0 : 2);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_second_refused(void **state)
{
	struct dir d;
	pid_t holder;
	int fd;

	(void)state;
	dir_new(&d);
	fd = pidfile_lock(d.pid, &holder);
	assert_true(fd >= 0);
	assert_int_equal(read_pid(d.pid), (long)getpid());
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* read_pid opened and closed the file: that did not drop the lock */
	assert_int_equal(second_process(d.pid), 0);
	/* nor does a second try in the same process get it */
	assert_int_equal(pidfile_lock(d.pid, &holder), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_int_equal(holder, getpid());
	/* the refused one left the file as it was */
	assert_int_equal(read_pid(d.pid), (long)getpid());
	pidfile_release(fd, d.pid);
	assert_int_equal(access(d.pid, F_OK), -1);
	/* released: the next one gets it */
	assert_int_equal(second_process(d.pid), 1);
	dir_free(&d);
}

/* A file left by a process that died (no lock): taken over, our PID written. */
static void test_stale_taken_over(void **state)
{
	struct dir d;
	pid_t holder;
	FILE *f;
	int fd;

	(void)state;
	dir_new(&d);
	f = fopen(d.pid, "w");
	assert_non_null(f);
	fputs("999999999 and some more text that is longer than a PID\n", f);
	fclose(f);
	fd = pidfile_lock(d.pid, &holder);
	assert_true(fd >= 0);
	assert_int_equal(read_pid(d.pid), (long)getpid());
	assert_true(access(d.pid, F_OK) == 0);
	pidfile_release(fd, d.pid);
	dir_free(&d);
}

/* A symlink (to a file someone wants overwritten) or a FIFO: refused. */
static void test_planted(void **state)
{
	char target[160];
	struct dir d;
	struct stat st;
	pid_t holder;

	(void)state;
	dir_new(&d);
	snprintf(target, sizeof(target), "%s/victim", d.path);
	assert_int_equal(symlink(target, d.pid), 0);
	assert_int_equal(pidfile_lock(d.pid, &holder), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(stat(target, &st), -1);	/* not created through the link */
	unlink(d.pid);
	assert_int_equal(mkfifo(d.pid, 0600), 0);
	assert_int_equal(pidfile_lock(d.pid, &holder), -1);
	assert_int_equal(errno, EINVAL);
	dir_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_refused),
		cmocka_unit_test(test_stale_taken_over),
		cmocka_unit_test(test_planted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
