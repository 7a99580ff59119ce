/*
 * Fuzzes identity-file and recipients-file parsing. Whatever the input, the
 * parsers return a status; on success every key re-encodes to a string that
 * decodes to the same key, and the file form of each identity parses back.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/keys.h>

#include "fuzz.h"

static void check_identities(const capsa_identity *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char text[CAPSA_IDENTITY_FILE_BYTES];
		capsa_identity *back = NULL;
		size_t num = 0, bad = 0;

		if (capsa_identity_file_format(text, sizeof text, &ids[i], 0) != CAPSA_OK ||
		    capsa_identity_file_parse(&back, &num, text, strlen(text), &bad) != CAPSA_OK || num != 1 ||
		    memcmp(back, &ids[i], sizeof *back) != 0)
			abort();
		capsa_identity_list_free(back, num);
	}
}

static void check_recipients(const capsa_recipient *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char s[CAPSA_RECIPIENT_STRLEN + 1];
		capsa_recipient back;

		if (capsa_recipient_encode(s, sizeof s, &rs[i]) != CAPSA_OK ||
		    capsa_recipient_decode(&back, s, strlen(s)) != CAPSA_OK || memcmp(&back, &rs[i], sizeof back) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	capsa_identity *ids = NULL;
	capsa_recipient *rs = NULL;
	size_t n = 0, bad = 0;

	if (capsa_identity_file_parse(&ids, &n, text, size, &bad) == CAPSA_OK) {
		if (n == 0 || ids == NULL || bad != 0)
			abort();
		check_identities(ids, n);
		capsa_identity_list_free(ids, n);
	} else if (ids != NULL || n != 0) {
		abort();
	}
	if (capsa_recipient_file_parse(&rs, &n, text, size, &bad) == CAPSA_OK) {
		if (n == 0 || rs == NULL)
			abort();
		check_recipients(rs, n);
		free(rs);
	} else if (rs != NULL || n != 0) {
		abort();
	}
	return 0;
}
