/* tpm2 evidence in the capsa envelope: measure (optionally), quote, wrap. */
#include <capsa/attest.h>

#include "attest/tpm2/tpm2.h"

static capsa_status measure(capsa_tpm2 *tpm, const uint8_t *measurement)
{
	capsa_status st;

	if (measurement == NULL)
		return CAPSA_OK; /* the launcher measured already: quote what the PCR holds */
	if ((st = capsa_tpm2_pcr_reset(tpm, CAPSA_TPM2_PCR)) != CAPSA_OK)
		return st;
	return capsa_tpm2_pcr_extend(tpm, CAPSA_TPM2_PCR, measurement);
}

static capsa_status wrap(const capsa_tpm2_quote_out *q, const uint8_t *keys, size_t keys_len, const uint8_t *nonce,
                         size_t nonce_len, uint8_t **out, size_t *out_len)
{
	capsa_evidence env = {.platform = CAPSA_PLATFORM_TPM2};
	capsa_status st;

	env.nonce = nonce, env.nonce_len = nonce_len, env.keys = keys, env.keys_len = keys_len;
	if ((st = capsa_evidence_add(&env, CAPSA_EV_TPM2_ATTEST, q->attest, q->attest_len)) != CAPSA_OK ||
	    (st = capsa_evidence_add(&env, CAPSA_EV_TPM2_SIGNATURE, q->signature, q->signature_len)) != CAPSA_OK ||
	    (st = capsa_evidence_add(&env, CAPSA_EV_TPM2_AK_PUBLIC, q->ak_public, q->ak_public_len)) != CAPSA_OK ||
	    (st = capsa_evidence_add(&env, CAPSA_EV_TPM2_PCR_VALUE, q->pcr_value, sizeof q->pcr_value)) != CAPSA_OK)
		return st;
	return capsa_evidence_serialize(&env, out, out_len);
}

capsa_status capsa_tpm2_quote_envelope(capsa_tpm2 *tpm, const uint8_t *measurement, const uint8_t *keys,
                                       size_t keys_len, const uint8_t *nonce, size_t nonce_len, uint8_t **out,
                                       size_t *out_len, uint8_t ak_name[CAPSA_TPM2_NAME_BYTES])
{
	uint8_t binding[CAPSA_ATTEST_BINDING_BYTES];
	capsa_tpm2_quote_out q = {0};
	capsa_status st;

	*out = NULL, *out_len = 0;
	if ((st = capsa_attest_binding(binding, keys, keys_len, nonce, nonce_len)) != CAPSA_OK ||
	    (st = measure(tpm, measurement)) != CAPSA_OK ||
	    (st = capsa_tpm2_quote(tpm, CAPSA_TPM2_PCR, binding, &q)) != CAPSA_OK)
		return st;
	if ((st = capsa_tpm2_ak_name(ak_name, q.ak_public, q.ak_public_len)) == CAPSA_OK)
		st = wrap(&q, keys, keys_len, nonce, nonce_len, out, out_len);
	capsa_tpm2_quote_free(&q);
	return st;
}
