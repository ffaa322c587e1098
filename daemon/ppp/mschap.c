// SPDX-License-Identifier: GPL-2.0
/*
 * MS-CHAPv2 (RFC 2759 section 8) and CHAP-MD5 (RFC 1994) computations over
 * nettle. Every buffer that held a password or a hash derived from one is
 * wiped before return.
 */
#include <string.h>

#include <nettle/des.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/sha1.h>

#include "ppp/mschap.h"

static const uint8_t magic1[] = "Magic server to client signing constant";
static const uint8_t magic2[] = "Pad to make it do more than one iteration";

/*
 * Decode one UTF-8 sequence at s[*i] into a code point, rejecting overlong
 * forms, surrogates and values above U+10FFFF. Returns -1 on bad input.
 */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	size_t n, k;
	long cp, min;

	if (c < 0x80) {
		*i += 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1;
		cp = c & 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2;
		cp = c & 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (len - *i <= n)
		return -1;
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (s[*i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += n + 1;
	return cp;
}

int mschap_nt_hash(const char *password, size_t len,
		   uint8_t hash[MSCHAP_NT_HASH_LEN])
{
	/* Two UTF-16 units per character at most (surrogate pairs). */
	uint8_t u16[MSCHAP_MAX_PASSWORD_CHARS * 4];
	const unsigned char *s = (const unsigned char *)password;
	size_t i = 0, o = 0, chars = 0;
	struct md4_ctx md4;
	int ret = -1;
	long cp;

	while (i < len) {
		cp = utf8_next(s, len, &i);
		if (cp < 0 || ++chars > MSCHAP_MAX_PASSWORD_CHARS)
			goto out;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u16[o++] = (uint8_t)((0xD800 | (cp >> 10)) & 0xFF);
			u16[o++] = (uint8_t)((0xD800 | (cp >> 10)) >> 8);
			cp = 0xDC00 | (cp & 0x3FF);
		}
		u16[o++] = (uint8_t)(cp & 0xFF);
		u16[o++] = (uint8_t)(cp >> 8);
	}
	md4_init(&md4);
	md4_update(&md4, o, u16);
	md4_digest(&md4, MSCHAP_NT_HASH_LEN, hash);
	ret = 0;
out:
	explicit_bzero(&md4, sizeof(md4));
	explicit_bzero(u16, sizeof(u16));
	return ret;
}

void mschap_hash_nt_hash(const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			 uint8_t out[MSCHAP_NT_HASH_LEN])
{
	struct md4_ctx md4;

	md4_init(&md4);
	md4_update(&md4, MSCHAP_NT_HASH_LEN, nt_hash);
	md4_digest(&md4, MSCHAP_NT_HASH_LEN, out);
	explicit_bzero(&md4, sizeof(md4));
}

void mschap_challenge_hash(const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			   const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			   const char *user, size_t user_len, uint8_t out[8])
{
	struct sha1_ctx sha;

	sha1_init(&sha);
	sha1_update(&sha, MSCHAP_CHALLENGE_LEN, peer_chal);
	sha1_update(&sha, MSCHAP_CHALLENGE_LEN, auth_chal);
	sha1_update(&sha, user_len, (const uint8_t *)user);
	sha1_digest(&sha, 8, out);
}

/*
 * DesEncrypt with a 7-octet key: spread the 56 key bits over 8 octets
 * (section 8.6); nettle ignores the parity bits, we set them anyway.
 * des_set_key() reports weak keys (an NT hash can yield one, e.g. the last
 * third when hash octets 14 and 15 are zero) but still schedules them, which
 * is what Windows does, so the result is not an error.
 */
static void des_encrypt7(const uint8_t key7[7], const uint8_t clear[8],
			 uint8_t cipher[8])
{
	struct des_ctx des;
	uint8_t key[8];

	key[0] = key7[0] & 0xFE;
	key[1] = (uint8_t)(key7[0] << 7 | key7[1] >> 1);
	key[2] = (uint8_t)(key7[1] << 6 | key7[2] >> 2);
	key[3] = (uint8_t)(key7[2] << 5 | key7[3] >> 3);
	key[4] = (uint8_t)(key7[3] << 4 | key7[4] >> 4);
	key[5] = (uint8_t)(key7[4] << 3 | key7[5] >> 5);
	key[6] = (uint8_t)(key7[5] << 2 | key7[6] >> 6);
	key[7] = (uint8_t)(key7[6] << 1);
	des_fix_parity(8, key, key);
	(void)des_set_key(&des, key);
	des_encrypt(&des, 8, cipher, clear);
	explicit_bzero(&des, sizeof(des));
	explicit_bzero(key, sizeof(key));
}

static void challenge_response(const uint8_t challenge[8],
			       const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			       uint8_t out[MSCHAP_NT_RESPONSE_LEN])
{
	uint8_t z[21] = { 0 };

	memcpy(z, nt_hash, MSCHAP_NT_HASH_LEN);
	des_encrypt7(z, challenge, out);
	des_encrypt7(z + 7, challenge, out + 8);
	des_encrypt7(z + 14, challenge, out + 16);
	explicit_bzero(z, sizeof(z));
}

void mschap_nt_response(const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			const char *user, size_t user_len,
			const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			uint8_t out[MSCHAP_NT_RESPONSE_LEN])
{
	uint8_t chal[8];

	mschap_challenge_hash(peer_chal, auth_chal, user, user_len, chal);
	challenge_response(chal, nt_hash, out);
}

void mschap_auth_response(const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			  const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
			  const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			  const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			  const char *user, size_t user_len,
			  char out[MSCHAP_AUTH_RESPONSE_LEN])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t hh[MSCHAP_NT_HASH_LEN], digest[SHA1_DIGEST_SIZE], chal[8];
	struct sha1_ctx sha;
	size_t i;

	mschap_hash_nt_hash(nt_hash, hh);
	sha1_init(&sha);
	sha1_update(&sha, sizeof(hh), hh);
	sha1_update(&sha, MSCHAP_NT_RESPONSE_LEN, nt_response);
	sha1_update(&sha, sizeof(magic1) - 1, magic1);
	sha1_digest(&sha, sizeof(digest), digest);

	mschap_challenge_hash(peer_chal, auth_chal, user, user_len, chal);
	sha1_init(&sha);
	sha1_update(&sha, sizeof(digest), digest);
	sha1_update(&sha, sizeof(chal), chal);
	sha1_update(&sha, sizeof(magic2) - 1, magic2);
	sha1_digest(&sha, sizeof(digest), digest);

	out[0] = 'S';
	out[1] = '=';
	for (i = 0; i < sizeof(digest); i++) {
		out[2 + 2 * i] = hex[digest[i] >> 4];
		out[3 + 2 * i] = hex[digest[i] & 0xF];
	}
	out[2 + 2 * sizeof(digest)] = '\0';
	explicit_bzero(hh, sizeof(hh));
	explicit_bzero(&sha, sizeof(sha));
}

const char *mschap_strip_domain(const char *name, size_t len, size_t *out_len)
{
	const char *bs = memrchr(name, '\\', len);

	if (!bs) {
		*out_len = len;
		return name;
	}
	*out_len = len - (size_t)(bs + 1 - name);
	return bs + 1;
}

void mschap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len,
		       const uint8_t *challenge, size_t challenge_len,
		       uint8_t out[16])
{
	struct md5_ctx md5;

	md5_init(&md5);
	md5_update(&md5, 1, &id);
	md5_update(&md5, secret_len, secret);
	md5_update(&md5, challenge_len, challenge);
	md5_digest(&md5, MD5_DIGEST_SIZE, out);
	explicit_bzero(&md5, sizeof(md5));
}

bool mschap_equal(const void *a, const void *b, size_t len)
{
	return memeql_sec(a, b, len) != 0;
}
