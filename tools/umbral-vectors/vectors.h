/*
 * umbral-vectors/vectors.h - the umbral-interop-vectors/v1 file format: a
 * checker that runs every case of such a file against capsa's Umbral, and an
 * emitter that writes one from capsa's own outputs. Test tooling, not part of
 * libcapsa: a static library that the umbral-vectors tool, the tests and the
 * fuzz target of the checker link beside libcapsa's static archive.
 */
#ifndef CAPSA_UMBRAL_VECTORS_H
#define CAPSA_UMBRAL_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <capsa/umbral.h>

typedef struct umb_vectors_result {
	size_t passed, failed;
} umb_vectors_result;

/*
 * umb_vectors_check parses |json| (|len| bytes) and runs every case,
 * negative case, secret_key_factory and signatures entry, counting each
 * checked fact in |res| and describing failures on |log| (NULL: silent).
 * Returns CAPSA_ERR_DECODE if the text is not JSON of that format; a field
 * missing or malformed inside a case is a failed check, not an error.
 */
capsa_status umb_vectors_check(const char *json, size_t len, umb_vectors_result *res, FILE *log) CAPSA_MUST_CHECK;

/*
 * umb_vectors_emit writes a fresh vectors document (NUL-terminated JSON,
 * free() it) from capsa's outputs: random keys, several thresholds and sign
 * flags, negative cases derived from them, every draw recorded.
 */
capsa_status umb_vectors_emit(char **json) CAPSA_MUST_CHECK;

/* ---- shared by the checker and the emitter --------------------------------- */

/* A source that replays recorded draws (a JSON array of hex strings), failing on any difference in size or count. */
typedef struct umb_replay {
	const void *draws; /* json_t array */
	size_t next;
	int mismatch;
} umb_replay;
capsa_status umb_replay_fill(void *ctx, uint8_t *out, size_t len);

/* A source that draws from the OS and appends each draw, as hex, to a JSON array. */
capsa_status umb_record_fill(void *ctx, uint8_t *out, size_t len);

/* Hex helpers: umb_hex_decode returns NULL on bad hex (free() the result). */
uint8_t *umb_hex_decode(const char *hex, size_t *len);
char *umb_hex_encode(const uint8_t *p, size_t len);

#endif
