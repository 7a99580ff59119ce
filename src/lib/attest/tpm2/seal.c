/*
 * Secrets sealed to a PCR: a keyed-hash object under the SRK whose only
 * authorisation is PolicyPCR over one SHA-256-bank PCR (userWithAuth clear,
 * so knowing the empty auth value does not help). The blob is
 * u8 pcr || TPM2B_PRIVATE || TPM2B_PUBLIC. The secret crosses the bus only
 * encrypted: Create and Unseal run in sessions salted with the SRK and with
 * parameter encryption.
 */
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "attest/tpm2/esys.h"
#include "crypto/crypto.h"

#define MAX_SECRET 128
#define MAX_PCR 23

/* Runs PolicyPCR on |session|; |value| NULL lets the TPM use the PCR's current value. */
static capsa_status policy_pcr(capsa_tpm2 *tpm, ESYS_TR session, unsigned pcr, const uint8_t *value)
{
	TPML_PCR_SELECTION sel;
	TPM2B_DIGEST digest = {0};

	capsa_tpm2_select_pcr(&sel, pcr);
	if (value != NULL) {
		/* The policy's pcrDigest is the hash of the selected PCR values. */
		digest.size = CAPSA_TPM2_DIGEST_BYTES;
		if (capsa_sha256(digest.buffer, value, CAPSA_TPM2_DIGEST_BYTES) != CAPSA_OK)
			return CAPSA_ERR_INTERNAL;
	}
	return Esys_PolicyPCR(tpm->esys, session, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &digest, &sel) ==
	                       TSS2_RC_SUCCESS
	               ? CAPSA_OK
	               : CAPSA_ERR_TPM;
}

/* Computes the authPolicy of a PolicyPCR-sealed object with a trial session. */
static capsa_status pcr_policy_digest(capsa_tpm2 *tpm, unsigned pcr, const uint8_t *value, TPM2B_DIGEST *out)
{
	ESYS_TR trial = ESYS_TR_NONE;
	TPM2B_DIGEST *d = NULL;
	capsa_status st;

	if ((st = capsa_tpm2_trial_session(tpm, &trial)) != CAPSA_OK)
		return st;
	if ((st = policy_pcr(tpm, trial, pcr, value)) == CAPSA_OK) {
		st = CAPSA_ERR_TPM;
		if (Esys_PolicyGetDigest(tpm->esys, trial, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &d) ==
		    TSS2_RC_SUCCESS) {
			*out = *d;
			st = CAPSA_OK;
		}
	}
	Esys_Free(d);
	capsa_tpm2_flush(tpm, &trial);
	return st;
}

static void sealed_template(TPM2B_PUBLIC *t, const TPM2B_DIGEST *policy)
{
	memset(t, 0, sizeof *t);
	t->publicArea.type = TPM2_ALG_KEYEDHASH;
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
	t->publicArea.authPolicy = *policy;
	t->publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
}

static capsa_status marshal_blob(uint8_t **blob, size_t *blob_len, unsigned pcr, const TPM2B_PRIVATE *priv,
                                 const TPM2B_PUBLIC *pub)
{
	uint8_t buf[1 + sizeof(TPM2B_PRIVATE) + sizeof(TPM2B_PUBLIC)];
	size_t off = 1;

	buf[0] = (uint8_t)pcr;
	if (Tss2_MU_TPM2B_PRIVATE_Marshal(priv, buf, sizeof buf, &off) != TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof buf, &off) != TSS2_RC_SUCCESS)
		return CAPSA_ERR_INTERNAL;
	if ((*blob = malloc(off)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(*blob, buf, *blob_len = off);
	return CAPSA_OK;
}

capsa_status capsa_tpm2_seal(capsa_tpm2 *tpm, unsigned pcr, const uint8_t *pcr_value, const uint8_t *secret,
                             size_t secret_len, uint8_t **blob, size_t *blob_len)
{
	TPM2B_SENSITIVE_CREATE sens = {0};
	TPM2B_PUBLIC tmpl, *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_DATA outside = {0};
	TPML_PCR_SELECTION none = {0};
	TPM2B_DIGEST policy;
	ESYS_TR srk = ESYS_TR_NONE, session = ESYS_TR_NONE;
	capsa_status st;

	*blob = NULL;
	*blob_len = 0;
	if (pcr > MAX_PCR || secret == NULL || secret_len == 0 || secret_len > MAX_SECRET)
		return CAPSA_ERR_ARG;
	sens.sensitive.data.size = (UINT16)secret_len;
	memcpy(sens.sensitive.data.buffer, secret, secret_len);
	if ((st = pcr_policy_digest(tpm, pcr, pcr_value, &policy)) != CAPSA_OK ||
	    (st = capsa_tpm2_load_primary(tpm, CAPSA_TPM2_SRK, &srk, NULL)) != CAPSA_OK ||
	    (st = capsa_tpm2_secure_session(tpm, TPM2_SE_HMAC, srk, TPMA_SESSION_DECRYPT, &session)) != CAPSA_OK)
		goto out;
	sealed_template(&tmpl, &policy);
	st = CAPSA_ERR_TPM;
	if (Esys_Create(tpm->esys, srk, session, ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &none, &priv, &pub,
	                NULL, NULL, NULL) != TSS2_RC_SUCCESS)
		goto out;
	st = marshal_blob(blob, blob_len, pcr, priv, pub);
out:
	capsa_wipe(&sens, sizeof sens);
	capsa_tpm2_flush(tpm, &session);
	capsa_tpm2_flush(tpm, &srk);
	Esys_Free(priv);
	Esys_Free(pub);
	return st;
}

static capsa_status parse_blob(const uint8_t *blob, size_t blob_len, unsigned *pcr, TPM2B_PRIVATE *priv,
                               TPM2B_PUBLIC *pub)
{
	size_t off = 1;

	memset(priv, 0, sizeof *priv);
	memset(pub, 0, sizeof *pub);
	if (blob_len < 1 || blob[0] > MAX_PCR)
		return CAPSA_ERR_DECODE;
	*pcr = blob[0];
	if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(blob, blob_len, &off, priv) != TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_PUBLIC_Unmarshal(blob, blob_len, &off, pub) != TSS2_RC_SUCCESS || off != blob_len)
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

/* Unseals the loaded |obj| through a fresh PolicyPCR session salted with |srk|, which it then flushes. */
static capsa_status unseal_loaded(capsa_tpm2 *tpm, ESYS_TR *srk, ESYS_TR obj, unsigned pcr, uint8_t *secret,
                                  size_t *secret_len)
{
	ESYS_TR session = ESYS_TR_NONE;
	TPM2B_SENSITIVE_DATA *data = NULL;
	capsa_status st;
	TSS2_RC rc;

	st = capsa_tpm2_secure_session(tpm, TPM2_SE_POLICY, *srk, TPMA_SESSION_ENCRYPT, &session);
	capsa_tpm2_flush(tpm, srk); /* the salt is set: free the slot */
	if (st != CAPSA_OK || (st = policy_pcr(tpm, session, pcr, NULL)) != CAPSA_OK)
		goto out;
	rc = Esys_Unseal(tpm->esys, obj, session, ESYS_TR_NONE, ESYS_TR_NONE, &data);
	if (rc != TSS2_RC_SUCCESS) {
		st = capsa_tpm2_rc_policy_fail(rc) ? CAPSA_ERR_POLICY : CAPSA_ERR_TPM;
		goto out;
	}
	st = CAPSA_ERR_TPM;
	if (data->size == 0 || data->size > MAX_SECRET)
		goto out;
	memcpy(secret, data->buffer, *secret_len = data->size);
	st = CAPSA_OK;
out:
	if (data != NULL)
		capsa_wipe(data, sizeof *data);
	Esys_Free(data);
	capsa_tpm2_flush(tpm, &session);
	return st;
}

capsa_status capsa_tpm2_unseal(capsa_tpm2 *tpm, const uint8_t *blob, size_t blob_len, uint8_t secret[MAX_SECRET],
                               size_t *secret_len)
{
	TPM2B_PRIVATE priv;
	TPM2B_PUBLIC pub;
	ESYS_TR srk = ESYS_TR_NONE, obj = ESYS_TR_NONE;
	unsigned pcr;
	capsa_status st;

	*secret_len = 0;
	if ((st = parse_blob(blob, blob_len, &pcr, &priv, &pub)) != CAPSA_OK)
		return st;
	if ((st = capsa_tpm2_load_primary(tpm, CAPSA_TPM2_SRK, &srk, NULL)) != CAPSA_OK)
		return st;
	st = CAPSA_ERR_TPM;
	if (Esys_Load(tpm->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &priv, &pub, &obj) ==
	    TSS2_RC_SUCCESS)
		st = unseal_loaded(tpm, &srk, obj, pcr, secret, secret_len);
	capsa_tpm2_flush(tpm, &obj);
	capsa_tpm2_flush(tpm, &srk);
	return st;
}
