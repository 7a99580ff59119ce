/* Capsule parsers (wire and simple form): never crash; what parses re-serializes to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_umbral_capsule c;
	uint8_t out[CAPSA_UMBRAL_CAPSULE_BYTES];

	if (capsa_umbral_capsule_from_bytes(&c, data, size) == CAPSA_OK) {
		capsa_umbral_capsule_to_bytes(out, &c);
		if (size != sizeof out || memcmp(out, data, size) != 0)
			abort(); /* only the canonical form may parse */
	}
	if (capsa_umbral_capsule_from_bytes_simple(&c, data, size) == CAPSA_OK) {
		capsa_umbral_capsule_to_bytes_simple(out, &c);
		if (size != CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES || memcmp(out, data, size) != 0)
			abort();
	}
	return 0;
}
