/*
 * stream/stream.h - the payload: C2SP chunked encryption v1.
 *
 * https://c2sp.org/chunked-encryption, instantiated with HKDF-SHA256 and
 * AES-256-GCM or ChaCha20-Poly1305. From the input key (for capsa, the CEK),
 * a random 24-byte salt and a context (for capsa, the header), HKDF derives
 * the AEAD key, a base nonce and a 32-byte key commitment. The ciphertext is
 *
 *     salt (24) || commitment (32) || chunk 0 || chunk 1 || ... || final chunk
 *
 * Every chunk but the last holds exactly 16 KiB of plaintext; the last holds
 * less (possibly nothing), which is the end-of-stream signal. Chunk i is
 * sealed with nonce = base nonce XOR be96(i) and empty associated data.
 *
 * Encryption and decryption run chunks on a thread pool, in batches, so memory
 * is bounded by the thread count and not by the file size. Decryption hands
 * out plaintext strictly in order and only after that chunk's tag verified.
 */
#ifndef CAPSA_STREAM_H
#define CAPSA_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CAPSA_STREAM_CHUNK_BYTES 16384u
#define CAPSA_STREAM_SALT_BYTES 24u
#define CAPSA_STREAM_COMMIT_BYTES 32u
#define CAPSA_STREAM_PREFIX_BYTES (CAPSA_STREAM_SALT_BYTES + CAPSA_STREAM_COMMIT_BYTES)
#define CAPSA_STREAM_CHUNK_CT_BYTES (CAPSA_STREAM_CHUNK_BYTES + CAPSA_AEAD_TAGBYTES)
#define CAPSA_STREAM_LEN_UNKNOWN UINT64_MAX

/* Receives output in order. A non-OK return aborts the stream with that status. */
typedef capsa_status (*capsa_stream_sink)(void *arg, const uint8_t *data, size_t len);

/*
 * Input the engine fetches itself, a piece at a time, into memory of its own
 * (a worker's buffer, just before it seals or opens those chunks): copies
 * |len| bytes found at offset |off| of the source into |dst|. It is called
 * from the worker threads at once, so it must be safe for that: pread(2) on
 * a file is the model. Returns CAPSA_OK, or the failure that ends the stream
 * (CAPSA_ERR_TRUNCATED for a source that ends before |off| + |len|).
 */
typedef capsa_status (*capsa_stream_source)(void *arg, uint8_t *dst, size_t len, uint64_t off);

typedef struct capsa_stream_params {
	capsa_aead_alg alg;
	const uint8_t *key;       /* the input key material (the CEK): 32 bytes, it is HKDF's PRK */
	size_t key_len;
	const uint8_t *context;   /* bound into the key derivation; may be empty */
	size_t context_len;
	unsigned threads;         /* worker threads; 0 means one per online CPU */
	uint64_t plaintext_len;   /* decryption: the exact length if known, else CAPSA_STREAM_LEN_UNKNOWN */
} capsa_stream_params;

/* Size of the whole ciphertext for |plaintext_len| bytes of plaintext. */
uint64_t capsa_stream_ciphertext_len(uint64_t plaintext_len);

/* ---- Encryption (push) -------------------------------------------------- */

typedef struct capsa_stream_enc capsa_stream_enc;

/* |salt| NULL draws a random one (tests pass a fixed salt to reproduce vectors). */
capsa_status capsa_stream_enc_new(capsa_stream_enc **out, const capsa_stream_params *p,
                                  const uint8_t *salt, capsa_stream_sink sink, void *sink_arg) CAPSA_MUST_CHECK;
/*
 * Feeds plaintext. Short writes are copied into the current batch; whole
 * batches of a long write (a few MiB) are sealed in place without a copy.
 * Either way |pt| is free again when this returns. The engine reads |pt| more
 * than once (and so would a hash of it): it must not change meanwhile, so it
 * must not be a shared mapping of a file that others may write.
 */
capsa_status capsa_stream_enc_write(capsa_stream_enc *enc, const uint8_t *pt, size_t len) CAPSA_MUST_CHECK;
/*
 * Zero-copy input, an alternative to capsa_stream_enc_write: buffer points
 * |*buf| at room for |*len| (> 0) plaintext bytes inside the encryptor; the
 * caller fills some of it (a read() straight into it) and commit accounts
 * the |n| <= |*len| bytes written. Both return a failure as write does.
 */
capsa_status capsa_stream_enc_buffer(capsa_stream_enc *enc, uint8_t **buf, size_t *len) CAPSA_MUST_CHECK;
capsa_status capsa_stream_enc_commit(capsa_stream_enc *enc, size_t n) CAPSA_MUST_CHECK;
/*
 * Feeds the |len| plaintext bytes at [off, off + len) of |src|, which the
 * workers copy each into a buffer of their own just before sealing them:
 * every byte is read from the source once, into memory no one else writes,
 * and the copy stays in the cache for the cipher. Returns only once no
 * batch reads |src| any more (output may still be pending). A failure of
 * |src| ends the stream with its status; nothing of that batch is output.
 */
capsa_status capsa_stream_enc_write_from(capsa_stream_enc *enc, capsa_stream_source src, void *arg,
                                         uint64_t off, uint64_t len) CAPSA_MUST_CHECK;
/* Seals the final (short) chunk and flushes everything to the sink. */
capsa_status capsa_stream_enc_finish(capsa_stream_enc *enc) CAPSA_MUST_CHECK;
void capsa_stream_enc_free(capsa_stream_enc *enc);

/* ---- Decryption (push ciphertext in, verified plaintext out) ------------ */

typedef struct capsa_stream_dec capsa_stream_dec;

capsa_status capsa_stream_dec_new(capsa_stream_dec **out, const capsa_stream_params *p,
                                  capsa_stream_sink sink, void *sink_arg) CAPSA_MUST_CHECK;
/*
 * Feeds ciphertext. Returns CAPSA_ERR_AUTH if the key commitment does not
 * match (wrong key or context), CAPSA_ERR_CHUNK_AUTH for a chunk that does not
 * verify (see capsa_stream_dec_bad_chunk), CAPSA_ERR_TRAILING for bytes past
 * a known plaintext length. Nothing of a failing chunk reaches the sink.
 * As for encryption, whole batches of a long write are opened in place.
 */
capsa_status capsa_stream_dec_write(capsa_stream_dec *dec, const uint8_t *ct, size_t len) CAPSA_MUST_CHECK;
/* Zero-copy input for ciphertext, as for the encryptor (commit returns what write would). */
capsa_status capsa_stream_dec_buffer(capsa_stream_dec *dec, uint8_t **buf, size_t *len) CAPSA_MUST_CHECK;
capsa_status capsa_stream_dec_commit(capsa_stream_dec *dec, size_t n) CAPSA_MUST_CHECK;
/*
 * Feeds the |len| ciphertext bytes at [off, off + len) of |src|, as
 * capsa_stream_enc_write_from does: each chunk is verified and decrypted from
 * the worker's private copy, so the tag checked and the bytes decrypted are
 * the same bytes. Returns what capsa_stream_dec_write would, or the source's
 * failure, once no batch reads |src| any more.
 */
capsa_status capsa_stream_dec_write_from(capsa_stream_dec *dec, capsa_stream_source src, void *arg,
                                         uint64_t off, uint64_t len) CAPSA_MUST_CHECK;
/* Ends the input: CAPSA_ERR_TRUNCATED if the final chunk is missing. */
capsa_status capsa_stream_dec_finish(capsa_stream_dec *dec) CAPSA_MUST_CHECK;
/* Index of the chunk that failed, after CAPSA_ERR_CHUNK_AUTH; UINT64_MAX otherwise. */
uint64_t capsa_stream_dec_bad_chunk(const capsa_stream_dec *dec);
void capsa_stream_dec_free(capsa_stream_dec *dec);

/* ---- Random access ------------------------------------------------------ */

typedef struct capsa_stream_ra capsa_stream_ra;

/* Checks the 56-byte prefix (salt, commitment) against the key and context: CAPSA_ERR_AUTH if it does not match. */
capsa_status capsa_stream_ra_new(capsa_stream_ra **out, const capsa_stream_params *p,
                                 const uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES]) CAPSA_MUST_CHECK;
/*
 * Opens chunk |index| (|ct_len| bytes, tag included) into |out|. |final| says
 * whether this is the last chunk, which the caller knows from the total
 * length. Returns CAPSA_ERR_DECODE for a length no such chunk can have,
 * CAPSA_ERR_CHUNK_AUTH if it does not verify (|out| is then zeroed).
 * Not safe for concurrent use: create one capsa_stream_ra per thread.
 */
capsa_status capsa_stream_ra_open(capsa_stream_ra *ra, uint8_t *out, uint64_t index, bool final,
                                  const uint8_t *ct, size_t ct_len) CAPSA_MUST_CHECK;
void capsa_stream_ra_free(capsa_stream_ra *ra);

#endif
