/* The attester's PCR operations, quotes and credential activation. */
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "attest/tpm2/esys.h"
#include "crypto/crypto.h"

#define MAX_PCR 23

capsa_status capsa_tpm2_pcr_reset(capsa_tpm2 *tpm, unsigned pcr)
{
	if (pcr > MAX_PCR)
		return CAPSA_ERR_ARG;
	return Esys_PCR_Reset(tpm->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE) ==
	                       TSS2_RC_SUCCESS
	               ? CAPSA_OK
	               : CAPSA_ERR_TPM;
}

capsa_status capsa_tpm2_pcr_extend(capsa_tpm2 *tpm, unsigned pcr, const uint8_t digest[CAPSA_TPM2_DIGEST_BYTES])
{
	TPML_DIGEST_VALUES values = {.count = 1};

	if (pcr > MAX_PCR)
		return CAPSA_ERR_ARG;
	values.digests[0].hashAlg = TPM2_ALG_SHA256;
	memcpy(values.digests[0].digest.sha256, digest, CAPSA_TPM2_DIGEST_BYTES);
	return Esys_PCR_Extend(tpm->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
	                       &values) == TSS2_RC_SUCCESS
	               ? CAPSA_OK
	               : CAPSA_ERR_TPM;
}

capsa_status capsa_tpm2_pcr_read(capsa_tpm2 *tpm, unsigned pcr, uint8_t value[CAPSA_TPM2_DIGEST_BYTES])
{
	TPML_PCR_SELECTION sel, *sel_out = NULL;
	TPML_DIGEST *values = NULL;
	UINT32 counter;
	capsa_status st = CAPSA_ERR_TPM;

	if (pcr > MAX_PCR)
		return CAPSA_ERR_ARG;
	capsa_tpm2_select_pcr(&sel, pcr);
	if (Esys_PCR_Read(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &counter, &sel_out, &values) ==
	            TSS2_RC_SUCCESS &&
	    values->count == 1 && values->digests[0].size == CAPSA_TPM2_DIGEST_BYTES) {
		memcpy(value, values->digests[0].buffer, CAPSA_TPM2_DIGEST_BYTES);
		st = CAPSA_OK;
	}
	Esys_Free(sel_out);
	Esys_Free(values);
	return st;
}

/* Copies |len| bytes into a fresh allocation. */
static capsa_status dup_bytes(uint8_t **out, size_t *out_len, const uint8_t *src, size_t len)
{
	if ((*out = malloc(len ? len : 1)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(*out, src, len);
	*out_len = len;
	return CAPSA_OK;
}

/* Marshals the quote's outputs into |out|'s owned buffers. */
static capsa_status quote_outputs(capsa_tpm2_quote_out *out, const TPM2B_ATTEST *quoted, const TPMT_SIGNATURE *sig)
{
	uint8_t buf[sizeof(TPMT_SIGNATURE)];
	size_t off = 0;
	capsa_status st;

	if ((st = dup_bytes(&out->attest, &out->attest_len, quoted->attestationData, quoted->size)) != CAPSA_OK)
		return st;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof buf, &off) != TSS2_RC_SUCCESS)
		return CAPSA_ERR_INTERNAL;
	return dup_bytes(&out->signature, &out->signature_len, buf, off);
}

capsa_status capsa_tpm2_quote(capsa_tpm2 *tpm, unsigned pcr, const uint8_t qualifying[CAPSA_ATTEST_BINDING_BYTES],
                              capsa_tpm2_quote_out *out)
{
	TPM2B_DATA qdata = {.size = CAPSA_ATTEST_BINDING_BYTES};
	TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL}; /* the AK's own: ECDSA-SHA256 */
	TPML_PCR_SELECTION sel;
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	ESYS_TR ak = ESYS_TR_NONE;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if (pcr > MAX_PCR)
		return CAPSA_ERR_ARG;
	out->pcr = pcr;
	memcpy(qdata.buffer, qualifying, CAPSA_ATTEST_BINDING_BYTES);
	capsa_tpm2_select_pcr(&sel, pcr);
	if ((st = capsa_tpm2_ak_public(tpm, &out->ak_public, &out->ak_public_len)) != CAPSA_OK ||
	    (st = capsa_tpm2_load_primary(tpm, CAPSA_TPM2_AK, &ak, NULL)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_TPM;
	if (Esys_Quote(tpm->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qdata, &scheme, &sel, &quoted,
	               &sig) != TSS2_RC_SUCCESS)
		goto out;
	capsa_tpm2_flush(tpm, &ak);
	if ((st = quote_outputs(out, quoted, sig)) != CAPSA_OK)
		goto out;
	st = capsa_tpm2_pcr_read(tpm, pcr, out->pcr_value);
out:
	capsa_tpm2_flush(tpm, &ak);
	Esys_Free(quoted);
	Esys_Free(sig);
	if (st != CAPSA_OK)
		capsa_tpm2_quote_free(out);
	return st;
}

void capsa_tpm2_quote_free(capsa_tpm2_quote_out *q)
{
	free(q->ak_public);
	free(q->attest);
	free(q->signature);
	memset(q, 0, sizeof *q);
}

void capsa_tpm2_quote_evidence(const capsa_tpm2_quote_out *q, capsa_tpm2_evidence *ev)
{
	ev->ak_public = q->ak_public;
	ev->ak_public_len = q->ak_public_len;
	ev->attest = q->attest;
	ev->attest_len = q->attest_len;
	ev->signature = q->signature;
	ev->signature_len = q->signature_len;
	ev->pcr_values = q->pcr_value;
	ev->pcr_values_len = sizeof q->pcr_value;
}

/*
 * The EK's authorisation: PolicySecret with the endorsement hierarchy, as its
 * template demands. The session is salted with the EK and encrypts the
 * response, so the recovered secret does not cross the bus in the clear.
 */
static capsa_status ek_policy_session(capsa_tpm2 *tpm, ESYS_TR ek, ESYS_TR *session)
{
	capsa_status st = capsa_tpm2_secure_session(tpm, TPM2_SE_POLICY, ek, TPMA_SESSION_ENCRYPT, session);

	if (st == CAPSA_OK && Esys_PolicySecret(tpm->esys, ESYS_TR_RH_ENDORSEMENT, *session, ESYS_TR_PASSWORD,
	                                        ESYS_TR_NONE, ESYS_TR_NONE, NULL, NULL, NULL, 0, NULL, NULL) !=
	                              TSS2_RC_SUCCESS) {
		capsa_tpm2_flush(tpm, session);
		st = CAPSA_ERR_TPM;
	}
	return st;
}

static capsa_status parse_credential(TPM2B_ID_OBJECT *id, TPM2B_ENCRYPTED_SECRET *sec, const uint8_t *id_object,
                                     size_t id_object_len, const uint8_t *enc_secret, size_t enc_secret_len)
{
	size_t off = 0;

	memset(id, 0, sizeof *id);
	memset(sec, 0, sizeof *sec);
	if (Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(id_object, id_object_len, &off, id) != TSS2_RC_SUCCESS ||
	    off != id_object_len)
		return CAPSA_ERR_DECODE;
	off = 0;
	if (Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(enc_secret, enc_secret_len, &off, sec) != TSS2_RC_SUCCESS ||
	    off != enc_secret_len)
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

capsa_status capsa_tpm2_activate_credential(capsa_tpm2 *tpm, const uint8_t *id_object, size_t id_object_len,
                                            const uint8_t *enc_secret, size_t enc_secret_len,
                                            uint8_t secret[CAPSA_TPM2_DIGEST_BYTES], size_t *secret_len)
{
	TPM2B_ID_OBJECT id;
	TPM2B_ENCRYPTED_SECRET sec;
	TPM2B_DIGEST *cert = NULL;
	ESYS_TR ek = ESYS_TR_NONE, ak = ESYS_TR_NONE, session = ESYS_TR_NONE;
	capsa_status st;

	*secret_len = 0;
	if ((st = parse_credential(&id, &sec, id_object, id_object_len, enc_secret, enc_secret_len)) != CAPSA_OK)
		return st;
	/* An RSA-2048 EK's encrypted secret is a 256-byte OAEP ciphertext; an ECC EK's a 68-byte point. */
	if ((st = capsa_tpm2_load_primary(tpm, sec.size == 256 ? CAPSA_TPM2_EK_RSA : CAPSA_TPM2_EK, &ek, NULL)) !=
	            CAPSA_OK ||
	    (st = capsa_tpm2_load_primary(tpm, CAPSA_TPM2_AK, &ak, NULL)) != CAPSA_OK ||
	    (st = ek_policy_session(tpm, ek, &session)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_TPM;
	if (Esys_ActivateCredential(tpm->esys, ak, ek, ESYS_TR_PASSWORD, session, ESYS_TR_NONE, &id, &sec, &cert) !=
	            TSS2_RC_SUCCESS ||
	    cert->size > CAPSA_TPM2_DIGEST_BYTES)
		goto out;
	memcpy(secret, cert->buffer, *secret_len = cert->size);
	st = CAPSA_OK;
out:
	if (cert != NULL)
		capsa_wipe(cert, sizeof *cert);
	Esys_Free(cert);
	capsa_tpm2_flush(tpm, &session);
	capsa_tpm2_flush(tpm, &ak);
	capsa_tpm2_flush(tpm, &ek);
	return st;
}
