/* wire/hex.h - strict hex decoding for policy files and the CLI. */
#ifndef CAPSA_WIRE_HEX_H
#define CAPSA_WIRE_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * capsa_hex_decode decodes the whole string |hex| (either case, even length,
 * nothing else) into |out| of |cap| bytes and sets |*out_len|. Returns false
 * on any other character, an odd length, or more than |cap| bytes.
 */
bool capsa_hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex);

/* capsa_hex_encode writes 2 * |len| + 1 characters (NUL-terminated) to |out|. */
void capsa_hex_encode(char *out, const uint8_t *in, size_t len);

#endif
