/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IPv4 or IPv6 socket address in 28 bytes: what a tunnel keeps of its
 * peer (struct l2tp_peer), where a struct sockaddr_storage took 128.
 *
 * The family says which member holds it: sa.sa_family AF_INET (sin),
 * AF_INET6 (sin6) or AF_UNSPEC (none: all zero). Code reads the member of
 * the family it checked, hands an API sa46_len() bytes, and copies no more
 * than the union. Addresses come in through sa46_from (what recvmsg,
 * getsockname or a parser filled in) and go to an API that still takes a
 * struct sockaddr_storage through sa46_to_ss.
 */
#ifndef L2SECD_SA46_H
#define L2SECD_SA46_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

union sa46 {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/*
 * *out from the socket address sa of len bytes: 0 when it is AF_INET or
 * AF_INET6 and len holds that family's structure; -1 otherwise (another
 * family, too short, NULL), *out then all zero (AF_UNSPEC).
 */
int sa46_from(union sa46 *out, const void *sa, socklen_t len);

/* The length of a's structure for its family: 0 for AF_UNSPEC or another. */
socklen_t sa46_len(const union sa46 *a);

/* *ss all zero, then a's structure (sa46_len bytes) at its start. */
void sa46_to_ss(const union sa46 *a, struct sockaddr_storage *ss);

/*
 * a's address into addr (4 bytes for IPv4, 16 for IPv6; the rest left as
 * it was) and its port (network order) into *port: its family, 0 for
 * AF_UNSPEC (nothing written). For hash keys and records.
 */
sa_family_t sa46_key(const union sa46 *a, uint8_t addr[16], uint16_t *port);

/* Same family and address (not the port); false for AF_UNSPEC. */
bool sa46_same_ip(const union sa46 *a, const union sa46 *b);

/* Same family, address and port; false for AF_UNSPEC. */
bool sa46_same(const union sa46 *a, const union sa46 *b);

/* "ADDR:PORT" ("[ADDR]:PORT" for IPv6; "?" for neither) in buf of cap octets: buf. */
const char *sa46_str(const union sa46 *a, char *buf, size_t cap);

#endif
