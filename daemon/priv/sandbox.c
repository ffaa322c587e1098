// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's sandbox (sandbox.h): chroot, user, capabilities, no_new_privs,
 * seccomp through libseccomp.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "priv/sandbox.h"

int sandbox_lookup(const char *user, struct sandbox_ids *ids)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		/* getpwnam(3): any of these may mean "no such user" (EPERM: not root's) */
		if (!errno || errno == ESRCH || errno == EBADF || errno == EPERM)
			errno = ENOENT;
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		errno = EPERM;	/* the point is not to be root */
		return -1;
	}
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	return 0;
}

int sandbox_user_check(const char *user, struct sandbox_ids *ids, char *msg, size_t len)
{
	if (sandbox_lookup(user, ids) == 0)
		return 0;
	if (errno == ENOENT)
		snprintf(msg, len, "privsep: engine-user '%s' does not exist: create it "
			 "(the l2sec package does, with systemd-sysusers; or useradd --system "
			 "--no-create-home --shell /usr/sbin/nologin %s), or set privsep = no "
			 "in [global] to run l2secd in one process", user, user);
	else if (errno == EPERM)
		snprintf(msg, len, "privsep: engine-user '%s' has uid or gid 0: name an "
			 "unprivileged user of its own (default l2sec), or set privsep = no "
			 "in [global]", user);
	else
		snprintf(msg, len, "privsep: engine-user '%s': cannot look it up: %s", user,
			 strerror(errno));
	return -1;
}

/* root: a directory of root's, writable by nobody else, with nothing in it. */
static int root_ok(const char *root)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int n = 0;

	if (lstat(root, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		errno = EPERM;
		return -1;
	}
	d = opendir(root);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n) {
		errno = ENOTEMPTY;
		return -1;
	}
	return 0;
}

/* Every capability out of the bounding set (needs CAP_SETPCAP: before the uid change). */
static int drop_bounding(void)
{
	for (int cap = 0;; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			return errno == EINVAL && cap > 0 ? 0 : -1;	/* past the last */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	}
}

/* Permitted, effective and inheritable: empty (the uid change cleared them; said again). */
static int clear_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

static int set_user(const struct sandbox_ids *ids)
{
	uid_t r, e, s;

	if (setgroups(0, NULL) < 0 || setresgid(ids->gid, ids->gid, ids->gid) < 0 ||
	    setresuid(ids->uid, ids->uid, ids->uid) < 0)
		return -1;
	if (getresuid(&r, &e, &s) < 0 || r != ids->uid || e != ids->uid || s != ids->uid) {
		errno = EPERM;
		return -1;
	}
	if (setuid(0) == 0) {	/* must be impossible now */
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* The system calls of an epoll loop over descriptors it holds (sandbox.h). */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(accept4), SCMP_SYS(getsockopt),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),
	SCMP_SYS(close), SCMP_SYS(fcntl),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(sigaltstack),
	SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(exit), SCMP_SYS(exit_group),
	/* l2secd's engine: its state file's records (l2tp_stale.c), a syscall restarted */
	SCMP_SYS(pwrite64), SCMP_SYS(restart_syscall),
};

static int load_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = -ENOMEM;

	if (!ctx)
		goto out;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(allowed); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* memory, never executable: no code can be mapped in */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

int sandbox_enter(const struct sandbox_ids *ids, const char *root, const char **step)
{
	*step = "user";
	if (ids->uid == 0 || ids->gid == 0) {
		errno = EPERM;	/* refused before anything changed */
		return -1;
	}
#ifdef L2SEC_SANDBOX_PROFILE
	/*
	 * build/l2secd-profile only (sandbox.h): valgrind cannot run the engine
	 * under the filter (its translations are PROT_EXEC mappings) nor write
	 * its dumps from the chroot as the engine's user. Never installed.
	 */
	(void)root;
	fprintf(stderr, "l2secd-profile: the engine is NOT sandboxed (a profiling build)\n");
	return 0;
#endif
	*step = "root directory";
	if (root_ok(root) < 0)
		return -1;
	tzset();	/* localtime() would open /etc/localtime later: a killing open */
	*step = "chroot";
	if (chroot(root) < 0 || chdir("/") < 0)
		return -1;
	*step = "capability bounding set";
	if (drop_bounding() < 0 || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	*step = "user";
	if (set_user(ids) < 0)
		return -1;
	*step = "capabilities";
	if (clear_caps() < 0)
		return -1;
	*step = "dumpable";
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	*step = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	*step = "seccomp";
	return load_filter();
}
