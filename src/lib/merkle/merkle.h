/*
 * merkle/merkle.h - RFC 6962 Merkle tree hashing (SHA-256).
 *
 *   leaf hash  SHA-256(0x00 || d)
 *   node hash  SHA-256(0x01 || left || right)
 *   MTH(D[n])  for n > 1: node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n;
 *              for n = 1 the leaf hash; for n = 0 SHA-256("").
 *
 * A *complete node* (level l, index j) is MTH(D[j*2^l : (j+1)*2^l]): level 0
 * holds the leaf hashes. Every left child in an RFC 6962 tree is a complete
 * node, which is why a store of the complete nodes (as capsa's trailer keeps)
 * answers any subtree or inclusion question with O(log n) look-ups.
 */
#ifndef CAPSA_MERKLE_H
#define CAPSA_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_MERKLE_HASH_BYTES 32
/* Levels a tree of at most 2^64 - 1 leaves can have. */
#define CAPSA_MERKLE_MAX_LEVELS 64

capsa_status capsa_merkle_leaf_hash(uint8_t out[CAPSA_MERKLE_HASH_BYTES], const void *d,
                                    size_t len) CAPSA_MUST_CHECK;
capsa_status capsa_merkle_node_hash(uint8_t out[CAPSA_MERKLE_HASH_BYTES], const uint8_t left[CAPSA_MERKLE_HASH_BYTES],
                                    const uint8_t right[CAPSA_MERKLE_HASH_BYTES]) CAPSA_MUST_CHECK;

/* Number of complete nodes at |level| of a tree of |n| leaves: floor(n / 2^level). */
uint64_t capsa_merkle_level_nodes(uint64_t n, unsigned level);
/* Number of levels that hold at least one complete node: floor(log2 n) + 1, 0 for n = 0. */
unsigned capsa_merkle_levels(uint64_t n);
/* Complete nodes over all levels: 2n - popcount(n). */
uint64_t capsa_merkle_total_nodes(uint64_t n);

/* ---- Streaming root: O(log n) memory ---------------------------------------- */

/* Called for every complete node as it becomes known; per level, in index order. */
typedef capsa_status (*capsa_merkle_node_cb)(void *arg, unsigned level, uint64_t index,
                                             const uint8_t hash[CAPSA_MERKLE_HASH_BYTES]);

typedef struct capsa_merkle_builder {
	uint8_t stack[CAPSA_MERKLE_MAX_LEVELS][CAPSA_MERKLE_HASH_BYTES]; /* stack[l]: if bit l of count */
	uint64_t count;
	capsa_merkle_node_cb on_node; /* may be NULL */
	void *arg;
} capsa_merkle_builder;

void capsa_merkle_builder_init(capsa_merkle_builder *b, capsa_merkle_node_cb on_node, void *arg);
/* Appends the next leaf, given as its leaf hash. */
capsa_status capsa_merkle_builder_add(capsa_merkle_builder *b,
                                      const uint8_t leaf_hash[CAPSA_MERKLE_HASH_BYTES]) CAPSA_MUST_CHECK;
/* The MTH of the leaves added so far (the builder may go on). */
capsa_status capsa_merkle_builder_root(const capsa_merkle_builder *b,
                                       uint8_t out[CAPSA_MERKLE_HASH_BYTES]) CAPSA_MUST_CHECK;

/* ---- Subtrees from stored complete nodes --------------------------------------- */

/* Fetches complete node (level, index). A failure (I/O, say) is passed through. */
typedef capsa_status (*capsa_merkle_get_node)(void *arg, unsigned level, uint64_t index,
                                              uint8_t out[CAPSA_MERKLE_HASH_BYTES]);

/*
 * capsa_merkle_range_root computes the root of the tree of |n| leaves in
 * which the leaves [first, first + count) are the given |leaf_hashes| and
 * every subtree outside that range comes from |get|: O(count + log n) hashes
 * and O(log n) look-ups. Comparing the result with a trusted root checks the
 * given leaves and every fetched node at once. Returns CAPSA_OK,
 * CAPSA_ERR_ARG (range outside the tree) or what |get| returned.
 */
capsa_status capsa_merkle_range_root(uint8_t out[CAPSA_MERKLE_HASH_BYTES], uint64_t n, uint64_t first,
                                     uint64_t count, const uint8_t (*leaf_hashes)[CAPSA_MERKLE_HASH_BYTES],
                                     capsa_merkle_get_node get, void *arg) CAPSA_MUST_CHECK;

/* ---- Inclusion proofs (RFC 9162, 2.1.3) ------------------------------------------ */

/*
 * capsa_merkle_verify_inclusion checks that |leaf_hash| is leaf |index| of
 * the tree of |n| leaves whose root is |root|, with the audit path |proof|
 * (|proof_len| hashes, leaf side first). Returns CAPSA_OK, CAPSA_ERR_DECODE
 * (index outside the tree) or CAPSA_ERR_AUTH (a wrong hash anywhere, or a
 * path of the wrong length).
 */
capsa_status capsa_merkle_verify_inclusion(uint64_t index, uint64_t n, const uint8_t leaf_hash[CAPSA_MERKLE_HASH_BYTES],
                                           const uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t proof_len,
                                           const uint8_t root[CAPSA_MERKLE_HASH_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_merkle_inclusion_path writes the audit path of leaf |index| in a tree
 * of |n| leaves, built from stored complete nodes, into |proof| (room for
 * CAPSA_MERKLE_MAX_LEVELS hashes). Returns CAPSA_OK (|*proof_len| set),
 * CAPSA_ERR_ARG or what |get| returned.
 */
capsa_status capsa_merkle_inclusion_path(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *proof_len,
                                         uint64_t index, uint64_t n, capsa_merkle_get_node get,
                                         void *arg) CAPSA_MUST_CHECK;

/* ---- Consistency proofs (RFC 9162, 2.1.4) ---------------------------------------- */

/*
 * capsa_merkle_consistency_proof writes the consistency proof from the tree
 * of |m| leaves to the tree of |n| (RFC 9162 2.1.4.1 SUBPROOF(m, D[n], true);
 * empty for m == n), built from stored complete nodes, into |proof| (room for
 * CAPSA_MERKLE_MAX_LEVELS hashes). Returns CAPSA_OK (|*proof_len| set),
 * CAPSA_ERR_ARG (m == 0 or m > n) or what |get| returned.
 */
capsa_status capsa_merkle_consistency_proof(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *proof_len,
                                            uint64_t m, uint64_t n, capsa_merkle_get_node get,
                                            void *arg) CAPSA_MUST_CHECK;

/*
 * capsa_merkle_verify_consistency checks that the tree of |m| leaves with
 * root |root1| is a prefix of the tree of |n| leaves with root |root2|
 * (RFC 9162 2.1.4.2, with transparency-dev/merkle's pre-checks). For m == n
 * the proof must be empty and the roots equal as byte strings (of any
 * length); otherwise both roots must be 32 bytes. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE (m == 0, or m > n) or CAPSA_ERR_AUTH.
 */
capsa_status capsa_merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t *root1, size_t root1_len,
                                             const uint8_t *root2, size_t root2_len,
                                             const uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES],
                                             size_t proof_len) CAPSA_MUST_CHECK;

#endif
