/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datagrams in batches: one recvmmsg() takes up to RXBATCH_MAX datagrams off
 * a UDP socket, each with its source address and its control messages (the
 * owner's: IP_PKTINFO, SO_RCVMARK; and the socket's drop count), and hands
 * them one by one to the owner's function. A system call per batch instead
 * of one per datagram, and the batch is bounded, so that one busy socket
 * cannot keep the event loop from the others.
 *
 * What is not handed on is counted: a datagram longer than RXBATCH_DATA
 * (truncated by the kernel; no L2TP message or PPP frame the gateway takes
 * is that long), and what the kernel dropped at the socket itself (receive
 * buffer full, mostly): SO_RXQ_OVFL stamps each datagram with the socket's
 * drop count so far, so drops are counted when the next datagram arrives.
 * A datagram without control messages, or with a zero length, is handed on
 * like any other: judging it is the owner's job.
 *
 * Single-threaded (the event loop); the buffers are the batch's, reused by
 * the next call: the owner's function must not keep pointers into them.
 */
#ifndef L2SECD_RXBATCH_H
#define L2SECD_RXBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RXBATCH_MAX	64		/* datagrams per call, then others get a turn */
#define RXBATCH_DATA	8192		/* bytes a datagram may have; longer: dropped */
#define RXBATCH_CMSG	256		/* control message bytes per datagram */

struct rxbatch_stats {
	uint64_t datagrams;		/* received, whether handed on or not */
	uint64_t batches;		/* recvmmsg() calls that returned some */
	uint64_t truncated;		/* longer than RXBATCH_DATA: dropped */
	uint64_t socket_drops;		/* dropped by the kernel at the sockets (SO_RXQ_OVFL) */
	uint64_t errors;		/* recvmmsg() failures other than "nothing there" */
};

/* One socket's state: the kernel's drop count as last seen. */
struct rxbatch_sock {
	int fd;
	uint32_t drops_seen;
};

struct rxbatch;

/* One datagram: mh->msg_name its source, mh->msg_control its control messages. */
typedef void (*rxbatch_fn)(void *ctx, const struct msghdr *mh, uint8_t *data, size_t len);

struct rxbatch *rxbatch_new(void);
void rxbatch_free(struct rxbatch *b);

/*
 * Prepares fd: SO_RXQ_OVFL, and a receive buffer of rcvbuf bytes when not 0
 * (SO_RCVBUFFORCE, which needs CAP_NET_ADMIN, else SO_RCVBUF, which
 * net.core.rmem_max caps). Returns the buffer the kernel granted (bytes of
 * data, half what it accounts), or -1 (errno) when SO_RXQ_OVFL failed.
 */
int rxbatch_sock_setup(int fd, unsigned int rcvbuf);

/*
 * One batch from s: each datagram to fn, in order. Returns the number
 * received (0: none was there), or -1 on an error other than EAGAIN/EINTR
 * (errno; counted).
 */
int rxbatch_read(struct rxbatch *b, struct rxbatch_sock *s, rxbatch_fn fn, void *ctx);

const struct rxbatch_stats *rxbatch_stats(const struct rxbatch *b);

#endif
