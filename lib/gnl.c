// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink over libmnl for l2secd and the l2sec tool (see gnl.h).
 *
 * The receive loop is our own rather than mnl_cb_run(): a dump flagged
 * NLM_F_DUMP_INTR must be read to its end and repeated, and errors carry the
 * kernel's extended ack, which libmnl does not parse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "gnl.h"
#include "core/util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

bool gnl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* Copies a kernel string for printing: printable ASCII only. */
static void copy_msg(char *dst, size_t size, const char *src)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* Extended-ack TLVs start OFF bytes into NLH's payload. */
static void parse_extack(const struct nlmsghdr *nlh, size_t off, char *msg, size_t size)
{
	const struct nlattr *attr;

	/* libmnl walks up to the aligned end: see obj_parse() */
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > mnl_nlmsg_get_payload_len(nlh) ||
	    nlh->nlmsg_len % MNL_ALIGNTO)
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			copy_msg(msg, size, mnl_attr_get_str(attr));
	}
}

int gnl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	int err;

	if (size)
		msg[0] = '\0';
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	/* the kernel sends -errno; never take a positive value for success */
	err = -reply_errno(e->error);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return err;
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	parse_extack(nlh, off, msg, size);
	return err;
}

/* NLMSG_DONE of a dump: an int error, then extended-ack TLVs. */
static int parse_done(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	err = -reply_errno(err);
	if (err)
		parse_extack(nlh, sizeof(int), msg, size);
	return err;
}

/*
 * Reads the answer to request SEQ up to its ack, error or NLMSG_DONE, calling
 * CB for each message of type EXPECT.  *INTR is set when a message carries
 * NLM_F_DUMP_INTR.  A callback error is returned after the answer is read.
 */
static int receive(struct gnl *g, uint32_t seq, uint16_t expect, gnl_cb cb, void *data,
		   bool *intr)
{
	const struct nlmsghdr *nlh;
	int cb_err = 0, err;
	ssize_t n;
	int left;

	for (;;) {
		n = mnl_socket_recvfrom(g->sock, g->buf, GNL_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		nlh = (const struct nlmsghdr *)g->buf;
		left = (int)n;
		for (; gnl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			/* a late answer to an earlier request is not ours */
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != g->portid)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				err = gnl_parse_error(nlh, g->extack, sizeof(g->extack));
				return cb_err ? cb_err : err;
			case NLMSG_DONE:
				err = parse_done(nlh, g->extack, sizeof(g->extack));
				return cb_err ? cb_err : err;
			case NLMSG_OVERRUN:
				return -ENOBUFS;
			}
			if (nlh->nlmsg_type == expect && !cb_err && cb) {
				err = cb(nlh, data);
				if (err < 0)
					cb_err = err;
			}
		}
		if (left > 0)
			return -EBADMSG;	/* a datagram cut inside a message */
	}
}

static int exchange(struct gnl *g, struct nlmsghdr *nlh, uint16_t expect, gnl_cb cb,
		    void *data, bool *intr)
{
	g->extack[0] = '\0';
	if (mnl_socket_sendto(g->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return receive(g, nlh->nlmsg_seq, expect, cb, data, intr);
}

static int parse_group(struct gnl_family *f, const struct nlattr *nest)
{
	const struct nlattr *a, *name = NULL, *id = NULL;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			id = a;
	}
	if (!name || !id)
		return -EBADMSG;
	if (f->n_groups == GNL_MAX_GROUPS)
		return 0;	/* more than we know of; not an error */
	copy_msg(f->groups[f->n_groups].name, sizeof(f->groups[0].name), mnl_attr_get_str(name));
	f->groups[f->n_groups].id = mnl_attr_get_u32(id);
	f->n_groups++;
	return 0;
}

int gnl_parse_family(const struct nlmsghdr *nlh, struct gnl_family *f)
{
	const struct nlattr *a, *grp;
	bool have_id = false;
	int err;

	memset(f, 0, sizeof(*f));
	/* libmnl walks up to the aligned end: see obj_parse() */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    nlh->nlmsg_len % MNL_ALIGNTO)
		return -EBADMSG;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_get_payload_len(a) != sizeof(uint16_t))
				return -EBADMSG;
			f->id = mnl_attr_get_u16(a);
			have_id = true;
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_get_payload_len(a) != sizeof(uint32_t))
				return -EBADMSG;
			f->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			f->n_groups = 0;
			mnl_attr_for_each_nested(grp, a) {
				err = parse_group(f, grp);
				if (err)
					return err;
			}
			break;
		}
	}
	return have_id ? 0 : -EBADMSG;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return gnl_parse_family(nlh, data);
}

static struct nlmsghdr *msg_start(struct gnl *g, uint16_t type, uint8_t cmd, uint8_t version,
				  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(g->req);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (!(flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++g->seq;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = version;
	return nlh;
}

struct nlmsghdr *gnl_msg(struct gnl *g, uint8_t cmd, uint8_t version, uint16_t flags)
{
	return msg_start(g, g->family_id, cmd, version, flags);
}

int gnl_family_get(struct gnl *g, const char *name, struct gnl_family *f)
{
	struct nlmsghdr *nlh;
	bool intr = false;
	int err;

	memset(f, 0, sizeof(*f));
	if (strlen(name) >= GENL_NAMSIZ)
		return -ENOENT;
	nlh = msg_start(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = exchange(g, nlh, GENL_ID_CTRL, family_cb, f, &intr);
	if (!err && !f->id)
		err = -ENOENT;	/* an ack without the family */
	return err;
}

int gnl_open(struct gnl *g, const char *family)
{
	struct gnl_family f;
	int one = 1;
	int err;

	memset(g, 0, sizeof(*g));
	g->buf = malloc(GNL_BUF_SIZE);
	g->req = calloc(1, GNL_REQ_SIZE);
	if (!g->buf || !g->req)
		return -ENOMEM;
	g->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!g->sock)
		return -errno;
	/* older kernels lack these; errors then come without a message */
	mnl_socket_setsockopt(g->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(g->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	g->portid = mnl_socket_get_portid(g->sock);
	g->seq = (uint32_t)time(NULL);

	err = gnl_family_get(g, family, &f);
	if (err)
		return err;
	g->family_id = f.id;
	g->family_version = f.version;
	g->n_groups = f.n_groups;
	memcpy(g->groups, f.groups, sizeof(g->groups));
	return 0;
}

void gnl_close(struct gnl *g)
{
	if (g->sock)
		mnl_socket_close(g->sock);
	free(g->buf);
	free(g->req);
	memset(g, 0, sizeof(*g));
}

int gnl_group_id(const struct gnl *g, const char *name, uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < g->n_groups; i++) {
		if (!strcmp(g->groups[i].name, name)) {
			*id = g->groups[i].id;
			return 0;
		}
	}
	return -ENOENT;
}

int gnl_subscribe(struct gnl *g, const char *group)
{
	int size = 1 << 20;
	uint32_t id;
	int err;

	err = gnl_group_id(g, group, &id);
	if (err)
		return err;
	/* room for bursts (a socket closing deletes all its sessions at once) */
	setsockopt(mnl_socket_get_fd(g->sock), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_setsockopt(g->sock, NETLINK_ADD_MEMBERSHIP, &id, sizeof(id)) < 0)
		return -errno;
	return 0;
}

int gnl_request(struct gnl *g, struct nlmsghdr *nlh, gnl_cb cb, void *data)
{
	bool intr = false;

	return exchange(g, nlh, g->family_id, cb, data, &intr);
}

int gnl_dump(struct gnl *g, struct nlmsghdr *nlh, gnl_cb cb, void (*reset)(void *),
	     void *data)
{
	unsigned int try;
	bool intr;
	int err;

	for (try = 1;; try++) {
		intr = false;
		g->dump_retries = try - 1;
		err = exchange(g, nlh, g->family_id, cb, data, &intr);
		if (err)
			return err;
		if (!intr)
			return 0;
		if (try == GNL_DUMP_TRIES)
			return 1;
		if (reset)
			reset(data);
		nlh->nlmsg_seq = ++g->seq;
	}
}

int gnl_recv_events(struct gnl *g, gnl_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left, err;

	n = mnl_socket_recvfrom(g->sock, g->buf, GNL_BUF_SIZE);
	if (n < 0)
		return -errno;
	nlh = (const struct nlmsghdr *)g->buf;
	left = (int)n;
	for (; gnl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type != g->family_id)
			continue;
		err = cb(nlh, data);
		if (err < 0)
			return err;
	}
	return 0;
}
