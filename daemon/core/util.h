/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the daemon's files: no state, header only. */
#ifndef L2SECD_UTIL_H
#define L2SECD_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/types.h>

/*
 * An error code read from a reply (netlink's nlmsgerr.error or NLMSG_DONE's
 * int, or the errno a library set from one) as a positive errno, 0 for none.
 * The kernel sends -errno with errno in 1..4095 (MAX_ERRNO), and some peers
 * send it positive; anything else, INT_MIN included (whose negation is
 * undefined), is EPROTO. Callers negate the result freely.
 */
#define L2SEC_MAX_ERRNO 4095
static inline int reply_errno(int e)
{
	if (e < 0 && e >= -L2SEC_MAX_ERRNO)
		return -e;
	if (e > 0 && e <= L2SEC_MAX_ERRNO)
		return e;
	return e ? EPROTO : 0;
}

/*
 * Fill buf from the kernel's random source (getrandom, blocking until it is
 * seeded, which is long done when a daemon runs). A failure aborts: challenges,
 * IDs and keys are never predictable.
 */
static inline void util_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t r;

	while (len) {
		r = getrandom(p, len, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += r;
		len -= (size_t)r;
	}
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* The value of hex digit C (either case), or -1. */
static inline int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

#endif
