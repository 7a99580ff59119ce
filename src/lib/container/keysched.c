/*
 * The key schedule that ties a header to its CEK (doc/FORMAT.md, "Key
 * schedule"): the header MAC key, the payload context, and finding the
 * stanza that yields the CEK.
 */
#include "container/header.h"

#include <stdint.h>
#include <string.h>

#include "container/stanza.h"

#define HEADER_LABEL "capsa/v1/header"

capsa_status capsa_hdr_mac(uint8_t mac[HDR_MAC_BYTES], const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t *msg,
                           size_t msg_len)
{
	uint8_t key[CAPSA_SHA256_BYTES];
	capsa_status st;

	st = capsa_hkdf(key, sizeof key, cek, CAPSA_CEK_BYTES, NULL, 0, (const uint8_t *)HEADER_LABEL,
	                sizeof(HEADER_LABEL) - 1);
	if (st == CAPSA_OK)
		st = capsa_hmac_sha256(mac, key, sizeof key, msg, msg_len);
	capsa_wipe(key, sizeof key);
	return st;
}

capsa_status capsa_hdr_verify_mac(const capsa_hdr *h, const uint8_t cek[CAPSA_CEK_BYTES])
{
	uint8_t mac[HDR_MAC_BYTES];
	capsa_status st = capsa_hdr_mac(mac, cek, h->bytes, h->mac_offset);

	if (st == CAPSA_OK && !capsa_ct_equal(mac, h->bytes + h->mac_offset, HDR_MAC_BYTES))
		st = CAPSA_ERR_HEADER_AUTH;
	capsa_wipe(mac, sizeof mac);
	return st;
}

/*
 * The payload context is a fixed-size digest rather than the header itself:
 * readers need not keep the header around, and the C2SP key derivation gets
 * a 48-byte input whatever the number of stanzas.
 */
capsa_status capsa_hdr_context(uint8_t out[HDR_CONTEXT_BYTES], const uint8_t *hdr, size_t hdr_len)
{
	size_t label_len = sizeof(HDR_CONTEXT_LABEL) - 1;

	memcpy(out, HDR_CONTEXT_LABEL, label_len);
	return capsa_sha256(out + label_len, hdr, hdr_len);
}

capsa_status capsa_hdr_unlock(uint8_t cek[CAPSA_CEK_BYTES], size_t *index, const capsa_hdr *h,
                              const capsa_unlock *unlock)
{
	capsa_stanza_ctx ctx = {.suite = h->suite, .fixed = h->bytes, .fixed_len = HDR_FIXED_BYTES};
	capsa_status st;

	*index = SIZE_MAX;
	if ((st = capsa_suite_alg(&ctx.alg, h->suite)) != CAPSA_OK)
		return st;
	for (size_t i = 0; i < h->num_stanzas; i++) {
		const capsa_stanza_ops *ops = capsa_stanza_lookup(h->stanzas[i].type);
		if (ops == NULL || ops->unwrap == NULL)
			continue; /* a route this build does not know: skipped, not fatal */
		st = ops->unwrap(cek, &ctx, h->stanzas[i].body, h->stanzas[i].body_len, unlock);
		if (st == CAPSA_ERR_NO_MATCH)
			continue;
		/* A stanza that opened commits us: the MAC must verify under its CEK. */
		if (st == CAPSA_OK && (st = capsa_hdr_verify_mac(h, cek)) == CAPSA_OK) {
			*index = i;
			return CAPSA_OK;
		}
		capsa_wipe(cek, CAPSA_CEK_BYTES);
		return st;
	}
	capsa_wipe(cek, CAPSA_CEK_BYTES);
	return CAPSA_ERR_NO_MATCH;
}
