/*
 * crypto/rsa.h - RSA-OAEP encryption to a public key given as its modulus
 * and exponent, over OpenSSL: how a verifier without a TPM protects a
 * credential seed for an RSA endorsement key.
 */
#ifndef CAPSA_CRYPTO_RSA_H
#define CAPSA_CRYPTO_RSA_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

/*
 * capsa_rsa_oaep_sha256_encrypt encrypts |in| to the key (n, e) with
 * RSAES-OAEP, SHA-256 for the hash and MGF1, and |label| (its bytes exactly,
 * may be NULL with |label_len| 0). |out| must have room for |n_len| bytes;
 * |*out_len| receives the length written. Returns CAPSA_OK, CAPSA_ERR_KEY
 * (modulus not 1024..4096 bits, or an unusable key) or CAPSA_ERR_ARG (|in|
 * too long for the key).
 */
capsa_status capsa_rsa_oaep_sha256_encrypt(uint8_t *out, size_t *out_len, const uint8_t *n, size_t n_len,
                                           uint32_t e, const uint8_t *label, size_t label_len, const uint8_t *in,
                                           size_t in_len) CAPSA_MUST_CHECK;

/*
 * capsa_rsa_spki_der writes the DER SubjectPublicKeyInfo (rsaEncryption) of
 * (n, e) to a fresh buffer (free()). Returns CAPSA_OK, CAPSA_ERR_KEY or
 * CAPSA_ERR_NOMEM.
 */
capsa_status capsa_rsa_spki_der(uint8_t **out, size_t *out_len, const uint8_t *n, size_t n_len,
                                uint32_t e) CAPSA_MUST_CHECK;

#endif
