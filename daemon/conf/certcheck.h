/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l2secd -n: the files of certificate authentication ([ipsec] certificate,
 * private-key, ca) checked before charon gets them, so a first run fails at
 * the check with the file's name rather than at a client's IKE_SA:
 *  - each exists, is a regular file of at most CERTCHECK_MAX octets;
 *  - certificate and ca: PEM with CERTIFICATE blocks, or one DER structure;
 *    each block's base64 and DER (one SEQUENCE, lengths exact) well formed;
 *  - private-key: PEM (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY) or DER;
 *    an encrypted key is refused (charon gets no passphrase from l2secd);
 *  - the key belongs to the certificate: for RSA the modulus and exponent,
 *    for EC keys that carry their public point the point, compared with the
 *    certificate's subjectPublicKeyInfo. Other key types are not compared.
 * No signature or validity is checked: that is charon's. Key material read
 * is wiped. Errors go to err(arg, path, 0, message); returns their number.
 */
#ifndef L2SECD_CERTCHECK_H
#define L2SECD_CERTCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

#define CERTCHECK_MAX (256u << 10)	/* as daemon/ipsec/ipsec.c reads them */

int certcheck_config(const struct l2sec_config *cfg, config_error_fn err, void *arg);

/* The same on file contents (tests, fuzzing): cert and key may be NULL. */
int certcheck_blobs(const uint8_t *cert, size_t cert_len, const char *cert_name,
		    const uint8_t *key, size_t key_len, const char *key_name,
		    config_error_fn err, void *arg);

#endif
