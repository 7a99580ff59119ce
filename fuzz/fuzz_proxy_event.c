/* Fuzzes the log entry parser: an entry that parses formats back to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_proxy_event e;
	char *out;
	size_t out_len;

	if (capsa_proxy_event_parse(&e, data, size) != CAPSA_OK)
		return 0;
	if (capsa_proxy_event_format(&out, &out_len, &e) != CAPSA_OK || out_len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
	return 0;
}
