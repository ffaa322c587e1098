// SPDX-License-Identifier: GPL-2.0
/* Buffered random octets, one buffer a process (rnd.h). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/rnd.h"
#include "core/util.h"

/* The page: zero in a forked child (MADV_WIPEONFORK), so left is 0 there too. */
struct rnd_page {
	size_t left;			/* octets not handed out, at the end of buf */
	unsigned char buf[RND_BUF];
};

static struct rnd_page *page;
static bool unbuffered;

static struct rnd_page *rnd_page(void)
{
	long size = sysconf(_SC_PAGESIZE);
	void *p;

	if (page || unbuffered)
		return page;
	if (size < (long)sizeof(struct rnd_page))
		size = sizeof(struct rnd_page);
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		unbuffered = true;
		return NULL;
	}
	if (madvise(p, (size_t)size, MADV_WIPEONFORK) < 0) {
		munmap(p, (size_t)size);
		unbuffered = true;
		return NULL;
	}
	(void)madvise(p, (size_t)size, MADV_DONTDUMP);	/* best effort */
	page = p;
	return page;
}

bool rnd_buffered(void)
{
	return rnd_page() != NULL;
}

void rnd_bytes(void *buf, size_t len)
{
	struct rnd_page *p = len < RND_DIRECT_MIN ? rnd_page() : NULL;
	unsigned char *at;

	if (!p) {
		util_random(buf, len);
		return;
	}
	if (p->left < len) {	/* what is left is too short: drawn again, all of it */
		util_random(p->buf, sizeof(p->buf));
		p->left = sizeof(p->buf);
	}
	at = p->buf + sizeof(p->buf) - p->left;
	memcpy(buf, at, len);
	explicit_bzero(at, len);
	p->left -= len;
}
