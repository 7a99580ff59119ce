/*
 * wire/cbor.h - a small strict CBOR (RFC 8949) reader over capsa_cbs.
 *
 * Enough for COSE_Sign1 and the Nitro attestation document, and no more:
 * definite lengths only, the shortest ("preferred") encoding of every integer
 * and length, no floats, no indefinite items, only the simple values false,
 * true and null. Every length is checked against the bytes that remain, so a
 * claimed length never leads to a read or an allocation. Nesting is bounded
 * by CAPSA_CBOR_MAX_DEPTH where the reader recurses (capsa_cbor_skip).
 */
#ifndef CAPSA_WIRE_CBOR_H
#define CAPSA_WIRE_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/bytes.h"

#define CAPSA_CBOR_MAX_DEPTH 16

enum {
	CAPSA_CBOR_UINT = 0,
	CAPSA_CBOR_NINT = 1,
	CAPSA_CBOR_BSTR = 2,
	CAPSA_CBOR_TSTR = 3,
	CAPSA_CBOR_ARRAY = 4,
	CAPSA_CBOR_MAP = 5,
	CAPSA_CBOR_TAG = 6,
	CAPSA_CBOR_SIMPLE = 7,
};

#define CAPSA_CBOR_FALSE 20
#define CAPSA_CBOR_TRUE 21
#define CAPSA_CBOR_NULL 22

/*
 * capsa_cbor_get_head reads one item head: its major type and argument
 * (the value, length, count, tag or simple value). Fails, consuming nothing,
 * on a reserved or indefinite encoding, a non-shortest argument, a simple
 * value other than false/true/null, or a string/array/map length larger
 * than the bytes that remain.
 */
bool capsa_cbor_get_head(capsa_cbs *cbs, uint8_t *major, uint64_t *arg);

/* capsa_cbor_peek_major returns the next item's major type, or -1 at the end. */
int capsa_cbor_peek_major(const capsa_cbs *cbs);

/* Typed readers: each fails, consuming nothing, on an item of another type. */
bool capsa_cbor_get_uint(capsa_cbs *cbs, uint64_t *out);
/* capsa_cbor_get_int reads a major type 0 or 1 integer that fits int64_t. */
bool capsa_cbor_get_int(capsa_cbs *cbs, int64_t *out);
bool capsa_cbor_get_bstr(capsa_cbs *cbs, capsa_cbs *out);
/* capsa_cbor_get_tstr also requires valid UTF-8 without NUL bytes. */
bool capsa_cbor_get_tstr(capsa_cbs *cbs, capsa_cbs *out);
bool capsa_cbor_get_array(capsa_cbs *cbs, uint64_t *count);
bool capsa_cbor_get_map(capsa_cbs *cbs, uint64_t *count);
bool capsa_cbor_get_tag(capsa_cbs *cbs, uint64_t *tag);
/* capsa_cbor_get_null consumes a null. */
bool capsa_cbor_get_null(capsa_cbs *cbs);

/* capsa_cbor_tstr_eq is true if the text string |s| is exactly |lit|. */
bool capsa_cbor_tstr_eq(const capsa_cbs *s, const char *lit);

/*
 * capsa_cbor_skip consumes one well-formed item, whatever it holds, nested at
 * most CAPSA_CBOR_MAX_DEPTH deep. Fails, consuming nothing, otherwise.
 */
bool capsa_cbor_skip(capsa_cbs *cbs);

/*
 * capsa_cbor_add_head writes an item head in the shortest encoding, for the
 * encoders capsa needs (the COSE Sig_structure).
 */
bool capsa_cbor_add_head(capsa_cbb *cbb, uint8_t major, uint64_t arg);

#endif
