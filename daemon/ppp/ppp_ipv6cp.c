// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6CP (RFC 5072): interface identifiers only.
 *
 * Ours is random. The peer's is taken from its request unless it is zero or
 * equal to ours; then, or when the peer sends none, we Nak with a fresh
 * random one (section 4.1). IPv6 header compression and unknown options are
 * rejected. The prefix announced by router advertisement is the owner's.
 */
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "core/util.h"

enum {
	IPV6CP_IFID = 1,
	IPV6CP_COMP = 2,
};

static void put_ifid(uint8_t *b, uint64_t id)
{
	b[0] = IPV6CP_IFID;
	b[1] = 10;
	put_be32(b + 2, (uint32_t)(id >> 32));
	put_be32(b + 6, (uint32_t)id);
}

static uint64_t new_ifid(struct ppp_session *s, uint64_t avoid1, uint64_t avoid2)
{
	uint64_t id;

	do
		ppp_random(s, &id, sizeof(id));
	while (id == 0 || id == avoid1 || id == avoid2);
	return id;
}

static void ipv6cp_reset(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	s->i6.local_id = new_ifid(s, 0, 0);
	s->i6.req_local = true;
	s->i6.peer_id = 0;
	s->i6.suggest_id = 0;
}

static size_t ipv6cp_build(struct ppp_fsm *f, uint8_t *b, size_t cap)
{
	if (!f->s->i6.req_local || cap < 10)
		return 0;
	put_ifid(b, f->s->i6.local_id);
	return 10;
}

static int ipv6cp_nak(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	struct ppp_session *s = f->s;
	uint64_t id;
	size_t p;

	for (p = 0; p < len; p += o[p + 1])
		if (len - p < 2 || o[p + 1] < 2 || o[p + 1] > len - p)
			return -1;
	for (p = 0; p < len; p += o[p + 1]) {
		if (o[p] != IPV6CP_IFID || o[p + 1] != 10)
			continue;
		id = get_be64(o + p + 2);
		/* Take the peer's suggestion when it is usable, else draw again. */
		if (id && id != s->i6.peer_id && id != s->i6.local_id)
			s->i6.local_id = id;
		else
			s->i6.local_id = new_ifid(s, s->i6.local_id, s->i6.peer_id);
	}
	return 0;
}

static int ipv6cp_rej(struct ppp_fsm *f, const uint8_t *o, size_t len)
{
	size_t p;

	for (p = 0; p < len; p += o[p + 1])
		if (o[p] == IPV6CP_IFID)
			f->s->i6.req_local = false;
	return 0;
}

static void ipv6cp_req_begin(struct ppp_fsm *f)
{
	f->s->i6.peer_sent_id = false;
	f->s->i6.new_peer_id = 0;
}

static enum opt_verdict ipv6cp_req_opt(struct ppp_fsm *f, uint8_t type,
				       const uint8_t *v, size_t vlen,
				       uint8_t *nak, size_t *nak_len)
{
	struct ppp_session *s = f->s;
	uint64_t id;

	if (type != IPV6CP_IFID || vlen != 8) {
		ppp_log(s, LOG_DEBUG, "IPv6CP: rejecting option %u", type);
		return OPT_REJ;
	}
	s->i6.peer_sent_id = true;
	id = get_be64(v);
	if (id && id != s->i6.local_id) {
		s->i6.new_peer_id = id;
		return OPT_ACK;
	}
	s->i6.suggest_id = new_ifid(s, s->i6.local_id, id);
	put_ifid(nak, s->i6.suggest_id);
	*nak_len = 10;
	return OPT_NAK;
}

static size_t ipv6cp_req_missing(struct ppp_fsm *f, uint8_t *nak, size_t cap)
{
	struct ppp_session *s = f->s;

	if (s->i6.peer_sent_id || cap < 10)
		return 0;
	if (!s->i6.suggest_id)
		s->i6.suggest_id = new_ifid(s, s->i6.local_id, 0);
	put_ifid(nak, s->i6.suggest_id);
	return 10;
}

static void ipv6cp_req_end(struct ppp_fsm *f, int code)
{
	struct ppp_session *s = f->s;

	if (code != CODE_CONFACK)
		return;
	/* A peer that never sends one (after Max-Failure) gets our suggestion. */
	s->i6.peer_id = s->i6.peer_sent_id ? s->i6.new_peer_id :
			s->i6.suggest_id ? s->i6.suggest_id :
			new_ifid(s, s->i6.local_id, 0);
}

static void ipv6cp_up(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	ppp_log(s, LOG_INFO, "IPv6CP up: user '%s' local %016llx peer %016llx",
		ppp_user(s), (unsigned long long)s->i6.local_id,
		(unsigned long long)s->i6.peer_id);
	s->ops->ipv6cp_up(s->ctx, s->i6.local_id, s->i6.peer_id);
}

static void ipv6cp_down(struct ppp_fsm *f)
{
	struct ppp_session *s = f->s;

	if (s->lcp.state == ST_OPENED)
		ppp_terminate(s, PPP_DOWN_PROTOCOL, "IPv6CP renegotiation is not supported");
}

static void ipv6cp_finished(struct ppp_fsm *f)
{
	ppp_log(f->s, LOG_INFO, "IPv6CP finished");
	ppp_ncp_finished(f->s);
}

const struct fsm_proto ppp_ipv6cp_proto = {
	.proto = PPP_IPV6CP,
	.name = "IPv6CP",
	.reset = ipv6cp_reset,
	.build = ipv6cp_build,
	.nak = ipv6cp_nak,
	.rej = ipv6cp_rej,
	.req_begin = ipv6cp_req_begin,
	.req_opt = ipv6cp_req_opt,
	.req_missing = ipv6cp_req_missing,
	.req_end = ipv6cp_req_end,
	.up = ipv6cp_up,
	.up_before_ack = true,
	.down = ipv6cp_down,
	.finished = ipv6cp_finished,
};
