/*
 * crypto/xchacha.h - XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03), the
 * AEAD of Umbral's DEM.
 *
 * Built from OpenSSL alone: HChaCha20 is the ChaCha20 block function without
 * the final addition of the input, so it is read off one block of OpenSSL's
 * ChaCha20 keystream by subtracting the known input words (constants and the
 * 16-byte input); the subkey then drives OpenSSL's ChaCha20-Poly1305 with the
 * nonce 0^4 || nonce[16..24].
 */
#ifndef CAPSA_CRYPTO_XCHACHA_H
#define CAPSA_CRYPTO_XCHACHA_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_XCHACHA_KEYBYTES 32
#define CAPSA_XCHACHA_NONCEBYTES 24
#define CAPSA_XCHACHA_TAGBYTES 16

/* capsa_hchacha20 derives a 32-byte subkey from |key| and a 16-byte |in|. */
capsa_status capsa_hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t in[16]) CAPSA_MUST_CHECK;

/* capsa_xchacha_seal writes |pt_len| + 16 bytes (ciphertext then tag) to |out|. */
capsa_status capsa_xchacha_seal(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *pt, size_t pt_len) CAPSA_MUST_CHECK;
/*
 * capsa_xchacha_open verifies and decrypts |ct| (ciphertext then tag) into
 * |out| (|ct_len| - 16 bytes). CAPSA_ERR_AUTH on a bad tag (|out| zeroed),
 * CAPSA_ERR_TRUNCATED if |ct_len| < 16.
 */
capsa_status capsa_xchacha_open(uint8_t *out, const uint8_t key[CAPSA_XCHACHA_KEYBYTES],
                                const uint8_t nonce[CAPSA_XCHACHA_NONCEBYTES], const uint8_t *aad,
                                size_t aad_len, const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;

#endif
