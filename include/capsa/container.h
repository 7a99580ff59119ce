/*
 * capsa/container.h - the encrypt-once container: seal, open, inspect, and
 * read any plaintext range of a sealed file.
 *
 * A capsa file is a header followed by a payload (doc/FORMAT.md). The header
 * names the suite, the plaintext length, a random content id, and one stanza
 * per route to the content encryption key (CEK): an `x25519` stanza wraps the
 * CEK to one recipient with HPKE. An HMAC under a key derived from the CEK
 * closes the header. The payload is C2SP chunked encryption v1 under the CEK,
 * with the SHA-256 of the header as its context.
 *
 * A signed file (capsa_seal_opts.signer) names its producer in the header
 * and carries, after the payload, a trailer with the producer's signature
 * over the header and two Merkle trees (ciphertext chunks, and keyed
 * commitments to the plaintext chunks): every way in below checks it.
 *
 * Five ways in:
 *   - capsa_seal_*     push plaintext, receive the container through a sink;
 *   - capsa_open_*     push container bytes, receive verified plaintext;
 *   - capsa_reader_*   random access to a sealed file on disk;
 *   - capsa_inspect_*  the header's public fields, without any key;
 *   - capsa_verify_fd  a signed file checked without any key.
 *
 * Memory is bounded by the thread count, never by the file size. Every
 * function that can fail returns a capsa_status; see each one for which.
 */
#ifndef CAPSA_CONTAINER_H
#define CAPSA_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <capsa/keys.h>
#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_CEK_BYTES 32
#define CAPSA_CONTENT_ID_BYTES 16
#define CAPSA_CHUNK_BYTES 16384u
/* The plaintext length of a file sealed from a stream of unknown length. */
#define CAPSA_LENGTH_UNKNOWN UINT64_MAX
/* Limits every reader enforces (doc/FORMAT.md, "Limits"). */
#define CAPSA_HEADER_MAX_BYTES (1u << 20)
#define CAPSA_STANZA_MAX 1024u
#define CAPSA_STANZA_TYPE_MAX 32u
#define CAPSA_STANZA_BODY_MAX 16384u

/* The payload AEAD. The values are the RFC 9180 AEAD identifiers stored in the header. */
typedef enum capsa_suite {
	CAPSA_SUITE_AES_256_GCM = 0x0002,
	CAPSA_SUITE_CHACHA20_POLY1305 = 0x0003,
} capsa_suite;

/* capsa_suite_name returns "aes-256-gcm", "chacha20-poly1305", or "unknown". */
CAPSA_API const char *capsa_suite_name(capsa_suite suite);

/*
 * capsa_suite_from_name parses a suite name as capsa_suite_name prints it.
 * Returns CAPSA_OK or CAPSA_ERR_UNSUPPORTED.
 */
CAPSA_API capsa_status capsa_suite_from_name(capsa_suite *out, const char *name) CAPSA_MUST_CHECK;

/*
 * Receives output bytes, in order. Returning anything but CAPSA_OK stops the
 * operation with that status.
 */
typedef capsa_status (*capsa_sink)(void *arg, const uint8_t *data, size_t len);

/*
 * capsa_sink_fd is a ready-made sink that writes everything to the file
 * descriptor that |arg| points to (an int *), retrying short writes and
 * EINTR. Returns CAPSA_OK or CAPSA_ERR_IO (errno set).
 */
CAPSA_API capsa_status capsa_sink_fd(void *arg, const uint8_t *data, size_t len);

/*
 * capsa_sink_file is a ready-made sink that fwrite()s everything to |arg|
 * (a FILE *). Returns CAPSA_OK or CAPSA_ERR_IO.
 */
CAPSA_API capsa_status capsa_sink_file(void *arg, const uint8_t *data, size_t len);

/* ---- The public part of a header --------------------------------------- */

typedef struct capsa_stanza_info {
	char type[CAPSA_STANZA_TYPE_MAX + 1]; /* NUL-terminated */
	size_t body_len;
	bool known; /* this build of capsa knows the type */
} capsa_stanza_info;

typedef struct capsa_header_info {
	uint8_t version;
	capsa_suite suite;
	uint32_t chunk_bytes;
	uint64_t plaintext_len; /* CAPSA_LENGTH_UNKNOWN if not recorded */
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	size_t header_len;      /* bytes of the header, MAC (and v1 signature) included */
	/*
	 * The file names a producer, |signer|. Version 2: the signature in the
	 * trailer covers the header and the whole payload; an opener, reader or
	 * verifier checks it. Version 1: the signature covers the header only
	 * (verified by the parser), not the payload.
	 */
	bool signed_header;
	uint8_t signer[32];     /* the producer's Ed25519 public key, if signed_header */
	bool copy;              /* v2: a copy that carries its original's signature (origin) */
	size_t num_stanzas;
	capsa_stanza_info *stanzas; /* owned: release with capsa_header_info_free */
} capsa_header_info;

/*
 * capsa_inspect_buf parses the header at the start of |buf| (which may hold
 * more than the header) without any key: nothing is authenticated. Returns
 * CAPSA_OK, CAPSA_ERR_NOT_CAPSA, CAPSA_ERR_VERSION, CAPSA_ERR_TRUNCATED if
 * |len| ends inside the header, CAPSA_ERR_UNSUPPORTED (suite, chunk size),
 * CAPSA_ERR_DECODE (any other malformed or non-canonical field) or
 * CAPSA_ERR_NOMEM. On failure |out| is zeroed.
 */
CAPSA_API capsa_status capsa_inspect_buf(capsa_header_info *out, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_inspect_fd reads exactly the header from the current position of
 * |fd| and parses it; if |raw| is not NULL it also receives the header's
 * bytes in a fresh buffer (free()) of |*raw_len| bytes, for the calls that
 * take a header (capsa_grant_create, capsa_umbral_stanza_find). Returns as
 * capsa_inspect_buf, or CAPSA_ERR_IO.
 */
CAPSA_API capsa_status capsa_inspect_fd(capsa_header_info *out, uint8_t **raw, size_t *raw_len,
                                        int fd) CAPSA_MUST_CHECK;

/*
 * capsa_inspect_plaintext_len works out the plaintext length of the regular
 * file open on |fd| whose header is |h| (from capsa_inspect_fd): the
 * recorded length, or else from the file size, less a signed v2 file's
 * trailer (found from the end by its length field). Nothing is
 * authenticated. Returns CAPSA_OK, CAPSA_ERR_TRUNCATED or CAPSA_ERR_TRAILER
 * if no payload can have that size, or CAPSA_ERR_IO (|fd| is not a regular
 * file, or reading failed).
 */
CAPSA_API capsa_status capsa_inspect_plaintext_len(uint64_t *out, const capsa_header_info *h, int fd) CAPSA_MUST_CHECK;

/* capsa_header_info_free releases what |info| owns and zeroes it; safe on a zeroed struct. */
CAPSA_API void capsa_header_info_free(capsa_header_info *info);

/*
 * capsa_payload_plaintext_len computes the plaintext length that a payload
 * of |payload_len| bytes (everything after the header) holds. Returns
 * CAPSA_OK, or CAPSA_ERR_TRUNCATED if no payload can have that length.
 */
CAPSA_API capsa_status capsa_payload_plaintext_len(uint64_t *out, uint64_t payload_len) CAPSA_MUST_CHECK;

/* capsa_payload_len returns the payload size for |plaintext_len| bytes of plaintext. */
CAPSA_API uint64_t capsa_payload_len(uint64_t plaintext_len);

/* ---- Provenance of signed files ----------------------------------------- */

#define CAPSA_MANIFEST_BYTES 128

/*
 * The provenance a copy carries (doc/FORMAT.md, "Copies"): the original's
 * header hash, signer, manifest and signature, and the original's
 * plaintext-commitment key |pc_key|. pc_key decrypts nothing, but it lets its
 * holder test guesses of the plaintext against the public commitments: treat
 * it as secret and wipe it (capsa_origin_wipe) where it dies.
 */
typedef struct capsa_origin {
	uint8_t header_hash[32];
	uint8_t signer[32];
	uint8_t manifest[CAPSA_MANIFEST_BYTES];
	uint8_t signature[64];
	uint8_t pc_key[32];
} capsa_origin;

/* capsa_origin_wipe zeroes |o| (its pc_key included). */
CAPSA_API void capsa_origin_wipe(capsa_origin *o);

/* ---- Sealing (push) ----------------------------------------------------- */

/*
 * A stanza type and the key it needs, for routes beyond x25519 recipients:
 * when sealing, what the type's stanza wraps the CEK to (for example the
 * owner's capsa_identity for an `umbral` stanza); when opening, what
 * unwraps it (for example a capsa_umbral_route with cfrags). Each stanza
 * type documents what |key| points to (`umbral`: capsa/grant.h).
 */
typedef struct capsa_route_key {
	const char *stanza_type;
	const void *key;
} capsa_route_key;

typedef struct capsa_seal_opts {
	capsa_suite suite;        /* 0 means CAPSA_SUITE_AES_256_GCM */
	unsigned threads;         /* worker threads; 0 means one per online CPU */
	uint64_t plaintext_len;   /* the exact length to be written, or CAPSA_LENGTH_UNKNOWN */
	const capsa_recipient *recipients; /* one x25519 stanza each */
	size_t num_recipients;
	const capsa_route_key *routes;     /* one stanza of the given type each, after the x25519 ones */
	size_t num_routes;                 /* recipients + routes: 1 to CAPSA_STANZA_MAX */
	/*
	 * If not NULL, its Ed25519 key signs the file: the header names it and a
	 * trailer after the payload holds the signature over the header, the
	 * ciphertext tree and the plaintext-commitment tree (doc/FORMAT.md).
	 */
	const capsa_identity *signer;
	/*
	 * A copy (needs |signer|, the copy's maker): the plaintext must be the
	 * original's, whose provenance |origin| holds (capsa_open_origin,
	 * capsa_reader_origin); the copy's commitments use origin->pc_key and
	 * must come out equal to the original's, or finish fails with
	 * CAPSA_ERR_MISMATCH.
	 */
	const capsa_origin *origin;
} capsa_seal_opts;

typedef struct capsa_seal capsa_seal;

/*
 * capsa_seal_new draws a fresh CEK and content id, wraps the CEK to every
 * recipient and route, and writes the header to |sink| before it returns.
 * Returns CAPSA_OK, CAPSA_ERR_ARG (no stanza, too many, bad suite),
 * CAPSA_ERR_UNSUPPORTED (a route type this build cannot seal),
 * CAPSA_ERR_KEY (a recipient key is unusable), CAPSA_ERR_NOMEM, or what
 * |sink| returned. On failure |*out| is NULL.
 */
CAPSA_API capsa_status capsa_seal_new(capsa_seal **out, const capsa_seal_opts *opts, capsa_sink sink,
                                      void *sink_arg) CAPSA_MUST_CHECK;

/*
 * capsa_seal_write encrypts |len| bytes of plaintext; ciphertext reaches the
 * sink in chunks as they complete. Returns CAPSA_OK, CAPSA_ERR_ARG if more
 * than the declared plaintext length is written, or the stream's or sink's
 * error (after which the seal is dead: only capsa_seal_free is allowed).
 */
CAPSA_API capsa_status capsa_seal_write(capsa_seal *s, const uint8_t *pt, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_seal_finish seals the final chunk and flushes everything to the
 * sink. Returns CAPSA_OK, CAPSA_ERR_ARG if fewer bytes than the declared
 * plaintext length were written, or the stream's or sink's error.
 */
CAPSA_API capsa_status capsa_seal_finish(capsa_seal *s) CAPSA_MUST_CHECK;

/*
 * Receives progress of capsa_seal_fd and capsa_open_fd: |n| more input bytes
 * were consumed (called from the calling thread, between pieces of work).
 */
typedef void (*capsa_progress)(void *arg, uint64_t n);

/*
 * capsa_seal_fd seals everything from the current position of |in_fd| to its
 * end, then finishes the seal (as capsa_seal_finish): the one call a file
 * tool needs between capsa_seal_new and capsa_seal_free. A regular file is
 * read by the payload's worker threads themselves, each pread(2)ing the
 * 128 KiB it seals next into a buffer of its own; other input (a pipe) is
 * read(2) in 8 MiB blocks. Either way every byte is copied once into private
 * memory before it is sealed, so a file that another process writes
 * meanwhile cannot show the cipher two versions of a chunk, and one that
 * shrinks meanwhile is refused, not a crash. Peak memory stays bounded
 * whatever the size. |progress| may be NULL. Returns as capsa_seal_write and
 * capsa_seal_finish (CAPSA_ERR_ARG if the file's length differs from the
 * declared one, or if it shrinks while it is read), or CAPSA_ERR_IO or
 * CAPSA_ERR_NOMEM; |*input_failed| (if not NULL) tells whether a
 * CAPSA_ERR_IO came from reading |in_fd| rather than from the sink. After a
 * failure only capsa_seal_free is allowed.
 */
CAPSA_API capsa_status capsa_seal_fd(capsa_seal *s, int in_fd, capsa_progress progress, void *progress_arg,
                                     bool *input_failed) CAPSA_MUST_CHECK;

/* capsa_seal_free wipes the CEK and releases |s|; NULL is fine. */
CAPSA_API void capsa_seal_free(capsa_seal *s);

/* ---- Opening (push container bytes, receive verified plaintext) -------- */

/* Everything an opener may try, stanza by stanza, to recover the CEK, and what it demands. */
typedef struct capsa_unlock {
	const capsa_identity *identities;
	size_t num_identities;
	const capsa_route_key *route_keys;
	size_t num_route_keys;
	/*
	 * If not NULL, the Ed25519 public key (32 bytes) that must have signed
	 * the file: a file that is unsigned, only v1-signed (whose signature does
	 * not cover the payload), or signed by another key fails with
	 * CAPSA_ERR_SIGNER before any payload is read. A copy also passes if the
	 * key signed its origin and its plaintext is checked against the
	 * origin's commitments (anyone can attach a real origin to other
	 * plaintext): the reader always checks; a streaming open only if it can
	 * read the origin before the payload (capsa_open_fd on a regular file),
	 * and otherwise refuses the copy before any payload.
	 */
	const uint8_t *require_signer;
	/* Also check every plaintext chunk against a signed file's commitments (copies always are). */
	bool check_commitments;
} capsa_unlock;

/* What a successful open of a signed v2 file proved (capsa_open_checks, capsa_reader_checks). */
#define CAPSA_CHECKED_CIPHERTEXT 0x01u /* the signature, and every ciphertext byte against it */
#define CAPSA_CHECKED_PLAINTEXT 0x02u  /* every plaintext chunk against the signed commitments */
#define CAPSA_CHECKED_ORIGIN 0x04u     /* a copy: its origin's signature, and equal commitments */

typedef struct capsa_open capsa_open;

/*
 * capsa_open_new prepares to open one container with |unlock| (which must
 * outlive the capsa_open). Plaintext reaches |sink| chunk by chunk, each
 * only after its tag verified. |threads| 0 means one per online CPU.
 * Returns CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_open_new(capsa_open **out, const capsa_unlock *unlock, unsigned threads,
                                      capsa_sink sink, void *sink_arg) CAPSA_MUST_CHECK;

/*
 * capsa_open_write feeds container bytes. Once the header is complete it is
 * parsed and authenticated; then payload bytes are decrypted. Returns
 * CAPSA_OK or the first failure, after which the open is dead:
 *   CAPSA_ERR_NOT_CAPSA, CAPSA_ERR_VERSION, CAPSA_ERR_UNSUPPORTED,
 *   CAPSA_ERR_DECODE      the header is not one this version reads;
 *   CAPSA_ERR_NO_MATCH    no identity or route key opens any stanza (or every
 *                         stanza is damaged: the two cannot be told apart);
 *   CAPSA_ERR_HEADER_AUTH a stanza opened but the header MAC does not verify;
 *   CAPSA_ERR_SIGNATURE   a v1 header signature does not verify;
 *   CAPSA_ERR_SIGNER      not signed by unlock->require_signer;
 *   CAPSA_ERR_AUTH        the payload's key commitment does not verify;
 *   CAPSA_ERR_CHUNK_AUTH  chunk capsa_open_bad_chunk() does not verify;
 *   CAPSA_ERR_TRAILING    bytes beyond the recorded plaintext length;
 *   CAPSA_ERR_THRESHOLD, CAPSA_ERR_PROOF, CAPSA_ERR_MISMATCH, CAPSA_ERR_KEY
 *                         cfrags given in an `umbral` route do not open its
 *                         stanza (capsa_grant_unlock_cek; the route's report
 *                         names the check);
 *   or what the sink returned.
 */
CAPSA_API capsa_status capsa_open_write(capsa_open *o, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_open_finish ends the input. Returns CAPSA_OK when the final chunk
 * verified and the length matches the header, CAPSA_ERR_TRUNCATED if the
 * input ended early (inside the header, before the final chunk, or in a
 * signed file's trailer), CAPSA_ERR_TRAILING if data followed the final
 * chunk (or the trailer), or an error as for capsa_open_write. A signed v2
 * file is verified here, at the end (its plaintext has been released chunk
 * by chunk, each after its tag verified): CAPSA_ERR_TRAILER (a malformed
 * trailer, or one that disagrees with the header or payload),
 * CAPSA_ERR_SIGNATURE (the signature, or a copy's origin signature, does not
 * verify), CAPSA_ERR_TREE (a ciphertext chunk, plaintext commitment or
 * stored tree node differs from what was signed), CAPSA_ERR_SIGNER (a copy
 * whose origin is not by the required signer, or whose plaintext was not
 * checked against its origin's commitments).
 */
CAPSA_API capsa_status capsa_open_finish(capsa_open *o) CAPSA_MUST_CHECK;

/*
 * capsa_open_fd feeds everything from the current position of |in_fd| to its
 * end into |o| and then finishes it (as capsa_open_finish), reading |in_fd|
 * as capsa_seal_fd does: a regular file pread(2) by the worker threads, each
 * chunk verified and decrypted from the worker's private copy (the bytes
 * whose tag was checked are the bytes decrypted, whatever another process
 * writes to the file meanwhile), anything else read(2) in 8 MiB blocks.
 * Plaintext reaches the sink only after its chunk verified. Returns as
 * capsa_open_write and capsa_open_finish (CAPSA_ERR_TRUNCATED also for a
 * file that shrinks while it is read), or CAPSA_ERR_IO or CAPSA_ERR_NOMEM;
 * |*input_failed| as for capsa_seal_fd.
 */
CAPSA_API capsa_status capsa_open_fd(capsa_open *o, int in_fd, capsa_progress progress, void *progress_arg,
                                     bool *input_failed) CAPSA_MUST_CHECK;

/*
 * capsa_open_checks returns CAPSA_CHECKED_* bits for what a successful
 * finish proved of a signed v2 file; 0 for an unsigned or v1 file. A copy
 * opened through the push API alone has its plaintext commitments checked
 * only if its origin was known before the payload (capsa_open_fd on a
 * regular file reads it first); the bits say which.
 */
CAPSA_API unsigned capsa_open_checks(const capsa_open *o);

/*
 * capsa_open_origin exports, after a successful finish of a signed v2 file,
 * the provenance a copy of it must carry (capsa_seal_opts.origin): for an
 * original its own header hash, signer, manifest, signature and
 * plaintext-commitment key; for a copy, the origin it carries. Returns
 * CAPSA_OK or CAPSA_ERR_ARG (not finished, not signed, or a copy whose
 * origin key is unknown). Wipe |out| with capsa_origin_wipe.
 */
CAPSA_API capsa_status capsa_open_origin(const capsa_open *o, capsa_origin *out) CAPSA_MUST_CHECK;

/* capsa_open_bad_chunk returns the index of the chunk that failed, after CAPSA_ERR_CHUNK_AUTH. */
CAPSA_API uint64_t capsa_open_bad_chunk(const capsa_open *o);

/*
 * capsa_open_header returns the parsed header once capsa_open_write has seen
 * all of it (authenticated only once the first payload byte or finish
 * returned CAPSA_OK), or NULL before. Owned by |o|.
 */
CAPSA_API const capsa_header_info *capsa_open_header(const capsa_open *o);

/* capsa_open_stanza_index returns which stanza opened the file, or SIZE_MAX if none yet. */
CAPSA_API size_t capsa_open_stanza_index(const capsa_open *o);

/* capsa_open_free wipes every key and releases |o|; NULL is fine. */
CAPSA_API void capsa_open_free(capsa_open *o);

/* ---- Verifying a signed file ----------------------------------------------- */

typedef struct capsa_verify_opts {
	const uint8_t *require_signer; /* as in capsa_unlock; NULL: any signer */
	/*
	 * NULL: keyless (the ciphertext and the trees only). Otherwise the file
	 * is also opened (plaintext discarded) and every plaintext chunk checked
	 * against the signed commitments.
	 */
	const capsa_unlock *unlock;
	unsigned threads;
} capsa_verify_opts;

typedef struct capsa_verify_result {
	unsigned checks;          /* CAPSA_CHECKED_* */
	uint8_t signer[32];       /* who signed the file (a copy: its maker) */
	bool copy;
	uint8_t origin_signer[32]; /* a copy: who signed the original */
	uint64_t plaintext_len;
	uint64_t chunks;
} capsa_verify_result;

/*
 * capsa_verify_fd checks the signed v2 file from the current position of
 * |fd| to its end, without any key by default: the header's signer, the
 * trailer, the signature, every ciphertext chunk against the ciphertext
 * root, every stored node of both trees against their roots; for a copy the
 * origin signature and equal commitments; with opts->unlock also the
 * plaintext. Returns CAPSA_OK, CAPSA_ERR_SIGNER (unsigned, v1, or not by
 * opts->require_signer; a copy whose original it signed passes only with
 * opts->unlock, which checks the plaintext), the header statuses of capsa_inspect_buf, the
 * statuses of capsa_open_finish for a signed file, CAPSA_ERR_IO or
 * CAPSA_ERR_NOMEM. |out| says what was proven (zeroed on failure but for
 * |signer|, |copy|).
 */
CAPSA_API capsa_status capsa_verify_fd(capsa_verify_result *out, int fd, const capsa_verify_opts *opts) CAPSA_MUST_CHECK;

/* ---- Random access ------------------------------------------------------ */

/*
 * A reader gives random access to the plaintext of a sealed file: a read
 * decrypts (and verifies) only the chunks its range touches.
 *
 * THREAD SAFETY: capsa_reader_read may be called from many threads at once
 * on one reader; it reads with pread(2) and gives each concurrent call its
 * own decryption state.
 */
typedef struct capsa_reader capsa_reader;

/*
 * capsa_reader_open_fd authenticates the header of the sealed file open on
 * |fd| (which the reader duplicates; the caller keeps its own) and checks the
 * payload's key commitment and length; a file sealed without a recorded
 * length has its final chunk opened once, which authenticates the size.
 * A signed v2 file's trailer is read and checked here (t-len, manifest
 * against header and size, signature; for a copy the origin and its key),
 * and unlock->require_signer before anything else.
 * Returns CAPSA_OK, the header and unlock statuses of capsa_open_write,
 * CAPSA_ERR_TRUNCATED or CAPSA_ERR_TRAILING if the file size does not match
 * the recorded length, CAPSA_ERR_CHUNK_AUTH if the final chunk of a file
 * without one does not verify, CAPSA_ERR_SIGNER, CAPSA_ERR_TRAILER,
 * CAPSA_ERR_SIGNATURE, CAPSA_ERR_TREE (the salt and commitment are not the
 * signed ones), CAPSA_ERR_IO, or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_reader_open_fd(capsa_reader **out, int fd, const capsa_unlock *unlock) CAPSA_MUST_CHECK;

/* capsa_reader_open is capsa_reader_open_fd on the file at |path|. */
CAPSA_API capsa_status capsa_reader_open(capsa_reader **out, const char *path,
                                         const capsa_unlock *unlock) CAPSA_MUST_CHECK;

/* capsa_reader_size returns the plaintext length (from the header or the file size). */
CAPSA_API uint64_t capsa_reader_size(const capsa_reader *r);

/* capsa_reader_header returns the authenticated header. Owned by |r|. */
CAPSA_API const capsa_header_info *capsa_reader_header(const capsa_reader *r);

/*
 * capsa_reader_read copies |len| plaintext bytes starting at |offset| into
 * |out|. In a signed v2 file every chunk the range touches is checked
 * against the signed ciphertext root (and, for a copy or with
 * check_commitments, its plaintext against the commitment root) with nodes
 * read from the trailer. Returns CAPSA_OK, CAPSA_ERR_RANGE if the range
 * leaves the plaintext, CAPSA_ERR_CHUNK_AUTH or CAPSA_ERR_TREE (the chunk
 * in |*bad_chunk| if not NULL) or CAPSA_ERR_TRUNCATED for a damaged payload,
 * CAPSA_ERR_IO, or CAPSA_ERR_NOMEM. On failure |out| is zeroed: nothing
 * unverified leaks.
 */
CAPSA_API capsa_status capsa_reader_read(capsa_reader *r, uint8_t *out, uint64_t offset, size_t len,
                                         uint64_t *bad_chunk) CAPSA_MUST_CHECK;

/* capsa_reader_checks returns the CAPSA_CHECKED_* bits every read of a signed v2 file checks; 0 otherwise. */
CAPSA_API unsigned capsa_reader_checks(const capsa_reader *r);

/* capsa_reader_origin exports a signed file's provenance, as capsa_open_origin does. */
CAPSA_API capsa_status capsa_reader_origin(const capsa_reader *r, capsa_origin *out) CAPSA_MUST_CHECK;

/* ---- Transcription ------------------------------------------------------ */

typedef struct capsa_transcribe_opts {
	const capsa_recipient *recipient; /* the copy's one (x25519) stanza */
	const capsa_identity *signer;     /* the copy's maker, whose Ed25519 key signs it */
	unsigned threads;                 /* 0 means one per online CPU */
} capsa_transcribe_opts;

/*
 * capsa_transcribe writes to |sink| a copy of the signed v2 file open in |r|
 * (doc/FORMAT.md, "Copies"): the same plaintext under a fresh CEK wrapped to
 * o->recipient alone, signed by o->signer, carrying the original's
 * provenance so that its recipient can prove the plaintext is the original
 * producer's without ever holding the original CEK. Every chunk is verified
 * as it is read; memory stays bounded (one 8 MiB block) whatever the size.
 * Returns CAPSA_OK; CAPSA_ERR_ARG (no recipient or signer, or the original
 * is not a signed v2 file); the reader's errors (a damaged chunk); the
 * seal's (CAPSA_ERR_MISMATCH if the plaintext is not what the original's
 * producer committed to); or what |sink| returned. On failure the sink may
 * have received a partial copy, which fails to open.
 */
CAPSA_API capsa_status capsa_transcribe(capsa_reader *r, const capsa_transcribe_opts *o, capsa_sink sink,
                                        void *sink_arg) CAPSA_MUST_CHECK;

/* capsa_reader_close wipes every key, closes the reader's descriptor and frees |r|; NULL is fine. */
CAPSA_API void capsa_reader_close(capsa_reader *r);

#ifdef __cplusplus
}
#endif
#endif
