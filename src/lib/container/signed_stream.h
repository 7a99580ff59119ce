/*
 * container/signed_stream.h - checking a signed v2 file as its bytes pass
 * (doc/FORMAT.md, "Verification rules"): splits what follows the header into
 * payload and trailer (by the recorded length, or by finding t-magic after a
 * chunk boundary), hashes every ciphertext chunk into the ciphertext tree
 * (and, when the key is known, every plaintext chunk into the commitment
 * tree), streams the trailer's stored levels through their checks, and at
 * the end checks manifest, signature, roots and origin.
 *
 * Used by the push opener (which hands the payload on to the decryptor) and
 * by the keyless verifier (which does not). All in the calling thread,
 * O(log n) state plus a look-ahead of one chunk for unknown lengths.
 */
#ifndef CAPSA_CONTAINER_SIGNED_STREAM_H
#define CAPSA_CONTAINER_SIGNED_STREAM_H

#include <capsa/container.h>

#include "container/header.h"
#include "container/trailer.h"
#include "container/trees.h"

/* Receives the payload bytes (salt, commitment, chunks), in order. */
typedef capsa_status (*signed_payload_fn)(void *arg, const uint8_t *data, size_t len);

/* What a check established, for reports (capsa_open_checks, capsa verify). */
#define SIGNED_CHECKED_CIPHERTEXT 0x01u /* signature, manifest, every ciphertext chunk, both trees' levels */
#define SIGNED_CHECKED_PLAINTEXT 0x02u  /* every plaintext chunk against p-root */
#define SIGNED_CHECKED_ORIGIN 0x04u     /* a copy's origin signature and p-root equality */

typedef struct signed_stream {
	const capsa_hdr *hdr;
	uint8_t header_hash[32];
	signed_payload_fn payload;
	void *payload_arg;
	uint64_t payload_total;  /* with a recorded length; else UINT64_MAX */
	uint64_t payload_seen;
	uint8_t prefix[56];
	size_t prefix_fill;
	tree_hasher ct, pt;
	bool check_pt;
	uint64_t pt_len;
	uint8_t *look;           /* unknown length: bytes from the current chunk boundary */
	size_t look_len;
	bool in_trailer;
	trl_reader tr;
	bool tr_started;
	trl_manifest manifest;
	capsa_origin origin;     /* a copy's, after finish; pc_key set only if check_pt */
	unsigned checked;
	bool failed;
} signed_stream;

/*
 * signed_stream_init: |pc_key| (NULL: plaintext commitments not checked) is
 * the commitment key the plaintext must match: the file's own, or for a copy
 * its origin's. |payload| may be NULL (keyless verification).
 */
capsa_status signed_stream_init(signed_stream *ss, const capsa_hdr *hdr, const uint8_t *pc_key,
                                signed_payload_fn payload, void *arg) CAPSA_MUST_CHECK;
/* Bytes after the header. Returns CAPSA_OK, CAPSA_ERR_TRAILING, or what |payload| returned. */
capsa_status signed_stream_write(signed_stream *ss, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
/* Verified plaintext as it is released (only if plaintext commitments are checked). */
capsa_status signed_stream_plaintext(signed_stream *ss, const uint8_t *pt, size_t len) CAPSA_MUST_CHECK;
/*
 * signed_stream_end_payload: the input ended; for an unknown length this
 * hands the look-ahead on (the final chunk to |payload|, the rest to the
 * trailer). Call it before the decryptor finishes and signed_stream_finish. Returns CAPSA_OK, CAPSA_ERR_TRUNCATED (no
 * trailer) or what |payload| returned.
 */
capsa_status signed_stream_end_payload(signed_stream *ss) CAPSA_MUST_CHECK;
/*
 * signed_stream_finish checks everything. Returns CAPSA_OK,
 * CAPSA_ERR_TRUNCATED, CAPSA_ERR_TRAILER, CAPSA_ERR_SIGNATURE or
 * CAPSA_ERR_TREE.
 */
capsa_status signed_stream_finish(signed_stream *ss) CAPSA_MUST_CHECK;
void signed_stream_cleanup(signed_stream *ss);

#endif
