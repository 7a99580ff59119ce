/* bech32 (BIP 173): encoding, strict decoding, 8-bit/5-bit regrouping. */
#include "wire/bech32.h"

#include <string.h>

static const char alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#define CHECKSUM_LEN 6

/*
 * The BCH generator step of BIP 173 over one more 5-bit value. The checksum
 * state is a function of an identity's secret seed, so the generator terms
 * are selected with masks, not branches.
 */
static uint32_t polymod_step(uint32_t chk, uint8_t value)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t top = chk >> 25;

	chk = ((chk & 0x1ffffff) << 5) ^ value;
	for (int i = 0; i < 5; i++)
		chk ^= gen[i] & (0u - ((top >> i) & 1u));
	return chk;
}

/* The checksum state after the expanded HRP (high bits, 0, low bits); |hrp| is lower case. */
static uint32_t polymod_hrp(const char *hrp, size_t hrp_len)
{
	uint32_t chk = 1;

	for (size_t i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)((uint8_t)hrp[i] >> 5));
	chk = polymod_step(chk, 0);
	for (size_t i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)(hrp[i] & 31));
	return chk;
}

const char *capsa_bech32_error_str(capsa_bech32_error err)
{
	switch (err) {
	case CAPSA_BECH32_OK: return "valid";
	case CAPSA_BECH32_ERR_LENGTH: return "string too long";
	case CAPSA_BECH32_ERR_CHAR: return "character out of range";
	case CAPSA_BECH32_ERR_MIXED_CASE: return "mixed upper and lower case";
	case CAPSA_BECH32_ERR_NO_SEPARATOR: return "no separator";
	case CAPSA_BECH32_ERR_HRP: return "bad human-readable part";
	case CAPSA_BECH32_ERR_DATA_CHAR: return "invalid data character";
	case CAPSA_BECH32_ERR_SHORT: return "checksum too short";
	case CAPSA_BECH32_ERR_CHECKSUM: return "checksum mismatch";
	case CAPSA_BECH32_ERR_PADDING: return "invalid padding";
	case CAPSA_BECH32_ERR_SPACE: return "output buffer too small";
	}
	return "unknown bech32 error";
}

size_t capsa_bech32_encoded_len(size_t hrp_len, size_t data_len)
{
	return hrp_len + 1 + (data_len * 8 + 4) / 5 + CHECKSUM_LEN;
}

static bool hrp_valid_for_encoding(const char *hrp, size_t hrp_len)
{
	if (hrp_len == 0)
		return false;
	for (size_t i = 0; i < hrp_len; i++)
		if (hrp[i] < 33 || hrp[i] > 126 || (hrp[i] >= 'A' && hrp[i] <= 'Z'))
			return false;
	return true;
}

static char out_char(char c, bool upper)
{
	return upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Appends the 5-bit groups of |data| (zero padded) to |out|, folding them into |*chk|. */
static size_t encode_data(char *out, uint32_t *chk, const uint8_t *data, size_t data_len, bool upper)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < data_len; i++) {
		acc = (acc << 8) | data[i];
		for (bits += 8; bits >= 5; bits -= 5) {
			uint8_t v = (uint8_t)((acc >> (bits - 5)) & 31);
			*chk = polymod_step(*chk, v);
			out[n++] = out_char(alphabet[v], upper);
		}
	}
	if (bits > 0) {
		uint8_t v = (uint8_t)((acc << (5 - bits)) & 31);
		*chk = polymod_step(*chk, v);
		out[n++] = out_char(alphabet[v], upper);
	}
	return n;
}

/* Writes HRP and separator, checks room; returns the checksum state after the HRP, or sets *st. */
static capsa_status encode_begin(char *out, size_t out_size, size_t *n, uint32_t *chk, const char *hrp,
                                 size_t num_values, bool upper)
{
	size_t hrp_len = strlen(hrp);

	if (out_size > 0)
		out[0] = '\0';
	if (!hrp_valid_for_encoding(hrp, hrp_len))
		return CAPSA_ERR_ARG;
	if (num_values > SIZE_MAX / 4 || hrp_len > SIZE_MAX / 4 || out_size <= hrp_len + 1 + num_values + CHECKSUM_LEN)
		return CAPSA_ERR_RANGE;
	for (*n = 0; *n < hrp_len; (*n)++)
		out[*n] = out_char(hrp[*n], upper);
	out[(*n)++] = out_char('1', upper);
	*chk = polymod_hrp(hrp, hrp_len);
	return CAPSA_OK;
}

static void encode_end(char *out, size_t n, uint32_t chk, bool upper)
{
	for (int i = 0; i < CHECKSUM_LEN; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (int i = 0; i < CHECKSUM_LEN; i++)
		out[n++] = out_char(alphabet[(chk >> (5 * (5 - i))) & 31], upper);
	out[n] = '\0';
}

capsa_status capsa_bech32_encode(char *out, size_t out_size, const char *hrp, const uint8_t *data,
                                 size_t data_len, bool upper)
{
	size_t n = 0;
	uint32_t chk = 0;
	capsa_status st;

	if (data_len > SIZE_MAX / 16)
		return CAPSA_ERR_RANGE;
	st = encode_begin(out, out_size, &n, &chk, hrp, (data_len * 8 + 4) / 5, upper);
	if (st != CAPSA_OK)
		return st;
	n += encode_data(out + n, &chk, data, data_len, upper);
	encode_end(out, n, chk, upper);
	return CAPSA_OK;
}

capsa_status capsa_bech32_encode_values(char *out, size_t out_size, const char *hrp, const uint8_t *values,
                                        size_t num_values, bool upper)
{
	size_t n = 0;
	uint32_t chk = 0;
	capsa_status st;

	for (size_t i = 0; i < num_values; i++)
		if (values[i] > 31)
			return CAPSA_ERR_ARG;
	st = encode_begin(out, out_size, &n, &chk, hrp, num_values, upper);
	if (st != CAPSA_OK)
		return st;
	for (size_t i = 0; i < num_values; i++) {
		chk = polymod_step(chk, values[i]);
		out[n++] = out_char(alphabet[values[i]], upper);
	}
	encode_end(out, n, chk, upper);
	return CAPSA_OK;
}

/* Range and case checks over the whole string; finds the separator (the last '1'). */
static capsa_bech32_error scan_string(const char *str, size_t str_len, size_t *sep)
{
	bool lower = false, upper = false;
	size_t last_one = SIZE_MAX;

	for (size_t i = 0; i < str_len; i++) {
		unsigned char c = (unsigned char)str[i];
		if (c < 33 || c > 126)
			return CAPSA_BECH32_ERR_CHAR;
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
		if (c == '1')
			last_one = i;
	}
	if (lower && upper)
		return CAPSA_BECH32_ERR_MIXED_CASE;
	if (last_one == SIZE_MAX)
		return CAPSA_BECH32_ERR_NO_SEPARATOR;
	if (last_one == 0)
		return CAPSA_BECH32_ERR_HRP;
	if (str_len - last_one - 1 < CHECKSUM_LEN)
		return CAPSA_BECH32_ERR_SHORT;
	*sep = last_one;
	return CAPSA_BECH32_OK;
}

/*
 * The value of a data character, or -1. Identity strings carry secrets, so
 * this scans the whole alphabet with masks instead of branching on (or
 * indexing by) the character. Encoding indexes the 32-byte alphabet by the
 * secret value: a table inside one cache line, a wart kept as age keeps it.
 */
static int alphabet_index(char c)
{
	unsigned lc = (unsigned char)c, value = 0, found = 0;

	lc |= ((lc - 'A') < 26u) << 5; /* fold upper case to lower */
	for (unsigned i = 0; i < 32; i++) {
		unsigned eq = (((unsigned char)alphabet[i] ^ lc) - 1u) >> 31;
		value |= i & (0u - eq);
		found |= eq;
	}
	return found ? (int)value : -1;
}

/*
 * Validates |str| completely (range, case, separator, alphabet, checksum)
 * and writes its lower-cased HRP. On success the data values are
 * str[*sep + 1 .. *sep + *num_data], each a valid alphabet character.
 */
static capsa_bech32_error check_string(char *hrp, size_t hrp_size, size_t *sep, size_t *num_data,
                                       const char *str, size_t str_len, size_t max_len)
{
	capsa_bech32_error err;
	uint32_t chk;

	if (str_len > max_len)
		return CAPSA_BECH32_ERR_LENGTH;
	if ((err = scan_string(str, str_len, sep)) != CAPSA_BECH32_OK)
		return err;
	if (*sep >= hrp_size)
		return CAPSA_BECH32_ERR_SPACE;
	for (size_t i = 0; i < *sep; i++)
		hrp[i] = (str[i] >= 'A' && str[i] <= 'Z') ? (char)(str[i] - 'A' + 'a') : str[i];
	hrp[*sep] = '\0';
	chk = polymod_hrp(hrp, *sep);
	for (size_t i = *sep + 1; i < str_len; i++) {
		int v = alphabet_index(str[i]);
		if (v < 0)
			return CAPSA_BECH32_ERR_DATA_CHAR;
		chk = polymod_step(chk, (uint8_t)v);
	}
	if (chk != 1)
		return CAPSA_BECH32_ERR_CHECKSUM;
	*num_data = str_len - *sep - 1 - CHECKSUM_LEN;
	return CAPSA_BECH32_OK;
}

capsa_bech32_error capsa_bech32_decode_values(char *hrp, size_t hrp_size, uint8_t *values, size_t values_size,
                                              size_t *num_values, const char *str, size_t str_len,
                                              size_t max_len)
{
	size_t sep = 0, num_data = 0;
	capsa_bech32_error err = check_string(hrp, hrp_size, &sep, &num_data, str, str_len, max_len);

	if (err == CAPSA_BECH32_OK && num_data > values_size)
		err = CAPSA_BECH32_ERR_SPACE;
	*num_values = 0;
	if (err != CAPSA_BECH32_OK) {
		if (hrp_size > 0)
			memset(hrp, 0, hrp_size);
		memset(values, 0, values_size);
		return err;
	}
	for (size_t i = 0; i < num_data; i++)
		values[i] = (uint8_t)alphabet_index(str[sep + 1 + i]);
	*num_values = num_data;
	return CAPSA_BECH32_OK;
}

/* Regroups 5-bit characters into bytes; leftover bits must be fewer than 5 and zero. */
static capsa_bech32_error chars_to_bytes(uint8_t *out, size_t out_size, size_t *out_len, const char *chars,
                                         size_t num_chars)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < num_chars; i++) {
		acc = ((acc << 5) | (uint32_t)alphabet_index(chars[i])) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n == out_size)
				return CAPSA_BECH32_ERR_SPACE;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return CAPSA_BECH32_ERR_PADDING;
	*out_len = n;
	return CAPSA_BECH32_OK;
}

capsa_bech32_error capsa_bech32_decode(char *hrp, size_t hrp_size, uint8_t *out, size_t out_size,
                                       size_t *out_len, const char *str, size_t str_len, size_t max_len)
{
	size_t sep = 0, num_data = 0;
	capsa_bech32_error err = check_string(hrp, hrp_size, &sep, &num_data, str, str_len, max_len);

	*out_len = 0;
	if (err == CAPSA_BECH32_OK)
		err = chars_to_bytes(out, out_size, out_len, str + sep + 1, num_data);
	if (err != CAPSA_BECH32_OK) {
		if (hrp_size > 0)
			memset(hrp, 0, hrp_size);
		memset(out, 0, out_size);
		*out_len = 0;
	}
	return err;
}
