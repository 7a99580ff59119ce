/*
 * crypto/spki.h - inside src/lib/crypto/ only: DER SubjectPublicKeyInfo of an
 * OpenSSL key, copied into memory the caller releases with free().
 */
#ifndef CAPSA_CRYPTO_SPKI_H
#define CAPSA_CRYPTO_SPKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <capsa/status.h>

/* capsa_spki_from_pkey encodes |pkey|'s public key. Returns CAPSA_OK, CAPSA_ERR_INTERNAL or CAPSA_ERR_NOMEM. */
capsa_status capsa_spki_from_pkey(uint8_t **out, size_t *out_len, const EVP_PKEY *pkey) CAPSA_MUST_CHECK;

#endif
