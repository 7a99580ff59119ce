/*
 * Placeholders for the tpm2 backend until tpm2*.c land: everything fails
 * with CAPSA_ERR_UNSUPPORTED. Delete this file when they do (the shared
 * library then fails to link with duplicate symbols, which is the reminder).
 */
#include "attest/tpm2.h"
#include "attest/verifier.h"

capsa_status capsa_tpm2_verify(const capsa_tpm2_evidence *ev, const capsa_tpm2_trust *trust,
                               const capsa_attest_expect *expect, capsa_attest_result *res)
{
	(void)ev, (void)trust, (void)expect;
	res->platform = CAPSA_PLATFORM_TPM2;
	capsa_attest_check_add(res, "tpm2-verifier", false, "not built into this capsa");
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_open(capsa_tpm2 **out, const char *tcti)
{
	(void)tcti;
	*out = NULL;
	return CAPSA_ERR_UNSUPPORTED;
}

void capsa_tpm2_close(capsa_tpm2 *tpm) { (void)tpm; }

capsa_status capsa_tpm2_pcr_reset(capsa_tpm2 *tpm, unsigned pcr)
{
	(void)tpm, (void)pcr;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_pcr_extend(capsa_tpm2 *tpm, unsigned pcr, const uint8_t digest[CAPSA_TPM2_DIGEST_BYTES])
{
	(void)tpm, (void)pcr, (void)digest;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_quote(capsa_tpm2 *tpm, unsigned pcr, const uint8_t qualifying[CAPSA_ATTEST_BINDING_BYTES],
                              capsa_tpm2_quote_out *out)
{
	(void)tpm, (void)pcr, (void)qualifying, (void)out;
	return CAPSA_ERR_UNSUPPORTED;
}

void capsa_tpm2_quote_free(capsa_tpm2_quote_out *q) { (void)q; }

capsa_status capsa_tpm2_ak_name(uint8_t name[CAPSA_TPM2_NAME_BYTES], const uint8_t *pub, size_t pub_len)
{
	(void)name, (void)pub, (void)pub_len;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_ek_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len)
{
	(void)tpm, *out = NULL, *out_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_ak_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len)
{
	(void)tpm, *out = NULL, *out_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_make_credential(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *ak_pub,
                                        size_t ak_pub_len, const uint8_t *secret, size_t secret_len,
                                        uint8_t **id_object, size_t *id_object_len, uint8_t **enc_secret,
                                        size_t *enc_secret_len)
{
	(void)ek_pub, (void)ek_pub_len, (void)ak_pub, (void)ak_pub_len, (void)secret, (void)secret_len;
	*id_object = NULL, *id_object_len = 0, *enc_secret = NULL, *enc_secret_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_activate_credential(capsa_tpm2 *tpm, const uint8_t *id_object, size_t id_object_len,
                                            const uint8_t *enc_secret, size_t enc_secret_len,
                                            uint8_t secret[CAPSA_TPM2_DIGEST_BYTES], size_t *secret_len)
{
	(void)tpm, (void)id_object, (void)id_object_len, (void)enc_secret, (void)enc_secret_len, (void)secret;
	*secret_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}
