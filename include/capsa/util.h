/*
 * capsa/util.h - small helpers every user of libcapsa needs around its keys:
 * wiping secrets, comparing secrets, random bytes, and hex.
 */
#ifndef CAPSA_UTIL_H
#define CAPSA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* capsa_wipe zeroes |len| bytes at |p| in a way the compiler cannot elide. */
CAPSA_API void capsa_wipe(void *p, size_t len);

/* capsa_ct_equal compares |len| bytes in time independent of their contents. */
CAPSA_API bool capsa_ct_equal(const void *a, const void *b, size_t len);

/*
 * capsa_random fills |out| from the operating system's CSPRNG (via OpenSSL).
 * Returns CAPSA_OK or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_random(uint8_t *out, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_hex_decode decodes the whole string |hex| (either case, even length,
 * nothing else) into |out| of |cap| bytes and sets |*out_len|. Returns false
 * on any other character, an odd length, or more than |cap| bytes.
 */
CAPSA_API bool capsa_hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex);

/* capsa_hex_encode writes 2 * |len| + 1 characters (lowercase, NUL-terminated) to |out|. */
CAPSA_API void capsa_hex_encode(char *out, const uint8_t *in, size_t len);

#ifdef __cplusplus
}
#endif
#endif
