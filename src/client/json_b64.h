/* client/json_b64.h - base64 (standard, padded) in the JSON of the proxy protocol, both ways. */
#ifndef CAPSA_CLIENT_JSON_B64_H
#define CAPSA_CLIENT_JSON_B64_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* capsa_json_b64 returns the base64 of |data| as a new JSON string, or NULL. */
json_t *capsa_json_b64(const uint8_t *data, size_t len);

/*
 * capsa_b64_exact decodes the canonical base64 |s| of exactly |want| bytes
 * (1 or more) into |out|. EVP_DecodeBlock alone is lax (it skips blanks and
 * keeps padding bytes); the re-encoding must give back the very input.
 */
bool capsa_b64_exact(uint8_t *out, size_t want, const char *s);

/* capsa_b64_any decodes the canonical base64 |s| of 1 to |max| bytes into a fresh buffer (free()), or NULL. */
uint8_t *capsa_b64_any(const char *s, size_t max, size_t *out_len);

#endif
