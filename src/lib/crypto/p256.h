/*
 * crypto/p256.h - NIST P-256 (secp256r1) ECDSA verification and ephemeral
 * ECDH, and AES-128-CFB, over OpenSSL: what the TPM 2.0 backend needs to
 * verify quotes and to make credentials without a TPM.
 *
 * Points are given as affine coordinates, 32 bytes each, big-endian (the
 * TPMS_ECC_POINT form); scalars of a signature are big-endian, at most 32
 * bytes (TPMs may strip leading zeros).
 */
#ifndef CAPSA_CRYPTO_P256_H
#define CAPSA_CRYPTO_P256_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_P256_BYTES 32

/*
 * capsa_p256_ecdsa_verify_sha256 verifies the ECDSA signature (r, s) over
 * SHA-256(|msg|) under the public key (x, y). Returns CAPSA_OK,
 * CAPSA_ERR_KEY (not a point on the curve) or CAPSA_ERR_SIGNATURE.
 */
capsa_status capsa_p256_ecdsa_verify_sha256(const uint8_t x[CAPSA_P256_BYTES], const uint8_t y[CAPSA_P256_BYTES],
                                            const uint8_t *r, size_t r_len, const uint8_t *s, size_t s_len,
                                            const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

/*
 * capsa_p256_ecdh_ephemeral makes a fresh key pair, returns its public point
 * in (eph_x, eph_y) and the x-coordinate of its shared point with the peer
 * (peer_x, peer_y) in |z|. The ephemeral secret never leaves the function.
 * Returns CAPSA_OK, CAPSA_ERR_KEY (peer not on the curve) or
 * CAPSA_ERR_INTERNAL.
 */
capsa_status capsa_p256_ecdh_ephemeral(uint8_t eph_x[CAPSA_P256_BYTES], uint8_t eph_y[CAPSA_P256_BYTES],
                                       uint8_t z[CAPSA_P256_BYTES], const uint8_t peer_x[CAPSA_P256_BYTES],
                                       const uint8_t peer_y[CAPSA_P256_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_p256_spki_der writes the DER SubjectPublicKeyInfo (id-ecPublicKey,
 * namedCurve prime256v1, uncompressed point) of (x, y) to a fresh buffer
 * (OPENSSL-independent: free()). Returns CAPSA_OK, CAPSA_ERR_KEY (not on the
 * curve) or CAPSA_ERR_NOMEM.
 */
capsa_status capsa_p256_spki_der(uint8_t **out, size_t *out_len, const uint8_t x[CAPSA_P256_BYTES],
                                 const uint8_t y[CAPSA_P256_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_aes128_cfb_encrypt encrypts |len| bytes of |in| into |out| with
 * AES-128 in CFB mode (full-block feedback, CFB128) from |iv|.
 */
capsa_status capsa_aes128_cfb_encrypt(uint8_t *out, const uint8_t key[16], const uint8_t iv[16],
                                      const uint8_t *in, size_t len) CAPSA_MUST_CHECK;

#endif
