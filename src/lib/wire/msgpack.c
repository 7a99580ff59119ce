/* The strict MessagePack subset of rust-umbral's wire format (see msgpack.h). */
#include "wire/msgpack.h"

#include <string.h>

#define MP_FIXARRAY 0x90
#define MP_FALSE 0xc2
#define MP_TRUE 0xc3
#define MP_BIN8 0xc4

/* Reads one tag byte and checks it without consuming input on failure. */
static capsa_status expect_byte(capsa_cbs *cbs, uint8_t want)
{
	if (cbs->len < 1)
		return CAPSA_ERR_TRUNCATED;
	if (cbs->data[0] != want)
		return CAPSA_ERR_DECODE;
	return capsa_cbs_skip(cbs, 1) ? CAPSA_OK : CAPSA_ERR_TRUNCATED;
}

capsa_status capsa_mp_get_array(capsa_cbs *cbs, size_t n)
{
	if (n > 15)
		return CAPSA_ERR_ARG;
	return expect_byte(cbs, (uint8_t)(MP_FIXARRAY | n));
}

capsa_status capsa_mp_get_bin(capsa_cbs *cbs, uint8_t *out, size_t len)
{
	capsa_cbs save = *cbs;
	capsa_status st;

	if (len > 255)
		return CAPSA_ERR_ARG;
	if ((st = expect_byte(cbs, MP_BIN8)) != CAPSA_OK || (st = expect_byte(cbs, (uint8_t)len)) != CAPSA_OK ||
	    (st = capsa_cbs_copy(cbs, out, len) ? CAPSA_OK : CAPSA_ERR_TRUNCATED) != CAPSA_OK)
		*cbs = save;
	return st;
}

capsa_status capsa_mp_get_bool(capsa_cbs *cbs, bool *out)
{
	if (cbs->len < 1)
		return CAPSA_ERR_TRUNCATED;
	if (cbs->data[0] != MP_TRUE && cbs->data[0] != MP_FALSE)
		return CAPSA_ERR_DECODE;
	*out = cbs->data[0] == MP_TRUE;
	return capsa_cbs_skip(cbs, 1) ? CAPSA_OK : CAPSA_ERR_TRUNCATED;
}

uint8_t *capsa_mp_put_array(uint8_t *p, size_t n)
{
	*p++ = (uint8_t)(MP_FIXARRAY | (n & 0x0f));
	return p;
}

uint8_t *capsa_mp_put_bin(uint8_t *p, const uint8_t *data, size_t len)
{
	*p++ = MP_BIN8;
	*p++ = (uint8_t)len;
	memcpy(p, data, len);
	return p + len;
}

uint8_t *capsa_mp_put_bool(uint8_t *p, bool v)
{
	*p++ = v ? MP_TRUE : MP_FALSE;
	return p;
}
