/* HMAC-SHA256 and HKDF-SHA256 over OpenSSL's EVP_MAC and EVP_KDF. */
#include "crypto/crypto.h"

#include <pthread.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

static const uint8_t no_bytes[1];

capsa_status capsa_hmac_sha256(uint8_t out[CAPSA_SHA256_BYTES], const uint8_t *key, size_t key_len,
                               const uint8_t *msg, size_t msg_len)
{
	unsigned int out_len = 0;
	if (HMAC(EVP_sha256(), key_len ? key : no_bytes, (int)key_len, msg_len ? msg : no_bytes, msg_len,
	         out, &out_len) == NULL)
		return CAPSA_ERR_INTERNAL;
	return out_len == CAPSA_SHA256_BYTES ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

struct capsa_hmac {
	EVP_MAC_CTX *ctx;
};

static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

capsa_status capsa_hmac_sha256_new(capsa_hmac **out, const uint8_t *key, size_t key_len)
{
	OSSL_PARAM params[2];
	capsa_hmac *h;

	*out = NULL;
	pthread_once(&hmac_once, hmac_fetch);
	if (hmac_alg == NULL)
		return CAPSA_ERR_INTERNAL;
	if ((h = calloc(1, sizeof *h)) == NULL || (h->ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL) {
		free(h);
		return CAPSA_ERR_NOMEM;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	/* the first init sets the key; later ones (start) reuse it */
	if (EVP_MAC_init(h->ctx, key_len ? key : no_bytes, key_len, params) != 1) {
		capsa_hmac_sha256_free(h);
		return CAPSA_ERR_INTERNAL;
	}
	*out = h;
	return CAPSA_OK;
}

capsa_status capsa_hmac_sha256_start(capsa_hmac *h)
{
	return EVP_MAC_init(h->ctx, NULL, 0, NULL) == 1 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

capsa_status capsa_hmac_sha256_update(capsa_hmac *h, const void *data, size_t len)
{
	return len == 0 || EVP_MAC_update(h->ctx, data, len) == 1 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

capsa_status capsa_hmac_sha256_final(capsa_hmac *h, uint8_t out[CAPSA_SHA256_BYTES])
{
	size_t len = 0;
	return EVP_MAC_final(h->ctx, out, &len, CAPSA_SHA256_BYTES) == 1 && len == CAPSA_SHA256_BYTES
	               ? CAPSA_OK
	               : CAPSA_ERR_INTERNAL;
}

void capsa_hmac_sha256_free(capsa_hmac *h)
{
	if (h == NULL)
		return;
	EVP_MAC_CTX_free(h->ctx); /* OpenSSL cleanses the key it holds */
	free(h);
}

static EVP_KDF *hkdf_alg;
static pthread_once_t hkdf_once = PTHREAD_ONCE_INIT;

/* Fetching an algorithm is a provider lookup: do it once, not per derivation. */
static void hkdf_fetch(void)
{
	hkdf_alg = EVP_KDF_fetch(NULL, "HKDF", NULL);
}

/* One HKDF call in the given mode; absent inputs are simply not passed. */
static capsa_status hkdf_run(int mode, uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                             const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len)
{
	OSSL_PARAM params[6], *p = params;
	capsa_status st = CAPSA_ERR_INTERNAL;
	EVP_KDF_CTX *ctx;

	pthread_once(&hkdf_once, hkdf_fetch);
	ctx = hkdf_alg ? EVP_KDF_CTX_new(hkdf_alg) : NULL;
	if (ctx == NULL)
		goto out;
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(key_len ? key : no_bytes), key_len);
	if (salt_len > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	if (info_len > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, out_len, params) == 1)
		st = CAPSA_OK;
out:
	EVP_KDF_CTX_free(ctx);
	return st;
}

capsa_status capsa_hkdf_extract(uint8_t prk[CAPSA_SHA256_BYTES], const uint8_t *salt, size_t salt_len,
                                const uint8_t *ikm, size_t ikm_len)
{
	return hkdf_run(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, prk, CAPSA_SHA256_BYTES, ikm, ikm_len, salt, salt_len,
	                NULL, 0);
}

capsa_status capsa_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[CAPSA_SHA256_BYTES],
                               const uint8_t *info, size_t info_len)
{
	if (out_len == 0 || out_len > 255 * CAPSA_SHA256_BYTES)
		return CAPSA_ERR_ARG;
	return hkdf_run(EVP_KDF_HKDF_MODE_EXPAND_ONLY, out, out_len, prk, CAPSA_SHA256_BYTES, NULL, 0, info,
	                info_len);
}

capsa_status capsa_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                        const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len)
{
	if (out_len == 0 || out_len > 255 * CAPSA_SHA256_BYTES)
		return CAPSA_ERR_ARG;
	return hkdf_run(EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, out, out_len, ikm, ikm_len, salt, salt_len, info,
	                info_len);
}
