/* The Merkle trees of a signed file: leaf hashing, the node spool, stored levels (container/trees.h). */
#include "container/trees.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream/stream.h"
#include "wire/bytes.h"

/* Spool bytes kept in memory before they move to a temporary file (two trees: twice this). */
#define SPOOL_MEM_MAX (16u << 20)
/* Nodes per block when computing a level from the one below. */
#define LEVEL_BLOCK 1024u

/* ---- Spool -------------------------------------------------------------------- */

size_t tree_spool_mem_max = SPOOL_MEM_MAX;

static capsa_status spool_to_file(tree_spool *s)
{
	if ((s->file = tmpfile()) == NULL)
		return CAPSA_ERR_IO;
	if (s->mem_len > 0 && fwrite(s->mem, 1, s->mem_len, s->file) != s->mem_len)
		return CAPSA_ERR_IO;
	free(s->mem); /* public hashes: nothing to wipe */
	s->mem = NULL;
	s->mem_len = s->mem_cap = 0;
	return CAPSA_OK;
}

capsa_status tree_spool_append(tree_spool *s, const uint8_t *data, size_t len)
{
	capsa_status st;

	if (s->file == NULL && s->mem_len + len > s->mem_cap) {
		size_t cap = s->mem_cap ? s->mem_cap * 2 : 4096;
		uint8_t *p;
		while (cap < s->mem_len + len)
			cap *= 2;
		if (cap > tree_spool_mem_max) {
			if ((st = spool_to_file(s)) != CAPSA_OK)
				return st;
		} else {
			if ((p = realloc(s->mem, cap)) == NULL)
				return CAPSA_ERR_NOMEM;
			s->mem = p;
			s->mem_cap = cap;
		}
	}
	if (s->file != NULL) {
		if (fseeko(s->file, 0, SEEK_END) != 0 || fwrite(data, 1, len, s->file) != len)
			return CAPSA_ERR_IO;
	} else {
		memcpy(s->mem + s->mem_len, data, len);
		s->mem_len += len;
	}
	s->len += len;
	return CAPSA_OK;
}

capsa_status tree_spool_read(const tree_spool *s, uint64_t off, uint8_t *out, size_t len)
{
	if (off > s->len || len > s->len - off)
		return CAPSA_ERR_INTERNAL;
	if (s->file == NULL) {
		memcpy(out, s->mem + off, len);
		return CAPSA_OK;
	}
	if (fflush(s->file) != 0 || fseeko(s->file, (off_t)off, SEEK_SET) != 0 || fread(out, 1, len, s->file) != len)
		return CAPSA_ERR_IO;
	return CAPSA_OK;
}

void tree_spool_cleanup(tree_spool *s)
{
	free(s->mem);
	if (s->file != NULL)
		fclose(s->file);
	memset(s, 0, sizeof *s);
}

/* ---- Leaf hashing ------------------------------------------------------------- */

capsa_status tree_pc_key(uint8_t pc_key[TREE_HASH_BYTES], const uint8_t cek[32])
{
	return capsa_hkdf(pc_key, TREE_HASH_BYTES, cek, 32, NULL, 0, (const uint8_t *)TREE_PC_KEY_LABEL,
	                  sizeof(TREE_PC_KEY_LABEL) - 1);
}

static capsa_status commit_start(capsa_hmac *commit, uint64_t index)
{
	uint8_t be[8];
	capsa_status st;

	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(index >> (56 - 8 * i));
	if ((st = capsa_hmac_sha256_start(commit)) != CAPSA_OK ||
	    (st = capsa_hmac_sha256_update(commit, TREE_COMMIT_LABEL, sizeof(TREE_COMMIT_LABEL) - 1)) != CAPSA_OK)
		return st;
	return capsa_hmac_sha256_update(commit, be, sizeof be);
}

capsa_status tree_commit_leaf(uint8_t out[TREE_HASH_BYTES], capsa_hmac *commit, uint64_t index,
                              const uint8_t *chunk, size_t len)
{
	uint8_t d[TREE_HASH_BYTES];
	capsa_status st;

	if ((st = commit_start(commit, index)) != CAPSA_OK || (st = capsa_hmac_sha256_update(commit, chunk, len)) != CAPSA_OK ||
	    (st = capsa_hmac_sha256_final(commit, d)) != CAPSA_OK)
		return st;
	return capsa_merkle_leaf_hash(out, d, sizeof d);
}

capsa_status tree_hasher_init(tree_hasher *t, const uint8_t *pc_key, tree_spool *spool)
{
	capsa_status st;

	memset(t, 0, sizeof *t);
	t->full = pc_key != NULL ? CAPSA_STREAM_CHUNK_BYTES : CAPSA_STREAM_CHUNK_CT_BYTES;
	t->spool = spool;
	capsa_merkle_builder_init(&t->tree, NULL, NULL);
	if (pc_key != NULL && (st = capsa_hmac_sha256_new(&t->commit, pc_key, TREE_HASH_BYTES)) != CAPSA_OK)
		return st;
	return capsa_sha256_init(&t->level0);
}

static capsa_status chunk_start(tree_hasher *t)
{
	static const uint8_t leaf_prefix = 0x00;
	capsa_status st;

	if (t->commit != NULL)
		st = commit_start(t->commit, t->chunks);
	else if ((st = capsa_sha256_init(&t->sha)) == CAPSA_OK)
		st = capsa_sha256_update(&t->sha, &leaf_prefix, 1);
	t->in_chunk = st == CAPSA_OK;
	return st;
}

static capsa_status chunk_end(tree_hasher *t)
{
	uint8_t leaf[TREE_HASH_BYTES], d[TREE_HASH_BYTES];
	capsa_status st;

	t->in_chunk = false;
	if (t->commit != NULL) {
		if ((st = capsa_hmac_sha256_final(t->commit, d)) == CAPSA_OK)
			st = capsa_merkle_leaf_hash(leaf, d, sizeof d);
	} else {
		st = capsa_sha256_final(&t->sha, leaf);
	}
	if (st == CAPSA_OK)
		st = capsa_merkle_builder_add(&t->tree, leaf);
	if (st == CAPSA_OK)
		st = capsa_sha256_update(&t->level0, leaf, sizeof leaf);
	if (st == CAPSA_OK && t->spool != NULL)
		st = tree_spool_append(t->spool, leaf, sizeof leaf);
	t->chunks++;
	t->fill = 0;
	return st;
}

static capsa_status chunk_update(tree_hasher *t, const uint8_t *data, size_t len)
{
	return t->commit != NULL ? capsa_hmac_sha256_update(t->commit, data, len)
	                         : capsa_sha256_update(&t->sha, data, len);
}

capsa_status tree_hasher_write(tree_hasher *t, const uint8_t *data, size_t len)
{
	capsa_status st = CAPSA_OK;

	if (t->failed)
		return CAPSA_ERR_ARG;
	while (st == CAPSA_OK && len > 0) {
		size_t n = t->full - t->fill < len ? t->full - t->fill : len;
		if (!t->in_chunk && (st = chunk_start(t)) != CAPSA_OK)
			break;
		if ((st = chunk_update(t, data, n)) != CAPSA_OK)
			break;
		t->fill += n;
		data += n;
		len -= n;
		/* a full chunk is never the final one: end it at once */
		if (t->fill == t->full)
			st = chunk_end(t);
	}
	t->failed = st != CAPSA_OK;
	return st;
}

capsa_status tree_hasher_finish(tree_hasher *t, uint8_t root[TREE_HASH_BYTES], uint8_t level0_digest[TREE_HASH_BYTES])
{
	capsa_status st = CAPSA_OK;

	if (t->failed)
		return CAPSA_ERR_ARG;
	t->failed = true; /* nothing more may be written */
	if (!t->in_chunk)
		st = chunk_start(t);
	if (st == CAPSA_OK)
		st = chunk_end(t);
	if (st == CAPSA_OK)
		st = capsa_merkle_builder_root(&t->tree, root);
	if (st == CAPSA_OK)
		st = capsa_sha256_final(&t->level0, level0_digest);
	return st;
}

void tree_hasher_cleanup(tree_hasher *t)
{
	capsa_hmac_sha256_free(t->commit);
	capsa_sha256_cleanup(&t->sha);
	capsa_sha256_cleanup(&t->level0);
	memset(t, 0, sizeof *t);
}

/* ---- Writing levels -------------------------------------------------------------- */

static capsa_status copy_level(tree_spool *s, uint64_t off, uint64_t count, tree_sink sink, void *arg)
{
	uint8_t *block = malloc(LEVEL_BLOCK * TREE_HASH_BYTES);
	capsa_status st = block != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	for (uint64_t done = 0; st == CAPSA_OK && done < count;) {
		size_t n = count - done < LEVEL_BLOCK ? (size_t)(count - done) : LEVEL_BLOCK;
		if ((st = tree_spool_read(s, off + done * TREE_HASH_BYTES, block, n * TREE_HASH_BYTES)) == CAPSA_OK)
			st = sink(arg, block, n * TREE_HASH_BYTES);
		done += n;
	}
	free(block);
	return st;
}

/* Computes level l + 1 (|count| nodes) from level l at |off|, appends it to the spool and writes it. */
static capsa_status next_level(tree_spool *s, uint64_t off, uint64_t count, tree_sink sink, void *arg)
{
	uint8_t *in = malloc(2 * LEVEL_BLOCK * TREE_HASH_BYTES), *out = malloc(LEVEL_BLOCK * TREE_HASH_BYTES);
	capsa_status st = in != NULL && out != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	for (uint64_t done = 0; st == CAPSA_OK && done < count;) {
		size_t n = count - done < LEVEL_BLOCK ? (size_t)(count - done) : LEVEL_BLOCK;
		st = tree_spool_read(s, off + 2 * done * TREE_HASH_BYTES, in, 2 * n * TREE_HASH_BYTES);
		for (size_t j = 0; st == CAPSA_OK && j < n; j++)
			st = capsa_merkle_node_hash(out + j * TREE_HASH_BYTES, in + 2 * j * TREE_HASH_BYTES,
			                            in + (2 * j + 1) * TREE_HASH_BYTES);
		if (st == CAPSA_OK && (st = tree_spool_append(s, out, n * TREE_HASH_BYTES)) == CAPSA_OK)
			st = sink(arg, out, n * TREE_HASH_BYTES);
		done += n;
	}
	free(in);
	free(out);
	return st;
}

capsa_status tree_write_levels(tree_spool *spool, uint64_t n, tree_sink sink, void *arg)
{
	unsigned levels = capsa_merkle_levels(n);
	uint64_t off = 0, count = n;
	capsa_status st;

	if (spool->len != n * TREE_HASH_BYTES)
		return CAPSA_ERR_INTERNAL;
	if ((st = copy_level(spool, 0, n, sink, arg)) != CAPSA_OK)
		return st;
	for (unsigned l = 1; l < levels; l++) {
		uint64_t next_off = spool->len;
		if ((st = next_level(spool, off, count / 2, sink, arg)) != CAPSA_OK)
			return st;
		off = next_off;
		count /= 2;
	}
	return CAPSA_OK;
}

/* ---- Checking stored levels ------------------------------------------------------- */

static capsa_status level_begin(tree_levels_check *c)
{
	capsa_status st;

	c->index = 0;
	if ((st = capsa_sha256_init(&c->actual)) != CAPSA_OK)
		return st;
	return capsa_sha256_init(&c->parents);
}

capsa_status tree_levels_init(tree_levels_check *c, uint64_t n)
{
	memset(c, 0, sizeof *c);
	c->n = n;
	c->levels = capsa_merkle_levels(n);
	c->consistent = true;
	return n == 0 ? CAPSA_ERR_ARG : level_begin(c);
}

static capsa_status level_end(tree_levels_check *c)
{
	uint8_t digest[TREE_HASH_BYTES];
	capsa_status st;

	if ((st = capsa_sha256_final(&c->actual, digest)) != CAPSA_OK)
		return st;
	if (c->level == 0)
		memcpy(c->level0, digest, sizeof digest);
	else if (!capsa_ct_equal(digest, c->expect, sizeof digest))
		c->consistent = false;
	if ((st = capsa_sha256_final(&c->parents, c->expect)) != CAPSA_OK)
		return st;
	c->level++;
	return c->level < c->levels ? level_begin(c) : CAPSA_OK;
}

static capsa_status take_node(tree_levels_check *c)
{
	uint8_t parent[TREE_HASH_BYTES];
	capsa_status st;

	if ((st = capsa_sha256_update(&c->actual, c->node, sizeof c->node)) != CAPSA_OK)
		return st;
	if ((c->index & 1) == 0) {
		memcpy(c->left, c->node, sizeof c->left);
	} else {
		if ((st = capsa_merkle_node_hash(parent, c->left, c->node)) != CAPSA_OK ||
		    (st = capsa_sha256_update(&c->parents, parent, sizeof parent)) != CAPSA_OK)
			return st;
	}
	memcpy(c->last[c->level], c->node, sizeof c->node);
	c->index++;
	return c->index == capsa_merkle_level_nodes(c->n, c->level) ? level_end(c) : CAPSA_OK;
}

capsa_status tree_levels_write(tree_levels_check *c, const uint8_t *data, size_t len)
{
	capsa_status st = CAPSA_OK;

	while (!c->failed && st == CAPSA_OK && len > 0) {
		size_t n = sizeof c->node - c->node_fill < len ? sizeof c->node - c->node_fill : len;
		if (c->level >= c->levels) {
			st = CAPSA_ERR_INTERNAL; /* the caller sized the levels */
			break;
		}
		memcpy(c->node + c->node_fill, data, n);
		c->node_fill += n;
		data += n;
		len -= n;
		if (c->node_fill == sizeof c->node) {
			c->node_fill = 0;
			st = take_node(c);
		}
	}
	if (st != CAPSA_OK)
		c->failed = true;
	return c->failed ? (st != CAPSA_OK ? st : CAPSA_ERR_INTERNAL) : CAPSA_OK;
}

capsa_status tree_levels_finish(tree_levels_check *c, const uint8_t root[TREE_HASH_BYTES], uint8_t level0[TREE_HASH_BYTES])
{
	uint8_t acc[TREE_HASH_BYTES];
	bool have = false;
	capsa_status st;

	if (c->failed || c->level != c->levels || c->node_fill != 0)
		return CAPSA_ERR_INTERNAL;
	memcpy(level0, c->level0, TREE_HASH_BYTES);
	/* the complete subtrees of n, rightmost first, are the last nodes of the levels n's bits select */
	for (unsigned b = 0; b < c->levels; b++) {
		if (((c->n >> b) & 1) == 0)
			continue;
		if (!have) {
			memcpy(acc, c->last[b], sizeof acc);
			have = true;
		} else if ((st = capsa_merkle_node_hash(acc, c->last[b], acc)) != CAPSA_OK) {
			return st;
		}
	}
	return c->consistent && capsa_ct_equal(acc, root, sizeof acc) ? CAPSA_OK : CAPSA_ERR_TREE;
}

void tree_levels_cleanup(tree_levels_check *c)
{
	capsa_sha256_cleanup(&c->actual);
	capsa_sha256_cleanup(&c->parents);
	memset(c, 0, sizeof *c);
}
