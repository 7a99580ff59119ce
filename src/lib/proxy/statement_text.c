/* The line grammar of statements and log events (doc/PROTOCOL.md, "Statements"). */
#include <string.h>

#include <capsa/util.h>

#include "proxy/statement_text.h"

bool stmt_text_ok(const char *s, size_t len)
{
	if (len == 0 || len > CAPSA_PROXY_STATEMENT_MAX || s[len - 1] != '\n')
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
			return false;
	return true;
}

capsa_status stmt_open(tlog_text *t, const char *text, size_t len, const char *header, const char *family)
{
	tlog_text line;

	if (!stmt_text_ok(text, len))
		return CAPSA_ERR_DECODE;
	t->p = text;
	t->len = len;
	if (!tlog_next_line(t, &line))
		return CAPSA_ERR_DECODE;
	if (tlog_line_is(&line, header))
		return CAPSA_OK;
	return line.len > strlen(family) && memcmp(line.p, family, strlen(family)) == 0 ? CAPSA_ERR_UNSUPPORTED
	                                                                              : CAPSA_ERR_DECODE;
}

bool stmt_field(tlog_text *t, const char *key, tlog_text *value)
{
	tlog_text line;
	size_t k = strlen(key);

	if (!tlog_next_line(t, &line) || line.len <= k + 1 || memcmp(line.p, key, k) != 0 || line.p[k] != ' ')
		return false;
	value->p = line.p + k + 1;
	value->len = line.len - k - 1;
	return true; /* each value's own check refuses spaces */
}

static bool lower_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool stmt_is_party(const char *s, size_t len)
{
	return len == CAPSA_PARTY_ID_HEXLEN && lower_hex(s, len);
}

bool stmt_hex_value(const tlog_text *v, uint8_t *out, size_t n)
{
	char tmp[2 * 64 + 1];
	size_t got = 0;

	if (n > 64 || v->len != 2 * n || !lower_hex(v->p, v->len))
		return false;
	memcpy(tmp, v->p, v->len);
	tmp[v->len] = '\0';
	return capsa_hex_decode(out, n, &got, tmp) && got == n;
}

bool stmt_hex(tlog_text *t, const char *key, uint8_t *out, size_t n)
{
	tlog_text v;
	return stmt_field(t, key, &v) && stmt_hex_value(&v, out, n);
}

bool stmt_u64(tlog_text *t, const char *key, uint64_t *out)
{
	tlog_text v;
	return stmt_field(t, key, &v) && tlog_parse_u64(out, v.p, v.len);
}

bool stmt_party(tlog_text *t, const char *key, char out[CAPSA_PARTY_ID_HEXLEN + 1])
{
	tlog_text v;

	if (!stmt_field(t, key, &v) || !stmt_is_party(v.p, v.len))
		return false;
	memcpy(out, v.p, CAPSA_PARTY_ID_HEXLEN);
	out[CAPSA_PARTY_ID_HEXLEN] = '\0';
	return true;
}

capsa_status stmt_recipient(tlog_text *t, const char *key, capsa_recipient *r)
{
	tlog_text v;
	capsa_status st;

	if (!stmt_field(t, key, &v))
		return CAPSA_ERR_DECODE;
	if ((st = capsa_recipient_decode(r, v.p, v.len)) != CAPSA_OK)
		return st == CAPSA_ERR_KEY ? CAPSA_ERR_KEY : CAPSA_ERR_DECODE;
	return r->has_ed25519 ? CAPSA_OK : CAPSA_ERR_KEY; /* a type 1 recipient cannot sign */
}

void stmt_put(tlog_buf *b, const char *key, const char *value)
{
	tlog_buf_str(b, key);
	tlog_buf_str(b, " ");
	tlog_buf_str(b, value);
	tlog_buf_str(b, "\n");
}

void stmt_put_hex(tlog_buf *b, const char *key, const uint8_t *data, size_t n)
{
	char hex[2 * 64 + 1];

	capsa_hex_encode(hex, data, n > 64 ? 64 : n);
	stmt_put(b, key, hex);
}

void stmt_put_u64(tlog_buf *b, const char *key, uint64_t v)
{
	tlog_buf_str(b, key);
	tlog_buf_str(b, " ");
	tlog_buf_u64(b, v);
	tlog_buf_str(b, "\n");
}

bool stmt_put_recipient(tlog_buf *b, const char *key, const capsa_recipient *r)
{
	char s[CAPSA_RECIPIENT_STRLEN + 1];

	if (!r->has_ed25519 || capsa_recipient_encode(s, sizeof s, r) != CAPSA_OK)
		return false;
	stmt_put(b, key, s);
	return true;
}
