/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory given back once the sessions are gone (issue 19). glibc keeps what
 * a process freed: the top of its heap goes back only while nothing lives
 * above it, and the pages between live blocks never do, so after N clients
 * came and went l2secd's processes stayed near their peak. And the parent's
 * fixed tables, sized from max-sessions, keep every page an entry once
 * touched. (Their growth while the clients went was transparent huge pages:
 * memtrim_no_huge_pages.)
 *
 * Each process (a single l2secd, the privsep parent, its engine) polls its
 * live count (tunnels and sessions) every MEMTRIM_POLL_MS from its event
 * loop. When it fell well below its peak since the last trim (to half or
 * less, by MEMTRIM_MIN_DROP at least; or to none), and the last trim is
 * MEMTRIM_INTERVAL_MS old, the process trims: malloc_trim(0) (the heap's top
 * and every free page inside it back to the kernel), and the caller's
 * release hook, which gives back the pages of its fixed tables that hold only
 * zeros (memtrim_zero_pages). Never per session, at most once every
 * MEMTRIM_INTERVAL_MS: a trim walks the heap's free blocks, and the next
 * sessions fault their pages in again.
 */
#ifndef L2SECD_MEMTRIM_H
#define L2SECD_MEMTRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evloop.h"

#define MEMTRIM_POLL_MS		1000
#define MEMTRIM_INTERVAL_MS	5000
#define MEMTRIM_MIN_DROP	64

/* The policy's state: a pure function of the counts and the time (memtrim_due). */
struct memtrim_policy {
	unsigned int peak;	/* the most live since the last trim */
	bool trimmed;		/* once at least: last_ms is its time */
	uint64_t last_ms;
};

/*
 * live now (tunnels and sessions) at now_ms: whether to trim now. Keeps the
 * peak; a true answer starts a new period (peak = live, last_ms = now_ms).
 */
bool memtrim_due(struct memtrim_policy *p, unsigned int live, uint64_t now_ms);

struct memtrim {
	struct memtrim_policy policy;
	struct evloop *loop;
	struct ev_timer timer;
	unsigned int (*live)(void *ctx);
	void (*release)(void *ctx);	/* NULL: none */
	void *ctx;
	uint64_t trims;			/* done so far */
};

/*
 * Poll live(ctx) on loop from now on; on a trim, malloc_trim(0) and then
 * release(ctx). m's earlier state (a forked copy's) is dropped. -1 when the
 * timer cannot be armed.
 */
int memtrim_start(struct memtrim *m, struct evloop *loop, unsigned int (*live)(void *ctx),
		  void (*release)(void *ctx), void *ctx);
void memtrim_stop(struct memtrim *m);

/*
 * No transparent huge pages for this process and the ones it forks (the
 * engine). With THP "always" (Debian's kernels), khugepaged fills a 2 MiB
 * range with a huge page once one of its pages is in use: the tables sized
 * from max-sessions, touched a page at a time as sessions come, grew by
 * 2 MiB steps (59-scale's parent: 10 -> 22 MiB of huge pages while 2,000
 * clients went), and the pages a trim gave back came back. Called once at
 * start; -1 (errno) when the kernel refuses.
 */
int memtrim_no_huge_pages(void);

/*
 * Give back the whole pages of [p, p + len) that hold only zeros
 * (MADV_DONTNEED: they read as zeros again, and take memory when written).
 * For a table whose empty entries are zeros; returns the bytes given back.
 */
size_t memtrim_zero_pages(void *p, size_t len);

#endif
