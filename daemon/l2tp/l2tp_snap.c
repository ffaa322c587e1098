// SPDX-License-Identifier: GPL-2.0
/* Export and import of established tunnels and sessions (l2tp_snap.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp/l2tp_secret.h"
#include "l2tp/l2tp_session.h"
#include "l2tp/l2tp_snap.h"
#include "l2tp/l2tp_stale.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/util.h"

/* --- export ------------------------------------------------------------------------ */

/* A socket address as a record's address (and port, when asked for). */
static void addr_to_rec(const union sa46 *sa, struct l2tp_rec_addr *a, uint16_t *port)
{
	uint16_t p = 0;

	memset(a, 0, sizeof(*a));
	switch (sa46_key(sa, a->addr, &p)) {
	case AF_INET:
		a->family = 4;
		break;
	case AF_INET6:
		a->family = 6;
		break;
	default:
		break;
	}
	if (port)
		*port = ntohs(p);
}

static bool tunnel_live(const struct l2tp_tunnel *t)
{
	if (t->state == TUNNEL_ESTABLISHED && !t->close_pending)
		return true;
	errno = ENOENT;
	return false;
}

int l2tp_tunnel_export_seq(const struct l2tp_tunnel *t, struct l2tp_seq_rec *r)
{
	memset(r, 0, sizeof(*r));
	if (!tunnel_live(t))
		return -1;
	r->tid = t->tid;
	r->ns = l2tp_ctrl_una(&t->ctrl);
	r->nr = t->ctrl.nr;
	r->in_flight = !l2tp_ctrl_idle(&t->ctrl);
	return 0;
}

int l2tp_tunnel_export(const struct l2tp_tunnel *t, struct l2tp_tunnel_rec *r)
{
	memset(r, 0, sizeof(*r));
	if (l2tp_tunnel_export_seq(t, &r->seq) < 0)
		return -1;
	r->peer_tid = t->peer_tid;
	r->sock = (uint32_t)t->peer.sock;
	addr_to_rec(&t->peer.addr, &r->peer, &r->peer_port);
	addr_to_rec(&t->peer.local, &r->local, NULL);
	r->mark = t->peer.mark;
	r->peer_rws = t->ctrl.peer_rws;
	r->hello_ms = t->hello_ms;
	r->require_ipsec = t->require_ipsec;
	r->in_kernel = t->in_kernel;
	r->peer_framing = t->peer_framing;
	r->peer_bearer = t->peer_bearer;
	r->created_ms = t->created_ms;
	snprintf(r->peer_host, sizeof(r->peer_host), "%s", l2tp_tunnel_peer_host(t));
	snprintf(r->peer_vendor, sizeof(r->peer_vendor), "%s", l2tp_tunnel_peer_vendor(t));
	return 0;
}

int l2tp_session_export(const struct l2tp_session *s, struct l2tp_session_rec *r)
{
	memset(r, 0, sizeof(*r));
	if (s->state != SESSION_ESTABLISHED || !tunnel_live(s->tunnel)) {
		errno = ENOENT;
		return -1;
	}
	r->tid = s->tunnel->tid;
	r->sid = s->sid;
	r->peer_sid = s->peer_sid;
	r->in_kernel = s->in_kernel;
	r->call_serial = s->call_serial;
	r->tx_speed = s->tx_speed;
	r->rx_speed = s->rx_speed;
	r->framing_type = s->framing_type;
	r->accm_send = s->accm_send;
	r->accm_recv = s->accm_recv;
	r->created_ms = s->created_ms;
	return 0;
}

/* --- validation ---------------------------------------------------------------------- */

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Family 4 (the rest zero) or 6; 0 (all zero) only where none_ok. */
static bool rec_addr_ok(const struct l2tp_rec_addr *a, bool none_ok)
{
	switch (a->family) {
	case 4:
		return zero(a->addr + 4, 12);
	case 6:
		return true;
	case 0:
		return none_ok && zero(a->addr, 16);
	default:
		return false;
	}
}

/* NUL-terminated in its array, printable ASCII (as the LNS copies it), zero after. */
static bool rec_name_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return zero((const uint8_t *)s + n, size - n);
}

bool l2tp_tunnel_rec_valid(const struct l2tp_tunnel_rec *r)
{
	return r->seq.tid && r->peer_tid && r->peer_port && r->peer_rws &&
	       r->peer_rws <= L2TP_CTRL_MAX_QUEUE && r->sock <= INT32_MAX &&
	       rec_addr_ok(&r->peer, false) && rec_addr_ok(&r->local, true) &&
	       (r->local.family == 0 || r->local.family == r->peer.family) &&
	       rec_name_ok(r->peer_host, sizeof(r->peer_host)) &&
	       rec_name_ok(r->peer_vendor, sizeof(r->peer_vendor));
}

bool l2tp_session_rec_valid(const struct l2tp_session_rec *r)
{
	return r->tid && r->sid && r->peer_sid;
}

/* --- import -------------------------------------------------------------------------- */

static void rec_to_addr(const struct l2tp_rec_addr *a, uint16_t port, union sa46 *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (a->family == 4) {
		sa->sin.sin_family = AF_INET;
		sa->sin.sin_port = htons(port);
		memcpy(&sa->sin.sin_addr, a->addr, 4);
	} else if (a->family == 6) {
		sa->sin6.sin6_family = AF_INET6;
		sa->sin6.sin6_port = htons(port);
		memcpy(&sa->sin6.sin6_addr, a->addr, 16);
	}
}

static void *fail_null(int err)
{
	errno = err;
	return NULL;
}

static void tunnel_free(struct l2tp_tunnel *t)
{
	l2tp_secret_put(t->secret);
	free(t->peer_names);
	free(t);
}

static struct l2tp_tunnel *tunnel_from_rec(struct l2tp_lns *lns, const struct l2tp_tunnel_rec *r)
{
	struct l2tp_tunnel *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	/* the secret in force now: the record carries none (l2tp_snap.h) */
	if (l2tp_tunnel_set_peer_names(t, r->peer_host, r->peer_vendor) < 0 ||
	    l2tp_lns_secret(lns, &t->secret) < 0) {
		tunnel_free(t);
		return NULL;
	}
	t->lns = lns;
	t->tid = r->seq.tid;
	t->peer_tid = r->peer_tid;
	rec_to_addr(&r->peer, r->peer_port, &t->peer.addr);
	rec_to_addr(&r->local, 0, &t->peer.local);
	t->peer.mark = r->mark;
	t->peer.sock = (int)r->sock;
	t->peer_framing = r->peer_framing;
	t->peer_bearer = r->peer_bearer;
	t->require_ipsec = r->require_ipsec;
	t->in_kernel = r->in_kernel;
	t->hello_ms = r->hello_ms;
	t->created_ms = r->created_ms;
	t->state = TUNNEL_ESTABLISHED;
	return t;
}

struct l2tp_tunnel *l2tp_tunnel_import(struct l2tp_lns *lns, const struct l2tp_tunnel_rec *r)
{
	struct l2tp_tunnel *t;
	char ps[80];

	/*
	 * No limit of the configuration's: a live tunnel stays after a reload
	 * that lowered max-tunnels, as in one process (the parent's store, sized
	 * at most as its checker, bounds the records)
	 */
	if (!l2tp_tunnel_rec_valid(r))
		return fail_null(EINVAL);
	t = tunnel_from_rec(lns, r);
	if (!t)
		return fail_null(ENOMEM);
	/*
	 * IDs are unique per origin (its SA, else its peer): that origin's must be
	 * free; the state file's record of this tunnel (the dead engine's) is the
	 * tunnel itself, any other stale tunnel's ID stays taken
	 */
	if (l2tp_lns_tunnel_of(lns, &t->peer, t->tid) || !l2tp_stale_resume(lns, t)) {
		tunnel_free(t);
		return fail_null(EEXIST);
	}
	l2tp_tunnel_init_ctrl(t, r->peer_rws, r->seq.nr);
	t->ctrl.ns = r->seq.ns;
	l2tp_lns_link_tunnel(lns, t);
	/* counted as a tunnel of its SA and source, as an SCCCN would have left it */
	l2tp_admit_tunnel_new(t);
	l2tp_admit_tunnel_up(t);
	l2tp_stale_record(lns, t, true);
	lns->stats.tunnels_resumed++;
	/* in flight when the engine died: a HELLO with that Ns agrees on Ns again */
	if (r->seq.in_flight || t->hello_ms)
		ev_timer_arm(lns->loop, &t->hello_timer, r->seq.in_flight ? 0 : t->hello_ms);
	log_notice("l2tp: tunnel %u resumed with %s (peer tunnel %u, Ns %u, Nr %u%s)", t->tid,
		   l2tp_peer_str(&t->peer, ps, sizeof(ps)), t->peer_tid, r->seq.ns, r->seq.nr,
		   r->seq.in_flight ? ", messages were in flight" : "");
	return t;
}

/* Never armed: an imported session is past its setup. */
static void no_setup_cb(struct ev_timer *timer)
{
	(void)timer;
}

struct l2tp_session *l2tp_session_import(struct l2tp_lns *lns, struct l2tp_tunnel *t,
					 const struct l2tp_session_rec *r)
{
	struct l2tp_session *s;

	if (!l2tp_session_rec_valid(r))
		return fail_null(EINVAL);
	if (!t || t->tid != r->tid || t->state != TUNNEL_ESTABLISHED || t->close_pending)
		return fail_null(ENOENT);
	if (l2tp_tunnel_session(t, r->sid) || l2tp_lns_session_by_peer(t, r->peer_sid))
		return fail_null(EEXIST);
	/* no max-sessions nor max-sessions-per-tunnel: a live session stays (as above) */
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail_null(ENOMEM);
	s->sid = r->sid;
	s->peer_sid = r->peer_sid;
	s->call_serial = r->call_serial;
	s->tx_speed = r->tx_speed;
	s->rx_speed = r->rx_speed;
	s->framing_type = r->framing_type;
	s->accm_send = r->accm_send;
	s->accm_recv = r->accm_recv;
	s->created_ms = r->created_ms;
	s->in_kernel = r->in_kernel;
	s->state = SESSION_ESTABLISHED;
	ev_timer_init(&s->setup_timer, no_setup_cb);
	l2tp_lns_link_session(t, s);
	lns->stats.sessions_resumed++;
	log_info("l2tp: session %u/%u resumed (peer %u/%u)", t->tid, s->sid, t->peer_tid,
		 s->peer_sid);
	return s;
}
