/* XChaCha20-Poly1305 from OpenSSL's ChaCha20 and ChaCha20-Poly1305 (see xchacha.h). */
#include "crypto/xchacha.h"

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

/* One ChaCha20 block for |key| with state words 12..15 = |in| (OpenSSL's 16-byte IV is exactly those words). */
static capsa_status chacha_block(uint8_t block[64], const uint8_t key[32], const uint8_t in[16])
{
	static const uint8_t zeros[64];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len = 0;
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (c != NULL && EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, key, in) == 1 &&
	    EVP_EncryptUpdate(c, block, &len, zeros, sizeof zeros) == 1 && len == 64)
		st = CAPSA_OK;
	EVP_CIPHER_CTX_free(c);
	return st;
}

capsa_status capsa_hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t in[16])
{
	uint8_t block[64];
	capsa_status st = chacha_block(block, key, in);

	/* block word i = rounds(state)[i] + state[i]; HChaCha20 wants rounds(state) words 0..3 and 12..15 */
	for (int i = 0; i < 4 && st == CAPSA_OK; i++) {
		store_le32(out + 4 * i, load_le32(block + 4 * i) - sigma[i]);
		store_le32(out + 16 + 4 * i, load_le32(block + 48 + 4 * i) - load_le32(in + 4 * i));
	}
	capsa_wipe(block, sizeof block);
	return st;
}

static capsa_status subkey_and_nonce(capsa_aead **aead, uint8_t nonce12[12], const uint8_t key[32],
                                     const uint8_t nonce[24])
{
	uint8_t subkey[32];
	capsa_status st = capsa_hchacha20(subkey, key, nonce);

	memset(nonce12, 0, 4);
	memcpy(nonce12 + 4, nonce + 16, 8);
	if (st == CAPSA_OK)
		st = capsa_aead_new(aead, CAPSA_AEAD_CHACHA20_POLY1305, subkey);
	capsa_wipe(subkey, sizeof subkey);
	return st;
}

capsa_status capsa_xchacha_seal(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *pt, size_t pt_len)
{
	capsa_aead *aead = NULL;
	uint8_t n12[12];
	capsa_status st = subkey_and_nonce(&aead, n12, key, nonce);

	if (st == CAPSA_OK)
		st = capsa_aead_seal(aead, out, n12, aad, aad_len, pt, pt_len);
	capsa_aead_free(aead);
	return st;
}

capsa_status capsa_xchacha_open(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *ct, size_t ct_len)
{
	capsa_aead *aead = NULL;
	uint8_t n12[12];
	capsa_status st;

	if (ct_len < CAPSA_XCHACHA_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	st = subkey_and_nonce(&aead, n12, key, nonce);
	if (st == CAPSA_OK)
		st = capsa_aead_open(aead, out, n12, aad, aad_len, ct, ct_len);
	capsa_aead_free(aead);
	return st;
}
