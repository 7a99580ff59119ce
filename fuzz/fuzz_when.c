/* Fuzzes capsa_when_parse: never a crash; a refusal leaves 0; a duration is never before now. */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	uint64_t out = 1, now = 1800000000;

	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (capsa_when_parse(&out, s, now) != CAPSA_OK) {
		if (out != 0)
			abort();
	} else if (!(strlen(s) > 4 && s[4] == '-') && out <= now) {
		abort();
	}
	return 0;
}
