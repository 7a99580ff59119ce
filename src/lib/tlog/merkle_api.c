/* The public face of src/lib/merkle: leaf hashes, proofs from a node store, proof verification. */
#include "merkle/merkle.h"
#include "tlog/tlog_internal.h"

capsa_status capsa_tlog_leaf_hash(uint8_t out[CAPSA_TLOG_HASH_BYTES], const void *data, size_t len)
{
	return capsa_merkle_leaf_hash(out, data, len);
}

capsa_status capsa_tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[CAPSA_TLOG_HASH_BYTES],
                                         const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t num,
                                         const uint8_t root[CAPSA_TLOG_HASH_BYTES])
{
	return capsa_merkle_verify_inclusion(index, size, leaf_hash, proof, num, root);
}

capsa_status capsa_tlog_verify_consistency(uint64_t old_size, uint64_t new_size,
                                           const uint8_t old_root[CAPSA_TLOG_HASH_BYTES],
                                           const uint8_t new_root[CAPSA_TLOG_HASH_BYTES],
                                           const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t num)
{
	return capsa_merkle_verify_consistency(old_size, new_size, old_root, CAPSA_TLOG_HASH_BYTES, new_root,
	                                       CAPSA_TLOG_HASH_BYTES, proof, num);
}

capsa_status capsa_tlog_root(uint8_t out[CAPSA_TLOG_HASH_BYTES], uint64_t size, capsa_tlog_get_node get, void *arg)
{
	return capsa_merkle_range_root(out, size, 0, 0, NULL, get, arg);
}

capsa_status capsa_tlog_inclusion_proof(uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num, uint64_t index,
                                        uint64_t size, capsa_tlog_get_node get, void *arg)
{
	return capsa_merkle_inclusion_path(proof, num, index, size, get, arg);
}

capsa_status capsa_tlog_consistency_proof(uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num, uint64_t old_size,
                                          uint64_t new_size, capsa_tlog_get_node get, void *arg)
{
	return capsa_merkle_consistency_proof(proof, num, old_size, new_size, get, arg);
}
