/* A strict CBOR reader (see cbor.h). */
#include <string.h>

#include "wire/cbor.h"

/* Reads the argument that follows an initial byte with additional info |ai|. */
static bool get_argument(capsa_cbs *cbs, uint8_t ai, uint64_t *arg)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	switch (ai) {
	case 24:
		return capsa_cbs_get_u8(cbs, &u8) && (*arg = u8) >= 24;
	case 25:
		return capsa_cbs_get_u16(cbs, &u16) && (*arg = u16) > 0xff;
	case 26:
		return capsa_cbs_get_u32(cbs, &u32) && (*arg = u32) > 0xffff;
	case 27:
		return capsa_cbs_get_u64(cbs, arg) && *arg > 0xffffffffu;
	default:
		if (ai > 27)
			return false; /* 28-30 reserved, 31 indefinite */
		*arg = ai;
		return true;
	}
}

static bool head_is_sane(uint8_t major, uint64_t arg, size_t remaining)
{
	switch (major) {
	case CAPSA_CBOR_BSTR:
	case CAPSA_CBOR_TSTR:
	case CAPSA_CBOR_ARRAY: /* every element takes at least one byte */
		return arg <= remaining;
	case CAPSA_CBOR_MAP:
		return arg <= remaining / 2;
	case CAPSA_CBOR_SIMPLE:
		return arg >= CAPSA_CBOR_FALSE && arg <= CAPSA_CBOR_NULL;
	default:
		return true;
	}
}

bool capsa_cbor_get_head(capsa_cbs *cbs, uint8_t *major, uint64_t *arg)
{
	capsa_cbs c = *cbs;
	uint8_t ib;

	if (!capsa_cbs_get_u8(&c, &ib) || !get_argument(&c, ib & 0x1f, arg))
		return false;
	*major = ib >> 5;
	if (*major == CAPSA_CBOR_SIMPLE && (ib & 0x1f) >= 24)
		return false; /* floats and one-byte simple values */
	if (!head_is_sane(*major, *arg, c.len))
		return false;
	*cbs = c;
	return true;
}

int capsa_cbor_peek_major(const capsa_cbs *cbs)
{
	return cbs->len == 0 ? -1 : cbs->data[0] >> 5;
}

/* Reads a head that must have major type |want|. */
static bool get_typed(capsa_cbs *cbs, uint8_t want, uint64_t *arg)
{
	capsa_cbs c = *cbs;
	uint8_t major;

	if (!capsa_cbor_get_head(&c, &major, arg) || major != want)
		return false;
	*cbs = c;
	return true;
}

bool capsa_cbor_get_uint(capsa_cbs *cbs, uint64_t *out)
{
	return get_typed(cbs, CAPSA_CBOR_UINT, out);
}

bool capsa_cbor_get_int(capsa_cbs *cbs, int64_t *out)
{
	capsa_cbs c = *cbs;
	uint8_t major;
	uint64_t arg;

	if (!capsa_cbor_get_head(&c, &major, &arg) || major > CAPSA_CBOR_NINT || arg > INT64_MAX)
		return false;
	*out = major == CAPSA_CBOR_UINT ? (int64_t)arg : -1 - (int64_t)arg;
	*cbs = c;
	return true;
}

static bool get_string(capsa_cbs *cbs, uint8_t want, capsa_cbs *out)
{
	capsa_cbs c = *cbs;
	uint64_t len;

	if (!get_typed(&c, want, &len) || !capsa_cbs_get_bytes(&c, out, (size_t)len))
		return false;
	*cbs = c;
	return true;
}

bool capsa_cbor_get_bstr(capsa_cbs *cbs, capsa_cbs *out)
{
	return get_string(cbs, CAPSA_CBOR_BSTR, out);
}

/* Strict UTF-8 (RFC 3629): shortest forms, no surrogates, nothing past U+10FFFF; no NUL. */
static bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t b = s[i];
		size_t n = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 4;
		uint32_t cp = n == 0 ? b : n == 1 ? b & 0x1f : n == 2 ? b & 0x0f : b & 0x07;

		if (b == 0 || n == 4 || n >= len - i)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

bool capsa_cbor_get_tstr(capsa_cbs *cbs, capsa_cbs *out)
{
	capsa_cbs c = *cbs;

	if (!get_string(&c, CAPSA_CBOR_TSTR, out) || !utf8_valid(out->data, out->len))
		return false;
	*cbs = c;
	return true;
}

bool capsa_cbor_get_array(capsa_cbs *cbs, uint64_t *count)
{
	return get_typed(cbs, CAPSA_CBOR_ARRAY, count);
}

bool capsa_cbor_get_map(capsa_cbs *cbs, uint64_t *count)
{
	return get_typed(cbs, CAPSA_CBOR_MAP, count);
}

bool capsa_cbor_get_tag(capsa_cbs *cbs, uint64_t *tag)
{
	return get_typed(cbs, CAPSA_CBOR_TAG, tag);
}

bool capsa_cbor_get_null(capsa_cbs *cbs)
{
	uint64_t v;
	capsa_cbs c = *cbs;

	if (!get_typed(&c, CAPSA_CBOR_SIMPLE, &v) || v != CAPSA_CBOR_NULL)
		return false;
	*cbs = c;
	return true;
}

bool capsa_cbor_tstr_eq(const capsa_cbs *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len == n && memcmp(s->data, lit, n) == 0;
}

static bool skip_at(capsa_cbs *cbs, int depth)
{
	uint8_t major;
	uint64_t arg;
	capsa_cbs unused;

	if (depth > CAPSA_CBOR_MAX_DEPTH || !capsa_cbor_get_head(cbs, &major, &arg))
		return false;
	switch (major) {
	case CAPSA_CBOR_BSTR:
		return capsa_cbs_get_bytes(cbs, &unused, (size_t)arg);
	case CAPSA_CBOR_TSTR:
		return capsa_cbs_get_bytes(cbs, &unused, (size_t)arg) && utf8_valid(unused.data, unused.len);
	case CAPSA_CBOR_MAP:
		arg *= 2; /* bounded by head_is_sane */
		/* fall through */
	case CAPSA_CBOR_ARRAY:
		for (uint64_t i = 0; i < arg; i++)
			if (!skip_at(cbs, depth + 1))
				return false;
		return true;
	case CAPSA_CBOR_TAG:
		return skip_at(cbs, depth + 1);
	default:
		return true;
	}
}

bool capsa_cbor_skip(capsa_cbs *cbs)
{
	capsa_cbs c = *cbs;

	if (!skip_at(&c, 0))
		return false;
	*cbs = c;
	return true;
}

bool capsa_cbor_add_head(capsa_cbb *cbb, uint8_t major, uint64_t arg)
{
	uint8_t ib = (uint8_t)(major << 5);

	if (arg < 24)
		return capsa_cbb_add_u8(cbb, ib | (uint8_t)arg);
	if (arg <= 0xff)
		return capsa_cbb_add_u8(cbb, ib | 24) && capsa_cbb_add_u8(cbb, (uint8_t)arg);
	if (arg <= 0xffff)
		return capsa_cbb_add_u8(cbb, ib | 25) && capsa_cbb_add_u16(cbb, (uint16_t)arg);
	if (arg <= 0xffffffffu)
		return capsa_cbb_add_u8(cbb, ib | 26) && capsa_cbb_add_u32(cbb, (uint32_t)arg);
	return capsa_cbb_add_u8(cbb, ib | 27) && capsa_cbb_add_u64(cbb, arg);
}
