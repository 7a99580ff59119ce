/*
 * capsa/tlog.h - transparency logs in the C2SP formats: signed notes,
 * checkpoints, cosignatures, tlog-proof receipts, tiles, and the witness
 * add-checkpoint body; RFC 6962 / RFC 9162 Merkle proofs.
 *
 *   c2sp.org/signed-note@v1        text + "— name base64(keyid || sig)" lines, Ed25519 type 0x01
 *   c2sp.org/tlog-checkpoint@v1    origin, size, base64 root, extension lines
 *   c2sp.org/tlog-cosignature@v1   Ed25519 type 0x04: base64(keyid || u64 time || sig) over
 *                                  "cosignature/v1\ntime <t>\n" || checkpoint text
 *   c2sp.org/tlog-proof@v1         receipt: [extra], index, inclusion path, checkpoint note
 *   c2sp.org/tlog-tiles            tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>], height 8
 *   c2sp.org/tlog-witness@v1       add-checkpoint request body and response
 *
 * Conventions. Every parser takes untrusted bytes with their length (no NUL
 * needed), checks everything the spec says MUST hold, and returns
 * CAPSA_ERR_DECODE for anything else; it never reads past |len| and bounds
 * every count (CAPSA_NOTE_MAX_BYTES, CAPSA_NOTE_MAX_SIGNATURES,
 * CAPSA_TLOG_MAX_PROOF). Text outputs (`char **out`) are fresh
 * NUL-terminated buffers the caller free()s, with the length (without the
 * NUL) in |*out_len|; on failure *out is NULL. Parsed structures own their
 * memory and have a _free function that is safe on a zeroed structure.
 * Secret inputs (Ed25519 seeds) are only read, never kept; intermediate
 * copies are wiped. Hashes are SHA-256, 32 bytes. Base64 is RFC 4648 section
 * 4 with padding, decoded strictly (canonical, no line breaks).
 *
 * Trust. Nothing a parser returns is authenticated. A note's text is to be
 * used only after capsa_note_verify accepted a trusted key; a proof or a tile
 * hash only after it has been checked against a root from a verified
 * checkpoint (the _verify functions and the tile reader do that).
 */
#ifndef CAPSA_TLOG_H
#define CAPSA_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_TLOG_HASH_BYTES 32
/* Most hashes in an inclusion or consistency proof we read or write (2^64 leaves need at most 64). */
#define CAPSA_TLOG_MAX_PROOF 64
/* The most consistency-proof lines a witness request may carry (c2sp.org/tlog-witness). */
#define CAPSA_WITNESS_MAX_PROOF 63

/* ==== Merkle trees (RFC 9162 section 2) ============================================ */

/* capsa_tlog_leaf_hash writes SHA-256(0x00 || data). Returns CAPSA_OK or CAPSA_ERR_INTERNAL. */
CAPSA_API capsa_status capsa_tlog_leaf_hash(uint8_t out[CAPSA_TLOG_HASH_BYTES], const void *data,
                                            size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_verify_inclusion checks that |leaf_hash| is leaf |index| of the
 * tree of |size| leaves with root |root|, by the audit path |proof| (|num|
 * hashes, the leaf's sibling first). Returns CAPSA_OK, CAPSA_ERR_DECODE
 * (index >= size) or CAPSA_ERR_AUTH (a wrong hash, or a path of the wrong
 * length).
 */
CAPSA_API capsa_status capsa_tlog_verify_inclusion(uint64_t index, uint64_t size,
                                                   const uint8_t leaf_hash[CAPSA_TLOG_HASH_BYTES],
                                                   const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t num,
                                                   const uint8_t root[CAPSA_TLOG_HASH_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_verify_consistency checks that the tree of |old_size| leaves
 * with root |old_root| is a prefix of the tree of |new_size| leaves with root
 * |new_root|, by the consistency proof |proof| (|num| hashes; RFC 9162
 * 2.1.4.2). Equal sizes need an empty proof and equal roots. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE (old_size == 0, which has no proof: an empty tree is a
 * prefix of every tree and callers decide that case themselves; or old_size >
 * new_size) or CAPSA_ERR_AUTH (a wrong hash or root, or a proof of the wrong
 * length).
 */
CAPSA_API capsa_status capsa_tlog_verify_consistency(uint64_t old_size, uint64_t new_size,
                                                     const uint8_t old_root[CAPSA_TLOG_HASH_BYTES],
                                                     const uint8_t new_root[CAPSA_TLOG_HASH_BYTES],
                                                     const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES],
                                                     size_t num) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_get_node fetches the complete node (level, index): the MTH of
 * leaves [index * 2^level, (index + 1) * 2^level); level 0 holds the leaf
 * hashes. A log's store answers it; a failure (I/O) is passed through.
 */
typedef capsa_status (*capsa_tlog_get_node)(void *arg, unsigned level, uint64_t index,
                                            uint8_t out[CAPSA_TLOG_HASH_BYTES]);

/* capsa_tlog_root writes the MTH of the first |size| leaves (size >= 1) from complete nodes. */
CAPSA_API capsa_status capsa_tlog_root(uint8_t out[CAPSA_TLOG_HASH_BYTES], uint64_t size, capsa_tlog_get_node get,
                                       void *arg) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_inclusion_proof writes the audit path of leaf |index| in the
 * tree of |size| leaves into |proof| (room for CAPSA_TLOG_MAX_PROOF) and sets
 * |*num|. Returns CAPSA_OK, CAPSA_ERR_ARG (index >= size) or what |get|
 * returned.
 */
CAPSA_API capsa_status capsa_tlog_inclusion_proof(uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num,
                                                  uint64_t index, uint64_t size, capsa_tlog_get_node get,
                                                  void *arg) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_consistency_proof writes the consistency proof from |old_size|
 * to |new_size| (RFC 9162 2.1.4.1 SUBPROOF; empty when the sizes are equal)
 * into |proof| (room for CAPSA_TLOG_MAX_PROOF) and sets |*num|. Returns
 * CAPSA_OK, CAPSA_ERR_ARG (old_size == 0 or old_size > new_size) or what
 * |get| returned.
 */
CAPSA_API capsa_status capsa_tlog_consistency_proof(uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num,
                                                    uint64_t old_size, uint64_t new_size,
                                                    capsa_tlog_get_node get, void *arg) CAPSA_MUST_CHECK;

/* ==== Signed notes (c2sp.org/signed-note) ========================================== */

/* Signature types (the byte in a vkey and in the key id). Both take a 32-byte Ed25519 key. */
#define CAPSA_NOTE_ED25519 0x01     /* Ed25519 over the note text */
#define CAPSA_NOTE_COSIGNATURE 0x04 /* timestamped Ed25519 cosignature, c2sp.org/tlog-cosignature */

#define CAPSA_NOTE_MAX_BYTES (256u * 1024u) /* a longer note is refused unread */
#define CAPSA_NOTE_MAX_SIGNATURES 100       /* signature lines (the spec asks for at least 16) */
#define CAPSA_NOTE_MAX_NAME 255             /* bytes of a key name */
/* A receipt or witness request: a note plus its extra (an entry of up to 64 KiB) and proof lines. */
#define CAPSA_TLOG_PROOF_MAX_BYTES (CAPSA_NOTE_MAX_BYTES + 128u * 1024u)

/*
 * capsa_note_verifier is one trusted key: what a vkey says. |name| is
 * NUL-terminated, non-empty, valid UTF-8 without Unicode spaces or '+'.
 */
typedef struct capsa_note_verifier {
	char name[CAPSA_NOTE_MAX_NAME + 1];
	uint32_t key_id;
	uint8_t type; /* CAPSA_NOTE_ED25519 or CAPSA_NOTE_COSIGNATURE */
	uint8_t public_key[32];
} capsa_note_verifier;

/*
 * capsa_note_key_id computes SHA-256(name || 0x0A || type || public_key)[:4]
 * as a big-endian integer. Returns CAPSA_OK, CAPSA_ERR_ARG (a name that is not
 * a valid key name) or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_note_key_id(uint32_t *out, const char *name, uint8_t type,
                                         const uint8_t public_key[32]) CAPSA_MUST_CHECK;

/*
 * capsa_note_verifier_init fills |v| for key |public_key| of |type| under
 * |name|, computing the key id. Returns CAPSA_OK, CAPSA_ERR_ARG (bad name)
 * or CAPSA_ERR_UNSUPPORTED (type). The key is not checked here; a key of
 * small order verifies no signature (capsa_note_verify).
 */
CAPSA_API capsa_status capsa_note_verifier_init(capsa_note_verifier *v, const char *name, uint8_t type,
                                                const uint8_t public_key[32]) CAPSA_MUST_CHECK;

/*
 * capsa_note_vkey_parse parses the vkey `<name>+<8 lowercase hex key id>+
 * base64(type || public key)` (exactly |len| bytes). The key id must be the
 * one capsa_note_key_id computes. Returns CAPSA_OK, CAPSA_ERR_DECODE or
 * CAPSA_ERR_UNSUPPORTED (a type other than 0x01 and 0x04).
 */
CAPSA_API capsa_status capsa_note_vkey_parse(capsa_note_verifier *v, const char *vkey, size_t len) CAPSA_MUST_CHECK;

/* capsa_note_vkey_encode writes the vkey of |v| (see above) into a fresh string. */
CAPSA_API capsa_status capsa_note_vkey_encode(char **out, size_t *out_len, const capsa_note_verifier *v) CAPSA_MUST_CHECK;

/* capsa_note_sig is one signature line: `— <name> base64(key_id || sig)`. */
typedef struct capsa_note_sig {
	char *name;     /* NUL-terminated */
	uint32_t key_id;
	uint8_t *sig;   /* the bytes after the key id (at least 1) */
	size_t sig_len;
} capsa_note_sig;

/* capsa_note is a parsed signed note. */
typedef struct capsa_note {
	char *text;     /* the note text including its final LF (NUL-terminated copy) */
	size_t text_len;
	capsa_note_sig *sigs;
	size_t num_sigs;
} capsa_note;

/*
 * capsa_note_parse parses the signed note |data| (|len| bytes) into |note|,
 * verifying nothing. Strict: at most CAPSA_NOTE_MAX_BYTES, valid UTF-8, no
 * control character but LF, the text ends at the last blank line (it may
 * itself hold empty lines), then 1..CAPSA_NOTE_MAX_SIGNATURES lines each
 * `— <name> <base64>\n` with a valid key name and at least 5 decoded bytes,
 * and nothing after the last LF. Returns CAPSA_OK, CAPSA_ERR_DECODE or
 * CAPSA_ERR_NOMEM; on failure |note| is zeroed. Free with capsa_note_free.
 */
CAPSA_API capsa_status capsa_note_parse(capsa_note *note, const char *data, size_t len) CAPSA_MUST_CHECK;

/* capsa_note_free releases what |note| owns and zeroes it. */
CAPSA_API void capsa_note_free(capsa_note *note);

/*
 * capsa_note_verify checks |note| against the trusted keys |keys| (|num|).
 * A signature line whose (name, key id) is no trusted key's is ignored. Every
 * line of a trusted key is verified: type 0x01 as Ed25519 over the text, type
 * 0x04 as a cosignature (8-byte big-endian timestamp < 2^63, then Ed25519
 * over "cosignature/v1\ntime <t>\n" || text). |signed_by| (|num| flags, may be
 * NULL) says which keys signed; |timestamps| (|num|, may be NULL) receives a
 * cosigner's timestamp (0 for type 0x01 keys and keys that did not sign).
 * Returns CAPSA_OK if at least one trusted key signed and none failed;
 * CAPSA_ERR_SIGNATURE if a trusted key's line does not verify (the whole
 * note is bad); CAPSA_ERR_SIGNER if no trusted key signed; CAPSA_ERR_ARG if a
 * line matches two entries of |keys| (an ambiguous key list).
 */
CAPSA_API capsa_status capsa_note_verify(const capsa_note *note, const capsa_note_verifier *keys, size_t num,
                                         bool *signed_by, uint64_t *timestamps) CAPSA_MUST_CHECK;

/*
 * capsa_note_open is capsa_note_parse followed by capsa_note_verify: on
 * CAPSA_OK |note| holds the parsed note (free it); on failure it is zeroed.
 */
CAPSA_API capsa_status capsa_note_open(capsa_note *note, const char *data, size_t len,
                                       const capsa_note_verifier *keys, size_t num, bool *signed_by,
                                       uint64_t *timestamps) CAPSA_MUST_CHECK;

/*
 * capsa_note_format writes |note| back as bytes: text, blank line, its
 * signature lines in order. Returns CAPSA_OK, CAPSA_ERR_ARG (a text that is
 * not a valid note text, a bad name, no signature) or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_note_format(char **out, size_t *out_len, const capsa_note *note) CAPSA_MUST_CHECK;

/*
 * capsa_note_sign signs |text| (|text_len| bytes: valid UTF-8, no control
 * character but LF, ending in LF, at most CAPSA_NOTE_MAX_BYTES) with the
 * Ed25519 key |seed| (type 0x01) under the key name |name|, and writes the
 * note with that one signature line. Returns CAPSA_OK, CAPSA_ERR_ARG (bad
 * text or name), CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_note_sign(char **out, size_t *out_len, const char *text, size_t text_len,
                                       const char *name, const uint8_t seed[32]) CAPSA_MUST_CHECK;

/*
 * capsa_note_add_signature adds a type-0x01 signature by |seed| under |name|
 * to the signed note |data| (parsed, not verified): an existing line with the
 * same name and key id is replaced, the other lines are kept in order, the
 * new one goes last. Returns CAPSA_OK, CAPSA_ERR_DECODE (|data| is no note),
 * CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_note_add_signature(char **out, size_t *out_len, const char *data, size_t len,
                                                const char *name, const uint8_t seed[32]) CAPSA_MUST_CHECK;

/*
 * capsa_note_append_lines appends the signature lines |lines| (|lines_len|
 * bytes, each `— name base64\n`: a witness response, say) to the note
 * |data|, dropping a line already present. The result is parsed before it is
 * returned, so it is always a well-formed note; nothing is verified. Returns
 * CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_note_append_lines(char **out, size_t *out_len, const char *data, size_t len,
                                               const char *lines, size_t lines_len) CAPSA_MUST_CHECK;

/* ==== Cosignatures (c2sp.org/tlog-cosignature, Ed25519 type 0x04) ================== */

/*
 * capsa_cosignature_message writes the signed message of a cosignature at
 * |timestamp| (< 2^63): "cosignature/v1\ntime <t>\n" || |text| (the
 * checkpoint note text, ending in LF). Returns CAPSA_OK, CAPSA_ERR_ARG or
 * CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_cosignature_message(char **out, size_t *out_len, const char *text, size_t text_len,
                                                 uint64_t timestamp) CAPSA_MUST_CHECK;

/*
 * capsa_cosignature_sign cosigns the checkpoint text |text| at |timestamp|
 * with the witness key |seed| under |name| and writes the signature line
 * `— <name> base64(key_id || u64be timestamp || ed25519 sig)\n`, key id of
 * type 0x04. Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or
 * CAPSA_ERR_INTERNAL. (Verification: capsa_note_verify with a type-0x04 key.)
 */
CAPSA_API capsa_status capsa_cosignature_sign(char **line, size_t *line_len, const char *text, size_t text_len,
                                              const char *name, const uint8_t seed[32],
                                              uint64_t timestamp) CAPSA_MUST_CHECK;

/* ==== Checkpoints (c2sp.org/tlog-checkpoint) ======================================= */

typedef struct capsa_checkpoint {
	char *origin;                          /* NUL-terminated, non-empty */
	uint64_t size;
	uint8_t root[CAPSA_TLOG_HASH_BYTES];
	char *extensions;                      /* the extension lines verbatim (each ends in LF), or NULL */
	size_t extensions_len;
} capsa_checkpoint;

/*
 * capsa_checkpoint_format writes the note text `<origin>\n<size>\n
 * <base64 root>\n` followed by |extensions| (|extensions_len| bytes of
 * non-empty LF-terminated lines; NULL for none). Returns CAPSA_OK,
 * CAPSA_ERR_ARG (empty origin, control characters, bad extension lines) or
 * CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_checkpoint_format(char **out, size_t *out_len, const char *origin, uint64_t size,
                                               const uint8_t root[CAPSA_TLOG_HASH_BYTES], const char *extensions,
                                               size_t extensions_len) CAPSA_MUST_CHECK;

/*
 * capsa_checkpoint_parse parses a checkpoint note *text* (not the whole
 * note: see capsa_checkpoint_open): origin (non-empty, UTF-8, no control
 * characters), size (decimal, no leading zeros, < 2^64), root (base64 of
 * exactly 32 bytes), then non-empty extension lines, every line ending in
 * LF. Returns CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_NOMEM; free with
 * capsa_checkpoint_free.
 */
CAPSA_API capsa_status capsa_checkpoint_parse(capsa_checkpoint *cp, const char *text, size_t len) CAPSA_MUST_CHECK;

/* capsa_checkpoint_free releases what |cp| owns and zeroes it. */
CAPSA_API void capsa_checkpoint_free(capsa_checkpoint *cp);

/*
 * capsa_checkpoint_open parses and verifies the signed checkpoint |data|:
 * the note must verify (capsa_note_verify rules) with |log_key|, which must
 * itself have signed it (type 0x01), and its text must parse as a
 * checkpoint whose origin equals |origin| (NULL: the log key's name). Other
 * signatures are checked against |witnesses| (|num_witnesses|, may be 0);
 * |witness_signed| (may be NULL) says which cosigned. On CAPSA_OK |cp| holds
 * the checkpoint; |note| (may be NULL) the parsed note. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE, CAPSA_ERR_SIGNATURE, CAPSA_ERR_SIGNER (not signed by the
 * log key), CAPSA_ERR_MISMATCH (origin) or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_checkpoint_open(capsa_checkpoint *cp, capsa_note *note, const char *data, size_t len,
                                             const char *origin, const capsa_note_verifier *log_key,
                                             const capsa_note_verifier *witnesses, size_t num_witnesses,
                                             bool *witness_signed) CAPSA_MUST_CHECK;

/* ==== Receipts (c2sp.org/tlog-proof@v1) ============================================= */

typedef struct capsa_tlog_proof {
	bool has_extra;
	uint8_t *extra;                        /* the decoded `extra` bytes (unauthenticated) */
	size_t extra_len;
	uint64_t index;
	uint8_t path[CAPSA_TLOG_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	size_t path_len;
	char *checkpoint;                      /* the signed checkpoint note, verbatim (NUL-terminated) */
	size_t checkpoint_len;
} capsa_tlog_proof;

/*
 * capsa_tlog_proof_format writes `c2sp.org/tlog-proof@v1\n`, `extra
 * <base64>\n` if |extra| is not NULL (|extra_len| > 0 then), `index <i>\n`, the |path_len|
 * path hashes in base64 one a line, a blank line and the signed checkpoint
 * |checkpoint| (|checkpoint_len| bytes, a note ending in LF). Returns
 * CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_tlog_proof_format(char **out, size_t *out_len, const uint8_t *extra, size_t extra_len,
                                               uint64_t index, const uint8_t (*path)[CAPSA_TLOG_HASH_BYTES],
                                               size_t path_len, const char *checkpoint,
                                               size_t checkpoint_len) CAPSA_MUST_CHECK;

/*
 * capsa_tlog_proof_parse parses a tlog-proof strictly: the header line, an
 * optional `extra <base64>` line (non-empty), `index <decimal>` (no leading
 * zeros), up to CAPSA_TLOG_MAX_PROOF base64 hashes of 32 bytes, a blank
 * line, then a checkpoint note (which must parse as a note, at most
 * CAPSA_NOTE_MAX_BYTES); the whole at most CAPSA_TLOG_PROOF_MAX_BYTES.
 * Returns CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_NOMEM; free with
 * capsa_tlog_proof_free.
 */
CAPSA_API capsa_status capsa_tlog_proof_parse(capsa_tlog_proof *p, const char *data, size_t len) CAPSA_MUST_CHECK;

/* capsa_tlog_proof_free releases what |p| owns and zeroes it. */
CAPSA_API void capsa_tlog_proof_free(capsa_tlog_proof *p);

/*
 * capsa_tlog_proof_verify checks a parsed receipt for the leaf bytes |leaf|
 * (|leaf_len|; the leaf hash is SHA-256(0x00 || leaf)): its checkpoint must
 * open with capsa_checkpoint_open(origin, log_key, witnesses), and the path
 * must prove the leaf at |p->index| under the checkpoint's root. |cp| (may be
 * NULL) receives the checkpoint. Returns CAPSA_OK, the errors of
 * capsa_checkpoint_open, CAPSA_ERR_DECODE (index outside the tree) or
 * CAPSA_ERR_AUTH (the leaf is not in the tree). The extra bytes stay in |p|
 * and are authenticated only as far as the caller's leaf depends on them.
 */
CAPSA_API capsa_status capsa_tlog_proof_verify(const capsa_tlog_proof *p, const uint8_t *leaf, size_t leaf_len,
                                               const char *origin, const capsa_note_verifier *log_key,
                                               const capsa_note_verifier *witnesses, size_t num_witnesses,
                                               bool *witness_signed, capsa_checkpoint *cp) CAPSA_MUST_CHECK;

/* ==== Tiles (c2sp.org/tlog-tiles, height 8) ======================================== */

#define CAPSA_TILE_HEIGHT 8
#define CAPSA_TILE_WIDTH 256       /* hashes in a full tile, entries in a full bundle */
#define CAPSA_TILE_MAX_LEVEL 63
#define CAPSA_TILE_PATH_MAX 64     /* bytes of the longest tile path, with its NUL */
#define CAPSA_ENTRY_MAX_BYTES 65535

/* capsa_tile names one tile or entry bundle. */
typedef struct capsa_tile {
	bool entries;    /* an entry bundle (tile/entries/...), level then 0 */
	unsigned level;  /* 0..63 */
	uint64_t index;  /* N */
	unsigned width;  /* 1..256; 256 is a full tile (no .p/ suffix) */
} capsa_tile;

/*
 * capsa_tile_path writes `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`
 * (N in 3-digit groups, all but the last prefixed by x) into |out|
 * (CAPSA_TILE_PATH_MAX bytes). Returns CAPSA_OK or CAPSA_ERR_ARG.
 */
CAPSA_API capsa_status capsa_tile_path(char out[CAPSA_TILE_PATH_MAX], const capsa_tile *t) CAPSA_MUST_CHECK;

/*
 * capsa_tile_path_parse parses exactly such a path (|len| bytes, starting at
 * "tile/"): level without leading zeros, groups of exactly 3 digits, no
 * superfluous leading x000 groups, width 1..255 without leading zeros.
 * Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
CAPSA_API capsa_status capsa_tile_path_parse(capsa_tile *t, const char *path, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_tile_for_node names the tile of a log of |size| leaves that holds
 * (or, for levels between multiples of 8, is hashed into) the complete node
 * (level, index), and sets |*first| and |*count| to the hashes of that tile
 * the node is computed from. Returns CAPSA_OK or CAPSA_ERR_ARG (not a
 * complete node of that tree).
 */
CAPSA_API capsa_status capsa_tile_for_node(capsa_tile *t, unsigned *first, unsigned *count, uint64_t size,
                                           unsigned level, uint64_t index) CAPSA_MUST_CHECK;

/*
 * capsa_tile_width is the width of tile (level, index) in a tree of |size|
 * leaves: 256 for a full tile, 1..255 for the partial one, 0 if the tree has
 * no such tile.
 */
CAPSA_API unsigned capsa_tile_width(uint64_t size, unsigned level, uint64_t index);

/*
 * capsa_tile_build writes the bytes of hash tile |t| (not an entry bundle)
 * of a log of |size| leaves from its complete nodes: the |t->width| nodes of
 * level 8 * t->level from index t->index * 256, 32 bytes each, into a fresh
 * buffer (free()). A log server answers GET tile/... with it. Returns
 * CAPSA_OK, CAPSA_ERR_ARG (the tree of that size has no such tile: a 404;
 * a partial tile's width must be the size's, and a full tile must be
 * complete) or what |get| returned.
 */
CAPSA_API capsa_status capsa_tile_build(uint8_t **out, size_t *out_len, const capsa_tile *t, uint64_t size,
                                        capsa_tlog_get_node get, void *arg) CAPSA_MUST_CHECK;

/* capsa_entry_span locates one entry inside an entry bundle. */
typedef struct capsa_entry_span {
	size_t offset;
	size_t len;
} capsa_entry_span;

/*
 * capsa_entry_bundle_parse splits the entry bundle |data| (|len| bytes:
 * entries each a 2-byte big-endian length then that many bytes) into
 * |spans| (room for CAPSA_TILE_WIDTH) and sets |*count|. Every byte must
 * belong to an entry; more than 256 entries, or (|want| not 0) a count
 * other than |want|, is an error. Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
CAPSA_API capsa_status capsa_entry_bundle_parse(capsa_entry_span spans[CAPSA_TILE_WIDTH], size_t *count,
                                                const uint8_t *data, size_t len, size_t want) CAPSA_MUST_CHECK;

/*
 * capsa_entry_bundle_build writes the bundle of |count| (1..256) entries
 * |entries[i]| of |lens[i]| (<= 65535) bytes into a fresh buffer (free()).
 * Returns CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_entry_bundle_build(uint8_t **out, size_t *out_len, const uint8_t *const *entries,
                                                const size_t *lens, size_t count) CAPSA_MUST_CHECK;

/*
 * capsa_tile_fetch fetches the resource at |path| (a capsa_tile_path) into a
 * fresh buffer |*data| (malloc'd; the reader frees it). Return CAPSA_OK, or
 * an error (CAPSA_ERR_IO, say) that the reader passes through.
 */
typedef capsa_status (*capsa_tile_fetch)(void *arg, const char *path, uint8_t **data, size_t *len);

/*
 * capsa_tile_reader reads a tiled log at one verified checkpoint (size,
 * root). Tiles are fetched through the callback and cached; a tile of the
 * wrong length is CAPSA_ERR_DECODE. Tile hashes are not trusted by
 * themselves: every proof, root and entry the reader returns has been
 * checked against the checkpoint's root first (CAPSA_ERR_AUTH if not).
 */
typedef struct capsa_tile_reader capsa_tile_reader;

/*
 * capsa_tile_reader_new makes a reader of the tree of |size| leaves with root
 * |root| (from a checkpoint the caller verified). Returns CAPSA_OK,
 * CAPSA_ERR_ARG or CAPSA_ERR_NOMEM. Free with capsa_tile_reader_free.
 */
CAPSA_API capsa_status capsa_tile_reader_new(capsa_tile_reader **out, uint64_t size,
                                             const uint8_t root[CAPSA_TLOG_HASH_BYTES], capsa_tile_fetch fetch,
                                             void *arg) CAPSA_MUST_CHECK;
CAPSA_API void capsa_tile_reader_free(capsa_tile_reader *r);

/*
 * capsa_tile_reader_check_root recomputes the root of the whole tree from
 * the tiles and compares it with the checkpoint's. Returns CAPSA_OK,
 * CAPSA_ERR_AUTH, CAPSA_ERR_DECODE or a fetch error.
 */
CAPSA_API capsa_status capsa_tile_reader_check_root(capsa_tile_reader *r) CAPSA_MUST_CHECK;

/*
 * capsa_tile_reader_node computes complete node (level, index) from the
 * tiles, unverified (for a store or a mirror that checks it otherwise).
 */
CAPSA_API capsa_status capsa_tile_reader_node(capsa_tile_reader *r, unsigned level, uint64_t index,
                                              uint8_t out[CAPSA_TLOG_HASH_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_tile_reader_inclusion writes the leaf hash of |index| and its audit
 * path (room for CAPSA_TLOG_MAX_PROOF), verified against the root. Returns
 * CAPSA_OK, CAPSA_ERR_ARG (index >= size), CAPSA_ERR_AUTH, CAPSA_ERR_DECODE
 * or a fetch error.
 */
CAPSA_API capsa_status capsa_tile_reader_inclusion(capsa_tile_reader *r, uint8_t leaf_hash[CAPSA_TLOG_HASH_BYTES],
                                                   uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num,
                                                   uint64_t index) CAPSA_MUST_CHECK;

/*
 * capsa_tile_reader_consistency writes the root of the first |old_size|
 * leaves (1..size) and the consistency proof to the reader's tree (room for
 * CAPSA_TLOG_MAX_PROOF), verified: the old root is authenticated by the
 * reader's root, so comparing it with an older checkpoint's proves the log
 * append-only. Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_AUTH,
 * CAPSA_ERR_DECODE or a fetch error.
 */
CAPSA_API capsa_status capsa_tile_reader_consistency(capsa_tile_reader *r, uint8_t old_root[CAPSA_TLOG_HASH_BYTES],
                                                     uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t *num,
                                                     uint64_t old_size) CAPSA_MUST_CHECK;

/*
 * capsa_tile_reader_entries fetches entry bundle |n| (full or partial as the
 * tree's size says), parses it, and checks every entry's leaf hash against
 * the root. On CAPSA_OK |*data| (free()) holds the bundle, |spans| (room for
 * 256) the entries, |*count| their number; entry i is leaf n * 256 + i.
 * Returns CAPSA_OK, CAPSA_ERR_ARG (no such bundle), CAPSA_ERR_DECODE,
 * CAPSA_ERR_AUTH or a fetch error.
 */
CAPSA_API capsa_status capsa_tile_reader_entries(capsa_tile_reader *r, uint8_t **data, size_t *data_len,
                                                 capsa_entry_span spans[CAPSA_TILE_WIDTH], size_t *count,
                                                 uint64_t n) CAPSA_MUST_CHECK;

/* ==== Witness add-checkpoint (c2sp.org/tlog-witness) =============================== */

typedef struct capsa_witness_request {
	uint64_t old_size;
	uint8_t proof[CAPSA_WITNESS_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	size_t proof_len;
	const char *checkpoint;                /* points into the parsed body: the signed checkpoint note */
	size_t checkpoint_len;
} capsa_witness_request;

/*
 * capsa_witness_request_format writes an add-checkpoint body: `old <n>\n`,
 * the proof hashes in base64 one a line (at most 63), a blank line, the
 * signed checkpoint |checkpoint| (|checkpoint_len|, ending in LF). Returns
 * CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_witness_request_format(char **out, size_t *out_len, uint64_t old_size,
                                                    const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t proof_len,
                                                    const char *checkpoint, size_t checkpoint_len) CAPSA_MUST_CHECK;

/*
 * capsa_witness_request_parse parses the framing of an add-checkpoint body
 * strictly (old size without leading zeros, up to 63 base64 32-byte hashes,
 * blank line, then the rest: at most CAPSA_NOTE_MAX_BYTES ending in LF; the
 * whole at most CAPSA_TLOG_PROOF_MAX_BYTES).
 * The checkpoint note itself is not parsed: the witness opens it with
 * capsa_note_parse / capsa_checkpoint_parse: a bad framing or a checkpoint
 * that does not parse is a 400, an unknown origin a 404, a checkpoint the
 * log's key did not sign a 403 (c2sp.org/tlog-witness).
 * |req->checkpoint| points into |body|, which must outlive it. Semantic
 * checks (origin, old <= size, proof, signatures) are the witness's.
 * Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
CAPSA_API capsa_status capsa_witness_request_parse(capsa_witness_request *req, const char *body,
                                                   size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_witness_response_check checks a 200 response body: one or more
 * signature lines (`— name base64\n`, at most CAPSA_NOTE_MAX_SIGNATURES,
 * nothing else). Cosign them in with capsa_note_append_lines and verify with
 * capsa_note_verify. Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
CAPSA_API capsa_status capsa_witness_response_check(const char *body, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_witness_size_parse parses a 409 response body `<size>\n`
 * (text/x.tlog.size). Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
CAPSA_API capsa_status capsa_witness_size_parse(uint64_t *size, const char *body, size_t len) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
