// SPDX-License-Identifier: GPL-2.0
/* charon over VICI and the SA table that binds L2TP tunnels to CHILD_SAs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipsec.h"
#include "l2tp_avp.h"
#include "l2tp_tunnel.h"
#include "log.h"
#include "util.h"
#include "vici_conn.h"
#include "vici_ev.h"
#include "vici_gw.h"

#define SA_HASH_SIZE	1024u
#define CRED_MAX	(256u << 10)	/* a certificate or key file */

struct sa {
	struct sa *next;		/* hash chain */
	uint32_t mark;			/* CHILD_SA inbound mark: the key */
	uint32_t ike_id, child_id, reqid;
	uint32_t spi_in, spi_out;
	bool encap;
	bool seen;			/* in the current resync */
	struct vici_addr remote;	/* outer: the NAT's public address and port */
	char remote_id[128];		/* as charon reports it, for the log */
};

/*
 * Owned by the event loop's thread. The table holds one entry per CHILD_SA
 * of our connection that charon reported up and has not reported down.
 */
struct ipsec {
	struct evloop *loop;
	struct l2tp_lns *lns;
	struct vici_gw *gw;
	struct vici_ev ev;
	bool ev_attached;
	bool up;			/* connected to charon */
	bool synced;			/* the table reflects charon's SAs */
	char vici_path[108];
	struct sa *table[SA_HASH_SIZE];
	unsigned int n_sa;
	struct ipsec_stats st;
};

bool ipsec_enabled(const struct l2sec_config *cfg)
{
	return cfg->psk[0] || cfg->cert_path[0];
}

/* --- the table ------------------------------------------------------------- */

static struct sa **slot(struct ipsec *ip, uint32_t mark)
{
	struct sa **pp = &ip->table[(mark * 2654435761u) % SA_HASH_SIZE];

	while (*pp && (*pp)->mark != mark)
		pp = &(*pp)->next;
	return pp;
}

static const struct sa *find(const struct ipsec *ip, uint32_t mark)
{
	const struct sa *s = ip->table[(mark * 2654435761u) % SA_HASH_SIZE];

	while (s && s->mark != mark)
		s = s->next;
	return s;
}

/* Every tunnel bound to mark goes now: its SA is gone. */
static void clear_tunnels(struct ipsec *ip, uint32_t mark, const char *why)
{
	struct l2tp_tunnel *t, *next;

	for (t = ip->lns->tunnel_list; t; t = next) {
		next = t->next;
		if (t->peer.mark != mark || t->state == TUNNEL_CLOSING)
			continue;
		log_notice("ipsec: tunnel %u cleared: %s (SA mark %#x)", t->tid, why, mark);
		ip->st.tunnels_cleared++;
		l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, 0, why);
	}
}

static void sa_del(struct ipsec *ip, struct sa **pp, const char *why)
{
	struct sa *s = *pp;

	*pp = s->next;
	ip->n_sa--;
	ip->st.sa_down++;
	clear_tunnels(ip, s->mark, why);
	free(s);
}

static bool ours(const struct vici_sa_event *ev, const struct vici_child_info *c)
{
	return !strcmp(ev->ike.name, VICI_CONN_DEFAULT_NAME) &&
	       (!c || !strcmp(c->name, VICI_CONN_CHILD_NAME));
}

static void sa_put(struct ipsec *ip, const struct vici_sa_event *ev,
		   const struct vici_child_info *c)
{
	char addr[64], desc[160];
	struct sa **pp, *s;

	if (!c->has_mark_in || !c->mark_in) {
		log_warn("ipsec: CHILD_SA #%u of IKE_SA #%u has no inbound mark: its tunnels "
			 "cannot be told apart", c->uniqueid, ev->ike.uniqueid);
		return;
	}
	pp = slot(ip, c->mark_in);
	s = *pp;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			log_err("ipsec: out of memory for an SA");
			return;
		}
		s->mark = c->mark_in;
		*pp = s;
		ip->n_sa++;
		ip->st.sa_up++;
		vici_sa_addr_str(&ev->ike.remote, addr, sizeof(addr));
		vici_sa_child_str(c, desc, sizeof(desc));
		log_notice("ipsec: SA up: %s (%s) %s", addr, ev->ike.remote_id, desc);
	}
	s->ike_id = ev->ike.uniqueid;
	s->child_id = c->uniqueid;
	s->reqid = c->reqid;
	s->spi_in = c->spi_in;
	s->spi_out = c->spi_out;
	s->encap = c->encap;
	s->remote = ev->ike.remote;
	s->seen = true;
	snprintf(s->remote_id, sizeof(s->remote_id), "%s", ev->ike.remote_id);
}

static void child_down(struct ipsec *ip, const struct vici_child_info *c)
{
	struct sa **pp;

	if (!c->has_mark_in)
		return;
	pp = slot(ip, c->mark_in);
	if (*pp && (*pp)->child_id == c->uniqueid)
		sa_del(ip, pp, "IPsec SA deleted");
}

static void ike_down(struct ipsec *ip, uint32_t ike_id)
{
	for (unsigned int i = 0; i < SA_HASH_SIZE; i++) {
		struct sa **pp = &ip->table[i];

		while (*pp) {
			if ((*pp)->ike_id == ike_id)
				sa_del(ip, pp, "IKE SA deleted");
			else
				pp = &(*pp)->next;
		}
	}
}

static void rekey(struct ipsec *ip, const struct vici_sa_event *ev)
{
	const struct vici_child_info *old = &ev->child[0], *new = &ev->child[1];
	struct sa **pp;

	ip->st.rekeys++;
	if (ev->n_children < 2 || !new->has_mark_in)
		return;
	if (old->has_mark_in && old->mark_in != new->mark_in) {
		/* the binding follows the mark: tunnels on the old one lose their SA */
		log_warn("ipsec: rekey of CHILD_SA #%u changed its mark %#x -> %#x",
			 old->uniqueid, old->mark_in, new->mark_in);
		pp = slot(ip, old->mark_in);
		if (*pp)
			sa_del(ip, pp, "IPsec SA rekeyed with another mark");
	}
	sa_put(ip, ev, new);
	log_info("ipsec: SA mark %#x rekeyed: spi %08x/%08x", new->mark_in, new->spi_in,
		 new->spi_out);
}

static void nat_update(struct ipsec *ip, const struct vici_sa_event *ev)
{
	char addr[64];

	ip->st.nat_updates++;
	for (unsigned int i = 0; i < SA_HASH_SIZE; i++)
		for (struct sa *s = ip->table[i]; s; s = s->next)
			if (s->ike_id == ev->ike.uniqueid)
				s->remote = ev->new_remote;
	vici_sa_addr_str(&ev->new_remote, addr, sizeof(addr));
	log_notice("ipsec: IKE_SA #%u moved to %s (NAT mapping changed)", ev->ike.uniqueid, addr);
}

/* --- charon's reports ---------------------------------------------------------- */

static void on_sa(void *ctx, const struct vici_sa_event *ev)
{
	struct ipsec *ip = ctx;

	if (!ours(ev, NULL))
		return;
	switch (ev->kind) {
	case VICI_SA_CHILD_UP:
	case VICI_SA_LIST:
		for (unsigned int i = 0; i < ev->n_children; i++)
			if (ours(ev, &ev->child[i]) && !strcmp(ev->child[i].state, "INSTALLED"))
				sa_put(ip, ev, &ev->child[i]);
		break;
	case VICI_SA_CHILD_DOWN:
		for (unsigned int i = 0; i < ev->n_children; i++)
			if (ours(ev, &ev->child[i]))
				child_down(ip, &ev->child[i]);
		break;
	case VICI_SA_IKE_DOWN:
		ike_down(ip, ev->ike.uniqueid);
		break;
	case VICI_SA_CHILD_REKEY:
		rekey(ip, ev);
		break;
	case VICI_SA_IKE_UPDATE:
		nat_update(ip, ev);
		break;
	case VICI_SA_IKE_UP:
		break;
	}
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
	for (unsigned int i = 0; i < SA_HASH_SIZE; i++) {
		struct sa **pp = &ip->table[i];

		while (*pp) {
			if (!(*pp)->seen) {
				sa_del(ip, pp, "IPsec SA gone (charon restarted)");
				continue;
			}
			(*pp)->seen = false;
			pp = &(*pp)->next;
		}
	}
	for (t = ip->lns->tunnel_list; t; t = next) {
		next = t->next;
		if (t->require_ipsec && t->peer.mark && t->state != TUNNEL_CLOSING &&
		    !find(ip, t->peer.mark)) {
			log_notice("ipsec: tunnel %u cleared: charon has no SA with mark %#x",
				   t->tid, t->peer.mark);
			ip->st.tunnels_cleared++;
			l2tp_tunnel_close(t, false, STOPCCN_GENERAL_ERROR, 0, "IPsec SA gone");
		}
	}
	ip->synced = true;
	log_info("ipsec: %u SA(s) in charon", ip->n_sa);
}

static void on_state(void *ctx, enum vici_state state, const char *why)
{
	struct ipsec *ip = ctx;

	if (state == VICI_UP) {	/* vici.c logs it */
		ip->up = true;
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
	for (unsigned int i = 0; i < SA_HASH_SIZE; i++)
		for (struct sa *s = ip->table[i]; s; s = s->next)
			s->seen = false;
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

static int configure(struct ipsec *ip, const struct l2sec_config *cfg)
{
	struct vici_l2tp_conn conf = {
		.auth = cfg->cert_path[0] ? VICI_CONN_PUBKEY : VICI_CONN_PSK,
		.allow_weak_dh = cfg->allow_modp1024,
		.allow_3des = cfg->allow_3des,
		.dpd_delay = cfg->dpd_delay_ms / 1000,
		.dpd_timeout = cfg->dpd_timeout_ms / 1000,
		.child_rekey_time = cfg->rekey_time_ms / 1000,
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

void ipsec_free(struct ipsec *ip)
{
	if (!ip)
		return;
	if (ip->ev_attached)
		vici_ev_detach(&ip->ev);
	vici_gw_free(ip->gw);
	for (unsigned int i = 0; i < SA_HASH_SIZE; i++) {
		while (ip->table[i]) {
			struct sa *s = ip->table[i];

			ip->table[i] = s->next;
			free(s);
		}
	}
	free(ip);
}

int ipsec_reload(struct ipsec *ip, const struct l2sec_config *cfg)
{
	if (strcmp(cfg->vici_path, ip->vici_path))
		log_warn("reload: [ipsec] vici changes take effect at restart only");
	return configure(ip, cfg);
}

/* --- the control socket -------------------------------------------------------------- */

void ipsec_describe_tunnel(const struct ipsec *ip, const struct l2tp_tunnel *t,
			   struct json_object *o)
{
	const struct sa *s = t->peer.mark ? find(ip, t->peer.mark) : NULL;
	struct json_object *j;
	char buf[64];

	if (!s)
		return;
	j = json_object_new_object();
	json_object_object_add(j, "mark", json_object_new_int64(s->mark));
	json_object_object_add(j, "ike_id", json_object_new_int64(s->ike_id));
	json_object_object_add(j, "child_id", json_object_new_int64(s->child_id));
	json_object_object_add(j, "reqid", json_object_new_int64(s->reqid));
	snprintf(buf, sizeof(buf), "%08x", s->spi_in);
	json_object_object_add(j, "spi_in", json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "%08x", s->spi_out);
	json_object_object_add(j, "spi_out", json_object_new_string(buf));
	json_object_object_add(j, "encap", json_object_new_boolean(s->encap));
	vici_sa_addr_str(&s->remote, buf, sizeof(buf));
	json_object_object_add(j, "remote", json_object_new_string(buf));
	json_object_object_add(j, "remote_id", json_object_new_string(s->remote_id));
	json_object_object_add(o, "sa", j);
}

void ipsec_describe(const struct ipsec *ip, struct json_object *o)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "charon", json_object_new_string(ip->up ? "up" : "down"));
	json_object_object_add(j, "vici", json_object_new_string(ip->vici_path));
	json_object_object_add(j, "sa_count", json_object_new_int64(ip->n_sa));
#define S(f) json_object_object_add(j, #f, json_object_new_int64((int64_t)ip->st.f))
	S(sa_up); S(sa_down); S(rekeys); S(nat_updates); S(tunnels_cleared);
	S(charon_lost); S(load_failures);
#undef S
	json_object_object_add(o, "ipsec", j);
}
