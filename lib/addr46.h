/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IPv4 or IPv6 address as l2secd's control socket and the l2sec tool
 * compare them (lib/ctl_proto.h): an IPv4-mapped IPv6 address, a dual-stack
 * socket's view of an IPv4 peer, is its IPv4 address.
 */
#ifndef L2SEC_ADDR46_H
#define L2SEC_ADDR46_H

#include <stddef.h>
#include <stdint.h>

/* A of FAMILY into *OUT_FAMILY and OUT (16 octets, zero past the address); 0 if neither. */
void addr46_set(int family, const void *a, int *out_family, uint8_t out[16]);

/*
 * The LEN octets at S, an IPv4 or IPv6 address as inet_pton(3) reads it
 * (IPv4 first) and nothing else, into *FAMILY and OUT as addr46_set: 0, or -1.
 */
int addr46_pton(const char *s, size_t len, int *family, uint8_t out[16]);

#endif
