// SPDX-License-Identifier: GPL-2.0
/* Datagrams in batches with recvmmsg(); see rxbatch.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/rxbatch.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

struct rxbatch {
	struct mmsghdr msgs[RXBATCH_MAX];
	struct iovec iov[RXBATCH_MAX];
	struct sockaddr_storage names[RXBATCH_MAX];
	union {
		char buf[RXBATCH_CMSG];
		struct cmsghdr align;
	} cmsg[RXBATCH_MAX];
	uint8_t data[RXBATCH_MAX][RXBATCH_DATA];
	unsigned int used;		/* entries the last call filled */
	struct rxbatch_stats st;
};

static void entry_init(struct rxbatch *b, unsigned int i)
{
	b->iov[i] = (struct iovec){ .iov_base = b->data[i], .iov_len = RXBATCH_DATA };
	b->msgs[i] = (struct mmsghdr){ .msg_hdr = {
		.msg_name = &b->names[i], .msg_namelen = sizeof(b->names[i]),
		.msg_iov = &b->iov[i], .msg_iovlen = 1,
		.msg_control = b->cmsg[i].buf, .msg_controllen = RXBATCH_CMSG,
	} };
}

struct rxbatch *rxbatch_new(void)
{
	/* ~540 KiB, most of it only touched by long datagrams */
	struct rxbatch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	for (unsigned int i = 0; i < RXBATCH_MAX; i++)
		entry_init(b, i);
	return b;
}

void rxbatch_free(struct rxbatch *b)
{
	free(b);
}

int rxbatch_sock_setup(int fd, unsigned int rcvbuf)
{
	int one = 1, v = (int)(rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : rcvbuf), got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0)
		return -1;
	if (v && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -1;
	return got / 2;	/* the kernel doubles it for its own overhead */
}

/* The socket's drop count in one datagram's control messages, if there. */
static bool drops_of(const struct msghdr *mh, uint32_t *drops)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		size_t off = (size_t)((char *)cm - (char *)mh->msg_control);

		if (cm->cmsg_len < sizeof(*cm) || cm->cmsg_len > mh->msg_controllen - off)
			return false;
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*drops))) {
			memcpy(drops, CMSG_DATA(cm), sizeof(*drops));
			return true;
		}
	}
	return false;
}

/* The count only grows (modulo 2^32): what it grew by since last seen. */
static void count_drops(struct rxbatch *b, struct rxbatch_sock *s, const struct msghdr *mh)
{
	uint32_t drops, delta;

	if (!drops_of(mh, &drops))
		return;
	delta = drops - s->drops_seen;
	if (delta && delta < UINT32_MAX / 2) {
		b->st.socket_drops += delta;
		s->drops_seen = drops;
	}
}

/* The kernel wrote lengths and flags into the entries it filled: those only. */
static void batch_reset(struct rxbatch *b)
{
	for (unsigned int i = 0; i < b->used; i++)
		entry_init(b, i);
	b->used = 0;
}

int rxbatch_read(struct rxbatch *b, struct rxbatch_sock *s, rxbatch_fn fn, void *ctx)
{
	int n;

	batch_reset(b);
	n = recvmmsg(s->fd, b->msgs, RXBATCH_MAX, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		b->st.errors++;
		return -1;
	}
	b->used = (unsigned int)n;
	if (n > 0)
		b->st.batches++;
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &b->msgs[i].msg_hdr;

		b->st.datagrams++;
		count_drops(b, s, mh);
		if (mh->msg_flags & MSG_TRUNC) {
			b->st.truncated++;
			continue;
		}
		fn(ctx, mh, b->data[i], b->msgs[i].msg_len);
	}
	return n;
}

const struct rxbatch_stats *rxbatch_stats(const struct rxbatch *b)
{
	return &b->st;
}
