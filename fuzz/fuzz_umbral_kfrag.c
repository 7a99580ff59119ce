/* The kfrag parser: never crashes; what parses re-serializes to the same bytes and can be verified safely. */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_umbral_kfrag k;
	capsa_umbral_public_key pk;
	uint8_t out[CAPSA_UMBRAL_KFRAG_BYTES];

	if (capsa_umbral_kfrag_from_bytes(&k, data, size) != CAPSA_OK)
		return 0;
	capsa_umbral_kfrag_to_bytes(out, &k);
	if (size != sizeof out || memcmp(out, data, size) != 0)
		abort(); /* only the canonical form may parse */
	/* the precursor is a valid point: use it as every key, which must not verify */
	memcpy(pk.bytes, k.precursor, sizeof pk.bytes);
	if (capsa_umbral_kfrag_verify(&k, &pk, &pk, &pk) == CAPSA_OK)
		abort();
	capsa_umbral_kfrag_wipe(&k);
	return 0;
}
