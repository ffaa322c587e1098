/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects of uapi/l2sec.h as the tool sees them: one parser for every
 * reply and notification of the family (they share one attribute space), so
 * that each attribute is checked in one place before anything prints it.
 *
 * obj_parse() refuses a message whose known attributes have the wrong size or
 * shape (with a reason for the log line) and ignores attribute types newer
 * than this header, so an older tool still shows what it knows.
 */
#ifndef L2SEC_OBJ_H
#define L2SEC_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "l2sec.h"

#define OBJ_MAX_PFX	16	/* the uapi allows L2SEC_MAX_IPV6_PREFIXES */
#define OBJ_MAX_DROPS	32	/* drop reasons kept by number; more go to "other" */

_Static_assert(L2SEC_A_MAX < 64, "obj.has is a 64-bit mask");
_Static_assert(L2SEC_DROP_MAX < OBJ_MAX_DROPS, "known drop reasons fit");

struct obj_addr {
	uint8_t family;		/* 0 (absent), AF_INET or AF_INET6 */
	uint8_t a[16];
};

struct obj_pfx {
	uint8_t a[16];
	uint8_t len;
};

struct obj_stats {
	uint32_t has;		/* bit (1 << L2SEC_STATS_A_x) per counter present */
	uint64_t v[L2SEC_STATS_A_MAX + 1];
	uint64_t drops_has;	/* bit (1 << reason) per drop counter present */
	uint64_t drops[OBJ_MAX_DROPS];
	uint64_t drops_other;	/* reasons numbered OBJ_MAX_DROPS and above */
	bool has_other;
};

struct obj_sa {
	uint32_t has;		/* bit (1 << L2SEC_SA_A_x) */
	uint32_t mark, spi, reqid;
	uint16_t sport, dport;
	struct obj_addr peer;
};

struct obj {
	uint8_t cmd;		/* the message's L2SEC_CMD_* */
	uint64_t has;		/* bit (1 << L2SEC_A_x) per attribute present */
	uint64_t u[L2SEC_A_MAX + 1];	/* integer attributes by type */
	struct obj_addr local;	/* A_LOCAL_ADDR4|6 */
	struct obj_addr peer;	/* A_PEER_ADDR4|6 */
	struct obj_addr bind_peer;	/* A_BIND_PEER4|6 */
	struct obj_addr ipv4;	/* A_IPV4 */
	unsigned int n_pfx;
	bool pfx_more;		/* more prefixes than OBJ_MAX_PFX were sent */
	struct obj_pfx pfx[OBJ_MAX_PFX];
	struct obj_sa sa;
	struct obj_stats stats;
};

static inline bool obj_has(const struct obj *o, unsigned int type)
{
	return type <= L2SEC_A_MAX && (o->has & (UINT64_C(1) << type));
}

/* Returns 0 or -EBADMSG with WHY saying what is wrong (for the log line). */
int obj_parse(const struct nlmsghdr *nlh, struct obj *o, char *why, size_t why_size);

/* Checks that every attribute of MASK is present; else -EBADMSG and WHY. */
int obj_require(const struct obj *o, uint64_t mask, char *why, size_t why_size);

/* The name of a drop reason ("no-ipsec"), or NULL for a number we do not know. */
const char *obj_drop_name(unsigned int reason);
/* The name of a stats counter's JSON key ("rx_packets"), NULL if unknown. */
const char *obj_stat_name(unsigned int type);

/* "203.0.113.7", "2001:db8::1"; "ADDR:PORT" or "[ADDR6]:PORT" with a port. */
void obj_addr_str(const struct obj_addr *a, char *buf, size_t size);
void obj_addr_port_str(const struct obj_addr *a, unsigned int port, char *buf, size_t size);

#define OBJ_BIT(type) (UINT64_C(1) << (type))

#endif
