// SPDX-License-Identifier: GPL-2.0
/*
 * The resume records' wire form and the parent's store of them
 * (priv_state.h). Each type's layout is one table of fields that both the
 * encoder and the decoder walk, so they cannot disagree; every type has one
 * length, checked before a field is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>

#include "core/htab.h"
#include "core/memtrim.h"
#include "core/util.h"
#include "priv/priv_state.h"

/* --- the wire form ------------------------------------------------------------------- */

enum fkind { F_U8, F_BOOL, F_U16, F_U32, F_U64, F_RAW, F_STR };

struct field {
	uint16_t off;		/* in the type's body struct */
	uint16_t size;		/* F_RAW: octets; F_STR: the char array's size */
	enum fkind kind;
};

#define FLD(type, member, k) { offsetof(type, member), sizeof(((type *)0)->member), k }

#define TR struct l2tp_tunnel_rec
static const struct field tunnel_fields[] = {
	FLD(TR, seq.tid, F_U16), FLD(TR, seq.ns, F_U16), FLD(TR, seq.nr, F_U16),
	FLD(TR, seq.in_flight, F_BOOL), FLD(TR, peer_tid, F_U16), FLD(TR, sock, F_U32),
	FLD(TR, peer.family, F_U8), FLD(TR, peer.addr, F_RAW),
	FLD(TR, local.family, F_U8), FLD(TR, local.addr, F_RAW),
	FLD(TR, peer_port, F_U16), FLD(TR, mark, F_U32), FLD(TR, peer_rws, F_U16),
	FLD(TR, hello_ms, F_U32), FLD(TR, require_ipsec, F_BOOL), FLD(TR, in_kernel, F_BOOL),
	FLD(TR, peer_framing, F_U32), FLD(TR, peer_bearer, F_U32), FLD(TR, created_ms, F_U64),
	FLD(TR, peer_host, F_STR), FLD(TR, peer_vendor, F_STR),
};
#undef TR

#define SR struct l2tp_seq_rec
static const struct field seq_fields[] = {
	FLD(SR, tid, F_U16), FLD(SR, ns, F_U16), FLD(SR, nr, F_U16), FLD(SR, in_flight, F_BOOL),
};
#undef SR

#define SE struct l2tp_session_rec
static const struct field session_fields[] = {
	FLD(SE, tid, F_U16), FLD(SE, sid, F_U16), FLD(SE, peer_sid, F_U16),
	FLD(SE, in_kernel, F_BOOL), FLD(SE, call_serial, F_U32), FLD(SE, tx_speed, F_U32),
	FLD(SE, rx_speed, F_U32), FLD(SE, framing_type, F_U32), FLD(SE, accm_send, F_U32),
	FLD(SE, accm_recv, F_U32), FLD(SE, created_ms, F_U64),
};
#undef SE

#define PR struct priv_state_ppp
static const struct field ppp_fields[] = {
	FLD(PR, tid, F_U16), FLD(PR, sid, F_U16),
	FLD(PR, ppp.req_mru, F_BOOL), FLD(PR, ppp.req_magic, F_BOOL), FLD(PR, ppp.mru, F_U16),
	FLD(PR, ppp.magic, F_U32), FLD(PR, ppp.peer_mru, F_U16), FLD(PR, ppp.peer_magic, F_U32),
	FLD(PR, ppp.peer_pfc, F_BOOL), FLD(PR, ppp.peer_acfc, F_BOOL),
	FLD(PR, ppp.echo_off, F_BOOL), FLD(PR, ppp.lcp_id, F_U8), FLD(PR, ppp.echo_id, F_U8),
	FLD(PR, ppp.auth, F_U8), FLD(PR, ppp.user, F_STR),
	FLD(PR, ppp.ipcp_open, F_BOOL), FLD(PR, ppp.ipv6cp_open, F_BOOL),
	FLD(PR, ppp.ipcp_id, F_U8), FLD(PR, ppp.ipv6cp_id, F_U8),
	FLD(PR, ppp.local4, F_RAW), FLD(PR, ppp.peer4, F_RAW),
	FLD(PR, ppp.dns[0], F_RAW), FLD(PR, ppp.dns[1], F_RAW),
	FLD(PR, ppp.nbns[0], F_RAW), FLD(PR, ppp.nbns[1], F_RAW),
	FLD(PR, ppp.local_id, F_U64), FLD(PR, ppp.peer_id, F_U64),
	FLD(PR, has_pfx6, F_BOOL), FLD(PR, pfx6, F_RAW),
	FLD(PR, acct.id, F_STR), FLD(PR, acct.class_len, F_U8), FLD(PR, acct.class, F_RAW),
	FLD(PR, acct.interim_s, F_U32), FLD(PR, acct.start_ms, F_U64),
	FLD(PR, acct.timeout_end_ms, F_U64),
	FLD(PR, acct.radius_auth, F_BOOL),
};
#undef PR

static const struct field ids_fields[] = {
	FLD(struct priv_state_ids, tid, F_U16), FLD(struct priv_state_ids, sid, F_U16),
};

static const struct field end_fields[] = {
	FLD(struct priv_state_end, n_tunnels, F_U32), FLD(struct priv_state_end, n_sessions, F_U32),
	FLD(struct priv_state_end, n_ppp, F_U32),
};

struct layout {
	const char *name;
	const struct field *f;
	size_t n;
};

#define LAYOUT(name, a) { name, a, ARRAY_SIZE(a) }
static const struct layout layouts[PRIV_ST_TYPES] = {
	[PRIV_ST_TUNNEL - PRIV_ST_BASE] = LAYOUT("tunnel", tunnel_fields),
	[PRIV_ST_SEQ - PRIV_ST_BASE] = LAYOUT("seq", seq_fields),
	[PRIV_ST_SESSION - PRIV_ST_BASE] = LAYOUT("session", session_fields),
	[PRIV_ST_PPP - PRIV_ST_BASE] = LAYOUT("ppp", ppp_fields),
	[PRIV_ST_GONE - PRIV_ST_BASE] = LAYOUT("gone", ids_fields),
	[PRIV_ST_END - PRIV_ST_BASE] = LAYOUT("end", end_fields),
};

bool priv_state_is_type(uint8_t type)
{
	return type >= PRIV_ST_BASE && type < PRIV_ST_TYPE_END;
}

const char *priv_state_type_name(unsigned int type)
{
	return type <= UINT8_MAX && priv_state_is_type((uint8_t)type) ?
	       layouts[type - PRIV_ST_BASE].name : "unknown";
}

static size_t wire_size(const struct field *f)
{
	switch (f->kind) {
	case F_U8:
	case F_BOOL:
		return 1;
	case F_U16:
		return 2;
	case F_U32:
		return 4;
	case F_U64:
		return 8;
	default:
		return f->size;	/* F_RAW; F_STR: a length octet and size - 1 */
	}
}

static size_t msg_len(const struct layout *l)
{
	size_t n = PRIV_ST_HDR_LEN;

	for (size_t i = 0; i < l->n; i++)
		n += wire_size(&l->f[i]);
	return n;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

/* One field out of body to w; false when it holds what the decoder refuses. */
static bool put_field(const struct field *f, const uint8_t *body, uint8_t *w)
{
	const uint8_t *p = body + f->off;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;
	size_t n;

	switch (f->kind) {
	case F_U8:
		*w = *p;
		return true;
	case F_BOOL:
		*w = *(const bool *)p;
		return true;
	case F_U16:
		memcpy(&v16, p, 2);
		put_be16(w, v16);
		return true;
	case F_U32:
		memcpy(&v32, p, 4);
		put_be32(w, v32);
		return true;
	case F_U64:
		memcpy(&v64, p, 8);
		put_be64(w, v64);
		return true;
	case F_RAW:
		memcpy(w, p, f->size);
		return true;
	case F_STR:
		n = strnlen((const char *)p, f->size);
		if (n == f->size)
			return false;
		w[0] = (uint8_t)n;
		memcpy(w + 1, p, n);
		memset(w + 1 + n, 0, f->size - 1 - n);
		return true;
	}
	return false;
}

/* One field from r into body; false when it is not canonical. */
static bool get_field(const struct field *f, uint8_t *body, const uint8_t *r)
{
	uint8_t *p = body + f->off;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->kind) {
	case F_U8:
		*p = *r;
		return true;
	case F_BOOL:
		*(bool *)p = *r == 1;
		return *r <= 1;
	case F_U16:
		v16 = get_be16(r);
		memcpy(p, &v16, 2);
		return true;
	case F_U32:
		v32 = get_be32(r);
		memcpy(p, &v32, 4);
		return true;
	case F_U64:
		v64 = get_be64(r);
		memcpy(p, &v64, 8);
		return true;
	case F_RAW:
		memcpy(p, r, f->size);
		return true;
	case F_STR:
		if (r[0] > f->size - 1 || memchr(r + 1, '\0', r[0]) ||
		    !all_zero(r + 1 + r[0], f->size - 1u - r[0]))
			return false;
		memcpy(p, r + 1, r[0]);
		return true;	/* the NUL and the rest: the zeroed message */
	}
	return false;
}

/* As its exporter writes it: the L2TP and PPP engines' own checks. */
static bool body_valid(const struct priv_state_msg *m)
{
	switch (m->type) {
	case PRIV_ST_TUNNEL:
		return l2tp_tunnel_rec_valid(&m->tunnel);
	case PRIV_ST_SEQ:
		return m->seq_rec.tid != 0;
	case PRIV_ST_SESSION:
		return l2tp_session_rec_valid(&m->session);
	case PRIV_ST_PPP:
		return m->ppp.tid && m->ppp.sid && ppp_rec_valid(&m->ppp.ppp) &&
		       (m->ppp.has_pfx6 || all_zero(m->ppp.pfx6.s6_addr, 16)) &&
		       m->ppp.acct.class_len <= PRIV_CLASS_MAX &&
		       all_zero(m->ppp.acct.class + m->ppp.acct.class_len,
				PRIV_CLASS_MAX - m->ppp.acct.class_len);
	case PRIV_ST_GONE:
		return m->gone.tid != 0;
	default:
		return true;
	}
}

/* Every record names its tunnel by the checker's handle; ST_END names none. */
static bool handle_valid(const struct priv_state_msg *m)
{
	return (m->handle == 0) == (m->type == PRIV_ST_END);
}

int priv_state_encode(const struct priv_state_msg *m, uint8_t *buf, size_t cap)
{
	const struct layout *l;
	const uint8_t *body = (const uint8_t *)&m->tunnel;
	size_t len, at = PRIV_ST_HDR_LEN;

	if (!priv_state_is_type(m->type) || !handle_valid(m) || !body_valid(m))
		return -1;
	l = &layouts[m->type - PRIV_ST_BASE];
	len = msg_len(l);
	if (len > cap || len > PRIV_MSG_MAX)
		return -1;
	buf[0] = PRIV_STATE_VERSION;
	buf[1] = m->type;
	put_be16(buf + 2, (uint16_t)len);
	put_be32(buf + 4, m->seq);
	put_be32(buf + PRIV_HDR_LEN, m->handle);
	for (size_t i = 0; i < l->n; at += wire_size(&l->f[i]), i++)
		if (!put_field(&l->f[i], body, buf + at))
			return -1;
	return (int)len;
}

enum priv_reason priv_state_decode(const uint8_t *buf, size_t len, struct priv_state_msg *m)
{
	const struct layout *l;
	uint8_t *body = (uint8_t *)&m->tunnel;
	size_t at = PRIV_ST_HDR_LEN;

	memset(m, 0, sizeof(*m));
	if (len < PRIV_HDR_LEN)
		return PRIV_R_TRUNCATED;
	if (buf[0] != PRIV_STATE_VERSION)
		return PRIV_R_VERSION;
	if (!priv_state_is_type(buf[1]))
		return PRIV_R_TYPE;
	l = &layouts[buf[1] - PRIV_ST_BASE];
	if (get_be16(buf + 2) != len)
		return PRIV_R_LENGTH;
	if (len != msg_len(l))
		return len < msg_len(l) ? PRIV_R_TRUNCATED : PRIV_R_LENGTH;
	m->type = buf[1];
	m->seq = get_be32(buf + 4);
	m->handle = get_be32(buf + PRIV_HDR_LEN);
	for (size_t i = 0; i < l->n; at += wire_size(&l->f[i]), i++)
		if (!get_field(&l->f[i], body, buf + at))
			return PRIV_R_FIELD;
	return handle_valid(m) && body_valid(m) ? PRIV_OK : PRIV_R_FIELD;
}

/* --- coalescing held records (priv_state_fold) ---------------------------------------- */

/*
 * Every record's body starts with its tunnel's ID; a session's, a PPP
 * session's and ST_GONE's go on with the session's (0 in ST_GONE: the tunnel).
 */
#define FOLD_TID	PRIV_ST_HDR_LEN
#define FOLD_SID	(PRIV_ST_HDR_LEN + 2)
#define SEQ_BODY_LEN	7	/* seq_fields on the wire: the start of tunnel_fields too */

static bool same_tunnel(const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a + PRIV_HDR_LEN, b + PRIV_HDR_LEN, 4 + 2);	/* handle and tid */
}

static bool of_session(const uint8_t *held, uint8_t type)
{
	return type == PRIV_ST_SESSION || type == PRIV_ST_PPP ||
	       (type == PRIV_ST_GONE && get_be16(held + FOLD_SID));
}

/*
 * rec's handle and body over held's (same type), held's number kept. A type's
 * records are all of one length (a string is padded to its field's size);
 * should that change, records of two lengths are not folded.
 */
static enum priv_state_fold fold_into(uint8_t *held, const uint8_t *rec)
{
	size_t len = get_be16(rec + 2);

	if (get_be16(held + 2) != len)
		return PRIV_FOLD_NONE;
	memcpy(held + PRIV_HDR_LEN, rec + PRIV_HDR_LEN, len - PRIV_HDR_LEN);
	return PRIV_FOLD_INTO;
}

static enum priv_state_fold fold_gone(const uint8_t *held, const uint8_t *rec)
{
	uint8_t ht = held[1];
	uint16_t sid = get_be16(rec + FOLD_SID);

	if (!sid)	/* the tunnel: every record of it */
		return ht == PRIV_ST_TUNNEL ? PRIV_FOLD_BOTH : PRIV_FOLD_DROP;
	if (!of_session(held, ht) || get_be16(held + FOLD_SID) != sid)
		return PRIV_FOLD_NONE;
	return ht == PRIV_ST_SESSION ? PRIV_FOLD_BOTH : PRIV_FOLD_DROP;
}

enum priv_state_fold priv_state_fold(uint8_t *held, const uint8_t *rec)
{
	uint8_t ht = held[1], rt = rec[1];

	if (!priv_state_is_type(ht) || !priv_state_is_type(rt) || ht == PRIV_ST_END ||
	    rt == PRIV_ST_END || !same_tunnel(held, rec))
		return PRIV_FOLD_NONE;
	switch (rt) {
	case PRIV_ST_SEQ:
		if (ht == PRIV_ST_SEQ)
			return fold_into(held, rec);
		if (ht != PRIV_ST_TUNNEL)
			return PRIV_FOLD_NONE;
		memcpy(held + PRIV_ST_HDR_LEN, rec + PRIV_ST_HDR_LEN, SEQ_BODY_LEN);
		return PRIV_FOLD_INTO;
	case PRIV_ST_TUNNEL:
		if (ht == PRIV_ST_TUNNEL)
			return fold_into(held, rec);
		return ht == PRIV_ST_SEQ ? PRIV_FOLD_DROP : PRIV_FOLD_NONE;
	case PRIV_ST_SESSION:
	case PRIV_ST_PPP:
		if (ht != rt || get_be16(held + FOLD_SID) != get_be16(rec + FOLD_SID))
			return PRIV_FOLD_NONE;
		return fold_into(held, rec);
	case PRIV_ST_GONE:
		return fold_gone(held, rec);
	default:
		return PRIV_FOLD_NONE;
	}
}

/* --- the store --------------------------------------------------------------------- */

struct st_session;

struct st_tunnel {
	struct htab_node node;
	struct st_tunnel *next_free;
	struct st_session *first;	/* its sessions */
	uint32_t handle;		/* the checker's, its key; 0: a free entry */
	struct l2tp_tunnel_rec rec;
};

struct st_session {
	struct htab_node node;
	struct st_session *prev, *next;		/* the tunnel's; next: the free list too */
	uint32_t handle;		/* its tunnel's; with rec.sid its key */
	struct l2tp_session_rec rec;
	/*
	 * Its PPP record, allocated when PPP is up (NULL: none): the table is
	 * sized by max-sessions, and a record (672 B, the user name) in every
	 * entry cost 750 MB up front at max-sessions = 1,000,000; bounded by the
	 * table all the same. Kept packed (ppp_pack), ppp_len octets: most of a
	 * record is the unused room of its user name and Class.
	 */
	uint8_t *ppp;
	uint16_t ppp_len;
};

struct priv_state {
	const struct priv_check *check;
	/*
	 * An entry is taken from the free list (the ones freed), else at hw:
	 * those from hw on were never used. Untouched, they take no memory
	 * (a free list built through them all took 344 B of RSS a configured
	 * tunnel and session up front, 22 MB at max-sessions = 65,535), and a
	 * freed entry is zeros but for its link, so that once all went their
	 * pages go back (priv_state_release).
	 */
	struct st_tunnel *tun, *tun_free;
	struct st_session *sess, *sess_free;
	unsigned int cap_tun, cap_sess, n_tun, n_sess, hw_tun, hw_sess;
	/*
	 * They grow and shrink with the entries, so never beyond twice the
	 * bounds in buckets. Sized for the bounds up front, a hash spread the
	 * buckets of a few sessions over all their pages: with 2,000 sessions
	 * up, 512 B of RSS a session at max-sessions = 65,535, 4 KiB at 1,000,000.
	 */
	struct htab by_handle, by_ids;
	uint32_t seq;			/* the engine's last record */
	struct priv_state_stats st;
};

static uint64_t ids_key(uint32_t handle, uint16_t sid)
{
	return (uint64_t)handle << 16 | sid;
}

struct priv_state *priv_state_new(unsigned int max_tunnels, unsigned int max_sessions,
				  const struct priv_check *check)
{
	struct priv_state *st = calloc(1, sizeof(*st));
	uint64_t seed[2];

	if (!st)
		return NULL;
	util_random(seed, sizeof(seed));
	st->check = check;
	st->cap_tun = max_tunnels ? max_tunnels : 1;
	st->cap_sess = max_sessions ? max_sessions : 1;
	st->tun = calloc(st->cap_tun, sizeof(*st->tun));
	st->sess = calloc(st->cap_sess, sizeof(*st->sess));
	if (!st->tun || !st->sess || htab_init(&st->by_handle, 64, seed[0]) < 0 ||
	    htab_init(&st->by_ids, 64, seed[1]) < 0) {
		priv_state_free(st);
		errno = ENOMEM;
		return NULL;
	}
	return st;
}

/*
 * A PPP record's octets packed: runs of a literal length (16 bits), its
 * octets, and a length of zeros (16 bits) that follow them; a run of fewer
 * than 4 zeros stays in the literal. Into out (PPP_PACK_MAX), its length.
 */
#define PPP_PACK_MAX (2 * sizeof(struct priv_state_ppp) + 4)

static bool zeros4(const uint8_t *p, size_t i, size_t n)
{
	return i + 4 <= n && !p[i] && !p[i + 1] && !p[i + 2] && !p[i + 3];
}

static size_t ppp_pack(const struct priv_state_ppp *r, uint8_t *out)
{
	const uint8_t *p = (const uint8_t *)r;
	size_t n = sizeof(*r), i = 0, o = 0;

	while (i < n) {
		size_t j = i, k;

		while (j < n && !zeros4(p, j, n))
			j++;
		for (k = j; k < n && !p[k]; k++)
			;
		memcpy(out + o, &(uint16_t){ (uint16_t)(j - i) }, 2);
		memcpy(out + o + 2, p + i, j - i);
		o += 2 + j - i;
		memcpy(out + o, &(uint16_t){ (uint16_t)(k - j) }, 2);
		o += 2;
		i = k;
	}
	return o;
}

static void ppp_unpack(const uint8_t *in, size_t len, struct priv_state_ppp *r)
{
	uint8_t *p = (uint8_t *)r;
	size_t n = sizeof(*r), i = 0, o = 0;
	uint16_t lit, z;

	while (i < n && o + 4 <= len) {
		memcpy(&lit, in + o, 2);
		lit = (uint16_t)MIN(lit, MIN(n - i, len - o - 4));
		memcpy(p + i, in + o + 2, lit);
		i += lit;
		o += 2 + lit;
		memcpy(&z, in + o, 2);
		z = (uint16_t)MIN(z, n - i);
		memset(p + i, 0, z);
		i += z;
		o += 2;
	}
	memset(p + i, 0, n - i);
}

static void ppp_drop(struct st_session *s)
{
	if (!s->ppp)
		return;
	explicit_bzero(s->ppp, s->ppp_len);	/* a user name */
	free(s->ppp);
	s->ppp = NULL;
	s->ppp_len = 0;
}

void priv_state_free(struct priv_state *st)
{
	if (!st)
		return;
	for (unsigned int i = 0; st->sess && i < st->hw_sess; i++)
		ppp_drop(&st->sess[i]);
	free(st->tun);
	free(st->sess);
	if (st->by_handle.bucket)
		htab_free(&st->by_handle);
	if (st->by_ids.bucket)
		htab_free(&st->by_ids);
	free(st);
}

/* The tunnel with the checker's handle (and ID tid, 0: any), or NULL. */
static struct st_tunnel *tun_find(const struct priv_state *st, uint32_t handle, uint16_t tid)
{
	uint64_t h = htab_hash64(&st->by_handle, handle);

	for (struct htab_node *x = htab_first(&st->by_handle, h); x; x = htab_next(x)) {
		struct st_tunnel *t = container_of(x, struct st_tunnel, node);

		if (t->handle == handle)
			return !tid || t->rec.seq.tid == tid ? t : NULL;
	}
	return NULL;
}

static struct st_session *sess_find(const struct priv_state *st, uint32_t handle, uint16_t sid)
{
	uint64_t h = htab_hash64(&st->by_ids, ids_key(handle, sid));

	for (struct htab_node *x = htab_first(&st->by_ids, h); x; x = htab_next(x)) {
		struct st_session *s = container_of(x, struct st_session, node);

		if (s->handle == handle && s->rec.sid == sid)
			return s;
	}
	return NULL;
}

static void sess_del(struct priv_state *st, struct st_tunnel *t, struct st_session *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		t->first = s->next;
	if (s->next)
		s->next->prev = s->prev;
	htab_del(&st->by_ids, &s->node);
	ppp_drop(s);
	explicit_bzero(s, sizeof(*s));
	s->next = st->sess_free;
	st->sess_free = s;
	st->n_sess--;
}

static void tun_del(struct priv_state *st, struct st_tunnel *t)
{
	while (t->first)
		sess_del(st, t, t->first);
	htab_del(&st->by_handle, &t->node);
	memset(t, 0, sizeof(*t));
	t->next_free = st->tun_free;
	st->tun_free = t;
	st->n_tun--;
}

static bool peer_is(const struct priv_addr *sa, const struct l2tp_rec_addr *a)
{
	if (sa->family != a->family)
		return false;
	return a->family == 4 ? !memcmp(&sa->v4, a->addr, 4) : !memcmp(&sa->v6, a->addr, 16);
}

static enum priv_reason put_tunnel(struct priv_state *st, uint32_t handle,
				   const struct l2tp_tunnel_rec *r)
{
	struct priv_check_tunnel ct;
	struct st_tunnel *t;

	if (!priv_check_tunnel_get(st->check, handle, r->seq.tid, &ct))
		return PRIV_R_TUNNEL_UNKNOWN;
	if (r->mark != ct.mark)
		return PRIV_R_SA_UNKNOWN;
	if (ct.sa_peer.family && !peer_is(&ct.sa_peer, &r->peer))
		return PRIV_R_SA_PEER;
	/* the tunnel TUNNEL_ADD made: its peer, the peer's ID, the socket (the LNS counts from 0) */
	if (!peer_is(&ct.peer, &r->peer) || ct.peer_port != r->peer_port ||
	    ct.peer_tid != r->peer_tid || ct.require_ipsec != r->require_ipsec)
		return PRIV_R_TUNNEL_UNKNOWN;
	if (ct.sock_id != r->sock + 1)
		return PRIV_R_SOCKET;
	t = tun_find(st, handle, 0);
	if (t && t->rec.seq.tid != r->seq.tid)
		tun_del(st, t);		/* a gone tunnel's handle, given again: cannot be */
	else if (t)
		goto put;
	{
		t = st->tun_free;
		if (t)
			st->tun_free = t->next_free;
		else if (st->hw_tun < st->cap_tun)
			t = &st->tun[st->hw_tun++];
		else
			return PRIV_R_LIMIT;
		t->next_free = NULL;
		t->handle = handle;
		htab_add(&st->by_handle, &t->node, htab_hash64(&st->by_handle, handle));
		st->n_tun++;
	}
put:
	t->rec = *r;
	return PRIV_OK;
}

static enum priv_reason put_seq(struct priv_state *st, uint32_t handle,
				const struct l2tp_seq_rec *r)
{
	struct st_tunnel *t = tun_find(st, handle, r->tid);

	if (!t)
		return PRIV_R_TUNNEL_UNKNOWN;
	t->rec.seq = *r;
	return PRIV_OK;
}

static enum priv_reason put_session(struct priv_state *st, uint32_t handle,
				    const struct l2tp_session_rec *r)
{
	struct priv_check_session cs;
	struct st_tunnel *t = tun_find(st, handle, r->tid);
	struct st_session *s;

	if (!t)
		return PRIV_R_TUNNEL_UNKNOWN;
	if (!priv_check_session_get(st->check, handle, r->tid, r->sid, &cs) ||
	    cs.peer_sid != r->peer_sid)
		return PRIV_R_SESSION_UNKNOWN;
	s = sess_find(st, handle, r->sid);
	if (!s) {
		s = st->sess_free;
		if (s)
			st->sess_free = s->next;
		else if (st->hw_sess < st->cap_sess)
			s = &st->sess[st->hw_sess++];
		else
			return PRIV_R_LIMIT;
		s->prev = NULL;
		s->next = t->first;
		if (s->next)
			s->next->prev = s;
		t->first = s;
		s->handle = handle;
		htab_add(&st->by_ids, &s->node, htab_hash64(&st->by_ids, ids_key(handle, r->sid)));
		st->n_sess++;
	}
	s->rec = *r;		/* a PPP record it had stays */
	return PRIV_OK;
}

static enum priv_reason put_ppp(struct priv_state *st, uint32_t handle,
				const struct priv_state_ppp *r)
{
	struct priv_check_session cs;
	struct st_session *s = tun_find(st, handle, r->tid) ? sess_find(st, handle, r->sid) : NULL;

	if (!s || !priv_check_session_get(st->check, handle, r->tid, r->sid, &cs))
		return PRIV_R_SESSION_UNKNOWN;
	if (!cs.authed)
		return PRIV_R_NOT_AUTHED;
	/* the address the parent gave it; IPv6CP's interface identifiers are no address */
	if (r->ppp.ipcp_open && (!cs.has4 || cs.v4.s_addr != r->ppp.peer4.s_addr))
		return PRIV_R_ADDR_NOT_HELD;
	if (r->has_pfx6 && (!cs.has6 || memcmp(&cs.pfx6, &r->pfx6, sizeof(cs.pfx6))))
		return PRIV_R_ADDR_NOT_HELD;
	{
		uint8_t buf[PPP_PACK_MAX];
		size_t n = ppp_pack(r, buf);
		uint8_t *p = malloc(n);

		if (p)
			memcpy(p, buf, n);
		explicit_bzero(buf, n);
		ppp_drop(s);
		if (!p)
			return PRIV_R_LIMIT;	/* out of memory: not resumable, as if refused */
		s->ppp = p;
		s->ppp_len = (uint16_t)n;
	}
	return PRIV_OK;
}

static enum priv_reason gone(struct priv_state *st, uint32_t handle, const struct priv_state_ids *r)
{
	struct st_tunnel *t = tun_find(st, handle, r->tid);
	struct st_session *s = t && r->sid ? sess_find(st, handle, r->sid) : NULL;

	if (!t)
		return PRIV_R_TUNNEL_UNKNOWN;
	if (r->sid && !s)
		return PRIV_R_SESSION_UNKNOWN;
	if (s)
		sess_del(st, t, s);
	else
		tun_del(st, t);
	return PRIV_OK;
}

static enum priv_reason apply(struct priv_state *st, const struct priv_state_msg *m)
{
	switch (m->type) {
	case PRIV_ST_TUNNEL:
		return put_tunnel(st, m->handle, &m->tunnel);
	case PRIV_ST_SEQ:
		return put_seq(st, m->handle, &m->seq_rec);
	case PRIV_ST_SESSION:
		return put_session(st, m->handle, &m->session);
	case PRIV_ST_PPP:
		return put_ppp(st, m->handle, &m->ppp);
	case PRIV_ST_GONE:
		return gone(st, m->handle, &m->gone);
	default:
		return PRIV_R_TYPE;	/* ST_END is the parent's */
	}
}

static enum priv_reason count(struct priv_state *st, const struct priv_state_msg *m,
			      enum priv_reason why)
{
	if (why == PRIV_OK)
		st->st.accepted[m->type - PRIV_ST_BASE]++;
	else
		st->st.refused[why]++;
	return why;
}

enum priv_reason priv_state_apply(struct priv_state *st, const struct priv_state_msg *m)
{
	if (!priv_state_is_type(m->type))
		return count(st, m, PRIV_R_TYPE);
	if (m->seq != st->seq + 1)
		return count(st, m, PRIV_R_SEQ);
	st->seq = m->seq;	/* a refused record spends its number too */
	return count(st, m, apply(st, m));
}

enum priv_reason priv_state_datagram(struct priv_state *st, const uint8_t *buf, size_t len)
{
	struct priv_state_msg m;
	enum priv_reason why = priv_state_decode(buf, len, &m);

	if (why != PRIV_OK) {
		st->st.refused[why]++;
		explicit_bzero(&m, sizeof(m));
		return why;
	}
	why = priv_state_apply(st, &m);
	explicit_bzero(&m, sizeof(m));
	return why;
}

void priv_state_forget(struct priv_state *st, uint32_t handle, uint16_t sid)
{
	struct st_tunnel *t = tun_find(st, handle, 0);
	struct st_session *s = t && sid ? sess_find(st, handle, sid) : NULL;

	if (s)
		sess_del(st, t, s);
	else if (t && !sid)
		tun_del(st, t);
}

/* The checker no longer knows it: the SA went, the kernel refused it. */
static void drop_unknown(struct priv_state *st)
{
	struct priv_check_tunnel ct;
	struct priv_check_session cs;

	for (unsigned int i = 0; i < st->hw_tun; i++) {
		struct st_tunnel *t = &st->tun[i];
		struct st_session *s, *next;

		if (!t->handle)
			continue;
		if (!priv_check_tunnel_get(st->check, t->handle, t->rec.seq.tid, &ct)) {
			tun_del(st, t);
			continue;
		}
		for (s = t->first; s; s = next) {
			next = s->next;
			if (!priv_check_session_get(st->check, t->handle, s->rec.tid, s->rec.sid,
						    &cs))
				sess_del(st, t, s);
		}
	}
}

struct hand {
	int (*send)(void *ctx, const uint8_t *buf, size_t len);
	void *ctx;
	struct priv_state_msg m;
	uint8_t buf[PRIV_MSG_MAX];
	int sent;
};

static int hand_one(struct hand *h)
{
	int len;

	h->m.seq = (uint32_t)h->sent + 1;
	len = priv_state_encode(&h->m, h->buf, sizeof(h->buf));
	if (len < 0 || h->send(h->ctx, h->buf, (size_t)len))
		return -1;
	h->sent++;
	return 0;
}

static int hand_sessions(struct hand *h, const struct st_tunnel *t, struct priv_state_end *end)
{
	for (const struct st_session *s = t->first; s; s = s->next) {
		memset(&h->m, 0, sizeof(h->m));
		h->m.type = PRIV_ST_SESSION;
		h->m.handle = t->handle;
		h->m.session = s->rec;
		if (hand_one(h))
			return -1;
		end->n_sessions++;
		if (!s->ppp)
			continue;
		memset(&h->m, 0, sizeof(h->m));
		h->m.type = PRIV_ST_PPP;
		h->m.handle = t->handle;
		ppp_unpack(s->ppp, s->ppp_len, &h->m.ppp);
		if (hand_one(h))
			return -1;
		end->n_ppp++;
	}
	return 0;
}

int priv_state_hand_back(struct priv_state *st,
			 int (*send)(void *ctx, const uint8_t *buf, size_t len), void *ctx)
{
	struct hand *h = calloc(1, sizeof(*h));
	struct priv_state_end end = { 0 };
	int ret = -1;

	if (!h)
		return -1;
	h->send = send;
	h->ctx = ctx;
	st->seq = 0;		/* a new engine numbers from 1 */
	drop_unknown(st);
	for (unsigned int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < st->hw_tun; i++) {
			const struct st_tunnel *t = &st->tun[i];

			if (!t->handle)
				continue;
			/* every tunnel first: a session names an imported tunnel */
			if (pass == 1) {
				if (hand_sessions(h, t, &end))
					goto out;
				continue;
			}
			memset(&h->m, 0, sizeof(h->m));
			h->m.type = PRIV_ST_TUNNEL;
			h->m.handle = t->handle;
			h->m.tunnel = t->rec;
			if (hand_one(h))
				goto out;
			end.n_tunnels++;
		}
	}
	memset(&h->m, 0, sizeof(h->m));
	h->m.type = PRIV_ST_END;
	h->m.end = end;
	if (hand_one(h) == 0)
		ret = h->sent;
out:
	explicit_bzero(h, sizeof(*h));
	free(h);
	return ret;
}

void priv_state_counts(const struct priv_state *st, unsigned int *tunnels,
		       unsigned int *sessions)
{
	*tunnels = st->n_tun;
	*sessions = st->n_sess;
}

const struct priv_state_stats *priv_state_stats(const struct priv_state *st)
{
	return &st->st;
}

void priv_state_release(struct priv_state *st)
{
	/* none left: the free entries from the first again, all zeros, their pages back */
	if (!st->n_tun && st->hw_tun) {
		memset(st->tun, 0, st->hw_tun * sizeof(*st->tun));
		memtrim_zero_pages(st->tun, st->hw_tun * sizeof(*st->tun));
		st->tun_free = NULL;
		st->hw_tun = 0;
	}
	if (!st->n_sess && st->hw_sess) {
		memset(st->sess, 0, st->hw_sess * sizeof(*st->sess));
		memtrim_zero_pages(st->sess, st->hw_sess * sizeof(*st->sess));
		st->sess_free = NULL;
		st->hw_sess = 0;
	}
}

bool priv_state_has(const struct priv_state *st, uint32_t handle, uint16_t sid)
{
	return sid ? sess_find(st, handle, sid) != NULL : tun_find(st, handle, 0) != NULL;
}

/* A record of old's hand-back into the new store (ST_END: nothing). */
static int carry_one(void *ctx, const uint8_t *buf, size_t len)
{
	struct priv_state *to = ctx;

	if (len > 1 && buf[1] == PRIV_ST_END)
		return 0;
	return priv_state_datagram(to, buf, len) == PRIV_OK ? 0 : -1;
}

struct priv_state *priv_state_reload(struct priv_state *old, unsigned int max_tunnels,
				     unsigned int max_sessions, const struct priv_check *check)
{
	struct priv_state *st = priv_state_new(MAX(max_tunnels, old->n_tun),
					       MAX(max_sessions, old->n_sess), check);
	uint32_t seq = old->seq;

	if (!st)
		return NULL;
	if (priv_state_hand_back(old, carry_one, st) < 0) {
		priv_state_free(st);
		old->seq = seq;
		errno = EINVAL;
		return NULL;
	}
	old->seq = seq;
	st->seq = seq;		/* the running engine's next record follows its last */
	st->st = old->st;
	return st;
}

void priv_state_forget_ppp(struct priv_state *st, uint32_t handle, uint16_t sid)
{
	struct st_session *s = sid ? sess_find(st, handle, sid) : NULL;

	if (!s)
		return;
	ppp_drop(s);
}
