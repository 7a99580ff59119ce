/*
 * The TPM 2.0 quote verifier: no TPM, every input untrusted. It parses the
 * AK public, the TPMS_ATTEST and the TPMT_SIGNATURE strictly, then runs every
 * check and records each in the result, so a refusal always names its reason.
 */
#include <stdio.h>
#include <string.h>

#include <tss2/tss2_tpm2_types.h>

#include "attest/core.h"
#include "attest/tpm2/tpm2.h"
#include "crypto/crypto.h"
#include "crypto/p256.h"

capsa_status capsa_tpm2_ak_name(uint8_t name[CAPSA_TPM2_NAME_BYTES], const uint8_t *pub, size_t pub_len)
{
	capsa_tpm2_public p;
	capsa_status st = capsa_tpm2_parse_public(&p, pub, pub_len);

	if (st == CAPSA_ERR_UNSUPPORTED)
		return CAPSA_ERR_KEY;
	if (st != CAPSA_OK)
		return st;
	if (!capsa_tpm2_public_is_ak(&p))
		return CAPSA_ERR_KEY;
	return capsa_tpm2_public_name(name, &p);
}

capsa_status capsa_tpm2_expected_pcr(uint8_t out[CAPSA_TPM2_DIGEST_BYTES],
                                     const uint8_t measurement[CAPSA_TPM2_DIGEST_BYTES])
{
	uint8_t buf[2 * CAPSA_TPM2_DIGEST_BYTES] = {0};

	memcpy(buf + CAPSA_TPM2_DIGEST_BYTES, measurement, CAPSA_TPM2_DIGEST_BYTES);
	return capsa_sha256(out, buf, sizeof buf);
}

/* The three parsed inputs a verification works on. */
typedef struct quote_view {
	capsa_tpm2_public ak;
	capsa_tpm2_attest at;
	capsa_tpm2_signature sig;
	uint8_t ak_name[CAPSA_TPM2_NAME_BYTES];
} quote_view;

static capsa_status parse_all(quote_view *v, const capsa_tpm2_evidence *ev, capsa_attest_result *res)
{
	capsa_status st;
	const char *what = "AK public (TPM2B_PUBLIC)";

	if ((st = capsa_tpm2_parse_public(&v->ak, ev->ak_public, ev->ak_public_len)) == CAPSA_OK) {
		what = "AK public is not an ECC P-256 restricted ECDSA-SHA256 signing key";
		st = capsa_tpm2_public_is_ak(&v->ak) ? capsa_tpm2_public_name(v->ak_name, &v->ak) : CAPSA_ERR_KEY;
	}
	if (st == CAPSA_OK) {
		what = "quote (TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE)";
		st = capsa_tpm2_parse_attest(&v->at, ev->attest, ev->attest_len);
	}
	if (st == CAPSA_OK) {
		what = "signature (TPMT_SIGNATURE, ECDSA)";
		st = capsa_tpm2_parse_signature(&v->sig, ev->signature, ev->signature_len);
	}
	if (st != CAPSA_OK)
		capsa_attest_check_add(res, "quote-parse", false, "malformed or unsupported %s: %s", what,
		                       capsa_status_str(st));
	return st;
}

static void check_magic(const quote_view *v, capsa_attest_result *res)
{
	bool ok = v->at.magic == TPM2_GENERATED_VALUE && v->at.type == TPM2_ST_ATTEST_QUOTE;

	capsa_attest_check_add(res, "quote-magic", ok, "magic 0x%08x, type 0x%04x (want 0x%08x, 0x%04x)",
	                       v->at.magic, v->at.type, (unsigned)TPM2_GENERATED_VALUE, (unsigned)TPM2_ST_ATTEST_QUOTE);
}

/*
 * The qualified name the TPM puts in qualifiedSigner (part 1, 16.6):
 * H(QN(parent) || name), where a hierarchy's QN is its handle. capsa's AK is
 * a primary of the endorsement hierarchy.
 */
static capsa_status qualified_name(uint8_t qn[CAPSA_TPM2_NAME_BYTES], const uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	uint8_t buf[4 + CAPSA_TPM2_NAME_BYTES];

	buf[0] = (uint8_t)(TPM2_RH_ENDORSEMENT >> 24), buf[1] = (uint8_t)(TPM2_RH_ENDORSEMENT >> 16);
	buf[2] = (uint8_t)(TPM2_RH_ENDORSEMENT >> 8), buf[3] = (uint8_t)TPM2_RH_ENDORSEMENT;
	memcpy(buf + 4, name, CAPSA_TPM2_NAME_BYTES);
	qn[0] = (uint8_t)(TPM2_ALG_SHA256 >> 8), qn[1] = (uint8_t)TPM2_ALG_SHA256;
	return capsa_sha256(qn + 2, buf, sizeof buf);
}

static void check_ak(const quote_view *v, const capsa_tpm2_trust *trust, capsa_attest_result *res)
{
	uint8_t qn[CAPSA_TPM2_NAME_BYTES];
	bool trusted = false, signer;

	for (size_t i = 0; trust->ak_names != NULL && i < trust->num_ak_names; i++)
		trusted |= capsa_ct_equal(v->ak_name, trust->ak_names + i * CAPSA_TPM2_NAME_BYTES,
		                          CAPSA_TPM2_NAME_BYTES);
	if (trusted)
		capsa_attest_check_add(res, "ak-trusted", true, "AK name is an enrolled AK");
	else
		capsa_attest_check_add(res, "ak-trusted", false, "AK name is not among %zu enrolled AKs",
		                       trust->num_ak_names);
	signer = qualified_name(qn, v->ak_name) == CAPSA_OK && v->at.signer.len == sizeof qn &&
	         memcmp(v->at.signer.data, qn, sizeof qn) == 0;
	capsa_attest_check_add(res, "qualified-signer", signer,
	                       "qualifiedSigner %s the AK's qualified name as an endorsement-hierarchy primary",
	                       signer ? "is" : "is not");
}

static void check_signature(const quote_view *v, const capsa_tpm2_evidence *ev, capsa_attest_result *res)
{
	capsa_status st = CAPSA_ERR_SIGNATURE;

	if (v->sig.hash == TPM2_ALG_SHA256)
		st = capsa_p256_ecdsa_verify_sha256(v->ak.x, v->ak.y, v->sig.r.data, v->sig.r.len, v->sig.s.data,
		                                    v->sig.s.len, ev->attest, ev->attest_len);
	capsa_attest_check_add(res, "ak-signature", st == CAPSA_OK, "ECDSA P-256 SHA-256 over %zu quote bytes: %s",
	                       ev->attest_len, st == CAPSA_OK ? "valid" : capsa_status_str(st));
}

static void check_binding(const quote_view *v, const capsa_attest_expect *expect, capsa_attest_result *res)
{
	bool ok = expect->report_data_len > 0 && v->at.extra.len == expect->report_data_len &&
	          capsa_ct_equal(v->at.extra.data, expect->report_data, expect->report_data_len);

	capsa_attest_check_add(res, "binding", ok, expect->report_data_len == 0 ? "no expected binding given"
	                                           : ok ? "qualifying data equals the expected binding"
	                                                : "qualifying data differs from the expected binding");
}

/*
 * Finds where |pcr| sits among the selected PCRs of the single SHA-256 bank
 * (values are listed bank by bank, lowest PCR first). Returns the number of
 * selected PCRs, or 0 if the selection is not one SHA-256 bank.
 */
static size_t selection_index(const capsa_tpm2_attest *at, unsigned pcr, size_t *index, bool *found)
{
	const capsa_tpm2_pcr_bank *b = &at->banks[0];
	size_t n = 0;

	*found = false;
	if (at->num_banks != 1 || b->hash != TPM2_ALG_SHA256)
		return 0;
	for (unsigned i = 0; i < 8u * b->size; i++) {
		if (!(b->select[i / 8] & (1u << (i % 8))))
			continue;
		if (i == pcr)
			*index = n, *found = true;
		n++;
	}
	return n;
}

static void check_pcrs(const quote_view *v, const capsa_tpm2_evidence *ev, const capsa_tpm2_trust *trust,
                       capsa_attest_result *res)
{
	uint8_t digest[CAPSA_SHA256_BYTES];
	size_t index = 0, n;
	bool found, ok;

	n = selection_index(&v->at, trust->measurement_pcr, &index, &found);
	if (n == 0 || !found || ev->pcr_values_len != n * CAPSA_TPM2_DIGEST_BYTES) {
		capsa_attest_check_add(res, "pcr-digest", false,
		                       "selection must be one SHA-256 bank holding PCR %u, with %zu claimed values "
		                       "(got %zu selected, %zu bytes of values)",
		                       trust->measurement_pcr, n, n, ev->pcr_values_len);
		return;
	}
	memcpy(res->measurement, ev->pcr_values + index * CAPSA_TPM2_DIGEST_BYTES, CAPSA_TPM2_DIGEST_BYTES);
	res->measurement_len = CAPSA_TPM2_DIGEST_BYTES;
	ok = capsa_sha256(digest, ev->pcr_values, ev->pcr_values_len) == CAPSA_OK &&
	     v->at.pcr_digest.len == sizeof digest && capsa_ct_equal(digest, v->at.pcr_digest.data, sizeof digest);
	capsa_attest_check_add(res, "pcr-digest", ok, "SHA-256 of %zu claimed PCR values %s the quoted pcrDigest", n,
	                       ok ? "equals" : "differs from");
}

static void fill_result(const quote_view *v, capsa_attest_result *res)
{
	res->report_data_len = v->at.extra.len <= sizeof res->report_data ? v->at.extra.len : 0;
	if (res->report_data_len > 0)
		memcpy(res->report_data, v->at.extra.data, res->report_data_len);
}

capsa_status capsa_tpm2_verify(const capsa_tpm2_evidence *ev, const capsa_tpm2_trust *trust,
                               const capsa_attest_expect *expect, capsa_attest_result *res)
{
	quote_view v;
	capsa_status st;

	memset(res, 0, sizeof *res);
	res->platform = CAPSA_PLATFORM_TPM2;
	if (ev == NULL || trust == NULL || expect == NULL)
		return CAPSA_ERR_ARG;
	if ((st = parse_all(&v, ev, res)) != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	fill_result(&v, res);
	check_magic(&v, res);
	check_ak(&v, trust, res);
	check_signature(&v, ev, res);
	check_binding(&v, expect, res);
	check_pcrs(&v, ev, trust, res);
	return capsa_attest_result_ok(res) ? CAPSA_OK : CAPSA_ERR_EVIDENCE;
}
