/*
 * The EK that `capsa attest tpm2-enroll` makes its credential for, and why it
 * is trusted: its certificate from the TPM's NV memory chains to the
 * manufacturer root the operator gives (--ek-ca), it equals an EK public the
 * operator pinned (--ek-public), or, with neither, it is trusted on first use.
 * Every refusal carries a short reason name that scripts and tests rely on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attest/core.h"
#include "cmd_attest_ek.h"
#include "wire/base64.h"

#define NV_ECC "0x01c0000a"
#define NV_RSA "0x01c00002"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

/* Where |needle| first occurs in |hay| (lengths given, no terminators), or NULL. */
static const uint8_t *find(const uint8_t *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= hay_len && i <= hay_len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* True if |p| holds only blanks and line breaks. */
static bool only_space(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* One certificate from |path|: DER, or exactly one PEM CERTIFICATE block. */
static capsa_status cert_file_bytes(const char *path, uint8_t **der, size_t *der_len)
{
	size_t begin_len = sizeof pem_begin - 1, end_len = sizeof pem_end - 1, raw_len = 0;
	const uint8_t *body, *stop;
	uint8_t *raw = NULL;
	capsa_status st;

	if ((st = attest_read_file(path, 4 * CAPSA_CERT_MAX_BYTES, &raw, &raw_len)) != CAPSA_OK)
		return st;
	if (raw_len < begin_len || memcmp(raw, pem_begin, begin_len) != 0) {
		*der = raw, *der_len = raw_len; /* DER: the chain check parses it strictly */
		return CAPSA_OK;
	}
	body = raw + begin_len;
	stop = find(body, raw_len - begin_len, pem_end);
	if (stop == NULL || !only_space(stop + end_len, (size_t)(raw + raw_len - stop - end_len)))
		st = CAPSA_ERR_DECODE; /* no end, or more than one certificate */
	else
		st = capsa_base64_decode(der, der_len, (const char *)body, (size_t)(stop - body));
	free(raw);
	return st;
}

/* cert_file_bytes, and the bytes must parse as a certificate, so a bad file is named before the TPM is asked. */
static capsa_status cert_file_der(const char *path, uint8_t **der, size_t *der_len)
{
	capsa_cert *cert = NULL;
	capsa_status st = cert_file_bytes(path, der, der_len);

	if (st == CAPSA_OK && (st = capsa_cert_parse(&cert, *der, *der_len)) != CAPSA_OK) {
		free(*der);
		*der = NULL;
	}
	capsa_cert_free(cert);
	return st;
}

static void ek_trust_release(attest_ek_trust *t)
{
	free(t->root);
	for (size_t i = 0; i < t->num_inter; i++)
		free(t->inter[i]);
	t->root = NULL, t->num_inter = 0;
}

/* Loads the root and the intermediates named on the command line. */
static capsa_status load_ca(attest_ek_trust *t, const char *root_path, const char *const *inter_paths,
                            size_t num_inter, attest_ek_refusal *why)
{
	const char *failed = root_path;
	capsa_status st = cert_file_der(root_path, &t->root, &t->root_len);

	for (size_t i = 0; i < num_inter && st == CAPSA_OK; i++) {
		if ((st = cert_file_der(inter_paths[i], &t->inter[i], &t->inter_len[i])) == CAPSA_OK)
			t->num_inter = i + 1;
		else
			failed = inter_paths[i];
	}
	if (st != CAPSA_OK) {
		why->name = "ek-ca-file";
		snprintf(why->text, sizeof why->text, "%s: %s (wanted one certificate, PEM or DER)", failed,
		         capsa_status_str(st));
	}
	return st;
}

capsa_status attest_ek_trust_init(attest_ek_trust *t, const char *root_path, const char *const *inter_paths,
                                  size_t num_inter, attest_ek_refusal *why)
{
	capsa_status st;

	memset(t, 0, sizeof *t);
	if (num_inter > CAPSA_TPM2_MAX_EK_CHAIN)
		return CAPSA_ERR_ARG;
	if (root_path == NULL)
		return num_inter == 0 ? CAPSA_OK : CAPSA_ERR_ARG;
	if ((st = load_ca(t, root_path, inter_paths, num_inter, why)) != CAPSA_OK)
		ek_trust_release(t);
	t->have_root = st == CAPSA_OK;
	return st;
}

void attest_ek_trust_free(attest_ek_trust *t)
{
	ek_trust_release(t);
}

/*
 * The EK certificate: the RSA 2048 one if |*rsa|, else the ECC P-256 one or,
 * when the TPM stores none, the RSA 2048 one (|*rsa| then turns true).
 */
static capsa_status read_cert(capsa_tpm2 *tpm, bool *rsa, uint8_t **der, size_t *der_len, attest_ek_refusal *why)
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
	why->name = "ek-cert-missing";
	snprintf(why->text, sizeof why->text, "no readable EK certificate in the TPM's NV memory at %s: %s",
	         !tried_ecc ? NV_RSA " (RSA 2048)"
	         : st == CAPSA_ERR_TPM ? NV_ECC " (ECC P-256) or " NV_RSA " (RSA 2048)"
	                               : NV_ECC " (ECC P-256)",
	         capsa_status_str(st));
	return st;
}

/* Names a failed capsa_tpm2_ek_cert_verify (|detail| is its reason). */
static void name_chain_failure(capsa_status st, const char *detail, int64_t at, attest_ek_refusal *why)
{
	time_t t = (time_t)at;
	struct tm tm;
	char when[32] = "?";

	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (st == CAPSA_ERR_CERT && (strstr(detail, "expired") != NULL || strstr(detail, "not yet valid") != NULL)) {
		why->name = "ek-cert-expired";
		snprintf(why->text, sizeof why->text, "the EK certificate chain is not valid at %s (expired or not yet valid): %s",
		         when, detail);
	} else if (st == CAPSA_ERR_CERT) {
		why->name = "ek-cert-chain";
		snprintf(why->text, sizeof why->text,
		         "the EK certificate does not chain to the given root (wrong root or missing intermediate): %s",
		         detail);
	} else if (st == CAPSA_ERR_MISMATCH || st == CAPSA_ERR_KEY) {
		why->name = "ek-cert-mismatch";
		snprintf(why->text, sizeof why->text, "the EK certificate is for another EK than the TPM's: %s", detail);
	} else {
		why->name = "ek-cert-malformed";
		snprintf(why->text, sizeof why->text, "the EK certificate or a CA certificate is malformed: %s%s%s",
		         capsa_status_str(st), detail[0] ? ": " : "", detail);
	}
}

/* The EK public of the type |ek->rsa| names. */
static capsa_status read_ek_public(capsa_tpm2 *tpm, attest_ek *ek, attest_ek_refusal *why)
{
	capsa_status st = ek->rsa ? capsa_tpm2_ek_rsa_public(tpm, &ek->pub, &ek->pub_len)
	                          : capsa_tpm2_ek_public(tpm, &ek->pub, &ek->pub_len);

	if (st != CAPSA_OK) {
		why->name = "tpm";
		snprintf(why->text, sizeof why->text, "reading the %s EK: %s", ek->rsa ? "RSA 2048" : "ECC P-256",
		         capsa_status_str(st));
	}
	return st;
}

/* The certificate path: read it, take the EK of its type, and check the chain and the key. */
static capsa_status ek_by_cert(capsa_tpm2 *tpm, const attest_ek_trust *t, attest_ek *ek, attest_ek_refusal *why)
{
	const uint8_t *inter[CAPSA_TPM2_MAX_EK_CHAIN];
	char detail[256];
	uint8_t *cert = NULL;
	size_t cert_len = 0;
	capsa_status st;

	for (size_t i = 0; i < t->num_inter; i++)
		inter[i] = t->inter[i];
	if ((st = read_cert(tpm, &ek->rsa, &cert, &cert_len, why)) != CAPSA_OK)
		return st;
	if ((st = read_ek_public(tpm, ek, why)) != CAPSA_OK)
		goto out;
	st = capsa_tpm2_ek_cert_verify(ek->pub, ek->pub_len, cert, cert_len, inter, t->inter_len, t->num_inter,
	                               t->root, t->root_len, t->at, detail, sizeof detail);
	if (st != CAPSA_OK)
		name_chain_failure(st, detail, t->at, why);
	ek->certified = st == CAPSA_OK;
out:
	free(cert);
	return st;
}

/* The EK file the operator pinned must be exactly the EK in use. */
static capsa_status check_pinned(const char *path, const attest_ek *ek, attest_ek_refusal *why)
{
	uint8_t *pinned = NULL;
	size_t pinned_len = 0;
	capsa_status st = attest_read_file(path, CAPSA_TPM2_MAX_BLOB, &pinned, &pinned_len);

	if (st == CAPSA_OK && (pinned_len != ek->pub_len || memcmp(pinned, ek->pub, pinned_len) != 0))
		st = CAPSA_ERR_MISMATCH;
	if (st != CAPSA_OK) {
		why->name = "ek-pinned-mismatch";
		snprintf(why->text, sizeof why->text, "the TPM's %s EK is not the one in %s: %s",
		         ek->rsa ? "RSA 2048" : "ECC P-256", path, capsa_status_str(st));
	}
	free(pinned);
	return st;
}

capsa_status attest_ek_load(capsa_tpm2 *tpm, const attest_ek_trust *t, attest_ek *ek, attest_ek_refusal *why)
{
	capsa_status st;

	why->name = NULL, why->text[0] = '\0';
	if (t->have_root)
		st = ek_by_cert(tpm, t, ek, why);
	else
		st = read_ek_public(tpm, ek, why);
	if (st == CAPSA_OK && t->pinned_path != NULL)
		st = check_pinned(t->pinned_path, ek, why);
	ek->pinned = st == CAPSA_OK && t->pinned_path != NULL;
	return st;
}

void attest_ek_free(attest_ek *ek)
{
	free(ek->pub);
	ek->pub = NULL;
}
