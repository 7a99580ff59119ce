/*
 * Attestation policies: the JSON schema is validated strictly at load time
 * (each malformed policy refused with the offending key named), and applying
 * a policy records one named check per rule.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "check.h"

#define M32 "b07af962aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b01"
#define AK "000b1111111111111111111111111111111111111111111111111111111111111111"

static const char full[] =
	"{\"version\": 1, \"allow_sim\": false, \"require_nonce\": true, \"max_age_seconds\": 600,"
	" \"platforms\": {"
	"  \"sev-snp\": {\"measurements\": [\"" M32 "\"], \"allow_debug\": false,"
	"               \"min_tcb\": {\"bootloader\": 3, \"tee\": 0, \"snp\": 8, \"microcode\": 115}},"
	"  \"nitro\": {\"measurements\": [\"" M32 "\", \"00ff\"], \"allow_debug\": true},"
	"  \"tpm2\": {\"measurements\": [\"" M32 "\"], \"ak_names\": [\"" AK "\"]}}}";

static void test_full(void)
{
	capsa_attest_policy pol;
	char err[200];
	const capsa_policy_platform *snp = &pol.platforms[CAPSA_PLATFORM_SEV_SNP];

	CHECK_OK(capsa_policy_parse(&pol, full, strlen(full), err, sizeof err));
	CHECK(!pol.allow_sim && pol.require_nonce && pol.max_age == 600);
	CHECK(!pol.platforms[CAPSA_PLATFORM_SIM].allowed && snp->allowed && !snp->allow_debug);
	CHECK(snp->num_measurements == 1 && snp->measurement_lens[0] == 32 && snp->measurements[0][0] == 0xb0);
	CHECK(snp->has_min_tcb && snp->min_tcb[0] == 3 && snp->min_tcb[2] == 8 && snp->min_tcb[3] == 115);
	CHECK(pol.platforms[CAPSA_PLATFORM_NITRO].allow_debug);
	CHECK(pol.platforms[CAPSA_PLATFORM_NITRO].num_measurements == 2);
	CHECK(pol.platforms[CAPSA_PLATFORM_TPM2].num_pins == 1 && pol.platforms[CAPSA_PLATFORM_TPM2].pins[0][1] == 0x0b);
}

/* Each malformed policy is refused, and the message names what is wrong. */
static const struct {
	const char *json;
	const char *names;
} bad[] = {
	{"", "not JSON"},
	{"{\"version\": 1, ", "not JSON"},
	{"[]", "JSON object"},
	{"{\"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}", "version"},
	{"{\"version\": 2, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}", "version"},
	{"{\"version\": \"1\", \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}", "version"},
	{"{\"version\": 1}", "platforms"},
	{"{\"version\": 1, \"platforms\": {}}", "platforms"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}, \"colour\": 1}", "colour"},
	{"{\"version\": 1, \"platforms\": {\"sgx\": {\"measurements\": [\"00\"]}}}", "sgx"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"], \"min_tcb\": {}}}}", "min_tcb"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {}}}", "measurements"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": []}}}", "measurements"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": \"00\"}}}", "measurements"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"0g\"]}}}", "measurements[0]"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\", \"abc\"]}}}", "measurements[1]"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"\"]}}}", "measurements[0]"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\\u000000\"]}}}", "not JSON"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"" M32 M32 "00\"]}}}", "measurements[0]"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [1]}}}", "measurements[0]"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"], \"allow_debug\": 1}}}",
	 "allow_debug"},
	{"{\"version\": 1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}, \"nitro\": {}}}", "duplicate"},
	{"{\"version\": 1, \"platforms\": {\"sim\": {\"measurements\": [\"00\"]}}}", "allow_sim"},
	{"{\"version\": 1, \"allow_sim\": \"yes\", \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}",
	 "allow_sim"},
	{"{\"version\": 1, \"max_age_seconds\": -1, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}",
	 "max_age_seconds"},
	{"{\"version\": 1, \"max_age_seconds\": 1.5, \"platforms\": {\"nitro\": {\"measurements\": [\"00\"]}}}",
	 "max_age_seconds"},
	{"{\"version\": 1, \"platforms\": {\"tpm2\": {\"measurements\": [\"00\"]}}}", "ak_names"},
	{"{\"version\": 1, \"platforms\": {\"tpm2\": {\"measurements\": [\"00\"], \"ak_names\": [\"000b11\"]}}}",
	 "ak_names[0]"},
	{"{\"version\": 1, \"platforms\": {\"sev-snp\": {\"measurements\": [\"00\"], \"min_tcb\": {\"snp\": 8}}}}",
	 "min_tcb.bootloader"},
	{"{\"version\": 1, \"platforms\": {\"sev-snp\": {\"measurements\": [\"00\"], \"min_tcb\": {\"bootloader\": 1,"
	 " \"tee\": 0, \"snp\": 256, \"microcode\": 0}}}}", "min_tcb.snp"},
	{"{\"version\": 1, \"platforms\": {\"sev-snp\": {\"measurements\": [\"00\"], \"min_tcb\": {\"bootloader\": 1,"
	 " \"tee\": 0, \"snp\": 2, \"microcode\": 0, \"fw\": 1}}}}", "fw"},
	{"{\"version\": 1, \"allow_sim\": true, \"platforms\": {\"sim\": {\"measurements\": [\"00\"],"
	 " \"platform_keys\": [\"00\"]}}}", "platform_keys[0]"},
	{"{\"version\": 1, \"platforms\": {\"tpm2\": {\"measurements\": [\"00\"], \"ak_names\": [\"" AK "\"],"
	 " \"allow_debug\": true}}}", "allow_debug"},
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		capsa_attest_policy pol;
		char err[200] = "";
		check_context("bad policy %zu: %s", i, bad[i].json);
		CHECK_STATUS(capsa_policy_parse(&pol, bad[i].json, strlen(bad[i].json), err, sizeof err),
		             CAPSA_ERR_DECODE);
		CHECK(strstr(err, bad[i].names) != NULL);
		CHECK(!pol.platforms[CAPSA_PLATFORM_NITRO].allowed && pol.require_nonce); /* left at the safe default */
	}
	check_context("%s", "");
}

static capsa_attest_result result_of(capsa_attest_platform p, const char *m_hex, bool debug, uint64_t tcb)
{
	capsa_attest_result res = {.platform = p, .debug = debug, .tcb = tcb};
	uint8_t *m = hex_decode(m_hex, &res.measurement_len);
	memcpy(res.measurement, m, res.measurement_len);
	free(m);
	return res;
}

static const char *first_failure(const capsa_attest_result *res)
{
	const capsa_attest_check *c = capsa_attest_first_failure(res);
	return c ? c->name : "(none)";
}

static void test_apply(void)
{
	capsa_attest_policy pol;
	capsa_attest_result res;
	/* TCB_VERSION little-endian: bootloader 3, tee 0, snp 8, microcode 115 */
	const uint64_t tcb_ok = 3 | (uint64_t)8 << 48 | (uint64_t)115 << 56;

	CHECK_OK(capsa_policy_parse(&pol, full, strlen(full), NULL, 0));
	res = result_of(CAPSA_PLATFORM_SEV_SNP, M32, false, tcb_ok);
	CHECK_OK(capsa_policy_apply(&pol, NULL, 1000, &res));
	CHECK(res.num_checks == 6 && capsa_attest_result_ok(&res));
	res = result_of(CAPSA_PLATFORM_SEV_SNP, M32, false, tcb_ok - ((uint64_t)1 << 48));
	CHECK_STATUS(capsa_policy_apply(&pol, NULL, 1000, &res), CAPSA_ERR_POLICY);
	CHECK(strcmp(first_failure(&res), "policy-tcb") == 0 && strstr(res.checks[4].detail, "snp SVN 7") != NULL);
	res = result_of(CAPSA_PLATFORM_SEV_SNP, M32, true, tcb_ok);
	CHECK_STATUS(capsa_policy_apply(&pol, NULL, 1000, &res), CAPSA_ERR_POLICY);
	CHECK(strcmp(first_failure(&res), "policy-debug") == 0);
	res = result_of(CAPSA_PLATFORM_NITRO, "00ff", true, 0); /* this policy allows debug Nitro enclaves */
	CHECK_OK(capsa_policy_apply(&pol, NULL, 1000, &res));
	res = result_of(CAPSA_PLATFORM_NITRO, "00fe", false, 0);
	CHECK_STATUS(capsa_policy_apply(&pol, NULL, 1000, &res), CAPSA_ERR_POLICY);
	CHECK(strcmp(first_failure(&res), "policy-measurement") == 0);
	res = result_of(CAPSA_PLATFORM_SIM, M32, false, 0);
	res.simulated = true;
	CHECK_STATUS(capsa_policy_apply(&pol, NULL, 1000, &res), CAPSA_ERR_POLICY);
	CHECK(strcmp(first_failure(&res), "policy-platform") == 0 && !res.checks[1].passed);
	res = result_of(CAPSA_PLATFORM_NITRO, "00ff", false, 0);
	res.has_timestamp = true, res.timestamp = 1000 - 601;
	CHECK_STATUS(capsa_policy_apply(&pol, NULL, 1000, &res), CAPSA_ERR_POLICY);
	CHECK(strcmp(first_failure(&res), "policy-age") == 0);
	res = result_of(CAPSA_PLATFORM_NITRO, "00ff", false, 0);
	res.has_timestamp = true, res.timestamp = 1000 - 600;
	CHECK_OK(capsa_policy_apply(&pol, NULL, 1000, &res));
}

int main(void)
{
	test_full();
	test_malformed();
	test_apply();
	return check_summary();
}
