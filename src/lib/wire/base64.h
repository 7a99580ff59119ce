/* wire/base64.h - strict standard base64 (RFC 4648 section 4) for vendor files. */
#ifndef CAPSA_WIRE_BASE64_H
#define CAPSA_WIRE_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

/*
 * capsa_base64_decode decodes |in| into a fresh buffer |*out| (free()). Line
 * breaks (CR, LF) are skipped; '=' padding is required to complete the last
 * quantum and may only end the input; unused bits must be zero. Returns
 * CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_NOMEM.
 */
capsa_status capsa_base64_decode(uint8_t **out, size_t *out_len, const char *in, size_t in_len) CAPSA_MUST_CHECK;

#endif
