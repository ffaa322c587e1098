// SPDX-License-Identifier: GPL-2.0
/* sd_notify(3) without libsystemd (see notify.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "core/notify.h"

#define NOTIFY_MAX 512		/* STATUS= text is cut to fit */

int notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len, mlen = strlen(msg);
	socklen_t slen;
	ssize_t n;
	int fd, err;

	if (!path || !path[0])
		return 0;
	len = strlen(path);
	/* a path or an abstract name; anything else (vsock:...) is not ours */
	if ((path[0] != '/' && path[0] != '@') || len < 2)
		return -EAFNOSUPPORT;
	if (len >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@') {
		/* abstract: a leading NUL, and the length says where it ends */
		sun.sun_path[0] = '\0';
		slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do {
		n = sendto(fd, msg, mlen, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sun,
			   slen);
	} while (n < 0 && errno == EINTR);
	err = n < 0 ? -errno : (size_t)n != mlen ? -EMSGSIZE : 1;
	close(fd);
	return err;
}

int notify_ready(void)
{
	return notify_send("READY=1");
}

int notify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000ULL);
	return notify_send(msg);
}

int notify_stopping(void)
{
	return notify_send("STOPPING=1");
}

int notify_status(const char *fmt, ...)
{
	char msg[NOTIFY_MAX];
	va_list ap;
	char *p;

	if (!getenv("NOTIFY_SOCKET"))
		return 0;
	memcpy(msg, "STATUS=", 7);
	va_start(ap, fmt);
	vsnprintf(msg + 7, sizeof(msg) - 7, fmt, ap);
	va_end(ap);
	for (p = msg + 7; (p = strpbrk(p, "\r\n")); )
		*p = ' ';
	return notify_send(msg);
}
