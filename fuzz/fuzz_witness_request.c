/*
 * Fuzzes the tlog-witness bodies: an add-checkpoint request that parses
 * formats back to the same bytes; the 200 and 409 response parsers run on
 * the same input.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	capsa_witness_request req;
	capsa_note n;
	char *out;
	size_t out_len;
	uint64_t old;

	if (capsa_witness_response_check(s, size) == CAPSA_OK && (size == 0 || s[size - 1] != '\n'))
		abort();
	if (capsa_witness_size_parse(&old, s, size) != CAPSA_OK && old != 0)
		abort();
	if (capsa_witness_request_parse(&req, s, size) != CAPSA_OK)
		return 0;
	if (req.checkpoint < s || req.checkpoint + req.checkpoint_len != s + size)
		abort();
	if (capsa_note_parse(&n, req.checkpoint, req.checkpoint_len) != CAPSA_OK)
		return 0;
	capsa_note_free(&n);
	if (capsa_witness_request_format(&out, &out_len, req.old_size, (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])req.proof,
	                                 req.proof_len, req.checkpoint, req.checkpoint_len) != CAPSA_OK ||
	    out_len != size || memcmp(out, s, size) != 0)
		abort();
	free(out);
	return 0;
}
