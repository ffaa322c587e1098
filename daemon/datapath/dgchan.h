/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datagram channel (privsep on the TUN data path): the parent reads the
 * L2TP sockets, keeps the data packets (tunpump.h) and hands what is the
 * engine's (control messages, PPP control frames, what no tunnel of its
 * table matches) to the engine over a SOCK_SEQPACKET socketpair, one
 * datagram per message: where it came from (the socket, the peer, our
 * address, the SA's mark and the arrival device, as rxcheck_parse reads
 * them from the socket's control messages) and the datagram itself. The
 * engine decodes strictly (one encoding per message) and hands it to the
 * same rxcheck and LNS input as a datagram read from the socket.
 */
#ifndef L2SECD_DGCHAN_H
#define L2SECD_DGCHAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/rxbatch.h"
#include "l2tp/l2tp_lns.h"
#include "l2tp/rxcheck.h"

#define DGCHAN_VERSION	1
#define DGCHAN_HDR	48
#define DGCHAN_MAX	(DGCHAN_HDR + RXBATCH_DATA)	/* the largest message */

/* Encodes into out (DGCHAN_MAX octets); its length, 0 when it cannot be (1..RXBATCH_DATA). */
size_t dgchan_encode(uint8_t *out, const struct l2tp_peer *peer, const struct rxcheck_meta *m,
		     const uint8_t *dg, size_t n);
/*
 * Sends one on the channel fd without blocking, encoded in buf (DGCHAN_MAX
 * octets): 0, or -1 when it is dropped (it cannot be encoded, the channel is
 * full or its other end gone), which the caller counts.
 */
int dgchan_send(int fd, uint8_t *buf, const struct l2tp_peer *peer, const struct rxcheck_meta *m,
		const uint8_t *dg, size_t n);
/* Decodes a message of n octets: 0, *dg pointing into msg; -1 when malformed. */
int dgchan_decode(const uint8_t *msg, size_t n, unsigned int n_socks, struct l2tp_peer *peer,
		  struct rxcheck_meta *m, const uint8_t **dg, size_t *dg_len);

#endif
