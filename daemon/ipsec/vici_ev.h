/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drives a VICI client (vici.h) from the daemon's event loop (evloop.h):
 * one ev_io on the client's socket, EPOLLOUT only while it has something
 * to write, and one ev_timer for its reconnect backoff and answer timeout.
 * The client's watch callback keeps both in step, including across
 * reconnects where the new socket reuses the old descriptor number.
 *
 * Owned by the loop's thread. Attach after vici_new(); detach before
 * vici_free() or evloop_free().
 */
#ifndef L2SECD_VICI_EV_H
#define L2SECD_VICI_EV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "ipsec/vici.h"

struct vici_ev {
	struct evloop *loop;
	struct vici_client *client;
	struct ev_io io;
	bool io_on;		/* io is registered with the loop */
	uint32_t io_events;
	struct ev_timer timer;
};

/* Registers with the loop; the client may already be started. 0 or -errno. */
int vici_ev_attach(struct vici_ev *ev, struct evloop *loop, struct vici_client *c);
void vici_ev_detach(struct vici_ev *ev);

#endif
