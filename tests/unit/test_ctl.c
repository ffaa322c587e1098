// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's answers (ctl.h): what `show tunnels`, `show sessions`
 * and `show stats` report for an LNS with one tunnel and one session, set up
 * by the scripted LAC of l2tp_fake.h; and the answer to a bad request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl.h"
#include "l2tp_fake.h"
#include "log.h"

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_show(void **state)
{
	struct fake *f;
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	struct json_object *res, *arr, *t;
	uint16_t lns_sid;

	(void)state;
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	lac_init(&l, f, 0xc0000202, 1701, 0x10, 0x4321);
	lac_sccrq(&l, NULL, 0, 0x0100);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_SCCRP);
	l.lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	lac_scccn(&l, NULL);
	lac_icrq(&l, 0x99);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_ICRP);
	lns_sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(&l, lns_sid);
	fake_advance(f, 1500);

	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "show tunnels");
	arr = get(res, "tunnels");
	assert_int_equal(json_object_array_length(arr), 1);
	t = json_object_array_get_idx(arr, 0);
	assert_int_equal(json_object_get_int(get(t, "tunnel_id")), l.lns_tid);
	assert_int_equal(json_object_get_int(get(t, "peer_tunnel_id")), 0x4321);
	assert_string_equal(json_object_get_string(get(t, "state")), "established");
	assert_string_equal(json_object_get_string(get(t, "peer")), "192.0.2.2");
	assert_int_equal(json_object_get_int(get(t, "peer_port")), 1701);
	assert_string_equal(json_object_get_string(get(t, "peer_host")), "lac");
	assert_int_equal(json_object_get_int(get(t, "mark")), 0x10);
	assert_int_equal(json_object_get_int(get(t, "sessions")), 1);
	assert_int_equal(json_object_get_int64(get(t, "uptime_ms")), 1500);
	assert_true(json_object_get_boolean(get(t, "in_kernel")));
	json_object_put(res);

	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "show sessions");
	arr = get(res, "sessions");
	assert_int_equal(json_object_array_length(arr), 1);
	t = json_object_array_get_idx(arr, 0);
	assert_int_equal(json_object_get_int(get(t, "session_id")), lns_sid);
	assert_int_equal(json_object_get_int(get(t, "peer_session_id")), 0x99);
	assert_int_equal(json_object_get_int(get(t, "call_serial")), 42);
	assert_string_equal(json_object_get_string(get(t, "state")), "established");
	json_object_put(res);

	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "show stats");
	assert_int_equal(json_object_get_int(get(res, "tunnels")), 1);
	assert_int_equal(json_object_get_int(get(res, "sessions")), 1);
	assert_int_equal(json_object_get_int(get(get(res, "stats"), "tunnels_established")), 1);
	json_object_put(res);

	res = ctl_handle(&(struct ctl_src){ .lns = f->lns }, "drop table tunnels");
	assert_string_equal(json_object_get_string(get(res, "error")), "unknown request");
	json_object_put(res);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show),
	};

	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
