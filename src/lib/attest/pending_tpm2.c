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
