/* Hash tiles from a log's stored complete nodes, as a tlog-tiles server serves them. */
#include <stdlib.h>

#include "tlog/tlog_internal.h"

capsa_status capsa_tile_build(uint8_t **out, size_t *out_len, const capsa_tile *t, uint64_t size,
                              capsa_tlog_get_node get, void *arg)
{
	unsigned have;
	uint8_t *buf;
	capsa_status st = CAPSA_OK;

	*out = NULL;
	*out_len = 0;
	if (t == NULL || t->entries || get == NULL || t->width == 0 || t->width > CAPSA_TILE_WIDTH)
		return CAPSA_ERR_ARG;
	have = capsa_tile_width(size, t->level, t->index);
	/* a full tile once complete; a partial one only at the width this size gives it */
	if (have == 0 || (t->width == CAPSA_TILE_WIDTH ? have != CAPSA_TILE_WIDTH : have != t->width))
		return CAPSA_ERR_ARG;
	if ((buf = malloc((size_t)t->width * CAPSA_TLOG_HASH_BYTES)) == NULL)
		return CAPSA_ERR_NOMEM;
	for (unsigned i = 0; i < t->width && st == CAPSA_OK; i++)
		st = get(arg, t->level * CAPSA_TILE_HEIGHT, t->index * CAPSA_TILE_WIDTH + i,
		         buf + (size_t)i * CAPSA_TLOG_HASH_BYTES);
	if (st != CAPSA_OK) {
		free(buf);
		return st;
	}
	*out = buf;
	*out_len = (size_t)t->width * CAPSA_TLOG_HASH_BYTES;
	return CAPSA_OK;
}
