/*
 * The `x25519` stanza: the CEK sealed to one recipient's X25519 key with HPKE
 * (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and the
 * file's AEAD. info = "capsa/v1/x25519"; aad = the header's 36 fixed bytes.
 * Body: enc (32) || sealed CEK (32 + 16), exactly 80 bytes.
 */
#include "container/stanza.h"

#include <string.h>

#include "hpke/hpke.h"

#define X25519_INFO CAPSA_X25519_STANZA_INFO
#define X25519_INFO_LEN (sizeof(X25519_INFO) - 1)

static capsa_status x25519_check(const uint8_t *body, size_t len)
{
	(void)body;
	return len == CAPSA_X25519_STANZA_BODY_BYTES ? CAPSA_OK : CAPSA_ERR_DECODE;
}

static capsa_status x25519_wrap(capsa_cbb *body, const capsa_stanza_ctx *ctx, const void *recipient,
                                const uint8_t cek[CAPSA_CEK_BYTES])
{
	const capsa_recipient *r = recipient;
	uint8_t *out = NULL;

	if (r == NULL)
		return CAPSA_ERR_ARG;
	if (!capsa_cbb_reserve(body, &out, CAPSA_X25519_STANZA_BODY_BYTES))
		return CAPSA_ERR_NOMEM;
	/* body = enc (32) || sealed CEK (48) */
	return capsa_hpke_seal_base(out, out + CAPSA_HPKE_ENCBYTES, ctx->alg, r->x25519_public,
	                            (const uint8_t *)X25519_INFO, X25519_INFO_LEN, ctx->fixed, ctx->fixed_len, cek,
	                            CAPSA_CEK_BYTES);
}

/* Tries every identity; any failure to open means "not for this identity". */
static capsa_status x25519_unwrap(uint8_t cek[CAPSA_CEK_BYTES], const capsa_stanza_ctx *ctx, const uint8_t *body,
                                  size_t len, const capsa_unlock *unlock)
{
	if (len != CAPSA_X25519_STANZA_BODY_BYTES)
		return CAPSA_ERR_NO_MATCH;
	for (size_t i = 0; i < unlock->num_identities; i++) {
		capsa_status st = capsa_hpke_open_base(cek, ctx->alg, body, unlock->identities[i].x25519_secret,
		                                       (const uint8_t *)X25519_INFO, X25519_INFO_LEN, ctx->fixed,
		                                       ctx->fixed_len, body + CAPSA_HPKE_ENCBYTES,
		                                       len - CAPSA_HPKE_ENCBYTES);
		if (st == CAPSA_OK)
			return CAPSA_OK;
		if (st == CAPSA_ERR_NOMEM || st == CAPSA_ERR_INTERNAL)
			return st;
	}
	capsa_wipe(cek, CAPSA_CEK_BYTES);
	return CAPSA_ERR_NO_MATCH;
}

const capsa_stanza_ops capsa_stanza_x25519 = {
	.type = "x25519",
	.check = x25519_check,
	.wrap = x25519_wrap,
	.unwrap = x25519_unwrap,
};
