// SPDX-License-Identifier: GPL-2.0
/*
 * MS-CHAPv2 and CHAP-MD5 crypto against published vectors: RFC 2759
 * section 9.2 (user "User", password "clientPass"), the DES zero-key vector
 * (weak keys must still be scheduled), and MD5 of RFC 1321.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/des.h>

#include "ppp/mschap.h"

static const uint8_t auth_chal[16] = {
	0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E,
	0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28,
};
static const uint8_t peer_chal[16] = {
	0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A,
	0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C, 0x7E,
};
static const uint8_t pw_hash[16] = {
	0x44, 0xEB, 0xBA, 0x8D, 0x53, 0x12, 0xB8, 0xD6,
	0x11, 0x47, 0x44, 0x11, 0xF5, 0x69, 0x89, 0xAE,
};
static const uint8_t pw_hash_hash[16] = {
	0x41, 0xC0, 0x0C, 0x58, 0x4B, 0xD2, 0xD9, 0x1C,
	0x40, 0x17, 0xA2, 0xA1, 0x2F, 0xA5, 0x9F, 0x3F,
};
static const uint8_t chal_hash[8] = {
	0xD0, 0x2E, 0x43, 0x86, 0xBC, 0xE9, 0x12, 0x26,
};
static const uint8_t nt_resp[24] = {
	0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E,
	0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83, 0x54,
	0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF,
};

static void test_rfc2759_password_hash(void **state)
{
	uint8_t h[16], hh[16];

	(void)state;
	assert_int_equal(mschap_nt_hash("clientPass", 10, h), 0);
	assert_memory_equal(h, pw_hash, 16);
	mschap_hash_nt_hash(h, hh);
	assert_memory_equal(hh, pw_hash_hash, 16);
}

static void test_rfc2759_challenge_hash(void **state)
{
	uint8_t c[8];

	(void)state;
	mschap_challenge_hash(peer_chal, auth_chal, "User", 4, c);
	assert_memory_equal(c, chal_hash, 8);
}

static void test_rfc2759_nt_response(void **state)
{
	uint8_t r[24];

	(void)state;
	mschap_nt_response(auth_chal, peer_chal, "User", 4, pw_hash, r);
	assert_memory_equal(r, nt_resp, 24);
}

static void test_rfc2759_authenticator_response(void **state)
{
	char s[MSCHAP_AUTH_RESPONSE_LEN];

	(void)state;
	mschap_auth_response(pw_hash, nt_resp, peer_chal, auth_chal, "User", 4, s);
	assert_string_equal(s, "S=407A5589115FD0D6209F510FE9C04566932CDA56");
}

/* A different password, or a different user name, changes the response. */
static void test_wrong_inputs_differ(void **state)
{
	uint8_t h[16], r[24];

	(void)state;
	assert_int_equal(mschap_nt_hash("clientPasS", 10, h), 0);
	mschap_nt_response(auth_chal, peer_chal, "User", 4, h, r);
	assert_memory_not_equal(r, nt_resp, 24);
	mschap_nt_response(auth_chal, peer_chal, "user", 4, pw_hash, r);
	assert_memory_not_equal(r, nt_resp, 24);
}

/*
 * An NT hash ending in two zero octets gives the third DES block the key
 * 01 01 01 01 01 01 01 01, a weak key. nettle's des_set_key() reports weak
 * keys but must still schedule them, or such users could never log in:
 * check nettle against the classic vector DES(0101..01, 0) = 8CA64DE9C1B123A7,
 * then that the response's third block is DES(0101..01, ChallengeHash).
 */
static void test_des_weak_key_block(void **state)
{
	static const uint8_t weak[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	static const uint8_t zero[8] = { 0 };
	static const uint8_t want[8] = { 0x8C, 0xA6, 0x4D, 0xE9, 0xC1, 0xB1, 0x23, 0xA7 };
	uint8_t hash[16], r[24], chal[8], out[8];
	struct des_ctx des;

	(void)state;
	assert_int_equal(des_set_key(&des, weak), 0);	/* reported weak */
	des_encrypt(&des, 8, out, zero);
	assert_memory_equal(out, want, 8);

	memcpy(hash, pw_hash, 16);
	hash[14] = hash[15] = 0;
	mschap_nt_response(auth_chal, peer_chal, "User", 4, hash, r);
	mschap_challenge_hash(peer_chal, auth_chal, "User", 4, chal);
	des_encrypt(&des, 8, out, chal);
	assert_memory_equal(r + 16, out, 8);
	/* The first two blocks are those of the unmodified hash. */
	assert_memory_equal(r, nt_resp, 16);
}

static void test_utf8_password(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	/* U+00E9 as UTF-8 differs from the Latin-1 octet: both valid only as UTF-8. */
	assert_int_equal(mschap_nt_hash("R\xC3\xA9sum\xC3\xA9", 8, a), 0);
	assert_int_equal(mschap_nt_hash("R\xC3\xA9sum\xC3\xA8", 8, b), 0);
	assert_memory_not_equal(a, b, 16);
	/* Astral plane character (surrogate pair) accepted. */
	assert_int_equal(mschap_nt_hash("\xF0\x9F\x94\x91", 4, a), 0);
	/* Invalid: lone continuation, truncated sequence, overlong, surrogate. */
	assert_int_equal(mschap_nt_hash("\x80", 1, a), -1);
	assert_int_equal(mschap_nt_hash("a\xC3", 2, a), -1);
	assert_int_equal(mschap_nt_hash("\xC0\xAF", 2, a), -1);
	assert_int_equal(mschap_nt_hash("\xED\xA0\x80", 3, a), -1);
	assert_int_equal(mschap_nt_hash("\xF4\x90\x80\x80", 4, a), -1);
}

static void test_password_length_limit(void **state)
{
	char pw[260];
	uint8_t h[16];

	(void)state;
	memset(pw, 'x', sizeof(pw));
	assert_int_equal(mschap_nt_hash(pw, 256, h), 0);
	assert_int_equal(mschap_nt_hash(pw, 257, h), -1);
}

static void test_strip_domain(void **state)
{
	const char *p;
	size_t n;

	(void)state;
	p = mschap_strip_domain("CORP\\alice", 10, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "alice", 5);
	p = mschap_strip_domain("bob", 3, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "bob", 3);
}

/* CHAP-MD5 is MD5(id || secret || challenge): with an empty secret and
 * challenge "bc" and id 'a' it is MD5("abc") from RFC 1321. */
static void test_chap_md5(void **state)
{
	static const uint8_t md5_abc[16] = {
		0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0,
		0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1, 0x7f, 0x72,
	};
	uint8_t out[16];

	(void)state;
	mschap_md5_response('a', (const uint8_t *)"b", 1, (const uint8_t *)"c", 1, out);
	assert_memory_equal(out, md5_abc, 16);
	assert_true(mschap_equal(out, md5_abc, 16));
	out[15] ^= 1;
	assert_false(mschap_equal(out, md5_abc, 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2759_password_hash),
		cmocka_unit_test(test_rfc2759_challenge_hash),
		cmocka_unit_test(test_rfc2759_nt_response),
		cmocka_unit_test(test_rfc2759_authenticator_response),
		cmocka_unit_test(test_wrong_inputs_differ),
		cmocka_unit_test(test_des_weak_key_block),
		cmocka_unit_test(test_utf8_password),
		cmocka_unit_test(test_password_length_limit),
		cmocka_unit_test(test_strip_domain),
		cmocka_unit_test(test_chap_md5),
	};

	return cmocka_run_group_tests_name("mschap", tests, NULL, NULL);
}
