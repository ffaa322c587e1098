// SPDX-License-Identifier: GPL-2.0
/* Memory given back once the sessions are gone (memtrim.h). */
#include <malloc.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/memtrim.h"
#include "core/util.h"

bool memtrim_due(struct memtrim_policy *p, unsigned int live, uint64_t now_ms)
{
	if (live > p->peak)
		p->peak = live;
	if (p->trimmed && now_ms - p->last_ms < MEMTRIM_INTERVAL_MS)
		return false;
	/* all gone, or fell to half or less of the peak by a good number */
	if (!(live == 0 && p->peak > 0) &&
	    (p->peak - live < MEMTRIM_MIN_DROP || live > p->peak / 2))
		return false;
	p->peak = live;
	p->trimmed = true;
	p->last_ms = now_ms;
	return true;
}

static void poll_cb(struct ev_timer *t)
{
	struct memtrim *m = container_of(t, struct memtrim, timer);

	if (memtrim_due(&m->policy, m->live(m->ctx), evloop_now(m->loop))) {
		malloc_trim(0);
		if (m->release)
			m->release(m->ctx);
		m->trims++;
	}
	ev_timer_arm(m->loop, &m->timer, MEMTRIM_POLL_MS);
}

int memtrim_start(struct memtrim *m, struct evloop *loop, unsigned int (*live)(void *ctx),
		  void (*release)(void *ctx), void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->loop = loop;
	m->live = live;
	m->release = release;
	m->ctx = ctx;
	ev_timer_init(&m->timer, poll_cb);
	return ev_timer_arm(loop, &m->timer, MEMTRIM_POLL_MS);
}

void memtrim_stop(struct memtrim *m)
{
	if (m->loop)
		ev_timer_cancel(m->loop, &m->timer);
}

int memtrim_no_huge_pages(void)
{
	return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
}

static bool page_zero(const unsigned char *p, size_t len)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;

	for (size_t i = 0; i < len / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/* madvise the zero pages [from, to) in one call; the bytes given back */
static size_t give_back(uintptr_t from, uintptr_t to)
{
	return to > from && madvise((void *)from, to - from, MADV_DONTNEED) == 0 ? to - from : 0;
}

size_t memtrim_zero_pages(void *p, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), done = 0;
	uintptr_t a = ((uintptr_t)p + pg - 1) & ~(uintptr_t)(pg - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(uintptr_t)(pg - 1);
	uintptr_t run = a;	/* the zero pages from run to a, not given back yet */

	for (; a + pg <= end; a += pg) {
		if (page_zero((const unsigned char *)a, pg))
			continue;
		done += give_back(run, a);
		run = a + pg;
	}
	return done + give_back(run, a);
}
