/*
 * crypto/crypto.h - the only door to cryptographic primitives.
 *
 * Everything in libcapsa that needs a cipher, hash, MAC, KDF, curve or random
 * bytes calls it through this header; only src/lib/crypto/ calls OpenSSL's
 * libcrypto or libsecp256k1 directly. The wrappers are thin: they fix sizes in
 * the prototypes, turn the libraries' 1/0 results into capsa_status at the call
 * site, and wipe what they allocate.
 */
#ifndef CAPSA_CRYPTO_H
#define CAPSA_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>
#include <capsa/util.h>

/* capsa_wipe, capsa_ct_equal and capsa_random are public: capsa/util.h. */

/* ---- SHA-256 ------------------------------------------------------------ */

#define CAPSA_SHA256_BYTES 32

typedef struct capsa_sha256 {
	void *md_ctx; /* EVP_MD_CTX; opaque to callers */
} capsa_sha256_ctx;

capsa_status capsa_sha256_init(capsa_sha256_ctx *ctx) CAPSA_MUST_CHECK;
capsa_status capsa_sha256_update(capsa_sha256_ctx *ctx, const void *data, size_t len) CAPSA_MUST_CHECK;
/* capsa_sha256_final writes the digest and releases |ctx| (also on failure). */
capsa_status capsa_sha256_final(capsa_sha256_ctx *ctx, uint8_t out[CAPSA_SHA256_BYTES]) CAPSA_MUST_CHECK;
/* capsa_sha256_cleanup releases |ctx| without a digest; safe on a zeroed or finished ctx. */
void capsa_sha256_cleanup(capsa_sha256_ctx *ctx);
capsa_status capsa_sha256(uint8_t out[CAPSA_SHA256_BYTES], const void *data, size_t len) CAPSA_MUST_CHECK;

/* ---- HMAC-SHA256 and HKDF-SHA256 (RFC 2104, RFC 5869) ------------------- */

capsa_status capsa_hmac_sha256(uint8_t out[CAPSA_SHA256_BYTES], const uint8_t *key, size_t key_len,
                               const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

/*
 * A keyed HMAC-SHA256 for many messages under one key (the per-chunk
 * commitments): new sets the key, start begins a message, final ends it.
 */
typedef struct capsa_hmac capsa_hmac;

capsa_status capsa_hmac_sha256_new(capsa_hmac **out, const uint8_t *key, size_t key_len) CAPSA_MUST_CHECK;
capsa_status capsa_hmac_sha256_start(capsa_hmac *h) CAPSA_MUST_CHECK;
capsa_status capsa_hmac_sha256_update(capsa_hmac *h, const void *data, size_t len) CAPSA_MUST_CHECK;
capsa_status capsa_hmac_sha256_final(capsa_hmac *h, uint8_t out[CAPSA_SHA256_BYTES]) CAPSA_MUST_CHECK;
/* Wipes the key and frees |h|; NULL is fine. */
void capsa_hmac_sha256_free(capsa_hmac *h);

/* HKDF-Extract: |salt| may be NULL with |salt_len| 0 (a string of zeros is used). */
capsa_status capsa_hkdf_extract(uint8_t prk[CAPSA_SHA256_BYTES], const uint8_t *salt, size_t salt_len,
                                const uint8_t *ikm, size_t ikm_len) CAPSA_MUST_CHECK;
/* HKDF-Expand: |out_len| at most 255 * 32. */
capsa_status capsa_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[CAPSA_SHA256_BYTES],
                               const uint8_t *info, size_t info_len) CAPSA_MUST_CHECK;
/* Extract then expand. */
capsa_status capsa_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                        const uint8_t *salt, size_t salt_len,
                        const uint8_t *info, size_t info_len) CAPSA_MUST_CHECK;

/* ---- AEAD: AES-256-GCM and ChaCha20-Poly1305 (96-bit nonces) ------------ */

#define CAPSA_AEAD_KEYBYTES 32
#define CAPSA_AEAD_NONCEBYTES 12
#define CAPSA_AEAD_TAGBYTES 16

typedef enum capsa_aead_alg {
	CAPSA_AEAD_AES_256_GCM = 1,
	CAPSA_AEAD_CHACHA20_POLY1305 = 2,
} capsa_aead_alg;

/*
 * A capsa_aead holds one expanded key. Creating one costs a key schedule;
 * sealing and opening with it afterwards only sets the nonce, so a stream
 * keeps one per worker thread. A capsa_aead is not safe for concurrent use.
 */
typedef struct capsa_aead capsa_aead;

capsa_status capsa_aead_new(capsa_aead **out, capsa_aead_alg alg,
                            const uint8_t key[CAPSA_AEAD_KEYBYTES]) CAPSA_MUST_CHECK;
void capsa_aead_free(capsa_aead *aead);

/* capsa_aead_seal writes |pt_len| + 16 bytes (ciphertext then tag) to |out|. */
capsa_status capsa_aead_seal(capsa_aead *aead, uint8_t *out, const uint8_t nonce[CAPSA_AEAD_NONCEBYTES],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *pt, size_t pt_len) CAPSA_MUST_CHECK;
/*
 * capsa_aead_open verifies and decrypts |ct| (ciphertext then 16-byte tag)
 * into |out| (|ct_len| - 16 bytes). On CAPSA_ERR_AUTH |out| is zeroed: no
 * unauthenticated plaintext ever leaves this function.
 */
capsa_status capsa_aead_open(capsa_aead *aead, uint8_t *out, const uint8_t nonce[CAPSA_AEAD_NONCEBYTES],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;

/* ---- X25519 (RFC 7748) -------------------------------------------------- */

#define CAPSA_X25519_BYTES 32

capsa_status capsa_x25519_public(uint8_t pub[CAPSA_X25519_BYTES],
                                 const uint8_t priv[CAPSA_X25519_BYTES]) CAPSA_MUST_CHECK;
/* capsa_x25519 refuses (CAPSA_ERR_KEY) a peer key that yields the all-zero secret. */
capsa_status capsa_x25519(uint8_t shared[CAPSA_X25519_BYTES], const uint8_t priv[CAPSA_X25519_BYTES],
                          const uint8_t peer[CAPSA_X25519_BYTES]) CAPSA_MUST_CHECK;

/* ---- Ed25519 (RFC 8032, pure) ------------------------------------------- */

#define CAPSA_ED25519_SEEDBYTES 32
#define CAPSA_ED25519_PUBLICBYTES 32
#define CAPSA_ED25519_SIGBYTES 64

capsa_status capsa_ed25519_public(uint8_t pub[CAPSA_ED25519_PUBLICBYTES],
                                  const uint8_t seed[CAPSA_ED25519_SEEDBYTES]) CAPSA_MUST_CHECK;
capsa_status capsa_ed25519_sign(uint8_t sig[CAPSA_ED25519_SIGBYTES], const uint8_t seed[CAPSA_ED25519_SEEDBYTES],
                                const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;
/* False for a key of small order: anyone can sign for it, so it names no one. */
bool capsa_ed25519_public_usable(const uint8_t pub[CAPSA_ED25519_PUBLICBYTES]);
/* Returns CAPSA_OK or CAPSA_ERR_SIGNATURE (always for a key of small order, which anyone can sign for). */
capsa_status capsa_ed25519_verify(const uint8_t sig[CAPSA_ED25519_SIGBYTES],
                                  const uint8_t pub[CAPSA_ED25519_PUBLICBYTES],
                                  const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

#endif
