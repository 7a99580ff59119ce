/*
 * capsa/attest.h - remote attestation: evidence, verification, policy.
 *
 * Strict mode lets a content key flow only to a keeper that proved, with
 * evidence from a trusted execution environment, that its public keys belong
 * to approved code on a genuine platform. Evidence always binds two things:
 * the attester's public keys and a fresh nonce chosen by the verifier, through
 * capsa_attest_binding() placed in the platform's report-data field (TPM
 * qualifying data, SEV-SNP REPORT_DATA, Nitro user_data / nonce).
 *
 * Verification is in two steps. A backend verifier checks the evidence
 * cryptographically (signatures, certificate chains to pinned roots, the
 * binding) and fills a capsa_attest_result that names every check it made.
 * Then a policy decides whether that result is acceptable (platform,
 * measurement allow-list, debug mode, minimum TCB, evidence age, and whether
 * the development-only `sim` platform is allowed at all).
 */
#ifndef CAPSA_ATTEST_H
#define CAPSA_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum capsa_attest_platform {
	CAPSA_PLATFORM_NONE = 0,
	CAPSA_PLATFORM_SIM = 1,     /* development only: proves nothing */
	CAPSA_PLATFORM_TPM2 = 2,
	CAPSA_PLATFORM_SEV_SNP = 3,
	CAPSA_PLATFORM_NITRO = 4,
} capsa_attest_platform;

/* "sim", "tpm2", "sev-snp", "nitro" (or "none"). */
CAPSA_API const char *capsa_attest_platform_name(capsa_attest_platform p);

#define CAPSA_ATTEST_BINDING_BYTES 32
#define CAPSA_ATTEST_MAX_MEASUREMENT 64
#define CAPSA_ATTEST_MAX_REPORT_DATA 64
#define CAPSA_ATTEST_MAX_CHECKS 40

/*
 * capsa_attest_binding computes the 32 bytes that evidence must carry:
 * SHA-256("capsa/v1/attest-binding" || 0x00 || be32(keys_len) || keys ||
 * be32(nonce_len) || nonce). |keys| is the attester's public keys, encoded as
 * the caller's protocol defines; |nonce| is the verifier's challenge.
 */
CAPSA_API capsa_status capsa_attest_binding(uint8_t out[CAPSA_ATTEST_BINDING_BYTES],
                                            const uint8_t *keys, size_t keys_len,
                                            const uint8_t *nonce, size_t nonce_len) CAPSA_MUST_CHECK;

/* One named check and its outcome, e.g. {"vcek-signature", true, "ECDSA P-384 over bytes 0x000-0x29f"}. */
typedef struct capsa_attest_check {
	char name[48];
	bool passed;
	char detail[192];
} capsa_attest_check;

typedef struct capsa_attest_result {
	capsa_attest_platform platform;
	bool simulated;            /* the evidence came from the sim platform */
	bool debug;                /* the platform reports a debug (inspectable) mode */
	uint8_t measurement[CAPSA_ATTEST_MAX_MEASUREMENT]; /* SNP MEASUREMENT, Nitro PCR0, TPM PCR, sim */
	size_t measurement_len;
	uint8_t report_data[CAPSA_ATTEST_MAX_REPORT_DATA]; /* the binding field as found in the evidence */
	size_t report_data_len;
	uint64_t tcb;              /* SEV-SNP reported TCB; 0 where it does not apply */
	int64_t timestamp;         /* when the evidence was made (unix seconds), 0 if it does not say */
	size_t num_checks;
	capsa_attest_check checks[CAPSA_ATTEST_MAX_CHECKS];
} capsa_attest_result;

/* True if at least one check ran and every check passed. */
CAPSA_API bool capsa_attest_result_ok(const capsa_attest_result *res);

/* What the verifier expects of the evidence besides its own signatures. */
typedef struct capsa_attest_expect {
	const uint8_t *report_data;    /* the exact binding expected (e.g. from capsa_attest_binding) */
	size_t report_data_len;        /* 0: no binding given, which fails the binding check */
	const uint8_t *nonce;          /* for platforms with a separate nonce field (Nitro); may be NULL */
	size_t nonce_len;
	int64_t at;                    /* verification time, unix seconds (certificate validity, age) */
} capsa_attest_expect;

#ifdef __cplusplus
}
#endif
#endif
