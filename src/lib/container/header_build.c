/* Building a capsa v2 header: stanzas, the signer (if any), then the MAC. */
#include "container/header.h"

#include <stdlib.h>
#include <string.h>

#include "container/stanza.h"

static void put_fixed(capsa_cbb *cbb, const capsa_hdr_params *p, uint8_t flags)
{
	capsa_cbb_add_bytes(cbb, capsa_hdr_magic, HDR_MAGIC_BYTES);
	capsa_cbb_add_u8(cbb, HDR_VERSION);
	capsa_cbb_add_u16(cbb, (uint16_t)p->suite);
	capsa_cbb_add_u8(cbb, HDR_CHUNK_LOG2);
	capsa_cbb_add_u8(cbb, flags);
	capsa_cbb_add_u64(cbb, p->plaintext_len);
	capsa_cbb_add_bytes(cbb, p->content_id, CAPSA_CONTENT_ID_BYTES);
}

/* Appends one stanza of |ops|'s type wrapping |cek| for |recipient|. */
static capsa_status put_stanza(capsa_cbb *cbb, const capsa_stanza_ops *ops, const capsa_stanza_ctx *ctx,
                               const void *recipient, const uint8_t cek[CAPSA_CEK_BYTES])
{
	capsa_cbb body;
	capsa_status st;
	size_t type_len = strlen(ops->type);

	if (!capsa_cbb_init(&body, 128))
		return CAPSA_ERR_NOMEM;
	st = ops->wrap(&body, ctx, recipient, cek);
	if (st == CAPSA_OK && (body.failed || body.len > CAPSA_STANZA_BODY_MAX))
		st = body.failed ? CAPSA_ERR_NOMEM : CAPSA_ERR_INTERNAL;
	if (st == CAPSA_OK) {
		capsa_cbb_add_u8(cbb, (uint8_t)type_len);
		capsa_cbb_add_bytes(cbb, ops->type, type_len);
		capsa_cbb_add_u16_prefixed(cbb, body.buf, body.len);
	}
	capsa_cbb_cleanup(&body);
	return st;
}

/* Writes the u32 header length into the preamble once it is known. */
static void patch_len(uint8_t *hdr, size_t len)
{
	for (int i = 0; i < 4; i++)
		hdr[HDR_FIXED_BYTES + i] = (uint8_t)(len >> (24 - 8 * i));
}

static capsa_status build_into(capsa_cbb *cbb, const capsa_hdr_params *p, const uint8_t cek[CAPSA_CEK_BYTES])
{
	capsa_stanza_ctx ctx = {.suite = p->suite, .fixed_len = HDR_FIXED_BYTES};
	uint8_t mac[HDR_MAC_BYTES], *mac_at = NULL;
	size_t total;
	capsa_status st;

	if ((st = capsa_suite_alg(&ctx.alg, p->suite)) != CAPSA_OK)
		return CAPSA_ERR_ARG;
	if (p->copy && p->signer == NULL)
		return CAPSA_ERR_ARG;
	put_fixed(cbb, p, (uint8_t)((p->signer ? HDR_FLAG_SIGNED : 0) | (p->copy ? HDR_FLAG_COPY : 0)));
	capsa_cbb_add_u32(cbb, 0); /* header length, patched below */
	capsa_cbb_add_u16(cbb, (uint16_t)(p->num_recipients + p->num_routes));
	for (size_t i = 0; i < p->num_recipients + p->num_routes; i++) {
		const capsa_stanza_ops *ops = &capsa_stanza_x25519;
		const void *key = i < p->num_recipients ? (const void *)&p->recipients[i] : NULL;
		if (i >= p->num_recipients) {
			const capsa_route_key *rk = &p->routes[i - p->num_recipients];
			if (rk->stanza_type == NULL || (ops = capsa_stanza_lookup(rk->stanza_type)) == NULL ||
			    ops->wrap == NULL)
				return CAPSA_ERR_UNSUPPORTED;
			key = rk->key;
		}
		ctx.fixed = cbb->buf; /* re-read each time: the buffer may have moved */
		if (cbb->failed)
			return CAPSA_ERR_NOMEM;
		if ((st = put_stanza(cbb, ops, &ctx, key, cek)) != CAPSA_OK)
			return st;
	}
	/* the signer goes under the MAC, so that every stanza (through flags) and the MAC bind it */
	if (p->signer != NULL) {
		capsa_cbb_add_u16(cbb, HDR_SIG_ED25519);
		capsa_cbb_add_bytes(cbb, p->signer->ed25519_public, CAPSA_ED25519_PUBLICBYTES);
	}
	total = cbb->len + HDR_MAC_BYTES;
	if (cbb->failed || total > CAPSA_HEADER_MAX_BYTES)
		return cbb->failed ? CAPSA_ERR_NOMEM : CAPSA_ERR_ARG;
	patch_len(cbb->buf, total);
	if ((st = capsa_hdr_mac(mac, cek, cbb->buf, cbb->len)) != CAPSA_OK)
		return st;
	if (!capsa_cbb_reserve(cbb, &mac_at, HDR_MAC_BYTES))
		return CAPSA_ERR_NOMEM;
	memcpy(mac_at, mac, HDR_MAC_BYTES);
	return cbb->failed || cbb->len != total ? CAPSA_ERR_INTERNAL : CAPSA_OK;
}

capsa_status capsa_hdr_build(uint8_t **out, size_t *out_len, const capsa_hdr_params *p,
                             const uint8_t cek[CAPSA_CEK_BYTES])
{
	capsa_cbb cbb;
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (p->num_recipients + p->num_routes == 0 || p->num_recipients > CAPSA_STANZA_MAX ||
	    p->num_routes > CAPSA_STANZA_MAX - p->num_recipients || (p->num_recipients > 0 && p->recipients == NULL) ||
	    (p->num_routes > 0 && p->routes == NULL))
		return CAPSA_ERR_ARG;
	if (!capsa_cbb_init(&cbb, 256))
		return CAPSA_ERR_NOMEM;
	st = build_into(&cbb, p, cek);
	if (st == CAPSA_OK && !capsa_cbb_finish(&cbb, out, out_len))
		st = CAPSA_ERR_NOMEM;
	capsa_cbb_cleanup(&cbb);
	return st;
}
