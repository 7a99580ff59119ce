/*
 * crypto/secp256k1.h - secp256k1 through libsecp256k1 (the only caller of it).
 *
 * Points travel as 33-byte SEC1 compressed encodings, scalars as 32-byte
 * big-endian integers in [1, n-1]. Operations on secret scalars use
 * libsecp256k1's constant-time paths.
 */
#ifndef CAPSA_CRYPTO_SECP256K1_H
#define CAPSA_CRYPTO_SECP256K1_H

#include <stdbool.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_SECP256K1_SCALAR_BYTES 32
#define CAPSA_SECP256K1_POINT_BYTES 33

/* True if |sk| is a valid secret key: an integer in [1, n-1]. */
bool capsa_secp256k1_seckey_valid(const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES]);

/* pub = sk*G, compressed. CAPSA_ERR_KEY if |sk| is not a valid secret key. */
capsa_status capsa_secp256k1_pubkey(uint8_t pub[CAPSA_SECP256K1_POINT_BYTES],
                                    const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES]) CAPSA_MUST_CHECK;

#endif
