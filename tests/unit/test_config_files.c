// SPDX-License-Identifier: GPL-2.0
/*
 * l2secd -n's checks of the files [ipsec] names (certcheck.h): certificates
 * and keys as openssl writes them (PEM and DER; SEC 1, PKCS #1 and PKCS #8
 * keys; RSA and P-256), a key of another certificate, an encrypted key,
 * files swapped, and broken ones. The fixtures are throwaway keys made with
 * openssl for this test (ecparam/genrsa, req -x509, pkcs8 -topk8).
 */
#include <nettle/base64.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf/certcheck.h"
#include "conf/config.h"

static const char ec_key[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIIegqiUsJF7jZmgu4Q0zPWc13hCTeLdppDl40sNe5ZQtoAoGCCqGSM49\n"
	"AwEHoUQDQgAE3djkZCuCJJ7AWYpOeiCYGi6v3t8qmIPpMxo/iEPZjtBTULSI7nRd\n"
	"pSicTbUxA46GNeblHJk3oBJRd1Vu/VyWHA==\n"
	"-----END EC PRIVATE KEY-----\n";

static const char ec_key_pkcs8[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgh6CqJSwkXuNmaC7h\n"
	"DTM9ZzXeEJN4t2mkOXjSw17llC2hRANCAATd2ORkK4IknsBZik56IJgaLq/e3yqY\n"
	"g+kzGj+IQ9mO0FNQtIjudF2lKJxNtTEDjoY15uUcmTegElF3VW79XJYc\n"
	"-----END PRIVATE KEY-----\n";

static const char ec_other_key[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIIuFHayc+R61CY8LWWAvl6RI5LerehSJTjN6b2RGyv0doAoGCCqGSM49\n"
	"AwEHoUQDQgAEM5JYA2jzufz/2dl0d+6Di4s/ccmT1n8HmSi5IQibj2O1Q49hu4wT\n"
	"KXza0r05VwHdadBDNgpokxA3m8JE0UP49A==\n"
	"-----END EC PRIVATE KEY-----\n";

static const char ec_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBcDCCARWgAwIBAgIUDXpmQxUFNud2ew6U8QSCB8ZycjgwCgYIKoZIzj0EAwIw\n"
	"DTELMAkGA1UEAwwCZ3cwHhcNMjYxMjA0MjM0MDI1WhcNMzYxMjAxMjM0MDI1WjAN\n"
	"MQswCQYDVQQDDAJndzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABN3Y5GQrgiSe\n"
	"wFmKTnogmBour97fKpiD6TMaP4hD2Y7QU1C0iO50XaUonE21MQOOhjXm5RyZN6AS\n"
	"UXdVbv1clhyjUzBRMB0GA1UdDgQWBBRiI3LTWxZ1I93UyFRZKtdQZUzqoTAfBgNV\n"
	"HSMEGDAWgBRiI3LTWxZ1I93UyFRZKtdQZUzqoTAPBgNVHRMBAf8EBTADAQH/MAoG\n"
	"CCqGSM49BAMCA0kAMEYCIQDwvtyHXrSm6H6+YKC1uYgwkm9+R/EgzXg9KN3mtoW6\n"
	"ogIhAN1AmUdtsIloB7j4q7XOXu8/A3HGVcD/vpVnzpglS2n9\n"
	"-----END CERTIFICATE-----\n";

static const char ec_key_encrypted[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjLHgl5SXAK9QICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEP60vcuieL8uD1DA68BwrP8EgZCb\n"
	"10SMj00yj1E9jruDh0JKed5SatJNlk0kffpWTuZmlItknMcs2CprfXBk0ykjeuMi\n"
	"P6IDrtQpyQaJFbvzTf3gaCxbTEdzJRL+UuGQNx92byXFCPLdgbmkGgEsQTeU+gIr\n"
	"DwHRjzw0B3OzwevjS68C2uhSdj+R7rg3JVe5/McKoFk7gfrG1MLGUF5+h+E0uFw=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

static const char rsa_key[] =
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIICXAIBAAKBgQDRaDuL470vLh+Xt7MCE6+bNAHLfHdLAImu9D7zQGiUkPWID9/3\n"
	"8HoFqH7Nj0vm4QJPYopDTmUpV8OhiK7qAq1Ft222UkyckJ3Go0lCroEYG5KA1J8q\n"
	"g2ftyZFMh0uIucM5e8batjWuSgj0OKnSZ/X7bICEpKVe3V72Pg6LMWy2xQIDAQAB\n"
	"AoGACLkY0ej4toBrXHyQfmOniwWNlZZnub4Z/im6fZOPR7EKKVLP95oS2y17qsBv\n"
	"Xvy8heYK8GbRm/lF8vKopqLZ6Nwr0cuFwvAvXFVXwMwBb31b3ATKni3x2dv1Ytjx\n"
	"SerRDJKwC66TjMjcad3/qjfSyrPzHeioTmT3o4uYq0//q/kCQQD/GeXetX4UNrl4\n"
	"R+gpL2Whod/e0ZnyWVWoVx5j+suaaihjr9Ux7xAquFH9YpHDNkHbNOXXKSbtizTt\n"
	"osGwlTkfAkEA0iUeWEAN/Kfkx5kQpn4xXs6NxPs8HkawV0+sI014SIRydH3zFDIM\n"
	"LFSxAk7r67vssrIImYPPKrajMOSrPuu/mwJABldBdHi0apI1p/y5k5R/BTZ91w8E\n"
	"sZZw359SvQ910h/DYz7yoKwdjcJJH3A8yUpm9qjo8aEvO4ZTSXjbMaVz5wJAdN7v\n"
	"4WS+YqV9NwSJng7Qpkl5zvNqm+v0ZpqIwZl0K+B9RwxFBBZRbtYrG32I97GsEjWx\n"
	"Uq9bqAWq/KYwFu5FwQJBAMzVOBvMFTRmTA5QDPLNVZLdxmw2KPWt1om+2CEoTPn0\n"
	"ItIKWFLUkkrUJYxw6Uy4aGDPF5akKfj2vGXYddpYMx4=\n"
	"-----END RSA PRIVATE KEY-----\n";

static const char rsa_key_pkcs8[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBANFoO4vjvS8uH5e3\n"
	"swITr5s0Act8d0sAia70PvNAaJSQ9YgP3/fwegWofs2PS+bhAk9iikNOZSlXw6GI\n"
	"ruoCrUW3bbZSTJyQncajSUKugRgbkoDUnyqDZ+3JkUyHS4i5wzl7xtq2Na5KCPQ4\n"
	"qdJn9ftsgISkpV7dXvY+DosxbLbFAgMBAAECgYAIuRjR6Pi2gGtcfJB+Y6eLBY2V\n"
	"lme5vhn+Kbp9k49HsQopUs/3mhLbLXuqwG9e/LyF5grwZtGb+UXy8qimotno3CvR\n"
	"y4XC8C9cVVfAzAFvfVvcBMqeLfHZ2/Vi2PFJ6tEMkrALrpOMyNxp3f+qN9LKs/Md\n"
	"6KhOZPeji5irT/+r+QJBAP8Z5d61fhQ2uXhH6CkvZaGh397RmfJZVahXHmP6y5pq\n"
	"KGOv1THvECq4Uf1ikcM2Qds05dcpJu2LNO2iwbCVOR8CQQDSJR5YQA38p+THmRCm\n"
	"fjFezo3E+zweRrBXT6wjTXhIhHJ0ffMUMgwsVLECTuvru+yysgiZg88qtqMw5Ks+\n"
	"67+bAkAGV0F0eLRqkjWn/LmTlH8FNn3XDwSxlnDfn1K9D3XSH8NjPvKgrB2Nwkkf\n"
	"cDzJSmb2qOjxoS87hlNJeNsxpXPnAkB03u/hZL5ipX03BImeDtCmSXnO82qb6/Rm\n"
	"mojBmXQr4H1HDEUEFlFu1isbfYj3sawSNbFSr1uoBar8pjAW7kXBAkEAzNU4G8wV\n"
	"NGZMDlAM8s1Vkt3GbDYo9a3Wib7YIShM+fQi0gpYUtSSStQljHDpTLhoYM8XlqQp\n"
	"+Pa8Zdh12lgzHg==\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa_other_key[] =
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIICXQIBAAKBgQDKLLq/BWZdIoTiUD9Ws336XlAZIAJox8wlZ4tsy/ggRIWHTlMJ\n"
	"r2amb5k1u8zsWiuCqxaRvZKNdFDInwEY551K/EkgC4HSQBl66qgJDReDgqBjboRO\n"
	"CrlaMwdDIXd2aniA8EjmFW+V7H6+DyNchjD4tFGUF874JGtVoqkK4hyRVwIDAQAB\n"
	"AoGBAIWyPLCT1pSifjPXE3u3aQjHk7p5w34dGjBmH/qLjANyrMbEkf8mogBQboXt\n"
	"Ml/eZUWc9Gjeb2rhz4ZMOAKLMCU4ZTwa5m8B/YutCsipAPMSNY1a5MZWmDjsLEsQ\n"
	"68032+luqM9Lt2EhZ6ZrY1urGEeVbgGlL5IBlYKTJRGy+xjZAkEA6OKcSvkk1UOr\n"
	"fXmPhHhmFuqLEm9/lwfz8ngM7mCr2mHztdFUKrF++YFmfozCxgJTTQijabil3j42\n"
	"MRXAdJlMOwJBAN49y5jfJLkInJsU3TVTEBmGD40jMcA/zmmX8NPSsIbzBpattoxv\n"
	"QDpewQzjj79kGARjRdO/mctQr/zu+pbtaZUCQFFVExB8AokYoQOpOJ4jDkRilT9T\n"
	"AVRVyrSbiKiXymzyWJLfEG34n0e0EX+Q2VUd6sm0gp2hhwwe3f42gog2IZECQQC6\n"
	"63yfUicf3adiJDU9kWQ8I25XBd/lU4U3eMzcTBufFS5YczjTewqpTWLPhWI01moA\n"
	"3sIvK7qdr3qloRZw9LPVAkBVQlexzrdt/EVBqrWdq967pq2Ken6TNxHR0rYIofuA\n"
	"Pn0qr1hIMgEQkQiHLyYw12NMfVDcIU4jO7F70OTUKvwq\n"
	"-----END RSA PRIVATE KEY-----\n";

static const char rsa_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIB9jCCAV+gAwIBAgIUaAwyj8AVzyLajUnncUY29CbfYLwwDQYJKoZIhvcNAQEL\n"
	"BQAwDTELMAkGA1UEAwwCZ3cwHhcNMjYxMjA0MjM0MDI1WhcNMzYxMjAxMjM0MDI1\n"
	"WjANMQswCQYDVQQDDAJndzCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA0Wg7\n"
	"i+O9Ly4fl7ezAhOvmzQBy3x3SwCJrvQ+80BolJD1iA/f9/B6Bah+zY9L5uECT2KK\n"
	"Q05lKVfDoYiu6gKtRbdttlJMnJCdxqNJQq6BGBuSgNSfKoNn7cmRTIdLiLnDOXvG\n"
	"2rY1rkoI9Dip0mf1+2yAhKSlXt1e9j4OizFstsUCAwEAAaNTMFEwHQYDVR0OBBYE\n"
	"FF7byeAN1CSxxME7ODbsetEdhiwXMB8GA1UdIwQYMBaAFF7byeAN1CSxxME7ODbs\n"
	"etEdhiwXMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADgYEAk/98iRKh\n"
	"IYWCEEvOzDhZHhtLcjnUEQMxUCqcdcKvyuz2lRXuyYVpd8/FXLrBsRIvKSUnWi+8\n"
	"Lu9wvH6xMAO+mP9w20hJlthiwM6DK09Cua8j6H1fOgrqq2Jmw2+1pqLkeD7gRe+i\n"
	"p331voGfk5QLmbCzblCpR1eGoZy4cULNlBs=\n"
	"-----END CERTIFICATE-----\n";

struct errs {
	char file[8][64];
	char msg[8][300];
	int n;
};

static void collect(void *arg, const char *file, unsigned int line, const char *msg)
{
	struct errs *e = arg;

	assert_int_equal(line, 0);
	if (e->n < 8) {
		snprintf(e->file[e->n], sizeof(e->file[0]), "%s", file);
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

static int check(const void *cert, size_t cert_len, const void *key, size_t key_len,
		 struct errs *e)
{
	int n;

	memset(e, 0, sizeof(*e));
	n = certcheck_blobs(cert, cert_len, "cert.pem", key, key_len, "key.pem", collect, e);
	assert_int_equal(n, e->n);
	return n;
}

#define PEM(s) (const uint8_t *)(s), strlen(s)

/* The DER inside a one-block PEM text (malloc'd). */
static uint8_t *to_der(const char *pem, size_t *len)
{
	const char *b = strchr(pem, '\n') + 1, *end = strstr(b, "-----END");
	struct base64_decode_ctx ctx;
	uint8_t *der = malloc(BASE64_DECODE_LENGTH(end - b));

	assert_non_null(der);
	base64_decode_init(&ctx);
	assert_true(base64_decode_update(&ctx, len, der, (size_t)(end - b), b));
	assert_true(base64_decode_final(&ctx));
	return der;
}

static void test_matching(void **state)
{
	uint8_t *cert_der, *key_der;
	size_t cert_len, key_len;
	struct errs e;

	(void)state;
	assert_int_equal(check(PEM(ec_cert), PEM(ec_key), &e), 0);
	assert_int_equal(check(PEM(ec_cert), PEM(ec_key_pkcs8), &e), 0);
	assert_int_equal(check(PEM(rsa_cert), PEM(rsa_key), &e), 0);
	assert_int_equal(check(PEM(rsa_cert), PEM(rsa_key_pkcs8), &e), 0);
	cert_der = to_der(rsa_cert, &cert_len);
	key_der = to_der(rsa_key_pkcs8, &key_len);
	assert_int_equal(check(cert_der, cert_len, key_der, key_len, &e), 0);
	free(key_der);
	key_der = to_der(rsa_key, &key_len);	/* PKCS #1 as DER */
	assert_int_equal(check(cert_der, cert_len, key_der, key_len, &e), 0);
	free(cert_der);
	free(key_der);
	/* a CA file: certificates only, no key */
	assert_int_equal(check(PEM(ec_cert), NULL, 0, &e), 0);
}

/* The classic first-run mistake: the key of another certificate. */
static void test_mismatch(void **state)
{
	struct errs e;

	(void)state;
	assert_int_equal(check(PEM(ec_cert), PEM(ec_other_key), &e), 1);
	assert_string_equal(e.file[0], "key.pem");
	assert_non_null(strstr(e.msg[0], "not the private key of the certificate cert.pem"));
	assert_int_equal(check(PEM(rsa_cert), PEM(rsa_other_key), &e), 1);
	assert_non_null(strstr(e.msg[0], "not the private key"));
	assert_int_equal(check(PEM(rsa_cert), PEM(ec_key), &e), 1);
	assert_int_equal(check(PEM(ec_cert), PEM(rsa_key_pkcs8), &e), 1);
}

static void test_wrong_files(void **state)
{
	struct errs e;

	(void)state;
	assert_int_equal(check(PEM(ec_cert), PEM(ec_key_encrypted), &e), 1);
	assert_non_null(strstr(e.msg[0], "encrypted"));
	/* swapped */
	assert_int_equal(check(PEM(ec_key), PEM(ec_cert), &e), 2);
	assert_string_equal(e.file[0], "cert.pem");
	assert_non_null(strstr(e.msg[0], "no CERTIFICATE"));
	assert_string_equal(e.file[1], "key.pem");
	assert_non_null(strstr(e.msg[1], "not a private key"));
	/* two keys in one file */
	{
		char two[2048];

		snprintf(two, sizeof(two), "%s%s", ec_key, ec_key);
		assert_int_equal(check(PEM(ec_cert), PEM(two), &e), 1);
		assert_non_null(strstr(e.msg[0], "2 PEM blocks"));
	}
}

/* Broken files: each an error, never a crash or a read past the end. */
static void test_broken(void **state)
{
	char buf[2048];
	size_t len = strlen(ec_cert);
	uint8_t *der;
	size_t der_len;
	struct errs e;

	(void)state;
	/* cut in the middle: no END line */
	assert_int_equal(check(ec_cert, len / 2, NULL, 0, &e), 1);
	assert_non_null(strstr(e.msg[0], "without its END"));
	/* a character that is no base64 */
	snprintf(buf, sizeof(buf), "%s", ec_cert);
	buf[40] = '!';
	assert_int_equal(check(PEM(buf), NULL, 0, &e), 1);
	assert_non_null(strstr(e.msg[0], "base64"));
	/* base64 fine, DER cut short */
	der = to_der(ec_cert, &der_len);
	assert_int_equal(check(der, der_len - 1, NULL, 0, &e), 1);
	/* DER with a byte after it */
	der = realloc(der, der_len + 1);
	der[der_len] = 0;
	assert_int_equal(check(der, der_len + 1, NULL, 0, &e), 1);
	free(der);
	/* nothing at all, and text that is neither */
	assert_int_equal(check("", 0, NULL, 0, &e), 1);
	assert_int_equal(check(PEM("hello\n"), NULL, 0, &e), 1);
	assert_int_equal(check(PEM("-----BEGIN CERTIFICATE"), NULL, 0, &e), 1);
	assert_int_equal(check(PEM("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
			       NULL, 0, &e), 1);
}

/* The files as -n reads them: missing ones named. */
static void test_config_files(void **state)
{
	char dir[] = "/tmp/l2sec-certcheck-XXXXXX", cert[64], key[64];
	struct l2sec_config cfg;
	struct errs e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	f = fopen(cert, "w");
	fputs(ec_cert, f);
	fclose(f);
	config_defaults(&cfg);
	snprintf(cfg.cert_path, sizeof(cfg.cert_path), "%s", cert);
	snprintf(cfg.key_path, sizeof(cfg.key_path), "%s", key);
	snprintf(cfg.ca_path, sizeof(cfg.ca_path), "%s", cert);
	memset(&e, 0, sizeof(e));
	assert_int_equal(certcheck_config(&cfg, collect, &e), 1);
	assert_string_equal(e.file[0], key);
	assert_non_null(strstr(e.msg[0], "cannot open"));
	f = fopen(key, "w");
	fputs(ec_key, f);
	fclose(f);
	memset(&e, 0, sizeof(e));
	assert_int_equal(certcheck_config(&cfg, collect, &e), 0);
	/* no certificate authentication: nothing to check */
	config_defaults(&cfg);
	assert_int_equal(certcheck_config(&cfg, collect, &e), 0);
	unlink(cert);
	unlink(key);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_wrong_files),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_config_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
