/* P-256 ECDSA verification and ephemeral ECDH, and AES-128-CFB, over OpenSSL 3. */
#include "crypto/p256.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "crypto/spki.h"

/* Builds an EVP_PKEY from affine coordinates; OpenSSL checks the point is on the curve. */
static EVP_PKEY *p256_public(const uint8_t x[CAPSA_P256_BYTES], const uint8_t y[CAPSA_P256_BYTES])
{
	uint8_t point[1 + 2 * CAPSA_P256_BYTES];
	char group[] = "prime256v1";
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;

	point[0] = 0x04;
	memcpy(point + 1, x, CAPSA_P256_BYTES);
	memcpy(point + 1 + CAPSA_P256_BYTES, y, CAPSA_P256_BYTES);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point);
	params[2] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* DER-encodes (r, s) as an ECDSA-Sig-Value for EVP_DigestVerify. */
static capsa_status ecdsa_der(unsigned char **der, int *der_len, const uint8_t *r, size_t r_len,
                              const uint8_t *s, size_t s_len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, (int)r_len, NULL), *bs = BN_bin2bn(s, (int)s_len, NULL);
	capsa_status st = CAPSA_ERR_INTERNAL;

	*der = NULL;
	if (sig == NULL || br == NULL || bs == NULL || ECDSA_SIG_set0(sig, br, bs) != 1)
		goto out;
	br = bs = NULL; /* owned by sig now */
	if ((*der_len = i2d_ECDSA_SIG(sig, der)) > 0)
		st = CAPSA_OK;
out:
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(sig);
	return st;
}

capsa_status capsa_p256_ecdsa_verify_sha256(const uint8_t x[CAPSA_P256_BYTES], const uint8_t y[CAPSA_P256_BYTES],
                                            const uint8_t *r, size_t r_len, const uint8_t *s, size_t s_len,
                                            const uint8_t *msg, size_t msg_len)
{
	static const uint8_t empty;
	unsigned char *der = NULL;
	int der_len = 0;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	capsa_status st;

	if (r_len == 0 || r_len > CAPSA_P256_BYTES || s_len == 0 || s_len > CAPSA_P256_BYTES)
		return CAPSA_ERR_SIGNATURE;
	if ((pkey = p256_public(x, y)) == NULL)
		return CAPSA_ERR_KEY;
	if ((st = ecdsa_der(&der, &der_len, r, r_len, s, s_len)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_INTERNAL;
	if ((md = EVP_MD_CTX_new()) == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto out;
	st = EVP_DigestVerify(md, der, (size_t)der_len, msg_len ? msg : &empty, msg_len) == 1 ? CAPSA_OK
	                                                                                       : CAPSA_ERR_SIGNATURE;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return st;
}

capsa_status capsa_p256_spki_der(uint8_t **out, size_t *out_len, const uint8_t x[CAPSA_P256_BYTES],
                                 const uint8_t y[CAPSA_P256_BYTES])
{
	EVP_PKEY *pkey = p256_public(x, y);
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (pkey == NULL)
		return CAPSA_ERR_KEY;
	st = capsa_spki_from_pkey(out, out_len, pkey);
	EVP_PKEY_free(pkey);
	return st;
}

/* Reads a public coordinate of an EC key as 32 big-endian bytes. */
static bool p256_coord(const EVP_PKEY *k, const char *name, uint8_t out[CAPSA_P256_BYTES])
{
	BIGNUM *bn = NULL;
	bool ok = EVP_PKEY_get_bn_param(k, name, &bn) == 1 && BN_bn2binpad(bn, out, CAPSA_P256_BYTES) == CAPSA_P256_BYTES;

	BN_free(bn);
	return ok;
}

capsa_status capsa_p256_ecdh_ephemeral(uint8_t eph_x[CAPSA_P256_BYTES], uint8_t eph_y[CAPSA_P256_BYTES],
                                       uint8_t z[CAPSA_P256_BYTES], const uint8_t peer_x[CAPSA_P256_BYTES],
                                       const uint8_t peer_y[CAPSA_P256_BYTES])
{
	EVP_PKEY *peer = p256_public(peer_x, peer_y);
	EVP_PKEY *eph = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t z_len = CAPSA_P256_BYTES;
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (peer == NULL)
		return CAPSA_ERR_KEY;
	if ((eph = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    !p256_coord(eph, OSSL_PKEY_PARAM_EC_PUB_X, eph_x) || !p256_coord(eph, OSSL_PKEY_PARAM_EC_PUB_Y, eph_y))
		goto out;
	/* The derived secret of EC ECDH is the x-coordinate, as the TPM's KDFe wants. */
	if ((ctx = EVP_PKEY_CTX_new(eph, NULL)) == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) != 1 || EVP_PKEY_derive(ctx, z, &z_len) != 1 ||
	    z_len != CAPSA_P256_BYTES)
		goto out;
	st = CAPSA_OK;
out:
	if (st != CAPSA_OK)
		capsa_wipe(z, CAPSA_P256_BYTES);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(peer);
	return st;
}

capsa_status capsa_aes128_cfb_encrypt(uint8_t *out, const uint8_t key[16], const uint8_t iv[16], const uint8_t *in,
                                      size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (len > INT_MAX)
		st = CAPSA_ERR_ARG;
	else if (ctx != NULL && EVP_EncryptInit_ex(ctx, EVP_aes_128_cfb128(), NULL, key, iv) == 1 &&
	         EVP_EncryptUpdate(ctx, out, &n, in, (int)len) == 1 && EVP_EncryptFinal_ex(ctx, out + n, &fin) == 1 &&
	         (size_t)(n + fin) == len)
		st = CAPSA_OK;
	EVP_CIPHER_CTX_free(ctx);
	return st;
}
