/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd's PID file, which is also its lock against a second l2secd on the
 * same runtime directory (which would take over the control socket): opened
 * with O_NOFOLLOW (a symlink planted in the runtime directory is refused, not
 * followed) and O_CLOEXEC, locked with an open file description lock
 * (F_OFD_SETLK: the kernel drops it however the process ends, and closing
 * some other descriptor of the file does not), and then holding our PID.
 * Keep the returned descriptor open while running.
 */
#ifndef L2SECD_PIDFILE_H
#define L2SECD_PIDFILE_H

#include <sys/types.h>

/*
 * Create or take over path, lock it and write our PID into it. Returns its
 * descriptor, or -1 with errno: EWOULDBLOCK when another process holds the
 * lock (*holder its PID, 0 when it cannot be told), ELOOP for a symlink,
 * EINVAL for something that is not a regular file.
 */
int pidfile_lock(const char *path, pid_t *holder);

/* Remove path and drop the lock (fd < 0: nothing to do). */
void pidfile_release(int fd, const char *path);

#endif
