// SPDX-License-Identifier: GPL-2.0
/*
 * The data device (l2sec or TUN) and its address over libnl-route-3; the
 * pools' routes and the host routes of clients outside them over libmnl
 * (route_req).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "core/log.h"
#include "datapath/netdev.h"
#include "core/util.h"
#include "gnl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define RT_REQ_SIZE 256		/* a route request: rtmsg, RTA_DST, RTA_PREFSRC, RTA_OIF */
#define RT_ANS_SIZE 4096	/* its ack, or an error with the kernel's message */

struct netdev {
	struct nl_sock *sk;
	struct mnl_socket *rt;		/* route requests */
	uint32_t rt_portid, rt_seq;
	char *rt_ans;			/* RT_ANS_SIZE */
	enum netdev_kind kind;
	char name[IFNAMSIZ];
	int ifindex;
	int tun_fd;			/* NETDEV_TUN, else -1 */
	bool created;			/* ours to delete at close */
	struct in_addr local;
	/* The last request's error as the kernel sent it: libnl maps errnos
	 * to its own codes, losing some, and drops the extended ack. */
	int kerr;
	char extack[128];
};

static const char *const kind_names[] = {
	[NETDEV_L2SEC] = "l2sec",
	[NETDEV_TUN] = "TUN",
};

/* libnl's error callback: keep the kernel's errno and message, then let
 * libnl fail the request as it would without us. */
static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct netdev *nd = arg;
	size_t off = sizeof(*e), len = nlh->nlmsg_len - NLMSG_HDRLEN;
	struct nlattr *a;

	nd->kerr = reply_errno(e->error);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	/* The request is echoed before the attributes unless capped. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (e->msg.nlmsg_len < NLMSG_HDRLEN || off >= len)
		return NL_STOP;
	a = nla_find((struct nlattr *)((char *)e + off), (int)(len - off), NLMSGERR_ATTR_MSG);
	if (a)
		nla_strlcpy(nd->extack, a, sizeof(nd->extack));
	return NL_STOP;
}

static void req_start(struct netdev *nd)
{
	nd->kerr = 0;
	nd->extack[0] = '\0';
}

/* An errno for a libnl error that did not come from the kernel. */
static int nlerr_errno(int err)
{
	static const int map[] = {
		[NLE_INTR] = EINTR, [NLE_BAD_SOCK] = EBADF, [NLE_AGAIN] = EAGAIN,
		[NLE_NOMEM] = ENOMEM, [NLE_EXIST] = EEXIST, [NLE_INVAL] = EINVAL,
		[NLE_RANGE] = ERANGE, [NLE_MSGSIZE] = EMSGSIZE, [NLE_OPNOTSUPP] = EOPNOTSUPP,
		[NLE_AF_NOSUPPORT] = EAFNOSUPPORT, [NLE_OBJ_NOTFOUND] = ENOENT,
		[NLE_NOADDR] = EADDRNOTAVAIL, [NLE_BUSY] = EBUSY, [NLE_NOACCESS] = EACCES,
		[NLE_PERM] = EPERM, [NLE_NODEV] = ENODEV,
	};

	err = err < 0 ? -err : err;
	if (err < (int)(sizeof(map) / sizeof(map[0])) && map[err])
		return map[err];
	return EIO;
}

/* The errno of a failed request: the kernel's when it sent one. */
static int req_errno(const struct netdev *nd, int err)
{
	return nd->kerr ? nd->kerr : nlerr_errno(err);
}

/* Log a failed request once, with the kernel's message; errno set; -1. */
__attribute__((format(printf, 3, 4)))
static int req_fail(struct netdev *nd, int err, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_err("netdev %s: %s: %s%s%s", nd->name, what,
		nd->kerr ? strerror(nd->kerr) : nl_geterror(err),
		nd->extack[0] ? ": " : "", nd->extack);
	errno = req_errno(nd, err);
	return -1;
}

/* The link named nd->name; -NLE_NODEV (or -NLE_OBJ_NOTFOUND) when none. */
static int link_get(struct netdev *nd, struct rtnl_link **link)
{
	req_start(nd);
	return rtnl_link_get_kernel(nd->sk, 0, nd->name, link);
}

static bool link_absent(int err)
{
	return err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND;
}

static bool link_is(struct rtnl_link *link, const char *kind)
{
	const char *type = rtnl_link_get_type(link);

	return type && !strcmp(type, kind);
}

static int create_l2sec(struct netdev *nd)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int err;

	req_start(nd);
	if (!link || rtnl_link_set_type(link, "l2sec") < 0) {
		err = -NLE_NOMEM;
		goto out;
	}
	rtnl_link_set_name(link, nd->name);
	err = rtnl_link_add(nd->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	/* The name was free a moment ago: the kernel's EEXIST means its one
	 * l2sec device of this namespace has another name. */
	if (err == -NLE_EXIST && !nd->extack[0])
		snprintf(nd->extack, sizeof(nd->extack),
			 "this namespace has an l2sec device by another name");
out:
	rtnl_link_put(link);
	if (err < 0)
		return req_fail(nd, err, "create l2sec device");
	nd->created = true;
	return 0;
}

/* Use the l2sec device of that name, or create it. */
static int open_l2sec(struct netdev *nd)
{
	struct rtnl_link *link = NULL;
	int err = link_get(nd, &link);

	if (err < 0 && !link_absent(err))
		return req_fail(nd, err, "look up device");
	if (err < 0)
		return create_l2sec(nd);
	err = link_is(link, "l2sec") ? 0 : -1;
	rtnl_link_put(link);
	if (err < 0) {
		log_err("netdev %s: exists and is not an l2sec device", nd->name);
		errno = EEXIST;
	}
	return err;
}

/* Attach to the persistent TUN device of that name, or create one that
 * lives as long as the fd. A device of another kind is not ours to take. */
static int open_tun(struct netdev *nd)
{
	struct rtnl_link *link = NULL;
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int err = link_get(nd, &link);

	if (err < 0 && !link_absent(err))
		return req_fail(nd, err, "look up device");
	if (err == 0) {
		bool tun = link_is(link, "tun");

		rtnl_link_put(link);
		if (!tun) {
			log_err("netdev %s: exists and is not a TUN device", nd->name);
			errno = EEXIST;
			return -1;
		}
	}
	nd->tun_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (nd->tun_fd < 0) {
		log_err("netdev %s: open /dev/net/tun: %s", nd->name, strerror(errno));
		return -1;
	}
	memcpy(ifr.ifr_name, nd->name, sizeof(ifr.ifr_name));
	if (ioctl(nd->tun_fd, TUNSETIFF, &ifr) < 0) {
		/* A TAP device is of link kind "tun" too; EBUSY: someone is attached */
		log_err("netdev %s: attach TUN device: %s%s", nd->name, strerror(errno),
			errno == EINVAL ? " (a TAP device?)" : "");
		return -1;
	}
	nd->created = err < 0;
	return 0;
}

/* The ifindex, then the MTU and IFF_UP in one change. */
static int link_setup(struct netdev *nd, unsigned int mtu)
{
	struct rtnl_link *link = NULL, *change = NULL;
	int err = link_get(nd, &link);

	if (err < 0)
		return req_fail(nd, err, "look up device");
	nd->ifindex = rtnl_link_get_ifindex(link);
	req_start(nd);
	change = rtnl_link_alloc();
	if (!change) {
		err = -NLE_NOMEM;
		goto out;
	}
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	rtnl_link_set_flags(change, IFF_UP);
	err = rtnl_link_change(nd->sk, link, change, 0);
out:
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (err < 0 && mtu)
		return req_fail(nd, err, "set MTU %u and bring up", mtu);
	if (err < 0)
		return req_fail(nd, err, "bring up");
	return 0;
}

static int addr_add(struct netdev *nd)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, &nd->local, sizeof(nd->local));
	char s[INET_ADDRSTRLEN];
	int err = -NLE_NOMEM;

	req_start(nd);
	if (!addr || !local)
		goto out;
	nl_addr_set_prefixlen(local, 32);
	rtnl_addr_set_ifindex(addr, nd->ifindex);
	err = rtnl_addr_set_local(addr, local);
	if (err < 0)
		goto out;
	rtnl_addr_set_prefixlen(addr, 32);
	rtnl_addr_set_scope(addr, RT_SCOPE_UNIVERSE);
	err = rtnl_addr_add(nd->sk, addr, 0);
	if (err == -NLE_EXIST)
		err = 0;
out:
	nl_addr_put(local);
	rtnl_addr_put(addr);
	if (err < 0)
		return req_fail(nd, err, "add address %s/32",
				inet_ntop(AF_INET, &nd->local, s, sizeof(s)));
	return 0;
}

/* By ifindex when known: the name may have been taken over meanwhile. */
static void link_delete(struct netdev *nd)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int err = -NLE_NOMEM;

	req_start(nd);
	if (link) {
		if (nd->ifindex)
			rtnl_link_set_ifindex(link, nd->ifindex);
		else
			rtnl_link_set_name(link, nd->name);
		err = rtnl_link_delete(nd->sk, link);
		rtnl_link_put(link);
	}
	if (err < 0)
		req_fail(nd, err, "delete device");
}

/* Undo netdev_open: remove a device we created, close the fd; errno kept. */
static void teardown(struct netdev *nd)
{
	int saved = errno;

	if (nd->kind == NETDEV_L2SEC && nd->created)
		link_delete(nd);
	/* The last close of a non-persistent TUN device's fd removes it. */
	if (nd->tun_fd >= 0)
		close(nd->tun_fd);
	if (nd->rt)
		mnl_socket_close(nd->rt);
	free(nd->rt_ans);
	nl_socket_free(nd->sk);
	free(nd);
	errno = saved;
}

/* The route socket: acks with the kernel's message but without our request echoed. */
static int route_sock_open(struct netdev *nd)
{
	nd->rt_ans = malloc(RT_ANS_SIZE);
	nd->rt = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nd->rt_ans || !nd->rt || mnl_socket_bind(nd->rt, 0, MNL_SOCKET_AUTOPID) < 0) {
		nd->kerr = errno ? errno : ENOMEM;
		return -1;
	}
	nd->rt_portid = mnl_socket_get_portid(nd->rt);
	mnl_socket_setsockopt(nd->rt, NETLINK_EXT_ACK, &(int){ 1 }, sizeof(int));
	mnl_socket_setsockopt(nd->rt, NETLINK_CAP_ACK, &(int){ 1 }, sizeof(int));
	return 0;
}

static struct netdev *netdev_new(const char *name, enum netdev_kind kind, struct in_addr local)
{
	struct netdev *nd;
	int err;

	/* "%d" would let the kernel choose the name, and ours would be wrong. */
	if (!name[0] || strlen(name) >= IFNAMSIZ || strchr(name, '%')) {
		log_err("netdev: invalid interface name \"%s\"", name);
		errno = EINVAL;
		return NULL;
	}
	nd = calloc(1, sizeof(*nd));
	if (nd)
		nd->sk = nl_socket_alloc();
	if (!nd || !nd->sk) {
		log_err("netdev %s: %s", name, strerror(ENOMEM));
		free(nd);
		errno = ENOMEM;
		return NULL;
	}
	nd->kind = kind;
	nd->tun_fd = -1;
	nd->local = local;
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	err = nl_connect(nd->sk, NETLINK_ROUTE);
	if (err < 0) {
		req_fail(nd, err, "rtnetlink socket");
		teardown(nd);
		return NULL;
	}
	nl_socket_modify_err_cb(nd->sk, NL_CB_CUSTOM, err_cb, nd);
	/* Best effort: only the messages get worse without it. */
	setsockopt(nl_socket_get_fd(nd->sk), SOL_NETLINK, NETLINK_EXT_ACK, &(int){ 1 },
		   sizeof(int));
	if (route_sock_open(nd) < 0) {
		req_fail(nd, -NLE_FAILURE, "rtnetlink socket for routes");
		teardown(nd);
		return NULL;
	}
	return nd;
}

struct netdev *netdev_open(const char *name, enum netdev_kind kind, unsigned int mtu,
			   struct in_addr local)
{
	struct netdev *nd = netdev_new(name, kind, local);
	int err;

	if (!nd)
		return NULL;
	err = kind == NETDEV_L2SEC ? open_l2sec(nd) : open_tun(nd);
	if (err < 0 || link_setup(nd, mtu) < 0)
		goto err;
	/* Routes of a previous run that crashed would point at clients that
	 * are gone, or shadow the ones about to be added. */
	if (netdev_flush_routes(nd) < 0)
		goto err;
	if (local.s_addr != htonl(INADDR_ANY) && addr_add(nd) < 0)
		goto err;
	log_info("netdev %s: %s device, ifindex %d%s", nd->name, kind_names[kind],
		 nd->ifindex, nd->created ? ", created" : "");
	return nd;
err:
	teardown(nd);
	return NULL;
}

enum netdev_kind netdev_kind(const struct netdev *nd)
{
	return nd->kind;
}

int netdev_ifindex(const struct netdev *nd)
{
	return nd->ifindex;
}

const char *netdev_name(const struct netdev *nd)
{
	return nd->name;
}

int netdev_tun_fd(const struct netdev *nd)
{
	return nd->tun_fd;
}

/* "dst/plen" for log lines. */
static const char *prefix_str(int family, const void *dst, unsigned int plen, char *buf,
			      size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, dst, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, size, "%s/%u", a, plen);
	return buf;
}

/* The kernel's answer to route request seq: 0, or -errno (nd->kerr, nd->extack). */
static int route_answer(struct netdev *nd, uint32_t seq)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left;

	for (;;) {
		n = mnl_socket_recvfrom(nd->rt, nd->rt_ans, RT_ANS_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		nlh = (const struct nlmsghdr *)nd->rt_ans;
		left = (int)n;
		for (; gnl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			/* a late answer to an earlier request is not this one's */
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nd->rt_portid ||
			    nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			return gnl_parse_error(nlh, nd->extack, sizeof(nd->extack));
		}
	}
}

/*
 * The route as both add and delete send it: main table, our protocol, scope
 * link, the device, the local address as preferred source (IPv4). Built in
 * place with libmnl: a session's routes are the only rtnetlink requests it
 * makes, and libnl's objects and the zeroed page of each of its messages cost
 * about 10,000 instructions a route (docs/PERFORMANCE.md). The header, into
 * buf (RT_REQ_SIZE).
 */
static struct nlmsghdr *route_msg(struct netdev *nd, char *buf, uint16_t type, uint16_t flags,
				  int family, const void *dst, unsigned int plen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nd->rt_seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = (uint8_t)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = NETDEV_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst);
	if (family == AF_INET && nd->local.s_addr != htonl(INADDR_ANY))
		mnl_attr_put(nlh, RTA_PREFSRC, sizeof(nd->local), &nd->local);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)nd->ifindex);
	return nlh;
}

/* Send the request and wait for its answer: 0 or -errno. */
static int route_send(struct netdev *nd, struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(nd->rt, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return route_answer(nd, nlh->nlmsg_seq);
}

/* 0 or -errno. */
static int route_req(struct netdev *nd, uint16_t type, uint16_t flags, int family,
		     const void *dst, unsigned int plen)
{
	union {
		char buf[RT_REQ_SIZE];
		struct nlmsghdr align;
	} req;

	return route_send(nd, route_msg(nd, req.buf, type, flags, family, dst, plen));
}

static int route_check(struct netdev *nd, int family, unsigned int plen)
{
	if ((family == AF_INET && plen <= 32) || (family == AF_INET6 && plen <= 128))
		return 0;
	log_err("netdev %s: route: bad family %d or prefix length %u", nd->name, family, plen);
	errno = EINVAL;
	return -1;
}

/* A failed route request logged once with the kernel's message; errno set; -1. */
static int route_fail(struct netdev *nd, int err, const char *what, int family, const void *dst,
		      unsigned int plen)
{
	char p[INET6_ADDRSTRLEN + 5];

	nd->kerr = -err;
	return req_fail(nd, -NLE_FAILURE, "%s route %s", what,
			prefix_str(family, dst, plen, p, sizeof(p)));
}

static int route_add(struct netdev *nd, int family, const void *dst, unsigned int plen,
		     uint16_t flags, const char *what)
{
	int err;

	if (route_check(nd, family, plen) < 0)
		return -1;
	req_start(nd);
	err = route_req(nd, RTM_NEWROUTE, NLM_F_CREATE | flags, family, dst, plen);
	if (err < 0)
		return route_fail(nd, err, what, family, dst, plen);
	return 0;
}

int netdev_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen)
{
	return route_add(nd, family, dst, plen, NLM_F_REPLACE, "add");
}

/* Create only: an operator's route to the same prefix is theirs (EEXIST), not replaced. */
int netdev_pool_route_add(struct netdev *nd, int family, const void *dst, unsigned int plen)
{
	return route_add(nd, family, dst, plen, NLM_F_EXCL, "add pool");
}

int netdev_route_del(struct netdev *nd, int family, const void *dst, unsigned int plen)
{
	int err;

	if (route_check(nd, family, plen) < 0)
		return -1;
	req_start(nd);
	err = route_req(nd, RTM_DELROUTE, 0, family, dst, plen);
	/* IPv4 says ESRCH, IPv6 ENOENT */
	if (err < 0 && err != -ESRCH && err != -ENOENT)
		return route_fail(nd, err, "delete", family, dst, plen);
	return 0;
}

static int route_via(struct netdev *nd, bool add, int family, const void *net,
		     unsigned int plen, const void *gw)
{
	union {
		char buf[RT_REQ_SIZE];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	if (route_check(nd, family, plen) < 0)
		return -1;
	req_start(nd);
	nlh = route_msg(nd, req.buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, family, net, plen);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;	/* a gateway's route */
	rtm->rtm_flags |= RTNH_F_ONLINK;	/* no route to the client needed */
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	err = route_send(nd, nlh);
	if (!add && (err == -ESRCH || err == -ENOENT))
		err = 0;
	if (err == -EEXIST) {
		errno = EEXIST;	/* someone else's: not ours to log as a failure */
		return -1;
	}
	if (err < 0)
		return route_fail(nd, err, add ? "add" : "delete", family, net, plen);
	return 0;
}

int netdev_route_via(struct netdev *nd, bool add, struct in_addr net, unsigned int plen,
		     struct in_addr gw)
{
	return route_via(nd, add, AF_INET, &net, plen, &gw);
}

int netdev_route_via6(struct netdev *nd, bool add, const struct in6_addr *net,
		      unsigned int plen, const struct in6_addr *gw)
{
	return route_via(nd, add, AF_INET6, net, plen, gw);
}

struct flush {
	struct netdev *nd;
	int failed;
};

static bool route_ours(struct rtnl_route *r, int ifindex)
{
	struct rtnl_nexthop *nh;

	if (rtnl_route_get_protocol(r) != NETDEV_RTPROT || rtnl_route_get_nnexthops(r) != 1)
		return false;
	nh = rtnl_route_nexthop_n(r, 0);
	return nh && rtnl_route_nh_get_ifindex(nh) == ifindex;
}

static void flush_one(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct flush *f = arg;
	char p[INET6_ADDRSTRLEN + 5];
	int err;

	if (!route_ours(r, f->nd->ifindex))
		return;
	req_start(f->nd);
	err = rtnl_route_delete(f->nd->sk, r, 0);
	if (err < 0 && err != -NLE_OBJ_NOTFOUND) {
		req_fail(f->nd, err, "flush route %s",
			 nl_addr2str(rtnl_route_get_dst(r), p, sizeof(p)));
		f->failed = errno;
	}
}

int netdev_flush_routes(struct netdev *nd)
{
	struct flush f = { .nd = nd };
	struct nl_cache *cache = NULL;
	int err;

	req_start(nd);
	err = rtnl_route_alloc_cache(nd->sk, AF_UNSPEC, 0, &cache);
	if (err < 0)
		return req_fail(nd, err, "list routes");
	nl_cache_foreach(cache, flush_one, &f);
	nl_cache_free(cache);
	if (f.failed) {
		errno = f.failed;
		return -1;
	}
	return 0;
}

void netdev_close(struct netdev *nd)
{
	int saved = errno;

	if (!nd)
		return;
	netdev_flush_routes(nd);
	teardown(nd);
	errno = saved;
}
