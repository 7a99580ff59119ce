/*
 * A client of a tiled log (c2sp.org/tlog-tiles) at one verified checkpoint:
 * complete nodes from tiles, and from them roots, inclusion and consistency
 * proofs and entry bundles, each checked against the checkpoint's root
 * before it is returned.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "crypto/crypto.h"
#include "merkle/merkle.h"
#include "tlog/tlog_internal.h"

#define CACHE_SLOTS 16
#define TILE_BYTES (CAPSA_TILE_WIDTH * CAPSA_TLOG_HASH_BYTES)

typedef struct cached_tile {
	bool used;
	capsa_tile tile;
	uint8_t *data; /* width * 32 bytes */
} cached_tile;

struct capsa_tile_reader {
	uint64_t size;
	uint8_t root[CAPSA_TLOG_HASH_BYTES];
	capsa_tile_fetch fetch;
	void *arg;
	cached_tile cache[CACHE_SLOTS];
	unsigned next; /* the slot the next fetched tile replaces */
};

capsa_status capsa_tile_reader_new(capsa_tile_reader **out, uint64_t size, const uint8_t root[CAPSA_TLOG_HASH_BYTES],
                                   capsa_tile_fetch fetch, void *arg)
{
	capsa_tile_reader *r;

	*out = NULL;
	if (root == NULL || fetch == NULL)
		return CAPSA_ERR_ARG;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return CAPSA_ERR_NOMEM;
	r->size = size;
	memcpy(r->root, root, sizeof r->root);
	r->fetch = fetch;
	r->arg = arg;
	*out = r;
	return CAPSA_OK;
}

void capsa_tile_reader_free(capsa_tile_reader *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		free(r->cache[i].data);
	free(r);
}

static bool same_tile(const capsa_tile *a, const capsa_tile *b)
{
	return a->entries == b->entries && a->level == b->level && a->index == b->index && a->width == b->width;
}

/* Fetches |t| (checking its length is exactly |want| bytes) into a fresh buffer. */
static capsa_status fetch_exact(capsa_tile_reader *r, const capsa_tile *t, size_t want, uint8_t **data, size_t *len)
{
	char path[CAPSA_TILE_PATH_MAX];
	capsa_status st;

	*data = NULL;
	*len = 0;
	if ((st = capsa_tile_path(path, t)) != CAPSA_OK || (st = r->fetch(r->arg, path, data, len)) != CAPSA_OK) {
		free(*data);
		*data = NULL;
		return st;
	}
	if (*data == NULL || (want && *len != want)) {
		free(*data);
		*data = NULL;
		return CAPSA_ERR_DECODE;
	}
	return CAPSA_OK;
}

static capsa_status tile_hashes(capsa_tile_reader *r, const capsa_tile *t, const uint8_t **hashes)
{
	cached_tile *slot;
	uint8_t *data;
	size_t len;
	capsa_status st;

	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		if (r->cache[i].used && same_tile(&r->cache[i].tile, t)) {
			*hashes = r->cache[i].data;
			return CAPSA_OK;
		}
	}
	if ((st = fetch_exact(r, t, (size_t)t->width * CAPSA_TLOG_HASH_BYTES, &data, &len)) != CAPSA_OK)
		return st;
	slot = &r->cache[r->next];
	r->next = (r->next + 1) % CACHE_SLOTS;
	free(slot->data);
	slot->used = true;
	slot->tile = *t;
	slot->data = data;
	*hashes = data;
	return CAPSA_OK;
}

/* The MTH of |count| (a power of two) consecutive hashes. */
static capsa_status perfect_root(uint8_t out[CAPSA_TLOG_HASH_BYTES], const uint8_t *h, unsigned count)
{
	uint8_t l[CAPSA_TLOG_HASH_BYTES], rr[CAPSA_TLOG_HASH_BYTES];
	capsa_status st;

	if (count == 1) {
		memcpy(out, h, CAPSA_TLOG_HASH_BYTES);
		return CAPSA_OK;
	}
	if ((st = perfect_root(l, h, count / 2)) != CAPSA_OK ||
	    (st = perfect_root(rr, h + (size_t)count / 2 * CAPSA_TLOG_HASH_BYTES, count / 2)) != CAPSA_OK)
		return st;
	return capsa_merkle_node_hash(out, l, rr);
}

capsa_status capsa_tile_reader_node(capsa_tile_reader *r, unsigned level, uint64_t index,
                                    uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	capsa_tile t;
	unsigned first, count;
	const uint8_t *h;
	capsa_status st;

	if ((st = capsa_tile_for_node(&t, &first, &count, r->size, level, index)) != CAPSA_OK ||
	    (st = tile_hashes(r, &t, &h)) != CAPSA_OK)
		return st;
	return perfect_root(out, h + (size_t)first * CAPSA_TLOG_HASH_BYTES, count);
}

static capsa_status get_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_MERKLE_HASH_BYTES])
{
	return capsa_tile_reader_node(arg, level, index, out);
}

capsa_status capsa_tile_reader_check_root(capsa_tile_reader *r)
{
	uint8_t root[CAPSA_TLOG_HASH_BYTES];
	capsa_status st;

	if (r->size == 0)
		st = capsa_sha256(root, "", 0); /* the empty tree's root */
	else
		st = capsa_merkle_range_root(root, r->size, 0, 0, NULL, get_node, r);
	if (st != CAPSA_OK)
		return st;
	return capsa_ct_equal(root, r->root, sizeof root) ? CAPSA_OK : CAPSA_ERR_AUTH;
}

capsa_status capsa_tile_reader_inclusion(capsa_tile_reader *r, uint8_t leaf_hash[CAPSA_TLOG_HASH_BYTES],
                                         uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num, uint64_t index)
{
	capsa_status st;

	*num = 0;
	if (index >= r->size)
		return CAPSA_ERR_ARG;
	if ((st = capsa_tile_reader_node(r, 0, index, leaf_hash)) != CAPSA_OK ||
	    (st = capsa_merkle_inclusion_path(proof, num, index, r->size, get_node, r)) != CAPSA_OK ||
	    (st = capsa_merkle_verify_inclusion(index, r->size, leaf_hash, (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])proof,
	                                        *num, r->root)) != CAPSA_OK) {
		*num = 0;
		return st;
	}
	return CAPSA_OK;
}

capsa_status capsa_tile_reader_consistency(capsa_tile_reader *r, uint8_t old_root[CAPSA_TLOG_HASH_BYTES],
                                           uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num, uint64_t old_size)
{
	capsa_status st;

	*num = 0;
	if (old_size == 0 || old_size > r->size)
		return CAPSA_ERR_ARG;
	if ((st = capsa_merkle_range_root(old_root, old_size, 0, 0, NULL, get_node, r)) != CAPSA_OK ||
	    (st = capsa_merkle_consistency_proof(proof, num, old_size, r->size, get_node, r)) != CAPSA_OK ||
	    (st = capsa_merkle_verify_consistency(old_size, r->size, old_root, CAPSA_TLOG_HASH_BYTES, r->root,
	                                          CAPSA_TLOG_HASH_BYTES, (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])proof,
	                                          *num)) != CAPSA_OK) {
		*num = 0;
		return st;
	}
	return CAPSA_OK;
}

/* Checks the parsed bundle's entries are leaves [n*256, n*256 + count) under the root. */
static capsa_status check_entries(capsa_tile_reader *r, const uint8_t *data, const capsa_entry_span *spans,
                                  size_t count, uint64_t n)
{
	uint8_t (*leaves)[CAPSA_TLOG_HASH_BYTES] = malloc(CAPSA_TILE_WIDTH * sizeof *leaves);
	uint8_t root[CAPSA_TLOG_HASH_BYTES];
	capsa_status st = CAPSA_OK;

	if (leaves == NULL)
		return CAPSA_ERR_NOMEM;
	for (size_t i = 0; i < count && st == CAPSA_OK; i++)
		st = capsa_merkle_leaf_hash(leaves[i], data + spans[i].offset, spans[i].len);
	if (st == CAPSA_OK)
		st = capsa_merkle_range_root(root, r->size, n * CAPSA_TILE_WIDTH, count,
		                             (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])leaves, get_node, r);
	if (st == CAPSA_OK && !capsa_ct_equal(root, r->root, sizeof root))
		st = CAPSA_ERR_AUTH;
	free(leaves);
	return st;
}

capsa_status capsa_tile_reader_entries(capsa_tile_reader *r, uint8_t **data, size_t *data_len,
                                       capsa_entry_span spans[CAPSA_TILE_WIDTH], size_t *count, uint64_t n)
{
	capsa_tile t = {.entries = true, .index = n};
	capsa_status st;

	*data = NULL;
	*data_len = 0;
	*count = 0;
	if ((t.width = capsa_tile_width(r->size, 0, n)) == 0)
		return CAPSA_ERR_ARG;
	if ((st = fetch_exact(r, &t, 0, data, data_len)) != CAPSA_OK)
		return st;
	if ((st = capsa_entry_bundle_parse(spans, count, *data, *data_len, t.width)) != CAPSA_OK ||
	    (st = check_entries(r, *data, spans, *count, n)) != CAPSA_OK) {
		free(*data);
		*data = NULL;
		*data_len = 0;
		*count = 0;
	}
	return st;
}
