/*
 * attest/nitro/nitro.h - the AWS Nitro Enclaves backend: its attestation
 * document, the CBOR map inside the COSE_Sign1 payload (AWS, "Nitro Enclaves attestation
 * process", the AttestationDocument CDDL):
 *
 *   { module_id: text, digest: "SHA384", timestamp: uint (ms),
 *     pcrs: { + 0..31 => bytes .size 48 }, certificate: bytes .size (1..1024),
 *     cabundle: [ + bytes .size (1..1024) ], ? public_key: bytes .size (1..1024) / null,
 *     ? user_data: bytes .size (0..1024) / null, ? nonce: bytes .size (0..1024) / null }
 *
 * Parsed strictly: every required key present, no key twice, no key outside
 * this list, only SHA384 PCRs, and nothing after the map.
 */
#ifndef CAPSA_ATTEST_NITRO_H
#define CAPSA_ATTEST_NITRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>
#include <capsa/status.h>

#include "wire/bytes.h"

#define CAPSA_NITRO_MAX_PCRS 32
#define CAPSA_NITRO_PCR_BYTES 48
#define CAPSA_NITRO_MAX_CABUNDLE 8
#define CAPSA_NITRO_MAX_CERT 1024
#define CAPSA_NITRO_MAX_USER 1024

/* A parsed document; the byte fields point into the payload it was parsed from. */
typedef struct capsa_nitro_doc {
	capsa_cbs module_id;
	uint64_t timestamp_ms;
	uint32_t pcr_mask;   /* bit i set: pcr[i] present */
	capsa_cbs pcr[CAPSA_NITRO_MAX_PCRS];
	capsa_cbs certificate;
	size_t num_cabundle; /* cabundle[0] is the root, the last one the leaf's issuer */
	capsa_cbs cabundle[CAPSA_NITRO_MAX_CABUNDLE];
	bool has_public_key, has_user_data, has_nonce;
	capsa_cbs public_key, user_data, nonce;
} capsa_nitro_doc;

/*
 * capsa_nitro_doc_parse parses the COSE payload |buf|. Returns CAPSA_OK,
 * CAPSA_ERR_UNSUPPORTED (a digest other than SHA384), CAPSA_ERR_TRAILING or
 * CAPSA_ERR_DECODE, with the reason in |why|; |doc| is zeroed on failure.
 */
capsa_status capsa_nitro_doc_parse(capsa_nitro_doc *doc, const uint8_t *buf, size_t len, char *why,
                                   size_t why_len) CAPSA_MUST_CHECK;

/* ---- COSE_Sign1 (cose.c) --------------------------------------------
 *
 * COSE_Sign1 (RFC 9052) as AWS Nitro Enclaves uses it.
 *
 * Strictly the shape Nitro produces: an optional tag 18, then an array of
 * four: the protected header, a byte string holding exactly {1: -35} (alg
 * ES384); an empty unprotected header map; the payload byte string; and a
 * 96-byte signature (r || s). Nothing may follow.
 */
#define CAPSA_COSE_TAG_SIGN1 18
#define CAPSA_COSE_ALG_ES384 (-35)
#define CAPSA_COSE_ES384_SIGBYTES 96

/* A parsed COSE_Sign1; the fields point into the buffer it was parsed from. */
typedef struct capsa_cose_sign1 {
	capsa_cbs protected_hdr; /* the serialized protected header (the bstr's contents) */
	capsa_cbs payload;
	capsa_cbs signature;     /* CAPSA_COSE_ES384_SIGBYTES */
} capsa_cose_sign1;

/*
 * capsa_cose_sign1_parse parses |buf| as above. Returns CAPSA_OK,
 * CAPSA_ERR_UNSUPPORTED for another algorithm, CAPSA_ERR_TRAILING, or
 * CAPSA_ERR_DECODE, with the reason in |why|.
 */
capsa_status capsa_cose_sign1_parse(capsa_cose_sign1 *msg, const uint8_t *buf, size_t len, char *why,
                                    size_t why_len) CAPSA_MUST_CHECK;

/*
 * capsa_cose_sig_structure encodes the bytes that were signed,
 * ["Signature1", protected, h'', payload], into a new buffer (free()).
 * Returns CAPSA_OK or CAPSA_ERR_NOMEM.
 */
capsa_status capsa_cose_sig_structure(uint8_t **out, size_t *out_len, const capsa_cose_sign1 *msg) CAPSA_MUST_CHECK;

/* capsa_nitro_verify: an attestation document (COSE_Sign1, untagged or tagged). */
capsa_status capsa_nitro_verify(const uint8_t *doc, size_t doc_len, const capsa_attest_expect *expect,
                                capsa_attest_result *res) CAPSA_MUST_CHECK;

#endif
