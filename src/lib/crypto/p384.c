/* ECDSA P-384 / SHA-384 verification over OpenSSL's EVP interface. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/p384.h"

/* Parses |spki| and accepts only an EC key on secp384r1. */
static capsa_status load_p384_key(EVP_PKEY **out, const uint8_t *spki, size_t spki_len)
{
	const unsigned char *p = spki;
	char group[32];
	size_t group_len = 0;
	EVP_PKEY *pkey;

	*out = NULL;
	if (spki == NULL || spki_len == 0 || spki_len > 1024)
		return CAPSA_ERR_KEY;
	pkey = d2i_PUBKEY(NULL, &p, (long)spki_len);
	if (pkey == NULL || p != spki + spki_len || !EVP_PKEY_is_a(pkey, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &group_len) ||
	    strcmp(group, "secp384r1") != 0) {
		EVP_PKEY_free(pkey);
		return CAPSA_ERR_KEY;
	}
	*out = pkey;
	return CAPSA_OK;
}

/* Encodes (r, s) as a DER ECDSA-Sig-Value; takes ownership of |r| and |s|. */
static capsa_status encode_sig(unsigned char **der, int *der_len, BIGNUM *r, BIGNUM *s)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();

	*der = NULL;
	if (sig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(sig, r, s)) {
		ECDSA_SIG_free(sig);
		BN_free(r);
		BN_free(s);
		return CAPSA_ERR_NOMEM;
	}
	*der_len = i2d_ECDSA_SIG(sig, der);
	ECDSA_SIG_free(sig);
	return *der_len > 0 ? CAPSA_OK : CAPSA_ERR_NOMEM;
}

/* Verifies a DER signature over SHA-384(msg). */
static capsa_status verify_der(const uint8_t *spki, size_t spki_len, const unsigned char *der, int der_len,
                               const uint8_t *msg, size_t msg_len)
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *pkey = NULL;
	capsa_status st;
	int rc;

	if ((st = load_p384_key(&pkey, spki, spki_len)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_NOMEM;
	if ((md = EVP_MD_CTX_new()) == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, pkey) != 1)
		goto out;
	rc = EVP_DigestVerify(md, der, (size_t)der_len, msg, msg_len);
	st = rc == 1 ? CAPSA_OK : CAPSA_ERR_SIGNATURE;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return st;
}

capsa_status capsa_p384_verify(const uint8_t *spki, size_t spki_len, const uint8_t sig[CAPSA_P384_SIGBYTES],
                               const uint8_t *msg, size_t msg_len)
{
	unsigned char *der = NULL;
	int der_len = 0;
	capsa_status st;

	if (sig == NULL || (msg == NULL && msg_len != 0))
		return CAPSA_ERR_ARG;
	st = encode_sig(&der, &der_len, BN_bin2bn(sig, CAPSA_P384_SCALARBYTES, NULL),
	                BN_bin2bn(sig + CAPSA_P384_SCALARBYTES, CAPSA_P384_SCALARBYTES, NULL));
	if (st == CAPSA_OK)
		st = verify_der(spki, spki_len, der, der_len, msg, msg_len);
	OPENSSL_free(der); /* public: not wiped */
	return st;
}

static bool high_bytes_zero(const uint8_t v[CAPSA_P384_LE_FIELDBYTES])
{
	uint8_t acc = 0;

	for (size_t i = CAPSA_P384_SCALARBYTES; i < CAPSA_P384_LE_FIELDBYTES; i++)
		acc |= v[i];
	return acc == 0;
}

capsa_status capsa_p384_verify_le(const uint8_t *spki, size_t spki_len, const uint8_t r[CAPSA_P384_LE_FIELDBYTES],
                                  const uint8_t s[CAPSA_P384_LE_FIELDBYTES], const uint8_t *msg,
                                  size_t msg_len)
{
	unsigned char *der = NULL;
	int der_len = 0;
	capsa_status st;

	if (r == NULL || s == NULL || (msg == NULL && msg_len != 0))
		return CAPSA_ERR_ARG;
	if (!high_bytes_zero(r) || !high_bytes_zero(s))
		return CAPSA_ERR_SIGNATURE;
	st = encode_sig(&der, &der_len, BN_lebin2bn(r, CAPSA_P384_SCALARBYTES, NULL),
	                BN_lebin2bn(s, CAPSA_P384_SCALARBYTES, NULL));
	if (st == CAPSA_OK)
		st = verify_der(spki, spki_len, der, der_len, msg, msg_len);
	OPENSSL_free(der);
	return st;
}
