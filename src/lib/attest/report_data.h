/*
 * attest/report_data.h - the report-data rule the cloud verifiers share.
 *
 * A platform's binding field (SEV-SNP REPORT_DATA, 64 bytes; Nitro user_data,
 * up to 1024) holds what the verifier expects, followed by zero bytes up to
 * the field's length. capsa's attesters put the 32-byte capsa_attest_binding
 * there, so a SEV-SNP report carries binding || 32 zero bytes and a Nitro
 * document carries exactly the binding. An empty expectation, or one longer
 * than the field, never matches.
 */
#ifndef CAPSA_ATTEST_REPORT_DATA_H
#define CAPSA_ATTEST_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>

/* capsa_attest_report_data_matches applies the rule above; constant time in the contents. */
bool capsa_attest_report_data_matches(const uint8_t *field, size_t field_len, const uint8_t *want,
                                      size_t want_len);

/*
 * capsa_attest_check_report_data records the "report-data" check of |field|
 * against expect->report_data in |res| and returns whether it passed.
 */
bool capsa_attest_check_report_data(capsa_attest_result *res, const uint8_t *field, size_t field_len,
                                    const capsa_attest_expect *expect);

#endif
