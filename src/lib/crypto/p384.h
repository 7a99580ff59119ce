/*
 * crypto/p384.h - ECDSA P-384 with SHA-384 signature verification.
 *
 * The attestation verifiers meet two encodings of the same signature: AWS
 * Nitro (COSE ES384) sends r||s as two 48-byte big-endian integers, AMD
 * SEV-SNP sends r and s as 72-byte little-endian integers. Both wrappers take
 * the signer's key as a DER SubjectPublicKeyInfo (as found in its
 * certificate) and refuse any key that is not an EC key on P-384.
 */
#ifndef CAPSA_CRYPTO_P384_H
#define CAPSA_CRYPTO_P384_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_P384_SCALARBYTES 48
#define CAPSA_P384_SIGBYTES 96      /* r || s, big-endian (IEEE P1363, COSE) */
#define CAPSA_P384_LE_FIELDBYTES 72 /* one SEV-SNP signature component */

/*
 * capsa_p384_verify checks the raw r||s signature |sig| over |msg| (hashed
 * with SHA-384) under the key |spki|. Returns CAPSA_OK, CAPSA_ERR_SIGNATURE if
 * the signature does not verify (r or s zero or out of range included),
 * CAPSA_ERR_KEY if |spki| is not a P-384 public key, CAPSA_ERR_NOMEM.
 */
capsa_status capsa_p384_verify(const uint8_t *spki, size_t spki_len, const uint8_t sig[CAPSA_P384_SIGBYTES],
                               const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

/*
 * capsa_p384_verify_le is capsa_p384_verify for r and s given as 72-byte
 * little-endian integers. Bytes 48..71 of each must be zero: a value that
 * needs them is out of range, so it returns CAPSA_ERR_SIGNATURE.
 */
capsa_status capsa_p384_verify_le(const uint8_t *spki, size_t spki_len, const uint8_t r[CAPSA_P384_LE_FIELDBYTES],
                                  const uint8_t s[CAPSA_P384_LE_FIELDBYTES], const uint8_t *msg,
                                  size_t msg_len) CAPSA_MUST_CHECK;

#endif
