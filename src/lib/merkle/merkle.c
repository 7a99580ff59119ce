/* RFC 6962 Merkle tree hashing: leaves, nodes, streaming roots, subtrees and inclusion paths. */
#include "merkle/merkle.h"

#include <string.h>

#include "crypto/crypto.h"

static capsa_status hash_prefixed(uint8_t out[CAPSA_MERKLE_HASH_BYTES], uint8_t prefix, const void *a, size_t a_len,
                                  const void *b, size_t b_len)
{
	capsa_sha256_ctx ctx = {0};
	capsa_status st;

	if ((st = capsa_sha256_init(&ctx)) != CAPSA_OK)
		return st;
	if ((st = capsa_sha256_update(&ctx, &prefix, 1)) != CAPSA_OK ||
	    (a_len > 0 && (st = capsa_sha256_update(&ctx, a, a_len)) != CAPSA_OK) ||
	    (b_len > 0 && (st = capsa_sha256_update(&ctx, b, b_len)) != CAPSA_OK)) {
		capsa_sha256_cleanup(&ctx);
		return st;
	}
	return capsa_sha256_final(&ctx, out);
}

capsa_status capsa_merkle_leaf_hash(uint8_t out[CAPSA_MERKLE_HASH_BYTES], const void *d, size_t len)
{
	return hash_prefixed(out, 0x00, d, len, NULL, 0);
}

capsa_status capsa_merkle_node_hash(uint8_t out[CAPSA_MERKLE_HASH_BYTES], const uint8_t left[CAPSA_MERKLE_HASH_BYTES],
                                    const uint8_t right[CAPSA_MERKLE_HASH_BYTES])
{
	return hash_prefixed(out, 0x01, left, CAPSA_MERKLE_HASH_BYTES, right, CAPSA_MERKLE_HASH_BYTES);
}

uint64_t capsa_merkle_level_nodes(uint64_t n, unsigned level)
{
	return level >= 64 ? 0 : n >> level;
}

unsigned capsa_merkle_levels(uint64_t n)
{
	unsigned levels = 0;

	while (n > 0) {
		levels++;
		n >>= 1;
	}
	return levels;
}

uint64_t capsa_merkle_total_nodes(uint64_t n)
{
	uint64_t total = 0;

	for (unsigned l = 0; l < 64; l++)
		total += n >> l;
	return total;
}

/* ---- Streaming root ---------------------------------------------------------- */

void capsa_merkle_builder_init(capsa_merkle_builder *b, capsa_merkle_node_cb on_node, void *arg)
{
	memset(b, 0, sizeof *b);
	b->on_node = on_node;
	b->arg = arg;
}

capsa_status capsa_merkle_builder_add(capsa_merkle_builder *b, const uint8_t leaf_hash[CAPSA_MERKLE_HASH_BYTES])
{
	uint8_t h[CAPSA_MERKLE_HASH_BYTES];
	uint64_t index = b->count;
	unsigned level = 0;
	capsa_status st;

	if (b->count == UINT64_MAX)
		return CAPSA_ERR_ARG;
	memcpy(h, leaf_hash, sizeof h);
	if (b->on_node != NULL && (st = b->on_node(b->arg, 0, index, h)) != CAPSA_OK)
		return st;
	/* every set low bit of the count is a complete subtree that the new leaf completes */
	while ((index >> level) & 1) {
		if ((st = capsa_merkle_node_hash(h, b->stack[level], h)) != CAPSA_OK)
			return st;
		level++;
		if (b->on_node != NULL && (st = b->on_node(b->arg, level, index >> level, h)) != CAPSA_OK)
			return st;
	}
	memcpy(b->stack[level], h, sizeof h);
	b->count++;
	return CAPSA_OK;
}

capsa_status capsa_merkle_builder_root(const capsa_merkle_builder *b, uint8_t out[CAPSA_MERKLE_HASH_BYTES])
{
	uint8_t acc[CAPSA_MERKLE_HASH_BYTES];
	bool have = false;
	capsa_status st;

	if (b->count == 0)
		return capsa_sha256(out, NULL, 0);
	/* the complete subtrees, smallest (rightmost) first, fold into the root */
	for (unsigned l = 0; l < CAPSA_MERKLE_MAX_LEVELS; l++) {
		if (((b->count >> l) & 1) == 0)
			continue;
		if (!have) {
			memcpy(acc, b->stack[l], sizeof acc);
			have = true;
		} else if ((st = capsa_merkle_node_hash(acc, b->stack[l], acc)) != CAPSA_OK) {
			return st;
		}
	}
	memcpy(out, acc, sizeof acc);
	return CAPSA_OK;
}

/* ---- Subtrees from stored nodes -------------------------------------------------- */

typedef struct range_ctx {
	uint64_t first, count;
	const uint8_t (*leaves)[CAPSA_MERKLE_HASH_BYTES];
	capsa_merkle_get_node get;
	void *arg;
} range_ctx;

static bool is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static unsigned log2_u64(uint64_t x)
{
	unsigned l = 0;

	while (x >>= 1)
		l++;
	return l;
}

/* The largest power of two strictly below |n| (n >= 2): RFC 6962's split point. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

/* MTH(D[a : a + size]) from the given leaves where they lie and from stored nodes elsewhere. */
static capsa_status subtree(uint8_t out[CAPSA_MERKLE_HASH_BYTES], const range_ctx *c, uint64_t a, uint64_t size)
{
	uint8_t left[CAPSA_MERKLE_HASH_BYTES], right[CAPSA_MERKLE_HASH_BYTES];
	bool disjoint = a + size <= c->first || a >= c->first + c->count;
	uint64_t k;
	capsa_status st;

	if (disjoint && is_pow2(size))
		return c->get(c->arg, log2_u64(size), a / size, out);
	if (size == 1) {
		memcpy(out, c->leaves[a - c->first], CAPSA_MERKLE_HASH_BYTES);
		return CAPSA_OK;
	}
	k = split_point(size);
	if ((st = subtree(left, c, a, k)) != CAPSA_OK || (st = subtree(right, c, a + k, size - k)) != CAPSA_OK)
		return st;
	return capsa_merkle_node_hash(out, left, right);
}

capsa_status capsa_merkle_range_root(uint8_t out[CAPSA_MERKLE_HASH_BYTES], uint64_t n, uint64_t first,
                                     uint64_t count, const uint8_t (*leaf_hashes)[CAPSA_MERKLE_HASH_BYTES],
                                     capsa_merkle_get_node get, void *arg)
{
	range_ctx c = {first, count, leaf_hashes, get, arg};

	if (n == 0 || first > n || count > n - first || (count > 0 && leaf_hashes == NULL) || get == NULL)
		return CAPSA_ERR_ARG;
	return subtree(out, &c, 0, n);
}

/* ---- Inclusion ------------------------------------------------------------------ */

capsa_status capsa_merkle_verify_inclusion(uint64_t index, uint64_t n, const uint8_t leaf_hash[CAPSA_MERKLE_HASH_BYTES],
                                           const uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t proof_len,
                                           const uint8_t root[CAPSA_MERKLE_HASH_BYTES])
{
	uint8_t r[CAPSA_MERKLE_HASH_BYTES];
	uint64_t fn = index, sn;
	capsa_status st;

	if (index >= n)
		return CAPSA_ERR_DECODE;
	sn = n - 1;
	memcpy(r, leaf_hash, sizeof r);
	for (size_t i = 0; i < proof_len; i++) {
		if (sn == 0)
			return CAPSA_ERR_AUTH; /* the path is longer than the tree is deep */
		if ((fn & 1) || fn == sn) {
			st = capsa_merkle_node_hash(r, proof[i], r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			st = capsa_merkle_node_hash(r, r, proof[i]);
		}
		if (st != CAPSA_OK)
			return st;
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && capsa_ct_equal(r, root, sizeof r) ? CAPSA_OK : CAPSA_ERR_AUTH;
}

static capsa_status path_into(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *len, const range_ctx *c,
                              uint64_t index, uint64_t a, uint64_t size)
{
	uint64_t k;
	capsa_status st;

	if (size == 1)
		return CAPSA_OK;
	k = split_point(size);
	if (index < a + k) {
		if ((st = path_into(proof, len, c, index, a, k)) != CAPSA_OK)
			return st;
		return subtree(proof[(*len)++], c, a + k, size - k);
	}
	if ((st = path_into(proof, len, c, index, a + k, size - k)) != CAPSA_OK)
		return st;
	return subtree(proof[(*len)++], c, a, k);
}

capsa_status capsa_merkle_inclusion_path(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *proof_len,
                                         uint64_t index, uint64_t n, capsa_merkle_get_node get, void *arg)
{
	range_ctx c = {0, 0, NULL, get, arg};

	*proof_len = 0;
	if (index >= n || get == NULL)
		return CAPSA_ERR_ARG;
	return path_into(proof, proof_len, &c, index, 0, n);
}

/* ---- Consistency (RFC 9162, 2.1.4) ------------------------------------------------- */

/* SUBPROOF(m, D[a : a + size], b) of RFC 9162 2.1.4.1, appended to |proof|. */
static capsa_status subproof(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *len, const range_ctx *c, uint64_t m,
                             uint64_t a, uint64_t size, bool whole)
{
	uint64_t k;
	capsa_status st;

	if (m == size)
		return whole ? CAPSA_OK : subtree(proof[(*len)++], c, a, size);
	k = split_point(size);
	if (m <= k) {
		if ((st = subproof(proof, len, c, m, a, k, whole)) != CAPSA_OK)
			return st;
		return subtree(proof[(*len)++], c, a + k, size - k);
	}
	if ((st = subproof(proof, len, c, m - k, a + k, size - k, false)) != CAPSA_OK)
		return st;
	return subtree(proof[(*len)++], c, a, k);
}

capsa_status capsa_merkle_consistency_proof(uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t *proof_len,
                                            uint64_t m, uint64_t n, capsa_merkle_get_node get, void *arg)
{
	range_ctx c = {0, 0, NULL, get, arg};

	*proof_len = 0;
	if (m == 0 || m > n || get == NULL)
		return CAPSA_ERR_ARG;
	return subproof(proof, proof_len, &c, m, 0, n, true);
}

/* Both running hashes of RFC 9162 2.1.4.2 step by step. */
static capsa_status consistency_walk(uint8_t fr[CAPSA_MERKLE_HASH_BYTES], uint8_t sr[CAPSA_MERKLE_HASH_BYTES],
                                     uint64_t fn, uint64_t sn, const uint8_t (*path)[CAPSA_MERKLE_HASH_BYTES],
                                     size_t path_len, uint64_t *sn_out)
{
	capsa_status st;

	for (size_t i = 0; i < path_len; i++) {
		if (sn == 0)
			return CAPSA_ERR_AUTH;
		if ((fn & 1) || fn == sn) {
			if ((st = capsa_merkle_node_hash(fr, path[i], fr)) != CAPSA_OK ||
			    (st = capsa_merkle_node_hash(sr, path[i], sr)) != CAPSA_OK)
				return st;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if ((st = capsa_merkle_node_hash(sr, sr, path[i])) != CAPSA_OK) {
			return st;
		}
		fn >>= 1;
		sn >>= 1;
	}
	*sn_out = sn;
	return CAPSA_OK;
}

capsa_status capsa_merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t *root1, size_t root1_len,
                                             const uint8_t *root2, size_t root2_len,
                                             const uint8_t (*proof)[CAPSA_MERKLE_HASH_BYTES], size_t proof_len)
{
	uint8_t fr[CAPSA_MERKLE_HASH_BYTES], sr[CAPSA_MERKLE_HASH_BYTES];
	const uint8_t (*path)[CAPSA_MERKLE_HASH_BYTES] = proof;
	uint64_t fn = m - 1, sn = n - 1;
	size_t left = proof_len;
	capsa_status st;

	if (m == 0 || m > n)
		return CAPSA_ERR_DECODE;
	if (m == n)
		return proof_len == 0 && root1_len == root2_len && capsa_ct_equal(root1, root2, root1_len) ? CAPSA_OK
		                                                                                           : CAPSA_ERR_AUTH;
	if (proof_len == 0 || root1_len != CAPSA_MERKLE_HASH_BYTES || root2_len != CAPSA_MERKLE_HASH_BYTES)
		return CAPSA_ERR_AUTH;
	if (is_pow2(m)) {
		memcpy(fr, root1, sizeof fr); /* the old root is the proof's implicit first element */
	} else {
		memcpy(fr, path[0], sizeof fr);
		path++;
		left--;
	}
	memcpy(sr, fr, sizeof sr);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	if ((st = consistency_walk(fr, sr, fn, sn, path, left, &sn)) != CAPSA_OK)
		return st;
	return sn == 0 && capsa_ct_equal(fr, root1, sizeof fr) && capsa_ct_equal(sr, root2, sizeof sr) ? CAPSA_OK
	                                                                                              : CAPSA_ERR_AUTH;
}
