// SPDX-License-Identifier: GPL-2.0
/* Kernel modules the kernel loads for l2secd (kmod.h). */
#include <linux/netlink.h>
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
