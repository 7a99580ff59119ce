/* cmd_attest_ek.h - which EK `capsa attest tpm2-enroll` trusts, and why. */
#ifndef CAPSA_CMD_ATTEST_EK_H
#define CAPSA_CMD_ATTEST_EK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/tpm2/tpm2.h"
#include "cmd_attest.h"

/* What the operator trusts: a manufacturer root (and intermediates), a pinned EK, or neither. */
typedef struct attest_ek_trust {
	bool have_root;
	uint8_t *root;                                /* DER */
	size_t root_len;
	uint8_t *inter[CAPSA_TPM2_MAX_EK_CHAIN];      /* DER, from the root's side down */
	size_t inter_len[CAPSA_TPM2_MAX_EK_CHAIN];
	size_t num_inter;
	const char *pinned_path;                      /* --ek-public, or NULL */
	int64_t at;                                   /* when the chain must be valid (unix seconds) */
} attest_ek_trust;

/* The EK enrollment uses. */
typedef struct attest_ek {
	bool rsa;       /* in: --rsa-ek; out: true if the RSA 2048 EK is the one used */
	bool certified; /* its certificate chains to the root */
	bool pinned;    /* it equals the operator's --ek-public */
	uint8_t *pub;   /* TPM2B_PUBLIC */
	size_t pub_len;
} attest_ek;

/* Why the EK was refused: a stable short name and a sentence for people. */
typedef struct attest_ek_refusal {
	const char *name; /* ek-ca-file, ek-cert-missing, ek-cert-chain, ek-cert-expired, ek-cert-mismatch,
	                     ek-cert-malformed, ek-pinned-mismatch, tpm */
	char text[512];
} attest_ek_refusal;

/*
 * attest_ek_trust_init loads the root |root_path| (NULL: no certificate
 * check) and the |num_inter| intermediates, each a PEM or DER certificate
 * file. Returns CAPSA_OK, CAPSA_ERR_ARG (intermediates without a root, or
 * too many) or the failure of a file, named in |why|. Free with
 * attest_ek_trust_free, also after a failure.
 */
capsa_status attest_ek_trust_init(attest_ek_trust *t, const char *root_path, const char *const *inter_paths,
                                  size_t num_inter, attest_ek_refusal *why) CAPSA_MUST_CHECK;
void attest_ek_trust_free(attest_ek_trust *t);

/*
 * attest_ek_load picks the TPM's EK and establishes trust in it as |t|
 * says. With a root, the EK certificate comes from NV memory (the ECC P-256
 * one, or the RSA 2048 one if the TPM has no P-256 certificate or ek->rsa is
 * set) and the EK is the one of that type; it must chain to the root at
 * t->at and certify exactly that EK. A pinned EK must equal the one in use.
 * Returns CAPSA_OK, or the failing status with |why| filled. Free |ek| with
 * attest_ek_free, also after a failure.
 */
capsa_status attest_ek_load(capsa_tpm2 *tpm, const attest_ek_trust *t, attest_ek *ek,
                            attest_ek_refusal *why) CAPSA_MUST_CHECK;
void attest_ek_free(attest_ek *ek);

#endif
