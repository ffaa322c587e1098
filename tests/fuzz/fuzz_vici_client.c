// SPDX-License-Identifier: GPL-2.0
/*
 * VICI client session: any bytes as the stream charon sends after the
 * client connected, registered child-updown and asked for "version".
 * Exercises framing, answer matching, event dispatch and the protocol-error
 * path; oracles: the sanitizers, a reply carries a message exactly when it
 * succeeded, and every request is completed exactly once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "ipsec/vici.h"
#include "ipsec/vici_sa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char path[108];
static int lfd = -1;
static int replies;

static void cleanup(void)
{
	if (lfd >= 0)
		close(lfd);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/l2sec-fuzz-vici-XXXXXX";

	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/charon.vici", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 8))
		abort();
	atexit(cleanup);
	return 0;
}

static void on_event(void *ctx, const char *name, const struct vici_node *msg)
{
	struct vici_sa_event ev;
	const char *why;

	vici_sa_parse(name, msg, &ev, &why);
}

static void on_reply(void *ctx, int err, const struct vici_node *res)
{
	if ((err == 0) != (res != NULL))
		abort();
	if (res)
		vici_reply_error(res);
	replies++;
}

/* Let the client send what it wants to and discard it on the server side. */
static void flush(struct vici_client *c, int sfd)
{
	char sink[4096];

	for (int i = 0; i < 8 && vici_is_up(c) && vici_want_write(c); i++)
		vici_on_writable(c);
	while (read(sfd, sink, sizeof(sink)) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_config cfg = { .path = path, .timeout_ms = 600000 };
	struct vici_client *c;
	size_t off = 0;
	int sfd;

	c = vici_new(&cfg, NULL, NULL);
	if (!c)
		abort();
	vici_subscribe(c, "child-updown", on_event, NULL);
	vici_start(c);
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0 || !vici_is_up(c))
		abort();
	fcntl(sfd, F_SETFL, O_NONBLOCK);
	replies = 0;
	if (vici_request(c, "version", NULL, on_reply, NULL))
		abort();
	flush(c, sfd);
	while (off < size && vici_is_up(c)) {
		ssize_t n = send(sfd, data + off, size - off, MSG_NOSIGNAL);

		if (n > 0)
			off += (size_t)n;
		vici_on_readable(c);
		flush(c, sfd);
		if (n <= 0 && errno != EAGAIN)
			break;
	}
	/* Whatever is still buffered in the socket. */
	for (int i = 0; i < 4 && vici_is_up(c); i++) {
		vici_on_readable(c);
		flush(c, sfd);
	}
	vici_free(c);
	close(sfd);
	if (replies != 1)
		abort();
	return 0;
}
