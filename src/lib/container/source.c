/* Feeding a source through the calling thread (container/source.h). */
#include "container/source.h"

#include <stdlib.h>

#include "crypto/crypto.h"

/* Bytes per piece: several engine batches, so the workers rarely wait for the next. */
#define FEED_PIECE (4u << 20)

capsa_status capsa_source_feed(capsa_stream_source src, void *arg, uint64_t off, uint64_t len,
                               capsa_status (*write)(void *obj, const uint8_t *data, size_t len), void *obj)
{
	size_t cap = len < FEED_PIECE ? (size_t)len : FEED_PIECE, used = 0;
	uint8_t *buf;
	capsa_status st = CAPSA_OK;

	if (len == 0)
		return CAPSA_OK;
	if ((buf = malloc(cap)) == NULL)
		return CAPSA_ERR_NOMEM;
	while (st == CAPSA_OK && len > 0) {
		size_t n = len < cap ? (size_t)len : cap;
		if ((st = src(arg, buf, n, off)) == CAPSA_OK)
			st = write(obj, buf, n);
		used = n > used ? n : used;
		off += n;
		len -= n;
	}
	capsa_wipe(buf, used); /* plaintext, when sealing */
	free(buf);
	return st;
}
