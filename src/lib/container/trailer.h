/*
 * container/trailer.h - the trailer of a signed v2 file (doc/FORMAT.md,
 * "Trailer"): layout, manifest, the producer's signature, the origin block
 * of a copy, and a streaming reader of the stored levels.
 *
 *   trailer  = t-magic(16) manifest(128) signature(64) [origin(304)] c-levels p-levels t-len(8)
 *   manifest = content-id(16) length(8) chunks(8) preface-hash(32) c-root(32) p-root(32)
 *   origin   = o-header-hash(32) o-sig-key(32) o-manifest(128) o-signature(64) sealed-pc-key(48)
 */
#ifndef CAPSA_CONTAINER_TRAILER_H
#define CAPSA_CONTAINER_TRAILER_H

#include <stdbool.h>
#include <stdint.h>

#include <capsa/container.h>

#include "container/header.h"
#include "container/trees.h"

#define TRL_MAGIC_BYTES 16
#define TRL_MANIFEST_BYTES CAPSA_MANIFEST_BYTES
#define TRL_SIG_BYTES 64
#define TRL_SEALED_KEY_BYTES (32 + CAPSA_AEAD_TAGBYTES)
#define TRL_ORIGIN_BYTES (32 + 32 + TRL_MANIFEST_BYTES + TRL_SIG_BYTES + TRL_SEALED_KEY_BYTES)
#define TRL_LEN_BYTES 8
#define TRL_FIXED_MAX (TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES + TRL_SIG_BYTES + TRL_ORIGIN_BYTES)
#define TRL_SIG_LABEL "capsa/v2/manifest"
#define TRL_ORIGIN_KEY_LABEL "capsa/v2/origin-key"

extern const uint8_t capsa_trl_magic[TRL_MAGIC_BYTES];

typedef struct trl_manifest {
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	uint64_t length;
	uint64_t chunks;
	uint8_t preface_hash[32];
	uint8_t c_root[32];
	uint8_t p_root[32];
} trl_manifest;

void trl_manifest_encode(uint8_t out[TRL_MANIFEST_BYTES], const trl_manifest *m);
void trl_manifest_decode(trl_manifest *m, const uint8_t in[TRL_MANIFEST_BYTES]);

/* Bytes before the stored levels: magic, manifest, signature and (copies) origin. */
size_t trl_fixed_len(bool copy);
/* The whole trailer for |chunks| chunks; UINT64_MAX if it cannot exist. */
uint64_t trl_len(uint64_t chunks, bool copy);
/* Offset within the trailer of node (level, index) of tree 0 (ciphertext) or 1 (plaintext commitments). */
uint64_t trl_node_offset(uint64_t chunks, bool copy, int tree, unsigned level, uint64_t index);

/* Ed25519 over "capsa/v2/manifest" || header_hash || manifest. */
capsa_status trl_sign(uint8_t sig[TRL_SIG_BYTES], const uint8_t seed[32], const uint8_t header_hash[32],
                      const uint8_t manifest[TRL_MANIFEST_BYTES]) CAPSA_MUST_CHECK;
/* Returns CAPSA_OK or CAPSA_ERR_SIGNATURE. */
capsa_status trl_verify(const uint8_t sig[TRL_SIG_BYTES], const uint8_t key[32], const uint8_t header_hash[32],
                        const uint8_t manifest[TRL_MANIFEST_BYTES]) CAPSA_MUST_CHECK;

/* The origin block of a copy: encode (sealing |o|'s pc_key under the copy's CEK), or check and open. */
capsa_status trl_origin_encode(uint8_t out[TRL_ORIGIN_BYTES], const capsa_origin *o, capsa_suite suite,
                               const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t header_hash[32]) CAPSA_MUST_CHECK;
/* Parses the public part into |o| (pc_key zero) and checks o-signature: CAPSA_OK or CAPSA_ERR_SIGNATURE. */
capsa_status trl_origin_decode(capsa_origin *o, const uint8_t in[TRL_ORIGIN_BYTES]) CAPSA_MUST_CHECK;
/* Opens sealed-pc-key into o->pc_key: CAPSA_OK or CAPSA_ERR_TRAILER. */
capsa_status trl_origin_open_key(capsa_origin *o, const uint8_t in[TRL_ORIGIN_BYTES], capsa_suite suite,
                                 const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t header_hash[32]) CAPSA_MUST_CHECK;

/*
 * What every reader checks in the fixed part of a trailer against its
 * header and payload (|chunks|; |length| the plaintext length the payload
 * holds): magic, content id, length, chunks, the signature by the header's
 * signer and, for a copy, the origin's signature and its agreement with the
 * manifest (length, chunks, p-root). Returns CAPSA_OK, CAPSA_ERR_TRAILER or
 * CAPSA_ERR_SIGNATURE; fills |m| and (copies) the public part of |origin|.
 */
capsa_status trl_check_fixed(trl_manifest *m, capsa_origin *origin, const uint8_t *fixed, const capsa_hdr *h,
                             const uint8_t header_hash[32], uint64_t chunks, uint64_t length) CAPSA_MUST_CHECK;

/* ---- Writing ------------------------------------------------------------------- */

typedef struct trl_writer_in {
	const capsa_hdr_params *hp; /* suite, content id, copy */
	const uint8_t *header_hash;
	const uint8_t *prefix;      /* salt || commitment */
	uint64_t length, chunks;
	const uint8_t *c_root, *p_root;
	const uint8_t *seed;        /* the signer's Ed25519 seed */
	const capsa_origin *origin; /* copies */
	const uint8_t *cek;
	tree_spool *c_spool, *p_spool;
} trl_writer_in;

capsa_status trl_write(const trl_writer_in *in, tree_sink sink, void *arg) CAPSA_MUST_CHECK;

/* ---- Reading a trailer as it streams past ------------------------------------------ */

typedef struct trl_reader {
	uint64_t chunks;
	bool copy;
	uint64_t total, pos;
	size_t fixed_len;
	uint8_t fixed[TRL_FIXED_MAX];
	uint8_t tlen[TRL_LEN_BYTES];
	tree_levels_check c, p;
} trl_reader;

capsa_status trl_reader_init(trl_reader *r, uint64_t chunks, bool copy) CAPSA_MUST_CHECK;
/* Returns CAPSA_OK, CAPSA_ERR_TRAILING past the end, or an internal failure. */
capsa_status trl_reader_write(trl_reader *r, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
/* The fixed part has been read (trl_check_fixed may run). */
bool trl_reader_have_fixed(const trl_reader *r);
/*
 * trl_reader_finish: CAPSA_ERR_TRUNCATED if the trailer is incomplete,
 * CAPSA_ERR_TRAILER if t-len is not its length; then the stored levels
 * against |c_root| and |p_root| (CAPSA_ERR_TREE), and their level-0
 * digests into |c_level0| and |p_level0|.
 */
capsa_status trl_reader_finish(trl_reader *r, const uint8_t c_root[32], const uint8_t p_root[32],
                               uint8_t c_level0[32], uint8_t p_level0[32]) CAPSA_MUST_CHECK;
void trl_reader_cleanup(trl_reader *r);

#endif
