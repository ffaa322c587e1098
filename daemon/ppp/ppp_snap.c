// SPDX-License-Identifier: GPL-2.0
/* Export and import of an opened PPP session (ppp_snap.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "ppp/ppp_internal.h"
#include "ppp/ppp_snap.h"

int ppp_export(const struct ppp_session *s, struct ppp_rec *r)
{
	bool v4 = s->ipcp.state == ST_OPENED, v6 = s->ipv6cp.state == ST_OPENED;

	memset(r, 0, sizeof(*r));
	if (s->dead || s->term_pending || s->phase != PHASE_NETWORK ||
	    s->lcp.state != ST_OPENED || s->auth_state != AUTH_DONE || !(v4 || v6)) {
		errno = EAGAIN;
		return -1;
	}
	r->req_mru = s->l.req_mru;
	r->mru = s->l.req_mru ? s->l.mru : 0;
	r->req_magic = s->l.req_magic;
	r->magic = s->l.req_magic ? s->l.magic : 0;
	r->peer_mru = s->l.peer_mru;
	r->peer_magic = s->l.peer_magic;
	r->peer_pfc = s->l.peer_pfc;
	r->peer_acfc = s->l.peer_acfc;
	r->echo_off = s->l.echo_off;
	r->lcp_id = s->lcp.id;
	r->echo_id = s->l.echo_id;
	r->auth = (uint8_t)s->auth_method;
	snprintf(r->user, sizeof(r->user), "%s", ppp_user(s));
	r->ipcp_open = v4;
	if (v4) {
		r->ipcp_id = s->ipcp.id;
		r->local4 = s->i4.local;
		r->peer4 = s->i4.peer;
		memcpy(r->dns, s->i4.dns, sizeof(r->dns));
		memcpy(r->nbns, s->i4.nbns, sizeof(r->nbns));
	}
	r->ipv6cp_open = v6;
	if (v6) {
		r->ipv6cp_id = s->ipv6cp.id;
		r->local_id = s->i6.local_id;
		r->peer_id = s->i6.peer_id;
	}
	return 0;
}

static bool no_v4(const struct ppp_rec *r)
{
	return !r->ipcp_id && !r->local4.s_addr && !r->peer4.s_addr && !r->dns[0].s_addr &&
	       !r->dns[1].s_addr && !r->nbns[0].s_addr && !r->nbns[1].s_addr;
}

bool ppp_rec_valid(const struct ppp_rec *r)
{
	size_t n = strnlen(r->user, sizeof(r->user));
	bool tail_zero = n < sizeof(r->user);

	for (size_t i = n; tail_zero && i < sizeof(r->user); i++)
		tail_zero = !r->user[i];
	return (r->auth == PPP_AUTH_MSCHAPV2 || r->auth == PPP_AUTH_CHAP_MD5 ||
		r->auth == PPP_AUTH_PAP) && n && tail_zero &&
	       (r->req_mru ? r->mru >= PPP_MIN_MRU && r->mru <= PPP_CTRL_MAX : !r->mru) &&
	       (r->req_magic ? r->magic != 0 : !r->magic) &&
	       (!r->peer_mru || r->peer_mru >= PPP_MIN_MRU) &&
	       (r->ipcp_open || r->ipv6cp_open) &&
	       (r->ipcp_open ? r->peer4.s_addr != 0 : no_v4(r)) &&
	       (r->ipv6cp_open ? r->local_id && r->peer_id && r->local_id != r->peer_id :
				 !r->ipv6cp_id && !r->local_id && !r->peer_id);
}

/* An automaton as a negotiation that ended in Opened leaves it. */
static void fsm_opened(struct ppp_fsm *f, uint8_t id)
{
	f->state = ST_OPENED;
	f->id = id;
	f->restart = f->s->cfg->max_configure;
}

static int import_lcp(struct ppp_session *s, const struct ppp_rec *r)
{
	fsm_opened(&s->lcp, r->lcp_id);
	s->l.req_mru = r->req_mru;
	s->l.mru = r->req_mru ? r->mru : s->cfg->mru;
	s->l.req_magic = r->req_magic;
	s->l.magic = r->magic;
	s->l.auth = r->auth;
	s->l.peer_mru = r->peer_mru;
	s->l.peer_magic = r->peer_magic;
	s->l.peer_pfc = r->peer_pfc;
	s->l.peer_acfc = r->peer_acfc;
	s->l.echo_id = r->echo_id;
	s->l.echo_off = r->echo_off;
	if (s->cfg->echo_interval_ms && !r->echo_off)
		s->l.echo_deadline = s->now + s->cfg->echo_interval_ms;
	s->auth_state = AUTH_DONE;
	s->auth_method = r->auth;
	s->user = strndup(r->user, PPP_REC_USER_MAX);
	return s->user ? 0 : -1;
}

static void import_ncps(struct ppp_session *s, const struct ppp_rec *r)
{
	/* configured but not open: Closed, so a peer's Configure-Request gets a Terminate-Ack */
	if (s->cfg->ipv4)
		s->ipcp.state = ST_CLOSED;
	if (s->cfg->ipv6)
		s->ipv6cp.state = ST_CLOSED;
	if (r->ipcp_open) {
		fsm_opened(&s->ipcp, r->ipcp_id);
		s->i4.local = r->local4;
		s->i4.req_local = r->local4.s_addr != 0;
		s->i4.peer = r->peer4;
		memcpy(s->i4.dns, r->dns, sizeof(s->i4.dns));
		memcpy(s->i4.nbns, r->nbns, sizeof(s->i4.nbns));
	}
	if (r->ipv6cp_open) {
		fsm_opened(&s->ipv6cp, r->ipv6cp_id);
		s->i6.local_id = r->local_id;
		s->i6.peer_id = r->peer_id;
		s->i6.req_local = true;
	}
}

struct ppp_session *ppp_import(const struct ppp_config *cfg, const struct ppp_ops *ops,
			       void *ctx, const struct ppp_rec *r, uint64_t now)
{
	struct ppp_conf *c = ppp_conf_new(cfg);
	struct ppp_session *s;

	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	s = ppp_import_shared(c, ops, ctx, r, now);
	ppp_conf_put(c);
	return s;
}

struct ppp_session *ppp_import_shared(struct ppp_conf *conf, const struct ppp_ops *ops,
				      void *ctx, const struct ppp_rec *r, uint64_t now)
{
	const struct ppp_config *cfg = &conf->cfg;
	struct ppp_session *s;

	if (!ppp_rec_valid(r) || (r->ipcp_open && !cfg->ipv4) ||
	    (r->ipv6cp_open && !cfg->ipv6)) {
		errno = EINVAL;
		return NULL;
	}
	s = ppp_new_shared(conf, ops, ctx);
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->now = now;
	s->phase = PHASE_NETWORK;
	if (import_lcp(s, r) < 0) {
		ppp_free(s);
		errno = ENOMEM;
		return NULL;
	}
	import_ncps(s, r);
	ppp_log(s, LOG_INFO, "resumed: user '%s'%s%s", s->user, r->ipcp_open ? ", IPCP" : "",
		r->ipv6cp_open ? ", IPv6CP" : "");
	return s;
}
