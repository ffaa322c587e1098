// SPDX-License-Identifier: GPL-2.0
/*
 * The control messages of a received L2TP datagram, as l2secd's own IPsec
 * check reads them (rxcheck_parse): any bytes as the control buffer recvmsg filled, in
 * a buffer of the daemon's size (256 octets) whose rest holds stale bytes,
 * with message lengths as the kernel writes them (see kernel_len).
 *
 * Oracles besides the sanitizers: the mark and the local address found are
 * those of the last SO_MARK, IP_PKTINFO and IPV6_PKTINFO messages long
 * enough for their data and inside the buffer (a message cut short by
 * MSG_CTRUNC has stale bytes past the end), walked here independently of
 * glibc's CMSG_* macros; the peer's address and socket are left alone.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"
#include "l2tp/rxcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define CBUF 256
#define ALIGN(n) (((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define HDR sizeof(struct cmsghdr)

struct expect {
	uint32_t mark;
	sa_family_t family;
	uint8_t addr[16];
};

static void expect_one(const uint8_t *b, size_t off, struct expect *e)
{
	struct cmsghdr h;
	const uint8_t *d = b + off + ALIGN(HDR);

	memcpy(&h, b + off, HDR);
	if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SO_MARK && h.cmsg_len >= ALIGN(HDR) + 4) {
		memcpy(&e->mark, d, 4);
	} else if (h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_PKTINFO &&
		   h.cmsg_len >= ALIGN(HDR) + sizeof(struct in_pktinfo)) {
		e->family = AF_INET;
		memset(e->addr, 0, sizeof(e->addr));
		memcpy(e->addr, d + offsetof(struct in_pktinfo, ipi_addr), 4);
	} else if (h.cmsg_level == IPPROTO_IPV6 && h.cmsg_type == IPV6_PKTINFO &&
		   h.cmsg_len >= ALIGN(HDR) + sizeof(struct in6_pktinfo)) {
		e->family = AF_INET6;
		memcpy(e->addr, d + offsetof(struct in6_pktinfo, ipi6_addr), 16);
	}
}

/*
 * The kernel writes each cmsg_len as CMSG_LEN of the data it had (put_cmsg),
 * beyond the buffer only for a truncated last message (MSG_CTRUNC): lengths
 * are kept below CBUF + 64 here. (One near SIZE_MAX would make glibc's
 * CMSG_NXTHDR wrap around to the same message, for ever.)
 */
static void kernel_len(uint8_t *b, size_t off)
{
	struct cmsghdr h;

	memcpy(&h, b + off, HDR);
	h.cmsg_len %= CBUF + 64;
	memcpy(b + off, &h, HDR);
}

/*
 * The messages glibc's CMSG_FIRSTHDR/CMSG_NXTHDR visit (the first one, then
 * each next one whose header fits the buffer), of which those that fit the
 * buffer whole count. (glibc before 2.37 also stops at a next message that
 * does not fit whole: the same messages count.)
 */
static void walk(uint8_t *b, size_t len, struct expect *e)
{
	size_t off = 0;

	while (len - off >= HDR) {
		struct cmsghdr h;

		kernel_len(b, off);
		memcpy(&h, b + off, HDR);
		if (h.cmsg_len > len - off)
			return;	/* cut short: the walk ends with it */
		expect_one(b, off, e);
		if (h.cmsg_len < HDR || ALIGN(h.cmsg_len) > len - off)
			return;
		off += ALIGN(h.cmsg_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union {
		uint8_t b[CBUF];
		struct cmsghdr align;
	} cbuf;
	struct l2tp_peer peer, before;
	struct expect e = { 0 };
	struct msghdr mh = { 0 };
	struct rxcheck_meta meta;

	if (size < 1)
		return 0;
	/* the first octet: the stale bytes; the rest the control buffer */
	memset(cbuf.b, data[0], sizeof(cbuf.b));
	size--;
	if (size > CBUF)
		size = CBUF;
	memcpy(cbuf.b, data + 1, size);
	mh.msg_control = cbuf.b;
	mh.msg_controllen = size;
	memset(&peer, 0, sizeof(peer));
	peer.sock = 3;
	((struct sockaddr_in *)&peer.addr)->sin_family = AF_INET;
	before = peer;
	walk(cbuf.b, size, &e);
	rxcheck_parse(&mh, &peer, &meta);
	CHECK(peer.mark == e.mark && peer.sock == before.sock);
	CHECK(!memcmp(&peer.addr, &before.addr, sizeof(peer.addr)));
	CHECK(peer.local.sa.sa_family == e.family);
	if (e.family == AF_INET)
		CHECK(!memcmp(&((struct sockaddr_in *)&peer.local)->sin_addr, e.addr, 4));
	else if (e.family == AF_INET6)
		CHECK(!memcmp(&((struct sockaddr_in6 *)&peer.local)->sin6_addr, e.addr, 16));
	return 0;
}
