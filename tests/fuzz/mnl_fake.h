/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake netlink socket for the fuzz targets of the daemon's netlink
 * clients (kern.c: generic netlink to l2sec.ko; ipsec_xfrm.c: NETLINK_XFRM).
 * The targets are linked with -Wl,--wrap for libmnl's socket calls (see
 * the Makefile): requests are recorded here, and each reply is the next
 * record of the fuzz input:
 *
 *   [flags][len hi][len lo][len octets]
 *     flags bit 0: set every message's nlmsg_seq and nlmsg_pid in the
 *                  record to the last request's and the socket's, so
 *                  that the parser gets past its sequence check
 *     flags bit 1: the receive fails instead (errno from the first octet)
 *     flags bit 2: with mf.raw_ok (set by the target after mnl_fake_start),
 *                  the record is delivered as it is, unframed (see frame())
 *
 * When the input is used up every receive fails (ENOBUFS), which ends any
 * read loop. A reply delivered to a heap buffer has the rest of the buffer
 * poisoned (ASan) until the next receive or mnl_fake_unpoison(), so that a
 * read past what the "kernel" sent shows.
 */
#ifndef L2SEC_FUZZ_MNL_FAKE_H
#define L2SEC_FUZZ_MNL_FAKE_H

#include <errno.h>
#include <libmnl/libmnl.h>
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MNL_FAKE_PORTID 4242u

struct mnl_fake {
	const uint8_t *data;
	size_t size, pos;
	unsigned int opened, closed;
	bool fail_open, fail_bind;
	bool poison;			/* the caller's receive buffers are heap memory */
	bool raw_ok;			/* the target takes unframed replies (flags bit 2) */
	uint32_t seq;			/* of the last request */
	uint16_t type;			/* of the last request */
	_Alignas(8) uint8_t req[65536];	/* the last request */
	size_t req_len;
	void *rbuf;			/* the last receive buffer, poisoned past the reply */
	size_t rbuf_size;
};

static struct mnl_fake mf;
static char mf_sock;			/* the one socket's handle */
static void (*mf_on_send)(void);	/* the target's look at each request (mf.req) */

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags);
int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid);
unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl);
int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type, void *buf,
				 socklen_t len);
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *buf, size_t len);
/*
 * What the kernel's netlink core guarantees, whatever a module does, is
 * kept: every message is framed inside its datagram (one longer than what
 * is left is cut to it here) and an ack carries 0 or a -errno. (libmnl's
 * mnl_nlmsg_ok() compares (int)nlmsg_len, so a length of 2^31 or more
 * would pass it and send the parser past the buffer; only a kernel bug could
 * send one; so could an error of INT_MIN, whose negation is undefined.)
 * A target whose parser must stand even that sets mf.raw_ok: its inputs
 * then choose per record (@raw) whether lengths and errors are left as they
 * are.  Optionally the sequence number and port ID are made right.
 */
static inline void frame(uint8_t *buf, size_t len, bool fix_seq, bool raw)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *m = (struct nlmsghdr *)(buf + off);

		if (m->nlmsg_len < sizeof(*m))
			break;
		if (raw) {
			if (fix_seq) {
				m->nlmsg_seq = mf.seq;
				m->nlmsg_pid = MNL_FAKE_PORTID;
			}
			if (m->nlmsg_len > len - off)
				break;
			off += MNL_ALIGN(m->nlmsg_len);
			if (off > len)
				break;
			continue;
		}
		if (m->nlmsg_len > len - off)
			m->nlmsg_len = (uint32_t)(len - off);
		/* an ack's error is 0 or a -errno (netlink_ack) */
		if (m->nlmsg_type == NLMSG_ERROR && m->nlmsg_len >= sizeof(*m) + sizeof(int)) {
			int *err = (int *)(m + 1);

			if (*err < -4095 || *err > 0)
				*err = -EPROTO;
		}
		if (fix_seq) {
			m->nlmsg_seq = mf.seq;
			m->nlmsg_pid = MNL_FAKE_PORTID;
		}
		off += MNL_ALIGN(m->nlmsg_len);
		if (off > len)
			break;
	}
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t bufsiz);
int __wrap_mnl_socket_close(struct mnl_socket *nl);

static inline void mnl_fake_unpoison(void)
{
	if (mf.rbuf)
		ASAN_UNPOISON_MEMORY_REGION(mf.rbuf, mf.rbuf_size);
	mf.rbuf = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

/*
 * Start on a new input: config (bit 0: the socket cannot be opened, bit 1:
 * not bound), then data. poison: receive buffers are heap memory of the
 * caller's.
 */
static inline void mnl_fake_start(uint8_t config, const uint8_t *data, size_t size, bool poison)
{
	memset(&mf, 0, offsetof(struct mnl_fake, req));
	mf.data = data;
	mf.size = size;
	mf.poison = poison;
	mf.fail_open = config & 1;
	mf.fail_bind = config & 2;
	mf.req_len = 0;
	mf.rbuf = NULL;
}

/* The next octet of the input (0 past its end). */
static inline uint8_t mnl_fake_byte(void)
{
	return mf.pos < mf.size ? mf.data[mf.pos++] : 0;
}

static inline bool mnl_fake_more(void)
{
	return mf.pos < mf.size;
}

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	(void)bus; (void)flags;
	if (mf.fail_open) {
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	mf.opened++;
	return (struct mnl_socket *)&mf_sock;
}

int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid)
{
	(void)groups; (void)pid;
	CHECK(nl == (struct mnl_socket *)&mf_sock);
	if (mf.fail_bind) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl)
{
	CHECK(nl == (const struct mnl_socket *)&mf_sock);
	return MNL_FAKE_PORTID;
}

int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type, void *buf,
				 socklen_t len)
{
	(void)type; (void)buf; (void)len;
	CHECK(nl == (const struct mnl_socket *)&mf_sock);
	return 0;
}

/* A request: one well-formed netlink message, kept for the target's oracles. */
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;

	CHECK(nl == (const struct mnl_socket *)&mf_sock);
	CHECK(len >= sizeof(*nlh) && len <= sizeof(mf.req) && nlh->nlmsg_len == len);
	CHECK(nlh->nlmsg_flags & NLM_F_REQUEST);
	memcpy(mf.req, buf, len);
	mf.req_len = len;
	mf.seq = nlh->nlmsg_seq;
	mf.type = nlh->nlmsg_type;
	if (mf_on_send)
		mf_on_send();
	return (ssize_t)len;
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t bufsiz)
{
	uint8_t flags;
	size_t len;

	CHECK(nl == (const struct mnl_socket *)&mf_sock);
	mnl_fake_unpoison();
	if (mf.pos + 3 > mf.size) {
		mf.pos = mf.size;
		errno = ENOBUFS;
		return -1;
	}
	flags = mf.data[mf.pos];
	len = (size_t)(mf.data[mf.pos + 1] << 8 | mf.data[mf.pos + 2]);
	mf.pos += 3;
	if (len > mf.size - mf.pos)
		len = mf.size - mf.pos;
	if (flags & 2) {
		errno = len ? mf.data[mf.pos] % 134 + 1 : EINTR;
		mf.pos += len;
		return -1;
	}
	if (len > bufsiz)
		len = bufsiz;	/* a datagram socket truncates */
	memcpy(buf, mf.data + mf.pos, len);
	mf.pos += len;
	frame(buf, len, flags & 1, mf.raw_ok && (flags & 4));
	if (mf.poison && len < bufsiz) {
		mf.rbuf = buf;
		mf.rbuf_size = bufsiz;
		ASAN_POISON_MEMORY_REGION((uint8_t *)buf + len, bufsiz - len);
	}
	return (ssize_t)len;
}

int __wrap_mnl_socket_close(struct mnl_socket *nl)
{
	CHECK(nl == (struct mnl_socket *)&mf_sock);
	mnl_fake_unpoison();
	mf.closed++;
	return 0;
}

#endif
