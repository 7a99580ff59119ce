#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long passed, failed;
static char context[256];

void check_context(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof context, fmt, ap);
	va_end(ap);
}

void check_record(bool ok, const char *file, int line, const char *expr, const char *detail)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL %s:%d: %s%s%s%s\n", file, line, expr, detail ? " (got: " : "",
	        detail ? detail : "", detail ? ")" : "");
	if (context[0])
		fprintf(stderr, "     in: %s\n", context);
}

int check_summary(void)
{
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}

const char *vector_path(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("CAPSA_TEST_VECTORS");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : CAPSA_TEST_VECTORS, rel);
	return path;
}

#if CAPSA_WITH_JSON
json_t *vector_load(const char *rel)
{
	json_error_t err;
	json_t *j = json_load_file(vector_path(rel), JSON_DECODE_ANY, &err);
	if (j == NULL) {
		fprintf(stderr, "cannot load %s: %s (line %d)\n", vector_path(rel), err.text, err.line);
		exit(2);
	}
	return j;
}
#endif

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *out;

	if (n % 2 != 0 || (out = malloc(n / 2 + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return out;
}

#if CAPSA_WITH_JSON
uint8_t *vector_hex(const json_t *obj, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(obj, key));
	uint8_t *out = s ? hex_decode(s, len) : NULL;
	if (out == NULL) {
		fprintf(stderr, "vector member '%s' missing or not hex\n", key);
		exit(2);
	}
	return out;
}

bool vector_has_flag(const json_t *obj, const char *key, const char *flag)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(obj, key), i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), flag) == 0)
			return true;
	}
	return false;
}
#endif

capsa_status check_buf_sink(void *arg, const uint8_t *data, size_t len)
{
	check_buf *b = arg;
	uint8_t *p = realloc(b->data, b->len + len + 1);

	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	b->data = p;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAPSA_OK;
}
