/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DHCPINFORM responder on the data device (l2sec0, kernel or TUN path).
 *
 * Windows asks for its DNS suffix and split-tunnel routes with a DHCPINFORM
 * after IPCP (options 15, 121, 249); the answer is built by dhcp.c from the
 * configuration in force, with the session's user's own values from the
 * users file in force (users_split). Only a session's own address is answered: the
 * INFORM's ciaddr must be its source and belong to an up session. The reply
 * is unicast to ciaddr:68 (RFC 2131 4.3.5), routed through l2sec0 to that
 * session. Everything else is dropped and counted, with a rate-limited log.
 */
#ifndef L2SECD_INFORM_H
#define L2SECD_INFORM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "core/evloop.h"
#include "conf/users.h"

struct sessions;

struct inform_stats {
	uint64_t answered;
	/* of those: the routes in one option only, to fit the client's size limit */
	uint64_t answered_one_route_option;
	/* of those: a configured value left out (a limit below what -n checks; logged) */
	uint64_t answered_short;
	uint64_t dropped_malformed;	/* dhcp_parse_inform refused it */
	uint64_t dropped_foreign;	/* source is not that session's ciaddr / no session */
	uint64_t dropped_unanswerable;	/* no ACK could be built */
	uint64_t send_errors;
};

struct inform;

/* A UDP socket on port 67 bound to device ifname; NULL (logged) on error. */
struct inform *inform_open(struct evloop *loop, const struct l2sec_config *cfg,
			   struct sessions *ss, const char *ifname);
void inform_close(struct inform *in);
const struct inform_stats *inform_stats(const struct inform *in);

/*
 * Every user of db whose own routes=, dns-domain= or dns-search= (with the
 * [ppp] values for the keys the line does not give) make an answer longer
 * than DHCP_MIN_MSG_LEN (dhcp_answer_len): one error each through err, with
 * the user's line. Returns the number of errors. The [ppp] values alone are
 * config.c's check.
 */
int inform_check_users(const struct l2sec_config *cfg, const struct users_db *db,
		       users_error_fn err, void *ctx);

/* What inform_reply() found out, for the caller's accounting and log. */
struct inform_reply_info {
	struct in_addr client;		/* the session's address: where the answer goes */
	unsigned int mtu;		/* its link's */
	unsigned int left;		/* DHCP_LEFT_*: configured values left out */
	unsigned int n_routes;
};

/*
 * The answer to one datagram to port 67 from `from`, with the values in
 * force: its length in buf (at most size octets), to be sent to info->client,
 * port 68; or 0 when it gets none (counted in st, logged rate-limited). No
 * I/O: the socket's callback and the fuzz target use it.
 */
size_t inform_reply(const struct l2sec_config *cfg, const struct sessions *ss,
		    struct inform_stats *st, const uint8_t *pkt, size_t len,
		    const struct sockaddr_in *from, uint8_t *buf, size_t size,
		    struct inform_reply_info *info);

#endif
