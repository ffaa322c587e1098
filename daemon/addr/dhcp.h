/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DHCPINFORM on PPP links (RFC 2131 3.4, 4.3.5): split tunnel and split DNS.
 *
 * PPP hands a client its address and DNS servers (IPCP) but no routes and
 * no domain. After IPCP, Windows broadcasts a DHCPINFORM from its address
 * over the PPP link (UDP 68 -> 67) and applies from the DHCPACK options 249
 * (Microsoft classless static routes) or 121 (RFC 3442) and 15 (the
 * connection-specific DNS suffix). Apple's pppd (macOS, iOS; ppp's
 * Helpers/pppd/acsp.c) does the same on an L2TP link that is not the
 * primary service (OverridePrimary off) when the peer refuses ACSP: it asks
 * for 6, 44, 43, 1, 249 and 15 (htype 8, client id 61, no padding to 300
 * octets, up to five tries 3 s apart), takes an ACK whose first option is
 * 53, installs the 249 routes through the PPP interface (their router
 * ignored) and the 15 domain as a search and supplemental match domain (a
 * list split at ',', ';' or ' '), and would apply a subnet mask (1), which
 * is never sent. Other clients ask for 121 and 119 (RFC 3397 search list).
 * This is the packet logic of a responder: parse the INFORM, build the ACK.
 * No I/O, no state, no allocation.
 */
#ifndef L2SECD_DHCP_H
#define L2SECD_DHCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* The answers' limits, as [ppp] routes and dns-search take them (conf/config.h). */
#define CONFIG_MAX_ROUTES 32		/* [ppp] routes */
#define CONFIG_MAX_SEARCH 8		/* [ppp] dns-search */
#define CONFIG_DOMAIN_MAX 253		/* characters of a domain name (RFC 1035) */

/* A network sent through the tunnel: net/plen, host bits zero, plen 1..32. */
struct config_route {
	struct in_addr net;		/* network byte order */
	unsigned int plen;
};

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_HDR_LEN 240	/* op .. file (236 octets) and the magic cookie */
#define DHCP_MAX_LEN 1472	/* the largest INFORM taken: UDP payload at MTU 1500 */
#define DHCP_ACK_MIN_LEN 300	/* BOOTP's minimum (RFC 1542 2.1): ACKs are padded to it */
#define DHCP_MIN_MSG_LEN 548	/* RFC 2131 2: every client takes 576-octet datagrams */

/* What the client asked: everything the ACK echoes or depends on. */
struct dhcp_inform {
	uint32_t xid;			/* host byte order; the ACK echoes it */
	struct in_addr ciaddr;		/* network byte order; never 0.0.0.0 */
	uint8_t chaddr[16];		/* all 16 octets, echoed whatever hlen says */
	uint8_t htype, hlen;		/* hlen <= 16 */
	uint16_t flags;			/* host byte order */
	uint8_t prl[255];		/* option 55, in the client's order (RFC 3396
					 * concatenated when it came in pieces) */
	unsigned int n_prl;		/* 0: no parameter request list */
	uint16_t max_msg;		/* option 57 (576 or more), 0: not sent */
};

/* What to tell the client; every pointer may be NULL when its count is 0. */
struct dhcp_answer {
	const struct in_addr *dns;	/* option 6 */
	unsigned int n_dns;
	const char *domain;		/* option 15; NULL or "": none */
	const char (*search)[CONFIG_DOMAIN_MAX + 1];	/* option 119 */
	unsigned int n_search;
	const struct config_route *routes;	/* options 121 and 249 */
	unsigned int n_routes;
	struct in_addr router;		/* the routes' gateway: ours on the PPP link */
};

/*
 * Parse a DHCP message (the UDP payload from the client, port 68->67).
 * Accept only a well-formed BOOTREQUEST, at most DHCP_MAX_LEN octets, not
 * relayed (giaddr 0.0.0.0), hlen <= 16 (htype and hlen otherwise any: PPP
 * clients use htype 1 hlen 6 or others), with the magic cookie, ciaddr set,
 * and exactly one message type option (53) of value DHCPINFORM (8).
 * Options are parsed strictly (RFC 2131 4.1, RFC 2132, RFC 3396): every
 * length in bounds; the options field must end with END (255), anything
 * after it (padding) is ignored; option overload (52, only in the options
 * field, once) is followed into file and then sname, each of which must end
 * with END too; options 53, 52 and 57 once each and of their fixed length;
 * the parameter request list (55) at least one octet, its pieces
 * concatenated, 255 octets at most. Returns 0 and fills *out, or -1 with a
 * static reason in *why (for a counted, rate-limited log line). Never reads
 * past len.
 */
int dhcp_parse_inform(const uint8_t *pkt, size_t len, struct dhcp_inform *out,
		      const char **why);

/* What an ACK left out to fit (dhcp_build_ack's *left). */
enum {
	DHCP_LEFT_ROUTES_121 = 1u << 0,
	DHCP_LEFT_ROUTES_249 = 1u << 1,
	DHCP_LEFT_SEARCH = 1u << 2,
	DHCP_LEFT_DOMAIN = 1u << 3,
};

/*
 * Build the DHCPACK for in into buf (RFC 2131 4.3.5): op 2, xid, flags,
 * htype, hlen and chaddr echoed, ciaddr echoed, yiaddr, siaddr and giaddr
 * 0.0.0.0, no lease time, no subnet mask, no router option; options 53 =
 * DHCPACK, 54 = server (our address on the PPP link), and, each only when
 * configured:
 *    6   DNS servers              15  domain name
 *    119 domain search list (RFC 1035 names, a suffix written before
 *        replaced by a pointer to it, as RFC 3397 asks)
 *    121 classless static routes (RFC 3442: width, significant octets of
 *        the network, router = a->router)
 *    249 Microsoft classless static routes, the same encoding as 121
 * 53 comes first (Apple's client takes no other order). When the client
 * sent a parameter request list, 6, 15 and 119 are left out unless it asked
 * for them, and of the route options 121 and 249 those it asked for are
 * sent, both when it asked for neither (Apple asks for 249 alone, Windows
 * for both). An option longer than 255 octets goes in consecutive pieces
 * (RFC 3396). The message is padded with zeros to DHCP_ACK_MIN_LEN.
 *
 * When it does not fit in size octets, less is sent rather than nothing,
 * in this order, and *left (if not NULL) says what went: first the route
 * option that repeats the other (249, when both are sent), then 119, then
 * 15, and last the routes themselves (which the client cannot use in part). A configuration
 * l2secd accepts always fits with both route options left in or one left
 * out (dhcp_answer_len); the rest is for what no check covers.
 *
 * Returns the length, or 0 when not even 53, 54 and 6 fit in size octets
 * or a domain name or route cannot be encoded (a label of 0 or more than 63
 * octets, a name over 253, a prefix length over 32).
 */
size_t dhcp_build_ack(uint8_t *buf, size_t size, const struct dhcp_inform *in,
		      struct in_addr server, const struct dhcp_answer *a, unsigned int *left);

/*
 * The length of the smallest complete ACK of a: every option configured
 * (a client that sends no parameter request list), the routes once. 0 when
 * a value cannot be encoded. l2secd refuses a configuration where this is
 * more than DHCP_MIN_MSG_LEN for the [ppp] values or for any user's in the
 * users file: the smallest answer size dhcp_ack_size ever gives (the peer's
 * MRU may be as low as 128, and a client may ask for 576 with option 57),
 * so every answer fits whatever the link and the client.
 */
size_t dhcp_answer_len(const struct dhcp_answer *a);

/*
 * The size to hand dhcp_build_ack for a client on a PPP link whose MTU
 * (the peer's MRU) is mtu: the UDP payload that fits in one datagram on the
 * link, and no more than the client's option 57 allows. RFC 2131's
 * 576-octet minimum is what every client must take, not a ceiling: a PPP
 * client is a full IP stack, and the routes of a split tunnel sent twice
 * (121 and 249) outgrow 548 octets at about fifteen networks.
 */
size_t dhcp_ack_size(const struct dhcp_inform *in, unsigned int mtu);

#endif
