/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When l2secd does not manage charon, the best it can know of an SA mark:
 * the marks the kernel's inbound ESP transport-mode SAs set on what they
 * decrypt (XFRMA_SET_MARK, charon's set_mark_in), each with the SA's peer
 * address. A copy of them, from a dump of the kernel's SAs (NETLINK_XFRM, in
 * the caller's namespace, CAP_NET_ADMIN), taken again at most once a second
 * when a mark is not in it and at least every 10 s (so an SA deleted counts
 * for at most that long). Bounded; single-threaded.
 */
#ifndef L2SECD_XFRM_MARKS_H
#define L2SECD_XFRM_MARKS_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/sa46.h"

struct xfrm_marks;

struct xfrm_marks *xfrm_marks_new(void);
void xfrm_marks_free(struct xfrm_marks *xm);

/* Whether an inbound ESP transport SA with peer src sets mark (refreshing as above). */
bool xfrm_marks_check(struct xfrm_marks *xm, uint32_t mark, const union sa46 *src,
		      uint64_t now_ms);

/* The parts, for the unit tests: one message of an SA dump into the copy being built... */
int xfrm_marks_parse(const struct nlmsghdr *nlh, void *xm);
/* ... which replaces the copy in force. */
void xfrm_marks_commit(struct xfrm_marks *xm, uint64_t now_ms);
/* Whether the copy in force has it (no refresh). */
bool xfrm_marks_has(const struct xfrm_marks *xm, uint32_t mark,
		    const union sa46 *src);

#endif
