/* What a keeper calls of the TPM: its measurement, and its identity sealed to it (capsa/attest.h). */
#include <capsa/attest.h>

#include "attest/tpm2/tpm2.h"

capsa_status capsa_tpm2_measure(capsa_tpm2 *tpm, const uint8_t measurement[CAPSA_TPM2_DIGEST_BYTES])
{
	capsa_status st = capsa_tpm2_pcr_reset(tpm, CAPSA_TPM2_PCR);

	return st == CAPSA_OK ? capsa_tpm2_pcr_extend(tpm, CAPSA_TPM2_PCR, measurement) : st;
}

capsa_status capsa_tpm2_seal_secret(capsa_tpm2 *tpm, const uint8_t *secret, size_t secret_len, uint8_t **blob,
                                    size_t *blob_len)
{
	return capsa_tpm2_seal(tpm, CAPSA_TPM2_PCR, NULL, secret, secret_len, blob, blob_len);
}

capsa_status capsa_tpm2_unseal_secret(capsa_tpm2 *tpm, const uint8_t *blob, size_t blob_len, uint8_t secret[128],
                                      size_t *secret_len)
{
	return capsa_tpm2_unseal(tpm, blob, blob_len, secret, secret_len);
}
