// SPDX-License-Identifier: GPL-2.0
/* The PID file and its lock; see pidfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/pidfile.h"

#define RETRIES 3

/*
 * Who holds the lock on fd: the PID it wrote (open file description locks
 * do not tell), 0 when it cannot be told (it has not written it yet).
 */
static pid_t lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return pid > 0 && pid <= INT_MAX && *end == '\n' ? (pid_t)pid : 0;
}

/* fd is still the file at path (not unlinked by an l2secd stopping meanwhile)? */
static int still_linked(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* One try: 0 locked, -1 failed (errno), 1 lost a race with an unlink: try again. */
static int try_lock(const char *path, int *out, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO planted here must not hang the start */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		if (errno == EACCES || errno == EAGAIN) {
			*holder = lock_holder(fd);
			errno = EWOULDBLOCK;
		}
		goto fail;
	}
	if (!still_linked(fd, path)) {
		close(fd);
		return 1;
	}
	if (write_pid(fd) < 0)
		goto fail;
	*out = fd;
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int pidfile_lock(const char *path, pid_t *holder)
{
	int fd = -1, r = 1;

	*holder = 0;
	for (int i = 0; i < RETRIES && r == 1; i++)
		r = try_lock(path, &fd, holder);
	if (r == 1) {
		errno = EWOULDBLOCK;
		return -1;
	}
	return r < 0 ? -1 : fd;
}

void pidfile_release(int fd, const char *path)
{
	if (fd < 0)
		return;
	/* unlinked while still locked: a new l2secd never locks a dying file */
	unlink(path);
	close(fd);
}
