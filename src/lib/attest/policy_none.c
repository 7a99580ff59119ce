/*
 * Policy files without JSON: built instead of policy.c when capsa is
 * configured with CAPSA_WITH_JSON=OFF. A policy can still be filled in as a
 * capsa_attest_policy and applied; only reading the JSON document is gone.
 */
#include <stdio.h>
#include <string.h>

#include <capsa/attest.h>

capsa_status capsa_policy_parse(capsa_attest_policy *pol, const char *json, size_t json_len, char *err,
                                size_t err_len)
{
	(void)json, (void)json_len;
	memset(pol, 0, sizeof *pol);
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "capsa was built without JSON support (CAPSA_WITH_JSON=OFF)");
	return CAPSA_ERR_UNSUPPORTED;
}
