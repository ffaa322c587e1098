// SPDX-License-Identifier: GPL-2.0
/*
 * The privsep engine's copy of the parent's SA table (ipsec.h, ipsec_new_copy):
 * what rxcheck asks of it (an SA's mark and peer), the tunnel's binding (reqid),
 * and what the control socket prints of it ("sa" of a tunnel; "ipsec" and "ike"
 * of `show stats`, from the parent's report), the same keys and values as one
 * l2secd prints from its own table.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/log.h"
#include "ipsec/ipsec.h"
#include "l2tp/l2tp_tunnel.h"

static struct ipsec_sa_desc sa(uint32_t mark, const char *addr, uint16_t port)
{
	struct ipsec_sa_desc d = {
		.mark = mark, .reqid = 40 + mark, .ike_id = 3, .child_id = 9,
		.spi_in = 0xc0000001, .spi_out = 0x0c000002, .encap = true,
	};

	d.remote.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &d.remote.a.v4), 1);
	d.remote.port = port;
	strcpy(d.remote_id, "192.168.1.11");
	return d;
}

static union sa46 src(const char *addr)
{
	union sa46 ss = { .sa.sa_family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr), 1);
	return ss;
}

static int reports;

static int report(void *ctx, struct ipsec_report *out)
{
	(void)ctx;
	reports++;
	memset(out, 0, sizeof(*out));
	out->charon_up = true;
	strcpy(out->vici, "/run/charon.vici");
	out->sa_count = 2;
	for (unsigned int i = 0; i < IPSEC_REPORT_N; i++)
		out->n[i] = 100 + i;
	return 0;
}

static void test_copy(void **state)
{
	struct ipsec *ip = ipsec_new_copy(NULL, NULL, report, NULL);
	struct ipsec_sa_desc a = sa(7, "203.0.113.1", 4500), b = sa(8, "203.0.113.1", 4501);
	union sa46 nat = src("203.0.113.1"), other = src("203.0.113.9");
	struct l2tp_tunnel t = { 0 };
	struct json_object *o, *j;

	(void)state;
	assert_non_null(ip);
	assert_false(ipsec_mark_is_child_sa(ip, 7, &nat));
	assert_int_equal(ipsec_copy_put(ip, &a), 0);
	assert_int_equal(ipsec_copy_put(ip, &b), 0);
	assert_true(ipsec_mark_is_child_sa(ip, 7, &nat));
	assert_false(ipsec_mark_is_child_sa(ip, 7, &other));
	assert_false(ipsec_mark_is_child_sa(ip, 9, &nat));
	assert_int_equal(ipsec_mark_reqid(ip, 8), 48);
	/* a NAT move, as the parent sends it: the same mark, refreshed */
	b.remote.port = 40000;
	b.spi_in = 0xc0000003;
	assert_int_equal(ipsec_copy_put(ip, &b), 0);
	t.peer.mark = 8;
	o = json_object_new_object();
	ipsec_describe_tunnel(ip, &t, o);
	assert_string_equal(json_object_to_json_string_ext(json_object_object_get(o, "sa"),
							   JSON_C_TO_STRING_PLAIN),
			    "{\"mark\":8,\"ike_id\":3,\"child_id\":9,\"reqid\":48,"
			    "\"spi_in\":\"c0000003\",\"spi_out\":\"0c000002\",\"encap\":true,"
			    "\"remote\":\"203.0.113.1:40000\",\"remote_id\":\"192.168.1.11\"}");
	json_object_put(o);
	/* show stats: the parent's report, under the one-process names */
	o = json_object_new_object();
	ipsec_describe(ip, o);
	assert_int_equal(reports, 1);
	j = json_object_object_get(o, "ipsec");
	assert_string_equal(json_object_get_string(json_object_object_get(j, "charon")), "up");
	assert_int_equal(json_object_get_int(json_object_object_get(j, "sa_count")), 2);
	assert_int_equal(json_object_get_int(json_object_object_get(j, "sa_up")), 100);
	assert_int_equal(json_object_get_int(json_object_object_get(j, "stale_policies")), 111);
	j = json_object_object_get(o, "ike");
	assert_int_equal(json_object_get_int(json_object_object_get(j, "refused")), 112);
	assert_int_equal(json_object_get_int(json_object_object_get(j, "log_events_bad")), 117);
	json_object_put(o);
	/* gone: no longer taken; the other stays */
	ipsec_copy_gone(ip, 7, "IPsec SA deleted");
	assert_false(ipsec_mark_is_child_sa(ip, 7, &nat));
	assert_true(ipsec_mark_is_child_sa(ip, 8, &nat));
	ipsec_copy_drop(ip, 8);
	assert_false(ipsec_mark_is_child_sa(ip, 8, &nat));
	ipsec_copy_gone(ip, 8, "again");	/* unknown by now: nothing to do */
	ipsec_free(ip);
}

/* Events were lost: a new listing keeps what it lists and names the rest. */
static void test_relist(void **state)
{
	struct ipsec *ip = ipsec_new_copy(NULL, NULL, report, NULL);
	struct ipsec_sa_desc a = sa(7, "203.0.113.1", 4500), b = sa(8, "203.0.113.1", 4501),
		c = sa(9, "203.0.113.5", 4500);
	union sa46 nat = src("203.0.113.1");
	unsigned int n;
	uint32_t *gone;

	(void)state;
	assert_int_equal(ipsec_copy_put(ip, &a), 0);
	assert_int_equal(ipsec_copy_put(ip, &b), 0);
	ipsec_copy_relist(ip);
	assert_int_equal(ipsec_copy_put(ip, &b), 0);	/* listed again */
	assert_int_equal(ipsec_copy_put(ip, &c), 0);	/* new */
	gone = ipsec_copy_unlisted(ip, &n);
	assert_non_null(gone);
	assert_int_equal(n, 1);
	assert_int_equal(gone[0], 7);
	ipsec_copy_gone(ip, gone[0], "gone");
	free(gone);
	assert_false(ipsec_mark_is_child_sa(ip, 7, &nat));
	assert_true(ipsec_mark_is_child_sa(ip, 8, &nat));
	gone = ipsec_copy_unlisted(ip, &n);
	assert_int_equal(n, 0);
	free(gone);
	ipsec_free(ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_relist),
	};

	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
