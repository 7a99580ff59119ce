/* Hex and the replaying / recording randomness of the vectors format. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral-vectors/vectors_internal.h"

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the format is lowercase */
}

uint8_t *umb_hex_decode(const char *hex, size_t *len)
{
	size_t n = hex != NULL ? strlen(hex) : 1;
	uint8_t *out;

	if (n % 2 != 0 || (out = malloc(n / 2 + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return out;
}

char *umb_hex_encode(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(2 * len + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[2 * i] = digits[p[i] >> 4], out[2 * i + 1] = digits[p[i] & 15];
	out[2 * len] = '\0';
	return out;
}

capsa_status umb_replay_fill(void *ctx, uint8_t *out, size_t len)
{
	umb_replay *r = ctx;
	const json_t *arr = r->draws;
	uint8_t *draw;
	size_t dlen = 0;

	if (!json_is_array(arr) || r->next >= json_array_size(arr)) {
		r->mismatch = 1;
		return CAPSA_ERR_ARG;
	}
	draw = umb_hex_decode(json_string_value(json_array_get(arr, r->next++)), &dlen);
	if (draw == NULL || dlen != len) {
		free(draw);
		r->mismatch = 1;
		return CAPSA_ERR_ARG;
	}
	memcpy(out, draw, len);
	free(draw);
	return CAPSA_OK;
}

capsa_status umb_record_fill(void *ctx, uint8_t *out, size_t len)
{
	json_t *arr = ctx;
	char *hex;
	capsa_status st = capsa_random(out, len);

	if (st != CAPSA_OK)
		return st;
	if ((hex = umb_hex_encode(out, len)) == NULL)
		return CAPSA_ERR_NOMEM;
	st = json_array_append_new(arr, json_string(hex)) == 0 ? CAPSA_OK : CAPSA_ERR_NOMEM;
	free(hex);
	return st;
}

int umb_v_set_hex(json_t *o, const char *key, const uint8_t *p, size_t len)
{
	char *hex = umb_hex_encode(p, len);
	int rc = hex != NULL ? json_object_set_new(o, key, json_string(hex)) : -1;
	free(hex);
	return rc;
}

json_t *umb_v_hex_value(const uint8_t *p, size_t len)
{
	char *hex = umb_hex_encode(p, len);
	json_t *v = hex != NULL ? json_string(hex) : NULL;
	free(hex);
	return v;
}
