/* Memory hygiene, randomness and SHA-256 over OpenSSL. */
#include "crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>

void capsa_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

bool capsa_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

capsa_status capsa_random(uint8_t *out, size_t len)
{
	while (len > 0) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len;
		if (RAND_priv_bytes(out, n) != 1)
			return CAPSA_ERR_INTERNAL;
		out += n;
		len -= (size_t)n;
	}
	return CAPSA_OK;
}

/*
 * SHA-256, fetched from the provider once: EVP_sha256() makes every
 * EVP_DigestInit_ex look the implementation up again, which costs as much as
 * hashing a short message (Umbral hashes many).
 */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	return sha256_md;
}

capsa_status capsa_sha256_init(capsa_sha256_ctx *ctx)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ctx->md_ctx = NULL;
	if (md == NULL)
		return CAPSA_ERR_NOMEM;
	if (sha256() == NULL || EVP_DigestInit_ex(md, sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return CAPSA_ERR_INTERNAL;
	}
	ctx->md_ctx = md;
	return CAPSA_OK;
}

capsa_status capsa_sha256_update(capsa_sha256_ctx *ctx, const void *data, size_t len)
{
	if (len == 0)
		return CAPSA_OK;
	return EVP_DigestUpdate(ctx->md_ctx, data, len) == 1 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

capsa_status capsa_sha256_final(capsa_sha256_ctx *ctx, uint8_t out[CAPSA_SHA256_BYTES])
{
	int ok = EVP_DigestFinal_ex(ctx->md_ctx, out, NULL);
	capsa_sha256_cleanup(ctx);
	return ok == 1 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

void capsa_sha256_cleanup(capsa_sha256_ctx *ctx)
{
	EVP_MD_CTX_free(ctx->md_ctx);
	ctx->md_ctx = NULL;
}

capsa_status capsa_sha256(uint8_t out[CAPSA_SHA256_BYTES], const void *data, size_t len)
{
	/* EVP_Digest accepts NULL data only with zero length; keep that contract. */
	static const uint8_t empty;
	const EVP_MD *md = sha256();
	return md != NULL && EVP_Digest(len ? data : &empty, len, out, NULL, md, NULL) == 1 ? CAPSA_OK
	                                                                                    : CAPSA_ERR_INTERNAL;
}
