/* Strict base64 decoding: canonical input only, so one document has one encoding. */
#include <stdbool.h>
#include <stdlib.h>

#include "wire/base64.h"

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes one quantum of 4 characters (with |pad| trailing '='), writes 3 - pad bytes. */
static bool quantum(uint8_t *out, const char q[4], int pad)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int s = i < 4 - pad ? sextet(q[i]) : 0;
		if (s < 0)
			return false;
		v = v << 6 | (uint32_t)s;
	}
	if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
		return false; /* non-zero unused bits: not canonical */
	for (int i = 0; i < 3 - pad; i++)
		out[i] = (uint8_t)(v >> (16 - 8 * i));
	return true;
}

capsa_status capsa_base64_decode(uint8_t **out, size_t *out_len, const char *in, size_t in_len)
{
	uint8_t *buf = malloc(in_len / 4 * 3 + 3);
	size_t n = 0, k = 0;
	bool done = false;
	char q[4];

	*out = NULL, *out_len = 0;
	if (buf == NULL)
		return CAPSA_ERR_NOMEM;
	for (size_t i = 0; i < in_len; i++) {
		int pad;
		if (in[i] == '\n' || in[i] == '\r')
			continue;
		if (done)
			goto bad; /* nothing may follow padding */
		q[k++] = in[i];
		if (k < 4)
			continue;
		pad = q[3] == '=' ? (q[2] == '=' ? 2 : 1) : 0;
		if (!quantum(buf + n, q, pad))
			goto bad;
		n += (size_t)(3 - pad), k = 0, done = pad > 0;
	}
	if (k != 0 || n == 0)
		goto bad;
	*out = buf, *out_len = n;
	return CAPSA_OK;
bad:
	free(buf);
	return CAPSA_ERR_DECODE;
}
