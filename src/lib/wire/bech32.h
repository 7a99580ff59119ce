/*
 * wire/bech32.h - bech32 strings (BIP 173), the text form of capsa keys.
 *
 * A bech32 string is HRP "1" DATA CHECKSUM: a human-readable part, the
 * separator (the last '1'), 5-bit values in the 32-character alphabet, and a
 * 6-character BCH checksum over both. The checksum is bech32, not bech32m
 * (BIP 350): bech32m only repairs a weakness in strings whose length can
 * change by inserting or deleting 'q' before a final 'p', which capsa's
 * fixed-length, type-tagged payloads reject anyway, and plain bech32 is what
 * age uses for the same job.
 *
 * As in age, BIP 173's 90-character limit is lifted: callers pass their own
 * bound. A string is all lowercase or all uppercase; the HRP is returned in
 * lowercase. Decoding is strict and every failure has its own reason.
 */
#ifndef CAPSA_WIRE_BECH32_H
#define CAPSA_WIRE_BECH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

/* BIP 173's limit on a whole string, for callers that want it. */
#define CAPSA_BECH32_BIP173_MAX 90

/* Why a string is not valid bech32. */
typedef enum capsa_bech32_error {
	CAPSA_BECH32_OK = 0,
	CAPSA_BECH32_ERR_LENGTH,       /* longer than the caller's bound */
	CAPSA_BECH32_ERR_CHAR,         /* a character outside US-ASCII 33..126 */
	CAPSA_BECH32_ERR_MIXED_CASE,   /* upper and lower case letters together */
	CAPSA_BECH32_ERR_NO_SEPARATOR, /* no '1' */
	CAPSA_BECH32_ERR_HRP,          /* empty HRP (or, for typed decodes, the wrong one) */
	CAPSA_BECH32_ERR_DATA_CHAR,    /* a data character outside the alphabet */
	CAPSA_BECH32_ERR_SHORT,        /* fewer than 6 characters after the separator */
	CAPSA_BECH32_ERR_CHECKSUM,     /* the checksum does not verify */
	CAPSA_BECH32_ERR_PADDING,      /* 8-bit regrouping left non-zero or over-long padding */
	CAPSA_BECH32_ERR_SPACE,        /* an output buffer is too small */
} capsa_bech32_error;

/* capsa_bech32_error_str names |err| in a few words; never NULL. */
const char *capsa_bech32_error_str(capsa_bech32_error err);

/*
 * capsa_bech32_encoded_len returns the length (without NUL) of the string that
 * capsa_bech32_encode makes from an |hrp_len|-byte HRP and |data_len| bytes.
 */
size_t capsa_bech32_encoded_len(size_t hrp_len, size_t data_len);

/*
 * capsa_bech32_encode writes HRP "1" DATA CHECKSUM for the 8-bit |data|
 * (regrouped into 5-bit values, zero padded) to |out| with a NUL, in lower
 * case or, with |upper|, upper case. |hrp| must be non-empty, US-ASCII
 * 33..126 and free of upper case letters. Returns CAPSA_OK, CAPSA_ERR_ARG for
 * a bad HRP, or CAPSA_ERR_RANGE if |out_size| is too small (|out| is then
 * the empty string).
 */
capsa_status capsa_bech32_encode(char *out, size_t out_size, const char *hrp, const uint8_t *data,
                                 size_t data_len, bool upper) CAPSA_MUST_CHECK;

/*
 * capsa_bech32_encode_values is capsa_bech32_encode for data already in
 * 5-bit values (each below 32, else CAPSA_ERR_ARG).
 */
capsa_status capsa_bech32_encode_values(char *out, size_t out_size, const char *hrp, const uint8_t *values,
                                        size_t num_values, bool upper) CAPSA_MUST_CHECK;

/*
 * capsa_bech32_decode_values parses the |str_len| characters at |str| (at most
 * |max_len|) as bech32 and verifies the checksum. It writes the HRP, lower
 * cased and NUL-terminated, to |hrp| (|hrp_size| bytes), and the 5-bit data
 * values (without checksum) to |values|, their number to |*num_values|.
 * Returns CAPSA_BECH32_OK or the first reason the string is invalid; on
 * failure the outputs are zeroed.
 */
capsa_bech32_error capsa_bech32_decode_values(char *hrp, size_t hrp_size, uint8_t *values, size_t values_size,
                                              size_t *num_values, const char *str, size_t str_len,
                                              size_t max_len);

/*
 * capsa_bech32_decode is capsa_bech32_decode_values followed by regrouping
 * the values into bytes: it writes them to |out| (|out_size| bytes) and
 * their number to |*out_len|. Padding must be under 5 bits and zero
 * (CAPSA_BECH32_ERR_PADDING otherwise). On failure the outputs are zeroed.
 */
capsa_bech32_error capsa_bech32_decode(char *hrp, size_t hrp_size, uint8_t *out, size_t out_size,
                                       size_t *out_len, const char *str, size_t str_len, size_t max_len);

#endif
