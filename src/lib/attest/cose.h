/*
 * attest/cose.h - COSE_Sign1 (RFC 9052) as AWS Nitro Enclaves uses it.
 *
 * Strictly the shape Nitro produces: an optional tag 18, then an array of
 * four: the protected header, a byte string holding exactly {1: -35} (alg
 * ES384); an empty unprotected header map; the payload byte string; and a
 * 96-byte signature (r || s). Nothing may follow.
 */
#ifndef CAPSA_ATTEST_COSE_H
#define CAPSA_ATTEST_COSE_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#include "wire/bytes.h"

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

#endif
