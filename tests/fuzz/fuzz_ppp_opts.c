// SPDX-License-Identifier: GPL-2.0
/*
 * The PPP engine fed arbitrary frames in every phase.
 *
 * Input: one octet of setup, then records.
 *   setup bits 0-1: the phase a scripted, well-behaved client brings the
 *                   session to first: 0 establish (LCP negotiating),
 *                   1 authenticate, 2 network (IPCP negotiating), 3 IPCP up
 *         bit 2: IPv6CP on        bit 3: PAP allowed
 *         bit 4: CHAP-MD5 and PAP only (no MS-CHAPv2)
 *         bit 5: the pool is empty   bit 6: no delay after a wrong password
 *         bit 7: PAP only
 *   record: length octet L; L = 255: a two-octet big-endian length follows;
 *           then that many octets, one PPP frame (clamped to what is left).
 *           L = 0: an event given by the next octet E:
 *             E < 0xF0: the clock moves by E * 250 ms and timers fire
 *             0xFF / 0xFE: the client answers the newest challenge with the
 *             right / a wrong password (CHAP, MS-CHAPv2 or PAP as asked),
 *             so the fuzzer reaches retries and failures without guessing
 *             random identifiers.
 *
 * Oracles besides the sanitizers: no frame we send exceeds the control
 * packet limit, the next deadline is never in the past after an entry
 * point, the down callback runs at most once and nothing is sent after it.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/mschap.h"
#include "ppp/ppp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEEP 16

struct fz {
	struct ppp_session *s;
	uint64_t now;
	uint8_t out[KEEP][1600];
	size_t out_len[KEEP];
	unsigned int n;
	unsigned int downs;
	bool empty_pool;
	unsigned int auth;
	uint64_t rnd;
};

static void cb_send(void *ctx, const uint8_t *f, size_t len)
{
	struct fz *z = ctx;

	/* 4 octets of framing + a control packet of at most 1500. */
	if (z->downs || len > 4 + 1500)
		abort();
	memcpy(z->out[z->n % KEEP], f, len);
	z->out_len[z->n % KEEP] = len;
	z->n++;
}

static int cb_secret(void *ctx, const char *user, struct ppp_secret *out)
{
	(void)ctx;
	if (strcmp(user, "User"))
		return -1;
	out->password = "clientPass";
	out->password_len = 10;
	mschap_nt_hash("clientPass", 10, out->nt_hash);
	return 0;
}

static int cb_alloc(void *ctx, const char *user, struct in_addr hint,
		    struct in_addr *out)
{
	struct fz *z = ctx;

	(void)user;
	(void)hint;
	if (z->empty_pool)
		return -1;
	out->s_addr = htonl(0x0A000064);
	return 0;
}

static void cb_ipcp_up(void *ctx, const struct ppp_ipcp_info *info)
{
	(void)ctx;
	if (!info->peer.s_addr)
		abort();
}

static void cb_ipv6cp_up(void *ctx, uint64_t l, uint64_t p)
{
	(void)ctx;
	if (!l || !p || l == p)
		abort();
}

static void cb_down(void *ctx, enum ppp_down_reason r, const char *msg)
{
	struct fz *z = ctx;

	(void)r;
	(void)msg;
	if (z->downs++)
		abort();
}

static void cb_random(void *ctx, void *buf, size_t len)
{
	struct fz *z = ctx;
	uint8_t *p = buf;

	while (len--) {
		z->rnd ^= z->rnd << 13;
		z->rnd ^= z->rnd >> 7;
		z->rnd ^= z->rnd << 17;
		*p++ = (uint8_t)z->rnd;
	}
}

static const struct ppp_ops ops = {
	.send = cb_send,
	.get_secret = cb_secret,
	.alloc_ipv4 = cb_alloc,
	.ipcp_up = cb_ipcp_up,
	.ipv6cp_up = cb_ipv6cp_up,
	.down = cb_down,
	.random = cb_random,
};

static void check(struct fz *z)
{
	uint64_t t = ppp_next_timeout(z->s);

	if (t != PPP_NO_TIMEOUT && t < z->now)
		abort();
}

static void feed(struct fz *z, const uint8_t *f, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, f, len);
	ppp_input(z->s, z->now, copy, len);
	free(copy);
	check(z);
}

static void send_ctrl(struct fz *z, uint16_t proto, uint8_t code, uint8_t id,
		      const uint8_t *d, size_t len)
{
	uint8_t b[300];

	b[0] = 0xFF;
	b[1] = 0x03;
	b[2] = (uint8_t)(proto >> 8);
	b[3] = (uint8_t)proto;
	b[4] = code;
	b[5] = id;
	b[6] = 0;
	b[7] = (uint8_t)(len + 4);
	memcpy(b + 8, d, len);
	feed(z, b, len + 8);
}

/* The newest frame we sent with this protocol and code: its packet. */
static const uint8_t *last(struct fz *z, uint16_t proto, uint8_t code,
			   size_t *len)
{
	unsigned int i, k;
	const uint8_t *f;
	size_t n;

	for (i = 0; i < KEEP && i < z->n; i++) {
		k = (z->n - 1 - i) % KEEP;
		f = z->out[k];
		n = z->out_len[k];
		if (n >= 2 && f[0] == 0xFF && f[1] == 0x03) {
			f += 2;
			n -= 2;
		}
		if (n >= 6 && (uint16_t)(f[0] << 8 | f[1]) == proto && f[2] == code) {
			*len = n - 2;
			return f + 2;
		}
	}
	return NULL;
}

static void ack_ours(struct fz *z, uint16_t proto)
{
	const uint8_t *p;
	size_t n;

	p = last(z, proto, 1, &n);
	if (p && n <= 200)
		send_ctrl(z, proto, 2, p[1], p + 4, n - 4);
}

/* Answer the newest challenge (or send PAP credentials) as a client would. */
static void answer(struct fz *z, bool right)
{
	const char *pw = right ? "clientPass" : "wrongPass!";
	const uint8_t *p;
	uint8_t d[80], h[16];
	size_t n;

	p = last(z, 0xC223, 1, &n);
	if (!p || n < 21) {
		memcpy(d, "\x04User\x0a", 6);
		memcpy(d + 6, pw, 10);
		send_ctrl(z, 0xC023, 1, 1, d, 16);
		return;
	}
	if (z->auth & PPP_AUTH_MSCHAPV2) {
		d[0] = 49;
		memset(d + 1, 0x42, 16);
		memset(d + 17, 0, 8);
		mschap_nt_hash(pw, 10, h);
		mschap_nt_response(p + 5, d + 1, "User", 4, h, d + 25);
		d[49] = 0;
	} else {
		d[0] = 16;
		mschap_md5_response(p[1], (const uint8_t *)pw, 10, p + 5, 16, d + 1);
	}
	memcpy(d + 1 + d[0], "User", 4);
	send_ctrl(z, 0xC223, 2, p[1], d, 1u + d[0] + 4u);
}

static void script(struct fz *z, unsigned int phase)
{
	static const uint8_t lcp[] = { 1, 4, 5, 0x78, 5, 6, 1, 2, 3, 4, 7, 2, 8, 2 };
	static const uint8_t ipcp[] = { 3, 6, 10, 0, 0, 100 };
	static const uint8_t ipv6cp[] = { 1, 10, 2, 0, 0, 0, 0, 0, 0, 1 };

	ppp_start(z->s, z->now);
	if (phase < 1)
		return;
	send_ctrl(z, 0xC021, 1, 1, lcp, sizeof(lcp));
	ack_ours(z, 0xC021);
	if (phase < 2)
		return;
	answer(z, true);
	if (phase < 3)
		return;
	send_ctrl(z, 0x8021, 1, 1, ipcp, sizeof(ipcp));
	ack_ours(z, 0x8021);
	send_ctrl(z, 0x8057, 1, 1, ipv6cp, sizeof(ipv6cp));
	ack_ours(z, 0x8057);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_config cfg;
	struct fz *z;
	size_t pos = 1, len;
	uint8_t setup;

	if (size < 1)
		return 0;
	setup = data[0];
	z = calloc(1, sizeof(*z));
	if (!z)
		abort();
	z->now = 5000;
	z->rnd = 0x0123456789ABCDEFull;
	z->empty_pool = setup & 0x20;
	ppp_config_init(&cfg);
	cfg.local_ipv4.s_addr = htonl(0x0A000001);
	cfg.dns[0].s_addr = htonl(0xC0000235);
	cfg.ipv6 = setup & 0x04;
	if (setup & 0x08)
		cfg.auth |= PPP_AUTH_PAP;
	if (setup & 0x10)
		cfg.auth = PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP;
	if (setup & 0x40)
		cfg.auth_fail_delay_ms = 0;
	if (setup & 0x80)
		cfg.auth = PPP_AUTH_PAP;
	z->auth = cfg.auth;
	z->s = ppp_new(&cfg, &ops, z);
	if (!z->s)
		abort();
	script(z, setup & 3);

	while (pos < size && !ppp_is_dead(z->s)) {
		len = data[pos++];
		if (len == 0) {
			uint64_t end, t;

			if (pos >= size)
				break;
			if (data[pos] >= 0xF0) {
				if (data[pos] >= 0xFE)
					answer(z, data[pos] == 0xFF);
				pos++;
				continue;
			}
			end = z->now + 250u * data[pos++];
			while ((t = ppp_next_timeout(z->s)) <= end) {
				z->now = t;
				ppp_timer(z->s, z->now);
				check(z);
			}
			z->now = end;
			continue;
		}
		if (len == 255) {
			if (size - pos < 2)
				break;
			len = (size_t)data[pos] << 8 | data[pos + 1];
			pos += 2;
		}
		if (len > size - pos)
			len = size - pos;
		feed(z, data + pos, len);
		pos += len;
	}
	/* Whatever state it is in, the owner can always close and free it. */
	ppp_close(z->s, z->now, "fuzz done");
	ppp_free(z->s);
	free(z);
	return 0;
}
