/* Entry bundles (c2sp.org/tlog-tiles): entries, each a 2-byte big-endian length and its bytes. */
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_internal.h"

capsa_status capsa_entry_bundle_parse(capsa_entry_span spans[CAPSA_TILE_WIDTH], size_t *count, const uint8_t *data,
                                      size_t len, size_t want)
{
	size_t off = 0, n = 0;

	*count = 0;
	if ((data == NULL && len) || want > CAPSA_TILE_WIDTH)
		return CAPSA_ERR_DECODE;
	while (off < len) {
		size_t l;
		if (n == CAPSA_TILE_WIDTH || len - off < 2)
			return CAPSA_ERR_DECODE;
		l = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len - off < l)
			return CAPSA_ERR_DECODE;
		spans[n].offset = off;
		spans[n].len = l;
		n++;
		off += l;
	}
	if (n == 0 || (want && n != want))
		return CAPSA_ERR_DECODE;
	*count = n;
	return CAPSA_OK;
}

capsa_status capsa_entry_bundle_build(uint8_t **out, size_t *out_len, const uint8_t *const *entries,
                                      const size_t *lens, size_t count)
{
	size_t total = 0, off = 0;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	if (count == 0 || count > CAPSA_TILE_WIDTH || entries == NULL || lens == NULL)
		return CAPSA_ERR_ARG;
	for (size_t i = 0; i < count; i++) {
		if (lens[i] > CAPSA_ENTRY_MAX_BYTES || (lens[i] && entries[i] == NULL))
			return CAPSA_ERR_ARG;
		total += 2 + lens[i];
	}
	if ((buf = malloc(total)) == NULL)
		return CAPSA_ERR_NOMEM;
	for (size_t i = 0; i < count; i++) {
		buf[off++] = (uint8_t)(lens[i] >> 8);
		buf[off++] = (uint8_t)lens[i];
		if (lens[i])
			memcpy(buf + off, entries[i], lens[i]);
		off += lens[i];
	}
	*out = buf;
	*out_len = total;
	return CAPSA_OK;
}
