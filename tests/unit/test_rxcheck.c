// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd's own IPsec check of received L2TP datagrams (daemon/l2tp/rxcheck.h) and
 * the kernel SA marks it uses when charon is not l2secd's (xfrm_marks.h):
 * hostile and missing control messages, datagrams from the gateway itself
 * (loopback device, loopback source, our own address as source), marks of no
 * SA or of another peer's SA, the module gone, require-ipsec off; and the
 * same through a real socket over loopback, as the kernel fills the cmsgs.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/xfrm.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "l2tp/rxcheck.h"
#include "ipsec/xfrm_marks.h"

#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif

#define LO_IFINDEX	1
#define WAN_IFINDEX	2
#define SA_MARK		7
#define SA_PEER		"198.51.100.5"
#define GW_ADDR		"203.0.113.2"

static unsigned int sa_calls;

/* One SA: mark 7 with peer 198.51.100.5 (as charon's table or the kernel would say). */
static bool fake_sa(void *ctx, uint32_t mark, const union sa46 *src)
{
	struct in_addr peer;

	(void)ctx;
	sa_calls++;
	inet_pton(AF_INET, SA_PEER, &peer);
	return mark == SA_MARK && src->sa.sa_family == AF_INET &&
	       src->sin.sin_addr.s_addr == peer.s_addr;
}

/* A control buffer built by hand, as hostile as a test wants it. */
struct cbuf {
	union {
		char buf[512];
		struct cmsghdr align;
	} u;
	size_t len;
};

static void add_cmsg(struct cbuf *c, int level, int type, const void *data, size_t len,
		     size_t claimed)
{
	struct cmsghdr *cm = (struct cmsghdr *)(c->u.buf + c->len);

	memset(cm, 0, CMSG_SPACE(len));
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = claimed;
	memcpy(CMSG_DATA(cm), data, len);
	c->len += CMSG_SPACE(len);
}

static void add_mark(struct cbuf *c, uint32_t mark)
{
	add_cmsg(c, SOL_SOCKET, SO_MARK, &mark, sizeof(mark), CMSG_LEN(sizeof(mark)));
}

static void add_pktinfo(struct cbuf *c, int ifindex, const char *dst)
{
	struct in_pktinfo pi = { .ipi_ifindex = ifindex };

	inet_pton(AF_INET, dst, &pi.ipi_addr);
	inet_pton(AF_INET, dst, &pi.ipi_spec_dst);
	add_cmsg(c, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi), CMSG_LEN(sizeof(pi)));
}

static void set_src(struct l2tp_peer *p, const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&p->addr;

	memset(p, 0, sizeof(*p));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1701);
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
}

static void set_src6(struct l2tp_peer *p, const char *addr)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&p->addr;

	memset(p, 0, sizeof(*p));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(1701);
	assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
}

/* The verdict on a datagram from src with the control messages in c. */
static enum rxcheck_verdict verdict(struct rxcheck *rc, struct cbuf *c, int flags,
				    struct l2tp_peer *peer)
{
	struct msghdr mh = {
		.msg_control = c->len ? c->u.buf : NULL, .msg_controllen = c->len,
		.msg_flags = flags,
	};
	struct rxcheck_meta m;

	rxcheck_parse(&mh, peer, &m);
	return rxcheck_datagram(rc, peer, &m, 1000);
}

/* A datagram from SA_PEER:1701 to GW_ADDR on the WAN device, with this mark. */
static enum rxcheck_verdict from_peer(struct rxcheck *rc, uint32_t mark, struct l2tp_peer *peer)
{
	struct cbuf c = { .len = 0 };

	set_src(peer, SA_PEER);
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	add_mark(&c, mark);
	return verdict(rc, &c, 0, peer);
}

static void init(struct rxcheck *rc, bool require_ipsec)
{
	rxcheck_init(rc, require_ipsec, LO_IFINDEX, fake_sa, NULL);
	sa_calls = 0;
}

static void test_protected(void **state)
{
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	assert_int_equal(from_peer(&rc, SA_MARK, &p), RXCHECK_OK);
	assert_int_equal(p.mark, SA_MARK);
	assert_int_equal(p.local.sa.sa_family, AF_INET);
	assert_int_equal(((struct sockaddr_in *)&p.local)->sin_addr.s_addr, inet_addr(GW_ADDR));
	for (int v = 0; v < RXCHECK_N_VERDICTS; v++)
		assert_int_equal(rc.drops[v], 0);
}

static void test_plaintext_and_unknown_mark(void **state)
{
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	assert_int_equal(from_peer(&rc, 0, &p), RXCHECK_PLAINTEXT);
	assert_int_equal(from_peer(&rc, 8, &p), RXCHECK_UNKNOWN_SA);
	assert_int_equal(from_peer(&rc, UINT32_MAX, &p), RXCHECK_UNKNOWN_SA);
	assert_int_equal(rc.drops[RXCHECK_PLAINTEXT], 1);
	assert_int_equal(rc.drops[RXCHECK_UNKNOWN_SA], 2);
}

/* The SA's mark, but the datagram is not from that SA's peer. */
static void test_mark_of_another_peer(void **state)
{
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	set_src(&p, "198.51.100.6");
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	add_mark(&c, SA_MARK);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_UNKNOWN_SA);
	assert_int_equal(rc.drops[RXCHECK_UNKNOWN_SA], 1);
}

/*
 * A source that is not IPv4 or IPv6 (what sa46_from refuses, as l2secd's
 * receive path converts msg_name): refused and counted, with require-ipsec
 * or without, before any SA is asked about it.
 */
static void test_source_family(void **state)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/x" };
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	for (int req = 0; req < 2; req++) {
		init(&rc, req);
		set_src(&p, SA_PEER);
		assert_int_equal(sa46_from(&p.addr, &un, sizeof(un)), -1);
		c.len = 0;
		add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
		add_mark(&c, SA_MARK);
		assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_FAMILY);
		assert_int_equal(rc.drops[RXCHECK_FAMILY], 1);
		assert_int_equal(sa_calls, 0);
		assert_string_equal(rxcheck_reason_name(RXCHECK_FAMILY), "family");
		/* the same datagram from an IPv4 source passes */
		set_src(&p, SA_PEER);
		assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_OK);
	}
}

static void test_missing_cmsgs(void **state)
{
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	/* nothing at all */
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	/* the SA's mark but no IP_PKTINFO: where it arrived is unknown */
	add_mark(&c, SA_MARK);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	/* IP_PKTINFO but no mark */
	c.len = 0;
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	/* both, but the kernel said some did not fit */
	add_mark(&c, SA_MARK);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, MSG_CTRUNC, &p), RXCHECK_NO_CMSG);
	assert_int_equal(rc.drops[RXCHECK_NO_CMSG], 4);
	assert_int_equal(sa_calls, 0);
}

static void test_short_cmsgs(void **state)
{
	uint32_t mark = SA_MARK;
	struct in_pktinfo pi = { .ipi_ifindex = WAN_IFINDEX };
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	/* a mark cmsg two bytes long is no mark */
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	add_cmsg(&c, SOL_SOCKET, SO_MARK, &mark, sizeof(mark), CMSG_LEN(2));
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	assert_int_equal(p.mark, 0);
	/* a pktinfo cut short is no pktinfo */
	c.len = 0;
	add_cmsg(&c, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi), CMSG_LEN(sizeof(pi) - 1));
	add_mark(&c, SA_MARK);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	/* a length of less than a header ends the walk */
	c.len = 0;
	add_cmsg(&c, SOL_SOCKET, SO_MARK, &mark, sizeof(mark), 3);
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
	assert_int_equal(rc.drops[RXCHECK_NO_CMSG], 3);
}

/* A cmsg that claims more than the buffer holds is not read past its end (ASan). */
static void test_cmsg_past_the_buffer(void **state)
{
	size_t size = CMSG_SPACE(sizeof(struct in_pktinfo)) + sizeof(struct cmsghdr);
	struct cmsghdr *cm;
	struct l2tp_peer p;
	struct rxcheck_meta m;
	struct msghdr mh = { 0 };
	char *buf = calloc(1, size);
	struct in_pktinfo pi = { .ipi_ifindex = WAN_IFINDEX };

	(void)state;
	assert_non_null(buf);
	cm = (struct cmsghdr *)buf;
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	/* then a mark header whose data would lie past the allocation */
	cm = (struct cmsghdr *)(buf + CMSG_SPACE(sizeof(pi)));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SO_MARK;
	cm->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	mh.msg_control = buf;
	mh.msg_controllen = size;
	set_src(&p, SA_PEER);
	rxcheck_parse(&mh, &p, &m);
	assert_true(m.have_pktinfo);
	assert_false(m.have_mark);
	free(buf);
	/* one header alone, claiming a pktinfo after it */
	buf = malloc(sizeof(struct cmsghdr));
	assert_non_null(buf);
	cm = (struct cmsghdr *)buf;
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	mh.msg_control = buf;
	mh.msg_controllen = sizeof(struct cmsghdr);
	rxcheck_parse(&mh, &p, &m);
	assert_false(m.have_pktinfo);
	free(buf);
}

static void test_from_gateway(void **state)
{
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	/* the client's address and the client's mark, but through lo: a local process */
	add_pktinfo(&c, LO_IFINDEX, GW_ADDR);
	add_mark(&c, SA_MARK);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	/* from 127.0.0.1, even if it came in elsewhere */
	c.len = 0;
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	add_mark(&c, SA_MARK);
	set_src(&p, "127.0.0.1");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	set_src(&p, "127.1.2.3");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	/* from the address it was sent to: ours */
	set_src(&p, GW_ADDR);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	/* unmarked, through lo */
	c.len = 0;
	add_pktinfo(&c, LO_IFINDEX, GW_ADDR);
	add_mark(&c, 0);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	assert_int_equal(rc.drops[RXCHECK_LOCAL], 5);
}

static void test_from_gateway6(void **state)
{
	struct in6_pktinfo pi = { .ipi6_ifindex = WAN_IFINDEX };
	struct cbuf c = { .len = 0 };
	uint32_t mark = SA_MARK;
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	inet_pton(AF_INET6, "2001:db8::1", &pi.ipi6_addr);
	add_cmsg(&c, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi), CMSG_LEN(sizeof(pi)));
	add_cmsg(&c, SOL_SOCKET, SO_MARK, &mark, sizeof(mark), CMSG_LEN(sizeof(mark)));
	set_src6(&p, "::1");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	set_src6(&p, "::ffff:127.0.0.1");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	set_src6(&p, "2001:db8::1");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_LOCAL);
	/* another peer: the fake knows no IPv6 SA */
	set_src6(&p, "2001:db8::2");
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_UNKNOWN_SA);
	assert_int_equal(p.local.sa.sa_family, AF_INET6);
}

static void test_module_gone(void **state)
{
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, true);
	rc.module_gone = true;
	assert_int_equal(from_peer(&rc, SA_MARK, &p), RXCHECK_NO_MODULE);
	assert_int_equal(from_peer(&rc, 0, &p), RXCHECK_NO_MODULE);
	init(&rc, false);
	rc.module_gone = true;
	assert_int_equal(from_peer(&rc, 0, &p), RXCHECK_NO_MODULE);
	assert_int_equal(rc.drops[RXCHECK_NO_MODULE], 1);
}

/* require-ipsec off: plaintext passes, a mark that fails the check is no mark. */
static void test_no_require(void **state)
{
	struct cbuf c = { .len = 0 };
	struct l2tp_peer p;
	struct rxcheck rc;

	(void)state;
	init(&rc, false);
	assert_int_equal(from_peer(&rc, 0, &p), RXCHECK_OK);
	assert_int_equal(p.mark, 0);
	assert_int_equal(from_peer(&rc, SA_MARK, &p), RXCHECK_OK);
	assert_int_equal(p.mark, SA_MARK);
	assert_int_equal(from_peer(&rc, 8, &p), RXCHECK_OK);
	assert_int_equal(p.mark, 0);
	/* a local process with the client's mark cannot claim the client's tunnel */
	add_pktinfo(&c, LO_IFINDEX, GW_ADDR);
	add_mark(&c, SA_MARK);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_OK);
	assert_int_equal(p.mark, 0);
	/* no SO_RCVMARK at all: plaintext without require-ipsec */
	c.len = 0;
	add_pktinfo(&c, WAN_IFINDEX, GW_ADDR);
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_OK);
	/* but no pktinfo is still refused */
	c.len = 0;
	set_src(&p, SA_PEER);
	assert_int_equal(verdict(&rc, &c, 0, &p), RXCHECK_NO_CMSG);
}

/* One log line per reason at most every 10 s; the rest counted as quiet. */
static void test_log_rate(void **state)
{
	struct l2tp_peer p;
	struct rxcheck rc;
	struct rxcheck_meta m = { .have_pktinfo = true, .have_mark = true,
				  .ifindex = WAN_IFINDEX };

	(void)state;
	init(&rc, true);
	set_src(&p, SA_PEER);
	for (int i = 0; i < 100; i++)
		rxcheck_datagram(&rc, &p, &m, 5000 + (uint64_t)i);
	assert_int_equal(rc.drops[RXCHECK_PLAINTEXT], 100);
	assert_int_equal(rc.log_quiet[RXCHECK_PLAINTEXT], 99);
	rxcheck_datagram(&rc, &p, &m, 15000);
	assert_int_equal(rc.log_quiet[RXCHECK_PLAINTEXT], 0);
	assert_int_equal(rc.log_ms[RXCHECK_PLAINTEXT], 15000);
	assert_string_equal(rxcheck_reason_name(RXCHECK_LOCAL), "local");
	assert_string_equal(rxcheck_reason_name(RXCHECK_N_VERDICTS), "?");
}

/* A real datagram over loopback: the kernel's own cmsgs say it is local. */
static void test_real_loopback(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	union {
		char buf[256];
		struct cmsghdr align;
	} cb;
	char data[16];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct l2tp_peer p = { 0 };
	struct msghdr mh = {
		.msg_name = &p.addr, .msg_namelen = sizeof(p.addr), .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = cb.buf, .msg_controllen = sizeof(cb.buf),
	};
	uint32_t mark = SA_MARK;
	struct rxcheck_meta m;
	struct rxcheck rc;
	int one = 1, rx, tx;

	(void)state;
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(rx >= 0 && tx >= 0);
	if (setsockopt(rx, SOL_SOCKET, SO_RCVMARK, &one, sizeof(one)) < 0) {
		close(rx);
		close(tx);
		skip();		/* kernel before 5.19 */
	}
	assert_int_equal(setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), 0);
	assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&a, &alen), 0);
	/* the client's mark where allowed (CAP_NET_ADMIN); local either way */
	setsockopt(tx, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	assert_int_equal(sendto(tx, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), 1);
	assert_int_equal(recvmsg(rx, &mh, 0), 1);
	rxcheck_parse(&mh, &p, &m);
	assert_true(m.have_pktinfo);
	assert_true(m.have_mark);
	assert_int_equal(m.ifindex, (int)if_nametoindex("lo"));
	rxcheck_init(&rc, true, (int)if_nametoindex("lo"), fake_sa, NULL);
	assert_int_equal(rxcheck_datagram(&rc, &p, &m, 1), RXCHECK_LOCAL);
	/* by the device alone: as if the source were the client's */
	set_src(&p, SA_PEER);
	p.mark = SA_MARK;
	assert_int_equal(rxcheck_datagram(&rc, &p, &m, 1), RXCHECK_LOCAL);
	/* a control buffer too small: MSG_CTRUNC, refused */
	assert_int_equal(sendto(tx, "y", 1, 0, (struct sockaddr *)&a, sizeof(a)), 1);
	mh.msg_namelen = sizeof(p.addr);
	mh.msg_controllen = CMSG_SPACE(sizeof(uint32_t)) - 1;
	assert_int_equal(recvmsg(rx, &mh, 0), 1);
	assert_true(mh.msg_flags & MSG_CTRUNC);
	rxcheck_parse(&mh, &p, &m);
	assert_int_equal(rxcheck_datagram(&rc, &p, &m, 1), RXCHECK_NO_CMSG);
	close(rx);
	close(tx);
}

/* --- xfrm_marks ------------------------------------------------------------------ */

/* An XFRM_MSG_NEWSA as a dump carries it. */
static struct nlmsghdr *newsa(char *buf, int family, const char *src, uint8_t proto,
			      uint8_t mode, const uint32_t *set_mark, const uint32_t *mask)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_usersa_info *p;

	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->family = (uint16_t)family;
	p->id.proto = proto;
	p->mode = mode;
	inet_pton(family, src, &p->saddr);
	if (set_mark)
		mnl_attr_put_u32(nlh, XFRMA_SET_MARK, *set_mark);
	if (mask)
		mnl_attr_put_u32(nlh, XFRMA_SET_MARK_MASK, *mask);
	return nlh;
}

/* xfrm_marks_has on a tunnel's peer address. */
static bool marks_has(struct xfrm_marks *xm, uint32_t mark, const union sa46 *src)
{
	return xfrm_marks_has(xm, mark, src);
}

static bool has4(struct xfrm_marks *xm, uint32_t mark, const char *src)
{
	struct l2tp_peer p;

	set_src(&p, src);
	return marks_has(xm, mark, &p.addr);
}

static void test_xfrm_marks(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t m5 = 5, m9 = 9, zero = 0, m_ff = 0x1ff, mask = 0xff;
	struct xfrm_marks *xm = xfrm_marks_new();
	struct l2tp_peer p6;
	struct nlmsghdr *nlh;

	(void)state;
	assert_non_null(xm);
	/* inbound ESP transport SAs that mark what they decrypt */
	xfrm_marks_parse(newsa(buf, AF_INET, SA_PEER, IPPROTO_ESP, XFRM_MODE_TRANSPORT, &m9, NULL),
			 xm);
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.7", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       &m5, NULL), xm);
	xfrm_marks_parse(newsa(buf, AF_INET6, "2001:db8::5", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       &m5, NULL), xm);
	/* a mask: the packet carries set_mark & mask */
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.8", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       &m_ff, &mask), xm);
	/* not taken: no set mark (outbound), zero, tunnel mode, AH, a message cut short */
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.9", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       NULL, NULL), xm);
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.9", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       &zero, NULL), xm);
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.9", IPPROTO_ESP, XFRM_MODE_TUNNEL,
			       &m9, NULL), xm);
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.9", IPPROTO_AH, XFRM_MODE_TRANSPORT,
			       &m9, NULL), xm);
	nlh = newsa(buf, AF_INET, "198.51.100.9", IPPROTO_ESP, XFRM_MODE_TRANSPORT, &m9, NULL);
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct xfrm_usersa_info) - 1;
	xfrm_marks_parse(nlh, xm);
	/* nothing counts before the dump is complete */
	assert_false(has4(xm, 9, SA_PEER));
	xfrm_marks_commit(xm, 1);
	assert_true(has4(xm, 9, SA_PEER));
	assert_true(has4(xm, 5, "198.51.100.7"));
	assert_true(has4(xm, 0xff, "198.51.100.8"));
	assert_false(has4(xm, 0x1ff, "198.51.100.8"));
	assert_false(has4(xm, 5, SA_PEER));		/* another SA's mark */
	assert_false(has4(xm, 9, "198.51.100.7"));
	assert_false(has4(xm, 9, "198.51.100.9"));
	assert_false(has4(xm, 0, "198.51.100.9"));
	set_src6(&p6, "2001:db8::5");
	assert_true(marks_has(xm, 5, &p6.addr));
	set_src6(&p6, "2001:db8::6");
	assert_false(marks_has(xm, 5, &p6.addr));
	/* the next dump replaces the copy: mark 9's SA is gone */
	xfrm_marks_parse(newsa(buf, AF_INET, "198.51.100.7", IPPROTO_ESP, XFRM_MODE_TRANSPORT,
			       &m5, NULL), xm);
	xfrm_marks_commit(xm, 2);
	assert_false(has4(xm, 9, SA_PEER));
	assert_true(has4(xm, 5, "198.51.100.7"));
	xfrm_marks_free(xm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protected),
		cmocka_unit_test(test_plaintext_and_unknown_mark),
		cmocka_unit_test(test_mark_of_another_peer),
		cmocka_unit_test(test_source_family),
		cmocka_unit_test(test_missing_cmsgs),
		cmocka_unit_test(test_short_cmsgs),
		cmocka_unit_test(test_cmsg_past_the_buffer),
		cmocka_unit_test(test_from_gateway),
		cmocka_unit_test(test_from_gateway6),
		cmocka_unit_test(test_module_gone),
		cmocka_unit_test(test_no_require),
		cmocka_unit_test(test_log_rate),
		cmocka_unit_test(test_real_loopback),
		cmocka_unit_test(test_xfrm_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
