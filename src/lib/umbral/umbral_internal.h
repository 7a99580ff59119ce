/*
 * umbral/umbral_internal.h - what the files of the Umbral module share:
 * random draws, hash-to-scalar with domain separation, the parameter point
 * U, the kfrag signature message and the DEM. Not part of the public API.
 */
#ifndef CAPSA_UMBRAL_INTERNAL_H
#define CAPSA_UMBRAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/umbral.h>

#include "crypto/secp256k1.h"

/* Domain separation tags of rust-umbral 0.10 (hashing_ds.rs). */
#define UMB_DST_CAPSULE_POINTS "CAPSULE_POINTS"
#define UMB_DST_SHARED_SECRET "SHARED_SECRET"
#define UMB_DST_POLYNOMIAL_ARG "POLYNOMIAL_ARG"
#define UMB_DST_CFRAG_VERIFICATION "CFRAG_VERIFICATION"

/* One input to a hash: a pointer and a length. */
typedef struct umb_part {
	const uint8_t *p;
	size_t len;
} umb_part;

/* umb_draw fills |out| from |rng| (NULL: the OS CSPRNG). */
capsa_status umb_draw(const capsa_umbral_rng *rng, uint8_t *out, size_t len) CAPSA_MUST_CHECK;
/* umb_draw_scalar draws 32 bytes until they form a scalar in [1, n-1], as the reference does. */
capsa_status umb_draw_scalar(const capsa_umbral_rng *rng, capsa_ec_scalar *out) CAPSA_MUST_CHECK;

/* out = (SHA-256(be32(len(dst)) ‖ dst ‖ parts…) mod (n-1)) + 1 */
capsa_status umb_hash_to_scalar(capsa_ec_scalar *out, const char *dst, const umb_part *parts,
                                size_t n) CAPSA_MUST_CHECK;
/* The same with a DST of any bytes. */
capsa_status umb_hash_to_scalar_dst(capsa_ec_scalar *out, const uint8_t *dst, size_t dst_len,
                                    const umb_part *parts, size_t n) CAPSA_MUST_CHECK;
/* h = H(CAPSULE_POINTS; E ‖ V) over the compressed encodings */
capsa_status umb_capsule_h(capsa_ec_scalar *h, const uint8_t e[33], const uint8_t v[33]) CAPSA_MUST_CHECK;

/* The parameter point U, compressed and parsed. */
extern const uint8_t umb_u_bytes[33];
const capsa_ec_point *umb_u_point(void);

/*
 * umb_kfrag_sig_digest hashes the kfrag signature message
 * id ‖ commitment ‖ precursor ‖ (01‖dpk | 00) ‖ (01‖rpk | 00); NULL keys are "none".
 */
capsa_status umb_kfrag_sig_digest(uint8_t digest[32], const uint8_t id[32], const uint8_t commitment[33],
                                  const uint8_t precursor[33], const uint8_t *dpk,
                                  const uint8_t *rpk) CAPSA_MUST_CHECK;
/* umb_sign_digest: ECDSA over |digest|, drawing the 32 bytes of RFC 6979 additional data. */
capsa_status umb_sign_digest(uint8_t sig[64], const capsa_ec_scalar *sk, const uint8_t digest[32],
                             const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;

/* The DEM under a 33-byte key seed and associated data |aad|; |ct| = nonce ‖ ct ‖ tag. */
capsa_status umb_dem_seal(uint8_t *ct, const uint8_t key_seed[33], const uint8_t *aad, size_t aad_len,
                          const uint8_t *pt, size_t pt_len, const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
capsa_status umb_dem_open(uint8_t *pt, const uint8_t key_seed[33], const uint8_t *aad, size_t aad_len,
                          const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;
/* umb_capsule_open opens |ct| with the DEM under |key_seed|, bound to |capsule| (its simple form as AAD). */
capsa_status umb_capsule_open(uint8_t *pt, const uint8_t key_seed[33], const capsa_umbral_capsule *capsule,
                              const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;

/* umb_capsule_points gives E and V of |c|, from its cache when that matches e and v. */
capsa_status umb_capsule_points(capsa_ec_point ev[2], const capsa_umbral_capsule *c) CAPSA_MUST_CHECK;
/* umb_cached_point: a point from |xy| if it is on the curve and encodes to exactly |enc|, else parsed from |enc|. */
capsa_status umb_cached_point(capsa_ec_point *p, const uint8_t xy[64], const uint8_t enc[33]) CAPSA_MUST_CHECK;
/* umb_capsule_cache stores E and V in |c|'s cache. */
void umb_capsule_cache(capsa_umbral_capsule *c, const capsa_ec_point ev[2]);

/* umb_parse_points parses |n| compressed points; the first failure is returned. */
capsa_status umb_parse_points(capsa_ec_point *out, const uint8_t *const *in, size_t n) CAPSA_MUST_CHECK;

#endif
