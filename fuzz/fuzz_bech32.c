/*
 * Fuzzes bech32 decoding: any input either decodes, and then re-encodes to
 * the same string (in its case), or fails with a named reason. Also feeds the
 * input to the recipient and identity string parsers.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/keys.h>

#include "fuzz.h"
#include "wire/bech32.h"

#define MAX_LEN 1024

static void check_round_trip(const char *s, size_t len)
{
	char hrp[MAX_LEN], again[MAX_LEN + 1];
	uint8_t values[MAX_LEN];
	size_t n = 0;
	bool upper = false;

	if (capsa_bech32_decode_values(hrp, sizeof hrp, values, sizeof values, &n, s, len, MAX_LEN) != CAPSA_BECH32_OK)
		return;
	for (size_t i = 0; i < len; i++)
		upper |= s[i] >= 'A' && s[i] <= 'Z';
	/* Encoding wants a lower-case HRP, which the decoder returns. */
	if (capsa_bech32_encode_values(again, sizeof again, hrp, values, n, upper) != CAPSA_OK ||
	    strlen(again) != len || memcmp(again, s, len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char hrp[MAX_LEN];
	uint8_t out[MAX_LEN];
	size_t n = 0;
	capsa_recipient r;
	capsa_identity id;

	if (size > MAX_LEN)
		return 0;
	check_round_trip(s, size);
	if (capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, s, size, MAX_LEN) == CAPSA_BECH32_OK &&
	    n > sizeof out)
		abort();
	if (capsa_recipient_decode(&r, s, size) == CAPSA_OK) {
		char again[CAPSA_RECIPIENT_STRLEN + 1];
		if (capsa_recipient_encode(again, sizeof again, &r) != CAPSA_OK || size != (r.has_ed25519 ? CAPSA_RECIPIENT_STRLEN : CAPSA_RECIPIENT_V1_STRLEN) ||
		    memcmp(again, s, size) != 0)
			abort();
	}
	if (capsa_identity_decode(&id, s, size) == CAPSA_OK)
		capsa_identity_wipe(&id);
	return 0;
}
