/*
 * Fuzzes the tiles parsers: a tile path that parses writes back to the same
 * path; an entry bundle that parses rebuilds to the same bytes. Also serves
 * the input as every tile to a tile reader, which must refuse or verify.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "fuzz.h"

typedef struct input {
	const uint8_t *data;
	size_t size;
} input;

static capsa_status serve(void *arg, const char *path, uint8_t **data, size_t *len)
{
	const input *in = arg;
	(void)path;
	*data = malloc(in->size + 1);
	if (*data == NULL)
		return CAPSA_ERR_NOMEM;
	if (in->size)
		memcpy(*data, in->data, in->size);
	*len = in->size;
	return CAPSA_OK;
}

static void check_bundle(const uint8_t *data, size_t size)
{
	capsa_entry_span spans[CAPSA_TILE_WIDTH];
	const uint8_t *entries[CAPSA_TILE_WIDTH];
	size_t lens[CAPSA_TILE_WIDTH], count, len;
	uint8_t *out;

	if (capsa_entry_bundle_parse(spans, &count, data, size, 0) != CAPSA_OK)
		return;
	for (size_t i = 0; i < count; i++) {
		entries[i] = data + spans[i].offset;
		lens[i] = spans[i].len;
	}
	if (capsa_entry_bundle_build(&out, &len, entries, lens, count) != CAPSA_OK || len != size ||
	    memcmp(out, data, size) != 0)
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_tile t;
	char path[CAPSA_TILE_PATH_MAX];
	uint8_t root[CAPSA_TLOG_HASH_BYTES] = {0}, leaf[CAPSA_TLOG_HASH_BYTES], proof[CAPSA_TLOG_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	capsa_tile_reader *r;
	input in = {data, size};
	uint8_t *bundle;
	size_t len, count, num;
	capsa_entry_span spans[CAPSA_TILE_WIDTH];

	if (capsa_tile_path_parse(&t, (const char *)data, size) == CAPSA_OK) {
		if (capsa_tile_path(path, &t) != CAPSA_OK || strlen(path) != size || memcmp(path, data, size) != 0)
			abort();
	}
	check_bundle(data, size);
	if (capsa_tile_reader_new(&r, size * 7 + 1, root, serve, &in) != CAPSA_OK)
		return 0;
	if (capsa_tile_reader_check_root(r) == CAPSA_OK ||
	    capsa_tile_reader_inclusion(r, leaf, proof, &num, size) == CAPSA_OK)
		abort(); /* nothing hashes to the all-zero root */
	if (capsa_tile_reader_entries(r, &bundle, &len, spans, &count, 0) == CAPSA_OK)
		abort();
	capsa_tile_reader_free(r);
	return 0;
}
