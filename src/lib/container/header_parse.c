/* Parsing the capsa header, versions 2 and 1: strict, canonical, bounded (doc/FORMAT.md). */
#include "container/header.h"

#include <stdlib.h>
#include <string.h>

#include "container/stanza.h"

const uint8_t capsa_hdr_magic[HDR_MAGIC_BYTES] = {0x89, 'c', 'a', 'p', 's', 'a', '\n'};

capsa_status capsa_hdr_peek_len(size_t *out, const uint8_t *buf, size_t len)
{
	capsa_cbs cbs;
	uint32_t header_len;
	size_t n = len < HDR_MAGIC_BYTES ? len : HDR_MAGIC_BYTES;

	*out = 0;
	if (len == 0 || memcmp(buf, capsa_hdr_magic, n) != 0)
		return CAPSA_ERR_NOT_CAPSA;
	if (len > HDR_MAGIC_BYTES && buf[HDR_MAGIC_BYTES] != HDR_VERSION && buf[HDR_MAGIC_BYTES] != HDR_VERSION_1)
		return CAPSA_ERR_VERSION;
	if (len < HDR_PREAMBLE_BYTES)
		return CAPSA_ERR_TRUNCATED;
	capsa_cbs_init(&cbs, buf + HDR_FIXED_BYTES, 4);
	if (!capsa_cbs_get_u32(&cbs, &header_len) || header_len < HDR_MIN_BYTES ||
	    header_len > CAPSA_HEADER_MAX_BYTES)
		return CAPSA_ERR_DECODE;
	*out = header_len;
	return CAPSA_OK;
}

/* The fixed fields after magic and version. */
static capsa_status parse_fixed(capsa_hdr *h, capsa_cbs *cbs)
{
	uint16_t suite;
	uint8_t chunk_log2;
	capsa_aead_alg alg;

	if (!capsa_cbs_skip(cbs, HDR_MAGIC_BYTES) || !capsa_cbs_get_u8(cbs, &h->version) ||
	    !capsa_cbs_get_u16(cbs, &suite) ||
	    !capsa_cbs_get_u8(cbs, &chunk_log2) || !capsa_cbs_get_u8(cbs, &h->flags) ||
	    !capsa_cbs_get_u64(cbs, &h->plaintext_len) ||
	    !capsa_cbs_copy(cbs, h->content_id, CAPSA_CONTENT_ID_BYTES))
		return CAPSA_ERR_DECODE;
	h->suite = (capsa_suite)suite;
	if (capsa_suite_alg(&alg, h->suite) != CAPSA_OK || chunk_log2 != HDR_CHUNK_LOG2)
		return CAPSA_ERR_UNSUPPORTED;
	/* v1 knows only the signed flag; a copy is always signed */
	if ((h->flags & ~(h->version == HDR_VERSION_1 ? HDR_FLAG_SIGNED : HDR_FLAG_SIGNED | HDR_FLAG_COPY)) != 0 ||
	    (h->flags & (HDR_FLAG_SIGNED | HDR_FLAG_COPY)) == HDR_FLAG_COPY)
		return CAPSA_ERR_DECODE;
	/* a length no payload can have (its size would not fit in 64 bits) is malformed, not a caller's mistake */
	if (h->plaintext_len != CAPSA_LENGTH_UNKNOWN && capsa_payload_len(h->plaintext_len) == UINT64_MAX)
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

static bool type_char_ok(uint8_t c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '-' || c == '.' || c == '_' || c == '/');
}

static capsa_status parse_stanza(capsa_hdr_stanza *s, capsa_cbs *cbs)
{
	capsa_cbs type, body;
	uint16_t body_len;
	const capsa_stanza_ops *ops;

	if (!capsa_cbs_get_u8_prefixed(cbs, &type) || type.len == 0 || type.len > CAPSA_STANZA_TYPE_MAX)
		return CAPSA_ERR_DECODE;
	for (size_t i = 0; i < type.len; i++)
		if (!type_char_ok(type.data[i], i == 0))
			return CAPSA_ERR_DECODE;
	memcpy(s->type, type.data, type.len);
	s->type[type.len] = '\0';
	if (!capsa_cbs_get_u16(cbs, &body_len) || body_len > CAPSA_STANZA_BODY_MAX ||
	    !capsa_cbs_get_bytes(cbs, &body, body_len))
		return CAPSA_ERR_DECODE;
	s->body = body.data;
	s->body_len = body.len;
	ops = capsa_stanza_lookup(s->type);
	return ops != NULL && ops->check != NULL ? ops->check(s->body, s->body_len) : CAPSA_OK;
}

/* v2: the signer block before the MAC (the MAC binds it; the signature is in the trailer). */
static capsa_status parse_signer(capsa_hdr *h, capsa_cbs *cbs)
{
	uint16_t alg;

	if (!capsa_cbs_get_u16(cbs, &alg) || !capsa_cbs_copy(cbs, h->signer, sizeof h->signer))
		return CAPSA_ERR_DECODE;
	return alg == HDR_SIG_ED25519 ? CAPSA_OK : CAPSA_ERR_UNSUPPORTED;
}

/* v1: the signature block after the MAC; verified here since it needs no secret. */
static capsa_status parse_signature(capsa_hdr *h, capsa_cbs *cbs)
{
	uint16_t alg;
	uint8_t sig[CAPSA_ED25519_SIGBYTES], *msg;
	size_t label_len = sizeof(HDR_SIG_LABEL) - 1, msg_len = label_len + h->mac_offset + HDR_MAC_BYTES;
	capsa_status st;

	if (!capsa_cbs_get_u16(cbs, &alg) || !capsa_cbs_copy(cbs, h->signer, sizeof h->signer) ||
	    !capsa_cbs_copy(cbs, sig, sizeof sig))
		return CAPSA_ERR_DECODE;
	if (alg != HDR_SIG_ED25519)
		return CAPSA_ERR_UNSUPPORTED;
	if ((msg = malloc(msg_len)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(msg, HDR_SIG_LABEL, label_len);
	memcpy(msg + label_len, h->bytes, h->mac_offset + HDR_MAC_BYTES);
	st = capsa_ed25519_verify(sig, h->signer, msg, msg_len);
	free(msg);
	return st == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_SIGNATURE;
}

/* Everything after the fixed fields, within exactly header_len bytes. */
static capsa_status parse_body(capsa_hdr *h, capsa_cbs *cbs)
{
	uint32_t header_len;
	uint16_t num;
	capsa_status st;

	if (!capsa_cbs_get_u32(cbs, &header_len) || !capsa_cbs_get_u16(cbs, &num) || num == 0 ||
	    num > CAPSA_STANZA_MAX)
		return CAPSA_ERR_DECODE;
	if ((h->stanzas = calloc(num, sizeof *h->stanzas)) == NULL)
		return CAPSA_ERR_NOMEM;
	h->num_stanzas = num;
	for (size_t i = 0; i < num; i++)
		if ((st = parse_stanza(&h->stanzas[i], cbs)) != CAPSA_OK)
			return st;
	if (h->version != HDR_VERSION_1 && capsa_hdr_signed(h) && (st = parse_signer(h, cbs)) != CAPSA_OK)
		return st;
	h->mac_offset = h->len - cbs->len;
	if (!capsa_cbs_skip(cbs, HDR_MAC_BYTES))
		return CAPSA_ERR_DECODE;
	if (h->version == HDR_VERSION_1 && capsa_hdr_signed(h) && (st = parse_signature(h, cbs)) != CAPSA_OK)
		return st;
	return cbs->len == 0 ? CAPSA_OK : CAPSA_ERR_DECODE;
}

capsa_status capsa_hdr_parse(capsa_hdr *h, const uint8_t *buf, size_t len)
{
	capsa_cbs cbs;
	size_t header_len;
	capsa_status st;

	memset(h, 0, sizeof *h);
	if ((st = capsa_hdr_peek_len(&header_len, buf, len)) != CAPSA_OK)
		return st;
	if (len < header_len)
		return CAPSA_ERR_TRUNCATED;
	if ((h->bytes = malloc(header_len)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(h->bytes, buf, header_len);
	h->len = header_len;
	capsa_cbs_init(&cbs, h->bytes, h->len);
	if ((st = parse_fixed(h, &cbs)) != CAPSA_OK || (st = parse_body(h, &cbs)) != CAPSA_OK)
		capsa_hdr_cleanup(h);
	return st;
}

void capsa_hdr_cleanup(capsa_hdr *h)
{
	free(h->bytes);
	free(h->stanzas);
	memset(h, 0, sizeof *h);
}

capsa_status capsa_hdr_info(capsa_header_info *out, const capsa_hdr *h)
{
	memset(out, 0, sizeof *out);
	if ((out->stanzas = calloc(h->num_stanzas, sizeof *out->stanzas)) == NULL)
		return CAPSA_ERR_NOMEM;
	out->version = h->version;
	out->suite = h->suite;
	out->chunk_bytes = CAPSA_CHUNK_BYTES;
	out->plaintext_len = h->plaintext_len;
	memcpy(out->content_id, h->content_id, sizeof out->content_id);
	out->header_len = h->len;
	out->signed_header = capsa_hdr_signed(h);
	out->copy = (h->flags & HDR_FLAG_COPY) != 0;
	if (out->signed_header)
		memcpy(out->signer, h->signer, sizeof out->signer);
	out->num_stanzas = h->num_stanzas;
	for (size_t i = 0; i < h->num_stanzas; i++) {
		memcpy(out->stanzas[i].type, h->stanzas[i].type, sizeof out->stanzas[i].type);
		out->stanzas[i].body_len = h->stanzas[i].body_len;
		out->stanzas[i].known = capsa_stanza_lookup(h->stanzas[i].type) != NULL;
	}
	return CAPSA_OK;
}

void capsa_header_info_free(capsa_header_info *info)
{
	if (info == NULL)
		return;
	free(info->stanzas);
	memset(info, 0, sizeof *info);
}
