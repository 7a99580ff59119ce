/*
 * AWS Nitro Enclaves verification against real attestation documents
 * (blocky/nitrite test data, a production and a debug enclave), the strict
 * CBOR reader under it, and documents built here around a freshly generated
 * CA to show that only the pinned AWS root is trusted.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attest/core.h"
#include "attest/nitro/nitro.h"
#include "attest_cloud.h"
#include "wire/cbor.h"

#define PROD "attestation/nitro/nitro_attestation.b64"
#define DEBUG_DOC "attestation/nitro/nitro_attestation_debug.b64"
#define AT_PROD 1725719859  /* 2024-09-07T14:37:39Z */
#define AT_DEBUG 1725719886 /* 2024-09-07T14:38:06Z */
#define LEAF_NOT_BEFORE 1725719856 /* 14:37:36Z */
#define LEAF_NOT_AFTER 1725730659  /* 17:37:39Z */

/* Offsets in the production document: 84 | 44 a1 01 38 22 | a0 | 59 1d 07 payload | 58 60 signature. */
#define PROTECTED_AT 1
#define PAYLOAD_AT 10
#define SIG_AT 7443

static uint8_t ones[1024], twos[1024];
static uint8_t *prod, *dbg;
static size_t prod_len, dbg_len;

static capsa_status verify_at(const uint8_t *doc, size_t len, const uint8_t *rd, size_t rd_len, const uint8_t *nonce,
                              size_t nonce_len, int64_t at, capsa_attest_result *res)
{
	capsa_attest_expect e = {.report_data = rd, .report_data_len = rd_len, .nonce = nonce, .nonce_len = nonce_len,
	                         .at = at};
	return capsa_nitro_verify(doc, len, &e, res);
}

/* The production document with the expectations its files satisfy. */
static capsa_status verify_prod(const uint8_t *doc, size_t len, capsa_attest_result *res)
{
	return verify_at(doc, len, ones, sizeof ones, ones, sizeof ones, AT_PROD, res);
}

static void test_good(void)
{
	static const uint8_t pcr0[4] = {0xe7, 0x2a, 0x46, 0xca};
	static const char *const names[] = {"document-format", "cert-chain", "cose-signature", "report-data",
	                                    "document-nonce"};
	uint8_t zeros[48] = {0};
	capsa_attest_result res;

	CHECK_OK(verify_prod(prod, prod_len, &res));
	CHECK(capsa_attest_result_ok(&res) && res.num_checks == 5);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		CHECK(check_passed(&res, names[i]));
	CHECK(res.platform == CAPSA_PLATFORM_NITRO && !res.debug);
	CHECK(res.measurement_len == 48 && memcmp(res.measurement, pcr0, sizeof pcr0) == 0);
	CHECK(res.timestamp == 1725719859); /* 1725719859545 ms */
	CHECK(res.report_data_len == 64 && memcmp(res.report_data, ones, 64) == 0);

	CHECK_OK(verify_at(dbg, dbg_len, ones, sizeof ones, ones, sizeof ones, AT_DEBUG, &res));
	CHECK(capsa_attest_result_ok(&res) && res.debug);
	CHECK(res.measurement_len == 48 && memcmp(res.measurement, zeros, 48) == 0);
	/* the debug document's leaf is not yet valid 14:37:39 */
	CHECK_STATUS(verify_at(dbg, dbg_len, ones, sizeof ones, ones, sizeof ones, AT_PROD, &res), CAPSA_ERR_CERT);

	/* no separate nonce expected: only the binding counts, and no nonce check is claimed */
	CHECK_OK(verify_at(prod, prod_len, ones, sizeof ones, NULL, 0, AT_PROD, &res));
	CHECK(find_check(&res, "document-nonce") == NULL);
}

static void test_tagged(void)
{
	uint8_t *tagged = malloc(prod_len + 1);
	capsa_attest_result res;

	tagged[0] = 0xd2; /* tag 18, COSE_Sign1 */
	memcpy(tagged + 1, prod, prod_len);
	CHECK_OK(verify_prod(tagged, prod_len + 1, &res));
	tagged[0] = 0xd1; /* tag 17, COSE_Mac0 */
	CHECK_STATUS(verify_prod(tagged, prod_len + 1, &res), CAPSA_ERR_DECODE);
	CHECK(check_failed(&res, "document-format"));
	free(tagged);
}

/* Flips byte |i|; the result must be refused with a named failure. */
static bool flip_refused(size_t i, const char *must_fail)
{
	uint8_t *bad = malloc(prod_len);
	capsa_attest_result res;
	capsa_status st;
	bool ok;

	memcpy(bad, prod, prod_len);
	bad[i] ^= (uint8_t)(1u << (i % 8));
	st = verify_prod(bad, prod_len, &res);
	ok = st != CAPSA_OK && !capsa_attest_result_ok(&res) &&
	     (check_failed(&res, "document-format") || check_failed(&res, "cert-chain") ||
	      check_failed(&res, "cose-signature"));
	if (must_fail != NULL)
		ok = ok && check_failed(&res, must_fail);
	free(bad);
	return ok;
}

static void test_flipped_bytes(void)
{
	size_t tried = 0, refused = 0;

	for (size_t i = 0; i < PAYLOAD_AT; i++, tried++) /* array head, protected header, unprotected, payload head */
		refused += flip_refused(i, NULL);
	for (size_t i = PAYLOAD_AT; i < SIG_AT - 2; i += 29, tried++)
		refused += flip_refused(i, NULL);
	for (size_t i = SIG_AT - 2; i < prod_len; i++, tried++)
		refused += flip_refused(i, i < SIG_AT ? NULL : "cose-signature");
	check_context("flipped bytes");
	CHECK(tried > 360 && refused == tried);
	check_context("targeted fields");
	CHECK(flip_refused(PAYLOAD_AT + 0x62, "cose-signature"));  /* inside PCR0 */
	CHECK(flip_refused(5372 + 20, "cose-signature"));          /* inside user_data */
	CHECK(flip_refused(6409 + 20, "cose-signature"));          /* inside nonce */
	CHECK(flip_refused(0x5d, "cose-signature"));               /* the timestamp */
	CHECK(flip_refused(1572 - 20, "cert-chain"));               /* the leaf certificate's signature */
	CHECK(flip_refused(1572 + 12 + 100, "cert-chain"));         /* cabundle[0], the root */
	check_context("%s", "");
}

static void test_validity_times(void)
{
	capsa_attest_result res;

	CHECK_STATUS(verify_at(prod, prod_len, ones, 1024, ones, 1024, (int64_t)time(NULL), &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "cert-chain") && strstr(find_check(&res, "cert-chain")->detail, "expired"));
	CHECK(check_passed(&res, "cose-signature"));
	CHECK_STATUS(verify_at(prod, prod_len, ones, 1024, ones, 1024, LEAF_NOT_AFTER + 1, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "cert-chain"));
	CHECK_OK(verify_at(prod, prod_len, ones, 1024, ones, 1024, LEAF_NOT_AFTER - 1, &res));
	CHECK_OK(verify_at(prod, prod_len, ones, 1024, ones, 1024, LEAF_NOT_BEFORE, &res));
	CHECK_STATUS(verify_at(prod, prod_len, ones, 1024, ones, 1024, LEAF_NOT_BEFORE - 1, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "cert-chain") && strstr(find_check(&res, "cert-chain")->detail, "not yet valid"));
}

static void test_binding_mismatch(void)
{
	uint8_t padded[1025];
	capsa_attest_result res;

	CHECK_STATUS(verify_at(prod, prod_len, twos, 1024, ones, 1024, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data") && check_passed(&res, "cose-signature"));
	CHECK_STATUS(verify_at(prod, prod_len, ones, 32, ones, 1024, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data")); /* the rest of user_data is not zero */
	memset(padded, 1, sizeof padded);
	CHECK_STATUS(verify_at(prod, prod_len, padded, sizeof padded, ones, 1024, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data"));
	CHECK_STATUS(verify_at(prod, prod_len, NULL, 0, ones, 1024, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "report-data"));
	CHECK_STATUS(verify_at(prod, prod_len, ones, 1024, twos, 1024, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "document-nonce") && check_passed(&res, "report-data"));
	CHECK_STATUS(verify_at(prod, prod_len, ones, 1024, ones, 1023, AT_PROD, &res), CAPSA_ERR_EVIDENCE);
	CHECK(check_failed(&res, "document-nonce"));
}

static void test_length(void)
{
	uint8_t *longer = calloc(1, prod_len + 1);
	capsa_attest_result res;

	memcpy(longer, prod, prod_len);
	CHECK_STATUS(verify_prod(longer, prod_len + 1, &res), CAPSA_ERR_DECODE);
	CHECK(check_failed(&res, "document-format"));
	for (size_t n = 0; n < prod_len; n += 97) {
		CHECK_STATUS(verify_prod(prod, n, &res), CAPSA_ERR_DECODE);
	}
	CHECK_STATUS(verify_prod(prod, prod_len - 1, &res), CAPSA_ERR_DECODE);
	free(longer);
}

/* ---- Documents built here, signed by keys made here ---------------------- */

static void add_tstr(capsa_cbb *b, const char *s)
{
	capsa_cbor_add_head(b, CAPSA_CBOR_TSTR, strlen(s));
	capsa_cbb_add_bytes(b, s, strlen(s));
}

static void add_bstr(capsa_cbb *b, const uint8_t *p, size_t n)
{
	capsa_cbor_add_head(b, CAPSA_CBOR_BSTR, n);
	capsa_cbb_add_bytes(b, p, n);
}

/* A document payload made at |timestamp_ms| with PCR0-2 (48 bytes of 0x42), |leaf| and the bundle |ca|[0..n),
 * user_data = nonce = 32 bytes of 0x01. */
static void build_payload(capsa_cbb *b, uint64_t timestamp_ms, const uint8_t *leaf, size_t leaf_len,
                          uint8_t *const *ca, const size_t *ca_len, size_t n)
{
	uint8_t pcr[48];

	memset(pcr, 0x42, sizeof pcr);
	capsa_cbor_add_head(b, CAPSA_CBOR_MAP, 8);
	add_tstr(b, "module_id"), add_tstr(b, "i-test-enc");
	add_tstr(b, "digest"), add_tstr(b, "SHA384");
	add_tstr(b, "timestamp"), capsa_cbor_add_head(b, CAPSA_CBOR_UINT, timestamp_ms);
	add_tstr(b, "pcrs"), capsa_cbor_add_head(b, CAPSA_CBOR_MAP, 3);
	for (uint64_t i = 0; i < 3; i++)
		capsa_cbor_add_head(b, CAPSA_CBOR_UINT, i), add_bstr(b, pcr, sizeof pcr);
	add_tstr(b, "certificate"), add_bstr(b, leaf, leaf_len);
	add_tstr(b, "cabundle"), capsa_cbor_add_head(b, CAPSA_CBOR_ARRAY, n);
	for (size_t i = 0; i < n; i++)
		add_bstr(b, ca[i], ca_len[i]);
	add_tstr(b, "user_data"), add_bstr(b, ones, 32);
	add_tstr(b, "nonce"), add_bstr(b, ones, 32);
}

/* Wraps |payload| in a COSE_Sign1 signed by |key|. */
static uint8_t *build_cose(EVP_PKEY *key, const uint8_t *payload, size_t payload_len, size_t *out_len)
{
	static const uint8_t prot[4] = {0xa1, 0x01, 0x38, 0x22};
	capsa_cose_sign1 msg = {{prot, 4}, {payload, payload_len}, {NULL, 0}};
	uint8_t *tbs, sig[96], *out;
	size_t tbs_len;
	capsa_cbb b;

	if (capsa_cose_sig_structure(&tbs, &tbs_len, &msg) != CAPSA_OK)
		abort();
	p384_sign(key, tbs, tbs_len, sig, sig + 48);
	free(tbs);
	capsa_cbb_init(&b, payload_len + 128);
	capsa_cbor_add_head(&b, CAPSA_CBOR_ARRAY, 4);
	add_bstr(&b, prot, sizeof prot);
	capsa_cbor_add_head(&b, CAPSA_CBOR_MAP, 0);
	add_bstr(&b, payload, payload_len);
	add_bstr(&b, sig, sizeof sig);
	if (!capsa_cbb_finish(&b, &out, out_len))
		abort();
	return out;
}

/* Builds, signs with |leaf_key| and verifies a document made at |timestamp_ms|; returns the status. */
static capsa_status verify_built_at(uint64_t timestamp_ms, EVP_PKEY *leaf_key, const uint8_t *leaf, size_t leaf_len,
                                    uint8_t *const *ca, const size_t *ca_len, size_t n, capsa_attest_result *res)
{
	capsa_cbb b;
	uint8_t *payload, *doc;
	size_t payload_len, doc_len;
	capsa_status st;

	capsa_cbb_init(&b, 4096);
	build_payload(&b, timestamp_ms, leaf, leaf_len, ca, ca_len, n);
	if (!capsa_cbb_finish(&b, &payload, &payload_len))
		abort();
	doc = build_cose(leaf_key, payload, payload_len, &doc_len);
	st = verify_at(doc, doc_len, ones, 32, ones, 32, AT_PROD, res);
	free(payload);
	free(doc);
	return st;
}

static capsa_status verify_built(EVP_PKEY *leaf_key, const uint8_t *leaf, size_t leaf_len, uint8_t *const *ca,
                                 const size_t *ca_len, size_t n, capsa_attest_result *res)
{
	return verify_built_at(1725719859545ULL, leaf_key, leaf, leaf_len, ca, ca_len, n, res);
}

/* A freshly generated root in place of AWS's, and under AWS's root, is refused by the chain check alone. */
static void test_wrong_root(void)
{
	EVP_PKEY *ca_key = fresh_p384_key(), *leaf_key = fresh_p384_key();
	size_t ca_len[2], leaf_len;
	uint8_t *ca[2], *leaf;
	capsa_attest_result res;

	ca[0] = fresh_cert(ca_key, NULL, "aws.nitro-enclaves", "aws.nitro-enclaves", true, &ca_len[0]);
	leaf = fresh_cert(leaf_key, ca_key, "i-test-enc", "aws.nitro-enclaves", false, &leaf_len);
	/* the document is well formed and its signature verifies: a positive control for what follows */
	CHECK_STATUS(verify_built(leaf_key, leaf, leaf_len, ca, ca_len, 1, &res), CAPSA_ERR_CERT);
	CHECK(check_passed(&res, "document-format") && check_passed(&res, "cose-signature"));
	CHECK(check_passed(&res, "report-data") && check_passed(&res, "document-nonce"));
	CHECK(check_failed(&res, "cert-chain") && strstr(find_check(&res, "cert-chain")->detail, "pinned"));
	/* the real AWS root first, then the fresh CA as if it were an intermediate */
	ca[1] = ca[0], ca_len[1] = ca_len[0];
	ca[0] = (uint8_t *)prod + 1584, ca_len[0] = 533;
	CHECK_STATUS(verify_built(leaf_key, leaf, leaf_len, ca, ca_len, 2, &res), CAPSA_ERR_CERT);
	CHECK(check_failed(&res, "cert-chain") && check_passed(&res, "cose-signature"));
	OPENSSL_free(ca[1]);
	OPENSSL_free(leaf);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
}

/*
 * A document made in the first second of 1970 (timestamp 1..999 ms) has a
 * signed time, second 0, and the maximum age judges it by that time: it is
 * not a document without a time, whose freshness would rest on the nonce. The
 * document is signed under a fresh CA (AWS's key cannot sign it here), so its
 * chain fails, but the parser and the result it fills are the real ones.
 */
static void test_first_second(void)
{
	static const char policy[] = "{\"version\": 1, \"require_nonce\": true, \"max_age_seconds\": 600,"
	                             " \"platforms\": {\"nitro\": {\"measurements\": [\"4242424242424242424242424242"
	                             "42424242424242424242424242424242424242424242424242424242424242424242\"]}}}";
	EVP_PKEY *ca_key = fresh_p384_key(), *leaf_key = fresh_p384_key();
	size_t ca_len, leaf_len;
	uint8_t *ca, *leaf;
	capsa_attest_policy pol;
	capsa_attest_result res;

	ca = fresh_cert(ca_key, NULL, "aws.nitro-enclaves", "aws.nitro-enclaves", true, &ca_len);
	leaf = fresh_cert(leaf_key, ca_key, "i-test-enc", "aws.nitro-enclaves", false, &leaf_len);
	CHECK_OK(capsa_policy_parse(&pol, policy, strlen(policy), NULL, 0));
	for (uint64_t ms = 1; ms < 1000; ms += 998) {
		check_context("timestamp %llu ms", (unsigned long long)ms);
		CHECK_STATUS(verify_built_at(ms, leaf_key, leaf, leaf_len, &ca, &ca_len, 1, &res), CAPSA_ERR_CERT);
		CHECK(check_passed(&res, "document-format") && check_passed(&res, "cose-signature"));
		CHECK(res.has_timestamp && res.timestamp == 0);
		CHECK_STATUS(capsa_policy_apply(&pol, NULL, AT_PROD, &res), CAPSA_ERR_POLICY);
		CHECK(check_passed(&res, "policy-measurement"));
		CHECK(check_failed(&res, "policy-age") && strstr(find_check(&res, "policy-age")->detail, "1725719859 s old"));
	}
	check_context("timestamp 1000 ms");
	CHECK_STATUS(verify_built_at(1000, leaf_key, leaf, leaf_len, &ca, &ca_len, 1, &res), CAPSA_ERR_CERT);
	CHECK(res.has_timestamp && res.timestamp == 1);
	check_context("%s", "");
	OPENSSL_free(ca);
	OPENSSL_free(leaf);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
}

/* ---- The CBOR reader ------------------------------------------------------ */

static bool skips(const char *hex)
{
	size_t n;
	uint8_t *b = hex_decode(hex, &n);
	capsa_cbs cbs;
	bool ok;

	capsa_cbs_init(&cbs, b, n);
	ok = capsa_cbor_skip(&cbs) && cbs.len == 0;
	free(b);
	return ok;
}

static void test_cbor(void)
{
	uint8_t deep[40];
	capsa_cbs cbs;

	CHECK(skips("00") && skips("17") && skips("1818") && skips("190100") && skips("1a00010000"));
	CHECK(skips("1b0000000100000000") && skips("3822") && skips("f6") && skips("f4") && skips("c24100"));
	CHECK(skips("a201020304") && skips("83010203") && skips("6449455446") && skips("62c3a9"));
	CHECK(!skips("1805") && !skips("1900ff") && !skips("1a0000ffff") && !skips("1b00000000ffffffff"));
	CHECK(!skips("5f4100ff") && !skips("9f01ff") && !skips("bf0101ff") && !skips("1c") && !skips("1f"));
	CHECK(!skips("f93c00") && !skips("fa3f800000") && !skips("f7") && !skips("f820") && !skips("e0"));
	CHECK(!skips("4401") && !skips("830102") && !skips("a101") && !skips("9bffffffffffffffff"));
	CHECK(!skips("62c328") && !skips("6100") && !skips("63eda080") && !skips("62c0af")); /* bad UTF-8, NUL */
	CHECK(!skips("0000")); /* one item, not two */
	for (int depth = 16; depth <= 17; depth++) {
		memset(deep, 0x81, (size_t)depth);
		deep[depth] = 0x00;
		capsa_cbs_init(&cbs, deep, (size_t)depth + 1);
		CHECK(capsa_cbor_skip(&cbs) == (depth == 16));
	}
}

int main(void)
{
	memset(ones, 1, sizeof ones);
	memset(twos, 2, sizeof twos);
	prod = load_b64_vector(PROD, &prod_len);
	dbg = load_b64_vector(DEBUG_DOC, &dbg_len);
	CHECK(prod_len == 7539 && dbg_len == 7538);
	test_good();
	test_tagged();
	test_flipped_bytes();
	test_validity_times();
	test_binding_mismatch();
	test_length();
	test_wrong_root();
	test_first_second();
	test_cbor();
	free(prod);
	free(dbg);
	return check_summary();
}
