// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify without libsystemd (daemon/core/notify.h): each call is exactly one
 * datagram to $NOTIFY_SOCKET, a path or an abstract name ('@'); without
 * $NOTIFY_SOCKET nothing is sent and nothing fails; a socket nobody listens
 * on is an error, not a crash; a status cannot add lines of its own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "core/notify.h"

struct listener {
	int fd;
	char name[108];		/* as $NOTIFY_SOCKET names it */
	char dir[64];		/* the path socket's directory, "" for abstract */
};

static void listen_abstract(struct listener *l)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;

	snprintf(l->name, sizeof(l->name), "@l2sec-test-notify-%ld-%ld", (long)getpid(),
		 (long)random());
	l->dir[0] = '\0';
	memcpy(sun.sun_path + 1, l->name + 1, strlen(l->name) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->name));
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sun, len), 0);
}

static void listen_path(struct listener *l)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strcpy(l->dir, "/tmp/l2sec-notify-XXXXXX");
	assert_non_null(mkdtemp(l->dir));
	snprintf(l->name, sizeof(l->name), "%s/notify", l->dir);
	strcpy(sun.sun_path, l->name);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

static void listener_close(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		unlink(l->name);
		rmdir(l->dir);
	}
}

/* The next datagram, exactly WANT (nothing else queued before it). */
static void expect_datagram(struct listener *l, const char *want)
{
	char buf[1024];
	ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_int_equal((size_t)n, strlen(want));
	assert_string_equal(buf, want);
}

static void expect_nothing(struct listener *l)
{
	char buf[16];

	assert_int_equal(recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Every call, exact datagrams, on L. */
static void exchange(struct listener *l)
{
	unsigned long long usec;
	uint64_t before, after;
	char buf[256], tail;
	ssize_t n;

	assert_int_equal(setenv("NOTIFY_SOCKET", l->name, 1), 0);
	assert_int_equal(notify_ready(), 1);
	expect_datagram(l, "READY=1");
	assert_int_equal(notify_stopping(), 1);
	expect_datagram(l, "STOPPING=1");
	assert_int_equal(notify_status("running, data path %s", "kernel"), 1);
	expect_datagram(l, "STATUS=running, data path kernel");

	/* RELOADING=1 with now on CLOCK_MONOTONIC, in microseconds */
	before = mono_usec();
	assert_int_equal(notify_reloading(), 1);
	after = mono_usec();
	n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu%c", &usec, &tail), 1);
	assert_true(usec >= before && usec <= after);
	assert_null(strchr(buf + strlen("RELOADING=1\n"), '\n'));
	expect_nothing(l);
	/* still there: the daemon notifies again */
	assert_string_equal(getenv("NOTIFY_SOCKET"), l->name);
	unsetenv("NOTIFY_SOCKET");
}

static void test_abstract(void **state)
{
	struct listener l;

	listen_abstract(&l);
	exchange(&l);
	listener_close(&l);
}

static void test_path(void **state)
{
	struct listener l;

	listen_path(&l);
	exchange(&l);
	listener_close(&l);
}

/* No NOTIFY_SOCKET: nothing sent, nothing fails. */
static void test_unset(void **state)
{
	struct listener l;

	listen_abstract(&l);
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_ready(), 0);
	assert_int_equal(notify_reloading(), 0);
	assert_int_equal(notify_stopping(), 0);
	assert_int_equal(notify_status("x %d", 1), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(notify_ready(), 0);
	assert_int_equal(notify_status("x"), 0);
	unsetenv("NOTIFY_SOCKET");
	expect_nothing(&l);
	listener_close(&l);
}

/* A status is one line: it cannot say READY=1 by itself. */
static void test_status_one_line(void **state)
{
	struct listener l;
	char big[2048];

	listen_abstract(&l);
	setenv("NOTIFY_SOCKET", l.name, 1);
	assert_int_equal(notify_status("a\nREADY=1\r\nb"), 1);
	expect_datagram(&l, "STATUS=a READY=1  b");
	/* cut to fit, never split into two datagrams */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(notify_status("%s", big), 1);
	{
		char buf[4096];
		ssize_t n = recv(l.fd, buf, sizeof(buf), MSG_DONTWAIT);

		assert_true(n > 7 && n < 1024);
		assert_memory_equal(buf, "STATUS=xxx", 10);
	}
	expect_nothing(&l);
	unsetenv("NOTIFY_SOCKET");
	listener_close(&l);
}

/* What cannot be reached or used: an error, nothing else. */
static void test_errors(void **state)
{
	char name[200];

	setenv("NOTIFY_SOCKET", "/nonexistent/l2sec-notify", 1);
	assert_int_equal(notify_ready(), -ENOENT);
	snprintf(name, sizeof(name), "@l2sec-test-nobody-%ld", (long)getpid());
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(notify_ready(), -ECONNREFUSED);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	assert_int_equal(notify_ready(), -EAFNOSUPPORT);
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(notify_ready(), -EAFNOSUPPORT);
	memset(name, 'a', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(notify_ready(), -ENAMETOOLONG);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_status_one_line),
		cmocka_unit_test(test_errors),
	};

	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	return cmocka_run_group_tests_name("notify", tests, NULL, NULL);
}
