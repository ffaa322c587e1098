// SPDX-License-Identifier: GPL-2.0
/*
 * The VICI client against a real charon (Debian's strongSwan 5.9.8) on the
 * build host: no kernel SAs are needed to answer version, load/unload
 * connections and secrets, list SAs and refuse bad input. charon runs in
 * private mount and network namespaces (its pid file and runtime files go to
 * a tmpfs on /run there), with its own strongswan.conf and a vici socket in a
 * temporary directory, and is started after the client: the client must
 * find it by retrying, and find it again after a restart.
 *
 * Every test is SKIPPED (not passed) when charon cannot run here: binary
 * missing, not root, no mount namespaces, or no vici socket within 10 s.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipsec/vici.h"
#include "ipsec/vici_conn.h"
#include "ipsec/vici_gw.h"
#include "ipsec/vici_sa.h"

#define CHARON "/usr/lib/ipsec/charon"

static char dir[64];
static char sock[128];
static pid_t charon = -1;
static const char *skip_why;
static struct vici_client *C;

struct reply {
	bool done;
	int err;
	char success[8];
	char errmsg[256];
	char value[256];	/* a key named by the caller, or list items joined */
	int items;
};

/* --- charon ----------------------------------------------------------------------- */

static int write_conf(void)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/strongswan.conf", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	/* port 0: random IKE ports, nothing taken from the host; no kernel SAs
	 * are installed because nothing is ever negotiated. */
	fprintf(f,
		"charon {\n"
		"  load = random nonce aes sha1 sha2 hmac pem pkcs1 pkcs8 x509 pubkey "
		"openssl gmp kdf socket-default kernel-netlink vici\n"
		"  port = 0\n  port_nat_t = 0\n  install_routes = no\n"
		"  plugins { vici { socket = unix://%s } }\n"
		"  filelog { log { path = %s/charon.log\n default = 1\n } }\n"
		"}\n", sock, dir);
	return fclose(f);
}

static void start_charon(void)
{
	char conf[128];

	snprintf(conf, sizeof(conf), "%s/strongswan.conf", dir);
	charon = fork();
	if (charon != 0)
		return;
	/*
	 * A private /run: charon's pid file must not touch the host's; a
	 * private network namespace: its IKE sockets and any policy it might
	 * install stay away from the host's (the vici socket is a file).
	 */
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/run", "tmpfs", 0, "size=1m"))
		_exit(126);
	setenv("STRONGSWAN_CONF", conf, 1);
	execl(CHARON, "charon", (char *)NULL);
	_exit(127);
}

static void stop_charon(void)
{
	if (charon <= 0)
		return;
	kill(charon, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(charon, NULL, WNOHANG) == charon) {
			charon = -1;
			return;
		}
		usleep(10000);
	}
	kill(charon, SIGKILL);
	waitpid(charon, NULL, 0);
	charon = -1;
}

/* --- the event loop, as the daemon runs it ------------------------------------------ */

/* The test's own client, and the gateway layer's client when it runs. */
static struct vici_client *G;

static void loop_once(int max_ms)
{
	struct vici_client *cl[2] = { C, G };
	struct pollfd p[2];
	int to = max_ms, n = 0, t;

	for (int i = 0; i < 2 && cl[i]; i++) {
		p[i] = (struct pollfd){ vici_fd(cl[i]), POLLIN, 0 };
		if (vici_want_write(cl[i]))
			p[i].events |= POLLOUT;
		t = vici_timeout(cl[i]);
		if (t >= 0 && t < to)
			to = t;
		n = i + 1;
	}
	/* poll() ignores negative descriptors: a client that is down */
	poll(p, (nfds_t)n, to);
	for (int i = 0; i < n; i++) {
		if (p[i].fd >= 0 && (p[i].revents & POLLOUT))
			vici_on_writable(cl[i]);
		if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    vici_fd(cl[i]) == p[i].fd)
			vici_on_readable(cl[i]);
		if (vici_timeout(cl[i]) == 0)
			vici_on_timer(cl[i]);
	}
}

static bool run_until(bool *flag, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!*flag) {
		loop_once(20);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			break;
	}
	return *flag;
}

static bool up_flag, down_flag;

static void on_state(void *ctx, enum vici_state st, const char *why)
{
	if (st == VICI_UP)
		up_flag = true;
	else
		down_flag = true;
}

static const char *want_key;

static void on_reply(void *ctx, int err, const struct vici_node *res)
{
	struct reply *r = ctx;
	const struct vici_node *n;

	r->done = true;
	r->err = err;
	if (!res)
		return;
	snprintf(r->success, sizeof(r->success), "%s",
		 vici_node_str(res, "success") ? vici_node_str(res, "success") : "");
	snprintf(r->errmsg, sizeof(r->errmsg), "%s",
		 vici_node_str(res, "errmsg") ? vici_node_str(res, "errmsg") : "");
	if (!want_key)
		return;
	n = vici_node_get(res, want_key);
	if (n && n->type == VICI_NODE_KV)
		snprintf(r->value, sizeof(r->value), "%s", n->value);
	if (n && n->type == VICI_NODE_LIST)
		for (n = n->child; n; n = n->next)
			snprintf(r->value + strlen(r->value), sizeof(r->value) - strlen(r->value),
				 "%s;", n->value);
}

static void on_item(void *ctx, const char *name, const struct vici_node *msg)
{
	((struct reply *)ctx)->items++;
}

static char conn_dump[1024];

static void dump_list(const struct vici_node *sec, const char *key)
{
	const struct vici_node *l = vici_node_get(sec, key), *i;
	size_t n = strlen(conn_dump);

	snprintf(conn_dump + n, sizeof(conn_dump) - n, "%s=", key);
	for (i = l ? l->child : NULL; i; i = i->next) {
		n = strlen(conn_dump);
		snprintf(conn_dump + n, sizeof(conn_dump) - n, "%s%s", i->value,
			 i->next ? "," : "");
	}
	n = strlen(conn_dump);
	snprintf(conn_dump + n, sizeof(conn_dump) - n, " ");
}

static void dump_kv(const struct vici_node *sec, const char *key)
{
	size_t n = strlen(conn_dump);

	snprintf(conn_dump + n, sizeof(conn_dump) - n, "%s=%s ", key,
		 vici_node_str(sec, key) ? vici_node_str(sec, key) : "-");
}

/* charon's own view of a loaded connection (a list-conn event). */
static void on_conn(void *ctx, const char *name, const struct vici_node *msg)
{
	const struct vici_node *conn = msg->child, *child;

	on_item(ctx, name, msg);
	if (!conn || conn->type != VICI_NODE_SECTION)
		return;
	dump_list(conn, "remote_addrs");
	dump_kv(conn, "version");
	dump_kv(conn, "unique");
	dump_kv(conn, "rekey_time");
	dump_kv(conn, "dpd_delay");
	dump_kv(conn, "dpd_timeout");
	dump_kv(vici_node_section(conn, "local-1"), "class");
	dump_kv(vici_node_section(conn, "remote-1"), "class");
	child = vici_node_section(vici_node_section(conn, "children"), "l2tp");
	dump_kv(child, "mode");
	dump_kv(child, "dpd_action");
	dump_list(child, "local-ts");
	dump_list(child, "remote-ts");
}

/* Send cmd with args, wait for the answer. */
static struct reply call(const char *cmd, struct vici_msg *args, const char *key)
{
	struct reply r = { 0 };

	want_key = key;
	assert_int_equal(vici_request(C, cmd, args, on_reply, &r), 0);
	assert_true(run_until(&r.done, 5000));
	return r;
}

/* --- fixtures ---------------------------------------------------------------------- */

static bool wait_up(int ms)
{
	up_flag = false;
	return run_until(&up_flag, ms) && vici_is_up(C);
}

static int group_setup(void **state)
{
	struct vici_config cfg = { .backoff_min_ms = 50, .backoff_max_ms = 400 };
	struct stat st;

	if (stat(CHARON, &st)) {
		skip_why = "no " CHARON;
		return 0;
	}
	if (geteuid() != 0) {
		skip_why = "not root: charon needs a private mount namespace";
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/l2sec-charon-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/charon.vici", dir);
	if (write_conf())
		return -1;
	cfg.path = sock;
	C = vici_new(&cfg, on_state, NULL);
	if (!C)
		return -1;
	/* Client first: charon is missing, the client keeps trying. */
	vici_subscribe(C, "ike-updown", NULL, NULL);
	vici_subscribe(C, "child-updown", NULL, NULL);
	vici_subscribe(C, "child-rekey", NULL, NULL);
	vici_subscribe(C, "ike-update", NULL, NULL);
	vici_start(C);
	start_charon();
	if (!wait_up(10000)) {
		int status;

		if (charon > 0 && waitpid(charon, &status, WNOHANG) == charon) {
			charon = -1;
			skip_why = WIFEXITED(status) && WEXITSTATUS(status) == 126 ?
				   "no mount/network namespace for charon" :
				   "charon exited at start (see its log)";
		} else {
			skip_why = "charon's vici socket did not come up within 10 s";
		}
	}
	return 0;
}

static int group_teardown(void **state)
{
	char path[160];

	vici_free(C);
	stop_charon();
	if (dir[0]) {
		snprintf(path, sizeof(path), "%s/charon.log", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/strongswan.conf", dir);
		unlink(path);
		unlink(sock);
		rmdir(dir);
	}
	return 0;
}

static int need_charon(void **state)
{
	if (skip_why) {
		fprintf(stderr, "skipped: %s\n", skip_why);
		skip();
	}
	return 0;
}

/* --- tests ------------------------------------------------------------------------- */

static void test_version_and_events(void **state)
{
	struct reply r;

	need_charon(state);
	/* found by retrying: charon started after the client */
	assert_true(vici_get_stats(C)->connect_fails >= 1);
	r = call("version", NULL, "daemon");
	assert_int_equal(r.err, 0);
	assert_string_equal(r.value, "charon");
	r = call("version", NULL, "version");
	assert_non_null(strstr(r.value, "5."));
	/* charon offers every event the daemon follows */
	assert_int_equal(vici_get_stats(C)->events_refused, 0);
	assert_int_equal(vici_get_stats(C)->proto_errors, 0);
}

static void test_load_conn_and_psk(void **state)
{
	struct vici_l2tp_conn conf = { .auth = VICI_CONN_PSK };
	struct vici_msg m;
	struct reply r;

	need_charon(state);
	vici_msg_init(&m, 0);
	assert_int_equal(vici_conn_build_load_psk(NULL, "s3cret", 6, &m), 0);
	r = call("load-shared", &m, NULL);
	assert_int_equal(r.err, 0);
	assert_string_equal(r.success, "yes");

	/* charon parses every key and proposal we send */
	vici_msg_reset(&m);
	assert_int_equal(vici_conn_build_load(&conf, &m), 0);
	r = call("load-conn", &m, NULL);
	assert_int_equal(r.err, 0);
	assert_string_equal(r.errmsg, "");
	assert_string_equal(r.success, "yes");
	r = call("get-conns", NULL, "conns");
	assert_string_equal(r.value, "l2sec;");
	vici_msg_reset(&m);
	vici_msg_kv_str(&m, "ike", "l2sec");
	memset(&r, 0, sizeof(r));
	want_key = NULL;
	conn_dump[0] = '\0';
	assert_int_equal(vici_request_stream(C, "list-conns", &m, "list-conn", on_conn,
					     on_reply, &r), 0);
	assert_true(run_until(&r.done, 5000));
	assert_int_equal(r.items, 1);
	/* dpd_action "clear" is charon's ACTION_NONE; 1701 is "l2f" in /etc/services */
	assert_string_equal(conn_dump,
		"remote_addrs=%any version=IKEv1 unique=UNIQUE_NEVER rekey_time=0 "
		"dpd_delay=30 dpd_timeout=150 class=pre-shared key class=pre-shared key "
		"mode=TRANSPORT dpd_action=none local-ts=dynamic[udp/l2f] "
		"remote-ts=dynamic[udp] ");

	/* and the opt-in weak variant, under another name */
	conf.name = "l2sec-weak";
	conf.allow_3des = true;
	conf.allow_weak_dh = VICI_CONN_WEAK_DH_ALL;
	conf.force_encap = true;
	conf.child_rekey_time = 3600;
	conf.reauth_time = 28800;
	vici_msg_reset(&m);
	assert_int_equal(vici_conn_build_load(&conf, &m), 0);
	r = call("load-conn", &m, NULL);
	assert_string_equal(r.success, "yes");
	r = call("get-conns", NULL, "conns");
	assert_string_equal(r.value, "l2sec;l2sec-weak;");

	vici_msg_reset(&m);
	assert_int_equal(vici_conn_build_unload("l2sec-weak", &m), 0);
	r = call("unload-conn", &m, NULL);
	assert_string_equal(r.success, "yes");
	r = call("get-conns", NULL, "conns");
	assert_string_equal(r.value, "l2sec;");

	vici_msg_reset(&m);
	assert_int_equal(vici_conn_build_unload_psk(NULL, &m), 0);
	r = call("unload-shared", &m, NULL);
	assert_string_equal(r.success, "yes");
	vici_msg_free(&m);
}

static void test_refusals(void **state)
{
	static const char *const bogus[] = { "aes256-nonsense-modp2048", NULL };
	struct vici_l2tp_conn conf = { .auth = VICI_CONN_PSK, .name = "bad",
				       .ike_proposals = bogus };
	struct vici_msg m;
	struct reply r;

	need_charon(state);
	vici_msg_init(&m, 0);
	assert_int_equal(vici_conn_build_load(&conf, &m), 0);
	r = call("load-conn", &m, NULL);
	assert_int_equal(r.err, 0);
	assert_string_equal(r.success, "no");
	assert_true(r.errmsg[0] != '\0');

	/* terminate takes our key names: it looks for the SA, finds none */
	vici_msg_reset(&m);
	assert_int_equal(vici_conn_build_terminate_ike(4242, &m), 0);
	r = call("terminate", &m, NULL);
	assert_string_equal(r.success, "no");
	assert_null(strstr(r.errmsg, "missing"));

	/* an unknown command is CMD_UNKNOWN, and the session goes on */
	r = call("no-such-command", NULL, NULL);
	assert_int_equal(r.err, -ENOTSUP);
	r = call("version", NULL, "daemon");
	assert_string_equal(r.value, "charon");
	vici_msg_free(&m);
}

static void test_list_sas(void **state)
{
	struct reply r = { 0 };
	struct vici_msg m;

	need_charon(state);
	vici_msg_init(&m, 0);
	assert_int_equal(vici_conn_build_list_sas(NULL, &m), 0);
	want_key = NULL;
	assert_int_equal(vici_request_stream(C, "list-sas", &m, "list-sa", on_item,
					     on_reply, &r), 0);
	assert_true(run_until(&r.done, 5000));
	assert_int_equal(r.err, 0);
	assert_int_equal(r.items, 0);	/* no client ever connected */
	vici_msg_free(&m);
	/* the stream's event is unregistered again: still in sync */
	r = call("version", NULL, "daemon");
	assert_string_equal(r.value, "charon");
}

static void test_charon_restart(void **state)
{
	uint64_t connects;
	struct reply r;

	need_charon(state);
	connects = vici_get_stats(C)->connects;
	down_flag = false;
	stop_charon();
	assert_true(run_until(&down_flag, 5000));
	assert_false(vici_is_up(C));
	start_charon();
	assert_true(wait_up(10000));
	assert_int_equal(vici_get_stats(C)->connects, connects + 1);
	r = call("version", NULL, "daemon");
	assert_string_equal(r.value, "charon");
	/* the subscriptions were registered again, all accepted */
	assert_int_equal(vici_get_stats(C)->events_refused, 0);
	/* a fresh charon has no connections: the daemon must load them on UP */
	r = call("get-conns", NULL, "conns");
	assert_string_equal(r.value, "");
}


/* --- the gateway layer (vici_gw.h) against the same charon ---------------------------- */

static bool gw_loaded, gw_synced;
static int gw_load_err, gw_sas;
static char gw_why[320];

static void gw_on_loaded(void *ctx, int err, const char *why)
{
	gw_loaded = true;
	gw_load_err = err;
	snprintf(gw_why, sizeof(gw_why), "%s", why ? why : "");
}

static void gw_on_sa(void *ctx, const struct vici_sa_event *ev)
{
	gw_sas++;
}

static void gw_on_synced(void *ctx, int err)
{
	gw_synced = true;
	assert_int_equal(err, 0);
}

static const struct vici_gw_ops gw_ops = {
	.loaded = gw_on_loaded, .sa = gw_on_sa, .synced = gw_on_synced,
};

static struct vici_gw *gw_start(void)
{
	struct vici_config cfg = { .path = sock, .backoff_min_ms = 50, .backoff_max_ms = 400 };
	struct vici_gw *gw = vici_gw_new(&cfg, &gw_ops, NULL);

	assert_non_null(gw);
	G = vici_gw_client(gw);
	gw_loaded = gw_synced = false;
	return gw;
}

static void gw_stop(struct vici_gw *gw)
{
	G = NULL;
	vici_gw_free(gw);
}

static const char *conns(void)
{
	static struct reply r;

	r = call("get-conns", NULL, "conns");
	return r.value;
}

static bool listed_done;
static int listed_err = 1;
static const struct vici_sa_event *listed_ev = (const void *)1;

static void on_listed(void *ctx, uint32_t ike_id, const struct vici_sa_event *ev, int err)
{
	(void)ctx;
	assert_int_equal(ike_id, 4242);
	listed_ev = ev;
	listed_err = err;
	listed_done = true;
}

static void test_gw_psk_and_rename(void **state)
{
	struct vici_l2tp_conn conf = { .auth = VICI_CONN_PSK, .name = "gw1" };
	struct vici_gw *gw;

	need_charon(state);
	gw = gw_start();
	/* configured before it connects: loaded on connect, then a resync */
	assert_int_equal(vici_gw_configure(gw, &conf, "k3y", 3, NULL), 0);
	vici_gw_start(gw);
	assert_true(run_until(&gw_loaded, 5000));
	assert_int_equal(gw_load_err, 0);
	assert_true(run_until(&gw_synced, 5000));
	assert_int_equal(gw_sas, 0);
	assert_non_null(strstr(conns(), "gw1;"));

	/* a reload under a new name replaces the old connection */
	gw_loaded = false;
	conf.name = "gw2";
	assert_int_equal(vici_gw_configure(gw, &conf, "k3y2", 4, NULL), 0);
	assert_true(run_until(&gw_loaded, 5000));
	assert_int_equal(gw_load_err, 0);
	assert_null(strstr(conns(), "gw1;"));
	assert_non_null(strstr(conns(), "gw2;"));

	/* charon's refusal comes back with its reason */
	{
		static const char *const bogus[] = { "nonsense", NULL };

		gw_loaded = false;
		conf.ike_proposals = bogus;
		assert_int_equal(vici_gw_configure(gw, &conf, "k3y2", 4, NULL), 0);
		assert_true(run_until(&gw_loaded, 5000));
		assert_int_equal(gw_load_err, -EINVAL);
		assert_non_null(strstr(gw_why, "load-conn: "));
		assert_int_equal(vici_gw_get_stats(gw)->load_failures, 1);
	}
	assert_int_equal(vici_gw_terminate(gw, 0), -EINVAL);
	/* an IKE_SA charon does not have: listed as gone */
	assert_int_equal(vici_gw_list_ike(gw, 0, on_listed, NULL), -EINVAL);
	assert_int_equal(vici_gw_list_ike(gw, 4242, on_listed, NULL), 0);
	assert_true(run_until(&listed_done, 5000));
	assert_int_equal(listed_err, 0);
	assert_null(listed_ev);
	gw_stop(gw);
}

/* Certificates: a throw-away EC key and self-signed certificate from openssl. */
static bool read_file(const char *name, char *buf, size_t size, size_t *len)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	*len = fread(buf, 1, size, f);
	fclose(f);
	unlink(path);
	return *len > 0 && *len < size;
}

static void test_gw_pubkey_and_charon_restart(void **state)
{
	static char key[4096], cert[4096];
	struct vici_l2tp_conn conf = { .auth = VICI_CONN_PUBKEY, .name = "gw3",
				       .local_id = "vpn.example.org" };
	struct vici_blob kb;
	struct vici_gw *gw;
	char cmd[512];
	size_t kl, cl;

	need_charon(state);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
		 "-nodes -keyout %s/key.pem -out %s/cert.pem -days 1 "
		 "-subj /CN=vpn.example.org -addext subjectAltName=DNS:vpn.example.org "
		 ">/dev/null 2>&1", dir, dir);
	if (system(cmd) != 0 || !read_file("key.pem", key, sizeof(key), &kl) ||
	    !read_file("cert.pem", cert, sizeof(cert), &cl)) {
		fprintf(stderr, "skipped: openssl could not make a test certificate\n");
		skip();
	}
	conf.cert = (struct vici_blob){ cert, cl };
	conf.cacert = (struct vici_blob){ cert, cl };
	kb = (struct vici_blob){ key, kl };

	gw = gw_start();
	assert_int_equal(vici_gw_configure(gw, &conf, NULL, 0, &kb), 0);
	vici_gw_start(gw);
	assert_true(run_until(&gw_loaded, 5000));
	assert_string_equal(gw_why, "");
	assert_int_equal(gw_load_err, 0);
	assert_true(run_until(&gw_synced, 5000));
	assert_non_null(strstr(conns(), "gw3;"));

	/* charon restarts: the gateway layer loads everything again by itself */
	gw_loaded = gw_synced = false;
	stop_charon();
	start_charon();
	assert_true(run_until(&gw_loaded, 10000));
	assert_int_equal(gw_load_err, 0);
	assert_true(run_until(&gw_synced, 5000));
	assert_true(wait_up(10000) || vici_is_up(C));
	assert_string_equal(conns(), "gw3;");
	assert_int_equal(vici_gw_get_stats(gw)->events_bad, 0);
	gw_stop(gw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_events),
		cmocka_unit_test(test_load_conn_and_psk),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_list_sas),
		cmocka_unit_test(test_charon_restart),
		cmocka_unit_test(test_gw_psk_and_rename),
		cmocka_unit_test(test_gw_pubkey_and_charon_restart),
	};

	return cmocka_run_group_tests_name("vici_charon", tests, group_setup, group_teardown);
}
