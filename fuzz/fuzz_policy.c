/*
 * Policy files: any bytes through the strict JSON validation, and whatever it
 * accepts applied to a result, which must give one named check per rule.
 */
#include <stdlib.h>

#include <capsa/attest.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_attest_policy pol;
	capsa_attest_result res = {.platform = CAPSA_PLATFORM_SEV_SNP, .measurement_len = 2, .timestamp = 1};
	char err[128];

	if (capsa_policy_parse(&pol, (const char *)data, size, err, sizeof err) != CAPSA_OK)
		return 0;
	for (int p = CAPSA_PLATFORM_SIM; p <= CAPSA_PLATFORM_NITRO; p++) {
		res.platform = (capsa_attest_platform)p;
		res.simulated = p == CAPSA_PLATFORM_SIM;
		res.num_checks = 0;
		if (capsa_policy_apply(&pol, NULL, 1000, &res) == CAPSA_OK && !capsa_attest_result_ok(&res))
			abort(); /* a policy passed with a failed check */
	}
	return 0;
}
