// SPDX-License-Identifier: GPL-2.0
/* Kernel modules the kernel loads for l2secd (kmod.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datapath/kmod.h"
#include "core/log.h"

int xfrm_user_load(void)
{
	/* netlink_create() asks for "net-pf-16-proto-6", xfrm_user's alias */
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

#define TUN_DEV "/dev/net/tun"

/* Sends NLH and reads its ack; the kernel's answer itself does not matter. */
static void rtnl_ask(struct mnl_socket *nl, struct nlmsghdr *nlh, char *buf, size_t size)
{
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return;
	mnl_socket_recvfrom(nl, buf, size);	/* tun's EOPNOTSUPP, once it is loaded */
}

int tun_load(void)
{
	_Alignas(struct nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;

	if (access(TUN_DEV, F_OK) == 0 || errno != ENOENT)
		return access(TUN_DEV, F_OK);
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "tun");
	mnl_attr_nest_end(nlh, info);
	rtnl_ask(nl, nlh, buf, sizeof(buf));
	mnl_socket_close(nl);
	return access(TUN_DEV, F_OK);
}
