/*
 * The header parser on arbitrary bytes: it must return a status and never
 * crash, read out of bounds or leak. A header that parses must report sizes
 * consistent with its input, and parse the same way from the public API.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>

#include "container/header.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_hdr h;
	capsa_header_info info;
	capsa_status st = capsa_hdr_parse(&h, data, size), st2 = capsa_inspect_buf(&info, data, size);

	if (st != st2 && st != CAPSA_ERR_NOMEM && st2 != CAPSA_ERR_NOMEM)
		abort();
	if (st == CAPSA_OK) {
		if (h.len > size || h.mac_offset + HDR_MAC_BYTES > h.len || h.num_stanzas == 0 ||
		    h.num_stanzas > CAPSA_STANZA_MAX || memcmp(h.bytes, data, h.len) != 0)
			abort();
		for (size_t i = 0; i < h.num_stanzas; i++)
			if (h.stanzas[i].body + h.stanzas[i].body_len > h.bytes + h.mac_offset)
				abort();
		capsa_hdr_cleanup(&h);
	}
	if (st2 == CAPSA_OK)
		capsa_header_info_free(&info);
	return 0;
}
