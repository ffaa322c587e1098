/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's sandbox: what the unprivileged half of l2secd gives up, once,
 * after the parent handed it its file descriptors and before it reads a
 * packet (docs/ARCHITECTURE.md, "Two processes").
 *
 * sandbox_enter(), in this order, each step checked, no way back (the time
 * zone is read first, so that log time stamps need no file later):
 *   - chroot to an empty directory owned by root and writable by nobody
 *     else (the parent makes it), chdir /: no file of the host is reachable;
 *   - every capability out of the bounding and ambient sets;
 *   - setgroups(0), setresgid and setresuid to the engine's user (never
 *     uid or gid 0), then all of the effective, permitted and inheritable
 *     capabilities cleared with capset, and setuid(0) checked to fail;
 *   - PR_SET_DUMPABLE 0 (after the uid change, which resets it): no core
 *     file, no ptrace by the user, /proc/PID owned by root;
 *   - PR_SET_NO_NEW_PRIVS, and a seccomp filter (libseccomp) that allows
 *     what an epoll loop over descriptors it already holds needs:
 *     read/write and their vector forms, recvmsg/sendmsg/recvfrom/sendto
 *     (and the mmsg forms), accept4 (the control socket), getsockopt,
 *     epoll_wait/pwait/ctl, timerfd_settime/gettime, clock_gettime,
 *     getrandom, close, fcntl, memory (brk, mmap and mprotect without
 *     PROT_EXEC, munmap, mremap, madvise), signal return, masks and
 *     stack (sigaltstack, which the sanitizers' runtimes call), futex,
 *     getpid, exit, pwrite64 (the state file's records, l2tp_stale.h)
 *     and restart_syscall. Anything else (socket, open, execve, ptrace, ...)
 *     kills the process (SCMP_ACT_KILL_PROCESS, seen as SIGSYS), as does a
 *     system call of another architecture.
 *
 * The engine opens nothing after this: it logs through its stderr (a pipe
 * or the journal's socket the parent gave it), not syslog's socket.
 *
 * Profiling (tests/bench/profile-setup.sh): `make build/l2secd-profile` links
 * a second l2secd whose sandbox.c is compiled with L2SEC_SANDBOX_PROFILE, and
 * its sandbox_enter() refuses root's ids as above, then does nothing and says
 * so on stderr: valgrind runs the engine (mappings with PROT_EXEC, its dumps
 * written where the parent may). No configuration key, option or environment
 * variable does this; `make install` and the package install l2secd only.
 */
#ifndef L2SECD_SANDBOX_H
#define L2SECD_SANDBOX_H

#include <stdint.h>
#include <sys/types.h>

#define SANDBOX_DEFAULT_USER	"l2sec"		/* the Debian package creates it */
#define SANDBOX_DEFAULT_ROOT	"/var/empty"

struct sandbox_ids {
	uid_t uid;
	gid_t gid;
};

/* The user's ids (before the chroot: it reads /etc/passwd); -1 for root or unknown. */
int sandbox_lookup(const char *user, struct sandbox_ids *ids);

/*
 * sandbox_lookup for l2secd's engine-user (privsep = yes), what `l2secd -n`
 * and the start check: 0, or -1 with one line in msg (len bytes) saying what
 * is wrong and how to fix it (create the user as the package does, with
 * systemd-sysusers, or useradd; or privsep = no). There is no fallback to
 * one process.
 */
int sandbox_user_check(const char *user, struct sandbox_ids *ids, char *msg, size_t len);

/*
 * Enter the sandbox: 0, or -1 with errno and the step that failed in *step
 * (for the log). Root's ids and a root directory that is not as above are
 * refused before anything changes; after any later failure the caller must
 * exit, the process being part-way.
 */
int sandbox_enter(const struct sandbox_ids *ids, const char *root, const char **step);

#endif
