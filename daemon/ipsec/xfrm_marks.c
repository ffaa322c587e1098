// SPDX-License-Identifier: GPL-2.0
/* The SA marks the kernel's inbound ESP transport SAs set; see xfrm_marks.h. */
#include <errno.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/ipsec_xfrm.h"
#include "core/log.h"
#include "ipsec/xfrm_marks.h"

#define MAX_ENTRIES	131072u		/* two SAs per client, far past any pool */
#define REFRESH_MISS_MS	1000		/* a mark not in the copy: dump again after this */
#define REFRESH_MAX_MS	10000		/* the copy is never older than this */

struct xm_entry {
	uint32_t mark;
	int family;
	uint8_t addr[16];		/* the SA's peer (its source) */
};

struct xm_set {
	struct xm_entry *e;
	size_t n, cap;
};

struct xfrm_marks {
	struct xm_set cur, next;	/* in force; being built by a dump */
	bool full;
	bool have;			/* cur came from a dump */
	uint64_t built_ms;
	bool failed;			/* the last dump failed (logged once) */
};

struct xfrm_marks *xfrm_marks_new(void)
{
	return calloc(1, sizeof(struct xfrm_marks));
}

void xfrm_marks_free(struct xfrm_marks *xm)
{
	if (!xm)
		return;
	free(xm->cur.e);
	free(xm->next.e);
	free(xm);
}

static struct xm_entry *set_add(struct xm_set *s)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct xm_entry *e;

		if (ncap > MAX_ENTRIES)
			return NULL;
		e = realloc(s->e, ncap * sizeof(*e));
		if (!e)
			return NULL;
		s->e = e;
		s->cap = ncap;
	}
	return &s->e[s->n++];
}

int xfrm_marks_parse(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_marks *xm = data;
	struct xfrm_usersa_info p;
	uint32_t v = 0, m = UINT32_MAX;
	const struct nlattr *a;
	struct xm_entry *e;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || mnl_nlmsg_get_payload_len(nlh) < sizeof(p))
		return MNL_CB_OK;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	if (p.id.proto != IPPROTO_ESP || p.mode != XFRM_MODE_TRANSPORT ||
	    (p.family != AF_INET && p.family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(p)) {
		if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
			continue;
		if (mnl_attr_get_type(a) == XFRMA_SET_MARK)
			v = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == XFRMA_SET_MARK_MASK)
			m = mnl_attr_get_u32(a);
	}
	if (!(v & m))
		return MNL_CB_OK;	/* marks nothing: an outbound SA, or not l2sec's */
	e = set_add(&xm->next);
	if (!e) {
		xm->full = true;
		return MNL_CB_OK;
	}
	memset(e, 0, sizeof(*e));
	e->mark = v & m;	/* what it leaves on a packet that had no mark */
	e->family = p.family;
	memcpy(e->addr, &p.saddr, p.family == AF_INET ? 4 : 16);
	return MNL_CB_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct xm_entry *x = a, *y = b;

	return x->mark < y->mark ? -1 : x->mark > y->mark;
}

void xfrm_marks_commit(struct xfrm_marks *xm, uint64_t now_ms)
{
	struct xm_set old = xm->cur;

	qsort(xm->next.e, xm->next.n, sizeof(*xm->next.e), entry_cmp);
	xm->cur = xm->next;
	xm->next = old;
	xm->next.n = 0;
	xm->have = true;
	xm->built_ms = now_ms;
	if (xm->full)
		log_warn("ipsec: more than %u marked SAs in the kernel: the rest are not "
			 "taken as IPsec", MAX_ENTRIES);
	xm->full = false;
}

static bool entry_is(const struct xm_entry *e, const union sa46 *src)
{
	if (e->family != src->sa.sa_family)
		return false;
	if (e->family == AF_INET)
		return !memcmp(e->addr, &src->sin.sin_addr, 4);
	return e->family == AF_INET6 && !memcmp(e->addr, &src->sin6.sin6_addr, 16);
}

bool xfrm_marks_has(const struct xfrm_marks *xm, uint32_t mark,
		    const union sa46 *src)
{
	size_t lo = 0, hi = xm->cur.n;

	while (lo < hi) {	/* the first entry with this mark */
		size_t mid = lo + (hi - lo) / 2;

		if (xm->cur.e[mid].mark < mark)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < xm->cur.n && xm->cur.e[lo].mark == mark; lo++)
		if (entry_is(&xm->cur.e[lo], src))
			return true;
	return false;
}

static void refresh(struct xfrm_marks *xm, uint64_t now_ms)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	int err = -errno;

	xm->next.n = 0;
	xm->full = false;
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		err = -errno;
	else if (nl)
		err = ipsec_xfrm_dump(nl, XFRM_MSG_GETSA, xfrm_marks_parse, xm);
	if (nl)
		mnl_socket_close(nl);
	if (err) {
		/* the old copy stays; asked again after REFRESH_MISS_MS */
		if (!xm->failed)
			log_err("ipsec: cannot read the kernel's SAs: %s; datagrams whose mark "
				"is not known are dropped", strerror(-err));
		xm->failed = true;
		xm->built_ms = now_ms;
		return;
	}
	xm->failed = false;
	xfrm_marks_commit(xm, now_ms);
}

bool xfrm_marks_check(struct xfrm_marks *xm, uint32_t mark, const union sa46 *src,
		      uint64_t now_ms)
{
	uint64_t age = now_ms - xm->built_ms;

	if ((!xm->have && !xm->failed) || age >= REFRESH_MAX_MS) {
		refresh(xm, now_ms);
		age = 0;
	}
	if (xfrm_marks_has(xm, mark, src))
		return true;
	if (age < REFRESH_MISS_MS)
		return false;
	refresh(xm, now_ms);
	return xfrm_marks_has(xm, mark, src);
}
