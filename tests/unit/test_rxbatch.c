// SPDX-License-Identifier: GPL-2.0
/*
 * Datagrams in batches (core/rxbatch.c), over real UDP sockets on the
 * loopback device: a batch with a datagram too long, one of zero bytes and
 * ordinary ones around them; the control messages of each datagram its own;
 * a socket without control messages; and the kernel's drops at a full
 * receive buffer, counted when the next datagram comes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/rxbatch.h"

struct seen {
	unsigned int n;
	size_t len[RXBATCH_MAX];
	uint8_t first[RXBATCH_MAX];
	bool pktinfo[RXBATCH_MAX];
	uint16_t port[RXBATCH_MAX];
};

static void record(void *ctx, const struct msghdr *mh, uint8_t *data, size_t len)
{
	struct seen *s = ctx;
	const struct sockaddr_in *from = mh->msg_name;

	assert_true(s->n < RXBATCH_MAX);
	s->len[s->n] = len;
	s->first[s->n] = len ? data[0] : 0;
	s->port[s->n] = ntohs(from->sin_port);
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR((struct msghdr *)mh, cm))
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO)
			s->pktinfo[s->n] = true;
	s->n++;
}

/* A bound receiving socket on 127.0.0.1 (its address in *a) and a sender. */
static void sockets(int *rx, int *tx, struct sockaddr_in *a, bool pktinfo)
{
	socklen_t alen = sizeof(*a);
	int one = 1;

	*rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	*tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(*rx >= 0 && *tx >= 0);
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*rx, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(getsockname(*rx, (struct sockaddr *)a, &alen), 0);
	if (pktinfo)
		assert_int_equal(setsockopt(*rx, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), 0);
}

static void send_one(int tx, const struct sockaddr_in *a, uint8_t first, size_t len)
{
	static uint8_t buf[RXBATCH_DATA + 100];

	memset(buf, first, sizeof(buf));
	assert_int_equal(sendto(tx, buf, len, 0, (const struct sockaddr *)a, sizeof(*a)),
			 (ssize_t)len);
}

static void test_batch_truncated_and_empty(void **state)
{
	struct rxbatch *b = rxbatch_new();
	struct rxbatch_sock s = { 0 };
	const struct rxbatch_stats *st = rxbatch_stats(b);
	struct sockaddr_in a;
	struct seen seen = { 0 };
	int tx;

	(void)state;
	assert_non_null(b);
	sockets(&s.fd, &tx, &a, true);
	assert_true(rxbatch_sock_setup(s.fd, 0) > 0);
	send_one(tx, &a, 1, 100);
	send_one(tx, &a, 2, RXBATCH_DATA + 1);		/* too long */
	send_one(tx, &a, 3, 0);				/* empty */
	send_one(tx, &a, 4, RXBATCH_DATA);		/* the longest there is room for */
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 4);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.len[0], 100);
	assert_int_equal(seen.first[0], 1);
	assert_int_equal(seen.len[1], 0);
	assert_int_equal(seen.len[2], RXBATCH_DATA);
	assert_int_equal(seen.first[2], 4);
	for (unsigned int i = 0; i < seen.n; i++) {
		assert_true(seen.pktinfo[i]);
		assert_int_not_equal(seen.port[i], 0);
	}
	assert_int_equal(st->datagrams, 4);
	assert_int_equal(st->truncated, 1);
	assert_int_equal(st->batches, 1);
	assert_int_equal(st->socket_drops, 0);
	/* nothing left: 0, not an error */
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 0);
	assert_int_equal(st->errors, 0);
	assert_int_equal(st->batches, 1);
	/* the entries the last batch used are whole again for the next */
	memset(&seen, 0, sizeof(seen));
	send_one(tx, &a, 5, 60);
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.len[0], 60);
	assert_true(seen.pktinfo[0]);
	close(s.fd);
	close(tx);
	rxbatch_free(b);
}

/* More waiting than a batch holds: RXBATCH_MAX now, the rest at the next call. */
static void test_batch_bounded(void **state)
{
	struct rxbatch *b = rxbatch_new();
	struct rxbatch_sock s = { 0 };
	struct sockaddr_in a;
	struct seen seen = { 0 };
	int tx;

	(void)state;
	sockets(&s.fd, &tx, &a, false);
	assert_true(rxbatch_sock_setup(s.fd, 1 << 20) > 0);
	for (unsigned int i = 0; i < RXBATCH_MAX + 3; i++)
		send_one(tx, &a, (uint8_t)i, 20);
	assert_int_equal(rxbatch_read(b, &s, record, &seen), RXBATCH_MAX);
	assert_int_equal(seen.first[RXBATCH_MAX - 1], RXBATCH_MAX - 1);
	/* no IP_PKTINFO asked for: handed on without it */
	assert_false(seen.pktinfo[0]);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 3);
	assert_int_equal(seen.first[0], RXBATCH_MAX);
	close(s.fd);
	close(tx);
	rxbatch_free(b);
}

/* A full receive buffer: what the kernel dropped is counted at the next datagram. */
static void test_socket_drops_counted(void **state)
{
	struct rxbatch *b = rxbatch_new();
	struct rxbatch_sock s = { 0 };
	const struct rxbatch_stats *st = rxbatch_stats(b);
	struct sockaddr_in a;
	struct seen seen;
	unsigned int sent = 200, got = 0;
	int tx, n, small = 1;

	(void)state;
	sockets(&s.fd, &tx, &a, true);
	/* the smallest buffer the kernel allows: a few datagrams */
	assert_int_equal(setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	assert_true(rxbatch_sock_setup(s.fd, 0) > 0);
	for (unsigned int i = 0; i < sent; i++)
		send_one(tx, &a, 7, 200);
	do {
		memset(&seen, 0, sizeof(seen));
		n = rxbatch_read(b, &s, record, &seen);
		assert_true(n >= 0);
		got += (unsigned int)n;
	} while (n > 0);
	assert_true(got > 0 && got < sent);
	send_one(tx, &a, 8, 200);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 1);
	assert_int_equal(st->socket_drops, sent - got);
	/* counted once: a later datagram with the same count adds nothing */
	send_one(tx, &a, 9, 200);
	assert_int_equal(rxbatch_read(b, &s, record, &seen), 1);
	assert_int_equal(st->socket_drops, sent - got);
	close(s.fd);
	close(tx);
	rxbatch_free(b);
}

/* Asked for more than net.core.rmem_max: granted at least as much as root may force. */
static void test_rcvbuf(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), got;

	(void)state;
	assert_true(fd >= 0);
	got = rxbatch_sock_setup(fd, 32u << 20);
	assert_true(got > 0);
	if (geteuid() == 0)
		assert_int_equal(got, 32 << 20);	/* SO_RCVBUFFORCE */
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_truncated_and_empty),
		cmocka_unit_test(test_batch_bounded),
		cmocka_unit_test(test_socket_drops_counted),
		cmocka_unit_test(test_rcvbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
