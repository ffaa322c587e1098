// SPDX-License-Identifier: GPL-2.0
/*
 * The parent/engine wire format (priv_msg.h). One description per message
 * type serves both directions: a codec either writes a field or reads and
 * checks it, so the encoder and the decoder cannot disagree about a layout,
 * and the decoder checks every length against what is left before it reads.
 */
#include <arpa/inet.h>
#include <string.h>

#include "core/util.h"
#include "priv/priv_msg.h"

struct codec {
	bool write;
	uint8_t *w;		/* write: next octet */
	const uint8_t *r;	/* read: next octet */
	size_t left;		/* octets left to write into or to read */
	enum priv_reason err;	/* the first error; later fields are skipped */
};

static void fail(struct codec *c, enum priv_reason why)
{
	if (c->err == PRIV_OK)
		c->err = why;
}

/* n octets to write or read, or NULL (error recorded) when they are not there. */
static void *room(struct codec *c, size_t n)
{
	void *p;

	if (c->err != PRIV_OK)
		return NULL;
	if (n > c->left) {
		fail(c, c->write ? PRIV_R_LENGTH : PRIV_R_TRUNCATED);
		return NULL;
	}
	p = c->write ? (void *)c->w : (void *)(uintptr_t)c->r;
	if (c->write)
		c->w += n;
	else
		c->r += n;
	c->left -= n;
	return p;
}

static void c_bytes(struct codec *c, void *v, size_t n)
{
	uint8_t *p = room(c, n);

	if (!p)
		return;
	if (c->write)
		memcpy(p, v, n);
	else
		memcpy(v, p, n);
}

static void c_u8(struct codec *c, uint8_t *v)
{
	c_bytes(c, v, 1);
}

static void c_u16(struct codec *c, uint16_t *v)
{
	uint8_t *p = room(c, 2);

	if (p && c->write)
		put_be16(p, *v);
	else if (p)
		*v = get_be16(p);
}

static void c_u32(struct codec *c, uint32_t *v)
{
	uint8_t *p = room(c, 4);

	if (p && c->write)
		put_be32(p, *v);
	else if (p)
		*v = get_be32(p);
}

static void c_u64(struct codec *c, uint64_t *v)
{
	uint8_t *p = room(c, 8);

	if (p && c->write)
		put_be64(p, *v);
	else if (p)
		*v = get_be64(p);
}

static void c_bool(struct codec *c, bool *v)
{
	uint8_t b = *v;

	c_u8(c, &b);
	if (b > 1)
		fail(c, PRIV_R_FIELD);
	*v = b;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

/* u8 family (4, 6, or 0 for none where zero_ok) and 16 octets. */
static void c_addr(struct codec *c, struct priv_addr *a, bool zero_ok)
{
	uint8_t raw[16] = { 0 };

	if (c->write)
		memcpy(raw, a->family == 4 ? (void *)&a->v4 : (void *)&a->v6,
		       a->family == 4 ? 4 : 16);
	c_u8(c, &a->family);
	c_bytes(c, raw, sizeof(raw));
	if (c->err != PRIV_OK)
		return;
	if (a->family == 4 && all_zero(raw + 4, 12)) {
		memcpy(&a->v4, raw, 4);
		return;
	}
	if (a->family == 6) {
		memcpy(&a->v6, raw, 16);
		return;
	}
	if (!(a->family == 0 && zero_ok && all_zero(raw, 16)))
		fail(c, PRIV_R_FIELD);
}

/* u8 length, at most max, then the octets; no NUL inside; s gets a NUL after them. */
static void c_str(struct codec *c, uint8_t *len, char *s, size_t max)
{
	c_u8(c, len);
	if (c->err != PRIV_OK)
		return;
	if (*len > max) {
		fail(c, PRIV_R_FIELD);
		return;
	}
	c_bytes(c, s, *len);
	if (c->err != PRIV_OK)
		return;
	if (memchr(s, '\0', *len))
		fail(c, PRIV_R_FIELD);
	s[*len] = '\0';
}


/* A tunnel's handle (never 0) and ID, and a session ID. */
static void c_ids(struct codec *c, uint32_t *handle, uint16_t *tid, uint16_t *sid)
{
	c_u32(c, handle);
	c_u16(c, tid);
	c_u16(c, sid);
	/* 0 is no tunnel or session ID in L2TP (RFC 2661 3.1) */
	if (*tid == 0 || *handle == 0)
		fail(c, PRIV_R_FIELD);
}

static void b_tunnel_add(struct codec *c, struct priv_tunnel_add *t)
{
	c_u16(c, &t->tid);
	c_u16(c, &t->peer_tid);
	c_u32(c, &t->sock_id);
	c_addr(c, &t->peer, false);
	c_u16(c, &t->peer_port);
	c_bool(c, &t->require_ipsec);
	c_u32(c, &t->mark);
	c_addr(c, &t->local, true);
	if (t->tid == 0 || t->peer_tid == 0 || t->peer_port == 0)
		fail(c, PRIV_R_FIELD);
}

static void b_ids(struct codec *c, struct priv_ids *x, bool session)
{
	c_ids(c, &x->handle, &x->tid, &x->sid);
	if (session != (x->sid != 0))
		fail(c, PRIV_R_FIELD);
}

static void b_session_add(struct codec *c, struct priv_session_add *x)
{
	c_ids(c, &x->handle, &x->tid, &x->sid);
	c_u16(c, &x->peer_sid);
	if (x->sid == 0 || x->peer_sid == 0)
		fail(c, PRIV_R_FIELD);
}

static void c_who(struct codec *c, struct priv_auth_who *w)
{
	c_ids(c, &w->handle, &w->tid, &w->sid);
	c_str(c, &w->name.len, w->name.s, PRIV_NAME_MAX);
	if (w->sid == 0)
		fail(c, PRIV_R_FIELD);
}

static void b_mschapv2(struct codec *c, struct priv_auth_mschapv2 *x)
{
	c_who(c, &x->who);
	c_bytes(c, x->auth_chal, sizeof(x->auth_chal));
	c_bytes(c, x->peer_chal, sizeof(x->peer_chal));
	c_bytes(c, x->nt_resp, sizeof(x->nt_resp));
}

static void b_md5(struct codec *c, struct priv_auth_md5 *x)
{
	c_who(c, &x->who);
	c_u8(c, &x->id);
	c_bytes(c, x->chal, sizeof(x->chal));
	c_bytes(c, x->resp, sizeof(x->resp));
}

static void b_pap(struct codec *c, struct priv_auth_pap *x)
{
	c_who(c, &x->who);
	c_u8(c, &x->pw_len);	/* one octet: PRIV_PASSWORD_MAX at most */
	c_bytes(c, x->pw, x->pw_len);
}

static void b_addr(struct codec *c, struct priv_addr_req *x)
{
	c_ids(c, &x->handle, &x->tid, &x->sid);
	c_addr(c, &x->addr, false);
	c_u8(c, &x->plen);
	if (x->sid == 0)
		fail(c, PRIV_R_FIELD);
}

static void b_route(struct codec *c, struct priv_addr_req *x)
{
	b_addr(c, x);
	if (c->err == PRIV_OK && x->plen != (x->addr.family == 4 ? 32 : 64))
		fail(c, PRIV_R_FIELD);
}

/* FROUTE_*: an IPv4 network or an IPv6 prefix, host bits zero. */
static void b_froute(struct codec *c, struct priv_addr_req *x)
{
	const uint8_t *p;
	unsigned int bytes;

	b_addr(c, x);
	if (c->err != PRIV_OK)
		return;
	p = x->addr.family == 4 ? (const uint8_t *)&x->addr.v4 : x->addr.v6.s6_addr;
	bytes = x->addr.family == 4 ? 4 : 16;
	if ((x->addr.family != 4 && x->addr.family != 6) || x->plen > bytes * 8) {
		fail(c, PRIV_R_FIELD);
		return;
	}
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int bits = x->plen > i * 8 ? x->plen - i * 8 : 0;

		if (p[i] & (bits >= 8 ? 0 : 0xff >> bits)) {
			fail(c, PRIV_R_FIELD);
			return;
		}
	}
}

static void b_session_up(struct codec *c, struct priv_session_up *x)
{
	c_ids(c, &x->handle, &x->tid, &x->sid);
	c_bool(c, &x->has_v4);
	c_bool(c, &x->has_v6);
	c_bytes(c, &x->v4, sizeof(x->v4));
	c_bytes(c, &x->pfx64, sizeof(x->pfx64));
	c_u64(c, &x->ifid);
	c_u8(c, &x->route);
	/* what is absent is zero, so that nothing unchecked rides along */
	if (x->sid == 0 || !(x->has_v4 || x->has_v6) ||
	    (!x->has_v4 && x->v4.s_addr) ||
	    (!x->has_v6 && (x->ifid || !all_zero(x->pfx64.s6_addr, 16))))
		fail(c, PRIV_R_FIELD);
	/* a route only of an address the request carries */
	if ((x->route & ~(PRIV_UP_ROUTE4 | PRIV_UP_ROUTE6)) ||
	    ((x->route & PRIV_UP_ROUTE4) && !x->has_v4) ||
	    ((x->route & PRIV_UP_ROUTE6) && !x->has_v6))
		fail(c, PRIV_R_FIELD);
}

static void b_mark_query(struct codec *c, struct priv_mark_query *x)
{
	c_u32(c, &x->mark);
	c_addr(c, &x->peer, false);
}

/* An SA: mark 0 only where zero_ok (SA_NEXT's answer at the end of the listing). */
static void c_sa(struct codec *c, struct priv_ev_sa *x, bool zero_ok)
{
	c_u32(c, &x->mark);
	c_u32(c, &x->reqid);
	c_addr(c, &x->peer, true);
	c_u16(c, &x->peer_port);
	c_u32(c, &x->ike_id);
	c_u32(c, &x->child_id);
	c_u32(c, &x->spi_in);
	c_u32(c, &x->spi_out);
	c_bool(c, &x->encap);
	c_str(c, &x->id_len, x->id, PRIV_ID_MAX);
	c_str(c, &x->why_len, x->why, PRIV_WHY_MAX);
	if (x->mark == 0 && !zero_ok)
		fail(c, PRIV_R_FIELD);
}

static void b_sa(struct codec *c, struct priv_ev_sa *x)
{
	c_sa(c, x, false);
}

static void c_ipsec_report(struct codec *c, struct priv_ipsec_report *x)
{
	c_bool(c, &x->charon_up);
	c_str(c, &x->vici_len, x->vici, PRIV_VICI_MAX);
	c_u32(c, &x->sa_count);
	for (unsigned int i = 0; i < PRIV_REPORT_N; i++)
		c_u64(c, &x->n[i]);
}

/* A RADIUS packet: u16 length, then that many octets, a header's worth at least. */
static void c_radius_pkt(struct codec *c, struct priv_radius_pkt *x)
{
	c_u16(c, &x->len);
	if (c->err != PRIV_OK)
		return;
	if (x->len < 20 || x->len > PRIV_RADIUS_MAX) {
		fail(c, PRIV_R_FIELD);
		return;
	}
	c_bytes(c, x->buf, x->len);
}

static void b_reply(struct codec *c, struct priv_reply *x)
{
	uint8_t len = (uint8_t)strnlen(x->auth_resp, sizeof(x->auth_resp));

	c_u8(c, &x->req_type);
	c_u8(c, &x->reason);
	c_u16(c, &x->error);
	c_addr(c, &x->addr, true);
	c_bool(c, &x->auth_ok);
	c_str(c, &len, x->auth_resp, sizeof(x->auth_resp) - 1);
	c_u32(c, &x->pools.v4_size);
	c_u32(c, &x->pools.v4_used);
	c_u32(c, &x->pools.v6_size);
	c_u32(c, &x->pools.v6_used);
	c_bool(c, &x->has_chal);
	c_bytes(c, x->chal, sizeof(x->chal));
	if (!x->has_chal && !all_zero(x->chal, sizeof(x->chal)))
		fail(c, PRIV_R_FIELD);
	if (x->req_type == PRIV_REQ_TUNNEL_ADD || x->req_type == PRIV_REQ_ACCT_KEEP)
		c_u32(c, &x->handle);
	if (x->req_type >= PRIV_REQ_AUTH_MSCHAPV2 && x->req_type <= PRIV_REQ_AUTH_PAP) {
		c_bool(c, &x->throttled);
		c_u32(c, &x->hold_ms);
		if (x->throttled && x->auth_ok)
			fail(c, PRIV_R_FIELD);
	}
	if (x->req_type == PRIV_REQ_STATS) {
		c_u64(c, &x->auth.refused_backoff);
		c_u64(c, &x->auth.refused_lockout);
		c_u64(c, &x->auth.backoffs);
		c_u64(c, &x->auth.lockouts);
		c_u64(c, &x->auth.evicted);
		c_u64(c, &x->auth.entries);
		c_bool(c, &x->tun.present);
		for (unsigned int i = 0; i < PRIV_TUN_N; i++)
			c_u64(c, &x->tun.n[i]);
		if (!x->tun.present && !all_zero((const uint8_t *)x->tun.n, sizeof(x->tun.n)))
			fail(c, PRIV_R_FIELD);
		c_u64(c, &x->acct.kept);
		c_u64(c, &x->acct.keeps);
		c_u64(c, &x->acct.answered);
		c_u64(c, &x->acct.dropped);
		c_u64(c, &x->acct.resent);
		c_u64(c, &x->acct.refused);
		c_u64(c, &x->acct.sessions);
	}
	if (x->req_type == PRIV_REQ_IPSEC_REPORT)
		c_ipsec_report(c, &x->ipsec);
	if (x->req_type == PRIV_REQ_SA_NEXT) {
		c_sa(c, &x->sa, true);
		c_u32(c, &x->cursor);
	}
	/* a refused RADIUS_SIGN has no packet: the length is 0 then */
	if (x->req_type == PRIV_REQ_RADIUS_SIGN || x->req_type == PRIV_REQ_DAE_SIGN) {
		if (x->reason == PRIV_OK)
			c_radius_pkt(c, &x->radius);
		else
			c_u16(c, &x->radius.len);
		if (x->reason != PRIV_OK && x->radius.len)
			fail(c, PRIV_R_FIELD);
	}
	if (x->req_type == PRIV_REQ_RADIUS_VERIFY || x->req_type == PRIV_REQ_DAE_VERIFY)
		c_u8(c, &x->radius_err);
	if (x->req_type == PRIV_REQ_FROUTE_ADD || x->req_type == PRIV_REQ_FROUTE_DEL) {
		c_u8(c, &x->froute_why);
		if ((x->reason == PRIV_R_FROUTE) != (x->froute_why != 0))
			fail(c, PRIV_R_FIELD);
	}
	if (x->req_type == PRIV_REQ_COUNTERS) {
		c_u64(c, &x->counters.rx_packets);
		c_u64(c, &x->counters.tx_packets);
		c_u64(c, &x->counters.rx_bytes);
		c_u64(c, &x->counters.tx_bytes);
	}
	if (!priv_type_is_request(x->req_type) || x->reason >= PRIV_REASON_MAX)
		fail(c, PRIV_R_FIELD);
}

/* n octets by reference: read, *p points into the datagram (nothing copied). */
static void c_ref(struct codec *c, const uint8_t **p, size_t n)
{
	uint8_t *at = room(c, n);

	if (!at)
		return;
	if (c->write)
		memcpy(at, *p, n);
	else
		*p = at;
}

static void b_send(struct codec *c, struct priv_send *x)
{
	bool tunnel;

	c_u32(c, &x->handle);
	c_u16(c, &x->tid);
	c_u16(c, &x->sid);
	c_u32(c, &x->sock_id);
	c_addr(c, &x->peer, false);
	c_u16(c, &x->peer_port);
	c_addr(c, &x->local, true);
	c_u32(c, &x->mark);
	c_u16(c, &x->len);
	if (c->err != PRIV_OK)
		return;
	tunnel = x->handle != 0;
	/* a tunnel's: its ID, no mark (the parent's); none: a mark, no IDs */
	if (x->len == 0 || x->len > PRIV_SEND_MAX || x->peer_port == 0 ||
	    (x->local.family && x->local.family != x->peer.family) ||
	    (tunnel ? x->tid == 0 || x->mark != 0 : x->tid || x->sid || x->mark == 0)) {
		fail(c, PRIV_R_FIELD);
		return;
	}
	c_ref(c, &x->data, x->len);
}

static void c_radius_link(struct codec *c, uint8_t *link, uint8_t *server)
{
	c_u8(c, link);
	c_u8(c, server);
	if (*link >= PRIV_RADIUS_LINKS || *server >= 8)
		fail(c, PRIV_R_FIELD);
}

static void b_rsign(struct codec *c, struct priv_radius_sign *x)
{
	c_radius_link(c, &x->link, &x->server);
	c_u32(c, &x->handle);
	c_u16(c, &x->tid);
	c_u16(c, &x->sid);
	c_u32(c, &x->keep);
	c_radius_pkt(c, &x->pkt);
	/* a session is all named (an Access-Request's) or not at all; a kept record: acct's */
	if (((x->handle || x->tid || x->sid) && !(x->handle && x->tid && x->sid)) ||
	    (x->keep && x->link != PRIV_RADIUS_ACCT))
		fail(c, PRIV_R_FIELD);
}

static void b_acct_keep(struct codec *c, struct priv_acct_keep *x)
{
	c_u32(c, &x->handle);
	c_u16(c, &x->tid);
	c_u16(c, &x->sid);
	c_radius_pkt(c, &x->pkt);
	if (!x->handle || !x->tid || !x->sid)
		fail(c, PRIV_R_FIELD);
}

static void b_rverify(struct codec *c, struct priv_radius_verify *x)
{
	c_radius_link(c, &x->link, &x->server);
	c_u8(c, &x->req_code);
	c_bytes(c, x->req_auth, sizeof(x->req_auth));
	c_radius_pkt(c, &x->pkt);
}

/* DAE_VERIFY (sign false: no req_auth on the wire) and DAE_SIGN. */
static void b_dae(struct codec *c, struct priv_dae *x, bool sign)
{
	c_u8(c, &x->client);
	if (sign)
		c_bytes(c, x->req_auth, sizeof(x->req_auth));
	c_radius_pkt(c, &x->pkt);
	if (x->client >= 16 || (!sign && !all_zero(x->req_auth, sizeof(x->req_auth))))
		fail(c, PRIV_R_FIELD);
}

static void b_socket(struct codec *c, struct priv_ev_socket *x)
{
	c_u32(c, &x->sock_id);
	c_u8(c, &x->kind);
	c_u8(c, &x->family);
	if (x->kind > 1 || (x->kind == 0 && x->family != 4 && x->family != 6))
		fail(c, PRIV_R_FIELD);
}


/* The body of m's type; PRIV_R_TYPE for a type that has none. */
static void body(struct codec *c, struct priv_msg *m)
{
	switch (m->type) {
	case PRIV_REQ_TUNNEL_ADD:
		return b_tunnel_add(c, &m->tunnel_add);
	case PRIV_REQ_TUNNEL_DEL:
		return b_ids(c, &m->ids, false);
	case PRIV_REQ_SESSION_ADD:
		return b_session_add(c, &m->session_add);
	case PRIV_REQ_SESSION_DEL:
		return b_ids(c, &m->ids, true);
	case PRIV_REQ_AUTH_MSCHAPV2:
		return b_mschapv2(c, &m->mschapv2);
	case PRIV_REQ_AUTH_CHAP_MD5:
		return b_md5(c, &m->md5);
	case PRIV_REQ_AUTH_PAP:
		return b_pap(c, &m->pap);
	case PRIV_REQ_ADDR_CLAIM:
	case PRIV_REQ_ADDR_RELEASE:
		b_addr(c, &m->addr);
		if (m->addr.plen != 0)
			fail(c, PRIV_R_FIELD);
		return;
	case PRIV_REQ_ROUTE_ADD:
	case PRIV_REQ_ROUTE_DEL:
		return b_route(c, &m->addr);
	case PRIV_REQ_FROUTE_ADD:
	case PRIV_REQ_FROUTE_DEL:
		return b_froute(c, &m->addr);
	case PRIV_REQ_SESSION_UP:
		return b_session_up(c, &m->up);
	case PRIV_REQ_MARK_QUERY:
		return b_mark_query(c, &m->mark_query);
	case PRIV_REQ_SA_NEXT:
		return c_u32(c, &m->sa_next.cursor);
	case PRIV_REQ_SEND:
		return b_send(c, &m->send);
	case PRIV_REQ_RADIUS_SIGN:
		return b_rsign(c, &m->rsign);
	case PRIV_REQ_RADIUS_VERIFY:
		return b_rverify(c, &m->rverify);
	case PRIV_REQ_ACCT_KEEP:
		return b_acct_keep(c, &m->acct_keep);
	case PRIV_REQ_DAE_VERIFY:
		return b_dae(c, &m->dae, false);
	case PRIV_REQ_DAE_SIGN:
		return b_dae(c, &m->dae, true);
	case PRIV_REQ_COUNTERS:
		b_ids(c, &m->ids, true);
		return;
	case PRIV_REQ_STATS:
	case PRIV_REQ_IPSEC_REPORT:
	case PRIV_EV_RELOAD:
	case PRIV_EV_DATAPATH_LOST:
	case PRIV_EV_SA_RESYNC:
		return;
	case PRIV_REPLY:
		return b_reply(c, &m->reply);
	case PRIV_EV_SOCKET:
		return b_socket(c, &m->socket);
	case PRIV_EV_SA_UP:
	case PRIV_EV_SA_REKEYED:
	case PRIV_EV_SA_GONE:
		return b_sa(c, &m->sa);
	default:
		fail(c, PRIV_R_TYPE);
	}
}

/* A reply's used octets by its request's type: the RADIUS packet, last, for the signers only. */
static size_t reply_used(uint8_t req_type)
{
	if (req_type == PRIV_REQ_RADIUS_SIGN || req_type == PRIV_REQ_DAE_SIGN)
		return sizeof(struct priv_reply);
	return offsetof(struct priv_reply, radius);
}

#define MSG_BODY	offsetof(struct priv_msg, tunnel_add)
#define MSG_MEMBER(f)	(MSG_BODY + sizeof(((struct priv_msg *)NULL)->f))

/* The octets a message of type uses (priv_msg_used); req_type: a reply's. */
static size_t msg_used(uint8_t type, uint8_t req_type)
{
	switch (type) {
	case PRIV_REQ_TUNNEL_ADD:
		return MSG_MEMBER(tunnel_add);
	case PRIV_REQ_TUNNEL_DEL:
	case PRIV_REQ_SESSION_DEL:
	case PRIV_REQ_COUNTERS:
		return MSG_MEMBER(ids);
	case PRIV_REQ_SESSION_ADD:
		return MSG_MEMBER(session_add);
	case PRIV_REQ_AUTH_MSCHAPV2:
		return MSG_MEMBER(mschapv2);
	case PRIV_REQ_AUTH_CHAP_MD5:
		return MSG_MEMBER(md5);
	case PRIV_REQ_AUTH_PAP:
		return MSG_MEMBER(pap);
	case PRIV_REQ_ADDR_CLAIM:
	case PRIV_REQ_ADDR_RELEASE:
	case PRIV_REQ_ROUTE_ADD:
	case PRIV_REQ_ROUTE_DEL:
	case PRIV_REQ_FROUTE_ADD:
	case PRIV_REQ_FROUTE_DEL:
		return MSG_MEMBER(addr);
	case PRIV_REQ_SESSION_UP:
		return MSG_MEMBER(up);
	case PRIV_REQ_MARK_QUERY:
		return MSG_MEMBER(mark_query);
	case PRIV_REQ_SA_NEXT:
		return MSG_MEMBER(sa_next);
	case PRIV_REQ_SEND:
		return MSG_MEMBER(send);
	case PRIV_REQ_RADIUS_SIGN:
		return MSG_MEMBER(rsign);
	case PRIV_REQ_RADIUS_VERIFY:
		return MSG_MEMBER(rverify);
	case PRIV_REQ_ACCT_KEEP:
		return MSG_MEMBER(acct_keep);
	case PRIV_REQ_DAE_VERIFY:
	case PRIV_REQ_DAE_SIGN:
		return MSG_MEMBER(dae);
	case PRIV_REQ_STATS:
	case PRIV_REQ_IPSEC_REPORT:
	case PRIV_EV_RELOAD:
	case PRIV_EV_DATAPATH_LOST:
	case PRIV_EV_SA_RESYNC:
		return MSG_BODY;
	case PRIV_REPLY:
		return MSG_BODY + reply_used(req_type);
	case PRIV_EV_SOCKET:
		return MSG_MEMBER(socket);
	case PRIV_EV_SA_UP:
	case PRIV_EV_SA_REKEYED:
	case PRIV_EV_SA_GONE:
		return MSG_MEMBER(sa);
	default:
		return sizeof(struct priv_msg);
	}
}

size_t priv_msg_used(const struct priv_msg *m)
{
	return msg_used(m->type, m->type == PRIV_REPLY ? m->reply.req_type : 0);
}

size_t priv_reply_used(const struct priv_reply *r)
{
	return reply_used(r->req_type);
}

int priv_addr_from(const union sa46 *sa, struct priv_addr *out, uint16_t *port)
{
	uint8_t a[16];

	memset(out, 0, sizeof(*out));
	*port = 0;
	switch (sa46_key(sa, a, port)) {
	case AF_INET:
		out->family = 4;
		memcpy(&out->v4, a, 4);
		break;
	case AF_INET6:
		out->family = 6;
		memcpy(&out->v6, a, 16);
		break;
	default:
		return -1;
	}
	*port = ntohs(*port);
	return 0;
}

void priv_addr_sa46(const struct priv_addr *a, uint16_t port, union sa46 *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == 4) {
		out->sin.sin_family = AF_INET;
		out->sin.sin_addr = a->v4;
		out->sin.sin_port = htons(port);
	} else if (a->family == 6) {
		out->sin6.sin6_family = AF_INET6;
		out->sin6.sin6_addr = a->v6;
		out->sin6.sin6_port = htons(port);
	}
}

void priv_msg_init(struct priv_msg *m, uint8_t type)
{
	memset(m, 0, msg_used(type, 0));
	m->type = type;
}

void priv_reply_init(struct priv_reply *r, uint8_t req_type)
{
	memset(r, 0, reply_used(req_type));
	r->req_type = req_type;
}

void priv_msg_wipe(struct priv_msg *m)
{
	explicit_bzero(m, priv_msg_used(m));
}

void priv_reply_wipe(struct priv_reply *r)
{
	explicit_bzero(r, priv_reply_used(r));
}

int priv_msg_encode(const struct priv_msg *m, uint8_t *buf, size_t cap)
{
	struct codec c = { .write = true, .w = buf, .left = cap };
	/* the codec's fields take non-const pointers: a copy of what m's type uses */
	struct priv_msg copy;
	size_t used = priv_msg_used(m);
	uint8_t version = PRIV_MSG_VERSION;
	uint16_t len = 0;
	size_t n;

	memcpy(&copy, m, used);

	if (cap > PRIV_MSG_MAX)
		c.left = PRIV_MSG_MAX;
	c_u8(&c, &version);
	c_u8(&c, &copy.type);
	c_u16(&c, &len);	/* filled in below */
	c_u32(&c, &copy.seq);
	body(&c, &copy);
	explicit_bzero(&copy, used);	/* may hold a PAP password */
	if (c.err != PRIV_OK)
		return -1;
	n = (size_t)(c.w - buf);
	put_be16(buf + 2, (uint16_t)n);
	return (int)n;
}

enum priv_reason priv_msg_decode(const uint8_t *buf, size_t len, struct priv_msg *m)
{
	struct codec c = { .r = buf, .left = len };
	uint8_t version = 0;
	uint16_t mlen = 0;

	/* what the datagram's type uses (a reply's request type: its body's first octet) */
	memset(m, 0, len < PRIV_HDR_LEN ? MSG_BODY :
		  msg_used(buf[1], len > PRIV_HDR_LEN ? buf[PRIV_HDR_LEN] : 0));
	if (len < PRIV_HDR_LEN)
		return PRIV_R_TRUNCATED;
	if (len > PRIV_MSG_MAX)
		return PRIV_R_LENGTH;
	c_u8(&c, &version);
	c_u8(&c, &m->type);
	c_u16(&c, &mlen);
	c_u32(&c, &m->seq);
	if (version != PRIV_MSG_VERSION)
		return PRIV_R_VERSION;
	if (m->type == 0 || m->type >= PRIV_TYPE_MAX)
		return PRIV_R_TYPE;
	if (mlen != len)
		return PRIV_R_LENGTH;
	body(&c, m);
	if (c.err == PRIV_OK && c.left)
		return PRIV_R_LENGTH;
	return c.err;
}

enum priv_reason priv_batch_check(const uint8_t *buf, size_t len)
{
	size_t at = PRIV_HDR_LEN, records = 0;

	if (len < PRIV_HDR_LEN)
		return PRIV_R_TRUNCATED;
	if (buf[0] != PRIV_MSG_VERSION)
		return PRIV_R_VERSION;
	if (buf[1] != PRIV_BATCH)
		return PRIV_R_TYPE;
	if (len > PRIV_BATCH_MAX || get_be16(buf + 2) != len)
		return PRIV_R_LENGTH;
	if (get_be32(buf + 4) != 0)
		return PRIV_R_FIELD;
	if (at == len)
		return PRIV_R_TRUNCATED;	/* nothing in it */
	while (at < len) {
		size_t n;

		if (len - at < PRIV_HDR_LEN)
			return PRIV_R_TRUNCATED;
		n = get_be16(buf + at + 2);
		if (n < PRIV_HDR_LEN || n > len - at)
			return PRIV_R_LENGTH;
		if (buf[at + 1] >= PRIV_RECORD_BASE)
			records += n;
		else if (at + n != len || !priv_type_is_request(buf[at + 1]) ||
			 buf[at + 1] == PRIV_REQ_SEND)
			return PRIV_R_TYPE;	/* a request only last, never a SEND */
		at += n;
	}
	return records <= PRIV_BATCH_RECORDS ? PRIV_OK : PRIV_R_LENGTH;
}

bool priv_type_is_request(unsigned int type)
{
	return (type >= PRIV_REQ_TUNNEL_ADD && type <= PRIV_REQ_STATS) ||
	       type == PRIV_REQ_IPSEC_REPORT || type == PRIV_REQ_SA_NEXT ||
	       type == PRIV_REQ_SEND || type == PRIV_REQ_RADIUS_SIGN ||
	       type == PRIV_REQ_RADIUS_VERIFY || type == PRIV_REQ_DAE_VERIFY ||
	       type == PRIV_REQ_DAE_SIGN || type == PRIV_REQ_COUNTERS ||
	       type == PRIV_REQ_FROUTE_ADD || type == PRIV_REQ_FROUTE_DEL ||
	       type == PRIV_REQ_ACCT_KEEP;
}

static const char *const type_names[PRIV_TYPE_MAX] = {
	[PRIV_REQ_TUNNEL_ADD] = "tunnel_add",
	[PRIV_REQ_TUNNEL_DEL] = "tunnel_del",
	[PRIV_REQ_SESSION_ADD] = "session_add",
	[PRIV_REQ_SESSION_DEL] = "session_del",
	[PRIV_REQ_AUTH_MSCHAPV2] = "auth_mschapv2",
	[PRIV_REQ_AUTH_CHAP_MD5] = "auth_chap_md5",
	[PRIV_REQ_AUTH_PAP] = "auth_pap",
	[PRIV_REQ_ADDR_CLAIM] = "addr_claim",
	[PRIV_REQ_ADDR_RELEASE] = "addr_release",
	[PRIV_REQ_SESSION_UP] = "session_up",
	[PRIV_REQ_ROUTE_ADD] = "route_add",
	[PRIV_REQ_ROUTE_DEL] = "route_del",
	[PRIV_REQ_MARK_QUERY] = "mark_query",
	[PRIV_REQ_STATS] = "stats",
	[PRIV_REPLY] = "reply",
	[PRIV_EV_SOCKET] = "ev_socket",
	[PRIV_EV_SA_UP] = "ev_sa_up",
	[PRIV_EV_SA_REKEYED] = "ev_sa_rekeyed",
	[PRIV_EV_SA_GONE] = "ev_sa_gone",
	[PRIV_EV_RELOAD] = "ev_reload",
	[PRIV_EV_DATAPATH_LOST] = "ev_datapath_lost",
	[PRIV_REQ_IPSEC_REPORT] = "ipsec_report",
	[PRIV_REQ_SA_NEXT] = "sa_next",
	[PRIV_EV_SA_RESYNC] = "ev_sa_resync",
	[PRIV_REQ_SEND] = "send",
	[PRIV_REQ_RADIUS_SIGN] = "radius_sign",
	[PRIV_REQ_RADIUS_VERIFY] = "radius_verify",
	[PRIV_REQ_DAE_VERIFY] = "dae_verify",
	[PRIV_REQ_DAE_SIGN] = "dae_sign",
	[PRIV_REQ_COUNTERS] = "counters",
	[PRIV_REQ_FROUTE_ADD] = "froute_add",
	[PRIV_REQ_FROUTE_DEL] = "froute_del",
	[PRIV_REQ_ACCT_KEEP] = "acct_keep",
};

const char *priv_type_name(unsigned int type)
{
	return type < PRIV_TYPE_MAX && type_names[type] ? type_names[type] : "unknown";
}

static const char *const reason_names[PRIV_REASON_MAX] = {
	[PRIV_OK] = "ok",
	[PRIV_R_TRUNCATED] = "truncated",
	[PRIV_R_VERSION] = "version",
	[PRIV_R_TYPE] = "type",
	[PRIV_R_LENGTH] = "length",
	[PRIV_R_FIELD] = "field",
	[PRIV_R_SEQ] = "seq",
	[PRIV_R_SOCKET] = "socket",
	[PRIV_R_TUNNEL_EXISTS] = "tunnel_exists",
	[PRIV_R_TUNNEL_UNKNOWN] = "tunnel_unknown",
	[PRIV_R_SESSION_EXISTS] = "session_exists",
	[PRIV_R_SESSION_UNKNOWN] = "session_unknown",
	[PRIV_R_SA_UNKNOWN] = "sa_unknown",
	[PRIV_R_SA_PEER] = "sa_peer",
	[PRIV_R_POLICY] = "policy",
	[PRIV_R_NOT_AUTHED] = "not_authed",
	[PRIV_R_AUTH_STATE] = "auth_state",
	[PRIV_R_CHALLENGE] = "challenge",
	[PRIV_R_NOT_IN_POOL] = "not_in_pool",
	[PRIV_R_ADDR_HELD] = "addr_held",
	[PRIV_R_POOL_EMPTY] = "pool_empty",
	[PRIV_R_ADDR_NOT_HELD] = "addr_not_held",
	[PRIV_R_LIMIT] = "limit",
	[PRIV_R_RATE] = "rate",
	[PRIV_R_PEER] = "peer",
	[PRIV_R_DATAGRAM] = "datagram",
	[PRIV_R_RADIUS] = "radius",
	[PRIV_R_POOL_UNKNOWN] = "pool_unknown",
	[PRIV_R_NOT_GRANTED] = "not_granted",
	[PRIV_R_FROUTE] = "froute",
};

const char *priv_reason_name(unsigned int reason)
{
	return reason < PRIV_REASON_MAX ? reason_names[reason] : "unknown";
}
