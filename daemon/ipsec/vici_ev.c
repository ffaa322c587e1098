// SPDX-License-Identifier: GPL-2.0
/* VICI client on the daemon's event loop; see vici_ev.h. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/log.h"
#include "core/util.h"
#include "ipsec/vici_ev.h"

static void io_cb(struct ev_io *io, uint32_t events)
{
	struct vici_ev *ev = container_of(io, struct vici_ev, io);

	/* Spurious calls (a stale event of a closed socket) are harmless:
	 * the client checks its own descriptor and treats EAGAIN as nothing. */
	if (events & EPOLLOUT)
		vici_on_writable(ev->client);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		vici_on_readable(ev->client);
}

static void timer_cb(struct ev_timer *t)
{
	struct vici_ev *ev = container_of(t, struct vici_ev, timer);

	vici_on_timer(ev->client);
}

static void io_off(struct vici_ev *ev)
{
	if (!ev->io_on)
		return;
	evloop_del_io(ev->loop, &ev->io);
	ev->io_on = false;
}

/* Make the loop's registrations match what the client wants now. */
static void watch_cb(void *ctx, int closing_fd)
{
	struct vici_ev *ev = ctx;
	int fd = vici_fd(ev->client), to;
	uint32_t events;

	if (closing_fd >= 0 && ev->io_on && ev->io.fd == closing_fd)
		io_off(ev);
	if (fd < 0 || (ev->io_on && ev->io.fd != fd))
		io_off(ev);
	if (fd >= 0) {
		events = EPOLLIN | (vici_want_write(ev->client) ? EPOLLOUT : 0);
		if (!ev->io_on) {
			if (evloop_add_io(ev->loop, &ev->io, fd, events, io_cb) == 0)
				ev->io_on = true;
			else
				log_err("vici: cannot watch the charon socket: %s",
					strerror(errno));
		} else if (events != ev->io_events &&
			   evloop_mod_io(ev->loop, &ev->io, events)) {
			log_err("vici: cannot update the charon socket watch: %s",
				strerror(errno));
		}
		ev->io_events = events;
	}
	to = vici_timeout(ev->client);
	if (to < 0) {
		ev_timer_cancel(ev->loop, &ev->timer);
	} else if (ev_timer_arm(ev->loop, &ev->timer, (uint64_t)to)) {
		/* Without the timer no reconnect happens: say so loudly. */
		log_err("vici: cannot arm the reconnect/answer timer");
	}
}

int vici_ev_attach(struct vici_ev *ev, struct evloop *loop, struct vici_client *c)
{
	memset(ev, 0, sizeof(*ev));
	ev->loop = loop;
	ev->client = c;
	ev->io.fd = -1;
	ev_timer_init(&ev->timer, timer_cb);
	vici_set_watch(c, watch_cb, ev);
	watch_cb(ev, -1);
	if (vici_fd(c) >= 0 && !ev->io_on)
		return -EIO;
	return 0;
}

void vici_ev_detach(struct vici_ev *ev)
{
	if (!ev->client)
		return;
	vici_set_watch(ev->client, NULL, NULL);
	io_off(ev);
	ev_timer_cancel(ev->loop, &ev->timer);
	ev->client = NULL;
}
