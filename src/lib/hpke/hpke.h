/*
 * hpke/hpke.h - Hybrid Public Key Encryption (RFC 9180), the suites capsa uses.
 *
 * KEM  0x0020 DHKEM(X25519, HKDF-SHA256)
 * KDF  0x0001 HKDF-SHA256
 * AEAD 0x0002 AES-256-GCM, 0x0003 ChaCha20-Poly1305
 * Modes 0 (base) and 1 (psk). AES-128-GCM (0x0001), the auth modes and the
 * export-only AEAD are not implemented.
 *
 * The x25519 stanza of the container uses the single-shot helpers
 * capsa_hpke_seal_base / capsa_hpke_open_base. The context API below them
 * exists for the RFC's multi-message and export interfaces (and its test
 * vectors). Every secret is wiped where it dies; a context must be released
 * with capsa_hpke_ctx_cleanup.
 */
#ifndef CAPSA_HPKE_H
#define CAPSA_HPKE_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#include "crypto/crypto.h"

#define CAPSA_HPKE_KEM_X25519_HKDF_SHA256 0x0020
#define CAPSA_HPKE_KDF_HKDF_SHA256 0x0001
#define CAPSA_HPKE_AEAD_AES_256_GCM 0x0002
#define CAPSA_HPKE_AEAD_CHACHA20_POLY1305 0x0003

#define CAPSA_HPKE_ENCBYTES 32    /* Nenc: the serialized ephemeral public key */
#define CAPSA_HPKE_PUBLICBYTES 32 /* Npk */
#define CAPSA_HPKE_SECRETBYTES 32 /* Nsk */
#define CAPSA_HPKE_TAGBYTES 16    /* Nt, both AEADs */

typedef enum capsa_hpke_mode {
	CAPSA_HPKE_MODE_BASE = 0,
	CAPSA_HPKE_MODE_PSK = 1,
} capsa_hpke_mode;

/* A pre-shared key and its identifier (PSK mode). Both must be non-empty. */
typedef struct capsa_hpke_psk {
	const uint8_t *psk;
	size_t psk_len;
	const uint8_t *psk_id;
	size_t psk_id_len;
} capsa_hpke_psk;

/*
 * An encryption context (RFC 9180 section 5.2). The fields are visible so
 * that tests can check the key schedule against the RFC vectors; callers
 * treat them as opaque. seq counts the messages sealed or opened so far.
 */
typedef struct capsa_hpke_ctx {
	capsa_aead *aead;
	capsa_aead_alg alg;
	uint8_t key[CAPSA_AEAD_KEYBYTES];
	uint8_t base_nonce[CAPSA_AEAD_NONCEBYTES];
	uint8_t exporter_secret[CAPSA_SHA256_BYTES];
	uint64_t seq;
} capsa_hpke_ctx;

/*
 * capsa_hpke_aead_id returns the RFC 9180 AEAD identifier of |alg|
 * (0x0002 or 0x0003), or 0 for an unknown value.
 */
uint16_t capsa_hpke_aead_id(capsa_aead_alg alg);

/*
 * capsa_hpke_aead_from_id maps an RFC 9180 AEAD identifier to a capsa_aead_alg.
 * Returns CAPSA_OK or CAPSA_ERR_UNSUPPORTED (e.g. 0x0001 AES-128-GCM).
 */
capsa_status capsa_hpke_aead_from_id(capsa_aead_alg *out, uint16_t aead_id) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_derive_keypair is DeriveKeyPair of DHKEM(X25519, HKDF-SHA256)
 * (RFC 9180 section 7.1.3): a deterministic key pair from |ikm|, which must
 * hold at least 32 bytes of entropy. Returns CAPSA_OK; on failure both
 * outputs are zeroed.
 */
capsa_status capsa_hpke_derive_keypair(uint8_t sk[CAPSA_HPKE_SECRETBYTES], uint8_t pk[CAPSA_HPKE_PUBLICBYTES],
                                       const uint8_t *ikm, size_t ikm_len) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_setup_sender is SetupBaseS (|psk| NULL) or SetupPSKS: it
 * generates a fresh ephemeral key, writes the encapsulated key to |enc| and
 * initialises |ctx| for sealing to |pk_r|. Returns CAPSA_OK, CAPSA_ERR_KEY
 * for a public key that yields the all-zero shared secret, CAPSA_ERR_ARG for
 * an incomplete PSK, or CAPSA_ERR_UNSUPPORTED. On failure |ctx| is in its
 * zero state (cleanup is still safe) and |enc| is zeroed.
 */
capsa_status capsa_hpke_setup_sender(capsa_hpke_ctx *ctx, uint8_t enc[CAPSA_HPKE_ENCBYTES], capsa_aead_alg alg,
                                     const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                     const uint8_t *info, size_t info_len,
                                     const capsa_hpke_psk *psk) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_setup_sender_derand is capsa_hpke_setup_sender with the
 * ephemeral key pair derived from |ikm_e| (DeriveKeyPair) instead of drawn at
 * random. It exists to replay the RFC 9180 test vectors; real senders use
 * capsa_hpke_setup_sender.
 */
capsa_status capsa_hpke_setup_sender_derand(capsa_hpke_ctx *ctx, uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                            capsa_aead_alg alg, const uint8_t *ikm_e, size_t ikm_e_len,
                                            const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                            const uint8_t *info, size_t info_len,
                                            const capsa_hpke_psk *psk) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_setup_recipient is SetupBaseR (|psk| NULL) or SetupPSKR: it
 * decapsulates |enc| with |sk_r| and initialises |ctx| for opening.
 * Returns as capsa_hpke_setup_sender.
 */
capsa_status capsa_hpke_setup_recipient(capsa_hpke_ctx *ctx, capsa_aead_alg alg,
                                        const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                        const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES],
                                        const uint8_t *info, size_t info_len,
                                        const capsa_hpke_psk *psk) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_seal encrypts |pt| under the context's next nonce, writing
 * |pt_len| + 16 bytes to |out|, and advances the sequence number. Returns
 * CAPSA_OK, or CAPSA_ERR_RANGE once the sequence number is exhausted (the
 * context then refuses every further message).
 */
capsa_status capsa_hpke_seal(capsa_hpke_ctx *ctx, uint8_t *out, const uint8_t *aad, size_t aad_len,
                             const uint8_t *pt, size_t pt_len) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_open verifies and decrypts |ct| (ciphertext then tag) into
 * |out| (|ct_len| - 16 bytes) and advances the sequence number. Returns
 * CAPSA_OK, CAPSA_ERR_AUTH (|out| zeroed, sequence number unchanged),
 * CAPSA_ERR_TRUNCATED if |ct_len| < 16, or CAPSA_ERR_RANGE as for seal.
 */
capsa_status capsa_hpke_open(capsa_hpke_ctx *ctx, uint8_t *out, const uint8_t *aad, size_t aad_len,
                             const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_export is the secret export interface (RFC 9180 section 5.3):
 * |out_len| (1..8160) bytes bound to |exporter_context|. Returns CAPSA_OK or
 * CAPSA_ERR_ARG for a length out of range.
 */
capsa_status capsa_hpke_export(const capsa_hpke_ctx *ctx, uint8_t *out, size_t out_len,
                               const uint8_t *exporter_context, size_t exporter_context_len) CAPSA_MUST_CHECK;

/* capsa_hpke_ctx_cleanup wipes and releases |ctx|; safe on a zeroed context. */
void capsa_hpke_ctx_cleanup(capsa_hpke_ctx *ctx);

/*
 * capsa_hpke_seal_base is single-shot HPKE in base mode: it encapsulates to
 * |pk_r| (writing |enc|) and seals |pt| once, writing |pt_len| + 16 bytes to
 * |ct|. Returns CAPSA_OK, CAPSA_ERR_KEY for an unusable |pk_r|, or another
 * error; on failure |enc| and |ct| are zeroed.
 */
capsa_status capsa_hpke_seal_base(uint8_t enc[CAPSA_HPKE_ENCBYTES], uint8_t *ct, capsa_aead_alg alg,
                                  const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                  const uint8_t *info, size_t info_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *pt, size_t pt_len) CAPSA_MUST_CHECK;

/*
 * capsa_hpke_open_base is single-shot HPKE in base mode: it decapsulates
 * |enc| with |sk_r| and opens |ct| into |pt| (|ct_len| - 16 bytes). Returns
 * CAPSA_OK, CAPSA_ERR_AUTH if the tag does not verify (the usual result for
 * a stanza addressed to another key), CAPSA_ERR_KEY for a degenerate |enc|,
 * CAPSA_ERR_TRUNCATED if |ct_len| < 16. On failure |pt| is zeroed.
 */
capsa_status capsa_hpke_open_base(uint8_t *pt, capsa_aead_alg alg, const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                  const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES],
                                  const uint8_t *info, size_t info_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;

#endif
