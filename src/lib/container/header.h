/*
 * container/header.h - the capsa header (versions 2 and 1): layout, parser,
 * builder, and the key schedule that ties it to the CEK (doc/FORMAT.md).
 *
 *   fixed     magic(7) version(1) suite(2) chunk_log2(1) flags(1)
 *             plaintext_len(8) content_id(16)            = 36 bytes
 *   counts    header_len(4) num_stanzas(2)                =  6 bytes
 *   stanzas   type_len(1) type body_len(2) body           (num_stanzas times)
 *   signer    sig_alg(2) public_key(32)                   (v2, only if flags & SIGNED)
 *   mac       HMAC-SHA256(HKDF(CEK, "capsa/v1/header"), everything before it)
 *   signature sig_alg(2) public_key(32) signature(64)     (v1, only if flags & SIGNED)
 *
 * The 36 fixed bytes are the associated data of every stanza, which binds a
 * stanza to its file; the MAC covers all of the header before it, in v2 the
 * signer too. A v2 file's signature is in its trailer (container/trailer.h).
 */
#ifndef CAPSA_CONTAINER_HEADER_H
#define CAPSA_CONTAINER_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/container.h>

#include "container/payload.h"
#include "crypto/crypto.h"
#include "wire/bytes.h"

#define HDR_MAGIC_BYTES 7
#define HDR_FIXED_BYTES 36
#define HDR_PREAMBLE_BYTES 42
#define HDR_MAC_BYTES 32
#define HDR_SIG_BLOCK_BYTES (2 + 32 + 64)
#define HDR_VERSION_1 1
#define HDR_VERSION 2 /* what capsa writes */
#define HDR_CHUNK_LOG2 14
#define HDR_FLAG_SIGNED 0x01
#define HDR_FLAG_COPY 0x02 /* v2: the trailer carries an origin block */
#define HDR_SIGNER_BLOCK_BYTES (2 + 32)
#define HDR_SIG_ED25519 0x0001
/* The smallest header: preamble, one stanza with a 1-byte type and no body, MAC. */
#define HDR_MIN_BYTES (HDR_PREAMBLE_BYTES + 1 + 1 + 2 + HDR_MAC_BYTES)

extern const uint8_t capsa_hdr_magic[HDR_MAGIC_BYTES];

typedef struct capsa_hdr_stanza {
	char type[CAPSA_STANZA_TYPE_MAX + 1];
	const uint8_t *body; /* points into capsa_hdr.bytes */
	size_t body_len;
} capsa_hdr_stanza;

/* A parsed header. It owns a copy of its bytes; the stanzas point into it. */
typedef struct capsa_hdr {
	uint8_t *bytes;
	size_t len;
	uint8_t version;
	capsa_suite suite;
	uint8_t flags;
	uint64_t plaintext_len;
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	size_t num_stanzas;
	capsa_hdr_stanza *stanzas;
	size_t mac_offset;               /* the MAC covers bytes[0, mac_offset) */
	uint8_t signer[CAPSA_ED25519_PUBLICBYTES]; /* if flags & HDR_FLAG_SIGNED */
} capsa_hdr;

/* capsa_hdr_signed: the file names a producer (v1: signed header; v2: signed trailer). */
static inline bool capsa_hdr_signed(const capsa_hdr *h)
{
	return (h->flags & HDR_FLAG_SIGNED) != 0;
}

/* capsa_hdr_has_trailer: a v2 signed file, whose payload a trailer follows. */
static inline bool capsa_hdr_has_trailer(const capsa_hdr *h)
{
	return h->version >= HDR_VERSION && capsa_hdr_signed(h);
}

/*
 * capsa_hdr_peek_len reads the header length from the first bytes of a file.
 * Returns CAPSA_OK, CAPSA_ERR_NOT_CAPSA, CAPSA_ERR_VERSION, CAPSA_ERR_DECODE
 * (length out of bounds) or CAPSA_ERR_TRUNCATED if |len| is under the
 * 42-byte preamble (and what there is matches the magic).
 */
capsa_status capsa_hdr_peek_len(size_t *out, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_hdr_parse parses (and copies) the header at the start of |buf|, and
 * verifies a v1 header's signature if it has one; nothing else is
 * authenticated.
 * Returns CAPSA_OK, the statuses of capsa_hdr_peek_len, CAPSA_ERR_UNSUPPORTED,
 * CAPSA_ERR_DECODE, CAPSA_ERR_SIGNATURE or CAPSA_ERR_NOMEM. On failure |h|
 * is in its zero state.
 */
capsa_status capsa_hdr_parse(capsa_hdr *h, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/* capsa_hdr_cleanup releases |h|; safe on a zeroed header. */
void capsa_hdr_cleanup(capsa_hdr *h);

/* capsa_hdr_info fills the public view of |h|. Returns CAPSA_OK or CAPSA_ERR_NOMEM. */
capsa_status capsa_hdr_info(capsa_header_info *out, const capsa_hdr *h) CAPSA_MUST_CHECK;


/* ---- Building ------------------------------------------------------------ */

typedef struct capsa_hdr_params {
	capsa_suite suite;
	uint64_t plaintext_len;
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	const capsa_recipient *recipients;
	size_t num_recipients;
	const capsa_route_key *routes;
	size_t num_routes;
	const capsa_identity *signer; /* names the signer (flags bit 0) */
	bool copy;                    /* flags bit 1: the trailer will carry an origin */
} capsa_hdr_params;

/*
 * capsa_hdr_build writes a complete header for |p| that wraps |cek| to every
 * recipient and route, into a fresh buffer (free()) of |*out_len| bytes.
 * Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_UNSUPPORTED, CAPSA_ERR_KEY,
 * CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL.
 */
capsa_status capsa_hdr_build(uint8_t **out, size_t *out_len, const capsa_hdr_params *p,
                             const uint8_t cek[CAPSA_CEK_BYTES]) CAPSA_MUST_CHECK;

/* ---- Key schedule ---------------------------------------------------------- */

/* The payload context: "capsa/v1/payload" || SHA-256(header). */
#define HDR_CONTEXT_LABEL "capsa/v1/payload"
#define HDR_CONTEXT_BYTES (sizeof(HDR_CONTEXT_LABEL) - 1 + CAPSA_SHA256_BYTES)

/* capsa_hdr_mac computes the header MAC of |msg| under HKDF(|cek|, "capsa/v1/header"). */
capsa_status capsa_hdr_mac(uint8_t mac[HDR_MAC_BYTES], const uint8_t cek[CAPSA_CEK_BYTES],
                           const uint8_t *msg, size_t msg_len) CAPSA_MUST_CHECK;

/* capsa_hdr_verify_mac returns CAPSA_OK or CAPSA_ERR_HEADER_AUTH. */
capsa_status capsa_hdr_verify_mac(const capsa_hdr *h, const uint8_t cek[CAPSA_CEK_BYTES]) CAPSA_MUST_CHECK;

/* capsa_hdr_context writes the payload context of the header bytes |hdr|. */
capsa_status capsa_hdr_context(uint8_t out[HDR_CONTEXT_BYTES], const uint8_t *hdr, size_t hdr_len) CAPSA_MUST_CHECK;

/* The message a v1 header signature covers: label || header up to and including the MAC. */
#define HDR_SIG_LABEL "capsa/v1/signature"

/*
 * capsa_hdr_unlock finds a stanza that |unlock| opens, writes the CEK and
 * verifies the header MAC with it. Returns CAPSA_OK (stanza index in
 * |*index|), CAPSA_ERR_NO_MATCH, CAPSA_ERR_HEADER_AUTH, or CAPSA_ERR_NOMEM /
 * CAPSA_ERR_INTERNAL. On failure |cek| is zeroed.
 */
capsa_status capsa_hdr_unlock(uint8_t cek[CAPSA_CEK_BYTES], size_t *index, const capsa_hdr *h,
                              const capsa_unlock *unlock) CAPSA_MUST_CHECK;

/*
 * capsa_hdr_check_signer checks |h| against a required signer (NULL: none):
 * CAPSA_OK, or CAPSA_ERR_SIGNER for an unsigned or v1 file or another
 * signer. A copy passes here; its origin's signer is checked with the origin.
 */
capsa_status capsa_hdr_check_signer(const capsa_hdr *h, const uint8_t *required) CAPSA_MUST_CHECK;

#endif
