/*
 * Enrollment: the EK a credential is made for, and why it is trusted (its
 * certificate from the TPM's NV memory chains to the manufacturer root the
 * operator gives, it equals an EK the operator pinned, or, with neither, it
 * is trusted on first use), then the credential round trip that proves the
 * AK lives in the same TPM. Every refusal carries a short reason name that
 * scripts and tests rely on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/attest.h>
#include <capsa/util.h>

#include "attest/tpm2/tpm2.h"

#define NV_ECC "0x01c0000a"
#define NV_RSA "0x01c00002"

static void refuse(capsa_tpm2_refusal *why, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(capsa_tpm2_refusal *why, const char *name, const char *fmt, ...)
{
	va_list ap;

	why->name = name;
	va_start(ap, fmt);
	vsnprintf(why->text, sizeof why->text, fmt, ap);
	va_end(ap);
}

/*
 * The EK certificate: the RSA 2048 one if |*rsa|, else the ECC P-256 one or,
 * when the TPM stores none, the RSA 2048 one (|*rsa| then turns true).
 */
static capsa_status read_cert(capsa_tpm2 *tpm, bool *rsa, uint8_t **der, size_t *der_len, capsa_tpm2_refusal *why)
{
	bool tried_ecc = !*rsa;
	capsa_status st = CAPSA_ERR_TPM;

	if (tried_ecc && (st = capsa_tpm2_ek_cert(tpm, false, der, der_len)) == CAPSA_OK)
		return st;
	/* Only an absent (or unreadable) ECC certificate falls back; a malformed one is refused. */
	if (st == CAPSA_ERR_TPM && (st = capsa_tpm2_ek_cert(tpm, true, der, der_len)) == CAPSA_OK) {
		*rsa = true;
		return st;
	}
	refuse(why, "ek-cert-missing", "no readable EK certificate in the TPM's NV memory at %s: %s",
	       !tried_ecc ? NV_RSA " (RSA 2048)"
	       : st == CAPSA_ERR_TPM ? NV_ECC " (ECC P-256) or " NV_RSA " (RSA 2048)"
	                             : NV_ECC " (ECC P-256)",
	       capsa_status_str(st));
	return st;
}

/* Names a failed capsa_tpm2_ek_cert_verify (|detail| is its reason). */
static void name_chain_failure(capsa_status st, const char *detail, int64_t at, capsa_tpm2_refusal *why)
{
	time_t t = (time_t)at;
	struct tm tm;
	char when[32] = "?";

	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (st == CAPSA_ERR_CERT && (strstr(detail, "expired") != NULL || strstr(detail, "not yet valid") != NULL))
		refuse(why, "ek-cert-expired",
		       "the EK certificate chain is not valid at %s (expired or not yet valid): %s", when, detail);
	else if (st == CAPSA_ERR_CERT)
		refuse(why, "ek-cert-chain",
		       "the EK certificate does not chain to the given root (wrong root or missing intermediate): %s",
		       detail);
	else if (st == CAPSA_ERR_MISMATCH || st == CAPSA_ERR_KEY)
		refuse(why, "ek-cert-mismatch", "the EK certificate is for another EK than the TPM's: %s", detail);
	else
		refuse(why, "ek-cert-malformed", "the EK certificate or a CA certificate is malformed: %s%s%s",
		       capsa_status_str(st), detail[0] ? ": " : "", detail);
}

/* The EK public of the type |ek->rsa| names. */
static capsa_status read_ek_public(capsa_tpm2 *tpm, capsa_tpm2_ek *ek, capsa_tpm2_refusal *why)
{
	capsa_status st = ek->rsa ? capsa_tpm2_ek_rsa_public(tpm, &ek->pub, &ek->pub_len)
	                          : capsa_tpm2_ek_public(tpm, &ek->pub, &ek->pub_len);

	if (st != CAPSA_OK)
		refuse(why, "tpm", "reading the %s EK: %s", ek->rsa ? "RSA 2048" : "ECC P-256", capsa_status_str(st));
	return st;
}

/* The certificate path: read it, take the EK of its type, and check the chain and the key. */
static capsa_status ek_by_cert(capsa_tpm2 *tpm, const capsa_tpm2_ek_trust *t, capsa_tpm2_ek *ek,
                               capsa_tpm2_refusal *why)
{
	char detail[256];
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	capsa_status st;

	if ((st = read_cert(tpm, &ek->rsa, &cert, &cert_len, why)) != CAPSA_OK)
		return st;
	if ((st = read_ek_public(tpm, ek, why)) != CAPSA_OK)
		goto out;
	st = capsa_tpm2_ek_cert_verify(ek->pub, ek->pub_len, cert, cert_len, t->inter, t->inter_len, t->num_inter,
	                               t->root, t->root_len, t->at, detail, sizeof detail);
	if (st != CAPSA_OK)
		name_chain_failure(st, detail, t->at, why);
	ek->certified = st == CAPSA_OK;
out:
	free(cert);
	return st;
}

/* The EK the operator pinned must be exactly the EK in use. */
static capsa_status check_pinned(const capsa_tpm2_ek_trust *t, const capsa_tpm2_ek *ek, capsa_tpm2_refusal *why)
{
	if (t->pinned_len == ek->pub_len && memcmp(t->pinned, ek->pub, ek->pub_len) == 0)
		return CAPSA_OK;
	refuse(why, "ek-pinned-mismatch", "the TPM's %s EK is not the pinned one: %s", ek->rsa ? "RSA 2048" : "ECC P-256",
	       capsa_status_str(CAPSA_ERR_MISMATCH));
	return CAPSA_ERR_MISMATCH;
}

capsa_status capsa_tpm2_ek_establish(capsa_tpm2 *tpm, const capsa_tpm2_ek_trust *trust, capsa_tpm2_ek *ek,
                                     capsa_tpm2_refusal *why)
{
	capsa_status st;

	memset(ek, 0, sizeof *ek);
	why->name = NULL, why->text[0] = '\0';
	if (trust->num_inter > CAPSA_TPM2_MAX_EK_CHAIN || (trust->num_inter > 0 && trust->root == NULL)) {
		refuse(why, "ek-cert-chain", "at most %d intermediates, and only with a root", CAPSA_TPM2_MAX_EK_CHAIN);
		return CAPSA_ERR_ARG;
	}
	ek->rsa = trust->rsa;
	if (trust->root != NULL)
		st = ek_by_cert(tpm, trust, ek, why);
	else
		st = read_ek_public(tpm, ek, why);
	if (st == CAPSA_OK && trust->pinned != NULL)
		st = check_pinned(trust, ek, why);
	ek->pinned = st == CAPSA_OK && trust->pinned != NULL;
	return st;
}

void capsa_tpm2_ek_free(capsa_tpm2_ek *ek)
{
	free(ek->pub);
	ek->pub = NULL, ek->pub_len = 0;
}

/* The credential round trip: CAPSA_OK only if the TPM gave back exactly the secret sent. */
static capsa_status activate(capsa_tpm2 *tpm, const capsa_tpm2_ek *ek, uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	uint8_t secret[32], back[CAPSA_TPM2_DIGEST_BYTES], *ak = NULL, *id = NULL, *enc = NULL;
	size_t back_len = 0, ak_len = 0, id_len = 0, enc_len = 0;
	capsa_status st;

	if ((st = capsa_tpm2_ak_public(tpm, &ak, &ak_len)) != CAPSA_OK ||
	    (st = capsa_random(secret, sizeof secret)) != CAPSA_OK ||
	    (st = capsa_tpm2_make_credential(ek->pub, ek->pub_len, ak, ak_len, secret, sizeof secret, &id, &id_len,
	                                     &enc, &enc_len)) != CAPSA_OK ||
	    (st = capsa_tpm2_activate_credential(tpm, id, id_len, enc, enc_len, back, &back_len)) != CAPSA_OK)
		goto out;
	if (back_len != sizeof secret || !capsa_ct_equal(back, secret, sizeof secret))
		st = CAPSA_ERR_MISMATCH;
	else
		st = capsa_tpm2_ak_name(name, ak, ak_len);
out:
	capsa_wipe(secret, sizeof secret);
	capsa_wipe(back, sizeof back);
	free(ak), free(id), free(enc);
	return st;
}

capsa_status capsa_tpm2_enroll_ak(capsa_tpm2 *tpm, const capsa_tpm2_ek *ek, uint8_t name[CAPSA_TPM2_NAME_BYTES],
                                  capsa_tpm2_refusal *why)
{
	capsa_status st = activate(tpm, ek, name);

	why->name = NULL, why->text[0] = '\0';
	if (st != CAPSA_OK)
		refuse(why, "credential", "the AK is not proven to be in the EK's TPM: %s", capsa_status_str(st));
	return st;
}
