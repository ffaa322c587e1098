// SPDX-License-Identifier: GPL-2.0
/*
 * Refused IKE proposals from charon's "log" events (vici_log.h): charon's
 * own lines of an IKEv1 responder (strongSwan 5.9.8 main_mode.c and
 * proposal.c) with the proposal lists real clients send, the hint naming
 * NegotiateDH2048_AES256 and allow-modp1024, one line per peer, the overall
 * limit, bounded tables, and hostile log text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "core/log.h"
#include "ipsec/vici_log.h"

/* Windows 10/11 without the registry value (strongSwan's docs of Windows clients) */
static const char win_default[] =
	"IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024, "
	"IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024, "
	"IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024";
/* offered, but refused for another reason (say, only 3DES allowed nowhere) */
static const char strong_offer[] =
	"IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048";

static char captured[8192];
static int saved_fd = -1;
static FILE *cap;

static void capture_start(void)
{
	fflush(stderr);
	cap = tmpfile();
	assert_non_null(cap);
	saved_fd = dup(2);
	assert_true(dup2(fileno(cap), 2) >= 0);
}

/* What was logged since capture_start, and the number of lines. */
static int capture_end(void)
{
	size_t n;
	int lines = 0;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	rewind(cap);
	n = fread(captured, 1, sizeof(captured) - 1, cap);
	captured[n] = '\0';
	fclose(cap);
	for (size_t i = 0; i < n; i++)
		lines += captured[i] == '\n';
	return lines;
}

/* One log event as charon's vici_logger.c builds it. */
static void event(struct vici_log *vl, const char *id, const char *text, uint64_t now)
{
	struct vici_msg m;
	struct vici_tree *t;

	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "group", "IKE");
	vici_msg_kv_str(&m, "level", "1");
	vici_msg_kv_str(&m, "thread", "7");
	if (id) {
		vici_msg_kv_str(&m, "ikesa-name", "(unnamed)");
		vici_msg_kv_str(&m, "ikesa-uniqueid", id);
	}
	vici_msg_kv_str(&m, "msg", text);
	assert_int_equal(vici_msg_finish(&m), 0);
	assert_int_equal(vici_tree_parse(m.buf, m.len, &t, NULL), 0);
	vici_log_event(vl, vici_tree_root(t), now);
	vici_tree_free(t);
	vici_msg_free(&m);
}

/* A main mode from addr, its offer, and charon's refusal. */
static void refuse(struct vici_log *vl, unsigned int id, const char *addr, const char *offer,
		   uint64_t now)
{
	char ids[16], line[600];

	snprintf(ids, sizeof(ids), "%u", id);
	snprintf(line, sizeof(line), "%s is initiating a Main Mode IKE_SA", addr);
	event(vl, ids, line, now);
	snprintf(line, sizeof(line), "received proposals: %s", offer);
	event(vl, ids, line, now);
	event(vl, ids, "configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/"
	      "PRF_HMAC_SHA2_256/MODP_2048", now);
	event(vl, ids, "no proposal found", now);
}

/* Windows' default offer from addr at 1000 ms: one line, the hint. */
static void refuse_hinted(struct vici_log *vl, unsigned int id, const char *addr)
{
	capture_start();
	refuse(vl, id, addr, win_default, 1000);
	assert_int_equal(capture_end(), 1);
	assert_non_null(strstr(captured, addr));
	assert_non_null(strstr(captured, "NegotiateDH2048_AES256"));
	assert_non_null(strstr(captured, "allow-modp1024 = yes"));
}

static void test_windows_default_hint(void **state)
{
	struct vici_log *vl = vici_log_new();

	(void)state;
	assert_non_null(vl);
	refuse_hinted(vl, 3, "198.51.100.7");
	/* with allow-modp1024 = no, it says that Android needs "android" */
	assert_non_null(strstr(captured, "allow-modp1024 = android"));
	assert_int_equal(vici_log_get_stats(vl)->refused, 1);
	assert_int_equal(vici_log_get_stats(vl)->refused_weak_dh, 1);

	/* android (the default): Windows is still refused and told the same */
	vici_log_set_allow_weak_dh(vl, VICI_CONN_WEAK_DH_ANDROID);
	refuse_hinted(vl, 30, "198.51.100.8");
	assert_null(strstr(captured, "allow-modp1024 = android"));
	assert_int_equal(vici_log_get_stats(vl)->refused_weak_dh, 2);
	vici_log_set_allow_weak_dh(vl, VICI_CONN_WEAK_DH_NONE);

	/* the same peer again soon: counted, not logged */
	capture_start();
	refuse(vl, 4, "198.51.100.7", win_default, 61000);
	assert_int_equal(capture_end(), 0);
	assert_int_equal(vici_log_get_stats(vl)->refused, 3);
	assert_int_equal(vici_log_get_stats(vl)->suppressed, 1);
	/* after the interval: once more */
	capture_start();
	refuse(vl, 5, "198.51.100.7", win_default, 1000 + VICI_LOG_PEER_INTERVAL_MS);
	assert_int_equal(capture_end(), 1);
	vici_log_free(vl);
}

/* An ike-updown event as charon's vici_query.c raises it (the keys read). */
static void ike_up(struct vici_log *vl, const char *up, const char *addr, const char *group,
		   uint64_t now)
{
	struct vici_msg m;
	struct vici_tree *t;

	vici_msg_init(&m, 0);
	vici_msg_kv_str(&m, "up", up);
	vici_msg_section_start(&m, "l2sec");
	vici_msg_kv_str(&m, "uniqueid", "5");
	vici_msg_kv_str(&m, "version", "1");
	vici_msg_kv_str(&m, "state", "ESTABLISHED");
	vici_msg_kv_str(&m, "remote-host", addr);
	vici_msg_kv_str(&m, "remote-port", "4500");
	vici_msg_kv_str(&m, "encr-alg", "AES_CBC");
	vici_msg_kv_str(&m, "encr-keysize", "256");
	vici_msg_kv_str(&m, "integ-alg", "HMAC_SHA2_256_128");
	vici_msg_kv_str(&m, "prf-alg", "PRF_HMAC_SHA2_256");
	if (group)
		vici_msg_kv_str(&m, "dh-group", group);
	vici_msg_section_end(&m);
	assert_int_equal(vici_msg_finish(&m), 0);
	assert_int_equal(vici_tree_parse(m.buf, m.len, &t, NULL), 0);
	vici_log_ike_updown(vl, vici_tree_root(t), now);
	vici_tree_free(t);
	vici_msg_free(&m);
}

static int64_t ike_counter(const struct vici_log *vl, const char *key)
{
	struct json_object *o = json_object_new_object(), *ike, *v;
	int64_t n;

	vici_log_describe(vici_log_get_stats(vl), o);
	assert_true(json_object_object_get_ex(o, "ike", &ike));
	assert_true(json_object_object_get_ex(ike, key, &v));
	n = json_object_get_int64(v);
	json_object_put(o);
	return n;
}

/*
 * An IKE_SA up with modp1024 (Android, allowed by default): counted, and a
 * notice names the peer and the group, once per peer per interval.
 */
static void test_weak_dh_up(void **state)
{
	struct vici_log *vl = vici_log_new();

	(void)state;
	vici_log_set_allow_weak_dh(vl, VICI_CONN_WEAK_DH_ANDROID);
	capture_start();
	ike_up(vl, "yes", "198.51.100.20", "MODP_1024", 1000);
	assert_int_equal(capture_end(), 1);
	assert_non_null(strstr(captured, "198.51.100.20"));
	assert_non_null(strstr(captured, "MODP_1024"));
	assert_non_null(strstr(captured, "allow-modp1024 = android"));
	assert_int_equal(vici_log_get_stats(vl)->weak_dh_up, 1);

	/* again soon: counted, not logged; another peer: logged */
	capture_start();
	ike_up(vl, "yes", "198.51.100.20", "MODP_1024", 5000);
	ike_up(vl, "yes", "2001:db8::20", "MODP_1536", 5000);
	assert_int_equal(capture_end(), 1);
	assert_non_null(strstr(captured, "2001:db8::20"));
	assert_non_null(strstr(captured, "MODP_1536"));
	assert_int_equal(vici_log_get_stats(vl)->weak_dh_up, 3);
	assert_int_equal(vici_log_get_stats(vl)->suppressed, 1);

	/* a refusal's hint for the same peer does not hide its notice, nor the reverse */
	capture_start();
	refuse(vl, 40, "198.51.100.21", win_default, 6000);
	ike_up(vl, "yes", "198.51.100.21", "MODP_1024", 6000);
	assert_int_equal(capture_end(), 2);

	/* strong groups, an IKE_SA going down, no group: nothing */
	capture_start();
	ike_up(vl, "yes", "198.51.100.22", "MODP_2048", 7000);
	ike_up(vl, "yes", "198.51.100.23", "CURVE_25519", 7000);
	ike_up(vl, "no", "198.51.100.24", "MODP_1024", 7000);
	ike_up(vl, "yes", "198.51.100.25", NULL, 7000);
	/* hostile: a group that only starts like one, an address that is not one */
	ike_up(vl, "yes", "198.51.100.26", "MODP_1024\nfake", 7000);
	ike_up(vl, "yes", "198.51.100.27 evil", "MODP_1024", 7000);
	assert_int_equal(capture_end(), 0);
	assert_int_equal(vici_log_get_stats(vl)->weak_dh_up, 5);
	assert_int_equal(vici_log_get_stats(vl)->bad, 1);

	/* the counters as l2sec daemon show and the prometheus output get them */
	assert_int_equal(ike_counter(vl, "weak_dh_up"), 5);
	assert_int_equal(ike_counter(vl, "refused"), 1);
	assert_int_equal(ike_counter(vl, "refused_weak_dh"), 1);
	assert_int_equal(ike_counter(vl, "log_lines"), 4);
	assert_int_equal(ike_counter(vl, "log_lines_suppressed"), 1);
	assert_int_equal(ike_counter(vl, "log_events_bad"), 1);
	vici_log_free(vl);
}

/* Refused with a strong group, or with allow-modp1024 set: what it offered. */
static void test_other_refusals(void **state)
{
	struct vici_log *vl = vici_log_new();

	(void)state;
	capture_start();
	refuse(vl, 9, "2001:db8::5", strong_offer, 1000);
	assert_int_equal(capture_end(), 1);
	assert_null(strstr(captured, "NegotiateDH2048_AES256"));
	assert_non_null(strstr(captured, "2001:db8::5"));
	assert_non_null(strstr(captured, "3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048"));

	vici_log_set_allow_weak_dh(vl, VICI_CONN_WEAK_DH_ALL);
	capture_start();
	refuse(vl, 10, "203.0.113.9", win_default, 1000);
	assert_int_equal(capture_end(), 1);
	assert_null(strstr(captured, "NegotiateDH2048_AES256"));
	assert_non_null(strstr(captured, "MODP_1024"));

	/* an IKE_SA that got through is never reported */
	capture_start();
	event(vl, "11", "203.0.113.10 is initiating a Main Mode IKE_SA", 1000);
	event(vl, "11", "selected proposal: IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/"
	      "MODP_2048", 1000);
	event(vl, "11", "IKE_SA l2sec[11] established between 192.0.2.1[gw]...203.0.113.10[c]",
	      1000);
	assert_int_equal(capture_end(), 0);
	assert_int_equal(vici_log_get_stats(vl)->refused, 2);
	vici_log_free(vl);
}

/* Many peers at once: at most VICI_LOG_BURST lines, then one per refill. */
static void test_overall_limit(void **state)
{
	struct vici_log *vl = vici_log_new();
	char addr[32];

	(void)state;
	capture_start();
	for (unsigned int i = 0; i < 50; i++) {
		snprintf(addr, sizeof(addr), "10.0.%u.%u", i / 200, i % 200 + 1);
		refuse(vl, i + 1, addr, win_default, 5000);
	}
	assert_int_equal(capture_end(), VICI_LOG_BURST);
	assert_int_equal(vici_log_get_stats(vl)->suppressed, 50 - VICI_LOG_BURST);
	capture_start();
	refuse(vl, 100, "10.9.9.9", win_default, 5000 + VICI_LOG_REFILL_MS);
	assert_int_equal(capture_end(), 1);
	vici_log_free(vl);
}

/* A flood of half-open IKE_SAs: the table keeps the newest, bounded. */
static void test_bounded_tables(void **state)
{
	struct vici_log *vl = vici_log_new();
	char ids[16];

	(void)state;
	capture_start();
	event(vl, "1", "192.0.2.50 is initiating a Main Mode IKE_SA", 10);
	for (unsigned int i = 2; i < 2 + 4 * VICI_LOG_PENDING; i++) {
		snprintf(ids, sizeof(ids), "%u", i);
		event(vl, ids, "192.0.2.51 is initiating a Main Mode IKE_SA", 10 + i);
	}
	/* the first was dropped: its refusal is not followed */
	event(vl, "1", "received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
	      9000);
	event(vl, "1", "no proposal found", 9000);
	assert_int_equal(capture_end(), 0);
	assert_int_equal(vici_log_get_stats(vl)->refused, 0);
	/* the last one is */
	snprintf(ids, sizeof(ids), "%u", 1 + 4 * VICI_LOG_PENDING);
	capture_start();
	event(vl, ids, "no proposal found", 9000);
	assert_int_equal(capture_end(), 1);
	vici_log_free(vl);
}

/* charon's text is data: nothing but an address is taken as one. */
static void test_hostile_text(void **state)
{
	struct vici_log *vl = vici_log_new();

	(void)state;
	capture_start();
	event(vl, "5", "evil\nwarning: forged is initiating a Main Mode IKE_SA", 1);
	event(vl, "5", "no proposal found", 1);
	event(vl, "x5", "192.0.2.1 is initiating a Main Mode IKE_SA", 1);
	event(vl, "0", "192.0.2.1 is initiating a Main Mode IKE_SA", 1);
	event(vl, "99999999999", "192.0.2.1 is initiating a Main Mode IKE_SA", 1);
	event(vl, NULL, "no proposal found", 1);
	event(vl, "6", "192.0.2.6 is initiating a Main Mode IKE_SA", 1);
	event(vl, "6", "received proposals: IKE:AES\x1b[31m/\nwarning: forged/MODP_2048", 1);
	event(vl, "6", "no proposal found", 1);
	assert_int_equal(capture_end(), 1);
	assert_non_null(strstr(captured, "192.0.2.6"));
	assert_null(strstr(captured, "\x1b"));
	assert_null(strstr(captured, "forged is"));
	assert_int_equal(vici_log_get_stats(vl)->bad, 4);
	assert_int_equal(vici_log_get_stats(vl)->refused, 1);
	vici_log_free(vl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_default_hint),
		cmocka_unit_test(test_other_refusals),
		cmocka_unit_test(test_weak_dh_up),
		cmocka_unit_test(test_overall_limit),
		cmocka_unit_test(test_bounded_tables),
		cmocka_unit_test(test_hostile_text),
	};

	log_setup(LOG_TARGET_STDERR, LOG_NOTICE, "test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
