/*
 * SEV-SNP verification against a real Milan report (google/go-sev-guest test
 * data): the good report verifies, and every kind of tampering is refused with
 * the failing check named.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "attest/core.h"
#include "attest/snp/snp.h"
#include "attest_cloud.h"
#include "crypto/p384.h"

#define REPORT "attestation/sev-snp/attestation.bin"
#define VCEK "attestation/sev-snp/vcek.testcer"

#define AT_GOOD 1704067200         /* 2024-01-01: inside every validity period */
#define AT_BEFORE_VCEK 1663977600  /* 2022-09-24 00:00, the VCEK's notBefore is 00:55:28 */
#define AT_AFTER_VCEK 1885000000   /* 2029-09-25, after the VCEK's notAfter */
#define AT_AFTER_ARK 2400000000    /* 2046, after the ARK's and ASK's notAfter */

static const uint8_t want_rd[5] = {1, 2, 3, 4, 5};

static uint8_t *report, *vcek;
static size_t report_len, vcek_len;

static capsa_status verify(const uint8_t *rep, const uint8_t *cert, size_t cert_len, const uint8_t *rd,
                           size_t rd_len, int64_t at, capsa_attest_result *res)
{
	capsa_attest_expect e = {.report_data = rd, .report_data_len = rd_len, .at = at};
	return capsa_snp_verify(rep, report_len, cert, cert_len, &e, res);
}

static void test_good(void)
{
	static const uint8_t meas[8] = {0xb0, 0x7a, 0xf9, 0x62, 0x0f, 0x3b, 0x83, 0x9b};
	static const char *const names[] = {"report-format", "vcek-chain", "vcek-tcb-match", "report-signature",
	                                    "report-data", "guest-policy"};
	uint8_t rd64[64] = {1, 2, 3, 4, 5};
	capsa_attest_result res;

	CHECK_OK(verify(report, vcek, vcek_len, want_rd, sizeof want_rd, AT_GOOD, &res));
	CHECK(capsa_attest_result_ok(&res));
	CHECK(res.platform == CAPSA_PLATFORM_SEV_SNP);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		CHECK(check_passed(&res, names[i]));
	CHECK(res.num_checks == 6);
	CHECK(res.measurement_len == 48 && memcmp(res.measurement, meas, sizeof meas) == 0);
	CHECK(res.measurement[47] == 0x01 && res.measurement[46] == 0x2b);
	CHECK(res.report_data_len == 64 && memcmp(res.report_data, rd64, 64) == 0);
	CHECK(res.debug); /* policy 0xb0000 has bit 19 DEBUG set */
	CHECK(res.tcb == 0x4405000000000002ULL);
	/* the expectation may be given padded to the full field */
	CHECK_OK(verify(report, vcek, vcek_len, rd64, sizeof rd64, AT_GOOD, &res));
}

static void test_parse_fields(void)
{
	capsa_snp_report r;
	char why[96];

	CHECK_OK(capsa_snp_report_parse(&r, report, report_len, why, sizeof why));
	CHECK(r.version == 2 && r.guest_svn == 0 && r.policy == 0xb0000 && r.vmpl == 0);
	CHECK(r.signature_algo == 1 && r.platform_info == 1 && r.key_info == 0);
	CHECK(r.reported_tcb == r.committed_tcb && r.launch_tcb == r.current_tcb);
	CHECK(r.current_version[0] == 3 && r.current_version[1] == 0x31 && r.current_version[2] == 1);
	CHECK(r.chip_id[0] == 0x3a && r.chip_id[63] == 0x5d);
	CHECK_STATUS(capsa_snp_report_parse(&r, report, report_len - 1, why, sizeof why), CAPSA_ERR_TRUNCATED);
	CHECK_STATUS(capsa_snp_report_parse(&r, NULL, 0, why, sizeof why), CAPSA_ERR_TRUNCATED);
}

/* Parses |report| with byte |at| set to |v| (and byte |at2| to |v2|). */
static capsa_status parse_patched(size_t at, uint8_t v, size_t at2, uint8_t v2)
{
	uint8_t *b = malloc(report_len);
	capsa_snp_report r;
	char why[96];
	capsa_status st;

	memcpy(b, report, report_len);
	b[at] = v;
	b[at2] = v2;
	st = capsa_snp_report_parse(&r, b, report_len, why, sizeof why);
	free(b);
	return st;
}

static void test_parse_versions(void)
{
	CHECK_STATUS(parse_patched(0, 1, 0, 1), CAPSA_ERR_VERSION);
	CHECK_STATUS(parse_patched(0, 6, 0, 6), CAPSA_ERR_VERSION);
	CHECK_STATUS(parse_patched(3, 1, 3, 1), CAPSA_ERR_VERSION);
	CHECK_OK(parse_patched(0, 3, 0x188, 0x19));        /* v3: CPUID family */
	CHECK_STATUS(parse_patched(0, 2, 0x188, 0x19), CAPSA_ERR_DECODE); /* v2: reserved there */
	CHECK_STATUS(parse_patched(0, 3, 0x18B, 1), CAPSA_ERR_DECODE);
	CHECK_OK(parse_patched(0, 5, 0x1F8, 1));           /* v5: launch mitigation vector */
	CHECK_OK(parse_patched(0, 4, 0x207, 1));
	CHECK_STATUS(parse_patched(0, 3, 0x1F8, 1), CAPSA_ERR_DECODE);
	CHECK_STATUS(parse_patched(0, 5, 0x208, 1), CAPSA_ERR_DECODE);
	CHECK_STATUS(parse_patched(0x34, 2, 0, 2), CAPSA_ERR_UNSUPPORTED); /* signature algorithm */
	CHECK_STATUS(parse_patched(0x48, 1 << 2, 0, 2), CAPSA_ERR_UNSUPPORTED); /* VLEK-signed */
	CHECK_STATUS(parse_patched(0x48, 1 << 5, 0, 2), CAPSA_ERR_DECODE);
	CHECK_STATUS(parse_patched(0x30, 4, 0, 2), CAPSA_ERR_DECODE); /* VMPL 4 */
	CHECK_STATUS(parse_patched(0x4C, 1, 0, 2), CAPSA_ERR_DECODE);
	CHECK_STATUS(parse_patched(0x1EB, 1, 0, 2), CAPSA_ERR_DECODE);
	CHECK_STATUS(parse_patched(0x49F, 1, 0, 2), CAPSA_ERR_DECODE);
	CHECK_OK(parse_patched(0x2A0 + 50, 1, 0, 2)); /* high signature bytes: the signature check's business */
}

/* Policy bit 17 must be one; DEBUG is reported, not judged. */
static void test_guest_policy(void)
{
	uint8_t *b = malloc(report_len);
	capsa_attest_result res;

	memcpy(b, report, report_len);
	b[0x0A] = 0x09; /* 0x90000: bit 17 cleared */
	CHECK_STATUS(verify(b, vcek, vcek_len, want_rd, 5, AT_GOOD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "guest-policy") && check_failed(&res, "report-signature"));
	free(b);
}

/* Flipping any bit of any byte of the signed region or the signature is refused. */
static void test_every_flipped_byte(void)
{
	uint8_t *bad = malloc(report_len);
	capsa_attest_result res;
	size_t refused = 0, named = 0;

	for (size_t i = 0; i < CAPSA_SNP_SIGNED_BYTES + 2 * CAPSA_SNP_SIG_COMPONENT_BYTES; i++) {
		memcpy(bad, report, report_len);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		check_context("flipped byte 0x%03zx", i);
		capsa_status st = capsa_snp_verify(bad, report_len, vcek, vcek_len,
		                                   &(capsa_attest_expect){.report_data = want_rd,
		                                                          .report_data_len = sizeof want_rd,
		                                                          .at = AT_GOOD},
		                                   &res);
		refused += st != CAPSA_OK && !capsa_attest_result_ok(&res);
		named += check_failed(&res, "report-format") || check_failed(&res, "report-signature");
	}
	check_context("every flipped byte");
	CHECK(refused == CAPSA_SNP_SIGNED_BYTES + 2 * CAPSA_SNP_SIG_COMPONENT_BYTES);
	CHECK(named == CAPSA_SNP_SIGNED_BYTES + 2 * CAPSA_SNP_SIG_COMPONENT_BYTES);
	/* the reserved bytes after the signature are not signed: they must be zero */
	memcpy(bad, report, report_len);
	bad[report_len - 1] = 1;
	CHECK_STATUS(verify(bad, vcek, vcek_len, want_rd, sizeof want_rd, AT_GOOD, &res), CAPSA_ERR_DECODE);
	CHECK(check_failed(&res, "report-format"));
	free(bad);
}

static void test_length(void)
{
	uint8_t *longer = calloc(1, report_len + 1);
	capsa_attest_result res;
	capsa_attest_expect e = {.report_data = want_rd, .report_data_len = sizeof want_rd, .at = AT_GOOD};

	memcpy(longer, report, report_len);
	CHECK_STATUS(capsa_snp_verify(longer, report_len + 1, vcek, vcek_len, &e, &res), CAPSA_ERR_DECODE);
	CHECK(check_failed(&res, "report-format"));
	CHECK_STATUS(capsa_snp_verify(report, report_len - 1, vcek, vcek_len, &e, &res), CAPSA_ERR_DECODE);
	CHECK(check_failed(&res, "report-format"));
	free(longer);
}

static void test_validity_times(void)
{
	capsa_attest_result res;

	CHECK_STATUS(verify(report, vcek, vcek_len, want_rd, 5, AT_BEFORE_VCEK, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain") && strstr(find_check(&res, "vcek-chain")->detail, "not yet valid"));
	CHECK(check_passed(&res, "report-signature"));
	CHECK_STATUS(verify(report, vcek, vcek_len, want_rd, 5, AT_AFTER_VCEK, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain") && strstr(find_check(&res, "vcek-chain")->detail, "expired"));
	CHECK_STATUS(verify(report, vcek, vcek_len, want_rd, 5, AT_AFTER_ARK, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain"));
	CHECK_STATUS(verify(report, vcek, vcek_len, want_rd, 5, 0, &res), CAPSA_ERR_CERT);
}

static void test_binding_mismatch(void)
{
	static const uint8_t other[5] = {1, 2, 3, 4, 6};
	uint8_t too_long[65] = {1, 2, 3, 4, 5};
	capsa_attest_result res;

	CHECK_STATUS(verify(report, vcek, vcek_len, other, sizeof other, AT_GOOD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data") && check_passed(&res, "report-signature"));
	CHECK_STATUS(verify(report, vcek, vcek_len, want_rd, 4, AT_GOOD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data")); /* a prefix is not the value: 05 is not zero */
	CHECK_STATUS(verify(report, vcek, vcek_len, too_long, sizeof too_long, AT_GOOD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data"));
	CHECK_STATUS(verify(report, vcek, vcek_len, NULL, 0, AT_GOOD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data"));
}

/* A VCEK that is not AMD's: garbage, the ASK itself, and a self-made one that really signed the report. */
static void test_wrong_vcek(void)
{
	uint8_t *bad = malloc(report_len), r[48], s[48];
	EVP_PKEY *ca = fresh_p384_key(), *key = fresh_p384_key();
	capsa_attest_result res;
	size_t cert_len;
	uint8_t *cert = fresh_cert(key, ca, "SEV-VCEK", "ARK-Milan", false, &cert_len);

	CHECK_STATUS(verify(report, vcek, 100, want_rd, 5, AT_GOOD, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain"));
	/* a VCEK signed by a freshly generated CA, and a report signed by that VCEK */
	memcpy(bad, report, report_len);
	p384_sign(key, bad, CAPSA_SNP_SIGNED_BYTES, r, s);
	for (int i = 0; i < 48; i++)
		bad[0x2A0 + i] = r[47 - i], bad[0x2E8 + i] = s[47 - i];
	CHECK_STATUS(verify(bad, cert, cert_len, want_rd, 5, AT_GOOD, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain") && check_passed(&res, "report-signature"));
	CHECK(strstr(find_check(&res, "vcek-chain")->detail, "no pinned AMD ASK") != NULL);
	CHECK(check_failed(&res, "vcek-tcb-match"));
	OPENSSL_free(cert);
	/* the same, naming the real ASK as issuer: the ASK is selected, and no chain to it exists */
	{
		const unsigned char *p = vcek;
		X509 *real = d2i_X509(NULL, &p, (long)vcek_len);

		cert = fresh_cert_dn(key, ca, "SEV-VCEK", "unused", X509_get_issuer_name(real), false, &cert_len);
		CHECK_STATUS(verify(bad, cert, cert_len, want_rd, 5, AT_GOOD, &res), CAPSA_ERR_CERT);
		CHECK(check_failed(&res, "vcek-chain") && check_passed(&res, "report-signature"));
		CHECK(strstr(find_check(&res, "vcek-chain")->detail, "no pinned") == NULL); /* got past the name */
		X509_free(real);
	}
	OPENSSL_free(cert);
	/* the same, self-signed */
	cert = fresh_cert(key, NULL, "SEV-VCEK", "SEV-VCEK", false, &cert_len);
	CHECK_STATUS(verify(bad, cert, cert_len, want_rd, 5, AT_GOOD, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "vcek-chain") && check_passed(&res, "report-signature"));
	OPENSSL_free(cert);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(key);
	free(bad);
}

/* The raw-signature wrappers refuse what a DER signature could not even say. */
static void test_p384_wrappers(void)
{
	uint8_t r[72], s[72], sig[96] = {0};
	EVP_PKEY *key = fresh_p384_key();
	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(key, &spki);
	static const uint8_t msg[3] = {'a', 'b', 'c'};

	memset(r, 0, sizeof r), memset(s, 0, sizeof s);
	p384_sign(key, msg, sizeof msg, sig, sig + 48);
	CHECK_OK(capsa_p384_verify(spki, (size_t)spki_len, sig, msg, sizeof msg));
	CHECK_STATUS(capsa_p384_verify(spki, (size_t)spki_len, sig, msg, 2), CAPSA_ERR_SIGNATURE);
	for (int i = 0; i < 48; i++)
		r[i] = sig[47 - i], s[i] = sig[95 - i];
	CHECK_OK(capsa_p384_verify_le(spki, (size_t)spki_len, r, s, msg, sizeof msg));
	r[48] = 1;
	CHECK_STATUS(capsa_p384_verify_le(spki, (size_t)spki_len, r, s, msg, sizeof msg), CAPSA_ERR_SIGNATURE);
	memset(sig, 0, 48);
	CHECK_STATUS(capsa_p384_verify(spki, (size_t)spki_len, sig, msg, sizeof msg), CAPSA_ERR_SIGNATURE);
	CHECK_STATUS(capsa_p384_verify(spki, (size_t)spki_len - 1, sig, msg, sizeof msg), CAPSA_ERR_KEY);
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
	/* a P-256 key is not a P-384 key */
	key = EVP_EC_gen("P-256");
	spki = NULL;
	spki_len = i2d_PUBKEY(key, &spki);
	CHECK_STATUS(capsa_p384_verify(spki, (size_t)spki_len, sig, msg, sizeof msg), CAPSA_ERR_KEY);
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
}

/* The embedded ASK and ARK of |pem| (go-sev-guest's ask_ark_*.pem: ASK, then ARK) are those certificates. */
static void embedded_pair_matches(const char *pem, capsa_root_id ask_id, capsa_root_id ark_id)
{
	const capsa_root_id ids[2] = {ask_id, ark_id};
	BIO *bio = BIO_new_file(vector_path(pem), "r");
	const uint8_t *der;
	size_t der_len;

	check_context("%s", pem);
	for (int i = 0; i < 2; i++) {
		X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		unsigned char *pem_der = NULL;
		int n = x ? i2d_X509(x, &pem_der) : -1;

		CHECK_OK(capsa_root_get(ids[i], &der, &der_len));
		CHECK(n > 0 && (size_t)n == der_len && memcmp(pem_der, der, der_len) == 0);
		OPENSSL_free(pem_der);
		X509_free(x);
	}
	BIO_free(bio);
	check_context("%s", "roots");
}

static capsa_cert *root_cert(capsa_root_id id)
{
	const uint8_t *der;
	size_t der_len;
	capsa_cert *c = NULL;

	if (capsa_root_get(id, &der, &der_len) != CAPSA_OK || capsa_cert_parse(&c, der, der_len) != CAPSA_OK)
		abort();
	return c;
}

static void test_embedded_roots(void)
{
	capsa_cert *ark_m = root_cert(CAPSA_ROOT_AMD_ARK_MILAN), *ask_m = root_cert(CAPSA_ROOT_AMD_ASK_MILAN);
	capsa_cert *ark_g = root_cert(CAPSA_ROOT_AMD_ARK_GENOA), *ask_g = root_cert(CAPSA_ROOT_AMD_ASK_GENOA);
	const uint8_t *der;
	size_t der_len;
	char why[160];

	embedded_pair_matches("attestation/sev-snp/ask_ark_milan.pem", CAPSA_ROOT_AMD_ASK_MILAN, CAPSA_ROOT_AMD_ARK_MILAN);
	embedded_pair_matches("attestation/sev-snp/ask_ark_genoa.pem", CAPSA_ROOT_AMD_ASK_GENOA, CAPSA_ROOT_AMD_ARK_GENOA);
	CHECK_OK(capsa_cert_chain_verify(ark_m, NULL, 0, ask_m, AT_GOOD, why, sizeof why));
	CHECK_OK(capsa_cert_chain_verify(ark_g, NULL, 0, ask_g, AT_GOOD, why, sizeof why));
	CHECK_STATUS(capsa_cert_chain_verify(ark_g, NULL, 0, ask_m, AT_GOOD, why, sizeof why), CAPSA_ERR_CERT);
	CHECK_STATUS(capsa_cert_chain_verify(ark_m, NULL, 0, ask_g, AT_GOOD, why, sizeof why), CAPSA_ERR_CERT);
	/* an intermediate the chain does not need is refused too */
	CHECK_STATUS(capsa_cert_chain_verify(ark_m, (const capsa_cert *const *)&ask_g, 1, ask_m, AT_GOOD, why, sizeof why),
	             CAPSA_ERR_CERT);
	CHECK(capsa_cert_names_issuer(ask_g, ark_g) && !capsa_cert_names_issuer(ask_g, ark_m));
	CHECK_OK(capsa_root_get(CAPSA_ROOT_AWS_NITRO, &der, &der_len));
	CHECK(der_len == 533);
	CHECK_STATUS(capsa_root_get((capsa_root_id)CAPSA_NUM_ROOTS, &der, &der_len), CAPSA_ERR_ARG);
	CHECK(der == NULL && der_len == 0);
	capsa_cert_free(ark_m), capsa_cert_free(ask_m), capsa_cert_free(ark_g), capsa_cert_free(ask_g);
}

int main(void)
{
	report = load_vector(REPORT, &report_len);
	vcek = load_vector(VCEK, &vcek_len);
	CHECK(report_len == CAPSA_SNP_REPORT_BYTES);
	test_good();
	test_parse_fields();
	test_parse_versions();
	test_guest_policy();
	test_every_flipped_byte();
	test_length();
	test_validity_times();
	test_binding_mismatch();
	test_wrong_vcek();
	test_p384_wrappers();
	test_embedded_roots();
	free(report);
	free(vcek);
	return check_summary();
}
