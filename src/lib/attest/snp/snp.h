/*
 * attest/snp/snp.h - the AMD SEV-SNP backend and its ATTESTATION_REPORT structure.
 *
 * Layout from AMD's SEV Secure Nested Paging Firmware ABI Specification
 * (publication 56860), table "ATTESTATION_REPORT Structure": 1184 bytes,
 * little-endian fields, the signature over bytes 0x000-0x29F. Versions 2 to 5
 * share the fields capsa reads; v3 adds the CPUID identification bytes at
 * 0x188 and later versions the launch and current mitigation vectors at
 * 0x1F8 and 0x200 (taken here to be present from v4 on), carried but unused.
 */
#ifndef CAPSA_ATTEST_SNP_H
#define CAPSA_ATTEST_SNP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>
#include <capsa/status.h>

#define CAPSA_SNP_REPORT_BYTES 1184
#define CAPSA_SNP_SIGNED_BYTES 0x2A0
#define CAPSA_SNP_REPORT_DATA_BYTES 64
#define CAPSA_SNP_MEASUREMENT_BYTES 48
#define CAPSA_SNP_CHIP_ID_BYTES 64
#define CAPSA_SNP_SIG_COMPONENT_BYTES 72

#define CAPSA_SNP_POLICY_SMT (1ULL << 16)
#define CAPSA_SNP_POLICY_RESERVED_ONE (1ULL << 17) /* must be one */
#define CAPSA_SNP_POLICY_MIGRATE_MA (1ULL << 18)
#define CAPSA_SNP_POLICY_DEBUG (1ULL << 19)
#define CAPSA_SNP_POLICY_SINGLE_SOCKET (1ULL << 20)

#define CAPSA_SNP_SIG_ALGO_ECDSA_P384_SHA384 1

/* The report as parsed; byte fields are copies, integers host order. */
typedef struct capsa_snp_report {
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vmpl;
	uint32_t signature_algo;
	uint64_t current_tcb;
	uint64_t platform_info;
	uint32_t key_info;         /* bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY */
	uint8_t report_data[CAPSA_SNP_REPORT_DATA_BYTES];
	uint8_t measurement[CAPSA_SNP_MEASUREMENT_BYTES];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint64_t reported_tcb;
	uint8_t chip_id[CAPSA_SNP_CHIP_ID_BYTES];
	uint64_t committed_tcb;
	uint8_t current_version[3]; /* build, minor, major */
	uint8_t committed_version[3];
	uint64_t launch_tcb;
	uint8_t sig_r[CAPSA_SNP_SIG_COMPONENT_BYTES]; /* little-endian */
	uint8_t sig_s[CAPSA_SNP_SIG_COMPONENT_BYTES];
} capsa_snp_report;

/* SIGNING_KEY values (key_info bits 4:2). */
#define CAPSA_SNP_SIGNING_KEY_VCEK 0
#define CAPSA_SNP_SIGNING_KEY_VLEK 1

/*
 * capsa_snp_report_parse parses |buf| strictly: exactly 1184 bytes, version
 * 2 to 5, signature algorithm 1 (ECDSA P-384 with SHA-384), VMPL 0-3, a
 * VCEK-signed report, and zeros in every reserved field (including the
 * signature's unused high bytes). Returns CAPSA_OK, CAPSA_ERR_TRUNCATED,
 * CAPSA_ERR_TRAILING, CAPSA_ERR_VERSION, CAPSA_ERR_UNSUPPORTED or
 * CAPSA_ERR_DECODE, with |why| naming the offending field. |rep| is zeroed on
 * failure.
 */
capsa_status capsa_snp_report_parse(capsa_snp_report *rep, const uint8_t *buf, size_t len, char *why,
                                    size_t why_len) CAPSA_MUST_CHECK;



/* capsa_snp_verify: a 1184-byte attestation report and the VCEK certificate (DER) that signed it. */
capsa_status capsa_snp_verify(const uint8_t *report, size_t report_len, const uint8_t *vcek_der,
                              size_t vcek_len, const capsa_attest_expect *expect,
                              capsa_attest_result *res) CAPSA_MUST_CHECK;

#endif
