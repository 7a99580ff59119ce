/*
 * attest/tpm2_kdf.h - the TPM 2.0 key derivation functions (TPM 2.0 part 1,
 * 11.4.10), with SHA-256 only: KDFa (SP 800-108 counter mode over HMAC) and
 * KDFe (SP 800-56A one-step KDF over the ECDH secret). They are built from
 * capsa's HMAC and SHA-256 wrappers; labels are given without their NUL,
 * which both functions append as the specification requires.
 */
#ifndef CAPSA_ATTEST_TPM2_KDF_H
#define CAPSA_ATTEST_TPM2_KDF_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

/* KDFa(SHA-256, key, label, u, v, 8 * out_len); |out_len| at most 64. */
capsa_status capsa_tpm2_kdfa(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len, const char *label,
                             const uint8_t *u, size_t u_len, const uint8_t *v, size_t v_len) CAPSA_MUST_CHECK;

/* KDFe(SHA-256, z, label, u, v, 256): one block of 32 bytes. */
capsa_status capsa_tpm2_kdfe(uint8_t out[32], const uint8_t *z, size_t z_len, const char *label, const uint8_t *u,
                             size_t u_len, const uint8_t *v, size_t v_len) CAPSA_MUST_CHECK;

#endif
