#include "wire/bytes.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

void capsa_cbs_init(capsa_cbs *cbs, const uint8_t *data, size_t len)
{
	cbs->data = data;
	cbs->len = len;
}

static bool cbs_get_be(capsa_cbs *cbs, uint64_t *out, size_t n)
{
	uint64_t v = 0;
	if (cbs->len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | cbs->data[i];
	cbs->data += n;
	cbs->len -= n;
	*out = v;
	return true;
}

bool capsa_cbs_get_u8(capsa_cbs *cbs, uint8_t *out)
{
	uint64_t v;
	if (!cbs_get_be(cbs, &v, 1))
		return false;
	*out = (uint8_t)v;
	return true;
}

bool capsa_cbs_get_u16(capsa_cbs *cbs, uint16_t *out)
{
	uint64_t v;
	if (!cbs_get_be(cbs, &v, 2))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool capsa_cbs_get_u32(capsa_cbs *cbs, uint32_t *out)
{
	uint64_t v;
	if (!cbs_get_be(cbs, &v, 4))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool capsa_cbs_get_u64(capsa_cbs *cbs, uint64_t *out)
{
	return cbs_get_be(cbs, out, 8);
}

bool capsa_cbs_get_bytes(capsa_cbs *cbs, capsa_cbs *out, size_t len)
{
	if (cbs->len < len)
		return false;
	capsa_cbs_init(out, cbs->data, len);
	cbs->data += len;
	cbs->len -= len;
	return true;
}

bool capsa_cbs_copy(capsa_cbs *cbs, uint8_t *out, size_t len)
{
	capsa_cbs span;
	if (!capsa_cbs_get_bytes(cbs, &span, len))
		return false;
	if (len > 0)
		memcpy(out, span.data, len);
	return true;
}

bool capsa_cbs_skip(capsa_cbs *cbs, size_t len)
{
	capsa_cbs span;
	return capsa_cbs_get_bytes(cbs, &span, len);
}

bool capsa_cbs_get_u8_prefixed(capsa_cbs *cbs, capsa_cbs *out)
{
	capsa_cbs save = *cbs;
	uint8_t len;
	if (capsa_cbs_get_u8(cbs, &len) && capsa_cbs_get_bytes(cbs, out, len))
		return true;
	*cbs = save;
	return false;
}

bool capsa_cbs_get_u16_prefixed(capsa_cbs *cbs, capsa_cbs *out)
{
	capsa_cbs save = *cbs;
	uint16_t len;
	if (capsa_cbs_get_u16(cbs, &len) && capsa_cbs_get_bytes(cbs, out, len))
		return true;
	*cbs = save;
	return false;
}

bool capsa_cbb_init(capsa_cbb *cbb, size_t cap)
{
	memset(cbb, 0, sizeof *cbb);
	if (cap == 0)
		return true;
	if ((cbb->buf = malloc(cap)) == NULL) {
		cbb->failed = true;
		return false;
	}
	cbb->cap = cap;
	return true;
}

/* Grows by doubling; the old buffer is wiped because it may hold secrets. */
static bool cbb_grow(capsa_cbb *cbb, size_t need)
{
	size_t cap = cbb->cap ? cbb->cap : 64;
	uint8_t *nbuf;

	if (cbb->failed || need > SIZE_MAX - cbb->len) {
		cbb->failed = true;
		return false;
	}
	if (cbb->len + need <= cbb->cap)
		return true;
	while (cap < cbb->len + need)
		cap = cap > SIZE_MAX / 2 ? cbb->len + need : cap * 2;
	if ((nbuf = malloc(cap)) == NULL) {
		cbb->failed = true;
		return false;
	}
	if (cbb->len > 0)
		memcpy(nbuf, cbb->buf, cbb->len);
	capsa_wipe(cbb->buf, cbb->cap);
	free(cbb->buf);
	cbb->buf = nbuf;
	cbb->cap = cap;
	return true;
}

bool capsa_cbb_reserve(capsa_cbb *cbb, uint8_t **out, size_t len)
{
	if (!cbb_grow(cbb, len))
		return false;
	*out = cbb->buf + cbb->len;
	cbb->len += len;
	return true;
}

bool capsa_cbb_add_bytes(capsa_cbb *cbb, const void *data, size_t len)
{
	uint8_t *p;
	if (!capsa_cbb_reserve(cbb, &p, len))
		return false;
	if (len > 0)
		memcpy(p, data, len);
	return true;
}

static bool cbb_add_be(capsa_cbb *cbb, uint64_t v, size_t n)
{
	uint8_t *p;
	if (!capsa_cbb_reserve(cbb, &p, n))
		return false;
	for (size_t i = n; i > 0; i--, v >>= 8)
		p[i - 1] = (uint8_t)v;
	return true;
}

bool capsa_cbb_add_u8(capsa_cbb *cbb, uint8_t v) { return cbb_add_be(cbb, v, 1); }
bool capsa_cbb_add_u16(capsa_cbb *cbb, uint16_t v) { return cbb_add_be(cbb, v, 2); }
bool capsa_cbb_add_u32(capsa_cbb *cbb, uint32_t v) { return cbb_add_be(cbb, v, 4); }
bool capsa_cbb_add_u64(capsa_cbb *cbb, uint64_t v) { return cbb_add_be(cbb, v, 8); }

bool capsa_cbb_add_u16_prefixed(capsa_cbb *cbb, const void *data, size_t len)
{
	if (len > UINT16_MAX) {
		cbb->failed = true;
		return false;
	}
	return capsa_cbb_add_u16(cbb, (uint16_t)len) && capsa_cbb_add_bytes(cbb, data, len);
}

bool capsa_cbb_finish(capsa_cbb *cbb, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (cbb->failed) {
		capsa_cbb_cleanup(cbb);
		return false;
	}
	if (cbb->buf == NULL && !cbb_grow(cbb, 1)) /* hand out a real pointer even when empty */
		return false;
	*out = cbb->buf;
	*out_len = cbb->len;
	memset(cbb, 0, sizeof *cbb);
	return true;
}

void capsa_cbb_cleanup(capsa_cbb *cbb)
{
	capsa_wipe(cbb->buf, cbb->cap);
	free(cbb->buf);
	memset(cbb, 0, sizeof *cbb);
}
