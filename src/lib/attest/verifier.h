/*
 * attest/verifier.h - what the attestation backends share inside the library.
 *
 * Each backend verifier checks its evidence and records every check it made in
 * |res| with capsa_attest_check_add (also the ones that pass), so that a
 * result always explains itself. A verifier returns CAPSA_OK when every check
 * passed, CAPSA_ERR_EVIDENCE (or CAPSA_ERR_CERT for a chain) when one failed,
 * and CAPSA_ERR_DECODE when the evidence cannot even be parsed.
 */
#ifndef CAPSA_ATTEST_VERIFIER_H
#define CAPSA_ATTEST_VERIFIER_H

#include <capsa/attest.h>

/* Appends a check to |res| (silently dropped past CAPSA_ATTEST_MAX_CHECKS). */
void capsa_attest_check_add(capsa_attest_result *res, const char *name, bool passed, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* AMD SEV-SNP: a 1184-byte attestation report and the VCEK certificate (DER) that signed it. */
capsa_status capsa_snp_verify(const uint8_t *report, size_t report_len, const uint8_t *vcek_der,
                              size_t vcek_len, const capsa_attest_expect *expect,
                              capsa_attest_result *res) CAPSA_MUST_CHECK;

/* AWS Nitro Enclaves: an attestation document (COSE_Sign1, untagged or tagged). */
capsa_status capsa_nitro_verify(const uint8_t *doc, size_t doc_len, const capsa_attest_expect *expect,
                                capsa_attest_result *res) CAPSA_MUST_CHECK;

#endif
