/*
 * Fuzzes checkpoint parsing: a checkpoint text that parses formats back to
 * the same bytes; the whole input is also opened as a signed checkpoint.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "fuzz.h"

static const char VKEY[] = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	capsa_checkpoint cp;
	capsa_note_verifier key;
	char *out;
	size_t out_len;

	if (capsa_checkpoint_parse(&cp, s, size) == CAPSA_OK) {
		if (capsa_checkpoint_format(&out, &out_len, cp.origin, cp.size, cp.root, cp.extensions,
		                            cp.extensions_len) != CAPSA_OK ||
		    out_len != size || memcmp(out, s, size) != 0)
			abort();
		free(out);
		capsa_checkpoint_free(&cp);
	}
	if (capsa_note_vkey_parse(&key, VKEY, strlen(VKEY)) != CAPSA_OK)
		abort();
	if (capsa_checkpoint_open(&cp, NULL, s, size, NULL, &key, NULL, 0, NULL) == CAPSA_OK)
		capsa_checkpoint_free(&cp);
	return 0;
}
