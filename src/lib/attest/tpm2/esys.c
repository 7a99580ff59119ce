/* The attester's TPM connection, key templates and shared ESYS helpers. */
#include "attest/tpm2/esys.h"

#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>
#include <tss2/tss2_tctildr.h>

/* PolicySecret(TPM_RH_ENDORSEMENT): the authPolicy of the TCG default EK templates. */
static const uint8_t ek_policy[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
	0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
};

/* The ECC P-256 fields every capsa key shares; |sym| true gives a storage key's AES-128-CFB. */
static void ecc_template(TPM2B_PUBLIC *t, TPMA_OBJECT attrs, bool sym)
{
	TPMS_ECC_PARMS *p = &t->publicArea.parameters.eccDetail;

	memset(t, 0, sizeof *t);
	t->publicArea.type = TPM2_ALG_ECC;
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes = attrs;
	p->symmetric.algorithm = sym ? TPM2_ALG_AES : TPM2_ALG_NULL;
	p->symmetric.keyBits.aes = sym ? 128 : 0;
	p->symmetric.mode.aes = sym ? TPM2_ALG_CFB : 0;
	p->scheme.scheme = TPM2_ALG_NULL;
	p->curveID = TPM2_ECC_NIST_P256;
	p->kdf.scheme = TPM2_ALG_NULL;
	/* The EK profile asks for 32 zero bytes in each coordinate of unique. */
	t->publicArea.unique.ecc.x.size = 32;
	t->publicArea.unique.ecc.y.size = 32;
}

/* TCG EK template L-1: RSA 2048, AES-128-CFB, the EK policy, a 256-byte zero modulus in unique. */
static void rsa_ek_template(TPM2B_PUBLIC *t, TPMA_OBJECT attrs)
{
	TPMS_RSA_PARMS *p = &t->publicArea.parameters.rsaDetail;

	memset(t, 0, sizeof *t);
	t->publicArea.type = TPM2_ALG_RSA;
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes = attrs;
	t->publicArea.authPolicy.size = sizeof ek_policy;
	memcpy(t->publicArea.authPolicy.buffer, ek_policy, sizeof ek_policy);
	p->symmetric.algorithm = TPM2_ALG_AES;
	p->symmetric.keyBits.aes = 128;
	p->symmetric.mode.aes = TPM2_ALG_CFB;
	p->scheme.scheme = TPM2_ALG_NULL;
	p->keyBits = 2048;
	p->exponent = 0;
	t->publicArea.unique.rsa.size = 256;
}

static void key_template(TPM2B_PUBLIC *t, capsa_tpm2_key which)
{
	const TPMA_OBJECT base = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN;

	switch (which) {
	case CAPSA_TPM2_EK:
		ecc_template(t, base | TPMA_OBJECT_ADMINWITHPOLICY | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT, true);
		t->publicArea.authPolicy.size = sizeof ek_policy;
		memcpy(t->publicArea.authPolicy.buffer, ek_policy, sizeof ek_policy);
		break;
	case CAPSA_TPM2_EK_RSA:
		rsa_ek_template(t, base | TPMA_OBJECT_ADMINWITHPOLICY | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT);
		break;
	case CAPSA_TPM2_AK:
		ecc_template(t, base | TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT,
		             false);
		t->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		t->publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		break;
	case CAPSA_TPM2_SRK:
		ecc_template(t, base | TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED |
		                        TPMA_OBJECT_DECRYPT, true);
		break;
	}
}

capsa_status capsa_tpm2_load_primary(capsa_tpm2 *tpm, capsa_tpm2_key which, ESYS_TR *handle, TPM2B_PUBLIC **pub)
{
	TPM2B_SENSITIVE_CREATE sens = {0};
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside = {0};
	TPML_PCR_SELECTION none = {0};
	ESYS_TR hier = which == CAPSA_TPM2_SRK ? ESYS_TR_RH_OWNER : ESYS_TR_RH_ENDORSEMENT;
	TSS2_RC rc;

	key_template(&tmpl, which);
	*handle = ESYS_TR_NONE;
	rc = Esys_CreatePrimary(tpm->esys, hier, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside,
	                        &none, handle, pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		*handle = ESYS_TR_NONE;
		return CAPSA_ERR_TPM;
	}
	return CAPSA_OK;
}

void capsa_tpm2_flush(capsa_tpm2 *tpm, ESYS_TR *handle)
{
	if (*handle != ESYS_TR_NONE)
		(void)Esys_FlushContext(tpm->esys, *handle);
	*handle = ESYS_TR_NONE;
}

capsa_status capsa_tpm2_trial_session(capsa_tpm2 *tpm, ESYS_TR *session)
{
	TPMT_SYM_DEF sym = {.algorithm = TPM2_ALG_NULL};
	TSS2_RC rc = Esys_StartAuthSession(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
	                                   ESYS_TR_NONE, NULL, TPM2_SE_TRIAL, &sym,
	                                   TPM2_ALG_SHA256, session);

	if (rc != TSS2_RC_SUCCESS) {
		*session = ESYS_TR_NONE;
		return CAPSA_ERR_TPM;
	}
	return CAPSA_OK;
}

capsa_status capsa_tpm2_secure_session(capsa_tpm2 *tpm, TPM2_SE type, ESYS_TR salt_key, TPMA_SESSION crypt,
                                       ESYS_TR *session)
{
	TPMT_SYM_DEF sym = {.algorithm = TPM2_ALG_AES, .keyBits = {.aes = 128}, .mode = {.aes = TPM2_ALG_CFB}};
	TPMA_SESSION attrs = TPMA_SESSION_CONTINUESESSION | crypt;

	if (Esys_StartAuthSession(tpm->esys, salt_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL,
	                          type, &sym, TPM2_ALG_SHA256, session) != TSS2_RC_SUCCESS) {
		*session = ESYS_TR_NONE;
		return CAPSA_ERR_TPM;
	}
	if (Esys_TRSess_SetAttributes(tpm->esys, *session, attrs, 0xff) != TSS2_RC_SUCCESS) {
		capsa_tpm2_flush(tpm, session);
		return CAPSA_ERR_TPM;
	}
	return CAPSA_OK;
}

void capsa_tpm2_select_pcr(TPML_PCR_SELECTION *sel, unsigned pcr)
{
	memset(sel, 0, sizeof *sel);
	sel->count = 1;
	sel->pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel->pcrSelections[0].sizeofSelect = 3;
	sel->pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
}

bool capsa_tpm2_rc_policy_fail(TSS2_RC rc)
{
	/* Format-one codes carry the session number in bits 8-11: keep the error number only. */
	rc &= 0xffff;
	return (rc & TPM2_RC_FMT1) && (rc & 0xbf) == TPM2_RC_POLICY_FAIL;
}

capsa_status capsa_tpm2_open(capsa_tpm2 **out, const char *tcti)
{
	capsa_tpm2 *tpm = calloc(1, sizeof *tpm);
	TSS2_RC rc;

	*out = NULL;
	if (tpm == NULL)
		return CAPSA_ERR_NOMEM;
	if (Tss2_TctiLdr_Initialize(tcti, &tpm->tcti) != TSS2_RC_SUCCESS ||
	    Esys_Initialize(&tpm->esys, tpm->tcti, NULL) != TSS2_RC_SUCCESS) {
		capsa_tpm2_close(tpm);
		return CAPSA_ERR_TPM;
	}
	/* A TPM that was started already answers TPM_RC_INITIALIZE: that is fine. */
	rc = Esys_Startup(tpm->esys, TPM2_SU_CLEAR);
	if (rc != TSS2_RC_SUCCESS && (rc & 0xfff) != TPM2_RC_INITIALIZE) {
		capsa_tpm2_close(tpm);
		return CAPSA_ERR_TPM;
	}
	*out = tpm;
	return CAPSA_OK;
}

void capsa_tpm2_close(capsa_tpm2 *tpm)
{
	if (tpm == NULL)
		return;
	if (tpm->esys != NULL)
		Esys_Finalize(&tpm->esys);
	if (tpm->tcti != NULL)
		Tss2_TctiLdr_Finalize(&tpm->tcti);
	free(tpm);
}

/* Marshals the public area of primary |which| as a TPM2B_PUBLIC. */
static capsa_status primary_public(capsa_tpm2 *tpm, capsa_tpm2_key which, uint8_t **out, size_t *out_len)
{
	ESYS_TR h;
	TPM2B_PUBLIC *pub = NULL;
	uint8_t buf[sizeof(TPM2B_PUBLIC)];
	size_t off = 0;
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if ((st = capsa_tpm2_load_primary(tpm, which, &h, &pub)) != CAPSA_OK)
		return st;
	capsa_tpm2_flush(tpm, &h);
	st = CAPSA_ERR_INTERNAL;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof buf, &off) == TSS2_RC_SUCCESS) {
		st = (*out = malloc(off)) != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;
		if (st == CAPSA_OK)
			memcpy(*out, buf, *out_len = off);
	}
	Esys_Free(pub);
	return st;
}

capsa_status capsa_tpm2_ek_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len)
{
	return primary_public(tpm, CAPSA_TPM2_EK, out, out_len);
}

capsa_status capsa_tpm2_ek_rsa_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len)
{
	return primary_public(tpm, CAPSA_TPM2_EK_RSA, out, out_len);
}

capsa_status capsa_tpm2_ak_public(capsa_tpm2 *tpm, uint8_t **out, size_t *out_len)
{
	return primary_public(tpm, CAPSA_TPM2_AK, out, out_len);
}
