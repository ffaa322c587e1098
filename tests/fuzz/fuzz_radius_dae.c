// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS dynamic authorization (daemon/aaa_dae.c, RFC 5176): any bytes as a
 * datagram to the DAE port.
 *
 * Input: one octet of mode, then the datagram. Mode bit 0: the datagram is
 * signed first (radius_sign_request with the client's secret), so that the
 * fuzzer reaches what comes after the authenticator check: the attributes,
 * the matching, the answers. Bit 1: it comes from an address that is no
 * dae-client. The seeds (tests/fuzz/corpus/radius_dae/) are radclient's
 * Disconnect and CoA requests, captured with the secret below.
 *
 * Each input gets a fresh gateway (its duplicate cache and rate are state).
 * Oracles besides the sanitizers: a stranger gets nothing and nothing is
 * done; an answer answers the request (its Identifier, its code an ACK or
 * NAK of the request's kind) and verifies as the server checks it; a NAK
 * carries an Error-Cause and did nothing, an ACK named a session.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aaa.h"
#include "core/log.h"
#include "radius/radius_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const struct radius_secret secret = { (const uint8_t *)"l2sec-54-secret", 15 };
static struct l2sec_config cfg;
static struct evloop *loop;
static union sa46 peer;
static unsigned int named;

static unsigned int sessions(void *arg, const struct aaa_dae_ident *id,
			     const struct aaa_dae_change *change)
{
	struct aaa_dae_session s = {
		.user = "dae1", .framed_ip = { htonl(0xc0a82a0a) }, .peer = &peer,
		.nas_port = 0x10001,
	};

	(void)arg;
	(void)change;
	named = aaa_dae_match(id, &s) ? 1 : 0;
	return named;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&peer;
	struct config_radius *r = &cfg.radius;

	log_setup(LOG_TARGET_STDERR, LOG_CRIT, "fuzz");
	loop = evloop_new(NULL, NULL);
	if (!loop)
		abort();
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1701);
	sin->sin_addr.s_addr = htonl(0xc0000202);
	memcpy(r->secret, secret.data, secret.len);
	snprintf(r->nas_identifier, sizeof(r->nas_identifier), "gw54");
	/* a port of its own per process: parallel fuzzers do not share one */
	snprintf(r->dae_listen, sizeof(r->dae_listen), "127.0.0.1:%u",
		 20000 + (unsigned int)getpid() % 20000);
	if (config_dae_client_item("127.0.0.0/8", r->dae_clients, 0))
		abort();
	r->n_dae_clients = 1;
	return 0;
}

static void check_answer(const struct radius_pkt *req, const struct radius_pkt *ans, size_t len)
{
	struct radius_msg m;
	bool disc = req->buf[0] == RADIUS_DISCONNECT_REQUEST;
	bool nak;

	if (radius_decode(&m, ans->buf, len) != RADIUS_OK || m.id != req->buf[1] ||
	    radius_verify_answer(&m, req->buf[0], req->buf + 4, &secret) != RADIUS_OK)
		abort();
	nak = m.code == (disc ? RADIUS_DISCONNECT_NAK : RADIUS_COA_NAK);
	if (!nak && m.code != (disc ? RADIUS_DISCONNECT_ACK : RADIUS_COA_ACK))
		abort();
	if (nak && (!radius_find(&m, RADIUS_ERROR_CAUSE, NULL) || named))
		abort();	/* a NAK without its cause, or after a session was named */
	if (!nak && !named)
		abort();	/* an ACK for nothing */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct radius_pkt req, ans;
	union sa46 src = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&src;
	struct aaa *a;
	size_t len;

	if (size < 1 || size - 1 > sizeof(req.buf))
		return 0;
	memcpy(req.buf, data + 1, size - 1);
	req.len = size - 1;
	if (data[0] & 1)
		radius_sign_request(&req, &secret, NULL);	/* fails on most bytes: fine */
	sin->sin_family = AF_INET;
	sin->sin_port = htons(4000);
	sin->sin_addr.s_addr = htonl(data[0] & 2 ? 0xc6336401 : INADDR_LOOPBACK);
	a = aaa_new(loop, &cfg);
	if (!a)
		abort();
	aaa_dae_bind(a, sessions, NULL);
	named = 0;
	len = aaa_dae_input(a, &src, req.buf, req.len, &ans);
	if (len && (data[0] & 2))
		abort();	/* a stranger got an answer */
	if (len)
		check_answer(&req, &ans, len);
	aaa_free(a);
	return 0;
}
