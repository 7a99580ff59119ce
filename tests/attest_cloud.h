/*
 * tests/attest_cloud.h - fixtures shared by the SEV-SNP and Nitro tests:
 * loading the real evidence files, naming checks in a result, and a freshly
 * generated P-384 CA and leaf for the wrong-root cases. (Tests may call
 * OpenSSL directly to build fixtures; the library does so only in crypto/.)
 */
#ifndef CAPSA_TESTS_ATTEST_CLOUD_H
#define CAPSA_TESTS_ATTEST_CLOUD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check.h"
#include <capsa/attest.h>

/* Reads tests/vectors/<rel> whole; aborts if it cannot (a missing vector is a broken test). */
static inline uint8_t *load_vector(const char *rel, size_t *len)
{
	FILE *f = fopen(vector_path(rel), "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", vector_path(rel));
		abort();
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Loads a base64 vector (whitespace ignored) and decodes it. */
static inline uint8_t *load_b64_vector(const char *rel, size_t *len)
{
	size_t n, m = 0, pad = 0;
	uint8_t *txt = load_vector(rel, &n), *out;
	int got;

	for (size_t i = 0; i < n; i++)
		if (txt[i] != '\n' && txt[i] != '\r' && txt[i] != ' ')
			txt[m++] = txt[i];
	while (pad < m && txt[m - 1 - pad] == '=')
		pad++;
	out = malloc(m / 4 * 3 + 1);
	if (out == NULL || m % 4 != 0 || (got = EVP_DecodeBlock(out, txt, (int)m)) < 0) {
		fprintf(stderr, "bad base64 in %s\n", rel);
		abort();
	}
	free(txt);
	*len = (size_t)got - pad;
	return out;
}

/* The check named |name| in |res|, or NULL. */
static inline const capsa_attest_check *find_check(const capsa_attest_result *res, const char *name)
{
	for (size_t i = 0; i < res->num_checks; i++)
		if (strcmp(res->checks[i].name, name) == 0)
			return &res->checks[i];
	return NULL;
}

static inline bool check_failed(const capsa_attest_result *res, const char *name)
{
	const capsa_attest_check *c = find_check(res, name);
	return c != NULL && !c->passed;
}

static inline bool check_passed(const capsa_attest_result *res, const char *name)
{
	const capsa_attest_check *c = find_check(res, name);
	return c != NULL && c->passed;
}

static inline EVP_PKEY *fresh_p384_key(void)
{
	return EVP_EC_gen("P-384");
}

/*
 * A certificate for |key| with |subject|, signed by |issuer_key| (self-signed
 * if NULL), valid 2000-2099, naming |issuer_dn| as issuer if not NULL, else
 * CN=|issuer|.
 */
static inline uint8_t *fresh_cert_dn(EVP_PKEY *key, EVP_PKEY *issuer_key, const char *subject, const char *issuer,
                                     const X509_NAME *issuer_dn, bool ca, size_t *der_len)
{
	X509 *x = X509_new();
	X509_NAME *sn = X509_NAME_new(), *in = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *bc;
	unsigned char *der = NULL;
	int n;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_NAME_add_entry_by_txt(sn, "CN", MBSTRING_ASC, (const unsigned char *)subject, -1, -1, 0);
	X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const unsigned char *)issuer, -1, -1, 0);
	X509_set_subject_name(x, sn);
	X509_set_issuer_name(x, issuer_dn ? issuer_dn : in);
	ASN1_TIME_set_string(X509_getm_notBefore(x), "20000101000000Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20990101000000Z");
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	bc = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, bc, -1);
	X509_EXTENSION_free(bc);
	X509_sign(x, issuer_key ? issuer_key : key, EVP_sha384());
	n = i2d_X509(x, &der);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	X509_free(x);
	if (n <= 0)
		abort();
	*der_len = (size_t)n;
	return der; /* OPENSSL_free */
}

static inline uint8_t *fresh_cert(EVP_PKEY *key, EVP_PKEY *issuer_key, const char *subject, const char *issuer,
                                  bool ca, size_t *der_len)
{
	return fresh_cert_dn(key, issuer_key, subject, issuer, NULL, ca, der_len);
}

/* Signs |msg| with |key| (ECDSA P-384, SHA-384) and returns r, s as 48-byte big-endian. */
static inline void p384_sign(EVP_PKEY *key, const uint8_t *msg, size_t msg_len, uint8_t r[48], uint8_t s[48])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128];
	const unsigned char *p = der;
	size_t der_len = sizeof der;
	ECDSA_SIG *sig;

	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &der_len, msg, msg_len) != 1 || (sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) == NULL)
		abort();
	BN_bn2binpad(ECDSA_SIG_get0_r(sig), r, 48);
	BN_bn2binpad(ECDSA_SIG_get0_s(sig), s, 48);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
}

#endif
