/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Authentication crypto for PPP: MS-CHAPv2 (RFC 2759) and CHAP-MD5 (RFC 1994).
 *
 * Hash and cipher primitives come from nettle (MD4, MD5, SHA-1, DES). The
 * functions are pure: no state, no allocation, no logging; callers wipe the
 * buffers that held secrets.
 */
#ifndef L2SECD_MSCHAP_H
#define L2SECD_MSCHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSCHAP_NT_HASH_LEN	16
#define MSCHAP_CHALLENGE_LEN	16	/* authenticator and peer challenge */
#define MSCHAP_NT_RESPONSE_LEN	24
/* "S=" and 40 upper-case hex digits, NUL-terminated. */
#define MSCHAP_AUTH_RESPONSE_LEN 43
/* RFC 2759 section 8.1: at most 256 Unicode characters of password. */
#define MSCHAP_MAX_PASSWORD_CHARS 256

/*
 * NtPasswordHash: MD4 over the UTF-16LE encoding of a UTF-8 password.
 * Returns 0, or -1 when the password is not valid UTF-8 or longer than
 * MSCHAP_MAX_PASSWORD_CHARS characters.
 */
int mschap_nt_hash(const char *password, size_t len,
		   uint8_t hash[MSCHAP_NT_HASH_LEN]);

/* ChallengeHash: the first 8 octets of SHA1(peer || auth || user name). */
void mschap_challenge_hash(const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			   const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			   const char *user, size_t user_len, uint8_t out[8]);

/* GenerateNTResponse (RFC 2759 section 8.1). */
void mschap_nt_response(const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			const char *user, size_t user_len,
			const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			uint8_t out[MSCHAP_NT_RESPONSE_LEN]);

/* GenerateAuthenticatorResponse (section 8.7): "S=<40 hex>". */
void mschap_auth_response(const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			  const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
			  const uint8_t peer_chal[MSCHAP_CHALLENGE_LEN],
			  const uint8_t auth_chal[MSCHAP_CHALLENGE_LEN],
			  const char *user, size_t user_len,
			  char out[MSCHAP_AUTH_RESPONSE_LEN]);

/* HashNtPasswordHash: MD4 of the NT hash. */
void mschap_hash_nt_hash(const uint8_t nt_hash[MSCHAP_NT_HASH_LEN],
			 uint8_t out[MSCHAP_NT_HASH_LEN]);

/*
 * The user name that enters ChallengeHash: the name the peer sent, without a
 * "DOMAIN\" prefix (RFC 2759 section 8.2). Returns a pointer into name.
 */
const char *mschap_strip_domain(const char *name, size_t len, size_t *out_len);

/* CHAP-MD5 response: MD5(id || secret || challenge). */
void mschap_md5_response(uint8_t id, const uint8_t *secret, size_t secret_len,
		       const uint8_t *challenge, size_t challenge_len,
		       uint8_t out[16]);

/* Constant-time comparison of secrets and responses. */
bool mschap_equal(const void *a, const void *b, size_t len);

#endif
