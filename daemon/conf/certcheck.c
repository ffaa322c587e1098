// SPDX-License-Identifier: GPL-2.0
/* Certificate and key files checked for l2secd -n; see certcheck.h. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/asn1.h>
#include <nettle/base64.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/certcheck.h"
#include "core/util.h"

#define MAX_BLOCKS 16			/* PEM blocks looked at in one file */

/* A slice of a DER buffer. */
struct slice {
	const uint8_t *p;
	size_t len;
};

enum key_kind { KEY_NONE, KEY_RSA, KEY_EC };

/* What a certificate's or a key's public half is, for comparing them. */
struct pubkey {
	enum key_kind kind;
	struct slice n, e;		/* RSA */
	struct slice point;		/* EC */
};

/* One decoded object of a file: a PEM block's DER or the file as DER. */
struct obj {
	char label[32];			/* "" for DER */
	uint8_t *der;
	size_t len;
	bool alloc;
};

struct checker {
	config_error_fn err;
	void *arg;
	int errors;
};

static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };

static void fail(struct checker *c, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct checker *c, const char *file, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->errors++;
	c->err(c->arg, file, 0, msg);
}

/* Exactly one DER SEQUENCE, its lengths consistent (nettle checks them). */
static bool der_one_seq(const uint8_t *d, size_t len)
{
	struct asn1_der_iterator it;

	return asn1_der_iterator_first(&it, len, d) == ASN1_ITERATOR_CONSTRUCTED &&
	       it.type == ASN1_SEQUENCE && it.pos == len;
}

static bool slice_eq_oid(const struct asn1_der_iterator *it, const uint8_t *oid, size_t len)
{
	return it->type == ASN1_IDENTIFIER && it->length == len && !memcmp(it->data, oid, len);
}

/* An INTEGER's value without the leading zero octets DER may put before it. */
static struct slice int_value(const struct asn1_der_iterator *it)
{
	struct slice s = { it->data, it->length };

	while (s.len > 1 && !s.p[0]) {
		s.p++;
		s.len--;
	}
	return s;
}

static bool slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && !memcmp(a.p, b.p, a.len);
}

/* RSAPublicKey or the start of RSAPrivateKey: n, e (after a version for a key). */
static bool rsa_numbers(const uint8_t *d, size_t len, bool has_version, struct pubkey *pk)
{
	struct asn1_der_iterator top, it;

	if (asn1_der_iterator_first(&top, len, d) != ASN1_ITERATOR_CONSTRUCTED ||
	    top.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&top, &it) != ASN1_ITERATOR_PRIMITIVE ||
	    it.type != ASN1_INTEGER)
		return false;
	if (has_version && (asn1_der_iterator_next(&it) != ASN1_ITERATOR_PRIMITIVE ||
			    it.type != ASN1_INTEGER))
		return false;
	pk->n = int_value(&it);
	if (asn1_der_iterator_next(&it) != ASN1_ITERATOR_PRIMITIVE || it.type != ASN1_INTEGER)
		return false;
	pk->e = int_value(&it);
	pk->kind = KEY_RSA;
	return true;
}

/* SEC 1 ECPrivateKey: version 1, the secret, [0] parameters, [1] the public point. */
static bool ec_point(const uint8_t *d, size_t len, struct pubkey *pk)
{
	struct asn1_der_iterator top, it;
	enum asn1_iterator_result r;

	if (asn1_der_iterator_first(&top, len, d) != ASN1_ITERATOR_CONSTRUCTED ||
	    top.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&top, &it) != ASN1_ITERATOR_PRIMITIVE ||
	    it.type != ASN1_INTEGER || it.length != 1 || it.data[0] != 1 ||
	    asn1_der_iterator_next(&it) != ASN1_ITERATOR_PRIMITIVE ||
	    it.type != ASN1_OCTETSTRING)
		return false;
	pk->kind = KEY_EC;	/* a key without its point cannot be compared: fine */
	while ((r = asn1_der_iterator_next(&it)) == ASN1_ITERATOR_CONSTRUCTED) {
		struct asn1_der_iterator bits;

		if (it.type != (ASN1_CLASS_CONTEXT_SPECIFIC | ASN1_TYPE_CONSTRUCTED | 1))
			continue;
		if (asn1_der_decode_constructed(&it, &bits) != ASN1_ITERATOR_PRIMITIVE ||
		    bits.type != ASN1_BITSTRING || bits.length < 2 || bits.data[0])
			return false;
		pk->point = (struct slice){ bits.data + 1, bits.length - 1 };
	}
	return r == ASN1_ITERATOR_END;
}

/* PKCS #8 PrivateKeyInfo: version, algorithm, the key in an OCTET STRING. */
static bool pkcs8_key(const uint8_t *d, size_t len, struct pubkey *pk)
{
	struct asn1_der_iterator top, it, alg;
	bool rsa, ec;

	if (asn1_der_iterator_first(&top, len, d) != ASN1_ITERATOR_CONSTRUCTED ||
	    top.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&top, &it) != ASN1_ITERATOR_PRIMITIVE ||
	    it.type != ASN1_INTEGER ||
	    asn1_der_iterator_next(&it) != ASN1_ITERATOR_CONSTRUCTED || it.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&it, &alg) != ASN1_ITERATOR_PRIMITIVE)
		return false;
	rsa = slice_eq_oid(&alg, oid_rsa, sizeof(oid_rsa));
	ec = slice_eq_oid(&alg, oid_ec, sizeof(oid_ec));
	if (asn1_der_iterator_next(&it) != ASN1_ITERATOR_PRIMITIVE || it.type != ASN1_OCTETSTRING)
		return false;
	if (rsa)
		return rsa_numbers(it.data, it.length, true, pk);
	if (ec)
		return ec_point(it.data, it.length, pk);
	pk->kind = KEY_NONE;	/* Ed25519 and others: well formed, not compared */
	return true;
}

/*
 * A certificate's subjectPublicKeyInfo: tbsCertificate's [0] version if
 * present, then serial, signature, issuer, validity, subject, the key.
 */
static bool cert_pubkey(const uint8_t *d, size_t len, struct pubkey *pk)
{
	struct asn1_der_iterator top, tbs, it, spki, alg;
	enum asn1_iterator_result r;

	if (asn1_der_iterator_first(&top, len, d) != ASN1_ITERATOR_CONSTRUCTED ||
	    top.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&top, &tbs) != ASN1_ITERATOR_CONSTRUCTED ||
	    tbs.type != ASN1_SEQUENCE)
		return false;
	r = asn1_der_decode_constructed(&tbs, &it);
	if (r != ASN1_ITERATOR_PRIMITIVE && r != ASN1_ITERATOR_CONSTRUCTED)
		return false;
	if (it.type == (ASN1_CLASS_CONTEXT_SPECIFIC | ASN1_TYPE_CONSTRUCTED | 0) &&
	    asn1_der_iterator_next(&it) == ASN1_ITERATOR_ERROR)
		return false;
	for (int i = 0; i < 5; i++)
		if (asn1_der_iterator_next(&it) != ASN1_ITERATOR_CONSTRUCTED)
			return false;
	if (it.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&it, &spki) != ASN1_ITERATOR_CONSTRUCTED ||
	    spki.type != ASN1_SEQUENCE ||
	    asn1_der_decode_constructed(&spki, &alg) != ASN1_ITERATOR_PRIMITIVE ||
	    asn1_der_iterator_next(&spki) != ASN1_ITERATOR_PRIMITIVE ||
	    spki.type != ASN1_BITSTRING || spki.length < 2 || spki.data[0])
		return false;
	pk->kind = KEY_NONE;
	if (slice_eq_oid(&alg, oid_rsa, sizeof(oid_rsa)))
		return rsa_numbers(spki.data + 1, spki.length - 1, false, pk);
	if (slice_eq_oid(&alg, oid_ec, sizeof(oid_ec))) {
		pk->kind = KEY_EC;
		pk->point = (struct slice){ spki.data + 1, spki.length - 1 };
	}
	return true;
}

static void objs_free(struct obj *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!o[i].alloc)
			continue;
		explicit_bzero(o[i].der, o[i].len);
		free(o[i].der);
	}
}

/* Base64 between a BEGIN and its END line; headers (Proc-Type...) make it fail. */
static bool pem_decode(const char *b64, size_t len, struct obj *o)
{
	struct base64_decode_ctx ctx;
	size_t out = BASE64_DECODE_LENGTH(len);

	o->der = malloc(out ? out : 1);
	if (!o->der)
		return false;
	o->alloc = true;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &out, o->der, len, b64) || !base64_decode_final(&ctx))
		return false;
	o->len = out;
	return true;
}

/* memmem from p to end */
static const char *find(const char *p, const char *end, const char *what)
{
	return p < end ? memmem(p, (size_t)(end - p), what, strlen(what)) : NULL;
}

/*
 * The objects of a file: its PEM blocks, or the file itself when it has
 * none (DER). Returns their number, -1 after reporting an error.
 */
static int split(struct checker *c, const char *file, const uint8_t *data, size_t len,
		 struct obj *o)
{
	const char *s = (const char *)data, *end = s + len, *b;
	int n = 0;

	if (!find(s, end, "-----BEGIN ")) {
		o[0] = (struct obj){ .der = (uint8_t *)data, .len = len };
		return 1;
	}
	while ((b = find(s, end, "-----BEGIN ")) && n < MAX_BLOCKS) {
		const char *label = b + 11, *le = find(label, end, "-----"), *body, *stop;
		char endline[64];
		size_t ll;

		if (!le || (ll = (size_t)(le - label)) >= sizeof(o[n].label) ||
		    memchr(label, '\n', ll) || memchr(label, '\0', ll)) {
			fail(c, file, "PEM: a BEGIN line that does not end in '-----'");
			return -1;
		}
		memcpy(o[n].label, label, ll);
		o[n].label[ll] = '\0';
		snprintf(endline, sizeof(endline), "-----END %s-----", o[n].label);
		body = le + 5;
		stop = find(body, end, endline);
		if (!stop) {
			fail(c, file, "PEM: a BEGIN line without its END line");
			return -1;
		}
		if (find(body, stop, "Proc-Type:")) {
			fail(c, file, "an encrypted key: l2secd gives charon no passphrase; "
			     "store it decrypted with mode 0600 (openssl pkey -in %s -out NEW)",
			     file);
			return -1;
		}
		n++;
		if (!pem_decode(body, (size_t)(stop - body), &o[n - 1])) {
			fail(c, file, "a PEM block's base64 is broken");
			return -1;
		}
		s = stop + strlen(endline);
	}
	return n;
}

/* Read a whole file, NUL-terminated, at most CERTCHECK_MAX octets. */
static uint8_t *read_all(struct checker *c, const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fail(c, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		fail(c, path, "not a regular file");
	else if (!st.st_size || (size_t)st.st_size > CERTCHECK_MAX)
		fail(c, path, "%s", st.st_size ? "larger than 256 KiB" : "empty");
	else if (!(buf = malloc((size_t)st.st_size + 1)))
		fail(c, path, "out of memory");
	else if ((r = read(fd, buf, (size_t)st.st_size)) != st.st_size) {
		fail(c, path, "cannot read: %s", r < 0 ? strerror(errno) : "short read");
		free(buf);
		buf = NULL;
	} else {
		buf[st.st_size] = '\0';
		*len = (size_t)st.st_size;
	}
	close(fd);
	return buf;
}

/*
 * Certificates: every block a CERTIFICATE of one DER SEQUENCE. The first is
 * handed to the caller in *first (objs_free it), for its public key.
 */
static bool check_certs(struct checker *c, const char *file, const uint8_t *d, size_t len,
			struct obj *first)
{
	struct obj o[MAX_BLOCKS] = { 0 };
	int n = split(c, file, d, len, o);
	bool ok = n > 0;

	for (int i = 0; ok && i < n; i++) {
		if (o[i].label[0] && strcmp(o[i].label, "CERTIFICATE")) {
			fail(c, file, "a PEM block that is no CERTIFICATE where one is expected");
			ok = false;
		} else if (!der_one_seq(o[i].der, o[i].len)) {
			fail(c, file, "%s is not well-formed DER",
			     o[i].label[0] ? "a CERTIFICATE block" : "not PEM, and as DER it");
			ok = false;
		}
	}
	if (ok && first) {
		*first = o[0];
		o[0].alloc = false;
	}
	objs_free(o, MAX_BLOCKS);
	return ok;
}

/* The private key: one block (or DER) of a form charon loads, its public half. */
static bool check_key(struct checker *c, const char *file, const uint8_t *d, size_t len,
		      struct obj *key, struct pubkey *pk)
{
	struct obj o[MAX_BLOCKS] = { 0 };
	int n = split(c, file, d, len, o);
	const char *l = n > 0 ? o[0].label : "";
	bool ok = false;

	if (n < 0)
		goto out;
	if (n != 1) {
		fail(c, file, "%d PEM blocks: a key file holds one key", n);
		goto out;
	}
	if (!strcmp(l, "ENCRYPTED PRIVATE KEY")) {
		fail(c, file, "an encrypted key: l2secd gives charon no passphrase; store it "
		     "decrypted with mode 0600 (openssl pkey -in %s -out NEW)", file);
		goto out;
	}
	if (der_one_seq(o[0].der, o[0].len)) {
		if (!strcmp(l, "RSA PRIVATE KEY"))
			ok = rsa_numbers(o[0].der, o[0].len, true, pk);
		else if (!strcmp(l, "EC PRIVATE KEY"))
			ok = ec_point(o[0].der, o[0].len, pk);
		else if (!strcmp(l, "PRIVATE KEY"))
			ok = pkcs8_key(o[0].der, o[0].len, pk);
		else if (!*l)	/* DER: whichever form it is */
			ok = pkcs8_key(o[0].der, o[0].len, pk) ||
			     rsa_numbers(o[0].der, o[0].len, true, pk) ||
			     ec_point(o[0].der, o[0].len, pk);
	}
	if (!ok)
		fail(c, file, "not a private key charon loads (PEM PRIVATE KEY, RSA PRIVATE KEY, "
		     "EC PRIVATE KEY, or the same as DER)");
	if (ok) {
		*key = o[0];
		o[0].alloc = false;
	}
out:
	objs_free(o, MAX_BLOCKS);
	return ok;
}

static bool same_key(const struct pubkey *a, const struct pubkey *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == KEY_RSA)
		return slice_eq(a->n, b->n) && slice_eq(a->e, b->e);
	return !a->point.len || !b->point.len || slice_eq(a->point, b->point);
}

int certcheck_blobs(const uint8_t *cert, size_t cert_len, const char *cert_name,
		    const uint8_t *key, size_t key_len, const char *key_name,
		    config_error_fn err, void *arg)
{
	struct checker c = { .err = err, .arg = arg };
	struct obj co = { 0 }, ko = { 0 };
	struct pubkey cpk = { 0 }, kpk = { 0 };
	bool have_cert, have_key;

	have_cert = cert && check_certs(&c, cert_name, cert, cert_len, &co);
	if (have_cert && !cert_pubkey(co.der, co.len, &cpk)) {
		fail(&c, cert_name, "its certificate has no subjectPublicKeyInfo where X.509 "
		     "puts it");
		have_cert = false;
	}
	have_key = key && check_key(&c, key_name, key, key_len, &ko, &kpk);
	/* only keys of a kind both sides name are compared */
	if (have_cert && have_key && cpk.kind != KEY_NONE && kpk.kind != KEY_NONE &&
	    !same_key(&cpk, &kpk))
		fail(&c, key_name, "is not the private key of the certificate %s", cert_name);
	objs_free(&co, 1);
	objs_free(&ko, 1);
	return c.errors;
}

/* One file's contents into *out; its errors' number. */
static int load(const char *path, config_error_fn err, void *arg, uint8_t **out, size_t *len)
{
	struct checker c = { .err = err, .arg = arg };

	*out = read_all(&c, path, len);
	return c.errors;
}

int certcheck_config(const struct l2sec_config *cfg, config_error_fn err, void *arg)
{
	uint8_t *cert = NULL, *key = NULL, *ca = NULL;
	size_t cert_len = 0, key_len = 0, ca_len = 0;
	int n = 0;

	if (!cfg->cert_path[0] && !cfg->key_path[0] && !cfg->ca_path[0])
		return 0;
	if (cfg->cert_path[0])
		n += load(cfg->cert_path, err, arg, &cert, &cert_len);
	if (cfg->key_path[0])
		n += load(cfg->key_path, err, arg, &key, &key_len);
	if (cfg->ca_path[0])
		n += load(cfg->ca_path, err, arg, &ca, &ca_len);
	n += certcheck_blobs(cert, cert_len, cfg->cert_path, key, key_len, cfg->key_path,
			     err, arg);
	if (ca)
		n += certcheck_blobs(ca, ca_len, cfg->ca_path, NULL, 0, NULL, err, arg);
	if (key)
		explicit_bzero(key, key_len);
	free(cert);
	free(key);
	free(ca);
	return n;
}
