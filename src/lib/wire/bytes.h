/*
 * wire/bytes.h - bounded byte readers and growable byte writers.
 *
 * All parsing of untrusted bytes goes through capsa_cbs: every getter checks
 * the remaining length first, returns false on a short input and advances
 * only on success. All serialization goes through capsa_cbb: it grows as
 * needed, remembers the first failure, and wipes its buffer when cleaned up
 * (what it holds is often key material). Integers are big-endian.
 * (After BoringSSL's CBS/CBB.)
 */
#ifndef CAPSA_WIRE_BYTES_H
#define CAPSA_WIRE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct capsa_cbs {
	const uint8_t *data;
	size_t len;
} capsa_cbs;

void capsa_cbs_init(capsa_cbs *cbs, const uint8_t *data, size_t len);
bool capsa_cbs_get_u8(capsa_cbs *cbs, uint8_t *out);
bool capsa_cbs_get_u16(capsa_cbs *cbs, uint16_t *out);
bool capsa_cbs_get_u32(capsa_cbs *cbs, uint32_t *out);
bool capsa_cbs_get_u64(capsa_cbs *cbs, uint64_t *out);
/* Copies the next |len| bytes out. */
bool capsa_cbs_copy(capsa_cbs *cbs, uint8_t *out, size_t len);
/* Points |out| at the next |len| bytes without copying. */
bool capsa_cbs_get_bytes(capsa_cbs *cbs, capsa_cbs *out, size_t len);
/* Reads a u8/u16-length-prefixed child. */
bool capsa_cbs_get_u8_prefixed(capsa_cbs *cbs, capsa_cbs *out);
bool capsa_cbs_get_u16_prefixed(capsa_cbs *cbs, capsa_cbs *out);
bool capsa_cbs_skip(capsa_cbs *cbs, size_t len);

typedef struct capsa_cbb {
	uint8_t *buf;
	size_t len;
	size_t cap;
	bool failed;
} capsa_cbb;

/* Starts empty with room for |cap| bytes (0 is fine). Returns false on allocation failure. */
bool capsa_cbb_init(capsa_cbb *cbb, size_t cap);
bool capsa_cbb_add_u8(capsa_cbb *cbb, uint8_t v);
bool capsa_cbb_add_u16(capsa_cbb *cbb, uint16_t v);
bool capsa_cbb_add_u32(capsa_cbb *cbb, uint32_t v);
bool capsa_cbb_add_u64(capsa_cbb *cbb, uint64_t v);
bool capsa_cbb_add_bytes(capsa_cbb *cbb, const void *data, size_t len);
/* Reserves |len| bytes and points |*out| at them, to be filled by the caller. */
bool capsa_cbb_reserve(capsa_cbb *cbb, uint8_t **out, size_t len);
/* Adds a u16 length prefix then |data|; fails if |len| > 65535. */
bool capsa_cbb_add_u16_prefixed(capsa_cbb *cbb, const void *data, size_t len);
/*
 * Hands the buffer to the caller (free it with free(), after capsa_wipe if
 * secret). Returns false, and releases everything, if any earlier add failed.
 */
bool capsa_cbb_finish(capsa_cbb *cbb, uint8_t **out, size_t *out_len);
/* Wipes and frees the buffer; safe after finish and on a zeroed cbb. */
void capsa_cbb_cleanup(capsa_cbb *cbb);

#endif
