/* The report-data rule of the cloud verifiers (see attest/core.h). */
#include "attest/core.h"
#include "crypto/crypto.h"

bool capsa_attest_report_data_matches(const uint8_t *field, size_t field_len, const uint8_t *want,
                                      size_t want_len)
{
	uint8_t rest = 0;

	if (want == NULL || want_len == 0 || want_len > field_len)
		return false;
	for (size_t i = want_len; i < field_len; i++)
		rest |= field[i];
	return capsa_ct_equal(field, want, want_len) && rest == 0;
}

bool capsa_attest_check_report_data(capsa_attest_result *res, const uint8_t *field, size_t field_len,
                                    const capsa_attest_expect *expect)
{
	bool ok = capsa_attest_report_data_matches(field, field_len, expect->report_data, expect->report_data_len);

	if (expect->report_data == NULL || expect->report_data_len == 0)
		capsa_attest_check_add(res, "report-data", false, "no expected report data given");
	else
		capsa_attest_check_add(res, "report-data", ok, "%zu-byte field %s the expected %zu bytes + zeros",
		                       field_len, ok ? "holds" : "does not hold", expect->report_data_len);
	return ok;
}
