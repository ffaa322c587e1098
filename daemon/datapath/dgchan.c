// SPDX-License-Identifier: GPL-2.0
/* The parent's datagrams for the engine (dgchan.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"
#include "datapath/dgchan.h"
#include "datapath/tunpump.h"

#define F_MARK		0x01
#define F_PKTINFO	0x02
#define F_TRUNC		0x04

/* The reverse; false for a bad family or IPv4 octets past the fourth. */
static bool get_addr(const uint8_t *a, uint8_t fam, uint16_t port, union sa46 *sa)
{
	static const uint8_t zero[12];

	memset(sa, 0, sizeof(*sa));
	if (fam == 4) {
		if (memcmp(a + 4, zero, 12))
			return false;
		sa->sin.sin_family = AF_INET;
		memcpy(&sa->sin.sin_addr, a, 4);
		sa->sin.sin_port = htons(port);
		return true;
	}
	if (fam == 6) {
		sa->sin6.sin6_family = AF_INET6;
		memcpy(&sa->sin6.sin6_addr, a, 16);
		sa->sin6.sin6_port = htons(port);
		return true;
	}
	return fam == 0 && !memcmp(a, zero, 12) && !memcmp(a + 12, zero, 4) && !port;
}

size_t dgchan_encode(uint8_t *out, const struct l2tp_peer *peer, const struct rxcheck_meta *m,
		     const uint8_t *dg, size_t n)
{
	uint16_t port, lport;

	if (!n || n > RXBATCH_DATA || peer->sock < 0 || peer->sock > 255 || m->ifindex < 0)
		return 0;
	memset(out, 0, DGCHAN_HDR);
	out[0] = DGCHAN_VERSION;
	out[1] = (uint8_t)peer->sock;
	out[2] = (m->have_mark ? F_MARK : 0) | (m->have_pktinfo ? F_PKTINFO : 0) |
		 (m->truncated ? F_TRUNC : 0);
	out[3] = tunpump_addr(&peer->addr, out + 16, &port);
	out[6] = tunpump_addr(&peer->local, out + 32, &lport);
	if (!out[3])
		return 0;
	put_be16(out + 4, port);
	put_be32(out + 8, m->have_mark ? peer->mark : 0);
	put_be32(out + 12, (uint32_t)m->ifindex);
	memcpy(out + DGCHAN_HDR, dg, n);
	return DGCHAN_HDR + n;
}

int dgchan_send(int fd, uint8_t *buf, const struct l2tp_peer *peer, const struct rxcheck_meta *m,
		const uint8_t *dg, size_t n)
{
	size_t len = dgchan_encode(buf, peer, m, dg, n);

	if (!len || fd < 0)
		return -1;
	return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

int dgchan_decode(const uint8_t *msg, size_t n, unsigned int n_socks, struct l2tp_peer *peer,
		  struct rxcheck_meta *m, const uint8_t **dg, size_t *dg_len)
{
	uint32_t ifindex;

	if (n <= DGCHAN_HDR || n > DGCHAN_MAX || msg[0] != DGCHAN_VERSION || msg[1] >= n_socks ||
	    (msg[2] & ~(F_MARK | F_PKTINFO | F_TRUNC)) || msg[7])
		return -1;
	memset(peer, 0, sizeof(*peer));
	memset(m, 0, sizeof(*m));
	if ((msg[3] != 4 && msg[3] != 6) || !get_addr(msg + 16, msg[3], get_be16(msg + 4),
						       &peer->addr) ||
	    !get_addr(msg + 32, msg[6], 0, &peer->local))
		return -1;
	peer->sock = msg[1];
	m->have_mark = msg[2] & F_MARK;
	m->have_pktinfo = msg[2] & F_PKTINFO;
	m->truncated = msg[2] & F_TRUNC;
	peer->mark = get_be32(msg + 8);
	ifindex = get_be32(msg + 12);
	if ((!m->have_mark && peer->mark) || ifindex > INT32_MAX)
		return -1;
	m->ifindex = (int)ifindex;
	*dg = msg + DGCHAN_HDR;
	*dg_len = n - DGCHAN_HDR;
	return 0;
}
