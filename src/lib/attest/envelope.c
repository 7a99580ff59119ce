/*
 * The evidence envelope: one canonical binary encoding for every platform's
 * evidence, plus the nonce and keys it binds. Parsing is strict so that one
 * piece of evidence has exactly one encoding.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "attest/core.h"
#include "wire/bytes.h"

static const uint8_t magic[8] = {'C', 'A', 'P', 'S', 'A', 'E', 'V', 0};

const capsa_evidence_item *capsa_evidence_get(const capsa_evidence *ev, capsa_evidence_tag tag)
{
	for (size_t i = 0; i < ev->num_items; i++)
		if (ev->items[i].tag == (uint8_t)tag)
			return &ev->items[i];
	return NULL;
}

capsa_status capsa_evidence_add(capsa_evidence *ev, capsa_evidence_tag tag, const uint8_t *data, size_t len)
{
	if (ev->num_items >= CAPSA_EVIDENCE_MAX_ITEMS || (data == NULL && len > 0))
		return CAPSA_ERR_ARG;
	ev->items[ev->num_items++] = (capsa_evidence_item){(uint8_t)tag, data, len};
	return CAPSA_OK;
}

/* The items of |ev| must be sorted, distinct, allowed and complete for its platform. */
static bool items_valid(const capsa_evidence *ev)
{
	unsigned seen = 0;

	for (size_t i = 0; i < ev->num_items; i++) {
		const capsa_evidence_item *it = &ev->items[i];
		const struct evidence_rule *r = evidence_rule_find(ev->platform, it->tag);
		if (r == NULL || it->len < r->min_len || it->len > r->max_len)
			return false;
		if (i > 0 && it->tag <= ev->items[i - 1].tag)
			return false;
		seen |= r->required ? 1u << r->slot : 0;
	}
	return seen == evidence_required_mask(ev->platform);
}

static bool header_valid(const capsa_evidence *ev)
{
	return ev->platform >= CAPSA_PLATFORM_SIM && ev->platform <= CAPSA_PLATFORM_NITRO &&
	       ev->nonce_len <= CAPSA_EVIDENCE_MAX_NONCE && ev->keys_len <= CAPSA_EVIDENCE_MAX_KEYS &&
	       (ev->nonce != NULL || ev->nonce_len == 0) && (ev->keys != NULL || ev->keys_len == 0);
}

static int item_cmp(const void *a, const void *b)
{
	return (int)((const capsa_evidence_item *)a)->tag - (int)((const capsa_evidence_item *)b)->tag;
}

capsa_status capsa_evidence_serialize(const capsa_evidence *ev, uint8_t **out, size_t *out_len)
{
	capsa_evidence sorted = *ev;
	capsa_cbb cbb;

	*out = NULL, *out_len = 0;
	if (ev->num_items > CAPSA_EVIDENCE_MAX_ITEMS)
		return CAPSA_ERR_ARG;
	qsort(sorted.items, sorted.num_items, sizeof sorted.items[0], item_cmp);
	if (!header_valid(&sorted) || !items_valid(&sorted))
		return CAPSA_ERR_ARG;
	if (!capsa_cbb_init(&cbb, 256))
		return CAPSA_ERR_NOMEM;
	capsa_cbb_add_bytes(&cbb, magic, sizeof magic);
	capsa_cbb_add_u8(&cbb, CAPSA_EVIDENCE_VERSION);
	capsa_cbb_add_u8(&cbb, (uint8_t)sorted.platform);
	capsa_cbb_add_u16_prefixed(&cbb, sorted.nonce, sorted.nonce_len);
	capsa_cbb_add_u16_prefixed(&cbb, sorted.keys, sorted.keys_len);
	capsa_cbb_add_u8(&cbb, (uint8_t)sorted.num_items);
	for (size_t i = 0; i < sorted.num_items; i++) {
		capsa_cbb_add_u8(&cbb, sorted.items[i].tag);
		capsa_cbb_add_u32(&cbb, (uint32_t)sorted.items[i].len);
		capsa_cbb_add_bytes(&cbb, sorted.items[i].data, sorted.items[i].len);
	}
	return capsa_cbb_finish(&cbb, out, out_len) ? CAPSA_OK : CAPSA_ERR_NOMEM;
}

static capsa_status parse_header(capsa_evidence *ev, capsa_cbs *cbs)
{
	capsa_cbs m, nonce, keys;
	uint8_t version, platform;

	if (!capsa_cbs_get_bytes(cbs, &m, sizeof magic))
		return cbs->len == 0 ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_NOT_CAPSA;
	if (memcmp(m.data, magic, sizeof magic) != 0)
		return CAPSA_ERR_NOT_CAPSA;
	if (!capsa_cbs_get_u8(cbs, &version))
		return CAPSA_ERR_TRUNCATED;
	if (version != CAPSA_EVIDENCE_VERSION)
		return CAPSA_ERR_VERSION;
	if (!capsa_cbs_get_u8(cbs, &platform) || !capsa_cbs_get_u16_prefixed(cbs, &nonce) ||
	    !capsa_cbs_get_u16_prefixed(cbs, &keys))
		return CAPSA_ERR_TRUNCATED;
	ev->platform = (capsa_attest_platform)platform;
	ev->nonce = nonce.data, ev->nonce_len = nonce.len;
	ev->keys = keys.data, ev->keys_len = keys.len;
	return header_valid(ev) ? CAPSA_OK : CAPSA_ERR_DECODE;
}

static capsa_status parse_items(capsa_evidence *ev, capsa_cbs *cbs)
{
	uint8_t n;

	if (!capsa_cbs_get_u8(cbs, &n))
		return CAPSA_ERR_TRUNCATED;
	if (n > CAPSA_EVIDENCE_MAX_ITEMS)
		return CAPSA_ERR_DECODE;
	for (size_t i = 0; i < n; i++) {
		capsa_cbs value;
		uint32_t len;
		uint8_t tag;
		if (!capsa_cbs_get_u8(cbs, &tag) || !capsa_cbs_get_u32(cbs, &len))
			return CAPSA_ERR_TRUNCATED;
		if (len > CAPSA_EVIDENCE_MAX_ITEM)
			return CAPSA_ERR_DECODE;
		if (!capsa_cbs_get_bytes(cbs, &value, len))
			return CAPSA_ERR_TRUNCATED;
		ev->items[ev->num_items++] = (capsa_evidence_item){tag, value.data, value.len};
	}
	if (!items_valid(ev))
		return CAPSA_ERR_DECODE;
	return cbs->len == 0 ? CAPSA_OK : CAPSA_ERR_TRAILING;
}

capsa_status capsa_evidence_parse(capsa_evidence *ev, const uint8_t *buf, size_t len)
{
	capsa_status st;
	capsa_cbs cbs;

	memset(ev, 0, sizeof *ev);
	if (buf == NULL)
		return CAPSA_ERR_ARG;
	capsa_cbs_init(&cbs, buf, len);
	if ((st = parse_header(ev, &cbs)) == CAPSA_OK)
		st = parse_items(ev, &cbs);
	if (st != CAPSA_OK)
		memset(ev, 0, sizeof *ev);
	return st;
}
