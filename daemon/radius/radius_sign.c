// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS authenticators, Message-Authenticator and User-Password hiding
 * (radius_sign.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/memops.h>

#include "radius/radius_sign.h"

static const uint8_t zeros[RADIUS_AUTH_LEN];

static bool is_request(uint8_t code)
{
	return code == RADIUS_ACCESS_REQUEST || code == RADIUS_ACCOUNTING_REQUEST ||
	       code == RADIUS_COA_REQUEST || code == RADIUS_DISCONNECT_REQUEST;
}

/* The offset of the Message-Authenticator's value in m, 0 when none. */
static size_t ma_offset(const struct radius_msg *m)
{
	const struct radius_avp *a = radius_find(m, RADIUS_MESSAGE_AUTHENTICATOR, NULL);

	return a ? a->off : 0;
}

/*
 * HMAC-MD5 of packet buf (len octets) with auth in place of its
 * authenticator and the Message-Authenticator's value (at ma) zeroed.
 */
static void ma_compute(const uint8_t *buf, size_t len, size_t ma, const uint8_t *auth,
		       const struct radius_secret *s, uint8_t out[RADIUS_MA_LEN])
{
	struct hmac_md5_ctx ctx;

	hmac_md5_set_key(&ctx, s->len, s->data);
	hmac_md5_update(&ctx, 4, buf);
	hmac_md5_update(&ctx, RADIUS_AUTH_LEN, auth);
	hmac_md5_update(&ctx, ma - RADIUS_HDR_LEN, buf + RADIUS_HDR_LEN);
	hmac_md5_update(&ctx, RADIUS_MA_LEN, zeros);
	hmac_md5_update(&ctx, len - ma - RADIUS_MA_LEN, buf + ma + RADIUS_MA_LEN);
	hmac_md5_digest(&ctx, RADIUS_MA_LEN, out);
	explicit_bzero(&ctx, sizeof(ctx));
}

/* MD5(Code, Identifier, Length, auth, Attributes, secret) */
static void auth_compute(const uint8_t *buf, size_t len, const uint8_t *auth,
			 const struct radius_secret *s, uint8_t out[RADIUS_AUTH_LEN])
{
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, 4, buf);
	md5_update(&ctx, RADIUS_AUTH_LEN, auth);
	md5_update(&ctx, len - RADIUS_HDR_LEN, buf + RADIUS_HDR_LEN);
	md5_update(&ctx, s->len, s->data);
	md5_digest(&ctx, RADIUS_AUTH_LEN, out);
	explicit_bzero(&ctx, sizeof(ctx));
}

/* b = MD5(secret + prev) for the hiding's next 16 octets */
static void hide_block(const struct radius_secret *s, const uint8_t *prev, uint8_t b[16])
{
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, s->len, s->data);
	md5_update(&ctx, 16, prev);
	md5_digest(&ctx, 16, b);
	explicit_bzero(&ctx, sizeof(ctx));
}

void radius_hide_password(uint8_t *pw, size_t len, const struct radius_secret *s,
			  const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	const uint8_t *prev = req_auth;
	uint8_t b[16];
	size_t i, j;

	for (i = 0; i + 16 <= len; i += 16) {
		hide_block(s, prev, b);
		for (j = 0; j < 16; j++)
			pw[i + j] ^= b[j];
		prev = pw + i;		/* c(i) chains into the next block */
	}
	explicit_bzero(b, sizeof(b));
}

void radius_unhide_password(uint8_t *pw, size_t len, const struct radius_secret *s,
			    const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	uint8_t prev[16], c[16], b[16];
	size_t i, j;

	memcpy(prev, req_auth, 16);
	for (i = 0; i + 16 <= len; i += 16) {
		hide_block(s, prev, b);
		memcpy(c, pw + i, 16);
		for (j = 0; j < 16; j++)
			pw[i + j] ^= b[j];
		memcpy(prev, c, 16);
	}
	explicit_bzero(b, sizeof(b));
}

static bool secret_ok(const struct radius_secret *s)
{
	return s->len >= 1 && s->len <= RADIUS_SECRET_MAX;
}

/* Decode p, adding a zero Message-Authenticator when it has none. */
static int prepare(struct radius_pkt *p, struct radius_msg *m, const struct radius_secret *s)
{
	if (!secret_ok(s) || radius_decode(m, p->buf, p->len) != RADIUS_OK || m->len != p->len)
		return -EINVAL;
	if (ma_offset(m))
		return 0;
	if (radius_put(p, RADIUS_MESSAGE_AUTHENTICATOR, zeros, RADIUS_MA_LEN))
		return -EMSGSIZE;
	return radius_decode(m, p->buf, p->len) == RADIUS_OK ? 0 : -EINVAL;
}

static int sign_access(struct radius_pkt *p, const struct radius_msg *m,
		       const struct radius_secret *s, const uint8_t *auth)
{
	const struct radius_avp *pw = radius_find(m, RADIUS_USER_PASSWORD, NULL);
	size_t ma = ma_offset(m);

	if (auth)
		memcpy(p->buf + 4, auth, RADIUS_AUTH_LEN);
	else if (getrandom(p->buf + 4, RADIUS_AUTH_LEN, 0) != RADIUS_AUTH_LEN)
		return -EIO;
	if (pw) {
		if (!pw->len || pw->len % 16 || pw->len > RADIUS_PASSWORD_MAX)
			return -EINVAL;
		radius_hide_password(p->buf + pw->off, pw->len, s, p->buf + 4);
	}
	ma_compute(p->buf, p->len, ma, p->buf + 4, s, p->buf + ma);
	return 0;
}

int radius_sign_request(struct radius_pkt *p, const struct radius_secret *s,
			const uint8_t *auth)
{
	const struct radius_avp *pw;
	struct radius_msg m;
	size_t ma;
	int ret;

	if (p->len < RADIUS_HDR_LEN || !is_request(p->buf[0]))
		return -EINVAL;
	ret = prepare(p, &m, s);
	if (ret)
		return ret;
	/* only one password is hidden: a second, or one in another request, would go in clear */
	pw = radius_find(&m, RADIUS_USER_PASSWORD, NULL);
	if (pw && (p->buf[0] != RADIUS_ACCESS_REQUEST ||
		   radius_find(&m, RADIUS_USER_PASSWORD, pw)))
		return -EINVAL;
	if (p->buf[0] == RADIUS_ACCESS_REQUEST)
		return sign_access(p, &m, s, auth);
	/* RFC 2866 section 3, RFC 5176 section 2.3: both over a zero authenticator */
	ma = ma_offset(&m);
	memset(p->buf + 4, 0, RADIUS_AUTH_LEN);
	ma_compute(p->buf, p->len, ma, zeros, s, p->buf + ma);
	auth_compute(p->buf, p->len, zeros, s, p->buf + 4);
	return 0;
}

int radius_sign_answer(struct radius_pkt *p, const struct radius_secret *s,
		       const uint8_t req_auth[RADIUS_AUTH_LEN])
{
	struct radius_msg m;
	size_t ma;
	int ret;

	if (p->len < RADIUS_HDR_LEN || is_request(p->buf[0]))
		return -EINVAL;
	ret = prepare(p, &m, s);
	if (ret)
		return ret;
	ma = ma_offset(&m);
	ma_compute(p->buf, p->len, ma, req_auth, s, p->buf + ma);
	auth_compute(p->buf, p->len, req_auth, s, p->buf + 4);
	return 0;
}

/* Which answers may answer a request of code req. */
static bool answers(uint8_t req, uint8_t code)
{
	switch (req) {
	case RADIUS_ACCESS_REQUEST:
		return code == RADIUS_ACCESS_ACCEPT || code == RADIUS_ACCESS_REJECT ||
		       code == RADIUS_ACCESS_CHALLENGE;
	case RADIUS_ACCOUNTING_REQUEST:
		return code == RADIUS_ACCOUNTING_RESPONSE;
	case RADIUS_COA_REQUEST:
		return code == RADIUS_COA_ACK || code == RADIUS_COA_NAK;
	case RADIUS_DISCONNECT_REQUEST:
		return code == RADIUS_DISCONNECT_ACK || code == RADIUS_DISCONNECT_NAK;
	default:
		return false;
	}
}

static enum radius_err check_ma(const struct radius_msg *m, const uint8_t *auth,
				const struct radius_secret *s, bool required)
{
	size_t ma = ma_offset(m);
	uint8_t want[RADIUS_MA_LEN];
	bool ok;

	if (!ma)
		return required ? RADIUS_ERR_MA_MISSING : RADIUS_OK;
	ma_compute(m->buf, m->len, ma, auth, s, want);
	ok = memeql_sec(want, m->buf + ma, RADIUS_MA_LEN);
	return ok ? RADIUS_OK : RADIUS_ERR_MA_BAD;
}

enum radius_err radius_verify_answer(const struct radius_msg *m, uint8_t req_code,
				     const uint8_t req_auth[RADIUS_AUTH_LEN],
				     const struct radius_secret *s)
{
	uint8_t want[RADIUS_AUTH_LEN];

	if (!secret_ok(s))
		return RADIUS_ERR_AUTHENTICATOR;
	if (!answers(req_code, m->code))
		return RADIUS_ERR_CODE;
	auth_compute(m->buf, m->len, req_auth, s, want);
	if (!memeql_sec(want, m->buf + 4, RADIUS_AUTH_LEN))
		return RADIUS_ERR_AUTHENTICATOR;
	return check_ma(m, req_auth, s, m->code != RADIUS_ACCOUNTING_RESPONSE);
}

enum radius_err radius_verify_request(const struct radius_msg *m,
				      const struct radius_secret *s)
{
	uint8_t want[RADIUS_AUTH_LEN];

	if (!secret_ok(s))
		return RADIUS_ERR_AUTHENTICATOR;
	if (m->code == RADIUS_ACCESS_REQUEST)
		return check_ma(m, m->buf + 4, s, true);
	if (!is_request(m->code))
		return RADIUS_ERR_CODE;
	auth_compute(m->buf, m->len, zeros, s, want);
	if (!memeql_sec(want, m->buf + 4, RADIUS_AUTH_LEN))
		return RADIUS_ERR_AUTHENTICATOR;
	return check_ma(m, zeros, s, m->code != RADIUS_ACCOUNTING_REQUEST);
}
