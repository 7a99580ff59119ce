/*
 * SEV-SNP: the report parser, then the whole verifier. The input is a report
 * followed by the VCEK's DER (seeds: the real Milan report and its VCEK).
 */
#include <string.h>

#include "attest/core.h"
#include "attest/snp/snp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rd[5] = {1, 2, 3, 4, 5};
	capsa_attest_expect e = {.report_data = rd, .report_data_len = sizeof rd, .at = 1704067200};
	capsa_attest_result res;
	capsa_snp_report r;
	char why[96];
	size_t report_len = size < CAPSA_SNP_REPORT_BYTES ? size : CAPSA_SNP_REPORT_BYTES;

	if (capsa_snp_report_parse(&r, data, size, why, sizeof why) == CAPSA_OK && size != CAPSA_SNP_REPORT_BYTES)
		__builtin_trap(); /* only exactly one report parses */
	if (capsa_snp_verify(data, report_len, data + report_len, size - report_len, &e, &res) == CAPSA_OK &&
	    !capsa_attest_result_ok(&res))
		__builtin_trap(); /* success must mean every check passed */
	return 0;
}
