/*
 * AMD SEV-SNP verification: the report, its VCEK, the VCEK's chain to the
 * pinned AMD roots, and the binding in REPORT_DATA.
 *
 * Every check is recorded, passed or failed, and the verifier goes on after a
 * failure wherever the later checks still have what they need, so that the
 * result lists everything wrong with a report. The first failure decides the
 * status: CAPSA_ERR_CERT for the chain, CAPSA_ERR_EVIDENCE for the rest.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attest/core.h"
#include "attest/snp/snp.h"
#include "crypto/p384.h"

static void note_failure(capsa_status *st, capsa_status failure)
{
	if (*st == CAPSA_OK)
		*st = failure;
}

/* The AMD products whose roots capsa pins; both share the Milan TCB_VERSION layout. */
static const struct amd_product {
	const char *name;
	capsa_root_id ark, ask;
} products[] = {
	{"Milan", CAPSA_ROOT_AMD_ARK_MILAN, CAPSA_ROOT_AMD_ASK_MILAN},
	{"Genoa", CAPSA_ROOT_AMD_ARK_GENOA, CAPSA_ROOT_AMD_ASK_GENOA},
};

static bool load_root(capsa_root_id id, capsa_cert **out)
{
	const uint8_t *der;
	size_t der_len;

	return capsa_root_get(id, &der, &der_len) == CAPSA_OK && capsa_cert_parse(out, der, der_len) == CAPSA_OK;
}

/*
 * Picks the product whose pinned ASK issued the VCEK (by name; the chain check
 * then proves it) and loads its ASK and ARK: they never come from the evidence.
 */
static const struct amd_product *load_amd_roots(const capsa_cert *vcek, capsa_cert **ark, capsa_cert **ask,
                                                char *why, size_t why_len)
{
	for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
		if (!load_root(products[i].ask, ask)) {
			snprintf(why, why_len, "the pinned AMD %s ASK does not load", products[i].name);
			return NULL;
		}
		if (capsa_cert_names_issuer(vcek, *ask)) {
			if (load_root(products[i].ark, ark))
				return &products[i];
			snprintf(why, why_len, "the pinned AMD %s ARK does not load", products[i].name);
			return NULL;
		}
		capsa_cert_free(*ask);
		*ask = NULL;
	}
	snprintf(why, why_len, "the VCEK's issuer is no pinned AMD ASK (Milan, Genoa)");
	return NULL;
}

/* VCEK -> ASK -> ARK at |at|. */
static bool check_vcek_chain(const capsa_cert *vcek, int64_t at, capsa_attest_result *res)
{
	capsa_cert *ark = NULL, *ask = NULL;
	const struct amd_product *product;
	char why[160] = "";
	bool ok = false;

	if ((product = load_amd_roots(vcek, &ark, &ask, why, sizeof why)) != NULL)
		ok = capsa_cert_chain_verify(ark, (const capsa_cert *const *)&ask, 1, vcek, at, why, sizeof why) ==
		     CAPSA_OK;
	if (ok)
		capsa_attest_check_add(res, "vcek-chain", true,
		                       "VCEK -> ASK SEV-%s -> pinned ARK-%s, valid at %" PRId64, product->name,
		                       product->name, at);
	else
		capsa_attest_check_add(res, "vcek-chain", false, "VCEK chain: %s", why);
	capsa_cert_free(ark);
	capsa_cert_free(ask);
	return ok;
}

/*
 * The VCEK is derived from the chip's secrets and one TCB: its extensions
 * name them (AMD VCEK specification, publication 57230), and they must be the
 * chip and TCB the report claims as REPORTED_TCB.
 */
static bool check_vcek_tcb(const capsa_cert *vcek, const capsa_snp_report *r, capsa_attest_result *res)
{
	static const char *const oid[8] = {
		"1.3.6.1.4.1.3704.1.3.1", "1.3.6.1.4.1.3704.1.3.2", "1.3.6.1.4.1.3704.1.3.4",
		"1.3.6.1.4.1.3704.1.3.5", "1.3.6.1.4.1.3704.1.3.6", "1.3.6.1.4.1.3704.1.3.7",
		"1.3.6.1.4.1.3704.1.3.3", "1.3.6.1.4.1.3704.1.3.8",
	}; /* TCB_VERSION bytes 0..7: boot loader, TEE, SPL 4-7, SNP, microcode */
	const uint8_t *hwid;
	size_t hwid_len;
	uint64_t v;

	for (int i = 0; i < 8; i++)
		if (capsa_cert_ext_uint(vcek, oid[i], &v) != CAPSA_OK || v != ((r->reported_tcb >> (8 * i)) & 0xff)) {
			capsa_attest_check_add(res, "vcek-tcb-match", false,
			                       "VCEK extension %s does not match REPORTED_TCB byte %d", oid[i], i);
			return false;
		}
	if ((r->key_info & 2) == 0 && (capsa_cert_ext_raw(vcek, "1.3.6.1.4.1.3704.1.4", &hwid, &hwid_len) != CAPSA_OK ||
	                               hwid_len != sizeof r->chip_id || memcmp(hwid, r->chip_id, hwid_len) != 0)) {
		capsa_attest_check_add(res, "vcek-tcb-match", false, "VCEK hwID is not the report's CHIP_ID");
		return false;
	}
	capsa_attest_check_add(res, "vcek-tcb-match", true, "VCEK TCB = REPORTED_TCB 0x%016" PRIx64 "%s",
	                       r->reported_tcb, (r->key_info & 2) ? ", CHIP_ID masked" : ", hwID = CHIP_ID");
	return true;
}

static bool check_signature(const capsa_cert *vcek, const capsa_snp_report *r, const uint8_t *report,
                            capsa_attest_result *res)
{
	const uint8_t *spki;
	size_t spki_len;
	capsa_status st = capsa_cert_spki(vcek, &spki, &spki_len);

	if (st == CAPSA_OK)
		st = capsa_p384_verify_le(spki, spki_len, r->sig_r, r->sig_s, report, CAPSA_SNP_SIGNED_BYTES);
	capsa_attest_check_add(res, "report-signature", st == CAPSA_OK, "ECDSA P-384/SHA-384 over 0x000-0x29f: %s",
	                       st == CAPSA_OK ? "verifies with the VCEK" : capsa_status_str(st));
	return st == CAPSA_OK;
}

/*
 * Records the guest policy. DEBUG is for the policy to judge; bit 17 must be
 * one and the bits above those the ABI defines (25) zero.
 */
static bool check_guest_policy(const capsa_snp_report *r, capsa_attest_result *res)
{
	bool ok = (r->policy & CAPSA_SNP_POLICY_RESERVED_ONE) != 0 && (r->policy >> 26) == 0;

	res->debug = (r->policy & CAPSA_SNP_POLICY_DEBUG) != 0;
	capsa_attest_check_add(res, "guest-policy", ok, "policy 0x%" PRIx64 "%s: ABI %u.%u, DEBUG %s, VMPL %u",
	                       r->policy, ok ? "" : " (reserved bits wrong)", (unsigned)(r->policy >> 8) & 0xff,
	                       (unsigned)r->policy & 0xff, res->debug ? "allowed" : "off", r->vmpl);
	return ok;
}

static void fill_result(const capsa_snp_report *r, capsa_attest_result *res)
{
	memcpy(res->measurement, r->measurement, sizeof r->measurement);
	res->measurement_len = sizeof r->measurement;
	memcpy(res->report_data, r->report_data, sizeof r->report_data);
	res->report_data_len = sizeof r->report_data;
	res->tcb = r->reported_tcb;
	res->timestamp = 0; /* a report does not say when it was made */
}

/* The checks that need the VCEK; |vcek| NULL means it did not parse. */
static void check_with_vcek(const capsa_cert *vcek, const capsa_snp_report *r, const uint8_t *report,
                            const capsa_attest_expect *expect, capsa_attest_result *res, capsa_status *st)
{
	if (vcek == NULL) {
		capsa_attest_check_add(res, "vcek-chain", false, "the VCEK is not one DER certificate");
		note_failure(st, CAPSA_ERR_CERT);
		return;
	}
	if (!check_vcek_chain(vcek, expect->at, res))
		note_failure(st, CAPSA_ERR_CERT);
	if (!check_vcek_tcb(vcek, r, res))
		note_failure(st, CAPSA_ERR_EVIDENCE);
	if (!check_signature(vcek, r, report, res))
		note_failure(st, CAPSA_ERR_EVIDENCE);
}

capsa_status capsa_snp_verify(const uint8_t *report, size_t report_len, const uint8_t *vcek_der, size_t vcek_len,
                              const capsa_attest_expect *expect, capsa_attest_result *res)
{
	capsa_snp_report r;
	capsa_cert *vcek = NULL;
	capsa_status st = CAPSA_OK;
	char why[96];

	memset(res, 0, sizeof *res);
	res->platform = CAPSA_PLATFORM_SEV_SNP;
	if (expect == NULL)
		return CAPSA_ERR_ARG;
	if (capsa_snp_report_parse(&r, report, report_len, why, sizeof why) != CAPSA_OK) {
		capsa_attest_check_add(res, "report-format", false, "not an SEV-SNP report: %s", why);
		return CAPSA_ERR_DECODE;
	}
	capsa_attest_check_add(res, "report-format", true, "SEV-SNP report version %u, VCEK-signed", r.version);
	fill_result(&r, res);
	if (capsa_cert_parse(&vcek, vcek_der, vcek_len) != CAPSA_OK)
		vcek = NULL;
	check_with_vcek(vcek, &r, report, expect, res, &st);
	if (!capsa_attest_check_report_data(res, r.report_data, sizeof r.report_data, expect))
		note_failure(&st, CAPSA_ERR_EVIDENCE);
	if (!check_guest_policy(&r, res))
		note_failure(&st, CAPSA_ERR_EVIDENCE);
	capsa_cert_free(vcek);
	return st;
}
