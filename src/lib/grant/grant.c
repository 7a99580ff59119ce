/*
 * Grants: make kfrags for one recipient as the owner, and re-encrypt a file's
 * `umbral` stanza (grant/stanza.c) capsule with one kfrag as a proxy.
 */
#include <capsa/grant.h>

#include <stdlib.h>
#include <string.h>

#include "container/header.h"
#include "grant/grant_internal.h"

/*
 * The owner proves the stanza is its own and the header intact: its per-file
 * key must be the stanza's, decrypt the CEK, and the CEK verify the MAC.
 * |sk| receives the per-file key (wiped by the caller).
 */
static capsa_status authenticate_as_owner(capsa_umbral_secret_key *sk, const capsa_hdr *h,
                                          const capsa_umbral_stanza *s, const capsa_identity *owner)
{
	capsa_umbral_public_key pk;
	uint8_t cek[CAPSA_CEK_BYTES];
	capsa_status st;

	if ((st = capsa_umbral_file_key(sk, owner, s->content_id)) != CAPSA_OK ||
	    (st = capsa_umbral_public_key_derive(&pk, sk)) != CAPSA_OK)
		return st;
	if (memcmp(pk.bytes, s->delegating.bytes, sizeof pk.bytes) != 0 ||
	    memcmp(owner->secp256k1_public, s->verifying.bytes, sizeof pk.bytes) != 0)
		return CAPSA_ERR_MISMATCH;
	if ((st = capsa_umbral_decrypt_original(cek, sk, &s->capsule, s->ct, sizeof s->ct)) == CAPSA_OK)
		st = capsa_hdr_verify_mac(h, cek);
	capsa_wipe(cek, sizeof cek);
	return st == CAPSA_ERR_TRUNCATED ? CAPSA_ERR_AUTH : st;
}

/* Splits the per-file key |sk| into |out|'s kfrags, signed by the owner's identity key. */
static capsa_status make_kfrags(capsa_kfrag_file *out, const capsa_umbral_secret_key *sk,
                                const capsa_umbral_stanza *s, const capsa_identity *owner,
                                const capsa_recipient *to, size_t threshold, size_t shares,
                                const capsa_umbral_rng *rng)
{
	capsa_umbral_kfrag *kfrags = calloc(shares, sizeof *kfrags);
	capsa_umbral_secret_key signer;
	capsa_umbral_public_key receiving;
	capsa_status st;

	if (kfrags == NULL)
		return CAPSA_ERR_NOMEM;
	if ((st = capsa_umbral_public_key_from_bytes(&receiving, to->secp256k1_public)) != CAPSA_OK ||
	    (st = capsa_umbral_secret_key_from_bytes(&signer, owner->secp256k1_secret)) != CAPSA_OK)
		goto out;
	st = capsa_umbral_generate_kfrags(kfrags, sk, &receiving, &signer, threshold, shares, true, true, rng);
	for (size_t i = 0; st == CAPSA_OK && i < shares; i++) {
		memcpy(out[i].content_id, s->content_id, CAPSA_CONTENT_ID_BYTES);
		out[i].threshold = (uint8_t)threshold;
		out[i].shares = (uint8_t)shares;
		out[i].index = (uint8_t)(i + 1);
		out[i].delegating = s->delegating;
		out[i].receiving = receiving;
		out[i].verifying = s->verifying;
		out[i].kfrag = kfrags[i];
	}
out:
	capsa_umbral_secret_key_wipe(&signer);
	capsa_wipe(kfrags, shares * sizeof *kfrags);
	free(kfrags);
	return st;
}

capsa_status capsa_grant_create(capsa_kfrag_file *out, const capsa_identity *owner, const capsa_recipient *to,
                                size_t threshold, size_t shares, const uint8_t *hdr, size_t hdr_len,
                                const capsa_umbral_rng *rng)
{
	capsa_umbral_secret_key sk = {{0}};
	capsa_umbral_stanza s;
	capsa_hdr h;
	capsa_status st;

	if (out == NULL || owner == NULL || to == NULL || hdr == NULL || threshold == 0 || threshold > shares ||
	    shares > CAPSA_UMBRAL_MAX_SHARES)
		return CAPSA_ERR_ARG;
	memset(out, 0, shares * sizeof *out);
	if ((st = capsa_hdr_parse(&h, hdr, hdr_len)) != CAPSA_OK)
		return st;
	if ((st = capsa_umbral_stanza_in(&s, &h)) == CAPSA_OK && (st = authenticate_as_owner(&sk, &h, &s, owner)) == CAPSA_OK)
		st = make_kfrags(out, &sk, &s, owner, to, threshold, shares, rng);
	capsa_umbral_secret_key_wipe(&sk);
	capsa_hdr_cleanup(&h);
	if (st != CAPSA_OK)
		capsa_wipe(out, shares * sizeof *out);
	return st;
}

capsa_status capsa_grant_reencrypt(capsa_cfrag_file *out, const capsa_kfrag_file *kf, const uint8_t *hdr,
                                   size_t hdr_len, capsa_grant_report *report, const capsa_umbral_rng *rng)
{
	capsa_umbral_stanza s;
	capsa_status st;

	memset(out, 0, sizeof *out);
	capsa_grant_report_set(report, CAPSA_GRANT_CHECK_NONE, SIZE_MAX, CAPSA_OK);
	if ((st = capsa_umbral_stanza_find(&s, hdr, hdr_len)) != CAPSA_OK)
		return st;
	if (memcmp(kf->content_id, s.content_id, CAPSA_CONTENT_ID_BYTES) != 0) {
		capsa_grant_report_set(report, CAPSA_GRANT_CHECK_FILE, 0, CAPSA_ERR_MISMATCH);
		return CAPSA_ERR_MISMATCH;
	}
	if (memcmp(&kf->delegating, &s.delegating, sizeof s.delegating) != 0 ||
	    memcmp(&kf->verifying, &s.verifying, sizeof s.verifying) != 0) {
		capsa_grant_report_set(report, CAPSA_GRANT_CHECK_OWNER, 0, CAPSA_ERR_MISMATCH);
		return CAPSA_ERR_MISMATCH;
	}
	if ((st = capsa_umbral_kfrag_verify(&kf->kfrag, &s.verifying, &s.delegating, &kf->receiving)) != CAPSA_OK) {
		capsa_grant_report_set(report, CAPSA_GRANT_CHECK_VERIFY, 0, st);
		return st;
	}
	if ((st = capsa_umbral_reencrypt(&out->cfrag, &s.capsule, &kf->kfrag, rng)) != CAPSA_OK)
		return st;
	memcpy(out->content_id, s.content_id, CAPSA_CONTENT_ID_BYTES);
	out->threshold = kf->threshold;
	out->delegating = s.delegating;
	out->receiving = kf->receiving;
	out->verifying = s.verifying;
	return CAPSA_OK;
}

capsa_status capsa_grant_reencrypt_capsule(capsa_cfrag_file *out, const capsa_kfrag_file *kf,
                                           const uint8_t *capsule_bytes, size_t len, const capsa_umbral_rng *rng)
{
	capsa_umbral_capsule capsule;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if (len != CAPSA_UMBRAL_CAPSULE_BYTES || capsa_umbral_capsule_from_bytes(&capsule, capsule_bytes, len) != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	if ((st = capsa_umbral_reencrypt(&out->cfrag, &capsule, &kf->kfrag, rng)) != CAPSA_OK)
		return st;
	memcpy(out->content_id, kf->content_id, CAPSA_CONTENT_ID_BYTES);
	out->threshold = kf->threshold;
	out->delegating = kf->delegating;
	out->receiving = kf->receiving;
	out->verifying = kf->verifying;
	return CAPSA_OK;
}
