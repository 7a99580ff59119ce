/*
 * Fuzzes signed-note parsing: a note that parses formats back to exactly the
 * same bytes, verifies (against a fixed key) without crashing, and takes an
 * appended signature line. Also the vkey parser on the same input.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "fuzz.h"

static const char VKEY[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	capsa_note n;
	capsa_note_verifier key, v;
	char *out, *more, *vk;
	size_t out_len, more_len, vk_len;
	bool by;
	uint64_t ts;

	if (capsa_note_vkey_parse(&v, s, size) == CAPSA_OK) {
		if (capsa_note_vkey_encode(&vk, &vk_len, &v) != CAPSA_OK || vk_len != size || memcmp(vk, s, size) != 0)
			abort(); /* a vkey that parses is canonical */
		free(vk);
	}
	if (capsa_note_parse(&n, s, size) != CAPSA_OK) {
		if (n.text != NULL || n.sigs != NULL)
			abort();
		return 0;
	}
	if (capsa_note_format(&out, &out_len, &n) != CAPSA_OK || out_len != size || memcmp(out, s, size) != 0)
		abort(); /* one note, one encoding */
	if (capsa_note_vkey_parse(&key, VKEY, strlen(VKEY)) != CAPSA_OK)
		abort();
	if (capsa_note_verify(&n, &key, 1, &by, &ts) == CAPSA_OK && !by)
		abort(); /* success means the one key signed */
	if (capsa_note_append_lines(&more, &more_len, s, size, "\xe2\x80\x94 x AAAAAAA=\n", 13) == CAPSA_OK)
		free(more);
	free(out);
	capsa_note_free(&n);
	return 0;
}
