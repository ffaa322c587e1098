// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink library of l2secd and the tool (lib/gnl.h) against the
 * running kernel's own control family (nlctrl, always there): family and
 * group resolution, a missing family (what "module not loaded" rests on), a
 * request, a multi-part dump; and the parsing of error messages with
 * extended acks, of nlctrl's family messages and of message framing, built
 * here by the rules of netlink(7), including hostile ones.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "gnl.h"
#include "core/util.h"

static void test_resolve_nlctrl(void **state)
{
	struct gnl g;
	uint32_t id = 0;

	assert_int_equal(gnl_open(&g, "nlctrl"), 0);
	assert_int_equal(g.family_id, GENL_ID_CTRL);
	assert_true(g.family_version >= 1);
	assert_int_equal(gnl_group_id(&g, "notify", &id), 0);
	assert_true(id != 0);
	assert_int_equal(gnl_group_id(&g, "events", &id), -ENOENT);
	/* joining a group of the family works */
	assert_int_equal(gnl_subscribe(&g, "notify"), 0);
	assert_int_equal(gnl_subscribe(&g, "nonexistent"), -ENOENT);
	gnl_close(&g);
}

static void test_missing_family(void **state)
{
	struct gnl g;

	assert_int_equal(gnl_open(&g, "l2sec-no-such"), -ENOENT);
	gnl_close(&g);
	/* longer than GENL_NAMSIZ: no such family either */
	assert_int_equal(gnl_open(&g, "l2sec-a-very-long-family-name"), -ENOENT);
	gnl_close(&g);
	/* closing twice, or a zeroed struct, is safe */
	gnl_close(&g);
}

struct names {
	unsigned int n;
	bool saw_nlctrl;
	unsigned int resets;
};

static int name_cb(const struct nlmsghdr *nlh, void *data)
{
	struct names *n = data;
	const struct nlattr *a;

	n->n++;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    !strcmp(mnl_attr_get_str(a), "nlctrl"))
			n->saw_nlctrl = true;
	}
	return 0;
}

static void reset(void *data)
{
	struct names *n = data;

	n->n = 0;
	n->saw_nlctrl = false;
	n->resets++;
}

static void test_request_and_dump(void **state)
{
	struct names n = { 0 };
	struct nlmsghdr *nlh;
	struct gnl g;

	assert_int_equal(gnl_open(&g, "nlctrl"), 0);
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	assert_int_equal(gnl_request(&g, nlh, name_cb, &n), 0);
	assert_int_equal(n.n, 1);
	assert_true(n.saw_nlctrl);

	/* a request the kernel refuses comes back as its errno */
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "l2sec-no-such");
	assert_int_equal(gnl_request(&g, nlh, name_cb, &n), -ENOENT);

	memset(&n, 0, sizeof(n));
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, NLM_F_DUMP);
	assert_int_equal(gnl_dump(&g, nlh, name_cb, reset, &n), 0);
	assert_true(n.n >= 1);
	assert_true(n.saw_nlctrl);
	assert_int_equal(n.resets, 0);

	/* the socket stays usable after all of it */
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	assert_int_equal(gnl_request(&g, nlh, NULL, NULL), 0);
	gnl_close(&g);
}

/* A callback's error stops the exchange and is what the caller gets. */
static int failing_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned int *)data)++;
	return -E2BIG;
}

static void test_callback_error(void **state)
{
	struct nlmsghdr *nlh;
	unsigned int calls = 0;
	struct gnl g;

	assert_int_equal(gnl_open(&g, "nlctrl"), 0);
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, NLM_F_DUMP);
	assert_int_equal(gnl_dump(&g, nlh, failing_cb, NULL, &calls), -E2BIG);
	assert_int_equal(calls, 1);
	/* the rest of the dump was drained: the next request gets its own answer */
	nlh = gnl_msg(&g, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	assert_int_equal(gnl_request(&g, nlh, NULL, NULL), 0);
	gnl_close(&g);
}

static char buf[4096] __attribute__((aligned(8)));

/* An error for a 24-byte request, capped or not, with TLVs. */
static struct nlmsghdr *error_msg(int error, bool capped)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	size_t orig = 24;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + (capped ? 0 : orig - sizeof(struct nlmsghdr)));
	e->error = error;
	e->msg.nlmsg_len = (uint32_t)orig;
	return nlh;
}

static void test_parse_error(void **state)
{
	struct nlmsghdr *nlh;
	char msg[64];

	nlh = error_msg(-ENOENT, true);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "no such tunnel");
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "no such tunnel");

	/* uncapped: the TLVs follow the whole original request */
	nlh = error_msg(-EINVAL, false);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "unknown attribute");
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "unknown attribute");

	/* an ack */
	nlh = error_msg(0, true);
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");

	/* a positive error is still an error */
	nlh = error_msg(EPERM, true);
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EPERM);
}

/*
 * An error no kernel sends: INT_MIN, whose negation is undefined, and
 * values beyond MAX_ERRNO come back as -EPROTO, which callers can negate
 * (strerror(-err) under UBSan).
 */
static void test_parse_error_out_of_range(void **state)
{
	static const int bad[] = { INT_MIN, INT_MIN + 1, -4096, 4096, INT_MAX };
	struct nlmsghdr *nlh;
	char msg[64];
	int err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nlh = error_msg(bad[i], true);
		err = gnl_parse_error(nlh, msg, sizeof(msg));
		assert_int_equal(err, -EPROTO);
		assert_non_null(strerror(-err));
		assert_int_equal(reply_errno(bad[i]), EPROTO);
	}
	assert_int_equal(reply_errno(-4095), 4095);
	assert_int_equal(reply_errno(-EPERM), EPERM);
	assert_int_equal(reply_errno(EPERM), EPERM);
	assert_int_equal(reply_errno(0), 0);
}

static void test_parse_error_hostile(void **state)
{
	struct nlmsghdr *nlh;
	char small[8];
	char msg[64];

	/* terminal escapes and bytes above 0x7e never reach the terminal */
	nlh = error_msg(-EINVAL, true);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "a\x1b[31mb\xff");
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "a?[31mb?");

	/* a long message is cut to the buffer */
	nlh = error_msg(-EINVAL, true);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "0123456789abcdef");
	gnl_parse_error(nlh, small, sizeof(small));
	assert_string_equal(small, "0123456");

	/* not NUL-terminated: no message, no overread */
	nlh = error_msg(-EINVAL, true);
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "");

	/* an original length beyond the message: the TLVs are not looked for */
	nlh = error_msg(-EINVAL, false);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "x");
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "");

	/* an original length below a header */
	nlh = error_msg(-EINVAL, false);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EINVAL);

	/* too short to hold struct nlmsgerr */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 4);
	assert_int_equal(gnl_parse_error(nlh, msg, sizeof(msg)), -EBADMSG);
}

/* A second look at a family on an open socket: what kern_family_present asks. */
static void test_family_get(void **state)
{
	struct gnl_family f;
	struct gnl g;

	assert_int_equal(gnl_open(&g, "nlctrl"), 0);
	assert_int_equal(gnl_family_get(&g, "nlctrl", &f), 0);
	assert_int_equal(f.id, GENL_ID_CTRL);
	assert_int_equal(f.id, g.family_id);
	assert_int_equal(gnl_family_get(&g, "l2sec-no-such", &f), -ENOENT);
	assert_int_equal(f.id, 0);
	assert_int_equal(gnl_family_get(&g, "l2sec-a-very-long-family-name", &f), -ENOENT);
	/* the socket still answers after the errors */
	assert_int_equal(gnl_family_get(&g, "nlctrl", &f), 0);
	gnl_close(&g);
}

static struct nlmsghdr *family_msg(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	return nlh;
}

static void put_group(struct nlmsghdr *nlh, uint16_t i, const char *name, uint32_t id)
{
	struct nlattr *grp = mnl_attr_nest_start(nlh, i);

	if (name)
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, name);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, id);
	mnl_attr_nest_end(nlh, grp);
}

/* nlctrl's family messages (a GETFAMILY reply, a DELFAMILY notification). */
static void test_parse_family(void **state)
{
	struct gnl_family f;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t id;

	nlh = family_msg(CTRL_CMD_DELFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "l2sec");
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 3);
	nest = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (uint16_t i = 1; i <= GNL_MAX_GROUPS + 2; i++)
		put_group(nlh, i, i == 1 ? "events" : "other\x1b", 100u + i);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(gnl_parse_family(nlh, &f), 0);
	assert_int_equal(f.id, 0x1234);
	assert_int_equal(f.version, 3);
	/* groups beyond what is kept are left out, names made printable */
	assert_int_equal(f.n_groups, GNL_MAX_GROUPS);
	assert_string_equal(f.groups[0].name, "events");
	assert_int_equal(f.groups[0].id, 101);
	assert_string_equal(f.groups[1].name, "other?");

	/* no family id */
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "l2sec");
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);

	/* an id of the wrong size */
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);

	/* a group without its name, or with an id of the wrong size */
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	nest = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	put_group(nlh, 1, NULL, 7);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	nest = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	{
		struct nlattr *grp = mnl_attr_nest_start(nlh, 1);

		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
		mnl_attr_put_u16(nlh, CTRL_ATTR_MCAST_GRP_ID, 7);
		mnl_attr_nest_end(nlh, grp);
	}
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);

	/* shorter than a generic netlink header; a length not aligned */
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);
	nlh = family_msg(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1234);
	nlh->nlmsg_len -= 2;
	assert_int_equal(gnl_parse_family(nlh, &f), -EBADMSG);

	/* the group lookup of an open family */
	{
		struct gnl g = { .n_groups = 1, .groups = { { "events", 9 } } };

		assert_int_equal(gnl_group_id(&g, "events", &id), 0);
		assert_int_equal(id, 9);
		assert_int_equal(gnl_group_id(&g, "event", &id), -ENOENT);
	}
}

/*
 * Framing: a message must lie inside what was received. libmnl's
 * mnl_nlmsg_ok() compares (int)nlmsg_len, so a length of 2^31 or more passed
 * it as negative and sent the reader past the datagram.
 */
static void test_msg_ok(void **state)
{
	struct nlmsghdr *nlh = family_msg(CTRL_CMD_NEWFAMILY);
	int len = (int)nlh->nlmsg_len;

	assert_true(gnl_msg_ok(nlh, len));
	assert_true(gnl_msg_ok(nlh, len + 64));
	assert_false(gnl_msg_ok(nlh, len - 1));
	assert_false(gnl_msg_ok(nlh, (int)sizeof(*nlh) - 1));
	assert_false(gnl_msg_ok(nlh, -1));
	nlh->nlmsg_len = sizeof(*nlh) - 1;
	assert_false(gnl_msg_ok(nlh, len));
	nlh->nlmsg_len = 0x80000000u;
	assert_false(gnl_msg_ok(nlh, len));
	nlh->nlmsg_len = 0xffffffffu;
	assert_false(gnl_msg_ok(nlh, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_nlctrl),
		cmocka_unit_test(test_missing_family),
		cmocka_unit_test(test_request_and_dump),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_parse_error),
		cmocka_unit_test(test_parse_error_out_of_range),
		cmocka_unit_test(test_parse_error_hostile),
		cmocka_unit_test(test_family_get),
		cmocka_unit_test(test_parse_family),
		cmocka_unit_test(test_msg_ok),
	};

	return cmocka_run_group_tests_name("tool_gnl", tests, NULL, NULL);
}
