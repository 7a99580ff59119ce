/*
 * EK certificates: the attester reads the one the manufacturer (or
 * swtpm_setup) stored in the TPM's NV memory at the TCG index for its EK
 * type; the verifier checks that the certificate chains to a pinned
 * manufacturer root (through the certificate module, attest/core.h) and that
 * its key is exactly the EK it is about to make a credential for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include <tss2/tss2_tpm2_types.h>

#include "attest/core.h"
#include "attest/tpm2/esys.h"
#include "attest/tpm2/tpm2.h"
#include "crypto/crypto.h"
#include "crypto/p256.h"
#include "crypto/rsa.h"

#define NV_RSA_EK_CERT 0x01c00002u /* TCG EK Credential Profile: RSA 2048 EK certificate */
#define NV_ECC_EK_CERT 0x01c0000au /* ECC NIST P-256 EK certificate */
#define NV_CHUNK 512               /* below every TPM's TPM_PT_NV_BUFFER_MAX */
#define MAX_CERT 4096

/* Reads |size| bytes of the NV index |nv| in chunks, authorised by the index itself (AUTHREAD). */
static capsa_status nv_read_all(capsa_tpm2 *tpm, ESYS_TR nv, uint8_t *out, uint16_t size)
{
	for (uint16_t off = 0; off < size;) {
		uint16_t n = (uint16_t)(size - off < NV_CHUNK ? size - off : NV_CHUNK);
		TPM2B_MAX_NV_BUFFER *data = NULL;
		bool ok = Esys_NV_Read(tpm->esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n, off,
		                       &data) == TSS2_RC_SUCCESS &&
		          data->size == n;
		if (ok)
			memcpy(out + off, data->buffer, n);
		Esys_Free(data);
		if (!ok)
			return CAPSA_ERR_TPM;
		off = (uint16_t)(off + n);
	}
	return CAPSA_OK;
}

/* True if the TPM has the NV index |index| defined (asked first, so that an absent one logs no TSS error). */
static bool nv_defined(capsa_tpm2 *tpm, TPM2_HANDLE index)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	bool found = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_HANDLES, index, 1,
	                                NULL, &cap) == TSS2_RC_SUCCESS &&
	             cap->data.handles.count == 1 && cap->data.handles.handle[0] == index;

	Esys_Free(cap);
	return found;
}

capsa_status capsa_tpm2_ek_cert(capsa_tpm2 *tpm, bool rsa, uint8_t **der, size_t *der_len)
{
	ESYS_TR nv = ESYS_TR_NONE;
	TPM2B_NV_PUBLIC *pub = NULL;
	uint16_t size = 0;
	capsa_status st = CAPSA_ERR_TPM;

	*der = NULL;
	*der_len = 0;
	if (!nv_defined(tpm, rsa ? NV_RSA_EK_CERT : NV_ECC_EK_CERT) ||
	    Esys_TR_FromTPMPublic(tpm->esys, rsa ? NV_RSA_EK_CERT : NV_ECC_EK_CERT, ESYS_TR_NONE, ESYS_TR_NONE,
	                          ESYS_TR_NONE, &nv) != TSS2_RC_SUCCESS)
		return CAPSA_ERR_TPM;
	if (Esys_NV_ReadPublic(tpm->esys, nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL) != TSS2_RC_SUCCESS)
		goto out;
	size = pub->nvPublic.dataSize;
	if (size == 0 || size > MAX_CERT) {
		st = CAPSA_ERR_DECODE;
		goto out;
	}
	if ((*der = malloc(size)) == NULL) {
		st = CAPSA_ERR_NOMEM;
		goto out;
	}
	if ((st = nv_read_all(tpm, nv, *der, size)) == CAPSA_OK)
		*der_len = size;
out:
	if (st != CAPSA_OK) {
		free(*der);
		*der = NULL;
	}
	Esys_Free(pub);
	(void)Esys_TR_Close(tpm->esys, &nv);
	return st;
}

/* The SubjectPublicKeyInfo an EK certificate must carry for |ek|. */
static capsa_status ek_spki(const capsa_tpm2_public *ek, uint8_t **spki, size_t *spki_len)
{
	if (ek->type == TPM2_ALG_RSA)
		return capsa_rsa_spki_der(spki, spki_len, ek->rsa_n.data, ek->rsa_n.len,
		                          ek->rsa_exponent ? ek->rsa_exponent : 65537);
	return capsa_p256_spki_der(spki, spki_len, ek->x, ek->y);
}

/* The certificate's SubjectPublicKeyInfo, after a strict parse (the DER must fill |der_len|). */
static capsa_status cert_spki(const uint8_t *der, size_t der_len, uint8_t **spki, size_t *spki_len)
{
	const unsigned char *p = der;
	X509 *cert;
	unsigned char *enc = NULL;
	int len;
	capsa_status st = CAPSA_ERR_DECODE;

	*spki = NULL;
	if (der_len == 0 || der_len > MAX_CERT || (cert = d2i_X509(NULL, &p, (long)der_len)) == NULL)
		return CAPSA_ERR_DECODE;
	if (p == der + der_len && (len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &enc)) > 0) {
		st = (*spki = malloc((size_t)len)) != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;
		if (st == CAPSA_OK)
			memcpy(*spki, enc, *spki_len = (size_t)len);
	}
	OPENSSL_free(enc);
	X509_free(cert);
	return st;
}

capsa_status capsa_tpm2_ek_cert_matches(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *cert_der,
                                        size_t cert_der_len)
{
	capsa_tpm2_public ek;
	uint8_t *want = NULL, *got = NULL;
	size_t want_len = 0, got_len = 0;
	capsa_status st;

	if ((st = capsa_tpm2_parse_public(&ek, ek_pub, ek_pub_len)) != CAPSA_OK)
		return st == CAPSA_ERR_UNSUPPORTED ? CAPSA_ERR_KEY : st;
	if (!capsa_tpm2_public_is_storage(&ek))
		return CAPSA_ERR_KEY;
	if ((st = ek_spki(&ek, &want, &want_len)) != CAPSA_OK || (st = cert_spki(cert_der, cert_der_len, &got,
	                                                                          &got_len)) != CAPSA_OK)
		goto out;
	st = want_len == got_len && memcmp(want, got, want_len) == 0 ? CAPSA_OK : CAPSA_ERR_MISMATCH;
out:
	free(want);
	free(got);
	return st;
}

/* Parses |n| DER certificates into |out| (all or none). */
static capsa_status parse_certs(capsa_cert **out, const uint8_t *const *der, const size_t *len, size_t n)
{
	capsa_status st = CAPSA_OK;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	for (size_t i = 0; i < n && st == CAPSA_OK; i++)
		st = capsa_cert_parse(&out[i], der[i], len[i]);
	if (st != CAPSA_OK)
		for (size_t i = 0; i < n; i++)
			capsa_cert_free(out[i]);
	return st;
}

capsa_status capsa_tpm2_ek_cert_verify(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *cert_der,
                                       size_t cert_der_len, const uint8_t *const *inter_der,
                                       const size_t *inter_len, size_t num_inter, const uint8_t *root_der,
                                       size_t root_len, int64_t at, char *why, size_t why_len)
{
	capsa_cert *certs[CAPSA_TPM2_MAX_EK_CHAIN + 2]; /* leaf, root, intermediates */
	const uint8_t *ders[CAPSA_TPM2_MAX_EK_CHAIN + 2] = {cert_der, root_der};
	size_t lens[CAPSA_TPM2_MAX_EK_CHAIN + 2] = {cert_der_len, root_len};
	capsa_status st;

	if (why_len > 0)
		why[0] = '\0';
	if (num_inter > CAPSA_TPM2_MAX_EK_CHAIN)
		return CAPSA_ERR_ARG;
	for (size_t i = 0; i < num_inter; i++)
		ders[2 + i] = inter_der[i], lens[2 + i] = inter_len[i];
	if ((st = parse_certs(certs, ders, lens, num_inter + 2)) != CAPSA_OK)
		return st;
	st = capsa_cert_chain_verify(certs[1], (const capsa_cert *const *)certs + 2, num_inter, certs[0], at, why,
	                             why_len);
	if (st == CAPSA_OK && (st = capsa_tpm2_ek_cert_matches(ek_pub, ek_pub_len, cert_der, cert_der_len)) != CAPSA_OK)
		snprintf(why, why_len, "the certificate does not certify this EK: %s", capsa_status_str(st));
	for (size_t i = 0; i < num_inter + 2; i++)
		capsa_cert_free(certs[i]);
	return st;
}
