/*
 * The `umbral` stanza: the CEK under an Umbral capsule (capsa_umbral_encrypt:
 * XChaCha20-Poly1305 with the capsule as associated data) to a delegating key
 * derived for this file alone from the owner's secp256k1 identity key
 * (capsa_umbral_file_key, SecretKeyFactory label "capsa/v1/umbral-file/" ‖
 * content id). Body, exactly 243 bytes:
 *
 *   delegating pk (33) ‖ verifying pk (33) ‖ capsule (105, wire form) ‖ DEM ciphertext (72)
 *
 * Sealing takes the owner's capsa_identity as the route key. Opening: an
 * identity that derives the delegating key is the owner and opens directly
 * (decrypt_original); otherwise an `umbral` route key with cfrags opens it for
 * the identity the cfrags were made for (grant/open.c).
 *
 * The route lives here, with the grants that use it; the container knows it
 * only as the capsa_stanza_ops its stanza table lists (container/stanza.h).
 */
#include <capsa/grant.h>

#include <string.h>

#include "container/header.h"
#include "container/stanza.h"
#include "grant/grant_internal.h"

#define CID_OFFSET_FROM_END CAPSA_CONTENT_ID_BYTES

capsa_status capsa_umbral_file_key(capsa_umbral_secret_key *sk, const capsa_identity *owner,
                                   const uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	uint8_t label[sizeof(CAPSA_UMBRAL_FILE_LABEL) - 1 + CAPSA_CONTENT_ID_BYTES];
	size_t n = sizeof(CAPSA_UMBRAL_FILE_LABEL) - 1;
	capsa_status st;

	memcpy(label, CAPSA_UMBRAL_FILE_LABEL, n);
	memcpy(label + n, content_id, CAPSA_CONTENT_ID_BYTES);
	st = capsa_umbral_skf_make_key(sk, owner->secp256k1_secret, label, sizeof label);
	if (st != CAPSA_OK) {
		capsa_umbral_secret_key_wipe(sk);
		return CAPSA_ERR_INTERNAL;
	}
	return CAPSA_OK;
}

capsa_status capsa_umbral_stanza_parse(capsa_umbral_stanza *out, const uint8_t *body, size_t len,
                                       const uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	const uint8_t *p = body;

	memset(out, 0, sizeof *out);
	if (len != CAPSA_UMBRAL_STANZA_BODY_BYTES ||
	    capsa_umbral_public_key_from_bytes(&out->delegating, p) != CAPSA_OK ||
	    capsa_umbral_public_key_from_bytes(&out->verifying, p + 33) != CAPSA_OK ||
	    capsa_umbral_capsule_from_bytes(&out->capsule, p + 66, CAPSA_UMBRAL_CAPSULE_BYTES) != CAPSA_OK) {
		memset(out, 0, sizeof *out);
		return CAPSA_ERR_DECODE;
	}
	memcpy(out->ct, p + 66 + CAPSA_UMBRAL_CAPSULE_BYTES, sizeof out->ct);
	memcpy(out->content_id, content_id, CAPSA_CONTENT_ID_BYTES);
	return CAPSA_OK;
}

capsa_status capsa_umbral_stanza_in(capsa_umbral_stanza *out, const capsa_hdr *h)
{
	for (size_t i = 0; i < h->num_stanzas; i++)
		if (strcmp(h->stanzas[i].type, CAPSA_UMBRAL_STANZA_TYPE) == 0)
			return capsa_umbral_stanza_parse(out, h->stanzas[i].body, h->stanzas[i].body_len, h->content_id);
	memset(out, 0, sizeof *out);
	return CAPSA_ERR_NO_MATCH;
}

capsa_status capsa_umbral_stanza_find(capsa_umbral_stanza *out, const uint8_t *buf, size_t len)
{
	capsa_hdr h;
	capsa_status st = capsa_hdr_parse(&h, buf, len);

	memset(out, 0, sizeof *out);
	if (st == CAPSA_OK)
		st = capsa_umbral_stanza_in(out, &h);
	capsa_hdr_cleanup(&h);
	return st;
}

static capsa_status umbral_check(const uint8_t *body, size_t len)
{
	static const uint8_t no_id[CAPSA_CONTENT_ID_BYTES];
	capsa_umbral_stanza s;

	return capsa_umbral_stanza_parse(&s, body, len, no_id);
}

static const uint8_t *content_id_of(const capsa_stanza_ctx *ctx)
{
	return ctx->fixed + ctx->fixed_len - CID_OFFSET_FROM_END;
}

static capsa_status umbral_wrap(capsa_cbb *body, const capsa_stanza_ctx *ctx, const void *recipient,
                                const uint8_t cek[CAPSA_CEK_BYTES])
{
	const capsa_identity *owner = recipient;
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key delegating;
	capsa_umbral_capsule capsule;
	uint8_t capsule_bytes[CAPSA_UMBRAL_CAPSULE_BYTES], ct[CAPSA_UMBRAL_STANZA_CT_BYTES];
	capsa_status st;

	if (owner == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_umbral_file_key(&sk, owner, content_id_of(ctx))) != CAPSA_OK)
		return st;
	st = capsa_umbral_public_key_derive(&delegating, &sk);
	capsa_umbral_secret_key_wipe(&sk); /* sealing needs only the public half */
	if (st != CAPSA_OK ||
	    (st = capsa_umbral_encrypt(&capsule, ct, &delegating, cek, CAPSA_CEK_BYTES, NULL)) != CAPSA_OK)
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_INTERNAL;
	capsa_umbral_capsule_to_bytes(capsule_bytes, &capsule);
	capsa_cbb_add_bytes(body, delegating.bytes, CAPSA_UMBRAL_PUBLIC_KEY_BYTES);
	capsa_cbb_add_bytes(body, owner->secp256k1_public, CAPSA_SECP256K1_PUBLICBYTES);
	capsa_cbb_add_bytes(body, capsule_bytes, sizeof capsule_bytes);
	capsa_cbb_add_bytes(body, ct, sizeof ct);
	return body->failed ? CAPSA_ERR_NOMEM : CAPSA_OK;
}

/*
 * The owner: an identity whose per-file key is the stanza's delegating key.
 * Once the key matches, a failing DEM means the stanza was modified.
 */
static capsa_status open_as_owner(uint8_t cek[CAPSA_CEK_BYTES], const capsa_umbral_stanza *s,
                                  const capsa_unlock *unlock)
{
	capsa_status st = CAPSA_ERR_NO_MATCH;

	for (size_t i = 0; i < unlock->num_identities && st == CAPSA_ERR_NO_MATCH; i++) {
		capsa_umbral_secret_key sk;
		capsa_umbral_public_key pk;
		if ((st = capsa_umbral_file_key(&sk, &unlock->identities[i], s->content_id)) != CAPSA_OK)
			break;
		if ((st = capsa_umbral_public_key_derive(&pk, &sk)) == CAPSA_OK) {
			if (memcmp(pk.bytes, s->delegating.bytes, sizeof pk.bytes) != 0)
				st = CAPSA_ERR_NO_MATCH;
			else if (capsa_umbral_decrypt_original(cek, &sk, &s->capsule, s->ct, sizeof s->ct) != CAPSA_OK)
				st = CAPSA_ERR_HEADER_AUTH;
		}
		capsa_umbral_secret_key_wipe(&sk);
	}
	return st;
}

static const capsa_umbral_route *find_route(const capsa_unlock *unlock)
{
	for (size_t i = 0; i < unlock->num_route_keys; i++) {
		const capsa_route_key *rk = &unlock->route_keys[i];
		if (rk->stanza_type != NULL && strcmp(rk->stanza_type, CAPSA_UMBRAL_STANZA_TYPE) == 0)
			return rk->key;
	}
	return NULL;
}

static capsa_status umbral_unwrap(uint8_t cek[CAPSA_CEK_BYTES], const capsa_stanza_ctx *ctx, const uint8_t *body,
                                  size_t len, const capsa_unlock *unlock)
{
	const capsa_umbral_route *route;
	capsa_umbral_stanza s;
	capsa_status st;

	if (capsa_umbral_stanza_parse(&s, body, len, content_id_of(ctx)) != CAPSA_OK)
		return CAPSA_ERR_NO_MATCH;
	st = open_as_owner(cek, &s, unlock);
	if (st == CAPSA_ERR_NO_MATCH && (route = find_route(unlock)) != NULL)
		st = capsa_grant_unlock_cek(cek, &s, unlock->identities, unlock->num_identities, route);
	if (st != CAPSA_OK)
		capsa_wipe(cek, CAPSA_CEK_BYTES);
	return st;
}

const capsa_stanza_ops capsa_stanza_umbral = {
	.type = CAPSA_UMBRAL_STANZA_TYPE,
	.check = umbral_check,
	.wrap = umbral_wrap,
	.unwrap = umbral_unwrap,
};
