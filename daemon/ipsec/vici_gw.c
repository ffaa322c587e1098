// SPDX-License-Identifier: GPL-2.0
/* The gateway's connection, credential and SA events over VICI; see vici_gw.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "ipsec/vici_gw.h"
#include "ipsec/vici_log.h"

static const char *const gw_events[] = {
	"ike-updown", "child-updown", "child-rekey", "ike-update",
};

/*
 * Owned by the daemon's thread. The built messages are kept so that every
 * (re)connect can send them again without the configuration.
 */
struct vici_gw {
	struct vici_client *c;
	struct vici_gw_ops ops;
	void *ctx;

	bool configured;
	char name[VICI_NAME_MAX + 1];
	struct vici_msg conn;		/* load-conn */
	struct vici_msg secret;		/* load-shared or load-key */
	bool secret_is_key;

	/* What charon got from us, to unload when it changes. */
	char loaded_name[VICI_NAME_MAX + 1];
	bool loaded_psk;
	char key_id[128];		/* load-key's answer */
	bool unload_key;		/* a new key replaces key_id */

	/* First failure of the round in flight; reported at its load-conn. */
	char round_err[320];

	struct vici_gw_stats stats;
	struct vici_log *log;		/* why a client was refused (vici_log.h) */
};

/* ECONNRESET/ECANCELED: the round is repeated on the next connect. */
static bool lost(int err)
{
	return err == -ECONNRESET || err == -ECANCELED;
}

/* Note the first failure of step what; false if there was one. */
static bool check_reply(struct vici_gw *gw, const char *what, int err,
			const struct vici_node *res)
{
	const char *why = err ? strerror(-err) : vici_reply_error(res);

	if (!why)
		return true;
	if (!gw->round_err[0])
		snprintf(gw->round_err, sizeof(gw->round_err), "%s: %s", what, why);
	return false;
}

static void on_unload_reply(void *ctx, int err, const struct vici_node *res)
{
	const char *why = err ? strerror(-err) : vici_reply_error(res);

	/* charon restarted in between knows nothing to unload: not an error. */
	if (why && !lost(err))
		log_debug("vici: unload: %s", why);
}

static void on_secret_reply(void *ctx, int err, const struct vici_node *res)
{
	struct vici_gw *gw = ctx;
	const char *id;

	if (lost(err))
		return;
	if (!check_reply(gw, gw->secret_is_key ? "load-key" : "load-shared", err, res))
		return;
	if (gw->secret_is_key && (id = vici_node_str(res, "id")))
		snprintf(gw->key_id, sizeof(gw->key_id), "%s", id);
}

static void on_conn_reply(void *ctx, int err, const struct vici_node *res)
{
	struct vici_gw *gw = ctx;

	if (lost(err))
		return;
	check_reply(gw, "load-conn", err, res);
	if (gw->round_err[0]) {
		gw->stats.load_failures++;
		log_err("vici: charon refused the IPsec configuration: %s", gw->round_err);
		if (gw->ops.loaded)
			gw->ops.loaded(gw->ctx, -EINVAL, gw->round_err);
	} else {
		snprintf(gw->loaded_name, sizeof(gw->loaded_name), "%s", gw->name);
		gw->loaded_psk = !gw->secret_is_key;
		log_notice("vici: connection '%s' and its %s loaded into charon", gw->name,
			   gw->secret_is_key ? "private key" : "PSK");
		if (gw->ops.loaded)
			gw->ops.loaded(gw->ctx, 0, NULL);
	}
	gw->round_err[0] = '\0';
}

static void on_list_item(void *ctx, const char *name, const struct vici_node *msg)
{
	struct vici_gw *gw = ctx;
	struct vici_sa_event ev;
	const char *why;

	if (vici_sa_parse(name, msg, &ev, &why)) {
		gw->stats.events_bad++;
		log_warn("vici: dropped an SA of charon's list: %s", why ? why : "?");
		return;
	}
	if (gw->ops.sa)
		gw->ops.sa(gw->ctx, &ev);
}

static void on_list_done(void *ctx, int err, const struct vici_node *res)
{
	struct vici_gw *gw = ctx;

	if (lost(err))
		return;
	gw->stats.syncs++;
	if (err)
		log_err("vici: listing charon's SAs failed: %s", strerror(-err));
	if (gw->ops.synced)
		gw->ops.synced(gw->ctx, err);
}

static void send_msg(struct vici_gw *gw, const char *cmd, struct vici_msg *m,
		     vici_reply_fn fn)
{
	int err = vici_request(gw->c, cmd, m, fn, gw);

	/* Not up: the whole round goes again on connect. */
	if (err && err != -ENOTCONN)
		log_err("vici: cannot queue '%s': %s", cmd, strerror(-err));
}

static void send_unloads(struct vici_gw *gw)
{
	struct vici_msg m;

	vici_msg_init(&m, 0);
	if (gw->loaded_name[0] && strcmp(gw->loaded_name, gw->name)) {
		vici_conn_build_unload(gw->loaded_name, &m);
		send_msg(gw, "unload-conn", &m, on_unload_reply);
		if (gw->loaded_psk) {
			vici_msg_reset(&m);
			vici_conn_build_unload_psk(gw->loaded_name, &m);
			send_msg(gw, "unload-shared", &m, on_unload_reply);
		}
		gw->loaded_name[0] = '\0';
	}
	if (gw->unload_key && gw->key_id[0]) {
		vici_msg_reset(&m);
		vici_msg_kv_str(&m, "id", gw->key_id);
		send_msg(gw, "unload-key", &m, on_unload_reply);
		gw->key_id[0] = '\0';
	}
	gw->unload_key = false;
	vici_msg_free(&m);
}

/* One round: unload what changed, load credential and connection; after a
 * connect also list the SAs. */
static void send_round(struct vici_gw *gw, bool resync)
{
	struct vici_msg m;

	if (!vici_is_up(gw->c))
		return;
	if (gw->configured) {
		gw->stats.loads++;
		send_unloads(gw);
		send_msg(gw, gw->secret_is_key ? "load-key" : "load-shared", &gw->secret,
			 on_secret_reply);
		send_msg(gw, "load-conn", &gw->conn, on_conn_reply);
	}
	if (!resync)
		return;
	vici_msg_init(&m, 0);
	vici_conn_build_list_sas(NULL, &m);
	if (vici_request_stream(gw->c, "list-sas", &m, "list-sa", on_list_item,
				on_list_done, gw))
		log_err("vici: cannot queue 'list-sas'");
	vici_msg_free(&m);
}

static void on_state(void *ctx, enum vici_state st, const char *why)
{
	struct vici_gw *gw = ctx;

	if (gw->ops.state)
		gw->ops.state(gw->ctx, st, why);
	if (st == VICI_UP)
		send_round(gw, true);
}

static void on_event(void *ctx, const char *name, const struct vici_node *msg)
{
	struct vici_gw *gw = ctx;
	struct vici_sa_event ev;
	const char *why;
	int err;

	err = vici_sa_parse(name, msg, &ev, &why);
	if (err) {
		gw->stats.events_bad++;
		log_warn("vici: dropped '%s' event: %s", name,
			 why ? why : strerror(-err));
		return;
	}
	if (ev.kind == VICI_SA_IKE_UP)
		vici_log_on_ike_updown(gw->log, msg);	/* a weak DH group is noted */
	if (gw->ops.sa)
		gw->ops.sa(gw->ctx, &ev);
}

struct vici_gw *vici_gw_new(const struct vici_config *cfg,
			    const struct vici_gw_ops *ops, void *ctx)
{
	struct vici_gw *gw = calloc(1, sizeof(*gw));

	if (!gw)
		return NULL;
	gw->c = vici_new(cfg, on_state, gw);
	gw->log = vici_log_new();
	if (!gw->c || !gw->log) {
		vici_free(gw->c);
		vici_log_free(gw->log);
		free(gw);
		return NULL;
	}
	if (ops)
		gw->ops = *ops;
	gw->ctx = ctx;
	vici_msg_init(&gw->conn, 0);
	vici_msg_init(&gw->secret, 0);
	for (size_t i = 0; i < sizeof(gw_events) / sizeof(gw_events[0]); i++)
		vici_subscribe(gw->c, gw_events[i], on_event, gw);
	vici_subscribe(gw->c, "log", vici_log_on_event, gw->log);
	return gw;
}

/* gw's memory, the loaded secret wiped; its client through free_client. */
static void gw_release(struct vici_gw *gw, void (*free_client)(struct vici_client *c))
{
	if (!gw)
		return;
	free_client(gw->c);
	vici_msg_free(&gw->conn);
	vici_msg_free(&gw->secret);
	vici_log_free(gw->log);
	free(gw);
}

void vici_gw_free(struct vici_gw *gw)
{
	/* Pending replies complete (cancelled) while gw is still valid. */
	gw_release(gw, vici_free);
}

void vici_gw_forget(struct vici_gw *gw)
{
	gw_release(gw, vici_forget);
}

struct vici_client *vici_gw_client(struct vici_gw *gw)
{
	return gw->c;
}

const struct vici_log *vici_gw_log(const struct vici_gw *gw)
{
	return gw->log;
}

const struct vici_gw_stats *vici_gw_get_stats(const struct vici_gw *gw)
{
	return &gw->stats;
}

int vici_gw_configure(struct vici_gw *gw, const struct vici_l2tp_conn *conf,
		      const void *psk, size_t psk_len, const struct vici_blob *key)
{
	struct vici_msg conn, secret;
	bool is_key = conf->auth == VICI_CONN_PUBKEY;
	int err;

	vici_msg_init(&conn, 0);
	vici_msg_init(&secret, 0);
	err = vici_conn_build_load(conf, &conn);
	if (!err)
		err = is_key ? vici_conn_build_load_key(key, &secret) :
			       vici_conn_build_load_psk(conf->name, psk, psk_len, &secret);
	if (err) {
		vici_msg_free(&conn);
		vici_msg_free(&secret);
		return err;
	}
	vici_msg_free(&gw->conn);
	vici_msg_free(&gw->secret);
	gw->conn = conn;
	gw->secret = secret;
	/* A key replaces the one loaded before; a PSK replaces by its id. */
	gw->unload_key = gw->key_id[0] != '\0';
	gw->secret_is_key = is_key;
	snprintf(gw->name, sizeof(gw->name), "%s",
		 conf->name ? conf->name : VICI_CONN_DEFAULT_NAME);
	gw->configured = true;
	vici_log_set_allow_weak_dh(gw->log, conf->allow_weak_dh);
	send_round(gw, false);
	return 0;
}

void vici_gw_start(struct vici_gw *gw)
{
	vici_start(gw->c);
}

static void on_terminate_reply(void *ctx, int err, const struct vici_node *res)
{
	const char *why = err ? strerror(-err) : vici_reply_error(res);

	if (why && !lost(err))
		log_warn("vici: terminate IKE_SA #%u: %s", (unsigned int)(uintptr_t)ctx, why);
}

int vici_gw_terminate(struct vici_gw *gw, uint32_t ike_id)
{
	struct vici_msg m;
	int err;

	vici_msg_init(&m, 0);
	err = vici_conn_build_terminate_ike(ike_id, &m);
	if (!err)
		err = vici_request(gw->c, "terminate", &m, on_terminate_reply,
				   (void *)(uintptr_t)ike_id);
	vici_msg_free(&m);
	return err;
}

/* One IKE_SA's listing in flight (vici_gw_list_ike). */
struct list_one {
	vici_gw_listed_fn fn;
	void *ctx;
	uint32_t ike_id;
	bool found;
	struct vici_sa_event ev;
};

static void on_list_one_item(void *ctx, const char *name, const struct vici_node *msg)
{
	struct list_one *l = ctx;
	const char *why;

	if (vici_sa_parse(name, msg, &l->ev, &why)) {
		log_warn("vici: dropped charon's listing of IKE_SA #%u: %s", l->ike_id,
			 why ? why : "?");
		return;
	}
	l->found = l->ev.ike.uniqueid == l->ike_id;
}

static void on_list_one_done(void *ctx, int err, const struct vici_node *res)
{
	struct list_one *l = ctx;

	(void)res;
	l->fn(l->ctx, l->ike_id, !err && l->found ? &l->ev : NULL, err);
	free(l);
}

int vici_gw_list_ike(struct vici_gw *gw, uint32_t ike_id, vici_gw_listed_fn fn, void *ctx)
{
	struct list_one *l;
	struct vici_msg m;
	int err;

	if (!ike_id)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	*l = (struct list_one){ .fn = fn, .ctx = ctx, .ike_id = ike_id };
	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "noblock", "yes");
	vici_msg_kv_fmt(&m, "ike-id", "%u", ike_id);
	err = vici_msg_finish(&m);
	if (!err)
		err = vici_request_stream(gw->c, "list-sas", &m, "list-sa", on_list_one_item,
					  on_list_one_done, l);
	vici_msg_free(&m);
	if (err)
		free(l);
	return err;
}
