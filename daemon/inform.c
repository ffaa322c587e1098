// SPDX-License-Identifier: GPL-2.0
/* DHCPINFORM answers on the data device, for a session's own address only. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp.h"
#include "inform.h"
#include "log.h"
#include "sess.h"
#include "users.h"
#include "util.h"

#define INFORM_BATCH 16		/* datagrams per wakeup */
#define LOG_EVERY 100		/* a drop reason is logged on its 1st, 101st, ... time */

struct inform {
	struct evloop *loop;
	const struct l2sec_config *cfg;	/* the daemon's, replaced in place on reload */
	struct sessions *ss;
	struct ev_io io;
	int fd;
	struct inform_stats st;
};

static void drop(uint64_t *counter, struct in_addr src, const char *why)
{
	char a[INET_ADDRSTRLEN];

	if ((*counter)++ % LOG_EVERY)
		return;
	inet_ntop(AF_INET, &src, a, sizeof(a));
	log_info("dhcp: INFORM from %s dropped: %s (%llu so far)", a, why,
		 (unsigned long long)*counter);
}

/*
 * The answer's values: the [ppp] ones, each replaced by the session's
 * user's own (users_split), looked up now so a reload counts at once.
 */
static void fill_answer(const struct l2sec_config *cfg, const struct sessions *ss,
			struct in_addr client, struct dhcp_answer *a)
{
	struct users_split sp;

	users_split(sessions_user_ipv4(ss, client), cfg, &sp);
	memset(a, 0, sizeof(*a));
	a->dns = cfg->dns;
	while (a->n_dns < 2 && cfg->dns[a->n_dns].s_addr)
		a->n_dns++;
	a->domain = sp.dns_domain;
	a->search = sp.dns_search;
	a->n_search = sp.n_dns_search;
	a->routes = sp.routes;
	a->n_routes = sp.n_routes;
	a->router = cfg->local_ipv4;
}

size_t inform_reply(const struct l2sec_config *cfg, const struct sessions *ss,
		    struct inform_stats *st, const uint8_t *pkt, size_t len,
		    const struct sockaddr_in *from, uint8_t *buf, size_t size)
{
	struct dhcp_answer a;
	struct dhcp_inform req;
	const char *why = NULL;
	unsigned int mtu;
	size_t n, want;

	if (ntohs(from->sin_port) != DHCP_CLIENT_PORT) {
		drop(&st->dropped_malformed, from->sin_addr, "source port is not 68");
		return 0;
	}
	if (dhcp_parse_inform(pkt, len, &req, &why) < 0) {
		drop(&st->dropped_malformed, from->sin_addr, why);
		return 0;
	}
	/* RFC 2131 4.3.5: ciaddr is the client's; only its own session may ask */
	if (req.ciaddr.s_addr != from->sin_addr.s_addr ||
	    !sessions_find_ipv4(ss, req.ciaddr, &mtu)) {
		drop(&st->dropped_foreign, from->sin_addr,
		     "ciaddr is not the sender's session address");
		return 0;
	}
	fill_answer(cfg, ss, req.ciaddr, &a);
	want = dhcp_ack_size(&req, mtu);
	n = dhcp_build_ack(buf, want < size ? want : size, &req, cfg->local_ipv4, &a);
	if (!n) {
		log_warn("dhcp: the answer for %s does not fit its link (MTU %u): too many routes?",
			 inet_ntoa(req.ciaddr), mtu);
		st->send_errors++;
		return 0;
	}
	log_debug("dhcp: INFORM from %s answered (%u routes)", inet_ntoa(req.ciaddr),
		  a.n_routes);
	return n;
}

static void answer(struct inform *in, const uint8_t *pkt, size_t len,
		   const struct sockaddr_in *from)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_CLIENT_PORT),
		.sin_addr = from->sin_addr,
	};
	uint8_t buf[2048];
	size_t n = inform_reply(in->cfg, in->ss, &in->st, pkt, len, from, buf, sizeof(buf));

	if (!n)
		return;
	if (sendto(in->fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0) {
		in->st.send_errors++;
		log_info("dhcp: reply to %s: %s", inet_ntoa(to.sin_addr), strerror(errno));
		return;
	}
	in->st.answered++;
}

static void rx_cb(struct ev_io *io, uint32_t events)
{
	struct inform *in = container_of(io, struct inform, io);
	uint8_t pkt[DHCP_MAX_LEN + 1];

	(void)events;
	for (int i = 0; i < INFORM_BATCH; i++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(in->fd, pkt, sizeof(pkt), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			return;
		if (flen < sizeof(from) || from.sin_family != AF_INET)
			continue;
		answer(in, pkt, (size_t)n, &from);
	}
}

struct inform *inform_open(struct evloop *loop, const struct l2sec_config *cfg,
			   struct sessions *ss, const char *ifname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT) };
	struct inform *in = calloc(1, sizeof(*in));
	int one = 1;

	if (!in)
		return NULL;
	in->loop = loop;
	in->cfg = cfg;
	in->ss = ss;
	in->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (in->fd < 0)
		goto err;
	/* only the data device: the host's own DHCP server, if any, keeps the rest */
	if (setsockopt(in->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(in->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(in->fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    bind(in->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto err_fd;
	if (evloop_add_io(loop, &in->io, in->fd, EPOLLIN, rx_cb) < 0)
		goto err_fd;
	log_info("dhcp: answering DHCPINFORM on %s port 67", ifname);
	return in;
err_fd:
	close(in->fd);
err:
	log_err("dhcp: socket on %s port 67: %s", ifname, strerror(errno));
	free(in);
	return NULL;
}

void inform_close(struct inform *in)
{
	if (!in)
		return;
	evloop_del_io(in->loop, &in->io);
	close(in->fd);
	free(in);
}

const struct inform_stats *inform_stats(const struct inform *in)
{
	return &in->st;
}
