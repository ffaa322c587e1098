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

#include "addr/dhcp.h"
#include "inform.h"
#include "core/log.h"
#include "core/logrl.h"
#include "sess.h"
#include "conf/users.h"
#include "core/util.h"

#define INFORM_BATCH 16		/* datagrams per wakeup */
#define WARN_EVERY_MS 60000	/* a session's short answers: one warning a minute */

struct inform {
	struct evloop *loop;
	const struct l2sec_config *cfg;	/* the daemon's, replaced in place on reload */
	struct sessions *ss;
	struct ev_io io;
	int fd;
	struct inform_stats st;
};

/*
 * Every drop counted; the lines, any reason, limited in time (a 1-in-100
 * sample still wrote 10000 lines a second under a million INFORMs).
 */
static void drop(uint64_t *counter, struct in_addr src, const char *why)
{
	static struct logrl rl = LOGRL_INIT_DEFAULT;
	char a[INET_ADDRSTRLEN];

	(*counter)++;
	log_rl_info(&rl, "dhcp: INFORM from %s dropped: %s (%llu so far)",
		    inet_ntop(AF_INET, &src, a, sizeof(a)), why, (unsigned long long)*counter);
}

/*
 * The answer's values: the [ppp] ones, each replaced by the session's own
 * (its RADIUS server's, else its user's in the users file), looked up now so
 * a reload counts at once.
 */
static void fill_answer(const struct l2sec_config *cfg, const struct sessions *ss,
			struct in_addr client, struct dhcp_answer *a)
{
	sessions_dhcp_answer(ss, client, cfg, a);
}

static const char *left_names(unsigned int left)
{
	const unsigned int both = DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249;

	if ((left & both) == both)
		return "the routes, the domain and the search list";
	return left & DHCP_LEFT_DOMAIN ? "the domain, the search list and a route option" :
	       "the search list and a route option";
}

/*
 * What went into the ACK, counted; a configured value left out is warned
 * about once a minute per session (a client can send INFORMs in a loop).
 */
static void account(struct inform *in, struct in_addr client, unsigned int mtu,
		    unsigned int left)
{
	const unsigned int both = DHCP_LEFT_ROUTES_121 | DHCP_LEFT_ROUTES_249;

	in->st.answered++;
	if (!left)
		return;
	if (!(left & ~both) && (left & both) != both) {
		in->st.answered_one_route_option++;	/* all there, the routes once */
		return;
	}
	in->st.answered_short++;
	if (sessions_warn_ok(in->ss, client, WARN_EVERY_MS))
		log_warn("dhcp: the answer for %s does not fit its link (MTU %u) or its maximum "
			 "message size: %s left out (%llu such answers so far)", inet_ntoa(client),
			 mtu, left_names(left), (unsigned long long)in->st.answered_short);
}

int inform_check_users(const struct l2sec_config *cfg, const struct users_db *db,
		       users_error_fn err, void *ctx)
{
	const struct users_entry *u;
	struct users_split sp;
	struct dhcp_answer a;
	char msg[320];
	int errors = 0;
	size_t len;

	for (size_t i = 0; (u = users_at(db, i)); i++) {
		if (!u->own)
			continue;
		users_split(u, cfg, &sp);
		config_dhcp_answer(&a, cfg, &sp);
		len = dhcp_answer_len(&a);
		if (len && len <= DHCP_MIN_MSG_LEN)
			continue;
		snprintf(msg, sizeof(msg), "user '%s': routes=, dns-domain= and dns-search= (with "
			 "[ppp] for those not given) make a DHCPINFORM answer of %zu octets, more "
			 "than the %u every client takes: list fewer routes or search domains",
			 u->name, len, DHCP_MIN_MSG_LEN);
		if (err)
			err(ctx, u->line, msg);
		errors++;
	}
	return errors;
}

size_t inform_reply(const struct l2sec_config *cfg, const struct sessions *ss,
		    struct inform_stats *st, const uint8_t *pkt, size_t len,
		    const struct sockaddr_in *from, uint8_t *buf, size_t size,
		    struct inform_reply_info *info)
{
	struct dhcp_answer a;
	struct dhcp_inform req;
	const char *why = NULL;
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
	    !sessions_find_ipv4(ss, req.ciaddr, &info->mtu)) {
		drop(&st->dropped_foreign, from->sin_addr,
		     "ciaddr is not the sender's session address");
		return 0;
	}
	info->client = req.ciaddr;
	fill_answer(cfg, ss, req.ciaddr, &a);
	want = dhcp_ack_size(&req, info->mtu);
	n = dhcp_build_ack(buf, want < size ? want : size, &req, cfg->local_ipv4, &a,
			   &info->left);
	if (!n) {
		/* the values are checked at load: only one that cannot be encoded gets here */
		drop(&st->dropped_unanswerable, req.ciaddr, "no answer can be built");
		return 0;
	}
	info->n_routes = a.n_routes;
	return n;
}

static void answer(struct inform *in, const uint8_t *pkt, size_t len,
		   const struct sockaddr_in *from)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
	struct inform_reply_info info;
	uint8_t buf[2048];
	size_t n;

	n = inform_reply(in->cfg, in->ss, &in->st, pkt, len, from, buf, sizeof(buf), &info);
	if (!n)
		return;
	to.sin_addr = info.client;
	if (sendto(in->fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0) {
		drop(&in->st.send_errors, info.client, strerror(errno));
		return;
	}
	account(in, info.client, info.mtu, info.left);
	log_debug("dhcp: INFORM from %s answered (%u routes)", inet_ntoa(info.client),
		  info.n_routes);
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
