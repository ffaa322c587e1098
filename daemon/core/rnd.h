/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random octets for IDs and challenges (tunnel and session IDs, LCP's magic
 * number, CHAP's identifiers and challenges), drawn from a small buffer that
 * one getrandom refills when it runs dry, so that a setup does not pay a
 * system call for each of them (docs/PERFORMANCE.md: 5 calls a setup in the
 * engine, 1 in the parent).
 *
 * Each process has its own: the buffer is a page of its own mapped with
 * MADV_WIPEONFORK, which a fork (the engine is the parent's fork) gives to
 * the child zeroed, its count of octets left included, so that the child
 * refills it and never hands out what its parent will (or did). Octets handed
 * out are wiped from it, and the page is left out of core dumps. Where the
 * kernel has no MADV_WIPEONFORK (before 4.14) nothing is buffered: every
 * call is a getrandom, as util_random. Longer requests (keys, seeds) than
 * RND_DIRECT_MIN go straight to util_random too.
 *
 * Single-threaded, as the daemon is.
 */
#ifndef L2SECD_RND_H
#define L2SECD_RND_H

#include <stdbool.h>
#include <stddef.h>

#define RND_BUF		512	/* octets a refill draws */
#define RND_DIRECT_MIN	64	/* requests this long or longer are not buffered */

/* Fill buf with len random octets (a failure of the kernel's source aborts). */
void rnd_bytes(void *buf, size_t len);

/* Whether this process draws through the buffer (false: no MADV_WIPEONFORK). */
bool rnd_buffered(void);

#endif
