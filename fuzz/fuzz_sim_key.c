/*
 * The sim platform key file: only its one form decodes, the hex of the seed in
 * either case (seed: a key file).
 */
#include <string.h>
#include <strings.h>

#include <capsa/attest.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES];
	char again[CAPSA_SIM_KEYFILE_BYTES + 1];

	if (capsa_sim_key_decode(seed, data, size) != CAPSA_OK)
		return 0;
	capsa_sim_key_encode(again, seed);
	if (size != CAPSA_SIM_KEYFILE_BYTES || strncasecmp(again, (const char *)data, size) != 0)
		__builtin_trap(); /* a key file that decodes is the encoding of its seed, up to the case of the hex */
	return 0;
}
