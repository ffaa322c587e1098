// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS decoder and verification: any bytes as a datagram from a server.
 *
 * Input: 16 octets, the authenticator of the request the datagram answers,
 * then the datagram. The secret is tests/radius-host.sh's, so the seeds
 * (tests/fuzz/corpus/radius/, packets captured there by radius-probe -w)
 * verify and their answers go on to the typed accessors.
 *
 * Oracles besides the sanitizers: every attribute the decoder accepts lies
 * inside the packet's Length; re-encoding the decoded attributes gives the
 * packet's bytes back (the encoding is canonical: nothing lost or invented);
 * the client (one server, a request in flight) takes no datagram whose
 * authenticator does not verify, and counts every one it drops.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "radius/radius_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const struct radius_secret secret = { (const uint8_t *)"l2sec-radius-test", 17 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	return 0;
}

/* The decoded attributes, encoded again: the same bytes. */
static void check_round_trip(const struct radius_msg *m)
{
	static struct radius_pkt p;
	unsigned int i;

	radius_pkt_init(&p, m->code, m->id);
	memcpy(p.buf + 4, m->buf + 4, RADIUS_AUTH_LEN);
	for (i = 0; i < m->n_avps; i++) {
		const struct radius_avp *a = &m->avps[i];

		if (a->off < RADIUS_HDR_LEN + 2 || a->off + a->len > m->len)
			abort();
		if (radius_put(&p, a->type, radius_value(m, a), a->len))
			abort();
	}
	if (p.len != m->len || memcmp(p.buf, m->buf, m->len))
		abort();
}

static void check_accessors(const struct radius_msg *m)
{
	static const uint8_t ms[] = {
		RADIUS_MS_CHAP_ERROR, RADIUS_MS_CHAP_CHALLENGE, RADIUS_MS_CHAP2_RESPONSE,
		RADIUS_MS_CHAP2_SUCCESS, RADIUS_MS_PRIMARY_DNS_SERVER,
	};
	struct radius_reply r;
	const char *what = NULL;
	const uint8_t *v;
	size_t len;

	if (radius_reply_parse(m, &r, &what) == RADIUS_OK) {
		if (r.n_routes > RADIUS_MAX_ROUTES || r.n_routes6 > RADIUS_MAX_ROUTES ||
		    strlen(r.reply_message) >= sizeof(r.reply_message))
			abort();
		for (unsigned int i = 0; i < r.n_routes6; i++)
			if (r.routes6[i].plen > 128)
				abort();
	} else if (!what) {
		abort();	/* a refusal names its attribute */
	}
	for (size_t i = 0; i < sizeof(ms); i++) {
		v = radius_find_vsa(m, RADIUS_VENDOR_MICROSOFT, ms[i], &len);
		if (v && (v < m->buf || v + len > m->buf + m->len))
			abort();
	}
}

static int fake_send(void *arg, unsigned int server, const void *buf, size_t len)
{
	return 0;
}

static void done(void *arg, int err, const uint8_t *ans, size_t len)
{
	*(int *)arg = err ? err : 1;
}

/* The datagram through a client with one request in flight (identifier 0). */
static void check_client(const uint8_t *buf, size_t len)
{
	static const struct radius_client_ops ops = { .send = fake_send };
	struct radius_client_conf conf = {
		.n_servers = 1, .timeout_ms = 1000, .max_inflight = 1, .max_queue = 1,
	};
	struct sockaddr_in *sin = (struct sockaddr_in *)&conf.servers[0].addr;
	const struct radius_server_stats *st;
	struct radius_client *c;
	struct radius_pkt p;
	int result = 0;
	uint64_t refused;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(1812);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	conf.servers[0].addr_len = sizeof(*sin);
	conf.servers[0].secret = secret;
	c = radius_client_new(&conf, &ops, NULL);
	if (!c)
		abort();
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0);
	radius_put_str(&p, RADIUS_USER_NAME, "fuzz");
	if (!radius_client_submit(c, &p, done, &result, 0))
		abort();
	radius_client_input(c, 0, (struct sockaddr *)sin, sizeof(*sin), buf, len, 1);
	st = radius_client_server_stats(c, 0);
	refused = st->malformed + st->bad_authenticator + st->unknown_id + st->dropped;
	/* its authenticator is random: a datagram is taken only with a forged MD5 */
	if (result || refused != 1)
		abort();
	radius_client_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t codes[] = {
		RADIUS_ACCESS_REQUEST, RADIUS_ACCOUNTING_REQUEST, RADIUS_COA_REQUEST,
		RADIUS_DISCONNECT_REQUEST,
	};
	const uint8_t *req_auth = data, *buf = data + RADIUS_AUTH_LEN;
	size_t len = size - RADIUS_AUTH_LEN;
	struct radius_msg m;

	if (size < RADIUS_AUTH_LEN)
		return 0;
	if (radius_decode(&m, buf, len) == RADIUS_OK) {
		if (m.len > len || m.len < RADIUS_HDR_LEN)
			abort();
		check_round_trip(&m);
		check_accessors(&m);
		for (size_t i = 0; i < sizeof(codes); i++)
			radius_verify_answer(&m, codes[i], req_auth, &secret);
		radius_verify_request(&m, &secret);
	}
	check_client(buf, len);
	return 0;
}
