// SPDX-License-Identifier: GPL-2.0
/* Stale xfrm states and policies of l2secd's connection; see ipsec_xfrm.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipsec/ipsec_xfrm.h"
#include "core/log.h"
#include "core/util.h"

#define DUMP_BUF	(64u << 10)
#define STALE_MAX	65536u		/* objects removed in one pass */

struct stale_sa {
	struct xfrm_usersa_id id;
	struct xfrm_mark mark;
};

struct stale_pol {
	struct xfrm_userpolicy_id id;
	struct xfrm_mark mark;
};

struct scan {
	const struct ipsec_xfrm_filter *f;
	uint32_t *marks;		/* of every l2sec policy */
	size_t n_marks, cap_marks;
	struct stale_pol *pol;
	size_t n_pol, cap_pol;
	struct stale_sa *sa;
	size_t n_sa, cap_sa;
	bool full;
};

/* Room for one more of size elem in *arr; NULL when full or out of memory. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *a;

		if (ncap > STALE_MAX)
			return NULL;
		a = realloc(*arr, ncap * elem);
		if (!a)
			return NULL;
		*arr = a;
		*cap = ncap;
	}
	return (char *)*arr + (*n)++ * elem;
}

static bool has_mark(const struct scan *sc, uint32_t v)
{
	for (size_t i = 0; i < sc->n_marks; i++)
		if (sc->marks[i] == v)
			return true;
	return false;
}

bool ipsec_xfrm_policy_is_l2sec(const struct xfrm_userpolicy_info *p,
				const struct xfrm_mark *mark, bool esp_transport_tmpl,
				uint16_t l2tp_port)
{
	uint16_t port = htons(l2tp_port);

	if (!mark->v || !esp_transport_tmpl || p->action != XFRM_POLICY_ALLOW)
		return false;
	if (p->sel.proto != IPPROTO_UDP)
		return false;
	return (p->sel.sport == port && p->sel.sport_mask == 0xffff) ||
	       (p->sel.dport == port && p->sel.dport_mask == 0xffff);
}

static void get_mark(const struct nlattr *a, struct xfrm_mark *m)
{
	if (mnl_attr_get_payload_len(a) >= sizeof(*m))
		memcpy(m, mnl_attr_get_payload(a), sizeof(*m));
}

/* Whether XFRMA_TMPL holds an ESP transport-mode template. */
static bool tmpl_esp_transport(const struct nlattr *a)
{
	const struct xfrm_user_tmpl *t = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a) / sizeof(*t);

	for (size_t i = 0; i < n; i++) {
		struct xfrm_user_tmpl x;

		memcpy(&x, t + i, sizeof(x));	/* the payload is only 4-aligned */
		if (x.id.proto == IPPROTO_ESP && x.mode == XFRM_MODE_TRANSPORT)
			return true;
	}
	return false;
}

static int on_policy(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct xfrm_userpolicy_info p;
	struct xfrm_mark mark = { 0 };
	bool esp_transport = false;
	const struct nlattr *a;
	struct stale_pol *s;
	uint32_t *m;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY || mnl_nlmsg_get_payload_len(nlh) < sizeof(p))
		return MNL_CB_OK;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	mnl_attr_for_each(a, nlh, sizeof(p)) {
		if (mnl_attr_get_type(a) == XFRMA_MARK)
			get_mark(a, &mark);
		else if (mnl_attr_get_type(a) == XFRMA_TMPL)
			esp_transport |= tmpl_esp_transport(a);
	}
	if (!ipsec_xfrm_policy_is_l2sec(&p, &mark, esp_transport, sc->f->l2tp_port))
		return MNL_CB_OK;
	if (!has_mark(sc, mark.v)) {
		m = grow((void **)&sc->marks, &sc->n_marks, &sc->cap_marks, sizeof(*m));
		if (!m)
			goto full;
		*m = mark.v;
	}
	if (sc->f->known_mark(sc->f->ctx, mark.v) || p.curlft.add_time >= sc->f->before)
		return MNL_CB_OK;
	s = grow((void **)&sc->pol, &sc->n_pol, &sc->cap_pol, sizeof(*s));
	if (!s)
		goto full;
	memset(s, 0, sizeof(*s));
	s->id.sel = p.sel;
	s->id.index = p.index;
	s->id.dir = p.dir;
	s->mark = mark;
	return MNL_CB_OK;
full:
	sc->full = true;
	return MNL_CB_OK;
}

static int on_state(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct xfrm_usersa_info p;
	struct xfrm_mark mark = { 0 };
	const struct nlattr *a;
	struct stale_sa *s;
	uint32_t set_mark = 0, which;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || mnl_nlmsg_get_payload_len(nlh) < sizeof(p))
		return MNL_CB_OK;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	if (p.id.proto != IPPROTO_ESP || p.mode != XFRM_MODE_TRANSPORT)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(p)) {
		if (mnl_attr_get_type(a) == XFRMA_MARK)
			get_mark(a, &mark);
		else if (mnl_attr_get_type(a) == XFRMA_SET_MARK &&
			 mnl_attr_get_payload_len(a) >= sizeof(uint32_t))
			set_mark = mnl_attr_get_u32(a);
	}
	/*
	 * An outbound SA carries the CHILD_SA's mark; an inbound one (charon's
	 * default, mark_in_sa = no) only the mark it sets on what it decrypts.
	 */
	which = mark.v ? mark.v : set_mark;
	if (!which || !has_mark(sc, which) || p.curlft.add_time >= sc->f->before ||
	    sc->f->known_spi(sc->f->ctx, ntohl(p.id.spi)))
		return MNL_CB_OK;
	s = grow((void **)&sc->sa, &sc->n_sa, &sc->cap_sa, sizeof(*s));
	if (!s) {
		sc->full = true;
		return MNL_CB_OK;
	}
	memset(s, 0, sizeof(*s));
	s->id.daddr = p.id.daddr;
	s->id.spi = p.id.spi;
	s->id.family = p.family;
	s->id.proto = p.id.proto;
	s->mark = mark;
	return MNL_CB_OK;
}

int ipsec_xfrm_dump(struct mnl_socket *nl, uint16_t type, mnl_cb_t cb, void *data)
{
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	char *buf = malloc(DUMP_BUF);
	struct nlmsghdr *nlh;
	int ret = -ENOMEM;
	ssize_t n;

	if (!buf)
		return ret;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, DUMP_BUF);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	ret = ret < 0 ? -(reply_errno(errno) ?: EPROTO) : 0;
out:
	free(buf);
	return ret;
}

/* One deletion, acknowledged. A missing object (expired, or charon's
 * own delete) is not an error. 0 or -errno. */
static int del(struct mnl_socket *nl, uint16_t type, const void *id, size_t len,
	       const struct xfrm_mark *mark, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	ssize_t n;
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, len), id, len);
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(*mark), mark);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	ret = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL);
	if (ret < 0 && errno != ENOENT && errno != ESRCH)
		return -(reply_errno(errno) ?: EPROTO);	/* libmnl copies the kernel's */
	return 0;
}

static void remove_all(struct mnl_socket *nl, const struct scan *sc, struct ipsec_xfrm_result *res)
{
	uint32_t seq = (uint32_t)time(NULL) + 1;
	char addr[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < sc->n_sa; i++) {
		const struct stale_sa *s = &sc->sa[i];

		int err = del(nl, XFRM_MSG_DELSA, &s->id, sizeof(s->id), &s->mark, seq++);

		inet_ntop(s->id.family, &s->id.daddr, addr, sizeof(addr));
		if (err < 0) {
			log_warn("ipsec: cannot remove the stale SA spi %08x to %s: %s",
				 ntohl(s->id.spi), addr, strerror(-err));
			res->failed++;
			continue;
		}
		log_notice("ipsec: removed a stale SA from the kernel: spi %08x to %s",
			   ntohl(s->id.spi), addr);
		res->states++;
	}
	for (size_t i = 0; i < sc->n_pol; i++) {
		const struct stale_pol *p = &sc->pol[i];
		int err = del(nl, XFRM_MSG_DELPOLICY, &p->id, sizeof(p->id), &p->mark, seq++);

		if (err < 0) {
			log_warn("ipsec: cannot remove a stale policy (mark %#x): %s", p->mark.v,
				 strerror(-err));
			res->failed++;
			continue;
		}
		res->policies++;
	}
}

int ipsec_xfrm_flush_stale(const struct ipsec_xfrm_filter *f, struct ipsec_xfrm_result *res)
{
	struct scan sc = { .f = f };
	struct mnl_socket *nl;
	int err;

	memset(res, 0, sizeof(*res));
	nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	/* policies first: their marks say which states are l2sec's */
	err = ipsec_xfrm_dump(nl, XFRM_MSG_GETPOLICY, on_policy, &sc);
	if (!err)
		err = ipsec_xfrm_dump(nl, XFRM_MSG_GETSA, on_state, &sc);
	if (err)
		goto out;
	if (sc.full)
		log_warn("ipsec: too many stale xfrm objects; the rest go on the next resync");
	remove_all(nl, &sc, res);
out:
	mnl_socket_close(nl);
	free(sc.marks);
	free(sc.pol);
	free(sc.sa);
	return err;
}
