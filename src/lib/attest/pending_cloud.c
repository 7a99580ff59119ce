/*
 * A placeholder for the Nitro verifier until nitro.c lands: it refuses
 * everything. Delete this file when they do (the shared
 * library then fails to link with duplicate symbols, which is the reminder).
 */
#include "attest/verifier.h"

capsa_status capsa_nitro_verify(const uint8_t *doc, size_t doc_len, const capsa_attest_expect *expect,
                                capsa_attest_result *res)
{
	(void)doc, (void)doc_len, (void)expect;
	res->platform = CAPSA_PLATFORM_NITRO;
	capsa_attest_check_add(res, "nitro-verifier", false, "not built into this capsa");
	return CAPSA_ERR_UNSUPPORTED;
}
