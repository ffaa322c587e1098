// SPDX-License-Identifier: GPL-2.0
/* charon over VICI and the SA table that binds L2TP tunnels to CHILD_SAs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipsec/ipsec.h"
#include "ipsec/ipsec_sa.h"
#include "ipsec/ipsec_xfrm.h"
#include "l2tp/l2tp_avp.h"
#include "l2tp/l2tp_tunnel.h"
#include "core/log.h"
#include "core/util.h"
#include "ipsec/vici_conn.h"
#include "ipsec/vici_ev.h"
#include "ipsec/vici_gw.h"
#include "ipsec/vici_log.h"
#include "ctl_proto.h"

#define CRED_MAX	(256u << 10)	/* a certificate or key file */
#define RETIRE_DELAY_MS	500u		/* between listings of a retiring IKE_SA */
#define RETIRE_BATCH	16u		/* retiring IKE_SAs listed at once */

/* Owned by the event loop's thread. */
struct ipsec {
	struct evloop *loop;
	struct l2tp_lns *lns;
	struct vici_gw *gw;
	struct vici_ev ev;
	bool ev_attached;
	bool up;			/* connected to charon */
	bool synced;			/* the table reflects charon's SAs */
	uint64_t connected_at;		/* wall-clock seconds of the last connect */
	uint16_t l2tp_port;
	char vici_path[108];
	struct ipsec_sa_table sas;
	struct ev_timer retire_timer;	/* lists IKE_SAs clients replaced */
	unsigned int retire_inflight;	/* their listings not answered yet */
	bool closing;
	struct ipsec_stats st;
	const struct ipsec_owner_ops *owner;	/* the privsep parent's, or NULL */
	void *owner_ctx;
	/* the privsep engine's copy (ipsec_new_copy): no gw, SAs by mark */
	bool copy;
	struct htab copy_tab;
	struct copy_sa *copy_list;
	ipsec_report_fn *report;
	void *report_ctx;
};

/* An SA of the engine's copy. */
struct copy_sa {
	struct htab_node node;
	struct copy_sa *prev, *next;	/* ipsec.copy_list */
	bool listed;			/* in the current listing (ipsec_copy_relist) */
	struct ipsec_sa_desc d;
};

bool ipsec_enabled(const struct l2sec_config *cfg)
{
	return cfg->psk[0] || cfg->cert_path[0];
}

struct gone_ctx {
	const char *why;
};

static void log_cleared(void *ctx, const struct l2tp_tunnel *t)
{
	const struct gone_ctx *g = ctx;

	log_notice("ipsec: tunnel %u cleared: %s (SA mark %#x)", t->tid, g->why, t->peer.mark);
}

static void desc_of(const struct ipsec_sa *s, struct ipsec_sa_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->mark = s->mark;
	d->reqid = s->reqid;
	d->ike_id = s->ike_id;
	d->child_id = s->child_id;
	d->spi_in = s->spi_in;
	d->spi_out = s->spi_out;
	d->encap = s->encap;
	d->remote = s->remote;
	snprintf(d->remote_id, sizeof(d->remote_id), "%s", s->remote_id);
}

/* The tunnels bound to mark go now (the LNS's mark index), without a StopCCN. */
static void close_mark(struct ipsec *ip, uint32_t mark, const char *why)
{
	struct gone_ctx g = { .why = why };

	if (ip->lns)
		ip->st.tunnels_cleared += l2tp_lns_close_mark(ip->lns, mark, false,
							      STOPCCN_GENERAL_ERROR, why,
							      log_cleared, &g);
}

/* An SA left the table: every tunnel bound to its mark goes now (the owner's too). */
static void on_sa_gone(void *ctx, const struct ipsec_sa *sa, const char *why)
{
	struct ipsec *ip = ctx;
	struct ipsec_sa_desc d;

	close_mark(ip, sa->mark, why);
	if (!ip->owner)
		return;
	desc_of(sa, &d);
	ip->st.tunnels_cleared += ip->owner->sa_gone(ip->owner_ctx, &d, why);
}

static void on_sa_changed(void *ctx, const struct ipsec_sa *sa)
{
	struct ipsec *ip = ctx;
	struct ipsec_sa_desc d;

	desc_of(sa, &d);
	ip->owner->sa_put(ip->owner_ctx, &d);
}

void ipsec_set_owner(struct ipsec *ip, const struct ipsec_owner_ops *ops, void *ctx)
{
	ip->owner = ops;
	ip->owner_ctx = ctx;
	ip->sas.changed = ops ? on_sa_changed : NULL;
}

void ipsec_each_sa(const struct ipsec *ip, void (*fn)(void *ctx, const struct ipsec_sa_desc *sa),
		   void *ctx)
{
	struct ipsec_sa_desc d;

	for (const struct ipsec_sa *s = ip->sas.list; s; s = s->next) {
		desc_of(s, &d);
		fn(ctx, &d);
	}
}



/* --- IKE_SAs a client replaced ---------------------------------------------------- */

/*
 * A client's reauthentication leaves its old IKE_SA in charon without
 * CHILD_SAs for 10 s, where the gateway's own reauthentication timer of it
 * could still end (ipsec_sa.h): l2secd lists it every RETIRE_DELAY_MS and has
 * charon delete it once it is childless. One round of listings at a time.
 */
static void retire_arm(struct ipsec *ip)
{
	uint32_t id;

	if (ip->closing || ip->retire_inflight || ev_timer_armed(&ip->retire_timer) ||
	    !ipsec_sa_retiring(&ip->sas, &id, 1))
		return;
	if (ev_timer_arm(ip->loop, &ip->retire_timer, RETIRE_DELAY_MS))
		log_err("ipsec: cannot arm the timer of replaced IKE_SAs");
}

static void on_retire_listed(void *ctx, uint32_t ike_id, const struct vici_sa_event *ev,
			     int err)
{
	struct ipsec *ip = ctx;
	int e;

	ip->retire_inflight--;
	if (ip->closing || err == -ECANCELED || err == -ECONNRESET)
		return;
	if (err) {
		log_warn("ipsec: cannot list IKE_SA #%u: %s", ike_id, strerror(-err));
		ipsec_sa_retire_listed(&ip->sas, ike_id, NULL);
	} else if (ipsec_sa_retire_listed(&ip->sas, ike_id, ev) &&
	    (e = vici_gw_terminate(ip->gw, ike_id)))
		log_warn("ipsec: cannot ask charon to delete IKE_SA #%u: %s", ike_id,
			 strerror(-e));
	retire_arm(ip);
}

static void retire_cb(struct ev_timer *t)
{
	struct ipsec *ip = container_of(t, struct ipsec, retire_timer);
	uint32_t ids[RETIRE_BATCH];
	unsigned int n = ipsec_sa_retiring(&ip->sas, ids, RETIRE_BATCH);
	int err;

	for (unsigned int i = 0; i < n; i++) {
		err = vici_gw_list_ike(ip->gw, ids[i], on_retire_listed, ip);
		if (err) {
			log_warn("ipsec: cannot list IKE_SA #%u: %s", ids[i], strerror(-err));
			ipsec_sa_retire_listed(&ip->sas, ids[i], NULL);
			continue;
		}
		ip->retire_inflight++;
	}
	retire_arm(ip);
}

/* --- charon's reports ---------------------------------------------------------- */

static void on_sa(void *ctx, const struct vici_sa_event *ev)
{
	struct ipsec *ip = ctx;

	ipsec_sa_event(&ip->sas, ev);
	if (ev->kind == VICI_SA_IKE_UP)
		retire_arm(ip);
}

static bool known_spi(void *ctx, uint32_t spi)
{
	return ipsec_sa_known_spi(ctx, spi);
}

static bool known_mark(void *ctx, uint32_t mark)
{
	return ipsec_sa_known_mark(ctx, mark);
}

/*
 * SAs a charon killed with SIGKILL left in the kernel still decrypt their
 * clients' packets with marks the new charon hands out again: they go.
 */
static void flush_stale_xfrm(struct ipsec *ip)
{
	struct ipsec_xfrm_filter f = {
		.l2tp_port = ip->l2tp_port,
		.before = ip->connected_at,
		.known_spi = known_spi,
		.known_mark = known_mark,
		.ctx = &ip->sas,
	};
	struct ipsec_xfrm_result r;
	int err = ipsec_xfrm_flush_stale(&f, &r);

	if (err) {
		log_warn("ipsec: cannot look for stale SAs in the kernel: %s", strerror(-err));
		return;
	}
	ip->st.stale_states += r.states;
	ip->st.stale_policies += r.policies;
	if (r.states || r.policies)
		log_notice("ipsec: removed %u SA(s) and %u policies that charon no longer knows "
			   "(charon was killed?)", r.states, r.policies);
}

/* After a resync: SAs charon no longer has, and tunnels bound to no SA, are stale. */
static void on_synced(void *ctx, int err)
{
	struct ipsec *ip = ctx;
	struct l2tp_tunnel *t, *next;

	if (err) {
		log_warn("ipsec: could not list charon's SAs (%s); the SA table may be stale",
			 strerror(-err));
		return;
	}
	ipsec_sa_synced(&ip->sas);
	/* the privsep parent's checker holds only tunnels of SAs in the table */
	for (t = ip->lns ? l2tp_lns_first_tunnel(ip->lns) : NULL; t; t = next) {
		next = l2tp_lns_next_tunnel(t);
		if (t->require_ipsec && t->peer.mark && t->state != TUNNEL_CLOSING &&
		    !ipsec_sa_find(&ip->sas, t->peer.mark)) {
			log_notice("ipsec: tunnel %u cleared: charon has no SA with mark %#x",
				   t->tid, t->peer.mark);
			ip->st.tunnels_cleared++;
			t->lost = L2TP_LOST_SA;
			l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, 0, "IPsec SA gone");
		}
	}
	flush_stale_xfrm(ip);
	ip->synced = true;
	log_info("ipsec: %u SA(s) in charon", ip->sas.n);
}

static void on_state(void *ctx, enum vici_state state, const char *why)
{
	struct ipsec *ip = ctx;

	if (state == VICI_UP) {	/* vici.c logs it */
		ip->up = true;
		ip->connected_at = (uint64_t)time(NULL);
		return;
	}
	if (ip->up) {
		ip->st.charon_lost++;
		log_warn("ipsec: lost charon (%s): %s; retrying, established sessions stay until "
			 "charon says their SAs are gone", ip->vici_path, why ? why : "?");
	} else {
		log_warn("ipsec: cannot reach charon at %s: %s; retrying", ip->vici_path,
			 why ? why : "?");
	}
	ip->up = ip->synced = false;
	ipsec_sa_lost(&ip->sas);
}

/* vici_gw logs the outcome of each load round; here it is only counted. */
static void on_loaded(void *ctx, int err, const char *why)
{
	struct ipsec *ip = ctx;

	(void)why;
	if (err)
		ip->st.load_failures++;
}

static const struct vici_gw_ops gw_ops = {
	.state = on_state,
	.loaded = on_loaded,
	.sa = on_sa,
	.synced = on_synced,
};

/* --- configuration --------------------------------------------------------------- */

/* A credential file, whole; NULL (logged) when unreadable or too large. */
static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto err;
	if (fstat(fd, &st) < 0)
		goto err_fd;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (size_t)st.st_size > CRED_MAX) {
		errno = EFBIG;
		goto err_fd;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf)
		goto err_fd;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		errno = n < 0 ? errno : EIO;
		goto err_buf;
	}
	close(fd);
	*len = (size_t)n;
	return buf;
err_buf:
	free(buf);
err_fd:
	close(fd);
err:
	log_err("ipsec: %s: %s", path, strerror(errno));
	return NULL;
}

/* [ipsec] allow-modp1024 as the proposal builder names it */
static enum vici_conn_weak_dh weak_dh_of(enum config_weak_dh v)
{
	switch (v) {
	case CONFIG_WEAK_DH_ANDROID:
		return VICI_CONN_WEAK_DH_ANDROID;
	case CONFIG_WEAK_DH_ALL:
		return VICI_CONN_WEAK_DH_ALL;
	case CONFIG_WEAK_DH_NONE:
		break;
	}
	return VICI_CONN_WEAK_DH_NONE;
}

static int configure(struct ipsec *ip, const struct l2sec_config *cfg)
{
	struct vici_l2tp_conn conf = {
		.auth = cfg->cert_path[0] ? VICI_CONN_PUBKEY : VICI_CONN_PSK,
		.allow_weak_dh = weak_dh_of(cfg->allow_modp1024),
		.allow_3des = cfg->allow_3des,
		.dpd_delay = cfg->dpd_delay_ms / 1000,
		.dpd_timeout = cfg->dpd_timeout_ms / 1000,
		.child_rekey_time = cfg->rekey_time_ms / 1000,
		.reauth_time = cfg->reauth_time_ms / 1000,
		.force_encap = cfg->force_encap,
		.l2tp_port = (uint16_t)cfg->port,
	};
	struct vici_blob key = { 0 };
	void *cert = NULL, *ca = NULL, *k = NULL;
	int err = -1;

	if (conf.auth == VICI_CONN_PUBKEY) {
		cert = read_file(cfg->cert_path, &conf.cert.len);
		ca = read_file(cfg->ca_path, &conf.cacert.len);
		k = read_file(cfg->key_path, &key.len);
		if (!cert || !ca || !k)
			goto out;
		conf.cert.data = cert;
		conf.cacert.data = ca;
		key.data = k;
	}
	err = vici_gw_configure(ip->gw, &conf, cfg->psk, strlen(cfg->psk),
				conf.auth == VICI_CONN_PUBKEY ? &key : NULL);
	if (err)
		log_err("ipsec: cannot build the connection for charon: %s", strerror(-err));
out:
	if (k) {
		memset(k, 0, key.len);	/* the private key does not linger */
		free(k);
	}
	free(cert);
	free(ca);
	return err ? -1 : 0;
}

struct ipsec *ipsec_new(struct evloop *loop, const struct l2sec_config *cfg,
			struct l2tp_lns *lns)
{
	struct ipsec *ip = calloc(1, sizeof(*ip));
	struct vici_config vc = { 0 };

	if (!ip)
		return NULL;
	ip->loop = loop;
	ip->lns = lns;
	ip->l2tp_port = cfg->port ? (uint16_t)cfg->port : VICI_CONN_L2TP_PORT;
	ev_timer_init(&ip->retire_timer, retire_cb);
	if (ipsec_sa_init(&ip->sas, on_sa_gone, ip) < 0) {
		free(ip);
		return NULL;
	}
	snprintf(ip->vici_path, sizeof(ip->vici_path), "%s", cfg->vici_path);
	vc.path = ip->vici_path;
	ip->gw = vici_gw_new(&vc, &gw_ops, ip);
	if (!ip->gw)
		goto err;
	if (configure(ip, cfg) < 0)
		goto err;
	if (vici_ev_attach(&ip->ev, loop, vici_gw_client(ip->gw)) < 0)
		goto err;
	ip->ev_attached = true;
	vici_gw_start(ip->gw);
	return ip;
err:
	ipsec_free(ip);
	return NULL;
}

static void copy_free(struct ipsec *ip)
{
	while (ip->copy_list) {
		struct copy_sa *c = ip->copy_list;

		ip->copy_list = c->next;
		free(c);
	}
	htab_free(&ip->copy_tab);
	free(ip);
}

void ipsec_free(struct ipsec *ip)
{
	if (!ip)
		return;
	if (ip->copy) {
		copy_free(ip);
		return;
	}
	ip->closing = true;	/* listings cancelled below find nothing to do */
	ev_timer_cancel(ip->loop, &ip->retire_timer);
	if (ip->ev_attached)
		vici_ev_detach(&ip->ev);
	vici_gw_free(ip->gw);
	ipsec_sa_free(&ip->sas);
	free(ip);
}

void ipsec_forget(struct ipsec *ip)
{
	if (!ip || ip->copy)
		return;
	vici_gw_forget(ip->gw);
	ipsec_sa_free(&ip->sas);
	explicit_bzero(ip, sizeof(*ip));
	free(ip);
}

int ipsec_reload(struct ipsec *ip, const struct l2sec_config *cfg)
{
	if (strcmp(cfg->vici_path, ip->vici_path))
		log_warn("reload: [ipsec] vici changes take effect at restart only");
	return configure(ip, cfg);
}

/* --- the privsep engine's copy -------------------------------------------------------- */

struct ipsec *ipsec_new_copy(struct evloop *loop, struct l2tp_lns *lns, ipsec_report_fn *report,
			     void *ctx)
{
	struct ipsec *ip = calloc(1, sizeof(*ip));
	uint64_t seed = 0;

	if (!ip)
		return NULL;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)ip;
	if (htab_init(&ip->copy_tab, 64, seed) < 0) {
		free(ip);
		return NULL;
	}
	ip->copy = true;
	ip->loop = loop;
	ip->lns = lns;
	ip->report = report;
	ip->report_ctx = ctx;
	return ip;
}

static struct copy_sa *copy_find(const struct ipsec *ip, uint32_t mark)
{
	struct htab_node *x;

	for (x = htab_first(&ip->copy_tab, htab_hash64(&ip->copy_tab, mark)); x; x = htab_next(x)) {
		struct copy_sa *c = container_of(x, struct copy_sa, node);

		if (c->d.mark == mark)
			return c;
	}
	return NULL;
}

int ipsec_copy_put(struct ipsec *ip, const struct ipsec_sa_desc *sa)
{
	struct copy_sa *c = copy_find(ip, sa->mark);

	if (c) {
		c->d = *sa;
		c->listed = true;
		return 0;
	}
	if (ip->sas.n >= IPSEC_COPY_MAX || !(c = calloc(1, sizeof(*c)))) {
		log_err("ipsec: the copy of the SA table is full or out of memory: SA mark %#x "
			"not kept", sa->mark);
		return -1;
	}
	c->d = *sa;
	c->listed = true;
	c->next = ip->copy_list;
	if (c->next)
		c->next->prev = c;
	ip->copy_list = c;
	htab_add(&ip->copy_tab, &c->node, htab_hash64(&ip->copy_tab, sa->mark));
	ip->sas.n++;
	return 0;
}

void ipsec_copy_drop(struct ipsec *ip, uint32_t mark)
{
	struct copy_sa *c = copy_find(ip, mark);

	if (c) {
		if (c->prev)
			c->prev->next = c->next;
		else
			ip->copy_list = c->next;
		if (c->next)
			c->next->prev = c->prev;
		htab_del(&ip->copy_tab, &c->node);
		ip->sas.n--;
		free(c);
	}
}

void ipsec_copy_gone(struct ipsec *ip, uint32_t mark, const char *why)
{
	ipsec_copy_drop(ip, mark);
	close_mark(ip, mark, why);	/* a mark the copy missed may still have tunnels */
}

void ipsec_copy_relist(struct ipsec *ip)
{
	for (struct copy_sa *c = ip->copy_list; c; c = c->next)
		c->listed = false;
}

uint32_t *ipsec_copy_unlisted(const struct ipsec *ip, unsigned int *n)
{
	uint32_t *marks = malloc((ip->sas.n ? ip->sas.n : 1) * sizeof(*marks));

	*n = 0;
	if (!marks)
		return NULL;
	for (const struct copy_sa *c = ip->copy_list; c; c = c->next)
		if (!c->listed)
			marks[(*n)++] = c->d.mark;
	return marks;
}

/* --- the data paths' check ------------------------------------------------------------ */

/* The SA with inbound mark, as the table or the copy has it; NULL if none. */
static const struct ipsec_sa_desc *find_desc(const struct ipsec *ip, uint32_t mark,
					     struct ipsec_sa_desc *buf)
{
	const struct ipsec_sa *s;
	const struct copy_sa *c;

	if (!mark)
		return NULL;
	if (ip->copy) {
		c = copy_find(ip, mark);
		return c ? &c->d : NULL;
	}
	s = ipsec_sa_find(&ip->sas, mark);
	if (!s)
		return NULL;
	desc_of(s, buf);
	return buf;
}

bool ipsec_sa_get(const struct ipsec *ip, uint32_t mark, struct ipsec_sa_desc *out)
{
	const struct ipsec_sa_desc *s = find_desc(ip, mark, out);

	if (s && s != out)
		*out = *s;
	return s != NULL;
}

bool ipsec_mark_is_child_sa(const struct ipsec *ip, uint32_t mark,
			    const union sa46 *src)
{
	struct ipsec_sa_desc buf;
	const struct ipsec_sa_desc *s = find_desc(ip, mark, &buf);
	const struct vici_addr *r;

	if (!s)
		return false;
	r = &s->remote;
	if (r->family != src->sa.sa_family)
		return false;
	if (r->family == AF_INET)
		return r->a.v4.s_addr == src->sin.sin_addr.s_addr;
	return r->family == AF_INET6 &&
	       !memcmp(&r->a.v6, &src->sin6.sin6_addr, sizeof(r->a.v6));
}

uint32_t ipsec_mark_reqid(const struct ipsec *ip, uint32_t mark)
{
	struct ipsec_sa_desc buf;
	const struct ipsec_sa_desc *s = find_desc(ip, mark, &buf);

	return s ? s->reqid : 0;
}

/* --- the control socket -------------------------------------------------------------- */

void ipsec_describe_tunnel(const struct ipsec *ip, const struct l2tp_tunnel *t,
			   struct json_object *o)
{
	struct ipsec_sa_desc sbuf;
	const struct ipsec_sa_desc *s = find_desc(ip, t->peer.mark, &sbuf);
	struct json_object *j;
	char buf[64];

	if (!s)
		return;
	j = json_object_new_object();
	json_object_object_add(j, CTL_K_MARK, json_object_new_int64(s->mark));
	json_object_object_add(j, CTL_K_IKE_ID, json_object_new_int64(s->ike_id));
	json_object_object_add(j, CTL_K_CHILD_ID, json_object_new_int64(s->child_id));
	json_object_object_add(j, CTL_K_REQID, json_object_new_int64(s->reqid));
	snprintf(buf, sizeof(buf), "%08x", s->spi_in);
	json_object_object_add(j, CTL_K_SPI_IN, json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "%08x", s->spi_out);
	json_object_object_add(j, CTL_K_SPI_OUT, json_object_new_string(buf));
	json_object_object_add(j, CTL_K_ENCAP, json_object_new_boolean(s->encap));
	vici_sa_addr_str(&s->remote, buf, sizeof(buf));
	json_object_object_add(j, CTL_K_REMOTE, json_object_new_string(buf));
	json_object_object_add(j, CTL_K_REMOTE_ID, json_object_new_string(s->remote_id));
	json_object_object_add(o, CTL_K_SA, j);
}

bool ipsec_tunnel_remote(const struct ipsec *ip, const struct l2tp_tunnel *t, int *family,
			 uint8_t a[16])
{
	struct ipsec_sa_desc sbuf;
	const struct ipsec_sa_desc *s = find_desc(ip, t->peer.mark, &sbuf);

	if (!s || (s->remote.family != AF_INET && s->remote.family != AF_INET6))
		return false;
	*family = s->remote.family;
	memcpy(a, &s->remote.a, s->remote.family == AF_INET ? 4 : 16);
	return true;
}

/* The report's counters: "ipsec"'s by name up to REPORT_IKE, then "ike"'s (vici_log.h). */
#define REPORT_IKE	12
static const char *const report_names[REPORT_IKE] = {
	"sa_up", "sa_down", "rekeys", "nat_updates", "replaced", "adopted", "retired",
	"tunnels_cleared", "charon_lost", "load_failures", "stale_states", "stale_policies",
};

void ipsec_report(const struct ipsec *ip, struct ipsec_report *r)
{
	const struct ipsec_sa_stats *a = &ip->sas.st;
	const struct ipsec_stats *b = &ip->st;
	const struct vici_log_stats *l = vici_log_get_stats(vici_gw_log(ip->gw));
	const uint64_t n[IPSEC_REPORT_N] = {
		a->sa_up, a->sa_down, a->rekeys, a->nat_updates, a->replaced, a->adopted,
		a->retired, b->tunnels_cleared, b->charon_lost, b->load_failures,
		b->stale_states, b->stale_policies, l->refused, l->refused_weak_dh, l->weak_dh_up, l->lines,
		l->suppressed, l->bad,
	};

	memset(r, 0, sizeof(*r));
	r->charon_up = ip->up;
	snprintf(r->vici, sizeof(r->vici), "%s", ip->vici_path);
	r->sa_count = ip->sas.n;
	memcpy(r->n, n, sizeof(r->n));
}

/* "ipsec" and "ike"; the engine's copy asks the parent (nothing when it cannot). */
void ipsec_describe(const struct ipsec *ip, struct json_object *o)
{
	struct vici_log_stats ike;
	struct json_object *j;
	struct ipsec_report r;

	if (ip->copy ? ip->report(ip->report_ctx, &r) < 0 : (ipsec_report(ip, &r), 0))
		return;
	j = json_object_new_object();
	json_object_object_add(j, CTL_K_CHARON,
			       json_object_new_string(r.charon_up ? CTL_V_UP : CTL_V_DOWN));
	json_object_object_add(j, CTL_K_VICI, json_object_new_string(r.vici));
	json_object_object_add(j, CTL_K_SA_COUNT, json_object_new_int64(r.sa_count));
	for (unsigned int i = 0; i < REPORT_IKE; i++)
		json_object_object_add(j, report_names[i], json_object_new_int64((int64_t)r.n[i]));
	json_object_object_add(o, CTL_K_IPSEC, j);
	_Static_assert(sizeof(ike) == (IPSEC_REPORT_N - REPORT_IKE) * sizeof(uint64_t),
		       "the report's \"ike\" part is vici_log_stats");
	ike = (struct vici_log_stats){
		r.n[REPORT_IKE], r.n[REPORT_IKE + 1], r.n[REPORT_IKE + 2], r.n[REPORT_IKE + 3],
		r.n[REPORT_IKE + 4], r.n[REPORT_IKE + 5],
	};
	vici_log_describe(&ike, o);
}
