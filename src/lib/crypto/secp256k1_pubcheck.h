/* crypto/secp256k1_pubcheck.h - validating secp256k1 public keys received as bytes. */
#ifndef CAPSA_CRYPTO_SECP256K1_PUBCHECK_H
#define CAPSA_CRYPTO_SECP256K1_PUBCHECK_H

#include <stdint.h>

#include <capsa/status.h>

#include "crypto/secp256k1.h"

/*
 * capsa_secp256k1_pubkey_check accepts exactly the SEC1 compressed encodings
 * of points on secp256k1: prefix 02 or 03 and an x-coordinate below p that
 * lies on the curve. Returns CAPSA_OK or CAPSA_ERR_KEY.
 */
capsa_status capsa_secp256k1_pubkey_check(const uint8_t pub[CAPSA_SECP256K1_POINT_BYTES]) CAPSA_MUST_CHECK;

#endif
