/* SPDX-License-Identifier: GPL-2.0 */
/*
 * privsep = yes (docs/ARCHITECTURE.md, "Two processes"): the privileged
 * parent's side of a running l2secd. privsep_start, after the data path is
 * open, opens the L2TP sockets, reads the users file, makes the checker and
 * starts the engine; privsep_signal takes the parent's signals (SIGCHLD: the
 * engine's end and its restart; SIGTERM, SIGINT: passed on, then exit;
 * SIGHUP: a new engine with the new configuration while no tunnel is up);
 * privsep_cleanup removes what the engine held. Single-threaded, on the
 * parent's event loop.
 */
#ifndef L2SECD_PRIVSEP_H
#define L2SECD_PRIVSEP_H

#include "server.h"

int privsep_start(struct l2secd *d);
void privsep_signal(struct l2secd *d, int signo);
/* l2sec.ko went away: the engine is told (it closes its tunnels). */
void privsep_datapath_lost(struct l2secd *d, const char *why);
void privsep_cleanup(struct l2secd *d);
/* The engine's copy of the parent's SA table, when the parent manages charon. */
struct ipsec *privsep_engine_ipsec(struct l2secd *d);
/* The engine's RADIUS client: the parent signs and verifies (priv/priv_radius.h). */
struct aaa *privsep_engine_aaa(struct l2secd *d);

#endif
