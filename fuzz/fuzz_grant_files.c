/*
 * The kfrag and cfrag file parsers: never crash; what parses re-serializes to
 * the same bytes; a parsed kfrag verifies or fails cleanly.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/grant.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_kfrag_file kf;
	capsa_cfrag_file cf;
	uint8_t kout[CAPSA_KFRAG_FILE_BYTES], cout[CAPSA_CFRAG_FILE_BYTES];

	if (capsa_kfrag_file_parse(&kf, data, size) == CAPSA_OK) {
		capsa_kfrag_file_serialize(kout, &kf);
		if (size != sizeof kout || memcmp(kout, data, size) != 0)
			abort(); /* only the canonical form may parse */
		capsa_status st = capsa_umbral_kfrag_verify(&kf.kfrag, &kf.verifying, &kf.delegating, &kf.receiving);
		if (st != CAPSA_OK && st != CAPSA_ERR_PROOF && st != CAPSA_ERR_SIGNATURE)
			abort();
		capsa_kfrag_file_wipe(&kf);
	}
	if (capsa_cfrag_file_parse(&cf, data, size) == CAPSA_OK) {
		capsa_cfrag_file_serialize(cout, &cf);
		if (size != sizeof cout || memcmp(cout, data, size) != 0)
			abort();
	}
	return 0;
}
