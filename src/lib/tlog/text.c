/* Text helpers of the tlog formats: lines, UTF-8, key names, decimals, base64, a growing buffer. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_internal.h"
#include "wire/base64.h"

bool tlog_next_line(tlog_text *t, tlog_text *line)
{
	const char *nl = t->len ? memchr(t->p, '\n', t->len) : NULL;

	if (nl == NULL)
		return false;
	line->p = t->p;
	line->len = (size_t)(nl - t->p);
	t->p = nl + 1;
	t->len -= line->len + 1;
	return true;
}

/* Decodes one UTF-8 sequence at s[*i]; returns the code point or -1. */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	size_t n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
	long cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
	static const long min[4] = {0, 0x80, 0x800, 0x10000};

	if (n == 9 || len - *i <= n)
		return -1;
	for (size_t k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*i += n + 1;
	return cp;
}

bool tlog_valid_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		long cp = utf8_next((const unsigned char *)s, len, &i);
		if (cp < 0 || (cp < 0x20 && cp != '\n'))
			return false;
	}
	return true;
}

/* Go's unicode.IsSpace. */
static bool unicode_space(long cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000;
}

bool tlog_valid_name(const char *s, size_t len)
{
	if (len == 0 || len > CAPSA_NOTE_MAX_NAME)
		return false;
	for (size_t i = 0; i < len;) {
		long cp = utf8_next((const unsigned char *)s, len, &i);
		if (cp < 0x20 || cp == '+' || unicode_space(cp))
			return false;
	}
	return true;
}

bool tlog_parse_u64(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool tlog_line_is(const tlog_text *line, const char *lit)
{
	size_t n = strlen(lit);
	return line->len == n && memcmp(line->p, lit, n) == 0;
}

bool tlog_line_prefix(const tlog_text *line, const char *prefix, tlog_text *rest)
{
	size_t n = strlen(prefix);

	if (line->len < n || memcmp(line->p, prefix, n) != 0)
		return false;
	rest->p = line->p + n;
	rest->len = line->len - n;
	return true;
}

capsa_status tlog_b64_decode(uint8_t **out, size_t *out_len, const char *s, size_t len)
{
	*out = NULL;
	*out_len = 0;
	if (memchr(s, '\n', len) || memchr(s, '\r', len))
		return CAPSA_ERR_DECODE; /* the shared decoder skips line breaks; these formats have none */
	return capsa_base64_decode(out, out_len, s, len);
}

capsa_status tlog_b64_decode_fixed(uint8_t *out, size_t want, const char *s, size_t len)
{
	uint8_t *buf;
	size_t n;
	capsa_status st;

	if (len != tlog_b64_len(want))
		return CAPSA_ERR_DECODE;
	if ((st = tlog_b64_decode(&buf, &n, s, len)) != CAPSA_OK)
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_DECODE;
	if (n == want)
		memcpy(out, buf, n);
	free(buf);
	return n == want ? CAPSA_OK : CAPSA_ERR_DECODE;
}

size_t tlog_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

size_t tlog_b64_encode(char *out, const uint8_t *in, size_t len)
{
	size_t n = 0;

	while (len > 0) { /* EVP_EncodeBlock takes an int length: go in bounded steps */
		size_t step = len > 3 * 4096 ? 3 * 4096 : len;
		n += (size_t)EVP_EncodeBlock((unsigned char *)out + n, in, (int)step);
		in += step;
		len -= step;
	}
	out[n] = '\0';
	return n;
}

void tlog_buf_add(tlog_buf *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->cap - b->len <= len) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap - b->len <= len)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void tlog_buf_str(tlog_buf *b, const char *s)
{
	tlog_buf_add(b, s, strlen(s));
}

void tlog_buf_u64(tlog_buf *b, uint64_t v)
{
	char d[21];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tlog_buf_add(b, d + i, sizeof d - i);
}

void tlog_buf_b64(tlog_buf *b, const uint8_t *data, size_t len)
{
	char *s = malloc(tlog_b64_len(len) + 1);

	if (s == NULL) {
		b->failed = true;
		return;
	}
	tlog_buf_add(b, s, tlog_b64_encode(s, data, len));
	free(s);
}

capsa_status tlog_buf_finish(tlog_buf *b, char **out, size_t *out_len)
{
	if (b->failed || b->p == NULL) {
		free(b->p);
		*b = (tlog_buf){0};
		*out = NULL;
		*out_len = 0;
		return CAPSA_ERR_NOMEM;
	}
	*out = b->p;
	*out_len = b->len;
	*b = (tlog_buf){0};
	return CAPSA_OK;
}
