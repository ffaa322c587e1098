// SPDX-License-Identifier: GPL-2.0
/*
 * l2sec-ctl: test fixture that drives l2sec.ko over generic netlink the way
 * the daemon does (it is not the product CLI: see tools/l2sec.c).
 *
 *   l2sec-ctl [-f SCRIPT]      commands from SCRIPT (default: stdin), one a line
 *   l2sec-ctl CMD ARGS...      one command
 *
 * The process keeps the UDP sockets it opened, so a script can hand a socket
 * to the module, run a packet generator (`run CMD`), then read counters.
 * A command prefixed with "!" must fail ("expect-fail ok ..." is printed);
 * any other failing command ends the program with status 1.
 * Output is key=value lines.
 *
 * Commands (addresses: IPv4 or IPv6 literals; NAME is a socket's script name):
 *   sock add NAME ADDR PORT [ipsec 0|1] [raw]   bind a UDP socket, hand it over
 *                                          (raw: do not hand over)
 *   sock del NAME | sock close NAME | sock get NAME | sock dump
 *   sock add-again NAME                    SOCK_ADD with the same fd again
 *   tunnel add TID PEER_TID NAME PEER PORT [ipsec 0|1] [bind MARK [reqid N]] [outmark MARK]
 *                                          [local ADDR]
 *   tunnel set TUN [peer ADDR PORT] [peer_tid N] [bind MARK [reqid N]] [unbind] [outmark MARK]
 *   tunnel del TUN | tunnel get TUN | tunnel dump [NAME|all] [count]
 *                                          (count: how many, and how many handles twice)
 *   tunnel bulk-add COUNT NAME PEER        tunnel i = 0..: id i % 65535 + 1, peer
 *                                          port 1024 + i / 65535 (ids repeat per port)
 *   session add TUN SID PEER_SID [up] [ip4 ADDR] [ip6 ADDR/LEN]... [ifid HEX16]
 *   session set TUN SID [up|down] [peer_sid N] [ip4 ADDR] [ip6 ADDR/LEN]... [clear]
 *   session del TUN SID | session get TUN SID | session dump [TUN|all] [count]
 *   session dump TUN|all addr ADDR [addr ADDR6]   the sessions holding ADDR (the
 *                                          module's filter; a second is refused)
 *   session bulk-add TUN FIRST COUNT       sessions FIRST.., up, ip4 10.64.0.0 + i
 *   session bulk-del TUN FIRST COUNT
 *   stats                                  namespace counters
 *   recv NAME TIMEOUT_MS                   one datagram the module left on the socket
 *   send NAME ADDR PORT HEX                one datagram from the socket
 *   drain NAME MS LEN                      read datagrams for MS ms; print their
 *                                          number, the longest, how many not LEN long
 *   monitor start [sock]                   join the "events" group (or "sock")
 *   monitor COUNT TIMEOUT_MS               print up to COUNT notifications received
 *                                          since "monitor start", then got=N
 *   run SHELL-COMMAND                      system(); fails if the command fails
 *   echo TEXT
 * Where a command takes a socket NAME, "#N" names socket id N directly.
 * TUN is a tunnel id (A_TUNNEL_ID), or hN: the tunnel handle N
 * (A_TUNNEL_HANDLE), or @K: the handle of the Kth tunnel this process added;
 * with "/TID" after hN or @K: handle and id both.  Replies print handle=N last.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "l2sec.h"
#include "core/util.h"
#include "obj.h"

#define MAX_SOCKS 16
#define MAX_ARGS 32

struct ctl_sock {
	char name[32];
	int fd;
	uint32_t id;
};

static struct mnl_socket *nl;
static struct mnl_socket *nl_mon;
static uint16_t family_id;
static uint32_t mcgrp_id, sock_mcgrp_id;	/* "events", "sock" */
static uint32_t seq;
static struct ctl_sock socks[MAX_SOCKS];
static int n_socks;
static char extack_msg[256];

/* --- generic netlink plumbing ----------------------------------------------- */

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int ctrl_grp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	const struct nlattr *grp;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb, tb);
	if (tb[CTRL_ATTR_FAMILY_ID])
		family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
			const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };
			const char *name;

			mnl_attr_parse_nested(grp, ctrl_grp_cb, g);
			if (!g[CTRL_ATTR_MCAST_GRP_NAME] || !g[CTRL_ATTR_MCAST_GRP_ID])
				continue;
			name = mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]);
			if (!strcmp(name, L2SEC_MCGRP_EVENTS))
				mcgrp_id = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
			if (!strcmp(name, L2SEC_MCGRP_SOCK))
				sock_mcgrp_id = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	(void)data;
	return MNL_CB_OK;
}

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : L2SEC_GENL_VERSION;
	return nlh;
}

/* Extack message of an error ack, if the kernel sent one. */
static void parse_extack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	extack_msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			snprintf(extack_msg, sizeof(extack_msg), "%s",
				 mnl_attr_get_str(attr));
	}
}

/* Sends @nlh and runs @cb on every reply until the ack/done.  0 or -errno. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	uint32_t portid = mnl_socket_get_portid(nl);
	uint32_t want = nlh->nlmsg_seq;
	int n;

	extack_msg[0] = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;
		int len;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		len = n;
		for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != want || h->nlmsg_pid != portid)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

				if (e->error)
					parse_extack(h);
				return -reply_errno(e->error);
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				/* dumps end here: no ack follows (-EINTR path) */
				const int *e = mnl_nlmsg_get_payload(h);

				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       -reply_errno(*e) : 0;
			}
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				printf("dump_intr=1\n");
			if (cb && cb(h, data) < 0)
				return -EIO;
		}
	}
}

static int genl_resolve(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2SEC_GENL_NAME);
	return transact(nlh, ctrl_cb, NULL);
}

/* --- printing replies ---------------------------------------------------------- */

static const char *const cmd_names[__L2SEC_CMD_MAX] = {
	[L2SEC_CMD_SOCK_GET] = "sock",
	[L2SEC_CMD_TUNNEL_GET] = "tunnel",
	[L2SEC_CMD_SESSION_GET] = "session",
	[L2SEC_CMD_STATS_GET] = "stats",
	[L2SEC_CMD_SOCK_NTF_DEL] = "sock_ntf_del",
	[L2SEC_CMD_TUNNEL_NTF_NEW] = "tunnel_ntf_new",
	[L2SEC_CMD_TUNNEL_NTF_SET] = "tunnel_ntf_set",
	[L2SEC_CMD_TUNNEL_NTF_DEL] = "tunnel_ntf_del",
	[L2SEC_CMD_TUNNEL_NTF_BOUND] = "tunnel_ntf_bound",
	[L2SEC_CMD_SESSION_NTF_NEW] = "session_ntf_new",
	[L2SEC_CMD_SESSION_NTF_SET] = "session_ntf_set",
	[L2SEC_CMD_SESSION_NTF_DEL] = "session_ntf_del",
};

static void print_addr(const char *key, const struct nlattr *a)
{
	char s[INET6_ADDRSTRLEN];
	int len = mnl_attr_get_payload_len(a);

	inet_ntop(len == 4 ? AF_INET : AF_INET6, mnl_attr_get_payload(a), s, sizeof(s));
	printf(" %s=%s", key, s);
}

/* Counters by the names of lib/obj.c, as the tool prints them. */
static void print_stats(const struct nlattr *nest)
{
	const struct nlattr *a, *d;

	mnl_attr_for_each_nested(a, nest) {
		int type = mnl_attr_get_type(a);

		if (type == L2SEC_STATS_A_DROPS) {
			mnl_attr_for_each_nested(d, a) {
				int r = mnl_attr_get_type(d) - L2SEC_DROPS_A_OFFSET;
				const char *name = r >= 0 ? obj_drop_name((unsigned int)r) : NULL;

				if (name)
					printf(" drop_%s=%llu", name,
					       (unsigned long long)mnl_attr_get_u64(d));
			}
		} else if (type >= 0 && obj_stat_name((unsigned int)type)) {
			printf(" %s=%llu", obj_stat_name((unsigned int)type),
			       (unsigned long long)mnl_attr_get_u64(a));
		}
	}
}

static void print_sa(const struct nlattr *nest)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case L2SEC_SA_A_MARK:
			printf(" sa_mark=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_SA_A_SPI:
			printf(" sa_spi=0x%08x", mnl_attr_get_u32(a));
			break;
		case L2SEC_SA_A_REQID:
			printf(" sa_reqid=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_SA_A_ENCAP_SPORT:
			printf(" sa_encap_sport=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_SA_A_ENCAP_DPORT:
			printf(" sa_encap_dport=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_SA_A_PEER4:
		case L2SEC_SA_A_PEER6:
			print_addr("sa_peer", a);
			break;
		}
	}
}

/* The handle of the latest tunnel reply, and those of the tunnels added (@K). */
static uint32_t last_handle;
static uint32_t added_handles[256];
static unsigned int n_added;

/* The tunnel handles a counted tunnel dump saw, to find any seen twice. */
static uint32_t *dump_handles;
static size_t n_dump_handles, cap_dump_handles;

static void dump_handle_add(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != L2SEC_A_TUNNEL_HANDLE)
			continue;
		if (n_dump_handles == cap_dump_handles) {
			cap_dump_handles = cap_dump_handles ? 2 * cap_dump_handles : 1024;
			dump_handles = realloc(dump_handles,
					       cap_dump_handles * sizeof(*dump_handles));
			if (!dump_handles)
				abort();
		}
		dump_handles[n_dump_handles++] = mnl_attr_get_u32(a);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* How many handles the counted dump saw more than once; resets. */
static size_t dump_handle_dups(void)
{
	size_t i, dups = 0;

	qsort(dump_handles, n_dump_handles, sizeof(*dump_handles), cmp_u32);
	for (i = 1; i < n_dump_handles; i++)
		dups += dump_handles[i] == dump_handles[i - 1];
	n_dump_handles = 0;
	return dups;
}

/* Prints one reply or notification as "kind key=value...". */
static int print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	long *count = data;
	long handle = -1;

	if (count)
		(*count)++;
	if (count && g->cmd == L2SEC_CMD_TUNNEL_GET)
		dump_handle_add(nlh);
	if (data && !getenv("L2SEC_CTL_VERBOSE"))
		return MNL_CB_OK;	/* bulk dumps: count only */
	printf("%s", g->cmd < __L2SEC_CMD_MAX && cmd_names[g->cmd] ? cmd_names[g->cmd] : "?");
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case L2SEC_A_SOCK_ID:
			printf(" sock_id=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_FAMILY:
			printf(" family=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_LOCAL_ADDR4:
		case L2SEC_A_LOCAL_ADDR6:
			print_addr("local", a);
			break;
		case L2SEC_A_LOCAL_PORT:
			printf(" local_port=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_REQUIRE_IPSEC:
			printf(" ipsec=%u", mnl_attr_get_u8(a));
			break;
		case L2SEC_A_TUNNEL_ID:
			printf(" tid=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_TUNNEL_HANDLE:
			handle = mnl_attr_get_u32(a);
			if (g->cmd == L2SEC_CMD_TUNNEL_GET)
				last_handle = handle;
			break;
		case L2SEC_A_PEER_TUNNEL_ID:
			printf(" peer_tid=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_PEER_ADDR4:
		case L2SEC_A_PEER_ADDR6:
			print_addr("peer", a);
			break;
		case L2SEC_A_PEER_PORT:
			printf(" peer_port=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_BIND_MARK:
			printf(" bind_mark=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_BIND_REQID:
			printf(" bind_reqid=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_BIND_PEER4:
		case L2SEC_A_BIND_PEER6:
			print_addr("bind_peer", a);
			break;
		case L2SEC_A_OUT_MARK:
			printf(" out_mark=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_BOUND:
			printf(" bound=%u", mnl_attr_get_u8(a));
			break;
		case L2SEC_A_SA:
			print_sa(a);
			break;
		case L2SEC_A_SESSION_ID:
			printf(" sid=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_PEER_SESSION_ID:
			printf(" peer_sid=%u", mnl_attr_get_u16(a));
			break;
		case L2SEC_A_STATE:
			printf(" state=%s", mnl_attr_get_u8(a) ? "up" : "down");
			break;
		case L2SEC_A_IPV4:
			print_addr("ip4", a);
			break;
		case L2SEC_A_IPV6_PREFIX: {
			const struct nlattr *p;
			char s[INET6_ADDRSTRLEN] = "";
			unsigned int len = 0;

			mnl_attr_for_each_nested(p, a) {
				if (mnl_attr_get_type(p) == L2SEC_PFX_A_ADDR)
					inet_ntop(AF_INET6, mnl_attr_get_payload(p), s,
						  sizeof(s));
				else if (mnl_attr_get_type(p) == L2SEC_PFX_A_LEN)
					len = mnl_attr_get_u8(p);
			}
			printf(" ip6=%s/%u", s, len);
			break;
		}
		case L2SEC_A_IPV6_IFID: {
			const uint8_t *b = mnl_attr_get_payload(a);
			unsigned int k;

			printf(" ifid=");
			for (k = 0; k < mnl_attr_get_payload_len(a); k++)
				printf("%02x", b[k]);
			break;
		}
		case L2SEC_A_STATS:
			print_stats(a);
			break;
		case L2SEC_A_IFINDEX:
			printf(" ifindex=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_SOCK_COUNT:
			printf(" socks=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_TUNNEL_COUNT:
			printf(" tunnels=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_SESSION_COUNT:
			printf(" sessions=%u", mnl_attr_get_u32(a));
			break;
		case L2SEC_A_SESSION_BUCKETS:
			printf(" session_buckets=%u", mnl_attr_get_u32(a));
			break;
		}
	}
	if (handle >= 0)
		printf(" handle=%ld", handle);
	printf("\n");
	return MNL_CB_OK;
}

/* --- commands ------------------------------------------------------------------ */

static struct ctl_sock *sock_by_name(const char *name)
{
	static struct ctl_sock by_id;
	int i;

	if (name[0] == '#') {	/* "#N": a socket id, for error tests */
		by_id.fd = -1;
		by_id.id = strtoul(name + 1, NULL, 0);
		return &by_id;
	}

	for (i = 0; i < n_socks; i++)
		if (!strcmp(socks[i].name, name))
			return &socks[i];
	fprintf(stderr, "no socket named %s\n", name);
	return NULL;
}

/* Parses ADDR into @ss (port @port); returns the family or -1. */
static int parse_sockaddr(const char *addr, unsigned int port, struct sockaddr_storage *ss,
			  socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return AF_INET6;
	}
	fprintf(stderr, "bad address %s\n", addr);
	return -1;
}

static int put_addr(struct nlmsghdr *nlh, int type4, int type6, const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		mnl_attr_put(nlh, type4, 4, &a4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		mnl_attr_put(nlh, type6, 16, &a6);
		return 0;
	}
	fprintf(stderr, "bad address %s\n", s);
	return -EINVAL;
}

static int put_prefix(struct nlmsghdr *nlh, const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;
	struct nlattr *nest;
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	if (inet_pton(AF_INET6, buf, &a6) != 1)
		return -EINVAL;
	nest = mnl_attr_nest_start(nlh, L2SEC_A_IPV6_PREFIX);
	mnl_attr_put(nlh, L2SEC_PFX_A_ADDR, 16, &a6);
	mnl_attr_put_u8(nlh, L2SEC_PFX_A_LEN, (uint8_t)atoi(slash + 1));
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int cmd_sock(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ctl_sock *cs;

	if (argc >= 2 && !strcmp(argv[1], "dump")) {
		nlh = msg_start(buf, family_id, L2SEC_CMD_SOCK_GET, NLM_F_DUMP);
		return transact(nlh, print_cb, NULL);
	}
	if (argc < 3)
		return -EINVAL;
	cs = sock_by_name(argv[2]);
	if (!cs)
		return -ENOENT;
	if (!strcmp(argv[1], "add-again")) {
		/* the same fd a second time: must be refused */
		nlh = msg_start(buf, family_id, L2SEC_CMD_SOCK_ADD, 0);
		mnl_attr_put_u32(nlh, L2SEC_A_SOCK_FD, cs->fd);
		return transact(nlh, print_cb, NULL);
	}
	if (!strcmp(argv[1], "close")) {
		close(cs->fd);
		cs->fd = -1;
		return 0;
	}
	nlh = msg_start(buf, family_id,
			!strcmp(argv[1], "del") ? L2SEC_CMD_SOCK_DEL : L2SEC_CMD_SOCK_GET, 0);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, cs->id);
	return transact(nlh, print_cb, NULL);
}

/* SOCK_ADD's reply carries the id: catch it for the socket being added. */
static int sock_id_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == L2SEC_A_SOCK_ID)
			*(uint32_t *)data = mnl_attr_get_u32(a);
	return print_cb(nlh, NULL);
}

static int cmd_sock_add(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sockaddr_storage ss;
	struct nlmsghdr *nlh;
	struct ctl_sock *cs;
	socklen_t len;
	int fam, i, raw = 0, ipsec = -1, err;

	if (n_socks == MAX_SOCKS)
		return -ENOSPC;
	fam = parse_sockaddr(argv[3], atoi(argv[4]), &ss, &len);
	if (fam < 0)
		return -EINVAL;
	for (i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "raw"))
			raw = 1;
		else if (!strcmp(argv[i], "ipsec") && i + 1 < argc)
			ipsec = atoi(argv[++i]);
	}
	cs = &socks[n_socks];
	snprintf(cs->name, sizeof(cs->name), "%s", argv[2]);
	cs->fd = socket(fam, SOCK_DGRAM, 0);
	if (cs->fd < 0)
		return -errno;
	if (bind(cs->fd, (struct sockaddr *)&ss, len) < 0) {
		err = -errno;
		close(cs->fd);
		return err;
	}
	n_socks++;
	if (raw)
		return 0;
	nlh = msg_start(buf, family_id, L2SEC_CMD_SOCK_ADD, 0);
	mnl_attr_put_u32(nlh, L2SEC_A_SOCK_FD, cs->fd);
	if (ipsec >= 0)
		mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, ipsec);
	return transact(nlh, sock_id_cb, &cs->id);
}

/* TUN: "ID", "hHANDLE" or "hHANDLE/ID" (see the top of the file). */
static void put_tunnel(struct nlmsghdr *nlh, const char *tun)
{
	unsigned long k;
	char *end;

	if (tun[0] != 'h' && tun[0] != '@') {
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, atoi(tun));
		return;
	}
	k = strtoul(tun + 1, &end, 0);
	if (tun[0] == '@')
		k = k >= 1 && k <= n_added ? added_handles[k - 1] : 0;
	mnl_attr_put_u32(nlh, L2SEC_A_TUNNEL_HANDLE, k);
	if (*end == '/')
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, atoi(end + 1));
}

/* COUNT tunnels on socket NAME to PEER (see the top of the file). */
static int cmd_tunnel_bulk(int count, const char *name, const char *peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ctl_sock *cs = sock_by_name(name);
	struct nlmsghdr *nlh;
	int i, err;

	if (!cs)
		return -ENOENT;
	for (i = 0; i < count; i++) {
		nlh = msg_start(buf, family_id, L2SEC_CMD_TUNNEL_NEW, 0);
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, i % 65535 + 1);
		mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, i % 65535 + 1);
		mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, cs->id);
		err = put_addr(nlh, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, peer);
		if (err)
			return err;
		mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, 1024 + i / 65535);
		err = transact(nlh, NULL, NULL);
		if (err) {
			printf("bulk added=%d\n", i);
			return err;
		}
	}
	printf("bulk added=%d\n", count);
	return 0;
}

static int cmd_tunnel(int argc, char **argv)
{
	long count = 0;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ctl_sock *cs;
	int i, err;

	if (argc < 2)
		return -EINVAL;
	if (!strcmp(argv[1], "dump")) {
		nlh = msg_start(buf, family_id, L2SEC_CMD_TUNNEL_GET, NLM_F_DUMP);
		if (argc >= 3 && strcmp(argv[2], "all")) {
			cs = sock_by_name(argv[2]);
			if (!cs)
				return -ENOENT;
			mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, cs->id);
		}
		if (argc >= 4 && !strcmp(argv[3], "count")) {
			err = transact(nlh, print_cb, &count);
			printf("dumped=%ld dup_handles=%zu\n", count, dump_handle_dups());
			return err;
		}
		return transact(nlh, print_cb, NULL);
	}
	if (!strcmp(argv[1], "bulk-add") && argc >= 5)
		return cmd_tunnel_bulk(atoi(argv[2]), argv[3], argv[4]);
	if (argc < 3)
		return -EINVAL;
	if (!strcmp(argv[1], "add")) {
		if (argc < 7)
			return -EINVAL;
		cs = sock_by_name(argv[4]);
		if (!cs)
			return -ENOENT;
		nlh = msg_start(buf, family_id, L2SEC_CMD_TUNNEL_NEW, 0);
		mnl_attr_put_u16(nlh, L2SEC_A_TUNNEL_ID, atoi(argv[2]));
		mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, atoi(argv[3]));
		mnl_attr_put_u32(nlh, L2SEC_A_SOCK_ID, cs->id);
		err = put_addr(nlh, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, argv[5]);
		if (err)
			return err;
		mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, atoi(argv[6]));
		i = 7;
	} else if (!strcmp(argv[1], "set")) {
		nlh = msg_start(buf, family_id, L2SEC_CMD_TUNNEL_SET, 0);
		put_tunnel(nlh, argv[2]);
		i = 3;
	} else {
		nlh = msg_start(buf, family_id, !strcmp(argv[1], "del") ?
				L2SEC_CMD_TUNNEL_DEL : L2SEC_CMD_TUNNEL_GET, 0);
		put_tunnel(nlh, argv[2]);
		return transact(nlh, print_cb, NULL);
	}
	for (; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "unbind")) {
			mnl_attr_put_u8(nlh, L2SEC_A_UNBIND, 1);
			continue;
		}
		if (!v)
			return -EINVAL;
		i++;
		if (!strcmp(k, "ipsec")) {
			mnl_attr_put_u8(nlh, L2SEC_A_REQUIRE_IPSEC, atoi(v));
		} else if (!strcmp(k, "bind")) {
			mnl_attr_put_u32(nlh, L2SEC_A_BIND_MARK, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "reqid")) {
			mnl_attr_put_u32(nlh, L2SEC_A_BIND_REQID, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "outmark")) {
			mnl_attr_put_u32(nlh, L2SEC_A_OUT_MARK, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "peer_tid")) {
			mnl_attr_put_u16(nlh, L2SEC_A_PEER_TUNNEL_ID, atoi(v));
		} else if (!strcmp(k, "local")) {
			err = put_addr(nlh, L2SEC_A_LOCAL_ADDR4, L2SEC_A_LOCAL_ADDR6, v);
			if (err)
				return err;
		} else if (!strcmp(k, "peer") && i + 1 < argc) {
			err = put_addr(nlh, L2SEC_A_PEER_ADDR4, L2SEC_A_PEER_ADDR6, v);
			if (err)
				return err;
			mnl_attr_put_u16(nlh, L2SEC_A_PEER_PORT, atoi(argv[++i]));
		} else if (!strcmp(k, "raw-attr")) {
			/* raw-attr TYPE: an attribute no policy lists (u32 0) */
			mnl_attr_put_u32(nlh, atoi(v), 0);
		} else {
			fprintf(stderr, "unknown tunnel option %s\n", k);
			return -EINVAL;
		}
	}
	err = transact(nlh, print_cb, NULL);
	if (!err && !strcmp(argv[1], "add") && n_added < ARRAY_SIZE(added_handles))
		added_handles[n_added++] = last_handle;
	return err;
}

static int put_session_opts(struct nlmsghdr *nlh, int argc, char **argv, int i)
{
	for (; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "up")) {
			mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_UP);
		} else if (!strcmp(k, "down")) {
			mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_DOWN);
		} else if (!strcmp(k, "clear")) {
			mnl_attr_put_u8(nlh, L2SEC_A_CLEAR_ADDRS, 1);
		} else if (!v) {
			return -EINVAL;
		} else if (!strcmp(k, "ip4")) {
			if (put_addr(nlh, L2SEC_A_IPV4, L2SEC_A_IPV4, v))
				return -EINVAL;
			i++;
		} else if (!strcmp(k, "ip6")) {
			if (put_prefix(nlh, v))
				return -EINVAL;
			i++;
		} else if (!strcmp(k, "ifid")) {
			uint8_t b[8];

			if (strlen(v) != 16 || sscanf(v, "%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx",
						      &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
						      &b[6], &b[7]) != 8)
				return -EINVAL;
			mnl_attr_put(nlh, L2SEC_A_IPV6_IFID, sizeof(b), b);
			i++;
		} else if (!strcmp(k, "peer_sid")) {
			mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, atoi(v));
			i++;
		} else {
			fprintf(stderr, "unknown session option %s\n", k);
			return -EINVAL;
		}
	}
	return 0;
}

static int cmd_session_bulk(bool add, const char *tun, int first, int count)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int i, err;

	for (i = 0; i < count; i++) {
		uint32_t a4 = htonl((10u << 24) | (64u << 16) | (uint32_t)(i + 1));

		nlh = msg_start(buf, family_id, add ? L2SEC_CMD_SESSION_NEW :
				L2SEC_CMD_SESSION_DEL, 0);
		put_tunnel(nlh, tun);
		mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, first + i);
		if (add) {
			mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, first + i);
			mnl_attr_put_u8(nlh, L2SEC_A_STATE, L2SEC_STATE_UP);
			mnl_attr_put(nlh, L2SEC_A_IPV4, 4, &a4);
		}
		err = transact(nlh, NULL, NULL);
		if (err)
			return err;
	}
	printf("bulk %s=%d\n", add ? "added" : "deleted", count);
	return 0;
}

static int cmd_session(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	long count = 0;
	int err;

	if (argc < 2)
		return -EINVAL;
	if (!strcmp(argv[1], "dump")) {
		nlh = msg_start(buf, family_id, L2SEC_CMD_SESSION_GET, NLM_F_DUMP);
		if (argc >= 3 && strcmp(argv[2], "all"))
			put_tunnel(nlh, argv[2]);
		if (argc >= 5 && !strcmp(argv[3], "addr")) {	/* the module's address filter */
			uint8_t a[16];

			if (inet_pton(AF_INET, argv[4], a) == 1)
				mnl_attr_put(nlh, L2SEC_A_IPV4, 4, a);
			else if (inet_pton(AF_INET6, argv[4], a) == 1)
				mnl_attr_put(nlh, L2SEC_A_IPV6_ADDR, 16, a);
			else
				return -EINVAL;
			if (argc >= 7 && !strcmp(argv[5], "addr") &&
			    inet_pton(AF_INET6, argv[6], a) == 1)	/* a second: refused */
				mnl_attr_put(nlh, L2SEC_A_IPV6_ADDR, 16, a);
		}
		if (argc >= 4 && !strcmp(argv[3], "count")) {
			err = transact(nlh, print_cb, &count);
			printf("dumped=%ld\n", count);
			return err;
		}
		return transact(nlh, print_cb, NULL);
	}
	if ((!strcmp(argv[1], "bulk-add") || !strcmp(argv[1], "bulk-del")) && argc >= 5)
		return cmd_session_bulk(argv[1][5] == 'a', argv[2], atoi(argv[3]),
					atoi(argv[4]));
	if (argc < 4)
		return -EINVAL;
	if (!strcmp(argv[1], "add")) {
		if (argc < 5)
			return -EINVAL;
		nlh = msg_start(buf, family_id, L2SEC_CMD_SESSION_NEW, 0);
		put_tunnel(nlh, argv[2]);
		mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, atoi(argv[3]));
		mnl_attr_put_u16(nlh, L2SEC_A_PEER_SESSION_ID, atoi(argv[4]));
		err = put_session_opts(nlh, argc, argv, 5);
	} else {
		uint8_t cmd = !strcmp(argv[1], "set") ? L2SEC_CMD_SESSION_SET :
			      !strcmp(argv[1], "del") ? L2SEC_CMD_SESSION_DEL :
			      L2SEC_CMD_SESSION_GET;

		nlh = msg_start(buf, family_id, cmd, 0);
		put_tunnel(nlh, argv[2]);
		mnl_attr_put_u16(nlh, L2SEC_A_SESSION_ID, atoi(argv[3]));
		err = put_session_opts(nlh, argc, argv, 4);
	}
	if (err)
		return err;
	return transact(nlh, print_cb, NULL);
}

static int cmd_stats(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = msg_start(buf, family_id, L2SEC_CMD_STATS_GET, 0);

	return transact(nlh, print_cb, NULL);
}

static int cmd_recv(int argc, char **argv)
{
	unsigned char data[4096];
	struct ctl_sock *cs;
	struct pollfd pfd;
	ssize_t n;
	int i;

	if (argc < 3)
		return -EINVAL;
	cs = sock_by_name(argv[1]);
	if (!cs)
		return -ENOENT;
	pfd.fd = cs->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, atoi(argv[2])) <= 0) {
		printf("recv none\n");
		return -ETIMEDOUT;
	}
	n = recv(cs->fd, data, sizeof(data), 0);
	if (n < 0)
		return -errno;
	printf("recv len=%zd hex=", n);
	for (i = 0; i < n; i++)
		printf("%02x", data[i]);
	printf("\n");
	return 0;
}

static int cmd_drain(int argc, char **argv)
{
	unsigned char data[65536];
	long n = 0, odd = 0, max = 0;
	struct timespec t0, t;
	struct ctl_sock *cs;
	struct pollfd pfd;
	long ms, left;
	ssize_t len;

	if (argc < 4)
		return -EINVAL;
	cs = sock_by_name(argv[1]);
	if (!cs)
		return -ENOENT;
	ms = atol(argv[2]);
	pfd.fd = cs->fd;
	pfd.events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		len = recv(cs->fd, data, sizeof(data), MSG_TRUNC);
		if (len < 0)
			return -errno;
		n++;
		odd += len != atol(argv[3]);
		max = len > max ? len : max;
	}
	printf("drain n=%ld max=%ld odd=%ld\n", n, max, odd);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	unsigned char data[4096];
	struct sockaddr_storage ss;
	struct ctl_sock *cs;
	size_t n = 0, i;
	socklen_t len;

	if (argc < 5)
		return -EINVAL;
	cs = sock_by_name(argv[1]);
	if (!cs || parse_sockaddr(argv[2], atoi(argv[3]), &ss, &len) < 0)
		return -EINVAL;
	for (i = 0; argv[4][i] && argv[4][i + 1] && n < sizeof(data); i += 2) {
		unsigned int b;

		if (sscanf(argv[4] + i, "%2x", &b) != 1)
			return -EINVAL;
		data[n++] = b;
	}
	if (sendto(cs->fd, data, n, 0, (struct sockaddr *)&ss, len) < 0)
		return -errno;
	return 0;
}

static int cmd_monitor(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	int want, timeout, got = 0;
	struct pollfd pfd;

	/* monitor start [sock]: joins "events", or "sock" */
	if (argc >= 2 && !strcmp(argv[1], "start")) {
		uint32_t grp = argc >= 3 && !strcmp(argv[2], "sock") ? sock_mcgrp_id : mcgrp_id;

		if (nl_mon)
			return 0;
		if (!grp)
			return -ENOENT;
		nl_mon = mnl_socket_open(NETLINK_GENERIC);
		if (!nl_mon || mnl_socket_bind(nl_mon, 0, MNL_SOCKET_AUTOPID) < 0)
			return -errno;
		if (mnl_socket_setsockopt(nl_mon, NETLINK_ADD_MEMBERSHIP, &grp,
					  sizeof(grp)) < 0)
			return -errno;
		return 0;
	}
	if (argc < 3 || !nl_mon)
		return -EINVAL;
	want = atoi(argv[1]);
	timeout = atoi(argv[2]);
	pfd.fd = mnl_socket_get_fd(nl_mon);
	pfd.events = POLLIN;
	while (got < want) {
		int n;

		if (poll(&pfd, 1, timeout) <= 0)
			break;
		n = mnl_socket_recvfrom(nl_mon, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		got++;
		mnl_cb_run(buf, n, 0, 0, print_cb, NULL);
	}
	printf("monitor got=%d\n", got);
	return 0;
}

static int run_command(int argc, char **argv)
{
	if (!strcmp(argv[0], "sock") && argc >= 5 && !strcmp(argv[1], "add"))
		return cmd_sock_add(argc, argv);
	if (!strcmp(argv[0], "sock"))
		return cmd_sock(argc, argv);
	if (!strcmp(argv[0], "tunnel"))
		return cmd_tunnel(argc, argv);
	if (!strcmp(argv[0], "session"))
		return cmd_session(argc, argv);
	if (!strcmp(argv[0], "stats"))
		return cmd_stats();
	if (!strcmp(argv[0], "recv"))
		return cmd_recv(argc, argv);
	if (!strcmp(argv[0], "send"))
		return cmd_send(argc, argv);
	if (!strcmp(argv[0], "drain"))
		return cmd_drain(argc, argv);
	if (!strcmp(argv[0], "monitor"))
		return cmd_monitor(argc, argv);
	if (!strcmp(argv[0], "echo")) {
		int i;

		for (i = 1; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
		return 0;
	}
	fprintf(stderr, "unknown command %s\n", argv[0]);
	return -EINVAL;
}

/* Runs one script line; returns false if the program must stop. */
static bool run_line(char *line)
{
	char *argv[MAX_ARGS], *p, *save = NULL;
	bool expect_fail = false;
	int argc = 0, err;

	extack_msg[0] = 0;
	line[strcspn(line, "\n")] = 0;
	p = line + strspn(line, " \t");
	if (!*p || *p == '#')
		return true;
	if (*p == '!') {
		expect_fail = true;
		p++;
	}
	if (!strncmp(p, "run ", 4)) {
		fflush(stdout);
		err = system(p + 4);
		if (err) {
			printf("error: run %s: status %d\n", p + 4, err);
			return false;
		}
		return true;
	}
	for (p = strtok_r(p, " \t", &save); p && argc < MAX_ARGS;
	     p = strtok_r(NULL, " \t", &save))
		argv[argc++] = p;
	if (!argc)
		return true;
	err = run_command(argc, argv);
	if (expect_fail) {
		if (!err) {
			printf("error: %s succeeded but should fail\n", argv[0]);
			return false;
		}
		printf("expect-fail ok %s: %s%s%s\n", argv[0], strerror(-err),
		       extack_msg[0] ? ": " : "", extack_msg);
		return true;
	}
	if (err) {
		printf("error: %s %s: %s%s%s\n", argv[0], argc > 1 ? argv[1] : "",
		       strerror(-err), extack_msg[0] ? ": " : "", extack_msg);
		return false;
	}
	fflush(stdout);
	return true;
}

int main(int argc, char **argv)
{
	FILE *in = stdin;
	char line[1024];
	int one = 1, i, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	err = genl_resolve();
	if (err || !family_id) {
		fprintf(stderr, "generic netlink family %s: %s\n", L2SEC_GENL_NAME,
			strerror(-err));
		return 1;
	}
	if (argc >= 3 && !strcmp(argv[1], "-f")) {
		in = fopen(argv[2], "r");
		if (!in) {
			perror(argv[2]);
			return 1;
		}
	} else if (argc >= 2) {
		line[0] = 0;
		for (i = 1; i < argc; i++) {
			strncat(line, argv[i], sizeof(line) - strlen(line) - 2);
			strcat(line, " ");
		}
		return run_line(line) ? 0 : 1;
	}
	while (fgets(line, sizeof(line), in))
		if (!run_line(line))
			return 1;
	return 0;
}
