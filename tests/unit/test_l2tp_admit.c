// SPDX-License-Identifier: GPL-2.0
/*
 * Admission control per peer (daemon/l2tp/l2tp_admit.c), driven through the LNS
 * by scripted LACs (l2tp_fake.h): the token buckets per SA and per source,
 * half-open tunnels per SA and per source, tunnels per SA, sessions per
 * tunnel, the tunnel and session setup timeouts, displacement of half-open
 * tunnels that never answered, the bounded peer table, and the log lines
 * limited per peer. What is asserted is what a peer sees (SCCRP, StopCCN,
 * CDN, silence), what the LNS holds, and the counters `l2sec daemon show`
 * prints. Each test sets the limit it tests low and the others out of the way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "l2tp/l2tp_admit.h"
#include "l2tp_fake.h"
#include "core/log.h"

#define NAT 0xc6336401		/* 198.51.100.1: one address, many clients behind it */

static struct fake *f;

static int setup(void **state)
{
	log_setup(LOG_TARGET_STDERR, LOG_ERR, "test");
	f = fake_new(NULL);
	/* the global bucket and caps out of the way: these tests are about peers */
	f->cfg.l2tp.sccrq_rate = 100000;
	l2tp_bucket_fill(&f->lns->sccrq_bucket, f->now, f->cfg.l2tp.sccrq_rate);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_free(f);
	return 0;
}

static const struct l2tp_admit_stats *st(void)
{
	return l2tp_admit_stats(f->lns->admit);
}

/* One SCCRQ from a fresh LAC; returns what the LNS answered (0: nothing). */
static uint16_t dial(struct lac *l, uint32_t addr, uint32_t mark, uint16_t tid)
{
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t type;

	lac_init(l, f, addr, 1701, mark, tid);
	lac_sccrq(l, NULL, 0, 0x0100);
	type = lac_recv(l, &m, &h, &p);
	if (type == L2TP_SCCRP)
		l->lns_tid = l2tp_msg_u16(&m, AVP_ASSIGNED_TUNNEL_ID);
	return type;
}

/* Dial and complete with SCCCN. */
static void establish(struct lac *l, uint32_t addr, uint32_t mark, uint16_t tid)
{
	assert_int_equal(dial(l, addr, mark, tid), L2TP_SCCRP);
	lac_scccn(l, NULL);
}

static void test_sa_rate(void **state)
{
	struct lac l;
	int sccrp = 0;

	(void)state;
	f->cfg.l2tp.sccrq_rate_per_sa = 3;
	f->cfg.l2tp.sccrq_rate_per_source = 100;
	f->cfg.l2tp.max_half_open_per_sa = 100;
	f->cfg.l2tp.max_tunnels_per_sa = 100;
	/* one client floods through its SA: 3 get through, the rest are dropped unanswered */
	for (int i = 0; i < 50; i++)
		sccrp += dial(&l, NAT, 7, (uint16_t)(100 + i)) == L2TP_SCCRP;
	assert_int_equal(sccrp, 3);
	assert_int_equal(st()->sccrq_sa_rate_limited, 47);
	assert_int_equal(f->lns->n_tunnels, 3);
	/* its neighbours behind the same NAT, each with its own SA, are not affected */
	for (uint32_t mark = 8; mark < 28; mark++)
		assert_int_equal(dial(&l, NAT, mark, 1), L2TP_SCCRP);
	assert_int_equal(st()->sccrq_source_rate_limited, 0);
	/* the bucket refills at the rate */
	fake_advance(f, 1000);
	sccrp = 0;
	for (int i = 0; i < 10; i++)
		sccrp += dial(&l, NAT, 7, (uint16_t)(200 + i)) == L2TP_SCCRP;
	assert_int_equal(sccrp, 3);
}

static void test_source_rate(void **state)
{
	struct lac l;
	unsigned int sccrp = 0;

	(void)state;
	f->cfg.l2tp.sccrq_rate_per_source = 5;
	for (int i = 0; i < 30; i++)
		sccrp += dial(&l, 0x0a000001, 0, (uint16_t)(100 + i)) == L2TP_SCCRP;
	assert_int_equal(sccrp, 5);
	assert_int_equal(st()->sccrq_source_rate_limited, 25);
	/* another source has its own bucket */
	assert_int_equal(dial(&l, 0x0a000002, 0, 1), L2TP_SCCRP);
	/* an IPv6 source is one /64: another address in it shares the bucket */
	sccrp = 0;
	for (int i = 0; i < 10; i++) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&l.peer.addr;

		lac_init(&l, f, 0, 1701, 0, (uint16_t)(300 + i));
		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(1701);
		inet_pton(AF_INET6, "2001:db8:1:2::1", &sin6->sin6_addr);
		sin6->sin6_addr.s6_addr[15] = (uint8_t)i;	/* a new address each time */
		sin6->sin6_addr.s6_addr[9] = (uint8_t)i;
		lac_sccrq(&l, NULL, 0, 0x0100);
		sccrp += f->lns->n_tunnels > 6 + sccrp;
	}
	assert_int_equal(sccrp, 5);
}

static void test_half_open_per_sa(void **state)
{
	struct lac l[5], other;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.sccrq_rate_per_sa = 100;
	f->cfg.l2tp.max_half_open_per_sa = 2;
	assert_int_equal(dial(&l[0], NAT, 9, 1), L2TP_SCCRP);
	assert_int_equal(dial(&l[1], NAT, 9, 2), L2TP_SCCRP);
	assert_int_equal(dial(&l[2], NAT, 9, 3), L2TP_STOPCCN);
	assert_int_equal(st()->half_open_sa_limit, 1);
	/* another SA behind the same NAT is not affected */
	assert_int_equal(dial(&other, NAT, 10, 1), L2TP_SCCRP);
	/* an SCCCN ends a half-open tunnel: room for the next */
	lac_scccn(&l[0], NULL);
	assert_int_equal(f->k_tunnels, 1);
	assert_int_equal(dial(&l[3], NAT, 9, 4), L2TP_SCCRP);
	assert_int_equal(dial(&l[4], NAT, 9, 5), L2TP_STOPCCN);
	assert_int_equal(lac_recv(&l[4], &m, &h, &p), 0);
	assert_int_equal(f->lns->n_half_open, 3);
}

static void test_half_open_per_source(void **state)
{
	struct lac l;

	(void)state;
	f->cfg.l2tp.max_half_open_per_source = 3;
	for (int i = 0; i < 3; i++)
		assert_int_equal(dial(&l, 0x0a000001, (uint32_t)(i + 1), (uint16_t)(i + 1)),
				 L2TP_SCCRP);
	/* a new SA from the same address: the address is at its limit */
	assert_int_equal(dial(&l, 0x0a000001, 4, 4), L2TP_STOPCCN);
	assert_int_equal(dial(&l, 0x0a000001, 0, 5), L2TP_STOPCCN);
	assert_int_equal(st()->half_open_source_limit, 2);
	assert_int_equal(dial(&l, 0x0a000002, 0, 5), L2TP_SCCRP);
}

static void test_tunnels_per_sa(void **state)
{
	struct lac l[3];
	uint8_t buf[128];
	struct l2tp_builder b;

	(void)state;
	f->cfg.l2tp.sccrq_rate_per_sa = 100;
	f->cfg.l2tp.max_tunnels_per_sa = 2;
	establish(&l[0], NAT, 5, 1);
	establish(&l[1], NAT, 5, 2);
	assert_int_equal(f->k_tunnels, 2);
	assert_int_equal(dial(&l[2], NAT, 5, 3), L2TP_STOPCCN);
	assert_int_equal(st()->tunnels_sa_limit, 1);
	/* a closing tunnel no longer counts: the client may redial at once */
	lac_begin(&l[0], &b, buf, sizeof(buf), 0, L2TP_STOPCCN);
	l2tp_build_u16(&b, true, AVP_ASSIGNED_TUNNEL_ID, l[0].tid);
	l2tp_build_result(&b, STOPCCN_CLEAR, 0, NULL);
	lac_send(&l[0], &b);
	assert_int_equal(dial(&l[2], NAT, 5, 3), L2TP_SCCRP);
	/* and the count is right after tunnels are freed */
	fake_advance(f, 60000);
	assert_int_equal(f->lns->n_tunnels, 1);
	establish(&l[0], NAT, 5, 4);
	assert_int_equal(dial(&l[2], NAT, 5, 5), L2TP_STOPCCN);
}

static void test_sessions_per_tunnel(void **state)
{
	struct lac l, l2;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.max_sessions_per_tunnel = 2;
	establish(&l, NAT, 3, 1);
	for (uint16_t sid = 1; sid <= 5; sid++) {
		lac_icrq(&l, sid);
		assert_int_equal(lac_recv(&l, &m, &h, &p), sid <= 2 ? L2TP_ICRP : L2TP_CDN);
	}
	assert_int_equal(f->lns->n_sessions, 2);
	assert_int_equal(st()->sessions_tunnel_limit, 3);
	/* another tunnel has its own */
	establish(&l2, NAT, 4, 1);
	lac_icrq(&l2, 1);
	assert_int_equal(lac_recv(&l2, &m, &h, &p), L2TP_ICRP);
}

static void test_tunnel_setup_timeout(void **state)
{
	struct lac heard, unheard;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;

	(void)state;
	f->cfg.l2tp.setup_timeout_ms = 5000;
	/* acknowledges our SCCRP but never sends SCCCN: StopCCN after setup-timeout */
	assert_int_equal(dial(&heard, 0x0a000001, 0, 1), L2TP_SCCRP);
	lac_zlb(&heard);
	/* never acknowledges (a spoofed source): freed without a word */
	assert_int_equal(dial(&unheard, 0x0a000002, 0, 1), L2TP_SCCRP);
	fake_advance(f, 4900);
	assert_int_equal(f->lns->n_half_open, 2);
	fake_advance(f, 200);
	assert_int_equal(f->lns->n_half_open, 0);
	assert_int_equal(lac_recv(&heard, &m, &h, &p), L2TP_STOPCCN);
	assert_int_equal(st()->tunnel_setup_timeouts, 2);
	/* the unheard one: SCCRP retransmissions only, no StopCCN, and gone */
	while (lac_recv(&unheard, &m, &h, &p))
		assert_int_equal(m.type, L2TP_SCCRP);
	assert_int_equal(f->lns->n_tunnels, 1);
	/* far below the retransmission cycle (31 s with the defaults) */
	assert_true(f->cfg.l2tp.setup_timeout_ms < 31000);
}

static void test_session_setup_timeout(void **state)
{
	struct lac l;
	struct l2tp_msg m;
	struct l2tp_hdr h;
	struct fake_pkt p;
	uint16_t sid;

	(void)state;
	f->cfg.l2tp.session_setup_timeout_ms = 3000;
	f->cfg.l2tp.hello_interval_ms = 0;
	establish(&l, NAT, 3, 1);
	lac_icrq(&l, 1);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_ICRP);
	lac_icrq(&l, 2);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_ICRP);
	sid = l2tp_msg_u16(&m, AVP_ASSIGNED_SESSION_ID);
	lac_iccn(&l, sid);		/* only the second call completes */
	fake_advance(f, 2900);
	assert_int_equal(f->lns->n_sessions, 2);
	fake_advance(f, 200);
	assert_int_equal(f->lns->n_sessions, 1);
	assert_int_equal(lac_recv(&l, &m, &h, &p), L2TP_CDN);
	assert_int_equal(h.session_id, 1);
	lac_zlb(&l);
	assert_int_equal(st()->session_setup_timeouts, 1);
	/* the established one stays */
	fake_advance(f, 60000);
	assert_int_equal(f->lns->n_sessions, 1);
	assert_int_equal(f->k_sessions, 1);
}

static void test_displacement(void **state)
{
	struct lac l, sa[3];

	(void)state;
	f->cfg.l2tp.max_half_open = 3;
	/* spoofed sources fill max-half-open; new SCCRQs displace the oldest */
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(dial(&l, 0x0b000000 + i, 0, 1), L2TP_SCCRP);
	assert_int_equal(f->lns->n_half_open, 3);
	assert_int_equal(st()->half_open_displaced, 7);
	fake_advance(f, 1);
	assert_int_equal(f->lns->n_tunnels, 3);
	/* a half-open tunnel through an SA is never displaced */
	fake_advance(f, 60000);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(dial(&sa[i], NAT, 20 + i, 1), L2TP_SCCRP);
	assert_int_equal(dial(&l, 0x0b0000ff, 0, 1), L2TP_STOPCCN);
	assert_int_equal(st()->half_open_displaced, 7);
	/* nor one whose peer acknowledged our SCCRP */
	fake_advance(f, 60000);
	assert_int_equal(dial(&l, 0x0a000001, 0, 1), L2TP_SCCRP);
	lac_zlb(&l);
	f->cfg.l2tp.max_half_open = 1;
	assert_int_equal(dial(&l, 0x0a000002, 0, 1), L2TP_STOPCCN);
}

static void test_peer_table_bounded(void **state)
{
	struct lac l, pinned;

	(void)state;
	f->cfg.l2tp.peer_table_size = 16;
	f->cfg.l2tp.max_tunnels = 4;
	f->cfg.l2tp.max_half_open_per_source = 1;
	assert_int_equal(dial(&pinned, 0x0a0000aa, 0, 1), L2TP_SCCRP);
	lac_zlb(&pinned);
	/* 1000 sources with a bad version: each is looked at, none is kept long */
	for (uint32_t i = 0; i < 1000; i++) {
		lac_init(&l, f, 0x0c000000 + i, 1701, 0, 1);
		lac_sccrq(&l, NULL, 0, 0x0200);
	}
	assert_true(l2tp_admit_peers(f->lns->admit) <= 16);
	assert_true(st()->peers_recycled >= 1000 - 16);
	/* the pinned source kept its count through the churn */
	f->n_out = 0;		/* the fake socket's record is full of StopCCNs */
	assert_int_equal(dial(&l, 0x0a0000aa, 0, 2), L2TP_STOPCCN);
	assert_int_equal(st()->half_open_source_limit, 1);
}

static void test_peer_table_full(void **state)
{
	struct lac l;

	(void)state;
	f->cfg.l2tp.peer_table_size = 2;
	/* both entries pinned by tunnels: a third peer is dropped, not left unaccounted */
	assert_int_equal(dial(&l, 0x0a000001, 0, 1), L2TP_SCCRP);
	assert_int_equal(dial(&l, 0x0a000002, 0, 1), L2TP_SCCRP);
	assert_int_equal(dial(&l, 0x0a000003, 0, 1), 0);
	assert_int_equal(st()->peers_table_full, 1);
	assert_int_equal(l2tp_admit_peers(f->lns->admit), 2);
	/* once the tunnels are gone their entries are recycled */
	fake_advance(f, 60000);
	assert_int_equal(dial(&l, 0x0a000003, 0, 1), L2TP_SCCRP);
	assert_int_equal(st()->peers_recycled, 1);
}

/* What l2secd logs at notice and above while fn runs, into logbuf[]. */
static char logbuf[1 << 16];

static void capture_log(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	log_set_level(LOG_NOTICE);
	fn();
	fflush(stderr);
	log_set_level(LOG_ERR);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, tmp);
	logbuf[n] = '\0';
	fclose(tmp);
}

/* Lines of logbuf[] that contain needle. */
static unsigned int log_lines(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = logbuf; (p = strstr(p, needle)); p++) {
		n++;
		p = strchr(p, '\n');
		if (!p)
			break;
	}
	return n;
}

static void flood_two_sas(void)
{
	struct lac l;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 40; i++) {
			dial(&l, NAT, 30, (uint16_t)(1 + i));
			dial(&l, NAT, 31, (uint16_t)(1 + i));
		}
		fake_advance(f, ADMIT_LOG_INTERVAL_MS / 2);
	}
}

static void test_log_per_peer(void **state)
{
	(void)state;
	f->cfg.l2tp.sccrq_rate_per_sa = 1;
	f->cfg.l2tp.max_half_open_per_sa = 100;	/* no other kind of line from these peers */
	f->cfg.l2tp.setup_timeout_ms = 600000;
	/* 3 rounds of 40 refusals per SA over 15 s: two lines per SA, not 117 */
	capture_log(flood_two_sas);
	assert_int_equal(log_lines("sccrq-rate-per-sa"), 4);
	assert_int_equal(st()->sccrq_sa_rate_limited, 2 * (120 - 3));
}

static void spoofed_timeouts(void)
{
	struct lac l;

	for (uint32_t i = 0; i < 200; i++) {
		lac_init(&l, f, 0x64400000 + i, 1701, 0, 1);
		lac_sccrq(&l, NULL, 0, 0x0100);
	}
	fake_advance(f, f->cfg.l2tp.setup_timeout_ms + 100);
}

static void test_log_spoofed(void **state)
{
	(void)state;
	f->cfg.l2tp.max_half_open = 1000;
	/* 200 spoofed sources, 200 timeouts: 20 lines, not a line per tunnel */
	capture_log(spoofed_timeouts);
	assert_int_equal(log_lines("setup-timeout"), ADMIT_LOG_BURST);
	assert_int_equal(log_lines("closed"), 0);	/* the tunnels' own lines: info */
	assert_int_equal(st()->tunnel_setup_timeouts, 200);
	assert_int_equal(f->lns->n_half_open, 0);
}

static void sccrqs_while_full(void)
{
	struct lac l;

	establish(&l, 0x0a000001, 0, 1);
	establish(&l, 0x0a000002, 0, 1);
	/* 1000 SCCRQs from as many sources, the gateway full: each refused */
	for (uint32_t i = 0; i < 1000; i++) {
		lac_init(&l, f, 0x64400000 + i, 1701, 0, 1);
		lac_sccrq(&l, NULL, 0, 0x0100);
	}
	/* one interval later one more line, with the count of those left out */
	fake_advance(f, LOGRL_INTERVAL_MS);
	lac_init(&l, f, 0x64500000, 1701, 0, 1);
	lac_sccrq(&l, NULL, 0, 0x0100);
}

static void test_log_max_tunnels(void **state)
{
	uint64_t refused = f->lns->stats.sccrq_refused;

	(void)state;
	f->cfg.l2tp.max_tunnels = 2;
	f->cfg.l2tp.setup_timeout_ms = 600000;
	/*
	 * A line per SCCRQ was up to sccrq-rate (100/s) lines while full, 8.6
	 * million a day: now the burst, then one per interval, and all counted.
	 */
	capture_log(sccrqs_while_full);
	assert_int_equal(log_lines("max-tunnels reached"), LOGRL_BURST + 1);
	assert_int_equal(log_lines("(995 similar lines suppressed)"), 1);
	assert_int_equal(f->lns->stats.sccrq_refused - refused, 1001);
	assert_int_equal(f->lns->n_tunnels, 2);
}

static void sccrqs_with_challenge(void)
{
	const uint8_t chal[16] = { 1 };
	struct lac l;

	for (uint32_t i = 0; i < 300; i++) {
		lac_init(&l, f, 0x64400000 + i, 1701, 0, 1);
		lac_sccrq(&l, chal, sizeof(chal), 0x0100);
	}
}

static void test_log_no_secret(void **state)
{
	(void)state;
	/* no secret configured: each challenge refused, LOGRL_BURST lines */
	capture_log(sccrqs_with_challenge);
	assert_int_equal(log_lines("no secret configured"), LOGRL_BURST);
	assert_int_equal(f->lns->stats.sccrq_refused, 300);
	assert_int_equal(f->lns->n_tunnels, 0);
}

static void shutdown_with_spoofed(void)
{
	struct lac l, ok;

	establish(&ok, 0x0a000001, 7, 2);
	for (uint32_t i = 0; i < 200; i++) {
		lac_init(&l, f, 0x64400000 + i, 1701, 0, 1);
		lac_sccrq(&l, NULL, 0, 0x0100);
	}
	assert_int_equal(f->lns->n_half_open, 200);
	l2tp_lns_shutdown(f->lns);
}

static void test_log_shutdown(void **state)
{
	(void)state;
	f->cfg.l2tp.max_half_open = 1000;
	f->cfg.l2tp.setup_timeout_ms = 600000;
	/*
	 * SIGTERM with 200 spoofed half-open tunnels: the established one's close is
	 * logged, the 200 in one line (a line each was 200 lines a flooder caused,
	 * and under TCG, with the log on 9p, kept the privsep engine past its deadline)
	 */
	capture_log(shutdown_with_spoofed);
	assert_int_equal(log_lines("closed by us"), 1);
	assert_int_equal(log_lines("StopCCN to 200 tunnel(s) still negotiating"), 1);
	assert_int_equal(f->lns->n_half_open, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_sa_rate),
		T(test_source_rate),
		T(test_half_open_per_sa),
		T(test_half_open_per_source),
		T(test_tunnels_per_sa),
		T(test_sessions_per_tunnel),
		T(test_tunnel_setup_timeout),
		T(test_session_setup_timeout),
		T(test_displacement),
		T(test_peer_table_bounded),
		T(test_peer_table_full),
		T(test_log_per_peer),
		T(test_log_spoofed),
		T(test_log_shutdown),
		T(test_log_max_tunnels),
		T(test_log_no_secret),
#undef T
	};

	return cmocka_run_group_tests_name("l2tp_admit", tests, NULL, NULL);
}
