// SPDX-License-Identifier: GPL-2.0
/* RADIUS under privsep, the parent's side: signing and verifying (priv_radius.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv/priv_acct.h"
#include "priv/priv_radius.h"
#include "radius/radius_pkt.h"
#include "radius/radius_sign.h"

#define N_SERVERS	8	/* radius_client.h's RADIUS_MAX_SERVERS, the codec's bound */

/* An Access-Request signed and not answered yet. */
struct outstanding {
	bool used;
	uint8_t auth[RADIUS_AUTH_LEN];
	uint32_t handle;
	uint16_t tid, sid;
};

/* A DAE request verified and not answered yet. */
struct dae_outstanding {
	bool used;
	uint8_t code;
	uint8_t auth[RADIUS_AUTH_LEN];
};

struct dae_client {
	uint8_t secret[RADIUS_SECRET_MAX];
	struct radius_secret s;			/* len 0: not configured */
	struct dae_outstanding out[256];	/* by Identifier */
};

/* An Accounting-Request signed as a try of a kept record (priv_acct.h), not answered yet. */
struct acct_outstanding {
	uint32_t keep;			/* 0: unused */
	uint8_t auth[RADIUS_AUTH_LEN];
};

struct priv_radius {
	uint8_t secret[RADIUS_SECRET_MAX];
	struct radius_secret s;
	struct dae_client dae[PRIV_DAE_CLIENTS];
	unsigned int n_servers[PRIV_RADIUS_LINKS];
	struct outstanding out[N_SERVERS][256];		/* by server and identifier */
	struct acct_outstanding acct_out[N_SERVERS][256];
	struct priv_acct *acct;				/* borrowed; NULL: none kept */
	struct priv_radius_stats st;
};

static const uint8_t request_code[PRIV_RADIUS_LINKS] = {
	[PRIV_RADIUS_AUTH] = RADIUS_ACCESS_REQUEST,
	[PRIV_RADIUS_ACCT] = RADIUS_ACCOUNTING_REQUEST,
};

struct priv_radius *priv_radius_new(const uint8_t *secret, size_t len, unsigned int n_auth,
				    unsigned int n_acct)
{
	struct priv_radius *r;

	/* no secret of [radius]'s: DAE alone, its clients' secrets each in a file */
	if ((!len && (n_auth || n_acct)) || len > RADIUS_SECRET_MAX || n_auth > N_SERVERS ||
	    n_acct > N_SERVERS) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r->secret, secret, len);
	r->s.data = r->secret;
	r->s.len = len;
	r->n_servers[PRIV_RADIUS_AUTH] = n_auth;
	r->n_servers[PRIV_RADIUS_ACCT] = n_acct;
	return r;
}

void priv_radius_free(struct priv_radius *r)
{
	if (!r)
		return;
	explicit_bzero(r, sizeof(*r));
	free(r);
}

int priv_radius_dae_client(struct priv_radius *r, unsigned int i, const uint8_t *secret,
			   size_t len)
{
	struct dae_client *c;

	if (i >= PRIV_DAE_CLIENTS || !len || len > RADIUS_SECRET_MAX) {
		errno = EINVAL;
		return -1;
	}
	c = &r->dae[i];
	memcpy(c->secret, secret, len);
	c->s.data = c->secret;
	c->s.len = len;
	return 0;
}

void priv_radius_set_acct(struct priv_radius *r, struct priv_acct *pa)
{
	r->acct = pa;
}

void priv_radius_engine_gone(struct priv_radius *r)
{
	memset(r->out, 0, sizeof(r->out));
	memset(r->acct_out, 0, sizeof(r->acct_out));
	for (unsigned int i = 0; i < PRIV_DAE_CLIENTS; i++)
		memset(r->dae[i].out, 0, sizeof(r->dae[i].out));
}

const struct priv_radius_stats *priv_radius_stats(const struct priv_radius *r)
{
	return &r->st;
}

/* What the decoder bounds, again: a request judged without it (priv_check_request) too. */
static bool link_ok(const struct priv_radius *r, uint8_t link, uint8_t server,
		    const struct priv_radius_pkt *p)
{
	return link < PRIV_RADIUS_LINKS && server < r->n_servers[link] &&
	       p->len >= RADIUS_HDR_LEN && p->len <= PRIV_RADIUS_MAX;
}

/* Is q a request the engine may have signed on its link? */
static bool sign_ok(const struct priv_radius *r, const struct priv_radius_sign *q)
{
	const struct radius_avp *pw;
	struct radius_msg m;
	bool access = q->link == PRIV_RADIUS_AUTH;

	if (!link_ok(r, q->link, q->server, &q->pkt) || q->pkt.buf[0] != request_code[q->link])
		return false;
	/* an Access-Request names the session its answer may authenticate; nothing else does */
	if (access != (q->handle != 0))
		return false;
	if (radius_decode(&m, q->pkt.buf, q->pkt.len) != RADIUS_OK || m.len != q->pkt.len)
		return false;
	if (access && !radius_find(&m, RADIUS_USER_NAME, NULL))
		return false;
	/* a User-Password goes hidden in an Access-Request, once; nowhere else (in clear) */
	pw = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	return !pw || (access && !radius_find(&m, RADIUS_USER_PASSWORD, pw));
}

enum priv_reason priv_radius_sign(struct priv_radius *r, const struct priv_radius_sign *q,
				  struct priv_reply *out)
{
	struct radius_pkt p;
	struct outstanding *o;
	enum priv_reason why = PRIV_R_RADIUS;

	int kept = 0;

	if (!sign_ok(r, q))
		return why;
	/* a try of a kept record must be that record (its number never names another) */
	if (q->keep && r->acct) {
		kept = priv_acct_match(r->acct, q->keep, q->pkt.buf, q->pkt.len);
		if (kept < 0)
			return why;
	}
	memcpy(p.buf, q->pkt.buf, q->pkt.len);
	p.len = q->pkt.len;
	if (radius_sign_request(&p, &r->s, NULL))
		goto out;
	memcpy(out->radius.buf, p.buf, p.len);
	out->radius.len = (uint16_t)p.len;
	if (q->link == PRIV_RADIUS_AUTH) {
		o = &r->out[q->server][p.buf[1]];
		o->used = true;
		memcpy(o->auth, p.buf + 4, RADIUS_AUTH_LEN);
		o->handle = q->handle;
		o->tid = q->tid;
		o->sid = q->sid;
		r->st.signed_auth++;
	} else {
		struct acct_outstanding *a = &r->acct_out[q->server][p.buf[1]];

		a->keep = kept > 0 ? q->keep : 0;
		memcpy(a->auth, p.buf + 4, RADIUS_AUTH_LEN);
		r->st.signed_acct++;
	}
	why = PRIV_OK;
out:
	explicit_bzero(&p, sizeof(p));		/* a clear password before signing */
	return why;
}

/* A verified Access-Accept's decision: the session, and a usable Framed-IP-Address. */
static void accept_of(const struct radius_msg *m, const struct outstanding *o,
		      struct priv_radius_verdict *v)
{
	struct radius_reply rr;
	const char *what = NULL;
	uint32_t a;

	if (radius_reply_parse(m, &rr, &what) != RADIUS_OK)
		return;		/* the engine refuses a malformed Accept too */
	v->accept = true;
	a = ntohl(rr.framed_ip.s_addr);
	/* 0xffffffff, 0xfffffffe: "the NAS chooses" (RFC 2865 section 5.8), not an address */
	if (rr.has_framed_ip && a && a < 0xfffffffeu) {
		v->has_framed4 = true;
		v->framed4 = rr.framed_ip;
	}
	memcpy(v->framed_pool, rr.framed_pool, sizeof(v->framed_pool));
	v->framed_pool[sizeof(v->framed_pool) - 1] = '\0';
	v->has_pfx6 = rr.has_ipv6_prefix;
	v->pfx6 = rr.ipv6_prefix;
	v->pfx6_len = rr.ipv6_plen;
	v->n_routes = rr.n_routes;
	memcpy(v->routes, rr.routes, rr.n_routes * sizeof(rr.routes[0]));
	v->n_routes6 = rr.n_routes6;
	memcpy(v->routes6, rr.routes6, rr.n_routes6 * sizeof(rr.routes6[0]));
	explicit_bzero(&rr, sizeof(rr));
}

enum priv_reason priv_radius_verify(struct priv_radius *r, const struct priv_radius_verify *q,
				    struct priv_reply *out, struct priv_radius_verdict *v)
{
	struct outstanding *o = NULL;
	struct radius_msg m;
	enum radius_err e;

	memset(v, 0, sizeof(*v));
	if (!link_ok(r, q->link, q->server, &q->pkt) || q->req_code != request_code[q->link])
		return PRIV_R_RADIUS;
	e = radius_decode(&m, q->pkt.buf, q->pkt.len);
	if (e == RADIUS_OK && q->link == PRIV_RADIUS_AUTH) {
		/* only an answer to a request signed here, as signed */
		o = &r->out[q->server][m.id];
		if (!o->used || memcmp(o->auth, q->req_auth, RADIUS_AUTH_LEN))
			return PRIV_R_RADIUS;
	}
	if (e == RADIUS_OK)
		e = radius_verify_answer(&m, q->req_code, q->req_auth, &r->s);
	out->radius_err = (uint8_t)e;
	if (e != RADIUS_OK) {
		r->st.not_verified++;	/* forged, or a wrong secret: the request stays */
		return PRIV_OK;
	}
	r->st.verified++;
	if (q->link == PRIV_RADIUS_ACCT) {
		struct acct_outstanding *a = &r->acct_out[q->server][m.id];

		/* the answer to a try of a kept record: no engine sends it again */
		if (a->keep && !memcmp(a->auth, q->req_auth, RADIUS_AUTH_LEN)) {
			if (r->acct)
				priv_acct_answered(r->acct, a->keep);
			a->keep = 0;
		}
	}
	if (!o)
		return PRIV_OK;
	v->handle = o->handle;
	v->tid = o->tid;
	v->sid = o->sid;
	if (m.code == RADIUS_ACCESS_ACCEPT)
		accept_of(&m, o, v);
	else if (m.code == RADIUS_ACCESS_REJECT)
		v->reject = true;
	o->used = false;		/* answered: a replay of the answer is refused */
	return PRIV_OK;
}

/* --- dynamic authorization ------------------------------------------------------------ */

static struct dae_client *dae_client(struct priv_radius *r, const struct priv_dae *q)
{
	if (q->client >= PRIV_DAE_CLIENTS || !r->dae[q->client].s.len ||
	    q->pkt.len < RADIUS_HDR_LEN || q->pkt.len > PRIV_RADIUS_MAX)
		return NULL;
	return &r->dae[q->client];
}

enum priv_reason priv_radius_dae_verify(struct priv_radius *r, const struct priv_dae *q,
					struct priv_reply *out)
{
	struct dae_client *c = dae_client(r, q);
	struct dae_outstanding *o;
	struct radius_msg m;
	enum radius_err e;

	if (!c)
		return PRIV_R_RADIUS;
	e = radius_decode(&m, q->pkt.buf, q->pkt.len);
	if (e == RADIUS_OK && m.code != RADIUS_DISCONNECT_REQUEST && m.code != RADIUS_COA_REQUEST)
		return PRIV_R_RADIUS;	/* the engine reads the code before it asks */
	if (e == RADIUS_OK)
		e = radius_verify_request(&m, &c->s);
	out->radius_err = (uint8_t)e;
	if (e != RADIUS_OK) {
		r->st.dae_not_verified++;
		return PRIV_OK;
	}
	r->st.dae_verified++;
	o = &c->out[m.id];
	o->used = true;
	o->code = m.code;
	memcpy(o->auth, m.buf + 4, RADIUS_AUTH_LEN);
	return PRIV_OK;
}

/* Does answer code a answer a request of code q (RFC 5176 section 3)? */
static bool dae_answers(uint8_t a, uint8_t q)
{
	if (q == RADIUS_DISCONNECT_REQUEST)
		return a == RADIUS_DISCONNECT_ACK || a == RADIUS_DISCONNECT_NAK;
	return a == RADIUS_COA_ACK || a == RADIUS_COA_NAK;
}

enum priv_reason priv_radius_dae_sign(struct priv_radius *r, const struct priv_dae *q,
				      struct priv_reply *out)
{
	struct dae_client *c = dae_client(r, q);
	struct dae_outstanding *o;
	struct radius_msg m;
	struct radius_pkt p;

	if (!c || radius_decode(&m, q->pkt.buf, q->pkt.len) != RADIUS_OK || m.len != q->pkt.len)
		return PRIV_R_RADIUS;
	o = &c->out[m.id];
	if (!o->used || memcmp(o->auth, q->req_auth, RADIUS_AUTH_LEN) ||
	    !dae_answers(m.code, o->code))
		return PRIV_R_RADIUS;
	memcpy(p.buf, q->pkt.buf, q->pkt.len);
	p.len = q->pkt.len;
	if (radius_sign_answer(&p, &c->s, q->req_auth) || p.len > PRIV_RADIUS_MAX)
		return PRIV_R_RADIUS;
	memcpy(out->radius.buf, p.buf, p.len);
	out->radius.len = (uint16_t)p.len;
	o->used = false;	/* answered: once */
	r->st.dae_signed++;
	return PRIV_OK;
}
