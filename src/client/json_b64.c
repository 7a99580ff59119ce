/* Base64 in the proxy protocol's JSON (json_b64.h). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "client/json_b64.h"

json_t *capsa_json_b64(const uint8_t *data, size_t len)
{
	char *s = malloc(4 * ((len + 2) / 3) + 1);
	json_t *j;

	if (s == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	j = json_string(s);
	free(s);
	return j;
}

bool capsa_b64_exact(uint8_t *out, size_t want, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0, enc_len = 4 * ((want + 2) / 3);
	unsigned char *buf, *again;
	bool ok;

	if (s == NULL || len != enc_len || want == 0)
		return false;
	buf = malloc(len);
	again = malloc(len + 1);
	ok = buf != NULL && again != NULL && EVP_DecodeBlock(buf, (const unsigned char *)s, (int)len) >= (int)want;
	if (ok) {
		EVP_EncodeBlock(again, buf, (int)want);
		ok = memcmp(again, s, len) == 0;
		memcpy(out, buf, want);
	}
	free(buf);
	free(again);
	return ok;
}

uint8_t *capsa_b64_any(const char *s, size_t max, size_t *out_len)
{
	size_t len = s != NULL ? strlen(s) : 0, n;
	uint8_t *out;

	*out_len = 0;
	if (len == 0 || len % 4 != 0)
		return NULL;
	n = len / 4 * 3 - (s[len - 1] == '=') - (s[len - 2] == '=');
	if (n == 0 || n > max || (out = malloc(n)) == NULL)
		return NULL;
	if (!capsa_b64_exact(out, n, s)) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}
