/*
 * The attestation core: the evidence envelope, the sim platform, the binding
 * and capsa_attest_verify end to end with a policy. Every tampering must be
 * refused and the result must name the check that caught it.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "check.h"
#include "crypto/crypto.h"

#define NOW 1800000000

static const uint8_t seed[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t keys[] = "keeper public keys: x25519 + secp256k1";
static const uint8_t nonce[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                  0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
static uint8_t measurement[32];

static const char sim_policy_fmt[] =
	"{\"version\": 1, \"allow_sim\": true, \"max_age_seconds\": 300,"
	" \"platforms\": {\"sim\": {\"measurements\": [\"%s\"]}}}";

static void policy_from(capsa_attest_policy *pol, const char *json)
{
	char err[200];
	CHECK_OK(capsa_policy_parse(pol, json, strlen(json), err, sizeof err));
}

static void sim_policy(capsa_attest_policy *pol, const uint8_t *m, size_t m_len)
{
	char hex[2 * 64 + 1], json[512];
	for (size_t i = 0; i < m_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", m[i]);
	snprintf(json, sizeof json, sim_policy_fmt, hex);
	policy_from(pol, json);
}

static uint8_t *make_sim(size_t *len, int64_t when)
{
	uint8_t *ev = NULL;
	CHECK_OK(capsa_sim_quote(&ev, len, seed, measurement, sizeof measurement, keys, sizeof keys, nonce,
	                         sizeof nonce, when));
	return ev;
}

static capsa_attest_verify_params params(void)
{
	return (capsa_attest_verify_params){nonce, sizeof nonce, keys, sizeof keys, NULL, 0, NOW};
}

static const char *first_failure(const capsa_attest_result *res)
{
	const capsa_attest_check *c = capsa_attest_first_failure(res);
	return c ? c->name : "(none)";
}

static bool has_check(const capsa_attest_result *res, const char *name, bool passed)
{
	for (size_t i = 0; i < res->num_checks; i++)
		if (strcmp(res->checks[i].name, name) == 0 && res->checks[i].passed == passed)
			return true;
	return false;
}

static void test_accepted(void)
{
	capsa_attest_policy pol;
	capsa_attest_verify_params p = params();
	capsa_attest_result res;
	uint8_t binding[32];
	size_t len;
	uint8_t *ev = make_sim(&len, NOW - 10);

	sim_policy(&pol, measurement, sizeof measurement);
	CHECK_OK(capsa_attest_verify(ev, len, &p, &pol, &res));
	CHECK(capsa_attest_result_ok(&res));
	CHECK(res.platform == CAPSA_PLATFORM_SIM && res.simulated);
	CHECK(res.measurement_len == 32 && memcmp(res.measurement, measurement, 32) == 0);
	CHECK_OK(capsa_attest_binding(binding, keys, sizeof keys, nonce, sizeof nonce));
	CHECK(res.report_data_len == 32 && memcmp(res.report_data, binding, 32) == 0);
	CHECK(res.timestamp == NOW - 10);
	CHECK(has_check(&res, "policy-sim", true) && has_check(&res, "key-binding", true));
	CHECK(has_check(&res, "sim-signature", true) && has_check(&res, "policy-measurement", true));
	free(ev);
}

/* Serializing a parsed envelope gives back the same bytes: the encoding is canonical. */
static void test_roundtrip(void)
{
	capsa_evidence ev, rev;
	uint8_t *buf, *again;
	size_t len, again_len;

	buf = make_sim(&len, NOW);
	CHECK_OK(capsa_evidence_parse(&ev, buf, len));
	CHECK(ev.platform == CAPSA_PLATFORM_SIM && ev.num_items == 3);
	CHECK(ev.nonce_len == sizeof nonce && memcmp(ev.nonce, nonce, sizeof nonce) == 0);
	CHECK(ev.keys_len == sizeof keys && memcmp(ev.keys, keys, sizeof keys) == 0);
	rev = ev; /* reversed item order: serialize sorts */
	for (size_t i = 0; i < 3; i++)
		rev.items[i] = ev.items[2 - i];
	CHECK_OK(capsa_evidence_serialize(&rev, &again, &again_len));
	CHECK(again_len == len && memcmp(again, buf, len) == 0);
	free(again);
	free(buf);
}

/* Offsets of the sim envelope: magic 8, version, platform, nonce, keys, count, then items. */
struct layout {
	size_t nonce, keys, count, stmt, sig, key, end;
};

static struct layout sim_layout(void)
{
	struct layout l;
	l.nonce = 8 + 1 + 1 + 2;
	l.keys = l.nonce + sizeof nonce + 2;
	l.count = l.keys + sizeof keys;
	l.stmt = l.count + 1 + 5;
	l.sig = l.stmt + 20 + 1 + 32 + 32 + 8 + 5;
	l.key = l.sig + 64 + 5;
	l.end = l.key + 32;
	return l;
}

/* The check that must catch a flipped byte at |off| (the verifier knows the nonce; |with_keys|: and the keys). */
static const char *expected_catch(const struct layout *l, size_t off, bool with_keys)
{
	if (off >= l->nonce && off < l->nonce + sizeof nonce)
		return "nonce";
	if (off >= l->keys && off < l->keys + sizeof keys)
		return with_keys ? "keys" : "sim-report-data";
	if ((off >= l->stmt && off < l->stmt + 93) || (off >= l->sig && off < l->sig + 64) ||
	    (off >= l->key && off < l->end))
		return "sim-signature";
	return "envelope"; /* magic, version, platform, lengths, tags */
}

static void flip_every_byte(bool with_keys)
{
	struct layout l = sim_layout();
	capsa_attest_policy pol;
	capsa_attest_verify_params p = params();
	capsa_attest_result *res = malloc(sizeof *res);
	size_t len, wrong = 0;
	uint8_t *ev = make_sim(&len, NOW);

	CHECK(len == l.end);
	if (!with_keys)
		p.keys = NULL, p.keys_len = 0;
	sim_policy(&pol, measurement, sizeof measurement);
	for (size_t off = 0; off < len; off++) {
		ev[off] ^= 0x01;
		check_context("flipped byte %zu, verifier %s the keys", off, with_keys ? "knows" : "does not know");
		CHECK(capsa_attest_verify(ev, len, &p, &pol, res) != CAPSA_OK);
		if (strcmp(first_failure(res), expected_catch(&l, off, with_keys)) != 0 && wrong++ < 5)
			CHECK(strcmp(first_failure(res), expected_catch(&l, off, with_keys)) == 0);
		ev[off] ^= 0x01;
	}
	check_context("all bytes");
	CHECK(wrong == 0);
	CHECK_OK(capsa_attest_verify(ev, len, &p, &pol, res));
	free(res);
	free(ev);
}

/* One piece of evidence, one policy and verifier input changed at a time. */
static void refuse(const char *what, const uint8_t *ev, size_t len, const capsa_attest_verify_params *p,
                   const capsa_attest_policy *pol, capsa_status want, const char *check)
{
	capsa_attest_result res;
	check_context("%s", what);
	CHECK_STATUS(capsa_attest_verify(ev, len, p, pol, &res), want);
	CHECK(strcmp(first_failure(&res), check) == 0);
	check_context("%s", "");
}

static void test_refusals(void)
{
	static const uint8_t other_nonce[16] = {0xa0};
	static const uint8_t other_m[32] = {0xee};
	capsa_attest_policy pol, prod, pinned;
	capsa_attest_verify_params p = params();
	size_t len, old_len;
	uint8_t *ev = make_sim(&len, NOW), *old = make_sim(&old_len, NOW - 301), *future;

	sim_policy(&pol, measurement, sizeof measurement);
	p.nonce = other_nonce;
	refuse("stale nonce", ev, len, &p, &pol, CAPSA_ERR_EVIDENCE, "nonce");
	p = params(), p.nonce = NULL;
	refuse("no verifier nonce", ev, len, &p, &pol, CAPSA_ERR_EVIDENCE, "nonce");
	p = params(), p.keys = (const uint8_t *)"someone else's keys", p.keys_len = 19;
	refuse("other keys", ev, len, &p, &pol, CAPSA_ERR_EVIDENCE, "keys");
	p = params(), p.report_data = measurement, p.report_data_len = 32;
	refuse("report data given for capsa evidence", ev, len, &p, &pol, CAPSA_ERR_ARG, "key-binding");
	p = params();
	refuse("evidence too old", old, old_len, &p, &pol, CAPSA_ERR_POLICY, "policy-age");
	future = make_sim(&old_len, NOW + 3600);
	refuse("evidence from the future", future, old_len, &p, &pol, CAPSA_ERR_POLICY, "policy-age");
	sim_policy(&pol, other_m, sizeof other_m);
	refuse("measurement outside the allow-list", ev, len, &p, &pol, CAPSA_ERR_POLICY, "policy-measurement");
	policy_from(&prod, "{\"version\": 1, \"platforms\": {\"sev-snp\": {\"measurements\": [\"00\"]},"
	                   " \"nitro\": {\"measurements\": [\"00\"]}}}");
	refuse("sim under a production policy", ev, len, &p, &prod, CAPSA_ERR_POLICY, "policy-platform");
	policy_from(&pinned, "{\"version\": 1, \"allow_sim\": true, \"platforms\": {\"sim\": {\"measurements\":"
	                     " [\"00\"], \"platform_keys\": [\"" "0000000000000000000000000000000000000000000000"
	                     "000000000000000000\"]}}}");
	pinned.platforms[CAPSA_PLATFORM_SIM].measurement_lens[0] = 32;
	memcpy(pinned.platforms[CAPSA_PLATFORM_SIM].measurements[0], measurement, 32);
	refuse("sim platform key not pinned", ev, len, &p, &pinned, CAPSA_ERR_POLICY, "policy-platform-key");
	free(future);
	free(old);
	free(ev);
}

/* A production policy refuses sim twice over: platform not listed, and sim not allowed. */
static void test_sim_refused_by_name(void)
{
	capsa_attest_policy prod;
	capsa_attest_verify_params p = params();
	capsa_attest_result res;
	size_t len;
	uint8_t *ev = make_sim(&len, NOW);

	policy_from(&prod, "{\"version\": 1, \"platforms\": {\"tpm2\": {\"measurements\": [\"00\"], \"ak_names\":"
	                   " [\"000b0000000000000000000000000000000000000000000000000000000000000000\"]}}}");
	CHECK_STATUS(capsa_attest_verify(ev, len, &p, &prod, &res), CAPSA_ERR_POLICY);
	CHECK(has_check(&res, "policy-sim", false) && has_check(&res, "policy-platform", false));
	CHECK(res.simulated);
	free(ev);
}

static void test_envelope_strict(void)
{
	capsa_evidence ev;
	size_t len;
	uint8_t *buf = make_sim(&len, NOW), *longer = malloc(len + 1);

	for (size_t n = 0; n < len; n++) {
		check_context("truncated to %zu", n);
		CHECK(capsa_evidence_parse(&ev, buf, n) != CAPSA_OK);
	}
	check_context("%s", "");
	memcpy(longer, buf, len), longer[len] = 0;
	CHECK_STATUS(capsa_evidence_parse(&ev, longer, len + 1), CAPSA_ERR_TRAILING);
	longer[0] = 'X';
	CHECK_STATUS(capsa_evidence_parse(&ev, longer, len), CAPSA_ERR_NOT_CAPSA);
	memcpy(longer, buf, len), longer[8] = 2;
	CHECK_STATUS(capsa_evidence_parse(&ev, longer, len), CAPSA_ERR_VERSION);
	memcpy(longer, buf, len), longer[9] = 7;
	CHECK_STATUS(capsa_evidence_parse(&ev, longer, len), CAPSA_ERR_DECODE);
	memcpy(longer, buf, len), longer[9] = CAPSA_PLATFORM_NITRO; /* sim items under another platform */
	CHECK_STATUS(capsa_evidence_parse(&ev, longer, len), CAPSA_ERR_DECODE);
	free(longer);
	free(buf);
}

/* Items out of order, duplicated, missing, unknown or of the wrong size are refused on both sides. */
static void test_envelope_items(void)
{
	static const uint8_t sig[64], key[32], stmt[8];
	capsa_evidence ev = {.platform = CAPSA_PLATFORM_SIM}, parsed;
	uint8_t *buf;
	size_t len;

	CHECK_OK(capsa_evidence_add(&ev, CAPSA_EV_SIM_STATEMENT, stmt, sizeof stmt));
	CHECK_OK(capsa_evidence_add(&ev, CAPSA_EV_SIM_SIGNATURE, sig, sizeof sig));
	CHECK_STATUS(capsa_evidence_serialize(&ev, &buf, &len), CAPSA_ERR_ARG); /* platform key missing */
	CHECK_OK(capsa_evidence_add(&ev, CAPSA_EV_SIM_PLATFORM_KEY, key, sizeof key));
	CHECK_OK(capsa_evidence_serialize(&ev, &buf, &len));
	CHECK_OK(capsa_evidence_parse(&parsed, buf, len));
	buf[len - 32 - 5] = CAPSA_EV_SIM_SIGNATURE; /* the key's tag made a duplicate */
	CHECK_STATUS(capsa_evidence_parse(&parsed, buf, len), CAPSA_ERR_DECODE);
	buf[len - 32 - 5] = 0x04; /* unknown tag */
	CHECK_STATUS(capsa_evidence_parse(&parsed, buf, len), CAPSA_ERR_DECODE);
	free(buf);
	ev.items[1].len = 63;
	CHECK_STATUS(capsa_evidence_serialize(&ev, &buf, &len), CAPSA_ERR_ARG);
	ev.items[1].len = 64;
	CHECK_STATUS(capsa_evidence_add(&ev, CAPSA_EV_SNP_REPORT, key, sizeof key), CAPSA_OK);
	CHECK_STATUS(capsa_evidence_serialize(&ev, &buf, &len), CAPSA_ERR_ARG); /* an SNP item in sim evidence */
}

static void test_quote_args(void)
{
	uint8_t *ev;
	size_t len;

	CHECK_STATUS(capsa_sim_quote(&ev, &len, seed, measurement, 0, keys, sizeof keys, nonce, sizeof nonce, NOW),
	             CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_sim_quote(&ev, &len, seed, measurement, 32, keys, 0, nonce, sizeof nonce, NOW),
	             CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_sim_quote(&ev, &len, seed, measurement, 32, keys, sizeof keys, nonce, 65, NOW),
	             CAPSA_ERR_ARG);
	CHECK(ev == NULL && len == 0);
}

/* Vendor files come in wrapped, with no nonce or keys of their own. */
static void test_import(void)
{
	static const char b64[] = "hEShATgioFkA\n";  /* 84 44 a1 01 38 22 a0 59 00 */
	static const uint8_t cose[] = {0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0};
	uint8_t report[1184] = {2}, vcek[3] = {0x30, 0x01, 0x00}, *out;
	capsa_evidence ev;
	size_t len;

	CHECK_OK(capsa_evidence_import(&out, &len, (const uint8_t *)b64, strlen(b64), NULL, 0));
	CHECK_OK(capsa_evidence_parse(&ev, out, len));
	CHECK(ev.platform == CAPSA_PLATFORM_NITRO && ev.nonce_len == 0 && ev.keys_len == 0);
	CHECK(ev.items[0].len == 9 && memcmp(ev.items[0].data, cose, sizeof cose) == 0);
	free(out);
	CHECK_OK(capsa_evidence_import(&out, &len, cose, sizeof cose, NULL, 0));
	free(out);
	CHECK_OK(capsa_evidence_import(&out, &len, report, sizeof report, vcek, sizeof vcek));
	CHECK_OK(capsa_evidence_parse(&ev, out, len));
	CHECK(ev.platform == CAPSA_PLATFORM_SEV_SNP && ev.num_items == 2);
	free(out);
	CHECK_STATUS(capsa_evidence_import(&out, &len, report, 1000, vcek, sizeof vcek), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_evidence_import(&out, &len, (const uint8_t *)"hEShATgioFk", 11, NULL, 0), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_evidence_import(&out, &len, (const uint8_t *)"hello", 5, NULL, 0), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_evidence_import(&out, &len, (const uint8_t *)"hEShATgioFl=", 12, NULL, 0),
	             CAPSA_ERR_DECODE); /* non-zero unused bits */
}

int main(void)
{
	CHECK_OK(capsa_sha256(measurement, "the keeper program", 18));
	test_accepted();
	test_roundtrip();
	flip_every_byte(true);
	flip_every_byte(false);
	test_refusals();
	test_sim_refused_by_name();
	test_envelope_strict();
	test_envelope_items();
	test_quote_args();
	test_import();
	return check_summary();
}
