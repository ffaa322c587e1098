// SPDX-License-Identifier: GPL-2.0
/*
 * IPCP (RFC 1332) with the DNS/NBNS options of RFC 1877.
 *
 * The peer's address was fixed before IPCP started (ppp_network_phase: the
 * user's static address or one from the owner's pool). Whatever the peer
 * asks for (0.0.0.0 from every dial-up client) is Nak'd with that address;
 * a peer that does not ask at all is told it in a Nak. DNS and NBNS are
 * offered the same way when configured and rejected otherwise, as is VJ
 * header compression and every option we do not know.
 */
#include <arpa/inet.h>
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/util.h"

enum {
	IPCP_ADDRS = 1,		/* deprecated IP-Addresses */
	IPCP_COMP = 2,		/* IP-Compression-Protocol (VJ) */
	IPCP_ADDR = 3,
	IPCP_DNS1 = 129,
	IPCP_NBNS1 = 130,
	IPCP_DNS2 = 131,
	IPCP_NBNS2 = 132,
};

static void put_addr_opt(uint8_t *b, uint8_t type, struct in_addr a)
{
	b[0] = type;
	b[1] = 6;
	memcpy(b + 2, &a.s_addr, 4);
}

static void ipcp_reset(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	s->i4.local = s->cfg->local_ipv4;
	s->i4.req_local = s->cfg->local_ipv4.s_addr != 0;
	s->i4.dns[0] = s->dns[0];
	s->i4.dns[1] = s->dns[1];
	s->i4.nbns[0] = s->cfg->nbns[0];
	s->i4.nbns[1] = s->cfg->nbns[1];
}

static size_t ipcp_build(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	if (!f->s->i4.req_local || cap < 6)
		return 0;
	put_addr_opt(b, IPCP_ADDR, f->s->i4.local);
	return 6;
}

static int ipcp_nak(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	size_t p;

	for (p = 0; p < len; p += o[p + 1])
		if (len - p < 2 || o[p + 1] < 2 || o[p + 1] > len - p)
			return -1;
	/*
	 * Our own address is not negotiable; asking again lets the peer
	 * Nak until max_nak_rounds ends it, which is what a peer that
	 * insists on another gateway address deserves.
	 */
	ppp_log(f->s, LOG_DEBUG, "IPCP: peer Nak'd our request; keeping our address");
	return 0;
}

static int ipcp_rej(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	size_t p;

	for (p = 0; p < len; p += o[p + 1])
		if (o[p] == IPCP_ADDR)
			f->s->i4.req_local = false;
	return 0;
}

static void ipcp_req_begin(struct ppp_fsm *f)
{
	f->s->i4.peer_sent_addr = false;
}

/* An address option we own the value of: Ack it if the peer has it right. */
static enum opt_verdict addr_verdict(uint8_t type, const uint8_t *v,
				     size_t vlen, struct in_addr want,
				     uint8_t *nak, size_t *nak_len)
{
	if (vlen != 4 || !want.s_addr)
		return OPT_REJ;
	if (!memcmp(v, &want.s_addr, 4))
		return OPT_ACK;
	put_addr_opt(nak, type, want);
	*nak_len = 6;
	return OPT_NAK;
}

static enum opt_verdict ipcp_req_opt(struct ppp_fsm *f, uint8_t type,
				     const uint8_t *v, size_t vlen,
				     uint8_t *nak, size_t *nak_len)
{
	struct ppp_session *s = f->s;

	switch (type) {
	case IPCP_ADDR:
		s->i4.peer_sent_addr = true;
		if (vlen == 4 && memcmp(v, &s->i4.peer.s_addr, 4) != 0 &&
		    (v[0] | v[1] | v[2] | v[3]) && f->naks_sent >= s->cfg->max_failure) {
			/*
			 * A peer that keeps asking for an address of its own
			 * would use it once we stopped Nak-ing: refuse instead.
			 */
			ppp_terminate(s, PPP_DOWN_NEGOTIATION,
				      "peer insists on an address other than the one assigned");
		}
		return addr_verdict(type, v, vlen, s->i4.peer, nak, nak_len);
	case IPCP_DNS1:
		return addr_verdict(type, v, vlen, s->i4.dns[0], nak, nak_len);
	case IPCP_DNS2:
		return addr_verdict(type, v, vlen, s->i4.dns[1], nak, nak_len);
	case IPCP_NBNS1:
		return addr_verdict(type, v, vlen, s->i4.nbns[0], nak, nak_len);
	case IPCP_NBNS2:
		return addr_verdict(type, v, vlen, s->i4.nbns[1], nak, nak_len);
	default:
		/* IP-Addresses, VJ compression, anything else. */
		ppp_log(s, LOG_DEBUG, "IPCP: rejecting option %u", type);
		return OPT_REJ;
	}
}

static size_t ipcp_req_missing(struct ppp_fsm *f, uint8_t *nak, size_t cap)
{
	if (f->s->i4.peer_sent_addr || cap < 6)
		return 0;
	put_addr_opt(nak, IPCP_ADDR, f->s->i4.peer);
	return 6;
}

static void ipcp_req_end(struct ppp_fsm *f, int code)
{
	(void)f;
	(void)code;
}

static void ipcp_up(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;
	struct ppp_ipcp_info info = {
		.local = s->i4.local,
		.peer = s->i4.peer,
		.dns = { s->i4.dns[0], s->i4.dns[1] },
		.nbns = { s->i4.nbns[0], s->i4.nbns[1] },
	};
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	ppp_log(s, LOG_INFO, "IPCP up: user '%s' peer %s local %s", ppp_user(s),
		inet_ntop(AF_INET, &info.peer, a, sizeof(a)),
		inet_ntop(AF_INET, &info.local, b, sizeof(b)));
	s->ops->ipcp_up(s->ctx, &info);
}

static void ipcp_down(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	/* The owner's routes follow the session, not IPCP: end it. */
	if (s->lcp.state == ST_OPENED)
		ppp_terminate(s, PPP_DOWN_PROTOCOL, "IPCP renegotiation is not supported");
}

static bool ncp_alive(const struct ppp_fsm *f)
{
	return f->state != ST_INITIAL && f->state != ST_STOPPED &&
	       f->state != ST_CLOSED;
}

void ppp_ncp_finished(struct ppp_session *s)
{
	bool v4 = s->cfg->ipv4 && ncp_alive(&s->ipcp);
	bool v6 = s->cfg->ipv6 && ncp_alive(&s->ipv6cp);

	if (s->phase == PHASE_NETWORK && !v4 && !v6)
		ppp_terminate(s, PPP_DOWN_NO_NCP, "no network protocol could be opened");
}

static void ipcp_finished(struct ppp_fsm *f)
{
	ppp_log(f->s, LOG_INFO, "IPCP finished");
	ppp_ncp_finished(f->s);
}

const struct fsm_proto ppp_ipcp_proto = {
	.proto = PPP_IPCP,
	.name = "IPCP",
	.reset = ipcp_reset,
	.build = ipcp_build,
	.nak = ipcp_nak,
	.rej = ipcp_rej,
	.req_begin = ipcp_req_begin,
	.req_opt = ipcp_req_opt,
	.req_missing = ipcp_req_missing,
	.req_end = ipcp_req_end,
	.up = ipcp_up,
	.up_before_ack = true,
	.down = ipcp_down,
	.finished = ipcp_finished,
};
