/*
 * attest/tpm2/esys.h - what the attester files share: the TPM connection,
 * the key templates, and the few ESYS helpers every operation needs.
 */
#ifndef CAPSA_ATTEST_TPM2_ESYS_H
#define CAPSA_ATTEST_TPM2_ESYS_H

#include <tss2/tss2_esys.h>

#include "attest/tpm2/tpm2.h"

struct capsa_tpm2 {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

typedef enum capsa_tpm2_key {
	CAPSA_TPM2_EK,  /* TCG default ECC P-256 EK (template L-2), endorsement hierarchy */
	CAPSA_TPM2_EK_RSA, /* TCG default RSA 2048 EK (template L-1), endorsement hierarchy */
	CAPSA_TPM2_AK,  /* ECC P-256 restricted ECDSA-SHA256 signing key, endorsement hierarchy */
	CAPSA_TPM2_SRK, /* ECC P-256 storage root key, owner hierarchy */
} capsa_tpm2_key;

/*
 * capsa_tpm2_load_primary creates (re-derives) the primary key |which| into a
 * transient slot; the caller flushes |*handle| with capsa_tpm2_flush. If
 * |pub| is not NULL it receives the public area (Esys_Free).
 */
capsa_status capsa_tpm2_load_primary(capsa_tpm2 *tpm, capsa_tpm2_key which, ESYS_TR *handle,
                                     TPM2B_PUBLIC **pub) CAPSA_MUST_CHECK;

/* capsa_tpm2_flush frees a transient object or session; ESYS_TR_NONE is a no-op. */
void capsa_tpm2_flush(capsa_tpm2 *tpm, ESYS_TR *handle);

/* Starts a trial policy session (SHA-256) to compute a policy digest. */
capsa_status capsa_tpm2_trial_session(capsa_tpm2 *tpm, ESYS_TR *session) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_secure_session starts a session of |type| (TPM2_SE_HMAC or
 * TPM2_SE_POLICY) salted with the loaded storage key |salt_key| and with
 * AES-128-CFB parameter encryption in the direction(s) of |crypt|
 * (TPMA_SESSION_DECRYPT: the command's first parameter, TPMA_SESSION_ENCRYPT:
 * the response's). Secrets then never cross the TPM's bus in the clear, and
 * the salt keeps the session key from anyone who only watched the bus.
 */
capsa_status capsa_tpm2_secure_session(capsa_tpm2 *tpm, TPM2_SE type, ESYS_TR salt_key, TPMA_SESSION crypt,
                                       ESYS_TR *session) CAPSA_MUST_CHECK;

/* A SHA-256-bank selection of the single PCR |pcr|. */
void capsa_tpm2_select_pcr(TPML_PCR_SELECTION *sel, unsigned pcr);

/* True if |rc| is the TPM's TPM_RC_POLICY_FAIL (for whichever session). */
bool capsa_tpm2_rc_policy_fail(TSS2_RC rc);

#endif
