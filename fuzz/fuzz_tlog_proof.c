/*
 * Fuzzes tlog-proof parsing: a receipt that parses formats back to the same
 * bytes and is verified (against a fixed key) without crashing.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "fuzz.h"

static const char VKEY[] = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	capsa_tlog_proof p;
	capsa_note_verifier key;
	capsa_checkpoint cp;
	char *out;
	size_t out_len;

	if (capsa_tlog_proof_parse(&p, s, size) != CAPSA_OK) {
		if (p.checkpoint != NULL || p.extra != NULL)
			abort();
		return 0;
	}
	if (capsa_tlog_proof_format(&out, &out_len, p.has_extra ? p.extra : NULL, p.extra_len, p.index,
	                            (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])p.path, p.path_len, p.checkpoint,
	                            p.checkpoint_len) != CAPSA_OK ||
	    out_len != size || memcmp(out, s, size) != 0)
		abort();
	free(out);
	if (capsa_note_vkey_parse(&key, VKEY, strlen(VKEY)) != CAPSA_OK)
		abort();
	if (capsa_tlog_proof_verify(&p, p.extra, p.extra_len, NULL, &key, NULL, 0, NULL, &cp) == CAPSA_OK)
		capsa_checkpoint_free(&cp);
	capsa_tlog_proof_free(&p);
	return 0;
}
