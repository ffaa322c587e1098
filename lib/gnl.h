/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink to l2sec.ko over libmnl, for l2secd (daemon/kern.c) and the
 * l2sec tool alike: resolve a family and its multicast groups
 * (CTRL_CMD_GETFAMILY), send a request and read its replies up to the ack,
 * dump with NLM_F_DUMP_INTR handling, and receive notifications.  Errors are
 * -errno; the kernel's extended-ack message of the last error, if any, is
 * kept in gnl->extack (printable ASCII only).  Replies are parsed with obj.h,
 * the attribute policy of the whole family.
 *
 * Every message is checked to lie inside what was received before anything
 * reads it (gnl_msg_ok); nothing here logs: the caller does.
 *
 * One struct gnl per socket, used by one thread.
 */
#ifndef L2SEC_GNL_H
#define L2SEC_GNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#define GNL_MAX_GROUPS 8

struct gnl_group {
	char name[32];
	uint32_t id;
};

/* What CTRL_CMD_GETFAMILY (or NEWFAMILY, DELFAMILY) says of a family. */
struct gnl_family {
	uint16_t id;
	uint32_t version;
	unsigned int n_groups;
	struct gnl_group groups[GNL_MAX_GROUPS];
};

struct gnl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t family_version;
	unsigned int n_groups;
	struct gnl_group groups[GNL_MAX_GROUPS];
	char *buf;		/* receive buffer, GNL_BUF_SIZE */
	char *req;		/* request being built, GNL_REQ_SIZE */
	char extack[256];	/* the kernel's message for the last error */
	unsigned int dump_retries;	/* repeats of the last dump (NLM_F_DUMP_INTR) */
};

#define GNL_BUF_SIZE	(64 * 1024)	/* > the kernel's largest dump skb, 32 KiB */
#define GNL_REQ_SIZE	4096
#define GNL_DUMP_TRIES	4

/*
 * Called for each message of the family that answers a request.  A negative
 * return stops the exchange with that error (the rest of the answer is
 * drained first).
 */
typedef int (*gnl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Opens a generic netlink socket and resolves FAMILY.  -ENOENT: no such
 * family (for l2sec: the module is not loaded and could not be autoloaded).
 * gnl_close() is safe after a failed gnl_open().
 */
int gnl_open(struct gnl *g, const char *family);
void gnl_close(struct gnl *g);

/*
 * Asks for family NAME again on an open socket (is it still the one we
 * resolved?).  -ENOENT when it is not registered.
 */
int gnl_family_get(struct gnl *g, const char *name, struct gnl_family *f);

/*
 * Parses a message of nlctrl (a reply or a notification): 0, or -EBADMSG
 * when it has no family id or a malformed attribute.  Groups beyond
 * GNL_MAX_GROUPS are left out.
 */
int gnl_parse_family(const struct nlmsghdr *nlh, struct gnl_family *f);

/* The id of multicast group NAME of the family; -ENOENT if it has none. */
int gnl_group_id(const struct gnl *g, const char *name, uint32_t *id);
int gnl_subscribe(struct gnl *g, const char *group);

/*
 * Starts a request of the family in g->req: command CMD, version VERSION,
 * FLAGS besides NLM_F_REQUEST (NLM_F_DUMP for a dump; NLM_F_ACK is added for
 * other requests).  Add attributes with mnl_attr_put*().
 */
struct nlmsghdr *gnl_msg(struct gnl *g, uint8_t cmd, uint8_t version, uint16_t flags);

/* Sends the request of gnl_msg() and reads up to its ack. */
int gnl_request(struct gnl *g, struct nlmsghdr *nlh, gnl_cb cb, void *data);

/*
 * Sends the dump of gnl_msg() and reads it to its end.  When the kernel flags
 * the dump inconsistent (NLM_F_DUMP_INTR), RESET(data) is called and the dump
 * repeated, up to GNL_DUMP_TRIES times in all; the last try's results are
 * kept then and 1 is returned (the caller warns).  0: consistent.
 */
int gnl_dump(struct gnl *g, struct nlmsghdr *nlh, gnl_cb cb, void (*reset)(void *),
	     void *data);

/*
 * Receives one datagram of notifications and calls CB for each message of
 * the family in it.  -ENOBUFS: the socket overran and events were lost; the
 * socket stays usable.
 */
int gnl_recv_events(struct gnl *g, gnl_cb cb, void *data);

/*
 * Is there a whole message at NLH, LEN bytes before the end of what was
 * received?  mnl_nlmsg_ok() compares (int)nlmsg_len, which a length of 2^31
 * or more passes as negative: compared unsigned here.
 */
bool gnl_msg_ok(const struct nlmsghdr *nlh, int len);

/* Parses an NLMSG_ERROR message: the error (<= 0) and its extack message. */
int gnl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msg_size);

#endif
