/*
 * AWS Nitro Enclaves verification: the COSE_Sign1 document, its leaf
 * certificate's chain through the cabundle to the pinned AWS root, the ES384
 * signature, and the binding in user_data and nonce.
 *
 * As for SEV-SNP, every check is recorded and later checks still run after a
 * failure where they can; the first failure decides the status.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/core.h"
#include "attest/nitro/nitro.h"
#include "crypto/crypto.h"
#include "crypto/p384.h"

#define NITRO_MAX_DOCUMENT (32 * 1024)

/* The certificates of one document, parsed. */
typedef struct nitro_certs {
	capsa_cert *root;  /* the pinned root, from the library */
	capsa_cert *leaf;
	capsa_cert *bundle[CAPSA_NITRO_MAX_CABUNDLE];
	size_t num_bundle;
} nitro_certs;

static void certs_free(nitro_certs *c)
{
	capsa_cert_free(c->root);
	capsa_cert_free(c->leaf);
	for (size_t i = 0; i < c->num_bundle; i++)
		capsa_cert_free(c->bundle[i]);
	memset(c, 0, sizeof *c);
}

static void note_failure(capsa_status *st, capsa_status failure)
{
	if (*st == CAPSA_OK)
		*st = failure;
}

static bool parse_certs(nitro_certs *c, const capsa_nitro_doc *doc)
{
	const uint8_t *der;
	size_t der_len;

	if (capsa_root_get(CAPSA_ROOT_AWS_NITRO, &der, &der_len) != CAPSA_OK ||
	    capsa_cert_parse(&c->root, der, der_len) != CAPSA_OK ||
	    capsa_cert_parse(&c->leaf, doc->certificate.data, doc->certificate.len) != CAPSA_OK)
		return false;
	for (; c->num_bundle < doc->num_cabundle; c->num_bundle++)
		if (capsa_cert_parse(&c->bundle[c->num_bundle], doc->cabundle[c->num_bundle].data,
		                     doc->cabundle[c->num_bundle].len) != CAPSA_OK)
			return false;
	return true;
}

/* cabundle[0] is the pinned root itself; the rest leads down to the leaf. */
static bool check_chain(const nitro_certs *c, int64_t at, capsa_attest_result *res)
{
	char why[160];

	if (!capsa_cert_equal(c->bundle[0], c->root)) {
		capsa_attest_check_add(res, "cert-chain", false, "cabundle[0] is not the pinned AWS Nitro root");
		return false;
	}
	if (capsa_cert_chain_verify(c->root, (const capsa_cert *const *)c->bundle + 1, c->num_bundle - 1, c->leaf, at,
	                            why, sizeof why) != CAPSA_OK) {
		capsa_attest_check_add(res, "cert-chain", false, "%s", why);
		return false;
	}
	if (!capsa_cert_signs_data(c->leaf)) {
		capsa_attest_check_add(res, "cert-chain", false, "the leaf certificate may not sign documents");
		return false;
	}
	capsa_attest_check_add(res, "cert-chain", true,
	                       "leaf -> %zu cabundle certificates -> pinned AWS Nitro root, valid at %" PRId64,
	                       c->num_bundle - 1, at);
	return true;
}

static bool check_signature(const capsa_cert *leaf, const capsa_cose_sign1 *msg, capsa_attest_result *res)
{
	uint8_t *tbs = NULL;
	size_t tbs_len = 0;
	const uint8_t *spki;
	size_t spki_len;
	capsa_status st = capsa_cert_spki(leaf, &spki, &spki_len);

	if (st == CAPSA_OK)
		st = capsa_cose_sig_structure(&tbs, &tbs_len, msg);
	if (st == CAPSA_OK)
		st = capsa_p384_verify(spki, spki_len, msg->signature.data, tbs, tbs_len);
	free(tbs); /* public: not wiped */
	capsa_attest_check_add(res, "cose-signature", st == CAPSA_OK, "ES384 over the Sig_structure: %s",
	                       st == CAPSA_OK ? "verifies with the leaf certificate" : capsa_status_str(st));
	return st == CAPSA_OK;
}

/* The checks that need certificates; a certificate that does not parse fails the chain. */
static void check_with_certs(const capsa_nitro_doc *doc, const capsa_cose_sign1 *msg,
                             const capsa_attest_expect *expect, capsa_attest_result *res, capsa_status *st)
{
	nitro_certs certs = {0};

	if (!parse_certs(&certs, doc)) {
		capsa_attest_check_add(res, "cert-chain", false, "a certificate is not DER, or the pinned root fails its pin");
		note_failure(st, CAPSA_ERR_CERT);
		if (certs.leaf != NULL && !check_signature(certs.leaf, msg, res))
			note_failure(st, CAPSA_ERR_EVIDENCE);
		goto out;
	}
	if (!check_chain(&certs, expect->at, res))
		note_failure(st, CAPSA_ERR_CERT);
	if (!check_signature(certs.leaf, msg, res))
		note_failure(st, CAPSA_ERR_EVIDENCE);
out:
	certs_free(&certs);
}

static bool all_zero(const capsa_cbs *b)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < b->len; i++)
		acc |= b->data[i];
	return acc == 0;
}

/* PCR0 is the enclave image; a debug enclave reports PCR0, 1 and 2 as zeros. */
static bool fill_result(const capsa_nitro_doc *doc, capsa_attest_result *res)
{
	const uint32_t boot_pcrs = 7; /* PCR0..2 */

	if ((doc->pcr_mask & boot_pcrs) != boot_pcrs)
		return false;
	memcpy(res->measurement, doc->pcr[0].data, CAPSA_NITRO_PCR_BYTES);
	res->measurement_len = CAPSA_NITRO_PCR_BYTES;
	res->debug = all_zero(&doc->pcr[0]) && all_zero(&doc->pcr[1]) && all_zero(&doc->pcr[2]);
	res->has_timestamp = true; /* required by the document, and signed; below 1000 ms it is second 0 */
	res->timestamp = (int64_t)(doc->timestamp_ms / 1000);
	if (doc->has_user_data) { /* the first 64 bytes; the report-data check sees all of it */
		res->report_data_len = doc->user_data.len < CAPSA_ATTEST_MAX_REPORT_DATA ? doc->user_data.len
		                                                                         : CAPSA_ATTEST_MAX_REPORT_DATA;
		memcpy(res->report_data, doc->user_data.data, res->report_data_len);
	}
	return true;
}

/* With an expected nonce, the document's nonce field must be exactly it. */
static bool check_nonce(const capsa_nitro_doc *doc, const capsa_attest_expect *expect, capsa_attest_result *res)
{
	bool ok;

	if (expect->nonce == NULL)
		return true; /* then the nonce counts only through the binding in user_data */
	ok = doc->has_nonce && doc->nonce.len == expect->nonce_len &&
	     capsa_ct_equal(doc->nonce.data, expect->nonce, expect->nonce_len);
	capsa_attest_check_add(res, "document-nonce", ok, "%s",
	                       !doc->has_nonce ? "the document has no nonce"
	                       : ok            ? "the document's nonce is the verifier's nonce"
	                                       : "the document's nonce is not the verifier's nonce");
	return ok;
}

/* Parses the COSE_Sign1 and its payload; records the outcome as "document-format". */
static bool parse(capsa_cose_sign1 *msg, capsa_nitro_doc *doc, const uint8_t *buf, size_t len,
                  capsa_attest_result *res)
{
	char why[96] = "larger than 32 KiB";

	if (len > NITRO_MAX_DOCUMENT || capsa_cose_sign1_parse(msg, buf, len, why, sizeof why) != CAPSA_OK ||
	    capsa_nitro_doc_parse(doc, msg->payload.data, msg->payload.len, why, sizeof why) != CAPSA_OK) {
		capsa_attest_check_add(res, "document-format", false, "not a Nitro attestation document: %s", why);
		return false;
	}
	if (!fill_result(doc, res)) {
		capsa_attest_check_add(res, "document-format", false, "PCR0, PCR1 or PCR2 missing");
		return false;
	}
	capsa_attest_check_add(res, "document-format", true, "COSE_Sign1 ES384, module %.*s, %zu PCRs%s",
	                       (int)(doc->module_id.len > 64 ? 64 : doc->module_id.len),
	                       (const char *)doc->module_id.data, (size_t)__builtin_popcount(doc->pcr_mask),
	                       res->debug ? ", debug enclave (PCR0-2 zero)" : "");
	return true;
}

capsa_status capsa_nitro_verify(const uint8_t *doc_buf, size_t doc_len, const capsa_attest_expect *expect,
                                capsa_attest_result *res)
{
	capsa_cose_sign1 msg;
	capsa_nitro_doc doc;
	capsa_status st = CAPSA_OK;

	memset(res, 0, sizeof *res);
	res->platform = CAPSA_PLATFORM_NITRO;
	if (expect == NULL)
		return CAPSA_ERR_ARG;
	if (!parse(&msg, &doc, doc_buf, doc_len, res))
		return CAPSA_ERR_DECODE;
	check_with_certs(&doc, &msg, expect, res, &st);
	if (!capsa_attest_check_report_data(res, doc.has_user_data ? doc.user_data.data : NULL,
	                                    doc.has_user_data ? doc.user_data.len : 0, expect))
		note_failure(&st, CAPSA_ERR_EVIDENCE);
	if (!check_nonce(&doc, expect, res))
		note_failure(&st, CAPSA_ERR_EVIDENCE);
	return st;
}
