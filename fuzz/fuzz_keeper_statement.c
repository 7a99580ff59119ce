/*
 * Fuzzes strict mode's statement parsers (capsa/keeper.h): never a crash or
 * a leak, and whatever parses formats back to exactly the input.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/keeper.h>

#include "fuzz.h"

#define ROUND_TRIP(type, parse, format)                                                                            \
	do {                                                                                                           \
		type v;                                                                                                    \
		char *out = NULL;                                                                                          \
		size_t out_len = 0;                                                                                        \
		if (parse(&v, (const char *)data, size) == CAPSA_OK) {                                                     \
			if (format(&out, &out_len, &v) != CAPSA_OK || out_len != size || memcmp(out, data, size) != 0)        \
				abort();                                                                                           \
			free(out);                                                                                             \
		}                                                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ROUND_TRIP(capsa_keeper_grant, capsa_keeper_grant_parse, capsa_keeper_grant_format);
	ROUND_TRIP(capsa_keeper_access, capsa_keeper_access_parse, capsa_keeper_access_format);
	ROUND_TRIP(capsa_keeper_fetch, capsa_keeper_fetch_parse, capsa_keeper_fetch_format);
	return 0;
}
