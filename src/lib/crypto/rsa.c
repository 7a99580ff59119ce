/* RSAES-OAEP with SHA-256 over OpenSSL 3's EVP interface. */
#include "crypto/rsa.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto/crypto.h"
#include "crypto/spki.h"

static EVP_PKEY *rsa_public(const uint8_t *n, size_t n_len, uint32_t e)
{
	BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL), *bn_e = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;

	if (bn_n == NULL || bn_e == NULL || bld == NULL || ctx == NULL || BN_set_word(bn_e, e) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(bn_n);
	BN_free(bn_e);
	return pkey;
}

/* Sets OAEP with SHA-256 and |label| on an encryption context. */
static bool oaep_setup(EVP_PKEY_CTX *ctx, const uint8_t *label, size_t label_len)
{
	unsigned char *l = NULL;

	if (EVP_PKEY_encrypt_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1)
		return false;
	if (label_len == 0)
		return true;
	/* OpenSSL takes ownership of the label buffer on success. */
	if ((l = OPENSSL_memdup(label, label_len)) == NULL)
		return false;
	if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, (int)label_len) != 1) {
		OPENSSL_free(l);
		return false;
	}
	return true;
}

capsa_status capsa_rsa_oaep_sha256_encrypt(uint8_t *out, size_t *out_len, const uint8_t *n, size_t n_len,
                                           uint32_t e, const uint8_t *label, size_t label_len, const uint8_t *in,
                                           size_t in_len)
{
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = n_len;
	capsa_status st = CAPSA_ERR_INTERNAL;

	*out_len = 0;
	if (n_len < 128 || n_len > 512 || n[0] == 0 || e < 3 || (e & 1) == 0 || label_len > 1024)
		return CAPSA_ERR_KEY;
	/* OAEP with SHA-256 carries at most n_len - 66 bytes. */
	if (in_len > n_len - 2 * 32 - 2)
		return CAPSA_ERR_ARG;
	if ((pkey = rsa_public(n, n_len, e)) == NULL)
		return CAPSA_ERR_KEY;
	if ((ctx = EVP_PKEY_CTX_new(pkey, NULL)) != NULL && oaep_setup(ctx, label, label_len) &&
	    EVP_PKEY_encrypt(ctx, out, &len, in, in_len) == 1 && len == n_len) {
		*out_len = len;
		st = CAPSA_OK;
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return st;
}

capsa_status capsa_rsa_spki_der(uint8_t **out, size_t *out_len, const uint8_t *n, size_t n_len, uint32_t e)
{
	EVP_PKEY *pkey;
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (n_len < 128 || n_len > 512 || n[0] == 0 || e < 3 || (e & 1) == 0)
		return CAPSA_ERR_KEY;
	if ((pkey = rsa_public(n, n_len, e)) == NULL)
		return CAPSA_ERR_KEY;
	st = capsa_spki_from_pkey(out, out_len, pkey);
	EVP_PKEY_free(pkey);
	return st;
}
