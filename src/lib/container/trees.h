/*
 * container/trees.h - the two Merkle trees of a signed file (doc/FORMAT.md,
 * "Trees"), computed as the bytes pass: leaf hashes of ciphertext chunks or
 * of plaintext commitments, a node spool for writing the stored levels, and
 * a streaming check of stored levels against a root.
 *
 * Everything here runs in the calling thread and keeps O(log n) state, except
 * the spool, which a sealer fills with the leaf hashes to write the levels
 * after the payload (memory up to a bound, then an unlinked temporary file).
 */
#ifndef CAPSA_CONTAINER_TREES_H
#define CAPSA_CONTAINER_TREES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/crypto.h"
#include "merkle/merkle.h"

#define TREE_HASH_BYTES CAPSA_MERKLE_HASH_BYTES
#define TREE_COMMIT_LABEL "capsa/v2/chunk"
#define TREE_PC_KEY_LABEL "capsa/v2/plaintext-commit"

/* ---- Node spool ------------------------------------------------------------ */

typedef struct tree_spool {
	uint8_t *mem;
	size_t mem_len, mem_cap;
	FILE *file; /* once the spool outgrew memory: everything is here */
	uint64_t len;
} tree_spool;

/* Bytes a spool keeps in memory before it moves to a temporary file (tests lower it). */
extern size_t tree_spool_mem_max;

capsa_status tree_spool_append(tree_spool *s, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
capsa_status tree_spool_read(const tree_spool *s, uint64_t off, uint8_t *out, size_t len) CAPSA_MUST_CHECK;
void tree_spool_cleanup(tree_spool *s);

/* ---- Leaf hashes of a chunked byte stream ------------------------------------ */

typedef struct tree_hasher {
	size_t full;          /* bytes of a full chunk: 16400 (ciphertext) or 16384 (plaintext) */
	size_t fill;          /* bytes of the current chunk so far */
	uint64_t chunks;      /* chunks completed */
	bool in_chunk;        /* the current chunk's hash is started */
	capsa_hmac *commit;   /* plaintext commitments under pc_key; NULL for ciphertext */
	capsa_sha256_ctx sha; /* the current ciphertext chunk's leaf hash */
	capsa_merkle_builder tree;
	capsa_sha256_ctx level0; /* SHA-256 of all leaf hashes, to compare with the stored level 0 */
	tree_spool *spool;       /* if not NULL, receives every leaf hash */
	bool failed;
} tree_hasher;

/*
 * tree_hasher_init starts the ciphertext tree (|pc_key| NULL: leaves are
 * SHA-256(0x00 || chunk)) or the plaintext-commitment tree (leaves are the
 * leaf hashes of HMAC(pc_key, "capsa/v2/chunk" || u64(i) || chunk)).
 */
capsa_status tree_hasher_init(tree_hasher *t, const uint8_t *pc_key, tree_spool *spool) CAPSA_MUST_CHECK;
capsa_status tree_hasher_write(tree_hasher *t, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
/*
 * tree_hasher_finish ends the final (short, possibly empty) chunk and writes
 * the root and the digest of level 0. |t| must still be cleaned up.
 */
capsa_status tree_hasher_finish(tree_hasher *t, uint8_t root[TREE_HASH_BYTES],
                                uint8_t level0_digest[TREE_HASH_BYTES]) CAPSA_MUST_CHECK;
void tree_hasher_cleanup(tree_hasher *t);

/* pc_key = HKDF(CEK, "", "capsa/v2/plaintext-commit", 32). */
capsa_status tree_pc_key(uint8_t pc_key[TREE_HASH_BYTES], const uint8_t cek[32]) CAPSA_MUST_CHECK;

/* One plaintext commitment's leaf hash, for a reader that opened chunk |index|. */
capsa_status tree_commit_leaf(uint8_t out[TREE_HASH_BYTES], capsa_hmac *commit, uint64_t index,
                              const uint8_t *chunk, size_t len) CAPSA_MUST_CHECK;

/* ---- Writing the stored levels ------------------------------------------------ */

typedef capsa_status (*tree_sink)(void *arg, const uint8_t *data, size_t len);

/*
 * tree_write_levels writes level 0 (the |n| leaf hashes in |spool|) and every
 * higher level of complete nodes to |sink|, appending the higher levels to
 * the spool as it computes them from the level below.
 */
capsa_status tree_write_levels(tree_spool *spool, uint64_t n, tree_sink sink, void *arg) CAPSA_MUST_CHECK;

/* ---- Checking stored levels as they stream past ------------------------------ */

/*
 * Each stored node of level l+1 must be the node hash of two consecutive
 * nodes of level l (compared as SHA-256 digests of whole levels), and the
 * root folded from the last node of each level a bit of n selects must be the
 * signed root: then every stored node is the one the signer's tree has.
 */
typedef struct tree_levels_check {
	uint64_t n;
	unsigned levels, level; /* levels in all; the one streaming now */
	uint64_t index;          /* next node of |level| */
	uint8_t node[TREE_HASH_BYTES];
	size_t node_fill;
	uint8_t left[TREE_HASH_BYTES]; /* a left sibling waiting for its right */
	capsa_sha256_ctx actual;   /* digest of |level| as stored */
	capsa_sha256_ctx parents;  /* digest of level + 1 as computed from |level| */
	uint8_t expect[TREE_HASH_BYTES]; /* digest |level| must have (from the level below) */
	uint8_t level0[TREE_HASH_BYTES]; /* digest of the stored level 0 */
	uint8_t last[CAPSA_MERKLE_MAX_LEVELS][TREE_HASH_BYTES];
	bool consistent;
	bool failed;
} tree_levels_check;

capsa_status tree_levels_init(tree_levels_check *c, uint64_t n) CAPSA_MUST_CHECK;
/* Bytes of the stored levels, in order; exactly 32 * capsa_merkle_total_nodes(n) in all. */
capsa_status tree_levels_write(tree_levels_check *c, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
/*
 * tree_levels_finish returns CAPSA_OK if the levels are consistent and fold
 * to |root|, CAPSA_ERR_TREE otherwise; |level0| receives the digest of the
 * stored level 0 (to compare with tree_hasher_finish's).
 */
capsa_status tree_levels_finish(tree_levels_check *c, const uint8_t root[TREE_HASH_BYTES],
                                uint8_t level0[TREE_HASH_BYTES]) CAPSA_MUST_CHECK;
void tree_levels_cleanup(tree_levels_check *c);

#endif
