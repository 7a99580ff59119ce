/*
 * attest/tpm2/tpm2.h - the TPM 2.0 attestation backend.
 *
 * Two halves with one vocabulary of marshaled TPM structures (big-endian, as
 * the TPM 2.0 specification part 2 defines them), so that evidence can travel
 * in any envelope as opaque byte strings:
 *
 *   attester (needs a TPM, through tpm2-tss ESYS and a TCTI string)
 *     capsa_tpm2_open / capsa_tpm2_close (public: capsa/attest.h)
 *     capsa_tpm2_ek_public, capsa_tpm2_ek_rsa_public,
 *     capsa_tpm2_ak_public, capsa_tpm2_ek_cert        keys for enrollment
 *     capsa_tpm2_activate_credential                  answers the enrollment challenge
 *     capsa_tpm2_pcr_reset / _extend / _read          the measurement PCR
 *     capsa_tpm2_quote                                evidence
 *     capsa_tpm2_seal / capsa_tpm2_unseal             secrets bound to the PCR
 *     capsa_tpm2_quote_envelope, capsa_tpm2_ek_establish,
 *     capsa_tpm2_enroll_ak (public: capsa/attest.h)   what a keeper and an enroller call
 *
 *   verifier (no TPM, library only, every input untrusted)
 *     capsa_tpm2_ek_cert_verify                       the EK is certified by a pinned root
 *     capsa_tpm2_ek_cert_matches                      an EK certificate names this EK
 *     capsa_tpm2_make_credential                      the enrollment challenge (software)
 *     capsa_tpm2_ak_name (public)                     what enrollment records
 *     capsa_tpm2_verify                               checks a quote, fills capsa_attest_result
 *
 * Keys. The endorsement key (EK) is the TCG default ECC NIST P-256 EK
 * (EK Credential Profile template L-2) or, for TPMs whose EK certificate is
 * RSA, the default RSA 2048 EK (template L-1); both are primary keys of the
 * endorsement hierarchy. The attestation key (AK) is an ECC NIST P-256
 * restricted signing key (ECDSA-SHA256, fixedTPM, fixedParent,
 * sensitiveDataOrigin), also a primary of the endorsement hierarchy. Both are derived from the TPM's
 * endorsement seed, so they are the same on every call and nothing needs to
 * be stored on the attester; only transient handles are used, and each call
 * flushes what it loaded (swtpm has three transient object slots).
 *
 * Sessions. Plain commands authorise with the (empty) password. Commands
 * that carry a secret (Create when sealing, Unseal, ActivateCredential) run
 * in a session salted with a TPM storage key (SRK or EK) and with AES-128-CFB
 * parameter encryption, so the secret never crosses the TPM's bus in the
 * clear; Unseal's session is the PolicyPCR policy session itself.
 *
 * Trust in the AK. A verifier accepts a quote only from an AK whose name
 * (nameAlg || SHA-256(TPMT_PUBLIC), 34 bytes) it has recorded as trusted.
 * It records it after enrollment: the verifier, holding the attester's EK
 * public (trusted by capsa_tpm2_ek_cert_verify: an EK certificate that chains
 * to a pinned manufacturer root; or pinned by an operator), calls
 * capsa_tpm2_make_credential with a fresh random secret; the attester
 * runs capsa_tpm2_activate_credential and returns the secret; if it equals
 * (capsa_ct_equal) the one sent, the TPM that holds that EK also holds an AK
 * with exactly that name, and the verifier stores capsa_tpm2_ak_name() as its
 * enrollment record. An operator may also pin an AK name directly.
 *
 * The measurement. Before the attested program runs, the attester extends
 * SHA-256(program) into the measurement PCR (CAPSA_TPM2_PCR, resettable, so
 * the attester resets it first). After that the PCR holds
 * SHA-256(0^32 || SHA-256(program)), and that value is the measurement a
 * policy allow-lists (capsa_tpm2_expected_pcr computes it).
 *
 * Evidence (what the attester sends, all opaque bytes):
 *   ak_public  TPM2B_PUBLIC of the AK (the verifier checks its name is trusted)
 *   attest     TPMS_ATTEST as the TPM signed it (the contents of TPM2B_ATTEST)
 *   signature  TPMT_SIGNATURE over attest
 *   pcr_values the claimed values of the quoted PCRs, 32 bytes each, in the
 *              order of the quote's selection (one PCR: 32 bytes)
 * Quotes cover the SHA-256 bank only. Qualifying data is the 32-byte
 * capsa_attest_binding(keys, nonce).
 */
#ifndef CAPSA_ATTEST_TPM2_H
#define CAPSA_ATTEST_TPM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>
#include <capsa/status.h>

#include "wire/bytes.h"

/* ======================================================================= */
/* Verifier side: no TPM needed.                                           */
/* ======================================================================= */

/*
 * capsa_tpm2_make_credential is TPM2_MakeCredential done in software: it
 * protects |secret| (1..32 bytes) so that only the TPM holding the EK in
 * |ek_pub| (a marshaled TPM2B_PUBLIC: a restricted decryption key with
 * AES-128-CFB and nameAlg SHA-256, ECC P-256 or RSA 2048, such as the TCG
 * default EKs) can recover it, and only for the object named by the AK in
 * |ak_pub| (checked as by capsa_tpm2_ak_name). It writes freshly allocated
 * marshaled TPM2B_ID_OBJECT (|*id_object|) and TPM2B_ENCRYPTED_SECRET
 * (|*enc_secret|); free() both. Returns CAPSA_OK, CAPSA_ERR_ARG,
 * CAPSA_ERR_DECODE, CAPSA_ERR_KEY (EK not such a key, or AK not acceptable),
 * CAPSA_ERR_NOMEM.
 */
capsa_status capsa_tpm2_make_credential(const uint8_t *ek_pub, size_t ek_pub_len,
                                        const uint8_t *ak_pub, size_t ak_pub_len,
                                        const uint8_t *secret, size_t secret_len,
                                        uint8_t **id_object, size_t *id_object_len,
                                        uint8_t **enc_secret, size_t *enc_secret_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_ek_cert_matches checks that the DER X.509 certificate
 * |cert_der| (as read by capsa_tpm2_ek_cert) certifies exactly the EK in
 * |ek_pub| (its SubjectPublicKeyInfo is that key). It does not validate the
 * certificate's chain: capsa_tpm2_ek_cert_verify does both. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE (malformed certificate or EK), CAPSA_ERR_KEY (not an EK
 * capsa can use) or CAPSA_ERR_MISMATCH (another key).
 */
capsa_status capsa_tpm2_ek_cert_matches(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *cert_der,
                                        size_t cert_der_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_ek_cert_verify decides whether |ek_pub| belongs to a genuine
 * TPM: its EK certificate |cert_der| must chain through exactly the
 * |num_inter| (at most CAPSA_TPM2_MAX_EK_CHAIN) DER intermediates |inter_der|
 * (listed from the root's side down) to the pinned manufacturer root
 * |root_der| at time |at| (unix seconds), and must certify exactly that EK
 * (capsa_tpm2_ek_cert_matches). A reason goes to |why| on failure. Returns
 * CAPSA_OK, CAPSA_ERR_DECODE (a malformed certificate or EK), CAPSA_ERR_CERT
 * (the chain does not verify), CAPSA_ERR_MISMATCH or CAPSA_ERR_KEY (the
 * certificate is for another key, or the EK is unusable) or CAPSA_ERR_ARG.
 */
capsa_status capsa_tpm2_ek_cert_verify(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *cert_der,
                                       size_t cert_der_len, const uint8_t *const *inter_der,
                                       const size_t *inter_len, size_t num_inter, const uint8_t *root_der,
                                       size_t root_len, int64_t at, char *why, size_t why_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_expected_pcr computes the value a freshly reset PCR holds after
 * one extend with |measurement|: SHA-256(0^32 || measurement).
 */
capsa_status capsa_tpm2_expected_pcr(uint8_t out[CAPSA_TPM2_DIGEST_BYTES],
                                     const uint8_t measurement[CAPSA_TPM2_DIGEST_BYTES]) CAPSA_MUST_CHECK;

/* The evidence a quote produced, as borrowed byte strings (see the top of this header). */
typedef struct capsa_tpm2_evidence {
	const uint8_t *ak_public;  /* TPM2B_PUBLIC */
	size_t ak_public_len;
	const uint8_t *attest;     /* TPMS_ATTEST */
	size_t attest_len;
	const uint8_t *signature;  /* TPMT_SIGNATURE */
	size_t signature_len;
	const uint8_t *pcr_values; /* 32 bytes per quoted PCR, in selection order */
	size_t pcr_values_len;
} capsa_tpm2_evidence;

/* Who the verifier trusts and which PCR carries the measurement. */
typedef struct capsa_tpm2_trust {
	const uint8_t *ak_names;   /* trusted AK names, CAPSA_TPM2_NAME_BYTES each (enrollment records) */
	size_t num_ak_names;
	unsigned measurement_pcr;  /* must be among the quoted PCRs; usually CAPSA_TPM2_PCR */
} capsa_tpm2_trust;

/*
 * capsa_tpm2_verify checks a quote and fills |res| (zeroed first): platform
 * tpm2, measurement = the claimed value of trust->measurement_pcr,
 * report_data = the quote's extraData, timestamp 0 (a TPM's clock is not
 * wall time). It records these checks, in this order, whatever fails:
 *   quote-magic      magic TPM_GENERATED_VALUE and type TPM_ST_ATTEST_QUOTE
 *   ak-trusted       the AK's name is one of trust->ak_names
 *   qualified-signer the quote's qualifiedSigner is that AK's qualified name
 *                    as a primary of the endorsement hierarchy:
 *                    be16(SHA256) || SHA-256(be32(TPM_RH_ENDORSEMENT) || AK name)
 *   ak-signature     the ECDSA P-256 SHA-256 signature verifies under the AK
 *   binding          extraData equals expect->report_data
 *   pcr-digest       SHA-256 bank only, the measurement PCR is selected, and
 *                    SHA-256(pcr_values) equals the quote's pcrDigest
 * Malformed attest, signature or AK public records a failed "quote-parse"
 * check and returns CAPSA_ERR_DECODE. Otherwise returns CAPSA_OK when every
 * check passed, CAPSA_ERR_EVIDENCE when one failed.
 */
capsa_status capsa_tpm2_verify(const capsa_tpm2_evidence *ev, const capsa_tpm2_trust *trust,
                               const capsa_attest_expect *expect, capsa_attest_result *res) CAPSA_MUST_CHECK;

/* ======================================================================= */
/* Attester side: talks to a TPM through tpm2-tss ESYS.                    */
/* ======================================================================= */

/*
 * capsa_tpm2_ek_public / capsa_tpm2_ek_rsa_public / capsa_tpm2_ak_public
 * write a freshly allocated marshaled TPM2B_PUBLIC of the ECC EK / RSA EK /
 * AK (free()). Returns CAPSA_OK, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM.
 */
capsa_status capsa_tpm2_ek_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;
capsa_status capsa_tpm2_ek_rsa_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;
capsa_status capsa_tpm2_ak_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_ek_cert reads the EK certificate (DER) that the TPM's maker
 * stored in NV memory at the TCG index for the RSA 2048 EK (0x01c00002,
 * |rsa| true) or the ECC P-256 EK (0x01c0000a) into a fresh buffer (free()).
 * Returns CAPSA_OK, CAPSA_ERR_TPM (no such index, or unreadable),
 * CAPSA_ERR_DECODE (empty or larger than 4096 bytes) or CAPSA_ERR_NOMEM.
 */
capsa_status capsa_tpm2_ek_cert(capsa_tpm2 *tpm, bool rsa, uint8_t **der, size_t *der_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_activate_credential runs TPM2_ActivateCredential with the AK and
 * the EK on the blobs from capsa_tpm2_make_credential (the RSA EK when the
 * encrypted secret is 256 bytes, an RSA-2048 ciphertext; else the ECC EK), and writes the
 * recovered secret to |secret| (room for 32 bytes) and its length to
 * |*secret_len|. Returns CAPSA_OK, CAPSA_ERR_DECODE (malformed blobs) or
 * CAPSA_ERR_TPM (the TPM refused: the credential was not made for this AK
 * and EK).
 */
capsa_status capsa_tpm2_activate_credential(capsa_tpm2 *tpm, const uint8_t *id_object, size_t id_object_len,
                                            const uint8_t *enc_secret, size_t enc_secret_len,
                                            uint8_t secret[CAPSA_TPM2_DIGEST_BYTES],
                                            size_t *secret_len) CAPSA_MUST_CHECK;

/*
 * PCR operations on the SHA-256 bank. capsa_tpm2_pcr_extend extends
 * |digest| (e.g. SHA-256 of the program about to run); capsa_tpm2_pcr_reset
 * works only on PCRs resettable at locality 0 (16, 23). Each returns CAPSA_OK,
 * CAPSA_ERR_ARG (pcr > 23) or CAPSA_ERR_TPM.
 */
capsa_status capsa_tpm2_pcr_reset(capsa_tpm2 *tpm, unsigned pcr) CAPSA_MUST_CHECK;
capsa_status capsa_tpm2_pcr_extend(capsa_tpm2 *tpm, unsigned pcr,
                                   const uint8_t digest[CAPSA_TPM2_DIGEST_BYTES]) CAPSA_MUST_CHECK;
capsa_status capsa_tpm2_pcr_read(capsa_tpm2 *tpm, unsigned pcr,
                                 uint8_t value[CAPSA_TPM2_DIGEST_BYTES]) CAPSA_MUST_CHECK;

/* A quote the attester made: owned buffers, released by capsa_tpm2_quote_free. */
typedef struct capsa_tpm2_quote_out {
	uint8_t *ak_public;  /* TPM2B_PUBLIC */
	size_t ak_public_len;
	uint8_t *attest;     /* TPMS_ATTEST */
	size_t attest_len;
	uint8_t *signature;  /* TPMT_SIGNATURE */
	size_t signature_len;
	uint8_t pcr_value[CAPSA_TPM2_DIGEST_BYTES]; /* the PCR as read right after the quote */
	unsigned pcr;
} capsa_tpm2_quote_out;

/*
 * capsa_tpm2_quote has the AK quote PCR |pcr| of the SHA-256 bank with
 * |qualifying| (capsa_attest_binding of keys and nonce) as qualifying data.
 * Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM; on failure
 * |out| holds nothing to free.
 */
capsa_status capsa_tpm2_quote(capsa_tpm2 *tpm, unsigned pcr, const uint8_t qualifying[CAPSA_ATTEST_BINDING_BYTES],
                              capsa_tpm2_quote_out *out) CAPSA_MUST_CHECK;
void capsa_tpm2_quote_free(capsa_tpm2_quote_out *q);

/* capsa_tpm2_quote_evidence points |ev| at the buffers of |q| (borrowed). */
void capsa_tpm2_quote_evidence(const capsa_tpm2_quote_out *q, capsa_tpm2_evidence *ev);

/*
 * capsa_tpm2_seal seals |secret| (1..128 bytes) under the TPM's storage root
 * key (the ECC P-256 SRK of the owner hierarchy) with a PolicyPCR policy: it
 * unseals only while SHA-256-bank PCR |pcr| holds |pcr_value| (NULL: the
 * value it holds now). Writes a freshly allocated blob (free()): u8 pcr ||
 * marshaled TPM2B_PRIVATE || TPM2B_PUBLIC, safe to store, useless off this TPM.
 * Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM.
 */
capsa_status capsa_tpm2_seal(capsa_tpm2 *tpm, unsigned pcr, const uint8_t *pcr_value, const uint8_t *secret,
                             size_t secret_len, uint8_t **blob, size_t *blob_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_unseal loads |blob| and unseals it through a policy session
 * that asserts PolicyPCR over the PCR the blob was sealed to. Writes the
 * secret to |secret| (room for 128 bytes) and its length to |*secret_len|.
 * Returns CAPSA_OK, CAPSA_ERR_DECODE (malformed blob), CAPSA_ERR_POLICY (the
 * PCR no longer holds the sealed value) or CAPSA_ERR_TPM.
 */
capsa_status capsa_tpm2_unseal(capsa_tpm2 *tpm, const uint8_t *blob, size_t blob_len, uint8_t secret[128],
                               size_t *secret_len) CAPSA_MUST_CHECK;

/* ---- Parsing TPM structures (wire.c) --------------------------------
 *
 * Strict parsers for the TPM 2.0 structures a verifier
 * reads from untrusted evidence: TPM2B_PUBLIC (ECC keys), TPMS_ATTEST (quotes)
 * and TPMT_SIGNATURE (ECDSA). They use no TPM and no tpm2-tss library code
 * (only its constants). Every length is bounded, every selector must be one
 * we understand, and no byte may follow a structure. Parsed views point into
 * the caller's buffer.
 */
#define CAPSA_TPM2_ECC_BYTES 32
#define CAPSA_TPM2_MAX_BANKS 16 /* HASH_COUNT bound: one selection per bank */
#define CAPSA_TPM2_MAX_SELECT 4 /* bytes of PCR bitmap per bank (32 PCRs) */

/* A parsed TPMT_PUBLIC of an ECC or RSA key (the key types capsa reads). */
typedef struct capsa_tpm2_public {
	uint16_t type;                        /* TPM2_ALG_ECC or TPM2_ALG_RSA */
	uint16_t name_alg;
	uint32_t attributes;
	capsa_cbs auth_policy;
	uint16_t sym_alg, sym_bits, sym_mode; /* TPM2_ALG_NULL: no symmetric parameters */
	uint16_t scheme, scheme_hash;         /* TPM2_ALG_NULL: no scheme */
	uint16_t curve;                       /* ECC only */
	uint16_t kdf, kdf_hash;               /* ECC only */
	uint8_t x[CAPSA_TPM2_ECC_BYTES], y[CAPSA_TPM2_ECC_BYTES]; /* ECC only, left-padded to 32 bytes */
	uint16_t rsa_bits;                    /* RSA only */
	uint32_t rsa_exponent;                /* RSA only; 0 means 65537 */
	capsa_cbs rsa_n;                      /* RSA only: the modulus */
	capsa_cbs tpmt;                       /* the marshaled TPMT_PUBLIC, which the name hashes */
} capsa_tpm2_public;

typedef struct capsa_tpm2_pcr_bank {
	uint16_t hash;
	uint8_t size;
	uint8_t select[CAPSA_TPM2_MAX_SELECT];
} capsa_tpm2_pcr_bank;

/* A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE. */
typedef struct capsa_tpm2_attest {
	uint32_t magic;
	uint16_t type;
	capsa_cbs signer;     /* qualifiedSigner (TPM2B_NAME contents) */
	capsa_cbs extra;      /* extraData (TPM2B_DATA contents) */
	uint64_t clock;
	uint32_t reset_count, restart_count;
	uint8_t safe;
	uint64_t firmware;
	uint32_t num_banks;
	capsa_tpm2_pcr_bank banks[CAPSA_TPM2_MAX_BANKS];
	capsa_cbs pcr_digest; /* TPM2B_DIGEST contents */
} capsa_tpm2_attest;

/* A parsed TPMT_SIGNATURE with sigAlg ECDSA. */
typedef struct capsa_tpm2_signature {
	uint16_t hash;
	capsa_cbs r, s;
} capsa_tpm2_signature;

/*
 * capsa_tpm2_parse_public parses a marshaled TPM2B_PUBLIC that must fill
 * |len| exactly. Returns CAPSA_OK, CAPSA_ERR_DECODE, or CAPSA_ERR_UNSUPPORTED
 * for a well-formed key of a type other than ECC and RSA.
 */
capsa_status capsa_tpm2_parse_public(capsa_tpm2_public *out, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_parse_attest parses a TPMS_ATTEST (the contents of a
 * TPM2B_ATTEST) that must fill |len| exactly. The magic is returned, not
 * judged (the verifier names that check); a type other than
 * TPM_ST_ATTEST_QUOTE is CAPSA_ERR_UNSUPPORTED. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE or CAPSA_ERR_UNSUPPORTED.
 */
capsa_status capsa_tpm2_parse_attest(capsa_tpm2_attest *out, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_parse_signature parses a marshaled TPMT_SIGNATURE that must
 * fill |len| exactly. Returns CAPSA_OK, CAPSA_ERR_DECODE, or
 * CAPSA_ERR_UNSUPPORTED for a signature scheme other than ECDSA.
 */
capsa_status capsa_tpm2_parse_signature(capsa_tpm2_signature *out, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/* capsa_tpm2_public_name computes be16(nameAlg) || SHA-256(TPMT_PUBLIC); nameAlg must be SHA-256. */
capsa_status capsa_tpm2_public_name(uint8_t name[34], const capsa_tpm2_public *pub) CAPSA_MUST_CHECK;

/* True if |pub| is an acceptable AK (see capsa_tpm2_ak_name in attest/tpm2.h). */
bool capsa_tpm2_public_is_ak(const capsa_tpm2_public *pub);
/*
 * True if |pub| is a restricted decryption key with AES-128-CFB and nameAlg
 * SHA-256, either ECC P-256 or RSA 2048 (the TCG default EK templates L-2 and
 * L-1, or an SRK).
 */
bool capsa_tpm2_public_is_storage(const capsa_tpm2_public *pub);

/* ---- Key derivation (kdf.c) -----------------------------------------
 *
 * The TPM 2.0 key derivation functions (TPM 2.0 part 1,
 * 11.4.10), with SHA-256 only: KDFa (SP 800-108 counter mode over HMAC) and
 * KDFe (SP 800-56A one-step KDF over the ECDH secret). They are built from
 * capsa's HMAC and SHA-256 wrappers; labels are given without their NUL,
 * which both functions append as the specification requires.
 */
/* KDFa(SHA-256, key, label, u, v, 8 * out_len); |out_len| at most 64. */
capsa_status capsa_tpm2_kdfa(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len, const char *label,
                             const uint8_t *u, size_t u_len, const uint8_t *v, size_t v_len) CAPSA_MUST_CHECK;

/* KDFe(SHA-256, z, label, u, v, 256): one block of 32 bytes. */
capsa_status capsa_tpm2_kdfe(uint8_t out[32], const uint8_t *z, size_t z_len, const char *label, const uint8_t *u,
                             size_t u_len, const uint8_t *v, size_t v_len) CAPSA_MUST_CHECK;

#endif
