/*
 * attest/tpm2_wire.h - strict parsers for the TPM 2.0 structures a verifier
 * reads from untrusted evidence: TPM2B_PUBLIC (ECC keys), TPMS_ATTEST (quotes)
 * and TPMT_SIGNATURE (ECDSA). They use no TPM and no tpm2-tss library code
 * (only its constants). Every length is bounded, every selector must be one
 * we understand, and no byte may follow a structure. Parsed views point into
 * the caller's buffer.
 */
#ifndef CAPSA_ATTEST_TPM2_WIRE_H
#define CAPSA_ATTEST_TPM2_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#include "wire/bytes.h"

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

#endif
