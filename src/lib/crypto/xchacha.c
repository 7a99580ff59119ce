/* XChaCha20-Poly1305 from OpenSSL's ChaCha20 and ChaCha20-Poly1305 (see xchacha.h). */
#include "crypto/xchacha.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"

static const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/*
 * The ciphers are fetched once: an implicit fetch on every use (EVP_chacha20())
 * costs about as much as sealing a short message.
 */
static EVP_CIPHER *chacha20, *chacha20_poly1305;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_ciphers(void)
{
	chacha20 = EVP_CIPHER_fetch(NULL, "ChaCha20", NULL);
	chacha20_poly1305 = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
}

static bool ciphers_ready(void)
{
	pthread_once(&fetch_once, fetch_ciphers);
	return chacha20 != NULL && chacha20_poly1305 != NULL;
}

/* One ChaCha20 block for |key| with state words 12..15 = |in| (OpenSSL's 16-byte IV is exactly those words). */
static capsa_status chacha_block(EVP_CIPHER_CTX *c, uint8_t block[64], const uint8_t key[32], const uint8_t in[16])
{
	static const uint8_t zeros[64];
	int len = 0;

	if (EVP_EncryptInit_ex2(c, chacha20, key, in, NULL) != 1 || EVP_EncryptUpdate(c, block, &len, zeros, 64) != 1 ||
	    len != 64)
		return CAPSA_ERR_INTERNAL;
	return CAPSA_OK;
}

/* HChaCha20 on |c|: block word i = rounds(state)[i] + state[i]; the output is rounds(state) words 0..3 and 12..15. */
static capsa_status hchacha_ctx(EVP_CIPHER_CTX *c, uint8_t out[32], const uint8_t key[32], const uint8_t in[16])
{
	uint8_t block[64];
	capsa_status st = chacha_block(c, block, key, in);

	for (int i = 0; i < 4 && st == CAPSA_OK; i++) {
		store_le32(out + 4 * i, load_le32(block + 4 * i) - sigma[i]);
		store_le32(out + 16 + 4 * i, load_le32(block + 48 + 4 * i) - load_le32(in + 4 * i));
	}
	capsa_wipe(block, sizeof block);
	return st;
}

capsa_status capsa_hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t in[16])
{
	EVP_CIPHER_CTX *c = ciphers_ready() ? EVP_CIPHER_CTX_new() : NULL;
	capsa_status st = c != NULL ? hchacha_ctx(c, out, key, in) : CAPSA_ERR_INTERNAL;

	EVP_CIPHER_CTX_free(c);
	return st;
}

/* Derives the subkey and sets |c| up for ChaCha20-Poly1305 with nonce 0^4 || nonce[16..24]. */
static capsa_status xchacha_init(EVP_CIPHER_CTX *c, const uint8_t key[32], const uint8_t nonce[24], int enc)
{
	uint8_t subkey[32], n12[12] = {0};
	capsa_status st = hchacha_ctx(c, subkey, key, nonce);

	memcpy(n12 + 4, nonce + 16, 8);
	if (st == CAPSA_OK && (EVP_CIPHER_CTX_reset(c) != 1 || EVP_CipherInit_ex2(c, chacha20_poly1305, subkey, n12, enc, NULL) != 1))
		st = CAPSA_ERR_INTERNAL;
	capsa_wipe(subkey, sizeof subkey);
	return st;
}

/* Feeds |len| bytes through |c| in int-sized pieces (|out| NULL: associated data). */
static bool update_all(EVP_CIPHER_CTX *c, uint8_t *out, const uint8_t *in, size_t len)
{
	while (len > 0) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len, got = 0;
		if (EVP_CipherUpdate(c, out, &got, in, n) != 1 || (out != NULL && got != n))
			return false;
		in += n, len -= (size_t)n;
		if (out != NULL)
			out += n;
	}
	return true;
}

capsa_status capsa_xchacha_seal(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *pt, size_t pt_len)
{
	EVP_CIPHER_CTX *c = ciphers_ready() ? EVP_CIPHER_CTX_new() : NULL;
	capsa_status st = c != NULL ? xchacha_init(c, key, nonce, 1) : CAPSA_ERR_INTERNAL;
	int got = 0;

	if (st == CAPSA_OK &&
	    (!update_all(c, NULL, aad, aad_len) || !update_all(c, out, pt, pt_len) ||
	     EVP_CipherFinal_ex(c, out + pt_len, &got) != 1 ||
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, CAPSA_XCHACHA_TAGBYTES, out + pt_len) != 1))
		st = CAPSA_ERR_INTERNAL;
	EVP_CIPHER_CTX_free(c);
	return st;
}

capsa_status capsa_xchacha_open(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *ct, size_t ct_len)
{
	EVP_CIPHER_CTX *c;
	size_t pt_len;
	int got = 0;
	capsa_status st;

	if (ct_len < CAPSA_XCHACHA_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	pt_len = ct_len - CAPSA_XCHACHA_TAGBYTES;
	c = ciphers_ready() ? EVP_CIPHER_CTX_new() : NULL;
	st = c != NULL ? xchacha_init(c, key, nonce, 0) : CAPSA_ERR_INTERNAL;
	if (st == CAPSA_OK &&
	    (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, CAPSA_XCHACHA_TAGBYTES, (void *)(ct + pt_len)) != 1 ||
	     !update_all(c, NULL, aad, aad_len) || !update_all(c, out, ct, pt_len)))
		st = CAPSA_ERR_INTERNAL;
	/* the tag is checked in Final, in constant time; on failure no plaintext survives */
	if (st == CAPSA_OK && EVP_CipherFinal_ex(c, out + pt_len, &got) != 1)
		st = CAPSA_ERR_AUTH;
	if (st != CAPSA_OK)
		capsa_wipe(out, pt_len);
	EVP_CIPHER_CTX_free(c);
	return st;
}
