/* The HPKE key schedule and encryption context (RFC 9180 sections 5.1-5.3). */
#include <string.h>

#include "hpke/hpke.h"
#include "hpke/kem.h"
#include "hpke/labeled.h"

/* A fresh ephemeral key comes from this much random input keying material. */
#define EPHEMERAL_IKM_BYTES 32

uint16_t capsa_hpke_aead_id(capsa_aead_alg alg)
{
	switch (alg) {
	case CAPSA_AEAD_AES_256_GCM: return CAPSA_HPKE_AEAD_AES_256_GCM;
	case CAPSA_AEAD_CHACHA20_POLY1305: return CAPSA_HPKE_AEAD_CHACHA20_POLY1305;
	}
	return 0;
}

capsa_status capsa_hpke_aead_from_id(capsa_aead_alg *out, uint16_t aead_id)
{
	switch (aead_id) {
	case CAPSA_HPKE_AEAD_AES_256_GCM: *out = CAPSA_AEAD_AES_256_GCM; return CAPSA_OK;
	case CAPSA_HPKE_AEAD_CHACHA20_POLY1305: *out = CAPSA_AEAD_CHACHA20_POLY1305; return CAPSA_OK;
	}
	return CAPSA_ERR_UNSUPPORTED;
}

/* VerifyPSKInputs: base mode has no PSK; PSK mode needs both a PSK and its id. */
static capsa_status check_psk(const capsa_hpke_psk *psk)
{
	if (psk == NULL)
		return CAPSA_OK;
	if (psk->psk == NULL || psk->psk_len == 0 || psk->psk_id == NULL || psk->psk_id_len == 0)
		return CAPSA_ERR_ARG;
	return CAPSA_OK;
}

/* key_schedule_context = mode || psk_id_hash || info_hash. */
static capsa_status schedule_context(uint8_t ksc[1 + 2 * CAPSA_SHA256_BYTES], const hpke_suite *suite,
                                     const uint8_t *info, size_t info_len, const capsa_hpke_psk *psk)
{
	capsa_status st;

	ksc[0] = psk ? CAPSA_HPKE_MODE_PSK : CAPSA_HPKE_MODE_BASE;
	st = hpke_labeled_extract(ksc + 1, suite, NULL, 0, "psk_id_hash", psk ? psk->psk_id : NULL,
	                          psk ? psk->psk_id_len : 0);
	if (st == CAPSA_OK)
		st = hpke_labeled_extract(ksc + 1 + CAPSA_SHA256_BYTES, suite, NULL, 0, "info_hash", info, info_len);
	return st;
}

/* KeySchedule: fills key, base_nonce, exporter_secret and the AEAD of |ctx|. */
static capsa_status key_schedule(capsa_hpke_ctx *ctx, const uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES],
                                 const uint8_t *info, size_t info_len, const capsa_hpke_psk *psk)
{
	uint8_t ksc[1 + 2 * CAPSA_SHA256_BYTES], secret[CAPSA_SHA256_BYTES];
	hpke_suite suite;
	capsa_status st;

	hpke_suite_full(&suite, capsa_hpke_aead_id(ctx->alg));
	st = schedule_context(ksc, &suite, info, info_len, psk);
	if (st == CAPSA_OK)
		st = hpke_labeled_extract(secret, &suite, shared_secret, HPKE_SHARED_SECRET_BYTES, "secret",
		                          psk ? psk->psk : NULL, psk ? psk->psk_len : 0);
	if (st == CAPSA_OK)
		st = hpke_labeled_expand(ctx->key, sizeof ctx->key, &suite, secret, "key", ksc, sizeof ksc);
	if (st == CAPSA_OK)
		st = hpke_labeled_expand(ctx->base_nonce, sizeof ctx->base_nonce, &suite, secret, "base_nonce", ksc,
		                         sizeof ksc);
	if (st == CAPSA_OK)
		st = hpke_labeled_expand(ctx->exporter_secret, sizeof ctx->exporter_secret, &suite, secret, "exp",
		                         ksc, sizeof ksc);
	if (st == CAPSA_OK)
		st = capsa_aead_new(&ctx->aead, ctx->alg, ctx->key);
	capsa_wipe(secret, sizeof secret);
	return st;
}

/* Puts |ctx| in its zero state and checks the choices common to both sides. */
static capsa_status setup_begin(capsa_hpke_ctx *ctx, capsa_aead_alg alg, const capsa_hpke_psk *psk)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->alg = alg;
	if (capsa_hpke_aead_id(alg) == 0)
		return CAPSA_ERR_UNSUPPORTED;
	return check_psk(psk);
}

capsa_status capsa_hpke_setup_sender_derand(capsa_hpke_ctx *ctx, uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                            capsa_aead_alg alg, const uint8_t *ikm_e, size_t ikm_e_len,
                                            const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                            const uint8_t *info, size_t info_len, const capsa_hpke_psk *psk)
{
	uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES];
	capsa_status st;

	memset(enc, 0, CAPSA_HPKE_ENCBYTES);
	st = setup_begin(ctx, alg, psk);
	if (st == CAPSA_OK)
		st = hpke_kem_encap_derand(shared_secret, enc, ikm_e, ikm_e_len, pk_r);
	if (st == CAPSA_OK)
		st = key_schedule(ctx, shared_secret, info, info_len, psk);
	capsa_wipe(shared_secret, sizeof shared_secret);
	if (st != CAPSA_OK) {
		capsa_hpke_ctx_cleanup(ctx);
		memset(enc, 0, CAPSA_HPKE_ENCBYTES);
	}
	return st;
}

capsa_status capsa_hpke_setup_sender(capsa_hpke_ctx *ctx, uint8_t enc[CAPSA_HPKE_ENCBYTES], capsa_aead_alg alg,
                                     const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                     const uint8_t *info, size_t info_len, const capsa_hpke_psk *psk)
{
	uint8_t ikm_e[EPHEMERAL_IKM_BYTES];
	capsa_status st;

	memset(ctx, 0, sizeof *ctx);
	memset(enc, 0, CAPSA_HPKE_ENCBYTES);
	st = capsa_random(ikm_e, sizeof ikm_e);
	if (st == CAPSA_OK)
		st = capsa_hpke_setup_sender_derand(ctx, enc, alg, ikm_e, sizeof ikm_e, pk_r, info, info_len, psk);
	capsa_wipe(ikm_e, sizeof ikm_e);
	return st;
}

capsa_status capsa_hpke_setup_recipient(capsa_hpke_ctx *ctx, capsa_aead_alg alg,
                                        const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                        const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES],
                                        const uint8_t *info, size_t info_len, const capsa_hpke_psk *psk)
{
	uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES];
	capsa_status st;

	st = setup_begin(ctx, alg, psk);
	if (st == CAPSA_OK)
		st = hpke_kem_decap(shared_secret, enc, sk_r);
	if (st == CAPSA_OK)
		st = key_schedule(ctx, shared_secret, info, info_len, psk);
	capsa_wipe(shared_secret, sizeof shared_secret);
	if (st != CAPSA_OK)
		capsa_hpke_ctx_cleanup(ctx);
	return st;
}

/*
 * ComputeNonce: base_nonce XOR I2OSP(seq, 12). The RFC's limit is 2^96 - 1
 * messages; a 64-bit counter stops earlier, at 2^64 - 1, which no caller
 * can reach but which is still checked.
 */
static capsa_status next_nonce(const capsa_hpke_ctx *ctx, uint8_t nonce[CAPSA_AEAD_NONCEBYTES])
{
	if (ctx->aead == NULL)
		return CAPSA_ERR_ARG;
	if (ctx->seq == UINT64_MAX)
		return CAPSA_ERR_RANGE;
	memcpy(nonce, ctx->base_nonce, CAPSA_AEAD_NONCEBYTES);
	for (int i = 0; i < 8; i++)
		nonce[CAPSA_AEAD_NONCEBYTES - 1 - i] ^= (uint8_t)(ctx->seq >> (8 * i));
	return CAPSA_OK;
}

capsa_status capsa_hpke_seal(capsa_hpke_ctx *ctx, uint8_t *out, const uint8_t *aad, size_t aad_len,
                             const uint8_t *pt, size_t pt_len)
{
	uint8_t nonce[CAPSA_AEAD_NONCEBYTES];
	capsa_status st = next_nonce(ctx, nonce);

	if (st == CAPSA_OK)
		st = capsa_aead_seal(ctx->aead, out, nonce, aad, aad_len, pt, pt_len);
	if (st == CAPSA_OK)
		ctx->seq++;
	return st;
}

capsa_status capsa_hpke_open(capsa_hpke_ctx *ctx, uint8_t *out, const uint8_t *aad, size_t aad_len,
                             const uint8_t *ct, size_t ct_len)
{
	uint8_t nonce[CAPSA_AEAD_NONCEBYTES];
	capsa_status st;

	if (ct_len < CAPSA_HPKE_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	st = next_nonce(ctx, nonce);
	if (st == CAPSA_OK)
		st = capsa_aead_open(ctx->aead, out, nonce, aad, aad_len, ct, ct_len);
	if (st == CAPSA_OK)
		ctx->seq++;
	else if (ct_len > CAPSA_HPKE_TAGBYTES)
		capsa_wipe(out, ct_len - CAPSA_HPKE_TAGBYTES);
	return st;
}

capsa_status capsa_hpke_export(const capsa_hpke_ctx *ctx, uint8_t *out, size_t out_len,
                               const uint8_t *exporter_context, size_t exporter_context_len)
{
	hpke_suite suite;

	if (ctx->aead == NULL || out_len == 0 || out_len > 255 * CAPSA_SHA256_BYTES)
		return CAPSA_ERR_ARG;
	hpke_suite_full(&suite, capsa_hpke_aead_id(ctx->alg));
	return hpke_labeled_expand(out, out_len, &suite, ctx->exporter_secret, "sec", exporter_context,
	                           exporter_context_len);
}

void capsa_hpke_ctx_cleanup(capsa_hpke_ctx *ctx)
{
	capsa_aead_free(ctx->aead);
	capsa_wipe(ctx, sizeof *ctx);
}
