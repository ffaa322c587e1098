// SPDX-License-Identifier: GPL-2.0
/* Refused IKE proposals from charon's log events; see vici_log.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ctl_proto.h"
#include "core/log.h"
#include "core/util.h"
#include "ipsec/vici_log.h"

#define PEER_MAX 46			/* INET6_ADDRSTRLEN */
#define OFFER_SHOWN 300			/* of a refused peer's proposals, in the line */

struct pending {
	uint32_t ike_id;		/* 0: free */
	uint64_t since;
	char peer[PEER_MAX];
	bool offered;			/* a "received proposals" line was seen */
	bool weak_only;			/* and every IKE group in it was below 2048 bits */
	char offer[OFFER_SHOWN + 1];
};

struct peer {
	char addr[PEER_MAX];		/* "": free */
	uint64_t last;			/* last line for it */
};

/* Each kind of line has its own: a refusal's hint never hides a notice. */
struct peers {
	struct peer p[VICI_LOG_PEERS];
};

struct vici_log {
	enum vici_conn_weak_dh weak_dh;
	struct pending pending[VICI_LOG_PENDING];
	struct peers refused_peers;	/* refusals */
	struct peers weak_peers;	/* IKE_SAs up with a weak group */
	unsigned int tokens;
	uint64_t refill_at;
	struct vici_log_stats stats;
};

struct vici_log *vici_log_new(void)
{
	struct vici_log *vl = calloc(1, sizeof(*vl));

	if (vl)
		vl->tokens = VICI_LOG_BURST;
	return vl;
}

void vici_log_free(struct vici_log *vl)
{
	free(vl);
}

void vici_log_set_allow_weak_dh(struct vici_log *vl, enum vici_conn_weak_dh weak_dh)
{
	vl->weak_dh = weak_dh;
}

const struct vici_log_stats *vici_log_get_stats(const struct vici_log *vl)
{
	return &vl->stats;
}

/* charon's text is data: an address is hex digits, '.' and ':' only. */
static bool copy_addr(char *dst, const char *src, size_t len)
{
	if (!len || len >= PEER_MAX || strspn(src, "0123456789abcdefABCDEF.:") < len)
		return false;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

static struct pending *find_pending(struct vici_log *vl, uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(vl->pending); i++)
		if (vl->pending[i].ike_id == id)
			return &vl->pending[i];
	return NULL;
}

/* A free slot, else the oldest: a flood of half-open IKE_SAs costs nothing more. */
static struct pending *new_pending(struct vici_log *vl, uint32_t id, uint64_t now)
{
	struct pending *p = find_pending(vl, id), *old = &vl->pending[0];

	for (size_t i = 0; !p && i < ARRAY_SIZE(vl->pending); i++) {
		if (!vl->pending[i].ike_id)
			p = &vl->pending[i];
		else if (vl->pending[i].since < old->since)
			old = &vl->pending[i];
	}
	if (!p)
		p = old;
	memset(p, 0, sizeof(*p));
	p->ike_id = id;
	p->since = now;
	return p;
}

/* charon's name of a DH group below 2048 bits, as our own string; else NULL. */
static const char *weak_group(const char *g, size_t glen)
{
	static const char *const weak[] = { "MODP_768", "MODP_1024", "MODP_1536", "MODP_NONE" };

	for (size_t i = 0; i < ARRAY_SIZE(weak); i++)
		if (glen == strlen(weak[i]) && !memcmp(g, weak[i], glen))
			return weak[i];
	return NULL;
}

/* A DH group of one proposal ("IKE:ENC/INTEG/PRF/GROUP") below 2048 bits? */
static bool group_weak(const char *prop, size_t len)
{
	const char *g = prop + len;

	while (g > prop && g[-1] != '/')
		g--;
	return weak_group(g, (size_t)(prop + len - g)) != NULL;
}

/* "IKE:a/b/c/MODP_1024, IKE:...": are all IKE proposals' groups weak? */
static void note_offer(struct pending *p, const char *list)
{
	bool any = false, weak = true;
	const char *s = list;

	while (*s) {
		size_t len = strcspn(s, ",");

		if (len > 4 && !memcmp(s, "IKE:", 4)) {
			any = true;
			weak &= group_weak(s, len);
		}
		s += len;
		while (*s == ',' || *s == ' ')
			s++;
	}
	p->offered = true;
	p->weak_only = any && weak;
	snprintf(p->offer, sizeof(p->offer), "%s", list);
	/* only letters, digits and "_/:, " in a line we log */
	for (char *c = p->offer; *c; c++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/:, ",
			    *c))
			*c = '?';
}

/* The peer's entry, else a free one or the least recent, taken over. */
static struct peer *peer_slot(struct peers *ps, const char *addr, bool *found)
{
	struct peer *lru = &ps->p[0];

	for (size_t i = 0; i < ARRAY_SIZE(ps->p); i++) {
		struct peer *pe = &ps->p[i];

		if (!strcmp(pe->addr, addr)) {
			*found = true;
			return pe;
		}
		if (lru->addr[0] && (!pe->addr[0] || pe->last < lru->last))
			lru = pe;
	}
	*found = false;
	return lru;
}

/* Overall: a bucket of VICI_LOG_BURST lines, one back every VICI_LOG_REFILL_MS. */
static bool take_token(struct vici_log *vl, uint64_t now)
{
	uint64_t n;

	if (vl->tokens == VICI_LOG_BURST)
		vl->refill_at = now;
	n = (now - vl->refill_at) / VICI_LOG_REFILL_MS;
	if (n) {
		vl->tokens = (unsigned int)(n >= VICI_LOG_BURST - vl->tokens ? VICI_LOG_BURST :
					    vl->tokens + n);
		vl->refill_at += n * VICI_LOG_REFILL_MS;
	}
	if (!vl->tokens)
		return false;
	vl->tokens--;
	return true;
}

/* Per peer (in ps), then overall: true if a line may be written now. */
static bool may_log(struct vici_log *vl, struct peers *ps, const char *addr, uint64_t now)
{
	bool found;
	struct peer *pe = peer_slot(ps, addr, &found);

	if (found && now - pe->last < VICI_LOG_PEER_INTERVAL_MS)
		return false;
	if (!take_token(vl, now))
		return false;
	snprintf(pe->addr, sizeof(pe->addr), "%s", addr);
	pe->last = now;
	return true;
}

static void refused(struct vici_log *vl, struct pending *p, uint64_t now)
{
	bool weak = p->offered && p->weak_only;

	vl->stats.refused++;
	if (weak)
		vl->stats.refused_weak_dh++;
	if (!may_log(vl, &vl->refused_peers, p->peer, now)) {
		vl->stats.suppressed++;
		return;
	}
	vl->stats.lines++;
	if (weak && vl->weak_dh != VICI_CONN_WEAK_DH_ALL)
		log_warn("ipsec: %s offered only Diffie-Hellman groups below 2048 bits "
			 "(modp1024: Windows' default, and Android's L2TP client) and was "
			 "refused (NO_PROPOSAL_CHOSEN). On Windows set the DWORD "
			 "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Rasman\\Parameters\\"
			 "NegotiateDH2048_AES256 = 1 and restart the RasMan service (the script "
			 "of 'l2sec client-config windows' does)%s, or accept these groups from "
			 "every client with [ipsec] allow-modp1024 = yes", p->peer,
			 vl->weak_dh == VICI_CONN_WEAK_DH_NONE ?
			 "; Android 7 and later connect with [ipsec] allow-modp1024 = android" :
			 "");
	else
		log_warn("ipsec: %s was refused (NO_PROPOSAL_CHOSEN): none of its proposals is "
			 "accepted here; it offered: %s", p->peer,
			 p->offered ? p->offer : "(not logged)");
}

void vici_log_event(struct vici_log *vl, const struct vici_node *msg, uint64_t now)
{
	const char *text = vici_node_str(msg, "msg");
	const char *id_s = vici_node_str(msg, "ikesa-uniqueid");
	static const char initiating[] = " is initiating a ";
	static const char received[] = "received proposals: ";
	struct pending *p;
	unsigned long id;
	const char *at;
	char *end;

	if (!text || !id_s)
		return;		/* not about one IKE_SA: nothing for us */
	id = strtoul(id_s, &end, 10);
	if (*end || !id || id > UINT32_MAX) {
		vl->stats.bad++;
		return;
	}
	at = strstr(text, initiating);
	if (at && strstr(at, " Mode IKE_SA")) {
		p = new_pending(vl, (uint32_t)id, now);
		if (!copy_addr(p->peer, text, (size_t)(at - text))) {
			p->ike_id = 0;
			vl->stats.bad++;
		}
		return;
	}
	p = find_pending(vl, (uint32_t)id);
	if (!p)
		return;
	if (!strncmp(text, received, sizeof(received) - 1)) {
		note_offer(p, text + sizeof(received) - 1);
	} else if (!strcmp(text, "no proposal found") ||
		   !strncmp(text, "no matching proposal found", 26)) {
		refused(vl, p, now);
		p->ike_id = 0;
	}
}

/*
 * An ike-updown event: { up = yes, <name> = { remote-host, dh-group, ... } }.
 * charon's values are data: the group is named only from our own table.
 */
void vici_log_ike_updown(struct vici_log *vl, const struct vici_node *msg, uint64_t now)
{
	const struct vici_node *ike;
	const char *group, *addr_s, *weak;
	char addr[PEER_MAX];

	if (!vici_node_yes(msg, "up"))
		return;
	for (ike = msg->child; ike && ike->type != VICI_NODE_SECTION; ike = ike->next)
		;
	group = ike ? vici_node_str(ike, "dh-group") : NULL;
	addr_s = ike ? vici_node_str(ike, "remote-host") : NULL;
	if (!group || !addr_s)
		return;
	weak = weak_group(group, strlen(group));
	if (!weak)
		return;
	vl->stats.weak_dh_up++;
	if (!copy_addr(addr, addr_s, strlen(addr_s))) {
		vl->stats.bad++;
		return;
	}
	if (!may_log(vl, &vl->weak_peers, addr, now)) {
		vl->stats.suppressed++;
		return;
	}
	vl->stats.lines++;
	log_notice("ipsec: %s set up its IKE_SA with the Diffie-Hellman group %s, below 2048 "
		   "bits (allowed by [ipsec] allow-modp1024 = %s; Android's L2TP client has no "
		   "other; a Windows client should get NegotiateDH2048_AES256 = 1)", addr, weak,
		   vl->weak_dh == VICI_CONN_WEAK_DH_ALL ? "yes" : "android");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vici_log_on_ike_updown(struct vici_log *vl, const struct vici_node *msg)
{
	vici_log_ike_updown(vl, msg, now_ms());
}

void vici_log_describe(const struct vici_log_stats *s, struct json_object *o)
{
	struct json_object *j = json_object_new_object();

#define S(k, v) json_object_object_add(j, k, json_object_new_int64((int64_t)(v)))
	S("refused", s->refused);
	S("refused_weak_dh", s->refused_weak_dh);
	S("weak_dh_up", s->weak_dh_up);
	S("log_lines", s->lines);
	S("log_lines_suppressed", s->suppressed);
	S("log_events_bad", s->bad);
#undef S
	json_object_object_add(o, CTL_K_IKE, j);
}

void vici_log_on_event(void *ctx, const char *name, const struct vici_node *msg)
{
	(void)name;
	vici_log_event(ctx, msg, now_ms());
}
