/*
 * The tpm2 platform left out: built instead of the rest of attest/tpm2/ when
 * capsa is configured with CAPSA_WITH_TPM2=OFF (no tpm2-tss). Every public
 * TPM 2.0 function says so with CAPSA_ERR_UNSUPPORTED; tpm2 evidence fails
 * its "tpm2-support" check (backends.c).
 */
#include <stdio.h>
#include <string.h>

#include <capsa/attest.h>

#define WHY "capsa was built without TPM 2.0 support (CAPSA_WITH_TPM2=OFF)"

static void say(capsa_tpm2_refusal *why)
{
	why->name = "tpm";
	snprintf(why->text, sizeof why->text, "%s", WHY);
}

capsa_status capsa_tpm2_open(capsa_tpm2 **out, const char *tcti)
{
	(void)tcti;
	*out = NULL;
	return CAPSA_ERR_UNSUPPORTED;
}

void capsa_tpm2_close(capsa_tpm2 *tpm)
{
	(void)tpm;
}

capsa_status capsa_tpm2_ak_name(uint8_t name[CAPSA_TPM2_NAME_BYTES], const uint8_t *pub, size_t pub_len)
{
	(void)pub, (void)pub_len;
	memset(name, 0, CAPSA_TPM2_NAME_BYTES);
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_quote_envelope(capsa_tpm2 *tpm, const uint8_t *measurement, const uint8_t *keys,
                                       size_t keys_len, const uint8_t *nonce, size_t nonce_len, uint8_t **out,
                                       size_t *out_len, uint8_t ak_name[CAPSA_TPM2_NAME_BYTES])
{
	(void)tpm, (void)measurement, (void)keys, (void)keys_len, (void)nonce, (void)nonce_len;
	*out = NULL, *out_len = 0;
	memset(ak_name, 0, CAPSA_TPM2_NAME_BYTES);
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_ek_establish(capsa_tpm2 *tpm, const capsa_tpm2_ek_trust *trust, capsa_tpm2_ek *ek,
                                     capsa_tpm2_refusal *why)
{
	(void)tpm, (void)trust;
	memset(ek, 0, sizeof *ek);
	say(why);
	return CAPSA_ERR_UNSUPPORTED;
}

void capsa_tpm2_ek_free(capsa_tpm2_ek *ek)
{
	ek->pub = NULL, ek->pub_len = 0;
}

capsa_status capsa_tpm2_enroll_ak(capsa_tpm2 *tpm, const capsa_tpm2_ek *ek, uint8_t name[CAPSA_TPM2_NAME_BYTES],
                                  capsa_tpm2_refusal *why)
{
	(void)tpm, (void)ek;
	memset(name, 0, CAPSA_TPM2_NAME_BYTES);
	say(why);
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_measure(capsa_tpm2 *tpm, const uint8_t measurement[CAPSA_TPM2_DIGEST_BYTES])
{
	(void)tpm, (void)measurement;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_seal_secret(capsa_tpm2 *tpm, const uint8_t *secret, size_t secret_len, uint8_t **blob,
                                    size_t *blob_len)
{
	(void)tpm, (void)secret, (void)secret_len;
	*blob = NULL, *blob_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}

capsa_status capsa_tpm2_unseal_secret(capsa_tpm2 *tpm, const uint8_t *blob, size_t blob_len, uint8_t secret[128],
                                      size_t *secret_len)
{
	(void)tpm, (void)blob, (void)blob_len, (void)secret;
	*secret_len = 0;
	return CAPSA_ERR_UNSUPPORTED;
}
