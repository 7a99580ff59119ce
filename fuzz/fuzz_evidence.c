/*
 * The evidence envelope and everything capsa_attest_verify parses behind it.
 * A parsed envelope must serialize back to the very same bytes (one encoding
 * per evidence), and verification must never crash, whatever the platform.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "fuzz.h"

static void verify_all_platforms(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[16], keys[1];
	capsa_attest_policy pol = {.allow_sim = true, .require_nonce = true, .max_age = 300};
	capsa_attest_verify_params p = {nonce, sizeof nonce, keys, sizeof keys, NULL, 0, 1800000000};
	capsa_attest_result *res = malloc(sizeof *res);

	if (res == NULL)
		return;
	for (int i = CAPSA_PLATFORM_SIM; i <= CAPSA_PLATFORM_NITRO; i++) {
		pol.platforms[i].allowed = true;
		pol.platforms[i].num_measurements = 1;
		pol.platforms[i].measurement_lens[0] = 32;
	}
	if (capsa_attest_verify(data, size, &p, &pol, res) == CAPSA_OK && !capsa_attest_result_ok(res))
		abort(); /* accepted with a failed check */
	free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_evidence ev;
	uint8_t *out = NULL;
	size_t out_len = 0;

	if (capsa_evidence_parse(&ev, data, size) == CAPSA_OK) {
		if (capsa_evidence_serialize(&ev, &out, &out_len) != CAPSA_OK || out_len != size ||
		    memcmp(out, data, size) != 0)
			abort(); /* parse accepted what serialize would not write back */
		free(out);
		verify_all_platforms(data, size);
	}
	if (capsa_evidence_import(&out, &out_len, data, size, NULL, 0) == CAPSA_OK) {
		if (capsa_evidence_parse(&ev, out, out_len) != CAPSA_OK)
			abort(); /* import wrote an envelope parse refuses */
		free(out);
	}
	return 0;
}
