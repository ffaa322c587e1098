// SPDX-License-Identifier: GPL-2.0
/* l2secd's own IPsec check of every received L2TP datagram; see rxcheck.h. */
#include <netinet/in.h>
#include <string.h>

#include "core/log.h"
#include "l2tp/rxcheck.h"
#include "core/util.h"

#define LOG_EVERY_MS	10000	/* one line per reason at most this often */

static const char *const reason_names[RXCHECK_N_VERDICTS] = {
	[RXCHECK_OK] = "ok",
	[RXCHECK_NO_MODULE] = "module_gone",
	[RXCHECK_NO_CMSG] = "no_cmsg",
	[RXCHECK_LOCAL] = "local",
	[RXCHECK_PLAINTEXT] = "plaintext",
	[RXCHECK_UNKNOWN_SA] = "unknown_sa",
	[RXCHECK_FAMILY] = "family",
};

static const char *const reason_text[RXCHECK_N_VERDICTS] = {
	[RXCHECK_NO_MODULE] = "l2sec.ko is gone; l2secd refuses every datagram until restarted",
	[RXCHECK_NO_CMSG] = "the kernel did not say its mark or where it arrived",
	[RXCHECK_LOCAL] = "it came from the gateway itself",
	[RXCHECK_PLAINTEXT] = "no SA mark: plaintext (require-ipsec)",
	[RXCHECK_UNKNOWN_SA] = "its mark is not that of an IPsec SA with its sender",
	[RXCHECK_FAMILY] = "its source address is neither IPv4 nor IPv6",
};

const char *rxcheck_reason_name(enum rxcheck_verdict v)
{
	return (unsigned int)v < RXCHECK_N_VERDICTS ? reason_names[v] : "?";
}

void rxcheck_init(struct rxcheck *c, bool require_ipsec, int lo_ifindex, rxcheck_sa_fn sa_ok,
		  void *sa_ctx)
{
	memset(c, 0, sizeof(*c));
	c->require_ipsec = require_ipsec;
	c->lo_ifindex = lo_ifindex;
	c->sa_ok = sa_ok;
	c->sa_ctx = sa_ctx;
}

static void parse_one(const struct cmsghdr *cm, struct l2tp_peer *peer, struct rxcheck_meta *m)
{
	if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_MARK &&
	    cm->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
		/* SO_RCVMARK asks for it; the kernel delivers it as SO_MARK */
		memcpy(&peer->mark, CMSG_DATA(cm), sizeof(uint32_t));
		m->have_mark = true;
	} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		   cm->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
		struct in_pktinfo pi;

		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		memset(&peer->local, 0, sizeof(peer->local));
		peer->local.sin.sin_family = AF_INET;
		peer->local.sin.sin_addr = pi.ipi_addr;
		m->ifindex = pi.ipi_ifindex;
		m->have_pktinfo = true;
	} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
		   cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
		struct in6_pktinfo pi;

		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		memset(&peer->local, 0, sizeof(peer->local));
		peer->local.sin6.sin6_family = AF_INET6;
		peer->local.sin6.sin6_addr = pi.ipi6_addr;
		m->ifindex = (int)pi.ipi6_ifindex;
		m->have_pktinfo = true;
	}
}

void rxcheck_parse(const struct msghdr *mh, struct l2tp_peer *peer, struct rxcheck_meta *m)
{
	memset(m, 0, sizeof(*m));
	peer->mark = 0;
	m->truncated = (mh->msg_flags & MSG_CTRUNC) != 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		size_t off = (size_t)((char *)cm - (char *)mh->msg_control);

		/* CMSG_FIRSTHDR does not look at the length: it must fit */
		if (cm->cmsg_len < sizeof(*cm) || cm->cmsg_len > mh->msg_controllen - off)
			break;
		parse_one(cm, peer, m);
	}
}

static bool addr_is_loopback(const union sa46 *sa)
{
	if (sa->sa.sa_family == AF_INET)
		return (ntohl(sa->sin.sin_addr.s_addr) >> 24) == 127;
	if (sa->sa.sa_family == AF_INET6) {
		const struct in6_addr *a = &sa->sin6.sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* Sent by the gateway itself: through lo, or with a source that is ours. */
static bool from_gateway(const struct rxcheck *c, const struct l2tp_peer *peer,
			 const struct rxcheck_meta *m)
{
	return m->ifindex == c->lo_ifindex || addr_is_loopback(&peer->addr) ||
	       sa46_same_ip(&peer->addr, &peer->local);
}

static enum rxcheck_verdict judge(const struct rxcheck *c, struct l2tp_peer *peer,
				  const struct rxcheck_meta *m)
{
	bool local;

	if (c->module_gone)
		return RXCHECK_NO_MODULE;
	if (peer->addr.sa.sa_family != AF_INET && peer->addr.sa.sa_family != AF_INET6)
		return RXCHECK_FAMILY;
	if (!m->have_pktinfo || m->truncated || (c->require_ipsec && !m->have_mark))
		return RXCHECK_NO_CMSG;
	local = from_gateway(c, peer, m);
	if (peer->mark && !local && c->sa_ok(c->sa_ctx, peer->mark, &peer->addr))
		return RXCHECK_OK;	/* IPv4 or IPv6: checked above */
	if (!c->require_ipsec) {
		peer->mark = 0;		/* plaintext, and says so */
		return RXCHECK_OK;
	}
	if (local)
		return RXCHECK_LOCAL;
	return peer->mark ? RXCHECK_UNKNOWN_SA : RXCHECK_PLAINTEXT;
}

enum rxcheck_verdict rxcheck_datagram(struct rxcheck *c, struct l2tp_peer *peer,
				      const struct rxcheck_meta *m, uint64_t now_ms)
{
	enum rxcheck_verdict v = judge(c, peer, m);
	char who[INET6_ADDRSTRLEN + 32];

	if (v == RXCHECK_OK)
		return v;
	c->drops[v]++;
	if (c->log_ms[v] && now_ms - c->log_ms[v] < LOG_EVERY_MS) {
		c->log_quiet[v]++;
		return v;
	}
	log_warn("l2tp: datagram from %s dropped: %s (counted as %s in 'l2sec daemon show -s'; "
		 "%llu more since the last such line)",
		 l2tp_peer_str(peer, who, sizeof(who)), reason_text[v], reason_names[v],
		 (unsigned long long)c->log_quiet[v]);
	c->log_ms[v] = now_ms ? now_ms : 1;
	c->log_quiet[v] = 0;
	return v;
}
