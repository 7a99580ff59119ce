/*
 * crypto/secp256k1.h - secp256k1 through libsecp256k1 (the only caller of it).
 *
 * Points travel as 33-byte SEC1 compressed encodings, scalars as 32-byte
 * big-endian integers in [1, n-1]. Operations on secret scalars use
 * libsecp256k1's constant-time paths: ec_pubkey_create and ec_pubkey_tweak_mul
 * for multiplications, ec_seckey_tweak_add/tweak_mul/negate for scalar
 * arithmetic. The shared context is randomized (blinding) when it is created.
 *
 * libsecp256k1 has no representation of the identity point or of the zero
 * scalar: every operation whose result would be one of them fails with
 * CAPSA_ERR_KEY. For honestly generated values that happens with probability
 * about 2^-256; for attacker-chosen values it is a clean refusal.
 */
#ifndef CAPSA_CRYPTO_SECP256K1_H
#define CAPSA_CRYPTO_SECP256K1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_SECP256K1_SCALAR_BYTES 32
#define CAPSA_SECP256K1_POINT_BYTES 33
#define CAPSA_SECP256K1_SIG_BYTES 64

/* True if |sk| is a valid secret key: an integer in [1, n-1]. */
bool capsa_secp256k1_seckey_valid(const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES]);

/* pub = sk*G, compressed. CAPSA_ERR_KEY if |sk| is not a valid secret key. */
capsa_status capsa_secp256k1_pubkey(uint8_t pub[CAPSA_SECP256K1_POINT_BYTES],
                                    const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES]) CAPSA_MUST_CHECK;

/* ---- Points and scalars ------------------------------------------------- */

/* A curve point other than the identity, in libsecp256k1's parsed form. */
typedef struct capsa_ec_point {
	unsigned char raw[64];
} capsa_ec_point;

/* A scalar in [1, n-1], big-endian. */
typedef struct capsa_ec_scalar {
	uint8_t b[CAPSA_SECP256K1_SCALAR_BYTES];
} capsa_ec_scalar;

/*
 * capsa_ec_point_parse reads a 33-byte compressed point. Returns
 * CAPSA_ERR_DECODE for a prefix other than 02/03 and CAPSA_ERR_KEY for an
 * x-coordinate that is not on the curve or not below p.
 */
capsa_status capsa_ec_point_parse(capsa_ec_point *p, const uint8_t in[CAPSA_SECP256K1_POINT_BYTES]) CAPSA_MUST_CHECK;
/* capsa_ec_point_encode writes the compressed encoding of |p|. */
void capsa_ec_point_encode(uint8_t out[CAPSA_SECP256K1_POINT_BYTES], const capsa_ec_point *p);
/* capsa_ec_point_encode_xy writes x || y (64 bytes, big-endian): the uncompressed encoding without its prefix. */
void capsa_ec_point_encode_xy(uint8_t out[64], const capsa_ec_point *p);
/*
 * capsa_ec_point_parse_xy reads x || y, checking that the point is on the
 * curve (no square root: far cheaper than a compressed parse). CAPSA_ERR_KEY
 * if it is not.
 */
capsa_status capsa_ec_point_parse_xy(capsa_ec_point *p, const uint8_t in[64]) CAPSA_MUST_CHECK;
/* capsa_ec_point_equal compares two points (public values). */
bool capsa_ec_point_equal(const capsa_ec_point *a, const capsa_ec_point *b);

/* capsa_ec_mul_base: out = k*G (constant time). CAPSA_ERR_KEY if |k| is invalid. */
capsa_status capsa_ec_mul_base(capsa_ec_point *out, const capsa_ec_scalar *k) CAPSA_MUST_CHECK;
/* capsa_ec_mul: out = k*P (constant time). |out| may alias |p|. */
capsa_status capsa_ec_mul(capsa_ec_point *out, const capsa_ec_point *p, const capsa_ec_scalar *k) CAPSA_MUST_CHECK;
/* capsa_ec_add: out = a + b. CAPSA_ERR_KEY if the sum is the identity. */
capsa_status capsa_ec_add(capsa_ec_point *out, const capsa_ec_point *a, const capsa_ec_point *b) CAPSA_MUST_CHECK;

/* capsa_ec_sum: out = p[0] + … + p[n-1] (one conversion to affine). CAPSA_ERR_KEY if the sum is the identity. */
capsa_status capsa_ec_sum(capsa_ec_point *out, const capsa_ec_point *p, size_t n) CAPSA_MUST_CHECK;

/* capsa_ec_scalar_parse: CAPSA_ERR_KEY unless |in| is in [1, n-1]. */
capsa_status capsa_ec_scalar_parse(capsa_ec_scalar *s, const uint8_t in[CAPSA_SECP256K1_SCALAR_BYTES]) CAPSA_MUST_CHECK;
/* out = a + b, a - b, a * b, -a, 1/a (mod n); each may alias an input. CAPSA_ERR_KEY on a zero result. */
capsa_status capsa_ec_scalar_add(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b) CAPSA_MUST_CHECK;
capsa_status capsa_ec_scalar_sub(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b) CAPSA_MUST_CHECK;
capsa_status capsa_ec_scalar_mul(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b) CAPSA_MUST_CHECK;
capsa_status capsa_ec_scalar_neg(capsa_ec_scalar *out, const capsa_ec_scalar *a) CAPSA_MUST_CHECK;
/* Fermat inversion a^(n-2): a fixed sequence of constant-time multiplications. */
capsa_status capsa_ec_scalar_inv(capsa_ec_scalar *out, const capsa_ec_scalar *a) CAPSA_MUST_CHECK;
/*
 * capsa_ec_scalar_batch_inv replaces each of the |n| scalars with its inverse,
 * at the cost of one inversion and 3(n-1) multiplications (Montgomery's trick).
 */
capsa_status capsa_ec_scalar_batch_inv(capsa_ec_scalar *v, size_t n) CAPSA_MUST_CHECK;
/*
 * capsa_ec_scalar_from_digest maps a 256-bit big-endian w to (w mod (n-1)) + 1,
 * a scalar in [1, n-1], in constant time. (w < 2^256 < 2(n-1): one
 * conditional subtraction.)
 */
void capsa_ec_scalar_from_digest(capsa_ec_scalar *out, const uint8_t w[32]);
/* Wipes a secret scalar. */
void capsa_ec_scalar_wipe(capsa_ec_scalar *s);

/* ---- ECDSA over a 32-byte digest ------------------------------------------ */

/*
 * capsa_ecdsa_sign signs |digest| with nonce RFC 6979 (HMAC-SHA256) taking
 * |extra| (32 bytes) as additional data, and writes r||s with low S.
 */
capsa_status capsa_ecdsa_sign(uint8_t sig[CAPSA_SECP256K1_SIG_BYTES], const capsa_ec_scalar *sk,
                              const uint8_t digest[32], const uint8_t extra[32]) CAPSA_MUST_CHECK;
/*
 * capsa_ecdsa_sig_check: CAPSA_OK if |sig| is canonical r||s: r and s in
 * [1, n-1] and s <= n/2; CAPSA_ERR_DECODE otherwise.
 */
capsa_status capsa_ecdsa_sig_check(const uint8_t sig[CAPSA_SECP256K1_SIG_BYTES]) CAPSA_MUST_CHECK;
/* capsa_ecdsa_verify: CAPSA_OK or CAPSA_ERR_SIGNATURE (also for a non-canonical signature). */
capsa_status capsa_ecdsa_verify(const uint8_t sig[CAPSA_SECP256K1_SIG_BYTES], const capsa_ec_point *pub,
                                const uint8_t digest[32]) CAPSA_MUST_CHECK;

#endif
