// SPDX-License-Identifier: GPL-2.0
/* The parent's packet switch on the TUN data path (tunpump.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/random.h>

#include "core/htab.h"
#include "core/memtrim.h"
#include "core/sa46.h"
#include "core/util.h"
#include "datapath/tunpump.h"
#include "l2tp/l2tp_msg.h"
#include "ppp/ppp.h"

#define TP_PPP_IP	0x0021
#define TP_PPP_IPV6	0x0057

struct tp_session;

struct tp_tunnel {
	struct htab_node by_handle, by_key;
	uint32_t handle, sock_id, mark;
	uint16_t tid, peer_tid;
	bool require_ipsec, used;
	union sa46 peer, local;		/* 28 bytes each, not a sockaddr_storage's 128 */
	struct tp_session *s_first;	/* this tunnel's, linked by tnext */
	struct tp_tunnel *next_free;
};

struct tp_session {
	struct htab_node by_id, by_v4, by_v6;
	struct tp_tunnel *t;
	struct tp_session *tprev, *tnext, *next_free;
	uint16_t sid, peer_sid;
	bool used, up, has4, has6, has_ifid;
	struct in_addr v4;
	struct in6_addr pfx6;		/* the /64; octets 8..15 zero */
	uint8_t ifid[8];		/* big-endian, as on the wire */
	struct kern_session_stats st;
};

/*
 * A slot is taken from the free list (the ones freed), else at hw_t (hw_s):
 * those from there on were never used and take no memory (a free list built
 * through them all took 480 B of RSS a configured tunnel and session before
 * any client, in the parent and, by the fork, in the engine too). A freed slot
 * is zeros but for its link; with none left, tunpump_release gives their
 * pages back.
 */
struct tunpump {
	struct tp_tunnel *t_slots, *free_t;
	struct tp_session *s_slots, *free_s;
	unsigned int max_t, max_s, hw_t, hw_s;
	struct htab t_by_handle, t_by_key, s_by_id, s_by_v4, s_by_v6;
	uint32_t next_handle;
	struct tunpump_stats st;
};

/*
 * A tunnel's key: socket, ID and origin. All of it is hashed and compared,
 * so it is zeroed first (no padding octet differs).
 */
struct tp_key {
	uint32_t sock_id, mark;
	uint16_t tid, port;
	uint8_t addr[16];
};

static bool keyed_by_mark(const struct tp_tunnel *t)
{
	return t->require_ipsec && t->mark;
}

uint8_t tunpump_addr(const union sa46 *sa, uint8_t addr[16], uint16_t *port)
{
	sa_family_t f;

	memset(addr, 0, 16);
	*port = 0;
	f = sa46_key(sa, addr, port);
	*port = ntohs(*port);
	return f == AF_INET ? 4 : f == AF_INET6 ? 6 : 0;
}

/* The key of a datagram from peer with mark (0: by peer) for tunnel tid on sock_id. */
static void key_of(struct tp_key *k, uint32_t sock_id, uint16_t tid, uint32_t mark,
		   const union sa46 *peer)
{
	memset(k, 0, sizeof(*k));
	k->sock_id = sock_id;
	k->tid = tid;
	k->mark = mark;
	if (!mark)
		tunpump_addr(peer, k->addr, &k->port);
}

static void tunnel_key(const struct tp_tunnel *t, struct tp_key *k)
{
	key_of(k, t->sock_id, t->tid, keyed_by_mark(t) ? t->mark : 0, &t->peer);
}

static struct tp_tunnel *tunnel_by_key(const struct tunpump *tp, const struct tp_key *k)
{
	uint64_t hv = htab_hash(&tp->t_by_key, k, sizeof(*k));

	for (struct htab_node *n = htab_first(&tp->t_by_key, hv); n; n = htab_next(n)) {
		struct tp_tunnel *t = container_of(n, struct tp_tunnel, by_key);
		struct tp_key tk;

		tunnel_key(t, &tk);
		if (!memcmp(&tk, k, sizeof(tk)))
			return t;
	}
	return NULL;
}

static struct tp_tunnel *tunnel_by_handle(const struct tunpump *tp, uint32_t handle)
{
	uint64_t hv = htab_hash64(&tp->t_by_handle, handle);

	for (struct htab_node *n = htab_first(&tp->t_by_handle, hv); n; n = htab_next(n)) {
		struct tp_tunnel *t = container_of(n, struct tp_tunnel, by_handle);

		if (t->handle == handle)
			return t;
	}
	return NULL;
}

/* The tunnel tr names: its handle, and its ID must match. */
static struct tp_tunnel *tunnel_of(const struct tunpump *tp, struct kern_tref tr)
{
	struct tp_tunnel *t = tr.handle ? tunnel_by_handle(tp, tr.handle) : NULL;

	return t && t->tid == tr.tid ? t : NULL;
}

static uint64_t session_hash(const struct tunpump *tp, uint32_t handle, uint16_t sid)
{
	return htab_hash64(&tp->s_by_id, (uint64_t)handle << 16 | sid);
}

static struct tp_session *session_of(const struct tunpump *tp, const struct tp_tunnel *t,
				     uint16_t sid)
{
	for (struct htab_node *n = htab_first(&tp->s_by_id, session_hash(tp, t->handle, sid)); n;
	     n = htab_next(n)) {
		struct tp_session *s = container_of(n, struct tp_session, by_id);

		if (s->t == t && s->sid == sid)
			return s;
	}
	return NULL;
}

static struct tp_session *session_by_v4(const struct tunpump *tp, const void *a4)
{
	uint64_t hv = htab_hash(&tp->s_by_v4, a4, 4);

	for (struct htab_node *n = htab_first(&tp->s_by_v4, hv); n; n = htab_next(n)) {
		struct tp_session *s = container_of(n, struct tp_session, by_v4);

		if (!memcmp(&s->v4, a4, 4))
			return s;
	}
	return NULL;
}

/* The session holding the /64 of a6 (its first 8 octets). */
static struct tp_session *session_by_v6(const struct tunpump *tp, const void *a6)
{
	uint64_t hv = htab_hash(&tp->s_by_v6, a6, 8);

	for (struct htab_node *n = htab_first(&tp->s_by_v6, hv); n; n = htab_next(n)) {
		struct tp_session *s = container_of(n, struct tp_session, by_v6);

		if (!memcmp(s->pfx6.s6_addr, a6, 8))
			return s;
	}
	return NULL;
}

/* --- the tables ------------------------------------------------------------------ */

struct tunpump *tunpump_new(unsigned int max_tunnels, unsigned int max_sessions)
{
	struct tunpump *tp;
	uint64_t seed[5];

	if (!max_tunnels || !max_sessions) {
		errno = EINVAL;
		return NULL;
	}
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return NULL;
	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return NULL;
	tp->t_slots = calloc(max_tunnels, sizeof(*tp->t_slots));
	tp->s_slots = calloc(max_sessions, sizeof(*tp->s_slots));
	if (!tp->t_slots || !tp->s_slots)
		goto err_arrays;
	if (htab_init(&tp->t_by_handle, 64, seed[0]) < 0)
		goto err_arrays;
	if (htab_init(&tp->t_by_key, 64, seed[1]) < 0)
		goto err_handle;
	if (htab_init(&tp->s_by_id, 64, seed[2]) < 0)
		goto err_key;
	if (htab_init(&tp->s_by_v4, 64, seed[3]) < 0)
		goto err_id;
	if (htab_init(&tp->s_by_v6, 64, seed[4]) < 0)
		goto err_v4;
	tp->max_t = max_tunnels;
	tp->max_s = max_sessions;
	return tp;

err_v4:
	htab_free(&tp->s_by_v4);
err_id:
	htab_free(&tp->s_by_id);
err_key:
	htab_free(&tp->t_by_key);
err_handle:
	htab_free(&tp->t_by_handle);
err_arrays:
	free(tp->t_slots);
	free(tp->s_slots);
	free(tp);
	errno = ENOMEM;
	return NULL;
}

void tunpump_free(struct tunpump *tp)
{
	if (!tp)
		return;
	htab_free(&tp->t_by_handle);
	htab_free(&tp->t_by_key);
	htab_free(&tp->s_by_id);
	htab_free(&tp->s_by_v4);
	htab_free(&tp->s_by_v6);
	free(tp->t_slots);
	free(tp->s_slots);
	free(tp);
}

int tunpump_tunnel_add(struct tunpump *tp, const struct kern_tunnel *kt, uint32_t *handle)
{
	struct tp_tunnel *t = tp->free_t ? tp->free_t :
			      tp->hw_t < tp->max_t ? &tp->t_slots[tp->hw_t] : NULL;
	struct tp_key k;
	uint8_t a[16];
	uint16_t port;

	if (!kt->tid || !kt->peer_tid || !tunpump_addr(&kt->peer, a, &port)) {
		errno = EINVAL;
		return -1;
	}
	key_of(&k, kt->sock_id, kt->tid, kt->require_ipsec ? kt->mark : 0, &kt->peer);
	if (tunnel_by_key(tp, &k)) {
		errno = EEXIST;
		return -1;
	}
	if (!t) {
		errno = ENOSPC;
		return -1;
	}
	t->sock_id = kt->sock_id;
	t->tid = kt->tid;
	t->mark = kt->mark;
	t->require_ipsec = kt->require_ipsec;
	t->peer = kt->peer;		/* IPv4 or IPv6: checked above */
	if (sa46_len(&kt->local))	/* else AF_UNSPEC (a freed slot is zeros): the socket's */
		t->local = kt->local;
	do {
		tp->next_handle++;
	} while (!tp->next_handle || tunnel_by_handle(tp, tp->next_handle));
	if (t == tp->free_t)
		tp->free_t = t->next_free;
	else
		tp->hw_t++;
	t->next_free = NULL;
	t->handle = tp->next_handle;
	t->peer_tid = kt->peer_tid;
	t->s_first = NULL;
	t->used = true;
	htab_add(&tp->t_by_handle, &t->by_handle, htab_hash64(&tp->t_by_handle, t->handle));
	htab_add(&tp->t_by_key, &t->by_key, htab_hash(&tp->t_by_key, &k, sizeof(k)));
	*handle = t->handle;
	return 0;
}

static void addrs_unindex(struct tunpump *tp, struct tp_session *s)
{
	if (s->has4)
		htab_del(&tp->s_by_v4, &s->by_v4);
	if (s->has6)
		htab_del(&tp->s_by_v6, &s->by_v6);
	s->has4 = s->has6 = s->has_ifid = s->up = false;
}

static void session_free(struct tunpump *tp, struct tp_session *s)
{
	struct tp_tunnel *t = s->t;

	addrs_unindex(tp, s);
	htab_del(&tp->s_by_id, &s->by_id);
	if (s->tprev)
		s->tprev->tnext = s->tnext;
	else
		t->s_first = s->tnext;
	if (s->tnext)
		s->tnext->tprev = s->tprev;
	memset(s, 0, sizeof(*s));
	s->next_free = tp->free_s;
	tp->free_s = s;
}

void tunpump_release(struct tunpump *tp)
{
	if (!tp->t_by_handle.n && tp->hw_t) {
		memset(tp->t_slots, 0, tp->hw_t * sizeof(*tp->t_slots));
		memtrim_zero_pages(tp->t_slots, tp->hw_t * sizeof(*tp->t_slots));
		tp->free_t = NULL;
		tp->hw_t = 0;
	}
	if (!tp->s_by_id.n && tp->hw_s) {
		memset(tp->s_slots, 0, tp->hw_s * sizeof(*tp->s_slots));
		memtrim_zero_pages(tp->s_slots, tp->hw_s * sizeof(*tp->s_slots));
		tp->free_s = NULL;
		tp->hw_s = 0;
	}
}

void tunpump_tunnel_del(struct tunpump *tp, struct kern_tref tr)
{
	struct tp_tunnel *t = tunnel_of(tp, tr);

	if (!t)
		return;
	while (t->s_first)
		session_free(tp, t->s_first);
	htab_del(&tp->t_by_handle, &t->by_handle);
	htab_del(&tp->t_by_key, &t->by_key);
	memset(t, 0, sizeof(*t));
	t->next_free = tp->free_t;
	tp->free_t = t;
}

int tunpump_session_add(struct tunpump *tp, struct kern_tref tr, uint16_t sid, uint16_t peer_sid)
{
	struct tp_tunnel *t = tunnel_of(tp, tr);
	struct tp_session *s = tp->free_s ? tp->free_s :
			       tp->hw_s < tp->max_s ? &tp->s_slots[tp->hw_s] : NULL;

	if (!t) {
		errno = ENOENT;
		return -1;
	}
	if (!sid || !peer_sid) {
		errno = EINVAL;
		return -1;
	}
	if (session_of(tp, t, sid)) {
		errno = EEXIST;
		return -1;
	}
	if (!s) {
		errno = ENOSPC;
		return -1;
	}
	if (s == tp->free_s)
		tp->free_s = s->next_free;
	else
		tp->hw_s++;
	s->next_free = NULL;
	s->t = t;
	s->sid = sid;
	s->peer_sid = peer_sid;
	s->used = true;
	s->tprev = NULL;
	s->tnext = t->s_first;
	if (t->s_first)
		t->s_first->tprev = s;
	t->s_first = s;
	htab_add(&tp->s_by_id, &s->by_id, session_hash(tp, t->handle, sid));
	return 0;
}

void tunpump_session_del(struct tunpump *tp, struct kern_tref tr, uint16_t sid)
{
	struct tp_tunnel *t = tunnel_of(tp, tr);
	struct tp_session *s = t ? session_of(tp, t, sid) : NULL;

	if (s)
		session_free(tp, s);
}

static struct tp_session *session_ref(const struct tunpump *tp, struct kern_tref tr, uint16_t sid)
{
	struct tp_tunnel *t = tunnel_of(tp, tr);

	return t ? session_of(tp, t, sid) : NULL;
}

int tunpump_session_up(struct tunpump *tp, struct kern_tref tr, uint16_t sid,
		       const struct in_addr *ipv4, const struct in6_addr *pfx64,
		       const uint64_t *ifid)
{
	struct tp_session *s = session_ref(tp, tr, sid);
	struct tp_session *o4 = ipv4 ? session_by_v4(tp, ipv4) : NULL;
	struct tp_session *o6 = pfx64 ? session_by_v6(tp, pfx64) : NULL;

	if (!s) {
		errno = ENOENT;
		return -1;
	}
	/* the checker gives an address to one session only; the table holds it to that */
	if ((o4 && o4 != s) || (o6 && o6 != s)) {
		errno = EEXIST;
		return -1;
	}
	addrs_unindex(tp, s);
	if (ipv4) {
		s->v4 = *ipv4;
		s->has4 = true;
		htab_add(&tp->s_by_v4, &s->by_v4, htab_hash(&tp->s_by_v4, &s->v4, 4));
	}
	if (pfx64) {
		memset(&s->pfx6, 0, sizeof(s->pfx6));
		memcpy(s->pfx6.s6_addr, pfx64->s6_addr, 8);
		s->has6 = true;
		htab_add(&tp->s_by_v6, &s->by_v6, htab_hash(&tp->s_by_v6, s->pfx6.s6_addr, 8));
	}
	if (ifid) {
		for (int i = 0; i < 8; i++)
			s->ifid[i] = (uint8_t)(*ifid >> (56 - 8 * i));
		s->has_ifid = true;
	}
	s->up = true;
	return 0;
}

int tunpump_session_stats(const struct tunpump *tp, struct kern_tref tr, uint16_t sid,
			  struct kern_session_stats *st)
{
	const struct tp_session *s = session_ref(tp, tr, sid);

	if (!s) {
		errno = ENOENT;
		return -1;
	}
	*st = s->st;
	return 0;
}

/* --- packets --------------------------------------------------------------------- */

static enum tunpump_verdict drop(struct tunpump *tp, enum tunpump_drop why)
{
	tp->st.drop[why]++;
	return TUNPUMP_DROP;
}

/* The inner packet's source against the session's addresses (kernel/recv.c's rule). */
static enum tunpump_drop check_inner(const struct tp_session *s, uint16_t proto,
				     const uint8_t *p, size_t n)
{
	static const uint8_t ll[8] = { 0xfe, 0x80 };

	if (proto == TP_PPP_IP) {
		if (n < 20 || p[0] >> 4 != 4 || (p[0] & 0xf) < 5)
			return TUNPUMP_DROP_MALFORMED;
		return s->has4 && !memcmp(p + 12, &s->v4, 4) ? TUNPUMP_DROP_MAX :
							       TUNPUMP_DROP_SPOOF;
	}
	if (n < 40 || p[0] >> 4 != 6)
		return TUNPUMP_DROP_MALFORMED;
	if (p[8] == 0xfe && (p[9] & 0xc0) == 0x80) {
		/* link-local: fe80::ifid only, once IPv6CP gave the identifier */
		if (!s->has_ifid)
			return TUNPUMP_DROP_MAX;
		return !memcmp(p + 8, ll, 8) && !memcmp(p + 16, s->ifid, 8) ?
			TUNPUMP_DROP_MAX : TUNPUMP_DROP_SPOOF;
	}
	return s->has6 && !memcmp(p + 8, s->pfx6.s6_addr, 8) ? TUNPUMP_DROP_MAX :
							       TUNPUMP_DROP_SPOOF;
}

/*
 * A Router Solicitation (ICMPv6 type 133 right after the fixed header)? The
 * engine answers those with the session's RA; the stack behind the TUN device
 * is no router. The engine checks the rest (ra_is_rs) and paces its answers.
 */
static bool is_rs(const uint8_t *p, size_t n)
{
	return n > 40 && p[6] == 58 && p[40] == 133;
}

static struct tp_tunnel *tunnel_rx(const struct tunpump *tp, const struct tunpump_from *from,
				   uint16_t tid)
{
	struct tp_key k;
	struct tp_tunnel *t = NULL;

	if (from->mark) {
		key_of(&k, from->sock_id, tid, from->mark, from->peer);
		t = tunnel_by_key(tp, &k);
	}
	if (!t) {
		key_of(&k, from->sock_id, tid, 0, from->peer);
		t = tunnel_by_key(tp, &k);
	}
	return t;
}

enum tunpump_verdict tunpump_rx(struct tunpump *tp, const struct tunpump_from *from,
				const uint8_t *dg, size_t n, size_t *off, size_t *len)
{
	struct tp_tunnel *t;
	struct tp_session *s;
	struct l2tp_hdr h;
	enum tunpump_drop why;
	uint16_t proto;
	size_t o;

	if (l2tp_hdr_parse(dg, n, &h) != L2TP_HDR_OK)
		return drop(tp, TUNPUMP_DROP_MALFORMED);
	t = h.tunnel_id ? tunnel_rx(tp, from, h.tunnel_id) : NULL;
	if (!t)
		goto engine;	/* an SCCRQ, a stale or foreign tunnel: the engine decides */
	if (!sa46_same(&t->peer, from->peer))	/* the datagram's source, address and port */
		return drop(tp, TUNPUMP_DROP_WRONG_PEER);
	if (h.control)
		goto engine;
	s = session_of(tp, t, h.session_id);
	if (!s)
		goto engine;
	if (ppp_frame_proto(dg + h.hdr_len, h.msg_len - h.hdr_len, &proto, &o) != PPP_FRAME_OK)
		return drop(tp, TUNPUMP_DROP_MALFORMED);
	if (proto != TP_PPP_IP && proto != TP_PPP_IPV6)
		goto engine;	/* LCP, authentication, the NCPs, CCP...: the engine's */
	*off = h.hdr_len + o;
	*len = h.msg_len - *off;
	if (proto == TP_PPP_IPV6 && is_rs(dg + *off, *len)) {
		/* the engine answers it, in any state (kernel/recv.c's l2sec_is_rs) */
		why = check_inner(s, proto, dg + *off, *len);
		if (why != TUNPUMP_DROP_MAX)
			return drop(tp, why);
		goto engine;
	}
	if (!s->up)
		return drop(tp, TUNPUMP_DROP_NOT_UP);
	why = check_inner(s, proto, dg + *off, *len);
	if (why != TUNPUMP_DROP_MAX)
		return drop(tp, why);
	s->st.rx_packets++;
	s->st.rx_bytes += *len;
	tp->st.rx_packets++;
	tp->st.rx_bytes += *len;
	return TUNPUMP_DELIVER;

engine:
	tp->st.to_engine++;
	return TUNPUMP_ENGINE;
}

int tunpump_tx(struct tunpump *tp, uint8_t *buf, size_t len, struct tunpump_to *to)
{
	const uint8_t *pkt = buf + TUNPUMP_HEADROOM;
	struct tp_session *s = NULL;
	uint16_t proto = 0;

	if (len >= 20 && pkt[0] >> 4 == 4) {
		s = session_by_v4(tp, pkt + 16);
		proto = TP_PPP_IP;
	} else if (len >= 40 && pkt[0] >> 4 == 6) {
		s = session_by_v6(tp, pkt + 24);
		proto = TP_PPP_IPV6;
	}
	if (!s || !s->up) {
		tp->st.drop[TUNPUMP_DROP_NO_SESSION]++;
		return -1;
	}
	/* as kernel/xmit.c: a 6-octet data header, FF 03 and the 2-octet protocol */
	put_be16(buf, L2TP_VERSION);
	put_be16(buf + 2, s->t->peer_tid);
	put_be16(buf + 4, s->peer_sid);
	buf[6] = 0xff;
	buf[7] = 0x03;
	put_be16(buf + 8, proto);
	to->sock_id = s->t->sock_id;
	to->peer = s->t->peer;
	to->local = s->t->local;
	to->mark = s->t->mark;
	s->st.tx_packets++;
	s->st.tx_bytes += len;
	tp->st.tx_packets++;
	tp->st.tx_bytes += len;
	return 0;
}

/* --- unreachable ------------------------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static bool v4_special(const uint8_t *a)
{
	return a[0] == 0 || a[0] >= 224 || a[0] == 127;	/* unspecified, multicast, broadcast */
}

static size_t unreach4(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	size_t ihl = (size_t)(p[0] & 0xf) * 4, q;

	if (ihl < 20 || len < ihl || v4_special(p + 12) || v4_special(p + 16))
		return 0;
	if (get_be16(p + 6) & 0x1fff)
		return 0;	/* not the first fragment */
	if (p[9] == 1 && (len < ihl + 1 || (p[ihl] != 0 && p[ihl] != 8 && p[ihl] != 13 &&
					    p[ihl] != 15 && p[ihl] != 17)))
		return 0;	/* an ICMP error (or unknown): never answered */
	q = MIN(len, ihl + 8);
	if (cap < 28 + q)
		return 0;
	memset(out, 0, 28);
	out[0] = 0x45;
	put_be16(out + 2, (uint16_t)(28 + q));
	out[8] = 64;
	out[9] = 1;
	memcpy(out + 12, p + 16, 4);	/* from the address that is unreachable */
	memcpy(out + 16, p + 12, 4);	/* to the sender */
	put_be16(out + 10, csum_fold(csum_add(0, out, 20)));
	out[20] = 3;			/* destination unreachable */
	out[21] = 1;			/* host unreachable */
	memcpy(out + 28, p, q);
	put_be16(out + 22, csum_fold(csum_add(0, out + 20, 8 + q)));
	return 28 + q;
}

static bool v6_special(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] == 0xff || !memcmp(a, zero, 16);	/* multicast, unspecified */
}

static size_t unreach6(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	size_t q = MIN(len, (size_t)TUNPUMP_UNREACH_MAX - 48);
	uint32_t sum;

	if (v6_special(p + 8) || v6_special(p + 24))
		return 0;
	if (p[6] == 58 && (len < 41 || p[40] < 128))
		return 0;	/* an ICMPv6 error: never answered (RFC 4443 2.4 e) */
	if (cap < 48 + q)
		return 0;
	memset(out, 0, 48);
	out[0] = 0x60;
	put_be16(out + 4, (uint16_t)(8 + q));
	out[6] = 58;
	out[7] = 64;
	memcpy(out + 8, p + 24, 16);	/* from the address that is unreachable */
	memcpy(out + 24, p + 8, 16);	/* to the sender */
	out[40] = 1;			/* destination unreachable */
	out[41] = 3;			/* address unreachable */
	memcpy(out + 48, p, q);
	sum = csum_add(0, out + 8, 32);	/* the pseudo-header: addresses, length, next header */
	sum += (uint32_t)(8 + q) + 58;
	put_be16(out + 42, csum_fold(csum_add(sum, out + 40, 8 + q)));
	return 48 + q;
}

size_t tunpump_unreach(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	if (len >= 20 && pkt[0] >> 4 == 4)
		return unreach4(pkt, len, out, cap);
	if (len >= 40 && pkt[0] >> 4 == 6)
		return unreach6(pkt, len, out, cap);
	return 0;
}

const struct tunpump_stats *tunpump_stats(const struct tunpump *tp)
{
	return &tp->st;
}

const char *tunpump_drop_name(enum tunpump_drop why)
{
	static const char *const names[TUNPUMP_DROP_MAX] = {
		[TUNPUMP_DROP_MALFORMED] = "malformed",
		[TUNPUMP_DROP_WRONG_PEER] = "wrong_peer",
		[TUNPUMP_DROP_NOT_UP] = "not_up",
		[TUNPUMP_DROP_SPOOF] = "spoofed",
		[TUNPUMP_DROP_NO_SESSION] = "no_session",
	};

	return why < TUNPUMP_DROP_MAX ? names[why] : "?";
}
