/*
 * capsa/umbral.h - Umbral threshold proxy re-encryption, byte-compatible
 * with rust-umbral 0.10 (npm @nucypher/umbral-pre 0.10.0).
 *
 * A producer encrypts to its own key (capsa_umbral_encrypt → capsule +
 * ciphertext), then delegates to a receiver by splitting a re-encryption key
 * into |shares| key fragments (kfrags), any |threshold| of which suffice.
 * Each proxy turns the capsule into a capsule fragment (cfrag) with its
 * kfrag; the receiver verifies the cfrags and opens the capsule with them.
 *
 * Objects are plain structs of fixed-size fields (what the wire carries);
 * every *_from_bytes function validates completely (curve points, scalar
 * ranges, canonical encoding, the capsule's own proof), so a struct that came
 * from bytes is well-formed. Serialized forms are exactly rust-umbral's
 * toBytes() (a strict MessagePack subset) and its "simple" concatenations.
 *
 * Threads: functions keep no state between calls; objects may be shared
 * read-only between threads.
 *
 * Randomness: every function that draws takes a capsa_umbral_rng; NULL means
 * the operating system's CSPRNG. A caller-supplied source sees exactly the
 * draws rust-umbral makes, in the same order and sizes, so replaying the
 * reference's draws reproduces its bytes.
 *
 * Errors: CAPSA_ERR_DECODE / CAPSA_ERR_TRUNCATED / CAPSA_ERR_TRAILING for
 * malformed bytes, CAPSA_ERR_KEY for an invalid point (including the
 * identity) or scalar (zero or >= n), CAPSA_ERR_UNSUPPORTED for a kfrag made
 * with other parameters, and the specific verification failures documented
 * at each function.
 */
#ifndef CAPSA_UMBRAL_H
#define CAPSA_UMBRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_UMBRAL_SECRET_KEY_BYTES 32
#define CAPSA_UMBRAL_PUBLIC_KEY_BYTES 33
#define CAPSA_UMBRAL_SIGNATURE_BYTES 64
#define CAPSA_UMBRAL_SKF_SEED_BYTES 32
#define CAPSA_UMBRAL_SKF_SECRET_BYTES 64
#define CAPSA_UMBRAL_KFRAG_ID_BYTES 32
#define CAPSA_UMBRAL_CAPSULE_BYTES 105
#define CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES 98
#define CAPSA_UMBRAL_KFRAG_BYTES 310
#define CAPSA_UMBRAL_CFRAG_BYTES 381
#define CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES 359
/* The DEM adds a 24-byte nonce and a 16-byte tag to the plaintext. */
#define CAPSA_UMBRAL_DEM_OVERHEAD 40
/* Upper bound on shares (and on cfrags given to one decryption). */
#define CAPSA_UMBRAL_MAX_SHARES 255

/* A source of random bytes: fill |out| with |len| bytes, return CAPSA_OK. */
typedef struct capsa_umbral_rng {
	capsa_status (*fill)(void *ctx, uint8_t *out, size_t len);
	void *ctx;
} capsa_umbral_rng;

typedef struct capsa_umbral_secret_key {
	uint8_t bytes[CAPSA_UMBRAL_SECRET_KEY_BYTES]; /* big-endian scalar in [1, n-1] */
} capsa_umbral_secret_key;

typedef struct capsa_umbral_public_key {
	uint8_t bytes[CAPSA_UMBRAL_PUBLIC_KEY_BYTES]; /* compressed SEC1 point */
} capsa_umbral_public_key;

typedef struct capsa_umbral_signature {
	uint8_t bytes[CAPSA_UMBRAL_SIGNATURE_BYTES]; /* ECDSA r || s, low S */
} capsa_umbral_signature;

typedef struct capsa_umbral_capsule {
	uint8_t e[33], v[33], s[32];
	/*
	 * Private: E and V uncompressed, filled by capsa when it makes or parses a
	 * capsule, to spare later operations two point decompressions. Never
	 * trusted: used only when it is a valid curve point that matches e and v.
	 */
	uint8_t points_cache_[128];
} capsa_umbral_capsule;

typedef struct capsa_umbral_kfrag {
	uint8_t id[CAPSA_UMBRAL_KFRAG_ID_BYTES];
	uint8_t rk[32]; /* the proxy's secret share */
	uint8_t precursor[33];
	uint8_t commitment[33];
	uint8_t sig_for_proxy[64];
	uint8_t sig_for_receiver[64];
	bool delegating_key_signed;
	bool receiving_key_signed;
} capsa_umbral_kfrag;

typedef struct capsa_umbral_cfrag {
	uint8_t e1[33], v1[33];
	uint8_t kfrag_id[CAPSA_UMBRAL_KFRAG_ID_BYTES];
	uint8_t precursor[33];
	uint8_t e2[33], v2[33], u1[33], u2[33], z[32]; /* the correctness proof */
	uint8_t kfrag_signature[64];
	/* Private: e1 and v1 uncompressed, a cache used only when it matches (as in the capsule). */
	uint8_t points_cache_[128];
} capsa_umbral_cfrag;

/* ---- Keys and signatures ------------------------------------------------- */

/* capsa_umbral_secret_key_generate draws a key (32 bytes, redrawn while out of range). */
CAPSA_API capsa_status capsa_umbral_secret_key_generate(capsa_umbral_secret_key *sk,
                                                        const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
/* capsa_umbral_secret_key_from_bytes: CAPSA_ERR_KEY unless |in| is in [1, n-1]. */
CAPSA_API capsa_status capsa_umbral_secret_key_from_bytes(capsa_umbral_secret_key *sk,
                                                          const uint8_t in[32]) CAPSA_MUST_CHECK;
/* capsa_umbral_public_key_derive derives sk*G. */
CAPSA_API capsa_status capsa_umbral_public_key_derive(capsa_umbral_public_key *pk,
                                                      const capsa_umbral_secret_key *sk) CAPSA_MUST_CHECK;
/* capsa_umbral_public_key_from_bytes: CAPSA_ERR_DECODE (prefix) or CAPSA_ERR_KEY (not on the curve). */
CAPSA_API capsa_status capsa_umbral_public_key_from_bytes(capsa_umbral_public_key *pk,
                                                          const uint8_t in[33]) CAPSA_MUST_CHECK;
/* capsa_umbral_secret_key_wipe zeroes |sk|. */
CAPSA_API void capsa_umbral_secret_key_wipe(capsa_umbral_secret_key *sk);

/* capsa_umbral_sign: ECDSA over SHA-256(msg) (rust-umbral's Signer.sign); draws 32 bytes. */
CAPSA_API capsa_status capsa_umbral_sign(capsa_umbral_signature *sig, const capsa_umbral_secret_key *signer,
                                         const uint8_t *msg, size_t msg_len,
                                         const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
/* capsa_umbral_verify: CAPSA_OK or CAPSA_ERR_SIGNATURE (also for high S or r, s out of range). */
CAPSA_API capsa_status capsa_umbral_verify(const capsa_umbral_signature *sig, const capsa_umbral_public_key *pk,
                                           const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

/*
 * SecretKeyFactory: deterministic keys from a 32-byte seed and a label.
 * make_key and make_secret and make_factory each derive with HKDF-SHA256
 * (info "KEY_DERIVATION/", "SECRET_DERIVATION/", "FACTORY_DERIVATION/" ‖ label).
 */
CAPSA_API capsa_status capsa_umbral_skf_make_key(capsa_umbral_secret_key *sk, const uint8_t seed[32],
                                                 const uint8_t *label, size_t label_len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_umbral_skf_make_secret(uint8_t out[64], const uint8_t seed[32],
                                                    const uint8_t *label, size_t label_len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_umbral_skf_make_factory(uint8_t child_seed[32], const uint8_t seed[32],
                                                     const uint8_t *label, size_t label_len) CAPSA_MUST_CHECK;

/* ---- Encryption to the delegating key ------------------------------------ */

/*
 * capsa_umbral_encrypt makes a capsule for |pk| and encrypts |pt| under the
 * key it carries: |ct| receives |pt_len| + CAPSA_UMBRAL_DEM_OVERHEAD bytes
 * (nonce ‖ ciphertext ‖ tag, the capsule as associated data).
 */
CAPSA_API capsa_status capsa_umbral_encrypt(capsa_umbral_capsule *capsule, uint8_t *ct,
                                            const capsa_umbral_public_key *pk, const uint8_t *pt,
                                            size_t pt_len, const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
/*
 * capsa_umbral_decrypt_original opens with the delegating secret key; |pt|
 * receives |ct_len| - 40 bytes. CAPSA_ERR_TRUNCATED if |ct_len| < 24 (no
 * nonce), CAPSA_ERR_AUTH if the ciphertext (including one too short for its
 * tag), the capsule or the key is wrong; no plaintext is released then.
 */
CAPSA_API capsa_status capsa_umbral_decrypt_original(uint8_t *pt, const capsa_umbral_secret_key *sk,
                                                     const capsa_umbral_capsule *capsule, const uint8_t *ct,
                                                     size_t ct_len) CAPSA_MUST_CHECK;

/* capsa_umbral_capsule_to_bytes writes the 105-byte wire form; *_simple the 98-byte E‖V‖s. */
CAPSA_API void capsa_umbral_capsule_to_bytes(uint8_t out[CAPSA_UMBRAL_CAPSULE_BYTES],
                                             const capsa_umbral_capsule *capsule);
CAPSA_API void capsa_umbral_capsule_to_bytes_simple(uint8_t out[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES],
                                                    const capsa_umbral_capsule *capsule);
/* Parse and check the capsule's proof s·G == V + h·E (CAPSA_ERR_PROOF if not). */
CAPSA_API capsa_status capsa_umbral_capsule_from_bytes(capsa_umbral_capsule *capsule, const uint8_t *in,
                                                       size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_umbral_capsule_from_bytes_simple(capsa_umbral_capsule *capsule, const uint8_t *in,
                                                              size_t len) CAPSA_MUST_CHECK;

/* ---- Delegation ------------------------------------------------------------ */

/*
 * capsa_umbral_generate_kfrags splits the re-encryption key from |delegating|
 * to |receiving| into |shares| kfrags (|kfrags| has room for them), any
 * |threshold| of which re-encrypt. Each kfrag is signed by |signer|; the
 * flags choose whether the proxy-side signature also covers the delegating
 * and receiving public keys. CAPSA_ERR_ARG unless 1 <= threshold <= shares <=
 * CAPSA_UMBRAL_MAX_SHARES.
 */
CAPSA_API capsa_status capsa_umbral_generate_kfrags(capsa_umbral_kfrag *kfrags,
                                                    const capsa_umbral_secret_key *delegating,
                                                    const capsa_umbral_public_key *receiving,
                                                    const capsa_umbral_secret_key *signer, size_t threshold,
                                                    size_t shares, bool sign_delegating_key,
                                                    bool sign_receiving_key,
                                                    const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
/*
 * capsa_umbral_kfrag_verify checks a kfrag before a proxy uses it:
 * CAPSA_ERR_PROOF (commitment ≠ U·rk), CAPSA_ERR_ARG (a key the kfrag says is
 * signed was not supplied: pass NULL only for keys it does not cover),
 * CAPSA_ERR_SIGNATURE (signature_for_proxy does not verify).
 */
CAPSA_API capsa_status capsa_umbral_kfrag_verify(const capsa_umbral_kfrag *kfrag,
                                                 const capsa_umbral_public_key *verifying,
                                                 const capsa_umbral_public_key *delegating,
                                                 const capsa_umbral_public_key *receiving) CAPSA_MUST_CHECK;
CAPSA_API void capsa_umbral_kfrag_to_bytes(uint8_t out[CAPSA_UMBRAL_KFRAG_BYTES], const capsa_umbral_kfrag *kfrag);
CAPSA_API capsa_status capsa_umbral_kfrag_from_bytes(capsa_umbral_kfrag *kfrag, const uint8_t *in,
                                                     size_t len) CAPSA_MUST_CHECK;
/* capsa_umbral_kfrag_wipe zeroes |kfrag| (it holds a secret share). */
CAPSA_API void capsa_umbral_kfrag_wipe(capsa_umbral_kfrag *kfrag);

/* ---- Re-encryption --------------------------------------------------------- */

/* capsa_umbral_reencrypt: one proxy's work, with a proof of correctness (draws 32 bytes). */
CAPSA_API capsa_status capsa_umbral_reencrypt(capsa_umbral_cfrag *cfrag, const capsa_umbral_capsule *capsule,
                                              const capsa_umbral_kfrag *kfrag,
                                              const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;
/*
 * capsa_umbral_cfrag_verify: CAPSA_ERR_SIGNATURE (the kfrag signature does not
 * cover these keys), CAPSA_ERR_PROOF (the re-encryption proof fails, e.g. a
 * cfrag of another capsule).
 */
CAPSA_API capsa_status capsa_umbral_cfrag_verify(const capsa_umbral_cfrag *cfrag,
                                                 const capsa_umbral_capsule *capsule,
                                                 const capsa_umbral_public_key *verifying,
                                                 const capsa_umbral_public_key *delegating,
                                                 const capsa_umbral_public_key *receiving) CAPSA_MUST_CHECK;
CAPSA_API void capsa_umbral_cfrag_to_bytes(uint8_t out[CAPSA_UMBRAL_CFRAG_BYTES], const capsa_umbral_cfrag *cfrag);
CAPSA_API void capsa_umbral_cfrag_to_bytes_simple(uint8_t out[CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES],
                                                  const capsa_umbral_cfrag *cfrag);
CAPSA_API capsa_status capsa_umbral_cfrag_from_bytes(capsa_umbral_cfrag *cfrag, const uint8_t *in,
                                                     size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_umbral_cfrag_from_bytes_simple(capsa_umbral_cfrag *cfrag, const uint8_t *in,
                                                            size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_umbral_decrypt_reencrypted opens |ct| with |n| cfrags (verify them
 * first with capsa_umbral_cfrag_verify). |threshold| is the grant's M (the
 * wire objects do not carry it): fewer than |threshold| cfrags, or n = 0,
 * give CAPSA_ERR_THRESHOLD; threshold 0 means "trust n" (the reference's
 * behaviour). Failures: CAPSA_ERR_MISMATCH (cfrags of different grants),
 * CAPSA_ERR_THRESHOLD (a repeated cfrag), CAPSA_ERR_KEY (the combination does
 * not open the capsule: wrong receiving key, too few cfrags, foreign cfrags),
 * then as capsa_umbral_decrypt_original.
 */
CAPSA_API capsa_status capsa_umbral_decrypt_reencrypted(uint8_t *pt, const capsa_umbral_secret_key *receiving,
                                                        const capsa_umbral_public_key *delegating,
                                                        const capsa_umbral_capsule *capsule,
                                                        const capsa_umbral_cfrag *cfrags, size_t n,
                                                        size_t threshold, const uint8_t *ct,
                                                        size_t ct_len) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
