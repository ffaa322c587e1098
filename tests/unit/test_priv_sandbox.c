// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's sandbox (daemon/priv/sandbox.h), applied for real: each case
 * forks a child that enters the sandbox (as nobody, chrooted to an empty
 * directory) and then does one thing; the parent judges by what the child
 * wrote into a pipe and by how waitpid saw it end. What the kernel says of
 * the child (/proc/self/status, opened before and read after) must show no
 * capability, no root ids, no_new_privs and a seccomp filter; allowed calls
 * work; a forbidden one kills the child with SIGSYS. Needs root (to change
 * user and chroot): skipped, and counted so, without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/netlink.h>

#include "priv/sandbox.h"

struct fx {
	char root[64];
	struct sandbox_ids ids;
};

static int setup(void **state)
{
	static struct fx f;

	if (geteuid() != 0)
		return 0;	/* each case skips */
	snprintf(f.root, sizeof(f.root), "/tmp/l2sec-sandbox-XXXXXX");
	if (!mkdtemp(f.root))
		return -1;
	/* nobody: every Debian system has it; l2secd's default is l2sec */
	if (sandbox_lookup("nobody", &f.ids) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f)
		rmdir(f->root);
	return 0;
}

enum act { ACT_STATUS, ACT_ALLOWED, ACT_SOCKET, ACT_OPEN, ACT_EXECVE, ACT_PTRACE, ACT_MMAP_EXEC };

/* What the child does once in the sandbox; it never returns. */
static void child_act(enum act a, int status_fd, int ep, int out)
{
	char buf[4096];
	struct epoll_event ev = { .events = EPOLLIN };
	struct timespec ts;
	struct tm tm;
	ssize_t n;
	uint8_t r[16];
	char *const argv[] = { "true", NULL };

	switch (a) {
	case ACT_STATUS:
		n = read(status_fd, buf, sizeof(buf));
		if (n > 0 && write(out, buf, (size_t)n) == n)
			_exit(0);
		_exit(4);
	case ACT_ALLOWED:
		/* the calls of the engine's loop, on descriptors it holds */
		if (getrandom(r, sizeof(r), 0) != sizeof(r) ||
		    clock_gettime(CLOCK_REALTIME, &ts) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, out, &ev) < 0 ||
		    epoll_wait(ep, &ev, 1, 0) < 0 || fcntl(out, F_GETFL) < 0 ||
		    write(out, "allowed", 7) != 7)
			_exit(4);
		free(malloc(1 << 20));	/* mmap without PROT_EXEC */
		/* a local time for a log line: the zone was read before the chroot */
		if (!localtime_r(&ts.tv_sec, &tm) || !strftime(buf, sizeof(buf), "%F %T %Z", &tm))
			_exit(4);
		_exit(0);
	default:
		break;
	}
	/* the forbidden call is reached: what kills the child is that call */
	if (write(out, "reached", 7) != 7)
		_exit(4);
	switch (a) {
	case ACT_SOCKET:
		socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
		break;
	case ACT_OPEN:
		open("/etc/passwd", O_RDONLY);
		break;
	case ACT_EXECVE:
		execve("/bin/true", argv, argv + 1);
		break;
	case ACT_PTRACE:
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		break;
	case ACT_MMAP_EXEC:
		mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	default:
		break;
	}
	_exit(3);	/* the forbidden call returned */
}

/*
 * Fork a child that enters the sandbox and does a; its output (at most
 * len - 1 octets, NUL-terminated) into out, its wait status returned.
 */
static int run(const struct fx *f, enum act a, char *outbuf, size_t len)
{
	int p[2], st = 0, sfd, ep;
	const char *step = NULL;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		sfd = open("/proc/self/status", O_RDONLY);
		ep = epoll_create1(0);
		if (sfd < 0 || ep < 0)
			_exit(5);
		if (sandbox_enter(&f->ids, f->root, &step) < 0) {
			dprintf(p[1], "sandbox_enter: %s: %s", step, strerror(errno));
			_exit(2);
		}
		child_act(a, sfd, ep, p[1]);
	}
	close(p[1]);
	while (got + 1 < len && (n = read(p[0], outbuf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	outbuf[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/* The value after "Key:" in a /proc status text, NULL when absent. */
static const char *field(const char *text, const char *key, char *val, size_t len)
{
	const char *p = strstr(text, key);
	size_t i = 0;

	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	while (*p && *p != '\n' && i + 1 < len)
		val[i++] = *p++;
	val[i] = '\0';
	return val;
}

#define NEED_ROOT() do { if (!*state) { skip(); return; } } while (0)

static void test_status(void **state)
{
	char out[4096], v[128], want[64];
	struct fx *f;
	int st;

	NEED_ROOT();
	f = *state;
	st = run(f, ACT_STATUS, out, sizeof(out));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", f->ids.uid, f->ids.uid, f->ids.uid,
		 f->ids.uid);
	assert_string_equal(field(out, "\nUid:", v, sizeof(v)), want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", f->ids.gid, f->ids.gid, f->ids.gid,
		 f->ids.gid);
	assert_string_equal(field(out, "\nGid:", v, sizeof(v)), want);
	assert_string_equal(field(out, "\nGroups:", v, sizeof(v)), "");
	assert_string_equal(field(out, "\nCapInh:", v, sizeof(v)), "0000000000000000");
	assert_string_equal(field(out, "\nCapPrm:", v, sizeof(v)), "0000000000000000");
	assert_string_equal(field(out, "\nCapEff:", v, sizeof(v)), "0000000000000000");
	assert_string_equal(field(out, "\nCapBnd:", v, sizeof(v)), "0000000000000000");
	assert_string_equal(field(out, "\nCapAmb:", v, sizeof(v)), "0000000000000000");
	assert_string_equal(field(out, "\nNoNewPrivs:", v, sizeof(v)), "1");
	assert_string_equal(field(out, "\nSeccomp:", v, sizeof(v)), "2");
	assert_non_null(field(out, "\nSeccomp_filters:", v, sizeof(v)));
	assert_string_equal(v, "1");
}

static void test_allowed(void **state)
{
	char out[64];
	int st;

	NEED_ROOT();
	st = run(*state, ACT_ALLOWED, out, sizeof(out));
	assert_string_equal(out, "allowed");
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void expect_sigsys(void **state, enum act a)
{
	char out[256];
	int st;

	NEED_ROOT();
	st = run(*state, a, out, sizeof(out));
	assert_string_equal(out, "reached");	/* in the sandbox, up to the call */
	if (!WIFSIGNALED(st))
		fail_msg("child exited with %d, not killed", WEXITSTATUS(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void test_socket_netlink_killed(void **state)
{
	expect_sigsys(state, ACT_SOCKET);
}

static void test_open_killed(void **state)
{
	expect_sigsys(state, ACT_OPEN);
}

static void test_execve_killed(void **state)
{
	expect_sigsys(state, ACT_EXECVE);
}

static void test_ptrace_killed(void **state)
{
	expect_sigsys(state, ACT_PTRACE);
}

static void test_exec_mapping_killed(void **state)
{
	expect_sigsys(state, ACT_MMAP_EXEC);
}

/* Refused before anything changes: root, a shared or non-empty root directory. */
static void test_refusals(void **state)
{
	struct sandbox_ids ids = { 0 };
	const char *step = NULL;
	char dir[64], file[96];
	struct fx *f;
	int fd;

	NEED_ROOT();
	f = *state;
	assert_int_equal(sandbox_lookup("root", &ids), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(sandbox_lookup("no-such-user-l2sec-test", &ids), -1);
	assert_int_equal(sandbox_enter(&ids, f->root, &step), -1);	/* uid 0 */
	assert_int_equal(errno, EPERM);
	assert_string_equal(step, "user");
	snprintf(dir, sizeof(dir), "/tmp/l2sec-sandbox-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(sandbox_enter(&f->ids, dir, &step), -1);
	assert_int_equal(errno, EPERM);
	assert_string_equal(step, "root directory");
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(file, sizeof(file), "%s/x", dir);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sandbox_enter(&f->ids, dir, &step), -1);
	assert_int_equal(errno, ENOTEMPTY);
	assert_string_equal(step, "root directory");
	unlink(file);
	rmdir(dir);
	/* still root, still outside any chroot */
	assert_int_equal(geteuid(), 0);
	assert_int_equal(access("/proc/self/status", R_OK), 0);
}

/*
 * The engine's user missing or root: one line that says what to do, for
 * `l2secd -n` and the start alike (no fallback to one process). Needs no root.
 */
static void test_user_check(void **state)
{
	struct sandbox_ids ids = { 0 };
	char msg[320];

	(void)state;
	memset(msg, 0, sizeof(msg));
	assert_int_equal(sandbox_user_check("no-such-user-l2sec-test", &ids, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "engine-user 'no-such-user-l2sec-test' does not exist"));
	assert_non_null(strstr(msg, "systemd-sysusers"));
	assert_non_null(strstr(msg, "useradd --system"));
	assert_non_null(strstr(msg, "privsep = no"));
	assert_int_equal(sandbox_user_check("root", &ids, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "engine-user 'root' has uid or gid 0"));
	assert_non_null(strstr(msg, "privsep = no"));
	memset(msg, 0, sizeof(msg));
	assert_int_equal(sandbox_user_check("nobody", &ids, msg, sizeof(msg)), 0);
	assert_int_not_equal(ids.uid, 0);
	assert_string_equal(msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_socket_netlink_killed),
		cmocka_unit_test(test_open_killed),
		cmocka_unit_test(test_execve_killed),
		cmocka_unit_test(test_ptrace_killed),
		cmocka_unit_test(test_exec_mapping_killed),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_user_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
