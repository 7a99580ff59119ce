/*
 * wire/msgpack.h - the strict MessagePack subset rust-umbral's toBytes()
 * emits: fixarray headers, bin8 byte strings and booleans.
 *
 * The reader accepts only that canonical form with the exact lengths the
 * caller expects: no bin16/bin32, no str-for-bin, no map-form structs. Its
 * getters return CAPSA_OK, CAPSA_ERR_TRUNCATED (input ended) or
 * CAPSA_ERR_DECODE (anything else), and advance only on success.
 */
#ifndef CAPSA_WIRE_MSGPACK_H
#define CAPSA_WIRE_MSGPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#include "wire/bytes.h"

/* Reads a fixarray header of exactly |n| elements (n <= 15). */
capsa_status capsa_mp_get_array(capsa_cbs *cbs, size_t n) CAPSA_MUST_CHECK;
/* Reads a bin8 of exactly |len| bytes (len <= 255) into |out|. */
capsa_status capsa_mp_get_bin(capsa_cbs *cbs, uint8_t *out, size_t len) CAPSA_MUST_CHECK;
/* Reads a boolean. */
capsa_status capsa_mp_get_bool(capsa_cbs *cbs, bool *out) CAPSA_MUST_CHECK;

/*
 * Writers into a buffer the caller sized for the fixed layout: each writes
 * one element at |p| and returns the position after it.
 */
uint8_t *capsa_mp_put_array(uint8_t *p, size_t n);
uint8_t *capsa_mp_put_bin(uint8_t *p, const uint8_t *data, size_t len);
uint8_t *capsa_mp_put_bool(uint8_t *p, bool v);

#endif
