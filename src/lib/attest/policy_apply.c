/*
 * Applying a policy to a verified result: one named check per rule, all of
 * them recorded, so a refusal always says which rule refused.
 */
#include <string.h>

#include "attest/core.h"

#define CLOCK_SKEW_SECONDS 300 /* evidence may claim a time this far ahead of ours */

static void check_platform(const capsa_attest_policy *pol, const capsa_attest_result *res, capsa_attest_result *out)
{
	const char *name = capsa_attest_platform_name(res->platform);
	bool ok = res->platform > CAPSA_PLATFORM_NONE && res->platform <= CAPSA_PLATFORM_NITRO &&
	          pol->platforms[res->platform].allowed;
	capsa_attest_check_add(out, "policy-platform", ok, "%s %s", name, ok ? "is allowed" : "is not allowed");
}

static void check_sim(const capsa_attest_policy *pol, capsa_attest_result *res)
{
	if (!res->simulated && res->platform != CAPSA_PLATFORM_SIM) {
		capsa_attest_check_add(res, "policy-sim", true, "not simulated");
		return;
	}
	capsa_attest_check_add(res, "policy-sim", pol->allow_sim,
	                       pol->allow_sim ? "SIMULATED evidence allowed by allow_sim (development only)"
	                                      : "SIMULATED evidence refused: the policy does not allow sim");
}

static void check_measurement(const capsa_policy_platform *pp, capsa_attest_result *res)
{
	bool ok = false;
	for (size_t i = 0; i < pp->num_measurements && !ok; i++)
		ok = pp->measurement_lens[i] == res->measurement_len &&
		     memcmp(pp->measurements[i], res->measurement, res->measurement_len) == 0;
	capsa_attest_check_add(res, "policy-measurement", ok, ok ? "in the allow-list" : "not in the allow-list");
}

static void check_debug(const capsa_policy_platform *pp, capsa_attest_result *res)
{
	bool ok = !res->debug || pp->allow_debug;
	capsa_attest_check_add(res, "policy-debug", ok, "%s",
	                       !res->debug ? "not a debug platform"
	                                   : ok ? "debug platform allowed by allow_debug" : "debug platform refused");
}

/* SEV-SNP TCB_VERSION (little-endian u64): bootloader byte 0, tee 1, snp 6, microcode 7. */
static void check_tcb(const capsa_policy_platform *pp, capsa_attest_result *res)
{
	static const unsigned shift[4] = {0, 8, 48, 56};
	static const char *const part[4] = {"bootloader", "tee", "snp", "microcode"};
	bool ok = true;
	size_t bad = 0;

	if (!pp->has_min_tcb) {
		capsa_attest_check_add(res, "policy-tcb", true, "no minimum TCB set");
		return;
	}
	for (size_t i = 0; i < 4 && ok; i++)
		if ((uint8_t)(res->tcb >> shift[i]) < pp->min_tcb[i])
			ok = false, bad = i;
	if (ok)
		capsa_attest_check_add(res, "policy-tcb", true, "reported TCB 0x%016llx meets the minimum",
		                       (unsigned long long)res->tcb);
	else
		capsa_attest_check_add(res, "policy-tcb", false, "%s SVN %u below the minimum %u", part[bad],
		                       (unsigned)(uint8_t)(res->tcb >> shift[bad]), pp->min_tcb[bad]);
}

static void check_age(const capsa_attest_policy *pol, int64_t at, capsa_attest_result *res)
{
	if (pol->max_age == 0) {
		capsa_attest_check_add(res, "policy-age", true, "no maximum age set");
	} else if (!res->has_timestamp) {
		capsa_attest_check_add(res, "policy-age", pol->require_nonce, "%s",
		                       pol->require_nonce ? "no signed time in the evidence: freshness rests on the nonce"
		                                          : "no signed time in the evidence and no nonce required");
	} else if (res->timestamp > at + CLOCK_SKEW_SECONDS) {
		capsa_attest_check_add(res, "policy-age", false, "made %lld s in the future",
		                       (long long)(res->timestamp - at));
	} else {
		bool ok = at - res->timestamp <= pol->max_age;
		capsa_attest_check_add(res, "policy-age", ok, "%lld s old, maximum %lld s",
		                       (long long)(at - res->timestamp), (long long)pol->max_age);
	}
}

/* A sim platform key, when the policy pins them, must be one of the pins. */
static void check_sim_key(const capsa_policy_platform *pp, const capsa_evidence *ev, capsa_attest_result *res)
{
	const capsa_evidence_item *it = ev ? capsa_evidence_get(ev, CAPSA_EV_SIM_PLATFORM_KEY) : NULL;
	bool ok = false;

	for (size_t i = 0; it != NULL && it->len == CAPSA_SIM_PUBLICBYTES && i < pp->num_pins && !ok; i++)
		ok = memcmp(pp->pins[i], it->data, CAPSA_SIM_PUBLICBYTES) == 0;
	capsa_attest_check_add(res, "policy-platform-key", ok,
	                       ok ? "sim platform key pinned by the policy" : "sim platform key not among the pins");
}

/* The tpm2 AK pins are applied by the tpm2 verifier itself (check "ak-trusted"). */
static void check_platform_specific(const capsa_policy_platform *pp, const capsa_evidence *ev,
                                    capsa_attest_result *res)
{
	if (res->platform == CAPSA_PLATFORM_SEV_SNP)
		check_tcb(pp, res);
	if (res->platform == CAPSA_PLATFORM_SIM && pp->num_pins > 0)
		check_sim_key(pp, ev, res);
}

capsa_status capsa_policy_apply(const capsa_attest_policy *pol, const capsa_evidence *ev, int64_t at,
                                capsa_attest_result *res)
{
	size_t first = res->num_checks;
	const capsa_policy_platform *pp;

	if (first + 8 > CAPSA_ATTEST_MAX_CHECKS)
		return CAPSA_ERR_POLICY; /* no room left to record the policy's checks */
	check_platform(pol, res, res);
	check_sim(pol, res);
	if (res->checks[first].passed) {
		pp = &pol->platforms[res->platform];
		check_measurement(pp, res);
		check_debug(pp, res);
		check_platform_specific(pp, ev, res);
		check_age(pol, at, res);
	}
	for (size_t i = first; i < res->num_checks; i++)
		if (!res->checks[i].passed)
			return CAPSA_ERR_POLICY;
	return res->num_checks > first ? CAPSA_OK : CAPSA_ERR_POLICY;
}
